//! Untrusted input never controls the terminal: every attack sequence, placed in every
//! construct, directly and through HTML entities, comes out as visible text (or dropped),
//! and the output holds only termark's own SGR and OSC 8 sequences.

mod support;

use support::check_escapes;
use termark::{ColorDepth, ControlChars, Options, Renderer};

/// (name, raw payload). Each is also tried with ESC, BEL, ST and C1 written as entities.
const PAYLOADS: &[(&str, &str)] = &[
    ("clear screen", "\u{1b}[2J\u{1b}[H"),
    ("cursor moves", "\u{1b}[10;10H\u{1b}[3A\u{1b}7\u{1b}8"),
    ("OSC 52 clipboard write", "\u{1b}]52;c;cm0gLXJmIH4=\u{7}"),
    ("OSC 0 title", "\u{1b}]0;pwned\u{7}"),
    ("OSC 2 title with ST", "\u{1b}]2;pwned\u{1b}\\"),
    ("8-bit CSI", "\u{9b}2J\u{9b}31m"),
    ("DCS", "\u{1b}P1$r0m\u{1b}\\"),
    ("8-bit DCS", "\u{90}q#0;2;0;0;0\u{9c}"),
    ("APC", "\u{1b}_Gf=100;payload\u{1b}\\"),
    ("8-bit APC and OSC", "\u{9f}x\u{9c}\u{9d}0;t\u{9c}"),
    (
        "OSC 8 spoofed link",
        "\u{1b}]8;;https://evil.test/\u{1b}\\https://bank.test\u{1b}]8;;\u{1b}\\",
    ),
    ("DSR (terminal replies)", "\u{1b}[6n\u{1b}[5n"),
    ("DECRQSS (terminal replies)", "\u{1b}P$qm\u{1b}\\"),
    (
        "bidi override",
        "\u{202e}gnp.exe\u{202c} \u{2066}iso\u{2069}",
    ),
    ("bare CR and DEL", "overwrite\rX\u{7f}"),
    ("NUL and BEL", "a\u{0}b\u{7}"),
];

fn as_entities(p: &str) -> String {
    p.chars()
        .map(|c| {
            if c.is_control() || ('\u{202a}'..='\u{2069}').contains(&c) {
                format!("&#x{:x};", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Markdown contexts; `{}` is replaced by the payload.
const CONTEXTS: &[&str] = &[
    "text {} text\n",
    "# heading {}\n",
    "`code {}`\n",
    "```\ncode {}\n```\n",
    "```rust\nlet s = \"{}\";\n```\n",
    "```{}\nx\n```\n",
    "    indented {}\n",
    "[link {}](https://e.test/)\n",
    "[link](https://e.test/{})\n",
    "[link](https://e.test/ \"title {}\")\n",
    "<https://e.test/{}>\n",
    "![alt {}](https://e.test/i.png)\n",
    "| h {} | b |\n|---|---|\n| c {} | d |\n",
    "> quote {}\n",
    "- item {}\n",
    "note[^{}]\n\n[^{}]: def {}\n",
    "<div>\n{}\n</div>\n",
    "inline <span title=\"{}\">html</span>\n",
    "[r]\n\n[r]: https://e.test/{}\n",
];

fn check_all(options: Options) {
    let r = Renderer::new(options).unwrap();
    let mut w = r.writer();
    for (name, raw) in PAYLOADS {
        for payload in [raw.to_string(), as_entities(raw)] {
            for ctx in CONTEXTS {
                let doc = ctx.replace("{}", &payload);
                for chunk in [usize::MAX, 1] {
                    let mut s = r.stream();
                    for c in doc.as_bytes().chunks(chunk.min(doc.len().max(1))) {
                        s.push_bytes(c);
                        // The tentative tail is shown to users too: it obeys the same rule.
                        for line in s.tentative() {
                            let out = w.line_to_string(&line);
                            if let Err(e) = check_escapes(&out) {
                                panic!("{name} in {ctx:?}, tentative tail: {e}\noutput: {out:?}");
                            }
                        }
                    }
                    s.finalize();
                    for line in s.committed() {
                        let out = w.line_to_string(&line);
                        if let Err(e) = check_escapes(&out) {
                            panic!(
                                "{name} in {ctx:?} ({}): {e}\noutput: {out:?}",
                                if payload == *raw { "raw" } else { "entities" }
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn attacks_are_neutralized_at_every_depth_with_hyperlinks() {
    for depth in [
        ColorDepth::TrueColor,
        ColorDepth::Ansi256,
        ColorDepth::Ansi16,
        ColorDepth::NoColor,
        ColorDepth::Plain,
    ] {
        check_all(
            Options::new()
                .with_width(50)
                .with_hyperlinks(true)
                .with_color(depth),
        );
    }
}

#[test]
fn attacks_are_neutralized_when_dropping_controls() {
    check_all(
        Options::new()
            .with_width(50)
            .with_hyperlinks(true)
            .with_control_chars(ControlChars::Drop),
    );
}

#[test]
fn controls_are_visible_by_default_and_dropped_on_request() {
    let text = "a \u{1b}[2J b &#27;[1m c &#x9b;6n d\n";
    let plain = |mode| {
        let r = Renderer::new(Options::new().with_width(80).with_control_chars(mode)).unwrap();
        r.render(text)
            .iter()
            .map(|l| l.plain())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(plain(ControlChars::Visible), "a ␛[2J b ␛[1m c �6n d");
    assert_eq!(plain(ControlChars::Drop), "a [2J b [1m c 6n d");
}

#[test]
fn spoofed_link_text_cannot_open_a_second_hyperlink() {
    let r = Renderer::new(Options::new().with_width(200).with_hyperlinks(true)).unwrap();
    let mut w = r.writer();
    // `\]` keeps the OSC's bracket inside the link text.
    let doc = "[\u{1b}\\]8;;https://bank.test\u{1b}\\bank](https://evil.test/)\n";
    let out: Vec<String> = r.render(doc).iter().map(|l| w.line_to_string(&l)).collect();
    assert_eq!(out.len(), 1);
    // Exactly one hyperlink is opened, to the real target, and closed.
    assert_eq!(
        out[0].matches("\u{1b}]8;;https://").count(),
        1,
        "{:?}",
        out[0]
    );
    assert!(out[0].contains("\u{1b}]8;;https://evil.test/\u{1b}\\"));
    assert!(out[0].contains("␛]8;;https://bank.test␛\\bank"));
}
