//! Layout: pulldown-cmark events → styled, wrapped lines with container prefixes.
//!
//! [`Layout`] is one small state machine fed one event at a time. Its [`State`] (the
//! container stack, list counters, whether anything was emitted, an open code block) is
//! all that must survive between two pieces of a streamed document, so it is small and
//! `Clone`: the stream clones it to lay out the tentative tail without touching the
//! committed state. Per-block buffers live in [`Scratch`] and are reused, never reallocated
//! per block; inline pieces are collected in a `bumpalo` arena that is reset after each
//! block.
//!
//! | part | module |
//! |---|---|
//! | event dispatch, blocks, separators | this module |
//! | container stack and line prefixes (quote bars, list markers) | [`container`] |
//! | inline text: styles, links, pieces, wrapping a leaf | [`inline`] |
//! | a leaf's printable-ASCII text recorded and laid out in one pass at its end | [`flow`] |
//! | GFM tables | [`table`] |
//! | code blocks: frame, highlighting, hard wrapping | [`code`] |
//! | raw HTML: rendered tags, comments hidden, other HTML as source | [`html`] |
//!
//! # Rendering rules
//! - Top-level blocks are separated by exactly one blank line.
//! - Inside containers (block quotes, list items, footnotes) a blank line goes before a
//!   block, or before a list item, exactly where the source has a blank line before it; the
//!   first child never gets one. This makes every list item independent of later items, so
//!   items can be committed one by one (CommonMark's list-wide tight/loose rule would not).
//! - An ordered item's number is the list's start plus the item's index.
//! - Each prefix is `│ ` per block quote, the item marker (`•`, `◦`, `▪`, `1.`) on an item's
//!   first line and as many spaces after it. When prefixes would leave fewer than
//!   [`MIN_CONTENT_WIDTH`] columns, the outermost are not drawn (the depth is clamped).

pub(crate) mod code;
mod container;
mod flow;
mod html;
mod inline;
pub(crate) mod table;

use crate::highlight::{BlockRuns, CodeState};
use crate::line::{LineKind, Lines};
use crate::options::Options;
use crate::sanitize::push_sanitized;
use crate::style::{Modifiers, Style};
use crate::width::str_width;
use crate::wrap::LineSink;
use container::{
    decimal_width, truncate_to_width, Container, Kind, Marker, PrefixSink, MAX_FOOTNOTE_LABEL,
    ORDERED_DIGITS,
};
pub(crate) use inline::Scratch;
use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, Event, Tag, TagEnd};
use std::ops::Range;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Leaf {
    #[default]
    None,
    Paragraph {
        implicit: bool,
    },
    Heading(u8),
    Html,
    Table,
}

#[derive(Clone, Debug)]
struct OpenCode {
    state: CodeState,
    partial: String,
    /// The block's index among the fenced code blocks (`None`: an indented block).
    ordinal: Option<u32>,
}

/// The highlighting of a message's fenced code blocks as its committed lines were laid out,
/// for a [`crate::Message`]: one entry per fenced block, by ordinal (`None`: not
/// syntax-highlighted). A block laid out again (a unit held back, then committed) starts
/// its entry again, so the entries are those of the final layout.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    pub(crate) blocks: Vec<Option<BlockRuns>>,
}

impl Recorder {
    pub(crate) fn heap_bytes(&self) -> usize {
        self.blocks.capacity() * std::mem::size_of::<Option<BlockRuns>>()
            + self
                .blocks
                .iter()
                .flatten()
                .map(BlockRuns::heap_bytes)
                .sum::<usize>()
    }
}

/// Output bytes a message may take per source byte, beyond [`OUTPUT_SLACK_BYTES`]: the
/// bound on amplification (ANSI sequences included). Decorations that scale with the width
/// rather than the source (a thematic break, a code row's background padding) are drawn in
/// full only while the message stays inside it.
pub const OUTPUT_BYTES_PER_INPUT_BYTE: u64 = 16;
/// Output bytes a message may take on top of [`OUTPUT_BYTES_PER_INPUT_BYTE`] per source byte.
pub const OUTPUT_SLACK_BYTES: u64 = 64 * 1024;

/// The layout state that persists between pieces of a document (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct State {
    stack: Vec<Container>,
    emitted_any: bool,
    /// Whether the line before the current segment's first line was blank.
    seg_prev_blank: bool,
    /// The segment starts with a `Start(List)` that continues the open top-level list.
    continue_list: bool,
    /// The last block started inside a container got a blank line before it.
    blank_before: bool,
    /// The open code block got a blank line before it (inside a container).
    code_blank: bool,
    /// The next block inside a container gets a blank line before it: a code block that
    /// had one before it just ended (a loose item's code block is set off on both sides).
    blank_after: bool,
    code: Option<OpenCode>,
    leaf: Leaf,
    /// The last thing laid out was a link reference definition shown where it stands: a
    /// definition right after it joins its block.
    after_def: bool,
    /// Source bytes laid out so far (the text of leaf events, thematic breaks, code lines,
    /// link destinations: a lower bound of the source's size).
    credit: u64,
    /// An upper bound of the output bytes (ANSI included) laid out so far: the
    /// [`Lines::cost`] of the lines kept. Brought up to date lazily ([`Layout::sync`]), not
    /// after every event.
    spent: u64,
    /// The valid entries of `Scratch::listed` (destinations listed so far).
    listed: u32,
    /// Reference marks (`[1]`) given out so far in the message
    /// ([`LinkStyle::Reference`](crate::LinkStyle::Reference)): the next mark is one more.
    link_refs: u32,
    /// Fenced code blocks started so far: the index of the next one in a [`Replay`].
    code_ordinal: u32,
    /// A replayed code block met a line it had not recorded.
    pub(crate) replay_missed: bool,
    /// … and had no source to highlight on from there (its rest is plain).
    pub(crate) replay_lost: bool,
}

/// Highlighting to lay out instead of running syntect: one entry per fenced code block of
/// the document, in order (`None`: not syntax-highlighted). See
/// [`crate::highlight::block_runs`].
pub(crate) type Replay = [Option<std::sync::Arc<BlockRuns>>];
/// The owned form of a [`Replay`].
pub(crate) type ReplayBlocks = Vec<Option<std::sync::Arc<BlockRuns>>>;

impl Clone for State {
    fn clone(&self) -> Self {
        let mut s = Self::default();
        s.clone_from(self);
        s
    }

    /// Reuses the container stack's buffer (a checkpoint is taken at every unit).
    fn clone_from(&mut self, source: &Self) {
        self.stack.clone_from(&source.stack);
        self.emitted_any = source.emitted_any;
        self.seg_prev_blank = source.seg_prev_blank;
        self.continue_list = source.continue_list;
        self.blank_before = source.blank_before;
        self.code_blank = source.code_blank;
        self.blank_after = source.blank_after;
        self.code.clone_from(&source.code);
        self.leaf.clone_from(&source.leaf);
        self.link_refs = source.link_refs;
        self.listed = source.listed;
        self.credit = source.credit;
        self.spent = source.spent;
        self.after_def = source.after_def;
        self.code_ordinal = source.code_ordinal;
        self.replay_missed = source.replay_missed;
        self.replay_lost = source.replay_lost;
    }
}

impl State {
    /// Heap bytes held: the container stack, footnote labels, an open code line.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.stack.capacity() * std::mem::size_of::<Container>()
            + self
                .stack
                .iter()
                .map(|c| match &c.marker {
                    Some(Marker::Label(l)) => l.capacity(),
                    _ => 0,
                })
                .sum::<usize>()
            + self.code.as_ref().map_or(0, |c| c.partial.capacity())
    }

    /// The output bytes counted so far (for tests).
    #[cfg(test)]
    pub(crate) fn spent(&self) -> u64 {
        self.spent
    }

    /// Output bytes a decoration may still take without the message leaving the bound of
    /// [`OUTPUT_BYTES_PER_INPUT_BYTE`] and [`OUTPUT_SLACK_BYTES`].
    pub(crate) fn allowance(&self) -> u64 {
        (OUTPUT_SLACK_BYTES + OUTPUT_BYTES_PER_INPUT_BYTE.saturating_mul(self.credit))
            .saturating_sub(self.spent)
    }

    /// True if a top-level list is open (the segment was cut between two of its items).
    pub(crate) fn in_top_list(&self) -> bool {
        matches!(
            self.stack.as_slice(),
            [Container {
                kind: Kind::List { .. },
                ..
            }]
        )
    }
    /// True if nothing is open: no container, no code block, no leaf.
    pub(crate) fn is_idle(&self) -> bool {
        self.stack.is_empty() && self.code.is_none() && self.leaf == Leaf::None
    }
}

/// Lays out events into lines, continuing from a [`State`] it borrows. See the module
/// documentation.
pub(crate) struct Layout<'a> {
    cfg: &'a Options,
    state: &'a mut State,
    replay: Option<&'a Replay>,
    record: Option<&'a mut Recorder>,
    /// [`Lines::cost`] of the output when `state.spent` last took it in ([`Self::sync`]).
    synced: u64,
}

/// A layout with the buffers it writes into: where the events of a parse go.
pub(crate) struct LayoutSink<'a> {
    layout: Layout<'a>,
    out: &'a mut Lines,
    scratch: &'a mut Scratch,
}

impl<'a> LayoutSink<'a> {
    /// Lays out into `out`, continuing from `state`, with `scratch` as working buffers.
    pub(crate) fn new(
        cfg: &'a Options,
        state: &'a mut State,
        out: &'a mut Lines,
        scratch: &'a mut Scratch,
    ) -> Self {
        let mut layout = Layout::new(cfg, state);
        layout.synced = out.cost();
        Self {
            layout,
            out,
            scratch,
        }
    }

    /// Lays out code blocks from `replay` where it has them.
    pub(crate) fn with_replay(mut self, replay: Option<&'a Replay>) -> Self {
        self.layout.replay = replay;
        self
    }

    /// Records the highlighting of the fenced code blocks laid out (committed lines only).
    pub(crate) fn with_record(mut self, record: Option<&'a mut Recorder>) -> Self {
        self.layout.record = record;
        self
    }

    /// Ends the document: closes whatever is open.
    pub(crate) fn finish(&mut self) {
        self.layout.finish(self.out, self.scratch);
    }

    /// Shows `text` as plain source lines in a block of its own (the fallback when parsing
    /// it failed).
    pub(crate) fn plain_block(&mut self, text: &str) {
        self.layout.state.credit += text.len() as u64;
        self.layout.plain_block(text, self.out, self.scratch);
    }

    /// Starts a top-level fenced code block (fence mode) with this info string.
    pub(crate) fn fence_start(&mut self, info: &str) {
        self.layout.state.credit += info.len() as u64;
        self.layout.fence_start(info, self.out, self.scratch);
    }

    /// One line of the open code block (with its `\n`, or without for the last line).
    pub(crate) fn code_line(&mut self, line: &str) {
        self.layout.state.credit += line.len() as u64;
        self.layout.code_line(line, self.out, self.scratch);
    }

    /// Closes the open code block.
    pub(crate) fn code_end(&mut self) {
        self.layout.code_end(self.out, self.scratch);
    }
}

impl Drop for LayoutSink<'_> {
    /// The state keeps what this sink laid out in its `spent`.
    fn drop(&mut self) {
        self.layout.sync(self.out);
    }
}

impl crate::parse::EventSink for LayoutSink<'_> {
    fn begin_segment(&mut self, prev_blank: bool) {
        self.layout.begin_segment(prev_blank);
    }
    fn event(&mut self, event: &Event<'_>, range: Range<usize>, text: &str) {
        self.layout
            .event(event, range, text, self.out, self.scratch);
    }
    fn checkpoint(&mut self) {
        // (Units start between blocks; a leaf recorded still would be laid out first.)
        self.layout.settle_recorded(self.out, self.scratch);
        self.layout.sync(self.out);
        let saved = &mut self.scratch.checkpoint;
        saved.0.clone_from(self.layout.state);
        saved.1 = self.out.mark();
    }
    fn rollback(&mut self) {
        let (state, mark) = &self.scratch.checkpoint;
        self.layout.state.clone_from(state);
        self.out.reset_to(*mark);
        self.layout.synced = self.out.cost();
        self.scratch.end_render();
    }
    fn definition(&mut self, def: &crate::parse::ShownDef<'_>, text: &str) {
        self.layout.state.credit += (def.span.1 - def.span.0) as u64;
        self.layout.definition(def, text, self.out, self.scratch);
    }
}

/// Is the source line before the line holding `pos` blank? (`None`: no such line in `src`.)
fn prev_line_blank(src: &str, pos: usize) -> Option<bool> {
    crate::scan::prev_line_blank(src, pos)
}

impl<'a> Layout<'a> {
    /// A layout that continues from `state` (`State::default()` for the start of a
    /// document).
    pub(crate) fn new(cfg: &'a Options, state: &'a mut State) -> Self {
        Self {
            cfg,
            state,
            replay: None,
            record: None,
            synced: 0,
        }
    }

    /// Brings `state.spent` up to date with what was laid out into `out` since the last
    /// sync: the difference of two [`Lines::cost`]s, so the total does not depend on where
    /// the syncs fall. Done before every look at the [`allowance`](Self::allowance), at a
    /// checkpoint and when the sink is dropped.
    pub(crate) fn sync(&mut self, out: &Lines) {
        let now = out.cost();
        self.state.spent = self
            .state
            .spent
            .saturating_add_signed(now.wrapping_sub(self.synced).cast_signed());
        self.synced = now;
    }

    /// [`State::allowance`] with what was laid out so far counted.
    pub(super) fn allowance(&mut self, out: &Lines) -> u64 {
        self.sync(out);
        self.state.allowance()
    }

    /// Announces a new segment of source: `prev_blank` says whether the line before its first
    /// line was blank. If a top-level list is open, the segment's first `Start(List)`
    /// continues it.
    pub(crate) fn begin_segment(&mut self, prev_blank: bool) {
        self.state.seg_prev_blank = prev_blank;
        self.state.continue_list = self.state.in_top_list();
    }

    fn sink<'s>(&'s mut self, out: &'s mut Lines, scratch: &'s mut Scratch) -> PrefixSink<'s> {
        PrefixSink::new(out, &mut self.state.stack, self.cfg, &mut scratch.marker)
    }

    /// Feeds one event. `range` indexes `src`, the segment's source.
    pub(crate) fn event(
        &mut self,
        ev: &Event<'_>,
        range: Range<usize>,
        src: &str,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        self.state.credit += match ev {
            // (The destination of an inline link is in its source; a reference's is not.)
            Event::Start(
                Tag::Link {
                    link_type: pulldown_cmark::LinkType::Inline,
                    dest_url,
                    ..
                }
                | Tag::Image {
                    link_type: pulldown_cmark::LinkType::Inline,
                    dest_url,
                    ..
                },
            ) => dest_url.len(),
            Event::Start(_) | Event::End(_) => 0,
            _ => range.len(),
        } as u64;
        self.event_inner(ev, range, src, out, scratch);
    }

    fn event_inner(
        &mut self,
        ev: &Event<'_>,
        range: Range<usize>,
        src: &str,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        self.state.after_def = false;
        match ev {
            Event::Start(tag) => self.start(tag, range, src, out, scratch),
            Event::End(TagEnd::HtmlBlock) => self.end_html_block(src, out, scratch),
            Event::End(tag) => self.end(*tag, out, scratch),
            Event::Text(t) => {
                if self.state.code.is_some() {
                    self.code_text(t, out, scratch);
                } else if self.state.leaf == Leaf::Html {
                    scratch.html.push_str(t);
                } else {
                    self.ensure_leaf(range, src, out, scratch);
                    let style = scratch.top_style();
                    self.inline_text(t, style, out, scratch);
                }
            }
            Event::Code(t) => {
                // The leaf first: its start resets the style stack the style is based on
                // (finding 15: a tight item starting with code took the previous block's).
                self.ensure_leaf(range, src, out, scratch);
                let style = scratch.top_style().patch(self.cfg.theme.inline_code);
                if self.vanishes(self.cfg.theme.inline_code) {
                    self.marked_code(t, style, out, scratch);
                } else {
                    self.inline_text(t, style, out, scratch);
                }
            }
            Event::Html(t) => {
                if self.state.leaf == Leaf::Html {
                    scratch.html.push_str(t);
                } else {
                    self.inline_html(t, range, src, out, scratch);
                }
            }
            Event::InlineHtml(t) => self.inline_html(t, range, src, out, scratch),
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.ensure_leaf(range, src, out, scratch);
                let style = scratch.top_style().patch(self.cfg.theme.inline_code);
                self.inline_text(t, style, out, scratch);
            }
            Event::FootnoteReference(label) => {
                self.ensure_leaf(range, src, out, scratch);
                let style = scratch.top_style().patch(self.cfg.theme.footnote);
                // `[^1]`, as the source writes it: apart from a link's reference mark `[1]`.
                let mut text = scratch.take_tmp();
                text.push_str("[^");
                push_sanitized(&mut text, label, self.cfg.control_chars);
                text.push(']');
                self.emit(&text, style, out, scratch);
                scratch.tmp = text;
            }
            Event::SoftBreak => {
                self.ensure_leaf(range, src, out, scratch);
                let style = scratch.top_style();
                self.soft_break(style, out, scratch);
            }
            Event::HardBreak => {
                self.ensure_leaf(range, src, out, scratch);
                self.hard_break(out, scratch);
            }
            Event::Rule => self.rule(range.start, src, out, scratch),
            Event::TaskListMarker(done) => {
                // A task item shows its box in place of the bullet.
                if let Some(c) = self.state.stack.last_mut() {
                    if c.kind == Kind::Item && matches!(c.marker, Some(Marker::Bullet(_))) {
                        c.marker = Some(Marker::Task(*done));
                        c.indent = 2;
                        return;
                    }
                }
                self.ensure_leaf(range, src, out, scratch);
                let (text, style) = if *done {
                    ("☑ ", self.cfg.theme.task_done)
                } else {
                    ("☐ ", self.cfg.theme.task_open)
                };
                self.emit(text, style, out, scratch);
            }
        }
    }

    fn start(
        &mut self,
        tag: &Tag<'_>,
        range: Range<usize>,
        src: &str,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        match tag {
            Tag::Paragraph => {
                if self.state.leaf == Leaf::Table {
                    // pulldown-cmark ends a table whose filled-in cells pass its limit
                    // with a paragraph inside it, before `End(Table)`: the table is
                    // drawn first, and that `End(Table)` then finds no open table.
                    self.end_table(out, scratch);
                }
                self.begin_block(range.start, src, out, scratch);
                self.begin_leaf(Leaf::Paragraph { implicit: false }, out, scratch);
            }
            Tag::Heading { level, .. } => {
                self.begin_block(range.start, src, out, scratch);
                self.begin_leaf(Leaf::Heading(*level as u8), out, scratch);
            }
            Tag::BlockQuote(kind) => {
                self.begin_block(range.start, src, out, scratch);
                let alert = kind.map(|k| match k {
                    BlockQuoteKind::Note => 0u8,
                    BlockQuoteKind::Tip => 1,
                    BlockQuoteKind::Important => 2,
                    BlockQuoteKind::Warning => 3,
                    BlockQuoteKind::Caution => 4,
                });
                self.push_container(Container {
                    kind: Kind::Quote,
                    marker: None,
                    indent: 2,
                    children: 0,
                    bullets: 0,
                    alert,
                });
                if let Some(k) = alert {
                    self.alert_title(k, out, scratch);
                }
            }
            Tag::CodeBlock(kind) => {
                self.begin_block(range.start, src, out, scratch);
                self.state.code_blank = self.state.blank_before;
                let info = match &kind {
                    CodeBlockKind::Fenced(info) => info.as_ref(),
                    CodeBlockKind::Indented => "",
                };
                self.code_start(info, matches!(kind, CodeBlockKind::Fenced(_)), out, scratch);
            }
            Tag::HtmlBlock => {
                // Collected until it ends, then laid out whole (the `html` module): the
                // separator before it only if it shows anything.
                self.flush_implicit(out, scratch);
                self.state.leaf = Leaf::Html;
                scratch.html.clear();
                scratch.html_pos = range.start;
            }
            Tag::List(start) => {
                if self.state.continue_list && self.state.in_top_list() {
                    self.state.continue_list = false;
                    return;
                }
                self.begin_block(range.start, src, out, scratch);
                self.push_container(Container {
                    kind: Kind::List { next: *start },
                    marker: None,
                    indent: 0,
                    children: 0,
                    bullets: 0,
                    alert: None,
                });
            }
            Tag::Item => {
                self.state.continue_list = false;
                self.begin_block(range.start, src, out, scratch);
                let depth = self.state.stack.last().map_or(0, |c| c.bullets as usize);
                let (marker, width) = match self.state.stack.last_mut() {
                    Some(Container {
                        kind: Kind::List { next: Some(n) },
                        ..
                    }) => {
                        let m = *n;
                        *n = n.saturating_add(1);
                        (Marker::Ordered(m), decimal_width(m).max(ORDERED_DIGITS) + 1)
                    }
                    _ => (Marker::Bullet(depth.saturating_sub(1) as u8), 1),
                };
                self.push_container(Container {
                    kind: Kind::Item,
                    marker: Some(marker),
                    indent: width + 1,
                    children: 0,
                    bullets: 0,
                    alert: None,
                });
            }
            Tag::FootnoteDefinition(label) => {
                self.begin_block(range.start, src, out, scratch);
                let mut clean = String::new();
                push_sanitized(&mut clean, label, self.cfg.control_chars);
                let clean = truncate_to_width(&clean, MAX_FOOTNOTE_LABEL);
                let indent = str_width(&clean) + 4;
                self.push_container(Container {
                    kind: Kind::Footnote,
                    marker: Some(Marker::Label(clean)),
                    indent,
                    children: 0,
                    bullets: 0,
                    alert: None,
                });
            }
            Tag::Table(aligns) => {
                self.begin_block(range.start, src, out, scratch);
                self.begin_leaf(Leaf::Table, out, scratch);
                scratch
                    .table
                    .begin(aligns, src.get(range.clone()).unwrap_or(""));
            }
            Tag::TableHead | Tag::TableRow => scratch.table.begin_row(),
            Tag::TableCell => {
                let head = scratch.table.in_head();
                scratch.reset_inline(if head {
                    self.cfg.theme.table_header
                } else {
                    Style::PLAIN
                });
                scratch.table.begin_cell(scratch.pieces.len());
            }
            // Inline containers open the implicit paragraph of a tight list item first, so
            // its start does not reset the style they push (FUZZING.md finding 6).
            Tag::Emphasis => {
                self.ensure_leaf(range, src, out, scratch);
                scratch.push_style(self.cfg.theme.emphasis);
            }
            Tag::Strong => {
                self.ensure_leaf(range, src, out, scratch);
                scratch.push_style(self.cfg.theme.strong);
            }
            Tag::Strikethrough => {
                self.ensure_leaf(range, src, out, scratch);
                scratch.push_style(self.cfg.theme.strikethrough);
                if self.vanishes(self.cfg.theme.strikethrough) {
                    let style = scratch.top_style();
                    self.emit("~~", style, out, scratch);
                }
            }
            Tag::Superscript | Tag::Subscript => {
                self.ensure_leaf(range, src, out, scratch);
                scratch.push_style(Style::PLAIN);
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                self.ensure_leaf(range, src, out, scratch);
                scratch.push_style(self.cfg.theme.link);
                self.push_link(dest_url, *link_type, false, out, scratch);
            }
            Tag::Image {
                link_type,
                dest_url,
                ..
            } => {
                self.ensure_leaf(range, src, out, scratch);
                scratch.push_style(self.cfg.theme.image);
                self.push_link(dest_url, *link_type, true, out, scratch);
                if self.state.leaf != Leaf::Table {
                    // The label stays on one line when it fits on a line.
                    self.settle_recorded(out, scratch);
                    scratch.flow.begin_group();
                }
                let style = scratch.top_style();
                self.emit(inline::IMAGE_LABEL, style, out, scratch);
            }
            Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {
                self.begin_block(range.start, src, out, scratch);
                self.begin_leaf(Leaf::Paragraph { implicit: false }, out, scratch);
            }
        }
    }

    fn end(&mut self, tag: TagEnd, out: &mut Lines, scratch: &mut Scratch) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::DefinitionList => self.flush_leaf(out, scratch),
            TagEnd::HtmlBlock => {}
            TagEnd::BlockQuote(_) => {
                self.flush_implicit(out, scratch);
                self.state.stack.pop();
            }
            TagEnd::CodeBlock => self.code_end(out, scratch),
            TagEnd::List(_) => {
                self.flush_implicit(out, scratch);
                self.state.stack.pop();
            }
            TagEnd::Item | TagEnd::FootnoteDefinition => {
                self.flush_implicit(out, scratch);
                if self.state.stack.last().is_some_and(|c| c.marker.is_some()) {
                    // An empty item still shows its marker.
                    let mut sink = self.sink(out, scratch);
                    sink.begin();
                    sink.end();
                }
                self.state.stack.pop();
            }
            TagEnd::Table => self.end_table(out, scratch),
            TagEnd::TableHead | TagEnd::TableRow => scratch.table.end_row(),
            TagEnd::TableCell => {
                self.html_close_to(0, out, scratch);
                scratch.table.end_cell(scratch.pieces.len());
            }
            TagEnd::Strikethrough => {
                if self.vanishes(self.cfg.theme.strikethrough) {
                    let style = scratch.top_style();
                    self.emit("~~", style, out, scratch);
                }
                scratch.styles.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Superscript | TagEnd::Subscript => {
                scratch.styles.pop();
            }
            TagEnd::Link | TagEnd::Image => self.end_link(out, scratch),
        }
    }

    // ---- blocks ----

    /// A thematic break (also `<hr>` in an HTML block).
    fn rule(&mut self, pos: usize, src: &str, out: &mut Lines, scratch: &mut Scratch) {
        self.begin_block(pos, src, out, scratch);
        let theme = &self.cfg.theme;
        out.set_kind(LineKind::Rule);
        let allowance = self.allowance(out);
        let mut sink = self.sink(out, scratch);
        // As wide as the text, while the output stays inside its bound; else a stub.
        let n = sink.avail();
        let n = if (n as u64) * 3 + 64 <= allowance {
            n
        } else {
            n.min(3)
        };
        sink.begin();
        for _ in 0..n {
            sink.out.push_measured("─", theme.rule, None, 1);
        }
        sink.end();
    }

    /// Ends the HTML block collected since `Start(HtmlBlock)` and lays it out.
    fn end_html_block(&mut self, src: &str, out: &mut Lines, scratch: &mut Scratch) {
        if self.state.leaf != Leaf::Html {
            return;
        }
        self.state.leaf = Leaf::None;
        let html = std::mem::take(&mut scratch.html);
        let pos = scratch.html_pos.min(src.len());
        self.html_block(&html, pos, src, out, scratch);
        scratch.html = html;
    }

    /// Separator logic before any block (see the module docs).
    fn begin_block(&mut self, pos: usize, src: &str, out: &mut Lines, scratch: &mut Scratch) {
        self.flush_implicit(out, scratch);
        out.set_kind(LineKind::Blank);
        let after = std::mem::take(&mut self.state.blank_after);
        match self.state.stack.last_mut() {
            None => {
                self.state.blank_before = false;
                if self.state.emitted_any {
                    out.end_line();
                }
                self.state.emitted_any = true;
            }
            Some(c) => {
                c.children += 1;
                let blank = c.children > 1
                    && (after || prev_line_blank(src, pos).unwrap_or(self.state.seg_prev_blank));
                self.state.blank_before = blank;
                if blank {
                    self.sink(out, scratch).blank();
                }
            }
        }
    }

    fn begin_leaf(&mut self, leaf: Leaf, out: &mut Lines, scratch: &mut Scratch) {
        self.state.leaf = leaf;
        let base = match leaf {
            Leaf::Heading(l) => self.cfg.theme.heading[(l as usize).clamp(1, 6) - 1],
            Leaf::Html => self.cfg.theme.html,
            // Text in a quote is quote text; an alert's is plain, as GitHub shows it.
            _ if self
                .state
                .stack
                .iter()
                .any(|c| c.kind == Kind::Quote && c.alert.is_none()) =>
            {
                self.cfg.theme.quote_text
            }
            _ => Style::PLAIN,
        };
        scratch.clear_inline();
        scratch.reset_inline(base);
        out.set_kind(match leaf {
            Leaf::Heading(_) => LineKind::Heading,
            Leaf::Html => LineKind::Html,
            Leaf::Table => LineKind::Table,
            Leaf::Paragraph { .. } | Leaf::None => LineKind::Text,
        });
        match leaf {
            Leaf::Heading(level) => {
                // The `#` marker is drawn as a prefix of the heading's first line.
                self.push_container(Container {
                    kind: Kind::Heading,
                    marker: Some(Marker::Heading(level)),
                    indent: level as usize + 1,
                    children: 0,
                    bullets: 0,
                    alert: None,
                });
                self.begin_flow(out, scratch);
            }
            Leaf::Paragraph { .. } => self.begin_flow(out, scratch),
            Leaf::Html | Leaf::Table | Leaf::None => {}
        }
    }

    /// The title line of a GitHub alert (`Note`, `Tip`, …), in bold in the alert's style,
    /// inside its bar; cut to the columns left when nesting leaves fewer.
    fn alert_title(&mut self, kind: u8, out: &mut Lines, scratch: &mut Scratch) {
        const TITLES: [&str; 5] = ["Note", "Tip", "Important", "Warning", "Caution"];
        let title = TITLES[kind as usize];
        let style = self.cfg.theme.alert[kind as usize].add_modifier(Modifiers::BOLD);
        out.set_kind(LineKind::Text);
        let mut sink = self.sink(out, scratch);
        let shown = &title[..title.len().min(sink.avail())];
        sink.begin();
        sink.push(shown, style, None, shown.len());
        sink.end();
    }

    /// Draws the open table (nothing if no table is open) and closes it.
    fn end_table(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        if self.state.leaf != Leaf::Table {
            return;
        }
        let cfg = self.cfg;
        let mut table = std::mem::take(&mut scratch.table);
        self.with_pieces(out, scratch, |items, avail, sink| {
            table::render(&mut table, items, avail, cfg, sink);
        });
        scratch.table = table;
        self.state.leaf = Leaf::None;
        self.list_link_refs(out, scratch);
        scratch.clear_inline();
    }

    /// Ends the open paragraph or heading: its last line.
    fn flush_leaf(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        // Inline HTML elements left open end with the leaf (a link shows its destination).
        self.html_close_to(0, out, scratch);
        let leaf = std::mem::take(&mut self.state.leaf);
        self.finish_flow(out, scratch);
        if matches!(leaf, Leaf::Heading(_)) {
            self.state.stack.pop();
        }
        self.list_link_refs(out, scratch);
        scratch.clear_inline();
    }

    /// Inline content outside a paragraph (tight list items) opens an implicit paragraph.
    fn ensure_leaf(
        &mut self,
        range: Range<usize>,
        src: &str,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        if self.state.leaf == Leaf::None {
            self.begin_block(range.start, src, out, scratch);
            self.begin_leaf(Leaf::Paragraph { implicit: true }, out, scratch);
        }
    }

    fn flush_implicit(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        if self.state.leaf == (Leaf::Paragraph { implicit: true }) {
            self.flush_leaf(out, scratch);
        }
    }

    /// Shows `text` as plain source lines in a block of its own (the fallback when parsing
    /// it failed). Open containers are closed first.
    pub(crate) fn plain_block(&mut self, text: &str, out: &mut Lines, scratch: &mut Scratch) {
        self.state.stack.clear();
        self.state.code = None;
        self.state.leaf = Leaf::None;
        self.begin_block(0, "", out, scratch);
        self.state.leaf = Leaf::Html;
        out.set_kind(LineKind::Text);
        self.source_lines(
            text.trim_end_matches(['\n', '\r']),
            Style::PLAIN,
            out,
            scratch,
        );
        self.state.leaf = Leaf::None;
    }

    /// Lays out each source line of `t` on its own, wrapped, in `style`.
    fn source_lines(&mut self, t: &str, style: Style, out: &mut Lines, scratch: &mut Scratch) {
        for line in t.split_inclusive('\n') {
            let line = line.strip_suffix('\n').unwrap_or(line);
            let line = line.strip_suffix('\r').unwrap_or(line);
            self.begin_flow(out, scratch);
            self.inline_text(line, style, out, scratch);
            self.finish_flow(out, scratch);
        }
    }

    // ---- code blocks (also driven directly by the stream in fence mode) ----

    /// Opens a code block and writes its header line.
    pub(crate) fn code_start(
        &mut self,
        info: &str,
        fenced: bool,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        let cfg = self.cfg;
        let ordinal = fenced.then_some(self.state.code_ordinal);
        let replayed = if fenced {
            let k = self.state.code_ordinal as usize;
            self.state.code_ordinal = self.state.code_ordinal.saturating_add(1);
            self.replay.and_then(|r| r.get(k)).cloned().flatten()
        } else {
            None
        };
        let state = match replayed {
            Some(runs) if cfg.highlight => CodeState::replay(runs, &cfg.theme.syntax_theme),
            _ => CodeState::new(info, cfg.highlight && fenced, &cfg.theme.syntax_theme),
        };
        if let (Some(rec), Some(k)) = (self.record.as_deref_mut(), ordinal) {
            let k = k as usize;
            if rec.blocks.len() <= k {
                rec.blocks.resize_with(k + 1, || None);
            }
            rec.blocks.truncate(k + 1);
            rec.blocks[k] = state.is_highlighted().then(BlockRuns::default);
        }
        self.state.code = Some(OpenCode {
            state,
            partial: String::new(),
            ordinal,
        });
        let label = crate::highlight::language_tag(info);
        out.set_kind(LineKind::CodeFrame);
        let mut sink = self.sink(out, scratch);
        let avail = sink.avail();
        sink.begin();
        code::header(&mut sink, label, &cfg.theme, avail, cfg.control_chars);
        sink.end();
    }

    /// Starts a top-level fenced code block (fence mode): the block separator and header.
    pub(crate) fn fence_start(&mut self, info: &str, out: &mut Lines, scratch: &mut Scratch) {
        self.begin_block(0, "", out, scratch);
        self.code_start(info, true, out, scratch);
    }

    /// Writes one complete code line (with its `\n`, or without for a block's last line).
    pub(crate) fn code_line(&mut self, line: &str, out: &mut Lines, scratch: &mut Scratch) {
        let cfg = self.cfg;
        // A background pads the rows, and the gutter has its color, while the output stays
        // inside its bound.
        let allowance = self.allowance(out);
        // The code state and the container stack are borrowed apart (the highlight state is
        // large: it is not moved out and back per line).
        let State {
            stack,
            code,
            replay_missed,
            replay_lost,
            ..
        } = &mut *self.state;
        let Some(open) = code.as_mut() else {
            return;
        };
        let record = match (self.record.as_deref_mut(), open.ordinal) {
            (Some(rec), Some(k)) => rec.blocks.get_mut(k as usize).and_then(Option::as_mut),
            _ => None,
        };
        let mut sink = PrefixSink::new(out, stack, cfg, &mut scratch.marker);
        let avail = sink.avail();
        let decorate = (avail as u64) * 2 + 128 <= allowance;
        code::line(
            &mut sink,
            line,
            &mut open.state,
            &cfg.theme,
            avail,
            decorate,
            cfg.wrap_code,
            cfg.tab_width,
            cfg.control_chars,
            &mut scratch.code_line,
            record,
        );
        *replay_missed |= open.state.replay_missed();
        *replay_lost |= open.state.replay_lost();
    }

    fn code_text(&mut self, t: &str, out: &mut Lines, scratch: &mut Scratch) {
        let Some(open) = self.state.code.as_mut() else {
            return;
        };
        let mut rest = t;
        if !open.partial.is_empty() {
            let Some(i) = memchr::memchr(b'\n', rest.as_bytes()) else {
                open.partial.push_str(rest);
                return;
            };
            let mut line = std::mem::take(&mut open.partial);
            line.push_str(&rest[..=i]);
            rest = &rest[i + 1..];
            self.code_line(&line, out, scratch);
        }
        while let Some(i) = memchr::memchr(b'\n', rest.as_bytes()) {
            let (line, tail) = rest.split_at(i + 1);
            self.code_line(line, out, scratch);
            rest = tail;
        }
        if let Some(open) = self.state.code.as_mut() {
            open.partial.push_str(rest);
        }
    }

    /// Closes the open code block: its unfinished last line, then the footer.
    pub(crate) fn code_end(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        let Some(open) = self.state.code.as_mut() else {
            return;
        };
        let partial = std::mem::take(&mut open.partial);
        if !partial.is_empty() {
            self.code_line(&partial, out, scratch);
        }
        self.state.code = None;
        self.state.blank_after = std::mem::take(&mut self.state.code_blank);
        let theme = &self.cfg.theme;
        out.set_kind(LineKind::CodeFrame);
        let mut sink = self.sink(out, scratch);
        sink.begin();
        code::footer(&mut sink, theme);
        sink.end();
    }

    /// Ends the document: closes whatever is open.
    pub(crate) fn finish(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        self.end_html_block("", out, scratch);
        self.flush_implicit(out, scratch);
        if self.state.code.is_some() {
            self.code_end(out, scratch);
        }
        while let Some(c) = self.state.stack.pop() {
            if c.marker.is_some() && c.kind != Kind::Heading {
                self.state.stack.push(c);
                let mut sink = self.sink(out, scratch);
                sink.begin();
                sink.end();
                self.state.stack.pop();
            }
        }
        self.state.leaf = Leaf::None;
    }
}

/// A sink that writes wrapped lines to a [`Lines`] with no prefix (a table cell's lines;
/// tests), keeping each line's join.
pub(super) struct Plain<'a>(pub(super) &'a mut Lines);

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
    fn continues(&mut self, join: crate::line::Join) {
        self.0.set_join(join);
    }
}
