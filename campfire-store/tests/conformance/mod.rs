//! The store conformance suite: written once, run against every adapter through
//! [`conformance_tests!`]. Each case states a promise of the `Store` trait as a user of it would
//! check it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;

use campfire_domain::{
    AccountName, Bio, BoostContent, BotToken, ClientMessageId, CustomCss, DirectRoomKey,
    EmailAddress, EventKind, EventSeq, Involvement, JoinCode, MessageBody, MessageId, PersonName,
    PushKeys, PushSubscription, Role, RoomId, RoomKind, RoomName, RoomTopic, SessionId, Timestamp,
    User, UserId, UserStatus, VapidKey,
};
use campfire_store::{
    AccountChanges, Conflict, DeliveryTarget, FirstRun, MAX_PAGE, NewBot, NewMessage, NewPerson,
    NewPushSubscription, NewRoom, NewSession, Outcome, Page, Posted, ProfileChanges, RoomMembers,
    SetUp, Store, StoreError,
};

/// Generates one `#[tokio::test]` per case of the suite for the store made by `$make` (an async
/// fn returning `(Arc<dyn Store>, guard)`; the guard keeps e.g. a temporary directory alive).
/// Every case is listed here once, so every adapter runs all of them.
#[macro_export]
macro_rules! conformance_tests {
    ($make:path) => {
        $crate::conformance_tests!(@cases $make:
            first_run_creates_the_account_its_admin_and_all_talk,
            first_run_is_race_safe,
            posting_is_idempotent_on_author_and_client_message_id,
            history_pages_before_and_after_a_message,
            direct_rooms_are_found_by_their_exact_member_set,
            a_new_user_joins_every_open_room,
            closed_rooms_open_up_and_open_rooms_close_down,
            unread_is_marked_for_others_and_cleared_by_reading,
            unread_starts_at_the_first_unread_message_and_is_counted,
            a_room_is_marked_unread_from_any_message,
            bookmarks_are_saved_listed_removed_and_go_with_their_message,
            mentions_of_a_person_are_listed_newest_first_from_their_rooms,
            thread_replies_stay_out_of_history_and_are_summed_up_on_their_first_message,
            a_thread_goes_with_its_first_message_and_a_reply_is_taken_off_its_count,
            a_topic_is_set_and_cleared_and_closed_rooms_are_left,
            deactivation_happens_in_one_step,
            event_sequence_numbers_increase_in_commit_order_without_gaps,
            a_failed_operation_leaves_nothing_half_written,
            emails_belong_to_one_active_user,
            roles_change_for_people_not_bots,
            join_codes_rotate,
            sessions_are_listed_and_ended,
            messages_are_edited_boosted_and_deleted_through_the_log,
            a_permalink_page_is_centred_on_its_message,
            a_ban_removes_messages_and_refuses_addresses,
            rooms_are_renamed_followed_and_deleted,
            account_and_profiles_change,
            the_membership_snapshot_matches_the_log_head,
            tokens_are_used_once,
            idle_sessions_and_old_tokens_are_pruned,
            webhook_deliveries_are_queued_with_their_message,
            pushes_are_queued_for_whom_the_push_rule_picks,
            push_subscriptions_follow_their_endpoint_and_session,
            messages_are_read_in_batches_by_id,
            recent_searches_keep_the_newest_ten_once_each,
            concurrent_writes_fail_alone_and_commit_together,
            a_file_is_kept_with_its_message_and_goes_with_it
        );
    };
    (@cases $make:path: $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let (store, _guard) = $make().await;
                conformance::$case(store).await;
            }
        )*
    };
}

pub type Shared = Arc<dyn Store>;

fn at(ms: i64) -> Timestamp {
    Timestamp(1_700_000_000_000 + ms)
}

fn first_run(email: &str) -> FirstRun {
    FirstRun {
        account_name: AccountName::new("Campfire").unwrap(),
        join_code: JoinCode::parse("AAAA-BBBB-CCCC").unwrap(),
        admin: new_person("Ada Admin", email, Role::Administrator),
        first_room: RoomName::new("All Talk").unwrap(),
        at: at(0),
    }
}

fn new_person(name: &str, email: &str, role: Role) -> NewPerson {
    NewPerson {
        name: PersonName::new(name).unwrap(),
        email: EmailAddress::new(email).unwrap(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        role,
        bio: Bio::default(),
    }
}

async fn set_up(store: &Shared) -> SetUp {
    store.set_up(first_run("ada@example.com")).await.unwrap()
}

async fn person(store: &Shared, name: &str) -> User {
    let email = format!("{}@example.com", name.to_lowercase());
    store
        .create_person(new_person(name, &email, Role::Member), at(1))
        .await
        .unwrap()
}

async fn closed_room(store: &Shared, name: &str, creator: UserId, members: &[UserId]) -> RoomId {
    let room = NewRoom {
        name: RoomName::new(name).unwrap(),
        members: RoomMembers::Only(members.to_vec()),
        creator,
        at: at(2),
    };
    store.create_room(room).await.unwrap().id
}

fn message(room: RoomId, author: UserId, client_id: &str, text: &str) -> NewMessage {
    NewMessage {
        room,
        author,
        client_message_id: ClientMessageId::new(client_id).unwrap(),
        body: MessageBody::from_plain(text).unwrap(),
        mentions: vec![],
        looking: vec![],
        connected: vec![],
        webhooks: vec![],
        attachment: None,
        thread: None,
        at: at(10),
    }
}

async fn post(store: &Shared, room: RoomId, author: UserId, client_id: &str) -> Posted {
    store
        .post_message(message(room, author, client_id, client_id))
        .await
        .unwrap()
}

async fn member_ids(store: &Shared, room: RoomId) -> Vec<UserId> {
    store
        .members(room)
        .await
        .unwrap()
        .iter()
        .map(|m| m.user)
        .collect()
}

async fn events_since(store: &Shared, after: EventSeq) -> Vec<EventKind> {
    store
        .events_after(after, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

pub async fn first_run_creates_the_account_its_admin_and_all_talk(store: Shared) {
    assert!(store.account().await.unwrap().is_none());
    let setup = set_up(&store).await;
    assert_eq!(setup.account.name.as_str(), "Campfire");
    assert_eq!(setup.admin.role, Role::Administrator);
    assert_eq!(setup.room.kind, RoomKind::Open);
    assert_eq!(setup.room.name.as_ref().unwrap().as_str(), "All Talk");
    assert_eq!(
        member_ids(&store, setup.room.id).await,
        vec![setup.admin.id]
    );
    assert_eq!(store.account().await.unwrap(), Some(setup.account));
    let events = events_since(&store, EventSeq(0)).await;
    assert!(events.contains(&EventKind::UserJoined {
        user: setup.admin.id
    }));
    assert!(events.contains(&EventKind::RoomCreated {
        room: setup.room.id
    }));
}

pub async fn first_run_is_race_safe(store: Shared) {
    let attempts: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .set_up(first_run(&format!("admin{i}@example.com")))
                    .await
            })
        })
        .collect();
    let mut won = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(_) => won += 1,
            Err(StoreError::Conflict(Conflict::AlreadySetUp)) => {}
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!(won, 1, "exactly one first run succeeds");
    assert_eq!(store.users().await.unwrap().len(), 1);
    assert_eq!(store.rooms().await.unwrap().len(), 1);
}

pub async fn posting_is_idempotent_on_author_and_client_message_id(store: Shared) {
    let setup = set_up(&store).await;
    let bob = person(&store, "Bob").await;
    let first = post(&store, setup.room.id, setup.admin.id, "msg-1").await;
    assert!(first.created);
    let seq = store.last_event_seq().await.unwrap();
    let retry = store
        .post_message(message(
            setup.room.id,
            setup.admin.id,
            "msg-1",
            "different text",
        ))
        .await
        .unwrap();
    assert!(!retry.created);
    assert_eq!(
        retry.message, first.message,
        "the retry returns the first message unchanged"
    );
    assert_eq!(
        store.last_event_seq().await.unwrap(),
        seq,
        "a retry appends no event"
    );
    // The same client id from another author is another message.
    let other = post(&store, setup.room.id, bob.id, "msg-1").await;
    assert!(other.created);
    assert_ne!(other.message.id, first.message.id);
    assert_eq!(store.stats().await.unwrap().messages, 2);
    // The same client id in another room is refused, not answered with the first message
    // (F11: it would show a room's message to whoever posts into another).
    let elsewhere = closed_room(&store, "Elsewhere", setup.admin.id, &[]).await;
    let reused = store
        .post_message(message(elsewhere, setup.admin.id, "msg-1", "other room"))
        .await;
    assert!(
        matches!(
            reused,
            Err(StoreError::Conflict(Conflict::ClientIdUsedElsewhere))
        ),
        "{reused:?}"
    );
    assert_eq!(store.stats().await.unwrap().messages, 2);
}

pub async fn history_pages_before_and_after_a_message(store: Shared) {
    let setup = set_up(&store).await;
    let room = setup.room.id;
    let other_room = closed_room(&store, "Elsewhere", setup.admin.id, &[]).await;
    let mut ids = Vec::new();
    for i in 0..25 {
        ids.push(
            post(&store, room, setup.admin.id, &format!("m{i}"))
                .await
                .message
                .id,
        );
        post(&store, other_room, setup.admin.id, &format!("o{i}")).await;
    }
    let page_ids =
        |page: Vec<campfire_domain::Message>| page.iter().map(|m| m.id).collect::<Vec<_>>();
    let latest = page_ids(store.messages(room, Page::Latest, 10).await.unwrap());
    assert_eq!(latest, ids[15..]);
    let before = page_ids(
        store
            .messages(room, Page::Before(ids[15]), 10)
            .await
            .unwrap(),
    );
    assert_eq!(before, ids[5..15]);
    let oldest = page_ids(
        store
            .messages(room, Page::Before(ids[5]), 10)
            .await
            .unwrap(),
    );
    assert_eq!(oldest, ids[..5]);
    let after = page_ids(store.messages(room, Page::After(ids[4]), 3).await.unwrap());
    assert_eq!(after, ids[5..8]);
    assert!(
        store
            .messages(room, Page::After(ids[24]), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Huge limits are clamped, not obeyed.
    assert!(
        store
            .messages(room, Page::Latest, u32::MAX)
            .await
            .unwrap()
            .len()
            <= MAX_PAGE as usize
    );
    assert!(matches!(
        store.messages(RoomId(999_999), Page::Latest, 10).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn direct_rooms_are_found_by_their_exact_member_set(store: Shared) {
    let setup = set_up(&store).await;
    let (ada, bob, cat) = (
        setup.admin.id,
        person(&store, "Bob").await.id,
        person(&store, "Cat").await.id,
    );
    let pair = DirectRoomKey::new([ada, bob]).unwrap();
    let trio = DirectRoomKey::new([ada, bob, cat]).unwrap();
    assert_eq!(store.direct_room(&pair).await.unwrap(), None);
    let (ab, created) = store
        .find_or_create_direct_room(ada, pair.clone(), at(3))
        .await
        .unwrap();
    assert!(created);
    let (abc, _) = store
        .find_or_create_direct_room(bob, trio.clone(), at(3))
        .await
        .unwrap();
    assert_ne!(ab.id, abc.id);
    let (again, created) = store
        .find_or_create_direct_room(bob, DirectRoomKey::new([bob, ada]).unwrap(), at(4))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, ab.id);
    assert_eq!(
        store.direct_room(&trio).await.unwrap().map(|r| r.id),
        Some(abc.id)
    );
    assert_eq!(
        store
            .direct_room(&DirectRoomKey::new([ada, cat]).unwrap())
            .await
            .unwrap(),
        None
    );
    assert_eq!(member_ids(&store, ab.id).await, vec![ada, bob]);
    let membership = store.membership(ab.id, bob).await.unwrap().unwrap();
    assert_eq!(membership.involvement, Involvement::Everything);
}

pub async fn a_new_user_joins_every_open_room(store: Shared) {
    let setup = set_up(&store).await;
    let open = store
        .create_room(NewRoom {
            name: RoomName::new("Watercooler").unwrap(),
            members: RoomMembers::Everyone,
            creator: setup.admin.id,
            at: at(2),
        })
        .await
        .unwrap();
    let closed = closed_room(&store, "Secret", setup.admin.id, &[]).await;
    let bob = person(&store, "Bob").await;
    let bot = store
        .create_bot(
            NewBot {
                name: PersonName::new("Robo").unwrap(),
                token: BotToken::parse("AbCdEf123456").unwrap(),
                webhook_url: None,
            },
            at(3),
        )
        .await
        .unwrap();
    for user in [bob.id, bot.id] {
        let rooms: Vec<RoomId> = store
            .memberships_of(user)
            .await
            .unwrap()
            .iter()
            .map(|m| m.room)
            .collect();
        assert_eq!(
            rooms,
            vec![setup.room.id, open.id],
            "member of every open room and no other"
        );
    }
    assert_eq!(member_ids(&store, closed).await, vec![setup.admin.id]);
    assert_eq!(
        member_ids(&store, open.id).await,
        vec![setup.admin.id, bob.id, bot.id]
    );
}

pub async fn closed_rooms_open_up_and_open_rooms_close_down(store: Shared) {
    let setup = set_up(&store).await;
    let (ada, bob, cat) = (
        setup.admin.id,
        person(&store, "Bob").await.id,
        person(&store, "Cat").await.id,
    );
    let room = closed_room(&store, "Plans", ada, &[bob]).await;
    assert_eq!(member_ids(&store, room).await, vec![ada, bob]);

    let seq = store.last_event_seq().await.unwrap();
    let opened = store
        .convert_room(room, RoomMembers::Everyone, at(5))
        .await
        .unwrap();
    assert_eq!(opened.kind, RoomKind::Open);
    assert_eq!(member_ids(&store, room).await, vec![ada, bob, cat]);
    let events = events_since(&store, seq).await;
    assert!(events.contains(&EventKind::RoomConverted { room }));
    assert!(events.contains(&EventKind::MembershipAdded { room, user: cat }));

    let seq = store.last_event_seq().await.unwrap();
    let closed = store
        .convert_room(room, RoomMembers::Only(vec![bob]), at(6))
        .await
        .unwrap();
    assert_eq!(closed.kind, RoomKind::Closed);
    assert_eq!(
        member_ids(&store, room).await,
        vec![bob],
        "exactly the chosen users stay"
    );
    let events = events_since(&store, seq).await;
    assert!(events.contains(&EventKind::MembershipRemoved { room, user: ada }));
    assert!(events.contains(&EventKind::MembershipRemoved { room, user: cat }));

    let (direct, _) = store
        .find_or_create_direct_room(ada, DirectRoomKey::new([ada, bob]).unwrap(), at(7))
        .await
        .unwrap();
    assert!(matches!(
        store
            .convert_room(direct.id, RoomMembers::Everyone, at(8))
            .await,
        Err(StoreError::Conflict(Conflict::WrongRoomKind))
    ));
}

pub async fn unread_is_marked_for_others_and_cleared_by_reading(store: Shared) {
    let setup = set_up(&store).await;
    let (ada, bob, cat) = (
        setup.admin.id,
        person(&store, "Bob").await.id,
        person(&store, "Cat").await.id,
    );
    let room = setup.room.id;
    let mut new = message(room, ada, "hello", "hello");
    new.looking = vec![cat];
    store.post_message(new).await.unwrap();
    let unread = |user| {
        let store = store.clone();
        async move {
            store
                .membership(room, user)
                .await
                .unwrap()
                .unwrap()
                .is_unread()
        }
    };
    assert!(!unread(ada).await, "never unread for the author");
    assert!(unread(bob).await, "unread for a member who is not looking");
    assert!(
        !unread(cat).await,
        "not unread for a member looking at the room"
    );

    let seq = store.last_event_seq().await.unwrap();
    store.mark_read(room, bob, at(20)).await.unwrap();
    assert!(!unread(bob).await);
    assert_eq!(
        events_since(&store, seq).await,
        vec![EventKind::RoomRead { room, user: bob }]
    );
    store.mark_read(room, bob, at(21)).await.unwrap();
    assert_eq!(
        events_since(&store, seq).await.len(),
        1,
        "reading a read room changes nothing"
    );
    assert!(matches!(
        store.mark_read(RoomId(424_242), bob, at(22)).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn unread_starts_at_the_first_unread_message_and_is_counted(store: Shared) {
    let setup = set_up(&store).await;
    let (ada, room) = (setup.admin.id, setup.room.id);
    let bob = person(&store, "Bob").await.id;
    let other = closed_room(&store, "Plans", ada, &[bob]).await;
    let first = post(&store, room, ada, "one").await.message;
    post(&store, room, bob, "bob-writes").await;
    let mut mention = message(room, ada, "three", "@Bob three");
    mention.mentions = vec![bob];
    let third = store.post_message(mention).await.unwrap().message;
    post(&store, other, ada, "elsewhere").await;

    let mine = store.membership(room, bob).await.unwrap().unwrap();
    assert_eq!(
        mine.unread_from,
        Some(first.id),
        "the first message that made the room unread"
    );
    let counts = store.unread_counts(bob).await.unwrap();
    assert_eq!(counts.len(), 2, "both rooms: {counts:?}");
    let here = counts.iter().find(|c| c.room == room).unwrap();
    assert_eq!(
        (here.messages, here.mentions, here.through),
        (2, 1, third.id),
        "Bob's own message is not counted; the mention is"
    );
    assert_eq!(
        store
            .unread_counts(ada)
            .await
            .unwrap()
            .iter()
            .map(|c| (c.room, c.messages, c.mentions))
            .collect::<Vec<_>>(),
        vec![(room, 1, 0)],
        "Ada's own messages are not unread to her; Bob's is"
    );

    store.mark_read(room, bob, at(20)).await.unwrap();
    assert_eq!(
        store
            .membership(room, bob)
            .await
            .unwrap()
            .unwrap()
            .unread_from,
        None
    );
    let counts = store.unread_counts(bob).await.unwrap();
    assert_eq!(
        counts.iter().map(|c| c.room).collect::<Vec<_>>(),
        vec![other],
        "reading one room leaves the other's count"
    );
    let next = post(&store, room, ada, "four").await.message;
    assert_eq!(
        store
            .membership(room, bob)
            .await
            .unwrap()
            .unwrap()
            .unread_from,
        Some(next.id),
        "unread again from the next message, not the old first one"
    );
}

pub async fn a_room_is_marked_unread_from_any_message(store: Shared) {
    let setup = set_up(&store).await;
    let (ada, room) = (setup.admin.id, setup.room.id);
    let bob = person(&store, "Bob").await.id;
    let first = post(&store, room, ada, "one").await.message;
    let second = post(&store, room, ada, "two").await.message;
    post(&store, room, ada, "three").await;
    store.mark_read(room, bob, at(20)).await.unwrap();

    let seq = store.last_event_seq().await.unwrap();
    store
        .mark_unread(room, bob, second.id, second.created_at, at(21))
        .await
        .unwrap();
    let mine = store.membership(room, bob).await.unwrap().unwrap();
    assert!(mine.is_unread());
    assert_eq!(mine.unread_from, Some(second.id));
    assert_eq!(
        events_since(&store, seq).await,
        vec![EventKind::RoomMarkedUnread {
            room,
            user: bob,
            message: second.id
        }]
    );
    let counts = store.unread_counts(bob).await.unwrap();
    assert_eq!(
        counts
            .iter()
            .map(|c| (c.room, c.messages))
            .collect::<Vec<_>>(),
        vec![(room, 2)],
        "the marked message and the one after it"
    );

    // Further back, even while already unread.
    store
        .mark_unread(room, bob, first.id, first.created_at, at(22))
        .await
        .unwrap();
    assert_eq!(store.unread_counts(bob).await.unwrap()[0].messages, 3);
    store.mark_read(room, bob, at(23)).await.unwrap();
    assert!(store.unread_counts(bob).await.unwrap().is_empty());
    assert!(matches!(
        store
            .mark_unread(RoomId(424_242), bob, first.id, first.created_at, at(24))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

fn reply(room: RoomId, author: UserId, root: MessageId, client_id: &str, t: i64) -> NewMessage {
    NewMessage {
        thread: Some(root),
        at: at(t),
        ..message(room, author, client_id, client_id)
    }
}

pub async fn thread_replies_stay_out_of_history_and_are_summed_up_on_their_first_message(
    store: Shared,
) {
    let setup = set_up(&store).await;
    let (ada, room) = (setup.admin.id, setup.room.id);
    let bob = person(&store, "Bob").await.id;
    let cy = person(&store, "Cy").await.id;
    let root = post(&store, room, ada, "root").await.message;
    let after = post(&store, room, ada, "after").await.message;

    let seq = store.last_event_seq().await.unwrap();
    let first = store
        .post_message(reply(room, bob, root.id, "r1", 20))
        .await
        .unwrap()
        .message;
    assert_eq!(first.thread, Some(root.id));
    assert_eq!(
        events_since(&store, seq).await,
        vec![
            EventKind::MessageCreated {
                room,
                message: first.id
            },
            EventKind::MessageEdited {
                room,
                message: root.id
            },
        ],
        "the reply, then its thread's first message (which shows the count) changed"
    );
    let retry = store
        .post_message(reply(room, bob, root.id, "r1", 21))
        .await
        .unwrap();
    assert!(!retry.created, "a reply is idempotent like any post");
    store
        .post_message(reply(room, cy, root.id, "r2", 22))
        .await
        .unwrap();
    let third = store
        .post_message(reply(room, bob, root.id, "r3", 23))
        .await
        .unwrap()
        .message;

    let history = store.messages(room, Page::Latest, 50).await.unwrap();
    let ids: Vec<MessageId> = history.iter().map(|m| m.id).collect();
    assert!(
        ids.ends_with(&[root.id, after.id]) && history.iter().all(|m| m.thread.is_none()),
        "replies are not in the room's history: {ids:?}"
    );
    let summed = store.message(root.id).await.unwrap();
    assert_eq!(summed.replies.count, 3);
    assert_eq!(summed.replies.last_at, Some(at(23)));
    assert_eq!(
        summed.replies.latest,
        vec![bob, cy],
        "latest repliers newest first, each once"
    );
    assert_eq!(
        history
            .iter()
            .find(|m| m.id == root.id)
            .map(|m| m.replies.count),
        Some(3),
        "history shows the summary"
    );

    let replies = store.replies(root.id, None, 50).await.unwrap();
    assert_eq!(
        replies.iter().map(|m| m.body.plain()).collect::<Vec<_>>(),
        vec!["r1", "r2", "r3"],
        "oldest first"
    );
    let later = store.replies(root.id, Some(first.id), 1).await.unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].body.plain(), "r2", "a page after a reply");

    // Threads are one level deep and stay in their room.
    assert!(matches!(
        store
            .post_message(reply(room, bob, third.id, "deeper", 24))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let other = closed_room(&store, "Elsewhere", ada, &[ada, bob]).await;
    assert!(matches!(
        store
            .post_message(reply(other, bob, root.id, "astray", 25))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .post_message(reply(room, bob, MessageId(999_999), "gone", 26))
            .await,
        Err(StoreError::NotFound(_))
    ));

    // A reply counts like a room message: it makes the room unread for others, from itself.
    let ada_room = store.membership(room, ada).await.unwrap().unwrap();
    assert!(ada_room.unread_since.is_some());
    let counts = store.unread_counts(ada).await.unwrap();
    assert_eq!(
        counts.iter().find(|c| c.room == room).map(|c| c.messages),
        Some(3)
    );

    // And it is pushed like one: a mention of someone away queues a push of the reply.
    let (_, browser) = subscribe(&store, ada, "https://push.example/ada").await;
    let mut mentioning = reply(room, cy, root.id, "r4", 27);
    mentioning.mentions = vec![ada];
    let pushed = store.post_message(mentioning).await.unwrap().message;
    let due = store.due_deliveries(at(30), 100).await.unwrap();
    assert_eq!(
        due.iter()
            .map(|d| (d.target, d.message))
            .collect::<Vec<_>>(),
        vec![(DeliveryTarget::Push(browser.id), pushed.id)]
    );
}

pub async fn a_thread_goes_with_its_first_message_and_a_reply_is_taken_off_its_count(
    store: Shared,
) {
    let setup = set_up(&store).await;
    let (ada, room) = (setup.admin.id, setup.room.id);
    let bob = person(&store, "Bob").await.id;
    let root = post(&store, room, ada, "root").await.message;
    let one = store
        .post_message(reply(room, ada, root.id, "one", 20))
        .await
        .unwrap()
        .message;
    let two = store
        .post_message(reply(room, bob, root.id, "two", 21))
        .await
        .unwrap()
        .message;

    let seq = store.last_event_seq().await.unwrap();
    store.delete_message(two.id, at(30)).await.unwrap();
    assert_eq!(
        events_since(&store, seq).await,
        vec![
            EventKind::MessageDeleted {
                room,
                message: two.id
            },
            EventKind::MessageEdited {
                room,
                message: root.id
            },
        ]
    );
    let summed = store.message(root.id).await.unwrap();
    assert_eq!(summed.replies.count, 1);
    assert_eq!(summed.replies.last_at, Some(at(20)));
    assert_eq!(summed.replies.latest, vec![ada]);

    let seq = store.last_event_seq().await.unwrap();
    store.delete_message(root.id, at(31)).await.unwrap();
    assert_eq!(
        events_since(&store, seq).await,
        vec![
            EventKind::MessageDeleted {
                room,
                message: one.id
            },
            EventKind::MessageDeleted {
                room,
                message: root.id
            },
        ],
        "each reply goes, told, before the thread's first message"
    );
    assert!(matches!(
        store.message(one.id).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn a_topic_is_set_and_cleared_and_closed_rooms_are_left(store: Shared) {
    let setup = set_up(&store).await;
    let (ada, open) = (setup.admin.id, setup.room.id);
    let bob = person(&store, "Bob").await.id;
    let closed = closed_room(&store, "Plans", ada, &[ada, bob]).await;

    let seq = store.last_event_seq().await.unwrap();
    let topic = RoomTopic::new("  Where we plan the week ").unwrap();
    let room = store.set_topic(open, Some(topic), at(20)).await.unwrap();
    assert_eq!(
        room.topic.as_ref().map(RoomTopic::as_str),
        Some("Where we plan the week")
    );
    assert_eq!(store.room(open).await.unwrap().topic, room.topic, "kept");
    assert_eq!(
        events_since(&store, seq).await,
        vec![EventKind::RoomRenamed { room: open }]
    );
    let room = store.set_topic(open, None, at(21)).await.unwrap();
    assert_eq!(room.topic, None, "cleared");
    let (direct, _) = store
        .find_or_create_direct_room(ada, DirectRoomKey::new([ada, bob]).unwrap(), at(22))
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_topic(direct.id, RoomTopic::new("x").ok(), at(23))
            .await,
        Err(StoreError::Conflict(Conflict::WrongRoomKind))
    ));

    let seq = store.last_event_seq().await.unwrap();
    store.leave_room(closed, bob, at(24)).await.unwrap();
    store.leave_room(closed, bob, at(25)).await.unwrap();
    assert_eq!(
        events_since(&store, seq).await,
        vec![EventKind::MembershipRemoved {
            room: closed,
            user: bob
        }],
        "leaving twice is leaving once"
    );
    assert_eq!(member_ids(&store, closed).await, vec![ada]);
    for room in [open, direct.id] {
        assert!(matches!(
            store.leave_room(room, bob, at(26)).await,
            Err(StoreError::Conflict(Conflict::WrongRoomKind))
        ));
    }
    assert!(member_ids(&store, open).await.contains(&bob));
}

pub async fn bookmarks_are_saved_listed_removed_and_go_with_their_message(store: Shared) {
    let setup = set_up(&store).await;
    let (ada, room) = (setup.admin.id, setup.room.id);
    let bob = person(&store, "Bob").await.id;
    let first = post(&store, room, ada, "one").await.message;
    let second = post(&store, room, ada, "two").await.message;

    let seq = store.last_event_seq().await.unwrap();
    store.add_bookmark(bob, first.id, at(20)).await.unwrap();
    store.add_bookmark(bob, second.id, at(21)).await.unwrap();
    store.add_bookmark(bob, first.id, at(22)).await.unwrap();
    assert_eq!(
        events_since(&store, seq).await,
        vec![
            EventKind::BookmarkAdded {
                user: bob,
                message: first.id
            },
            EventKind::BookmarkAdded {
                user: bob,
                message: second.id
            },
        ],
        "saving a saved message tells nobody"
    );
    let saved = store.bookmarks(bob).await.unwrap();
    assert_eq!(
        saved
            .iter()
            .map(|b| (b.message, b.created_at))
            .collect::<Vec<_>>(),
        vec![(second.id, at(21)), (first.id, at(20))],
        "newest saved first, each saved once at its first time"
    );
    assert!(
        store.bookmarks(ada).await.unwrap().is_empty(),
        "bookmarks are personal"
    );

    let seq = store.last_event_seq().await.unwrap();
    store.remove_bookmark(bob, second.id, at(23)).await.unwrap();
    store.remove_bookmark(bob, second.id, at(24)).await.unwrap();
    assert_eq!(
        events_since(&store, seq).await,
        vec![EventKind::BookmarkRemoved {
            user: bob,
            message: second.id
        }]
    );

    store.delete_message(first.id, at(25)).await.unwrap();
    assert!(
        store.bookmarks(bob).await.unwrap().is_empty(),
        "a deleted message leaves the list"
    );
    assert!(matches!(
        store.add_bookmark(bob, first.id, at(26)).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn mentions_of_a_person_are_listed_newest_first_from_their_rooms(store: Shared) {
    let setup = set_up(&store).await;
    let (ada, room) = (setup.admin.id, setup.room.id);
    let bob = person(&store, "Bob").await.id;
    let elsewhere = closed_room(&store, "Elsewhere", ada, &[]).await;
    let mut ids = Vec::new();
    for (i, (where_, mentions)) in [
        (room, vec![bob]),
        (room, vec![]),
        (room, vec![ada, bob]),
        (elsewhere, vec![bob]),
        (room, vec![bob]),
    ]
    .into_iter()
    .enumerate()
    {
        let mut new = message(where_, ada, &format!("m{i}"), "hello");
        new.mentions = mentions;
        ids.push(store.post_message(new).await.unwrap().message.id);
    }
    let found = |before, limit| {
        let store = store.clone();
        async move {
            store
                .mentioning(bob, before, limit)
                .await
                .unwrap()
                .iter()
                .map(|m| m.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        found(None, 10).await,
        vec![ids[4], ids[2], ids[0]],
        "newest first; not a room Bob is not in, not a message without him"
    );
    assert_eq!(found(None, 2).await, vec![ids[4], ids[2]]);
    assert_eq!(found(Some(ids[2]), 2).await, vec![ids[0]], "the next page");
    assert_eq!(
        store
            .mentioning(ada, None, 10)
            .await
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect::<Vec<_>>(),
        vec![ids[2]]
    );
}

pub async fn deactivation_happens_in_one_step(store: Shared) {
    let setup = set_up(&store).await;
    let ada = setup.admin.id;
    let bob = person(&store, "Bob").await;
    let closed = closed_room(&store, "Plans", ada, &[bob.id]).await;
    let (direct, _) = store
        .find_or_create_direct_room(ada, DirectRoomKey::new([ada, bob.id]).unwrap(), at(3))
        .await
        .unwrap();
    let said = post(&store, closed, bob.id, "bye").await.message;
    store
        .create_session(NewSession {
            user: bob.id,
            token_hash: "h1".into(),
            user_agent: "ua".into(),
            ip: "10.0.0.1".into(),
            at: at(4),
        })
        .await
        .unwrap();
    store
        .record_search(bob.id, "launch date", at(5))
        .await
        .unwrap();

    let seq = store.last_event_seq().await.unwrap();
    store.deactivate_user(bob.id, at(30)).await.unwrap();

    assert_eq!(
        store.user(bob.id).await.unwrap().status,
        UserStatus::Deactivated
    );
    assert!(
        store.sessions_of(bob.id).await.unwrap().is_empty(),
        "sessions ended"
    );
    assert_eq!(store.session_by_token_hash("h1").await.unwrap(), None);
    assert!(
        store.recent_searches(bob.id).await.unwrap().is_empty(),
        "recent searches forgotten"
    );
    let rooms: Vec<RoomId> = store
        .memberships_of(bob.id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.room)
        .collect();
    assert_eq!(
        rooms,
        vec![direct.id],
        "only the direct room membership stays"
    );
    assert_eq!(store.message(said.id).await.unwrap(), said, "messages stay");
    let events = events_since(&store, seq).await;
    assert!(events.contains(&EventKind::MembershipRemoved {
        room: closed,
        user: bob.id
    }));
    assert!(events.contains(&EventKind::MembershipRemoved {
        room: setup.room.id,
        user: bob.id
    }));
    assert_eq!(
        events.last(),
        Some(&EventKind::UserDeactivated { user: bob.id })
    );
    // The email is free for a new sign-up.
    let email = EmailAddress::new("bob@example.com").unwrap();
    assert_eq!(store.active_user_by_email(&email).await.unwrap(), None);
    let again = store
        .create_person(
            new_person("Bob Again", "bob@example.com", Role::Member),
            at(40),
        )
        .await
        .unwrap();
    assert_ne!(again.id, bob.id);
    // Deactivating twice changes nothing more.
    let seq = store.last_event_seq().await.unwrap();
    store.deactivate_user(bob.id, at(50)).await.unwrap();
    assert_eq!(store.last_event_seq().await.unwrap(), seq);
}

pub async fn event_sequence_numbers_increase_in_commit_order_without_gaps(store: Shared) {
    let setup = set_up(&store).await;
    let room = setup.room.id;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let store = store.clone();
            let author = setup.admin.id;
            tokio::spawn(async move {
                for i in 0..40 {
                    store
                        .post_message(message(room, author, &format!("w{w}-{i}"), "x"))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    // A reader tails the log while the writers run: it must never see a gap (a later event
    // visible before an earlier one).
    let reader = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut last = EventSeq(0);
            let mut seen = 0;
            while seen < 160 {
                for event in store.events_after(last, 50).await.unwrap() {
                    assert_eq!(event.seq.0, last.0 + 1, "gap after {last:?}");
                    last = event.seq;
                    if matches!(event.kind, EventKind::MessageCreated { .. }) {
                        seen += 1;
                    }
                }
                tokio::task::yield_now().await;
            }
            last
        })
    };
    for writer in writers {
        writer.await.unwrap();
    }
    let tailed = reader.await.unwrap();
    assert_eq!(tailed, store.last_event_seq().await.unwrap());
    // Commit order: message ids (assigned in their transactions) rise with event order.
    let created: Vec<i64> = store
        .events_after(EventSeq(0), 10_000)
        .await
        .unwrap()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::MessageCreated { message, .. } => Some(message.0),
            _ => None,
        })
        .collect();
    assert_eq!(created.len(), 160);
    assert!(created.windows(2).all(|w| w[0] < w[1]));
}

pub async fn a_failed_operation_leaves_nothing_half_written(store: Shared) {
    let setup = set_up(&store).await;
    let before = store.stats().await.unwrap();
    // A closed room with one unknown member fails after the room itself would have been written.
    let bad_room = NewRoom {
        name: RoomName::new("Half").unwrap(),
        members: RoomMembers::Only(vec![setup.admin.id, UserId(987_654)]),
        creator: setup.admin.id,
        at: at(5),
    };
    assert!(matches!(
        store.create_room(bad_room).await,
        Err(StoreError::Conflict(Conflict::UnknownUser))
    ));
    // A message mentioning an unknown user fails after the message row would have been written.
    let bob = person(&store, "Bob").await;
    let before_post = store.stats().await.unwrap();
    let mut bad_post = message(setup.room.id, setup.admin.id, "half", "hi");
    bad_post.mentions = vec![UserId(987_654)];
    assert!(store.post_message(bad_post).await.is_err());
    let after = store.stats().await.unwrap();
    assert_eq!(after.rooms, before.rooms);
    assert_eq!(after.messages, before_post.messages);
    assert_eq!(
        after.last_event, before_post.last_event,
        "no event from the failed writes"
    );
    assert!(
        !store
            .membership(setup.room.id, bob.id)
            .await
            .unwrap()
            .unwrap()
            .is_unread(),
        "no unread mark either"
    );
    // The same client id still works afterwards: nothing of the failed post was kept.
    assert!(
        post(&store, setup.room.id, setup.admin.id, "half")
            .await
            .created
    );
}

pub async fn emails_belong_to_one_active_user(store: Shared) {
    set_up(&store).await;
    let taken = store
        .create_person(
            new_person("Imposter", "ADA@example.com", Role::Member),
            at(3),
        )
        .await;
    assert!(matches!(
        taken,
        Err(StoreError::Conflict(Conflict::EmailTaken))
    ));
    let found = store
        .active_user_by_email(&EmailAddress::new("ada@example.com").unwrap())
        .await
        .unwrap();
    assert_eq!(
        found.map(|u| u.name.to_string()),
        Some("Ada Admin".to_owned())
    );
}

pub async fn roles_change_for_people_not_bots(store: Shared) {
    let setup = set_up(&store).await;
    let bob = person(&store, "Bob").await;
    let bot = store
        .create_bot(
            NewBot {
                name: PersonName::new("Robo").unwrap(),
                token: BotToken::parse("AbCdEf123456").unwrap(),
                webhook_url: Some("http://bots.example/hook".into()),
            },
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .set_role(bob.id, Role::Administrator, at(4))
            .await
            .unwrap()
            .role,
        Role::Administrator
    );
    assert!(matches!(
        store.set_role(bot.id, Role::Administrator, at(4)).await,
        Err(StoreError::Conflict(Conflict::WrongUserKind))
    ));
    assert!(matches!(
        store.set_role(setup.admin.id, Role::Bot, at(4)).await,
        Err(StoreError::Conflict(Conflict::WrongUserKind))
    ));
    assert_eq!(
        store.webhook(bot.id).await.unwrap().map(|w| w.url),
        Some("http://bots.example/hook".to_owned())
    );
    let rotated = store
        .rotate_bot_token(bot.id, BotToken::parse("ZzZzZz999999").unwrap(), at(5))
        .await
        .unwrap();
    assert_eq!(rotated.bot_token.unwrap().as_str(), "ZzZzZz999999");
    assert!(
        store
            .rotate_bot_token(bob.id, BotToken::parse("ZzZzZz999999").unwrap(), at(5))
            .await
            .is_err()
    );
}

pub async fn join_codes_rotate(store: Shared) {
    let code = JoinCode::parse("ZZZZ-YYYY-XXXX").unwrap();
    assert!(matches!(
        store.rotate_join_code(code.clone(), at(1)).await,
        Err(StoreError::Conflict(Conflict::NotSetUp))
    ));
    set_up(&store).await;
    let seq = store.last_event_seq().await.unwrap();
    assert_eq!(
        store
            .rotate_join_code(code.clone(), at(2))
            .await
            .unwrap()
            .join_code,
        code
    );
    assert_eq!(store.account().await.unwrap().unwrap().join_code, code);
    assert_eq!(
        events_since(&store, seq).await,
        vec![EventKind::AccountUpdated]
    );
}

pub async fn sessions_are_listed_and_ended(store: Shared) {
    let setup = set_up(&store).await;
    let ada = setup.admin.id;
    let new = |hash: &str| NewSession {
        user: ada,
        token_hash: hash.into(),
        user_agent: "Firefox".into(),
        ip: "10.0.0.2".into(),
        at: at(3),
    };
    let one = store.create_session(new("one")).await.unwrap();
    let two = store.create_session(new("two")).await.unwrap();
    assert_eq!(
        store.session_by_token_hash("two").await.unwrap(),
        Some(two.clone())
    );
    assert_eq!(
        store.sessions_of(ada).await.unwrap(),
        vec![two.clone(), one.clone()]
    );
    store.delete_session(one.id).await.unwrap();
    assert_eq!(store.sessions_of(ada).await.unwrap(), vec![two]);
    store
        .set_password(ada, "$argon2id$new".into(), at(6))
        .await
        .unwrap();
    assert!(
        store.sessions_of(ada).await.unwrap().is_empty(),
        "a new password ends every session"
    );
    assert_eq!(
        store.password_hash(ada).await.unwrap().as_deref(),
        Some("$argon2id$new")
    );
}

pub async fn messages_are_edited_boosted_and_deleted_through_the_log(store: Shared) {
    let setup = set_up(&store).await;
    let (ada, room) = (setup.admin.id, setup.room.id);
    let bob = person(&store, "Bob").await.id;
    let posted = post(&store, room, ada, "orig").await.message;
    let seq = store.last_event_seq().await.unwrap();

    let edited = store
        .edit_message(
            posted.id,
            MessageBody::from_plain("better @Bob").unwrap(),
            vec![bob, bob],
            at(11),
        )
        .await
        .unwrap();
    assert_eq!(edited.body.plain(), "better @Bob");
    assert_eq!(edited.mentions, vec![bob]);
    assert_eq!(edited.edited_at, Some(at(11)));
    assert_eq!(store.message(posted.id).await.unwrap(), edited);

    let boost = store
        .add_boost(posted.id, bob, BoostContent::new("🎉").unwrap(), at(12))
        .await
        .unwrap();
    assert_eq!(store.boost(boost.id).await.unwrap(), boost);
    assert_eq!(
        store.boosts_of(&[posted.id]).await.unwrap(),
        vec![boost.clone()]
    );
    store.remove_boost(boost.id, at(13)).await.unwrap();
    assert!(store.boosts_of(&[posted.id]).await.unwrap().is_empty());
    let second = store
        .add_boost(posted.id, ada, BoostContent::new("+1").unwrap(), at(14))
        .await
        .unwrap();

    store.delete_message(posted.id, at(15)).await.unwrap();
    assert!(matches!(
        store.message(posted.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        matches!(store.boost(second.id).await, Err(StoreError::NotFound(_))),
        "boosts go with their message"
    );
    assert_eq!(
        events_since(&store, seq).await,
        vec![
            EventKind::MessageEdited {
                room,
                message: posted.id
            },
            EventKind::BoostAdded {
                room,
                message: posted.id,
                boost: boost.id
            },
            EventKind::BoostRemoved {
                room,
                message: posted.id,
                boost: boost.id
            },
            EventKind::BoostAdded {
                room,
                message: posted.id,
                boost: second.id
            },
            EventKind::MessageDeleted {
                room,
                message: posted.id
            },
        ]
    );
    assert!(matches!(
        store.delete_message(posted.id, at(16)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.message_count(room).await.unwrap(), 0);
}

pub async fn a_permalink_page_is_centred_on_its_message(store: Shared) {
    let setup = set_up(&store).await;
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(
            post(&store, setup.room.id, setup.admin.id, &format!("c{i}"))
                .await
                .message
                .id,
        );
    }
    let page: Vec<MessageId> = store
        .messages(setup.room.id, Page::Around(ids[12]), 10)
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(page, ids[7..17]);
    let start: Vec<MessageId> = store
        .messages(setup.room.id, Page::Around(ids[1]), 10)
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(
        start,
        ids[..6],
        "near the start: what exists before, then half a page from it on"
    );
    assert_eq!(store.message_count(setup.room.id).await.unwrap(), 30);
}

pub async fn a_ban_removes_messages_and_refuses_addresses(store: Shared) {
    let setup = set_up(&store).await;
    let bob = person(&store, "Bob").await;
    let kept = post(&store, setup.room.id, setup.admin.id, "kept")
        .await
        .message;
    let spam = post(&store, setup.room.id, bob.id, "spam").await.message;
    store
        .create_session(NewSession {
            user: bob.id,
            token_hash: "b".into(),
            user_agent: "ua".into(),
            ip: "203.0.113.9".into(),
            at: at(3),
        })
        .await
        .unwrap();
    assert!(!store.is_banned_ip("203.0.113.9").await.unwrap());
    // Addresses a ban spares (F8): one another active person uses, and a loopback one.
    for (user, hash, ip) in [
        (bob.id, "b2", "198.51.100.4"),
        (setup.admin.id, "a2", "198.51.100.4"),
        (bob.id, "b3", "127.0.0.1"),
    ] {
        store
            .create_session(NewSession {
                user,
                token_hash: hash.into(),
                user_agent: "ua".into(),
                ip: ip.into(),
                at: at(4),
            })
            .await
            .unwrap();
    }

    store.ban_user(bob.id, at(20)).await.unwrap();
    assert_eq!(store.user(bob.id).await.unwrap().status, UserStatus::Banned);
    assert!(store.is_banned_ip("203.0.113.9").await.unwrap());
    assert!(!store.is_banned_ip("203.0.113.10").await.unwrap());
    assert!(
        !store.is_banned_ip("198.51.100.4").await.unwrap(),
        "another active person's address"
    );
    assert!(!store.is_banned_ip("127.0.0.1").await.unwrap(), "loopback");
    assert!(matches!(
        store.message(spam.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.message(kept.id).await.unwrap(), kept);
    assert!(store.sessions_of(bob.id).await.unwrap().is_empty());
    assert!(store.memberships_of(bob.id).await.unwrap().is_empty());

    store.unban_user(bob.id, at(30)).await.unwrap();
    assert_eq!(store.user(bob.id).await.unwrap().status, UserStatus::Active);
    assert!(!store.is_banned_ip("203.0.113.9").await.unwrap());
    assert_eq!(
        store.memberships_of(bob.id).await.unwrap().len(),
        1,
        "back in every open room"
    );
    assert!(
        matches!(store.message(spam.id).await, Err(StoreError::NotFound(_))),
        "not the messages"
    );
}

pub async fn rooms_are_renamed_followed_and_deleted(store: Shared) {
    let setup = set_up(&store).await;
    let ada = setup.admin.id;
    let bob = person(&store, "Bob").await.id;
    let room = closed_room(&store, "Plans", ada, &[bob]).await;
    let renamed = store
        .rename_room(room, RoomName::new("Better Plans").unwrap(), at(3))
        .await
        .unwrap();
    assert_eq!(renamed.name.unwrap().as_str(), "Better Plans");
    let (direct, _) = store
        .find_or_create_direct_room(ada, DirectRoomKey::new([ada, bob]).unwrap(), at(3))
        .await
        .unwrap();
    assert!(matches!(
        store
            .rename_room(direct.id, RoomName::new("Nope").unwrap(), at(4))
            .await,
        Err(StoreError::Conflict(Conflict::WrongRoomKind))
    ));

    let seq = store.last_event_seq().await.unwrap();
    let followed = store
        .set_involvement(room, bob, Involvement::Invisible, at(5))
        .await
        .unwrap();
    assert_eq!(followed.involvement, Involvement::Invisible);
    assert_eq!(
        events_since(&store, seq).await,
        vec![EventKind::InvolvementChanged { room, user: bob }]
    );
    post(&store, room, ada, "hidden").await;
    assert!(
        !store
            .membership(room, bob)
            .await
            .unwrap()
            .unwrap()
            .is_unread(),
        "invisible rooms never go unread"
    );

    let message = post(&store, room, ada, "doomed").await.message;
    store.delete_room(room, at(6)).await.unwrap();
    assert!(matches!(
        store.room(room).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.message(message.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.membership(room, bob).await.unwrap(), None);
    assert_eq!(
        events_since(
            &store,
            EventSeq(store.last_event_seq().await.unwrap().0 - 1)
        )
        .await,
        vec![EventKind::RoomDeleted { room }]
    );
}

pub async fn account_and_profiles_change(store: Shared) {
    let setup = set_up(&store).await;
    let account = store
        .update_account(
            AccountChanges {
                name: Some(AccountName::new("Acme").unwrap()),
                custom_css: Some(CustomCss::new("body{}").unwrap()),
                only_admins_create_rooms: Some(true),
                logo: Some(Some(campfire_domain::BlobKey::from_digest(&[9; 32]))),
            },
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            account.name.as_str(),
            account.custom_css.as_str(),
            account.only_admins_create_rooms
        ),
        ("Acme", "body{}", true)
    );
    assert_eq!(store.account().await.unwrap(), Some(account));

    let bob = person(&store, "Bob").await;
    let changed = store
        .update_profile(
            bob.id,
            ProfileChanges {
                name: Some(PersonName::new("Robert").unwrap()),
                bio: Some(Bio::new("builds").unwrap()),
                email: Some(EmailAddress::new("rob@example.com").unwrap()),
                avatar: Some(Some(campfire_domain::BlobKey::from_digest(&[8; 32]))),
            },
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(
        (changed.name.as_str(), changed.bio.as_str()),
        ("Robert", "builds")
    );
    assert_eq!(changed.email.unwrap().as_str(), "rob@example.com");
    // Pictures (A10, A11) are kept, read back, count as uses of their blobs, and go.
    let avatar = campfire_domain::BlobKey::from_digest(&[8; 32]);
    let logo = campfire_domain::BlobKey::from_digest(&[9; 32]);
    assert_eq!(changed.avatar.as_ref(), Some(&avatar));
    assert_eq!(
        store.user(bob.id).await.unwrap().avatar,
        Some(avatar.clone())
    );
    assert_eq!(
        store.account().await.unwrap().unwrap().logo,
        Some(logo.clone())
    );
    assert!(store.blob_used(&avatar).await.unwrap());
    assert!(store.blob_used(&logo).await.unwrap());
    let plain = store
        .update_profile(
            bob.id,
            ProfileChanges {
                avatar: Some(None),
                ..Default::default()
            },
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(plain.avatar, None);
    assert!(!store.blob_used(&avatar).await.unwrap());
    let taken = store
        .update_profile(
            bob.id,
            ProfileChanges {
                email: Some(setup.admin.email.clone().unwrap()),
                ..Default::default()
            },
            at(4),
        )
        .await;
    assert!(matches!(
        taken,
        Err(StoreError::Conflict(Conflict::EmailTaken))
    ));

    let bot = store
        .create_bot(
            NewBot {
                name: PersonName::new("Robo").unwrap(),
                token: BotToken::parse("AbCdEf123456").unwrap(),
                webhook_url: None,
            },
            at(5),
        )
        .await
        .unwrap();
    store
        .set_webhook(bot.id, Some("https://example.com/a".into()))
        .await
        .unwrap();
    store
        .set_webhook(bot.id, Some("https://example.com/b".into()))
        .await
        .unwrap();
    assert_eq!(
        store.webhook(bot.id).await.unwrap().unwrap().url,
        "https://example.com/b"
    );
    store.set_webhook(bot.id, None).await.unwrap();
    assert_eq!(store.webhook(bot.id).await.unwrap(), None);
    assert!(
        store.set_webhook(bob.id, None).await.is_err(),
        "people have no webhooks"
    );
}

pub async fn the_membership_snapshot_matches_the_log_head(store: Shared) {
    let setup = set_up(&store).await;
    let bob = person(&store, "Bob").await.id;
    let room = closed_room(&store, "Plans", setup.admin.id, &[bob]).await;
    let (pairs, head) = store.membership_snapshot().await.unwrap();
    assert_eq!(head, store.last_event_seq().await.unwrap());
    let mut expected = vec![
        (setup.room.id, setup.admin.id),
        (setup.room.id, bob),
        (room, setup.admin.id),
        (room, bob),
    ];
    expected.sort();
    let mut pairs = pairs;
    pairs.sort();
    assert_eq!(pairs, expected);
}

pub async fn tokens_are_used_once(store: Shared) {
    assert!(store.use_token_once("jti-1", at(1)).await.unwrap());
    assert!(!store.use_token_once("jti-1", at(2)).await.unwrap());
    assert!(store.use_token_once("jti-2", at(3)).await.unwrap());
}

pub async fn idle_sessions_and_old_tokens_are_pruned(store: Shared) {
    let setup = set_up(&store).await;
    let session = |hash: &str, when: i64| NewSession {
        user: setup.admin.id,
        token_hash: hash.into(),
        user_agent: "Firefox".into(),
        ip: "203.0.113.1".into(),
        at: at(when),
    };
    store.create_session(session("old", 10)).await.unwrap();
    let touched = store.create_session(session("touched", 10)).await.unwrap();
    store.touch_session(touched.id, at(50)).await.unwrap();
    store.create_session(session("new", 40)).await.unwrap();
    assert!(store.use_token_once("jti-old", at(10)).await.unwrap());
    assert!(store.use_token_once("jti-new", at(40)).await.unwrap());

    assert_eq!(store.prune(at(30), at(30)).await.unwrap(), (1, 1));
    assert_eq!(store.session_by_token_hash("old").await.unwrap(), None);
    assert!(
        store
            .session_by_token_hash("touched")
            .await
            .unwrap()
            .is_some()
    );
    assert!(store.session_by_token_hash("new").await.unwrap().is_some());
    assert!(
        !store.use_token_once("jti-new", at(60)).await.unwrap(),
        "still remembered"
    );
    assert_eq!(
        store.prune(at(30), at(30)).await.unwrap(),
        (0, 0),
        "nothing left to prune"
    );
}

pub async fn webhook_deliveries_are_queued_with_their_message(store: Shared) {
    let setup = set_up(&store).await;
    let bot = store
        .create_bot(
            NewBot {
                name: PersonName::new("Robo").unwrap(),
                token: BotToken::parse("AbCdEf123456").unwrap(),
                webhook_url: Some("http://hook".into()),
            },
            at(1),
        )
        .await
        .unwrap();
    let mut new = message(setup.room.id, setup.admin.id, "hook-1", "@Robo hi");
    new.webhooks = vec![bot.id];
    let posted = store.post_message(new.clone()).await.unwrap().message;
    // A retried post queues nothing new.
    store.post_message(new).await.unwrap();
    assert!(
        store.due_deliveries(at(9), 10).await.unwrap().is_empty(),
        "not due before the message's time"
    );
    assert_eq!(
        store.pending_deliveries().await.unwrap(),
        1,
        "the backlog counts a delivery before it is due"
    );
    let due = store.due_deliveries(at(10), 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let delivery = &due[0];
    assert_eq!(
        (delivery.target, delivery.message, delivery.attempts),
        (DeliveryTarget::Webhook(bot.id), posted.id, 0)
    );
    assert_eq!(
        delivery.idempotency_key,
        format!("webhook-{}-{}", posted.id, bot.id)
    );

    store
        .record_delivery(
            delivery.id,
            Outcome::Retry {
                at: at(100),
                error: "HTTP 503".into(),
            },
            at(11),
        )
        .await
        .unwrap();
    assert!(store.due_deliveries(at(99), 10).await.unwrap().is_empty());
    let again = store.due_deliveries(at(100), 10).await.unwrap();
    assert_eq!(again[0].attempts, 1);
    let stats = store.delivery_stats(bot.id).await.unwrap();
    assert_eq!((stats.pending, stats.delivered, stats.failed), (1, 0, 0));
    assert_eq!(
        store.pending_deliveries().await.unwrap(),
        1,
        "a retry stays in the backlog"
    );
    assert_eq!(stats.last_error.as_deref(), Some("HTTP 503"));
    assert_eq!(stats.last_attempt_at, Some(at(11)));

    store
        .record_delivery(delivery.id, Outcome::Delivered, at(101))
        .await
        .unwrap();
    assert!(
        store
            .due_deliveries(at(1_000), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let stats = store.delivery_stats(bot.id).await.unwrap();
    assert_eq!((stats.pending, stats.delivered, stats.failed), (0, 1, 0));
    assert_eq!(
        stats.last_error, None,
        "a delivery after the failure: the bot's status shows no failure"
    );

    let mut second = message(setup.room.id, setup.admin.id, "hook-2", "@Robo again");
    second.webhooks = vec![bot.id];
    store.post_message(second).await.unwrap();
    let next = store.due_deliveries(at(1_000), 10).await.unwrap();
    store
        .record_delivery(
            next[0].id,
            Outcome::GaveUp {
                error: "timed out".into(),
            },
            at(1_001),
        )
        .await
        .unwrap();
    let stats = store.delivery_stats(bot.id).await.unwrap();
    assert_eq!((stats.pending, stats.delivered, stats.failed), (0, 1, 1));
    assert_eq!(
        store.pending_deliveries().await.unwrap(),
        0,
        "delivered and given-up deliveries leave the backlog"
    );
    assert_eq!(stats.last_error.as_deref(), Some("timed out"));
    assert_eq!(stats.circuit, "closed");
    store.set_circuit(bot.id, "open").await.unwrap();
    assert_eq!(store.delivery_stats(bot.id).await.unwrap().circuit, "open");
}

pub async fn messages_are_read_in_batches_by_id(store: Shared) {
    let setup = set_up(&store).await;
    let a = post(&store, setup.room.id, setup.admin.id, "batch-a")
        .await
        .message;
    let b = post(&store, setup.room.id, setup.admin.id, "batch-b")
        .await
        .message;
    let c = post(&store, setup.room.id, setup.admin.id, "batch-c")
        .await
        .message;
    store.delete_message(b.id, at(5)).await.unwrap();
    let found = store
        .messages_by_ids(&[c.id, b.id, a.id, MessageId(999_999)])
        .await
        .unwrap();
    let ids: Vec<MessageId> = found.iter().map(|m| m.id).collect();
    assert_eq!(ids, [a.id, c.id], "existing ones, in id order");
    assert_eq!(found[1].body.plain(), c.body.plain());
    assert!(store.messages_by_ids(&[]).await.unwrap().is_empty());
}

pub async fn recent_searches_keep_the_newest_ten_once_each(store: Shared) {
    let setup = set_up(&store).await;
    let other = person(&store, "Other").await;
    for i in 0..12 {
        store
            .record_search(setup.admin.id, &format!("query {i}"), at(i))
            .await
            .unwrap();
    }
    // Searching again moves a query to the front instead of repeating it.
    store
        .record_search(setup.admin.id, "query 5", at(100))
        .await
        .unwrap();
    store
        .record_search(other.id, "theirs", at(1))
        .await
        .unwrap();
    let recent = store.recent_searches(setup.admin.id).await.unwrap();
    assert_eq!(recent.len(), campfire_store::RECENT_SEARCHES);
    assert_eq!(recent[0], "query 5");
    assert_eq!(recent[1], "query 11");
    assert_eq!(recent.iter().filter(|q| *q == "query 5").count(), 1);
    assert!(!recent.contains(&"query 0".to_owned()), "oldest dropped");
    assert!(!recent.contains(&"theirs".to_owned()), "per user");

    store.clear_recent_searches(setup.admin.id).await.unwrap();
    assert!(
        store
            .recent_searches(setup.admin.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.recent_searches(other.id).await.unwrap(), ["theirs"]);
}

/// A browser of `user`'s, signed in and subscribed at `endpoint`.
async fn subscribe(store: &Shared, user: UserId, endpoint: &str) -> (SessionId, PushSubscription) {
    static SIGN_INS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SIGN_INS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let session = store
        .create_session(NewSession {
            user,
            token_hash: format!("hash-{n}-{endpoint}"),
            user_agent: "Firefox".into(),
            ip: "192.0.2.1".into(),
            at: at(1),
        })
        .await
        .unwrap();
    let seed = u8::try_from(endpoint.len() % 200).unwrap() + 1;
    let p256dh = VapidKey::from_bytes(&[seed; 32]).unwrap().public_key();
    let keys = PushKeys::parse(&p256dh, "AAAAAAAAAAAAAAAAAAAAAA").unwrap();
    let subscription = store
        .save_push_subscription(NewPushSubscription {
            user,
            session: session.id,
            endpoint: endpoint.to_owned(),
            keys,
            at: at(2),
        })
        .await
        .unwrap();
    (session.id, subscription)
}

pub async fn pushes_are_queued_for_whom_the_push_rule_picks(store: Shared) {
    let setup = set_up(&store).await;
    let room = setup.room.id;
    let mut subscriptions = Vec::new();
    // (name, involvement, mentioned, connected, pushed)
    let cases = [
        ("Bea", Involvement::Everything, false, false, true),
        ("Cy", Involvement::Mentions, true, false, true),
        ("Dan", Involvement::Mentions, false, false, false),
        ("Eve", Involvement::Nothing, true, false, false),
        ("Fay", Involvement::Everything, true, true, false),
        ("Gus", Involvement::Invisible, true, false, false),
    ];
    let mut mentions = Vec::new();
    let mut connected = Vec::new();
    let mut expected = Vec::new();
    for (name, involvement, mentioned, is_connected, pushed) in cases {
        let user = person(&store, name).await;
        store
            .set_involvement(room, user.id, involvement, at(3))
            .await
            .unwrap();
        let (_, subscription) =
            subscribe(&store, user.id, &format!("https://push.example/{name}")).await;
        if mentioned {
            mentions.push(user.id);
        }
        if is_connected {
            connected.push(user.id);
        }
        if pushed {
            expected.push(DeliveryTarget::Push(subscription.id));
        }
        subscriptions.push(subscription);
    }
    // The author's own browser gets nothing.
    subscribe(&store, setup.admin.id, "https://push.example/author").await;
    // Someone with a subscription who is not in the room gets nothing either.
    let outsider = person(&store, "Hal").await;
    let closed = store
        .create_room(NewRoom {
            name: RoomName::new("Elsewhere").unwrap(),
            members: RoomMembers::Only(vec![outsider.id]),
            creator: outsider.id,
            at: at(3),
        })
        .await
        .unwrap();
    assert_ne!(closed.id, room);
    subscribe(&store, outsider.id, "https://push.example/outsider").await;

    let mut new = message(room, setup.admin.id, "push-1", "hello all");
    new.mentions = mentions;
    new.connected = connected;
    let posted = store.post_message(new.clone()).await.unwrap().message;
    // A retried post queues nothing new.
    store.post_message(new).await.unwrap();
    let due = store.due_deliveries(at(10), 100).await.unwrap();
    let mut targets: Vec<DeliveryTarget> = due.iter().map(|d| d.target).collect();
    targets.sort_by_key(|t| format!("{t:?}"));
    expected.sort_by_key(|t| format!("{t:?}"));
    assert_eq!(targets, expected);
    for delivery in &due {
        assert_eq!(delivery.message, posted.id);
        let DeliveryTarget::Push(id) = delivery.target else {
            panic!("only pushes were queued");
        };
        assert_eq!(
            delivery.idempotency_key,
            format!("push-{}-{}", posted.id, id)
        );
    }

    // A subscription that is removed takes its queued push with it.
    let DeliveryTarget::Push(first) = expected[0] else {
        panic!("a push");
    };
    store.remove_push_subscription(first).await.unwrap();
    store.remove_push_subscription(first).await.unwrap();
    assert!(store.push_subscription(first).await.unwrap().is_none());
    let due = store.due_deliveries(at(10), 100).await.unwrap();
    assert_eq!(due.len(), expected.len() - 1);
    assert!(due.iter().all(|d| d.target != DeliveryTarget::Push(first)));

    // A new VAPID key invalidates every subscription and drops every queued push.
    assert_eq!(
        store.remove_all_push_subscriptions().await.unwrap(),
        u64::try_from(subscriptions.len() + 2 - 1).unwrap()
    );
    assert!(store.due_deliveries(at(10), 100).await.unwrap().is_empty());
}

pub async fn push_subscriptions_follow_their_endpoint_and_session(store: Shared) {
    let setup = set_up(&store).await;
    let bea = person(&store, "Bea").await;
    let (session, first) = subscribe(&store, setup.admin.id, "https://push.example/a").await;
    assert_eq!(first.session, Some(session));
    assert_eq!(first.user, setup.admin.id);
    assert_eq!(
        store.push_subscription(first.id).await.unwrap(),
        Some(first.clone())
    );
    let (_, other) = subscribe(&store, setup.admin.id, "https://push.example/b").await;
    assert_eq!(
        store.push_subscriptions_of(setup.admin.id).await.unwrap(),
        vec![first.clone(), other.clone()]
    );

    // The same browser signed in as someone else: the endpoint moves to them.
    let (bea_session, moved) = subscribe(&store, bea.id, "https://push.example/a").await;
    assert_eq!((moved.id, moved.user), (first.id, bea.id));
    assert_eq!(
        store.push_subscriptions_of(setup.admin.id).await.unwrap(),
        vec![other.clone()]
    );

    // Signing out removes that browser's subscription, and only it.
    store.delete_session(bea_session).await.unwrap();
    assert!(
        store
            .push_subscriptions_of(bea.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.push_subscriptions_of(setup.admin.id).await.unwrap(),
        vec![other.clone()]
    );

    // A new password ends every session, and so every subscription.
    store
        .set_password(setup.admin.id, "new hash".into(), at(6))
        .await
        .unwrap();
    assert!(
        store
            .push_subscriptions_of(setup.admin.id)
            .await
            .unwrap()
            .is_empty()
    );

    // A session that does not exist (or is someone else's) takes no subscription.
    let (carl_session, _) = subscribe(&store, bea.id, "https://push.example/c").await;
    let refused = store
        .save_push_subscription(NewPushSubscription {
            user: setup.admin.id,
            session: carl_session,
            endpoint: "https://push.example/d".into(),
            keys: PushKeys::parse(
                &VapidKey::from_bytes(&[3; 32]).unwrap().public_key(),
                "AAAAAAAAAAAAAAAAAAAAAA",
            )
            .unwrap(),
            at: at(5),
        })
        .await;
    assert!(refused.is_err());

    // Deactivation removes them too (A7).
    store.deactivate_user(bea.id, at(6)).await.unwrap();
    assert!(
        store
            .push_subscriptions_of(bea.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Writes that arrive together (and that an adapter may commit together, as the SQLite adapter's
/// group commit does) succeed or fail each on its own: a failing one takes nothing of its
/// neighbours with it, and every one that succeeded is in the data and the log, once, in order.
pub async fn concurrent_writes_fail_alone_and_commit_together(store: Shared) {
    let setup = set_up(&store).await;
    let room = setup.room.id;
    let missing = RoomId(987_654);
    let head = store.last_event_seq().await.unwrap();
    let mut tasks = Vec::new();
    for n in 0..120 {
        let store = store.clone();
        let target = if n % 3 == 0 { missing } else { room };
        tasks.push(tokio::spawn(async move {
            let id = format!("c{n}");
            let result = store
                .post_message(message(target, setup.admin.id, &id, &id))
                .await;
            (n, result)
        }));
    }
    let mut posted = Vec::new();
    for task in tasks {
        let (n, result) = task.await.unwrap();
        if n % 3 == 0 {
            assert!(
                matches!(result, Err(StoreError::NotFound(_))),
                "post {n} to a missing room: {result:?}"
            );
        } else {
            let posted_message = result.unwrap();
            assert!(posted_message.created);
            assert_eq!(posted_message.message.body.plain(), format!("c{n}"));
            posted.push(posted_message.message.id);
        }
    }
    posted.sort_unstable();
    assert_eq!(posted.len(), 80);
    let stored: Vec<MessageId> = store
        .messages(room, Page::After(MessageId(0)), MAX_PAGE)
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(stored, posted, "exactly the successful posts are stored");
    let events = store.events_after(head, 10_000).await.unwrap();
    for (expected, event) in (head.0 + 1..).zip(&events) {
        assert_eq!(event.seq, EventSeq(expected), "the log has a gap");
    }
    let created: Vec<MessageId> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::MessageCreated { message, .. } => Some(message),
            _ => None,
        })
        .collect();
    assert_eq!(created, posted, "one event per stored message, in order");
}

pub async fn a_file_is_kept_with_its_message_and_goes_with_it(store: Shared) {
    use campfire_domain::{Attachment, BlobKey, ContentType, FileName, ImageSize};
    let setup = set_up(&store).await;
    let blob = BlobKey::from_digest(&[1; 32]);
    let thumbnail = BlobKey::from_digest(&[2; 32]);
    let file = Attachment {
        blob: blob.clone(),
        name: FileName::clean("photo.png"),
        content_type: ContentType::image("png").unwrap(),
        byte_size: 123_456,
        image: Some((
            ImageSize {
                width: 4000,
                height: 3000,
            },
            thumbnail.clone(),
        )),
    };
    let mut new = message(setup.room.id, setup.admin.id, "file-1", "photo.png");
    new.attachment = Some(file.clone());
    let posted = store.post_message(new).await.unwrap();
    assert_eq!(posted.message.attachment.as_ref(), Some(&file));
    // Every read returns it as stored; a message without one has none.
    let plain = post(&store, setup.room.id, setup.admin.id, "text-1").await;
    assert_eq!(
        store.message(posted.message.id).await.unwrap().attachment,
        Some(file.clone())
    );
    let page = store
        .messages(setup.room.id, Page::Latest, 10)
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].attachment, Some(file.clone()));
    assert_eq!(page[1].attachment, None);
    let batch = store
        .messages_by_ids(&[posted.message.id, plain.message.id])
        .await
        .unwrap();
    assert_eq!(batch[0].attachment, Some(file.clone()));
    let stats = store.stats().await.unwrap();
    assert_eq!((stats.files, stats.file_bytes), (1, 123_456));
    // Both blobs are in use until the message goes; then neither is.
    assert!(store.blob_used(&blob).await.unwrap());
    assert!(store.blob_used(&thumbnail).await.unwrap());
    assert!(
        !store
            .blob_used(&BlobKey::from_digest(&[3; 32]))
            .await
            .unwrap()
    );
    store
        .delete_message(posted.message.id, at(20))
        .await
        .unwrap();
    assert!(!store.blob_used(&blob).await.unwrap());
    assert!(!store.blob_used(&thumbnail).await.unwrap());
    assert_eq!(store.stats().await.unwrap().files, 0);

    // A link's card (M10): kept with its message, announced as a change, found by its page.
    let link = store
        .post_message(message(
            setup.room.id,
            setup.admin.id,
            "link-1",
            "https://example.com/a",
        ))
        .await
        .unwrap();
    let picture = BlobKey::from_digest(&[4; 32]);
    let card = campfire_domain::LinkPreview::new(
        "https://example.com/a",
        "A page",
        "About it",
        "example.com",
        Some(picture.clone()),
    )
    .unwrap();
    let seq = store.last_event_seq().await.unwrap();
    let carded = store
        .set_preview(link.message.id, Some(card.clone()), at(30))
        .await
        .unwrap();
    assert_eq!(carded.preview.as_ref(), Some(&card));
    assert_eq!(carded.edited_at, None, "a card is no edit");
    assert_eq!(
        events_since(&store, seq).await,
        vec![EventKind::MessageEdited {
            room: setup.room.id,
            message: link.message.id
        }]
    );
    assert_eq!(
        store.message(link.message.id).await.unwrap().preview,
        Some(card.clone())
    );
    assert_eq!(
        store.preview_of_url("https://example.com/a").await.unwrap(),
        Some(card)
    );
    assert_eq!(
        store.preview_of_url("https://example.com/b").await.unwrap(),
        None
    );
    assert!(store.blob_used(&picture).await.unwrap());
    store
        .set_preview(link.message.id, None, at(31))
        .await
        .unwrap();
    assert!(!store.blob_used(&picture).await.unwrap());
    assert!(
        store
            .message(link.message.id)
            .await
            .unwrap()
            .preview
            .is_none()
    );
}
