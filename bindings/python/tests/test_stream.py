"""Streaming through the binding gives exactly the one-shot render, whatever the chunks."""

import doctest
import random
import re

import pytest

import termark

# Truecolor and OSC 8: every style and every link of a span shows in a line's bytes, so equal
# `.ansi` means equal lines.
FINGERPRINT = dict(color="truecolor", hyperlinks=True)


def stream_lines(renderer, chunks):
    """Pushes `chunks`, reading the committed lines after every push, then finalizes."""
    s = renderer.stream()
    out = []
    for c in chunks:
        s.push(c)
        out.extend(s.new_committed())
    s.finalize()
    out.extend(s.new_committed())
    return s, out


def random_splits(data, rng, max_len):
    i = 0
    while i < len(data):
        n = rng.randint(1, max_len)
        yield data[i : i + n]
        i += n


@pytest.mark.parametrize("width", [20, 40, 80, 120])
@pytest.mark.parametrize("seed", range(5))
def test_str_chunks_equal_one_shot(document, width, seed):
    r = termark.Renderer(width=width, **FINGERPRINT)
    whole = [line.ansi for line in r.render(document)]
    _, lines = stream_lines(r, random_splits(document, random.Random(seed), 12))
    assert [line.ansi for line in lines] == whole
    assert len(whole) > 30


@pytest.mark.parametrize("seed", range(8))
def test_byte_chunks_split_inside_utf8_equal_one_shot(document, seed):
    r = termark.Renderer(width=60, **FINGERPRINT)
    data = document.encode("utf-8")
    whole = [line.ansi for line in r.render(document)]
    chunks = list(random_splits(data, random.Random(seed), 5))
    # The chunks do cut characters in half: some chunk is not valid UTF-8 by itself.
    undecodable = 0
    for c in chunks:
        try:
            c.decode("utf-8")
        except UnicodeDecodeError:
            undecodable += 1
    assert undecodable > 0
    _, lines = stream_lines(r, chunks)
    assert [line.ansi for line in lines] == whole


def test_one_byte_chunks_and_whole_bytes_render(document):
    r = termark.Renderer(width=50, **FINGERPRINT)
    data = document.encode("utf-8")
    whole = [line.ansi for line in r.render(document)]
    assert [line.ansi for line in r.render(data)] == whole
    _, lines = stream_lines(r, [data[i : i + 1] for i in range(len(data))])
    assert [line.ansi for line in lines] == whole


def test_invalid_utf8_becomes_replacement_character():
    r = termark.Renderer(width=40)
    data = b"caf\xc3\xa9 \xff\xfe end\n"
    _, lines = stream_lines(r, [data[:4], data[4:7], data[7:]])
    assert [line.plain for line in lines] == [data.decode("utf-8", "replace")[:-1]]
    assert "\ufffd" in lines[0].plain


def test_large_corpus_16_byte_chunks_equal_one_shot(corpus):
    r = termark.Renderer(width=100, **FINGERPRINT)
    whole = [line.ansi for line in r.render(corpus)]
    data = corpus.encode("utf-8")
    _, lines = stream_lines(r, [data[i : i + 16] for i in range(0, len(data), 16)])
    assert [line.ansi for line in lines] == whole
    assert len(whole) > 1000


def test_committed_lines_are_final(document):
    """A line returned by new_committed() keeps its text after later pushes and finalize."""
    r = termark.Renderer(width=40, **FINGERPRINT)
    s = r.stream()
    seen = []
    for c in random_splits(document, random.Random(7), 9):
        s.push(c)
        for line in s.new_committed():
            seen.append((line, line.ansi))
    s.finalize()
    s.release()
    assert seen
    assert all(line.ansi == ansi for line, ansi in seen)


def test_finalize_drops_live_state_and_release_resets(document):
    r = termark.Renderer(width=80)
    s = r.stream()
    assert not s.has_live_state
    s.push(document[:200])
    assert s.has_live_state
    assert s.heap_bytes > 0
    assert not s.is_finalized
    s.finalize()
    assert not s.has_live_state
    assert s.is_finalized
    rest = s.new_committed()
    assert rest
    s.push("ignored after finalize\n")
    assert s.new_committed() == []
    s.release()
    assert not s.is_finalized and not s.has_live_state
    assert s.heap_bytes == 0
    # Lines read before release() stay valid; the stream takes a new message.
    assert rest[-1].plain
    s.push("# again\n\n")
    assert [line.plain for line in s.new_committed()][:1] == ["# again"]


def test_tentative_lines_show_the_open_block_healed():
    r = termark.Renderer(width=40, tentative_budget=None)
    s = r.stream()
    s.push("First paragraph.\n\nstreaming **bol")
    assert [line.plain for line in s.new_committed()] == ["First paragraph."]
    # The open block's lines: the blank line before it, then its text.
    tail = s.tentative()
    assert [line.plain for line in tail] == ["", "streaming bol"]
    # Healed: the open strong emphasis is already bold.
    assert any(span.bold and span.text == "bol" for span in tail[1].spans)
    assert not s.tentative_is_stale
    assert [line.plain for line in s.tail()] == ["", "streaming bol"]
    s.finalize()
    assert s.tentative() == []
    assert [line.plain for line in s.new_committed()] == ["", "streaming **bol"]


def test_set_width_applies_to_the_open_block():
    r = termark.Renderer(width=80)
    s = r.stream()
    s.push("word " * 30)
    s.set_width(20)
    assert s.width == 20
    assert all(line.width <= 20 for line in s.tentative())
    s.finalize()
    lines = s.new_committed()
    assert len(lines) > 5 and all(line.width <= 20 for line in lines)
    with pytest.raises(ValueError, match="width"):
        s.set_width(3)
    assert s.width == 20


@pytest.mark.parametrize("width", [8, 13, 40, 97])
def test_no_line_is_wider_than_the_width(document, corpus, width):
    r = termark.Renderer(width=width)
    for line in r.render(document + "\n\n" + corpus[:20000]):
        assert line.width <= width, line.plain
        assert "".join(span.text for span in line.spans) == line.plain
        assert line.prefix + line.content == line.plain


def test_input_controls_never_reach_the_terminal(document):
    for color in ["truecolor", "256", "16", "no-color", "plain"]:
        r = termark.Renderer(width=80, color=color, hyperlinks=True)
        for line in r.render(document):
            assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in line.plain)
            assert "\u202e" not in line.plain
            if color == "plain":
                assert line.ansi == line.plain
            # Every line ends with the terminal in its default state: the last SGR is a
            # reset, the last OSC 8 closes the link, and no other escape is written.
            sgr = re.findall(r"\x1b\[([0-9;]*)m", line.ansi)
            osc8 = re.findall(r"\x1b\]8;;([^\x1b]*)\x1b\\", line.ansi)
            if sgr:
                assert sgr[-1] in ("", "0"), line.ansi
            if osc8:
                assert osc8[-1] == "", line.ansi
            rest = re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;;[^\x1b]*\x1b\\", "", line.ansi)
            assert rest == line.plain


def test_every_link_destination_reaches_the_output(document):
    text = "\n".join(line.plain for line in termark.Renderer(width=200).render(document))
    for url in ["https://example.com/a?b=c", "javascript:alert(1)", "https://example.net/ref"]:
        assert url in text
    osc8 = termark.Renderer(width=200, hyperlinks=True).render(document)
    links = {span.link for line in osc8 for span in line.spans if span.link}
    assert {"https://example.com/a?b=c", "https://example.net/ref"} <= links
    assert "javascript:alert(1)" not in links
    ansi = "\n".join(line.ansi for line in osc8)
    assert "\x1b]8;;https://example.com/a?b=c\x1b\\" in ansi


def test_spans_carry_styles_and_kinds():
    r = termark.Renderer(width=60, theme="light")
    lines = r.render("# Title\n\nplain **bold** *it* ~~gone~~\n\n```py\nx = 1\n```\n\n---\n")
    kinds = [line.kind for line in lines]
    assert kinds[0] == "heading"
    assert "code" in kinds and "code_frame" in kinds and "rule" in kinds and "blank" in kinds
    para = next(line for line in lines if line.kind == "text")
    styles = {span.text: span for span in para.spans}
    assert styles["bold"].bold and not styles["bold"].italic
    assert styles["it"].italic
    assert styles["gone"].strikethrough
    colors = [s.fg for line in lines for s in line.spans if s.fg]
    assert colors and all(c == "default" or c.startswith(("#", "color(")) for c in colors)
    assert "Span(" in repr(styles["bold"]) and "Line(" in repr(para)
    assert str(para) == para.plain


def test_color_depths_write_the_same_text():
    doc = "# T\n\n*a* **b** `c` [d](https://e.example)\n"
    colored = [line.plain for line in termark.Renderer(width=40).render(doc)]
    for color in ["24bit", "256", "16"]:
        lines = termark.Renderer(width=40, color=color).render(doc)
        assert [line.plain for line in lines] == colored
    # Without color, inline code (styled by a color alone) keeps its backticks.
    for color in ["plain", "no-color"]:
        lines = [line.plain for line in termark.Renderer(width=40, color=color).render(doc)]
        assert "`c`" in "".join(lines)
        assert [line.replace("`c`", "c") for line in lines] == colored
    assert "\x1b[38;2;" in termark.Renderer(width=40).render(doc)[0].ansi
    assert "\x1b[38;5;" in termark.Renderer(width=40, color="256").render(doc)[0].ansi
    assert "\x1b[3" not in termark.Renderer(width=40, color="no-color").render(doc)[0].ansi


def test_renderer_properties_and_stream_from_threads(document):
    import threading

    r = termark.Renderer(width=72)
    assert r.width == 72 and "width=72" in repr(r)
    r.preload_highlighting(["rust", "py"])
    whole = [line.ansi for line in r.render(document * 4)]
    results = []

    def work():
        _, lines = stream_lines(r, random_splits(document * 4, random.Random(1), 64))
        results.append([line.ansi for line in lines])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [whole] * 4

    # One stream driven from two threads: calls are serialized, nothing is lost.
    s = r.stream()
    big = "word " * 2000 + "\n\n"

    def pusher():
        for _ in range(20):
            s.push(big)

    ts = [threading.Thread(target=pusher) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    s.finalize()
    words = sum(line.plain.count("word") for line in s.new_committed())
    assert words == 2 * 20 * 2000


def test_module_constants():
    assert termark.MIN_WIDTH == 8 and termark.MAX_WIDTH == 4096
    assert termark.__version__


def test_docstring_examples_run():
    import importlib

    modules = [termark]
    try:
        modules.append(importlib.import_module("termark.rich"))
    except ImportError:  # rich is optional
        pass
    for module in modules:
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_reprs():
    line = termark.Renderer().render("a **b**\n")[0]
    assert repr(line) == 'Line("a b", width=3)'
    assert [repr(s) for s in line.spans][0] == 'Span("a ")'
    assert "bold" in repr(line.spans[1])


def test_a_large_render_releases_the_gil(corpus):
    """Another Python thread runs while a 200 KB document renders.

    A thread that holds the GIL without running bytecode is never asked to drop it, so
    without the release the other thread could run only just before the call and just
    after it (one switch interval each); its timestamps in the middle of the call show
    that it ran during the render."""
    import sys
    import threading
    import time

    doc = corpus * 2
    r = termark.Renderer(width=100)
    r.render(doc)  # syntaxes loaded
    stamps = []
    running = threading.Event()
    stop = threading.Event()

    def spin():
        running.set()
        while not stop.is_set():
            stamps.append(time.perf_counter())

    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        t = threading.Thread(target=spin)
        t.start()
        running.wait()
        t0 = time.perf_counter()
        r.render(doc)
        t1 = time.perf_counter()
        stop.set()
        t.join()
    finally:
        sys.setswitchinterval(interval)
    window = t1 - t0
    assert window > 0.01, "the render is too fast for this test"
    lo, hi = t0 + 0.3 * window, t0 + 0.7 * window
    assert any(lo < s < hi for s in stamps), (window, len(stamps))
