//! The account and its bots (A2, A11, B1): settings, the join code, creating, changing and
//! re-keying bots.

use campfire_domain::{Account, Action, PersonName, Role, User, UserId};

use super::{App, AppError, AppResult, Caller, random};
use crate::{AccountChanges, NewBot, ProfileChanges, StoreError};

/// A change to a bot; `None` leaves that part as it is.
#[derive(Debug, Clone, Default)]
pub struct BotChanges {
    /// A new name.
    pub name: Option<PersonName>,
    /// A new webhook: `Some(None)` removes it.
    pub webhook_url: Option<Option<String>>,
}

impl App {
    /// A11: the account's name, custom CSS and who may create rooms.
    pub async fn update_account(
        &self,
        caller: Caller<'_>,
        changes: AccountChanges,
    ) -> AppResult<Account> {
        caller.may(&Action::ChangeAccountSettings)?;
        let account = self.store.update_account(changes, self.now()).await?;
        self.live.nudge();
        Ok(account)
    }

    /// A2: a new join code; the old link stops working at once.
    pub async fn rotate_join_code(&self, caller: Caller<'_>) -> AppResult<Account> {
        caller.may(&Action::RotateJoinCode)?;
        let account = self
            .store
            .rotate_join_code(random::join_code()?, self.now())
            .await?;
        self.live.nudge();
        Ok(account)
    }

    /// B1: a new bot with a fresh key, and a webhook if `webhook_url` is given.
    pub async fn create_bot(
        &self,
        caller: Caller<'_>,
        name: PersonName,
        webhook_url: Option<String>,
    ) -> AppResult<User> {
        caller.may(&Action::ManageBots)?;
        let bot = NewBot {
            name,
            token: random::bot_token()?,
            webhook_url,
        };
        let user = self.store.create_bot(bot, self.now()).await?;
        self.live.nudge();
        Ok(user)
    }

    /// B1: renames a bot or changes its webhook.
    pub async fn update_bot(
        &self,
        caller: Caller<'_>,
        id: UserId,
        changes: BotChanges,
    ) -> AppResult<User> {
        caller.may(&Action::ManageBots)?;
        let mut bot = self.bot(id).await?;
        if let Some(name) = changes.name {
            let profile = ProfileChanges {
                name: Some(name),
                ..ProfileChanges::default()
            };
            bot = self
                .store
                .update_profile(bot.id, profile, self.now())
                .await?;
        }
        if let Some(url) = changes.webhook_url {
            self.store.set_webhook(bot.id, url).await?;
        }
        self.live.nudge();
        Ok(bot)
    }

    /// B1: a new key for a bot; the old one stops working at once.
    pub async fn rotate_bot_key(&self, caller: Caller<'_>, id: UserId) -> AppResult<User> {
        caller.may(&Action::ManageBots)?;
        let bot = self.bot(id).await?;
        let bot = self
            .store
            .rotate_bot_token(bot.id, random::bot_token()?, self.now())
            .await?;
        self.live.nudge();
        Ok(bot)
    }

    /// The bot `id`; any other user is not found as a bot.
    pub(super) async fn bot(&self, id: UserId) -> AppResult<User> {
        match self.store.user(id).await {
            Ok(user) if user.role == Role::Bot => Ok(user),
            Ok(_) | Err(StoreError::NotFound(_)) => {
                Err(AppError::Store(StoreError::NotFound("bot")))
            }
            Err(error) => Err(error.into()),
        }
    }
}
