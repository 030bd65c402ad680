//! The import itself: the source read in batches, each row turned into ours (the original's
//! ids kept), written into a new database that replaces the data directory's only when all of
//! it is written. What is skipped is counted with the reason, for the closing table.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use campfire_domain::{
    BlobKey, BoostContent, BotToken, DirectRoomKey, EmailAddress, JoinCode, MessageBody, UserId,
    sanitize,
};
use campfire_store::blobs::LocalBlobs;
use campfire_store::once::{ImportTarget, OnceSource, OnceUser, Row};
use campfire_store::{DataDir, SqliteStore, Store, StoreOptions};

use super::{files, time};
use campfire_domain::action_text as rich_text;

/// Messages read and written per transaction: bounded memory whatever the source's size.
const BATCH: u32 = 2_000;

/// What was imported and skipped, per kind of thing.
#[derive(Debug, Default)]
pub struct Report {
    /// Kind → how many were imported.
    pub imported: BTreeMap<&'static str, u64>,
    /// (kind, why) → how many were skipped.
    pub skipped: BTreeMap<(&'static str, String), u64>,
    /// (kind, what) → how many were imported with a change.
    pub adjusted: BTreeMap<(&'static str, String), u64>,
}

impl Report {
    fn imported(&mut self, kind: &'static str) {
        *self.imported.entry(kind).or_default() += 1;
    }

    fn skipped(&mut self, kind: &'static str, why: impl Into<String>) {
        *self.skipped.entry((kind, why.into())).or_default() += 1;
    }

    fn adjusted(&mut self, kind: &'static str, what: impl Into<String>) {
        *self.adjusted.entry((kind, what.into())).or_default() += 1;
    }

    /// The closing table.
    pub fn table(&self) -> String {
        let mut out = String::from("what          imported\n");
        for (kind, n) in &self.imported {
            out.push_str(&format!("{kind:<13} {n:>8}\n"));
        }
        if !self.adjusted.is_empty() {
            out.push_str("\nimported with a change:\n");
            for ((kind, what), n) in &self.adjusted {
                out.push_str(&format!("  {n:>6} {kind}: {what}\n"));
            }
        }
        if !self.skipped.is_empty() {
            out.push_str("\nskipped:\n");
            for ((kind, why), n) in &self.skipped {
                out.push_str(&format!("  {n:>6} {kind}: {why}\n"));
            }
        }
        out
    }
}

/// Imports the ONCE Campfire `storage` folder into `data`, which must hold no Campfire yet.
pub async fn import(data: &DataDir, storage: &Path) -> Result<Report> {
    data.create()
        .with_context(|| format!("could not create {}", data.root().display()))?;
    let Some(_lock) = data.try_lock_exclusive()? else {
        bail!(
            "a Campfire server is using {}; stop it before importing",
            data.root().display()
        );
    };
    if data.has_database() {
        let store = SqliteStore::open(&data.database(), StoreOptions::default()).await?;
        let set_up = store.account().await?.is_some() || !store.users().await?.is_empty();
        store.close().await?;
        if set_up {
            bail!(
                "{} already holds a Campfire; import into a new, empty data directory",
                data.root().display()
            );
        }
    }
    let scratch = data.root().join("import-work");
    let target = data.root().join("campfire.db.importing");
    remove_database(&target);
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;

    // Our schema, on the new file.
    SqliteStore::open(&target, StoreOptions::default())
        .await
        .context("could not create the new database")?
        .close()
        .await?;
    let storage = storage.to_owned();
    let (target_path, scratch_path) = (target.clone(), scratch.clone());
    let written = tokio::task::spawn_blocking(move || copy(&storage, &scratch_path, &target_path))
        .await
        .context("the import stopped");
    let report = match written {
        Ok(Ok(report)) => report,
        Ok(Err(error)) | Err(error) => {
            let _ = std::fs::remove_dir_all(&scratch);
            remove_database(&target);
            return Err(error);
        }
    };
    // The files' blob store into place first: the database that refers to them follows.
    let files = data.files();
    if files.exists() {
        std::fs::remove_dir_all(&files)
            .with_context(|| format!("could not replace {}", files.display()))?;
    }
    std::fs::rename(scratch.join("files"), &files)
        .context("could not move the imported files into place")?;
    let _ = std::fs::remove_dir_all(&scratch);
    // Into place: the old (empty) database and any index of it go.
    remove_database(&data.database());
    std::fs::rename(&target, data.database())
        .context("could not move the new database into place")?;
    let index = data.search_index();
    if index.exists() {
        std::fs::remove_dir_all(&index)?;
    }
    Ok(report)
}

/// A database file and its WAL and shared-memory files.
fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(file));
    }
}

/// Reads the source and writes the target (blocking).
fn copy(storage: &Path, scratch: &Path, target: &Path) -> Result<Report> {
    let source = OnceSource::open(storage, scratch)?;
    let mut target = ImportTarget::open(target)?;
    let blobs = LocalBlobs::open(scratch.join("files"))?;
    let mut report = Report::default();
    let pictures =
        |record: &str, name: &str, report: &mut Report| -> Result<HashMap<i64, BlobKey>> {
            let mut found = HashMap::new();
            for (id, file) in source.files(record, name)? {
                match files::picture(&source, &blobs, &file) {
                    Ok(key) => {
                        found.insert(id, key);
                        report.imported("pictures");
                    }
                    Err(problem) => report.adjusted(
                        "pictures",
                        format!("{record} {id}: {problem}; none is shown"),
                    ),
                }
            }
            Ok(found)
        };
    let logo = pictures("Account", "logo", &mut report)?
        .into_values()
        .next();
    let mut avatars = pictures("User", "avatar", &mut report)?;
    let attachments = source.files("Message", "attachment")?;
    let at = |text: &str| time::parse(text).map(|t| t.0);

    let Some(account) = source.account()? else {
        bail!("the source Campfire was never set up: it has no account");
    };
    let join_code = match JoinCode::parse(&account.join_code) {
        Ok(code) => code.as_str().to_owned(),
        Err(_) => {
            report.adjusted("account", "a join code of an unknown form was replaced");
            fresh_join_code()?
        }
    };
    let only_admins = account
        .settings
        .as_deref()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .and_then(|s| s.get("restrict_room_creation_to_administrators")?.as_bool())
        .unwrap_or(false);
    target.write(&[Row::Account {
        name: account.name,
        join_code,
        custom_css: account.custom_styles.unwrap_or_default(),
        only_admins_create_rooms: only_admins,
        created_at: at(&account.created_at).unwrap_or(0),
        logo,
    }])?;
    report.imported("account");

    // People and bots.
    let mut names: HashMap<i64, String> = HashMap::new();
    let mut bots: HashSet<i64> = HashSet::new();
    let mut emails: HashSet<String> = HashSet::new();
    let mut rows = Vec::new();
    for user in source.users()? {
        match user_row(&user, avatars.remove(&user.id), &mut emails, &mut report) {
            Some(row) => {
                names.insert(user.id, user.name.clone());
                if user.role == 2 {
                    bots.insert(user.id);
                }
                rows.push(row);
                report.imported(if user.role == 2 { "bots" } else { "people" });
            }
            None => continue,
        }
    }
    target.write(&rows)?;

    // Rooms: a direct room's identity is its member set.
    let memberships = source.memberships()?;
    let mut members: HashMap<i64, Vec<i64>> = HashMap::new();
    for m in &memberships {
        members.entry(m.room_id).or_default().push(m.user_id);
    }
    let mut rooms: HashMap<i64, &'static str> = HashMap::new();
    let mut direct_keys = HashSet::new();
    let mut rows = Vec::new();
    for room in source.rooms()? {
        if !names.contains_key(&room.creator_id) {
            report.skipped("rooms", "its creator is not in the source");
            continue;
        }
        let mut kind = match room.kind.as_str() {
            "Rooms::Open" => "open",
            "Rooms::Closed" => "closed",
            "Rooms::Direct" => "direct",
            other => {
                report.skipped("rooms", format!("unknown room type {other}"));
                continue;
            }
        };
        let mut name = room.name.clone();
        let mut direct_key = None;
        if kind == "direct" {
            let people = members.get(&room.id).cloned().unwrap_or_default();
            match DirectRoomKey::new(people.iter().map(|id| UserId(*id))) {
                Ok(key) if direct_keys.insert(key.to_string()) => {
                    direct_key = Some(key.to_string())
                }
                Ok(_) => {
                    // Two direct rooms of the same people: the later one keeps its history
                    // as a closed room of the same members.
                    kind = "closed";
                    name = Some("Direct messages (earlier)".into());
                    report.adjusted(
                        "rooms",
                        "a second direct room of the same people became a closed room",
                    );
                }
                Err(_) => {
                    kind = "closed";
                    name = Some("Notes to self".into());
                    report.adjusted(
                        "rooms",
                        "a direct room of one person became a closed room \"Notes to self\"",
                    );
                }
            }
        } else if name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            name = Some(format!("Room {}", room.id));
            report.adjusted("rooms", "a room without a name was named after its id");
        }
        rooms.insert(room.id, kind);
        rows.push(Row::Room {
            id: room.id,
            name: if kind == "direct" { None } else { name },
            kind,
            creator_id: room.creator_id,
            direct_key,
            created_at: at(&room.created_at).unwrap_or(0),
        });
        report.imported("rooms");
    }
    target.write(&rows)?;

    let mut rows = Vec::new();
    for m in memberships {
        let Some(kind) = rooms.get(&m.room_id) else {
            report.skipped("memberships", "its room was not imported");
            continue;
        };
        if !names.contains_key(&m.user_id) {
            report.skipped("memberships", "its person is not in the source");
            continue;
        }
        let default = if *kind == "direct" {
            "everything"
        } else {
            "mentions"
        };
        let involvement = match m.involvement.as_deref() {
            Some("everything") => "everything",
            Some("mentions") => "mentions",
            Some("nothing") => "nothing",
            Some("invisible") => "invisible",
            _ => default,
        };
        rows.push(Row::Membership {
            room_id: m.room_id,
            user_id: m.user_id,
            involvement,
            unread_since: m.unread_at.as_deref().and_then(at),
            created_at: at(&m.created_at).unwrap_or(0),
        });
        report.imported("memberships");
    }
    target.write(&rows)?;

    // Messages, a batch at a time.
    let total = source.message_count()?;
    let progress = std::io::stderr().is_terminal();
    let name_of = |user: UserId| names.get(&user.0).cloned();
    let mut after = 0;
    let mut done = 0_u64;
    loop {
        let batch = source.messages_after(after, BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let mut rows = Vec::with_capacity(batch.len());
        for message in batch {
            done += 1;
            if !rooms.contains_key(&message.room_id) {
                report.skipped("messages", "its room was not imported");
                continue;
            }
            if !names.contains_key(&message.creator_id) {
                report.skipped("messages", "its author is not in the source");
                continue;
            }
            // A message with a file has no rich text: its plain text is the file's name.
            let (body, attachment) = match (message.body.as_deref(), attachments.get(&message.id)) {
                (Some(body), _) => (body, None),
                (None, Some(file)) => match files::attachment(&source, &blobs, file) {
                    Ok(attachment) => {
                        report.imported("files");
                        ("", Some(attachment))
                    }
                    Err(problem) => {
                        report.skipped("messages", format!("message {}: {problem}", message.id));
                        continue;
                    }
                },
                (None, None) => {
                    report.skipped("messages", "no text and no file");
                    continue;
                }
            };
            let converted = rich_text::convert(body, name_of);
            if converted.unresolved > 0 {
                report.adjusted(
                    "messages",
                    "a mention of someone not in the source kept as text",
                );
            }
            let body = match &attachment {
                Some(file) => Ok(MessageBody::file_name(&file.name)),
                None => sanitize::message_body(&converted.html),
            };
            let body = match body {
                Ok(body) => body,
                Err(error) => {
                    report.skipped("messages", format!("message {}: {error}", message.id));
                    continue;
                }
            };
            let Some(created_at) = at(&message.created_at) else {
                report.skipped(
                    "messages",
                    format!(
                        "message {}: unreadable time {:?}",
                        message.id, message.created_at
                    ),
                );
                continue;
            };
            let edited_at = message
                .body_updated_at
                .as_deref()
                .and_then(at)
                .filter(|edited| *edited > created_at + 1_000);
            let mentions = sanitize::mention_chips(body.html())
                .into_iter()
                .map(|u| u.0)
                .filter(|u| names.contains_key(u))
                .collect();
            rows.push(Row::Message {
                id: message.id,
                room_id: message.room_id,
                author_id: message.creator_id,
                client_message_id: message.client_message_id,
                body_html: body.html().to_owned(),
                body_plain: body.plain().to_owned(),
                mentions,
                created_at,
                edited_at,
                attachment,
            });
            report.imported("messages");
        }
        target.write(&rows)?;
        if progress {
            eprint!("\r  messages: {done} of {total}");
            let _ = std::io::stderr().flush();
        }
    }
    if progress {
        eprintln!();
    }

    // Boosts of messages that were imported.
    let boosts = source.boosts()?;
    for chunk in boosts.chunks(BATCH as usize) {
        let mut rows = Vec::with_capacity(chunk.len());
        for boost in chunk {
            if !names.contains_key(&boost.booster_id) {
                report.skipped("boosts", "its booster is not in the source");
                continue;
            }
            let content = match BoostContent::cut_to_fit(&boost.content) {
                Ok(content) => content,
                Err(error) => {
                    report.skipped("boosts", format!("its content is unusable: {error}"));
                    continue;
                }
            };
            if boost.content.trim().chars().count() > BoostContent::MAX_CHARS {
                report.adjusted("boosts", "longer than 16 characters: cut to 16 characters");
            }
            let content = content.to_string();
            rows.push(Row::Boost {
                id: boost.id,
                message_id: boost.message_id,
                booster_id: boost.booster_id,
                content,
                created_at: at(&boost.created_at).unwrap_or(0),
            });
        }
        let orphans = target.write(&rows)?;
        for _ in 0..orphans {
            report.skipped("boosts", "its message was not imported");
        }
        for _ in orphans..rows.len() {
            report.imported("boosts");
        }
    }

    let mut rows = Vec::new();
    for ban in source.bans()? {
        if names.contains_key(&ban.user_id) {
            rows.push(Row::Ban {
                user_id: ban.user_id,
                ip: ban.ip,
                created_at: at(&ban.created_at).unwrap_or(0),
            });
            report.imported("bans");
        } else {
            report.skipped("bans", "its person is not in the source");
        }
    }
    for hook in source.webhooks()? {
        if bots.contains(&hook.user_id) {
            rows.push(Row::Webhook {
                bot_id: hook.user_id,
                url: hook.url,
            });
            report.imported("webhooks");
        } else {
            report.skipped("webhooks", "not a bot's");
        }
    }
    for search in source.searches()? {
        if names.contains_key(&search.user_id) && !search.query.trim().is_empty() {
            rows.push(Row::Search {
                user_id: search.user_id,
                query: search.query,
                searched_at: at(&search.created_at).unwrap_or(0),
            });
            report.imported("searches");
        } else {
            report.skipped("searches", "empty, or of someone not in the source");
        }
    }
    target.write(&rows)?;
    target.finish()?;
    Ok(report)
}

/// A person or bot, or `None` (counted) if they cannot be imported.
fn user_row(
    user: &OnceUser,
    avatar: Option<BlobKey>,
    emails: &mut HashSet<String>,
    report: &mut Report,
) -> Option<Row> {
    let role = match user.role {
        0 => "member",
        1 => "administrator",
        2 => "bot",
        other => {
            report.skipped("people", format!("user {}: unknown role {other}", user.id));
            return None;
        }
    };
    let status = match user.status {
        0 => "active",
        1 => "deactivated",
        2 => "banned",
        other => {
            report.skipped(
                "people",
                format!("user {}: unknown status {other}", user.id),
            );
            return None;
        }
    };
    let bot = role == "bot";
    let bot_token = match (bot, user.bot_token.as_deref()) {
        (true, Some(token)) => match BotToken::parse(token) {
            Ok(token) => Some(token.as_str().to_owned()),
            Err(_) => {
                report.adjusted(
                    "bots",
                    "a key of an unknown form was dropped (make a new one)",
                );
                None
            }
        },
        _ => None,
    };
    // The original's bcrypt hashes are kept; the first sign-in replaces each with argon2id.
    let password_hash = user
        .password_digest
        .clone()
        .filter(|d| !bot && d.starts_with("$2"));
    if !bot && status == "active" && password_hash.is_none() {
        report.adjusted(
            "people",
            "no password: they sign in after an administrator's reset",
        );
    }
    // Our addresses are kept as we compare them (lower case); the original's were typed.
    let email = match user.email.as_deref().filter(|_| !bot) {
        None => None,
        Some(typed) => match EmailAddress::new(typed) {
            Ok(email) => Some(email.as_str().to_owned()),
            Err(_) => {
                report.adjusted("people", "an email address we cannot use was dropped");
                None
            }
        },
    };
    // The original matched addresses as typed, so two active people may differ only in case;
    // we compare them in lower case. The first keeps it; the other is imported without one.
    let email = match email {
        Some(email) if status == "active" && !emails.insert(email.clone()) => {
            report.adjusted(
                "people",
                format!(
                    "user {}: {email} is also an earlier person's (the original told them apart \
                     by case): imported without an email; an administrator can give them one",
                    user.id
                ),
            );
            None
        }
        other => other,
    };
    Some(Row::User {
        id: user.id,
        name: if user.name.trim().is_empty() {
            format!("Person {}", user.id)
        } else {
            user.name.clone()
        },
        email,
        password_hash,
        role,
        status,
        bio: user.bio.clone().unwrap_or_default(),
        bot_token,
        created_at: time::parse(&user.created_at).map_or(0, |t| t.0),
        avatar,
    })
}

fn fresh_join_code() -> Result<String> {
    campfire_store::app::random::join_code()
        .map(|c| c.as_str().to_owned())
        .map_err(|e| anyhow::anyhow!("could not make a join code: {e}"))
}
