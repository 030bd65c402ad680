//! Codes and keys that people paste: join codes and bot keys.

use crate::{UserId, ValueError};

/// The characters of generated codes and tokens: ASCII letters and digits.
pub const TOKEN_ALPHABET: &[u8; 62] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Turns random bytes into `len` alphanumerics without modulo bias: bytes at or above the
/// largest multiple of 62 are skipped. Returns `None` if the bytes run out first.
fn alphanumerics(random: impl IntoIterator<Item = u8>, len: usize) -> Option<String> {
    const LIMIT: u8 = 248; // 62 * 4
    let out: String = random
        .into_iter()
        .filter(|b| *b < LIMIT)
        .filter_map(|b| {
            TOKEN_ALPHABET
                .get(usize::from(b % 62))
                .map(|c| char::from(*c))
        })
        .take(len)
        .collect();
    (out.len() == len).then_some(out)
}

/// The code in an account's join link, `XXXX-XXXX-XXXX` (12 letters and digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JoinCode(String);

impl JoinCode {
    /// Parses a code as it appears in `/join/<code>`.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let groups: Vec<&str> = raw.split('-').collect();
        let well_formed = groups.len() == 3
            && groups
                .iter()
                .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_alphanumeric()));
        if well_formed {
            Ok(JoinCode(raw.to_owned()))
        } else {
            Err(ValueError::Malformed {
                what: "join code",
                why: "it should look like XXXX-XXXX-XXXX",
            })
        }
    }

    /// A fresh code from random bytes (give at least 24; 64 makes running out vanishingly rare).
    pub fn from_random(random: impl IntoIterator<Item = u8>) -> Option<Self> {
        let chars = alphanumerics(random, 12)?;
        let (a, rest) = chars.split_at(4);
        let (b, c) = rest.split_at(4);
        Some(JoinCode(format!("{a}-{b}-{c}")))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for JoinCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(&self.0)
    }
}

/// The secret part of a bot key: 12 letters and digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BotToken(String);

impl BotToken {
    /// Parses a token.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        if raw.len() == 12 && raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(BotToken(raw.to_owned()))
        } else {
            Err(ValueError::Malformed {
                what: "bot token",
                why: "it should be 12 letters and digits",
            })
        }
    }

    /// A fresh token from random bytes (give at least 24).
    pub fn from_random(random: impl IntoIterator<Item = u8>) -> Option<Self> {
        alphanumerics(random, 12).map(BotToken)
    }

    /// The token as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for BotToken {
    /// Secrets never reach logs, even through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BotToken(…)")
    }
}

/// A bot's key as it appears in bot API URLs: `<user id>-<token>`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BotKey {
    /// The bot's user id.
    pub user: UserId,
    /// The bot's secret token.
    pub token: BotToken,
}

impl BotKey {
    /// Parses `<id>-<12 alphanumerics>`.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let malformed = ValueError::Malformed {
            what: "bot key",
            why: "it should look like 123-AbCdEf123456",
        };
        let Some((id, token)) = raw.split_once('-') else {
            return Err(malformed);
        };
        let valid_id = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
        let user = match id.parse::<i64>() {
            Ok(n) if valid_id && n > 0 => UserId(n),
            _ => return Err(malformed),
        };
        let token = BotToken::parse(token).map_err(|_| malformed)?;
        Ok(BotKey { user, token })
    }
}

impl std::fmt::Display for BotKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.user, self.token.as_str())
    }
}

impl std::fmt::Debug for BotKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BotKey({}-…)", self.user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn join_codes_have_three_groups_of_four() {
        assert!(JoinCode::parse("AbC1-dEf2-GhI3").is_ok());
        for bad in [
            "",
            "ABCD-EFGH",
            "ABCD-EFGH-IJK",
            "ABCD-EFGH-IJKL-MNOP",
            "AB_D-EFGH-IJKL",
            "ABCDEFGHIJKL",
        ] {
            assert!(JoinCode::parse(bad).is_err(), "{bad:?} was accepted");
        }
        let code = JoinCode::from_random((0u8..=255).cycle().take(64)).unwrap();
        assert!(JoinCode::parse(code.as_str()).is_ok());
    }

    #[test]
    fn generation_skips_biased_bytes_and_reports_running_out() {
        // Bytes >= 248 are skipped: twelve of them yield nothing.
        assert_eq!(BotToken::from_random([255u8; 30]), None);
        assert_eq!(JoinCode::from_random([0u8; 11]), None);
        assert_eq!(
            BotToken::from_random([0u8; 12]).unwrap().as_str(),
            "AAAAAAAAAAAA"
        );
    }

    #[test]
    fn bot_keys_are_id_dash_token() {
        let key = BotKey::parse("42-AbCdEf123456").unwrap();
        assert_eq!(key.user, UserId(42));
        assert_eq!(key.to_string(), "42-AbCdEf123456");
        for bad in [
            "",
            "42",
            "42-",
            "-AbCdEf123456",
            "x2-AbCdEf123456",
            "42-short",
            "42-AbCdEf1234567",
            "0-AbCdEf123456",
            "+4-AbCdEf123456",
        ] {
            assert!(BotKey::parse(bad).is_err(), "{bad:?} was accepted");
        }
        // The secret never shows in debug output.
        assert!(!format!("{key:?}").contains("AbCdEf"));
    }

    proptest! {
        #[test]
        fn generated_keys_always_parse_back(id in 1i64..i64::MAX, bytes in proptest::collection::vec(any::<u8>(), 64)) {
            if let Some(token) = BotToken::from_random(bytes) {
                let key = BotKey { user: UserId(id), token };
                prop_assert_eq!(BotKey::parse(&key.to_string()), Ok(key.clone()));
            }
        }

        #[test]
        fn parsing_arbitrary_keys_never_panics(raw in "\\PC{0,40}") {
            let _ = BotKey::parse(&raw);
            let _ = JoinCode::parse(&raw);
        }
    }
}
