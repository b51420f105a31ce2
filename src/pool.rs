//! A bounded pool of line buffers shared by all streams of a renderer.
//!
//! A finished message hands its [`Lines`] buffers back with
//! [`Stream::release`](crate::Stream::release); the next message takes them instead of
//! allocating. The pool keeps at most [`MAX_POOLED_BUFFERS`] buffers and none larger than
//! [`MAX_POOLED_BUFFER_BYTES`], so it never grows without bound: a buffer beyond either
//! limit is freed.

use crate::line::Lines;
use std::sync::Mutex;

/// Most buffers the pool keeps.
pub const MAX_POOLED_BUFFERS: usize = 16;
/// Largest buffer, in heap bytes, that the pool keeps.
pub const MAX_POOLED_BUFFER_BYTES: usize = 256 * 1024;

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
        if lines.heap_bytes() == 0 || lines.heap_bytes() > MAX_POOLED_BUFFER_BYTES {
            return;
        }
        lines.clear();
        let mut free = self.lock();
        if free.len() < MAX_POOLED_BUFFERS {
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
