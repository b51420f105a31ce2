//! Styles: colors and text attributes of a span, independent of the terminal.
//!
//! A [`Style`] says what a span should look like. How much of it a terminal can show (color
//! depth) is decided only when the [`AnsiWriter`](crate::AnsiWriter) serializes it, so one
//! rendered line can be written at any depth.

/// A color, as a theme or a syntax highlighter names it.
///
/// The writer downgrades colors the terminal cannot show (see
/// [`ColorDepth`](crate::ColorDepth)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Color {
    /// The terminal's default color (SGR 39 / 49).
    #[default]
    Default,
    /// One of the 16 ANSI colors, `0..=15` (0–7 normal, 8–15 bright). Values above 15 are
    /// taken modulo 16.
    Ansi(u8),
    /// An entry of the xterm 256-color palette.
    Indexed(u8),
    /// A 24-bit color.
    Rgb(u8, u8, u8),
}

/// Text attributes as a small bit set (SGR 1, 2, 3, 4, 9).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Modifiers(u8);

impl Modifiers {
    /// No attribute.
    pub const NONE: Self = Self(0);
    /// Bold (SGR 1).
    pub const BOLD: Self = Self(1);
    /// Dim / faint (SGR 2).
    pub const DIM: Self = Self(1 << 1);
    /// Italic (SGR 3).
    pub const ITALIC: Self = Self(1 << 2);
    /// Underline (SGR 4).
    pub const UNDERLINE: Self = Self(1 << 3);
    /// Strikethrough (SGR 9).
    pub const STRIKETHROUGH: Self = Self(1 << 4);

    /// True if every attribute of `other` is set in `self`.
    #[must_use]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
    /// The union of both sets.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
    /// The attributes of `self` that are not in `other`.
    #[must_use]
    pub const fn difference(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }
    /// True if no attribute is set.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The raw bits (bit 0 bold, 1 dim, 2 italic, 3 underline, 4 strikethrough).
    #[must_use]
    pub const fn bits(self) -> u8 {
        self.0
    }
}

impl std::ops::BitOr for Modifiers {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        self.union(rhs)
    }
}

/// The look of a span: foreground, background and attributes.
///
/// `Style::default()` is the terminal's default state, the state every written line ends in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Style {
    /// Foreground color.
    pub fg: Color,
    /// Background color.
    pub bg: Color,
    /// Attributes.
    pub mods: Modifiers,
}

impl Style {
    /// The default style (no color, no attribute).
    pub const PLAIN: Self = Self {
        fg: Color::Default,
        bg: Color::Default,
        mods: Modifiers::NONE,
    };

    /// A style with only a foreground color.
    #[must_use]
    pub const fn fg(color: Color) -> Self {
        Self {
            fg: color,
            bg: Color::Default,
            mods: Modifiers::NONE,
        }
    }
    /// This style with `mods` added.
    #[must_use]
    pub const fn with(self, mods: Modifiers) -> Self {
        Self {
            mods: self.mods.union(mods),
            ..self
        }
    }
    /// This style with the foreground replaced.
    #[must_use]
    pub const fn with_fg(self, fg: Color) -> Self {
        Self { fg, ..self }
    }
    /// `other` laid over `self`: colors of `other` win where they are not
    /// [`Color::Default`], attributes are united.
    #[must_use]
    pub fn patch(self, other: Self) -> Self {
        Self {
            fg: if other.fg == Color::Default {
                self.fg
            } else {
                other.fg
            },
            bg: if other.bg == Color::Default {
                self.bg
            } else {
                other.bg
            },
            mods: self.mods.union(other.mods),
        }
    }
    /// True if this is the terminal's default state.
    #[must_use]
    pub fn is_plain(self) -> bool {
        self == Self::PLAIN
    }
}
