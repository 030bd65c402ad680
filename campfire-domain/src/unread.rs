//! Who a new message concerns: which members' rooms go unread (R4) and who gets a Web Push
//! notification (N1). Both decisions live here so the sidebar and the push sender agree.

use crate::{Involvement, UserId};

/// A member of the room a new message was posted in, as seen at the moment it was posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipient {
    /// The member.
    pub user: UserId,
    /// How closely they follow the room.
    pub involvement: Involvement,
    /// Whether one of their clients shows this room right now (so they see the message).
    pub looking_at_room: bool,
    /// Whether one of their clients has a live connection to this room.
    pub connected_to_room: bool,
    /// Whether the message mentions them.
    pub mentioned: bool,
}

/// Whether the message marks the room unread for `r` (R4): they are not its author, the room is
/// visible to them (not `invisible`) and they are not looking at it right now.
pub fn marks_unread(author: UserId, r: &Recipient) -> bool {
    r.user != author && r.involvement != Involvement::Invisible && !r.looking_at_room
}

/// Whether `r` gets a push notification for the message (N1): not its author, not connected to
/// the room (a live client already shows it), and their involvement asks for it — `everything`
/// always, `mentions` only when mentioned, `nothing` and `invisible` never.
pub fn should_push(author: UserId, r: &Recipient) -> bool {
    if r.user == author || r.connected_to_room {
        return false;
    }
    match r.involvement {
        Involvement::Everything => true,
        Involvement::Mentions => r.mentioned,
        Involvement::Nothing | Involvement::Invisible => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Involvement::{Everything, Invisible, Mentions, Nothing};

    const AUTHOR: UserId = UserId(1);
    const READER: UserId = UserId(2);

    fn recipient(
        user: UserId,
        involvement: Involvement,
        looking: bool,
        connected: bool,
        mentioned: bool,
    ) -> Recipient {
        Recipient {
            user,
            involvement,
            looking_at_room: looking,
            connected_to_room: connected,
            mentioned,
        }
    }

    #[test]
    fn every_combination() {
        let bools = [false, true];
        for involvement in [Everything, Mentions, Nothing, Invisible] {
            for user in [AUTHOR, READER] {
                for looking in bools {
                    for connected in bools {
                        for mentioned in bools {
                            let r = recipient(user, involvement, looking, connected, mentioned);
                            let is_author = user == AUTHOR;
                            let unread = match (involvement, is_author, looking) {
                                (_, true, _) | (_, _, true) | (Invisible, ..) => false,
                                (Everything | Mentions | Nothing, false, false) => true,
                            };
                            let push = match (involvement, is_author, connected) {
                                (_, true, _) | (_, _, true) => false,
                                (Everything, false, false) => true,
                                (Mentions, false, false) => mentioned,
                                (Nothing | Invisible, false, false) => false,
                            };
                            assert_eq!(marks_unread(AUTHOR, &r), unread, "unread for {r:?}");
                            assert_eq!(should_push(AUTHOR, &r), push, "push for {r:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn typical_cases() {
        // Someone elsewhere with default (mentions) involvement: unread, but no push unless named.
        let away = recipient(READER, Mentions, false, false, false);
        assert!(marks_unread(AUTHOR, &away));
        assert!(!should_push(AUTHOR, &away));
        assert!(should_push(
            AUTHOR,
            &Recipient {
                mentioned: true,
                ..away
            }
        ));

        // Reading the room right now: nothing to do.
        let reading = recipient(READER, Everything, true, true, true);
        assert!(!marks_unread(AUTHOR, &reading));
        assert!(!should_push(AUTHOR, &reading));

        // Connected in another tab but looking elsewhere: unread, but the live client covers push.
        let other_tab = recipient(READER, Everything, false, true, false);
        assert!(marks_unread(AUTHOR, &other_tab));
        assert!(!should_push(AUTHOR, &other_tab));

        // `nothing` still goes unread; `invisible` never does, even when mentioned.
        assert!(marks_unread(
            AUTHOR,
            &recipient(READER, Nothing, false, false, true)
        ));
        assert!(!should_push(
            AUTHOR,
            &recipient(READER, Nothing, false, false, true)
        ));
        assert!(!marks_unread(
            AUTHOR,
            &recipient(READER, Invisible, false, false, true)
        ));
        assert!(!should_push(
            AUTHOR,
            &recipient(READER, Invisible, false, false, true)
        ));

        // The author is never notified about their own message.
        let me = recipient(AUTHOR, Everything, false, false, true);
        assert!(!marks_unread(AUTHOR, &me));
        assert!(!should_push(AUTHOR, &me));
    }
}
