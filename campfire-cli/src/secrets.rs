//! Reading a new password: hidden at a terminal, or piped in; never from the command line.

use anyhow::{Context, Result, bail};
use campfire_domain::password;
use std::io::{BufRead, IsTerminal};

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
