//! Pictures (A10, A11): a person's own avatar, a bot's (set by an administrator), and the
//! account's logo. The picture's bytes are already in the blob store, made square and small by
//! the edge; a replaced or removed picture's bytes are released once nothing uses them.

use campfire_domain::{Account, Action, BlobKey, User, UserId};

use super::{App, AppResult, Caller};
use crate::{AccountChanges, ProfileChanges};

impl App {
    /// Removes blobs nothing has used for a whole round: the files of messages that went with
    /// their room or with a banned person, whose bytes no single use case released. A blob is
    /// removed only if it was already unused at the previous round (`unused_before`), so the
    /// bytes of an upload whose message is being stored right now are never taken. Answers this
    /// round's unused blobs, for the next, and how many were removed.
    pub async fn sweep_blobs(
        &self,
        unused_before: &std::collections::HashSet<BlobKey>,
    ) -> AppResult<(std::collections::HashSet<BlobKey>, usize)> {
        let mut unused = std::collections::HashSet::new();
        let mut removed = 0;
        for key in self.blobs.list().await? {
            if self.store.blob_used(&key).await? {
                continue;
            }
            if unused_before.contains(&key) {
                self.blobs.remove(&key).await?;
                removed += 1;
            } else {
                unused.insert(key);
            }
        }
        Ok((unused, removed))
    }

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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Arc;

    use campfire_domain::{
        AccountName, Bio, EmailAddress, JoinCode, PersonName, Role, RoomName, Timestamp,
    };

    use crate::app::App;
    use crate::blobs::{self, LocalBlobs};
    use crate::{FirstRun, MemoryStore, NewPerson, ProfileChanges, Store};

    #[tokio::test]
    async fn only_blobs_unused_for_a_whole_round_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let local = Arc::new(LocalBlobs::open(dir.path()).unwrap());
        let store = Arc::new(MemoryStore::new());
        let app = App::offline(store.clone()).with_blobs(local.clone());
        let set_up = store
            .set_up(FirstRun {
                account_name: AccountName::new("Campfire").unwrap(),
                join_code: JoinCode::parse("AAAA-BBBB-CCCC").unwrap(),
                admin: NewPerson {
                    name: PersonName::new("Ada").unwrap(),
                    email: EmailAddress::new("ada@example.com").unwrap(),
                    password_hash: String::new(),
                    role: Role::Administrator,
                    bio: Bio::default(),
                },
                first_room: RoomName::new("All Talk").unwrap(),
                at: Timestamp(1),
            })
            .await
            .unwrap();
        let (kept, _) = blobs::put(local.as_ref(), b"an avatar").await.unwrap();
        let (orphan, _) = blobs::put(local.as_ref(), b"a deleted room's file")
            .await
            .unwrap();
        let changes = ProfileChanges {
            avatar: Some(Some(kept.clone())),
            ..ProfileChanges::default()
        };
        store
            .update_profile(set_up.admin.id, changes, Timestamp(2))
            .await
            .unwrap();

        // First round: the orphan is noted, nothing is removed (an upload may be on its way).
        let (unused, removed) = app.sweep_blobs(&HashSet::new()).await.unwrap();
        assert_eq!(removed, 0);
        assert_eq!(unused, HashSet::from([orphan.clone()]));
        // Second round: still unused, so it goes; what is used stays.
        let (unused, removed) = app.sweep_blobs(&unused).await.unwrap();
        assert_eq!((removed, unused.len()), (1, 0));
        assert!(!local.path(&orphan).exists());
        assert!(local.path(&kept).exists());
    }
}
