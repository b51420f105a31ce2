//! The healed tail: while a block streams in, its open inline constructs are shown closed,
//! and nothing of it reaches the final output.

use std::fmt::Write as _;
use termark::{Options, Renderer};

/// Finished texts whose rendering shows none of the delimiter characters.
const CORPUS: [&str; 14] = [
    "Some **bold** text and *em* text.\n",
    "Some __strong__ and _em_ here.\n",
    "Mixed ***both*** and **bold *inner* bold** done.\n",
    "Code `inline code` here and ``double ticks`` there.\n",
    "~~struck~~ and ~single~ words.\n",
    "A [link](https://e.test/a) and [another one](https://e.test/c) here.\n",
    "- item with **bold**\n- item *em* and `code`\n",
    "| a | b |\n|---|---|\n| **x** | `y` |\n",
    "> quoted **bold** and `code`\n",
    "**bold with `code` inside** and [**link**](https://e.test/b) end.\n",
    "이것은 *기울임*으로 표시 and 中文**粗体**字.\n",
    "1. first **item**\n   - nested *em* item\n2. second `code`\n",
    "keep snake_case_names and 5 * 3 = 15 but *this*.\n",
    "A paragraph that is long enough to wrap, with **a bold run that wraps over the line end** and more.\n",
];

const DELIMITERS: [char; 6] = ['*', '_', '~', '`', '[', ']'];

fn renderer() -> Renderer {
    Renderer::new(Options::new().with_width(30).with_hyperlinks(true)).expect("options")
}

fn delimiters(s: &str) -> usize {
    s.chars().filter(|c| DELIMITERS.contains(c)).count()
}

/// The plain text of lines, without termark's own link reference marks (`[1]`) and the
/// lines that list their destinations (`[1]: h`, while a destination streams in).
fn text_of<'a>(lines: impl Iterator<Item = termark::Line<'a>>) -> String {
    let mut out = String::new();
    for l in lines.filter(|l| l.kind() != termark::LineKind::LinkReference) {
        let plain = l.plain();
        let mut rest = plain.as_str();
        while let Some(i) = rest.find('[') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 && after[digits..].starts_with(']') {
                rest = &after[digits + 1..];
            } else {
                out.push('[');
                rest = after;
            }
        }
        out.push_str(rest);
    }
    out
}

/// Delimiters at the very end of `prefix` (after its last other character): nothing can be
/// known about them yet.
fn trailing_delimiters(prefix: &str) -> usize {
    let t = prefix.trim_end();
    let tail =
        t.trim_end_matches(|c: char| DELIMITERS.contains(&c) || matches!(c, '(' | ')' | '!'));
    delimiters(&t[tail.len()..])
}

#[test]
fn no_prefix_shows_a_delimiter_the_finished_text_styles() {
    let r = renderer();
    for text in CORPUS {
        let finished = text_of(r.render(text).iter());
        // (The delimiters the finished text shows as text, like a `*` between spaces.)
        let literal = delimiters(&finished);
        for end in (1..=text.len()).filter(|&e| text.is_char_boundary(e)) {
            let prefix = &text[..end];
            let mut s = r.stream();
            s.push(prefix);
            let committed = text_of(s.committed().iter());
            let tail = s.tail();
            assert!(tail.is_exact());
            let shown = text_of(tail.lines());
            for l in tail.lines() {
                assert!(l.width() <= 30, "{prefix:?}: {:?}", l.plain());
            }
            let allowed = trailing_delimiters(prefix) + literal;
            assert!(
                delimiters(&committed) + delimiters(&shown) <= allowed,
                "{prefix:?} shows delimiters: committed {committed:?}, tail {shown:?}"
            );
        }
    }
}

#[test]
fn healing_never_reaches_the_final_output() {
    let healed = renderer();
    let plain = Renderer::new(
        Options::new()
            .with_width(30)
            .with_hyperlinks(true)
            .with_heal(false),
    )
    .unwrap();
    let mut w = healed.writer();
    for text in CORPUS {
        let want: Vec<String> = plain
            .render(text)
            .iter()
            .map(|l| w.line_to_string(&l))
            .collect();
        for chunk in [1, 2, 3, 7] {
            let mut s = healed.stream();
            for c in text.as_bytes().chunks(chunk) {
                s.push_bytes(c);
                let _ = s.tail().len();
            }
            s.finalize();
            let got: Vec<String> = s.committed().iter().map(|l| w.line_to_string(&l)).collect();
            assert_eq!(got, want, "{text:?} in {chunk}-byte chunks");
        }
    }
}

#[test]
fn healing_can_be_turned_off() {
    let r = Renderer::new(Options::new().with_heal(false)).unwrap();
    let mut s = r.stream();
    s.push("some **bold");
    let shown: Vec<String> = s.tail().lines().map(|l| l.plain()).collect();
    assert_eq!(shown, ["some **bold"]);
    let r = Renderer::new(Options::new()).unwrap();
    let mut s = r.stream();
    s.push("some **bold");
    let shown: Vec<String> = s.tail().lines().map(|l| l.plain()).collect();
    assert_eq!(shown, ["some bold"]);
}

/// A table streaming in keeps its column widths: its top border changes only when a column
/// must grow, never back and forth.
#[test]
fn a_streaming_table_keeps_its_column_widths() {
    let r = Renderer::new(Options::new().with_width(60)).unwrap();
    let mut text = String::from("| name | value | note |\n|---|---|---|\n");
    for i in 0..60 {
        let note = ["short", "a somewhat longer note", "mid", "x"][i % 4];
        let _ = writeln!(text, "| row{i} | {} | {note} |", i * 37 % 1000);
    }
    let mut s = r.stream();
    let mut borders: Vec<String> = Vec::new();
    for c in text.as_bytes().chunks(text.len() / 160 + 1) {
        s.push_bytes(c);
        if let Some(top) = s.tail().lines().find(|l| l.plain().starts_with('┌')) {
            if borders.last() != Some(&top.plain()) {
                borders.push(top.plain());
            }
        }
    }
    // Each change widens the table.
    for w in borders.windows(2) {
        assert!(
            w[1].chars().count() >= w[0].chars().count(),
            "{:?} then {:?}",
            w[0],
            w[1]
        );
    }
    assert!(
        borders.len() <= 8,
        "the top border changed {} times: {borders:#?}",
        borders.len()
    );
    s.finalize();
    let one_shot: Vec<String> = r.render(&text).iter().map(|l| l.plain()).collect();
    let streamed: Vec<String> = s.committed().iter().map(|l| l.plain()).collect();
    assert_eq!(streamed, one_shot);
}

/// The row cap: the last rows below a marker line that counts the rows above.
#[test]
fn the_tail_can_be_capped_to_its_last_rows() {
    let r = Renderer::new(Options::new().with_width(20).with_tail_rows(Some(3))).unwrap();
    let mut s = r.stream();
    s.push("one two three four five six seven eight nine ten eleven twelve thirteen");
    let tail = s.tail();
    let rows: Vec<String> = tail.lines().map(|l| l.plain()).collect();
    assert_eq!(tail.hidden_rows(), 2);
    assert_eq!(
        rows,
        ["⋮ 2 more rows above", "nine ten eleven", "twelve thirteen"]
    );
    // Without the cap: all four rows.
    let r = Renderer::new(Options::new().with_width(20)).unwrap();
    let mut s = r.stream();
    s.push("one two three four five six seven eight nine ten eleven twelve thirteen");
    assert_eq!((s.tail().len(), s.tail().hidden_rows()), (4, 0));
    assert!(Renderer::new(Options::new().with_tail_rows(Some(1))).is_err());
}

/// A frame-driven app: however many pushes come between two frames, the tail of a block up
/// to `FRAME_TAIL_BYTES` is exact on every frame, and a larger one is never two frames old.
#[test]
fn every_frame_gets_a_fresh_tail() {
    let r = Renderer::new(Options::new()).unwrap();
    let words = "lorem ipsum dolor sit amet consectetur ";
    let mut s = r.stream();
    let mut stale_in_a_row = 0;
    let mut big_stale = 0;
    let mut pushed = 0;
    while pushed < 3 * termark::limits::FRAME_TAIL_BYTES {
        for _ in 0..8 {
            s.push(words);
            pushed += words.len();
        }
        let exact = s.tail().is_exact();
        if pushed <= termark::limits::FRAME_TAIL_BYTES {
            assert!(exact, "a {pushed}-byte paragraph");
        }
        stale_in_a_row = if exact { 0 } else { stale_in_a_row + 1 };
        big_stale += usize::from(!exact);
        assert!(
            stale_in_a_row <= 1,
            "two stale frames in a row at {pushed} bytes"
        );
    }
    // A frame with no push since the last render is exact and costs nothing.
    let _ = s.tail();
    let renders = s.stats().tentative_renders;
    assert!(s.tail().is_exact());
    assert_eq!(s.stats().tentative_renders, renders);
    assert!(
        big_stale > 0,
        "a block over FRAME_TAIL_BYTES is not rendered every frame"
    );
}
