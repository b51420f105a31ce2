//! Link reference definitions of committed text (CommonMark §4.7), and label matching.
//!
//! pulldown-cmark resolves references within one parse. A stream parses its open region
//! again and again, so the definitions of blocks already committed are kept here and reach
//! later parses through pulldown-cmark's broken-link callback (see [`crate::parse`]).
//!
//! # Label matching
//! Labels match as pulldown-cmark matches them, so a streamed render and a whole-document
//! parse agree: runs of ASCII whitespace (line endings included) collapse to one space, the
//! ends are trimmed, and the rest compares under Unicode case folding with
//! [`unicase::UniCase`], the type pulldown-cmark keys its own definitions by (full folding:
//! `[ẞ]` matches a definition of `[SS]`).

use std::collections::HashMap;
use unicase::UniCase;

/// Labels remembered as used, unresolved, in committed text (see [`Defs::want`]): at most
/// this many per message. A later definition of a label past the cap stays invisible.
pub(crate) const MAX_WANTED_LABELS: usize = 4096;

/// One link reference definition: its destination and title (both as pulldown-cmark
/// decoded them: entities and backslash escapes resolved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LinkDef {
    pub(crate) dest: String,
    pub(crate) title: String,
}

/// Link reference definitions: label → destination and title.
#[derive(Clone, Debug, Default)]
pub(crate) struct Defs {
    map: HashMap<UniCase<String>, LinkDef>,
    /// Bytes of the labels, destinations and titles held (for `heap_bytes`).
    text_bytes: usize,
    /// Hashes ([`label_hash`]) of labels that committed text used as references before
    /// any definition of them arrived: a later definition of one is shown where it stands,
    /// so its destination is not lost.
    wanted: rustc_hash::FxHashSet<u64>,
}

impl Defs {
    /// True if there is no definition.
    pub(crate) fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// True if there is no definition and no wanted label.
    pub(crate) fn is_clear(&self) -> bool {
        self.map.is_empty() && self.wanted.is_empty()
    }

    /// Remembers that committed text used the label of `hash` ([`label_hash`]) as a
    /// reference that nothing resolved (up to [`MAX_WANTED_LABELS`]).
    pub(crate) fn want(&mut self, hash: u64) {
        if self.wanted.len() < MAX_WANTED_LABELS {
            self.wanted.insert(hash);
        }
    }

    /// True if committed text used `label` unresolved, and no definition of it is known:
    /// a definition of it arriving now is shown where it stands.
    pub(crate) fn is_wanted(&self, label: &str) -> bool {
        !self.wanted.is_empty()
            && self.wanted.contains(&label_hash(label))
            && self.get(label).is_none()
    }

    /// Adds every link reference definition of `document` (a whole Markdown document), as a
    /// full pulldown-cmark parse finds them.
    pub(crate) fn extend_from_document(&mut self, document: &str) {
        let parser = pulldown_cmark::Parser::new_ext(document, crate::parse::options());
        for (label, def) in parser.reference_definitions().iter() {
            self.insert(label, &def.dest, def.title.as_deref().unwrap_or(""));
        }
    }

    /// Adds a definition; the first definition of a label wins (CommonMark §4.7).
    pub(crate) fn insert(&mut self, label: &str, dest: &str, title: &str) {
        let key = normalize(label);
        if self.map.contains_key(&key) {
            return;
        }
        self.text_bytes += key.len() + dest.len() + title.len();
        self.map.insert(
            key,
            LinkDef {
                dest: dest.to_owned(),
                title: title.to_owned(),
            },
        );
    }

    /// The definition of `label`, matched as pulldown-cmark matches labels.
    pub(crate) fn get(&self, label: &str) -> Option<&LinkDef> {
        if self.map.is_empty() {
            return None;
        }
        self.map.get(&normalize(label))
    }

    /// Heap bytes held: the table's slots and the text of every definition.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.map.capacity() * (std::mem::size_of::<(UniCase<String>, LinkDef)>() + 1)
            + self.text_bytes
            + self.wanted.capacity() * (std::mem::size_of::<u64>() + 1)
    }
}

/// A label's hash, equal for labels that match (see [`normalize`]).
pub(crate) fn label_hash(label: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    normalize(label).hash(&mut h);
    h.finish()
}

/// A label as a key: ASCII whitespace runs collapsed to one space and trimmed (as
/// pulldown-cmark's label scanner does), compared under Unicode case folding.
fn normalize(label: &str) -> UniCase<String> {
    let mut out = String::with_capacity(label.len());
    for word in label
        .split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    UniCase::new(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_labels_are_live_state_and_matched_like_labels() {
        let mut d = Defs::default();
        assert!(d.is_clear());
        d.want(label_hash("Foo  Bar"));
        assert!(
            d.is_empty() && !d.is_clear(),
            "a wanted label is state to drop"
        );
        assert!(d.is_wanted(" foo\n bar "));
        assert!(!d.is_wanted("baz"));
        // Once defined, a label is no longer wanted (its definition stays invisible).
        d.insert("FOO BAR", "/f", "");
        assert!(!d.is_wanted("foo bar"));
        for i in 0..2 * MAX_WANTED_LABELS {
            d.want(i as u64);
        }
        assert!(d.wanted.len() <= MAX_WANTED_LABELS + 1, "the cap holds");
    }

    #[test]
    fn labels_match_as_pulldown_cmark_matches_them() {
        let mut d = Defs::default();
        d.insert("SS", "/u", "");
        d.insert("Foo  Bar", "/f", "t");
        assert_eq!(d.get("ss").map(|l| l.dest.as_str()), Some("/u"));
        assert_eq!(d.get("ẞ").map(|l| l.dest.as_str()), Some("/u"));
        assert_eq!(d.get(" foo\n bar ").map(|l| l.title.as_str()), Some("t"));
        // Only ASCII whitespace collapses, as in pulldown-cmark.
        assert!(d.get("foo\u{3000}bar").is_none());
        // The first definition wins.
        d.insert("ss", "/second", "");
        assert_eq!(d.get("SS").map(|l| l.dest.as_str()), Some("/u"));
    }
}
