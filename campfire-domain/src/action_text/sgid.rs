//! Mention SGIDs of ONCE Campfire (docs: once-campfire.md, "Mentions"): which user a
//! `<action-text-attachment sgid="…">` names.
//!
//! The part before `--` is Base64 (standard or URL-safe, padded or not) of JSON. Rails 7.1 and
//! later write `{"_rails":{"data":"gid://campfire/User/<id>",…}}`; Rails 7.0 wrote
//! `{"_rails":{"message":"<Base64 of a Marshal-dumped string gid://campfire/User/<id>>",…}}`.
//! The signature after `--` needs the old server's secret, so it is not checked: an import
//! trusts its source, and a bot's post is the bot's word (a mention only notifies).

use crate::UserId;
use base64ct::{Base64Unpadded, Encoding};

/// Why an SGID names no user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SgidError {
    /// Not Base64, or not Rails' JSON inside.
    #[error("not a signed global id")]
    Malformed,
    /// A global id of something other than a user.
    #[error("names {0}, not a user")]
    NotAUser(String),
}

/// The user an SGID names.
pub fn mentioned_user(sgid: &str) -> Result<UserId, SgidError> {
    let encoded = sgid.split("--").next().unwrap_or_default();
    let json = decode_base64(encoded).ok_or(SgidError::Malformed)?;
    let json = std::str::from_utf8(&json).map_err(|_| SgidError::Malformed)?;
    let json = json.trim();
    if !(json.starts_with('{') && json.ends_with('}')) {
        return Err(SgidError::Malformed);
    }
    let rails = json
        .find("\"_rails\"")
        .and_then(|at| json.get(at..))
        .ok_or(SgidError::Malformed)?;
    if let Some(data) = string_field(rails, "data") {
        return user_in(data.as_bytes());
    }
    // Rails 7.0: a Marshal dump of the string; the global id is in it as plain bytes.
    let message = string_field(rails, "message").ok_or(SgidError::Malformed)?;
    let dumped = decode_base64(&message).ok_or(SgidError::Malformed)?;
    user_in(&dumped)
}

/// The string value of the first `"key": "…"` in `json`, unescaped. Rails writes these
/// payloads with a fixed shape, so a field reader is enough (the domain takes no JSON
/// library: it does no serialisation).
fn string_field(json: &str, key: &str) -> Option<String> {
    let quoted = format!("\"{key}\"");
    let after_key = json.get(json.find(&quoted)? + quoted.len()..)?;
    let value = after_key.trim_start().strip_prefix(':')?.trim_start();
    let mut chars = value.strip_prefix('"')?.chars();
    let mut out = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                c @ ('"' | '\\' | '/') => out.push(c),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let code = u32::from_str_radix(&hex, 16).ok()?;
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                _ => return None,
            },
            c => out.push(c),
        }
    }
}

/// Base64 in either alphabet, padded or not, ignoring line breaks.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let normalised: String = text
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && *c != '=')
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    Base64Unpadded::decode_vec(&normalised).ok()
}

/// The user of the first `gid://APP/MODEL/ID` in `bytes`.
fn user_in(bytes: &[u8]) -> Result<UserId, SgidError> {
    let start = bytes
        .windows(6)
        .position(|w| w == b"gid://")
        .ok_or(SgidError::Malformed)?;
    let rest = bytes.get(start + 6..).ok_or(SgidError::Malformed)?;
    let gid: String = rest
        .iter()
        .take_while(|b| b.is_ascii_graphic() && **b != b'?' && **b != b'"')
        .map(|b| char::from(*b))
        .collect();
    let mut parts = gid.split('/');
    let (_app, model, id) = (parts.next(), parts.next(), parts.next());
    match (model, id.and_then(|id| id.parse::<i64>().ok())) {
        (Some("User"), Some(id)) if id > 0 => Ok(UserId(id)),
        (Some("User"), _) | (None, _) => Err(SgidError::Malformed),
        (Some(other), _) => Err(SgidError::NotAUser(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64ct::{Base64, Base64Url};
    use proptest::prelude::*;

    /// A Rails 7.1 SGID of `gid`, in the standard or the URL-safe alphabet.
    fn modern(gid: &str, url_safe: bool) -> String {
        let json = format!(r#"{{"_rails":{{"data":"{gid}","pur":"attachable"}}}}"#);
        let encoded = if url_safe {
            Base64Url::encode_string(json.as_bytes())
        } else {
            Base64::encode_string(json.as_bytes())
        };
        format!("{encoded}--0123456789abcdef")
    }

    /// A Rails 7.0 SGID: the global id Marshal-dumped as a string with its encoding.
    fn legacy(gid: &str) -> String {
        let mut dumped = vec![4, 8, b'I', b'"', u8::try_from(gid.len() + 5).unwrap()];
        dumped.extend_from_slice(gid.as_bytes());
        dumped.extend_from_slice(&[6, b':', 6, b'E', b'T']);
        let message = Base64::encode_string(&dumped);
        let json =
            format!(r#"{{"_rails":{{"message":"{message}","exp":null,"pur":"attachable"}}}}"#);
        format!(
            "{}--fedcba9876543210",
            Base64::encode_string(json.as_bytes())
        )
    }

    #[test]
    fn both_formats_name_the_user() {
        for sgid in [
            modern("gid://campfire/User/42", false),
            modern("gid://campfire/User/42", true),
            modern("gid://campfire/User/42?expires_in", false),
            legacy("gid://campfire/User/42"),
        ] {
            assert_eq!(mentioned_user(&sgid), Ok(UserId(42)), "{sgid}");
        }
    }

    #[test]
    fn other_things_are_not_users() {
        assert_eq!(
            mentioned_user(&modern("gid://campfire/ActiveStorage::Blob/7", false)),
            Err(SgidError::NotAUser("ActiveStorage::Blob".into()))
        );
        for bad in [
            "",
            "--",
            "not base64!--x",
            &modern("gid://campfire/User/x", false),
        ] {
            assert_eq!(mentioned_user(bad), Err(SgidError::Malformed), "{bad}");
        }
    }

    proptest! {
        // Fuzzing the import's SGID parser (battery item 4): any text is answered, never a panic.
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2_000)
        ))]
        #[test]
        fn any_text_is_answered(text in ".{0,200}") {
            let _ = mentioned_user(&text);
        }

        #[test]
        fn any_user_id_round_trips(id in 1_i64..i64::MAX, url_safe: bool) {
            let gid = format!("gid://campfire/User/{id}");
            prop_assert_eq!(mentioned_user(&modern(&gid, url_safe)), Ok(UserId(id)));
            prop_assert_eq!(mentioned_user(&legacy(&gid)), Ok(UserId(id)));
        }
    }
}
