//! Highlighting on several threads (`Options::with_highlight_threads`) gives the lines one
//! thread gives, byte for byte.

use proptest::prelude::*;
use termark::{Options, Renderer};

/// Code blocks in every place a fenced block can stand, in several languages, with the
/// line endings, indentation and unfinished fences that make fence mode and pulldown-cmark
/// work hardest to agree.
const BLOCKS: &[&str] = &[
    "```rust\nfn main() {\n    let x = \"s\"; // c\n}\n```\n",
    "```python\ndef f(x):\n    return x * 2\n```\n",
    "~~~js\nconst a = [1, 2];\n~~~\n",
    "```bash\necho \"$HOME\" | grep -v x\n```\n",
    "```json\n{\"a\": [1, true, null]}\n```\n",
    "- item\n\n  ```rust\n  let y = 1;\n  ```\n",
    "> quote\n>\n> ```python\n> print(1)\n> ```\n",
    "1. one\n   ```js\n   x = 1\n   ```\n",
    "  ```rust\n  indented fence\n\tand a tab\n  ```\n",
    "```rust\r\nfn crlf() {}\r\n```\r\n",
    "```diff\n-old\n+new\n```\n",
    "```\nno language\n```\n",
    "    indented code\n",
    "```toml\n[a]\nb = 1\n```\n",
    "```unknownlang\nplain\n```\n",
    "para with `inline code`\n",
    "```rust\nunfinished fence\n",
];

fn doc() -> impl Strategy<Value = String> {
    proptest::collection::vec(0..BLOCKS.len(), 2..12).prop_map(|ix| {
        let mut s = String::new();
        for i in ix {
            s.push_str(BLOCKS[i]);
            s.push('\n');
        }
        // Enough code for the parallel path to be taken (it needs 4 KB).
        for _ in 0..80 {
            s.push_str("```rust\nfn padding() { let v: Vec<u8> = Vec::new(); }\n```\n\n");
        }
        s
    })
}

fn ansi(r: &Renderer, text: &str) -> Vec<String> {
    let mut w = r.writer();
    r.render(text)
        .iter()
        .map(|l| w.line_to_string(&l))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn threads_change_nothing(text in doc(), width in 30usize..100) {
        let one = Renderer::new(Options::new().with_width(width)).unwrap();
        let four = Renderer::new(Options::new().with_width(width).with_highlight_threads(4)).unwrap();
        prop_assert_eq!(ansi(&four, &text), ansi(&one, &text));
    }
}

/// A line the stream breaks (over 1 MiB) is not the line a whole-document parse sees: the
/// replay misses, and the render is done again on one thread, with the same result.
#[test]
fn a_replay_that_misses_renders_again() {
    let mut text = String::new();
    for _ in 0..8 {
        text.push_str("```rust\nlet a = 1;\n```\n\n");
    }
    text.push_str("```rust\n");
    text.push_str(&"x".repeat(termark::limits::MAX_LINE_BYTES + 10));
    text.push_str("\n```\n");
    let one = Renderer::new(Options::new().with_width(60)).unwrap();
    let two = Renderer::new(Options::new().with_width(60).with_highlight_threads(2)).unwrap();
    assert_eq!(ansi(&two, &text), ansi(&one, &text));
}

#[test]
fn thread_counts_are_checked() {
    assert!(Renderer::new(Options::new().with_highlight_threads(0)).is_err());
    assert!(Renderer::new(
        Options::new().with_highlight_threads(termark::MAX_HIGHLIGHT_THREADS + 1)
    )
    .is_err());
    assert!(
        Renderer::new(Options::new().with_highlight_threads(termark::MAX_HIGHLIGHT_THREADS))
            .is_ok()
    );
}
