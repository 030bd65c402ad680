//! The SQLite side of account settings, profiles, bans and message edits: the transaction
//! bodies behind the `Store` methods of the same names.

use campfire_domain::{
    Account, EventKind, Message, MessageBody, MessageId, Role, RoomId, Timestamp, User, UserId,
    UserStatus,
};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use super::write::{
    account_in, add_member, append, delete_message_in, execute_count, ids, insert_mentions,
    message_in, user_in,
};
use super::{SqliteStore, execute, map_unique, statement};
use crate::{AccountChanges, Conflict, ProfileChanges, StoreError};

impl SqliteStore {
    pub(super) async fn update_account_in(
        &self,
        tx: &DatabaseTransaction,
        changes: AccountChanges,
        at: Timestamp,
    ) -> Result<Account, StoreError> {
        if account_in(tx).await?.is_none() {
            return Err(Conflict::NotSetUp.into());
        }
        if let Some(name) = &changes.name {
            execute(tx, "UPDATE account SET name = ?", [name.as_str().into()]).await?;
        }
        if let Some(css) = &changes.custom_css {
            execute(
                tx,
                "UPDATE account SET custom_css = ?",
                [css.as_str().into()],
            )
            .await?;
        }
        if let Some(only) = changes.only_admins_create_rooms {
            execute(
                tx,
                "UPDATE account SET only_admins_create_rooms = ?",
                [i64::from(only).into()],
            )
            .await?;
        }
        append(tx, EventKind::AccountUpdated, at).await?;
        account_in(tx).await?.ok_or(Conflict::NotSetUp.into())
    }

    pub(super) async fn update_profile_in(
        &self,
        tx: &DatabaseTransaction,
        id: UserId,
        changes: ProfileChanges,
        at: Timestamp,
    ) -> Result<User, StoreError> {
        let user = user_in(tx, id).await?;
        if let Some(name) = &changes.name {
            execute(
                tx,
                "UPDATE users SET name = ? WHERE id = ?",
                [name.as_str().into(), id.0.into()],
            )
            .await?;
        }
        if let Some(bio) = &changes.bio {
            execute(
                tx,
                "UPDATE users SET bio = ? WHERE id = ?",
                [bio.as_str().into(), id.0.into()],
            )
            .await?;
        }
        if let Some(email) = &changes.email {
            if user.role == Role::Bot {
                return Err(Conflict::WrongUserKind.into());
            }
            tx.execute_raw(statement(
                "UPDATE users SET email = ? WHERE id = ?",
                [email.as_str().into(), id.0.into()],
            ))
            .await
            .map_err(map_unique(Conflict::EmailTaken))?;
        }
        append(tx, EventKind::UserUpdated { user: id }, at).await?;
        user_in(tx, id).await
    }

    pub(super) async fn set_webhook_in(
        &self,
        tx: &DatabaseTransaction,
        bot: UserId,
        url: Option<String>,
    ) -> Result<(), StoreError> {
        if user_in(tx, bot).await?.role != Role::Bot {
            return Err(Conflict::WrongUserKind.into());
        }
        match url {
            Some(url) => {
                execute(
                    tx,
                    "INSERT INTO webhooks (bot_id, url) VALUES (?, ?) ON CONFLICT (bot_id) DO UPDATE SET url = excluded.url",
                    [bot.0.into(), url.into()],
                )
                .await?;
            }
            None => {
                execute(tx, "DELETE FROM webhooks WHERE bot_id = ?", [bot.0.into()]).await?;
            }
        }
        Ok(())
    }

    pub(super) async fn ban_in(
        &self,
        tx: &DatabaseTransaction,
        id: UserId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let user = user_in(tx, id).await?;
        if user.role == Role::Bot {
            return Err(Conflict::WrongUserKind.into());
        }
        // The addresses first: deactivation deletes the sessions that hold them.
        execute(
            tx,
            "INSERT INTO bans (user_id, ip, created_at) SELECT DISTINCT user_id, ip, ? FROM sessions WHERE user_id = ?",
            [at.0.into(), id.0.into()],
        )
        .await?;
        if user.is_active() {
            self.deactivate_in(tx, id, at).await?;
        }
        for message in ids(
            tx,
            "SELECT id FROM messages WHERE author_id = ? ORDER BY id",
            [id.0.into()],
        )
        .await?
        {
            delete_message_in(tx, MessageId(message), at).await?;
        }
        execute(
            tx,
            "UPDATE users SET status = 'banned' WHERE id = ?",
            [id.0.into()],
        )
        .await?;
        Ok(())
    }

    pub(super) async fn unban_in(
        &self,
        tx: &DatabaseTransaction,
        id: UserId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        if user_in(tx, id).await?.status != UserStatus::Banned {
            return Ok(());
        }
        execute(tx, "DELETE FROM bans WHERE user_id = ?", [id.0.into()]).await?;
        tx.execute_raw(statement(
            "UPDATE users SET status = 'active' WHERE id = ?",
            [id.0.into()],
        ))
        .await
        .map_err(map_unique(Conflict::EmailTaken))?;
        append(tx, EventKind::UserUpdated { user: id }, at).await?;
        for room in ids(
            tx,
            "SELECT id FROM rooms WHERE kind = 'open' ORDER BY id",
            [],
        )
        .await?
        {
            add_member(tx, RoomId(room), campfire_domain::RoomKind::Open, id, at).await?;
        }
        Ok(())
    }

    pub(super) async fn edit_message_in(
        &self,
        tx: &DatabaseTransaction,
        id: MessageId,
        body: MessageBody,
        mentions: Vec<UserId>,
        at: Timestamp,
    ) -> Result<Message, StoreError> {
        let room = message_in(tx, id).await?.room;
        execute_count(
            tx,
            "UPDATE messages SET body_html = ?, body_plain = ?, edited_at = ? WHERE id = ?",
            [
                body.html().into(),
                body.plain().into(),
                at.0.into(),
                id.0.into(),
            ],
        )
        .await?;
        execute(
            tx,
            "DELETE FROM mentions WHERE message_id = ?",
            [id.0.into()],
        )
        .await?;
        insert_mentions(tx, id, &mentions).await?;
        append(tx, EventKind::MessageEdited { room, message: id }, at).await?;
        message_in(tx, id).await
    }
}
