//! Shared invariant checks for the termark fuzz targets.
//!
//! Every check panics with a message naming the invariant, so libFuzzer reports it as a
//! crash and keeps the input.
#![allow(
    clippy::must_use_candidate,
    clippy::missing_panics_doc,
    clippy::struct_excessive_bools,
    clippy::doc_markdown
)]

use termark::{ColorDepth, ControlChars, Line, Lines, Options, Renderer};
use unicode_width::UnicodeWidthStr;

/// Options drawn from fuzz input. Raw values are mapped onto the valid ranges by
/// [`FuzzOptions::build`], which also checks that out-of-range values are rejected.
#[derive(Clone, Copy, Debug, arbitrary::Arbitrary)]
pub struct FuzzOptions {
    pub width: u16,
    pub tab_width: u8,
    pub depth: u8,
    pub hyperlinks: bool,
    pub highlight: bool,
    pub wrap_code: bool,
    pub drop_controls: bool,
}

/// The options actually used, after validation.
#[derive(Clone, Copy, Debug)]
pub struct Chosen {
    pub width: usize,
    pub tab_width: usize,
    pub depth: ColorDepth,
    pub hyperlinks: bool,
    pub wrap_code: bool,
    pub drop_controls: bool,
}

pub fn depth_of(n: u8) -> ColorDepth {
    match n % 5 {
        0 => ColorDepth::TrueColor,
        1 => ColorDepth::Ansi256,
        2 => ColorDepth::Ansi16,
        3 => ColorDepth::NoColor,
        _ => ColorDepth::Plain,
    }
}

impl FuzzOptions {
    /// Builds a renderer with width in `MIN_WIDTH..=400` and tab width in `1..=16`. A raw width
    /// below `MIN_WIDTH` (or a raw tab width of 0 or 17) must make `Renderer::new` fail; the
    /// value is then moved into range.
    pub fn build(self) -> (Renderer, Chosen) {
        let mut width = usize::from(self.width % 401);
        let mut tab_width = usize::from(self.tab_width % 18);
        let depth = depth_of(self.depth);
        let opts = |w: usize, t: usize| {
            Options::new()
                .with_width(w)
                .with_tab_width(t)
                .with_color(depth)
                .with_hyperlinks(self.hyperlinks)
                .with_highlight(self.highlight)
                .with_wrap_code(self.wrap_code)
                .with_control_chars(if self.drop_controls {
                    ControlChars::Drop
                } else {
                    ControlChars::Visible
                })
        };
        if width < termark::MIN_WIDTH {
            assert!(
                Renderer::new(opts(width, 4)).is_err(),
                "width {width} below MIN_WIDTH was accepted"
            );
            width += termark::MIN_WIDTH;
        }
        if !(1..=16).contains(&tab_width) {
            assert!(
                Renderer::new(opts(width, tab_width)).is_err(),
                "tab width {tab_width} was accepted"
            );
            tab_width = tab_width.clamp(1, 16);
        }
        let r = Renderer::new(opts(width, tab_width)).expect("valid options are accepted");
        (
            r,
            Chosen {
                width,
                tab_width,
                depth,
                hyperlinks: self.hyperlinks,
                wrap_code: self.wrap_code,
                drop_controls: self.drop_controls,
            },
        )
    }
}

/// True for a character no output may contain: C0 and C1 controls, DEL, bidi embeddings,
/// overrides and isolates.
pub fn forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct SgrState {
    mods: u8,
    fg: Option<(u8, u32)>,
    bg: Option<(u8, u32)>,
}

/// Applies one SGR parameter list to `st`. Panics on anything termark does not write or on
/// a color kind the depth does not allow.
fn apply_sgr(params: &str, st: &mut SgrState, depth: ColorDepth, line: &str) {
    let nums: Vec<u32> = params
        .split(';')
        .map(|p| {
            assert!(
                !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()),
                "bad SGR parameter {p:?} in {line:?}"
            );
            p.parse().expect("digits")
        })
        .collect();
    let mut i = 0;
    while i < nums.len() {
        let n = nums[i];
        i += 1;
        match n {
            0 => *st = SgrState::default(),
            1 => st.mods |= 1,
            2 => st.mods |= 2,
            3 => st.mods |= 4,
            4 => st.mods |= 8,
            9 => st.mods |= 16,
            22 => st.mods &= !3,
            23 => st.mods &= !4,
            24 => st.mods &= !8,
            29 => st.mods &= !16,
            30..=37 | 90..=97 | 40..=47 | 100..=107 => {
                assert!(
                    matches!(
                        depth,
                        ColorDepth::TrueColor | ColorDepth::Ansi256 | ColorDepth::Ansi16
                    ),
                    "color SGR at {depth:?}: {line:?}"
                );
                let c = Some((16, n));
                if (30..=37).contains(&n) || (90..=97).contains(&n) {
                    st.fg = c;
                } else {
                    st.bg = c;
                }
            }
            39 => st.fg = None,
            49 => st.bg = None,
            38 | 48 => {
                let kind = *nums
                    .get(i)
                    .unwrap_or_else(|| panic!("truncated extended color in {line:?}"));
                i += 1;
                let value = match kind {
                    5 => {
                        assert!(
                            matches!(depth, ColorDepth::TrueColor | ColorDepth::Ansi256),
                            "256-color SGR at {depth:?}: {line:?}"
                        );
                        let v = nums[i..]
                            .first()
                            .copied()
                            .unwrap_or_else(|| panic!("truncated 38;5 in {line:?}"));
                        assert!(v <= 255, "bad palette index in {line:?}");
                        i += 1;
                        (5, v)
                    }
                    2 => {
                        assert!(
                            depth == ColorDepth::TrueColor,
                            "truecolor SGR at {depth:?}: {line:?}"
                        );
                        let rgb = nums
                            .get(i..i + 3)
                            .unwrap_or_else(|| panic!("truncated 38;2 in {line:?}"));
                        assert!(rgb.iter().all(|&v| v <= 255), "bad RGB in {line:?}");
                        i += 3;
                        (2, rgb[0] << 16 | rgb[1] << 8 | rgb[2])
                    }
                    _ => panic!("bad extended color kind {kind} in {line:?}"),
                };
                if n == 38 {
                    st.fg = Some(value);
                } else {
                    st.bg = Some(value);
                }
            }
            _ => panic!("SGR parameter {n} is not one termark writes: {line:?}"),
        }
    }
}

/// Checks one line written by [`termark::AnsiWriter::line_to_string`]: only termark's own SGR and
/// OSC 8 sequences, no other control or bidi character, the text between the escapes equals
/// `plain`, and the line ends in the terminal's default state (attributes reset, link closed).
pub fn check_ansi(ansi: &str, plain: &str, depth: ColorDepth, hyperlinks: bool) {
    let b = ansi.as_bytes();
    let mut text = String::with_capacity(plain.len());
    let mut st = SgrState::default();
    let mut link_open = false;
    let mut any_sgr = false;
    let mut last_sgr_reset = false;
    let mut i = 0;
    while i < b.len() {
        if b[i] != 0x1b {
            let next = ansi[i..].find('\x1b').map_or(b.len(), |k| i + k);
            let run = &ansi[i..next];
            if let Some(c) = run.chars().find(|&c| forbidden(c)) {
                panic!("forbidden character {c:?} in output line {ansi:?}");
            }
            text.push_str(run);
            i = next;
            continue;
        }
        assert!(
            depth != ColorDepth::Plain,
            "escape sequence at ColorDepth::Plain: {ansi:?}"
        );
        match b.get(i + 1) {
            Some(b'[') => {
                let end = ansi[i + 2..]
                    .find('m')
                    .map_or_else(|| panic!("unterminated CSI in {ansi:?}"), |k| i + 2 + k);
                let params = &ansi[i + 2..end];
                apply_sgr(params, &mut st, depth, ansi);
                any_sgr = true;
                last_sgr_reset = params == "0";
                i = end + 1;
            }
            Some(b']') => {
                assert!(hyperlinks, "OSC 8 without hyperlinks: {ansi:?}");
                assert!(
                    ansi[i..].starts_with("\x1b]8;;"),
                    "OSC other than 8 in {ansi:?}"
                );
                let body_start = i + 5;
                let end = ansi[body_start..].find("\x1b\\").map_or_else(
                    || panic!("unterminated OSC 8 in {ansi:?}"),
                    |k| body_start + k,
                );
                let url = &ansi[body_start..end];
                assert!(
                    url.bytes().all(|c| (0x21..0x7f).contains(&c)),
                    "OSC 8 URI not printable ASCII: {url:?}"
                );
                link_open = !url.is_empty();
                i = end + 2;
            }
            _ => panic!("escape other than CSI/OSC in {ansi:?}"),
        }
    }
    assert_eq!(
        text, plain,
        "ANSI output without escapes differs from plain()"
    );
    assert!(!link_open, "line ends inside an OSC 8 link: {ansi:?}");
    assert_eq!(
        st,
        SgrState::default(),
        "line does not end in the default state: {ansi:?}"
    );
    assert!(
        !any_sgr || last_sgr_reset,
        "last SGR is not a reset: {ansi:?}"
    );
}

/// Checks every line of `lines`: display width (unless code is not wrapped), the line's own
/// width record, and the ANSI output. Returns the ANSI strings.
pub fn check_lines<'a>(
    lines: impl IntoIterator<Item = Line<'a>>,
    c: &Chosen,
    what: &str,
) -> Vec<String> {
    let mut w = termark::internals::writer_for(c.depth, c.hyperlinks);
    let mut out = Vec::new();
    for (i, line) in lines.into_iter().enumerate() {
        let plain = line.plain();
        let width = UnicodeWidthStr::width(plain.as_str());
        if c.wrap_code {
            assert!(
                width <= c.width,
                "{what}: line {i} is {width} columns wide, over {}: {plain:?}",
                c.width
            );
            assert!(
                line.width() <= c.width,
                "{what}: line {i} reports width {} over {}: {plain:?}",
                line.width(),
                c.width
            );
        }
        // Trailing spaces are trimmed, except in code rows (a wrapped code line is copied
        // back whole) and where they show (a background, an underline, a strikethrough).
        let shows = line.spans().last().is_some_and(|s| {
            matches!(s.style.bg, Some(c) if c != termark::Color::Reset)
                || s.style.mods.contains(termark::Modifiers::UNDERLINE)
                || s.style.mods.contains(termark::Modifiers::STRIKETHROUGH)
        });
        assert!(
            !plain.ends_with(' ') || shows || line.kind() == termark::LineKind::Code,
            "{what}: line {i} has trailing spaces: {plain:?}"
        );
        let ansi = w.line_to_string(&line);
        check_ansi(&ansi, &plain, c.depth, c.hyperlinks);
        out.push(ansi);
    }
    out
}

/// Every line of `lines` as ANSI at true color with hyperlinks (a lossless fingerprint of
/// text, styles and links).
/// The amplification bound ([`termark::limits::OUTPUT_BYTES_PER_INPUT_BYTE`] and
/// [`termark::limits::OUTPUT_SLACK_BYTES`]): the written lines (`ansi`, as
/// [`check_lines`] returns them, plus a newline each) take at most 16 bytes per input byte
/// and 64 KiB.
pub fn check_bound(input_bytes: usize, ansi: &[String], what: &str) {
    let out: u64 = ansi.iter().map(|l| l.len() as u64 + 1).sum();
    let bound = input_bytes as u64 * termark::limits::OUTPUT_BYTES_PER_INPUT_BYTE
        + termark::limits::OUTPUT_SLACK_BYTES;
    assert!(
        out <= bound,
        "{what}: {out} output bytes for {input_bytes} input bytes, over the bound {bound}"
    );
}

pub fn fingerprint(lines: &Lines) -> Vec<String> {
    let mut w = termark::internals::fingerprint_writer();
    lines.iter().map(|l| w.line_to_string(&l)).collect()
}
