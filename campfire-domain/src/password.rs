//! Password hashing with argon2id at OWASP's parameters (19 MiB, t=2, p=1).
//!
//! Hashing is deliberately slow; callers run it off any async runtime. The salt is an input so
//! that this module stays free of I/O (randomness comes from the caller).

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::ValueError;

/// Memory cost in KiB.
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Iterations.
pub const ITERATIONS: u32 = 2;
/// Lanes.
pub const PARALLELISM: u32 = 1;
/// The shortest accepted password, in characters.
pub const MIN_CHARS: usize = 8;
/// The longest accepted password, in bytes (bounds the work an attacker can ask for).
pub const MAX_BYTES: usize = 1024;

fn hasher() -> Result<Argon2<'static>, ValueError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).map_err(|_| {
        ValueError::Malformed {
            what: "password hashing parameters",
            why: "they were rejected by argon2",
        }
    })?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Checks a new password's length.
pub fn check_new(password: &str) -> Result<(), ValueError> {
    if password.chars().count() < MIN_CHARS {
        return Err(ValueError::Malformed {
            what: "password",
            why: "it needs at least 8 characters",
        });
    }
    if password.len() > MAX_BYTES {
        return Err(ValueError::TooLong {
            what: "password",
            max: MAX_BYTES,
        });
    }
    Ok(())
}

/// Hashes a password with a 16-byte random salt into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash(password: &str, salt: [u8; 16]) -> Result<String, ValueError> {
    check_new(password)?;
    let hash = hasher()?
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map_err(|_| ValueError::Malformed {
            what: "password",
            why: "it could not be hashed",
        })?;
    Ok(hash.to_string())
}

/// Whether `password` matches a stored hash: ours (argon2id, PHC), or a bcrypt hash kept from
/// an imported ONCE Campfire (X6; see [`is_imported`]). A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    if password.len() > MAX_BYTES {
        return false;
    }
    if is_imported(stored) {
        return bcrypt::verify(password, stored).unwrap_or(false);
    }
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    hasher().is_ok_and(|h| h.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Whether `stored` is a bcrypt hash from ONCE Campfire (`$2a$`, `$2b$`, `$2y$`), to be
/// replaced with argon2id at the first sign-in that proves the password.
pub fn is_imported(stored: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|p| stored.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_imported_bcrypt_hash_verifies_its_password_only() {
        // `bcrypt`'s hash of "old secret" at cost 4, as Rails stores it ($2a$).
        let stored = bcrypt::hash("old secret", 4)
            .unwrap()
            .replacen("$2b$", "$2a$", 1);
        assert!(is_imported(&stored));
        assert!(verify("old secret", &stored));
        assert!(!verify("old secreT", &stored));
        assert!(!is_imported("$argon2id$v=19$m=19456,t=2,p=1$abc$def"));
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse", [7; 16]).unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("correct horse", &stored));
        assert!(!verify("correct horsE", &stored));
        assert!(!verify("correct horse", "not a hash"));
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(hash("short", [0; 16]).is_err());
        assert!(hash(&"x".repeat(MAX_BYTES + 1), [0; 16]).is_err());
    }
}
