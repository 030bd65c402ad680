//! Finding `@mentions` in a message's plain text (M5), for messages that arrive without mention
//! chips (the bot API, imports, plain-text clients). Mentions are resolved to user ids against
//! the room's members; text that names nobody unambiguously mentions nobody.

use crate::UserId;

/// The members mentioned in `plain_text`, each once, in order of first mention.
///
/// A mention is `@` followed by a member's full display name or, when no other member shares
/// it, their first name — compared case-insensitively. The `@` must start the text or follow a
/// non-alphanumeric character (so `ada@example.com` mentions nobody), and the name must end the
/// text or be followed by a non-alphanumeric character (so `@Adam` does not mention Ada). At
/// each `@` the longest matching name wins ("@Ada Lovelace" is Ada Lovelace, not a member
/// called Ada); if two members match equally well, the mention is ambiguous and ignored.
pub fn extract_mentions(plain_text: &str, members: &[(UserId, &str)]) -> Vec<UserId> {
    let candidates = candidates(members);
    let mut mentioned = Vec::new();
    for (at, c) in plain_text.char_indices() {
        if c != '@' {
            continue;
        }
        let before = plain_text.get(..at).and_then(|s| s.chars().next_back());
        if before.is_some_and(char::is_alphanumeric) {
            continue;
        }
        let Some(rest) = plain_text.get(at + c.len_utf8()..) else {
            continue;
        };
        if let Some(user) = best_match(rest, &candidates)
            && !mentioned.contains(&user)
        {
            mentioned.push(user);
        }
    }
    mentioned
}

/// Every name a member can be mentioned by: their full name, and their first name when it is
/// theirs alone (a shared first name would mention someone at random).
fn candidates<'a>(members: &[(UserId, &'a str)]) -> Vec<(UserId, &'a str)> {
    let mut candidates = Vec::new();
    for &(user, name) in members {
        let name = name.trim();
        if name.is_empty() {
            // An empty name would match every bare `@`.
            continue;
        }
        candidates.push((user, name));
        if let Some(first) = first_word(name)
            && first != name
        {
            let shared = members.iter().any(|&(other, other_name)| {
                other != user
                    && first_word(other_name).is_some_and(|f| same_ignoring_case(f, first))
            });
            if !shared {
                candidates.push((user, first));
            }
        }
    }
    candidates
}

fn first_word(name: &str) -> Option<&str> {
    name.split_whitespace().next()
}

fn same_ignoring_case(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// The member whose name starts `rest` (the text just after an `@`), preferring the longest
/// match; `None` if nobody matches or the longest match is shared by different members.
fn best_match(rest: &str, candidates: &[(UserId, &str)]) -> Option<UserId> {
    let mut best: Option<(usize, UserId)> = None;
    let mut ambiguous = false;
    for &(user, name) in candidates {
        let Some(len) = matched_len(rest, name) else {
            continue;
        };
        match best {
            Some((best_len, best_user))
                if len < best_len || (len == best_len && user == best_user) => {}
            Some((best_len, _)) if len == best_len => ambiguous = true,
            _ => {
                best = Some((len, user));
                ambiguous = false;
            }
        }
    }
    if ambiguous {
        None
    } else {
        best.map(|(_, user)| user)
    }
}

/// How many bytes of `text` the name covers, if `text` starts with `name` (case-insensitively,
/// any whitespace matching any whitespace) and the name is not followed by a letter or digit.
/// Works char by char so it never splits a multi-byte character.
fn matched_len(text: &str, name: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    for wanted in name.chars() {
        let (_, got) = chars.next()?;
        let same = if wanted.is_whitespace() {
            got.is_whitespace()
        } else {
            wanted.to_lowercase().eq(got.to_lowercase())
        };
        if !same {
            return None;
        }
    }
    match chars.next() {
        Some((_, next)) if next.is_alphanumeric() => None,
        Some((end, _)) => Some(end),
        None => Some(text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ADA: UserId = UserId(1);
    const GRACE: UserId = UserId(2);
    const ZOE: UserId = UserId(3);
    const ADA_SHORT: UserId = UserId(4);
    const ALAN_T: UserId = UserId(5);
    const ALAN_K: UserId = UserId(6);
    const NOBODY: [UserId; 0] = [];

    fn room() -> Vec<(UserId, &'static str)> {
        vec![
            (ADA, "Ada Lovelace"),
            (GRACE, "Grace Hopper"),
            (ZOE, "Zoë"),
            (ALAN_T, "Alan Turing"),
            (ALAN_K, "Alan Kay"),
        ]
    }

    fn mentions(text: &str) -> Vec<UserId> {
        extract_mentions(text, &room())
    }

    #[test]
    fn full_names_match_case_insensitively() {
        assert_eq!(mentions("@Ada Lovelace look"), [ADA]);
        assert_eq!(mentions("thanks @grace hopper!"), [GRACE]);
        assert_eq!(mentions("@ZOË"), [ZOE]);
    }

    #[test]
    fn unique_first_names_match_alone() {
        assert_eq!(mentions("@Ada, hi"), [ADA]);
        assert_eq!(mentions("ask @grace."), [GRACE]);
        assert_eq!(mentions("(@Zoë)"), [ZOE]);
    }

    #[test]
    fn shared_first_names_are_ambiguous() {
        assert_eq!(mentions("@Alan can you look"), NOBODY);
        assert_eq!(mentions("@Alan Kay can you look"), [ALAN_K]);
        assert_eq!(mentions("@alan turing and @Alan"), [ALAN_T]);
    }

    #[test]
    fn longest_name_wins() {
        let members = [(ADA_SHORT, "Ada"), (ADA, "Ada Lovelace")];
        assert_eq!(extract_mentions("@Ada Lovelace hi", &members), [ADA]);
        assert_eq!(extract_mentions("@Ada hi", &members), [ADA_SHORT]);
        assert_eq!(extract_mentions("@Ada Lovelacey", &members), [ADA_SHORT]);
    }

    #[test]
    fn boundaries_are_respected() {
        assert_eq!(mentions("mail ada@example.com"), NOBODY);
        assert_eq!(mentions("@Adam"), NOBODY);
        assert_eq!(mentions("@Ada_"), [ADA]);
        assert_eq!(
            mentions("é@Ada"),
            NOBODY,
            "a letter before @ is part of a word"
        );
        assert_eq!(mentions("—@Ada"), [ADA]);
        assert_eq!(mentions("@Zoë🎉"), [ZOE]);
        assert_eq!(mentions("@Zoëy"), NOBODY);
        assert_eq!(mentions("@ Ada"), NOBODY);
        assert_eq!(mentions("héllo @"), NOBODY);
        assert_eq!(mentions("@"), NOBODY);
    }

    #[test]
    fn each_person_once_in_order_of_first_mention() {
        assert_eq!(mentions("@Grace @Ada @grace hopper @ada"), [GRACE, ADA]);
    }

    #[test]
    fn blank_member_names_never_match() {
        assert_eq!(
            extract_mentions("@ hello @", &[(ADA, ""), (GRACE, "  ")]),
            NOBODY
        );
    }

    proptest! {
        #[test]
        fn never_panics_and_only_names_members(
            names in proptest::collection::vec("[a-zA-Zéë Ω]{0,10}", 0..5),
            pieces in proptest::collection::vec("@|[a-zA-Zéë Ω,.]{0,6}|\\PC{0,3}", 0..12),
        ) {
            let members: Vec<(UserId, &str)> = names
                .iter()
                .enumerate()
                .map(|(i, name)| (UserId(i as i64), name.as_str()))
                .collect();
            // Mix member names into the text so that matches actually happen.
            let mut text = String::new();
            for (i, piece) in pieces.iter().enumerate() {
                text.push_str(piece);
                if let Some(name) = names.get(i) {
                    text.push('@');
                    text.push_str(name);
                }
            }
            let found = extract_mentions(&text, &members);
            for user in &found {
                prop_assert!(members.iter().any(|(id, _)| id == user));
            }
            let mut unique = found.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), found.len());
        }
    }
}
