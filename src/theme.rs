//! Themes: the style of every Markdown element, and the syntax theme used for code.
//!
//! Two themes are built in, [`Theme::dark`] and [`Theme::light`]. Colors are 24-bit here;
//! the [`AnsiWriter`](crate::AnsiWriter) downgrades them to the terminal's depth.

use crate::style::{Color, Modifiers, Style};
use crate::Error;

/// Styles for each element termark draws.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Name (`dark`, `light`).
    pub name: String,
    /// Heading text, levels 1 to 6.
    pub heading: [Style; 6],
    /// The `#` markers before heading text.
    pub heading_marker: Style,
    /// `*emphasis*`, laid over the surrounding style.
    pub emphasis: Style,
    /// `**strong**`.
    pub strong: Style,
    /// `~~strikethrough~~`.
    pub strikethrough: Style,
    /// `` `inline code` ``.
    pub inline_code: Style,
    /// Link text.
    pub link: Style,
    /// A link's URL shown after its text.
    pub link_url: Style,
    /// Image alt text and its `[image]` label.
    pub image: Style,
    /// The `│` bar of block quotes.
    pub quote_bar: Style,
    /// Text inside block quotes, laid under inline styles.
    pub quote_text: Style,
    /// List bullets and numbers.
    pub list_marker: Style,
    /// A checked task box.
    pub task_done: Style,
    /// An unchecked task box.
    pub task_open: Style,
    /// Thematic breaks.
    pub rule: Style,
    /// Table borders.
    pub table_border: Style,
    /// Table header cells.
    pub table_header: Style,
    /// Code block frame (`╭─`, `│`, `╰─`).
    pub code_frame: Style,
    /// The language label of a code block.
    pub code_label: Style,
    /// Code without highlighting.
    pub code_text: Style,
    /// Continuation marker of a wrapped code line.
    pub code_continuation: Style,
    /// Footnote references and definition labels.
    pub footnote: Style,
    /// Raw HTML, blocks and inline.
    pub html: Style,
    /// Added lines in diffs.
    pub diff_added: Style,
    /// Removed lines in diffs.
    pub diff_removed: Style,
    /// Hunk headers in diffs.
    pub diff_hunk: Style,
    /// The syntect theme used for highlighted code (one of syntect's default themes).
    pub syntax_theme: String,
}

const fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(r, g, b)
}

impl Theme {
    /// The names of the built-in themes.
    pub const BUILTIN: [&'static str; 2] = ["dark", "light"];

    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Result<Self, Error> {
        match name {
            "dark" => Ok(Self::dark()),
            "light" => Ok(Self::light()),
            _ => Err(Error::UnknownTheme {
                name: name.to_owned(),
                valid: Self::BUILTIN.join(", "),
            }),
        }
    }

    /// For dark terminal backgrounds.
    #[must_use]
    pub fn dark() -> Self {
        let b = Modifiers::BOLD;
        Self {
            name: "dark".into(),
            heading: [
                Style::fg(rgb(0xff, 0xaf, 0x5f)).with(b | Modifiers::UNDERLINE),
                Style::fg(rgb(0x5f, 0xd7, 0xff)).with(b),
                Style::fg(rgb(0x87, 0xd7, 0x87)).with(b),
                Style::fg(rgb(0xd7, 0xaf, 0xff)).with(b),
                Style::fg(rgb(0xd7, 0xd7, 0x87)).with(b),
                Style::fg(rgb(0xaf, 0xaf, 0xaf)).with(b),
            ],
            heading_marker: Style::fg(rgb(0x80, 0x80, 0x80)),
            emphasis: Style::PLAIN.with(Modifiers::ITALIC),
            strong: Style::PLAIN.with(b),
            strikethrough: Style::PLAIN.with(Modifiers::STRIKETHROUGH),
            inline_code: Style::fg(rgb(0xff, 0xd7, 0x87)),
            link: Style::fg(rgb(0x5f, 0xaf, 0xff)).with(Modifiers::UNDERLINE),
            link_url: Style::fg(rgb(0x80, 0x80, 0x80)),
            image: Style::fg(rgb(0xaf, 0x87, 0xff)),
            quote_bar: Style::fg(rgb(0x6c, 0x6c, 0x6c)),
            quote_text: Style::fg(rgb(0xbc, 0xbc, 0xbc)).with(Modifiers::ITALIC),
            list_marker: Style::fg(rgb(0xff, 0xaf, 0x5f)),
            task_done: Style::fg(rgb(0x87, 0xd7, 0x87)),
            task_open: Style::fg(rgb(0xaf, 0xaf, 0xaf)),
            rule: Style::fg(rgb(0x6c, 0x6c, 0x6c)),
            table_border: Style::fg(rgb(0x6c, 0x6c, 0x6c)),
            table_header: Style::PLAIN.with(b),
            code_frame: Style::fg(rgb(0x58, 0x58, 0x58)),
            code_label: Style::fg(rgb(0x87, 0xaf, 0xd7)).with(Modifiers::ITALIC),
            code_text: Style::fg(rgb(0xd0, 0xd0, 0xd0)),
            code_continuation: Style::fg(rgb(0x87, 0x87, 0x87)),
            footnote: Style::fg(rgb(0x87, 0xaf, 0xd7)),
            html: Style::fg(rgb(0x80, 0x80, 0x80)).with(Modifiers::DIM),
            diff_added: Style::fg(rgb(0x87, 0xd7, 0x87)),
            diff_removed: Style::fg(rgb(0xff, 0x87, 0x87)),
            diff_hunk: Style::fg(rgb(0x5f, 0xaf, 0xd7)),
            syntax_theme: "base16-ocean.dark".into(),
        }
    }

    /// For light terminal backgrounds.
    #[must_use]
    pub fn light() -> Self {
        let b = Modifiers::BOLD;
        Self {
            name: "light".into(),
            heading: [
                Style::fg(rgb(0xaf, 0x50, 0x00)).with(b | Modifiers::UNDERLINE),
                Style::fg(rgb(0x00, 0x5f, 0xaf)).with(b),
                Style::fg(rgb(0x00, 0x80, 0x40)).with(b),
                Style::fg(rgb(0x87, 0x00, 0xaf)).with(b),
                Style::fg(rgb(0x80, 0x60, 0x00)).with(b),
                Style::fg(rgb(0x4e, 0x4e, 0x4e)).with(b),
            ],
            heading_marker: Style::fg(rgb(0x8a, 0x8a, 0x8a)),
            emphasis: Style::PLAIN.with(Modifiers::ITALIC),
            strong: Style::PLAIN.with(b),
            strikethrough: Style::PLAIN.with(Modifiers::STRIKETHROUGH),
            inline_code: Style::fg(rgb(0xaf, 0x00, 0x5f)),
            link: Style::fg(rgb(0x00, 0x5f, 0xd7)).with(Modifiers::UNDERLINE),
            link_url: Style::fg(rgb(0x6c, 0x6c, 0x6c)),
            image: Style::fg(rgb(0x5f, 0x00, 0xaf)),
            quote_bar: Style::fg(rgb(0x9e, 0x9e, 0x9e)),
            quote_text: Style::fg(rgb(0x44, 0x44, 0x44)).with(Modifiers::ITALIC),
            list_marker: Style::fg(rgb(0xaf, 0x50, 0x00)),
            task_done: Style::fg(rgb(0x00, 0x80, 0x40)),
            task_open: Style::fg(rgb(0x6c, 0x6c, 0x6c)),
            rule: Style::fg(rgb(0x9e, 0x9e, 0x9e)),
            table_border: Style::fg(rgb(0x9e, 0x9e, 0x9e)),
            table_header: Style::PLAIN.with(b),
            code_frame: Style::fg(rgb(0xb2, 0xb2, 0xb2)),
            code_label: Style::fg(rgb(0x00, 0x5f, 0x87)).with(Modifiers::ITALIC),
            code_text: Style::fg(rgb(0x30, 0x30, 0x30)),
            code_continuation: Style::fg(rgb(0x8a, 0x8a, 0x8a)),
            footnote: Style::fg(rgb(0x00, 0x5f, 0x87)),
            html: Style::fg(rgb(0x8a, 0x8a, 0x8a)),
            diff_added: Style::fg(rgb(0x00, 0x87, 0x00)),
            diff_removed: Style::fg(rgb(0xaf, 0x00, 0x00)),
            diff_hunk: Style::fg(rgb(0x00, 0x5f, 0xaf)),
            syntax_theme: "InspiredGitHub".into(),
        }
    }
}
