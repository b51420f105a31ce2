//! Raw HTML (CommonMark §4.6 HTML blocks and §6.6 inline raw HTML): the tags a README uses
//! for layout are rendered as what they mean; anything else is shown as its source.
//!
//! # What is rendered, what is shown as source
//! | HTML | shown as |
//! |---|---|
//! | comments `<!-- … -->`, `<!DOCTYPE …>` | nothing |
//! | `div` `p` `center` `details` `section` `header` `footer` `article` `main` `nav` `aside` `figure` `figcaption` | their text, as paragraphs (attributes such as `align` are ignored) |
//! | `summary` | its text as a paragraph after `▸ ` |
//! | `h1` … `h6` | a heading of that level, as a Markdown heading |
//! | `a href` | a link, through the same path as a Markdown link (`a` without `href`: its text) |
//! | `img` | its alt text as a Markdown image (`[image: alt]`) with the `src` as destination |
//! | `br` | a line break; `hr` a thematic break |
//! | `b` `strong`, `i` `em`, `code` `kbd` `samp` `tt`, `s` `del` `strike` | strong, emphasis, inline code, strikethrough |
//! | `sup` `sub` `span` `small` `u` `ins` `mark` `abbr` `picture` | what they hold; `source` and `wbr` nothing |
//!
//! An HTML block is rendered only when every tag in it is one of these and it holds no
//! processing instruction, CDATA section or declaration other than a doctype. Any other
//! block (a `<table>`, `<pre>`, `<script>`, an unknown tag…) is shown as dim source, each
//! source line on its own row with its indentation (tabs expanded to tab stops), never
//! re-wrapped: a line wider than the row is cut at a grapheme cluster and continues on the
//! next row behind a `↪` mark, as a code line does. Inline HTML in a paragraph is one tag
//! (or comment) per pulldown-cmark event: a known tag applies its meaning, a comment
//! vanishes, anything else stays in the text as dim source.
//!
//! Text in a rendered block flows as HTML text does: runs of whitespace are one space,
//! and it wraps to the width. CommonMark reads no Markdown inside an HTML block, so
//! `<div align="center">`, a blank line, `# Title`, a blank line and `</div>` is a heading
//! between two HTML blocks that show nothing. Each block is laid out from its whole text
//! when it ends, so its output does not depend on how the text arrived.
//!
//! All text, alt text and attribute values pass through the sanitizer like any other
//! input ([`crate::sanitize`]); link destinations go through the link path, which decides
//! whether they are OSC 8 links or shown as text.
//!
//! # The tokenizer
//! [html5gum](https://docs.rs/html5gum) 0.9: a WHATWG tokenizer with no dependencies and
//! `#![forbid(unsafe_code)]`, that passes the html5lib tokenizer tests, accepts fragments
//! (a lone `</b>`, `a < b`), unquoted and valueless attributes, decodes entities and
//! lowercases names. html5ever's tokenizer is as correct but brings about 25 crates and
//! a sink API that needs interior mutability; `tl` is a lenient DOM builder that mis-reads
//! `<br/>` (a tag named `br/` that swallows its siblings) and leaves entities undecoded;
//! XML tokenizers (`htmlparser`, `xmlparser`) reject text outside elements and unquoted
//! attributes. The tokenizer does not switch to raw text inside `<script>` or `<style>` on
//! its own; its `naively_switch_states` option does, so a `<` in a script is not read as
//! a tag.

use super::inline::Scratch;
use super::{Layout, Leaf};
use crate::line::{Join, LineKind, Lines};
use crate::style::Style;
use crate::width::{cluster_parts, clusters, grapheme_width};
use crate::wrap::LineSink;
use html5gum::{DefaultEmitter, Token, Tokenizer};
use pulldown_cmark::LinkType;

/// The continuation mark of a source row that a cut line goes on in (1 column).
const CONTINUATION: &str = "↪";

/// Inline elements open at once that take effect; deeper ones are ignored (their text
/// shows in the style around them), so each leaf's work stays bounded.
const MAX_OPEN: usize = 64;

/// What a known element means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Elem {
    /// A block of text (`div`, `p`, …).
    Block,
    /// `summary`: a block of text after a disclosure mark.
    Summary,
    Heading(u8),
    /// Inline formatting.
    Look(Look),
    /// `a`.
    Link,
    Image,
    Break,
    Rule,
    /// No content of its own (`source`, `wbr`).
    Void,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Look {
    Strong,
    Emphasis,
    Code,
    Strike,
    /// What it holds, in the surrounding style.
    Plain,
}

/// The known elements: tag name (lowercase, as the tokenizer gives it) and meaning.
const ELEMS: &[(&str, Elem)] = &[
    ("a", Elem::Link),
    ("abbr", Elem::Look(Look::Plain)),
    ("article", Elem::Block),
    ("aside", Elem::Block),
    ("b", Elem::Look(Look::Strong)),
    ("br", Elem::Break),
    ("center", Elem::Block),
    ("code", Elem::Look(Look::Code)),
    ("del", Elem::Look(Look::Strike)),
    ("details", Elem::Block),
    ("div", Elem::Block),
    ("em", Elem::Look(Look::Emphasis)),
    ("figcaption", Elem::Block),
    ("figure", Elem::Block),
    ("footer", Elem::Block),
    ("h1", Elem::Heading(1)),
    ("h2", Elem::Heading(2)),
    ("h3", Elem::Heading(3)),
    ("h4", Elem::Heading(4)),
    ("h5", Elem::Heading(5)),
    ("h6", Elem::Heading(6)),
    ("header", Elem::Block),
    ("hr", Elem::Rule),
    ("i", Elem::Look(Look::Emphasis)),
    ("img", Elem::Image),
    ("ins", Elem::Look(Look::Plain)),
    ("kbd", Elem::Look(Look::Code)),
    ("main", Elem::Block),
    ("mark", Elem::Look(Look::Plain)),
    ("nav", Elem::Block),
    ("p", Elem::Block),
    ("picture", Elem::Look(Look::Plain)),
    ("s", Elem::Look(Look::Strike)),
    ("samp", Elem::Look(Look::Code)),
    ("section", Elem::Block),
    ("small", Elem::Look(Look::Plain)),
    ("source", Elem::Void),
    ("span", Elem::Look(Look::Plain)),
    ("strike", Elem::Look(Look::Strike)),
    ("strong", Elem::Look(Look::Strong)),
    ("sub", Elem::Look(Look::Plain)),
    ("summary", Elem::Summary),
    ("sup", Elem::Look(Look::Plain)),
    ("tt", Elem::Look(Look::Code)),
    ("u", Elem::Look(Look::Plain)),
    ("wbr", Elem::Void),
];

fn classify(name: &[u8]) -> Option<(&'static str, Elem)> {
    ELEMS
        .binary_search_by(|(n, _)| n.as_bytes().cmp(name))
        .ok()
        .map(|i| ELEMS[i])
}

/// A start tag of a known element, with the attributes termark uses.
#[derive(Clone, Debug)]
struct StartTag {
    name: &'static str,
    elem: Elem,
    /// `href` of an `a`, `src` of an `img`.
    dest: Option<String>,
    /// `alt` of an `img`.
    alt: String,
}

/// A token of HTML that termark renders.
#[derive(Clone, Debug)]
enum Tok {
    Start(StartTag),
    End(&'static str, Elem),
    Text(String),
}

/// An inline element open in the current leaf (see [`Scratch::html_open`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct HtmlOpen {
    name: &'static str,
    /// A link (closed with `end_link`), or only a style (popped).
    link: bool,
}

/// Tokenizes `html` into `out`. Returns false if it holds anything that is not rendered
/// (an unknown tag, a processing instruction, CDATA, a declaration other than a doctype);
/// `out` is then incomplete. Comments and doctypes are left out.
fn tokenize(html: &str, out: &mut Vec<Tok>) -> bool {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // Raw text inside `script`, `style`, `textarea`, `title`…, as a browser reads it.
    emitter.naively_switch_states(true);
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    for Ok(token) in Tokenizer::new_with_emitter(html, emitter) {
        match token {
            Token::StartTag(t) => {
                let Some((name, elem)) = classify(&t.name) else {
                    return false;
                };
                let attr = |key: &str| {
                    t.attributes
                        .get(key.as_bytes())
                        .map(|v| lossy(v.value.as_slice()))
                };
                let (dest, alt) = match elem {
                    Elem::Link => (attr("href"), String::new()),
                    Elem::Image => (attr("src"), attr("alt").unwrap_or_default()),
                    _ => (None, String::new()),
                };
                out.push(Tok::Start(StartTag {
                    name,
                    elem,
                    dest,
                    alt,
                }));
            }
            Token::EndTag(t) => {
                let Some((name, elem)) = classify(&t.name) else {
                    return false;
                };
                out.push(Tok::End(name, elem));
            }
            Token::String(s) => match out.last_mut() {
                Some(Tok::Text(prev)) => prev.push_str(&String::from_utf8_lossy(&s.value)),
                _ => out.push(Tok::Text(lossy(&s.value))),
            },
            Token::Comment(c) => {
                // `<?…>`, `<![CDATA[…]]>` and `<!X…>` are bogus comments to a WHATWG
                // tokenizer; they hold text a reader should see.
                if !html
                    .get(c.span.start..)
                    .is_some_and(|s| s.starts_with("<!--"))
                {
                    return false;
                }
            }
            Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    true
}

/// HTML whitespace (collapsed to one space in text that flows).
fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')
}

/// The state of an HTML block being rendered.
#[derive(Default)]
struct Run {
    /// The inline elements open in the HTML, outermost first; a leaf applies them all
    /// when it opens.
    open: Vec<StartTag>,
    /// A leaf (paragraph or heading) is open.
    leaf: bool,
    /// The level of the `h1`…`h6` open (the next leaf is a heading).
    heading: Option<u8>,
    /// A `summary` is open: the next leaf starts with its mark.
    summary: bool,
    /// The current row of the leaf has visible text (a space may follow).
    content: bool,
    /// The last thing written was a space.
    space: bool,
    /// `br`s met since the last text: written before the next text, so a leaf never ends
    /// in an empty row.
    breaks: u32,
}

impl Layout<'_> {
    /// Lays out an HTML block from its whole source `html`: rendered, shown as source, or
    /// nothing at all (comments, or tags with no text). `pos` is where the block starts in
    /// `src`, the segment's source (for the separator before it).
    pub(super) fn html_block(
        &mut self,
        html: &str,
        pos: usize,
        src: &str,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        let mut toks = Vec::new();
        if !tokenize(html, &mut toks) {
            self.begin_block(pos, src, out, scratch);
            self.html_source(html, out, scratch);
            return;
        }
        let mut run = Run::default();
        for tok in toks {
            match tok {
                Tok::Text(t) => self.run_text(&mut run, &t, pos, src, out, scratch),
                Tok::Start(tag) => match tag.elem {
                    Elem::Block | Elem::Summary | Elem::Heading(_) => {
                        self.run_flush(&mut run, out, scratch);
                        run.summary = tag.elem == Elem::Summary;
                        if let Elem::Heading(level) = tag.elem {
                            run.heading = Some(level);
                        }
                    }
                    Elem::Rule => {
                        self.run_flush(&mut run, out, scratch);
                        self.rule(pos, src, out, scratch);
                    }
                    Elem::Break => {
                        if run.leaf && run.content {
                            run.breaks += 1;
                        }
                    }
                    Elem::Image => {
                        self.run_visible(&mut run, pos, src, out, scratch);
                        let dest = tag.dest.as_deref().unwrap_or("");
                        self.html_image(dest, &tag.alt, out, scratch);
                        run.content = true;
                        run.space = false;
                    }
                    Elem::Link | Elem::Look(_) => {
                        // (A same-page anchor with no text shows nothing.)
                        let has_dest = tag.elem == Elem::Link
                            && tag.dest.as_deref().is_some_and(|d| !d.starts_with('#'));
                        if run.open.len() >= MAX_OPEN {
                            continue;
                        }
                        if run.leaf {
                            self.html_apply(&tag, out, scratch);
                        }
                        run.open.push(tag);
                        if has_dest && !run.leaf {
                            // A link is content even with no text: its destination must
                            // show.
                            self.run_open_leaf(&mut run, pos, src, out, scratch);
                        }
                    }
                    Elem::Void => {}
                },
                Tok::End(name, elem) => match elem {
                    Elem::Block | Elem::Summary | Elem::Heading(_) => {
                        self.run_flush(&mut run, out, scratch);
                        if matches!(elem, Elem::Heading(_)) {
                            run.heading = None;
                        }
                        run.summary = false;
                    }
                    Elem::Link | Elem::Look(_) => {
                        if let Some(i) = run.open.iter().rposition(|t| t.name == name) {
                            run.open.truncate(i);
                            if run.leaf {
                                self.html_close_to(i, out, scratch);
                            }
                        }
                    }
                    Elem::Break | Elem::Image | Elem::Rule | Elem::Void => {}
                },
            }
        }
        self.run_flush(&mut run, out, scratch);
    }

    /// Text of a rendered block: whitespace collapsed, none at the start of a row.
    fn run_text(
        &mut self,
        run: &mut Run,
        text: &str,
        pos: usize,
        src: &str,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        let mut rest = text;
        while !rest.is_empty() {
            let word = rest.trim_start_matches(is_html_space);
            if word.len() < rest.len() && run.leaf && run.content && !run.space {
                let style = scratch.top_style();
                self.emit(" ", style, out, scratch);
                run.space = true;
            }
            if word.is_empty() {
                break;
            }
            let end = word.find(is_html_space).unwrap_or(word.len());
            self.run_visible(run, pos, src, out, scratch);
            let style = scratch.top_style();
            self.inline_text(&word[..end], style, out, scratch);
            run.content = true;
            run.space = false;
            rest = &word[end..];
        }
    }

    /// Visible content comes: the leaf is opened, or the pending line breaks written.
    fn run_visible(
        &mut self,
        run: &mut Run,
        pos: usize,
        src: &str,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        if !run.leaf {
            self.run_open_leaf(run, pos, src, out, scratch);
        }
        for _ in 0..std::mem::take(&mut run.breaks) {
            self.hard_break(out, scratch);
            run.content = false;
            run.space = false;
        }
    }

    fn run_open_leaf(
        &mut self,
        run: &mut Run,
        pos: usize,
        src: &str,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        self.begin_block(pos, src, out, scratch);
        let leaf = match run.heading {
            Some(level) => Leaf::Heading(level),
            None => Leaf::Paragraph { implicit: false },
        };
        self.begin_leaf(leaf, out, scratch);
        run.leaf = true;
        run.content = false;
        run.space = false;
        run.breaks = 0;
        if run.summary {
            let style = scratch.top_style();
            self.emit("▸ ", style, out, scratch);
        }
        for tag in &run.open {
            self.html_apply(tag, out, scratch);
        }
    }

    /// Ends the open leaf, if any (its open inline elements are closed in it; styles are
    /// opened again in the next leaf, links are not).
    fn run_flush(&mut self, run: &mut Run, out: &mut Lines, scratch: &mut Scratch) {
        if run.leaf {
            self.flush_leaf(out, scratch);
            run.leaf = false;
            // A link ends with its leaf (its destination was shown there): one `<a>` left
            // open over many paragraphs does not repeat its destination in each.
            run.open.retain(|t| t.elem != Elem::Link);
        }
        run.breaks = 0;
    }

    /// Applies an inline element in the open leaf, and records it in
    /// [`Scratch::html_open`].
    fn html_apply(&mut self, tag: &StartTag, out: &mut Lines, scratch: &mut Scratch) {
        if scratch.html_open.len() >= MAX_OPEN {
            return;
        }
        let theme = &self.cfg.theme;
        let link = match (tag.elem, tag.dest.as_deref()) {
            (Elem::Link, Some(href)) => {
                scratch.push_style(theme.link);
                self.push_link(href, LinkType::Inline, false, out, scratch);
                true
            }
            (Elem::Look(look), _) => {
                scratch.push_style(match look {
                    Look::Strong => theme.strong,
                    Look::Emphasis => theme.emphasis,
                    Look::Code => theme.inline_code,
                    Look::Strike => theme.strikethrough,
                    Look::Plain => Style::PLAIN,
                });
                false
            }
            _ => {
                scratch.push_style(Style::PLAIN);
                false
            }
        };
        scratch.html_open.push(HtmlOpen {
            name: tag.name,
            link,
        });
    }

    /// Closes the inline HTML elements of the open leaf down to `len` of them.
    pub(super) fn html_close_to(&mut self, len: usize, out: &mut Lines, scratch: &mut Scratch) {
        while scratch.html_open.len() > len {
            let Some(open) = scratch.html_open.pop() else {
                break;
            };
            if open.link {
                self.end_link(out, scratch);
            } else {
                scratch.styles.pop();
            }
        }
    }

    /// An `img`: its alt text as a Markdown image's, linked to `src`.
    fn html_image(&mut self, src: &str, alt: &str, out: &mut Lines, scratch: &mut Scratch) {
        scratch.push_style(self.cfg.theme.image);
        self.push_link(src, LinkType::Inline, true, out, scratch);
        let style = scratch.top_style();
        self.emit("[image: ", style, out, scratch);
        let mut words = alt.split(is_html_space).filter(|w| !w.is_empty());
        if let Some(first) = words.next() {
            self.inline_text(first, style, out, scratch);
            for w in words {
                self.emit(" ", style, out, scratch);
                self.inline_text(w, style, out, scratch);
            }
        }
        self.end_link(out, scratch);
    }

    /// One piece of inline raw HTML in a paragraph, heading or table cell (pulldown-cmark
    /// gives one tag or comment per event). `range` and `src` as for any event.
    pub(super) fn inline_html(
        &mut self,
        html: &str,
        range: std::ops::Range<usize>,
        src: &str,
        out: &mut Lines,
        scratch: &mut Scratch,
    ) {
        let mut toks = Vec::new();
        if !tokenize(html, &mut toks) {
            self.ensure_leaf(range, src, out, scratch);
            let style = scratch.top_style().patch(self.cfg.theme.html);
            self.inline_text(html, style, out, scratch);
            return;
        }
        for tok in toks {
            match tok {
                Tok::Text(t) => {
                    self.ensure_leaf(range.clone(), src, out, scratch);
                    let style = scratch.top_style();
                    self.inline_text(&t, style, out, scratch);
                }
                Tok::Start(tag) => match tag.elem {
                    Elem::Link | Elem::Look(_) => {
                        self.ensure_leaf(range.clone(), src, out, scratch);
                        self.html_apply(&tag, out, scratch);
                    }
                    Elem::Image => {
                        self.ensure_leaf(range.clone(), src, out, scratch);
                        let dest = tag.dest.as_deref().unwrap_or("");
                        self.html_image(dest, &tag.alt, out, scratch);
                    }
                    Elem::Break => {
                        self.ensure_leaf(range.clone(), src, out, scratch);
                        self.hard_break(out, scratch);
                    }
                    // Block elements inside a paragraph only vanish.
                    Elem::Block | Elem::Summary | Elem::Heading(_) | Elem::Rule | Elem::Void => {}
                },
                Tok::End(name, _) => {
                    if let Some(i) = scratch.html_open.iter().rposition(|o| o.name == name) {
                        self.html_close_to(i, out, scratch);
                    }
                }
            }
        }
    }

    /// Shows `text` (an HTML block) as dim source: one row per source line, indentation
    /// kept, tabs expanded, a line wider than the row continued on the next behind `↪`.
    fn html_source(&mut self, text: &str, out: &mut Lines, scratch: &mut Scratch) {
        let style = self.cfg.theme.html;
        let mark = self.cfg.theme.code_continuation;
        let (tab_width, controls) = (self.cfg.tab_width.max(1), self.cfg.control_chars);
        let text = text.strip_suffix('\n').unwrap_or(text);
        let mut clean = scratch.take_tmp();
        out.set_kind(LineKind::Html);
        for line in text.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            clean.clear();
            for (i, part) in line.split('\t').enumerate() {
                if i > 0 {
                    let col = crate::width::str_width(&clean);
                    let n = tab_width - col % tab_width;
                    clean.extend(std::iter::repeat_n(' ', n));
                }
                crate::sanitize::push_sanitized(&mut clean, part, controls);
            }
            let mut sink = self.sink(out, scratch);
            let avail = sink.avail().max(2);
            sink.begin();
            let mut used = 0;
            // The run of clusters not yet pushed: its start and width.
            let (mut start, mut run) = (0, 0);
            for (at, g) in clusters(&clean) {
                let w = grapheme_width(g);
                if used + run + w <= avail {
                    run += w;
                    continue;
                }
                if run > 0 {
                    sink.push(&clean[start..at], style, None, run);
                    used += run;
                }
                (start, run) = (at, 0);
                if used > 0 {
                    used = continue_row(&mut sink, mark);
                }
                if used + w > avail {
                    // A cluster wider than a row (a long emoji ZWJ chain): its characters.
                    for (ps, pe, pw) in cluster_parts(g) {
                        if used + pw > avail && used > 0 {
                            used = continue_row(&mut sink, mark);
                        }
                        sink.push(&g[ps..pe], style, None, pw);
                        used += pw;
                    }
                    start = at + g.len();
                } else {
                    run = w;
                }
            }
            if run > 0 {
                sink.push(&clean[start..], style, None, run);
            }
            sink.end();
        }
        scratch.tmp = clean;
    }
}

/// Ends the row and begins its continuation row with the `↪` mark; returns the columns
/// used.
fn continue_row<S: LineSink + ?Sized>(sink: &mut S, mark: Style) -> usize {
    sink.end();
    sink.begin();
    sink.continues(Join::Direct);
    sink.push(CONTINUATION, mark, None, 1);
    sink.gutter_written();
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(html: &str) -> (bool, Vec<String>) {
        let mut toks = Vec::new();
        let ok = tokenize(html, &mut toks);
        let list = toks
            .iter()
            .map(|t| match t {
                Tok::Start(s) => format!("<{} {:?} {:?}>", s.name, s.dest, s.alt),
                Tok::End(n, _) => format!("</{n}>"),
                Tok::Text(t) => format!("{t:?}"),
            })
            .collect();
        (ok, list)
    }

    #[test]
    fn elements_are_sorted_for_the_binary_search() {
        assert!(ELEMS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn known_tags_comments_and_entities() {
        let (ok, toks) = names(
            "<DIV align=center><a href=\"x?a=1&amp;b=2\">Get <b>it</b></a><br/><!-- c --><img src=a.png alt='Logo &copy;'></div>",
        );
        assert!(ok);
        assert_eq!(
            toks,
            [
                "<div None \"\">",
                "<a Some(\"x?a=1&b=2\") \"\">",
                "\"Get \"",
                "<b None \"\">",
                "\"it\"",
                "</b>",
                "</a>",
                "<br None \"\">",
                "<img Some(\"a.png\") \"Logo ©\">",
                "</div>",
            ]
        );
    }

    #[test]
    fn unknown_tags_and_bogus_comments_are_not_rendered() {
        for html in [
            "<table><tr><td>x</td></tr></table>",
            "<script>if (a<b) {}</script>",
            "<?php echo 1; ?>",
            "<![CDATA[ x ]]>",
            "<div><custom-tag>x</custom-tag></div>",
        ] {
            assert!(!names(html).0, "{html}");
        }
        assert!(names("<!DOCTYPE html><!-- a -->").0);
    }
}
