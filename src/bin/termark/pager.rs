//! The pager: `$TERMARK_PAGER`, else `$PAGER`, else `less -R -F -X`, as bat does it.
//!
//! `less` always gets `-R` (colors and OSC 8 links pass through). A `less` named without
//! options gets `-R -F -X` (quit if the text fits one screen; leave it on screen), unless
//! the user's `LESS` variable is set: then only `-R`, and `less` takes the rest from `LESS`.
//! `LESSCHARSET` is set to `utf-8` when neither it nor `LESSCHARDEF` is set. A pager that
//! cannot be started means plain output on standard output, with no error.

use std::io::{self, Write};
use std::process::{Child, ChildStdin, Command, Stdio};

/// The pager command: program and arguments.
pub(crate) fn command() -> (String, Vec<String>) {
    let given = ["TERMARK_PAGER", "PAGER"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty());
    let (program, mut args) = match given {
        Some(cmd) => {
            let mut words = cmd.split_whitespace().map(str::to_owned);
            let program = words.next().unwrap_or_default();
            (program, words.collect::<Vec<_>>())
        }
        None => ("less".to_owned(), Vec::new()),
    };
    let is_less = std::path::Path::new(&program)
        .file_name()
        .is_some_and(|n| n == "less");
    if is_less {
        let user_less = std::env::var_os("LESS").is_some_and(|v| !v.is_empty());
        if args.is_empty() && !user_less {
            args = vec!["-R".into(), "-F".into(), "-X".into()];
        } else if !args.iter().any(|a| is_raw_flag(a)) {
            args.insert(0, "-R".into());
        }
    }
    (program, args)
}

/// True for a `less` option that passes colors through: `-R`, `-r` (alone or in a bundle
/// such as `-RFX`), `--RAW-CONTROL-CHARS`, `--raw-control-chars`.
fn is_raw_flag(arg: &str) -> bool {
    if let Some(long) = arg.strip_prefix("--") {
        return long.eq_ignore_ascii_case("raw-control-chars");
    }
    arg.strip_prefix('-')
        .is_some_and(|short| !short.is_empty() && short.chars().any(|c| c == 'R' || c == 'r'))
}

/// A running pager: what is written goes to its input.
pub(crate) struct Pager {
    child: Child,
    input: Option<io::BufWriter<ChildStdin>>,
}

impl Pager {
    /// Starts the pager; `None` if it cannot be started (not installed, say).
    pub(crate) fn start() -> Option<Self> {
        let (program, args) = command();
        let mut cmd = Command::new(&program);
        cmd.args(&args).stdin(Stdio::piped());
        if std::env::var_os("LESSCHARSET").is_none() && std::env::var_os("LESSCHARDEF").is_none() {
            cmd.env("LESSCHARSET", "utf-8");
        }
        let mut child = cmd.spawn().ok()?;
        // Ctrl-C goes to the pager too, which takes it as "stop searching": it must not end
        // termark behind the pager's back (the shell would take the terminal back while the
        // pager still runs). termark ends when the pager closes its input, or at the end.
        let _ = signal_hook::flag::register(
            signal_hook::consts::SIGINT,
            std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
        );
        let input = child
            .stdin
            .take()
            .map(|i| io::BufWriter::with_capacity(64 * 1024, i));
        Some(Self { child, input })
    }

    /// Closes the pager's input and waits until the user quits it.
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        let flushed = match self.input.take() {
            Some(mut input) => input.flush(),
            None => Ok(()),
        };
        self.child.wait()?;
        flushed
    }
}

impl Write for Pager {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.input {
            Some(i) => i.write(buf),
            None => Err(io::ErrorKind::BrokenPipe.into()),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.input {
            Some(i) => i.write_all(buf),
            None => Err(io::ErrorKind::BrokenPipe.into()),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.input {
            Some(i) => i.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Pager {
    fn drop(&mut self) {
        // The user may still be reading: the shell prompt waits for the pager.
        drop(self.input.take());
        let _ = self.child.wait();
    }
}

/// Where the non-live output goes: standard output, a pager, or (for `--paging auto`)
/// a buffer that becomes a pager once the output is taller than the terminal.
pub(crate) struct Sink<W: Write> {
    out: W,
    pager: Option<Pager>,
    held: Option<Held>,
}

/// Output held back until it is known to be taller than the terminal.
struct Held {
    bytes: Vec<u8>,
    /// Lines (newlines) held.
    lines: usize,
    /// The terminal's height, in rows.
    rows: usize,
}

impl<W: Write> Sink<W> {
    /// Straight to `out`.
    pub(crate) fn direct(out: W) -> Self {
        Self {
            out,
            pager: None,
            held: None,
        }
    }

    /// Through the pager (to `out` if none starts).
    pub(crate) fn paged(out: W) -> Self {
        Self {
            out,
            pager: Pager::start(),
            held: None,
        }
    }

    /// Held until it has more than `rows` lines, then paged; written to `out` if it ends
    /// before (or if no pager starts).
    pub(crate) fn deferred(out: W, rows: usize) -> Self {
        Self {
            out,
            pager: None,
            held: Some(Held {
                bytes: Vec::new(),
                lines: 0,
                rows,
            }),
        }
    }

    /// Writes what is held and closes the pager (waiting for the user to quit it).
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        if let Some(held) = self.held.take() {
            self.out.write_all(&held.bytes)?;
        }
        if let Some(pager) = &mut self.pager {
            pager.finish()?;
        }
        self.out.flush()
    }
}

impl<W: Write> Write for Sink<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if let Some(pager) = &mut self.pager {
            return pager.write_all(buf);
        }
        let Some(held) = &mut self.held else {
            return self.out.write_all(buf);
        };
        held.bytes.extend_from_slice(buf);
        held.lines += memchr::memchr_iter(b'\n', buf).count();
        if held.lines > held.rows {
            let bytes = std::mem::take(&mut held.bytes);
            self.held = None;
            self.pager = Pager::start();
            match &mut self.pager {
                Some(pager) => pager.write_all(&bytes)?,
                None => self.out.write_all(&bytes)?,
            }
        }
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        match (&mut self.pager, &self.held) {
            (Some(pager), _) => pager.flush(),
            (None, Some(_)) => Ok(()),
            (None, None) => self.out.flush(),
        }
    }
}
