//! Randomness and passwords: the inputs the domain takes but never makes.

use anyhow::{Context, Result, bail};
use campfire_domain::{JoinCode, password};
use campfire_store::app::random;
use std::io::{BufRead, IsTerminal};

/// A fresh join code.
pub fn join_code() -> Result<JoinCode> {
    Ok(random::join_code()?)
}

/// Reads a password: hidden at a terminal prompt, or the first line of piped standard input.
/// Never from the command line, where other users could see it in the process list.
pub fn read_password() -> Result<String> {
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password: ").context("could not read the password")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("could not read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    if password.is_empty() {
        bail!(
            "no password given: pipe it to standard input, e.g. `echo 'a good password' | campfire-cli user create …`"
        );
    }
    password::check_new(&password)?;
    Ok(password)
}

/// Hashes a password with argon2id on a blocking thread (it takes tens of milliseconds).
pub async fn hash_password(password: String) -> Result<String> {
    let salt = random::bytes::<16>()?;
    let hashed = tokio::task::spawn_blocking(move || password::hash(&password, salt))
        .await
        .context("the hashing thread failed")??;
    Ok(hashed)
}
