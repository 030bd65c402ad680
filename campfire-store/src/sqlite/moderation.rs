//! The SQLite side of account settings, profiles, bans and message edits: the transaction
//! bodies behind the `Store` methods of the same names.

use campfire_domain::{
    Account, Departure, EventKind, Involvement, Message, MessageBody, MessageId, Role, RoomId,
    RoomKind, Timestamp, User, UserId,
};
use rusqlite::Connection;

use super::sql::{execute_raw, statement};
use super::write::{account_in, append, execute_count, ids, insert_mentions, message_in, user_in};
use super::{SqliteStore, execute, int, map_unique, query, text};
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

    pub(super) fn deactivate_in(
        tx: &Connection,
        id: UserId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let user = user_in(tx, id)?;
        match campfire_domain::deactivation(&user, &rooms_of(tx, id)?) {
            Some(departure) => persist_departure(tx, &departure, at),
            None => Ok(()),
        }
    }

    pub(super) fn ban_in(tx: &Connection, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        let user = user_in(tx, id)?;
        let ips = query(
            tx,
            "SELECT ip FROM sessions WHERE user_id = ?",
            [id.0.into()],
        )?
        .iter()
        .map(|row| text(row, 0))
        .collect::<Result<Vec<_>, _>>()?;
        let messages = query(
            tx,
            "SELECT id, room_id FROM messages WHERE author_id = ?",
            [id.0.into()],
        )?
        .iter()
        .map(|row| Ok((MessageId(int(row, 0)?), RoomId(int(row, 1)?))))
        .collect::<Result<Vec<_>, StoreError>>()?;
        let departure = campfire_domain::ban(&user, &rooms_of(tx, id)?, &ips, &messages)
            .map_err(|_| Conflict::WrongUserKind)?;
        persist_departure(tx, &departure, at)
    }

    pub(super) fn unban_in(tx: &Connection, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        let user = user_in(tx, id)?;
        let open: Vec<RoomId> = ids(tx, "SELECT id FROM rooms WHERE kind = 'open'", [])?
            .into_iter()
            .map(RoomId)
            .collect();
        let Some(back) = campfire_domain::reinstatement(&user, &open) else {
            return Ok(());
        };
        execute(tx, "DELETE FROM bans WHERE user_id = ?", [id.0.into()])?;
        // Someone else may have taken the email address meanwhile: the partial unique index says so.
        execute_raw(
            tx,
            statement(
                "UPDATE users SET status = 'active' WHERE id = ?",
                [id.0.into()],
            ),
        )
        .map_err(map_unique(Conflict::EmailTaken))?;
        let involvement = Involvement::default_for(RoomKind::Open);
        for room in &back.joins {
            execute(
                tx,
                "INSERT OR IGNORE INTO memberships (room_id, user_id, involvement, created_at) VALUES (?, ?, ?, ?)",
                [
                    room.0.into(),
                    id.0.into(),
                    involvement.as_str().into(),
                    at.0.into(),
                ],
            )?;
        }
        for event in back.events {
            append(tx, event, at)?;
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

/// The rooms `user` is in, with their kinds: what a departure decides which to leave from.
fn rooms_of(tx: &Connection, user: UserId) -> Result<Vec<(RoomId, RoomKind)>, StoreError> {
    query(
        tx,
        "SELECT m.room_id, r.kind FROM memberships m JOIN rooms r ON r.id = m.room_id WHERE m.user_id = ?",
        [user.0.into()],
    )?
    .iter()
    .map(|row| {
        let kind = text(row, 1)?;
        let kind = RoomKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("rooms.kind: unknown value {kind:?}")))?;
        Ok((RoomId(int(row, 0)?), kind))
    })
    .collect()
}

/// Writes what [`campfire_domain::deactivation`] or [`campfire_domain::ban`] decided.
fn persist_departure(tx: &Connection, d: &Departure, at: Timestamp) -> Result<(), StoreError> {
    let user = d.user.0;
    for ip in &d.banned_ips {
        execute(
            tx,
            "INSERT INTO bans (user_id, ip, created_at) VALUES (?, ?, ?)",
            [user.into(), ip.as_str().into(), at.0.into()],
        )?;
    }
    if d.forget_devices {
        for sql in [
            "DELETE FROM sessions WHERE user_id = ?",
            "DELETE FROM push_subscriptions WHERE user_id = ?",
            "DELETE FROM recent_searches WHERE user_id = ?",
        ] {
            execute(tx, sql, [user.into()])?;
        }
    }
    for room in &d.leaves {
        execute(
            tx,
            "DELETE FROM memberships WHERE room_id = ? AND user_id = ?",
            [room.0.into(), user.into()],
        )?;
    }
    // Mentions and boosts go with their message (ON DELETE CASCADE).
    for message in &d.deletes {
        execute(tx, "DELETE FROM messages WHERE id = ?", [message.0.into()])?;
    }
    // Leaving the 'active' status takes the email out of the partial unique index: freed.
    execute(
        tx,
        "UPDATE users SET status = ? WHERE id = ?",
        [d.status.as_str().into(), user.into()],
    )?;
    for event in &d.events {
        append(tx, *event, at)?;
    }
    Ok(())
}
