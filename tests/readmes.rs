//! What a reader of a README or changelog meets first: the lines before the first sentence
//! of prose, and the lines each table takes, stay under bounds set from the reviewed output
//! (badge rows, a centered HTML header, changelog headings with reference links, tables
//! with links in their cells). Rendered as a pipe shows them: no color, no OSC 8, so every
//! destination is listed as text.

use termark::{ColorDepth, LineKind, Lines, Options, Renderer};

/// Fixture, the words that start its first sentence of prose, and per width (40, 80, 120)
/// the most lines allowed before that sentence. The bounds are the reviewed output's counts
/// plus about 10% (badges 18/12/11, centered header 19/15/14, changelog 10/8/8, tables
/// 2/2/2; before the link and HTML work the badge row alone took 15 lines at 80 columns).
const CASES: &[(&str, &str, [usize; 3])] = &[
    (
        "badges.md",
        "Gizmo parses",
        [BADGES_40, BADGES_80, BADGES_120],
    ),
    (
        "centered.md",
        "Sprocket is a small",
        [CENTERED_40, CENTERED_80, CENTERED_120],
    ),
    (
        "changelog.md",
        "Fixed a panic",
        [CHANGELOG_40, CHANGELOG_80, CHANGELOG_120],
    ),
    (
        "tables.md",
        "The table below",
        [TABLES_40, TABLES_80, TABLES_120],
    ),
];
const BADGES_40: usize = 20;
const BADGES_80: usize = 14;
const BADGES_120: usize = 13;
const CENTERED_40: usize = 21;
const CENTERED_80: usize = 17;
const CENTERED_120: usize = 16;
const CHANGELOG_40: usize = 11;
const CHANGELOG_80: usize = 9;
const CHANGELOG_120: usize = 9;
const TABLES_40: usize = 3;
const TABLES_80: usize = 3;
const TABLES_120: usize = 3;

/// The most lines each table of `tables.md` may take, per width (40, 80, 120): measured
/// 7/7/7 for the table of links (a grid: cells sized without URLs) and 28/11/8 for the
/// table of options, plus about 10%.
const TABLE_LINES: [[usize; 3]; 2] = [[8, 8, 8], [31, 13, 9]];

fn render(name: &str, width: usize) -> Lines {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/readmes")
        .join(name);
    let text = std::fs::read_to_string(path).expect("fixture");
    let r = Renderer::new(
        Options::new()
            .with_width(width)
            .with_color(ColorDepth::Plain),
    )
    .expect("options");
    // As the binary reads a file: its definitions are known up front.
    let mut s = r.stream();
    s.predefine_links(&text);
    s.push(&text);
    s.finalize();
    s.take_committed()
}

#[test]
fn the_first_sentence_comes_soon() {
    for (name, words, bounds) in CASES {
        for (w, width) in [40, 80, 120].into_iter().enumerate() {
            let lines = render(name, width);
            let first = lines
                .iter()
                .position(|l| l.plain().contains(words))
                .unwrap_or_else(|| panic!("{name}: {words:?} not shown at {width}"));
            println!("{name} w{width}: {first} lines before the first sentence");
            assert!(
                first <= bounds[w],
                "{name} at {width} columns: {first} lines before {words:?} (bound {}):\n{}",
                bounds[w],
                lines.plain_text()
            );
        }
    }
}

#[test]
fn tables_take_few_lines() {
    for (w, width) in [40, 80, 120].into_iter().enumerate() {
        let lines = render("tables.md", width);
        let mut runs = Vec::new();
        let mut run = 0;
        for l in &lines {
            if matches!(l.kind(), LineKind::Table | LineKind::TableRule) {
                run += 1;
            } else if run > 0 {
                runs.push(run);
                run = 0;
            }
        }
        if run > 0 {
            runs.push(run);
        }
        println!("tables.md w{width}: {runs:?}");
        assert_eq!(
            runs.len(),
            2,
            "two tables at {width}:\n{}",
            lines.plain_text()
        );
        for (t, n) in runs.iter().enumerate() {
            assert!(
                *n <= TABLE_LINES[t][w],
                "table {t} at {width} columns takes {n} lines (bound {}):\n{}",
                TABLE_LINES[t][w],
                lines.plain_text()
            );
        }
    }
}
