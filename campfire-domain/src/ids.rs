//! Identifiers. Every id is a 64-bit integer, as in the original Campfire, so that bot keys,
//! permalinks and imported data keep their shape.

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;

            /// Parses the decimal form used in URLs; leading `+` or spaces are refused.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                if s.starts_with('+') {
                    // `i64::from_str` accepts "+5"; a URL with "+5" is not a canonical id.
                    return "x".parse::<i64>().map($name);
                }
                s.parse().map($name)
            }
        }
    };
}

id_type!(
    /// The one account (organisation) of an installation.
    AccountId
);
id_type!(
    /// A person or a bot.
    UserId
);
id_type!(
    /// A signed-in browser session.
    SessionId
);
id_type!(
    /// An open, closed or direct room.
    RoomId
);
id_type!(
    /// A message in a room.
    MessageId
);
id_type!(
    /// A boost (short reaction) on a message.
    BoostId
);
id_type!(
    /// A Web Push subscription of one browser.
    PushSubscriptionId
);
id_type!(
    /// A bot's webhook.
    WebhookId
);
id_type!(
    /// A recorded ban.
    BanId
);
id_type!(
    /// The position of an event in the sequenced log. Strictly increasing in commit order.
    EventSeq
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_their_decimal_form_only() {
        assert_eq!("42".parse::<RoomId>(), Ok(RoomId(42)));
        assert!("+42".parse::<RoomId>().is_err());
        assert!(" 42".parse::<RoomId>().is_err());
        assert!("4x".parse::<RoomId>().is_err());
        assert!("99999999999999999999".parse::<RoomId>().is_err());
        assert_eq!(UserId(7).to_string(), "7");
    }
}
