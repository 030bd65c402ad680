//! The store port, in domain words.

use async_trait::async_trait;
use campfire_domain::{
    Account, Bookmark, Boost, BoostContent, BoostId, BotToken, DirectRoomKey, EmailAddress, Event,
    EventSeq, Involvement, JoinCode, Membership, Message, MessageBody, MessageId, PushSubscription,
    PushSubscriptionId, Role, Room, RoomId, RoomName, RoomTopic, Session, SessionId, Timestamp,
    UnreadCount, User, UserId, Webhook,
};

use crate::{
    AccountChanges, Delivery, DeliveryStats, FirstRun, HotState, NewBot, NewMessage, NewPerson,
    NewPushSubscription, NewRoom, NewSession, Outcome, Page, Posted, ProfileChanges, RoomMembers,
    SetUp, Stats, StoreError,
};

/// Everything Campfire keeps. Each method is one transaction: it happens whole or not at all, and
/// the events it appends are visible exactly when its changes are.
#[async_trait]
pub trait Store: Send + Sync {
    // --- Account (A1, A2, A11) ---

    /// First run: creates the account, the first administrator and the first open room with them
    /// in it. Of two concurrent first runs exactly one succeeds; the other gets
    /// [`Conflict::AlreadySetUp`](crate::Conflict::AlreadySetUp).
    async fn set_up(&self, first_run: FirstRun) -> Result<SetUp, StoreError>;

    /// The account, or `None` before first run.
    async fn account(&self) -> Result<Option<Account>, StoreError>;

    /// Replaces the join code; the old one stops working at once.
    async fn rotate_join_code(&self, code: JoinCode, at: Timestamp) -> Result<Account, StoreError>;

    /// Changes the account's settings (A11).
    async fn update_account(
        &self,
        changes: AccountChanges,
        at: Timestamp,
    ) -> Result<Account, StoreError>;

    // --- Users (A6, A7, B1) ---

    /// Adds a person, who joins every open room.
    async fn create_person(&self, person: NewPerson, at: Timestamp) -> Result<User, StoreError>;

    /// Adds a bot, which joins every open room like anyone else.
    async fn create_bot(&self, bot: NewBot, at: Timestamp) -> Result<User, StoreError>;

    /// A user by id, whatever their status.
    async fn user(&self, id: UserId) -> Result<User, StoreError>;

    /// The active user with this email address.
    async fn active_user_by_email(&self, email: &EmailAddress) -> Result<Option<User>, StoreError>;

    /// A person's password hash (`None` for bots).
    async fn password_hash(&self, id: UserId) -> Result<Option<String>, StoreError>;

    /// Every user, in id order.
    async fn users(&self) -> Result<Vec<User>, StoreError>;

    /// Makes a person a member or an administrator. Bots stay bots.
    async fn set_role(&self, id: UserId, role: Role, at: Timestamp) -> Result<User, StoreError>;

    /// Replaces a person's password hash and ends all their sessions. Appends `UserUpdated`,
    /// so every process that holds the user's sessions in memory learns they ended.
    async fn set_password(
        &self,
        id: UserId,
        password_hash: String,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Gives a bot a new token; the old key stops working at once. Appends `UserUpdated`, so
    /// every process that holds the bot in memory learns of it.
    async fn rotate_bot_token(
        &self,
        id: UserId,
        token: BotToken,
        at: Timestamp,
    ) -> Result<User, StoreError>;

    /// A bot's webhook, if it has one.
    async fn webhook(&self, bot: UserId) -> Result<Option<Webhook>, StoreError>;

    /// A7 in one step: ends their sessions, removes their memberships (except direct rooms), push
    /// subscriptions and recent searches, and frees their email. Their messages stay.
    async fn deactivate_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError>;

    /// Changes a person's name, bio or email (A9).
    async fn update_profile(
        &self,
        id: UserId,
        changes: ProfileChanges,
        at: Timestamp,
    ) -> Result<User, StoreError>;

    /// Sets or clears a bot's webhook URL.
    async fn set_webhook(&self, bot: UserId, url: Option<String>) -> Result<(), StoreError>;

    /// A8 in one step: deactivates them, records the IP addresses of their sessions, and deletes
    /// all their messages.
    async fn ban_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError>;

    /// Restores a banned user's account (not their messages); they rejoin every open room.
    async fn unban_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError>;

    /// Whether writes from this address are refused because of a ban.
    async fn is_banned_ip(&self, ip: &str) -> Result<bool, StoreError>;

    // --- Sessions (A3, A4) ---

    /// Records a sign-in.
    async fn create_session(&self, session: NewSession) -> Result<Session, StoreError>;

    /// The session whose token hashes to this, if it exists.
    async fn session_by_token_hash(&self, token_hash: &str) -> Result<Option<Session>, StoreError>;

    /// A user's sessions, newest first.
    async fn sessions_of(&self, user: UserId) -> Result<Vec<Session>, StoreError>;

    /// Ends a session.
    async fn delete_session(&self, id: SessionId) -> Result<(), StoreError>;

    /// Records that a session was used.
    async fn touch_session(&self, id: SessionId, at: Timestamp) -> Result<(), StoreError>;

    /// Marks a single-use token (by its id) as used. Returns false if it already was.
    async fn use_token_once(&self, token_id: &str, at: Timestamp) -> Result<bool, StoreError>;

    /// R6: ends the sessions last active before `idle_before`, and forgets single-use tokens
    /// used before `used_before` (those links have long expired). Returns how many of each.
    async fn prune(
        &self,
        idle_before: Timestamp,
        used_before: Timestamp,
    ) -> Result<(u64, u64), StoreError>;

    // --- Rooms and memberships (R1–R4) ---

    /// Creates an open or closed room.
    async fn create_room(&self, room: NewRoom) -> Result<Room, StoreError>;

    /// The direct room of exactly these people, creating it if there is none.
    /// Returns the room and whether it was created.
    async fn find_or_create_direct_room(
        &self,
        creator: UserId,
        key: DirectRoomKey,
        at: Timestamp,
    ) -> Result<(Room, bool), StoreError>;

    /// The direct room of exactly these people, found through an index.
    async fn direct_room(&self, key: &DirectRoomKey) -> Result<Option<Room>, StoreError>;

    /// A room by id.
    async fn room(&self, id: RoomId) -> Result<Room, StoreError>;

    /// Every room, in id order.
    async fn rooms(&self) -> Result<Vec<Room>, StoreError>;

    /// Converts a shared room: to open (every active user joins) or to closed with exactly the
    /// chosen members (everyone else is cut off). Direct rooms are never converted.
    async fn convert_room(
        &self,
        id: RoomId,
        members: RoomMembers,
        at: Timestamp,
    ) -> Result<Room, StoreError>;

    /// Renames a shared room.
    async fn rename_room(
        &self,
        id: RoomId,
        name: RoomName,
        at: Timestamp,
    ) -> Result<Room, StoreError>;

    /// Sets or clears a shared room's topic (X7); appends `RoomRenamed` (its heading changed).
    async fn set_topic(
        &self,
        id: RoomId,
        topic: Option<RoomTopic>,
        at: Timestamp,
    ) -> Result<Room, StoreError>;

    /// `user` leaves a closed room (X7): their membership goes, with `MembershipRemoved`.
    /// Leaving a room one is not in changes nothing; open and direct rooms are not left
    /// ([`Conflict::WrongRoomKind`](crate::Conflict::WrongRoomKind)).
    async fn leave_room(&self, id: RoomId, user: UserId, at: Timestamp) -> Result<(), StoreError>;

    /// Deletes a room with its messages (R6).
    async fn delete_room(&self, id: RoomId, at: Timestamp) -> Result<(), StoreError>;

    /// Every user, room, membership and session, and the log position they are consistent
    /// with, read together.
    async fn hot_state(&self) -> Result<HotState, StoreError>;

    /// Every (room, member) pair, and the log position they are consistent with, read together
    /// (what live delivery starts from).
    async fn membership_snapshot(&self) -> Result<(Vec<(RoomId, UserId)>, EventSeq), StoreError> {
        let state = self.hot_state().await?;
        let pairs = state.memberships.iter().map(|m| (m.room, m.user)).collect();
        Ok((pairs, state.head))
    }

    /// Sets how closely a member follows a room (R3).
    async fn set_involvement(
        &self,
        room: RoomId,
        user: UserId,
        involvement: Involvement,
        at: Timestamp,
    ) -> Result<Membership, StoreError>;

    /// One user's membership of a room.
    async fn membership(
        &self,
        room: RoomId,
        user: UserId,
    ) -> Result<Option<Membership>, StoreError>;

    /// A room's members, in user id order.
    async fn members(&self, room: RoomId) -> Result<Vec<Membership>, StoreError>;

    /// A user's memberships, in room id order.
    async fn memberships_of(&self, user: UserId) -> Result<Vec<Membership>, StoreError>;

    /// Clears a room's unread state for a user (every device of theirs learns through the event).
    async fn mark_read(&self, room: RoomId, user: UserId, at: Timestamp) -> Result<(), StoreError>;

    /// Makes a room unread for a user from `message` (posted at `posted`) on, and appends
    /// `RoomMarkedUnread` (X7).
    async fn mark_unread(
        &self,
        room: RoomId,
        user: UserId,
        message: MessageId,
        posted: Timestamp,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Saves `message` for `user` (X7) and appends `BookmarkAdded`; saving a saved message
    /// changes nothing. A message that does not exist is `NotFound`.
    async fn add_bookmark(
        &self,
        user: UserId,
        message: MessageId,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Removes a saved message and appends `BookmarkRemoved`; one not saved changes nothing.
    async fn remove_bookmark(
        &self,
        user: UserId,
        message: MessageId,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// `user`'s saved messages, newest saved first; a deleted message is no longer among them.
    async fn bookmarks(&self, user: UserId) -> Result<Vec<Bookmark>, StoreError>;

    /// For each room of `user`'s with a first unread message, the messages from others since it
    /// and those mentioning them (X7). Read rooms and rooms with nothing counted are left out.
    async fn unread_counts(&self, user: UserId) -> Result<Vec<UnreadCount>, StoreError>;

    // --- Messages (M1, M3) ---

    /// Posts a message, idempotently on (author, client message id), marking the room unread
    /// for every member the unread rule says (R4).
    async fn post_message(&self, message: NewMessage) -> Result<Posted, StoreError>;

    /// A message by id.
    async fn message(&self, id: MessageId) -> Result<Message, StoreError>;

    /// A page of a room's history, oldest first within the page, at most `limit`
    /// (clamped to [`MAX_PAGE`](crate::MAX_PAGE)).
    async fn messages(
        &self,
        room: RoomId,
        page: Page,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError>;

    /// X7: up to `limit` replies in the thread of `root` after `after` (from the first when
    /// `None`), oldest first (clamped to [`MAX_PAGE`](crate::MAX_PAGE)).
    async fn replies(
        &self,
        root: MessageId,
        after: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError>;

    /// Those of these messages that exist, in id order (the search indexer and search results
    /// read messages in batches).
    async fn messages_by_ids(&self, ids: &[MessageId]) -> Result<Vec<Message>, StoreError>;

    /// X7's mentions inbox: up to `limit` messages that mention `user`, in rooms they are a
    /// member of, older than `before` (any when `None`), newest first.
    async fn mentioning(
        &self,
        user: UserId,
        before: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError>;

    /// How many messages a room has, thread replies included (a count of its history alone
    /// could not be read from `messages_room`).
    async fn message_count(&self, room: RoomId) -> Result<u64, StoreError>;

    /// Replaces a message's body and mentions (M4).
    async fn edit_message(
        &self,
        id: MessageId,
        body: MessageBody,
        mentions: Vec<UserId>,
        at: Timestamp,
    ) -> Result<Message, StoreError>;

    /// Deletes a message with its boosts (M4).
    async fn delete_message(&self, id: MessageId, at: Timestamp) -> Result<(), StoreError>;

    /// Adds a boost (M6).
    async fn add_boost(
        &self,
        message: MessageId,
        booster: UserId,
        content: BoostContent,
        at: Timestamp,
    ) -> Result<Boost, StoreError>;

    /// A boost by id.
    async fn boost(&self, id: BoostId) -> Result<Boost, StoreError>;

    /// Removes a boost.
    async fn remove_boost(&self, id: BoostId, at: Timestamp) -> Result<(), StoreError>;

    /// Sets or removes a message's preview card (M10). Appends `MessageEdited`, so clients
    /// show the card (its edit time does not change: the author did not edit).
    async fn set_preview(
        &self,
        message: MessageId,
        preview: Option<campfire_domain::LinkPreview>,
        at: Timestamp,
    ) -> Result<Message, StoreError>;

    /// The newest card already made of this page, if any (a link posted again is not fetched
    /// again).
    async fn preview_of_url(
        &self,
        url: &str,
    ) -> Result<Option<campfire_domain::LinkPreview>, StoreError>;

    /// Whether some message's file or thumbnail is this blob (M9): a blob no message uses any
    /// more is removed from the blob store.
    async fn blob_used(&self, key: &campfire_domain::BlobKey) -> Result<bool, StoreError>;

    /// The boosts of these messages, in id order.
    async fn boosts_of(&self, messages: &[MessageId]) -> Result<Vec<Boost>, StoreError>;

    // --- Recent searches (S2) ---

    /// Remembers a search a user ran: it moves to the front of their recent searches, which
    /// keep the newest [`RECENT_SEARCHES`](crate::RECENT_SEARCHES).
    async fn record_search(
        &self,
        user: UserId,
        query: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// A user's recent searches, newest first.
    async fn recent_searches(&self, user: UserId) -> Result<Vec<String>, StoreError>;

    /// Forgets a user's recent searches.
    async fn clear_recent_searches(&self, user: UserId) -> Result<(), StoreError>;

    // --- Web Push subscriptions (N1) ---

    /// Registers a browser's subscription under a sign-in. The endpoint identifies the browser:
    /// registering it again (new keys, another sign-in, another user) replaces the old row.
    async fn save_push_subscription(
        &self,
        subscription: NewPushSubscription,
    ) -> Result<PushSubscription, StoreError>;

    /// A subscription by id.
    async fn push_subscription(
        &self,
        id: PushSubscriptionId,
    ) -> Result<Option<PushSubscription>, StoreError>;

    /// A user's subscriptions, in id order.
    async fn push_subscriptions_of(
        &self,
        user: UserId,
    ) -> Result<Vec<PushSubscription>, StoreError>;

    /// Removes a subscription (the push service said it is gone, or its browser unsubscribed);
    /// its queued pushes are dropped. Removing one that is not there is not an error.
    async fn remove_push_subscription(&self, id: PushSubscriptionId) -> Result<(), StoreError>;

    /// Removes every subscription (the VAPID key changed, so none of them works any more) and
    /// their queued pushes. Returns how many there were.
    async fn remove_all_push_subscriptions(&self) -> Result<u64, StoreError>;

    // --- The outbox (B3, N1) ---

    /// Pending deliveries (webhooks and pushes) whose time has come, oldest first.
    async fn due_deliveries(&self, now: Timestamp, limit: u32)
    -> Result<Vec<Delivery>, StoreError>;

    /// Records an attempt's outcome.
    async fn record_delivery(
        &self,
        id: i64,
        outcome: Outcome,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Records the state of a bot's webhook circuit (`closed`, `open`, `half-open`).
    async fn set_circuit(&self, bot: UserId, state: &str) -> Result<(), StoreError>;

    /// A bot's delivery counts, its last failure and its circuit.
    async fn delivery_stats(&self, bot: UserId) -> Result<DeliveryStats, StoreError>;

    /// How many deliveries (webhooks and pushes) are queued and not yet delivered or given up
    /// on: the outbox's backlog, due or not (O2's metrics).
    async fn pending_deliveries(&self) -> Result<u64, StoreError>;

    // --- The event log ---

    /// Events after `after`, in sequence order, at most `limit`.
    async fn events_after(&self, after: EventSeq, limit: u32) -> Result<Vec<Event>, StoreError>;

    /// The newest event's sequence number (0 when the log is empty).
    async fn last_event_seq(&self) -> Result<EventSeq, StoreError>;

    // --- Operations ---

    /// Counts of what is stored.
    async fn stats(&self) -> Result<Stats, StoreError>;
}
