#!/usr/bin/env python3
"""Writes the Markdown seed documents (seeds/markdown/*.md). All text is written for this
project. Run from fuzz/seeds; then run build_corpus.py."""
import os

D = {}

D["headings"] = "# One\n## Two ##\n### Three ###   \n#### Four\n##### Five\n###### Six\n####### not a heading\n#hashtag\n\n# \n\n#    spaced    #\n"
D["setext"] = "Title one\n=========\n\nTitle *two*\nover lines\n---\n\nnot a heading\n= = =\n\n- item\n---\n"
D["bullets"] = "- alpha\n- beta\n  continued lazily\n* star\n+ plus\n\n- loose\n\n- items\n"
D["ordered"] = "1. one\n2. two\n3) paren\n\n7. starts at seven\n8. eight\n\n123456789. big\n0. zero\n"
D["nested_lists"] = "- a\n  - b\n    - c\n      - d\n        1. e\n           - f\n- g\n\n  para in g\n\n      indented code in g\n"
D["tasks"] = "- [ ] open task\n- [x] done task\n- [X] also done\n  - [ ] nested task\n1. [ ] ordered task\n- [ ]\n- [x]not a task\n"
D["quotes"] = "> quote\n> > nested\n> > > deeper\nlazy continuation\n\n> - list in quote\n>   more\n> ```\n> code in quote\n> ```\n\n>\n> empty first line\n"
D["quote_lazy"] = "> para starts\nlazy line\n> back\n- not lazy\n\n> # heading in quote\n> ---\n"
D["fences"] = "```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n~~~python title=\"x.py\"\ndef f(x):\n\treturn x\n~~~\n\n````\n```\nnested backticks\n```\n````\n\n```unknown-lang {.class}\nplain\n```\n\n  ```js\n  indented fence\n    keep\n  ```\n\n```\nunterminated fence\n"
D["fence_info_entities"] = "``` &lt;b&gt;&#27;[31m \\`x\nbody\n```\n\n~~~ `backtick` info ok\nx\n~~~~~\n\n```diff\n+ added\n- removed\n@@ hunk @@\n```\n"
D["indented_code"] = "para\n\n    code line 1\n\tcode with tab\n\n    after blank\n  not code\n\n        eight spaces\n"
D["html_blocks"] = "<div class=\"x\">\n*not emphasis*\n</div>\n\n<!-- a comment\nspanning -->\n\n<script>\nalert(1)\n</script>\n\n<?php echo 1; ?>\n\n<!DOCTYPE html>\n\n<![CDATA[\nraw\n]]>\n\ninline <b>html</b> and <span\nclass=a>split</span>\n"
D["tables"] = "| left | center | right | none |\n|:-----|:------:|------:|------|\n| a | b | c | d |\n| escaped \\| pipe | `code \\| pipe` | **bold** | [l](u) |\n| short |\n| too | many | cells | here | extra |\n\nno | leading\n--- | ---\nx | y\n"
D["table_wide"] = "| " + " | ".join("column %d with long header text" % i for i in range(8)) + " |\n|" + "---|" * 8 + "\n" + ("| " + " | ".join("cell %d lorem ipsum dolor sit amet" % i for i in range(8)) + " |\n") * 3
D["table_cjk"] = "| 名前 | 値 |\n|---|--:|\n| 中文字符串很长很长很长 | 👍 |\n| e\u0301 | 👨\u200d👩\u200d👧 |\n"
D["footnotes"] = "Text with a note[^1] and another[^long label].\n\n[^1]: The note.\n    Continued.\n\n[^long label]: Second *note*\n\n    with a paragraph.\n\nUse after[^1] and undefined[^nope].\n"
D["linkdefs"] = "[before] use comes first.\n\n[before]: https://example.test/before \"Title\"\n\nNow [before] and [after] and [After][] and [x][AFTER].\n\n[after]: <https://example.test/a b> 'single'\n[after]: https://example.test/dupe\n\n![img][after] and ![inline](https://example.test/i.png \"t\")\n"
D["links"] = "[text](https://example.test/path?q=1&r=2) <https://auto.test/> <mail@example.test>\n[same](same) [empty]() [ws](<a b>) [nested [brackets]](u)\n[esc\\]aped](u\\)v) ![alt *em*](img.png)\nhttps://bare.test not autolinked\n"
D["inlines"] = "*em* _em_ **strong** __strong__ ***both*** ~~strike~~ `code` `` co`de `` \\*literal\\*\nhard break with spaces  \nhard break with backslash\\\nsoft\nbreak *unclosed **mixed* nesting**\n"
D["crlf"] = "# CRLF heading\r\n\r\n- item\r\n- item two\r\n\r\n```\r\ncode\r\n```\r\n\r\npara\r\nline\r\n| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n"
D["bare_cr"] = "one\rtwo\r\rthree\n\rfour\r"
D["tabs"] = "-\titem with tab\n\t- nested by tab\n>\tquote tab\n\ttab code\n\n```\n\ta\tb\t\tc\n```\n\npara\twith\ttabs\n"
D["cjk"] = "中文段落，包含很多很多汉字，用来测试按显示宽度折行是否正确。日本語のテキストも少し。한국어 텍스트.\n\n# 标题\n\n- 列表项目\n\n全角スペース\u3000入り\n"
D["emoji"] = "Family 👨\u200d👩\u200d👧\u200d👦 flag 🇫🇷🇩🇪 skin 👍🏽 keycap 1\ufe0f\u20e3 warn \u26a0\ufe0f rainbow 🏳\ufe0f\u200d🌈\n\n" + "👨\u200d👩\u200d👧\u200d👦" * 30 + "\n"
D["combining"] = "e\u0301e\u0301e\u0301 a\u0308\u0304\u0323 Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035a\n\n\u0301leading combining\n\n" + "x" + "\u0300" * 200 + "\n"
D["controls"] = "bell \x07 esc \x1b[31mred\x1b[0m osc \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ bs \x08 nul \x00 del \x7f\n\ncsi8 \u009b31m c1 \u0085 \u008d\n\nbidi \u202eevil\u202c \u2066iso\u2069\n\n```\ncode \x1b[2J\x07 \u009b\n```\n\n`inline \x1b[1m`\n"
D["entities"] = "&#27;[31m red? &#x1b;]8;;x&#x1b;\\ &#x9b;1m &#155; &#x85; &#7; &#0; &#x202e;rtl &amp; &copy; &nbsp;x &bogus; &#xFFFFFF;\n\n[l](&#27;[2J) ![i](a&#x9b;b)\n\n```&#27;\nx\n```\n"
D["thematic"] = "***\n---\n___\n* * *\n- - -\n_ _ _ _\npara\n***\n"
D["mixed_doc"] = "# Release notes\n\nSome *intro* with a [link][docs] and `code`.\n\n1. First\n   - sub with **bold**\n   - [ ] task\n2. Second\n\n> Note: quoted\n> > twice\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```toml\n[package]\nname = \"x\"\n```\n\n[docs]: https://docs.test/\n\nFootnote[^n].\n\n[^n]: here.\n"
D["empty"] = ""
D["only_blank"] = "\n\n   \n\t\n"
D["no_newline"] = "# heading without newline"
D["invalid_utf8_marker"] = "valid then INVALID"
# Small instances of the pathological generators (tests/pathological.rs).
n = 40
D["path_brackets"] = "[" * n + "a" + "]" * n
D["path_quotes"] = "> " * n + "a"
D["path_stars_list"] = "* " * n + "a"
D["path_dash_list"] = "- " * n + "x" + "\n" * n
D["path_backticks"] = "".join("e" + "`" * k for k in range(1, n))
D["path_link_angle"] = "[a](<b" * n
D["path_html_comment"] = "</" + "<!--" * n
D["path_images"] = "![[]()" * n
D["path_quote_emph"] = ">" * n + "a*" * n
D["path_emph_mix"] = "*a **a " * n
D["path_underscores"] = "_" * n + "a"
D["path_table"] = "|" + "c|" * 30 + "\n|" + "-|" * 30 + "\n" + ("|" + "x|" * 30 + "\n") * 10
D["path_cr_vt"] = "aaa\rbbb\n-\v\n" * 10
D["path_image_open"] = "![p" * n
D["path_refdef"] = "[x]: " + "x" * 50 + "\n" + "[x]" * n
D["path_codeblock"] = "```\n" + "".join("line %d\n" % i for i in range(50)) + "```\n"
D["path_list"] = "".join("- item %d\n" % i for i in range(50))

# Minimal repros of the findings in FUZZING.md (regression seeds).
D["regress_1_vs16"] = "abcdefg1&#xfe0f;\n\nabcdefg1**\ufe0f**\n"
D["regress_2_bare_cr"] = "urr\n- \rf\n\nu\n"
D["regress_3_fence_blank_end"] = "```\n   "
D["regress_4_fence_close_tab"] = "o\n```\n```\t\n```\n#\n"
D["regress_5_duplicate_def"] = "[x]:a\nR\n\n[x]:'\n[x]"
D["regress_6_tight_item_emphasis"] = "1.\n\n2. *a*\n- *b* c\n"
D["regress_7_space_mark"] = "aaa bb ccb \u0301x\n"
D["regress_8_fence_bare_cr"] = "wo\n```\n```\rx\n\n```\n\r"
D["regress_9_code_vs16"] = "```toml\nx \u26a0\ufe0fxxxxxxx\n```\n"
D["regress_10_fence_tab_end"] = "```\n\t"
D["regress_11_drop_joins_vs16"] = "```\n test2\x7f\ufe0fine\n```\n"
D["regress_12_fence_spaces_end"] = "~~~\n    "
D["regress_13_two_units_one_line"] = "n\n\n[^l]:[^1]:\n"
D["regress_14_fence_trailing_crs"] = "# h\n\n```toml\nnbmp[p\0\0\r\r\r\r\r\r\r\r"
D["regress_15_tail_style_leak"] = "- <t>e\n>\ufffd"
D["regress_16_fence_cr_before_last_byte"] = "~~~py\n\0_\0\r\0"
D["regress_18_cut_at_bare_cr"] = "```\r\r`\n\n[s]:e\n\np\r```\n\nx\n"
D["regress_19_cut_inside_definition"] = "`\n\n[\ns]:h\r\r.\n"
D["regress_20_cut_inside_duplicate_definition"] = "[s]:h\r\u0001\n\n[\ns]:h\r\r.\n"
D["regress_17_definition_run"] = "x before]:p\nN\n\n[x before]:e\n[^\r\0]:t\n\n.\n\n[e]:e\n[^\nx]:t"

os.makedirs("markdown", exist_ok=True)
for name, text in D.items():
    data = text.encode("utf-8")
    if name == "invalid_utf8_marker":
        data = data.replace(b"INVALID", b"\xff\xfe \xe2\x82 \xf0\x9f\x91 \xc0\xaf \xed\xa0\x80")
    with open(os.path.join("markdown", name + ".md"), "wb") as f:
        f.write(data)
print(len(D), "documents")
