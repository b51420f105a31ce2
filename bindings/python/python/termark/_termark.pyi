"""Type stubs for termark's extension module (re-exported by ``termark``)."""

from typing import Literal, Optional, Sequence, Union

MIN_WIDTH: int
"""Narrowest accepted width, in display columns (8)."""
MAX_WIDTH: int
"""Widest accepted width, in display columns (4096)."""
__version__: str
"""The version of the termark crate this module was built from."""

ColorName = Literal["truecolor", "24bit", "256", "16", "no-color", "plain"]

class Renderer:
    """Renders Markdown with one set of options; shared by every message.

    Build it once and make one ``Stream`` per message from it. It is immutable and safe to
    share between threads. Syntax definitions load lazily, the first time a code block in
    a language needs them (see ``preload_highlighting``).
    """

    def __init__(
        self,
        width: int = 80,
        *,
        color: ColorName = "truecolor",
        theme: str = "dark",
        hyperlinks: bool = False,
        highlight: bool = True,
        tab_width: int = 4,
        wrap_code: bool = True,
        heal: bool = True,
        control_chars: Literal["visible", "drop"] = "visible",
        tail_rows: Optional[int] = None,
        tentative_budget: Optional[int] = 16,
        highlight_threads: int = 1,
    ) -> None:
        """Validates the options and builds a renderer.

        Args:
            width: display columns, ``MIN_WIDTH`` to ``MAX_WIDTH``. No line is wider
                (except code lines with ``wrap_code=False``).
            color: how ``Line.ansi`` writes colors: ``"truecolor"`` (24-bit), ``"256"``,
                ``"16"``, ``"no-color"`` (attributes only) or ``"plain"`` (no escape
                sequence at all). Spans always carry the full 24-bit style.
            theme: ``"dark"``, ``"light"``, a path to a ``.toml`` theme file, or a
                ``.tmTheme`` file used for code on top of the dark theme.
            hyperlinks: write links as OSC 8 hyperlinks (``http``, ``https`` and ``mailto``
                only; every other destination is shown as text). Off: destinations are
                shown as text after the link text.
            highlight: syntax-highlight fenced code blocks that name a known language.
            tab_width: columns per tab stop, 1 to 16.
            wrap_code: break long code lines behind a ``↪`` marker; ``False`` prints them
                whole (then wider than ``width``).
            heal: show the open block's unclosed emphasis, code spans and links as if
                closed (display only; committed lines are exact).
            control_chars: input control characters are shown as visible symbols
                (``"visible"``: ESC as ``␛``) or removed (``"drop"``). None ever reaches
                the terminal.
            tail_rows: cap the tentative lines to this many rows (at least 2), under a
                marker line; ``None``: the whole open block.
            tentative_budget: bytes of open block ``tentative()`` may re-render per byte
                pushed, so asking after every push stays linear; ``None``: always exact.
            highlight_threads: threads a one-shot ``render`` may highlight code on, 1 to 64.

        Raises:
            ValueError: an option out of range or an unknown name (the message names the
                option, the value and what is valid), or a theme file that cannot be read
                or is invalid.
            TypeError: an argument of the wrong type.
        """
    def stream(self) -> Stream:
        """A new stream for one message."""
    def render(self, text: Union[str, bytes]) -> list[Line]:
        """Renders a whole document at once.

        Exactly the lines a stream fed ``text`` in any chunks and finalized holds.
        ``bytes`` are decoded as UTF-8, invalid sequences becoming U+FFFD. Releases the
        GIL while it works on a large document.
        """
    def preload_highlighting(self, languages: Sequence[str]) -> None:
        """Loads the syntax definitions of ``languages`` (fence names such as
        ``"rust"``, ``"py"``) now instead of at their first code block (10 to 16 ms for
        the first). Releases the GIL; call it at start-up or on a thread."""
    @property
    def width(self) -> int:
        """The width, in display columns."""
    @property
    def pooled_bytes(self) -> int:
        """Bytes held by the renderer's bounded pool of line buffers."""

class Stream:
    """One message as it streams in. Make one with ``Renderer.stream()``.

    Lines come in two kinds. *Committed* lines are final: read each once with
    ``new_committed()`` and print or keep it. *Tentative* lines are the current rendering
    of the still-open block and change with every push: draw them below the committed
    lines and redraw them (``tentative()`` after a push, or ``tail()`` on a frame timer).
    ``finalize()`` commits the rest; ``release()`` makes the stream ready for a new
    message. No method raises for any input.

    A stream may be used from any thread, one call at a time (calls from two threads
    are serialized).
    """

    def push(self, chunk: Union[str, bytes]) -> None:
        """Appends a chunk of Markdown.

        ``bytes`` may end anywhere, even inside a UTF-8 sequence: the rest waits for the
        next chunk, and invalid UTF-8 becomes U+FFFD as ``bytes.decode("utf-8",
        "replace")`` of the whole input would make it. Work is proportional to the chunk
        plus the open block. Ignored after ``finalize()`` (until ``release()``).
        """
    def new_committed(self) -> list[Line]:
        """The committed lines not read yet, oldest first. They never change."""
    def tentative(self) -> list[Line]:
        """The open block's current lines (healed, capped by ``tail_rows``).

        Under the renderer's ``tentative_budget`` a call may return the lines of an
        earlier push of the same open block (``tentative_is_stale``); a call with no push
        since the last one is always exact.
        """
    def tail(self) -> list[Line]:
        """The open block's lines for a frame drawn on a timer (30 to 60 a second).

        Re-renders a small open block after every push, a large one at least every other
        frame; a call with no push since the last costs nothing.
        """
    @property
    def tentative_is_stale(self) -> bool:
        """True if the last ``tentative()`` or ``tail()`` shows an earlier push."""
    def set_width(self, columns: int) -> None:
        """Lays the open block and every later line out at ``columns`` (a resize).

        Lines already committed stay as they are.

        Raises:
            ValueError: ``columns`` outside ``MIN_WIDTH`` to ``MAX_WIDTH`` (the width is
                then unchanged).
        """
    @property
    def width(self) -> int:
        """The width lines are laid out at now, in columns."""
    def finalize(self) -> None:
        """Ends the message: the open block is committed (read it with
        ``new_committed()``) and every prefix cache is dropped. Calling it again does
        nothing."""
    def release(self) -> None:
        """Gives every buffer back to the renderer's pool and resets the stream: it holds
        nothing and can render a new message. Lines already returned stay valid."""
    @property
    def has_live_state(self) -> bool:
        """True while the stream holds any prefix cache (open source, parser, highlighter
        or layout state); False for a new stream and after ``finalize()``."""
    @property
    def is_finalized(self) -> bool:
        """True after ``finalize()`` (until ``release()``)."""
    @property
    def heap_bytes(self) -> int:
        """Heap bytes this stream holds, its committed lines included."""

class Line:
    """One rendered line: styled spans with a known display width.

    A ``Line`` owns its data: it stays valid after the stream moves on, is finalized or
    released. Its properties are computed when read.
    """

    @property
    def ansi(self) -> str:
        """The line as terminal output, without a newline: the text with SGR styles at
        the renderer's color depth and OSC 8 hyperlinks if asked for, ending with the
        terminal in its default state. Print it with ``print(line.ansi)``."""
    @property
    def plain(self) -> str:
        """The line's text without any style."""
    @property
    def width(self) -> int:
        """Display width in terminal columns (never more than the renderer's width,
        except code lines with ``wrap_code=False``)."""
    @property
    def prefix(self) -> str:
        """The decoration before the content: quote bars, list markers and indents, a
        heading's ``#`` marks, a code block's gutter."""
    @property
    def content(self) -> str:
        """The line's text after its ``prefix``."""
    @property
    def kind(self) -> str:
        """What the line shows: ``"text"`` (a paragraph's or other inline text),
        ``"heading"``, ``"code"`` (a code block's row), ``"code_frame"`` (its header or
        footer), ``"table"`` (a row of cells), ``"table_rule"``, ``"rule"`` (a thematic
        break), ``"html"`` or ``"blank"``."""
    @property
    def spans(self) -> list[Span]:
        """The styled runs of text, left to right; their texts joined are ``plain``."""

class Span:
    """A run of text in one style, optionally part of a hyperlink.

    Colors are ``None`` (not set: inherit, the terminal's default), ``"default"`` (the
    terminal's default, asked for explicitly), ``"color(N)"`` (an ANSI color 0-15 or an
    entry of the xterm 256-color palette) or ``"#rrggbb"`` (24-bit): the spellings
    ``rich.color.Color.parse`` reads.
    """

    @property
    def text(self) -> str:
        """The text: no control character, no newline, tabs expanded."""
    @property
    def fg(self) -> Optional[str]:
        """Foreground color, or ``None``."""
    @property
    def bg(self) -> Optional[str]:
        """Background color, or ``None``."""
    @property
    def bold(self) -> bool:
        """Bold (SGR 1)."""
    @property
    def dim(self) -> bool:
        """Dim (SGR 2)."""
    @property
    def italic(self) -> bool:
        """Italic (SGR 3)."""
    @property
    def underline(self) -> bool:
        """Underline (SGR 4)."""
    @property
    def strikethrough(self) -> bool:
        """Strikethrough (SGR 9)."""
    @property
    def link(self) -> Optional[str]:
        """The hyperlink's destination if the span is (part of) a link written as OSC 8,
        else ``None``."""

def _rust_stream(renderer: Renderer, text: Union[str, bytes], chunk: int) -> int:
    """Not API: the benchmark's Rust path, run in this process."""
