//! The per-message streaming state machine (see the crate docs for the design).
//!
//! | part | what it holds | where |
//! |---|---|---|
//! | the open region | decoded text not yet committed, bytes of the partial line not yet decoded, the line cap | [`source`] |
//! | when to look | the trigger state and the parse budget | [`Look`], [`crate::boundary`] |
//! | fence mode | the open top-level fenced code block, committed line by line | [`fence`] |
//! | what committed text leaves behind | layout state, link definitions | [`Carry`] |
//! | working buffers | scratch, arena, a line buffer, reused by every render | [`Work`] |
//! | committed lines | the output, and how much the caller has read | [`Committed`] |
//! | the tentative tail | its lines and its work budget | [`tail`] |

mod fence;
mod source;
mod tail;

use crate::boundary::{self, LineVerdict, Trigger};
use crate::layout::{LayoutSink, Scratch, State};
use crate::line::Lines;
use crate::linkdefs::Defs;
use crate::options::Options;
use crate::renderer::Shared;
use crate::scan::Fence;
use source::Source;
pub use source::MAX_LINE_BYTES;
use std::sync::Arc;
use tail::TailState;
pub use tail::{Tail, FRAME_TAIL_BYTES};

/// Parse credit earned per input byte. A parse of the open region costs one credit per byte
/// of the region; a parse is postponed until the credit covers it. So however many lines
/// look like block starts, the stream never spends more than this many bytes of parsing per
/// input byte (plus [`INITIAL_PARSE_CREDIT`]): streaming stays linear.
pub const PARSE_CREDIT_PER_BYTE: usize = 8;
/// Largest open region, in bytes. An open block that grows past it (a paragraph, list item
/// or table that never ends) is closed and committed there, and the text after it starts a
/// new block. Together with [`MAX_LINE_BYTES`] this bounds a stream's prefix caches to a few
/// MiB however long the message runs.
pub const MAX_OPEN_BYTES: usize = 4 << 20;
/// Working buffers (scratch, arenas, the source buffer) that grew past this many bytes for
/// one large block are freed after it, so a stream's heap returns to its small steady state.
pub const KEEP_BUFFER_BYTES: usize = 256 * 1024;
/// Parse credit a stream starts with, in bytes: small messages commit at every boundary.
pub const INITIAL_PARSE_CREDIT: usize = 64 * 1024;

/// Counters of a stream's work, for `--stats` and benchmarks. Counting changes nothing
/// about the work done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Input bytes pushed.
    pub bytes_in: u64,
    /// Calls to `push`/`push_bytes`.
    pub chunks: u64,
    /// Lines committed so far (including lines since forgotten by `clear_committed`).
    pub committed_lines: u64,
    /// Most tentative lines seen by a call to [`Stream::tentative`].
    pub peak_tentative_lines: u64,
    /// Parses of the open region that committed something or found nothing to commit.
    pub parses: u64,
    /// Bytes handed to those parses.
    pub parsed_bytes: u64,
    /// Regions shown as plain text because parsing them panicked.
    pub isolated_panics: u64,
    /// Line breaks inserted into lines longer than [`MAX_LINE_BYTES`].
    pub forced_breaks: u64,
    /// Open blocks committed in parts because they reached [`MAX_OPEN_BYTES`].
    pub forced_cuts: u64,
    /// Calls to [`Stream::tentative`] that re-rendered the open block.
    pub tentative_renders: u64,
    /// Calls to [`Stream::tentative`] that returned the tail of an earlier push, because
    /// [`Options::with_tentative_budget`](crate::Options::with_tentative_budget) could not
    /// pay for a re-render.
    pub tentative_stale: u64,
    /// Messages in which a code block's precomputed highlighting (a parallel render) did
    /// not match the text laid out; the block was highlighted on from there as usual.
    pub replay_misses: u64,
}

impl std::ops::AddAssign for Stats {
    /// Sums the counters of two streams (the peak is the larger peak).
    fn add_assign(&mut self, o: Self) {
        self.bytes_in += o.bytes_in;
        self.chunks += o.chunks;
        self.committed_lines += o.committed_lines;
        self.peak_tentative_lines = self.peak_tentative_lines.max(o.peak_tentative_lines);
        self.parses += o.parses;
        self.parsed_bytes += o.parsed_bytes;
        self.isolated_panics += o.isolated_panics;
        self.forced_breaks += o.forced_breaks;
        self.forced_cuts += o.forced_cuts;
        self.tentative_renders += o.tentative_renders;
        self.tentative_stale += o.tentative_stale;
        self.replay_misses += o.replay_misses;
    }
}

/// When to look for a commit: the trigger over complete lines, and the parse budget.
#[derive(Debug)]
struct Look {
    trigger: Trigger,
    /// A line since the last parse may have started a new unit.
    pending: bool,
    /// Parse credit left, in bytes (see [`PARSE_CREDIT_PER_BYTE`]).
    credit: usize,
}

/// What committed text leaves for the blocks after it.
#[derive(Debug, Default)]
struct Carry {
    /// The layout's state after the last committed line (open containers, list counters).
    layout: State,
    /// Link reference definitions of committed text.
    defs: Defs,
    /// Whether the line before the open region is blank.
    prev_blank: bool,
}

/// Working buffers reused by every render, committed or tentative. They hold nothing
/// between renders that could change an output.
#[derive(Default)]
pub(crate) struct Work {
    scratch: Scratch,
    /// One code line (fence mode).
    line: String,
    /// The committed layout state before a commit, to restore if the commit panics.
    saved: State,
}

impl Work {
    /// Empties the buffers for another message, keeping their capacity.
    pub(crate) fn recycle(&mut self) {
        self.scratch.recycle();
        self.line.clear();
        self.saved = State::default();
    }
    pub(crate) fn heap_bytes(&self) -> usize {
        self.scratch.heap_bytes() + self.line.capacity() + self.saved.heap_bytes()
    }
    fn is_live(&self) -> bool {
        self.heap_bytes() > 0
    }
}

/// The committed lines and how far the caller has read them.
#[derive(Debug, Default)]
struct Committed {
    lines: Lines,
    /// Lines already returned by `new_committed`.
    drained: usize,
    /// Lines dropped by `clear_committed`.
    forgotten: u64,
}

/// The committed lines a stream has not handed out yet: the iterator of
/// [`Stream::new_committed`]. Each line counts as read when it is yielded.
#[derive(Debug)]
pub struct NewCommitted<'a> {
    lines: &'a Lines,
    next: &'a mut usize,
    end: usize,
}

impl NewCommitted<'_> {
    /// Index in [`Stream::committed`] of the next line this iterator yields.
    #[must_use]
    pub fn position(&self) -> usize {
        *self.next
    }
}

impl<'a> Iterator for NewCommitted<'a> {
    type Item = crate::Line<'a>;
    fn next(&mut self) -> Option<crate::Line<'a>> {
        if *self.next >= self.end {
            return None;
        }
        let line = self.lines.get(*self.next);
        *self.next += 1;
        line
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - *self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for NewCommitted<'_> {}
impl std::iter::FusedIterator for NewCommitted<'_> {}

/// One message being rendered as it streams in. Get one from
/// [`Renderer::stream`](crate::Renderer::stream).
///
/// Lines come in two kinds: *committed* lines are final and only ever appended
/// ([`new_committed`](Self::new_committed), [`committed`](Self::committed)); *tentative*
/// lines are the current rendering of the still-open block and change with every push
/// ([`tentative`](Self::tentative)). After [`finalize`](Self::finalize) every line is
/// committed and the stream holds no prefix cache ([`has_live_state`](Self::has_live_state)
/// is false); after [`release`](Self::release) it holds nothing at all and can render a new
/// message.
///
/// No method panics, and no input is an error.
///
/// A `Stream` is `Send`: it may move between threads and live across an `.await` (the
/// highlight state of an open code block is made `Send` by the `termark-parse-state`
/// crate, which holds the one `unsafe` line and its argument). It is not `Sync`: a stream
/// is driven by one thread at a time.
pub struct Stream {
    shared: Arc<Shared>,
    source: Source,
    look: Look,
    /// Fence mode: the open block is a top-level fenced code block with this fence.
    fence: Option<Fence>,
    carry: Carry,
    work: Work,
    committed: Committed,
    tail: TailState,
    finalized: bool,
    stats: Stats,
    /// Highlighting to lay out instead of running syntect (a parallel one-shot render).
    replay: Option<Arc<crate::layout::ReplayBlocks>>,
    /// A replayed code block lost its highlighting (see `Stream::replay_lost`).
    replay_lost: bool,
    /// This stream's own options, once [`set_width`](Self::set_width) changed them.
    own: Option<Box<Options>>,
    /// With `Options::with_keep_message`: the message's source as laid out...
    archive: Option<String>,
    /// ... and the highlighting of its fenced code blocks.
    recorder: Option<Box<crate::layout::Recorder>>,
}

// A stream moves between threads (compile-time check).
const _: () = {
    const fn send<T: Send>() {}
    send::<Stream>();
};

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field(
                "open_bytes",
                &(self.source.open_len() + self.source.raw.len()),
            )
            .field("committed", &self.committed.lines.len())
            .field("finalized", &self.finalized)
            .finish_non_exhaustive()
    }
}

impl Stream {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        let keep = shared.options.keep_message;
        Self {
            shared,
            source: Source::default(),
            look: Look {
                trigger: Trigger::default(),
                pending: false,
                credit: INITIAL_PARSE_CREDIT,
            },
            fence: None,
            carry: Carry::default(),
            work: Work::default(),
            committed: Committed::default(),
            tail: TailState::default(),
            finalized: false,
            stats: Stats::default(),
            replay: None,
            replay_lost: false,
            own: None,
            archive: keep.then(String::new),
            recorder: keep.then(Box::default),
        }
    }

    /// True after `finalize` if a replayed code block met a line it had not recorded and
    /// had no source to highlight on from: its rest was laid out plain.
    pub(crate) fn replay_lost(&self) -> bool {
        self.replay_lost
    }

    /// Lays out the message's fenced code blocks from `replay` (one entry per block, in
    /// order) instead of highlighting them.
    pub(crate) fn set_replay(&mut self, replay: Arc<crate::layout::ReplayBlocks>) {
        self.replay = Some(replay);
    }

    /// Appends a chunk of Markdown. Work done: proportional to the chunk plus the open block.
    /// Ignored after [`finalize`](Self::finalize) (until [`release`](Self::release)).
    pub fn push(&mut self, chunk: &str) {
        if self.finalized {
            return;
        }
        self.note_chunk(chunk.len());
        let before = self.source.text.len();
        self.stats.forced_breaks += self.source.push_str(chunk);
        self.archive_since(before);
        self.process();
    }

    /// Decodes the pushed bytes that wait undecoded (part of a line) into the open region,
    /// for a reader of the partial line.
    pub(super) fn settle(&mut self) {
        if !self.source.raw.is_empty() {
            let before = self.source.text.len();
            self.stats.forced_breaks += self.source.flush();
            self.archive_since(before);
            self.process();
        }
    }

    /// Keeps the text appended to the source since it was `before` bytes long (the text as
    /// laid out: decoded, bare CRs read as LF, with the line cap's breaks).
    fn archive_since(&mut self, before: usize) {
        if let Some(a) = &mut self.archive {
            a.push_str(&self.source.text[before..]);
        }
    }

    /// Appends a chunk of bytes. A chunk may end inside a UTF-8 sequence; invalid UTF-8
    /// becomes U+FFFD exactly as `String::from_utf8_lossy` would on the whole input.
    /// Ignored after [`finalize`](Self::finalize) (until [`release`](Self::release)).
    pub fn push_bytes(&mut self, chunk: &[u8]) {
        if self.finalized {
            return;
        }
        self.note_chunk(chunk.len());
        let before = self.source.text.len();
        self.stats.forced_breaks += self.source.push_bytes(chunk);
        self.archive_since(before);
        self.process();
    }

    /// Makes the link reference definitions of `document` known before it is pushed, so a
    /// reference before its definition resolves as in a whole-document parse
    /// ([`Renderer::render_whole`](crate::Renderer::render_whole)). For input that is all
    /// available up front (a file); a live stream cannot know its later definitions. Costs
    /// one block-level parse of `document`. Call before the first push.
    pub fn predefine_links(&mut self, document: &str) {
        self.carry
            .defs
            .extend_from_document(&crate::eol::bare_cr_to_lf(document));
    }

    /// Prepares the stream for `document`, which is all available up front (a file) and
    /// is pushed next: its link reference definitions are made known
    /// ([`predefine_links`](Self::predefine_links)), and with
    /// [`Options::with_highlight_threads`](crate::Options::with_highlight_threads) above 1,
    /// its fenced code blocks are highlighted now, side by side on that many threads, so
    /// the pushes lay them out without running the highlighter. The lines are the ones the
    /// pushes alone would give (the whole-document reading of link definitions aside). Call
    /// before the first push.
    pub fn prepare_document(&mut self, document: &str) {
        self.predefine_links(document);
        let threads = self.shared.options.highlight_threads;
        if self.shared.options.highlight && threads > 1 {
            let renderer = crate::Renderer::from_shared(Arc::clone(&self.shared));
            if let Some(replay) = renderer.highlight_ahead(document, threads) {
                self.replay = Some(replay);
            }
        }
    }

    fn note_chunk(&mut self, n: usize) {
        self.stats.bytes_in += n as u64;
        self.stats.chunks += 1;
        self.tail.note_push(n, self.shared.options.tentative_budget);
        if n > 0 && !self.committed.lines.holds_heap() {
            self.committed.lines = self.shared.pool.take();
        }
        if n > 0 && self.source.heap_bytes() == 0 && self.work.heap_bytes() == 0 {
            let spare = self.shared.pool.take_work();
            self.work = spare.work;
            self.source.text = spare.text;
            self.source.raw = spare.raw;
        }
    }

    /// The committed lines not read yet, oldest first. Final: they never change.
    ///
    /// A line counts as read when the iterator yields it, so `new_committed().take(1)`
    /// reads one line and leaves the rest for the next call, and dropping the iterator early
    /// loses nothing. Indices into [`committed`](Self::committed) are
    /// [`NewCommitted::position`] onwards.
    pub fn new_committed(&mut self) -> NewCommitted<'_> {
        let end = self.committed.lines.len();
        NewCommitted {
            lines: &self.committed.lines,
            next: &mut self.committed.drained,
            end,
        }
    }

    /// Takes every committed line out of the stream without copying them: for an app that
    /// keeps a finished message's lines (call [`Lines::shrink_to_fit`] on them to drop the
    /// spare capacity). The stream's committed lines start again empty, at index 0; lines
    /// committed later are new. After [`finalize`](Self::finalize) this is the whole
    /// message.
    pub fn take_committed(&mut self) -> Lines {
        let c = &mut self.committed;
        c.forgotten += c.lines.len() as u64;
        c.drained = 0;
        std::mem::take(&mut c.lines)
    }

    /// Every committed line still held (see [`clear_committed`](Self::clear_committed)).
    #[must_use]
    pub fn committed(&self) -> &Lines {
        &self.committed.lines
    }

    /// Makes room in the committed lines for the output of about `bytes` of input.
    pub(crate) fn reserve_output(&mut self, bytes: usize) {
        if self.committed.lines.heap_bytes() == 0 {
            self.committed.lines = self.shared.pool.take();
        }
        self.committed.lines.reserve_for_text(bytes + bytes / 8);
    }

    /// Lays out the open block and everything committed from now on at `columns` (for a
    /// terminal that was resized). Committed lines stay as they are: an app that wants the
    /// whole message at the new width renders it again, from a [`Message`](crate::Message)
    /// (no highlighting runs again) or from its text. Also renders the tail again.
    ///
    /// # Errors
    /// [`Error::InvalidOption`](crate::Error::InvalidOption) if `columns` is not in
    /// [`MIN_WIDTH`](crate::MIN_WIDTH)`..=`[`MAX_WIDTH`](crate::MAX_WIDTH); the width is then
    /// unchanged.
    pub fn set_width(&mut self, columns: usize) -> Result<(), crate::Error> {
        if columns == self.opts().width {
            return Ok(());
        }
        let options = self.opts().clone().with_width(columns);
        options.validate()?;
        self.own = Some(Box::new(options));
        self.tail.invalidate();
        Ok(())
    }

    /// The width lines are laid out at now, in columns.
    #[must_use]
    pub fn width(&self) -> usize {
        self.opts().width
    }

    /// After [`finalize`](Self::finalize), with
    /// [`Options::with_keep_message`](crate::Options::with_keep_message): the message in
    /// its compact form (its text and the highlighting of its code blocks), which renders
    /// at any width without running the highlighter
    /// ([`Renderer::render_message`](crate::Renderer::render_message)). `None` before
    /// `finalize`, without the option, or once taken.
    pub fn take_message(&mut self) -> Option<crate::Message> {
        if !self.finalized {
            return None;
        }
        let text = self.archive.take()?;
        let blocks = self.recorder.take().map(|r| r.blocks).unwrap_or_default();
        Some(crate::Message::new(text, blocks, &self.opts().theme))
    }

    /// Keeps this message's compact form whatever the options say (before the first push).
    pub(crate) fn keep_message(&mut self) {
        self.archive.get_or_insert_with(String::new);
        self.recorder.get_or_insert_with(Box::default);
    }

    /// Forgets the committed lines held so far (keeping the buffer's capacity), for callers
    /// that have printed or cached them and want memory to stay flat. Indices restart at 0.
    pub fn clear_committed(&mut self) {
        let c = &mut self.committed;
        c.forgotten += c.lines.len() as u64;
        if c.lines.heap_bytes() > KEEP_BUFFER_BYTES {
            // Do not keep the peak of one huge block for the rest of the message.
            c.lines.shrink_to_nothing();
        }
        c.lines.clear();
        c.drained = 0;
    }

    /// Ends the message: the open block is committed and every prefix cache (open source,
    /// parser credit, highlighter state, link definitions, scratch arenas, tail buffer) is
    /// dropped. Committed lines stay readable. Calling it again does nothing.
    pub fn finalize(&mut self) {
        if self.finalized {
            return;
        }
        let before = self.source.text.len();
        self.stats.forced_breaks += self.source.finish();
        self.archive_since(before);
        self.process_lines(true);
        if let Some(fence) = self.fence {
            self.finish_fence(fence);
        }
        if !crate::scan::is_blank_line(self.source.open()) || !self.carry.layout.is_idle() {
            let (start, end) = (self.source.base, self.source.text.len());
            self.guarded_commit(start, end, true);
        }
        self.committed_layout().finish();
        self.stats.replay_misses += u64::from(self.carry.layout.replay_missed);
        self.replay_lost = self.carry.layout.replay_lost;
        self.finalized = true;
        self.drop_caches();
    }

    fn drop_caches(&mut self) {
        let (text, raw) = std::mem::take(&mut self.source).into_buffers();
        self.carry = Carry::default();
        self.fence = None;
        self.shared.pool.give_work(crate::pool::Spare {
            work: std::mem::take(&mut self.work),
            text,
            raw,
        });
        self.replay = None;
        self.shared.pool.give(self.tail.take_lines());
        self.look.pending = false;
    }

    /// Gives every buffer back to the renderer's pool (which keeps a bounded number) and
    /// resets the stream: it holds nothing and can render a new message.
    pub fn release(&mut self) {
        self.drop_caches();
        self.shared
            .pool
            .give(std::mem::take(&mut self.committed.lines));
        let shared = Arc::clone(&self.shared);
        *self = Self::new(shared);
    }

    /// True while the stream holds any prefix cache: open source, undecoded bytes, parser
    /// or layout state, highlighter state, link definitions, scratch or tail buffers.
    /// False for a new stream and after [`finalize`](Self::finalize).
    #[must_use]
    pub fn has_live_state(&self) -> bool {
        self.source.is_live()
            || self.fence.is_some()
            || !self.carry.layout.is_idle()
            || !self.carry.defs.is_clear()
            || self.work.is_live()
            || self.tail.is_live()
            || self.replay.is_some()
    }

    /// Heap bytes this stream holds, committed lines included: every buffer termark
    /// allocates for it (source text and the bytes of a partial line not decoded yet,
    /// committed and tentative lines, scratch buffers and arenas, link definitions, the
    /// layout's container stack and open code line, and the precomputed highlighting of [`prepare_document`](Self::prepare_document)).
    ///
    /// Not counted: the per-block highlighting state inside syntect (a parse state and a
    /// scope stack, a few hundred bytes while a code block is open; syntect does not report
    /// its size), and the shared syntax set, themes and buffer pool of the
    /// [`Renderer`](crate::Renderer).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.source.heap_bytes()
            + self.committed.lines.heap_bytes()
            + self.tail.heap_bytes()
            + self.work.heap_bytes()
            + self.carry.defs.heap_bytes()
            + self.carry.layout.heap_bytes()
            + self.archive.as_ref().map_or(0, String::capacity)
            + self.recorder.as_ref().map_or(0, |r| r.heap_bytes())
            + self.replay.as_ref().map_or(0, |r| {
                r.capacity() * std::mem::size_of::<Option<Arc<crate::highlight::BlockRuns>>>()
                    + r.iter().flatten().map(|b| b.heap_bytes()).sum::<usize>()
            })
    }

    /// Work counters.
    #[must_use]
    pub fn stats(&self) -> Stats {
        Stats {
            committed_lines: self.committed.forgotten + self.committed.lines.len() as u64,
            ..self.stats
        }
    }

    /// True after [`finalize`](Self::finalize).
    #[must_use]
    pub fn is_finalized(&self) -> bool {
        self.finalized
    }

    // ---- the machine ----

    /// A layout over the committed state, writing committed lines.
    fn committed_layout(&mut self) -> LayoutSink<'_> {
        LayoutSink::new(
            self.own.as_deref().unwrap_or(&self.shared.options),
            &mut self.carry.layout,
            &mut self.committed.lines,
            &mut self.work.scratch,
        )
        .with_replay(self.replay.as_deref().map(Vec::as_slice))
        .with_record(self.recorder.as_deref_mut())
    }

    /// The options in force: the renderer's, or this stream's own after
    /// [`set_width`](Self::set_width).
    fn opts(&self) -> &Options {
        self.own.as_deref().unwrap_or(&self.shared.options)
    }

    fn process(&mut self) {
        if !self.source.new_break {
            // No line was completed: nothing to scan, commit or trim (a partial line never
            // decides anything).
            return;
        }
        self.source.new_break = false;
        self.process_lines(false);
        self.trim();
        self.source.compact();
    }

    /// Scans the new complete lines; commits what is final. `eof`: do not parse (finalize
    /// commits the rest itself).
    fn process_lines(&mut self, eof: bool) {
        // Only bytes that arrived since the last search can hold a new line break.
        loop {
            let from = self.source.searched.max(self.source.scanned);
            let Some(nl) = memchr::memrchr(b'\n', &self.source.text.as_bytes()[from..]) else {
                break;
            };
            let end = from + nl + 1;
            while self.source.scanned < end {
                let at = self.source.scanned;
                let line_end = at
                    + memchr::memchr(b'\n', &self.source.text.as_bytes()[at..end])
                        .map_or(end - at, |i| i + 1);
                // A fence closed by a bare CR consumes only part of the line.
                self.source.scanned = self.scan_line(at, line_end);
                if self.fence.is_none() && self.source.scanned - self.source.base >= MAX_OPEN_BYTES
                {
                    self.enforce_open_cap();
                }
            }
            // `end` was the last line break: nothing after it needs searching again.
            self.source.searched = self.source.text.len();
            if eof || !self.look.pending || self.fence.is_some() {
                break;
            }
            let region_len = self.source.scanned - self.source.base;
            if self.look.credit < region_len {
                break;
            }
            self.look.credit -= region_len;
            self.look.pending = false;
            if !self.commit_region() {
                break;
            }
        }
        self.source.searched = self.source.text.len();
    }

    /// Frees working buffers that one large block grew past [`KEEP_BUFFER_BYTES`].
    fn trim(&mut self) {
        if self.work.scratch.heap_bytes() > KEEP_BUFFER_BYTES {
            self.work.scratch.clear_all();
        }
        self.tail.trim(self.source.origin(), KEEP_BUFFER_BYTES);
        self.source.trim(KEEP_BUFFER_BYTES);
    }

    /// The open region reached [`MAX_OPEN_BYTES`]: commit what is final; if the open block
    /// alone is that large, close it here and commit it too. Both steps depend only on the
    /// text up to this line, so every chunking cuts at the same place.
    fn enforce_open_cap(&mut self) {
        self.look.pending = false;
        if self.commit_region() {
            return; // fence mode: its lines commit one by one from here
        }
        if self.source.scanned - self.source.base >= MAX_OPEN_BYTES {
            let (start, end) = (self.source.base, self.source.scanned);
            self.guarded_commit(start, end, true);
            self.stats.forced_cuts += 1;
            self.source.base = self.source.scanned;
            self.look.trigger.closed();
            self.carry.prev_blank = false;
        }
    }

    /// Scans the line `text[start..end]` (ending with its `\n`); returns where the next line
    /// starts: `end`, or earlier when a closing fence ends at a bare CR.
    fn scan_line(&mut self, start: usize, end: usize) -> usize {
        let bytes = self.source.text.as_bytes();
        let mut content_end = end;
        if bytes[content_end - 1] == b'\n' {
            content_end -= 1;
        }
        if content_end > start && bytes[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        if let Some(f) = self.fence {
            return self.fence_line(start, content_end, f, end);
        }
        self.look.credit = self
            .look
            .credit
            .saturating_add((end - start) * PARSE_CREDIT_PER_BYTE);
        let line = &self.source.text[start..content_end];
        match self.look.trigger.line(line) {
            LineVerdict::BlankBetweenBlocks => {
                self.source.base = end;
                self.carry.prev_blank = true;
            }
            LineVerdict::Opens(fence) => {
                self.source.base = start;
                if let Some(f) = fence {
                    self.enter_fence_mode(f, start, end);
                }
            }
            LineVerdict::Continues { look } => self.look.pending |= look,
        }
        end
    }

    /// Parses the open region's complete lines and commits all units but the last. Returns
    /// true if the scan must resume (fence mode was entered at the new open block).
    fn commit_region(&mut self) -> bool {
        let (start, end) = (self.source.base, self.source.scanned);
        self.stats.parses += 1;
        self.stats.parsed_bytes += (end - start) as u64;
        let Some(cut) = self.guarded_commit(start, end, false) else {
            return false;
        };
        self.source.base += cut.offset;
        self.carry.prev_blank = cut.prev_blank;
        let base = self.source.base;
        if base == self.source.scanned {
            // Everything up to here is committed (the last block was closed by a blank line).
            self.look.trigger.emptied();
            self.carry.prev_blank = true;
            return false;
        }
        // Re-classify the new open block from its first line.
        let text = &self.source.text;
        let line_end = text[base..].find('\n').map_or(text.len(), |i| base + i + 1);
        let content_end = base + text[base..line_end].trim_end_matches(['\n', '\r']).len();
        if let Some(f) = self.look.trigger.reopens(&text[base..content_end]) {
            self.enter_fence_mode(f, base, line_end);
            // Re-scan the lines after the opener in fence mode.
            self.source.scanned = line_end;
            self.source.searched = line_end;
            return true;
        }
        false
    }

    /// Parses and commits `text[start..end]` (see [`boundary::commit`]). If the parser or
    /// the layout panics (pulldown-cmark has had fuzz-found panics), everything this step
    /// wrote is rolled back, the region is shown as plain source text, and the stream goes
    /// on.
    fn guarded_commit(&mut self, start: usize, end: usize, last: bool) -> Option<boundary::Cut> {
        self.work.saved.clone_from(&self.carry.layout);
        let mark = self.committed.lines.mark();
        let prev_blank = self.carry.prev_blank;
        let cfg = self.own.as_deref().unwrap_or(&self.shared.options);
        let replay = self.replay.as_deref().map(Vec::as_slice);
        let record = self.recorder.as_deref_mut();
        let region = &self.source.text[start..end];
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            #[cfg(test)]
            fault::check(region);
            let mut sink = LayoutSink::new(
                cfg,
                &mut self.carry.layout,
                &mut self.committed.lines,
                &mut self.work.scratch,
            )
            .with_replay(replay)
            .with_record(record);
            boundary::commit(region, last, prev_blank, &mut self.carry.defs, &mut sink)
        }));
        if let Ok(cut) = result {
            self.work.scratch.end_render();
            return cut;
        }
        self.committed.lines.reset_to(mark);
        self.work.scratch.clear_all();
        self.carry.layout.clone_from(&self.work.saved);
        LayoutSink::new(
            cfg,
            &mut self.carry.layout,
            &mut self.committed.lines,
            &mut self.work.scratch,
        )
        .plain_block(region);
        self.stats.isolated_panics += 1;
        Some(boundary::Cut {
            offset: region.len(),
            prev_blank: true,
        })
    }
}

/// Test-only fault injection: a parse of a region containing the marker panics.
#[cfg(test)]
pub(crate) mod fault {
    use std::cell::Cell;
    thread_local!(static MARKER: Cell<Option<&'static str>> = const { Cell::new(None) });

    pub(crate) fn inject(marker: Option<&'static str>) {
        MARKER.with(|m| m.set(marker));
    }

    pub(crate) fn check(region: &str) {
        if let Some(m) = MARKER.with(Cell::get) {
            assert!(!region.contains(m), "injected parser panic");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Options, Renderer};

    #[test]
    fn the_output_budget_spent_is_the_cost_of_the_committed_lines() {
        // The layout counts what it wrote as differences of the buffer's cost, taken when
        // the budget is consulted, at unit checkpoints and when a sink is dropped: the sum
        // is the cost of the lines kept, whatever the chunking, rollbacks included.
        let r = Renderer::new(Options::new().with_width(30)).unwrap();
        let text = "# Title\n\nSome [link](https://example.com/a) and `code`, a long \
                    paragraph that wraps over rows.\n\n- one\n- two [x][r]\n\n  > quoted\n\n\
                    | a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n\n***\n\n\
                    <div>html</div>\n\n[r]: https://example.com/r\n\nlast words\n";
        for chunk in [1, 7, 16, text.len()] {
            let mut s = r.stream();
            for c in text.as_bytes().chunks(chunk) {
                s.push_bytes(c);
                let _ = s.tentative().count();
                assert_eq!(
                    s.carry.layout.spent(),
                    s.committed.lines.cost(),
                    "chunk {chunk}"
                );
            }
        }
    }

    #[test]
    fn a_panicking_parse_is_isolated_and_the_stream_goes_on() {
        let r = Renderer::new(Options::new().with_width(40)).unwrap();
        let text = "# Before\n\nsome *BOOM* text\nsecond line\n\n- after\n- still fine\n";
        super::fault::inject(Some("BOOM"));
        let prev_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        for chunk in [1, 5, text.len()] {
            let mut s = r.stream();
            for c in text.as_bytes().chunks(chunk) {
                s.push_bytes(c);
                let _ = s.tentative().count();
                // The output budget after a rolled-back panic counts what is kept.
                assert_eq!(s.carry.layout.spent(), s.committed.lines.cost());
            }
            s.finalize();
            let lines: Vec<String> = s.committed().iter().map(|l| l.plain()).collect();
            assert!(s.stats().isolated_panics > 0, "chunk {chunk}");
            assert!(
                lines.iter().any(|l| l.contains("some *BOOM* text")),
                "shown as plain source: {lines:?}"
            );
            assert!(
                lines.iter().any(|l| l.contains("still fine")),
                "the stream went on: {lines:?}"
            );
            assert_eq!(
                lines[0], "# Before",
                "committed lines before the panic stay"
            );
            assert!(!s.has_live_state());
        }
        std::panic::set_hook(prev_hook);
        super::fault::inject(None);
    }
}
