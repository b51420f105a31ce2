//! `termark::internals::wrap` against an obviously-correct reference: greedy filling, breaks at
//! spaces and tabs and around wide grapheme clusters where UAX #14 allows a break between the
//! two clusters, overlong words broken at grapheme boundaries (after a `/ ? & = -`-like
//! separator when that leaves the row two thirds full). Beyond exact agreement with the reference, checks properties that do not
//! depend on it: no line wider than `avail`, and the non-space text (with its styles and
//! links) comes out exactly once, in order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use termark::internals::{wrap, LineSink, Piece};
use termark::{Color, Style};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Graphemes that make wrapping interesting.
const ALPHABET: &[&str] = &[
    "a",
    "b",
    "c",
    " ",
    " ",
    "\t",
    "中",
    "文",
    "ｱ",
    "\u{3000}",
    "👍",
    "👨\u{200d}👩\u{200d}👧",
    "e\u{301}",
    "\u{301}",
    "\u{200d}",
    "\u{200b}",
    "\u{fe0f}",
    "\u{1f1eb}",
    "\u{1f1f7}",
    "\u{a0}",
    "\u{600}",
    "\u{1100}\u{1161}\u{11a8}",
    "\u{644}\u{627}",
    "x",
    "「",
    "」",
    "。",
    "（",
    "/",
    "?",
    "=",
    "-",
    ",",
];

#[derive(Debug, arbitrary::Arbitrary)]
enum PieceIn {
    Text { style: u8, text: String },
    Alpha { style: u8, symbols: Vec<u8> },
    HardBreak,
}

#[derive(Debug, arbitrary::Arbitrary)]
struct Input {
    avail: u8,
    tab_width: u8,
    pieces: Vec<PieceIn>,
}

const LINKS: [Option<&str>; 3] = [None, Some("https://a.test/"), Some("https://b.test/")];

fn style_of(id: u8) -> Style {
    Style::new().fg(Color::Ansi(id % 4))
}

fn link_of(id: u8) -> Option<&'static str> {
    LINKS[usize::from(id / 4 % 3)]
}

#[derive(Default)]
struct Collect {
    lines: Vec<String>,
    widths: Vec<usize>,
    /// Non-space characters with their style and link, in output order.
    marks: Vec<(char, Style, Option<String>)>,
    cur: String,
    /// The pushes of the current line: (end in `cur`, style, link), for `unwrite`.
    runs: Vec<(usize, Style, Option<String>)>,
    width: usize,
    open: bool,
}

impl LineSink for Collect {
    fn begin(&mut self) {
        assert!(!self.open, "begin() twice without end()");
        self.open = true;
        self.cur.clear();
        self.runs.clear();
        self.width = 0;
    }
    fn push(&mut self, text: &str, style: Style, link: Option<&str>, width: usize) {
        assert!(self.open, "push() outside a line");
        let measured: usize = text.graphemes(true).map(UnicodeWidthStr::width).sum();
        assert!(
            width == measured || text.chars().count() == 1,
            "push of {text:?} claims {width} columns, its clusters measure {measured}"
        );
        self.cur.push_str(text);
        self.runs.push((self.cur.len(), style, link.map(str::to_owned)));
        self.width += width;
        for c in text.chars().filter(|&c| c != ' ') {
            self.marks.push((c, style, link.map(str::to_owned)));
        }
    }
    fn end(&mut self) {
        assert!(self.open, "end() without begin()");
        self.open = false;
        self.lines.push(std::mem::take(&mut self.cur));
        self.widths.push(self.width);
    }
    fn mark(&self) -> usize {
        self.cur.len()
    }
    fn unwrite(
        &mut self,
        mark: usize,
        width: usize,
        back: &mut dyn FnMut(&str, Style, Option<&str>),
    ) {
        assert!(self.open, "unwrite() outside a line");
        assert!(mark <= self.cur.len(), "unwrite() past the line");
        let removed = &self.cur[mark..];
        assert!(
            removed.bytes().all(|b| (0x20..0x7f).contains(&b)),
            "unwrite() of text that is not printable ASCII: {removed:?}"
        );
        assert_eq!(removed.len(), width, "unwrite() width is not the byte count");
        let mut start = 0;
        let mut kept = Vec::new();
        for (end, style, link) in self.runs.drain(..) {
            if end > mark {
                back(&self.cur[start.max(mark)..end], style, link.as_deref());
                if start < mark {
                    kept.push((mark, style, link));
                }
            } else {
                kept.push((end, style, link));
            }
            start = end;
        }
        self.runs = kept;
        let gone = self.cur[mark..].chars().filter(|&c| c != ' ').count();
        self.marks.truncate(self.marks.len() - gone);
        self.cur.truncate(mark);
        self.width -= width;
    }
}

/// A word of the source as the greedy rule sees it.
struct Word {
    /// (start, width) of each grapheme cluster; starts and lengths count the characters
    /// other than U+0020 (a space can begin a cluster, e.g. U+0020 U+FE0F).
    clusters: Vec<(usize, usize)>,
    chars: usize,
    width: usize,
    /// Width of the spaces before it.
    sep: usize,
    /// A hard break comes between the previous word and this one.
    hard_before: bool,
}

fn words(items: &[Item<'_>]) -> Vec<Word> {
    let mut out = Vec::new();
    let mut cur: Option<Word> = None;
    let mut sep = 0;
    let mut hard = false;
    let flush = |cur: &mut Option<Word>, out: &mut Vec<Word>| {
        if let Some(w) = cur.take() {
            out.push(w);
        }
    };
    for it in items {
        match *it {
            Item::Break => {
                flush(&mut cur, &mut out);
                sep = 0;
                hard = true;
            }
            Item::G(_, w, Kind::Space(n)) => {
                flush(&mut cur, &mut out);
                let _ = w;
                sep += n;
            }
            Item::G(g, w, Kind::Cluster { brk }) => {
                if brk {
                    flush(&mut cur, &mut out);
                }
                let word = cur.get_or_insert_with(|| Word {
                    clusters: Vec::new(),
                    chars: 0,
                    width: 0,
                    sep: std::mem::take(&mut sep),
                    hard_before: std::mem::take(&mut hard),
                });
                word.clusters.push((word.chars, w));
                word.chars += g.chars().filter(|&c| c != ' ').count();
                word.width += w;
            }
        }
    }
    flush(&mut cur, &mut out);
    out
}

#[allow(clippy::needless_range_loop)]
fn check_greedy(sink: &Collect, words: &[Word], avail: usize) {
    // A cluster wider than the line is split into its characters: line ends then fall
    // inside clusters, where the word-level rule does not apply.
    if words.iter().any(|w| w.clusters.iter().any(|c| c.1 > avail)) {
        return;
    }
    // Non-space characters before each line, and the word index / offset where it starts.
    let mut starts = Vec::with_capacity(sink.lines.len());
    let mut n = 0;
    for line in &sink.lines {
        starts.push(n);
        n += line.chars().filter(|&c| c != ' ').count();
    }
    let mut word_start = Vec::with_capacity(words.len());
    let mut acc = 0;
    for w in words {
        word_start.push(acc);
        acc += w.chars;
    }
    for i in 1..sink.lines.len() {
        let prev_width = sink.widths[i - 1];
        if prev_width == 0 || sink.lines[i].chars().all(|c| c == ' ') {
            continue;
        }
        let at = starts[i];
        let k = word_start.partition_point(|&s| s <= at) - 1;
        let w = &words[k];
        let off = at - word_start[k];
        if off == 0 {
            if w.hard_before {
                continue;
            }
            assert!(
                prev_width + w.sep + w.width > avail,
                "line {} broke before a word that fit: {prev_width} + {} + {} <= {avail}: {:?} / {:?}",
                i - 1,
                w.sep,
                w.width,
                sink.lines[i - 1],
                sink.lines[i]
            );
        } else if let Some(&(_, gw)) = w.clusters.iter().find(|c| c.0 == off) {
            let after_separator = sink.lines[i - 1]
                .graphemes(true)
                .next_back()
                .is_some_and(is_separator);
            assert!(
                prev_width + gw > avail || (after_separator && prev_width >= avail - avail / 3),
                "line {} broke a word before a cluster that fit: {:?} / {:?}",
                i - 1,
                sink.lines[i - 1],
                sink.lines[i]
            );
        }
    }
}

/// The wrapper's precondition (layout guarantees it since the fix of FUZZING.md finding 1):
/// no grapheme cluster spans two pieces. Text at the start of a piece that extends the last
/// cluster of the piece before (a VS16, a combining mark) moves to that piece, as
/// `layout::join_cluster` does.
fn join_clusters(mut texts: Vec<(String, u8, bool)>) -> Vec<(String, u8, bool)> {
    let mut last: Option<usize> = None;
    for i in 0..texts.len() {
        if texts[i].2 {
            last = None;
            continue;
        }
        if let Some(li) = last {
            let join = texts[li].0.len();
            let both = format!("{}{}", texts[li].0, texts[i].0);
            let end = both
                .grapheme_indices(true)
                .map(|(at, g)| (at, at + g.len()))
                .find(|&(a, e)| a < join && e > join)
                .map(|(_, e)| e);
            if let Some(end) = end {
                let moved: String = texts[i].0.drain(..end - join).collect();
                texts[li].0.push_str(&moved);
            }
        }
        if !texts[i].0.is_empty() {
            last = Some(i);
        }
    }
    texts
}

// ---- the reference ----

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Space(usize),
    /// Any other cluster; `brk`: a line may break before it with no space to drop. That is
    /// where one of it and the cluster before it is wide and UAX #14 allows a break between
    /// the two, and before a cluster led by U+0020 (` \u{301}`), which is never dropped.
    Cluster { brk: bool },
}

/// An overlong word may break after these (see `break_overlong` in the library).
fn is_separator(g: &str) -> bool {
    matches!(
        g,
        "/" | "\\" | "?" | "&" | "=" | "-" | "_" | "," | ";" | "\u{2013}" | "\u{2014}"
    )
}

/// UAX #14, on the two clusters alone.
fn pair_allows_break(a: &str, b: &str) -> bool {
    let both = format!("{a}{b}");
    let allowed = unicode_linebreak::linebreaks(&both).any(|(i, _)| i == a.len());
    allowed
}

enum Item<'a> {
    G(&'a str, usize, Kind),
    Break,
}

struct Ref {
    avail: usize,
    lines: Vec<String>,
    cur: String,
    cur_w: usize,
    pending: Option<usize>,
    word: Vec<(String, usize)>,
    word_w: usize,
}

impl Ref {
    fn newline(&mut self) {
        self.lines.push(std::mem::take(&mut self.cur));
        self.cur_w = 0;
    }

    fn put(&mut self, g: &str, w: usize) {
        self.cur.push_str(g);
        self.cur_w += w;
        assert!(self.cur_w <= self.avail, "reference overflowed");
    }

    fn flush_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let sp = self.pending.take();
        let sw = if self.cur_w > 0 { sp.unwrap_or(0) } else { 0 };
        if self.cur_w > 0 && self.cur_w + sw + self.word_w > self.avail {
            // Greedy: the word does not fit after this line's text.
            self.newline();
        } else {
            for _ in 0..sw {
                self.put(" ", 1);
            }
        }
        let word = std::mem::take(&mut self.word);
        if self.word_w <= self.avail - self.cur_w {
            for (g, w) in &word {
                self.put(g, *w);
            }
        } else {
            // Longer than the line: fill rows cluster by cluster; a row that overflows ends
            // after its last separator instead, if it is then two thirds full.
            let min_fill = self.avail - self.avail / 3;
            // (index of the cluster after the separator, bytes of `cur` and width there)
            let mut best: Option<(usize, usize, usize)> = None;
            let mut in_row = false;
            let mut k = 0;
            while k < word.len() {
                let (g, w) = (&word[k].0, &word[k].1);
                if in_row && k > 0 && is_separator(&word[k - 1].0) && *g != word[k - 1].0 {
                    best = Some((k, self.cur.len(), self.cur_w));
                }
                if self.cur_w + w > self.avail {
                    if let Some((bk, len, bw)) = best.take() {
                        if bw >= min_fill {
                            self.cur.truncate(len);
                            self.cur_w = bw;
                            self.newline();
                            in_row = false;
                            k = bk;
                            continue;
                        }
                    }
                    if self.cur_w > 0 {
                        self.newline();
                    }
                    if *w > self.avail {
                        // Into its characters, each with the zero-width characters after it,
                        // measured whole (so `#` keeps its VS16 and its 2 columns).
                        let mut parts: Vec<String> = Vec::new();
                        for c in g.chars() {
                            match parts.last_mut() {
                                Some(p) if c.width().unwrap_or(0) == 0 => p.push(c),
                                _ => parts.push(c.to_string()),
                            }
                        }
                        for p in &parts {
                            let pw = UnicodeWidthStr::width(p.as_str());
                            if self.cur_w + pw > self.avail && self.cur_w > 0 {
                                self.newline();
                            }
                            self.cur.push_str(p);
                            self.cur_w += pw;
                        }
                        in_row = true;
                        k += 1;
                        continue;
                    }
                }
                self.put(g, *w);
                in_row = true;
                k += 1;
            }
        }
        self.word_w = 0;
    }

    fn run(avail: usize, items: &[Item<'_>]) -> Vec<String> {
        let mut r = Ref {
            avail,
            lines: Vec::new(),
            cur: String::new(),
            cur_w: 0,
            pending: None,
            word: Vec::new(),
            word_w: 0,
        };
        for it in items {
            match *it {
                Item::Break => {
                    r.flush_word();
                    r.pending = None;
                    r.newline();
                }
                Item::G(_, _, Kind::Space(w)) => {
                    r.flush_word();
                    *r.pending.get_or_insert(0) += w;
                }
                Item::G(g, w, Kind::Cluster { brk }) => {
                    if brk {
                        r.flush_word();
                    }
                    r.word.push((g.to_owned(), w));
                    r.word_w += w;
                }
            }
        }
        r.flush_word();
        r.newline();
        r.lines
    }
}

fn items(texts: &[(String, u8, bool)], tab_width: usize) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    // The cluster before, if it is not a space: (text, width).
    let mut prev: Option<(&str, usize)> = None;
    for (text, _, hard) in texts {
        if *hard {
            out.push(Item::Break);
            prev = None;
            continue;
        }
        for g in text.graphemes(true) {
            let w = UnicodeWidthStr::width(g);
            let kind = match g {
                " " => Kind::Space(1),
                "\t" => Kind::Space(tab_width),
                _ => Kind::Cluster {
                    brk: g.starts_with(' ')
                        || prev.is_some_and(|(p, pw)| {
                            (pw >= 2 || w >= 2) && pair_allows_break(p, g)
                        }),
                },
            };
            prev = matches!(kind, Kind::Cluster { .. }).then_some((g, w));
            out.push(Item::G(g, w, kind));
        }
    }
    out
}

fuzz_target!(|input: Input| {
    let avail = 2 + usize::from(input.avail % 59);
    let tab_width = 1 + usize::from(input.tab_width % 16);
    // (text, style id, hard break). Pieces hold no control characters (layout sanitizes
    // them first) except tabs, which the wrapper expands.
    let texts: Vec<(String, u8, bool)> = input
        .pieces
        .iter()
        .take(64)
        .map(|p| match p {
            PieceIn::Text { style, text } => (
                text.chars()
                    .filter(|&c| c == '\t' || !termark::internals::is_unsafe(c))
                    .take(256)
                    .collect(),
                *style,
                false,
            ),
            PieceIn::Alpha { style, symbols } => (
                symbols
                    .iter()
                    .take(256)
                    .map(|&s| ALPHABET[usize::from(s) % ALPHABET.len()])
                    .collect(),
                *style,
                false,
            ),
            PieceIn::HardBreak => (String::new(), 0, true),
        })
        .collect();
    let texts = join_clusters(texts);
    let pieces: Vec<Piece<'_>> = texts
        .iter()
        .map(|(t, s, hard)| {
            if *hard {
                Piece::hard_break()
            } else {
                Piece::text(t, style_of(*s), link_of(*s))
            }
        })
        .collect();

    let mut sink = Collect::default();
    wrap(&pieces, avail, tab_width, &mut sink);
    assert!(!sink.open, "a line was left open");
    assert!(!sink.lines.is_empty(), "wrap emitted no line");

    // Property: no line is wider than `avail`, by the sink's count and by unicode-width.
    for (line, &w) in sink.lines.iter().zip(&sink.widths) {
        // One character wider than the line (U+17D8 is 3 columns) cannot fit anywhere: it
        // gets a line of its own, with at most zero-width characters beside it (layout
        // never wraps to fewer than 6 columns).
        let mut wide = line.chars().filter(|c| c.width().unwrap_or(0) > 0);
        if let (Some(c), None) = (wide.next(), wide.next()) {
            if c.width().unwrap_or(0) > avail {
                continue;
            }
        }
        assert!(
            w <= avail,
            "line {line:?} reports {w} columns, over {avail}"
        );
        let real = UnicodeWidthStr::width(line.as_str());
        assert!(
            real <= avail,
            "line {line:?} is {real} columns wide, over {avail}"
        );
        assert!(!line.contains('\t'), "tab in output line {line:?}");
    }
    // Property: the non-space text, with styles and links, is kept exactly once, in order.
    let mut want: Vec<(char, Style, Option<String>)> = Vec::new();
    for (t, s, hard) in &texts {
        if !hard {
            want.extend(
                t.chars()
                    .filter(|&c| c != ' ' && c != '\t')
                    .map(|c| (c, style_of(*s), link_of(*s).map(str::to_owned))),
            );
        }
    }
    assert!(
        sink.marks == want,
        "non-space text, styles or links lost, duplicated or reordered"
    );
    // Property: hard breaks give exactly their lines (soft breaks only add lines).
    let hard = texts.iter().filter(|t| t.2).count();
    assert!(sink.lines.len() > hard, "fewer lines than hard breaks + 1");

    // Exact agreement with the greedy reference.
    let expected = Ref::run(avail, &items(&texts, tab_width));
    if sink.lines != expected {
        let i = sink
            .lines
            .iter()
            .zip(&expected)
            .position(|(a, b)| a != b)
            .unwrap_or(sink.lines.len().min(expected.len()));
        panic!("wrap differs from the reference at line {i} (avail {avail}):\n  wrap: {:?}\n  ref:  {:?}\n  texts: {texts:?}\n  lines: {:?}\n  ref lines: {expected:?}", sink.lines.get(i), expected.get(i), sink.lines);
    }
    // Greedy optimality, checked on the wrapper's own output where the reference agrees:
    // wherever a line ends without a hard break, the next line's first word (or, inside a
    // broken word, its next cluster) could not have gone on that line.
    check_greedy(&sink, &words(&items(&texts, tab_width)), avail);
});
