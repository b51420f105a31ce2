//! syntect's [`ParseState`], made [`Send`] for the Oniguruma regex backend.
//!
//! With syntect's `regex-onig` feature, `ParseState` is neither `Send` nor `Sync`: a parse
//! state keeps the captures of the pattern that pushed a context as an `onig::Region`,
//! which holds raw pointers. termark keeps a parse state per open code block inside its
//! streams, so without this wrapper a stream could not move between threads or live
//! across an `.await`. The wrapper only adds `Send`; it is not `Sync`.
//!
//! Checked against syntect 5.3 (`Cargo.toml` pins `>=5.3, <5.4`) and onig 6.5 with the
//! Oniguruma sources `onig_sys` 69.9 bundles.

#![deny(missing_docs)]

use syntect::parsing::{ParseState, ParsingError, ScopeStackOp, SyntaxReference, SyntaxSet};

/// A [`ParseState`] that may move to another thread.
#[derive(Clone, Debug)]
pub struct SendParseState(ParseState);

// SAFETY: `ParseState` (syntect 5.3) is !Send only because `StateLevel::captures`
// (src/parsing/parser.rs:70) holds an `onig::Region`: a by-value `OnigRegion` whose `beg`,
// `end` and `history_root` raw pointers (onig_sys src/ffi.rs:598-604) point to heap blocks
// that libc malloc returned (oniguruma regint.h:227-230; onig_region_resize,
// regexec.c:918-944; onig_region_copy, regexec.c:1011-1043) and that the Region owns
// alone: its Clone copies them deeply (onig src/region.rs:215-219) and its Drop frees them
// (onig_region_free(_, 0), region.rs:207-213). Oniguruma keeps no pointer to a region once
// onig_search returns (the match argument that points to it is a stack local,
// regexec.c:1268-1294 and 5474), keeps no per-region or thread-local state (there is no
// thread-local storage in oniguruma/src), and only reads its process-wide limits during a
// search (regexec.c:1508-1527). Every other part of a ParseState (context ids, scope ops,
// the captured `String`) is plain data. Memory from malloc may be written and freed on any
// thread, so moving a ParseState to another thread moves the unique ownership of plain
// heap data, as moving a `Box<[i32]>` does. (`Sync` would need more, and is not claimed.)
unsafe impl Send for SendParseState {}

impl SendParseState {
    /// A parse state at the start of `syntax` (as [`ParseState::new`]).
    #[must_use]
    pub fn new(syntax: &SyntaxReference) -> Self {
        Self(ParseState::new(syntax))
    }

    /// Parses one line (as [`ParseState::parse_line`]): `line` ends in `\n` when the syntax
    /// set was loaded with newlines; returns the scope operations at byte offsets of `line`.
    ///
    /// # Errors
    /// Whatever syntect's `parse_line` returns (a regex that fails to compile or match).
    pub fn parse_line(
        &mut self,
        line: &str,
        syntax_set: &SyntaxSet,
    ) -> Result<Vec<(usize, ScopeStackOp)>, ParsingError> {
        self.0.parse_line(line, syntax_set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_with_captures_moves_to_another_thread() {
        let set = SyntaxSet::load_defaults_newlines();
        // A shell heredoc keeps the captured delimiter in the parse state.
        let syntax = set.find_syntax_by_token("bash").unwrap();
        let mut state = SendParseState::new(syntax);
        state.parse_line("cat <<EOF\n", &set).unwrap();
        let set_ref = &set;
        let state = std::thread::scope(|s| {
            s.spawn(move || {
                let mut state = state;
                state.parse_line("inside the heredoc\n", set_ref).unwrap();
                state
            })
            .join()
            .unwrap()
        });
        let mut again = state.clone();
        let ops = again.parse_line("EOF\n", &set).unwrap();
        assert!(!ops.is_empty());
    }
}
