//! The output model: styled spans grouped into lines, stored in one growable buffer.
//!
//! [`Lines`] is an append-only arena of lines in struct-of-arrays form: all text in one
//! `String`, all span records in one `Vec`, all line records in another. Appending a line
//! allocates nothing once the buffer has grown, clearing keeps the capacity, and a whole
//! buffer can be handed back to the renderer's [`Pool`](crate::pool::Pool). [`Line`] and
//! [`Span`] are borrowed views into it (the ratatui `Line { spans }` / `Span { style,
//! content }` shape, without owning the text).

use crate::style::Style;
use std::ops::Range;

#[derive(Clone, Copy, Debug)]
struct SpanRec {
    text: (usize, usize),
    style: Style,
    /// 0: no link; otherwise index + 1 into `Lines::links`.
    link: u32,
}

#[derive(Clone, Copy, Debug)]
struct LineRec {
    spans: (usize, usize),
    width: usize,
}

/// An append-only buffer of styled lines.
///
/// Units: [`Line::width`] is in display columns (see the crate docs, *Display width*); all
/// offsets are bytes.
#[derive(Clone, Debug, Default)]
pub struct Lines {
    text: String,
    spans: Vec<SpanRec>,
    recs: Vec<LineRec>,
    links: Vec<(usize, usize)>,
    link_text: String,
    /// First span of the line being built (`None` when no line is open).
    open: Option<usize>,
    open_width: usize,
}

impl Lines {
    /// An empty buffer; allocates nothing until the first line.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            text: String::new(),
            spans: Vec::new(),
            recs: Vec::new(),
            links: Vec::new(),
            link_text: String::new(),
            open: None,
            open_width: 0,
        }
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
        self.recs.get(index).map(|rec| Line {
            buf: self,
            rec: *rec,
        })
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
    }

    /// Bytes of heap this buffer holds (capacities, not lengths).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.link_text.capacity()
            + self.spans.capacity() * std::mem::size_of::<SpanRec>()
            + self.recs.capacity() * std::mem::size_of::<LineRec>()
            + self.links.capacity() * std::mem::size_of::<(usize, usize)>()
    }

    /// Frees all memory (unlike [`clear`](Self::clear)).
    pub fn shrink_to_nothing(&mut self) {
        *self = Self::new();
    }

    /// A position to [`reset_to`](Self::reset_to) (closes no line).
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            recs: self.recs.len(),
            spans: self.spans.len(),
            text: self.text.len(),
            links: self.links.len(),
            link_text: self.link_text.len(),
        }
    }

    /// Drops everything appended since `mark`.
    pub(crate) fn reset_to(&mut self, mark: Mark) {
        self.recs.truncate(mark.recs);
        self.spans.truncate(mark.spans);
        self.text.truncate(mark.text);
        self.links.truncate(mark.links);
        self.link_text.truncate(mark.link_text);
        self.open = None;
        self.open_width = 0;
    }

    // ---- building (crate-internal) ----

    /// Appends `text` with `style` to the open line (opening one if needed).
    #[cfg(test)]
    pub(crate) fn push(&mut self, text: &str, style: Style, link: Option<&str>) {
        let width = crate::width::str_width(text);
        self.push_measured(text, style, link, width);
    }

    /// Like [`push`](Self::push) with the display width already known.
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
        let first = *self.open.get_or_insert(self.spans.len());
        let link_id = match link {
            None => 0,
            Some(url) => self.intern_link(url),
        };
        let start = self.text.len();
        self.text.push_str(text);
        self.open_width += width;
        if self.spans.len() > first {
            let last = self.spans.last_mut().expect("open line has a span");
            if last.style == style && last.link == link_id && last.text.1 == start {
                last.text.1 = self.text.len();
                return;
            }
        }
        self.spans.push(SpanRec {
            text: (start, self.text.len()),
            style,
            link: link_id,
        });
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

    /// Ends the open line (an empty line if none is open), trimming trailing spaces.
    pub(crate) fn end_line(&mut self) {
        let first = self.open.take().unwrap_or(self.spans.len());
        let mut width = self.open_width;
        self.open_width = 0;
        // Trim trailing spaces: no line is padded.
        while self.spans.len() > first {
            let last = self.spans.last_mut().expect("non-empty");
            let s = &self.text[last.text.0..last.text.1];
            let trimmed = s.trim_end_matches(' ');
            let removed = s.len() - trimmed.len();
            width -= removed;
            last.text.1 -= removed;
            if last.text.0 == last.text.1 {
                self.spans.pop();
            } else {
                break;
            }
        }
        if self.spans.len() > first {
            let end = self.spans[self.spans.len() - 1].text.1;
            self.text.truncate(end);
        } else if first > 0 {
            let end = self.spans[first - 1].text.1;
            self.text.truncate(end);
        } else {
            self.text.clear();
        }
        self.recs.push(LineRec {
            spans: (first, self.spans.len()),
            width,
        });
    }
}

impl<'a> IntoIterator for &'a Lines {
    type Item = Line<'a>;
    type IntoIter = LineIter<'a>;
    fn into_iter(self) -> LineIter<'a> {
        self.iter()
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
}

/// One rendered line: a view of spans in a [`Lines`] buffer.
#[derive(Clone, Copy, Debug)]
pub struct Line<'a> {
    buf: &'a Lines,
    rec: LineRec,
}

impl<'a> Line<'a> {
    /// Display width in columns (never counts escape bytes; there are none in the text).
    #[must_use]
    pub fn width(&self) -> usize {
        self.rec.width
    }

    /// The styled spans of this line, left to right.
    pub fn spans(&self) -> impl ExactSizeIterator<Item = Span<'a>> + DoubleEndedIterator + 'a {
        let buf = self.buf;
        buf.spans[self.rec.spans.0..self.rec.spans.1]
            .iter()
            .map(move |s| Span {
                text: &buf.text[s.text.0..s.text.1],
                style: s.style,
                link: (s.link > 0).then(|| {
                    let (a, b) = buf.links[s.link as usize - 1];
                    &buf.link_text[a..b]
                }),
            })
    }

    /// The line's text without any style, as a new `String`.
    #[must_use]
    pub fn plain(&self) -> String {
        let mut out = String::with_capacity(self.rec.width + 8);
        for span in self.spans() {
            out.push_str(span.text);
        }
        out
    }

    /// True if the line has no text.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rec.spans.0 == self.rec.spans.1
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
        let i = self.range.next()?;
        Some(Line {
            buf: self.buf,
            rec: self.buf.recs[i],
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}
impl ExactSizeIterator for LineIter<'_> {}
impl<'a> DoubleEndedIterator for LineIter<'a> {
    fn next_back(&mut self) -> Option<Line<'a>> {
        let i = self.range.next_back()?;
        Some(Line {
            buf: self.buf,
            rec: self.buf.recs[i],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
