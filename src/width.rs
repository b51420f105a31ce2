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
pub(crate) fn str_width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        UnicodeWidthStr::width(s)
    }
}

/// The extended grapheme clusters of `s` with their byte offsets, exactly as
/// `s.grapheme_indices(true)` (UAX #29) yields them, with a shortcut for ASCII and the common
/// East Asian scripts: a character from [`is_simple`] followed by another (or by nothing) is
/// a cluster of its own, since no rule joins such a pair; anything else goes through
/// unicode-segmentation from that boundary on.
pub(crate) fn clusters(s: &str) -> Clusters<'_> {
    Clusters { s, at: 0 }
}

/// Iterator of [`clusters`].
pub(crate) struct Clusters<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Iterator for Clusters<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        use unicode_segmentation::UnicodeSegmentation;
        let rest = &self.s[self.at..];
        let mut chars = rest.chars();
        let c = chars.next()?;
        let len = if is_simple(c) && chars.next().is_none_or(is_simple) {
            c.len_utf8()
        } else {
            rest.graphemes(true).next().map_or(rest.len(), str::len)
        };
        let at = self.at;
        self.at += len;
        Some((at, &rest[..len]))
    }
}

/// Characters that no grapheme-cluster rule joins to a neighbour of the same kind:
/// ASCII but CR (controls always stand alone; CR may join LF); Latin-1 and Latin Extended-A
/// letters and signs but the soft hyphen (a format control); the dashes, quotes, bullet and
/// ellipsis of General Punctuation (U+2010–U+2027, no pictographs); and East Asian
/// characters of grapheme category *Other* or Hangul LV/LVT syllables (which join only
/// jamo, not in this set): CJK ideographs and Extension A, hiragana and katakana letters,
/// CJK symbols and punctuation up to U+3029, fullwidth forms. Combining marks (U+0301,
/// U+3099, U+302A…), joiners and pictographs are not here.
pub(crate) fn is_simple(c: char) -> bool {
    (c.is_ascii() && c != '\r')
        || matches!(c,
            '\u{A0}'..='\u{AC}'
            | '\u{AE}'..='\u{17F}'
            | '\u{2010}'..='\u{2027}'
            | '\u{3001}'..='\u{3029}'
            | '\u{3041}'..='\u{3096}'
            | '\u{30A0}'..='\u{30FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{FF01}'..='\u{FF60}')
}

/// True if every byte of `b` is printable ASCII (U+0020 to U+007E): one column each.
///
/// Eight bytes at a time in a `u64`: a byte passes if it is at least 0x20 (subtracting
/// 0x20 from it sets no high bit), below 0x80 (no high bit) and below 0x7F (adding 1 sets no
/// high bit). A borrow or carry between bytes only starts at a byte that fails anyway, so
/// "every byte passes" is exact.
#[must_use]
pub(crate) fn is_printable_ascii(b: &[u8]) -> bool {
    let mut words = b.chunks_exact(8);
    let mut bad = 0;
    for w in &mut words {
        bad |= non_printable_lanes(w);
    }
    bad == 0
        && words
            .remainder()
            .iter()
            .all(|&x| x.wrapping_sub(0x20) < 0x5f)
}

/// Where the first byte of `b` that is not printable ASCII (`0x20..0x7f`) is:
/// `b.iter().position(..)`, eight bytes at a time.
pub(crate) fn first_non_printable_ascii(b: &[u8]) -> Option<usize> {
    let mut words = b.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        if non_printable_lanes(w) != 0 {
            break;
        }
        at += 8;
    }
    b[at..]
        .iter()
        .position(|&c| !(0x20..0x7f).contains(&c))
        .map(|k| at + k)
}

/// The test of [`is_printable_ascii`] on eight bytes (`w.len() == 8`): nonzero if any of
/// them is not printable ASCII (the high bits it sets say nothing about *which*, once a
/// borrow or carry has crossed a lane).
#[inline]
fn non_printable_lanes(w: &[u8]) -> u64 {
    const LO: u64 = 0x2020_2020_2020_2020;
    const ONE: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
    (x.wrapping_sub(LO) | x | x.wrapping_add(ONE)) & HIGH
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

/// Display width of one character in columns (0 for a character unicode-width gives no
/// width, such as a control).
#[must_use]
pub(crate) fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// If `text[at..]` starts with a character that extends a grapheme cluster (a non-ASCII
/// zero-width character: a combining mark, VS16, ZWJ, …) and the cluster holding it starts
/// before `at`, the end of that cluster. Text split at `at` (a style change, an entity, a
/// highlighter token) is re-joined there, so no cluster spans two pieces and every width
/// is measured on whole clusters (FUZZING.md findings 1 and 9).
#[must_use]
pub(crate) fn cluster_end_across(text: &str, at: usize) -> Option<usize> {
    let first = text.get(at..)?.chars().next()?;
    if first.is_ascii() || char_width(first) != 0 {
        return None;
    }
    clusters(text)
        .map(|(a, g)| (a, a + g.len()))
        .find(|&(a, e)| a < at && e > at)
        .map(|(_, e)| e)
}

/// The first grapheme cluster of `s` (non-empty) and its display width in columns: exactly
/// the first item of [`clusters`] and its [`grapheme_width`], with both found at once for a
/// character of [`simple_width`] followed by one of [`is_simple`] (or by nothing). CJK text
/// takes that path for nearly every character.
#[inline]
pub(crate) fn first_cluster(s: &str) -> (&str, usize) {
    let mut chars = s.chars();
    if let Some(c) = chars.next() {
        if let Some(w) = simple_width(c) {
            if chars.next().is_none_or(is_simple) {
                return (&s[..c.len_utf8()], w);
            }
        }
    }
    let g = clusters(s).next().map_or(s, |(_, g)| g);
    (g, grapheme_width(g))
}

/// The width of a character of [`is_simple`] whose width is the same over a whole range:
/// printable ASCII (1); the East Asian ranges of [`is_simple`], all wide (2). `None` for
/// anything else (measured by unicode-width instead).
#[inline]
pub(crate) fn simple_width(c: char) -> Option<usize> {
    match c {
        ' '..='~' => Some(1),
        '\u{3001}'..='\u{3029}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A0}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{FF01}'..='\u{FF60}' => Some(2),
        _ => None,
    }
}

/// Display width of one grapheme cluster in columns.
#[must_use]
pub(crate) fn grapheme_width(g: &str) -> usize {
    let mut chars = g.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => UnicodeWidthChar::width(c).unwrap_or(0),
        _ => UnicodeWidthStr::width(g),
    }
}

/// The parts to break a grapheme cluster wider than a whole line into, as (start, end,
/// width) with byte offsets into `g` and widths in columns: each character of nonzero width
/// with the zero-width characters after it (VS16, ZWJ, combining marks), measured whole, so
/// that no part measures less alone than it does beside its modifiers. Only for clusters
/// that cannot fit anywhere (long emoji ZWJ chains, a prepended mark on a wide sequence):
/// the terminal then shows them as their parts, which is all a line that narrow can hold.
pub(crate) fn cluster_parts(g: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut starts = g
        .char_indices()
        .filter(|&(i, c)| i == 0 || char_width(c) > 0)
        .map(|(i, _)| i)
        .peekable();
    std::iter::from_fn(move || {
        let s = starts.next()?;
        let e = starts.peek().copied().unwrap_or(g.len());
        Some((s, e, str_width(&g[s..e])))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word-at-a-time search finds what a byte-by-byte one does: every byte value at
    /// every position of inputs of 0 to 40 bytes (the rest printable ASCII).
    #[test]
    fn first_non_printable_ascii_is_the_first_such_byte() {
        for len in 0..40 {
            for at in 0..len {
                for bad in 0..=255u8 {
                    let mut b = vec![b'a'; len];
                    b[at] = bad;
                    if at + 1 < len {
                        b[at + 1] = 0xff; // a later bad byte must not be found first
                    }
                    let want = b.iter().position(|&c| !(0x20..0x7f).contains(&c));
                    assert_eq!(first_non_printable_ascii(&b), want, "{b:?}");
                    assert_eq!(is_printable_ascii(&b), want.is_none(), "{b:?}");
                }
            }
            assert_eq!(first_non_printable_ascii(&vec![b'~'; len]), None);
        }
    }

    #[test]
    fn simple_width_agrees_with_unicode_width_and_is_simple() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            if let Some(w) = simple_width(c) {
                assert!(is_simple(c), "{c:?} is not simple");
                assert_eq!(Some(w), UnicodeWidthChar::width(c), "{c:?}");
            }
        }
    }

    #[test]
    fn first_cluster_equals_clusters_and_grapheme_width() {
        let samples = [
            "a",
            "ab",
            "中文",
            "中\u{301}",
            "の。",
            "한국어",
            "e\u{301}x",
            "👍 a",
            "⚠\u{fe0f}",
            "\r\n",
            "1\u{fe0f}\u{20e3}",
            "ｶﾞ",
            "「中」",
            "\u{30fc}ー",
            "中",
            "a\u{200d}",
        ];
        for s in samples {
            let mut rest = s;
            while !rest.is_empty() {
                let (_, g) = clusters(rest).next().expect("a cluster");
                assert_eq!(first_cluster(rest), (g, grapheme_width(g)), "{rest:?}");
                rest = &rest[g.len()..];
            }
        }
    }

    #[test]
    fn a_too_wide_cluster_splits_into_characters_with_their_modifiers() {
        fn parts(g: &str) -> Vec<(&str, usize)> {
            cluster_parts(g).map(|(s, e, w)| (&g[s..e], w)).collect()
        }
        // The prepended mark is a part; `#` keeps its VS16 and the 2 columns it makes.
        assert_eq!(
            parts("\u{600}#\u{fe0f}"),
            [("\u{600}", 1), ("#\u{fe0f}", 2)]
        );
        let chain = "👨\u{200d}👩\u{200d}🌧\u{200d}👦";
        assert_eq!(
            parts(chain),
            [
                ("👨\u{200d}", 2),
                ("👩\u{200d}", 2),
                ("🌧\u{200d}", 1),
                ("👦", 2)
            ]
        );
        assert_eq!(parts(""), []);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// `clusters` is `grapheme_indices(true)`, on strings mixing the shortcut's characters
        /// with everything that joins: combining marks (also the kana voicing mark), VS16,
        /// ZWJ emoji sequences, regional indicators, Hangul jamo, prepend, CR LF, controls.
        #[test]
        fn clusters_equal_grapheme_indices(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", " ", "\r", "\n", "\r\n", "\t", "\u{1}", "中", "文", "か", "\u{3099}", "カ",
                "。", "\u{302A}", "한", "\u{11A8}", "\u{1100}", "\u{1161}", "ｘ", "\u{301}",
                "\u{FE0F}", "\u{200D}", "👍", "\u{1F3FD}", "\u{1F1EB}", "\u{1F1F7}", "\u{600}",
                "\u{903}", "\u{915}", "\u{94D}", "\u{200B}", "\u{3000}", "\u{FF9E}",
                "é", "ñ", "\u{AD}", "—", "…", "‼", "\u{2028}", "\u{17F}", "\u{180}",
            ]), 0..24),
        ) {
            use unicode_segmentation::UnicodeSegmentation;
            let s: String = parts.concat();
            let ours: Vec<(usize, &str)> = clusters(&s).collect();
            let theirs: Vec<(usize, &str)> = s.grapheme_indices(true).collect();
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    proptest::proptest! {
        /// The eight-bytes-at-a-time check is the byte-by-byte one.
        #[test]
        fn printable_ascii_equals_the_byte_check(
            b in proptest::collection::vec(proptest::prop_oneof![0x1eu8..0x22, 0x7cu8..0x82, proptest::num::u8::ANY, 0x20u8..0x7f], 0..40)
        ) {
            let naive = b.iter().all(|&x| (0x20..0x7f).contains(&x));
            proptest::prop_assert_eq!(is_printable_ascii(&b), naive);
        }
    }

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
