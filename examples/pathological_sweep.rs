//! Times `Renderer::render` and a bare pulldown-cmark parse of each pathological generator
//! (`tests/support/pathological_gens.rs`) from N/8 to 4N, doubling, and prints the ratio of
//! each size to the one before (minimum of 5 timings each): `render / parse` per doubling.
//! Linear work gives 2.0 in both columns.
//!
//! `cargo run --release --example pathological_sweep [GENERATOR...]`
#![allow(missing_docs)]

#[path = "../tests/support/pathological_gens.rs"]
mod gens;

use std::fmt::Write as _;

fn min_time(f: &mut dyn FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = std::time::Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    best
}

fn main() {
    let r = termark::Renderer::new(termark::Options::new()).expect("options");
    let only: Vec<String> = std::env::args().skip(1).collect();
    for g in gens::GENS {
        if !only.is_empty() && !only.iter().any(|o| o == g.name) {
            continue;
        }
        let mut prev: Option<(f64, f64)> = None;
        let mut line = format!("{:24}", g.name);
        for k in [1usize, 2, 4, 8, 16, 32] {
            let text = (g.make)(g.full_n * k / 8);
            let render = min_time(&mut || {
                std::hint::black_box(r.render(&text));
            });
            let parse = min_time(&mut || {
                pulldown_cmark::Parser::new_ext(&text, termark::internals::parse_options())
                    .for_each(drop);
            });
            if let Some((a, b)) = prev {
                let _ = write!(line, "  {:.2}/{:.2}", render / a, parse / b);
            }
            prev = Some((render, parse));
        }
        println!("{line}");
    }
}
