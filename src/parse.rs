//! The parse adapter: pulldown-cmark options, link definitions, and committing a region of
//! source unit by unit.
//!
//! A *unit* is what the stream commits at once: a top-level block, or one item of a
//! top-level list. `commit` parses a region of complete lines and feeds the layout the
//! events of every unit but the last; the last unit's source stays open.
//!
//! ## Link reference definitions
//! A definition applies to references in its own unit and in every later unit. References
//! in earlier units were final before the definition arrived, so they stay literal text.
//! pulldown-cmark resolves definitions across a whole parse, so when a region holds a
//! definition after the start of its first unit, the region is split into groups that each
//! begin at the unit holding a definition (or at the definition's own line, between units),
//! and each group is parsed alone. Definitions of committed units are kept in [`Defs`] and
//! reach later parses through pulldown-cmark's broken-link callback.

use crate::layout::{Layout, Scratch};
use crate::line::Lines;
use pulldown_cmark::{BrokenLink, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::ops::Range;

/// The pulldown-cmark extensions termark renders: GFM tables, strikethrough, task lists,
/// and footnotes in the older syntax (every `[^x]` is a reference, defined or not, which
/// keeps streaming output independent of where the definition comes).
#[must_use]
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_OLD_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Link reference definitions of committed units: normalized label → (URL, title).
#[derive(Clone, Debug, Default)]
pub struct Defs {
    map: HashMap<String, (String, String)>,
}

impl Defs {
    /// Number of definitions.
    #[must_use]
    pub fn len(&self) -> usize {
        self.map.len()
    }
    /// True if there is none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    /// Adds every link reference definition of `source` (a whole Markdown document).
    pub fn extend_from_document(&mut self, source: &str) {
        let p = Parser::new_ext(source, options());
        for (label, d) in p.reference_definitions().iter() {
            self.insert(label, &d.dest, d.title.as_deref().unwrap_or(""));
        }
    }

    fn insert(&mut self, label: &str, url: &str, title: &str) {
        // The first definition of a label wins (CommonMark §4.7).
        self.map
            .entry(normalize_label(label))
            .or_insert_with(|| (url.to_owned(), title.to_owned()));
    }
    fn get(&self, label: &str) -> Option<&(String, String)> {
        self.map.get(&normalize_label(label))
    }
}

/// CommonMark label matching: case-folded, whitespace runs collapsed, trimmed.
/// (Unicode lowercase stands in for full case folding.)
fn normalize_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// A parser over `text` that resolves otherwise-broken references against `defs`.
pub fn parser<'a>(
    text: &'a str,
    defs: &'a Defs,
) -> Parser<'a, impl pulldown_cmark::BrokenLinkCallback<'a>> {
    let cb = move |link: BrokenLink<'a>| -> Option<(CowStr<'a>, CowStr<'a>)> {
        if defs.is_empty() {
            return None;
        }
        defs.get(&link.reference)
            .map(|(u, t)| (CowStr::Borrowed(u.as_str()), CowStr::Borrowed(t.as_str())))
    };
    Parser::new_with_broken_link_callback(text, options(), Some(cb))
}

/// Where the open region starts after a commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cut {
    /// Byte offset in the committed region: the start of the line of the last unit.
    pub offset: usize,
    /// Whether the line before `offset` is blank.
    pub prev_blank: bool,
}

#[derive(Clone, Debug)]
struct Unit {
    range: Range<usize>,
    /// A list item that is not the first of its top-level list.
    continues_list: bool,
    /// A blank line after it always ends it.
    closed_by_blank: bool,
}

/// True if the last line of `src` is blank.
fn ends_with_blank_line(src: &str) -> bool {
    let body = src.strip_suffix('\n').unwrap_or(src);
    let body = body.strip_suffix('\r').unwrap_or(body);
    let last = &body[line_start(body, body.len())..];
    src.ends_with('\n') && last.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Blocks that a following blank line always ends (CommonMark §4.8, §4.2, §4.3, §5.1; GFM
/// tables): a later line can never join them.
fn closed_by_blank(ev: &Event<'_>) -> bool {
    matches!(
        ev,
        Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Table(_) | Tag::BlockQuote(_))
            | Event::Rule
    )
}

fn line_start(src: &str, pos: usize) -> usize {
    crate::scan::line_start(src, pos)
}

fn prev_blank(src: &str, pos: usize, default: bool) -> bool {
    crate::scan::prev_line_blank(src, pos).unwrap_or(default)
}

/// Everything the commit needs to write into.
pub(crate) struct Sinks<'a, 'c> {
    pub layout: &'a mut Layout<'c>,
    pub out: &'a mut Lines,
    pub sc: &'a mut Scratch,
    pub bump: &'a mut bumpalo::Bump,
}

/// Parses `src` (complete lines, or the whole rest at the end of input when `last` is
/// true) and commits every unit but the last (every unit when `last`). Returns the cut, or
/// `None` when nothing could be committed. `prev_blank_at_start` says whether the line
/// before `src` was blank. Definitions of committed text are added to `defs`.
///
/// When `src` ends in a blank line, a last unit that a blank line always closes (paragraph,
/// heading, table, block quote, thematic break) is final too and is committed.
pub(crate) fn commit(
    src: &str,
    last: bool,
    prev_blank_at_start: bool,
    defs: &mut Defs,
    k: &mut Sinks<'_, '_>,
) -> Option<Cut> {
    let blank_closed = !last && ends_with_blank_line(src);
    let p = parser(src, defs);
    let mut found: Vec<(Range<usize>, String, String, String)> = p
        .reference_definitions()
        .iter()
        .map(|(key, d)| {
            (
                d.span.clone(),
                key.to_owned(),
                d.dest.to_string(),
                d.title.as_deref().unwrap_or("").to_owned(),
            )
        })
        .collect();
    if found.is_empty() {
        // Fast path: one parse, fed unit by unit as it goes.
        k.layout.begin_segment(prev_blank_at_start);
        let open = feed(p, src, defs, !last, blank_closed, false, k);
        let offset = match open {
            Open::Nothing => return None,
            Open::At(pos) => crate::scan::nl_line_start(src, pos),
            Open::None => src.len(),
        };
        return Some(Cut {
            offset,
            prev_blank: prev_blank(src, offset, prev_blank_at_start),
        });
    }
    found.sort_unstable_by_key(|d| d.0.start);
    let mut units = units(&mut p.into_offset_iter());
    // Definitions directly before a paragraph (no blank line between) are lines of that
    // paragraph in CommonMark terms: the unit starts at the first of them. Cutting after
    // them would re-parse the rest alone, e.g. `7. x` as a list instead of text.
    // Non-blank lines between the previous unit and this one can only be definitions; with
    // no blank line between, they are lines of this unit's paragraph. (Duplicates of a label
    // are not in `found`, pulldown-cmark keeps the first only, so look at the lines.)
    let mut prev_end = 0;
    for u in &mut units {
        let end = u.range.end;
        let at = lines_run_start(src, u.range.start, prev_end);
        u.range.start = u.range.start.min(at);
        prev_end = end;
    }
    if units.is_empty() || (!last && units.len() < 2 && !(blank_closed && units[0].closed_by_blank))
    {
        if last {
            add_defs(&found, src.len(), defs);
            return Some(Cut {
                offset: src.len(),
                prev_blank: false,
            });
        }
        return None;
    }
    // No cut may fall inside a unit or a definition (a label may span lines: `[\ns]: h`).
    let blocks = Blocks::new(&units, &found);
    let open_start = if last || (blank_closed && units.last().is_some_and(|u| u.closed_by_blank)) {
        src.len()
    } else {
        safe_cut(src, units[units.len() - 1].range.start, &blocks, &units)
    };
    // Group boundaries: where a definition lies after the first unit. Each is found in
    // time proportional to the lines it walks, so thousands of definitions stay linear.
    let mut candidates: Vec<usize> = Vec::new();
    let mut prev_run: Option<(usize, usize)> = None; // (a definition's line, its run start)
    for (span, ..) in &found {
        let d = span.start;
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
        let line = line_start(src, d);
        let mut at = line;
        while at > floor {
            if let Some((pl, pr)) = prev_run {
                if at == pl {
                    at = pr;
                    break;
                }
            }
            let above = line_start(src, at - 1);
            if above < floor || is_blank(&src[above..at]) {
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
        .map(|c| safe_cut(src, c, &blocks, &units))
        .filter(|&at| at > 0)
        .collect();
    splits.sort_unstable();
    splits.dedup();
    let mut start = 0;
    let mut added = 0; // definitions of `found` already added to `defs`
    for &end in splits.iter().chain(std::iter::once(&open_start)) {
        // The next group opens with an item of the list this one leaves open.
        let next = units.partition_point(|u| u.range.start < end);
        let continues = end < src.len() && units.get(next).is_some_and(|u| u.continues_list);
        let text = &src[start..end];
        let pb = if start == 0 {
            prev_blank_at_start
        } else {
            prev_blank(src, start, false)
        };
        k.layout.begin_segment(pb);
        feed(parser(text, defs), text, defs, false, false, continues, k);
        while added < found.len() && found[added].0.start < end {
            let (_, label, url, title) = &found[added];
            defs.insert(label, url, title);
            added += 1;
        }
        start = end;
    }
    Some(Cut {
        offset: open_start,
        prev_blank: prev_blank(src, open_start, prev_blank_at_start),
    })
}

/// The units and the definitions of a region, sorted by start, with the running maximum of
/// their ends: which block reaches over a position is a binary search.
struct Blocks {
    ranges: Vec<Range<usize>>,
    max_end: Vec<usize>,
}

impl Blocks {
    fn new(units: &[Unit], found: &[(Range<usize>, String, String, String)]) -> Self {
        let mut ranges: Vec<Range<usize>> = units
            .iter()
            .map(|u| u.range.clone())
            .chain(found.iter().map(|d| d.0.clone()))
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
/// that line. A cut at a bare CR could split what pulldown-cmark reads as one line
/// (`` ```\r\r` `` is a paragraph; cut after the CRs, `` ```\r\r `` alone opens a code block:
/// FUZZING.md finding 18).
///
/// Non-blank lines right above the cut that belong to no unit are definition text (perhaps
/// of a duplicate label, which pulldown-cmark does not report): the cut moves above them too,
/// so a definition whose label spans lines is never split (FUZZING.md findings 19 and 20).
fn safe_cut(src: &str, pos: usize, blocks: &Blocks, units: &[Unit]) -> usize {
    let mut at = crate::scan::nl_line_start(src, pos);
    loop {
        if let Some(b) = blocks.over(at) {
            at = crate::scan::nl_line_start(src, b.start);
            continue;
        }
        let j = units.partition_point(|u| u.range.end <= at);
        let floor = j.checked_sub(1).map_or(0, |j| units[j].range.end);
        let run = crate::scan::nl_line_start(src, lines_run_start(src, at, floor));
        if run < at && at > 0 && !is_blank_line_before(src, at) {
            at = run;
            continue;
        }
        return at;
    }
}

fn is_blank(line: &str) -> bool {
    line.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// True if the line that ends right before `at` (a line start) is blank.
fn is_blank_line_before(src: &str, at: usize) -> bool {
    let above = line_start(src, at.saturating_sub(1));
    src[above..at]
        .bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// The start of the run of non-blank lines that holds `pos`, not above `floor`.
fn lines_run_start(src: &str, pos: usize, floor: usize) -> usize {
    let mut at = line_start(src, pos);
    while at > floor {
        let above = line_start(src, at - 1);
        if above < floor
            || src[above..at]
                .bytes()
                .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            break;
        }
        at = above;
    }
    at
}

fn add_defs(found: &[(Range<usize>, String, String, String)], upto: usize, defs: &mut Defs) {
    for (span, label, url, title) in found {
        if span.start < upto {
            defs.insert(label, url, title);
        }
    }
}

/// The units of a parse, in order.
fn units<'a, F: pulldown_cmark::BrokenLinkCallback<'a>>(
    it: &mut pulldown_cmark::OffsetIter<'a, F>,
) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut depth = 0usize;
    let mut in_list = false;
    let mut items = 0;
    for (ev, range) in it {
        match ev {
            Event::Start(tag) => {
                if depth == 0 {
                    in_list = matches!(tag, Tag::List(_));
                    items = 0;
                    if !in_list {
                        let closed = closed_by_blank(&Event::Start(tag.clone()));
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
pub(crate) fn render_all(src: &str, prev_blank_at_start: bool, defs: &Defs, k: &mut Sinks<'_, '_>) {
    k.layout.begin_segment(prev_blank_at_start);
    feed(parser(src, defs), src, defs, false, false, false, k);
}

/// A reference resolved by a definition in the parsed region, for a label that a committed
/// unit already defined, takes the committed definition: the first definition of a label
/// wins (CommonMark §4.7) whatever the chunking (FUZZING.md finding 5).
fn prefer_committed<'a>(ev: Event<'a>, defs: &'a Defs) -> Event<'a> {
    use pulldown_cmark::LinkType::{Collapsed, Reference, Shortcut};
    if defs.is_empty() {
        return ev;
    }
    let target = |id: &CowStr<'a>, dest_url: CowStr<'a>, title: CowStr<'a>| match defs.get(id) {
        Some((u, t)) => (CowStr::Borrowed(u.as_str()), CowStr::Borrowed(t.as_str())),
        None => (dest_url, title),
    };
    match ev {
        Event::Start(Tag::Link {
            link_type: link_type @ (Reference | Collapsed | Shortcut),
            dest_url,
            title,
            id,
        }) => {
            let (dest_url, title) = target(&id, dest_url, title);
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type: link_type @ (Reference | Collapsed | Shortcut),
            dest_url,
            title,
            id,
        }) => {
            let (dest_url, title) = target(&id, dest_url, title);
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    }
}

/// What [`feed`] left open.
enum Open {
    /// Fewer than two units: nothing was fed.
    Nothing,
    /// The last unit, starting at this byte offset, was not fed.
    At(usize),
    /// Everything was fed.
    None,
}

/// Feeds the layout the events of `p` (a parse of `text`) unit by unit. With `keep_last`,
/// the last unit's events are held back and its start returned, unless `blank_closed` says
/// `text` ends in a blank line and the last unit is one a blank line closes. With
/// `continues`, a final `End(List)` is held back: the list goes on in the next group.
#[allow(clippy::too_many_arguments)] // one call site per mode; a struct would only rename them
fn feed<'a, F: pulldown_cmark::BrokenLinkCallback<'a>>(
    p: Parser<'a, F>,
    text: &'a str,
    defs: &'a Defs,
    keep_last: bool,
    blank_closed: bool,
    continues: bool,
    k: &mut Sinks<'_, '_>,
) -> Open {
    k.bump.reset();
    let mut depth = 0usize;
    let mut buf: bumpalo::collections::Vec<'_, (Event<'a>, Range<usize>)> =
        bumpalo::collections::Vec::new_in(k.bump);
    let mut unit_start = None;
    let mut list_just_started = false;
    let mut fed_any = false;
    // End of the held-back unit's own extent (not of a list's: a list's units are items),
    // and that end before a `Start(List)` joined it.
    let mut held_end = 0;
    let mut held_end_before_list = 0;
    // Whether the last unit (of the held-back ones) is a block a blank line closes.
    let mut last_closed_by_blank = false;
    for (ev, range) in p.into_offset_iter() {
        let ev = prefer_committed(ev, defs);
        let first_item = list_just_started && depth == 1 && matches!(ev, Event::Start(Tag::Item));
        let starts_unit = match &ev {
            Event::Start(Tag::Item) => depth == 1 && !std::mem::take(&mut list_just_started),
            Event::Start(tag) => {
                list_just_started = depth == 0 && matches!(tag, Tag::List(_));
                depth == 0
            }
            Event::End(_) => false,
            _ => depth == 0,
        };
        match &ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        // The cut before the held-back unit is at the start of its `\n`-terminated line, so
        // a unit that starts on a line the held-back unit reaches joins it: two footnote
        // definitions on one line (`[^a]:[^b]:`, finding 13), or blocks split by a bare CR
        // (`a\n- \rf`: a setext heading, then `f`; findings 2 and 18).
        let joins_held = starts_unit
            && keep_last
            && !buf.is_empty()
            && crate::scan::nl_line_start(text, range.start) < held_end;
        if starts_unit && !joins_held {
            if keep_last {
                fed_any |= !buf.is_empty();
                for (e, r) in buf.drain(..) {
                    k.layout.event(e, r, text, k.out, k.sc);
                }
            }
            unit_start = Some(range.start);
            held_end = 0;
        }
        if starts_unit {
            last_closed_by_blank = closed_by_blank(&ev);
        }
        if keep_last {
            if first_item {
                held_end = held_end_before_list.max(range.end);
            } else if starts_unit {
                if matches!(ev, Event::Start(Tag::List(_))) {
                    held_end_before_list = held_end;
                } else {
                    held_end = held_end.max(range.end);
                }
            }
        }
        if keep_last || (continues && depth == 0 && matches!(ev, Event::End(TagEnd::List(_)))) {
            buf.push((ev, range));
        } else {
            for (e, r) in buf.drain(..) {
                k.layout.event(e, r, text, k.out, k.sc);
            }
            k.layout.event(ev, range, text, k.out, k.sc);
        }
    }
    if keep_last {
        if blank_closed && last_closed_by_blank {
            for (e, r) in buf.drain(..) {
                k.layout.event(e, r, text, k.out, k.sc);
            }
            return Open::None;
        }
        return match unit_start {
            Some(at) if fed_any => Open::At(at),
            _ => Open::Nothing,
        };
    }
    // `buf` holds at most a final End(List) that continues in the next group: dropped.
    Open::None
}
