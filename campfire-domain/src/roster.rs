//! Who a shared room's members are (R1, R6): an open room has every active person and bot, a
//! closed room the people chosen for it and its creator; converting or re-choosing changes the
//! difference. The stores load the facts and persist the answer.

use crate::{RoomKind, UserId};

/// Someone chosen for a closed room is not an active user (deactivated, banned or unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("only active people can be members of a room")]
pub struct NotActive(pub UserId);

/// The kind and members of a shared room: open (`chosen` is `None`) → every `active` user;
/// closed → the `chosen` and the `creator`, each once, all of them `active`. `active` is
/// sorted.
pub fn shared_room_members(
    chosen: Option<&[UserId]>,
    creator: Option<UserId>,
    active: &[UserId],
) -> Result<(RoomKind, Vec<UserId>), NotActive> {
    let Some(chosen) = chosen else {
        return Ok((RoomKind::Open, active.to_vec()));
    };
    let mut members: Vec<UserId> = chosen.iter().copied().chain(creator).collect();
    members.sort_unstable();
    members.dedup();
    match members.iter().find(|m| active.binary_search(m).is_err()) {
        Some(inactive) => Err(NotActive(*inactive)),
        None => Ok((RoomKind::Closed, members)),
    }
}

/// What a room's new membership changes: who leaves and who joins, in id order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RosterChange {
    /// Members who are not wanted any more.
    pub leave: Vec<UserId>,
    /// Wanted users who are not members yet.
    pub join: Vec<UserId>,
}

/// The difference between a room's `current` members and the `wanted` ones.
pub fn roster_change(current: &[UserId], wanted: &[UserId]) -> RosterChange {
    let mut leave: Vec<UserId> = current
        .iter()
        .filter(|u| !wanted.contains(u))
        .copied()
        .collect();
    let mut join: Vec<UserId> = wanted
        .iter()
        .filter(|u| !current.contains(u))
        .copied()
        .collect();
    leave.sort_unstable();
    join.sort_unstable();
    leave.dedup();
    join.dedup();
    RosterChange { leave, join }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIVE: [UserId; 4] = [UserId(1), UserId(2), UserId(3), UserId(5)];

    #[test]
    fn an_open_room_is_for_every_active_user() {
        assert_eq!(
            shared_room_members(None, Some(UserId(1)), &ACTIVE),
            Ok((RoomKind::Open, ACTIVE.to_vec()))
        );
    }

    #[test]
    fn a_closed_room_is_for_the_chosen_and_its_creator_once_each() {
        let chosen = [UserId(3), UserId(2), UserId(3)];
        assert_eq!(
            shared_room_members(Some(&chosen), Some(UserId(1)), &ACTIVE),
            Ok((RoomKind::Closed, vec![UserId(1), UserId(2), UserId(3)]))
        );
        assert_eq!(
            shared_room_members(Some(&[]), None, &ACTIVE),
            Ok((RoomKind::Closed, vec![])),
            "re-choosing nobody empties a converted room"
        );
        assert_eq!(
            shared_room_members(Some(&[UserId(4)]), Some(UserId(1)), &ACTIVE),
            Err(NotActive(UserId(4))),
            "someone inactive or unknown is refused"
        );
    }

    #[test]
    fn a_new_membership_changes_the_difference() {
        let current = [UserId(1), UserId(2), UserId(3)];
        let wanted = [UserId(5), UserId(3), UserId(1)];
        assert_eq!(
            roster_change(&current, &wanted),
            RosterChange {
                leave: vec![UserId(2)],
                join: vec![UserId(5)],
            }
        );
        assert_eq!(roster_change(&current, &current), RosterChange::default());
    }
}
