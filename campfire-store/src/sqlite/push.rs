//! The SQLite side of Web Push (N1): subscriptions, and the pushes a new message queues in the
//! outbox inside its own transaction.

use campfire_domain::{
    Audience, MessageId, PushSubscription, PushSubscriptionId, RoomId, Timestamp, UserId,
};
use rusqlite::Connection;

use super::SqliteStore;
use super::sql::{execute, execute_count, query, query_one};
use crate::sql::delivery::{self, Channel};
use crate::sql::rows::{involvement, subscription};
use crate::sql::{int, people};
use crate::{NewPushSubscription, StoreError};

/// Queues a push for every subscription the push rule picks (N1: [`Audience::push_targets`])
/// among the room's members' subscriptions.
pub(super) fn queue_pushes(
    tx: &Connection,
    audience: &Audience<'_>,
    room: RoomId,
    message: MessageId,
    at: Timestamp,
) -> Result<(), StoreError> {
    let subscribed = query(tx, &delivery::subscribed_members(room.0))?
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
            &delivery::queue(
                Channel::Push,
                &subscription.0.to_string(),
                &message.0.to_string(),
                &format!("push-{}-{}", message.0, subscription.0),
                at,
            ),
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
            let user = query_one(tx, &people::is_active(new.user.0))?;
            if user.is_none() {
                return Err(crate::Conflict::UnknownUser.into());
            }
            let session = query_one(tx, &people::session_of_user(new.session.0, new.user.0))?;
            if session.is_none() {
                return Err(StoreError::NotFound("session"));
            }
            execute(
                tx,
                &delivery::save_subscription(
                    new.user.0,
                    new.endpoint.as_str(),
                    new.keys.p256dh(),
                    new.keys.auth(),
                    new.session.0,
                    new.at,
                ),
            )?;
            let row = query_one(
                tx,
                &delivery::subscription_by_endpoint(new.endpoint.as_str()),
            )?
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
            query_one(c, &delivery::subscription(id.0))?
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
            query(c, &delivery::subscriptions_of(user.0))?
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
            execute(tx, &delivery::drop_pending_pushes(Some(id.0)))?;
            execute(tx, &delivery::delete_subscriptions(Some(id.0)))?;
            Ok(())
        })
        .await
    }

    pub(super) async fn remove_all_push_subscriptions_in(&self) -> Result<u64, StoreError> {
        self.write(move |tx| {
            execute(tx, &delivery::drop_pending_pushes(None))?;
            execute_count(tx, &delivery::delete_subscriptions(None))
        })
        .await
    }
}
