//! Untrusted text made safe to print: no input-derived byte may act on the terminal.
//!
//! Every string that comes from the Markdown source (text, code, URLs, info strings, HTML,
//! footnote labels) passes through [`push_sanitized`] one character at a time *after*
//! pulldown-cmark has decoded entities, because `&#27;` decodes to ESC and `&#x9b;` to an
//! 8-bit CSI. What it neutralizes (ECMA-48 §5 control functions, Unicode bidi controls):
//!
//! | input | [`ControlChars::Visible`] (default) | [`ControlChars::Drop`] |
//! |---|---|---|
//! | C0 controls U+0000–U+001F except tab and newline (ESC, BEL, bare CR, …) | the matching Control Picture, e.g. ESC → `␛` (U+241B), CR → `␍` | removed |
//! | DEL U+007F | `␡` (U+2421) | removed |
//! | C1 controls U+0080–U+009F (8-bit CSI, OSC, DCS, …) | U+FFFD `�` | removed |
//! | bidi embeddings/overrides U+202A–U+202E, isolates U+2066–U+2069 | U+FFFD `�` | removed |
//!
//! Tabs and newlines never reach this module: layout expands and splits them first.

use crate::options::ControlChars;

/// True if `c` is neutralized by this module.
#[must_use]
pub const fn is_unsafe(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || c == '\n'
        || c == '\t'
}

/// True if `s` holds anything [`push_sanitized`] would change. Fast for ASCII.
#[must_use]
pub(crate) fn needs_sanitizing(s: &str) -> bool {
    let b = s.as_bytes();
    // Fast rejection: printable ASCII and ordinary UTF-8 lead bytes other than C2/E2.
    // Bitwise `|`/`&`: no branches in the per-byte test, so the block check vectorizes.
    #[allow(clippy::needless_bitwise_bool)]
    if crate::width::all_bytes(b, |x| {
        (x.wrapping_sub(0x20) < 0x5f) | ((x >= 0x80) & (x != 0xC2) & (x != 0xE2))
    }) {
        return false;
    }
    s.chars().any(is_unsafe)
}

/// The replacement for an unsafe character `c` (`None`: drop it).
#[must_use]
pub(crate) fn replacement(c: char, mode: ControlChars) -> Option<char> {
    if mode == ControlChars::Drop {
        return None;
    }
    Some(match c {
        '\t' => ' ',
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{fffd}',
    })
}

/// Appends `s` to `out`, neutralizing every unsafe character (tab and newline included: a
/// caller that wants them handles them before).
pub(crate) fn push_sanitized(out: &mut String, s: &str, mode: ControlChars) {
    if !needs_sanitizing(s) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        if is_unsafe(c) {
            if let Some(r) = replacement(c, mode) {
                out.push(r);
            }
        } else {
            out.push(c);
        }
    }
}

/// Sanitizes a URL for an OSC 8 hyperlink: every unsafe character, space and non-ASCII
/// character is percent-encoded, so the result is printable ASCII without `ESC`, `BEL` or
/// ST. Returns `None` for an empty URL or one longer than [`MAX_URL_BYTES`] (then no OSC 8
/// is emitted and the link text stays plain text).
#[must_use]
pub(crate) fn osc8_url(url: &str) -> Option<String> {
    if url.is_empty() || url.len() > MAX_URL_BYTES {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for &b in url.as_bytes() {
        if (0x21..0x7f).contains(&b) {
            out.push(b as char);
        } else {
            use std::fmt::Write;
            let _ = write!(out, "%{b:02X}");
        }
    }
    Some(out)
}

/// Longest URL, in bytes, that is emitted inside an OSC 8 sequence (terminals such as VTE
/// and kitty cap URIs near this size).
pub const MAX_URL_BYTES: usize = 2048;

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str, mode: ControlChars) -> String {
        let mut out = String::new();
        push_sanitized(&mut out, text, mode);
        out
    }

    #[test]
    fn controls_become_visible() {
        assert_eq!(s("a\u{1b}[2Jb", ControlChars::Visible), "a␛[2Jb");
        assert_eq!(s("\u{9b}31m", ControlChars::Visible), "\u{fffd}31m");
        assert_eq!(s("x\u{7f}\r\u{202e}", ControlChars::Visible), "x␡␍\u{fffd}");
        assert_eq!(s("a\u{1b}b\u{85}c\u{2066}", ControlChars::Drop), "abc");
        assert_eq!(s("中文 ok", ControlChars::Visible), "中文 ok");
    }

    #[test]
    fn osc8_urls_are_printable_ascii() {
        assert_eq!(
            osc8_url("https://x.test/a b\u{7}\u{1b}\\é").unwrap(),
            "https://x.test/a%20b%07%1B\\%C3%A9"
        );
        assert!(osc8_url("").is_none());
        assert!(osc8_url(&"a".repeat(MAX_URL_BYTES + 1)).is_none());
    }
}
