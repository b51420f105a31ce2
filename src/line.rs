//! The output model: styled spans grouped into lines, stored in one growable buffer.
//!
//! [`Lines`] is an append-only arena of lines in struct-of-arrays form: all text in one
//! `String`, one 8-byte record per span and one 16-byte record per line. A span record
//! holds where its text ends (relative to its line, so a buffer may hold more than 4 GiB)
//! and an *attribute* id: an index into a small table of the distinct (style, link) pairs,
//! which a document has a few dozen of. Appending a line allocates nothing once the buffer
//! has grown, clearing keeps the capacity, and a whole buffer can be handed back to the
//! renderer's pool. [`Line`] and [`Span`] are borrowed views into it (the ratatui
//! `Line { spans }` / `Span { style, content }` shape, without owning the text).

use crate::style::Style;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// One span: its text ends at `end` bytes after its line's text start; its look is
/// `attrs[attr]`.
#[derive(Clone, Copy, Debug)]
struct SpanRec {
    end: u32,
    attr: u32,
}

/// One line in 16 bytes: where its text ends in the buffer (low 48 bits of `end`) and the
/// bytes of its prefix (high 16 bits); where its spans end; its width in columns (low 24
/// bits of `meta`, saturating) and its kind, join and gutter (high 8 bits, see [`Meta`]).
#[derive(Clone, Copy, Debug)]
struct LineRec {
    end: u64,
    spans_end: u32,
    meta: u32,
}

const TEXT_END_BITS: u32 = 48;
const WIDTH_BITS: u32 = 24;
const MAX_STORED_WIDTH: usize = (1 << WIDTH_BITS) - 1;

impl LineRec {
    fn text_end(self) -> usize {
        (self.end & ((1 << TEXT_END_BITS) - 1)) as usize
    }
    fn prefix(self) -> usize {
        (self.end >> TEXT_END_BITS) as usize
    }
    fn spans_end(self) -> usize {
        self.spans_end as usize
    }
    fn width(self) -> usize {
        (self.meta & ((1 << WIDTH_BITS) - 1)) as usize
    }
    fn meta(self) -> Meta {
        Meta((self.meta >> WIDTH_BITS) as u8)
    }
}

/// A line's kind (low 4 bits), how it joins the line before (2 bits), and whether it
/// starts with a code gutter after its container prefix (1 bit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Meta(u8);

const KINDS: [LineKind; 10] = [
    LineKind::Text,
    LineKind::Heading,
    LineKind::Code,
    LineKind::CodeFrame,
    LineKind::Table,
    LineKind::TableRule,
    LineKind::Rule,
    LineKind::Html,
    LineKind::LinkReference,
    LineKind::Blank,
];

impl Meta {
    fn kind(self) -> LineKind {
        KINDS[(self.0 & 0xf) as usize % KINDS.len()]
    }
    fn with_kind(self, k: LineKind) -> Self {
        Self(self.0 & !0xf | k as u8)
    }
    fn join(self) -> Option<Join> {
        match (self.0 >> 4) & 3 {
            1 => Some(Join::Space),
            2 => Some(Join::Direct),
            _ => None,
        }
    }
    fn with_join(self, j: Option<Join>) -> Self {
        let bits = match j {
            None => 0,
            Some(Join::Space) => 1,
            Some(Join::Direct) => 2,
        };
        Self(self.0 & !0x30 | bits << 4)
    }
    fn gutter(self) -> bool {
        self.0 & 0x40 != 0
    }
    fn with_gutter(self) -> Self {
        Self(self.0 | 0x40)
    }
}

/// What a line shows, for an app that copies text or treats blocks apart. Blocks are
/// CommonMark's (see the crate docs, *Output*): a container's prefix (quote bars, list
/// markers and indents) is [`Line::prefix`]; the kind is that of the leaf block inside.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LineKind {
    /// A paragraph's line, or any other inline text (a footnote definition, a list item's
    /// text, source shown as text).
    Text,
    /// An ATX or setext heading's line (the `#` marks are its prefix).
    Heading,
    /// A row of a code block's text (fenced or indented). [`Line::content`] is the code,
    /// after the `│ ` gutter; a row that [`continues`](Line::continues) the one before is
    /// the rest of a long code line.
    Code,
    /// A code block's frame: the `╭─ lang` header or the `╰─` footer.
    CodeFrame,
    /// A row of a GFM table's cells (with the `│` borders between them).
    Table,
    /// A GFM table's border or header rule.
    TableRule,
    /// A thematic break.
    Rule,
    /// A row of an HTML block shown as its source (HTML that termark does not render:
    /// see the crate docs, *Raw HTML* among the rules). A row that
    /// [`continues`](Line::continues) the one before is the rest of a long source line,
    /// after a `↪` mark in its [`prefix`](Line::prefix). Rendered HTML gives
    /// [`Text`](Self::Text) and [`Heading`](Self::Heading) lines.
    Html,
    /// A link destination listed after its block (`[1]: https://…`, see
    /// [`LinkStyle::Reference`](crate::LinkStyle::Reference)), or a link reference
    /// definition shown where it stands (`[docs]: https://…`, for a label an earlier block
    /// used before the definition arrived).
    LinkReference,
    /// A blank line between blocks (it may hold a container's prefix, such as a quote bar).
    Blank,
}

/// How a wrapped row follows the row before it: the two were one line of the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Join {
    /// The line was broken at a space, which the wrap dropped.
    Space,
    /// The line was broken inside a word or a code line, or between two CJK characters:
    /// nothing was dropped.
    Direct,
}

/// A span's look: the style ([`Style::packed`]), and the link as index + 1 into `links`
/// (0: none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct Attr {
    style: u64,
    link: u32,
}

/// [`Lines::cost`] of a span beyond its text: the longest SGR sequence a span can need
/// (reset, every modifier, 24-bit fg and bg).
pub(crate) const SPAN_COST: u64 = 48;
/// [`Lines::cost`] of a line beyond its spans: its end (and reset).
pub(crate) const LINE_COST: u64 = 8;
/// [`Lines::cost`] of a span that opens a link, beyond the URL: `ESC ] 8 ; ; ESC \\` twice.
pub(crate) const OSC8_COST: u64 = 14;

/// Recently used attributes kept in front of the attribute table's hash map.
const RECENT_ATTRS: usize = 4;
/// `Lines::last` when there is no last span to continue.
const NO_SPAN: (Style, u32, u32) = (Style::PLAIN, u32::MAX, 0);

/// An append-only buffer of styled lines.
///
/// Units: [`Line::width`] is in display columns (see the crate docs, *Display width*); all
/// offsets are bytes. Memory: the text, 8 bytes per span and 16 per line
/// ([`heap_bytes`](Self::heap_bytes) counts capacities). One buffer holds up to 2³² spans
/// and 2⁴⁸ bytes of text; a line's stored width saturates at 16,777,215 columns (only an
/// app's own lines can be that wide).
#[derive(Clone, Debug)]
pub struct Lines {
    text: String,
    spans: Vec<SpanRec>,
    recs: Vec<LineRec>,
    attrs: Vec<Attr>,
    attr_ids: FxHashMap<Attr, u32>,
    /// The attributes used last, with their ids (id + 1; 0: empty slot), round robin.
    recent: [(Attr, u32); RECENT_ATTRS],
    recent_next: u8,
    /// Style, link and attribute id of the last span (link `NO_SPAN`: no span to continue).
    last: (Style, u32, u32),
    /// The look of a span before the last one with another look (same form).
    prev: (Style, u32, u32),
    links: Vec<(usize, usize)>,
    link_text: String,
    /// The line being built: its first span and its text start (`None`: no line open).
    open: Option<(usize, usize)>,
    open_width: usize,
    /// Prefix bytes of the line being built.
    open_prefix: usize,
    /// Kind, join and gutter of the line being built; the kind carries over to the next.
    open_meta: Meta,
    /// Running sum, over every span added with a link, of its URL's bytes and an OSC 8
    /// pair ([`cost`](Self::cost) includes it; differences of two costs are taken).
    link_cost: u64,
}

impl Default for Lines {
    fn default() -> Self {
        Self {
            text: String::new(),
            spans: Vec::new(),
            recs: Vec::new(),
            attrs: Vec::new(),
            attr_ids: FxHashMap::default(),
            recent: [(Attr::default(), 0); RECENT_ATTRS],
            recent_next: 0,
            last: NO_SPAN,
            prev: NO_SPAN,
            links: Vec::new(),
            link_text: String::new(),
            open: None,
            open_width: 0,
            open_prefix: 0,
            open_meta: Meta::default(),
            link_cost: 0,
        }
    }
}

impl Lines {
    /// An empty buffer; allocates nothing until the first line.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of finished lines.
    #[must_use]
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// True if there is no finished line.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// The line at `index`, or `None` past the end.
    #[must_use]
    pub fn get(&self, index: usize) -> Option<Line<'_>> {
        (index < self.recs.len()).then_some(Line { buf: self, index })
    }

    /// All lines, in order.
    #[must_use]
    pub fn iter(&self) -> LineIter<'_> {
        self.range(0..self.len())
    }

    /// The lines with indices in `range` (clamped to the buffer).
    #[must_use]
    pub fn range(&self, range: Range<usize>) -> LineIter<'_> {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        LineIter {
            buf: self,
            range: start..end,
        }
    }

    /// Removes every line and link, keeping the allocated capacity.
    pub fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.recs.clear();
        self.links.clear();
        self.link_text.clear();
        self.open = None;
        self.open_width = 0;
        self.open_prefix = 0;
        self.open_meta = Meta::default();
        self.last = NO_SPAN;
    }

    /// Bytes of heap this buffer holds (capacities, not lengths).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.link_text.capacity()
            + self.spans.capacity() * std::mem::size_of::<SpanRec>()
            + self.recs.capacity() * std::mem::size_of::<LineRec>()
            + self.links.capacity() * std::mem::size_of::<(usize, usize)>()
            + self.attrs.capacity() * std::mem::size_of::<Attr>()
            + self.attr_ids.capacity() * (std::mem::size_of::<(Attr, u32)>() + 1)
    }

    /// `heap_bytes() > 0`, looking at the text buffer first (which has capacity whenever
    /// the lines are in use): for a check on every push.
    pub(crate) fn holds_heap(&self) -> bool {
        self.text.capacity() > 0 || self.heap_bytes() > 0
    }

    /// Frees all memory (unlike [`clear`](Self::clear)).
    pub fn shrink_to_nothing(&mut self) {
        *self = Self::new();
    }

    /// Frees the spare capacity, keeping the lines (for a finished message an app keeps).
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.spans.shrink_to_fit();
        self.recs.shrink_to_fit();
        self.links.shrink_to_fit();
        self.link_text.shrink_to_fit();
        self.attrs.shrink_to_fit();
        self.attr_ids.shrink_to_fit();
    }

    /// Makes room for about `bytes` more bytes of text (and the spans and lines that usually
    /// come with them), so a render of known size grows its buffers once.
    pub(crate) fn reserve_for_text(&mut self, bytes: usize) {
        self.text.reserve(bytes);
        self.spans.reserve(bytes / 12);
        self.recs.reserve(bytes / 40);
    }

    /// Appends a copy of `line` (from this buffer or another) as a finished line.
    pub fn push_line(&mut self, line: Line<'_>) {
        for span in line.spans() {
            self.push_measured(span.text, span.style, span.link, 0);
        }
        let rec = line.rec();
        self.open_width = rec.width();
        self.open_prefix = rec.prefix();
        let kind = self.open_meta.kind();
        self.open_meta = rec.meta();
        self.end_line_untrimmed();
        self.open_meta = self.open_meta.with_kind(kind);
    }

    /// A position to [`reset_to`](Self::reset_to) (closes no line).
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            recs: self.recs.len(),
            spans: self.spans.len(),
            text: self.text.len(),
            links: self.links.len(),
            link_text: self.link_text.len(),
            link_cost: self.link_cost,
        }
    }

    /// An upper bound of the bytes an [`AnsiWriter`](crate::AnsiWriter) writes for the whole
    /// buffer (no drain in between): the text, every span's SGR sequence, an OSC 8 pair with
    /// its URL for every span that opened a link, and the line ends. The difference of two
    /// costs is the cost of what was appended between them (negative if more was taken
    /// back).
    pub(crate) fn cost(&self) -> u64 {
        Self::cost_of(
            self.text.len(),
            self.spans.len(),
            self.recs.len(),
            self.link_cost,
        )
    }

    fn cost_of(text: usize, spans: usize, recs: usize, link_cost: u64) -> u64 {
        // (The OSC 8 pairs with their URLs are counted for every span added with a link, as
        // it is added: a link continued from the span before is written once, and a span
        // taken back is not written, so this is an upper bound.)
        text as u64 + spans as u64 * SPAN_COST + recs as u64 * LINE_COST + link_cost
    }

    /// Drops everything appended since `mark`.
    pub(crate) fn reset_to(&mut self, mark: Mark) {
        self.recs.truncate(mark.recs);
        self.spans.truncate(mark.spans);
        self.text.truncate(mark.text);
        self.links.truncate(mark.links);
        self.link_text.truncate(mark.link_text);
        self.link_cost = mark.link_cost;
        self.open = None;
        self.open_width = 0;
        self.last = NO_SPAN;
        // The attribute table stays: an attribute names a link by its index, and the links
        // kept keep theirs.
    }

    // ---- copying ----

    /// The lines as plain text, for a clipboard: see
    /// [`write_plain_text`](Self::write_plain_text).
    #[must_use]
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        self.write_plain_text(0..self.len(), &mut out);
        out
    }

    /// Appends the lines with indices in `range` (clamped) to `out` as plain text, each
    /// source line once, ending with a newline:
    ///
    /// - rows that a wrap broke are joined again, with the space the wrap dropped
    ///   ([`Line::continues`]);
    /// - code blocks lose their frame, gutter and `↪` marks, and their rows the padding
    ///   of a code background;
    /// - table borders and header rules are left out (rows keep the `│` between cells);
    /// - quote bars become `> `; list markers, indents and heading marks stay.
    pub fn write_plain_text(&self, range: Range<usize>, out: &mut String) {
        let mut first = true;
        for line in self.range(range) {
            let kind = line.kind();
            if matches!(kind, LineKind::CodeFrame | LineKind::TableRule) {
                continue;
            }
            let content = line.content();
            match line.continues() {
                Some(Join::Space) if !first => {
                    out.push(' ');
                    out.push_str(content);
                }
                Some(Join::Direct) if !first => out.push_str(content),
                _ => {
                    if !first {
                        trim_spaces(out);
                        out.push('\n');
                    }
                    let start = out.len();
                    for part in line.container_prefix().split_inclusive(' ') {
                        out.push_str(match part {
                            "│ " => "> ",
                            "│" => ">",
                            p => p,
                        });
                    }
                    out.push_str(content);
                    if content.is_empty() {
                        let kept = out[start..].trim_end_matches(' ').len();
                        out.truncate(start + kept);
                    }
                }
            }
            first = false;
        }
        if !first {
            trim_spaces(out);
            out.push('\n');
        }
    }

    /// The code blocks among the lines, in order: for a "copy code" button.
    pub fn code_blocks(&self) -> CodeBlocks<'_> {
        CodeBlocks { buf: self, next: 0 }
    }

    /// The text of the code rows with indices in `range` (clamped), as it was in the
    /// source, one line per code line, each ending with a newline: no container prefix,
    /// gutter or `↪` mark, and long lines whole again. Tabs come out as the spaces they
    /// were expanded to, and control characters as their visible symbols (see the crate
    /// docs, *Control characters*). Rows of other kinds in the range are skipped.
    #[must_use]
    pub fn code_text(&self, range: Range<usize>) -> String {
        let mut out = String::new();
        let mut open = false;
        for line in self.range(range) {
            if line.kind() != LineKind::Code {
                continue;
            }
            if open && line.continues().is_none() {
                trim_spaces(&mut out);
                out.push('\n');
            }
            out.push_str(line.content());
            open = true;
        }
        if open {
            trim_spaces(&mut out);
            out.push('\n');
        }
        out
    }

    // ---- building ----

    /// Appends `text` in `style` to the line being built, starting a line if none is open
    /// (for an app's own lines beside termark's: a header, a status, a separator). End the
    /// line with [`end_line`](Self::end_line); until then it is not counted by
    /// [`len`](Self::len).
    ///
    /// Untrusted text is safe here: every control character is shown as a visible symbol
    /// (a newline as `␊`, ESC as `␛`), as [`ControlChars::Visible`](crate::ControlChars)
    /// does, and a tab as one space, so the line stays one terminal row. Its width is measured in display columns;
    /// no width limit applies to an app's own lines.
    pub fn push_span(&mut self, text: &str, style: Style) {
        self.push_app_text(text, style, None);
    }

    /// [`push_span`](Self::push_span) as a link to `url`: the writer emits it as an OSC 8
    /// hyperlink when its renderer's hyperlinks are on. A URL that cannot be a hyperlink
    /// (empty, or longer than [`limits::MAX_URL_BYTES`](crate::limits::MAX_URL_BYTES)) leaves
    /// plain text; a URL's unsafe and non-ASCII characters are percent-encoded.
    pub fn push_link(&mut self, text: &str, style: Style, url: &str) {
        let url = crate::sanitize::osc8_url(url);
        self.push_app_text(text, style, url.as_deref());
    }

    fn push_app_text(&mut self, text: &str, style: Style, link: Option<&str>) {
        if crate::sanitize::needs_sanitizing(text) {
            let mut clean = String::with_capacity(text.len() + 8);
            crate::sanitize::push_sanitized(&mut clean, text, crate::ControlChars::Visible);
            let width = crate::width::str_width(&clean);
            self.push_measured(&clean, style, link, width);
        } else {
            let width = crate::width::str_width(text);
            self.push_measured(text, style, link, width);
        }
    }

    /// Appends `text` with `style` to the open line (opening one if needed).
    #[cfg(test)]
    pub(crate) fn push(&mut self, text: &str, style: Style, link: Option<&str>) {
        let width = crate::width::str_width(text);
        self.push_measured(text, style, link, width);
    }

    /// Appends `text` of `width` display columns to the open line (opening one if needed).
    #[inline]
    pub(crate) fn push_measured(
        &mut self,
        text: &str,
        style: Style,
        link: Option<&str>,
        width: usize,
    ) {
        if text.is_empty() {
            return;
        }
        let (first, line_start) = *self.open.get_or_insert((self.spans.len(), self.text.len()));
        let link_id = match link {
            None => 0,
            Some(url) => self.intern_link(url),
        };
        self.text.push_str(text);
        self.open_width += width;
        let end = (self.text.len() - line_start) as u32;
        // The last span's look is at hand: most pushes continue it.
        let same = self.last.1 == link_id && self.last.0 == style;
        if same && self.spans.len() > first {
            let last = self.spans.last_mut().expect("open line has a span");
            last.end = end;
            return;
        }
        let attr = if same {
            self.last.2
        } else if self.prev.1 == link_id && self.prev.0 == style {
            // Two looks that take turns (a code row's gutter and its text).
            std::mem::swap(&mut self.last, &mut self.prev);
            self.last.2
        } else {
            let id = self.attr_id(Attr {
                style: style.packed(),
                link: link_id,
            });
            self.prev = self.last;
            self.last = (style, link_id, id);
            id
        };
        if link_id > 0 {
            let (s, e) = self.links[link_id as usize - 1];
            self.link_cost += (e - s) as u64 + OSC8_COST;
        }
        self.spans.push(SpanRec { end, attr });
    }

    /// The id of `attr` in the attribute table, adding it if new.
    fn attr_id(&mut self, attr: Attr) -> u32 {
        if let Some(&(_, id)) = self.recent.iter().find(|(a, id)| *id > 0 && *a == attr) {
            return id - 1;
        }
        let id = *self.attr_ids.entry(attr).or_insert_with(|| {
            self.attrs.push(attr);
            (self.attrs.len() - 1) as u32
        });
        self.recent[usize::from(self.recent_next)] = (attr, id + 1);
        self.recent_next = (self.recent_next + 1) % RECENT_ATTRS as u8;
        id
    }

    /// The open line's text length so far, as a position for
    /// [`unwrite`](Self::unwrite).
    pub(crate) fn write_mark(&self) -> usize {
        self.text.len()
    }

    /// Takes back the text of the open line after `mark` (a [`write_mark`](Self::write_mark)
    /// of this line), `width` columns, handing it to `back` span by span.
    pub(crate) fn unwrite(
        &mut self,
        mark: usize,
        width: usize,
        back: &mut dyn FnMut(&str, Style, Option<&str>),
    ) {
        let Some((first, line_start)) = self.open else {
            return;
        };
        if mark >= self.text.len() {
            return;
        }
        let span_start = |spans: &[SpanRec], i: usize| {
            line_start
                + if i > first {
                    spans[i - 1].end as usize
                } else {
                    0
                }
        };
        // The first span that reaches past `mark`.
        let mut i = self.spans.len();
        while i > first && span_start(&self.spans, i - 1) >= mark {
            i -= 1;
        }
        let from = if i > first && line_start + self.spans[i - 1].end as usize > mark {
            i - 1
        } else {
            i
        };
        for j in from..self.spans.len() {
            let rec = self.spans[j];
            let a = span_start(&self.spans, j).max(mark);
            let attr = self.attrs[rec.attr as usize];
            let link = (attr.link > 0).then(|| {
                let (s, e) = self.links[attr.link as usize - 1];
                &self.link_text[s..e]
            });
            back(
                &self.text[a..line_start + rec.end as usize],
                Style::from_packed(attr.style),
                link,
            );
        }
        self.spans.truncate(i);
        if from < i {
            // The span holding `mark` keeps its part before it.
            if span_start(&self.spans, from) == mark {
                self.spans.truncate(from);
            } else {
                self.spans[from].end = (mark - line_start) as u32;
            }
        }
        self.text.truncate(mark);
        self.open_width -= width;
        // What is pushed next continues the line's last span if it has its look, as if the
        // text taken back had never been pushed: a line's spans do not depend on what was
        // taken back (FUZZING.md finding 32).
        self.last = match self.spans.last() {
            Some(rec) if self.spans.len() > first => {
                let attr = self.attrs[rec.attr as usize];
                (Style::from_packed(attr.style), attr.link, rec.attr)
            }
            _ => NO_SPAN,
        };
    }

    /// Appends `n` unstyled spaces to the open line.
    pub(crate) fn push_spaces(&mut self, n: usize) {
        const SPACES: &str = "                                ";
        let mut n = n;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.push_measured(&SPACES[..k], Style::PLAIN, None, k);
            n -= k;
        }
    }

    fn intern_link(&mut self, url: &str) -> u32 {
        if let Some(&(s, e)) = self.links.last() {
            if &self.link_text[s..e] == url {
                return self.links.len() as u32;
            }
        }
        let s = self.link_text.len();
        self.link_text.push_str(url);
        self.links.push((s, self.link_text.len()));
        self.links.len() as u32
    }

    /// Ends the line being built (an empty line if none is open). Trailing spaces that do
    /// not show are trimmed (spaces with a background, underline or strikethrough are kept).
    pub fn end_line(&mut self) {
        let Some((first, line_start)) = self.open else {
            self.end_line_untrimmed();
            return;
        };
        if self.open_meta.kind() == LineKind::Code
            && self.text[line_start + self.open_prefix.min(self.text.len() - line_start)..]
                .bytes()
                .any(|b| b != b' ')
        {
            // A code row keeps its spaces: a wrapped code line is copied back whole. (A
            // row of spaces only is trimmed to its gutter, as any other line.)
            self.end_line_untrimmed();
            return;
        }
        // Trim trailing spaces that do not show (a background or an underline shows them).
        // (Most lines end in a word: nothing to look at. The open line's last span always
        // ends where the text ends, `push_measured`, `unwrite` and `reset_to` keep it so,
        // so the loop below would change nothing.)
        debug_assert_eq!(
            self.text.len(),
            line_start
                + self
                    .spans
                    .get(first..)
                    .and_then(<[_]>::last)
                    .map_or(0, |s| s.end as usize),
            "the open line's last span ends where its text ends"
        );
        if !self.text.ends_with(' ') {
            self.end_line_untrimmed();
            return;
        }
        while self.spans.len() > first {
            let n = self.spans.len();
            let look = self.attrs[self.spans[n - 1].attr as usize];
            if Style::from_packed(look.style).shows_on_blank() {
                break;
            }
            let start = if n - 1 > first {
                self.spans[n - 2].end as usize
            } else {
                0
            };
            let last = self.spans[n - 1];
            let s = &self.text[line_start + start..line_start + last.end as usize];
            let trimmed = s.trim_end_matches(' ').len();
            let removed = s.len() - trimmed;
            self.open_width -= removed;
            if trimmed == 0 {
                self.spans.pop();
            } else {
                self.spans[n - 1].end -= removed as u32;
                break;
            }
        }
        let end = line_start
            + self
                .spans
                .get(first..)
                .and_then(<[_]>::last)
                .map_or(0, |s| s.end as usize);
        self.text.truncate(end.max(line_start));
        self.end_line_untrimmed();
    }

    /// Ends the open line as it is.
    fn end_line_untrimmed(&mut self) {
        let line_start = self.open.take().map_or(self.text.len(), |(_, t)| t);
        let len = self.text.len() - line_start;
        let prefix = self.open_prefix.min(len).min(u16::MAX as usize);
        let mut meta = self.open_meta;
        if len == prefix && !matches!(meta.kind(), LineKind::Code | LineKind::CodeFrame) {
            meta = meta.with_kind(LineKind::Blank);
        }
        self.recs.push(LineRec {
            end: (self.text.len() as u64 & ((1 << TEXT_END_BITS) - 1))
                | ((prefix as u64) << TEXT_END_BITS),
            spans_end: self.spans.len() as u32,
            meta: self.open_width.min(MAX_STORED_WIDTH) as u32 | u32::from(meta.0) << WIDTH_BITS,
        });
        self.open_width = 0;
        self.open_prefix = 0;
        self.open_meta = Meta::default().with_kind(self.open_meta.kind());
    }

    /// (first span, text start) of line `i`.
    fn line_starts(&self, i: usize) -> (usize, usize) {
        match i.checked_sub(1) {
            Some(p) => (self.recs[p].spans_end(), self.recs[p].text_end()),
            None => (0, 0),
        }
    }

    // ---- line metadata, set by the layout while a line is built ----

    /// The kind of the lines built from now on.
    pub(crate) fn set_kind(&mut self, kind: LineKind) {
        self.open_meta = self.open_meta.with_kind(kind);
    }

    /// The line being built has its prefix written: its content starts here.
    pub(crate) fn mark_content(&mut self) {
        self.open_prefix = self.open.map_or(0, |(_, start)| self.text.len() - start);
    }

    /// The line being built continues the line before it (a soft wrap).
    pub(crate) fn set_join(&mut self, join: Join) {
        self.open_meta = self.open_meta.with_join(Some(join));
    }

    /// The line being built has a code gutter (written just before
    /// [`mark_content`](Self::mark_content)).
    pub(crate) fn set_gutter(&mut self) {
        self.open_meta = self.open_meta.with_gutter();
    }
}

impl<'a> IntoIterator for &'a Lines {
    type Item = Line<'a>;
    type IntoIter = LineIter<'a>;
    fn into_iter(self) -> LineIter<'a> {
        self.iter()
    }
}

impl<'a> Extend<Line<'a>> for Lines {
    /// Appends copies of the lines.
    fn extend<T: IntoIterator<Item = Line<'a>>>(&mut self, lines: T) {
        for line in lines {
            self.push_line(line);
        }
    }
}

/// Drops the spaces at the end of `out`'s last line (a code row's padding).
fn trim_spaces(out: &mut String) {
    let kept = out.trim_end_matches(' ').len();
    out.truncate(kept);
}

/// One code block of a [`Lines`] buffer (see [`Lines::code_blocks`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBlock<'a> {
    /// The block's code rows (indices into the buffer), frame lines excluded. Pass them to
    /// [`Lines::code_text`] for the code.
    pub lines: Range<usize>,
    /// The language label shown in the block's header (empty if none; cut to the width
    /// like the header).
    pub label: &'a str,
}

/// Iterator over the code blocks of a [`Lines`] buffer.
#[derive(Clone, Debug)]
pub struct CodeBlocks<'a> {
    buf: &'a Lines,
    next: usize,
}

impl<'a> Iterator for CodeBlocks<'a> {
    type Item = CodeBlock<'a>;
    fn next(&mut self) -> Option<CodeBlock<'a>> {
        let n = self.buf.len();
        let mut label = "";
        // A block starts at its header or, in a buffer that begins inside one, at a row.
        let start = loop {
            let line = self.buf.get(self.next)?;
            self.next += 1;
            match line.kind() {
                LineKind::CodeFrame if line.content().starts_with('╭') => {
                    label = line.content().trim_start_matches(['╭', '─']).trim();
                    break self.next;
                }
                LineKind::Code => break self.next - 1,
                _ => {}
            }
        };
        let mut end = start;
        while end < n
            && self
                .buf
                .get(end)
                .is_some_and(|l| l.kind() == LineKind::Code)
        {
            end += 1;
        }
        self.next = end;
        Some(CodeBlock {
            lines: start..end,
            label,
        })
    }
}

/// A rollback point of a [`Lines`] buffer.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Mark {
    recs: usize,
    spans: usize,
    text: usize,
    links: usize,
    link_text: usize,
    link_cost: u64,
}

/// One rendered line: a view of spans in a [`Lines`] buffer.
#[derive(Clone, Copy, Debug)]
pub struct Line<'a> {
    buf: &'a Lines,
    index: usize,
}

impl<'a> Line<'a> {
    /// Display width in columns (never counts escape bytes; there are none in the text).
    #[must_use]
    pub fn width(&self) -> usize {
        self.rec().width()
    }

    fn rec(&self) -> LineRec {
        self.buf.recs[self.index]
    }

    /// What the line shows (see [`LineKind`]).
    #[must_use]
    pub fn kind(&self) -> LineKind {
        self.rec().meta().kind()
    }

    /// `Some` if this row continues the row before it: both were one source line (a
    /// paragraph's line or a code line) that the wrap broke. A plain-text copy joins the
    /// two as [`Join`] says.
    #[must_use]
    pub fn continues(&self) -> Option<Join> {
        self.rec().meta().join()
    }

    /// The decoration before the content, in the line's text: container prefixes (quote
    /// bars, list markers and indents, a heading's `#` marks) and, on a code row, the `│ `
    /// gutter or the `│↪` continuation mark; on a continued HTML source row, the `↪` mark.
    #[must_use]
    pub fn prefix(&self) -> &'a str {
        &self.text()[..self.rec().prefix()]
    }

    /// The line's text after its [`prefix`](Self::prefix).
    #[must_use]
    pub fn content(&self) -> &'a str {
        &self.text()[self.rec().prefix()..]
    }

    /// The container part of the prefix (the prefix without a code gutter).
    fn container_prefix(&self) -> &'a str {
        let rec = self.rec();
        let prefix = self.prefix();
        if !rec.meta().gutter() {
            return prefix;
        }
        let gutter = if rec.meta().join().is_some() {
            "│↪"
        } else {
            "│ "
        };
        prefix.strip_suffix(gutter).unwrap_or(prefix)
    }

    /// The styled spans of this line, left to right.
    pub fn spans(&self) -> impl ExactSizeIterator<Item = Span<'a>> + DoubleEndedIterator + 'a {
        let buf = self.buf;
        let (first, text_start) = buf.line_starts(self.index);
        let last = buf.recs[self.index].spans_end();
        (first..last).map(move |i| {
            let rec = buf.spans[i];
            let start = if i > first {
                buf.spans[i - 1].end as usize
            } else {
                0
            };
            let attr = buf.attrs[rec.attr as usize];
            Span {
                text: &buf.text[text_start + start..text_start + rec.end as usize],
                style: Style::from_packed(attr.style),
                link: (attr.link > 0).then(|| {
                    let (a, b) = buf.links[attr.link as usize - 1];
                    &buf.link_text[a..b]
                }),
            }
        })
    }

    /// The line's text without any style (borrowed from the buffer).
    #[must_use]
    pub fn text(&self) -> &'a str {
        let (_, start) = self.buf.line_starts(self.index);
        &self.buf.text[start..self.buf.recs[self.index].text_end()]
    }

    /// The line's text without any style, as a new `String`.
    #[must_use]
    pub fn plain(&self) -> String {
        self.text().to_owned()
    }

    /// True if the line has no text.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.text().is_empty()
    }
}

/// A run of text in one style, optionally a hyperlink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span<'a> {
    /// The text: sanitized (no control characters), no newline, tabs already expanded.
    pub text: &'a str,
    /// How it looks.
    pub style: Style,
    /// The link target, if the span is (part of) a link; already sanitized for OSC 8.
    pub link: Option<&'a str>,
}

/// Iterator over lines of a [`Lines`] buffer.
#[derive(Clone, Debug)]
pub struct LineIter<'a> {
    buf: &'a Lines,
    range: Range<usize>,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = Line<'a>;
    fn next(&mut self) -> Option<Line<'a>> {
        let index = self.range.next()?;
        Some(Line {
            buf: self.buf,
            index,
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}
impl ExactSizeIterator for LineIter<'_> {}
impl<'a> DoubleEndedIterator for LineIter<'a> {
    fn next_back(&mut self) -> Option<Line<'a>> {
        let index = self.range.next_back()?;
        Some(Line {
            buf: self.buf,
            index,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression, fuzz finding 32: text pushed after some was taken back continues the
    /// line's last span when it has that span's look, as if nothing had been taken back.
    #[test]
    fn a_push_after_unwrite_continues_the_last_span() {
        let mut lines = Lines::new();
        lines.push("  ", Style::PLAIN, None);
        let mark = lines.write_mark();
        lines.push("hti", Style::PLAIN, None);
        lines.unwrite(mark, 3, &mut |_, _, _| {});
        lines.push("hti", Style::PLAIN, None);
        lines.end_line();
        let line = lines.get(0).unwrap();
        let spans: Vec<_> = line.spans().map(|s| s.text).collect();
        assert_eq!(spans, ["  hti"]);
    }

    #[test]
    fn trailing_spaces_are_trimmed_and_spans_merge() {
        let mut l = Lines::new();
        l.push("ab", Style::PLAIN, None);
        l.push("c ", Style::PLAIN, None);
        l.push("  ", Style::PLAIN, None);
        l.end_line();
        l.end_line();
        assert_eq!(l.len(), 2);
        let line = l.get(0).unwrap();
        assert_eq!(line.plain(), "abc");
        assert_eq!(line.width(), 3);
        assert_eq!(line.spans().count(), 1);
        assert!(l.get(1).unwrap().is_empty());
    }

    /// A line that ends in a word is stored as written (the early return of `end_line`);
    /// spaces that show (underlined) are kept at the end too.
    #[test]
    fn only_trailing_spaces_that_do_not_show_are_trimmed() {
        let under = Style::new().add_modifier(crate::style::Modifiers::UNDERLINE);
        let mut l = Lines::new();
        l.push("a  ", Style::PLAIN, None);
        l.push("b", under, None);
        l.end_line();
        l.push("c", Style::PLAIN, None);
        l.push("  ", under, None);
        l.end_line();
        let rows: Vec<(String, usize, usize)> = l
            .iter()
            .map(|line| (line.plain(), line.width(), line.spans().count()))
            .collect();
        assert_eq!(rows, [("a  b".into(), 4, 2), ("c  ".into(), 3, 2)]);
    }

    #[test]
    fn spans_keep_styles_links_and_text_across_lines() {
        let bold = Style::new().add_modifier(crate::style::Modifiers::BOLD);
        let mut l = Lines::new();
        l.push("a", bold, None);
        l.push("b", Style::PLAIN, Some("u1"));
        l.push("  ", bold, None);
        l.end_line();
        l.push("c", bold, Some("u2"));
        l.end_line();
        let spans: Vec<Vec<Span<'_>>> = l.iter().map(|line| line.spans().collect()).collect();
        assert_eq!(
            spans,
            [
                vec![
                    Span {
                        text: "a",
                        style: bold,
                        link: None
                    },
                    Span {
                        text: "b",
                        style: Style::PLAIN,
                        link: Some("u1")
                    },
                ],
                vec![Span {
                    text: "c",
                    style: bold,
                    link: Some("u2")
                }],
            ]
        );
        // A copy, appended to another buffer, is the same line.
        let mut other = Lines::new();
        other.extend(l.iter());
        let again: Vec<Vec<Span<'_>>> = other.iter().map(|line| line.spans().collect()).collect();
        assert_eq!(again, spans);
        assert_eq!(other.get(0).unwrap().width(), 2);
        // Rolling back drops lines, spans and links; the rest still reads the same.
        let mark = l.mark();
        l.push("d", Style::PLAIN, Some("u3"));
        l.end_line();
        l.reset_to(mark);
        assert_eq!(l.len(), 2);
        l.push("e", Style::PLAIN, Some("u4"));
        l.end_line();
        assert_eq!(l.get(2).unwrap().spans().next().unwrap().link, Some("u4"));
        assert_eq!(l.get(1).unwrap().spans().next().unwrap().link, Some("u2"));
    }
}
