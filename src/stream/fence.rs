//! Fence mode: the open block is a top-level fenced code block (CommonMark §4.5).
//!
//! Only a closing fence (the same character, at least as long as the opening one, at most
//! three spaces of indentation, nothing but spaces after it) ends the block, so every
//! complete line inside it is final the moment its newline arrives: it is highlighted with
//! the syntect state carried from the line before and committed at once. A 5,000-line code
//! block is never re-parsed.

use super::Stream;
use crate::layout::LayoutSink;
use crate::scan::{self, Fence};

impl Stream {
    /// The open block, `text[start..end]` its first line, opens a fence: commit the block
    /// separator and the header, and commit its lines one by one from here.
    pub(super) fn enter_fence_mode(&mut self, fence: Fence, start: usize, end: usize) {
        let info = fence_info(&self.source.text[start..end]);
        self.committed_layout().fence_start(&info);
        self.fence = Some(fence);
        self.source.base = end;
        self.carry.prev_blank = false;
    }

    /// A line of the fenced block, `text[start..content_end]` without its line ending,
    /// which ends at `end`; returns where the next line starts (see `scan_line`).
    pub(super) fn fence_line(
        &mut self,
        start: usize,
        content_end: usize,
        fence: Fence,
        mut end: usize,
    ) -> usize {
        let line = &self.source.text[start..content_end];
        let closed_at_cr = scan::fence_close_at_cr(line, fence);
        let mut sink = LayoutSink::new(
            self.own.as_deref().unwrap_or(&self.shared.options),
            &mut self.carry.layout,
            &mut self.committed.lines,
            &mut self.work.scratch,
        )
        .with_replay(self.replay.as_deref().map(Vec::as_slice))
        .with_record(self.recorder.as_deref_mut());
        if closed_at_cr.is_some() || scan::fence_close(line, fence) {
            sink.code_end();
            self.fence = None;
            self.look.trigger.closed();
            self.carry.prev_blank = false;
            if let Some(n) = closed_at_cr {
                end = start + n;
            }
        } else {
            self.work.line.clear();
            scan::strip_indent(line, fence.indent, &mut self.work.line);
            // Line endings reach the highlighter as `\n`, as pulldown-cmark normalises them.
            self.work.line.push('\n');
            sink.code_line(&self.work.line);
        }
        self.source.base = end;
        end
    }

    /// End of input inside a fence: the unfinished last line (unless it is the closing
    /// fence), then the footer.
    pub(super) fn finish_fence(&mut self, fence: Fence) {
        let rest = self.source.open();
        let closed_at_cr = scan::fence_close_at_cr(rest, fence);
        let rest_len = rest.len();
        let mut sink = LayoutSink::new(
            self.own.as_deref().unwrap_or(&self.shared.options),
            &mut self.carry.layout,
            &mut self.committed.lines,
            &mut self.work.scratch,
        )
        .with_replay(self.replay.as_deref().map(Vec::as_slice))
        .with_record(self.recorder.as_deref_mut());
        if closed_at_cr.is_none() {
            partial_code_line(&mut sink, rest, fence, &mut self.work.line);
        }
        sink.code_end();
        self.fence = None;
        // The rest of a line whose closing fence ends at a bare CR is a new line.
        self.source.base += closed_at_cr.unwrap_or(rest_len);
        self.carry.prev_blank = false;
    }
}

/// Lays out the unfinished last line of an open fence as a code line, unless it is the
/// closing fence (which needs no newline).
pub(super) fn partial_code_line(
    sink: &mut LayoutSink<'_>,
    partial: &str,
    fence: Fence,
    buf: &mut String,
) {
    // pulldown-cmark skips a CR that is the second-to-last byte of an unterminated last
    // line (`x\r\r` reads as `x` then `\r`, `ab\rc` as `ab` then `c`), as if a line ended
    // there (findings 14 and 16).
    let b = partial.as_bytes();
    let joined;
    let partial = if b.len() >= 2 && b[b.len() - 2] == b'\r' {
        joined = [&partial[..b.len() - 2], &partial[b.len() - 1..]].concat();
        joined.as_str()
    } else {
        partial
    };
    // pulldown-cmark drops a last line of at most three spaces without a line ending: it
    // could still become a closing fence (finding 3). Four or more spaces, or a tab, make
    // it a code row (findings 10 and 12).
    let blank = partial.len() < 4 && partial.bytes().all(|b| b == b' ');
    if !blank && !scan::fence_close(partial.trim_end_matches('\r'), fence) {
        buf.clear();
        scan::strip_indent(partial, fence.indent, buf);
        sink.code_line(buf);
    }
}

/// The info string of a fence opener line, as pulldown-cmark decodes it (entities and
/// backslash escapes).
fn fence_info(opener: &str) -> String {
    let mut p = pulldown_cmark::Parser::new_ext(opener, crate::parse::options());
    match p.next() {
        Some(pulldown_cmark::Event::Start(pulldown_cmark::Tag::CodeBlock(
            pulldown_cmark::CodeBlockKind::Fenced(info),
        ))) => info.into_string(),
        _ => String::new(),
    }
}
