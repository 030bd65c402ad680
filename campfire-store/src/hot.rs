//! Hot state in memory: [`HotStore`] wraps any [`Store`] and answers the reads every request
//! makes — the session behind a cookie, its user, the room, the caller's membership, a room's
//! latest page and its boosts — from memory once they have been read.
//!
//! **Kept current two ways.** Writes made through the wrapper forget what they change before
//! they return, so a caller always reads its own writes. Writes made by another process
//! (`campfire-cli`, later other server nodes) reach it through the event log: every event read
//! with [`Store::events_after`] — the live driver reads the log continuously, so within its
//! poll — forgets what the event changes. Every change a cached value depends on appends an
//! event (that is why `set_password` and `rotate_bot_token` append `UserUpdated`).
//!
//! **No stale fill.** A read that misses notes the generation of its kind of state, reads the
//! inner store, and keeps the answer only if nothing of that kind was forgotten meanwhile: a
//! write that committed between the read and the fill may have made the answer old.
//!
//! Only answers are cached, never absences that can later appear (a missing session or room is
//! read again each time); a membership's absence is cached, as memberships only appear through
//! writes that forget it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use campfire_domain::{
    Account, Boost, BoostContent, BoostId, BotToken, DirectRoomKey, EmailAddress, Event, EventKind,
    EventSeq, Involvement, JoinCode, Membership, Message, MessageBody, MessageId, PushSubscription,
    PushSubscriptionId, Role, Room, RoomId, RoomName, Session, SessionId, Timestamp, User, UserId,
    Webhook,
};

use crate::{
    AccountChanges, Delivery, DeliveryStats, FirstRun, NewBot, NewMessage, NewPerson,
    NewPushSubscription, NewRoom, NewSession, Outcome, Page, Posted, ProfileChanges, RoomMembers,
    SetUp, Stats, Store, StoreError,
};

/// Rooms whose latest page is kept, and boost lists kept; past this the oldest are not tracked,
/// the whole set is simply dropped and refilled (pages are cheap to read again).
const MAX_PAGES: usize = 256;

/// The kinds of state, each with its own generation (see the module docs).
#[derive(Debug, Clone, Copy)]
enum Kind {
    Sessions,
    Users,
    Rooms,
    Members,
    Pages,
}

#[derive(Default)]
struct Hot {
    sessions: HashMap<String, Session>,
    users: HashMap<UserId, User>,
    rooms: HashMap<RoomId, Room>,
    members: HashMap<RoomId, HashMap<UserId, Option<Membership>>>,
    /// The latest page of a room, by the limit it was read with (the app's history page and
    /// the bot API's, which reads one more to know whether there are older ones).
    pages: HashMap<(RoomId, u32), Vec<Message>>,
    /// How many messages a room has (the bot API's `X-Total-Count`): changes when its pages do.
    counts: HashMap<RoomId, u64>,
    /// The boosts of exactly these messages (a history page's).
    boosts: HashMap<Vec<MessageId>, Vec<Boost>>,
    generations: Generations,
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
    fn bump(&mut self, kind: Kind) {
        let generation = self.generations.of(kind);
        *generation = generation.wrapping_add(1);
    }

    fn generation(&self, kind: Kind) -> u64 {
        *self.generations.clone().of(kind)
    }

    fn forget_session(&mut self, id: SessionId) {
        self.sessions.retain(|_, s| s.id != id);
        self.bump(Kind::Sessions);
    }

    /// A user changed: their entry, and their sessions (a new password or a deactivation ends
    /// them).
    fn forget_user(&mut self, user: UserId) {
        self.users.remove(&user);
        self.sessions.retain(|_, s| s.user != user);
        self.bump(Kind::Users);
        self.bump(Kind::Sessions);
    }

    fn forget_room(&mut self, room: RoomId) {
        self.rooms.remove(&room);
        self.forget_in_room(room);
    }

    /// What hangs off a room: its members, pages and count. Bumps the room's kind too, so a
    /// read of the room that raced the change is not kept.
    fn forget_in_room(&mut self, room: RoomId) {
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
    fn posted_in(&mut self, room: RoomId, at: Timestamp) {
        if let Some(kept) = self.rooms.get_mut(&room) {
            kept.last_active_at = kept.last_active_at.max(at);
        }
        self.forget_in_room(room);
    }

    fn forget_membership(&mut self, room: RoomId, user: UserId) {
        if let Some(members) = self.members.get_mut(&room) {
            members.remove(&user);
        }
        self.bump(Kind::Members);
    }

    /// A message was edited or deleted, or a boost changed: pages and boost lists go.
    fn forget_messages(&mut self) {
        self.pages.clear();
        self.counts.clear();
        self.boosts.clear();
        self.bump(Kind::Pages);
    }

    fn forget_all(&mut self) {
        let generations = self.generations;
        *self = Hot::default();
        self.generations = generations;
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

    /// What an event from the log changes, whoever wrote it.
    fn observe(&mut self, kind: &EventKind, at: Timestamp) {
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
            | K::RoomRead { room, user } => self.forget_membership(room, user),
            K::UserJoined { user } | K::UserUpdated { user } => self.forget_user(user),
            // Deactivation and bans cascade through memberships and messages: rare enough to
            // start over.
            K::UserDeactivated { .. } => self.forget_all(),
            K::AccountUpdated => {}
        }
    }
}

/// A [`Store`] with the hot reads answered from memory (see the module docs).
pub struct HotStore {
    inner: Arc<dyn Store>,
    hot: Mutex<Hot>,
}

impl HotStore {
    /// Wraps `inner`; nothing is read until it is asked for.
    pub fn new(inner: Arc<dyn Store>) -> Self {
        HotStore {
            inner,
            hot: Mutex::new(Hot::default()),
        }
    }

    fn hot(&self) -> MutexGuard<'_, Hot> {
        // A panic while holding the lock cannot leave a half-updated cache that matters: at
        // worst an entry is missing, which is a miss.
        self.hot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Reads through: `cached` from memory, else `read` from the store, kept by `keep` unless
    /// state of `kind` was forgotten meanwhile.
    async fn through<T, Read, Fut>(
        &self,
        kind: Kind,
        cached: impl FnOnce(&Hot) -> Option<T>,
        read: Read,
        keep: impl FnOnce(&mut Hot, &T),
    ) -> Result<T, StoreError>
    where
        Read: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, StoreError>>,
    {
        let generation = {
            let hot = self.hot();
            if let Some(value) = cached(&hot) {
                return Ok(value);
            }
            hot.generation(kind)
        };
        let value = read().await?;
        let mut hot = self.hot();
        if hot.generation(kind) == generation {
            keep(&mut hot, &value);
        }
        Ok(value)
    }

    /// Runs a write, then forgets what it changed (also when it failed: it may have committed
    /// before its answer was lost).
    async fn forgetting<T>(
        &self,
        write: impl std::future::Future<Output = Result<T, StoreError>>,
        forget: impl FnOnce(&mut Hot),
    ) -> Result<T, StoreError> {
        let result = write.await;
        forget(&mut self.hot());
        result
    }
}

#[async_trait]
impl Store for HotStore {
    async fn set_up(&self, first_run: FirstRun) -> Result<SetUp, StoreError> {
        self.forgetting(self.inner.set_up(first_run), Hot::forget_all)
            .await
    }

    async fn account(&self) -> Result<Option<Account>, StoreError> {
        self.inner.account().await
    }

    async fn rotate_join_code(&self, code: JoinCode, at: Timestamp) -> Result<Account, StoreError> {
        self.inner.rotate_join_code(code, at).await
    }

    async fn update_account(
        &self,
        changes: AccountChanges,
        at: Timestamp,
    ) -> Result<Account, StoreError> {
        self.inner.update_account(changes, at).await
    }

    async fn create_person(&self, person: NewPerson, at: Timestamp) -> Result<User, StoreError> {
        self.inner.create_person(person, at).await
    }

    async fn create_bot(&self, bot: NewBot, at: Timestamp) -> Result<User, StoreError> {
        self.inner.create_bot(bot, at).await
    }

    async fn user(&self, id: UserId) -> Result<User, StoreError> {
        self.through(
            Kind::Users,
            |hot| hot.users.get(&id).cloned(),
            || self.inner.user(id),
            |hot, user| {
                hot.users.insert(id, user.clone());
            },
        )
        .await
    }

    async fn active_user_by_email(&self, email: &EmailAddress) -> Result<Option<User>, StoreError> {
        self.inner.active_user_by_email(email).await
    }

    async fn password_hash(&self, id: UserId) -> Result<Option<String>, StoreError> {
        self.inner.password_hash(id).await
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        self.inner.users().await
    }

    async fn set_role(&self, id: UserId, role: Role, at: Timestamp) -> Result<User, StoreError> {
        self.forgetting(self.inner.set_role(id, role, at), |hot| {
            hot.forget_user(id);
        })
        .await
    }

    async fn set_password(
        &self,
        id: UserId,
        password_hash: String,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.forgetting(self.inner.set_password(id, password_hash, at), |hot| {
            hot.forget_user(id);
        })
        .await
    }

    async fn rotate_bot_token(
        &self,
        id: UserId,
        token: BotToken,
        at: Timestamp,
    ) -> Result<User, StoreError> {
        self.forgetting(self.inner.rotate_bot_token(id, token, at), |hot| {
            hot.forget_user(id);
        })
        .await
    }

    async fn webhook(&self, bot: UserId) -> Result<Option<Webhook>, StoreError> {
        self.inner.webhook(bot).await
    }

    async fn deactivate_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        self.forgetting(self.inner.deactivate_user(id, at), Hot::forget_all)
            .await
    }

    async fn update_profile(
        &self,
        id: UserId,
        changes: ProfileChanges,
        at: Timestamp,
    ) -> Result<User, StoreError> {
        self.forgetting(self.inner.update_profile(id, changes, at), |hot| {
            hot.forget_user(id);
        })
        .await
    }

    async fn set_webhook(&self, bot: UserId, url: Option<String>) -> Result<(), StoreError> {
        self.inner.set_webhook(bot, url).await
    }

    async fn ban_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        self.forgetting(self.inner.ban_user(id, at), Hot::forget_all)
            .await
    }

    async fn unban_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        self.forgetting(self.inner.unban_user(id, at), Hot::forget_all)
            .await
    }

    async fn is_banned_ip(&self, ip: &str) -> Result<bool, StoreError> {
        self.inner.is_banned_ip(ip).await
    }

    async fn create_session(&self, session: NewSession) -> Result<Session, StoreError> {
        self.inner.create_session(session).await
    }

    async fn session_by_token_hash(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        self.through(
            Kind::Sessions,
            |hot| hot.sessions.get(token_hash).cloned().map(Some),
            || self.inner.session_by_token_hash(token_hash),
            |hot, session| {
                if let Some(session) = session {
                    hot.sessions
                        .insert(session.token_hash.clone(), session.clone());
                }
            },
        )
        .await
    }

    async fn sessions_of(&self, user: UserId) -> Result<Vec<Session>, StoreError> {
        self.inner.sessions_of(user).await
    }

    async fn delete_session(&self, id: SessionId) -> Result<(), StoreError> {
        self.forgetting(self.inner.delete_session(id), |hot| hot.forget_session(id))
            .await
    }

    async fn touch_session(&self, id: SessionId, at: Timestamp) -> Result<(), StoreError> {
        self.forgetting(self.inner.touch_session(id, at), |hot| {
            hot.forget_session(id);
        })
        .await
    }

    async fn use_token_once(&self, token_id: &str, at: Timestamp) -> Result<bool, StoreError> {
        self.inner.use_token_once(token_id, at).await
    }

    async fn create_room(&self, room: NewRoom) -> Result<Room, StoreError> {
        self.inner.create_room(room).await
    }

    async fn find_or_create_direct_room(
        &self,
        creator: UserId,
        key: DirectRoomKey,
        at: Timestamp,
    ) -> Result<(Room, bool), StoreError> {
        self.inner
            .find_or_create_direct_room(creator, key, at)
            .await
    }

    async fn direct_room(&self, key: &DirectRoomKey) -> Result<Option<Room>, StoreError> {
        self.inner.direct_room(key).await
    }

    async fn room(&self, id: RoomId) -> Result<Room, StoreError> {
        self.through(
            Kind::Rooms,
            |hot| hot.rooms.get(&id).cloned(),
            || self.inner.room(id),
            |hot, room| {
                hot.rooms.insert(id, room.clone());
            },
        )
        .await
    }

    async fn rooms(&self) -> Result<Vec<Room>, StoreError> {
        self.inner.rooms().await
    }

    async fn convert_room(
        &self,
        id: RoomId,
        members: RoomMembers,
        at: Timestamp,
    ) -> Result<Room, StoreError> {
        self.forgetting(self.inner.convert_room(id, members, at), |hot| {
            hot.forget_room(id);
        })
        .await
    }

    async fn rename_room(
        &self,
        id: RoomId,
        name: RoomName,
        at: Timestamp,
    ) -> Result<Room, StoreError> {
        self.forgetting(self.inner.rename_room(id, name, at), |hot| {
            hot.forget_room(id);
        })
        .await
    }

    async fn delete_room(&self, id: RoomId, at: Timestamp) -> Result<(), StoreError> {
        self.forgetting(self.inner.delete_room(id, at), |hot| hot.forget_room(id))
            .await
    }

    async fn membership_snapshot(&self) -> Result<(Vec<(RoomId, UserId)>, EventSeq), StoreError> {
        self.inner.membership_snapshot().await
    }

    async fn set_involvement(
        &self,
        room: RoomId,
        user: UserId,
        involvement: Involvement,
        at: Timestamp,
    ) -> Result<Membership, StoreError> {
        self.forgetting(
            self.inner.set_involvement(room, user, involvement, at),
            |hot| hot.forget_membership(room, user),
        )
        .await
    }

    async fn membership(
        &self,
        room: RoomId,
        user: UserId,
    ) -> Result<Option<Membership>, StoreError> {
        self.through(
            Kind::Members,
            |hot| hot.members.get(&room).and_then(|m| m.get(&user)).cloned(),
            || self.inner.membership(room, user),
            |hot, membership| {
                hot.members
                    .entry(room)
                    .or_default()
                    .insert(user, membership.clone());
            },
        )
        .await
    }

    async fn members(&self, room: RoomId) -> Result<Vec<Membership>, StoreError> {
        self.inner.members(room).await
    }

    async fn memberships_of(&self, user: UserId) -> Result<Vec<Membership>, StoreError> {
        self.inner.memberships_of(user).await
    }

    async fn mark_read(&self, room: RoomId, user: UserId, at: Timestamp) -> Result<(), StoreError> {
        self.forgetting(self.inner.mark_read(room, user, at), |hot| {
            hot.forget_membership(room, user);
        })
        .await
    }

    async fn post_message(&self, message: NewMessage) -> Result<Posted, StoreError> {
        let (room, at) = (message.room, message.at);
        self.forgetting(self.inner.post_message(message), |hot| {
            hot.posted_in(room, at)
        })
        .await
    }

    async fn message(&self, id: MessageId) -> Result<Message, StoreError> {
        self.inner.message(id).await
    }

    async fn messages(
        &self,
        room: RoomId,
        page: Page,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        if page != Page::Latest {
            return self.inner.messages(room, page, limit).await;
        }
        self.through(
            Kind::Pages,
            |hot| hot.pages.get(&(room, limit)).cloned(),
            || self.inner.messages(room, page, limit),
            |hot, messages| {
                if hot.pages.len() >= MAX_PAGES {
                    hot.pages.clear();
                }
                hot.pages.insert((room, limit), messages.clone());
            },
        )
        .await
    }

    async fn messages_by_ids(&self, ids: &[MessageId]) -> Result<Vec<Message>, StoreError> {
        self.inner.messages_by_ids(ids).await
    }

    async fn message_count(&self, room: RoomId) -> Result<u64, StoreError> {
        self.through(
            Kind::Pages,
            |hot| hot.counts.get(&room).copied(),
            || self.inner.message_count(room),
            |hot, count| {
                if hot.counts.len() >= MAX_PAGES {
                    hot.counts.clear();
                }
                hot.counts.insert(room, *count);
            },
        )
        .await
    }

    async fn edit_message(
        &self,
        id: MessageId,
        body: MessageBody,
        mentions: Vec<UserId>,
        at: Timestamp,
    ) -> Result<Message, StoreError> {
        self.forgetting(
            self.inner.edit_message(id, body, mentions, at),
            Hot::forget_messages,
        )
        .await
    }

    async fn delete_message(&self, id: MessageId, at: Timestamp) -> Result<(), StoreError> {
        self.forgetting(self.inner.delete_message(id, at), Hot::forget_messages)
            .await
    }

    async fn add_boost(
        &self,
        message: MessageId,
        booster: UserId,
        content: BoostContent,
        at: Timestamp,
    ) -> Result<Boost, StoreError> {
        self.forgetting(
            self.inner.add_boost(message, booster, content, at),
            Hot::forget_messages,
        )
        .await
    }

    async fn boost(&self, id: BoostId) -> Result<Boost, StoreError> {
        self.inner.boost(id).await
    }

    async fn remove_boost(&self, id: BoostId, at: Timestamp) -> Result<(), StoreError> {
        self.forgetting(self.inner.remove_boost(id, at), Hot::forget_messages)
            .await
    }

    async fn boosts_of(&self, messages: &[MessageId]) -> Result<Vec<Boost>, StoreError> {
        self.through(
            Kind::Pages,
            |hot| hot.boosts.get(messages).cloned(),
            || self.inner.boosts_of(messages),
            |hot, boosts| {
                if hot.boosts.len() >= MAX_PAGES {
                    hot.boosts.clear();
                }
                hot.boosts.insert(messages.to_vec(), boosts.clone());
            },
        )
        .await
    }

    async fn record_search(
        &self,
        user: UserId,
        query: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.inner.record_search(user, query, at).await
    }

    async fn recent_searches(&self, user: UserId) -> Result<Vec<String>, StoreError> {
        self.inner.recent_searches(user).await
    }

    async fn clear_recent_searches(&self, user: UserId) -> Result<(), StoreError> {
        self.inner.clear_recent_searches(user).await
    }

    async fn save_push_subscription(
        &self,
        subscription: NewPushSubscription,
    ) -> Result<PushSubscription, StoreError> {
        self.inner.save_push_subscription(subscription).await
    }

    async fn push_subscription(
        &self,
        id: PushSubscriptionId,
    ) -> Result<Option<PushSubscription>, StoreError> {
        self.inner.push_subscription(id).await
    }

    async fn push_subscriptions_of(
        &self,
        user: UserId,
    ) -> Result<Vec<PushSubscription>, StoreError> {
        self.inner.push_subscriptions_of(user).await
    }

    async fn remove_push_subscription(&self, id: PushSubscriptionId) -> Result<(), StoreError> {
        self.inner.remove_push_subscription(id).await
    }

    async fn remove_all_push_subscriptions(&self) -> Result<u64, StoreError> {
        self.inner.remove_all_push_subscriptions().await
    }

    async fn due_deliveries(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.inner.due_deliveries(now, limit).await
    }

    async fn record_delivery(
        &self,
        id: i64,
        outcome: Outcome,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.inner.record_delivery(id, outcome, at).await
    }

    async fn set_circuit(&self, bot: UserId, state: &str) -> Result<(), StoreError> {
        self.inner.set_circuit(bot, state).await
    }

    async fn delivery_stats(&self, bot: UserId) -> Result<DeliveryStats, StoreError> {
        self.inner.delivery_stats(bot).await
    }

    /// Also how changes made elsewhere reach the cache: each event read forgets what it
    /// changed.
    async fn events_after(&self, after: EventSeq, limit: u32) -> Result<Vec<Event>, StoreError> {
        let events = self.inner.events_after(after, limit).await?;
        if !events.is_empty() {
            let mut hot = self.hot();
            for event in &events {
                hot.observe(&event.kind, event.at);
            }
        }
        Ok(events)
    }

    async fn last_event_seq(&self) -> Result<EventSeq, StoreError> {
        self.inner.last_event_seq().await
    }

    async fn stats(&self) -> Result<Stats, StoreError> {
        self.inner.stats().await
    }
}
