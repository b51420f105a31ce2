//! Inline content of a leaf block (paragraph, heading, table cell): styles, links,
//! footnote references, collected as pieces and wrapped when the leaf ends.

use super::{Container, Kind, Layout, Leaf, Lines, Marker, PrefixSink};
use crate::sanitize::{osc8_url, push_sanitized};
use crate::style::Style;
use crate::wrap::{self, Piece};
use pulldown_cmark::LinkType;
use std::ops::Range;

#[derive(Clone, Copy, Debug)]
pub(super) struct PieceRec {
    pub(super) text: (u32, u32),
    pub(super) style: Style,
    pub(super) link: Option<(u32, u32)>,
    pub(super) hard_break: bool,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct LinkRec {
    pub(super) url: (u32, u32),
    pub(super) text_start: u32,
    pub(super) display_url: bool,
    pub(super) image: bool,
}

/// Reusable per-block buffers.
#[derive(Default)]
pub(crate) struct Scratch {
    pub(super) buf: String,
    pub(super) pieces: Vec<PieceRec>,
    pub(super) styles: Vec<Style>,
    pub(super) links: Vec<LinkRec>,
    pub(super) marker: String,
    pub(super) table: super::table::TableScratch,
    pub(super) bump: bumpalo::Bump,
}

impl Scratch {
    pub(super) fn clear_inline(&mut self) {
        self.buf.clear();
        self.pieces.clear();
        self.links.clear();
        self.bump.reset();
    }

    pub(super) fn reset_inline(&mut self, base: Style) {
        self.styles.clear();
        self.styles.push(base);
    }

    pub(super) fn push_style(&mut self, s: Style) {
        let top = self.top_style().patch(s);
        self.styles.push(top);
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
    }

    /// Frees every buffer.
    pub(crate) fn clear_all(&mut self) {
        *self = Self::default();
    }
    /// Heap bytes held.
    #[must_use]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.buf.capacity()
            + self.pieces.capacity() * std::mem::size_of::<PieceRec>()
            + self.styles.capacity() * std::mem::size_of::<Style>()
            + self.links.capacity() * std::mem::size_of::<LinkRec>()
            + self.marker.capacity()
            + self.table.heap_bytes()
            + self.bump.allocated_bytes()
    }
}

impl Layout<'_> {
    pub(super) fn inline_text(
        &mut self,
        t: &str,
        style: Option<Style>,
        range: Range<usize>,
        src: &str,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        self.ensure_leaf(range, src, out, scratch);
        let style = style.unwrap_or_else(|| scratch.top_style());
        let start = scratch.buf.len();
        if !crate::sanitize::needs_sanitizing(t) {
            // No control character, tab or newline (the common case): copied as it is.
            scratch.buf.push_str(t);
            self.push_piece_range(start, style, scratch);
            return;
        }
        // Newlines inside inline text (inline HTML spanning lines) read as spaces; tabs stay
        // for the wrapper to expand.
        for (i, part) in t.split('\n').enumerate() {
            if i > 0 {
                scratch.buf.push(' ');
            }
            for (j, seg) in part.split('\t').enumerate() {
                if j > 0 {
                    scratch.buf.push('\t');
                }
                push_sanitized(&mut scratch.buf, seg, self.cfg.control_chars);
            }
        }
        self.push_piece_range(start, style, scratch);
    }

    pub(super) fn push_piece_range(&mut self, start: usize, style: Style, scratch: &mut Scratch) {
        let start = join_cluster(scratch, start);
        if scratch.buf.len() == start {
            return;
        }
        let link = if self.cfg.osc8_links() {
            scratch.links.last().map(|l| l.url).filter(|u| u.1 > u.0)
        } else {
            None
        };
        scratch.pieces.push(PieceRec {
            text: (start as u32, scratch.buf.len() as u32),
            style,
            link,
            hard_break: false,
        });
    }

    pub(super) fn push_link(
        &mut self,
        url: &str,
        kind: LinkType,
        image: bool,
        scratch: &mut Scratch,
    ) {
        let start = scratch.buf.len();
        if self.cfg.osc8_links() {
            if let Some(u) = osc8_url(url) {
                scratch.buf.push_str(&u);
            }
        } else {
            push_sanitized(&mut scratch.buf, url, self.cfg.control_chars);
        }
        let url_range = (start as u32, scratch.buf.len() as u32);
        let display_url = !matches!(kind, LinkType::Autolink | LinkType::Email) || image;
        scratch.links.push(LinkRec {
            url: url_range,
            text_start: scratch.pieces.len() as u32,
            display_url,
            image,
        });
    }

    pub(super) fn end_link(&mut self, scratch: &mut Scratch) {
        scratch.styles.pop();
        let Some(link) = scratch.links.pop() else {
            return;
        };
        if link.image {
            let start = scratch.buf.len();
            scratch.buf.push(']');
            self.push_piece_range(
                start,
                scratch.top_style().patch(self.cfg.theme.image),
                scratch,
            );
        }
        if self.cfg.osc8_links() || !link.display_url || link.url.0 == link.url.1 {
            return;
        }
        // Show the URL after the text when it differs from the text.
        let url = &scratch.buf[link.url.0 as usize..link.url.1 as usize];
        let mut text = String::new();
        for p in &scratch.pieces[link.text_start as usize..] {
            text.push_str(&scratch.buf[p.text.0 as usize..p.text.1 as usize]);
        }
        let text = text.trim_start_matches("[image: ").trim_end_matches(']');
        if text == url || url.strip_prefix("mailto:") == Some(text) {
            return;
        }
        let url = url.to_owned();
        let start = scratch.buf.len();
        scratch.buf.push_str(" (");
        scratch.buf.push_str(&url);
        scratch.buf.push(')');
        let style = scratch
            .styles
            .first()
            .copied()
            .unwrap_or_default()
            .patch(self.cfg.theme.link_url);
        scratch.pieces.push(PieceRec {
            text: (start as u32, scratch.buf.len() as u32),
            style,
            link: None,
            hard_break: false,
        });
    }

    /// Wraps and writes the open leaf (paragraph or heading).
    pub(super) fn flush_leaf(&mut self, out: &mut Lines, scratch: &mut Scratch) {
        let leaf = std::mem::take(&mut self.state.leaf);
        if let Leaf::Heading(level) = leaf {
            self.push_container(Container {
                kind: Kind::Heading,
                marker: Some(Marker::Heading(level)),
                indent: level as usize + 1,
                children: 0,
                bullets: 0,
            });
        }
        let tab_width = self.cfg.tab_width;
        self.with_pieces(out, scratch, |items, avail, sink| {
            wrap::wrap(items, avail, tab_width, sink);
        });
        if matches!(leaf, Leaf::Heading(_)) {
            self.state.stack.pop();
        }
        scratch.clear_inline();
    }

    /// Runs `f` with the collected inline pieces, the available width and a prefix sink.
    pub(super) fn with_pieces(
        &mut self,
        out: &mut Lines,
        scratch: &mut Scratch,
        f: impl FnOnce(&[Piece<'_>], usize, &mut PrefixSink<'_>),
    ) {
        let Scratch {
            buf,
            pieces,
            bump,
            marker,
            ..
        } = &mut *scratch;
        let items =
            bumpalo::collections::Vec::from_iter_in(pieces.iter().map(|p| piece_of(p, buf)), bump);
        let mut sink = PrefixSink {
            out,
            stack: &mut self.state.stack,
            theme: &self.cfg.theme,
            width: self.cfg.width,
            mbuf: marker,
        };
        let avail = sink.avail();
        f(&items, avail, &mut sink);
    }
}

/// Text that extends the previous piece's last grapheme cluster (a VS16 or a combining mark
/// arriving in its own text event, after an entity or a style change) joins that piece, so
/// no cluster spans two pieces and every width is measured on whole clusters (FUZZING.md
/// finding 1). Returns the new start of the text at `start`.
fn join_cluster(scratch: &mut Scratch, start: usize) -> usize {
    let Some(prev) = scratch.pieces.last_mut() else {
        return start;
    };
    if prev.hard_break || prev.text.1 as usize != start {
        return start;
    }
    let prev_start = prev.text.0 as usize;
    match crate::width::cluster_end_across(&scratch.buf[prev_start..], start - prev_start) {
        Some(end) => {
            let end = prev_start + end;
            prev.text.1 = end as u32;
            end
        }
        None => start,
    }
}

fn piece_of<'b>(p: &PieceRec, buf: &'b str) -> Piece<'b> {
    if p.hard_break {
        Piece::hard_break()
    } else {
        Piece {
            text: &buf[p.text.0 as usize..p.text.1 as usize],
            style: p.style,
            link: p.link.map(|l| &buf[l.0 as usize..l.1 as usize]),
            hard_break: false,
        }
    }
}
