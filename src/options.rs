//! Options (a builder) and the frozen configuration every stream of a renderer shares.
//!
//! [`Options`] is validated once by [`Renderer::new`](crate::Renderer::new); the hot path
//! never checks an option again. Every setter is `with_<name>` and its getter is `<name>`.

use crate::theme::Theme;
use crate::Error;

/// Narrowest accepted width, in display columns. Below this no block decoration can fit.
pub const MIN_WIDTH: usize = 8;
/// Widest accepted width, in display columns.
pub const MAX_WIDTH: usize = 4096;
/// Columns always left for text after container prefixes (quote bars, list indents): deeper
/// nesting drops the outermost prefixes from view instead of squeezing the text.
pub(crate) const MIN_CONTENT_WIDTH: usize = 6;
/// Most threads [`Options::with_highlight_threads`] accepts.
pub const MAX_HIGHLIGHT_THREADS: usize = 64;
/// Accepted tab widths, in columns.
pub const TAB_WIDTHS: std::ops::RangeInclusive<usize> = 1..=16;

/// How many colors the terminal shows, and whether escape sequences may be written at all.
///
/// Layout keeps 24-bit colors; the [`AnsiWriter`](crate::AnsiWriter) of the same renderer
/// ([`Renderer::writer`](crate::Renderer::writer)) downgrades them to this depth.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ColorDepth {
    /// 24-bit color (SGR 38;2 / 48;2).
    #[default]
    TrueColor,
    /// The xterm 256-color palette (SGR 38;5 / 48;5). Colors map to the nearest entry in
    /// Oklab; a syntax theme's colored token colors map to a colored entry of their hue
    /// that is not dimmer than they are (never to the grey ramp of comments).
    Ansi256,
    /// The 16 ANSI colors (SGR 30–37, 90–97). A syntax theme's token colors map by role:
    /// comments to bright black (SGR 90, also the code frame's color), every other token
    /// class to the ANSI color of its hue, the main classes (keywords, strings, numbers,
    /// types, functions) each to a color of its own.
    Ansi16,
    /// Attributes only (bold, italic, underline, strikethrough), no color: what `NO_COLOR`
    /// asks for, which forbids color, not emphasis. An element whose theme style is a
    /// color alone (inline code in the built-in themes) is marked as in [`Plain`](Self::Plain).
    NoColor,
    /// No escape sequence at all: plain text. What would vanish with the styles is marked
    /// as in Markdown: inline code between backticks (`` `code` ``, a longer run of
    /// backticks around code that holds one), strikethrough between `~~`. OSC 8 hyperlinks
    /// are impossible then, so link destinations are shown as text even when
    /// [`Options::with_hyperlinks`] is on.
    Plain,
}

/// What happens to control characters and bidi controls found in the input.
///
/// | input | `Visible` (default) | `Drop` |
/// |---|---|---|
/// | C0 controls U+0000–U+001F but tab and newline (ESC, BEL, bare CR, …) | the matching Control Picture, e.g. ESC → `␛` (U+241B) | removed |
/// | DEL U+007F | `␡` (U+2421) | removed |
/// | C1 controls U+0080–U+009F (8-bit CSI, OSC, DCS, …) | U+FFFD `�` | removed |
/// | bidi embeddings/overrides U+202A–U+202E, isolates U+2066–U+2069 | U+FFFD `�` | removed |
///
/// Control functions are those of ECMA-48 §5; no input-derived byte ever reaches the
/// terminal as one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ControlChars {
    /// Show them as visible symbols (`␛`, `␍`, `�`). The safe and honest default.
    #[default]
    Visible,
    /// Remove them.
    Drop,
}

/// How a link's destination is shown when it is not an OSC 8 hyperlink (hyperlinks off, a
/// scheme outside [`HYPERLINK_SCHEMES`](crate::HYPERLINK_SCHEMES), or
/// [`ColorDepth::Plain`]).
///
/// | source | `Reference` (default) | `Inline` |
/// |---|---|---|
/// | `see [the docs](https://d.example) now` | `see the docs[1] now`, then a line `[1]: https://d.example` after the block | `see the docs (https://d.example) now` |
///
/// A destination is listed once per message in the reference form (a later link to it
/// reuses its mark) and shown once per paragraph, heading or table in the inline form.
/// Either way a link whose text is its destination
/// (`<https://x.example>`) shows no mark, a same-page anchor (`#quickstart`) shows its text
/// alone, and an image inside a link (a badge) shows its alt text with the link's
/// destination only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LinkStyle {
    /// The link text with a short mark (`[1]`, numbered through the message), and each
    /// destination listed as a line `[1]: https://…` right after the paragraph, heading or
    /// table that first links to it (kind [`LineKind::LinkReference`](crate::LineKind));
    /// a message remembers 4,096 destinations, past which one is listed again after each
    /// block that links to it. The text keeps its flow, and table cells are sized without
    /// URLs.
    #[default]
    Reference,
    /// The destination in parentheses right after the link text: `the docs (https://…)`.
    Inline,
}

/// Where a table drawn as a grid has a rule between two body rows
/// ([`Options::with_table_rules`]). The header is always ruled off from the body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TableRules {
    /// Only next to a row that takes more than one line (default): a table whose rows all
    /// fit on one line has no rule between them.
    #[default]
    Auto,
    /// Between every two rows.
    Always,
    /// Never between body rows.
    Never,
}

/// Rendering options. Build with [`Options::new`] and the `with_*` setters, then hand to
/// [`Renderer::new`](crate::Renderer::new), which validates them. Each setter has a getter
/// of the same name without `with_`.
///
/// ```
/// use termark::{ColorDepth, Options, Renderer};
/// let r = Renderer::new(
///     Options::new().with_width(100).with_color(ColorDepth::Ansi256).with_hyperlinks(true),
/// )?;
/// assert_eq!(r.options().width(), 100);
/// assert_eq!(r.options().color(), ColorDepth::Ansi256);
/// # Ok::<(), termark::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Options {
    pub(crate) width: usize,
    pub(crate) tab_width: usize,
    pub(crate) theme: Theme,
    pub(crate) color: ColorDepth,
    pub(crate) hyperlinks: bool,
    pub(crate) link_style: LinkStyle,
    pub(crate) highlight: bool,
    pub(crate) wrap_code: bool,
    pub(crate) control_chars: ControlChars,
    pub(crate) tentative_budget: Option<u32>,
    pub(crate) highlight_threads: usize,
    pub(crate) heal: bool,
    pub(crate) tail_rows: Option<usize>,
    pub(crate) keep_message: bool,
    pub(crate) table_rules: TableRules,
}

/// Default of [`Options::with_tentative_budget`]: re-rendering work, in bytes of open
/// block, per pushed byte. With 16-byte pushes an open block of up to 256 bytes is
/// re-rendered on every push, and the credit saved while blocks are small pays for most
/// longer paragraphs too; a 50 KB paragraph or a 200-row table is re-rendered every few
/// hundred bytes instead of on every push (BENCHMARKS.md).
pub const DEFAULT_TENTATIVE_BUDGET: u32 = 16;

impl Default for Options {
    fn default() -> Self {
        Self::new()
    }
}

impl Options {
    /// Defaults: 80 columns, tab width 4, dark theme, truecolor, no OSC 8 hyperlinks,
    /// highlighting on, code wrapped, table rules [`TableRules::Auto`], control characters visible, tentative budget
    /// [`DEFAULT_TENTATIVE_BUDGET`].
    #[must_use]
    pub fn new() -> Self {
        Self {
            width: 80,
            tab_width: 4,
            theme: Theme::dark(),
            color: ColorDepth::TrueColor,
            hyperlinks: false,
            link_style: LinkStyle::Reference,
            highlight: true,
            wrap_code: true,
            control_chars: ControlChars::Visible,
            tentative_budget: Some(DEFAULT_TENTATIVE_BUDGET),
            highlight_threads: 1,
            heal: true,
            tail_rows: None,
            keep_message: false,
            table_rules: TableRules::Auto,
        }
    }

    /// Width in display columns, [`MIN_WIDTH`]`..=`[`MAX_WIDTH`] (checked by
    /// [`Renderer::new`](crate::Renderer::new)). No output line is wider, except code lines
    /// when [`with_wrap_code(false)`](Self::with_wrap_code).
    #[must_use]
    pub fn with_width(mut self, columns: usize) -> Self {
        self.width = columns;
        self
    }
    /// Columns per tab stop, in [`TAB_WIDTHS`] (checked by
    /// [`Renderer::new`](crate::Renderer::new)).
    #[must_use]
    pub fn with_tab_width(mut self, columns: usize) -> Self {
        self.tab_width = columns;
        self
    }
    /// The theme: element styles and the syntax theme for code.
    #[must_use]
    pub fn with_theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }
    /// Color depth of the output. The renderer's [`writer`](crate::Renderer::writer)
    /// writes at this depth.
    #[must_use]
    pub fn with_color(mut self, depth: ColorDepth) -> Self {
        self.color = depth;
        self
    }
    /// `true`: links become OSC 8 hyperlinks (the destination travels in
    /// [`Span::link`](crate::Span::link) and the renderer's writer emits it), unless the
    /// color depth is [`ColorDepth::Plain`], which allows no escape sequence. Only
    /// destinations with a scheme of [`HYPERLINK_SCHEMES`](crate::HYPERLINK_SCHEMES)
    /// (`http`, `https`, `mailto`) and at most
    /// [`MAX_URL_BYTES`](crate::limits::MAX_URL_BYTES) become hyperlinks; any other (a
    /// `javascript:` or `file:` URL, a relative path) is shown as text, never hidden behind
    /// a link. A hyperlink whose text reads as a URL of another host
    /// (`[https://good.example](https://evil.example)`) also shows its destination.
    /// `false` (the default): the destination is shown as text, as
    /// [`with_link_style`](Self::with_link_style) says, when it differs from the link text.
    /// Either way every destination reaches the output, except a same-page anchor
    /// (`#quickstart`), which names nothing a terminal can open, and the source of an image
    /// inside a link (a badge), which shows the link's destination; a destination shown as
    /// text is shown once per message or per block, as [`LinkStyle`] says. Past the
    /// output bound ([`limits::OUTPUT_BYTES_PER_INPUT_BYTE`](crate::limits::OUTPUT_BYTES_PER_INPUT_BYTE))
    /// a hyperlink whose URL the bound cannot pay for again is shown as a reference mark.
    #[must_use]
    pub fn with_hyperlinks(mut self, on: bool) -> Self {
        self.hyperlinks = on;
        self
    }
    /// How destinations that are not OSC 8 hyperlinks are shown (see [`LinkStyle`]):
    /// reference marks with the destinations listed after the block (the default), or
    /// inline in parentheses.
    #[must_use]
    pub fn with_link_style(mut self, style: LinkStyle) -> Self {
        self.link_style = style;
        self
    }
    /// Syntax-highlight fenced code blocks that name a known language (default on).
    #[must_use]
    pub fn with_highlight(mut self, on: bool) -> Self {
        self.highlight = on;
        self
    }
    /// Break code lines longer than the width onto continuation rows behind a `↪` marker
    /// (`true`, the default). With `false`, code lines are printed whole and without the
    /// gutter, for copy and paste; the width bound then does not hold for code lines.
    #[must_use]
    pub fn with_wrap_code(mut self, on: bool) -> Self {
        self.wrap_code = on;
        self
    }
    /// Rules between the body rows of a table grid (default [`TableRules::Auto`]: only
    /// next to a row that takes more than one line).
    #[must_use]
    pub fn with_table_rules(mut self, rules: TableRules) -> Self {
        self.table_rules = rules;
        self
    }
    /// What to do with control characters in the input.
    #[must_use]
    pub fn with_control_chars(mut self, mode: ControlChars) -> Self {
        self.control_chars = mode;
        self
    }
    /// Bounds the work of [`Stream::tentative`](crate::Stream::tentative), which has to
    /// parse and lay out the whole open block again. `Some(n)`: over a message, the
    /// re-rendering costs at most `n` bytes of open block per byte pushed, so asking for the
    /// tail after every push stays linear in the message size even when one block (a 50 KB
    /// paragraph, a 1,000-row table) stays open for long. A call that the budget cannot pay
    /// for returns the tail as of an earlier push of the same open block (never lines that
    /// were committed since); a call with no push since the previous call, or after a
    /// commit, is always exact. `None`: always exact, at O(open block) per call. Default:
    /// `Some(`[`DEFAULT_TENTATIVE_BUDGET`]`)`. Committed lines are never affected.
    #[must_use]
    pub fn with_tentative_budget(mut self, bytes_per_pushed_byte: Option<u32>) -> Self {
        self.tentative_budget = bytes_per_pushed_byte;
        self
    }

    /// Heal the tentative tail (default on): while a block is open, its lines are shown as
    /// if its open inline constructs were closed, so `**bold` streams in bold instead of
    /// showing its asterisks until the closer comes. Emphasis, strong, strikethrough, code
    /// spans, links and images are closed (innermost first, only where the parser then
    /// matches them); a setext underline being typed is held back. Display only: committed
    /// lines and everything after [`Stream::finalize`](crate::Stream::finalize) are the
    /// exact rendering of the text, healed or not.
    #[must_use]
    pub fn with_heal(mut self, on: bool) -> Self {
        self.heal = on;
        self
    }

    /// Caps the tentative tail at its last `rows` rows, below one marker line that says how
    /// many rows are hidden above (`Some(n)`: at most `n` lines in all; at least 2).
    /// `None` (the default): the whole open block. For an app that gives the streaming
    /// block a fixed part of the screen; committed lines are never capped.
    #[must_use]
    pub fn with_tail_rows(mut self, rows: Option<usize>) -> Self {
        self.tail_rows = rows;
        self
    }

    /// Streams keep each message's compact form (default off): its text, and the
    /// highlighting of its fenced code blocks as they were laid out, taken after
    /// [`Stream::finalize`](crate::Stream::finalize) with
    /// [`Stream::take_message`](crate::Stream::take_message). It costs about the text again
    /// while the message streams; in exchange the finished message renders at any width
    /// at layout speed ([`Renderer::render_message`](crate::Renderer::render_message)).
    #[must_use]
    pub fn with_keep_message(mut self, on: bool) -> Self {
        self.keep_message = on;
        self
    }

    /// Threads a one-shot [`Renderer::render`](crate::Renderer::render) may use to
    /// highlight a document's fenced code blocks, `1..=`[`MAX_HIGHLIGHT_THREADS`]. With
    /// more than one, the blocks are highlighted side by side first (scoped threads that
    /// end before `render` returns), then the document is laid out with their highlighting;
    /// the lines are the same as with one thread. Streams always highlight on the thread
    /// that pushes. Default 1: termark starts no thread unless asked to. (The binary asks
    /// for one per core when it renders a file.)
    #[must_use]
    pub fn with_highlight_threads(mut self, threads: usize) -> Self {
        self.highlight_threads = threads;
        self
    }

    /// The width in display columns.
    #[must_use]
    pub fn width(&self) -> usize {
        self.width
    }
    /// Columns per tab stop.
    #[must_use]
    pub fn tab_width(&self) -> usize {
        self.tab_width
    }
    /// The theme.
    #[must_use]
    pub fn theme(&self) -> &Theme {
        &self.theme
    }
    /// The color depth.
    #[must_use]
    pub fn color(&self) -> ColorDepth {
        self.color
    }
    /// True if OSC 8 hyperlinks were asked for (see [`with_hyperlinks`](Self::with_hyperlinks)
    /// for when they are written).
    #[must_use]
    pub fn hyperlinks(&self) -> bool {
        self.hyperlinks
    }
    /// How destinations that are not hyperlinks are shown.
    #[must_use]
    pub fn link_style(&self) -> LinkStyle {
        self.link_style
    }
    /// True if code is syntax-highlighted.
    #[must_use]
    pub fn highlight(&self) -> bool {
        self.highlight
    }
    /// True if long code lines are wrapped.
    #[must_use]
    pub fn wrap_code(&self) -> bool {
        self.wrap_code
    }
    /// Where table grids have rules between body rows.
    #[must_use]
    pub fn table_rules(&self) -> TableRules {
        self.table_rules
    }
    /// The control-character mode.
    #[must_use]
    pub fn control_chars(&self) -> ControlChars {
        self.control_chars
    }
    /// Threads a one-shot render may highlight code on.
    #[must_use]
    pub fn highlight_threads(&self) -> usize {
        self.highlight_threads
    }
    /// True if streams keep each message's compact form.
    #[must_use]
    pub fn keep_message(&self) -> bool {
        self.keep_message
    }
    /// True if the tentative tail is healed.
    #[must_use]
    pub fn heal(&self) -> bool {
        self.heal
    }
    /// The tentative tail's row cap.
    #[must_use]
    pub fn tail_rows(&self) -> Option<usize> {
        self.tail_rows
    }
    /// The tentative tail's work budget, in bytes of open block per pushed byte.
    #[must_use]
    pub fn tentative_budget(&self) -> Option<u32> {
        self.tentative_budget
    }

    /// True if links are written as OSC 8 hyperlinks: asked for, and escape sequences are
    /// allowed. The one place both layout (which then leaves the destination out of the
    /// text) and the writer (which then emits OSC 8) read.
    pub(crate) fn osc8_links(&self) -> bool {
        self.hyperlinks && self.color != ColorDepth::Plain
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if !(MIN_WIDTH..=MAX_WIDTH).contains(&self.width) {
            return Err(Error::InvalidOption {
                option: "width",
                value: self.width.to_string(),
                expected: format!("a number of columns from {MIN_WIDTH} to {MAX_WIDTH}"),
            });
        }
        if !TAB_WIDTHS.contains(&self.tab_width) {
            return Err(Error::InvalidOption {
                option: "tab-width",
                value: self.tab_width.to_string(),
                expected: format!(
                    "a number of columns from {} to {}",
                    TAB_WIDTHS.start(),
                    TAB_WIDTHS.end()
                ),
            });
        }
        if let Some(rows) = self.tail_rows.filter(|&r| r < 2) {
            return Err(Error::InvalidOption {
                option: "tail-rows",
                value: rows.to_string(),
                expected: "at least 2 rows (the marker line and one row)".to_owned(),
            });
        }
        if !(1..=MAX_HIGHLIGHT_THREADS).contains(&self.highlight_threads) {
            return Err(Error::InvalidOption {
                option: "highlight-threads",
                value: self.highlight_threads.to_string(),
                expected: format!("a number of threads from 1 to {MAX_HIGHLIGHT_THREADS}"),
            });
        }
        Ok(())
    }
}
