//! A plain-terminal "TUI": print committed lines once, and redraw only the tentative tail
//! (the open block) after every chunk — the pattern a chat app uses while an answer streams.
//!
//! `cargo run --release --example live_tail [FILE]` (defaults to a built-in answer).
use std::io::Write;
use std::time::Duration;
use termark::{Options, Renderer};

const ANSWER: &str = "# Streaming\n\nThe *open* paragraph is redrawn as it grows, word by word, while finished blocks are printed once and never touched again.\n\n```rust\nfn main() {\n    println!(\"each code line commits as soon as it ends\");\n}\n```\n\n| a | b |\n|---|---|\n| tables stay | tentative until they end |\n";

fn main() -> std::io::Result<()> {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => ANSWER.to_owned(),
    };
    let renderer = Renderer::new(Options::new().with_width(72)).expect("valid options");
    let mut stream = renderer.stream();
    let mut ansi = renderer.writer();
    let mut out = std::io::stdout().lock();
    let mut tail_rows = 0;
    for chunk in text.as_bytes().chunks(6) {
        stream.push_bytes(chunk);
        // Erase the previous tail: move up and clear (our own escapes, not the input's).
        if tail_rows > 0 {
            write!(out, "\x1b[{tail_rows}F\x1b[J")?;
        }
        for line in stream.new_committed() {
            ansi.write_line(&mut out, &line)?;
        }
        tail_rows = 0;
        for line in stream.tentative() {
            ansi.write_line(&mut out, &line)?;
            tail_rows += 1;
        }
        out.flush()?;
        std::thread::sleep(Duration::from_millis(15));
    }
    if tail_rows > 0 {
        write!(out, "\x1b[{tail_rows}F\x1b[J")?;
    }
    stream.finalize();
    for line in stream.new_committed() {
        ansi.write_line(&mut out, &line)?;
    }
    assert!(!stream.has_live_state());
    Ok(())
}
