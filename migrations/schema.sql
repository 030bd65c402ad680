-- Generated from the migrations by tests/schema_snapshot.rs. Do not edit.
CREATE TABLE account (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        join_code TEXT NOT NULL,
        custom_css TEXT NOT NULL DEFAULT '',
        only_admins_create_rooms INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    , logo TEXT);

CREATE TABLE attachments (
        message_id INTEGER PRIMARY KEY NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        blob TEXT NOT NULL,
        name TEXT NOT NULL,
        content_type TEXT NOT NULL,
        byte_size INTEGER NOT NULL,
        width INTEGER,
        height INTEGER,
        thumbnail TEXT
    );

CREATE TABLE bans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users (id),
        ip TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );

CREATE TABLE bookmarks (
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, message_id)
    ) WITHOUT ROWID;

CREATE TABLE boosts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        booster_id INTEGER NOT NULL REFERENCES users (id),
        content TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );

CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        room_id INTEGER,
        user_id INTEGER,
        message_id INTEGER,
        boost_id INTEGER,
        created_at INTEGER NOT NULL
    );

CREATE TABLE memberships (
        room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users (id),
        involvement TEXT NOT NULL CHECK (involvement IN ('everything', 'mentions', 'nothing', 'invisible')),
        unread_since INTEGER,
        created_at INTEGER NOT NULL, unread_from INTEGER,
        PRIMARY KEY (room_id, user_id)
    ) WITHOUT ROWID;

CREATE TABLE mentions (
        message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users (id),
        PRIMARY KEY (message_id, user_id)
    ) WITHOUT ROWID;

CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
        author_id INTEGER NOT NULL REFERENCES users (id),
        client_message_id TEXT NOT NULL,
        body_html TEXT NOT NULL,
        body_plain TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        edited_at INTEGER, thread_id INTEGER REFERENCES messages (id) ON DELETE CASCADE, reply_count INTEGER NOT NULL DEFAULT 0, last_reply_at INTEGER, repliers TEXT,
        UNIQUE (author_id, client_message_id)
    );

CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('webhook', 'push')),
        target TEXT NOT NULL,
        payload TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        finished_at INTEGER
    , last_attempt_at INTEGER);

CREATE TABLE previews (
        message_id INTEGER PRIMARY KEY NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        site TEXT NOT NULL,
        image TEXT
    );

CREATE TABLE push_subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        endpoint TEXT NOT NULL UNIQUE,
        p256dh TEXT NOT NULL,
        auth TEXT NOT NULL,
        created_at INTEGER NOT NULL
    , session_id INTEGER REFERENCES sessions (id) ON DELETE CASCADE);

CREATE TABLE recent_searches (
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        query TEXT NOT NULL,
        searched_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, query)
    ) WITHOUT ROWID;

CREATE TABLE rooms (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT,
        kind TEXT NOT NULL CHECK (kind IN ('open', 'closed', 'direct')),
        creator_id INTEGER NOT NULL REFERENCES users (id),
        direct_key TEXT,
        created_at INTEGER NOT NULL,
        last_active_at INTEGER NOT NULL, topic TEXT,
        CHECK ((kind = 'direct') = (direct_key IS NOT NULL))
    );

CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        user_agent TEXT NOT NULL,
        ip TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_active_at INTEGER NOT NULL
    );

CREATE TABLE used_tokens (
                    id TEXT PRIMARY KEY,
                    used_at INTEGER NOT NULL
                ) WITHOUT ROWID;

CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        email TEXT,
        password_hash TEXT,
        role TEXT NOT NULL CHECK (role IN ('member', 'administrator', 'bot')),
        status TEXT NOT NULL CHECK (status IN ('active', 'deactivated', 'banned')),
        bio TEXT NOT NULL DEFAULT '',
        bot_token TEXT,
        created_at INTEGER NOT NULL
    , avatar TEXT);

CREATE TABLE webhooks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        bot_id INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
        url TEXT NOT NULL
    , circuit TEXT NOT NULL DEFAULT 'closed');

CREATE INDEX attachments_blob ON attachments (blob);

CREATE INDEX attachments_thumbnail ON attachments (thumbnail);

CREATE INDEX bans_ip ON bans (ip);

CREATE INDEX bookmarks_message ON bookmarks (message_id);

CREATE INDEX boosts_message ON boosts (message_id);

CREATE INDEX memberships_unread ON memberships (room_id, unread_since, user_id, involvement);

CREATE INDEX memberships_user ON memberships (user_id, room_id);

CREATE INDEX mentions_user ON mentions (user_id);

CREATE INDEX messages_room ON messages (room_id, id);

CREATE INDEX messages_thread ON messages (thread_id, id) WHERE thread_id IS NOT NULL;

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE INDEX outbox_target ON outbox (kind, target);

CREATE INDEX previews_image ON previews (image);

CREATE INDEX previews_url ON previews (url);

CREATE INDEX push_subscriptions_session ON push_subscriptions (session_id);

CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

CREATE UNIQUE INDEX rooms_direct_key ON rooms (direct_key) WHERE direct_key IS NOT NULL;

CREATE INDEX sessions_user ON sessions (user_id);

CREATE UNIQUE INDEX users_active_email ON users (email) WHERE status = 'active' AND email IS NOT NULL;

