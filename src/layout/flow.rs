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
//! - Only printable ASCII is recorded (one column per byte, breaks only at spaces). A line
//!   is found in one step: the last space within the row (`memrchr` over at most a row of
//!   bytes), with the spaces before it dropped, as the greedy wrapper does. Its text goes
//!   to the sink one push per run; a run of spaces takes the look of its first space.
//! - Anything else *settles* the leaf ([`Recorded::settle`]): text that is not printable
//!   ASCII, a hard break, an image's group ([`Wrapper::begin_group`]), a decoration that
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

/// The open leaf's text while it is recorded (see the module docs): printable ASCII only.
#[derive(Clone, Debug, Default)]
pub(super) struct Recorded {
    /// Recording: the open leaf's text goes here, not to the wrapper.
    pub(super) on: bool,
    text: String,
    runs: Vec<Run>,
    /// The longest link of a run, in bytes.
    longest_link: u32,
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
            flow.push_checked(sink, &self.text[start..end], r.style, link, true);
            start = end;
        }
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
        let handoff = loop {
            while pos < n && b[pos] == b' ' {
                pos += 1;
            }
            if pos == n {
                break if at_end { None } else { Some(pos) };
            }
            // The line's end (spaces before it dropped) and where the next line starts.
            let (end, next) = if n - pos <= avail {
                if !at_end {
                    break Some(pos);
                }
                let mut e = n;
                while b[e - 1] == b' ' {
                    e -= 1;
                }
                (e, n)
            } else {
                let limit = pos + avail;
                if !at_end && limit + 1 >= n {
                    // (The byte after the row too: a mark there would join a space at
                    // `limit`.)
                    break Some(pos);
                }
                let Some(space) = memchr::memrchr(b' ', &b[pos..=limit]) else {
                    // A word wider than the row: the wrapper breaks it.
                    break Some(pos);
                };
                let mut e = pos + space;
                while b[e - 1] == b' ' {
                    e -= 1;
                }
                let mut next_start = pos + space;
                while next_start < n && b[next_start] == b' ' {
                    next_start += 1;
                }
                if !at_end && next_start == n {
                    // What follows the spaces may join the last of them.
                    break Some(pos);
                }
                (e, next_start)
            };
            sink.begin();
            if lines > 0 {
                sink.continues(Join::Space);
            }
            self.push_line(pos, end, &mut run, sink, urls);
            sink.end();
            lines += 1;
            pos = next;
        };
        let complete = match handoff {
            None => lines > 0, // (nothing but spaces: the wrapper's one empty line)
            Some(at) => {
                if lines > 0 {
                    // The rest starts a line of its own, which continues the paragraph.
                    flow.resume_after_break(sink, Join::Space);
                }
                // (From the start if no line was written: spaces there are the wrapper's.)
                let from = if lines > 0 { at } else { 0 };
                let mut start = 0;
                for r in &self.runs {
                    let end = r.end as usize;
                    let a = start.max(from);
                    if a < end {
                        let link = r.link.map(|(s, e)| &urls[s as usize..e as usize]);
                        flow.push_checked(sink, &self.text[a..end], r.style, link, true);
                    }
                    start = end;
                }
                false
            }
        };
        self.clear();
        complete
    }

    /// Pushes `text[from..to]` (printable ASCII, starting and ending with a non-space) run by
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
                sink.push(&self.text[p..stop], r.style, link(r), stop - p);
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
    use super::*;
    use crate::line::Lines;
    use crate::style::Modifiers;

    /// A sink that writes to a [`Lines`] with no prefix.
    struct Plain<'a>(&'a mut Lines);

    impl LineSink for Plain<'_> {
        fn begin(&mut self) {}
        fn push(&mut self, text: &str, style: Style, link: Option<&str>, width: usize) {
            self.0.push_measured(text, style, link, width);
        }
        fn end(&mut self) {
            self.0.end_line();
        }
        fn mark(&self) -> usize {
            self.0.write_mark()
        }
        fn unwrite(
            &mut self,
            mark: usize,
            width: usize,
            back: &mut dyn FnMut(&str, Style, Option<&str>),
        ) {
            self.0.unwrite(mark, width, back);
        }
        fn continues(&mut self, join: Join) {
            self.0.set_join(join);
        }
    }

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
        ];
        for &(pieces, avail) in cases {
            let (fast, slow) = both(pieces, avail);
            assert_eq!(dump(&fast), dump(&slow), "{pieces:?} at {avail}");
        }
    }

    proptest::proptest! {
        #[test]
        fn recorded_lines_are_the_wrappers_for_any_text(
            pieces in proptest::collection::vec(
                ("[ab ]{0,6}|[cd ]{0,12}|[ -~]{0,5}|é|漢|\u{301}| \u{301}|\t", 0u8..3, proptest::bool::ANY),
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
            pieces in proptest::collection::vec(("[a-z ]{0,9}|[a ]{0,30}", 0u8..3, proptest::bool::ANY), 0..20),
            avail in 2usize..30,
        ) {
            // What the wrapper writes for printable ASCII, as it comes, costs no more than
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
                proptest::prop_assert!(rec.record(t, style, l.then_some((0, 18))));
                proptest::prop_assert!(sink.0.cost() <= rec.cost_bound(avail, 0));
            }
            w.finish(&mut sink);
            proptest::prop_assert!(lines.cost() <= rec.cost_bound(avail, 0));
        }
    }
}
