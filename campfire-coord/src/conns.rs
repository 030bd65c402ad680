//! The live connections: whose they are, which session opened them, and when each one times out
//! unless the client is heard from again.

use std::collections::{BTreeMap, BTreeSet};

use crate::ConnId;

/// What the hub knows about one live connection.
#[derive(Debug, Clone)]
pub(crate) struct Conn<U, S> {
    /// The connection's user.
    pub(crate) user: U,
    /// The session that opened it.
    pub(crate) session: S,
    /// When it times out unless the client is heard from.
    deadline: u64,
}

/// The live connections, indexed by user, by session and by heartbeat deadline.
#[derive(Debug, Clone)]
pub(crate) struct Conns<U, S> {
    conns: BTreeMap<ConnId, Conn<U, S>>,
    by_user: BTreeMap<U, BTreeSet<ConnId>>,
    by_session: BTreeMap<S, BTreeSet<ConnId>>,
    deadlines: BTreeSet<(u64, ConnId)>,
}

impl<U, S> Default for Conns<U, S> {
    fn default() -> Self {
        Self {
            conns: BTreeMap::new(),
            by_user: BTreeMap::new(),
            by_session: BTreeMap::new(),
            deadlines: BTreeSet::new(),
        }
    }
}

impl<U: Ord + Clone, S: Ord + Clone> Conns<U, S> {
    /// Registers a connection that times out at `deadline`. The id must not be live.
    pub(crate) fn insert(&mut self, conn: ConnId, user: U, session: S, deadline: u64) {
        self.by_user.entry(user.clone()).or_default().insert(conn);
        self.by_session
            .entry(session.clone())
            .or_default()
            .insert(conn);
        self.deadlines.insert((deadline, conn));
        self.conns.insert(
            conn,
            Conn {
                user,
                session,
                deadline,
            },
        );
    }

    /// Forgets a connection; returns what was known about it.
    pub(crate) fn remove(&mut self, conn: ConnId) -> Option<Conn<U, S>> {
        let gone = self.conns.remove(&conn)?;
        remove_from(&mut self.by_user, &gone.user, conn);
        remove_from(&mut self.by_session, &gone.session, conn);
        self.deadlines.remove(&(gone.deadline, conn));
        Some(gone)
    }

    /// Moves a connection's deadline to `deadline`; returns false if it is not live.
    pub(crate) fn touch(&mut self, conn: ConnId, deadline: u64) -> bool {
        let Some(state) = self.conns.get_mut(&conn) else {
            return false;
        };
        self.deadlines.remove(&(state.deadline, conn));
        state.deadline = deadline;
        self.deadlines.insert((deadline, conn));
        true
    }

    /// The live connection `conn`, if it is one.
    pub(crate) fn get(&self, conn: ConnId) -> Option<&Conn<U, S>> {
        self.conns.get(&conn)
    }

    /// Every live connection, in id order.
    pub(crate) fn all(&self) -> impl Iterator<Item = ConnId> {
        self.conns.keys().copied()
    }

    /// The live connections of `user`, in id order.
    pub(crate) fn of_user(&self, user: &U) -> impl Iterator<Item = ConnId> {
        self.by_user.get(user).into_iter().flatten().copied()
    }

    /// The live connections opened by `session`, in id order.
    pub(crate) fn of_session(&self, session: &S) -> impl Iterator<Item = ConnId> {
        self.by_session.get(session).into_iter().flatten().copied()
    }

    /// Whether `user` has a live connection.
    pub(crate) fn has_user(&self, user: &U) -> bool {
        self.by_user.contains_key(user)
    }

    /// The connections whose deadline is at or before `now`, earliest first.
    pub(crate) fn expired(&self, now: u64) -> Vec<ConnId> {
        self.deadlines
            .iter()
            .take_while(|(deadline, _)| *deadline <= now)
            .map(|(_, conn)| *conn)
            .collect()
    }

    /// The earliest heartbeat deadline.
    pub(crate) fn next_deadline(&self) -> Option<u64> {
        self.deadlines.first().map(|(deadline, _)| *deadline)
    }

    /// How many connections are live.
    pub(crate) fn len(&self) -> usize {
        self.conns.len()
    }
}

/// Removes `conn` from the set under `key`, dropping the set when it becomes empty.
fn remove_from<K: Ord>(map: &mut BTreeMap<K, BTreeSet<ConnId>>, key: &K, conn: ConnId) {
    if let Some(set) = map.get_mut(key) {
        set.remove(&conn);
        if set.is_empty() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_follow_inserts_touches_and_removals() {
        let mut conns = Conns::default();
        conns.insert(1, "alice", "s1", 100);
        conns.insert(2, "alice", "s2", 50);
        conns.insert(3, "bob", "s1", 70);
        assert_eq!(conns.of_user(&"alice").collect::<Vec<_>>(), [1, 2]);
        assert_eq!(conns.of_session(&"s1").collect::<Vec<_>>(), [1, 3]);
        assert_eq!(conns.next_deadline(), Some(50));
        assert_eq!(conns.expired(70), [2, 3]);

        assert!(conns.touch(2, 200));
        assert!(!conns.touch(9, 200), "an unknown connection");
        assert_eq!(conns.expired(100), [3, 1]);

        assert_eq!(conns.remove(1).map(|c| c.session), Some("s1"));
        assert!(conns.remove(1).is_none());
        conns.remove(2);
        assert!(!conns.has_user(&"alice"));
        assert_eq!(conns.len(), 1);
        assert_eq!(conns.next_deadline(), Some(70));
    }
}
