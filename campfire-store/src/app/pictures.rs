//! Pictures (A10, A11): a person's own avatar, a bot's (set by an administrator), and the
//! account's logo. The picture's bytes are already in the blob store, made square and small by
//! the edge; a replaced or removed picture's bytes are released once nothing uses them.

use campfire_domain::{Account, Action, BlobKey, User, UserId};

use super::{App, AppResult, Caller};
use crate::{AccountChanges, ProfileChanges};

impl App {
    /// A10: `whose` avatar becomes `picture` (`None`: back to initials). A person sets their
    /// own; a bot's is set by whoever may manage bots.
    pub async fn set_avatar(
        &self,
        caller: Caller<'_>,
        whose: UserId,
        picture: Option<BlobKey>,
    ) -> AppResult<User> {
        let outcome = self.change_avatar(caller, whose, picture.clone()).await;
        match &outcome {
            Ok((_, old)) => self.release_blobs(old.iter()).await,
            Err(_) => self.release_blobs(picture.iter()).await,
        }
        outcome.map(|(user, _)| user)
    }

    async fn change_avatar(
        &self,
        caller: Caller<'_>,
        whose: UserId,
        picture: Option<BlobKey>,
    ) -> AppResult<(User, Option<BlobKey>)> {
        let own = matches!(caller, Caller::Person(me) if me.id == whose);
        let target = if own {
            self.store.user(whose).await?
        } else {
            caller.may(&Action::ManageBots)?;
            self.bot(whose).await?
        };
        let changes = ProfileChanges {
            avatar: Some(picture),
            ..ProfileChanges::default()
        };
        let user = self
            .store
            .update_profile(whose, changes, self.now())
            .await?;
        self.live.nudge();
        Ok((user, target.avatar))
    }

    /// A11: the account's logo becomes `picture` (`None`: Campfire's own icon).
    pub async fn set_logo(
        &self,
        caller: Caller<'_>,
        picture: Option<BlobKey>,
    ) -> AppResult<Account> {
        let outcome = async {
            caller.may(&Action::ChangeAccountSettings)?;
            let old = self.store.account().await?.and_then(|a| a.logo);
            let changes = AccountChanges {
                logo: Some(picture.clone()),
                ..AccountChanges::default()
            };
            let account = self.store.update_account(changes, self.now()).await?;
            self.live.nudge();
            Ok::<_, super::AppError>((account, old))
        }
        .await;
        match &outcome {
            Ok((_, old)) => self.release_blobs(old.iter()).await,
            Err(_) => self.release_blobs(picture.iter()).await,
        }
        outcome.map(|(account, _)| account)
    }
}
