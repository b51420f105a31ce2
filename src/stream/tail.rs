//! The tentative tail: the open block rendered as if the message ended now, on request,
//! into a reused line buffer, and the work budget that keeps asking for it linear. The
//! tail is healed (`crate::heal`), a table in it keeps the column widths it had (they only
//! grow), and it may be capped to its last rows.

use super::{fence::partial_code_line, Stream};
use crate::heal::Healer;
use crate::layout::{LayoutSink, State};
use crate::line::{LineIter, Lines};
use crate::scan;
use crate::style::{Modifiers, Style};

/// Largest open block, in bytes, that [`Stream::tail`] renders again on every call that
/// follows a push (about a millisecond of work; BENCHMARKS.md). A larger block is rendered
/// on at least every other call, so a frame's tail is never older than the one before it.
pub const FRAME_TAIL_BYTES: usize = 64 * 1024;

/// The tentative lines of a stream and whether they are exact: what
/// [`Stream::tail`] returns, in one borrow.
#[derive(Clone, Debug)]
pub struct Tail<'a> {
    committed: &'a Lines,
    lines: &'a Lines,
    exact: bool,
    hidden: usize,
}

impl<'a> Tail<'a> {
    /// The stream's committed lines (as [`Stream::committed`]), borrowed with the tail, so a
    /// frame draws both.
    #[must_use]
    pub fn committed(&self) -> &'a Lines {
        self.committed
    }
    /// The lines, top to bottom (with the hidden-rows marker first when
    /// [`Options::with_tail_rows`](crate::Options::with_tail_rows) capped them).
    #[must_use]
    pub fn lines(&self) -> LineIter<'a> {
        self.lines.iter()
    }
    /// Number of lines.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lines.len()
    }
    /// True if there is no tentative line (no open block).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
    /// True if the lines show everything pushed so far; false if they are the tail of an
    /// earlier push of the same open block (the budget held the re-render back).
    #[must_use]
    pub fn is_exact(&self) -> bool {
        self.exact
    }
    /// Rows left out above the marker line by the row cap (0: none).
    #[must_use]
    pub fn hidden_rows(&self) -> usize {
        self.hidden
    }
}

impl<'a> IntoIterator for Tail<'a> {
    type Item = crate::Line<'a>;
    type IntoIter = LineIter<'a>;
    fn into_iter(self) -> LineIter<'a> {
        self.lines()
    }
}

/// The tail's lines and the state of its budget.
#[derive(Debug)]
pub(super) struct TailState {
    lines: Lines,
    /// The last rows of `lines` below a marker line, when the row cap applies.
    capped: Lines,
    /// Rows `capped` leaves out (0: the cap does not apply and `lines` is the tail).
    hidden: usize,
    healer: Healer,
    /// The healed source of the open block.
    healed: String,
    /// Natural column widths of the table in the tail, kept while its block is open.
    table_widths: Vec<usize>,
    /// A push came since the lines were rendered.
    dirty: bool,
    /// Work the tail may still spend, in bytes of open block.
    credit: usize,
    /// The open region's offset in the message when the lines were rendered
    /// (`usize::MAX`: never).
    origin: usize,
    /// A push came since the last call to `tentative`.
    pushed_since_call: bool,
    /// The last call to `tentative` returned the tail of an earlier push.
    stale: bool,
}

impl Default for TailState {
    fn default() -> Self {
        Self {
            lines: Lines::new(),
            capped: Lines::new(),
            hidden: 0,
            healer: Healer::default(),
            healed: String::new(),
            table_widths: Vec::new(),
            dirty: false,
            credit: 0,
            origin: usize::MAX,
            pushed_since_call: false,
            stale: false,
        }
    }
}

impl TailState {
    /// A push of `n` bytes: the lines are out of date, and the budget earns its credit.
    pub(super) fn note_push(&mut self, n: usize, budget: Option<u32>) {
        self.dirty = true;
        self.pushed_since_call = true;
        if let Some(k) = budget {
            self.credit = self.credit.saturating_add(n.saturating_mul(k as usize));
        }
    }

    /// The lines must be rendered again (the width changed).
    pub(super) fn invalidate(&mut self) {
        self.dirty = true;
        self.origin = usize::MAX;
        self.table_widths.clear();
    }

    /// Frees the lines of a large tail whose block was committed since (a stale tail is only
    /// ever shown for the block it was rendered from).
    pub(super) fn trim(&mut self, origin: usize, keep: usize) {
        if self.heap_bytes() > keep && origin != self.origin {
            self.lines.shrink_to_nothing();
            self.capped.shrink_to_nothing();
            self.healed = String::new();
            self.healer = Healer::default();
            self.dirty = true;
            self.origin = usize::MAX;
        }
    }

    /// Takes the lines buffer out (for the pool) and frees the rest.
    pub(super) fn take_lines(&mut self) -> Lines {
        std::mem::take(self).lines
    }

    pub(super) fn is_live(&self) -> bool {
        self.heap_bytes() > 0
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.lines.heap_bytes()
            + self.capped.heap_bytes()
            + self.healer.heap_bytes()
            + self.healed.capacity()
            + self.table_widths.capacity() * std::mem::size_of::<usize>()
    }

    /// The tail as shown: capped, or all of it.
    fn shown(&self) -> &Lines {
        if self.hidden > 0 {
            &self.capped
        } else {
            &self.lines
        }
    }
}

impl Stream {
    /// The tentative lines: the open block (with the partial last line) as it would render if
    /// the message ended now, healed (see [`Options::with_heal`](crate::Options::with_heal))
    /// and capped (see [`Options::with_tail_rows`](crate::Options::with_tail_rows)). Empty
    /// after [`finalize`](Self::finalize). Borrowed; valid until the next call that takes
    /// `&mut self`. Rendered on demand into a reused buffer.
    ///
    /// An open table keeps the column widths of the tails rendered before (each column's
    /// width only grows while its block is open), so its borders do not jump back when a
    /// partial cell shrinks (a literal `**` that becomes a bold opener, a `<br` that becomes
    /// a line break). So a tail is a function of the text pushed and of which earlier tails
    /// of its block were rendered: two streams that rendered after the same pushes show the
    /// same tail. The committed lines never depend on it.
    ///
    /// For an app that asks after every push. Rendering parses and lays out the whole open
    /// block, so its work is bounded by
    /// [`Options::with_tentative_budget`](crate::Options::with_tentative_budget): when a
    /// call right after a push cannot be paid for, it returns the tail of an earlier push
    /// of the same open block (the stale lines are never ones committed since). Calling again
    /// without a push in between (an app's next frame) always gives the exact tail, as does
    /// a call in fence mode (the tail is the partial code line) or after a commit. An app
    /// that draws frames on a timer should call [`tail`](Self::tail) instead.
    pub fn tentative(&mut self) -> LineIter<'_> {
        self.settle();
        let cost = self.source.open_len();
        let paid = self.tail.credit >= cost;
        let budgeted = self.shared.options.tentative_budget.is_some();
        let pushed = self.tail.pushed_since_call;
        self.refresh_tail(!budgeted || !pushed || paid, true);
        self.tail.shown().iter()
    }

    /// The tentative lines and whether they are exact, in one borrow: for an app that draws
    /// frames on a timer (30 to 60 a second) with any number of pushes in between.
    ///
    /// A call after a push renders the open block again if it is at most
    /// [`FRAME_TAIL_BYTES`](crate::limits::FRAME_TAIL_BYTES) (about a millisecond of work),
    /// or if the previous call's tail was stale; so a frame's tail is never older than the
    /// previous frame's, and a frame costs at most one render of the open block. A call
    /// with no push since the last render costs nothing. The lines are those
    /// [`tentative`](Self::tentative) describes (healed, capped).
    pub fn tail(&mut self) -> Tail<'_> {
        self.settle();
        let small = self.source.open_len() <= FRAME_TAIL_BYTES;
        let was_stale = self.tail.stale;
        self.refresh_tail(small || was_stale, false);
        Tail {
            committed: &self.committed.lines,
            lines: self.tail.shown(),
            exact: !self.tail.stale,
            hidden: self.tail.hidden,
        }
    }

    /// Renders the tail again if a push came and `exact_ok` (or the block changed); keeps
    /// the stale lines otherwise. `spend` charges the per-byte budget.
    fn refresh_tail(&mut self, exact_ok: bool, spend: bool) {
        if self.tail.dirty && !self.finalized {
            let origin = self.source.origin();
            let cost = self.source.open_len();
            let exact = exact_ok || self.fence.is_some() || origin != self.tail.origin;
            if exact {
                if spend {
                    self.tail.credit = self.tail.credit.saturating_sub(cost);
                }
                if origin != self.tail.origin {
                    self.tail.table_widths.clear();
                }
                self.render_tail();
                self.cap_tail();
                self.tail.dirty = false;
                self.tail.origin = origin;
                self.stats.tentative_renders += 1;
                self.stats.peak_tentative_lines = self
                    .stats
                    .peak_tentative_lines
                    .max(self.tail.lines.len() as u64);
            } else {
                self.stats.tentative_stale += 1;
            }
        }
        self.tail.stale = self.tail.dirty && !self.finalized;
        self.tail.pushed_since_call = false;
    }

    /// Applies the row cap: the last rows below a marker line.
    fn cap_tail(&mut self) {
        let Some(rows) = self.opts().tail_rows else {
            self.tail.hidden = 0;
            return;
        };
        let width = self.opts().width;
        let tail = &mut self.tail;
        tail.hidden = 0;
        let n = tail.lines.len();
        if n <= rows {
            return;
        }
        let hidden = n - rows + 1;
        tail.capped.clear();
        let marker = format!(
            "⋮ {hidden} more row{} above",
            if hidden == 1 { "" } else { "s" }
        );
        let marker: String = if crate::width::str_width(&marker) <= width {
            marker
        } else {
            format!("⋮ +{hidden}")
        };
        tail.capped
            .push_span(&marker, Style::new().add_modifier(Modifiers::DIM));
        tail.capped.end_line();
        tail.capped.extend(tail.lines.range(hidden..n));
        tail.hidden = hidden;
    }

    /// True if the last call to [`tentative`](Self::tentative) returned the tail of an
    /// earlier push because
    /// [`Options::with_tentative_budget`](crate::Options::with_tentative_budget) held the
    /// re-render back. An app that redraws only when input arrives should then call
    /// `tentative` again a frame later (with no push in between it is exact), so the last
    /// bytes before a pause show.
    #[must_use]
    pub fn tentative_is_stale(&self) -> bool {
        self.tail.stale
    }

    fn render_tail(&mut self) {
        self.tail.lines.clear();
        self.tail.hidden = 0;
        // A table in the tail keeps its column widths from render to render.
        self.work
            .scratch
            .keep_table_widths(&mut self.tail.table_widths);
        self.render_tail_lines();
        self.work
            .scratch
            .keep_table_widths(&mut self.tail.table_widths);
    }

    fn render_tail_lines(&mut self) {
        let cfg = self.own.as_deref().unwrap_or(&self.shared.options);
        // The tail continues from the committed state without changing it.
        let mut state: State = self.carry.layout.clone();
        let mut sink = LayoutSink::new(
            cfg,
            &mut state,
            &mut self.tail.lines,
            &mut self.work.scratch,
        );
        let mut start = self.source.base;
        let mut prev_blank = self.carry.prev_blank;
        if let Some(fence) = self.fence {
            let partial = &self.source.text[self.source.scanned..];
            let Some(n) = scan::fence_close_at_cr(partial, fence) else {
                partial_code_line(&mut sink, partial, fence, &mut self.work.line);
                return;
            };
            // The fence closes at a bare CR; the rest of the line is a new block.
            sink.code_end();
            start = self.source.scanned + n;
            prev_blank = false;
        }
        let region = &self.source.text[start..];
        if scan::is_blank_line(region) {
            return;
        }
        let defs = &self.carry.defs;
        let (healer, healed) = (&mut self.tail.healer, &mut self.tail.healed);
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            #[cfg(test)]
            super::fault::check(region);
            // (Healing parses too: inside the guard.)
            let text = if cfg.heal && healer.heal(region, defs, healed) {
                healed.as_str()
            } else {
                region
            };
            crate::boundary::render_all(text, prev_blank, defs, &mut sink);
            sink.finish();
        }));
        drop(sink);
        self.work.scratch.end_render();
        if ok.is_err() {
            // As for commits: a panicking parse shows the open block as plain source text.
            self.tail.lines.clear();
            self.work.scratch.clear_all();
            let mut state = self.carry.layout.clone();
            LayoutSink::new(
                cfg,
                &mut state,
                &mut self.tail.lines,
                &mut self.work.scratch,
            )
            .plain_block(region);
        }
    }
}
