//! Memory behaviour measured with a counting global allocator: no prefix cache survives
//! `finalize()`, `release()` gives the heap back, the pool stays bounded, and a long-lived
//! renderer does not grow across many messages.
//!
//! Run in release mode (the 1,000-message test streams 8 MB in 16-byte chunks):
//! `cargo test --release --test memory`. The allocator counts the whole process, so every
//! test takes [`LOCK`] and the tests run one at a time.

#![allow(clippy::cast_precision_loss, missing_docs)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::sync::{Mutex, MutexGuard};
use termark::{Options, Renderer, Stream};
use termark_alloc_counter::{snapshot, Counting};

#[global_allocator]
static ALLOC: Counting = Counting;

static LOCK: Mutex<()> = Mutex::new(());

/// Most heap a renderer's pool holds: its line buffers plus its sets of working buffers.
const POOL_BOUND: usize =
    termark::MAX_POOLED_BYTES + termark::MAX_POOLED_WORK * termark::limits::KEEP_BUFFER_BYTES;

fn serial() -> MutexGuard<'static, ()> {
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Streams `text` in `chunk`-byte pieces, draining committed lines after every push.
fn stream_in(s: &mut Stream, text: &str, chunk: usize) -> usize {
    let mut n = 0;
    for c in text.as_bytes().chunks(chunk) {
        s.push_bytes(c);
        n += s.new_committed().count();
    }
    n
}

/// A renderer whose lazily loaded syntaxes and themes are in memory already (they stay for
/// the life of the process, so they belong to the baseline).
fn warm_renderer() -> Renderer {
    let r = Renderer::new(Options::new()).expect("options");
    let warm = common::llm_answer(16 * 1024);
    assert!(!r.render(&warm).is_empty());
    r
}

#[test]
fn finalize_drops_caches_and_release_returns_the_heap() {
    let _g = serial();
    let r = warm_renderer();
    let text = common::llm_answer_seeded(32 * 1024, 11);
    // One full message first, so the pool already holds the buffer a message takes.
    let mut s = r.stream();
    stream_in(&mut s, &text, 16);
    s.finalize();
    s.release();
    drop(s);

    let base = snapshot().live;
    let base_pool = r.pooled_bytes();
    let mut s = r.stream();
    assert!(!s.has_live_state(), "a new stream holds no prefix cache");
    let lines = stream_in(&mut s, &text, 16);
    assert!(
        s.has_live_state(),
        "an unfinished message holds its open block"
    );
    s.finalize();
    let total = lines + s.new_committed().count();
    assert!(total > 100, "the message rendered ({total} lines)");
    assert!(
        !s.has_live_state(),
        "after finalize() no prefix cache is left"
    );

    // After finalize only the committed lines remain, which the stream accounts for.
    let live = snapshot().live;
    let held = s.heap_bytes();
    let pool_now = r.pooled_bytes();
    let unexplained = (live + base_pool).saturating_sub(base + held + pool_now);
    assert!(unexplained <= 1024, "after finalize: live {live} B, baseline {base} B, stream holds {held} B, pool {base_pool} → {pool_now} B: {unexplained} B unaccounted for");

    s.release();
    assert!(!s.has_live_state());
    assert_eq!(s.heap_bytes(), 0, "a released stream holds nothing");
    let live = snapshot().live;
    let pool_now = r.pooled_bytes();
    // The released buffers are pooled (bounded); nothing else may stay.
    let grown = (live + base_pool).saturating_sub(base + pool_now);
    assert!(grown <= 1024, "after release: live {live} B vs baseline {base} B (pool {base_pool} → {pool_now} B): {grown} B more");
    drop(s);
}

/// A code line far wider than the row keeps its cut plan (offsets and columns, 16 bytes per
/// possible break) in the stream's working buffers: the stream and the pool account for
/// every byte of it, after `finalize()` and after `release()`.
#[test]
fn a_long_code_lines_cut_plan_is_accounted_for() {
    let _g = serial();
    let r = warm_renderer();
    let text = format!("```\n{}\n```\n\nafter\n", "ab, ".repeat(3000));
    let once = |r: &Renderer| {
        let mut s = r.stream();
        stream_in(&mut s, &text, 16);
        s.finalize();
        s
    };
    // A warm-up message with a short code line: the pool holds a working set after it,
    // but no cut plan yet.
    let mut warm = r.stream();
    stream_in(&mut warm, "```\nab, ab\n```\n\nafter\n", 16);
    warm.finalize();
    warm.release();
    let base = snapshot().live;
    let base_pool = r.pooled_bytes();
    let mut s = once(&r);
    assert!(s.committed().len() > 100, "the line wrapped into many rows");
    let (live, held, pool_now) = (snapshot().live, s.heap_bytes(), r.pooled_bytes());
    let unexplained = (live + base_pool).saturating_sub(base + held + pool_now);
    assert!(
        unexplained <= 1024,
        "after finalize: {unexplained} B unaccounted for"
    );
    s.release();
    let grown = (snapshot().live + base_pool).saturating_sub(base + r.pooled_bytes());
    assert!(grown <= 1024, "after release: {grown} B more");
}

/// Bytes of a partial line wait undecoded until a line ending or a tail read; the buffer
/// that holds them is counted by `heap_bytes()`, goes to the pool at `finalize()` and is
/// given back with everything else.
#[test]
fn a_partial_lines_waiting_bytes_are_accounted_for() {
    let _g = serial();
    let r = warm_renderer();
    let partial = "\u{6f22}\u{5b57}\u{304b}\u{306a}".repeat(250); // 3,000 bytes, no LF
                                                                  // A warm-up message that reads a tail too: the pool holds a working set after it.
    let mut warm = r.stream();
    stream_in(&mut warm, "warm\n\n\u{6f22}", 16);
    let _ = warm.tentative().count();
    warm.finalize();
    warm.release();
    let base = snapshot().live;
    let base_pool = r.pooled_bytes();
    let mut s = r.stream();
    stream_in(&mut s, "A paragraph first.\n\n", 16);
    stream_in(&mut s, &partial, 16);
    let check = |s: &Stream, when: &str| {
        let (live, held, pool_now) = (snapshot().live, s.heap_bytes(), r.pooled_bytes());
        let unexplained = (live + base_pool).saturating_sub(base + held + pool_now);
        assert!(
            unexplained <= 1024,
            "{when}: {unexplained} B unaccounted for"
        );
    };
    check(&s, "with the partial line waiting");
    assert!(s.has_live_state());
    let tail: String = s.tentative().map(|l| l.plain()).collect();
    assert_eq!(tail, partial, "the tail shows the waiting bytes, decoded");
    drop(tail);
    check(&s, "after the tail read");
    s.finalize();
    assert!(!s.has_live_state());
    check(&s, "after finalize");
    s.release();
    let grown = (snapshot().live + base_pool).saturating_sub(base + r.pooled_bytes());
    assert!(grown <= 1024, "after release: {grown} B more");
}

#[test]
fn heap_stays_flat_across_a_thousand_messages() {
    const WARM_UP: u64 = 20;
    const MESSAGES: u64 = 1000;
    let _g = serial();
    let r = warm_renderer();
    let texts: Vec<String> = (0..16)
        .map(|i| common::llm_answer_seeded(8 * 1024, 100 + i))
        .collect();
    let mut s = r.stream();
    let message = |i: u64, s: &mut Stream| {
        // Sixteen different answers in turn, each ~8 KiB.
        let text = &texts[(i % texts.len() as u64) as usize];
        stream_in(s, text, 16);
        s.finalize();
        s.new_committed().count();
        assert!(
            !s.has_live_state(),
            "message {i}: prefix cache left after finalize()"
        );
        s.release();
        assert!(
            r.pooled_buffers() <= termark::MAX_POOLED_BUFFERS,
            "pool holds {} buffers",
            r.pooled_buffers()
        );
    };
    for i in 0..WARM_UP {
        message(i, &mut s);
    }
    let before = snapshot().live;
    for i in WARM_UP..WARM_UP + MESSAGES {
        message(i, &mut s);
    }
    let after = snapshot().live;
    let per_message = after.saturating_sub(before) as f64 / MESSAGES as f64;
    eprintln!("live heap {before} B → {after} B over {MESSAGES} messages: {per_message:.1} B/message; pool {} buffers, {} B", r.pooled_buffers(), r.pooled_bytes());
    assert!(
        per_message < 1024.0,
        "heap grew {per_message:.1} B per message ({before} → {after} B)"
    );
}

#[test]
fn pool_stays_bounded_with_many_streams_at_once() {
    let _g = serial();
    let r = warm_renderer();
    let text = common::llm_answer_seeded(4 * 1024, 7);
    // More live streams than the pool keeps, all released at once.
    let mut streams: Vec<Stream> = (0..3 * termark::MAX_POOLED_BUFFERS)
        .map(|_| r.stream())
        .collect();
    for s in &mut streams {
        stream_in(s, &text, 64);
        s.finalize();
    }
    for s in &mut streams {
        s.release();
        assert!(r.pooled_buffers() <= termark::MAX_POOLED_BUFFERS);
    }
    assert!(r.pooled_buffers() <= termark::MAX_POOLED_BUFFERS);
    assert!(r.pooled_bytes() <= POOL_BOUND);
    // The lines of a message bigger than a pooled buffer may be are freed, not pooled.
    let big = common::llm_answer_seeded(1400 * 1024, 8);
    let before = r.pooled_bytes();
    let mut s = r.stream();
    stream_in(&mut s, &big, 4096);
    s.finalize();
    let held = s.committed().heap_bytes();
    s.release();
    assert!(
        held > termark::MAX_POOLED_BUFFER_BYTES,
        "a 1.4 MB message holds more than a pooled buffer ({held} B)"
    );
    assert!(r.pooled_bytes() <= before.max(POOL_BOUND));
    // Buffers the pool may keep one by one, but not all: it keeps at most its total.
    let mid = common::llm_answer_seeded(700 * 1024, 9);
    let mut streams: Vec<Stream> = (0..4).map(|_| r.stream()).collect();
    for s in &mut streams {
        stream_in(s, &mid, 4096);
        s.finalize();
    }
    for s in &mut streams {
        s.release();
        assert!(r.pooled_bytes() <= POOL_BOUND);
    }
}
