//! `Store` for [`SqliteStore`]: each method is one transaction on the writer, or one query on a
//! reader.

use async_trait::async_trait;
use campfire_domain::{
    Account, Audience, Bookmark, BotToken, DirectRoomKey, EmailAddress, Event, EventKind, EventSeq,
    Involvement, JoinCode, Membership, Message, MessageId, PushSubscription, PushSubscriptionId,
    Replies, Role, Room, RoomId, RoomKind, Session, SessionId, Timestamp, UnreadCount, User,
    UserChange, UserId, Webhook, WebhookId, check_change, roster_change, shared_room_members,
};
use rusqlite::Connection;

use super::SqliteStore;
use super::sql::{
    DIALECT, backend, execute, execute_count, execute_raw, ids, is_foreign_key_violation,
    map_foreign_key, map_unique, query, query_one,
};
use crate::sql::rows::{self, involvement};
use crate::sql::schema::{Account as AccountColumn, Memberships, Rooms, Users};
use crate::sql::{bookmarks, delivery, int, messages, opt_int, people, rooms as room_sql, text};
use crate::{
    Conflict, FirstRun, HotState, MAX_PAGE, NewBot, NewMessage, NewPerson, NewRoom, NewSession,
    Page, Posted, RoomMembers, SetUp, Stats, Store, StoreError,
};

/// Appends an event inside the caller's transaction.
pub(super) fn append(tx: &Connection, kind: EventKind, at: Timestamp) -> Result<(), StoreError> {
    execute(tx, &messages::insert_event(&kind.parts(), at))?;
    Ok(())
}

pub(super) fn add_member(
    tx: &Connection,
    room: RoomId,
    kind: RoomKind,
    user: UserId,
    at: Timestamp,
) -> Result<(), StoreError> {
    let inserted = execute_raw(tx, &room_sql::insert_membership(room.0, kind, user.0, at))
        .map_err(map_foreign_key(Conflict::UnknownUser))?;
    if inserted.rows_affected > 0 {
        append(tx, EventKind::MembershipAdded { room, user }, at)?;
    }
    Ok(())
}

pub(super) fn remove_member(
    tx: &Connection,
    room: RoomId,
    user: UserId,
    at: Timestamp,
) -> Result<(), StoreError> {
    let removed = execute_raw(tx, &room_sql::delete_membership(room.0, user.0)).map_err(backend)?;
    if removed.rows_affected > 0 {
        append(tx, EventKind::MembershipRemoved { room, user }, at)?;
    }
    Ok(())
}

fn active_user_ids(tx: &Connection) -> Result<Vec<UserId>, StoreError> {
    Ok(ids(tx, &people::active_user_ids())?
        .into_iter()
        .map(UserId)
        .collect())
}

fn check_active(tx: &Connection, user: UserId) -> Result<(), StoreError> {
    let row = query_one(tx, &people::is_active(user.0))?;
    row.map(|_| ()).ok_or_else(|| Conflict::UnknownUser.into())
}

/// The members a shared room should have; every chosen user must be active.
fn resolve_members(
    tx: &Connection,
    members: &RoomMembers,
    creator: Option<UserId>,
) -> Result<(RoomKind, Vec<UserId>), StoreError> {
    let chosen = match members {
        RoomMembers::Everyone => None,
        RoomMembers::Only(chosen) => Some(chosen.as_slice()),
    };
    shared_room_members(chosen, creator, &active_user_ids(tx)?)
        .map_err(|_| Conflict::UnknownUser.into())
}

fn insert_user(
    tx: &Connection,
    user: &User,
    password_hash: Option<&str>,
) -> Result<UserId, StoreError> {
    let inserted = execute_raw(tx, &people::insert_user(user, password_hash))
        // The partial unique index on active emails is the race-free check, even against
        // another process writing at the same time.
        .map_err(map_unique(Conflict::EmailTaken))?;
    let id = inserted.last_insert_id;
    let id = UserId(id);
    append(tx, EventKind::UserJoined { user: id }, user.created_at)?;
    for room in campfire_domain::arrival_rooms(&room_kinds(tx)?) {
        add_member(tx, room, RoomKind::Open, id, user.created_at)?;
    }
    Ok(id)
}

/// Every room with its kind.
pub(super) fn room_kinds(tx: &Connection) -> Result<Vec<(RoomId, RoomKind)>, StoreError> {
    query(tx, &room_sql::room_kinds())?
        .iter()
        .map(|row| Ok((RoomId(int(row, 0)?), rows::room_kind(&text(row, 1)?)?)))
        .collect()
}

pub(super) fn email_free(tx: &Connection, email: &EmailAddress) -> Result<(), StoreError> {
    let row = query_one(tx, &people::active_user_by_email(email.as_str()))?;
    match row {
        Some(_) => Err(Conflict::EmailTaken.into()),
        None => Ok(()),
    }
}

fn insert_room(tx: &Connection, room: &Room, members: &[UserId]) -> Result<RoomId, StoreError> {
    let id = RoomId(execute(tx, &room_sql::insert_room(room))?);
    append(tx, EventKind::RoomCreated { room: id }, room.created_at)?;
    for member in members {
        add_member(tx, id, room.kind, *member, room.created_at)?;
    }
    Ok(id)
}

pub(super) fn user_in(conn: &Connection, id: UserId) -> Result<User, StoreError> {
    let row = query_one(conn, &people::user(id.0))?;
    rows::user(&row.ok_or(StoreError::NotFound("user"))?)
}

pub(super) fn room_in(conn: &Connection, id: RoomId) -> Result<Room, StoreError> {
    let row = query_one(conn, &room_sql::room(id.0))?;
    rows::room(&row.ok_or(StoreError::NotFound("room"))?)
}

pub(super) fn account_in(conn: &Connection) -> Result<Option<Account>, StoreError> {
    query_one(conn, &people::account())?
        .as_ref()
        .map(rows::account)
        .transpose()
}

pub(super) fn message_in(conn: &Connection, id: MessageId) -> Result<Message, StoreError> {
    let row = query_one(conn, &messages::message(DIALECT, id.0))?;
    rows::message(&row.ok_or(StoreError::NotFound("message"))?)
}

fn person_row(new: &crate::NewPerson, role: Role, at: Timestamp) -> Result<User, StoreError> {
    Ok(campfire_domain::new_person(
        new.name.clone(),
        new.email.clone(),
        role,
        new.bio.clone(),
        at,
    )?)
}

impl SqliteStore {
    pub(super) fn set_up_in(tx: &Connection, first_run: FirstRun) -> Result<SetUp, StoreError> {
        if account_in(tx)?.is_some() {
            return Err(Conflict::AlreadySetUp.into());
        }
        let at = first_run.at;
        // The account's `CHECK (id = 1)` primary key makes a concurrent second first run fail here.
        execute_raw(
            tx,
            &people::insert_account(
                first_run.account_name.as_str(),
                first_run.join_code.as_str(),
                at,
            ),
        )
        .map_err(map_unique(Conflict::AlreadySetUp))?;
        append(tx, EventKind::AccountUpdated, at)?;
        email_free(tx, &first_run.admin.email)?;
        let admin = insert_user(
            tx,
            &person_row(&first_run.admin, Role::Administrator, at)?,
            Some(&first_run.admin.password_hash),
        )?;
        let room = Room::first(first_run.first_room, admin, at);
        let room = insert_room(tx, &room, &[admin])?;
        Ok(SetUp {
            account: account_in(tx)?.ok_or(StoreError::NotFound("account"))?,
            admin: user_in(tx, admin)?,
            room: room_in(tx, room)?,
        })
    }

    fn convert_in(
        tx: &Connection,
        id: RoomId,
        members: RoomMembers,
        at: Timestamp,
    ) -> Result<Room, StoreError> {
        let room = room_in(tx, id)?;
        if room.kind == RoomKind::Direct {
            return Err(Conflict::WrongRoomKind.into());
        }
        let (kind, wanted) = resolve_members(tx, &members, None)?;
        let current: Vec<UserId> = ids(tx, &room_sql::member_ids(id.0))?
            .into_iter()
            .map(UserId)
            .collect();
        if kind != room.kind {
            execute(
                tx,
                &room_sql::update_room(id.0, Rooms::Kind, kind.as_str().into()),
            )?;
            append(tx, EventKind::RoomConverted { room: id }, at)?;
        }
        let change = roster_change(&current, &wanted);
        for user in change.leave {
            remove_member(tx, id, user, at)?;
        }
        for user in change.join {
            add_member(tx, id, kind, user, at)?;
        }
        room_in(tx, id)
    }

    fn post_in(tx: &Connection, new: NewMessage) -> Result<Posted, StoreError> {
        let retry = query_one(
            tx,
            &messages::message_by_client_id(new.author.0, new.client_message_id.as_str()),
        )?;
        if let Some(row) = retry {
            let message = message_in(tx, MessageId(int(&row, 0)?))?;
            if message.room != new.room || message.thread != new.thread {
                return Err(Conflict::ClientIdUsedElsewhere.into());
            }
            return Ok(Posted {
                message,
                created: false,
            });
        }
        let thread = match new.thread {
            Some(root) => Some((root, thread_in(tx, new.room, root)?)),
            None => None,
        };
        // The message row's foreign keys check that the room and the author exist (rooms can be
        // deleted meanwhile; users never are): no read of either first.
        let inserted = execute_raw(
            tx,
            &messages::insert_message(
                new.room.0,
                new.author.0,
                new.client_message_id.as_str(),
                &new.body,
                new.thread.map(|t| t.0),
                new.at,
            ),
        )
        .map_err(|error| {
            if is_foreign_key_violation(&error) {
                StoreError::NotFound("room")
            } else {
                backend(error)
            }
        })?;
        let id = MessageId(inserted.last_insert_id);
        if let Some(file) = &new.attachment {
            execute(tx, &messages::insert_attachment(id.0, file))?;
        }
        let mentions = insert_mentions(tx, id, &new.mentions)?;
        let audience = Audience {
            author: new.author,
            mentions: &new.mentions,
            looking: &new.looking,
            connected: &new.connected,
        };
        // R4: only members whose room is read now can change.
        let read = query(tx, &room_sql::read_up_members(new.room.0))?
            .iter()
            .map(|row| Ok((UserId(int(row, 0)?), involvement(row, 1)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let unread = audience.newly_unread(read);
        if !unread.is_empty() {
            let users: Vec<i64> = unread.iter().map(|u| u.0).collect();
            execute(tx, &room_sql::mark_unread(new.room.0, &users, id.0, new.at))?;
        }
        execute(tx, &room_sql::touch_room(new.room.0, new.at))?;
        // B3: webhook deliveries are queued with the message, so a crash loses neither.
        for bot in &new.webhooks {
            execute(
                tx,
                &delivery::queue(
                    delivery::Channel::Webhook,
                    &bot.0.to_string(),
                    &id.0.to_string(),
                    &format!("webhook-{}-{}", id.0, bot.0),
                    new.at,
                ),
            )?;
        }
        // N1: pushes too, so a crash after the commit still delivers them.
        super::push::queue_pushes(tx, &audience, new.room, id, new.at)?;
        append(
            tx,
            EventKind::MessageCreated {
                room: new.room,
                message: id,
            },
            new.at,
        )?;
        if let Some((root, replies)) = thread {
            set_replies(
                tx,
                new.room,
                root,
                &replies.with_reply(new.author, new.at),
                new.at,
            )?;
        }
        // What was just written, without reading it back.
        let message = Message {
            id,
            room: new.room,
            author: new.author,
            client_message_id: new.client_message_id,
            body: new.body,
            mentions,
            created_at: new.at,
            edited_at: None,
            attachment: new.attachment,
            preview: None,
            thread: new.thread,
            replies: Replies::default(),
        };
        Ok(Posted {
            message,
            created: true,
        })
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn set_up(&self, first_run: FirstRun) -> Result<SetUp, StoreError> {
        self.write(move |tx| Self::set_up_in(tx, first_run)).await
    }

    async fn account(&self) -> Result<Option<Account>, StoreError> {
        self.read(account_in).await
    }

    async fn rotate_join_code(&self, code: JoinCode, at: Timestamp) -> Result<Account, StoreError> {
        self.write(move |tx| {
            let changed = execute_count(
                tx,
                &people::update_account(AccountColumn::JoinCode, code.as_str().into()),
            )?;
            if changed == 0 {
                return Err(Conflict::NotSetUp.into());
            }
            append(tx, EventKind::AccountUpdated, at)?;
            account_in(tx)?.ok_or(StoreError::from(Conflict::NotSetUp))
        })
        .await
    }

    async fn create_person(&self, person: NewPerson, at: Timestamp) -> Result<User, StoreError> {
        let row = person_row(&person, person.role, at)?;
        self.write(move |tx| {
            email_free(tx, &person.email)?;
            let id = insert_user(tx, &row, Some(&person.password_hash))?;
            user_in(tx, id)
        })
        .await
    }

    async fn create_bot(&self, bot: NewBot, at: Timestamp) -> Result<User, StoreError> {
        self.write(move |tx| {
            let row = campfire_domain::new_bot(bot.name.clone(), bot.token.clone(), at);
            let id = insert_user(tx, &row, None)?;
            if let Some(url) = &bot.webhook_url {
                execute(tx, &delivery::set_webhook(id.0, url.as_str()))?;
            }
            user_in(tx, id)
        })
        .await
    }

    async fn user(&self, id: UserId) -> Result<User, StoreError> {
        self.read(move |c| user_in(c, id)).await
    }

    async fn active_user_by_email(&self, email: &EmailAddress) -> Result<Option<User>, StoreError> {
        let email = email.clone();
        self.read(move |c| {
            query_one(c, &people::active_user_by_email(email.as_str()))?
                .as_ref()
                .map(rows::user)
                .transpose()
        })
        .await
    }

    async fn password_hash(&self, id: UserId) -> Result<Option<String>, StoreError> {
        self.read(move |c| {
            let row = query_one(c, &people::password_hash(id.0))?;
            crate::sql::opt_text(&row.ok_or(StoreError::NotFound("user"))?, 0)
        })
        .await
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        self.read(move |c| query(c, &people::users())?.iter().map(rows::user).collect())
            .await
    }

    async fn set_role(&self, id: UserId, role: Role, at: Timestamp) -> Result<User, StoreError> {
        self.write(move |tx| {
            check_change(&user_in(tx, id)?, UserChange::Role(role))?;
            execute(tx, &people::set_role(id.0, role))?;
            append(tx, EventKind::UserUpdated { user: id }, at)?;
            user_in(tx, id)
        })
        .await
    }

    async fn set_password(
        &self,
        id: UserId,
        password_hash: String,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            check_change(&user_in(tx, id)?, UserChange::Password)?;
            execute(
                tx,
                &people::update_user(id.0, Users::PasswordHash, password_hash.into()),
            )?;
            execute(tx, &people::delete_sessions_of(id.0))?;
            append(tx, EventKind::UserUpdated { user: id }, at)
        })
        .await
    }

    async fn rotate_bot_token(
        &self,
        id: UserId,
        token: BotToken,
        at: Timestamp,
    ) -> Result<User, StoreError> {
        self.write(move |tx| {
            check_change(&user_in(tx, id)?, UserChange::BotToken)?;
            execute(
                tx,
                &people::update_user(id.0, Users::BotToken, token.as_str().into()),
            )?;
            append(tx, EventKind::UserUpdated { user: id }, at)?;
            user_in(tx, id)
        })
        .await
    }

    async fn webhook(&self, bot: UserId) -> Result<Option<Webhook>, StoreError> {
        self.read(move |c| {
            let row = query_one(c, &delivery::webhook(bot.0))?;
            row.map(|r| {
                Ok(Webhook {
                    id: WebhookId(int(&r, 0)?),
                    bot: UserId(int(&r, 1)?),
                    url: text(&r, 2)?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn deactivate_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        self.write(move |tx| Self::deactivate_in(tx, id, at)).await
    }

    async fn create_session(&self, new: NewSession) -> Result<Session, StoreError> {
        self.write(move |tx| {
            check_active(tx, new.user)?;
            let id = execute(
                tx,
                &people::insert_session(
                    new.user.0,
                    new.token_hash.as_str(),
                    new.user_agent.as_str(),
                    new.ip.as_str(),
                    new.at,
                ),
            )?;
            let row = query_one(tx, &people::session(id))?;
            rows::session(&row.ok_or(StoreError::NotFound("session"))?)
        })
        .await
    }

    async fn session_by_token_hash(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        let token_hash = token_hash.to_owned();
        self.read(move |c| {
            query_one(c, &people::session_by_token_hash(&token_hash))?
                .as_ref()
                .map(rows::session)
                .transpose()
        })
        .await
    }

    async fn sessions_of(&self, user: UserId) -> Result<Vec<Session>, StoreError> {
        self.read(move |c| {
            query(c, &people::sessions_of(user.0))?
                .iter()
                .map(rows::session)
                .collect()
        })
        .await
    }

    async fn delete_session(&self, id: SessionId) -> Result<(), StoreError> {
        self.write(move |tx| execute(tx, &people::delete_session(id.0)).map(|_| ()))
            .await
    }

    async fn create_room(&self, new: NewRoom) -> Result<Room, StoreError> {
        self.write(move |tx| {
            check_active(tx, new.creator)?;
            let (kind, members) = resolve_members(tx, &new.members, Some(new.creator))?;
            let room = Room::new_shared(new.name.clone(), kind, new.creator, new.at);
            let id = insert_room(tx, &room, &members)?;
            room_in(tx, id)
        })
        .await
    }

    async fn find_or_create_direct_room(
        &self,
        creator: UserId,
        key: DirectRoomKey,
        at: Timestamp,
    ) -> Result<(Room, bool), StoreError> {
        self.write(move |tx| {
            if let Some(room) = direct_in(tx, &key)? {
                return Ok((room, false));
            }
            for member in key.members() {
                check_active(tx, *member)?;
            }
            let room = Room::new_direct(key.clone(), creator, at);
            let id = insert_room(tx, &room, key.members())?;
            Ok((room_in(tx, id)?, true))
        })
        .await
    }

    async fn direct_room(&self, key: &DirectRoomKey) -> Result<Option<Room>, StoreError> {
        let key = key.clone();
        self.read(move |c| direct_in(c, &key)).await
    }

    async fn room(&self, id: RoomId) -> Result<Room, StoreError> {
        self.read(move |c| room_in(c, id)).await
    }

    async fn rooms(&self) -> Result<Vec<Room>, StoreError> {
        self.read(move |c| {
            query(c, &room_sql::rooms())?
                .iter()
                .map(rows::room)
                .collect()
        })
        .await
    }

    async fn convert_room(
        &self,
        id: RoomId,
        members: RoomMembers,
        at: Timestamp,
    ) -> Result<Room, StoreError> {
        self.write(move |tx| Self::convert_in(tx, id, members, at))
            .await
    }

    async fn membership(
        &self,
        room: RoomId,
        user: UserId,
    ) -> Result<Option<Membership>, StoreError> {
        self.read(move |c| {
            query_one(c, &room_sql::membership(room.0, user.0))?
                .as_ref()
                .map(rows::membership)
                .transpose()
        })
        .await
    }

    async fn members(&self, room: RoomId) -> Result<Vec<Membership>, StoreError> {
        self.read(move |c| {
            query(c, &room_sql::members(room.0))?
                .iter()
                .map(rows::membership)
                .collect()
        })
        .await
    }

    async fn memberships_of(&self, user: UserId) -> Result<Vec<Membership>, StoreError> {
        self.read(move |c| {
            query(c, &room_sql::memberships_of(user.0))?
                .iter()
                .map(rows::membership)
                .collect()
        })
        .await
    }

    async fn mark_read(&self, room: RoomId, user: UserId, at: Timestamp) -> Result<(), StoreError> {
        self.write(move |tx| {
            let row = query_one(tx, &room_sql::unread_since(room.0, user.0))?
                .ok_or(StoreError::NotFound("membership"))?;
            if opt_int(&row, 0)?.is_some() {
                execute(tx, &room_sql::mark_read(room.0, user.0))?;
                append(tx, EventKind::RoomRead { room, user }, at)?;
            }
            Ok(())
        })
        .await
    }

    async fn mark_unread(
        &self,
        room: RoomId,
        user: UserId,
        message: MessageId,
        posted: Timestamp,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let changed = execute_count(
                tx,
                &room_sql::mark_unread_from(room.0, user.0, message.0, posted),
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound("membership"));
            }
            append(
                tx,
                EventKind::RoomMarkedUnread {
                    room,
                    user,
                    message,
                },
                at,
            )?;
            Ok(())
        })
        .await
    }

    async fn add_bookmark(
        &self,
        user: UserId,
        message: MessageId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let added = execute_raw(tx, &bookmarks::insert(user.0, message.0, at))
                .map_err(|error| {
                    if is_foreign_key_violation(&error) {
                        StoreError::NotFound("message")
                    } else {
                        backend(error)
                    }
                })?
                .rows_affected;
            if added > 0 {
                append(tx, EventKind::BookmarkAdded { user, message }, at)?;
            }
            Ok(())
        })
        .await
    }

    async fn remove_bookmark(
        &self,
        user: UserId,
        message: MessageId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            if execute_count(tx, &bookmarks::delete(user.0, message.0))? > 0 {
                append(tx, EventKind::BookmarkRemoved { user, message }, at)?;
            }
            Ok(())
        })
        .await
    }

    async fn mentioning(
        &self,
        user: UserId,
        before: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let before = before.map_or(i64::MAX, |m| m.0);
        let limit = u64::from(limit.clamp(1, MAX_PAGE));
        self.read(move |c| {
            query(c, &messages::mentioning(DIALECT, user.0, before, limit))?
                .iter()
                .map(rows::message)
                .collect()
        })
        .await
    }

    async fn bookmarks(&self, user: UserId) -> Result<Vec<Bookmark>, StoreError> {
        self.read(move |c| {
            query(c, &bookmarks::of_user(user.0))?
                .iter()
                .map(rows::bookmark)
                .collect()
        })
        .await
    }

    async fn unread_counts(&self, user: UserId) -> Result<Vec<UnreadCount>, StoreError> {
        self.read(move |c| {
            query(c, &room_sql::unread_counts(user.0))?
                .iter()
                .map(rows::unread_count)
                .collect()
        })
        .await
    }

    async fn post_message(&self, message: NewMessage) -> Result<Posted, StoreError> {
        self.write(move |tx| Self::post_in(tx, message)).await
    }

    async fn message(&self, id: MessageId) -> Result<Message, StoreError> {
        self.read(move |c| message_in(c, id)).await
    }

    async fn replies(
        &self,
        root: MessageId,
        after: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let limit = u64::from(limit.min(MAX_PAGE));
        let after = after.map_or(0, |a| a.0);
        self.read(move |c| {
            query(c, &messages::replies(DIALECT, root.0, after, limit))?
                .iter()
                .map(rows::message)
                .collect()
        })
        .await
    }

    async fn messages(
        &self,
        room: RoomId,
        page: Page,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        self.read(move |c| {
            room_in(c, room)?;
            let limit = u64::from(limit.clamp(1, MAX_PAGE));
            let read = |statement: sea_query::SelectStatement| -> Result<Vec<Message>, StoreError> {
                query(c, &statement)?.iter().map(rows::message).collect()
            };
            let mut page = match page {
                Page::Latest => read(messages::page_before(DIALECT, room.0, i64::MAX, limit))?,
                Page::Before(id) => read(messages::page_before(DIALECT, room.0, id.0, limit))?,
                Page::After(id) => read(messages::page_from(DIALECT, room.0, id.0, false, limit))?,
                Page::Around(id) => {
                    // Half the page before the message, the rest from it on.
                    let before = limit / 2;
                    let mut page = read(messages::page_before(DIALECT, room.0, id.0, before))?;
                    page.extend(read(messages::page_from(
                        DIALECT,
                        room.0,
                        id.0,
                        true,
                        limit - before,
                    ))?);
                    page
                }
            };
            page.sort_by_key(|m| m.id);
            Ok(page)
        })
        .await
    }

    async fn update_account(
        &self,
        changes: crate::AccountChanges,
        at: Timestamp,
    ) -> Result<Account, StoreError> {
        self.write(move |tx| Self::update_account_in(tx, changes, at))
            .await
    }

    async fn update_profile(
        &self,
        id: UserId,
        changes: crate::ProfileChanges,
        at: Timestamp,
    ) -> Result<User, StoreError> {
        self.write(move |tx| Self::update_profile_in(tx, id, changes, at))
            .await
    }

    async fn set_webhook(&self, bot: UserId, url: Option<String>) -> Result<(), StoreError> {
        self.write(move |tx| Self::set_webhook_in(tx, bot, url))
            .await
    }

    async fn ban_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        self.write(move |tx| Self::ban_in(tx, id, at)).await
    }

    async fn unban_user(&self, id: UserId, at: Timestamp) -> Result<(), StoreError> {
        self.write(move |tx| Self::unban_in(tx, id, at)).await
    }

    async fn is_banned_ip(&self, ip: &str) -> Result<bool, StoreError> {
        let ip = ip.to_owned();
        self.read(move |c| Ok(query_one(c, &people::ip_banned(&ip))?.is_some()))
            .await
    }

    async fn touch_session(&self, id: SessionId, at: Timestamp) -> Result<(), StoreError> {
        self.write(move |tx| execute(tx, &people::touch_session(id.0, at)).map(|_| ()))
            .await
    }

    async fn use_token_once(&self, token_id: &str, at: Timestamp) -> Result<bool, StoreError> {
        let token_id = token_id.to_owned();
        self.write(move |tx| execute_count(tx, &people::use_token(&token_id, at)).map(|n| n == 1))
            .await
    }

    async fn prune(
        &self,
        idle_before: Timestamp,
        used_before: Timestamp,
    ) -> Result<(u64, u64), StoreError> {
        self.write(move |tx| {
            let sessions = execute_count(tx, &people::delete_idle_sessions(idle_before))?;
            let tokens = execute_count(tx, &people::delete_used_tokens(used_before))?;
            Ok((sessions, tokens))
        })
        .await
    }

    async fn rename_room(
        &self,
        id: RoomId,
        name: campfire_domain::RoomName,
        at: Timestamp,
    ) -> Result<Room, StoreError> {
        self.write(move |tx| {
            if room_in(tx, id)?.kind == RoomKind::Direct {
                return Err(Conflict::WrongRoomKind.into());
            }
            execute(
                tx,
                &room_sql::update_room(id.0, Rooms::Name, name.as_str().into()),
            )?;
            append(tx, EventKind::RoomRenamed { room: id }, at)?;
            room_in(tx, id)
        })
        .await
    }

    async fn set_topic(
        &self,
        id: RoomId,
        topic: Option<campfire_domain::RoomTopic>,
        at: Timestamp,
    ) -> Result<Room, StoreError> {
        self.write(move |tx| {
            if room_in(tx, id)?.kind == RoomKind::Direct {
                return Err(Conflict::WrongRoomKind.into());
            }
            let topic = topic.map(|t| t.as_str().to_owned());
            execute(tx, &room_sql::update_room(id.0, Rooms::Topic, topic.into()))?;
            append(tx, EventKind::RoomRenamed { room: id }, at)?;
            room_in(tx, id)
        })
        .await
    }

    async fn leave_room(&self, id: RoomId, user: UserId, at: Timestamp) -> Result<(), StoreError> {
        self.write(move |tx| {
            if room_in(tx, id)?.kind != RoomKind::Closed {
                return Err(Conflict::WrongRoomKind.into());
            }
            remove_member(tx, id, user, at)
        })
        .await
    }

    async fn delete_room(&self, id: RoomId, at: Timestamp) -> Result<(), StoreError> {
        self.write(move |tx| {
            room_in(tx, id)?;
            // Members leave first, each with its event, so the log alone says who lost the room.
            let members = ids(tx, &room_sql::member_ids(id.0))?;
            for user in members {
                remove_member(tx, id, UserId(user), at)?;
            }
            // Messages, their mentions and boosts go by ON DELETE CASCADE.
            execute(tx, &room_sql::delete_room(id.0))?;
            append(tx, EventKind::RoomDeleted { room: id }, at)
        })
        .await
    }

    async fn hot_state(&self) -> Result<HotState, StoreError> {
        self.read(move |c| {
            // One read transaction: everything and the head describe the same moment.
            let tx = c.unchecked_transaction().map_err(backend)?;
            let result = (|| {
                let head = query_one(&tx, &messages::head())?;
                Ok(HotState {
                    users: query(&tx, &people::users())?
                        .iter()
                        .map(rows::user)
                        .collect::<Result<_, _>>()?,
                    rooms: query(&tx, &room_sql::rooms())?
                        .iter()
                        .map(rows::room)
                        .collect::<Result<_, _>>()?,
                    memberships: query(&tx, &room_sql::memberships())?
                        .iter()
                        .map(rows::membership)
                        .collect::<Result<_, _>>()?,
                    sessions: query(&tx, &people::sessions())?
                        .iter()
                        .map(rows::session)
                        .collect::<Result<_, _>>()?,
                    head: EventSeq(head.as_ref().map(|r| int(r, 0)).transpose()?.unwrap_or(0)),
                })
            })();
            // Nothing was written: ending the read transaction either way is the same.
            tx.finish().map_err(backend)?;
            result
        })
        .await
    }

    async fn set_involvement(
        &self,
        room: RoomId,
        user: UserId,
        involvement: Involvement,
        at: Timestamp,
    ) -> Result<Membership, StoreError> {
        self.write(move |tx| {
            let changed = execute_count(
                tx,
                &room_sql::update_membership(
                    room.0,
                    user.0,
                    Memberships::Involvement,
                    involvement.as_str().into(),
                ),
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound("membership"));
            }
            append(tx, EventKind::InvolvementChanged { room, user }, at)?;
            let row = query_one(tx, &room_sql::membership(room.0, user.0))?;
            rows::membership(&row.ok_or(StoreError::NotFound("membership"))?)
        })
        .await
    }

    async fn messages_by_ids(&self, ids: &[MessageId]) -> Result<Vec<Message>, StoreError> {
        self.messages_by_ids_in(ids).await
    }

    async fn record_search(
        &self,
        user: UserId,
        query: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.record_search_in(user, query, at).await
    }

    async fn recent_searches(&self, user: UserId) -> Result<Vec<String>, StoreError> {
        self.recent_searches_in(user).await
    }

    async fn clear_recent_searches(&self, user: UserId) -> Result<(), StoreError> {
        self.clear_recent_searches_in(user).await
    }

    async fn message_count(&self, room: RoomId) -> Result<u64, StoreError> {
        self.read(move |c| {
            room_in(c, room)?;
            let row = query_one(c, &messages::message_count(room.0))?;
            Ok(row
                .as_ref()
                .map(|r| int(r, 0))
                .transpose()?
                .map_or(0, |n| u64::try_from(n).unwrap_or(0)))
        })
        .await
    }

    async fn edit_message(
        &self,
        id: MessageId,
        body: campfire_domain::MessageBody,
        mentions: Vec<UserId>,
        at: Timestamp,
    ) -> Result<Message, StoreError> {
        self.write(move |tx| Self::edit_message_in(tx, id, body, mentions, at))
            .await
    }

    async fn delete_message(&self, id: MessageId, at: Timestamp) -> Result<(), StoreError> {
        self.write(move |tx| delete_message_in(tx, id, at)).await
    }

    async fn add_boost(
        &self,
        message: MessageId,
        booster: UserId,
        content: campfire_domain::BoostContent,
        at: Timestamp,
    ) -> Result<campfire_domain::Boost, StoreError> {
        self.write(move |tx| {
            let room = message_in(tx, message)?.room;
            user_in(tx, booster)?;
            let id = execute(
                tx,
                &messages::insert_boost(message.0, booster.0, content.as_str(), at),
            )?;
            let boost = campfire_domain::BoostId(id);
            append(
                tx,
                EventKind::BoostAdded {
                    room,
                    message,
                    boost,
                },
                at,
            )?;
            boost_in(tx, boost)
        })
        .await
    }

    async fn boost(
        &self,
        id: campfire_domain::BoostId,
    ) -> Result<campfire_domain::Boost, StoreError> {
        self.read(move |c| boost_in(c, id)).await
    }

    async fn remove_boost(
        &self,
        id: campfire_domain::BoostId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let boost = boost_in(tx, id)?;
            let room = message_in(tx, boost.message)?.room;
            execute(tx, &messages::delete_boost(id.0))?;
            append(
                tx,
                EventKind::BoostRemoved {
                    room,
                    message: boost.message,
                    boost: id,
                },
                at,
            )
        })
        .await
    }

    async fn set_preview(
        &self,
        message: MessageId,
        preview: Option<campfire_domain::LinkPreview>,
        at: Timestamp,
    ) -> Result<Message, StoreError> {
        self.write(move |tx| {
            let current = message_in(tx, message)?;
            match &preview {
                Some(preview) => execute(tx, &messages::upsert_preview(message.0, preview))?,
                None => execute(tx, &messages::delete_preview(message.0))?,
            };
            append(
                tx,
                EventKind::MessageEdited {
                    room: current.room,
                    message,
                },
                at,
            )?;
            message_in(tx, message)
        })
        .await
    }

    async fn preview_of_url(
        &self,
        url: &str,
    ) -> Result<Option<campfire_domain::LinkPreview>, StoreError> {
        let url = url.to_owned();
        self.read(
            move |c| match query_one(c, &messages::preview_of_url(&url))? {
                Some(row) => rows::preview(&row, 0),
                None => Ok(None),
            },
        )
        .await
    }

    async fn blob_used(&self, key: &campfire_domain::BlobKey) -> Result<bool, StoreError> {
        let key = key.as_str().to_owned();
        self.read(move |c| Ok(query_one(c, &messages::blob_used(&key))?.is_some()))
            .await
    }

    async fn boosts_of(
        &self,
        messages: &[MessageId],
    ) -> Result<Vec<campfire_domain::Boost>, StoreError> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<i64> = messages.iter().map(|m| m.0).collect();
        self.read(move |c| {
            query(c, &messages::boosts_of(&list))?
                .iter()
                .map(rows::boost)
                .collect()
        })
        .await
    }

    async fn save_push_subscription(
        &self,
        subscription: crate::NewPushSubscription,
    ) -> Result<PushSubscription, StoreError> {
        self.save_push_subscription_in(subscription).await
    }

    async fn push_subscription(
        &self,
        id: PushSubscriptionId,
    ) -> Result<Option<PushSubscription>, StoreError> {
        self.push_subscription_in(id).await
    }

    async fn push_subscriptions_of(
        &self,
        user: UserId,
    ) -> Result<Vec<PushSubscription>, StoreError> {
        self.push_subscriptions_of_in(user).await
    }

    async fn remove_push_subscription(&self, id: PushSubscriptionId) -> Result<(), StoreError> {
        self.remove_push_subscription_in(id).await
    }

    async fn remove_all_push_subscriptions(&self) -> Result<u64, StoreError> {
        self.remove_all_push_subscriptions_in().await
    }

    async fn due_deliveries(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<crate::Delivery>, StoreError> {
        self.read(move |c| {
            let rows = query(c, &delivery::due(now, u64::from(limit)))?;
            rows.iter()
                .map(|r| {
                    let number = |i| {
                        text(r, i).and_then(|t| {
                            t.parse::<i64>()
                                .map_err(|e| StoreError::Corrupt(format!("outbox: {e}")))
                        })
                    };
                    let target = match text(r, 6)?.as_str() {
                        "push" => crate::DeliveryTarget::Push(PushSubscriptionId(number(1)?)),
                        _ => crate::DeliveryTarget::Webhook(UserId(number(1)?)),
                    };
                    Ok(crate::Delivery {
                        id: int(r, 0)?,
                        target,
                        message: MessageId(number(2)?),
                        attempts: u32::try_from(int(r, 3)?).unwrap_or(u32::MAX),
                        idempotency_key: text(r, 4)?,
                        created_at: Timestamp(int(r, 5)?),
                    })
                })
                .collect()
        })
        .await
    }

    async fn record_delivery(
        &self,
        id: i64,
        outcome: crate::Outcome,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let statement = match outcome {
            crate::Outcome::Delivered => delivery::delivered(id, at),
            crate::Outcome::Retry { at: next, error } => delivery::retry(id, at, next, error),
            crate::Outcome::Deferred { at: next } => delivery::deferred(id, next),
            crate::Outcome::GaveUp { error } => delivery::gave_up(id, at, error),
        };
        self.write(move |tx| {
            execute_count(tx, &statement).and_then(|n| {
                if n == 0 {
                    Err(StoreError::NotFound("delivery"))
                } else {
                    Ok(())
                }
            })
        })
        .await
    }

    async fn set_circuit(&self, bot: UserId, state: &str) -> Result<(), StoreError> {
        let state = state.to_owned();
        self.write(move |tx| execute(tx, &delivery::set_circuit(bot.0, &state)).map(|_| ()))
            .await
    }

    async fn pending_deliveries(&self) -> Result<u64, StoreError> {
        self.read(move |c| {
            let row =
                query_one(c, &delivery::pending_count())?.ok_or(StoreError::NotFound("outbox"))?;
            Ok(u64::try_from(int(&row, 0)?).unwrap_or(0))
        })
        .await
    }

    async fn delivery_stats(&self, bot: UserId) -> Result<crate::DeliveryStats, StoreError> {
        self.read(move |c| {
            let row = query_one(c, &delivery::webhook_stats(bot.0))?
                .ok_or(StoreError::NotFound("outbox"))?;
            let count = |i| int(&row, i).map(|n| u64::try_from(n).unwrap_or(0));
            Ok(crate::DeliveryStats {
                delivered: count(0)?,
                pending: count(1)?,
                failed: count(2)?,
                last_attempt_at: opt_int(&row, 3)?.map(Timestamp),
                last_error: crate::sql::opt_text(&row, 4)?,
                circuit: crate::sql::opt_text(&row, 5)?.unwrap_or_else(|| "closed".to_owned()),
            })
        })
        .await
    }

    async fn events_after(&self, after: EventSeq, limit: u32) -> Result<Vec<Event>, StoreError> {
        self.read(move |c| {
            query(c, &messages::events_after(after.0, u64::from(limit)))?
                .iter()
                .map(rows::event)
                .collect()
        })
        .await
    }

    async fn last_event_seq(&self) -> Result<EventSeq, StoreError> {
        self.read(move |c| {
            let row = query_one(c, &messages::head())?;
            Ok(EventSeq(
                row.as_ref().map(|r| int(r, 0)).transpose()?.unwrap_or(0),
            ))
        })
        .await
    }

    async fn stats(&self) -> Result<Stats, StoreError> {
        self.read(move |c| {
            let row = query_one(c, &messages::stats())?.ok_or(StoreError::NotFound("stats"))?;
            let count = |i| int(&row, i).map(|n| u64::try_from(n).unwrap_or(0));
            Ok(Stats {
                users: count(0)?,
                rooms: count(1)?,
                messages: count(2)?,
                events: count(3)?,
                last_event: EventSeq(int(&row, 4)?),
                files: count(5)?,
                file_bytes: count(6)?,
            })
        })
        .await
    }
}

/// Stores a message's mentions (deduplicated); an unknown user is a conflict, not a crash.
/// Stores a message's mentions; answers them as stored (in order, once each).
pub(super) fn insert_mentions(
    tx: &Connection,
    message: MessageId,
    users: &[UserId],
) -> Result<Vec<UserId>, StoreError> {
    let mut users = users.to_vec();
    users.sort_unstable();
    users.dedup();
    for user in &users {
        execute_raw(tx, &messages::insert_mention(message.0, user.0))
            .map_err(map_foreign_key(Conflict::UnknownUser))?;
    }
    Ok(users)
}

pub(super) fn boost_in(
    conn: &Connection,
    id: campfire_domain::BoostId,
) -> Result<campfire_domain::Boost, StoreError> {
    let row = query_one(conn, &messages::boost(id.0))?;
    rows::boost(&row.ok_or(StoreError::NotFound("boost"))?)
}

pub(super) fn delete_message_in(
    tx: &Connection,
    id: MessageId,
    at: Timestamp,
) -> Result<(), StoreError> {
    let message = message_in(tx, id)?;
    let room = message.room;
    // A thread's replies go with its first message, each told (X7).
    let replies = query(tx, &messages::thread_replies(id.0))?
        .iter()
        .map(|row| int(row, 0).map(MessageId))
        .collect::<Result<Vec<_>, _>>()?;
    for reply in replies.into_iter().rev() {
        execute(tx, &messages::delete_message(reply.0))?;
        append(
            tx,
            EventKind::MessageDeleted {
                room,
                message: reply,
            },
            at,
        )?;
    }
    // Mentions and boosts go by ON DELETE CASCADE.
    execute(tx, &messages::delete_message(id.0))?;
    append(tx, EventKind::MessageDeleted { room, message: id }, at)?;
    if let Some(root) = message.thread {
        recount_thread(tx, room, root, at)?;
    }
    Ok(())
}

/// The summary of the thread of `root`, which must be a room message of `room` (X7): a reply
/// goes in a thread of its own room, and threads are one level deep.
fn thread_in(tx: &Connection, room: RoomId, root: MessageId) -> Result<Replies, StoreError> {
    let row = query_one(tx, &messages::thread_of(root.0))?.ok_or(StoreError::NotFound("thread"))?;
    if RoomId(int(&row, 0)?) != room || opt_int(&row, 1)?.is_some() {
        return Err(StoreError::NotFound("thread"));
    }
    rows::replies(&row, 2)
}

/// Keeps `replies` as the summary of the thread of `root`, and tells clients the message
/// changed (they show the summary under it; its edit time does not change).
fn set_replies(
    tx: &Connection,
    room: RoomId,
    root: MessageId,
    replies: &Replies,
    at: Timestamp,
) -> Result<(), StoreError> {
    execute(tx, &messages::set_replies(root.0, replies))?;
    append(
        tx,
        EventKind::MessageEdited {
            room,
            message: root,
        },
        at,
    )
}

/// Makes the summary of the thread of `root` again from its replies (one was deleted).
pub(super) fn recount_thread(
    tx: &Connection,
    room: RoomId,
    root: MessageId,
    at: Timestamp,
) -> Result<(), StoreError> {
    let replies = query(tx, &messages::thread_replies(root.0))?
        .iter()
        .map(|row| Ok((UserId(int(row, 1)?), Timestamp(int(row, 2)?))))
        .collect::<Result<Vec<_>, StoreError>>()?;
    set_replies(tx, room, root, &Replies::of(replies), at)
}

/// The direct room of `key`'s two people, if they have one.
fn direct_in(conn: &Connection, key: &DirectRoomKey) -> Result<Option<Room>, StoreError> {
    query_one(conn, &room_sql::direct_room(&key.to_string()))?
        .as_ref()
        .map(rows::room)
        .transpose()
}
