//! Deterministic Markdown generators for the benchmarks (`benches/render.rs`), the memory
//! test (`tests/memory.rs`) and `examples/memreport.rs`.
//!
//! Every text here is written by this module from its own word lists and code templates, with
//! a tiny seeded xorshift PRNG: the same call always returns the same bytes, on every machine.
//! Sizes are lower bounds: a generator stops at the first block boundary at or past the
//! requested size, so no block is cut in half.

#![allow(dead_code)]

use std::fmt::Write as _;

/// xorshift64: tiny, fast, deterministic. Not for anything but test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value, 0 included).
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03 | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..hi` (`lo < hi`).
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One element of `xs`.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

const WORDS: &[&str] = &[
    "the",
    "a",
    "stream",
    "buffer",
    "value",
    "function",
    "returns",
    "each",
    "line",
    "when",
    "parser",
    "block",
    "renders",
    "with",
    "into",
    "from",
    "every",
    "state",
    "config",
    "option",
    "terminal",
    "width",
    "cache",
    "request",
    "response",
    "error",
    "result",
    "handle",
    "thread",
    "async",
    "task",
    "runtime",
    "memory",
    "allocation",
    "string",
    "vector",
    "iterator",
    "closure",
    "trait",
    "module",
    "crate",
    "package",
    "version",
    "build",
    "release",
    "test",
    "bench",
    "file",
    "path",
    "directory",
    "server",
    "client",
    "token",
    "model",
    "prompt",
    "answer",
    "output",
    "input",
    "chunk",
    "byte",
    "character",
    "column",
    "row",
    "table",
    "list",
    "item",
    "heading",
    "paragraph",
    "quote",
    "link",
    "image",
    "style",
    "color",
    "theme",
    "syntax",
    "grammar",
    "highlight",
    "scope",
    "rule",
    "pattern",
    "match",
    "case",
    "loop",
    "call",
    "method",
    "field",
    "struct",
    "enum",
    "type",
    "generic",
    "lifetime",
    "borrow",
    "owner",
    "reference",
    "pointer",
    "index",
    "offset",
    "length",
    "capacity",
    "limit",
    "timeout",
    "retry",
    "queue",
    "channel",
    "lock",
    "mutex",
    "atomic",
    "counter",
    "metric",
    "log",
    "trace",
    "span",
    "event",
    "handler",
    "callback",
    "future",
    "promise",
    "should",
    "must",
    "can",
    "will",
    "might",
    "usually",
    "quickly",
    "safely",
    "correctly",
    "only",
    "also",
    "then",
    "because",
    "while",
    "after",
    "before",
    "without",
    "between",
    "under",
    "over",
    "small",
    "large",
    "new",
    "old",
    "fast",
    "slow",
    "simple",
    "complex",
    "stable",
    "final",
    "partial",
    "open",
    "closed",
    "valid",
    "invalid",
    "is",
    "are",
    "was",
    "be",
    "has",
    "have",
    "keeps",
    "drops",
    "takes",
    "gives",
    "makes",
    "uses",
    "needs",
    "checks",
    "reads",
    "writes",
    "sends",
    "stores",
    "parses",
    "splits",
    "joins",
    "wraps",
    "commits",
    "flushes",
    "and",
    "or",
    "but",
    "not",
    "of",
    "to",
    "in",
    "on",
    "for",
    "by",
    "at",
    "as",
    "this",
    "that",
    "it",
    "its",
    "their",
    "your",
];

const IDENTS: &[&str] = &[
    "parse_config",
    "load_state",
    "render_line",
    "flush_buffer",
    "next_token",
    "read_chunk",
    "spawn_worker",
    "handle_request",
    "build_index",
    "merge_spans",
    "split_words",
    "count_bytes",
    "fetch_user",
    "update_cache",
    "validate_input",
    "encode_frame",
    "decode_frame",
    "open_stream",
    "close_stream",
    "retry_send",
    "compute_width",
    "format_row",
    "measure",
    "collect_stats",
    "apply_theme",
    "resolve_path",
    "scan_block",
    "commit_lines",
];

const TITLE_WORDS: &[&str] = &[
    "Overview",
    "Installation",
    "Configuration",
    "Usage",
    "Example",
    "Streaming",
    "Performance",
    "Memory",
    "Errors",
    "Testing",
    "Deployment",
    "Caveats",
    "Summary",
    "Details",
    "Background",
    "Design",
    "Options",
    "Troubleshooting",
    "Next",
    "Steps",
    "Quick",
    "Start",
    "Advanced",
    "Notes",
    "Limits",
    "Security",
    "Migration",
    "Internals",
];

const CJK: &[&str] = &[
    "这个函数会在每次调用时重新使用同一个缓冲区。",
    "流式渲染只在收到完整的一行之后才提交结果。",
    "请先检查配置文件，然后再重新启动服务。",
    "設定ファイルはホームディレクトリに置いてください。",
    "この関数は入力が空のときにエラーを返します。",
    "메모리 사용량은 메시지 수와 관계없이 일정합니다.",
    "表格的列宽取决于每一行的内容。",
];

const EMOJI: &[&str] = &["✅", "🚀", "⚠️", "🎉", "📦", "👍", "🔧", "💡", "❌", "🧪"];

const LANGS: &[&str] = &["rust", "python", "js", "bash", "json"];

fn word(rng: &mut Rng) -> &'static str {
    rng.pick(WORDS)
}

/// One sentence of prose with occasional inline markup (never starts with a digit or a
/// block marker, so it can start any line of a paragraph).
fn sentence(rng: &mut Rng, out: &mut String) {
    let n = rng.range(6, 20);
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        let w = word(rng);
        let roll = rng.below(100);
        match roll {
            0..=3 => {
                let _ = write!(out, "`{}()`", rng.pick(IDENTS));
            }
            4..=5 => {
                let _ = write!(out, "**{w} {}**", word(rng));
            }
            6..=7 => {
                let _ = write!(out, "*{w}*");
            }
            8 if i > 0 => {
                let _ = write!(
                    out,
                    "[{w} docs](https://example.com/docs/{w}/{})",
                    rng.below(1000)
                );
            }
            9 if i > 0 => {
                let _ = write!(out, "~~{w}~~");
            }
            10 if i > 0 => {
                let _ = write!(out, "{} {w}", rng.range(2, 4096));
            }
            11 if i > 0 => out.push_str(rng.pick(EMOJI)),
            _ if i == 0 => {
                let mut cs = w.chars();
                if let Some(c) = cs.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(cs.as_str());
                }
            }
            _ => out.push_str(w),
        }
    }
    out.push_str(if rng.chance(10) { ":" } else { "." });
}

/// A paragraph of `sentences` sentences: one source line (as most LLMs write), or soft-wrapped
/// near 80 columns.
fn paragraph(rng: &mut Rng, sentences: usize, out: &mut String) {
    let mut p = String::new();
    for i in 0..sentences {
        if i > 0 {
            p.push(' ');
        }
        if rng.chance(6) {
            p.push_str(rng.pick(CJK));
        } else {
            sentence(rng, &mut p);
        }
    }
    if rng.chance(40) {
        soft_wrap(&p, 80, out);
    } else {
        out.push_str(&p);
        out.push('\n');
    }
}

/// Breaks `text` at spaces so source lines are about `cols` bytes.
fn soft_wrap(text: &str, cols: usize, out: &mut String) {
    let mut len = 0;
    for (i, w) in text.split(' ').enumerate() {
        if i > 0 {
            if len + 1 + w.len() > cols {
                out.push('\n');
                len = 0;
            } else {
                out.push(' ');
                len += 1;
            }
        }
        out.push_str(w);
        len += w.len();
    }
    out.push('\n');
}

fn title(rng: &mut Rng, out: &mut String) {
    let n = rng.range(1, 4);
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(rng.pick(TITLE_WORDS));
    }
    if rng.chance(10) {
        out.push(' ');
        out.push_str(rng.pick(EMOJI));
    }
}

fn heading(rng: &mut Rng, out: &mut String) {
    out.push_str(if rng.chance(30) { "## " } else { "### " });
    title(rng, out);
    out.push('\n');
}

fn short_item(rng: &mut Rng, out: &mut String) {
    let roll = rng.below(10);
    if roll < 2 {
        let _ = write!(out, "**{}**: ", rng.pick(TITLE_WORDS));
    } else if roll < 3 {
        let _ = write!(out, "`{}` ", rng.pick(IDENTS));
    }
    sentence(rng, out);
    if rng.chance(30) {
        out.push(' ');
        sentence(rng, out);
    }
}

/// A bullet, ordered or task list, some items with nested sub-lists or continuation paragraphs.
fn list(rng: &mut Rng, out: &mut String) {
    let kind = rng.below(4);
    let items = rng.range(2, 7);
    let start = if kind == 1 && rng.chance(15) {
        rng.range(2, 9)
    } else {
        1
    };
    for i in 0..items {
        let indent = match kind {
            1 => {
                let _ = write!(out, "{}. ", start + i);
                if start + i >= 10 {
                    4
                } else {
                    3
                }
            }
            2 => {
                out.push_str(if rng.chance(50) { "- [x] " } else { "- [ ] " });
                2
            }
            _ => {
                out.push_str("- ");
                2
            }
        };
        short_item(rng, out);
        out.push('\n');
        if rng.chance(30) {
            for _ in 0..rng.range(1, 4) {
                out.extend(std::iter::repeat_n(' ', indent));
                out.push_str(if rng.chance(20) { "* " } else { "- " });
                short_item(rng, out);
                out.push('\n');
                if rng.chance(15) {
                    out.extend(std::iter::repeat_n(' ', indent + 2));
                    out.push_str("- ");
                    sentence(rng, out);
                    out.push('\n');
                }
            }
        } else if rng.chance(8) {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent));
            sentence(rng, out);
            out.push('\n');
            if i + 1 < items {
                out.push('\n');
            }
        }
    }
}

fn quote(rng: &mut Rng, out: &mut String) {
    let lead = rng.pick(&["**Note:** ", "**Warning:** ", "⚠️ ", "", ""]);
    out.push_str("> ");
    out.push_str(lead);
    sentence(rng, out);
    out.push('\n');
    for _ in 0..rng.below(3) {
        out.push_str("> ");
        sentence(rng, out);
        out.push('\n');
    }
    if rng.chance(20) {
        out.push_str(">\n> > ");
        sentence(rng, out);
        out.push('\n');
    }
}

fn cell(rng: &mut Rng, out: &mut String) {
    match rng.below(8) {
        0 => {
            let _ = write!(out, "`{}`", rng.pick(IDENTS));
        }
        1 => {
            let _ = write!(out, "{}", rng.below(100_000));
        }
        2 => out.push_str(rng.pick(EMOJI)),
        3 => {
            let _ = write!(out, "**{}**", word(rng));
        }
        4 if rng.chance(30) => out.push_str(rng.pick(CJK)),
        _ => {
            for i in 0..rng.range(1, 5) {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(word(rng));
            }
        }
    }
}

fn table_header(rng: &mut Rng, cols: usize, out: &mut String) {
    out.push('|');
    for _ in 0..cols {
        let _ = write!(out, " {} |", rng.pick(TITLE_WORDS));
    }
    out.push_str("\n|");
    for c in 0..cols {
        out.push_str(match (c, rng.below(4)) {
            (0, _) | (_, 0 | 1) => " --- |",
            (_, 2) => " :---: |",
            _ => " ---: |",
        });
    }
    out.push('\n');
}

fn table_row(rng: &mut Rng, cols: usize, out: &mut String) {
    out.push('|');
    for _ in 0..cols {
        out.push(' ');
        cell(rng, out);
        out.push_str(" |");
    }
    out.push('\n');
}

fn table(rng: &mut Rng, out: &mut String) {
    let cols = rng.range(2, 6);
    table_header(rng, cols, out);
    for _ in 0..rng.range(2, 9) {
        table_row(rng, cols, out);
    }
}

/// Lines of code in `lang`, at least `min_lines` of them, from templates with random names
/// and numbers.
pub fn code_body(rng: &mut Rng, lang: &str, min_lines: usize, out: &mut String) {
    let mut lines = 0;
    let mut n = 0;
    while lines < min_lines {
        let before = out.len();
        code_unit(rng, lang, n, out);
        lines += out[before..].matches('\n').count();
        n += 1;
    }
}

fn code_unit(rng: &mut Rng, lang: &str, n: usize, out: &mut String) {
    let id = rng.pick(IDENTS);
    let w = word(rng);
    let k = rng.range(1, 1000);
    let k2 = rng.range(1, 64);
    match lang {
        "rust" => match n % 3 {
            0 => {
                let _ = write!(
                    out,
                    "/// {w} the {} and returns {k2} {} at most.\n\
                     pub fn {id}(input: &[u8], limit: usize) -> Result<Vec<u32>, Error> {{\n    \
                     let mut out = Vec::with_capacity(limit.min({k}));\n    \
                     for (i, b) in input.iter().enumerate() {{\n        \
                     if *b == b'{}' && i < limit {{\n            \
                     out.push(u32::from(*b) * {k2});\n        \
                     }} else if i % {k2} == 0 {{\n            \
                     continue; // {w} every {k2}th byte\n        \
                     }}\n    \
                     }}\n    \
                     Ok(out)\n\
                     }}\n\n",
                    word(rng),
                    word(rng),
                    (b'a' + rng.below(26) as u8) as char,
                );
            }
            1 => {
                let _ = write!(
                    out,
                    "#[derive(Debug, Clone, PartialEq)]\n\
                     struct {}State {{\n    \
                     name: String,\n    \
                     count: usize,\n    \
                     items: Vec<Option<&'static str>>,\n\
                     }}\n\n\
                     impl Default for {}State {{\n    \
                     fn default() -> Self {{\n        \
                     Self {{ name: \"{w}\".to_string(), count: {k}, items: vec![None; {k2}] }}\n    \
                     }}\n\
                     }}\n\n",
                    title_case(w),
                    title_case(w),
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "fn main() -> anyhow::Result<()> {{\n    \
                     let cfg = Config::from_env()?;\n    \
                     let data = std::fs::read_to_string(\"data/{w}.txt\")?;\n    \
                     let total: usize = data.lines().map(|l| l.len()).sum();\n    \
                     println!(\"{{}} bytes in {{:?}}\", total, cfg.path);\n    \
                     assert!(total > {k}, \"expected more than {k} bytes\");\n    \
                     Ok(())\n\
                     }}\n\n",
                );
            }
        },
        "python" => match n % 2 {
            0 => {
                let _ = write!(
                    out,
                    "def {id}(items, limit={k}):\n    \
                     \"\"\"Return the {w} items, at most `limit` of them.\"\"\"\n    \
                     result = []\n    \
                     for i, item in enumerate(items):\n        \
                     if i >= limit:\n            \
                     break\n        \
                     if item is not None and item.{w} > {k2}:\n            \
                     result.append(item * {k2})  # {w}\n    \
                     return result\n\n\n",
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "class {}Client:\n    \
                     def __init__(self, base_url: str, timeout: float = {k2}.0) -> None:\n        \
                     self.base_url = base_url.rstrip(\"/\")\n        \
                     self.timeout = timeout\n        \
                     self._cache: dict[str, int] = {{}}\n\n    \
                     async def {id}(self, key: str) -> int:\n        \
                     if key in self._cache:\n            \
                     return self._cache[key]\n        \
                     value = await fetch(f\"{{self.base_url}}/{w}/{{key}}\", timeout=self.timeout)\n        \
                     self._cache[key] = len(value) + {k}\n        \
                     return self._cache[key]\n\n\n",
                    title_case(w),
                );
            }
        },
        "js" => match n % 2 {
            0 => {
                let _ = write!(
                    out,
                    "export async function {id}(url, options = {{}}) {{\n  \
                     const res = await fetch(`${{url}}/api/{w}?limit={k}`, options);\n  \
                     if (!res.ok) {{\n    \
                     throw new Error(`request failed: ${{res.status}}`);\n  \
                     }}\n  \
                     const data = await res.json();\n  \
                     return data.items.filter((x) => x.{w} > {k2}).map((x) => ({{ ...x, seen: true }}));\n\
                     }}\n\n",
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "const {w}Store = new Map();\n\
                     // Keep at most {k} entries; evict the oldest first.\n\
                     function remember(key, value) {{\n  \
                     if ({w}Store.size >= {k}) {{\n    \
                     const oldest = {w}Store.keys().next().value;\n    \
                     {w}Store.delete(oldest);\n  \
                     }}\n  \
                     {w}Store.set(key, {{ value, at: Date.now() + {k2} }});\n\
                     }}\n\n",
                );
            }
        },
        "bash" => {
            let _ = write!(
                out,
                "# {w} step {n}\n\
                 for f in src/*.rs; do\n  \
                 echo \"checking $f\"\n  \
                 grep -n \"{id}\" \"$f\" | head -n {k2} || true\n\
                 done\n\
                 export LIMIT={k}\n\
                 cargo build --release && ./target/release/app --{w} \"$LIMIT\" 2>&1 | tee out-{n}.log\n",
            );
        }
        _ => {
            let _ = write!(
                out,
                "{{\n  \
                 \"name\": \"{id}\",\n  \
                 \"version\": \"1.{k2}.{k}\",\n  \
                 \"enabled\": {},\n  \
                 \"limits\": {{ \"max\": {k}, \"min\": 0, \"ratio\": 0.{k2} }},\n  \
                 \"tags\": [\"{w}\", \"{}\", \"{}\"],\n  \
                 \"owner\": null\n\
                 }}\n",
                rng.chance(50),
                word(rng),
                word(rng),
            );
        }
    }
}

fn title_case(w: &str) -> String {
    let mut cs = w.chars();
    cs.next()
        .map(|c| c.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

fn fenced(rng: &mut Rng, lang: &str, min_lines: usize, out: &mut String) {
    let _ = writeln!(out, "```{lang}");
    code_body(rng, lang, min_lines, out);
    out.truncate(out.trim_end_matches('\n').len() + 1);
    out.push_str("```\n");
}

/// A realistic LLM answer of at least `bytes` bytes: prose paragraphs, headings, nested
/// lists, fenced code (rust, python, js, bash, json), GFM tables, block quotes, some CJK and
/// emoji.
pub fn llm_answer(bytes: usize) -> String {
    llm_answer_seeded(bytes, 1)
}

/// [`llm_answer`] with another seed (a different message of the same kind).
pub fn llm_answer_seeded(bytes: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(bytes + 2048);
    let n = rng.range(1, 4);
    paragraph(&mut rng, n, &mut out);
    while out.len() < bytes {
        out.push('\n');
        if rng.chance(45) {
            heading(&mut rng, &mut out);
            out.push('\n');
        }
        match rng.below(100) {
            0..=34 => {
                let n = rng.range(1, 6);
                paragraph(&mut rng, n, &mut out);
            }
            35..=50 => list(&mut rng, &mut out),
            51..=70 => {
                let lang = rng.pick(LANGS);
                let lines = rng.range(3, 24);
                fenced(&mut rng, lang, lines, &mut out);
            }
            71..=82 => table(&mut rng, &mut out),
            83..=92 => quote(&mut rng, &mut out),
            93..=94 => out.push_str("---\n"),
            _ => {
                // A CJK paragraph.
                for _ in 0..rng.range(2, 5) {
                    out.push_str(rng.pick(CJK));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Prose only: paragraphs of sentences with inline markup, at least `bytes` bytes.
pub fn prose(bytes: usize) -> String {
    let mut rng = Rng::new(2);
    let mut out = String::with_capacity(bytes + 1024);
    while out.len() < bytes {
        if !out.is_empty() {
            out.push('\n');
        }
        let n = rng.range(2, 8);
        paragraph(&mut rng, n, &mut out);
    }
    out
}

/// The code blocks of [`code_only`], as `(language, code)` pairs (code without the fences).
pub fn code_blocks(bytes: usize) -> Vec<(&'static str, String)> {
    let mut rng = Rng::new(3);
    let mut blocks = Vec::new();
    let mut total = 0;
    while total < bytes {
        let lang = rng.pick(LANGS);
        let mut code = String::new();
        let lines = rng.range(30, 150);
        code_body(&mut rng, lang, lines, &mut code);
        total += code.len() + lang.len() + 9;
        blocks.push((lang, code));
    }
    blocks
}

/// Code only: fenced blocks (rust, python, js, bash, json) separated by blank lines, at
/// least `bytes` bytes. The same code as [`code_blocks`].
pub fn code_only(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 4096);
    for (i, (lang, code)) in code_blocks(bytes).iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "```{lang}");
        out.push_str(code);
        out.push_str("```\n");
    }
    out
}

/// One fenced Rust block of exactly `lines` code lines.
pub fn code_block_lines(lines: usize) -> String {
    let mut rng = Rng::new(4);
    let mut body = String::new();
    code_body(&mut rng, "rust", lines, &mut body);
    let mut out = String::with_capacity(body.len() + 16);
    out.push_str("```rust\n");
    for l in body.lines().take(lines) {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str("```\n");
    out
}

/// One tight bullet list of `items` top-level items (one in five has a nested item).
pub fn list_items(items: usize) -> String {
    let mut rng = Rng::new(5);
    let mut out = String::new();
    for _ in 0..items {
        out.push_str("- ");
        short_item(&mut rng, &mut out);
        out.push('\n');
        if rng.chance(20) {
            out.push_str("  - ");
            sentence(&mut rng, &mut out);
            out.push('\n');
        }
    }
    out
}

/// One GFM table of 4 columns and `rows` body rows.
pub fn table_rows(rows: usize) -> String {
    let mut rng = Rng::new(6);
    let mut out = String::new();
    table_header(&mut rng, 4, &mut out);
    for _ in 0..rows {
        table_row(&mut rng, 4, &mut out);
    }
    out
}

/// CJK prose: paragraphs of two to six Chinese, Japanese and Korean sentences (no spaces but
/// the Korean ones), blank lines between them, at least `bytes` bytes. Nearly every
/// character is 3 bytes and 2 columns, and a line may break between most of them.
pub fn cjk(bytes: usize) -> String {
    let mut rng = Rng::new(11);
    let mut out = String::with_capacity(bytes + 1024);
    while out.len() < bytes {
        if !out.is_empty() {
            out.push('\n');
        }
        for _ in 0..rng.range(2, 7) {
            out.push_str(rng.pick(CJK));
        }
        out.push('\n');
    }
    out
}

/// One paragraph of at least `bytes` bytes, soft-wrapped near 80 columns (no blank line).
pub fn single_paragraph(bytes: usize) -> String {
    let mut rng = Rng::new(7);
    let mut p = String::with_capacity(bytes + 256);
    while p.len() < bytes {
        if !p.is_empty() {
            p.push(' ');
        }
        sentence(&mut rng, &mut p);
    }
    let mut out = String::with_capacity(p.len() + p.len() / 64);
    soft_wrap(&p, 80, &mut out);
    out
}

/// The `highlight` yardstick: syntect's own `HighlightLines` over `blocks` (from
/// [`code_blocks`]), each with its syntax from `syntaxes` (same order), in `theme`.
/// Returns the number of styled pieces, so the work cannot be optimised away. Shared by
/// `benches/render.rs` and `examples/profile_highlight.rs`, so both time the same loop.
pub fn syntect_highlight(
    blocks: &[(&str, String)],
    syntaxes: &[&syntect::parsing::SyntaxReference],
    ss: &syntect::parsing::SyntaxSet,
    theme: &syntect::highlighting::Theme,
) -> usize {
    let mut spans = 0usize;
    for ((_, code), syntax) in blocks.iter().zip(syntaxes) {
        let mut h = syntect::easy::HighlightLines::new(syntax, theme);
        for line in syntect::util::LinesWithEndings::from(code) {
            spans += h.highlight_line(line, ss).expect("highlight").len();
        }
    }
    spans
}

/// `text` without the parts `without` names, a comma-separated list of `code` (fenced code
/// blocks), `tables` (lines that start with `|`) and `nonascii` (every character that is not
/// ASCII): to see what each part of an input costs (`PROFILE_WITHOUT` of
/// `examples/profile_render.rs` and `examples/layout_floor`).
pub fn strip(text: String, without: &str) -> String {
    let drop = |part: &str| without.split(',').any(|w| w == part);
    if without.is_empty() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for line in text.split_inclusive('\n') {
        let fence = line.trim_start().starts_with("```");
        if drop("code") && (fence || in_code) {
            in_code ^= fence;
            continue;
        }
        if drop("tables") && line.trim_start().starts_with('|') {
            continue;
        }
        out.push_str(line);
    }
    if drop("nonascii") {
        out.retain(|c| c.is_ascii());
    }
    out
}
