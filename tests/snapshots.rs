//! Snapshots of every construct at two widths, as a user sees them: plain text, and the
//! styled bytes with termark's own ESC bytes written as `\e` so a reviewer can read them
//! (an ESC from the *input* is shown by termark itself as `␛`).

use std::fmt::Write as _;
use termark::{ColorDepth, Options, Renderer, Theme};

const CASES: &[(&str, &str)] = &[
    ("headings", "# Level one\n\n## Level two\n\n### Level three\n\n#### Four\n\n##### Five\n\n###### Six with a title long enough to wrap onto a second line at forty\n\nSetext one\n==========\n\nSetext two\n----------\n"),
    ("inline", "Plain, *emphasis*, **strong**, ***both***, ~~struck~~, `inline code`, a [link](https://example.test/page \"title\"), an autolink <https://example.test>, an email <me@example.test>, and an image ![alt text](https://example.test/i.png).\n\nHard break with two spaces  \nand with a backslash\\\nend.\n"),
    ("lists", "1. First item\n2. Second item that is long enough to wrap so the hanging indent shows\n   - nested bullet\n     - deeper bullet\n       - deepest bullet\n3. Third\n\nA paragraph between lists.\n\n7. starts at seven\n8. eight\n\n- loose item\n\n- separated by a blank line\n-\n- after an empty item\n\n* [x] done task\n* [ ] open task\n"),
    // Numbers right-aligned in at least two columns (` 9.` above `10.`); a fenced code block
    // with a blank line before it in an item gets one after it too.
    ("ordered_ten", "8. eight\n9. nine, with text long enough to wrap onto a second line at forty\n10. ten\n11. eleven\n    1. nested one\n    2. nested two\n\n- loose item\n\n  ```sh\n  cargo build\n  ```\n- next item\n\n  ```sh\n  cargo test\n  ```\n  text after the code\n- last\n\n98. ninety-eight\n99. ninety-nine\n100. a hundred\n"),
    ("quotes", "> A quote with *emphasis* that is long enough to wrap onto more lines.\nlazy continuation line\n>\n> > nested quote\n> > - list in a nested quote\n"),
    ("code", "```rust\nfn main() {\n    let greeting = \"a string literal long enough to need a continuation row\";\n\tprintln!(\"{greeting}\");\n}\n```\n\n~~~python {.numberLines}\ndef f(x):\n    return x * 2\n~~~\n\n```\nno language\n```\n\n    indented code block\n    second line\n\n```unknownlang\nplain code\n```\n"),
    ("diff", "```diff\n--- a/file\n+++ b/file\n@@ -1,2 +1,2 @@\n-old line\n+new line\n context\n```\n"),
    ("tables", "| Left | Center | Right |\n|:-----|:------:|------:|\n| a | b | c |\n| longer cell text | 中文 | 😀 |\n\n| Name | Description |\n|------|-------------|\n| wrap | a cell with enough words to wrap inside a narrow terminal column |\n| pipe | an escaped \\| pipe |\n"),
    // Six columns whose longest words fit side by side at 80 columns (a grid) but not at 40
    // (records, so no word is broken inside a cell).
    ("table_wide", "| Config | Threads | p50 (ms) | Throughput | Memory | Notes |\n|---|--:|--:|--:|--:|---|\n| baseline | 1 | 4.21 | 1,180 | 142 MiB | single-threaded reference |\n| threads-4 | 4 | 4.35 | 4,410 | 188 MiB | near-linear scaling |\n"),
    ("footnotes_html_rules", "Text with a footnote[^note] and another[^2].\n\n<div align=\"center\">\n  <b>raw html block</b>\n</div>\n\nInline <kbd>Ctrl</kbd>+<kbd>C</kbd> html.\n\n---\n\n[^note]: The note text, which wraps when it is long enough to need a second line.\n[^2]: Short.\n"),
    // A README's centered header in HTML: rendered as text, links and images; comments
    // hidden; an HTML table shown as source, one row per source line.
    ("html_readme", include_str!("fixtures/html_readme.md")),
    ("html_source", "<pre>\n  indented\n\tafter a tab \u{1b}[31m an escape\n</pre>\n\n<div>\n  <custom-element attr=\"a long attribute value that is cut at the width of the row\">x</custom-element>\n</div>\n\n<?php echo \"processing instruction\"; ?>\n\n<div align=\"center\">\n\n# A Markdown heading between HTML blocks\n\n</div>\n"),
    ("cjk_emoji", "中文段落没有空格也能在表意文字之间换行，日本語の文章も同じです。한국어 문장도 마찬가지입니다.\n\nEmoji stay whole: 👨‍👩‍👧‍👦 🏳️‍🌈 👍🏽 ⚠️ e\u{301} ✅\n\nsupercalifragilisticexpialidocious_identifier_longer_than_the_terminal_width_for_sure\n"),
    // Reference marks listed after their block, a badge row, an anchor, an image without alt
    // text, links in a quote, a table and list items, and a definition that arrives after
    // the block that used it (shown where it stands).
    ("links", "# widget [![Crates.io](https://img.shields.io/crates/v/widget.svg)](https://crates.io/crates/widget) [![Docs](https://docs.rs/widget/badge.svg)](https://docs.rs/widget)\n\nSee [the guide](https://example.com/guide/getting-started?lang=en&x=1), [it again](https://example.com/guide/getting-started?lang=en&x=1), the [Quickstart](#quickstart), <https://auto.example/x>, ![](assets/logo.png) and a citation [1].\n\n> A quote with [a link](https://quote.example/a) inside it.\n\n| crate | docs |\n|---|---|\n| widget | [docs.rs](https://docs.rs/widget) |\n| widget-core | [GitHub](https://github.com/example/widget-core) |\n\n- item with [one](https://one.example)\n- item with [two](https://two.example)\n\n[1]: https://cited.example/paper\n"),
    // Issue 14 part 7: an overlong URL breaks after `/ ? & =` (not inside `//`), an image
    // label stays on one row when it fits, CJK keeps brackets and 。、 with their text.
    ("wrap_urls", "Fetch https://example.test/api/v2/projects/termark/releases?per_page=100&page=2&sort=created from the API.\n\nA long path: /usr/local/share/termark/themes/solarized-dark-high-contrast.toml\n"),
    ("image_labels", "Badges: ![License Badge](https://e.test/l.svg) ![Build Status](https://e.test/b.svg) ![Crates.io Version](https://e.test/c.svg) and ![a very long alternative text that is wider than a line at forty](https://e.test/x.png).\n"),
    ("cjk_brackets", "東京都の「国立博物館」（上野）には、日本の美術品が数多く収蔵されています。【重要】開館時間は午前九時三十分から午後五時までです。「ご来館をお待ちしております。」\n"),
    ("alerts", "> [!NOTE]\n> Useful information that users should know, even when skimming.\n\n> [!TIP]\n> Helpful advice.\n\n> [!IMPORTANT]\n> Key information.\n>\n> A second paragraph.\n\n> [!WARNING]\n> Urgent info.\n\n> [!CAUTION]\n> Risks.\n\n> [!NOTE] on the tag line is a plain quote\n\n- In a list:\n  > [!WARNING]\n  > nested alert\n"),
    // What the color depth cannot show is marked as in Markdown at Plain (here) and, for
    // color-only styles, at NoColor: `code` in backticks, ~~struck~~ between tildes.
    ("marks", "## ~~[v0.15.0]~~ - 2024-11-03\n\nYanked. Read `session[\"user_id\"] = …`. Then ``a`b``, `` `tick` `` and ~~struck text~~.\n"),
    ("controls", "Escapes are shown, not obeyed: \u{1b}[2J \u{1b}]52;c;aGk=\u{7} \u{9b}31m bidi \u{202e}evil\u{202c} bell \u{7} entity &#27;[1m done.\n\n```\nin code \u{1b}[31m red\n```\n\n[spoof](https://evil.test/\u{1b}]8;;https://bank.test\u{1b}\\)\n"),
    // Issue 14: rows that fit stay on one line with no rule between them; the one wrapped
    // row is ruled off; the short `Size` column never wraps while `Notes` has room.
    ("table_rows", "| Name | Size | Notes |\n|---|---|---|\n| item-1 | 37 bytes | short note |\n| item-2 | 1110 bytes | short note |\n| item-3 | 74 bytes | this one cell holds a long note that has to wrap at forty and at eighty columns because it goes on and on |\n| item-4 | 111 bytes | short note |\n| item-5 | 148 bytes | short note |\n"),
    // Records: values hang under their first column; empty cells take no line; the key
    // ends in `: ` in plain text too.
    ("table_records", "| Configuration | Threads | Batch size | Compression | p50 latency (ms) | p95 latency (ms) | p99 latency (ms) | Throughput (req/s) | Notes |\n|---|---:|---:|---|---:|---:|---:|---:|---|\n| baseline | 1 | 1 | none | 4.21 | 7.90 | 12.44 | 1,180 | single-threaded reference implementation without any batching or compression |\n| threads-4 | 4 | | none | 4.35 | 8.85 | 15.02 | 4,410 | near-linear scaling until lock contention |\n"),
    // Code lines that nearly fit: the continuation row starts at a token, not with `;`.
    ("code_wrap", "```rust\nfn f() {\n    let read = fs::read_to_string(path); // async, uses spawn_blocking internally\n    let text = time::timeout(Duration::from_secs(5), read).await.map_err(|_| Timeout)?;\n    let value = compute_the_value_of_this_thing(first_argument, second_arg, third);\n}\n```\n\n```\nconst [state, setState] = useState({ status: \"idle\", data: null, error: null });\n```\n"),
];

fn render(text: &str, width: usize, styled: bool) -> String {
    let depth = if styled {
        ColorDepth::TrueColor
    } else {
        ColorDepth::Plain
    };
    let r = Renderer::new(Options::new().with_width(width).with_color(depth)).unwrap();
    let mut w = r.writer();
    let mut out = String::new();
    for line in &r.render(text) {
        out.push_str(&w.line_to_string(&line).replace('\u{1b}', "\\e"));
        out.push('\n');
    }
    out
}

#[test]
fn constructs_plain_at_40_and_80() {
    for (name, text) in CASES {
        for width in [40, 80] {
            insta::assert_snapshot!(format!("{name}_w{width}"), render(text, width, false));
        }
    }
}

#[test]
fn constructs_styled_at_80() {
    for (name, text) in CASES {
        insta::assert_snapshot!(format!("{name}_styled"), render(text, 80, true));
    }
}

#[test]
fn emphasis_without_color_at_40_and_80() {
    let text = CASES.iter().find(|(n, _)| *n == "marks").unwrap().1;
    for width in [40, 80] {
        let r = Renderer::new(
            Options::new()
                .with_width(width)
                .with_color(ColorDepth::NoColor),
        )
        .unwrap();
        let mut w = r.writer();
        let out: Vec<String> = r
            .render(text)
            .iter()
            .map(|l| w.line_to_string(&l).replace('\u{1b}', "\\e"))
            .collect();
        insta::assert_snapshot!(format!("marks_nocolor_w{width}"), out.join("\n"));
    }
}

#[test]
fn color_depths() {
    let text = "# Title\n\n**bold** `code` [link](https://e.test)\n\n```rust\nlet x = 1;\n```\n";
    for (name, depth) in [
        ("truecolor", ColorDepth::TrueColor),
        ("256", ColorDepth::Ansi256),
        ("16", ColorDepth::Ansi16),
        ("nocolor", ColorDepth::NoColor),
    ] {
        let r = Renderer::new(Options::new().with_width(40).with_color(depth)).unwrap();
        let mut w = r.writer();
        let out: Vec<String> = r
            .render(text)
            .iter()
            .map(|l| w.line_to_string(&l).replace('\u{1b}', "\\e"))
            .collect();
        insta::assert_snapshot!(format!("depth_{name}"), out.join("\n"));
    }
}

#[test]
fn osc8_hyperlinks() {
    let r = Renderer::new(Options::new().with_width(40).with_hyperlinks(true)).unwrap();
    let mut w = r.writer();
    let out: Vec<String> = r.render("A [link that wraps across two lines](https://example.test/a) and <https://auto.test>.\n").iter().map(|l| w.line_to_string(&l).replace('\u{1b}', "\\e")).collect();
    insta::assert_snapshot!("osc8", out.join("\n"));
}

const LANGS: &[(&str, &str)] = &[
    (
        "rust",
        "fn add(a: i32, b: i32) -> i32 {\n    a + b // sum\n}\n",
    ),
    (
        "python",
        "def greet(name: str) -> None:\n    print(f\"hi {name}\")  # hello\n",
    ),
    (
        "js",
        "const xs = [1, 2, 3].map((x) => x * 2);\nconsole.log(`n=${xs.length}`);\n",
    ),
    (
        "ts",
        "interface User { id: number; name?: string }\nexport const u: User = { id: 1 };\n",
    ),
    (
        "go",
        "package main\n\nfunc main() { fmt.Println(\"hi\", 42) }\n",
    ),
    (
        "bash",
        "for f in *.md; do\n  echo \"$f\" | wc -c  # count\ndone\n",
    ),
    ("json", "{\"name\": \"termark\", \"ok\": true, \"n\": 3}\n"),
    (
        "yaml",
        "name: ci\non: [push]\njobs:\n  test: {runs-on: ubuntu}\n",
    ),
    (
        "toml",
        "[package]\nname = \"termark\"\nversion = \"0.1.0\"\n",
    ),
    (
        "c",
        "#include <stdio.h>\nint main(void) { return printf(\"%d\\n\", 1); }\n",
    ),
    (
        "sql",
        "SELECT id, name FROM users WHERE age > 21 ORDER BY name;\n",
    ),
    ("dockerfile", "FROM rust:1.85\nRUN cargo build --release\n"),
];

#[test]
fn highlighted_code_in_twelve_languages_at_each_depth() {
    let mut doc = String::new();
    for (lang, code) in LANGS {
        use std::fmt::Write;
        let _ = write!(doc, "```{lang}\n{code}```\n\n");
    }
    for (name, depth, theme) in [
        ("truecolor", ColorDepth::TrueColor, Theme::dark()),
        ("256", ColorDepth::Ansi256, Theme::dark()),
        ("16", ColorDepth::Ansi16, Theme::dark()),
        ("16_light", ColorDepth::Ansi16, Theme::light()),
    ] {
        let r = Renderer::new(
            Options::new()
                .with_width(80)
                .with_color(depth)
                .with_theme(theme),
        )
        .unwrap();
        let mut w = r.writer();
        let out: Vec<String> = r
            .render(&doc)
            .iter()
            .map(|l| w.line_to_string(&l).replace('\u{1b}', "\\e"))
            .collect();
        // Every language is really highlighted: more than one foreground color in its block.
        for block in out.join("\n").split("╰─") {
            if block.contains("╭─") {
                let colors: std::collections::HashSet<&str> = block
                    .split("\\e[")
                    .skip(1)
                    .map(|s| s.split('m').next().unwrap_or(""))
                    .collect();
                assert!(colors.len() > 3, "{name}: block not highlighted:\n{block}");
            }
        }
        if depth == ColorDepth::Ansi16 {
            // Bright black (SGR 90) is the frame's and the comments' color, no other
            // token's: every run in it is frame or a comment.
            for line in &out {
                for run in line.split("\\e[90m").skip(1) {
                    let text = run.split("\\e[").next().unwrap_or("");
                    let text = text.trim_start_matches(['╭', '─', '│', '╰', ' ']);
                    assert!(
                        text.is_empty() || text.starts_with("//") || text.starts_with('#'),
                        "{name}: {text:?} in SGR 90 in {line}"
                    );
                }
            }
        }
        insta::assert_snapshot!(format!("highlight_{name}"), out.join("\n"));
    }
}

/// A theme that gives code a background: every row of a code block is filled to the
/// block's width (the trailing spaces are kept), under highlighted tokens too, wrapped rows
/// included; a link underline is not trimmed off its last space either.
#[test]
fn code_background_fills_the_block_width() {
    let theme = termark::Theme::from_toml(
        "[styles]\ncode_text = { fg = \"white\", bg = 236 }\n",
        "bg.toml",
    )
    .unwrap();
    let r = Renderer::new(
        Options::new()
            .with_width(40)
            .with_color(ColorDepth::TrueColor)
            .with_theme(theme),
    )
    .unwrap();
    let mut w = r.writer();
    let text = "```rust\nfn main() {\n    let x = 1;   \n    let s = \"long enough to wrap onto a second row\";\n}\n```\n\n```\nplain\n```\n";
    let lines = r.render(text);
    let out: Vec<String> = lines
        .iter()
        .map(|l| {
            format!(
                "{:2} {}",
                l.width(),
                w.line_to_string(&l).replace('\u{1b}', "\\e")
            )
        })
        .collect();
    for l in lines.iter().filter(|l| l.text().starts_with('│')) {
        assert_eq!(l.width(), 40, "{:?}", l.text());
    }
    insta::assert_snapshot!("code_background", out.join("\n"));
}

fn plain_lines(text: &str, width: usize, rules: termark::TableRules) -> Vec<String> {
    let r = Renderer::new(
        Options::new()
            .with_width(width)
            .with_color(ColorDepth::Plain)
            .with_table_rules(rules),
    )
    .unwrap();
    r.render(text).iter().map(|l| l.plain()).collect()
}

/// Regression (issue 14): a 59-row table with one wrapped cell took 121 lines at 80
/// columns (a rule between every row) and wrapped a short `Size` cell while the notes
/// column had room. Now its rows take one line each and only the tall row is ruled off.
#[test]
fn a_table_with_one_wrapped_cell_takes_one_line_a_row() {
    let mut md = String::from("| Name | Size | Notes |\n|---|---|---|\n");
    for i in 0..59 {
        let note = if i == 30 {
            "this one cell holds a long note that has to wrap at eighty columns because it goes on and on and on"
        } else {
            "short note"
        };
        let _ = writeln!(md, "| item-{i} | {} bytes | {note} |", i * 37);
    }
    let auto = plain_lines(&md, 80, termark::TableRules::Auto);
    // 3 frame rules, 1 header, 59 rows, 1 continuation line, 2 rules around the tall row.
    assert_eq!(auto.len(), 66, "{auto:#?}");
    assert!(
        auto.iter().all(|l| !l.contains("│ bytes")),
        "no Size cell wraps"
    );
    let always = plain_lines(&md, 80, termark::TableRules::Always);
    assert_eq!(always.len(), 66 + 56);
    let never = plain_lines(&md, 80, termark::TableRules::Never);
    assert_eq!(never.len(), 64);
}

/// Regression (issue 14): code lines that nearly fit left `↪;` or `↪{` alone on a
/// continuation row. A row now ends at a token, space or punctuation in its last quarter
/// when that leaves the continuation at least 8 columns; the copy is the source.
#[test]
fn code_rows_do_not_end_in_a_sliver() {
    let r = Renderer::new(Options::new().with_width(40).with_color(ColorDepth::Plain)).unwrap();
    for highlight in ["rust", ""] {
        for extra in 1..=4 {
            // 38 columns of code fit beside the gutter; these lines are 1 to 4 longer.
            let code = format!(
                "    let value = call(first, second{});",
                "x".repeat(extra + 2)
            );
            assert_eq!(code.chars().count(), 38 + extra);
            let md = format!("```{highlight}\n{code}\n```\n");
            let lines = r.render(&md);
            let rows: Vec<String> = lines.iter().map(|l| l.plain()).collect();
            let tail = rows.iter().find(|l| l.starts_with("│↪")).expect("wraps");
            assert!(
                tail.chars().count() - 2 >= 8,
                "{highlight:?} +{extra}: {rows:#?}"
            );
            let block = lines.code_blocks().next().expect("a code block");
            assert_eq!(lines.code_text(block.lines), format!("{code}\n"));
        }
    }
}
