//! The live view: committed lines are written once, and below them the open block (the
//! stream's tail) is drawn and redrawn in place as chunks arrive.
//!
//! A frame is one synchronized update (DECSET 2026): the cursor moves up over the tail the
//! previous frame drew (and nothing above it), the newly committed lines and the new tail
//! are written over it row by row, and what is left below is erased. The screen is never
//! cleared and the cursor never moves into committed output, so scrollback holds every
//! committed line exactly once. Rows are counted from display widths: a line is at most the
//! layout width, so a line is one row (a wider line, from `--no-wrap-code`, is
//! `ceil(width / columns)` rows). A tail is never drawn taller than the screen less one
//! row, so the cursor can always reach its top: its last rows are shown.
//!
//! Frames are drawn at most every [`FRAME_INTERVAL`] and only when something changed, so
//! any number of chunks between two frames costs one render of the tail. Time comes in as
//! an argument ([`LiveView::tick`]), so tests drive the view with a fake clock.
//!
//! This file uses only `std` and `termark`: `tests/live.rs` includes it with `#[path]`.

use std::io::{self, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};
use termark::{AnsiWriter, Stream};

/// Shortest time between two frames: about 30 frames per second.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(33);

/// Begin synchronized update (DECSET 2026): the terminal shows the frame whole.
const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
/// End synchronized update (DECRST 2026).
const SYNC_END: &[u8] = b"\x1b[?2026l";
/// Hide the cursor while the tail is redrawn (DECTCEM off).
const CURSOR_HIDE: &[u8] = b"\x1b[?25l";
/// What the view leaves behind: attributes reset, cursor shown.
const RESTORE: &[u8] = b"\x1b[0m\x1b[?25h";
/// Erase in line, from the cursor to the end of the row.
const ERASE_LINE: &[u8] = b"\x1b[K";
/// Erase in display, from the cursor to the end of the screen.
const ERASE_BELOW: &[u8] = b"\x1b[J";

/// Rows a line of `width` columns takes on a terminal `columns` wide (at least 1).
pub fn rows_for(width: usize, columns: usize) -> usize {
    width.div_ceil(columns.max(1)).max(1)
}

/// Draws a stream's committed lines once and its tail in place, into `out` (a terminal).
pub struct LiveView<W: Write> {
    out: W,
    ansi: AnsiWriter,
    /// Terminal width, in columns.
    columns: usize,
    /// Terminal height, in rows.
    rows: usize,
    /// Widths (in columns) of the tail lines on screen, top to bottom.
    drawn: Vec<usize>,
    /// Rows the tail on screen takes.
    drawn_rows: usize,
    /// Widths of the tail being drawn (scratch).
    widths: Vec<usize>,
    /// Something changed since the last frame (a push, a resize, a stale tail).
    dirty: bool,
    /// When the last frame was drawn.
    last_frame: Option<Instant>,
    /// Frames drawn so far.
    frames: u64,
    /// The frame being built: written with one `write_all`.
    buf: Vec<u8>,
    /// The cursor is hidden and must be shown again.
    hidden_cursor: bool,
}

impl<W: Write> LiveView<W> {
    /// A view writing to `out` (a terminal `columns` wide and `rows` high), with the
    /// stream's renderer's `ansi` writer.
    pub fn new(out: W, ansi: AnsiWriter, columns: usize, rows: usize) -> Self {
        Self {
            out,
            ansi,
            columns: columns.max(1),
            rows: rows.max(1),
            drawn: Vec::new(),
            drawn_rows: 0,
            widths: Vec::new(),
            dirty: false,
            last_frame: None,
            frames: 0,
            buf: Vec::new(),
            hidden_cursor: false,
        }
    }

    /// Pushes a chunk into the stream; it shows with the next frame.
    pub fn push(&mut self, stream: &mut Stream, chunk: &[u8]) {
        stream.push_bytes(chunk);
        self.dirty = true;
    }

    /// When the next frame is due: `None` if nothing changed since the last one.
    pub fn due(&self) -> Option<Instant> {
        if !self.dirty {
            return None;
        }
        Some(match self.last_frame {
            Some(t) => t + FRAME_INTERVAL,
            // The first frame is due at once (any instant in the past will do).
            None => Instant::now()
                .checked_sub(FRAME_INTERVAL)
                .unwrap_or_else(Instant::now),
        })
    }

    /// Draws a frame if something changed and the last frame is at least
    /// [`FRAME_INTERVAL`] older than `now`. True if it drew one.
    pub fn tick(&mut self, stream: &mut Stream, now: Instant) -> io::Result<bool> {
        if !self.dirty
            || self
                .last_frame
                .is_some_and(|t| now.saturating_duration_since(t) < FRAME_INTERVAL)
        {
            return Ok(false);
        }
        self.draw(stream)?;
        self.last_frame = Some(now);
        Ok(true)
    }

    /// The terminal is now `columns` wide and `rows` high. With `relayout`, the tail and
    /// every later line are laid out at the new width (clamped to the library's range).
    ///
    /// Terminals that reflow on resize (tmux, VTE, kitty, `iTerm2`, `WezTerm`, Windows
    /// Terminal, foot, alacritty) wrap a row wider than the new width onto more rows; the tail on
    /// screen is counted that way, so the next frame moves up over all of it.
    pub fn resize(&mut self, stream: &mut Stream, columns: usize, rows: usize, relayout: bool) {
        self.columns = columns.max(1);
        self.rows = rows.max(1);
        self.drawn_rows = self.drawn.iter().map(|&w| rows_for(w, self.columns)).sum();
        if relayout {
            let width = columns.clamp(termark::MIN_WIDTH, termark::MAX_WIDTH);
            // In range by construction; an error would leave the width as it was.
            let _ = stream.set_width(width);
        }
        self.dirty = true;
    }

    /// Ends the message: the open block is committed and drawn with the rest, the tail is
    /// gone, attributes are reset and the cursor is shown. At once, whatever the frame rate.
    pub fn finish(&mut self, stream: &mut Stream) -> io::Result<()> {
        stream.finalize();
        self.draw(stream)?;
        self.restore()
    }

    /// Resets attributes and shows the cursor (once; also done on drop).
    pub fn restore(&mut self) -> io::Result<()> {
        if self.hidden_cursor {
            self.hidden_cursor = false;
            self.out.write_all(RESTORE)?;
            self.out.flush()?;
        }
        Ok(())
    }

    /// Frames drawn so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Rows the tail on screen takes now.
    #[allow(dead_code)] // tests/live.rs
    pub fn tail_rows(&self) -> usize {
        self.drawn_rows
    }

    /// The writer, for a caller that writes between messages (the view's tail is empty
    /// after [`finish`](Self::finish)).
    pub fn writer(&mut self) -> &mut W {
        &mut self.out
    }

    fn draw(&mut self, stream: &mut Stream) -> io::Result<()> {
        let Self {
            out,
            ansi,
            columns,
            rows,
            drawn,
            drawn_rows,
            widths,
            buf,
            ..
        } = self;
        let columns = *columns;
        buf.clear();
        buf.extend_from_slice(SYNC_BEGIN);
        if !self.hidden_cursor {
            buf.extend_from_slice(CURSOR_HIDE);
            self.hidden_cursor = true;
        }
        if *drawn_rows > 0 {
            // Up over the previous tail only, to its first column.
            write!(buf, "\r\x1b[{drawn_rows}A")?;
        }
        // A row erased before it is written, never after: erasing after a line that fills
        // the row would take its last cell (the cursor waits there to wrap).
        let overwrite = drawn.iter().all(|&w| w <= columns);
        if !overwrite {
            buf.extend_from_slice(ERASE_BELOW);
        }
        let line_start = |buf: &mut Vec<u8>| {
            if overwrite {
                buf.extend_from_slice(ERASE_LINE);
            }
        };
        for line in stream.new_committed() {
            line_start(buf);
            ansi.write_line(buf, &line)?;
        }
        stream.clear_committed();
        let tail = stream.tail();
        widths.clear();
        widths.extend(tail.lines().map(|l| l.width()));
        // The last rows that fit above the cursor's row.
        let limit = rows.saturating_sub(1);
        let mut first = widths.len();
        let mut used = 0;
        while first > 0 {
            let r = rows_for(widths[first - 1], columns);
            if used + r > limit {
                break;
            }
            used += r;
            first -= 1;
        }
        for line in tail.lines().skip(first) {
            line_start(buf);
            ansi.write_line(buf, &line)?;
        }
        let exact = tail.is_exact();
        buf.extend_from_slice(ERASE_BELOW);
        buf.extend_from_slice(SYNC_END);
        out.write_all(buf)?;
        out.flush()?;
        drawn.clear();
        drawn.extend_from_slice(&widths[first..]);
        *drawn_rows = used;
        self.frames += 1;
        // A stale tail (the budget held a large block's render back) is drawn exact next.
        self.dirty = !exact;
        Ok(())
    }
}

impl<W: Write> Drop for LiveView<W> {
    fn drop(&mut self) {
        let _ = self.restore();
    }
}

/// What the live loop reacts to.
#[derive(Debug)]
pub enum Event {
    /// Input bytes.
    Data(Vec<u8>),
    /// End of this input (with the read error, if one ended it).
    End(Option<io::Error>),
    /// The terminal was resized: columns and rows.
    Resize(usize, usize),
    /// A signal asks to stop; the exit status to stop with (130 for SIGINT, 143 SIGTERM).
    Stop(i32),
}

/// How a message ended in the live loop.
#[derive(Debug)]
pub enum Outcome {
    /// The input ended (with the read error, if any).
    Ended(Option<io::Error>),
    /// A signal stopped it: the exit status.
    Stopped(i32),
}

/// Runs one message through the view: pushes chunks from `events` as they come, draws a
/// frame when one is due, and finishes the message when its input ends or a signal stops
/// it. `relayout`: resizes change the layout width (no `--width` was given).
pub fn run<W: Write>(
    view: &mut LiveView<W>,
    stream: &mut Stream,
    events: &Receiver<Event>,
    relayout: bool,
) -> io::Result<Outcome> {
    loop {
        let now = Instant::now();
        view.tick(stream, now)?;
        let event = match view.due() {
            Some(at) => match events.recv_timeout(at.saturating_duration_since(now)) {
                Ok(e) => e,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => Event::End(None),
            },
            None => events.recv().unwrap_or(Event::End(None)),
        };
        match event {
            Event::Data(bytes) => view.push(stream, &bytes),
            Event::Resize(columns, rows) => view.resize(stream, columns, rows, relayout),
            Event::End(error) => {
                view.finish(stream)?;
                return Ok(Outcome::Ended(error));
            }
            Event::Stop(status) => {
                view.finish(stream)?;
                return Ok(Outcome::Stopped(status));
            }
        }
    }
}
