"""termark lines as rich ``Text``, for rich and Textual apps.

rich is an optional dependency: install it yourself (``pip install rich`` or
``pip install termark[rich]``); importing this module without it raises ``ImportError``.

termark lays lines out at the renderer's width, so a line is one row: print it with
``no_wrap`` semantics (``to_text`` sets ``no_wrap=True`` and ``overflow="ignore"``) at a
console at least that wide.

>>> import io, termark
>>> from rich.console import Console
>>> from termark.rich import to_text
>>> r = termark.Renderer(width=40)
>>> console = Console(file=io.StringIO(), width=40)
>>> for line in r.render("Some **bold** text\\n"):
...     console.print(to_text(line))
"""

from __future__ import annotations

from typing import Iterable

from rich.style import Style
from rich.text import Text

from ._termark import Line, Span, Stream

__all__ = ["span_style", "to_text", "lines_to_text", "StreamView"]


def span_style(span: Span) -> Style:
    """The rich ``Style`` of one span: its colors, attributes and hyperlink.

    termark's colors are spelled as rich parses them (``"#rrggbb"``, ``"color(N)"``,
    ``"default"``); an attribute that is off is left unset (``None``), so the style inherits
    it from what it is laid over, as in termark.
    """
    return Style(
        color=span.fg,
        bgcolor=span.bg,
        bold=span.bold or None,
        dim=span.dim or None,
        italic=span.italic or None,
        underline=span.underline or None,
        strike=span.strikethrough or None,
        link=span.link,
    )


def to_text(line: Line) -> Text:
    """One termark line as a rich ``Text`` of one row (``no_wrap``, no trailing newline)."""
    text = Text(no_wrap=True, overflow="ignore", end="")
    for span in line.spans:
        text.append(span.text, span_style(span))
    return text


def lines_to_text(lines: Iterable[Line]) -> Text:
    """Lines as one rich ``Text``, one row per line, joined by newlines."""
    return Text("\n", no_wrap=True, overflow="ignore", end="").join(
        to_text(line) for line in lines
    )


class StreamView:
    """A rich renderable for one streaming message: its committed lines, then its tail.

    Feed it with ``push``; each ``push`` reads the new committed lines once (they are
    final, so they are kept as rich ``Text``), and rendering draws them and the current
    tentative lines. Use it under ``rich.live.Live``::

        view = StreamView(renderer.stream())
        with Live(view, console=console, refresh_per_second=30) as live:
            for chunk in chunks:
                view.push(chunk)
                live.refresh()
            view.finalize()

    """

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.committed: list[Text] = []

    def push(self, chunk: str | bytes) -> None:
        """Pushes ``chunk`` and keeps the lines it committed."""
        self.stream.push(chunk)
        self.committed.extend(to_text(line) for line in self.stream.new_committed())

    def finalize(self) -> None:
        """Ends the message: every line is committed and kept."""
        self.stream.finalize()
        self.committed.extend(to_text(line) for line in self.stream.new_committed())

    def __rich__(self) -> Text:
        tail = [] if self.stream.is_finalized else self.stream.tail()
        rows = self.committed + [to_text(line) for line in tail]
        return Text("\n", no_wrap=True, overflow="ignore", end="").join(rows)
