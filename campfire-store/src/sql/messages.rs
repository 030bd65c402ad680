//! Messages, mentions, boosts, and the event log.

use campfire_domain::{Attachment, EventParts, LinkPreview, MessageBody, Replies, Timestamp};
use sea_query::{
    Asterisk, DeleteStatement, Expr, ExprTrait, Func, InsertStatement, IntoTableRef, JoinType,
    Order, Query, SelectStatement, UnionType, UpdateStatement,
};

use super::schema::{
    Account, Attachments, Boosts, Events, Memberships, Mentions, Messages, Previews, Rooms, Users,
};
use super::{Dialect, scalar};

/// Messages with their mentioned users' ids joined by commas and their file (M9), in the order
/// `rows::message` reads them.
pub(crate) fn messages(dialect: Dialect) -> SelectStatement {
    let user = Expr::col((Mentions::Table, Mentions::UserId));
    let joined = match dialect {
        Dialect::Sqlite => Func::cust("group_concat").arg(user),
        Dialect::Postgres => Func::cust("string_agg").args([user.cast_as("text"), ",".into()]),
    };
    let mentions = Query::select()
        .expr(joined)
        .from(Mentions::Table)
        .and_where(
            Expr::col((Mentions::Table, Mentions::MessageId))
                .equals((Messages::Table, Messages::Id)),
        )
        .take();
    Query::select()
        .columns([
            (Messages::Table, Messages::Id),
            (Messages::Table, Messages::RoomId),
            (Messages::Table, Messages::AuthorId),
            (Messages::Table, Messages::ClientMessageId),
            (Messages::Table, Messages::BodyHtml),
            (Messages::Table, Messages::BodyPlain),
            (Messages::Table, Messages::CreatedAt),
            (Messages::Table, Messages::EditedAt),
        ])
        .expr(scalar(mentions))
        .columns([
            (Attachments::Table, Attachments::Blob),
            (Attachments::Table, Attachments::Name),
            (Attachments::Table, Attachments::ContentType),
            (Attachments::Table, Attachments::ByteSize),
            (Attachments::Table, Attachments::Width),
            (Attachments::Table, Attachments::Height),
            (Attachments::Table, Attachments::Thumbnail),
        ])
        .columns([
            (Previews::Table, Previews::Url),
            (Previews::Table, Previews::Title),
            (Previews::Table, Previews::Description),
            (Previews::Table, Previews::Site),
            (Previews::Table, Previews::Image),
        ])
        .columns([
            (Messages::Table, Messages::ThreadId),
            (Messages::Table, Messages::ReplyCount),
            (Messages::Table, Messages::LastReplyAt),
            (Messages::Table, Messages::Repliers),
        ])
        .from(Messages::Table)
        .join(
            JoinType::LeftJoin,
            Attachments::Table,
            Expr::col((Attachments::Table, Attachments::MessageId))
                .equals((Messages::Table, Messages::Id)),
        )
        .join(
            JoinType::LeftJoin,
            Previews::Table,
            Expr::col((Previews::Table, Previews::MessageId))
                .equals((Messages::Table, Messages::Id)),
        )
        .take()
}

pub(crate) fn message(dialect: Dialect, id: i64) -> SelectStatement {
    messages(dialect)
        .and_where(Expr::col((Messages::Table, Messages::Id)).eq(id))
        .take()
}

/// Messages by id, in id order.
pub(crate) fn messages_by_ids(dialect: Dialect, ids: &[i64]) -> SelectStatement {
    messages(dialect)
        .and_where(Expr::col((Messages::Table, Messages::Id)).is_in(ids.iter().copied()))
        .order_by((Messages::Table, Messages::Id), Order::Asc)
        .take()
}

/// X7's mentions inbox: up to `limit` messages older than `before` that mention `user`, in rooms
/// they are a member of, newest first (`mentions_user` finds them; the rooms come from
/// `memberships_user`).
pub(crate) fn mentioning(dialect: Dialect, user: i64, before: i64, limit: u64) -> SelectStatement {
    messages(dialect)
        .and_where(
            Expr::col((Messages::Table, Messages::Id)).in_subquery(
                Query::select()
                    .column(Mentions::MessageId)
                    .from(Mentions::Table)
                    .and_where(Expr::col(Mentions::UserId).eq(user))
                    .take(),
            ),
        )
        .and_where(
            Expr::col((Messages::Table, Messages::RoomId)).in_subquery(
                Query::select()
                    .column(Memberships::RoomId)
                    .from(Memberships::Table)
                    .and_where(Expr::col(Memberships::UserId).eq(user))
                    .take(),
            ),
        )
        .and_where(Expr::col((Messages::Table, Messages::Id)).lt(before))
        .order_by((Messages::Table, Messages::Id), Order::Desc)
        .limit(limit)
        .take()
}

/// The room's own messages: thread replies (X7) are read with their thread.
fn room_messages(dialect: Dialect, room: i64) -> SelectStatement {
    messages(dialect)
        .and_where(Expr::col((Messages::Table, Messages::RoomId)).eq(room))
        .and_where(Expr::col((Messages::Table, Messages::ThreadId)).is_null())
        .take()
}

/// Up to `limit` messages of a room older than `before`, newest first.
pub(crate) fn page_before(dialect: Dialect, room: i64, before: i64, limit: u64) -> SelectStatement {
    room_messages(dialect, room)
        .and_where(Expr::col((Messages::Table, Messages::Id)).lt(before))
        .order_by((Messages::Table, Messages::Id), Order::Desc)
        .limit(limit)
        .take()
}

/// Up to `limit` messages of a room from `from` on (`from` itself included when `inclusive`),
/// oldest first.
pub(crate) fn page_from(
    dialect: Dialect,
    room: i64,
    from: i64,
    inclusive: bool,
    limit: u64,
) -> SelectStatement {
    let id = Expr::col((Messages::Table, Messages::Id));
    room_messages(dialect, room)
        .and_where(if inclusive { id.gte(from) } else { id.gt(from) })
        .order_by((Messages::Table, Messages::Id), Order::Asc)
        .limit(limit)
        .take()
}

/// Up to `limit` replies in the thread of `root` after `after`, oldest first (X7), through
/// `messages_thread`.
pub(crate) fn replies(dialect: Dialect, root: i64, after: i64, limit: u64) -> SelectStatement {
    messages(dialect)
        .and_where(Expr::col((Messages::Table, Messages::ThreadId)).eq(root))
        .and_where(Expr::col((Messages::Table, Messages::Id)).gt(after))
        .order_by((Messages::Table, Messages::Id), Order::Asc)
        .limit(limit)
        .take()
}

/// `(id, author_id, created_at)` of every reply in the thread of `root`, newest first: what its
/// summary is made from again when one goes.
pub(crate) fn thread_replies(root: i64) -> SelectStatement {
    Query::select()
        .columns([Messages::Id, Messages::AuthorId, Messages::CreatedAt])
        .from(Messages::Table)
        .and_where(Expr::col(Messages::ThreadId).eq(root))
        .order_by(Messages::Id, Order::Desc)
        .take()
}

/// `(room_id, thread_id, reply_count, last_reply_at, repliers)` of a message: where a reply to
/// it goes, and its thread's summary so far.
pub(crate) fn thread_of(id: i64) -> SelectStatement {
    Query::select()
        .columns([
            Messages::RoomId,
            Messages::ThreadId,
            Messages::ReplyCount,
            Messages::LastReplyAt,
            Messages::Repliers,
        ])
        .from(Messages::Table)
        .and_where(Expr::col(Messages::Id).eq(id))
        .take()
}

/// Keeps a thread's summary on its first message.
pub(crate) fn set_replies(root: i64, replies: &Replies) -> UpdateStatement {
    let repliers = replies
        .latest
        .iter()
        .map(|u| u.0.to_string())
        .collect::<Vec<_>>()
        .join(",");
    Query::update()
        .table(Messages::Table)
        .values([
            (Messages::ReplyCount, i64::from(replies.count).into()),
            (Messages::LastReplyAt, replies.last_at.map(|t| t.0).into()),
            (
                Messages::Repliers,
                (!repliers.is_empty()).then_some(repliers).into(),
            ),
        ])
        .and_where(Expr::col(Messages::Id).eq(root))
        .take()
}

/// `(id)` of the message an author posted with this client id: a retried post.
pub(crate) fn message_by_client_id(author: i64, client_message_id: &str) -> SelectStatement {
    Query::select()
        .column(Messages::Id)
        .from(Messages::Table)
        .and_where(Expr::col(Messages::AuthorId).eq(author))
        .and_where(Expr::col(Messages::ClientMessageId).eq(client_message_id))
        .take()
}

/// `(id, room_id)` of every message an author wrote.
pub(crate) fn messages_by_author(author: i64) -> SelectStatement {
    Query::select()
        .columns([Messages::Id, Messages::RoomId])
        .from(Messages::Table)
        .and_where(Expr::col(Messages::AuthorId).eq(author))
        .take()
}

/// `(room_id, thread_id)` of each thread an author replied in (X7).
pub(crate) fn threads_replied_by(author: i64) -> SelectStatement {
    Query::select()
        .distinct()
        .columns([Messages::RoomId, Messages::ThreadId])
        .from(Messages::Table)
        .and_where(Expr::col(Messages::AuthorId).eq(author))
        .and_where(Expr::col(Messages::ThreadId).is_not_null())
        .take()
}

/// `(count)` of a room's messages, thread replies included (through `messages_room` alone).
pub(crate) fn message_count(room: i64) -> SelectStatement {
    Query::select()
        .expr(Expr::col(Asterisk).count())
        .from(Messages::Table)
        .and_where(Expr::col(Messages::RoomId).eq(room))
        .take()
}

pub(crate) fn insert_message(
    room: i64,
    author: i64,
    client_message_id: &str,
    body: &MessageBody,
    thread: Option<i64>,
    at: Timestamp,
) -> InsertStatement {
    Query::insert()
        .into_table(Messages::Table)
        .columns([
            Messages::RoomId,
            Messages::AuthorId,
            Messages::ClientMessageId,
            Messages::BodyHtml,
            Messages::BodyPlain,
            Messages::CreatedAt,
            Messages::ThreadId,
        ])
        .values_panic([
            room.into(),
            author.into(),
            client_message_id.into(),
            body.html().into(),
            body.plain().into(),
            at.0.into(),
            thread.into(),
        ])
        .take()
}

/// A message's file (M9).
pub(crate) fn insert_attachment(message: i64, file: &Attachment) -> InsertStatement {
    let (width, height, thumbnail) = match &file.image {
        Some((size, thumbnail)) => (
            Some(i64::from(size.width)),
            Some(i64::from(size.height)),
            Some(thumbnail.as_str()),
        ),
        None => (None, None, None),
    };
    Query::insert()
        .into_table(Attachments::Table)
        .columns([
            Attachments::MessageId,
            Attachments::Blob,
            Attachments::Name,
            Attachments::ContentType,
            Attachments::ByteSize,
            Attachments::Width,
            Attachments::Height,
            Attachments::Thumbnail,
        ])
        .values_panic([
            message.into(),
            file.blob.as_str().into(),
            file.name.as_str().into(),
            file.content_type.as_str().into(),
            i64::try_from(file.byte_size).unwrap_or(i64::MAX).into(),
            width.into(),
            height.into(),
            thumbnail.into(),
        ])
        .take()
}

/// A message's preview card (M10), replacing any it had.
pub(crate) fn upsert_preview(message: i64, preview: &LinkPreview) -> InsertStatement {
    Query::insert()
        .into_table(Previews::Table)
        .columns([
            Previews::MessageId,
            Previews::Url,
            Previews::Title,
            Previews::Description,
            Previews::Site,
            Previews::Image,
        ])
        .values_panic([
            message.into(),
            preview.url.as_str().into(),
            preview.title.as_str().into(),
            preview.description.as_str().into(),
            preview.site.as_str().into(),
            preview.image.as_ref().map(|k| k.as_str().to_owned()).into(),
        ])
        .on_conflict(
            sea_query::OnConflict::column(Previews::MessageId)
                .update_columns([
                    Previews::Url,
                    Previews::Title,
                    Previews::Description,
                    Previews::Site,
                    Previews::Image,
                ])
                .to_owned(),
        )
        .take()
}

pub(crate) fn delete_preview(message: i64) -> DeleteStatement {
    Query::delete()
        .from_table(Previews::Table)
        .and_where(Expr::col(Previews::MessageId).eq(message))
        .take()
}

/// `(url, title, description, site, image)` of the newest card made of this page.
pub(crate) fn preview_of_url(url: &str) -> SelectStatement {
    Query::select()
        .columns([
            Previews::Url,
            Previews::Title,
            Previews::Description,
            Previews::Site,
            Previews::Image,
        ])
        .from(Previews::Table)
        .and_where(Expr::col(Previews::Url).eq(url))
        .order_by(Previews::MessageId, Order::Desc)
        .limit(1)
        .take()
}

/// `(1)` for each use of this blob: a message's file or thumbnail, an avatar, the logo.
pub(crate) fn blob_used(key: &str) -> SelectStatement {
    let mut attachments = {
        Query::select()
            .expr(Expr::val(1))
            .from(Attachments::Table)
            .cond_where(
                Expr::col(Attachments::Blob)
                    .eq(key)
                    .or(Expr::col(Attachments::Thumbnail).eq(key)),
            )
            .take()
    };
    let avatars = Query::select()
        .expr(Expr::val(1))
        .from(Users::Table)
        .and_where(Expr::col(Users::Avatar).eq(key))
        .take();
    let logo = Query::select()
        .expr(Expr::val(1))
        .from(Account::Table)
        .and_where(Expr::col(Account::Logo).eq(key))
        .take();
    let previews = Query::select()
        .expr(Expr::val(1))
        .from(Previews::Table)
        .and_where(Expr::col(Previews::Image).eq(key))
        .take();
    attachments
        .union(UnionType::All, avatars)
        .union(UnionType::All, logo)
        .union(UnionType::All, previews)
        .take()
}

pub(crate) fn edit_message(id: i64, body: &MessageBody, at: Timestamp) -> UpdateStatement {
    Query::update()
        .table(Messages::Table)
        .value(Messages::BodyHtml, body.html())
        .value(Messages::BodyPlain, body.plain())
        .value(Messages::EditedAt, at.0)
        .and_where(Expr::col(Messages::Id).eq(id))
        .take()
}

/// Deletes a message; its mentions and boosts go with it (`ON DELETE CASCADE`).
pub(crate) fn delete_message(id: i64) -> DeleteStatement {
    Query::delete()
        .from_table(Messages::Table)
        .and_where(Expr::col(Messages::Id).eq(id))
        .take()
}

pub(crate) fn insert_mention(message: i64, user: i64) -> InsertStatement {
    Query::insert()
        .into_table(Mentions::Table)
        .columns([Mentions::MessageId, Mentions::UserId])
        .values_panic([message.into(), user.into()])
        .take()
}

pub(crate) fn delete_mentions(message: i64) -> DeleteStatement {
    Query::delete()
        .from_table(Mentions::Table)
        .and_where(Expr::col(Mentions::MessageId).eq(message))
        .take()
}

/// Boosts, in the order `rows::boost` reads them.
pub(crate) fn boosts() -> SelectStatement {
    Query::select()
        .columns([
            Boosts::Id,
            Boosts::MessageId,
            Boosts::BoosterId,
            Boosts::Content,
            Boosts::CreatedAt,
        ])
        .from(Boosts::Table)
        .take()
}

pub(crate) fn boost(id: i64) -> SelectStatement {
    boosts().and_where(Expr::col(Boosts::Id).eq(id)).take()
}

/// The boosts of these messages, oldest first.
pub(crate) fn boosts_of(messages: &[i64]) -> SelectStatement {
    boosts()
        .and_where(Expr::col(Boosts::MessageId).is_in(messages.iter().copied()))
        .order_by(Boosts::Id, Order::Asc)
        .take()
}

pub(crate) fn insert_boost(
    message: i64,
    booster: i64,
    content: &str,
    at: Timestamp,
) -> InsertStatement {
    Query::insert()
        .into_table(Boosts::Table)
        .columns([
            Boosts::MessageId,
            Boosts::BoosterId,
            Boosts::Content,
            Boosts::CreatedAt,
        ])
        .values_panic([message.into(), booster.into(), content.into(), at.0.into()])
        .take()
}

pub(crate) fn delete_boost(id: i64) -> DeleteStatement {
    Query::delete()
        .from_table(Boosts::Table)
        .and_where(Expr::col(Boosts::Id).eq(id))
        .take()
}

/// Appends an event; its sequence number is the row's key.
pub(crate) fn insert_event(parts: &EventParts, at: Timestamp) -> InsertStatement {
    Query::insert()
        .into_table(Events::Table)
        .columns([
            Events::Kind,
            Events::RoomId,
            Events::UserId,
            Events::MessageId,
            Events::BoostId,
            Events::CreatedAt,
        ])
        .values_panic([
            parts.name.into(),
            parts.room.map(|r| r.0).into(),
            parts.user.map(|u| u.0).into(),
            parts.message.map(|m| m.0).into(),
            parts.boost.map(|b| b.0).into(),
            at.0.into(),
        ])
        .take()
}

/// Up to `limit` events after `after`, in order, as `rows::event` reads them.
pub(crate) fn events_after(after: i64, limit: u64) -> SelectStatement {
    Query::select()
        .columns([
            Events::Seq,
            Events::Kind,
            Events::RoomId,
            Events::UserId,
            Events::MessageId,
            Events::BoostId,
            Events::CreatedAt,
        ])
        .from(Events::Table)
        .and_where(Expr::col(Events::Seq).gt(after))
        .order_by(Events::Seq, Order::Asc)
        .limit(limit)
        .take()
}

fn head_expr() -> Expr {
    Func::coalesce([Expr::col(Events::Seq).max(), 0_i64.into()]).into()
}

/// `(seq)` of the newest event, 0 when there is none.
pub(crate) fn head() -> SelectStatement {
    Query::select().expr(head_expr()).from(Events::Table).take()
}

/// `(count)` of the rows of a table, as an expression.
fn count_of(table: impl IntoTableRef) -> Expr {
    scalar(
        Query::select()
            .expr(Expr::col(Asterisk).count())
            .from(table)
            .take(),
    )
}

/// `(users, rooms, messages, events, head, files, file bytes)`.
pub(crate) fn stats() -> SelectStatement {
    let file_bytes = Query::select()
        .expr(Func::coalesce([
            Expr::col(Attachments::ByteSize).sum(),
            0_i64.into(),
        ]))
        .from(Attachments::Table)
        .take();
    Query::select()
        .expr(count_of(Users::Table))
        .expr(count_of(Rooms::Table))
        .expr(count_of(Messages::Table))
        .expr(count_of(Events::Table))
        .expr(scalar(
            Query::select().expr(head_expr()).from(Events::Table).take(),
        ))
        .expr(count_of(Attachments::Table))
        .expr(scalar(file_bytes))
        .take()
}
