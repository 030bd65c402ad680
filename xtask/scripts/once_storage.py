#!/usr/bin/env python3
"""Writes a large ONCE Campfire storage folder, for timing `campfire-cli import`.

    python3 xtask/scripts/once_storage.py OUT_DIR [MESSAGES]   (default 1,000,000)

The schema is the original's (schema version 2025_12_12_154340, columns by name), as the import
test's fixture writes it (campfire-server/tests/integration/once_fixture.rs), at scale:
200 people (one bcrypt-shaped hash shared, so the script needs no bcrypt), 3 bots, 50 rooms of each
kind's mix, Trix bodies of a few lines, a mention in every tenth message (Rails 7.1 SGIDs) and a
boost on every twentieth. BENCHMARKS.md records the import's time and peak memory on it.
"""

import base64
import os
import sqlite3
import sys

SCHEMA = """
CREATE TABLE schema_migrations (version TEXT PRIMARY KEY);
CREATE TABLE accounts (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, custom_styles TEXT,
  join_code TEXT NOT NULL, name TEXT NOT NULL, settings JSON, singleton_guard INTEGER DEFAULT 0 NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE action_text_rich_texts (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT, created_at TEXT NOT NULL,
  name TEXT NOT NULL, record_id INTEGER NOT NULL, record_type TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE UNIQUE INDEX index_action_text_rich_texts_uniqueness ON action_text_rich_texts (record_type, record_id, name);
CREATE TABLE bans (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, ip_address TEXT NOT NULL,
  updated_at TEXT NOT NULL, user_id INTEGER NOT NULL);
CREATE TABLE boosts (id INTEGER PRIMARY KEY AUTOINCREMENT, booster_id INTEGER NOT NULL, content VARCHAR(16) NOT NULL,
  created_at TEXT NOT NULL, message_id INTEGER NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE memberships (id INTEGER PRIMARY KEY AUTOINCREMENT, connected_at TEXT, connections INTEGER DEFAULT 0 NOT NULL,
  created_at TEXT NOT NULL, involvement TEXT DEFAULT 'mentions', room_id INTEGER NOT NULL, unread_at TEXT,
  updated_at TEXT NOT NULL, user_id INTEGER NOT NULL);
CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, client_message_id TEXT NOT NULL, created_at TEXT NOT NULL,
  creator_id INTEGER NOT NULL, room_id INTEGER NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE rooms (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, creator_id INTEGER NOT NULL,
  name TEXT, type TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE searches (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, query TEXT NOT NULL,
  updated_at TEXT NOT NULL, user_id INTEGER NOT NULL);
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, bio TEXT, bot_token TEXT, created_at TEXT NOT NULL,
  email_address TEXT, name TEXT NOT NULL, password_digest TEXT, role INTEGER DEFAULT 0 NOT NULL,
  status INTEGER DEFAULT 0 NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE webhooks (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  url TEXT, user_id INTEGER NOT NULL);
"""

# A bcrypt-shaped hash ($2a$, cost 12, as Rails writes it), of no known password: the import keeps
# hashes as they are and checks them only at sign-in, which this timing does not do.
HASH = "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
PEOPLE, BOTS, ROOMS = 200, 3, 50
T = "2025-11-03 09:15:00"


def sgid(user):
    data = '{"_rails":{"data":"gid://campfire/User/%d","pur":"attachable"}}' % user
    return base64.urlsafe_b64encode(data.encode()).decode() + "--0123456789abcdef"


def main():
    out = sys.argv[1]
    messages = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    os.makedirs(os.path.join(out, "db"), exist_ok=True)
    os.makedirs(os.path.join(out, "files"), exist_ok=True)
    path = os.path.join(out, "db", "production.sqlite3")
    if os.path.exists(path):
        sys.exit(f"{path} exists")
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;" + SCHEMA)
    db.execute("INSERT INTO schema_migrations VALUES ('20251212154340')")
    db.execute(
        "INSERT INTO accounts (created_at, join_code, name, updated_at) VALUES (?, 'AbCd-EfGh-2345', 'Big Co', ?)",
        (T, T),
    )
    for n in range(1, PEOPLE + 1):
        db.execute(
            "INSERT INTO users (id, created_at, email_address, name, password_digest, role, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (n, T, f"p{n}@example.com", f"Person {n}", HASH, 1 if n == 1 else 0, T),
        )
    for b in range(BOTS):
        db.execute(
            "INSERT INTO users (id, bot_token, created_at, name, role, updated_at) VALUES (?, ?, ?, ?, 2, ?)",
            (PEOPLE + 1 + b, f"BotToken{b:04d}", T, f"Bot {b}", T),
        )
    members = {}
    for r in range(1, ROOMS + 1):
        kind = "Rooms::Open" if r <= 10 else ("Rooms::Direct" if r > 45 else "Rooms::Closed")
        name = None if kind == "Rooms::Direct" else f"Room {r}"
        db.execute(
            "INSERT INTO rooms (id, created_at, creator_id, name, type, updated_at) VALUES (?, ?, 1, ?, ?, ?)",
            (r, T, name, kind, T),
        )
        if kind == "Rooms::Open":
            people = list(range(1, PEOPLE + BOTS + 1))
        elif kind == "Rooms::Direct":
            people = [1, r]
        else:
            people = [p for p in range(1, PEOPLE + 1) if p == 1 or (p * 7 + r) % 4 == 0]
        members[r] = [p for p in people if p <= PEOPLE]
        db.executemany(
            "INSERT INTO memberships (created_at, room_id, updated_at, user_id) VALUES (?, ?, ?, ?)",
            [(T, r, T, p) for p in people],
        )
    for start in range(1, messages + 1, 10_000):
        rows, texts, boosts = [], [], []
        for m in range(start, min(start + 10_000, messages + 1)):
            room = m % ROOMS + 1
            people = members[room]
            author = people[m % len(people)]
            at = f"2025-11-{4 + m * 20 // messages:02d} {m % 24:02d}:{m % 60:02d}:{(m * 7) % 60:02d}.{m % 1_000_000:06d}"
            rows.append((m, f"c{m:x}", at, author, room, at))
            body = f"<div>message {m} in room {room}</div><div>a second line with <strong>bold</strong> words</div>"
            if m % 10 == 0:
                body += f'<div>hey <action-text-attachment sgid="{sgid(people[(m // 10) % len(people)])}" content-type="application/vnd.campfire.mention"></action-text-attachment></div>'
            texts.append((body, at, m, at))
            if m % 20 == 0:
                boosts.append((people[(m // 20) % len(people)], "+1", at, m, at))
        db.executemany(
            "INSERT INTO messages (id, client_message_id, created_at, creator_id, room_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.executemany(
            "INSERT INTO action_text_rich_texts (body, created_at, name, record_id, record_type, updated_at) VALUES (?, ?, 'body', ?, 'Message', ?)",
            texts,
        )
        db.executemany(
            "INSERT INTO boosts (booster_id, content, created_at, message_id, updated_at) VALUES (?, ?, ?, ?, ?)",
            boosts,
        )
        db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"wrote {messages} messages to {path}")


if __name__ == "__main__":
    main()
