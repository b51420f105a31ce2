//! The open region: pushed bytes decoded into text (bare CRs read as LF), the source of
//! everything not yet committed, and the per-line cap.

use crate::eol::BareCr;
use crate::utf8::Utf8Decoder;

/// Longest source line, in bytes. A longer line (a message that never sends a newline) gets
/// a line break after this many bytes (at a character boundary), so memory stays bounded; in
/// a paragraph the break reads as a space.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Most bytes kept unvalidated in [`Source::raw`] before they are decoded into `text`.
const RAW_BYTES: usize = 4096;

/// The largest chunk joined with the held-back start of a character (at most 3 bytes) in a
/// stack buffer of this many bytes, instead of decoded into a `String`.
const JOIN_BYTES: usize = 64;

/// What a push knows of its chunk's line endings.
#[derive(Clone, Copy, Debug)]
enum Scan {
    /// Not scanned yet.
    Unknown,
    /// Scanned: no CR in it (and none held back), and its last LF here.
    LastLf(Option<usize>),
}

/// The text of the open region and where the stream stands in it.
///
/// `text[base..scanned]` are the complete lines of the open region that the stream has
/// seen; `text[scanned..]` is at most the partial last line (plus lines not scanned yet, in
/// the middle of a push). Bytes before `base` are committed and dropped from time to time
/// ([`compact`](Self::compact)); `dropped + base` is the open region's offset in the
/// message.
///
/// `text` holds no bare CR: each is read as LF ([`crate::eol`]) as it arrives, one byte for
/// one byte. A CR received last is held back, not in `text`, until the next byte shows
/// whether it is half of a CRLF (or [`finish`](Self::finish) ends it as a line ending).
///
/// Bytes pushed that hold no line ending (no LF, no CR) may wait undecoded in `raw`, after
/// `text`: a partial line decides nothing that the stream commits, so it is validated once
/// when a line ending comes or when someone reads the open region (small chunks of CJK
/// text cost one validation per line, not one per chunk). [`flush`](Self::flush) moves
/// them into `text`; every reader of `text` beyond the complete lines calls it first.
#[derive(Debug, Default)]
pub(super) struct Source {
    decoder: Utf8Decoder,
    /// Pushed bytes not decoded yet (after any held-back start of a character): at most
    /// [`RAW_BYTES`] of them, no LF and no CR, and few enough that decoding them cannot
    /// reach the line cap. Empty while `eol` holds a CR.
    pub(super) raw: Vec<u8>,
    /// Decoded text of the current chunk, when it had to be decoded (reused).
    incoming: String,
    /// Bare CRs read as LF; holds a CR received last.
    eol: BareCr,
    /// The current chunk with its bare CRs read as LF, when it had any (reused).
    normalized: String,
    /// The open region, after the committed bytes not yet dropped.
    pub(super) text: String,
    /// Start of the open region in `text`.
    pub(super) base: usize,
    /// End of the complete lines scanned so far.
    pub(super) scanned: usize,
    /// `text[scanned..searched]` holds no line break (so a push searches only new bytes).
    pub(super) searched: usize,
    /// Bytes since the last line break in `text`.
    line_len: usize,
    /// Bytes removed from the front of `text` so far.
    dropped: usize,
    /// `text` got a `\n` that the stream has not processed yet.
    pub(super) new_break: bool,
}

impl Source {
    /// Appends valid UTF-8 (after any held-back bytes of a split sequence). Returns the
    /// number of line breaks inserted by the line cap.
    pub(super) fn push_str(&mut self, chunk: &str) -> u64 {
        if self.decoder.has_pending() || !self.raw.is_empty() {
            return self.push_bytes(chunk.as_bytes());
        }
        self.append(chunk)
    }

    /// Appends bytes; a chunk may end inside a UTF-8 sequence, and invalid UTF-8 becomes
    /// U+FFFD exactly as `String::from_utf8_lossy` would on the whole input. Returns the
    /// number of line breaks inserted by the line cap.
    pub(super) fn push_bytes(&mut self, chunk: &[u8]) -> u64 {
        let waiting = self.raw.len() + chunk.len();
        let fits = waiting <= RAW_BYTES && self.line_len + 3 * (waiting + 4) <= MAX_LINE_BYTES;
        // The chunk's one scan for line endings: it decides whether the chunk waits, and
        // serves `append` after the validation (`push_scanned`).
        let scan = if self.eol.is_held() || !(fits || self.raw.is_empty()) {
            None
        } else {
            Some(crate::eol::last_lf_without_cr(chunk))
        };
        if fits && matches!(scan, Some(Ok(None))) {
            // Part of a line: it waits undecoded (decoding at most triples it, each bad
            // byte a U+FFFD, so the line cap cannot fall inside it).
            if self.raw.is_empty() && self.decoder.has_pending() {
                let (held, n) = self.decoder.take_held();
                self.raw.extend_from_slice(&held[..n]);
            }
            self.raw.extend_from_slice(chunk);
            return 0;
        }
        if !self.raw.is_empty() {
            let mut raw = std::mem::take(&mut self.raw);
            // (The waiting bytes hold no CR and no LF, so the chunk's last LF is the
            // joined bytes' one, moved by their length.)
            let before = raw.len();
            raw.extend_from_slice(chunk);
            let forced = match scan {
                Some(Ok(last_lf)) => self.push_scanned(&raw, last_lf.map(|i| before + i)),
                _ => self.push_now(&raw),
            };
            raw.clear();
            self.raw = raw;
            return forced;
        }
        match scan {
            Some(Ok(last_lf)) => self.push_scanned(chunk, last_lf),
            _ => self.push_now(chunk),
        }
    }

    /// [`push_now`](Self::push_now) for bytes that hold no CR and whose last LF is at
    /// `last_lf`, with no CR held back: whole characters go to the text without a second
    /// scan for line endings.
    #[inline]
    fn push_scanned(&mut self, bytes: &[u8], last_lf: Option<usize>) -> u64 {
        debug_assert!(!self.eol.is_held());
        debug_assert_eq!(crate::eol::last_lf_without_cr(bytes).ok(), Some(last_lf));
        if self.decoder.has_pending() {
            return self.push_now(bytes);
        }
        self.push_decoded(bytes, Scan::LastLf(last_lf))
    }

    /// Decodes the bytes waiting in `raw` into `text`. Returns the number of line breaks
    /// inserted by the line cap (none: `raw` is kept short enough).
    pub(super) fn flush(&mut self) -> u64 {
        if self.raw.is_empty() {
            return 0;
        }
        let mut raw = std::mem::take(&mut self.raw);
        let forced = self.push_now(&raw);
        raw.clear();
        self.raw = raw;
        forced
    }

    /// [`push_bytes`](Self::push_bytes) with nothing waiting in `raw`.
    fn push_now(&mut self, chunk: &[u8]) -> u64 {
        if self.decoder.has_pending() && chunk.len() <= JOIN_BYTES - 3 {
            return self.push_joined(chunk);
        }
        self.push_decoded(chunk, Scan::Unknown)
    }

    /// A small chunk after one that ended inside a character (CJK text in small chunks):
    /// the held bytes and the chunk are joined on the stack and go the way of a chunk that
    /// holds whole characters, one validation and no decoding copy. (A function of its own
    /// so that other pushes do not clear the buffer.)
    #[inline(never)]
    fn push_joined(&mut self, chunk: &[u8]) -> u64 {
        let mut joined = [0; JOIN_BYTES];
        let (held, n) = self.decoder.take_held();
        joined[..n].copy_from_slice(&held[..n]);
        joined[n..n + chunk.len()].copy_from_slice(chunk);
        self.push_decoded(&joined[..n + chunk.len()], Scan::Unknown)
    }

    /// [`push_bytes`](Self::push_bytes) after any joining, with what the caller knows of
    /// the chunk's line endings.
    fn push_decoded(&mut self, chunk: &[u8], scan: Scan) -> u64 {
        if !self.decoder.has_pending() {
            // Whole characters, perhaps with the start of one more at the end (the common
            // cases, the second in CJK text cut into small chunks): validated once, no
            // decoding copy.
            let whole = if chunk.last().is_some_and(|&b| b >= 0x80) {
                chunk.len() - crate::utf8::incomplete_suffix(chunk)
            } else {
                chunk.len()
            };
            if let Some(text) = crate::utf8::valid(&chunk[..whole]) {
                if whole < chunk.len() {
                    // (The bytes of a character cut short are no LF: a scanned LF is in
                    // `text`.)
                    self.decoder.hold(&chunk[whole..]);
                }
                return match scan {
                    Scan::LastLf(last_lf) => self.append_lines(text, last_lf),
                    Scan::Unknown => self.append(text),
                };
            }
        }
        // (Decoding moves the bytes after a bad one, so `append` scans the decoded text.)
        let mut text = std::mem::take(&mut self.incoming);
        self.decoder.decode(chunk, &mut text);
        let forced = self.append(&text);
        text.clear();
        self.incoming = text;
        forced
    }

    /// End of input: an unfinished UTF-8 sequence becomes U+FFFD, and a CR held back is a
    /// line ending. Returns the number of line breaks inserted by the line cap.
    pub(super) fn finish(&mut self) -> u64 {
        let mut forced = self.flush();
        if self.decoder.has_pending() {
            let mut end = String::new();
            self.decoder.finish(&mut end);
            forced += self.append(&end);
        }
        if self.eol.is_held() {
            let mut end = String::new();
            self.eol.finish(&mut end);
            forced += self.append_lines(&end, Some(0));
        }
        forced
    }

    /// Appends decoded text with its bare CRs read as LF (see [`append_lines`](Self::append_lines)).
    #[inline]
    fn append(&mut self, text: &str) -> u64 {
        if !self.eol.is_held() {
            // The common chunk (no CR) costs one scan, which finds its last LF too.
            if let Ok(last_lf) = crate::eol::last_lf_without_cr(text.as_bytes()) {
                return self.append_lines(text, last_lf);
            }
        }
        if self.eol.keeps(text) {
            // Only CRLFs (a CRLF document): nothing to copy.
            return self.append_lines(text, memchr::memrchr(b'\n', text.as_bytes()));
        }
        let mut normalized = std::mem::take(&mut self.normalized);
        self.eol.push(text, &mut normalized);
        let last_lf = memchr::memrchr(b'\n', normalized.as_bytes());
        let forced = self.append_lines(&normalized, last_lf);
        normalized.clear();
        self.normalized = normalized;
        forced
    }

    /// Appends text without bare CRs, whose last LF is at `last_lf`, breaking a line that
    /// grows past [`MAX_LINE_BYTES`] (a break whose place depends on the text alone, so
    /// chunking cannot move it).
    fn append_lines(&mut self, text: &str, last_lf: Option<usize>) -> u64 {
        if self.line_len + text.len() <= MAX_LINE_BYTES {
            self.text.push_str(text);
            self.line_len = match last_lf {
                Some(i) => {
                    self.new_break = true;
                    text.len() - i - 1
                }
                None => self.line_len + text.len(),
            };
            return 0;
        }
        self.new_break = true; // (conservative: the slow path may not end a line)
        let mut forced = 0;
        let mut rest = text;
        while !rest.is_empty() {
            let room = MAX_LINE_BYTES - self.line_len;
            let window = &rest.as_bytes()[..room.min(rest.len())];
            if let Some(i) = window.iter().position(|&b| b == b'\n') {
                self.text.push_str(&rest[..=i]);
                self.line_len = 0;
                rest = &rest[i + 1..];
            } else if rest.len() < room {
                self.text.push_str(rest);
                self.line_len += rest.len();
                break;
            } else {
                let mut cut = room;
                while !rest.is_char_boundary(cut) {
                    cut -= 1;
                }
                self.text.push_str(&rest[..cut]);
                self.text.push('\n');
                forced += 1;
                self.line_len = 0;
                rest = &rest[cut..];
            }
        }
        forced
    }

    /// The open region's offset in the message, in bytes.
    pub(super) fn origin(&self) -> usize {
        self.dropped + self.base
    }

    /// Bytes of the open region (complete lines and the partial line).
    pub(super) fn open_len(&self) -> usize {
        self.text.len() - self.base
    }

    /// The open region, `text[base..]`.
    pub(super) fn open(&self) -> &str {
        &self.text[self.base..]
    }

    /// Drops the committed bytes before `base` when they are at least half of the buffer
    /// (amortised O(1) per byte).
    pub(super) fn compact(&mut self) {
        if self.base > 0 && self.base >= self.text.len() / 2 {
            self.drop_committed();
        }
    }

    /// Drops the committed bytes and frees capacity that one large block left, if the
    /// buffer is larger than `keep` bytes and four times what is open (and frees a
    /// normalization buffer larger than `keep`).
    pub(super) fn trim(&mut self, keep: usize) {
        if self.normalized.capacity() > keep {
            self.normalized = String::new();
        }
        if self.raw.is_empty() && self.raw.capacity() > keep {
            self.raw = Vec::new();
        }
        let open = self.open_len();
        if self.text.capacity() > keep && self.text.capacity() > 4 * (open + 1) {
            self.drop_committed();
            self.text.shrink_to(2 * open);
        }
    }

    fn drop_committed(&mut self) {
        self.dropped += self.base;
        self.text.drain(..self.base);
        self.scanned -= self.base;
        self.searched = self.searched.saturating_sub(self.base);
        self.base = 0;
    }

    /// True while it holds anything: text, capacity, undecoded bytes or a held-back CR.
    pub(super) fn is_live(&self) -> bool {
        self.text.capacity() > 0
            || self.raw.capacity() > 0
            || self.incoming.capacity() > 0
            || self.normalized.capacity() > 0
            || self.decoder.has_pending()
            || self.eol.is_held()
    }

    /// The source buffer and the undecoded-bytes buffer, for the pool.
    pub(super) fn into_buffers(self) -> (String, Vec<u8>) {
        (self.text, self.raw)
    }

    /// Heap bytes held.
    pub(super) fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.raw.capacity()
            + self.incoming.capacity()
            + self.normalized.capacity()
    }
}
