//! Counts for the tail of a frame-driven app (BENCHMARKS.md, "The tail per frame"): how
//! often a frame's tail is stale and how many rows behind, for `Stream::tail` and for
//! `Stream::tentative`, and how often a streaming table's top border changes.
//!
//! `cargo run --release --example tail_frames`
#![allow(clippy::cast_precision_loss, missing_docs)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::fmt::Write as _;
use termark::{Options, Renderer, Stream};

/// Pushes `text` in `chunk`-byte pieces, `per_frame` pieces per frame; returns (frames,
/// stale frames, the mean rows a stale frame was behind) with `frame` giving the tail.
fn frames(
    r: &Renderer,
    text: &str,
    chunk: usize,
    per_frame: usize,
    tail_api: bool,
) -> (usize, usize, f64) {
    let mut s = r.stream();
    let (mut n, mut stale, mut behind) = (0, 0, 0usize);
    for (i, c) in text.as_bytes().chunks(chunk).enumerate() {
        s.push_bytes(c);
        if (i + 1) % per_frame != 0 {
            continue;
        }
        n += 1;
        let (rows, exact) = shown(&mut s, tail_api);
        if !exact {
            stale += 1;
            // The exact tail now, from a copy of the stream's input so far.
            let mut exact_stream = r.stream();
            exact_stream.push_bytes(&text.as_bytes()[..((i + 1) * chunk).min(text.len())]);
            let want = exact_stream.tail().len();
            behind += want.saturating_sub(rows);
        }
    }
    (
        n,
        stale,
        if stale > 0 {
            behind as f64 / stale as f64
        } else {
            0.0
        },
    )
}

fn shown(s: &mut Stream, tail_api: bool) -> (usize, bool) {
    if tail_api {
        let t = s.tail();
        (t.len(), t.is_exact())
    } else {
        let n = s.tentative().count();
        (n, !s.tentative_is_stale())
    }
}

fn main() {
    let r = Renderer::new(Options::new()).expect("options");
    let para = common::single_paragraph(20 * 1024);
    println!("| open block | API | frames | stale frames | rows behind when stale |");
    println!("|---|---|---:|---:|---:|");
    for (api, tail_api) in [("tail()", true), ("tentative()", false)] {
        let (n, stale, behind) = frames(&r, &para, 16, 4, tail_api);
        println!(
            "| 20 KB paragraph, 4 × 16 B per frame | `{api}` | {n} | {stale} ({:.0}%) | {behind:.1} |",
            100.0 * stale as f64 / n as f64
        );
    }
    // A 60-row table in 160 pushes: how often the tail's top border changes.
    let mut table = String::from("| name | value | note |\n|---|---|---|\n");
    for i in 0..60 {
        let note = ["short", "a somewhat longer note", "mid", "x"][i % 4];
        let _ = writeln!(table, "| row{i} | {} | {note} |", i * 37 % 1000);
    }
    for (label, heal) in [
        ("kept widths (default)", true),
        ("healing off, widths kept", false),
    ] {
        let r = Renderer::new(Options::new().with_heal(heal)).expect("options");
        let mut s = r.stream();
        let (mut changes, mut last) = (0, String::new());
        for c in table.as_bytes().chunks(table.len() / 160 + 1) {
            s.push_bytes(c);
            if let Some(top) = s.tail().lines().find(|l| l.plain().starts_with('┌')) {
                if top.plain() != last {
                    changes += 1;
                    last = top.plain();
                }
            }
        }
        println!("60-row table in 160 pushes, {label}: the top border changed {changes} times");
    }
}
