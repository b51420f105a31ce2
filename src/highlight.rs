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
use std::sync::{Arc, OnceLock};
use syntect::highlighting::{
    FontStyle, HighlightIterator, HighlightState, Highlighter, Theme as SynTheme, ThemeSet,
};
use syntect::parsing::{ScopeStack, SyntaxReference, SyntaxSet};
use termark_parse_state::SendParseState;

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

/// Loads the syntax set and the syntax theme `syntax_theme` now (once per process), and
/// compiles the first patterns of each language tag in `languages` by highlighting a line
/// of it, so the first code block in those languages does not wait for them.
pub(crate) fn preload(syntax_theme: &str, languages: &[&str]) {
    let _ = syntax_set();
    let _ = loaded(syntax_theme);
    for tag in languages {
        let mut state = CodeState::new(tag, true, syntax_theme);
        for line in ["x = 1 // \"s\" 'c' (a, b) {}\n", "\n"] {
            state.highlight_line(line, Style::PLAIN, [Style::PLAIN; 3], discard);
        }
    }
}

/// Names of the syntect themes that can be used as a theme's `syntax_theme`.
#[must_use]
pub(crate) fn syntax_theme_names() -> Vec<&'static str> {
    theme_set().themes.keys().map(String::as_str).collect()
}

struct Loaded {
    theme: &'static SynTheme,
    highlighter: Highlighter<'static>,
    tokens: OnceLock<TokenColors>,
}

/// The colors a syntax theme gives its token classes, for the writer's color downgrade
/// (`ansi::Palette`): a color's role decides its nearest 16 or 256 colors, not its RGB
/// value alone (a muted blue and a comment grey are about as close to grey as each other).
#[derive(Debug)]
pub(crate) struct TokenColors {
    /// True if the theme's background is dark (or, without one, its text is light).
    pub(crate) dark: bool,
    /// The comment color, if comments have one of their own.
    pub(crate) comment: Option<(u8, u8, u8)>,
    /// The colors of the classes a reader tells apart (keywords, strings, numbers, types,
    /// functions, variables, …), most important first; no duplicates, no comment or plain
    /// text color.
    pub(crate) classes: Vec<(u8, u8, u8)>,
    /// The theme's other colors, not in `classes`.
    pub(crate) others: Vec<(u8, u8, u8)>,
}

/// Scopes standing for the token classes, most important first (`TextMate` scope names,
/// which every syntect theme styles).
const CLASS_SCOPES: &[&str] = &[
    "keyword.control",
    "storage.type",
    "string.quoted.double",
    "constant.numeric",
    "entity.name.type",
    "support.type",
    "entity.name.function",
    "support.function",
    "variable.parameter",
    "variable.other",
    "constant.language",
    "constant.character.escape",
    "entity.name.tag",
    "entity.other.attribute-name",
    "keyword.operator",
    "storage.modifier",
    "entity.other.inherited-class",
    "variable.function",
    "meta.function-call",
];

/// The token colors of a syntax theme (loaded once per process, like the theme), or `None`
/// for a name that is not a syntax theme.
#[cfg(test)]
pub(crate) fn token_colors(syntax_theme: &str) -> Option<&'static TokenColors> {
    loaded(syntax_theme).map(tokens_of)
}

/// The token colors of a syntax theme if the theme is loaded already (a code block was
/// highlighted with it in this process; only then can lines hold its colors), without
/// loading it: a writer that meets no code never pays for the theme set.
pub(crate) fn token_colors_if_loaded(syntax_theme: &str) -> Option<&'static TokenColors> {
    let l: &'static Loaded = cache()
        .iter()
        .find(|(n, _)| n == syntax_theme)
        .map(|(_, l)| *l)?;
    Some(tokens_of(l))
}

fn tokens_of(l: &'static Loaded) -> &'static TokenColors {
    l.tokens.get_or_init(|| {
        let rgb = |c: syntect::highlighting::Color| (c.r, c.g, c.b);
        let fg_of = |scope: &str| {
            let scope = syntect::parsing::Scope::new(scope).ok()?;
            Some(rgb(l.highlighter.style_for_stack(&[scope]).foreground))
        };
        let foreground = l.theme.settings.foreground.map_or((0xc0, 0xc0, 0xc0), rgb);
        let comment = fg_of("comment.line").filter(|&c| c != foreground);
        let lightness = |(r, g, b): (u8, u8, u8)| {
            0.2126 * f32::from(r) + 0.7152 * f32::from(g) + 0.0722 * f32::from(b)
        };
        let dark = l
            .theme
            .settings
            .background
            .map_or(lightness(foreground) > 127.0, |bg| {
                lightness(rgb(bg)) < 128.0
            });
        let mut classes: Vec<(u8, u8, u8)> = Vec::new();
        for c in CLASS_SCOPES.iter().filter_map(|s| fg_of(s)) {
            if c != foreground && Some(c) != comment && !classes.contains(&c) {
                classes.push(c);
            }
        }
        let mut others: Vec<(u8, u8, u8)> = Vec::new();
        for item in &l.theme.scopes {
            if let Some(c) = item.style.foreground.map(rgb) {
                if c != foreground
                    && Some(c) != comment
                    && !classes.contains(&c)
                    && !others.contains(&c)
                {
                    others.push(c);
                }
            }
        }
        TokenColors {
            dark,
            comment,
            classes,
            others,
        }
    })
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
        tokens: OnceLock::new(),
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
        tokens: OnceLock::new(),
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

/// Lines run through syntect so far, in this process (a test checks that a message's
/// replay runs none).
pub(crate) static SYNTAX_LINES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Kind of per-line coloring a code block gets.
#[derive(Clone, Debug)]
enum Mode {
    Plain,
    Diff,
    Syntax {
        parse: SendParseState,
        highlight: HighlightState,
        loaded: &'static Loaded,
    },
    /// The block's highlighting, computed before (on another thread, or by an earlier
    /// render of the same source), laid out again line by line.
    Replay {
        runs: Arc<BlockRuns>,
        line: usize,
        syntax_theme: String,
    },
    /// A replayed block without its source met a line it did not record: the rest is
    /// plain, and the render that asked for the replay does its work again without one
    /// (see [`CodeState::replay_missed`]).
    Missed,
}

/// The highlighting of one fenced code block as runs: per line, a hash of its text (so a
/// replay knows it sees the same line) and its styled pieces as (byte length, index into
/// `styles`). Adjacent pieces of one line in the same style are one run; runs are split at
/// 65,535 bytes. About 4 bytes per run and 12 per line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BlockRuns {
    runs: Vec<(u16, u16)>,
    /// Per line, the hash of its text.
    hashes: Vec<u64>,
    /// Per line, the end of its runs in `runs`.
    ends: Vec<u32>,
    styles: Vec<Style>,
    /// The block's info string and code, when kept: a replay that meets a line it did not
    /// record then highlights on from there exactly, by running the lines before it
    /// through a fresh highlighter.
    source: Option<(String, Arc<str>)>,
}

impl BlockRuns {
    fn push_line(&mut self, line: &str, pieces: &[(usize, Style)]) {
        let line_start = self.ends.last().map_or(0, |&e| e as usize);
        for &(mut len, style) in pieces {
            let idx = if let Some(i) = self.styles.iter().position(|&s| s == style) {
                i
            } else {
                self.styles.push(style);
                self.styles.len() - 1
            };
            if let Some(last) = self.runs[line_start..].last_mut() {
                if usize::from(last.1) == idx {
                    let room = usize::from(u16::MAX - last.0);
                    let n = len.min(room);
                    last.0 += n as u16;
                    len -= n;
                }
            }
            while len > 0 {
                let n = len.min(usize::from(u16::MAX));
                self.runs.push((n as u16, idx as u16));
                len -= n;
            }
        }
        self.hashes.push(line_hash(line));
        self.ends.push(self.runs.len() as u32);
    }

    /// Records a line laid out from `ranges` (byte ranges of `line` with their styles, in
    /// order, covering it).
    pub(crate) fn push_ranges(&mut self, line: &str, ranges: &[(usize, usize, Style)]) {
        let mut pieces: smallvec::SmallVec<[(usize, Style); 16]> = smallvec::SmallVec::new();
        pieces.extend(
            ranges
                .iter()
                .map(|&(s, e, style)| (e.saturating_sub(s), style)),
        );
        self.push_line(line, &pieces);
    }

    /// Frees the spare capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.runs.shrink_to_fit();
        self.hashes.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.styles.shrink_to_fit();
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.runs.capacity() * 4
            + self.hashes.capacity() * 8
            + self.ends.capacity() * 4
            + self.styles.capacity() * std::mem::size_of::<Style>()
            + self
                .source
                .as_ref()
                .map_or(0, |(info, code)| info.capacity() + code.len())
    }
}

/// A fenced code block of a document: its info string and its code, as the layout feeds it
/// to the highlighter.
pub(crate) struct FencedBlock {
    pub(crate) info: String,
    pub(crate) code: String,
}

/// Every fenced code block of `text`, in order (the order in which a render of `text`
/// starts them), from one pulldown-cmark parse.
pub(crate) fn fenced_blocks(text: &str) -> Vec<FencedBlock> {
    use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
    let mut blocks = Vec::new();
    let mut open: Option<FencedBlock> = None;
    for event in pulldown_cmark::Parser::new_ext(text, crate::parse::options()) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                open = Some(FencedBlock {
                    info: info.into_string(),
                    code: String::new(),
                });
            }
            Event::Text(t) => {
                if let Some(b) = &mut open {
                    b.code.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

/// An output for lines highlighted only for their state.
fn discard(_: &str, _: Style) {}

fn line_hash(line: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(line.as_bytes());
    h.finish()
}

/// Highlights the fenced code block `code` (its lines as the layout feeds them: each with
/// its `\n`, the last maybe without) as [`CodeState::new`] with these arguments would, and
/// returns the runs; `None` when the block is not syntax-highlighted (plain or diff), which
/// needs no replay. Runs on any thread.
/// `base` is the style of unhighlighted code, as for [`CodeState::highlight_line`].
pub(crate) fn block_runs(
    info: &str,
    syntax_theme: &str,
    base: Style,
    code: &str,
) -> Option<BlockRuns> {
    let mut state = CodeState::new(info, true, syntax_theme);
    if !matches!(state.mode, Mode::Syntax { .. }) {
        return None;
    }
    let mut runs = BlockRuns {
        source: Some((info.to_owned(), Arc::from(code))),
        ..BlockRuns::default()
    };
    let mut pieces = Vec::new();
    for line in code.split_inclusive('\n') {
        pieces.clear();
        state.highlight_line(line, base, [base; 3], |text, style| {
            pieces.push((text.len(), style));
        });
        runs.push_line(line, &pieces);
    }
    Some(runs)
}

/// The resumable highlighting state of one code block (see the module's `# Caching`).
#[derive(Clone, Debug)]
pub(crate) struct CodeState {
    mode: Mode,
    bytes: usize,
    /// A replay met a line it had not recorded.
    missed: bool,
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
                missed: false,
            };
        }
        if !enabled || tag.is_empty() {
            return Self {
                mode: Mode::Plain,
                bytes: 0,
                missed: false,
            };
        }
        let mode = match (find_syntax(tag), loaded(syntax_theme)) {
            (Some(syntax), Some(l)) => Mode::Syntax {
                parse: SendParseState::new(syntax),
                highlight: HighlightState::new(&l.highlighter, ScopeStack::new()),
                loaded: l,
            },
            _ => Mode::Plain,
        };
        Self {
            mode,
            bytes: 0,
            missed: false,
        }
    }

    /// State that lays out `runs` (a [`block_runs`] of the same block) instead of
    /// highlighting.
    pub(crate) fn replay(runs: Arc<BlockRuns>, syntax_theme: &str) -> Self {
        Self {
            mode: Mode::Replay {
                runs,
                line: 0,
                syntax_theme: syntax_theme.to_owned(),
            },
            bytes: 0,
            missed: false,
        }
    }

    /// True if the block's lines get syntax highlighting (or its replay), not one style.
    pub(crate) fn is_highlighted(&self) -> bool {
        matches!(self.mode, Mode::Syntax { .. } | Mode::Replay { .. })
    }

    /// True if a replay met a line it had not recorded. With the block's source kept, the
    /// output is still what highlighting gives; without, the rest of the block is plain.
    pub(crate) fn replay_missed(&self) -> bool {
        self.missed
    }

    /// True if a replay lost the block's highlighting (it met a line it had not recorded,
    /// without the source to recover from).
    pub(crate) fn replay_lost(&self) -> bool {
        matches!(self.mode, Mode::Missed)
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
        if let Mode::Replay {
            runs,
            line: k,
            syntax_theme,
        } = &mut self.mode
        {
            // The recorded pieces already hold the block and line caps.
            let from = k.checked_sub(1).map_or(0, |p| runs.ends[p] as usize);
            match runs.hashes.get(*k).zip(runs.ends.get(*k)) {
                Some((&hash, &to)) if hash == line_hash(line) => {
                    let mut pos = 0;
                    for &(len, idx) in &runs.runs[from..to as usize] {
                        let end = (pos + usize::from(len)).min(line.len());
                        if end > pos {
                            out(&line[pos..end], runs.styles[usize::from(idx)]);
                        }
                        pos = end;
                    }
                    *k += 1;
                    return;
                }
                _ => {
                    self.missed = true;
                    *self = match &runs.source {
                        // Highlight on from here as if there had been no replay: the
                        // lines before this one are the recorded ones (they matched).
                        Some((info, code)) => {
                            let mut live = CodeState::new(info, true, syntax_theme);
                            for l in code.split_inclusive('\n').take(*k) {
                                live.highlight_line(l, base, diff, discard);
                            }
                            live.missed = true;
                            live
                        }
                        None => CodeState {
                            mode: Mode::Missed,
                            bytes: 0,
                            missed: true,
                        },
                    };
                }
            }
        }
        self.bytes += line.len();
        if self.bytes > MAX_HIGHLIGHT_BLOCK_BYTES {
            self.mode = match self.mode {
                Mode::Missed => Mode::Missed,
                _ => Mode::Plain,
            };
        }
        match &mut self.mode {
            Mode::Plain | Mode::Missed => out(line, base),
            // (Handled above: a replay either returned or missed.)
            Mode::Replay { .. } => out(line, base),
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
                SYNTAX_LINES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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
    fn adjacent_pieces_in_one_style_are_one_run() {
        let a = Style::new().fg(crate::Color::Ansi(1));
        let b = Style::new().fg(crate::Color::Ansi(2));
        let mut runs = BlockRuns::default();
        runs.push_line("let x = 1;\n", &[(3, a), (1, a), (1, b), (6, b)]);
        runs.push_line("x\n", &[(1, b), (1, b)]);
        // Merged within a line, never across lines.
        assert_eq!(runs.runs, [(4, 0), (7, 1), (2, 1)]);
        assert_eq!(runs.ends, [2, 3]);
        // A piece longer than a run holds fills the run, then starts new ones.
        let mut long = BlockRuns::default();
        long.push_line("", &[(65_000, a), (1_000, a)]);
        assert_eq!(long.runs, [(65_535, 0), (465, 0)]);
    }

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
