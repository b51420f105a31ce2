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

/// True if every byte of `b` is printable ASCII (U+0020 to U+007E): one column each. Checks
/// 16 bytes at a time without early exits, so the compiler can vectorize it.
#[must_use]
pub(crate) fn is_printable_ascii(b: &[u8]) -> bool {
    all_bytes(b, |x| x.wrapping_sub(0x20) < 0x5f)
}

/// `b.iter().all(f)` in blocks of 16 bytes without early exits inside a block (vectorizes
/// for a simple `f`).
#[inline]
pub(crate) fn all_bytes(b: &[u8], f: impl Fn(u8) -> bool) -> bool {
    let mut blocks = b.chunks_exact(16);
    for block in &mut blocks {
        if !block.iter().fold(true, |ok, &x| ok & f(x)) {
            return false;
        }
    }
    blocks.remainder().iter().all(|&x| f(x))
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
    fn printable_ascii_blocks_and_remainder() {
        assert!(is_printable_ascii(b""));
        assert!(is_printable_ascii(b" ~ the quick brown fox jumps over 12"));
        for bad in [0x1f_u8, 0x7f, 0x80, b'\t', b'\n'] {
            for at in [0, 15, 16, 31, 33] {
                let mut v = vec![b'a'; 34];
                v[at] = bad;
                assert!(!is_printable_ascii(&v), "{bad:#x} at {at}");
            }
        }
    }

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
