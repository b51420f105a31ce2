//! Block boundaries: where "this block is final" is decided.
//!
//! Two questions, answered on complete lines only (a partial last line can still change
//! the meaning of the lines before it: `para\n-` becomes a setext heading):
//!
//! 1. **When to look** ([`Trigger`]): after each complete line, a cheap test (built on the
//!    line classes of [`crate::scan`]) says whether a new top-level block, or a new item of
//!    a top-level list, *may* have started. It may be wrong in the safe direction only: a
//!    false trigger costs a parse that commits nothing, a missed one delays a commit to the
//!    next trigger or the end.
//! 2. **What is final** ([`commit`]): the open region's complete lines are parsed by
//!    pulldown-cmark, and every *unit* but the last is final and fed to the layout. A unit
//!    is a top-level block or an item of a top-level list (CommonMark §5.2 makes a list one
//!    block; termark renders items independently of later items, so an item is final once
//!    the next one starts). When the region ends in a blank line, a last unit that a blank
//!    line always closes (paragraph, heading, table, block quote, thematic break) is final
//!    too. The parser, not the trigger, decides.
//!
//! ## Where a cut may fall
//! A cut (the start of the new open region) is always at the start of a `\n`-terminated
//! line (a cut at a bare CR could split what pulldown-cmark reads as one line: FUZZING.md
//! finding 18), never inside a unit or a link reference definition (a label may span
//! lines: findings 19, 20), and units that share a line are committed together (finding
//! 13).
//!
//! ## Link reference definitions
//! A definition applies to references in its own unit and in every later unit. References
//! in earlier units were final before the definition arrived, so they stay literal text.
//! pulldown-cmark resolves definitions across a whole parse, so when a region holds a
//! definition after the start of its first unit, the region is split into *groups* that
//! each begin at the unit holding a definition (or at the definition's own line, between
//! units), and each group is parsed alone. Definitions of committed units are kept in
//! [`Defs`] and reach later parses through the broken-link callback.

use crate::linkdefs::Defs;
use crate::parse::{self, EventSink, FeedMode, FoundDef, Held, ShownDef};
use crate::scan::{self, Fence, LineClass};
use pulldown_cmark::{Event, Tag};
use std::ops::Range;

/// What the open block is, as far as the trigger needs to know (from its first line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpenKind {
    /// No open block (only blank lines, or nothing, since the last commit).
    Empty,
    /// A list item with this content indent (columns).
    Item(usize),
    /// A block quote.
    Quote,
    /// Indented code.
    IndentedCode,
    /// Anything else (paragraph, table, heading, HTML block, …).
    Other,
}

/// What a complete line means for the open region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineVerdict {
    /// A blank line while nothing is open: the open region starts after it.
    BlankBetweenBlocks,
    /// The first line of a new open block; `Some` if it opens a fenced code block.
    Opens(Option<Fence>),
    /// A line of the open block. `look`: a new unit may have started (or the open block
    /// may have closed), so a parse is worth paying for.
    Continues { look: bool },
}

/// When to look: the state of the trigger between complete lines.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Trigger {
    /// The previous complete line was blank.
    prev_blank: bool,
    /// The previous complete line was a one-line block (ATX heading, setext underline,
    /// thematic break): whatever follows is a new block.
    prev_one_line: bool,
    open: OpenKind,
}

impl Default for Trigger {
    fn default() -> Self {
        Self {
            prev_blank: true,
            prev_one_line: false,
            open: OpenKind::Empty,
        }
    }
}

impl Trigger {
    /// Classifies the complete line `line` (without its line ending).
    pub(crate) fn line(&mut self, line: &str) -> LineVerdict {
        let blank = scan::is_blank(line);
        if self.open == OpenKind::Empty {
            if blank {
                self.prev_blank = true;
                return LineVerdict::BlankBetweenBlocks;
            }
            return LineVerdict::Opens(self.opens(line));
        }
        let class = if blank {
            LineClass::Plain
        } else {
            scan::classify(line)
        };
        let look = if blank {
            // A blank line may close the open block (paragraph, table, quote): look then,
            // so a finished paragraph shows before the next one starts.
            matches!(self.open, OpenKind::Other | OpenKind::Quote) && !self.prev_blank
        } else {
            self.may_start_unit(line, class)
        };
        self.prev_one_line = class == LineClass::OneLine;
        self.prev_blank = blank;
        LineVerdict::Continues { look }
    }

    /// `line` (non-blank) is the first line of the open block: remember its kind. Returns
    /// its fence if it opens a fenced code block.
    pub(crate) fn opens(&mut self, line: &str) -> Option<Fence> {
        self.prev_blank = false;
        let class = scan::classify(line);
        self.prev_one_line = class == LineClass::OneLine;
        self.open = match class {
            LineClass::Item { content_indent } => OpenKind::Item(content_indent),
            LineClass::Quote => OpenKind::Quote,
            _ if scan::indent(line).columns >= 4 => OpenKind::IndentedCode,
            _ => OpenKind::Other,
        };
        scan::fence_open(line)
    }

    /// Like [`opens`](Self::opens) for a block that starts after a commit, keeping what
    /// the previous line was (the commit cut just before it).
    pub(crate) fn reopens(&mut self, line: &str) -> Option<Fence> {
        let (prev_blank, prev_one_line) = (self.prev_blank, self.prev_one_line);
        let fence = self.opens(line);
        if fence.is_none() {
            (self.prev_blank, self.prev_one_line) = (prev_blank, prev_one_line);
        }
        fence
    }

    /// Nothing is open any more (the region was committed up to a blank line).
    pub(crate) fn emptied(&mut self) {
        self.open = OpenKind::Empty;
    }

    /// The open block was closed by force (a closing fence, the open-block cap): nothing is
    /// open and the previous line counts as neither blank nor a one-line block.
    pub(crate) fn closed(&mut self) {
        self.open = OpenKind::Empty;
        self.prev_blank = false;
        self.prev_one_line = false;
    }

    /// Whether a non-blank complete line (of class `class`) may start a new unit.
    fn may_start_unit(&self, line: &str, class: LineClass) -> bool {
        let indent = scan::indent(line).columns;
        let inside_item = matches!(self.open, OpenKind::Item(ci) if indent >= ci);
        if self.prev_blank {
            return !inside_item && (self.open != OpenKind::IndentedCode || indent < 4);
        }
        if self.prev_one_line {
            return true;
        }
        match class {
            LineClass::Plain => false,
            LineClass::Quote if self.open == OpenKind::Quote => false,
            _ => !inside_item,
        }
    }
}

/// Where the open region starts after a commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cut {
    /// Byte offset in the committed region: the start of the line of the last unit.
    pub(crate) offset: usize,
    /// Whether the line before `offset` is blank.
    pub(crate) prev_blank: bool,
}

/// A top-level block or an item of a top-level list, as the parser found it.
#[derive(Clone, Debug)]
struct Unit {
    range: Range<usize>,
    /// A list item that is not the first of its top-level list.
    continues_list: bool,
    /// A blank line after it always ends it.
    closed_by_blank: bool,
}

/// Blocks that a following blank line always ends (CommonMark §4.8, §4.2, §4.3, §5.1; GFM
/// tables): a later line can never join them.
pub(crate) fn closed_by_blank(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Table(_) | Tag::BlockQuote(_))
            | Event::Rule
    )
}

/// Whether the line before `pos` is blank, `default` if there is none in `src`.
fn prev_blank(src: &str, pos: usize, default: bool) -> bool {
    scan::prev_line_blank(src, pos).unwrap_or(default)
}

/// Parses `src` (complete lines, or the whole rest at the end of input when `last` is
/// true) and feeds `sink` every unit but the last (every unit when `last`). Returns the
/// cut, or `None` when nothing could be committed. `prev_blank_at_start` says whether the
/// line before `src` was blank. Definitions of committed text are added to `defs`.
///
/// When `src` ends in a blank line, a last unit that a blank line always closes is final
/// too and is committed.
pub(crate) fn commit(
    src: &str,
    last: bool,
    prev_blank_at_start: bool,
    defs: &mut Defs,
    sink: &mut impl EventSink,
) -> Option<Cut> {
    let blank_closed = !last && scan::ends_with_blank_line(src);
    let mut unresolved = Vec::new();
    let parser = parse::parser_noting(src, defs, &mut unresolved);
    let found = parse::found_defs(&parser);
    if found.is_empty() {
        // Fast path: one parse, fed unit by unit as it goes.
        sink.begin_segment(prev_blank_at_start);
        let mode = FeedMode {
            hold_last: !last,
            blank_closed,
            list_continues: false,
        };
        let offset = match parse::feed(parser, src, defs, mode, &[], sink) {
            Held::Everything => return None,
            Held::LastUnitFrom(pos) => scan::nl_line_start(src, pos),
            Held::Nothing => src.len(),
        };
        want_before(&unresolved, offset, defs);
        return Some(Cut {
            offset,
            prev_blank: prev_blank(src, offset, prev_blank_at_start),
        });
    }
    let units = units_with_definitions(src, &mut parser.into_offset_iter());
    let last_closed = blank_closed && units.last().is_some_and(|u| u.closed_by_blank);
    if units.is_empty() || (!last && units.len() < 2 && !last_closed) {
        if last {
            // Only definitions (and blank lines) are left.
            sink.begin_segment(prev_blank_at_start);
            let shown = shown_defs(&found, 0, src.len(), defs);
            parse::feed(
                parse::parser(src, defs),
                src,
                defs,
                FeedMode::default(),
                &shown,
                sink,
            );
            add_defs(&found, src.len(), defs);
            return Some(Cut {
                offset: src.len(),
                prev_blank: false,
            });
        }
        return None;
    }
    let blocks = Blocks::new(&units, &found);
    let open_start = if last || last_closed {
        src.len()
    } else {
        safe_cut(src, units[units.len() - 1].range.start, &blocks, &units)
    };
    let groups = group_starts(src, &units, &found, &blocks, open_start);
    let mut start = 0;
    let mut added = 0; // definitions of `found` already added to `defs`
    for &end in groups.iter().chain(std::iter::once(&open_start)) {
        // The next group opens with an item of the list this one leaves open.
        let next = units.partition_point(|u| u.range.start < end);
        let list_continues = end < src.len() && units.get(next).is_some_and(|u| u.continues_list);
        let text = &src[start..end];
        let group_prev_blank = if start == 0 {
            prev_blank_at_start
        } else {
            prev_blank(src, start, false)
        };
        sink.begin_segment(group_prev_blank);
        let mode = FeedMode {
            list_continues,
            ..FeedMode::default()
        };
        let shown = shown_defs(&found, start, end, defs);
        let mut unresolved = Vec::new();
        parse::feed(
            parse::parser_noting(text, defs, &mut unresolved),
            text,
            defs,
            mode,
            &shown,
            sink,
        );
        while added < found.len() && found[added].span.start < end {
            let d = &found[added];
            defs.insert(&d.label, &d.dest, &d.title);
            added += 1;
        }
        want_before(&unresolved, text.len(), defs);
        start = end;
    }
    Some(Cut {
        offset: open_start,
        prev_blank: prev_blank(src, open_start, prev_blank_at_start),
    })
}

/// The units of a parse that holds definitions. Definitions directly before a paragraph
/// (no blank line between) are lines of that paragraph in CommonMark terms: the unit starts
/// at the first of them. Cutting after them would re-parse the rest alone, e.g. `7. x` as a
/// list instead of text. Non-blank lines between the previous unit and this one can only be
/// definitions; with no blank line between, they are lines of this unit's paragraph.
/// (Duplicates of a label are not among the found definitions, pulldown-cmark keeps the
/// first only, so look at the lines.)
fn units_with_definitions<'a, F: pulldown_cmark::BrokenLinkCallback<'a>>(
    src: &str,
    events: &mut pulldown_cmark::OffsetIter<'a, F>,
) -> Vec<Unit> {
    let mut units = units(events);
    let mut prev_end = 0;
    for u in &mut units {
        let end = u.range.end;
        let at = lines_run_start(src, u.range.start, prev_end);
        u.range.start = u.range.start.min(at);
        prev_end = end;
    }
    units
}

/// Where groups start: at each definition that lies after the first unit. Each is found in
/// time proportional to the lines it walks, so thousands of definitions stay linear.
fn group_starts(
    src: &str,
    units: &[Unit],
    found: &[FoundDef],
    blocks: &Blocks,
    open_start: usize,
) -> Vec<usize> {
    let mut candidates: Vec<usize> = Vec::new();
    // (a definition's line, the start of its run of lines), to skip walks already done.
    let mut prev_run: Option<(usize, usize)> = None;
    for def in found {
        let d = def.span.start;
        if d >= open_start || d < units[0].range.end {
            continue;
        }
        let i = units.partition_point(|u| u.range.start <= d);
        if i > 0 && d < units[i - 1].range.end {
            candidates.push(units[i - 1].range.start);
            continue;
        }
        // Between units: the run of non-blank lines holding the definition (finding 17).
        let floor = i.checked_sub(1).map_or(0, |j| units[j].range.end);
        let line = scan::line_start(src, d);
        let mut at = line;
        while at > floor {
            if let Some((prev_line, prev_start)) = prev_run {
                if at == prev_line {
                    at = prev_start;
                    break;
                }
            }
            let above = scan::line_start(src, at - 1);
            if above < floor || scan::is_blank_line(&src[above..at]) {
                break;
            }
            at = above;
        }
        prev_run = Some((line, at));
        candidates.push(at);
    }
    candidates.sort_unstable();
    candidates.dedup();
    let mut splits: Vec<usize> = candidates
        .into_iter()
        .map(|c| safe_cut(src, c, blocks, units))
        .filter(|&at| at > 0)
        .collect();
    splits.sort_unstable();
    splits.dedup();
    splits
}

/// The units and the definitions of a region, sorted by start, with the running maximum of
/// their ends: which block reaches over a position is a binary search.
struct Blocks {
    ranges: Vec<Range<usize>>,
    max_end: Vec<usize>,
}

impl Blocks {
    fn new(units: &[Unit], found: &[FoundDef]) -> Self {
        let mut ranges: Vec<Range<usize>> = units
            .iter()
            .map(|u| u.range.clone())
            .chain(found.iter().map(|d| d.span.clone()))
            .collect();
        ranges.sort_unstable_by_key(|r| r.start);
        let mut max = 0;
        let max_end = ranges
            .iter()
            .map(|r| {
                max = max.max(r.end);
                max
            })
            .collect();
        Self { ranges, max_end }
    }

    /// A block that starts before `at` and ends after it.
    fn over(&self, at: usize) -> Option<&Range<usize>> {
        let i = self.ranges.partition_point(|r| r.start < at);
        if i == 0 || self.max_end[i - 1] <= at {
            return None;
        }
        self.ranges[..i].iter().rev().find(|r| r.end > at)
    }
}

/// Where a cut before `pos` (a unit start or a line start) may fall: the start of its
/// `\n`-terminated line, moved back past every block (unit or definition) that reaches into
/// that line (see the module docs).
///
/// Non-blank lines right above the cut that belong to no unit are definition text (perhaps
/// of a duplicate label, which pulldown-cmark does not report): the cut moves above them too,
/// so a definition whose label spans lines is never split (FUZZING.md findings 19 and 20).
fn safe_cut(src: &str, pos: usize, blocks: &Blocks, units: &[Unit]) -> usize {
    let mut at = scan::nl_line_start(src, pos);
    loop {
        if let Some(b) = blocks.over(at) {
            at = scan::nl_line_start(src, b.start);
            continue;
        }
        let j = units.partition_point(|u| u.range.end <= at);
        let floor = j.checked_sub(1).map_or(0, |j| units[j].range.end);
        let run = scan::nl_line_start(src, lines_run_start(src, at, floor));
        if run < at && at > 0 && !scan::is_blank_line(&src[scan::line_start(src, at - 1)..at]) {
            at = run;
            continue;
        }
        return at;
    }
}

/// The start of the run of non-blank lines that holds `pos`, not above `floor`.
fn lines_run_start(src: &str, pos: usize, floor: usize) -> usize {
    let mut at = scan::line_start(src, pos);
    while at > floor {
        let above = scan::line_start(src, at - 1);
        if above < floor || scan::is_blank_line(&src[above..at]) {
            break;
        }
        at = above;
    }
    at
}

/// The definitions in `found` within `start..end` whose label committed text used
/// unresolved, with spans relative to `start`: they are shown where they stand.
fn shown_defs<'d>(
    found: &'d [FoundDef],
    start: usize,
    end: usize,
    defs: &Defs,
) -> Vec<ShownDef<'d>> {
    found
        .iter()
        .filter(|d| d.span.start >= start && d.span.start < end && defs.is_wanted(&d.label))
        .map(|d| ShownDef {
            span: (d.span.start - start, d.span.end - start),
            label: &d.label,
            dest: &d.dest,
        })
        .collect()
}

/// Remembers the labels of the unresolved references that start before `upto` (the
/// committed part of the parse).
fn want_before(unresolved: &[(usize, u64)], upto: usize, defs: &mut Defs) {
    for &(at, hash) in unresolved {
        if at < upto {
            defs.want(hash);
        }
    }
}

fn add_defs(found: &[FoundDef], upto: usize, defs: &mut Defs) {
    for d in found {
        if d.span.start < upto {
            defs.insert(&d.label, &d.dest, &d.title);
        }
    }
}

/// The units of a parse, in order.
fn units<'a, F: pulldown_cmark::BrokenLinkCallback<'a>>(
    events: &mut pulldown_cmark::OffsetIter<'a, F>,
) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut depth = 0usize;
    let mut in_list = false;
    let mut items = 0;
    for (event, range) in events {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    in_list = matches!(tag, Tag::List(_));
                    items = 0;
                    if !in_list {
                        let closed = closed_by_blank(&Event::Start(tag));
                        units.push(Unit {
                            range: range.clone(),
                            continues_list: false,
                            closed_by_blank: closed,
                        });
                    }
                } else if depth == 1 && in_list && matches!(tag, Tag::Item) {
                    units.push(Unit {
                        range: range.clone(),
                        continues_list: items > 0,
                        closed_by_blank: false,
                    });
                    items += 1;
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ if depth == 0 => units.push(Unit {
                range,
                continues_list: false,
                closed_by_blank: true,
            }),
            _ => {}
        }
    }
    units
}

/// Lays out all of `src` (the tentative tail) without committing or learning definitions.
pub(crate) fn render_all(
    src: &str,
    prev_blank_at_start: bool,
    defs: &Defs,
    sink: &mut impl EventSink,
) {
    sink.begin_segment(prev_blank_at_start);
    let parser = parse::parser(src, defs);
    let found = parse::found_defs(&parser);
    let shown = shown_defs(&found, 0, src.len(), defs);
    parse::feed(parser, src, defs, FeedMode::default(), &shown, sink);
}

#[cfg(test)]
mod tests {
    //! The cut logic on small regions, without layout: a recorder stands in for it.
    use super::*;

    /// Records what was fed: the segments, and the source of every paragraph, heading and
    /// item (markers included).
    #[derive(Default)]
    struct Recorder {
        segments: usize,
        starts: Vec<String>,
        mark: usize,
    }

    impl EventSink for Recorder {
        fn begin_segment(&mut self, _prev_blank: bool) {
            self.segments += 1;
        }
        fn event(&mut self, event: &Event<'_>, range: Range<usize>, text: &str) {
            if let Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item) = event {
                self.starts.push(text[range].trim_end().to_owned());
            }
        }
        fn checkpoint(&mut self) {
            self.mark = self.starts.len();
        }
        fn rollback(&mut self) {
            self.starts.truncate(self.mark);
        }
    }

    /// (what was fed, the cut) for a region of complete lines.
    fn cut(src: &str) -> (Vec<String>, Option<usize>) {
        let mut rec = Recorder::default();
        let mut defs = Defs::default();
        let cut = commit(src, false, true, &mut defs, &mut rec);
        (rec.starts, cut.map(|c| c.offset))
    }

    #[test]
    fn all_units_but_the_last_are_final() {
        let (fed, at) = cut("# a\n\npara one\n\npara two\n");
        assert_eq!(fed, ["# a", "para one"]);
        assert_eq!(at, Some("# a\n\npara one\n\n".len()));
    }

    #[test]
    fn a_blank_line_closes_a_last_paragraph_but_not_a_last_item() {
        assert_eq!(cut("para\n\n"), (vec!["para".to_owned()], Some(6)));
        assert_eq!(cut("- item\n\n"), (vec![], None));
    }

    #[test]
    fn list_items_are_units() {
        let (fed, at) = cut("- one\n- two\n  more\n- three\n");
        assert_eq!(fed, ["- one", "- two\n  more"]);
        assert_eq!(at, Some("- one\n- two\n  more\n".len()));
    }

    #[test]
    fn one_unit_is_never_final_without_a_blank_line() {
        assert_eq!(cut("para\nstill para\n"), (vec![], None));
        // A setext underline makes the lines one heading: still one unit.
        assert_eq!(cut("para\n---\n").1, None);
    }

    #[test]
    fn a_definition_glued_to_a_paragraph_stays_with_it() {
        // The definition is the first line of the next paragraph's run of lines: the cut
        // falls before it, not between it and `7. x`.
        let src = "# T\n[r]: /u\n7. x\n";
        let (fed, at) = cut(src);
        assert_eq!(fed, ["# T"]);
        assert_eq!(at, Some("# T\n".len()));
    }

    #[test]
    fn a_definition_after_the_first_unit_starts_a_group() {
        let mut rec = Recorder::default();
        let mut defs = Defs::default();
        let src = "see [r]\n\n[r]: /u\n\nuse [r]\n\nlast\n";
        let c = commit(src, false, true, &mut defs, &mut rec).unwrap();
        assert_eq!(rec.segments, 2, "parsed in two groups");
        assert_eq!(rec.starts, ["see [r]", "use [r]"]);
        assert_eq!(&src[c.offset..], "last\n");
        assert_eq!(defs.get("R").map(|d| d.dest.as_str()), Some("/u"));
    }

    #[test]
    fn no_cut_at_a_bare_cr() {
        // `a\r- \rf`: pulldown-cmark reads lines at the bare CRs; the cut must still fall at
        // a `\n` line start, so everything stays open here.
        let (_, at) = cut("a\r- \rf\n");
        assert!(at.is_none_or(|a| a == 0 || "a\r- \rf\n".as_bytes()[a - 1] == b'\n'));
    }

    /// The trigger on the cases that decide commits (complete lines, in order).
    #[test]
    fn trigger_cases() {
        // (lines fed, does the last line make the stream look?)
        let cases: &[(&[&str], bool)] = &[
            (&["para", "more"], false),
            (&["para", ""], true),
            (&["para", "", "next"], true),
            (&["para", "# h"], true),
            (&["para", "#tag"], false),
            (&["para", "- item"], true),
            (&["para", "1. item"], true),
            (&["# h", "text"], true),
            (&["- a", "  continued"], false),
            (&["- a", "", "  inside the item"], false),
            (&["- a", "", "outside"], true),
            (&["- a", "- b"], true),
            (&["> q", "> more"], false),
            (&["> q", "lazy"], false),
            (&["    code", "", "    more code"], false),
            (&["    code", "", "text"], true),
            (&["- a", ""], false),
            (&["```", "code"], false),
        ];
        for (lines, want) in cases {
            let mut t = Trigger::default();
            let mut look = false;
            for line in *lines {
                look = match t.line(line) {
                    LineVerdict::Continues { look } => look,
                    LineVerdict::Opens(_) | LineVerdict::BlankBetweenBlocks => false,
                };
            }
            assert_eq!(look, *want, "{lines:?}");
        }
    }
}
