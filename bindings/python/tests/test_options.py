"""Bad options are Python exceptions (ValueError, or TypeError for a wrong type), never a
crash; good ones are taken."""

import pytest

import termark


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(width=7), "width=7"),
        (dict(width=4097), "width=4097"),
        (dict(width=0), "width=0"),
        (dict(width=-1), "width=-1"),
        (dict(width=10**40), "width"),
        (dict(tab_width=0), "tab-width=0"),
        (dict(tab_width=17), "tab-width=17"),
        (dict(tail_rows=1), "tail-rows=1"),
        (dict(tail_rows=-5), "tail_rows=-5"),
        (dict(highlight_threads=0), "highlight-threads=0"),
        (dict(highlight_threads=65), "highlight-threads=65"),
        (dict(tentative_budget=-1), "tentative_budget=-1"),
        (dict(tentative_budget=2**32), "tentative_budget"),
        (dict(color="rainbow"), "color"),
        (dict(control_chars="hide"), "control_chars"),
        (dict(theme="solarized"), "unknown theme"),
        (dict(theme="/nonexistent/theme.toml"), "theme.toml"),
        (dict(theme="/nonexistent/code.tmTheme"), "code.tmTheme"),
    ],
)
def test_bad_options_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        termark.Renderer(**kwargs)


def test_value_error_names_the_valid_range():
    with pytest.raises(ValueError) as e:
        termark.Renderer(width=3)
    assert "8" in str(e.value) and "4096" in str(e.value)


def test_invalid_theme_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[styles]\nheading1 = { fg = 12 }\nnot toml at all ===\n")
    with pytest.raises(ValueError, match="bad.toml"):
        termark.Renderer(theme=str(bad))


@pytest.mark.parametrize(
    "kwargs",
    [dict(width="80"), dict(width=80.0), dict(width=True), dict(hyperlinks="yes"), dict(color=256)],
)
def test_wrong_types_raise_type_error(kwargs):
    with pytest.raises(TypeError):
        termark.Renderer(**kwargs)


def test_wrong_push_types_raise_type_error():
    s = termark.Renderer().stream()
    for bad in [123, None, ["a"]]:
        with pytest.raises(TypeError):
            s.push(bad)
    with pytest.raises(TypeError):
        termark.Renderer().render(None)
    with pytest.raises(TypeError):
        s.set_width("80")
    with pytest.raises(ValueError):
        s.set_width(-3)
    # The stream is unharmed.
    s.push(bytearray(b"still *fine*\n"))
    s.finalize()
    assert [line.plain for line in s.new_committed()] == ["still fine"]


def test_good_options_are_taken():
    r = termark.Renderer(
        width=8,
        color="16",
        theme="light",
        hyperlinks=True,
        highlight=False,
        tab_width=8,
        wrap_code=False,
        heal=False,
        control_chars="drop",
        tail_rows=2,
        tentative_budget=None,
        highlight_threads=4,
    )
    assert r.width == 8
    # Width 8 and tab width 8: the tab fills the row, so the text wraps after it; the
    # ESC is dropped.
    assert [line.plain for line in r.render("a\tb \x1b[31mx\n")] == ["a", "b [31mx"]
    visible = termark.Renderer(width=20).render("a\tb \x1b[31mx\n")
    assert [line.plain for line in visible] == ["a    b \u241b[31mx"]
    termark.Renderer(width=4096, tentative_budget=0)


def test_control_chars_visible_by_default():
    line = termark.Renderer().render("a\x1bb\n")[0]
    assert line.plain == "a\u241bb"


def test_tail_rows_caps_the_tentative_lines():
    s = termark.Renderer(width=20, tail_rows=3).stream()
    s.push("word " * 100)
    tail = s.tentative()
    assert len(tail) == 3
