//! Generated avatars (A10): initials on a coloured square, the colour picked from the user id
//! exactly as the original Campfire does, so imported users keep the colour they had.

use crate::UserId;

/// The 18 avatar colours, in the original's order (the order is part of the colour choice).
pub const AVATAR_COLOURS: [&str; 18] = [
    "#AF2E1B", "#CC6324", "#3B4B59", "#BFA07A", "#ED8008", "#ED3F1C", "#BF1B1B", "#736B1E",
    "#D07B53", "#736356", "#AD1D1D", "#BF7C2A", "#C09C6F", "#698F9C", "#7C956B", "#5D618F",
    "#3B3633", "#67695E",
];

/// The colour of a user's generated avatar: CRC32 of the id's decimal form, modulo 18.
pub fn avatar_colour(user: UserId) -> &'static str {
    let hash = crc32fast::hash(user.0.to_string().as_bytes());
    // `AVATAR_COLOURS.len()` is 18, so the cast is lossless and the index always in range;
    // the fallback only exists to keep indexing total.
    let index = (hash % AVATAR_COLOURS.len() as u32) as usize;
    AVATAR_COLOURS
        .get(index)
        .copied()
        .unwrap_or(AVATAR_COLOURS[0])
}

/// The initials of a name: the first letter or digit of each whitespace-separated word,
/// uppercased. Leading punctuation of a word is skipped ("(Ada)" gives "A"); a name with no
/// letters at all gives "?" so the avatar is never empty.
pub fn initials(name: &str) -> String {
    let initials: String = name
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .flat_map(char::to_uppercase)
        .collect();
    if initials.is_empty() {
        "?".to_owned()
    } else {
        initials
    }
}

/// What a generated avatar shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Avatar {
    /// The letters drawn on the square.
    pub initials: String,
    /// The square's colour, `#RRGGBB`.
    pub colour: &'static str,
}

impl Avatar {
    /// The generated avatar of a user with this id and display name.
    pub fn for_user(id: UserId, name: &str) -> Avatar {
        Avatar {
            initials: initials(name),
            colour: avatar_colour(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_matches_the_original_crc32_choice() {
        // crc32("1") = 0x83DCEFB7 = 2_212_294_583; 18 × 122_905_254 = 2_212_294_572, so
        // the remainder is 11 and the colour is AVATAR_COLOURS[11] = #BF7C2A.
        assert_eq!(crc32fast::hash(b"1"), 0x83DC_EFB7);
        assert_eq!(avatar_colour(UserId(1)), "#BF7C2A");
        // crc32("2") = 0x1AD5BE0D = 450_215_437 = 18 × 25_011_968 + 13 → #698F9C.
        assert_eq!(avatar_colour(UserId(2)), "#698F9C");
    }

    #[test]
    fn colour_is_always_one_of_the_eighteen() {
        for id in -50..500 {
            assert!(AVATAR_COLOURS.contains(&avatar_colour(UserId(id))));
        }
    }

    #[test]
    fn initials_take_the_first_letter_of_each_word() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("jean-luc picard"), "JP");
        assert_eq!(initials("Zoë"), "Z");
        assert_eq!(initials("  élodie   ünal "), "ÉÜ");
        assert_eq!(initials("(Ada) 42nd"), "A4");
        assert_eq!(initials(""), "?");
        assert_eq!(initials("   "), "?");
        assert_eq!(initials("🔥 --"), "?");
    }

    #[test]
    fn avatar_combines_initials_and_colour() {
        assert_eq!(
            Avatar::for_user(UserId(1), "Grace Hopper"),
            Avatar {
                initials: "GH".to_owned(),
                colour: "#BF7C2A",
            }
        );
    }
}
