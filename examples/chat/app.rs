//! The chat transcript, apart from the terminal: what `main.rs` draws, and what
//! `tests/chat.rs` drives on ratatui's `TestBackend` with a clock of its own.
//!
//! The pattern (the crate docs, "Embedding in a TUI"):
//! - one [`Stream`] per answer while it streams; every frame draws its committed lines and
//!   its tail ([`Stream::tail`]), and only the tail is laid out again;
//! - tokens arrive on their own clock; frames come from a timer and take whatever arrived;
//! - an answer that ends is finalized (it holds no prefix cache from then on) and its
//!   compact form ([`Message`]) is kept; its stream is released when the message leaves
//!   the transcript, which gives its buffers back to the renderer's pool;
//! - on a resize the streaming answer goes on at the new width ([`Stream::set_width`]) and
//!   finished answers are rendered again from their compact form, without highlighting,
//!   lazily: only the ones drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use ratatui::Frame;
use termark::ratatui::{Adapter, MessageView};
use termark::{ColorDepth, Lines, Message, Options, Renderer, Stream};

/// Most messages the transcript keeps; older ones leave it (and are released).
pub const MAX_MESSAGES: usize = 12;

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

/// One entry of the transcript.
pub struct Entry {
    pub role: Role,
    /// The stream while the answer streams, and its finished lines until it leaves.
    stream: Option<Stream>,
    /// The finished answer's compact form.
    message: Option<Message>,
    /// Lines of the finished answer at `width` (when the stream's lines are at another).
    resized: Option<(usize, Lines)>,
    /// The width its stream laid its committed lines out at.
    stream_width: usize,
}

/// A scripted answer: its text, streamed in tokens of a few bytes.
pub struct Script {
    pub prompt: &'static str,
    pub answer: &'static str,
}

/// The app's state.
pub struct App {
    renderer: Renderer,
    /// The renderer at the current width (finished answers are rendered with it).
    at_width: Renderer,
    width: usize,
    pub entries: Vec<Entry>,
    script: Vec<Script>,
    next_script: usize,
    /// Bytes of the streaming answer pushed so far.
    fed: usize,
    /// Milliseconds of the app clock at which the next token is due.
    next_token_ms: u64,
    /// Rows scrolled up from the bottom (0: follow the stream).
    pub scroll_up: usize,
    pub frames: u64,
}

/// Milliseconds between tokens (about 60 tokens a second, an LLM's pace).
const TOKEN_MS: u64 = 16;
/// Pause after an answer before the next prompt.
const PAUSE_MS: u64 = 600;

impl App {
    /// An app whose transcript area is `width` columns wide, at color `depth`.
    pub fn new(width: usize, depth: ColorDepth, script: Vec<Script>) -> Self {
        let options = Options::new()
            .with_width(width.clamp(termark::MIN_WIDTH, termark::MAX_WIDTH))
            .with_color(depth)
            .with_keep_message(true)
            .with_tail_rows(Some(40));
        let renderer = Renderer::new(options).expect("valid options");
        // Load the syntaxes off the first code block's path (a 10–16 ms stall otherwise).
        renderer.preload_highlighting(&["rust", "python", "sh", "json"]);
        Self {
            at_width: renderer.clone(),
            width: renderer.options().width(),
            renderer,
            entries: Vec::new(),
            script,
            next_script: 0,
            fed: 0,
            next_token_ms: 0,
            scroll_up: 0,
            frames: 0,
        }
    }

    /// The streaming answer, if one streams.
    fn streaming(&mut self) -> Option<&mut Stream> {
        let e = self.entries.last_mut()?;
        if e.role == Role::Assistant && e.message.is_none() {
            e.stream.as_mut()
        } else {
            None
        }
    }

    /// Advances the app clock to `now_ms`: pushes every token that came due, ends an
    /// answer that is complete, and starts the next prompt after a pause.
    pub fn tick(&mut self, now_ms: u64) {
        while self.next_token_ms <= now_ms {
            let at = self.next_token_ms;
            if self.streaming().is_none() {
                if self.next_script >= self.script.len() {
                    return;
                }
                self.start_next();
                self.next_token_ms = at + TOKEN_MS;
                continue;
            }
            let answer = self.script[self.next_script - 1].answer;
            if self.fed >= answer.len() {
                self.finish_answer();
                self.next_token_ms = at + PAUSE_MS;
                continue;
            }
            let end = token_end(answer, self.fed);
            let token = &answer[self.fed..end];
            self.fed = end;
            if let Some(s) = self.streaming() {
                s.push(token);
            }
            self.next_token_ms = at + TOKEN_MS;
        }
    }

    fn start_next(&mut self) {
        let script = &self.script[self.next_script];
        self.next_script += 1;
        let mut user = self.renderer.stream();
        user.set_width(self.width).expect("valid width");
        user.push(script.prompt);
        user.finalize();
        let message = user.take_message();
        self.push_entry(Entry {
            role: Role::User,
            stream: Some(user),
            message,
            resized: None,
            stream_width: self.width,
        });
        let mut answer = self.renderer.stream();
        answer.set_width(self.width).expect("valid width");
        self.push_entry(Entry {
            role: Role::Assistant,
            stream: Some(answer),
            message: None,
            resized: None,
            stream_width: self.width,
        });
        self.fed = 0;
    }

    fn push_entry(&mut self, entry: Entry) {
        self.entries.push(entry);
        while self.entries.len() > MAX_MESSAGES {
            let mut old = self.entries.remove(0);
            if let Some(s) = &mut old.stream {
                s.release();
            }
        }
    }

    fn finish_answer(&mut self) {
        if let Some(e) = self.entries.last_mut() {
            if let Some(s) = &mut e.stream {
                s.finalize();
                e.message = s.take_message();
            }
        }
    }

    /// The terminal was resized: the transcript is `width` columns wide now.
    pub fn resize(&mut self, width: usize) {
        let width = width.clamp(termark::MIN_WIDTH, termark::MAX_WIDTH);
        if width == self.width {
            return;
        }
        self.width = width;
        self.at_width = self.renderer.with_width(width).expect("valid width");
        // The streaming answer: its committed lines are at the old width, and
        // `Stream::set_width` keeps them so. This app has the text pushed so far, so it
        // streams that again at the new width (one partial message, highlighted again);
        // an app without the text would call `set_width` and keep the old lines.
        let fed = self.fed;
        let text = self
            .next_script
            .checked_sub(1)
            .map(|i| &self.script[i].answer[..fed]);
        let mut fresh = self.renderer.stream();
        if let (Some(text), Some(old)) = (text, self.streaming()) {
            fresh.set_width(width).expect("valid width");
            fresh.push(text);
            old.release();
            *old = fresh;
            if let Some(e) = self.entries.last_mut() {
                e.stream_width = width;
            }
        }
    }

    /// Number of streams that hold live state (only the streaming answer may).
    pub fn live_streams(&self) -> usize {
        self.entries
            .iter()
            .filter_map(|e| e.stream.as_ref())
            .filter(|s| s.has_live_state())
            .count()
    }

    /// Heap termark holds for the transcript: streams, resized lines, kept messages and
    /// the renderers' pools.
    pub fn termark_heap(&self) -> usize {
        self.entries
            .iter()
            .map(|e| {
                e.stream.as_ref().map_or(0, Stream::heap_bytes)
                    + e.message.as_ref().map_or(0, Message::heap_bytes)
                    + e.resized.as_ref().map_or(0, |(_, l)| l.heap_bytes())
            })
            .sum::<usize>()
            + self.renderer.pooled_bytes()
            + self.at_width.pooled_bytes()
    }

    /// Lays out the finished entry `i` at the current width if its lines are at another
    /// (from its compact form: no highlighting runs).
    fn ensure_width(&mut self, i: usize) {
        let width = self.width;
        let e = &mut self.entries[i];
        let Some(message) = &e.message else {
            return;
        };
        let current = e.resized.as_ref().map_or(e.stream_width, |(w, _)| *w);
        if current != width {
            let mut lines = self.at_width.render_message(message);
            lines.shrink_to_fit();
            e.resized = Some((width, lines));
        }
    }

    /// Rows entry `i` takes: a header line, its lines (and tail), a blank line.
    fn rows_of(&mut self, i: usize) -> usize {
        self.ensure_width(i);
        let e = &mut self.entries[i];
        let body = match (&e.resized, &mut e.stream) {
            (Some((_, lines)), _) => lines.len(),
            (None, Some(s)) if e.message.is_none() => {
                let t = s.tail();
                t.committed().len() + t.len()
            }
            (None, Some(s)) => s.committed().len(),
            (None, None) => 0,
        };
        body + 2
    }

    /// Draws the transcript and the status bar.
    pub fn draw(&mut self, frame: &mut Frame<'_>) {
        self.frames += 1;
        let area = frame.area();
        if area.height < 2 {
            return;
        }
        let transcript = Rect::new(area.x, area.y, area.width, area.height - 1);
        let status = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
        self.draw_transcript(transcript, frame.buffer_mut());
        let line = Line::from(vec![
            Span::styled(
                format!(
                    " {} messages · live streams: {} · termark heap: {} KiB · frame {} ",
                    self.entries.len(),
                    self.live_streams(),
                    self.termark_heap() / 1024,
                    self.frames
                ),
                Style::new().fg(Color::Black).bg(Color::Gray),
            ),
            Span::styled(
                " ↑/↓ PgUp/PgDn scroll · End follow · q quit",
                Style::new().add_modifier(Modifier::DIM),
            ),
        ]);
        frame.render_widget(line, status);
    }

    #[allow(clippy::many_single_char_names)] // i, h, e, v, n, y: entry, height, row
    fn draw_transcript(&mut self, area: Rect, buf: &mut Buffer) {
        let heights: Vec<usize> = (0..self.entries.len()).map(|i| self.rows_of(i)).collect();
        let total: usize = heights.iter().sum();
        let view = usize::from(area.height);
        self.scroll_up = self.scroll_up.min(total.saturating_sub(view));
        // The first transcript row drawn.
        let top = total.saturating_sub(view + self.scroll_up);
        let adapter = Adapter::for_options(self.renderer.options());
        let mut row = 0usize; // transcript row of the entry's first row
        let mut y = area.y;
        let bottom = area.y + area.height;
        for (i, &h) in heights.iter().enumerate() {
            if row + h <= top {
                row += h;
                continue;
            }
            if y >= bottom {
                break;
            }
            let mut skip = top.saturating_sub(row);
            // Header.
            if skip == 0 {
                let (label, color) = match self.entries[i].role {
                    Role::User => ("▍ You", Color::LightBlue),
                    Role::Assistant => ("▍ Assistant", Color::LightGreen),
                };
                buf.set_string(
                    area.x,
                    y,
                    label,
                    Style::new().fg(color).add_modifier(Modifier::BOLD),
                );
                y += 1;
            } else {
                skip -= 1;
            }
            let room = bottom.saturating_sub(y);
            let body = Rect::new(area.x, y, area.width, room);
            let e = &mut self.entries[i];
            let drawn = match (&e.resized, &mut e.stream) {
                (Some((_, lines)), _) => {
                    let v = MessageView::new(lines, adapter.clone()).scroll(skip);
                    let n = v.height().saturating_sub(skip);
                    (&v).render(body, buf);
                    n
                }
                (None, Some(s)) if e.message.is_none() => {
                    let t = s.tail();
                    let v = MessageView::new(t.committed(), adapter.clone())
                        .tail(t.lines())
                        .scroll(skip);
                    let n = v.height().saturating_sub(skip);
                    (&v).render(body, buf);
                    n
                }
                (None, Some(s)) => {
                    let v = MessageView::new(s.committed(), adapter.clone()).scroll(skip);
                    let n = v.height().saturating_sub(skip);
                    (&v).render(body, buf);
                    n
                }
                (None, None) => 0,
            };
            y = y.saturating_add(drawn.min(usize::from(room)) as u16 + 1);
            row += h;
        }
    }

    /// True when every scripted answer has streamed and ended.
    pub fn done(&self) -> bool {
        self.next_script >= self.script.len()
            && self.entries.last().is_some_and(|e| e.message.is_some())
    }
}

/// End of the token that starts at `from`: a word and the spaces after it, or a short run
/// of punctuation or a line break, cut at most 8 bytes on (at a character boundary).
fn token_end(text: &str, from: usize) -> usize {
    let rest = &text[from..];
    let mut end = rest
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == ' ' || c == '\n')
        .map_or(rest.len(), |(i, _)| i);
    end += rest[end..].len() - rest[end..].trim_start_matches(' ').len();
    if end > 8 {
        end = (1..=8)
            .rev()
            .find(|&k| rest.is_char_boundary(k))
            .unwrap_or(end);
    }
    from + end.max(1)
}

/// The scripted conversation.
pub fn script() -> Vec<Script> {
    vec![
        Script {
            prompt: "How do I read a file line by line in Rust?",
            answer: "Use a `BufReader` and its `lines()` iterator. It reads the file in **buffered chunks**, so even a large file needs little memory:\n\n```rust\nuse std::fs::File;\nuse std::io::{self, BufRead, BufReader};\n\nfn main() -> io::Result<()> {\n    let file = File::open(\"notes.txt\")?;\n    for (n, line) in BufReader::new(file).lines().enumerate() {\n        println!(\"{:>4}: {}\", n + 1, line?);\n    }\n    Ok(())\n}\n```\n\nA few things to keep in mind:\n\n1. `lines()` strips the line ending (`\\n` or `\\r\\n`).\n2. Each item is an `io::Result<String>`: a line that is not valid UTF-8 is an *error*, not a panic.\n   - To keep going past bad bytes, read with `read_until(b'\\n', &mut buf)` and decode yourself.\n   - Or use `String::from_utf8_lossy` on each chunk.\n3. For the fastest reads, reuse one `String` with `read_line` instead of allocating per line.\n",
        },
        Script {
            prompt: "Compare the common Python web frameworks.",
            answer: "Here is a short comparison of the three you will meet most often:\n\n| Framework | Style | Async | Best for |\n|-----------|-------|-------|----------|\n| Django | batteries included | partial | full sites with an admin |\n| Flask | micro | via extensions | small services, prototypes |\n| FastAPI | type-hint driven | native | JSON APIs, high concurrency |\n\nA minimal FastAPI endpoint looks like this:\n\n```python\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get(\"/items/{item_id}\")\nasync def read_item(item_id: int, q: str | None = None):\n    return {\"item_id\": item_id, \"q\": q}\n```\n\n> **Tip:** start with the framework your team already knows; the differences matter less than the ecosystem you pick with it.\n",
        },
        Script {
            prompt: "Explain what a grapheme cluster is, with examples in other scripts.",
            answer: "A *grapheme cluster* is what a reader sees as one character, even when Unicode encodes it as several code points. Terminals draw clusters, not code points, so a renderer that wraps text must never split one. Some examples:\n\n- `é` can be one code point (U+00E9) or two: `e` followed by the combining acute accent U+0301.\n- A family emoji 👨‍👩‍👧 is three people joined by zero-width joiners: five code points, one cluster, two columns wide.\n- Korean syllables such as 한국어 are composed of jamo; a decomposed syllable is still one cluster.\n- Chinese and Japanese text (中文，日本語のテキスト) has no spaces at all, so a line may break between any two characters, and each character takes two columns.\n\nThe rules are in Unicode's UAX #29, and the widths come from UAX #11 (East Asian Width). A long paragraph like this one shows that the streaming renderer wraps words as they arrive, keeps the open paragraph tentative until it ends, and never redraws the lines above it once they are committed, which is what keeps a terminal chat cheap to redraw at sixty frames a second.\n",
        },
        Script {
            prompt: "Give me a shell one-liner to find the biggest files.",
            answer: "This lists the 10 largest files under the current directory, human-readable:\n\n```sh\nfind . -type f -printf '%s %p\\n' | sort -nr | head -n 10 | numfmt --field=1 --to=iec\n```\n\nOn macOS, `find` has no `-printf`; use this instead:\n\n```sh\nfind . -type f -exec stat -f '%z %N' {} + | sort -nr | head -n 10\n```\n\nBoth **skip nothing**, so add `-not -path './.git/*'` to leave out a repository's objects.\n",
        },
    ]
}
