//! The line lexer: cheap classification of source lines, fences exactly, block starts
//! approximately.
//!
//! Nothing here decides what is committed ([`crate::boundary`] does). [`fence_open`] and
//! [`fence_close`] follow CommonMark §4.5 exactly (they drive fence mode); [`classify`] only
//! says whether a line *could* start a new block. Lines are given without their line
//! ending unless a function says otherwise; offsets are bytes.

/// Columns per tab stop in Markdown source (CommonMark §2.2).
pub(crate) const SOURCE_TAB_STOP: usize = 4;

/// Start of the line holding byte `pos`. A line ends at `\n`, `\r\n` or a bare `\r`
/// (CommonMark §2.1), as pulldown-cmark reads it.
#[must_use]
pub(crate) fn line_start(src: &str, pos: usize) -> usize {
    let b = src.as_bytes();
    let mut i = pos.min(b.len());
    while let Some(j) = memchr::memrchr2(b'\n', b'\r', &b[..i]) {
        if b[j] == b'\n' || b.get(j + 1) != Some(&b'\n') {
            return j + 1;
        }
        i = j; // the CR of a CRLF: the line ends at its LF
    }
    0
}

/// Start (a byte offset) of the `\n`-terminated line holding byte `pos`, which is clamped to
/// `src.len()` (a bare CR does not count here): where a region may be cut without splitting
/// what pulldown-cmark reads up to a `\n`, such as a fence's info string (FUZZING.md
/// finding 18).
#[must_use]
pub(crate) fn nl_line_start(src: &str, pos: usize) -> usize {
    src.as_bytes()[..pos.min(src.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

/// Whether the line before the line holding `pos` is blank (only spaces, tabs and `>`
/// markers), or `None` if that line is not in `src`.
#[must_use]
pub(crate) fn prev_line_blank(src: &str, pos: usize) -> Option<bool> {
    let ls = line_start(src, pos);
    if ls == 0 {
        return None;
    }
    let b = src.as_bytes();
    let mut end = ls - 1; // the line ending's last byte
    if b[end] == b'\n' && end > 0 && b[end - 1] == b'\r' {
        end -= 1;
    }
    let start = line_start(src, end);
    Some(
        b[start..end]
            .iter()
            .all(|&c| matches!(c, b' ' | b'\t' | b'>')),
    )
}

/// A fenced code block's opening fence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fence {
    /// `` b'`' `` or `b'~'`.
    pub(crate) ch: u8,
    /// Length of the fence run (at least 3).
    pub(crate) len: usize,
    /// Columns of indentation before the fence (0 to 3), removed from content lines.
    pub(crate) indent: usize,
}

/// Leading indentation of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Indent {
    /// In columns, tabs to stops of [`SOURCE_TAB_STOP`].
    pub(crate) columns: usize,
    /// In bytes.
    pub(crate) bytes: usize,
}

/// Leading indentation of `line`.
#[must_use]
pub(crate) fn indent(line: &str) -> Indent {
    let mut columns = 0;
    for (i, b) in line.bytes().enumerate() {
        match b {
            b' ' => columns += 1,
            b'\t' => columns += SOURCE_TAB_STOP - columns % SOURCE_TAB_STOP,
            _ => return Indent { columns, bytes: i },
        }
    }
    Indent {
        columns,
        bytes: line.len(),
    }
}

/// True if `line` (without its line ending) holds only spaces and tabs (CommonMark §4.9).
#[must_use]
pub(crate) fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b == b' ' || b == b'\t')
}

/// True if `text` (lines with their endings) holds only spaces, tabs, CRs and LFs: blank
/// lines only, or nothing.
#[must_use]
pub(crate) fn is_blank_line(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// True if `src` ends with a line break and the last line before it is blank.
#[must_use]
pub(crate) fn ends_with_blank_line(src: &str) -> bool {
    let Some(body) = src.strip_suffix('\n') else {
        return false;
    };
    let body = body.strip_suffix('\r').unwrap_or(body);
    is_blank(&body[line_start(body, body.len())..])
}

/// The opening fence on `line`, if it is one (CommonMark §4.5).
#[must_use]
pub(crate) fn fence_open(line: &str) -> Option<Fence> {
    let Indent {
        columns: cols,
        bytes: at,
    } = indent(line);
    if cols > 3 {
        return None;
    }
    let rest = &line.as_bytes()[at..];
    let ch = *rest.first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = rest.iter().take_while(|&&b| b == ch).count();
    if len < 3 {
        return None;
    }
    if ch == b'`' && rest[len..].contains(&b'`') {
        return None;
    }
    Some(Fence {
        ch,
        len,
        indent: cols,
    })
}

/// True if `line` closes the code block opened by `fence` (CommonMark §4.5).
#[must_use]
pub(crate) fn fence_close(line: &str, fence: Fence) -> bool {
    let Indent {
        columns: cols,
        bytes: at,
    } = indent(line);
    if cols > 3 {
        return false;
    }
    let rest = &line.as_bytes()[at..];
    let len = rest.iter().take_while(|&&b| b == fence.ch).count();
    // Only spaces may follow, as pulldown-cmark 0.13 decides (CommonMark 0.31 also allows
    // tabs); fence mode must agree with the parser (FUZZING.md finding 4).
    len >= fence.len && rest[len..].iter().all(|&b| b == b' ')
}

/// If `line` (a line of a fenced code block, up to its `\n`) begins with a closing fence
/// ended by a bare CR, the length of that fence line with its CR. pulldown-cmark splits
/// code lines at `\n` only but ends a closing fence at a bare CR too, and parses the rest of
/// the line as a new line after the block (FUZZING.md finding 8).
#[must_use]
pub(crate) fn fence_close_at_cr(line: &str, fence: Fence) -> Option<usize> {
    let cr = memchr::memchr(b'\r', line.as_bytes())?;
    if line.as_bytes().get(cr + 1) == Some(&b'\n') {
        return None; // CRLF: an ordinary line ending
    }
    fence_close(&line[..cr], fence).then_some(cr + 1)
}

/// Removes up to `n` columns of indentation from a fenced code line, as CommonMark says
/// (a tab that straddles the cut leaves its remaining columns as spaces).
pub(crate) fn strip_indent(line: &str, n: usize, out: &mut String) {
    let mut col = 0;
    for (i, b) in line.bytes().enumerate() {
        if col >= n {
            out.push_str(&line[i..]);
            return;
        }
        match b {
            b' ' => col += 1,
            b'\t' => {
                let next = col + SOURCE_TAB_STOP - col % SOURCE_TAB_STOP;
                if next > n {
                    for _ in n..next {
                        out.push(' ');
                    }
                    out.push_str(&line[i + 1..]);
                    return;
                }
                col = next;
            }
            _ => {
                out.push_str(&line[i..]);
                return;
            }
        }
    }
}

/// What kind of block a line may start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineClass {
    /// Nothing that can interrupt a paragraph.
    Plain,
    /// ATX heading, thematic break or setext underline: a one-line block (the next line
    /// starts a new block).
    OneLine,
    /// A block quote marker.
    Quote,
    /// A list item.
    Item {
        /// Columns from the line start to the item's content.
        content_indent: usize,
    },
    /// A fence, an HTML block start, or anything else that can interrupt a paragraph.
    Interrupts,
}

/// Classifies a line (approximately; see the module docs).
#[must_use]
pub(crate) fn classify(line: &str) -> LineClass {
    let Indent {
        columns: cols,
        bytes: at,
    } = indent(line);
    if cols > 3 {
        return LineClass::Plain;
    }
    let rest = &line.as_bytes()[at..];
    let Some(&first) = rest.first() else {
        return LineClass::Plain;
    };
    match first {
        b'#' => {
            let n = rest.iter().take_while(|&&b| b == b'#').count();
            if n <= 6 && rest.get(n).is_none_or(|&b| b == b' ' || b == b'\t') {
                LineClass::OneLine
            } else {
                LineClass::Plain
            }
        }
        b'>' => LineClass::Quote,
        b'`' | b'~' => {
            if fence_open(line).is_some() {
                LineClass::Interrupts
            } else {
                LineClass::Plain
            }
        }
        b'<' => LineClass::Interrupts,
        b'=' => {
            if rest.iter().all(|&b| b == b'=' || b == b' ' || b == b'\t') {
                LineClass::OneLine
            } else {
                LineClass::Plain
            }
        }
        b'*' | b'-' | b'_' | b'+' => {
            if first != b'+' && is_break_or_underline(rest, first) {
                return LineClass::OneLine;
            }
            if first != b'_' {
                if let Some(ci) = item_indent(rest, 1) {
                    return LineClass::Item {
                        content_indent: cols + ci,
                    };
                }
            }
            LineClass::Plain
        }
        b'0'..=b'9' => {
            let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if n <= 9 && matches!(rest.get(n), Some(b'.' | b')')) {
                if let Some(ci) = item_indent(rest, n + 1) {
                    return LineClass::Item {
                        content_indent: cols + ci,
                    };
                }
            }
            LineClass::Plain
        }
        _ => LineClass::Plain,
    }
}

#[allow(clippy::naive_bytecount)] // lines are short; not worth a dependency
fn is_break_or_underline(rest: &[u8], ch: u8) -> bool {
    // `all` first: it stops at the first other byte, so a list item line costs 2-3 bytes.
    rest.iter().all(|&b| b == ch || b == b' ' || b == b'\t')
        && (rest.iter().filter(|&&b| b == ch).count() >= 3 || (ch == b'-' && !rest.contains(&b' ')))
}

/// Content indent of a list item whose marker is `marker` bytes long, or `None` if the
/// marker is not followed by a space, a tab or the end of the line.
fn item_indent(rest: &[u8], marker: usize) -> Option<usize> {
    match rest.get(marker) {
        None => Some(marker + 1),
        Some(b' ' | b'\t') => {
            let spaces = rest[marker..].iter().take_while(|&&b| b == b' ').count();
            if rest[marker..].iter().all(|&b| b == b' ' || b == b'\t') {
                Some(marker + 1)
            } else if (1..=4).contains(&spaces) {
                Some(marker + spaces)
            } else {
                Some(marker + 1)
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences() {
        let f = fence_open("  ````rust").unwrap();
        assert_eq!((f.ch, f.len, f.indent), (b'`', 4, 2));
        assert!(fence_open("```a`b").is_none());
        assert!(fence_open("~~~a`b").is_some());
        assert!(fence_open("    ```").is_none());
        assert!(!fence_close("```", f));
        assert!(fence_close("   `````  ", f));
        assert!(
            !fence_close("````\t", f),
            "pulldown-cmark does not close on a tab"
        );
        assert!(!fence_close("````x", f));
    }

    #[test]
    fn strips_indent_with_tabs() {
        let mut s = String::new();
        strip_indent("\t  tab", 2, &mut s);
        assert_eq!(s, "    tab");
        s.clear();
        strip_indent(" x", 3, &mut s);
        assert_eq!(s, "x");
    }

    /// The line classes that decide when the stream looks for a commit, one case per rule.
    #[test]
    fn classifies() {
        use LineClass::{Interrupts, OneLine, Plain, Quote};
        let item = |content_indent| LineClass::Item { content_indent };
        let cases: &[(&str, LineClass)] = &[
            ("# h", OneLine),
            ("###### six", OneLine),
            ("####### seven", Plain),
            ("#tag", Plain),
            ("#", OneLine),
            ("   # indented up to three", OneLine),
            ("    # four spaces is code", Plain),
            ("===", OneLine),
            ("= =", OneLine),
            ("=x", Plain),
            ("-", OneLine),
            ("---", OneLine),
            ("- - -", OneLine),
            ("***", OneLine),
            ("* * *", OneLine),
            ("___", OneLine),
            ("__", Plain),
            ("- x", item(2)),
            ("-  x", item(3)),
            ("-     x", item(2)),
            ("-\tx", item(2)),
            ("* x", item(2)),
            ("+ x", item(2)),
            ("+", item(2)),
            ("-x", Plain),
            ("1. x", item(3)),
            ("10.  x", item(5)),
            ("7) x", item(3)),
            ("1234567890. too long", Plain),
            ("1", Plain),
            ("1.x", Plain),
            ("> q", Quote),
            (">", Quote),
            ("```", Interrupts),
            ("~~~ info", Interrupts),
            ("``", Plain),
            ("```a`b", Plain),
            ("<div>", Interrupts),
            ("plain text", Plain),
            ("", Plain),
        ];
        for &(line, want) in cases {
            assert_eq!(classify(line), want, "{line:?}");
        }
    }
}
