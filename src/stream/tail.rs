//! The tentative tail: the open block rendered as if the message ended now, on request,
//! into a reused line buffer, and the work budget that keeps asking for it linear.

use super::{fence::partial_code_line, Stream};
use crate::layout::{LayoutSink, State};
use crate::line::{LineIter, Lines};
use crate::scan;

/// The tail's lines and the state of its budget.
#[derive(Debug)]
pub(super) struct Tail {
    lines: Lines,
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

impl Default for Tail {
    fn default() -> Self {
        Self {
            lines: Lines::new(),
            dirty: false,
            credit: 0,
            origin: usize::MAX,
            pushed_since_call: false,
            stale: false,
        }
    }
}

impl Tail {
    /// A push of `n` bytes: the lines are out of date, and the budget earns its credit.
    pub(super) fn note_push(&mut self, n: usize, budget: Option<u32>) {
        self.dirty = true;
        self.pushed_since_call = true;
        if let Some(k) = budget {
            self.credit = self.credit.saturating_add(n.saturating_mul(k as usize));
        }
    }

    /// Frees the lines of a large tail whose block was committed since (a stale tail is only
    /// ever shown for the block it was rendered from).
    pub(super) fn trim(&mut self, origin: usize, keep: usize) {
        if self.lines.heap_bytes() > keep && origin != self.origin {
            self.lines.shrink_to_nothing();
            self.dirty = true;
            self.origin = usize::MAX;
        }
    }

    /// Takes the lines buffer out (for the pool).
    pub(super) fn take_lines(&mut self) -> Lines {
        std::mem::take(&mut self.lines)
    }

    pub(super) fn is_live(&self) -> bool {
        self.lines.heap_bytes() > 0
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.lines.heap_bytes()
    }
}

impl Stream {
    /// The tentative lines: the open block (with the partial last line) as it would render if
    /// the message ended now. Empty after [`finalize`](Self::finalize). Borrowed; valid until
    /// the next call that takes `&mut self`. Rendered on demand into a reused buffer.
    ///
    /// Rendering parses and lays out the whole open block, so its work is bounded by
    /// [`Options::with_tentative_budget`](crate::Options::with_tentative_budget): when a
    /// call right after a push cannot be paid for, it returns the tail of an earlier push
    /// of the same open block (the stale lines are never ones committed since). Calling again
    /// without a push in between (an app's next frame) always gives the exact tail, as does
    /// a call in fence mode (the tail is the partial code line) or after a commit.
    pub fn tentative(&mut self) -> LineIter<'_> {
        if self.tail.dirty && !self.finalized {
            let origin = self.source.origin();
            let cost = self.source.open_len();
            let tail = &mut self.tail;
            let exact = self.shared.options.tentative_budget.is_none()
                || !tail.pushed_since_call
                || self.fence.is_some()
                || origin != tail.origin
                || tail.credit >= cost;
            if exact {
                tail.credit = tail.credit.saturating_sub(cost);
                self.render_tail();
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
        self.tail.lines.iter()
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
        let cfg = &self.shared.options;
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
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            #[cfg(test)]
            super::fault::check(region);
            crate::boundary::render_all(region, prev_blank, defs, &mut sink);
            sink.finish();
        }));
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
