//! GFM tables: column widths that fit the width, wrapped cells, alignment, box borders.
//!
//! ```text
//! ┌──────┬───────────┐
//! │ Name │     Value │
//! ├──────┼───────────┤
//! │ a    │         1 │
//! └──────┴───────────┘
//! ```
//! Column widths are chosen for the fewest lines. When the natural widths (each column's
//! widest cell on one line) do not fit, every column first gets its longest word; then as
//! many rows as possible are put on one line each, cheapest rows first; the rest of the
//! width goes, step by step, to the column where it saves the most lines per column given;
//! width that saves no line goes to the columns that still wrap. The classic share (in
//! proportion to what each column still wants) is kept when it takes fewer lines. The line
//! counts are estimates (greedy word wrap on the cells' word widths), bounded in work
//! ([`SIZING_WORK`]); the cells are then wrapped by the real wrapper. When even the longest
//! words do not fit, the widest columns are capped equally. Cells wrap at spaces and break
//! overlong words at grapheme clusters, so no text is lost and rows stay aligned by display
//! width (CJK and emoji included). A rule separates two body rows only when one of them
//! takes more than one line ([`TableRules`]). A cramped table, whose longest words do not
//! fit with padded cells, drops the space padding inside the borders. In the tentative tail
//! each column's natural width only grows from render to render (`kept`), so the borders of
//! a streaming table that fits do not jump.
//!
//! A table whose grid would have to break words inside cells (the columns' longest words do
//! not fit side by side even without padding), whose columns cannot get
//! [`MIN_COLUMN_WIDTH`] columns each, or with more than [`MAX_GRID_COLUMNS`] columns is shown
//! as records instead: one `header: value` line per cell that holds text (wrapped at
//! spaces; the empty cells a parser fills into short rows take no line, and a row without
//! text takes none), with a rule as wide as the record above it between rows. A value's
//! wrapped lines hang under its first column. So the output of a table stays linear in its
//! source, even for a header of hundreds of columns over one-cell rows.
//!
//! The output is also capped: a table may cost [`TABLE_OUTPUT_PER_BYTE`] bytes (estimated,
//! escape sequences included) per byte of its source, a CRLF line ending counted as one
//! byte (so line endings never change the layout). A grid that would cost more is
//! drawn as records; records stop at the budget and end with a marker line
//! (`… 12 more cells not shown`), and cells past [`MAX_RECORD_COLUMNS`] columns are counted
//! on it (`… 380 more columns not shown`). Real tables never come near it (4× to 12×);
//! only shapes such as thousands of 1-character cells or a long header repeated as every
//! record's label do.

use crate::line::{LineKind, Lines};
use crate::options::{Options, TableRules};
use crate::style::Style;
use crate::width::str_width;
use crate::wrap::{self, push_spaces, LineSink, Piece};
use pulldown_cmark::Alignment;

/// Narrowest column of the grid layout, in columns (when a column's content is wider).
pub(crate) const MIN_COLUMN_WIDTH: usize = 3;
/// Tables with more columns are laid out as records.
pub(crate) const MAX_GRID_COLUMNS: usize = 64;

#[derive(Clone, Copy, Debug)]
struct RowRec {
    first_cell: u32,
    head: bool,
}

/// The rows and cells of the open table, as ranges of the layout's inline pieces, and the
/// buffers its layout reuses.
#[derive(Clone, Debug, Default)]
pub(crate) struct TableScratch {
    aligns: Vec<Alignment>,
    /// The open table's source, in bytes, a CRLF counted as one (its output is bounded by
    /// it).
    source_bytes: usize,
    rows: Vec<RowRec>,
    cells: Vec<(u32, u32)>,
    cell_start: u32,
    in_head: bool,
    seen_head: bool,
    /// The wrapped lines of every cell, row by row, and where each cell's lines end.
    cell_lines: Lines,
    cell_ends: Vec<u32>,
    /// A rule line's text.
    rule: String,
    /// The words of every cell (for the column sizing).
    words: Vec<u32>,
    /// The wrapper of the cells.
    wrapper: wrap::Wrapper,
    /// Keep column widths (the tentative tail of an open table): each column's natural
    /// width is at least the one in `kept`, which is updated, so the borders of a
    /// streaming table do not jump from render to render (they only move outwards).
    pub(crate) keep: bool,
    pub(crate) kept: Vec<usize>,
}

impl TableScratch {
    /// Empties the buffers for another message, keeping their capacity.
    pub(crate) fn recycle(&mut self) {
        self.begin(&[], "");
        self.cell_lines.clear();
        self.cell_ends.clear();
        self.rule.clear();
        self.words = Vec::new();
        self.wrapper.recycle();
        self.keep = false;
        self.kept.clear();
    }
    /// Begins a table whose Markdown source is `source`.
    pub(crate) fn begin(&mut self, aligns: &[Alignment], source: &str) {
        // A CRLF ends a line as LF does: one byte of budget, or the CRLF version of a table
        // would get a larger budget and could be drawn as a grid where the LF one is not.
        let crlfs = source
            .as_bytes()
            .windows(2)
            .filter(|w| w == b"\r\n")
            .count();
        self.source_bytes = source.len() - crlfs;
        self.aligns.clear();
        self.aligns.extend_from_slice(aligns);
        self.rows.clear();
        self.cells.clear();
        self.seen_head = false;
        self.in_head = false;
    }
    pub(crate) fn begin_row(&mut self) {
        self.in_head = !self.seen_head;
        self.seen_head = true;
        self.rows.push(RowRec {
            first_cell: self.cells.len() as u32,
            head: self.in_head,
        });
    }
    pub(crate) fn end_row(&mut self) {
        self.in_head = false;
    }
    pub(crate) fn in_head(&self) -> bool {
        self.in_head
    }
    pub(crate) fn begin_cell(&mut self, piece: usize) {
        self.cell_start = piece as u32;
    }
    pub(crate) fn end_cell(&mut self, piece: usize) {
        self.cells.push((self.cell_start, piece as u32));
    }
    pub(crate) fn heap_bytes(&self) -> usize {
        self.aligns.capacity()
            + self.rows.capacity() * 8
            + self.cells.capacity() * 8
            + self.cell_lines.heap_bytes()
            + self.cell_ends.capacity() * 4
            + self.rule.capacity()
            + self.words.capacity() * 4
    }
    fn row_cells(&self, r: usize) -> &[(u32, u32)] {
        let (s, e) = self.row_cell_range(r);
        &self.cells[s..e]
    }
    fn row_cell_range(&self, r: usize) -> (usize, usize) {
        let s = self.rows[r].first_cell as usize;
        let e = self
            .rows
            .get(r + 1)
            .map_or(self.cells.len(), |n| n.first_cell as usize);
        (s, e)
    }
}

/// Writes the table to `sink` within `avail` columns.
#[allow(clippy::needless_range_loop)] // rows and columns index several parallel arrays
pub(crate) fn render<S: LineSink>(
    t: &mut TableScratch,
    pieces: &[Piece<'_>],
    avail: usize,
    cfg: &Options,
    sink: &mut S,
) {
    let ncols = t.aligns.len().max(
        (0..t.rows.len())
            .map(|r| t.row_cells(r).len())
            .max()
            .unwrap_or(0),
    );
    if ncols == 0 || t.rows.is_empty() {
        return;
    }
    let mut pad = 1;
    let mut natural = vec![0usize; ncols];
    let mut min_word = vec![0usize; ncols];
    // Each cell's width on one line and its words, for the column sizing.
    let nrows = t.rows.len();
    let mut cell_natural = vec![0usize; nrows * ncols];
    let mut words = std::mem::take(&mut t.words);
    words.clear();
    let mut word_ends = vec![0u32; nrows * ncols];
    for r in 0..nrows {
        let cells = t.row_cells(r);
        for c in 0..ncols {
            if let Some(&(s, e)) = cells.get(c) {
                let (n, m) = measure(&pieces[s as usize..e as usize], cfg.tab_width, &mut words);
                natural[c] = natural[c].max(n);
                min_word[c] = min_word[c].max(m);
                cell_natural[r * ncols + c] = n;
            }
            word_ends[r * ncols + c] = words.len() as u32;
        }
    }
    if t.keep {
        for (c, n) in natural.iter_mut().enumerate() {
            *n = (*n).max(t.kept.get(c).copied().unwrap_or(0));
        }
        t.kept.clear();
        t.kept.extend_from_slice(&natural);
    }
    // Cramped tables (the longest words do not fit with padded cells) drop the padding.
    let mins: usize = natural.iter().zip(&min_word).map(|(&n, &m)| m.min(n)).sum();
    if mins + 3 * ncols + 1 > avail {
        pad = 0;
    }
    let border = (2 * pad + 1) * ncols + 1;
    let floor: usize = natural.iter().map(|&n| n.min(MIN_COLUMN_WIDTH)).sum();
    // When even unpadded cells cannot hold every column's longest word, a grid would break
    // words inside cells (`12,90` / `0`): records keep them whole.
    let words_break = mins + ncols + 1 > avail;
    if ncols > MAX_GRID_COLUMNS || avail < border + floor || words_break {
        t.words = words;
        records(t, pieces, ncols, avail, cfg, sink);
        return;
    }
    let cell_words: Vec<&[u32]> = (0..nrows * ncols)
        .map(|i| {
            let start = i.checked_sub(1).map_or(0, |p| word_ends[p] as usize);
            &words[start..word_ends[i] as usize]
        })
        .collect();
    let widths = column_widths(
        &natural,
        &min_word,
        &cell_natural,
        &cell_words,
        avail - border,
    );
    drop(cell_words);
    t.words = words;
    // Wrap every cell into one buffer: cell (r, c) is lines
    // `cell_ends[r * ncols + c - 1]..cell_ends[r * ncols + c]`.
    let mut cell_lines = std::mem::take(&mut t.cell_lines);
    cell_lines.clear();
    let mut cell_ends = std::mem::take(&mut t.cell_ends);
    cell_ends.clear();
    let mut row_heights = Vec::with_capacity(t.rows.len());
    for r in 0..t.rows.len() {
        let (first_cell, cells_end) = t.row_cell_range(r);
        let mut h = 1;
        for c in 0..ncols {
            let before = cell_lines.len();
            if let Some(&(s, e)) = t.cells[first_cell..cells_end].get(c) {
                let cell = &pieces[s as usize..e as usize];
                if one_ascii_line(cell, widths[c]) {
                    // What the wrapper makes of it, without the wrapper.
                    for p in cell {
                        if let Piece::Text { text, style, link } = *p {
                            cell_lines.push_measured(text, style, link, text.len());
                        }
                    }
                    cell_lines.end_line();
                    #[cfg(debug_assertions)]
                    {
                        let mut wrapped = Lines::new();
                        let avail = widths[c].max(1);
                        wrap::wrap_with(
                            &mut t.wrapper,
                            cell,
                            avail,
                            cfg.tab_width,
                            &mut super::Plain(&mut wrapped),
                        );
                        let last = cell_lines.iter().next_back().map(line_look);
                        let spans = wrapped.iter().next_back().map(line_look);
                        debug_assert_eq!((wrapped.len(), last), (1, spans), "{cell:?}");
                    }
                } else if e > s {
                    wrap::wrap_with(
                        &mut t.wrapper,
                        cell,
                        widths[c].max(1),
                        cfg.tab_width,
                        &mut super::Plain(&mut cell_lines),
                    );
                }
            }
            h = h.max(cell_lines.len() - before);
            cell_ends.push(cell_lines.len() as u32);
        }
        row_heights.push(h);
    }
    // A grid whose rows are tall next to many narrow columns costs more output than its
    // source allows (a column of 3 spaced letters per line beside 19 others): records
    // then, which cost in proportion to the text.
    let line_cost = (ncols + 1) * (3 + SPAN_COST) + widths.iter().sum::<usize>() + 2 * pad * ncols;
    let rules = 2
        + (1..nrows)
            .filter(|&r| match cfg.table_rules {
                TableRules::Auto => {
                    row_heights[r - 1] > 1 || row_heights[r] > 1 || t.rows[r - 1].head
                }
                TableRules::Always => true,
                TableRules::Never => t.rows[r - 1].head,
            })
            .count();
    let rule_cost = 3 * (border + widths.iter().sum::<usize>()) + SPAN_COST;
    let grid_cost = row_heights.iter().sum::<usize>() * line_cost + rules * rule_cost;
    if grid_cost > output_budget(t) {
        t.cell_lines = cell_lines;
        t.cell_ends = cell_ends;
        records(t, pieces, ncols, avail, cfg, sink);
        return;
    }
    let theme = &cfg.theme;
    let b = theme.table_border;

    let mut rule = std::mem::take(&mut t.rule);
    rule_line(sink, &mut rule, &widths, pad, ["┌", "┬", "┐"], b);
    // The rule between rows, built once.
    let mut mid = String::new();
    let mut mid_width = 0;
    for r in 0..t.rows.len() {
        if r > 0 {
            let after_head = t.rows[r - 1].head && !t.rows[r].head;
            let rule = match cfg.table_rules {
                TableRules::Auto => row_heights[r - 1] > 1 || row_heights[r] > 1,
                TableRules::Always => true,
                TableRules::Never => false,
            };
            if after_head || rule {
                if mid.is_empty() {
                    mid_width = build_rule(&mut mid, &widths, pad, ["├", "┼", "┤"]);
                }
                sink.kind(LineKind::TableRule);
                sink.begin();
                sink.push(&mid, b, None, mid_width);
                sink.end();
            }
        }
        sink.kind(LineKind::Table);
        for k in 0..row_heights[r] {
            sink.begin();
            sink.push("│", b, None, 1);
            for c in 0..ncols {
                let i = r * ncols + c;
                let first = i.checked_sub(1).map_or(0, |p| cell_ends[p] as usize);
                let line = (first + k < cell_ends[i] as usize)
                    .then(|| cell_lines.get(first + k))
                    .flatten();
                let lw = line.map_or(0, |l| l.width());
                let slack = widths[c].saturating_sub(lw);
                let (left, right) = match t.aligns.get(c).copied().unwrap_or(Alignment::None) {
                    Alignment::Right => (slack, 0),
                    Alignment::Center => (slack / 2, slack - slack / 2),
                    Alignment::Left | Alignment::None => (0, slack),
                };
                push_spaces(sink, pad + left, Style::PLAIN, None);
                if let Some(line) = line {
                    for span in line.spans() {
                        sink.push(span.text, span.style, span.link, str_width(span.text));
                    }
                }
                push_spaces(sink, right + pad, Style::PLAIN, None);
                sink.push("│", b, None, 1);
            }
            sink.end();
        }
    }
    rule_line(sink, &mut rule, &widths, pad, ["└", "┴", "┘"], b);
    t.rule = rule;
    t.cell_lines = cell_lines;
    t.cell_ends = cell_ends;
}

/// Writes a rule line (`┌──┬──┐` and the like) in one push, built in `buf`.
fn rule_line<S: LineSink>(
    sink: &mut S,
    buf: &mut String,
    widths: &[usize],
    pad: usize,
    parts: [&str; 3],
    style: Style,
) {
    let width = build_rule(buf, widths, pad, parts);
    sink.kind(LineKind::TableRule);
    sink.begin();
    sink.push(buf, style, None, width);
    sink.end();
    sink.kind(LineKind::Table);
}

/// The text of a rule line in `buf`; returns its width in columns.
fn build_rule(buf: &mut String, widths: &[usize], pad: usize, parts: [&str; 3]) -> usize {
    const RULE: &str = "────────────────────────────────";
    buf.clear();
    buf.push_str(parts[0]);
    let mut width = 1;
    for (i, w) in widths.iter().enumerate() {
        let mut n = w + 2 * pad;
        while n > 0 {
            let k = n.min(32);
            buf.push_str(&RULE[..k * '─'.len_utf8()]);
            n -= k;
        }
        buf.push_str(if i + 1 == widths.len() {
            parts[2]
        } else {
            parts[1]
        });
        width += w + 2 * pad + 1;
    }
    width
}

/// (natural width, longest unbreakable word), in columns, measured on whole grapheme
/// clusters as the wrapper measures them. The natural width is that of the widest line
/// between hard breaks: the width at which the cell takes its fewest lines (one per hard
/// break, plus one).
/// The cell's words (widths in columns, [`BREAK`] for a hard break, [`GLUE`] on a word that
/// follows the previous one without a space) are appended to `words`.
fn measure(pieces: &[Piece<'_>], tab: usize, words: &mut Vec<u32>) -> (usize, usize) {
    let mut natural = 0;
    // The width of the line since the last hard break.
    let mut line = 0;
    let mut longest = 0;
    let mut word = 0;
    // The word being measured starts right after a wide cluster (no space between).
    let mut glued = false;
    // The last cluster was a wide one: a word starting now is glued to it.
    let mut after_wide = false;
    let end_word = |words: &mut Vec<u32>, word: &mut usize, glued: bool| {
        if *word > 0 {
            words.push(*word as u32 | if glued { GLUE } else { 0 });
        }
        *word = 0;
    };
    for p in pieces {
        let Piece::Text { text, .. } = *p else {
            longest = longest.max(word);
            end_word(words, &mut word, glued);
            words.push(BREAK);
            natural = natural.max(line);
            line = 0;
            after_wide = false;
            continue;
        };
        let b = text.as_bytes();
        if crate::width::is_printable_ascii(b) {
            // One column and one cluster per byte: the same sums without segmentation.
            line += b.len();
            for (i, run) in b.split(|&c| c == b' ').enumerate() {
                if i > 0 {
                    longest = longest.max(word);
                    end_word(words, &mut word, glued);
                    after_wide = false;
                }
                if !run.is_empty() {
                    if word == 0 {
                        glued = after_wide;
                    }
                    word += run.len();
                    after_wide = false;
                }
            }
            continue;
        }
        for (_, g) in crate::width::clusters(text) {
            let w = match g {
                " " => 1,
                "\t" => tab,
                g => crate::width::grapheme_width(g),
            };
            line += w;
            if g == " " || g == "\t" || w >= 2 {
                longest = longest.max(word).max(if w >= 2 { w } else { 0 });
                // A wide cluster breaks on both sides but takes no space beside its
                // neighbours.
                let wide_glued = w >= 2 && (word > 0 || after_wide);
                end_word(words, &mut word, glued);
                if w >= 2 {
                    words.push(w as u32 | if wide_glued { GLUE } else { 0 });
                }
                after_wide = w >= 2;
            } else if w > 0 {
                if word == 0 {
                    glued = after_wide;
                }
                word += w;
                after_wide = false;
            }
        }
    }
    let longest = longest.max(word);
    end_word(words, &mut word, glued);
    (natural.max(line), longest)
}

/// A line's width and spans (the debug cross-check of [`one_ascii_line`] compares them).
#[cfg(debug_assertions)]
fn line_look(l: crate::line::Line<'_>) -> (usize, Vec<crate::line::Span<'_>>) {
    (l.width(), l.spans().collect())
}

/// True if the wrapper would lay `cell` out as its pieces side by side on one line of at
/// most `width` columns: printable ASCII text only, no hard break, no space at its start or
/// end, no run of spaces split between two pieces (the wrapper writes such a run in the
/// style of its first space), and not wider than `width`.
fn one_ascii_line(cell: &[Piece<'_>], width: usize) -> bool {
    let mut total = 0;
    // The text so far ends with a space (or nothing came yet: a space would be dropped).
    let mut space_before = true;
    for p in cell {
        let Piece::Text { text, .. } = *p else {
            return false;
        };
        let b = text.as_bytes();
        let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
            continue;
        };
        if !crate::width::is_printable_ascii(b) || space_before && first == b' ' {
            return false;
        }
        space_before = last == b' ';
        total += b.len();
    }
    !space_before && total <= width
}

/// A word of a cell for the line-count estimate: its width in columns, or a forced break.
const BREAK: u32 = u32::MAX;
/// Set on a word that follows the previous one without a space (next to a wide cluster):
/// on the same line it adds only its width.
const GLUE: u32 = 1 << 31;

/// Estimated lines of a cell whose words are `words` (widths in columns, [`BREAK`] for a
/// hard break, [`GLUE`] for no space before) wrapped greedily at `w` columns (at least 1
/// line).
fn cell_lines(words: &[u32], w: usize) -> usize {
    let w = w.max(1);
    let mut lines = 1;
    let mut cur: Option<usize> = None;
    for &word in words {
        if word == BREAK {
            lines += 1;
            cur = None;
            continue;
        }
        let gap = usize::from(word & GLUE == 0);
        let word = (word & !GLUE) as usize;
        cur = Some(match cur {
            Some(c) if c + gap + word <= w => c + gap + word,
            Some(_) => {
                lines += 1 + word.saturating_sub(1) / w;
                (word - 1) % w + 1
            }
            None => {
                lines += word.saturating_sub(1) / w;
                word.saturating_sub(1) % w + 1
            }
        });
    }
    lines
}

/// Most line-count estimates one table's column sizing may make (a bound on its work;
/// the sizing stops improving there).
const SIZING_WORK: usize = 1 << 20;

/// Column widths for `room` columns of content (see the module docs): `natural` and
/// `min_word` per column; `cell_natural[r * ncols + c]` and `words[r * ncols + c]` per cell.
fn column_widths(
    natural: &[usize],
    min_word: &[usize],
    cell_natural: &[usize],
    words: &[&[u32]],
    room: usize,
) -> Vec<usize> {
    let ncols = natural.len();
    let total: usize = natural.iter().sum();
    if total <= room {
        return natural.to_vec();
    }
    let floor = |n: usize| n.min(MIN_COLUMN_WIDTH);
    let mins: Vec<usize> = natural
        .iter()
        .zip(min_word)
        .map(|(&n, &m)| m.min(n).max(floor(n)))
        .collect();
    let min_total: usize = mins.iter().sum();
    if min_total > room {
        return capped_widths(natural, room);
    }
    let nrows = cell_natural.len() / ncols.max(1);
    let total_lines = |w: &[usize]| -> usize {
        (0..nrows)
            .map(|r| {
                (0..ncols)
                    .map(|c| cell_lines(words[r * ncols + c], w[c]))
                    .max()
                    .unwrap_or(1)
            })
            .sum()
    };
    // The share of the room in proportion to what each column still wants: the classic
    // auto layout, kept when it happens to take fewer lines than the search below.
    let proportional = proportional_widths(natural, &mins, room);
    let mut w = mins;
    let mut left = room - min_total;
    // 1. As many rows as possible on one line each, cheapest rows first.
    let want = |w: &[usize], r: usize| -> usize {
        (0..ncols)
            .map(|c| cell_natural[r * ncols + c].saturating_sub(w[c]))
            .sum()
    };
    let mut order: Vec<usize> = (0..nrows).collect();
    order.sort_by_key(|&r| want(&w, r));
    for _ in 0..2 {
        let mut grew = false;
        for &r in &order {
            let cost = want(&w, r);
            if cost == 0 || cost > left {
                continue;
            }
            for c in 0..ncols {
                w[c] = w[c].max(cell_natural[r * ncols + c]);
            }
            left -= cost;
            grew = true;
        }
        if !grew || left == 0 {
            break;
        }
    }
    // 2. The rest of the room where it saves the most lines per column given.
    let mut lines: Vec<usize> = (0..nrows * ncols)
        .map(|i| cell_lines(words[i], w[i % ncols]))
        .collect();
    let mut heights: Vec<usize> = (0..nrows)
        .map(|r| {
            lines[r * ncols..(r + 1) * ncols]
                .iter()
                .copied()
                .max()
                .unwrap_or(1)
        })
        .collect();
    let mut work = nrows * ncols;
    let mut ks: Vec<usize> = Vec::new();
    while left > 0 && work < SIZING_WORK {
        // (gain in lines, columns given, column)
        let mut best: Option<(usize, usize, usize)> = None;
        for c in 0..ncols {
            let most = left.min(natural[c].saturating_sub(w[c]));
            if most == 0 {
                continue;
            }
            ks.clear();
            ks.extend([
                most,
                most.div_ceil(2),
                most.div_ceil(4),
                most.div_ceil(8),
                1,
            ]);
            // The widths that put one more of this column's cells on its fewest lines: the
            // cells still narrower than their natural width. A cell at or past it may
            // still take more than one line (a hard break, or the estimate's space
            // between wide characters), but more width does not shorten it.
            let mut one: Vec<usize> = (0..nrows)
                .map(|r| r * ncols + c)
                .filter(|&i| lines[i] > 1 && cell_natural[i] > w[c])
                .map(|i| cell_natural[i] - w[c])
                .filter(|&k| k <= most)
                .collect();
            one.sort_unstable();
            one.dedup();
            ks.extend(one.iter().take(4));
            ks.sort_unstable();
            ks.dedup();
            for &k in &ks {
                let mut gain = 0;
                for r in 0..nrows {
                    let i = r * ncols + c;
                    if lines[i] < 2 || lines[i] < heights[r] {
                        continue;
                    }
                    work += 1;
                    let others = (0..ncols)
                        .filter(|&o| o != c)
                        .map(|o| lines[r * ncols + o])
                        .max()
                        .unwrap_or(1);
                    let h = cell_lines(words[i], w[c] + k).max(others);
                    gain += heights[r].saturating_sub(h);
                }
                let better = match best {
                    None => gain > 0,
                    Some((g, bk, _)) => gain * bk > g * k,
                };
                if better {
                    best = Some((gain, k, c));
                }
            }
        }
        let Some((_, k, c)) = best else { break };
        w[c] += k;
        left -= k;
        for r in 0..nrows {
            let i = r * ncols + c;
            if lines[i] > 1 {
                lines[i] = cell_lines(words[i], w[c]);
                heights[r] = lines[r * ncols..(r + 1) * ncols]
                    .iter()
                    .copied()
                    .max()
                    .unwrap_or(1);
            }
        }
    }
    // 3. Room that saves no line goes to the columns that still wrap, left to right.
    while left > 0 {
        let before = left;
        for c in 0..ncols {
            if left > 0 && w[c] < natural[c] {
                w[c] += 1;
                left -= 1;
            }
        }
        if left == before {
            break;
        }
    }
    if total_lines(&proportional) < total_lines(&w) {
        return proportional;
    }
    w
}

/// `mins` grown towards `natural` in proportion to what each column still wants, to
/// `room` columns in all (`mins` sum to at most `room`, `natural` to more).
fn proportional_widths(natural: &[usize], mins: &[usize], room: usize) -> Vec<usize> {
    let min_total: usize = mins.iter().sum();
    let extra = room - min_total;
    let want: usize = natural.iter().zip(mins).map(|(n, m)| n - m).sum();
    let mut widths: Vec<usize> = natural
        .iter()
        .zip(mins)
        .map(|(&n, &m)| m + (n - m) * extra / want.max(1))
        .collect();
    // Hand out what integer division left over, left to right.
    let mut left = room - widths.iter().sum::<usize>();
    for (w, &n) in widths.iter_mut().zip(natural) {
        if left == 0 {
            break;
        }
        if *w < n {
            *w += 1;
            left -= 1;
        }
    }
    widths
}

/// Widths when even the columns' longest words do not fit: the widest columns are capped
/// at one common width.
fn capped_widths(natural: &[usize], room: usize) -> Vec<usize> {
    let floor = |n: usize| n.min(MIN_COLUMN_WIDTH);
    // Cap the widest columns at a common width `cap`.
    let fits = |cap: usize| {
        natural
            .iter()
            .map(|&n| n.min(cap).max(floor(n)))
            .sum::<usize>()
            <= room
    };
    let (mut lo, mut hi) = (
        MIN_COLUMN_WIDTH,
        natural.iter().copied().max().unwrap_or(MIN_COLUMN_WIDTH),
    );
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let mut widths: Vec<usize> = natural.iter().map(|&n| n.min(lo).max(floor(n))).collect();
    let mut left = room.saturating_sub(widths.iter().sum());
    for (w, &n) in widths.iter_mut().zip(natural) {
        if left == 0 {
            break;
        }
        if *w < n {
            *w += 1;
            left -= 1;
        }
    }
    widths
}

/// Output bytes a table may cost per byte of its source (estimated, ANSI included; a CRLF
/// counts as one byte): the grid falls back to records past it, and records past it end
/// with a marker line that counts the cells not shown.
pub const TABLE_OUTPUT_PER_BYTE: usize = 16;
/// Records show the cells of at most this many columns; a marker line counts the rest.
pub const MAX_RECORD_COLUMNS: usize = 256;
/// Estimated escape-sequence bytes of one styled span (SGR in, SGR out).
const SPAN_COST: usize = 20;

/// The output bytes the table may cost: [`TABLE_OUTPUT_PER_BYTE`] per byte of its source.
fn output_budget(t: &TableScratch) -> usize {
    t.source_bytes.saturating_mul(TABLE_OUTPUT_PER_BYTE)
}

/// The table as records: a `header: value` line per cell that holds text, its wrapped lines
/// indented under the value, a rule between rows; caps as in the module docs.
fn records<S: LineSink>(
    t: &TableScratch,
    pieces: &[Piece<'_>],
    ncols: usize,
    avail: usize,
    cfg: &Options,
    sink: &mut S,
) {
    let budget = output_budget(t);
    let mut sink = Cost {
        sink,
        bytes: 0,
        last: None,
    };
    let head = t.rows.iter().position(|r| r.head);
    let body: Vec<usize> = (0..t.rows.len()).filter(|&r| !t.rows[r].head).collect();
    let header_cells = head.map(|h| t.row_cells(h)).unwrap_or_default();
    let mut line: Vec<Piece<'_>> = Vec::new();
    // The rule between two records spans the widest line of the record above it, so a
    // table of short cells does not pay a full-width rule per row.
    let rule = |sink: &mut Cost<'_, S>, width: usize| {
        sink.kind(LineKind::TableRule);
        sink.begin();
        let n = width.clamp(1, avail);
        sink.push(&"─".repeat(n), cfg.theme.table_border, None, n);
        sink.end();
        sink.kind(LineKind::Table);
    };
    let shown_cols = ncols.min(MAX_RECORD_COLUMNS);
    let mut cut_cells = 0usize;
    let mut cut_cols = 0usize;
    // The columns past the cap that hold text somewhere (those the marker counts).
    let mut cut_col = vec![false; ncols - shown_cols];
    if body.is_empty() {
        for &(s, e) in header_cells.iter().take(shown_cols) {
            if sink.bytes > budget {
                cut_cells += 1;
                continue;
            }
            line.clear();
            line.extend_from_slice(&pieces[s as usize..e as usize]);
            wrap::wrap(&line, avail, cfg.tab_width, &mut sink);
        }
        cut_cols = header_cells
            .iter()
            .skip(shown_cols)
            .filter(|&&(s, e)| pieces[s as usize..e as usize].iter().any(has_text))
            .count();
        omitted(&mut sink, cut_cells, cut_cols, avail, cfg);
        return;
    }
    let mut above = 0;
    let mut label: Vec<Piece<'_>> = Vec::new();
    for &r in &body {
        let cells = t.row_cells(r);
        // Only the cells the row has and that hold text: a short row's auto-filled cells
        // and empty cells take no line (cmark-gfm's quadratic shape: a header of many
        // columns over many one-cell rows), and a row without text takes none at all.
        let shown = |c: usize| {
            cells
                .get(c)
                .is_some_and(|&(s, e)| pieces[s as usize..e as usize].iter().any(has_text))
        };
        let present = cells.len().min(ncols);
        for c in shown_cols..present {
            if shown(c) && !cut_col[c - shown_cols] {
                cut_col[c - shown_cols] = true;
                cut_cols += 1;
            }
        }
        if !(0..present.min(shown_cols)).any(shown) {
            continue;
        }
        if sink.bytes > budget {
            cut_cells += (0..present.min(shown_cols)).filter(|&c| shown(c)).count();
            continue;
        }
        if above > 0 {
            rule(&mut sink, above);
        }
        let mut widest = Widest {
            sink: &mut sink,
            line: 0,
            max: 0,
        };
        for c in (0..present.min(shown_cols)).filter(|&c| shown(c)) {
            if widest.sink.bytes > budget {
                cut_cells += 1;
                continue;
            }
            label.clear();
            if let Some(&(s, e)) = header_cells.get(c) {
                label.extend(pieces[s as usize..e as usize].iter().map(|p| match *p {
                    Piece::Text { text, style, link } => Piece::Text {
                        text,
                        style: style.patch(cfg.theme.table_header),
                        link,
                    },
                    Piece::HardBreak => Piece::HardBreak,
                }));
            }
            let value = cells
                .get(c)
                .map_or(&[][..], |&(s, e)| &pieces[s as usize..e as usize]);
            record(&label, value, avail, cfg, &mut line, &mut widest);
        }
        above = widest.max;
    }
    omitted(&mut sink, cut_cells, cut_cols, avail, cfg);
}

/// One `label: value` record line (or more): the value's wrapped lines hang under its first
/// column when the label takes at most half the width and the value's longest word fits
/// beside it; a short label with a longer word flows with its value at the full width;
/// a label wider than half the width has lines of its own and the value is indented by 2.
fn record<'p, S: LineSink>(
    label: &[Piece<'p>],
    value: &[Piece<'p>],
    avail: usize,
    cfg: &Options,
    line: &mut Vec<Piece<'p>>,
    sink: &mut S,
) {
    let label_width = measure(label, cfg.tab_width, &mut Vec::new()).0;
    let (value_width, longest_word) = measure(value, cfg.tab_width, &mut Vec::new());
    let sep = Piece::text(": ", cfg.theme.table_border, None);
    let one_line = !label.iter().any(|p| matches!(p, Piece::HardBreak));
    let beside = label_width + 2 + value_width <= avail
        || label_width + 2 <= avail / 2 && label_width + 2 + longest_word <= avail;
    if one_line && beside {
        let mut hang = Hang {
            sink,
            label,
            sep,
            indent: label_width + 2,
            first: true,
            tab_width: cfg.tab_width.max(1),
        };
        wrap::wrap(value, avail - label_width - 2, cfg.tab_width, &mut hang);
        return;
    }
    line.clear();
    line.extend_from_slice(label);
    if one_line && label_width + 2 <= avail / 2 {
        // A word of the value too long to hang beside a short label (a URL): the record
        // flows at the full width, as one paragraph.
        line.push(sep);
        line.extend_from_slice(value);
        wrap::wrap(line, avail, cfg.tab_width, sink);
        return;
    }
    line.push(Piece::text(":", cfg.theme.table_border, None));
    wrap::wrap(line, avail, cfg.tab_width, sink);
    let mut hang = Hang {
        sink,
        label: &[],
        sep: Piece::text("", Style::PLAIN, None),
        indent: 2,
        first: false,
        tab_width: cfg.tab_width.max(1),
    };
    wrap::wrap(
        value,
        avail.saturating_sub(2).max(1),
        cfg.tab_width,
        &mut hang,
    );
}

/// The marker line of what records left out: `… 12 more cells not shown`, `… 380 more
/// columns not shown`.
fn omitted<S: LineSink>(sink: &mut S, cells: usize, cols: usize, avail: usize, cfg: &Options) {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let text = match (cells, cols) {
        (0, 0) => String::new(),
        (n, 0) => format!("… {n} more cell{} not shown", plural(n)),
        (0, k) => format!("… {k} more column{} not shown", plural(k)),
        (n, k) => format!(
            "… {n} more cell{} not shown; {k} more column{} not shown",
            plural(n),
            plural(k)
        ),
    };
    if !text.is_empty() {
        sink.kind(LineKind::Table);
        let piece = [Piece::text(&text, cfg.theme.table_border, None)];
        wrap::wrap(&piece, avail, cfg.tab_width, sink);
    }
}

/// A sink that writes a record's label before its first line and an indent before the
/// others (as gutter: a copy of the value joins its lines).
struct Hang<'a, 'p, S: LineSink> {
    sink: &'a mut S,
    label: &'a [Piece<'p>],
    sep: Piece<'a>,
    indent: usize,
    first: bool,
    /// Columns per tab stop: a tab in the label is expanded, as the wrapper expands one.
    tab_width: usize,
}

impl<S: LineSink> LineSink for Hang<'_, '_, S> {
    fn begin(&mut self) {
        self.sink.begin();
        if self.first {
            self.first = false;
            let mut col = 0;
            for p in self.label.iter().chain([&self.sep]) {
                if let Piece::Text { text, style, link } = *p {
                    for (i, part) in text.split('\t').enumerate() {
                        if i > 0 {
                            let n = self.tab_width - col % self.tab_width;
                            push_spaces(self.sink, n, style, link);
                            col += n;
                        }
                        if !part.is_empty() {
                            let w = str_width(part);
                            self.sink.push(part, style, link, w);
                            col += w;
                        }
                    }
                }
            }
        } else {
            push_spaces(self.sink, self.indent, Style::PLAIN, None);
            self.sink.gutter_written();
        }
    }
    fn push(&mut self, text: &str, style: Style, link: Option<&str>, width: usize) {
        self.sink.push(text, style, link, width);
    }
    fn end(&mut self) {
        self.sink.end();
    }
    fn mark(&self) -> usize {
        self.sink.mark()
    }
    fn unwrite(
        &mut self,
        mark: usize,
        width: usize,
        back: &mut dyn FnMut(&str, Style, Option<&str>),
    ) {
        self.sink.unwrite(mark, width, back);
    }
    fn continues(&mut self, join: crate::line::Join) {
        self.sink.continues(join);
    }
    fn gutter_written(&mut self) {
        self.sink.gutter_written();
    }
    fn kind(&mut self, kind: LineKind) {
        self.sink.kind(kind);
    }
}

/// A sink that passes everything on and estimates the output's bytes (text, escape
/// sequences per styled span, OSC 8 per link, line endings).
struct Cost<'a, S: LineSink> {
    sink: &'a mut S,
    bytes: usize,
    /// The style of the line's last push (a writer changes SGR only where it changes).
    last: Option<Style>,
}

impl<S: LineSink> LineSink for Cost<'_, S> {
    fn begin(&mut self) {
        self.last = None;
        self.sink.begin();
    }
    fn push(&mut self, text: &str, style: Style, link: Option<&str>, width: usize) {
        let changed = self.last != Some(style) && style != Style::PLAIN;
        self.last = Some(style);
        self.bytes +=
            text.len() + if changed { SPAN_COST } else { 0 } + link.map_or(0, |l| 2 * l.len() + 16);
        self.sink.push(text, style, link, width);
    }
    fn end(&mut self) {
        self.bytes += 5;
        self.sink.end();
    }
    fn mark(&self) -> usize {
        self.sink.mark()
    }
    fn unwrite(
        &mut self,
        mark: usize,
        width: usize,
        back: &mut dyn FnMut(&str, Style, Option<&str>),
    ) {
        self.sink.unwrite(mark, width, back);
    }
    fn continues(&mut self, join: crate::line::Join) {
        self.sink.continues(join);
    }
    fn gutter_written(&mut self) {
        self.sink.gutter_written();
    }
    fn kind(&mut self, kind: LineKind) {
        self.sink.kind(kind);
    }
}

/// True if `p` holds text other than white space.
fn has_text(p: &Piece<'_>) -> bool {
    matches!(p, Piece::Text { text, .. } if !text.trim().is_empty())
}

/// A sink that passes everything on and keeps the width of the widest line, in columns.
struct Widest<'a, S: LineSink> {
    sink: &'a mut S,
    line: usize,
    max: usize,
}

impl<S: LineSink> LineSink for Widest<'_, S> {
    fn begin(&mut self) {
        self.line = 0;
        self.sink.begin();
    }
    fn push(&mut self, text: &str, style: Style, link: Option<&str>, width: usize) {
        self.line += width;
        self.sink.push(text, style, link, width);
    }
    fn end(&mut self) {
        // Measured when the line ends: text the wrapper took back is not counted.
        self.max = self.max.max(self.line);
        self.sink.end();
    }
    fn mark(&self) -> usize {
        self.sink.mark()
    }
    fn unwrite(
        &mut self,
        mark: usize,
        width: usize,
        back: &mut dyn FnMut(&str, Style, Option<&str>),
    ) {
        self.line -= width.min(self.line);
        self.sink.unwrite(mark, width, back);
    }
    fn continues(&mut self, join: crate::line::Join) {
        self.sink.continues(join);
    }
    fn gutter_written(&mut self) {
        self.sink.gutter_written();
    }
    fn kind(&mut self, kind: LineKind) {
        self.sink.kind(kind);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The printable-ASCII shortcut of `measure` gives the cluster-by-cluster sums
        /// (pieces mixing ASCII, spaces, wide and combining characters).
        #[test]
        fn measure_ascii_shortcut_equals_clusters(
            parts in proptest::collection::vec("[ab ]{0,8}|中|e\u{301}|\t", 0..8),
        ) {
            use unicode_segmentation::UnicodeSegmentation;
            let pieces: Vec<Piece<'_>> = parts
                .iter()
                .map(|t| Piece::text(t, crate::style::Style::PLAIN, None))
                .collect();
            let (mut natural, mut longest, mut word) = (0, 0, 0);
            for g in parts.iter().flat_map(|t| t.graphemes(true)) {
                let w = match g {
                    " " => 1,
                    "\t" => 4,
                    g => crate::width::grapheme_width(g),
                };
                natural += w;
                if g == " " || g == "\t" || w >= 2 {
                    longest = longest.max(word).max(if w >= 2 { w } else { 0 });
                    word = 0;
                } else {
                    word += w;
                }
            }
            let mut words = Vec::new();
            proptest::prop_assert_eq!(measure(&pieces, 4, &mut words), (natural, longest.max(word)));
            // At its natural width a cell without hard breaks is estimated at one line
            // (wide clusters take no space beside their neighbours).
            proptest::prop_assert_eq!(cell_lines(&words, natural), 1, "{:?}", words);
        }
    }

    /// Widths for cells given as text (one string per cell, `ncols` per row).
    fn widths_of(cells: &[&str], ncols: usize, room: usize) -> Vec<usize> {
        let mut natural = vec![0; ncols];
        let mut min_word = vec![0; ncols];
        let mut cell_natural = Vec::new();
        let mut words: Vec<Vec<u32>> = Vec::new();
        for (i, text) in cells.iter().enumerate() {
            let mut w = Vec::new();
            let (n, m) = measure(&[Piece::text(text, Style::PLAIN, None)], 4, &mut w);
            natural[i % ncols] = natural[i % ncols].max(n);
            min_word[i % ncols] = min_word[i % ncols].max(m);
            cell_natural.push(n);
            words.push(w);
        }
        let refs: Vec<&[u32]> = words.iter().map(Vec::as_slice).collect();
        column_widths(&natural, &min_word, &cell_natural, &refs, room)
    }

    #[test]
    fn widths_fit_the_room() {
        assert_eq!(widths_of(&["abc", "abcde"], 2, 20), [3, 5]);
        let w = widths_of(
            &["aaaaaaaa bbbbbbbb cccccccc dddddddd eeee", "aaaa bbbb c"],
            2,
            30,
        );
        assert!(w.iter().sum::<usize>() <= 30, "{w:?}");
        assert!(w[0] >= 8 && w[1] >= 4);
        let w = capped_widths(&[100, 100, 2], 30);
        assert!(w.iter().sum::<usize>() <= 30, "{w:?}");
        assert_eq!(w[2], 2);
    }

    #[test]
    fn short_cells_stay_on_one_line() {
        // A short column keeps its cells whole while a long one takes the wrapping
        // (issue 14: `~40 bytes` wrapped while another column had room).
        let long = "word ".repeat(40);
        let mut cells = Vec::new();
        for _ in 0..10 {
            cells.extend(["item", "1110 bytes", "short note"]);
        }
        cells.extend(["item", "1110 bytes", &long]);
        let w = widths_of(&cells, 3, 60);
        assert_eq!(&w[..2], [4, 10], "{w:?}");
        assert!(w.iter().sum::<usize>() <= 60);
    }

    #[test]
    fn room_goes_where_it_saves_lines() {
        // One long cell in a short column, long descriptions beside it: the descriptions
        // get the room (fewer lines in all) and the one long cell wraps.
        let long = "word ".repeat(20);
        let mut cells = vec!["a b c d e f g h i j k l m n o p q r s t", &long];
        for _ in 0..10 {
            cells.extend(["a", &long]);
        }
        let w = widths_of(&cells, 2, 70);
        let lines = |i: usize, c: usize| {
            let mut words = Vec::new();
            measure(&[Piece::text(cells[i], Style::PLAIN, None)], 4, &mut words);
            cell_lines(&words, w[c])
        };
        let total: usize = (0..cells.len() / 2)
            .map(|r| lines(2 * r, 0).max(lines(2 * r + 1, 1)))
            .sum();
        assert!(total <= 11 * 2, "{w:?}: {total} lines");
    }

    #[test]
    fn line_estimate() {
        assert_eq!(cell_lines(&[3, 3, 3], 7), 2);
        assert_eq!(cell_lines(&[3, 3, 3], 11), 1);
        assert_eq!(cell_lines(&[3, BREAK, 3], 11), 2);
        assert_eq!(cell_lines(&[2, 2 | GLUE, 2 | GLUE], 6), 1);
        assert_eq!(cell_lines(&[2, 2 | GLUE, 2 | GLUE], 5), 2);
        assert_eq!(cell_lines(&[10], 4), 3);
        assert_eq!(cell_lines(&[], 4), 1);
    }
}
