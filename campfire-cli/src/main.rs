//! `campfire-cli`: administer a Campfire data directory from the shell.
//!
//! It works on the same data directory as the server (`./campfire-data` by default), safely
//! while a server runs: every write is a store transaction, serialised with the server's by
//! SQLite's write lock. It has no business logic of its own; it parses arguments, calls the
//! domain rules and the store, and prints the result.
//!
//! Architecture Invariant: no HTTP here (`cargo xtask layering` checks that hyper is absent).

mod commands;
mod files;
mod import;
mod secrets;
mod vapid;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Administer a Campfire server's data directory.
#[derive(Debug, Parser)]
#[command(name = "campfire-cli", version, about)]
struct Cli {
    /// The data directory (the same one the server uses).
    #[arg(long, env = "CAMPFIRE_DATA_DIR", default_value = campfire_store::DEFAULT_DATA_DIR, global = true)]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the data directory and its database (safe to run again).
    Init,
    /// Manage people.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage bots.
    #[command(subcommand)]
    Bot(BotCommand),
    /// Manage rooms.
    #[command(subcommand)]
    Room(RoomCommand),
    /// Show or rotate the code in the join link.
    JoinCode {
        #[command(subcommand)]
        action: JoinCodeAction,
    },
    /// Show or rotate the Web Push (VAPID) key; rotating removes every push subscription
    /// (browsers subscribe again) and is refused while a server is running.
    Vapid {
        #[command(subcommand)]
        action: VapidAction,
    },
    /// Write a consistent copy of the database to FILE, and the files' bytes to FILE.files/,
    /// while the server keeps running.
    Backup {
        /// Where to write the copy (must not exist).
        file: PathBuf,
    },
    /// Replace the database with a backup, and put back the files kept beside it in
    /// FILE.files/ (refused while a server is running).
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Counts of users, rooms, messages, files and events, and the database size.
    Stats,
    /// Import a ONCE Campfire: its `storage/` folder (`db/production.sqlite3`, with `-wal` and
    /// `-shm` if present), into this data directory, which must hold no Campfire yet. The
    /// source is only read. Ids, passwords, rooms, messages, mentions, boosts and bots keep
    /// working; a table at the end says what was imported and what was skipped and why.
    Import {
        /// The original's storage folder.
        storage: PathBuf,
    },
    /// Rebuild the search index from the database (refused while a server is running; a
    /// running server rebuilds a missing or damaged index by itself).
    Reindex,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a person; the password is read from standard input. The first administrator
    /// created also sets Campfire up (the account and the "All Talk" room).
    Create {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Sign-in email address.
        #[arg(long)]
        email: String,
        /// Make them an administrator.
        #[arg(long)]
        admin: bool,
    },
    /// List every user.
    List,
    /// Make someone a member or an administrator.
    SetRole {
        /// Their email address or user id.
        user: String,
        /// `member` or `administrator`.
        #[arg(value_parser = ["member", "administrator"])]
        role: String,
    },
    /// Deactivate someone: end their sessions and remove them from rooms (their messages stay).
    Deactivate {
        /// Their email address or user id.
        user: String,
    },
    /// Set a new password (read from standard input) and end all their sessions.
    ResetPassword {
        /// Their email address or user id.
        user: String,
    },
    /// Ban someone: deactivated, their messages deleted, and the public addresses only they
    /// used refused.
    Ban {
        /// Their email address or user id.
        user: String,
    },
    /// Lift someone's ban: their account comes back (their deleted messages do not).
    Unban {
        /// Their email address or user id.
        user: String,
    },
}

#[derive(Debug, Subcommand)]
enum BotCommand {
    /// Create a bot; its key is printed on the last line.
    Create {
        /// The bot's name.
        #[arg(long)]
        name: String,
        /// Where Campfire POSTs messages that mention the bot.
        #[arg(long)]
        webhook: Option<String>,
    },
    /// List bots with their keys.
    List,
    /// Give a bot a new key; the old one stops working at once.
    RotateKey {
        /// The bot's user id.
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
enum RoomCommand {
    /// Create a room (open to everyone unless --closed); its id is printed on the last line.
    Create {
        /// The room's name.
        #[arg(long)]
        name: String,
        /// Only the chosen members may see it.
        #[arg(long)]
        closed: bool,
        /// A member's email address (repeatable; with --closed).
        #[arg(long = "member", requires = "closed")]
        members: Vec<String>,
    },
    /// List rooms.
    List,
}

#[derive(Debug, Subcommand)]
enum VapidAction {
    /// Print the public key (created if there is none yet).
    Show,
    /// Replace the key pair and remove the push subscriptions made for the old one.
    Rotate,
}

#[derive(Debug, Subcommand)]
enum JoinCodeAction {
    /// Print the join code.
    Show,
    /// Replace the join code; old links stop working at once.
    Rotate,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
