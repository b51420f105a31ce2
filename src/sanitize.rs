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
    // The UTF-8 forms of the unsafe characters (cheaper than decoding every character):
    // C0 and DEL are single bytes, found in one more pass that vectorizes; C1 is
    // `C2 80..=9F` and the bidi controls are `E2 80 AA..=AE` and `E2 81 A6..=A9`, looked
    // at only where a `C2` or `E2` lead byte is. `s` is valid UTF-8, so a `C2` has one
    // continuation byte after it and an `E2` two.
    #[allow(clippy::needless_bitwise_bool)]
    if !crate::width::all_bytes(b, |x| (x >= 0x20) & (x != 0x7f)) {
        return true;
    }
    let mut at = 0;
    while let Some(k) = memchr::memchr2(0xC2, 0xE2, &b[at..]) {
        let i = at + k;
        let unsafe_here = if b[i] == 0xC2 {
            b[i + 1] < 0xA0
        } else {
            matches!(
                (b[i + 1], b[i + 2]),
                (0x80, 0xAA..=0xAE) | (0x81, 0xA6..=0xA9)
            )
        };
        if unsafe_here {
            return true;
        }
        at = i + 1;
    }
    false
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
/// is emitted and the destination is shown as text after the link text).
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

/// The URL schemes termark writes as OSC 8 hyperlinks, compared without case: `http` and
/// `https` (what a terminal hands to a browser, which shows the address it opens) and
/// `mailto` (a mail client, which shows the address). Anything else is shown as text and
/// never hidden behind a link: `javascript:` and `data:` run or show content in a browser,
/// `file:` opens local files, and application schemes (`vscode:`, `ssh:`, …) start programs
/// with arguments the reader never sees. A destination without a scheme (a relative path,
/// `#anchor`) has nothing a terminal could open.
pub const HYPERLINK_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// True if `url` (a link destination as written) has a scheme of [`HYPERLINK_SCHEMES`].
/// The scheme is RFC 3986's: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
#[must_use]
pub(crate) fn hyperlink_allowed(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    HYPERLINK_SCHEMES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(scheme))
}

/// The host of an `http`/`https` URL, or of text that starts with `www.`: the authority
/// without user information or port, and without a trailing dot. `None` for anything else.
#[must_use]
pub(crate) fn url_host(s: &str) -> Option<&str> {
    let s = s.trim();
    let rest = strip_prefix_ignore_case(s, "https://")
        .or_else(|| strip_prefix_ignore_case(s, "http://"))
        .or_else(|| strip_prefix_ignore_case(s, "www.").map(|_| s))?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = if host.starts_with('[') {
        // An IPv6 literal keeps its colons.
        &host[..host.find(']').map_or(host.len(), |i| i + 1)]
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let host = host.trim_end_matches('.');
    (!host.is_empty()).then_some(host)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// True if a hyperlink's text reads as a URL (`http://`, `https://` or `www.`) whose host is
/// not `dest_host` (the destination's host, lowercased; empty when it has none): the text
/// would make a reader expect another site than the one the link opens. A leading `www.` is
/// ignored on both sides.
#[must_use]
pub(crate) fn text_names_other_host(text: &str, dest_host: &str) -> bool {
    let Some(shown) = url_host(text) else {
        return false;
    };
    let strip = |h: &str| -> String {
        let h = h.to_lowercase();
        h.strip_prefix("www.").map(str::to_owned).unwrap_or(h)
    };
    strip(shown) != strip(dest_host)
}

/// Longest URL, in bytes, that is emitted inside an OSC 8 sequence (terminals such as VTE
/// and kitty cap URIs near this size).
pub const MAX_URL_BYTES: usize = 2048;

#[cfg(test)]
mod tests {
    /// The byte scan of `needs_sanitizing` says what decoding every character would, for
    /// every character, alone and between ASCII and non-ASCII neighbours (`C2`/`E2` lead
    /// bytes of safe characters included, which the fast rejection lets through).
    #[test]
    fn needs_sanitizing_is_any_unsafe_char() {
        let mut s = String::new();
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            for (before, after) in [("", ""), ("a", "b"), ("\u{a0}", "\u{2014}"), ("—", "é")] {
                s.clear();
                s.push_str(before);
                s.push(c);
                s.push_str(after);
                assert_eq!(
                    super::needs_sanitizing(&s),
                    s.chars().any(super::is_unsafe),
                    "{s:?}"
                );
            }
        }
    }

    #[test]
    fn hyperlink_schemes() {
        for ok in [
            "http://a.test",
            "HTTPS://a.test/x",
            "mailto:me@a.test",
            "Mailto:x",
        ] {
            assert!(super::hyperlink_allowed(ok), "{ok}");
        }
        for no in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,hi",
            "vscode://file/x",
            "./LICENSE",
            "#anchor",
            "",
            "https//a.test",
        ] {
            assert!(!super::hyperlink_allowed(no), "{no}");
        }
    }

    #[test]
    fn hosts_and_look_alike_text() {
        use super::{text_names_other_host as other, url_host};
        assert_eq!(
            url_host("https://user:pw@Good.Example:8080/p?q#f"),
            Some("Good.Example")
        );
        assert_eq!(url_host("http://a.test."), Some("a.test"));
        assert_eq!(url_host("www.a.test/x"), Some("www.a.test"));
        assert_eq!(url_host("https://[::1]:80/"), Some("[::1]"));
        assert_eq!(url_host("see https://a.test"), None);
        assert_eq!(url_host("mailto:a@b.test"), None);
        assert!(other("https://good.example", "evil.example"));
        assert!(other("www.good.example", "evil.example"));
        assert!(other("https://good.example", ""));
        assert!(!other("https://Good.Example/docs", "good.example"));
        assert!(!other("www.good.example", "good.example"));
        assert!(!other("the docs", "evil.example"));
    }

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
