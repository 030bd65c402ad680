//! An in-memory store: the reference behaviour of the [`Store`] port, and a fast store for tests
//! of the layers above.
//!
//! Every operation takes one lock, checks everything it needs before changing anything, then
//! applies its changes and appends its events: the in-memory equivalent of a transaction.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use campfire_domain::{
    Account, AccountId, Audience, Ban, BanId, BlobKey, Bookmark, Boost, BoostContent, BoostId,
    BotToken, ClientMessageId, CustomCss, Departure, DirectRoomKey, EmailAddress, Event, EventKind,
    EventSeq, Involvement, JoinCode, Membership, Message, MessageBody, MessageId, PushSubscription,
    PushSubscriptionId, Replies, Role, Room, RoomId, RoomKind, RoomName, RoomTopic, Session,
    SessionId, Timestamp, UnreadCount, User, UserChange, UserId, UserStatus, Webhook, WebhookId,
    check_change,
};

use crate::{
    AccountChanges, Conflict, Delivery, DeliveryStats, DeliveryTarget, FirstRun, HotState,
    MAX_PAGE, NewBot, NewMessage, NewPerson, NewPushSubscription, NewRoom, NewSession, Outcome,
    Page, Posted, ProfileChanges, RoomMembers, SetUp, Stats, Store, StoreError,
};

/// A [`Store`] that keeps everything in memory.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    account: Option<Account>,
    users: BTreeMap<UserId, User>,
    password_hashes: HashMap<UserId, String>,
    webhooks: BTreeMap<UserId, Webhook>,
    sessions: BTreeMap<SessionId, Session>,
    rooms: BTreeMap<RoomId, Room>,
    memberships: BTreeMap<(RoomId, UserId), Membership>,
    messages: BTreeMap<MessageId, Message>,
    /// X7: saved messages, with when they were saved.
    bookmarks: BTreeMap<(UserId, MessageId), Timestamp>,
    client_ids: HashMap<(UserId, ClientMessageId), MessageId>,
    boosts: BTreeMap<BoostId, Boost>,
    bans: Vec<Ban>,
    used_tokens: HashMap<String, Timestamp>,
    outbox: BTreeMap<i64, OutboxRow>,
    circuits: HashMap<UserId, String>,
    push_subscriptions: BTreeMap<PushSubscriptionId, PushSubscription>,
    /// Newest first.
    recent_searches: HashMap<UserId, Vec<String>>,
    events: Vec<Event>,
    last_id: i64,
}

/// A queued delivery and how it is going.
struct OutboxRow {
    delivery: Delivery,
    status: &'static str,
    next_at: Timestamp,
    last_attempt_at: Option<Timestamp>,
    last_error: Option<String>,
}

impl State {
    /// Ids come from one counter: unique per table, which is all the store promises.
    fn next_id(&mut self) -> i64 {
        self.last_id += 1;
        self.last_id
    }

    fn append(&mut self, kind: EventKind, at: Timestamp) {
        let seq = EventSeq(i64::try_from(self.events.len()).unwrap_or(i64::MAX) + 1);
        self.events.push(Event { seq, kind, at });
    }

    fn active_user(&self, id: UserId) -> Result<&User, StoreError> {
        match self.users.get(&id) {
            Some(user) if user.is_active() => Ok(user),
            _ => Err(Conflict::UnknownUser.into()),
        }
    }

    fn check_email_free(&self, email: &EmailAddress) -> Result<(), StoreError> {
        let taken = self
            .users
            .values()
            .any(|u| u.is_active() && u.email.as_ref() == Some(email));
        if taken {
            Err(Conflict::EmailTaken.into())
        } else {
            Ok(())
        }
    }

    fn add_member(&mut self, room: RoomId, kind: RoomKind, user: UserId, at: Timestamp) {
        if self.memberships.contains_key(&(room, user)) {
            return;
        }
        self.memberships.insert(
            (room, user),
            Membership {
                room,
                user,
                involvement: Involvement::default_for(kind),
                unread_since: None,
                unread_from: None,
                created_at: at,
            },
        );
        self.append(EventKind::MembershipAdded { room, user }, at);
    }

    fn remove_member(&mut self, room: RoomId, user: UserId, at: Timestamp) {
        if self.memberships.remove(&(room, user)).is_some() {
            self.append(EventKind::MembershipRemoved { room, user }, at);
        }
    }

    fn active_user_ids(&self) -> Vec<UserId> {
        self.users
            .values()
            .filter(|u| u.is_active())
            .map(|u| u.id)
            .collect()
    }

    /// Inserts a user and makes them a member of every open room.
    fn insert_user(&mut self, user: User, at: Timestamp) -> User {
        self.users.insert(user.id, user.clone());
        self.append(EventKind::UserJoined { user: user.id }, at);
        for room in campfire_domain::arrival_rooms(&self.room_kinds()) {
            self.add_member(room, RoomKind::Open, user.id, at);
        }
        user
    }

    /// Every room with its kind.
    fn room_kinds(&self) -> Vec<(RoomId, RoomKind)> {
        self.rooms.values().map(|r| (r.id, r.kind)).collect()
    }

    fn insert_room(&mut self, room: Room, members: &[UserId], at: Timestamp) -> Room {
        self.rooms.insert(room.id, room.clone());
        self.append(EventKind::RoomCreated { room: room.id }, at);
        for member in members {
            self.add_member(room.id, room.kind, *member, at);
        }
        room
    }

    /// The members a shared room should have, checked: every chosen user must be active.
    fn resolve_members(
        &self,
        members: &RoomMembers,
        creator: Option<UserId>,
    ) -> Result<(RoomKind, Vec<UserId>), StoreError> {
        let chosen = match members {
            RoomMembers::Everyone => None,
            RoomMembers::Only(chosen) => Some(chosen.as_slice()),
        };
        campfire_domain::shared_room_members(chosen, creator, &self.active_user_ids())
            .map_err(|_| Conflict::UnknownUser.into())
    }

    /// A subscription goes with its session (the SQLite schema's `ON DELETE CASCADE`).
    fn drop_orphaned_subscriptions(&mut self) {
        let sessions = &self.sessions;
        self.push_subscriptions
            .retain(|_, p| p.session.is_none_or(|id| sessions.contains_key(&id)));
    }

    /// The rooms `user` is in, with their kinds: what a departure decides which to leave from.
    fn rooms_of(&self, user: UserId) -> Vec<(RoomId, RoomKind)> {
        self.memberships
            .keys()
            .filter(|(_, member)| *member == user)
            .filter_map(|(room, _)| self.rooms.get(room).map(|r| (r.id, r.kind)))
            .collect()
    }

    /// Applies what [`campfire_domain::deactivation`] or [`campfire_domain::ban`] decided.
    fn persist_departure(&mut self, d: Departure, at: Timestamp) {
        for ip in d.banned_ips {
            let ban = Ban {
                id: BanId(self.next_id()),
                user: d.user,
                ip,
                created_at: at,
            };
            self.bans.push(ban);
        }
        if d.forget_devices {
            self.sessions.retain(|_, session| session.user != d.user);
            self.push_subscriptions.retain(|_, p| p.user != d.user);
            self.recent_searches.remove(&d.user);
        }
        for room in d.leaves {
            self.memberships.remove(&(room, d.user));
        }
        let mut threads = Vec::new();
        for message in d.deletes {
            // As in SQL, a first message's replies go with it (ON DELETE CASCADE).
            let replies: Vec<MessageId> = self
                .messages
                .values()
                .filter(|m| m.thread == Some(message))
                .map(|m| m.id)
                .collect();
            for reply in replies {
                self.forget_message(reply);
            }
            if let Some(message) = self.forget_message(message) {
                threads.extend(message.thread);
            }
        }
        if let Some(user) = self.users.get_mut(&d.user) {
            user.status = d.status;
        }
        for event in d.events {
            self.append(event, at);
        }
        threads.sort_unstable();
        threads.dedup();
        for root in threads {
            self.recount_thread(root, at);
        }
    }

    fn delete_message(&mut self, id: MessageId, at: Timestamp) -> Result<(), StoreError> {
        if !self.messages.contains_key(&id) {
            return Err(StoreError::NotFound("message"));
        }
        // A thread's replies go with its first message, each told (X7).
        let replies: Vec<MessageId> = self
            .messages
            .values()
            .filter(|m| m.thread == Some(id))
            .map(|m| m.id)
            .collect();
        for reply in replies.into_iter().chain([id]) {
            let Some(message) = self.forget_message(reply) else {
                continue;
            };
            self.append(
                EventKind::MessageDeleted {
                    room: message.room,
                    message: reply,
                },
                at,
            );
            // Only a reply deleted alone changes a thread that stays.
            if let (true, Some(root)) = (reply == id, message.thread) {
                self.recount_thread(root, at);
            }
        }
        Ok(())
    }

    /// Removes a message with what hangs on it, without an event.
    fn forget_message(&mut self, id: MessageId) -> Option<Message> {
        let message = self.messages.remove(&id)?;
        self.client_ids
            .remove(&(message.author, message.client_message_id.clone()));
        self.boosts.retain(|_, b| b.message != id);
        Some(message)
    }

    /// Makes the summary of the thread of `root` again from its replies (X7), if it is still
    /// there, and tells clients it changed.
    fn recount_thread(&mut self, root: MessageId, at: Timestamp) {
        let replies = Replies::of(
            self.messages
                .values()
                .rev()
                .filter(|m| m.thread == Some(root))
                .map(|m| (m.author, m.created_at)),
        );
        if let Some(message) = self.messages.get_mut(&root) {
            message.replies = replies;
            let room = message.room;
            self.append(
                EventKind::MessageEdited {
                    room,
                    message: root,
                },
                at,
            );
        }
    }

    fn room(&self, id: RoomId) -> Result<&Room, StoreError> {
        self.rooms.get(&id).ok_or(StoreError::NotFound("room"))
    }

    fn user(&self, id: UserId) -> Result<&User, StoreError> {
        self.users.get(&id).ok_or(StoreError::NotFound("user"))
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave half a change behind (every operation
        // checks before it changes), so a poisoned lock is still consistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn clamp(limit: u32) -> usize {
    usize::try_from(limit.clamp(1, MAX_PAGE)).unwrap_or(1)
}

#[async_trait]
impl Store for MemoryStore {
    async fn set_up(&self, first_run: FirstRun) -> Result<SetUp, StoreError> {
        let mut s = self.lock();
        if s.account.is_some() {
            return Err(Conflict::AlreadySetUp.into());
        }
        let at = first_run.at;
        let account = Account {
            id: AccountId(1),
            name: first_run.account_name,
            join_code: first_run.join_code,
            custom_css: CustomCss::default(),
            only_admins_create_rooms: false,
            created_at: at,
            logo: None,
        };
        s.account = Some(account.clone());
        s.append(EventKind::AccountUpdated, at);
        let admin = person(first_run.admin, Role::Administrator, &mut s, at)?;
        let room = Room {
            id: RoomId(s.next_id()),
            ..Room::first(first_run.first_room, admin.id, at)
        };
        let room = s.insert_room(room, &[admin.id], at);
        Ok(SetUp {
            account,
            admin,
            room,
        })
    }

    async fn account(&self) -> Result<Option<Account>, StoreError> {
        Ok(self.lock().account.clone())
    }

    async fn rotate_join_code(&self, code: JoinCode, at: Timestamp) -> Result<Account, StoreError> {
        let mut s = self.lock();
        let account = s.account.as_mut().ok_or(Conflict::NotSetUp)?;
        account.join_code = code;
        let account = account.clone();
        s.append(EventKind::AccountUpdated, at);
        Ok(account)
    }

    async fn create_person(&self, new: NewPerson, at: Timestamp) -> Result<User, StoreError> {
        let mut s = self.lock();
        s.check_email_free(&new.email)?;
        let role = new.role;
        person(new, role, &mut s, at)
    }

    async fn create_bot(&self, bot: NewBot, at: Timestamp) -> Result<User, StoreError> {
        let mut s = self.lock();
        let id = UserId(s.next_id());
        let user = User {
            id,
            ..campfire_domain::new_bot(bot.name, bot.token, at)
        };
        if let Some(url) = bot.webhook_url {
            let webhook = Webhook {
                id: WebhookId(s.next_id()),
                bot: id,
                url,
            };
            s.webhooks.insert(id, webhook);
        }
        Ok(s.insert_user(user, at))
    }

    async fn user(&self, id: UserId) -> Result<User, StoreError> {
        self.lock().user(id).cloned()
    }

    async fn active_user_by_email(&self, email: &EmailAddress) -> Result<Option<User>, StoreError> {
        let s = self.lock();
        Ok(s.users
            .values()
            .find(|u| u.is_active() && u.email.as_ref() == Some(email))
            .cloned())
    }

    async fn password_hash(&self, id: UserId) -> Result<Option<String>, StoreError> {
        let s = self.lock();
        s.user(id)?;
        Ok(s.password_hashes.get(&id).cloned())
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        Ok(self.lock().users.values().cloned().collect())
    }

    async fn set_role(&self, id: UserId, role: Role, at: Timestamp) -> Result<User, StoreError> {
        let mut s = self.lock();
        let user = s.users.get_mut(&id).ok_or(StoreError::NotFound("user"))?;
        check_change(user, UserChange::Role(role))?;
        user.role = role;
        let user = user.clone();
        s.append(EventKind::UserUpdated { user: id }, at);
        Ok(user)
    }

    async fn set_password(
        &self,
        id: UserId,
        password_hash: String,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut s = self.lock();
        check_change(s.user(id)?, UserChange::Password)?;
        s.password_hashes.insert(id, password_hash);
        s.sessions.retain(|_, session| session.user != id);
        s.drop_orphaned_subscriptions();
        s.append(EventKind::UserUpdated { user: id }, at);
        Ok(())
    }

    async fn rotate_bot_token(
        &self,
        id: UserId,
        token: BotToken,
        at: Timestamp,
    ) -> Result<User, StoreError> {
        let mut s = self.lock();
        let user = s.users.get_mut(&id).ok_or(StoreError::NotFound("user"))?;
        check_change(user, UserChange::BotToken)?;
        user.bot_token = Some(token);
        let user = user.clone();
        s.append(EventKind::UserUpdated { user: id }, at);
        Ok(user)
    }

    async fn webhook(&self, bot: UserId) -> Result<Option<Webhook>, StoreError> {
        Ok(self.lock().webhooks.get(&bot).cloned())
    }

    async fn deactivate_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        let mut s = self.lock();
        if let Some(departure) = campfire_domain::deactivation(s.user(id)?, &s.rooms_of(id)) {
            s.persist_departure(departure, at);
        }
        Ok(())
    }

    async fn update_profile(
        &self,
        id: UserId,
        changes: ProfileChanges,
        at: Timestamp,
    ) -> Result<User, StoreError> {
        let mut s = self.lock();
        if changes.email.is_some() {
            check_change(s.user(id)?, UserChange::Email)?;
        }
        if let Some(email) = &changes.email {
            let taken = s
                .users
                .values()
                .any(|u| u.id != id && u.is_active() && u.email.as_ref() == Some(email));
            if taken {
                return Err(Conflict::EmailTaken.into());
            }
        }
        let user = s.users.get_mut(&id).ok_or(StoreError::NotFound("user"))?;
        if let Some(name) = changes.name {
            user.name = name;
        }
        if let Some(bio) = changes.bio {
            user.bio = bio;
        }
        if let Some(email) = changes.email {
            user.email = Some(email);
        }
        if let Some(avatar) = changes.avatar {
            user.avatar = avatar;
        }
        let user = user.clone();
        s.append(EventKind::UserUpdated { user: id }, at);
        Ok(user)
    }

    async fn set_webhook(&self, bot: UserId, url: Option<String>) -> Result<(), StoreError> {
        let mut s = self.lock();
        check_change(s.user(bot)?, UserChange::Webhook)?;
        match url {
            Some(url) => {
                let id = s
                    .webhooks
                    .get(&bot)
                    .map_or_else(|| WebhookId(s.last_id + 1), |w| w.id);
                s.last_id = s.last_id.max(id.0);
                s.webhooks.insert(bot, Webhook { id, bot, url });
            }
            None => {
                s.webhooks.remove(&bot);
            }
        }
        Ok(())
    }

    async fn ban_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        let mut s = self.lock();
        let ips: Vec<String> = s
            .sessions
            .values()
            .filter(|x| x.user == id)
            .map(|x| x.ip.clone())
            .collect();
        let others: Vec<String> = s
            .sessions
            .values()
            .filter(|x| x.user != id && s.users.get(&x.user).is_some_and(User::is_active))
            .map(|x| x.ip.clone())
            .collect();
        let messages: Vec<(MessageId, RoomId)> = s
            .messages
            .values()
            .filter(|m| m.author == id)
            .map(|m| (m.id, m.room))
            .collect();
        let departure =
            campfire_domain::ban(s.user(id)?, &s.rooms_of(id), &ips, &others, &messages)?;
        s.persist_departure(departure, at);
        Ok(())
    }

    async fn unban_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        let mut s = self.lock();
        let open = campfire_domain::arrival_rooms(&s.room_kinds());
        let user = s.user(id)?;
        let Some(back) = campfire_domain::reinstatement(user, &open) else {
            return Ok(());
        };
        if let Some(email) = user.email.clone() {
            s.check_email_free(&email)?;
        }
        s.bans.retain(|b| b.user != id);
        if let Some(u) = s.users.get_mut(&id) {
            u.status = UserStatus::Active;
        }
        let involvement = Involvement::default_for(RoomKind::Open);
        for room in back.joins {
            s.memberships.entry((room, id)).or_insert(Membership {
                room,
                user: id,
                involvement,
                unread_since: None,
                unread_from: None,
                created_at: at,
            });
        }
        for event in back.events {
            s.append(event, at);
        }
        Ok(())
    }

    async fn is_banned_ip(&self, ip: &str) -> Result<bool, StoreError> {
        Ok(self.lock().bans.iter().any(|b| b.ip == ip))
    }

    async fn create_session(&self, new: NewSession) -> Result<Session, StoreError> {
        let mut s = self.lock();
        s.active_user(new.user)?;
        let session = Session {
            id: SessionId(s.next_id()),
            user: new.user,
            token_hash: new.token_hash,
            user_agent: new.user_agent,
            ip: new.ip,
            created_at: new.at,
            last_active_at: new.at,
        };
        s.sessions.insert(session.id, session.clone());
        Ok(session)
    }

    async fn session_by_token_hash(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        let s = self.lock();
        Ok(s.sessions
            .values()
            .find(|x| x.token_hash == token_hash)
            .cloned())
    }

    async fn sessions_of(&self, user: UserId) -> Result<Vec<Session>, StoreError> {
        let s = self.lock();
        let mut sessions: Vec<Session> = s
            .sessions
            .values()
            .filter(|x| x.user == user)
            .cloned()
            .collect();
        sessions.sort_by_key(|x| std::cmp::Reverse(x.id));
        Ok(sessions)
    }

    async fn delete_session(&self, id: SessionId) -> Result<(), StoreError> {
        let mut s = self.lock();
        s.sessions.remove(&id);
        s.drop_orphaned_subscriptions();
        Ok(())
    }

    async fn touch_session(&self, id: SessionId, at: Timestamp) -> Result<(), StoreError> {
        if let Some(session) = self.lock().sessions.get_mut(&id) {
            session.last_active_at = at;
        }
        Ok(())
    }

    async fn use_token_once(&self, token_id: &str, at: Timestamp) -> Result<bool, StoreError> {
        let mut s = self.lock();
        if s.used_tokens.contains_key(token_id) {
            return Ok(false);
        }
        s.used_tokens.insert(token_id.to_owned(), at);
        Ok(true)
    }

    async fn prune(
        &self,
        idle_before: Timestamp,
        used_before: Timestamp,
    ) -> Result<(u64, u64), StoreError> {
        let mut s = self.lock();
        let (sessions, tokens) = (s.sessions.len(), s.used_tokens.len());
        s.sessions
            .retain(|_, session| session.last_active_at >= idle_before);
        s.used_tokens.retain(|_, at| *at >= used_before);
        let gone = |before: usize, after: usize| u64::try_from(before - after).unwrap_or(0);
        Ok((
            gone(sessions, s.sessions.len()),
            gone(tokens, s.used_tokens.len()),
        ))
    }

    async fn update_account(
        &self,
        changes: AccountChanges,
        at: Timestamp,
    ) -> Result<Account, StoreError> {
        let mut s = self.lock();
        let account = s.account.as_mut().ok_or(Conflict::NotSetUp)?;
        if let Some(name) = changes.name {
            account.name = name;
        }
        if let Some(css) = changes.custom_css {
            account.custom_css = css;
        }
        if let Some(only) = changes.only_admins_create_rooms {
            account.only_admins_create_rooms = only;
        }
        if let Some(logo) = changes.logo {
            account.logo = logo;
        }
        let account = account.clone();
        s.append(EventKind::AccountUpdated, at);
        Ok(account)
    }

    async fn rename_room(
        &self,
        id: RoomId,
        name: RoomName,
        at: Timestamp,
    ) -> Result<Room, StoreError> {
        let mut s = self.lock();
        let room = s.rooms.get_mut(&id).ok_or(StoreError::NotFound("room"))?;
        if room.kind == RoomKind::Direct {
            return Err(Conflict::WrongRoomKind.into());
        }
        room.name = Some(name);
        let room = room.clone();
        s.append(EventKind::RoomRenamed { room: id }, at);
        Ok(room)
    }

    async fn set_topic(
        &self,
        id: RoomId,
        topic: Option<RoomTopic>,
        at: Timestamp,
    ) -> Result<Room, StoreError> {
        let mut s = self.lock();
        let room = s.rooms.get_mut(&id).ok_or(StoreError::NotFound("room"))?;
        if room.kind == RoomKind::Direct {
            return Err(Conflict::WrongRoomKind.into());
        }
        room.topic = topic;
        let room = room.clone();
        s.append(EventKind::RoomRenamed { room: id }, at);
        Ok(room)
    }

    async fn leave_room(&self, id: RoomId, user: UserId, at: Timestamp) -> Result<(), StoreError> {
        let mut s = self.lock();
        if s.room(id)?.kind != RoomKind::Closed {
            return Err(Conflict::WrongRoomKind.into());
        }
        s.remove_member(id, user, at);
        Ok(())
    }

    async fn delete_room(&self, id: RoomId, at: Timestamp) -> Result<(), StoreError> {
        let mut s = self.lock();
        s.room(id)?;
        // Members leave first, each with its event, so the log alone says who lost the room.
        let members: Vec<UserId> = s
            .memberships
            .keys()
            .filter(|(r, _)| *r == id)
            .map(|(_, u)| *u)
            .collect();
        for user in members {
            s.remove_member(id, user, at);
        }
        s.rooms.remove(&id);
        let gone: Vec<MessageId> = s
            .messages
            .values()
            .filter(|m| m.room == id)
            .map(|m| m.id)
            .collect();
        for message in &gone {
            if let Some(m) = s.messages.remove(message) {
                s.client_ids.remove(&(m.author, m.client_message_id));
            }
        }
        s.boosts.retain(|_, b| !gone.contains(&b.message));
        s.append(EventKind::RoomDeleted { room: id }, at);
        Ok(())
    }

    async fn hot_state(&self) -> Result<HotState, StoreError> {
        let s = self.lock();
        Ok(HotState {
            users: s.users.values().cloned().collect(),
            rooms: s.rooms.values().cloned().collect(),
            memberships: s.memberships.values().cloned().collect(),
            sessions: s.sessions.values().cloned().collect(),
            head: s.events.last().map_or(EventSeq(0), |e| e.seq),
        })
    }

    async fn set_involvement(
        &self,
        room: RoomId,
        user: UserId,
        involvement: Involvement,
        at: Timestamp,
    ) -> Result<Membership, StoreError> {
        let mut s = self.lock();
        let membership = s
            .memberships
            .get_mut(&(room, user))
            .ok_or(StoreError::NotFound("membership"))?;
        membership.involvement = involvement;
        let membership = membership.clone();
        s.append(EventKind::InvolvementChanged { room, user }, at);
        Ok(membership)
    }

    async fn create_room(&self, new: NewRoom) -> Result<Room, StoreError> {
        let mut s = self.lock();
        s.active_user(new.creator)?;
        let (kind, members) = s.resolve_members(&new.members, Some(new.creator))?;
        let room = Room {
            id: RoomId(s.next_id()),
            ..Room::new_shared(new.name, kind, new.creator, new.at)
        };
        Ok(s.insert_room(room, &members, new.at))
    }

    async fn find_or_create_direct_room(
        &self,
        creator: UserId,
        key: DirectRoomKey,
        at: Timestamp,
    ) -> Result<(Room, bool), StoreError> {
        let mut s = self.lock();
        if let Some(room) = s
            .rooms
            .values()
            .find(|r| r.direct_key.as_ref() == Some(&key))
        {
            return Ok((room.clone(), false));
        }
        for member in key.members() {
            s.active_user(*member)?;
        }
        let members = key.members().to_vec();
        let room = Room {
            id: RoomId(s.next_id()),
            ..Room::new_direct(key, creator, at)
        };
        Ok((s.insert_room(room, &members, at), true))
    }

    async fn direct_room(&self, key: &DirectRoomKey) -> Result<Option<Room>, StoreError> {
        let s = self.lock();
        Ok(s.rooms
            .values()
            .find(|r| r.direct_key.as_ref() == Some(key))
            .cloned())
    }

    async fn room(&self, id: RoomId) -> Result<Room, StoreError> {
        self.lock().room(id).cloned()
    }

    async fn rooms(&self) -> Result<Vec<Room>, StoreError> {
        Ok(self.lock().rooms.values().cloned().collect())
    }

    async fn convert_room(
        &self,
        id: RoomId,
        members: RoomMembers,
        at: Timestamp,
    ) -> Result<Room, StoreError> {
        let mut s = self.lock();
        let room = s.room(id)?.clone();
        if room.kind == RoomKind::Direct {
            return Err(Conflict::WrongRoomKind.into());
        }
        let (kind, wanted) = s.resolve_members(&members, None)?;
        let current: Vec<UserId> = s
            .memberships
            .keys()
            .filter(|(r, _)| *r == id)
            .map(|(_, u)| *u)
            .collect();
        if kind != room.kind {
            if let Some(r) = s.rooms.get_mut(&id) {
                r.kind = kind;
            }
            s.append(EventKind::RoomConverted { room: id }, at);
        }
        let change = campfire_domain::roster_change(&current, &wanted);
        for user in change.leave {
            s.remove_member(id, user, at);
        }
        for user in change.join {
            s.add_member(id, kind, user, at);
        }
        s.room(id).cloned()
    }

    async fn membership(
        &self,
        room: RoomId,
        user: UserId,
    ) -> Result<Option<Membership>, StoreError> {
        Ok(self.lock().memberships.get(&(room, user)).cloned())
    }

    async fn members(&self, room: RoomId) -> Result<Vec<Membership>, StoreError> {
        let s = self.lock();
        Ok(s.memberships
            .values()
            .filter(|m| m.room == room)
            .cloned()
            .collect())
    }

    async fn memberships_of(&self, user: UserId) -> Result<Vec<Membership>, StoreError> {
        let s = self.lock();
        Ok(s.memberships
            .values()
            .filter(|m| m.user == user)
            .cloned()
            .collect())
    }

    async fn mark_read(&self, room: RoomId, user: UserId, at: Timestamp) -> Result<(), StoreError> {
        let mut s = self.lock();
        let membership = s
            .memberships
            .get_mut(&(room, user))
            .ok_or(StoreError::NotFound("membership"))?;
        membership.unread_from = None;
        if membership.unread_since.take().is_some() {
            s.append(EventKind::RoomRead { room, user }, at);
        }
        Ok(())
    }

    async fn mark_unread(
        &self,
        room: RoomId,
        user: UserId,
        message: MessageId,
        posted: Timestamp,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut s = self.lock();
        let membership = s
            .memberships
            .get_mut(&(room, user))
            .ok_or(StoreError::NotFound("membership"))?;
        membership.unread_since = Some(posted);
        membership.unread_from = Some(message);
        s.append(
            EventKind::RoomMarkedUnread {
                room,
                user,
                message,
            },
            at,
        );
        Ok(())
    }

    async fn add_bookmark(
        &self,
        user: UserId,
        message: MessageId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut s = self.lock();
        if !s.messages.contains_key(&message) {
            return Err(StoreError::NotFound("message"));
        }
        // Saved already: it keeps when it was first saved, and nothing is told.
        if let std::collections::btree_map::Entry::Vacant(entry) =
            s.bookmarks.entry((user, message))
        {
            entry.insert(at);
            s.append(EventKind::BookmarkAdded { user, message }, at);
        }
        Ok(())
    }

    async fn remove_bookmark(
        &self,
        user: UserId,
        message: MessageId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut s = self.lock();
        let saved = s.bookmarks.remove(&(user, message)).is_some();
        // A deleted message's bookmarks went with it (as the database's cascade does).
        if saved && s.messages.contains_key(&message) {
            s.append(EventKind::BookmarkRemoved { user, message }, at);
        }
        Ok(())
    }

    async fn mentioning(
        &self,
        user: UserId,
        before: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let s = self.lock();
        let before = before.unwrap_or(MessageId(i64::MAX));
        Ok(s.messages
            .range(..before)
            .rev()
            .map(|(_, m)| m)
            .filter(|m| m.mentions.contains(&user) && s.memberships.contains_key(&(m.room, user)))
            .take(usize::try_from(limit.clamp(1, crate::MAX_PAGE)).unwrap_or(1))
            .cloned()
            .collect())
    }

    async fn bookmarks(&self, user: UserId) -> Result<Vec<Bookmark>, StoreError> {
        let s = self.lock();
        let mut list: Vec<Bookmark> = s
            .bookmarks
            .iter()
            .filter(|((u, m), _)| *u == user && s.messages.contains_key(m))
            .map(|((_, message), at)| Bookmark {
                message: *message,
                created_at: *at,
            })
            .collect();
        list.sort_by_key(|b| std::cmp::Reverse((b.created_at, b.message)));
        Ok(list)
    }

    async fn unread_counts(&self, user: UserId) -> Result<Vec<UnreadCount>, StoreError> {
        let s = self.lock();
        let mut counts = Vec::new();
        for m in s.memberships.values().filter(|m| m.user == user) {
            let Some(from) = m.unread_from else { continue };
            let mut count: Option<UnreadCount> = None;
            for message in s.messages.range(from..).map(|(_, message)| message) {
                if message.room != m.room || message.author == user {
                    continue;
                }
                let c = count.get_or_insert(UnreadCount {
                    room: m.room,
                    messages: 0,
                    mentions: 0,
                    through: message.id,
                });
                c.messages += 1;
                c.mentions += u32::from(message.mentions.contains(&user));
                c.through = c.through.max(message.id);
            }
            counts.extend(count);
        }
        counts.sort_by_key(|c| c.room);
        Ok(counts)
    }

    async fn post_message(&self, new: NewMessage) -> Result<Posted, StoreError> {
        let mut s = self.lock();
        let retry = (new.author, new.client_message_id.clone());
        if let Some(message) = s.client_ids.get(&retry).and_then(|id| s.messages.get(id)) {
            if message.room != new.room || message.thread != new.thread {
                return Err(Conflict::ClientIdUsedElsewhere.into());
            }
            return Ok(Posted {
                message: message.clone(),
                created: false,
            });
        }
        s.room(new.room)?;
        s.user(new.author)?;
        if let Some(root) = new.thread {
            // A reply goes in a thread of its own room, one level deep.
            match s.messages.get(&root) {
                Some(m) if m.room == new.room && m.thread.is_none() => {}
                _ => return Err(StoreError::NotFound("thread")),
            }
        }
        for mentioned in &new.mentions {
            s.user(*mentioned).map_err(|_| Conflict::UnknownUser)?;
        }
        let mut mentions = new.mentions;
        mentions.sort_unstable();
        mentions.dedup();
        let message = Message {
            id: MessageId(s.next_id()),
            room: new.room,
            author: new.author,
            client_message_id: new.client_message_id,
            body: new.body,
            mentions,
            created_at: new.at,
            edited_at: None,
            attachment: new.attachment,
            preview: None,
            thread: new.thread,
            replies: Replies::default(),
        };
        let audience = Audience {
            author: new.author,
            mentions: &message.mentions,
            looking: &new.looking,
            connected: &new.connected,
        };
        let read: Vec<(UserId, Involvement)> = s
            .memberships
            .values()
            .filter(|m| m.room == new.room && m.unread_since.is_none())
            .map(|m| (m.user, m.involvement))
            .collect();
        for user in audience.newly_unread(read) {
            if let Some(m) = s.memberships.get_mut(&(new.room, user)) {
                m.unread_since = Some(new.at);
                m.unread_from = Some(message.id);
            }
        }
        // A room's activity time never goes back (posts committed out of clock order).
        if let Some(room) = s.rooms.get_mut(&new.room) {
            room.last_active_at = room.last_active_at.max(new.at);
        }
        s.client_ids.insert(retry, message.id);
        // N1: one push per subscription the push rule picks, queued with the message.
        let subscribed: Vec<(PushSubscriptionId, UserId, Involvement)> = s
            .push_subscriptions
            .values()
            .filter_map(|p| {
                let member = s.memberships.get(&(new.room, p.user))?;
                Some((p.id, p.user, member.involvement))
            })
            .collect();
        let subscriptions = audience.push_targets(subscribed);
        let targets = new
            .webhooks
            .iter()
            .map(|bot| {
                (
                    DeliveryTarget::Webhook(*bot),
                    format!("webhook-{}-{}", message.id, bot),
                )
            })
            .chain(subscriptions.into_iter().map(|p| {
                (
                    DeliveryTarget::Push(p),
                    format!("push-{}-{}", message.id, p),
                )
            }))
            .collect::<Vec<_>>();
        for (target, idempotency_key) in targets {
            let id = s.next_id();
            let delivery = Delivery {
                id,
                target,
                message: message.id,
                attempts: 0,
                idempotency_key,
                created_at: new.at,
            };
            s.outbox.insert(
                id,
                OutboxRow {
                    delivery,
                    status: "pending",
                    next_at: new.at,
                    last_attempt_at: None,
                    last_error: None,
                },
            );
        }
        s.messages.insert(message.id, message.clone());
        s.append(
            EventKind::MessageCreated {
                room: new.room,
                message: message.id,
            },
            new.at,
        );
        if let Some(root) = new.thread.and_then(|root| s.messages.get_mut(&root)) {
            root.replies = std::mem::take(&mut root.replies).with_reply(new.author, new.at);
            let root = root.id;
            s.append(
                EventKind::MessageEdited {
                    room: new.room,
                    message: root,
                },
                new.at,
            );
        }
        Ok(Posted {
            message,
            created: true,
        })
    }

    async fn message(&self, id: MessageId) -> Result<Message, StoreError> {
        self.lock()
            .messages
            .get(&id)
            .cloned()
            .ok_or(StoreError::NotFound("message"))
    }

    async fn messages(
        &self,
        room: RoomId,
        page: Page,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let s = self.lock();
        s.room(room)?;
        let limit = clamp(limit);
        let in_room = s
            .messages
            .values()
            .filter(|m| m.room == room && m.thread.is_none());
        let mut page: Vec<Message> = match page {
            Page::Latest => in_room.rev().take(limit).cloned().collect(),
            Page::Before(id) => in_room
                .rev()
                .filter(|m| m.id < id)
                .take(limit)
                .cloned()
                .collect(),
            Page::After(id) => in_room.filter(|m| m.id > id).take(limit).cloned().collect(),
            Page::Around(id) => {
                let all: Vec<&Message> = in_room.collect();
                let split = all.partition_point(|m| m.id < id);
                let before = (limit / 2).min(split);
                let after = limit - limit / 2;
                all.iter()
                    .skip(split - before)
                    .take(before + after)
                    .map(|m| (*m).clone())
                    .collect()
            }
        };
        page.sort_by_key(|m| m.id);
        Ok(page)
    }

    async fn replies(
        &self,
        root: MessageId,
        after: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let s = self.lock();
        let after = after.unwrap_or(MessageId(0));
        Ok(s.messages
            .range(after..)
            .map(|(_, m)| m)
            .filter(|m| m.id > after && m.thread == Some(root))
            .take(clamp(limit))
            .cloned()
            .collect())
    }

    async fn messages_by_ids(&self, ids: &[MessageId]) -> Result<Vec<Message>, StoreError> {
        let s = self.lock();
        let mut found: Vec<Message> = ids
            .iter()
            .filter_map(|id| s.messages.get(id).cloned())
            .collect();
        found.sort_by_key(|m| m.id);
        found.dedup_by_key(|m| m.id);
        Ok(found)
    }

    async fn record_search(
        &self,
        user: UserId,
        query: &str,
        _at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut s = self.lock();
        let recent = s.recent_searches.entry(user).or_default();
        recent.retain(|q| q != query);
        recent.insert(0, query.to_owned());
        recent.truncate(crate::RECENT_SEARCHES);
        Ok(())
    }

    async fn recent_searches(&self, user: UserId) -> Result<Vec<String>, StoreError> {
        Ok(self
            .lock()
            .recent_searches
            .get(&user)
            .cloned()
            .unwrap_or_default())
    }

    async fn clear_recent_searches(&self, user: UserId) -> Result<(), StoreError> {
        self.lock().recent_searches.remove(&user);
        Ok(())
    }

    async fn message_count(&self, room: RoomId) -> Result<u64, StoreError> {
        let s = self.lock();
        s.room(room)?;
        Ok(
            u64::try_from(s.messages.values().filter(|m| m.room == room).count())
                .unwrap_or(u64::MAX),
        )
    }

    async fn edit_message(
        &self,
        id: MessageId,
        body: MessageBody,
        mentions: Vec<UserId>,
        at: Timestamp,
    ) -> Result<Message, StoreError> {
        let mut s = self.lock();
        for mentioned in &mentions {
            s.user(*mentioned).map_err(|_| Conflict::UnknownUser)?;
        }
        let message = s
            .messages
            .get_mut(&id)
            .ok_or(StoreError::NotFound("message"))?;
        let mut mentions = mentions;
        mentions.sort_unstable();
        mentions.dedup();
        message.body = body;
        message.mentions = mentions;
        message.edited_at = Some(at);
        let message = message.clone();
        s.append(
            EventKind::MessageEdited {
                room: message.room,
                message: id,
            },
            at,
        );
        Ok(message)
    }

    async fn delete_message(&self, id: MessageId, at: Timestamp) -> Result<(), StoreError> {
        self.lock().delete_message(id, at)
    }

    async fn add_boost(
        &self,
        message: MessageId,
        booster: UserId,
        content: BoostContent,
        at: Timestamp,
    ) -> Result<Boost, StoreError> {
        let mut s = self.lock();
        let room = s
            .messages
            .get(&message)
            .ok_or(StoreError::NotFound("message"))?
            .room;
        s.user(booster)?;
        let boost = Boost {
            id: BoostId(s.next_id()),
            message,
            booster,
            content,
            created_at: at,
        };
        s.boosts.insert(boost.id, boost.clone());
        s.append(
            EventKind::BoostAdded {
                room,
                message,
                boost: boost.id,
            },
            at,
        );
        Ok(boost)
    }

    async fn boost(&self, id: BoostId) -> Result<Boost, StoreError> {
        self.lock()
            .boosts
            .get(&id)
            .cloned()
            .ok_or(StoreError::NotFound("boost"))
    }

    async fn remove_boost(&self, id: BoostId, at: Timestamp) -> Result<(), StoreError> {
        let mut s = self.lock();
        let boost = s.boosts.remove(&id).ok_or(StoreError::NotFound("boost"))?;
        let room = s
            .messages
            .get(&boost.message)
            .map(|m| m.room)
            .ok_or(StoreError::NotFound("message"))?;
        s.append(
            EventKind::BoostRemoved {
                room,
                message: boost.message,
                boost: id,
            },
            at,
        );
        Ok(())
    }

    async fn set_preview(
        &self,
        message: MessageId,
        preview: Option<campfire_domain::LinkPreview>,
        at: Timestamp,
    ) -> Result<Message, StoreError> {
        let mut s = self.lock();
        let stored = s
            .messages
            .get_mut(&message)
            .ok_or(StoreError::NotFound("message"))?;
        stored.preview = preview;
        let stored = stored.clone();
        s.append(
            EventKind::MessageEdited {
                room: stored.room,
                message,
            },
            at,
        );
        Ok(stored)
    }

    async fn preview_of_url(
        &self,
        url: &str,
    ) -> Result<Option<campfire_domain::LinkPreview>, StoreError> {
        let s = self.lock();
        Ok(s.messages
            .values()
            .rev()
            .filter_map(|m| m.preview.as_ref())
            .find(|p| p.url == url)
            .cloned())
    }

    async fn blob_used(&self, key: &BlobKey) -> Result<bool, StoreError> {
        let s = self.lock();
        let in_messages = s
            .messages
            .values()
            .filter_map(|m| m.attachment.as_ref())
            .any(|a| {
                a.blob == *key
                    || a.image
                        .as_ref()
                        .is_some_and(|(_, thumbnail)| thumbnail == key)
            });
        let previewed = s
            .messages
            .values()
            .filter_map(|m| m.preview.as_ref())
            .any(|p| p.image.as_ref() == Some(key));
        let pictured = previewed
            || s.users.values().any(|u| u.avatar.as_ref() == Some(key))
            || s.account
                .as_ref()
                .is_some_and(|a| a.logo.as_ref() == Some(key));
        Ok(in_messages || pictured)
    }

    async fn boosts_of(&self, messages: &[MessageId]) -> Result<Vec<Boost>, StoreError> {
        let s = self.lock();
        Ok(s.boosts
            .values()
            .filter(|b| messages.contains(&b.message))
            .cloned()
            .collect())
    }

    async fn save_push_subscription(
        &self,
        new: NewPushSubscription,
    ) -> Result<PushSubscription, StoreError> {
        let mut s = self.lock();
        s.active_user(new.user)?;
        if s.sessions
            .get(&new.session)
            .is_none_or(|x| x.user != new.user)
        {
            return Err(StoreError::NotFound("session"));
        }
        let existing = s
            .push_subscriptions
            .values()
            .find(|p| p.endpoint == new.endpoint)
            .map(|p| p.id);
        let id = match existing {
            Some(id) => id,
            None => PushSubscriptionId(s.next_id()),
        };
        let subscription = PushSubscription {
            id,
            user: new.user,
            endpoint: new.endpoint,
            p256dh: new.keys.p256dh().to_owned(),
            auth: new.keys.auth().to_owned(),
            session: Some(new.session),
            created_at: new.at,
        };
        s.push_subscriptions.insert(id, subscription.clone());
        Ok(subscription)
    }

    async fn push_subscription(
        &self,
        id: PushSubscriptionId,
    ) -> Result<Option<PushSubscription>, StoreError> {
        Ok(self.lock().push_subscriptions.get(&id).cloned())
    }

    async fn push_subscriptions_of(
        &self,
        user: UserId,
    ) -> Result<Vec<PushSubscription>, StoreError> {
        Ok(self
            .lock()
            .push_subscriptions
            .values()
            .filter(|p| p.user == user)
            .cloned()
            .collect())
    }

    async fn remove_push_subscription(&self, id: PushSubscriptionId) -> Result<(), StoreError> {
        let mut s = self.lock();
        s.push_subscriptions.remove(&id);
        s.outbox.retain(|_, r| {
            !(r.status == "pending" && r.delivery.target == DeliveryTarget::Push(id))
        });
        Ok(())
    }

    async fn remove_all_push_subscriptions(&self) -> Result<u64, StoreError> {
        let mut s = self.lock();
        let count = u64::try_from(s.push_subscriptions.len()).unwrap_or(u64::MAX);
        s.push_subscriptions.clear();
        s.outbox.retain(|_, r| {
            !(r.status == "pending" && matches!(r.delivery.target, DeliveryTarget::Push(_)))
        });
        Ok(count)
    }

    async fn due_deliveries(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let s = self.lock();
        let mut due: Vec<&OutboxRow> = s
            .outbox
            .values()
            .filter(|r| r.status == "pending" && r.next_at <= now)
            .collect();
        due.sort_by_key(|r| (r.next_at, r.delivery.id));
        Ok(due
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|r| r.delivery.clone())
            .collect())
    }

    async fn record_delivery(
        &self,
        id: i64,
        outcome: Outcome,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut s = self.lock();
        let row = s
            .outbox
            .get_mut(&id)
            .ok_or(StoreError::NotFound("delivery"))?;
        if let Outcome::Deferred { at } = outcome {
            row.next_at = at;
            return Ok(());
        }
        row.delivery.attempts = row.delivery.attempts.saturating_add(1);
        row.last_attempt_at = Some(at);
        match outcome {
            Outcome::Delivered => {
                row.status = "delivered";
                row.last_error = None;
            }
            Outcome::Retry { at, error } => {
                row.next_at = at;
                row.last_error = Some(error);
            }
            Outcome::Deferred { .. } => {}
            Outcome::GaveUp { error } => {
                row.status = "failed";
                row.last_error = Some(error);
            }
        }
        Ok(())
    }

    async fn set_circuit(&self, bot: UserId, state: &str) -> Result<(), StoreError> {
        self.lock().circuits.insert(bot, state.to_owned());
        Ok(())
    }

    async fn pending_deliveries(&self) -> Result<u64, StoreError> {
        let s = self.lock();
        let pending = s.outbox.values().filter(|r| r.status == "pending").count();
        Ok(u64::try_from(pending).unwrap_or(u64::MAX))
    }

    async fn delivery_stats(&self, bot: UserId) -> Result<DeliveryStats, StoreError> {
        let s = self.lock();
        let mut stats = DeliveryStats::default();
        // The newest attempt's error: none when it succeeded, so an old failure is not shown
        // after a later delivery went through.
        let mut newest: Option<(Timestamp, Option<String>)> = None;
        for row in s
            .outbox
            .values()
            .filter(|r| r.delivery.target == DeliveryTarget::Webhook(bot))
        {
            match row.status {
                "delivered" => stats.delivered += 1,
                "failed" => stats.failed += 1,
                _ => stats.pending += 1,
            }
            stats.last_attempt_at = stats.last_attempt_at.max(row.last_attempt_at);
            if let Some(at) = row.last_attempt_at
                && newest.as_ref().is_none_or(|(t, _)| at >= *t)
            {
                newest = Some((at, row.last_error.clone()));
            }
        }
        stats.last_error = newest.and_then(|(_, e)| e);
        stats.circuit = s
            .circuits
            .get(&bot)
            .cloned()
            .unwrap_or_else(|| "closed".to_owned());
        Ok(stats)
    }

    async fn events_after(&self, after: EventSeq, limit: u32) -> Result<Vec<Event>, StoreError> {
        let s = self.lock();
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(s.events
            .iter()
            .filter(|e| e.seq > after)
            .take(limit)
            .copied()
            .collect())
    }

    async fn last_event_seq(&self) -> Result<EventSeq, StoreError> {
        Ok(self.lock().events.last().map_or(EventSeq(0), |e| e.seq))
    }

    async fn stats(&self) -> Result<Stats, StoreError> {
        let s = self.lock();
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        Ok(Stats {
            users: count(s.users.len()),
            rooms: count(s.rooms.len()),
            messages: count(s.messages.len()),
            events: count(s.events.len()),
            last_event: s.events.last().map_or(EventSeq(0), |e| e.seq),
            files: count(
                s.messages
                    .values()
                    .filter(|m| m.attachment.is_some())
                    .count(),
            ),
            file_bytes: s
                .messages
                .values()
                .filter_map(|m| m.attachment.as_ref())
                .map(|a| a.byte_size)
                .sum(),
        })
    }
}

/// Inserts a person (the caller has checked their email is free).
fn person(new: NewPerson, role: Role, s: &mut State, at: Timestamp) -> Result<User, StoreError> {
    let arriving = campfire_domain::new_person(new.name, new.email, role, new.bio, at)?;
    let id = UserId(s.next_id());
    let user = User { id, ..arriving };
    s.password_hashes.insert(id, new.password_hash);
    Ok(s.insert_user(user, at))
}
