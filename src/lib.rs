//! # termark: Markdown to styled terminal lines, incrementally
//!
//! termark renders Markdown (CommonMark plus the GFM tables, strikethrough, task lists and
//! footnotes) into styled terminal lines **while the text streams in**. Each
//! [`Stream::push`] costs work in proportion to the new bytes and the still-open block, never
//! to the whole message, and every line it reports as *committed* is final.
//!
//! ```
//! use termark::{Options, Renderer};
//!
//! let renderer = Renderer::new(Options::new().width(40))?;
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
//! # The streaming state machine
//!
//! A [`Stream`] holds the *open region*: the source of the last top-level block that may still
//! change, plus the partial last line. Everything before it has been parsed, laid out and
//! appended to the committed lines, and its source dropped.
//!
//! ```text
//!  bytes ──utf8──▶ open region ─┬─ complete lines ──▶ trigger? ──▶ parse open region ──▶ commit all
//!  (push_bytes)    (String)     │  (up to last \n)    (scan.rs)    (pulldown-cmark)      blocks but
//!                               │                                                       the last
//!                               └─ partial line ──▶ only shapes the tentative tail (never a commit)
//! ```
//!
//! 1. **Decode** ([`utf8`]): bytes become text exactly as
//!    `String::from_utf8_lossy` on the whole input would make them; up to 3 bytes of an
//!    unfinished sequence wait for the next chunk.
//! 2. **Complete lines decide, the partial line never does** (STREAMING §1). A commit is only
//!    taken on text that ends in `\n`; a `\r` at the end of the buffer waits for its `\n`.
//! 3. **Trigger** ([`scan`]): a cheap look at each new complete line says whether
//!    a new top-level block (or top-level list item) *may* have started: a non-blank line after
//!    a blank one that is not indented into the open list item, a line that can interrupt a
//!    paragraph (ATX heading, fence, thematic break, block quote, list item, HTML), or any
//!    line after a one-line block (ATX heading, setext underline, thematic break). The trigger
//!    only decides *when* to look; pulldown-cmark decides *what* is final.
//! 4. **Verify** ([`parse`]): the open region's complete lines are parsed with
//!    pulldown-cmark. Every top-level block except the last is final (STREAMING §2): it is
//!    laid out and committed, and its source is dropped. A top-level list counts item by item,
//!    so long lists commit as they grow. When the region ends in a blank line, a last block
//!    that a blank line always closes (paragraph, heading, table, block quote) is final too,
//!    so a finished paragraph shows before the next one starts. A cut falls only at the
//!    start of a `\n`-terminated line and never inside a block or a link reference
//!    definition; blocks that share such a line are committed together. Parses are paid from a byte
//!    budget ([`PARSE_CREDIT_PER_BYTE`](crate::stream::PARSE_CREDIT_PER_BYTE)), so false
//!    triggers cost amortised linear time at worst. A parse that panics (a parser bug on
//!    hostile input) is rolled back and its region shown as plain source text.
//! 5. **Fence mode** (STREAMING §3): when the open block is a top-level fenced code block,
//!    each complete line is checked against the closing fence rule and otherwise committed at
//!    once, highlighted with the syntect state carried from the line before. A 5,000-line
//!    code block is never re-parsed.
//! 6. **Tentative tail**: on request ([`Stream::tentative`]), the open region (complete lines
//!    plus the partial line) is parsed and laid out into a reused line buffer. It is never
//!    used for a commit. Its work is paid from a second budget
//!    ([`Options::tentative_budget`]): a call the budget cannot pay for returns the tail of an
//!    earlier push of the same open block ([`Stream::tentative_is_stale`]), so asking for the
//!    tail after every push stays linear even when one block stays open for 50 KB.
//! 7. **Caps**: a line longer than [`MAX_LINE_BYTES`](crate::stream::MAX_LINE_BYTES) gets a
//!    line break, and an open block larger than
//!    [`MAX_OPEN_BYTES`](crate::stream::MAX_OPEN_BYTES) is committed where it reached the cap,
//!    so a message that never ends holds bounded memory. Both places depend on the text only.
//! 8. **Finalize**: the partial line is completed, the open block is committed, and every
//!    prefix cache (open source, parser budget, highlighter state, link definitions, scratch
//!    arena, tail buffer) is dropped. [`Stream::release`] then hands the line buffers back to
//!    the renderer's bounded pool.
//!
//! ## What makes a commit safe, and the rules chosen where CommonMark leaves it open
//! - **Lists** are one block in CommonMark, and their looseness depends on every item. termark
//!   renders each item independently of later items: a blank line goes before an item (or a
//!   later block inside an item) exactly where the source has a blank line, and an ordered
//!   item's number is the list's start plus its index. So an item is final once the next
//!   sibling item has started.
//! - **Link reference definitions** apply to references in the same top-level block (or
//!   list item) and in every later one. A reference that comes *before* its definition, in an
//!   earlier block, stays literal text, because that block was already final when the
//!   definition arrived. This rule does not depend on chunking: [`Renderer::render`] follows
//!   it too. [`Renderer::render_whole`], one full pulldown-cmark parse (the test oracle),
//!   resolves such forward references, and that is the only way the two may differ.
//! - **Footnotes** use pulldown-cmark's older footnote syntax, in which every `[^label]` is a
//!   reference whether or not its definition has arrived yet.
//! - **Tables** stay tentative until they end (their column widths depend on every row).
//!
//! # Module map (the pipeline, in data-flow order)
//! | stage | module |
//! |---|---|
//! | options, frozen configuration | [`config`] |
//! | shared renderer: config, lazy syntaxes, buffer pool | [`renderer`], [`pool`] |
//! | bytes → text | [`utf8`] |
//! | per-message streaming state, commit decisions | [`stream`], [`scan`] |
//! | parse adapter over pulldown-cmark (options, link definitions, panic isolation) | [`parse`] |
//! | layout: blocks, containers, lists, tables, code | [`layout`], [`table`], [`code`] |
//! | wrapping by display width, grapheme clusters | [`wrap`], [`width`] |
//! | untrusted text made safe | [`sanitize`] |
//! | styles, themes, syntax highlighting | [`style`], [`theme`], [`highlight`] |
//! | styled lines (the output model) | [`line`](mod@crate::line) |
//! | ANSI writer (SGR, OSC 8) | [`ansi`] |

pub mod ansi;
pub mod code;
pub mod config;
mod error;
pub mod highlight;
pub mod layout;
pub mod line;
pub mod parse;
pub mod pool;
pub mod renderer;
pub mod sanitize;
pub mod scan;
pub mod stream;
pub mod style;
pub mod table;
pub mod theme;
pub mod utf8;
pub mod width;
pub mod wrap;

pub use ansi::AnsiWriter;
pub use config::{ColorDepth, ControlChars, Options};
pub use error::Error;
pub use line::{Line, Lines, Span};
pub use renderer::Renderer;
pub use stream::Stream;
pub use style::{Color, Modifiers, Style};

/// The README's examples, compiled and run as doc-tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme_doctest {}
