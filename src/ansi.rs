//! The ANSI writer: lines to bytes, with the fewest SGR changes (ECMA-48 §8.3.117) and
//! OSC 8 hyperlinks.
//!
//! Every written line is self-contained: it starts in the terminal's default state and ends
//! in it (one `ESC[0m` if anything was set, and an OSC 8 close if a link was open), so a TUI
//! can print any line alone. Between spans only the attributes that change are emitted. The
//! only escape sequences ever written are SGR (`ESC [ … m`) and OSC 8 (`ESC ] 8 ; ; URI ESC
//! \`); span text holds no control characters (see [`crate::sanitize`]).
//!
//! Colors the terminal cannot show are mapped to the nearest color it can by distance in
//! the Oklab color space (perceptual), not by RGB distance.

#![allow(clippy::many_single_char_names)] // r, g, b, l, m, s: the color-science names

use crate::line::Line;
use crate::options::{ColorDepth, Options};
use crate::style::{Color, Modifiers, Style};
use std::collections::HashMap;
use std::io::{self, Write};

/// Serializes lines for a terminal, at the color depth and with the hyperlink setting of the
/// renderer that made it ([`Renderer::writer`](crate::Renderer::writer)): the options that
/// decided how lines were laid out also decide how they are written, so a link's
/// destination always reaches the output (as OSC 8, or as text in the line).
///
/// It keeps a small cache of color conversions and an output buffer: make one per output
/// and reuse it.
#[derive(Clone, Debug)]
pub struct AnsiWriter {
    depth: ColorDepth,
    hyperlinks: bool,
    palette: Palette,
    buf: Vec<u8>,
}

/// Maps styles to what a color depth can show, with a cache.
///
/// Colors are mapped to the nearest color of the depth in Oklab, except a syntax theme's
/// token colors, which are mapped by their role (`seed16`, `seed256`): the cache is filled
/// with them once the theme is loaded.
#[derive(Clone, Debug)]
pub(crate) struct Palette {
    depth: ColorDepth,
    cache: HashMap<(u8, u8, u8), u8>,
    /// The syntax theme whose token colors go into the cache, until they are.
    syntax_theme: Option<String>,
}

impl Palette {
    /// A palette for `depth`; with `syntax_theme`, that theme's token colors are mapped by
    /// role.
    pub(crate) fn new(depth: ColorDepth, syntax_theme: Option<&str>) -> Self {
        Self {
            depth,
            cache: HashMap::new(),
            syntax_theme: syntax_theme
                .filter(|_| matches!(depth, ColorDepth::Ansi16 | ColorDepth::Ansi256))
                .map(str::to_owned),
        }
    }

    /// Fills the cache with the syntax theme's token colors, once, as soon as the theme is
    /// loaded (tried on each cache miss until then). Lines can only hold the theme's colors
    /// once a code block was highlighted with it, which loads it; a writer that never meets
    /// code never loads the theme set.
    fn seed(&mut self) {
        let Some(name) = &self.syntax_theme else {
            return;
        };
        let Some(tokens) = crate::highlight::token_colors_if_loaded(name) else {
            return;
        };
        self.syntax_theme = None;
        match self.depth {
            ColorDepth::Ansi16 => seed16(tokens, &mut self.cache),
            ColorDepth::Ansi256 => seed256(tokens, &mut self.cache),
            _ => {}
        }
    }

    /// The cached index of `rgb`, after seeding on a miss; else `nearest`'s, cached.
    fn lookup(&mut self, rgb: (u8, u8, u8), nearest: fn(u8, u8, u8) -> u8) -> u8 {
        if let Some(&i) = self.cache.get(&rgb) {
            return i;
        }
        self.seed();
        *self
            .cache
            .entry(rgb)
            .or_insert_with(|| nearest(rgb.0, rgb.1, rgb.2))
    }

    /// `s` with its colors mapped to the depth (none for `NoColor` and `Plain`; the
    /// modifiers are kept: `Plain` writers drop them themselves).
    pub(crate) fn downgrade(&mut self, s: Style) -> Style {
        match self.depth {
            ColorDepth::TrueColor => s,
            ColorDepth::NoColor | ColorDepth::Plain => Style {
                fg: None,
                bg: None,
                mods: s.mods,
            },
            ColorDepth::Ansi256 => Style {
                fg: self.to256(s.fg),
                bg: self.to256(s.bg),
                ..s
            },
            ColorDepth::Ansi16 => Style {
                fg: self.to16(s.fg),
                bg: self.to16(s.bg),
                ..s
            },
        }
    }

    fn to256(&mut self, c: Option<Color>) -> Option<Color> {
        Some(match c? {
            Color::Rgb(r, g, b) => Color::Indexed(self.lookup((r, g, b), nearest_256)),
            other => other,
        })
    }

    fn to16(&mut self, c: Option<Color>) -> Option<Color> {
        let rgb = match c? {
            Color::Rgb(r, g, b) => (r, g, b),
            Color::Indexed(i) if i >= 16 => xterm_rgb(i),
            Color::Indexed(i) => return Some(Color::Ansi(i)),
            other => return Some(other),
        };
        Some(Color::Ansi(self.lookup(rgb, nearest_16)))
    }
}

/// Below this Oklab chroma a color reads as grey.
const ACHROMATIC: f32 = 0.02;

/// Oklab lightness, chroma and hue (degrees) of a color.
fn lch((r, g, b): (u8, u8, u8)) -> (f32, f32, f32) {
    let [l, a, b] = oklab(r, g, b);
    (l, a.hypot(b), b.atan2(a).to_degrees().rem_euclid(360.0))
}

/// A syntax theme's token colors in 16 colors. Comments get bright black (SGR 90), and no
/// other class does: a grey token color becomes white (black on a light background), a
/// colored one the ANSI color of the nearest hue, so a muted blue stays blue instead of
/// turning into the comments' grey. The main classes (keywords, strings, numbers, types,
/// functions, …, in that order) each take a color no earlier class took, from the normal
/// and bright variants of the two nearest hues, while one is free; the theme's other colors
/// take the nearest hue. On a dark background blue is bright blue first: xterm's normal
/// blue is hard to read on black.
fn seed16(t: &crate::highlight::TokenColors, cache: &mut HashMap<(u8, u8, u8), u8>) {
    let mut taken = [false; 16];
    taken[8] = true;
    if let Some(c) = t.comment {
        cache.insert(c, 8);
    }
    for (i, &c) in t.classes.iter().chain(&t.others).enumerate() {
        let class = i < t.classes.len();
        let (_, chroma, hue) = lch(c);
        let pick = if chroma < ACHROMATIC {
            if t.dark {
                7
            } else {
                0
            }
        } else {
            // The six hues (1 red, 2 green, 3 yellow, 4 blue, 5 magenta, 6 cyan), nearest first.
            let mut hues = [1u8, 2, 3, 4, 5, 6];
            let away = |h: u8| {
                let d = (lch(ANSI16[h as usize]).2 - hue).abs();
                d.min(360.0 - d)
            };
            hues.sort_by(|&x, &y| away(x).total_cmp(&away(y)));
            let variants = |h: u8| {
                if t.dark && h == 4 {
                    [12, 4]
                } else {
                    [h, h + 8]
                }
            };
            let free = hues[..2]
                .iter()
                .flat_map(|&h| variants(h))
                .find(|&v| !taken[v as usize]);
            match free {
                Some(v) if class => v,
                _ => variants(hues[0])[0],
            }
        };
        if class {
            taken[pick as usize] = true;
        }
        cache.insert(c, pick);
    }
}

/// Least chroma a colored token color is given before its nearest 256-color entry is
/// looked up: syntax themes are muted, and the palette's muted entries are mostly grey.
const MIN_TOKEN_CHROMA_256: f32 = 0.05;

/// A syntax theme's token colors in 256 colors: a colored token color maps to a colored
/// entry (never to the grey ramp, where the comments are) of its hue, and not to one that is
/// dimmer on the theme's background than the color itself (by more than a step); grey ones
/// and the comments map to their nearest entry.
fn seed256(t: &crate::highlight::TokenColors, cache: &mut HashMap<(u8, u8, u8), u8>) {
    let p = palette_oklab();
    for &c in t.classes.iter().chain(&t.others) {
        let (l, chroma, _) = lch(c);
        if chroma < ACHROMATIC {
            continue;
        }
        let [_, mut a, mut b] = oklab(c.0, c.1, c.2);
        if chroma < MIN_TOKEN_CHROMA_256 {
            a *= MIN_TOKEN_CHROMA_256 / chroma;
            b *= MIN_TOKEN_CHROMA_256 / chroma;
        }
        let want = [l, a, b];
        let pick = (16..=255u8)
            .filter(|&i| {
                let e = p[i as usize];
                e[1].hypot(e[2]) >= ACHROMATIC
                    && if t.dark {
                        e[0] >= l - 0.03
                    } else {
                        e[0] <= l + 0.03
                    }
            })
            .min_by(|&x, &y| dist(p[x as usize], want).total_cmp(&dist(p[y as usize], want)));
        if let Some(i) = pick {
            cache.insert(c, i);
        }
    }
}

impl AnsiWriter {
    /// A writer for lines laid out with `options`.
    pub(crate) fn new(options: &Options) -> Self {
        Self {
            depth: options.color,
            hyperlinks: options.osc8_links(),
            palette: Palette::new(options.color, Some(&options.theme.syntax_theme)),
            buf: Vec::new(),
        }
    }

    /// Writes `line` and a `\n`: the span texts with the fewest SGR changes between them,
    /// OSC 8 around linked spans, and a reset at the end if anything was set.
    ///
    /// # Errors
    /// Whatever `out` returns; nothing else fails.
    pub fn write_line<W: Write + ?Sized>(
        &mut self,
        out: &mut W,
        line: &Line<'_>,
    ) -> io::Result<()> {
        self.buf.clear();
        self.encode(line);
        self.buf.push(b'\n');
        out.write_all(&self.buf)
    }

    /// The bytes [`write_line`](Self::write_line) writes for `line`, without the newline,
    /// as a `String`.
    #[must_use]
    pub fn line_to_string(&mut self, line: &Line<'_>) -> String {
        self.buf.clear();
        self.encode(line);
        String::from_utf8_lossy(&self.buf).into_owned()
    }

    fn encode(&mut self, line: &Line<'_>) {
        let mut cur = Style::PLAIN;
        let mut link: Option<&str> = None;
        for span in line.spans() {
            if self.depth != ColorDepth::Plain {
                let want = normalize(self.palette.downgrade(span.style));
                if want != cur {
                    self.sgr(cur, want);
                    cur = want;
                }
            }
            if self.hyperlinks && span.link != link {
                if link.is_some() {
                    self.buf.extend_from_slice(b"\x1b]8;;\x1b\\");
                }
                if let Some(url) = span.link {
                    self.buf.extend_from_slice(b"\x1b]8;;");
                    self.buf.extend_from_slice(url.as_bytes());
                    self.buf.extend_from_slice(b"\x1b\\");
                }
                link = span.link;
            }
            self.buf.extend_from_slice(span.text.as_bytes());
        }
        if link.is_some() {
            self.buf.extend_from_slice(b"\x1b]8;;\x1b\\");
        }
        if cur != Style::PLAIN {
            self.buf.extend_from_slice(b"\x1b[0m");
        }
    }

    fn sgr(&mut self, from: Style, to: Style) {
        let mut params: smallvec::SmallVec<[u8; 48]> = smallvec::SmallVec::new();
        let removed = from.mods.difference(to.mods);
        let mut add = to.mods.difference(from.mods);
        let incremental = |params: &mut smallvec::SmallVec<[u8; 48]>, add: &mut Modifiers| {
            if removed.contains(Modifiers::BOLD) || removed.contains(Modifiers::DIM) {
                push_param(params, b"22");
                // 22 clears both bold and dim: re-add the one that stays.
                for m in [Modifiers::BOLD, Modifiers::DIM] {
                    if to.mods.contains(m) {
                        *add = add.union(m);
                    }
                }
            }
            if removed.contains(Modifiers::ITALIC) {
                push_param(params, b"23");
            }
            if removed.contains(Modifiers::UNDERLINE) {
                push_param(params, b"24");
            }
            if removed.contains(Modifiers::STRIKETHROUGH) {
                push_param(params, b"29");
            }
        };
        incremental(&mut params, &mut add);
        push_mods(&mut params, add);
        if from.fg != to.fg {
            push_color(&mut params, to.fg, false);
        }
        if from.bg != to.bg {
            push_color(&mut params, to.bg, true);
        }
        // A full reset can be shorter than the increments.
        let mut reset: smallvec::SmallVec<[u8; 48]> = smallvec::SmallVec::new();
        push_param(&mut reset, b"0");
        push_mods(&mut reset, to.mods);
        push_color(&mut reset, to.fg, false);
        push_color(&mut reset, to.bg, true);
        let chosen = if reset.len() < params.len() {
            &reset
        } else {
            &params
        };
        if chosen.is_empty() {
            return;
        }
        self.buf.extend_from_slice(b"\x1b[");
        self.buf.extend_from_slice(chosen);
        self.buf.push(b'm');
    }
}

/// The terminal state a style leaves: an explicit default color is no color.
fn normalize(s: Style) -> Style {
    let keep = |c: Option<Color>| c.filter(|&c| c != Color::Reset);
    Style {
        fg: keep(s.fg),
        bg: keep(s.bg),
        mods: s.mods,
    }
}

fn push_param(p: &mut smallvec::SmallVec<[u8; 48]>, s: &[u8]) {
    if !p.is_empty() {
        p.push(b';');
    }
    p.extend_from_slice(s);
}

fn push_num(p: &mut smallvec::SmallVec<[u8; 48]>, n: u32) {
    p.extend_from_slice(decimal(u64::from(n), &mut [0; 20]));
}

/// `n` in decimal ASCII digits, written at the end of `buf` (20 bytes hold every `u64`):
/// what `write!(out, "{n}")` writes, without the formatting machinery. For the SGR
/// parameters here and the list numbers and link marks of the layout.
pub(crate) fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

fn push_mods(p: &mut smallvec::SmallVec<[u8; 48]>, m: Modifiers) {
    for (flag, code) in [
        (Modifiers::BOLD, b"1"),
        (Modifiers::DIM, b"2"),
        (Modifiers::ITALIC, b"3"),
        (Modifiers::UNDERLINE, b"4"),
        (Modifiers::STRIKETHROUGH, b"9"),
    ] {
        if m.contains(flag) {
            push_param(p, code);
        }
    }
}

fn push_color(p: &mut smallvec::SmallVec<[u8; 48]>, c: Option<Color>, bg: bool) {
    let base = if bg { 40 } else { 30 };
    match c.unwrap_or(Color::Reset) {
        Color::Reset => {
            if !p.is_empty() && p.as_slice() == b"0" {
                return; // after a reset the default is implied
            }
            if p.starts_with(b"0") && p.len() > 1 && p[1] == b';' {
                return;
            }
            push_param(p, if bg { b"49" } else { b"39" });
        }
        Color::Ansi(n) => {
            let n = u32::from(n % 16);
            if !p.is_empty() {
                p.push(b';');
            }
            push_num(p, if n < 8 { base + n } else { base + 60 + n - 8 });
        }
        Color::Indexed(n) => {
            push_param(p, if bg { b"48;5;" } else { b"38;5;" });
            push_num(p, u32::from(n));
        }
        Color::Rgb(r, g, b) => {
            push_param(p, if bg { b"48;2;" } else { b"38;2;" });
            push_num(p, u32::from(r));
            p.push(b';');
            push_num(p, u32::from(g));
            p.push(b';');
            push_num(p, u32::from(b));
        }
    }
}

/// sRGB (0–255) → Oklab (L, a, b).
fn oklab(r: u8, g: u8, b: u8) -> [f32; 3] {
    fn lin(c: u8) -> f32 {
        let c = f32::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    let (r, g, b) = (lin(r), lin(g), lin(b));
    let l = 0.412_221_46 * r + 0.536_332_55 * g + 0.051_445_995 * b;
    let m = 0.211_903_5 * r + 0.680_699_5 * g + 0.107_396_96 * b;
    let s = 0.088_302_46 * r + 0.281_718_85 * g + 0.629_978_7 * b;
    let (l, m, s) = (l.cbrt(), m.cbrt(), s.cbrt());
    [
        0.210_454_26 * l + 0.793_617_8 * m - 0.004_072_047 * s,
        1.977_998_5 * l - 2.428_592_2 * m + 0.450_593_7 * s,
        0.025_904_037 * l + 0.782_771_77 * m - 0.808_675_77 * s,
    ]
}

fn dist(a: [f32; 3], b: [f32; 3]) -> f32 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)
}

/// RGB of an xterm 256-color palette entry.
#[must_use]
pub fn xterm_rgb(i: u8) -> (u8, u8, u8) {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match i {
        0..=15 => ANSI16[i as usize],
        16..=231 => {
            let i = i - 16;
            (
                LEVELS[(i / 36) as usize],
                LEVELS[(i / 6 % 6) as usize],
                LEVELS[(i % 6) as usize],
            )
        }
        _ => {
            let v = 8 + (i - 232) * 10;
            (v, v, v)
        }
    }
}

/// The 16 ANSI colors as xterm draws them by default.
const ANSI16: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

/// Oklab coordinates of the xterm palette, computed once.
fn palette_oklab() -> &'static [[f32; 3]; 256] {
    static P: std::sync::OnceLock<[[f32; 3]; 256]> = std::sync::OnceLock::new();
    P.get_or_init(|| {
        let mut p = [[0.0; 3]; 256];
        for (i, e) in p.iter_mut().enumerate() {
            let (r, g, b) = xterm_rgb(i as u8);
            *e = oklab(r, g, b);
        }
        p
    })
}

/// Nearest entry of the 256-color palette (16–255: the first 16 vary by terminal theme).
#[must_use]
pub fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    let want = oklab(r, g, b);
    let p = palette_oklab();
    (16..=255u8)
        .min_by(|&x, &y| dist(p[x as usize], want).total_cmp(&dist(p[y as usize], want)))
        .unwrap_or(16)
}

/// Nearest of the 16 ANSI colors. Lightness counts half here: the 16-color palette is so
/// coarse that keeping the hue (a gold stays yellow, not white) matters more. A grey maps
/// by its lightness alone, with black taking the dark greys (Oklab lightness below 0.42:
/// text on a light background) rather than bright black, which is kept for dim text.
#[must_use]
pub fn nearest_16(r: u8, g: u8, b: u8) -> u8 {
    let (l, chroma, _) = lch((r, g, b));
    if chroma < ACHROMATIC {
        return match l {
            l if l < 0.42 => 0,
            l if l < 0.76 => 8,
            l if l < 0.96 => 7,
            _ => 15,
        };
    }
    let want = oklab(r, g, b);
    let d = |c: (u8, u8, u8)| {
        let o = oklab(c.0, c.1, c.2);
        0.5 * (o[0] - want[0]).powi(2) + (o[1] - want[1]).powi(2) + (o[2] - want[2]).powi(2)
    };
    (0..16u8)
        .min_by(|&x, &y| d(ANSI16[x as usize]).total_cmp(&d(ANSI16[y as usize])))
        .unwrap_or(7)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::line::Lines;

    #[test]
    fn minimal_sgr_and_reset() {
        let mut l = Lines::new();
        l.push("a", Style::new().add_modifier(Modifiers::BOLD), None);
        l.push(
            "b",
            Style::new().add_modifier(Modifiers::BOLD | Modifiers::ITALIC),
            None,
        );
        l.push("c", Style::PLAIN, None);
        l.end_line();
        let mut w = AnsiWriter::new(&Options::new());
        assert_eq!(
            w.line_to_string(&l.get(0).unwrap()),
            "\x1b[1ma\x1b[3mb\x1b[0mc"
        );
        let mut p = AnsiWriter::new(&Options::new().with_color(ColorDepth::Plain));
        assert_eq!(p.line_to_string(&l.get(0).unwrap()), "abc");
    }

    #[test]
    fn links_close_per_line() {
        let mut l = Lines::new();
        l.push("x", Style::PLAIN, Some("https://e.test/"));
        l.end_line();
        let mut w = AnsiWriter::new(&Options::new().with_hyperlinks(true));
        assert_eq!(
            w.line_to_string(&l.get(0).unwrap()),
            "\x1b]8;;https://e.test/\x1b\\x\x1b]8;;\x1b\\"
        );
    }

    #[test]
    fn token_classes_keep_apart_from_comments() {
        for name in ["base16-ocean.dark", "InspiredGitHub", "Solarized (dark)"] {
            let t = crate::highlight::token_colors(name).unwrap();
            let mut p = Palette::new(ColorDepth::Ansi16, Some(name));
            let mut ansi = |c: (u8, u8, u8)| match p.to16(Some(Color::Rgb(c.0, c.1, c.2))) {
                Some(Color::Ansi(n)) => n,
                other => panic!("{other:?}"),
            };
            assert_eq!(t.comment.map(&mut ansi), Some(8), "{name}");
            let classes: Vec<u8> = t.classes.iter().map(|&c| ansi(c)).collect();
            assert!(!classes.contains(&8), "{name}: {classes:?}");
            // The first classes (keywords, strings, numbers, …) each have a color of their own.
            let first = &classes[..classes.len().min(5)];
            let mut seen = first.to_vec();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), first.len(), "{name}: {classes:?}");
        }
        // 256 colors: base16-ocean's muted blue for function names stays a blue, no dimmer
        // than the color itself (it used to become the grey 247).
        let mut p = Palette::new(ColorDepth::Ansi256, Some("base16-ocean.dark"));
        let Some(Color::Indexed(i)) = p.to256(Some(Color::Rgb(0x8f, 0xa1, 0xb3))) else {
            panic!()
        };
        let (l, c, h) = lch(xterm_rgb(i));
        assert!(c >= ACHROMATIC && (200.0..290.0).contains(&h), "{i}");
        assert!(l >= lch((0x8f, 0xa1, 0xb3)).0 - 0.03, "{i}");
    }

    #[test]
    fn perceptual_downgrade() {
        assert_eq!(nearest_256(255, 0, 0), 196);
        assert_eq!(nearest_256(128, 128, 128), 244);
        assert_eq!(nearest_16(250, 250, 250), 15);
        assert_eq!(nearest_16(200, 0, 0), 1);
    }
}
