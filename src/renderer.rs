//! The shared renderer: frozen options and the buffer pool, used by every message.

use crate::ansi::AnsiWriter;
use crate::highlight::BlockRuns;
use crate::layout::{LayoutSink, ReplayBlocks, Scratch, State};
use crate::line::Lines;
use crate::options::Options;
use crate::parse::EventSink;
use crate::pool::Pool;
use crate::stream::Stream;
use crate::{Error, Message};
use std::sync::Arc;

/// Code, in bytes, below which a parallel render is not worth its threads.
const PARALLEL_MIN_CODE_BYTES: usize = 4096;

pub(crate) struct Shared {
    pub(crate) options: Options,
    pub(crate) pool: Pool,
}

/// Renders Markdown with one set of options. Build it once and share it: it is `Send +
/// Sync` and cheap to clone (an `Arc`). Syntax definitions and themes are loaded lazily the
/// first time a code block needs them, once per process.
///
/// The renderer is the one source of truth for how lines look: its streams lay lines out
/// with its options, and its [`writer`](Self::writer) writes them with the same color depth
/// and hyperlink setting.
///
/// ```
/// use termark::{Options, Renderer};
/// let r = Renderer::new(Options::new().with_width(30))?;
/// let lines = r.render("# Title\n\nHello *world*.\n");
/// let text: Vec<String> = lines.iter().map(|l| l.plain()).collect();
/// assert_eq!(text, ["# Title", "", "Hello world."]);
/// # Ok::<(), termark::Error>(())
/// ```
#[derive(Clone)]
pub struct Renderer {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("options", &self.shared.options)
            .finish_non_exhaustive()
    }
}

// A renderer is shared across threads.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Renderer>();
};

impl Renderer {
    /// Validates `options` and builds a renderer.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a width outside
    /// [`MIN_WIDTH`](crate::MIN_WIDTH)`..=`[`MAX_WIDTH`](crate::MAX_WIDTH) or a tab width
    /// outside [`TAB_WIDTHS`](crate::TAB_WIDTHS). The message names the option, the value
    /// and the valid range.
    pub fn new(options: Options) -> Result<Self, Error> {
        options.validate()?;
        Ok(Self {
            shared: Arc::new(Shared {
                options,
                pool: Pool::default(),
            }),
        })
    }

    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// A new stream for one message.
    #[must_use]
    pub fn stream(&self) -> Stream {
        Stream::new(Arc::clone(&self.shared))
    }

    /// Renders a whole document at once: exactly what a [`Stream`] fed `text` in any chunks
    /// and finalized holds.
    #[must_use]
    pub fn render(&self, text: &str) -> Lines {
        let options = &self.shared.options;
        if options.highlight && options.highlight_threads > 1 {
            if let Some(lines) = self.render_parallel(text, options.highlight_threads) {
                return lines;
            }
        }
        self.render_with(text, None).0
    }

    /// A one-shot render, with precomputed highlighting if given; also says whether a
    /// replayed code block lost its highlighting (only replays without their source can).
    fn render_with(&self, text: &str, replay: Option<Arc<ReplayBlocks>>) -> (Lines, bool) {
        let mut s = self.stream();
        if let Some(r) = replay {
            s.set_replay(r);
        }
        // The whole size is known: grow the line buffers once.
        s.reserve_output(text.len());
        s.push(text);
        s.finalize();
        let lost = s.replay_lost();
        (s.take_committed(), lost)
    }

    /// Highlights the fenced code blocks of `text` on up to `threads` threads, then lays
    /// the document out with their highlighting. `None` (nothing to gain) leaves the render
    /// to one thread. A line the replay did not record (the line cap breaks one) is
    /// highlighted on from there, so the lines are always those of one thread.
    fn render_parallel(&self, text: &str, threads: usize) -> Option<Lines> {
        let replay = self.highlight_ahead(text, threads)?;
        let (lines, lost) = self.render_with(text, Some(replay));
        (!lost).then_some(lines)
    }

    /// The highlighting of every fenced code block of `document`, computed on up to
    /// `threads` threads (scoped: they end before this returns), for a replay. `None` when
    /// there is too little code to gain from threads.
    pub(crate) fn highlight_ahead(
        &self,
        document: &str,
        threads: usize,
    ) -> Option<Arc<ReplayBlocks>> {
        let blocks = crate::highlight::fenced_blocks(&crate::eol::bare_cr_to_lf(document));
        let work: usize = blocks.iter().map(|b| b.code.len()).sum();
        if blocks.len() < 2 || work < PARALLEL_MIN_CODE_BYTES || threads < 2 {
            return None;
        }
        let theme = &self.shared.options.theme;
        // Biggest blocks first, to the next free thread.
        let mut order: Vec<usize> = (0..blocks.len()).collect();
        order.sort_unstable_by_key(|&i| std::cmp::Reverse(blocks[i].code.len()));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<std::sync::OnceLock<Option<Arc<BlockRuns>>>> = (0..blocks.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        let worker = || loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&i) = order.get(k) else { break };
            let b = &blocks[i];
            // A panicking grammar leaves the block to the render, which isolates it.
            let runs = std::panic::catch_unwind(|| {
                crate::highlight::block_runs(&b.info, &theme.syntax_theme, theme.code_text, &b.code)
            })
            .ok()
            .flatten();
            let _ = results[i].set(runs.map(Arc::new));
        };
        std::thread::scope(|scope| {
            for _ in 1..threads.min(blocks.len()) {
                scope.spawn(worker);
            }
            worker();
        });
        Some(Arc::new(
            results
                .into_iter()
                .map(|r| r.into_inner().flatten())
                .collect(),
        ))
    }

    /// A finished message from its whole text, in compact form (see [`Message`]): the text
    /// is rendered once, at this renderer's width, to record its code blocks'
    /// highlighting. For messages that did not come from a stream of this renderer (a
    /// transcript loaded from disk).
    #[must_use]
    pub fn message(&self, text: &str) -> Message {
        let mut s = self.stream();
        s.keep_message();
        s.push(text);
        s.finalize();
        let m = s.take_message();
        s.release();
        m.unwrap_or_else(|| Message::new(String::new(), Vec::new(), &self.shared.options.theme))
    }

    /// Renders a finished message at this renderer's width: exactly what
    /// [`render`](Self::render) of its text gives, without running the highlighter (the
    /// message's recorded highlighting is laid out again). A message highlighted with
    /// another syntax theme or code style is highlighted again.
    #[must_use]
    pub fn render_message(&self, message: &Message) -> Lines {
        if let Some(replay) = message.replay_for(&self.shared.options.theme) {
            let (lines, lost) = self.render_with(message.text(), Some(replay));
            if !lost {
                return lines;
            }
        }
        self.render(message.text())
    }

    /// A renderer with these options at another width (for a resize): it shares nothing
    /// mutable with this one (its own pool).
    ///
    /// # Errors
    /// [`Error::InvalidOption`] if `columns` is not in
    /// [`MIN_WIDTH`](crate::MIN_WIDTH)`..=`[`MAX_WIDTH`](crate::MAX_WIDTH).
    pub fn with_width(&self, columns: usize) -> Result<Self, Error> {
        Self::new(self.shared.options.clone().with_width(columns))
    }

    /// Renders a whole document from one full pulldown-cmark parse, without any streaming
    /// machinery: the independent oracle of the chunking tests. Bare CRs are read as LF
    /// first, as a stream reads them. It equals
    /// [`render`](Self::render) except that a link reference definition also applies to
    /// references *before* it (see the crate docs on link reference definitions).
    #[must_use]
    pub fn render_whole(&self, text: &str) -> Lines {
        let mut out = Lines::new();
        let mut scratch = Scratch::default();
        let mut state = State::default();
        let mut sink = LayoutSink::new(&self.shared.options, &mut state, &mut out, &mut scratch);
        // Bare CRs read as LF, as a stream reads them (see the `eol` module).
        let text = &*crate::eol::bare_cr_to_lf(text);
        for (event, range) in
            pulldown_cmark::Parser::new_ext(text, crate::parse::options()).into_offset_iter()
        {
            sink.event(&event, range, text);
        }
        sink.finish();
        drop(sink);
        out
    }

    /// The options in force.
    #[must_use]
    pub fn options(&self) -> &Options {
        &self.shared.options
    }

    /// Loads what highlighting needs ahead of time, once per process: the syntax
    /// definitions, the theme's syntax theme, and the first patterns of each language in
    /// `languages` (info-string tags such as `rust`, `py`, `ts`). Without it they load the
    /// first time a code block needs them, which stalls that push by about 10 ms. Call it
    /// at start-up, or on a thread of your own (it is safe from any thread, and a render
    /// that needs the syntaxes meanwhile waits for them). Does nothing with highlighting off.
    pub fn preload_highlighting(&self, languages: &[&str]) {
        let options = &self.shared.options;
        if options.highlight {
            crate::highlight::preload(&options.theme.syntax_theme, languages);
        }
    }

    /// A writer for this renderer's lines: the color depth and hyperlink setting of its
    /// options, so a line is written the way it was laid out (an OSC 8 link's destination
    /// is in the escape sequence, any other's in the text).
    #[must_use]
    pub fn writer(&self) -> AnsiWriter {
        AnsiWriter::new(&self.shared.options)
    }

    /// Line buffers held by this renderer's pool (at most
    /// [`MAX_POOLED_BUFFERS`](crate::MAX_POOLED_BUFFERS)), returned by
    /// [`Stream::release`](crate::Stream::release) for the next messages.
    #[must_use]
    pub fn pooled_buffers(&self) -> usize {
        self.shared.pool.len()
    }

    /// Heap bytes held by the pool: its line buffers (at most
    /// [`MAX_POOLED_BYTES`](crate::MAX_POOLED_BYTES)) and the working buffers of finished
    /// streams (at most [`MAX_POOLED_WORK`](crate::MAX_POOLED_WORK) sets of at most
    /// [`KEEP_BUFFER_BYTES`](crate::limits::KEEP_BUFFER_BYTES) each).
    #[must_use]
    pub fn pooled_bytes(&self) -> usize {
        self.shared.pool.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> String {
        use std::fmt::Write;
        let mut s = String::from("# Code\n\n");
        for i in 0..200 {
            let _ = write!(
                s,
                "Text {i}.\n\n```rust\nfn f{i}() -> u32 {{ {i} }}\n```\n\n- item\n  ```python\n  print({i})\n  ```\n\n"
            );
        }
        s
    }

    #[test]
    fn a_parallel_render_replays_every_block() {
        let text = doc();
        let r = Renderer::new(Options::new().with_highlight_threads(3)).unwrap();
        let parallel = r
            .render_parallel(&text, 3)
            .expect("taken, and no replay missed");
        let sequential = r.render_with(&text, None).0;
        let mut w = r.writer();
        let a: Vec<String> = parallel.iter().map(|l| w.line_to_string(&l)).collect();
        let b: Vec<String> = sequential.iter().map(|l| w.line_to_string(&l)).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn a_replay_that_misses_highlights_on_exactly() {
        let mut text = doc();
        text.push_str("```rust\nlet before = 1;\n");
        text.push_str(&"x".repeat(crate::stream::MAX_LINE_BYTES + 10));
        text.push_str("\nlet after = \"s\"; // after the broken line\n```\n");
        let renderer = Renderer::new(Options::new()).unwrap();
        let theme = &renderer.options().theme;
        let mut stream = renderer.stream();
        let runs: ReplayBlocks = crate::highlight::fenced_blocks(&text)
            .iter()
            .map(|block| {
                crate::highlight::block_runs(
                    &block.info,
                    &theme.syntax_theme,
                    theme.code_text,
                    &block.code,
                )
                .map(Arc::new)
            })
            .collect();
        stream.set_replay(Arc::new(runs));
        stream.push(&text);
        stream.finalize();
        assert_eq!(stream.stats().replay_misses, 1, "the broken line must miss");
        assert!(!stream.replay_lost());
        let mut writer = renderer.writer();
        let replayed: Vec<String> = stream
            .committed()
            .iter()
            .map(|l| writer.line_to_string(&l))
            .collect();
        let sequential: Vec<String> = renderer
            .render_with(&text, None)
            .0
            .iter()
            .map(|l| writer.line_to_string(&l))
            .collect();
        assert_eq!(replayed, sequential);
    }
}
