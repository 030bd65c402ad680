//! Following the event log: what is posted, edited and deleted in the store is what search
//! finds, whether the index followed along or was rebuilt from scratch.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use campfire_domain::{
    AccountName, Bio, ClientMessageId, EmailAddress, EventSeq, JoinCode, MessageBody, PersonName,
    Role, RoomId, RoomName, Timestamp,
};
use campfire_search::follow::{LIVE_BATCH, catch_up, next_batch, rebuild};
use campfire_search::{MemoryIndex, Query, SearchIndex, TantivyIndex, Terms};
use campfire_store::{FirstRun, MemoryStore, NewMessage, NewPerson, SetUp, Store};

fn at(ms: i64) -> Timestamp {
    Timestamp(1_700_000_000_000 + ms)
}

async fn set_up(store: &MemoryStore) -> SetUp {
    store
        .set_up(FirstRun {
            account_name: AccountName::new("Campfire").unwrap(),
            join_code: JoinCode::parse("AAAA-BBBB-CCCC").unwrap(),
            admin: NewPerson {
                name: PersonName::new("Ada").unwrap(),
                email: EmailAddress::new("ada@example.com").unwrap(),
                password_hash: "x".into(),
                role: Role::Administrator,
                bio: Bio::default(),
            },
            first_room: RoomName::new("All Talk").unwrap(),
            at: at(0),
        })
        .await
        .unwrap()
}

async fn post(
    store: &MemoryStore,
    setup: &SetUp,
    client: &str,
    text: &str,
) -> campfire_domain::MessageId {
    store
        .post_message(NewMessage {
            room: setup.room.id,
            author: setup.admin.id,
            client_message_id: ClientMessageId::new(client).unwrap(),
            body: MessageBody::from_plain(text).unwrap(),
            mentions: vec![],
            looking: vec![],
            connected: vec![],
            webhooks: vec![],
            attachment: None,
            thread: None,
            at: at(10),
        })
        .await
        .unwrap()
        .message
        .id
}

fn found(index: &dyn SearchIndex, typed: &str, room: RoomId) -> Vec<i64> {
    let mut ids: Vec<i64> = index
        .search(&Query::new(Terms::parse(typed), vec![room], at(20)))
        .unwrap()
        .into_iter()
        .map(|h| h.message.0)
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn posts_edits_deletes_and_room_deletes_reach_the_index() {
    let store = MemoryStore::new();
    let setup = set_up(&store).await;
    let index = MemoryIndex::new();
    let room = setup.room.id;

    let kept = post(&store, &setup, "a", "the quarterly report").await;
    let edited = post(&store, &setup, "b", "a typo in the reprot").await;
    let deleted = post(&store, &setup, "c", "report this later").await;
    let head = catch_up(&store, &index, LIVE_BATCH).await.unwrap();
    assert_eq!(head, store.last_event_seq().await.unwrap());
    assert_eq!(found(&index, "report", room), [kept.0, deleted.0]);

    store
        .edit_message(
            edited,
            MessageBody::from_plain("the fixed report").unwrap(),
            vec![],
            at(11),
        )
        .await
        .unwrap();
    store.delete_message(deleted, at(12)).await.unwrap();
    catch_up(&store, &index, LIVE_BATCH).await.unwrap();
    assert_eq!(found(&index, "report", room), [kept.0, edited.0]);
    assert!(
        found(&index, "reprot", room).is_empty(),
        "the edit replaced the old text"
    );

    // Nothing new: no batch, no change.
    assert!(
        next_batch(&store, index.indexed_through().unwrap(), LIVE_BATCH)
            .await
            .unwrap()
            .is_none()
    );

    store.delete_room(room, at(13)).await.unwrap();
    catch_up(&store, &index, LIVE_BATCH).await.unwrap();
    assert_eq!(index.len().unwrap(), 0);
}

#[tokio::test]
async fn a_message_posted_and_deleted_in_one_batch_is_never_indexed() {
    let store = MemoryStore::new();
    let setup = set_up(&store).await;
    let gone = post(&store, &setup, "a", "ephemeral words").await;
    store.delete_message(gone, at(11)).await.unwrap();
    let index = MemoryIndex::new();
    catch_up(&store, &index, LIVE_BATCH).await.unwrap();
    assert!(found(&index, "ephemeral", setup.room.id).is_empty());
}

#[tokio::test]
async fn small_batches_rebuilds_and_disk_all_agree() {
    let store = MemoryStore::new();
    let setup = set_up(&store).await;
    for i in 0..40 {
        post(
            &store,
            &setup,
            &format!("m{i}"),
            &format!("message number {i} about otters"),
        )
        .await;
    }
    let followed = MemoryIndex::new();
    catch_up(&store, &followed, 3).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    {
        let (disk, _) = TantivyIndex::open(dir.path()).unwrap();
        rebuild(&store, &disk).await.unwrap();
    }
    // Reopened, the disk index remembers both its documents and its position.
    let (disk, _) = TantivyIndex::open(dir.path()).unwrap();
    assert_eq!(
        disk.indexed_through().unwrap(),
        store.last_event_seq().await.unwrap()
    );
    let room = setup.room.id;
    assert_eq!(found(&followed, "otter", room).len(), 40);
    assert_eq!(found(&disk, "otter", room), found(&followed, "otter", room));
    assert_eq!(found(&disk, "17", room), found(&followed, "17", room));
    assert_eq!(found(&disk, "17", room).len(), 1);

    // A rebuild starts over from nothing.
    rebuild(&store, &followed).await.unwrap();
    assert_eq!(followed.len().unwrap(), 40);
    assert!(followed.indexed_through().unwrap() > EventSeq(0));
}
