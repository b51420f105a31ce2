//! A finished message in compact form: its text and the highlighting of its fenced code
//! blocks, so it renders again at any width at layout speed.
//!
//! Highlighting does not depend on the width, and it is most of the cost of rendering code
//! (syntect and Oniguruma); wrapping is cheap. A chat transcript therefore keeps each
//! finished message as a [`Message`], renders only the messages in view, and on a resize
//! renders them again at the new width without running the highlighter. The kept form is
//! smaller than the rendered lines (BENCHMARKS.md).

use crate::highlight::BlockRuns;
use crate::style::Style;
use crate::theme::Theme;
use std::sync::Arc;

/// A finished message: its Markdown text and the highlighting of its fenced code blocks.
///
/// Get one from a stream ([`Stream::take_message`](crate::Stream::take_message), with
/// [`Options::with_keep_message`](crate::Options::with_keep_message)) or from text
/// ([`Renderer::message`](crate::Renderer::message), which highlights once), and render it
/// with [`Renderer::render_message`](crate::Renderer::render_message) at any width. The
/// highlighting was made with the renderer's syntax theme: render it with a renderer of the
/// same theme (another theme re-highlights). Cheap to clone (shared).
#[derive(Clone, Debug)]
pub struct Message {
    text: Arc<str>,
    blocks: Arc<Vec<Option<Arc<BlockRuns>>>>,
    /// The syntax theme and the style of unhighlighted code the highlighting was made with.
    theme: Arc<str>,
    code_text: Style,
}

impl Message {
    pub(crate) fn new(text: String, blocks: Vec<Option<BlockRuns>>, theme: &Theme) -> Self {
        let blocks = blocks
            .into_iter()
            .map(|b| {
                b.map(|mut b| {
                    b.shrink_to_fit();
                    Arc::new(b)
                })
            })
            .collect();
        Self {
            text: Arc::from(text),
            blocks: Arc::new(blocks),
            theme: Arc::from(theme.syntax_theme.as_str()),
            code_text: theme.code_text,
        }
    }

    /// The message's Markdown text, as it was laid out (invalid UTF-8 replaced, each bare
    /// CR, a CR not followed by LF, read as LF, and a line break inserted after
    /// [`MAX_LINE_BYTES`](crate::limits::MAX_LINE_BYTES) of a line that never ended).
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Heap bytes this message holds: its text and its code blocks' highlighting (shared
    /// with its clones).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.text.len()
            + self.theme.len()
            + self.blocks.capacity() * std::mem::size_of::<Option<Arc<BlockRuns>>>()
            + self
                .blocks
                .iter()
                .flatten()
                .map(|b| b.heap_bytes())
                .sum::<usize>()
    }

    /// The highlighting to replay, if it was made for `theme`'s code.
    pub(crate) fn replay_for(&self, theme: &Theme) -> Option<Arc<Vec<Option<Arc<BlockRuns>>>>> {
        (*self.theme == *theme.syntax_theme && self.code_text == theme.code_text)
            .then(|| Arc::clone(&self.blocks))
    }
}
