#!/usr/bin/env python3
"""Builds fuzz/corpus/{render,chunked,wrap} from seeds/markdown/*.md. Run from fuzz/seeds.

Input layouts (arbitrary 1.x derive: integers little-endian, bool = low bit of a byte, the
last `&[u8]` field takes the rest of the input as it is):
  render:  width u16, tab u8, depth u8, hyperlinks, highlight, wrap_code, drop_controls,
           whole (bool)                                   -> 9 header bytes, then Markdown
  chunked: the same 8 option bytes, 8 chunk-length bytes, tentative (bool)
                                                          -> 17 header bytes, then Markdown
  wrap:    avail u8, tab u8, then pieces, each: 0x01, a u32 LE variant tag (0 Text,
           0x60000000 Alpha, 0xC0000000 HardBreak), Alpha: style u8, then symbols as
           (0x01, byte)* 0x00.
"""
import glob, os, struct, zlib

def opts(i):
    widths = [80, 40, 8, 20, 3, 120, 13, 400]
    return struct.pack("<HBB", widths[i % len(widths)], [4, 1, 8, 16, 0, 17][i % 6], i % 5) + bytes([
        (i >> 0) & 1, 1 - ((i >> 1) & 1), 1 - ((i >> 2) & 1) if i % 7 else 0, (i >> 3) & 1])

def write(target, name, data):
    d = os.path.join("..", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

files = sorted(glob.glob("markdown/*.md"))
for i, path in enumerate(files):
    md = open(path, "rb").read()
    name = os.path.basename(path)[:-3]
    h = zlib.crc32(name.encode())
    if name.startswith("regress_"):
        # Width 80 (or the repro's width), defaults, render_whole on; 1-byte chunks.
        head = struct.pack("<HBB", {"regress_1_vs16": 8, "regress_7_space_mark": 11, "regress_9_code_vs16": 12, "regress_11_drop_joins_vs16": 11}.get(name, 80), 4, 0) + bytes([0, 1, 1, 1 if "drop" in name else 0])
        write("render", name, head + b"\x01" + md)
        # Tentative lines after every push only where the repro needs them.
        write("chunked", name, head + bytes([1] * 8) + (b"\x01" if "tail" in name else b"\x00") + md)
        continue
    write("render", name, opts(h) + bytes([h >> 8 & 1]) + md)
    chunks = [bytes([1, 3, 16, 0x85, 7, 2, 64, 1]), bytes([0x90] * 8), bytes([1] * 8)][h % 3]
    write("chunked", name, opts(h >> 4) + chunks + bytes([1]) + md)

ALPHA_LEN = 24
def alpha(style, syms):
    out = b"\x01" + struct.pack("<I", 0x60000000) + bytes([style])
    for s in syms:
        out += b"\x01" + bytes([s])
    return out + b"\x00"
BREAK = b"\x01" + struct.pack("<I", 0xC0000000)
# symbol indices into ALPHABET in fuzz_targets/wrap.rs: 0 a, 1 b, 2 c, 3 space, 5 tab,
# 6 中, 10 👍, 11 family, 12 e+acute, 13 lone acute, 15 zwsp, 17/18 regional indicators,
# 19 nbsp, 20 U+0600 (prepend), 21 hangul LVT, 22 lam-alef
seeds = {
    "words": bytes([10, 4]) + alpha(0, [0, 0, 0, 3, 1, 1, 3, 2, 2, 2, 2, 3, 0]),
    "long_word": bytes([5, 4]) + alpha(1, [0] * 23),
    "cjk": bytes([6, 4]) + alpha(2, [6, 7, 6, 7, 6, 0, 0, 6, 3, 7]),
    "emoji": bytes([4, 4]) + alpha(3, [11, 11, 10, 3, 11, 17, 18, 17]),
    "combining": bytes([2, 4]) + alpha(0, [12, 12, 12, 13, 13, 0, 13]),
    "pieces": bytes([6, 4]) + alpha(0, [0, 0, 3, 1]) + alpha(5, [1, 1]) + alpha(9, [1, 3, 2]),
    "breaks": bytes([8, 2]) + alpha(0, [0, 3]) + BREAK + BREAK + alpha(1, [3, 3, 1, 5, 2]),
    "tabs": bytes([12, 7]) + alpha(0, [0, 5, 1, 5, 5, 2, 3, 5, 0]),
    "prepend": bytes([0, 4]) + alpha(0, [20, 6, 20, 21, 22, 22, 19, 15, 15]),
}
# The wrap input that found finding 1 (a VS16 piece after "1"), as the fuzzer wrote it.
seeds["regress_1_vs16"] = open("wrap_regress_1_vs16.bin", "rb").read()
# The wrap input that found finding 7 (a space + U+0301 cluster), as the fuzzer wrote it.
seeds["regress_7_space_mark"] = open("wrap_regress_7_space_mark.bin", "rb").read()
for name, data in seeds.items():
    write("wrap", name, data)
print(len(files), "markdown seeds;", len(seeds), "wrap seeds")
