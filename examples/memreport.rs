//! Allocation report for streaming, measured with a counting global allocator.
//!
//! `cargo run --release --example memreport`
//!
//! For each input streamed in 16-byte chunks (committed lines drained after every push,
//! then finalize and release): bytes allocated and allocations per input byte, and the peak
//! heap above the baseline. Then the bytes allocated by pushes that complete no line, and the
//! peak heap while one 1 MB message streams. The renderer is warmed first (syntaxes and
//! themes loaded, the pool holding a buffer), as in a long-running program. Figures are in
//! BENCHMARKS.md.

#![allow(clippy::cast_precision_loss, missing_docs)]

#[path = "../benches/common/mod.rs"]
mod common;

use termark::{Options, Renderer, Stream};
use termark_alloc_counter::{reset_peak, snapshot, Counting};

#[global_allocator]
static ALLOC: Counting = Counting;

fn stream_in(s: &mut Stream, text: &str, chunk: usize, tentative: bool) {
    for c in text.as_bytes().chunks(chunk) {
        s.push_bytes(c);
        s.new_committed().for_each(drop);
        if tentative {
            s.tentative().for_each(drop);
        }
    }
}

/// One message through a warmed renderer: (bytes allocated, allocations, peak above baseline).
fn measure(r: &Renderer, text: &str, chunk: usize, tentative: bool) -> (usize, usize, usize) {
    // Warm: same message once, so the pool holds a buffer of the right size.
    let mut s = r.stream();
    stream_in(&mut s, text, chunk, tentative);
    s.finalize();
    s.release();
    let before = snapshot();
    reset_peak();
    stream_in(&mut s, text, chunk, tentative);
    s.finalize();
    s.new_committed().for_each(drop);
    s.release();
    let d = snapshot().since(&before);
    (
        d.allocated,
        d.allocations,
        d.peak.saturating_sub(before.live),
    )
}

/// Pushes `text` in 16-byte chunks and sums the allocations made by pushes whose chunk holds
/// no `\n` (so they complete no line), after the first 4 KB (buffers grown).
fn no_line_pushes(r: &Renderer, text: &str, tentative: bool) -> (usize, usize, usize, usize) {
    let mut s = r.stream();
    let (mut pushes, mut allocating, mut bytes, mut calls) = (0, 0, 0, 0);
    for (i, c) in text.as_bytes().chunks(16).enumerate() {
        let counted = i * 16 >= 4096 && !c.contains(&b'\n');
        let before = snapshot();
        s.push_bytes(c);
        s.new_committed().for_each(drop);
        if tentative {
            s.tentative().for_each(drop);
        }
        let d = snapshot().since(&before);
        if counted {
            pushes += 1;
            bytes += d.allocated;
            calls += d.allocations;
            if d.allocations > 0 {
                allocating += 1;
            }
        }
    }
    s.finalize();
    s.release();
    (pushes, allocating, bytes, calls)
}

fn main() {
    let r = Renderer::new(Options::new()).expect("options");
    let _ = r.render(&common::llm_answer(16 * 1024));
    let off = Renderer::new(Options::new().with_highlight(false)).expect("options");
    let inputs = [
        ("llm-2KB", common::llm_answer(2 * 1024)),
        ("llm-64KB", common::llm_answer(64 * 1024)),
        ("llm-1MB", common::llm_answer(1024 * 1024)),
        ("prose-64KB", common::prose(64 * 1024)),
        ("code-64KB", common::code_only(64 * 1024)),
        ("code_block_lines-5000", common::code_block_lines(5000)),
        ("list_items-2000", common::list_items(2000)),
        ("table_rows-200", common::table_rows(200)),
        ("single_paragraph-50000", common::single_paragraph(50_000)),
    ];
    println!(
        "Streaming in 16-byte chunks, drain after every push, finalize, release (warmed renderer):"
    );
    println!("| input | bytes | allocated B/input B | allocations/input B | peak heap above baseline | with tentative(): B/input B | allocations/input B | highlight off: B/input B | highlight off, with tentative(): B/input B |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, text) in &inputs {
        let n = text.len() as f64;
        let (bytes, calls, peak) = measure(&r, text, 16, false);
        let (tbytes, tcalls, _) = measure(&r, text, 16, true);
        let (obytes, _, _) = measure(&off, text, 16, false);
        let (otbytes, _, _) = measure(&off, text, 16, true);
        println!(
            "| {name} | {} | {:.2} | {:.4} | {} KiB | {:.2} | {:.4} | {:.2} | {:.2} |",
            text.len(),
            bytes as f64 / n,
            calls as f64 / n,
            peak / 1024,
            tbytes as f64 / n,
            tcalls as f64 / n,
            obytes as f64 / n,
            otbytes as f64 / n
        );
    }

    println!();
    println!(
        "Pushes that complete no line (16-byte chunks without a newline, after the first 4 KB):"
    );
    println!("| input | mode | such pushes | pushes that allocated | bytes allocated | allocations | B/push |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (name, text) in &inputs[..5] {
        for tentative in [false, true] {
            let (pushes, allocating, bytes, calls) = no_line_pushes(&r, text, tentative);
            let mode = if tentative {
                "drain + tentative"
            } else {
                "drain"
            };
            println!(
                "| {name} | {mode} | {pushes} | {allocating} | {bytes} | {calls} | {:.1} |",
                bytes as f64 / pushes.max(1) as f64
            );
        }
    }

    println!();
    println!("One-shot and yardsticks (allocated bytes per input byte):");
    println!("| input | termark render (one-shot) | pulldown-cmark bare parse |");
    println!("|---|---:|---:|");
    for (name, text) in &inputs {
        let n = text.len() as f64;
        drop(r.render(text));
        let before = snapshot();
        drop(r.render(text));
        let one = snapshot().since(&before).allocated;
        let before = snapshot();
        pulldown_cmark::Parser::new_ext(text, termark::internals::parse_options()).for_each(drop);
        let pd = snapshot().since(&before).allocated;
        println!("| {name} | {:.2} | {:.2} |", one as f64 / n, pd as f64 / n);
    }
    let tiny = "Hello *world*, a short paragraph.\n";
    let before = snapshot();
    pulldown_cmark::Parser::new_ext(tiny, termark::internals::parse_options()).for_each(drop);
    let d = snapshot().since(&before);
    println!(
        "pulldown-cmark: one parse of a {}-byte paragraph allocates {} B in {} allocations (a fixed cost per parse)",
        tiny.len(),
        d.allocated,
        d.allocations
    );
    {
        use syntect::easy::HighlightLines;
        use syntect::util::LinesWithEndings;
        let ss = two_face::syntax::extra_newlines();
        let themes = syntect::highlighting::ThemeSet::load_defaults();
        let theme = &themes.themes["base16-ocean.dark"];
        let blocks = common::code_blocks(64 * 1024);
        let run = || {
            for (lang, code) in &blocks {
                let syntax = ss.find_syntax_by_token(lang).expect("syntax");
                let mut h = HighlightLines::new(syntax, theme);
                for line in LinesWithEndings::from(code) {
                    drop(h.highlight_line(line, &ss).expect("highlight"));
                }
            }
        };
        run();
        let before = snapshot();
        run();
        let d = snapshot().since(&before);
        let lines: usize = blocks.iter().map(|(_, c)| c.lines().count()).sum();
        let bytes: usize = blocks.iter().map(|(_, c)| c.len()).sum();
        println!(
            "syntect HighlightLines on the code of code-64KB: {:.0} B and {:.1} allocations per line, {:.2} B per code byte",
            d.allocated as f64 / lines as f64,
            d.allocations as f64 / lines as f64,
            d.allocated as f64 / bytes as f64
        );
    }

    println!();
    let big = &inputs[2].1;
    for chunk in [16usize, 4096] {
        let base = snapshot().live;
        reset_peak();
        let mut s = r.stream();
        stream_in(&mut s, big, chunk, false);
        let streaming_peak = snapshot().peak - base;
        s.finalize();
        let held = s.heap_bytes();
        let peak = snapshot().peak - base;
        s.release();
        println!(
            "1 MB message ({} B) in {chunk}-byte chunks: peak heap above baseline {:.2} MiB while streaming, {:.2} MiB through finalize; committed lines hold {:.2} MiB ({:.2} B per input byte)",
            big.len(),
            streaming_peak as f64 / 1_048_576.0,
            peak as f64 / 1_048_576.0,
            held as f64 / 1_048_576.0,
            held as f64 / big.len() as f64
        );
    }
    let base = snapshot().live;
    reset_peak();
    let mut s = r.stream();
    for c in big.as_bytes().chunks(16) {
        s.push_bytes(c);
        s.new_committed().for_each(drop);
        s.clear_committed();
    }
    s.finalize();
    let peak = snapshot().peak - base;
    s.release();
    println!("1 MB message in 16-byte chunks with clear_committed() after every drain: peak heap above baseline {:.1} KiB", peak as f64 / 1024.0);

    println!();
    println!("Kept lines of a finished message (`Renderer::render`, then `Lines::shrink_to_fit`), and its `Message` (`Renderer::message`: the source and its code blocks' highlight runs), heap bytes per input byte:");
    println!("| input | lines | spans | text B/B | kept B/B, highlight on | kept B/B, highlight off | before shrink_to_fit (on) | `Message` B/B (on) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    // Messages come from a renderer of their own, so that the buffers their streams return
    // to the pool do not lend spare capacity to the renders measured here.
    let messages = Renderer::new(Options::new()).expect("options");
    for (name, text) in &inputs {
        let n = text.len() as f64;
        let mut on_lines = r.render(text);
        let before = on_lines.heap_bytes() as f64 / n;
        on_lines.shrink_to_fit();
        let mut off_lines = off.render(text);
        off_lines.shrink_to_fit();
        let text_bytes: usize = on_lines.iter().map(|l| l.text().len()).sum();
        let spans: usize = on_lines.iter().map(|l| l.spans().len()).sum();
        let message = messages.message(text);
        println!(
            "| {name} | {} | {spans} | {:.2} | {:.2} | {:.2} | {before:.2} | {:.2} |",
            on_lines.len(),
            text_bytes as f64 / n,
            on_lines.heap_bytes() as f64 / n,
            off_lines.heap_bytes() as f64 / n,
            message.heap_bytes() as f64 / n,
        );
    }
}
