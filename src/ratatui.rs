//! The ratatui adapter (cargo feature `ratatui`): termark lines as
//! [`ratatui_core`] text, and a widget that draws one message.
//!
//! It depends on `ratatui-core`, the crate ratatui asks widget libraries to use, so it
//! works with any ratatui 0.30 app (whose `ratatui::text::Line` *is*
//! `ratatui_core::text::Line`).
//!
//! - **No ANSI round trip, no copy**: a converted span borrows its text from the
//!   [`Lines`] buffer (`Cow::Borrowed`); the widget writes spans straight into the frame's
//!   buffer and allocates nothing.
//! - **Colors follow the color depth** of [`Adapter::for_options`] (the renderer's
//!   options) or [`Adapter::new`]: 24-bit colors stay `Rgb` at truecolor, become the
//!   nearest `Indexed` entry at 256 colors and the nearest named color at 16 (by distance
//!   in Oklab, and the syntax theme's token colors by role, as the
//!   [`AnsiWriter`](crate::AnsiWriter) does); no color at
//!   all with [`ColorDepth::NoColor`], and not even bold or italic with
//!   [`ColorDepth::Plain`]. [`Color::Reset`] is ratatui's `Color::Reset`.
//! - **Every modifier is mapped**: bold, dim, italic, underline (`UNDERLINED`) and
//!   strikethrough (`CROSSED_OUT`).
//! - **Hyperlinks**: a ratatui cell cannot hold one. A link keeps its style (underlined
//!   in the built-in themes) and its target is not drawn. Render with hyperlinks off (the
//!   default, [`Options::with_hyperlinks`](crate::Options::with_hyperlinks)): termark then
//!   prints every link's destination in the text, so nothing is lost. A span's target
//!   stays readable as [`Span::link`](crate::Span::link), for an app that opens links on
//!   a click ([`MessageView::link_at`]).
//!
//! ```
//! use termark::{Options, Renderer};
//! use termark::ratatui::{Adapter, MessageView};
//! use ratatui_core::{buffer::Buffer, layout::Rect, widgets::Widget};
//!
//! let r = Renderer::new(Options::new().with_width(20))?;
//! let lines = r.render("Some **bold** text, and a long line that wraps.");
//! let view = MessageView::new(&lines, Adapter::for_options(r.options()));
//! let area = Rect::new(0, 0, 20, 4);
//! let mut buf = Buffer::empty(area);
//! assert_eq!(view.height(), 3);
//! view.render(area, &mut buf);
//! assert_eq!(buf[(5, 0)].symbol(), "b");
//! # Ok::<(), termark::Error>(())
//! ```

use crate::ansi::Palette;
use crate::line::{Line, LineIter, Lines};
use crate::options::ColorDepth;
use crate::style::{Color, Modifiers, Style};
use ratatui_core::buffer::Buffer;
use ratatui_core::layout::Rect;
use ratatui_core::style as rs;
use ratatui_core::text as rt;
use ratatui_core::widgets::Widget;
use std::borrow::Cow;
use std::cell::RefCell;

/// Converts termark styles and lines to ratatui's at one color depth. Holds a small cache
/// of color conversions: make one and reuse it.
#[derive(Clone, Debug)]
pub struct Adapter {
    depth: ColorDepth,
    palette: RefCell<Palette>,
}

impl Adapter {
    /// An adapter for lines shown at `depth` (the renderer's
    /// [`Options::color`](crate::Options::color)).
    #[must_use]
    pub fn new(depth: ColorDepth) -> Self {
        Self {
            depth,
            palette: RefCell::new(Palette::new(depth, None)),
        }
    }

    /// An adapter for lines laid out with `options`: their color depth, and at 16 or 256
    /// colors the syntax theme's token colors mapped by role as the renderer's
    /// [`writer`](crate::Renderer::writer) maps them (keywords, functions and the rest
    /// never in the comments' grey). [`Adapter::new`] maps every color to its nearest.
    #[must_use]
    pub fn for_options(options: &crate::Options) -> Self {
        Self {
            depth: options.color(),
            palette: RefCell::new(Palette::new(
                options.color(),
                Some(&options.theme().syntax_theme),
            )),
        }
    }

    /// The color depth.
    #[must_use]
    pub fn depth(&self) -> ColorDepth {
        self.depth
    }

    /// `style` as a ratatui style at this depth.
    #[must_use]
    pub fn style(&self, style: Style) -> rs::Style {
        let s = self.palette.borrow_mut().downgrade(style);
        let mut out = rs::Style::new();
        if let Some(c) = s.fg {
            out = out.fg(color(c));
        }
        if let Some(c) = s.bg {
            out = out.bg(color(c));
        }
        if self.depth != ColorDepth::Plain {
            out = out.add_modifier(modifiers(s.mods));
        }
        out
    }

    /// `line` as a ratatui line whose spans borrow their text from `line`'s buffer.
    #[must_use]
    pub fn line<'a>(&self, line: Line<'a>) -> rt::Line<'a> {
        rt::Line::from(
            line.spans()
                .map(|s| rt::Span::styled(Cow::Borrowed(s.text), self.style(s.style)))
                .collect::<Vec<_>>(),
        )
    }

    /// Every line of `lines`, as ratatui text borrowing from them.
    #[must_use]
    pub fn text<'a>(&self, lines: impl IntoIterator<Item = Line<'a>>) -> rt::Text<'a> {
        rt::Text::from(lines.into_iter().map(|l| self.line(l)).collect::<Vec<_>>())
    }

    /// Writes `line` at (`x`, `y`) of `buf`, at most `width` columns, without allocating.
    /// Returns the columns written.
    pub fn draw_line(&self, buf: &mut Buffer, x: u16, y: u16, width: u16, line: Line<'_>) -> u16 {
        let mut col = x;
        let end = x.saturating_add(width);
        for span in line.spans() {
            if col >= end {
                break;
            }
            let (next, _) = buf.set_stringn(
                col,
                y,
                span.text,
                usize::from(end - col),
                self.style(span.style),
            );
            col = next;
        }
        col - x
    }
}

/// A ratatui color for a termark color (already at the adapter's depth).
fn color(c: Color) -> rs::Color {
    match c {
        Color::Reset => rs::Color::Reset,
        Color::Rgb(r, g, b) => rs::Color::Rgb(r, g, b),
        Color::Indexed(i) => rs::Color::Indexed(i),
        Color::Ansi(n) => match n % 16 {
            0 => rs::Color::Black,
            1 => rs::Color::Red,
            2 => rs::Color::Green,
            3 => rs::Color::Yellow,
            4 => rs::Color::Blue,
            5 => rs::Color::Magenta,
            6 => rs::Color::Cyan,
            7 => rs::Color::Gray,
            8 => rs::Color::DarkGray,
            9 => rs::Color::LightRed,
            10 => rs::Color::LightGreen,
            11 => rs::Color::LightYellow,
            12 => rs::Color::LightBlue,
            13 => rs::Color::LightMagenta,
            14 => rs::Color::LightCyan,
            _ => rs::Color::White,
        },
    }
}

/// Ratatui modifiers for termark's (every one has its counterpart).
fn modifiers(m: Modifiers) -> rs::Modifier {
    let mut out = rs::Modifier::empty();
    for (ours, theirs) in [
        (Modifiers::BOLD, rs::Modifier::BOLD),
        (Modifiers::DIM, rs::Modifier::DIM),
        (Modifiers::ITALIC, rs::Modifier::ITALIC),
        (Modifiers::UNDERLINE, rs::Modifier::UNDERLINED),
        (Modifiers::STRIKETHROUGH, rs::Modifier::CROSSED_OUT),
    ] {
        if m.contains(ours) {
            out |= theirs;
        }
    }
    out
}

/// Draws one message: its committed lines, then its tentative tail, from a row offset.
///
/// Give it the committed lines (a finished message's [`Lines`], or
/// [`Tail::committed`](crate::Tail::committed) of a streaming one) and, while the message
/// streams, the tail. Rows are the lines as termark laid them out at its width: render at
/// the width of the area (a narrower area cuts lines, a wider one leaves them short).
/// The widget draws `area.height` rows starting at row [`scroll`](Self::scroll) of the
/// message and allocates nothing; [`height`](Self::height) says how many rows the
/// message has, for a scrolling transcript.
#[derive(Clone, Debug)]
pub struct MessageView<'a> {
    committed: LineIter<'a>,
    tail: Option<LineIter<'a>>,
    scroll: usize,
    adapter: Adapter,
}

impl<'a> MessageView<'a> {
    /// A view of `committed` drawn with `adapter`.
    #[must_use]
    pub fn new(committed: &'a Lines, adapter: Adapter) -> Self {
        Self {
            committed: committed.iter(),
            tail: None,
            scroll: 0,
            adapter,
        }
    }

    /// Adds the tentative lines below the committed ones.
    #[must_use]
    pub fn tail(mut self, tail: LineIter<'a>) -> Self {
        self.tail = Some(tail);
        self
    }

    /// Starts drawing at row `rows` of the message (rows above it are scrolled off).
    #[must_use]
    pub fn scroll(mut self, rows: usize) -> Self {
        self.scroll = rows;
        self
    }

    /// Rows of the message: committed lines plus tail lines.
    #[must_use]
    pub fn height(&self) -> usize {
        self.committed.len() + self.tail.as_ref().map_or(0, ExactSizeIterator::len)
    }

    /// Row `row` of the message (0 is its first line), if there is one.
    #[must_use]
    pub fn row(&self, row: usize) -> Option<Line<'a>> {
        let n = self.committed.len();
        if row < n {
            return self.committed.clone().nth(row);
        }
        self.tail.clone()?.nth(row - n)
    }

    /// The link target under column `col` of row `row` of the message (for a click).
    #[must_use]
    pub fn link_at(&self, row: usize, col: usize) -> Option<&'a str> {
        let line = self.row(row)?;
        let mut at = 0;
        for span in line.spans() {
            let w = crate::width::str_width(span.text);
            if col < at + w {
                return span.link;
            }
            at += w;
        }
        None
    }
}

impl Widget for &MessageView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let rows = self
            .committed
            .clone()
            .chain(self.tail.clone().into_iter().flatten())
            .skip(self.scroll)
            .take(usize::from(area.height));
        for (y, line) in (area.y..).zip(rows) {
            self.adapter.draw_line(buf, area.x, y, area.width, line);
        }
    }
}

impl Widget for MessageView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        (&self).render(area, buf);
    }
}
