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

use crate::code;
use crate::config::{Options, MIN_CONTENT_WIDTH};
use crate::highlight::CodeState;
use crate::line::Lines;
use crate::sanitize::{osc8_url, push_sanitized};
use crate::style::Style;
use crate::table::{self, TableScratch};
use crate::theme::Theme;
use crate::width::str_width;
use crate::wrap::{self, LineSink, Piece};
use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};
use std::ops::Range;

const BULLETS: [&str; 3] = ["•", "◦", "▪"];
/// Longest footnote label shown in a definition's marker, in columns.
const MAX_FOOTNOTE_LABEL: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Marker {
    Bullet(u8),
    Ordered(u64),
    Label(String),
    Heading(u8),
    Task(bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Quote,
    List { next: Option<u64> },
    Item,
    Footnote,
    Heading,
}

#[derive(Clone, Debug)]
struct Container {
    kind: Kind,
    /// Marker still to be drawn on the container's first line.
    marker: Option<Marker>,
    /// Prefix width in columns.
    indent: usize,
    /// Child blocks started so far.
    children: u32,
    /// Bullet lists open up to and including this container (for the bullet glyph), kept
    /// here so an item finds its depth in O(1) (FUZZING.md, `nested_bullets`).
    bullets: u32,
}

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
}

/// The layout state that persists between pieces of a document (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct State {
    stack: Vec<Container>,
    emitted_any: bool,
    /// Whether the line before the current segment's first line was blank.
    seg_prev_blank: bool,
    /// The segment starts with a `Start(List)` that continues the open top-level list.
    continue_list: bool,
    code: Option<OpenCode>,
    leaf: Leaf,
}

impl State {
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

#[derive(Clone, Copy, Debug)]
struct PieceRec {
    text: (u32, u32),
    style: Style,
    link: Option<(u32, u32)>,
    hard_break: bool,
}

#[derive(Clone, Copy, Debug)]
struct LinkRec {
    url: (u32, u32),
    text_start: u32,
    display_url: bool,
    image: bool,
}

/// Reusable per-block buffers.
#[derive(Default)]
pub struct Scratch {
    buf: String,
    pieces: Vec<PieceRec>,
    styles: Vec<Style>,
    links: Vec<LinkRec>,
    marker: String,
    table: TableScratch,
    bump: bumpalo::Bump,
}

impl Scratch {
    fn clear_inline(&mut self) {
        self.buf.clear();
        self.pieces.clear();
        self.links.clear();
        self.bump.reset();
    }

    fn reset_inline(&mut self, base: Style) {
        self.styles.clear();
        self.styles.push(base);
    }

    fn push_style(&mut self, s: Style) {
        let top = self.top_style().patch(s);
        self.styles.push(top);
    }

    fn top_style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    /// Forgets the inline state of a render (style stack, pieces) but keeps the buffers:
    /// a tentative render and the next commit share this scratch, and nothing may pass
    /// from one to the other (FUZZING.md finding 15).
    pub(crate) fn end_render(&mut self) {
        self.clear_inline();
        self.styles.clear();
    }

    /// Frees every buffer.
    pub fn clear_all(&mut self) {
        *self = Self::default();
    }
    /// Heap bytes held.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.buf.capacity()
            + self.pieces.capacity() * std::mem::size_of::<PieceRec>()
            + self.styles.capacity() * std::mem::size_of::<Style>()
            + self.links.capacity() * std::mem::size_of::<LinkRec>()
            + self.marker.capacity()
            + self.table.heap_bytes()
            + self.bump.allocated_bytes()
    }
}

/// Lays out events into lines. See the module documentation.
pub struct Layout<'c> {
    cfg: &'c Options,
    /// Persistent state.
    pub(crate) state: State,
}

/// The sink that writes container prefixes at the start of each line.
struct PrefixSink<'a> {
    out: &'a mut Lines,
    stack: &'a mut [Container],
    theme: &'a Theme,
    width: usize,
    mbuf: &'a mut String,
}

impl PrefixSink<'_> {
    fn write_prefix(&mut self, consume: bool) {
        let (skip, _) = self.visible_prefix();
        let PrefixSink {
            out,
            stack,
            theme,
            mbuf,
            ..
        } = self;
        for c in &mut stack[skip..] {
            match c.kind {
                Kind::Quote => out.push_measured("│ ", theme.quote_bar, None, 2),
                Kind::List { .. } => {}
                Kind::Item | Kind::Footnote | Kind::Heading => {
                    let marker = if consume { c.marker.take() } else { None };
                    match marker {
                        Some(m) => {
                            mbuf.clear();
                            let style = match &m {
                                Marker::Bullet(d) => {
                                    mbuf.push_str(BULLETS[*d as usize % BULLETS.len()]);
                                    theme.list_marker
                                }
                                Marker::Ordered(n) => {
                                    use std::fmt::Write;
                                    let _ = write!(mbuf, "{n}.");
                                    theme.list_marker
                                }
                                Marker::Label(l) => {
                                    mbuf.push('[');
                                    mbuf.push_str(l);
                                    mbuf.push(']');
                                    theme.footnote
                                }
                                Marker::Task(done) => {
                                    mbuf.push(if *done { '☑' } else { '☐' });
                                    if *done {
                                        theme.task_done
                                    } else {
                                        theme.task_open
                                    }
                                }
                                Marker::Heading(level) => {
                                    for _ in 0..*level {
                                        mbuf.push('#');
                                    }
                                    theme.heading_marker
                                }
                            };
                            let w = str_width(mbuf);
                            out.push_measured(mbuf, style, None, w);
                            out.push_spaces(c.indent.saturating_sub(w));
                        }
                        None => out.push_spaces(c.indent),
                    }
                }
            }
        }
    }

    fn prefix_width(&self) -> usize {
        self.visible_prefix().1
    }

    /// The containers drawn: the longest innermost run whose prefixes leave
    /// [`MIN_CONTENT_WIDTH`] columns. Returns (index of the first drawn, prefix width). Walks
    /// from the inside out and stops when the width is used up, so a line costs O(width), not
    /// O(nesting depth) (FUZZING.md, `quote_emphasis`).
    fn visible_prefix(&self) -> (usize, usize) {
        let max = self.width.saturating_sub(MIN_CONTENT_WIDTH);
        let mut total = 0;
        let mut first = self.stack.len();
        while first > 0 && total + self.stack[first - 1].indent <= max {
            total += self.stack[first - 1].indent;
            first -= 1;
        }
        (first, total)
    }

    fn avail(&self) -> usize {
        self.width - self.prefix_width()
    }

    fn blank(&mut self) {
        self.write_prefix(false);
        self.out.end_line();
    }
}

impl LineSink for PrefixSink<'_> {
    fn begin(&mut self) {
        self.write_prefix(true);
    }
    fn push(&mut self, text: &str, style: Style, link: Option<&str>, width: usize) {
        self.out.push_measured(text, style, link, width);
    }
    fn end(&mut self) {
        self.out.end_line();
    }
}

/// Is the source line before the line holding `pos` blank? (`None`: no such line in `src`.)
fn prev_line_blank(src: &str, pos: usize) -> Option<bool> {
    crate::scan::prev_line_blank(src, pos)
}

impl<'c> Layout<'c> {
    /// A layout at the start of a document.
    #[must_use]
    pub fn new(cfg: &'c Options) -> Self {
        Self {
            cfg,
            state: State::default(),
        }
    }

    /// A layout that continues from `state` (used for the tentative tail).
    pub(crate) fn with_state(cfg: &'c Options, state: State) -> Self {
        Self { cfg, state }
    }

    /// Announces a new segment of source: `prev_blank` says whether the line before its first
    /// line was blank. If a top-level list is open, the segment's first `Start(List)`
    /// continues it.
    pub(crate) fn begin_segment(&mut self, prev_blank: bool) {
        self.state.seg_prev_blank = prev_blank;
        self.state.continue_list = self.state.in_top_list();
    }

    fn sink<'a>(&'a mut self, out: &'a mut Lines, sc: &'a mut Scratch) -> PrefixSink<'a> {
        PrefixSink {
            out,
            stack: &mut self.state.stack,
            theme: &self.cfg.theme,
            width: self.cfg.width,
            mbuf: &mut sc.marker,
        }
    }

    /// Feeds one event. `range` indexes `src`, the segment's source.
    pub fn event(
        &mut self,
        ev: Event<'_>,
        range: Range<usize>,
        src: &str,
        out: &mut Lines,
        sc: &mut Scratch,
    ) {
        match ev {
            Event::Start(tag) => self.start(tag, range, src, out, sc),
            Event::End(tag) => self.end(tag, out, sc),
            Event::Text(t) => {
                if self.state.code.is_some() {
                    self.code_text(&t, out, sc);
                } else if self.state.leaf == Leaf::Html {
                    self.html_text(&t, out, sc);
                } else {
                    self.inline_text(&t, None, range, src, out, sc);
                }
            }
            Event::Code(t) => {
                // The leaf first: its start resets the style stack the style is based on
                // (finding 15: a tight item starting with code took the previous block's).
                self.ensure_leaf(range.clone(), src, out, sc);
                let style = sc.top_style().patch(self.cfg.theme.inline_code);
                self.inline_text(&t, Some(style), range, src, out, sc);
            }
            Event::Html(t) => {
                if self.state.leaf == Leaf::Html {
                    self.html_text(&t, out, sc);
                } else {
                    let style = self.cfg.theme.html;
                    self.inline_text(&t, Some(style), range, src, out, sc);
                }
            }
            Event::InlineHtml(t) => {
                self.ensure_leaf(range.clone(), src, out, sc);
                let style = sc.top_style().patch(self.cfg.theme.html);
                self.inline_text(&t, Some(style), range, src, out, sc);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.ensure_leaf(range.clone(), src, out, sc);
                let style = sc.top_style().patch(self.cfg.theme.inline_code);
                self.inline_text(&t, Some(style), range, src, out, sc);
            }
            Event::FootnoteReference(label) => {
                self.ensure_leaf(range, src, out, sc);
                let style = sc.top_style().patch(self.cfg.theme.footnote);
                let start = sc.buf.len();
                sc.buf.push('[');
                push_sanitized(&mut sc.buf, &label, self.cfg.control_chars);
                sc.buf.push(']');
                self.push_piece_range(start, style, sc);
            }
            Event::SoftBreak => {
                self.ensure_leaf(range.clone(), src, out, sc);
                let style = sc.top_style();
                self.inline_text(" ", Some(style), range, src, out, sc);
            }
            Event::HardBreak => {
                self.ensure_leaf(range, src, out, sc);
                sc.pieces.push(PieceRec {
                    text: (0, 0),
                    style: Style::PLAIN,
                    link: None,
                    hard_break: true,
                });
            }
            Event::Rule => {
                self.begin_block(range.start, src, out, sc);
                let theme = &self.cfg.theme;
                let mut sink = self.sink(out, sc);
                let n = sink.avail();
                sink.begin();
                for _ in 0..n {
                    sink.out.push_measured("─", theme.rule, None, 1);
                }
                sink.end();
            }
            Event::TaskListMarker(done) => {
                // A task item shows its box in place of the bullet.
                if let Some(c) = self.state.stack.last_mut() {
                    if c.kind == Kind::Item && matches!(c.marker, Some(Marker::Bullet(_))) {
                        c.marker = Some(Marker::Task(done));
                        c.indent = 2;
                        return;
                    }
                }
                self.ensure_leaf(range, src, out, sc);
                let (text, style) = if done {
                    ("☑ ", self.cfg.theme.task_done)
                } else {
                    ("☐ ", self.cfg.theme.task_open)
                };
                let start = sc.buf.len();
                sc.buf.push_str(text);
                self.push_piece_range(start, style, sc);
            }
        }
    }

    fn start(
        &mut self,
        tag: Tag<'_>,
        range: Range<usize>,
        src: &str,
        out: &mut Lines,
        sc: &mut Scratch,
    ) {
        match tag {
            Tag::Paragraph => {
                self.begin_block(range.start, src, out, sc);
                self.begin_leaf(Leaf::Paragraph { implicit: false }, sc);
            }
            Tag::Heading { level, .. } => {
                self.begin_block(range.start, src, out, sc);
                self.begin_leaf(Leaf::Heading(level as u8), sc);
            }
            Tag::BlockQuote(_) => {
                self.begin_block(range.start, src, out, sc);
                self.push_container(Container {
                    kind: Kind::Quote,
                    marker: None,
                    indent: 2,
                    children: 0,
                    bullets: 0,
                });
            }
            Tag::CodeBlock(kind) => {
                self.begin_block(range.start, src, out, sc);
                let info = match &kind {
                    CodeBlockKind::Fenced(info) => info.as_ref(),
                    CodeBlockKind::Indented => "",
                };
                self.code_start(info, matches!(kind, CodeBlockKind::Fenced(_)), out, sc);
            }
            Tag::HtmlBlock => {
                self.begin_block(range.start, src, out, sc);
                self.begin_leaf(Leaf::Html, sc);
            }
            Tag::List(start) => {
                if self.state.continue_list && self.state.in_top_list() {
                    self.state.continue_list = false;
                    return;
                }
                self.begin_block(range.start, src, out, sc);
                self.push_container(Container {
                    kind: Kind::List { next: start },
                    marker: None,
                    indent: 0,
                    children: 0,
                    bullets: 0,
                });
            }
            Tag::Item => {
                self.state.continue_list = false;
                self.begin_block(range.start, src, out, sc);
                let depth = self.state.stack.last().map_or(0, |c| c.bullets as usize);
                let (marker, width) = match self.state.stack.last_mut() {
                    Some(Container {
                        kind: Kind::List { next: Some(n) },
                        ..
                    }) => {
                        let m = *n;
                        *n = n.saturating_add(1);
                        (Marker::Ordered(m), decimal_width(m) + 1)
                    }
                    _ => (Marker::Bullet(depth.saturating_sub(1) as u8), 1),
                };
                self.push_container(Container {
                    kind: Kind::Item,
                    marker: Some(marker),
                    indent: width + 1,
                    children: 0,
                    bullets: 0,
                });
            }
            Tag::FootnoteDefinition(label) => {
                self.begin_block(range.start, src, out, sc);
                let mut clean = String::new();
                push_sanitized(&mut clean, &label, self.cfg.control_chars);
                let clean = truncate_to_width(&clean, MAX_FOOTNOTE_LABEL);
                let indent = str_width(&clean) + 3;
                self.push_container(Container {
                    kind: Kind::Footnote,
                    marker: Some(Marker::Label(clean)),
                    indent,
                    children: 0,
                    bullets: 0,
                });
            }
            Tag::Table(aligns) => {
                self.begin_block(range.start, src, out, sc);
                self.begin_leaf(Leaf::Table, sc);
                sc.table.begin(&aligns);
            }
            Tag::TableHead | Tag::TableRow => sc.table.begin_row(),
            Tag::TableCell => {
                let head = sc.table.in_head();
                sc.reset_inline(if head {
                    self.cfg.theme.table_header
                } else {
                    Style::PLAIN
                });
                sc.table.begin_cell(sc.pieces.len());
            }
            // Inline containers open the implicit paragraph of a tight list item first, so
            // its start does not reset the style they push (FUZZING.md finding 6).
            Tag::Emphasis => {
                self.ensure_leaf(range, src, out, sc);
                sc.push_style(self.cfg.theme.emphasis);
            }
            Tag::Strong => {
                self.ensure_leaf(range, src, out, sc);
                sc.push_style(self.cfg.theme.strong);
            }
            Tag::Strikethrough => {
                self.ensure_leaf(range, src, out, sc);
                sc.push_style(self.cfg.theme.strikethrough);
            }
            Tag::Superscript | Tag::Subscript => {
                self.ensure_leaf(range, src, out, sc);
                sc.push_style(Style::PLAIN);
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                self.ensure_leaf(range, src, out, sc);
                sc.push_style(self.cfg.theme.link);
                self.push_link(&dest_url, link_type, false, sc);
            }
            Tag::Image {
                link_type,
                dest_url,
                ..
            } => {
                self.ensure_leaf(range, src, out, sc);
                sc.push_style(self.cfg.theme.image);
                self.push_link(&dest_url, link_type, true, sc);
                let start = sc.buf.len();
                sc.buf.push_str("[image: ");
                self.push_piece_range(start, sc.top_style(), sc);
            }
            Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {
                self.begin_block(range.start, src, out, sc);
                self.begin_leaf(Leaf::Paragraph { implicit: false }, sc);
            }
        }
    }

    fn end(&mut self, tag: TagEnd, out: &mut Lines, sc: &mut Scratch) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::DefinitionList => self.flush_leaf(out, sc),
            TagEnd::HtmlBlock => self.state.leaf = Leaf::None,
            TagEnd::BlockQuote(_) => {
                self.flush_implicit(out, sc);
                self.state.stack.pop();
            }
            TagEnd::CodeBlock => self.code_end(out, sc),
            TagEnd::List(_) => {
                self.flush_implicit(out, sc);
                self.state.stack.pop();
            }
            TagEnd::Item | TagEnd::FootnoteDefinition => {
                self.flush_implicit(out, sc);
                if self.state.stack.last().is_some_and(|c| c.marker.is_some()) {
                    // An empty item still shows its marker.
                    let mut sink = self.sink(out, sc);
                    sink.begin();
                    sink.end();
                }
                self.state.stack.pop();
            }
            TagEnd::Table => {
                let cfg = self.cfg;
                let table = std::mem::take(&mut sc.table);
                self.with_pieces(out, sc, |items, avail, sink| {
                    table::render(&table, items, avail, cfg, sink);
                });
                sc.table = table;
                self.state.leaf = Leaf::None;
                sc.clear_inline();
            }
            TagEnd::TableHead | TagEnd::TableRow => sc.table.end_row(),
            TagEnd::TableCell => sc.table.end_cell(sc.pieces.len()),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {
                sc.styles.pop();
            }
            TagEnd::Link | TagEnd::Image => self.end_link(sc),
        }
    }

    // ---- blocks ----

    /// Separator logic before any block (see the module docs).
    fn begin_block(&mut self, pos: usize, src: &str, out: &mut Lines, sc: &mut Scratch) {
        self.flush_implicit(out, sc);
        match self.state.stack.last_mut() {
            None => {
                if self.state.emitted_any {
                    out.end_line();
                }
                self.state.emitted_any = true;
            }
            Some(c) => {
                c.children += 1;
                if c.children > 1 && prev_line_blank(src, pos).unwrap_or(self.state.seg_prev_blank)
                {
                    self.sink(out, sc).blank();
                }
            }
        }
    }

    fn begin_leaf(&mut self, leaf: Leaf, sc: &mut Scratch) {
        self.state.leaf = leaf;
        let base = match leaf {
            Leaf::Heading(l) => self.cfg.theme.heading[(l as usize).clamp(1, 6) - 1],
            Leaf::Html => self.cfg.theme.html,
            _ if self.state.stack.iter().any(|c| c.kind == Kind::Quote) => {
                self.cfg.theme.quote_text
            }
            _ => Style::PLAIN,
        };
        sc.clear_inline();
        sc.reset_inline(base);
    }

    /// Inline content outside a paragraph (tight list items) opens an implicit paragraph.
    fn ensure_leaf(&mut self, range: Range<usize>, src: &str, out: &mut Lines, sc: &mut Scratch) {
        if self.state.leaf == Leaf::None {
            self.begin_block(range.start, src, out, sc);
            self.begin_leaf(Leaf::Paragraph { implicit: true }, sc);
        }
    }

    fn flush_implicit(&mut self, out: &mut Lines, sc: &mut Scratch) {
        if self.state.leaf == (Leaf::Paragraph { implicit: true }) {
            self.flush_leaf(out, sc);
        }
    }

    fn inline_text(
        &mut self,
        t: &str,
        style: Option<Style>,
        range: Range<usize>,
        src: &str,
        out: &mut Lines,
        sc: &mut Scratch,
    ) {
        self.ensure_leaf(range, src, out, sc);
        let style = style.unwrap_or_else(|| sc.top_style());
        let start = sc.buf.len();
        if !crate::sanitize::needs_sanitizing(t) {
            // No control character, tab or newline (the common case): copied as it is.
            sc.buf.push_str(t);
            self.push_piece_range(start, style, sc);
            return;
        }
        // Newlines inside inline text (inline HTML spanning lines) read as spaces; tabs stay
        // for the wrapper to expand.
        for (i, part) in t.split('\n').enumerate() {
            if i > 0 {
                sc.buf.push(' ');
            }
            for (j, seg) in part.split('\t').enumerate() {
                if j > 0 {
                    sc.buf.push('\t');
                }
                push_sanitized(&mut sc.buf, seg, self.cfg.control_chars);
            }
        }
        self.push_piece_range(start, style, sc);
    }

    fn push_piece_range(&mut self, start: usize, style: Style, sc: &mut Scratch) {
        let start = join_cluster(sc, start);
        if sc.buf.len() == start {
            return;
        }
        let link = if self.cfg.hyperlinks {
            sc.links.last().map(|l| l.url).filter(|u| u.1 > u.0)
        } else {
            None
        };
        sc.pieces.push(PieceRec {
            text: (start as u32, sc.buf.len() as u32),
            style,
            link,
            hard_break: false,
        });
    }

    fn push_link(&mut self, url: &str, kind: LinkType, image: bool, sc: &mut Scratch) {
        let start = sc.buf.len();
        if self.cfg.hyperlinks {
            if let Some(u) = osc8_url(url) {
                sc.buf.push_str(&u);
            }
        } else {
            push_sanitized(&mut sc.buf, url, self.cfg.control_chars);
        }
        let url_range = (start as u32, sc.buf.len() as u32);
        let display_url = !matches!(kind, LinkType::Autolink | LinkType::Email) || image;
        sc.links.push(LinkRec {
            url: url_range,
            text_start: sc.pieces.len() as u32,
            display_url,
            image,
        });
    }

    fn end_link(&mut self, sc: &mut Scratch) {
        sc.styles.pop();
        let Some(link) = sc.links.pop() else { return };
        if link.image {
            let start = sc.buf.len();
            sc.buf.push(']');
            self.push_piece_range(start, sc.top_style().patch(self.cfg.theme.image), sc);
        }
        if self.cfg.hyperlinks || !link.display_url || link.url.0 == link.url.1 {
            return;
        }
        // Show the URL after the text when it differs from the text.
        let url = &sc.buf[link.url.0 as usize..link.url.1 as usize];
        let mut text = String::new();
        for p in &sc.pieces[link.text_start as usize..] {
            text.push_str(&sc.buf[p.text.0 as usize..p.text.1 as usize]);
        }
        let text = text.trim_start_matches("[image: ").trim_end_matches(']');
        if text == url || url.strip_prefix("mailto:") == Some(text) {
            return;
        }
        let url = url.to_owned();
        let start = sc.buf.len();
        sc.buf.push_str(" (");
        sc.buf.push_str(&url);
        sc.buf.push(')');
        let style = sc
            .styles
            .first()
            .copied()
            .unwrap_or_default()
            .patch(self.cfg.theme.link_url);
        sc.pieces.push(PieceRec {
            text: (start as u32, sc.buf.len() as u32),
            style,
            link: None,
            hard_break: false,
        });
    }

    /// Wraps and writes the open leaf (paragraph or heading).
    fn flush_leaf(&mut self, out: &mut Lines, sc: &mut Scratch) {
        let leaf = std::mem::take(&mut self.state.leaf);
        if let Leaf::Heading(level) = leaf {
            self.push_container(Container {
                kind: Kind::Heading,
                marker: Some(Marker::Heading(level)),
                indent: level as usize + 1,
                children: 0,
                bullets: 0,
            });
        }
        let tab_width = self.cfg.tab_width;
        self.with_pieces(out, sc, |items, avail, sink| {
            wrap::wrap(items, avail, tab_width, sink);
        });
        if matches!(leaf, Leaf::Heading(_)) {
            self.state.stack.pop();
        }
        sc.clear_inline();
    }

    /// Runs `f` with the collected inline pieces, the available width and a prefix sink.
    fn with_pieces(
        &mut self,
        out: &mut Lines,
        sc: &mut Scratch,
        f: impl FnOnce(&[Piece<'_>], usize, &mut PrefixSink<'_>),
    ) {
        let Scratch {
            buf,
            pieces,
            bump,
            marker,
            ..
        } = &mut *sc;
        let items =
            bumpalo::collections::Vec::from_iter_in(pieces.iter().map(|p| piece_of(p, buf)), bump);
        let mut sink = PrefixSink {
            out,
            stack: &mut self.state.stack,
            theme: &self.cfg.theme,
            width: self.cfg.width,
            mbuf: marker,
        };
        let avail = sink.avail();
        f(&items, avail, &mut sink);
    }

    /// Shows `text` as plain source lines in a block of its own (the fallback when parsing
    /// it failed). Open containers are closed first.
    pub(crate) fn plain_block(&mut self, text: &str, out: &mut Lines, sc: &mut Scratch) {
        self.state.stack.clear();
        self.state.code = None;
        self.state.leaf = Leaf::None;
        self.begin_block(0, "", out, sc);
        self.state.leaf = Leaf::Html;
        self.source_lines(text.trim_end_matches(['\n', '\r']), Style::PLAIN, out, sc);
        self.state.leaf = Leaf::None;
    }

    fn html_text(&mut self, t: &str, out: &mut Lines, sc: &mut Scratch) {
        self.source_lines(t, self.cfg.theme.html, out, sc);
    }

    /// Lays out each source line of `t` on its own, wrapped, in `style`.
    fn source_lines(&mut self, t: &str, style: Style, out: &mut Lines, sc: &mut Scratch) {
        for line in t.split_inclusive('\n') {
            let line = line.strip_suffix('\n').unwrap_or(line);
            let line = line.strip_suffix('\r').unwrap_or(line);
            sc.buf.clear();
            sc.pieces.clear();
            self.inline_text(line, Some(style), 0..0, "", out, sc);
            self.state.leaf = Leaf::Html;
            let tab_width = self.cfg.tab_width;
            self.with_pieces(out, sc, |items, avail, sink| {
                wrap::wrap(items, avail, tab_width, sink);
            });
        }
        sc.buf.clear();
        sc.pieces.clear();
    }

    // ---- code blocks (also driven directly by the stream in fence mode) ----

    /// Opens a code block and writes its header line.
    pub(crate) fn code_start(
        &mut self,
        info: &str,
        fenced: bool,
        out: &mut Lines,
        sc: &mut Scratch,
    ) {
        let cfg = self.cfg;
        let state = CodeState::new(info, cfg.highlight && fenced, &cfg.theme.syntax_theme);
        self.state.code = Some(OpenCode {
            state,
            partial: String::new(),
        });
        let label = crate::highlight::language_tag(info);
        let mut sink = self.sink(out, sc);
        let avail = sink.avail();
        sink.begin();
        code::header(&mut sink, label, &cfg.theme, avail, cfg.control_chars);
        sink.end();
    }

    /// Starts a top-level fenced code block (fence mode): the block separator and header.
    pub(crate) fn fence_start(&mut self, info: &str, out: &mut Lines, sc: &mut Scratch) {
        self.begin_block(0, "", out, sc);
        self.code_start(info, true, out, sc);
    }

    /// Writes one complete code line (with its `\n`, or without for a block's last line).
    pub(crate) fn code_line(&mut self, line: &str, out: &mut Lines, sc: &mut Scratch) {
        let cfg = self.cfg;
        let Some(mut open) = self.state.code.take() else {
            return;
        };
        {
            let mut sink = self.sink(out, sc);
            let avail = sink.avail();
            code::line(
                &mut sink,
                line,
                &mut open.state,
                &cfg.theme,
                avail,
                cfg.wrap_code,
                cfg.tab_width,
                cfg.control_chars,
            );
        }
        self.state.code = Some(open);
    }

    fn code_text(&mut self, t: &str, out: &mut Lines, sc: &mut Scratch) {
        let Some(open) = self.state.code.as_mut() else {
            return;
        };
        let mut rest = t;
        if !open.partial.is_empty() {
            let Some(i) = rest.find('\n') else {
                open.partial.push_str(rest);
                return;
            };
            let mut line = std::mem::take(&mut open.partial);
            line.push_str(&rest[..=i]);
            rest = &rest[i + 1..];
            self.code_line(&line, out, sc);
        }
        while let Some(i) = rest.find('\n') {
            let (line, tail) = rest.split_at(i + 1);
            self.code_line(line, out, sc);
            rest = tail;
        }
        if let Some(open) = self.state.code.as_mut() {
            open.partial.push_str(rest);
        }
    }

    /// Closes the open code block: its unfinished last line, then the footer.
    pub(crate) fn code_end(&mut self, out: &mut Lines, sc: &mut Scratch) {
        let Some(open) = self.state.code.as_mut() else {
            return;
        };
        let partial = std::mem::take(&mut open.partial);
        if !partial.is_empty() {
            self.code_line(&partial, out, sc);
        }
        self.state.code = None;
        let theme = &self.cfg.theme;
        let mut sink = self.sink(out, sc);
        sink.begin();
        code::footer(&mut sink, theme);
        sink.end();
    }

    /// Pushes a container, inheriting the count of open bullet lists.
    fn push_container(&mut self, mut c: Container) {
        let parent = self.state.stack.last().map_or(0, |p| p.bullets);
        c.bullets = parent + u32::from(matches!(c.kind, Kind::List { next: None }));
        self.state.stack.push(c);
    }

    /// Ends the document: closes whatever is open.
    pub fn finish(&mut self, out: &mut Lines, sc: &mut Scratch) {
        self.flush_implicit(out, sc);
        if self.state.code.is_some() {
            self.code_end(out, sc);
        }
        while let Some(c) = self.state.stack.pop() {
            if c.marker.is_some() && c.kind != Kind::Heading {
                self.state.stack.push(c);
                let mut sink = self.sink(out, sc);
                sink.begin();
                sink.end();
                self.state.stack.pop();
            }
        }
        self.state.leaf = Leaf::None;
    }
}

/// Text that extends the previous piece's last grapheme cluster (a VS16 or a combining mark
/// arriving in its own text event, after an entity or a style change) joins that piece, so
/// no cluster spans two pieces and every width is measured on whole clusters (FUZZING.md
/// finding 1). Returns the new start of the text at `start`.
fn join_cluster(sc: &mut Scratch, start: usize) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    let Some(prev) = sc.pieces.last_mut() else {
        return start;
    };
    let first = sc.buf[start..].chars().next();
    if prev.hard_break
        || prev.text.1 as usize != start
        || !first.is_some_and(|c| {
            !c.is_ascii() && unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) == 0
        })
    {
        return start;
    }
    let ps = prev.text.0 as usize;
    let crossing = sc.buf[ps..]
        .grapheme_indices(true)
        .map(|(at, g)| (ps + at, ps + at + g.len()))
        .find(|&(a, e)| a < start && e > start);
    match crossing {
        Some((_, end)) => {
            prev.text.1 = end as u32;
            end
        }
        None => start,
    }
}

fn piece_of<'b>(p: &PieceRec, buf: &'b str) -> Piece<'b> {
    if p.hard_break {
        Piece::hard_break()
    } else {
        Piece {
            text: &buf[p.text.0 as usize..p.text.1 as usize],
            style: p.style,
            link: p.link.map(|l| &buf[l.0 as usize..l.1 as usize]),
            hard_break: false,
        }
    }
}

fn decimal_width(mut n: u64) -> usize {
    let mut w = 1;
    while n >= 10 {
        n /= 10;
        w += 1;
    }
    w
}

fn truncate_to_width(s: &str, max: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    if str_width(s) <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut w = 0;
    for g in s.graphemes(true) {
        let gw = crate::width::grapheme_width(g);
        if w + gw + 1 > max {
            break;
        }
        out.push_str(g);
        w += gw;
    }
    out.push('…');
    out
}
