//! The Node.js binding of termark (napi-rs): a thin shell over [`termark::Renderer`] and
//! [`termark::Stream`]. All Markdown logic lives in the `termark` crate; this crate only
//! converts options in and lines out.
//!
//! JavaScript sees a `Renderer` class (built from an options object), a `Stream` class (one
//! message as it streams in), a `Line` class (read-only properties; its spans are built only
//! when read) and plain `Span` objects. Bad options throw a
//! `TypeError` (wrong type, unknown option) or a `RangeError` (a value out of range, an
//! unknown name); nothing here panics, and no input is an error.
//!
//! `Line` and the hot `Stream` methods (`push`, `newCommitted`, `tentative`) are finished in
//! `index.js`: this crate gives them plain N-API callbacks (`js_push`, `js_new_committed`,
//! `js_tentative`) and returns lines packed into two strings per call (`Batch`), because
//! napi-rs class methods and native objects cost more per call than pushing 16 bytes (the
//! README's *How the binding is built* has the figures).

use std::cell::RefCell;
use std::ffi::{CStr, CString};
use std::ptr;
use std::rc::Rc;

use napi::bindgen_prelude::{
    Env, Error, JsObjectValue, Object, Result, Status, ToNapiValue, Unknown, ValueType,
};
use napi::{sys, JsValue};
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

/// What `Line.toJSON()` returns: a line's properties as a plain object. Only for the type
/// definitions: `index.js` builds it.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct LineObject {
    /// As `Line.ansi`.
    pub ansi: String,
    /// As `Line.plain`.
    pub plain: String,
    /// As `Line.width`.
    pub width: u32,
    /// As `Line.kind`.
    #[napi(ts_type = "LineKind")]
    pub kind: String,
    /// As `Line.spans`.
    pub spans: Vec<Span>,
}

/// A run of text in one style. The colors are the theme's, before the renderer's color
/// depth is applied (that happens only in `Line.ansi`). Only for the type definitions:
/// `index.js` builds spans when `Line.spans` is read.
///
/// A color is a string in the form chalk and Ink's `<Text color>` accept: `"#rrggbb"`
/// (24-bit), `"ansi256(N)"` (the xterm palette), an ANSI color name (`"red"`,
/// `"redBright"`, …, `"gray"` is `"blackBright"`), or `"default"` (the terminal's default
/// color, asked for explicitly). An absent color inherits.
#[napi(object, object_from_js = false, object_to_js = false)]
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

/// Lines packed for JavaScript into two strings, from which `index.js` makes its `Line`
/// objects: two N-API values per batch instead of a native object and several getter calls
/// per line (see the README's *How the binding is built*).
///
/// One string is every line's ANSI text, back to back (apart, so that an app that keeps
/// only `ansi` keeps only it). The other holds first numbers, each as two UTF-16 units (low
/// 16 bits, then high), then every line's plain text and the batch's link destinations,
/// each run back to back. The numbers (every length in UTF-16 code units,
/// JavaScript's string indices):
///
/// - a header of [`HEADER`] numbers: lines, links, spans, total ANSI length, total plain
///   length;
/// - per line [`LINE_FIELDS`]: ANSI length, plain length, width in columns, kind (an index
///   into `index.js`'s `KINDS`, see [`kind_code`]), the number of spans up to and including
///   this line's;
/// - per link, its length;
/// - per span [`SPAN_FIELDS`]: its end in the line's plain text, fg, bg (see
///   [`color_code`]), the attributes (bit 0 bold, 1 dim, 2 italic, 3 underline,
///   4 strikethrough), the link (its index among the batch's links plus 1; 0 for none).
///
/// The buffers are kept per stream and reused, so a batch allocates only its strings.
#[derive(Default)]
struct Batch {
    /// One line's ANSI bytes, as the writer writes them.
    scratch: Vec<u8>,
    ansi: Vec<u16>,
    plain: Vec<u16>,
    links: Vec<u16>,
    /// Where the last link destination starts in `links` (consecutive spans of one link
    /// share it).
    last_link: Option<usize>,
    lines: Vec<u32>,
    link_lens: Vec<u32>,
    spans: Vec<u32>,
    /// The string being built.
    out: Vec<u16>,
}

/// Numbers in a batch's header.
const HEADER: usize = 5;
/// Numbers per line.
const LINE_FIELDS: usize = 5;
/// Numbers per span.
const SPAN_FIELDS: usize = 5;

/// The length of UTF-8 `s` in UTF-16 code units: one per UTF-8 sequence, two for a sequence
/// of four bytes (a character outside the BMP).
fn utf16_len(s: &str) -> u32 {
    let units: usize = s
        .bytes()
        .map(|b| usize::from(b & 0xc0 != 0x80) + usize::from(b >= 0xf0))
        .sum();
    u32::try_from(units).unwrap_or(u32::MAX)
}

/// Appends UTF-8 `s` to `out` as UTF-16 and returns how many units that took. Runs of ASCII
/// are copied byte by byte (most of a terminal line); a split at an ASCII byte never cuts a
/// UTF-8 sequence.
fn push_utf16(out: &mut Vec<u16>, s: &[u8]) -> u32 {
    let start = out.len();
    if s.is_ascii() {
        out.extend(s.iter().map(|&b| u16::from(b)));
        return count(s.len());
    }
    out.reserve(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        let ascii = rest.iter().position(|&b| b >= 0x80).unwrap_or(rest.len());
        out.extend(rest[..ascii].iter().map(|&b| u16::from(b)));
        rest = &rest[ascii..];
        let other = rest.iter().position(|&b| b < 0x80).unwrap_or(rest.len());
        out.extend(String::from_utf8_lossy(&rest[..other]).encode_utf16());
        rest = &rest[other..];
    }
    count(out.len() - start)
}

/// A count as a batch number (no batch comes near 2³² of anything).
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A color as one number for [`Batch`]: 0 none (inherit), 1 the terminal's default,
/// `1 << 24 | n` ANSI color `n`, `2 << 24 | n` xterm palette entry `n`, `3 << 24 | rgb`.
fn color_code(color: Option<termark::Color>) -> u32 {
    match color {
        None => 0,
        Some(termark::Color::Reset) => 1,
        Some(termark::Color::Ansi(n)) => 1 << 24 | u32::from(n % 16),
        Some(termark::Color::Indexed(n)) => 2 << 24 | u32::from(n),
        Some(termark::Color::Rgb(r, g, b)) => {
            3 << 24 | u32::from(r) << 16 | u32::from(g) << 8 | u32::from(b)
        }
    }
}

/// A line's kind as the index of its name in `index.js`'s `KINDS`.
fn kind_code(kind: termark::LineKind) -> u32 {
    use termark::LineKind as K;
    match kind {
        K::Heading => 1,
        K::Code => 2,
        K::CodeFrame => 3,
        K::Table => 4,
        K::TableRule => 5,
        K::Rule => 6,
        K::Html => 7,
        K::LinkReference => 8,
        K::Blank => 9,
        // `Text`, and a kind a later termark adds (until the binding names it).
        _ => 0,
    }
}

/// The attributes as [`Batch`] packs them.
fn mods_code(m: termark::Modifiers) -> u32 {
    use termark::Modifiers as M;
    [M::BOLD, M::DIM, M::ITALIC, M::UNDERLINE, M::STRIKETHROUGH]
        .iter()
        .enumerate()
        .map(|(bit, &flag)| u32::from(m.contains(flag)) << bit)
        .sum()
}

impl Batch {
    fn clear(&mut self) {
        self.ansi.clear();
        self.plain.clear();
        self.links.clear();
        self.last_link = None;
        self.lines.clear();
        self.link_lens.clear();
        self.spans.clear();
        self.out.clear();
    }

    /// The bytes the buffers hold (capacity).
    fn heap_bytes(&self) -> usize {
        self.scratch.capacity()
            + 2 * (self.ansi.capacity() + self.plain.capacity() + self.links.capacity())
            + 4 * (self.lines.capacity() + self.link_lens.capacity() + self.spans.capacity())
            + 2 * self.out.capacity()
    }

    /// Appends one line.
    fn push(&mut self, writer: &mut termark::AnsiWriter, line: &termark::Line<'_>) {
        self.scratch.clear();
        // Writing into a `Vec` cannot fail; the line ends in a newline, which goes.
        let _ = writer.write_line(&mut self.scratch, line);
        if self.scratch.last() == Some(&b'\n') {
            self.scratch.pop();
        }
        let ansi_len = push_utf16(&mut self.ansi, &self.scratch);
        let plain_len = push_utf16(&mut self.plain, line.text().as_bytes());
        let mut end = 0u32;
        for span in line.spans() {
            end += utf16_len(span.text);
            let link = match span.link {
                None => 0,
                Some(url) => {
                    let same = self
                        .last_link
                        .is_some_and(|at| url.encode_utf16().eq(self.links[at..].iter().copied()));
                    if !same {
                        self.last_link = Some(self.links.len());
                        let len = push_utf16(&mut self.links, url.as_bytes());
                        self.link_lens.push(len);
                    }
                    count(self.link_lens.len())
                }
            };
            self.spans.extend([
                end,
                color_code(span.style.fg),
                color_code(span.style.bg),
                mods_code(span.style.mods),
                link,
            ]);
        }
        self.lines.extend([
            ansi_len,
            plain_len,
            count(line.width()),
            kind_code(line.kind()),
            count(self.spans.len() / SPAN_FIELDS),
        ]);
    }

    /// The batch as two JavaScript strings, `(numbers and plain texts, ANSI texts)`, or
    /// `None` when it holds no line; the batch is empty again afterwards.
    ///
    /// # Safety
    /// `env` is the environment of the running callback.
    unsafe fn take_js(
        &mut self,
        env: sys::napi_env,
    ) -> Result<Option<(sys::napi_value, sys::napi_value)>> {
        if self.lines.is_empty() {
            return Ok(None);
        }
        let header: [u32; HEADER] = [
            count(self.lines.len() / LINE_FIELDS),
            count(self.link_lens.len()),
            count(self.spans.len() / SPAN_FIELDS),
            count(self.ansi.len()),
            count(self.plain.len()),
        ];
        let mut text = std::mem::take(&mut self.out);
        text.clear();
        for part in [&header[..], &self.lines, &self.link_lens, &self.spans] {
            // Two units per number: the low 16 bits, then the high (truncation intended).
            #[allow(clippy::cast_possible_truncation)]
            text.extend(part.iter().flat_map(|&n| [n as u16, (n >> 16) as u16]));
        }
        text.extend_from_slice(&self.plain);
        text.extend_from_slice(&self.links);
        let (mut numbers, mut ansi) = (ptr::null_mut(), ptr::null_mut());
        let made = unsafe {
            sys::napi_create_string_utf16(env, text.as_ptr(), text.len() as isize, &mut numbers)
        };
        let made_ansi = unsafe {
            sys::napi_create_string_utf16(
                env,
                self.ansi.as_ptr(),
                self.ansi.len() as isize,
                &mut ansi,
            )
        };
        self.clear();
        self.out = text;
        if self.heap_bytes() > termark::limits::KEEP_BUFFER_BYTES {
            // Do not keep the peak of one large batch (a whole message after `finalize()`).
            *self = Self::default();
        }
        check(made)?;
        check(made_ansi)?;
        Ok(Some((numbers, ansi)))
    }
}

/// A packed batch for the hot functions: the numbers-and-plain string is returned, the ANSI
/// string goes into `box[0]` (an array `index.js` passes and reuses, so that no array is
/// made per call); `undefined` when there is no line.
///
/// # Safety
/// `env` is the environment of the running callback and `boxed` one of its values.
unsafe fn batch_to_box(
    env: sys::napi_env,
    batch: &mut Batch,
    boxed: sys::napi_value,
) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    match unsafe { batch.take_js(env)? } {
        None => check(unsafe { sys::napi_get_undefined(env, &mut out) })?,
        Some((numbers, ansi)) => {
            check(unsafe { sys::napi_set_element(env, boxed, 0, ansi) })?;
            out = numbers;
        }
    }
    Ok(out)
}

/// A `Result` from an N-API status.
fn check(status: sys::napi_status) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(
            Status::from(status),
            "N-API call failed".to_owned(),
        ))
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
        let core = Rc::new(RefCell::new(Core {
            stream: self.inner.stream(),
            writer: self.inner.writer(),
            batch: Batch::default(),
            chunk: Vec::new(),
        }));
        let handle = Cores::insert(&core);
        Stream { core, handle }
    }

    /// `render(text)` of `index.js`: the whole document's lines as one `Batch`.
    #[napi(js_name = "__render", skip_typescript)]
    pub fn render_packed(&self, text: String) -> Packed {
        let mut writer = self.inner.writer();
        let lines = self.inner.render(&text);
        let mut batch = Batch::default();
        for line in lines.iter() {
            batch.push(&mut writer, &line);
        }
        Packed(batch)
    }

    /// The width lines are laid out at, in columns.
    #[napi(getter)]
    pub fn width(&self) -> u32 {
        self.inner.options().width() as u32
    }
}

/// What a stream is on the Rust side, shared by the `Stream` class (its rarely called
/// methods) and the hot functions ([`js_push`], [`js_new_committed`], [`js_tentative`]),
/// which find it by the stream's handle in [`CORES`].
struct Core {
    stream: termark::Stream,
    writer: termark::AnsiWriter,
    batch: Batch,
    /// A string chunk as UTF-8 (reused).
    chunk: Vec<u8>,
}

type SharedCore = Rc<RefCell<Core>>;

/// The live streams of this JavaScript thread by handle (an index; a free slot is `None`
/// and reused). A `Stream` takes a slot when it is made and gives it back when its
/// finalizer drops it. A handle is a plain number, so a wrong one finds another stream or
/// none, never memory that is not a [`Core`].
#[derive(Default)]
struct Cores {
    slots: Vec<Option<SharedCore>>,
    free: Vec<u32>,
}

thread_local! {
    static CORES: RefCell<Cores> = RefCell::default();
}

impl Cores {
    fn insert(core: &SharedCore) -> u32 {
        CORES.with_borrow_mut(|c| match c.free.pop() {
            Some(id) => {
                c.slots[id as usize] = Some(Rc::clone(core));
                id
            }
            None => {
                c.slots.push(Some(Rc::clone(core)));
                count(c.slots.len() - 1)
            }
        })
    }

    fn remove(id: u32) {
        // `try_with`: a finalizer that runs while the thread ends finds the table gone (and
        // with it every core), which is no reason to panic.
        let core = CORES
            .try_with(|cores| {
                let mut c = cores.borrow_mut();
                let core = c.slots.get_mut(id as usize).and_then(Option::take);
                if core.is_some() {
                    c.free.push(id);
                }
                core
            })
            .ok()
            .flatten();
        // The core drops here, after the table's borrow ended.
        drop(core);
    }

    fn get(id: u32) -> Option<SharedCore> {
        CORES.with_borrow(|c| c.slots.get(id as usize).cloned().flatten())
    }
}

/// Throws a `TypeError` (in a raw callback) and returns the value it returns.
///
/// # Safety
/// `env` is the environment of the running callback.
unsafe fn throw_type(env: sys::napi_env, message: &CStr) -> sys::napi_value {
    unsafe { sys::napi_throw_type_error(env, ptr::null(), message.as_ptr()) };
    ptr::null_mut()
}

/// The callback's first two arguments.
///
/// # Safety
/// `env` and `info` are the running callback's.
unsafe fn args2(env: sys::napi_env, info: sys::napi_callback_info) -> Option<[sys::napi_value; 2]> {
    let mut argc = 2usize;
    let mut argv = [ptr::null_mut(); 2];
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    // Missing arguments are `undefined`.
    (status == sys::Status::napi_ok).then_some(argv)
}

/// Runs `f` on the [`Core`] behind `handle` (a stream's index in [`CORES`]); throws a
/// `TypeError` if it is none, or if the core is busy (only a re-entrant call could find it
/// so, and none is made).
///
/// # Safety
/// `env` is the environment of the running callback and `handle` one of its values.
unsafe fn with_core(
    env: sys::napi_env,
    handle: sys::napi_value,
    f: impl FnOnce(&mut Core) -> Result<sys::napi_value>,
) -> sys::napi_value {
    let mut id = u32::MAX;
    let core =
        if unsafe { sys::napi_get_value_uint32(env, handle, &mut id) } == sys::Status::napi_ok {
            Cores::get(id)
        } else {
            None
        };
    let Some(core) = core else {
        return unsafe { throw_type(env, c"this is not a termark Stream") };
    };
    let Ok(mut core) = core.try_borrow_mut() else {
        return unsafe { throw_type(env, c"the stream is busy") };
    };
    match f(&mut core) {
        Ok(value) => value,
        Err(e) if e.status == Status::PendingException => ptr::null_mut(),
        Err(e) => {
            let message = CString::new(e.reason.replace('\0', " ")).unwrap_or_default();
            unsafe { sys::napi_throw_error(env, ptr::null(), message.as_ptr()) };
            ptr::null_mut()
        }
    }
}

/// `__push(handle, chunk)`: what `Stream.prototype.push` calls (see `index.js`). A plain
/// N-API callback: the napi-rs glue of a class method costs more than the push of a small
/// chunk itself.
unsafe extern "C" fn js_push(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    let Some([handle, chunk]) = (unsafe { args2(env, info) }) else {
        return ptr::null_mut();
    };
    unsafe {
        with_core(env, handle, |core| {
            let mut kind = -1;
            let mut len = 0usize;
            let mut data = ptr::null_mut();
            let mut buffer = ptr::null_mut();
            let mut offset = 0usize;
            // Bytes first (the common case); anything else makes this fail without throwing.
            let typed = sys::napi_get_typedarray_info(
                env,
                chunk,
                &mut kind,
                &mut len,
                &mut data,
                &mut buffer,
                &mut offset,
            ) == sys::Status::napi_ok;
            if typed && kind == sys::TypedarrayType::uint8_array {
                if len > 0 {
                    // SAFETY: the typed array (an argument, so alive) holds `len` bytes at
                    // `data`; nothing runs JavaScript while the slice lives.
                    core.stream
                        .push_bytes(std::slice::from_raw_parts(data.cast_const().cast(), len));
                }
            } else {
                let mut ty = -1;
                check(sys::napi_typeof(env, chunk, &mut ty))?;
                if typed || ty != sys::ValueType::napi_string {
                    throw_type(env, c"push() takes a string, a Buffer or a Uint8Array");
                    return Err(Error::new(Status::PendingException, String::new()));
                }
                let mut size = 0usize;
                check(sys::napi_get_value_string_utf8(
                    env,
                    chunk,
                    ptr::null_mut(),
                    0,
                    &mut size,
                ))?;
                core.chunk.clear();
                core.chunk.resize(size + 1, 0);
                check(sys::napi_get_value_string_utf8(
                    env,
                    chunk,
                    core.chunk.as_mut_ptr().cast(),
                    size + 1,
                    &mut size,
                ))?;
                core.chunk.truncate(size);
                // V8 writes UTF-8 (a lone surrogate as U+FFFD).
                let text = String::from_utf8_lossy(&core.chunk);
                core.stream.push(&text);
            }
            let waiting = count(core.stream.new_committed().len());
            let mut out = ptr::null_mut();
            check(sys::napi_create_uint32(env, waiting, &mut out))?;
            Ok(out)
        })
    }
}

/// `__newCommitted(handle)`: the committed lines not returned yet, as a [`Batch`].
unsafe extern "C" fn js_new_committed(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: the arguments of this N-API callback, handed on.
    unsafe {
        js_lines(env, info, |stream, each| {
            for line in stream.new_committed() {
                each(&line);
            }
        })
    }
}

/// `__tentative(handle)`: the tentative tail as a [`Batch`].
unsafe extern "C" fn js_tentative(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: the arguments of this N-API callback, handed on.
    unsafe {
        js_lines(env, info, |stream, each| {
            for line in stream.tentative() {
                each(&line);
            }
        })
    }
}

/// Hands each line a call returns (of the stream, the first argument) to the second.
type EachLine = fn(&mut termark::Stream, &mut dyn FnMut(&termark::Line<'_>));

/// The body of a call `(handle, box)` that returns lines: `lines` hands each line of the
/// stream to a function that adds it to the core's [`Batch`]; the batch goes to `box`.
unsafe fn js_lines(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    lines: EachLine,
) -> sys::napi_value {
    let Some([handle, boxed]) = (unsafe { args2(env, info) }) else {
        return ptr::null_mut();
    };
    unsafe {
        with_core(env, handle, |core| {
            let Core {
                stream,
                writer,
                batch,
                ..
            } = core;
            lines(stream, &mut |line| batch.push(writer, line));
            batch_to_box(env, batch, boxed)
        })
    }
}

/// Puts the hot functions on the module's exports, for `index.js` (they are not part of the
/// package's API: `index.js` does not re-export them).
#[napi(module_exports)]
pub fn register_hot_functions(exports: Object<'_>, env: Env) -> Result<()> {
    type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;
    let functions: [(&CStr, Callback); 3] = [
        (c"__push", js_push),
        (c"__newCommitted", js_new_committed),
        (c"__tentative", js_tentative),
    ];
    for (name, callback) in functions {
        let mut function = ptr::null_mut();
        // SAFETY: plain N-API calls on this module's environment and exports.
        unsafe {
            check(sys::napi_create_function(
                env.raw(),
                name.as_ptr(),
                name.to_bytes().len() as isize,
                Some(callback),
                ptr::null_mut(),
                &mut function,
            ))?;
            check(sys::napi_set_named_property(
                env.raw(),
                exports.raw(),
                name.as_ptr(),
                function,
            ))?;
        }
    }
    Ok(())
}

/// A packed batch (see `Batch`) as a napi-rs return value.
pub struct Packed(Batch);

impl ToNapiValue for Packed {
    /// `[numbers and plain texts, ANSI texts]`, or `undefined` when there is no line.
    unsafe fn to_napi_value(env: sys::napi_env, mut val: Self) -> Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        match unsafe { val.0.take_js(env)? } {
            None => check(unsafe { sys::napi_get_undefined(env, &mut out) })?,
            Some((numbers, ansi)) => unsafe {
                check(sys::napi_create_array_with_length(env, 2, &mut out))?;
                check(sys::napi_set_element(env, out, 0, numbers))?;
                check(sys::napi_set_element(env, out, 1, ansi))?;
            },
        }
        Ok(out)
    }
}

/// One message as it streams in: push text as it arrives, print the committed lines once
/// (they are final), redraw the tentative tail, and `finalize()` when the message ends.
#[napi]
pub struct Stream {
    core: SharedCore,
    /// Its index in [`CORES`].
    handle: u32,
}

impl Drop for Stream {
    fn drop(&mut self) {
        Cores::remove(self.handle);
    }
}

#[napi]
impl Stream {
    /// The stream's handle for `index.js`'s `push`, `newCommitted` and `tentative`.
    #[napi(js_name = "__handle", skip_typescript)]
    pub fn handle(&self) -> u32 {
        self.handle
    }

    /// Lays out the open block and everything committed from now on at `columns` (after a
    /// terminal resize). Lines already committed stay as they are. Throws a `RangeError`
    /// for a width outside 8 to 4096 (the width is then unchanged).
    #[napi(ts_args_type = "columns: number")]
    pub fn set_width(&mut self, env: Env, columns: Unknown<'_>) -> Result<()> {
        let columns = read_count(&env, &columns, "width")?;
        self.core
            .borrow_mut()
            .stream
            .set_width(columns)
            .map_err(|e| termark_error(&env, &e))
    }

    /// The width lines are laid out at now, in columns.
    #[napi(getter)]
    pub fn width(&self) -> u32 {
        self.core.borrow().stream.width() as u32
    }

    /// Ends the message: the open block is committed (read it with `newCommitted()`) and
    /// every prefix cache is dropped. Calling it again does nothing.
    #[napi]
    pub fn finalize(&mut self) {
        self.core.borrow_mut().stream.finalize();
    }

    /// Gives every buffer back to the renderer's bounded pool and resets the stream: it holds
    /// nothing and can render a new message.
    #[napi]
    pub fn release(&mut self) {
        let core = &mut *self.core.borrow_mut();
        core.stream.release();
        core.batch = Batch::default();
        core.chunk = Vec::new();
    }

    /// True while the stream holds any prefix cache (open source, parser, highlighter or
    /// tail state). False for a new stream and after `finalize()`.
    #[napi(getter)]
    pub fn has_live_state(&self) -> bool {
        self.core.borrow().stream.has_live_state()
    }

    /// True after `finalize()` (until `release()`).
    #[napi(getter)]
    pub fn is_finalized(&self) -> bool {
        self.core.borrow().stream.is_finalized()
    }

    /// Heap bytes this stream holds on the Rust side, committed lines included (0 after
    /// `release()`).
    #[napi(getter)]
    pub fn heap_bytes(&self) -> u32 {
        let core = self.core.borrow();
        let bytes = core.stream.heap_bytes() + core.batch.heap_bytes() + core.chunk.capacity();
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }
}
