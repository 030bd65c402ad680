//! What each command does: parse its arguments into domain values, call the store, print.

use anyhow::{Context, Result, bail};
use campfire_domain::{EmailAddress, PersonName, Role, RoomName, User, UserId, webhook_url};
use campfire_search::{SearchIndex, TantivyIndex};
use campfire_store::app::{App, AppError, Caller, SignUp};
use campfire_store::{DataDir, RoomMembers, SqliteStore, Store, StoreOptions};
use std::sync::Arc;

use crate::{BotCommand, Cli, Command, JoinCodeAction, RoomCommand, UserCommand, secrets};

async fn open(data: &DataDir) -> Result<SqliteStore> {
    if !data.has_database() {
        bail!(
            "no Campfire database in {}: run `campfire-cli --data-dir {} init` first",
            data.root().display(),
            data.root().display()
        );
    }
    SqliteStore::open(&data.database(), StoreOptions::default())
        .await
        .with_context(|| format!("could not open {}", data.database().display()))
}

/// Runs one command.
pub async fn run(cli: Cli) -> Result<()> {
    let data = DataDir::new(&cli.data_dir);
    match cli.command {
        Command::Init => init(&data).await,
        Command::User(command) => user(Arc::new(open(&data).await?), command).await,
        Command::Bot(command) => bot(Arc::new(open(&data).await?), command).await,
        Command::Room(command) => room(Arc::new(open(&data).await?), command).await,
        Command::JoinCode { action } => join_code(open(&data).await?, action).await,
        Command::Vapid { action } => crate::vapid::run(&data, action).await,
        Command::Backup { file } => {
            if file.exists() {
                bail!("{} already exists; choose a new file name", file.display());
            }
            let store = open(&data).await?;
            // Files before and after the database: every blob the copied database refers to
            // was written before its message committed, so one of the two passes sees it
            // (unless deleted in between, with its message).
            let kept = crate::files::beside(&file);
            let before = crate::files::copy_blobs(&data.files(), &kept)
                .context("copying the files failed")?;
            store.backup_to(&file).await.context("the backup failed")?;
            let after = crate::files::copy_blobs(&data.files(), &kept)
                .context("copying the files failed")?;
            let stats = store.stats().await?;
            println!(
                "Backed up {} messages and {} events to {}, and {} files ({} bytes) to {}",
                stats.messages,
                stats.events,
                file.display(),
                before.files + after.files,
                before.bytes + after.bytes,
                kept.display()
            );
            Ok(())
        }
        Command::Restore { file } => {
            if !file.is_file() {
                bail!("{} is not a file", file.display());
            }
            data.create()?;
            data.restore_from(&file)
                .await
                .context("the restore failed")?;
            let kept = crate::files::beside(&file);
            let copied = crate::files::copy_blobs(&kept, &data.files())
                .context("restoring the files failed")?;
            println!(
                "Restored {} from {}, and {} files from {}",
                data.database().display(),
                file.display(),
                copied.files,
                kept.display()
            );
            Ok(())
        }
        Command::Stats => stats(&open(&data).await?).await,
        Command::Reindex => reindex(&data).await,
        Command::Import { storage } => {
            let report = crate::import::run::import(&data, &storage).await?;
            print!("{}", report.table());
            // Search works at once: the index is built now rather than at the server's start.
            reindex(&data).await
        }
    }
}

async fn reindex(data: &DataDir) -> Result<()> {
    let store = open(data).await?;
    let Some(_lock) = data.try_lock_exclusive()? else {
        bail!(
            "a Campfire server is using {}; stop it first (a running server rebuilds a missing \
             or damaged search index by itself)",
            data.root().display()
        );
    };
    let dir = data.search_index();
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("could not remove the old index in {}", dir.display()))?;
    }
    let (index, _) = TantivyIndex::open(&dir).context("could not create the search index")?;
    let through = campfire_search::follow::rebuild(&store, &index)
        .await
        .context("the rebuild failed")?;
    println!(
        "Indexed {} messages (through event {}) in {}",
        index.len()?,
        through.0,
        dir.display()
    );
    Ok(())
}

async fn init(data: &DataDir) -> Result<()> {
    data.create()
        .with_context(|| format!("could not create {}", data.root().display()))?;
    let existed = data.has_database();
    let store = SqliteStore::open(&data.database(), StoreOptions::default()).await?;
    store.close().await?;
    if existed {
        println!(
            "{} is ready (it already existed)",
            data.database().display()
        );
    } else {
        println!("Created {}", data.database().display());
    }
    Ok(())
}

/// A user by id or email address.
async fn find_user(store: &SqliteStore, who: &str) -> Result<User> {
    if let Ok(id) = who.parse::<i64>() {
        return store
            .user(UserId(id))
            .await
            .with_context(|| format!("no user with id {id}"));
    }
    let email = EmailAddress::new(who)?;
    store
        .active_user_by_email(&email)
        .await?
        .with_context(|| format!("no active user with the email address {email}"))
}

/// Like [`find_user`], but also a deactivated or banned person (to unban): by email, the newest
/// account with that address.
async fn find_any_user(store: &SqliteStore, who: &str) -> Result<User> {
    if who.parse::<i64>().is_ok() {
        return find_user(store, who).await;
    }
    let email = EmailAddress::new(who)?;
    store
        .users()
        .await?
        .into_iter()
        .rev()
        .find(|u| u.email.as_ref() == Some(&email))
        .with_context(|| format!("no user with the email address {email}"))
}

async fn user(store: Arc<SqliteStore>, command: UserCommand) -> Result<()> {
    let app = App::offline(store.clone());
    let store = store.as_ref();
    match command {
        UserCommand::Create { name, email, admin } => {
            let role = if admin {
                Role::Administrator
            } else {
                Role::Member
            };
            let person = SignUp::new(&name, &email, &secrets::read_password()?)?;
            let (user, set_up) = app
                .add_person(Caller::Operator, person, role)
                .await
                .map_err(|error| match error {
                    // The shell's way to what the message asks for.
                    AppError::Refused(why) if !admin => anyhow::anyhow!("{why} (add --admin)"),
                    other => other.into(),
                })?;
            if set_up {
                // Creating the first administrator from the shell is first run (A1).
                println!("Set up Campfire with the room \"All Talk\"");
            }
            println!(
                "Created {} {} <{}>",
                user.role.as_str(),
                user.name,
                email_of(&user)
            );
            println!("{}", user.id);
            Ok(())
        }
        UserCommand::List => {
            println!(
                "{:>6}  {:<13}  {:<11}  {:<24}  EMAIL",
                "ID", "ROLE", "STATUS", "NAME"
            );
            for user in store.users().await?.iter().filter(|u| u.role != Role::Bot) {
                println!(
                    "{:>6}  {:<13}  {:<11}  {:<24}  {}",
                    user.id,
                    user.role.as_str(),
                    user.status.as_str(),
                    user.name,
                    email_of(user)
                );
            }
            Ok(())
        }
        UserCommand::SetRole { user, role } => {
            let user = find_user(store, &user).await?;
            let role = Role::parse(&role).context("the role must be member or administrator")?;
            let user = app.set_role(Caller::Operator, user.id, role).await?;
            println!("{} is now {}", user.name, user.role.as_str());
            Ok(())
        }
        UserCommand::Deactivate { user } => {
            let user = find_user(store, &user).await?;
            app.deactivate(Caller::Operator, user.id).await?;
            println!(
                "Deactivated {}: their sessions are ended and their messages stay",
                user.name
            );
            Ok(())
        }
        UserCommand::Ban { user } => {
            let user = find_user(store, &user).await?;
            app.ban(Caller::Operator, user.id).await?;
            println!("Banned {}", user.name);
            Ok(())
        }
        UserCommand::Unban { user } => {
            let user = find_any_user(store, &user).await?;
            app.unban(Caller::Operator, user.id).await?;
            println!("Lifted {}'s ban: they can sign in again", user.name);
            Ok(())
        }
        UserCommand::ResetPassword { user } => {
            let user = find_user(store, &user).await?;
            app.reset_password(Caller::Operator, user.id, secrets::read_password()?)
                .await?;
            println!(
                "Set a new password for {} and signed them out everywhere",
                user.name
            );
            Ok(())
        }
    }
}

fn email_of(user: &User) -> String {
    user.email
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
}

fn bot_key(user: &User) -> String {
    user.bot_token
        .as_ref()
        .map(|t| format!("{}-{}", user.id, t.as_str()))
        .unwrap_or_default()
}

async fn bot(store: Arc<SqliteStore>, command: BotCommand) -> Result<()> {
    let app = App::offline(store.clone());
    let store = store.as_ref();
    match command {
        BotCommand::Create { name, webhook } => {
            if store.account().await?.is_none() {
                bail!("Campfire is not set up yet: create an administrator first");
            }
            let webhook = webhook.as_deref().map(webhook_url).transpose()?.flatten();
            let user = app
                .create_bot(Caller::Operator, PersonName::new(&name)?, webhook)
                .await?;
            println!("Created bot {} (id {})", user.name, user.id);
            println!("{}", bot_key(&user));
            Ok(())
        }
        BotCommand::List => {
            println!(
                "{:>6}  {:<11}  {:<24}  {:<20}  {:>9}  {:>7}  {:>6}  {:<9}  WEBHOOK",
                "ID", "STATUS", "NAME", "KEY", "DELIVERED", "PENDING", "FAILED", "CIRCUIT"
            );
            for user in store.users().await?.iter().filter(|u| u.role == Role::Bot) {
                let webhook = store
                    .webhook(user.id)
                    .await?
                    .map(|w| w.url)
                    .unwrap_or_default();
                let stats = store.delivery_stats(user.id).await?;
                println!(
                    "{:>6}  {:<11}  {:<24}  {:<20}  {:>9}  {:>7}  {:>6}  {:<9}  {}",
                    user.id,
                    user.status.as_str(),
                    user.name,
                    bot_key(user),
                    stats.delivered,
                    stats.pending,
                    stats.failed,
                    stats.circuit,
                    webhook
                );
                if let Some(error) = stats.last_error {
                    println!("        last failure: {error}");
                }
            }
            Ok(())
        }
        BotCommand::RotateKey { id } => {
            let user = app.rotate_bot_key(Caller::Operator, UserId(id)).await?;
            println!("New key for {}; the old one no longer works", user.name);
            println!("{}", bot_key(&user));
            Ok(())
        }
    }
}

async fn room(store: Arc<SqliteStore>, command: RoomCommand) -> Result<()> {
    let app = App::offline(store.clone());
    let store = store.as_ref();
    match command {
        RoomCommand::Create {
            name,
            closed,
            members,
        } => {
            let creator = store
                .users()
                .await?
                .into_iter()
                .find(|u| u.role == Role::Administrator && u.is_active())
                .context("there is no active administrator to own the room: create one first")?;
            let members = if closed {
                let mut ids = Vec::new();
                for email in &members {
                    ids.push(find_user(store, email).await?.id);
                }
                RoomMembers::Only(ids)
            } else {
                RoomMembers::Everyone
            };
            let room = app
                .create_room(&creator, RoomName::new(&name)?, members)
                .await?;
            let count = store.members(room.id).await?.len();
            println!(
                "Created {} room {} with {count} members",
                room.kind.as_str(),
                name.trim()
            );
            println!("{}", room.id);
            Ok(())
        }
        RoomCommand::List => {
            println!("{:>6}  {:<7}  {:>7}  NAME", "ID", "KIND", "MEMBERS");
            for room in store.rooms().await? {
                let members = store.members(room.id).await?;
                let name = match &room.name {
                    Some(name) => name.to_string(),
                    None => {
                        let mut names = Vec::new();
                        for m in &members {
                            names.push(store.user(m.user).await?.name.to_string());
                        }
                        names.join(", ")
                    }
                };
                println!(
                    "{:>6}  {:<7}  {:>7}  {name}",
                    room.id,
                    room.kind.as_str(),
                    members.len()
                );
            }
            Ok(())
        }
    }
}

async fn join_code(store: SqliteStore, action: JoinCodeAction) -> Result<()> {
    let account = match action {
        JoinCodeAction::Show => store.account().await?,
        JoinCodeAction::Rotate => {
            if store.account().await?.is_none() {
                None
            } else {
                let app = App::offline(Arc::new(store));
                Some(app.rotate_join_code(Caller::Operator).await?)
            }
        }
    };
    let account = account.context("Campfire is not set up yet: create an administrator first")?;
    println!("/join/{}", account.join_code);
    Ok(())
}

async fn stats(store: &SqliteStore) -> Result<()> {
    let stats = store.stats().await?;
    let bytes = store.size_on_disk();
    println!("users     {}", stats.users);
    println!("rooms     {}", stats.rooms);
    println!("messages  {}", stats.messages);
    println!(
        "files     {} ({:.1} MiB)",
        stats.files,
        stats.file_bytes as f64 / (1024.0 * 1024.0)
    );
    println!("events    {} (last {})", stats.events, stats.last_event);
    println!(
        "database  {:.1} MiB ({bytes} bytes)",
        bytes as f64 / (1024.0 * 1024.0)
    );
    Ok(())
}
