//! A bounded pool of line buffers shared by all streams of a renderer.
//!
//! A finished message hands its [`Lines`] buffers back with
//! [`Stream::release`](crate::Stream::release); the next message takes them instead of
//! allocating (and growing them again by doubling). The pool keeps at most
//! [`MAX_POOLED_BUFFERS`] buffers, none larger than [`MAX_POOLED_BUFFER_BYTES`], and at most
//! [`MAX_POOLED_BYTES`] in all, so it never grows without bound: a buffer beyond a limit is
//! freed. One buffer may hold the lines of a 1 MB message (about 3.8 MB).

use crate::line::Lines;
use std::sync::Mutex;

/// Most buffers the pool keeps.
pub const MAX_POOLED_BUFFERS: usize = 16;
/// Largest buffer, in heap bytes, that the pool keeps.
pub const MAX_POOLED_BUFFER_BYTES: usize = 4 << 20;
/// Most heap bytes the pool keeps in all its buffers.
pub const MAX_POOLED_BYTES: usize = 8 << 20;

/// The pool. Shared behind the renderer's `Arc`; every method takes `&self`.
#[derive(Debug, Default)]
pub(crate) struct Pool {
    free: Mutex<Vec<Lines>>,
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

    /// Number of pooled buffers.
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Heap bytes held by pooled buffers.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.lock().iter().map(Lines::heap_bytes).sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Lines>> {
        self.free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
