//! The Node.js binding of termark (napi-rs): a thin shell over [`termark::Renderer`] and
//! [`termark::Stream`]. All Markdown logic lives in the `termark` crate; this crate only
//! converts options in and lines out.
//!
//! JavaScript sees a `Renderer` class (built from an options object), a `Stream` class (one
//! message as it streams in), a `Line` class (read-only properties; its spans are built only
//! when read) and plain `Span` objects. Bad options throw a
//! `TypeError` (wrong type, unknown option) or a `RangeError` (a value out of range, an
//! unknown name); nothing here panics, and no input is an error.

use napi::bindgen_prelude::{
    Either3, Env, Error, JsObjectValue, Object, Result, Status, Uint8ArraySlice, Unknown, ValueType,
};
use napi_derive::napi;

/// The options `new Renderer(options)` accepts (every one is optional). Only for the type
/// definitions: the constructor reads the object itself, so that a wrong type or an unknown
/// option throws a `TypeError` that names it.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RendererOptions {
    /// Width in display columns, 8 to 4096 (default 80). No line is wider (code lines too,
    /// unless `wrapCode` is false).
    pub width: Option<u32>,
    /// Color depth of `Line.ansi`: `"truecolor"` (default, 24-bit SGR), `"256"`, `"16"`,
    /// `"none"` (attributes only, no color) or `"plain"` (no escape sequence at all).
    #[napi(ts_type = "'truecolor' | '256' | '16' | 'none' | 'plain'")]
    pub color: Option<String>,
    /// `"dark"` (default), `"light"`, or a path to a `.toml` theme file or a `.tmTheme`
    /// syntax theme.
    pub theme: Option<String>,
    /// `true`: links become OSC 8 hyperlinks in `Line.ansi` (only `http`, `https` and
    /// `mailto` destinations; any other is shown as text). `false` (default): a link's
    /// destination is shown as text after it.
    pub hyperlinks: Option<bool>,
    /// Syntax-highlight fenced code blocks that name a known language (default `true`).
    pub highlight: Option<bool>,
    /// Columns per tab stop, 1 to 16 (default 4).
    pub tab_width: Option<u32>,
    /// Break code lines longer than the width behind a `↪` marker (default `true`). With
    /// `false` code lines are printed whole, for copy and paste, and may be wider.
    pub wrap_code: Option<bool>,
    /// Show the tentative tail as if its open emphasis, code spans and links were closed
    /// (default `true`), so `**bold` streams in bold. Committed lines are never healed.
    pub heal: Option<bool>,
    /// Cap the tentative tail at this many lines (at least 2), the first of them a marker
    /// that says how many rows are hidden above. Default: no cap.
    pub tail_rows: Option<u32>,
}

/// One rendered line. Final once it came from `newCommitted()`; a line of `tentative()`
/// is only the current look of the open block. Its properties are read-only.
#[napi]
pub struct Line {
    ansi: String,
    plain: String,
    width: u32,
    /// Each span's end in `plain` (bytes), style and link: `spans` builds the objects only
    /// when asked (most apps print `ansi` and never need them).
    runs: Vec<(u32, termark::Style, Option<String>)>,
}

#[napi]
impl Line {
    /// The line as terminal bytes: SGR styles (and OSC 8 links with `hyperlinks`), at the
    /// renderer's color depth, starting and ending in the terminal's default state. No
    /// newline.
    #[napi(getter)]
    pub fn ansi(&self) -> &str {
        &self.ansi
    }

    /// The line's text without any style.
    #[napi(getter)]
    pub fn plain(&self) -> &str {
        &self.plain
    }

    /// Display width in terminal columns (never more than the renderer's width, except a
    /// code line with `wrapCode: false`).
    #[napi(getter)]
    pub fn width(&self) -> u32 {
        self.width
    }

    /// The styled runs of the line, left to right, for apps with their own cell model. Built
    /// on each access: keep the array if you read it more than once.
    #[napi(getter)]
    pub fn spans(&self) -> Vec<Span> {
        let mut start = 0usize;
        self.runs
            .iter()
            .map(|(end, style, link)| {
                let end = *end as usize;
                let text = self.plain[start..end].to_owned();
                start = end;
                let m = style.mods;
                Span {
                    text,
                    fg: style.fg.map(color_name),
                    bg: style.bg.map(color_name),
                    bold: m.contains(termark::Modifiers::BOLD),
                    dim: m.contains(termark::Modifiers::DIM),
                    italic: m.contains(termark::Modifiers::ITALIC),
                    underline: m.contains(termark::Modifiers::UNDERLINE),
                    strikethrough: m.contains(termark::Modifiers::STRIKETHROUGH),
                    link: link.clone(),
                }
            })
            .collect()
    }

    /// A plain object with the same four properties (`spans` built once), for logging,
    /// JSON or a deep comparison.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> LineObject {
        LineObject {
            ansi: self.ansi.clone(),
            plain: self.plain.clone(),
            width: self.width,
            spans: self.spans(),
        }
    }
}

/// What `Line.toJSON()` returns: a line's properties as a plain object.
#[napi(object, object_from_js = false)]
pub struct LineObject {
    /// As `Line.ansi`.
    pub ansi: String,
    /// As `Line.plain`.
    pub plain: String,
    /// As `Line.width`.
    pub width: u32,
    /// As `Line.spans`.
    pub spans: Vec<Span>,
}

/// A run of text in one style. The colors are the theme's, before the renderer's color
/// depth is applied (that happens only in `Line.ansi`).
///
/// A color is a string in the form chalk and Ink's `<Text color>` accept: `"#rrggbb"`
/// (24-bit), `"ansi256(N)"` (the xterm palette), an ANSI color name (`"red"`,
/// `"redBright"`, …, `"gray"` is `"blackBright"`), or `"default"` (the terminal's default
/// color, asked for explicitly). An absent color inherits.
#[napi(object, object_from_js = false)]
pub struct Span {
    /// The text: no control characters, no newline, tabs expanded.
    pub text: String,
    /// Foreground color; absent: inherit.
    pub fg: Option<String>,
    /// Background color; absent: inherit.
    pub bg: Option<String>,
    /// Bold (SGR 1).
    pub bold: bool,
    /// Dim (SGR 2).
    pub dim: bool,
    /// Italic (SGR 3).
    pub italic: bool,
    /// Underline (SGR 4).
    pub underline: bool,
    /// Strikethrough (SGR 9).
    pub strikethrough: bool,
    /// The link destination when the span is (part of) an OSC 8 hyperlink; absent otherwise.
    pub link: Option<String>,
}

const ANSI_NAMES: [&str; 16] = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "white",
    "blackBright",
    "redBright",
    "greenBright",
    "yellowBright",
    "blueBright",
    "magentaBright",
    "cyanBright",
    "whiteBright",
];

fn color_name(color: termark::Color) -> String {
    match color {
        termark::Color::Reset => "default".to_owned(),
        termark::Color::Ansi(n) => ANSI_NAMES[usize::from(n % 16)].to_owned(),
        termark::Color::Indexed(n) => format!("ansi256({n})"),
        termark::Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
    }
}

fn to_line(writer: &mut termark::AnsiWriter, line: &termark::Line<'_>) -> Line {
    let plain = line.plain();
    let mut end = 0usize;
    let runs = line
        .spans()
        .map(|s| {
            end += s.text.len();
            (end as u32, s.style, s.link.map(str::to_owned))
        })
        .collect();
    Line {
        ansi: writer.line_to_string(line),
        plain,
        width: line.width() as u32,
        runs,
    }
}

/// Throws `message` as a JavaScript `TypeError` and returns the error that tells napi-rs an
/// exception is already pending (so it throws nothing else).
fn type_error(env: &Env, message: &str) -> Error {
    match env.throw_type_error(message, None) {
        Ok(()) => Error::new(Status::PendingException, message.to_owned()),
        Err(e) => e,
    }
}

/// Throws `message` as a JavaScript `RangeError` (see [`type_error`]).
fn range_error(env: &Env, message: &str) -> Error {
    match env.throw_range_error(message, None) {
        Ok(()) => Error::new(Status::PendingException, message.to_owned()),
        Err(e) => e,
    }
}

/// A termark error as the JavaScript error that fits: an option out of range or an unknown
/// theme name is a `RangeError`, a theme file that cannot be read or parsed an `Error`.
fn termark_error(env: &Env, err: &termark::Error) -> Error {
    match err {
        termark::Error::InvalidOption { .. } | termark::Error::UnknownTheme { .. } => {
            range_error(env, &err.to_string())
        }
        _ => Error::from_reason(err.to_string()),
    }
}

/// A JavaScript number that must be a non-negative integer (`what` names it in errors).
fn read_count(env: &Env, value: &Unknown<'_>, what: &str) -> Result<usize> {
    if value.get_type()? != ValueType::Number {
        return Err(type_error(env, &format!("{what} must be a number")));
    }
    // SAFETY: the value was checked to be a number just above.
    let n: f64 = unsafe { value.cast()? };
    if !n.is_finite() || n < 0.0 || n.fract() != 0.0 {
        return Err(range_error(
            env,
            &format!("{what} must be a non-negative integer, got {n}"),
        ));
    }
    if n > 1e9 {
        return Err(range_error(
            env,
            &format!("{what} is out of range, got {n}"),
        ));
    }
    // termark checks the range and names the valid one.
    Ok(n as usize)
}

fn read_bool(env: &Env, value: &Unknown<'_>, what: &str) -> Result<bool> {
    if value.get_type()? != ValueType::Boolean {
        return Err(type_error(env, &format!("{what} must be a boolean")));
    }
    // SAFETY: the value was checked to be a boolean just above.
    unsafe { value.cast() }
}

fn read_string(env: &Env, value: &Unknown<'_>, what: &str) -> Result<String> {
    if value.get_type()? != ValueType::String {
        return Err(type_error(env, &format!("{what} must be a string")));
    }
    // SAFETY: the value was checked to be a string just above.
    unsafe { value.cast() }
}

const OPTION_NAMES: [&str; 9] = [
    "width",
    "color",
    "theme",
    "hyperlinks",
    "highlight",
    "tabWidth",
    "wrapCode",
    "heal",
    "tailRows",
];

/// termark options from a JavaScript options object (see [`RendererOptions`]).
fn read_options(env: &Env, object: &Object<'_>) -> Result<termark::Options> {
    let mut options = termark::Options::new();
    for key in Object::keys(object)? {
        if !OPTION_NAMES.contains(&key.as_str()) {
            return Err(type_error(
                env,
                &format!(
                    "unknown option {key:?}: valid options are {}",
                    OPTION_NAMES.join(", ")
                ),
            ));
        }
        let value: Unknown<'_> = object.get_named_property(&key)?;
        if matches!(value.get_type()?, ValueType::Undefined) {
            continue;
        }
        let what = format!("option {key}");
        options = match key.as_str() {
            "width" => options.with_width(read_count(env, &value, &what)?),
            "tabWidth" => options.with_tab_width(read_count(env, &value, &what)?),
            "tailRows" => options.with_tail_rows(Some(read_count(env, &value, &what)?)),
            "hyperlinks" => options.with_hyperlinks(read_bool(env, &value, &what)?),
            "highlight" => options.with_highlight(read_bool(env, &value, &what)?),
            "wrapCode" => options.with_wrap_code(read_bool(env, &value, &what)?),
            "heal" => options.with_heal(read_bool(env, &value, &what)?),
            "color" => {
                let depth = match read_string(env, &value, &what)?.as_str() {
                    "truecolor" => termark::ColorDepth::TrueColor,
                    "256" => termark::ColorDepth::Ansi256,
                    "16" => termark::ColorDepth::Ansi16,
                    "none" => termark::ColorDepth::NoColor,
                    "plain" => termark::ColorDepth::Plain,
                    other => {
                        return Err(range_error(
                            env,
                            &format!(
                                "unknown color {other:?}: valid values are \"truecolor\", \
                                 \"256\", \"16\", \"none\", \"plain\""
                            ),
                        ))
                    }
                };
                options.with_color(depth)
            }
            "theme" => {
                let name = read_string(env, &value, &what)?;
                let theme = termark::Theme::resolve(&name).map_err(|e| termark_error(env, &e))?;
                options.with_theme(theme)
            }
            _ => options,
        };
    }
    Ok(options)
}

/// Renders Markdown with one set of options. Build one and share it: every message's
/// `Stream` comes from it, and `render` renders a whole document at once.
#[napi]
pub struct Renderer {
    inner: termark::Renderer,
}

#[napi]
impl Renderer {
    /// Validates `options` and builds a renderer.
    ///
    /// Throws a `TypeError` for an option of the wrong type or an unknown option name, a
    /// `RangeError` for a value out of range or an unknown color or theme name, and an
    /// `Error` for a theme file that cannot be read or parsed.
    #[napi(constructor, ts_args_type = "options?: RendererOptions")]
    pub fn new(env: Env, options: Option<Unknown<'_>>) -> Result<Self> {
        let options = match options {
            None => termark::Options::new(),
            Some(value) => match value.get_type()? {
                ValueType::Undefined => termark::Options::new(),
                ValueType::Object => {
                    // SAFETY: the value was checked to be an object just above.
                    let object: Object<'_> = unsafe { value.cast()? };
                    read_options(&env, &object)?
                }
                _ => return Err(type_error(&env, "options must be an object")),
            },
        };
        let inner = termark::Renderer::new(options).map_err(|e| termark_error(&env, &e))?;
        Ok(Self { inner })
    }

    /// A new stream for one message.
    #[napi]
    pub fn stream(&self) -> Stream {
        Stream {
            inner: self.inner.stream(),
            writer: self.inner.writer(),
        }
    }

    /// Renders a whole document at once: exactly the lines a stream fed `text` in any
    /// chunks and finalized gives.
    #[napi]
    pub fn render(&self, text: String) -> Vec<Line> {
        let mut writer = self.inner.writer();
        let lines = self.inner.render(&text);
        lines.iter().map(|l| to_line(&mut writer, &l)).collect()
    }

    /// The width lines are laid out at, in columns.
    #[napi(getter)]
    pub fn width(&self) -> u32 {
        self.inner.options().width() as u32
    }
}

/// One message as it streams in: push text as it arrives, print the committed lines once
/// (they are final), redraw the tentative tail, and `finalize()` when the message ends.
#[napi]
pub struct Stream {
    inner: termark::Stream,
    writer: termark::AnsiWriter,
}

#[napi]
impl Stream {
    /// Appends a chunk: a string, or bytes (a `Buffer` or `Uint8Array`) that may end inside
    /// a UTF-8 sequence (the rest comes with the next chunk; invalid UTF-8 shows as U+FFFD).
    /// Work done: proportional to the chunk and the open block. Ignored after `finalize()`
    /// until `release()`. Throws a `TypeError` for anything else.
    ///
    /// Returns how many committed lines are waiting for `newCommitted()` (0 after most
    /// pushes: an app that streams small chunks may skip the call then).
    #[napi(ts_args_type = "chunk: string | Uint8Array")]
    pub fn push(
        &mut self,
        env: Env,
        chunk: Either3<String, Uint8ArraySlice<'_>, Unknown<'_>>,
    ) -> Result<u32> {
        match chunk {
            Either3::A(text) => self.inner.push(&text),
            Either3::B(bytes) => self.inner.push_bytes(&bytes),
            Either3::C(_) => {
                return Err(type_error(
                    &env,
                    "push() takes a string, a Buffer or a Uint8Array",
                ))
            }
        }
        Ok(self.inner.new_committed().len() as u32)
    }

    /// The committed lines not returned yet, oldest first. They are final: print or keep
    /// them, they never change.
    #[napi]
    pub fn new_committed(&mut self) -> Vec<Line> {
        let writer = &mut self.writer;
        self.inner
            .new_committed()
            .map(|l| to_line(writer, &l))
            .collect()
    }

    /// The current rendering of the still-open block (the tentative tail), top to bottom.
    /// It changes with every push; draw it below the committed lines and replace it on the
    /// next frame. Empty after `finalize()`.
    #[napi]
    pub fn tentative(&mut self) -> Vec<Line> {
        let writer = &mut self.writer;
        self.inner
            .tentative()
            .map(|l| to_line(writer, &l))
            .collect()
    }

    /// Lays out the open block and everything committed from now on at `columns` (after a
    /// terminal resize). Lines already committed stay as they are. Throws a `RangeError`
    /// for a width outside 8 to 4096 (the width is then unchanged).
    #[napi(ts_args_type = "columns: number")]
    pub fn set_width(&mut self, env: Env, columns: Unknown<'_>) -> Result<()> {
        let columns = read_count(&env, &columns, "width")?;
        self.inner
            .set_width(columns)
            .map_err(|e| termark_error(&env, &e))
    }

    /// The width lines are laid out at now, in columns.
    #[napi(getter)]
    pub fn width(&self) -> u32 {
        self.inner.width() as u32
    }

    /// Ends the message: the open block is committed (read it with `newCommitted()`) and
    /// every prefix cache is dropped. Calling it again does nothing.
    #[napi]
    pub fn finalize(&mut self) {
        self.inner.finalize();
    }

    /// Gives every buffer back to the renderer's bounded pool and resets the stream: it holds
    /// nothing and can render a new message.
    #[napi]
    pub fn release(&mut self) {
        self.inner.release();
    }

    /// True while the stream holds any prefix cache (open source, parser, highlighter or
    /// tail state). False for a new stream and after `finalize()`.
    #[napi(getter)]
    pub fn has_live_state(&self) -> bool {
        self.inner.has_live_state()
    }

    /// True after `finalize()` (until `release()`).
    #[napi(getter)]
    pub fn is_finalized(&self) -> bool {
        self.inner.is_finalized()
    }

    /// Heap bytes this stream holds on the Rust side, committed lines included (0 after
    /// `release()`).
    #[napi(getter)]
    pub fn heap_bytes(&self) -> u32 {
        u32::try_from(self.inner.heap_bytes()).unwrap_or(u32::MAX)
    }
}
