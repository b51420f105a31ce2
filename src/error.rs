//! The library's error type. Rendering itself never fails: all Markdown is valid Markdown.

/// What can go wrong around rendering: bad options, theme loading, I/O.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An option is out of range; the message names the option, the value and what is valid.
    #[error("invalid option {option}={value}: {expected}")]
    InvalidOption {
        /// The option's name, as the builder method and the binary's flag spell it.
        option: &'static str,
        /// The rejected value.
        value: String,
        /// What would have been accepted.
        expected: String,
    },
    /// An unknown theme name.
    #[error("unknown theme {name:?}: valid themes are {valid}")]
    UnknownTheme {
        /// The name asked for.
        name: String,
        /// The valid names, comma-separated.
        valid: String,
    },
    /// A theme file could not be read or is invalid.
    #[error("{path}:{line}: {message}")]
    Theme {
        /// The theme file.
        path: String,
        /// 1-based line of the problem (0 when the file could not be read).
        line: usize,
        /// What is wrong, and what would be valid.
        message: String,
    },
    /// Writing the output failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
