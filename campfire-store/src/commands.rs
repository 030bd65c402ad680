//! The inputs and outputs of store operations.

use campfire_domain::{
    Account, AccountName, Bio, BotToken, ClientMessageId, EmailAddress, EventSeq, JoinCode,
    Membership, Message, MessageBody, MessageId, PersonName, PushKeys, PushSubscriptionId, Role,
    Room, RoomName, Session, SessionId, Timestamp, User, UserId,
};

/// Everything first run creates: the account, its first administrator and the first room.
#[derive(Debug, Clone)]
pub struct FirstRun {
    /// The account's name ("Campfire").
    pub account_name: AccountName,
    /// The first join code.
    pub join_code: JoinCode,
    /// The first administrator.
    pub admin: NewPerson,
    /// The first open room ("All Talk").
    pub first_room: RoomName,
    /// Now.
    pub at: Timestamp,
}

/// What first run created.
#[derive(Debug, Clone)]
pub struct SetUp {
    /// The account.
    pub account: Account,
    /// The first administrator.
    pub admin: User,
    /// The first open room.
    pub room: Room,
}

/// A person signing up or created by an administrator.
#[derive(Debug, Clone)]
pub struct NewPerson {
    /// Display name.
    pub name: PersonName,
    /// Sign-in address.
    pub email: EmailAddress,
    /// The argon2id PHC string (hashed before the store is called, never on the writer).
    pub password_hash: String,
    /// Member or administrator.
    pub role: Role,
    /// Bio.
    pub bio: Bio,
}

/// A bot created by an administrator.
#[derive(Debug, Clone)]
pub struct NewBot {
    /// Display name.
    pub name: PersonName,
    /// The secret part of its key.
    pub token: BotToken,
    /// Where to POST messages that concern it (B3).
    pub webhook_url: Option<String>,
}

/// Who is in a shared room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomMembers {
    /// An open room: every active user.
    Everyone,
    /// A closed room: exactly these users.
    Only(Vec<UserId>),
}

/// A shared room being created.
#[derive(Debug, Clone)]
pub struct NewRoom {
    /// Its name.
    pub name: RoomName,
    /// Open, or closed with chosen members (the creator is always added).
    pub members: RoomMembers,
    /// Who creates it.
    pub creator: UserId,
    /// Now.
    pub at: Timestamp,
}

/// A message being posted.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Where.
    pub room: campfire_domain::RoomId,
    /// Who.
    pub author: UserId,
    /// The client's id for it: posting the same id twice creates one message.
    pub client_message_id: ClientMessageId,
    /// Content.
    pub body: MessageBody,
    /// Users mentioned (already resolved to ids and filtered to room members).
    pub mentions: Vec<UserId>,
    /// Members looking at the room right now: the message does not make it unread for them (R4).
    pub looking: Vec<UserId>,
    /// Members with a live connection right now: a live client shows the message, so they get
    /// no push (N1). Everyone else the push rule picks gets one, queued in the same transaction.
    pub connected: Vec<UserId>,
    /// Bots whose webhooks get this message (B3): queued in the outbox in the same transaction.
    pub webhooks: Vec<UserId>,
    /// Its file (M9), whose bytes are already in the blob store.
    pub attachment: Option<campfire_domain::Attachment>,
    /// X7: the room message whose thread it replies in (one of the same room, not itself a
    /// reply); `None` for a room message.
    pub thread: Option<MessageId>,
    /// Now.
    pub at: Timestamp,
}

/// The result of posting.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The message (the earlier one if this was a retry).
    pub message: Message,
    /// False when the client message id was already used: nothing new was written.
    pub created: bool,
}

/// A sign-in.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Who signed in.
    pub user: UserId,
    /// Hash of the cookie token.
    pub token_hash: String,
    /// The browser's user agent.
    pub user_agent: String,
    /// The client's address.
    pub ip: String,
    /// Now.
    pub at: Timestamp,
}

/// Which page of a room's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The newest messages.
    Latest,
    /// Messages older than this one.
    Before(MessageId),
    /// Messages newer than this one.
    After(MessageId),
    /// About half before and half after this one, which is included.
    Around(MessageId),
}

/// Changes to the account's settings (A11); `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountChanges {
    /// A new name.
    pub name: Option<campfire_domain::AccountName>,
    /// New custom CSS.
    pub custom_css: Option<campfire_domain::CustomCss>,
    /// Whether only administrators create rooms.
    pub only_admins_create_rooms: Option<bool>,
    /// A new logo (A11): `Some(None)` removes it.
    pub logo: Option<Option<campfire_domain::BlobKey>>,
}

/// Changes to a person's profile (A9); `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    /// A new display name.
    pub name: Option<PersonName>,
    /// A new bio.
    pub bio: Option<Bio>,
    /// A new email address.
    pub email: Option<EmailAddress>,
    /// A new picture (A10): `Some(None)` removes it.
    pub avatar: Option<Option<campfire_domain::BlobKey>>,
}

/// Where a queued delivery goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryTarget {
    /// A bot's webhook (B3).
    Webhook(UserId),
    /// A browser's Web Push subscription (N1).
    Push(PushSubscriptionId),
}

/// A queued outbound delivery: a message for a bot's webhook (B3) or a browser's push
/// subscription (N1). One outbox and one worker serve both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The outbox row.
    pub id: i64,
    /// Where it goes.
    pub target: DeliveryTarget,
    /// The message it is about.
    pub message: MessageId,
    /// Attempts made so far.
    pub attempts: u32,
    /// Sent with every attempt, so a receiver can drop duplicates.
    pub idempotency_key: String,
    /// When it was queued.
    pub created_at: Timestamp,
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered: done.
    Delivered,
    /// Failed; try again at `at`.
    Retry {
        /// When to try again.
        at: Timestamp,
        /// Why it failed.
        error: String,
    },
    /// Not attempted (the endpoint's circuit is open): try at `at`, without counting an attempt.
    Deferred {
        /// When to try.
        at: Timestamp,
    },
    /// Failed for good.
    GaveUp {
        /// Why it failed.
        error: String,
    },
}

/// How a bot's deliveries are going, for its administrators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryStats {
    /// Delivered.
    pub delivered: u64,
    /// Waiting (first attempt or a retry).
    pub pending: u64,
    /// Given up.
    pub failed: u64,
    /// The last attempt's time.
    pub last_attempt_at: Option<Timestamp>,
    /// The last failure's reason.
    pub last_error: Option<String>,
    /// The webhook's circuit: `closed`, `open` or `half-open`.
    pub circuit: String,
}

/// A browser's Web Push subscription being registered (N1).
#[derive(Debug, Clone)]
pub struct NewPushSubscription {
    /// Whose browser.
    pub user: UserId,
    /// The sign-in it belongs to (signing out removes it).
    pub session: SessionId,
    /// The push service's endpoint URL (already checked by the caller).
    pub endpoint: String,
    /// The browser's keys.
    pub keys: PushKeys,
    /// Now.
    pub at: Timestamp,
}

/// Counts for `campfire-cli stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Users of every role and status.
    pub users: u64,
    /// Rooms of every kind.
    pub rooms: u64,
    /// Messages.
    pub messages: u64,
    /// Events in the log.
    pub events: u64,
    /// The newest event's sequence number.
    pub last_event: EventSeq,
    /// Messages' files (M9).
    pub files: u64,
    /// Their bytes, as uploaded (thumbnails not counted).
    pub file_bytes: u64,
}

/// What every request reads, all of it, as of one log position: what
/// [`crate::HotStore::load`] holds in memory from the start (read in one read transaction, so
/// following the log from `head` keeps it exact).
#[derive(Debug, Clone, Default)]
pub struct HotState {
    /// Every user, of every role and status.
    pub users: Vec<User>,
    /// Every room.
    pub rooms: Vec<Room>,
    /// Every membership.
    pub memberships: Vec<Membership>,
    /// Every session.
    pub sessions: Vec<Session>,
    /// The newest event these include.
    pub head: EventSeq,
}
