//! The wire format: every JSON shape the API sends and accepts, in one module.
//!
//! API Boundary: docs/api.md documents these; clients depend on their field names.

// Field names are the documentation: docs/api.md describes each one for clients.
#![allow(missing_docs)]

use campfire_domain::{
    Account, Boost, Membership, Message, PlayDisplay, Room, Session, Sound, User, avatar_colour,
    initials,
};
use serde::{Deserialize, Serialize};

use crate::clock::rfc3339;

/// A person or bot.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UserJson {
    pub id: i64,
    pub name: String,
    pub role: &'static str,
    pub active: bool,
    pub bio: String,
    pub initials: String,
    pub color: &'static str,
    pub avatar_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl UserJson {
    /// `show_email` for the user themselves and administrators only.
    pub fn new(user: &User, show_email: bool) -> Self {
        UserJson {
            id: user.id.0,
            name: user.name.to_string(),
            role: user.role.as_str(),
            active: user.is_active(),
            bio: user.bio.as_str().to_owned(),
            initials: initials(user.name.as_str()),
            color: avatar_colour(user.id),
            avatar_url: None,
            email: if show_email {
                user.email.as_ref().map(ToString::to_string)
            } else {
                None
            },
        }
    }
}

/// The account's public settings.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AccountJson {
    pub name: String,
    pub custom_css: String,
    pub only_admins_create_rooms: bool,
}

impl From<&Account> for AccountJson {
    fn from(account: &Account) -> Self {
        AccountJson {
            name: account.name.to_string(),
            custom_css: account.custom_css.as_str().to_owned(),
            only_admins_create_rooms: account.only_admins_create_rooms,
        }
    }
}

/// A room as one member sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RoomJson {
    #[serde(flatten)]
    pub info: RoomInfoJson,
    pub involvement: &'static str,
    pub unread: bool,
}

/// A room, without anything personal (event payloads go to every member).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RoomInfoJson {
    pub id: i64,
    pub kind: &'static str,
    pub name: Option<String>,
    pub creator_id: i64,
    pub member_ids: Vec<i64>,
    pub last_active_at: String,
    pub created_at: String,
}

impl RoomInfoJson {
    /// A room with its members.
    pub fn new(room: &Room, members: &[Membership]) -> Self {
        RoomInfoJson {
            id: room.id.0,
            kind: room.kind.as_str(),
            name: room.name.as_ref().map(ToString::to_string),
            creator_id: room.creator.0,
            member_ids: members.iter().map(|m| m.user.0).collect(),
            last_active_at: rfc3339(room.last_active_at),
            created_at: rfc3339(room.created_at),
        }
    }
}

impl RoomJson {
    /// A room with its members, as `mine` (the viewer's membership) sees it.
    pub fn new(room: &Room, members: &[Membership], mine: &Membership) -> Self {
        RoomJson {
            info: RoomInfoJson::new(room, members),
            involvement: mine.involvement.as_str(),
            unread: mine.is_unread(),
        }
    }
}

/// A boost.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BoostJson {
    pub id: i64,
    pub message_id: i64,
    pub booster_id: i64,
    pub content: String,
    pub created_at: String,
}

impl From<&Boost> for BoostJson {
    fn from(boost: &Boost) -> Self {
        BoostJson {
            id: boost.id.0,
            message_id: boost.message.0,
            booster_id: boost.booster.0,
            content: boost.content.to_string(),
            created_at: rfc3339(boost.created_at),
        }
    }
}

/// A `/play` message's sound (M8).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PlayJson {
    pub sound: &'static str,
    pub text: Option<&'static str>,
    pub picture: bool,
}

impl From<Sound> for PlayJson {
    fn from(sound: Sound) -> Self {
        let (text, picture) = match sound.display() {
            PlayDisplay::Text(text) => (Some(text), false),
            PlayDisplay::Picture => (None, true),
        };
        PlayJson {
            sound: sound.name(),
            text,
            picture,
        }
    }
}

/// A message.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MessageJson {
    pub id: i64,
    pub room_id: i64,
    pub author_id: i64,
    pub client_message_id: String,
    pub body_html: String,
    pub body_plain: String,
    pub mentions: Vec<i64>,
    pub play: Option<PlayJson>,
    pub boosts: Vec<BoostJson>,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub url: String,
}

impl MessageJson {
    /// A message with its boosts (any boosts of other messages are ignored).
    pub fn new(message: &Message, boosts: &[Boost]) -> Self {
        MessageJson {
            id: message.id.0,
            room_id: message.room.0,
            author_id: message.author.0,
            client_message_id: message.client_message_id.as_str().to_owned(),
            body_html: message.body.html().to_owned(),
            body_plain: message.body.plain().to_owned(),
            mentions: message.mentions.iter().map(|u| u.0).collect(),
            play: Sound::parse(message.body.plain()).map(PlayJson::from),
            boosts: boosts
                .iter()
                .filter(|b| b.message == message.id)
                .map(BoostJson::from)
                .collect(),
            created_at: rfc3339(message.created_at),
            edited_at: message.edited_at.map(rfc3339),
            url: permalink(message),
        }
    }
}

/// `/rooms/<room>/@<message>`.
pub fn permalink(message: &Message) -> String {
    format!("/rooms/{}/@{}", message.room, message.id)
}

/// A session in the sessions list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SessionJson {
    pub id: i64,
    pub user_agent: String,
    pub ip: String,
    pub created_at: String,
    pub last_active_at: String,
    pub current: bool,
}

impl SessionJson {
    /// `current` marks the session making the request.
    pub fn new(session: &Session, current: bool) -> Self {
        SessionJson {
            id: session.id.0,
            user_agent: session.user_agent.clone(),
            ip: session.ip.clone(),
            created_at: rfc3339(session.created_at),
            last_active_at: rfc3339(session.last_active_at),
            current,
        }
    }
}

/// A message as the bot API shows it (B2, the original's shape).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BotMessageJson {
    pub id: i64,
    pub created_at: String,
    pub body: BotBodyJson,
    pub creator: BotCreatorJson,
    pub room: BotRoomJson,
    pub url: String,
}

/// B2's `body`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BotBodyJson {
    pub plain_text: String,
    pub html: String,
}

/// B2's `creator`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BotCreatorJson {
    pub id: i64,
    pub name: String,
    pub role: &'static str,
    pub avatar_url: Option<String>,
}

/// B2's `room`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BotRoomJson {
    pub id: i64,
}

impl BotMessageJson {
    /// A message and its author; `base` is the server's origin for the absolute `url`.
    pub fn new(message: &Message, author: &User, base: &str) -> Self {
        BotMessageJson {
            id: message.id.0,
            created_at: rfc3339(message.created_at),
            body: BotBodyJson {
                plain_text: message.body.plain().to_owned(),
                html: message.body.html().to_owned(),
            },
            creator: BotCreatorJson {
                id: author.id.0,
                name: author.name.to_string(),
                role: author.role.as_str(),
                avatar_url: None,
            },
            room: BotRoomJson { id: message.room.0 },
            url: format!("{base}{}", permalink(message)),
        }
    }
}

// --- Requests ---

/// First run and join: a new person.
#[derive(Debug, Deserialize)]
pub struct SignUp {
    pub name: String,
    pub email: String,
    pub password: String,
}

/// Sign in.
#[derive(Debug, Deserialize)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

/// Profile changes.
#[derive(Debug, Default, Deserialize)]
pub struct ProfileUpdate {
    pub name: Option<String>,
    pub bio: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub current_password: Option<String>,
}

/// An administrator changes someone's role.
#[derive(Debug, Deserialize)]
pub struct RoleUpdate {
    pub role: String,
}

/// Account settings.
#[derive(Debug, Default, Deserialize)]
pub struct AccountUpdate {
    pub name: Option<String>,
    pub custom_css: Option<String>,
    pub only_admins_create_rooms: Option<bool>,
}

/// A bot being created or changed.
#[derive(Debug, Default, Deserialize)]
pub struct BotUpdate {
    pub name: Option<String>,
    /// `Some(None)` (JSON null) removes the webhook.
    #[serde(default, deserialize_with = "present")]
    pub webhook_url: Option<Option<String>>,
}

/// Distinguishes a field set to `null` from a missing one.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// A transfer link for someone.
#[derive(Debug, Default, Deserialize)]
pub struct TransferRequest {
    pub user_id: Option<i64>,
}

/// A room being created.
#[derive(Debug, Deserialize)]
pub struct NewRoomRequest {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub member_ids: Vec<i64>,
}

/// A direct room with these people (and you).
#[derive(Debug, Deserialize)]
pub struct DirectRoomRequest {
    pub user_ids: Vec<i64>,
}

/// Room changes.
#[derive(Debug, Default, Deserialize)]
pub struct RoomUpdate {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub member_ids: Option<Vec<i64>>,
}

/// A new involvement level.
#[derive(Debug, Deserialize)]
pub struct InvolvementUpdate {
    pub involvement: String,
}

/// A message being posted.
#[derive(Debug, Deserialize)]
pub struct PostMessage {
    pub client_message_id: String,
    pub body_html: String,
}

/// A message being edited.
#[derive(Debug, Deserialize)]
pub struct EditMessage {
    pub body_html: String,
}

/// A boost being added.
#[derive(Debug, Deserialize)]
pub struct NewBoost {
    pub content: String,
}

/// A frame a client sends over the live socket.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Still here.
    Heartbeat,
    /// Looking at a room, or none.
    Focus { room_id: Option<i64> },
    /// Typing in a room.
    Typing { room_id: i64 },
}
