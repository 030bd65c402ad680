//! A ONCE Campfire `storage/` folder for the import tests, written from the facts in
//! once-campfire.md (schema version 2025_12_12_154340): bcrypt passwords, Action Text bodies
//! with mentions in both SGID formats and a link-preview embed, a file message, a body that is
//! only white space, a bot with its key and webhook, a ban, deactivated people, a direct room
//! of one, gaps in every id sequence.

use std::path::Path;

use base64ct::{Base64, Base64Url, Encoding};
use rusqlite::{Connection, params};

/// The original's tables, columns by name (the importer selects by name).
const SCHEMA: &str = "
CREATE TABLE schema_migrations (version TEXT PRIMARY KEY);
CREATE TABLE ar_internal_metadata (key TEXT PRIMARY KEY, value TEXT, created_at TEXT, updated_at TEXT);
CREATE TABLE accounts (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, custom_styles TEXT,
  join_code TEXT NOT NULL, name TEXT NOT NULL, settings JSON, singleton_guard INTEGER DEFAULT 0 NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE action_text_rich_texts (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT, created_at TEXT NOT NULL,
  name TEXT NOT NULL, record_id INTEGER NOT NULL, record_type TEXT NOT NULL, updated_at TEXT NOT NULL);
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
CREATE TABLE sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, ip_address TEXT,
  last_active_at TEXT NOT NULL, token TEXT NOT NULL, updated_at TEXT NOT NULL, user_agent TEXT, user_id INTEGER NOT NULL);
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, bio TEXT, bot_token TEXT, created_at TEXT NOT NULL,
  email_address TEXT, name TEXT NOT NULL, password_digest TEXT, role INTEGER DEFAULT 0 NOT NULL,
  status INTEGER DEFAULT 0 NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE webhooks (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  url TEXT, user_id INTEGER NOT NULL);
CREATE VIRTUAL TABLE message_search_index USING fts5(body, tokenize=porter);
CREATE TABLE active_storage_blobs (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, filename TEXT NOT NULL,
  content_type TEXT, metadata TEXT, service_name TEXT NOT NULL, byte_size INTEGER NOT NULL, checksum TEXT,
  created_at TEXT NOT NULL);
CREATE TABLE active_storage_attachments (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
  record_type TEXT NOT NULL, record_id INTEGER NOT NULL, blob_id INTEGER NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE active_storage_variant_records (id INTEGER PRIMARY KEY AUTOINCREMENT, blob_id INTEGER NOT NULL,
  variation_digest TEXT NOT NULL);
";

/// The fixture's files: a PDF on message 26, a photo on message 29, Bob's avatar, the logo; and
/// message 32, whose file is missing from `files/`, and Robo's avatar, missing too.
pub const PDF_MESSAGE: i64 = 26;
pub const PHOTO_MESSAGE: i64 = 29;
pub const MISSING_FILE_MESSAGE: i64 = 32;

/// The bytes of the fixture's PDF.
pub fn pdf_bytes() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend((0..20_000_u32).map(|i| (i % 251) as u8));
    bytes
}

/// A PNG of `width` × `height`.
pub fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(width, height, image::Rgb([200, 120, 30]))
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// Stores `bytes` as Active Storage does and attaches them: the blob row, the attachment row,
/// and the file at `files/<key[0:2]>/<key[2:4]>/<key>` (unless `on_disk` is false).
fn attach(
    db: &Connection,
    storage: &Path,
    (record_type, record_id, name): (&str, i64, &str),
    (key, filename, content_type): (&str, &str, &str),
    bytes: &[u8],
    on_disk: bool,
) {
    let t = "2025-11-04 09:05:00";
    db.execute(
        "INSERT INTO active_storage_blobs (key, filename, content_type, metadata, service_name, byte_size, checksum, created_at) \
         VALUES (?1, ?2, ?3, '{\"identified\":true}', 'local', ?4, 'x', ?5)",
        params![key, filename, content_type, bytes.len() as i64, t],
    )
    .unwrap();
    let blob = db.last_insert_rowid();
    db.execute(
        "INSERT INTO active_storage_attachments (name, record_type, record_id, blob_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, record_type, record_id, blob, t],
    )
    .unwrap();
    if on_disk {
        let dir = storage.join("files").join(&key[0..2]).join(&key[2..4]);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(key), bytes).unwrap();
    }
}

/// People of the fixture: (id, name, email, password, role, status).
pub const ADA: (i64, &str, &str, &str) =
    (3, "Ada Admin", "ada@example.com", "ada's old passphrase");
pub const BOB: (i64, &str, &str, &str) =
    (5, "Bob Member", "Bob@Example.com", "bob's old passphrase");
pub const DEE: (i64, &str, &str, &str) =
    (9, "Dee Banned", "dee@example.com", "dee's old passphrase");
pub const CY_EMAIL: &str = "cy-deactivated-1b2c@example.com";
pub const ROBO: i64 = 11;
pub const TWIN: i64 = 12;
pub const ROBO_KEY: &str = "11-AbCdEf123456";

/// Rooms: All Talk (open), Plans (closed, Ada and Bob), a direct room of Ada and Bob, and a
/// direct room of Ada alone.
pub const ALL_TALK: i64 = 2;
pub const PLANS: i64 = 4;
pub const DIRECT: i64 = 7;
pub const NOTES: i64 = 10;

/// Filler messages in All Talk, besides the named ones.
pub const FILLER: i64 = 40;

/// A Rails 7.1 SGID (URL-safe alphabet) of a user.
pub(crate) fn sgid_modern(user: i64) -> String {
    let json =
        format!(r#"{{"_rails":{{"data":"gid://campfire/User/{user}","pur":"attachable"}}}}"#);
    format!(
        "{}--9f86d081884c7d65",
        Base64Url::encode_string(json.as_bytes())
    )
}

/// A Rails 7.0 SGID: a Marshal-dumped string inside.
pub(crate) fn sgid_legacy(user: i64) -> String {
    let gid = format!("gid://campfire/User/{user}");
    let mut dumped = vec![4, 8, b'I', b'"', u8::try_from(gid.len() + 5).unwrap()];
    dumped.extend_from_slice(gid.as_bytes());
    dumped.extend_from_slice(&[6, b':', 6, b'E', b'T']);
    let json = format!(
        r#"{{"_rails":{{"message":"{}","exp":null,"pur":"attachable"}}}}"#,
        Base64::encode_string(&dumped)
    );
    format!(
        "{}--2c26b46b68ffc68f",
        Base64::encode_string(json.as_bytes())
    )
}

/// The original's mention markup: an Action Text attachment naming the user by SGID.
pub(crate) fn mention(sgid: &str, shown: &str) -> String {
    format!(
        r#"<action-text-attachment sgid="{sgid}" content-type="application/vnd.campfire.mention" content="&lt;span class=&quot;mention&quot;&gt;{shown}&lt;/span&gt;"></action-text-attachment>"#
    )
}

/// What the fixture holds, for the test to compare against.
pub struct Expected {
    /// Messages per room, in order: (id, the plain text we show), for the rooms with text.
    pub all_talk: Vec<(i64, String)>,
    pub plans: Vec<(i64, String)>,
    pub direct: Vec<(i64, String)>,
}

/// Writes the storage folder at `storage`.
pub fn write(storage: &Path) -> Expected {
    std::fs::create_dir_all(storage.join("db")).unwrap();
    std::fs::create_dir_all(storage.join("files")).unwrap();
    let db = Connection::open(storage.join("db/production.sqlite3")).unwrap();
    db.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
    db.execute_batch(SCHEMA).unwrap();
    for version in ["20231215043540", "20240110071740", "20251212154340"] {
        db.execute("INSERT INTO schema_migrations VALUES (?1)", [version])
            .unwrap();
    }
    let t = "2025-11-03 09:15:00.123456";
    db.execute(
        "INSERT INTO accounts (id, created_at, custom_styles, join_code, name, settings, updated_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?1)",
        params![t, ".message { color: teal }", "AbCd-EfGh-2345", "Acme Ltd", r#"{"restrict_room_creation_to_administrators":true}"#],
    )
    .unwrap();
    let hash = |password: &str| bcrypt::hash(password, 4).unwrap();
    for (id, name, email, password, role, status, bot_token) in [
        (ADA.0, ADA.1, Some(ADA.2), Some(hash(ADA.3)), 1, 0, None),
        (BOB.0, BOB.1, Some(BOB.2), Some(hash(BOB.3)), 0, 0, None),
        (8, "Cy Gone", Some(CY_EMAIL), Some(hash("cy's")), 0, 1, None),
        (DEE.0, DEE.1, Some(DEE.2), Some(hash(DEE.3)), 0, 2, None),
        (ROBO, "Robo", None, None, 2, 0, Some("AbCdEf123456")),
        // Bob's address in other letters: the original told them apart, we do not.
        (
            TWIN,
            "Bob Twin",
            Some("BOB@example.com"),
            Some(hash("twin's")),
            0,
            0,
            None,
        ),
    ] {
        db.execute(
            "INSERT INTO users (id, bio, bot_token, created_at, email_address, name, password_digest, role, status, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?4)",
            params![id, format!("{name}'s bio"), bot_token, t, email, name, password, role, status],
        )
        .unwrap();
    }
    for (id, name, kind, creator) in [
        (ALL_TALK, Some("All Talk"), "Rooms::Open", ADA.0),
        (PLANS, Some("Plans"), "Rooms::Closed", ADA.0),
        (DIRECT, None, "Rooms::Direct", BOB.0),
        (NOTES, None, "Rooms::Direct", ADA.0),
    ] {
        db.execute(
            "INSERT INTO rooms (id, created_at, creator_id, name, type, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?2)",
            params![id, t, creator, name, kind],
        )
        .unwrap();
    }
    for (room, user, involvement, unread) in [
        (ALL_TALK, ADA.0, "mentions", None),
        (ALL_TALK, BOB.0, "everything", Some("2025-11-04 10:00:00")),
        (ALL_TALK, DEE.0, "mentions", None),
        (ALL_TALK, ROBO, "mentions", None),
        (PLANS, ADA.0, "mentions", None),
        (PLANS, BOB.0, "nothing", None),
        (DIRECT, ADA.0, "everything", None),
        (DIRECT, BOB.0, "everything", None),
        (NOTES, ADA.0, "everything", None),
    ] {
        db.execute(
            "INSERT INTO memberships (created_at, involvement, room_id, unread_at, updated_at, user_id, connections, connected_at) \
             VALUES (?1, ?2, ?3, ?4, ?1, ?5, 3, ?1)",
            params![t, involvement, room, unread, user],
        )
        .unwrap();
    }

    let mut expected = Expected {
        all_talk: Vec::new(),
        plans: Vec::new(),
        direct: Vec::new(),
    };
    let message = |id: i64,
                   room: i64,
                   author: i64,
                   minute: i64,
                   body: Option<&str>,
                   edited: bool| {
        let at = format!("2025-11-04 09:{minute:02}:00");
        db.execute(
            "INSERT INTO messages (id, client_message_id, created_at, creator_id, room_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?3)",
            params![id, format!("c{id:x}q9z"), at, author, room],
        )
        .unwrap();
        if let Some(body) = body {
            let updated = if edited {
                "2025-11-04 11:30:00".to_owned()
            } else {
                at.clone()
            };
            db.execute(
                "INSERT INTO action_text_rich_texts (body, created_at, name, record_id, record_type, updated_at) VALUES (?1, ?2, 'body', ?3, 'Message', ?4)",
                params![body, at, id, updated],
            )
            .unwrap();
        }
    };
    message(
        20,
        ALL_TALK,
        ADA.0,
        0,
        Some("<div>Hello <strong>everyone</strong></div>"),
        false,
    );
    expected.all_talk.push((20, "Hello everyone".into()));
    let hi_ada = format!(
        "<div>Morning {} — coffee?</div>",
        mention(&sgid_modern(ADA.0), "Ada")
    );
    message(21, ALL_TALK, BOB.0, 1, Some(&hi_ada), false);
    expected
        .all_talk
        .push((21, "Morning @Ada Admin — coffee?".into()));
    let hi_bob = format!("<div>Yes {}!</div>", mention(&sgid_legacy(BOB.0), "Robert"));
    message(23, ALL_TALK, ADA.0, 2, Some(&hi_bob), false);
    expected.all_talk.push((23, "Yes @Bob Member!".into()));
    message(
        24,
        ALL_TALK,
        ROBO,
        3,
        Some("deploy finished\nall green"),
        false,
    );
    expected
        .all_talk
        .push((24, "deploy finished\nall green".into()));
    message(
        25,
        ALL_TALK,
        BOB.0,
        4,
        Some("<div>/play trombone</div>"),
        false,
    );
    expected.all_talk.push((25, "/play trombone".into()));
    // File messages (no rich text): a PDF, a photo, and one whose file is missing (reported,
    // skipped); a body of nothing but white space: reported, skipped.
    message(PDF_MESSAGE, ALL_TALK, BOB.0, 5, None, false);
    attach(
        &db,
        storage,
        ("Message", PDF_MESSAGE, "attachment"),
        (
            "q7tv2kdn8f3hs9wz1xbcy4mlr0pe",
            "Q3 report.pdf",
            "application/pdf",
        ),
        &pdf_bytes(),
        true,
    );
    expected
        .all_talk
        .push((PDF_MESSAGE, "Q3 report.pdf".into()));
    message(PHOTO_MESSAGE, ALL_TALK, ADA.0, 6, None, false);
    attach(
        &db,
        storage,
        ("Message", PHOTO_MESSAGE, "attachment"),
        (
            "a1b2c3d4e5f6g7h8i9j0k1l2m3n4",
            "team photo.png",
            "image/png",
        ),
        &png_bytes(1600, 1200),
        true,
    );
    expected
        .all_talk
        .push((PHOTO_MESSAGE, "team photo.png".into()));
    message(MISSING_FILE_MESSAGE, ALL_TALK, ADA.0, 6, None, false);
    attach(
        &db,
        storage,
        ("Message", MISSING_FILE_MESSAGE, "attachment"),
        (
            "zz9yy8xx7ww6vv5uu4tt3ss2rr1q",
            "lost.zip",
            "application/zip",
        ),
        b"never written",
        false,
    );
    message(27, ALL_TALK, BOB.0, 6, Some("<div>  <br></div>"), false);
    // Pictures: Bob's avatar and the logo are there; Robo's avatar is missing. A thumbnail the
    // original derived (a variant) is not user content.
    attach(
        &db,
        storage,
        ("User", BOB.0, "avatar"),
        ("bbaavvaattaarr0000000000000a", "bob.png", "image/png"),
        &png_bytes(300, 200),
        true,
    );
    attach(
        &db,
        storage,
        ("User", ROBO, "avatar"),
        ("rroobbooaavvaattaarr0000000a", "robo.png", "image/png"),
        b"never written",
        false,
    );
    attach(
        &db,
        storage,
        ("Account", 1, "logo"),
        ("llooggoo00000000000000000000", "logo.png", "image/png"),
        &png_bytes(640, 640),
        true,
    );
    attach(
        &db,
        storage,
        ("ActiveStorage::VariantRecord", 1, "image"),
        ("vvaarriiaanntt00000000000000", "photo.png", "image/png"),
        &png_bytes(10, 10),
        true,
    );
    let embed = r#"<div>read this</div><action-text-attachment content-type="application/vnd.actiontext.opengraph-embed" url="https://news.example/i.png" href="https://news.example/story" filename="The Story" caption="What happened"></action-text-attachment>"#;
    message(28, ALL_TALK, ADA.0, 7, Some(embed), false);
    expected.all_talk.push((28, "read this\nThe Story".into()));
    for n in 0..FILLER {
        let id = 100 + n * 3;
        message(
            id,
            ALL_TALK,
            if n % 2 == 0 { ADA.0 } else { BOB.0 },
            10 + n % 50,
            Some(&format!("<div>filler {n}</div>")),
            false,
        );
        expected.all_talk.push((id, format!("filler {n}")));
    }
    message(
        30,
        PLANS,
        ADA.0,
        8,
        Some("<div>the secret plan</div>"),
        false,
    );
    expected.plans.push((30, "the secret plan".into()));
    message(31, PLANS, BOB.0, 9, Some("<div>agreed, edited</div>"), true);
    expected.plans.push((31, "agreed, edited".into()));
    message(50, DIRECT, BOB.0, 9, Some("<div>psst</div>"), false);
    expected.direct.push((50, "psst".into()));
    message(60, NOTES, ADA.0, 9, Some("<div>note to self</div>"), false);
    expected.all_talk.sort_by_key(|(id, _)| *id);

    for (id, message, booster, content) in [
        (70, 20, BOB.0, "👏"),
        (71, 26, ADA.0, "nice file"),
        (72, 21, ROBO, "a long boost text from a bot"),
    ] {
        db.execute(
            "INSERT INTO boosts (id, booster_id, content, created_at, message_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
            params![id, booster, content, t, message],
        )
        .unwrap();
    }
    db.execute(
        "INSERT INTO bans (created_at, ip_address, updated_at, user_id) VALUES (?1, '203.0.113.9', ?1, ?2)",
        params![t, DEE.0],
    )
    .unwrap();
    db.execute(
        "INSERT INTO webhooks (created_at, updated_at, url, user_id) VALUES (?1, ?1, 'https://bots.example/robo', ?2)",
        params![t, ROBO],
    )
    .unwrap();
    db.execute(
        "INSERT INTO searches (created_at, query, updated_at, user_id) VALUES (?1, 'coffee', ?1, ?2)",
        params![t, ADA.0],
    )
    .unwrap();
    // Left as a running server leaves it: recent writes still in the WAL.
    std::mem::forget(db);
    expected
}
