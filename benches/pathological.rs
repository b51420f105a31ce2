//! Pathological inputs (the generators of `tests/pathological.rs`: cmark's pathological
//! suite, cmark-gfm advisories, long code blocks and lists) at N, 2N and 4N (4N about 1 MB),
//! rendered in one shot and streamed in 16-byte chunks. FUZZING.md ("Pathological inputs")
//! records t(2N)/t(N) and t(4N)/t(2N) per generator; linear work gives about 2.
//!
//! `cargo bench --bench pathological` (all), or `cargo bench --bench pathological -- NAME`.
#![allow(clippy::format_push_string, clippy::doc_markdown, missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use std::time::Duration;
use termark::{Options, Renderer};

const WIDTH: usize = 80;

#[path = "../tests/support/pathological_gens.rs"]
mod gens;
use gens::GENS;

fn bench(c: &mut Criterion) {
    let r = Renderer::new(Options::new().with_width(WIDTH).with_hyperlinks(true)).expect("options");
    for g in GENS {
        let mut group = c.benchmark_group(g.name);
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        // The known quadratic generators at 1/16 of the size: at 1 MB one render takes minutes.
        let base = if g.superlinear {
            g.full_n / 16
        } else {
            g.full_n
        };
        for m in [1, 2, 4] {
            let n = base * m;
            let input = (g.make)(n);
            group.throughput(Throughput::Bytes(input.len() as u64));
            group.bench_with_input(
                BenchmarkId::new("render", format!("{m}N")),
                &input,
                |b, input| {
                    b.iter(|| r.render(input).len());
                },
            );
            group.bench_with_input(
                BenchmarkId::new("stream16", format!("{m}N")),
                &input,
                |b, input| {
                    b.iter(|| {
                        let mut s = r.stream();
                        for chunk in input.as_bytes().chunks(16) {
                            s.push_bytes(chunk);
                        }
                        s.finalize();
                        s.committed().len()
                    });
                },
            );
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
