//! Incremental UTF-8 decoding that matches `String::from_utf8_lossy` on the whole input.
//!
//! A chunk may end inside a multi-byte sequence; up to 3 bytes are held back until the next
//! chunk shows whether they complete a character. Invalid sequences become U+FFFD exactly
//! where `from_utf8_lossy` would put them (one U+FFFD per maximal invalid prefix, as the
//! WHATWG/Unicode "substitution of maximal subparts" practice says).

/// Decoder state: the bytes of an unfinished sequence (at most 3).
#[derive(Clone, Debug, Default)]
pub(crate) struct Utf8Decoder {
    pending: [u8; 4],
    len: u8,
}

impl Utf8Decoder {
    /// True if bytes of an unfinished sequence are held back.
    #[must_use]
    pub(crate) fn has_pending(&self) -> bool {
        self.len > 0
    }

    /// Holds `rest` back: with nothing held, the start of a character that
    /// [`incomplete_suffix`] found at the end of a chunk.
    pub(crate) fn hold(&mut self, rest: &[u8]) {
        debug_assert!(self.len == 0 && rest.len() <= 3);
        self.pending[..rest.len()].copy_from_slice(rest);
        self.len = rest.len() as u8;
    }

    /// Takes the held-back bytes out (0 to 3 of them, the start of a character), holding
    /// nothing after. Decoding them again in front of the next bytes gives what decoding
    /// the next bytes after them would: they start right after a whole character or a
    /// U+FFFD.
    pub(crate) fn take_held(&mut self) -> ([u8; 4], usize) {
        let held = (self.pending, usize::from(self.len));
        self.len = 0;
        held
    }

    /// Decodes `bytes` (after any held-back bytes) and appends the text to `out`.
    pub(crate) fn decode(&mut self, mut bytes: &[u8], out: &mut String) {
        // First finish a held-back sequence, byte by byte.
        while self.len > 0 && !bytes.is_empty() {
            self.pending[self.len as usize] = bytes[0];
            self.len += 1;
            bytes = &bytes[1..];
            let held = &self.pending[..self.len as usize];
            if is_incomplete(held) {
                continue; // the next byte may complete it (validated once, when it can)
            }
            match std::str::from_utf8(held) {
                Ok(s) => {
                    out.push_str(s);
                    self.len = 0;
                }
                Err(e) if e.error_len().is_some() => {
                    // Invalid: emit what from_utf8_lossy would for these bytes, then
                    // re-feed the bytes after the invalid prefix.
                    let valid = e.valid_up_to();
                    let bad = e.error_len().unwrap_or(1);
                    let rest: smallvec::SmallVec<[u8; 4]> = held[valid + bad..].into();
                    out.push('\u{fffd}');
                    self.len = 0;
                    let mut tmp = String::new();
                    self.decode(&rest, &mut tmp);
                    out.push_str(&tmp);
                }
                Err(_) => {} // still incomplete
            }
        }
        if bytes.is_empty() {
            return;
        }
        // The common case of a chunk that ends inside a character (CJK text in small
        // chunks): validate the whole characters once and hold the start of the last.
        let tail = incomplete_suffix(bytes);
        if tail > 0 {
            let (whole, rest) = bytes.split_at(bytes.len() - tail);
            if let Ok(s) = std::str::from_utf8(whole) {
                out.push_str(s);
                self.hold(rest);
                return;
            }
        }
        loop {
            match std::str::from_utf8(bytes) {
                Ok(s) => {
                    out.push_str(s);
                    return;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    // SAFETY-free: `valid` is a char boundary by from_utf8's contract.
                    out.push_str(std::str::from_utf8(&bytes[..valid]).unwrap_or_default());
                    if let Some(bad) = e.error_len() {
                        out.push('\u{fffd}');
                        bytes = &bytes[valid + bad..];
                    } else {
                        let tail = &bytes[valid..];
                        self.pending[..tail.len()].copy_from_slice(tail);
                        self.len = tail.len() as u8;
                        return;
                    }
                }
            }
        }
    }

    /// End of input: an unfinished sequence becomes one U+FFFD.
    pub(crate) fn finish(&mut self, out: &mut String) {
        if self.len > 0 {
            out.push('\u{fffd}');
            self.len = 0;
        }
    }
}

/// `b` as text if it is valid UTF-8. Validation of 64 bytes or more goes through
/// `simdutf8` (SIMD, several bytes a cycle where the standard library's validator takes a
/// few cycles per character of CJK text); shorter input through the standard library,
/// which is faster there.
#[inline]
pub(crate) fn valid(b: &[u8]) -> Option<&str> {
    if b.len() >= 64 {
        simdutf8::basic::from_utf8(b).ok()
    } else {
        std::str::from_utf8(b).ok()
    }
}

/// How many bytes at the end of `b` are the start of a character cut short (0 to 3): the
/// last bytes from the last byte that is not a continuation byte, if they are
/// [`is_incomplete`]; 0 if the text ends with a whole character or with invalid bytes.
pub(crate) fn incomplete_suffix(b: &[u8]) -> usize {
    for k in 1..=b.len().min(3) {
        if b[b.len() - k] & 0xC0 != 0x80 {
            return if is_incomplete(&b[b.len() - k..]) {
                k
            } else {
                0
            };
        }
    }
    0
}

/// The length in bytes of the well-formed sequence that `lead` can start (2 to 4), or 0 if
/// `lead` starts none (ASCII, a continuation byte, `C0`, `C1`, `F5..=FF`).
fn seq_len(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

/// True if `b` is the start of a UTF-8 character that more bytes can complete: what
/// `std::str::from_utf8` reports as an error at 0 without an error length. The lead byte
/// and the second byte follow the table of well-formed sequences (Unicode 15, Table 3-7):
/// `E0` needs `A0..=BF` next, `ED` `80..=9F` (no surrogates), `F0` `90..=BF`, `F4`
/// `80..=8F` (nothing past U+10FFFF), every other lead `80..=BF`.
fn is_incomplete(b: &[u8]) -> bool {
    let Some(&lead) = b.first() else {
        return false;
    };
    let need = seq_len(lead);
    if need == 0 || b.len() >= need {
        return false;
    }
    let second_ok = b.get(1).is_none_or(|&c| match lead {
        0xE0 => (0xA0..=0xBF).contains(&c),
        0xED => (0x80..=0x9F).contains(&c),
        0xF0 => (0x90..=0xBF).contains(&c),
        0xF4 => (0x80..=0x8F).contains(&c),
        _ => (0x80..=0xBF).contains(&c),
    });
    second_ok && b.iter().skip(2).all(|&c| c & 0xC0 == 0x80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chunked(bytes: &[u8], cuts: &[usize]) -> String {
        let mut d = Utf8Decoder::default();
        let mut out = String::new();
        let mut last = 0;
        for &c in cuts {
            let c = c.min(bytes.len()).max(last);
            d.decode(&bytes[last..c], &mut out);
            last = c;
        }
        d.decode(&bytes[last..], &mut out);
        d.finish(&mut out);
        out
    }

    /// `is_incomplete` is exactly what `from_utf8` calls an unfinished character, for every
    /// sequence of one and two bytes and every three-byte one that starts with a lead byte.
    #[test]
    fn incomplete_is_what_from_utf8_says() {
        let std_says = |b: &[u8]| matches!(std::str::from_utf8(b), Err(e) if e.valid_up_to() == 0 && e.error_len().is_none());
        for a in 0..=255u8 {
            assert_eq!(is_incomplete(&[a]), std_says(&[a]), "{a:02x}");
            for b in 0..=255u8 {
                assert_eq!(is_incomplete(&[a, b]), std_says(&[a, b]), "{a:02x} {b:02x}");
                if a >= 0xC0 {
                    for c in 0..=255u8 {
                        let s = [a, b, c];
                        assert_eq!(is_incomplete(&s), std_says(&s), "{s:02x?}");
                    }
                }
            }
        }
        assert!(!is_incomplete(b""));
        assert!(!is_incomplete("👍".as_bytes()));
    }

    #[test]
    fn split_sequences() {
        let s = "aé中👍z".as_bytes();
        for i in 0..s.len() {
            assert_eq!(chunked(s, &[i]), "aé中👍z");
        }
        assert_eq!(
            chunked(b"a\xe4\xb8", &[2]),
            String::from_utf8_lossy(b"a\xe4\xb8")
        );
        assert_eq!(
            chunked(b"\xf0\x9f\x91x", &[1, 2]),
            String::from_utf8_lossy(b"\xf0\x9f\x91x")
        );
        // A held lead completed by the next chunk, and the cases where it is not: a bad
        // continuation, a surrogate, an overlong form, a chunk too short to complete it.
        for bytes in [
            &b"\xe4\xb8\xad\xe4\xb8\xadz"[..],
            b"\xe4\xb8Az",
            b"\xe4A\xadz",
            b"\xed\xa0\x80z",
            b"\xe0\x80\x80z",
            b"\xf0\x9f\x91\x8d\xf0\x9f",
        ] {
            for i in 1..bytes.len() {
                for j in i..bytes.len() {
                    assert_eq!(
                        chunked(bytes, &[i, j]),
                        String::from_utf8_lossy(bytes),
                        "{bytes:02x?} cut at {i} and {j}"
                    );
                }
            }
        }
    }

    proptest! {
        #[test]
        fn matches_from_utf8_lossy(bytes in proptest::collection::vec(any::<u8>(), 0..64),
                                   mut cuts in proptest::collection::vec(0usize..64, 0..8)) {
            cuts.sort_unstable();
            prop_assert_eq!(chunked(&bytes, &cuts), String::from_utf8_lossy(&bytes).into_owned());
        }
        /// Whole characters of every length, starts of characters cut short, and starts
        /// that can never complete (`E0 80`, a surrogate's `ED A0`, `C0`, `F8`), cut
        /// anywhere: the same text as one lossy decode.
        #[test]
        fn matches_on_cut_and_broken_sequences(
            items in proptest::collection::vec(0usize..12, 0..24),
            mut cuts in proptest::collection::vec(0usize..96, 0..10),
        ) {
            const PIECES: [&[u8]; 12] = [
                b"a", "é".as_bytes(), "中".as_bytes(), "👍".as_bytes(), b"\xE4\xB8",
                b"\xF0\x9F\x91", b"\xE0\x80", b"\xED\xA0", b"\xC0", b"\xF8", b"\xE4", b"\x80",
            ];
            let bytes: Vec<u8> = items.iter().flat_map(|&i| PIECES[i].iter().copied()).collect();
            cuts.sort_unstable();
            prop_assert_eq!(chunked(&bytes, &cuts), String::from_utf8_lossy(&bytes).into_owned());
        }
        #[test]
        fn matches_on_mostly_valid_text(s in "[a-zé中👍\u{301}]{0,20}", junk in proptest::collection::vec(0x80u8..0xff, 0..4), cut in 0usize..80) {
            let mut bytes = s.into_bytes();
            let at = cut.min(bytes.len());
            bytes.splice(at..at, junk);
            for i in 0..=bytes.len() {
                prop_assert_eq!(chunked(&bytes, &[i]), String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
}
