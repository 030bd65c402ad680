//! The one error type of value constructors.

/// Why a value could not be constructed. The message is written for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The value is empty or only whitespace.
    #[error("{what} can't be blank")]
    Blank {
        /// What the value is, in words ("room name").
        what: &'static str,
    },
    /// The value is longer than allowed.
    #[error("{what} is too long (at most {max} characters)")]
    TooLong {
        /// What the value is.
        what: &'static str,
        /// The maximum, in characters.
        max: usize,
    },
    /// The value does not have the required shape.
    #[error("{what} is not valid: {why}")]
    Malformed {
        /// What the value is.
        what: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
}
