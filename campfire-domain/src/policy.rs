//! The one authorization policy (A6, R1, R6, M4, M6, B2). Every handler — web, bot API and CLI —
//! asks [`authorize`] before acting, so a rule is written once and enforced the same everywhere.

use crate::{Role, RoomKind, UserId, UserStatus};

/// Who is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The acting user.
    pub id: UserId,
    /// Their role.
    pub role: Role,
    /// Their status; only active users may do anything.
    pub status: UserStatus,
}

/// What the policy needs to know about the room an action concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomFacts {
    /// Open, closed or direct.
    pub kind: RoomKind,
    /// Who created the room.
    pub creator: UserId,
    /// Whether the actor is a member now. In open rooms every active user is one, so this is
    /// the single test of whether the actor may see the room at all.
    pub actor_is_member: bool,
}

/// Something a user wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Change the account's name, logo, custom CSS or the "only admins create rooms" switch.
    ChangeAccountSettings,
    /// Regenerate the join code.
    RotateJoinCode,
    /// Create, edit or remove bots, or regenerate their keys.
    ManageBots,
    /// Promote or demote a user.
    ChangeRole,
    /// Deactivate a user.
    DeactivateUser,
    /// Ban (or unban) a user.
    BanUser,
    /// Create an open or closed room.
    CreateRoom {
        /// The account's "only admins create rooms" switch.
        only_admins_create_rooms: bool,
    },
    /// Start (or find) a direct room.
    CreateDirectRoom,
    /// See a room and its messages.
    ReadRoom(RoomFacts),
    /// Post a message in a room.
    PostMessage(RoomFacts),
    /// Rename a room.
    RenameRoom(RoomFacts),
    /// Add or remove members of a room.
    ChangeMembers(RoomFacts),
    /// Convert a room between open and closed.
    ConvertRoom(RoomFacts),
    /// Delete a room and its messages.
    DeleteRoom(RoomFacts),
    /// Change one's own involvement in a room.
    SetInvolvement(RoomFacts),
    /// Set or clear a room's topic (X7).
    SetTopic(RoomFacts),
    /// Leave a room (X7).
    LeaveRoom(RoomFacts),
    /// Edit a message.
    EditMessage {
        /// The message's room.
        room: RoomFacts,
        /// Who wrote the message.
        author: UserId,
    },
    /// Delete a message.
    DeleteMessage {
        /// The message's room.
        room: RoomFacts,
        /// Who wrote the message.
        author: UserId,
    },
    /// Boost a message in a room.
    AddBoost(RoomFacts),
    /// Remove a boost.
    RemoveBoost {
        /// The boosted message's room.
        room: RoomFacts,
        /// Who gave the boost.
        booster: UserId,
    },
}

impl Action {
    /// The room the action concerns, if any.
    pub fn room(&self) -> Option<&RoomFacts> {
        match self {
            Action::ChangeAccountSettings
            | Action::RotateJoinCode
            | Action::ManageBots
            | Action::ChangeRole
            | Action::DeactivateUser
            | Action::BanUser
            | Action::CreateRoom { .. }
            | Action::CreateDirectRoom => None,
            Action::ReadRoom(room)
            | Action::PostMessage(room)
            | Action::RenameRoom(room)
            | Action::ChangeMembers(room)
            | Action::ConvertRoom(room)
            | Action::DeleteRoom(room)
            | Action::SetInvolvement(room)
            | Action::SetTopic(room)
            | Action::LeaveRoom(room)
            | Action::AddBoost(room)
            | Action::EditMessage { room, .. }
            | Action::DeleteMessage { room, .. }
            | Action::RemoveBoost { room, .. } => Some(room),
        }
    }
}

/// Why an action was refused. The messages are shown to the person who tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The actor is deactivated or banned.
    #[error("your account is no longer active")]
    NotActive,
    /// The actor may not even learn that the room exists.
    #[error("that room doesn't exist or you're not in it")]
    NotFound,
    /// The actor can see the room (or is signed in) but may not do this.
    #[error("you're not allowed to do that")]
    Forbidden,
}

/// Decides whether `actor` may perform `action`.
///
/// Checks run from the most to the least revealing refusal: an inactive account learns nothing
/// more; a non-member learns nothing about the room (closed and direct rooms must not leak, so
/// every room action by a non-member is [`Denied::NotFound`]); only then do role, authorship and
/// room kind decide between `Ok` and [`Denied::Forbidden`].
pub fn authorize(actor: &Actor, action: &Action) -> Result<(), Denied> {
    if actor.status != UserStatus::Active {
        return Err(Denied::NotActive);
    }
    if action.room().is_some_and(|room| !room.actor_is_member) {
        return Err(Denied::NotFound);
    }
    if permits(actor, action) {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

/// The rules for an active actor who is a member of the room (if the action has one).
fn permits(actor: &Actor, action: &Action) -> bool {
    let admin = actor.role == Role::Administrator;
    // Bots act only through the bot API, which reads, posts and boosts, nothing else.
    let person = actor.role != Role::Bot;
    let mine = |user: UserId| user == actor.id;
    // Admins administer every shared room; members administer the rooms they created.
    let administers = |room: &RoomFacts| admin || (person && mine(room.creator));

    match action {
        Action::ChangeAccountSettings
        | Action::RotateJoinCode
        | Action::ManageBots
        | Action::ChangeRole
        | Action::DeactivateUser
        | Action::BanUser => admin,
        Action::CreateRoom {
            only_admins_create_rooms,
        } => admin || (person && !only_admins_create_rooms),
        Action::CreateDirectRoom => person,
        Action::ReadRoom(_) | Action::PostMessage(_) | Action::AddBoost(_) => true,
        Action::SetInvolvement(_) => person,
        // A topic says what a shared room is for: any person in it may keep it current.
        Action::SetTopic(room) => person && room.kind != RoomKind::Direct,
        // Only a closed room can be left: everyone is in an open room (it is hidden instead,
        // R3) and a direct room is its people (it is deleted instead, R6).
        Action::LeaveRoom(room) => person && room.kind == RoomKind::Closed,
        // A direct room is its fixed set of people (R1): renaming, converting or changing its
        // members would make it a different room, so nobody may.
        Action::RenameRoom(room) | Action::ChangeMembers(room) | Action::ConvertRoom(room) => {
            room.kind != RoomKind::Direct && administers(room)
        }
        // Every participant of a direct room may delete it (R6).
        Action::DeleteRoom(room) => match room.kind {
            RoomKind::Direct => person,
            RoomKind::Open | RoomKind::Closed => administers(room),
        },
        Action::EditMessage { author, .. } | Action::DeleteMessage { author, .. } => {
            mine(*author) || admin
        }
        // Only the booster removes a boost (M6), admins included.
        Action::RemoveBoost { booster, .. } => mine(*booster),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Denied::{Forbidden, NotActive, NotFound};

    const ME: UserId = UserId(1);
    const OTHER: UserId = UserId(2);
    const OK: Result<(), Denied> = Ok(());
    const NF: Result<(), Denied> = Err(NotFound);
    const FB: Result<(), Denied> = Err(Forbidden);

    const M: Role = Role::Member;
    const A: Role = Role::Administrator;
    const B: Role = Role::Bot;
    const O: RoomKind = RoomKind::Open;
    const C: RoomKind = RoomKind::Closed;
    const D: RoomKind = RoomKind::Direct;
    const IN: bool = true;
    const OUT: bool = false;
    /// For room actions: the actor created the room. For message actions: the actor wrote the
    /// message or gave the boost (and someone else created the room).
    const MINE: bool = true;
    const THEIRS: bool = false;

    /// The shape of an action; `action` fills in the room and the people.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Act {
        Settings,
        JoinCode,
        Bots,
        RoleChange,
        Deactivate,
        Ban,
        Create,
        CreateWhenAdminsOnly,
        Direct,
        Read,
        Post,
        Rename,
        Members,
        Convert,
        Delete,
        Involvement,
        Topic,
        Leave,
        Edit,
        DeleteMsg,
        Boost,
        Unboost,
    }

    const ALL_ACTS: [Act; 22] = [
        Act::Settings,
        Act::JoinCode,
        Act::Bots,
        Act::RoleChange,
        Act::Deactivate,
        Act::Ban,
        Act::Create,
        Act::CreateWhenAdminsOnly,
        Act::Direct,
        Act::Read,
        Act::Post,
        Act::Rename,
        Act::Members,
        Act::Convert,
        Act::Delete,
        Act::Involvement,
        Act::Topic,
        Act::Leave,
        Act::Edit,
        Act::DeleteMsg,
        Act::Boost,
        Act::Unboost,
    ];

    fn action(act: Act, kind: RoomKind, member: bool, mine: bool) -> Action {
        let owner = if mine { ME } else { OTHER };
        let room = RoomFacts {
            kind,
            creator: owner,
            actor_is_member: member,
        };
        let others_room = RoomFacts {
            creator: OTHER,
            ..room
        };
        match act {
            Act::Settings => Action::ChangeAccountSettings,
            Act::JoinCode => Action::RotateJoinCode,
            Act::Bots => Action::ManageBots,
            Act::RoleChange => Action::ChangeRole,
            Act::Deactivate => Action::DeactivateUser,
            Act::Ban => Action::BanUser,
            Act::Create => Action::CreateRoom {
                only_admins_create_rooms: false,
            },
            Act::CreateWhenAdminsOnly => Action::CreateRoom {
                only_admins_create_rooms: true,
            },
            Act::Direct => Action::CreateDirectRoom,
            Act::Read => Action::ReadRoom(room),
            Act::Post => Action::PostMessage(room),
            Act::Rename => Action::RenameRoom(room),
            Act::Members => Action::ChangeMembers(room),
            Act::Convert => Action::ConvertRoom(room),
            Act::Delete => Action::DeleteRoom(room),
            Act::Involvement => Action::SetInvolvement(room),
            Act::Topic => Action::SetTopic(room),
            Act::Leave => Action::LeaveRoom(room),
            Act::Edit => Action::EditMessage {
                room: others_room,
                author: owner,
            },
            Act::DeleteMsg => Action::DeleteMessage {
                room: others_room,
                author: owner,
            },
            Act::Boost => Action::AddBoost(room),
            Act::Unboost => Action::RemoveBoost {
                room: others_room,
                booster: owner,
            },
        }
    }

    fn check(
        role: Role,
        status: UserStatus,
        act: Act,
        kind: RoomKind,
        member: bool,
        mine: bool,
    ) -> Result<(), Denied> {
        let actor = Actor {
            id: ME,
            role,
            status,
        };
        authorize(&actor, &action(act, kind, member, mine))
    }

    /// One row: (role, room kind, member?, mine?, action, expected).
    type Row = (Role, RoomKind, bool, bool, Act, Result<(), Denied>);

    /// The expected decision for an active actor. Account-level actions ignore the room columns.
    #[rustfmt::skip]
    const TABLE: &[Row] = &[
        // Account-level administration: administrators only.
        (M, O, IN, THEIRS, Act::Settings, FB),
        (M, O, IN, THEIRS, Act::JoinCode, FB),
        (M, O, IN, THEIRS, Act::Bots, FB),
        (M, O, IN, THEIRS, Act::RoleChange, FB),
        (M, O, IN, THEIRS, Act::Deactivate, FB),
        (M, O, IN, THEIRS, Act::Ban, FB),
        (A, O, IN, THEIRS, Act::Settings, OK),
        (A, O, IN, THEIRS, Act::JoinCode, OK),
        (A, O, IN, THEIRS, Act::Bots, OK),
        (A, O, IN, THEIRS, Act::RoleChange, OK),
        (A, O, IN, THEIRS, Act::Deactivate, OK),
        (A, O, IN, THEIRS, Act::Ban, OK),
        (B, O, IN, THEIRS, Act::Settings, FB),
        (B, O, IN, THEIRS, Act::JoinCode, FB),
        (B, O, IN, THEIRS, Act::Bots, FB),
        (B, O, IN, THEIRS, Act::RoleChange, FB),
        (B, O, IN, THEIRS, Act::Deactivate, FB),
        (B, O, IN, THEIRS, Act::Ban, FB),
        // Creating rooms.
        (M, O, IN, THEIRS, Act::Create, OK),
        (M, O, IN, THEIRS, Act::CreateWhenAdminsOnly, FB),
        (M, O, IN, THEIRS, Act::Direct, OK),
        (A, O, IN, THEIRS, Act::Create, OK),
        (A, O, IN, THEIRS, Act::CreateWhenAdminsOnly, OK),
        (A, O, IN, THEIRS, Act::Direct, OK),
        (B, O, IN, THEIRS, Act::Create, FB),
        (B, O, IN, THEIRS, Act::CreateWhenAdminsOnly, FB),
        (B, O, IN, THEIRS, Act::Direct, FB),
        // Taking part: every member, bots included (except involvement, a person's setting).
        (M, O, IN, THEIRS, Act::Read, OK),
        (M, C, IN, THEIRS, Act::Post, OK),
        (M, D, IN, THEIRS, Act::Boost, OK),
        (M, C, IN, THEIRS, Act::Involvement, OK),
        (M, D, IN, THEIRS, Act::Involvement, OK),
        (A, C, IN, THEIRS, Act::Read, OK),
        (A, D, IN, THEIRS, Act::Post, OK),
        (A, O, IN, THEIRS, Act::Boost, OK),
        (A, O, IN, THEIRS, Act::Involvement, OK),
        (B, O, IN, THEIRS, Act::Read, OK),
        (B, C, IN, THEIRS, Act::Post, OK),
        (B, D, IN, THEIRS, Act::Read, OK),
        (B, D, IN, THEIRS, Act::Post, OK),
        (B, O, IN, THEIRS, Act::Boost, OK),
        (B, O, IN, THEIRS, Act::Involvement, FB),
        // Administering rooms: creators and admins, shared rooms only; direct rooms are
        // deleted by any participant.
        (M, O, IN, MINE, Act::Rename, OK),
        (M, O, IN, THEIRS, Act::Rename, FB),
        (M, C, IN, MINE, Act::Members, OK),
        (M, C, IN, THEIRS, Act::Members, FB),
        (M, O, IN, MINE, Act::Convert, OK),
        (M, C, IN, THEIRS, Act::Convert, FB),
        (M, C, IN, MINE, Act::Delete, OK),
        (M, C, IN, THEIRS, Act::Delete, FB),
        (M, D, IN, MINE, Act::Rename, FB),
        (M, D, IN, MINE, Act::Members, FB),
        (M, D, IN, MINE, Act::Convert, FB),
        (M, D, IN, THEIRS, Act::Delete, OK),
        (A, O, IN, THEIRS, Act::Rename, OK),
        (A, C, IN, THEIRS, Act::Members, OK),
        (A, C, IN, THEIRS, Act::Convert, OK),
        (A, O, IN, THEIRS, Act::Delete, OK),
        (A, D, IN, MINE, Act::Rename, FB),
        (A, D, IN, THEIRS, Act::Members, FB),
        (A, D, IN, MINE, Act::Convert, FB),
        (A, D, IN, THEIRS, Act::Delete, OK),
        (B, O, IN, MINE, Act::Rename, FB),
        (B, C, IN, MINE, Act::Members, FB),
        (B, C, IN, MINE, Act::Convert, FB),
        (B, C, IN, MINE, Act::Delete, FB),
        (B, D, IN, THEIRS, Act::Delete, FB),
        // X7: any person sets a shared room's topic; only closed rooms are left.
        (M, O, IN, THEIRS, Act::Topic, OK),
        (M, C, IN, THEIRS, Act::Topic, OK),
        (M, D, IN, THEIRS, Act::Topic, FB),
        (A, D, IN, MINE, Act::Topic, FB),
        (B, O, IN, THEIRS, Act::Topic, FB),
        (M, C, IN, THEIRS, Act::Leave, OK),
        (A, C, IN, MINE, Act::Leave, OK),
        (M, O, IN, THEIRS, Act::Leave, FB),
        (A, O, IN, MINE, Act::Leave, FB),
        (M, D, IN, THEIRS, Act::Leave, FB),
        (B, C, IN, THEIRS, Act::Leave, FB),
        // Messages: authors edit and delete their own; admins anyone's.
        (M, O, IN, MINE, Act::Edit, OK),
        (M, O, IN, THEIRS, Act::Edit, FB),
        (M, D, IN, MINE, Act::DeleteMsg, OK),
        (M, C, IN, THEIRS, Act::DeleteMsg, FB),
        (A, C, IN, THEIRS, Act::Edit, OK),
        (A, D, IN, THEIRS, Act::DeleteMsg, OK),
        (B, O, IN, MINE, Act::Edit, OK),
        (B, C, IN, THEIRS, Act::Edit, FB),
        (B, D, IN, MINE, Act::DeleteMsg, OK),
        (B, O, IN, THEIRS, Act::DeleteMsg, FB),
        // Boosts: only the booster removes theirs, admins included.
        (M, O, IN, MINE, Act::Unboost, OK),
        (M, O, IN, THEIRS, Act::Unboost, FB),
        (A, C, IN, MINE, Act::Unboost, OK),
        (A, C, IN, THEIRS, Act::Unboost, FB),
        (B, D, IN, MINE, Act::Unboost, OK),
        (B, D, IN, THEIRS, Act::Unboost, FB),
        // Outside the room, it doesn't exist — even for its creator, the author or an admin.
        (M, C, OUT, MINE, Act::Read, NF),
        (M, D, OUT, THEIRS, Act::Post, NF),
        (A, C, OUT, THEIRS, Act::Delete, NF),
        (A, D, OUT, THEIRS, Act::DeleteMsg, NF),
        (B, C, OUT, THEIRS, Act::Post, NF),
        (B, O, OUT, MINE, Act::Edit, NF),
    ];

    #[test]
    fn table() {
        for &(role, kind, member, mine, act, expected) in TABLE {
            assert_eq!(
                check(role, UserStatus::Active, act, kind, member, mine),
                expected,
                "{role:?} in {kind:?} (member: {member}, mine: {mine}) doing {act:?}"
            );
        }
        // Every action appears for every role.
        for role in [M, A, B] {
            for act in ALL_ACTS {
                assert!(
                    TABLE.iter().any(|row| row.0 == role && row.4 == act),
                    "no row for {role:?} {act:?}"
                );
            }
        }
    }

    /// Every combination of role, status, room kind, membership, authorship and action.
    fn every_case() -> impl Iterator<Item = (Role, UserStatus, RoomKind, bool, bool, Act)> {
        let statuses = [
            UserStatus::Active,
            UserStatus::Deactivated,
            UserStatus::Banned,
        ];
        [M, A, B].into_iter().flat_map(move |role| {
            statuses.into_iter().flat_map(move |status| {
                [O, C, D].into_iter().flat_map(move |kind| {
                    [IN, OUT].into_iter().flat_map(move |member| {
                        [MINE, THEIRS].into_iter().flat_map(move |mine| {
                            ALL_ACTS
                                .into_iter()
                                .map(move |act| (role, status, kind, member, mine, act))
                        })
                    })
                })
            })
        })
    }

    #[test]
    fn inactive_users_can_do_nothing() {
        for (role, status, kind, member, mine, act) in every_case() {
            if status != UserStatus::Active {
                assert_eq!(check(role, status, act, kind, member, mine), Err(NotActive));
            }
        }
    }

    #[test]
    fn non_members_get_not_found_for_every_room_action() {
        let mut room_actions = 0;
        for (role, status, kind, member, mine, act) in every_case() {
            let is_room_action = action(act, kind, member, mine).room().is_some();
            if status == UserStatus::Active && !member && is_room_action {
                room_actions += 1;
                assert_eq!(check(role, status, act, kind, member, mine), Err(NotFound));
            }
        }
        // 13 room actions × 3 roles × 3 kinds × 2 authorships.
        assert_eq!(room_actions, 13 * 3 * 3 * 2);
    }

    #[test]
    fn bots_only_read_post_and_boost_and_touch_their_own() {
        for (role, status, kind, member, mine, act) in every_case() {
            if role != B || status != UserStatus::Active || !member {
                continue;
            }
            let allowed = match act {
                Act::Read | Act::Post | Act::Boost => true,
                Act::Edit | Act::DeleteMsg | Act::Unboost => mine,
                _ => false,
            };
            let expected = if allowed { OK } else { FB };
            assert_eq!(
                check(role, status, act, kind, member, mine),
                expected,
                "{act:?} in {kind:?}"
            );
        }
    }

    #[test]
    fn nobody_reshapes_a_direct_room_but_every_participant_may_delete_it() {
        for role in [M, A] {
            for mine in [MINE, THEIRS] {
                for act in [Act::Rename, Act::Members, Act::Convert] {
                    assert_eq!(check(role, UserStatus::Active, act, D, IN, mine), FB);
                }
                assert_eq!(
                    check(role, UserStatus::Active, Act::Delete, D, IN, mine),
                    OK
                );
            }
        }
    }

    #[test]
    fn creators_delete_their_own_shared_rooms_only() {
        for kind in [O, C] {
            assert_eq!(
                check(M, UserStatus::Active, Act::Delete, kind, IN, MINE),
                OK
            );
            assert_eq!(
                check(M, UserStatus::Active, Act::Delete, kind, IN, THEIRS),
                FB
            );
            assert_eq!(
                check(A, UserStatus::Active, Act::Delete, kind, IN, THEIRS),
                OK
            );
        }
    }

    #[test]
    fn nobody_removes_another_persons_boost() {
        for (role, status, kind, _, _, _) in every_case() {
            if status == UserStatus::Active {
                assert_eq!(check(role, status, Act::Unboost, kind, IN, THEIRS), FB);
            }
        }
    }

    #[test]
    fn a_deactivated_admin_can_do_nothing() {
        let actor = Actor {
            id: ME,
            role: A,
            status: UserStatus::Deactivated,
        };
        assert_eq!(authorize(&actor, &Action::BanUser), Err(NotActive));
        assert_eq!(
            authorize(&actor, &action(Act::Read, O, IN, MINE)),
            Err(NotActive)
        );
    }

    #[test]
    fn refusals_read_well() {
        assert_eq!(Forbidden.to_string(), "you're not allowed to do that");
        assert_eq!(
            NotFound.to_string(),
            "that room doesn't exist or you're not in it"
        );
        assert_eq!(NotActive.to_string(), "your account is no longer active");
    }
}
