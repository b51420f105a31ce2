//! # termark's C ABI
//!
//! `libtermark.so` / `libtermark.a` and the header `include/termark.h` (generated from this
//! crate by cbindgen, checked in; `tests/header.rs` fails when it is stale). A thin layer:
//! every function converts its arguments, calls the `termark` crate and converts the
//! result. No Markdown logic lives here.
//!
//! ## The model
//! - A **renderer** (`termark_renderer`) holds frozen options; build it once from a
//!   `termark_options` (start from `termark_options_default()`) and share it: it may be
//!   used from any number of threads at once.
//! - A **stream** (`termark_stream`) is one message as it streams in: push bytes in any
//!   split (inside a UTF-8 sequence too), read the committed lines (final, never change)
//!   and the tentative tail (the open block, redrawn per frame), finalize, release. A
//!   stream is driven by one thread at a time (it may move between threads between calls).
//!   It keeps its renderer's options alive: the renderer may be freed first.
//! - A **document** (`termark_document`) is a one-shot render's lines.
//! - A **line** (`termark_line`) comes as terminal bytes (what termark's ANSI writer
//!   writes: SGR and OSC 8 only, the terminal back in its default state at the end), as
//!   plain text, and as spans (text, style, link) for apps with their own cell model.
//!
//! ## Ownership
//! | pointer | owner | valid until |
//! |---|---|---|
//! | `termark_renderer *` | the caller | `termark_renderer_free` |
//! | `termark_stream *` | the caller | `termark_stream_free` |
//! | `termark_document *` | the caller | `termark_document_free` |
//! | lines of `termark_stream_new_committed` | the stream | the next `termark_stream_new_committed`, `termark_stream_release` or `termark_stream_free` on it |
//! | lines of `termark_stream_tentative` / `termark_stream_tail` | the stream | the next of either, `termark_stream_finalize`, `termark_stream_release` or `termark_stream_free` on it |
//! | lines of `termark_document_lines` | the document | `termark_document_free` |
//! | `termark_last_error_message()` | the library (per thread) | the next failing call on the same thread |
//! | `termark_version()` | the library | forever |
//! | `termark_options.theme`, input bytes | the caller | only read during the call |
//!
//! Every string termark hands out is UTF-8 with its length given and a NUL after it (none
//! contains a NUL).
//!
//! ## Errors
//! Every call that can fail returns a `termark_status`: `TERMARK_OK` (0) or a
//! `TERMARK_ERROR_*` code, and then `termark_last_error_message()` on the same thread
//! says what went wrong. A NULL handle or out-pointer is an error, never a crash; the free
//! functions accept NULL. No panic unwinds into C: each entry point catches it and
//! returns `TERMARK_ERROR_INTERNAL`. Bad Markdown is never an error.

mod error;
mod lines;

pub use error::{
    TermarkStatus, TERMARK_ERROR_INTERNAL, TERMARK_ERROR_INVALID_OPTION,
    TERMARK_ERROR_NULL_POINTER, TERMARK_ERROR_THEME, TERMARK_OK,
};
pub use lines::{
    TermarkColor, TermarkLine, TermarkLines, TermarkSpan, TermarkStyle, TERMARK_COLOR_ANSI,
    TERMARK_COLOR_INDEXED, TERMARK_COLOR_NONE, TERMARK_COLOR_RESET, TERMARK_COLOR_RGB,
    TERMARK_LINE_BLANK, TERMARK_LINE_CODE, TERMARK_LINE_CODE_FRAME, TERMARK_LINE_HEADING,
    TERMARK_LINE_HTML, TERMARK_LINE_RULE, TERMARK_LINE_TABLE, TERMARK_LINE_TABLE_RULE,
    TERMARK_LINE_TEXT, TERMARK_MOD_BOLD, TERMARK_MOD_DIM, TERMARK_MOD_ITALIC,
    TERMARK_MOD_STRIKETHROUGH, TERMARK_MOD_UNDERLINE,
};

use error::{guard, guard_void, last_error_ptr, Failure};
use lines::LineBuf;
use std::ffi::{c_char, CStr};
use termark::{AnsiWriter, ColorDepth, ControlChars, Options, Theme};

/// 24-bit color (SGR 38;2 / 48;2).
pub const TERMARK_COLOR_DEPTH_TRUECOLOR: u32 = 0;
/// The xterm 256-color palette (SGR 38;5 / 48;5).
pub const TERMARK_COLOR_DEPTH_256: u32 = 1;
/// The 16 ANSI colors.
pub const TERMARK_COLOR_DEPTH_16: u32 = 2;
/// Attributes only (bold, italic, ...), no color.
pub const TERMARK_COLOR_DEPTH_NONE: u32 = 3;
/// No escape sequence at all: plain text (link destinations are then shown as text).
pub const TERMARK_COLOR_DEPTH_PLAIN: u32 = 4;

/// Rendering options for `termark_renderer_new`. Start from `termark_options_default()`
/// and change the fields you need: a later version may add fields at the end.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TermarkOptions {
    /// Width in terminal columns, 8 to 4096 (default 80). No line is wider, except code
    /// lines when `wrap_code` is false.
    pub width: u32,
    /// Columns per tab stop, 1 to 16 (default 4).
    pub tab_width: u32,
    /// A built-in theme name (`"dark"`, `"light"`), or the path of a `.toml` theme file or
    /// a `.tmTheme` file for code; NUL-terminated UTF-8. NULL or `""`: the dark theme. Only
    /// read during `termark_renderer_new`.
    pub theme: *const c_char,
    /// One of the `TERMARK_COLOR_DEPTH_*` values (default truecolor). The ANSI bytes of
    /// every line are written at this depth.
    pub color: u32,
    /// Caps the tentative tail at its last `tail_rows` rows below a marker line (at least
    /// 2); 0 (the default): no cap.
    pub tail_rows: u32,
    /// Links become OSC 8 hyperlinks (only `http`, `https` and `mailto` destinations;
    /// every other destination is shown as text). Default false: destinations are shown
    /// as text after the link text.
    pub hyperlinks: bool,
    /// Syntax-highlight fenced code blocks that name a known language (default true).
    pub highlight: bool,
    /// Show the open block as if its open emphasis, code spans and links were closed
    /// (default true). Display only: committed lines are exact.
    pub heal: bool,
    /// Wrap code lines longer than the width (default true).
    pub wrap_code: bool,
    /// Remove control characters found in the input instead of showing them as visible
    /// symbols (ESC as U+241B) (default false). Either way none reaches the terminal.
    pub drop_control_chars: bool,
}

/// A renderer: frozen options shared by every stream made from it. Opaque; free with
/// `termark_renderer_free`. Thread-safe.
pub struct TermarkRenderer {
    inner: termark::Renderer,
}

/// One message as it streams in. Opaque; free with `termark_stream_free`. One thread at a
/// time.
pub struct TermarkStream {
    inner: termark::Stream,
    writer: AnsiWriter,
    committed: LineBuf,
    tail: LineBuf,
}

/// The lines of a one-shot render. Opaque; free with `termark_document_free`.
pub struct TermarkDocument {
    lines: LineBuf,
    view: TermarkLines,
}

/// The handle behind `p`, or a NULL-pointer failure naming it.
///
/// # Safety
/// `p` is NULL or points to a live `T` that nothing else uses during the call.
unsafe fn live<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: the caller's promise.
    unsafe { p.as_mut() }.ok_or_else(|| Failure::null(what))
}

/// Shared access to the handle behind `p`.
///
/// # Safety
/// `p` is NULL or points to a live `T`.
unsafe fn shared<'a, T>(p: *const T, what: &str) -> Result<&'a T, Failure> {
    // SAFETY: the caller's promise.
    unsafe { p.as_ref() }.ok_or_else(|| Failure::null(what))
}

/// Writes `value` to `out`, which was checked not to be NULL.
///
/// # Safety
/// `out` is NULL or valid for a write of `T`.
unsafe fn put<T>(out: *mut T, value: T, what: &str) -> Result<(), Failure> {
    if out.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: not NULL, and the caller's promise.
    unsafe { out.write(value) };
    Ok(())
}

/// The bytes at `p`.
///
/// # Safety
/// `len` is 0 or `p` points to `len` readable bytes.
unsafe fn bytes<'a>(p: *const c_char, len: usize) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Failure::null("the byte pointer (with a non-zero length)"));
    }
    // SAFETY: the caller's promise.
    Ok(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) })
}

/// The version of this library, e.g. `"0.1.0"` (released together with the termark crate
/// of the same version): a static NUL-terminated string, never freed.
#[no_mangle]
pub extern "C" fn termark_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The message of the last call that failed on this thread (NUL-terminated UTF-8), or
/// NULL if none has. Successful calls leave it as it is. The pointer is owned by the
/// library and valid until the next failing call on this thread; copy it to keep it.
#[no_mangle]
pub extern "C" fn termark_last_error_message() -> *const c_char {
    last_error_ptr()
}

/// The default options: width 80, tab width 4, the dark theme, truecolor, no tail cap, no
/// hyperlinks, highlighting, healing and code wrapping on, control characters shown.
#[no_mangle]
pub extern "C" fn termark_options_default() -> TermarkOptions {
    let o = Options::new();
    TermarkOptions {
        width: o.width() as u32,
        tab_width: o.tab_width() as u32,
        theme: std::ptr::null(),
        color: TERMARK_COLOR_DEPTH_TRUECOLOR,
        tail_rows: 0,
        hyperlinks: o.hyperlinks(),
        highlight: o.highlight(),
        heal: o.heal(),
        wrap_code: o.wrap_code(),
        drop_control_chars: o.control_chars() == ControlChars::Drop,
    }
}

/// termark's options from the C struct.
///
/// # Safety
/// `o.theme` is NULL or a NUL-terminated string.
unsafe fn to_options(o: &TermarkOptions) -> Result<Options, Failure> {
    let theme = if o.theme.is_null() {
        Theme::dark()
    } else {
        // SAFETY: the caller's promise.
        let name = unsafe { CStr::from_ptr(o.theme) }
            .to_str()
            .map_err(|_| Failure::option("invalid option theme: not UTF-8".to_owned()))?;
        if name.is_empty() {
            Theme::dark()
        } else {
            Theme::resolve(name)?
        }
    };
    let color = match o.color {
        TERMARK_COLOR_DEPTH_TRUECOLOR => ColorDepth::TrueColor,
        TERMARK_COLOR_DEPTH_256 => ColorDepth::Ansi256,
        TERMARK_COLOR_DEPTH_16 => ColorDepth::Ansi16,
        TERMARK_COLOR_DEPTH_NONE => ColorDepth::NoColor,
        TERMARK_COLOR_DEPTH_PLAIN => ColorDepth::Plain,
        other => {
            return Err(Failure::option(format!(
                "invalid option color={other}: one of TERMARK_COLOR_DEPTH_* (0 to 4)"
            )))
        }
    };
    Ok(Options::new()
        .with_width(o.width as usize)
        .with_tab_width(o.tab_width as usize)
        .with_theme(theme)
        .with_color(color)
        .with_tail_rows((o.tail_rows != 0).then_some(o.tail_rows as usize))
        .with_hyperlinks(o.hyperlinks)
        .with_highlight(o.highlight)
        .with_heal(o.heal)
        .with_wrap_code(o.wrap_code)
        .with_control_chars(if o.drop_control_chars {
            ControlChars::Drop
        } else {
            ControlChars::Visible
        }))
}

/// Builds a renderer from `options` (NULL: the defaults) and stores it in `*out` (NULL on
/// error).
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`out`), `TERMARK_ERROR_INVALID_OPTION` (width,
/// tab width, tail rows, color depth out of range; a theme that is not UTF-8),
/// `TERMARK_ERROR_THEME` (unknown theme name, unreadable or invalid theme file).
///
/// # Safety
/// `options` is NULL or points to a `termark_options` whose `theme` is NULL or a
/// NUL-terminated string; `out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn termark_renderer_new(
    options: *const TermarkOptions,
    out: *mut *mut TermarkRenderer,
) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promise.
        unsafe { put(out, std::ptr::null_mut(), "out") }?;
        let options = match unsafe { options.as_ref() } {
            // SAFETY: the caller's promise about `theme`.
            Some(o) => unsafe { to_options(o) }?,
            None => Options::new(),
        };
        let inner = termark::Renderer::new(options)?;
        let handle = Box::into_raw(Box::new(TermarkRenderer { inner }));
        // SAFETY: checked above.
        unsafe { out.write(handle) };
        Ok(())
    })
}

/// Frees a renderer. NULL does nothing. Streams made from it stay usable (they keep the
/// options they need) and must be freed on their own.
///
/// # Safety
/// `renderer` is NULL or a live renderer, not used again afterwards.
#[no_mangle]
pub unsafe extern "C" fn termark_renderer_free(renderer: *mut TermarkRenderer) {
    if !renderer.is_null() {
        // SAFETY: the caller hands the handle back.
        guard_void(|| drop(unsafe { Box::from_raw(renderer) }));
    }
}

/// A new stream for one message, in `*out` (NULL on error).
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`renderer`, `out`).
///
/// # Safety
/// `renderer` is NULL or a live renderer; `out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn termark_renderer_stream(
    renderer: *const TermarkRenderer,
    out: *mut *mut TermarkStream,
) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promises.
        unsafe { put(out, std::ptr::null_mut(), "out") }?;
        let r = unsafe { shared(renderer, "renderer") }?;
        let handle = Box::into_raw(Box::new(TermarkStream {
            inner: r.inner.stream(),
            writer: r.inner.writer(),
            committed: LineBuf::default(),
            tail: LineBuf::default(),
        }));
        // SAFETY: checked above.
        unsafe { out.write(handle) };
        Ok(())
    })
}

/// Renders a whole document at once (`len` bytes of Markdown at `text`; invalid UTF-8
/// becomes U+FFFD) into a new document in `*out` (NULL on error): exactly the lines a
/// stream fed the same bytes in any split, then finalized, commits.
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`renderer`, `out`, or `text` with `len` > 0).
///
/// # Safety
/// `renderer` is NULL or a live renderer; `text` points to `len` readable bytes (or `len`
/// is 0); `out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn termark_renderer_render(
    renderer: *const TermarkRenderer,
    text: *const c_char,
    len: usize,
    out: *mut *mut TermarkDocument,
) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promises.
        unsafe { put(out, std::ptr::null_mut(), "out") }?;
        let r = unsafe { shared(renderer, "renderer") }?;
        let text = unsafe { bytes(text, len) }?;
        let lines = r.inner.render(&String::from_utf8_lossy(text));
        let mut doc = Box::new(TermarkDocument {
            lines: LineBuf::default(),
            view: TermarkLines::EMPTY,
        });
        doc.view = doc.lines.fill(lines.iter(), &mut r.inner.writer());
        // SAFETY: checked above.
        unsafe { out.write(Box::into_raw(doc)) };
        Ok(())
    })
}

/// The document's lines, in `*out`. Valid until `termark_document_free`; every call gives
/// the same view.
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`document`, `out`).
///
/// # Safety
/// `document` is NULL or a live document; `out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn termark_document_lines(
    document: *const TermarkDocument,
    out: *mut TermarkLines,
) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promises.
        unsafe { put(out, TermarkLines::EMPTY, "out") }?;
        let doc = unsafe { shared(document, "document") }?;
        // SAFETY: checked above.
        unsafe { out.write(doc.view) };
        Ok(())
    })
}

/// Frees a document and its lines. NULL does nothing.
///
/// # Safety
/// `document` is NULL or a live document, not used again afterwards (nor its lines).
#[no_mangle]
pub unsafe extern "C" fn termark_document_free(document: *mut TermarkDocument) {
    if !document.is_null() {
        // SAFETY: the caller hands the handle back.
        guard_void(|| drop(unsafe { Box::from_raw(document) }));
    }
}

/// Appends `len` bytes of Markdown. A chunk may end anywhere, inside a UTF-8 sequence or
/// between `\r` and `\n`; invalid UTF-8 becomes U+FFFD as if the whole input were decoded
/// at once. Costs work in proportion to the chunk and the open block. Ignored after
/// `termark_stream_finalize` (until `termark_stream_release`).
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`stream`, or `bytes` with `len` > 0).
///
/// # Safety
/// `stream` is NULL or a live stream no other thread uses during the call; `bytes` points
/// to `len` readable bytes (or `len` is 0).
#[no_mangle]
pub unsafe extern "C" fn termark_stream_push(
    stream: *mut TermarkStream,
    bytes: *const c_char,
    len: usize,
) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promises.
        let s = unsafe { live(stream, "stream") }?;
        let chunk = unsafe { self::bytes(bytes, len) }?;
        s.inner.push_bytes(chunk);
        Ok(())
    })
}

/// The lines committed since the last call, oldest first, in `*out`. Committed lines are
/// final: print or keep them, they never change. The view is owned by the stream and
/// valid until the next `termark_stream_new_committed`, `termark_stream_release` or
/// `termark_stream_free` on it.
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`stream`, `out`).
///
/// # Safety
/// `stream` is NULL or a live stream no other thread uses during the call; `out` is NULL
/// or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn termark_stream_new_committed(
    stream: *mut TermarkStream,
    out: *mut TermarkLines,
) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promises.
        unsafe { put(out, TermarkLines::EMPTY, "out") }?;
        let s = unsafe { live(stream, "stream") }?;
        let view = s.committed.fill(s.inner.new_committed(), &mut s.writer);
        // SAFETY: checked above.
        unsafe { out.write(view) };
        Ok(())
    })
}

/// The tentative tail, in `*out`: the current rendering of the still-open block (empty
/// when there is none), for an app that asks after every push. Its cost is bounded by a
/// budget: when the budget cannot pay for a new render, the tail of an earlier push of
/// the same block is returned. The view is owned by the stream and valid until the next
/// `termark_stream_tentative` or `termark_stream_tail`, `termark_stream_finalize`,
/// `termark_stream_release` or `termark_stream_free` on it.
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`stream`, `out`).
///
/// # Safety
/// As for `termark_stream_new_committed`.
#[no_mangle]
pub unsafe extern "C" fn termark_stream_tentative(
    stream: *mut TermarkStream,
    out: *mut TermarkLines,
) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promises.
        unsafe { put(out, TermarkLines::EMPTY, "out") }?;
        let s = unsafe { live(stream, "stream") }?;
        let view = s.tail.fill(s.inner.tentative(), &mut s.writer);
        // SAFETY: checked above.
        unsafe { out.write(view) };
        Ok(())
    })
}

/// The tentative tail for a frame, in `*out`, for an app that draws on a timer (30 to 60
/// frames a second) with any number of pushes between frames: a small open block is
/// rendered again on every frame after a push, a large one at least every other frame.
/// `*exact` (if `exact` is not NULL) is true when the tail shows every byte pushed so far.
/// Same view and lifetime as `termark_stream_tentative`.
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`stream`, `out`).
///
/// # Safety
/// As for `termark_stream_new_committed`; `exact` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn termark_stream_tail(
    stream: *mut TermarkStream,
    out: *mut TermarkLines,
    exact: *mut bool,
) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promises.
        unsafe { put(out, TermarkLines::EMPTY, "out") }?;
        let s = unsafe { live(stream, "stream") }?;
        let tail = s.inner.tail();
        let is_exact = tail.is_exact();
        let view = s.tail.fill(tail.lines(), &mut s.writer);
        // SAFETY: checked above; `exact` is optional.
        unsafe { out.write(view) };
        if !exact.is_null() {
            unsafe { exact.write(is_exact) };
        }
        Ok(())
    })
}

/// Lays out the open block and every line committed from now on at `columns` (after a
/// terminal resize). Lines already committed stay as they are.
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`stream`), `TERMARK_ERROR_INVALID_OPTION`
/// (`columns` not in 8 to 4096; the width is then unchanged).
///
/// # Safety
/// `stream` is NULL or a live stream no other thread uses during the call.
#[no_mangle]
pub unsafe extern "C" fn termark_stream_set_width(
    stream: *mut TermarkStream,
    columns: u32,
) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promise.
        let s = unsafe { live(stream, "stream") }?;
        s.inner.set_width(columns as usize)?;
        Ok(())
    })
}

/// Ends the message: the open block is committed (read it with
/// `termark_stream_new_committed`) and every prefix cache is dropped, the tail's buffer
/// too. Calling it again does nothing.
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`stream`).
///
/// # Safety
/// `stream` is NULL or a live stream no other thread uses during the call.
#[no_mangle]
pub unsafe extern "C" fn termark_stream_finalize(stream: *mut TermarkStream) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promise.
        let s = unsafe { live(stream, "stream") }?;
        s.inner.finalize();
        s.tail.free();
        Ok(())
    })
}

/// Resets the stream for a new message: its buffers go back to the renderer's bounded
/// pool, and the views it returned are freed. It then holds nothing.
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`stream`).
///
/// # Safety
/// `stream` is NULL or a live stream no other thread uses during the call.
#[no_mangle]
pub unsafe extern "C" fn termark_stream_release(stream: *mut TermarkStream) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promise.
        let s = unsafe { live(stream, "stream") }?;
        s.inner.release();
        s.committed.free();
        s.tail.free();
        Ok(())
    })
}

/// `*out` = true while the stream holds any prefix cache (open source, undecoded bytes,
/// parser, layout or highlighter state, scratch or tail buffers); false for a new stream
/// and after `termark_stream_finalize`.
///
/// Errors: `TERMARK_ERROR_NULL_POINTER` (`stream`, `out`).
///
/// # Safety
/// `stream` is NULL or a live stream no other thread uses during the call; `out` is NULL
/// or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn termark_stream_has_live_state(
    stream: *const TermarkStream,
    out: *mut bool,
) -> TermarkStatus {
    guard(|| {
        // SAFETY: the caller's promises.
        unsafe { put(out, false, "out") }?;
        let s = unsafe { shared(stream, "stream") }?;
        let live = s.inner.has_live_state() || s.tail.is_allocated();
        unsafe { out.write(live) };
        Ok(())
    })
}

/// Frees a stream and every view it returned. NULL does nothing.
///
/// # Safety
/// `stream` is NULL or a live stream, not used again afterwards (nor its views).
#[no_mangle]
pub unsafe extern "C" fn termark_stream_free(stream: *mut TermarkStream) {
    if !stream.is_null() {
        // SAFETY: the caller hands the handle back.
        guard_void(|| {
            let mut s = unsafe { Box::from_raw(stream) };
            // Its buffers go back to the renderer's pool, for the next stream.
            s.inner.release();
        });
    }
}
