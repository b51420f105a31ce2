//! A bounded pool of line buffers shared by all streams of a renderer.
//!
//! A finished message hands its [`Lines`] buffers back with
//! [`Stream::release`](crate::Stream::release); the next message takes them instead of
//! allocating (and growing them again by doubling). The pool keeps at most
//! [`MAX_POOLED_BUFFERS`] buffers, none larger than [`MAX_POOLED_BUFFER_BYTES`], and at most
//! [`MAX_POOLED_BYTES`] in all, so it never grows without bound: a buffer beyond a limit is
//! freed. One buffer may hold the lines of a 1 MB message (about 3.8 MB).
//!
//! Beside the line buffers it keeps up to [`MAX_POOLED_WORK`] sets of a finished stream's
//! working buffers (layout scratch, the code line, the source buffer), each at most
//! [`KEEP_BUFFER_BYTES`](crate::limits::KEEP_BUFFER_BYTES) of heap, so a table or a list does not
//! grow its scratch again in every message. A working set holds nothing that could change
//! an output (see `stream::Work`).

use crate::line::Lines;
use std::sync::Mutex;

/// Most buffers the pool keeps.
pub const MAX_POOLED_BUFFERS: usize = 16;
/// Largest buffer, in heap bytes, that the pool keeps.
pub const MAX_POOLED_BUFFER_BYTES: usize = 4 << 20;
/// Most heap bytes the pool keeps in all its buffers.
pub const MAX_POOLED_BYTES: usize = 8 << 20;

/// Most sets of working buffers the pool keeps (about one per message streaming at once).
pub const MAX_POOLED_WORK: usize = 4;

/// The pool. Shared behind the renderer's `Arc`; every method takes `&self`.
#[derive(Default)]
pub(crate) struct Pool {
    free: Mutex<Vec<Lines>>,
    work: Mutex<Vec<Spare>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("buffers", &self.len())
            .field("work", &lock(&self.work).len())
            .finish_non_exhaustive()
    }
}

/// A finished stream's working buffers: its scratch, its source buffer and its buffer of
/// undecoded bytes (both empty).
#[derive(Default)]
pub(crate) struct Spare {
    pub(crate) work: crate::stream::Work,
    pub(crate) text: String,
    pub(crate) raw: Vec<u8>,
}

impl Spare {
    fn heap_bytes(&self) -> usize {
        self.work.heap_bytes() + self.text.capacity() + self.raw.capacity()
    }
}

impl Pool {
    /// A buffer from the pool (empty, maybe with capacity), or a new one.
    pub(crate) fn take(&self) -> Lines {
        self.lock().pop().unwrap_or_default()
    }

    /// Returns a buffer. It is cleared; it is freed instead if it is too big or the pool is full.
    pub(crate) fn give(&self, mut lines: Lines) {
        let bytes = lines.heap_bytes();
        if bytes == 0 || bytes > MAX_POOLED_BUFFER_BYTES {
            return;
        }
        lines.clear();
        let mut free = self.lock();
        let held: usize = free.iter().map(Lines::heap_bytes).sum();
        if free.len() < MAX_POOLED_BUFFERS && held + bytes <= MAX_POOLED_BYTES {
            free.push(lines);
        }
    }

    /// A set of working buffers from the pool, or an empty one (which allocates nothing).
    pub(crate) fn take_work(&self) -> Spare {
        lock(&self.work).pop().unwrap_or_default()
    }

    /// Returns a finished stream's working buffers; they are freed instead if they outgrew
    /// [`KEEP_BUFFER_BYTES`](crate::limits::KEEP_BUFFER_BYTES) or the pool holds
    /// [`MAX_POOLED_WORK`] sets.
    pub(crate) fn give_work(&self, mut spare: Spare) {
        let bytes = spare.heap_bytes();
        if bytes == 0 || bytes > crate::limits::KEEP_BUFFER_BYTES {
            return;
        }
        spare.work.recycle();
        spare.text.clear();
        spare.raw.clear();
        let mut free = lock(&self.work);
        if free.len() < MAX_POOLED_WORK {
            free.push(spare);
        }
    }

    /// Number of pooled buffers.
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Heap bytes held by pooled line buffers and working sets.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.lock().iter().map(Lines::heap_bytes).sum::<usize>()
            + lock(&self.work)
                .iter()
                .map(Spare::heap_bytes)
                .sum::<usize>()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Lines>> {
        lock(&self.free)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
