//! The public API as a user meets it: one source of truth for how lines are written, the
//! options' getters, errors, thread-safety, and the theme's elements.

use termark::{Color, ColorDepth, Error, Lines, Options, Renderer, Style, Theme};

const DEPTHS: [ColorDepth; 5] = [
    ColorDepth::TrueColor,
    ColorDepth::Ansi256,
    ColorDepth::Ansi16,
    ColorDepth::NoColor,
    ColorDepth::Plain,
];

/// Links of every kind, in the places where links are laid out differently.
const LINKS: &str = "\
# Heading with [a heading link](https://e.test/heading)

Inline [link text](https://e.test/inline \"title\"), a [reference][r], a [collapsed][],
a <https://e.test/auto> autolink, and an image ![alt](https://e.test/img.png).

| col | link |
|---|---|
| a | [in a cell](https://e.test/cell) |

> quoted [link](https://e.test/quote)

- item [link](https://e.test/item)

[r]: https://e.test/reference
[collapsed]: https://e.test/collapsed
";

const DESTINATIONS: [&str; 9] = [
    "https://e.test/heading",
    "https://e.test/inline",
    "https://e.test/reference",
    "https://e.test/collapsed",
    "https://e.test/auto",
    "https://e.test/img.png",
    "https://e.test/cell",
    "https://e.test/quote",
    "https://e.test/item",
];

/// Every combination of color depth and hyperlinks: the renderer's writer writes each
/// link's destination, in an OSC 8 sequence when hyperlinks are on and escapes are allowed,
/// in the text otherwise. No combination loses one.
#[test]
fn every_depth_and_hyperlink_setting_keeps_every_destination() {
    for depth in DEPTHS {
        for hyperlinks in [false, true] {
            let r = Renderer::new(
                Options::new()
                    .with_width(100)
                    .with_color(depth)
                    .with_hyperlinks(hyperlinks),
            )
            .unwrap();
            assert_eq!(r.options().color(), depth);
            assert_eq!(r.options().hyperlinks(), hyperlinks);
            let mut w = r.writer();
            let mut out = Vec::new();
            let mut s = r.stream();
            s.predefine_links(LINKS);
            s.push(LINKS);
            s.finalize();
            for line in s.committed() {
                w.write_line(&mut out, &line).unwrap();
            }
            let out = String::from_utf8(out).unwrap();
            let osc8 = hyperlinks && depth != ColorDepth::Plain;
            for dest in DESTINATIONS {
                let as_link = out.contains(&format!("\u{1b}]8;;{dest}\u{1b}\\"));
                let as_text = out
                    .split('\u{1b}')
                    .any(|part| part.contains(dest) && !part.starts_with("]8;;"));
                assert!(
                    as_link || as_text,
                    "{depth:?}, hyperlinks {hyperlinks}: {dest} lost in\n{out}"
                );
                if osc8 {
                    assert!(as_link, "{depth:?}: {dest} is no OSC 8 link");
                }
            }
            if depth == ColorDepth::Plain {
                assert!(!out.contains('\u{1b}'), "plain output holds an escape");
            }
            if !osc8 {
                assert!(!out.contains("\u{1b}]8;"), "{depth:?}: unexpected OSC 8");
            }
        }
    }
}

#[test]
fn getters_return_what_the_setters_set() {
    let theme = Theme::light();
    let o = Options::new()
        .with_width(57)
        .with_tab_width(8)
        .with_theme(theme.clone())
        .with_color(ColorDepth::Ansi16)
        .with_hyperlinks(true)
        .with_highlight(false)
        .with_wrap_code(false)
        .with_control_chars(termark::ControlChars::Drop)
        .with_tentative_budget(None);
    assert_eq!(o.width(), 57);
    assert_eq!(o.tab_width(), 8);
    assert_eq!(o.theme(), &theme);
    assert_eq!(o.color(), ColorDepth::Ansi16);
    assert!(o.hyperlinks());
    assert!(!o.highlight());
    assert!(!o.wrap_code());
    assert_eq!(o.control_chars(), termark::ControlChars::Drop);
    assert_eq!(o.tentative_budget(), None);
    let d = Options::new();
    assert_eq!(d.width(), 80);
    assert_eq!(
        d.tentative_budget(),
        Some(termark::DEFAULT_TENTATIVE_BUDGET)
    );
}

#[test]
fn bad_options_name_the_option_the_value_and_the_range() {
    let e = Renderer::new(Options::new().with_width(termark::MIN_WIDTH - 1)).unwrap_err();
    assert!(matches!(
        e,
        Error::InvalidOption {
            option: "width",
            ..
        }
    ));
    assert_eq!(
        e.to_string(),
        "invalid option width=7: a number of columns from 8 to 4096"
    );
    let e = Renderer::new(Options::new().with_tab_width(0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid option tab-width=0: a number of columns from 1 to 16"
    );
    assert!(Renderer::new(Options::new().with_width(termark::MAX_WIDTH)).is_ok());
}

#[test]
fn renderer_and_lines_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Renderer>();
    send_sync::<Lines>();
    send_sync::<termark::AnsiWriter>();
    send::<termark::Stream>();
}

/// Every span of `lines` with its look.
fn styled(lines: &Lines) -> Vec<Vec<(String, Style, Option<String>)>> {
    lines
        .iter()
        .map(|l| {
            l.spans()
                .map(|s| (s.text.to_owned(), s.style, s.link.map(str::to_owned)))
                .collect()
        })
        .collect()
}

/// A finished stream's working buffers go back to the renderer's pool and the next message
/// reuses them; what they held must not change a later message's lines.
#[test]
fn reused_working_buffers_change_no_output() {
    const MESSAGES: [&str; 4] = [
        "| a | b |\n|---|:-:|\n| wide cell text here | x |\n| y | `code` and **bold** |\n",
        "- one\n  - two [link](https://e.test/x)\n\n> quote\n> ```rust\n> let x = 1;\n",
        "```python\ndef f():\n    return [1, 2]\n```\n\nA paragraph with *emphasis*\n",
        "| only | header |\n|---|---|\n",
    ];
    let opts = Options::new().with_width(40);
    let fresh = |m: &str| {
        let r = Renderer::new(opts.clone()).expect("options");
        let mut s = r.stream();
        s.push(m);
        s.finalize();
        styled(s.committed())
    };
    let shared = Renderer::new(opts.clone()).expect("options");
    for round in 0..3 {
        for (i, m) in MESSAGES.iter().enumerate() {
            let mut s = shared.stream();
            for c in m.as_bytes().chunks(3 + round) {
                s.push_bytes(c);
                let _ = s.tentative().count();
            }
            s.finalize();
            assert_eq!(
                styled(s.committed()),
                fresh(m),
                "message {i}, round {round}"
            );
            s.release();
        }
    }
    assert!(shared.pooled_bytes() > 0, "the pool kept the buffers");
}

/// A theme can set an element back to the terminal's default color inside a colored
/// context: `Some(Color::Reset)` is not "inherit".
#[test]
fn a_theme_can_ask_for_the_default_color_inside_a_colored_block() {
    let theme = Theme::from_toml(
        "[styles]\nquote_text = { fg = \"red\" }\ninline_code = { fg = \"default\", bold = true }\n",
        "t.toml",
    )
    .unwrap();
    assert_eq!(theme.inline_code.fg, Some(Color::Reset));
    let r = Renderer::new(Options::new().with_theme(theme)).unwrap();
    let lines = r.render("> quoted `code` here\n");
    let line = lines.get(0).unwrap();
    let quoted = line.spans().find(|s| s.text.contains("quoted")).unwrap();
    let code = line.spans().find(|s| s.text == "code").unwrap();
    assert_eq!(quoted.style.fg, Some(Color::Ansi(1)));
    assert_eq!(
        code.style.fg,
        Some(Color::Reset),
        "inherited the quote's red"
    );
    // Written, the code span turns the red off (SGR 39, or a reset).
    let out = r.writer().line_to_string(&line);
    let before_code = &out[..out.find("code").unwrap()];
    let last_sgr = before_code.rsplit("\u{1b}[").next().unwrap();
    assert!(
        last_sgr.starts_with("39") || last_sgr.starts_with("0;") || last_sgr.contains(";39"),
        "{out:?}"
    );
}

/// A document with every construct a theme styles.
const EVERY_ELEMENT: &str = "\
# one
## two
### three
#### four
##### five
###### six

*em* **strong** ~~struck~~ `code` [link](https://e.test/l) ![image](https://e.test/i.png)
and a footnote[^1] and <x-tag>html</x-tag>.

> quoted

- item
- [x] done
- [ ] open

---

| head | x |
|---|---|
| cell | y |

```rust
fn main() { println!(\"a line long enough to need a continuation row at forty columns\"); }
```

```
plain code
```

```diff
@@ -1 +1 @@
-old
+new
```

[^1]: the note

> [!NOTE]
> n

> [!TIP]
> t

> [!IMPORTANT]
> i

> [!WARNING]
> w

> [!CAUTION]
> c
";

/// Every element name a theme file may set styles something in the output, and each name
/// sets its own element: with a distinct color per element, every color shows up.
#[test]
fn every_theme_element_name_styles_its_element() {
    use std::fmt::Write;
    let mut toml = String::from("[styles]\n");
    for (i, name) in Theme::ELEMENTS.iter().enumerate() {
        writeln!(toml, "{name} = {{ fg = {} }}", 16 + i).unwrap();
    }
    let theme = Theme::from_toml(&toml, "every.toml").unwrap();
    let r = Renderer::new(Options::new().with_width(40).with_theme(theme)).unwrap();
    let lines = r.render(EVERY_ELEMENT);
    let mut seen = std::collections::HashSet::new();
    for line in &lines {
        for span in line.spans() {
            if let Some(Color::Indexed(i)) = span.style.fg {
                seen.insert(i);
            }
        }
    }
    for (i, name) in Theme::ELEMENTS.iter().enumerate() {
        assert!(
            seen.contains(&((16 + i) as u8)),
            "element {name} styles nothing in the output"
        );
    }
}

#[test]
fn style_builders() {
    let s = Style::new()
        .fg(Color::Rgb(1, 2, 3))
        .bg(Color::Indexed(4))
        .add_modifier(termark::Modifiers::BOLD);
    assert_eq!(s.fg, Some(Color::Rgb(1, 2, 3)));
    assert_eq!(s.bg, Some(Color::Indexed(4)));
    assert!(s.mods.contains(termark::Modifiers::BOLD));
    assert!(Style::new().is_plain());
}

/// `new_committed` hands out a line when the iterator yields it: `.take(1)` reads one line
/// and the next call starts after it; `take_committed` moves the lines out.
#[test]
fn new_committed_reads_as_it_yields_and_lines_can_be_taken() {
    let r = Renderer::new(Options::new().with_width(40)).unwrap();
    let mut s = r.stream();
    s.push("one\n\ntwo\n\nthree\n\nfour\n\n");
    let all: Vec<String> = s.committed().iter().map(|l| l.plain()).collect();
    assert!(all.len() >= 4, "{all:?}");
    let first: Vec<String> = s.new_committed().take(1).map(|l| l.plain()).collect();
    assert_eq!(first, all[..1]);
    {
        let it = s.new_committed();
        assert_eq!((it.position(), it.len()), (1, all.len() - 1));
    }
    let rest: Vec<String> = s.new_committed().map(|l| l.plain()).collect();
    assert_eq!(rest, all[1..]);
    assert_eq!(s.new_committed().count(), 0);
    s.push("five");
    s.finalize();
    let lines = s.take_committed();
    let got: Vec<String> = lines.iter().map(|l| l.plain()).collect();
    assert_eq!(got[..all.len()], all);
    assert_eq!(got.last().map(String::as_str), Some("five"));
    assert!(s.committed().is_empty());
    assert_eq!(s.stats().committed_lines, lines.len() as u64);
}

/// An app builds its own lines beside termark's: control characters in its text are shown,
/// never obeyed, and its links go through the writer like termark's.
#[test]
fn an_app_builds_its_own_lines_safely() {
    let r = Renderer::new(
        Options::new()
            .with_hyperlinks(true)
            .with_color(ColorDepth::TrueColor),
    )
    .unwrap();
    let mut lines = r.render("**done**\n");
    lines.push_span(
        "user: ",
        Style::new().add_modifier(termark::Modifiers::BOLD),
    );
    lines.push_span("hi\u{1b}[2J\nthere\t!", Style::PLAIN);
    lines.end_line();
    lines.push_link("docs", Style::PLAIN, "https://e.test/a b");
    lines.end_line();
    assert_eq!(lines.len(), 3);
    let user = lines.get(1).unwrap();
    assert_eq!(user.plain(), "user: hi␛[2J␊there !");
    assert_eq!(user.width(), 20);
    let mut w = r.writer();
    let out = w.line_to_string(&user);
    assert_eq!(
        out.matches('\u{1b}').count(),
        out.matches("\u{1b}[").count()
    );
    assert!(!out.contains("\u{1b}[2J"));
    let link = w.line_to_string(&lines.get(2).unwrap());
    assert!(
        link.contains("\u{1b}]8;;https://e.test/a%20b\u{1b}\\docs"),
        "{link:?}"
    );
}
