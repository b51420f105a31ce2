//! Copying out of rendered lines: a message as plain text (no gutters, frames or `↪`
//! marks; wrapped rows joined again) and a code block's text.

use proptest::prelude::*;
use termark::{LineKind, Options, Renderer};

fn renderer(width: usize) -> Renderer {
    Renderer::new(Options::new().with_width(width)).expect("options")
}

const DOC: &str = "\
# A heading that is long enough to wrap at forty columns

A paragraph with **bold**, `code` and a [link](https://e.test/x) that wraps over several
rows, and a word that is far too long: abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz.
中文的句子没有空格所以在任何两个字之间都可以换行中文的句子没有空格。

> A quote that wraps onto a second row because it is long enough.
>
> - a list inside it

1. first item
   ```rust
   fn main() { println!(\"a code line long enough to need a continuation row\"); }
   ```
2. second item
   - nested bullet

| name | value |
|------|-------|
| a | 1 |

---
";

#[test]
fn plain_text_at_each_width() {
    for width in [40, 80] {
        let lines = renderer(width).render(DOC);
        insta::assert_snapshot!(format!("plain_text_w{width}"), lines.plain_text());
    }
}

#[test]
fn code_blocks_give_their_source_text() {
    for width in [24, 40, 80] {
        let lines = renderer(width).render(DOC);
        let blocks: Vec<_> = lines.code_blocks().collect();
        assert_eq!(blocks.len(), 1, "width {width}");
        assert_eq!(blocks[0].label, "rust");
        assert_eq!(
            lines.code_text(blocks[0].lines.clone()),
            "fn main() { println!(\"a code line long enough to need a continuation row\"); }\n",
            "width {width}"
        );
        assert!(blocks[0]
            .lines
            .clone()
            .all(|i| lines.get(i).unwrap().kind() == LineKind::Code));
    }
    let lines = renderer(40).render("```\nfirst\n\tsecond\n\n```\n\n```py\nx\n```\n");
    let blocks: Vec<_> = lines.code_blocks().collect();
    assert_eq!(blocks.len(), 2);
    assert_eq!(
        lines.code_text(blocks[0].lines.clone()),
        "first\n    second\n\n"
    );
    assert_eq!(
        (blocks[1].label, lines.code_text(blocks[1].lines.clone())),
        ("py", "x\n".to_owned())
    );
}

#[test]
fn line_kinds() {
    let lines = renderer(40)
        .render("# h\n\ntext\n\n```\ncode\n```\n\n| a |\n|---|\n| b |\n\n---\n\n<table>\n");
    let kinds: Vec<(LineKind, String)> = lines
        .iter()
        .map(|l| (l.kind(), l.content().to_owned()))
        .collect();
    insta::assert_debug_snapshot!("line_kinds", kinds);
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z]{1,12}",
        1 => "[a-z]{30,70}",
        1 => "[中文字句子]{1,20}",
        1 => "[a-z]{1,5}[中文]{1,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// A paragraph's plain text is its words with single spaces, at any width: every wrap
    /// is joined again with the space it dropped, and no space is added inside a word.
    #[test]
    fn a_paragraph_comes_back_whole(words in prop::collection::vec(word(), 1..40), width in 8usize..100, quoted in any::<bool>()) {
        let text = words.join(" ");
        let src = if quoted { format!("> {text}\n") } else { format!("{text}\n") };
        let lines = renderer(width).render(&src);
        let want = if quoted { format!("> {text}\n") } else { format!("{text}\n") };
        prop_assert_eq!(lines.plain_text(), want);
    }

    /// A code block's text comes back exactly, however its long lines were broken.
    #[test]
    fn code_comes_back_whole(rows in prop::collection::vec("[ -~]{0,120}", 1..8), width in 8usize..100) {
        let code: String = rows.iter().fold(String::new(), |mut s, r| {
            s.push_str(r.trim_end());
            s.push('\n');
            s
        });
        let lines = renderer(width).render(&format!("~~~~\n{code}~~~~\n"));
        let blocks: Vec<_> = lines.code_blocks().collect();
        prop_assert_eq!(blocks.len(), 1);
        prop_assert_eq!(lines.code_text(blocks[0].lines.clone()), code);
    }
}
