//! Compares chunked streaming against the one-shot and whole-parse renders of files.
//! `cargo run --release --example chunkcheck -- FILE... [--width N]`
use termark::{Options, Renderer};

fn plain(lines: &termark::Lines) -> Vec<String> {
    lines.iter().map(|l| l.plain()).collect()
}

fn main() {
    let mut width = 80;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--width" {
            width = args.next().and_then(|w| w.parse().ok()).unwrap_or(80);
        } else {
            files.push(a);
        }
    }
    let r = Renderer::new(Options::new().with_width(width)).expect("options");
    let mut bad = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let one = plain(&r.render(&text));
        let whole = plain(&r.render_whole(&text));
        if one != whole {
            bad += 1;
            report(f, "render vs render_whole", &one, &whole);
        }
        for n in [1usize, 3, 16, 64, 4096] {
            let mut s = r.stream();
            let mut seen: Vec<String> = Vec::new();
            for c in text.as_bytes().chunks(n) {
                s.push_bytes(c);
                seen.extend(s.new_committed().map(|l| l.plain()));
            }
            s.finalize();
            seen.extend(s.new_committed().map(|l| l.plain()));
            if seen != one {
                bad += 1;
                report(f, &format!("chunk {n} vs render"), &seen, &one);
            }
        }
    }
    println!("{} files, {bad} mismatches", files.len());
}

fn report(f: &str, what: &str, a: &[String], b: &[String]) {
    let i = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    println!(
        "{f}: {what}: first difference at line {i} (lens {} vs {})",
        a.len(),
        b.len()
    );
    for k in i.saturating_sub(2)..(i + 3) {
        println!("   A {:?}", a.get(k));
        println!("   B {:?}", b.get(k));
    }
}
