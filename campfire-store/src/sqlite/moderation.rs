//! The SQLite side of account settings, profiles, bans and message edits: the transaction
//! bodies behind the `Store` methods of the same names.

use campfire_domain::{
    Account, EventKind, Message, MessageBody, MessageId, Role, RoomId, Timestamp, User, UserId,
    UserStatus,
};
use rusqlite::Connection;

use super::sql::{execute_raw, statement};
use super::write::{
    account_in, add_member, append, delete_message_in, execute_count, ids, insert_mentions,
    message_in, user_in,
};
use super::{SqliteStore, execute, map_unique};
use crate::{AccountChanges, Conflict, ProfileChanges, StoreError};

impl SqliteStore {
    pub(super) fn update_account_in(
        tx: &Connection,
        changes: AccountChanges,
        at: Timestamp,
    ) -> Result<Account, StoreError> {
        if account_in(tx)?.is_none() {
            return Err(Conflict::NotSetUp.into());
        }
        if let Some(name) = &changes.name {
            execute(tx, "UPDATE account SET name = ?", [name.as_str().into()])?;
        }
        if let Some(css) = &changes.custom_css {
            execute(
                tx,
                "UPDATE account SET custom_css = ?",
                [css.as_str().into()],
            )?;
        }
        if let Some(only) = changes.only_admins_create_rooms {
            execute(
                tx,
                "UPDATE account SET only_admins_create_rooms = ?",
                [i64::from(only).into()],
            )?;
        }
        append(tx, EventKind::AccountUpdated, at)?;
        account_in(tx)?.ok_or(Conflict::NotSetUp.into())
    }

    pub(super) fn update_profile_in(
        tx: &Connection,
        id: UserId,
        changes: ProfileChanges,
        at: Timestamp,
    ) -> Result<User, StoreError> {
        let user = user_in(tx, id)?;
        if let Some(name) = &changes.name {
            execute(
                tx,
                "UPDATE users SET name = ? WHERE id = ?",
                [name.as_str().into(), id.0.into()],
            )?;
        }
        if let Some(bio) = &changes.bio {
            execute(
                tx,
                "UPDATE users SET bio = ? WHERE id = ?",
                [bio.as_str().into(), id.0.into()],
            )?;
        }
        if let Some(email) = &changes.email {
            if user.role == Role::Bot {
                return Err(Conflict::WrongUserKind.into());
            }
            execute_raw(
                tx,
                statement(
                    "UPDATE users SET email = ? WHERE id = ?",
                    [email.as_str().into(), id.0.into()],
                ),
            )
            .map_err(map_unique(Conflict::EmailTaken))?;
        }
        append(tx, EventKind::UserUpdated { user: id }, at)?;
        user_in(tx, id)
    }

    pub(super) fn set_webhook_in(
        tx: &Connection,
        bot: UserId,
        url: Option<String>,
    ) -> Result<(), StoreError> {
        if user_in(tx, bot)?.role != Role::Bot {
            return Err(Conflict::WrongUserKind.into());
        }
        match url {
            Some(url) => {
                execute(
                    tx,
                    "INSERT INTO webhooks (bot_id, url) VALUES (?, ?) ON CONFLICT (bot_id) DO UPDATE SET url = excluded.url",
                    [bot.0.into(), url.into()],
                )?;
            }
            None => {
                execute(tx, "DELETE FROM webhooks WHERE bot_id = ?", [bot.0.into()])?;
            }
        }
        Ok(())
    }

    pub(super) fn ban_in(tx: &Connection, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        let user = user_in(tx, id)?;
        if user.role == Role::Bot {
            return Err(Conflict::WrongUserKind.into());
        }
        // The addresses first: deactivation deletes the sessions that hold them.
        execute(
            tx,
            "INSERT INTO bans (user_id, ip, created_at) SELECT DISTINCT user_id, ip, ? FROM sessions WHERE user_id = ?",
            [at.0.into(), id.0.into()],
        )?;
        if user.is_active() {
            Self::deactivate_in(tx, id, at)?;
        }
        for message in ids(
            tx,
            "SELECT id FROM messages WHERE author_id = ? ORDER BY id",
            [id.0.into()],
        )? {
            delete_message_in(tx, MessageId(message), at)?;
        }
        execute(
            tx,
            "UPDATE users SET status = 'banned' WHERE id = ?",
            [id.0.into()],
        )?;
        Ok(())
    }

    pub(super) fn unban_in(tx: &Connection, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        if user_in(tx, id)?.status != UserStatus::Banned {
            return Ok(());
        }
        execute(tx, "DELETE FROM bans WHERE user_id = ?", [id.0.into()])?;
        execute_raw(
            tx,
            statement(
                "UPDATE users SET status = 'active' WHERE id = ?",
                [id.0.into()],
            ),
        )
        .map_err(map_unique(Conflict::EmailTaken))?;
        append(tx, EventKind::UserUpdated { user: id }, at)?;
        for room in ids(
            tx,
            "SELECT id FROM rooms WHERE kind = 'open' ORDER BY id",
            [],
        )? {
            add_member(tx, RoomId(room), campfire_domain::RoomKind::Open, id, at)?;
        }
        Ok(())
    }

    pub(super) fn edit_message_in(
        tx: &Connection,
        id: MessageId,
        body: MessageBody,
        mentions: Vec<UserId>,
        at: Timestamp,
    ) -> Result<Message, StoreError> {
        let room = message_in(tx, id)?.room;
        execute_count(
            tx,
            "UPDATE messages SET body_html = ?, body_plain = ?, edited_at = ? WHERE id = ?",
            [
                body.html().into(),
                body.plain().into(),
                at.0.into(),
                id.0.into(),
            ],
        )?;
        execute(
            tx,
            "DELETE FROM mentions WHERE message_id = ?",
            [id.0.into()],
        )?;
        insert_mentions(tx, id, &mentions)?;
        append(tx, EventKind::MessageEdited { room, message: id }, at)?;
        message_in(tx, id)
    }
}
