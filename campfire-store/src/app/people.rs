//! People and bots (A6–A8, B1): roles, deactivation, bans.

use campfire_domain::{Action, Role, User, UserId, authorize};

use super::{App, AppError, AppResult, actor};

/// Who asks for an administrative change.
#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    /// A signed-in person, held to the policy.
    Person(&'a User),
    /// Whoever runs campfire-cli on the server: they own the data directory, so they may do
    /// what an administrator may.
    Operator,
}

impl Caller<'_> {
    pub(super) fn may(&self, action: &Action) -> AppResult<()> {
        match self {
            Caller::Person(user) => Ok(authorize(&actor(user), action)?),
            Caller::Operator => Ok(()),
        }
    }

    /// Refuses a change of one's own account that would lock oneself out.
    fn not_on_themselves(&self, target: UserId, why: &'static str) -> AppResult<()> {
        match self {
            Caller::Person(user) if user.id == target => Err(AppError::Refused(why)),
            _ => Ok(()),
        }
    }
}

impl App {
    /// A6: makes `target` a member or an administrator. Nobody demotes themselves (an account
    /// must keep an administrator who can undo it); bots keep their role (the store refuses).
    pub async fn set_role(
        &self,
        caller: Caller<'_>,
        target: UserId,
        role: Role,
    ) -> AppResult<User> {
        caller.may(&Action::ChangeRole)?;
        if role == Role::Bot {
            return Err(AppError::Refused(
                "the role must be member or administrator",
            ));
        }
        if role != Role::Administrator {
            caller.not_on_themselves(target, "you can't demote yourself")?;
        }
        let user = self.store.set_role(target, role, self.now()).await?;
        self.live.nudge();
        Ok(user)
    }

    /// A7: deactivates the person `target`: signed out everywhere, out of every shared room,
    /// their messages kept. (Bots are deactivated with [`App::deactivate_bot`].)
    pub async fn deactivate(&self, caller: Caller<'_>, target: UserId) -> AppResult<()> {
        caller.may(&Action::DeactivateUser)?;
        caller.not_on_themselves(target, "you can't do that to yourself")?;
        if self.store.user(target).await?.role == Role::Bot {
            return Err(AppError::Refused(
                "that is a bot: bots are deactivated as bots (the Bots page)",
            ));
        }
        self.store.deactivate_user(target, self.now()).await?;
        // Open sockets close when live delivery reads the deactivation from the log.
        self.live.nudge();
        Ok(())
    }

    /// B1: deactivates the bot `target` (its key stops working, its messages stay).
    pub async fn deactivate_bot(&self, caller: Caller<'_>, target: UserId) -> AppResult<()> {
        caller.may(&Action::ManageBots)?;
        self.bot(target).await?;
        self.store.deactivate_user(target, self.now()).await?;
        self.live.nudge();
        Ok(())
    }

    /// A8: bans `target`: deactivated, their addresses refused, every message of theirs deleted.
    pub async fn ban(&self, caller: Caller<'_>, target: UserId) -> AppResult<()> {
        caller.may(&Action::BanUser)?;
        caller.not_on_themselves(target, "you can't do that to yourself")?;
        let sessions = self.store.sessions_of(target).await?;
        self.store.ban_user(target, self.now()).await?;
        for session in sessions {
            self.live.end_session(session.id);
        }
        self.live.nudge();
        Ok(())
    }

    /// A8: lifts `target`'s ban: the account comes back (into every open room), the messages do not.
    pub async fn unban(&self, caller: Caller<'_>, target: UserId) -> AppResult<()> {
        caller.may(&Action::BanUser)?;
        self.store.unban_user(target, self.now()).await?;
        self.live.nudge();
        Ok(())
    }
}
