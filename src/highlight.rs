//! Syntax highlighting of fenced code with syntect, one line at a time.
//!
//! The syntax set (bat's, via `two-face`, which adds TypeScript, TOML, Dockerfile and more
//! to syntect's defaults) and the themes are loaded lazily, once per process, the first time
//! a code block names a language; a message without code, or `highlight(false)`, never pays
//! for them. They are immutable once loaded.
//!
//! # Caching
//! [`CodeState`] is the resumable state of one code block: syntect's `ParseState` and
//! `HighlightState` after the last highlighted line. A stream keeps it between pushes so a
//! growing code block is highlighted line by line and never from its top; the tentative
//! partial line is highlighted from a clone. `finalize()` drops it.

use crate::style::{Color, Modifiers, Style};
use std::sync::OnceLock;
use syntect::highlighting::{
    FontStyle, HighlightIterator, HighlightState, Highlighter, Theme as SynTheme, ThemeSet,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};

/// Lines longer than this many bytes are not highlighted (the figure bat and syntect's
/// maintainers use): a regex grammar can take minutes on one pathological line.
pub const MAX_HIGHLIGHT_LINE_BYTES: usize = 16 * 1024;
/// A code block is highlighted up to this many bytes; the rest renders as plain code.
pub const MAX_HIGHLIGHT_BLOCK_BYTES: usize = 512 * 1024;

fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

fn theme_set() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// Names of the syntect themes that can be used as a theme's `syntax_theme`.
#[must_use]
pub(crate) fn syntax_theme_names() -> Vec<&'static str> {
    theme_set().themes.keys().map(String::as_str).collect()
}

struct Loaded {
    theme: &'static SynTheme,
    highlighter: Highlighter<'static>,
}

type Cache = std::sync::Mutex<Vec<(String, &'static Loaded)>>;

fn cache() -> std::sync::MutexGuard<'static, Vec<(String, &'static Loaded)>> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Loads a `.tmTheme` file once per process, so a theme can name it as its syntax theme.
///
/// # Errors
/// [`Error::Theme`](crate::Error::Theme) if the file cannot be read or parsed.
pub(crate) fn load_tmtheme(path: &str) -> Result<(), crate::Error> {
    let mut guard = cache();
    if guard.iter().any(|(n, _)| n == path) {
        return Ok(());
    }
    let theme = ThemeSet::get_theme(path).map_err(|e| crate::Error::Theme {
        path: path.to_owned(),
        line: 0,
        message: e.to_string(),
    })?;
    // Leaked once per file per process, like the built-in themes below.
    let theme: &'static SynTheme = Box::leak(Box::new(theme));
    let l: &'static Loaded = Box::leak(Box::new(Loaded {
        theme,
        highlighter: Highlighter::new(theme),
    }));
    guard.push((path.to_owned(), l));
    Ok(())
}

fn loaded(theme_name: &str) -> Option<&'static Loaded> {
    let mut guard = cache();
    if let Some((_, l)) = guard.iter().find(|(n, _)| n == theme_name) {
        return Some(l);
    }
    let theme = theme_set().themes.get(theme_name)?;
    // Leaked once per theme name per process: themes are few and live as long as the process.
    let l: &'static Loaded = Box::leak(Box::new(Loaded {
        theme,
        highlighter: Highlighter::new(theme),
    }));
    guard.push((theme_name.to_owned(), l));
    Some(l)
}

/// The language tag of an info string: its first word, without attributes such as
/// `rust,ignore` or `python {.class}`.
#[must_use]
pub(crate) fn language_tag(info: &str) -> &str {
    let info = info.trim_start();
    let end = info
        .find(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .unwrap_or(info.len());
    let tag = &info[..end];
    tag.strip_prefix('.').unwrap_or(tag)
}

/// Maps the tags people write to a syntect token.
fn alias(tag: &str) -> &str {
    match tag {
        "python3" | "py3" => "py",
        "c++" | "cxx" | "hpp" => "cpp",
        "console" | "shell" | "zsh" | "sh" | "shell-session" | "bash" => "bash",
        "jsonc" | "json5" => "json",
        "patch" => "diff",
        "yml" => "yaml",
        "docker" | "dockerfile" | "containerfile" => "Dockerfile",
        "makefile" | "make" | "mk" => "Makefile",
        "kotlin" | "kt" => "kt",
        "golang" => "go",
        "typescript" => "ts",
        "javascript" | "node" => "js",
        "rb" => "ruby",
        "ps1" | "powershell" | "pwsh" => "ps1",
        "text" | "txt" | "plain" | "plaintext" => "txt",
        "hs" => "haskell",
        "ex" | "exs" => "elixir",
        other => other,
    }
}

/// Finds the syntax for a language tag, or `None` (plain code).
fn find_syntax(tag: &str) -> Option<&'static SyntaxReference> {
    if tag.is_empty() {
        return None;
    }
    let set = syntax_set();
    let lower;
    let tag = if tag.bytes().any(|b| b.is_ascii_uppercase()) {
        lower = tag.to_ascii_lowercase();
        &lower
    } else {
        tag
    };
    let token = alias(tag);
    set.find_syntax_by_token(token)
        .or_else(|| set.find_syntax_by_extension(token))
        .filter(|s| s.name != "Plain Text")
}

/// Kind of per-line coloring a code block gets.
#[derive(Clone, Debug)]
enum Mode {
    Plain,
    Diff,
    Syntax {
        parse: ParseState,
        highlight: HighlightState,
        loaded: &'static Loaded,
    },
}

/// The resumable highlighting state of one code block (see the module's `# Caching`).
#[derive(Clone, Debug)]
pub(crate) struct CodeState {
    mode: Mode,
    bytes: usize,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Loaded")
    }
}

impl CodeState {
    /// State for a block with this info string. `enabled: false` gives plain code; `diff`
    /// (and `patch`, `udiff`) always gets the theme's line styles, which need no grammar.
    #[must_use]
    pub(crate) fn new(info: &str, enabled: bool, syntax_theme: &str) -> Self {
        let tag = language_tag(info);
        // Diffs take the theme's own diff styles, highlighted or not, so a theme's
        // `diff_added`, `diff_removed` and `diff_hunk` always apply.
        if matches!(tag, "diff" | "patch" | "udiff") {
            return Self {
                mode: Mode::Diff,
                bytes: 0,
            };
        }
        if !enabled || tag.is_empty() {
            return Self {
                mode: Mode::Plain,
                bytes: 0,
            };
        }
        let mode = match (find_syntax(tag), loaded(syntax_theme)) {
            (Some(syntax), Some(l)) => Mode::Syntax {
                parse: ParseState::new(syntax),
                highlight: HighlightState::new(&l.highlighter, ScopeStack::new()),
                loaded: l,
            },
            _ => Mode::Plain,
        };
        Self { mode, bytes: 0 }
    }

    /// Highlights one line (`line` ends in `\n`, except a block's unfinished last line) and
    /// calls `out` with each styled range of it, in order. Ranges cover the whole line.
    /// `base` is the style of unhighlighted code; `diff` gives the styles of added, removed
    /// and hunk lines.
    pub(crate) fn highlight_line(
        &mut self,
        line: &str,
        base: Style,
        diff: [Style; 3],
        mut out: impl FnMut(&str, Style),
    ) {
        self.bytes += line.len();
        if self.bytes > MAX_HIGHLIGHT_BLOCK_BYTES {
            self.mode = Mode::Plain;
        }
        match &mut self.mode {
            Mode::Plain => out(line, base),
            Mode::Diff => {
                let style = if line.starts_with("+++") || line.starts_with("---") {
                    base.add_modifier(Modifiers::BOLD)
                } else if line.starts_with('+') {
                    diff[0]
                } else if line.starts_with('-') {
                    diff[1]
                } else if line.starts_with("@@") {
                    diff[2]
                } else {
                    base
                };
                out(line, style);
            }
            Mode::Syntax {
                parse,
                highlight,
                loaded,
            } => {
                if line.len() > MAX_HIGHLIGHT_LINE_BYTES {
                    out(line, base);
                    return;
                }
                let Ok(ops) = parse.parse_line(line, syntax_set()) else {
                    self.mode = Mode::Plain;
                    out(line, base);
                    return;
                };
                for (st, text) in HighlightIterator::new(highlight, &ops, line, &loaded.highlighter)
                {
                    out(text, convert(st, loaded.theme));
                }
            }
        }
    }
}

fn convert(st: syntect::highlighting::Style, _theme: &SynTheme) -> Style {
    let c = st.foreground;
    let mut mods = Modifiers::NONE;
    if st.font_style.contains(FontStyle::BOLD) {
        mods = mods | Modifiers::BOLD;
    }
    if st.font_style.contains(FontStyle::ITALIC) {
        mods = mods | Modifiers::ITALIC;
    }
    if st.font_style.contains(FontStyle::UNDERLINE) {
        mods = mods | Modifiers::UNDERLINE;
    }
    Style::new()
        .fg(Color::Rgb(c.r, c.g, c.b))
        .add_modifier(mods)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_resolve() {
        for tag in [
            "rust",
            "rs",
            "py",
            "python3",
            "js",
            "jsx",
            "ts",
            "tsx",
            "sh",
            "bash",
            "zsh",
            "shell",
            "console",
            "json",
            "jsonc",
            "yaml",
            "yml",
            "toml",
            "diff",
            "patch",
            "c",
            "c++",
            "cpp",
            "go",
            "java",
            "kotlin",
            "sql",
            "html",
            "xml",
            "css",
            "dockerfile",
            "makefile",
            "ruby",
            "php",
        ] {
            assert!(find_syntax(tag).is_some(), "no syntax for {tag}");
        }
        assert!(find_syntax("no-such-language").is_none());
        assert_eq!(language_tag("rust,ignore"), "rust");
        assert_eq!(language_tag("python {.class}"), "python");
        assert_eq!(language_tag("{.python}"), "");
    }
}
