//! Coming in and going out (A1–A5, A9): first run, joining with the join link, signing in,
//! ending sessions, passwords.

use campfire_domain::{
    Account, AccountName, Bio, EmailAddress, JoinCode, PersonName, Role, RoomName, SessionId, User,
    UserId, ValueError, password,
};

use super::{App, AppError, AppResult, Caller, random};
use crate::{Conflict, FirstRun, NewPerson, ProfileChanges, SetUp, StoreError};

/// A person signing up, as typed and checked: a valid name, an email address and a password
/// good enough to keep (A1, A3).
#[derive(Clone)]
pub struct SignUp {
    /// Their name.
    pub name: PersonName,
    /// Their sign-in address.
    pub email: EmailAddress,
    /// Their new password, not yet hashed.
    pub password: String,
}

impl std::fmt::Debug for SignUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignUp")
            .field("name", &self.name)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl SignUp {
    /// Checks a sign-up form.
    pub fn new(name: &str, email: &str, password: &str) -> Result<SignUp, ValueError> {
        let name = PersonName::new(name)?;
        let email = EmailAddress::new(email)?;
        password::check_new(password)?;
        Ok(SignUp {
            name,
            email,
            password: password.to_owned(),
        })
    }
}

/// A change of one's own password: the current one proves it is them.
#[derive(Clone, Default)]
pub struct PasswordCheck {
    /// The current password, when the change needs it.
    pub current: Option<String>,
}

impl App {
    /// A1: the first administrator sets Campfire up: the account, them, and the first room.
    pub async fn first_run(&self, admin: SignUp) -> AppResult<SetUp> {
        if self.store.account().await?.is_some() {
            return Err(Conflict::AlreadySetUp.into());
        }
        let person = self.new_person(admin, Role::Administrator).await?;
        let setup = self
            .store
            .set_up(FirstRun {
                account_name: AccountName::new("Campfire")?,
                join_code: random::join_code()?,
                admin: person,
                first_room: RoomName::new("All Talk")?,
                at: self.now(),
            })
            .await?;
        self.live.nudge();
        Ok(setup)
    }

    /// A3: the account a join link's `code` opens, if it is the current one.
    pub async fn account_for_join_code(&self, code: &str) -> AppResult<Account> {
        let account = self.store.account().await?;
        match (account, JoinCode::parse(code)) {
            (Some(account), Ok(code)) if account.join_code == code => Ok(account),
            _ => Err(StoreError::NotFound("join link").into()),
        }
    }

    /// A3: someone joins with the join link's `code`, as a member of every open room.
    pub async fn join(&self, code: &str, person: SignUp) -> AppResult<User> {
        self.account_for_join_code(code).await?;
        self.add(person, Role::Member).await
    }

    /// An operator adds a person from the console (campfire-cli). The first administrator
    /// added to a server that is not set up yet sets it up, as first run does.
    pub async fn add_person(
        &self,
        caller: Caller<'_>,
        person: SignUp,
        role: Role,
    ) -> AppResult<(User, bool)> {
        if !matches!(caller, Caller::Operator) {
            return Err(campfire_domain::Denied::Forbidden.into());
        }
        if self.store.account().await?.is_some() {
            return Ok((self.add(person, role).await?, false));
        }
        if role != Role::Administrator {
            return Err(AppError::Refused(
                "Campfire is not set up yet: create an administrator first",
            ));
        }
        Ok((self.first_run(person).await?.admin, true))
    }

    async fn add(&self, person: SignUp, role: Role) -> AppResult<User> {
        // Checked before hashing: a taken address should not cost a 19 MiB hash to refuse.
        if self
            .store
            .active_user_by_email(&person.email)
            .await?
            .is_some()
        {
            return Err(Conflict::EmailTaken.into());
        }
        let person = self.new_person(person, role).await?;
        let user = self.store.create_person(person, self.now()).await?;
        self.live.nudge();
        Ok(user)
    }

    async fn new_person(&self, person: SignUp, role: Role) -> AppResult<NewPerson> {
        Ok(NewPerson {
            name: person.name,
            email: person.email,
            password_hash: hash_password(person.password).await?,
            role,
            bio: Bio::default(),
        })
    }

    /// A4: the person an email address and password sign in, or `None` (the same answer, in
    /// the same time, for an unknown address, a bot and a wrong password).
    pub async fn sign_in(&self, email: &str, password: String) -> AppResult<Option<User>> {
        let user = match EmailAddress::new(email) {
            Ok(email) => self.store.active_user_by_email(&email).await?,
            Err(_) => None,
        };
        let stored = match &user {
            Some(user) if user.role != Role::Bot => self.store.password_hash(user.id).await?,
            _ => None,
        };
        let imported = stored.as_deref().is_some_and(password::is_imported);
        let plain = imported.then(|| password.clone());
        let matches = verify_password(password, stored).await;
        let user = user.filter(|_| matches);
        // X6: a password kept from ONCE Campfire (bcrypt) is replaced with argon2id once it
        // has been proven. Like any password change this ends their other sessions (right
        // after an import there are none).
        if let (Some(user), Some(plain)) = (&user, plain) {
            let hash = hash_password(plain).await?;
            self.store.set_password(user.id, hash, self.now()).await?;
        }
        Ok(user)
    }

    /// A5: `user` ends one of their sessions (signing out is ending the current one); its live
    /// connections close. Someone else's session is not found.
    pub async fn end_session(&self, user: &User, id: SessionId) -> AppResult<()> {
        let theirs = self
            .store
            .sessions_of(user.id)
            .await?
            .iter()
            .any(|s| s.id == id);
        if !theirs {
            return Err(StoreError::NotFound("session").into());
        }
        self.store.delete_session(id).await?;
        self.live.end_session(id);
        Ok(())
    }

    /// A9: `user` changes their name, bio, email or password. A new email or password needs
    /// the current password. A new password ends every session of theirs (the caller starts a
    /// fresh one for the device that asked); `true` when it did.
    pub async fn update_profile(
        &self,
        user: &User,
        changes: ProfileChanges,
        new_password: Option<String>,
        check: PasswordCheck,
    ) -> AppResult<(User, bool)> {
        let sensitive = changes
            .email
            .as_ref()
            .is_some_and(|e| Some(e) != user.email.as_ref())
            || new_password.is_some();
        if sensitive {
            let current = check.current.unwrap_or_default();
            if current.is_empty() {
                return Err(AppError::CurrentPasswordNeeded);
            }
            let stored = self.store.password_hash(user.id).await?;
            if !verify_password(current, stored).await {
                return Err(AppError::CurrentPasswordWrong);
            }
        }
        let new_hash = match new_password {
            Some(password) => {
                password::check_new(&password)?;
                Some(hash_password(password).await?)
            }
            None => None,
        };
        let updated = self
            .store
            .update_profile(user.id, changes, self.now())
            .await?;
        self.live.nudge();
        let Some(hash) = new_hash else {
            return Ok((updated, false));
        };
        self.set_password_hash(updated.id, hash).await?;
        Ok((updated, true))
    }

    /// An operator sets a new password for `target` (campfire-cli); they are signed out
    /// everywhere.
    pub async fn reset_password(
        &self,
        caller: Caller<'_>,
        target: UserId,
        new_password: String,
    ) -> AppResult<()> {
        if !matches!(caller, Caller::Operator) {
            return Err(campfire_domain::Denied::Forbidden.into());
        }
        password::check_new(&new_password)?;
        let hash = hash_password(new_password).await?;
        self.set_password_hash(target, hash).await
    }

    async fn set_password_hash(&self, user: UserId, hash: String) -> AppResult<()> {
        let sessions = self.store.sessions_of(user).await?;
        self.store.set_password(user, hash, self.now()).await?;
        for session in sessions {
            self.live.end_session(session.id);
        }
        self.live.nudge();
        Ok(())
    }
}

/// The argon2 computations that may run at once: one per core (at most 8). Each takes 19 MiB and
/// a core for tens of milliseconds; the rest wait their turn as futures, which cost next to
/// nothing, so a flood of password guesses from many addresses costs time, not memory (F7).
fn argon2_slots() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    cores.clamp(1, 8)
}

type Argon2Job = Box<dyn FnOnce() + Send>;

/// The threads argon2 runs on: one per slot, for the life of the process. On tokio's blocking
/// pool each computation could land on another thread, and the allocator keeps a thread's freed
/// 19 MiB for that thread: a flood of guesses grew the server by 250–300 MiB although only two
/// computations ran at once. The same few threads reuse the same memory. `None` when no thread
/// could be started (then the blocking pool does the work).
fn argon2_threads() -> Option<&'static std::sync::mpsc::SyncSender<Argon2Job>> {
    static JOBS: std::sync::OnceLock<Option<std::sync::mpsc::SyncSender<Argon2Job>>> =
        std::sync::OnceLock::new();
    JOBS.get_or_init(|| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Argon2Job>(0);
        let receive = std::sync::Arc::new(std::sync::Mutex::new(receive));
        let mut started = 0;
        for n in 0..argon2_slots() {
            let receive = receive.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while taking a job, not while running it.
                        let job = match receive.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if spawned.is_ok() {
                started += 1;
            }
        }
        (started > 0).then_some(send)
    })
    .as_ref()
}

/// Runs `work` on an argon2 thread as soon as one is free, and waits for its answer. Waiting
/// for a turn is a future (the semaphore), so a thousand waiting guesses hold no thread.
async fn on_argon2_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    static TURNS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let turns = TURNS.get_or_init(|| tokio::sync::Semaphore::new(argon2_slots()));
    // The semaphore is never closed, so acquiring cannot fail.
    let _turn = turns.acquire().await.ok();
    let Some(jobs) = argon2_threads() else {
        return tokio::task::spawn_blocking(work).await.ok();
    };
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Argon2Job = Box::new(move || {
        let _ = answer.send(work());
    });
    // A rendezvous channel: with a turn, a thread is free, so handing the job over is at once
    // (done off the runtime all the same, as it may block).
    let jobs = jobs.clone();
    tokio::task::spawn_blocking(move || jobs.send(job))
        .await
        .ok()?
        .ok()?;
    answered.await.ok()
}

/// Hashes a new password on an argon2 thread (argon2id takes tens of milliseconds and 19 MiB),
/// with a fresh salt.
pub async fn hash_password(plain: String) -> AppResult<String> {
    let salt = random::bytes::<16>()?;
    on_argon2_thread(move || password::hash(&plain, salt))
        .await
        .ok_or_else(|| AppError::Refused("passwords cannot be checked right now"))?
        .map_err(AppError::from)
}

/// Verifies a password on an argon2 thread. Without a stored hash (unknown email, bot) it
/// verifies against a throw-away hash anyway and answers false, so both answers take as long.
pub async fn verify_password(plain: String, stored: Option<String>) -> bool {
    on_argon2_thread(move || {
        let matched = password::verify(&plain, stored.as_deref().unwrap_or_else(|| dummy_hash()));
        matched && stored.is_some()
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| password::hash("not anybody's password", [7; 16]).unwrap_or_default())
}
