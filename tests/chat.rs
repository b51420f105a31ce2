//! The chat example's transcript on ratatui's `TestBackend`, driven by a clock of the
//! test's own: frames at a few points of the scripted stream, a resize included.

#[path = "../examples/chat/app.rs"]
#[allow(dead_code)]
mod app;

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use termark::ColorDepth;

/// The frame's text, row by row, without the status bar (its heap figure moves with any
/// change to the library). (The frame ratatui drew, not the backend's cells: `TestBackend`
/// keeps a stale symbol where a terminal would clear the half of a wide character.)
fn screen(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height - 1 {
        let mut row = String::new();
        let mut x = 0;
        while x < area.width {
            let sym = buf[(x, y)].symbol();
            row.push_str(sym);
            // A wide character covers the next cell too (TestBackend leaves that cell's
            // old symbol in place; a terminal draws over it).
            x += if unicode_width::UnicodeWidthStr::width(sym) == 2 {
                2
            } else {
                1
            };
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

fn status(buf: &Buffer) -> String {
    let y = buf.area.height - 1;
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

#[test]
fn frames_of_a_recorded_stream_with_a_resize() {
    let mut app = app::App::new(60, ColorDepth::TrueColor, app::script());
    let mut term = Terminal::new(TestBackend::new(60, 22)).unwrap();
    let mut snaps = Vec::new();
    let mut now = 0;
    // A frame every 33 ms; the clock runs on through four answers.
    while !app.done() && now < 120_000 {
        now += 33;
        app.tick(now);
        let frame = term.draw(|f| app.draw(f)).unwrap().buffer.clone();
        assert!(app.live_streams() <= 1, "only the streaming answer is live");
        if [1_650, 4_026, 9_999].iter().any(|&t| now / 33 == t / 33) {
            snaps.push((now, screen(&frame)));
        }
        if now / 33 == 4_026 / 33 {
            // The terminal narrows mid-answer.
            term.backend_mut().resize(40, 22);
            app.resize(40);
            let frame = term.draw(|f| app.draw(f)).unwrap().buffer.clone();
            snaps.push((now, screen(&frame)));
        }
    }
    assert!(app.done(), "the script ended by {now} ms");
    let frame = term.draw(|f| app.draw(f)).unwrap().buffer.clone();
    snaps.push((now, screen(&frame)));
    assert!(
        status(&frame).contains("live streams: 0"),
        "{}",
        status(&frame)
    );
    for (i, (t, s)) in snaps.iter().enumerate() {
        insta::assert_snapshot!(format!("chat_frame_{i}"), s, &format!("t = {t} ms"));
    }
    // Scrolled up to the top: the first prompt.
    app.scroll_up = usize::MAX / 2;
    let frame = term.draw(|f| app.draw(f)).unwrap().buffer.clone();
    assert!(screen(&frame).starts_with("▍ You"), "{}", screen(&frame));
}

/// After 200 finished messages, only the one still streaming holds live state, and the
/// finished ones hold only their lines.
#[test]
fn only_the_streaming_message_is_live() {
    let r = termark::Renderer::new(termark::Options::new()).unwrap();
    let mut done: Vec<termark::Stream> = Vec::new();
    for i in 0..200 {
        let mut s = r.stream();
        s.push(&format!(
            "Message {i} with **bold**, `code` and\n\n```rust\nfn f() {{}}\n```\n"
        ));
        s.finalize();
        done.push(s);
    }
    let mut live = r.stream();
    live.push("still *stream");
    let count = done
        .iter()
        .chain(std::iter::once(&live))
        .filter(|s| s.has_live_state())
        .count();
    assert_eq!(count, 1);
    assert!(live.has_live_state());
}
