#!/usr/bin/env python3
"""Groups a callgrind profile of `profile_render` by part of the pipeline (BENCHMARKS.md).

    PROFILE_PARSES=0 valgrind --tool=callgrind --callgrind-out-file=cg.out \\
        target/release/examples/profile_render prose 10
    python3 benches/profile_groups.py cg.out 10

prints the self instructions per render (the second argument is the number of renders),
grouped by the source file each instruction comes from. Instructions of the standard
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


def main():
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
