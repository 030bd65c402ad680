//! The store's error type: the variants callers branch on, and a boxed backend cause.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The operation contradicts what is stored.
    #[error(transparent)]
    Conflict(#[from] Conflict),
    /// Stored data could not be read back as a valid value (a corrupt or foreign database).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The database failed (I/O, locking, …). The cause is boxed so adapter types stay inside.
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Conflicts a caller can explain to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// First run already happened: there is an account.
    #[error("this Campfire is already set up")]
    AlreadySetUp,
    /// First run has not happened yet.
    #[error("this Campfire is not set up yet")]
    NotSetUp,
    /// An active user already has this email address.
    #[error("that email address is already in use")]
    EmailTaken,
    /// A user referred to does not exist or is not active.
    #[error("one of the people chosen is not an active user")]
    UnknownUser,
    /// The room is of the wrong kind for this operation (a direct room cannot be converted).
    #[error("that can't be done to a room of this kind")]
    WrongRoomKind,
    /// A running server holds the data directory.
    #[error("a Campfire server is using this data directory; stop it first")]
    DatabaseInUse,
    /// The user is of the wrong kind (a bot cannot become an administrator, and vice versa).
    #[error("that can't be done to a user of this kind")]
    WrongUserKind,
    /// A post's `client_message_id` was already used by its author for a message in another
    /// room: a retry is the same message in the same room, nothing else (F11).
    #[error("that client_message_id was already used for a message in another room")]
    ClientIdUsedElsewhere,
}

impl From<campfire_domain::WrongUserKind> for StoreError {
    fn from(_: campfire_domain::WrongUserKind) -> Self {
        Conflict::WrongUserKind.into()
    }
}

impl From<campfire_domain::BotsAreNotBanned> for StoreError {
    fn from(_: campfire_domain::BotsAreNotBanned) -> Self {
        Conflict::WrongUserKind.into()
    }
}
