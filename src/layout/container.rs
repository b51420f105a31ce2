//! The container stack (block quotes, lists, items, footnote definitions, headings) and
//! the prefix each line inside it starts with.
//!
//! Each prefix is `│ ` per block quote, the item marker (`•`, `◦`, `▪`, ` 1.`, a task box or
//! a footnote label) on a container's first line and as many spaces after it on the others.
//! When prefixes would leave fewer than [`MIN_CONTENT_WIDTH`] columns, the outermost are not
//! drawn (the depth is clamped), so deep nesting never squeezes the text.

use super::{Layout, Lines};
use crate::options::MIN_CONTENT_WIDTH;
use crate::style::Style;
use crate::theme::Theme;
use crate::width::str_width;
use crate::wrap::LineSink;

pub(super) const BULLETS: [&str; 3] = ["•", "◦", "▪"];
/// Columns an ordered item's number is right-aligned in, at least: ` 9.` stands above
/// `10.`, so the text of items 1 to 99 starts in one column. A later item's number is not
/// known while an item is laid out (items commit one by one), so the column cannot grow
/// with the list; a number of 3 digits or more takes the columns it needs.
pub(super) const ORDERED_DIGITS: usize = 2;
/// Longest footnote label shown in a definition's marker, in columns.
pub(super) const MAX_FOOTNOTE_LABEL: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Marker {
    Bullet(u8),
    Ordered(u64),
    Label(String),
    Heading(u8),
    Task(bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Quote,
    List { next: Option<u64> },
    Item,
    Footnote,
    Heading,
}

#[derive(Clone, Debug)]
pub(super) struct Container {
    pub(super) kind: Kind,
    /// Marker still to be drawn on the container's first line.
    pub(super) marker: Option<Marker>,
    /// Prefix width in columns.
    pub(super) indent: usize,
    /// Child blocks started so far.
    pub(super) children: u32,
    /// Bullet lists open up to and including this container (for the bullet glyph), kept
    /// here so an item finds its depth in O(1) (FUZZING.md, `nested_bullets`).
    pub(super) bullets: u32,
    /// A block quote that is a GitHub alert: its kind, an index into `Theme::alert`.
    pub(super) alert: Option<u8>,
}

/// The sink that writes container prefixes at the start of each line.
pub(super) struct PrefixSink<'a> {
    pub(super) out: &'a mut Lines,
    pub(super) stack: &'a mut [Container],
    pub(super) theme: &'a Theme,
    pub(super) width: usize,
    pub(super) mbuf: &'a mut String,
}

impl<'a> PrefixSink<'a> {
    /// A sink writing to `out` with the prefix of the containers in `stack`, at the
    /// configured width and theme; `mbuf` is scratch for list markers.
    #[inline]
    pub(super) fn new(
        out: &'a mut Lines,
        stack: &'a mut [Container],
        cfg: &'a crate::options::Options,
        mbuf: &'a mut String,
    ) -> Self {
        Self {
            out,
            stack,
            theme: &cfg.theme,
            width: cfg.width,
            mbuf,
        }
    }

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
                Kind::Quote => {
                    let style = c.alert.map_or(theme.quote_bar, |k| theme.alert[k as usize]);
                    out.push_measured("│ ", style, None, 2);
                }
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
                                    // Right-aligned in the item's indent less `. `.
                                    let digits = c.indent.saturating_sub(2);
                                    let n = *n;
                                    for _ in decimal_width(n)..digits {
                                        mbuf.push(' ');
                                    }
                                    push_decimal(mbuf, n);
                                    mbuf.push('.');
                                    theme.list_marker
                                }
                                Marker::Label(l) => {
                                    mbuf.push_str("[^");
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
        out.mark_content();
    }

    pub(super) fn prefix_width(&self) -> usize {
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

    pub(super) fn avail(&self) -> usize {
        self.width - self.prefix_width()
    }

    pub(super) fn blank(&mut self) {
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
    fn mark(&self) -> usize {
        self.out.write_mark()
    }
    fn unwrite(
        &mut self,
        mark: usize,
        width: usize,
        back: &mut dyn FnMut(&str, Style, Option<&str>),
    ) {
        self.out.unwrite(mark, width, back);
    }
    fn continues(&mut self, join: crate::line::Join) {
        self.out.set_join(join);
    }
    fn gutter_written(&mut self) {
        self.out.set_gutter();
        self.out.mark_content();
    }
    fn kind(&mut self, kind: crate::line::LineKind) {
        self.out.set_kind(kind);
    }
}

impl Layout<'_> {
    /// Pushes a container, inheriting the count of open bullet lists.
    pub(super) fn push_container(&mut self, mut c: Container) {
        let parent = self.state.stack.last().map_or(0, |p| p.bullets);
        c.bullets = parent + u32::from(matches!(c.kind, Kind::List { next: None }));
        self.state.stack.push(c);
    }
}

/// Appends `n` in decimal (as `write!(out, "{n}")` does, without the formatting
/// machinery: list numbers and link marks are written once per line or link).
pub(super) fn push_decimal(out: &mut String, n: u64) {
    for &d in crate::ansi::decimal(n, &mut [0; 20]) {
        out.push(char::from(d));
    }
}

pub(super) fn decimal_width(mut n: u64) -> usize {
    let mut w = 1;
    while n >= 10 {
        n /= 10;
        w += 1;
    }
    w
}

pub(super) fn truncate_to_width(s: &str, max: usize) -> String {
    if str_width(s) <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut w = 0;
    for (_, g) in crate::width::clusters(s) {
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

#[cfg(test)]
mod tests {
    #[test]
    fn push_decimal_writes_what_format_does() {
        let mut out = String::new();
        for n in (0..1_000).chain([9_999, 10_000, u64::from(u32::MAX), u64::MAX]) {
            out.clear();
            super::push_decimal(&mut out, n);
            assert_eq!(out, n.to_string());
            assert_eq!(super::decimal_width(n), out.len());
        }
    }
}
