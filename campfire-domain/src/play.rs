//! `/play` sound messages (M8): a message whose whole text is `/play <name>` with one of the
//! 56 known names plays that sound on every client that receives it live and shows a short text
//! or a picture. The names and texts are the original Campfire's, so imported messages and
//! habits keep working.

use PlayDisplay::{Picture, Text};

/// What a sound message shows next to its play button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlayDisplay {
    /// A short line of text, shown as if the author did something ("plays a sad trombone").
    Text(&'static str),
    /// The sound's picture (the asset is named after the sound).
    Picture,
}

// One table drives the enum, its names and its displays, so they cannot drift apart.
macro_rules! sounds {
    ($($variant:ident $name:literal $display:expr;)*) => {
        /// A known `/play` sound.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Sound {
            $(
                #[doc = concat!("`/play ", $name, "`")]
                $variant,
            )*
        }

        impl Sound {
            /// Every sound, in alphabetical order of name.
            pub const ALL: [Sound; 56] = [$(Sound::$variant),*];

            /// The name typed after `/play` (also the name of the sound and picture assets).
            pub fn name(self) -> &'static str {
                match self {
                    $(Sound::$variant => $name,)*
                }
            }

            /// What the message shows.
            pub fn display(self) -> PlayDisplay {
                match self {
                    $(Sound::$variant => $display,)*
                }
            }
        }
    };
}

sounds! {
    FiftySixK "56k" Picture;
    Ballmer "ballmer" Text("developers!");
    Bell "bell" Text("🔔");
    Bezos "bezos" Text("😆💭");
    Bueller "bueller" Text("anyone?");
    Butts "butts" Text("👐 🚬");
    ClownTown "clowntown" Picture;
    CottonEyeJoe "cottoneyejoe" Text("🎶🙉🎶");
    Crickets "crickets" Text("hears crickets chirping");
    Curb "curb" Picture;
    DadGummit "dadgummit" Text("dad gummit!! 🎣");
    DangerZone "dangerzone" Picture;
    DanielSan "danielsan" Text("🎆 🏆 🎆");
    Deeper "deeper" Picture;
    DoNotWant "donotwant" Picture;
    Drama "drama" Picture;
    Flawless "flawless" Text("#flawless");
    Glados "glados" Text("🤖💢");
    GoGoGo "gogogo" Text("Go, go, go!");
    GreatJob "greatjob" Picture;
    Greyjoy "greyjoy" Text("😖🎺");
    Guarantee "guarantee" Text("guarantees it 👌");
    HeyGirl "heygirl" Text("✨💁✨");
    Honk "honk" Text("HONK");
    Horn "horn" Text("🐶 ✂️ 🐱");
    Horror "horror" Text("💀 💀 💀 💀 💀 💀 💀");
    Inconceivable "inconceivable" Text("doesn't think it means what you think it means…");
    LetItGo "letitgo" Text("❄️👩❄️⛄️❄️");
    Live "live" Text("is DOING IT LIVE");
    Loggins "loggins" Picture;
    MakeItSo "makeitso" Text("make it so 👉");
    Noooo "noooo" Text("👸💀😒");
    Nyan "nyan" Picture;
    OhMy "ohmy" Text("raises an eyebrow 😏");
    OhYeah "ohyeah" Text("isn't playing by the rules");
    PushIt "pushit" Picture;
    Rimshot "rimshot" Text("plays a rimshot");
    RollOut "rollout" Text("is rolling out 🚗");
    Rumble "rumble" Picture;
    Sax "sax" Text("🌇🎷🎶");
    Secret "secret" Text("found a secret area 🔑");
    SexyBack "sexyback" Text("🔞");
    Story "story" Text("and now you know…");
    Tada "tada" Text("plays a fanfare 🎏");
    Tmyk "tmyk" Text("✨ ⭐️ The More You Know ✨ ⭐️");
    Totes "totes" Text("😁👍");
    Trololo "trololo" Text("трололо");
    Trombone "trombone" Text("plays a sad trombone");
    Unix "unix" Text("knows this 💻");
    Vuvuzela "vuvuzela" Text("======<() ~ ♪ ~♫");
    What "what" Picture;
    Whoomp "whoomp" Text("👏‼️😎");
    Wups "wups" Text("wups!");
    Yay "yay" Picture;
    Yeah "yeah" Picture;
    Yodel "yodel" Text("📣🗻🙉");
}

impl Sound {
    /// The sound of this exact name (lowercase, as typed after `/play`).
    pub fn from_name(name: &str) -> Option<Sound> {
        Sound::ALL.into_iter().find(|sound| sound.name() == name)
    }

    /// The sound a message plays, if its whole text (ignoring surrounding whitespace) is
    /// `/play <name>` with a known name. Anything else — extra words, another case, an unknown
    /// name — is an ordinary message.
    pub fn parse(plain_text: &str) -> Option<Sound> {
        let rest = plain_text.trim().strip_prefix("/play")?;
        // "/playtada" is not a command: the name must be separated by whitespace.
        if !rest.starts_with(char::is_whitespace) {
            return None;
        }
        // The text was trimmed, so no whitespace trails the name; any inside it fails the look-up.
        Sound::from_name(rest.trim_start())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn there_are_56_distinct_names_that_round_trip() {
        let names: HashSet<&str> = Sound::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names.len(), 56);
        for sound in Sound::ALL {
            assert_eq!(Sound::from_name(sound.name()), Some(sound));
            assert_eq!(sound.name(), sound.name().to_lowercase());
        }
        let mut sorted = Sound::ALL.map(Sound::name);
        sorted.sort_unstable();
        assert_eq!(sorted, Sound::ALL.map(Sound::name), "ALL is alphabetical");
    }

    #[test]
    fn exactly_the_fifteen_picture_sounds_show_pictures() {
        let pictures: Vec<&str> = Sound::ALL
            .into_iter()
            .filter(|s| s.display() == Picture)
            .map(Sound::name)
            .collect();
        assert_eq!(
            pictures,
            [
                "56k",
                "clowntown",
                "curb",
                "dangerzone",
                "deeper",
                "donotwant",
                "drama",
                "greatjob",
                "loggins",
                "nyan",
                "pushit",
                "rumble",
                "what",
                "yay",
                "yeah",
            ]
        );
    }

    #[test]
    fn texts_are_the_originals() {
        assert_eq!(Sound::FiftySixK.name(), "56k");
        assert_eq!(Sound::Trombone.display(), Text("plays a sad trombone"));
        assert_eq!(
            Sound::Inconceivable.display(),
            Text("doesn't think it means what you think it means…")
        );
        assert_eq!(Sound::Trololo.display(), Text("трололо"));
        assert_eq!(Sound::Vuvuzela.display(), Text("======<() ~ ♪ ~♫"));
        assert_eq!(Sound::Yodel.display(), Text("📣🗻🙉"));
    }

    #[test]
    fn only_whole_play_commands_with_known_names_parse() {
        assert_eq!(Sound::parse("/play trombone"), Some(Sound::Trombone));
        assert_eq!(Sound::parse("  /play tada "), Some(Sound::Tada));
        assert_eq!(Sound::parse("/play\t  56k\n"), Some(Sound::FiftySixK));
        assert_eq!(Sound::parse("/play nope"), None);
        assert_eq!(Sound::parse("/play"), None);
        assert_eq!(Sound::parse("/play "), None);
        assert_eq!(Sound::parse("/playtada"), None);
        assert_eq!(Sound::parse("say /play tada"), None);
        assert_eq!(Sound::parse("/play tada now"), None);
        assert_eq!(Sound::parse("/PLAY tada"), None);
        assert_eq!(Sound::parse("/play TADA"), None);
        assert_eq!(Sound::parse(""), None);
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC*") {
            let _ = Sound::parse(&text);
        }

        #[test]
        fn every_name_parses(index in 0..56usize, gap in "[ \t]{1,3}", pad in "\\s{0,3}") {
            let sound = Sound::ALL[index];
            let text = format!("{pad}/play{gap}{}{pad}", sound.name());
            prop_assert_eq!(Sound::parse(&text), Some(sound));
        }
    }
}
