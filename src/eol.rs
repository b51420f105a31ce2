//! Line endings: every bare CR (a CR not followed by LF) is read as LF before any parse.
//!
//! CommonMark §2.1 makes LF, CR and CRLF line endings alike, but pulldown-cmark 0.13.6
//! does not always read a bare CR as one: a fence, an indented code block or an HTML
//! block whose lines end in bare CRs runs on to the end of the text, and a blank line
//! made of a bare CR after indented code drops the next paragraph line (FUZZING.md
//! finding 26). The stream and one parse of the same text split it into different
//! parses, so those bugs also made chunking change the output. Reading each bare CR as
//! LF changes no meaning and no byte offset (one byte for one byte), and pulldown-cmark
//! reads LF and CRLF alike.
//!
//! Every text termark parses goes through here: the stream's source buffer
//! (`stream::source`, which [`Renderer::render`](crate::Renderer::render) pushes into
//! too) and the whole-document parses ([`bare_cr_to_lf`]).

use std::borrow::Cow;

/// Reads bare CRs as LF in text that arrives in pieces. A CR that ends a piece is held
/// back until the next piece shows whether an LF follows it; [`finish`](Self::finish)
/// ends it as a line ending.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BareCr {
    /// A CR ended the last piece and is not written yet.
    held: bool,
}

impl BareCr {
    /// True if a CR is held back.
    #[must_use]
    pub(crate) fn is_held(self) -> bool {
        self.held
    }

    /// True if [`push`](Self::push) would append `piece` unchanged: no CR is held, and
    /// every CR of `piece` is followed by LF within it.
    #[must_use]
    pub(crate) fn keeps(self, piece: &str) -> bool {
        let bytes = piece.as_bytes();
        !self.held && memchr::memchr_iter(b'\r', bytes).all(|at| bytes.get(at + 1) == Some(&b'\n'))
    }

    /// Appends `piece` to `out`, with each bare CR written as LF and a CRLF kept. A CR that
    /// ends `piece` is held back (not written).
    pub(crate) fn push(&mut self, piece: &str, out: &mut String) {
        let bytes = piece.as_bytes();
        if bytes.is_empty() {
            return;
        }
        if std::mem::take(&mut self.held) {
            out.push(if bytes[0] == b'\n' { '\r' } else { '\n' });
        }
        let mut from = 0;
        for at in memchr::memchr_iter(b'\r', bytes) {
            out.push_str(&piece[from..at]);
            match bytes.get(at + 1) {
                Some(b'\n') => out.push('\r'),
                Some(_) => out.push('\n'),
                None => self.held = true,
            }
            from = at + 1;
        }
        out.push_str(&piece[from..]);
    }

    /// End of the text: a held-back CR is a line ending, written as LF.
    pub(crate) fn finish(&mut self, out: &mut String) {
        if std::mem::take(&mut self.held) {
            out.push('\n');
        }
    }
}

/// A piece holds a CR (see [`last_lf_without_cr`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HasCr;

/// Where the last LF of `bytes` is, if `bytes` holds no CR: the one scan a piece without
/// CRs needs, since the stream looks for its last LF anyway.
///
/// A stream's pieces are often a few bytes (a token), where a `memchr` call costs more
/// than the scan; up to 64 bytes are read eight at a time in a `u64`. A byte's high bit in
/// `zeros(x)` is set exactly when that byte of `x` is zero (adding 0x7F to its low seven
/// bits carries into the high bit unless they are all zero, and never into the next byte).
#[inline]
pub(crate) fn last_lf_without_cr(bytes: &[u8]) -> Result<Option<usize>, HasCr> {
    const ONE: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    if bytes.len() > 64 {
        return match memchr::memrchr2(b'\n', b'\r', bytes) {
            None => Ok(None),
            Some(i) if bytes[i] == b'\n' && memchr::memchr(b'\r', &bytes[..i]).is_none() => {
                Ok(Some(i))
            }
            Some(_) => Err(HasCr),
        };
    }
    let zeros = |x: u64| !((x & LOW7).wrapping_add(LOW7) | x | LOW7);
    let mut last_lf = None;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        if zeros(x ^ (ONE * u64::from(b'\r'))) != 0 {
            return Err(HasCr);
        }
        let lf = zeros(x ^ (ONE * u64::from(b'\n')));
        if lf != 0 {
            last_lf = Some(at + (63 - lf.leading_zeros() as usize) / 8);
        }
        at += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        match b {
            b'\r' => return Err(HasCr),
            b'\n' => last_lf = Some(at + i),
            _ => {}
        }
    }
    Ok(last_lf)
}

/// `text` with each bare CR read as LF (borrowed when it has no CR), for the parses of a
/// whole document: the same rule as the stream's source buffer.
#[must_use]
pub(crate) fn bare_cr_to_lf(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut eol = BareCr::default();
    eol.push(text, &mut out);
    eol.finish(&mut out);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pieces(text: &str, cuts: &[usize]) -> String {
        let mut eol = BareCr::default();
        let mut out = String::new();
        let mut last = 0;
        for &c in cuts {
            let c = c.clamp(last, text.len());
            eol.push(&text[last..c], &mut out);
            last = c;
        }
        eol.push(&text[last..], &mut out);
        eol.finish(&mut out);
        out
    }

    #[test]
    fn bare_crs_become_lf_and_crlf_stays() {
        assert_eq!(bare_cr_to_lf("a\rb\r\nc\r"), "a\nb\r\nc\n");
        assert_eq!(bare_cr_to_lf("\r\r\n\r"), "\n\r\n\n");
        assert!(matches!(bare_cr_to_lf("a\nb\n"), Cow::Borrowed(_)));
        let eol = BareCr::default();
        assert!(eol.keeps("a\r\nb\r\n") && eol.keeps("ab"));
        assert!(!eol.keeps("a\r\nb\r") && !eol.keeps("a\rb"));
        let mut held = BareCr::default();
        held.push("a\r", &mut String::new());
        assert!(!held.keeps("\nb"), "a held CR is written by the next push");
    }

    #[test]
    fn a_cr_at_the_end_of_a_piece_waits_for_the_next() {
        let mut eol = BareCr::default();
        let mut out = String::new();
        eol.push("a\r", &mut out);
        assert_eq!(out, "a");
        assert!(eol.is_held());
        eol.push("", &mut out);
        assert!(eol.is_held(), "an empty piece decides nothing");
        eol.push("\nb\r", &mut out);
        assert_eq!(out, "a\r\nb");
        eol.push("c", &mut out);
        assert_eq!(out, "a\r\nb\nc");
        eol.push("\r", &mut out);
        eol.finish(&mut out);
        assert_eq!(out, "a\r\nb\nc\n");
        assert!(!eol.is_held());
    }

    proptest! {
        #[test]
        fn the_scan_finds_the_last_lf_and_any_cr(bytes in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), Just(0u8), Just(0x8a), Just(0x8d), Just(b'a'), any::<u8>()], 0..140)) {
            let want = if bytes.contains(&b'\r') {
                Err(HasCr)
            } else {
                Ok(bytes.iter().rposition(|&b| b == b'\n'))
            };
            prop_assert_eq!(last_lf_without_cr(&bytes), want);
        }

        #[test]
        fn pieces_read_as_the_whole(text in "[a\r\n]{0,24}", mut cuts in proptest::collection::vec(0usize..24, 0..6)) {
            cuts.sort_unstable();
            let whole = bare_cr_to_lf(&text).into_owned();
            prop_assert_eq!(pieces(&text, &cuts), whole.clone());
            prop_assert_eq!(whole.len(), text.len());
            prop_assert!(!whole.replace("\r\n", "").contains('\r'));
        }
    }
}
