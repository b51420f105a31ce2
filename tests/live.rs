//! The binary's live view, replayed into a terminal emulator (`vt100`) at 100×30: after every
//! frame the screen shows the committed lines followed by the current tail, and at the end
//! scrollback plus screen hold the final rendering exactly once. Driven by a fake clock.

#[allow(dead_code)]
#[path = "../src/bin/termark/live.rs"]
mod live;

use live::{LiveView, FRAME_INTERVAL};
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use termark::{ColorDepth, Options, Renderer, Stream};

const COLS: usize = 100;
const ROWS: usize = 30;

/// A terminal: the emulator, and whether a resize reflows it (as tmux, VTE, kitty do; the
/// emulator itself does not).
struct Term {
    parser: vt100::Parser,
    cols: usize,
    rows: usize,
}

impl Term {
    fn new(cols: usize, rows: usize) -> Self {
        Self {
            parser: vt100::Parser::new(nz(rows), nz(cols), 100_000),
            cols,
            rows,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let s = String::from_utf8_lossy(bytes);
        for clear in ["\x1b[2J", "\x1b[3J", "\x1b[H", "\x1bc"] {
            assert!(
                !s.contains(clear),
                "the live view cleared the screen: {clear:?}"
            );
        }
        // The terminal's line discipline turns "\n" into "\r\n" (ONLCR).
        let mut cooked = Vec::with_capacity(bytes.len() + bytes.len() / 32);
        for &b in bytes {
            if b == b'\n' {
                cooked.push(b'\r');
            }
            cooked.push(b);
        }
        self.parser.process(&cooked);
    }

    /// Every row from the top of scrollback down to (not including) the cursor's row, with
    /// whether it wraps onto the next.
    fn rows_above_cursor(&mut self) -> Vec<(String, bool)> {
        let screen = self.parser.screen_mut();
        let (cursor_row, cursor_col) = screen.cursor_position();
        assert_eq!(
            cursor_col, 0,
            "between frames the cursor is at a row's start"
        );
        screen.set_scrollback(usize::MAX);
        let back = screen.scrollback();
        let mut out = Vec::new();
        for k in (1..=back).rev() {
            screen.set_scrollback(k);
            let text = screen.rows(0, self.cols as u16).next().unwrap();
            out.push((text, screen.row_wrapped(0)));
        }
        screen.set_scrollback(0);
        let texts: Vec<String> = screen.rows(0, self.cols as u16).collect();
        for (r, text) in texts.into_iter().enumerate().take(cursor_row as usize) {
            out.push((text, screen.row_wrapped(r as u16)));
        }
        out
    }

    /// The logical lines above the cursor (wrapped rows joined), trailing spaces trimmed.
    fn lines(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut cur = String::new();
        for (text, wrapped) in self.rows_above_cursor() {
            cur.push_str(&text);
            if !wrapped {
                lines.push(cur.trim_end().to_owned());
                cur.clear();
            }
        }
        lines
    }

    /// A resize; with `reflow`, rows are re-wrapped at the new width like a reflowing
    /// terminal does (each logical line laid out again; the cursor at the row below).
    fn resize(&mut self, cols: usize, rows: usize, reflow: bool) {
        if reflow {
            let lines = self.lines();
            let mut fresh = vt100::Parser::new(nz(rows), nz(cols), 100_000);
            for line in lines {
                fresh.process(line.as_bytes());
                fresh.process(b"\r\n");
            }
            self.parser = fresh;
        } else {
            self.parser.screen_mut().set_size(nz(rows), nz(cols));
        }
        self.cols = cols;
        self.rows = rows;
    }
}

fn nz(n: usize) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n as u16).unwrap()
}

fn options(width: usize, rows: usize) -> Options {
    Options::new()
        .with_width(width)
        .with_color(ColorDepth::TrueColor)
        .with_tail_rows(Some(rows - 1))
}

/// A stream fed to the view and a twin fed the same chunks, read as the reference.
struct Rig {
    renderer: Renderer,
    view: LiveView<Vec<u8>>,
    stream: Stream,
    twin: Stream,
    term: Term,
    /// The twin's committed lines so far, as plain text.
    committed: Vec<String>,
    clock: Instant,
}

fn plain(line: &termark::Line<'_>) -> String {
    line.plain().trim_end().to_owned()
}

impl Rig {
    fn new(cols: usize, rows: usize) -> Self {
        let renderer = Renderer::new(options(cols, rows)).unwrap();
        Self {
            view: LiveView::new(Vec::new(), renderer.writer(), cols, rows),
            stream: renderer.stream(),
            twin: renderer.stream(),
            renderer,
            term: Term::new(cols, rows),
            committed: Vec::new(),
            clock: Instant::now(),
        }
    }

    /// What the screen must show now: the committed lines, then the tail as the view
    /// draws it (its last rows that fit above the cursor's row).
    fn expected(&mut self) -> Vec<String> {
        for line in self.twin.new_committed() {
            self.committed.push(plain(&line));
        }
        self.twin.clear_committed();
        let tail: Vec<String> = self.twin.tail().lines().map(|l| plain(&l)).collect();
        let keep = tail.len();
        let mut all = self.committed.clone();
        all.extend_from_slice(&tail[tail.len() - keep..]);
        all
    }

    /// Pushes `chunk` and advances the clock by `dt`; checks the screen after a frame.
    fn push(&mut self, chunk: &[u8], dt: Duration) -> bool {
        self.view.push(&mut self.stream, chunk);
        self.twin.push_bytes(chunk);
        self.clock += dt;
        let drew = self.view.tick(&mut self.stream, self.clock).unwrap();
        if drew {
            self.check_frame();
        }
        drew
    }

    fn check_frame(&mut self) {
        let bytes = std::mem::take(self.view.writer());
        assert!(
            bytes.starts_with(b"\x1b[?2026h"),
            "a frame is one synchronized update"
        );
        assert!(bytes.ends_with(b"\x1b[?2026l"));
        self.term.feed(&bytes);
        let expected = self.expected();
        let shown = self.term.lines();
        assert_eq!(
            shown, expected,
            "after a frame the screen shows the committed lines, then the tail"
        );
        assert!(
            self.view.tail_rows() < self.term.rows,
            "the tail fits the screen"
        );
    }

    fn resize(&mut self, cols: usize, rows: usize, reflow: bool) {
        self.term.resize(cols, rows, reflow);
        self.view.resize(&mut self.stream, cols, rows, true);
        self.twin.set_width(cols).unwrap();
        self.clock += FRAME_INTERVAL;
        assert!(self.view.tick(&mut self.stream, self.clock).unwrap());
        self.check_frame();
    }

    /// Ends the message; scrollback plus screen hold `final_lines` exactly once.
    fn finish(mut self, final_lines: &[String]) {
        self.view.finish(&mut self.stream).unwrap();
        let bytes = std::mem::take(self.view.writer());
        self.term.feed(&bytes);
        let screen = self.term.parser.screen();
        assert!(!screen.hide_cursor(), "the cursor is visible at the end");
        assert!(!screen.bold() && !screen.italic() && !screen.underline());
        assert_eq!(screen.fgcolor(), vt100::Color::Default);
        assert_eq!(screen.bgcolor(), vt100::Color::Default);
        let shown = self.term.lines();
        assert_eq!(shown, final_lines, "the final rendering, exactly once");
        // And below the cursor: nothing.
        let rest: String = self
            .term
            .parser
            .screen()
            .rows(0, self.term.cols as u16)
            .skip(self.term.parser.screen().cursor_position().0 as usize)
            .collect();
        assert!(
            rest.trim().is_empty(),
            "nothing below the final rendering: {rest:?}"
        );
        drop(self.renderer);
    }
}

fn final_rendering(text: &str, width: usize) -> Vec<String> {
    let renderer = Renderer::new(options(width, ROWS)).unwrap();
    let lines = renderer.render(text);
    lines.iter().map(|l| plain(&l)).collect()
}

/// Streams `text` in `chunk`-byte chunks, 10 ms apart (a frame every 4 chunks or so).
fn replay(text: &str, chunk: usize) -> Rig {
    let mut rig = Rig::new(COLS, ROWS);
    let mut frames = 0;
    for piece in text.as_bytes().chunks(chunk) {
        frames += usize::from(rig.push(piece, Duration::from_millis(10)));
    }
    assert!(frames > 0);
    rig
}

#[test]
fn wide_characters_in_the_tail() {
    let text = "# 宽字符\n\n一个正在流式输出的段落，混合了中文、日本語のかな、한국어 and emoji 🚀✅👍 that \
                must wrap by display width, not by characters: 漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字\
                漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉\
                🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉 end.\n\n- 列表 item 📦 one\n- 列表 item 📦 two\n";
    let rig = replay(text, 5);
    rig.finish(&final_rendering(text, COLS));
}

#[test]
fn a_growing_table() {
    let mut text = String::from("Intro paragraph.\n\n| name | value | note |\n|---|---:|---|\n");
    for i in 0..40 {
        writeln!(
            text,
            "| row {i} | {} | {} |",
            i * 1234,
            "grows ".repeat(i % 7 + 1)
        )
        .unwrap();
    }
    text.push_str("\nAfter the table.\n");
    let rig = replay(&text, 9);
    rig.finish(&final_rendering(&text, COLS));
}

#[test]
fn a_fence_longer_than_the_screen() {
    let mut text = String::from("Some code:\n\n```rust\n");
    for i in 0..80 {
        writeln!(text, "let x{i} = {i} * 2; // line {i} of a long block").unwrap();
    }
    text.push_str("```\n\nDone.\n");
    let rig = replay(&text, 11);
    rig.finish(&final_rendering(&text, COLS));
}

#[test]
fn an_open_block_taller_than_the_screen_shows_its_last_rows() {
    // A paragraph of some 60 rows: the tail is capped (its last rows, below a marker).
    let para = "word ".repeat(1200);
    let text = format!("Before.\n\n{para}\n\nAfter.\n");
    let mut rig = Rig::new(COLS, ROWS);
    let mut max_rows = 0;
    for piece in text.as_bytes().chunks(13) {
        rig.push(piece, Duration::from_millis(10));
        max_rows = max_rows.max(rig.view.tail_rows());
    }
    assert_eq!(
        max_rows,
        ROWS - 1,
        "the tail reached the screen's height less one"
    );
    rig.finish(&final_rendering(&text, COLS));
}

#[test]
fn a_resize_mid_stream() {
    let para = "A paragraph that streams while the terminal is resized, word by word, \
                long enough to wrap over several rows at any of the widths used here. "
        .repeat(4);
    let text = format!("# Resize\n\n{para}\n\n{para}\n\n{para}\n\nEnd.\n");
    let bytes = text.as_bytes();
    let third = bytes.len() / 3;
    let mut rig = Rig::new(COLS, ROWS);
    for piece in bytes[..third].chunks(7) {
        rig.push(piece, Duration::from_millis(10));
    }
    // Wider (no reflow needed), then narrower on a reflowing terminal.
    rig.resize(120, ROWS, false);
    for piece in bytes[third..2 * third].chunks(7) {
        rig.push(piece, Duration::from_millis(10));
    }
    rig.resize(70, 24, true);
    for piece in bytes[2 * third..].chunks(7) {
        rig.push(piece, Duration::from_millis(10));
    }
    // The final rendering: what committed at each width (as the terminal shows it,
    // logical lines), which the twin's committed lines are.
    let mut expected = rig.committed.clone();
    rig.twin.finalize();
    expected.extend(rig.twin.new_committed().map(|l| plain(&l)));
    rig.finish(&expected);
}

#[test]
fn ten_thousand_chunks_in_one_second_are_at_most_thirty_one_frames() {
    let renderer = Renderer::new(options(COLS, ROWS)).unwrap();
    let mut stream = renderer.stream();
    let mut view = LiveView::new(Vec::new(), renderer.writer(), COLS, ROWS);
    let start = Instant::now();
    let text = "streaming words arrive in tiny chunks ".repeat(300);
    let chunks: Vec<&[u8]> = text.as_bytes().chunks(1).take(10_000).collect();
    assert_eq!(chunks.len(), 10_000);
    for (i, chunk) in chunks.iter().enumerate() {
        view.push(&mut stream, chunk);
        // 10,000 chunks spread over one second: 100 µs apart.
        view.tick(&mut stream, start + Duration::from_micros(100 * i as u64))
            .unwrap();
    }
    let frames = view.frames();
    assert!(
        (25..=31).contains(&frames),
        "10,000 chunks in 1 s drew {frames} frames"
    );
    // A frame costs one render of the tail, however many chunks came before it.
    let renders = stream.stats().tentative_renders;
    assert!(
        renders <= frames,
        "{renders} tail renders for {frames} frames"
    );
    view.finish(&mut stream).unwrap();
}

#[test]
fn no_frame_without_a_change() {
    let renderer = Renderer::new(options(COLS, ROWS)).unwrap();
    let mut stream = renderer.stream();
    let mut view = LiveView::new(Vec::new(), renderer.writer(), COLS, ROWS);
    let t = Instant::now();
    view.push(&mut stream, b"hello");
    assert!(view.tick(&mut stream, t).unwrap());
    assert!(view.due().is_none());
    assert!(!view.tick(&mut stream, t + Duration::from_secs(1)).unwrap());
    view.push(&mut stream, b" world");
    assert!(
        !view
            .tick(&mut stream, t + Duration::from_millis(1))
            .unwrap(),
        "too soon"
    );
    assert_eq!(view.due(), Some(t + FRAME_INTERVAL));
    assert!(view.tick(&mut stream, t + FRAME_INTERVAL).unwrap());
    assert_eq!(view.frames(), 2);
}
