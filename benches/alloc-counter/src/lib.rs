//! A counting global allocator: wraps [`System`] and counts, with relaxed atomics, the bytes
//! and calls of every allocation, the live heap bytes, and the peak of the live bytes.
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: termark_alloc_counter::Counting = termark_alloc_counter::Counting;
//! let before = termark_alloc_counter::snapshot();
//! // ... work ...
//! let d = termark_alloc_counter::snapshot().since(&before);
//! ```
//!
//! A `realloc` counts as one allocation of its new size (the bytes it may have to copy and
//! the block it hands out), and moves the live count by the difference of the sizes.
//! The counters are process-wide: measure on one thread, with no other test running.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The allocator. Install it with `#[global_allocator]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counting;

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// counters have no effect on the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            ALLOCATED.fetch_add(layout.size(), Relaxed);
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            ALLOCATED.fetch_add(layout.size(), Relaxed);
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            ALLOCATED.fetch_add(new_size, Relaxed);
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

/// The counters at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Bytes handed out so far (allocations plus reallocations' new sizes).
    pub allocated: usize,
    /// Calls to `alloc`, `alloc_zeroed` and `realloc` so far.
    pub allocations: usize,
    /// Bytes live now.
    pub live: usize,
    /// Most bytes live at once since the start or the last [`reset_peak`].
    pub peak: usize,
}

impl Snapshot {
    /// Bytes and calls from `earlier` to `self`; `live` and `peak` stay absolute.
    #[must_use]
    pub fn since(&self, earlier: &Snapshot) -> Snapshot {
        Snapshot {
            allocated: self.allocated - earlier.allocated,
            allocations: self.allocations - earlier.allocations,
            live: self.live,
            peak: self.peak,
        }
    }
}

/// The counters now.
#[must_use]
pub fn snapshot() -> Snapshot {
    Snapshot {
        allocated: ALLOCATED.load(Relaxed),
        allocations: ALLOCATIONS.load(Relaxed),
        live: LIVE.load(Relaxed),
        peak: PEAK.load(Relaxed),
    }
}

/// Restarts the peak from the live bytes now.
pub fn reset_peak() {
    PEAK.store(LIVE.load(Relaxed), Relaxed);
}
