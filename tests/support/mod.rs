//! Shared by the integration tests: an independent parser of termark's output.
#![allow(dead_code)]

/// Parses `s` as text plus SGR and OSC 8 sequences only; checks it ends in the default state.
pub fn check_escapes(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut styled = false;
    let mut link = false;
    while i < b.len() {
        match b[i] {
            0x1b => {
                if b.get(i + 1) == Some(&b'[') {
                    let end = b[i + 2..]
                        .iter()
                        .position(|&c| c == b'm')
                        .ok_or("unterminated CSI")?
                        + i
                        + 2;
                    let params = &s[i + 2..end];
                    if !params.bytes().all(|c| c.is_ascii_digit() || c == b';') {
                        return Err(format!("not an SGR: {params:?}"));
                    }
                    styled = params != "0";
                    i = end + 1;
                } else if b[i + 1..].starts_with(b"]8;;") {
                    let end = s[i + 5..].find("\x1b\\").ok_or("unterminated OSC 8")? + i + 5;
                    let url = &s[i + 5..end];
                    if !url.bytes().all(|c| (0x21..0x7f).contains(&c)) {
                        return Err(format!("unsafe OSC 8 URI {url:?}"));
                    }
                    link = !url.is_empty();
                    i = end + 2;
                } else {
                    return Err("foreign escape sequence".into());
                }
            }
            c if c < 0x20 || c == 0x7f => return Err(format!("control byte {c:#x}")),
            _ => {
                let ch = s[i..].chars().next().unwrap_or(' ');
                if ('\u{80}'..='\u{9f}').contains(&ch)
                    || ('\u{202a}'..='\u{202e}').contains(&ch)
                    || ('\u{2066}'..='\u{2069}').contains(&ch)
                {
                    return Err(format!("unsafe char {ch:?}"));
                }
                i += ch.len_utf8();
            }
        }
    }
    if styled || link {
        return Err("line does not end in the default state".into());
    }
    Ok(())
}
