//! What the terminal can show: color depth, hyperlinks, width.
//!
//! The color conventions are those every command-line tool shares, as `anstyle-query`
//! implements them: `NO_COLOR` (non-empty) turns color off (emphasis stays),
//! `CLICOLOR_FORCE` (non-empty) turns styling on off a terminal, `CLICOLOR=0` turns color
//! off, `TERM=dumb` or an unset `TERM` means no escape sequence at all. The depth: `COLORTERM=truecolor|24bit` is 24-bit, a `TERM` naming
//! `256color` is 256 colors, and the terminals `anstyle-query` does not know but that draw
//! 24-bit color (kitty, alacritty, foot, wezterm, ghostty, and any `TERM` naming `direct`)
//! are 24-bit too; anything else gets the 16 ANSI colors, which every color terminal shows.

use termark::ColorDepth;

/// The `--color`, `--hyperlinks`, `--live` and `--paging` choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum When {
    /// Decide from the terminal and the environment.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

/// The depth for `--color` (`--plain` aside), given whether stdout is a terminal.
///
/// Styling (escape sequences at all) and color are two decisions. Escapes are written with
/// `--color always` or `never`, and under `auto` to a terminal that shows them (`TERM` set
/// and not `dumb`) or with `CLICOLOR_FORCE`. Color is then off with `--color never`,
/// `NO_COLOR` or `CLICOLOR=0`: those forbid color, not emphasis, so bold, italic,
/// underline and strikethrough stay ([`ColorDepth::NoColor`]). No escapes at all is
/// [`ColorDepth::Plain`].
pub(crate) fn depth(when: When, tty: bool) -> ColorDepth {
    match when {
        When::Always => color_depth(),
        When::Never => ColorDepth::NoColor,
        When::Auto => {
            let styled =
                anstyle_query::clicolor_force() || (tty && anstyle_query::term_supports_color());
            if !styled {
                ColorDepth::Plain
            } else if anstyle_query::no_color() || anstyle_query::clicolor() == Some(false) {
                ColorDepth::NoColor
            } else {
                color_depth()
            }
        }
    }
}

/// The color depth the terminal shows, once color is on.
fn color_depth() -> ColorDepth {
    let term = var("TERM");
    if anstyle_query::truecolor()
        || ["direct", "kitty", "alacritty", "foot", "wezterm", "ghostty"]
            .iter()
            .any(|t| term.contains(t))
    {
        ColorDepth::TrueColor
    } else if term.contains("256color") {
        ColorDepth::Ansi256
    } else if term == "dumb" {
        ColorDepth::NoColor
    } else {
        ColorDepth::Ansi16
    }
}

/// Whether to write OSC 8 hyperlinks. `FORCE_HYPERLINK` set to anything but `0` turns them
/// on, `0` off (the convention of the `supports-hyperlinks` crate); otherwise `auto` turns
/// them on for terminals known to support them, never inside tmux or screen (which pass
/// OSC 8 on only when configured to).
pub(crate) fn hyperlinks_on(when: When, tty: bool) -> bool {
    match when {
        When::Always => true,
        When::Never => false,
        When::Auto => {
            if let Ok(force) = std::env::var("FORCE_HYPERLINK") {
                return force.trim() != "0";
            }
            let term = var("TERM");
            if !tty || term.starts_with("screen") || term.starts_with("tmux") {
                return false;
            }
            matches!(
                var("TERM_PROGRAM").as_str(),
                "iTerm.app" | "WezTerm" | "vscode" | "ghostty" | "Hyper"
            ) || var("VTE_VERSION").parse::<u32>().is_ok_and(|v| v >= 5000)
                || !var("KITTY_WINDOW_ID").is_empty()
                || !var("WT_SESSION").is_empty()
                || ["kitty", "foot", "alacritty"]
                    .iter()
                    .any(|t| term.contains(t))
        }
    }
}

/// The width: `--width`, else the terminal's, else `$COLUMNS`, else 80.
pub(crate) fn width(given: Option<usize>, tty: bool) -> usize {
    if let Some(w) = given {
        return w;
    }
    if tty {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
            return w as usize;
        }
    }
    var("COLUMNS")
        .trim()
        .parse()
        .ok()
        .filter(|&w| w > 0)
        .unwrap_or(80)
}
