//! Arbitrary bytes (lossy UTF-8) through `Renderer::render` with arbitrary options; every
//! output line is checked (width, escape sequences, control characters, final state), and
//! without link reference definitions `render` must equal `render_whole` (one full parse).
//! The written bytes stay within the amplification bound (16 per input byte and 64 KiB).
#![no_main]

use libfuzzer_sys::fuzz_target;
use termark_fuzz::{check_bound, check_lines, fingerprint, FuzzOptions};

/// Layout of an input: 9 header bytes, then the Markdown bytes as they are (see
/// `seeds/build_corpus.py` for the byte layout).
#[derive(Debug, arbitrary::Arbitrary)]
struct Input<'a> {
    opts: FuzzOptions,
    /// Also lay out through `render_whole` (the one-parse oracle) and check it too.
    whole: bool,
    text: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let (renderer, chosen) = input.opts.build();
    let text = String::from_utf8_lossy(input.text);
    let lines = renderer.render(&text);
    let ansi = check_lines(lines.iter(), &chosen, "render");
    check_bound(text.len(), &ansi, "render");
    if input.whole {
        let whole = renderer.render_whole(&text);
        check_lines(whole.iter(), &chosen, "render_whole");
        // The two may differ only where a link reference definition follows a reference to
        // it (crate docs); `]:` is in every definition.
        if !text.contains("]:") {
            let (a, b) = (fingerprint(&lines), fingerprint(&whole));
            if a != b {
                let i = a
                    .iter()
                    .zip(&b)
                    .position(|(x, y)| x != y)
                    .unwrap_or(a.len().min(b.len()));
                panic!("render differs from render_whole at line {i} (lens {} vs {}):\n render: {:?}\n whole:  {:?}", a.len(), b.len(), a.get(i), b.get(i));
            }
        }
    }
});
