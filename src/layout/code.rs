//! Code blocks: frame, language label, highlighting and hard wrapping of long lines.
//!
//! ```text
//! ╭─ rust
//! │ fn main() {
//! │     println!("a line longer than the width continues on the
//! │↪ next row behind a marker");
//! │ }
//! ╰─
//! ```
//! A line that must wrap breaks after white space or punctuation (or before a `.`) in the
//! last third of the row when that leaves the continuation at least 8 columns, so no
//! continuation row carries only `↪;`; without such a place the row is filled and the line
//! broken at its end. The gutter stays 2 columns on every row, also for a line that would
//! fit in one more column: a narrower gutter on some rows would shift their code one
//! column against the lines above and below, and indentation is what code is read by.
//! Code is never reflowed as prose. Tabs expand to tab stops counted from the first code
//! column; control characters are made visible (see [`crate::sanitize`]). With
//! [`Options::wrap_code(false)`](crate::Options::wrap_code) lines are printed whole, without
//! the gutter, so they can be copied.

use crate::highlight::CodeState;
use crate::line::{Join, LineKind};
use crate::options::ControlChars;
use crate::sanitize::{is_unsafe, replacement};
use crate::style::Style;
use crate::theme::Theme;
use crate::width::grapheme_width;
use crate::wrap::{push_spaces, LineSink};

/// Gutter before each code row (2 columns), in the frame's style.
const GUTTER: &str = "│ ";
/// A continuation row's gutter: the frame's bar, then the continuation marker in its own
/// style (2 columns in all).
const CONTINUATION: [&str; 2] = ["│", "↪"];

/// Writes the header line content (after the container prefix): `╭─ label`.
pub(crate) fn header<S: LineSink + ?Sized>(
    sink: &mut S,
    label: &str,
    theme: &Theme,
    avail: usize,
    controls: ControlChars,
) {
    sink.push("╭─", theme.code_frame, None, 2);
    if !label.is_empty() && avail > 4 {
        sink.push(" ", theme.code_frame, None, 1);
        let mut clean = String::new();
        crate::sanitize::push_sanitized(&mut clean, label, controls);
        let mut used = 3;
        for (_, g) in crate::width::clusters(&clean) {
            let w = grapheme_width(g);
            if used + w > avail {
                break;
            }
            sink.push(g, theme.code_label, None, w);
            used += w;
        }
    }
}

/// Writes the footer line content: `╰─`.
pub(crate) fn footer<S: LineSink + ?Sized>(sink: &mut S, theme: &Theme) {
    sink.push("╰─", theme.code_frame, None, 2);
}

/// The buffers of one code line, kept in the layout's scratch and reused from line to line
/// (a code line longer than the row would otherwise allocate its cut plan).
#[derive(Debug, Default)]
pub(crate) struct LineBufs {
    /// The highlighted ranges: start and end (byte offsets into the line) and style.
    ranges: Vec<(usize, usize, Style)>,
    /// Where a row may break besides its end (byte offsets, ascending).
    cuts: Vec<usize>,
    /// The display column of each cut.
    cut_cols: Vec<usize>,
}

impl LineBufs {
    /// Empties the buffers, keeping their capacity.
    pub(crate) fn clear(&mut self) {
        self.ranges.clear();
        self.cuts.clear();
        self.cut_cols.clear();
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.ranges.capacity() * std::mem::size_of::<(usize, usize, Style)>()
            + (self.cuts.capacity() + self.cut_cols.capacity()) * std::mem::size_of::<usize>()
    }
}

/// Renders one code line (without its line ending) as one or more rows.
///
/// Each row is begun and ended here (the sink writes the container prefix in `begin`).
#[allow(clippy::too_many_arguments)] // the frozen options are passed apart to keep borrows split
pub(crate) fn line<S: LineSink + ?Sized>(
    sink: &mut S,
    text: &str,
    state: &mut CodeState,
    theme: &Theme,
    avail: usize,
    decorate: bool,
    wrap: bool,
    tab_width: usize,
    controls: ControlChars,
    bufs: &mut LineBufs,
    record: Option<&mut crate::highlight::BlockRuns>,
) {
    let LineBufs {
        ranges,
        cuts,
        cut_cols,
    } = bufs;
    cuts.clear();
    cut_cols.clear();
    // A code background (the theme's `code_text.bg`) fills every row to the block's width
    // (`decorate`: while the output stays inside its bound; past it the gutter is plain
    // too) and lies under the highlighted
    // tokens too.
    let bg = theme
        .code_text
        .bg
        .filter(|&c| decorate && c != crate::style::Color::Reset);
    let mut w = RowWriter {
        sink,
        break_at: None,
        cut_cols: std::mem::take(cut_cols),
        total: 0,
        fill: bg.map_or(0, |_| avail.saturating_sub(2).max(2)),
        gutter: if decorate {
            theme.code_frame
        } else {
            Style::PLAIN
        },
        avail: if wrap {
            avail.saturating_sub(2).max(2)
        } else {
            usize::MAX
        },
        col: 0,
        row_width: 0,
        wrap,
        theme,
        tab_width,
        controls,
    };
    // With `Drop`, dropped controls go before anything is measured: a character and an
    // extender on both sides of one (`2 DEL U+FE0F`) join into one cluster in the output
    // and must be measured as one (FUZZING.md finding 11).
    let cleaned: String;
    let text = if controls == ControlChars::Drop && crate::sanitize::needs_sanitizing(text) {
        cleaned = text
            .chars()
            .filter(|&c| matches!(c, '\t' | '\n') || !is_unsafe(c))
            .collect();
        cleaned.as_str()
    } else {
        text
    };
    w.sink.kind(LineKind::Code);
    w.sink.begin();
    w.start_row(false);
    let diff = [theme.diff_added, theme.diff_removed, theme.diff_hunk];
    // Collect the highlighted ranges first, so a token that starts with an extending
    // character (a VS16 the grammar split off) joins the previous token's cluster and every
    // width is measured on whole clusters (FUZZING.md finding 9).
    // (A buffer of the layout's scratch, reused from line to line.)
    ranges.clear();
    let base = text.as_ptr() as usize;
    state.highlight_line(text, theme.code_text, diff, |piece, style| {
        let start = (piece.as_ptr() as usize).wrapping_sub(base).min(text.len());
        let style = match (bg, style.bg) {
            (Some(c), None) => style.bg(c),
            _ => style,
        };
        ranges.push((start, (start + piece.len()).min(text.len()), style));
    });
    if let Some(rec) = record {
        // The pieces as highlighting gave them (before clusters are joined across them),
        // for a replay of this line at another width.
        rec.push_ranges(text, ranges);
    }
    for i in 1..ranges.len() {
        let (prev_start, prev_end) = (ranges[i - 1].0, ranges[i - 1].1);
        if prev_end != ranges[i].0 {
            continue;
        }
        if let Some(end) =
            crate::width::cluster_end_across(&text[prev_start..], prev_end - prev_start)
        {
            let end = (prev_start + end).min(ranges[i].1);
            ranges[i - 1].1 = end;
            ranges[i].0 = end;
        }
    }
    // Where a row may break besides the end of the row (byte offsets): after white space or
    // punctuation, and before a `.`. Taken from the text alone, not from the highlighted
    // tokens (which mostly start at the same places), so a line breaks in the same places
    // highlighted or not, and when a `Message` is laid out again from its compact runs.
    // Only looked for when the line may need more than one row.
    if wrap && (text.len() > w.avail || memchr::memchr(b'\t', text.as_bytes()).is_some()) {
        if text.is_ascii() && !text.contains('\r') {
            // Every byte is a cluster of its own (no CR to join an LF): the same cuts, by byte.
            let b = text.as_bytes();
            cuts.extend((1..b.len()).filter(|&at| ascii_cut_between(b[at - 1], b[at])));
        } else {
            let mut prev = ' ';
            for (at, g) in crate::width::clusters(text) {
                let first = g.chars().next().unwrap_or(' ');
                if at > 0 && cut_between(prev, first) {
                    cuts.push(at);
                }
                prev = g.chars().last().unwrap_or(' ');
            }
        }
        // Never right before closing punctuation (`path` / `↪);`) or a `:`.
        cuts.retain(|&at| !matches!(text.as_bytes()[at], b')' | b']' | b'}' | b';' | b',' | b':'));
        cuts.sort_unstable();
        cuts.dedup();
        // The column of each cut: in printable ASCII its byte offset; otherwise from a run
        // without wrapping into no output.
        let body = text.strip_suffix('\n').unwrap_or(text);
        if crate::width::is_printable_ascii(body.as_bytes()) {
            #[cfg(debug_assertions)]
            {
                dry_cut_columns(&mut w, text, ranges, cuts);
                debug_assert_eq!((w.total, &w.cut_cols), (body.len(), &*cuts));
            }
            w.total = body.len();
            w.cut_cols.clone_from(cuts);
            w.break_at = w.plan(0);
        } else {
            dry_cut_columns(&mut w, text, ranges, cuts);
        }
    }
    for_each_part(ranges, cuts, |s, e, style, _| {
        if w.break_at == Some(w.col) && w.row_width > 0 {
            w.start_row(true);
        }
        w.piece(&text[s..e], style);
    });
    w.pad();
    w.sink.end();
    *cut_cols = std::mem::take(&mut w.cut_cols);
}

/// Sets the line's width and the columns of its `cuts` in `w` by laying the line out
/// without wrapping into no output, and plans the first row.
fn dry_cut_columns<S: LineSink + ?Sized>(
    w: &mut RowWriter<'_, '_, S>,
    text: &str,
    ranges: &[(usize, usize, Style)],
    cuts: &[usize],
) {
    let mut dry = RowWriter {
        sink: &mut Discard,
        break_at: None,
        cut_cols: Vec::new(),
        total: 0,
        fill: 0,
        gutter: Style::PLAIN,
        avail: usize::MAX,
        col: 0,
        row_width: 0,
        wrap: false,
        theme: w.theme,
        tab_width: w.tab_width,
        controls: w.controls,
    };
    let mut cols = std::mem::take(&mut w.cut_cols);
    cols.clear();
    for_each_part(ranges, cuts, |s, e, style, cut| {
        if cut {
            cols.push(dry.col);
        }
        dry.piece(&text[s..e], style);
    });
    w.total = dry.col;
    w.cut_cols = cols;
    w.break_at = w.plan(0);
}

/// Characters after which a code row may break.
const BREAK_AFTER: &[char] = &[
    ',', ';', '(', ')', '[', ']', '{', '}', ':', '=', '>', '|', '&',
];

/// May a code row break between the clusters ending in `prev` and starting with `first`?
/// After a space, or after punctuation that no other punctuation follows (not inside `::`,
/// `->` or `&&`); before a `.` after a letter, digit or `)`.
fn cut_between(prev: char, first: char) -> bool {
    let after_punct = BREAK_AFTER.contains(&prev) && !first.is_ascii_punctuation();
    let before_dot = first == '.' && (prev.is_alphanumeric() || prev == ')');
    prev == ' ' && first != ' ' || after_punct || before_dot
}

/// [`cut_between`] for two ASCII bytes, by table (a code line longer than the row asks it
/// for every byte).
fn ascii_cut_between(prev: u8, first: u8) -> bool {
    const AFTER: u8 = 1;
    const PUNCT: u8 = 2;
    const ALNUM: u8 = 4;
    const CLASS: [u8; 128] = {
        let mut t = [0u8; 128];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            if c.is_ascii_punctuation() {
                t[b] |= PUNCT;
            }
            if c.is_ascii_alphanumeric() {
                t[b] |= ALNUM;
            }
            b += 1;
        }
        let mut i = 0;
        while i < BREAK_AFTER.len() {
            t[BREAK_AFTER[i] as usize] |= AFTER;
            i += 1;
        }
        t
    };
    let (p, f) = (
        CLASS[usize::from(prev & 0x7f)],
        CLASS[usize::from(first & 0x7f)],
    );
    prev == b' ' && first != b' '
        || p & AFTER != 0 && f & PUNCT == 0
        || first == b'.' && (p & ALNUM != 0 || prev == b')')
}

/// A continuation row is not begun for fewer columns than this when an earlier cut in the
/// last third of the row leaves it more.
const MIN_TAIL: usize = 8;

/// Calls `f(start, end, style, at_cut)` for each part of `ranges` split at `cuts` (sorted
/// byte offsets), in order; `at_cut` says that the part begins at a cut.
fn for_each_part(
    ranges: &[(usize, usize, Style)],
    cuts: &[usize],
    mut f: impl FnMut(usize, usize, Style, bool),
) {
    let mut k = 0;
    for &(s, e, style) in ranges {
        let mut a = s;
        while a < e {
            while k < cuts.len() && cuts[k] < a {
                k += 1;
            }
            let at_cut = cuts.get(k) == Some(&a);
            let next = cuts[k..].iter().find(|&&c| c > a).map_or(e, |&c| c.min(e));
            f(a, next, style, at_cut);
            a = next;
        }
    }
}

/// A sink that writes nothing (the measuring run of a code line).
struct Discard;

impl LineSink for Discard {
    fn begin(&mut self) {}
    fn push(&mut self, _: &str, _: Style, _: Option<&str>, _: usize) {}
    fn end(&mut self) {}
    fn mark(&self) -> usize {
        0
    }
    fn unwrite(&mut self, _: usize, _: usize, _: &mut dyn FnMut(&str, Style, Option<&str>)) {}
}

struct RowWriter<'s, 't, S: LineSink + ?Sized> {
    sink: &'s mut S,
    /// The column of the code line at which the current row ends early, at a cut (see
    /// [`plan`](Self::plan)).
    break_at: Option<usize>,
    /// The columns of the line's cuts (where a row may break), in order.
    cut_cols: Vec<usize>,
    /// The line's width in columns (when it may need more than one row).
    total: usize,
    avail: usize,
    /// Columns every row is padded to in `theme.code_text` (0: no background, no padding).
    fill: usize,
    /// The gutter's style: the frame's, or plain past the output bound (one SGR less a row).
    gutter: Style,
    /// Column in the code line (for tab stops), across rows.
    col: usize,
    row_width: usize,
    wrap: bool,
    theme: &'t Theme,
    tab_width: usize,
    controls: ControlChars,
}

impl<S: LineSink + ?Sized> RowWriter<'_, '_, S> {
    /// Pads the row to [`fill`](Self::fill) columns.
    fn pad(&mut self) {
        if self.row_width < self.fill {
            push_spaces(
                self.sink,
                self.fill - self.row_width,
                self.theme.code_text,
                None,
            );
            self.row_width = self.fill;
        }
    }

    /// Where the row that begins at column `start` of the code line should end early: the
    /// last cut in the row's last third that leaves the continuation at least
    /// [`MIN_TAIL`] columns (else the first cut there, which leaves it the most), so no
    /// row carries only `↪;`. `None`: the rest fits, or no cut lies there (the row is
    /// filled and the line broken at its end).
    fn plan(&self, start: usize) -> Option<usize> {
        if self.total.saturating_sub(start) <= self.avail {
            return None;
        }
        let hi = start + self.avail;
        let lo = hi - self.avail / 3;
        let mut inside = self
            .cut_cols
            .iter()
            .copied()
            .filter(|&c| c > start && (lo..=hi).contains(&c));
        let first = inside.clone().next()?;
        Some(
            inside
                .rfind(|&c| self.total - c >= MIN_TAIL)
                .unwrap_or(first),
        )
    }

    fn start_row(&mut self, continuation: bool) {
        if continuation {
            self.break_at = self.plan(self.col);
            self.pad();
            self.sink.end();
            self.sink.begin();
            self.sink.continues(Join::Direct);
            self.sink.push(CONTINUATION[0], self.gutter, None, 1);
            self.sink
                .push(CONTINUATION[1], self.theme.code_continuation, None, 1);
            self.sink.gutter_written();
        } else if self.wrap {
            self.sink.push(GUTTER, self.gutter, None, 2);
            self.sink.gutter_written();
        }
        self.row_width = 0;
    }

    fn fit(&mut self, w: usize) {
        if self.wrap && self.row_width + w > self.avail && self.row_width > 0 {
            self.start_row(true);
        }
    }

    fn piece(&mut self, text: &str, style: Style) {
        let text = text.strip_suffix('\n').unwrap_or(text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.is_empty() {
            return;
        }
        // Fast path: printable ASCII, one column a byte, broken into rows by count.
        let b = text.as_bytes();
        if crate::width::is_printable_ascii(b) {
            let mut pos = 0;
            while pos < b.len() {
                let n = if self.wrap {
                    if self.row_width >= self.avail {
                        self.start_row(true);
                    }
                    (self.avail - self.row_width).min(b.len() - pos)
                } else {
                    b.len() - pos
                };
                self.sink.push(&text[pos..pos + n], style, None, n);
                self.row_width += n;
                self.col += n;
                pos += n;
            }
            return;
        }
        let mut run_start = 0;
        let mut run_width = 0;
        for (at, g) in crate::width::clusters(text) {
            let mut chars = g.chars();
            let first = chars.next().unwrap_or(' ');
            let single = chars.next().is_none();
            if single && (first == '\t' || is_unsafe(first)) {
                self.flush(text, run_start, at, run_width, style);
                run_start = at + g.len();
                run_width = 0;
                if first == '\t' {
                    let n = self.tab_width - self.col % self.tab_width;
                    for _ in 0..n {
                        self.fit(1);
                        push_spaces(self.sink, 1, style, None);
                        self.row_width += 1;
                        self.col += 1;
                    }
                } else if let Some(r) = replacement(first, self.controls) {
                    let mut tmp = [0u8; 4];
                    let s = r.encode_utf8(&mut tmp);
                    let w = grapheme_width(s);
                    self.fit(w);
                    self.sink.push(s, style, None, w);
                    self.row_width += w;
                    self.col += w;
                }
                continue;
            }
            if g.chars().any(is_unsafe) {
                // A cluster with an unsafe character inside (e.g. a combining mark on ESC).
                self.flush(text, run_start, at, run_width, style);
                run_start = at + g.len();
                run_width = 0;
                let mut clean = String::new();
                crate::sanitize::push_sanitized(&mut clean, g, self.controls);
                let w = crate::width::str_width(&clean);
                self.fit(w);
                self.sink.push(&clean, style, None, w);
                self.row_width += w;
                self.col += w;
                continue;
            }
            let gw = grapheme_width(g);
            if self.wrap && self.row_width + run_width + gw > self.avail {
                self.flush(text, run_start, at, run_width, style);
                run_start = at;
                run_width = 0;
                if self.row_width > 0 {
                    self.start_row(true);
                }
                if gw > self.avail {
                    // A cluster wider than a whole row (a long emoji ZWJ chain): its
                    // characters, each with its modifiers, rather than a row too wide.
                    for (ps, pe, pw) in crate::width::cluster_parts(g) {
                        self.fit(pw);
                        self.flush(text, at + ps, at + pe, pw, style);
                    }
                    run_start = at + g.len();
                    continue;
                }
            }
            run_width += gw;
        }
        self.flush(text, run_start, text.len(), run_width, style);
    }

    fn flush(&mut self, text: &str, s: usize, e: usize, w: usize, style: Style) {
        if e > s {
            self.sink.push(&text[s..e], style, None, w);
            self.row_width += w;
            self.col += w;
        }
    }
}

#[cfg(test)]
mod tests {
    /// The byte table says what the character rule says, for every pair of ASCII bytes.
    #[test]
    fn ascii_cuts_are_the_character_cuts() {
        for prev in 0..128u8 {
            for first in 0..128u8 {
                assert_eq!(
                    super::ascii_cut_between(prev, first),
                    super::cut_between(char::from(prev), char::from(first)),
                    "{prev:?} {first:?}"
                );
            }
        }
    }
}
