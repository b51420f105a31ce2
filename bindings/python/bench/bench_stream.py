"""Streams a ~100 KB LLM-style answer in 16-byte chunks three ways, in one run, and prints a
Markdown table of process CPU time (BENCHMARKS.md, "The Python binding"):

1. termark through the Python binding: push, then read every new committed line's `.ansi`
   after each chunk, finalize, release (what a Python app that prints lines does);
2. termark's Rust path doing the same work in this process (`push_bytes`, `new_committed`,
   `AnsiWriter::line_to_string` per line), the same compiled crate with the same options;
   with `--example`, also `examples/profile_render` (PROFILE_CHUNK=16) as a separate
   process, which counts lines without writing them;
3. rich: `Console(file=io.StringIO(), width=100).print(Markdown(prefix))` after every chunk,
   what rich apps do today. All 6,432 prefixes would take about half an hour of CPU, so
   rich renders a systematic sample (the middle prefix of every run of `--rich-every`,
   default 64) and the sum is scaled by that factor.

Run from the repository root after `bindings/python/test.sh` (which installs the binding
into target/python-venv):

    target/python-venv/bin/python bindings/python/bench/bench_stream.py [--example]
"""

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import time

import termark
from termark import _termark

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CORPUS = os.path.join(HERE, "llm-100KB.md")
WIDTH = 100
CHUNK = 16


def cpu(f, repeat):
    """Process CPU seconds of each of `repeat` runs of `f` (after one warm-up run)."""
    f()
    times = []
    for _ in range(repeat):
        t = time.process_time()
        f()
        times.append(time.process_time() - t)
    return times


def binding_run(renderer, chunks, read_ansi=True):
    s = renderer.stream()
    n = 0
    for c in chunks:
        s.push(c)
        for line in s.new_committed():
            if read_ansi:
                line.ansi
            n += 1
    s.finalize()
    for line in s.new_committed():
        if read_ansi:
            line.ansi
        n += 1
    s.release()
    return n


def child_cpu(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def profile_render_cpu(repeat):
    """CPU seconds per streamed render of examples/profile_render (PROFILE_CHUNK=16,
    highlighting on), the start-up and first-run syntax loading taken out by running it
    with 1 and with 1 + `repeat` iterations."""
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--example", "profile_render"],
        cwd=ROOT,
        check=True,
    )
    exe = os.path.join(ROOT, "target", "release", "examples", "profile_render")
    env = dict(os.environ, PROFILE_CHUNK=str(CHUNK), PROFILE_HIGHLIGHT="1", PROFILE_PARSES="0")
    one = child_cpu([exe, CORPUS, "1"], env)
    many = child_cpu([exe, CORPUS, str(1 + repeat)], env)
    return (many - one) / repeat


def rich_sample(text_bytes, every):
    from rich.console import Console
    from rich.markdown import Markdown

    n_prefixes = (len(text_bytes) + CHUNK - 1) // CHUNK
    picks = list(range(every // 2, n_prefixes, every))
    total = 0.0
    for k in picks:
        prefix = text_bytes[: (k + 1) * CHUNK].decode("utf-8", "ignore")
        console = Console(file=io.StringIO(), width=WIDTH, color_system="truecolor",
                          force_terminal=True)
        t = time.process_time()
        console.print(Markdown(prefix))
        total += time.process_time() - t
    return n_prefixes, len(picks), total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--rich-every", type=int, default=64)
    ap.add_argument("--example", action="store_true",
                    help="also time examples/profile_render (builds it with cargo)")
    args = ap.parse_args()

    with open(CORPUS, "rb") as f:
        data = f.read()
    chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)]
    renderer = termark.Renderer(width=WIDTH)
    lines = binding_run(renderer, chunks)
    assert lines == _termark._rust_stream(renderer, data, CHUNK)

    py = cpu(lambda: binding_run(renderer, chunks), args.repeat)
    py_lines_only = cpu(lambda: binding_run(renderer, chunks, read_ansi=False), args.repeat)
    rust = cpu(lambda: _termark._rust_stream(renderer, data, CHUNK), args.repeat)
    example = profile_render_cpu(args.repeat) if args.example else None
    n_prefixes, n_sampled, rich_cpu = rich_sample(data, args.rich_every)
    rich_total = rich_cpu * args.rich_every

    med = statistics.median
    b, bl, r = med(py), med(py_lines_only), med(rust)
    print(f"input: {os.path.relpath(CORPUS, ROOT)}, {len(data):,} bytes, {len(chunks):,} "
          f"chunks of {CHUNK} bytes, width {WIDTH}, {lines:,} lines; Python "
          f"{sys.version.split()[0]}, termark {termark.__version__}; CPU time "
          f"(time.process_time), median of {args.repeat} after a warm-up run\n")
    print("| path | CPU per message | against the Rust path | against rich |")
    print("|---|---:|---:|---:|")
    rows = [
        ("termark via Python: push + `new_committed()` + `.ansi` of each line", b),
        ("termark via Python: push + `new_committed()` (lines not read)", bl),
        ("termark Rust path, same process: `push_bytes` + `new_committed` + "
         "`line_to_string`", r),
    ]
    if example is not None:
        rows.append(("`examples/profile_render` (PROFILE_CHUNK=16, highlighting; lines "
                     "counted, not written)", example))
    for name, t in rows:
        print(f"| {name} | {t * 1e3:.1f} ms | {t / r:.2f}x | {rich_total / t:,.0f}x less |")
    print(f"| rich `Markdown(prefix)` per chunk: {n_sampled} of {n_prefixes:,} prefixes "
          f"rendered ({rich_cpu:.1f} s), times {args.rich_every} | {rich_total:,.0f} s "
          f"(estimate) | {rich_total / r:,.0f}x | 1x |")


if __name__ == "__main__":
    main()
