//! The amplification bound as a property: whatever the input, the bytes written for it (SGR
//! and OSC 8 included) stay within `limits::OUTPUT_BYTES_PER_INPUT_BYTE` per input byte
//! plus `limits::OUTPUT_SLACK_BYTES`, at any width, color depth and link setting. The
//! inputs repeat the shapes whose output grows with the width or with decorations rather
//! than with the source, many times over, so that the slack alone cannot absorb them.

use std::fmt::Write as _;

use proptest::prelude::*;
use termark::limits::{OUTPUT_BYTES_PER_INPUT_BYTE, OUTPUT_SLACK_BYTES};
use termark::{ColorDepth, LinkStyle, Options, Renderer, Theme};

/// Pieces that amplify: each costs a few source bytes and draws much more.
const PIECES: &[&str] = &[
    "***\n\n",
    "---\n\n",
    "```\nx\n\n;\n```\n\n",
    "|a|b|c|d|e|f|g|h|\n|-|-|-|-|-|-|-|-|\n|a|b|c|d|e|f|g|h|\n|1|2|3|4|5|6|7|8|\n\n",
    "| a_very_long_column_header_name_repeated_in_records | b_another_long_header_name_for_records |\n|---|---|\n| x | y |\n| z | w |\n\n",
    "*a* **b** `c` ~~d~~ [e](https://e.test/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa) \n\n",
    "[x][r] [x][r] [x][r] [x][r]\n\n",
    "> [!WARNING]\n> w\n\n",
    "> > > > q\n\n",
    "1. a\n   - b\n     1. c\n\n",
    "<div><b>x</b><a href=\"https://e.test/bbbbbbbbbbbbbbbbbbbbbbbb\">y</a></div>\n\n",
    "<table><tr><td>t</td></tr></table>\n\n",
    "![](https://img.test/cccccccccccccccccccccccccccccccc/logo.png)\n\n",
    "x[^n]\n\n[^n]: f\n\n",
    "# h\n\n",
    "- [x] t\n\n",
    // A link whose text spans many rows of a narrow width: its URL is written on each.
    concat!(
        "[a link text of many words that goes on and on over a good number of rows at a ",
        "narrow width](https://e.test/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
        "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
        "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee)\n\n"
    ),
];

/// The bytes written for `text`, and the bound they must keep. Also checks that a stream
/// given `text` in 7-byte chunks commits the same lines: where a link stops being a
/// hyperlink must not depend on the chunking.
fn written(r: &Renderer, text: &str) -> (u64, u64) {
    let mut w = r.writer();
    let lines: Vec<String> = r
        .render(text)
        .iter()
        .map(|l| w.line_to_string(&l))
        .collect();
    let mut s = r.stream();
    for c in text.as_bytes().chunks(7) {
        s.push_bytes(c);
    }
    s.finalize();
    let streamed: Vec<String> = s
        .take_committed()
        .iter()
        .map(|l| w.line_to_string(&l))
        .collect();
    assert!(
        lines == streamed,
        "a 7-byte stream committed other lines than render"
    );
    let out: u64 = lines.iter().map(|l| l.len() as u64 + 1).sum();
    let bound = text.len() as u64 * OUTPUT_BYTES_PER_INPUT_BYTE + OUTPUT_SLACK_BYTES;
    (out, bound)
}

/// An OSC 8 link writes its URL on every row its text spans, so a long link text at a
/// narrow width with a long URL amplified without bound (fuzz finding 33). The rows are
/// paid for now; past the bound the link is no longer a hyperlink, and its destination
/// is shown as text, in either link style.
#[test]
fn a_link_text_over_many_rows_pays_for_its_urls() {
    let url = |i: usize| format!("https://e.test/{i}/{}", "u".repeat(1500));
    let mut text = String::new();
    for i in 0..20 {
        writeln!(text, "[{}]({})\n", "word ".repeat(600), url(i)).expect("a String");
    }
    for width in [8, 20, 40] {
        for style in [LinkStyle::Reference, LinkStyle::Inline] {
            let r = Renderer::new(
                Options::new()
                    .with_width(width)
                    .with_hyperlinks(true)
                    .with_link_style(style),
            )
            .expect("options");
            let (out, bound) = written(&r, &text);
            assert!(
                out <= bound,
                "{out} bytes over the bound {bound} at width {width}"
            );
            // Nothing lost: every link's destination is there, as a hyperlink or as text
            // (wrapped, so compared without line breaks).
            let lines = r.render(&text);
            let plain: String = lines.iter().map(|l| l.plain()).collect();
            let mut w = r.writer();
            let ansi: String = lines.iter().map(|l| w.line_to_string(&l)).collect();
            for i in 0..20 {
                let u = url(i);
                assert!(
                    plain.contains(&u) || ansi.contains(&u),
                    "link {i}'s destination lost at width {width} ({style:?})"
                );
            }
        }
    }
}

/// The same for a link reference definition shown where it stands (its label was used
/// before it): its destination is its text and links to itself, on every row.
#[test]
fn a_shown_definition_over_many_rows_pays_for_its_urls() {
    let mut text = String::new();
    for i in 0..20 {
        writeln!(
            text,
            "[x{i}]\n\n[x{i}]: https://e.test/{}\n",
            "d".repeat(1500)
        )
        .expect("a String");
    }
    for width in [8, 20, 40] {
        let r =
            Renderer::new(Options::new().with_width(width).with_hyperlinks(true)).expect("options");
        let (out, bound) = written(&r, &text);
        assert!(
            out <= bound,
            "{out} bytes over the bound {bound} at width {width}"
        );
        let plain: String = r.render(&text).iter().map(|l| l.plain()).collect();
        assert_eq!(
            plain.matches('d').count(),
            20 * 1500,
            "destinations lost at width {width}"
        );
    }
}

fn doc() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(PIECES), 1..8),
        200..900usize,
        any::<bool>(),
    )
        .prop_map(|(pieces, repeat, with_def)| {
            let mut s = String::new();
            if with_def {
                s.push_str("[r]: https://e.test/");
                s.push_str(&"d".repeat(1500));
                s.push_str("\n\n");
            }
            for i in 0..repeat {
                s.push_str(pieces[i % pieces.len()]);
            }
            s
        })
}

fn depth(n: u8) -> ColorDepth {
    match n % 4 {
        0 => ColorDepth::TrueColor,
        1 => ColorDepth::Ansi256,
        2 => ColorDepth::Ansi16,
        _ => ColorDepth::NoColor,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn output_stays_within_the_bound(
        text in doc(),
        width in prop::sample::select(vec![8usize, 40, 80, 200, 400, 1000, 4096]),
        d in any::<u8>(),
        hyperlinks in any::<bool>(),
        inline in any::<bool>(),
        code_background in any::<bool>(),
        chunk in prop::option::of(1..64usize),
    ) {
        // A theme with a code background pads every code row to the block's width.
        let mut theme = Theme::dark();
        if code_background {
            theme.code_text.bg = Some(termark::Color::Rgb(30, 30, 30));
        }
        let r = Renderer::new(
            Options::new()
                .with_width(width)
                .with_color(depth(d))
                .with_hyperlinks(hyperlinks)
                .with_theme(theme)
                .with_link_style(if inline { LinkStyle::Inline } else { LinkStyle::Reference }),
        )
        .expect("options");
        let lines = match chunk {
            None => r.render(&text),
            Some(n) => {
                let mut s = r.stream();
                for c in text.as_bytes().chunks(n) {
                    s.push_bytes(c);
                }
                s.finalize();
                s.take_committed()
            }
        };
        let mut w = r.writer();
        let out: u64 = lines.iter().map(|l| w.line_to_string(&l).len() as u64 + 1).sum();
        let bound = text.len() as u64 * OUTPUT_BYTES_PER_INPUT_BYTE + OUTPUT_SLACK_BYTES;
        prop_assert!(
            out <= bound,
            "{out} bytes for {} input bytes at width {width} (bound {bound})",
            text.len()
        );
    }
}
