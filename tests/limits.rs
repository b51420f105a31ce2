//! Resources under faults: a message that never finishes keeps memory bounded, and the
//! caps cut at the same place whatever the chunking.

use termark::limits::{MAX_LINE_BYTES, MAX_OPEN_BYTES};
use termark::{Options, Renderer};

fn plain(lines: &termark::Lines) -> Vec<String> {
    lines.iter().map(|l| l.plain()).collect()
}

/// Streams `text` in `chunk`-byte pieces like the binary does (printing and forgetting
/// committed lines), returning the output and the largest heap the stream held.
fn stream(r: &Renderer, text: &[u8], chunk: usize) -> (Vec<String>, usize) {
    let mut s = r.stream();
    let mut out = Vec::new();
    let mut peak = 0;
    for c in text.chunks(chunk) {
        s.push_bytes(c);
        out.extend(s.new_committed().map(|l| l.plain()));
        s.clear_committed();
        peak = peak.max(s.heap_bytes());
    }
    s.finalize();
    out.extend(s.new_committed().map(|l| l.plain()));
    (out, peak)
}

#[test]
fn a_line_without_end_stays_bounded_and_cuts_the_same_everywhere() {
    // 2.5 line caps of one paragraph line, then more text: no newline at all.
    let text = "lorem ipsum dolor ".repeat(MAX_LINE_BYTES * 5 / 2 / 18);
    let r = Renderer::new(Options::new().with_width(100)).unwrap();
    let one = plain(&r.render(&text));
    let (a, peak) = stream(&r, text.as_bytes(), 4096);
    assert_eq!(a, one);
    let (b, _) = stream(&r, text.as_bytes(), 65_537);
    assert_eq!(b, one);
    // The open paragraph (2.5 MiB here) is held until it ends; never more than the caps allow.
    assert!(peak < 3 * MAX_OPEN_BYTES, "peak heap {peak}");
}

#[test]
fn an_endless_block_is_committed_in_parts() {
    // One paragraph (no blank line) longer than the open-region cap.
    let line = "word ".repeat(15) + "\n";
    let text = line.repeat(MAX_OPEN_BYTES / line.len() + 4000);
    let r = Renderer::new(Options::new().with_width(80)).unwrap();
    let one = plain(&r.render(&text));
    let (a, peak) = stream(&r, text.as_bytes(), 4096);
    assert_eq!(a, one);
    // Between pushes the stream holds the open region and small buffers, not the peak.
    assert!(peak < 3 * MAX_OPEN_BYTES, "peak heap {peak}");
    let mut s = r.stream();
    s.push(&text);
    assert!(s.stats().forced_cuts >= 1);
    // Committed before the end of the message: the cap really cut.
    assert!(s.new_committed().count() > 1000);
}

/// The fault: a message that never finishes, one paragraph with no newline at all,
/// pushed in 4 KB chunks the way the binary prints (drain, then forget). 100 MB in release
/// builds (`cargo test --release --test limits`), 8 MB in debug builds (two of each cap).
/// The stream's heap stays under the documented caps the whole time, every input byte is
/// shown, and the caps cut the line every `MAX_LINE_BYTES`.
#[test]
fn a_100_mb_paragraph_without_newline_keeps_memory_bounded() {
    let total: usize = if cfg!(debug_assertions) {
        8 << 20
    } else {
        100 << 20
    };
    let r = Renderer::new(Options::new().with_width(100).with_highlight(false)).unwrap();
    let mut s = r.stream();
    let pattern = b"stream words that never end ";
    let mut chunk = Vec::with_capacity(4096);
    let (mut sent, mut shown, mut peak) = (0usize, 0usize, 0usize);
    let count = |l: termark::Line<'_>| l.plain().bytes().filter(|&b| b != b' ').count();
    while sent < total {
        chunk.clear();
        while chunk.len() < 4096 && sent + chunk.len() < total {
            chunk.push(pattern[(sent + chunk.len()) % pattern.len()]);
        }
        sent += chunk.len();
        s.push_bytes(&chunk);
        shown += s.new_committed().map(count).sum::<usize>();
        s.clear_committed();
        peak = peak.max(s.heap_bytes());
    }
    s.finalize();
    shown += s.new_committed().map(count).sum::<usize>();
    let letters = (0..total)
        .filter(|i| pattern[i % pattern.len()] != b' ')
        .count();
    assert_eq!(shown, letters, "every non-space byte is shown");
    assert!(peak < 3 * MAX_OPEN_BYTES, "peak heap {peak}");
    // A break after each full `MAX_LINE_BYTES` that more text follows.
    assert_eq!(
        s.stats().forced_breaks as usize,
        (total - 1) / MAX_LINE_BYTES
    );
}
