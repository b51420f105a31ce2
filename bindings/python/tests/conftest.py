"""Shared inputs for the termark binding's tests."""

import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

# A mixed document: every block kind termark lays out, multi-byte text (accents, CJK,
# emoji: chunks of bytes split them), links of every kind, a forward link reference, control
# characters that must never reach the terminal.
DOCUMENT = """# Streaming *Markdown* — a test

Some **bold**, *emphasis*, ~~strike~~ and `code`, with a [link](https://example.com/a?b=c)
and an [unsafe one](javascript:alert(1)), an autolink <https://example.org>, and a
forward [reference][ref] (an earlier block: stays literal).

[ref]: https://example.net/ref "Title"

> A quote with *style*,
> over two lines, with the [reference][ref] resolved. Ünïcödé, 日本語のテキスト, emoji 🦀🔧 and a ZWJ family 👨‍👩‍👧.

1. First item
2. Second item, long enough that it has to wrap at a narrow width, which it will do here.
   - nested bullet
   - [x] a done task
   - [ ] an open task
3. Third

```rust
fn main() {
    let greeting = "hello, world";   // a comment
    println!("{greeting}");
}
```

| Name | Value | Notes |
|------|------:|:-----:|
| α    |  1.25 | first |
| β    | 10.5  | 第二  |

---

Text with an escape \x1b[31mred\x1b[0m and a bell \x07 and a bidi override \u202e.
Tabs\tare\texpanded.
Footnote[^1].

[^1]: The footnote text.

<div>some html</div>

Last paragraph, not ended by a newline"""


@pytest.fixture
def document() -> str:
    return DOCUMENT


@pytest.fixture
def corpus() -> str:
    """The benchmark's ~100 KB LLM-style answer (from the crate's bench generators)."""
    with open(os.path.join(HERE, "..", "bench", "llm-100KB.md"), encoding="utf-8") as f:
        return f.read()
