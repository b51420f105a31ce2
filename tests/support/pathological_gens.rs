//! The pathological-input generators shared by `tests/pathological.rs` and
//! `benches/pathological.rs` (cmark's pathological suite, cmark-gfm advisories, long code
//! blocks and lists, many link reference definitions).
#![allow(
    dead_code,
    clippy::format_push_string,
    clippy::many_single_char_names,
    clippy::doc_markdown
)]

use std::fmt::Write as _;

/// A generator: name, the input for size `n`, and the `n` at which 4N is about 1 MB.
pub struct Gen {
    pub name: &'static str,
    pub make: fn(usize) -> String,
    /// `n` such that the 4N input is about 1 MB (just under 1 MiB: a longer line hits the
    /// stream's line cap, a different code path).
    pub full_n: usize,
    /// Known to be super-linear (FUZZING.md, "Pathological inputs"): run at 1/16 of the full
    /// size except in the `#[ignore]`d full-size test. None at present: the three quadratic
    /// nesting generators were fixed in 627c8b7.
    pub superlinear: bool,
}

pub fn nested_brackets(n: usize) -> String {
    "[".repeat(n) + "a" + &"]".repeat(n)
}
pub fn nested_quotes(n: usize) -> String {
    "> ".repeat(n) + "a"
}
pub fn nested_bullets(n: usize) -> String {
    "* ".repeat(n) + "a"
}
pub fn nested_dashes_newlines(n: usize) -> String {
    "- ".repeat(n) + "x" + &"\n".repeat(n)
}
/// `"e"` followed by k backticks, for k = 1, 2, 3, … until the input holds `n` bytes (it grows as k²/2, so
/// `n` is a byte count here, to keep N, 2N, 4N twice the input each).
pub fn backtick_runs(n: usize) -> String {
    let mut s = String::new();
    let mut k = 1;
    while s.len() < n {
        s.push('e');
        s.push_str(&"`".repeat(k));
        k += 1;
    }
    s
}
pub fn link_angle_open(n: usize) -> String {
    "[a](<b".repeat(n)
}
pub fn html_comment_opens(n: usize) -> String {
    "</".to_owned() + &"<!--".repeat(n)
}
/// One HTML block: a link with a long destination and `n` styles left open, then `n`
/// paragraphs (each leaf applies the open elements again).
pub fn html_unclosed(n: usize) -> String {
    format!(
        "<div>\n<a href=\"https://e.test/{}\">{}{}\n",
        "u".repeat(200),
        "<b><i>".repeat(n),
        "<p>x".repeat(n)
    )
}
pub fn empty_images(n: usize) -> String {
    "![[]()".repeat(n)
}
pub fn quote_emphasis(n: usize) -> String {
    ">".repeat(n) + &"a*".repeat(n)
}
pub fn emphasis_mix(n: usize) -> String {
    "*a **a ".repeat(n)
}
pub fn underscores(n: usize) -> String {
    "_".repeat(n) + "a"
}
/// A table of `n` rows and 64 columns.
pub fn table_rows(n: usize) -> String {
    table(64, n)
}
/// A table of `n` columns and 8 rows.
/// cmark-gfm's advisory shape: a header row of `n` columns over `n` one-cell rows, whose
/// missing cells a GFM parser fills in (`n²` cells from `6n` bytes).
pub fn table_autofill(n: usize) -> String {
    let mut s = "|a".repeat(n) + "|\n" + &"|-".repeat(n) + "|\n";
    for _ in 0..n {
        s.push_str("|x|\n");
    }
    s
}
pub fn table_cols(n: usize) -> String {
    table(n, 8)
}
pub fn table(cols: usize, rows: usize) -> String {
    let mut s = String::from("|");
    for c in 0..cols {
        let _ = write!(s, " h{c} |");
    }
    s.push_str("\n|");
    for c in 0..cols {
        s.push_str(["---|", ":--|", ":-:|", "--:|"][c % 4]);
    }
    s.push('\n');
    for r in 0..rows {
        s.push('|');
        for c in 0..cols {
            let _ = write!(s, " {} |", (r * 7 + c) % 1000);
        }
        s.push('\n');
    }
    s
}
pub fn cr_vt(n: usize) -> String {
    "aaa\rbbb\n-\u{b}\n".repeat(n)
}
pub fn image_opens(n: usize) -> String {
    "![p".repeat(n)
}
/// One definition with a long destination and `n` references to it.
pub fn refdef_refs(n: usize) -> String {
    "[x]: ".to_owned() + &"x".repeat(n) + "\n" + &"[x]".repeat(n)
}
/// A fenced code block of `n` lines.
pub fn code_block(n: usize) -> String {
    let mut s = String::from("```rust\n");
    for i in 0..n {
        let _ = writeln!(s, "    let v{i} = compute({i}, \"text\"); // comment {i}");
    }
    s.push_str("```\n");
    s
}
/// A list of `n` items, with some nesting.
pub fn long_list(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i % 5 == 4 {
            let _ = writeln!(s, "  - nested item {i} with *emphasis*");
        } else {
            let _ = writeln!(s, "- item {i} with some words to wrap around the width");
        }
    }
    s
}

/// `n` thematic breaks, each its own block: a rule is as wide as the line, so the output
/// would grow with the width, not the source, without the output bound.
pub fn thematic_breaks(n: usize) -> String {
    "***\n\n".repeat(n)
}
/// A code block of `n` one-character lines (each row is padded under a code background).
pub fn short_code_lines(n: usize) -> String {
    "```\n".to_owned() + &"x\n".repeat(n) + "```\n"
}
/// A table of 8 long header names over `n` rows of one-character cells: too wide for a
/// grid, so every cell is a `header: value` record that repeats its header.
pub fn records_long_header(n: usize) -> String {
    let mut s = String::from("|");
    for c in 0..8 {
        let _ = write!(s, " {}{c} |", "column_with_a_long_name_".repeat(3));
    }
    s.push_str("\n|");
    s.push_str(&"---|".repeat(8));
    s.push('\n');
    for _ in 0..n {
        s.push_str("|a|b|c|d|e|f|g|h|\n");
    }
    s
}
/// Rows of one-character cells (a grid whose borders and styles outweigh its text).
pub fn one_char_cells(n: usize) -> String {
    "|a|b|c|d|e|f|g|h|\n|-|-|-|-|-|-|-|-|\n".to_owned() + &"|a|b|c|d|e|f|g|h|\n".repeat(n)
}
/// One definition with a 2,000-byte destination, then `n` paragraphs that each use it.
pub fn long_url_many_blocks(n: usize) -> String {
    format!("[x]: https://e.test/{}\n\n", "y".repeat(2000)) + &"[x]\n\n".repeat(n)
}

/// One definition with a 1,000-byte `https` destination and `n` table cells linking to it
/// (with hyperlinks on, every link would carry the whole URL).
pub fn osc8_repeated_url(n: usize) -> String {
    format!("[x]: https://e.test/{}\n\n| a |\n|---|\n", "y".repeat(1000)) + &"| [x] |\n".repeat(n)
}

/// `n` link reference definitions in one run of lines (no blank line between), then one
/// paragraph that references every one of them.
pub fn refdef_run(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "[d{i}]: https://example.com/{i} \"t{i}\"");
    }
    s.push('\n');
    for i in 0..n {
        let _ = write!(s, "[d{i}] ");
    }
    s.push('\n');
    s
}
/// `n` definitions, each followed by a paragraph that references it and the one before,
/// blocks separated by blank lines: every commit region holds definitions.
pub fn refdef_interleaved(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(
            s,
            "[d{i}]: /u{i}\ntext [d{i}] and [d{}] here\n",
            i.saturating_sub(1)
        );
    }
    s
}

pub const GENS: &[Gen] = &[
    Gen {
        name: "nested_brackets",
        make: nested_brackets,
        full_n: 120 * 1024,
        superlinear: false,
    },
    Gen {
        name: "nested_quotes",
        make: nested_quotes,
        full_n: 120 * 1024,
        superlinear: false,
    },
    Gen {
        name: "nested_bullets",
        make: nested_bullets,
        full_n: 120 * 1024,
        superlinear: false,
    },
    Gen {
        name: "nested_dashes_newlines",
        make: nested_dashes_newlines,
        full_n: 85 * 1024,
        superlinear: false,
    },
    Gen {
        name: "backtick_runs",
        make: backtick_runs,
        full_n: 240 * 1024,
        superlinear: false,
    },
    Gen {
        name: "link_angle_open",
        make: link_angle_open,
        full_n: 40 * 1024,
        superlinear: false,
    },
    Gen {
        name: "html_comment_opens",
        make: html_comment_opens,
        full_n: 60 * 1024,
        superlinear: false,
    },
    Gen {
        name: "html_unclosed",
        make: html_unclosed,
        full_n: 24 * 1024,
        superlinear: false,
    },
    Gen {
        name: "empty_images",
        make: empty_images,
        full_n: 40 * 1024,
        superlinear: false,
    },
    Gen {
        name: "quote_emphasis",
        make: quote_emphasis,
        full_n: 85 * 1024,
        superlinear: false,
    },
    Gen {
        name: "emphasis_mix",
        make: emphasis_mix,
        full_n: 34 * 1024,
        superlinear: false,
    },
    Gen {
        name: "underscores",
        make: underscores,
        full_n: 240 * 1024,
        superlinear: false,
    },
    Gen {
        name: "table_rows",
        make: table_rows,
        full_n: 700,
        superlinear: false,
    },
    Gen {
        name: "table_cols",
        make: table_cols,
        full_n: 4 * 1024,
        superlinear: false,
    },
    Gen {
        name: "cr_vt",
        make: cr_vt,
        full_n: 20 * 1024,
        superlinear: false,
    },
    Gen {
        name: "image_opens",
        make: image_opens,
        full_n: 80 * 1024,
        superlinear: false,
    },
    // cmark-gfm's advisory shape; pulldown-cmark stops filling cells in after 2^18 of them
    // (the rest of the rows is a paragraph), so 4N is about 1 MB of which most is text.
    Gen {
        name: "table_autofill",
        make: table_autofill,
        full_n: 43_000,
        superlinear: false,
    },
    Gen {
        name: "refdef_refs",
        make: refdef_refs,
        full_n: 60 * 1024,
        superlinear: false,
    },
    // 5,000 lines at N (the issue's size), 20,000 (about 1 MB) at 4N.
    Gen {
        name: "code_block",
        make: code_block,
        full_n: 5_000,
        superlinear: false,
    },
    // 2,000 items at N.
    Gen {
        name: "long_list",
        make: long_list,
        full_n: 2_000,
        superlinear: false,
    },
    // Many definitions: quadratic once in the definition-group path (FUZZING.md, the final
    // review of session 3); about 52 and 49 bytes per definition.
    Gen {
        name: "refdef_run",
        make: refdef_run,
        full_n: 4_800,
        superlinear: false,
    },
    Gen {
        name: "refdef_interleaved",
        make: refdef_interleaved,
        full_n: 5_000,
        superlinear: false,
    },
    // Shapes whose output would grow with the width or the decoration rather than the
    // source: the output bound (16 bytes per input byte and 64 KiB) must hold for them.
    Gen {
        name: "thematic_breaks",
        make: thematic_breaks,
        full_n: 50_000,
        superlinear: false,
    },
    Gen {
        name: "short_code_lines",
        make: short_code_lines,
        full_n: 125_000,
        superlinear: false,
    },
    Gen {
        name: "records_long_header",
        make: records_long_header,
        full_n: 14_000,
        superlinear: false,
    },
    Gen {
        name: "one_char_cells",
        make: one_char_cells,
        full_n: 14_000,
        superlinear: false,
    },
    Gen {
        name: "osc8_repeated_url",
        make: osc8_repeated_url,
        full_n: 30_000,
        superlinear: false,
    },
];
