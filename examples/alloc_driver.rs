//! A message streamed through a warm renderer, for valgrind's DHAT to attribute every
//! allocation to the crate that made it (`benches/dhat_by_crate.py` reads the profile).
//!
//! `valgrind --tool=dhat --dhat-out-file=OUT target/release/examples/alloc_driver INPUT N [off]`
//!
//! INPUT is one of the benchmark generators (`llm-64KB`, `llm-1MB`, `prose-64KB`,
//! `code-64KB`, `list_items-2000`, `table_rows-200`, `single_paragraph-50000`); N messages
//! are streamed after one warm-up message, each in 16-byte chunks with the committed lines
//! drained after every push, then finalized, drained and released (as the `stream` benches
//! do); `off` turns highlighting off. Run it with N = 1 and N = 6: the difference over 5 is
//! one warm message, without the warm-up's one-time costs (syntax set, themes, pool).
#![allow(missing_docs)]

#[path = "../benches/common/mod.rs"]
mod common;

fn input(name: &str) -> String {
    match name {
        "llm-2KB" => common::llm_answer(2 * 1024),
        "llm-64KB" => common::llm_answer(64 * 1024),
        "llm-1MB" => common::llm_answer(1024 * 1024),
        "prose-64KB" => common::prose(64 * 1024),
        "code-64KB" => common::code_only(64 * 1024),
        "code_block_lines-5000" => common::code_block_lines(5000),
        "list_items-2000" => common::list_items(2000),
        "table_rows-200" => common::table_rows(200),
        "single_paragraph-50000" => common::single_paragraph(50_000),
        other => std::fs::read_to_string(other).expect("a generator name or a file"),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let text = input(&args.next().expect("INPUT"));
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let highlight = args.next().as_deref() != Some("off");
    let r =
        termark::Renderer::new(termark::Options::new().with_highlight(highlight)).expect("options");
    let mut s = r.stream();
    for _ in 0..=n {
        for c in text.as_bytes().chunks(16) {
            s.push_bytes(c);
            s.new_committed().for_each(drop);
        }
        s.finalize();
        s.new_committed().for_each(drop);
        s.release();
    }
}
