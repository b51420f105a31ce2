"""The rich adapter: termark lines as rich Text, drawn by a rich Console."""

import io
import re

import pytest

rich = pytest.importorskip("rich")

from rich.console import Console  # noqa: E402
from rich.text import Text  # noqa: E402

import termark  # noqa: E402
from termark.rich import StreamView, lines_to_text, span_style, to_text  # noqa: E402

CSI = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")


def console(width, **kw):
    return Console(
        file=io.StringIO(), width=width, force_terminal=True, color_system="truecolor", **kw
    )


def test_to_text_keeps_text_and_styles(document):
    r = termark.Renderer(width=60, hyperlinks=True)
    lines = r.render(document)
    for line in lines:
        text = to_text(line)
        assert isinstance(text, Text)
        assert text.plain == line.plain
        assert text.cell_len == line.width
        assert text.no_wrap
    para = next(line for line in lines if "bold" in line.plain and line.kind == "text")
    text = to_text(para)
    bold = [s for s in text.spans if text.plain[s.start : s.end] == "bold"]
    assert bold and bold[0].style.bold
    linked = [s for s in text.spans if s.style.link]
    assert linked and linked[0].style.link == "https://example.com/a?b=c"


def test_span_style_maps_every_attribute():
    r = termark.Renderer(width=60)
    line = r.render("**b** *i* ~~s~~ `c`\n")[0]
    styles = {s.text: span_style(s) for s in line.spans}
    assert styles["b"].bold and styles["i"].italic and styles["s"].strike
    code = line.spans[-1]
    assert code.text == "c" and code.fg.startswith("#")
    assert styles["c"].color.triplet.hex == code.fg
    # An attribute that is off is not set: the style inherits it.
    assert styles["b"].italic is None


def test_console_draws_what_termark_laid_out(document):
    width = 50
    r = termark.Renderer(width=width)
    lines = r.render(document)
    c = console(width)
    c.print(lines_to_text(lines))
    drawn = CSI.sub("", c.file.getvalue()).split("\n")
    assert [d.rstrip() for d in drawn[: len(lines)]] == [line.plain.rstrip() for line in lines]
    assert "\x1b[1m" in c.file.getvalue()  # styles reach the terminal


def test_stream_view_under_rich(document):
    r = termark.Renderer(width=40)
    view = StreamView(r.stream())
    c = console(40)
    for i in range(0, len(document), 37):
        view.push(document[i : i + 37])
        c.print(view)
    view.finalize()
    final = console(40)
    final.print(view)
    expected = console(40)
    expected.print(lines_to_text(r.render(document)))
    assert final.file.getvalue() == expected.file.getvalue()
    assert len(view.committed) == len(r.render(document))
