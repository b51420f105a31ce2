//! Renders a file (or a generated bench input) many times without highlighting, for
//! profiling, and times a bare pulldown-cmark parse of the same text beside it.
//!
//! `cargo run --release --example profile_render -- FILE|prose|cjk|llm|list|table|paragraph [ITERATIONS]`
//! (environment: `PROFILE_CHUNK=16` streams in chunks, `PROFILE_TENTATIVE=1` also asks for
//! the tentative lines after every push, `PROFILE_BUDGET=none|N` sets the tentative budget,
//! `PROFILE_HIGHLIGHT=1` turns highlighting on, `PROFILE_WITHOUT=tables,code,nonascii` drops
//! those parts of the input, `PROFILE_LINKS=inline` writes links as
//! `text (url)`, `PROFILE_DUMP=PATH` writes the input there,
//! `PROFILE_PARSES=N` times N bare parses instead of as many as renders)
//! (generated inputs are about 64 KB, the same generators as `benches/render.rs`).
#![allow(clippy::cast_precision_loss, missing_docs)] // MB/s for display

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().expect("FILE or generator name");
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let text = match what.as_str() {
        "prose" => common::prose(64 * 1024),
        "cjk" => common::cjk(64 * 1024),
        "llm" => common::llm_answer(64 * 1024),
        "list" => common::list_items(2000),
        "table" => common::table_rows(200),
        "code" => common::code_only(64 * 1024),
        "paragraph" => common::single_paragraph(50_000),
        path => std::fs::read_to_string(path).expect("readable file"),
    };
    // PROFILE_WITHOUT=tables,code,nonascii: the input without its table rows (lines that
    // start with `|`), its fenced code blocks, or its non-ASCII characters, to see what each
    // costs.
    let without = std::env::var("PROFILE_WITHOUT").unwrap_or_default();
    let text = common::strip(text, &without);
    if let Ok(path) = std::env::var("PROFILE_DUMP") {
        std::fs::write(path, &text).expect("writable dump path");
    }
    // PROFILE_BUDGET=none|N sets `Options::tentative_budget`; PROFILE_HIGHLIGHT=1 highlights.
    let mut options = termark::Options::new()
        .with_width(80)
        .with_highlight(std::env::var_os("PROFILE_HIGHLIGHT").is_some());
    // PROFILE_LINKS=inline writes `text (url)` instead of reference marks.
    if std::env::var("PROFILE_LINKS").is_ok_and(|l| l == "inline") {
        options = options.with_link_style(termark::LinkStyle::Inline);
    }
    if let Ok(b) = std::env::var("PROFILE_BUDGET") {
        options = options.with_tentative_budget(b.parse().ok());
    }
    let r = termark::Renderer::new(options).expect("options");
    // PROFILE_CHUNK=16 streams in 16-byte chunks instead (PROFILE_TENTATIVE=1: and asks for
    // the tentative lines after every push).
    let chunk: usize = std::env::var("PROFILE_CHUNK")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let tentative = std::env::var_os("PROFILE_TENTATIVE").is_some();
    let start = std::time::Instant::now();
    let mut lines = 0;
    let mut stale = (0, 0);
    let mut parses = (0, 0);
    for _ in 0..n {
        if chunk == 0 {
            lines += r.render(&text).len();
            continue;
        }
        let mut s = r.stream();
        for c in text.as_bytes().chunks(chunk) {
            s.push_bytes(c);
            lines += s.new_committed().count();
            if tentative {
                lines += s.tentative().count();
            }
        }
        let st = s.stats();
        s.finalize();
        lines += s.new_committed().count();
        s.release();
        stale = (st.tentative_stale, st.tentative_renders);
        parses = (st.parses, st.parsed_bytes);
    }
    let secs = start.elapsed().as_secs_f64();
    let start = std::time::Instant::now();
    // PROFILE_PARSES=N: how many bare parses to time (default: as many as renders; 0 under
    // callgrind to count the renders' instructions alone).
    let bare_parses: usize = std::env::var("PROFILE_PARSES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(n);
    for _ in 0..bare_parses {
        pulldown_cmark::Parser::new_ext(&text, termark::internals::parse_options()).for_each(drop);
    }
    let parse = start.elapsed().as_secs_f64();
    let mb = (text.len() * n) as f64 / 1e6;
    if chunk > 0 {
        println!(
            "stream: {} parses of {} bytes; tentative: {} stale, {} renders",
            parses.0, parses.1, stale.0, stale.1
        );
    }
    println!(
        "render {:.1} MB/s, parse {:.1} MB/s, ratio {:.2} ({lines} lines)",
        mb / secs,
        mb / parse,
        parse / secs
    );
}
