//! Greedy word wrapping of styled inline text by display width, fed incrementally.
//!
//! Breaks are taken at spaces and tabs, and beside wide (2-column) grapheme clusters such as
//! CJK ideographs where UAX #14 allows a break between the two clusters ([`may_break`]: no
//! break after `「`, before `。`, or between `漢` and a `,` after it). Narrow clusters only
//! break at spaces, so Latin text is wrapped as before. A word longer than the line is
//! broken at grapheme-cluster boundaries, never inside an emoji ZWJ sequence or before a
//! combining mark, and preferably after a separator such as `/` or `&` in the last third of
//! the row ([`break_overlong`]). Spaces at a break are dropped; nothing is padded.
//!
//! A *group* ([`Wrapper::begin_group`], an image's `[image: alt text]` label) keeps its
//! spaces inside one unbreakable word while it fits on a line; wider, it wraps at them.
//! Spaces that end a group are not part of it: they wait for the next word as any spaces do.
//!
//! [`Wrapper`] takes text as layout meets it, one event at a time, and writes finished words
//! straight to a [`LineSink`] (which owns the line prefix: quote bars, list indents), so
//! wrapping stays independent of containers and no inline text is collected first. The
//! state carried between two calls is the line being filled, the spaces before the next
//! word, and the word not yet complete (a word may span several calls: `foo**bar**` is one
//! word). Whether a call's text goes on the pending word is decided from the word's last
//! cluster and the text's first, as inside one call, so splitting changes nothing. [`wrap`] feeds a slice of [`Piece`]s through one wrapper (tables, raw HTML lines).
//!
//! # Fast path
//! Printable ASCII (one column per byte, no tab) takes a byte path: the words that fit on
//! a line are found by looking for the last space within the room left, and go to the sink
//! in one push per line. Everything else goes through grapheme segmentation
//! ([`crate::width::clusters`]). The two give the same lines (a property test compares
//! them; the `wrap` fuzz target compares both with a reference).

use crate::line::Join;
use crate::style::Style;
use crate::width::grapheme_width;

/// A run of inline text in one style, or a hard line break. Text holds no control
/// character and no newline; a tab counts as whitespace of the tab width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text in one style, maybe a link.
    Text {
        /// The text.
        text: &'a str,
        /// Its style.
        style: Style,
        /// Link target (OSC 8), if any.
        link: Option<&'a str>,
    },
    /// A forced line break.
    HardBreak,
}

impl<'a> Piece<'a> {
    /// A text piece.
    #[must_use]
    pub const fn text(text: &'a str, style: Style, link: Option<&'a str>) -> Self {
        Self::Text { text, style, link }
    }
    /// A hard line break.
    #[must_use]
    pub const fn hard_break() -> Self {
        Self::HardBreak
    }
}

/// Receives wrapped lines. The sink writes the line prefix in [`begin`](Self::begin).
pub trait LineSink {
    /// Starts a line.
    fn begin(&mut self);
    /// Appends text of `width` display columns to the current line.
    fn push(&mut self, text: &str, style: Style, link: Option<&str>, width: usize);
    /// Ends the current line.
    fn end(&mut self);
    /// A position in the current line, for [`unwrite`](Self::unwrite): the bytes written
    /// so far (the sink's own count; only ever handed back to it).
    fn mark(&self) -> usize;
    /// Takes back what was pushed to the current line since `mark` (`width` columns, all of
    /// it printable ASCII), handing it to `back` run by run, in order, with each run's
    /// style and link.
    fn unwrite(
        &mut self,
        mark: usize,
        width: usize,
        back: &mut dyn FnMut(&str, Style, Option<&str>),
    );
    /// The line just begun continues the line before it (the wrap broke a source line
    /// there); `join` says what the break dropped.
    fn continues(&mut self, join: Join) {
        let _ = join;
    }
    /// A code row's gutter has just been written: the row's content starts here.
    fn gutter_written(&mut self) {}
    /// The lines begun from now on are of this kind.
    fn kind(&mut self, kind: crate::line::LineKind) {
        let _ = kind;
    }
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

/// Wraps `pieces` into lines of at most `avail` columns (at least 2) and writes them to
/// `sink`. Emits at least one line, even for empty input. Tab width is in columns.
pub fn wrap<S: LineSink + ?Sized>(
    pieces: &[Piece<'_>],
    avail: usize,
    tab_width: usize,
    sink: &mut S,
) {
    wrap_with(&mut Wrapper::default(), pieces, avail, tab_width, sink);
}

/// [`wrap`] with a wrapper whose buffers are reused.
pub(crate) fn wrap_with<S: LineSink + ?Sized>(
    w: &mut Wrapper,
    pieces: &[Piece<'_>],
    avail: usize,
    tab_width: usize,
    sink: &mut S,
) {
    w.begin(avail, tab_width);
    for p in pieces {
        match *p {
            Piece::Text { text, style, link } => w.push(sink, text, style, link),
            Piece::HardBreak => w.hard_break(sink),
        }
    }
    w.finish(sink);
}

/// Spaces waiting for the next word: written only if a word follows on the same line.
#[derive(Clone, Copy, Debug)]
struct PendingSpace {
    width: usize,
    style: Style,
    /// Index + 1 into `Word::links` of the link the spaces belong to (0: none).
    link: u32,
    /// The last of them is U+0020, which a following combining mark joins into a cluster.
    ends_with_space: bool,
    /// Style and link of the last of them (the ones such a cluster takes).
    last_style: Style,
    last_link: u32,
}

/// One fragment of the pending word, in the wrapper's own buffer.
#[derive(Clone, Copy, Debug)]
struct Frag {
    start: u32,
    end: u32,
    width: u32,
    style: Style,
    /// Index + 1 into `Word::links` (0: none).
    link: u32,
    /// 0: text. Otherwise spaces inside a group ([`Wrapper::begin_group`]), kept in the word:
    /// [`GLUE_SPACE`] if the last of them is U+0020 (which a following combining mark joins
    /// into a cluster), [`GLUE_OTHER`] if not (a tab, or none: width 0).
    glue: u8,
}

/// [`Frag::glue`]: spaces ending with U+0020.
const GLUE_SPACE: u8 = 1;
/// [`Frag::glue`]: spaces ending with a tab, or no space at all.
const GLUE_OTHER: u8 = 2;

/// The word not yet complete, and the link targets of pending text, copied: the text of a
/// call does not outlive it.
#[derive(Clone, Debug, Default)]
struct Word {
    text: String,
    frags: Vec<Frag>,
    width: usize,
    /// It holds spaces of a group (fragments with [`Frag::glue`]).
    glued: bool,
    /// Where (bytes into `text`) the text of a group begins that joined the text before
    /// the group with no break between them. A mark in a later call that makes the group's
    /// first cluster wide may allow that break after all ([`Wrapper::join_extension`]).
    group_from: Option<u32>,
    /// Link targets of pending fragments and spaces, by (start, end) in `link_text`.
    links: Vec<(u32, u32)>,
    link_text: String,
}

impl Word {
    /// The id of `link` in this word's link table (0: none), copying it at most once in a
    /// row.
    #[inline]
    fn link_id(&mut self, link: Option<&str>) -> u32 {
        match link {
            None => 0,
            Some(url) => self.url_id(url),
        }
    }

    /// [`link_id`](Self::link_id) of a link.
    fn url_id(&mut self, url: &str) -> u32 {
        if let Some(&(s, e)) = self.links.last() {
            if &self.link_text[s as usize..e as usize] == url {
                return self.links.len() as u32;
            }
        }
        let s = self.link_text.len() as u32;
        self.link_text.push_str(url);
        self.links.push((s, self.link_text.len() as u32));
        self.links.len() as u32
    }

    fn link(&self, id: u32) -> Option<&str> {
        (id > 0).then(|| {
            let (s, e) = self.links[id as usize - 1];
            &self.link_text[s as usize..e as usize]
        })
    }

    /// Appends text of the word (one fragment per style and link).
    fn add(&mut self, text: &str, width: usize, style: Style, link: Option<&str>) {
        let link = self.link_id(link);
        self.width += width;
        let start = self.text.len() as u32;
        self.text.push_str(text);
        let end = self.text.len() as u32;
        if let Some(last) = self.frags.last_mut() {
            if last.style == style && last.link == link && last.end == start && last.glue == 0 {
                last.end = end;
                last.width += width as u32;
                return;
            }
        }
        self.frags.push(Frag {
            start,
            end,
            width: width as u32,
            style,
            link,
            glue: 0,
        });
    }

    /// Appends spaces of a group (`width` columns, written as that many U+0020): part of
    /// the word while it fits on a line, a break opportunity if it does not.
    fn add_glue(&mut self, width: usize, ends_with_space: bool, style: Style, link: Option<&str>) {
        let link = self.link_id(link);
        let start = self.text.len() as u32;
        let mut n = width;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.text.push_str(&SPACES[..k]);
            n -= k;
        }
        self.width += width;
        self.glued = true;
        self.frags.push(Frag {
            start,
            end: self.text.len() as u32,
            width: width as u32,
            style,
            link,
            glue: if ends_with_space && width > 0 {
                GLUE_SPACE
            } else {
                GLUE_OTHER
            },
        });
    }

    /// The last grapheme cluster of the word, unless the word is empty or ends with the
    /// spaces of a group (after which a line may always break).
    fn last_cluster(&self) -> Option<Cluster<'_>> {
        let last = self.frags.last()?;
        if last.glue != 0 {
            return None;
        }
        let t = &self.text[last.start as usize..last.end as usize];
        let b = t.as_bytes();
        let &end = b.last()?;
        if end < 0x80 && (b.len() == 1 || b[b.len() - 2] < 0x80) {
            // An ASCII character after another (or alone) is a cluster of its own.
            return Some(Cluster {
                text: &t[t.len() - 1..],
                wide: false,
            });
        }
        unicode_segmentation::UnicodeSegmentation::graphemes(t, true)
            .next_back()
            .map(Cluster::of)
    }

    fn is_empty(&self) -> bool {
        self.frags.is_empty()
    }

    /// The word ends with a character outside `width::is_simple`, which may be a prepended
    /// mark (U+0600): its cluster takes the next character, even an ASCII one.
    #[inline]
    fn may_take_ascii(&self) -> bool {
        self.frags.last().is_some_and(|f| f.glue == 0)
            && self
                .text
                .chars()
                .next_back()
                .is_some_and(|c| !crate::width::is_simple(c))
    }

    fn clear(&mut self) {
        self.text.clear();
        self.frags.clear();
        self.width = 0;
        self.glued = false;
        self.group_from = None;
    }
}

/// A word written to the sink before it was known to be complete: a call's text ended
/// inside it and it fit on the line. Most words stay where they are; one that the next call
/// continues past the end of the line is taken back ([`LineSink::unwrite`]) into the
/// pending word and placed again, exactly as if it had waited. It is printable ASCII.
#[derive(Clone, Copy, Debug)]
struct OpenWord {
    /// The sink's mark before the spaces written in front of the word.
    mark: usize,
    /// Columns of those spaces.
    space: usize,
    /// Columns of the word so far.
    width: usize,
}

/// The greedy wrapper, fed one run of text at a time (see the module docs).
///
/// Call [`begin`](Self::begin) at the start of a paragraph, [`push`](Self::push) and
/// [`hard_break`](Self::hard_break) as its content comes, and [`finish`](Self::finish) at
/// its end. Its buffers are kept between paragraphs.
#[derive(Clone, Debug, Default)]
pub struct Wrapper {
    avail: usize,
    tab_width: usize,
    /// Columns on the current line (after the prefix).
    line_width: usize,
    /// A line is begun in the sink.
    open: bool,
    space: Option<PendingSpace>,
    word: Word,
    open_word: Option<OpenWord>,
    /// The ASCII fast path is on (tests turn it off to compare with the general path).
    ascii: bool,
    /// Groups open ([`begin_group`](Self::begin_group)): their spaces do not break a line.
    group: u32,
    /// A group has begun and no text of it has come yet.
    group_fresh: bool,
    /// A word wider than a line starts on the current line when at least half of it is
    /// free, instead of on a line of its own ([`overlong_on_the_line`](Self::overlong_on_the_line)).
    overlong_here: bool,
}

impl Wrapper {
    /// Starts a paragraph of lines at most `avail` columns wide (at least 2).
    pub fn begin(&mut self, avail: usize, tab_width: usize) {
        self.avail = avail.max(2);
        self.tab_width = tab_width;
        self.line_width = 0;
        self.open = false;
        self.space = None;
        self.word.clear();
        self.word.links.clear();
        self.word.link_text.clear();
        self.open_word = None;
        self.ascii = true;
        self.group = 0;
        self.group_fresh = false;
        self.overlong_here = false;
    }

    /// For the paragraph begun last: a word wider than a line (a URL after its `[1]:`
    /// label) starts on the current line when at least half of the line is free, so a
    /// label is not left alone on its row.
    pub(crate) fn overlong_on_the_line(&mut self) {
        self.overlong_here = true;
    }

    /// Starts a group: text that stays on one line when it fits on a line (an image's
    /// `[image: alt text]` label). Its spaces are kept inside one unbreakable word; a group
    /// wider than a line wraps at its spaces as usual; spaces at its end are not part of it
    /// (its width leaves them out; dropped at a break). Groups nest; [`begin`](Self::begin)
    /// closes any left open.
    pub(crate) fn begin_group(&mut self) {
        self.group += 1;
        self.group_fresh = true;
    }

    /// Ends the innermost group.
    pub(crate) fn end_group(&mut self) {
        self.group = self.group.saturating_sub(1);
        self.group_fresh = false;
    }

    /// The row's width in columns (what [`begin`](Self::begin) was given, at least 2).
    pub(crate) fn avail(&self) -> usize {
        self.avail
    }

    /// For a wrapper begun and given nothing yet: the lines before were written by the
    /// caller, the last of them broken with `join`. Begins the next line in the sink, as a
    /// continuation, so that what is pushed now goes on the paragraph as if this wrapper had
    /// written those lines.
    pub(crate) fn resume_after_break<S: LineSink + ?Sized>(&mut self, sink: &mut S, join: Join) {
        debug_assert!(!self.open && self.word.is_empty() && self.space.is_none());
        sink.begin();
        sink.continues(join);
        self.open = true;
        self.line_width = 0;
    }

    /// Empties the buffers for another message, keeping their capacity.
    pub(crate) fn recycle(&mut self) {
        self.begin(2, 4);
    }

    /// Heap bytes held by the buffers.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.word.text.capacity()
            + self.word.frags.capacity() * std::mem::size_of::<Frag>()
            + self.word.links.capacity() * 8
            + self.word.link_text.capacity()
    }

    /// Wraps `text` (no control character, no newline) in `style`, as a link to `link`.
    pub fn push<S: LineSink + ?Sized>(
        &mut self,
        sink: &mut S,
        text: &str,
        style: Style,
        link: Option<&str>,
    ) {
        let ascii = self.ascii && crate::width::is_printable_ascii(text.as_bytes());
        self.push_checked(sink, text, style, link, ascii);
    }

    /// [`push`](Self::push) of one U+0020 (a soft line break): what the byte path does with
    /// it, without looking at it.
    pub(crate) fn push_space<S: LineSink + ?Sized>(
        &mut self,
        sink: &mut S,
        style: Style,
        link: Option<&str>,
    ) {
        if self.ascii && self.group == 0 && !self.word.may_take_ascii() {
            // The pending word (open or not) is complete; the space is pending.
            self.open_word = None;
            self.flush_word(sink);
            self.add_space(1, style, link, true);
        } else {
            self.push_checked(sink, " ", style, link, true);
        }
    }

    /// [`push`](Self::push) for a caller that knows whether `text` is printable ASCII.
    #[inline]
    pub(crate) fn push_checked<S: LineSink + ?Sized>(
        &mut self,
        sink: &mut S,
        text: &str,
        style: Style,
        link: Option<&str>,
        printable_ascii: bool,
    ) {
        if text.is_empty() {
            return;
        }
        if printable_ascii && self.ascii && self.group == 0 && !self.word.may_take_ascii() {
            self.ascii_stretch(sink, text, style, link);
            return;
        }
        if self.open_word.is_some() {
            if text.starts_with([' ', '\t']) {
                // The open word is complete where it stands.
                self.open_word = None;
            } else {
                // It goes on in text the byte path does not take: it waits again.
                self.reopen(sink);
            }
        }
        let mut rest = self.join_extension(sink, text);
        if self.group > 0 && rest.len() < text.len() {
            // The group's text has begun (with a mark on a pending space).
            self.group_fresh = false;
        }
        if rest.is_empty() {
            return;
        }
        if self.group > 0 {
            self.group_text(sink, rest, style, link);
            return;
        }
        if !self.ascii {
            self.general_text(sink, rest, style, link);
            return;
        }
        // Mixed text: the printable-ASCII stretches take the fast path. A stretch ends at
        // the last space before the first other byte, so the word holding that byte (and a
        // combining mark on a character before it) goes through segmentation whole.
        // Splitting text between calls changes nothing (the wrapper carries its state).
        while !rest.is_empty() {
            let b = rest.as_bytes();
            let Some(p) = crate::width::first_non_printable_ascii(b) else {
                self.ascii_stretch(sink, rest, style, link);
                return;
            };
            let q = memchr::memrchr(b' ', &b[..p]).map_or(0, |i| i + 1);
            if q > 0 {
                self.ascii_stretch(sink, &rest[..q], style, link);
            }
            // The general stretch runs to the next space after `p` that starts a cluster
            // (a space after a prepended mark such as U+0600 belongs to its cluster: UAX #29
            // GB9b), or to the end.
            let mut r = memchr::memchr(b' ', &b[p..]).map_or(b.len(), |i| p + i);
            while r < b.len() && space_joins_cluster_before(rest, r) {
                r = memchr::memchr(b' ', &b[r + 1..]).map_or(b.len(), |i| r + 1 + i);
            }
            // (It may start with a mark that joins the space just pending.)
            let stretch = self.join_extension(sink, &rest[q..r]);
            self.general_text(sink, stretch, style, link);
            rest = &rest[r..];
        }
    }

    /// Printable ASCII for the byte path. A pending word that ends with a wide cluster is
    /// complete first if UAX #14 allows a break between it and this text (`漢 a`, not
    /// `漢,`).
    #[inline]
    fn ascii_stretch<S: LineSink + ?Sized>(
        &mut self,
        sink: &mut S,
        text: &str,
        style: Style,
        link: Option<&str>,
    ) {
        if !self.word.is_empty() {
            let first = text.as_bytes()[0] as char;
            if first != ' '
                && !self
                    .word
                    .last_cluster()
                    .is_some_and(|c| c.joins(first, false))
            {
                self.flush_word(sink);
            }
        }
        self.ascii_text(sink, text, style, link);
    }

    /// Text inside a group: every cluster joins the pending word, and spaces after the
    /// group's first text are kept in it as glue ([`Word::add_glue`]).
    fn group_text<S: LineSink + ?Sized>(
        &mut self,
        sink: &mut S,
        text: &str,
        style: Style,
        link: Option<&str>,
    ) {
        let prev = ClusterBuf::of(self.word.last_cluster());
        tokenize(text, self.tab_width, prev.get(), |token| match token {
            Token::Space {
                width,
                ends_with_space,
            } => {
                if self.group_fresh || self.word.is_empty() {
                    // Before the group's first text: a break opportunity as usual.
                    self.flush_word(sink);
                    self.add_space(width, style, link, ends_with_space);
                } else {
                    self.word.add_glue(width, ends_with_space, style, link);
                }
            }
            Token::Seg {
                start,
                end,
                width,
                glue,
            } => {
                if self.group_fresh {
                    if glue {
                        self.word.group_from = Some(self.word.text.len() as u32);
                    } else {
                        // UAX #14 allows a break before the group.
                        self.flush_word(sink);
                    }
                }
                self.group_fresh = false;
                self.word.add(&text[start..end], width, style, link);
            }
            Token::Wide { start, end } => {
                if self.group_fresh {
                    self.flush_word(sink);
                }
                self.group_fresh = false;
                for at in (start..end).step_by(3) {
                    self.word.add(&text[at..at + 3], 2, style, link);
                }
            }
        });
    }

    /// A forced line break: always yields a (possibly empty) next line.
    pub fn hard_break<S: LineSink + ?Sized>(&mut self, sink: &mut S) {
        self.open_word = None;
        self.flush_word(sink);
        self.space = None;
        self.ensure_open(sink);
        sink.end();
        self.open = false;
        self.line_width = 0;
        self.ensure_open(sink);
    }

    /// Ends the paragraph: the last word, then the last line (one line at least).
    pub fn finish<S: LineSink + ?Sized>(&mut self, sink: &mut S) {
        self.open_word = None;
        self.flush_word(sink);
        self.space = None;
        self.ensure_open(sink);
        sink.end();
        self.open = false;
        self.line_width = 0;
    }

    /// Takes the open word back from the sink into the pending word, with the spaces in
    /// front of it as the pending space again.
    fn reopen<S: LineSink + ?Sized>(&mut self, sink: &mut S) {
        let Some(ow) = self.open_word.take() else {
            return;
        };
        self.line_width -= ow.width + ow.space;
        let mut skip = ow.space;
        let mut space_style: Option<(Style, Option<String>)> = None;
        let word = &mut self.word;
        sink.unwrite(ow.mark, ow.width + ow.space, &mut |text, style, link| {
            let k = skip.min(text.len());
            if k > 0 {
                skip -= k;
                space_style.get_or_insert_with(|| (style, link.map(str::to_owned)));
            }
            if k < text.len() {
                word.add(&text[k..], text.len() - k, style, link);
            }
        });
        if let Some((style, link)) = space_style {
            self.add_space(ow.space, style, link.as_deref(), true);
        }
    }

    fn ensure_open<S: LineSink + ?Sized>(&mut self, sink: &mut S) {
        if !self.open {
            sink.begin();
            self.open = true;
            self.line_width = 0;
        }
    }

    /// Ends the line and begins the next, which continues it (`join`: what the break dropped).
    fn new_line<S: LineSink + ?Sized>(&mut self, sink: &mut S, join: Join) {
        if self.open {
            sink.end();
            self.open = false;
        }
        self.ensure_open(sink);
        sink.continues(join);
    }

    fn add_space(&mut self, width: usize, style: Style, link: Option<&str>, ends_with_space: bool) {
        let link = self.word.link_id(link);
        self.add_space_id(width, style, link, ends_with_space);
    }

    /// [`add_space`](Self::add_space) with the link as an id in the word's link table.
    fn add_space_id(&mut self, width: usize, style: Style, link: u32, ends_with_space: bool) {
        match &mut self.space {
            Some(s) => {
                s.width += width;
                s.ends_with_space = ends_with_space;
                s.last_style = style;
                s.last_link = link;
            }
            None => {
                self.space = Some(PendingSpace {
                    width,
                    style,
                    link,
                    ends_with_space,
                    last_style: style,
                    last_link: link,
                });
            }
        }
    }

    /// Text that starts with a character extending a grapheme cluster (a combining mark, a
    /// VS16 or a ZWJ arriving in a call of its own, after an entity or a style change) joins
    /// the cluster the pending text ends with, in that cluster's style, and the cluster is
    /// measured again whole: no cluster spans two calls (FUZZING.md finding 1). The
    /// pending text is the open word, or a pending U+0020 (`" \u{301}"` is one cluster).
    /// Returns the rest of `text`.
    fn join_extension<'t, S: LineSink + ?Sized>(
        &mut self,
        sink: &mut S,
        mut text: &'t str,
    ) -> &'t str {
        loop {
            let Some(first) = text.chars().next() else {
                return text;
            };
            // Only a non-ASCII character extends a cluster (a combining or spacing mark, a
            // ZWJ, a variation selector, an emoji modifier, a regional indicator), or any
            // character after a prepended mark (`\u{600} ` is one cluster: UAX #29 GB9b).
            if first.is_ascii() && !self.word.may_take_ascii() {
                return text;
            }
            // The pending text: the last fragment of the open word, or a pending U+0020
            // (also as the last of a group's spaces).
            let pending: &str = match self.word.frags.last() {
                Some(last) if last.glue == 0 => {
                    &self.word.text[last.start as usize..last.end as usize]
                }
                Some(last) if last.glue == GLUE_SPACE => " ",
                Some(_) => return text,
                None if self.space.is_some_and(|s| s.ends_with_space) => " ",
                None => return text,
            };
            // No rule joins two characters of the simple set (see `width::clusters`).
            if crate::width::is_simple(first)
                && pending
                    .chars()
                    .next_back()
                    .is_some_and(crate::width::is_simple)
            {
                return text;
            }
            // The cluster the pending text ends with.
            let tail = {
                use unicode_segmentation::UnicodeSegmentation;
                pending.graphemes(true).next_back().unwrap_or(pending)
            };
            let mut probe_end = text.len().min(64);
            while !text.is_char_boundary(probe_end) {
                probe_end -= 1;
            }
            // The tail and the start of `text`, on the stack when they fit.
            let mut buf = [0u8; 128];
            let owned: String;
            let n = tail.len() + probe_end;
            let probe: &str = if n <= buf.len() {
                buf[..tail.len()].copy_from_slice(tail.as_bytes());
                buf[tail.len()..n].copy_from_slice(&text.as_bytes()[..probe_end]);
                std::str::from_utf8(&buf[..n]).unwrap_or_default()
            } else {
                owned = [tail, &text[..probe_end]].concat();
                &owned
            };
            let tail_len = tail.len();
            let joined = crate::width::clusters(probe)
                .next()
                .map_or(0, |(_, g)| g.len());
            if joined <= tail_len {
                return text;
            }
            if self.word.is_empty() {
                // The last pending space becomes the first character of the word.
                let s = self.space.as_mut().expect("a space is pending");
                let (style, link) = (s.last_style, s.last_link);
                s.width -= 1;
                if s.width == 0 {
                    self.space = None;
                }
                let link = self.word.link(link).map(str::to_owned);
                self.word.add(" ", 1, style, link.as_deref());
            } else if let Some(g) = self.word.frags.last_mut().filter(|f| f.glue != 0) {
                // The last of a group's spaces becomes a word fragment of its own (the glue
                // before it may be empty, a break opportunity with no space: as in one call).
                g.end -= 1;
                g.width -= 1;
                g.glue = GLUE_OTHER;
                let f = Frag {
                    start: g.end,
                    end: g.end + 1,
                    width: 1,
                    glue: 0,
                    ..*g
                };
                self.word.frags.push(f);
            }
            let ext = joined - tail_len;
            let old = grapheme_width(&probe[..tail_len]);
            let new = grapheme_width(&probe[..joined]);
            let before = self.word.text.len() - tail_len;
            // (Inside a group only before its first cluster, the one break a group takes.)
            if new >= 2
                && old < 2
                && (self.group == 0 || self.word.group_from == Some(before as u32))
                && before > 0
                && Cluster::may_break_before(
                    &self.word.text[..before],
                    probe[..joined].chars().next().unwrap_or(' '),
                )
            {
                // The cluster became wide (a spacing mark on a narrow character): as in
                // one call, UAX #14 may allow a break before it now. The rest of the word
                // is placed, and the cluster waits.
                let mut cluster = [0u8; 128];
                let owned_cluster: String;
                let cluster: &str = if joined <= cluster.len() {
                    cluster[..joined].copy_from_slice(&probe.as_bytes()[..joined]);
                    std::str::from_utf8(&cluster[..joined]).unwrap_or_default()
                } else {
                    owned_cluster = probe[..joined].to_owned();
                    &owned_cluster
                };
                let f = self.word.frags.last_mut().expect("a word is pending");
                let (style, link_id) = (f.style, f.link);
                f.end -= tail_len as u32;
                f.width -= old as u32;
                let empty = f.start == f.end;
                self.word.width -= old;
                let keep = self.word.text.len() - tail_len;
                self.word.text.truncate(keep);
                if empty {
                    self.word.frags.pop();
                }
                let link = self.word.link(link_id).map(str::to_owned);
                self.flush_word(sink);
                self.word.add(cluster, new, style, link.as_deref());
                text = &text[ext..];
                continue;
            }
            self.word.text.push_str(&text[..ext]);
            let f = self.word.frags.last_mut().expect("a word is pending");
            f.end += ext as u32;
            f.width = (f.width as usize + new - old) as u32;
            self.word.width = self.word.width + new - old;
            text = &text[ext..];
        }
    }

    /// Writes the pending spaces if a word of `word_width` columns follows on this line;
    /// starts a new line (dropping them) if it does not fit.
    fn place<S: LineSink + ?Sized>(&mut self, sink: &mut S, word_width: usize) {
        let space = self.space.take();
        let sw = if self.line_width > 0 {
            space.map_or(0, |s| s.width)
        } else {
            0
        };
        self.ensure_open(sink);
        let overlong_here = self.overlong_here
            && word_width > self.avail
            && (self.line_width + sw) * 2 <= self.avail;
        if self.line_width > 0 && self.line_width + sw + word_width > self.avail && !overlong_here {
            let join = if space.is_some() {
                Join::Space
            } else {
                Join::Direct
            };
            self.new_line(sink, join);
        } else if sw > 0 {
            let s = space.expect("width > 0");
            push_spaces(sink, sw, s.style, self.word.link(s.link));
            self.line_width += sw;
        }
    }

    /// Places the pending word, if any.
    #[inline]
    fn flush_word<S: LineSink + ?Sized>(&mut self, sink: &mut S) {
        if !self.word.is_empty() {
            self.place_pending(sink);
        }
    }

    /// [`flush_word`](Self::flush_word) when a word is pending.
    fn place_pending<S: LineSink + ?Sized>(&mut self, sink: &mut S) {
        if self.word.glued {
            // Spaces that end a group are not part of it: they are the pending space after
            // the word, dropped at a break, and the group fits on a line without them
            // (as `flush_glued` places them).
            let mut trailing: smallvec::SmallVec<[Frag; 2]> = smallvec::SmallVec::new();
            while let Some(&f) = self.word.frags.last().filter(|f| f.glue != 0) {
                self.word.frags.pop();
                self.word.text.truncate(f.start as usize);
                self.word.width -= f.width as usize;
                trailing.push(f);
            }
            if self.word.is_empty() {
                self.word.clear();
            } else if self.word.width > self.avail {
                self.flush_glued(sink);
            } else {
                self.flush_unglued(sink);
            }
            for f in trailing.iter().rev() {
                self.add_space_id(f.width as usize, f.style, f.link, f.glue == GLUE_SPACE);
            }
            return;
        }
        self.flush_unglued(sink);
    }

    /// [`flush_word`](Self::flush_word) for a word placed whole (or broken as overlong).
    fn flush_unglued<S: LineSink + ?Sized>(&mut self, sink: &mut S) {
        self.place(sink, self.word.width);
        if self.word.width <= self.avail - self.line_width {
            for f in &self.word.frags {
                if f.end > f.start {
                    let text = &self.word.text[f.start as usize..f.end as usize];
                    sink.push(text, f.style, self.word.link(f.link), f.width as usize);
                }
            }
            self.line_width += self.word.width;
        } else {
            // Longer than a line (it starts one): broken over as many as it needs.
            let Self {
                word,
                avail,
                line_width,
                open,
                ..
            } = self;
            let runs: smallvec::SmallVec<[Run<'_>; 4]> = word
                .frags
                .iter()
                .map(|f| (f.end as usize, f.style, word.link(f.link)))
                .collect();
            break_overlong(sink, &word.text, &runs, *avail, line_width, open);
        }
        self.word.clear();
    }

    /// Places a pending word that holds a group wider than a line: its parts between the
    /// group's spaces are placed as words of their own, the spaces as pending spaces.
    fn flush_glued<S: LineSink + ?Sized>(&mut self, sink: &mut S) {
        let n = self.word.frags.len();
        let mut i = 0;
        while i < n {
            let f = self.word.frags[i];
            if f.glue != 0 {
                self.add_space_id(f.width as usize, f.style, f.link, f.glue == GLUE_SPACE);
                i += 1;
                continue;
            }
            let mut j = i;
            let mut width = 0;
            while j < n && self.word.frags[j].glue == 0 {
                width += self.word.frags[j].width as usize;
                j += 1;
            }
            self.place(sink, width);
            let (start, end) = (
                self.word.frags[i].start as usize,
                self.word.frags[j - 1].end as usize,
            );
            if width <= self.avail - self.line_width {
                for f in &self.word.frags[i..j] {
                    let text = &self.word.text[f.start as usize..f.end as usize];
                    sink.push(text, f.style, self.word.link(f.link), f.width as usize);
                }
                self.line_width += width;
            } else {
                let Self {
                    word,
                    avail,
                    line_width,
                    open,
                    ..
                } = self;
                let runs: smallvec::SmallVec<[Run<'_>; 4]> = word.frags[i..j]
                    .iter()
                    .map(|f| (f.end as usize - start, f.style, word.link(f.link)))
                    .collect();
                break_overlong(
                    sink,
                    &word.text[start..end],
                    &runs,
                    *avail,
                    line_width,
                    open,
                );
            }
            i = j;
        }
        self.word.clear();
    }

    /// A complete word of one fragment, straight from the caller's text.
    fn place_word<S: LineSink + ?Sized>(
        &mut self,
        sink: &mut S,
        text: &str,
        width: usize,
        style: Style,
        link: Option<&str>,
    ) {
        self.place(sink, width);
        if width <= self.avail - self.line_width {
            sink.push(text, style, link, width);
            self.line_width += width;
        } else {
            break_overlong(
                sink,
                text,
                &[(text.len(), style, link)],
                self.avail,
                &mut self.line_width,
                &mut self.open,
            );
        }
    }

    /// Text with anything but printable ASCII: through grapheme segmentation, with line
    /// breaks around wide clusters where UAX #14 allows them.
    fn general_text<S: LineSink + ?Sized>(
        &mut self,
        sink: &mut S,
        text: &str,
        style: Style,
        link: Option<&str>,
    ) {
        let prev = ClusterBuf::of(self.word.last_cluster());
        // The text of this call in the current word (no break opportunity inside it) not
        // yet added to the pending word: (start, end, width).
        let mut run: Option<(usize, usize, usize)> = None;
        // Complete words placed on the line right after each other and not pushed yet: one
        // push for a run of them (a run of CJK characters), (start, end, width).
        let mut placed: Option<(usize, usize, usize)> = None;
        let flush_placed = |sink: &mut S, placed: &mut Option<(usize, usize, usize)>| {
            if let Some((s, e, width)) = placed.take() {
                sink.push(&text[s..e], style, link, width);
            }
        };
        // The current word is complete (a break opportunity follows): placed.
        let complete = |w: &mut Self,
                        sink: &mut S,
                        run: &mut Option<(usize, usize, usize)>,
                        placed: &mut Option<(usize, usize, usize)>| {
            let r = run.take();
            if !w.word.is_empty() {
                flush_placed(sink, placed);
                if let Some((s, e, width)) = r {
                    w.word.add(&text[s..e], width, style, link);
                }
                w.flush_word(sink);
                return;
            }
            let Some((s, e, width)) = r else {
                return;
            };
            if let Some(p) = placed {
                if p.1 == s && w.space.is_none() && w.line_width + width <= w.avail {
                    p.1 = e;
                    p.2 += width;
                    w.line_width += width;
                    return;
                }
            }
            flush_placed(sink, placed);
            w.place(sink, width);
            if width <= w.avail - w.line_width {
                *placed = Some((s, e, width));
                w.line_width += width;
            } else {
                break_overlong(
                    sink,
                    &text[s..e],
                    &[(e - s, style, link)],
                    w.avail,
                    &mut w.line_width,
                    &mut w.open,
                );
            }
        };
        tokenize(text, self.tab_width, prev.get(), |token| match token {
            Token::Space {
                width,
                ends_with_space,
            } => {
                complete(self, sink, &mut run, &mut placed);
                flush_placed(sink, &mut placed);
                self.add_space(width, style, link, ends_with_space);
            }
            Token::Seg {
                start,
                end,
                width,
                glue,
            } => match &mut run {
                Some(r) if glue => {
                    r.1 = end;
                    r.2 += width;
                }
                _ => {
                    if !glue {
                        complete(self, sink, &mut run, &mut placed);
                    }
                    run = Some((start, end, width));
                }
            },
            Token::Wide { start, end } => {
                // As one `Seg` per character: each completes the one before it, and the
                // last is the run left open.
                complete(self, sink, &mut run, &mut placed);
                let mut at = start;
                while at + 3 < end {
                    // Characters that go on after the ones just placed, as far as they fit
                    // (what `complete` does for each of them, at once).
                    if let Some(p) = placed.as_mut().filter(|p| p.1 == at) {
                        if self.word.is_empty() && self.space.is_none() {
                            let room = self.avail.saturating_sub(self.line_width) / 2;
                            let k = room.min((end - 3 - at) / 3);
                            if k > 0 {
                                p.1 += 3 * k;
                                p.2 += 2 * k;
                                self.line_width += 2 * k;
                                at += 3 * k;
                                continue;
                            }
                        }
                    }
                    run = Some((at, at + 3, 2));
                    complete(self, sink, &mut run, &mut placed);
                    at += 3;
                }
                run = Some((at, end, 2));
            }
        });
        flush_placed(sink, &mut placed);
        // The text's last word may go on in the next call.
        if let Some((s, e, width)) = run {
            self.word.add(&text[s..e], width, style, link);
        }
    }

    /// Printable ASCII (spaces but no tabs), where every byte is one column: the words
    /// that fit on a line are found by looking for the last space within the room left,
    /// and go to the sink in one push per line rather than one per word.
    #[inline]
    fn ascii_text<S: LineSink + ?Sized>(
        &mut self,
        sink: &mut S,
        text: &str,
        style: Style,
        link: Option<&str>,
    ) {
        let bytes = text.as_bytes();
        let len = bytes.len();
        if self.word.is_empty() && self.fits_whole(sink, text, style, link) {
            return;
        }
        let mut pos = 0;
        if bytes[0] == b' ' {
            // The open word (if any) is complete where it stands.
            self.open_word = None;
        } else if let Some(ow) = self.open_word {
            // The open word goes on here: in place while it fits, else it waits again.
            let e = memchr_space(bytes).unwrap_or(len);
            if self.line_width + e <= self.avail {
                sink.push(&text[..e], style, link, e);
                self.line_width += e;
                self.open_word = (e == len).then_some(OpenWord {
                    width: ow.width + e,
                    ..ow
                });
            } else {
                self.reopen(sink);
                self.word.add(&text[..e], e, style, link);
            }
            if e == len {
                return;
            }
            pos = e;
        } else if !self.word.is_empty() {
            // The word left pending by the previous call goes on here.
            let e = memchr_space(bytes).unwrap_or(len);
            self.word.add(&text[..e], e, style, link);
            if e == len {
                return;
            }
            pos = e;
        }
        loop {
            // The run of spaces at `pos` is the pending space.
            let mut end = pos;
            while end < len && bytes[end] == b' ' {
                end += 1;
            }
            if end > pos {
                self.flush_word(sink);
                self.add_space(end - pos, style, link, true);
                pos = end;
            }
            if pos == len {
                return;
            }
            if bytes[len - 1] != b' ' {
                // Words to the end: the last may go on in the next call (it is open).
                self.ascii_fill(sink, text, pos, len, style, link, true);
                return;
            }
            // Complete words, then the trailing spaces are pending.
            let mut words_end = len;
            while bytes[words_end - 1] == b' ' {
                words_end -= 1;
            }
            self.ascii_fill(sink, text, pos, words_end, style, link, false);
            pos = words_end;
        }
    }

    /// The common case, in one push: `text` (printable ASCII, no word pending) fits on the
    /// current line whole. Returns false (having done nothing) if it does not.
    #[inline]
    fn fits_whole<S: LineSink + ?Sized>(
        &mut self,
        sink: &mut S,
        text: &str,
        style: Style,
        link: Option<&str>,
    ) -> bool {
        let bytes = text.as_bytes();
        let len = bytes.len();
        let lead = bytes.iter().take_while(|&&c| c == b' ').count();
        if lead == len {
            return false; // only spaces: the general loop makes them pending
        }
        // (Not only spaces: some byte is not one.)
        let trim_end = bytes
            .iter()
            .rposition(|&c| c != b' ')
            .map_or(len, |i| i + 1);
        self.ensure_open(sink);
        // Spaces before the first word: the pending ones and the text's own, dropped at
        // the start of a line.
        let (pending, start) = if self.line_width > 0 {
            (self.space.as_ref().map_or(0, |s| s.width), 0)
        } else {
            (0, lead)
        };
        if self.line_width + pending + (trim_end - start) > self.avail {
            return false;
        }
        let spaces_before = if self.line_width > 0 {
            pending + lead
        } else {
            0
        };
        let before_space = sink.mark();
        let mut from = start;
        if let Some(s) = self.space.take() {
            if pending > 0 {
                // One run of spaces, in the style of its first (as the general path does).
                push_spaces(sink, pending + lead, s.style, self.word.link(s.link));
                self.line_width += pending + lead;
                from = lead;
            }
        }
        let text_mark = sink.mark();
        sink.push(&text[from..trim_end], style, link, trim_end - from);
        self.line_width += trim_end - from;
        if trim_end < len {
            // It ends with spaces: every word is complete; the spaces are pending.
            self.open_word = None;
            self.add_space(len - trim_end, style, link, true);
            return true;
        }
        // The last word is open.
        self.open_word = Some(match memchr::memrchr(b' ', &bytes[lead..trim_end]) {
            Some(k) => {
                let word = lead + k + 1;
                let mut sp = word - 1;
                while sp > lead && bytes[sp - 1] == b' ' {
                    sp -= 1;
                }
                OpenWord {
                    mark: text_mark + (sp - from),
                    space: word - sp,
                    width: trim_end - word,
                }
            }
            None => match self.open_word {
                // The whole text goes on with the open word.
                Some(ow) if lead == 0 => OpenWord {
                    width: ow.width + trim_end,
                    ..ow
                },
                _ => OpenWord {
                    mark: before_space,
                    space: spaces_before,
                    width: trim_end - lead,
                },
            },
        });
        true
    }

    /// Greedy fill of `text[pos..end]`: words that start and end with a non-space. With
    /// `open_last`, the last word may go on in the next call: if it ends up on a line, it
    /// is left open there; if it is longer than a line, it waits in the pending word.
    #[allow(clippy::too_many_arguments)] // the text, its range, its look, and one mode flag
    fn ascii_fill<S: LineSink + ?Sized>(
        &mut self,
        sink: &mut S,
        text: &str,
        mut pos: usize,
        end: usize,
        style: Style,
        link: Option<&str>,
        open_last: bool,
    ) {
        let bytes = text.as_bytes();
        // Where the last word starts (`end`: no open word).
        let last_word = if open_last {
            memchr::memrchr(b' ', &bytes[pos..end]).map_or(pos, |k| pos + k + 1)
        } else {
            end
        };
        while pos < end {
            self.ensure_open(sink);
            let sw = if self.line_width > 0 {
                self.space.as_ref().map_or(0, |s| s.width)
            } else {
                0
            };
            // `text[pos..limit]` fits after the pending space.
            let limit = pos + self.avail.saturating_sub(self.line_width + sw);
            let fits = if limit >= end {
                end
            } else {
                // A word fits if the space after it is at or before `limit`.
                match memchr::memrchr(b' ', &bytes[pos..=limit]) {
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
                if self.line_width > 0 && pos == last_word {
                    // The open last word does not fit here: it waits, with the space before
                    // it, instead of breaking the line now. (The next call may continue it
                    // with a mark that splits it, so that its first part fits here.)
                    self.word.add(&text[pos..end], end - pos, style, link);
                    return;
                }
                if self.line_width > 0 {
                    let join = if self.space.take().is_some() {
                        Join::Space
                    } else {
                        Join::Direct
                    };
                    self.new_line(sink, join);
                    continue;
                }
                // A word longer than the line: broken at clusters (bytes, here), unless it
                // is the open last word, which waits (its end is not known yet).
                let we = memchr_space(&bytes[pos..end]).map_or(end, |k| pos + k);
                if pos == last_word {
                    self.word.add(&text[pos..end], end - pos, style, link);
                    return;
                }
                self.place_word(sink, &text[pos..we], we - pos, style, link);
                pos = we;
                // The spaces after it are the pending space (or the caller's, at `end`).
                let mut e = pos;
                while e < end && bytes[e] == b' ' {
                    e += 1;
                }
                if e > pos {
                    self.add_space(e - pos, style, link, true);
                    pos = e;
                }
                continue;
            }
            let before_space = sink.mark();
            let mut start = pos;
            let mut space_written = 0;
            if let Some(s) = self.space.take() {
                if sw > 0 {
                    let just_before =
                        s.width <= pos && bytes[pos - s.width..pos].iter().all(|&c| c == b' ');
                    if just_before && s.style == style && self.word.link(s.link) == link {
                        // The spaces just before, in this text: one push with the words.
                        start = pos - s.width;
                    } else {
                        push_spaces(sink, sw, s.style, self.word.link(s.link));
                        self.line_width += sw;
                    }
                    space_written = sw;
                }
            }
            let slice_mark = sink.mark();
            sink.push(&text[start..fits], style, link, fits - start);
            self.line_width += fits - start;
            if fits == end && last_word < end {
                self.open_word = Some(if last_word == pos {
                    OpenWord {
                        mark: before_space,
                        space: space_written,
                        width: end - last_word,
                    }
                } else {
                    let mut sp = last_word;
                    while bytes[sp - 1] == b' ' {
                        sp -= 1;
                    }
                    OpenWord {
                        mark: slice_mark + (sp - start),
                        space: last_word - sp,
                        width: end - last_word,
                    }
                });
            }
            pos = fits;
            if pos < end {
                // The next word does not fit: break here; the spaces at the break go.
                let spaces = pos;
                while bytes[pos] == b' ' {
                    pos += 1;
                }
                if pos == last_word {
                    // Unless it is the open last word: it waits with the spaces before it
                    // (see above), and the break is made when it is complete.
                    self.add_space(pos - spaces, style, link, true);
                    self.word.add(&text[pos..end], end - pos, style, link);
                    return;
                }
                self.new_line(sink, Join::Space);
            }
        }
    }
}

/// True if the space at `text[at]` is part of the grapheme cluster of the character
/// before it (it follows a prepended concatenation mark, UAX #29 rule `GB9b`).
fn space_joins_cluster_before(text: &str, at: usize) -> bool {
    let Some((start, c)) = text[..at].char_indices().next_back() else {
        return false;
    };
    !never_prepend(c)
        && crate::width::clusters(&text[start..=at])
            .next()
            .is_some_and(|(_, g)| g.len() > at - start)
}

/// True if `c` is certainly not of grapheme category *Prepend* (the only category a
/// following space joins, UAX #29 `GB9b`): a character of [`crate::width::is_simple`] (CJK
/// text, Latin) or one above U+11F02, the last *Prepend* character (pictographs, emoji).
/// A test checks it against the segmenter for every character.
fn never_prepend(c: char) -> bool {
    crate::width::is_simple(c) || u32::from(c) > 0x11F02
}

fn memchr_space(b: &[u8]) -> Option<usize> {
    memchr::memchr(b' ', b)
}

/// A run of a word's text for [`break_overlong`]: where it ends (bytes), its style and link.
type Run<'a> = (usize, Style, Option<&'a str>);

/// A grapheme cluster beside which a line may break, and whether it is wide (2 columns
/// or more).
#[derive(Clone, Copy, Debug)]
struct Cluster<'a> {
    text: &'a str,
    wide: bool,
}

impl<'a> Cluster<'a> {
    fn of(g: &'a str) -> Self {
        Self {
            text: g,
            wide: grapheme_width(g) >= 2,
        }
    }

    /// No line break between this cluster and the next, which starts with `next` and is
    /// wide or not. Narrow text breaks only at spaces (Latin text keeps its words whole); a
    /// wide cluster (CJK, emoji) is a break opportunity on each side where UAX #14 allows
    /// one, so `「` stays with what follows it and `。` with what precedes it.
    #[inline]
    fn joins(self, next: char, next_wide: bool) -> bool {
        if !(self.wide || next_wide) {
            return true;
        }
        // Two CJK ideographs (class ID): a break between them (LB31), without a lookup.
        if ideograph(next)
            && self.text.len() == 3
            && self.text.chars().next().is_some_and(ideograph)
        {
            return false;
        }
        !may_break(self.text, next)
    }

    /// UAX #14 allows a break between the last cluster of `before` and a cluster starting
    /// with `next` (a space before allows one).
    fn may_break_before(before: &str, next: char) -> bool {
        use unicode_segmentation::UnicodeSegmentation;
        before
            .graphemes(true)
            .next_back()
            .is_none_or(|g| may_break(g, next))
    }
}

/// True if the wrapper may break a line between the cluster `before` (wide or not) and a
/// cluster starting with `next` (wide or not), with no space between them: only beside a
/// wide cluster, where UAX #14 allows it ([`Cluster::joins`], what the tokenizer asks).
#[inline]
pub(crate) fn breaks_between(before: &str, before_wide: bool, next: char, next_wide: bool) -> bool {
    if before.len() == 3 && class_id(next) && before.chars().next().is_some_and(class_id) {
        // ID ÷ ID (LB31) without a lookup, as `segment_word` decides it.
        return true;
    }
    !Cluster {
        text: before,
        wide: before_wide,
    }
    .joins(next, next_wide)
}

/// A copy of the pending word's last cluster, for the tokenizer of the next call.
struct ClusterBuf {
    text: smallvec::SmallVec<[u8; 32]>,
    wide: bool,
    some: bool,
}

impl ClusterBuf {
    fn of(c: Option<Cluster<'_>>) -> Self {
        match c {
            Some(c) => Self {
                text: smallvec::SmallVec::from_slice(c.text.as_bytes()),
                wide: c.wide,
                some: true,
            },
            None => Self {
                text: smallvec::SmallVec::new(),
                wide: false,
                some: false,
            },
        }
    }

    fn get(&self) -> Option<Cluster<'_>> {
        self.some.then(|| Cluster {
            text: std::str::from_utf8(&self.text).unwrap_or_default(),
            wide: self.wide,
        })
    }
}

/// UAX #14 (unicode-linebreak's pair table) allows a line break between the cluster `a`
/// and a cluster starting with `b`, the two taken alone: rules that look past spaces or
/// further back do not apply; a mark takes its base's class, and no break follows a ZWJ.
fn may_break(a: &str, b: char) -> bool {
    use unicode_linebreak::{break_property, BreakClass};
    let ideographic = |c: char| matches!(break_property(c as u32), BreakClass::Ideographic);
    let mut chars = a.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if ideographic(c) && ideographic(b) {
            // The common case in CJK text: ID ÷ ID (LB31).
            return true;
        }
    }
    let single = a.chars().nth(1).is_none();
    if single {
        if let Some(known) = PAIRS.with(|p| p.get(a, b)) {
            return known;
        }
    }
    let mut buf = [0u8; 64];
    let owned: String;
    let n = a.len() + b.len_utf8();
    let probe: &str = if n <= buf.len() {
        buf[..a.len()].copy_from_slice(a.as_bytes());
        b.encode_utf8(&mut buf[a.len()..n]);
        std::str::from_utf8(&buf[..n]).unwrap_or_default()
    } else {
        owned = format!("{a}{b}");
        &owned
    };
    let allowed = unicode_linebreak::linebreaks(probe).any(|(i, _)| i == a.len());
    if single {
        PAIRS.with(|p| p.put(a, b, allowed));
    }
    allowed
}

thread_local! {
    /// [`may_break`]'s answers for pairs of single characters, recently asked: CJK text asks
    /// about the same few pairs (a character before `。`, `、` after it) again and again.
    static PAIRS: PairCache = const { PairCache([const { std::cell::Cell::new(0) }; PAIR_SLOTS]) };
}

/// Slots of [`PAIRS`] (a power of two; 8 KiB per thread): Japanese text asks about a few
/// hundred pairs of kana and punctuation, which 64 slots kept evicting.
const PAIR_SLOTS: usize = 1024;
const _: () = assert!(PAIR_SLOTS.is_power_of_two());

/// A direct-mapped cache of UAX #14 answers for character pairs: each slot holds
/// `a << 22 | b << 1 | answer`, with bit 63 set when used (characters take 21 bits).
struct PairCache([std::cell::Cell<u64>; PAIR_SLOTS]);

impl PairCache {
    fn key(a: &str, b: char) -> Option<u64> {
        let a = a.chars().next()?;
        Some(1 << 63 | u64::from(u32::from(a)) << 22 | u64::from(u32::from(b)) << 1)
    }

    fn slot(key: u64) -> usize {
        // (Fibonacci hashing of the pair.)
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - PAIR_SLOTS.trailing_zeros())) as usize
    }

    fn get(&self, a: &str, b: char) -> Option<bool> {
        let key = Self::key(a, b)?;
        let v = self.0[Self::slot(key)].get();
        (v & !1 == key).then_some(v & 1 == 1)
    }

    fn put(&self, a: &str, b: char, allowed: bool) {
        let Some(key) = Self::key(a, b) else {
            return;
        };
        self.0[Self::slot(key)].set(key | u64::from(allowed));
    }
}

/// An overlong word is broken after one of these (a URL after `/`, `?`, `&` or `=`; a
/// long compound after a hyphen) when that leaves the row at least two thirds full.
fn breaks_after(g: &str) -> bool {
    matches!(
        g,
        "/" | "\\" | "?" | "&" | "=" | "-" | "_" | "," | ";" | "\u{2013}" | "\u{2014}"
    )
}

/// Display width of `s`, summed over its clusters as the wrapper measures them.
fn clusters_width(s: &str) -> usize {
    if crate::width::is_printable_ascii(s.as_bytes()) {
        s.len()
    } else {
        crate::width::clusters(s)
            .map(|(_, g)| grapheme_width(g))
            .sum()
    }
}

/// Writes a word longer than the room left (`text`, in `runs` of one style and link each,
/// covering it in order), breaking it at grapheme-cluster boundaries onto as many lines as
/// it needs. A row ends after the last of [`breaks_after`]'s characters in it (not inside
/// `//` or `--`) when the row is then at least two thirds full, else at the last cluster
/// that fits.
fn break_overlong<S: LineSink + ?Sized>(
    sink: &mut S,
    text: &str,
    runs: &[Run<'_>],
    avail: usize,
    line_width: &mut usize,
    open: &mut bool,
) {
    let min_fill = avail - avail / 3;
    let emit = |sink: &mut S, line_width: &mut usize, s: usize, e: usize| {
        let mut ri = runs.partition_point(|r| r.0 <= s);
        let mut a = s;
        while a < e && ri < runs.len() {
            let (end, style, link) = runs[ri];
            let b = end.min(e);
            if b > a {
                let width = clusters_width(&text[a..b]);
                sink.push(&text[a..b], style, link, width);
                *line_width += width;
            }
            a = b;
            ri += 1;
        }
    };
    let new_line = |sink: &mut S, line_width: &mut usize, open: &mut bool| {
        if *open {
            sink.end();
        }
        sink.begin();
        sink.continues(Join::Direct);
        *open = true;
        *line_width = 0;
    };
    let mut pos = 0;
    while pos < text.len() {
        // How much of `text[pos..]` goes on this row: up to `cut`.
        let room = avail.saturating_sub(*line_width);
        let mut at = pos;
        let mut width = 0;
        let mut best: Option<(usize, usize)> = None;
        let mut prev: &str = "";
        let mut cut = text.len();
        for (_, g) in crate::width::clusters(&text[pos..]) {
            if at > pos && breaks_after(prev) && g != prev {
                best = Some((at, width));
            }
            let gw = grapheme_width(g);
            if width + gw > room {
                cut = match best {
                    Some((p, w)) if *line_width + w >= min_fill => p,
                    _ => at,
                };
                break;
            }
            width += gw;
            prev = g;
            at += g.len();
        }
        if cut == pos {
            if *line_width > 0 {
                new_line(sink, line_width, open);
                continue;
            }
            // A cluster wider than the whole line (only with unusual sequences): split it
            // into its characters, each with its modifiers, rather than overflow.
            let (_, g) = crate::width::clusters(&text[pos..])
                .next()
                .expect("text left");
            for (ps, pe, pw) in crate::width::cluster_parts(g) {
                if *line_width + pw > avail && *line_width > 0 {
                    new_line(sink, line_width, open);
                }
                let ri = runs.partition_point(|r| r.0 <= pos).min(runs.len() - 1);
                sink.push(&text[pos + ps..pos + pe], runs[ri].1, runs[ri].2, pw);
                *line_width += pw;
            }
            pos += g.len();
            continue;
        }
        emit(sink, line_width, pos, cut);
        pos = cut;
        if pos < text.len() && *line_width > 0 {
            // (After zero-width clusters only, a cluster wider than the line follows: its
            // parts start on this row.)
            new_line(sink, line_width, open);
        }
    }
}

/// A token of text for the general path.
enum Token {
    /// Spaces and tabs, `width` columns.
    Space {
        width: usize,
        /// The last is U+0020 (not a tab).
        ends_with_space: bool,
    },
    /// Text with no break opportunity inside: `text[start..end]`, `width` columns.
    Seg {
        start: usize,
        end: usize,
        width: usize,
        /// No break opportunity before it either: it goes on the word before it (the
        /// pending word, for the first token of a call).
        glue: bool,
    },
    /// `text[start..end]`: characters of 3 bytes and 2 columns each (CJK), with a break
    /// opportunity before each of them. Exactly what one `Seg` per character with `glue`
    /// false would say, in one token.
    Wide { start: usize, end: usize },
}

/// Splits `text` into spaces and unbreakable segments. `prev` is the last cluster of the
/// pending word the text continues (none after a space).
fn tokenize<'t>(
    text: &'t str,
    tab_width: usize,
    mut prev: Option<Cluster<'t>>,
    mut f: impl FnMut(Token),
) {
    // ASCII words take a byte loop; only a word holding non-ASCII text goes through
    // grapheme segmentation (from its first byte, so a cluster that starts with an ASCII
    // character, like a keycap `1️⃣`, is measured whole).
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i] == b' ' || b[i] == b'\t' {
            prev = None;
            let mut j = i;
            while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                j += 1;
            }
            // A space followed by an extending character (` \u{301}`) is one cluster
            // (UAX #29 GB9). It starts a word of its own: a break may come before it (with
            // no space to drop), never inside it, and it is never dropped at a break. The
            // same holds when the mark arrives in a later call (`Wrapper::join_extension`).
            let mut run_end = j;
            if j < b.len()
                && b[j] >= 0x80
                && crate::width::clusters(&text[j - 1..])
                    .next()
                    .is_some_and(|(_, g)| g.len() > 1)
            {
                run_end = j - 1;
            }
            if run_end > start || run_end < j {
                let width = b[start..run_end]
                    .iter()
                    .map(|&c| if c == b'\t' { tab_width } else { 1 })
                    .sum();
                f(Token::Space {
                    width,
                    ends_with_space: run_end > start && b[run_end - 1] == b' ',
                });
            }
            i = if run_end < j {
                segment_word(text, run_end, None, &mut f)
            } else {
                j
            };
            continue;
        }
        while i < b.len() && b[i] != b' ' && b[i] != b'\t' && b[i] < 0x80 {
            i += 1;
        }
        if i == b.len() || b[i] == b' ' || b[i] == b'\t' {
            let glue = prev
                .take()
                .is_some_and(|p| p.joins(b[start] as char, false));
            f(Token::Seg {
                start,
                end: i,
                width: i - start,
                glue,
            });
            continue;
        }
        i = segment_word(text, start, prev.take(), &mut f);
    }
}

/// Splits the word at `text[start..]` into unbreakable segments, up to the first cluster
/// that is a lone space or tab (a space inside a cluster, as in `\u{600} `, is part of the
/// word). `prev`: the cluster before the word, if no break opportunity separates them by
/// itself. Returns where the word ends.
fn segment_word<'t>(
    text: &'t str,
    start: usize,
    mut prev: Option<Cluster<'t>>,
    f: &mut impl FnMut(Token),
) -> usize {
    // The segment being built: (start, width, glued to what precedes it).
    let mut seg: Option<(usize, usize, bool)> = None;
    // Complete wide characters not yet handed on, each with a break before and after it
    // (start, end): one `Token::Wide` for the run.
    let mut wide: Option<(usize, usize)> = None;
    // Each character is decoded once: a character of `simple_width` followed by one of
    // `is_simple` is a cluster of its own with that width (CJK text takes this path for
    // nearly every character); anything else is measured by `first_cluster`.
    let mut chars = text[start..].char_indices().peekable();
    // The previous cluster is one character of UAX #14 class ID (a CJK ideograph, most kana).
    let mut prev_id = prev.is_some_and(|p| p.text.len() == 3 && p.text.chars().all(class_id));
    while let Some((i, c)) = chars.next() {
        let at = start + i;
        // A character of class ID after one, alone in its cluster: ID ÷ ID (LB31), so the
        // one before is complete and goes into the run of wide characters, as the general
        // path below would decide, without measuring the cluster or asking UAX #14.
        if prev_id && class_id(c) {
            if let Some((s, 2, false)) = seg {
                if at - s == 3
                    && chars
                        .peek()
                        .is_none_or(|&(_, d)| crate::width::is_simple(d))
                {
                    match &mut wide {
                        Some(w) if w.1 == s => w.1 = at,
                        _ => {
                            flush_wide(&mut wide, f);
                            wide = Some((s, at));
                        }
                    }
                    seg = Some((at, 2, false));
                    prev = Some(Cluster {
                        text: &text[at..at + 3],
                        wide: true,
                    });
                    continue;
                }
            }
        }
        let (g, gw) = match crate::width::simple_width(c) {
            Some(w)
                if chars
                    .peek()
                    .is_none_or(|&(_, d)| crate::width::is_simple(d)) =>
            {
                (&text[at..at + c.len_utf8()], w)
            }
            _ => {
                let (g, gw) = crate::width::first_cluster(&text[at..]);
                while chars.next_if(|&(j, _)| start + j < at + g.len()).is_some() {}
                (g, gw)
            }
        };
        if g == " " || g == "\t" {
            flush_wide(&mut wide, f);
            if let Some((s, width, glue)) = seg {
                f(Token::Seg {
                    start: s,
                    end: at,
                    width,
                    glue,
                });
            }
            return at;
        }
        let cl = Cluster {
            text: g,
            wide: gw >= 2,
        };
        let joins = prev.is_some_and(|p| p.joins(c, cl.wide));
        match seg {
            Some(ref mut s) if joins => s.1 += gw,
            None => seg = Some((at, gw, joins)),
            Some((s, width, glue)) => {
                if !glue && width == 2 && at - s == 3 {
                    // One wide character with a break on both sides: into the run of them.
                    match &mut wide {
                        Some(w) if w.1 == s => w.1 = at,
                        _ => {
                            flush_wide(&mut wide, f);
                            wide = Some((s, at));
                        }
                    }
                } else {
                    flush_wide(&mut wide, f);
                    f(Token::Seg {
                        start: s,
                        end: at,
                        width,
                        glue,
                    });
                }
                seg = Some((at, gw, false));
            }
        }
        prev_id = g.len() == 3 && class_id(c);
        prev = Some(cl);
    }
    flush_wide(&mut wide, f);
    if let Some((s, width, glue)) = seg {
        f(Token::Seg {
            start: s,
            end: text.len(),
            width,
            glue,
        });
    }
    text.len()
}

/// A CJK ideograph (the Unified Ideographs and Extension A blocks; UAX #14 class ID).
fn ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

/// A wide character of UAX #14 class ID that `segment_word` knows without measuring: a CJK
/// ideograph, or a kana that unicode-linebreak puts in ID (not the small kana and the
/// prolonged sound mark, class CJ, nor `゠`, `・`, `ヽ`, `ヾ`, class NS). Each is three bytes
/// long and two columns wide.
fn class_id(c: char) -> bool {
    match c {
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' => true,
        '\u{3041}'..='\u{3096}' | '\u{30A0}'..='\u{30FF}' => matches!(
            unicode_linebreak::break_property(c as u32),
            unicode_linebreak::BreakClass::Ideographic
        ),
        _ => false,
    }
}

/// Hands on the run of wide characters `segment_word` holds, if any, as one `Token::Wide`.
fn flush_wide(wide: &mut Option<(usize, usize)>, f: &mut impl FnMut(Token)) {
    if let Some((start, end)) = wide.take() {
        f(Token::Wide { start, end });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn never_prepend_holds_for_every_character_it_names() {
        // A space after such a character starts a cluster of its own.
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if super::never_prepend(c) {
                let s = format!("{c} ");
                let first = crate::width::clusters(&s).next().map(|(_, g)| g.len());
                assert_eq!(first, Some(c.len_utf8()), "{c:?}");
            }
        }
    }

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
        fn mark(&self) -> usize {
            self.cur.len()
        }
        fn unwrite(
            &mut self,
            mark: usize,
            width: usize,
            back: &mut dyn FnMut(&str, Style, Option<&str>),
        ) {
            back(&self.cur[mark..], Style::PLAIN, None);
            self.cur.truncate(mark);
            self.width -= width;
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
        fn mark(&self) -> usize {
            self.lines
                .last()
                .map_or(0, |l| l.iter().map(|r| r.0.len()).sum())
        }
        fn unwrite(
            &mut self,
            mark: usize,
            width: usize,
            back: &mut dyn FnMut(&str, Style, Option<&str>),
        ) {
            self.width -= width;
            let line = self.lines.last_mut().expect("begun");
            let mut at = 0;
            let mut keep = Vec::new();
            for (text, style, link) in line.drain(..) {
                let end = at + text.len();
                if end <= mark {
                    keep.push((text, style, link));
                } else {
                    let cut = mark.saturating_sub(at);
                    back(&text[cut..], style, link.as_deref());
                    if cut > 0 {
                        keep.push((text[..cut].to_owned(), style, link));
                    }
                }
                at = end;
            }
            *line = keep;
        }
    }

    fn style_of(s: u8) -> Style {
        if s == 1 {
            Style::new().add_modifier(crate::style::Modifiers::BOLD)
        } else {
            Style::PLAIN
        }
    }

    /// Feeds `parts` with each text split at the byte offsets in `splits` (taken modulo
    /// its length, at char boundaries), with or without the ASCII fast path.
    fn collect(parts: &[(String, u8)], avail: usize, fast: bool, splits: &[usize]) -> Runs {
        collect_with(parts, avail, fast, splits, false)
    }

    /// [`collect`], with every part that is one space given to `push_space` if `space`.
    fn collect_with(
        parts: &[(String, u8)],
        avail: usize,
        fast: bool,
        splits: &[usize],
        space: bool,
    ) -> Runs {
        let mut c = Runs::default();
        let mut w = Wrapper::default();
        w.begin(avail, 4);
        w.ascii = fast;
        for (i, (t, s)) in parts.iter().enumerate() {
            if t == "\n" {
                w.hard_break(&mut c);
                continue;
            }
            if t == "<" {
                w.begin_group();
                continue;
            }
            if t == ">" {
                w.end_group();
                continue;
            }
            let link = (*s == 2).then_some("u");
            if t == " " && space {
                w.push_space(&mut c, style_of(*s), link);
                continue;
            }
            let cut = splits.get(i).map_or(0, |&k| k % (t.len() + 1));
            let cut = (0..=cut)
                .rev()
                .find(|&k| t.is_char_boundary(k))
                .unwrap_or(0);
            w.push(&mut c, &t[..cut], style_of(*s), link);
            w.push(&mut c, &t[cut..], style_of(*s), link);
        }
        w.finish(&mut c);
        c
    }

    fn parts_strategy() -> impl proptest::strategy::Strategy<Value = Vec<(String, u8)>> {
        proptest::collection::vec(
            (
                "[ab ]{0,12}|aaaaaaaaaaaaaaaaa|\n|[ \t]{1,3}|x\u{301}| ?\u{301}x|[ab ]{0,4}中|中文字 ab|\u{acb}[a ]{0,2}|[a ]\u{acb}|[「（]?[中文a,]{0,3}[」）。、]?|[a-]{0,6}/[ab?=&/-]{0,12}|<|>",
                0u8..3,
            ),
            0..8,
        )
    }

    /// A case the split proptest found on a branch without the fixes of FUZZING.md
    /// findings 27 and 28 (a group after a URL-like word, a spacing mark split from its
    /// base): the same lines however the text is split.
    #[test]
    fn a_group_after_a_url_word_with_a_split_spacing_mark() {
        let parts: Vec<(String, u8)> = [("中", 0), ("a/", 0), ("<", 0), ("aો", 0), ("/a/-/a-", 0)]
            .iter()
            .map(|&(t, s)| (t.to_owned(), s))
            .collect();
        for fast in [false, true] {
            let whole = collect(&parts, 4, fast, &[]);
            let split = collect(&parts, 4, fast, &[0, 0, 0, 1, 0, 0, 0, 0]);
            assert_eq!(whole.lines, split.lines, "fast = {fast}");
            assert_eq!(whole.widths, split.widths, "fast = {fast}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The ASCII fast path lays out exactly as the general path: same lines, same
        /// widths (pieces of words, runs of spaces, overlong words, hard breaks, styles).
        #[test]
        fn ascii_fast_path_equals_general_path(parts in parts_strategy(), avail in 2usize..16) {
            let fast = collect(&parts, avail, true, &[]);
            let slow = collect(&parts, avail, false, &[]);
            proptest::prop_assert_eq!(&fast.lines, &slow.lines);
            proptest::prop_assert_eq!(&fast.widths, &slow.widths);
        }

        /// CJK text fed in one call (where runs of wide characters go through the wrapper
        /// as one `Token::Wide`) lays out exactly as the same text fed one character per
        /// call (where every character is a token of its own).
        #[test]
        fn wide_runs_equal_one_character_at_a_time(
            parts in proptest::collection::vec(
                ("[中文字のアーゃ・。、「」（）a ]{0,24}|한국어 [中文]{0,6}|[中文]{2,30}|[あかさアカサのーゃ]{2,30}|<|>", 0u8..3),
                0..6,
            ),
            avail in 2usize..20,
        ) {
            let whole = collect(&parts, avail, true, &[]);
            let mut each = Runs::default();
            let mut w = Wrapper::default();
            w.begin(avail, 4);
            for (t, s) in &parts {
                match t.as_str() {
                    "<" => w.begin_group(),
                    ">" => w.end_group(),
                    _ => {
                        let link = (*s == 2).then_some("u");
                        let mut b = [0u8; 4];
                        for c in t.chars() {
                            w.push(&mut each, c.encode_utf8(&mut b), style_of(*s), link);
                        }
                    }
                }
            }
            w.finish(&mut each);
            proptest::prop_assert_eq!(&whole.lines, &each.lines);
            proptest::prop_assert_eq!(&whole.widths, &each.widths);
        }

        /// Where the text of a paragraph is split between calls does not change the lines:
        /// the wrapper carries the open word and the pending spaces across calls.
        #[test]
        fn splitting_text_between_calls_changes_nothing(
            parts in parts_strategy(),
            splits in proptest::collection::vec(0usize..20, 8),
            avail in 2usize..16,
            fast in proptest::bool::ANY,
        ) {
            let whole = collect(&parts, avail, fast, &[]);
            let split = collect(&parts, avail, fast, &splits);
            proptest::prop_assert_eq!(&whole.lines, &split.lines);
            proptest::prop_assert_eq!(&whole.widths, &split.widths);
        }

        /// A soft break's space given to `push_space` wraps as `push(" ")` does.
        #[test]
        fn push_space_equals_pushing_a_space(
            parts in parts_strategy(),
            avail in 2usize..16,
            fast in proptest::bool::ANY,
        ) {
            // A space after every part, in that part's style.
            let parts: Vec<(String, u8)> = parts
                .into_iter()
                .flat_map(|(t, s)| [(t, s), (" ".to_owned(), s)])
                .collect();
            let pushed = collect_with(&parts, avail, fast, &[], false);
            let spaced = collect_with(&parts, avail, fast, &[], true);
            proptest::prop_assert_eq!(&pushed.lines, &spaced.lines);
            proptest::prop_assert_eq!(&pushed.widths, &spaced.widths);
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
        // FUZZING.md finding 7: ` \u{301}` is one cluster; a line never starts with the lone
        // mark. The cluster starts a word (UAX #14 breaks after the space, before the mark;
        // the break moves before the space to keep the cluster whole), in one call or two.
        assert_eq!(
            wrap_str(&["aaa bb ccb \u{301}x"], 10),
            ["aaa bb ccb", " \u{301}x"]
        );
        assert_eq!(
            wrap_str(&["aaa bb ccb ", "\u{301}x"], 10),
            ["aaa bb ccb", " \u{301}x"]
        );
        assert_eq!(wrap_str(&["ab \u{301}x"], 10), ["ab \u{301}x"]);
    }

    #[test]
    fn a_spacing_mark_in_a_later_call_joins_its_cluster() {
        // Fuzz finding 22 (wrap target): a spacing mark (U+0ACB, one column) arriving in a
        // call of its own after a space was not joined to it: the space was dropped at the
        // break and the mark began the next line. ` ો` is one cluster two columns wide; as
        // in one call, UAX #14 keeps `&1` with it (a mark after a space is classed as a
        // letter), so the three go to the next line together.
        let one = wrap_str(&["\u{a0}\u{a0}\u{a0} \u{acb}&1"], 6);
        assert_eq!(one, ["\u{a0}\u{a0}\u{a0}", " \u{acb}&1"]);
        assert_eq!(wrap_str(&["\u{a0}\u{a0}\u{a0} ", "\u{acb}", "&1"], 6), one);
        assert_eq!(wrap_str(&["\u{a0}\u{a0}\u{a0}", " \u{acb}", "&1"], 6), one);
        // A narrow character that a spacing mark makes two columns wide: same as in one call.
        assert_eq!(
            wrap_str(&["aaaa", "\u{acb}b"], 5),
            wrap_str(&["aaaa\u{acb}b"], 5)
        );
    }

    #[test]
    fn a_cluster_wider_than_the_line_breaks_into_characters_with_their_modifiers() {
        // Fuzz finding 23 (wrap target): `\u{600}#\u{fe0f}` is one cluster of 3 columns.
        // Wider than a line of 2, it was split into characters counted one by one (1, 1 and
        // 0), so VS16 stayed beside `#` on a line that measures 3. `#` keeps its VS16 now.
        let want = ["\u{600}", "#\u{fe0f}"];
        assert_eq!(wrap_str(&["\u{600}#\u{fe0f}"], 2), want);
        assert_eq!(wrap_str(&["\u{600}", "#", "\u{fe0f}"], 2), want);
        // A ZWJ chain of 8 columns on lines of 6: whole emoji, each with its ZWJ.
        let chain = "👩\u{200d}🌧\u{200d}👩\u{200d}🌧\u{200d}👨";
        for line in wrap_str(&[chain], 6) {
            assert!(
                unicode_width::UnicodeWidthStr::width(line.as_str()) <= 6,
                "{line:?}"
            );
        }
        assert_eq!(wrap_str(&[chain], 6).concat(), chain);
    }

    #[test]
    fn zero_width_clusters_share_a_row_with_the_too_wide_cluster_after_them() {
        // Fuzz finding (wrap target, in the separator-aware overlong break before it was
        // committed): an overlong word of zero-width clusters and then a cluster wider than
        // the line got an empty-looking row of its own; the cluster's parts start on it.
        let word = "\u{fe0f}\u{301}\u{600}\u{600}\u{600}\u{600}c";
        assert_eq!(
            wrap_str(&[word], 2),
            ["\u{fe0f}\u{301}\u{600}\u{600}", "\u{600}\u{600}", "c"]
        );
    }

    #[test]
    fn a_space_after_a_prepended_mark_stays_in_its_cluster() {
        // Fuzz finding (wrap target): `\u{600} ` is one cluster (GB9b); splitting mixed text
        // into ASCII and segmented stretches cut it at the space.
        let text = "\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{600} x";
        assert_eq!(
            wrap_str(&[text], 8),
            ["\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{600} x"]
        );
        assert_eq!(
            wrap_str(&[text], 7),
            ["\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{600} ", "x"]
        );
    }

    #[test]
    fn cjk_breaks_between_ideographs() {
        assert_eq!(wrap_str(&["中文字符串"], 6), ["中文字", "符串"]);
    }

    #[test]
    fn cjk_keeps_brackets_and_closing_punctuation_with_their_text() {
        // UAX #14: no break after an opening bracket, none before a closing one or before
        // 。 and 、; between ideographs as before.
        assert_eq!(wrap_str(&["中文「字符」串"], 6), ["中文", "「字", "符」串"]);
        assert_eq!(wrap_str(&["中文字（符）串"], 8), ["中文字", "（符）串"]);
        assert_eq!(wrap_str(&["中文字符。"], 8), ["中文字", "符。"]);
        assert_eq!(wrap_str(&["中文、字符"], 4), ["中", "文、", "字符"]);
        // ASCII punctuation after CJK stays with it too, in one call or in two (a style
        // change between them).
        assert_eq!(wrap_str(&["中文字符, ab"], 8), ["中文字", "符, ab"]);
        assert_eq!(wrap_str(&["中文字符", ", ab"], 8), ["中文字", "符, ab"]);
        assert_eq!(
            wrap_str(&["中文", "「", "字符」"], 6),
            ["中文", "「字", "符」"]
        );
        // Latin text is unchanged: a break between a letter and an ideograph.
        assert_eq!(wrap_str(&["abc中文"], 4), ["abc", "中文"]);
    }

    #[test]
    fn overlong_urls_break_after_separators() {
        // After `/`, `?`, `&`, `=` or `-` when that leaves the row two thirds full, never
        // inside `//`; else at the column.
        assert_eq!(
            wrap_str(&["https://example.com/path/to/a/file?x=1&y=2"], 20),
            ["https://example.com/", "path/to/a/file?x=1&", "y=2"]
        );
        assert_eq!(
            wrap_str(
                &["see https://img.shields.io/badge/License-MIT-blue.svg"],
                40
            ),
            [
                "see",
                "https://img.shields.io/badge/License-",
                "MIT-blue.svg"
            ]
        );
        // No separator in the last third: at the column.
        assert_eq!(
            wrap_str(&["a/bcdefghijklmnopqrstuvwxyz"], 10),
            ["a/bcdefghi", "jklmnopqrs", "tuvwxyz"]
        );
        // Not between the slashes of `//`.
        assert_eq!(
            wrap_str(&["abcdefg//hijklmnop"], 9),
            ["abcdefg//", "hijklmnop"]
        );
        // Across fragments (styles) of one word.
        assert_eq!(
            wrap_str(&["https://example", ".com/", "path/to/a/file"], 20),
            ["https://example.com/", "path/to/a/file"]
        );
    }

    fn plain_lines(parts: &[&str], avail: usize) -> Vec<String> {
        split_lines(parts, avail, true, &[])
    }

    #[test]
    fn a_group_stays_on_one_line_when_it_fits() {
        let label = [
            "see the ",
            "<",
            "[image: ",
            "License Badge",
            "]",
            ">",
            " here",
        ];
        assert_eq!(
            plain_lines(&label, 24),
            ["see the", "[image: License Badge]", "here"]
        );
        // Without the group, the label is split at its spaces.
        let loose = ["see the ", "[image: ", "License Badge", "]", " here"];
        assert_eq!(
            plain_lines(&loose, 24),
            ["see the [image: License", "Badge] here"]
        );
        // Text right after the group stays with it (no space between).
        assert_eq!(
            plain_lines(&["ab ", "<", "[image: x y]", ">", ", cd"], 14),
            ["ab", "[image: x y],", "cd"]
        );
        // Wider than a line: wrapped at its spaces as usual.
        assert_eq!(
            plain_lines(
                &["ab ", "<", "[image: ", "a very long badge", "]", ">", " cd"],
                12
            ),
            ["ab [image: a", "very long", "badge] cd"]
        );
    }

    #[test]
    fn hard_breaks_and_empty_input() {
        assert_eq!(wrap_str(&["a", "\n", "b"], 10), ["a", "b"]);
        assert_eq!(wrap_str(&[], 10), [""]);
    }

    /// `plain_lines` with each text split at the byte offsets in `splits` (as `collect`),
    /// with or without the ASCII fast path; every line checked against `avail`.
    fn split_lines(parts: &[&str], avail: usize, fast: bool, splits: &[usize]) -> Vec<String> {
        let parts: Vec<(String, u8)> = parts.iter().map(|p| ((*p).to_owned(), 0)).collect();
        let c = collect(&parts, avail, fast, splits);
        for w in &c.widths {
            assert!(*w <= avail);
        }
        c.lines
            .iter()
            .map(|l| l.iter().map(|r| r.0.as_str()).collect())
            .collect()
    }

    #[test]
    fn a_group_that_fits_without_its_trailing_spaces_stays_on_the_line() {
        // The shrunk case of `splitting_text_between_calls_changes_nothing` (its seed is in
        // proptest-regressions/wrap.txt). In one call the group `aો a  aa a ` went to a row
        // of its own, trailing space and all, because that space counted in its width; with
        // `aો` split before the mark, the group was wider than the line and wrapped at its
        // spaces, so `/` kept the group's first cluster. Now the trailing space of a group is
        // a pending space (dropped at a break), and the group fits after `/`.
        let want = ["/a\u{acb} a  aa a"];
        for fast in [false, true] {
            for close in [false, true] {
                let mut parts = vec!["/", "<", "a\u{acb}", " a  aa a "];
                if close {
                    parts.push(">");
                }
                for splits in [&[][..], &[0, 0, 1][..], &[0, 0, 0, 5][..]] {
                    assert_eq!(
                        split_lines(&parts, 11, fast, splits),
                        want,
                        "fast {fast}, closed {close}, splits {splits:?}"
                    );
                }
            }
        }
        // A group ending in spaces: they are dropped at a break, as between words.
        assert_eq!(
            split_lines(&["<", "ab ", ">", "cd"], 4, true, &[]),
            ["ab", "cd"]
        );
        assert_eq!(
            split_lines(&["<", "ab ", ">", "cd"], 5, true, &[]),
            ["ab cd"]
        );
        assert_eq!(split_lines(&["x", "<", "ab "], 4, false, &[]), ["xab"]);
    }

    #[test]
    fn a_mark_that_widens_the_first_cluster_of_a_group_in_a_later_call_breaks_before_it() {
        // With `aો` whole, the group's first cluster is wide and UAX #14 allows a break
        // between `/` and it, which the group takes: `/` stays, the group goes to the next
        // row. With the mark in a later call, `a` had joined `/` and the break was not taken
        // (the wide cluster was inside the group by then): `/aો` and `b` on two rows.
        for fast in [false, true] {
            for close in [false, true] {
                let mut parts = vec!["/", "<", "a\u{acb}b"];
                if close {
                    parts.push(">");
                }
                for splits in [&[][..], &[0, 0, 1][..], &[0, 0, 4][..]] {
                    assert_eq!(
                        split_lines(&parts, 3, fast, splits),
                        ["/", "a\u{acb}b"],
                        "fast {fast}, closed {close}, splits {splits:?}"
                    );
                }
            }
        }
        // Without the mark, `/ab` is one word (no break before a narrow cluster).
        assert_eq!(
            split_lines(&["/", "<", "ab"], 3, false, &[0, 0, 1]),
            ["/ab"]
        );
    }

    #[test]
    fn a_prepended_mark_takes_the_space_of_a_later_call_into_its_cluster() {
        // Found by a wider alphabet for `splitting_text_between_calls_changes_nothing`:
        // `\u{600} ` is one cluster (UAX #29 GB9b), but a space (or any ASCII character)
        // in the next call was not joined to it, since only a non-ASCII character was taken
        // to extend a cluster: the space was a break and was dropped.
        for fast in [false, true] {
            for splits in [&[][..], &[2][..]] {
                assert_eq!(
                    split_lines(&["\u{600} a"], 2, fast, splits),
                    ["\u{600} ", "a"],
                    "fast {fast}, splits {splits:?}"
                );
            }
            assert_eq!(
                split_lines(&["\u{600}", " a"], 2, fast, &[]),
                ["\u{600} ", "a"]
            );
            assert_eq!(
                split_lines(&["x \u{600}", "b cd"], 3, fast, &[]),
                split_lines(&["x \u{600}b cd"], 3, fast, &[])
            );
        }
    }
}
