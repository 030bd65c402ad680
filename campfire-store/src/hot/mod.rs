//! Hot state in memory: [`HotStore`] wraps any [`Store`] and answers the reads every request
//! makes — the session behind a cookie, its user, the room, the caller's membership, a room's
//! latest page and its boosts — from memory. [`HotStore::load`] reads every session, user, room
//! and membership at start (one read, as of one log position), so authenticating a request
//! reads no database from the first one; what a change makes old is read again once.
//!
//! **One roster.** Who is in which room is also kept as a [`roster`] changed only by the log,
//! in order; [`Store::membership_snapshot`] answers from it, so live delivery's hub starts from
//! the same load and follows the same log as this state.
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

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use campfire_domain::{
    Account, Bookmark, Boost, BoostContent, BoostId, BotToken, DirectRoomKey, EmailAddress, Event,
    EventSeq, Involvement, JoinCode, Membership, Message, MessageBody, MessageId, PushSubscription,
    PushSubscriptionId, Role, Room, RoomId, RoomName, Session, SessionId, Timestamp, UnreadCount,
    User, UserId, Webhook,
};

use crate::{
    AccountChanges, Delivery, DeliveryStats, FirstRun, HotState, NewBot, NewMessage, NewPerson,
    NewPushSubscription, NewRoom, NewSession, Outcome, Page, Posted, ProfileChanges, RoomMembers,
    SetUp, Stats, Store, StoreError,
};

mod roster;
mod state;

use state::{Hot, Kind, MAX_PAGES};

/// A [`Store`] with the hot reads answered from memory (see the module docs).
pub struct HotStore {
    inner: Arc<dyn Store>,
    hot: Mutex<Hot>,
    /// Cacheable reads that went to `inner` (a miss or a kind not held).
    misses: AtomicU64,
}

/// How many log events one catch-up read of the roster takes.
const ROSTER_BATCH: u32 = 1_000;

impl HotStore {
    /// Wraps `inner` empty: each hot read is read from `inner` the first time.
    pub fn new(inner: Arc<dyn Store>) -> Self {
        HotStore {
            inner,
            hot: Mutex::new(Hot::default()),
            misses: AtomicU64::new(0),
        }
    }

    /// Wraps `inner` holding every session, user, room and membership from the start (what a
    /// server does: one read, as of one log position).
    pub async fn load(inner: Arc<dyn Store>) -> Result<Self, StoreError> {
        let state = inner.hot_state().await?;
        let store = HotStore::new(inner);
        store.hot().fill(state);
        Ok(store)
    }

    /// How many hot reads (session, user, room, membership, latest page, count, boosts) were
    /// not answered from memory.
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
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
        self.misses.fetch_add(1, Ordering::Relaxed);
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

    async fn prune(
        &self,
        idle_before: Timestamp,
        used_before: Timestamp,
    ) -> Result<(u64, u64), StoreError> {
        self.forgetting(self.inner.prune(idle_before, used_before), |hot| {
            hot.forget_idle_sessions(idle_before);
        })
        .await
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

    async fn set_topic(
        &self,
        id: RoomId,
        topic: Option<campfire_domain::RoomTopic>,
        at: Timestamp,
    ) -> Result<Room, StoreError> {
        self.forgetting(self.inner.set_topic(id, topic, at), |hot| {
            hot.forget_room(id);
        })
        .await
    }

    async fn leave_room(&self, id: RoomId, user: UserId, at: Timestamp) -> Result<(), StoreError> {
        self.forgetting(self.inner.leave_room(id, user, at), |hot| {
            hot.forget_room(id);
        })
        .await
    }

    async fn delete_room(&self, id: RoomId, at: Timestamp) -> Result<(), StoreError> {
        self.forgetting(self.inner.delete_room(id, at), |hot| hot.forget_room(id))
            .await
    }

    async fn hot_state(&self) -> Result<HotState, StoreError> {
        self.inner.hot_state().await
    }

    /// From the roster, brought to the log's head first.
    async fn membership_snapshot(&self) -> Result<(Vec<(RoomId, UserId)>, EventSeq), StoreError> {
        loop {
            let head = self.hot().roster.head();
            let events = self.inner.events_after(head, ROSTER_BATCH).await?;
            if events.is_empty() {
                return Ok(self.hot().roster.snapshot());
            }
            let followed = {
                let mut hot = self.hot();
                for event in &events {
                    hot.observe(&event.kind, event.at);
                }
                hot.roster.follow(&events)
            };
            if followed.is_err() {
                // Not expected (the log is gapless), but then read it whole again.
                let (pairs, head) = self.inner.membership_snapshot().await?;
                self.hot().roster = roster::Roster::new(pairs, head);
            }
        }
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

    async fn mark_unread(
        &self,
        room: RoomId,
        user: UserId,
        message: MessageId,
        posted: Timestamp,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.forgetting(
            self.inner.mark_unread(room, user, message, posted, at),
            |hot| hot.forget_membership(room, user),
        )
        .await
    }

    async fn unread_counts(&self, user: UserId) -> Result<Vec<UnreadCount>, StoreError> {
        self.inner.unread_counts(user).await
    }

    async fn add_bookmark(
        &self,
        user: UserId,
        message: MessageId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.inner.add_bookmark(user, message, at).await
    }

    async fn remove_bookmark(
        &self,
        user: UserId,
        message: MessageId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.inner.remove_bookmark(user, message, at).await
    }

    async fn mentioning(
        &self,
        user: UserId,
        before: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        self.inner.mentioning(user, before, limit).await
    }

    async fn bookmarks(&self, user: UserId) -> Result<Vec<Bookmark>, StoreError> {
        self.inner.bookmarks(user).await
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

    async fn replies(
        &self,
        root: MessageId,
        after: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        self.inner.replies(root, after, limit).await
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

    async fn set_preview(
        &self,
        message: MessageId,
        preview: Option<campfire_domain::LinkPreview>,
        at: Timestamp,
    ) -> Result<Message, StoreError> {
        self.forgetting(
            self.inner.set_preview(message, preview, at),
            Hot::forget_messages,
        )
        .await
    }

    async fn preview_of_url(
        &self,
        url: &str,
    ) -> Result<Option<campfire_domain::LinkPreview>, StoreError> {
        self.inner.preview_of_url(url).await
    }

    async fn blob_used(&self, key: &campfire_domain::BlobKey) -> Result<bool, StoreError> {
        self.inner.blob_used(key).await
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

    async fn pending_deliveries(&self) -> Result<u64, StoreError> {
        self.inner.pending_deliveries().await
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
            // A reader ahead of the roster leaves it where it is: the next read from its head
            // (the live driver's, or the snapshot's) brings it on.
            let _ = hot.roster.follow(&events);
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
