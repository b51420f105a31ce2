//! The parse adapter over pulldown-cmark: the extensions termark renders, references
//! resolved against committed definitions, and feeding events to a sink unit by unit.
//!
//! What is *final* is decided in [`crate::boundary`]; this module only parses a region and
//! hands its events on, holding the last unit back when asked to.

use crate::linkdefs::Defs;
use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// The pulldown-cmark extensions termark renders: GFM tables, strikethrough, task lists,
/// GitHub alerts (`ENABLE_GFM`: `> [!NOTE]` and the other block quote tags), and footnotes
/// in the older syntax (every `[^x]` is a reference, defined or not, which keeps streaming
/// output independent of where the definition comes).
#[must_use]
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_OLD_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
}

/// pulldown-cmark's broken-link callback: resolves references against committed
/// definitions, and notes the references nothing resolves.
pub(crate) struct Resolver<'a, 'b> {
    defs: &'a Defs,
    /// Where each unresolved reference starts in the parsed text, and its label's hash
    /// ([`crate::linkdefs::label_hash`]).
    unresolved: Option<&'b mut Vec<(usize, u64)>>,
}

impl<'a> pulldown_cmark::BrokenLinkCallback<'a> for Resolver<'a, '_> {
    fn handle_broken_link(&mut self, link: BrokenLink<'a>) -> Option<(CowStr<'a>, CowStr<'a>)> {
        let found = self.defs.get(&link.reference).map(|d| {
            (
                CowStr::Borrowed(d.dest.as_str()),
                CowStr::Borrowed(d.title.as_str()),
            )
        });
        if found.is_none() {
            if let Some(u) = self.unresolved.as_deref_mut() {
                u.push((
                    link.span.start,
                    crate::linkdefs::label_hash(&link.reference),
                ));
            }
        }
        found
    }
}

/// A parser over `text` that resolves otherwise-broken references against `defs`.
pub(crate) fn parser<'a>(text: &'a str, defs: &'a Defs) -> Parser<'a, Resolver<'a, 'a>> {
    Parser::new_with_broken_link_callback(
        text,
        options(),
        Some(Resolver {
            defs,
            unresolved: None,
        }),
    )
}

/// [`parser`], noting in `unresolved` where each reference nothing resolves starts, with
/// its label's hash.
pub(crate) fn parser_noting<'a, 'b>(
    text: &'a str,
    defs: &'a Defs,
    unresolved: &'b mut Vec<(usize, u64)>,
) -> Parser<'a, Resolver<'a, 'b>> {
    Parser::new_with_broken_link_callback(
        text,
        options(),
        Some(Resolver {
            defs,
            unresolved: Some(unresolved),
        }),
    )
}

/// A link reference definition to show where it stands (its label was used unresolved
/// before it arrived): its bytes in the text fed, its label as written and destination.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ShownDef<'d> {
    pub(crate) span: (usize, usize),
    pub(crate) label: &'d str,
    pub(crate) dest: &'d str,
}

/// A link reference definition found in a parse: where it stands and what it says.
#[derive(Clone, Debug)]
pub(crate) struct FoundDef {
    /// Its bytes in the parsed text.
    pub(crate) span: Range<usize>,
    pub(crate) label: String,
    pub(crate) dest: String,
    pub(crate) title: String,
}

/// The definitions pulldown-cmark found in `parser`'s text, by position.
pub(crate) fn found_defs<'a, F: pulldown_cmark::BrokenLinkCallback<'a>>(
    parser: &Parser<'a, F>,
) -> Vec<FoundDef> {
    let mut found: Vec<FoundDef> = parser
        .reference_definitions()
        .iter()
        .map(|(label, d)| FoundDef {
            span: d.span.clone(),
            label: label.to_owned(),
            dest: d.dest.to_string(),
            title: d.title.as_deref().unwrap_or("").to_owned(),
        })
        .collect();
    found.sort_unstable_by_key(|d| d.span.start);
    found
}

/// Where the events of a parse go: the layout of committed lines or of the tail, or a
/// recorder in tests of the cut logic.
pub(crate) trait EventSink {
    /// A new segment of source starts; `prev_blank` says whether the line before its first
    /// line was blank.
    fn begin_segment(&mut self, prev_blank: bool);
    /// One event; `range` indexes `text`, the segment's source.
    fn event(&mut self, event: &Event<'_>, range: Range<usize>, text: &str);
    /// Remembers the state at the start of a unit, to roll back to.
    fn checkpoint(&mut self);
    /// Drops everything done since the last checkpoint.
    fn rollback(&mut self);
    /// A link reference definition to show where it stands; `text` is the segment's
    /// source.
    fn definition(&mut self, def: &ShownDef<'_>, text: &str) {
        let _ = (def, text);
    }
}

/// A reference resolved by a definition in the parsed region, for a label that a committed
/// unit already defined, takes the committed definition: the first definition of a label
/// wins (CommonMark §4.7) whatever the chunking (FUZZING.md finding 5).
fn prefer_committed<'a>(event: Event<'a>, defs: &'a Defs) -> Event<'a> {
    use pulldown_cmark::LinkType::{Collapsed, Reference, Shortcut};
    if defs.is_empty() {
        return event;
    }
    let target = |id: &CowStr<'a>, dest: CowStr<'a>, title: CowStr<'a>| match defs.get(id) {
        Some(d) => (
            CowStr::Borrowed(d.dest.as_str()),
            CowStr::Borrowed(d.title.as_str()),
        ),
        None => (dest, title),
    };
    let is_reference = |t: LinkType| matches!(t, Reference | Collapsed | Shortcut);
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if is_reference(link_type) => {
            let (dest_url, title) = target(&id, dest_url, title);
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if is_reference(link_type) => {
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

/// What [`feed`] held back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Held {
    /// Fewer than two units: nothing was fed.
    Everything,
    /// The last unit, starting at this byte offset of the text, was not fed.
    LastUnitFrom(usize),
    /// Everything was fed.
    Nothing,
}

/// How [`feed`] treats the end of the parse.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FeedMode {
    /// Hold the last unit back (its source stays open) …
    pub(crate) hold_last: bool,
    /// … unless the text ends in a blank line and the last unit is a block a blank line
    /// always closes.
    pub(crate) blank_closed: bool,
    /// A final `End(List)` is not fed: the list goes on in the next group.
    pub(crate) list_continues: bool,
}

/// True if `event` owns no heap memory (most events), so that forgetting it instead of
/// dropping it skips the drop glue (a call per event) and leaks nothing. The tags listed in
/// [`tag_owns_no_heap`] hold no `CowStr` in pulldown-cmark 0.13: check them again when
/// pulldown-cmark is upgraded.
#[inline]
fn owns_no_heap(event: &Event<'_>) -> bool {
    use pulldown_cmark::CowStr;
    match event {
        Event::End(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::Rule
        | Event::TaskListMarker(_) => true,
        Event::Text(t) | Event::Code(t) => !matches!(t, CowStr::Boxed(_)),
        Event::Start(tag) => tag_owns_no_heap(tag),
        _ => false,
    }
}

/// [`owns_no_heap`] for a start tag.
#[inline]
fn tag_owns_no_heap(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Item
            | Tag::List(_)
            | Tag::BlockQuote(_)
            | Tag::TableRow
            | Tag::TableCell
            | Tag::TableHead
    )
}

/// Feeds `sink` the events of `parser` (a parse of `text`) unit by unit (see
/// [`FeedMode`]). A *unit* is a top-level block or one item of a top-level list.
///
/// Events go to the sink as they come; the sink takes a checkpoint where each unit starts,
/// and to hold the last unit back it is rolled back to the last checkpoint at the end (the
/// last unit is laid out once for nothing, which costs less than holding every unit's
/// events until the next one starts).
pub(crate) fn feed<'a, F: pulldown_cmark::BrokenLinkCallback<'a>>(
    parser: Parser<'a, F>,
    text: &'a str,
    defs: &'a Defs,
    mode: FeedMode,
    shown: &[ShownDef<'_>],
    sink: &mut impl EventSink,
) -> Held {
    // The definitions to show, each before the first event that starts after it (or that
    // ends a container holding it).
    let mut shown = shown.iter().peekable();
    let mut depth = 0usize;
    let mut unit_start = None;
    let mut list_just_started = false;
    // Units fed before the one the last checkpoint was taken at.
    let mut fed_any = false;
    // End of the held-back unit's own extent (not of a list's: a list's units are items),
    // and that end before a `Start(List)` joined it.
    let mut held_end = 0;
    let mut held_end_before_list = 0;
    let mut checkpointed = false;
    // Whether the last unit is a block a blank line closes.
    let mut last_closed_by_blank = false;
    // A top-level `End(List)`, not fed until another event follows it.
    let mut list_end: Option<(Event<'a>, Range<usize>)> = None;
    // (Most parses have no committed definition and no definition to show: the loop then
    // skips both looks.)
    let resolve = !defs.is_empty();
    let show = shown.peek().is_some();
    for (mut event, range) in parser.into_offset_iter() {
        if resolve && matches!(event, Event::Start(Tag::Link { .. } | Tag::Image { .. })) {
            event = prefer_committed(event, defs);
        }
        // One look at the event's kind: does it start a unit (or the first item of a
        // top-level list), and the depth after it.
        let (starts_unit, first_item, plain) = match &event {
            Event::Start(tag) => {
                let (s, f) = if matches!(tag, Tag::Item) {
                    let first = list_just_started && depth == 1;
                    (depth == 1 && !std::mem::take(&mut list_just_started), first)
                } else {
                    list_just_started = depth == 0 && matches!(tag, Tag::List(_));
                    (depth == 0, false)
                };
                depth += 1;
                (s, f, tag_owns_no_heap(tag))
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                (false, false, true)
            }
            e => (depth == 0, false, owns_no_heap(e)),
        };
        if starts_unit || first_item {
            if mode.hold_last {
                // The cut before the held-back unit is at the start of its `\n`-terminated
                // line, so a unit that starts on a line the held-back unit reaches joins it:
                // two footnote definitions on one line (`[^a]:[^b]:`, finding 13), or blocks
                // split by a bare CR (`a\n- \rf`: a setext heading, then `f`; findings 2
                // and 18).
                let joins_held = starts_unit
                    && checkpointed
                    && crate::scan::nl_line_start(text, range.start) < held_end;
                if starts_unit && !joins_held {
                    fed_any |= checkpointed;
                    sink.checkpoint();
                    checkpointed = true;
                    unit_start = Some(range.start);
                    held_end = 0;
                }
                if first_item {
                    held_end = held_end_before_list.max(range.end);
                } else if matches!(event, Event::Start(Tag::List(_))) {
                    held_end_before_list = held_end;
                } else {
                    held_end = held_end.max(range.end);
                }
            }
            if starts_unit {
                last_closed_by_blank = crate::boundary::closed_by_blank(&event);
            }
        }
        if list_end.is_some() {
            if let Some((e, r)) = list_end.take() {
                sink.event(&e, r, text);
            }
        }
        if show {
            let before = if matches!(event, Event::End(_)) {
                range.end
            } else {
                range.start
            };
            while let Some(d) = shown.next_if(|d| d.span.0 < before) {
                sink.definition(d, text);
            }
        }
        if mode.list_continues && depth == 0 && matches!(event, Event::End(TagEnd::List(_))) {
            list_end = Some((event, range));
        } else {
            sink.event(&event, range, text);
            if plain {
                std::mem::forget(event);
            }
        }
    }
    for d in shown {
        sink.definition(d, text);
    }
    // A final `End(List)` that continues in the next group is dropped.
    if !mode.hold_last || (mode.blank_closed && last_closed_by_blank) {
        return Held::Nothing;
    }
    if checkpointed {
        sink.rollback();
    }
    match unit_start {
        Some(at) if fed_any => Held::LastUnitFrom(at),
        _ => Held::Everything,
    }
}
