//! What taking someone out of the organisation changes (A7 deactivation, A8 ban), and what
//! bringing a banned person back changes. The stores load the facts, ask these functions, and
//! persist the answer in one transaction; they decide nothing themselves.

use crate::{EventKind, MessageId, Role, RoomId, RoomKind, User, UserId, UserStatus};

/// The changes of a deactivation or a ban, in the order a store applies them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    /// The person leaving.
    pub user: UserId,
    /// Addresses refused from now on (A8): each address they have a session from, once.
    pub banned_ips: Vec<String>,
    /// Whether they are signed out everywhere: their sessions, push subscriptions and recent
    /// searches go.
    pub forget_devices: bool,
    /// The shared rooms they leave. Direct rooms keep them, so the other side's conversation
    /// stays whole.
    pub leaves: Vec<RoomId>,
    /// Their messages that are deleted (A8: all of them).
    pub deletes: Vec<MessageId>,
    /// Their status afterwards (leaving `active` frees their email address for someone else).
    pub status: UserStatus,
    /// The events clients learn of it by, in order.
    pub events: Vec<EventKind>,
}

/// A7: deactivating `user`, a member of `rooms` (`(room, kind)`). `None` when they are not
/// active: deactivating twice changes nothing.
pub fn deactivation(user: &User, rooms: &[(RoomId, RoomKind)]) -> Option<Departure> {
    if !user.is_active() {
        return None;
    }
    let mut leaves: Vec<RoomId> = rooms
        .iter()
        .filter(|(_, kind)| *kind != RoomKind::Direct)
        .map(|(room, _)| *room)
        .collect();
    leaves.sort_unstable();
    leaves.dedup();
    let mut events: Vec<EventKind> = leaves
        .iter()
        .map(|&room| EventKind::MembershipRemoved {
            room,
            user: user.id,
        })
        .collect();
    events.push(EventKind::UserDeactivated { user: user.id });
    Some(Departure {
        user: user.id,
        banned_ips: Vec::new(),
        forget_devices: true,
        leaves,
        deletes: Vec::new(),
        status: UserStatus::Deactivated,
        events,
    })
}

/// Bots are taken out by deactivation; a ban is for people (its IPs and deleted messages mean
/// nothing for a bot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("only people can be banned; deactivate a bot instead")]
pub struct BotsAreNotBanned;

/// A8: banning `user`, a member of `rooms`, signed in from `session_ips`, author of `messages`
/// (`(message, its room)`). An active person is deactivated on the way; a deactivated or
/// already banned one keeps no sessions, so only their messages (if any are left) go. Of their
/// addresses, only [`bannable`] ones are refused: none that `others_ips` (where other active
/// people sign in from) holds.
pub fn ban(
    user: &User,
    rooms: &[(RoomId, RoomKind)],
    session_ips: &[String],
    others_ips: &[String],
    messages: &[(MessageId, RoomId)],
) -> Result<Departure, BotsAreNotBanned> {
    if user.role == Role::Bot {
        return Err(BotsAreNotBanned);
    }
    let mut banned_ips: Vec<String> = session_ips
        .iter()
        .filter(|ip| bannable(ip) && !others_ips.contains(ip))
        .cloned()
        .collect();
    banned_ips.sort();
    banned_ips.dedup();
    let mut departure = deactivation(user, rooms).unwrap_or(Departure {
        user: user.id,
        banned_ips: Vec::new(),
        forget_devices: false,
        leaves: Vec::new(),
        deletes: Vec::new(),
        status: UserStatus::Banned,
        events: Vec::new(),
    });
    departure.banned_ips = banned_ips;
    departure.status = UserStatus::Banned;
    let mut messages = messages.to_vec();
    messages.sort_unstable();
    departure.deletes = messages.iter().map(|(message, _)| *message).collect();
    departure.events.extend(
        messages
            .iter()
            .map(|&(message, room)| EventKind::MessageDeleted { room, message }),
    );
    Ok(departure)
}

/// Whether a ban may refuse `ip` (F8): only a public address that is one person's. A loopback,
/// private, link-local, shared (CGNAT) or unspecified address stands for everyone behind it —
/// the server's own machine, an office, a proxy — so refusing it would lock out the admin who
/// banned and everyone else there; the original Campfire records none of them either. Text
/// that is not an address is never refused.
fn bannable(ip: &str) -> bool {
    use std::net::IpAddr;
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            let [a, b, ..] = v4.octets();
            let shared = a == 100 && (b & 0xc0) == 64;
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || shared)
        }
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => bannable(&v4.to_string()),
            None => {
                let first = v6.segments()[0];
                let unique_local = (first & 0xfe00) == 0xfc00;
                let link_local = (first & 0xffc0) == 0xfe80;
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || unique_local
                    || link_local)
            }
        },
        Err(_) => false,
    }
}

/// The changes of lifting a ban, in the order a store applies them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reinstatement {
    /// The person coming back: their bans are lifted and they are active again.
    pub user: UserId,
    /// The open rooms they join, as anyone who joins does.
    pub joins: Vec<RoomId>,
    /// The events clients learn of it by, in order.
    pub events: Vec<EventKind>,
}

/// A8: lifting `user`'s ban, with `open_rooms` the account's open rooms. `None` when they are
/// not banned (a deactivated person is not brought back by an unban).
pub fn reinstatement(user: &User, open_rooms: &[RoomId]) -> Option<Reinstatement> {
    if user.status != UserStatus::Banned {
        return None;
    }
    let mut joins = open_rooms.to_vec();
    joins.sort_unstable();
    joins.dedup();
    let mut events = vec![EventKind::UserUpdated { user: user.id }];
    events.extend(joins.iter().map(|&room| EventKind::MembershipAdded {
        room,
        user: user.id,
    }));
    Some(Reinstatement {
        user: user.id,
        joins,
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Bio, PersonName, Timestamp};

    fn user(role: Role, status: UserStatus) -> User {
        User {
            id: UserId(5),
            name: PersonName::new("Ana").unwrap(),
            email: None,
            role,
            status,
            bio: Bio::new("").unwrap(),
            bot_token: None,
            avatar: None,
            created_at: Timestamp(0),
        }
    }

    const ROOMS: [(RoomId, RoomKind); 3] = [
        (RoomId(3), RoomKind::Closed),
        (RoomId(2), RoomKind::Direct),
        (RoomId(1), RoomKind::Open),
    ];

    #[test]
    fn deactivation_signs_out_and_leaves_shared_rooms_only() {
        let active = user(Role::Member, UserStatus::Active);
        let d = deactivation(&active, &ROOMS).unwrap();
        assert!(d.forget_devices);
        assert_eq!(d.leaves, vec![RoomId(1), RoomId(3)]);
        assert!(d.deletes.is_empty() && d.banned_ips.is_empty());
        assert_eq!(d.status, UserStatus::Deactivated);
        let u = UserId(5);
        assert_eq!(
            d.events,
            vec![
                EventKind::MembershipRemoved {
                    room: RoomId(1),
                    user: u
                },
                EventKind::MembershipRemoved {
                    room: RoomId(3),
                    user: u
                },
                EventKind::UserDeactivated { user: u },
            ]
        );
        let bot = user(Role::Bot, UserStatus::Active);
        assert!(
            deactivation(&bot, &ROOMS).is_some(),
            "bots are deactivated like people"
        );
        for status in [UserStatus::Deactivated, UserStatus::Banned] {
            assert_eq!(deactivation(&user(Role::Member, status), &ROOMS), None);
        }
    }

    #[test]
    fn a_ban_deactivates_refuses_each_address_once_and_deletes_every_message() {
        let ips = [
            "203.0.113.2".to_owned(),
            "203.0.113.1".to_owned(),
            "203.0.113.2".to_owned(),
        ];
        let messages = [(MessageId(9), RoomId(1)), (MessageId(4), RoomId(2))];
        let d = ban(
            &user(Role::Administrator, UserStatus::Active),
            &ROOMS,
            &ips,
            &[],
            &messages,
        )
        .unwrap();
        assert_eq!(d.banned_ips, vec!["203.0.113.1", "203.0.113.2"]);
        assert!(d.forget_devices);
        assert_eq!(d.leaves, vec![RoomId(1), RoomId(3)]);
        assert_eq!(d.deletes, vec![MessageId(4), MessageId(9)]);
        assert_eq!(d.status, UserStatus::Banned);
        let u = UserId(5);
        assert_eq!(
            d.events,
            vec![
                EventKind::MembershipRemoved {
                    room: RoomId(1),
                    user: u
                },
                EventKind::MembershipRemoved {
                    room: RoomId(3),
                    user: u
                },
                EventKind::UserDeactivated { user: u },
                EventKind::MessageDeleted {
                    room: RoomId(2),
                    message: MessageId(4)
                },
                EventKind::MessageDeleted {
                    room: RoomId(1),
                    message: MessageId(9)
                },
            ]
        );
    }

    #[test]
    fn banning_someone_already_gone_only_deletes_their_messages() {
        let messages = [(MessageId(4), RoomId(2))];
        let d = ban(
            &user(Role::Member, UserStatus::Deactivated),
            &[],
            &[],
            &[],
            &messages,
        )
        .unwrap();
        assert!(!d.forget_devices && d.leaves.is_empty() && d.banned_ips.is_empty());
        assert_eq!(d.status, UserStatus::Banned);
        assert_eq!(
            d.events,
            vec![EventKind::MessageDeleted {
                room: RoomId(2),
                message: MessageId(4)
            }]
        );
        assert_eq!(
            ban(&user(Role::Bot, UserStatus::Active), &ROOMS, &[], &[], &[]),
            Err(BotsAreNotBanned)
        );
    }

    #[test]
    fn a_ban_spares_shared_and_non_public_addresses() {
        let theirs: Vec<String> = [
            "127.0.0.1",
            "::1",
            "10.1.2.3",
            "172.16.0.9",
            "192.168.1.20",
            "100.64.3.4",
            "169.254.1.1",
            "fd00::1",
            "fe80::1",
            "::ffff:192.168.1.1",
            "not an address",
            "198.51.100.7",
            "203.0.113.5",
            "2001:db8::5",
        ]
        .map(str::to_owned)
        .to_vec();
        let others = ["198.51.100.7".to_owned()];
        let d = ban(
            &user(Role::Member, UserStatus::Active),
            &ROOMS,
            &theirs,
            &others,
            &[],
        )
        .unwrap();
        assert_eq!(d.banned_ips, vec!["2001:db8::5", "203.0.113.5"]);
    }

    #[test]
    fn lifting_a_ban_brings_back_into_every_open_room() {
        let banned = user(Role::Member, UserStatus::Banned);
        let r = reinstatement(&banned, &[RoomId(7), RoomId(1)]).unwrap();
        assert_eq!(r.joins, vec![RoomId(1), RoomId(7)]);
        let u = UserId(5);
        assert_eq!(
            r.events,
            vec![
                EventKind::UserUpdated { user: u },
                EventKind::MembershipAdded {
                    room: RoomId(1),
                    user: u
                },
                EventKind::MembershipAdded {
                    room: RoomId(7),
                    user: u
                },
            ]
        );
        for status in [UserStatus::Active, UserStatus::Deactivated] {
            assert_eq!(
                reinstatement(&user(Role::Member, status), &[RoomId(1)]),
                None
            );
        }
    }
}
