//! Link destinations as a reader meets them: reference marks listed after their block, the
//! inline form, badges, images without alt text, and link reference definitions that
//! arrive after a live stream already committed the block that used them. Every
//! destination reaches the output, from a file and from any chunking.

use proptest::prelude::*;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use termark::{ColorDepth, LineKind, Lines, LinkStyle, Options, Renderer};

fn renderer(style: LinkStyle, hyperlinks: bool) -> Renderer {
    Renderer::new(
        Options::new()
            .with_width(80)
            .with_color(if hyperlinks {
                ColorDepth::TrueColor
            } else {
                ColorDepth::Plain
            })
            .with_hyperlinks(hyperlinks)
            .with_link_style(style),
    )
    .expect("options")
}

/// The rows of `lines` as plain text, one per row.
fn rows(lines: &Lines) -> String {
    lines
        .iter()
        .map(|l| l.plain())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A live stream: `text` pushed in `chunk`-byte pieces (split anywhere, even inside a UTF-8
/// sequence), then finalized.
fn streamed(r: &Renderer, text: &str, chunk: usize) -> Lines {
    let mut s = r.stream();
    for piece in text.as_bytes().chunks(chunk) {
        s.push_bytes(piece);
    }
    s.finalize();
    s.take_committed()
}

/// What the binary does with a file: its definitions are known up front.
fn from_file(r: &Renderer, text: &str) -> Lines {
    let mut s = r.stream();
    s.predefine_links(text);
    s.push(text);
    s.finalize();
    s.take_committed()
}

#[test]
fn destinations_are_listed_after_their_block() {
    let r = renderer(LinkStyle::Reference, false);
    let out = r.render(
        "See [the guide](https://e.test/guide) and [it again](https://e.test/guide), \
         then [more](https://e.test/more).\n\nNext paragraph with [x](https://e.test/x).\n",
    );
    assert_eq!(
        rows(&out),
        "See the guide[1] and it again[1], then more[2].\n\
         [1]: https://e.test/guide\n\
         [2]: https://e.test/more\n\
         \n\
         Next paragraph with x[3].\n\
         [3]: https://e.test/x"
    );
    let kinds: Vec<LineKind> = out.iter().map(|l| l.kind()).collect();
    assert_eq!(kinds[1], LineKind::LinkReference);
    assert_eq!(kinds[2], LineKind::LinkReference);
    assert_eq!(kinds[0], LineKind::Text);
}

#[test]
fn the_inline_form_is_an_option() {
    let r = renderer(LinkStyle::Inline, false);
    let out = r.render("See [the guide](https://e.test/guide) now.\n");
    assert_eq!(rows(&out), "See the guide (https://e.test/guide) now.");
}

#[test]
fn table_cells_are_sized_without_urls() {
    let r = renderer(LinkStyle::Reference, false);
    let long = format!("https://e.test/{}", "p".repeat(70));
    let out = r.render(&format!(
        "| a | b | c |\n|---|---|---|\n| [one]({long}) | two | three |\n"
    ));
    let text = rows(&out);
    // A grid (the URL is listed under it), not records.
    assert!(text.contains("│ one[1] │ two │ three │"), "{text}");
    assert!(out.plain_text().contains(&format!("[1]: {long}")), "{text}");
    assert_eq!(
        out.iter().next_back().map(|l| l.kind()),
        Some(LineKind::LinkReference)
    );
}

#[test]
fn a_badge_shows_once_with_the_links_destination() {
    let text = "[![Crates.io](https://img.test/v.svg)](https://crates.test/c)\n";
    let out = renderer(LinkStyle::Reference, false).render(text);
    assert_eq!(
        rows(&out),
        "[image: Crates.io][1]\n[1]: https://crates.test/c"
    );
    let out = renderer(LinkStyle::Inline, false).render(text);
    assert_eq!(rows(&out), "[image: Crates.io] (https://crates.test/c)");
    // Behind a hyperlink, the badge links where the link goes.
    let out = renderer(LinkStyle::Reference, true).render(text);
    let links: Vec<&str> = out
        .iter()
        .flat_map(|l| l.spans().filter_map(|s| s.link).collect::<Vec<_>>())
        .collect();
    assert!(!links.is_empty());
    assert!(
        links.iter().all(|l| *l == "https://crates.test/c"),
        "{links:?}"
    );
    assert_eq!(rows(&out), "[image: Crates.io]");
}

#[test]
fn an_image_without_alt_text_shows_its_file_name() {
    let r = renderer(LinkStyle::Reference, false);
    for (src, name) in [
        ("https://img.test/a/logo.png?v=2#x", "logo.png"),
        ("./docs/", "docs"),
        ("", "image"),
    ] {
        let out = r.render(&format!("![]({src})\n"));
        let first = rows(&out).lines().next().unwrap_or("").to_owned();
        assert!(
            first.starts_with(&format!("[image: {name}]")),
            "{src:?}: {first:?}"
        );
    }
}

#[test]
fn a_forward_definition_is_shown_where_it_stands() {
    let r = renderer(LinkStyle::Reference, false);
    let text = "See [the docs][docs] and [1].\n\nMore text.\n\n[docs]: https://e.test/docs\n[1]: https://e.test/one\n[unused]: https://e.test/unused\n";
    let one_shot = r.render(text);
    assert_eq!(
        rows(&one_shot),
        "See [the docs][docs] and [1].\n\
         \n\
         More text.\n\
         \n\
         [docs]: https://e.test/docs\n\
         [1]: https://e.test/one"
    );
    let kinds: Vec<LineKind> = one_shot.iter().map(|l| l.kind()).collect();
    assert_eq!(
        &kinds[4..],
        [LineKind::LinkReference, LineKind::LinkReference]
    );
    for chunk in [1, 2, 3, 7, 16, 64] {
        assert_eq!(
            rows(&streamed(&r, text, chunk)),
            rows(&one_shot),
            "chunk {chunk}"
        );
    }
    // A file knows its definitions up front: the references resolve instead.
    assert_eq!(
        rows(&from_file(&r, text)),
        "See the docs[1] and 1[2].\n\
         [1]: https://e.test/docs\n\
         [2]: https://e.test/one\n\
         \n\
         More text."
    );
}

#[test]
fn a_shown_definition_follows_its_container_and_links_when_hyperlinks_are_on() {
    let text = "Cited [a].\n\n> quoted\n>\n> [a]: https://e.test/a\n";
    let r = renderer(LinkStyle::Reference, false);
    assert_eq!(
        rows(&r.render(text)),
        "Cited [a].\n\n│ quoted\n│\n│ [a]: https://e.test/a"
    );
    let r = renderer(LinkStyle::Reference, true);
    let out = r.render(text);
    let last = out.iter().next_back().expect("a line");
    assert_eq!(last.kind(), LineKind::LinkReference);
    assert!(
        last.spans().any(|s| s.link == Some("https://e.test/a")),
        "an OSC 8 link"
    );
    for chunk in [1, 5, 16] {
        assert_eq!(
            rows(&streamed(&r, text, chunk)),
            rows(&out),
            "chunk {chunk}"
        );
    }
}

#[test]
fn a_definition_nothing_used_stays_invisible() {
    let r = renderer(LinkStyle::Reference, false);
    let text = "Nothing cites it.\n\n[x]: https://e.test/x\n\nAfter [x].\n";
    // The later use resolves (the definition came first), with a mark.
    assert_eq!(
        rows(&r.render(text)),
        "Nothing cites it.\n\nAfter x[1].\n[1]: https://e.test/x"
    );
}

/// Every http(s) destination of a link in `text`, as a whole-document parse resolves it
/// (forward references included). Left out, as the rules say: the picture of an image
/// inside a link (a badge shows the link's destination) and links inside an image's alt
/// text (CommonMark: the alt text is plain).
fn destinations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<bool> = Vec::new(); // open links and images: true for an image
    let opts = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_OLD_FOOTNOTES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(text, opts) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                if !stack.iter().any(|&image| image) && dest_url.starts_with("http") {
                    out.push(dest_url.to_string());
                }
                stack.push(false);
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                if stack.is_empty() && dest_url.starts_with("http") {
                    out.push(dest_url.to_string());
                }
                stack.push(true);
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                stack.pop();
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_destination_of_the_corpus_reaches_the_output() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/links");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 3);
    for style in [LinkStyle::Reference, LinkStyle::Inline] {
        for hyperlinks in [false, true] {
            let r = renderer(style, hyperlinks);
            for file in &files {
                let text = std::fs::read_to_string(file).expect("fixture");
                let wanted = destinations(&text);
                assert!(wanted.len() >= 5, "{file:?}");
                for (how, out) in [
                    ("file", from_file(&r, &text)),
                    ("1-byte stream", streamed(&r, &text, 1)),
                    ("16-byte stream", streamed(&r, &text, 16)),
                ] {
                    let shown = out.plain_text();
                    let linked: Vec<&str> = out
                        .iter()
                        .flat_map(|l| l.spans().filter_map(|s| s.link).collect::<Vec<_>>())
                        .collect();
                    for url in &wanted {
                        assert!(
                            shown.contains(url.as_str()) || linked.contains(&url.as_str()),
                            "{file:?} ({how}, {style:?}, hyperlinks {hyperlinks}): {url} is lost:\n{shown}"
                        );
                    }
                }
            }
        }
    }
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "alpha", "beta", "gamma", "delta", "x", "naïve", "中文",
    ])
    .prop_map(str::to_owned)
}

/// A link in one of CommonMark's forms, with a destination made from `n`; the definition
/// of a reference form goes before or after the paragraph.
fn link() -> impl Strategy<Value = (String, Option<String>, String)> {
    (0..6usize, 0..1000u32, word()).prop_map(|(form, n, w)| {
        // (One destination per `n`: a label defined twice keeps its first definition.)
        let url = if n % 3 == 0 {
            format!("https://h{n}.test/{}/{n}", "segment/".repeat(12))
        } else {
            format!("https://h{n}.test/p{n}")
        };
        match form {
            0 => (format!("[{w}]({url})"), None, url),
            1 => (format!("[{w}][r{n}]"), Some(format!("[r{n}]: {url}")), url),
            2 => (format!("[r{n}][]"), Some(format!("[r{n}]: {url}")), url),
            3 => (format!("[r{n}]"), Some(format!("[r{n}]: {url}")), url),
            4 => (format!("<{url}>"), None, url),
            _ => (format!("![{w}]({url})"), None, url),
        }
    })
}

/// A block holding some words and links, in a paragraph, heading, list item, quote or
/// table cell.
fn block() -> impl Strategy<Value = (String, Vec<String>, Vec<String>)> {
    (
        0..5usize,
        prop::collection::vec((word(), prop::option::of(link())), 1..5),
    )
        .prop_map(|(kind, parts)| {
            let mut text = String::new();
            let mut defs = Vec::new();
            let mut urls = Vec::new();
            for (w, l) in parts {
                text.push_str(&w);
                text.push(' ');
                if let Some((l, def, url)) = l {
                    text.push_str(&l);
                    text.push(' ');
                    defs.extend(def);
                    urls.push(url);
                }
            }
            let text = text.trim_end().to_owned();
            let block = match kind {
                0 => text,
                1 => format!("## {text}"),
                2 => format!("- {text}"),
                3 => format!("> {text}"),
                _ => format!("| a | b |\n|---|---|\n| {text} | c |"),
            };
            (block, defs, urls)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every link destination reaches the output, in every link style, with hyperlinks on
    /// and off, from a file and from a live stream, whether its definition comes before or
    /// after its use.
    #[test]
    fn every_destination_reaches_the_output(
        blocks in prop::collection::vec(block(), 1..6),
        defs_first in any::<bool>(),
        chunk in 1..24usize,
    ) {
        let mut doc = String::new();
        let mut all_defs = Vec::new();
        let mut urls = Vec::new();
        for (b, defs, u) in &blocks {
            doc.push_str(b);
            doc.push_str("\n\n");
            all_defs.extend(defs.iter().cloned());
            urls.extend(u.iter().cloned());
        }
        let defs: String = all_defs.iter().fold(String::new(), |mut acc, d| {
            acc.push_str(d);
            acc.push('\n');
            acc
        });
        let doc = if defs_first { format!("{defs}\n{doc}") } else { format!("{doc}{defs}") };
        for style in [LinkStyle::Reference, LinkStyle::Inline] {
            for hyperlinks in [false, true] {
                let r = renderer(style, hyperlinks);
                for out in [from_file(&r, &doc), streamed(&r, &doc, chunk), r.render(&doc)] {
                    let shown = out.plain_text();
                    let linked: Vec<&str> = out
                        .iter()
                        .flat_map(|l| l.spans().filter_map(|s| s.link).collect::<Vec<_>>())
                        .collect();
                    for url in &urls {
                        prop_assert!(
                            shown.contains(url.as_str()) || linked.contains(&url.as_str()),
                            "{style:?} hyperlinks {hyperlinks}: {url} lost from {doc:?}:\n{shown}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn finalize_drops_the_remembered_labels_and_destinations() {
    // An unresolved reference leaves a wanted label (a prefix cache) in the stream, and a
    // listed destination in its scratch; both go at finalize, and release frees everything.
    let r = renderer(LinkStyle::Reference, false);
    let mut s = r.stream();
    s.push("Cited [a] and [b](https://e.test/b).\n\nNext.\n\n");
    let _ = s.new_committed().count();
    assert!(s.has_live_state());
    s.finalize();
    assert!(
        !s.has_live_state(),
        "a wanted label or listed destination outlived finalize"
    );
    s.release();
    assert_eq!(s.heap_bytes(), 0);
    // A new message on the same renderer numbers its marks from 1 again.
    let mut s = r.stream();
    s.push("[c](https://e.test/b)\n");
    s.finalize();
    assert_eq!(rows(&s.take_committed()), "c[1]\n[1]: https://e.test/b");
}
