//! What the hub asks its driver to do, drained in order through
//! [`Hub::poll_output`](crate::Hub::poll_output).

/// A connection handle chosen by the driver; the hub treats it as an opaque key.
pub type ConnId = u64;

/// Why the hub closed a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CloseReason {
    /// The user is gone (deactivated, banned): the client must not reconnect as them.
    Revoked,
    /// The connection's session ended (signed out).
    SessionEnded,
    /// The client is too far behind (or ahead) to resume: it must reload its state and
    /// reconnect from the sequence number that state is consistent with.
    Reset,
    /// Nothing was heard from the connection for the heartbeat timeout.
    HeartbeatTimeout,
}

/// One thing for the driver to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output<U, R, P> {
    /// Send one event of the log to one connection.
    Send {
        /// The connection.
        conn: ConnId,
        /// The event's sequence number; the client remembers it to resume.
        seq: u64,
        /// The encoded event.
        payload: P,
    },
    /// Close a connection. The hub has already forgotten it.
    Close {
        /// The connection.
        conn: ConnId,
        /// Why.
        reason: CloseReason,
    },
    /// Who is looking at `room` now, for the live connections of its members.
    Presence {
        /// The room.
        room: R,
        /// The users with a live connection focused on the room, sorted and deduplicated.
        users: Vec<U>,
        /// The live connections of the room's members, sorted.
        conns: Vec<ConnId>,
    },
    /// Who is typing in `room` now, for the live connections of its members.
    Typing {
        /// The room.
        room: R,
        /// The users typing in the room, sorted and deduplicated.
        users: Vec<U>,
        /// The live connections of the room's members, sorted.
        conns: Vec<ConnId>,
    },
}
