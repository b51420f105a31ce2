#!/usr/bin/env python3
"""Groups a callgrind profile of `profile_render` by part of the pipeline (BENCHMARKS.md).

    PROFILE_PARSES=0 valgrind --tool=callgrind --callgrind-out-file=cg.out \\
        target/release/examples/profile_render prose 10
    python3 benches/profile_groups.py cg.out 10

prints the self instructions per render (the second argument is the number of renders),
grouped by the source file each instruction comes from. With a `perf` profile instead,

    PROFILE_PARSES=0 perf record -e cpu-clock -F 5000 -g -o perf.data \\
        target/release/examples/profile_render prose 1500
    python3 benches/profile_groups.py --perf perf.data

it prints each part's share of the self time (samples), grouped by symbol name (perf gives
no source file for inlined code, which counts for the function it is inlined into), with
the two largest symbols of each part; the input generator is left out. Instructions of the standard
library or of a container crate (smallvec, hashbrown, rustc-hash, bumpalo) inlined into a
function count for that function's part; the input generator (`common::`) is left out.
"""
import collections
import re
import subprocess
import sys

# (part, test on the source file) in order: the first that matches names the part.
PARTS = [
    ("pulldown-cmark", lambda f: "pulldown-cmark" in f),
    (
        "wrapping, width, grapheme clusters",
        lambda f: re.search(r"src/(wrap|width)\.rs$", f)
        or any(c in f for c in ("unicode-segmentation", "unicode-width", "unicode-linebreak")),
    ),
    ("tables", lambda f: f.endswith("src/layout/table.rs")),
    ("code blocks", lambda f: f.endswith("src/layout/code.rs") or f.endswith("src/highlight.rs")),
    (
        "layout dispatch, inline styles, container prefixes",
        lambda f: re.search(r"src/layout/(mod|inline|container|html)\.rs$", f)
        or f.endswith("src/style.rs"),
    ),
    ("line storage", lambda f: f.endswith("src/line.rs")),
    (
        "feed loop, commit units, stream",
        lambda f: re.search(r"src/(parse|boundary|scan|eol|utf8|renderer|linkdefs)\.rs$", f)
        or "/src/stream/" in f,
    ),
    ("memmove", lambda f: "memmove" in f or "memcpy" in f),
    ("memchr", lambda f: "memchr" in f),
    ("allocator", lambda f: "malloc" in f),
    ("sanitizing", lambda f: f.endswith("src/sanitize.rs")),
]

# termark modules, for instructions inlined from the standard library into their functions.
MODULE_FILES = [
    (r"termark::wrap\b", "src/wrap.rs"),
    (r"termark::width\b", "src/width.rs"),
    (r"termark::line\b", "src/line.rs"),
    (r"termark::style\b", "src/style.rs"),
    (r"termark::sanitize\b", "src/sanitize.rs"),
    (r"termark::layout::table\b", "src/layout/table.rs"),
    (r"termark::layout::code\b", "src/layout/code.rs"),
    (r"termark::layout\b", "src/layout/mod.rs"),
    (r"termark::(parse|boundary|stream|scan|eol|utf8|renderer)\b", "src/parse.rs"),
]

INLINED = ("/rustc/", "/rust/deps/", "smallvec", "hashbrown", "rustc-hash", "bumpalo")


def part_of(path):
    for name, test in PARTS:
        if test(path):
            return name
    return "other (libc, start-up)"


# (part, pattern on the symbol) for `--perf`, in order: the first that matches names the part.
PERF_PARTS = [
    ("pulldown-cmark", r"pulldown_cmark"),
    ("wrapping, width, grapheme clusters", r"termark::(wrap|width)\b|unicode_(segmentation|width|linebreak)"),
    ("one-pass leaf layout (layout::flow)", r"termark::layout::flow\b"),
    ("tables", r"termark::layout::table\b"),
    ("code blocks", r"termark::layout::code\b|termark::highlight\b"),
    ("layout dispatch, inline styles, container prefixes", r"termark::layout\b|termark::style\b"),
    ("line storage", r"termark::line\b"),
    ("feed loop, commit units, stream", r"termark::(parse|boundary|scan|eol|utf8|renderer|linkdefs|stream)\b"),
    ("memmove", r"memmove|memcpy"),
    ("memchr", r"memchr"),
    ("allocator", r"malloc|free|realloc|_int_"),
    ("sanitizing", r"termark::sanitize\b"),
    ("input generator", r"common::|profile_render::"),
]


def perf_main(data):
    out = subprocess.run(
        ["perf", "report", "-i", data, "--no-children", "--sort", "symbol", "--stdio", "-g", "none"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    parts = collections.Counter()
    tops = collections.defaultdict(list)
    for line in out.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+\[\.\]\s+(.*)", line)
        if not m:
            continue
        share, symbol = float(m.group(1)), m.group(2)
        name = next((n for n, p in PERF_PARTS if re.search(p, symbol)), "other")
        parts[name] += share
        tops[name].append((share, symbol[:70]))
    del parts["input generator"]
    total = sum(parts.values())
    for name, share in parts.most_common():
        top = "; ".join(f"{s} {p:.1f}" for p, s in sorted(tops[name], reverse=True)[:2])
        print(f"{name:55} {100 * share / total:5.1f}%   {top}")


def main():
    if sys.argv[1] == "--perf":
        perf_main(sys.argv[2])
        return
    profile, renders = sys.argv[1], int(sys.argv[2])
    out = subprocess.run(
        ["callgrind_annotate", "--inclusive=no", profile],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    parts = collections.Counter()
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\([^)]*\)\s+(\S+?):(\S+)", line)
        if not m or line.lstrip().startswith("=>"):
            continue
        path, function = m.group(2), m.group(3)
        if "common::" in function or "profile_render::main" in function:
            continue
        if any(p in path for p in INLINED):
            # The part of the function the code is inlined into.
            if "pulldown_cmark" in function.split(" ")[0][:48]:
                path = "pulldown-cmark"
            else:
                for pattern, file in MODULE_FILES:
                    if re.search(pattern, function):
                        path = file
                        break
        parts[part_of(path)] += int(m.group(1).replace(",", ""))
    total = sum(parts.values())
    for name, n in parts.most_common():
        print(f"{name:55} {n / renders:>12,.0f} {100 * n / total:5.1f}%")
    print(f"{'total':55} {total / renders:>12,.0f}")


if __name__ == "__main__":
    main()
