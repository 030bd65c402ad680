//! The SQLite side of account settings, profiles, bans and message edits: the transaction
//! bodies behind the `Store` methods of the same names.

use campfire_domain::{
    Account, Departure, EventKind, Message, MessageBody, MessageId, RoomId, RoomKind, Timestamp,
    User, UserChange, UserId, UserStatus, check_change,
};
use rusqlite::Connection;

use super::SqliteStore;
use super::sql::{execute, execute_raw, map_unique, query, query_one};
use super::write::{account_in, append, insert_mentions, message_in, room_kinds, user_in};
use crate::sql::schema::{Account as AccountColumn, Users};
use crate::sql::{delivery, int, messages, people, rooms, rows, searches, text};
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
            execute(
                tx,
                &people::update_account(AccountColumn::Name, name.as_str().into()),
            )?;
        }
        if let Some(css) = &changes.custom_css {
            execute(
                tx,
                &people::update_account(AccountColumn::CustomCss, css.as_str().into()),
            )?;
        }
        if let Some(only) = changes.only_admins_create_rooms {
            execute(
                tx,
                &people::update_account(
                    AccountColumn::OnlyAdminsCreateRooms,
                    i64::from(only).into(),
                ),
            )?;
        }
        if let Some(logo) = &changes.logo {
            execute(
                tx,
                &people::update_account(
                    AccountColumn::Logo,
                    logo.as_ref().map(|k| k.as_str().to_owned()).into(),
                ),
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
                &people::update_user(id.0, Users::Name, name.as_str().into()),
            )?;
        }
        if let Some(bio) = &changes.bio {
            execute(
                tx,
                &people::update_user(id.0, Users::Bio, bio.as_str().into()),
            )?;
        }
        if let Some(email) = &changes.email {
            check_change(&user, UserChange::Email)?;
            execute_raw(
                tx,
                &people::update_user(id.0, Users::Email, email.as_str().into()),
            )
            .map_err(map_unique(Conflict::EmailTaken))?;
        }
        if let Some(avatar) = &changes.avatar {
            execute(
                tx,
                &people::update_user(
                    id.0,
                    Users::Avatar,
                    avatar.as_ref().map(|k| k.as_str().to_owned()).into(),
                ),
            )?;
        }
        append(tx, EventKind::UserUpdated { user: id }, at)?;
        user_in(tx, id)
    }

    pub(super) fn set_webhook_in(
        tx: &Connection,
        bot: UserId,
        url: Option<String>,
    ) -> Result<(), StoreError> {
        check_change(&user_in(tx, bot)?, UserChange::Webhook)?;
        match url {
            Some(url) => {
                execute(tx, &delivery::set_webhook(bot.0, &url))?;
            }
            None => {
                execute(tx, &delivery::delete_webhook(bot.0))?;
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
        let ips = query(tx, &people::session_ips(id.0))?
            .iter()
            .map(|row| text(row, 0))
            .collect::<Result<Vec<_>, _>>()?;
        let others = query(tx, &people::others_session_ips(id.0))?
            .iter()
            .map(|row| text(row, 0))
            .collect::<Result<Vec<_>, _>>()?;
        let messages = query(tx, &messages::messages_by_author(id.0))?
            .iter()
            .map(|row| Ok((MessageId(int(row, 0)?), RoomId(int(row, 1)?))))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let threads = query(tx, &messages::threads_replied_by(id.0))?
            .iter()
            .map(|row| Ok((RoomId(int(row, 0)?), MessageId(int(row, 1)?))))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let departure = campfire_domain::ban(&user, &rooms_of(tx, id)?, &ips, &others, &messages)?;
        persist_departure(tx, &departure, at)?;
        // The threads they replied in (and whose first message is someone else's, so still
        // there) no longer count their replies.
        for (room, root) in threads {
            if query_one(tx, &messages::thread_of(root.0))?.is_some() {
                super::write::recount_thread(tx, room, root, at)?;
            }
        }
        Ok(())
    }

    pub(super) fn unban_in(tx: &Connection, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        let user = user_in(tx, id)?;
        let open = campfire_domain::arrival_rooms(&room_kinds(tx)?);
        let Some(back) = campfire_domain::reinstatement(&user, &open) else {
            return Ok(());
        };
        execute(tx, &people::delete_bans_of(id.0))?;
        // Someone else may have taken the email address meanwhile: the partial unique index says so.
        execute_raw(tx, &people::set_status(id.0, UserStatus::Active))
            .map_err(map_unique(Conflict::EmailTaken))?;
        for room in &back.joins {
            execute(
                tx,
                &rooms::insert_membership(room.0, RoomKind::Open, id.0, at),
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
        execute(tx, &messages::edit_message(id.0, &body, at))?;
        execute(tx, &messages::delete_mentions(id.0))?;
        insert_mentions(tx, id, &mentions)?;
        append(tx, EventKind::MessageEdited { room, message: id }, at)?;
        message_in(tx, id)
    }
}

/// The rooms `user` is in, with their kinds: what a departure decides which to leave from.
fn rooms_of(tx: &Connection, user: UserId) -> Result<Vec<(RoomId, RoomKind)>, StoreError> {
    query(tx, &rooms::rooms_of(user.0))?
        .iter()
        .map(|row| Ok((RoomId(int(row, 0)?), rows::room_kind(&text(row, 1)?)?)))
        .collect()
}

/// Writes what [`campfire_domain::deactivation`] or [`campfire_domain::ban`] decided.
fn persist_departure(tx: &Connection, d: &Departure, at: Timestamp) -> Result<(), StoreError> {
    let user = d.user.0;
    for ip in &d.banned_ips {
        execute(tx, &people::insert_ban(user, ip, at))?;
    }
    if d.forget_devices {
        execute(tx, &people::delete_sessions_of(user))?;
        execute(tx, &delivery::delete_subscriptions_of(user))?;
        execute(tx, &searches::clear(user))?;
    }
    for room in &d.leaves {
        execute(tx, &rooms::delete_membership(room.0, user))?;
    }
    // Mentions and boosts go with their message (ON DELETE CASCADE).
    for message in &d.deletes {
        execute(tx, &messages::delete_message(message.0))?;
    }
    // Leaving the 'active' status takes the email out of the partial unique index: freed.
    execute(tx, &people::set_status(user, d.status))?;
    for event in &d.events {
        append(tx, *event, at)?;
    }
    Ok(())
}
