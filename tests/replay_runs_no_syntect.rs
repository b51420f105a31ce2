//! Rendering a finished message again runs no line through syntect (one test in this
//! binary: the counter is process-wide).

#[path = "../benches/common/mod.rs"]
mod common;

use termark::internals::syntax_lines;
use termark::{Options, Renderer};

#[test]
fn rendering_a_message_again_does_not_highlight() {
    let text = common::llm_answer_seeded(32 * 1024, 4);
    let r = Renderer::new(Options::new().with_keep_message(true)).unwrap();
    let before = syntax_lines();
    let m = r.message(&text);
    let recorded = syntax_lines() - before;
    assert!(
        recorded > 100,
        "the message has highlighted code ({recorded} lines)"
    );
    let before = syntax_lines();
    for width in [30, 57, 80, 140] {
        let lines = r.with_width(width).unwrap().render_message(&m);
        assert!(lines.len() > 100);
    }
    assert_eq!(syntax_lines(), before, "no line went through syntect");
}
