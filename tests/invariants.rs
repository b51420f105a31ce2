//! Property tests for the invariants every user relies on:
//! chunking never changes output, committed lines never change, no line wider than the
//! width, only termark's own escape sequences, every line ends in the default state,
//! determinism, and no live state after `finalize`.

mod support;

use proptest::prelude::*;
use support::check_escapes;
use termark::internals::fingerprint_writer;
use termark::{ColorDepth, Lines, Options, Renderer};

/// Snippets that exercise every commit decision (`boundary` module docs) (each ends in `\n` unless
/// it tests an unterminated construct).
const SNIPPETS: &[&str] = &[
    // setext underlines and `#` lines
    "Title\n===\n",
    "Title\n-\n",
    "para\n---\n",
    "para\n#\n",
    "para\n#tag\n",
    "# heading\n",
    "###### six\n",
    "####### seven is text\n",
    // lists
    "1. one\n2. two\n",
    "7. seven\n8. eight\n",
    "para\n1. interrupts\n",
    "para\n2. does not interrupt\n",
    "-\n",
    "- a\n\n- b\n",
    "- a\n- b\n\n  continued\n",
    "- a\n  - b\n    - c\n      - d\n",
    "* [x] done\n* [ ] todo\n",
    "1) paren\n",
    "9. nine\n10. ten\n",
    "- a\n\n  ```\n  code\n  ```\n- b\n",
    "1. a\n\n   ```\n   x\n   ```\n   after\n",
    "- item\nlazy\n",
    // quotes
    "> quote\nlazy continuation\n",
    "> a\n> > nested\n",
    ">\n",
    "> [!NOTE]\n> an alert\n",
    "> [!warning]\n",
    "> [!TIP] not a tag\n",
    "- item\n  > [!CAUTION]\n  > nested alert\n",
    // fences and code
    "```\ncode\n```\n",
    "~~~rust\nfn x() { let y = 1; }\n~~~\n",
    "````\n```\n````\n",
    "```python {.x}\nprint(1)\n",
    "  ```\n  indented fence\n\tand tab\n ```\n",
    "```\r\ncrlf code\r\n```\r\n",
    "    indented code\n\n    more\n",
    "para\n    not code\n",
    "- list\n\n        code in item\n",
    // HTML
    "<div>\nhtml\n</div>\n",
    "<!-- comment\n\nstill -->\n",
    "<pre>\na\n\nb</pre>\n",
    "<div align=\"center\">\n  <h1>Title <img src=\"l.svg\" alt=\"Logo\"></h1>\n  <a href=\"https://e.test/h\"><img src=\"b.svg\" alt=\"badge\"></a><br/>\n  text <sup>1</sup>\n</div>\n",
    "<details>\n<summary>More <b>bold</b></summary>\n\ninside\n\n</details>\n",
    "<p>a <b>b <i>c</b> d <a href=\"https://e.test/p\">e</a> <!-- c --> f &amp; g\n",
    "<table>\n\t<tr><td>cell with a long line of words \u{1b}[31m that must be cut at the width</td></tr>\n</table>\n",
    "inline <kbd>Ctrl</kbd> <a href=\"https://e.test/i\">l</a><br>next <foo> <!-- x --> \u{1b}[2J\n",
    "<!-- omit in TOC -->\n",
    // link references and footnotes
    "[ref]: https://e.test/r \"T\"\n",
    "see [ref] and [text][ref]\n",
    "[x] stays text\n",
    "note[^1] here\n",
    "[^1]: the note\n",
    // tables
    "| a | b |\n|---|:-:|\n| 1 | 2 |\n",
    "a | b\n--|--\nc | d\n",
    "| x \\| y | z |\n|---|---|\n| 1 | 2 |\n",
    "| h1 | h2 |\n|--",
    "| wide | table |\n|---|---|\n| a long cell with many words in it | 中文表格内容 |\n",
    // inline
    "a  \nhard\n",
    "b\\\nhard\n",
    "*em* **strong** `code` ~~del~~ <https://auto.test> [l](https://e.test/l)\n",
    "![alt text](https://e.test/i.png)\n",
    "line\r\nnext\r\n",
    "\ttab start\n",
    "中文段落，没有空格的长句子测试换行是否正确处理。\n",
    "family 👨‍👩‍👧‍👦 flag 🏳️‍🌈 ok ✅\n",
    "e\u{301}e\u{301}e\u{301} combining\n",
    "supercalifragilisticexpialidocious_and_a_very_long_identifier_without_spaces\n",
    "esc \u{1b}[31m red \u{7}\u{9b}2J\n",
    "&#27;[2J entity &#x9b;\n",
    "***\n",
    "plain words for wrapping across the available width of the terminal\n",
    // shapes of fuzz findings (FUZZING.md)
    "a\r- \rf\n",
    "[ref]: https://e.test/second\n",
    "- *em first* in a tight item\n",
    "keycap 1&#xfe0f; and 1**\u{fe0f}**\n",
    "ccb \u{301}x and \u{600} y\n",
    "```\nx\n```\t\ny\n",
    // wrapping details (issue 14): CJK brackets and punctuation, image labels, long URLs
    "「括弧」（注）と、句読点。**「強調」**、`「」`。\n",
    "see ![License Badge](https://e.test/l.svg), *![中文 图片 alt](x.png)*.\n",
    "https://example.test/a/b/c?x=1&y=2&z=3-long-url-path/segment/that/is/long\n",
];

const SEPS: &[&str] = &["", "\n", "\n\n", "  \n", "\r\n"];

fn doc() -> impl Strategy<Value = (String, bool)> {
    proptest::collection::vec((0..SNIPPETS.len(), 0..SEPS.len()), 1..12).prop_map(|parts| {
        let mut s = String::new();
        // Conservative: any `[ref]` text (a definition glued to a paragraph is text too)
        // before the last definition snippet counts as a forward reference.
        let last_def = parts
            .iter()
            .rposition(|&(i, _)| SNIPPETS[i].starts_with("[ref]:"));
        let first_use = parts
            .iter()
            .position(|&(i, _)| SNIPPETS[i].contains("[ref]"));
        let forward_ref = matches!((first_use, last_def), (Some(u), Some(d)) if u < d);
        for (i, sep) in parts {
            s.push_str(SNIPPETS[i]);
            s.push_str(SEPS[sep]);
        }
        (s, forward_ref)
    })
}

fn ansi(lines: &Lines) -> Vec<String> {
    let mut w = fingerprint_writer();
    lines.iter().map(|l| w.line_to_string(&l)).collect()
}

fn renderer(width: usize) -> Renderer {
    Renderer::new(Options::new().with_width(width).with_hyperlinks(true)).unwrap()
}

/// Streams `text` cut at `cuts` (byte offsets, any, even inside UTF-8 sequences).
fn stream(r: &Renderer, text: &[u8], cuts: &[usize], peek: bool) -> (Vec<String>, Vec<String>) {
    let mut s = r.stream();
    let mut w = fingerprint_writer();
    let mut drained = Vec::new();
    let mut last = 0;
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c % (text.len() + 1)).collect();
    cuts.sort_unstable();
    for c in cuts.into_iter().chain(std::iter::once(text.len())) {
        s.push_bytes(&text[last..c]);
        last = c;
        drained.extend(s.new_committed().map(|l| w.line_to_string(&l)));
        if peek {
            let _ = s.tentative().count();
        }
    }
    s.finalize();
    drained.extend(s.new_committed().map(|l| w.line_to_string(&l)));
    assert!(!s.has_live_state(), "live state after finalize");
    let all = ansi(s.committed());
    (drained, all)
}

/// Invariants 1 and 2 for `text` cut at `cuts`: the lines reported as committed along the
/// way are the final ones, they equal the one-shot render, and (without a forward
/// reference) the one-shot render equals one whole-document parse.
fn check_chunking(
    r: &Renderer,
    text: &str,
    cuts: &[usize],
    peek: bool,
    forward_ref: bool,
) -> Result<(), TestCaseError> {
    let one = ansi(&r.render(text));
    let (drained, all) = stream(r, text.as_bytes(), cuts, peek);
    prop_assert_eq!(
        &drained,
        &all,
        "committed lines changed after being reported"
    );
    prop_assert_eq!(
        &all,
        &one,
        "chunked output differs from the one-shot render"
    );
    // The independent oracle: one full pulldown-cmark parse, no streaming machinery.
    // They differ only where a link reference definition follows a use of it.
    if !forward_ref {
        prop_assert_eq!(
            &one,
            &ansi(&r.render_whole(text)),
            "one-shot differs from the whole-document parse"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Invariants 1 and 2: any chunking (1-byte chunks, splits inside UTF-8 sequences,
    /// grapheme clusters and CRLF) gives the one-shot output, and the lines reported as
    /// committed along the way are exactly the final ones.
    #[test]
    fn chunking_never_changes_output((text, forward_ref) in doc(), cuts in proptest::collection::vec(any::<usize>(), 0..40), width in 20usize..100, peek in any::<bool>()) {
        check_chunking(&renderer(width), &text, &cuts, peek, forward_ref)?;
    }

    /// 1-byte chunks: the hardest chunking.
    #[test]
    fn byte_at_a_time((text, _) in doc(), width in 20usize..100) {
        let r = renderer(width);
        let cuts: Vec<usize> = (0..text.len()).collect();
        let (_, all) = stream(&r, text.as_bytes(), &cuts, false);
        prop_assert_eq!(all, ansi(&r.render(&text)));
    }

    /// Invariant 3: no line is wider than the width (display columns, unicode-width).
    #[test]
    fn no_line_wider_than_width((text, _) in doc(), width in 8usize..120) {
        let r = renderer(width);
        for line in &r.render(&text) {
            let w = unicode_width::UnicodeWidthStr::width(line.plain().as_str());
            prop_assert!(w <= width, "{:?} is {} > {}", line.plain(), w, width);
            prop_assert_eq!(w, line.width());
        }
    }

    /// Invariant 4: only termark's own SGR and OSC 8 sequences; every line ends in the
    /// default state.
    #[test]
    fn only_own_escape_sequences((text, _) in doc(), depth in 0usize..5) {
        let depth = [ColorDepth::TrueColor, ColorDepth::Ansi256, ColorDepth::Ansi16, ColorDepth::NoColor, ColorDepth::Plain][depth];
        let r = Renderer::new(Options::new().with_width(60).with_hyperlinks(true).with_color(depth)).unwrap();
        let mut w = r.writer();
        for line in &r.render(&text) {
            let s = w.line_to_string(&line);
            if let Err(e) = check_escapes(&s) {
                prop_assert!(false, "{}: {:?}", e, s);
            }
        }
    }
}

/// `doc()` with its line endings mixed: each LF not already after a CR becomes LF, CR or
/// CRLF (`picks`, in turn). A bare CR is only chosen where no LF follows, so the line
/// structure stays that of the LF document. Also returns the same document with the picked
/// CRLFs left as LF (only LFs and bare CRs: as long as `doc()`'s text, which is returned
/// too).
fn mixed_line_endings() -> impl Strategy<Value = (String, String, String, bool)> {
    (doc(), proptest::collection::vec(0usize..3, 1..16)).prop_map(|((text, forward_ref), picks)| {
        let mut mixed = String::with_capacity(text.len() * 2);
        let mut bare = String::with_capacity(text.len());
        let mut k = 0;
        let mut chars = text.chars().peekable();
        let mut prev = '\0';
        while let Some(c) = chars.next() {
            if c == '\n' && prev != '\r' {
                let pick = picks[k % picks.len()];
                k += 1;
                let (m, b) = match pick {
                    1 if chars.peek() != Some(&'\n') => ("\r", "\r"),
                    2 => ("\r\n", "\n"),
                    _ => ("\n", "\n"),
                };
                mixed.push_str(m);
                bare.push_str(b);
            } else {
                mixed.push(c);
                bare.push(c);
            }
            prev = c;
        }
        (mixed, bare, text, forward_ref)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Invariants 1 and 2 with LF, CR and CRLF line endings mixed (CommonMark §2.1: all
    /// three end a line): any chunking, also between a CR and its LF, gives the one-shot
    /// output; and bare CRs render as the LFs they stand for.
    #[test]
    fn mixed_line_endings_never_change_output((text, bare, lf, forward_ref) in mixed_line_endings(), cuts in proptest::collection::vec(any::<usize>(), 0..40), width in 20usize..100, peek in any::<bool>()) {
        let r = renderer(width);
        check_chunking(&r, &text, &cuts, peek, forward_ref)?;
        let (_, bare_streamed) = stream(&r, bare.as_bytes(), &cuts, peek);
        prop_assert_eq!(&bare_streamed, &ansi(&r.render(&lf)), "bare CRs render unlike LFs");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Bytes that are not all UTF-8, cut anywhere (between the bytes of a character, of a
    /// broken sequence, or of both): the stream shows what the one-shot render of their
    /// lossy decoding (`String::from_utf8_lossy`, one U+FFFD per maximal invalid subpart)
    /// shows, so holding back the start of a character at a chunk's end never loses or
    /// adds one.
    #[test]
    fn broken_utf8_in_any_chunking_renders_as_its_lossy_decoding(
        items in proptest::collection::vec(0usize..14, 1..40),
        cuts in proptest::collection::vec(any::<usize>(), 0..20),
        width in 20usize..60,
    ) {
        const PIECES: [&[u8]; 14] = [
            b"a", b" ", b"\n", b"**b** ", "\u{e9}".as_bytes(), "\u{4e2d}".as_bytes(),
            "\u{1f44d}".as_bytes(), b"\xE4\xB8", b"\xF0\x9F\x91", b"\xE0\x80",
            b"\xED\xA0", b"\xC0", b"\xF8", b"\x80",
        ];
        let bytes = joined(&PIECES, &items);
        let r = renderer(width);
        let one = ansi(&r.render(&String::from_utf8_lossy(&bytes)));
        let (drained, all) = stream(&r, &bytes, &cuts, false);
        prop_assert_eq!(&drained, &all, "committed lines changed after being reported");
        prop_assert_eq!(&all, &one, "chunked bytes differ from their lossy one-shot render");
    }
}

/// The bytes of `pieces` picked by `items`, in order (a proptest's input from indices).
fn joined(pieces: &[&[u8]], items: &[usize]) -> Vec<u8> {
    items
        .iter()
        .flat_map(|&i| pieces[i].iter().copied())
        .collect()
}

/// Committed lines then tentative lines, as strings, read with `Stream::tail` (the frame
/// API, which must be exact for these small tails) or with `Stream::tentative`.
fn view(s: &mut termark::Stream, frame: bool) -> Vec<String> {
    let mut w = fingerprint_writer();
    let mut v: Vec<String> = s.committed().iter().map(|l| w.line_to_string(&l)).collect();
    if frame {
        let tail = s.tail();
        assert!(tail.is_exact());
        v.extend(tail.lines().map(|l| w.line_to_string(&l)));
    } else {
        v.extend(s.tentative().map(|l| w.line_to_string(&l)));
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Bytes of a partial line may wait undecoded in the stream until a line ending comes
    /// or the tail is asked for. After any push, with any earlier pushes left unread, the
    /// committed lines followed by the tail are what a stream given the same bytes in one
    /// push shows: cut inside characters, broken sequences, CRLFs and fenced code lines,
    /// read with either tail API, healed or not. The parse budget lets the two streams
    /// commit at different pushes, so one open region may hold blocks the other has
    /// committed; healing reads only the last block, so the views still agree.
    #[test]
    fn the_view_after_a_push_does_not_depend_on_the_chunking(
        items in proptest::collection::vec(0usize..19, 1..50),
        cuts in proptest::collection::vec(any::<usize>(), 1..16),
        width in 20usize..60,
        every in 1usize..4,
        heal in any::<bool>(),
    ) {
        const PIECES: [&[u8]; 19] = [
            b"a", b"word ", b"\n", b"\r", b"\r\n", b"**b** ", b"# ", b"- ", b"```\n",
            "\u{e9}".as_bytes(), "\u{4e2d}\u{6587}".as_bytes(), "\u{1f44d}".as_bytes(),
            b"\xE4\xB8", b"\xF0\x9F\x91", b"\xE0\x80", b"\xED\xA0", b"\xC0", b"\x80",
            b"`x` ",
        ];
        let bytes = joined(&PIECES, &items);
        let r = Renderer::new(
            Options::new()
                .with_width(width)
                .with_tentative_budget(None)
                .with_heal(heal),
        )
        .unwrap();
        let mut cuts: Vec<usize> = cuts.iter().map(|&c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut s = r.stream();
        let mut last = 0;
        for (i, &c) in cuts.iter().enumerate() {
            s.push_bytes(&bytes[last..c]);
            last = c;
            if i % every == 0 {
                let mut whole = r.stream();
                whole.push_bytes(&bytes[..c]);
                let frame = i % 2 == 1;
                let (a, b) = (view(&mut s, frame), view(&mut whole, frame));
                prop_assert_eq!(a, b, "after {} bytes", c);
            }
        }
    }
}

/// Every way of cutting a line of CJK, emoji and broken sequences in two or three: a
/// chunk that completes a held character, short (joined with the held bytes on the stack)
/// or long (decoded), with a broken sequence after the held bytes or none, renders as the
/// lossy decoding of the whole.
#[test]
fn held_characters_completed_by_short_and_long_chunks() {
    let mut bytes = "中文 👍 é ".repeat(6).into_bytes();
    bytes.extend_from_slice(b"\xE4\xB8 \xF0\x9F\x91\xE0\x80 \xED\xA0\x80 \xE4\xB8\xAD end\n");
    let r = renderer(40);
    let one = ansi(&r.render(&String::from_utf8_lossy(&bytes)));
    for i in 0..bytes.len() {
        for j in (i..bytes.len()).step_by(7).chain([i + 1, i + 2, i + 3]) {
            let (drained, all) = stream(&r, &bytes, &[i, j.min(bytes.len())], false);
            assert_eq!(drained, all, "committed lines changed (cuts {i}, {j})");
            assert_eq!(all, one, "cuts at {i} and {j}");
        }
    }
}

#[test]
fn determinism_same_bytes_every_time() {
    let text: String = SNIPPETS.concat();
    let a = ansi(&renderer(70).render(&text));
    for _ in 0..3 {
        assert_eq!(a, ansi(&renderer(70).render(&text)));
    }
}

#[test]
fn finalized_stream_has_no_live_state_and_pool_is_bounded() {
    let r = renderer(80);
    let text: String = SNIPPETS.concat();
    let mut s = r.stream();
    assert!(!s.has_live_state());
    for _ in 0..1000 {
        for c in text.as_bytes().chunks(97) {
            s.push_bytes(c);
        }
        assert!(s.has_live_state());
        s.finalize();
        assert!(!s.has_live_state());
        assert!(!s.committed().is_empty());
        s.release();
        assert!(!s.has_live_state());
        assert_eq!(s.heap_bytes(), 0);
        assert!(r.pooled_buffers() <= termark::MAX_POOLED_BUFFERS);
    }
    // Many streams at once, all released: the pool keeps at most its bound.
    let mut streams: Vec<_> = (0..50).map(|_| r.stream()).collect();
    for s in &mut streams {
        s.push(&text);
        s.finalize();
    }
    for s in &mut streams {
        s.release();
    }
    assert!(r.pooled_buffers() <= termark::MAX_POOLED_BUFFERS);
    assert!(r.pooled_bytes() <= termark::MAX_POOLED_BYTES);
}

#[test]
fn forward_link_definition_rule() {
    // A reference before its definition, in an earlier block, stays literal when streamed,
    // and the definition is shown where it stands; the whole-document parse resolves it.
    // Same block, or definition first: resolved.
    let r = Renderer::new(Options::new().with_width(80)).unwrap();
    let text = "see [ref]\n\nmiddle\n\n[ref]: https://e.test/r\n\nand [ref] again\n";
    let streamed: Vec<String> = r.render(text).iter().map(|l| l.plain()).collect();
    assert_eq!(
        streamed,
        [
            "see [ref]",
            "",
            "middle",
            "",
            "[ref]: https://e.test/r",
            "",
            "and ref[1] again",
            "[1]: https://e.test/r"
        ]
    );
    let whole: Vec<String> = r.render_whole(text).iter().map(|l| l.plain()).collect();
    assert_eq!(
        whole,
        [
            "see ref[1]",
            "[1]: https://e.test/r",
            "",
            "middle",
            "",
            "and ref[1] again"
        ]
    );
    for n in 1..text.len() {
        let mut s = r.stream();
        for c in text.as_bytes().chunks(n) {
            s.push_bytes(c);
        }
        s.finalize();
        let got: Vec<String> = s.committed().iter().map(|l| l.plain()).collect();
        assert_eq!(got, streamed, "chunk size {n}");
    }
}

/// Regression: a link reference definition directly followed by paragraph lines belongs
/// to that paragraph; the text after it was re-parsed alone and `7. seven` became a list.
#[test]
fn regression_definition_glued_to_paragraph() {
    let r = Renderer::new(Options::new().with_width(40)).unwrap();
    let text = "Title\n===\n[ref]: https://e.test/r \"T\"\n7. seven\n8. eight\n";
    let want: Vec<String> = r.render_whole(text).iter().map(|l| l.plain()).collect();
    assert_eq!(want, ["# Title", "", "7. seven 8. eight"]);
    for n in 1..=text.len() {
        let mut s = r.stream();
        for c in text.as_bytes().chunks(n) {
            s.push_bytes(c);
        }
        s.finalize();
        let got: Vec<String> = s.committed().iter().map(|l| l.plain()).collect();
        assert_eq!(got, want, "chunk size {n}");
    }
}

/// Regression, fuzz finding 24 (render target): an emoji ZWJ chain of 8 columns in a code
/// block at width 8 made a row of 10 (the frame's 2 columns and the whole cluster). A cluster
/// wider than a row now breaks into its emoji, in code, paragraphs, lists and table cells,
/// and every character is kept.
#[test]
fn regression_a_cluster_wider_than_the_row_breaks_into_its_characters() {
    use unicode_width::UnicodeWidthStr;
    let chain = "👩\u{200d}🌧\u{200d}👩\u{200d}🌧\u{200d}👨";
    let docs = [
        format!("```\n{chain}\n```\n"),
        format!("```\nab{chain}cd\n```\n"),
        format!("{chain}\n"),
        format!("> - {chain}{chain}\n"),
        format!("| a | b |\n|---|---|\n| {chain} | x |\n"),
        "\u{600}#\u{fe0f}\u{600}#\u{fe0f}\n".to_owned(),
    ];
    for width in 8..=12 {
        let r = Renderer::new(Options::new().with_width(width)).unwrap();
        for doc in &docs {
            let lines = r.render(doc);
            for l in &lines {
                let plain = l.plain();
                assert!(
                    UnicodeWidthStr::width(plain.as_str()) <= width && l.width() <= width,
                    "width {width}: {plain:?} in the rendering of {doc:?}"
                );
            }
            let shown: String = lines.iter().map(|l| l.plain()).collect();
            let kept: String = shown
                .chars()
                .filter(|c| ['👩', '🌧', '👨', '#'].contains(c))
                .collect();
            let want: String = doc
                .chars()
                .filter(|c| ['👩', '🌧', '👨', '#'].contains(c))
                .collect();
            assert_eq!(kept, want, "width {width}: {doc:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// With the definitions known up front (a whole file), streaming equals the
    /// whole-document parse even for references before their definitions.
    #[test]
    fn predefined_links_match_the_whole_document_parse((text, _) in doc(), cuts in proptest::collection::vec(any::<usize>(), 0..20)) {
        let r = renderer(60);
        let mut s = r.stream();
        s.predefine_links(&text);
        let mut cuts: Vec<usize> = cuts.iter().map(|&c| c % (text.len() + 1)).collect();
        cuts.sort_unstable();
        let mut last = 0;
        for c in cuts.into_iter().chain(std::iter::once(text.len())) {
            s.push_bytes(&text.as_bytes()[last..c]);
            last = c;
        }
        s.finalize();
        prop_assert_eq!(ansi(s.committed()), ansi(&r.render_whole(&text)));
    }
}

/// The plain text of tail lines.
fn plain_tail<'a>(lines: impl Iterator<Item = termark::Line<'a>>) -> Vec<String> {
    lines.map(|l| l.plain()).collect()
}

/// Pushes `text` cut at `cuts` into a stream with tentative budget `budget` and, in
/// lockstep, into a reference stream without a budget, and checks every tail the budgeted
/// stream returns. The reference renders its tail after the same pushes the budgeted stream
/// renders one (its calls that are not stale, and its second calls), because a table in the
/// tail keeps the column widths of the tails rendered before it (they only grow); so
/// equal render histories must give equal tails. An exact (not stale) tail must equal the
/// reference's, a stale one must be a tail rendered after an earlier push with the same
/// committed lines, and a second call without a push in between must be exact.
fn check_budgeted_tails(
    text: &[u8],
    cuts: &[usize],
    budget: u32,
    second_call: bool,
) -> Result<(), TestCaseError> {
    let r = Renderer::new(
        Options::new()
            .with_width(40)
            .with_tentative_budget(Some(budget)),
    )
    .unwrap();
    let reference =
        Renderer::new(Options::new().with_width(40).with_tentative_budget(None)).unwrap();
    let (mut s, mut e) = (r.stream(), reference.stream());
    // The tails rendered so far, with the committed-line count they were rendered at.
    let mut rendered: Vec<(u64, Vec<String>)> = Vec::new();
    let mut last = 0;
    for (i, &c) in cuts.iter().enumerate() {
        s.push_bytes(&text[last..c]);
        e.push_bytes(&text[last..c]);
        last = c;
        let committed = s.stats().committed_lines;
        prop_assert_eq!(committed, e.stats().committed_lines);
        let tail = plain_tail(s.tentative());
        if s.tentative_is_stale() {
            let earlier = rendered
                .iter()
                .rev()
                .take_while(|(n, _)| *n == committed)
                .any(|(_, t)| *t == tail);
            prop_assert!(
                earlier,
                "stale tail after push {} is no earlier exact tail of the block: {:?}",
                i,
                tail
            );
        } else {
            let exact = plain_tail(e.tentative());
            prop_assert_eq!(&tail, &exact, "tail after push {} not exact", i);
            rendered.push((committed, exact));
        }
        if second_call {
            let again = plain_tail(s.tentative());
            prop_assert!(!s.tentative_is_stale());
            let exact = plain_tail(e.tentative());
            prop_assert_eq!(&again, &exact, "second call after push {} not exact", i);
            rendered.push((committed, exact));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// `Options::tentative_budget`: a budgeted tail is always the exact tail of the current
    /// push or of an earlier push with the same committed lines (so it never repeats a
    /// line committed since), `tentative_is_stale` says which, and a second call without a
    /// push in between is exact.
    #[test]
    fn budgeted_tail_is_an_earlier_exact_tail_of_the_same_block(
        (text, _) in doc(),
        cuts in proptest::collection::vec(any::<usize>(), 1..60),
        budget in 0u32..3,
        second_call in any::<bool>(),
    ) {
        let text = text.repeat(3);
        let bytes = text.as_bytes();
        let mut cuts: Vec<usize> = cuts.iter().map(|&c| c % (bytes.len() + 1)).collect();
        cuts.push(bytes.len());
        cuts.sort_unstable();
        check_budgeted_tails(bytes, &cuts, budget, second_call)?;
    }
}

/// The budget makes a tail that stays open for long cheap: a 20 KB paragraph streamed in
/// 16-byte chunks with the tail asked for after every push re-renders it a bounded number
/// of times (exact: once per push), and the tail is never behind by more than the budget
/// allows.
#[test]
fn tentative_budget_bounds_rerendering_of_a_long_open_block() {
    let para = "word and more words in one long paragraph that never ends ".repeat(340);
    let render_count = |budget: Option<u32>| {
        let r = Renderer::new(Options::new().with_tentative_budget(budget)).unwrap();
        let mut s = r.stream();
        for c in para.as_bytes().chunks(16) {
            s.push_bytes(c);
            let _ = s.tentative().count();
        }
        let st = s.stats();
        (st.tentative_renders, st.tentative_stale, st.chunks)
    };
    let (renders, stale, pushes) = render_count(None);
    assert_eq!((renders, stale), (pushes, 0));
    let (renders, stale, pushes) = render_count(Some(16));
    assert_eq!(renders + stale, pushes);
    // Work ≤ 16 × pushed bytes: Σ region sizes over renders; regions grow linearly, so
    // renders ≈ sqrt(2 × 16 × pushes) at most (≈ 120 here), not one per push (1,275).
    assert!(renders < 200, "{renders} renders for {pushes} pushes");
}

/// Labels whose case folding goes beyond ASCII: full folding (`ẞ` ~ `ss`), special
/// casings (`İ`, Kelvin and Ångström signs, titlecase digraphs, final sigma, ligatures),
/// scripts without case, and whitespace that pulldown-cmark collapses (ASCII only).
const LABELS: &[&str] = &[
    "SS",
    "ss",
    "ẞ",
    "ß",
    "Straße",
    "STRASSE",
    "İ",
    "i\u{307}",
    "\u{212A}",
    "k",
    "K",
    "Σ",
    "σ",
    "ς",
    "ǅ",
    "ǆ",
    "Ǆ",
    "ﬁ",
    "FI",
    "\u{212B}",
    "å",
    "Å",
    "中文",
    "Ⅻ",
    "ⅻ",
    "a  b",
    "a\tb",
    "A B",
    "a\u{3000}b",
    "ǰ",
    "J\u{30C}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Non-ASCII link labels: a streamed render resolves exactly the references a
    /// whole-document parse resolves (definitions first, so the forward-reference rule
    /// does not apply), in any chunking.
    #[test]
    fn non_ascii_labels_match_as_in_a_whole_document_parse(
        defs in proptest::collection::vec(0..LABELS.len(), 1..4),
        uses in proptest::collection::vec((0..LABELS.len(), 0..3usize), 1..6),
        chunk in 1usize..24,
    ) {
        use std::fmt::Write;
        let mut text = String::new();
        for (i, &d) in defs.iter().enumerate() {
            writeln!(text, "[{}]: https://e.test/{i}", LABELS[d]).unwrap();
        }
        text.push('\n');
        for (u, form) in uses {
            let l = LABELS[u];
            match form {
                0 => writeln!(text, "see [{l}] here\n"),
                1 => writeln!(text, "see [text][{l}] here\n"),
                _ => writeln!(text, "see [{l}][] here\n"),
            }
            .unwrap();
        }
        let r = renderer(60);
        let whole = ansi(&r.render_whole(&text));
        prop_assert_eq!(&ansi(&r.render(&text)), &whole, "render vs render_whole");
        let cuts: Vec<usize> = (0..text.len()).step_by(chunk).collect();
        let (_, streamed) = stream(&r, text.as_bytes(), &cuts, false);
        prop_assert_eq!(&streamed, &whole, "streamed vs render_whole");
    }
}

/// A table row whose cell holds a hard break (`<br>`) wraps at any width, yet its one-line
/// width is never wider than the column: the column sizing took "the width that puts this
/// cell on one line" minus the column width and overflowed (a debug panic, a wrapped huge
/// number in release). Found by `predefined_links_match_the_whole_document_parse`.
#[test]
fn regression_table_cell_with_a_hard_break_narrower_than_its_column() {
    let text = "| a | b |\n|---|:-:|\n| 1 | 2 |\ninline <kbd>Ctrl</kbd> <a href=\"https://e.test/i\">l</a><br>next <foo> <!-- x --> \u{1b}[2J\nplain words for wrapping across the available width of the terminal\n";
    let r = renderer(60);
    let mut s = r.stream();
    s.predefine_links(text);
    s.push(text);
    s.finalize();
    let streamed = ansi(s.committed());
    let one_shot = r.render(text);
    let whole = r.render_whole(text);
    assert_eq!(streamed, ansi(&whole));
    assert_eq!(ansi(&one_shot), ansi(&whole));
    for l in &whole {
        let plain = l.plain();
        assert!(
            unicode_width::UnicodeWidthStr::width(plain.as_str()) <= 60,
            "{plain:?}"
        );
    }
    let shown: Vec<String> = whole.iter().map(|l| l.plain()).collect();
    let all = shown.join("\n");
    for word in ["inline", "Ctrl", "next", "plain", "terminal"] {
        assert!(all.contains(word), "{word} missing from {all}");
    }
}

/// A column is as wide as its widest cell line: the lines of a cell split by `<br>` are
/// measured one by one, not as if they were one line (the grid was drawn wider than any of
/// its lines).
#[test]
fn a_cell_with_a_hard_break_is_as_wide_as_its_widest_line() {
    let r = Renderer::new(Options::new().with_width(80)).unwrap();
    let out = r.render("| head |\n|---|\n| alpha beta<br>gamma |\n");
    let rows: Vec<String> = out.iter().map(|l| l.plain()).collect();
    // `│ alpha beta │`: 10 columns of text, one of padding on each side, two borders.
    assert!(rows.iter().all(|l| l.chars().count() == 14), "{rows:#?}");
    assert!(rows.iter().any(|l| l.contains("alpha beta")), "{rows:#?}");
    assert!(rows.iter().any(|l| l.contains("gamma")), "{rows:#?}");
}

/// Line endings do not change the layout: a table's output budget counts a CRLF as one
/// byte, so the CRLF version of a table is not drawn as a grid while its LF version is
/// shown as records.
#[test]
fn a_crlf_table_is_laid_out_as_its_lf_version() {
    let r = Renderer::new(Options::new().with_width(20)).unwrap();
    let plain = |l: &Lines| l.iter().map(|l| l.plain()).collect::<Vec<_>>();
    for (lf, crlf) in [
        ("a | b\n--|--\nc | d\n", "a | b\r\n--|--\r\nc | d\r\n"),
        (
            "| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n",
            "| a | b | c |\r\n|---|---|---|\r\n| 1 | 2 | 3 |\r\n",
        ),
    ] {
        assert_eq!(plain(&r.render(crlf)), plain(&r.render(lf)), "{crlf:?}");
        assert_eq!(ansi(&r.render(crlf)), ansi(&r.render(lf)), "{crlf:?}");
    }
}

/// Open (session 8, FUZZING.md finding 31): a case the proptest
/// `budgeted_tail_is_an_earlier_exact_tail_of_the_same_block` found on a random seed in CI.
/// With a tentative budget of 2, a tail the stream reports as exact (not stale) lays an open
/// table out with other column widths (its first column 18 columns wide) than a stream
/// without a budget, which renders the tail after every push (20). The table's later rows
/// hold a `<br>` cell. The cause: an open table keeps the column widths of the frames
/// rendered before (they only grow), a partial `<br` is wider literal text than the hard
/// break it becomes, and a budgeted stream renders fewer frames. It fails on the session's first commit too, so it is older than session 8's
/// changes. Not fixed yet.
#[test]
#[allow(clippy::unreadable_literal)] // the seeds as proptest printed them
fn finding31_an_exact_tail_of_an_open_table_with_a_hard_break_cell() {
    let text = "inline <kbd>Ctrl</kbd> <a href=\"https://e.test/i\">l</a><br>next <foo> <!-- x --> \u{1b}[2J\n1. one\n2. two\na  \nhard\n- a\n\n- b\n\nsee [ref] and [text][ref]\n| a | b |\n|---|:-:|\n| 1 | 2 |\n".repeat(3);
    let bytes = text.as_bytes();
    let raw: [u64; 24] = [
        17653681655086314406,
        12716198118808338414,
        14802714729623335883,
        1105713682608765938,
        7981291769350518306,
        7966105306769794170,
        14736908151736741969,
        9120514183861646499,
        2924273170266696150,
        11959580518439328600,
        5912365630360197791,
        2510565856947365072,
        1012208412316054445,
        17715453961502357896,
        6159226136482535983,
        17017859992332132073,
        12877438719192496612,
        191569923900737280,
        15872600914464649817,
        10476505166503233128,
        8009678927959846303,
        14290160138732752703,
        12949204846086351793,
        3836866968255655293,
    ];
    let mut cuts: Vec<usize> = raw
        .iter()
        .map(|&c| (c % (bytes.len() as u64 + 1)) as usize)
        .collect();
    cuts.push(bytes.len());
    cuts.sort_unstable();
    check_budgeted_tails(bytes, &cuts, 2, false).unwrap();
}

/// Regression, fuzz finding 32 (render and chunked targets, with debug assertions): a word
/// written to the line buffer before it was complete and then taken back (the next event
/// went on with it past the row) left the buffer unable to continue the line's last span,
/// so the word came back as a span of its own beside one of the same look. The lines looked
/// the same, but their spans depended on how the text was split into events, and the
/// one-pass layout of a recorded leaf (which splits it differently) disagreed with the
/// wrapper's. Debug builds compare the two for every recorded leaf; the lines' spans never
/// hold two in a row of one look.
#[test]
fn regression_spans_do_not_depend_on_words_taken_back() {
    let docs = [
        "Some *int. First\n   - sub w hti**bold**\n.test/\n",
        "# \0\0\0\0\0\0\0\0\0Release notes\n\nSome *intro* with a [link][docs] and `code`.\n\n\
         1. First\n   - sub with **bold** a [link][docs] and `code`.\n\n1. First\n   - sub with \
         **bold**\n : quoted\n> >\n : quoted\n> > twice\n\n| a | b |\n|---|---|\n| 0 | 2 |\n\n\
         ```toml\nage]\nname = \"x\"\n```\n\n[docs]: https://docs.test/\n\nFootnote[^n].\n\n\
         [^n]: here.\n",
        "aaa bbb ccc**ddd**eee fff `ggg`hhh iii\n",
    ];
    let check = |lines: &Lines, width: usize, doc: &str| {
        for l in lines {
            let spans: Vec<_> = l.spans().collect();
            for w in spans.windows(2) {
                assert!(
                    (w[0].style, w[0].link) != (w[1].style, w[1].link),
                    "width {width}: two spans of one look in a row in {:?} of {doc:?}",
                    l.plain()
                );
            }
        }
    };
    for (width, hyperlinks) in (termark::MIN_WIDTH..=40).flat_map(|w| [(w, false), (w, true)]) {
        let options = Options::new()
            .with_width(width)
            .with_hyperlinks(hyperlinks)
            .with_color(ColorDepth::Ansi256)
            .with_tab_width(8);
        let r = Renderer::new(options).unwrap();
        for doc in docs {
            // Streamed, with the tentative lines asked after every push (the open leaf is
            // laid out from each prefix of its text).
            // (The chunked fuzz target's cycle of lengths, and a few sizes.)
            let cycles: [&[usize]; 5] = [&[1, 3, 16, 133, 7, 2, 64, 1], &[1], &[3], &[7], &[16]];
            for cycle in cycles {
                let mut s = r.stream();
                let (mut at, mut k) = (0, 0);
                while at < doc.len() {
                    let n = cycle[k % cycle.len()].min(doc.len() - at);
                    k += 1;
                    s.push_bytes(&doc.as_bytes()[at..at + n]);
                    at += n;
                    // (Asked only to lay the open leaf out; what it holds is not checked.)
                    let _ = s.tentative().count();
                }
                s.finalize();
                check(s.committed(), width, doc);
            }
            check(&r.render(doc), width, doc);
        }
    }
}
