//! Resizing: a live stream changes width for what comes next, and a finished message
//! renders again at any width, equal to a one-shot render at that width, without running
//! the highlighter.

#[path = "../benches/common/mod.rs"]
mod common;

use termark::internals::fingerprint_writer;
use termark::{Lines, Options, Renderer};

fn ansi(lines: &Lines) -> Vec<String> {
    let mut w = fingerprint_writer();
    lines.iter().map(|l| w.line_to_string(&l)).collect()
}

fn renderer(width: usize) -> Renderer {
    Renderer::new(Options::new().with_width(width).with_keep_message(true)).expect("options")
}

#[test]
fn set_width_keeps_committed_lines_and_lays_out_the_rest_at_the_new_width() {
    let text = common::llm_answer_seeded(12 * 1024, 3);
    let (first, rest) = text.split_at(text.len() / 2);
    let r = renderer(100);
    let mut s = r.stream();
    for c in first.as_bytes().chunks(16) {
        s.push_bytes(c);
    }
    let before = ansi(s.committed());
    assert!(before.len() > 20);
    assert!(s.set_width(3).is_err());
    assert_eq!(s.width(), 100);
    s.set_width(44).unwrap();
    assert_eq!(s.width(), 44);
    assert!(s.tail().lines().all(|l| l.width() <= 44));
    for c in rest.as_bytes().chunks(16) {
        s.push_bytes(c);
        assert!(s.tail().lines().all(|l| l.width() <= 44));
    }
    s.finalize();
    let after = ansi(s.committed());
    assert_eq!(after[..before.len()], before[..], "committed lines changed");
    assert!(s
        .committed()
        .iter()
        .skip(before.len())
        .all(|l| l.width() <= 44));
    assert!(s
        .committed()
        .iter()
        .take(before.len())
        .any(|l| l.width() > 44));
}

#[test]
fn a_finished_message_renders_at_any_width_as_a_one_shot_render_does() {
    for seed in [1, 2, 5] {
        let text = common::llm_answer_seeded(10 * 1024, seed);
        let r = renderer(80);
        // Two ways to get the compact form: a stream that kept it, and the text.
        let mut s = r.stream();
        for c in text.as_bytes().chunks(16) {
            s.push_bytes(c);
            let _ = s.tail().len();
        }
        s.finalize();
        let streamed = s.take_message().expect("kept");
        assert!(s.take_message().is_none(), "taken once");
        assert_eq!(streamed.text(), text);
        let from_text = r.message(&text);
        assert!(!s.has_live_state());
        for width in [24, 40, 61, 80, 120] {
            let at = r.with_width(width).unwrap();
            let want = ansi(&at.render(&text));
            assert_eq!(
                ansi(&at.render_message(&streamed)),
                want,
                "seed {seed}, width {width}"
            );
            assert_eq!(
                ansi(&at.render_message(&from_text)),
                want,
                "seed {seed}, width {width}"
            );
        }
    }
}

#[test]
fn the_kept_form_is_smaller_than_the_rendered_lines() {
    let text = common::llm_answer_seeded(64 * 1024, 9);
    let r = renderer(80);
    let m = r.message(&text);
    assert!(
        m.heap_bytes() <= 2 * text.len(),
        "{} B for {} source bytes",
        m.heap_bytes(),
        text.len()
    );
    let mut lines = r.render_message(&m);
    lines.shrink_to_fit();
    assert!(m.heap_bytes() < lines.heap_bytes());
}

#[test]
fn another_theme_highlights_again() {
    let text = "```rust\nfn main() { let x = 1; }\n```\n";
    let dark = renderer(40);
    let m = dark.message(text);
    let light = Renderer::new(
        Options::new()
            .with_width(40)
            .with_theme(termark::Theme::light()),
    )
    .unwrap();
    assert_eq!(ansi(&light.render_message(&m)), ansi(&light.render(text)));
}
