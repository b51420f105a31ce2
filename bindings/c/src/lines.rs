//! The output structs C sees, and the buffer that owns what they point to.

use std::ffi::c_char;
use termark::{AnsiWriter, Color, Line, LineKind};

/// No color given: the span inherits (on a terminal, the default color).
pub const TERMARK_COLOR_NONE: u8 = 0;
/// The terminal's default color, asked for explicitly (SGR 39 / 49).
pub const TERMARK_COLOR_RESET: u8 = 1;
/// One of the 16 ANSI colors: `index` 0 to 7 normal, 8 to 15 bright.
pub const TERMARK_COLOR_ANSI: u8 = 2;
/// An entry of the xterm 256-color palette: `index`.
pub const TERMARK_COLOR_INDEXED: u8 = 3;
/// A 24-bit color: `r`, `g`, `b`.
pub const TERMARK_COLOR_RGB: u8 = 4;

/// Bold (SGR 1), a bit of `termark_style.modifiers`.
pub const TERMARK_MOD_BOLD: u8 = 1;
/// Dim / faint (SGR 2).
pub const TERMARK_MOD_DIM: u8 = 1 << 1;
/// Italic (SGR 3).
pub const TERMARK_MOD_ITALIC: u8 = 1 << 2;
/// Underline (SGR 4).
pub const TERMARK_MOD_UNDERLINE: u8 = 1 << 3;
/// Strikethrough (SGR 9).
pub const TERMARK_MOD_STRIKETHROUGH: u8 = 1 << 4;

/// A paragraph's line or other inline text (a list item's, a footnote's).
pub const TERMARK_LINE_TEXT: u32 = 0;
/// An ATX or setext heading's line.
pub const TERMARK_LINE_HEADING: u32 = 1;
/// A row of a code block's text.
pub const TERMARK_LINE_CODE: u32 = 2;
/// A code block's frame (its header or footer).
pub const TERMARK_LINE_CODE_FRAME: u32 = 3;
/// A row of a table's cells.
pub const TERMARK_LINE_TABLE: u32 = 4;
/// A table's border or header rule.
pub const TERMARK_LINE_TABLE_RULE: u32 = 5;
/// A thematic break.
pub const TERMARK_LINE_RULE: u32 = 6;
/// A line of an HTML block, shown as its source.
pub const TERMARK_LINE_HTML: u32 = 7;
/// A blank line between blocks (it may hold a container prefix such as a quote bar).
pub const TERMARK_LINE_BLANK: u32 = 8;

/// A color of a style.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TermarkColor {
    /// One of the `TERMARK_COLOR_*` kinds.
    pub kind: u8,
    /// The palette index for `TERMARK_COLOR_ANSI` (0 to 15) and `TERMARK_COLOR_INDEXED`
    /// (0 to 255); 0 otherwise.
    pub index: u8,
    /// Red, for `TERMARK_COLOR_RGB`; 0 otherwise.
    pub r: u8,
    /// Green, for `TERMARK_COLOR_RGB`; 0 otherwise.
    pub g: u8,
    /// Blue, for `TERMARK_COLOR_RGB`; 0 otherwise.
    pub b: u8,
}

/// How a span looks, as the theme gave it (before any downgrade to the renderer's color
/// depth: the ANSI bytes of a line are downgraded, the spans are not).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TermarkStyle {
    /// Foreground color.
    pub fg: TermarkColor,
    /// Background color.
    pub bg: TermarkColor,
    /// `TERMARK_MOD_*` bits.
    pub modifiers: u8,
}

/// A run of text in one style, optionally a hyperlink. The pointers are into the buffer of
/// the handle that returned the span (see `termark_lines` for how long they are valid).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TermarkSpan {
    /// UTF-8 text, `text_len` bytes, followed by a NUL (there is no NUL inside). Never
    /// NULL. Sanitized: no control character, no newline, tabs expanded.
    pub text: *const c_char,
    /// Bytes of `text`, without the NUL.
    pub text_len: usize,
    /// The look.
    pub style: TermarkStyle,
    /// The link destination (UTF-8, NUL-terminated, already sanitized for OSC 8), or NULL
    /// when the span is not a link.
    pub link: *const c_char,
    /// Bytes of `link` without the NUL; 0 when `link` is NULL.
    pub link_len: usize,
}

/// One rendered line. The pointers are into the buffer of the handle that returned it (see
/// `termark_lines`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TermarkLine {
    /// The line as terminal bytes (UTF-8 text with SGR and OSC 8 sequences, at the
    /// renderer's color depth and hyperlink setting), without a trailing newline, followed
    /// by a NUL. It starts and ends in the terminal's default state. Never NULL.
    pub ansi: *const c_char,
    /// Bytes of `ansi`, without the NUL.
    pub ansi_len: usize,
    /// The line's text without any style (UTF-8, NUL-terminated). Never NULL.
    pub text: *const c_char,
    /// Bytes of `text`, without the NUL.
    pub text_len: usize,
    /// Display width in terminal columns (not bytes). At most the configured width.
    pub width: usize,
    /// One of the `TERMARK_LINE_*` kinds.
    pub kind: u32,
    /// The spans, left to right (`span_count` of them; a blank line may have none, and then
    /// this is NULL).
    pub spans: *const TermarkSpan,
    /// Number of spans.
    pub span_count: usize,
}

/// A view of lines owned by a handle: `count` lines at `lines` (NULL when `count` is 0).
///
/// Who owns it: the handle that filled it in. Until when it is valid: for a stream, until
/// the next call of the *same* function on that stream (`termark_stream_new_committed`
/// has one buffer; `termark_stream_tentative` and `termark_stream_tail` share another),
/// or until `termark_stream_release` or `termark_stream_free`; for a document, until
/// `termark_document_free`. Copy what you keep.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TermarkLines {
    /// The first line, or NULL when there is none.
    pub lines: *const TermarkLine,
    /// Number of lines.
    pub count: usize,
}

impl TermarkLines {
    pub(crate) const EMPTY: Self = Self {
        lines: std::ptr::null(),
        count: 0,
    };
}

/// Byte ranges of a line's strings in [`LineBuf::bytes`], before the pointers are set.
#[derive(Clone, Copy, Debug)]
struct LineAt {
    ansi: (usize, usize),
    text: (usize, usize),
    width: usize,
    kind: u32,
    spans: (usize, usize),
}

#[derive(Clone, Copy, Debug)]
struct SpanAt {
    text: (usize, usize),
    style: TermarkStyle,
    link: Option<(usize, usize)>,
}

/// Owns the bytes and structs a [`TermarkLines`] view points to. Refilling it invalidates
/// the previous view; its capacity is kept for the next fill.
#[derive(Debug, Default)]
pub(crate) struct LineBuf {
    bytes: Vec<u8>,
    line_at: Vec<LineAt>,
    span_at: Vec<SpanAt>,
    lines: Vec<TermarkLine>,
    spans: Vec<TermarkSpan>,
}

impl LineBuf {
    /// Replaces the content with `lines`, written with `writer`, and returns the view.
    pub(crate) fn fill<'a>(
        &mut self,
        lines: impl Iterator<Item = Line<'a>>,
        writer: &mut AnsiWriter,
    ) -> TermarkLines {
        self.clear();
        for line in lines {
            let ansi_start = self.bytes.len();
            // Writing to a Vec cannot fail.
            let _ = writer.write_line(&mut self.bytes, &line);
            if self.bytes.last() == Some(&b'\n') {
                self.bytes.pop();
            }
            let ansi = (ansi_start, self.bytes.len());
            self.bytes.push(0);
            let text = self.push_str(line.text());
            let first_span = self.span_at.len();
            for span in line.spans() {
                let text = self.push_str(span.text);
                let link = span.link.map(|l| self.push_str(l));
                self.span_at.push(SpanAt {
                    text,
                    style: style(span.style),
                    link,
                });
            }
            self.line_at.push(LineAt {
                ansi,
                text,
                width: line.width(),
                kind: kind(line.kind()),
                spans: (first_span, self.span_at.len()),
            });
        }
        self.view()
    }

    /// Drops the content and frees the memory.
    pub(crate) fn free(&mut self) {
        *self = Self::default();
    }

    /// True if the buffer holds any memory.
    pub(crate) fn is_allocated(&self) -> bool {
        self.bytes.capacity() > 0 || self.line_at.capacity() > 0 || self.lines.capacity() > 0
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.line_at.clear();
        self.span_at.clear();
        self.lines.clear();
        self.spans.clear();
    }

    /// Appends `s` and a NUL; returns the byte range of `s`.
    fn push_str(&mut self, s: &str) -> (usize, usize) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(s.as_bytes());
        let end = self.bytes.len();
        self.bytes.push(0);
        (start, end)
    }

    /// Sets the pointers now that no buffer grows any more.
    fn view(&mut self) -> TermarkLines {
        let base = self.bytes.as_ptr();
        // In bounds: every range was taken from `bytes` as it was filled.
        let at = |(start, _): (usize, usize)| base.wrapping_add(start).cast::<c_char>();
        self.spans.extend(self.span_at.iter().map(|s| TermarkSpan {
            text: at(s.text),
            text_len: s.text.1 - s.text.0,
            style: s.style,
            link: s.link.map_or(std::ptr::null(), at),
            link_len: s.link.map_or(0, |l| l.1 - l.0),
        }));
        let spans = self.spans.as_ptr();
        self.lines.extend(self.line_at.iter().map(|l| TermarkLine {
            ansi: at(l.ansi),
            ansi_len: l.ansi.1 - l.ansi.0,
            text: at(l.text),
            text_len: l.text.1 - l.text.0,
            width: l.width,
            kind: l.kind,
            spans: if l.spans.0 == l.spans.1 {
                std::ptr::null()
            } else {
                spans.wrapping_add(l.spans.0)
            },
            span_count: l.spans.1 - l.spans.0,
        }));
        if self.lines.is_empty() {
            TermarkLines::EMPTY
        } else {
            TermarkLines {
                lines: self.lines.as_ptr(),
                count: self.lines.len(),
            }
        }
    }
}

fn color(c: Option<Color>) -> TermarkColor {
    let (kind, index, r, g, b) = match c {
        None => (TERMARK_COLOR_NONE, 0, 0, 0, 0),
        Some(Color::Reset) => (TERMARK_COLOR_RESET, 0, 0, 0, 0),
        Some(Color::Ansi(i)) => (TERMARK_COLOR_ANSI, i % 16, 0, 0, 0),
        Some(Color::Indexed(i)) => (TERMARK_COLOR_INDEXED, i, 0, 0, 0),
        Some(Color::Rgb(r, g, b)) => (TERMARK_COLOR_RGB, 0, r, g, b),
    };
    TermarkColor {
        kind,
        index,
        r,
        g,
        b,
    }
}

fn style(s: termark::Style) -> TermarkStyle {
    TermarkStyle {
        fg: color(s.fg),
        bg: color(s.bg),
        modifiers: s.mods.bits(),
    }
}

fn kind(k: LineKind) -> u32 {
    match k {
        LineKind::Heading => TERMARK_LINE_HEADING,
        LineKind::Code => TERMARK_LINE_CODE,
        LineKind::CodeFrame => TERMARK_LINE_CODE_FRAME,
        LineKind::Table => TERMARK_LINE_TABLE,
        LineKind::TableRule => TERMARK_LINE_TABLE_RULE,
        LineKind::Rule => TERMARK_LINE_RULE,
        LineKind::Html => TERMARK_LINE_HTML,
        LineKind::Blank => TERMARK_LINE_BLANK,
        // Text, and any kind a later termark adds.
        _ => TERMARK_LINE_TEXT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use termark::{Modifiers, Options, Renderer};

    #[test]
    fn modifier_bits_are_termarks() {
        assert_eq!(Modifiers::BOLD.bits(), TERMARK_MOD_BOLD);
        assert_eq!(Modifiers::DIM.bits(), TERMARK_MOD_DIM);
        assert_eq!(Modifiers::ITALIC.bits(), TERMARK_MOD_ITALIC);
        assert_eq!(Modifiers::UNDERLINE.bits(), TERMARK_MOD_UNDERLINE);
        assert_eq!(Modifiers::STRIKETHROUGH.bits(), TERMARK_MOD_STRIKETHROUGH);
    }

    #[test]
    fn colors_keep_their_kind_and_value() {
        assert_eq!(color(None), TermarkColor::default());
        assert_eq!(color(Some(Color::Reset)).kind, TERMARK_COLOR_RESET);
        let c = color(Some(Color::Ansi(9)));
        assert_eq!((c.kind, c.index), (TERMARK_COLOR_ANSI, 9));
        let c = color(Some(Color::Indexed(236)));
        assert_eq!((c.kind, c.index), (TERMARK_COLOR_INDEXED, 236));
        let c = color(Some(Color::Rgb(1, 2, 3)));
        assert_eq!((c.kind, c.r, c.g, c.b), (TERMARK_COLOR_RGB, 1, 2, 3));
    }

    /// The view's pointers read back exactly what the Rust API gives, each string
    /// NUL-terminated.
    #[test]
    fn the_view_holds_the_lines_ansi_text_and_spans() {
        let r = Renderer::new(Options::new().with_width(40).with_hyperlinks(true)).unwrap();
        let doc = "# Title\n\nSome **bold** and a [link](https://example.com).\n\n```\ncode\n```\n";
        let lines = r.render(doc);
        let mut writer = r.writer();
        let mut buf = LineBuf::default();
        let view = buf.fill(lines.iter(), &mut writer);
        assert_eq!(view.count, lines.len());
        // SAFETY: the view was just filled and `buf` is not touched until the end.
        let got = unsafe { std::slice::from_raw_parts(view.lines, view.count) };
        let mut w = r.writer();
        let read = |p: *const c_char, n: usize| {
            // SAFETY: `p` points at `n` bytes and a NUL in `buf.bytes`.
            let s = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), n + 1) };
            assert_eq!(s[n], 0, "NUL-terminated");
            std::str::from_utf8(&s[..n]).unwrap().to_owned()
        };
        let mut saw_link = false;
        for (c, line) in got.iter().zip(lines.iter()) {
            assert_eq!(read(c.ansi, c.ansi_len), w.line_to_string(&line));
            assert_eq!(read(c.text, c.text_len), line.text());
            assert_eq!(c.width, line.width());
            assert_eq!(c.kind, kind(line.kind()));
            assert_eq!(c.span_count, line.spans().len());
            if c.span_count == 0 {
                assert!(c.spans.is_null());
                continue;
            }
            // SAFETY: `span_count` spans at `spans`, in `buf.spans`.
            let spans = unsafe { std::slice::from_raw_parts(c.spans, c.span_count) };
            for (cs, s) in spans.iter().zip(line.spans()) {
                assert_eq!(read(cs.text, cs.text_len), s.text);
                assert_eq!(cs.style, style(s.style));
                match s.link {
                    Some(url) => {
                        saw_link = true;
                        assert_eq!(read(cs.link, cs.link_len), url);
                    }
                    None => assert!(cs.link.is_null() && cs.link_len == 0),
                }
            }
        }
        assert!(saw_link);
        assert_eq!(got[0].kind, TERMARK_LINE_HEADING);
        assert!(got.iter().any(|l| l.kind == TERMARK_LINE_CODE));
        // A refill with nothing gives the empty view.
        let empty = buf.fill(std::iter::empty(), &mut writer);
        assert!(empty.lines.is_null() && empty.count == 0);
    }
}
