//! Renders a file many times without highlighting, for profiling.
#![allow(clippy::cast_precision_loss)] // MB/s for display
//! `cargo run --release --example profile_render -- FILE [ITERATIONS]`
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("FILE");
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let text = std::fs::read_to_string(path).expect("readable file");
    let r = termark::Renderer::new(termark::Options::new().width(80).highlight(false))
        .expect("options");
    let start = std::time::Instant::now();
    let mut lines = 0;
    for _ in 0..n {
        lines += r.render(&text).len();
    }
    let secs = start.elapsed().as_secs_f64();
    let start = std::time::Instant::now();
    for _ in 0..n {
        pulldown_cmark::Parser::new_ext(&text, termark::parse::options()).for_each(drop);
    }
    let parse = start.elapsed().as_secs_f64();
    let mb = (text.len() * n) as f64 / 1e6;
    println!(
        "render {:.1} MB/s, parse {:.1} MB/s, ratio {:.2} ({lines} lines)",
        mb / secs,
        mb / parse,
        parse / secs
    );
}
