//! What each kind of user has, and so which changes apply to whom (A5 people, B1 bots): people
//! have an email address, a password and a role; bots have a token and may have a webhook.
//! The stores load the user, ask [`check_change`] and persist; they decide nothing themselves.
//!
//! Also what a user is when they arrive ([`new_person`], [`new_bot`]) and which rooms they join
//! then ([`arrival_rooms`]).

use crate::{
    Bio, BotToken, EmailAddress, PersonName, Role, RoomId, RoomKind, Timestamp, User, UserId,
    UserStatus,
};

/// The change does not apply to this kind of user (a bot given a password, a person a token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("that can't be done to a user of this kind")]
pub struct WrongUserKind;

/// A change to an existing user that only some kinds of user can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChange {
    /// A new role (A5): people move between member and administrator; no one becomes a bot or
    /// stops being one.
    Role(Role),
    /// A new password: people only.
    Password,
    /// A new email address: people only (bots sign in with their key).
    Email,
    /// A new token: bots only.
    BotToken,
    /// A webhook set or removed: bots only.
    Webhook,
}

/// Whether `change` applies to `user`.
pub fn check_change(user: &User, change: UserChange) -> Result<(), WrongUserKind> {
    let is_bot = user.role == Role::Bot;
    let applies = match change {
        UserChange::Role(role) => !is_bot && role != Role::Bot,
        UserChange::Password | UserChange::Email => !is_bot,
        UserChange::BotToken | UserChange::Webhook => is_bot,
    };
    if applies { Ok(()) } else { Err(WrongUserKind) }
}

/// A person arriving (first run, a join code, `campfire-cli`), before the store gives them an
/// id: active, with the role they were given, which must be a person's.
pub fn new_person(
    name: PersonName,
    email: EmailAddress,
    role: Role,
    bio: Bio,
    at: Timestamp,
) -> Result<User, WrongUserKind> {
    if role == Role::Bot {
        return Err(WrongUserKind);
    }
    Ok(User {
        id: UserId(0),
        name,
        email: Some(email),
        role,
        status: UserStatus::Active,
        bio,
        bot_token: None,
        avatar: None,
        created_at: at,
    })
}

/// A bot an administrator adds (B1), before the store gives it an id: no email, its token.
pub fn new_bot(name: PersonName, token: BotToken, at: Timestamp) -> User {
    User {
        id: UserId(0),
        name,
        email: None,
        role: Role::Bot,
        status: UserStatus::Active,
        bio: Bio::default(),
        bot_token: Some(token),
        avatar: None,
        created_at: at,
    }
}

/// The rooms anyone arriving joins, of `rooms` (`(room, kind)`): every open room (R1).
pub fn arrival_rooms(rooms: &[(RoomId, RoomKind)]) -> Vec<RoomId> {
    rooms
        .iter()
        .filter(|(_, kind)| *kind == RoomKind::Open)
        .map(|(room, _)| *room)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        let bot = new_bot(
            PersonName::new("Someone").unwrap(),
            BotToken::parse("AaAaAa111111").unwrap(),
            Timestamp(1),
        );
        User { role, ..bot }
    }

    #[test]
    fn people_change_roles_between_member_and_administrator_and_never_to_or_from_bot() {
        let member = user(Role::Member);
        assert_eq!(
            check_change(&member, UserChange::Role(Role::Administrator)),
            Ok(())
        );
        assert_eq!(
            check_change(&user(Role::Administrator), UserChange::Role(Role::Member)),
            Ok(())
        );
        assert_eq!(
            check_change(&member, UserChange::Role(Role::Bot)),
            Err(WrongUserKind)
        );
        assert_eq!(
            check_change(&user(Role::Bot), UserChange::Role(Role::Member)),
            Err(WrongUserKind)
        );
    }

    #[test]
    fn passwords_and_emails_are_for_people_tokens_and_webhooks_for_bots() {
        for role in [Role::Member, Role::Administrator] {
            let person = user(role);
            assert_eq!(check_change(&person, UserChange::Password), Ok(()));
            assert_eq!(check_change(&person, UserChange::Email), Ok(()));
            assert_eq!(
                check_change(&person, UserChange::BotToken),
                Err(WrongUserKind)
            );
            assert_eq!(
                check_change(&person, UserChange::Webhook),
                Err(WrongUserKind)
            );
        }
        let bot = user(Role::Bot);
        assert_eq!(check_change(&bot, UserChange::BotToken), Ok(()));
        assert_eq!(check_change(&bot, UserChange::Webhook), Ok(()));
        assert_eq!(check_change(&bot, UserChange::Password), Err(WrongUserKind));
        assert_eq!(check_change(&bot, UserChange::Email), Err(WrongUserKind));
    }

    #[test]
    fn a_person_arrives_active_with_a_person_s_role() {
        let arrive = |role| {
            new_person(
                PersonName::new("Ada").unwrap(),
                EmailAddress::new("ada@example.com").unwrap(),
                role,
                Bio::default(),
                Timestamp(5),
            )
        };
        let ada = arrive(Role::Administrator).unwrap();
        assert_eq!(ada.status, UserStatus::Active);
        assert_eq!(ada.bot_token, None);
        assert_eq!(arrive(Role::Bot), Err(WrongUserKind));
    }

    #[test]
    fn a_bot_arrives_without_an_email_and_with_its_token() {
        let bot = new_bot(
            PersonName::new("Helper").unwrap(),
            BotToken::parse("AaAaAa111111").unwrap(),
            Timestamp(5),
        );
        assert_eq!((bot.role, bot.email), (Role::Bot, None));
        assert!(bot.bot_token.is_some());
    }

    #[test]
    fn arriving_users_join_the_open_rooms_only() {
        let rooms = [
            (RoomId(1), RoomKind::Open),
            (RoomId(2), RoomKind::Closed),
            (RoomId(3), RoomKind::Direct),
            (RoomId(4), RoomKind::Open),
        ];
        assert_eq!(arrival_rooms(&rooms), vec![RoomId(1), RoomId(4)]);
    }
}
