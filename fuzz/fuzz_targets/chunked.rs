//! Arbitrary bytes pushed in arbitrary chunks (down to 1 byte): the finalized committed
//! lines must equal `Renderer::render` of the lossy-decoded whole, and committed lines must
//! never change (what `new_committed` reported after each push is a prefix of the end result).
#![no_main]

use libfuzzer_sys::fuzz_target;
use termark_fuzz::{check_bound, check_lines, fingerprint, FuzzOptions};

/// Layout of an input: 17 header bytes, then the Markdown bytes as they are (see
/// `seeds/build_corpus.py` for the byte layout).
#[derive(Debug, arbitrary::Arbitrary)]
struct Input<'a> {
    opts: FuzzOptions,
    /// Chunk lengths, used cyclically: the low 7 bits are the length (0 means 1); a chunk
    /// with the high bit set is pushed with `push(&str)` when it is valid UTF-8 on its own.
    chunks: [u8; 8],
    /// Ask for the tentative lines after every push (and check them); inputs up to 2 KiB.
    tentative: bool,
    text: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let (renderer, chosen) = input.opts.build();
    let bytes = input.text;
    let expected = renderer.render(&String::from_utf8_lossy(bytes));
    let expected_fp = fingerprint(&expected);

    let mut stream = renderer.stream();
    let mut seen: Vec<String> = Vec::new();
    let lens = input.chunks;
    let tentative = input.tentative && bytes.len() <= 2048;
    let mut at = 0;
    let mut k = 0;
    while at < bytes.len() {
        let raw = lens[k % lens.len()];
        k += 1;
        let n = usize::from((raw & 0x7f).max(1)).min(bytes.len() - at);
        let chunk = &bytes[at..at + n];
        at += n;
        match std::str::from_utf8(chunk) {
            Ok(s) if raw & 0x80 != 0 => stream.push(s),
            _ => stream.push_bytes(chunk),
        }
        seen.extend(fingerprint_iter(stream.new_committed()));
        if tentative {
            check_lines(stream.tentative(), &chosen, "tentative");
        }
    }
    stream.finalize();
    seen.extend(fingerprint_iter(stream.new_committed()));
    assert!(!stream.has_live_state(), "live state after finalize");
    let committed = stream.committed();
    let final_fp = fingerprint(committed);
    assert_eq!(
        seen, final_fp,
        "lines reported by new_committed() differ from the final committed lines"
    );
    let ansi = check_lines(committed.iter(), &chosen, "stream");
    check_bound(String::from_utf8_lossy(bytes).len(), &ansi, "stream");
    if final_fp != expected_fp {
        let i = final_fp
            .iter()
            .zip(&expected_fp)
            .position(|(a, b)| a != b)
            .unwrap_or(final_fp.len().min(expected_fp.len()));
        panic!(
            "chunked stream differs from render at line {i} (lens {} vs {}):\n stream: {:?}\n render: {:?}",
            final_fp.len(),
            expected_fp.len(),
            final_fp.get(i),
            expected_fp.get(i)
        );
    }
    stream.release();
    assert!(!stream.has_live_state(), "live state after release");
});

fn fingerprint_iter<'a>(it: impl Iterator<Item = termark::Line<'a>>) -> Vec<String> {
    let mut w = termark::internals::fingerprint_writer();
    it.map(|l| w.line_to_string(&l)).collect()
}
