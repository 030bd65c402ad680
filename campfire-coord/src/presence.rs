//! Ephemeral signals, never in the log: which room each connection is looking at, and who is
//! typing where until when.
//!
//! This module only keeps the state; the hub checks membership before recording anything and
//! turns changes of the per-room sets into outputs.

use std::collections::{BTreeMap, BTreeSet};

use crate::ConnId;

/// Focus and typing state of the live connections.
#[derive(Debug, Clone)]
pub(crate) struct Presence<U, R> {
    focus_of: BTreeMap<ConnId, R>,
    focused: BTreeMap<R, BTreeMap<ConnId, U>>,
    typing_of: BTreeMap<ConnId, BTreeMap<R, u64>>,
    typing: BTreeMap<R, BTreeMap<ConnId, U>>,
    typing_deadlines: BTreeSet<(u64, ConnId, R)>,
}

impl<U, R> Default for Presence<U, R> {
    fn default() -> Self {
        Self {
            focus_of: BTreeMap::new(),
            focused: BTreeMap::new(),
            typing_of: BTreeMap::new(),
            typing: BTreeMap::new(),
            typing_deadlines: BTreeSet::new(),
        }
    }
}

impl<U: Ord + Clone, R: Ord + Clone> Presence<U, R> {
    /// Records that `conn` (of `user`) is looking at `room`, or at no room.
    pub(crate) fn focus(&mut self, conn: ConnId, user: &U, room: Option<R>) {
        self.unfocus(conn);
        if let Some(room) = room {
            self.focused
                .entry(room.clone())
                .or_default()
                .insert(conn, user.clone());
            self.focus_of.insert(conn, room);
        }
    }

    /// Records that `conn` (of `user`) is typing in `room` until `deadline`.
    pub(crate) fn start_typing(&mut self, conn: ConnId, user: &U, room: R, deadline: u64) {
        self.stop_typing(conn, &room);
        self.typing
            .entry(room.clone())
            .or_default()
            .insert(conn, user.clone());
        self.typing_deadlines.insert((deadline, conn, room.clone()));
        self.typing_of
            .entry(conn)
            .or_default()
            .insert(room, deadline);
    }

    /// Records that `conn` stopped typing in `room`.
    pub(crate) fn stop_typing(&mut self, conn: ConnId, room: &R) {
        let Some(rooms) = self.typing_of.get_mut(&conn) else {
            return;
        };
        let Some(deadline) = rooms.remove(room) else {
            return;
        };
        if rooms.is_empty() {
            self.typing_of.remove(&conn);
        }
        self.typing_deadlines
            .remove(&(deadline, conn, room.clone()));
        remove_from(&mut self.typing, room, conn);
    }

    /// The rooms whose presence or typing set involves `conn`.
    pub(crate) fn rooms_of(&self, conn: ConnId) -> BTreeSet<R> {
        let focus = self.focus_of.get(&conn).into_iter();
        let typing = self.typing_of.get(&conn).into_iter().flat_map(|t| t.keys());
        focus.chain(typing).cloned().collect()
    }

    /// Forgets everything about `conn`.
    pub(crate) fn forget_conn(&mut self, conn: ConnId) {
        self.unfocus(conn);
        for room in self.rooms_of(conn) {
            self.stop_typing(conn, &room);
        }
    }

    /// Forgets what `conn` did in `room` (its user left the room).
    pub(crate) fn forget_conn_in(&mut self, conn: ConnId, room: &R) {
        if self.focus_of.get(&conn) == Some(room) {
            self.unfocus(conn);
        }
        self.stop_typing(conn, room);
    }

    /// Forgets everything about `room` (it is gone).
    pub(crate) fn forget_room(&mut self, room: &R) {
        for conn in self.focused.remove(room).unwrap_or_default().into_keys() {
            self.focus_of.remove(&conn);
        }
        for conn in self
            .typing
            .get(room)
            .cloned()
            .unwrap_or_default()
            .into_keys()
        {
            self.stop_typing(conn, room);
        }
    }

    /// The users with a connection focused on `room`, sorted and deduplicated.
    pub(crate) fn looking_at(&self, room: &R) -> Vec<U> {
        users(self.focused.get(room))
    }

    /// The users typing in `room`, sorted and deduplicated.
    pub(crate) fn typing_in(&self, room: &R) -> Vec<U> {
        users(self.typing.get(room))
    }

    /// The earliest moment a typing signal expires.
    pub(crate) fn next_deadline(&self) -> Option<u64> {
        self.typing_deadlines
            .first()
            .map(|(deadline, _, _)| *deadline)
    }

    /// The typing signals that expire at or before `now`, earliest first.
    pub(crate) fn expired(&self, now: u64) -> Vec<(ConnId, R)> {
        self.typing_deadlines
            .iter()
            .take_while(|(deadline, _, _)| *deadline <= now)
            .map(|(_, conn, room)| (*conn, room.clone()))
            .collect()
    }

    fn unfocus(&mut self, conn: ConnId) {
        if let Some(room) = self.focus_of.remove(&conn) {
            remove_from(&mut self.focused, &room, conn);
        }
    }
}

fn users<U: Ord + Clone>(by_conn: Option<&BTreeMap<ConnId, U>>) -> Vec<U> {
    let users: BTreeSet<&U> = by_conn.into_iter().flat_map(|m| m.values()).collect();
    users.into_iter().cloned().collect()
}

fn remove_from<R: Ord, U>(map: &mut BTreeMap<R, BTreeMap<ConnId, U>>, room: &R, conn: ConnId) {
    if let Some(conns) = map.get_mut(room) {
        conns.remove(&conn);
        if conns.is_empty() {
            map.remove(room);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_is_present_while_any_of_their_connections_looks() {
        let mut p = Presence::default();
        p.focus(1, &"alice", Some("r1"));
        p.focus(2, &"alice", Some("r1"));
        p.focus(3, &"bob", Some("r2"));
        assert_eq!(p.looking_at(&"r1"), ["alice"]);
        p.focus(1, &"alice", Some("r2"));
        assert_eq!(p.looking_at(&"r2"), ["alice", "bob"]);
        p.forget_conn(2);
        assert!(p.looking_at(&"r1").is_empty());
        p.forget_room(&"r2");
        assert!(p.looking_at(&"r2").is_empty());
        assert!(p.rooms_of(1).is_empty() && p.focus_of.is_empty() && p.focused.is_empty());
    }

    #[test]
    fn typing_is_renewed_and_expires() {
        let mut p = Presence::default();
        p.start_typing(1, &"alice", "r1", 10);
        p.start_typing(2, &"bob", "r1", 12);
        p.start_typing(1, &"alice", "r1", 15);
        assert_eq!(p.next_deadline(), Some(12));
        assert_eq!(p.expired(14), [(2, "r1")]);
        p.stop_typing(2, &"r1");
        assert_eq!(p.typing_in(&"r1"), ["alice"]);
        p.forget_conn_in(1, &"r1");
        assert!(p.typing_in(&"r1").is_empty());
        assert!(p.typing_of.is_empty() && p.typing.is_empty() && p.typing_deadlines.is_empty());
    }
}
