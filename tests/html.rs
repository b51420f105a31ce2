//! Raw HTML as a reader meets it in READMEs: known tags rendered as what they mean,
//! comments hidden, other HTML shown as source rows; nothing lost, nothing unsafe.

mod support;

use proptest::prelude::*;
use support::check_escapes;
use termark::{LineKind, Lines, Options, Renderer};

const README: &str = include_str!("fixtures/html_readme.md");

fn render(text: &str, width: usize) -> Lines {
    Renderer::new(Options::new().with_width(width))
        .unwrap()
        .render(text)
}

/// The words a reader should see in `html`: comments dropped, tags dropped (an `img`
/// leaves its `alt`), Markdown markers (`#`, fences) left out.
fn visible_words(html: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        text.push_str(&rest[..i]);
        text.push(' ');
        rest = &rest[i..];
        let end = if rest.starts_with("<!--") {
            rest.find("-->").map_or(rest.len(), |e| e + 3)
        } else {
            let e = rest.find('>').map_or(rest.len(), |e| e + 1);
            if let Some(a) = rest[..e].find("alt=\"") {
                let alt = &rest[a + 5..];
                text.push_str(&alt[..alt.find('"').unwrap()]);
                text.push(' ');
            }
            e
        };
        rest = &rest[end..];
    }
    text.push_str(rest);
    text.split_whitespace()
        .filter(|w| !w.starts_with('#') && !w.starts_with("```"))
        .map(str::to_owned)
        .collect()
}

/// Every `href` in `html` that leads off the page.
fn destinations(html: &str) -> Vec<&str> {
    html.split("href=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .filter(|d| !d.starts_with('#'))
        .collect()
}

#[test]
fn every_word_and_link_destination_of_an_html_header_reaches_the_output() {
    let words = visible_words(README);
    let dests = destinations(README);
    assert!(words.len() > 40 && dests.len() == 6, "{words:?} {dests:?}");
    for width in [40, 80, 120] {
        // Rows a cut broke are joined again in the copy, so a URL is whole there.
        let out = render(README, width).plain_text();
        for w in &words {
            assert!(out.contains(w.as_str()), "{w:?} missing at {width}:\n{out}");
        }
        for d in &dests {
            assert!(out.contains(d), "{d:?} missing at {width}:\n{out}");
        }
        for hidden in [
            "omit in TOC",
            "a hidden",
            "<div",
            "<a ",
            "<img",
            "<br",
            "<sup>",
        ] {
            assert!(!out.contains(hidden), "{hidden:?} shown at {width}:\n{out}");
        }
    }
}

#[test]
fn a_markdown_heading_between_html_blocks_shows_alone() {
    let out = render("<div align=\"center\">\n\n# Title\n\n</div>\n\ntext\n", 40);
    let lines: Vec<_> = out.iter().map(|l| (l.kind(), l.plain())).collect();
    assert_eq!(
        lines,
        [
            (LineKind::Heading, "# Title".to_owned()),
            (LineKind::Blank, String::new()),
            (LineKind::Text, "text".to_owned()),
        ]
    );
}

#[test]
fn comments_only_leave_no_lines() {
    let out = render(
        "<!-- omit in TOC -->\n\npara <!-- inline -->\n\n<!--\nmulti\n-->\n",
        40,
    );
    let lines: Vec<_> = out.iter().map(|l| l.plain()).collect();
    assert_eq!(lines, ["para"]);
}

#[test]
fn other_html_is_source_rows_with_indentation_cut_to_the_width() {
    let text = "<table>\n  <tr>\n\t<td>a cell whose line is longer than twenty columns</td>\n  </tr>\n</table>\n";
    let out = render(text, 20);
    let rows: Vec<_> = out.iter().map(|l| l.plain()).collect();
    assert_eq!(
        rows,
        [
            "<table>",
            "  <tr>",
            "    <td>a cell whose",
            "↪ line is longer tha",
            "↪n twenty columns</t",
            "↪d>",
            "  </tr>",
            "</table>",
        ]
    );
    assert!(out
        .iter()
        .all(|l| l.kind() == LineKind::Html && l.width() <= 20));
    // The copy has each source line once, whole, without the marks.
    assert_eq!(
        out.plain_text(),
        "<table>\n  <tr>\n    <td>a cell whose line is longer than twenty columns</td>\n  </tr>\n</table>\n"
    );
}

#[test]
fn headings_breaks_and_styles_in_html() {
    let out = render(
        "<h2 align=\"center\">Two <em>words</em></h2>\n<p>line one<br/>line <kbd>two</kbd><sup>1</sup></p>\n",
        40,
    );
    let lines: Vec<_> = out.iter().map(|l| (l.kind(), l.plain())).collect();
    assert_eq!(
        lines,
        [
            (LineKind::Heading, "## Two words".to_owned()),
            (LineKind::Blank, String::new()),
            (LineKind::Text, "line one".to_owned()),
            (LineKind::Text, "line two1".to_owned()),
        ]
    );
    let theme = termark::Theme::dark();
    let kbd = out
        .get(3)
        .unwrap()
        .spans()
        .find(|s| s.text == "two")
        .unwrap();
    assert_eq!(kbd.style, theme.inline_code);
}

#[test]
fn html_is_sanitized_in_text_attributes_and_source() {
    let text = "<p>text \u{1b}[2J <a href=\"https://e.test/\u{1b}]8;;https://bank.test\u{7}\">l</a> <img src=\"x\" alt=\"\u{1b}[31mred\"></p>\n\ninline <b>\u{9b}2J</b>\n\n<table>\u{1b}[41m\u{7}</table>\n";
    for hyperlinks in [false, true] {
        let r = Renderer::new(
            Options::new()
                .with_width(40)
                .with_hyperlinks(hyperlinks)
                .with_color(termark::ColorDepth::TrueColor),
        )
        .unwrap();
        let mut w = r.writer();
        for line in &r.render(text) {
            let s = w.line_to_string(&line);
            check_escapes(&s).unwrap_or_else(|e| panic!("{e}: {s:?}"));
        }
    }
}

fn fragment() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec!["alpha", "beta", "gamma", "d&amp;e", "中文", "x\ty"]);
    let n = 0..1000u32;
    prop_oneof![
        (words.clone(), n.clone())
            .prop_map(|(w, n)| format!("<a href=\"https://e.test/{n}\">{w}</a>")),
        (words.clone(), n.clone()).prop_map(|(w, n)| format!(
            "<a href=\"https://e.test/i{n}\"><img src=\"b{n}.svg\" alt=\"{w}\"></a>"
        )),
        words.clone().prop_map(|w| format!("<b>{w}</b>")),
        words.clone().prop_map(|w| format!("<sup>{w}</sup>")),
        words.prop_map(str::to_owned),
        Just("<br/>".to_owned()),
        Just("<!-- hidden -->".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("<div align=\"center\">".to_owned()),
        Just("</div>".to_owned()),
        Just("<p>".to_owned()),
        Just("<h1>".to_owned()),
        Just("</h1>".to_owned()),
        Just("<details><summary>s</summary>".to_owned()),
        Just("<table><tr><td>".to_owned()),
        Just(" ".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every `href` of a link that leads off the page reaches the output, in HTML blocks
    /// and inline HTML alike, at any width, whether the block is rendered or shown as
    /// source.
    #[test]
    fn every_html_link_destination_reaches_the_output(
        parts in proptest::collection::vec(fragment(), 1..30),
        width in 20usize..100,
    ) {
        let text: String = parts.concat();
        let out = render(&text, width);
        let plain = out.plain_text();
        for d in destinations(&text) {
            prop_assert!(plain.contains(d), "{d:?} missing:\n{plain}\nfrom {text:?}");
        }
        prop_assert!(out.iter().all(|l| l.width() <= width));
    }
}

#[test]
fn a_streamed_html_header_matches_the_one_shot_render_and_its_tails_fit() {
    for width in [40, 80] {
        let r = Renderer::new(Options::new().with_width(width)).unwrap();
        let whole: Vec<String> = r.render(README).iter().map(|l| l.plain()).collect();
        for step in [1, 7, 64] {
            let mut s = r.stream();
            let b = README.as_bytes();
            for chunk in b.chunks(step) {
                s.push_bytes(chunk);
                for line in s.tentative() {
                    assert!(
                        line.width() <= width,
                        "tail row too wide: {:?}",
                        line.plain()
                    );
                }
            }
            s.finalize();
            let streamed: Vec<String> = s.committed().iter().map(|l| l.plain()).collect();
            assert_eq!(streamed, whole, "width {width}, chunks of {step} bytes");
        }
    }
}
