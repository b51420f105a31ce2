"""Streaming Markdown to styled terminal lines, incrementally, as LLM text arrives.

termark renders Markdown (CommonMark and the GFM tables, strikethrough, task lists and
footnotes) into lines for a terminal *while the text streams in*: every push costs work in
proportion to the new text and the still-open block, lines that are *committed* are final,
and only the open block (the *tentative* lines) changes from push to push.

>>> import termark
>>> r = termark.Renderer(width=40)
>>> s = r.stream()
>>> for chunk in ["# Hel", "lo\\n\\nSome *str", "eamed* text.\\n"]:
...     s.push(chunk)
...     committed = s.new_committed()
>>> s.finalize()
>>> [line.plain for line in s.new_committed()]
['', 'Some streamed text.']
>>> s.has_live_state
False

The rendering is done by the termark Rust crate; this package is a thin binding over it.
``termark.rich`` turns lines into ``rich.text.Text`` (rich is optional).
"""

from ._termark import MAX_WIDTH, MIN_WIDTH, Line, Renderer, Span, Stream, __version__

__all__ = ["Renderer", "Stream", "Line", "Span", "MIN_WIDTH", "MAX_WIDTH", "__version__"]
