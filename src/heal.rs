//! Healing the tentative tail: the open block is shown as if its open inline constructs
//! were closed. Display only: committed lines and the output after `finalize` are never
//! healed, so the final rendering stays the exact CommonMark one.
//!
//! While `**bold` streams in, a plain render shows the two asterisks until the closer
//! arrives, then the text jumps to bold. Healing appends the closers the text is waiting
//! for, so the tail shows what the finished text will most likely look like. The rules
//! follow the ones Vercel's *remend* applies to streamed Markdown, but they are backed by
//! the parser instead of by character counts:
//!
//! - **Which openers are open** is pulldown-cmark's decision. A delimiter run that could not
//!   be matched comes out of the parser as literal text, one event per character, at its
//!   source position; a run that cannot open (not left-flanking, CommonMark §6.2) is
//!   skipped. So `**a *b` has two open runs, while `5 * 0` and `a ** b` have none.
//! - **Only the last block is healed.** The open region may hold more than one block (a
//!   heading whose next line is still partial is not committed yet). Inline constructs
//!   never cross a block boundary (CommonMark §6), so what an earlier block left open is
//!   final literal text, and the closers go at the end of the last block only.
//! - **A complete block is not healed**: a heading or a table row after its line ending, a
//!   paragraph after a blank line. More text cannot change its inline content, so its
//!   unmatched runs are already what the final render shows.
//! - **Closers go in reverse order** of their openers (innermost first), before the
//!   block's trailing whitespace: `**a *b` → `**a *b***`, `**bold ` → `**bold **`… placed
//!   as `**bold** `.
//! - **An open code span wins**: after an unmatched backtick run everything is code, so
//!   the delimiters after it are left alone, and the run is closed with as many backticks.
//! - **Links and images**: an open `[` is closed as `[text]()` (an empty destination, so
//!   the text is shown as a link with no target); a link whose destination is still
//!   streaming (`[text](http://ex`) gets its `)`.
//! - **A setext underline being typed** (a last line of `-`, `--`, `=` or `==` under a
//!   paragraph line, with no line break yet) is held back: it may still become a list item
//!   or a thematic break.
//! - **Checked by a second parse**: a closer the parser does not match (it would show as a
//!   literal `**`) is dropped, so healing never shows more delimiters than no healing.
//!
//! Fenced code needs nothing: an unclosed fence already renders as a code block to the end.

use crate::linkdefs::Defs;
use pulldown_cmark::{Event, Tag, TagEnd};
use std::ops::Range;

/// One open construct found in the block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    /// A delimiter run of `len` × `ch` (`*`, `_` or `~`) that can open.
    Delim { ch: u8, len: usize },
    /// A backtick run of `len`.
    Code { len: usize },
    /// A `[` (or the `[` of `![`) whose link is not complete.
    Bracket(Link),
}

/// How far an open link got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    /// `[text`: closed as `[text]()`.
    Text,
    /// `[text]` at the end of the block: closed as `[text]()`.
    Closed,
    /// `[text](dest`: closed as `[text](dest)`.
    Dest,
}

/// Reused buffers of the healer.
#[derive(Debug, Default)]
pub(crate) struct Healer {
    opens: Vec<(usize, Open)>,
    closers: Vec<(Range<usize>, Open)>,
    /// Characters of the innermost open run's closer already typed at the end.
    typed: usize,
    /// End of the last text event (0: none): a trailing delimiter run before it is
    /// literal text, not a matched delimiter.
    literal_end: usize,
}

impl Healer {
    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.opens.capacity() * std::mem::size_of::<(usize, Open)>()
            + self.closers.capacity() * std::mem::size_of::<(Range<usize>, Open)>()
    }

    /// Writes the healed form of `block` (the open block's source) to `out` and returns
    /// true, or returns false (leaving `out` empty) if there is nothing to heal.
    pub(crate) fn heal(&mut self, block: &str, defs: &Defs, out: &mut String) -> bool {
        out.clear();
        let whole = block.len();
        let block = hold_back_setext(block);
        let unchanged = |out: &mut String| {
            out.clear();
            if block.len() == whole {
                return false;
            }
            out.push_str(block);
            true
        };
        if !block
            .bytes()
            .any(|b| matches!(b, b'*' | b'_' | b'~' | b'`' | b'['))
        {
            return unchanged(out);
        }
        // A closing run partly typed (`**a*`, `~~a~`) is completed first, on the text:
        // the parser may already have used it as a shorter closer (`*` + `*a*`).
        let completed: String;
        let mut block = block;
        if let Some(more) = half_typed_closer(block) {
            let typed = block.len();
            completed = [block, more.0].concat();
            // Only if the parser then matches it: the earlier run may be in an earlier
            // block of the open region (`# a **b` above `c*`).
            if !has_literal_text(&completed, typed..completed.len(), defs) {
                block = &completed;
            }
        }
        let block = block;
        self.find_opens(block, defs);
        if self.opens.is_empty() {
            if block.len() != whole {
                out.push_str(block);
                return true;
            }
            return unchanged(out);
        }
        // Closers go before the trailing whitespace, and before a trailing delimiter run
        // that opens nothing (`**bold *`: the `*` may start a closer still streaming).
        let ws = [' ', '\t', '\n', '\r'];
        let mut at = block.trim_end_matches(ws).len();
        let run = block[..at].trim_end_matches(['*', '_', '~']).len();
        self.typed = 0;
        if run < at && self.literal_end == at && !self.opens.iter().any(|&(p, _)| p >= run) {
            // A closer partly typed for the innermost open run (`~~a~`, `**a*`) is
            // completed; any other trailing run stays after the closers.
            let trailing = &block.as_bytes()[run..at];
            match self.opens.last() {
                Some(&(_, Open::Delim { ch, len }))
                    if trailing.iter().all(|&c| c == ch)
                        && trailing.len() < len
                        && !block[..run].ends_with(char::is_whitespace) =>
                {
                    self.typed = trailing.len();
                }
                _ => at = block[..run].trim_end_matches(ws).len(),
            }
        }
        self.build(block, at, out, |_| true);
        // Check: a closer the parser leaves as literal text is dropped.
        let failed = self.literal_closers(out, defs);
        if failed != 0 {
            self.build(block, at, out, |i| failed & (1u64 << i.min(63)) == 0);
        }
        true
    }

    /// Collects the open constructs of `block`, in source order.
    fn find_opens(&mut self, block: &str, defs: &Defs) {
        self.opens.clear();
        self.literal_end = 0;
        let b = block.as_bytes();
        let literal_end = &mut self.literal_end;
        // (start, end, char) of the delimiter run being collected.
        let mut run: Option<(usize, usize, u8)> = None;
        let flush = |run: &mut Option<(usize, usize, u8)>, opens: &mut Vec<(usize, Open)>| {
            if let Some((s, e, ch)) = run.take() {
                if can_open(block, s, e, ch) {
                    opens.push((s, Open::Delim { ch, len: e - s }));
                }
            }
        };
        // Is the last block one line long (a heading, a table row)? Where does its inline
        // content end?
        let mut one_line = false;
        let mut content_end = 0;
        for (event, range) in crate::parse::parser(block, defs).into_offset_iter() {
            match &event {
                Event::Start(tag) if !is_inline(tag) && !range.is_empty() => {
                    // A new block: inline constructs never cross a block boundary
                    // (CommonMark §6), so what an earlier block left open is literal text
                    // there and closes nothing here. (The cells the parser adds to a short
                    // table row are empty and are not new blocks of the source.)
                    run = None;
                    self.opens.clear();
                    one_line = matches!(
                        tag,
                        Tag::Heading { .. } | Tag::TableHead | Tag::TableRow | Tag::TableCell
                    );
                    continue;
                }
                Event::End(tag) if !is_inline_end(*tag) => continue,
                Event::SoftBreak | Event::HardBreak => {}
                _ => content_end = content_end.max(range.end),
            }
            let Event::Text(t) = &event else {
                flush(&mut run, &mut self.opens);
                continue;
            };
            *literal_end = range.end;
            let src = &b[range.clone()];
            if t.as_bytes() != src {
                flush(&mut run, &mut self.opens);
                continue;
            }
            match src {
                [ch @ (b'*' | b'_' | b'~')] => {
                    match &mut run {
                        Some((_, e, c)) if *e == range.start && c == ch => *e = range.end,
                        _ => {
                            flush(&mut run, &mut self.opens);
                            run = Some((range.start, range.end, *ch));
                        }
                    }
                    continue;
                }
                _ => flush(&mut run, &mut self.opens),
            }
            if !src.is_empty() && src.iter().all(|&c| c == b'`') {
                self.opens
                    .push((range.start, Open::Code { len: src.len() }));
            } else if src == b"[" {
                if let Some(link) = open_link(&block[range.end..]) {
                    self.opens.push((range.start, Open::Bracket(link)));
                }
            }
        }
        flush(&mut run, &mut self.opens);
        if is_closed(&block[content_end..], one_line) {
            // The last block is complete, so its unmatched runs are final literal text.
            self.opens.clear();
        }
        // After an open code span everything is code: only the delimiters before it close.
        if let Some(i) = self
            .opens
            .iter()
            .position(|(_, o)| matches!(o, Open::Code { .. }))
        {
            self.opens.truncate(i + 1);
        }
    }

    /// Writes `block[..at]`, the closers of the opens that `keep` keeps (innermost first),
    /// then `block[at..]`; records each closer's range in `out`.
    fn build(&mut self, block: &str, at: usize, out: &mut String, keep: impl Fn(usize) -> bool) {
        out.clear();
        self.closers.clear();
        out.push_str(&block[..at]);
        for (i, &(_, open)) in self.opens.iter().enumerate().rev() {
            if !keep(i) {
                continue;
            }
            let start = out.len();
            match open {
                Open::Delim { ch, len } => {
                    let typed = if i + 1 == self.opens.len() {
                        self.typed
                    } else {
                        0
                    };
                    for _ in typed..len {
                        out.push(char::from(ch));
                    }
                }
                Open::Code { len } => {
                    // A closing run partly typed (`` ``a` ``) is completed.
                    let opener = self.opens[i].0;
                    let typed = out.len() - out.trim_end_matches('`').len();
                    let typed = if out.len() - typed > opener + len && typed < len {
                        typed
                    } else {
                        0
                    };
                    for _ in typed..len {
                        out.push('`');
                    }
                }
                Open::Bracket(Link::Dest) => out.push(')'),
                Open::Bracket(Link::Closed) => out.push_str("()"),
                Open::Bracket(Link::Text) => out.push_str("]()"),
            }
            self.closers.push((start..out.len(), open));
        }
        out.push_str(&block[at..]);
    }

    /// A bit per open (by index in `opens`) whose closer the parser leaves as literal text
    /// in `healed`.
    fn literal_closers(&mut self, healed: &str, defs: &Defs) -> u64 {
        let mut failed = 0u64;
        let n = self.opens.len();
        for (event, range) in crate::parse::parser(healed, defs).into_offset_iter() {
            let Event::Text(_) = event else {
                continue;
            };
            for (k, (r, _)) in self.closers.iter().enumerate() {
                if range.start < r.end && r.start < range.end {
                    // Closers were written innermost first: closer k closes open n-1-k.
                    failed |= 1u64 << (n - 1 - k).min(63);
                }
            }
        }
        failed
    }
}

/// Is `tag` an inline construct (emphasis, strong emphasis, strikethrough, a link or an
/// image) rather than a block?
fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// Is `tag` the end of an inline construct (see [`is_inline`])?
fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Given the source after the last block's inline content (`rest`), is that block
/// complete, so that more text cannot change its inline content? A one-line block (a
/// heading, a table row) is complete at its line ending. A paragraph (also a tight list
/// item's text) continues on the next line, so it is complete only after a blank line
/// (CommonMark §4.8): `rest` is then only whitespace and block quote markers, with two
/// line endings at least.
fn is_closed(rest: &str, one_line: bool) -> bool {
    let endings =
        rest.matches('\n').count() + rest.matches('\r').count() - rest.matches("\r\n").count();
    if one_line {
        return endings >= 1;
    }
    endings >= 2
        && rest
            .bytes()
            .all(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'>'))
}

/// Does the parser leave any byte of `text[range]` as literal text?
fn has_literal_text(text: &str, range: Range<usize>, defs: &Defs) -> bool {
    crate::parse::parser(text, defs)
        .into_offset_iter()
        .any(|(event, r)| {
            matches!(event, Event::Text(_)) && r.start < range.end && range.start < r.end
        })
}

/// If `block` ends (before whitespace) with a run of `k` delimiter characters right after
/// a non-space, and the last earlier run of that character is longer (`n`) and can open:
/// the `n - k` characters that complete the closer (a `&'static str` slice).
fn half_typed_closer(block: &str) -> Option<(&'static str,)> {
    const RUNS: [&str; 3] = ["***", "___", "~~~"];
    let t = block.trim_end();
    if t.len() < block.len() {
        return None; // whitespace after the run: it is not a closer being typed
    }
    let b = t.as_bytes();
    let ch = *b.last()?;
    let which = match ch {
        b'*' => 0,
        b'_' => 1,
        b'~' => 2,
        _ => return None,
    };
    let run_start = t.trim_end_matches(char::from(ch)).len();
    let k = b.len() - run_start;
    if run_start == 0 || b[run_start - 1].is_ascii_whitespace() {
        return None;
    }
    // The last earlier run of `ch`.
    let before = &t[..run_start];
    let end = before.rfind(char::from(ch))? + 1;
    let start = before[..end].trim_end_matches(char::from(ch)).len();
    let n = end - start;
    if n <= k || n > 3 || !can_open(block, start, end, ch) {
        return None;
    }
    Some((&RUNS[which][..n - k],))
}

/// Can the delimiter run `block[s..e]` of `ch` open emphasis (CommonMark §6.2: it is
/// left-flanking, and a `_` run is not also right-flanking unless punctuation precedes it)?
fn can_open(block: &str, s: usize, e: usize, ch: u8) -> bool {
    let before = block[..s].chars().next_back();
    let Some(after) = block[e..].chars().next() else {
        return false;
    };
    let ws = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let punct = |c: Option<char>| c.is_some_and(is_punctuation);
    let left = !after.is_whitespace() && (!is_punctuation(after) || ws(before) || punct(before));
    if !left {
        return false;
    }
    if ch == b'_' {
        let right =
            !ws(before) && (!punct(before) || after.is_whitespace() || is_punctuation(after));
        return !right || punct(before);
    }
    true
}

/// Unicode punctuation as CommonMark uses it (ASCII punctuation, or a character of the
/// general categories P or S; the ASCII ones and the common non-ASCII quotes and dashes are
/// what matters here).
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '\u{2010}'..='\u{2027}' | '\u{3001}'..='\u{3003}' | '\u{FF01}'..='\u{FF0F}')
}

/// After a `[` the parser left as text: how far its link got (`None`: the brackets are
/// complete and are not followed by a destination still streaming).
fn open_link(rest: &str) -> Option<Link> {
    let Some(i) = close_bracket(rest) else {
        return Some(Link::Text);
    };
    let after = &rest[i + 1..];
    if after.starts_with('(') && !after.contains(')') {
        Some(Link::Dest)
    } else if after.trim_end().is_empty() {
        Some(Link::Closed)
    } else {
        None
    }
}

/// Index in `rest` of the `]` matching a `[` just before it, skipping escaped brackets.
fn close_bracket(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' => depth += 1,
            b']' if depth == 0 => return Some(i),
            b']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// `block` without a last line (no line break after it yet) of `-`, `--`, `=` or `==`
/// under a line of text: it may be a setext underline, a list item or a rule still being
/// typed.
fn hold_back_setext(block: &str) -> &str {
    if block.ends_with('\n') {
        return block;
    }
    let start = block.rfind('\n').map_or(0, |i| i + 1);
    if start == 0 {
        return block;
    }
    let last = block[start..].trim_start_matches(' ');
    let indent = block.len() - start - last.len();
    let marks = last.trim_end_matches(' ');
    let ok = indent <= 3 && matches!(marks, "-" | "--" | "=" | "==") && marks.len() == last.len();
    let prev = &block[..start - 1];
    let prev_line = &prev[prev.rfind('\n').map_or(0, |i| i + 1)..];
    if ok && !prev_line.trim().is_empty() {
        &block[..start]
    } else {
        block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heal(s: &str) -> String {
        let mut h = Healer::default();
        let mut out = String::new();
        if h.heal(s, &Defs::default(), &mut out) {
            out
        } else {
            s.to_owned()
        }
    }

    #[test]
    fn closes_what_is_open_innermost_first() {
        for (input, want) in [
            ("**bold", "**bold**"),
            ("**bold ", "**bold** "),
            ("*em and **strong", "*em and **strong***"),
            ("**a *b", "**a *b***"),
            ("***both", "***both***"),
            ("_under", "_under_"),
            ("__init", "__init__"),
            ("~~strike", "~~strike~~"),
            ("`code", "`code`"),
            ("``co`de", "``co`de``"),
            ("``co`de`", "``co`de``"),
            ("`", "`"),
            ("**bold with `code", "**bold with `code`**"),
            ("x *em and `code **y", "x *em and `code **y`*"),
            ("see [link", "see [link]()"),
            ("see [link]", "see [link]()"),
            ("[a] [b]", "[a] [b]()"),
            ("and [**link*", "and [**link**]()"),
            ("**a** and **b*", "**a** and **b**"),
            ("see [link](", "see [link]()"),
            ("[text](http://ex", "[text](http://ex)"),
            ("**see [link", "**see [link]()**"),
            ("[a **b", "[a **b**]()"),
            ("| a | **b", "| a | **b**"),
            ("- one\n- **two", "- one\n- **two**"),
            ("para\n\n**a\nb", "para\n\n**a\nb**"),
            ("**bold *", "**bold** *"),
            ("**bold*", "**bold**"),
            ("~~strike~", "~~strike~~"),
            ("*em **strong*", "*em **strong***"),
            ("**bold **", "**bold** **"),
        ] {
            assert_eq!(heal(input), want, "{input:?}");
        }
    }

    #[test]
    fn leaves_alone_what_is_not_open() {
        for input in [
            "5 * 0",
            "a ** b",
            "some_variable_name",
            "**done** and *done*",
            "`done` code",
            "[a] [b] c",
            "[done](https://e.test)",
            "a** b",
            "text**",
            "plain text",
            "```\n*in a fence",
        ] {
            assert_eq!(heal(input), input, "{input:?}");
        }
    }

    #[test]
    fn drops_a_closer_the_parser_does_not_match() {
        // The `**` of the first item cannot be closed at the end of the second.
        assert_eq!(heal("- **a\n- b"), "- **a\n- b");
        // A closer after two trailing spaces and a newline would not close either; it goes
        // before them.
        assert_eq!(heal("**a  \n"), "**a**  \n");
    }

    #[test]
    fn holds_back_a_setext_underline_being_typed() {
        assert_eq!(heal("text\n-"), "text\n");
        assert_eq!(heal("text\n=="), "text\n");
        assert_eq!(heal("text\n---"), "text\n---");
        assert_eq!(heal("-"), "-");
        assert_eq!(heal("text\n- item"), "text\n- item");
    }

    #[test]
    fn reads_only_the_last_block_of_the_open_region() {
        // The open region can hold more than one block (a heading whose next line is still
        // partial). Inline constructs never cross a block boundary (CommonMark §6), so an
        // unmatched run in an earlier block opens nothing in the last one.
        assert_eq!(heal("# a `b\n**c"), "# a `b\n**c**");
        assert_eq!(heal("# a **b\n*c"), "# a **b\n*c*");
        assert_eq!(heal("para `x\n\n**c"), "para `x\n\n**c**");
        assert_eq!(heal("- a `b\n- **c"), "- a `b\n- **c**");
        // A short table row: the cells the parser adds after it change nothing.
        assert_eq!(
            heal("| a | b |\n|---|---|\n| **x"),
            "| a | b |\n|---|---|\n| **x**"
        );
        // A complete last block is not healed: its unmatched runs are final text.
        assert_eq!(heal("**a\n\n"), "**a\n\n");
        assert_eq!(heal("- **a\n\r\n"), "- **a\n\r\n");
        assert_eq!(heal("> **a\n>\n"), "> **a\n>\n");
        assert_eq!(heal("# a **b\n"), "# a **b\n");
        assert_eq!(
            heal("| a | b |\n|---|---|\n| c | **d |\n"),
            "| a | b |\n|---|---|\n| c | **d |\n"
        );
        // …but a paragraph goes on after one line ending.
        assert_eq!(heal("**a\n"), "**a**\n");
        assert_eq!(heal("> **a\n"), "> **a**\n");
        // A closer being typed in the last block is not completed from an earlier block's run.
        assert_eq!(heal("# a **b\nc*"), "# a **b\nc*");
        assert_eq!(heal("# a ~~b\nc~"), "# a ~~b\nc~");
    }
}
