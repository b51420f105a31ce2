//! The shared renderer: frozen options and the buffer pool, used by every message.

use crate::config::Options;
use crate::layout::{Layout, Scratch};
use crate::line::Lines;
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
/// ```
/// use termark::{Options, Renderer};
/// let r = Renderer::new(Options::new().width(30))?;
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
    /// [`MIN_WIDTH`](crate::config::MIN_WIDTH)`..=`[`MAX_WIDTH`](crate::config::MAX_WIDTH)
    /// or a tab width outside `1..=16`.
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
        s.push(text);
        s.finalize();
        std::mem::take(s.committed_lines_mut())
    }

    /// Renders a whole document from one full pulldown-cmark parse, without any streaming
    /// machinery: the independent oracle of the chunking tests (STREAMING §6). It equals
    /// [`render`](Self::render) except that a link reference definition also applies to
    /// references *before* it (see the crate docs on link reference definitions).
    #[must_use]
    pub fn render_whole(&self, text: &str) -> Lines {
        let mut out = Lines::new();
        let mut sc = Scratch::default();
        let mut layout = Layout::new(&self.shared.options);
        for (ev, range) in
            pulldown_cmark::Parser::new_ext(text, crate::parse::options()).into_offset_iter()
        {
            layout.event(ev, range, text, &mut out, &mut sc);
        }
        layout.finish(&mut out, &mut sc);
        out
    }

    /// The options in force.
    #[must_use]
    pub fn options(&self) -> &Options {
        &self.shared.options
    }

    /// The buffer pool shared by this renderer's streams.
    #[must_use]
    pub fn pool(&self) -> &Pool {
        &self.shared.pool
    }
}
