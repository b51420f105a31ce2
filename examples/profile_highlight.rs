//! The `highlight` bench's two sides as one process each, for instruction counts that a
//! shared machine does not disturb (BENCHMARKS.md, "highlight"):
//!
//! `valgrind --tool=callgrind target/release/examples/profile_highlight <termark|syntect|setup> N`
//!
//! `termark` renders the code-64KB input N times with highlighting on; `syntect` runs
//! syntect's `HighlightLines` over the same code blocks N times; `setup` does neither, so
//! that its count can be taken from the other two. Both sides load their syntaxes first.
#![allow(missing_docs)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;
use termark::{Options, Renderer};

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "termark".into());
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let blocks = common::code_blocks(64 * 1024);
    let text = common::code_only(64 * 1024);
    let on = Renderer::new(Options::new()).expect("options");
    let ss = two_face::syntax::extra_newlines();
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let theme = &themes.themes["base16-ocean.dark"];
    let syntaxes: Vec<_> = blocks
        .iter()
        .map(|(lang, _)| ss.find_syntax_by_token(lang).expect("syntax"))
        .collect();
    // Warm both: syntaxes are compiled lazily on first use.
    black_box(on.render(&text));
    let syntect_once = || common::syntect_highlight(&blocks, &syntaxes, &ss, theme);
    black_box(syntect_once());
    for _ in 0..n {
        match what.as_str() {
            "termark" => drop(black_box(on.render(black_box(&text)))),
            "syntect" => drop(black_box(syntect_once())),
            _ => {}
        }
    }
}
