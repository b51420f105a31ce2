//! `termark`: render Markdown from files or a pipe to the terminal as it arrives.
//!
//! Modules: `detect` (color depth, hyperlinks, width), `live` (the live view: the open
//! block redrawn in place on a terminal), `pager` (`--paging`: which pager, and the output
//! held until it is known to be taller than the terminal). Without the live view or a
//! pager, committed lines are written to standard output as they come.
#![allow(clippy::cast_precision_loss)] // byte counts to seconds and MB/s for display

mod detect;
mod live;
mod pager;

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use detect::When;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use termark::{AnsiWriter, ColorDepth, Options, Renderer, Stream, Theme};

/// What to do with control characters in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Controls {
    /// Show them as `␛`, `␍`, `�`.
    Visible,
    /// Remove them.
    Drop,
}

/// How link destinations are shown when they are not OSC 8 hyperlinks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Links {
    /// `text[1]`, with `[1]: https://…` listed after the paragraph, heading or table.
    Reference,
    /// `text (https://…)`.
    Inline,
}

/// Where tables have rules between their rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Rules {
    /// Only next to a row that takes more than one line.
    Auto,
    /// Between every two rows.
    Always,
    /// Never between body rows.
    Never,
}

/// Render Markdown to styled terminal text, line by line as it streams in.
///
/// Reads each FILE (or standard input when there is none, or for `-`) as it arrives and
/// prints every line as soon as it is final, so `llm ... | termark` shows the answer live.
/// On a terminal, the block still being written is drawn below them and redrawn in place
/// (`--live`); a file taller than the terminal goes through a pager (`--paging`).
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Markdown files to render; `-` or none reads standard input. Each file is one document.
    files: Vec<PathBuf>,
    /// Width in columns [default: the terminal's width, else $COLUMNS, else 80].
    #[arg(short, long)]
    width: Option<usize>,
    /// Color the output. never (or `NO_COLOR`, or `CLICOLOR=0`): no color, but bold, italic,
    /// underline and strikethrough stay. auto: color on a terminal that shows it, plain
    /// text to pipes and files.
    #[arg(long, value_enum, default_value_t = When::Auto)]
    color: When,
    /// No escape sequence at all: plain text, whatever --color says. What would vanish
    /// without styles is marked as in Markdown: `inline code` in backticks,
    /// ~~strikethrough~~ between tildes.
    #[arg(long)]
    plain: bool,
    /// Theme: dark, light, or a path to a .toml theme file or a .tmTheme file for code.
    #[arg(long, default_value = "dark")]
    theme: String,
    /// List the built-in themes and the syntax themes a theme file may name, then exit.
    #[arg(long)]
    list_themes: bool,
    /// Control characters from the input (ESC, C0, C1, DEL, bidi overrides): show them as
    /// visible symbols, or drop them. Never sent to the terminal.
    #[arg(long, value_enum, default_value_t = Controls::Visible)]
    control_chars: Controls,
    /// Do not syntax-highlight code blocks.
    #[arg(long)]
    no_highlight: bool,
    /// Threads that highlight the code blocks of a file side by side before it is laid out
    /// [default: one per core]. Standard input and pipes always stream on one thread.
    #[arg(long, value_name = "N")]
    highlight_threads: Option<usize>,
    /// Print long code lines whole (for copy and paste); they may exceed the width.
    #[arg(long)]
    no_wrap_code: bool,
    /// Rules between the rows of a table.
    #[arg(long, value_enum, default_value_t = Rules::Auto)]
    table_rules: Rules,
    /// OSC 8 hyperlinks for links.
    #[arg(long, value_enum, default_value_t = When::Auto)]
    hyperlinks: When,
    /// How destinations that are not hyperlinks are shown.
    #[arg(long, value_enum, default_value_t = Links::Reference)]
    links: Links,
    /// Columns per tab stop.
    #[arg(long, default_value_t = 4)]
    tab_width: usize,
    /// Feed the input to the renderer in chunks of N bytes (for tests and benchmarks).
    #[arg(long, value_name = "N")]
    replay_chunk: Option<usize>,
    /// Pace the input at this many bytes per second, like a language model.
    #[arg(long, value_name = "BYTES_PER_SEC")]
    replay_rate: Option<u64>,
    /// Stream a built-in sample answer at LLM pace.
    #[arg(long)]
    demo: bool,
    /// Draw the block still being written below the finished lines and redraw it in place
    /// as it streams (at most 30 frames per second). auto: when standard output is a
    /// terminal; pipes and files get the finished lines only.
    #[arg(long, value_enum, default_value_t = When::Auto)]
    live: When,
    /// Show the output in a pager: `$TERMARK_PAGER`, else `$PAGER`, else `less -R -F -X`.
    /// auto: for files (read whole, not a stream) taller than the terminal, when standard
    /// output is a terminal. A pager that cannot be started means plain output.
    #[arg(long, value_enum, default_value_t = When::Auto)]
    paging: When,
    /// After the run, print bytes in, chunks, committed lines, parses, tentative renders,
    /// peak tentative lines, wall time and MB/s (and the live view's frames) to standard
    /// error. Measuring changes nothing about the work done.
    #[arg(long)]
    stats: bool,
}

const DEMO: &str = include_str!("demo.md");

fn main() {
    match run() {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                std::process::exit(0);
            }
            eprintln!("termark: {e:#}");
            std::process::exit(2);
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn detect_depth(cli: &Cli, tty: bool) -> ColorDepth {
    if cli.plain {
        return ColorDepth::Plain;
    }
    detect::depth(cli.color, tty)
}

struct Out<W: Write> {
    w: W,
    ansi: AnsiWriter,
}

impl<W: Write> Out<W> {
    /// Writes the newly committed lines and forgets them (memory stays flat).
    fn drain(&mut self, stream: &mut Stream) -> io::Result<()> {
        let mut any = false;
        for line in stream.new_committed() {
            self.ansi.write_line(&mut self.w, &line)?;
            any = true;
        }
        if any {
            self.w.flush()?;
            stream.clear_committed();
        }
        Ok(())
    }
}

/// Languages whose first patterns the binary compiles ahead, on a thread of their own: the
/// ones LLM answers use most.
const PRELOADED_LANGUAGES: &[&str] = &["rust", "python", "js", "ts", "bash", "json"];

/// A file is pushed in slices of this many bytes: peak memory holds one slice's output.
const FILE_SLICE_BYTES: usize = 16 * 1024;

#[derive(Clone, Copy)]
struct Feeder {
    chunk: Option<usize>,
    rate: Option<u64>,
}

impl Feeder {
    fn feed<W: Write>(&self, data: &[u8], stream: &mut Stream, out: &mut Out<W>) -> io::Result<()> {
        let n = self.chunk.unwrap_or(data.len().max(1));
        for piece in data.chunks(n.max(1)) {
            stream.push_bytes(piece);
            out.drain(stream)?;
            if let Some(rate) = self.rate.filter(|&r| r > 0) {
                std::thread::sleep(Duration::from_secs_f64(piece.len() as f64 / rate as f64));
            }
        }
        Ok(())
    }
}

fn run() -> Result<i32> {
    let cli = Cli::parse();
    let tty = io::stdout().is_terminal();
    let depth = detect_depth(&cli, tty);
    let hyperlinks = detect::hyperlinks_on(cli.hyperlinks, tty);
    if cli.list_themes {
        println!(
            "themes: {} (or --theme PATH.toml / PATH.tmTheme)",
            Theme::BUILTIN.join(", ")
        );
        println!(
            "syntax themes for theme files: {}",
            Theme::syntax_theme_names().join(", ")
        );
        println!("theme file elements: {}", Theme::ELEMENTS.join(", "));
        return Ok(0);
    }
    let theme = Theme::resolve(&cli.theme)?;
    let width = detect::width(cli.width, tty);
    // Paging first: output that goes through a pager is not drawn live.
    let whole_files = !cli.demo
        && !cli.files.is_empty()
        && cli
            .files
            .iter()
            .all(|p| p.as_os_str() != "-" && std::fs::metadata(p).is_ok_and(|m| is_whole_file(&m)));
    let paging = match cli.paging {
        When::Never => Paging::Never,
        When::Always => Paging::Always,
        When::Auto if tty && whole_files && cli.live != When::Always => {
            Paging::Taller(screen_size(width).1)
        }
        When::Auto => Paging::Never,
    };
    let live = match (cli.live, paging) {
        (_, Paging::Always | Paging::Taller(_)) | (When::Never, _) => None,
        (When::Always, _) => Some(screen_size(width)),
        (When::Auto, _) => tty.then(|| screen_size(width)),
    };
    let options = Options::new()
        .with_width(width)
        .with_tab_width(cli.tab_width)
        .with_theme(theme)
        .with_color(depth)
        .with_hyperlinks(hyperlinks)
        .with_link_style(match cli.links {
            Links::Reference => termark::LinkStyle::Reference,
            Links::Inline => termark::LinkStyle::Inline,
        })
        .with_highlight(!cli.no_highlight)
        .with_highlight_threads(cli.highlight_threads.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map_or(1, usize::from)
                .min(termark::MAX_HIGHLIGHT_THREADS)
        }))
        .with_wrap_code(!cli.no_wrap_code)
        .with_table_rules(match cli.table_rules {
            Rules::Auto => termark::TableRules::Auto,
            Rules::Always => termark::TableRules::Always,
            Rules::Never => termark::TableRules::Never,
        })
        .with_control_chars(match cli.control_chars {
            Controls::Visible => termark::ControlChars::Visible,
            Controls::Drop => termark::ControlChars::Drop,
        })
        // Live: the tail fits above the cursor's row (its last rows, below a marker).
        .with_tail_rows(live.and_then(|(_, rows)| rows.checked_sub(1).filter(|&r| r >= 2)));
    let renderer = Renderer::new(options)?;
    // Syntaxes load on a thread of their own while the input is read and parsed.
    {
        let renderer = renderer.clone();
        std::thread::spawn(move || renderer.preload_highlighting(PRELOADED_LANGUAGES));
    }
    let mut feeder = Feeder {
        chunk: cli.replay_chunk,
        rate: cli.replay_rate,
    };
    if feeder.rate.is_some() && feeder.chunk.is_none() {
        feeder.chunk = Some(16);
    }
    let started = Instant::now();
    if let Some(screen) = live {
        return live_main(&cli, &renderer, screen, feeder, started);
    }
    let stdout = io::stdout();
    let direct = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let sink = match paging {
        Paging::Never => pager::Sink::direct(direct),
        Paging::Always => pager::Sink::paged(direct),
        Paging::Taller(rows) => pager::Sink::deferred(direct, rows),
    };
    let mut out = Out {
        w: sink,
        ansi: renderer.writer(),
    };
    let mut total = termark::Stats::default();
    let mut status = 0;
    let mut stream = renderer.stream();
    let mut first = true;

    let mut render_one = |name: &str,
                          src: Source,
                          out: &mut Out<Sink>,
                          stream: &mut Stream,
                          first: &mut bool|
     -> Result<bool> {
        if !*first {
            writeln!(out.w)?;
        }
        *first = false;
        let result = match src {
            Source::Demo => {
                let f = Feeder {
                    chunk: Some(feeder.chunk.unwrap_or(12)),
                    rate: Some(feeder.rate.unwrap_or(600)),
                };
                f.feed(DEMO.as_bytes(), stream, out)
                    .map_err(anyhow::Error::from)
            }
            Source::File(bytes) => {
                // All of it is here: resolve references to later definitions too, and
                // highlight its code blocks side by side.
                stream.prepare_document(&String::from_utf8_lossy(&bytes));
                // Pushed in slices, so only one slice's lines are held before they are
                // written (chunking never changes the output).
                let f = Feeder {
                    chunk: Some(feeder.chunk.unwrap_or(FILE_SLICE_BYTES)),
                    ..feeder
                };
                f.feed(&bytes, stream, out).map_err(anyhow::Error::from)
            }
            Source::Reader(mut r) => {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = match r.read(&mut buf) {
                        Ok(0) => break Ok(()),
                        Ok(n) => n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => {
                            break Err(anyhow::Error::from(e).context(format!("reading {name}")))
                        }
                    };
                    if let Err(e) = feeder.feed(&buf[..n], stream, out) {
                        break Err(e.into());
                    }
                }
            }
        };
        // Whatever was read is rendered, even after a read error.
        stream.finalize();
        out.drain(stream)?;
        total += stream.stats();
        stream.release();
        match result {
            Ok(()) => Ok(true),
            Err(e) if is_broken_pipe(&e) => Err(e),
            Err(e) => {
                eprintln!("termark: {e:#}");
                Ok(false)
            }
        }
    };

    let sources: Vec<PathBuf> = if cli.demo {
        Vec::new()
    } else if cli.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        cli.files.clone()
    };
    if cli.demo {
        render_one("demo", Source::Demo, &mut out, &mut stream, &mut first)?;
    }
    for path in &sources {
        let name = path.display().to_string();
        let Some(src) = open(path) else {
            status = 1;
            continue;
        };
        if !render_one(&name, src, &mut out, &mut stream, &mut first)? {
            status = 1;
        }
    }
    out.w.finish()?;
    if cli.stats {
        print_stats(&total, started);
    }
    Ok(status)
}

/// The non-live output: standard output, or through a pager.
type Sink = pager::Sink<io::BufWriter<io::StdoutLock<'static>>>;

/// Whether the output goes through a pager.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Paging {
    Never,
    Always,
    /// If it is taller than this many rows (the terminal's height).
    Taller(usize),
}

/// The terminal's size, in columns and rows, when standard output is one; else the
/// `$COLUMNS` (or `width`) by `$LINES` (or 24) that `--live always` draws for.
fn screen_size(width: usize) -> (usize, usize) {
    if let Some((terminal_size::Width(w), terminal_size::Height(h))) =
        terminal_size::terminal_size()
    {
        return (w as usize, h as usize);
    }
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
    };
    (env("COLUMNS").unwrap_or(width), env("LINES").unwrap_or(24))
}

/// The input `path` names: stdin for `-`, a regular file up to [`MAX_PRESCAN_BYTES`] read
/// whole, anything else streamed. `None` (after printing why) if it cannot be read.
fn open(path: &Path) -> Option<Source> {
    let name = path.display().to_string();
    if name == "-" {
        return Some(Source::Reader(Box::new(io::stdin())));
    }
    match std::fs::File::open(path).with_context(|| format!("cannot open {name}")) {
        Ok(f) if f.metadata().is_ok_and(|m| is_whole_file(&m)) => match std::fs::read(path) {
            Ok(bytes) => Some(Source::File(bytes)),
            Err(e) => {
                eprintln!("termark: cannot read {name}: {e}");
                None
            }
        },
        Ok(f) => Some(Source::Reader(Box::new(f))),
        Err(e) => {
            eprintln!("termark: {e:#}");
            None
        }
    }
}

/// A file read whole (not streamed).
fn is_whole_file(m: &std::fs::Metadata) -> bool {
    m.is_file() && m.len() <= MAX_PRESCAN_BYTES
}

/// The live view, for all sources in turn: each is read on a thread of its own and its
/// chunks are drawn as they come. Returns the exit status.
fn live_main(
    cli: &Cli,
    renderer: &Renderer,
    screen: (usize, usize),
    feeder: Feeder,
    started: Instant,
) -> Result<i32> {
    use signal_hook::consts::{SIGINT, SIGTERM, SIGWINCH};
    let (tx, rx) = mpsc::sync_channel::<live::Event>(64);
    let mut signals = signal_hook::iterator::Signals::new([SIGWINCH, SIGINT, SIGTERM])
        .context("cannot handle signals")?;
    {
        let tx = tx.clone();
        let width = renderer.options().width();
        std::thread::spawn(move || {
            for signal in signals.forever() {
                let event = match signal {
                    SIGWINCH => {
                        let (c, r) = screen_size(width);
                        live::Event::Resize(c, r)
                    }
                    SIGINT => live::Event::Stop(130),
                    _ => live::Event::Stop(143),
                };
                if tx.send(event).is_err() {
                    break;
                }
            }
        });
    }
    let stdout = io::stdout();
    let mut view = live::LiveView::new(stdout.lock(), renderer.writer(), screen.0, screen.1);
    let mut stream = renderer.stream();
    let mut total = termark::Stats::default();
    let mut status = 0;
    let sources: Vec<PathBuf> = if cli.demo {
        vec![PathBuf::new()]
    } else if cli.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        cli.files.clone()
    };
    let relayout = cli.width.is_none();
    for (i, path) in sources.iter().enumerate() {
        let name = path.display().to_string();
        let src = if cli.demo {
            Source::Demo
        } else {
            let Some(src) = open(path) else {
                status = 1;
                continue;
            };
            src
        };
        if i > 0 {
            writeln!(view.writer())?;
        }
        let (data, pace) = match src {
            Source::Demo => (
                Input::Bytes(DEMO.as_bytes().to_vec()),
                Feeder {
                    chunk: Some(feeder.chunk.unwrap_or(12)),
                    rate: Some(feeder.rate.unwrap_or(600)),
                },
            ),
            Source::File(bytes) => {
                stream.prepare_document(&String::from_utf8_lossy(&bytes));
                (Input::Bytes(bytes), feeder)
            }
            Source::Reader(r) => (Input::Reader(r), feeder),
        };
        let tx = tx.clone();
        std::thread::spawn(move || read_input(data, pace, &tx));
        let outcome = live::run(&mut view, &mut stream, &rx, relayout)?;
        total += stream.stats();
        stream.release();
        match outcome {
            live::Outcome::Ended(None) => {}
            live::Outcome::Ended(Some(e)) => {
                eprintln!("termark: reading {name}: {e}");
                status = 1;
            }
            live::Outcome::Stopped(code) => {
                status = code;
                break;
            }
        }
    }
    // A Ctrl-C that reached the producer first shows as the end of input, then the signal.
    while let Ok(event) = rx.try_recv() {
        if let live::Event::Stop(code) = event {
            status = code;
        }
    }
    view.restore()?;
    if cli.stats {
        print_stats(&total, started);
        eprintln!("termark: {} live frames", view.frames());
    }
    Ok(status)
}

/// What a live source's reader thread sends: bytes it has, or a reader.
enum Input {
    Bytes(Vec<u8>),
    Reader(Box<dyn Read + Send>),
}

/// Sends `input` to the live loop in chunks (paced by `pace`), then the end.
fn read_input(input: Input, pace: Feeder, tx: &mpsc::SyncSender<live::Event>) {
    let send = |data: &[u8]| -> bool {
        let n = pace.chunk.unwrap_or(data.len()).max(1);
        for piece in data.chunks(n) {
            if tx.send(live::Event::Data(piece.to_vec())).is_err() {
                return false;
            }
            if let Some(rate) = pace.rate.filter(|&r| r > 0) {
                std::thread::sleep(Duration::from_secs_f64(piece.len() as f64 / rate as f64));
            }
        }
        true
    };
    let error = match input {
        Input::Bytes(bytes) => {
            let _ = send(&bytes);
            None
        }
        Input::Reader(mut r) => {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match r.read(&mut buf) {
                    Ok(0) => break None,
                    Ok(n) => {
                        if !send(&buf[..n]) {
                            return;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => break Some(e),
                }
            }
        }
    };
    let _ = tx.send(live::Event::End(error));
}

fn print_stats(total: &termark::Stats, started: Instant) {
    {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "termark: {} bytes in, {} chunks, {} committed lines, {} parses of {} bytes, {} tentative renders ({} stale), {} peak tentative lines, {:.3} s, {:.2} MB/s",
            total.bytes_in,
            total.chunks,
            total.committed_lines,
            total.parses,
            total.parsed_bytes,
            total.tentative_renders,
            total.tentative_stale,
            total.peak_tentative_lines,
            secs,
            total.bytes_in as f64 / 1e6 / secs.max(1e-9)
        );
    }
}

/// Regular files up to this size are read whole, so link definitions at the bottom (as in
/// most READMEs) apply to references above them. Larger files and pipes stream.
const MAX_PRESCAN_BYTES: u64 = 64 * 1024 * 1024;

enum Source {
    Demo,
    File(Vec<u8>),
    Reader(Box<dyn Read + Send>),
}
