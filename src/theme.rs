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
    /// GitHub alerts (`> [!NOTE]`, …): the bar and the title line of each kind, in the
    /// order note, tip, important, warning, caution.
    pub alert: [Style; 5],
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
    /// Continuation marker of a wrapped code line (and of a cut HTML source line).
    pub code_continuation: Style,
    /// Footnote references and definition labels.
    pub footnote: Style,
    /// Raw HTML shown as its source (blocks and inline tags that are not rendered).
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
    /// The element names a theme file may set under `[styles]` (see
    /// [`from_toml`](Self::from_toml)), in the order of the fields.
    pub const ELEMENTS: [&'static str; 36] = ELEMENTS;

    /// The syntect theme names a theme file may give as `syntax_theme`.
    #[must_use]
    pub fn syntax_theme_names() -> Vec<&'static str> {
        crate::highlight::syntax_theme_names()
    }

    /// A built-in theme by name.
    ///
    /// # Errors
    /// [`Error::UnknownTheme`] naming the valid names.
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
                Style::new()
                    .fg(rgb(0xff, 0xaf, 0x5f))
                    .add_modifier(b | Modifiers::UNDERLINE),
                Style::new().fg(rgb(0x5f, 0xd7, 0xff)).add_modifier(b),
                Style::new().fg(rgb(0x87, 0xd7, 0x87)).add_modifier(b),
                Style::new().fg(rgb(0xd7, 0xaf, 0xff)).add_modifier(b),
                Style::new().fg(rgb(0xd7, 0xd7, 0x87)).add_modifier(b),
                Style::new().fg(rgb(0xaf, 0xaf, 0xaf)).add_modifier(b),
            ],
            heading_marker: Style::new().fg(rgb(0x80, 0x80, 0x80)),
            emphasis: Style::new().add_modifier(Modifiers::ITALIC),
            strong: Style::new().add_modifier(b),
            strikethrough: Style::new().add_modifier(Modifiers::STRIKETHROUGH),
            inline_code: Style::new().fg(rgb(0xff, 0xd7, 0x87)),
            link: Style::new()
                .fg(rgb(0x5f, 0xaf, 0xff))
                .add_modifier(Modifiers::UNDERLINE),
            link_url: Style::new().fg(rgb(0x80, 0x80, 0x80)),
            image: Style::new().fg(rgb(0xaf, 0x87, 0xff)),
            quote_bar: Style::new().fg(rgb(0x6c, 0x6c, 0x6c)),
            quote_text: Style::new()
                .fg(rgb(0xbc, 0xbc, 0xbc))
                .add_modifier(Modifiers::ITALIC),
            alert: [
                Style::new().fg(rgb(0x44, 0x93, 0xf8)),
                Style::new().fg(rgb(0x3f, 0xb9, 0x50)),
                Style::new().fg(rgb(0xc6, 0x78, 0xdd)),
                Style::new().fg(rgb(0xd2, 0x99, 0x22)),
                Style::new().fg(rgb(0xf8, 0x51, 0x49)),
            ],
            list_marker: Style::new().fg(rgb(0xff, 0xaf, 0x5f)),
            task_done: Style::new().fg(rgb(0x87, 0xd7, 0x87)),
            task_open: Style::new().fg(rgb(0xaf, 0xaf, 0xaf)),
            rule: Style::new().fg(rgb(0x6c, 0x6c, 0x6c)),
            table_border: Style::new().fg(rgb(0x6c, 0x6c, 0x6c)),
            table_header: Style::new().add_modifier(b),
            code_frame: Style::new().fg(rgb(0x58, 0x58, 0x58)),
            code_label: Style::new()
                .fg(rgb(0x87, 0xaf, 0xd7))
                .add_modifier(Modifiers::ITALIC),
            code_text: Style::new().fg(rgb(0xd0, 0xd0, 0xd0)),
            code_continuation: Style::new().fg(rgb(0x87, 0x87, 0x87)),
            footnote: Style::new().fg(rgb(0x87, 0xaf, 0xd7)),
            html: Style::new()
                .fg(rgb(0x80, 0x80, 0x80))
                .add_modifier(Modifiers::DIM),
            diff_added: Style::new().fg(rgb(0x87, 0xd7, 0x87)),
            diff_removed: Style::new().fg(rgb(0xff, 0x87, 0x87)),
            diff_hunk: Style::new().fg(rgb(0x5f, 0xaf, 0xd7)),
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
                Style::new()
                    .fg(rgb(0xaf, 0x50, 0x00))
                    .add_modifier(b | Modifiers::UNDERLINE),
                Style::new().fg(rgb(0x00, 0x5f, 0xaf)).add_modifier(b),
                Style::new().fg(rgb(0x00, 0x80, 0x40)).add_modifier(b),
                Style::new().fg(rgb(0x87, 0x00, 0xaf)).add_modifier(b),
                Style::new().fg(rgb(0x80, 0x60, 0x00)).add_modifier(b),
                Style::new().fg(rgb(0x4e, 0x4e, 0x4e)).add_modifier(b),
            ],
            heading_marker: Style::new().fg(rgb(0x8a, 0x8a, 0x8a)),
            emphasis: Style::new().add_modifier(Modifiers::ITALIC),
            strong: Style::new().add_modifier(b),
            strikethrough: Style::new().add_modifier(Modifiers::STRIKETHROUGH),
            inline_code: Style::new().fg(rgb(0xaf, 0x00, 0x5f)),
            link: Style::new()
                .fg(rgb(0x00, 0x5f, 0xd7))
                .add_modifier(Modifiers::UNDERLINE),
            link_url: Style::new().fg(rgb(0x6c, 0x6c, 0x6c)),
            image: Style::new().fg(rgb(0x5f, 0x00, 0xaf)),
            quote_bar: Style::new().fg(rgb(0x9e, 0x9e, 0x9e)),
            quote_text: Style::new()
                .fg(rgb(0x44, 0x44, 0x44))
                .add_modifier(Modifiers::ITALIC),
            alert: [
                Style::new().fg(rgb(0x09, 0x69, 0xda)),
                Style::new().fg(rgb(0x00, 0x87, 0x00)),
                Style::new().fg(rgb(0x87, 0x00, 0xaf)),
                Style::new().fg(rgb(0xaf, 0x8f, 0x00)),
                Style::new().fg(rgb(0xd1, 0x24, 0x2f)),
            ],
            list_marker: Style::new().fg(rgb(0xaf, 0x50, 0x00)),
            task_done: Style::new().fg(rgb(0x00, 0x80, 0x40)),
            task_open: Style::new().fg(rgb(0x6c, 0x6c, 0x6c)),
            rule: Style::new().fg(rgb(0x9e, 0x9e, 0x9e)),
            table_border: Style::new().fg(rgb(0x9e, 0x9e, 0x9e)),
            table_header: Style::new().add_modifier(b),
            code_frame: Style::new().fg(rgb(0xb2, 0xb2, 0xb2)),
            code_label: Style::new()
                .fg(rgb(0x00, 0x5f, 0x87))
                .add_modifier(Modifiers::ITALIC),
            code_text: Style::new().fg(rgb(0x30, 0x30, 0x30)),
            code_continuation: Style::new().fg(rgb(0x8a, 0x8a, 0x8a)),
            footnote: Style::new().fg(rgb(0x00, 0x5f, 0x87)),
            html: Style::new().fg(rgb(0x8a, 0x8a, 0x8a)),
            diff_added: Style::new().fg(rgb(0x00, 0x87, 0x00)),
            diff_removed: Style::new().fg(rgb(0xaf, 0x00, 0x00)),
            diff_hunk: Style::new().fg(rgb(0x00, 0x5f, 0xaf)),
            syntax_theme: "InspiredGitHub".into(),
        }
    }
}

// ---- theme files ----

/// The element names a theme file may set, in the order of [`Theme`]'s fields.
const ELEMENTS: [&str; 36] = [
    "heading1",
    "heading2",
    "heading3",
    "heading4",
    "heading5",
    "heading6",
    "heading_marker",
    "emphasis",
    "strong",
    "strikethrough",
    "inline_code",
    "link",
    "link_url",
    "image",
    "quote_bar",
    "quote_text",
    "alert_note",
    "alert_tip",
    "alert_important",
    "alert_warning",
    "alert_caution",
    "list_marker",
    "task_done",
    "task_open",
    "rule",
    "table_border",
    "table_header",
    "code_frame",
    "code_label",
    "code_text",
    "code_continuation",
    "footnote",
    "html",
    "diff_added",
    "diff_removed",
    "diff_hunk",
];

impl Theme {
    fn element_mut(&mut self, name: &str) -> Option<&mut Style> {
        Some(match name {
            "heading1" => &mut self.heading[0],
            "heading2" => &mut self.heading[1],
            "heading3" => &mut self.heading[2],
            "heading4" => &mut self.heading[3],
            "heading5" => &mut self.heading[4],
            "heading6" => &mut self.heading[5],
            "heading_marker" => &mut self.heading_marker,
            "emphasis" => &mut self.emphasis,
            "strong" => &mut self.strong,
            "strikethrough" => &mut self.strikethrough,
            "inline_code" => &mut self.inline_code,
            "link" => &mut self.link,
            "link_url" => &mut self.link_url,
            "image" => &mut self.image,
            "quote_bar" => &mut self.quote_bar,
            "quote_text" => &mut self.quote_text,
            "alert_note" => &mut self.alert[0],
            "alert_tip" => &mut self.alert[1],
            "alert_important" => &mut self.alert[2],
            "alert_warning" => &mut self.alert[3],
            "alert_caution" => &mut self.alert[4],
            "list_marker" => &mut self.list_marker,
            "task_done" => &mut self.task_done,
            "task_open" => &mut self.task_open,
            "rule" => &mut self.rule,
            "table_border" => &mut self.table_border,
            "table_header" => &mut self.table_header,
            "code_frame" => &mut self.code_frame,
            "code_label" => &mut self.code_label,
            "code_text" => &mut self.code_text,
            "code_continuation" => &mut self.code_continuation,
            "footnote" => &mut self.footnote,
            "html" => &mut self.html,
            "diff_added" => &mut self.diff_added,
            "diff_removed" => &mut self.diff_removed,
            "diff_hunk" => &mut self.diff_hunk,
            _ => return None,
        })
    }

    /// A theme by name (`dark`, `light`) or by path: a `.toml` theme file, or a `.tmTheme`
    /// file used for code on top of the dark theme.
    ///
    /// # Errors
    /// [`Error::UnknownTheme`] for an unknown name; [`Error::Theme`] (file, line, problem) for
    /// a file that cannot be read or is invalid.
    pub fn resolve(name_or_path: &str) -> Result<Self, Error> {
        if Self::BUILTIN.contains(&name_or_path) {
            return Self::builtin(name_or_path);
        }
        let path = std::path::Path::new(name_or_path);
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext.eq_ignore_ascii_case("tmtheme") {
            crate::highlight::load_tmtheme(name_or_path)?;
            let mut t = Self::dark();
            name_or_path.clone_into(&mut t.name);
            name_or_path.clone_into(&mut t.syntax_theme);
            return Ok(t);
        }
        if ext.eq_ignore_ascii_case("toml") || path.exists() {
            let text = std::fs::read_to_string(path).map_err(|e| Error::Theme {
                path: name_or_path.to_owned(),
                line: 0,
                message: e.to_string(),
            })?;
            return Self::from_toml(&text, name_or_path);
        }
        Err(Error::UnknownTheme {
            name: name_or_path.to_owned(),
            valid: format!(
                "{}, or a path to a .toml or .tmTheme file",
                Self::BUILTIN.join(", ")
            ),
        })
    }

    /// Parses a theme file. Format (every key optional):
    ///
    /// ```toml
    /// base = "light"                    # start from a built-in theme (default "dark")
    /// syntax_theme = "InspiredGitHub"   # a syntect theme name, or a path to a .tmTheme
    ///
    /// [styles]
    /// heading1 = { fg = "#d75f00", bold = true, underline = true }
    /// inline_code = { fg = "yellow", bg = 236 }
    /// link = { fg = "bright-blue", underline = true }
    /// ```
    /// Colors are `"#rrggbb"`, an ANSI name (`black`, `red`, … `white`, `bright-red`, …),
    /// a 256-color index, or `"default"`. Attributes: `bold`, `dim`, `italic`, `underline`,
    /// `strikethrough`. A style given replaces the element's style entirely. `path` is only
    /// used in error messages.
    ///
    /// # Errors
    /// [`Error::Theme`] naming `path`, the line and the problem (with the valid choices).
    pub fn from_toml(text: &str, path: &str) -> Result<Self, Error> {
        let err = |line: usize, message: String| Error::Theme {
            path: path.to_owned(),
            line,
            message,
        };
        let line_of = |key: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(key))
                .map_or(1, |i| i + 1)
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            err(line, e.message().trim().to_owned())
        })?;
        let base = match table.get("base") {
            None => "dark",
            Some(toml::Value::String(s)) => s.as_str(),
            Some(_) => {
                return Err(err(
                    line_of("base"),
                    "base must be a string: dark or light".into(),
                ))
            }
        };
        let mut theme = Self::builtin(base).map_err(|e| err(line_of("base"), e.to_string()))?;
        path.clone_into(&mut theme.name);
        for (key, value) in &table {
            match key.as_str() {
                "base" => {}
                "syntax_theme" => {
                    let toml::Value::String(s) = value else {
                        return Err(err(
                            line_of("syntax_theme"),
                            "syntax_theme must be a string".into(),
                        ));
                    };
                    if std::path::Path::new(s)
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("tmtheme"))
                    {
                        crate::highlight::load_tmtheme(s)
                            .map_err(|e| err(line_of("syntax_theme"), e.to_string()))?;
                    } else if !crate::highlight::syntax_theme_names().contains(&s.as_str()) {
                        return Err(err(line_of("syntax_theme"), format!("unknown syntax theme {s:?}: valid names are {}, or a .tmTheme path", crate::highlight::syntax_theme_names().join(", "))));
                    }
                    theme.syntax_theme.clone_from(s);
                }
                "styles" => {
                    let toml::Value::Table(styles) = value else {
                        return Err(err(line_of("styles"), "[styles] must be a table".into()));
                    };
                    for (name, spec) in styles {
                        let line = line_of(name);
                        let slot = theme.element_mut(name).ok_or_else(|| {
                            err(
                                line,
                                format!(
                                    "unknown element {name:?}: valid elements are {}",
                                    ELEMENTS.join(", ")
                                ),
                            )
                        })?;
                        *slot = parse_style(spec).map_err(|m| err(line, format!("{name}: {m}")))?;
                    }
                }
                other => {
                    return Err(err(
                        line_of(other),
                        format!(
                            "unknown key {other:?}: valid keys are base, syntax_theme, [styles]"
                        ),
                    ))
                }
            }
        }
        Ok(theme)
    }
}

fn parse_style(spec: &toml::Value) -> Result<Style, String> {
    let toml::Value::Table(t) = spec else {
        return Err("a style is a table such as { fg = \"#ff8700\", bold = true }".into());
    };
    let mut style = Style::PLAIN;
    for (k, v) in t {
        match k.as_str() {
            "fg" => style.fg = Some(parse_color(v)?),
            "bg" => style.bg = Some(parse_color(v)?),
            "bold" | "dim" | "italic" | "underline" | "strikethrough" => {
                let toml::Value::Boolean(on) = v else {
                    return Err(format!("{k} must be true or false"));
                };
                let m = match k.as_str() {
                    "bold" => Modifiers::BOLD,
                    "dim" => Modifiers::DIM,
                    "italic" => Modifiers::ITALIC,
                    "underline" => Modifiers::UNDERLINE,
                    _ => Modifiers::STRIKETHROUGH,
                };
                if *on {
                    style.mods = style.mods.union(m);
                }
            }
            other => return Err(format!("unknown style key {other:?}: valid keys are fg, bg, bold, dim, italic, underline, strikethrough")),
        }
    }
    Ok(style)
}

const ANSI_NAMES: [&str; 8] = [
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
];

fn parse_color(v: &toml::Value) -> Result<Color, String> {
    let bad = || {
        "a color is \"#rrggbb\", an ANSI name (red, bright-red, ...), a 256-color index or \"default\"".to_owned()
    };
    match v {
        toml::Value::Integer(i) => u8::try_from(*i).map(Color::Indexed).map_err(|_| bad()),
        toml::Value::String(s) => {
            let s = s.trim();
            if s == "default" {
                return Ok(Color::Reset);
            }
            if let Some(hex) = s.strip_prefix('#') {
                if hex.len() == 6 {
                    if let Ok(n) = u32::from_str_radix(hex, 16) {
                        return Ok(Color::Rgb((n >> 16) as u8, (n >> 8) as u8, n as u8));
                    }
                }
                return Err(bad());
            }
            let (bright, name) = s.strip_prefix("bright-").map_or((false, s), |n| (true, n));
            ANSI_NAMES
                .iter()
                .position(|&n| n == name)
                .map(|i| Color::Ansi(i as u8 + if bright { 8 } else { 0 }))
                .ok_or_else(bad)
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_file_overrides_elements() {
        let t = Theme::from_toml("base = \"light\"\n[styles]\nlink = { fg = \"#010203\", underline = true }\ninline_code = { fg = \"bright-red\", bg = 236 }\n", "t.toml").unwrap();
        assert_eq!(
            t.link,
            Style::new()
                .fg(Color::Rgb(1, 2, 3))
                .add_modifier(Modifiers::UNDERLINE)
        );
        assert_eq!(
            t.inline_code,
            Style::new().fg(Color::Ansi(9)).bg(Color::Indexed(236))
        );
        assert_eq!(t.heading, Theme::light().heading);
    }

    #[test]
    fn theme_errors_name_file_line_and_choices() {
        let e = Theme::from_toml("[styles]\n\nlinkk = { fg = \"red\" }\n", "my.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("my.toml:3: unknown element \"linkk\""), "{e}");
        assert!(e.contains("inline_code"), "{e}");
        let e = Theme::from_toml("[styles]\nlink = { fg = \"#12\" }\n", "my.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("my.toml:2: link: a color is"), "{e}");
        let e = Theme::from_toml("[styles\n", "bad.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("bad.toml:1: "), "{e}");
        let e = Theme::from_toml("syntax_theme = \"nope\"\n", "s.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("base16-ocean.dark"), "{e}");
        let e = Theme::resolve("no-such-theme").unwrap_err().to_string();
        assert!(e.contains("dark, light"), "{e}");
    }
}
