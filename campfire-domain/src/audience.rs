//! Who a new message concerns: which members' rooms go unread (R4), who gets a Web Push
//! notification (N1) and which bots' webhooks hear of it (B3). Every store adapter and the post
//! use case ask these functions; none of them restates a rule.

use crate::{Involvement, PushSubscriptionId, Role, RoomKind, User, UserId};

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

/// How a message's post sees one member: who they are and where their clients are.
#[derive(Debug, Clone, Copy)]
pub struct Audience<'a> {
    /// The message's author.
    pub author: UserId,
    /// Everyone the message mentions.
    pub mentions: &'a [UserId],
    /// Members with a client showing the room right now.
    pub looking: &'a [UserId],
    /// Members with a live connection to the room.
    pub connected: &'a [UserId],
}

impl Audience<'_> {
    /// `user` as a recipient of this message.
    pub fn recipient(&self, user: UserId, involvement: Involvement) -> Recipient {
        Recipient {
            user,
            involvement,
            looking_at_room: self.looking.contains(&user),
            connected_to_room: self.connected.contains(&user),
            mentioned: self.mentions.contains(&user),
        }
    }

    /// Of the members whose room is read now (`(user, involvement)`), those whose room the message
    /// marks unread (R4, [`marks_unread`]). A member already unread stays unread since the first
    /// unread message, so a store asks only about the others.
    pub fn newly_unread(
        &self,
        read: impl IntoIterator<Item = (UserId, Involvement)>,
    ) -> Vec<UserId> {
        read.into_iter()
            .filter(|&(user, involvement)| {
                marks_unread(self.author, &self.recipient(user, involvement))
            })
            .map(|(user, _)| user)
            .collect()
    }

    /// Of the push subscriptions of the room's members (`(subscription, owner, owner's
    /// involvement)`), those the message is pushed to (N1, [`should_push`]): every device of each
    /// member the rule picks.
    pub fn push_targets(
        &self,
        subscribed: impl IntoIterator<Item = (PushSubscriptionId, UserId, Involvement)>,
    ) -> Vec<PushSubscriptionId> {
        subscribed
            .into_iter()
            .filter(|&(_, user, involvement)| {
                should_push(self.author, &self.recipient(user, involvement))
            })
            .map(|(subscription, _, _)| subscription)
            .collect()
    }
}

/// B3: the bots whose webhooks hear of a message in a room of `kind`, among the room's `members`:
/// in a direct room every active bot in it, elsewhere every active bot it mentions; never the
/// author (a bot's own message does not call it back). Whether a bot has a webhook at all is
/// the delivery's concern.
pub fn webhook_recipients(
    kind: RoomKind,
    author: UserId,
    mentions: &[UserId],
    members: &[User],
) -> Vec<UserId> {
    members
        .iter()
        .filter(|u| u.role == Role::Bot && u.is_active() && u.id != author)
        .filter(|u| kind == RoomKind::Direct || mentions.contains(&u.id))
        .map(|u| u.id)
        .collect()
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

    fn user(id: i64, role: crate::Role, status: crate::UserStatus) -> User {
        User {
            id: UserId(id),
            name: crate::PersonName::new(&format!("User {id}")).unwrap(),
            email: None,
            role,
            status,
            bio: crate::Bio::new("").unwrap(),
            bot_token: None,
            avatar: None,
            created_at: crate::Timestamp(0),
        }
    }

    #[test]
    fn a_post_asks_the_rules_about_each_member_once() {
        let (mentioned, looking, connected, away) = (UserId(3), UserId(4), UserId(5), UserId(6));
        let audience = Audience {
            author: AUTHOR,
            mentions: &[mentioned],
            looking: &[looking],
            connected: &[looking, connected],
        };
        let read = [
            (AUTHOR, Everything),
            (mentioned, Mentions),
            (looking, Everything),
            (connected, Everything),
            (away, Invisible),
        ];
        assert_eq!(audience.newly_unread(read), vec![mentioned, connected]);

        let subscribed = [
            (PushSubscriptionId(10), AUTHOR, Everything),
            (PushSubscriptionId(11), mentioned, Mentions),
            (PushSubscriptionId(12), mentioned, Mentions),
            (PushSubscriptionId(13), connected, Everything),
            (PushSubscriptionId(14), away, Everything),
        ];
        assert_eq!(
            audience.push_targets(subscribed),
            vec![
                PushSubscriptionId(11),
                PushSubscriptionId(12),
                PushSubscriptionId(14)
            ],
            "every device of the mentioned member and of the one away; none of the author's or the connected one's"
        );
    }

    #[test]
    fn webhooks_go_to_the_bots_a_message_is_for() {
        use crate::Role::{Administrator, Bot, Member};
        use crate::UserStatus::{Active, Deactivated};
        let members = [
            user(1, Member, Active),
            user(7, Bot, Active),
            user(8, Bot, Active),
            user(9, Bot, Deactivated),
            user(10, Administrator, Active),
        ];
        let mentions = [UserId(8), UserId(9), UserId(10)];
        assert_eq!(
            webhook_recipients(RoomKind::Open, AUTHOR, &mentions, &members),
            vec![UserId(8)],
            "in a shared room, the active bots mentioned"
        );
        assert_eq!(
            webhook_recipients(RoomKind::Closed, AUTHOR, &[], &members),
            Vec::<UserId>::new()
        );
        assert_eq!(
            webhook_recipients(RoomKind::Direct, AUTHOR, &[], &members),
            vec![UserId(7), UserId(8)],
            "in a direct room, every active bot, mentioned or not"
        );
        assert_eq!(
            webhook_recipients(RoomKind::Direct, UserId(7), &[UserId(7)], &members),
            vec![UserId(8)],
            "never the bot that wrote it"
        );
    }
}
