//! A ratatui chat app: a scrollable transcript of simulated answers (code, tables, nested
//! lists, long paragraphs, CJK) that stream in at an LLM's pace, drawn by termark.
//!
//! `cargo run --release --features ratatui --example chat`
//!
//! Frames come from a 30 fps timer, not from token arrival; only the streaming answer's
//! tail is laid out per frame. Resize the terminal to see finished answers re-wrap without
//! re-highlighting. The status bar shows how many streams hold live state (only the
//! streaming one may) and the heap termark holds. Keys: ↑/↓, PgUp/PgDn scroll, End follows
//! the stream, q quits.

#[allow(dead_code)]
mod app;

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind};
use std::time::{Duration, Instant};
use termark::ColorDepth;

const FRAME: Duration = Duration::from_millis(33);

fn main() -> std::io::Result<()> {
    let depth = match std::env::var("COLORTERM").as_deref() {
        Ok("truecolor" | "24bit") => ColorDepth::TrueColor,
        _ => ColorDepth::Ansi256,
    };
    let mut terminal = ratatui::init();
    let width = terminal.size()?.width;
    let mut app = app::App::new(usize::from(width), depth, app::script());
    let start = Instant::now();
    let mut next_frame = start;
    let result = loop {
        let now = Instant::now();
        app.tick(u64::try_from((now - start).as_millis()).unwrap_or(u64::MAX));
        if now >= next_frame {
            if let Err(e) = terminal.draw(|f| app.draw(f)) {
                break Err(e);
            }
            next_frame += FRAME;
            if next_frame < now {
                next_frame = now + FRAME;
            }
        }
        let wait = next_frame
            .saturating_duration_since(Instant::now())
            .min(Duration::from_millis(8));
        match event::poll(wait) {
            Ok(true) => match event::read() {
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => match k.code {
                    KeyCode::Char('q') | KeyCode::Esc => break Ok(()),
                    KeyCode::Up => app.scroll_up += 1,
                    KeyCode::Down => app.scroll_up = app.scroll_up.saturating_sub(1),
                    KeyCode::PageUp => app.scroll_up += 10,
                    KeyCode::PageDown => app.scroll_up = app.scroll_up.saturating_sub(10),
                    KeyCode::End => app.scroll_up = 0,
                    _ => {}
                },
                Ok(Event::Resize(w, _)) => app.resize(usize::from(w)),
                Ok(_) => {}
                Err(e) => break Err(e),
            },
            Ok(false) => {}
            Err(e) => break Err(e),
        }
    };
    ratatui::restore();
    result
}
