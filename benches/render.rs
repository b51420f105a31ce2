//! Throughput of termark's one-shot and streaming rendering, against pulldown-cmark's bare
//! parse and syntect's bare highlighting as yardsticks. Results and targets: BENCHMARKS.md.
//!
//! `cargo bench --bench render` (all groups, about 12 minutes on 2 cores), or one group:
//! `cargo bench --bench render -- '^stream/'` (criterion filters are regular expressions).
//!
//! Inputs are generated in code (`benches/common`), outside the timed loops; every stream
//! bench creates a stream, pushes the input in fixed-size chunks, drains the committed lines
//! after every push (as a caller printing them would), finalizes, drains, and releases the
//! stream's buffers back to the renderer's pool.

#![allow(
    clippy::cast_precision_loss,
    clippy::missing_docs_in_private_items,
    missing_docs
)]

mod common;

use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode,
    Throughput,
};
use std::hint::black_box;
use std::time::Duration;
use termark::{Options, Renderer};

/// The named inputs of the `oneshot` and `stream` groups.
fn inputs() -> Vec<(&'static str, String)> {
    vec![
        ("llm-2KB", common::llm_answer(2 * 1024)),
        ("llm-64KB", common::llm_answer(64 * 1024)),
        ("llm-1MB", common::llm_answer(1024 * 1024)),
        ("prose-64KB", common::prose(64 * 1024)),
        ("cjk-64KB", common::cjk(64 * 1024)),
    ]
}

fn configure(g: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>, secs: u64) {
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(secs));
}

/// Streams `text` in `chunk`-byte pieces, draining new committed lines after every push (and
/// rendering the tentative lines too if `tentative`). Returns the number of lines seen.
fn stream_once(r: &Renderer, text: &str, chunk: usize, tentative: bool) -> usize {
    let mut s = r.stream();
    let mut n = 0;
    for c in text.as_bytes().chunks(chunk) {
        s.push_bytes(c);
        for l in s.new_committed() {
            black_box(l);
            n += 1;
        }
        if tentative {
            for l in s.tentative() {
                black_box(l);
            }
        }
    }
    s.finalize();
    n += s.new_committed().map(black_box).count();
    s.release();
    n
}

fn oneshot(c: &mut Criterion) {
    let on = Renderer::new(Options::new()).expect("options");
    let off = Renderer::new(Options::new().with_highlight(false)).expect("options");
    // Load syntaxes and themes before timing (once per process in real use too).
    black_box(on.render(&common::code_only(1024)));
    let mut g = c.benchmark_group("oneshot");
    configure(&mut g, 3);
    for (name, text) in inputs() {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("render-highlight", name),
            text.as_str(),
            |b, t| b.iter(|| on.render(black_box(t))),
        );
        g.bench_with_input(
            BenchmarkId::new("render-nohighlight", name),
            text.as_str(),
            |b, t| b.iter(|| off.render(black_box(t))),
        );
        g.bench_with_input(
            BenchmarkId::new("render_whole-nohighlight", name),
            text.as_str(),
            |b, t| b.iter(|| off.render_whole(black_box(t))),
        );
        g.bench_with_input(
            BenchmarkId::new("pulldown-parse", name),
            text.as_str(),
            |b, t| {
                b.iter(|| {
                    pulldown_cmark::Parser::new_ext(
                        black_box(t),
                        termark::internals::parse_options(),
                    )
                    .for_each(drop);
                });
            },
        );
    }
    g.finish();
}

fn stream(c: &mut Criterion) {
    let r = Renderer::new(Options::new()).expect("options");
    let off = Renderer::new(Options::new().with_highlight(false)).expect("options");
    // The tentative tail without a work budget (exact on every call), and with budget 8.
    let off_exact = Renderer::new(
        Options::new()
            .with_highlight(false)
            .with_tentative_budget(None),
    )
    .expect("options");
    let off_b8 = Renderer::new(
        Options::new()
            .with_highlight(false)
            .with_tentative_budget(Some(8)),
    )
    .expect("options");
    black_box(r.render(&common::code_only(1024)));
    let mut g = c.benchmark_group("stream");
    configure(&mut g, 3);
    for (name, text) in inputs() {
        g.throughput(Throughput::Bytes(text.len() as u64));
        let small = text.len() <= 64 * 1024 + 4096;
        for chunk in [1usize, 16, 64, 4096] {
            if chunk == 1 && !small {
                continue;
            }
            g.bench_with_input(
                BenchmarkId::new(format!("drain-{chunk}B"), name),
                text.as_str(),
                |b, t| b.iter(|| stream_once(&r, t, chunk, false)),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("tentative-{chunk}B"), name),
                text.as_str(),
                |b, t| b.iter(|| stream_once(&r, t, chunk, true)),
            );
        }
        // Without highlighting: the streaming machinery's own overhead, not diluted by syntect.
        g.bench_with_input(
            BenchmarkId::new("drain-16B-nohighlight", name),
            text.as_str(),
            |b, t| b.iter(|| stream_once(&off, t, 16, false)),
        );
        g.bench_with_input(
            BenchmarkId::new("tentative-16B-nohighlight", name),
            text.as_str(),
            |b, t| b.iter(|| stream_once(&off, t, 16, true)),
        );
        g.bench_with_input(
            BenchmarkId::new("tentative-16B-nohighlight-exact", name),
            text.as_str(),
            |b, t| b.iter(|| stream_once(&off_exact, t, 16, true)),
        );
        g.bench_with_input(
            BenchmarkId::new("tentative-16B-nohighlight-budget8", name),
            text.as_str(),
            |b, t| b.iter(|| stream_once(&off_b8, t, 16, true)),
        );
    }
    g.finish();
}

fn scale(c: &mut Criterion) {
    let r = Renderer::new(Options::new()).expect("options");
    let off = Renderer::new(Options::new().with_highlight(false)).expect("options");
    black_box(r.render(&common::code_only(1024)));
    let mut g = c.benchmark_group("scale");
    configure(&mut g, 3);
    for (name, kb) in [("10KB", 10usize), ("100KB", 100), ("1MB", 1024)] {
        let text = common::llm_answer(kb * 1024);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("llm-drain-16B", name),
            text.as_str(),
            |b, t| b.iter(|| stream_once(&r, t, 16, false)),
        );
        g.bench_with_input(
            BenchmarkId::new("llm-drain-16B-nohighlight", name),
            text.as_str(),
            |b, t| b.iter(|| stream_once(&off, t, 16, false)),
        );
    }
    g.finish();
}

fn highlight(c: &mut Criterion) {
    let blocks = common::code_blocks(64 * 1024);
    let text = common::code_only(64 * 1024);
    let code_bytes: usize = blocks.iter().map(|(_, code)| code.len()).sum();
    let on = Renderer::new(Options::new()).expect("options");
    let off = Renderer::new(Options::new().with_highlight(false)).expect("options");
    black_box(on.render(&text));
    let ss = two_face::syntax::extra_newlines();
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let theme = &themes.themes["base16-ocean.dark"];
    let syntaxes: Vec<_> = blocks
        .iter()
        .map(|(lang, _)| ss.find_syntax_by_token(lang).expect("syntax"))
        .collect();

    let mut g = c.benchmark_group("highlight");
    configure(&mut g, 4);
    // Throughput counts the Markdown bytes for termark and the code bytes (fences
    // excluded) for syntect: each against the text it was given.
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("termark-render-highlight/code-64KB", |b| {
        b.iter(|| on.render(black_box(&text)));
    });
    g.bench_function("termark-stream-16B-highlight/code-64KB", |b| {
        b.iter(|| stream_once(&on, black_box(&text), 16, false));
    });
    g.bench_function("termark-render-nohighlight/code-64KB", |b| {
        b.iter(|| off.render(black_box(&text)));
    });
    g.throughput(Throughput::Bytes(code_bytes as u64));
    g.bench_function("syntect-highlightlines/code-64KB", |b| {
        b.iter(|| common::syntect_highlight(&blocks, &syntaxes, &ss, theme));
    });
    g.finish();
}

fn shapes(c: &mut Criterion) {
    let r = Renderer::new(Options::new()).expect("options");
    let exact = Renderer::new(Options::new().with_tentative_budget(None)).expect("options");
    black_box(r.render(&common::code_only(1024)));
    let mut g = c.benchmark_group("shapes");
    configure(&mut g, 3);
    let shapes = [
        ("code_block_lines-5000", common::code_block_lines(5000)),
        ("list_items-2000", common::list_items(2000)),
        ("table_rows-200", common::table_rows(200)),
        ("single_paragraph-50000", common::single_paragraph(50_000)),
    ];
    for (name, text) in &shapes {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("render", name), text.as_str(), |b, t| {
            b.iter(|| r.render(black_box(t)));
        });
        g.bench_with_input(
            BenchmarkId::new("drain-16B", name),
            text.as_str(),
            |b, t| b.iter(|| stream_once(&r, t, 16, false)),
        );
        g.bench_with_input(
            BenchmarkId::new("tentative-16B", name),
            text.as_str(),
            |b, t| b.iter(|| stream_once(&r, t, 16, true)),
        );
        g.bench_with_input(
            BenchmarkId::new("tentative-16B-exact", name),
            text.as_str(),
            |b, t| b.iter(|| stream_once(&exact, t, 16, true)),
        );
    }
    g.finish();
}

/// A frame-driven app's cost per frame: four 16-byte pushes, then `Stream::tail()`, with the
/// open block at about its full size (a 20 KB paragraph, a 200-row table, a 5,000-line code
/// block in fence mode). Each batch of frames starts from a stream that holds the open
/// block already (not timed).
fn frame(c: &mut Criterion) {
    const FRAMES_PER_STREAM: u64 = 32;
    let r = Renderer::new(Options::new()).expect("options");
    black_box(r.render(&common::code_only(1024)));
    let mut g = c.benchmark_group("frame");
    configure(&mut g, 3);
    let shapes = [
        ("single_paragraph-20KB", common::single_paragraph(20 * 1024)),
        ("table_rows-200", common::table_rows(200)),
        ("code_block_lines-5000", common::code_block_lines(5000)),
    ];
    for (name, text) in &shapes {
        // The open block as the frames find it, and 64 bytes of it per frame after that.
        let split = text.len() - (FRAMES_PER_STREAM as usize) * 64 - 1;
        let (head, rest) = text.split_at(split);
        g.bench_function(BenchmarkId::new("push4x16-tail", name), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut done = 0;
                while done < iters {
                    let mut s = r.stream();
                    s.push(head);
                    let _ = s.tail().len();
                    let frames = FRAMES_PER_STREAM.min(iters - done);
                    let start = std::time::Instant::now();
                    for f in 0..frames as usize {
                        for k in 0..4 {
                            let at = f * 64 + k * 16;
                            s.push_bytes(&rest.as_bytes()[at..at + 16]);
                        }
                        black_box(s.tail().len());
                    }
                    total += start.elapsed();
                    done += frames;
                    s.release();
                }
                total
            });
        });
    }
    g.finish();
}

/// Resizing a transcript of 200 finished messages of about 8 KB (mixed, highlighting on):
/// all of them again at a new width from their compact form, the first frame (the two
/// messages in view), and, for scale, the same 200 rendered from text (which highlights).
fn resize(c: &mut Criterion) {
    let r = Renderer::new(Options::new().with_keep_message(true)).expect("options");
    let texts: Vec<String> = (0..200)
        .map(|i| common::llm_answer_seeded(8 * 1024, 1000 + i))
        .collect();
    let messages: Vec<termark::Message> = texts.iter().map(|t| r.message(t)).collect();
    let narrow = r.with_width(61).expect("width");
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut g = c.benchmark_group("resize");
    configure(&mut g, 5);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("200-messages-from-message", |b| {
        b.iter(|| {
            messages
                .iter()
                .map(|m| narrow.render_message(m).len())
                .sum::<usize>()
        });
    });
    g.bench_function("200-messages-from-text", |b| {
        b.iter(|| texts.iter().map(|t| narrow.render(t).len()).sum::<usize>());
    });
    g.throughput(Throughput::Bytes((texts[0].len() + texts[1].len()) as u64));
    g.bench_function("first-frame-2-messages", |b| {
        b.iter(|| {
            messages[..2]
                .iter()
                .map(|m| narrow.render_message(m).len())
                .sum::<usize>()
        });
    });
    g.finish();
}

criterion_group!(benches, oneshot, stream, scale, highlight, shapes, frame, resize);
criterion_main!(benches);
