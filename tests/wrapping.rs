//! Where lines break, as a reader sees it (issue 14, part 7): CJK brackets and punctuation
//! stay with their text, an image label stays on one row, a long URL breaks after its
//! separators. Checked at every width of a range, not only the snapshot widths.

use termark::{Options, Renderer};

fn lines(text: &str, width: usize) -> Vec<String> {
    let r = Renderer::new(Options::new().with_width(width)).unwrap();
    r.render(text).iter().map(|l| l.plain()).collect()
}

#[test]
fn cjk_brackets_and_closing_punctuation_never_dangle() {
    let text = "東京都の「国立博物館」（上野）には、日本の美術品が数多く収蔵されています。【重要】開館時間は午前九時三十分から午後五時までです。「ご来館をお待ちしております。」\n";
    for width in 8..=60 {
        let out = lines(text, width);
        for (i, line) in out.iter().enumerate() {
            assert!(
                !line.ends_with(['「', '（', '【']),
                "width {width}, line {i} ends with an opening bracket: {out:?}"
            );
            if i > 0 {
                assert!(
                    !line.starts_with(['」', '）', '】', '。', '、']),
                    "width {width}, line {i} starts with closing punctuation: {out:?}"
                );
            }
        }
        assert_eq!(out.concat(), text.trim_end(), "width {width}: text lost");
    }
}

#[test]
fn an_image_label_stays_on_one_row_when_it_fits() {
    let text = "The project is licensed as shown by ![License Badge](https://e.test/l.svg) in the header.\n";
    // (From 25 columns: the label and its reference mark, `[image: License Badge][1]`.)
    for width in 25..=80 {
        let out = lines(text, width);
        assert!(
            out.iter().any(|l| l.contains("[image: License Badge]")),
            "width {width}: label split: {out:?}"
        );
    }
}

#[test]
fn a_long_url_breaks_after_its_separators() {
    let url = "https://e.test/aa/bb/cc/dd/ee/ff/gg/hh/ii/jj/kk/ll/mm/nn/oo/pp?a=1&b=2&c=3&d=4";
    let text = format!("Fetch {url}\n");
    // (From 16 columns, `https://e.test/` fits on a row: before that its first row is cut
    // at the column, as no separator lies in the last third.)
    for width in 16..=60 {
        let out = lines(&text, width);
        assert_eq!(out[0], "Fetch", "width {width}: {out:?}");
        let rows = &out[1..];
        assert_eq!(rows.concat(), url, "width {width}: URL lost: {out:?}");
        for row in &rows[..rows.len() - 1] {
            assert!(
                row.ends_with(['/', '?', '&', '=']),
                "width {width}: row {row:?} does not end after a separator: {out:?}"
            );
            assert!(!row.ends_with("https:/"), "width {width}: `//` split");
        }
    }
}

#[test]
fn image_labels_with_spacing_marks_stream_byte_by_byte_as_in_one_shot() {
    // The wrapper keeps an image label on one row (a group); a spacing mark (U+0ACB, which
    // makes the character before it two columns wide) in the alt text, whole or from an
    // entity (a call of its own), and spaces before and after it, streamed one byte at a
    // time: the committed lines equal the one-shot render, and no row ends in a space.
    // (A block is laid out from one parse of its whole source, so where the stream was cut
    // does not reach the wrapper's calls; the calls are cut at entities and style changes.)
    let docs = [
        "see ![a \u{acb}  b](x) here and there\n",
        "see x![a\u{acb} a  aa a](x) here\n",
        "/![a\u{acb} a  aa a ](x) and ![\u{acb}a  b ](y)\n",
        "one ![a &#xACB;  b](x) two ![a&#xacb;b c](y)\n",
        "> - ![/&#xACB;b a](x) ![ &#xACB;](y) tail words\n",
    ];
    let mut w = termark::internals::fingerprint_writer();
    for doc in docs {
        for width in 8..=40 {
            let r = Renderer::new(Options::new().with_width(width)).unwrap();
            let whole: Vec<String> = r.render(doc).iter().map(|l| w.line_to_string(&l)).collect();
            let mut s = r.stream();
            for b in doc.as_bytes() {
                s.push_bytes(std::slice::from_ref(b));
            }
            s.finalize();
            let streamed: Vec<String> =
                s.committed().iter().map(|l| w.line_to_string(&l)).collect();
            assert_eq!(streamed, whole, "width {width}: {doc:?}");
            for line in &r.render(doc) {
                assert!(
                    !line.plain().ends_with(' '),
                    "width {width}: {:?} ends in a space: {doc:?}",
                    line.plain()
                );
            }
        }
    }
}
