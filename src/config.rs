//! Options (a builder) and the frozen configuration every stream of a renderer shares.
//!
//! [`Options`] is validated once by [`Renderer::new`](crate::Renderer::new); the hot path
//! never checks an option again.

use crate::theme::Theme;
use crate::Error;

/// Narrowest accepted width, in columns. Below this no block decoration can fit.
pub const MIN_WIDTH: usize = 8;
/// Widest accepted width, in columns.
pub const MAX_WIDTH: usize = 4096;
/// Columns always left for text after container prefixes (quote bars, list indents): deeper
/// nesting drops the outermost prefixes from view instead of squeezing the text.
pub const MIN_CONTENT_WIDTH: usize = 6;

/// How many colors the terminal shows. Colors are downgraded by the
/// [`AnsiWriter`](crate::AnsiWriter), not during layout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ColorDepth {
    /// 24-bit color (SGR 38;2 / 48;2).
    #[default]
    TrueColor,
    /// The xterm 256-color palette (SGR 38;5 / 48;5).
    Ansi256,
    /// The 16 ANSI colors (SGR 30–37, 90–97).
    Ansi16,
    /// Attributes only (bold, italic, …), no color.
    NoColor,
    /// No escape sequence at all: plain text.
    Plain,
}

/// What happens to control characters and bidi controls found in the input
/// (see [`crate::sanitize`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ControlChars {
    /// Show them as visible symbols (`␛`, `␍`, `�`). The safe and honest default.
    #[default]
    Visible,
    /// Remove them.
    Drop,
}

/// Rendering options. Build with [`Options::new`] and the setters, then hand to
/// [`Renderer::new`](crate::Renderer::new), which validates them.
///
/// ```
/// use termark::{ColorDepth, Options, Renderer};
/// let r = Renderer::new(Options::new().width(100).color(ColorDepth::Ansi256).hyperlinks(true))?;
/// assert_eq!(r.options().width_columns(), 100);
/// # Ok::<(), termark::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Options {
    pub(crate) width: usize,
    pub(crate) tab_width: usize,
    pub(crate) theme: Theme,
    pub(crate) color: ColorDepth,
    pub(crate) hyperlinks: bool,
    pub(crate) highlight: bool,
    pub(crate) wrap_code: bool,
    pub(crate) control_chars: ControlChars,
    pub(crate) tentative_budget: Option<u32>,
}

/// Default of [`Options::tentative_budget`]: re-rendering work, in bytes of open block, per
/// pushed byte. With 16-byte pushes an open block of up to 256 bytes is re-rendered on every
/// push, and the credit saved while blocks are small pays for most longer paragraphs too
/// (in the LLM-style benchmark inputs no call is stale); a 50 KB paragraph or a 200-row
/// table is re-rendered every few hundred bytes instead of on every push (BENCHMARKS.md).
pub const DEFAULT_TENTATIVE_BUDGET: u32 = 16;

impl Default for Options {
    fn default() -> Self {
        Self::new()
    }
}

impl Options {
    /// Defaults: 80 columns, tab width 4, dark theme, truecolor, no OSC 8 hyperlinks,
    /// highlighting on, code wrapped, control characters visible.
    #[must_use]
    pub fn new() -> Self {
        Self {
            width: 80,
            tab_width: 4,
            theme: Theme::dark(),
            color: ColorDepth::TrueColor,
            hyperlinks: false,
            highlight: true,
            wrap_code: true,
            control_chars: ControlChars::Visible,
            tentative_budget: Some(DEFAULT_TENTATIVE_BUDGET),
        }
    }
    /// Width in display columns, [`MIN_WIDTH`]`..=`[`MAX_WIDTH`]. No output line is wider
    /// (except code when [`wrap_code`](Self::wrap_code) is off).
    #[must_use]
    pub fn width(mut self, columns: usize) -> Self {
        self.width = columns;
        self
    }
    /// Columns per tab stop, `1..=16`.
    #[must_use]
    pub fn tab_width(mut self, columns: usize) -> Self {
        self.tab_width = columns;
        self
    }
    /// The theme (element styles and the syntax theme for code).
    #[must_use]
    pub fn theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }
    /// Color depth of the output.
    #[must_use]
    pub fn color(mut self, depth: ColorDepth) -> Self {
        self.color = depth;
        self
    }
    /// Emit OSC 8 hyperlinks for links (`true`), or show the URL after the link text when it
    /// differs from the text (`false`, the default).
    #[must_use]
    pub fn hyperlinks(mut self, on: bool) -> Self {
        self.hyperlinks = on;
        self
    }
    /// Syntax-highlight fenced code blocks that name a known language.
    #[must_use]
    pub fn highlight(mut self, on: bool) -> Self {
        self.highlight = on;
        self
    }
    /// Break code lines longer than the width onto continuation rows behind a `↪` marker
    /// (`true`, the default). With `false`, code lines are printed whole and without the
    /// gutter, for copy and paste; the width bound then does not hold for code lines.
    #[must_use]
    pub fn wrap_code(mut self, on: bool) -> Self {
        self.wrap_code = on;
        self
    }
    /// What to do with control characters in the input.
    #[must_use]
    pub fn control_chars(mut self, mode: ControlChars) -> Self {
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
    pub fn tentative_budget(mut self, bytes_per_pushed_byte: Option<u32>) -> Self {
        self.tentative_budget = bytes_per_pushed_byte;
        self
    }

    /// The configured width in columns.
    #[must_use]
    pub fn width_columns(&self) -> usize {
        self.width
    }
    /// The configured color depth.
    #[must_use]
    pub fn color_depth(&self) -> ColorDepth {
        self.color
    }
    /// True if OSC 8 hyperlinks are on.
    #[must_use]
    pub fn hyperlinks_enabled(&self) -> bool {
        self.hyperlinks
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if !(MIN_WIDTH..=MAX_WIDTH).contains(&self.width) {
            return Err(Error::InvalidOption {
                option: "width",
                value: self.width.to_string(),
                expected: format!("a number of columns from {MIN_WIDTH} to {MAX_WIDTH}"),
            });
        }
        if !(1..=16).contains(&self.tab_width) {
            return Err(Error::InvalidOption {
                option: "tab-width",
                value: self.tab_width.to_string(),
                expected: "a number of columns from 1 to 16".into(),
            });
        }
        Ok(())
    }
}
