#!/usr/bin/env python3
"""Attributes the bytes allocated in a DHAT profile to the crate that asked for them.

    valgrind --tool=dhat --num-callers=40 --dhat-out-file=A.json \\
        target/release/examples/alloc_driver INPUT 1 [off]
    valgrind --tool=dhat --num-callers=40 --dhat-out-file=B.json \\
        target/release/examples/alloc_driver INPUT 6 [off]
    python3 benches/dhat_by_crate.py A.json B.json INPUT_BYTES 5

prints, per crate, the bytes and blocks allocated per input byte by the messages that B has
and A has not (5 warm messages), so the one-time costs of the first message (loading the
syntax set and themes, growing the pool) are left out. An allocation belongs to the first
frame of its stack, from the allocator up, that is in a known crate; frames of the standard
library and of generic containers (`alloc::`, `core::`, `std::`, `hashbrown::`,
`smallvec::`, `bumpalo::`) are passed over, so a `Vec` that termark grows counts for
termark. Oniguruma's C code (syntect's regex engine) allocates with `malloc` directly: DHAT
sees it, a Rust counting allocator does not.
"""
import json
import re
import sys
from collections import Counter

CRATES = [
    ("termark", re.compile(r"\btermark(_alloc_counter)?::")),
    ("pulldown-cmark", re.compile(r"\bpulldown_cmark::")),
    ("syntect", re.compile(r"\bsyntect::")),
    ("oniguruma (C)", re.compile(r"\bonig(_sys)?::|\b(onig_|onigenc_|regexec|regcomp|regparse|regenc)|/oniguruma/|onig_sys-")),
    ("two-face", re.compile(r"\btwo_face::")),
    ("driver", re.compile(r"\balloc_driver::")),
]
PASS = re.compile(r"\b(alloc|core|std|hashbrown|smallvec|bumpalo|__rustc|rustc_hash)::|\b(malloc|calloc|realloc|free)\b|vgpreload|__rust_")


def attribute(path):
    d = json.load(open(path))
    ftbl = d["ftbl"]
    by_crate = Counter()
    blocks = Counter()
    for pp in d["pps"]:
        owner = "other"
        for f in pp["fs"]:
            frame = ftbl[f]
            found = next((name for name, rx in CRATES if rx.search(frame)), None)
            if found:
                owner = found
                break
            if PASS.search(frame) or frame == "[root]":
                continue
        by_crate[owner] += pp["tb"]
        blocks[owner] += pp["tbk"]
    return by_crate, blocks


def main():
    a, b, n_bytes, messages = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ab, ak = attribute(a)
    bb, bk = attribute(b)
    per = float(n_bytes) * messages
    crates = sorted(set(ab) | set(bb), key=lambda c: -(bb[c] - ab[c]))
    total = 0
    for c in crates:
        bytes_ = bb[c] - ab[c]
        total += bytes_
        print(f"{c}\t{bytes_ / per:.2f} B/B\t{(bk[c] - ak[c]) / per:.4f} blocks/B")
    print(f"total\t{total / per:.2f} B/B")


if __name__ == "__main__":
    main()
