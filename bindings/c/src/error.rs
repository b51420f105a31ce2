//! Status codes, the thread-local last error, and the guard every entry point runs in.

use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What a call returns: `TERMARK_OK` or one of the `TERMARK_ERROR_*` codes. After an
/// error, `termark_last_error_message()` on the same thread says what went wrong.
pub type TermarkStatus = i32;

/// The call succeeded.
pub const TERMARK_OK: TermarkStatus = 0;
/// A pointer argument that must not be NULL was NULL (a handle, an out-pointer, or a byte
/// pointer with a non-zero length). Nothing was done.
pub const TERMARK_ERROR_NULL_POINTER: TermarkStatus = 1;
/// An option is out of range (width, tab width, tail rows, color depth) or a string option
/// is not UTF-8. The message names the option, the value and what is valid. Nothing was
/// changed.
pub const TERMARK_ERROR_INVALID_OPTION: TermarkStatus = 2;
/// The theme is neither a built-in name (`dark`, `light`) nor a readable, valid `.toml` or
/// `.tmTheme` file. The message names the theme (or the file, line and problem).
pub const TERMARK_ERROR_THEME: TermarkStatus = 3;
/// termark panicked inside the call (a bug: please report it with the input). The panic
/// was caught at the boundary; the handle is still safe to use and to free, but its
/// output may be incomplete.
pub const TERMARK_ERROR_INTERNAL: TermarkStatus = 4;

/// A failed call: its status and message.
pub(crate) struct Failure {
    pub(crate) status: TermarkStatus,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn null(what: &str) -> Self {
        Self {
            status: TERMARK_ERROR_NULL_POINTER,
            message: format!("{what} is NULL"),
        }
    }

    pub(crate) fn option(message: String) -> Self {
        Self {
            status: TERMARK_ERROR_INVALID_OPTION,
            message,
        }
    }
}

impl From<termark::Error> for Failure {
    fn from(e: termark::Error) -> Self {
        let status = match e {
            termark::Error::UnknownTheme { .. } | termark::Error::Theme { .. } => {
                TERMARK_ERROR_THEME
            }
            _ => TERMARK_ERROR_INVALID_OPTION,
        };
        Self {
            status,
            message: e.to_string(),
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Records `message` as this thread's last error.
fn set_last_error(message: &str) {
    // No NUL can be in a C string: show it as the Control Picture the sanitizer uses.
    let c = CString::new(message.replace('\0', "\u{2400}")).unwrap_or_default();
    // During thread teardown the slot may be gone; there is no one to tell then.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = Some(c));
}

/// This thread's last error message, or NULL. The pointer stays valid until the next
/// failing call on this thread.
pub(crate) fn last_error_ptr() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| {
            slot.borrow()
                .as_ref()
                .map_or(std::ptr::null(), |c| c.as_ptr())
        })
        .unwrap_or(std::ptr::null())
}

/// Runs an entry point's body: a panic becomes [`TERMARK_ERROR_INTERNAL`], an error its
/// status; both record the message for `termark_last_error_message`.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Failure>) -> TermarkStatus {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => TERMARK_OK,
        Ok(Err(failure)) => {
            set_last_error(&failure.message);
            failure.status
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("a panic without a message");
            set_last_error(&format!(
                "internal error in termark (please report it): {what}"
            ));
            TERMARK_ERROR_INTERNAL
        }
    }
}

/// Runs a body that cannot report an error (the free functions): a panic is caught and
/// recorded, never unwound into C.
pub(crate) fn guard_void(body: impl FnOnce()) {
    let _ = guard(|| {
        body();
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last() -> String {
        let p = last_error_ptr();
        assert!(!p.is_null());
        // SAFETY: a pointer from `last_error_ptr`, read before the next failing call.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
    }

    #[test]
    fn a_panic_becomes_an_internal_error_with_its_message() {
        let status = guard(|| panic!("boom {}", 42));
        assert_eq!(status, TERMARK_ERROR_INTERNAL);
        assert_eq!(
            last(),
            "internal error in termark (please report it): boom 42"
        );
        let status = guard(|| std::panic::panic_any(7_u8));
        assert_eq!(status, TERMARK_ERROR_INTERNAL);
        assert!(last().ends_with("a panic without a message"));
    }

    #[test]
    fn success_keeps_the_last_error_and_errors_replace_it() {
        assert_eq!(
            guard(|| Err(Failure::null("stream"))),
            TERMARK_ERROR_NULL_POINTER
        );
        assert_eq!(guard(|| Ok(())), TERMARK_OK);
        assert_eq!(last(), "stream is NULL");
        assert_eq!(
            guard(|| Err(Failure::option("a\0b".to_owned()))),
            TERMARK_ERROR_INVALID_OPTION
        );
        assert_eq!(last(), "a\u{2400}b");
    }

    #[test]
    fn the_last_error_is_per_thread() {
        assert_eq!(
            guard(|| Err(Failure::null("here"))),
            TERMARK_ERROR_NULL_POINTER
        );
        std::thread::spawn(|| assert!(last_error_ptr().is_null()))
            .join()
            .unwrap();
        assert_eq!(last(), "here is NULL");
    }
}
