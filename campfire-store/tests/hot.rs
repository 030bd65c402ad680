//! [`HotStore`]: the conformance suite through it (its own writes are read back at once), and
//! what another process changes reaches it through the event log.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod conformance;

use std::sync::Arc;

use campfire_domain::{
    AccountName, Bio, BotToken, ClientMessageId, EmailAddress, EventSeq, JoinCode, MessageBody,
    PersonName, Role, RoomName, Timestamp,
};
use campfire_store::{
    FirstRun, HotStore, NewBot, NewMessage, NewPerson, NewSession, Page, SqliteStore, Store,
    StoreOptions,
};
use tempfile::TempDir;

async fn hot_store() -> (Arc<dyn Store>, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("campfire.db"), StoreOptions::default())
        .await
        .unwrap();
    (Arc::new(HotStore::new(Arc::new(sqlite))), dir)
}

conformance_tests!(hot_store);

fn person(name: &str, email: &str) -> NewPerson {
    NewPerson {
        name: PersonName::new(name).unwrap(),
        email: EmailAddress::new(email).unwrap(),
        password_hash: "x".into(),
        role: Role::Member,
        bio: Bio::default(),
    }
}

fn first_run() -> FirstRun {
    FirstRun {
        account_name: AccountName::new("Campfire").unwrap(),
        join_code: JoinCode::parse("AAAA-BBBB-CCCC").unwrap(),
        admin: person("Ada", "ada@example.com"),
        first_room: RoomName::new("All Talk").unwrap(),
        at: Timestamp(1),
    }
}

fn message(room: campfire_domain::RoomId, author: campfire_domain::UserId, id: &str) -> NewMessage {
    NewMessage {
        room,
        author,
        client_message_id: ClientMessageId::new(id).unwrap(),
        body: MessageBody::from_plain(id).unwrap(),
        mentions: vec![],
        looking: vec![],
        connected: vec![],
        webhooks: vec![],
        attachment: None,
        thread: None,
        at: Timestamp(10),
    }
}

/// The server's HotStore and a second store on the same database standing in for
/// `campfire-cli`: what the second one changes is served old only until the log is read, as
/// the live driver reads it continuously.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_made_by_another_process_reach_it_through_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("campfire.db");
    let server = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    let hot = HotStore::new(Arc::new(server));
    let cli = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();

    let setup = hot.set_up(first_run()).await.unwrap();
    let (ada, room) = (setup.admin.id, setup.room.id);
    let bob = hot
        .create_person(person("Bob", "bob@example.com"), Timestamp(2))
        .await
        .unwrap()
        .id;
    let bot = hot
        .create_bot(
            NewBot {
                name: PersonName::new("Bot").unwrap(),
                token: BotToken::parse("AaAaAa111111").unwrap(),
                webhook_url: None,
            },
            Timestamp(2),
        )
        .await
        .unwrap()
        .id;
    hot.create_session(NewSession {
        user: bob,
        token_hash: "bob-token".into(),
        user_agent: "test".into(),
        ip: "192.0.2.1".into(),
        at: Timestamp(3),
    })
    .await
    .unwrap();
    hot.post_message(message(room, ada, "first")).await.unwrap();
    let mut head = hot.last_event_seq().await.unwrap();
    let read_log = async |hot: &HotStore, head: &mut EventSeq| {
        for event in hot.events_after(*head, 10_000).await.unwrap() {
            *head = event.seq;
        }
    };
    read_log(&hot, &mut head).await;

    // Warm: read once through the cache.
    assert!(
        hot.session_by_token_hash("bob-token")
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        hot.user(bot).await.unwrap().bot_token.unwrap().as_str(),
        "AaAaAa111111"
    );
    assert_eq!(hot.messages(room, Page::Latest, 41).await.unwrap().len(), 1);
    assert_eq!(hot.messages(room, Page::Latest, 40).await.unwrap().len(), 1);
    assert_eq!(hot.message_count(room).await.unwrap(), 1);
    assert!(
        hot.membership(room, bob)
            .await
            .unwrap()
            .unwrap()
            .unread_since
            .is_some()
    );

    // Another process: a new password for Bob, a new bot key, a post, Bob reads the room.
    cli.set_password(bob, "new".into(), Timestamp(20))
        .await
        .unwrap();
    cli.rotate_bot_token(bot, BotToken::parse("BbBbBb222222").unwrap(), Timestamp(20))
        .await
        .unwrap();
    cli.post_message(message(room, ada, "second"))
        .await
        .unwrap();
    cli.mark_read(room, bob, Timestamp(21)).await.unwrap();

    // Served from memory until the log is read...
    assert!(
        hot.session_by_token_hash("bob-token")
            .await
            .unwrap()
            .is_some()
    );
    // ...and current once it is.
    read_log(&hot, &mut head).await;
    assert_eq!(hot.session_by_token_hash("bob-token").await.unwrap(), None);
    assert_eq!(
        hot.user(bot).await.unwrap().bot_token.unwrap().as_str(),
        "BbBbBb222222"
    );
    assert_eq!(hot.messages(room, Page::Latest, 41).await.unwrap().len(), 2);
    assert_eq!(
        hot.messages(room, Page::Latest, 40).await.unwrap().len(),
        2,
        "every kept page of the room goes"
    );
    assert_eq!(hot.message_count(room).await.unwrap(), 2);
    assert_eq!(
        hot.membership(room, bob)
            .await
            .unwrap()
            .unwrap()
            .unread_since,
        None
    );

    // A deactivation elsewhere: the user reads as deactivated, and is no member any more.
    cli.deactivate_user(bob, Timestamp(30)).await.unwrap();
    read_log(&hot, &mut head).await;
    assert!(!hot.user(bob).await.unwrap().is_active());
    assert_eq!(hot.membership(room, bob).await.unwrap(), None);
}

/// A write through the HotStore is read back at once, without reading the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn its_own_writes_are_read_back_at_once() {
    let (store, _dir) = hot_store().await;
    let setup = store.set_up(first_run()).await.unwrap();
    let (ada, room) = (setup.admin.id, setup.room.id);
    let session = store
        .create_session(NewSession {
            user: ada,
            token_hash: "ada-token".into(),
            user_agent: "test".into(),
            ip: "192.0.2.1".into(),
            at: Timestamp(3),
        })
        .await
        .unwrap();
    assert!(
        store
            .messages(room, Page::Latest, 41)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.message_count(room).await.unwrap(), 0);
    assert!(
        store
            .session_by_token_hash("ada-token")
            .await
            .unwrap()
            .is_some()
    );
    store
        .post_message(message(room, ada, "hello"))
        .await
        .unwrap();
    assert_eq!(
        store.messages(room, Page::Latest, 41).await.unwrap().len(),
        1
    );
    assert_eq!(store.message_count(room).await.unwrap(), 1);
    assert!(store.room(room).await.unwrap().last_active_at >= Timestamp(10));
    store.delete_session(session.id).await.unwrap();
    assert_eq!(
        store.session_by_token_hash("ada-token").await.unwrap(),
        None
    );
}

/// A server loads the hot state at start: the reads behind authenticating a request and
/// checking a membership are answered from memory from the first request on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loaded_store_answers_a_request_s_reads_from_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("campfire.db");
    let earlier = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    let setup = earlier.set_up(first_run()).await.unwrap();
    let (ada, room) = (setup.admin.id, setup.room.id);
    earlier
        .create_session(NewSession {
            user: ada,
            token_hash: "ada-token".into(),
            user_agent: "test".into(),
            ip: "192.0.2.1".into(),
            at: Timestamp(3),
        })
        .await
        .unwrap();
    drop(earlier);

    let sqlite = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    let hot = HotStore::load(Arc::new(sqlite)).await.unwrap();
    let session = hot.session_by_token_hash("ada-token").await.unwrap();
    assert_eq!(session.map(|s| s.user), Some(ada));
    assert_eq!(hot.user(ada).await.unwrap().name.as_str(), "Ada");
    assert_eq!(hot.room(room).await.unwrap().name, setup.room.name);
    assert!(hot.membership(room, ada).await.unwrap().is_some());
    assert_eq!(hot.misses(), 0, "nothing was read from the database");

    // The same reads on a store that was not loaded go to the database.
    let cold = HotStore::new(Arc::new(
        SqliteStore::open(&path, StoreOptions::default())
            .await
            .unwrap(),
    ));
    cold.session_by_token_hash("ada-token").await.unwrap();
    cold.user(ada).await.unwrap();
    assert_eq!(cold.misses(), 2);
}

/// Live delivery starts from the HotStore's roster: what another process changed reaches it
/// through the log, and it is exact as of the head it names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_membership_snapshot_follows_the_log_written_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("campfire.db");
    let server = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    let setup = server.set_up(first_run()).await.unwrap();
    let hot = HotStore::load(Arc::new(server)).await.unwrap();
    let cli = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();

    let bob = cli
        .create_person(person("Bob", "bob@example.com"), Timestamp(2))
        .await
        .unwrap()
        .id;
    cli.deactivate_user(setup.admin.id, Timestamp(3))
        .await
        .unwrap();

    let (pairs, head) = hot.membership_snapshot().await.unwrap();
    assert_eq!(head, cli.last_event_seq().await.unwrap());
    assert_eq!(pairs, vec![(setup.room.id, bob)]);
    let (mut from_database, _) = cli.membership_snapshot().await.unwrap();
    from_database.sort();
    assert_eq!(pairs, from_database);
}
