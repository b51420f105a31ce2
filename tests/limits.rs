//! Resources under faults: a message that never finishes keeps memory bounded, and the
//! caps cut at the same place whatever the chunking.

use termark::stream::{MAX_LINE_BYTES, MAX_OPEN_BYTES};
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
    let r = Renderer::new(Options::new().width(100)).unwrap();
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
    let r = Renderer::new(Options::new().width(80)).unwrap();
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
