//! The entities of product.md sections A, R, M, B and N.

use crate::{
    AccountId, AccountName, BanId, Bio, BoostContent, BoostId, BotToken, ClientMessageId,
    CustomCss, DirectRoomKey, EmailAddress, JoinCode, MessageBody, MessageId, PersonName,
    PushSubscriptionId, RoomId, RoomName, SessionId, Timestamp, UserId, WebhookId,
};

/// The organisation: there is exactly one per installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Always the same single id.
    pub id: AccountId,
    /// Shown in the title, the PWA manifest and push notifications.
    pub name: AccountName,
    /// The code of the join link.
    pub join_code: JoinCode,
    /// CSS added to every page.
    pub custom_css: CustomCss,
    /// When on, only administrators may create rooms.
    pub only_admins_create_rooms: bool,
    /// When the account was set up.
    pub created_at: Timestamp,
    /// The uploaded logo (A11), a square of at most 512 pixels: the favicon, the installed
    /// app's icon and the push icon. `None` uses Campfire's own.
    pub logo: Option<crate::BlobKey>,
}

/// What a user may do, broadly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A person.
    Member,
    /// A person who administers the account.
    Administrator,
    /// A program that uses the bot API.
    Bot,
}

impl Role {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Administrator => "administrator",
            Role::Bot => "bot",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "member" => Some(Role::Member),
            "administrator" => Some(Role::Administrator),
            "bot" => Some(Role::Bot),
            _ => None,
        }
    }
}

/// Whether a user can still take part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserStatus {
    /// Signs in and takes part.
    Active,
    /// Removed by an administrator (A7); messages stay.
    Deactivated,
    /// Removed and their messages deleted; their IPs are refused (A8).
    Banned,
}

impl UserStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Deactivated => "deactivated",
            UserStatus::Banned => "banned",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<UserStatus> {
        match raw {
            "active" => Some(UserStatus::Active),
            "deactivated" => Some(UserStatus::Deactivated),
            "banned" => Some(UserStatus::Banned),
            _ => None,
        }
    }
}

/// A person or a bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's id.
    pub id: UserId,
    /// Display name.
    pub name: PersonName,
    /// Sign-in address; bots have none.
    pub email: Option<EmailAddress>,
    /// Member, administrator or bot.
    pub role: Role,
    /// Active, deactivated or banned.
    pub status: UserStatus,
    /// A short self-description.
    pub bio: Bio,
    /// A bot's secret token (the key is `<id>-<token>`); `None` for people.
    pub bot_token: Option<BotToken>,
    /// The uploaded picture (A10), a square of at most 512 pixels; `None` shows initials.
    pub avatar: Option<crate::BlobKey>,
    /// When the user joined.
    pub created_at: Timestamp,
}

impl User {
    /// Whether the user is active.
    pub fn is_active(&self) -> bool {
        self.status == UserStatus::Active
    }
}

/// A signed-in browser session. Only the hash of its token is ever stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The session's id.
    pub id: SessionId,
    /// Whose session it is.
    pub user: UserId,
    /// SHA-256 (or similar) of the cookie token, hex.
    pub token_hash: String,
    /// The browser's user agent, for the sessions list.
    pub user_agent: String,
    /// The client's IP address as text, for the sessions list and bans.
    pub ip: String,
    /// When the session was created.
    pub created_at: Timestamp,
    /// When it was last used.
    pub last_active_at: Timestamp,
}

/// The three kinds of room (R1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoomKind {
    /// Every active user is a member; new users join automatically.
    Open,
    /// Chosen members.
    Closed,
    /// A fixed set of users; one room per distinct set; never converted.
    Direct,
}

impl RoomKind {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RoomKind::Open => "open",
            RoomKind::Closed => "closed",
            RoomKind::Direct => "direct",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<RoomKind> {
        match raw {
            "open" => Some(RoomKind::Open),
            "closed" => Some(RoomKind::Closed),
            "direct" => Some(RoomKind::Direct),
            _ => None,
        }
    }
}

/// A room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// The room's id.
    pub id: RoomId,
    /// The room's name; direct rooms have none (they are labelled by their members).
    pub name: Option<RoomName>,
    /// What the room is for (X7), shown under its name; shared rooms only.
    pub topic: Option<crate::RoomTopic>,
    /// Open, closed or direct.
    pub kind: RoomKind,
    /// Who created it (creators may administer their rooms).
    pub creator: UserId,
    /// For direct rooms, the exact member set.
    pub direct_key: Option<DirectRoomKey>,
    /// When the room was created.
    pub created_at: Timestamp,
    /// When the last message was posted (direct rooms are ordered by it).
    pub last_active_at: Timestamp,
}

impl Room {
    /// A new open or closed room (R1, R2), before the store gives it an id.
    pub fn new_shared(name: RoomName, kind: RoomKind, creator: UserId, at: Timestamp) -> Room {
        Room {
            id: RoomId(0),
            name: Some(name),
            topic: None,
            kind,
            creator,
            direct_key: None,
            created_at: at,
            last_active_at: at,
        }
    }

    /// First run's room (A1): open, so everyone who joins later is in it too.
    pub fn first(name: RoomName, admin: UserId, at: Timestamp) -> Room {
        Room::new_shared(name, RoomKind::Open, admin, at)
    }

    /// A new direct room between the members of `key` (R5): unnamed.
    pub fn new_direct(key: DirectRoomKey, creator: UserId, at: Timestamp) -> Room {
        Room {
            id: RoomId(0),
            name: None,
            topic: None,
            kind: RoomKind::Direct,
            creator,
            direct_key: Some(key),
            created_at: at,
            last_active_at: at,
        }
    }
}

/// How closely a member follows a room (R3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Involvement {
    /// Push every message.
    Everything,
    /// Push when mentioned (the default for shared rooms).
    Mentions,
    /// No push; the room still goes unread.
    Nothing,
    /// Hidden from the sidebar, never unread, no push.
    Invisible,
}

impl Involvement {
    /// The default for a new membership of a room of this kind.
    pub fn default_for(kind: RoomKind) -> Involvement {
        match kind {
            RoomKind::Direct => Involvement::Everything,
            RoomKind::Open | RoomKind::Closed => Involvement::Mentions,
        }
    }

    /// The next level when the bell is pressed: shared rooms cycle through all four,
    /// direct rooms toggle everything ↔ nothing.
    pub fn next(self, kind: RoomKind) -> Involvement {
        match (kind, self) {
            (RoomKind::Direct, Involvement::Everything) => Involvement::Nothing,
            (RoomKind::Direct, _) => Involvement::Everything,
            (_, Involvement::Mentions) => Involvement::Everything,
            (_, Involvement::Everything) => Involvement::Nothing,
            (_, Involvement::Nothing) => Involvement::Invisible,
            (_, Involvement::Invisible) => Involvement::Mentions,
        }
    }

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Involvement::Everything => "everything",
            Involvement::Mentions => "mentions",
            Involvement::Nothing => "nothing",
            Involvement::Invisible => "invisible",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Involvement> {
        match raw {
            "everything" => Some(Involvement::Everything),
            "mentions" => Some(Involvement::Mentions),
            "nothing" => Some(Involvement::Nothing),
            "invisible" => Some(Involvement::Invisible),
            _ => None,
        }
    }
}

/// A user's membership of a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The room.
    pub room: RoomId,
    /// The member.
    pub user: UserId,
    /// How closely they follow it.
    pub involvement: Involvement,
    /// When the room went unread for them; `None` when read.
    pub unread_since: Option<Timestamp>,
    /// The first message they have not read (X7: where "new since your last visit" starts);
    /// `None` when read, or when it went unread before this was kept.
    pub unread_from: Option<MessageId>,
    /// When they joined.
    pub created_at: Timestamp,
}

impl Membership {
    /// Whether the room shows as unread (bold with a dot).
    pub fn is_unread(&self) -> bool {
        self.unread_since.is_some() && self.involvement != Involvement::Invisible
    }
}

/// A message a person saved for later (X7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bookmark {
    /// The saved message.
    pub message: MessageId,
    /// When it was saved.
    pub created_at: Timestamp,
}

/// How much of a room a member has not read (X7): the messages from others since `unread_from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadCount {
    /// The room.
    pub room: RoomId,
    /// Messages from others since the member's first unread one.
    pub messages: u32,
    /// Those of them that mention the member.
    pub mentions: u32,
    /// The newest message counted: a client adds only messages after it.
    pub through: MessageId,
}

/// A message in a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The message's id.
    pub id: MessageId,
    /// The room it was posted in.
    pub room: RoomId,
    /// Who posted it.
    pub author: UserId,
    /// The id the client gave it, unique per author.
    pub client_message_id: ClientMessageId,
    /// Rich text and plain text.
    pub body: MessageBody,
    /// The users it mentions.
    pub mentions: Vec<UserId>,
    /// When it was posted.
    pub created_at: Timestamp,
    /// When it was last edited, if ever.
    pub edited_at: Option<Timestamp>,
    /// Its file, if it has one (M9): the body is then the caption, or empty HTML with the
    /// file's name as the plain text, as the original keeps it.
    pub attachment: Option<crate::Attachment>,
    /// The card of the page it links to, when it is a lone link (M10).
    pub preview: Option<crate::LinkPreview>,
    /// X7: the room message this one replies to in a thread; `None` for a room message.
    pub thread: Option<MessageId>,
    /// X7: for a room message, the replies in its thread so far.
    pub replies: Replies,
}

impl Message {
    /// The room message whose thread a reply to this one goes in: threads are one level deep,
    /// so a reply to a reply joins the same thread.
    pub fn thread_root(&self) -> MessageId {
        self.thread.unwrap_or(self.id)
    }
}

/// X7: a thread as its first message shows it: how many replies, when the last came, and who
/// replied most recently.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Replies {
    /// How many replies.
    pub count: u32,
    /// When the newest reply was posted.
    pub last_at: Option<Timestamp>,
    /// The most recent repliers, newest first, each once, at most [`Replies::SHOWN`].
    pub latest: Vec<UserId>,
}

impl Replies {
    /// How many recent repliers a thread shows.
    pub const SHOWN: usize = 3;

    /// The thread's state after `author` replies at `at`.
    pub fn with_reply(mut self, author: UserId, at: Timestamp) -> Replies {
        self.count = self.count.saturating_add(1);
        self.last_at = Some(at);
        self.latest.retain(|u| *u != author);
        self.latest.insert(0, author);
        self.latest.truncate(Self::SHOWN);
        self
    }

    /// The thread's state made from its replies, given newest first as (author, posted).
    pub fn of(newest_first: impl IntoIterator<Item = (UserId, Timestamp)>) -> Replies {
        let mut replies = Replies::default();
        for (author, at) in newest_first {
            replies.count = replies.count.saturating_add(1);
            replies.last_at.get_or_insert(at);
            if replies.latest.len() < Self::SHOWN && !replies.latest.contains(&author) {
                replies.latest.push(author);
            }
        }
        replies
    }
}

/// A user mentioned in a message, stored by id (M5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mention {
    /// The message.
    pub message: MessageId,
    /// The mentioned user.
    pub user: UserId,
}

/// A boost on a message (M6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boost {
    /// The boost's id.
    pub id: BoostId,
    /// The boosted message.
    pub message: MessageId,
    /// Who boosted it (only they may remove it).
    pub booster: UserId,
    /// The reaction itself.
    pub content: BoostContent,
    /// When it was added.
    pub created_at: Timestamp,
}

/// A browser's Web Push subscription (N1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSubscription {
    /// The subscription's id.
    pub id: PushSubscriptionId,
    /// Whose browser it is.
    pub user: UserId,
    /// The push service's endpoint URL.
    pub endpoint: String,
    /// The browser's P-256 public key, base64url.
    pub p256dh: String,
    /// The shared auth secret, base64url.
    pub auth: String,
    /// The sign-in it was registered under: signing out there removes it.
    pub session: Option<SessionId>,
    /// When it was registered.
    pub created_at: Timestamp,
}

/// Where a bot wants to hear about messages (B3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// The webhook's id.
    pub id: WebhookId,
    /// The bot.
    pub bot: UserId,
    /// The URL to POST to.
    pub url: String,
}

/// A search a user ran, kept for the recent-searches chips (S2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentSearch {
    /// Who searched.
    pub user: UserId,
    /// What they searched for.
    pub query: String,
    /// When they last ran it.
    pub searched_at: Timestamp,
}

/// A ban: the user and an IP address their sessions used (A8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ban {
    /// The ban's id.
    pub id: BanId,
    /// The banned user.
    pub user: UserId,
    /// An address refused for writes.
    pub ip: String,
    /// When the ban was recorded.
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for role in [Role::Member, Role::Administrator, Role::Bot] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        for status in [
            UserStatus::Active,
            UserStatus::Deactivated,
            UserStatus::Banned,
        ] {
            assert_eq!(UserStatus::parse(status.as_str()), Some(status));
        }
        for kind in [RoomKind::Open, RoomKind::Closed, RoomKind::Direct] {
            assert_eq!(RoomKind::parse(kind.as_str()), Some(kind));
        }
        for level in [
            Involvement::Everything,
            Involvement::Mentions,
            Involvement::Nothing,
            Involvement::Invisible,
        ] {
            assert_eq!(Involvement::parse(level.as_str()), Some(level));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn the_bell_cycles_all_levels_in_shared_rooms_and_toggles_in_direct_rooms() {
        let mut level = Involvement::default_for(RoomKind::Open);
        assert_eq!(level, Involvement::Mentions);
        let mut seen = vec![level];
        for _ in 0..4 {
            level = level.next(RoomKind::Open);
            seen.push(level);
        }
        assert_eq!(
            seen,
            [
                Involvement::Mentions,
                Involvement::Everything,
                Involvement::Nothing,
                Involvement::Invisible,
                Involvement::Mentions
            ]
        );
        let direct = Involvement::default_for(RoomKind::Direct);
        assert_eq!(direct, Involvement::Everything);
        assert_eq!(direct.next(RoomKind::Direct), Involvement::Nothing);
        assert_eq!(
            Involvement::Nothing.next(RoomKind::Direct),
            Involvement::Everything
        );
    }

    #[test]
    fn invisible_memberships_are_never_unread() {
        let mut membership = Membership {
            room: RoomId(1),
            user: UserId(2),
            involvement: Involvement::Nothing,
            unread_since: Some(Timestamp(5)),
            unread_from: Some(MessageId(7)),
            created_at: Timestamp(0),
        };
        assert!(membership.is_unread());
        membership.involvement = Involvement::Invisible;
        assert!(!membership.is_unread());
    }

    #[test]
    fn a_thread_shows_its_latest_repliers_once_each_newest_first() {
        let (ada, bob, cy, dee) = (UserId(1), UserId(2), UserId(3), UserId(4));
        let replies = [ada, bob, ada, cy, dee]
            .into_iter()
            .zip(1..)
            .fold(Replies::default(), |r, (who, t)| {
                r.with_reply(who, Timestamp(t))
            });
        assert_eq!(replies.count, 5);
        assert_eq!(replies.last_at, Some(Timestamp(5)));
        assert_eq!(replies.latest, vec![dee, cy, ada]);
        // Made again from the replies themselves, newest first: the same summary.
        let again = Replies::of([
            (dee, Timestamp(5)),
            (cy, Timestamp(4)),
            (ada, Timestamp(3)),
            (bob, Timestamp(2)),
            (ada, Timestamp(1)),
        ]);
        assert_eq!(again, replies);
        assert_eq!(Replies::of([]), Replies::default());
    }
}
