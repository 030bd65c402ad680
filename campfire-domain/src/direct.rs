//! The identity of a direct room: its exact member set.

use crate::{UserId, ValueError};

/// The exact, order-free set of a direct room's members, in a canonical text form
/// (`"3,17,42"`: ascending ids, no duplicates) that a store indexes, so that finding "the room
/// of exactly these people" is one index look-up, not a scan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DirectRoomKey {
    members: Vec<UserId>,
}

impl DirectRoomKey {
    /// The key of a set of users. Order and repetition do not matter. A direct room needs at
    /// least two distinct people (a room with only yourself is a note, not a conversation).
    pub fn new(members: impl IntoIterator<Item = UserId>) -> Result<Self, ValueError> {
        let mut members: Vec<UserId> = members.into_iter().collect();
        members.sort_unstable();
        members.dedup();
        if members.len() < 2 {
            return Err(ValueError::Malformed {
                what: "direct room",
                why: "it needs at least two people",
            });
        }
        Ok(DirectRoomKey { members })
    }

    /// Parses the canonical text form.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let members = raw
            .split(',')
            .map(|part| part.parse::<UserId>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ValueError::Malformed {
                what: "direct room key",
                why: "it should be comma-separated ids",
            })?;
        let key = Self::new(members)?;
        if key.to_string() == raw {
            Ok(key)
        } else {
            Err(ValueError::Malformed {
                what: "direct room key",
                why: "it is not in canonical order",
            })
        }
    }

    /// The members, in ascending id order.
    pub fn members(&self) -> &[UserId] {
        &self.members
    }

    /// Whether `user` is one of the members.
    pub fn contains(&self, user: UserId) -> bool {
        self.members.binary_search(&user).is_ok()
    }
}

impl std::fmt::Display for DirectRoomKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for member in &self.members {
            if !first {
                f.write_str(",")?;
            }
            first = false;
            write!(f, "{member}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_key_is_the_exact_set() {
        let ab = DirectRoomKey::new([UserId(9), UserId(2), UserId(9)]).unwrap();
        assert_eq!(ab.to_string(), "2,9");
        assert_eq!(ab, DirectRoomKey::new([UserId(2), UserId(9)]).unwrap());
        assert_ne!(
            ab,
            DirectRoomKey::new([UserId(2), UserId(9), UserId(4)]).unwrap()
        );
        assert!(DirectRoomKey::new([UserId(2), UserId(2)]).is_err());
        assert!(DirectRoomKey::parse("9,2").is_err());
        assert!(DirectRoomKey::parse("2,x").is_err());
    }

    proptest! {
        #[test]
        fn any_order_gives_the_same_key(mut ids in proptest::collection::vec(1i64..50, 2..8)) {
            let key = DirectRoomKey::new(ids.iter().copied().map(UserId));
            ids.reverse();
            let reversed = DirectRoomKey::new(ids.iter().copied().map(UserId));
            prop_assert_eq!(&key, &reversed);
            if let Ok(key) = key {
                prop_assert_eq!(DirectRoomKey::parse(&key.to_string()), Ok(key.clone()));
                for id in ids {
                    prop_assert!(key.contains(UserId(id)));
                }
            }
        }
    }
}
