//! Seeding a fresh data directory directly through the store, in one transaction: the account,
//! users with known session tokens (no argon2 sign-ins), rooms, memberships and messages, each
//! with its event in the log, in the order a live server would have written them.

use std::path::Path;

use anyhow::Result;
use campfire_store::{DataDir, SqliteStore, StoreOptions};
use sha2::{Digest, Sha256};

/// A room: users `1..=members` are its members.
pub struct RoomSeed {
    /// Open or closed.
    pub open: bool,
    /// How many users (from user 1) are members.
    pub members: u32,
    /// Messages seeded into it.
    pub messages: u64,
}

/// What a scenario needs in its store.
pub struct Seed {
    /// Users 1..=users; user 1 is the administrator. Each has a session.
    pub users: u32,
    /// Rooms, ids 1.. in this order.
    pub rooms: Vec<RoomSeed>,
}

/// The seeded bot's token (12 alphanumerics, as campfire_domain::BotToken wants).
const BOT_TOKEN: &str = "BenchBot0001";

/// The bot API key of the bot seeded after `users` people: `<id>-<token>`.
pub fn bot_key(users: u32) -> String {
    format!("{}-{BOT_TOKEN}", users + 1)
}

/// The session token of user `id`: sent as the cookie.
pub fn token(id: u32) -> String {
    format!("bench-session-{id:08}")
}

/// The word only the last seeded message contains.
pub const LAST_WORD: &str = "zzlastseeded";

/// The word only the first seeded message contains. The index has caught up when a search finds
/// both (an indexer need not go in log order).
pub const FIRST_WORD: &str = "zzfirstseeded";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `seed` into a new database in `data`; returns the head of the log.
pub async fn seed(data: &Path, seed: &Seed) -> Result<()> {
    let dir = DataDir::new(data);
    dir.create()?;
    let store = SqliteStore::open(&dir.database(), StoreOptions::default()).await?;
    let t0 = now_millis().saturating_sub(3_600_000);
    let now = now_millis();
    let n = seed.users;
    let mut sql = vec![
        format!(
            "INSERT INTO account (id, name, join_code, created_at) VALUES (1, 'Bench', 'BNCH-BNCH-BNCH', {t0})"
        ),
        format!("INSERT INTO events (kind, created_at) VALUES ('account_updated', {t0})"),
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             INSERT INTO users (id, name, email, password_hash, role, status, bio, created_at) \
             SELECT i, 'User ' || i, 'user' || i || '@bench.test', NULL, \
             CASE WHEN i = 1 THEN 'administrator' ELSE 'member' END, 'active', '', {t0} FROM n"
        ),
        // One bot after the people, member of every room, with a known key (`bot_key`).
        format!(
            "INSERT INTO users (id, name, email, password_hash, role, status, bio, bot_token, created_at) \
             VALUES ({}, 'Bench Bot', NULL, NULL, 'bot', 'active', '', '{BOT_TOKEN}', {t0})",
            n + 1
        ),
        format!(
            "INSERT INTO events (kind, user_id, created_at) SELECT 'user_joined', id, {t0} FROM users ORDER BY id"
        ),
    ];
    // Sessions: known tokens, stored as their SHA-256 like campfire-http's; touched just now,
    // so the server does not write a touch per request.
    let ids: Vec<u32> = (1..=n).collect();
    for chunk in ids.chunks(1000) {
        let values: Vec<String> = chunk
            .iter()
            .map(|id| {
                let hash = hex(&Sha256::digest(token(*id).as_bytes()));
                format!("({id}, '{hash}', 'campfire-bench', '127.0.0.1', {now}, {now})")
            })
            .collect();
        sql.push(format!(
            "INSERT INTO sessions (user_id, token_hash, user_agent, ip, created_at, last_active_at) VALUES {}",
            values.join(", ")
        ));
    }
    let mut at = t0;
    for (index, room) in seed.rooms.iter().enumerate() {
        let r = index + 1;
        let (kind, involvement) = if room.open {
            ("open", "mentions")
        } else {
            ("closed", "mentions")
        };
        let members = room.members.min(n).max(1);
        sql.push(format!(
            "INSERT INTO rooms (id, name, kind, creator_id, direct_key, created_at, last_active_at) \
             VALUES ({r}, 'Room {r}', '{kind}', 1, NULL, {t0}, {t0})"
        ));
        sql.push(format!(
            "INSERT INTO events (kind, room_id, created_at) VALUES ('room_created', {r}, {t0})"
        ));
        let bot = n + 1;
        sql.push(format!(
            "INSERT INTO memberships (room_id, user_id, involvement, created_at) \
             SELECT {r}, id, '{involvement}', {t0} FROM users WHERE id <= {members} OR id = {bot}"
        ));
        sql.push(format!(
            "INSERT INTO events (kind, room_id, user_id, created_at) \
             SELECT 'membership_added', {r}, id, {t0} FROM users WHERE id <= {members} OR id = {bot} ORDER BY id"
        ));
        let count = room.messages;
        if count > 0 && r == 1 {
            sql.push(format!(
                "INSERT INTO messages (room_id, author_id, client_message_id, body_html, body_plain, created_at) \
                 VALUES (1, 1, 'seed-first', '<p>the first one {FIRST_WORD}</p>', 'the first one {FIRST_WORD}', {at})"
            ));
        }
        if count > 0 {
            sql.push(format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
                 INSERT INTO messages (room_id, author_id, client_message_id, body_html, body_plain, created_at) \
                 SELECT {r}, 1 + (i % {members}), 'seed-{r}-' || i, \
                 '<p>seeded message ' || i || ' lorem' || (i % 97) || ' ipsum' || (i % 9973) || '</p>', \
                 'seeded message ' || i || ' lorem' || (i % 97) || ' ipsum' || (i % 9973), {at} + i / 100 FROM n"
            ));
            at += i64::try_from(count / 100).unwrap_or(0);
        }
    }
    // The last message carries a word no other has (search's catch-up marker).
    if seed.rooms.iter().any(|r| r.messages > 0) {
        sql.push(format!(
            "INSERT INTO messages (room_id, author_id, client_message_id, body_html, body_plain, created_at) \
             VALUES (1, 1, 'seed-last', '<p>the last one {LAST_WORD}</p>', 'the last one {LAST_WORD}', {at})"
        ));
    }
    sql.push(
        "INSERT INTO events (kind, room_id, message_id, created_at) \
         SELECT 'message_created', room_id, id, created_at FROM messages ORDER BY id"
            .to_owned(),
    );
    sql.push(format!(
        "UPDATE rooms SET last_active_at = COALESCE((SELECT MAX(created_at) FROM messages WHERE room_id = rooms.id), {t0})"
    ));
    store.execute_script(&sql).await?;
    store.close().await?;
    Ok(())
}

/// Milliseconds since the Unix epoch.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(0))
        .unwrap_or(0)
}
