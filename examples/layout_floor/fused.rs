//! The fused single-pass layout that issue 11 describes, rebuilt as a yardstick: pulldown-
//! cmark's events go straight into a text buffer, a buffer of style runs and a buffer of
//! line records, in one pass, with greedy wrapping whose pending break is carried across
//! events. It has what that prototype had and no more:
//!
//! - an ASCII fast path (printable ASCII a line at a time: the last space within the row,
//!   one `memrchr`) and, for other text, a word at a time measured with `unicode-width` per
//!   character; control characters are dropped (a scan of each text event);
//! - inline styles (a bit set per run), link URLs (one buffer, a range per run);
//! - block quote and list prefixes (interned per container change; a line names its
//!   prefix and does not copy it), headings (a look);
//! - fenced code and table rows as lines of their own, not wrapped (the prototype left
//!   code wrapping and table sizing out).
//!
//! Not here, as in the prototype: grapheme clusters (a ZWJ sequence or `⚠️` is measured
//! per character, so a line may be wider than it says), link destinations in the text
//! (invariant 7 with hyperlinks off), UAX #14 breaks beside wide characters (a word of CJK
//! is one unbreakable word), the streaming commit (units, checkpoints, the source buffer),
//! the output allowance, reference marks and the link list, HTML, sanitizing by escaping
//! rather than dropping, and the SGR writer. [`Fused::complete`] adds the first two, which
//! the invariants require. It is a throwaway measure, not a layout: see BENCHMARKS.md
//! (issue 11, session 17).

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use unicode_width::UnicodeWidthChar;

const BOLD: u8 = 1;
const ITALIC: u8 = 2;
const CODE: u8 = 4;
const STRIKE: u8 = 8;
const HEADING: u8 = 16;

/// One look of text: up to `end` (bytes into [`Fused::text`]), in the style bits `bits`,
/// linking to `urls[link.0..link.1]` if `link.1 > link.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub end: u32,
    pub bits: u8,
    pub link: (u32, u32),
}

/// One line: `text[start..end]` after the prefix `prefixes[prefix.0..prefix.1]`, `width`
/// columns wide without its prefix; its first run is `runs[run]` or a later one.
#[derive(Clone, Copy, Debug)]
pub struct Line {
    pub start: u32,
    pub end: u32,
    pub prefix: (u32, u32),
    pub width: u16,
    pub run: u32,
}

/// The last break of the open line: the line ends at `end` (spaces dropped), the next
/// starts at `next`, which is `col` columns into the open line; `run` holds `next - 1`.
#[derive(Clone, Copy)]
struct Break {
    end: u32,
    next: u32,
    col: usize,
    run: u32,
}

/// The prototype's state: its output buffers, which a render clears and refills (their
/// capacity kept, as termark's pool keeps its buffers), and the open line's.
#[derive(Default)]
pub struct Fused {
    /// What invariants 3 and 7 need on top of the prototype: display width by grapheme
    /// cluster (UAX #29, `unicode-segmentation`) where text is not ASCII, and every link's
    /// destination shown after its text, ` (URL)`, as termark's `links inline` form does.
    pub complete: bool,
    /// Every line's text, in order (bytes; the spaces a break dropped stay between lines).
    pub text: String,
    /// The looks of `text`, in order, each up to its `end`.
    pub runs: Vec<Run>,
    /// The lines, in order.
    pub lines: Vec<Line>,
    /// Every link destination, one after the other ([`Run::link`] ranges).
    pub urls: String,
    /// The interned line prefixes ([`Line::prefix`] ranges).
    pub prefixes: String,
    width: usize,
    // The open line.
    line_start: u32,
    line_run: u32,
    col: usize,
    brk: Option<Break>,
    in_word: bool,
    // Looks.
    looks: Vec<u8>,
    links: Vec<(u32, u32)>,
    // Containers: each one's prefix for its first line and for the rest, and whether the
    // first line is still to come.
    containers: Vec<(&'static str, &'static str, bool)>,
    prefix: (u32, u32),
    prefix_cols: usize,
    prefix_dirty: bool,
    verbatim: bool,
    shown: String,
}

impl Fused {
    /// Lays `text` out at `width` columns into the buffers (cleared first, their capacity
    /// kept).
    pub fn render(&mut self, text: &str, width: usize) {
        self.begin(width);
        for ev in Parser::new_ext(text, termark::internals::parse_options()) {
            self.event(&ev);
        }
        self.end();
    }

    /// Starts a document at `width` columns: the buffers cleared, their capacity kept.
    pub fn begin(&mut self, width: usize) {
        self.text.clear();
        self.runs.clear();
        self.lines.clear();
        self.urls.clear();
        self.prefixes.clear();
        self.looks.clear();
        self.links.clear();
        self.containers.clear();
        self.width = width;
        self.prefix = (0, 0);
        self.prefix_cols = 0;
        self.prefix_dirty = false;
        self.verbatim = false;
        self.open_line();
    }

    /// Ends the document.
    pub fn end(&mut self) {
        self.end_line(true);
    }

    fn bits(&self) -> u8 {
        self.looks.last().copied().unwrap_or(0)
    }

    fn look(&mut self, add: u8) {
        let b = self.bits() | add;
        self.looks.push(b);
    }

    /// Lays out one event of the document.
    pub fn event(&mut self, ev: &Event<'_>) {
        match ev {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {}
                Tag::Heading { .. } => self.look(HEADING | BOLD),
                Tag::BlockQuote(_) => self.container("│ ", "│ "),
                Tag::CodeBlock(kind) => {
                    if let CodeBlockKind::Fenced(lang) = kind {
                        self.push_verbatim(lang, CODE);
                        self.end_line(false);
                    }
                    self.verbatim = true;
                    self.look(CODE);
                }
                Tag::List(_) => {}
                Tag::Item => self.container("• ", "  "),
                Tag::Emphasis => self.look(ITALIC),
                Tag::Strong => self.look(BOLD),
                Tag::Strikethrough => self.look(STRIKE),
                Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                    let a = self.urls.len() as u32;
                    self.urls.push_str(dest_url);
                    self.links.push((a, self.urls.len() as u32));
                }
                Tag::Table(_) | Tag::TableHead | Tag::TableRow => self.verbatim = true,
                Tag::TableCell => self.push_verbatim("│ ", 0),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => self.end_block(),
                TagEnd::Heading(_) => {
                    self.looks.pop();
                    self.end_block();
                }
                TagEnd::BlockQuote(_) | TagEnd::Item => {
                    self.end_line(false);
                    self.containers.pop();
                    self.prefix_dirty = true;
                }
                TagEnd::List(_) => self.end_block(),
                TagEnd::CodeBlock => {
                    self.looks.pop();
                    self.verbatim = false;
                    self.end_block();
                }
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                    self.looks.pop();
                }
                TagEnd::Link | TagEnd::Image => {
                    let link = self.links.pop();
                    if let (true, Some((a, z))) = (self.complete, link) {
                        // (Through a scratch copy: `urls` is borrowed by `flow`.)
                        let mut shown = std::mem::take(&mut self.shown);
                        shown.clear();
                        shown.push_str(" (");
                        shown.push_str(&self.urls[a as usize..z as usize]);
                        shown.push(')');
                        self.flow(&shown);
                        self.shown = shown;
                    }
                }
                TagEnd::TableHead | TagEnd::TableRow => self.end_line(false),
                TagEnd::Table => {
                    self.verbatim = false;
                    self.end_block();
                }
                _ => {}
            },
            Event::Text(t) => {
                if self.verbatim {
                    let bits = self.bits();
                    let mut rest: &str = t;
                    while let Some(k) = memchr::memchr(b'\n', rest.as_bytes()) {
                        self.push_verbatim(&rest[..k], bits);
                        self.end_line(false);
                        rest = &rest[k + 1..];
                    }
                    self.push_verbatim(rest, bits);
                } else {
                    self.flow(t);
                }
            }
            Event::Code(t) => {
                self.look(CODE);
                self.flow(t);
                self.looks.pop();
            }
            Event::Html(t) | Event::InlineHtml(t) => self.flow(t),
            Event::SoftBreak => self.space(),
            Event::HardBreak => self.end_line(false),
            Event::Rule => {
                for _ in 0..self.width.saturating_sub(self.prefix_cols) {
                    self.push("─", 1);
                }
                self.end_block();
            }
            Event::TaskListMarker(done) => self.flow(if *done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(t) => self.flow(t),
            _ => {}
        }
    }

    fn container(&mut self, first: &'static str, rest: &'static str) {
        self.end_line(false);
        self.containers.push((first, rest, true));
        self.prefix_dirty = true;
    }

    /// Interns the prefix of the line about to open. It stays until the containers change,
    /// or, if this line is a container's first, until the next line, which takes the
    /// container's other prefix (`  ` after `• `).
    fn set_prefix(&mut self) {
        let a = self.prefixes.len() as u32;
        let mut cols = 0;
        let mut first = false;
        for c in &mut self.containers {
            self.prefixes.push_str(if c.2 { c.0 } else { c.1 });
            cols += 2;
            first |= std::mem::replace(&mut c.2, false);
        }
        self.prefix = (a, self.prefixes.len() as u32);
        self.prefix_cols = cols;
        self.prefix_dirty = first;
    }

    fn avail(&self) -> usize {
        self.width.saturating_sub(self.prefix_cols).max(1)
    }

    fn open_line(&mut self) {
        self.line_start = self.text.len() as u32;
        self.line_run = self.runs.len().saturating_sub(1) as u32;
        self.col = 0;
        self.brk = None;
        self.in_word = false;
    }

    /// Ends the open line; `always`: even if it is empty.
    fn end_line(&mut self, always: bool) {
        if self.col == 0 && !always {
            return;
        }
        let mut end = self.text.len() as u32;
        let mut width = self.col;
        if let Some(b) = self.brk {
            if b.next == end {
                end = b.end;
                width = b.col - (b.next - b.end) as usize;
            }
        }
        self.lines.push(Line {
            start: self.line_start,
            end,
            prefix: self.prefix,
            width: width as u16,
            run: self.line_run,
        });
        if self.prefix_dirty {
            self.set_prefix();
        }
        self.open_line();
    }

    fn end_block(&mut self) {
        self.end_line(false);
        self.end_line(true);
    }

    /// Appends `t` in the current look.
    #[inline]
    fn push(&mut self, t: &str, cols: usize) {
        self.text.push_str(t);
        let end = self.text.len() as u32;
        let bits = self.bits();
        let link = self.links.last().copied().unwrap_or((0, 0));
        match self.runs.last_mut() {
            Some(r) if r.bits == bits && r.link == link => r.end = end,
            _ => self.runs.push(Run { end, bits, link }),
        }
        self.col += cols;
    }

    fn push_verbatim(&mut self, t: &str, bits: u8) {
        if self.col == 0 && self.prefix_dirty {
            self.set_prefix();
        }
        self.looks.push(bits);
        let cols = clean_width(t, self.complete);
        self.push(t, cols);
        self.looks.pop();
    }

    fn space(&mut self) {
        if self.col == 0 {
            return; // (spaces at the start of a line are dropped)
        }
        let end = if self.in_word {
            self.text.len() as u32
        } else {
            self.brk.map_or(self.text.len() as u32, |b| b.end)
        };
        self.in_word = false;
        self.push(" ", 1);
        self.brk = Some(Break {
            end,
            next: self.text.len() as u32,
            col: self.col,
            run: (self.runs.len() - 1) as u32,
        });
    }

    /// Text that flows: words by the ASCII fast path or by `unicode-width`.
    fn flow(&mut self, t: &str) {
        let b = t.as_bytes();
        if b.iter().all(|&c| (0x20..0x7F).contains(&c)) {
            self.flow_ascii(t);
            return;
        }
        if self.complete {
            // ASCII stretches the fast way; clusters only where a character is not ASCII
            // (with the ASCII character before it, which a mark may join).
            let printable = |c: u8| (0x20..0x7F).contains(&c);
            let mut at = 0;
            while at < b.len() {
                let Some(wide) = b[at..].iter().position(|&c| !printable(c)).map(|k| at + k) else {
                    self.flow_ascii(&t[at..]);
                    return;
                };
                let from = if wide > at && b[wide - 1] != b' ' {
                    wide - 1
                } else {
                    wide
                };
                if from > at {
                    self.flow_ascii(&t[at..from]);
                }
                let to = b[wide..]
                    .iter()
                    .position(|&c| printable(c))
                    .map_or(b.len(), |k| wide + k);
                self.flow_clusters(&t[from..to]);
                at = to;
            }
            return;
        }
        // Words of any characters; control characters dropped.
        let mut start = 0;
        let mut cols = 0;
        for (k, c) in t.char_indices() {
            if c == ' ' || c.is_control() {
                if start < k {
                    self.word(&t[start..k], cols, false);
                }
                if c == ' ' {
                    self.space();
                }
                start = k + c.len_utf8();
                cols = 0;
            } else {
                cols += c.width().unwrap_or(0);
            }
        }
        if start < t.len() {
            self.word(&t[start..], cols, false);
        }
    }

    /// Printable ASCII that flows, a line at a time: what fits on the open line goes on
    /// it whole, and a line is cut at the last space within the row (one `memrchr`).
    fn flow_ascii(&mut self, mut t: &str) {
        loop {
            if self.col == 0 {
                t = t.trim_start_matches(' ');
                if t.is_empty() {
                    return;
                }
                if self.prefix_dirty {
                    self.set_prefix();
                }
            }
            let b = t.as_bytes();
            // (The open line may end in spaces past the row: a soft break at its end.)
            let room = self.avail().saturating_sub(self.col);
            if b.len() <= room {
                // All of it fits: the last space in it is the open line's last break.
                let start = self.text.len() as u32;
                let at_word = self.in_word;
                self.push(t, b.len());
                if let Some(k) = memchr::memrchr(b' ', b) {
                    let mut e = k;
                    while e > 0 && b[e - 1] == b' ' {
                        e -= 1;
                    }
                    let end = if e == 0 && !at_word {
                        self.brk.map_or(start, |x| x.end)
                    } else {
                        start + e as u32
                    };
                    self.brk = Some(Break {
                        end,
                        next: start + k as u32 + 1,
                        col: self.col - (b.len() - k - 1),
                        run: (self.runs.len() - 1) as u32,
                    });
                    self.in_word = k + 1 < b.len();
                } else {
                    self.in_word = true;
                }
                return;
            }
            // The byte at `room` is the first past the row: a space there ends the line too.
            if let Some(k) = memchr::memrchr(b' ', &b[..=room]) {
                let mut e = k;
                while e > 0 && b[e - 1] == b' ' {
                    e -= 1;
                }
                if e > 0 || self.in_word {
                    self.push(&t[..e], e);
                    self.in_word = false;
                    self.brk = None;
                }
                self.end_line(false);
                t = &t[k + 1..];
                continue;
            }
            // No space within the row in this text: the open line's last break, or a cut.
            let w = memchr::memchr(b' ', b).unwrap_or(b.len());
            self.word(&t[..w], w, true);
            t = &t[w..];
            if t.is_empty() {
                return;
            }
        }
    }

    /// [`flow`](Self::flow) of text that is not all printable ASCII, by grapheme cluster
    /// (each measured by `unicode-width` as a whole), control characters dropped.
    fn flow_clusters(&mut self, t: &str) {
        use unicode_segmentation::UnicodeSegmentation;
        use unicode_width::UnicodeWidthStr;
        let mut start = 0;
        let mut cols = 0;
        for (k, g) in t.grapheme_indices(true) {
            let space = g == " ";
            if space || g.chars().any(char::is_control) {
                if start < k {
                    self.word(&t[start..k], cols, false);
                }
                if space {
                    self.space();
                }
                start = k + g.len();
                cols = 0;
            } else {
                cols += g.width();
            }
        }
        if start < t.len() {
            self.word(&t[start..], cols, false);
        }
    }

    /// A piece of a word, `cols` wide: on the open line if it fits, else the line ends at
    /// its last break, or (no break: a word wider than the row) the word is cut.
    fn word(&mut self, mut w: &str, mut cols: usize, ascii: bool) {
        if self.col == 0 && self.prefix_dirty {
            self.set_prefix();
        }
        let avail = self.avail();
        while self.col + cols > avail {
            if let Some(b) = self.brk.take() {
                // The line ends at the break; the word so far opens the next one.
                let carried = self.col - b.col;
                self.lines.push(Line {
                    start: self.line_start,
                    end: b.end,
                    prefix: self.prefix,
                    width: (b.col - (b.next - b.end) as usize) as u16,
                    run: self.line_run,
                });
                if self.prefix_dirty {
                    self.set_prefix();
                }
                self.line_start = b.next;
                self.line_run = b.run;
                self.col = carried;
                continue;
            }
            if self.col > 0 && !self.in_word {
                self.end_line(false);
                continue;
            }
            // A word wider than the row: as much as fits, then a new line.
            let room = avail - self.col;
            let (cut, cut_cols) = if ascii {
                (room, room)
            } else if self.complete {
                use unicode_segmentation::UnicodeSegmentation;
                use unicode_width::UnicodeWidthStr;
                let mut c = 0;
                let mut at = 0;
                for (k, g) in w.grapheme_indices(true) {
                    let gw = g.width();
                    if c + gw > room {
                        break;
                    }
                    c += gw;
                    at = k + g.len();
                }
                (at, c)
            } else {
                let mut c = 0;
                let mut at = 0;
                for (k, ch) in w.char_indices() {
                    let cw = ch.width().unwrap_or(0);
                    if c + cw > room {
                        break;
                    }
                    c += cw;
                    at = k + ch.len_utf8();
                }
                (at, c)
            };
            if cut == 0 && self.col == 0 {
                break; // (a character wider than the row: on a line of its own)
            }
            self.push(&w[..cut], cut_cols);
            self.in_word = false;
            self.end_line(false);
            w = &w[cut..];
            cols -= cut_cols;
        }
        if !w.is_empty() {
            self.push(w, cols);
            self.in_word = true;
        }
    }
}

/// Width of verbatim text, control characters counted as none; by grapheme cluster if
/// `clusters`, else by character.
fn clean_width(t: &str, clusters: bool) -> usize {
    let b = t.as_bytes();
    if b.iter().all(|&c| (0x20..0x7F).contains(&c)) {
        return b.len();
    }
    if clusters {
        return unicode_width::UnicodeWidthStr::width(t);
    }
    t.chars().map(|c| c.width().unwrap_or(0)).sum()
}
