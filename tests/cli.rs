//! The `termark` binary as its users run it.

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

const FIXTURE: &str = "tests/fixtures/answer.md";

fn termark() -> Command {
    let mut c = Command::cargo_bin("termark").unwrap();
    c.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm-256color");
    c
}

#[test]
fn pipe_renders_markdown() {
    termark()
        .args(["--width", "40"])
        .write_stdin("# Hello\n\nSome *text*.\n")
        .assert()
        .success()
        .stdout("# Hello\n\nSome text.\n");
}

#[test]
fn replay_chunk_1_equals_whole_file() {
    let whole = termark()
        .args(["--width", "60", "--color", "always", FIXTURE])
        .output()
        .unwrap();
    let chunked = termark()
        .args([
            "--width",
            "60",
            "--color",
            "always",
            "--replay-chunk",
            "1",
            FIXTURE,
        ])
        .output()
        .unwrap();
    assert!(whole.status.success() && chunked.status.success());
    assert!(!whole.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&whole.stdout),
        String::from_utf8_lossy(&chunked.stdout)
    );
    let stdin = termark()
        .args(["--width", "60", "--color", "always", "--replay-chunk", "7"])
        .pipe_stdin(FIXTURE)
        .unwrap()
        .output()
        .unwrap();
    assert_eq!(whole.stdout, stdin.stdout);
}

#[test]
fn missing_file_is_named_and_fails_but_keeps_other_output() {
    termark()
        .args(["--width", "40", "no/such/file.md", "-"])
        .write_stdin("still rendered\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("still rendered"))
        .stderr(
            predicate::str::contains("no/such/file.md").and(predicate::str::contains("termark:")),
        );
}

#[test]
fn bad_options_are_clear_errors() {
    termark()
        .args(["--width", "3"])
        .write_stdin("x")
        .assert()
        .failure()
        .stderr(predicate::str::contains("width").and(predicate::str::contains("8 to 4096")));
    termark()
        .args(["--theme", "nope"])
        .write_stdin("x")
        .assert()
        .failure()
        .stderr(predicate::str::contains("dark, light"));
}

/// Every SGR parameter list in `out` (`"1;38;5;12"` for `ESC[1;38;5;12m`).
fn sgr_params(out: &str) -> Vec<&str> {
    out.split("\x1b[")
        .skip(1)
        .filter_map(|s| s.split_once('m').map(|(p, _)| p))
        .collect()
}

/// True if `out` sets a color (SGR 30–49 or 90–107, 38;5 / 38;2 included).
fn sets_color(out: &str) -> bool {
    sgr_params(out).iter().any(|p| {
        p.split(';')
            .filter_map(|n| n.parse::<u32>().ok())
            .any(|n| (30..=49).contains(&n) || (90..=107).contains(&n))
    })
}

/// A document with every emphasis and some color: heading, bold, italic, strikethrough,
/// inline code, a link, highlighted code.
const STYLED: &str = "# Title\n\n**bold** *it* ~~gone~~ `code` [link](https://e.test/)\n\n```rust\nfn main() { let x = 1; }\n```\n";

#[test]
fn color_rules() {
    // Not a terminal: no escape sequence by default.
    termark().write_stdin("**b**\n").assert().stdout("b\n");
    let forced = termark()
        .env("CLICOLOR_FORCE", "1")
        .write_stdin(STYLED)
        .output()
        .unwrap();
    let forced = String::from_utf8(forced.stdout).unwrap();
    assert!(
        forced.contains("\x1b[1m") && sets_color(&forced),
        "{forced:?}"
    );
    // NO_COLOR and --color never forbid color, not emphasis: bold, italic, strikethrough
    // and underline stay, no color at all.
    for (env, args) in [
        (vec![("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], vec![]),
        (vec![], vec!["--color", "never"]),
        (vec![("NO_COLOR", "1")], vec!["--color", "never"]),
    ] {
        let mut c = termark();
        for (k, v) in &env {
            c.env(k, v);
        }
        let out = c.args(&args).write_stdin(STYLED).output().unwrap();
        let out = String::from_utf8(out.stdout).unwrap();
        let params = sgr_params(&out);
        for m in ["1", "3", "4", "9"] {
            assert!(
                params.iter().any(|p| p.split(';').any(|n| n == m)),
                "{env:?} {args:?}: no SGR {m} in {out:?}"
            );
        }
        assert!(!sets_color(&out), "{env:?} {args:?}: color in {out:?}");
    }
    termark()
        .env("NO_COLOR", "1")
        .args(["--color", "always"])
        .write_stdin("**b**\n")
        .assert()
        .stdout(predicate::str::contains("\x1b[1m"));
    // --plain: no escape sequence whatever --color says; what would vanish is marked.
    termark()
        .args(["--color", "always", "--plain"])
        .write_stdin("**b** ~~s~~ `c`\n")
        .assert()
        .stdout("b ~~s~~ `c`\n");
}

/// The bytes termark writes for `input` with color forced and the given environment
/// (everything else about the terminal cleared).
fn forced_color(env: &[(&str, &str)], input: &str) -> String {
    let mut c = Command::cargo_bin("termark").unwrap();
    c.env_clear().env("CLICOLOR_FORCE", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c
        .args(["--width", "40"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn color_depth_follows_colorterm_and_term() {
    let code = "`code`\n";
    // COLORTERM=truecolor (or 24bit): 24-bit color.
    assert!(forced_color(&[("TERM", "xterm"), ("COLORTERM", "truecolor")], code).contains("38;2;"));
    assert!(forced_color(&[("TERM", "xterm"), ("COLORTERM", "24bit")], code).contains("38;2;"));
    // A 256-color TERM: the 256-color palette.
    assert!(forced_color(&[("TERM", "xterm-256color")], code).contains("38;5;"));
    // Terminals known to draw 24-bit color without saying so in COLORTERM.
    assert!(forced_color(&[("TERM", "xterm-kitty")], code).contains("38;2;"));
    // Anything else, an unset TERM included: the 16 colors every color terminal has (an
    // unset or empty TERM is not taken for a truecolor terminal).
    for env in [&[("TERM", "xterm")][..], &[][..], &[("TERM", "")][..]] {
        let out = forced_color(env, code);
        assert!(
            !out.contains("38;2;") && !out.contains("38;5;"),
            "{env:?}: {out:?}"
        );
        assert!(
            out.contains("\x1b[3") || out.contains("\x1b[9"),
            "{env:?}: {out:?}"
        );
    }
}

#[test]
fn force_hyperlink_turns_osc8_on_and_off() {
    let doc = "[a](https://e.test/a)\n";
    let on = forced_color(&[("TERM", "xterm"), ("FORCE_HYPERLINK", "1")], doc);
    assert!(on.contains("\x1b]8;;https://e.test/a\x1b\\"), "{on:?}");
    // Off a terminal and without FORCE_HYPERLINK: no OSC 8, the destination is shown.
    let off = forced_color(&[("TERM", "xterm")], doc);
    assert!(
        !off.contains("\x1b]8;") && off.contains("https://e.test/a"),
        "{off:?}"
    );
    let zero = forced_color(
        &[
            ("TERM", "xterm-kitty"),
            ("KITTY_WINDOW_ID", "1"),
            ("FORCE_HYPERLINK", "0"),
        ],
        doc,
    );
    assert!(!zero.contains("\x1b]8;"), "{zero:?}");
}

/// Runs termark on a pseudo-terminal (with `script` from util-linux), so `--color auto`
/// sees a terminal. `None` where `script` is missing.
fn on_a_tty(env: &[(&str, &str)], file: &str) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let cmd = format!("{} --width 40 {file}", env!("CARGO_BIN_EXE_termark"));
    let mut c = std::process::Command::new(script);
    c.env_clear().env("PATH", "/usr/bin:/bin");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn clicolor_zero_and_no_color_keep_emphasis_on_a_terminal() {
    let dir = std::env::temp_dir().join(format!("termark-tty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("b.md");
    std::fs::write(&file, "**bold**\n").unwrap();
    let file = file.to_str().unwrap();
    let Some(colored) = on_a_tty(&[("TERM", "xterm-256color")], file) else {
        eprintln!("skipped: no `script` (util-linux) to make a pseudo-terminal");
        return;
    };
    assert!(
        colored.contains("\x1b[1m"),
        "a terminal gets styles: {colored:?}"
    );
    // CLICOLOR=0 and NO_COLOR turn color off, not bold.
    let off = on_a_tty(&[("TERM", "xterm-256color"), ("CLICOLOR", "0")], file).unwrap();
    assert!(
        off.contains("\x1b[1m") && !sets_color(&off),
        "CLICOLOR=0: {off:?}"
    );
    let off = on_a_tty(&[("TERM", "xterm-256color"), ("NO_COLOR", "1")], file).unwrap();
    assert!(
        off.contains("\x1b[1m") && !sets_color(&off),
        "NO_COLOR: {off:?}"
    );
    let dumb = on_a_tty(&[("TERM", "dumb")], file).unwrap();
    assert!(!dumb.contains("\x1b[1m"), "TERM=dumb: {dumb:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn stats_go_to_stderr() {
    termark()
        .args(["--stats", "--replay-chunk", "16", FIXTURE])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("bytes in")
                .and(predicate::str::contains("chunks"))
                .and(predicate::str::contains("parses of"))
                .and(predicate::str::contains("tentative renders"))
                .and(predicate::str::contains("MB/s")),
        );
}

#[test]
fn demo_runs() {
    termark()
        .args(["--demo", "--replay-rate", "100000000", "--width", "60"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Streaming a Markdown answer"));
}

#[test]
fn closed_stdout_exits_quietly() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_termark"))
        .args(["--width", "80"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let para = "word ".repeat(2000) + "\n\n";
        for _ in 0..400 {
            if stdin.write_all(para.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    out.read_exact(&mut first).unwrap();
    drop(out); // like `| head -c 10`
    let status = child.wait().unwrap();
    writer.join().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "status {status:?}, stderr {err:?}");
    assert_eq!(err, "");
}

#[test]
fn slow_producer_sees_lines_before_input_ends() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_termark"))
        .args(["--width", "80"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in out.lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    stdin
        .write_all(b"# First heading\n\nA paragraph that is finished.\n\nan open para")
        .unwrap();
    stdin.flush().unwrap();
    // The heading and the finished paragraph arrive while stdin is still open.
    let start = Instant::now();
    let mut lines = Vec::new();
    while lines.len() < 3 && start.elapsed() < Duration::from_secs(20) {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
            lines.push(l);
        }
    }
    let early = lines.clone();
    stdin.write_all(b"graph.\n").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    lines.extend(rx.try_iter());
    assert_eq!(
        early,
        ["# First heading", "", "A paragraph that is finished."],
        "lines seen before the input ended"
    );
    assert_eq!(lines[3..], ["", "an open paragraph."]);
    assert!(status.success());
}

#[test]
fn random_bytes_do_not_break_it() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..1_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let out = termark()
        .args(["--color", "always", "--width", "50"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("output is UTF-8");
    for line in text.lines() {
        let visible: String = strip_escapes(line);
        assert!(
            unicode_width::UnicodeWidthStr::width(visible.as_str()) <= 50,
            "{visible:?}"
        );
    }
}

fn strip_escapes(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            match it.next() {
                Some('[') => {
                    for d in it.by_ref() {
                        if d == 'm' {
                            break;
                        }
                    }
                }
                Some(']') => {
                    while let Some(d) = it.next() {
                        if d == '\x1b' {
                            it.next();
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

#[test]
fn files_resolve_later_link_definitions_pipes_keep_the_streaming_rule() {
    // A pipe keeps the reference literal (its block was final before the definition came)
    // and shows the definition where it stands, so the destination is not lost.
    let dir = std::env::temp_dir().join(format!("termark-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("refs.md");
    std::fs::write(&file, "See [the docs][d].\n\n[d]: https://e.test/docs\n").unwrap();
    termark()
        .args(["--width", "60"])
        .arg(&file)
        .assert()
        .success()
        .stdout("See the docs[1].\n[1]: https://e.test/docs\n");
    termark()
        .args(["--width", "60"])
        .pipe_stdin(&file)
        .unwrap()
        .assert()
        .success()
        .stdout("See [the docs][d].\n\n[d]: https://e.test/docs\n");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn theme_files_and_their_errors() {
    let dir = std::env::temp_dir().join(format!("termark-theme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.toml");
    std::fs::write(
        &good,
        "base = \"light\"\n[styles]\nstrong = { fg = \"#ff0000\", bold = true }\n",
    )
    .unwrap();
    termark()
        .args(["--color", "always", "--theme"])
        .arg(&good)
        .write_stdin("**x**\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b[1;38;5;196mx"));
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[styles]\nstrong = { fg = \"pink\" }\n").unwrap();
    termark()
        .arg("--theme")
        .arg(&bad)
        .write_stdin("x")
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.toml:2: strong: a color is"));
    termark().arg("--list-themes").assert().success().stdout(
        predicate::str::contains("dark, light").and(predicate::str::contains("inline_code")),
    );
    std::fs::remove_dir_all(&dir).ok();
}
