//! The shared renderer: frozen options and the buffer pool, used by every message.

use crate::ansi::AnsiWriter;
use crate::layout::{LayoutSink, Scratch, State};
use crate::line::Lines;
use crate::options::Options;
use crate::parse::EventSink;
use crate::pool::Pool;
use crate::stream::Stream;
use crate::Error;
use std::sync::Arc;

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

    /// A new stream for one message.
    #[must_use]
    pub fn stream(&self) -> Stream {
        Stream::new(Arc::clone(&self.shared))
    }

    /// Renders a whole document at once: exactly what a [`Stream`] fed `text` in any chunks
    /// and finalized holds.
    #[must_use]
    pub fn render(&self, text: &str) -> Lines {
        let mut s = self.stream();
        // The whole size is known: grow the line buffers once.
        s.reserve_output(text.len());
        s.push(text);
        s.finalize();
        s.take_committed()
    }

    /// Renders a whole document from one full pulldown-cmark parse, without any streaming
    /// machinery: the independent oracle of the chunking tests. It equals
    /// [`render`](Self::render) except that a link reference definition also applies to
    /// references *before* it (see the crate docs on link reference definitions).
    #[must_use]
    pub fn render_whole(&self, text: &str) -> Lines {
        let mut out = Lines::new();
        let mut scratch = Scratch::default();
        let mut state = State::default();
        let mut sink = LayoutSink::new(&self.shared.options, &mut state, &mut out, &mut scratch);
        for (event, range) in
            pulldown_cmark::Parser::new_ext(text, crate::parse::options()).into_offset_iter()
        {
            sink.event(&event, range, text);
        }
        sink.finish();
        out
    }

    /// The options in force.
    #[must_use]
    pub fn options(&self) -> &Options {
        &self.shared.options
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

    /// Heap bytes held by the pool's buffers (at most
    /// [`MAX_POOLED_BUFFERS`](crate::MAX_POOLED_BUFFERS) ×
    /// [`MAX_POOLED_BUFFER_BYTES`](crate::MAX_POOLED_BUFFER_BYTES)).
    #[must_use]
    pub fn pooled_bytes(&self) -> usize {
        self.shared.pool.heap_bytes()
    }
}
