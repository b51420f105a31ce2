//! Python bindings for termark: the extension module `termark._termark`, which the `termark`
//! package re-exports (`python/termark/__init__.py`).
//!
//! The binding is thin: it turns Python arguments into [`termark::Options`], forwards calls
//! to [`termark::Renderer`] and [`termark::Stream`], and hands lines out as Python objects.
//! Every Markdown decision is the core crate's.
//!
//! - **Lines are copied once, lazily read.** `new_committed()` and `tentative()` copy the
//!   lines they return into one shared buffer per call (`Batch`); a Python `Line` is that
//!   buffer and an index. `.ansi`, `.plain` and `.spans` are computed when read, so a caller
//!   that only wants spans (the rich adapter) never pays for ANSI bytes.
//! - **The GIL** is released while termark works on at least `DETACH_BYTES` (4 KB) of input (a
//!   one-shot render, a large push), while it lays out the open block (`tentative`, `tail`,
//!   `finalize`), and whenever another thread is using the same stream.
//!   That is sound: [`termark::Stream`] is `Send` and sits behind a `Mutex`, [`termark::Lines`]
//!   and [`termark::Renderer`] are `Send + Sync`, and the input is held by
//!   [`PyBackedStr`]/[`PyBackedBytes`] (immutable Python objects kept alive for the call).
//! - **Errors**: bad options are `ValueError` (with termark's message: option, value, what is
//!   valid), wrong types `TypeError`. Rendering itself never fails.

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyString};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};

/// Input, in bytes, from which a call releases the GIL while termark works on it. Below
/// this, releasing and taking back the GIL costs more than the work.
const DETACH_BYTES: usize = 4096;

/// A termark error as a Python `ValueError` (termark's message names the option, the value
/// and what would be valid).
fn value_error(e: &termark::Error) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// A non-negative count (columns, rows, threads) from a Python `int`. A negative or huge
/// int is a `ValueError` naming `option`; a `bool` or a non-int is a `TypeError`.
fn count(obj: &Bound<'_, PyAny>, option: &str) -> PyResult<usize> {
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{option} must be an int, not bool"
        )));
    }
    let n: i64 = obj.extract().map_err(|e: PyErr| {
        if e.is_instance_of::<PyOverflowError>(obj.py()) {
            PyValueError::new_err(format!("invalid option {option}={obj}: out of range"))
        } else {
            e
        }
    })?;
    usize::try_from(n).map_err(|_| {
        PyValueError::new_err(format!("invalid option {option}={n}: must not be negative"))
    })
}

/// The `color` option's names.
fn color_depth(name: &str) -> PyResult<termark::ColorDepth> {
    use termark::ColorDepth as D;
    Ok(match name {
        "truecolor" | "24bit" => D::TrueColor,
        "256" => D::Ansi256,
        "16" => D::Ansi16,
        "no-color" => D::NoColor,
        "plain" => D::Plain,
        _ => {
            return Err(PyValueError::new_err(format!(
                "invalid option color={name:?}: one of \"truecolor\", \"256\", \"16\", \
                 \"no-color\", \"plain\""
            )))
        }
    })
}

/// The `control_chars` option's names.
fn control_chars(name: &str) -> PyResult<termark::ControlChars> {
    match name {
        "visible" => Ok(termark::ControlChars::Visible),
        "drop" => Ok(termark::ControlChars::Drop),
        _ => Err(PyValueError::new_err(format!(
            "invalid option control_chars={name:?}: \"visible\" or \"drop\""
        ))),
    }
}

/// Markdown input: a `str`, or UTF-8 `bytes` or `bytearray` (which may end inside a
/// character).
enum Text {
    Str(PyBackedStr),
    Bytes(PyBackedBytes),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Text {
    type Error = PyErr;
    // By type, not by trying each conversion in turn: a failed conversion builds an
    // exception, which would cost more than a 16-byte push.
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyString>() {
            Ok(Text::Str(obj.extract()?))
        } else if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() {
            Ok(Text::Bytes(obj.extract()?))
        } else {
            Err(PyTypeError::new_err(format!(
                "Markdown must be str or bytes, not {}",
                obj.get_type().name()?
            )))
        }
    }
}

impl Text {
    fn len(&self) -> usize {
        match self {
            Text::Str(s) => s.len(),
            Text::Bytes(b) => b.len(),
        }
    }
}

/// Lines handed out by one call, shared by the Python `Line` objects that index them, with
/// the renderer whose writer turns them into ANSI bytes.
struct Batch {
    lines: termark::Lines,
    renderer: termark::Renderer,
}

/// `lines` as Python `Line` objects over one shared batch.
fn line_list(py: Python<'_>, batch: Option<Batch>) -> PyResult<Vec<Py<Line>>> {
    let Some(batch) = batch else {
        return Ok(Vec::new());
    };
    let n = batch.lines.len();
    let batch = Arc::new(batch);
    (0..n)
        .map(|index| {
            Py::new(
                py,
                Line {
                    batch: Arc::clone(&batch),
                    index,
                },
            )
        })
        .collect()
}

/// Copies `lines` into a new batch (`None` for no line: most pushes commit none).
fn copy_lines<'a>(
    lines: impl ExactSizeIterator<Item = termark::Line<'a>>,
    renderer: &termark::Renderer,
) -> Option<Batch> {
    if lines.len() == 0 {
        return None;
    }
    let mut copy = termark::Lines::new();
    copy.extend(lines);
    Some(Batch {
        lines: copy,
        renderer: renderer.clone(),
    })
}

/// Renders Markdown with one set of options (see the `.pyi` stub for the Python docs).
#[pyclass(frozen, module = "termark", name = "Renderer")]
struct Renderer {
    inner: termark::Renderer,
}

#[pymethods]
impl Renderer {
    #[new]
    #[pyo3(signature = (
        width = None, *, color = "truecolor", theme = "dark", hyperlinks = false,
        highlight = true, tab_width = None, wrap_code = true, heal = true,
        control_chars = "visible", tail_rows = None, tentative_budget = Budget::Default,
        highlight_threads = None,
    ))]
    #[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
    fn new(
        width: Option<Bound<'_, PyAny>>,
        color: &str,
        theme: &str,
        hyperlinks: bool,
        highlight: bool,
        tab_width: Option<Bound<'_, PyAny>>,
        wrap_code: bool,
        heal: bool,
        control_chars: &str,
        tail_rows: Option<Bound<'_, PyAny>>,
        tentative_budget: Budget,
        highlight_threads: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut o = termark::Options::new()
            .with_color(color_depth(color)?)
            .with_control_chars(self::control_chars(control_chars)?)
            .with_hyperlinks(hyperlinks)
            .with_highlight(highlight)
            .with_wrap_code(wrap_code)
            .with_heal(heal)
            .with_theme(termark::Theme::resolve(theme).map_err(|e| value_error(&e))?);
        if let Some(w) = width {
            o = o.with_width(count(&w, "width")?);
        }
        if let Some(t) = tab_width {
            o = o.with_tab_width(count(&t, "tab_width")?);
        }
        if let Some(r) = tail_rows {
            o = o.with_tail_rows(Some(count(&r, "tail_rows")?));
        }
        if let Some(t) = highlight_threads {
            o = o.with_highlight_threads(count(&t, "highlight_threads")?);
        }
        o = o.with_tentative_budget(match tentative_budget {
            Budget::Default => Some(termark::DEFAULT_TENTATIVE_BUDGET),
            Budget::Unbounded => None,
            Budget::Value(b) => Some(b),
        });
        let inner = termark::Renderer::new(o).map_err(|e| value_error(&e))?;
        Ok(Self { inner })
    }

    /// A new stream for one message.
    fn stream(&self) -> Stream {
        Stream {
            inner: Mutex::new(self.inner.stream()),
            renderer: self.inner.clone(),
        }
    }

    /// Renders a whole document at once (the GIL is released for large documents).
    fn render(&self, py: Python<'_>, text: Text) -> PyResult<Vec<Py<Line>>> {
        let work = || {
            let lines = match &text {
                Text::Str(s) => self.inner.render(s),
                Text::Bytes(b) => self.inner.render(&String::from_utf8_lossy(b)),
            };
            Some(Batch {
                lines,
                renderer: self.inner.clone(),
            })
        };
        let batch = if text.len() >= DETACH_BYTES {
            py.detach(work)
        } else {
            work()
        };
        line_list(py, batch)
    }

    /// Loads the syntax definitions of `languages` now (GIL released).
    fn preload_highlighting(&self, py: Python<'_>, languages: Vec<String>) {
        py.detach(|| {
            let names: Vec<&str> = languages.iter().map(String::as_str).collect();
            self.inner.preload_highlighting(&names);
        });
    }

    /// The width, in columns.
    #[getter]
    fn width(&self) -> usize {
        self.inner.options().width()
    }

    /// Bytes held by the renderer's buffer pool.
    #[getter]
    fn pooled_bytes(&self) -> usize {
        self.inner.pooled_bytes()
    }

    fn __repr__(&self) -> String {
        let o = self.inner.options();
        format!(
            "Renderer(width={}, color={:?}, theme={:?}, hyperlinks={}, highlight={})",
            o.width(),
            o.color(),
            o.theme().name,
            if o.hyperlinks() { "True" } else { "False" },
            if o.highlight() { "True" } else { "False" },
        )
    }
}

/// The `tentative_budget` argument: an int, `None` (no budget) or left out (the default).
enum Budget {
    Default,
    Unbounded,
    Value(u32),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Budget {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            return Ok(Budget::Unbounded);
        }
        let n = count(&obj, "tentative_budget")?;
        u32::try_from(n).map(Budget::Value).map_err(|_| {
            PyValueError::new_err(format!(
                "invalid option tentative_budget={n}: at most {}",
                u32::MAX
            ))
        })
    }
}

/// One message as it streams in (see the `.pyi` stub for the Python docs).
#[pyclass(frozen, module = "termark", name = "Stream")]
struct Stream {
    inner: Mutex<termark::Stream>,
    renderer: termark::Renderer,
}

impl Stream {
    /// Runs `f` on the stream. With a small job (`heavy` false) and the stream free, it
    /// runs holding the GIL; otherwise the GIL is released first, so that waiting for
    /// another thread's call on this stream, or a long job, never blocks other Python
    /// threads. The lock is always taken and dropped without the GIL held or with no wait,
    /// so it cannot deadlock against the GIL.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        heavy: bool,
        f: impl FnOnce(&mut termark::Stream) -> T + Send,
    ) -> T {
        if !heavy {
            match self.inner.try_lock() {
                Ok(mut guard) => return f(&mut guard),
                Err(TryLockError::Poisoned(p)) => return f(&mut p.into_inner()),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        py.detach(|| f(&mut self.lock()))
    }

    fn lock(&self) -> MutexGuard<'_, termark::Stream> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[pymethods]
impl Stream {
    /// Appends a chunk: `str`, or `bytes` that may end inside a UTF-8 sequence.
    fn push(&self, py: Python<'_>, chunk: Text) {
        let heavy = chunk.len() >= DETACH_BYTES;
        self.with(py, heavy, |s| match &chunk {
            Text::Str(t) => s.push(t),
            Text::Bytes(b) => s.push_bytes(b),
        });
    }

    /// The committed lines not read yet, oldest first.
    fn new_committed(&self, py: Python<'_>) -> PyResult<Vec<Py<Line>>> {
        let renderer = &self.renderer;
        let batch = self.with(py, false, |s| copy_lines(s.new_committed(), renderer));
        line_list(py, batch)
    }

    /// The open block's current lines (healed; may lag behind under the budget).
    fn tentative(&self, py: Python<'_>) -> PyResult<Vec<Py<Line>>> {
        let renderer = &self.renderer;
        // Lays the open block out again: work in proportion to it, without the GIL.
        let batch = self.with(py, true, |s| copy_lines(s.tentative(), renderer));
        line_list(py, batch)
    }

    /// The open block's lines for a frame drawn on a timer.
    fn tail(&self, py: Python<'_>) -> PyResult<Vec<Py<Line>>> {
        let renderer = &self.renderer;
        let batch = self.with(py, true, |s| copy_lines(s.tail().lines(), renderer));
        line_list(py, batch)
    }

    /// True if the last `tentative()`/`tail()` is older than the last push.
    #[getter]
    fn tentative_is_stale(&self, py: Python<'_>) -> bool {
        self.with(py, false, |s| s.tentative_is_stale())
    }

    /// Lays the open block and later lines out at `columns`.
    fn set_width(&self, py: Python<'_>, columns: Bound<'_, PyAny>) -> PyResult<()> {
        let columns = count(&columns, "width")?;
        self.with(py, false, |s| s.set_width(columns))
            .map_err(|e| value_error(&e))
    }

    /// The width lines are laid out at now, in columns.
    #[getter]
    fn width(&self, py: Python<'_>) -> usize {
        self.with(py, false, |s| s.width())
    }

    /// Ends the message: commits the open block and drops every prefix cache.
    fn finalize(&self, py: Python<'_>) {
        // Commits the open block, which may be large: without the GIL.
        self.with(py, true, termark::Stream::finalize);
    }

    /// Hands every buffer back to the renderer's pool; the stream can take a new message.
    fn release(&self, py: Python<'_>) {
        self.with(py, false, termark::Stream::release);
    }

    /// True while the stream holds any prefix cache.
    #[getter]
    fn has_live_state(&self, py: Python<'_>) -> bool {
        self.with(py, false, |s| s.has_live_state())
    }

    /// True after `finalize()` (until `release()`).
    #[getter]
    fn is_finalized(&self, py: Python<'_>) -> bool {
        self.with(py, false, |s| s.is_finalized())
    }

    /// Heap bytes the stream holds, committed lines included.
    #[getter]
    fn heap_bytes(&self, py: Python<'_>) -> usize {
        self.with(py, false, |s| s.heap_bytes())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let (width, finalized, lines) = self.with(py, false, |s| {
            (s.width(), s.is_finalized(), s.stats().committed_lines)
        });
        format!("Stream(width={width}, committed_lines={lines}, finalized={finalized})")
    }
}

/// One rendered line (see the `.pyi` stub for the Python docs).
#[pyclass(frozen, module = "termark", name = "Line")]
struct Line {
    batch: Arc<Batch>,
    index: usize,
}

impl Line {
    fn line(&self) -> termark::Line<'_> {
        // In range by construction: `line_list` makes indices below the batch's length.
        self.batch
            .lines
            .get(self.index)
            .expect("a Line's index is in its batch")
    }
}

#[pymethods]
impl Line {
    /// The line as terminal bytes (SGR, OSC 8), without a newline.
    #[getter]
    fn ansi(&self) -> String {
        self.batch.renderer.writer().line_to_string(&self.line())
    }

    /// The line's text without style.
    #[getter]
    fn plain(&self) -> &str {
        self.line().text()
    }

    /// Display width in columns.
    #[getter]
    fn width(&self) -> usize {
        self.line().width()
    }

    /// The decoration before the content (quote bars, list markers, a code gutter).
    #[getter]
    fn prefix(&self) -> &str {
        self.line().prefix()
    }

    /// The text after the prefix.
    #[getter]
    fn content(&self) -> &str {
        self.line().content()
    }

    /// What the line shows: termark's `LineKind` in snake case (`"text"`, `"code"`, …).
    #[getter]
    fn kind(&self) -> String {
        use termark::LineKind as K;
        match self.line().kind() {
            K::Text => "text".to_owned(),
            K::Heading => "heading".to_owned(),
            K::Code => "code".to_owned(),
            K::CodeFrame => "code_frame".to_owned(),
            K::Table => "table".to_owned(),
            K::TableRule => "table_rule".to_owned(),
            K::Rule => "rule".to_owned(),
            K::Html => "html".to_owned(),
            K::Blank => "blank".to_owned(),
            // A kind added later: its name, in the same spelling.
            other => snake_case(&format!("{other:?}")),
        }
    }

    /// The styled spans, left to right.
    #[getter]
    fn spans(&self) -> Vec<Span> {
        self.line().spans().map(Span::from).collect()
    }

    fn __str__(&self) -> &str {
        self.line().text()
    }

    fn __repr__(&self) -> String {
        format!(
            "Line({:?}, width={})",
            self.line().text(),
            self.line().width()
        )
    }
}

/// `CamelCase` as `snake_case`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A run of text in one style, optionally a hyperlink (see the `.pyi` stub).
#[pyclass(frozen, module = "termark", name = "Span", get_all)]
struct Span {
    text: String,
    fg: Option<String>,
    bg: Option<String>,
    bold: bool,
    dim: bool,
    italic: bool,
    underline: bool,
    strikethrough: bool,
    link: Option<String>,
}

/// A color as rich and most Python terminal libraries spell it: `"default"`, `"color(N)"`
/// (an ANSI or 256-palette index) or `"#rrggbb"`.
fn color_name(c: termark::Color) -> String {
    match c {
        termark::Color::Reset => "default".to_owned(),
        termark::Color::Ansi(n) => format!("color({})", n % 16),
        termark::Color::Indexed(n) => format!("color({n})"),
        termark::Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
    }
}

impl From<termark::Span<'_>> for Span {
    fn from(s: termark::Span<'_>) -> Self {
        use termark::Modifiers as M;
        let m = s.style.mods;
        Self {
            text: s.text.to_owned(),
            fg: s.style.fg.map(color_name),
            bg: s.style.bg.map(color_name),
            bold: m.contains(M::BOLD),
            dim: m.contains(M::DIM),
            italic: m.contains(M::ITALIC),
            underline: m.contains(M::UNDERLINE),
            strikethrough: m.contains(M::STRIKETHROUGH),
            link: s.link.map(str::to_owned),
        }
    }
}

#[pymethods]
impl Span {
    fn __repr__(&self) -> String {
        let mut style = Vec::new();
        for (on, name) in [
            (self.bold, "bold"),
            (self.dim, "dim"),
            (self.italic, "italic"),
            (self.underline, "underline"),
            (self.strikethrough, "strikethrough"),
        ] {
            if on {
                style.push(name.to_owned());
            }
        }
        if let Some(fg) = &self.fg {
            style.push(format!("fg={fg}"));
        }
        if let Some(bg) = &self.bg {
            style.push(format!("bg={bg}"));
        }
        if let Some(link) = &self.link {
            style.push(format!("link={link}"));
        }
        if style.is_empty() {
            format!("Span({:?})", self.text)
        } else {
            format!("Span({:?}, {})", self.text, style.join(" "))
        }
    }
}

/// Runs the Rust path of the benchmark in this process, for comparison with the binding:
/// streams `text` in `chunk`-byte pieces through a stream of `renderer`, reading the new
/// committed lines after every push and writing each one as ANSI bytes, then finalizes.
/// Returns the number of lines. Not API.
#[pyfunction]
fn _rust_stream(py: Python<'_>, renderer: &Renderer, text: Text, chunk: usize) -> usize {
    let bytes: &[u8] = match &text {
        Text::Str(s) => s.as_bytes(),
        Text::Bytes(b) => b,
    };
    let r = &renderer.inner;
    py.detach(|| {
        let mut s = r.stream();
        let mut w = r.writer();
        let mut n = 0;
        for c in bytes.chunks(chunk.max(1)) {
            s.push_bytes(c);
            for line in s.new_committed() {
                std::hint::black_box(w.line_to_string(&line));
                n += 1;
            }
        }
        s.finalize();
        for line in s.new_committed() {
            std::hint::black_box(w.line_to_string(&line));
            n += 1;
        }
        s.release();
        n
    })
}

/// The `termark._termark` extension module.
#[pymodule]
fn _termark(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Renderer>()?;
    m.add_class::<Stream>()?;
    m.add_class::<Line>()?;
    m.add_class::<Span>()?;
    m.add_function(wrap_pyfunction!(_rust_stream, m)?)?;
    m.add("MIN_WIDTH", termark::MIN_WIDTH)?;
    m.add("MAX_WIDTH", termark::MAX_WIDTH)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
