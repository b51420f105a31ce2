//! # termark: Markdown to styled terminal lines, incrementally
//!
//! termark renders Markdown (CommonMark plus the GFM tables, strikethrough, task lists,
//! alerts and footnotes) into styled terminal lines **while the text streams in**. Each
//! [`Stream::push`] costs work in proportion to the new bytes and the still-open block, never
//! to the whole message, and every line it reports as *committed* is final.
//!
//! ```
//! use termark::{Options, Renderer};
//!
//! let renderer = Renderer::new(Options::new().with_width(40))?;
//! let mut stream = renderer.stream();
//! for chunk in ["# Hel", "lo\n\nSome *str", "eamed* text.\n"] {
//!     stream.push(chunk);
//!     for line in stream.new_committed() {
//!         println!("{}", line.plain()); // final lines, safe to print or cache
//!     }
//! }
//! stream.finalize(); // commits the open block, drops every prefix cache
//! let rest: Vec<String> = stream.new_committed().map(|l| l.plain()).collect();
//! assert_eq!(rest, ["", "Some streamed text."]);
//! assert!(!stream.has_live_state());
//! # Ok::<(), termark::Error>(())
//! ```
//!
//! # The public API
//! | type | what it is |
//! |---|---|
//! | [`Options`] | the builder: width, theme, color depth, hyperlinks, highlighting, … |
//! | [`Renderer`] | frozen options, shared by every message; one-shot [`Renderer::render`] |
//! | [`Stream`] | one message as it streams in: push, committed lines, tentative tail, finalize |
//! | [`Tail`], [`NewCommitted`] | a frame's tail and whether it is exact; the committed lines not read yet |
//! | [`Lines`], [`Line`], [`Span`] | the output: styled spans with display widths; kinds, prefixes, plain-text and code copies |
//! | [`Message`] | a finished message in compact form, rendered again at any width without highlighting |
//! | [`Style`], [`Color`], [`Modifiers`] | how a span looks |
//! | [`AnsiWriter`] | lines to terminal bytes (SGR, OSC 8), from [`Renderer::writer`] |
//! | [`Theme`] | element styles and the syntax theme; built-in or from a file |
//! | [`Error`] | bad options, theme files; rendering itself never fails |
//! | [`HYPERLINK_SCHEMES`] | the schemes written as OSC 8 links (`http`, `https`, `mailto`); every other destination is shown as text |
//!
//! # The streaming state machine
//!
//! A [`Stream`] holds the *open region*: the source of the last top-level block that may still
//! change, plus the partial last line. Everything before it has been parsed, laid out and
//! appended to the committed lines, and its source dropped.
//!
//! ```text
//!  bytes ──utf8──▶ open region ─┬─ complete lines ──▶ trigger? ───▶ parse open region ──▶ commit all
//!  (push_bytes)    (source)     │  (up to last \n)    (boundary)    (pulldown-cmark)      units but
//!                               │                                                        the last
//!                               └─ partial line ──▶ only shapes the tentative tail (never a commit)
//! ```
//!
//! 1. **Decode**: bytes become text exactly as `String::from_utf8_lossy` on the whole
//!    input would make them; up to 3 bytes of an unfinished sequence wait for the next
//!    chunk. Bytes that end no line (no LF, no CR) may wait undecoded, up to 4 KiB,
//!    until a line ending comes or the tail is read: a partial line decides nothing that
//!    commits, and one validation per line is cheaper than one per small chunk (the
//!    stream's source module). Each bare CR (a CR not followed by LF) is read as LF, one byte for one byte:
//!    CommonMark counts LF, CR and CRLF as line endings alike, and pulldown-cmark
//!    misreads some bare CRs (the `eol` module). A CR that is the last byte so far waits
//!    for the next byte (or [`Stream::finalize`]) to say whether it is half of a CRLF.
//!    [`Renderer::render_whole`] and the other whole-document parses read bare CRs the
//!    same way.
//! 2. **Complete lines decide, the partial line never does.** A partial last line can
//!    change the meaning of the lines before it (`para\n-` is a setext heading, `para\n- x`
//!    a paragraph and a list; `| a | b |\n|--` is still a paragraph until the delimiter row
//!    is complete). A commit is only taken on text that ends in `\n`.
//! 3. **Trigger** (the `boundary` module): a cheap look at each new complete line says
//!    whether a new top-level block (or top-level list item) *may* have started: a non-blank
//!    line after a blank one that is not indented into the open list item, a line that can
//!    interrupt a paragraph (ATX heading, fence, thematic break, block quote, list item,
//!    HTML), or any line after a one-line block (ATX heading, setext underline, thematic
//!    break). The trigger only decides *when* to look; pulldown-cmark decides *what* is
//!    final.
//! 4. **Verify** (the `boundary` module): the open region's complete lines are parsed with
//!    pulldown-cmark. Once a later top-level block has started, CommonMark's line-by-line
//!    block structure can no longer change an earlier one, so every *unit* (a top-level
//!    block, or an item of a top-level list) but the last is final: it is laid out and
//!    committed, and its source is dropped. When the region ends in a blank line, a last
//!    block that a blank line always closes (paragraph, heading, table, block quote) is
//!    final too, so a finished paragraph shows before the next one starts. A cut falls only
//!    at the start of a `\n`-terminated line and never inside a block or a link reference
//!    definition; blocks that share such a line are committed together. Parses are paid
//!    from a byte budget ([`PARSE_CREDIT_PER_BYTE`](crate::limits::PARSE_CREDIT_PER_BYTE)),
//!    so false triggers cost amortised linear time at worst. A parse that panics (a parser
//!    bug on hostile input) is rolled back and its region shown as plain source text.
//! 5. **Fence mode**: when the open block is a top-level fenced code block, each complete
//!    line is checked against the closing fence rule (CommonMark §4.5: same character, at
//!    least as long) and otherwise committed at once, highlighted with the syntect state
//!    carried from the line before. A 5,000-line code block is never re-parsed.
//! 6. **Tentative tail**: on request, the open region (complete lines plus the partial
//!    line) is parsed and laid out into a reused line buffer. It is never used for a
//!    commit. It is *healed* ([`Options::with_heal`]): open emphasis, code spans and links
//!    are shown closed, so `**bold` streams in bold. A table in it keeps its column widths
//!    from render to render, and [`Options::with_tail_rows`] caps it. Its work is bounded
//!    two ways. [`Stream::tail`], for apps that draw frames on a timer, renders an open block
//!    of up to [`FRAME_TAIL_BYTES`](crate::limits::FRAME_TAIL_BYTES) on every frame after a
//!    push, and a larger one at least every other frame. [`Stream::tentative`], for apps
//!    that ask after every push, pays from a byte budget
//!    ([`Options::with_tentative_budget`]): a call the budget cannot pay for returns the
//!    tail of an earlier push of the same open block ([`Stream::tentative_is_stale`]), so
//!    asking after every push stays linear even when one block stays open for 50 KB.
//! 7. **Caps**: a line longer than [`MAX_LINE_BYTES`](crate::limits::MAX_LINE_BYTES) gets a
//!    line break, and an open block larger than
//!    [`MAX_OPEN_BYTES`](crate::limits::MAX_OPEN_BYTES) is committed where it reached the
//!    cap, so a message that never ends holds bounded memory. Both places depend on the text
//!    only.
//! 8. **Finalize**: the partial line is completed, the open block is committed, and every
//!    prefix cache (open source, parser budget, highlighter state, link definitions, scratch
//!    arena, tail buffer) is dropped. [`Stream::release`] then hands the line buffers back
//!    to the renderer's bounded pool. Outside streams and renderers termark keeps one
//!    cache, of fixed size: each thread that wraps non-ASCII text holds 8 KiB of UAX #14
//!    answers for character pairs.
//!
//! ## What makes a commit safe, and the rules chosen where CommonMark leaves it open
//! - **Lists** are one block in CommonMark, and their looseness depends on every item. termark
//!   renders each item independently of later items: a blank line goes before an item (or a
//!   later block inside an item) exactly where the source has a blank line, and an ordered
//!   item's number is the list's start plus its index. So an item is final once the next
//!   sibling item has started. For the same reason an ordered item's number is
//!   right-aligned in a column of at least two digits (` 9.` above `10.`), not in one as
//!   wide as the list's last number, which is not known yet: items 1 to 99 start their text
//!   in one column, and a number of three digits or more takes the columns it needs. A
//!   fenced code block inside an item with a blank line before it gets one after it too,
//!   before the next block or item.
//! - **Link reference definitions** apply to references in the same top-level block (or
//!   list item) and in every later one. A reference that comes *before* its definition, in an
//!   earlier block, stays literal text, because that block was already final when the
//!   definition arrived. This rule does not depend on chunking: [`Renderer::render`] follows
//!   it too. [`Renderer::render_whole`], one full pulldown-cmark parse (the test oracle),
//!   resolves such forward references, and that is the only way the two may differ.
//!   Labels match as in pulldown-cmark (whitespace collapsed, Unicode case folding).
//!   So that the destination is not lost, a definition whose label an earlier committed
//!   block used, unresolved, is *shown* where it stands: a line `[label]: destination`
//!   ([`LineKind::LinkReference`], an OSC 8 link when hyperlinks are on), with consecutive
//!   such definitions in one block. Which labels were used is decided per committed unit
//!   (the broken-link callback of the unit's own parse), so this too is independent of
//!   chunking. Definitions nothing used before stay invisible. At most 4,096 labels are
//!   remembered per message.
//! - **Link destinations** that are not OSC 8 hyperlinks are shown by [`LinkStyle`]: a mark
//!   `[n]` after the link text, numbered through the message, and the marked destinations
//!   listed as lines `[n]: destination` right after the paragraph, heading or table that
//!   holds them (inside the same unit, so committed lines stay final); or inline in
//!   parentheses.
//! - **Footnotes** use pulldown-cmark's older footnote syntax, in which every `[^label]` is a
//!   reference whether or not its definition has arrived yet.
//! - **Tables** stay tentative until they end (their column widths depend on every row).
//!   Columns are sized for the fewest lines; a table's output is bounded by
//!   [`TABLE_OUTPUT_PER_BYTE`](crate::limits::TABLE_OUTPUT_PER_BYTE) bytes per byte of its
//!   source, and what a cap leaves out is counted on a marker line (see the README's
//!   limits).
//! - **Raw HTML** (CommonMark §4.6 and §6.6) is tokenized with html5gum. Comments are
//!   hidden; the tags READMEs use for layout are rendered as what they mean (`div`, `p`,
//!   `center`, `details`, `summary`, `h1`–`h6` as their text, `img` as its alt text, `a
//!   href` as a link on the Markdown link path, `br` as a line break, `b`, `strong`, `i`,
//!   `em`, `code`, `kbd` as styles, `sup`, `sub`, `span` as what they hold). An HTML
//!   block with any other tag, a processing instruction or CDATA is shown as dim source:
//!   one row per source line, indentation kept, a long line cut at a cluster and
//!   continued behind `↪` (never re-wrapped). An HTML block is laid out from its whole
//!   text when it ends, so like any block it is tentative until then; one that shows
//!   nothing takes no lines. The full table is in the `layout::html` module docs.
//!
//! # Display width
//! Widths are display columns as [`unicode-width`](https://docs.rs/unicode-width) 0.2
//! counts them (`UnicodeWidthStr::width`, the non-CJK variant: East Asian *ambiguous*
//! characters count 1 column), and text is only ever broken at grapheme-cluster boundaries
//! (UAX #29). Terminals do not agree on every width: unicode-width counts an emoji
//! presentation sequence such as `⚠️` (U+26A0 U+FE0F) and a recognised emoji ZWJ sequence
//! such as `👨‍👩‍👧` as 2 columns, while some terminals (and `wcwidth`) draw `⚠️` in 1 column
//! or a ZWJ sequence as its parts. termark follows unicode-width everywhere, so its own
//! arithmetic is consistent; on such a terminal a line with these clusters may look one
//! column shorter or longer. Box-drawing characters (ambiguous width) count 1 column, as in
//! every non-CJK locale.
//!
//! # Line breaking
//! Lines break at spaces and tabs (dropped at the break), and on either side of a wide
//! cluster (CJK, emoji) where UAX #14 allows a break between the two clusters (the
//! [`unicode-linebreak`](https://docs.rs/unicode-linebreak) pair table, Unicode 15.0): so
//! `「` and `（` stay with what follows them, `」`, `。`, `、` and ASCII punctuation with what
//! precedes them. Narrow text has no other break opportunity, so Latin words stay whole. A
//! word longer than the line is broken after a separator (`/ ? & = -`, also `\ _ , ;` and
//! dashes) when the row is then at least two thirds full, else at the last cluster that
//! fits. An image's `[image: alt text]` label is one unbreakable unit while it fits on a
//! line (in table cells it wraps like other text).
//!
//! # Module map (the pipeline, in data-flow order)
//! | stage | module |
//! |---|---|
//! | options, frozen configuration | `options` |
//! | shared renderer: options, buffer pool | `renderer`, `pool` |
//! | bytes → text: UTF-8, bare CRs read as LF | `utf8`, `eol` |
//! | per-message state: the open region, fence mode, the tentative tail | `stream` (`source`, `fence`, `tail`) |
//! | healing the tail: closing open inline constructs | `heal` |
//! | finished messages in compact form | `message` |
//! | line lexer: line classes, fences, indentation | `scan` |
//! | block boundaries: when to look, what is final (units, cuts, definition groups) | `boundary` |
//! | link reference definitions and label matching | `linkdefs` |
//! | parse adapter over pulldown-cmark (options, references, feeding events) | `parse` |
//! | layout: blocks, containers, inline text (a leaf's ASCII text recorded and laid out in one pass at its end), tables, code, raw HTML | `layout` (`container`, `inline`, `flow`, `table`, `code`, `html`) |
//! | wrapping by display width, grapheme clusters | `wrap`, `width` |
//! | untrusted text made safe | `sanitize` |
//! | styles, themes, syntax highlighting | `style`, `theme`, `highlight` |
//! | styled lines (the output model) | `line` |
//! | ANSI writer (SGR, OSC 8) | `ansi` |
//! | ratatui adapter (feature `ratatui`) | `ratatui` |
//!
//! The `termark` binary (`src/bin/termark`, feature `cli`) is a thin shell over this API.
//! On a terminal its live view (`src/bin/termark/live.rs`) is the plain-terminal form of
//! the pattern below: committed lines are printed once, and the tail ([`Stream::tail`]) is
//! drawn under them and redrawn in place at most 30 times a second, each frame moving the
//! cursor up over the previous tail only (its rows counted from [`Line::width`]) and
//! capped to the screen with [`Options::with_tail_rows`].
//!
//! # Embedding in a TUI
//! A chat app shows a transcript of messages, one of them streaming. The pattern
//! (`examples/chat`, a ratatui app, is the whole of it):
//!
//! - **One [`Stream`] per message**, from one shared [`Renderer`]. Push text as it arrives,
//!   on its own clock; draw frames on a timer (30 to 60 a second), not per chunk.
//! - **A frame draws the committed lines as they are** (they are final: keep them, do not
//!   lay them out again) **and the tail**, the only part laid out per frame.
//!   [`Stream::tail`] lends both in one borrow ([`Tail::committed`]), says whether the
//!   tail is exact, and keeps the cost of a frame to one render of the open block.
//! - **When the message ends, [`Stream::finalize`]**: it holds no prefix cache from then on
//!   ([`Stream::has_live_state`] is false), only its lines. With
//!   [`Options::with_keep_message`] take its compact form ([`Stream::take_message`]); take
//!   its lines without a copy with [`Stream::take_committed`], or leave them in the stream.
//! - **When the message leaves the transcript, [`Stream::release`]**: its buffers go back
//!   to the renderer's bounded pool for the next message.
//! - **On a resize**, the streaming message goes on at the new width
//!   ([`Stream::set_width`]); finished messages are laid out again from their [`Message`]
//!   with [`Renderer::with_width`] and [`Renderer::render_message`], which runs no
//!   highlighter, so only the messages in view need it.
//! - **Load syntaxes ahead**: the first code block in a language loads its grammar (10 to
//!   16 ms, one dropped frame); [`Renderer::preload_highlighting`] does it at start-up or
//!   on a thread of the app's.
//! - **Copy**: [`Lines::plain_text`] for a message, [`Lines::code_blocks`] and
//!   [`Lines::code_text`] for a code block.
//!
//! [`Stream`] is `Send`: it may move to the thread that receives the text, or live across
//! an `.await`. [`Renderer`] and [`Lines`] are `Send + Sync`.
//!
//! # Cargo features
//! - `cli` (default): the `termark` binary and the crates only it uses (clap, anyhow,
//!   `terminal_size`, `anstyle-query`, `signal-hook`). Libraries and apps that embed termark turn it off with
//!   `default-features = false`.
//! - `ratatui`: the `termark::ratatui` adapter (`ratatui-core` 0.1, the crate
//!   ratatui asks widget libraries to use): lines as ratatui text, and a message widget.

mod ansi;
mod boundary;
mod eol;
mod error;
mod heal;
mod highlight;
mod layout;
mod line;
mod linkdefs;
mod message;
mod options;
mod parse;
mod pool;
#[cfg(feature = "ratatui")]
pub mod ratatui;
mod renderer;
mod sanitize;
mod scan;
mod stream;
mod style;
mod theme;
mod utf8;
mod width;
mod wrap;

pub use ansi::AnsiWriter;
pub use error::Error;
pub use line::{CodeBlock, CodeBlocks, Join, Line, LineIter, LineKind, Lines, Span};
pub use message::Message;
pub use options::{
    ColorDepth, ControlChars, LinkStyle, Options, TableRules, DEFAULT_TENTATIVE_BUDGET,
    MAX_HIGHLIGHT_THREADS, MAX_WIDTH, MIN_WIDTH, TAB_WIDTHS,
};
pub use pool::{MAX_POOLED_BUFFERS, MAX_POOLED_BUFFER_BYTES, MAX_POOLED_BYTES, MAX_POOLED_WORK};
pub use renderer::Renderer;
pub use sanitize::HYPERLINK_SCHEMES;
pub use stream::{NewCommitted, Stats, Stream, Tail};
pub use style::{Color, Modifiers, Style};
pub use theme::Theme;

/// The limits that keep every stream bounded, with what a user sees when one is hit (the
/// README's "Limits" table lists them all).
pub mod limits {
    pub use crate::highlight::{MAX_HIGHLIGHT_BLOCK_BYTES, MAX_HIGHLIGHT_LINE_BYTES};
    pub use crate::layout::table::{MAX_RECORD_COLUMNS, TABLE_OUTPUT_PER_BYTE};
    pub use crate::layout::{OUTPUT_BYTES_PER_INPUT_BYTE, OUTPUT_SLACK_BYTES};
    pub use crate::sanitize::MAX_URL_BYTES;
    pub use crate::stream::{
        FRAME_TAIL_BYTES, INITIAL_PARSE_CREDIT, KEEP_BUFFER_BYTES, MAX_LINE_BYTES, MAX_OPEN_BYTES,
        PARSE_CREDIT_PER_BYTE,
    };
}

/// Internals for termark's own tests, benchmarks and fuzz targets. Not API: anything here
/// may change in any release.
#[doc(hidden)]
pub mod internals {
    pub use crate::sanitize::is_unsafe;
    pub use crate::wrap::{wrap, LineSink, Piece};

    /// A writer for `depth` and `hyperlinks` (fuzz targets check lines at every setting).
    #[must_use]
    pub fn writer_for(depth: crate::ColorDepth, hyperlinks: bool) -> crate::AnsiWriter {
        crate::AnsiWriter::new(
            &crate::Options::new()
                .with_color(depth)
                .with_hyperlinks(hyperlinks),
        )
    }

    /// A lossless writer for comparing outputs: 24-bit color and OSC 8, so every style and
    /// link of a span shows in its bytes.
    #[must_use]
    pub fn fingerprint_writer() -> crate::AnsiWriter {
        writer_for(crate::ColorDepth::TrueColor, true)
    }

    /// Lines run through syntect so far in this process, on every thread.
    #[must_use]
    pub fn syntax_lines() -> u64 {
        crate::highlight::SYNTAX_LINES.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The pulldown-cmark extensions termark parses with (for a bare-parse yardstick).
    #[must_use]
    pub fn parse_options() -> pulldown_cmark::Options {
        crate::parse::options()
    }
}

/// The README's examples, compiled and run as doc-tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme_doctest {}
