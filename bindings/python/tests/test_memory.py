"""1,000 messages through one renderer hold flat memory: the process's RSS, Python's own
allocations (tracemalloc), the renderer's pool and each stream's heap stay bounded."""

import gc
import os
import random
import sys
import tracemalloc

import pytest

import termark


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def message(rng, corpus):
    start = rng.randrange(0, len(corpus) - 6000)
    return corpus[start : start + rng.randint(500, 6000)]


def one_message(renderer, text, rng):
    s = renderer.stream()
    data = text.encode("utf-8")
    i = 0
    printed = 0
    while i < len(data):
        n = rng.randint(1, 48)
        s.push(data[i : i + n])
        i += n
        for line in s.new_committed():
            printed += len(line.ansi)
        if rng.random() < 0.2:
            s.tentative()
    s.finalize()
    assert not s.has_live_state
    for line in s.new_committed():
        printed += len(line.ansi)
    s.release()
    assert s.heap_bytes == 0
    return printed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_a_thousand_messages_hold_flat_memory(corpus):
    renderer = termark.Renderer(width=100)
    rng = random.Random(42)
    texts = [message(rng, corpus) for _ in range(64)]
    # Warm up: syntax definitions load, the pool fills, allocator arenas settle.
    for i in range(100):
        one_message(renderer, texts[i % len(texts)], rng)
    gc.collect()
    tracemalloc.start()
    py_before = tracemalloc.get_traced_memory()[0]
    rss_before = rss_bytes()
    pool_after_warmup = renderer.pooled_bytes
    printed = 0
    for i in range(1000):
        printed += one_message(renderer, texts[i % len(texts)], rng)
    gc.collect()
    py_after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    rss_after = rss_bytes()
    growth = rss_after - rss_before
    print(
        f"\n1,000 messages, {printed / 1e6:.1f} MB of ANSI read: RSS {rss_before / 2**20:.1f} "
        f"-> {rss_after / 2**20:.1f} MiB ({growth / 2**10:+.0f} KiB), Python heap "
        f"{(py_after - py_before) / 2**10:+.1f} KiB, pool {pool_after_warmup} -> "
        f"{renderer.pooled_bytes} bytes"
    )
    assert printed > 1_000_000
    assert growth < 4 * 2**20, f"RSS grew by {growth} bytes over 1,000 messages"
    assert py_after - py_before < 64 * 2**10
    # The renderer's pool is bounded (termark's MAX_POOLED_BYTES is far below this).
    assert renderer.pooled_bytes < 16 * 2**20

