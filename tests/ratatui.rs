//! The ratatui adapter: lines at each color depth, and the message widget.

use ratatui_core::backend::TestBackend;
use ratatui_core::buffer::Buffer;
use ratatui_core::layout::Rect;
use ratatui_core::style::{Color, Modifier};
use ratatui_core::terminal::Terminal;
use std::fmt::Write as _;
use termark::ratatui::{Adapter, MessageView};
use termark::{ColorDepth, Options, Renderer};

const TEXT: &str =
    "# Title\n\n**bold** *em* ~~gone~~ `code` [link](https://e.test)\n\n```rust\nlet x = 1;\n```\n";

/// Every span of the converted lines with its ratatui style.
fn describe(depth: ColorDepth) -> String {
    let r = Renderer::new(Options::new().with_width(40).with_color(depth)).unwrap();
    let lines = r.render(TEXT);
    let a = Adapter::new(depth);
    let text = a.text(lines.iter());
    let mut out = String::new();
    for line in &text.lines {
        for span in &line.spans {
            let _ = writeln!(out, "{:?} {:?}", span.content, span.style);
        }
        out.push_str("--\n");
    }
    out
}

#[test]
fn snapshots_at_each_color_depth() {
    for (name, depth) in [
        ("truecolor", ColorDepth::TrueColor),
        ("256", ColorDepth::Ansi256),
        ("16", ColorDepth::Ansi16),
        ("nocolor", ColorDepth::NoColor),
        ("plain", ColorDepth::Plain),
    ] {
        insta::assert_snapshot!(format!("ratatui_{name}"), describe(depth));
    }
}

#[test]
fn spans_borrow_their_text() {
    let r = Renderer::new(Options::new()).unwrap();
    let lines = r.render("some **bold** words\n");
    let a = Adapter::new(ColorDepth::TrueColor);
    let line = a.line(lines.get(0).unwrap());
    assert!(line
        .spans
        .iter()
        .all(|s| matches!(s.content, std::borrow::Cow::Borrowed(_))));
    assert_eq!(line.spans[1].style.add_modifier, Modifier::BOLD);
}

#[test]
fn every_modifier_and_the_sixteen_colors_map() {
    use termark::{Color as C, Modifiers as M, Style};
    let a = Adapter::new(ColorDepth::TrueColor);
    let all = Style::new()
        .add_modifier(M::BOLD)
        .add_modifier(M::DIM)
        .add_modifier(M::ITALIC)
        .add_modifier(M::UNDERLINE)
        .add_modifier(M::STRIKETHROUGH);
    assert_eq!(
        a.style(all).add_modifier,
        Modifier::BOLD
            | Modifier::DIM
            | Modifier::ITALIC
            | Modifier::UNDERLINED
            | Modifier::CROSSED_OUT
    );
    let named = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    for (i, want) in named.iter().enumerate() {
        assert_eq!(a.style(Style::new().fg(C::Ansi(i as u8))).fg, Some(*want));
    }
    assert_eq!(a.style(Style::new().bg(C::Reset)).bg, Some(Color::Reset));
    assert_eq!(
        a.style(Style::new().fg(C::Rgb(1, 2, 3))).fg,
        Some(Color::Rgb(1, 2, 3))
    );
    let a256 = Adapter::new(ColorDepth::Ansi256);
    assert!(matches!(
        a256.style(Style::new().fg(C::Rgb(255, 0, 0))).fg,
        Some(Color::Indexed(_))
    ));
    let plain = Adapter::new(ColorDepth::Plain);
    assert_eq!(
        plain.style(all.fg(C::Rgb(1, 2, 3))),
        ratatui_core::style::Style::new()
    );
}

#[test]
fn the_widget_draws_committed_lines_then_the_tail_from_a_row_offset() {
    let r = Renderer::new(Options::new().with_width(20)).unwrap();
    let mut s = r.stream();
    s.push("first paragraph\n\nsecond one\n\nthe **open** one");
    let t = s.tail();
    let view = MessageView::new(t.committed(), Adapter::new(ColorDepth::NoColor)).tail(t.lines());
    assert_eq!(view.height(), 5);
    let mut term = Terminal::new(TestBackend::new(20, 3)).unwrap();
    term.draw(|f| f.render_widget(view.clone().scroll(2), f.area()))
        .unwrap();
    let mut want =
        Buffer::with_lines(["second one", "", "the open one"].map(|l| format!("{l:<20}")));
    want.set_style(
        Rect::new(4, 2, 4, 1),
        ratatui_core::style::Style::new().add_modifier(Modifier::BOLD),
    );
    term.backend().assert_buffer(&want);
}

#[test]
fn a_link_target_is_kept_for_clicks() {
    let r = Renderer::new(Options::new().with_width(40).with_hyperlinks(true)).unwrap();
    let lines = r.render("see [the docs](https://e.test/docs) now\n");
    let view = MessageView::new(&lines, Adapter::new(ColorDepth::TrueColor));
    assert_eq!(view.link_at(0, 5), Some("https://e.test/docs"));
    assert_eq!(view.link_at(0, 1), None);
}
