//! Greedy word wrapping of styled inline text by display width.
//!
//! Breaks are taken at spaces and tabs, and around wide (2-column) grapheme clusters such as
//! CJK ideographs, which UAX #14 lets a line break around. A word longer than the line is
//! broken at grapheme-cluster boundaries, never inside an emoji ZWJ sequence or before a
//! combining mark. Spaces at a break are dropped; nothing is padded.
//!
//! The wrapper writes through a [`LineSink`], which owns the line prefix (quote bars, list
//! indents) so that wrapping stays independent of containers.

use crate::style::Style;
use crate::width::grapheme_width;
use smallvec::SmallVec;

/// A run of inline text in one style, as layout collects it. `text` holds no control
/// character and no newline; a tab counts as whitespace of the tab width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The text.
    pub text: &'a str,
    /// Its style.
    pub style: Style,
    /// Link target, if any.
    pub link: Option<&'a str>,
    /// `true` for a forced line break (the text is ignored).
    pub hard_break: bool,
}

impl<'a> Piece<'a> {
    /// A text piece.
    #[must_use]
    pub const fn text(text: &'a str, style: Style, link: Option<&'a str>) -> Self {
        Self {
            text,
            style,
            link,
            hard_break: false,
        }
    }
    /// A hard line break.
    #[must_use]
    pub const fn hard_break() -> Self {
        Self {
            text: "",
            style: Style::PLAIN,
            link: None,
            hard_break: true,
        }
    }
}

/// Receives wrapped lines. The sink writes the line prefix in [`begin`](Self::begin).
pub trait LineSink {
    /// Starts a line.
    fn begin(&mut self);
    /// Appends text of `width` columns to the current line.
    fn push(&mut self, text: &str, style: Style, link: Option<&str>, width: usize);
    /// Ends the current line.
    fn end(&mut self);
}

const SPACES: &str = "                                                                ";

/// Pushes `n` spaces in `style`.
pub fn push_spaces<S: LineSink + ?Sized>(
    sink: &mut S,
    mut n: usize,
    style: Style,
    link: Option<&str>,
) {
    while n > 0 {
        let k = n.min(SPACES.len());
        sink.push(&SPACES[..k], style, link, k);
        n -= k;
    }
}

#[derive(Clone, Copy)]
struct Frag {
    piece: u32,
    start: u32,
    end: u32,
    width: u32,
}

#[derive(Clone, Copy)]
struct PendingSpace {
    width: usize,
    style: Style,
    piece: u32,
}

/// Wraps `pieces` into lines of at most `avail` columns (at least 2) and writes them to
/// `sink`. Emits at least one line, even for empty input. Tab width is in columns.
pub fn wrap<S: LineSink + ?Sized>(
    pieces: &[Piece<'_>],
    avail: usize,
    tab_width: usize,
    sink: &mut S,
) {
    wrap_with(pieces, avail, tab_width, sink, true);
}

/// [`wrap`], with the ASCII fast path switched off for `ascii_fast_path == false` (tests
/// compare the two).
fn wrap_with<S: LineSink + ?Sized>(
    pieces: &[Piece<'_>],
    avail: usize,
    tab_width: usize,
    sink: &mut S,
    ascii_fast_path: bool,
) {
    let mut w = Wrapper {
        pieces,
        avail: avail.max(2),
        sink,
        line_width: 0,
        open: false,
        space: None,
        word: SmallVec::new(),
        word_width: 0,
        run: None,
    };
    for (i, p) in pieces.iter().enumerate() {
        let i = i as u32;
        if p.hard_break {
            w.flush_word();
            w.space = None;
            w.ensure_open();
            w.flush_run();
            w.sink.end();
            w.open = false;
            w.line_width = 0;
            // A hard break always yields a (possibly empty) next line.
            w.ensure_open();
            continue;
        }
        if ascii_fast_path && crate::width::is_printable_ascii(p.text.as_bytes()) {
            // The piece's last word ends with it if nothing follows, or a break, or a space
            // that is not the start of a cluster (` \u{301}` belongs to a word: finding 7).
            let word_ends = pieces.get(i as usize + 1).is_none_or(|n| {
                let b = n.text.as_bytes();
                n.hard_break
                    || (matches!(b.first(), Some(b' ' | b'\t'))
                        && b.get(1).is_none_or(u8::is_ascii))
            });
            w.ascii_piece(i, p, word_ends);
            continue;
        }
        tokenize(p.text, tab_width, |tok| match tok {
            Token::Space(width) => {
                w.flush_word();
                let sp = w.space.get_or_insert(PendingSpace {
                    width: 0,
                    style: p.style,
                    piece: i,
                });
                sp.width += width;
            }
            Token::Word(s, e, width) => w.add_frag(Frag {
                piece: i,
                start: s as u32,
                end: e as u32,
                width: width as u32,
            }),
            Token::Wide(s, e, width) => {
                w.flush_word();
                w.add_frag(Frag {
                    piece: i,
                    start: s as u32,
                    end: e as u32,
                    width: width as u32,
                });
                w.flush_word();
            }
        });
    }
    w.flush_word();
    w.ensure_open();
    w.flush_run();
    w.sink.end();
}

/// A fragment of piece `piece`, `start..end` bytes of printable ASCII (one column each).
fn frag(piece: u32, start: usize, end: usize) -> Frag {
    Frag {
        piece,
        start: start as u32,
        end: end as u32,
        width: (end - start) as u32,
    }
}

enum Token {
    Space(usize),
    Word(usize, usize, usize),
    Wide(usize, usize, usize),
}

fn tokenize(text: &str, tab_width: usize, mut f: impl FnMut(Token)) {
    // ASCII words take a byte loop; only a word holding non-ASCII text goes through
    // grapheme segmentation (from its first byte, so a cluster that starts with an ASCII
    // character, like a keycap `1️⃣`, is measured whole).
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i] == b' ' || b[i] == b'\t' {
            let mut j = i;
            while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                j += 1;
            }
            // A space followed by an extending character (` \u{301}`) is one cluster
            // (UAX #29 GB9): it belongs to the word, not to the break.
            let mut run_end = j;
            if j < b.len()
                && b[j] >= 0x80
                && crate::width::clusters(&text[j - 1..])
                    .next()
                    .is_some_and(|(_, g)| g.len() > 1)
            {
                run_end = j - 1;
            }
            if run_end > start {
                let width = b[start..run_end]
                    .iter()
                    .map(|&c| if c == b'\t' { tab_width } else { 1 })
                    .sum();
                f(Token::Space(width));
            }
            i = if run_end < j {
                segment_word(text, run_end, &mut f)
            } else {
                j
            };
            continue;
        }
        while i < b.len() && b[i] != b' ' && b[i] != b'\t' && b[i] < 0x80 {
            i += 1;
        }
        if i == b.len() || b[i] == b' ' || b[i] == b'\t' {
            f(Token::Word(start, i, i - start));
            continue;
        }
        i = segment_word(text, start, &mut f);
    }
}

/// Splits the word at `text[start..]` into word runs and wide clusters, up to the first
/// cluster that is a lone space or tab (a space inside a cluster, as in `\u{600} `, is part
/// of the word). Returns where the word ends.
fn segment_word(text: &str, start: usize, f: &mut impl FnMut(Token)) -> usize {
    let mut word_start = None;
    let mut word_width = 0;
    for (at, g) in crate::width::clusters(&text[start..]) {
        let at = start + at;
        if g == " " || g == "\t" {
            if let Some(s) = word_start.take() {
                f(Token::Word(s, at, word_width));
            }
            return at;
        }
        let gw = grapheme_width(g);
        if gw >= 2 {
            if let Some(s) = word_start.take() {
                f(Token::Word(s, at, word_width));
            }
            f(Token::Wide(at, at + g.len(), gw));
            continue;
        }
        if word_start.is_none() {
            word_start = Some(at);
            word_width = 0;
        }
        word_width += gw;
    }
    if let Some(s) = word_start {
        f(Token::Word(s, text.len(), word_width));
    }
    text.len()
}

struct Wrapper<'p, 'a, S: LineSink + ?Sized> {
    pieces: &'p [Piece<'a>],
    avail: usize,
    sink: &'p mut S,
    line_width: usize,
    open: bool,
    space: Option<PendingSpace>,
    word: SmallVec<[Frag; 4]>,
    word_width: usize,
    /// Fragments emitted but not yet pushed: adjacent text of one piece goes to the sink in
    /// one push (a run of CJK characters is one push, not one per character).
    run: Option<Frag>,
}

impl<S: LineSink + ?Sized> Wrapper<'_, '_, S> {
    /// Pushes the pending run. Every direct use of the sink comes after this.
    fn flush_run(&mut self) {
        if let Some(r) = self.run.take() {
            let p = &self.pieces[r.piece as usize];
            self.sink.push(
                &p.text[r.start as usize..r.end as usize],
                p.style,
                p.link,
                r.width as usize,
            );
        }
    }

    fn ensure_open(&mut self) {
        if !self.open {
            self.sink.begin();
            self.open = true;
            self.line_width = 0;
        }
    }

    fn new_line(&mut self) {
        if self.open {
            self.flush_run();
            self.sink.end();
            self.open = false;
        }
        self.ensure_open();
    }

    /// Lays out a piece of printable ASCII (spaces but no tabs), where every byte is one
    /// column: the words that fit on a line are found by looking for the last space within
    /// the room left, and go to the sink in one push per line rather than one per word.
    /// The result is the general path's (`ascii_fast_path_equals_general_path` checks it;
    /// the `wrap` fuzz target compares both with a reference).
    fn ascii_piece(&mut self, idx: u32, piece: &Piece<'_>, word_ends: bool) {
        let bytes = piece.text.as_bytes();
        let len = bytes.len();
        let mut pos = 0;
        if !self.word.is_empty() && len > 0 && bytes[0] != b' ' {
            // The word left open by the previous piece goes on here.
            let e = bytes.iter().position(|&c| c == b' ').unwrap_or(len);
            self.add_frag(frag(idx, 0, e));
            pos = e;
        }
        loop {
            pos = self.ascii_spaces(idx, piece, pos);
            if pos == len {
                return;
            }
            if word_ends {
                // Every word of the rest is complete.
                let end = pos + 1 + bytes[pos..].iter().rposition(|&c| c != b' ').unwrap_or(0);
                self.ascii_fill(idx, piece, pos, end);
                pos = end;
                continue;
            }
            // The piece's last word may go on in the next piece: it stays pending.
            let Some(last_space) = bytes[pos..].iter().rposition(|&c| c == b' ') else {
                self.add_frag(frag(idx, pos, len));
                return;
            };
            let mut words_end = pos + last_space;
            while bytes[words_end - 1] == b' ' {
                words_end -= 1;
            }
            self.ascii_fill(idx, piece, pos, words_end);
            pos = words_end;
        }
    }

    /// Takes the run of spaces at `text[pos..]` as the pending space; returns its end.
    fn ascii_spaces(&mut self, idx: u32, piece: &Piece<'_>, pos: usize) -> usize {
        let bytes = piece.text.as_bytes();
        let mut end = pos;
        while end < bytes.len() && bytes[end] == b' ' {
            end += 1;
        }
        if end > pos {
            self.flush_word();
            let sp = self.space.get_or_insert(PendingSpace {
                width: 0,
                style: piece.style,
                piece: idx,
            });
            sp.width += end - pos;
        }
        end
    }

    /// Greedy fill of `text[pos..end]`, complete words that start and end with a non-space.
    fn ascii_fill(&mut self, idx: u32, piece: &Piece<'_>, mut pos: usize, end: usize) {
        self.flush_run();
        let bytes = piece.text.as_bytes();
        while pos < end {
            self.ensure_open();
            let sw = if self.line_width > 0 {
                self.space.map_or(0, |s| s.width)
            } else {
                0
            };
            // `text[pos..limit]` fits after the pending space.
            let limit = pos + self.avail.saturating_sub(self.line_width + sw);
            let fits = if limit >= end {
                end
            } else {
                // A word fits if the space after it is at or before `limit`.
                match bytes[pos..=limit].iter().rposition(|&c| c == b' ') {
                    Some(k) => {
                        let mut e = pos + k;
                        while bytes[e - 1] == b' ' {
                            e -= 1;
                        }
                        e
                    }
                    None => pos,
                }
            };
            if fits == pos {
                if self.line_width > 0 {
                    self.space = None;
                    self.new_line();
                    continue;
                }
                // A word longer than the line: the general path breaks it.
                let we = bytes[pos..end]
                    .iter()
                    .position(|&c| c == b' ')
                    .map_or(end, |k| pos + k);
                self.add_frag(frag(idx, pos, we));
                self.flush_word();
                // Spaces after `end` are the caller's.
                pos = if we < end {
                    self.ascii_spaces(idx, piece, we)
                } else {
                    we
                };
                continue;
            }
            let mut start = pos;
            if let Some(s) = self.space.take() {
                if sw > 0 {
                    if s.piece == idx && s.width <= pos {
                        start = pos - s.width; // the spaces just before, in this piece
                    } else {
                        let link = self.pieces[s.piece as usize].link;
                        push_spaces(self.sink, sw, s.style, link);
                        self.line_width += sw;
                    }
                }
            }
            self.sink.push(
                &piece.text[start..fits],
                piece.style,
                piece.link,
                fits - start,
            );
            self.line_width += fits - start;
            pos = fits;
            if pos < end {
                // The next word does not fit: break here; the spaces at the break go.
                while bytes[pos] == b' ' {
                    pos += 1;
                }
                self.new_line();
            }
        }
    }

    fn add_frag(&mut self, f: Frag) {
        self.word_width += f.width as usize;
        // Adjacent text of one piece is one fragment: one span, and overlong-word breaking
        // sees whole grapheme clusters.
        if let Some(last) = self.word.last_mut() {
            if last.piece == f.piece && last.end == f.start {
                last.end = f.end;
                last.width += f.width;
                return;
            }
        }
        self.word.push(f);
    }

    fn emit_frag(&mut self, f: Frag) {
        self.line_width += f.width as usize;
        if let Some(r) = &mut self.run {
            if r.piece == f.piece && r.end == f.start {
                r.end = f.end;
                r.width += f.width;
                return;
            }
        }
        self.flush_run();
        self.run = Some(f);
    }

    fn flush_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let space = self.space.take();
        let sw = if self.line_width > 0 {
            space.map_or(0, |s| s.width)
        } else {
            0
        };
        self.ensure_open();
        if self.line_width > 0 && self.line_width + sw + self.word_width > self.avail {
            self.new_line();
        } else if sw > 0 {
            let s = space.expect("width > 0");
            self.flush_run();
            push_spaces(self.sink, sw, s.style, self.pieces[s.piece as usize].link);
            self.line_width += sw;
        }
        let word = std::mem::take(&mut self.word);
        if self.word_width <= self.avail - self.line_width {
            for f in &word {
                self.emit_frag(*f);
            }
        } else {
            for f in &word {
                self.break_frag(*f);
            }
        }
        self.word = word;
        self.word.clear();
        self.word_width = 0;
    }

    /// Emits a fragment of an overlong word, breaking at grapheme boundaries.
    fn break_frag(&mut self, f: Frag) {
        if self.line_width + f.width as usize <= self.avail {
            self.emit_frag(f);
            return;
        }
        self.flush_run();
        let p = self.pieces[f.piece as usize];
        let text = &p.text[f.start as usize..f.end as usize];
        let mut run_start = 0;
        let mut run_width = 0;
        let emit = |w: &mut Self, s: usize, e: usize, width: usize| {
            if e > s {
                w.sink.push(&text[s..e], p.style, p.link, width);
                w.line_width += width;
            }
        };
        for (at, g) in crate::width::clusters(text) {
            let gw = grapheme_width(g);
            if self.line_width + run_width + gw > self.avail {
                emit(self, run_start, at, run_width);
                run_start = at;
                run_width = 0;
                if self.line_width > 0 {
                    self.new_line();
                }
                if gw > self.avail {
                    // A cluster wider than the whole line (only with unusual sequences):
                    // split it into its characters rather than overflow.
                    for (ci, c) in g.char_indices() {
                        let cw = crate::width::char_width(c);
                        if self.line_width + cw > self.avail && self.line_width > 0 {
                            self.new_line();
                        }
                        emit(self, at + ci, at + ci + c.len_utf8(), cw);
                    }
                    run_start = at + g.len();
                    continue;
                }
            }
            run_width += gw;
        }
        emit(self, run_start, text.len(), run_width);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        lines: Vec<String>,
        cur: String,
        width: usize,
        widths: Vec<usize>,
    }
    impl LineSink for Collect {
        fn begin(&mut self) {
            self.cur.clear();
            self.width = 0;
        }
        fn push(&mut self, text: &str, _: Style, _: Option<&str>, width: usize) {
            self.cur.push_str(text);
            self.width += width;
        }
        fn end(&mut self) {
            self.lines.push(std::mem::take(&mut self.cur));
            self.widths.push(self.width);
        }
    }

    fn wrap_str(parts: &[&str], avail: usize) -> Vec<String> {
        let pieces: Vec<Piece<'_>> = parts
            .iter()
            .map(|t| {
                if *t == "\n" {
                    Piece::hard_break()
                } else {
                    Piece::text(t, Style::PLAIN, None)
                }
            })
            .collect();
        let mut c = Collect::default();
        wrap(&pieces, avail, 4, &mut c);
        for (l, w) in c.lines.iter().zip(&c.widths) {
            assert!(*w <= avail, "{l:?} is {w} wide");
            assert_eq!(crate::width::str_width(l), *w);
        }
        c.lines
    }

    /// Lines as runs of (text, style, link), adjacent runs of one style and link merged.
    #[derive(Default)]
    struct Runs {
        lines: Vec<Vec<(String, Style, Option<String>)>>,
        widths: Vec<usize>,
        width: usize,
    }
    impl LineSink for Runs {
        fn begin(&mut self) {
            self.lines.push(Vec::new());
            self.width = 0;
        }
        fn push(&mut self, text: &str, style: Style, link: Option<&str>, width: usize) {
            let line = self.lines.last_mut().expect("begun");
            self.width += width;
            if let Some(last) = line.last_mut() {
                if last.1 == style && last.2.as_deref() == link {
                    last.0.push_str(text);
                    return;
                }
            }
            line.push((text.to_owned(), style, link.map(str::to_owned)));
        }
        fn end(&mut self) {
            self.widths.push(self.width);
        }
    }

    fn collect(parts: &[(String, u8)], avail: usize, fast: bool) -> Runs {
        let pieces: Vec<Piece<'_>> = parts
            .iter()
            .map(|(t, s)| {
                if t == "\n" {
                    Piece::hard_break()
                } else {
                    let style = Style {
                        mods: if *s == 1 {
                            crate::style::Modifiers::BOLD
                        } else {
                            crate::style::Modifiers::NONE
                        },
                        ..Style::PLAIN
                    };
                    Piece::text(t, style, (*s == 2).then_some("u"))
                }
            })
            .collect();
        let mut c = Runs::default();
        wrap_with(&pieces, avail, 4, &mut c, fast);
        c
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The ASCII fast path lays out exactly as the general path: same lines, same
        /// widths (pieces of words, runs of spaces, overlong words, hard breaks, styles).
        #[test]
        fn ascii_fast_path_equals_general_path(
            parts in proptest::collection::vec(("[ab ]{0,12}|aaaaaaaaaaaaaaaaa|\n|[ \t]{1,3}|x\u{301}| ?\u{301}x|[ab ]{0,4}中", 0u8..3), 0..8),
            avail in 2usize..16,
        ) {
            let fast = collect(&parts, avail, true);
            let slow = collect(&parts, avail, false);
            proptest::prop_assert_eq!(&fast.lines, &slow.lines);
            proptest::prop_assert_eq!(&fast.widths, &slow.widths);
        }
    }

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(
            wrap_str(&["the quick brown fox jumps"], 10),
            ["the quick", "brown fox", "jumps"]
        );
    }

    #[test]
    fn words_span_pieces() {
        assert_eq!(
            wrap_str(&["aaa bb", "bb", "b cc"], 6),
            ["aaa", "bbbbb", "cc"]
        );
    }

    #[test]
    fn long_words_break_at_graphemes() {
        assert_eq!(wrap_str(&["abcdefghij"], 4), ["abcd", "efgh", "ij"]);
        // A wide cluster is a break opportunity of its own: no ZWJ sequence is split.
        assert_eq!(wrap_str(&["x 👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦"], 4), ["x 👨‍👩‍👧‍👦", "👨‍👩‍👧‍👦👨‍👩‍👧‍👦"]);
        assert_eq!(
            wrap_str(&["e\u{301}e\u{301}e\u{301}"], 2),
            ["e\u{301}e\u{301}", "e\u{301}"]
        );
    }

    #[test]
    fn clusters_holding_a_space_are_not_split() {
        // FUZZING.md finding 7: ` \u{301}` is one cluster; a line never starts with the mark.
        assert_eq!(
            wrap_str(&["aaa bb ccb \u{301}x"], 10),
            ["aaa bb", "ccb \u{301}x"]
        );
    }

    #[test]
    fn cjk_breaks_between_ideographs() {
        assert_eq!(wrap_str(&["中文字符串"], 6), ["中文字", "符串"]);
    }

    #[test]
    fn hard_breaks_and_empty_input() {
        assert_eq!(wrap_str(&["a", "\n", "b"], 10), ["a", "b"]);
        assert_eq!(wrap_str(&[], 10), [""]);
    }
}
