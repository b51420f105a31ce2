//! Inline content of a leaf block: styles, links, footnote references, breaks.
//!
//! A paragraph or heading streams: each text event goes straight into the leaf's
//! [`Wrapper`], which writes finished words into the output lines with their prefix, so no
//! inline text is collected first. A table cell collects its content as pieces instead,
//! because column widths depend on every cell; the table is laid out when it ends.
//!
//! Untrusted text is sanitized on the way ([`crate::sanitize`]): printable ASCII goes
//! through as it is; anything else is checked, and control characters are replaced (or
//! dropped) before the wrapper sees them. Newlines inside inline text (inline HTML that
//! spans lines) read as spaces; tabs stay for the wrapper to expand.

use super::{Layout, Leaf, LineKind, Lines, PrefixSink};
use crate::options::{ColorDepth, LinkStyle};
use crate::sanitize::{
    hyperlink_allowed, osc8_url, push_sanitized, text_names_other_host, url_host,
};
use crate::style::Style;
use crate::wrap::{Piece, Wrapper};
use pulldown_cmark::LinkType;

/// A collected piece of a table cell: text in `Scratch::buf`, link in `Scratch::urls`.
#[derive(Clone, Copy, Debug)]
pub(super) enum PieceRec {
    Text {
        text: (u32, u32),
        style: Style,
        link: Option<(u32, u32)>,
    },
    HardBreak,
}

/// An open link or image.
#[derive(Clone, Copy, Debug)]
pub(super) struct LinkRec {
    /// Its destination in `Scratch::urls` (sanitized for OSC 8, or for display).
    url: (u32, u32),
    /// Where its text starts in `Scratch::link_text` (kept to compare with the URL).
    text_start: u32,
    /// Show the URL after the text (not for autolinks and email links, whose text is the
    /// URL).
    display_url: bool,
    image: bool,
    /// Its text is collected in `Scratch::link_text` (to compare with the URL, or to see
    /// that an image has no alt text).
    collect: bool,
    /// Written as an OSC 8 hyperlink: hyperlinks are on, the scheme is one a user can trust
    /// behind a link ([`hyperlink_allowed`]) and the URL is not too long. Otherwise the
    /// destination is shown as text.
    osc8: bool,
    /// The destination's host, lowercased, in `Scratch::urls` after the URL (OSC 8 links
    /// only): a link text that names another host shows the real destination beside it.
    host: (u32, u32),
}

/// Reusable per-block buffers.
#[derive(Default)]
pub(crate) struct Scratch {
    /// The open leaf's wrapper (paragraphs, headings, source lines).
    pub(super) flow: Wrapper,
    /// Sanitized text of one event, when it needed sanitizing (or termark's own text).
    pub(super) tmp: String,
    /// Text of the collected pieces (table cells).
    pub(super) buf: String,
    pub(super) pieces: Vec<PieceRec>,
    pub(super) styles: Vec<Style>,
    links: Vec<LinkRec>,
    /// Destinations of the open links.
    urls: String,
    /// Text of the open links that show their URL (to leave out a URL equal to its text).
    link_text: String,
    /// Hashes of the destinations the open leaf has shown as text, with their reference
    /// mark (0 inline): each is shown once per paragraph, heading or table, so `[x][x][x]`
    /// with a long `[x]: …` does not repeat it (the output stays linear in the input).
    shown_urls: rustc_hash::FxHashMap<u64, u32>,
    /// Destinations listed so far in the message, by hash, with their mark
    /// ([`LinkStyle::Reference`]). Only the first `State::listed` entries are valid: a
    /// tentative render appends past them, and the next commit truncates.
    pub(super) listed: Vec<(u64, u32)>,
    /// Reference marks of the open leaf to list after it, with their destinations in
    /// `ref_urls`.
    refs: Vec<(u32, (u32, u32))>,
    ref_urls: String,
    pub(super) marker: String,
    pub(super) table: super::table::TableScratch,
    pub(super) bump: bumpalo::Bump,
    /// The source of the open HTML block, collected until it ends.
    pub(super) html: String,
    /// Where the open HTML block starts in its segment's source.
    pub(super) html_pos: usize,
    /// The inline HTML elements open in the current leaf or table cell, innermost last.
    pub(super) html_open: Vec<super::html::HtmlOpen>,
    /// The buffers of one code line: its highlighted ranges and its cut plan.
    pub(super) code_line: super::code::LineBufs,
    /// The layout state and the output position where the last unit started (see
    /// `parse::feed`).
    pub(super) checkpoint: (super::State, crate::line::Mark),
    /// The open leaf's text, recorded to be laid out at its end (see [`super::flow`]).
    pub(super) rec: super::flow::Recorded,
}

impl Scratch {
    pub(super) fn clear_inline(&mut self) {
        self.buf.clear();
        self.pieces.clear();
        self.links.clear();
        self.urls.clear();
        self.link_text.clear();
        self.shown_urls.clear();
        self.refs.clear();
        self.ref_urls.clear();
        self.html_open.clear();
        self.bump.reset();
        self.rec.clear();
    }

    pub(super) fn reset_inline(&mut self, base: Style) {
        self.styles.clear();
        self.styles.push(base);
    }

    pub(super) fn push_style(&mut self, s: Style) {
        let top = self.top_style().patch(s);
        self.styles.push(top);
    }

    /// The temporary text buffer, empty (give it back in `tmp`).
    pub(super) fn take_tmp(&mut self) -> String {
        let mut t = std::mem::take(&mut self.tmp);
        t.clear();
        t
    }

    pub(super) fn top_style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    /// Forgets the inline state of a render (style stack, pieces) but keeps the buffers:
    /// a tentative render and the next commit share this scratch, and nothing may pass
    /// from one to the other (FUZZING.md finding 15).
    pub(crate) fn end_render(&mut self) {
        self.clear_inline();
        self.styles.clear();
        self.html.clear();
    }

    /// Swaps `widths` in as the kept column widths of tables (and switches keeping on), or,
    /// called again, back out (and keeping off). See `table::TableScratch::kept`.
    pub(crate) fn keep_table_widths(&mut self, widths: &mut Vec<usize>) {
        std::mem::swap(&mut self.table.kept, widths);
        self.table.keep = !self.table.keep;
    }

    /// Empties every buffer for another message, keeping the capacity.
    pub(crate) fn recycle(&mut self) {
        self.end_render();
        self.tmp.clear();
        self.marker.clear();
        self.code_line.clear();
        self.listed.clear();
        self.table.recycle();
        self.flow.recycle();
        self.checkpoint.0 = super::State::default();
    }

    /// Frees every buffer.
    pub(crate) fn clear_all(&mut self) {
        *self = Self::default();
    }

    /// Heap bytes held.
    #[must_use]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.flow.heap_bytes()
            + self.tmp.capacity()
            + self.buf.capacity()
            + self.pieces.capacity() * std::mem::size_of::<PieceRec>()
            + self.styles.capacity() * std::mem::size_of::<Style>()
            + self.links.capacity() * std::mem::size_of::<LinkRec>()
            + self.urls.capacity()
            + self.link_text.capacity()
            + self.shown_urls.capacity() * 13
            + self.refs.capacity() * std::mem::size_of::<(u32, (u32, u32))>()
            + self.listed.capacity() * std::mem::size_of::<(u64, u32)>()
            + self.ref_urls.capacity()
            + self.marker.capacity()
            + self.table.heap_bytes()
            + self.bump.allocated_bytes()
            + self.checkpoint.0.heap_bytes()
            + self.code_line.heap_bytes()
            + self.html.capacity()
            + self.html_open.capacity() * std::mem::size_of::<super::html::HtmlOpen>()
            + self.rec.heap_bytes()
    }

    /// The OSC 8 target of text written now: the outermost open link or image, if it is an
    /// OSC 8 link. An image's description is its alt text, plain (CommonMark 6.4): a link
    /// inside it takes the image's destination, not its own; an image inside a link (a
    /// badge) takes the link's.
    fn current_link(&self) -> Option<(u32, u32)> {
        self.links
            .first()
            .filter(|l| l.osc8)
            .map(|l| l.url)
            .filter(|u| u.1 > u.0)
    }
}

impl Layout<'_> {
    /// Starts the wrapper of a streaming leaf at the width its prefix leaves.
    pub(super) fn begin_flow(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        let avail = self.sink(out, scratch).avail();
        scratch.flow.begin(avail, self.cfg.tab_width);
        scratch.rec.start();
    }

    /// [`begin_flow`](Self::begin_flow) for a line of a link's destination: a word wider
    /// than the row starts on the label's line when half of it is free
    /// ([`Wrapper::overlong_on_the_line`]). Not recorded: short, and the wrapper's.
    fn begin_destination_flow(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        self.begin_flow(out, scratch);
        scratch.rec.clear();
        scratch.flow.overlong_on_the_line();
    }

    /// Lays out the lines the open leaf's recorded text decides, hands the rest to its
    /// wrapper and stops recording ([`Recorded::settle`](super::flow::Recorded::settle)): for
    /// text that is not printable ASCII and for what needs the wrapper's state before the
    /// leaf ends.
    #[inline]
    pub(super) fn settle_recorded(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        if scratch.rec.on {
            self.settle_recorded_now(out, scratch);
        }
    }

    #[inline(never)]
    fn settle_recorded_now(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        let Scratch {
            flow,
            urls,
            marker,
            rec,
            ..
        } = scratch;
        let mut sink = PrefixSink::new(out, &mut self.state.stack, self.cfg, marker);
        rec.settle(flow, &mut sink, urls);
    }

    /// An upper bound of the [`Lines::cost`] of one line's container prefix: at most four
    /// bytes per column of the row and a span for each container's part, and one more.
    fn prefix_cost_bound(&self) -> u64 {
        4 * self.cfg.width as u64 + crate::line::SPAN_COST * (2 * self.state.stack.len() as u64 + 1)
    }

    /// Debug builds: the recorded leaf laid out by [`Recorded::lay_out`](super::flow::Recorded::lay_out)
    /// and by the wrapper alone give the same lines (into scratch buffers, with copies of
    /// the container stack, whose first-line markers a prefix consumes).
    #[cfg(debug_assertions)]
    fn check_recorded(&self, scratch: &Scratch) {
        let run = |fast: bool| {
            let mut lines = Lines::new();
            let mut stack = self.state.stack.clone();
            let mut mbuf = String::new();
            let mut flow = scratch.flow.clone();
            let mut rec = scratch.rec.clone();
            let mut sink = PrefixSink::new(&mut lines, &mut stack, self.cfg, &mut mbuf);
            let done = if fast {
                rec.finish(&mut flow, &mut sink, &scratch.urls)
            } else {
                rec.wrap_all(&mut flow, &mut sink, &scratch.urls);
                false
            };
            if !done {
                flow.finish(&mut sink);
            }
            lines
                .iter()
                .map(|l| {
                    let spans: Vec<_> = l
                        .spans()
                        .map(|s| (s.text.to_owned(), s.style, s.link.map(str::to_owned)))
                        .collect();
                    (l.continues(), l.width(), spans)
                })
                .collect::<Vec<_>>()
        };
        debug_assert_eq!(
            run(true),
            run(false),
            "a recorded leaf laid out in one pass"
        );
    }

    /// True if a decoration of `need` output bytes fits the [`allowance`](Self::allowance)
    /// whatever the open leaf's recorded text will cost: that text counts its
    /// [`cost_bound`](super::flow::Recorded::cost_bound); when the bound leaves the answer
    /// open, the leaf is [settled](Self::settle_recorded) first and the allowance asked
    /// again. (The answer depends only on the leaf's events, so not on how the source was
    /// chunked.)
    fn affords(&mut self, need: u64, out: &mut Lines, scratch: &mut Scratch) -> bool {
        let allowance = self.allowance(out);
        if need > allowance {
            return false;
        }
        if !scratch.rec.on {
            return true;
        }
        let avail = scratch.flow.avail();
        let prefix = self.prefix_cost_bound();
        if need.saturating_add(scratch.rec.cost_bound(avail, prefix)) <= allowance {
            return true;
        }
        self.settle_recorded(out, scratch);
        need <= self.allowance(out)
    }

    /// Untrusted inline text (text, code spans, inline HTML) in `style`.
    #[inline]
    pub(super) fn inline_text(
        &mut self,
        t: &str,
        style: Style,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        let ascii = crate::width::is_printable_ascii(t.as_bytes());
        if ascii || !crate::sanitize::needs_sanitizing(t) {
            // No control character, tab or newline (the common case): as it is.
            self.emit_checked(t, style, out, scratch, ascii);
            return;
        }
        let mut clean = std::mem::take(&mut scratch.tmp);
        clean.clear();
        for (i, part) in t.split('\n').enumerate() {
            if i > 0 {
                clean.push(' ');
            }
            for (j, seg) in part.split('\t').enumerate() {
                if j > 0 {
                    clean.push('\t');
                }
                push_sanitized(&mut clean, seg, self.cfg.control_chars);
            }
        }
        self.emit_checked(&clean, style, out, scratch, false);
        scratch.tmp = clean;
    }

    /// True if an element in `style` would look like the text around it at the color
    /// depth: any style at [`ColorDepth::Plain`], a style without attributes (color only)
    /// at [`ColorDepth::NoColor`]. Such an element is marked as in Markdown instead:
    /// `` `code` `` in backticks, `~~struck~~` between tildes.
    pub(super) fn vanishes(&self, style: Style) -> bool {
        match self.cfg.color {
            ColorDepth::Plain => true,
            ColorDepth::NoColor => style.mods.is_empty(),
            _ => false,
        }
    }

    /// A code span between backticks, as CommonMark writes one: a run of backticks longer
    /// than any in the code, and a space inside it when the code starts or ends with a
    /// backtick.
    pub(super) fn marked_code(
        &mut self,
        t: &str,
        style: Style,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        const TICKS: &str = "````````````````";
        let mut longest = 0;
        let mut run = 0;
        for b in t.bytes() {
            run = if b == b'`' { run + 1 } else { 0 };
            longest = longest.max(run);
        }
        let fence = &TICKS[..(longest + 1).min(TICKS.len())];
        let pad = if t.starts_with('`') || t.ends_with('`') {
            " "
        } else {
            ""
        };
        self.emit(fence, style, out, scratch);
        self.emit(pad, style, out, scratch);
        self.inline_text(t, style, out, scratch);
        self.emit(pad, style, out, scratch);
        self.emit(fence, style, out, scratch);
    }

    /// Text that is already safe (termark's own, or sanitized): into the wrapper, or
    /// collected for a table cell.
    pub(super) fn emit(
        &mut self,
        text: &str,
        style: Style,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        let ascii = crate::width::is_printable_ascii(text.as_bytes());
        self.emit_checked(text, style, out, scratch, ascii);
    }

    /// [`emit`](Self::emit) for a caller that knows whether `text` is printable ASCII.
    #[inline]
    fn emit_checked(
        &mut self,
        text: &str,
        style: Style,
        out: &mut Lines,
        scratch: &mut Scratch,
        printable_ascii: bool,
    ) {
        if text.is_empty() {
            return;
        }
        if scratch.links.iter().any(|l| l.collect) {
            scratch.link_text.push_str(text);
        }
        if self.state.leaf == Leaf::Table {
            // (A table measures what its rows cost, links included, and caps it itself.)
            let start = scratch.buf.len();
            scratch.buf.push_str(text);
            let start = join_cluster(scratch, start);
            if scratch.buf.len() > start {
                let link = scratch.current_link();
                scratch.pieces.push(PieceRec::Text {
                    text: (start as u32, scratch.buf.len() as u32),
                    style,
                    link,
                });
            }
            return;
        }
        if let Some(link) = scratch.current_link() {
            self.afford_link_rows(text, link, out, scratch);
        }
        if scratch.rec.on {
            let link = scratch.current_link();
            if printable_ascii {
                if scratch.rec.record(text, style, link) {
                    return;
                }
            } else if scratch.rec.record_wide(text, style, link) {
                return;
            }
            self.settle_recorded(out, scratch);
        }
        let (flow, mut sink, link) = self.flow_sink(out, scratch);
        flow.push_checked(&mut sink, text, style, link, printable_ascii);
    }

    /// Before `text` joins the open OSC 8 link, whose URL is `Scratch::urls[s..e]`: an OSC 8
    /// link writes its URL again on every row its text spans, so the rows `text` may add
    /// are asked of the output [allowance](Self::affords). Past it, the link stops being a hyperlink from here: the
    /// rest of its text is written without OSC 8, and its destination is shown after the
    /// text as for a link without one (a mark and a listed URL, or the URL in parentheses),
    /// so it is not lost. Rows already written keep their hyperlink; they were paid for.
    ///
    /// The `n` bytes of `text` take at most `n` columns (`n × tab width` with a tab among
    /// them) and make at most `2 (columns + 1) / (avail / 2) + 2` new rows (the bound of
    /// [`Recorded::cost_bound`](super::flow::Recorded::cost_bound)); each row may hold a
    /// span of the link besides, which opens it again.
    #[inline(never)]
    fn afford_link_rows(
        &mut self,
        text: &str,
        (s, e): (u32, u32),
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        use crate::line::{OSC8_COST, SPAN_COST};
        let per_column = if text.contains('\t') {
            self.cfg.tab_width as u64
        } else {
            1
        };
        let columns = text.len() as u64 * per_column;
        let avail = scratch.flow.avail() as u64;
        let rows = 2 * (columns + 1) / (avail / 2).max(1) + 2;
        let per_row = u64::from(e - s) + OSC8_COST + SPAN_COST;
        if !self.affords((rows + 1).saturating_mul(per_row), out, scratch) {
            if let Some(link) = scratch.links.first_mut() {
                link.osc8 = false;
            }
        }
    }

    /// The paragraph's wrapper, a sink that writes its lines with the container prefixes,
    /// and the target of the innermost hyperlink open (if any): what text in the open leaf
    /// is laid out with.
    #[inline]
    fn flow_sink<'s>(
        &'s mut self,
        out: &'s mut Lines,
        scratch: &'s mut Scratch,
    ) -> (&'s mut Wrapper, PrefixSink<'s>, Option<&'s str>) {
        let link = scratch.current_link();
        let Scratch {
            flow, urls, marker, ..
        } = scratch;
        let link = link.map(|(s, e)| &urls[s as usize..e as usize]);
        let sink = PrefixSink::new(out, &mut self.state.stack, self.cfg, marker);
        (flow, sink, link)
    }

    /// A soft line break in the open leaf: a space ([`emit`](Self::emit) of `" "`).
    pub(super) fn soft_break(&mut self, style: Style, out: &mut Lines, scratch: &mut Scratch) {
        if self.state.leaf == Leaf::Table || scratch.links.iter().any(|l| l.collect) {
            self.emit(" ", style, out, scratch);
            return;
        }
        if scratch.rec.on {
            let link = scratch.current_link();
            if scratch.rec.record(" ", style, link) {
                return;
            }
            self.settle_recorded(out, scratch);
        }
        let (flow, mut sink, link) = self.flow_sink(out, scratch);
        flow.push_space(&mut sink, style, link);
    }

    /// A hard line break in the open leaf.
    pub(super) fn hard_break(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        if self.state.leaf == Leaf::Table {
            scratch.pieces.push(PieceRec::HardBreak);
            return;
        }
        self.settle_recorded(out, scratch);
        let (flow, mut sink, _) = self.flow_sink(out, scratch);
        flow.hard_break(&mut sink);
    }

    /// Ends the streaming leaf: its last word and line.
    pub(super) fn finish_flow(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        if scratch.rec.on {
            #[cfg(debug_assertions)]
            self.check_recorded(scratch);
            let Scratch {
                flow,
                urls,
                marker,
                rec,
                ..
            } = scratch;
            let mut sink = PrefixSink::new(out, &mut self.state.stack, self.cfg, marker);
            if rec.finish(flow, &mut sink, urls) {
                return;
            }
        }
        let (flow, mut sink, _) = self.flow_sink(out, scratch);
        flow.finish(&mut sink);
    }

    pub(super) fn push_link(
        &mut self,
        url: &str,
        kind: LinkType,
        image: bool,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        let start = scratch.urls.len();
        // An OSC 8 link writes its URL again on every row it spans: past the output bound
        // a destination is shown as text instead (once per message).
        let affordable = self.affords((url.len() as u64) * 4 + 256, out, scratch);
        let encoded = if self.cfg.osc8_links() && hyperlink_allowed(url) && affordable {
            osc8_url(url)
        } else {
            None
        };
        let osc8 = encoded.is_some();
        match encoded {
            Some(u) => scratch.urls.push_str(&u),
            None => push_sanitized(&mut scratch.urls, url, self.cfg.control_chars),
        }
        let end = scratch.urls.len();
        if osc8 {
            if let Some(h) = url_host(url) {
                scratch
                    .urls
                    .extend(h.chars().map(|c| c.to_ascii_lowercase()));
            }
        }
        // A same-page anchor (`#quickstart`) names nothing a terminal can open: its text
        // is shown alone.
        let display_url = (!matches!(kind, LinkType::Autolink | LinkType::Email) || image)
            && !url.starts_with('#');
        scratch.links.push(LinkRec {
            url: (start as u32, end as u32),
            text_start: scratch.link_text.len() as u32,
            display_url,
            image,
            collect: display_url || image,
            osc8,
            host: (end as u32, scratch.urls.len() as u32),
        });
    }

    pub(super) fn end_link(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        scratch.styles.pop();
        let Some(link) = scratch.links.pop() else {
            return;
        };
        if link.image {
            let style = scratch.top_style().patch(self.cfg.theme.image);
            if scratch.link_text.len() - link.text_start as usize <= IMAGE_LABEL.len() {
                // No alt text: the file the image names.
                let mut name = scratch.take_tmp();
                let url = &scratch.urls[link.url.0 as usize..link.url.1 as usize];
                name.push_str(image_file_name(url));
                self.emit(&name, style, out, scratch);
                scratch.tmp = name;
            }
            self.emit("]", style, out, scratch);
            if self.state.leaf != Leaf::Table {
                self.settle_recorded(out, scratch);
                scratch.flow.end_group();
            }
        }
        // A link inside an image's alt text shows no destination of its own (the alt text
        // is the plain text of the description, CommonMark 6.4), and an image inside a link
        // (a badge) shows the link's destination, not its picture's.
        let in_image = scratch.links.iter().any(|l| l.image);
        let badge = link.image && !scratch.links.is_empty();
        let shown = link.display_url && !in_image && !badge && link.url.0 < link.url.1 && {
            let url = &scratch.urls[link.url.0 as usize..link.url.1 as usize];
            // (`strip_prefix` in a loop is `trim_start_matches` without a string searcher.)
            let mut text = &scratch.link_text[link.text_start as usize..];
            while let Some(rest) = text.strip_prefix(IMAGE_LABEL) {
                text = rest;
            }
            let text = text.trim_end_matches(']');
            if link.osc8 {
                // Behind a hyperlink, the URL shows only when the text names another host.
                let host = &scratch.urls[link.host.0 as usize..link.host.1 as usize];
                text_names_other_host(text, host)
            } else {
                // Shown as text after the link text, unless it is that text.
                text != url && url.strip_prefix("mailto:") != Some(text)
            }
        };
        if shown {
            let hash = {
                use std::hash::Hasher;
                let mut h = rustc_hash::FxHasher::default();
                h.write(&scratch.urls.as_bytes()[link.url.0 as usize..link.url.1 as usize]);
                h.finish()
            };
            let url_style = scratch
                .styles
                .first()
                .copied()
                .unwrap_or_default()
                .patch(self.cfg.theme.link_url);
            let mut text = scratch.take_tmp();
            if !link.osc8 && self.cfg.link_style == LinkStyle::Reference {
                // A mark now, and the destination listed after the block the first time the
                // message links to it; later links to it reuse its mark.
                let valid = (self.state.listed as usize).min(scratch.listed.len());
                let known = scratch.listed[..valid]
                    .iter()
                    .find(|&&(h, n)| h == hash && n > 0)
                    .map(|&(_, n)| n);
                let mark = if let Some(n) = known {
                    n
                } else {
                    {
                        self.state.link_refs += 1;
                        let n = self.state.link_refs;
                        let start = scratch.ref_urls.len() as u32;
                        scratch
                            .ref_urls
                            .push_str(&scratch.urls[link.url.0 as usize..link.url.1 as usize]);
                        scratch
                            .refs
                            .push((n, (start, scratch.ref_urls.len() as u32)));
                        if valid < MAX_LISTED {
                            scratch.listed.truncate(valid);
                            scratch.listed.push((hash, n));
                            self.state.listed = valid as u32 + 1;
                        }
                        n
                    }
                };
                text.push('[');
                super::container::push_decimal(&mut text, u64::from(mark));
                text.push(']');
            } else {
                // Inline, once per block; past the output bound, not again once the message
                // has shown it.
                let valid = (self.state.listed as usize).min(scratch.listed.len());
                let seen = scratch.listed[..valid].iter().any(|&(h, _)| h == hash);
                let url_len = (link.url.1 - link.url.0) as u64;
                let short = !self.affords(url_len * 2 + 64, out, scratch);
                if !(short && seen) && scratch.shown_urls.insert(hash, 0).is_none() {
                    text.push_str(" (");
                    text.push_str(&scratch.urls[link.url.0 as usize..link.url.1 as usize]);
                    text.push(')');
                    if !seen && valid < MAX_LISTED {
                        scratch.listed.truncate(valid);
                        scratch.listed.push((hash, 0));
                        self.state.listed = valid as u32 + 1;
                    }
                }
            }
            self.emit(&text, url_style, out, scratch);
            scratch.tmp = text;
        }
        if scratch.links.is_empty() {
            scratch.link_text.clear();
            if self.state.leaf != Leaf::Table && !scratch.rec.on {
                // (A table's pieces and a recorded leaf's runs keep their link ranges until
                // the table or the leaf ends.)
                scratch.urls.clear();
            }
        }
    }

    /// A link reference definition shown where it stands (its label was used, unresolved,
    /// before it arrived): a line `[label]: destination`, an OSC 8 link when hyperlinks are
    /// on. Definitions in a row form one block.
    pub(crate) fn definition(
        &mut self,
        def: &crate::parse::ShownDef<'_>,
        src: &str,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        if self.state.after_def {
            self.flush_implicit(out, scratch);
        } else {
            self.begin_block(def.span.0, src, out, scratch);
        }
        self.state.leaf = Leaf::None;
        scratch.clear_inline();
        scratch.reset_inline(Style::PLAIN);
        out.set_kind(LineKind::LinkReference);
        self.begin_destination_flow(out, scratch);
        let style = Style::PLAIN.patch(self.cfg.theme.link_url);
        let mut text = scratch.take_tmp();
        text.push('[');
        push_sanitized(&mut text, def.label, self.cfg.control_chars);
        text.push_str("]: ");
        self.emit(&text, style, out, scratch);
        text.clear();
        push_sanitized(&mut text, def.dest, self.cfg.control_chars);
        // The destination is the link's text: it links to itself when hyperlinks are on.
        self.push_link(def.dest, LinkType::Inline, false, out, scratch);
        self.emit(&text, style, out, scratch);
        scratch.tmp = text;
        scratch.links.clear();
        self.finish_flow(out, scratch);
        scratch.clear_inline();
        self.state.after_def = true;
    }

    /// Lists the destinations marked in the leaf that just ended, one line each:
    /// `[1]: https://…`, wrapped to the width the container prefixes leave.
    pub(super) fn list_link_refs(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        if scratch.refs.is_empty() {
            return;
        }
        let refs = std::mem::take(&mut scratch.refs);
        let urls = std::mem::take(&mut scratch.ref_urls);
        let style = Style::PLAIN.patch(self.cfg.theme.link_url);
        let mut label = scratch.take_tmp();
        for &(n, (s, e)) in &refs {
            out.set_kind(LineKind::LinkReference);
            self.begin_destination_flow(out, scratch);
            label.clear();
            label.push('[');
            super::container::push_decimal(&mut label, u64::from(n));
            label.push_str("]: ");
            // (One push for the label and the destination: the wrapper breaks the same
            // wherever its text is split between calls.)
            label.push_str(&urls[s as usize..e as usize]);
            self.emit(&label, style, out, scratch);
            self.finish_flow(out, scratch);
        }
        scratch.tmp = label;
        scratch.refs = refs;
        scratch.refs.clear();
        scratch.ref_urls = urls;
        scratch.ref_urls.clear();
    }

    /// Runs `f` with the collected pieces (a table's cells), the available width and a
    /// prefix sink.
    pub(super) fn with_pieces(
        &mut self,
        out: &mut Lines,
        scratch: &mut Scratch,
        f: impl FnOnce(&[Piece<'_>], usize, &mut PrefixSink<'_>),
    ) {
        let Scratch {
            buf,
            pieces,
            urls,
            bump,
            marker,
            ..
        } = &mut *scratch;
        let items = bumpalo::collections::Vec::from_iter_in(
            pieces.iter().map(|p| piece_of(p, buf, urls)),
            bump,
        );
        let mut sink = PrefixSink::new(out, &mut self.state.stack, self.cfg, marker);
        let avail = sink.avail();
        f(&items, avail, &mut sink);
    }
}

/// Destinations a message remembers as listed (each is listed once, and later links to it
/// reuse its mark); past this many, a destination is listed again after each block that
/// links to it.
const MAX_LISTED: usize = 4096;

/// What an image shows before its alt text.
pub(super) const IMAGE_LABEL: &str = "[image: ";

/// The file an image's destination names (its last path segment, without a query or
/// fragment), for an image without alt text; `image` if it names none.
fn image_file_name(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if name.is_empty() {
        "image"
    } else {
        name
    }
}

/// Text that extends the previous piece's last grapheme cluster (a VS16 or a combining mark
/// arriving in its own text event, after an entity or a style change) joins that piece, so
/// no cluster spans two pieces and every width is measured on whole clusters (FUZZING.md
/// finding 1). Returns the new start of the text at `start`.
fn join_cluster(scratch: &mut Scratch, start: usize) -> usize {
    let Some(PieceRec::Text { text: prev, .. }) = scratch.pieces.last_mut() else {
        return start;
    };
    if prev.1 as usize != start {
        return start;
    }
    let prev_start = prev.0 as usize;
    match crate::width::cluster_end_across(&scratch.buf[prev_start..], start - prev_start) {
        Some(end) => {
            let end = prev_start + end;
            prev.1 = end as u32;
            end
        }
        None => start,
    }
}

fn piece_of<'b>(p: &PieceRec, buf: &'b str, urls: &'b str) -> Piece<'b> {
    match *p {
        PieceRec::HardBreak => Piece::HardBreak,
        PieceRec::Text { text, style, link } => Piece::Text {
            text: &buf[text.0 as usize..text.1 as usize],
            style,
            link: link.map(|l| &urls[l.0 as usize..l.1 as usize]),
        },
    }
}
