//! The SQLite side of Web Push (N1): subscriptions, and the pushes a new message queues in the
//! outbox inside its own transaction.

use campfire_domain::{
    Audience, MessageId, PushSubscription, PushSubscriptionId, RoomId, SessionId, Timestamp, UserId,
};
use rusqlite::Connection;

use super::sql::execute_count;
use super::{Row, SqliteStore, execute, int, involvement, opt_int, query, query_one, text};
use crate::{NewPushSubscription, StoreError};

const SUBSCRIPTION: &str =
    "SELECT id, user_id, endpoint, p256dh, auth, session_id, created_at FROM push_subscriptions";

fn subscription(row: &Row) -> Result<PushSubscription, StoreError> {
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

/// Queues a push for every subscription the push rule picks (N1: [`Audience::push_targets`])
/// among the room's members' subscriptions.
pub(super) fn queue_pushes(
    tx: &Connection,
    audience: &Audience<'_>,
    room: RoomId,
    message: MessageId,
    at: Timestamp,
) -> Result<(), StoreError> {
    let subscribed = query(
        tx,
        // Subscriptions first (CROSS JOIN fixes the order): there are at most a few per person,
        // often none, while a room can have thousands of members to visit.
        "SELECT s.id, m.user_id, m.involvement FROM push_subscriptions s \
         CROSS JOIN memberships m ON m.room_id = ? AND m.user_id = s.user_id \
         ORDER BY s.id",
        [room.0.into()],
    )?
    .iter()
    .map(|row| {
        Ok((
            PushSubscriptionId(int(row, 0)?),
            UserId(int(row, 1)?),
            involvement(row, 2)?,
        ))
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    for subscription in audience.push_targets(subscribed) {
        execute(
            tx,
            "INSERT INTO outbox (kind, target, payload, idempotency_key, status, attempts, next_attempt_at, created_at) \
             VALUES ('push', ?, ?, ?, 'pending', 0, ?, ?)",
            [
                subscription.0.to_string().into(),
                message.0.to_string().into(),
                format!("push-{}-{}", message.0, subscription.0).into(),
                at.0.into(),
                at.0.into(),
            ],
        )?;
    }
    Ok(())
}

impl SqliteStore {
    pub(super) async fn save_push_subscription_in(
        &self,
        new: NewPushSubscription,
    ) -> Result<PushSubscription, StoreError> {
        self.write(move |tx| {
            let user = query_one(
                tx,
                "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
                [new.user.0.into()],
            )?;
            if user.is_none() {
                return Err(crate::Conflict::UnknownUser.into());
            }
            let session = query_one(
                tx,
                "SELECT 1 FROM sessions WHERE id = ? AND user_id = ?",
                [new.session.0.into(), new.user.0.into()],
            )?;
            if session.is_none() {
                return Err(StoreError::NotFound("session"));
            }
            // The endpoint names the browser: a second registration replaces the first.
            execute(
                tx,
                "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, session_id, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, \
                 auth = excluded.auth, session_id = excluded.session_id, created_at = excluded.created_at",
                [
                    new.user.0.into(),
                    new.endpoint.as_str().into(),
                    new.keys.p256dh().into(),
                    new.keys.auth().into(),
                    new.session.0.into(),
                    new.at.0.into(),
                ],
            )?;
            let sql = format!("{SUBSCRIPTION} WHERE endpoint = ?");
            let row = query_one(tx, &sql, [new.endpoint.as_str().into()])?
                .ok_or(StoreError::NotFound("push subscription"))?;
            subscription(&row)
        })
        .await
    }

    pub(super) async fn push_subscription_in(
        &self,
        id: PushSubscriptionId,
    ) -> Result<Option<PushSubscription>, StoreError> {
        self.read(move |c| {
            let sql = format!("{SUBSCRIPTION} WHERE id = ?");
            query_one(c, &sql, [id.0.into()])?
                .as_ref()
                .map(subscription)
                .transpose()
        })
        .await
    }

    pub(super) async fn push_subscriptions_of_in(
        &self,
        user: UserId,
    ) -> Result<Vec<PushSubscription>, StoreError> {
        self.read(move |c| {
            let sql = format!("{SUBSCRIPTION} WHERE user_id = ? ORDER BY id");
            query(c, &sql, [user.0.into()])?
                .iter()
                .map(subscription)
                .collect()
        })
        .await
    }

    pub(super) async fn remove_push_subscription_in(
        &self,
        id: PushSubscriptionId,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            execute(
                tx,
                "DELETE FROM outbox WHERE kind = 'push' AND target = ? AND status = 'pending'",
                [id.0.to_string().into()],
            )?;
            execute(
                tx,
                "DELETE FROM push_subscriptions WHERE id = ?",
                [id.0.into()],
            )?;
            Ok(())
        })
        .await
    }

    pub(super) async fn remove_all_push_subscriptions_in(&self) -> Result<u64, StoreError> {
        self.write(move |tx| {
            execute(
                tx,
                "DELETE FROM outbox WHERE kind = 'push' AND status = 'pending'",
                [],
            )?;
            execute_count(tx, "DELETE FROM push_subscriptions", [])
        })
        .await
    }
}
