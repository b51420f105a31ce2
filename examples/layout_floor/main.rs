//! How much room issue 11's throughput targets (render at ≥ 0.55× pulldown-cmark's bare
//! parse on prose, ≥ 0.45× on the LLM-style input) leave for layout: times, on the same
//! generated input, pulldown-cmark's bare event iteration, the offset iterator termark uses,
//! a *minimal* layout on top of it (text events copied into one buffer and broken at the
//! last space before 80 bytes: no styles, no display width, no containers, no sanitizing),
//! the *fused* single-pass layout that issue 11 describes (`fused.rs`: styles, links,
//! prefixes, headings, display width, greedy wrapping across events), the same with
//! grapheme clusters and link destinations (`complete`), and termark's `render` without
//! highlighting.
//!
//! `cargo run --release --example layout_floor -- [prose|llm] [ITERATIONS] [ONLY]`
//!
//! `PROFILE_WITHOUT=code,tables,nonascii` takes those parts out of the input first, as for
//! `examples/profile_render.rs`. With `ONLY` (`parse`, `fused`, `complete` or `render`)
//! only that one runs, `ITERATIONS` times, after one untimed pass of the prototype and of
//! `render`: for instruction counts under callgrind, where the same command with 0
//! iterations is the setup to subtract. `show` and `show-complete` print the prototype's
//! lines instead and check them: each line's width is what the prototype says it is, and
//! with `show-complete` every link destination of the input is in the text.
//!
//! Each workload runs in 5 interleaved rounds; the fastest round counts (the allocator's
//! state moves the bare parse by up to 2×, see BENCHMARKS.md). Times are per render of the
//! whole input, in milliseconds.
#![allow(clippy::cast_precision_loss, missing_docs)] // ms for display

#[path = "../../benches/common/mod.rs"]
mod common;
mod fused;

use pulldown_cmark::{Event, Parser};
use std::time::Instant;

/// Lines of at most `cols` bytes, broken at the last space that fits (or mid-word at a
/// character boundary): the least a terminal layout must do with the text events.
fn minimal_layout(text: &str, cols: usize, out: &mut String, lines: &mut Vec<(usize, usize)>) {
    out.clear();
    lines.clear();
    let mut col = 0;
    let mut line_start = 0;
    for (ev, _) in Parser::new_ext(text, termark::internals::parse_options()).into_offset_iter() {
        match ev {
            Event::Text(s) | Event::Code(s) => {
                let bytes = s.as_bytes();
                let mut pos = 0;
                while pos < bytes.len() {
                    let room = cols - col;
                    if bytes.len() - pos <= room {
                        out.push_str(&s[pos..]);
                        col += bytes.len() - pos;
                        break;
                    }
                    let mut limit = pos + room;
                    while !s.is_char_boundary(limit) {
                        limit -= 1;
                    }
                    let brk = bytes[pos..limit]
                        .iter()
                        .rposition(|&c| c == b' ')
                        .map_or(limit, |k| pos + k);
                    out.push_str(&s[pos..brk]);
                    lines.push((line_start, out.len()));
                    line_start = out.len();
                    col = 0;
                    pos = if bytes.get(brk) == Some(&b' ') {
                        brk + 1
                    } else {
                        brk.max(pos + 1)
                    };
                    while !s.is_char_boundary(pos) {
                        pos += 1;
                    }
                }
            }
            Event::End(_) => {
                lines.push((line_start, out.len()));
                line_start = out.len();
                col = 0;
            }
            _ => {}
        }
    }
}

fn fastest(rounds: &mut [f64], round: usize, n: usize, mut f: impl FnMut()) {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    rounds[round] = start.elapsed().as_secs_f64() * 1e3 / n as f64;
}

fn main() {
    let mut args = std::env::args().skip(1);
    let text = match args.next().as_deref() {
        Some("llm") => common::llm_answer(64 * 1024),
        _ => common::prose(64 * 1024),
    };
    let text = common::strip(text, &std::env::var("PROFILE_WITHOUT").unwrap_or_default());
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let only = args.next();
    let r = termark::Renderer::new(termark::Options::new().with_width(80).with_highlight(false))
        .expect("options");
    let mut out = String::new();
    let mut lines = Vec::new();
    let mut f = fused::Fused::default();
    if let Some(only) = only {
        const ONLY: [&str; 6] = [
            "parse",
            "fused",
            "complete",
            "render",
            "show",
            "show-complete",
        ];
        if !ONLY.contains(&only.as_str()) {
            eprintln!(
                "layout_floor: unknown ONLY {only:?} (one of {})",
                ONLY.join(", ")
            );
            std::process::exit(2);
        }
        f.complete = matches!(only.as_str(), "complete" | "show-complete");
        // Warm both (buffers at their size), then the one asked for.
        f.render(&text, 80);
        let shown = r.render(&text);
        println!(
            "{} bytes: termark {} lines, fused {} lines",
            text.len(),
            shown.len(),
            f.lines.len()
        );
        if only.starts_with("show") {
            // The fused lines as plain text, and a check of their widths: by grapheme
            // cluster if complete, else per character, as the prototype measures (so a line
            // with `⚠️` may then be a column wider on the terminal than it says).
            let mut too_wide = 0;
            for l in &f.lines {
                let prefix = &f.prefixes[l.prefix.0 as usize..l.prefix.1 as usize];
                let body = &f.text[l.start as usize..l.end as usize];
                let cols: usize = if f.complete {
                    unicode_width::UnicodeWidthStr::width(body)
                } else {
                    body.chars()
                        .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
                        .sum()
                };
                assert_eq!(cols, usize::from(l.width), "{body:?}");
                let shown = unicode_width::UnicodeWidthStr::width(prefix)
                    + unicode_width::UnicodeWidthStr::width(body);
                too_wide += usize::from(shown > 80);
                assert!(l.run == 0 || f.runs[l.run as usize - 1].end <= l.start);
                println!("{prefix}{body}");
            }
            eprintln!("fused: {too_wide} lines wider than 80 columns as a terminal shows them");
            if f.complete {
                // Every link destination reaches the text (the URL has no space, so no
                // break splits it there).
                let mut links = 0;
                for ev in Parser::new_ext(&text, termark::internals::parse_options()) {
                    if let Event::Start(
                        pulldown_cmark::Tag::Link { dest_url, .. }
                        | pulldown_cmark::Tag::Image { dest_url, .. },
                    ) = ev
                    {
                        assert!(f.text.contains(&format!("({dest_url})")), "{dest_url}");
                        links += 1;
                    }
                }
                eprintln!("fused: all {links} link destinations shown");
            }
            return;
        }
        for _ in 0..n {
            match only.as_str() {
                "parse" => {
                    Parser::new_ext(&text, termark::internals::parse_options()).for_each(drop);
                }
                "fused" | "complete" => f.render(std::hint::black_box(&text), 80),
                _ => drop(std::hint::black_box(r.render(&text))),
            }
        }
        return;
    }
    let mut complete = fused::Fused::default();
    complete.complete = true;
    let (mut parse, mut offsets, mut minimal, mut fusedt, mut completet, mut render) =
        ([0.0; 5], [0.0; 5], [0.0; 5], [0.0; 5], [0.0; 5], [0.0; 5]);
    for round in 0..5 {
        fastest(&mut parse, round, n, || {
            Parser::new_ext(&text, termark::internals::parse_options()).for_each(drop);
        });
        fastest(&mut offsets, round, n, || {
            Parser::new_ext(&text, termark::internals::parse_options())
                .into_offset_iter()
                .for_each(drop);
        });
        fastest(&mut minimal, round, n, || {
            minimal_layout(&text, 80, &mut out, &mut lines);
        });
        fastest(&mut fusedt, round, n, || {
            f.render(std::hint::black_box(&text), 80);
        });
        fastest(&mut completet, round, n, || {
            complete.render(std::hint::black_box(&text), 80);
        });
        fastest(&mut render, round, n, || {
            std::hint::black_box(r.render(&text));
        });
    }
    let min = |xs: &[f64]| xs.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |xs: &[f64]| xs.iter().copied().fold(0.0, f64::max);
    let p = min(&parse);
    println!(
        "{} bytes; ms per pass (fastest of 5 rounds of {n}); ratio = parse time / time",
        text.len()
    );
    println!("bare parse       {p:.3} (slowest round {:.3})", max(&parse));
    for (name, t) in [
        ("offset iterator", min(&offsets)),
        ("minimal layout", min(&minimal)),
        ("fused prototype", min(&fusedt)),
        ("fused, complete", min(&completet)),
        ("termark render", min(&render)),
    ] {
        println!(
            "{name:<16} {t:.3}  ratio {:.2}  work beyond the parse {:.2}× the parse",
            p / t,
            (t - p) / p
        );
    }
    println!(
        "the prose target (ratio 0.55) allows {:.3} ms: work beyond the parse ≤ 0.82× the parse",
        p / 0.55
    );
}
