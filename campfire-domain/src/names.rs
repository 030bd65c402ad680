//! Text values that are valid by construction.

use crate::ValueError;

/// Trims `raw`, then checks it is not blank, has no control characters and is at most `max`
/// characters long.
fn single_line(what: &'static str, raw: &str, max: usize) -> Result<String, ValueError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ValueError::Blank { what });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ValueError::Malformed {
            what,
            why: "it contains control characters",
        });
    }
    if trimmed.chars().count() > max {
        return Err(ValueError::TooLong { what, max });
    }
    Ok(trimmed.to_owned())
}

macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The longest accepted value, in characters.
            pub const MAX_CHARS: usize = $max;

            /// Trims `raw` and checks it: not blank, no control characters, not too long.
            pub fn new(raw: &str) -> Result<Self, ValueError> {
                single_line($what, raw, $max).map(Self)
            }

            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(&self.0)
            }
        }
    };
}

text_value!(
    /// A room's name, as shown in the sidebar and the room header.
    RoomName,
    "room name",
    100
);
text_value!(
    /// A room's topic (X7): one line under its name saying what the room is for.
    RoomTopic,
    "topic",
    250
);
text_value!(
    /// A person's or bot's display name.
    PersonName,
    "name",
    100
);
text_value!(
    /// The organisation's name ("Campfire" by default).
    AccountName,
    "account name",
    100
);
text_value!(
    /// A boost: a short reaction on a message, at most 16 characters, not blank.
    BoostContent,
    "boost",
    16
);

impl BoostContent {
    /// A boost as the original's bots post them, kept rather than refused: the original
    /// declares 16 characters but never enforced them (bots post longer ones), so a longer one
    /// is cut to 15 characters and "…". Blank is still refused.
    pub fn cut_to_fit(raw: &str) -> Result<Self, ValueError> {
        let trimmed = raw.trim();
        if trimmed.chars().count() <= Self::MAX_CHARS {
            return Self::new(trimmed);
        }
        let cut: String = trimmed
            .chars()
            .take(Self::MAX_CHARS - 1)
            .chain(['…'])
            .collect();
        Self::new(&cut)
    }
}

/// A person's bio, at most 200 characters. May be empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Bio(String);

impl Bio {
    /// The longest accepted bio, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Trims `raw` and checks its length.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ValueError::TooLong {
                what: "bio",
                max: Self::MAX_CHARS,
            });
        }
        Ok(Bio(trimmed.to_owned()))
    }

    /// The bio as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, trimmed and lower-cased so that look-ups are exact.
///
/// The check is deliberately shallow (one `@`, a dotted domain, no spaces): the only real test
/// of an address is mail reaching it, and Campfire never sends mail.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The longest accepted address (RFC 5321's path limit).
    pub const MAX_CHARS: usize = 254;

    /// Parses and normalises an address.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        const WHAT: &str = "email address";
        let address = single_line(WHAT, raw, Self::MAX_CHARS)?.to_lowercase();
        let Some((local, domain)) = address.split_once('@') else {
            return Err(ValueError::Malformed {
                what: WHAT,
                why: "it needs an @",
            });
        };
        let well_formed = !local.is_empty()
            && !domain.contains('@')
            && !address.chars().any(char::is_whitespace)
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if !well_formed {
            return Err(ValueError::Malformed {
                what: WHAT,
                why: "it should look like name@example.com",
            });
        }
        Ok(EmailAddress(address))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(&self.0)
    }
}

/// The id a client gives a message before sending it, so that a retried send creates one message.
/// Unique per author.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientMessageId(String);

impl ClientMessageId {
    /// The longest accepted id.
    pub const MAX_CHARS: usize = 64;

    /// Accepts 1 to 64 ASCII letters, digits, `-` and `_` (UUIDs and the like).
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        const WHAT: &str = "client message id";
        if raw.is_empty() {
            return Err(ValueError::Blank { what: WHAT });
        }
        if raw.len() > Self::MAX_CHARS {
            return Err(ValueError::TooLong {
                what: WHAT,
                max: Self::MAX_CHARS,
            });
        }
        if !raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ValueError::Malformed {
                what: WHAT,
                why: "use only letters, digits, - and _",
            });
        }
        Ok(ClientMessageId(raw.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A message's content: sanitised rich text and its plain-text rendering.
///
/// The HTML must already be sanitised (the HTTP layer does it with an allowlist before the
/// body is built); this type checks what the domain can: the message says something and is not
/// too large.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageBody {
    html: String,
    plain: String,
}

impl MessageBody {
    /// The longest accepted text, in bytes of its plain rendering: a mebibyte, so that bots can
    /// post CI logs (the original has no limit) and people paste long ones.
    pub const MAX_TEXT_BYTES: usize = 1024 * 1024;
    /// The largest accepted HTML, in bytes: room for the text's markup and escapes.
    pub const MAX_HTML_BYTES: usize = 2 * Self::MAX_TEXT_BYTES;

    /// Builds a body from sanitised HTML and its plain text.
    pub fn new(html: &str, plain: &str) -> Result<Self, ValueError> {
        const WHAT: &str = "message";
        if plain.trim().is_empty() {
            return Err(ValueError::Blank { what: WHAT });
        }
        if plain.len() > Self::MAX_TEXT_BYTES {
            return Err(ValueError::TooLong {
                what: WHAT,
                max: Self::MAX_TEXT_BYTES,
            });
        }
        if html.len() > Self::MAX_HTML_BYTES {
            return Err(ValueError::TooLong {
                what: WHAT,
                max: Self::MAX_HTML_BYTES,
            });
        }
        Ok(MessageBody {
            html: html.to_owned(),
            plain: plain.trim().to_owned(),
        })
    }

    /// The body of a file posted without a caption (M9): no HTML, and the file's name as the
    /// plain text, as the original keeps it.
    pub fn file_name(name: &crate::FileName) -> Self {
        MessageBody {
            html: String::new(),
            plain: name.as_str().to_owned(),
        }
    }

    /// A body from plain text alone; the HTML is the text with `<`, `>`, `&` and quotes escaped.
    pub fn from_plain(plain: &str) -> Result<Self, ValueError> {
        let mut html = String::with_capacity(plain.len());
        for c in plain.trim().chars() {
            match c {
                '<' => html.push_str("&lt;"),
                '>' => html.push_str("&gt;"),
                '&' => html.push_str("&amp;"),
                '"' => html.push_str("&quot;"),
                '\'' => html.push_str("&#39;"),
                _ => html.push(c),
            }
        }
        Self::new(&html, plain)
    }

    /// The sanitised HTML.
    pub fn html(&self) -> &str {
        &self.html
    }

    /// The plain text, trimmed.
    pub fn plain(&self) -> &str {
        &self.plain
    }
}

/// CSS an administrator adds to every page. Administrators are trusted; only the size is bounded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CustomCss(String);

impl CustomCss {
    /// The largest accepted stylesheet, in bytes.
    pub const MAX_BYTES: usize = 100 * 1024;

    /// Checks the size.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        if raw.len() > Self::MAX_BYTES {
            return Err(ValueError::TooLong {
                what: "custom CSS",
                max: Self::MAX_BYTES,
            });
        }
        Ok(CustomCss(raw.to_owned()))
    }

    /// The stylesheet.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// B3: a bot's webhook address as typed: blank means none; anything else must be an `http://`
/// or `https://` URL of at most 2,048 characters. (Where it may point is the delivery's check.)
pub fn webhook_url(raw: &str) -> Result<Option<String>, ValueError> {
    const MAX: usize = 2048;
    let url = raw.trim();
    if url.is_empty() {
        return Ok(None);
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ValueError::Malformed {
            what: "the webhook",
            why: "it must be an http:// or https:// URL",
        });
    }
    if url.chars().count() > MAX {
        return Err(ValueError::TooLong {
            what: "the webhook",
            max: MAX,
        });
    }
    Ok(Some(url.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(RoomName::new("  All Talk ").unwrap().as_str(), "All Talk");
        assert_eq!(
            RoomName::new("   "),
            Err(ValueError::Blank { what: "room name" })
        );
        assert!(RoomName::new(&"x".repeat(100)).is_ok());
        assert!(RoomName::new(&"x".repeat(101)).is_err());
        assert!(RoomName::new("a\u{7}b").is_err());
    }

    #[test]
    fn boosts_are_at_most_sixteen_characters_and_not_blank() {
        assert!(BoostContent::new("👍").is_ok());
        assert!(BoostContent::new("sixteen chars!!!").is_ok());
        assert!(BoostContent::new("seventeen chars!!").is_err());
        assert!(BoostContent::new(" \t ").is_err());
        // Characters, not bytes: 16 emoji are fine.
        assert!(BoostContent::new(&"🔥".repeat(16)).is_ok());
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            EmailAddress::new(" Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "a da@example.com",
            "ada@@example.com",
            "ada@.example.com",
            "ada@example..com",
        ] {
            assert!(EmailAddress::new(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn message_bodies_say_something() {
        assert!(MessageBody::new("<p> </p>", "  ").is_err());
        let body = MessageBody::from_plain(" 1 < 2 & \"x\" ").unwrap();
        assert_eq!(body.html(), "1 &lt; 2 &amp; &quot;x&quot;");
        assert_eq!(body.plain(), "1 < 2 & \"x\"");
        assert!(MessageBody::from_plain(&"x".repeat(MessageBody::MAX_HTML_BYTES + 1)).is_err());
    }

    #[test]
    fn client_message_ids_are_short_tokens() {
        assert!(ClientMessageId::new("0b9e6c1e-8a4e-4c5e-9d0e-3b8f9a7c6d5e").is_ok());
        assert!(ClientMessageId::new("").is_err());
        assert!(ClientMessageId::new("has space").is_err());
        assert!(ClientMessageId::new(&"a".repeat(65)).is_err());
    }

    #[test]
    fn bios_may_be_empty_but_not_long() {
        assert_eq!(Bio::new("  ").unwrap().as_str(), "");
        assert!(Bio::new(&"b".repeat(201)).is_err());
    }

    proptest! {
        #[test]
        fn any_accepted_room_name_is_trimmed_nonblank_and_bounded(raw in "\\PC{0,120}") {
            if let Ok(name) = RoomName::new(&raw) {
                prop_assert_eq!(name.as_str(), name.as_str().trim());
                prop_assert!(!name.as_str().is_empty());
                prop_assert!(name.as_str().chars().count() <= RoomName::MAX_CHARS);
                // Constructing from its own output is the identity.
                prop_assert_eq!(RoomName::new(name.as_str()), Ok(name.clone()));
            }
        }

        #[test]
        fn any_accepted_email_round_trips(raw in "[a-zA-Z0-9 .@_+-]{0,40}") {
            if let Ok(email) = EmailAddress::new(&raw) {
                prop_assert_eq!(email.as_str().matches('@').count(), 1);
                prop_assert_eq!(EmailAddress::new(email.as_str()), Ok(email.clone()));
            }
        }

        #[test]
        fn plain_bodies_never_carry_raw_markup(raw in "\\PC{1,200}") {
            if let Ok(body) = MessageBody::from_plain(&raw) {
                prop_assert!(!body.html().contains('<'));
                prop_assert!(!body.html().contains('>'));
            }
        }
    }

    #[test]
    fn webhook_urls_are_http_or_nothing() {
        assert_eq!(webhook_url("  "), Ok(None));
        assert_eq!(
            webhook_url(" https://bots.example.com/hook ")
                .unwrap()
                .as_deref(),
            Some("https://bots.example.com/hook")
        );
        assert!(webhook_url("ftp://example.com").is_err());
        assert!(webhook_url("example.com/hook").is_err());
        let long = format!("https://example.com/{}", "a".repeat(2048));
        assert!(matches!(
            webhook_url(&long),
            Err(ValueError::TooLong { .. })
        ));
    }
}
