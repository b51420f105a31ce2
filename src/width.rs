//! Display width in terminal columns.
//!
//! termark measures text with [`unicode-width`](unicode_width) 0.2 (`UnicodeWidthStr::width`,
//! the non-CJK variant: East Asian *ambiguous* characters count 1 column) and breaks text only
//! at grapheme-cluster boundaries (UAX #29, [`unicode-segmentation`](unicode_segmentation)).
//!
//! # Limitations
//! Terminals do not agree on every width. unicode-width counts an emoji presentation
//! sequence such as `⚠️` (U+26A0 U+FE0F) and a recognised emoji ZWJ sequence such as `👨‍👩‍👧`
//! as 2 columns; some terminals (and `wcwidth`) draw `⚠️` in 1 column or a ZWJ sequence as
//! its parts. termark follows unicode-width everywhere, so its own arithmetic is consistent;
//! on such a terminal a line with these clusters may look one column shorter or longer.
//! Box-drawing characters (ambiguous width) are counted as 1 column, as in every non-CJK
//! locale.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width of `s` in columns. Text given to it never holds control characters.
#[must_use]
pub fn str_width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        UnicodeWidthStr::width(s)
    }
}

/// Display width of one grapheme cluster in columns.
#[must_use]
pub fn grapheme_width(g: &str) -> usize {
    let mut chars = g.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => UnicodeWidthChar::width(c).unwrap_or(0),
        _ => UnicodeWidthStr::width(g),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_of_common_clusters() {
        assert_eq!(str_width("abc"), 3);
        assert_eq!(str_width("中文"), 4);
        assert_eq!(grapheme_width("e\u{301}"), 1);
        assert_eq!(grapheme_width("👍"), 2);
        assert_eq!(grapheme_width("🇫🇷"), 2);
    }

    #[test]
    fn decoration_glyphs_are_one_column() {
        for g in [
            "│", "─", "╭", "╰", "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼", "•", "◦", "▪", "↪",
            "☐", "☑", "␛", "…",
        ] {
            assert_eq!(str_width(g), 1, "{g}");
        }
    }
}
