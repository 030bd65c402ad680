//! What leaves the server: the outbox of webhook and push deliveries, the bots' webhooks, and
//! push subscriptions.

use campfire_domain::Timestamp;
use sea_query::{
    Asterisk, CaseStatement, DeleteStatement, Expr, ExprTrait, Func, InsertStatement, OnConflict,
    Order, Query, SelectStatement, UpdateStatement,
};

use super::schema::{Memberships, Outbox, PushSubscriptions, Webhooks};
use super::{scalar, word};

/// What an outbox row delivers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    Webhook,
    Push,
}

impl Channel {
    fn word(self) -> Expr {
        match self {
            Channel::Webhook => word("webhook"),
            Channel::Push => word("push"),
        }
    }
}

/// A pending delivery of `payload` to `target`, due now. The idempotency key is unique: the
/// same delivery is never queued twice.
pub(crate) fn queue(
    channel: Channel,
    target: &str,
    payload: &str,
    idempotency_key: &str,
    at: Timestamp,
) -> InsertStatement {
    Query::insert()
        .into_table(Outbox::Table)
        .columns([
            Outbox::Kind,
            Outbox::Target,
            Outbox::Payload,
            Outbox::IdempotencyKey,
            Outbox::Status,
            Outbox::Attempts,
            Outbox::NextAttemptAt,
            Outbox::CreatedAt,
        ])
        .values_panic([
            channel.word(),
            target.into(),
            payload.into(),
            idempotency_key.into(),
            word("pending"),
            0_i64.into(),
            at.0.into(),
            at.0.into(),
        ])
        .take()
}

/// How many deliveries are pending, due or not: `(count)`.
pub(crate) fn pending_count() -> SelectStatement {
    Query::select()
        .expr(Expr::col(Asterisk).count())
        .from(Outbox::Table)
        .and_where(Expr::col(Outbox::Status).eq(word("pending")))
        .take()
}

/// Pending deliveries due at `now`, earliest first:
/// `(id, target, payload, attempts, idempotency_key, created_at, kind)`.
pub(crate) fn due(now: Timestamp, limit: u64) -> SelectStatement {
    Query::select()
        .columns([
            Outbox::Id,
            Outbox::Target,
            Outbox::Payload,
            Outbox::Attempts,
            Outbox::IdempotencyKey,
            Outbox::CreatedAt,
            Outbox::Kind,
        ])
        .from(Outbox::Table)
        .and_where(Expr::col(Outbox::Status).eq(word("pending")))
        .and_where(Expr::col(Outbox::NextAttemptAt).lte(now.0))
        .order_by(Outbox::NextAttemptAt, Order::Asc)
        .order_by(Outbox::Id, Order::Asc)
        .limit(limit)
        .take()
}

fn attempted(id: i64, at: Timestamp, error: Option<String>) -> UpdateStatement {
    Query::update()
        .table(Outbox::Table)
        .value(Outbox::Attempts, Expr::col(Outbox::Attempts).add(1_i64))
        .value(Outbox::LastAttemptAt, at.0)
        .value(Outbox::LastError, error)
        .and_where(Expr::col(Outbox::Id).eq(id))
        .take()
}

/// An attempt that delivered.
pub(crate) fn delivered(id: i64, at: Timestamp) -> UpdateStatement {
    attempted(id, at, None)
        .value(Outbox::Status, word("delivered"))
        .value(Outbox::FinishedAt, at.0)
        .take()
}

/// An attempt that failed and will be tried again at `next`.
pub(crate) fn retry(id: i64, at: Timestamp, next: Timestamp, error: String) -> UpdateStatement {
    attempted(id, at, Some(error))
        .value(Outbox::NextAttemptAt, next.0)
        .take()
}

/// The last attempt, failed: the delivery is given up.
pub(crate) fn gave_up(id: i64, at: Timestamp, error: String) -> UpdateStatement {
    attempted(id, at, Some(error))
        .value(Outbox::Status, word("failed"))
        .value(Outbox::FinishedAt, at.0)
        .take()
}

/// Put off to `next` without an attempt (an open circuit).
pub(crate) fn deferred(id: i64, next: Timestamp) -> UpdateStatement {
    Query::update()
        .table(Outbox::Table)
        .value(Outbox::NextAttemptAt, next.0)
        .and_where(Expr::col(Outbox::Id).eq(id))
        .take()
}

/// Narrows a select to a bot's webhook deliveries (the outbox names its target as text).
fn webhook_outbox(target: String) -> impl Fn(SelectStatement) -> SelectStatement {
    move |mut select| {
        select
            .from(Outbox::Table)
            .and_where(Expr::col(Outbox::Kind).eq(word("webhook")))
            .and_where(Expr::col(Outbox::Target).eq(target.as_str()))
            .take()
    }
}

/// How a bot's webhook deliveries went:
/// `(delivered, pending, failed, last_attempt_at, last_error, circuit)`.
pub(crate) fn webhook_stats(bot: i64) -> SelectStatement {
    let outbox = webhook_outbox(bot.to_string());
    let count = |status: &'static str| -> Expr {
        Func::coalesce([
            Expr::Case(Box::new(
                CaseStatement::new()
                    .case(Expr::col(Outbox::Status).eq(word(status)), 1_i64)
                    .finally(0_i64),
            ))
            .sum(),
            0_i64.into(),
        ])
        .into()
    };
    // The newest attempt's error: null when it succeeded, so an old failure is not reported
    // after a later delivery went through.
    let last_error = outbox(
        Query::select()
            .column(Outbox::LastError)
            .and_where(Expr::col(Outbox::LastAttemptAt).is_not_null())
            .order_by(Outbox::LastAttemptAt, Order::Desc)
            .order_by(Outbox::Id, Order::Desc)
            .limit(1)
            .take(),
    );
    let circuit = Query::select()
        .column(Webhooks::Circuit)
        .from(Webhooks::Table)
        .and_where(Expr::col(Webhooks::BotId).eq(bot))
        .take();
    outbox(
        Query::select()
            .expr(count("delivered"))
            .expr(count("pending"))
            .expr(count("failed"))
            .expr(Expr::col(Outbox::LastAttemptAt).max())
            .expr(scalar(last_error))
            .expr(scalar(circuit))
            .take(),
    )
}

/// Drops the pending pushes to one subscription, or to every subscription with `None`.
pub(crate) fn drop_pending_pushes(subscription: Option<i64>) -> DeleteStatement {
    Query::delete()
        .from_table(Outbox::Table)
        .and_where(Expr::col(Outbox::Kind).eq(word("push")))
        .and_where(Expr::col(Outbox::Status).eq(word("pending")))
        .and_where_option(subscription.map(|s| Expr::col(Outbox::Target).eq(s.to_string())))
        .take()
}

/// `(id, bot_id, url)` of a bot's webhook.
pub(crate) fn webhook(bot: i64) -> SelectStatement {
    Query::select()
        .columns([Webhooks::Id, Webhooks::BotId, Webhooks::Url])
        .from(Webhooks::Table)
        .and_where(Expr::col(Webhooks::BotId).eq(bot))
        .take()
}

/// Sets a bot's webhook URL, replacing the one it had.
pub(crate) fn set_webhook(bot: i64, url: &str) -> InsertStatement {
    Query::insert()
        .into_table(Webhooks::Table)
        .columns([Webhooks::BotId, Webhooks::Url])
        .values_panic([bot.into(), url.into()])
        .on_conflict(
            OnConflict::column(Webhooks::BotId)
                .update_column(Webhooks::Url)
                .to_owned(),
        )
        .take()
}

pub(crate) fn delete_webhook(bot: i64) -> DeleteStatement {
    Query::delete()
        .from_table(Webhooks::Table)
        .and_where(Expr::col(Webhooks::BotId).eq(bot))
        .take()
}

pub(crate) fn set_circuit(bot: i64, state: &str) -> UpdateStatement {
    Query::update()
        .table(Webhooks::Table)
        .value(Webhooks::Circuit, state)
        .and_where(Expr::col(Webhooks::BotId).eq(bot))
        .take()
}

/// Push subscriptions, in the order `rows::subscription` reads them.
pub(crate) fn subscriptions() -> SelectStatement {
    Query::select()
        .columns([
            PushSubscriptions::Id,
            PushSubscriptions::UserId,
            PushSubscriptions::Endpoint,
            PushSubscriptions::P256dh,
            PushSubscriptions::Auth,
            PushSubscriptions::SessionId,
            PushSubscriptions::CreatedAt,
        ])
        .from(PushSubscriptions::Table)
        .take()
}

pub(crate) fn subscription(id: i64) -> SelectStatement {
    subscriptions()
        .and_where(Expr::col(PushSubscriptions::Id).eq(id))
        .take()
}

pub(crate) fn subscription_by_endpoint(endpoint: &str) -> SelectStatement {
    subscriptions()
        .and_where(Expr::col(PushSubscriptions::Endpoint).eq(endpoint))
        .take()
}

pub(crate) fn subscriptions_of(user: i64) -> SelectStatement {
    subscriptions()
        .and_where(Expr::col(PushSubscriptions::UserId).eq(user))
        .order_by(PushSubscriptions::Id, Order::Asc)
        .take()
}

/// The new subscription of a browser; the endpoint names the browser, so a second registration
/// replaces the first.
pub(crate) fn save_subscription(
    user: i64,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    session: i64,
    at: Timestamp,
) -> InsertStatement {
    Query::insert()
        .into_table(PushSubscriptions::Table)
        .columns([
            PushSubscriptions::UserId,
            PushSubscriptions::Endpoint,
            PushSubscriptions::P256dh,
            PushSubscriptions::Auth,
            PushSubscriptions::SessionId,
            PushSubscriptions::CreatedAt,
        ])
        .values_panic([
            user.into(),
            endpoint.into(),
            p256dh.into(),
            auth.into(),
            session.into(),
            at.0.into(),
        ])
        .on_conflict(
            OnConflict::column(PushSubscriptions::Endpoint)
                .update_columns([
                    PushSubscriptions::UserId,
                    PushSubscriptions::P256dh,
                    PushSubscriptions::Auth,
                    PushSubscriptions::SessionId,
                    PushSubscriptions::CreatedAt,
                ])
                .to_owned(),
        )
        .take()
}

/// Deletes one subscription, or every one with `None`.
pub(crate) fn delete_subscriptions(id: Option<i64>) -> DeleteStatement {
    Query::delete()
        .from_table(PushSubscriptions::Table)
        .and_where_option(id.map(|id| Expr::col(PushSubscriptions::Id).eq(id)))
        .take()
}

pub(crate) fn delete_subscriptions_of(user: i64) -> DeleteStatement {
    Query::delete()
        .from_table(PushSubscriptions::Table)
        .and_where(Expr::col(PushSubscriptions::UserId).eq(user))
        .take()
}

/// The subscriptions of a room's members, with the member and their involvement:
/// `(subscription_id, user_id, involvement)`. Subscriptions come first (a cross join keeps
/// SQLite from reordering): there are a few per person, often none, while a room can have
/// thousands of members to visit.
pub(crate) fn subscribed_members(room: i64) -> SelectStatement {
    Query::select()
        .column((PushSubscriptions::Table, PushSubscriptions::Id))
        .column((Memberships::Table, Memberships::UserId))
        .column((Memberships::Table, Memberships::Involvement))
        .from(PushSubscriptions::Table)
        .cross_join(Memberships::Table)
        .and_where(Expr::col((Memberships::Table, Memberships::RoomId)).eq(room))
        .and_where(
            Expr::col((Memberships::Table, Memberships::UserId))
                .equals((PushSubscriptions::Table, PushSubscriptions::UserId)),
        )
        .order_by(
            (PushSubscriptions::Table, PushSubscriptions::Id),
            Order::Asc,
        )
        .take()
}
