//! What is a person's own, across their devices: their sessions' activity (A4), their push
//! subscriptions (N1) and their recent searches (S2).

use campfire_domain::{
    PushKeys, PushSubscription, PushSubscriptionId, Session, Timestamp, User, UserId,
};

use super::{App, AppError, AppResult};
use crate::{NewPushSubscription, StoreError};

/// A session's last-active time is kept at most this stale, so that reading does not turn into
/// a write per request.
pub const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;

/// R6: a session unused this long has ended (its device was lost, sold or forgotten); signing
/// in again starts a new one.
pub const SESSION_IDLE_LIMIT_MS: i64 = 90 * 24 * 60 * 60 * 1000;

/// R6: how long a used single-use token is remembered; the links they came from expire within
/// hours, after which the record guards nothing.
pub const USED_TOKEN_KEEP_MS: i64 = 24 * 60 * 60 * 1000;

/// The longest search remembered in the recent list, in characters (longer ones are cut).
pub const MAX_RECENT_CHARS: usize = 200;

impl App {
    /// The active user signed in by the session whose token hashes to `token_hash`, with the
    /// session; `None` for an unknown session or a user who is no longer active.
    pub async fn authenticate(&self, token_hash: &str) -> AppResult<Option<(User, Session)>> {
        let Some(session) = self.store.session_by_token_hash(token_hash).await? else {
            return Ok(None);
        };
        let user = self.store.user(session.user).await?;
        if !user.is_active() {
            return Ok(None);
        }
        let at = self.now();
        if at.millis_since(session.last_active_at) > SESSION_IDLE_LIMIT_MS {
            self.store.delete_session(session.id).await?;
            return Ok(None);
        }
        if at.millis_since(session.last_active_at) > TOUCH_EVERY_MS {
            self.store.touch_session(session.id, at).await?;
        }
        Ok(Some((user, session)))
    }

    /// R6: ends sessions idle past [`SESSION_IDLE_LIMIT_MS`] and forgets tokens used more than
    /// [`USED_TOKEN_KEEP_MS`] ago; returns how many of each. Run now and then.
    pub async fn prune(&self) -> AppResult<(u64, u64)> {
        let now = self.now();
        let before = |ms: i64| Timestamp(now.0.saturating_sub(ms));
        Ok(self
            .store
            .prune(before(SESSION_IDLE_LIMIT_MS), before(USED_TOKEN_KEEP_MS))
            .await?)
    }

    /// N1: registers a browser of `session` for pushes to `user`.
    pub async fn subscribe_to_push(
        &self,
        user: UserId,
        session: campfire_domain::SessionId,
        endpoint: String,
        keys: PushKeys,
    ) -> AppResult<PushSubscription> {
        let subscription = self
            .store
            .save_push_subscription(NewPushSubscription {
                user,
                session,
                endpoint,
                keys,
                at: self.now(),
            })
            .await?;
        Ok(subscription)
    }

    /// N1: forgets one of `user`'s browsers; someone else's subscription is not found.
    pub async fn unsubscribe_from_push(
        &self,
        user: UserId,
        id: PushSubscriptionId,
    ) -> AppResult<()> {
        match self.store.push_subscription(id).await? {
            Some(subscription) if subscription.user == user => {
                self.store.remove_push_subscription(id).await?;
                Ok(())
            }
            _ => Err(AppError::Store(StoreError::NotFound("push subscription"))),
        }
    }

    /// S2: `user`'s recent searches, newest first.
    pub async fn recent_searches(&self, user: UserId) -> AppResult<Vec<String>> {
        Ok(self.store.recent_searches(user).await?)
    }

    /// S2: remembers a search `user` ran (its first [`MAX_RECENT_CHARS`] characters); answers
    /// their recent searches with it first.
    pub async fn remember_search(&self, user: UserId, query: &str) -> AppResult<Vec<String>> {
        let query: String = query.chars().take(MAX_RECENT_CHARS).collect();
        self.store.record_search(user, &query, self.now()).await?;
        self.recent_searches(user).await
    }

    /// S2: forgets `user`'s recent searches.
    pub async fn forget_searches(&self, user: UserId) -> AppResult<()> {
        Ok(self.store.clear_recent_searches(user).await?)
    }
}
