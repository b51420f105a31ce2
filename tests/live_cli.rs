//! The binary's live view and pager as users run them: `--live` through a terminal emulator
//! and in tmux, Ctrl-C and SIGTERM, `--paging` with recording pagers.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FIXTURE: &str = "tests/fixtures/answer.md";
const BIN: &str = env!("CARGO_BIN_EXE_termark");

fn termark() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("TERMARK_PAGER")
        .env_remove("PAGER")
        .env_remove("LESS")
        .env("TERM", "xterm-256color");
    c
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("termark-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The logical lines a terminal of `cols`×`rows` shows in scrollback and on screen (down
/// to the cursor's row) after `bytes`, and whether the cursor is visible.
fn replay(bytes: &[u8], cols: u16, rows: u16) -> (Vec<String>, bool) {
    let nz = |n| std::num::NonZeroU16::new(n).unwrap();
    let mut parser = vt100::Parser::new(nz(rows), nz(cols), 100_000);
    let mut cooked = Vec::new();
    for &b in bytes {
        if b == b'\n' {
            cooked.push(b'\r'); // the terminal's ONLCR
        }
        cooked.push(b);
    }
    parser.process(&cooked);
    let screen = parser.screen_mut();
    let cursor = screen.cursor_position().0 as usize;
    screen.set_scrollback(usize::MAX);
    let back = screen.scrollback();
    let mut rows_text = Vec::new();
    for k in (1..=back).rev() {
        screen.set_scrollback(k);
        rows_text.push(screen.rows(0, cols).next().unwrap());
    }
    screen.set_scrollback(0);
    rows_text.extend(screen.rows(0, cols).take(cursor));
    let lines = rows_text.iter().map(|r| r.trim_end().to_owned()).collect();
    (lines, !parser.screen().hide_cursor())
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            match chars.next() {
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    // OSC, up to BEL or ST.
                    while let Some(c) = chars.next() {
                        if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn lines_of(s: &str) -> Vec<String> {
    s.lines().map(|l| l.trim_end().to_owned()).collect()
}

#[test]
fn pipes_get_committed_lines_only_and_live_never_is_the_same() {
    let auto = termark()
        .args(["--width", "60", "--color", "always", FIXTURE])
        .output()
        .unwrap();
    let never = termark()
        .args([
            "--width", "60", "--color", "always", "--live", "never", FIXTURE,
        ])
        .output()
        .unwrap();
    assert!(auto.status.success());
    assert_eq!(auto.stdout, never.stdout);
    let s = String::from_utf8_lossy(&auto.stdout);
    assert!(
        !s.contains("\x1b[?2026h") && !s.contains("\x1b[?25l"),
        "{s:?}"
    );
}

#[test]
fn live_always_replayed_into_a_terminal_is_the_final_rendering_once() {
    let never = termark()
        .args(["--width", "100", "--color", "always", "--live", "never"])
        .arg(FIXTURE)
        .output()
        .unwrap();
    let input = std::fs::read(FIXTURE).unwrap();
    let live = termark()
        .args(["--width", "100", "--color", "always", "--live", "always"])
        .args(["--replay-chunk", "5"])
        .env("LINES", "30")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(&input)?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(live.status.success());
    let bytes = String::from_utf8_lossy(&live.stdout);
    assert!(
        bytes.contains("\x1b[?2026h"),
        "frames are synchronized updates"
    );
    assert!(
        bytes.ends_with("\x1b[0m\x1b[?25h"),
        "attributes reset, cursor shown"
    );
    let (lines, cursor) = replay(&live.stdout, 100, 30);
    assert!(cursor);
    assert_eq!(
        lines,
        lines_of(&strip_ansi(&String::from_utf8_lossy(&never.stdout)))
    );
}

/// Starts `termark --live always` on a stdin kept open, writes `input`, and waits until
/// `marker` shows in its output (so the input has been pushed and drawn).
fn live_child_showing(input: &str, marker: &str) -> (std::process::Child, Vec<u8>) {
    let mut child = termark()
        .args(["--width", "80", "--color", "always", "--live", "always"])
        .env("LINES", "30")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    stdin.flush().unwrap();
    std::mem::forget(stdin); // open until the process ends
    let mut out = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains(marker) {
        assert!(start.elapsed() < Duration::from_secs(20), "no live frame");
        let n = out.read(&mut buf).unwrap();
        assert!(n > 0, "output ended early");
        seen.extend_from_slice(&buf[..n]);
    }
    child.stdout = Some(out);
    (child, seen)
}

fn stopped_by(signal: rustix::process::Signal, status: i32) {
    let input = "# Interrupted\n\nA finished paragraph.\n\nAn open paragraph that is still streaming when\n";
    let (mut child, mut seen) = live_child_showing(input, "still streaming when");
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), signal).unwrap();
    child.stdout.take().unwrap().read_to_end(&mut seen).unwrap();
    let code = child.wait().unwrap().code();
    assert_eq!(code, Some(status));
    let (lines, cursor) = replay(&seen, 80, 30);
    assert!(cursor, "the cursor is visible");
    assert!(String::from_utf8_lossy(&seen).ends_with("\x1b[0m\x1b[?25h"));
    // What was committed stays; the open block is finalized: the whole input, once.
    assert_eq!(
        lines,
        [
            "# Interrupted",
            "",
            "A finished paragraph.",
            "",
            "An open paragraph that is still streaming when"
        ]
    );
}

#[test]
fn ctrl_c_finalizes_the_open_block_and_exits_130() {
    stopped_by(rustix::process::Signal::INT, 130);
}

#[test]
fn sigterm_finalizes_the_open_block_and_exits_143() {
    stopped_by(rustix::process::Signal::TERM, 143);
}

/// A pager script that records its arguments and input in `dir`, then exits.
fn recording_pager(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{0}/args'\ncat > '{0}/input'\n",
            dir.display()
        ),
    )
    .unwrap();
    let mut perm = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
    std::fs::set_permissions(&path, perm).unwrap();
    path
}

#[test]
fn paging_always_gives_the_pager_the_same_bytes_as_paging_never() {
    let dir = temp_dir("pager");
    let pager = recording_pager(&dir, "record");
    let never = termark()
        .args([
            "--width", "60", "--color", "always", "--paging", "never", FIXTURE,
        ])
        .output()
        .unwrap();
    let paged = termark()
        .args([
            "--width", "60", "--color", "always", "--paging", "always", FIXTURE,
        ])
        .env("PAGER", &pager)
        .output()
        .unwrap();
    assert!(paged.status.success());
    assert!(paged.stdout.is_empty(), "all of it went to the pager");
    assert_eq!(std::fs::read(dir.join("input")).unwrap(), never.stdout);
    // TERMARK_PAGER comes first; stdin streams through it too.
    std::fs::remove_file(dir.join("input")).unwrap();
    let piped = termark()
        .args(["--width", "60", "--color", "always", "--paging", "always"])
        .env("PAGER", "/no/such/pager")
        .env("TERMARK_PAGER", &pager)
        .stdin(std::fs::File::open(FIXTURE).unwrap())
        .output()
        .unwrap();
    assert!(piped.status.success());
    let stdin_never = termark()
        .args(["--width", "60", "--color", "always"])
        .stdin(std::fs::File::open(FIXTURE).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        std::fs::read(dir.join("input")).unwrap(),
        stdin_never.stdout
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn less_gets_raw_control_chars_and_the_users_less_is_honoured() {
    let dir = temp_dir("less-args");
    let less = recording_pager(&dir, "less");
    let args = |env: &[(&str, &str)]| {
        let mut c = termark();
        c.args(["--width", "60", "--paging", "always", FIXTURE]);
        for (k, v) in env {
            c.env(k, v);
        }
        assert!(c.output().unwrap().status.success());
        std::fs::read_to_string(dir.join("args")).unwrap()
    };
    let less = less.to_str().unwrap();
    assert_eq!(args(&[("PAGER", less)]), "-R\n-F\n-X\n");
    assert_eq!(args(&[("PAGER", less), ("LESS", "-i")]), "-R\n");
    assert_eq!(args(&[("PAGER", &format!("{less} -S"))]), "-R\n-S\n");
    assert_eq!(args(&[("PAGER", &format!("{less} -RS"))]), "-RS\n");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_missing_pager_is_plain_output_without_an_error() {
    let never = termark().args(["--width", "60", FIXTURE]).output().unwrap();
    let out = termark()
        .args(["--width", "60", "--paging", "always", FIXTURE])
        .env("PAGER", "/no/such/pager")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, never.stdout);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn quitting_the_pager_early_exits_quietly_with_status_0() {
    let dir = temp_dir("pager-quit");
    let big = dir.join("big.md");
    let para = "word ".repeat(200) + "\n\n";
    std::fs::write(&big, para.repeat(2000)).unwrap();
    let out = termark()
        .args(["--width", "60", "--paging", "always"])
        .arg(&big)
        .env("PAGER", "head -c 100")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// tmux runs so far (each gets its own server).
static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs `command` in a detached tmux session of 100×30 until it exits; the pane's whole
/// history then. `None` without tmux.
fn in_tmux(command: &str) -> Option<Vec<String>> {
    in_tmux_until(command, None)
}

/// As [`in_tmux`]; with `shows`, the pane is captured once its screen contains that text
/// (the command is then ended with `q`, as for a pager).
fn in_tmux_until(command: &str, shows: Option<&str>) -> Option<Vec<String>> {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        return None;
    }
    // Tests run side by side: a server (and a folder) per run.
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = temp_dir(&format!("tmux-{run}"));
    let conf = dir.join("tmux.conf");
    std::fs::write(
        &conf,
        "set -g remain-on-exit on\nset -g history-limit 100000\n",
    )
    .unwrap();
    let socket = format!("termark-test-{}-{run}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket, "-f"])
            .arg(&conf)
            .args(args)
            .output()
            .unwrap()
    };
    let started = tmux(&[
        "new-session",
        "-d",
        "-x",
        "100",
        "-y",
        "30",
        "-s",
        "t",
        command,
    ]);
    assert!(started.status.success(), "{started:?}");
    let start = Instant::now();
    loop {
        if let Some(text) = shows {
            let screen = tmux(&["capture-pane", "-p", "-t", "t"]);
            if String::from_utf8_lossy(&screen.stdout).contains(text) {
                // Give the pager a moment to draw the whole screen.
                std::thread::sleep(Duration::from_millis(300));
                break;
            }
        }
        let dead = tmux(&["list-panes", "-t", "t", "-F", "#{pane_dead}"]);
        if String::from_utf8_lossy(&dead.stdout).trim() == "1" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "tmux run timed out"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let pane = tmux(&["capture-pane", "-p", "-S", "-", "-t", "t"]);
    if shows.is_some() {
        tmux(&["send-keys", "-t", "t", "q"]);
    }
    tmux(&["kill-server"]);
    std::fs::remove_dir_all(&dir).ok();
    let mut lines: Vec<String> = lines_of(&String::from_utf8_lossy(&pane.stdout));
    // tmux notes the exit on the pane's last row; the rows below the output are empty.
    lines.retain(|l| !l.starts_with("Pane is dead"));
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    Some(lines)
}

#[test]
fn tmux_pane_after_a_paced_live_stream_equals_live_never_output() {
    // tmux 3.3 keeps at most 21 bytes of a grapheme in a cell, so the one emoji family of
    // the fixture (25 bytes) loses its last person there: it is swapped for one glyph.
    let dir = temp_dir("tmux-input");
    let fixture = dir.join("answer.md");
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    std::fs::write(
        &fixture,
        text.replace("👨\u{200d}👩\u{200d}👧\u{200d}👦", "👪"),
    )
    .unwrap();
    let command = format!(
        "cat '{}' | env TERM=xterm-256color '{BIN}' --replay-rate 4000",
        fixture.display()
    );
    let Some(pane) = in_tmux(&command) else {
        eprintln!("skipped: tmux is not installed");
        return;
    };
    let never = termark()
        .args(["--width", "100", "--live", "never", "--color", "always"])
        .stdin(std::fs::File::open(&fixture).unwrap())
        .output()
        .unwrap();
    let mut expected = lines_of(&strip_ansi(&String::from_utf8_lossy(&never.stdout)));
    while expected.last().is_some_and(String::is_empty) {
        expected.pop();
    }
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(pane, expected, "the pane holds the rendering once");
}

#[test]
fn the_readmes_lessopen_recipe_renders_markdown_in_less() {
    if Command::new("less").arg("--version").output().is_err() {
        eprintln!("skipped: less is not installed");
        return;
    }
    let readme = std::fs::read_to_string("README.md").unwrap();
    let recipe = readme
        .lines()
        .find(|l| l.starts_with("export LESSOPEN="))
        .expect("README gives an `export LESSOPEN=...` line");
    let dir = temp_dir("lessopen");
    let file = dir.join("answer.md");
    std::fs::copy(FIXTURE, &file).unwrap();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let script = dir.join("run.sh");
    std::fs::write(
        &script,
        format!(
            "export PATH='{}':\"$PATH\" TERM=xterm-256color LESS=-R\n{recipe}\nless '{}'\n",
            bin_dir.display(),
            file.display()
        ),
    )
    .unwrap();
    let Some(pane) = in_tmux_until(&format!("sh '{}'", script.display()), Some("# Streaming"))
    else {
        eprintln!("skipped: tmux is not installed");
        return;
    };
    let rendered = termark()
        .args(["--width", "100", "--color", "always"])
        .arg(&file)
        .output()
        .unwrap();
    let expected = lines_of(&strip_ansi(&String::from_utf8_lossy(&rendered.stdout)));
    // less shows the first 29 lines of the rendering (its prompt takes the last row).
    assert_eq!(
        pane[..29],
        expected[..29],
        "less shows termark's rendering at the pane's width"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The binary on a pseudo-terminal of `cols`×`rows` (stdout and stderr), stdin a pipe;
/// what it writes is read on a thread and sent over the returned channel.
struct OnPty {
    child: std::process::Child,
    slave: std::os::fd::OwnedFd,
    output: std::sync::mpsc::Receiver<Vec<u8>>,
    seen: Vec<u8>,
}

impl OnPty {
    fn start(cols: u16, rows: u16, args: &[&str]) -> Self {
        use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let slave: std::os::fd::OwnedFd = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(name.to_str().unwrap())
            .unwrap()
            .into();
        Self::set_size(&slave, cols, rows);
        let child = termark()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave.try_clone().unwrap()))
            .spawn()
            .unwrap();
        let (tx, output) = std::sync::mpsc::channel();
        let mut master = std::fs::File::from(master);
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            // Until the pty reports EIO (no process has it open any more).
            while let Ok(n) = master.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            slave,
            output,
            seen: Vec::new(),
        }
    }

    fn set_size(fd: &std::os::fd::OwnedFd, cols: u16, rows: u16) {
        rustix::termios::tcsetwinsize(
            fd,
            rustix::termios::Winsize {
                ws_row: rows,
                ws_col: cols,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )
        .unwrap();
    }

    fn write(&mut self, text: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(text.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// Reads until the output so far contains `marker` and ends a frame.
    fn wait_for(&mut self, marker: &str) {
        let start = Instant::now();
        loop {
            let s = String::from_utf8_lossy(&self.seen);
            if s.contains(marker) && s.ends_with("\x1b[?2026l") {
                return;
            }
            let left = Duration::from_secs(20).saturating_sub(start.elapsed());
            assert!(!left.is_zero(), "{marker:?} never showed: {s:?}");
            if let Ok(bytes) = self.output.recv_timeout(left) {
                self.seen.extend_from_slice(&bytes);
            }
        }
    }

    /// Closes stdin and reads to the end; the exit status.
    fn finish(mut self) -> (Option<i32>, Vec<u8>) {
        drop(self.child.stdin.take());
        let status = self.child.wait().unwrap().code();
        drop(self.slave);
        while let Ok(bytes) = self.output.recv_timeout(Duration::from_secs(5)) {
            self.seen.extend_from_slice(&bytes);
        }
        (status, self.seen)
    }
}

#[test]
fn on_a_pty_the_binary_is_live_and_follows_a_resize() {
    let para1 = "The first paragraph commits before the resize and is long enough to wrap \
                 at one hundred columns, so its rows show the old width. "
        .repeat(2);
    let para2a = "The second paragraph is open when the terminal grows, and its first words \
                  were drawn at one hundred columns";
    let para2b = " but the rest of it, and everything after, is laid out at one hundred and \
                  twenty columns, as the new width says. "
        .repeat(2);
    let mut pty = OnPty::start(100, 30, &["--color", "always"]);
    pty.write(&format!("# Resize\n\n{para1}\n\n{para2a}"));
    pty.wait_for("at one hundred columns");
    assert!(
        String::from_utf8_lossy(&pty.seen).contains("\x1b[?2026h"),
        "a terminal gets the live view"
    );
    // The terminal grows (the pty has no controlling process: the signal is sent here),
    // and the view draws a frame at the new width before more input comes.
    let before = pty.seen.len();
    OnPty::set_size(&pty.slave, 120, 30);
    rustix::process::kill_process(
        rustix::process::Pid::from_child(&pty.child),
        rustix::process::Signal::WINCH,
    )
    .unwrap();
    let start = Instant::now();
    while pty.seen.len() == before || !pty.seen.ends_with(b"\x1b[?2026l") {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no frame after SIGWINCH"
        );
        if let Ok(bytes) = pty.output.recv_timeout(Duration::from_millis(100)) {
            pty.seen.extend_from_slice(&bytes);
        }
    }
    pty.write(&format!("{para2b}\n\nAfter.\n"));
    pty.wait_for("After.");
    let (status, seen) = pty.finish();
    assert_eq!(status, Some(0));
    // The emulator sees the bytes from before the resize at 100 columns, the rest at 120
    // (it does not reflow; growing needs none).
    let nz = |n| std::num::NonZeroU16::new(n).unwrap();
    let mut parser = vt100::Parser::new(nz(30), nz(100), 100_000);
    parser.process(&seen[..before]);
    parser.screen_mut().set_size(nz(30), nz(120));
    parser.process(&seen[before..]);
    let screen = parser.screen_mut();
    let cursor = screen.cursor_position().0 as usize;
    screen.set_scrollback(usize::MAX);
    let back = screen.scrollback();
    let mut shown = Vec::new();
    for k in (1..=back).rev() {
        screen.set_scrollback(k);
        shown.push(screen.rows(0, 120).next().unwrap().trim_end().to_owned());
    }
    screen.set_scrollback(0);
    shown.extend(
        screen
            .rows(0, 120)
            .take(cursor)
            .map(|r| r.trim_end().to_owned()),
    );
    let render = |width: &str, text: &str| {
        let out = termark()
            .args(["--width", width, "--color", "always"])
            .write_stdin_bytes(text)
            .unwrap();
        lines_of(&strip_ansi(&String::from_utf8_lossy(&out)))
    };
    let mut expected = render("100", &format!("# Resize\n\n{para1}\n"));
    expected.push(String::new());
    expected.extend(render("120", &format!("{para2a}{para2b}\n\nAfter.\n")));
    assert_eq!(shown, expected);
}

trait WriteStdin {
    fn write_stdin_bytes(&mut self, text: &str) -> std::io::Result<Vec<u8>>;
}

impl WriteStdin for Command {
    fn write_stdin_bytes(&mut self, text: &str) -> std::io::Result<Vec<u8>> {
        let mut child = self.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
        child.stdin.take().unwrap().write_all(text.as_bytes())?;
        Ok(child.wait_with_output()?.stdout)
    }
}
