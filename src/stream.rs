//! The per-message streaming state machine (see the crate docs for the design).

use crate::layout::{Layout, Scratch, State};
use crate::line::{LineIter, Lines};
use crate::parse::{self, Defs, Sinks};
use crate::renderer::Shared;
use crate::scan::{self, Fence, Start};
use crate::utf8::Utf8Decoder;
use std::sync::Arc;

/// Parse credit earned per input byte. A parse of the open region costs one credit per byte
/// of the region; a parse is postponed until the credit covers it. So however many lines
/// look like block starts, the stream never spends more than this many bytes of parsing per
/// input byte (plus [`INITIAL_PARSE_CREDIT`]): streaming stays linear.
pub const PARSE_CREDIT_PER_BYTE: usize = 8;
/// Longest source line, in bytes. A longer line (a message that never sends a newline) gets
/// a line break after this many bytes (at a character boundary), so memory stays bounded; in
/// a paragraph the break reads as a space.
pub const MAX_LINE_BYTES: usize = 1 << 20;
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OpenKind {
    /// No open block (only blank lines, or nothing, since the last commit).
    Empty,
    /// A list item with this content indent (columns).
    Item(usize),
    Quote,
    IndentedCode,
    Other,
}

/// Counters of a stream's work, for `--stats` and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
    /// [`Options::tentative_budget`](crate::Options::tentative_budget) could not pay for a
    /// re-render.
    pub tentative_stale: u64,
}

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
/// A `Stream` is not `Send`: a code block's highlight state holds Oniguruma match regions
/// (syntect's fastest regex backend here, see BENCHMARKS.md). Create it on the thread that
/// pushes to it; the [`Renderer`](crate::Renderer) it comes from is `Send + Sync` and can be
/// shared with every thread.
pub struct Stream {
    shared: Arc<Shared>,
    decoder: Utf8Decoder,
    /// Open region (from `base`) plus the partial last line.
    src: String,
    base: usize,
    /// End of the complete lines scanned so far (offset in `src`).
    scanned: usize,
    prev_blank: bool,
    prev_one_line: bool,
    open: OpenKind,
    fence: Option<Fence>,
    pending: bool,
    credit: usize,
    seg_prev_blank: bool,
    layout: State,
    defs: Defs,
    committed: Lines,
    drained: usize,
    tail: Lines,
    tail_dirty: bool,
    scratch: Scratch,
    bump: bumpalo::Bump,
    line_buf: String,
    finalized: bool,
    stats: Stats,
    /// Decoded text of the current chunk (reused).
    incoming: String,
    /// Bytes since the last line break in `src`.
    line_len: usize,
    /// `src[scanned..searched]` holds no line break (so a push searches only new bytes).
    searched: usize,
    /// Committed lines dropped by `clear_committed`.
    forgotten: u64,
    /// Bytes removed from the front of `src` so far: `dropped + base` is the open block's
    /// offset in the message.
    dropped: usize,
    /// Work the tentative tail may still spend, in bytes of open block.
    tail_credit: usize,
    /// `dropped + base` when the tail was last rendered.
    tail_origin: usize,
    /// A push came since the last call to `tentative`.
    pushed_since_tail: bool,
    /// `src` got a `\n` that `process` has not seen yet.
    new_break: bool,
    /// The last call to `tentative` returned the tail of an earlier push.
    tail_stale: bool,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("open_bytes", &(self.src.len() - self.base))
            .field("committed", &self.committed.len())
            .field("finalized", &self.finalized)
            .finish_non_exhaustive()
    }
}

impl Stream {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self {
            shared,
            decoder: Utf8Decoder::new(),
            src: String::new(),
            base: 0,
            scanned: 0,
            prev_blank: true,
            prev_one_line: false,
            open: OpenKind::Empty,
            fence: None,
            pending: false,
            credit: INITIAL_PARSE_CREDIT,
            seg_prev_blank: false,
            layout: State::default(),
            defs: Defs::default(),
            committed: Lines::new(),
            drained: 0,
            tail: Lines::new(),
            tail_dirty: false,
            scratch: Scratch::default(),
            bump: bumpalo::Bump::new(),
            line_buf: String::new(),
            finalized: false,
            stats: Stats::default(),
            incoming: String::new(),
            line_len: 0,
            searched: 0,
            forgotten: 0,
            dropped: 0,
            tail_credit: 0,
            tail_origin: usize::MAX,
            pushed_since_tail: false,
            new_break: false,
            tail_stale: false,
        }
    }

    /// Appends a chunk of Markdown. Work done: proportional to the chunk plus the open block.
    /// Ignored after [`finalize`](Self::finalize) (until [`release`](Self::release)).
    pub fn push(&mut self, chunk: &str) {
        if self.finalized {
            return;
        }
        self.note_chunk(chunk.len());
        if self.decoder.has_pending() {
            let mut text = std::mem::take(&mut self.incoming);
            self.decoder.decode(chunk.as_bytes(), &mut text);
            self.append(&text);
            text.clear();
            self.incoming = text;
        } else {
            self.append(chunk);
        }
        self.process();
    }

    /// Makes the link reference definitions of `document` known before it is pushed, so a
    /// reference before its definition resolves as in a whole-document parse
    /// ([`Renderer::render_whole`](crate::Renderer::render_whole)). For input that is all
    /// available up front (a file); a live stream cannot know its later definitions. Costs
    /// one block-level parse of `document`. Call before the first push.
    pub fn predefine_links(&mut self, document: &str) {
        self.defs.extend_from_document(document);
    }

    /// Appends a chunk of bytes. A chunk may end inside a UTF-8 sequence; invalid UTF-8
    /// becomes U+FFFD exactly as `String::from_utf8_lossy` would on the whole input.
    pub fn push_bytes(&mut self, chunk: &[u8]) {
        if self.finalized {
            return;
        }
        self.note_chunk(chunk.len());
        if !self.decoder.has_pending() {
            if let Ok(text) = std::str::from_utf8(chunk) {
                // Whole characters (the common case): no decoding copy.
                self.append(text);
                self.process();
                return;
            }
        }
        let mut text = std::mem::take(&mut self.incoming);
        self.decoder.decode(chunk, &mut text);
        self.append(&text);
        text.clear();
        self.incoming = text;
        self.process();
    }

    /// Appends decoded text, breaking a line that grows past [`MAX_LINE_BYTES`] (a break
    /// whose place depends on the text alone, so chunking cannot move it).
    fn append(&mut self, text: &str) {
        if self.line_len + text.len() <= MAX_LINE_BYTES {
            self.src.push_str(text);
            self.line_len = match text.rfind('\n') {
                Some(i) => {
                    self.new_break = true;
                    text.len() - i - 1
                }
                None => self.line_len + text.len(),
            };
            return;
        }
        self.new_break = true; // (conservative: the slow path may not end a line)
        let mut rest = text;
        while !rest.is_empty() {
            let room = MAX_LINE_BYTES - self.line_len;
            let window = &rest.as_bytes()[..room.min(rest.len())];
            if let Some(i) = window.iter().position(|&b| b == b'\n') {
                self.src.push_str(&rest[..=i]);
                self.line_len = 0;
                rest = &rest[i + 1..];
            } else if rest.len() < room {
                self.src.push_str(rest);
                self.line_len += rest.len();
                break;
            } else {
                let mut cut = room;
                while !rest.is_char_boundary(cut) {
                    cut -= 1;
                }
                self.src.push_str(&rest[..cut]);
                self.src.push('\n');
                self.stats.forced_breaks += 1;
                self.line_len = 0;
                rest = &rest[cut..];
            }
        }
    }

    fn note_chunk(&mut self, n: usize) {
        self.stats.bytes_in += n as u64;
        self.stats.chunks += 1;
        self.tail_dirty = true;
        self.pushed_since_tail = true;
        if let Some(k) = self.shared.options.tentative_budget {
            self.tail_credit = self
                .tail_credit
                .saturating_add(n.saturating_mul(k as usize));
        }
        if self.committed.heap_bytes() == 0 && n > 0 {
            self.committed = self.shared.pool.take();
        }
    }

    /// Lines committed since the previous call (all of them on the first call). Final.
    pub fn new_committed(&mut self) -> LineIter<'_> {
        let start = self.drained;
        self.drained = self.committed.len();
        self.committed.range(start..self.drained)
    }

    /// Every committed line still held (see [`clear_committed`](Self::clear_committed)).
    #[must_use]
    pub fn committed(&self) -> &Lines {
        &self.committed
    }

    pub(crate) fn committed_lines_mut(&mut self) -> &mut Lines {
        &mut self.committed
    }

    /// Forgets the committed lines held so far (keeping the buffer's capacity), for callers
    /// that have printed or cached them and want memory to stay flat. Indices restart at 0.
    pub fn clear_committed(&mut self) {
        self.forgotten += self.committed.len() as u64;
        if self.committed.heap_bytes() > KEEP_BUFFER_BYTES {
            // Do not keep the peak of one huge block for the rest of the message.
            self.committed.shrink_to_nothing();
        }
        self.committed.clear();
        self.drained = 0;
    }

    /// The tentative lines: the open block (with the partial last line) as it would render if
    /// the message ended now. Empty after [`finalize`](Self::finalize). Borrowed; valid until
    /// the next call that takes `&mut self`. Rendered on demand into a reused buffer.
    ///
    /// Rendering parses and lays out the whole open block, so its work is bounded by
    /// [`Options::tentative_budget`](crate::Options::tentative_budget): when a call right
    /// after a push cannot be paid for, it returns the tail of an earlier push of the same
    /// open block (the stale lines are never ones committed since). Calling again without a
    /// push in between (an app's next frame) always gives the exact tail, as does a call in
    /// fence mode (the tail is the partial code line) or after a commit.
    pub fn tentative(&mut self) -> LineIter<'_> {
        if self.tail_dirty && !self.finalized {
            let origin = self.dropped + self.base;
            let cost = self.src.len() - self.base;
            let exact = self.shared.options.tentative_budget.is_none()
                || !self.pushed_since_tail
                || self.fence.is_some()
                || origin != self.tail_origin
                || self.tail_credit >= cost;
            if exact {
                self.tail_credit = self.tail_credit.saturating_sub(cost);
                self.render_tail();
                self.tail_dirty = false;
                self.tail_origin = origin;
                self.stats.tentative_renders += 1;
                self.stats.peak_tentative_lines =
                    self.stats.peak_tentative_lines.max(self.tail.len() as u64);
            } else {
                self.stats.tentative_stale += 1;
            }
        }
        self.tail_stale = self.tail_dirty && !self.finalized;
        self.pushed_since_tail = false;
        self.tail.iter()
    }

    /// True if the last call to [`tentative`](Self::tentative) returned the tail of an
    /// earlier push because [`Options::tentative_budget`](crate::Options::tentative_budget)
    /// held the re-render back. An app that redraws only when input arrives should then
    /// call `tentative` again a frame later (with no push in between it is exact), so the
    /// last bytes before a pause show.
    #[must_use]
    pub fn tentative_is_stale(&self) -> bool {
        self.tail_stale
    }

    /// Ends the message: the open block is committed and every prefix cache (open source,
    /// parser credit, highlighter state, link definitions, scratch arenas, tail buffer) is
    /// dropped. Committed lines stay readable. Calling it again does nothing.
    pub fn finalize(&mut self) {
        if self.finalized {
            return;
        }
        self.decoder.finish(&mut self.src);
        self.process_lines(true);
        if let Some(fence) = self.fence {
            let cfg = &self.shared.options;
            let mut layout = Layout::with_state(cfg, std::mem::take(&mut self.layout));
            let rest = &self.src[self.base..];
            let closed_at_cr = scan::fence_close_at_cr(rest, fence);
            if closed_at_cr.is_none() {
                partial_code_line(
                    &mut layout,
                    rest,
                    fence,
                    &mut self.line_buf,
                    &mut self.committed,
                    &mut self.scratch,
                );
            }
            layout.code_end(&mut self.committed, &mut self.scratch);
            self.layout = layout.state;
            self.fence = None;
            // The rest of a line whose closing fence ends at a bare CR is a new line.
            self.base += closed_at_cr.unwrap_or(rest.len());
            self.seg_prev_blank = false;
        }
        if !self.src[self.base..]
            .trim_matches([' ', '\t', '\n', '\r'])
            .is_empty()
            || !self.layout.is_idle()
        {
            self.guarded_commit(self.base, self.src.len(), true);
        }
        let cfg = &self.shared.options;
        let mut layout = Layout::with_state(cfg, std::mem::take(&mut self.layout));
        layout.finish(&mut self.committed, &mut self.scratch);
        self.finalized = true;
        self.drop_caches();
    }

    fn drop_caches(&mut self) {
        self.src = String::new();
        self.incoming = String::new();
        self.line_len = 0;
        self.searched = 0;
        self.base = 0;
        self.scanned = 0;
        self.decoder = Utf8Decoder::new();
        self.layout = State::default();
        self.defs = Defs::default();
        self.fence = None;
        self.scratch.clear_all();
        self.bump = bumpalo::Bump::new();
        self.line_buf = String::new();
        self.shared.pool.give(std::mem::take(&mut self.tail));
        self.open = OpenKind::Empty;
        self.pending = false;
    }

    /// Gives every buffer back to the renderer's pool (which keeps a bounded number) and
    /// resets the stream: it holds nothing and can render a new message.
    pub fn release(&mut self) {
        self.drop_caches();
        self.shared.pool.give(std::mem::take(&mut self.committed));
        let shared = Arc::clone(&self.shared);
        *self = Self::new(shared);
    }

    /// True while the stream holds any prefix cache: open source, undecoded bytes, parser
    /// or layout state, highlighter state, link definitions, scratch or tail buffers.
    /// False for a new stream and after [`finalize`](Self::finalize).
    #[must_use]
    pub fn has_live_state(&self) -> bool {
        self.src.capacity() > 0
            || self.decoder.has_pending()
            || self.fence.is_some()
            || !self.layout.is_idle()
            || !self.defs.is_empty()
            || self.scratch.heap_bytes() > 0
            || self.bump.allocated_bytes() > 0
            || self.tail.heap_bytes() > 0
            || self.line_buf.capacity() > 0
            || self.incoming.capacity() > 0
    }

    /// Heap bytes held by the stream (committed lines included).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.src.capacity()
            + self.committed.heap_bytes()
            + self.tail.heap_bytes()
            + self.scratch.heap_bytes()
            + self.bump.allocated_bytes()
            + self.line_buf.capacity()
    }

    /// Work counters.
    #[must_use]
    pub fn stats(&self) -> Stats {
        Stats {
            committed_lines: self.forgotten + self.committed.len() as u64,
            ..self.stats
        }
    }

    /// True after [`finalize`](Self::finalize).
    #[must_use]
    pub fn is_finalized(&self) -> bool {
        self.finalized
    }

    // ---- the machine ----

    fn process(&mut self) {
        if !self.new_break {
            // No line was completed: nothing to scan, commit or trim (STREAMING §1).
            return;
        }
        self.new_break = false;
        self.process_lines(false);
        self.trim();
        // Compact the source buffer when the dropped prefix dominates (amortised O(1)).
        if self.base > 0 && self.base >= self.src.len() / 2 {
            self.dropped += self.base;
            self.src.drain(..self.base);
            self.scanned -= self.base;
            self.searched = self.searched.saturating_sub(self.base);
            self.base = 0;
        }
    }

    /// Scans the new complete lines; commits what is final. `eof`: do not parse (finalize
    /// commits the rest itself).
    fn process_lines(&mut self, eof: bool) {
        // Only bytes that arrived since the last search can hold a new line break.
        while let Some(nl) = self.src[self.searched.max(self.scanned)..].rfind('\n') {
            let end = self.searched.max(self.scanned) + nl + 1;
            while self.scanned < end {
                let line_end = self.scanned
                    + self.src[self.scanned..end]
                        .find('\n')
                        .map_or(end - self.scanned, |i| i + 1);
                // A fence closed by a bare CR consumes only part of the line.
                self.scanned = self.scan_line(self.scanned, line_end);
                if self.fence.is_none() && self.scanned - self.base >= MAX_OPEN_BYTES {
                    self.enforce_open_cap();
                }
            }
            // `end` was the last line break in `src`: nothing after it needs searching again.
            self.searched = self.src.len();
            if eof || !self.pending || self.fence.is_some() {
                break;
            }
            let region_len = self.scanned - self.base;
            if self.credit < region_len {
                break;
            }
            self.credit -= region_len;
            self.pending = false;
            if !self.commit_region() {
                break;
            }
        }
        self.searched = self.src.len();
    }

    /// Frees working buffers that one large block grew past [`KEEP_BUFFER_BYTES`].
    fn trim(&mut self) {
        if self.scratch.heap_bytes() > KEEP_BUFFER_BYTES {
            self.scratch.clear_all();
        }
        if self.bump.allocated_bytes() > KEEP_BUFFER_BYTES {
            self.bump = bumpalo::Bump::new();
        }
        // A large tail of a block committed since is of no more use (a stale tail is only
        // ever shown for the block it was rendered from).
        if self.tail.heap_bytes() > KEEP_BUFFER_BYTES
            && self.dropped + self.base != self.tail_origin
        {
            self.tail.shrink_to_nothing();
            self.tail_dirty = true;
            self.tail_origin = usize::MAX;
        }
        let open = self.src.len() - self.base;
        if self.src.capacity() > KEEP_BUFFER_BYTES && self.src.capacity() > 4 * (open + 1) {
            self.dropped += self.base;
            self.src.drain(..self.base);
            self.scanned -= self.base;
            self.searched = self.searched.saturating_sub(self.base);
            self.base = 0;
            self.src.shrink_to(2 * open);
        }
    }

    /// The open region reached [`MAX_OPEN_BYTES`]: commit what is final; if the open block
    /// alone is that large, close it here and commit it too. Both steps depend only on the
    /// text up to this line, so every chunking cuts at the same place.
    fn enforce_open_cap(&mut self) {
        self.pending = false;
        if self.commit_region() {
            return; // fence mode: its lines commit one by one from here
        }
        if self.scanned - self.base >= MAX_OPEN_BYTES {
            self.guarded_commit(self.base, self.scanned, true);
            self.stats.forced_cuts += 1;
            self.base = self.scanned;
            self.open = OpenKind::Empty;
            self.seg_prev_blank = false;
            self.prev_blank = false;
            self.prev_one_line = false;
        }
    }

    /// Scans the line `src[start..end]` (ending with its `\n`); returns where the next line
    /// starts: `end`, or earlier when a closing fence ends at a bare CR.
    fn scan_line(&mut self, start: usize, end: usize) -> usize {
        let raw_len = end - start;
        let mut le = end;
        if self.src.as_bytes()[le - 1] == b'\n' {
            le -= 1;
        }
        if le > start && self.src.as_bytes()[le - 1] == b'\r' {
            le -= 1;
        }
        if let Some(f) = self.fence {
            return self.fence_line(start, le, f, end);
        }
        self.credit = self.credit.saturating_add(raw_len * PARSE_CREDIT_PER_BYTE);
        let line = &self.src[start..le];
        let blank = scan::is_blank(line);
        if self.open == OpenKind::Empty {
            if blank {
                self.base = end;
                self.seg_prev_blank = true;
                self.prev_blank = true;
                return end;
            }
            self.start_open(start, le, end);
            return end;
        }
        let class = if blank {
            Start::None
        } else {
            scan::classify(line)
        };
        if if blank {
            matches!(self.open, OpenKind::Other | OpenKind::Quote) && !self.prev_blank
        } else {
            self.trigger(line, class)
        } {
            // A blank line may close the open block (paragraph, table, quote): look then, so
            // a finished paragraph shows before the next one starts.
            self.pending = true;
        }
        self.prev_one_line = class == Start::OneLine;
        self.prev_blank = blank;
        end
    }

    /// Whether a non-blank complete line (of class `class`) may start a new unit.
    fn trigger(&self, line: &str, class: Start) -> bool {
        let (ind, _) = scan::indent(line);
        let inside_item = matches!(self.open, OpenKind::Item(ci) if ind >= ci);
        if self.prev_blank {
            return !inside_item && (self.open != OpenKind::IndentedCode || ind < 4);
        }
        if self.prev_one_line {
            return true;
        }
        match class {
            Start::None => false,
            Start::Quote if self.open == OpenKind::Quote => false,
            _ => !inside_item,
        }
    }

    /// The first line of a new open block: `src[start..le]` without its ending, which ends at `end`.
    fn start_open(&mut self, start: usize, le: usize, end: usize) {
        let line = &self.src[start..le];
        self.base = start;
        self.prev_blank = false;
        let class = scan::classify(line);
        self.prev_one_line = class == Start::OneLine;
        self.open = match class {
            Start::Item(ci) => OpenKind::Item(ci),
            Start::Quote => OpenKind::Quote,
            _ if scan::indent(line).0 >= 4 => OpenKind::IndentedCode,
            _ => OpenKind::Other,
        };
        if let Some(f) = scan::fence_open(line) {
            // A fence at the start of a top-level block: fence mode (STREAMING §3).
            let info = fence_info(&self.src[start..end]);
            let cfg = &self.shared.options;
            let mut layout = Layout::with_state(cfg, std::mem::take(&mut self.layout));
            layout.fence_start(&info, &mut self.committed, &mut self.scratch);
            self.layout = layout.state;
            self.fence = Some(f);
            self.base = end;
            self.seg_prev_blank = false;
        }
    }

    /// A line of a top-level fenced code block in fence mode; returns where the next line
    /// starts (see [`scan_line`](Self::scan_line)).
    fn fence_line(&mut self, start: usize, le: usize, f: Fence, mut end: usize) -> usize {
        let cfg = &self.shared.options;
        let mut layout = Layout::with_state(cfg, std::mem::take(&mut self.layout));
        let line = &self.src[start..le];
        let closed_at_cr = scan::fence_close_at_cr(line, f);
        if closed_at_cr.is_some() || scan::fence_close(line, f) {
            layout.code_end(&mut self.committed, &mut self.scratch);
            self.fence = None;
            self.open = OpenKind::Empty;
            self.prev_blank = false;
            self.prev_one_line = false;
            self.seg_prev_blank = false;
            if let Some(n) = closed_at_cr {
                end = start + n;
            }
        } else {
            self.line_buf.clear();
            scan::strip_indent(line, f.indent, &mut self.line_buf);
            // Line endings reach the highlighter as `\n`, as pulldown-cmark normalises them.
            self.line_buf.push('\n');
            layout.code_line(&self.line_buf, &mut self.committed, &mut self.scratch);
        }
        self.layout = layout.state;
        self.base = end;
        end
    }

    /// Parses the open region's complete lines and commits all units but the last. Returns
    /// true if the scan must resume (fence mode was entered at the new open block).
    fn commit_region(&mut self) -> bool {
        self.stats.parses += 1;
        self.stats.parsed_bytes += (self.scanned - self.base) as u64;
        let cut = self.guarded_commit(self.base, self.scanned, false);
        let Some(cut) = cut else { return false };
        self.base += cut.offset;
        self.seg_prev_blank = cut.prev_blank;
        if self.base == self.scanned {
            // Everything up to here is committed (the last block was closed by a blank line).
            self.open = OpenKind::Empty;
            self.seg_prev_blank = true;
            return false;
        }
        // Re-classify the new open block from its first line.
        let end = self.src[self.base..]
            .find('\n')
            .map_or(self.src.len(), |i| self.base + i + 1);
        let le = self.base
            + self.src[self.base..end]
                .trim_end_matches(['\n', '\r'])
                .len();
        let prev = (self.prev_blank, self.prev_one_line);
        self.start_open(self.base, le, end);
        if self.fence.is_some() {
            // Re-scan the lines after the opener in fence mode.
            self.scanned = end;
            self.searched = end;
            return true;
        }
        (self.prev_blank, self.prev_one_line) = prev;
        false
    }

    /// Parses and commits `src[start..end]` (see [`parse::commit`]). If the parser or the
    /// layout panics (pulldown-cmark still has fuzz-found panics), everything this step wrote
    /// is rolled back, the region is shown as plain source text, and the stream goes on.
    fn guarded_commit(&mut self, start: usize, end: usize, last: bool) -> Option<parse::Cut> {
        let cfg = &self.shared.options;
        let region = &self.src[start..end];
        let saved = self.layout.clone();
        let mark = self.committed.mark();
        let mut layout = Layout::with_state(cfg, std::mem::take(&mut self.layout));
        let seg_prev_blank = self.seg_prev_blank;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            #[cfg(test)]
            fault::check(region);
            let mut k = Sinks {
                layout: &mut layout,
                out: &mut self.committed,
                sc: &mut self.scratch,
                bump: &mut self.bump,
            };
            parse::commit(region, last, seg_prev_blank, &mut self.defs, &mut k)
        }));
        if let Ok(cut) = result {
            self.layout = layout.state;
            self.scratch.end_render();
            return cut;
        }
        self.committed.reset_to(mark);
        self.scratch.clear_all();
        let mut layout = Layout::with_state(cfg, saved);
        layout.plain_block(region, &mut self.committed, &mut self.scratch);
        self.layout = layout.state;
        self.stats.isolated_panics += 1;
        Some(parse::Cut {
            offset: region.len(),
            prev_blank: true,
        })
    }

    fn render_tail(&mut self) {
        self.tail.clear();
        let cfg = &self.shared.options;
        let mut layout = Layout::with_state(cfg, self.layout.clone());
        let mut start = self.base;
        let mut seg_prev_blank = self.seg_prev_blank;
        if let Some(f) = self.fence {
            let partial = &self.src[self.scanned..];
            let Some(n) = scan::fence_close_at_cr(partial, f) else {
                partial_code_line(
                    &mut layout,
                    partial,
                    f,
                    &mut self.line_buf,
                    &mut self.tail,
                    &mut self.scratch,
                );
                return;
            };
            // The fence closes at a bare CR; the rest of the line is a new block.
            layout.code_end(&mut self.tail, &mut self.scratch);
            start = self.scanned + n;
            seg_prev_blank = false;
        }
        let region = &self.src[start..];
        if region.trim_matches(['\n', '\r', ' ', '\t']).is_empty() {
            return;
        }
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            #[cfg(test)]
            fault::check(region);
            let mut k = Sinks {
                layout: &mut layout,
                out: &mut self.tail,
                sc: &mut self.scratch,
                bump: &mut self.bump,
            };
            parse::render_all(region, seg_prev_blank, &self.defs, &mut k);
            layout.finish(&mut self.tail, &mut self.scratch);
        }));
        self.scratch.end_render();
        if ok.is_err() {
            // As for commits: a panicking parse shows the open block as plain source text.
            self.tail.clear();
            self.scratch.clear_all();
            let mut layout = Layout::with_state(cfg, self.layout.clone());
            layout.plain_block(region, &mut self.tail, &mut self.scratch);
        }
    }
}

/// Lays out the unfinished last line of an open fence as a code line, unless it is the
/// closing fence (which needs no newline).
fn partial_code_line(
    layout: &mut Layout<'_>,
    partial: &str,
    fence: Fence,
    buf: &mut String,
    out: &mut Lines,
    sc: &mut Scratch,
) {
    // pulldown-cmark skips a CR that is the second-to-last byte of an unterminated last
    // line (`x\r\r` reads as `x` then `\r`, `ab\rc` as `ab` then `c`), as if a line ended
    // there (findings 14 and 16).
    let b = partial.as_bytes();
    let joined;
    let partial = if b.len() >= 2 && b[b.len() - 2] == b'\r' {
        joined = [&partial[..b.len() - 2], &partial[b.len() - 1..]].concat();
        joined.as_str()
    } else {
        partial
    };
    // pulldown-cmark drops a last line of at most three spaces without a line ending: it
    // could still become a closing fence (finding 3). Four or more spaces, or a tab, make
    // it a code row (findings 10 and 12).
    let blank = partial.len() < 4 && partial.bytes().all(|b| b == b' ');
    if !blank && !scan::fence_close(partial.trim_end_matches('\r'), fence) {
        buf.clear();
        scan::strip_indent(partial, fence.indent, buf);
        layout.code_line(buf, out, sc);
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

/// The info string of a fence opener line, as pulldown-cmark decodes it (entities and
/// backslash escapes).
fn fence_info(opener: &str) -> String {
    let mut p = pulldown_cmark::Parser::new_ext(opener, parse::options());
    match p.next() {
        Some(pulldown_cmark::Event::Start(pulldown_cmark::Tag::CodeBlock(
            pulldown_cmark::CodeBlockKind::Fenced(info),
        ))) => info.into_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Options, Renderer};

    #[test]
    fn a_panicking_parse_is_isolated_and_the_stream_goes_on() {
        let r = Renderer::new(Options::new().width(40)).unwrap();
        let text = "# Before\n\nsome *BOOM* text\nsecond line\n\n- after\n- still fine\n";
        super::fault::inject(Some("BOOM"));
        let prev_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        for chunk in [1, 5, text.len()] {
            let mut s = r.stream();
            for c in text.as_bytes().chunks(chunk) {
                s.push_bytes(c);
                let _ = s.tentative().count();
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
