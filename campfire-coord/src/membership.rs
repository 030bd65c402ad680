//! Who belongs to which room, indexed both ways so that fan-out to a room and the rooms of one
//! user are each a lookup.

use std::collections::{BTreeMap, BTreeSet};

/// Room membership, as of the newest event the hub has applied.
#[derive(Debug, Clone)]
pub(crate) struct Membership<U, R> {
    members: BTreeMap<R, BTreeSet<U>>,
    rooms: BTreeMap<U, BTreeSet<R>>,
}

impl<U, R> Default for Membership<U, R> {
    fn default() -> Self {
        Self {
            members: BTreeMap::new(),
            rooms: BTreeMap::new(),
        }
    }
}

impl<U: Ord + Clone, R: Ord + Clone> Membership<U, R> {
    /// Adds `user` to `room`; returns whether they were not a member already.
    pub(crate) fn join(&mut self, room: R, user: U) -> bool {
        let added = self
            .members
            .entry(room.clone())
            .or_default()
            .insert(user.clone());
        self.rooms.entry(user).or_default().insert(room);
        added
    }

    /// Removes `user` from `room`; returns whether they were a member.
    pub(crate) fn leave(&mut self, room: &R, user: &U) -> bool {
        let removed = remove_from(&mut self.members, room, user);
        remove_from(&mut self.rooms, user, room);
        removed
    }

    /// Removes every member of `room`; returns who they were.
    pub(crate) fn remove_room(&mut self, room: &R) -> BTreeSet<U> {
        let members = self.members.remove(room).unwrap_or_default();
        for user in &members {
            remove_from(&mut self.rooms, user, room);
        }
        members
    }

    /// Removes `user` from every room; returns which rooms they were in.
    pub(crate) fn remove_user(&mut self, user: &U) -> BTreeSet<R> {
        let rooms = self.rooms.remove(user).unwrap_or_default();
        for room in &rooms {
            remove_from(&mut self.members, room, user);
        }
        rooms
    }

    /// Whether `user` is a member of `room`.
    pub(crate) fn is_member(&self, room: &R, user: &U) -> bool {
        self.members
            .get(room)
            .is_some_and(|members| members.contains(user))
    }

    /// The members of `room`, sorted.
    pub(crate) fn members(&self, room: &R) -> impl Iterator<Item = &U> {
        self.members.get(room).into_iter().flatten()
    }

    /// The rooms of `user`.
    pub(crate) fn rooms(&self, user: &U) -> BTreeSet<R> {
        self.rooms.get(user).cloned().unwrap_or_default()
    }
}

/// Removes `value` from the set under `key`, dropping the set when it becomes empty.
fn remove_from<K: Ord, V: Ord>(map: &mut BTreeMap<K, BTreeSet<V>>, key: &K, value: &V) -> bool {
    let Some(set) = map.get_mut(key) else {
        return false;
    };
    let removed = set.remove(value);
    if set.is_empty() {
        map.remove(key);
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_indexes_agree_and_empty_sets_are_dropped() {
        let mut m = Membership::default();
        assert!(m.join("r1", "alice"));
        assert!(!m.join("r1", "alice"), "joining twice changes nothing");
        m.join("r1", "bob");
        m.join("r2", "alice");
        assert_eq!(m.members(&"r1").collect::<Vec<_>>(), [&"alice", &"bob"]);
        assert_eq!(m.rooms(&"alice"), BTreeSet::from(["r1", "r2"]));

        assert!(m.leave(&"r1", &"bob"));
        assert!(!m.leave(&"r1", &"bob"), "leaving twice changes nothing");
        assert_eq!(m.remove_room(&"r1"), BTreeSet::from(["alice"]));
        assert_eq!(m.rooms(&"alice"), BTreeSet::from(["r2"]));
        assert_eq!(m.remove_user(&"alice"), BTreeSet::from(["r2"]));
        assert!(m.members.is_empty() && m.rooms.is_empty());
    }
}
