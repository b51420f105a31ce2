//! The open leaf's inline text, recorded as it comes and laid out in one pass at the
//! leaf's end.
//!
//! A paragraph's or heading's text arrives as many events: one per source line, one per
//! change of style, one around each code span or entity. Wrapping each as it comes costs
//! the wrapper's state machine per event (the pending space, the pending and the open
//! word, a look at the line buffer), which is most of what laying out prose costs. So the
//! layout records the leaf's text instead, already sanitized, in one buffer with one
//! [`Run`] per look (style and link; a soft line break is a space), and lays it out when
//! the leaf ends:
//!
//! - Only printable ASCII and wide characters that are grapheme clusters of their own
//!   ([`recordable`]: CJK ideographs, kana, CJK punctuation, Hangul syllables, fullwidth
//!   forms, the emoji of the pictograph blocks) are recorded, so every cluster is one
//!   character of one or two columns. Where the row holds only ASCII, a line is found in
//!   one step: the last space within the row (`memrchr` over at most a row of bytes), with
//!   the spaces before it dropped, as the greedy wrapper does. Near a wide character the
//!   line is found an ASCII stretch (the same way) or a wide character at a time, keeping
//!   the last break within the row: at a space, or beside a wide character where UAX #14
//!   allows one (`crate::wrap::breaks_between`, the wrapper's own test). Its text goes to
//!   the sink one push per run; a run of spaces takes the look of its first space.
//! - Anything else *settles* the leaf ([`Recorded::settle`]): text that is not recordable
//!   (a tab, an accent, a combining mark, a ZWJ sequence), a hard break, an image's group ([`Wrapper::begin_group`]), a decoration that
//!   asks for the output allowance when the recorded text's cost bound leaves the answer
//!   open (`Layout::affords`), a unit checkpoint, a leaf of more than 1 GiB. The lines the
//!   recorded text decides are written, and the rest goes to the [`Wrapper`], which takes
//!   the leaf from the start of the next line as a continuation
//!   ([`Wrapper::resume_after_break`]). A word wider than the row does the same at the
//!   leaf's end. A line is decided when the text goes on past the row and past the spaces
//!   that end it: what follows could be a mark that joins the last space into a cluster.
//! - The wrapper gives the same lines however its text is split between calls, and greedy
//!   wrapping from the start of a line depends only on the text after it, so the lines are
//!   the wrapper's. Debug builds lay every recorded leaf out both ways (in one pass, and
//!   all through the wrapper) and compare the lines; a property test does the same for
//!   any text.
//!
//! Runs name their link by its range in the layout's URL buffer (`Scratch::urls`), which
//! is therefore kept until the leaf ends while recording.

use crate::line::Join;
use crate::style::Style;
use crate::wrap::{LineSink, Wrapper};

/// Bytes a leaf records at most; past them its text goes to the wrapper as it comes (run
/// ends are `u32`).
const MAX_RECORDED: usize = 1 << 30;

/// Text of one look: up to `end` (bytes into [`Recorded::text`]), in `style`, linking to
/// `urls[link.0..link.1]` if `link` is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    end: u32,
    style: Style,
    link: Option<(u32, u32)>,
}

/// The open leaf's text while it is recorded (see the module docs): [`recordable`] text
/// only.
#[derive(Clone, Debug, Default)]
pub(super) struct Recorded {
    /// Recording: the open leaf's text goes here, not to the wrapper.
    pub(super) on: bool,
    text: String,
    runs: Vec<Run>,
    /// The longest link of a run, in bytes.
    longest_link: u32,
    /// Some recorded text is not ASCII (wide characters, see [`recordable`]).
    wide: bool,
}

/// True if `text` may be recorded: every grapheme cluster is printable ASCII, a wide
/// character that is a cluster of its own beside any of these ([`wide_alone`]), or a symbol
/// with VS16 (U+FE0F) that makes it a two-column emoji (`⚠️`, [`vs16_base`]). So a recorded
/// cluster is one or two columns wide, and is one character, or two with VS16 second; a
/// break may come only at a space or beside a wide cluster
/// ([`crate::wrap::breaks_between`]).
pub(super) fn recordable(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            // A stretch of ASCII, eight bytes at a time.
            match crate::width::first_non_printable_ascii(&b[i..]) {
                None => return true,
                Some(0) => return false,
                Some(k) => i += k,
            }
            continue;
        }
        let c = if x & 0xF0 == 0xE0 {
            // (Three bytes, as nearly all East Asian text: decoded here, not by `chars`.)
            let v = u32::from(x & 0x0F) << 12
                | u32::from(b[i + 1] & 0x3F) << 6
                | u32::from(b[i + 2] & 0x3F);
            char::from_u32(v).unwrap_or_default()
        } else {
            text[i..].chars().next().unwrap_or_default()
        };
        let len = c.len_utf8();
        if vs16_at(b, i + len) {
            if !vs16_base(c) {
                return false;
            }
            i += len + VS16.len();
        } else if wide_alone(c) {
            i += len;
        } else {
            return false;
        }
    }
    true
}

/// U+FE0F VARIATION SELECTOR-16 (emoji presentation), in UTF-8.
const VS16: &[u8] = b"\xEF\xB8\x8F";

/// True if a VS16 starts at `b[at..]` (three bytes compared, no `memcmp` call).
#[inline]
fn vs16_at(b: &[u8], at: usize) -> bool {
    at + 2 < b.len() && b[at] == 0xEF && b[at + 1] == 0xB8 && b[at + 2] == 0x8F
}

/// A symbol (U+2000–U+2BFF, three bytes) that VS16 after it makes one cluster two columns
/// wide (`⚠️`, `✔️`, `❤️`, `✅️`), as unicode-width measures the pair.
fn vs16_base(c: char) -> bool {
    use unicode_width::UnicodeWidthStr;
    if !matches!(c, '\u{2000}'..='\u{2BFF}') {
        return false;
    }
    let mut pair = [0u8; 6];
    c.encode_utf8(&mut pair[..3]);
    pair[3..].copy_from_slice(VS16);
    std::str::from_utf8(&pair).is_ok_and(|g| UnicodeWidthStr::width(g) == 2)
}

/// A character two columns wide that no grapheme-cluster rule (UAX #29) joins to a
/// printable ASCII character or to another of these: the East Asian characters of
/// [`crate::width::simple_width`] (ideographs, kana, CJK punctuation, Hangul syllables,
/// fullwidth forms), the emoji among the symbols of U+2300–U+2BFF (`✅`, `❌`, `⭐`;
/// three bytes each), and the emoji of the pictograph blocks and the CJK ideographs of
/// planes 2 and 3 that unicode-width makes wide (four bytes each). Not the emoji modifiers
/// (U+1F3FB–U+1F3FF, which extend), the regional indicators (which pair) or the Hangul
/// jamo (which join syllables).
fn wide_alone(c: char) -> bool {
    crate::width::simple_width(c) == Some(2)
        || (matches!(c,
            '\u{2300}'..='\u{2BFF}'
            | '\u{1F300}'..='\u{1F3FA}'
            | '\u{1F400}'..='\u{1F64F}'
            | '\u{1F680}'..='\u{1F6FF}'
            | '\u{1F900}'..='\u{1F9FF}'
            | '\u{1FA70}'..='\u{1FAFF}'
            | '\u{20000}'..='\u{2FFFD}'
            | '\u{30000}'..='\u{3FFFD}')
            && crate::width::char_width(c) == 2)
}

/// Display width of recorded text (see [`recordable`]): a column per ASCII byte, two per
/// other cluster (counted at the lead byte of its first character; a VS16 counts none).
fn recorded_width(b: &[u8]) -> usize {
    if b.is_ascii() {
        return b.len();
    }
    let sum: usize = b
        .iter()
        .map(|&x| usize::from(x < 0x80) + 2 * usize::from(x >= 0xC0))
        .sum();
    let vs16 = memchr::memchr_iter(0xEF, b)
        .filter(|&at| vs16_at(b, at))
        .count();
    sum - 2 * vs16
}

/// The length in bytes of the recorded cluster that starts with the character `c` at
/// `b[i..]` (not ASCII): the character, and a VS16 after it.
#[inline]
fn cluster_len(b: &[u8], i: usize, c: char) -> usize {
    let len = c.len_utf8();
    if vs16_at(b, i + len) {
        len + VS16.len()
    } else {
        len
    }
}

/// Where the next character that is not ASCII starts in recorded text, at `from` or after
/// (`b.len()` if none): the first byte that is not printable ASCII, eight at a time.
#[inline]
fn next_wide(b: &[u8], from: usize) -> usize {
    crate::width::first_non_printable_ascii(&b[from..]).map_or(b.len(), |k| from + k)
}

/// How a line of recorded text ends: its text up to `end` (bytes into the text; the
/// spaces before it dropped), the next line from `next`, and what the break dropped.
#[derive(Clone, Copy, Debug)]
struct Cut {
    end: usize,
    next: usize,
    join: Join,
}

impl Recorded {
    /// Starts recording a leaf.
    pub(super) fn start(&mut self) {
        self.clear();
        self.on = true;
    }

    /// Stops recording and forgets the text.
    pub(super) fn clear(&mut self) {
        self.on = false;
        self.text.clear();
        self.runs.clear();
        self.longest_link = 0;
        self.wide = false;
    }

    /// Heap bytes held.
    pub(super) fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.runs.capacity() * std::mem::size_of::<Run>()
    }

    /// Records `text` (printable ASCII) in `style`, linking to the URL at `link` (a range
    /// of the layout's URL buffer). Returns false, having recorded nothing, if the leaf has
    /// recorded too much: then the caller [settles](Self::settle) the leaf and goes on
    /// without recording.
    #[inline]
    pub(super) fn record(&mut self, text: &str, style: Style, link: Option<(u32, u32)>) -> bool {
        if self.text.len() + text.len() > MAX_RECORDED {
            return false;
        }
        self.text.push_str(text);
        let end = self.text.len() as u32;
        match self.runs.last_mut() {
            Some(last) if last.link == link && last.style == style => last.end = end,
            _ => {
                if let Some((a, z)) = link {
                    self.longest_link = self.longest_link.max(z - a);
                }
                self.runs.push(Run { end, style, link });
            }
        }
        true
    }

    /// [`record`](Self::record) for text that is not printable ASCII: records it if it is
    /// [`recordable`] (wide characters among printable ASCII), else returns false, having
    /// recorded nothing.
    pub(super) fn record_wide(
        &mut self,
        text: &str,
        style: Style,
        link: Option<(u32, u32)>,
    ) -> bool {
        if !recordable(text) || !self.record(text, style, link) {
            return false;
        }
        self.wide = true;
        true
    }

    /// An upper bound of [`Lines::cost`](crate::line::Lines) of what the wrapper would have
    /// written for the recorded text by now, had it been given the text as it came: the
    /// lines of `avail` columns, each with a prefix of at most `prefix_cost`.
    ///
    /// Greedy wrapping puts more than `avail - 1` bytes on every two lines in a row (the
    /// second line's first word did not fit after the first line's text, and a column
    /// takes at least a byte), so `n` bytes make at most `2n / (avail - 1) + 2` lines
    /// (counted here with half the row, to be safe). A line's spans are cut at run
    /// boundaries, and a run of spaces may take the look of the run before: at most two
    /// spans per run and one more per line; every span may open its link.
    pub(super) fn cost_bound(&self, avail: usize, prefix_cost: u64) -> u64 {
        use crate::line::{LINE_COST, OSC8_COST, SPAN_COST};
        let n = self.text.len() as u64;
        let lines = 2 * (n + 1) / (avail as u64 / 2).max(1) + 2;
        let spans = 2 * self.runs.len() as u64 + lines;
        n + spans * (SPAN_COST + OSC8_COST + u64::from(self.longest_link))
            + lines * (LINE_COST + prefix_cost)
    }

    /// Lays the recorded leaf out at its end (see the module docs): its lines here, a word
    /// wider than the row and what follows it through `flow` (begun for this leaf, nothing
    /// pushed yet). Returns true if the leaf is complete; false if the caller must still
    /// [`Wrapper::finish`] it. Stops recording.
    pub(super) fn finish<S: LineSink + ?Sized>(
        &mut self,
        flow: &mut Wrapper,
        sink: &mut S,
        urls: &str,
    ) -> bool {
        self.lay_out(true, flow, sink, urls)
    }

    /// Lays out the lines the recorded text decides whatever comes after it, and hands the
    /// rest to `flow` (begun for this leaf, nothing pushed yet), which takes the leaf from
    /// here: for what needs the wrapper's state before the leaf ends. Stops recording.
    ///
    /// A line is decided when the text goes on past the row and past the spaces that end
    /// the line (text after them could be a mark that joins the last space into a
    /// cluster). The wrapper given the rest from the start of a line, as a continuation,
    /// writes what it would have written given the whole leaf.
    pub(super) fn settle<S: LineSink + ?Sized>(
        &mut self,
        flow: &mut Wrapper,
        sink: &mut S,
        urls: &str,
    ) {
        self.lay_out(false, flow, sink, urls);
    }

    /// Debug builds: hands all the recorded text to `flow` as it is (for a check of the
    /// lines [`finish`](Self::finish) writes).
    #[cfg(debug_assertions)]
    pub(super) fn wrap_all<S: LineSink + ?Sized>(
        &self,
        flow: &mut Wrapper,
        sink: &mut S,
        urls: &str,
    ) {
        let mut start = 0;
        for r in &self.runs {
            let end = r.end as usize;
            let link = r.link.map(|(s, e)| &urls[s as usize..e as usize]);
            let t = &self.text[start..end];
            flow.push_checked(sink, t, r.style, link, self.ascii(t));
            start = end;
        }
    }

    /// Printable ASCII (for the wrapper): all of the text if no wide character was
    /// recorded, else looked at.
    fn ascii(&self, t: &str) -> bool {
        !self.wide || crate::width::is_printable_ascii(t.as_bytes())
    }

    fn lay_out<S: LineSink + ?Sized>(
        &mut self,
        at_end: bool,
        flow: &mut Wrapper,
        sink: &mut S,
        urls: &str,
    ) -> bool {
        let b = self.text.as_bytes();
        let n = b.len();
        let avail = flow.avail();
        let mut pos = 0;
        let mut lines = 0;
        let mut run = 0;
        // What the break before the next line dropped.
        let mut join = Join::Space;
        // The first wide character at `pos` or after, if one was recorded.
        let mut wide_at = if self.wide { next_wide(b, 0) } else { n };
        let handoff = loop {
            while pos < n && b[pos] == b' ' {
                pos += 1;
            }
            if pos == n {
                break if at_end { None } else { Some(pos) };
            }
            if wide_at < pos {
                wide_at = next_wide(b, pos);
            }
            let cut = if wide_at >= pos + avail + 2 {
                Self::ascii_cut(b, pos, avail, at_end)
            } else {
                self.wide_cut(pos, wide_at, avail, at_end)
            };
            let Some(cut) = cut else {
                break Some(pos);
            };
            sink.begin();
            if lines > 0 {
                sink.continues(join);
            }
            self.push_line(pos, cut.end, &mut run, sink, urls);
            sink.end();
            lines += 1;
            join = cut.join;
            pos = cut.next;
        };
        let complete = match handoff {
            None => lines > 0, // (nothing but spaces: the wrapper's one empty line)
            Some(at) => {
                if lines > 0 {
                    // The rest starts a line of its own, which continues the paragraph.
                    flow.resume_after_break(sink, join);
                }
                // (From the start if no line was written: spaces there are the wrapper's.)
                let from = if lines > 0 { at } else { 0 };
                let mut start = 0;
                for r in &self.runs {
                    let end = r.end as usize;
                    let a = start.max(from);
                    if a < end {
                        let link = r.link.map(|(s, e)| &urls[s as usize..e as usize]);
                        let t = &self.text[a..end];
                        flow.push_checked(sink, t, r.style, link, self.ascii(t));
                    }
                    start = end;
                }
                false
            }
        };
        self.clear();
        complete
    }

    /// The line that starts at `pos` (not a space) of text that is printable ASCII from
    /// there to two bytes past the row (or to its end): the last space within the row, in
    /// one `memrchr`. `None` if the line is not decided yet (`at_end` false) or holds a
    /// word wider than the row.
    #[inline]
    fn ascii_cut(b: &[u8], pos: usize, avail: usize, at_end: bool) -> Option<Cut> {
        let n = b.len();
        if n - pos <= avail {
            if !at_end {
                return None;
            }
            let mut e = n;
            while b[e - 1] == b' ' {
                e -= 1;
            }
            return Some(Cut {
                end: e,
                next: n,
                join: Join::Space,
            });
        }
        let limit = pos + avail;
        if !at_end && limit + 1 >= n {
            // (The byte after the row too: a mark there would join a space at `limit`.)
            return None;
        }
        // (None: a word wider than the row, which the wrapper breaks.)
        let space = memchr::memrchr(b' ', &b[pos..=limit])?;
        let mut e = pos + space;
        while b[e - 1] == b' ' {
            e -= 1;
        }
        let mut next = pos + space;
        while next < n && b[next] == b' ' {
            next += 1;
        }
        if !at_end && next == n {
            // What follows the spaces may join the last of them.
            return None;
        }
        Some(Cut {
            end: e,
            next,
            join: Join::Space,
        })
    }

    /// [`ascii_cut`](Self::ascii_cut) for a line with a wide character near it: the last
    /// break within the row, at a space or beside a wide character where UAX #14 allows
    /// one. ASCII stretches are taken whole, as `ascii_cut` takes a line; wide characters
    /// one at a time. The line is decided once a cluster goes past the row and a character
    /// follows it (which no mark can join now). `wide_at`: where the first wide character
    /// at `pos` or after starts.
    fn wide_cut(&self, pos: usize, mut wide_at: usize, avail: usize, at_end: bool) -> Option<Cut> {
        let text = self.text.as_str();
        let b = text.as_bytes();
        let n = b.len();
        // Columns taken from `pos` to `i` (at most `avail`).
        let mut col = 0;
        let mut i = pos;
        let mut cut: Option<Cut> = None;
        // The cluster before `i` if it is a wide character (a break may follow it).
        let mut prev_wide: Option<usize> = None;
        // A break before the cluster at `i` (not a space) where UAX #14 allows one: beside
        // a wide character (the one before, `prev_wide`, or this one).
        let breaks_before =
            |i: usize, c: char, wide: bool, prev_wide: Option<usize>| match prev_wide {
                Some(before) => crate::wrap::breaks_between(&text[before..i], true, c, wide),
                None => {
                    wide && i > pos
                        && b[i - 1] != b' '
                        && crate::wrap::breaks_between(&text[i - 1..i], false, c, true)
                }
            };
        let direct = |i: usize| {
            Some(Cut {
                end: i,
                next: i,
                join: Join::Direct,
            })
        };
        while i < n {
            if b[i] < 0x80 {
                // An ASCII stretch, to the next wide character or the end.
                if wide_at < i {
                    wide_at = next_wide(b, i);
                }
                let stretch_end = wide_at;
                if b[i] != b' ' && breaks_before(i, b[i] as char, false, prev_wide) {
                    cut = direct(i);
                }
                let room = avail - col;
                if stretch_end - i <= room {
                    if let Some(at) = memchr::memrchr(b' ', &b[i..stretch_end]) {
                        let space = i + at;
                        let mut end = space;
                        while end > i && b[end - 1] == b' ' {
                            end -= 1;
                        }
                        cut = Some(Cut {
                            end,
                            next: space + 1,
                            join: Join::Space,
                        });
                    }
                    col += stretch_end - i;
                    prev_wide = None;
                    i = stretch_end;
                    continue;
                }
                // The byte at `limit` is the first past the row.
                let limit = i + room;
                if !at_end && limit + 1 >= n {
                    // (The byte after it too: a mark there would join a space at `limit`.)
                    return None;
                }
                let Some(at) = memchr::memrchr(b' ', &b[i..=limit]) else {
                    // (None: a word wider than the row, which the wrapper breaks.)
                    return cut;
                };
                let space = i + at;
                let mut end = space;
                while end > i && b[end - 1] == b' ' {
                    end -= 1;
                }
                let mut next = space;
                while next < n && b[next] == b' ' {
                    next += 1;
                }
                if !at_end && next == n {
                    // What follows the spaces may join the last of them.
                    return None;
                }
                return Some(Cut {
                    end,
                    next,
                    join: Join::Space,
                });
            }
            let c = text[i..].chars().next().unwrap_or_default();
            let len = cluster_len(b, i, c);
            if breaks_before(i, c, true, prev_wide) {
                cut = direct(i);
            }
            if col + 2 > avail {
                if !at_end && i + len >= n {
                    return None;
                }
                // (None: a word wider than the row, which the wrapper breaks.)
                return cut;
            }
            col += 2;
            prev_wide = Some(i);
            i += len;
        }
        // The rest fits on the line.
        if !at_end {
            return None;
        }
        let mut e = n;
        while b[e - 1] == b' ' {
            e -= 1;
        }
        Some(Cut {
            end: e,
            next: n,
            join: Join::Space,
        })
    }

    /// Pushes `text[from..to]` (starting and ending with a non-space) run by
    /// run. A run of spaces takes the look of its first space, as the wrapper writes the
    /// spaces before a word. `run` is the index of the run holding `from` or one before it.
    fn push_line<S: LineSink + ?Sized>(
        &self,
        from: usize,
        to: usize,
        run: &mut usize,
        sink: &mut S,
        urls: &str,
    ) {
        let b = self.text.as_bytes();
        while self.runs[*run].end as usize <= from {
            *run += 1;
        }
        let link = |r: &Run| r.link.map(|(a, z)| &urls[a as usize..z as usize]);
        // The run whose look the run of spaces in progress takes.
        let mut spaces_look = *run;
        let mut pos = from;
        loop {
            let r = &self.runs[*run];
            let stop = (r.end as usize).min(to);
            let mut p = pos;
            let continued = p > from && b[p] == b' ' && b[p - 1] == b' ';
            if continued {
                while p < stop && b[p] == b' ' {
                    p += 1;
                }
                let sr = &self.runs[spaces_look];
                sink.push(&self.text[pos..p], sr.style, link(sr), p - pos);
            }
            if p < stop {
                let width = if self.wide {
                    recorded_width(&b[p..stop])
                } else {
                    stop - p
                };
                sink.push(&self.text[p..stop], r.style, link(r), width);
                if b[stop - 1] == b' ' {
                    spaces_look = *run;
                }
            }
            pos = stop;
            if pos == to {
                return;
            }
            *run += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Plain;
    use super::*;
    use crate::line::Lines;
    use crate::style::Modifiers;

    /// A line as [`dump`] shows it: its join, its width, its spans' text and look.
    type Shown = (Option<Join>, usize, Vec<(String, Style, Option<String>)>);
    /// Text pieces: the text, a style number, whether it links.
    type Pieces<'a> = &'a [(&'a str, u8, bool)];

    /// The lines as a user sees them: spans of one look in a row are one (the wrapper may
    /// write a word taken back and placed again as a span of its own).
    fn dump(lines: &Lines) -> Vec<Shown> {
        lines
            .iter()
            .map(|l| {
                let mut spans: Vec<(String, Style, Option<String>)> = Vec::new();
                for s in l.spans() {
                    match spans.last_mut() {
                        Some(last) if last.1 == s.style && last.2.as_deref() == s.link => {
                            last.0.push_str(s.text);
                        }
                        _ => spans.push((s.text.to_owned(), s.style, s.link.map(str::to_owned))),
                    }
                }
                (l.continues(), l.width(), spans)
            })
            .collect()
    }

    /// Lays `pieces` (text, style number, link) out recorded and through the wrapper as
    /// they come, at `avail` columns; returns both.
    fn both(pieces: &[(&str, u8, bool)], avail: usize) -> (Lines, Lines) {
        let urls = "https://a.example/https://b.example/";
        let style = |k: u8| match k {
            0 => Style::PLAIN,
            1 => Style::PLAIN.add_modifier(Modifiers::BOLD),
            _ => Style::PLAIN.add_modifier(Modifiers::ITALIC),
        };
        let mut fast = Lines::new();
        let mut rec = Recorded::default();
        rec.start();
        let mut w = Wrapper::default();
        w.begin(avail, 4);
        let mut sink = Plain(&mut fast);
        for &(t, k, l) in pieces {
            let link = l.then_some((0, 18));
            if rec.on && crate::width::is_printable_ascii(t.as_bytes()) {
                assert!(rec.record(t, style(k), link));
                continue;
            }
            if rec.on && rec.record_wide(t, style(k), link) {
                continue;
            }
            if rec.on {
                rec.settle(&mut w, &mut sink, urls);
            }
            w.push(&mut sink, t, style(k), l.then_some(&urls[..18]));
        }
        if !rec.on || !rec.finish(&mut w, &mut sink, urls) {
            w.finish(&mut sink);
        }
        let mut slow = Lines::new();
        let mut w = Wrapper::default();
        w.begin(avail, 4);
        let mut sink = Plain(&mut slow);
        for &(t, k, l) in pieces {
            w.push(&mut sink, t, style(k), l.then_some(&urls[..18]));
        }
        w.finish(&mut sink);
        (fast, slow)
    }

    #[test]
    fn recorded_lines_are_the_wrappers() {
        let cases: &[(Pieces<'_>, usize)] = &[
            (&[("hello world, this is a test of the wrap", 0, false)], 10),
            (
                &[
                    ("a", 0, false),
                    (" ", 1, false),
                    (" ", 2, false),
                    ("b", 0, false),
                ],
                10,
            ),
            (
                &[("aaaa", 0, false), ("  ", 1, false), ("bbbb", 2, true)],
                5,
            ),
            (
                &[("word ", 0, true), ("word", 1, true), (" word", 0, false)],
                9,
            ),
            (&[("", 0, false)], 10),
            (&[("   ", 1, false)], 10),
            (&[("abcdefghijklmnop qr", 0, false)], 6),
            (&[("ab cd ", 0, false), ("漢字 ef gh", 1, false)], 5),
            (&[("ab cd ef ", 0, false), ("\u{301}x y", 1, false)], 8),
            (&[("ab  cd", 0, false), ("\tef", 2, false)], 4),
            (&[("one two three four five six", 0, false)], 2),
            (&[("漢字漢字。「漢字」 ab漢 c", 0, false)], 5),
            (
                &[
                    ("ab", 0, false),
                    ("漢字", 1, true),
                    ("。x 💡y 🧪", 2, false),
                ],
                4,
            ),
            (&[("漢字漢字", 0, false), ("\u{301}", 1, false)], 4),
            (&[("💡", 0, false), ("\u{1F3FB} ok", 1, false)], 3),
            (&[("漢字", 0, false)], 1),
            (&[("ok ⚠\u{FE0F}⚠\u{FE0F} ✅❌x ab", 0, false)], 4),
            (&[("a⚠\u{FE0F}", 0, false), ("\u{FE0F}b ✅", 1, false)], 3),
            (&[("⚠", 0, false), ("\u{FE0F} ✅ ❌", 1, false)], 3),
        ];
        for &(pieces, avail) in cases {
            let (fast, slow) = both(pieces, avail);
            assert_eq!(dump(&fast), dump(&slow), "{pieces:?} at {avail}");
        }
    }

    #[test]
    fn wide_text_is_laid_out_in_one_pass() {
        // Recorded (not handed to the wrapper): breaks beside CJK characters where UAX #14
        // allows them (not before `。` or `」`, not after `「`), and at spaces.
        let mut lines = Lines::new();
        let mut rec = Recorded::default();
        rec.start();
        assert!(rec.record("ab ", Style::PLAIN, None));
        assert!(rec.record_wide("漢字。「漢字」 💡 x", Style::PLAIN, None));
        assert!(!rec.record_wide("\u{301}", Style::PLAIN, None));
        assert!(!rec.record_wide("⚠", Style::PLAIN, None));
        assert!(!rec.record_wide("\u{FE0F}", Style::PLAIN, None));
        assert!(!rec.record_wide("❤\u{FE0F}\u{200D}🔥", Style::PLAIN, None));
        assert!(!rec.record_wide("👍\u{1F3FB}", Style::PLAIN, None));
        assert!(recordable("⚠\u{FE0F} ✅❌ ⭐"));
        let mut w = Wrapper::default();
        w.begin(6, 4);
        assert!(rec.finish(&mut w, &mut Plain(&mut lines), ""));
        let shown: Vec<(String, usize, Option<Join>)> = lines
            .iter()
            .map(|l| {
                (
                    l.spans().map(|s| s.text).collect(),
                    l.width(),
                    l.continues(),
                )
            })
            .collect();
        let want = [
            ("ab 漢", 5, None),
            ("字。", 4, Some(Join::Direct)),
            ("「漢", 4, Some(Join::Direct)),
            ("字」", 4, Some(Join::Direct)),
            ("💡 x", 4, Some(Join::Space)),
        ];
        let want: Vec<_> = want.iter().map(|&(t, w, j)| (t.to_owned(), w, j)).collect();
        assert_eq!(shown, want);
    }

    proptest::proptest! {
        #[test]
        fn recorded_lines_are_the_wrappers_for_any_text(
            pieces in proptest::collection::vec(
                (
                    "[ab ]{0,6}|[cd ]{0,12}|[ -~]{0,5}|é|漢|\u{301}| \u{301}|\t|[漢字。、「」(a, ]{0,9}|[カー・ゃ ]{0,5}|💡|👍\u{1F3FB}|\u{FE0F}|[🧪🚀x ]{0,4}|⚠\u{FE0F}|⚠|[✅❌⭐a ]{0,4}|✅\u{FE0F}|❤\u{FE0F}\u{200D}🔥",
                    0u8..3,
                    proptest::bool::ANY,
                ),
                0..12,
            ),
            avail in 1usize..14,
        ) {
            let pieces: Vec<(&str, u8, bool)> =
                pieces.iter().map(|(t, k, l)| (t.as_str(), *k, *l)).collect();
            let (fast, slow) = both(&pieces, avail);
            proptest::prop_assert_eq!(dump(&fast), dump(&slow));
        }

        #[test]
        fn the_cost_bound_holds(
            pieces in proptest::collection::vec(("[a-z ]{0,9}|[a ]{0,30}|[漢字。 ]{0,9}|[🧪a ]{0,5}|(⚠\u{FE0F}|✅| ){0,5}", 0u8..3, proptest::bool::ANY), 0..20),
            avail in 2usize..30,
        ) {
            // What the wrapper writes for recordable text, as it comes, costs no more than
            // the bound of the same text recorded (after every piece, not just at the end).
            let urls = "https://a.example/";
            let mut rec = Recorded::default();
            rec.start();
            let mut lines = Lines::new();
            let mut w = Wrapper::default();
            w.begin(avail, 4);
            let mut sink = Plain(&mut lines);
            for (t, k, l) in &pieces {
                let style = if *k == 0 { Style::PLAIN } else { Style::PLAIN.add_modifier(Modifiers::BOLD) };
                w.push(&mut sink, t, style, l.then_some(urls));
                let link = l.then_some((0, 18));
                let recorded = if crate::width::is_printable_ascii(t.as_bytes()) {
                    rec.record(t, style, link)
                } else {
                    rec.record_wide(t, style, link)
                };
                proptest::prop_assert!(recorded);
                proptest::prop_assert!(sink.0.cost() <= rec.cost_bound(avail, 0));
            }
            w.finish(&mut sink);
            proptest::prop_assert!(lines.cost() <= rec.cost_bound(avail, 0));
        }
    }
}
