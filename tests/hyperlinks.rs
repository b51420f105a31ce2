//! Hyperlinks a user can trust: OSC 8 only for `HYPERLINK_SCHEMES`, every other destination
//! shown as text; a link text that names another host shows the real destination; a
//! destination shown as text once per paragraph. One-shot and streamed alike.

use termark::{ColorDepth, Options, Renderer, HYPERLINK_SCHEMES};

/// The ANSI output of `text` one-shot, in 1-byte chunks and in 16-byte chunks (all equal).
fn outputs(r: &Renderer, text: &str) -> String {
    let mut w = r.writer();
    let one: Vec<String> = r
        .render(text)
        .iter()
        .map(|l| w.line_to_string(&l))
        .collect();
    for n in [1, 16] {
        let mut s = r.stream();
        for c in text.as_bytes().chunks(n) {
            s.push_bytes(c);
        }
        s.finalize();
        let got: Vec<String> = s.committed().iter().map(|l| w.line_to_string(&l)).collect();
        assert_eq!(got, one, "{n}-byte chunks of {text:?}");
    }
    one.join("\n")
}

fn hyperlinks() -> Renderer {
    Renderer::new(
        Options::new()
            .with_width(100)
            .with_color(ColorDepth::TrueColor)
            .with_hyperlinks(true),
    )
    .unwrap()
}

/// The OSC 8 targets in `ansi`, in order (empty targets, which close a link, left out).
fn osc8_targets(ansi: &str) -> Vec<&str> {
    ansi.split("\x1b]8;;")
        .skip(1)
        .filter_map(|rest| rest.split(['\x1b', '\x07']).next())
        .filter(|t| !t.is_empty())
        .collect()
}

fn strip(ansi: &str) -> String {
    let mut out = String::new();
    let mut rest = ansi;
    while let Some(i) = rest.find('\x1b') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('[') {
            let end = r
                .find(|c: char| c.is_ascii_alphabetic())
                .map_or(r.len(), |e| e + 1);
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix(']') {
            let end = r.find("\x1b\\").map_or(r.len(), |e| e + 2);
            rest = &r[end..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn the_allowed_schemes_are_hyperlinks() {
    assert_eq!(HYPERLINK_SCHEMES, ["http", "https", "mailto"]);
    let r = hyperlinks();
    for url in [
        "https://a.test/x",
        "http://a.test",
        "mailto:me@a.test",
        "HTTPS://a.test",
    ] {
        let out = outputs(&r, &format!("see [the docs]({url}) now\n"));
        assert_eq!(osc8_targets(&out), [url], "{url}");
        assert_eq!(strip(&out), "see the docs now", "{url}");
    }
}

#[test]
fn other_destinations_are_shown_as_text_never_behind_a_link() {
    let r = hyperlinks();
    for url in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,hi",
        "vscode://file/etc/hosts",
        "./LICENSE",
    ] {
        for text in [
            format!("[click]({url})\n"),
            format!("![logo]({url})\n"),
            format!("[r]: <{url}>\n\n[click][r]\n"),
            format!("| a |\n|---|\n| [click]({url}) |\n"),
        ] {
            let out = outputs(&r, &text);
            assert!(osc8_targets(&out).is_empty(), "{text:?}: {out:?}");
            assert!(strip(&out).contains(url), "{text:?}: {out:?}");
        }
    }
}

#[test]
fn a_destination_too_long_for_osc8_is_shown_as_text() {
    let url = format!(
        "https://a.test/{}",
        "x".repeat(termark::limits::MAX_URL_BYTES)
    );
    let out = outputs(&hyperlinks(), &format!("[long]({url})\n"));
    assert!(osc8_targets(&out).is_empty());
    assert!(strip(&out).replace('\n', "").contains(&url));
}

#[test]
fn a_link_text_naming_another_host_shows_the_real_destination() {
    let r = hyperlinks();
    let out = outputs(&r, "[https://good.example](https://evil.example/login)\n");
    assert_eq!(osc8_targets(&out), ["https://evil.example/login"]);
    assert_eq!(
        strip(&out),
        "https://good.example (https://evil.example/login)"
    );
    let out = outputs(&r, "[www.good.example](https://evil.example)\n");
    assert!(strip(&out).contains("(https://evil.example)"), "{out:?}");
    // The same host (case, `www.` and a path aside) is not a look-alike.
    for text in [
        "[https://Good.Example/docs](https://good.example/docs/index.html)\n",
        "[www.good.example](https://good.example)\n",
        "[the good site](https://evil.example)\n",
    ] {
        let out = outputs(&r, text);
        assert!(!strip(&out).contains(" (https://"), "{text:?}: {out:?}");
        assert_eq!(osc8_targets(&out).len(), 1, "{text:?}");
    }
}

#[test]
fn a_destination_shown_as_text_once_per_paragraph() {
    // Without OSC 8 (a plain writer), and for a scheme OSC 8 does not take.
    let plain = Renderer::new(Options::new().with_width(100)).unwrap();
    let long = "y".repeat(200);
    let out = outputs(
        &plain,
        &format!("[x]: https://e.test/{long}\n\n[a][x] [b][x] [c][x]\n\n[d][x]\n"),
    );
    let text = strip(&out).replace('\n', "");
    assert_eq!(
        text.matches(&long).count(),
        1,
        "listed once, later links reuse its mark: {text}"
    );
    let inline = Renderer::new(
        Options::new()
            .with_width(100)
            .with_link_style(termark::LinkStyle::Inline),
    )
    .unwrap();
    let out = outputs(
        &inline,
        &format!("[x]: https://e.test/{long}\n\n[a][x] [b][x] [c][x]\n\n[d][x]\n"),
    );
    let text = strip(&out).replace('\n', "");
    assert_eq!(
        text.matches(&long).count(),
        2,
        "inline: once in each paragraph: {text}"
    );
    let out = outputs(&hyperlinks(), "[a](./x) [b](./x) [c](./y)\n");
    assert_eq!(strip(&out), "a[1] b[1] c[2]\n[1]: ./x\n[2]: ./y");
}

#[test]
fn a_same_page_anchor_shows_its_text_alone() {
    let plain = Renderer::new(Options::new().with_width(100)).unwrap();
    for r in [&plain, &hyperlinks()] {
        let out = outputs(r, "See [Quickstart](#quickstart) and [docs](./docs.md).\n");
        assert!(osc8_targets(&out).is_empty(), "{out:?}");
        assert_eq!(strip(&out), "See Quickstart and docs[1].\n[1]: ./docs.md");
    }
}

#[test]
fn an_images_alt_text_is_plain_text() {
    // CommonMark's example: the alt text is `[foo](uri2)`; the inner link's URL is not part
    // of it.
    let text = "![[[foo](https://a.test/1)](https://a.test/2)](https://a.test/3)\n";
    let plain = Renderer::new(Options::new().with_width(100)).unwrap();
    assert_eq!(
        strip(&outputs(&plain, text)),
        "[image: [foo](https://a.test/2)][1]\n[1]: https://a.test/3"
    );
    let out = outputs(&hyperlinks(), text);
    assert_eq!(strip(&out), "[image: [foo](https://a.test/2)]");
    assert!(
        osc8_targets(&out).iter().all(|t| *t == "https://a.test/3"),
        "{out:?}"
    );
}
