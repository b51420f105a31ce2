//! Latency of the binary's live view: how long after a word's bytes reach `termark` the word
//! is on the screen of a terminal emulator, at LLM pace.
//!
//! `termark` runs on a pseudo-terminal of 100×30 (its stdout and stderr are the pty; its
//! stdin is a pipe). This program writes prose into the pipe in `--chunk`-byte writes at
//! `--rate` bytes per second, on a fixed schedule, and notes when each word's last byte is
//! written. A reader thread feeds everything `termark` writes to the pty into a `vt100`
//! terminal emulator and notes when each word first shows in scrollback plus screen (in
//! order: the words shown are the longest prefix of the text's words found there). The
//! latency of a word is the second time less the first; p50, p90 and max are printed, in
//! milliseconds.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example live_latency -- --live auto     # the live view
//! cargo run --release --example live_latency -- --live never    # committed lines only
//! ```
//! Options: `--live auto|never` (passed to termark), `--rate B/S` (default 800), `--chunk N`
//! (default 16), `--bytes N` (text size, default 6000), `--bin PATH` (default
//! target/release/termark).

#![allow(clippy::cast_precision_loss)] // byte offsets to seconds

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const COLS: u16 = 100;
const ROWS: u16 = 30;

/// Prose with short paragraphs: words the renderer shows as they are (no markup).
fn text(bytes: usize) -> String {
    const WORDS: &[&str] = &[
        "the",
        "stream",
        "arrives",
        "token",
        "by",
        "token",
        "while",
        "terminal",
        "draws",
        "each",
        "word",
        "soon",
        "after",
        "its",
        "bytes",
        "come",
        "in,",
        "and",
        "finished",
        "lines",
        "stay",
        "where",
        "they",
        "are.",
        "a",
        "model",
        "writes",
        "answers",
        "at",
        "about",
        "forty",
        "tokens",
        "per",
        "second,",
        "so",
        "latency",
        "matters",
        "more",
        "than",
        "throughput",
        "here.",
    ];
    let mut s = String::new();
    let mut i = 0usize;
    while s.len() < bytes {
        // A deterministic walk over the words; a paragraph break every 60 words or so.
        let w = WORDS[(i * 7 + i / 5) % WORDS.len()];
        s.push_str(w);
        i += 1;
        s.push_str(if i.is_multiple_of(61) { "\n\n" } else { " " });
    }
    s.push('\n');
    s
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// The `pct`-th percentile (nearest rank) of `sorted`.
fn percentile(sorted: &[f64], pct: usize) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) * pct).div_ceil(100)]
}

/// The words in scrollback plus screen, top to bottom.
fn shown_words(parser: &mut vt100::Parser) -> Vec<String> {
    let screen = parser.screen_mut();
    screen.set_scrollback(usize::MAX);
    let back = screen.scrollback();
    let mut rows = Vec::new();
    for k in (1..=back).rev() {
        screen.set_scrollback(k);
        rows.push(screen.rows(0, COLS).next().unwrap_or_default());
    }
    screen.set_scrollback(0);
    rows.extend(screen.rows(0, COLS));
    rows.iter()
        .flat_map(|r| r.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

fn main() -> std::io::Result<()> {
    let live = arg("--live").unwrap_or_else(|| "auto".into());
    let rate: f64 = arg("--rate").map_or(800.0, |r| r.parse().expect("--rate B/S"));
    let chunk: usize = arg("--chunk").map_or(16, |c| c.parse().expect("--chunk N"));
    let size: usize = arg("--bytes").map_or(6000, |c| c.parse().expect("--bytes N"));
    let bin = arg("--bin")
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/termark").into());

    let master =
        rustix::pty::openpt(rustix::pty::OpenptFlags::RDWR | rustix::pty::OpenptFlags::NOCTTY)?;
    rustix::pty::grantpt(&master)?;
    rustix::pty::unlockpt(&master)?;
    let name = rustix::pty::ptsname(&master, Vec::new())?;
    let slave: OwnedFd = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(name.to_str().expect("pty name"))?
        .into();
    rustix::termios::tcsetwinsize(
        &slave,
        rustix::termios::Winsize {
            ws_row: ROWS,
            ws_col: COLS,
            ws_xpixel: 0,
            ws_ypixel: 0,
        },
    )?;
    let mut child = Command::new(&bin)
        .args(["--live", &live, "--color", "always"])
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::from(slave.try_clone()?))
        .stderr(Stdio::from(slave))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {bin} (cargo build --release first): {e}"));

    let text = text(size);
    let words: Vec<&str> = text.split_whitespace().collect();
    // Byte offset just past each word.
    let mut ends = Vec::with_capacity(words.len());
    let mut from = 0;
    for w in &words {
        let at = text[from..].find(w).unwrap() + from;
        from = at + w.len();
        ends.push(from);
    }
    let expected: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    let seen: Arc<Mutex<Vec<Option<Instant>>>> = Arc::new(Mutex::new(vec![None; words.len()]));

    let reader = {
        let seen = Arc::clone(&seen);
        let mut master = std::fs::File::from(master);
        std::thread::spawn(move || {
            let mut parser = vt100::Parser::new(
                std::num::NonZeroU16::new(ROWS).unwrap(),
                std::num::NonZeroU16::new(COLS).unwrap(),
                100_000,
            );
            let mut buf = vec![0u8; 64 * 1024];
            let mut done = 0;
            // Until the child has exited and the pty reports EIO.
            while let Ok(n) = master.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let now = Instant::now();
                parser.process(&buf[..n]);
                let shown = shown_words(&mut parser);
                let prefix = shown
                    .iter()
                    .zip(&expected)
                    .take_while(|(a, b)| a == b)
                    .count();
                if prefix > done {
                    let mut seen = seen.lock().unwrap();
                    for s in &mut seen[done..prefix] {
                        s.get_or_insert(now);
                    }
                    done = prefix;
                }
            }
        })
    };

    let mut stdin = child.stdin.take().unwrap();
    let bytes = text.as_bytes();
    let start = Instant::now();
    let mut arrived: Vec<Option<Instant>> = vec![None; words.len()];
    let mut next_word = 0;
    for (i, piece) in bytes.chunks(chunk).enumerate() {
        let due = start + Duration::from_secs_f64((i * chunk) as f64 / rate);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        if stdin.write_all(piece).is_err() {
            break; // termark ended early: what was seen is reported
        }
        let now = Instant::now();
        let written = (i * chunk + piece.len()).min(bytes.len());
        while next_word < words.len() && ends[next_word] <= written {
            arrived[next_word] = Some(now);
            next_word += 1;
        }
    }
    // Let the last words show before the input ends (the end would commit them anyway).
    std::thread::sleep(Duration::from_millis(500));
    drop(stdin);
    child.wait()?;
    reader.join().expect("reader");

    let seen = seen.lock().unwrap();
    let mut lat: Vec<f64> = Vec::new();
    let mut missing = 0;
    for (a, s) in arrived.iter().zip(seen.iter()) {
        match (a, s) {
            (Some(a), Some(s)) => lat.push(s.saturating_duration_since(*a).as_secs_f64() * 1e3),
            _ => missing += 1,
        }
    }
    lat.sort_by(f64::total_cmp);
    println!(
        "termark --live {live}: {} words, {} bytes at {rate} B/s in {chunk}-byte writes, {COLS}x{ROWS} pty",
        words.len(),
        bytes.len()
    );
    println!(
        "word latency (ms): p50 {:.1}, p90 {:.1}, max {:.1}; words never seen: {missing}",
        percentile(&lat, 50),
        percentile(&lat, 90),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    Ok(())
}
