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

    /// True if `piece` has nothing to change: no CR in it and none held.
    #[must_use]
    pub(crate) fn passes(self, piece: &str) -> bool {
        !self.held && memchr::memchr(b'\r', piece.as_bytes()).is_none()
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

/// `text` with each bare CR read as LF (borrowed when it has no CR), for the parses of a
/// whole document: the same rule as the stream's source buffer.
#[must_use]
pub(crate) fn bare_cr_to_lf(text: &str) -> Cow<'_, str> {
    let eol = BareCr::default();
    if eol.passes(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut eol = eol;
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
        fn pieces_read_as_the_whole(text in "[a\r\n]{0,24}", mut cuts in proptest::collection::vec(0usize..24, 0..6)) {
            cuts.sort_unstable();
            let whole = bare_cr_to_lf(&text).into_owned();
            prop_assert_eq!(pieces(&text, &cuts), whole.clone());
            prop_assert_eq!(whole.len(), text.len());
            prop_assert!(!whole.replace("\r\n", "").contains('\r'));
        }
    }
}
