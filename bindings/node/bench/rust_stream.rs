//! The Rust side of the Node.js binding's benchmark (`bench/run.sh`): streams one input in
//! fixed-size byte chunks through `termark::Stream` the way the binding does, and prints the
//! CPU time per message as one JSON line.
//!
//! `rust_stream [--dump PATH] [--input PATH] [--chunk N] [--messages N] [--mode count|ansi]
//! [--no-highlight]`
//!
//! - `--dump PATH`: write the generated input (a ~100 KB LLM-style answer, the generator of
//!   the root crate's benches) to PATH and exit.
//! - `--mode count`: after every push, count the new committed lines (what
//!   `examples/profile_render` does with `PROFILE_CHUNK`); `ansi` (default): also write each
//!   one as a terminal string and copy its plain text, the two strings a binding `Line`
//!   carries (its spans are borrowed views in Rust, free).
#![allow(missing_docs, clippy::cast_precision_loss)]

#[path = "../../../benches/common/mod.rs"]
mod common;

fn cpu_seconds() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut dump, mut input, mut chunk, mut messages, mut mode) =
        (None, None, 16usize, 20usize, "ansi".to_owned());
    let mut highlight = true;
    while let Some(a) = args.next() {
        let mut value = || args.next().expect("a value after the flag");
        match a.as_str() {
            "--dump" => dump = Some(value()),
            "--input" => input = Some(value()),
            "--chunk" => chunk = value().parse().expect("--chunk N"),
            "--messages" => messages = value().parse().expect("--messages N"),
            "--mode" => mode = value(),
            "--no-highlight" => highlight = false,
            other => panic!("unknown argument {other}"),
        }
    }
    let text = match input {
        Some(path) => std::fs::read_to_string(path).expect("readable input"),
        None => common::llm_answer(100 * 1024),
    };
    if let Some(path) = dump {
        std::fs::write(path, &text).expect("writable dump path");
        return;
    }
    let ansi = match mode.as_str() {
        "ansi" => true,
        "count" => false,
        other => panic!("unknown mode {other}"),
    };
    let renderer = termark::Renderer::new(
        termark::Options::new()
            .with_width(80)
            .with_highlight(highlight),
    )
    .expect("options");
    renderer.preload_highlighting(&[]);
    let mut writer = renderer.writer();
    let mut run = || {
        let mut s = renderer.stream();
        let (mut lines, mut bytes) = (0usize, 0usize);
        for c in text.as_bytes().chunks(chunk) {
            s.push_bytes(c);
            for line in s.new_committed() {
                lines += 1;
                if ansi {
                    bytes += writer.line_to_string(&line).len() + line.plain().len();
                }
            }
        }
        s.finalize();
        for line in s.new_committed() {
            lines += 1;
            if ansi {
                bytes += writer.line_to_string(&line).len() + line.plain().len();
            }
        }
        s.release();
        (lines, bytes)
    };
    // Warm-up: the syntaxes each language of the input loads on first use.
    let (lines, out_bytes) = run();
    let start = cpu_seconds();
    for _ in 0..messages {
        std::hint::black_box(run());
    }
    let cpu = (cpu_seconds() - start) / messages as f64;
    println!(
        "{{\"path\":\"rust\",\"mode\":\"{mode}\",\"highlight\":{highlight},\"bytes\":{},\"chunk\":{chunk},\"messages\":{messages},\"lines\":{lines},\"out_bytes\":{out_bytes},\"cpu_s_per_message\":{cpu:.6}}}",
        text.len()
    );
}
