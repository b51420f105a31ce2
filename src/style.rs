//! Styles: colors and text attributes of a span, independent of the terminal.
//!
//! A [`Style`] says what a span should look like. How much of it a terminal can show (color
//! depth) is decided only when the [`AnsiWriter`](crate::AnsiWriter) serializes it, so one
//! rendered line can be written at any depth.

/// A color, as a theme or a syntax highlighter names it.
///
/// The writer downgrades colors the terminal cannot show (see
/// [`ColorDepth`](crate::ColorDepth)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Color {
    /// The terminal's default color (SGR 39 / 49). Not the same as "no color given": a
    /// [`Style`] whose `fg` is `None` inherits the color of what it is laid over.
    Reset,
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
/// A color of `None` means *inherit*: laid over another style with [`patch`](Self::patch),
/// it keeps the other's color; written to the terminal, it is the terminal's default.
/// `Some(Color::Reset)` asks for the default explicitly, even over a colored style (as in
/// ratatui-core's `Style`). `Style::default()` ([`Style::PLAIN`]) is the terminal's default
/// state, the state every written line ends in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Style {
    /// Foreground color; `None` inherits.
    pub fg: Option<Color>,
    /// Background color; `None` inherits.
    pub bg: Option<Color>,
    /// Attributes.
    pub mods: Modifiers,
}

impl Style {
    /// The default style: no color given, no attribute.
    pub const PLAIN: Self = Self {
        fg: None,
        bg: None,
        mods: Modifiers::NONE,
    };

    /// The default style ([`Style::PLAIN`]), to build on.
    #[must_use]
    pub const fn new() -> Self {
        Self::PLAIN
    }
    /// This style with the foreground set.
    #[must_use]
    pub const fn fg(self, color: Color) -> Self {
        Self {
            fg: Some(color),
            ..self
        }
    }
    /// This style with the background set.
    #[must_use]
    pub const fn bg(self, color: Color) -> Self {
        Self {
            bg: Some(color),
            ..self
        }
    }
    /// This style with `mods` added.
    #[must_use]
    pub const fn add_modifier(self, mods: Modifiers) -> Self {
        Self {
            mods: self.mods.union(mods),
            ..self
        }
    }
    /// `other` laid over `self`: each color of `other` wins where it is given (`Some`),
    /// attributes are united.
    #[must_use]
    pub fn patch(self, other: Self) -> Self {
        Self {
            fg: other.fg.or(self.fg),
            bg: other.bg.or(self.bg),
            mods: self.mods.union(other.mods),
        }
    }
    /// True if writing this style changes nothing on a terminal in its default state: no
    /// attribute, and no color other than the default.
    #[must_use]
    pub fn is_plain(self) -> bool {
        self.mods.is_empty()
            && matches!(self.fg, None | Some(Color::Reset))
            && matches!(self.bg, None | Some(Color::Reset))
    }
}

impl Style {
    /// The style in 8 bytes (for the line store): a 3-bit tag per color (none, reset,
    /// ANSI, indexed, RGB) and the modifiers in the top byte, the payloads below. Lossless:
    /// [`Style::from_packed`] gives the style back.
    /// True if a space in this style is visible: a background color, an underline or a
    /// strikethrough. Such trailing spaces are kept when a line is stored.
    pub(crate) fn shows_on_blank(self) -> bool {
        matches!(self.bg, Some(c) if c != Color::Reset)
            || self.mods.contains(Modifiers::UNDERLINE)
            || self.mods.contains(Modifiers::STRIKETHROUGH)
    }

    pub(crate) fn packed(self) -> u64 {
        fn color(c: Option<Color>) -> (u64, u64) {
            match c {
                None => (0, 0),
                Some(Color::Reset) => (1, 0),
                Some(Color::Ansi(n)) => (2, u64::from(n)),
                Some(Color::Indexed(n)) => (3, u64::from(n)),
                Some(Color::Rgb(r, g, b)) => {
                    (4, (u64::from(r) << 16) | (u64::from(g) << 8) | u64::from(b))
                }
            }
        }
        let (ft, fv) = color(self.fg);
        let (bt, bv) = color(self.bg);
        (u64::from(self.mods.bits()) << 56) | (ft << 51) | (bt << 48) | (fv << 24) | bv
    }

    /// The style [`packed`](Self::packed) made `p` from.
    pub(crate) fn from_packed(p: u64) -> Self {
        fn color(tag: u64, v: u64) -> Option<Color> {
            let byte = |shift: u32| ((v >> shift) & 0xff) as u8;
            match tag {
                1 => Some(Color::Reset),
                2 => Some(Color::Ansi(byte(0))),
                3 => Some(Color::Indexed(byte(0))),
                4 => Some(Color::Rgb(byte(16), byte(8), byte(0))),
                _ => None,
            }
        }
        Self {
            fg: color((p >> 51) & 7, (p >> 24) & 0xff_ffff),
            bg: color((p >> 48) & 7, p & 0xff_ffff),
            mods: Modifiers((p >> 56) as u8),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn packing_is_lossless(fg in 0u8..5, bg in 0u8..5, a: u8, b: u8, c: u8, mods in 0u8..32) {
            let color = |t: u8| match t {
                0 => None,
                1 => Some(Color::Reset),
                2 => Some(Color::Ansi(a)),
                3 => Some(Color::Indexed(b)),
                _ => Some(Color::Rgb(a, b, c)),
            };
            let s = Style { fg: color(fg), bg: color(bg), mods: Modifiers(mods) };
            proptest::prop_assert_eq!(Style::from_packed(s.packed()), s);
        }
    }

    #[test]
    fn inherit_is_not_default() {
        let red = Style::new()
            .fg(Color::Ansi(1))
            .add_modifier(Modifiers::BOLD);
        // No color given: the red stays.
        assert_eq!(
            red.patch(Style::new().add_modifier(Modifiers::ITALIC)).fg,
            Some(Color::Ansi(1))
        );
        // The terminal's default, asked for: it wins over the red.
        assert_eq!(
            red.patch(Style::new().fg(Color::Reset)).fg,
            Some(Color::Reset)
        );
        assert!(Style::new().fg(Color::Reset).is_plain());
        assert!(!red.is_plain());
    }
}
