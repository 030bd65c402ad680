//! Rooms and memberships.

use campfire_domain::{Involvement, Room, RoomKind, Timestamp};
use sea_query::{
    Asterisk, DeleteStatement, Expr, ExprTrait, Func, InsertStatement, JoinType, OnConflict, Order,
    Query, SelectStatement, UpdateStatement,
};

use super::schema::{Memberships, Mentions, Messages, Rooms};

/// Rooms, in the order `rows::room` reads them.
pub(crate) fn rooms() -> SelectStatement {
    Query::select()
        .columns([
            Rooms::Id,
            Rooms::Name,
            Rooms::Kind,
            Rooms::CreatorId,
            Rooms::DirectKey,
            Rooms::CreatedAt,
            Rooms::LastActiveAt,
            Rooms::Topic,
        ])
        .from(Rooms::Table)
        .order_by(Rooms::Id, Order::Asc)
        .take()
}

pub(crate) fn room(id: i64) -> SelectStatement {
    rooms().and_where(Expr::col(Rooms::Id).eq(id)).take()
}

/// The direct room with this key (`rooms_direct_key` holds at most one).
pub(crate) fn direct_room(key: &str) -> SelectStatement {
    rooms()
        .and_where(Expr::col(Rooms::DirectKey).eq(key))
        .take()
}

/// Every room's id and kind, in order.
pub(crate) fn room_kinds() -> SelectStatement {
    Query::select()
        .columns([Rooms::Id, Rooms::Kind])
        .from(Rooms::Table)
        .order_by(Rooms::Id, Order::Asc)
        .take()
}

pub(crate) fn insert_room(room: &Room) -> InsertStatement {
    Query::insert()
        .into_table(Rooms::Table)
        .columns([
            Rooms::Name,
            Rooms::Kind,
            Rooms::CreatorId,
            Rooms::DirectKey,
            Rooms::CreatedAt,
            Rooms::LastActiveAt,
        ])
        .values_panic([
            room.name.as_ref().map(|n| n.as_str().to_owned()).into(),
            room.kind.as_str().into(),
            room.creator.0.into(),
            room.direct_key.as_ref().map(ToString::to_string).into(),
            room.created_at.0.into(),
            room.last_active_at.0.into(),
        ])
        .take()
}

/// Sets one column of a room.
pub(crate) fn update_room(id: i64, column: Rooms, value: Expr) -> UpdateStatement {
    Query::update()
        .table(Rooms::Table)
        .value(column, value)
        .and_where(Expr::col(Rooms::Id).eq(id))
        .take()
}

/// Moves the room's last activity to `at`, never back (two posts may commit out of clock order).
pub(crate) fn touch_room(id: i64, at: Timestamp) -> UpdateStatement {
    update_room(
        id,
        Rooms::LastActiveAt,
        Func::greatest([Expr::col(Rooms::LastActiveAt), at.0.into()]).into(),
    )
}

pub(crate) fn delete_room(id: i64) -> DeleteStatement {
    Query::delete()
        .from_table(Rooms::Table)
        .and_where(Expr::col(Rooms::Id).eq(id))
        .take()
}

/// Memberships, in the order `rows::membership` reads them.
pub(crate) fn memberships() -> SelectStatement {
    Query::select()
        .columns([
            Memberships::RoomId,
            Memberships::UserId,
            Memberships::Involvement,
            Memberships::UnreadSince,
            Memberships::CreatedAt,
            Memberships::UnreadFrom,
        ])
        .from(Memberships::Table)
        .take()
}

pub(crate) fn membership(room: i64, user: i64) -> SelectStatement {
    memberships()
        .and_where(Expr::col(Memberships::RoomId).eq(room))
        .and_where(Expr::col(Memberships::UserId).eq(user))
        .take()
}

/// A room's memberships, by user.
pub(crate) fn members(room: i64) -> SelectStatement {
    memberships()
        .and_where(Expr::col(Memberships::RoomId).eq(room))
        .order_by(Memberships::UserId, Order::Asc)
        .take()
}

/// A user's memberships, by room.
pub(crate) fn memberships_of(user: i64) -> SelectStatement {
    memberships()
        .and_where(Expr::col(Memberships::UserId).eq(user))
        .order_by(Memberships::RoomId, Order::Asc)
        .take()
}

/// The ids of a room's members, in order.
pub(crate) fn member_ids(room: i64) -> SelectStatement {
    Query::select()
        .column(Memberships::UserId)
        .from(Memberships::Table)
        .and_where(Expr::col(Memberships::RoomId).eq(room))
        .order_by(Memberships::UserId, Order::Asc)
        .take()
}

/// The rooms a user is in, with their kinds: `(room_id, kind)`.
pub(crate) fn rooms_of(user: i64) -> SelectStatement {
    Query::select()
        .column((Memberships::Table, Memberships::RoomId))
        .column((Rooms::Table, Rooms::Kind))
        .from(Memberships::Table)
        .inner_join(
            Rooms::Table,
            Expr::col((Rooms::Table, Rooms::Id)).equals((Memberships::Table, Memberships::RoomId)),
        )
        .and_where(Expr::col((Memberships::Table, Memberships::UserId)).eq(user))
        .take()
}

/// A membership with the involvement a room of `kind` starts with; changes no row when the user
/// is a member already.
pub(crate) fn insert_membership(
    room: i64,
    kind: RoomKind,
    user: i64,
    at: Timestamp,
) -> InsertStatement {
    Query::insert()
        .into_table(Memberships::Table)
        .columns([
            Memberships::RoomId,
            Memberships::UserId,
            Memberships::Involvement,
            Memberships::CreatedAt,
        ])
        .values_panic([
            room.into(),
            user.into(),
            Involvement::default_for(kind).as_str().into(),
            at.0.into(),
        ])
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .take()
}

pub(crate) fn delete_membership(room: i64, user: i64) -> DeleteStatement {
    Query::delete()
        .from_table(Memberships::Table)
        .and_where(Expr::col(Memberships::RoomId).eq(room))
        .and_where(Expr::col(Memberships::UserId).eq(user))
        .take()
}

/// The members who have read the room up, with their involvement: `(user_id, involvement)`.
/// Only they can become unread (R4), and `memberships_unread` holds them together, so in a busy
/// room (everyone unread already) this reads next to nothing.
pub(crate) fn read_up_members(room: i64) -> SelectStatement {
    Query::select()
        .columns([Memberships::UserId, Memberships::Involvement])
        .from(Memberships::Table)
        .and_where(Expr::col(Memberships::RoomId).eq(room))
        .and_where(Expr::col(Memberships::UnreadSince).is_null())
        .take()
}

/// Marks the room unread for `users` since `message`, posted `at`.
pub(crate) fn mark_unread(
    room: i64,
    users: &[i64],
    message: i64,
    at: Timestamp,
) -> UpdateStatement {
    Query::update()
        .table(Memberships::Table)
        .value(Memberships::UnreadSince, at.0)
        .value(Memberships::UnreadFrom, message)
        .and_where(Expr::col(Memberships::RoomId).eq(room))
        .and_where(Expr::col(Memberships::UserId).is_in(users.iter().copied()))
        .take()
}

/// Marks one membership unread from `message`, posted `at` (X7).
pub(crate) fn mark_unread_from(
    room: i64,
    user: i64,
    message: i64,
    at: Timestamp,
) -> UpdateStatement {
    Query::update()
        .table(Memberships::Table)
        .value(Memberships::UnreadSince, at.0)
        .value(Memberships::UnreadFrom, message)
        .and_where(Expr::col(Memberships::RoomId).eq(room))
        .and_where(Expr::col(Memberships::UserId).eq(user))
        .take()
}

/// Clears one membership's unread state.
pub(crate) fn mark_read(room: i64, user: i64) -> UpdateStatement {
    Query::update()
        .table(Memberships::Table)
        .value(Memberships::UnreadSince, Option::<i64>::None)
        .value(Memberships::UnreadFrom, Option::<i64>::None)
        .and_where(Expr::col(Memberships::RoomId).eq(room))
        .and_where(Expr::col(Memberships::UserId).eq(user))
        .take()
}

/// `(room_id, messages, mentions, newest id)` of `user`'s unread rooms (X7): messages from others
/// from the first unread one on, read through `messages_room` from that id, so a room costs what
/// is unread in it, not its history.
pub(crate) fn unread_counts(user: i64) -> SelectStatement {
    Query::select()
        .column((Messages::Table, Messages::RoomId))
        .expr(Expr::col(Asterisk).count())
        .expr(Expr::col((Mentions::Table, Mentions::UserId)).count())
        .expr(Expr::col((Messages::Table, Messages::Id)).max())
        .from(Memberships::Table)
        .join(
            JoinType::InnerJoin,
            Messages::Table,
            Expr::col((Messages::Table, Messages::RoomId))
                .equals((Memberships::Table, Memberships::RoomId))
                .and(
                    Expr::col((Messages::Table, Messages::Id))
                        .gte(Expr::col((Memberships::Table, Memberships::UnreadFrom))),
                ),
        )
        .join(
            JoinType::LeftJoin,
            Mentions::Table,
            Expr::col((Mentions::Table, Mentions::MessageId))
                .equals((Messages::Table, Messages::Id))
                .and(Expr::col((Mentions::Table, Mentions::UserId)).eq(user)),
        )
        .and_where(Expr::col((Memberships::Table, Memberships::UserId)).eq(user))
        .and_where(Expr::col((Memberships::Table, Memberships::UnreadFrom)).is_not_null())
        .and_where(Expr::col((Messages::Table, Messages::AuthorId)).ne(user))
        .group_by_col((Messages::Table, Messages::RoomId))
        .order_by((Messages::Table, Messages::RoomId), Order::Asc)
        .take()
}

/// `(unread_since)` of one membership.
pub(crate) fn unread_since(room: i64, user: i64) -> SelectStatement {
    Query::select()
        .column(Memberships::UnreadSince)
        .from(Memberships::Table)
        .and_where(Expr::col(Memberships::RoomId).eq(room))
        .and_where(Expr::col(Memberships::UserId).eq(user))
        .take()
}

/// Sets one column of a membership.
pub(crate) fn update_membership(
    room: i64,
    user: i64,
    column: Memberships,
    value: Expr,
) -> UpdateStatement {
    Query::update()
        .table(Memberships::Table)
        .value(column, value)
        .and_where(Expr::col(Memberships::RoomId).eq(room))
        .and_where(Expr::col(Memberships::UserId).eq(user))
        .take()
}
