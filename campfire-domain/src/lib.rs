//! Campfire's domain: the entities and values of an organisation's chat, and the rules
//! that govern them, as pure functions.
//!
//! Architecture Invariant: this crate performs no I/O, never reads a clock and never draws
//! random numbers. Times and random bytes are inputs. It depends on no async runtime,
//! database, HTTP or JSON crate (`cargo xtask layering` enforces this).
//!
//! Values are valid by construction: a [`RoomName`], [`EmailAddress`], [`BoostContent`],
//! [`MessageBody`], [`JoinCode`] or [`BotKey`] that exists has passed its constructor's checks.

pub mod action_text;
mod attachment;
mod audience;
mod avatar;
mod codes;
mod departure;
mod direct;
mod entities;
mod error;
mod event;
mod ids;
mod mention;
mod names;
pub mod password;
mod play;
mod policy;
mod preview;
mod push;
mod roster;
pub mod sanitize;
mod time;
mod user_kind;

pub use attachment::{
    Attachment, BlobKey, ContentType, FileKind, FileName, ImageSize, THUMBNAIL_BOX,
};
pub use audience::{Audience, Recipient, marks_unread, should_push, webhook_recipients};
pub use avatar::{AVATAR_COLOURS, Avatar, avatar_colour, initials};
pub use codes::{BotKey, BotToken, JoinCode, TOKEN_ALPHABET};
pub use departure::{BotsAreNotBanned, Departure, Reinstatement, ban, deactivation, reinstatement};
pub use direct::DirectRoomKey;
pub use entities::{
    Account, Ban, Bookmark, Boost, Involvement, Membership, Mention, Message, PushSubscription,
    RecentSearch, Replies, Role, Room, RoomKind, Session, UnreadCount, User, UserStatus, Webhook,
};
pub use error::ValueError;
pub use event::{Event, EventKind, EventParts};
pub use ids::{
    AccountId, BanId, BoostId, EventSeq, MessageId, PushSubscriptionId, RoomId, SessionId, UserId,
    WebhookId,
};
pub use mention::extract_mentions;
pub use names::{
    AccountName, Bio, BoostContent, ClientMessageId, CustomCss, EmailAddress, MessageBody,
    PersonName, RoomName, RoomTopic, webhook_url,
};
pub use play::{PlayDisplay, Sound};
pub use policy::{Action, Actor, Denied, RoomFacts, authorize};
pub use preview::{LinkPreview, lone_url};
pub use push::{PushKeys, VapidKey};
pub use roster::{NotActive, RosterChange, roster_change, shared_room_members};
pub use time::Timestamp;
pub use user_kind::{UserChange, WrongUserKind, arrival_rooms, check_change, new_bot, new_person};
