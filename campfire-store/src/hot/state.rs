//! The cached state itself: what is kept, the generation of each kind, and what each event
//! makes old.

use std::collections::HashMap;

use campfire_domain::{
    Boost, EventKind, Membership, Message, MessageId, Room, RoomId, Session, SessionId, Timestamp,
    User, UserId,
};

use super::roster::Roster;
use crate::HotState;

/// Rooms whose latest page is kept, and boost lists kept; past this the oldest are not tracked,
/// the whole set is simply dropped and refilled (pages are cheap to read again).
pub(super) const MAX_PAGES: usize = 256;

/// The kinds of state, each with its own generation (see the module docs).
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    Sessions,
    Users,
    Rooms,
    Members,
    Pages,
}

#[derive(Default)]
pub(super) struct Hot {
    pub(super) sessions: HashMap<String, Session>,
    pub(super) users: HashMap<UserId, User>,
    pub(super) rooms: HashMap<RoomId, Room>,
    pub(super) members: HashMap<RoomId, HashMap<UserId, Option<Membership>>>,
    /// The latest page of a room, by the limit it was read with (the app's history page and
    /// the bot API's, which reads one more to know whether there are older ones).
    pub(super) pages: HashMap<(RoomId, u32), Vec<Message>>,
    /// How many messages a room has (the bot API's `X-Total-Count`): changes when its pages do.
    pub(super) counts: HashMap<RoomId, u64>,
    /// The boosts of exactly these messages (a history page's).
    pub(super) boosts: HashMap<Vec<MessageId>, Vec<Boost>>,
    generations: Generations,
    /// Who is in which room, kept from the log alone.
    pub(super) roster: Roster,
}

#[derive(Default, Clone, Copy)]
struct Generations {
    sessions: u64,
    users: u64,
    rooms: u64,
    members: u64,
    pages: u64,
}

impl Generations {
    fn of(&mut self, kind: Kind) -> &mut u64 {
        match kind {
            Kind::Sessions => &mut self.sessions,
            Kind::Users => &mut self.users,
            Kind::Rooms => &mut self.rooms,
            Kind::Members => &mut self.members,
            Kind::Pages => &mut self.pages,
        }
    }
}

impl Hot {
    pub(super) fn bump(&mut self, kind: Kind) {
        let generation = self.generations.of(kind);
        *generation = generation.wrapping_add(1);
    }

    pub(super) fn generation(&self, kind: Kind) -> u64 {
        *self.generations.clone().of(kind)
    }

    /// Sessions last active before `before` (pruned).
    pub(super) fn forget_idle_sessions(&mut self, before: Timestamp) {
        self.sessions.retain(|_, s| s.last_active_at >= before);
    }

    pub(super) fn forget_session(&mut self, id: SessionId) {
        self.sessions.retain(|_, s| s.id != id);
        self.bump(Kind::Sessions);
    }

    /// A user changed: their entry, and their sessions (a new password or a deactivation ends
    /// them).
    pub(super) fn forget_user(&mut self, user: UserId) {
        self.users.remove(&user);
        self.sessions.retain(|_, s| s.user != user);
        self.bump(Kind::Users);
        self.bump(Kind::Sessions);
    }

    pub(super) fn forget_room(&mut self, room: RoomId) {
        self.rooms.remove(&room);
        self.forget_in_room(room);
    }

    /// What hangs off a room: its members, pages and count. Bumps the room's kind too, so a
    /// read of the room that raced the change is not kept.
    pub(super) fn forget_in_room(&mut self, room: RoomId) {
        self.members.remove(&room);
        self.pages.retain(|(of, _), _| *of != room);
        self.counts.remove(&room);
        self.bump(Kind::Rooms);
        self.bump(Kind::Members);
        self.bump(Kind::Pages);
    }

    /// A message was posted at `at`: the room's activity time, its members' unread marks, its
    /// latest pages and its count changed. The room itself is kept, its time moved on, so a
    /// stream of posts to one room does not read the room back for each post.
    pub(super) fn posted_in(&mut self, room: RoomId, at: Timestamp) {
        if let Some(kept) = self.rooms.get_mut(&room) {
            kept.last_active_at = kept.last_active_at.max(at);
        }
        self.forget_in_room(room);
    }

    pub(super) fn forget_membership(&mut self, room: RoomId, user: UserId) {
        if let Some(members) = self.members.get_mut(&room) {
            members.remove(&user);
        }
        self.bump(Kind::Members);
    }

    /// A message was edited or deleted, or a boost changed: pages and boost lists go.
    pub(super) fn forget_messages(&mut self) {
        self.pages.clear();
        self.counts.clear();
        self.boosts.clear();
        self.bump(Kind::Pages);
    }

    pub(super) fn forget_all(&mut self) {
        let generations = self.generations;
        let roster = std::mem::take(&mut self.roster);
        *self = Hot::default();
        self.generations = generations;
        self.roster = roster;
        for kind in [
            Kind::Sessions,
            Kind::Users,
            Kind::Rooms,
            Kind::Members,
            Kind::Pages,
        ] {
            self.bump(kind);
        }
    }

    /// Holds `state`, everything a request reads, from the start.
    pub(super) fn fill(&mut self, state: HotState) {
        self.roster = Roster::new(
            state.memberships.iter().map(|m| (m.room, m.user)),
            state.head,
        );
        self.users = state.users.into_iter().map(|u| (u.id, u)).collect();
        self.rooms = state.rooms.into_iter().map(|r| (r.id, r)).collect();
        for membership in state.memberships {
            self.members
                .entry(membership.room)
                .or_default()
                .insert(membership.user, Some(membership));
        }
        self.sessions = state
            .sessions
            .into_iter()
            .map(|s| (s.token_hash.clone(), s))
            .collect();
    }

    /// What an event from the log changes, whoever wrote it.
    pub(super) fn observe(&mut self, kind: &EventKind, at: Timestamp) {
        use EventKind as K;
        match *kind {
            K::MessageCreated { room, .. } => self.posted_in(room, at),
            K::MessageEdited { .. }
            | K::MessageDeleted { .. }
            | K::BoostAdded { .. }
            | K::BoostRemoved { .. } => self.forget_messages(),
            K::RoomCreated { room }
            | K::RoomRenamed { room }
            | K::RoomConverted { room }
            | K::RoomDeleted { room } => self.forget_room(room),
            K::MembershipAdded { room, user }
            | K::MembershipRemoved { room, user }
            | K::InvolvementChanged { room, user }
            | K::RoomRead { room, user }
            | K::RoomMarkedUnread { room, user, .. } => self.forget_membership(room, user),
            K::UserJoined { user } | K::UserUpdated { user } => self.forget_user(user),
            // Deactivation and bans cascade through memberships and messages: rare enough to
            // start over.
            K::UserDeactivated { .. } => self.forget_all(),
            K::AccountUpdated | K::BookmarkAdded { .. } | K::BookmarkRemoved { .. } => {}
        }
    }
}
