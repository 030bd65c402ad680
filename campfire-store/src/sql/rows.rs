//! Reading rows back into domain values, in the column order of the selects in this module's
//! siblings. A row that does not parse is reported as corrupt data,
//! never trusted.

use super::{Row, int, opt_int, opt_text, text};
use crate::StoreError;
use campfire_domain::{
    Account, AccountId, AccountName, Attachment, Bio, BlobKey, Bookmark, BoostId, BotToken,
    ClientMessageId, ContentType, CustomCss, DirectRoomKey, EmailAddress, Event, EventKind,
    EventSeq, FileName, ImageSize, Involvement, JoinCode, LinkPreview, Membership, Message,
    MessageBody, MessageId, PersonName, PushSubscription, PushSubscriptionId, Replies, Role, Room,
    RoomId, RoomKind, RoomName, RoomTopic, Session, SessionId, Timestamp, UnreadCount, User,
    UserId, UserStatus, ValueError,
};

fn corrupt(what: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {error}"))
}

fn value<T>(what: &str, parsed: Result<T, ValueError>) -> Result<T, StoreError> {
    parsed.map_err(|e| corrupt(what, e))
}

fn named<T>(what: &str, raw: &str, parsed: Option<T>) -> Result<T, StoreError> {
    parsed.ok_or_else(|| corrupt(what, format!("unknown value {raw:?}")))
}

pub(crate) fn account(row: &Row) -> Result<Account, StoreError> {
    Ok(Account {
        id: AccountId(int(row, 0)?),
        name: value("account name", AccountName::new(&text(row, 1)?))?,
        join_code: value("join code", JoinCode::parse(&text(row, 2)?))?,
        custom_css: value("custom css", CustomCss::new(&text(row, 3)?))?,
        only_admins_create_rooms: int(row, 4)? != 0,
        created_at: Timestamp(int(row, 5)?),
        logo: opt_text(row, 6)?
            .map(|k| value("logo key", BlobKey::parse(&k)))
            .transpose()?,
    })
}

pub(crate) fn user(row: &Row) -> Result<User, StoreError> {
    let role = text(row, 3)?;
    let status = text(row, 4)?;
    Ok(User {
        id: UserId(int(row, 0)?),
        name: value("user name", PersonName::new(&text(row, 1)?))?,
        email: opt_text(row, 2)?
            .map(|e| value("email", EmailAddress::new(&e)))
            .transpose()?,
        role: named("role", &role, Role::parse(&role))?,
        status: named("status", &status, UserStatus::parse(&status))?,
        bio: value("bio", Bio::new(&text(row, 5)?))?,
        bot_token: opt_text(row, 6)?
            .map(|t| value("bot token", BotToken::parse(&t)))
            .transpose()?,
        created_at: Timestamp(int(row, 7)?),
        avatar: opt_text(row, 8)?
            .map(|k| value("avatar key", BlobKey::parse(&k)))
            .transpose()?,
    })
}

pub(crate) fn session(row: &Row) -> Result<Session, StoreError> {
    Ok(Session {
        id: SessionId(int(row, 0)?),
        user: UserId(int(row, 1)?),
        token_hash: text(row, 2)?,
        user_agent: text(row, 3)?,
        ip: text(row, 4)?,
        created_at: Timestamp(int(row, 5)?),
        last_active_at: Timestamp(int(row, 6)?),
    })
}

/// A stored room kind.
pub(crate) fn room_kind(kind: &str) -> Result<RoomKind, StoreError> {
    named("room kind", kind, RoomKind::parse(kind))
}

pub(crate) fn room(row: &Row) -> Result<Room, StoreError> {
    let kind = text(row, 2)?;
    Ok(Room {
        id: RoomId(int(row, 0)?),
        name: opt_text(row, 1)?
            .map(|n| value("room name", RoomName::new(&n)))
            .transpose()?,
        kind: room_kind(&kind)?,
        creator: UserId(int(row, 3)?),
        direct_key: opt_text(row, 4)?
            .map(|k| value("direct room key", DirectRoomKey::parse(&k)))
            .transpose()?,
        created_at: Timestamp(int(row, 5)?),
        last_active_at: Timestamp(int(row, 6)?),
        topic: opt_text(row, 7)?
            .map(|t| value("room topic", RoomTopic::new(&t)))
            .transpose()?,
    })
}

/// The involvement in column `i`.
pub(crate) fn involvement(row: &Row, i: usize) -> Result<Involvement, StoreError> {
    let raw = text(row, i)?;
    named("involvement", &raw, Involvement::parse(&raw))
}

pub(crate) fn membership(row: &Row) -> Result<Membership, StoreError> {
    Ok(Membership {
        room: RoomId(int(row, 0)?),
        user: UserId(int(row, 1)?),
        involvement: involvement(row, 2)?,
        unread_since: opt_int(row, 3)?.map(Timestamp),
        created_at: Timestamp(int(row, 4)?),
        unread_from: opt_int(row, 5)?.map(MessageId),
    })
}

/// A [`Bookmark`] from `sql::bookmarks::of_user`.
pub(crate) fn bookmark(row: &Row) -> Result<Bookmark, StoreError> {
    Ok(Bookmark {
        message: MessageId(int(row, 0)?),
        created_at: Timestamp(int(row, 1)?),
    })
}

/// An [`UnreadCount`] from `sql::rooms::unread_counts`.
pub(crate) fn unread_count(row: &Row) -> Result<UnreadCount, StoreError> {
    let count = |i| u32::try_from(int(row, i)?).map_err(|e| StoreError::Corrupt(e.to_string()));
    Ok(UnreadCount {
        room: RoomId(int(row, 0)?),
        messages: count(1)?,
        mentions: count(2)?,
        through: MessageId(int(row, 3)?),
    })
}

pub(crate) fn message(row: &Row) -> Result<Message, StoreError> {
    let mentions = opt_text(row, 8)?
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<UserId>().map_err(|e| corrupt("mention", e)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut mentions = mentions;
    mentions.sort_unstable();
    Ok(Message {
        id: MessageId(int(row, 0)?),
        room: RoomId(int(row, 1)?),
        author: UserId(int(row, 2)?),
        client_message_id: value("client message id", ClientMessageId::new(&text(row, 3)?))?,
        body: value(
            "message body",
            MessageBody::new(&text(row, 4)?, &text(row, 5)?),
        )?,
        mentions,
        created_at: Timestamp(int(row, 6)?),
        edited_at: opt_int(row, 7)?.map(Timestamp),
        attachment: attachment(row, 9)?,
        preview: preview(row, 16)?,
        thread: opt_int(row, 21)?.map(MessageId),
        replies: replies(row, 22)?,
    })
}

/// A thread's summary read from column `i` on (`reply_count, last_reply_at, repliers`).
pub(crate) fn replies(row: &Row, i: usize) -> Result<Replies, StoreError> {
    let count = int(row, i)?;
    Ok(Replies {
        count: u32::try_from(count).map_err(|e| corrupt("reply count", e))?,
        last_at: opt_int(row, i + 1)?.map(Timestamp),
        latest: repliers(opt_text(row, i + 2)?.as_deref())?,
    })
}

/// The latest repliers as `messages.repliers` keeps them: ids newest first, joined by commas.
fn repliers(raw: Option<&str>) -> Result<Vec<UserId>, StoreError> {
    raw.unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<UserId>().map_err(|e| corrupt("replier", e)))
        .collect()
}

/// The preview read from column `i` on (`url, title, description, site, image`), all null for
/// a message without one.
pub(crate) fn preview(row: &Row, i: usize) -> Result<Option<LinkPreview>, StoreError> {
    let Some(url) = opt_text(row, i)? else {
        return Ok(None);
    };
    let image = opt_text(row, i + 4)?
        .map(|k| value("preview image", BlobKey::parse(&k)))
        .transpose()?;
    Ok(LinkPreview::new(
        &url,
        &text(row, i + 1)?,
        &text(row, i + 2)?,
        &text(row, i + 3)?,
        image,
    ))
}

/// The file read from column `i` on (`blob, name, content_type, byte_size, width, height,
/// thumbnail`), all null for a message without one.
fn attachment(row: &Row, i: usize) -> Result<Option<Attachment>, StoreError> {
    let Some(blob) = opt_text(row, i)? else {
        return Ok(None);
    };
    let name = text(row, i + 1)?;
    let image = match (
        opt_int(row, i + 4)?,
        opt_int(row, i + 5)?,
        opt_text(row, i + 6)?,
    ) {
        (Some(width), Some(height), Some(thumbnail)) => Some((
            ImageSize {
                width: u32::try_from(width).map_err(|e| corrupt("image width", e))?,
                height: u32::try_from(height).map_err(|e| corrupt("image height", e))?,
            },
            value("thumbnail key", BlobKey::parse(&thumbnail))?,
        )),
        _ => None,
    };
    Ok(Some(Attachment {
        blob: value("blob key", BlobKey::parse(&blob))?,
        // Stored names were cleaned on the way in; cleaning again changes nothing.
        name: FileName::clean(&name),
        content_type: value("content type", ContentType::parse(&text(row, i + 2)?))?,
        byte_size: u64::try_from(int(row, i + 3)?).map_err(|e| corrupt("file size", e))?,
        image,
    }))
}

pub(crate) fn event(row: &Row) -> Result<Event, StoreError> {
    let name = text(row, 1)?;
    let kind = EventKind::from_parts(
        &name,
        opt_int(row, 2)?.map(RoomId),
        opt_int(row, 3)?.map(UserId),
        opt_int(row, 4)?.map(MessageId),
        opt_int(row, 5)?.map(BoostId),
    );
    Ok(Event {
        seq: EventSeq(int(row, 0)?),
        kind: named("event", &name, kind)?,
        at: Timestamp(int(row, 6)?),
    })
}

pub(crate) fn boost(row: &Row) -> Result<campfire_domain::Boost, StoreError> {
    Ok(campfire_domain::Boost {
        id: BoostId(int(row, 0)?),
        message: MessageId(int(row, 1)?),
        booster: UserId(int(row, 2)?),
        content: value("boost", campfire_domain::BoostContent::new(&text(row, 3)?))?,
        created_at: Timestamp(int(row, 4)?),
    })
}

pub(crate) fn subscription(row: &Row) -> Result<PushSubscription, StoreError> {
    Ok(PushSubscription {
        id: PushSubscriptionId(int(row, 0)?),
        user: UserId(int(row, 1)?),
        endpoint: text(row, 2)?,
        p256dh: text(row, 3)?,
        auth: text(row, 4)?,
        session: opt_int(row, 5)?.map(SessionId),
        created_at: Timestamp(int(row, 6)?),
    })
}
