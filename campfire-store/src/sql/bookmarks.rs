//! Bookmarks: messages people saved for later (X7).

use campfire_domain::Timestamp;
use sea_query::{
    DeleteStatement, Expr, ExprTrait, InsertStatement, OnConflict, Order, Query, SelectStatement,
};

use super::schema::Bookmarks;

/// Saves a message for a person; nothing when it is saved already.
pub(crate) fn insert(user: i64, message: i64, at: Timestamp) -> InsertStatement {
    Query::insert()
        .into_table(Bookmarks::Table)
        .columns([
            Bookmarks::UserId,
            Bookmarks::MessageId,
            Bookmarks::CreatedAt,
        ])
        .values_panic([user.into(), message.into(), at.0.into()])
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .take()
}

pub(crate) fn delete(user: i64, message: i64) -> DeleteStatement {
    Query::delete()
        .from_table(Bookmarks::Table)
        .and_where(Expr::col(Bookmarks::UserId).eq(user))
        .and_where(Expr::col(Bookmarks::MessageId).eq(message))
        .take()
}

/// `(message_id, created_at)` of a person's bookmarks, newest first.
pub(crate) fn of_user(user: i64) -> SelectStatement {
    Query::select()
        .columns([Bookmarks::MessageId, Bookmarks::CreatedAt])
        .from(Bookmarks::Table)
        .and_where(Expr::col(Bookmarks::UserId).eq(user))
        .order_by(Bookmarks::CreatedAt, Order::Desc)
        .order_by(Bookmarks::MessageId, Order::Desc)
        .take()
}
