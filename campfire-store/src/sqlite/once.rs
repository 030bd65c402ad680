//! ONCE Campfire's storage, read, and a fresh database of ours, written with the original's ids
//! (X6): the storage adapter `campfire-cli import` works through. Facts of the original's schema
//! are in once-campfire.md; columns are selected by name, as databases migrated from older
//! releases order them differently.
//!
//! The source is never changed: its database file (and the `-wal`/`-shm` beside it, which may
//! hold its latest writes) is copied to a private directory and opened there, so SQLite may
//! replay the log without touching the original.
//!
//! The target is a new database file written in large transactions with nothing else open on it;
//! the caller moves it into place only once everything is written, so an import either completes
//! or leaves the data directory as it was.

#![allow(
    missing_docs,
    reason = "the row types' fields are the original's columns, or ours, of the same names"
)]

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use campfire_domain::{Attachment, BlobKey};

use crate::StoreError;

use super::sql::backend;

/// The newest schema this importer knows (db/schema.rb's version of the original).
pub const KNOWN_SCHEMA: &str = "20251212154340";

/// The tables an import reads: a source without one of them is not a ONCE Campfire.
const TABLES: &[&str] = &[
    "accounts",
    "users",
    "rooms",
    "memberships",
    "messages",
    "action_text_rich_texts",
    "boosts",
    "bans",
    "webhooks",
    "searches",
    "schema_migrations",
];

/// Why a source cannot be imported, in words a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// No `db/production.sqlite3` in the folder.
    #[error("{0} has no db/production.sqlite3: point at ONCE Campfire's storage folder")]
    NoDatabase(PathBuf),
    /// A table the import needs is missing.
    #[error("the source has no table {0}: it is not a ONCE Campfire database")]
    MissingTable(&'static str),
    /// A schema newer than this importer knows.
    #[error(
        "the source's schema version {found} is newer than this importer knows ({KNOWN_SCHEMA})"
    )]
    UnknownSchema {
        /// The source's newest migration.
        found: String,
    },
    /// Copying or reading failed.
    #[error("reading the source failed: {0}")]
    Read(String),
}

/// The account.
#[derive(Debug, Clone, Default)]
pub struct OnceAccount {
    pub name: String,
    pub join_code: String,
    pub custom_styles: Option<String>,
    /// The `settings` JSON.
    pub settings: Option<String>,
    pub created_at: String,
}

/// A person or a bot.
#[derive(Debug, Clone)]
pub struct OnceUser {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    /// bcrypt, for people.
    pub password_digest: Option<String>,
    /// 0 member, 1 administrator, 2 bot.
    pub role: i64,
    /// 0 active, 1 deactivated, 2 banned.
    pub status: i64,
    pub bio: Option<String>,
    pub bot_token: Option<String>,
    pub created_at: String,
}

/// A room (`type` is `Rooms::Open`, `Rooms::Closed` or `Rooms::Direct`).
#[derive(Debug, Clone)]
pub struct OnceRoom {
    pub id: i64,
    pub name: Option<String>,
    pub kind: String,
    pub creator_id: i64,
    pub created_at: String,
}

/// Someone's place in a room.
#[derive(Debug, Clone)]
pub struct OnceMembership {
    pub room_id: i64,
    pub user_id: i64,
    pub involvement: Option<String>,
    pub unread_at: Option<String>,
    pub created_at: String,
}

/// A message with its rich-text body (none for a file message).
#[derive(Debug, Clone)]
pub struct OnceMessage {
    pub id: i64,
    pub room_id: i64,
    pub creator_id: i64,
    pub client_message_id: String,
    pub created_at: String,
    pub body: Option<String>,
    /// The rich text's `updated_at`: later than `created_at` when the body was edited.
    pub body_updated_at: Option<String>,
}

/// A boost.
#[derive(Debug, Clone)]
pub struct OnceBoost {
    pub id: i64,
    pub message_id: i64,
    pub booster_id: i64,
    pub content: String,
    pub created_at: String,
}

/// An address a banned person used.
#[derive(Debug, Clone)]
pub struct OnceBan {
    pub user_id: i64,
    pub ip: String,
    pub created_at: String,
}

/// A bot's webhook.
#[derive(Debug, Clone)]
pub struct OnceWebhook {
    pub user_id: i64,
    pub url: String,
}

/// A recent search.
#[derive(Debug, Clone)]
pub struct OnceSearch {
    pub user_id: i64,
    pub query: String,
    pub created_at: String,
}

/// A file of the original (Active Storage): a blob attached to a message, a user or the
/// account.
#[derive(Debug, Clone)]
pub struct OnceFile {
    /// The blob's key: its bytes are at `files/<key[0:2]>/<key[2:4]>/<key>`.
    pub key: String,
    /// The name it was uploaded as.
    pub filename: String,
    /// Its size as recorded.
    pub byte_size: i64,
}

/// A ONCE Campfire `storage/` folder, opened read-only (through a private copy).
pub struct OnceSource {
    connection: Connection,
    copy: PathBuf,
    storage: PathBuf,
}

impl Drop for OnceSource {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.copy);
    }
}

impl OnceSource {
    /// Opens `storage` (its `db/production.sqlite3`, with `-wal`/`-shm` if present), copying
    /// the files into `scratch` first, and checks that it is a ONCE Campfire this importer knows.
    pub fn open(storage: &Path, scratch: &Path) -> Result<OnceSource, SourceError> {
        let database = storage.join("db").join("production.sqlite3");
        if !database.is_file() {
            return Err(SourceError::NoDatabase(storage.to_owned()));
        }
        let read = |e: &dyn std::fmt::Display| SourceError::Read(e.to_string());
        let copy = scratch.join("once-source");
        std::fs::create_dir_all(&copy).map_err(|e| read(&e))?;
        let copied = copy.join("production.sqlite3");
        std::fs::copy(&database, &copied).map_err(|e| read(&e))?;
        for suffix in ["-wal", "-shm"] {
            let side = storage
                .join("db")
                .join(format!("production.sqlite3{suffix}"));
            if side.is_file() {
                std::fs::copy(&side, copy.join(format!("production.sqlite3{suffix}")))
                    .map_err(|e| read(&e))?;
            }
        }
        let connection = Connection::open_with_flags(
            &copied,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| read(&e))?;
        let source = OnceSource {
            connection,
            copy,
            storage: storage.to_owned(),
        };
        for table in TABLES {
            let found: Option<String> = source
                .connection
                .query_row(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1",
                    [table],
                    |row| row.get(0),
                )
                .optional()
                .map_err(|e| read(&e))?;
            if found.is_none() {
                return Err(SourceError::MissingTable(table));
            }
        }
        let newest: Option<String> = source
            .connection
            .query_row("SELECT max(version) FROM schema_migrations", [], |row| {
                row.get(0)
            })
            .map_err(|e| read(&e))?;
        let newest = newest.unwrap_or_default();
        if newest.as_str() > KNOWN_SCHEMA {
            return Err(SourceError::UnknownSchema { found: newest });
        }
        Ok(source)
    }

    fn all<T>(
        &self,
        sql: &str,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, SourceError> {
        let read = |e: rusqlite::Error| SourceError::Read(e.to_string());
        let mut statement = self.connection.prepare(sql).map_err(read)?;
        let rows = statement.query_map([], row).map_err(read)?;
        rows.collect::<Result<Vec<T>, _>>().map_err(read)
    }

    /// The files attached as `name` (`attachment`, `avatar`, `logo`) to records of
    /// `record_type` (`Message`, `User`, `Account`), by record id. Derived variants and
    /// unattached blobs are not user content and are not read. A database without Active
    /// Storage's tables has no files.
    pub fn files(
        &self,
        record_type: &str,
        name: &str,
    ) -> Result<std::collections::HashMap<i64, OnceFile>, SourceError> {
        let read = |e: rusqlite::Error| SourceError::Read(e.to_string());
        let has_tables: i64 = self
            .connection
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'                  AND name IN ('active_storage_attachments', 'active_storage_blobs')",
                [],
                |r| r.get(0),
            )
            .map_err(read)?;
        if has_tables < 2 {
            return Ok(std::collections::HashMap::new());
        }
        let mut statement = self
            .connection
            .prepare(
                "SELECT a.record_id, b.key, b.filename, b.byte_size                  FROM active_storage_attachments a JOIN active_storage_blobs b ON b.id = a.blob_id                  WHERE a.record_type = ?1 AND a.name = ?2",
            )
            .map_err(read)?;
        let rows = statement
            .query_map(params![record_type, name], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    OnceFile {
                        key: r.get(1)?,
                        filename: r.get(2)?,
                        byte_size: r.get(3)?,
                    },
                ))
            })
            .map_err(read)?;
        rows.collect::<Result<_, _>>().map_err(read)
    }

    /// Where a file's bytes are in the storage folder, if its key is one Active Storage makes
    /// (never a path out of the folder).
    pub fn file_path(&self, file: &OnceFile) -> Option<PathBuf> {
        let key = file.key.as_str();
        let plain = key.len() >= 4 && key.bytes().all(|b| b.is_ascii_alphanumeric());
        plain.then(|| {
            self.storage
                .join("files")
                .join(&key[0..2])
                .join(&key[2..4])
                .join(key)
        })
    }

    /// The account (none in a Campfire never set up).
    pub fn account(&self) -> Result<Option<OnceAccount>, SourceError> {
        Ok(self
            .all(
                "SELECT name, join_code, custom_styles, settings, created_at FROM accounts ORDER BY id LIMIT 1",
                |r| {
                    Ok(OnceAccount {
                        name: r.get(0)?,
                        join_code: r.get(1)?,
                        custom_styles: r.get(2)?,
                        settings: r.get(3)?,
                        created_at: r.get(4)?,
                    })
                },
            )?
            .into_iter()
            .next())
    }

    /// Everyone, people and bots.
    pub fn users(&self) -> Result<Vec<OnceUser>, SourceError> {
        self.all(
            "SELECT id, name, email_address, password_digest, role, status, bio, bot_token, created_at FROM users ORDER BY id",
            |r| {
                Ok(OnceUser {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    email: r.get(2)?,
                    password_digest: r.get(3)?,
                    role: r.get(4)?,
                    status: r.get(5)?,
                    bio: r.get(6)?,
                    bot_token: r.get(7)?,
                    created_at: r.get(8)?,
                })
            },
        )
    }

    /// Every room.
    pub fn rooms(&self) -> Result<Vec<OnceRoom>, SourceError> {
        self.all(
            "SELECT id, name, type, creator_id, created_at FROM rooms ORDER BY id",
            |r| {
                Ok(OnceRoom {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    creator_id: r.get(3)?,
                    created_at: r.get(4)?,
                })
            },
        )
    }

    /// Every membership.
    pub fn memberships(&self) -> Result<Vec<OnceMembership>, SourceError> {
        self.all(
            "SELECT room_id, user_id, involvement, unread_at, created_at FROM memberships ORDER BY room_id, user_id",
            |r| {
                Ok(OnceMembership {
                    room_id: r.get(0)?,
                    user_id: r.get(1)?,
                    involvement: r.get(2)?,
                    unread_at: r.get(3)?,
                    created_at: r.get(4)?,
                })
            },
        )
    }

    /// How many messages there are.
    pub fn message_count(&self) -> Result<u64, SourceError> {
        let count: i64 = self
            .connection
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
            .map_err(|e| SourceError::Read(e.to_string()))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Up to `limit` messages after the id `after`, in id order, with their bodies.
    pub fn messages_after(&self, after: i64, limit: u32) -> Result<Vec<OnceMessage>, SourceError> {
        let read = |e: rusqlite::Error| SourceError::Read(e.to_string());
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT m.id, m.room_id, m.creator_id, m.client_message_id, m.created_at, t.body, t.updated_at \
                 FROM messages m LEFT JOIN action_text_rich_texts t \
                   ON t.record_type = 'Message' AND t.record_id = m.id AND t.name = 'body' \
                 WHERE m.id > ?1 ORDER BY m.id LIMIT ?2",
            )
            .map_err(read)?;
        let rows = statement
            .query_map(params![after, limit], |r| {
                Ok(OnceMessage {
                    id: r.get(0)?,
                    room_id: r.get(1)?,
                    creator_id: r.get(2)?,
                    client_message_id: r.get(3)?,
                    created_at: r.get(4)?,
                    body: r.get(5)?,
                    body_updated_at: r.get(6)?,
                })
            })
            .map_err(read)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(read)
    }

    /// Every boost.
    pub fn boosts(&self) -> Result<Vec<OnceBoost>, SourceError> {
        self.all(
            "SELECT id, message_id, booster_id, content, created_at FROM boosts ORDER BY id",
            |r| {
                Ok(OnceBoost {
                    id: r.get(0)?,
                    message_id: r.get(1)?,
                    booster_id: r.get(2)?,
                    content: r.get(3)?,
                    created_at: r.get(4)?,
                })
            },
        )
    }

    /// Every ban.
    pub fn bans(&self) -> Result<Vec<OnceBan>, SourceError> {
        self.all(
            "SELECT user_id, ip_address, created_at FROM bans ORDER BY id",
            |r| {
                Ok(OnceBan {
                    user_id: r.get(0)?,
                    ip: r.get(1)?,
                    created_at: r.get(2)?,
                })
            },
        )
    }

    /// Every webhook with a URL.
    pub fn webhooks(&self) -> Result<Vec<OnceWebhook>, SourceError> {
        self.all(
            "SELECT user_id, url FROM webhooks WHERE url IS NOT NULL AND url <> '' ORDER BY id",
            |r| {
                Ok(OnceWebhook {
                    user_id: r.get(0)?,
                    url: r.get(1)?,
                })
            },
        )
    }

    /// Every recent search.
    pub fn searches(&self) -> Result<Vec<OnceSearch>, SourceError> {
        self.all(
            "SELECT user_id, query, created_at FROM searches ORDER BY id",
            |r| {
                Ok(OnceSearch {
                    user_id: r.get(0)?,
                    query: r.get(1)?,
                    created_at: r.get(2)?,
                })
            },
        )
    }
}

/// A fresh database of ours being filled. Nothing else has it open.
pub struct ImportTarget {
    connection: Connection,
}

/// One row of ours, with the original's id where it has one. Times are milliseconds.
#[derive(Debug, Clone)]
pub enum Row {
    Account {
        name: String,
        join_code: String,
        custom_css: String,
        only_admins_create_rooms: bool,
        created_at: i64,
        logo: Option<BlobKey>,
    },
    User {
        id: i64,
        name: String,
        email: Option<String>,
        password_hash: Option<String>,
        role: &'static str,
        status: &'static str,
        bio: String,
        bot_token: Option<String>,
        created_at: i64,
        avatar: Option<BlobKey>,
    },
    Room {
        id: i64,
        name: Option<String>,
        kind: &'static str,
        creator_id: i64,
        direct_key: Option<String>,
        created_at: i64,
    },
    Membership {
        room_id: i64,
        user_id: i64,
        involvement: &'static str,
        unread_since: Option<i64>,
        created_at: i64,
    },
    Message {
        id: i64,
        room_id: i64,
        author_id: i64,
        client_message_id: String,
        body_html: String,
        body_plain: String,
        mentions: Vec<i64>,
        created_at: i64,
        edited_at: Option<i64>,
        attachment: Option<Attachment>,
    },
    Boost {
        id: i64,
        message_id: i64,
        booster_id: i64,
        content: String,
        created_at: i64,
    },
    Ban {
        user_id: i64,
        ip: String,
        created_at: i64,
    },
    Webhook {
        bot_id: i64,
        url: String,
    },
    Search {
        user_id: i64,
        query: String,
        searched_at: i64,
    },
}

impl ImportTarget {
    /// Opens the (migrated, empty) database at `path` for the import.
    pub fn open(path: &Path) -> Result<ImportTarget, StoreError> {
        let connection = Connection::open(path).map_err(backend)?;
        // Durability comes from moving the finished file into place, not from each commit.
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;",
            )
            .map_err(backend)?;
        Ok(ImportTarget { connection })
    }

    /// Writes `rows` in one transaction; how many boosts were left out because their message
    /// is not there (it was not imported).
    pub fn write(&mut self, rows: &[Row]) -> Result<usize, StoreError> {
        let tx = self.connection.transaction().map_err(backend)?;
        let mut orphans = 0;
        for row in rows {
            if !write_row(&tx, row).map_err(backend)? {
                orphans += 1;
            }
        }
        tx.commit().map_err(backend)?;
        Ok(orphans)
    }

    /// Derived columns, the event log, a full check and a checkpoint: the file is complete on
    /// its own.
    ///
    /// The log says what the rows say, in the order a Campfire would have written it (the
    /// account, people, rooms, memberships, then messages and boosts by id), so the search index
    /// follows it from the start and a client's first `seq` is the end of the import.
    pub fn finish(self) -> Result<(), StoreError> {
        self.connection
            .execute_batch(
                "BEGIN; \
                 UPDATE rooms SET last_active_at = max(created_at, \
                   coalesce((SELECT max(m.created_at) FROM messages m WHERE m.room_id = rooms.id), 0)); \
                 UPDATE memberships SET unread_from = (SELECT min(m.id) FROM messages m \
                   WHERE m.room_id = memberships.room_id AND m.created_at >= memberships.unread_since) \
                   WHERE unread_since IS NOT NULL; \
                 INSERT INTO events (kind, created_at) SELECT 'account_updated', created_at FROM account; \
                 INSERT INTO events (kind, user_id, created_at) SELECT 'user_joined', id, created_at FROM users ORDER BY id; \
                 INSERT INTO events (kind, room_id, created_at) SELECT 'room_created', id, created_at FROM rooms ORDER BY id; \
                 INSERT INTO events (kind, room_id, user_id, created_at) \
                   SELECT 'membership_added', room_id, user_id, created_at FROM memberships ORDER BY room_id, user_id; \
                 INSERT INTO events (kind, room_id, message_id, created_at) \
                   SELECT 'message_created', room_id, id, created_at FROM messages ORDER BY id; \
                 INSERT INTO events (kind, room_id, message_id, boost_id, created_at) \
                   SELECT 'boost_added', m.room_id, b.message_id, b.id, b.created_at \
                   FROM boosts b JOIN messages m ON m.id = b.message_id ORDER BY b.id; \
                 COMMIT;",
            )
            .map_err(backend)?;
        let check: String = self
            .connection
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(backend)?;
        if check != "ok" {
            return Err(StoreError::Corrupt(check));
        }
        let violations: i64 = self
            .connection
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .map_err(backend)?;
        if violations > 0 {
            return Err(StoreError::Corrupt(format!(
                "{violations} rows refer to rows that do not exist"
            )));
        }
        self.connection
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(backend)?;
        drop(self.connection);
        Ok(())
    }
}

/// Writes one row; `false` for a boost whose message is not there.
fn write_row(tx: &rusqlite::Transaction<'_>, row: &Row) -> rusqlite::Result<bool> {
    match row {
        Row::Account {
            name,
            join_code,
            custom_css,
            only_admins_create_rooms,
            created_at,
            logo,
        } => {
            tx.prepare_cached(
                "INSERT INTO account (id, name, join_code, custom_css, only_admins_create_rooms, created_at, logo) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![name, join_code, custom_css, only_admins_create_rooms, created_at, logo.as_ref().map(BlobKey::as_str)])?;
        }
        Row::User {
            id,
            name,
            email,
            password_hash,
            role,
            status,
            bio,
            bot_token,
            created_at,
            avatar,
        } => {
            tx.prepare_cached(
                "INSERT INTO users (id, name, email, password_hash, role, status, bio, bot_token, created_at, avatar) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![id, name, email, password_hash, role, status, bio, bot_token, created_at, avatar.as_ref().map(BlobKey::as_str)])?;
        }
        Row::Room {
            id,
            name,
            kind,
            creator_id,
            direct_key,
            created_at,
        } => {
            tx.prepare_cached(
                "INSERT INTO rooms (id, name, kind, creator_id, direct_key, created_at, last_active_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            )?
            .execute(params![id, name, kind, creator_id, direct_key, created_at])?;
        }
        Row::Membership {
            room_id,
            user_id,
            involvement,
            unread_since,
            created_at,
        } => {
            tx.prepare_cached(
                "INSERT INTO memberships (room_id, user_id, involvement, unread_since, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![room_id, user_id, involvement, unread_since, created_at])?;
        }
        Row::Message {
            id,
            room_id,
            author_id,
            client_message_id,
            body_html,
            body_plain,
            mentions,
            created_at,
            edited_at,
            attachment,
        } => {
            // The original does not keep client message ids unique; ours are, per author. A
            // repeated one gets the message id appended.
            let written = tx
                .prepare_cached(
                    "INSERT INTO messages (id, room_id, author_id, client_message_id, body_html, body_plain, created_at, edited_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (author_id, client_message_id) DO NOTHING",
                )?
                .execute(params![id, room_id, author_id, client_message_id, body_html, body_plain, created_at, edited_at])?;
            if written == 0 {
                tx.prepare_cached(
                    "INSERT INTO messages (id, room_id, author_id, client_message_id, body_html, body_plain, created_at, edited_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![id, room_id, author_id, format!("{client_message_id}-{id}"), body_html, body_plain, created_at, edited_at])?;
            }
            for user in mentions {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO mentions (message_id, user_id) VALUES (?1, ?2)",
                )?
                .execute(params![id, user])?;
            }
            if let Some(file) = attachment {
                let (width, height, thumbnail) = match &file.image {
                    Some((size, key)) => (Some(size.width), Some(size.height), Some(key.as_str())),
                    None => (None, None, None),
                };
                tx.prepare_cached(
                    "INSERT INTO attachments (message_id, blob, name, content_type, byte_size, width, height, thumbnail) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    id,
                    file.blob.as_str(),
                    file.name.as_str(),
                    file.content_type.as_str(),
                    i64::try_from(file.byte_size).unwrap_or(i64::MAX),
                    width,
                    height,
                    thumbnail
                ])?;
            }
        }
        Row::Boost {
            id,
            message_id,
            booster_id,
            content,
            created_at,
        } => {
            let written = tx
                .prepare_cached(
                    "INSERT INTO boosts (id, message_id, booster_id, content, created_at) \
                     SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM messages WHERE id = ?2)",
                )?
                .execute(params![id, message_id, booster_id, content, created_at])?;
            return Ok(written == 1);
        }
        Row::Ban {
            user_id,
            ip,
            created_at,
        } => {
            tx.prepare_cached("INSERT INTO bans (user_id, ip, created_at) VALUES (?1, ?2, ?3)")?
                .execute(params![user_id, ip, created_at])?;
        }
        Row::Webhook { bot_id, url } => {
            tx.prepare_cached("INSERT INTO webhooks (bot_id, url) VALUES (?1, ?2)")?
                .execute(params![bot_id, url])?;
        }
        Row::Search {
            user_id,
            query,
            searched_at,
        } => {
            tx.prepare_cached(
                "INSERT INTO recent_searches (user_id, query, searched_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (user_id, query) DO UPDATE SET searched_at = max(searched_at, excluded.searched_at)",
            )?
            .execute(params![user_id, query, searched_at])?;
        }
    }
    Ok(true)
}
