//! Messages and boosts (M1–M8, B3): post, edit, delete, boost, unboost.

use std::collections::HashSet;

use campfire_domain::{
    Action, Attachment, BlobKey, Bookmark, Boost, BoostContent, ClientMessageId, Message,
    MessageBody, MessageId, Room, RoomFacts, RoomId, RoomKind, User, UserId, authorize,
    extract_mentions, webhook_recipients,
};

use super::{App, AppError, AppResult, RoomPresence, actor};
use crate::{NewMessage, Posted, StoreError};

/// A message body as an edge parsed it: sanitised, and the users its mention chips name.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The sanitised body.
    pub body: MessageBody,
    /// The users named by the body's mention chips (not yet checked against the room).
    pub chips: Vec<UserId>,
}

/// Where a post goes: a room's own history, or the thread of one of its messages (X7).
#[derive(Debug, Clone, Copy)]
pub enum Place<'a> {
    /// The room's history.
    Room(RoomId),
    /// The thread this message starts or is in.
    Thread(&'a Message),
}

impl Place<'_> {
    /// The room, and the thread's first message if any.
    fn parts(self) -> (RoomId, Option<MessageId>) {
        match self {
            Place::Room(room) => (room, None),
            Place::Thread(to) => (to.room, Some(to.thread_root())),
        }
    }
}

/// Where a post comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A person's app or a bot's API call.
    Client,
    /// A bot's reply to a webhook: it never calls webhooks itself (no bot loops).
    WebhookReply,
}

impl App {
    /// M1: `author` posts `draft` to `room`. The same `client_id` again answers with the first
    /// message (`created: false`) and changes nothing.
    pub async fn post(
        &self,
        author: &User,
        room: RoomId,
        client_id: ClientMessageId,
        draft: Draft,
        origin: Origin,
    ) -> AppResult<Posted> {
        self.post_with(author, room, None, client_id, draft, None, origin)
            .await
    }

    /// X7: `author` replies to `to` in its thread (a reply to a reply joins the same thread).
    /// Thread replies are posted like room messages: mentions, unread, pushes and webhooks
    /// follow the same rules.
    pub async fn reply(
        &self,
        author: &User,
        to: &Message,
        client_id: ClientMessageId,
        draft: Draft,
        origin: Origin,
    ) -> AppResult<Posted> {
        let root = Some(to.thread_root());
        self.post_with(author, to.room, root, client_id, draft, None, origin)
            .await
    }

    /// X7: the thread `of` belongs to, as `reader` may see it: its first message and up to
    /// `limit` replies after `after`, oldest first.
    pub async fn thread(
        &self,
        reader: &User,
        of: MessageId,
        after: Option<MessageId>,
        limit: u32,
    ) -> AppResult<(Message, Vec<Message>)> {
        let message = self.message_for(reader, of).await?;
        let root = match message.thread {
            Some(root) => self.store.message(root).await?,
            None => message,
        };
        let replies = self.store.replies(root.id, after, limit).await?;
        Ok((root, replies))
    }

    /// M9: `author` posts `file` (its bytes already in the blob store) to `place`, with an
    /// optional caption. Without one, the message's plain text is the file's name, as in the
    /// original (what search finds and webhooks carry). If the post is refused, or was a retry
    /// that stored nothing new, the bytes are released again.
    pub async fn post_file(
        &self,
        author: &User,
        place: Place<'_>,
        client_id: ClientMessageId,
        caption: Option<Draft>,
        file: Attachment,
        origin: Origin,
    ) -> AppResult<Posted> {
        let draft = caption.unwrap_or_else(|| Draft {
            body: MessageBody::file_name(&file.name),
            chips: Vec::new(),
        });
        let (room, thread) = place.parts();
        let posted = self
            .post_with(
                author,
                room,
                thread,
                client_id,
                draft,
                Some(file.clone()),
                origin,
            )
            .await;
        if !posted.as_ref().is_ok_and(|p| p.created) {
            self.release(&file).await;
        }
        posted
    }

    #[allow(clippy::too_many_arguments)] // each is a different part of one post
    async fn post_with(
        &self,
        author: &User,
        room: RoomId,
        thread: Option<MessageId>,
        client_id: ClientMessageId,
        draft: Draft,
        attachment: Option<Attachment>,
        origin: Origin,
    ) -> AppResult<Posted> {
        let room = self.store.room(room).await?;
        // The members come from live delivery's membership (the hub's, kept from the log), not a
        // read of the room's memberships per post (a 1,000-row read in a big room:
        // BENCHMARKS.md); whether the author is one of them is read there too, so authorizing
        // the post and choosing its audience ask the same source, and no database.
        // Every member is listed only when a mention or a bot could be involved, or everyone
        // counts as connected (push off).
        let wanted = may_mention(&room, &draft) || !self.features.push;
        let presence = self.presence(room.id, author.id, wanted).await?;
        let facts = RoomFacts {
            kind: room.kind,
            creator: room.creator,
            actor_is_member: presence.asker_is_member,
        };
        authorize(&actor(author), &Action::PostMessage(facts))?;
        let (mentions, members) = self.mentions(&room, &presence.members, &draft).await?;
        let mut webhooks = Vec::new();
        if origin == Origin::Client && self.features.bots {
            for bot in webhook_recipients(room.kind, author.id, &mentions, &members) {
                if self.store.webhook(bot).await?.is_some() {
                    webhooks.push(bot);
                }
            }
        }
        // With push switched off (O6) nobody is pushed to: as if everyone were connected.
        let connected = if self.features.push {
            presence.connected
        } else {
            presence.members
        };
        let posted = self
            .store
            .post_message(NewMessage {
                room: room.id,
                author: author.id,
                client_message_id: client_id,
                body: draft.body,
                mentions,
                looking: presence.looking,
                connected,
                webhooks,
                attachment,
                thread,
                at: self.now(),
            })
            .await?;
        if posted.created {
            self.live.nudge();
        }
        Ok(posted)
    }

    /// Message `id` as `reader` may see it: a message of a room they are not in is not found.
    pub async fn message_for(&self, reader: &User, id: MessageId) -> AppResult<Message> {
        let not_found = || AppError::Store(StoreError::NotFound("message"));
        let message = self.store.message(id).await.map_err(|_| not_found())?;
        match self.store.membership(message.room, reader.id).await? {
            Some(_) => Ok(message),
            None => Err(not_found()),
        }
    }

    /// X7: the messages that mention `user` in rooms they are in, newest first, `limit` at a
    /// time before `before`.
    pub async fn mentions_of(
        &self,
        user: &User,
        before: Option<MessageId>,
        limit: u32,
    ) -> AppResult<Vec<Message>> {
        Ok(self.store.mentioning(user.id, before, limit).await?)
    }

    /// X7: `user` saves `message` (one they can read: [`App::message_for`]) for later.
    pub async fn bookmark(&self, user: &User, message: &Message) -> AppResult<()> {
        let (_, facts) = self.room_for(user, message.room).await?;
        authorize(&actor(user), &Action::ReadRoom(facts))?;
        self.store
            .add_bookmark(user.id, message.id, self.now())
            .await?;
        self.live.nudge();
        Ok(())
    }

    /// X7: `user` no longer keeps `message` saved.
    pub async fn unbookmark(&self, user: &User, message: MessageId) -> AppResult<()> {
        self.store
            .remove_bookmark(user.id, message, self.now())
            .await?;
        self.live.nudge();
        Ok(())
    }

    /// X7: the messages `user` saved, newest saved first, with when; those of rooms they have
    /// left since are not shown.
    pub async fn bookmarks(&self, user: &User) -> AppResult<Vec<(Bookmark, Message)>> {
        let saved = self.store.bookmarks(user.id).await?;
        let ids: Vec<MessageId> = saved.iter().map(|b| b.message).collect();
        let rooms: HashSet<RoomId> = self
            .store
            .memberships_of(user.id)
            .await?
            .into_iter()
            .map(|m| m.room)
            .collect();
        let mut messages: std::collections::HashMap<MessageId, Message> = self
            .store
            .messages_by_ids(&ids)
            .await?
            .into_iter()
            .filter(|m| rooms.contains(&m.room))
            .map(|m| (m.id, m))
            .collect();
        Ok(saved
            .into_iter()
            .filter_map(|b| messages.remove(&b.message).map(|m| (b, m)))
            .collect())
    }

    /// M4: `editor` replaces `message`'s body; its mentions follow the new body.
    pub async fn edit(&self, editor: &User, message: &Message, draft: Draft) -> AppResult<Message> {
        let (room, facts) = self.room_for(editor, message.room).await?;
        authorize(
            &actor(editor),
            &Action::EditMessage {
                room: facts,
                author: message.author,
            },
        )?;
        let wanted = may_mention(&room, &draft);
        let members = self.presence(room.id, editor.id, wanted).await?.members;
        let (mentions, _) = self.mentions(&room, &members, &draft).await?;
        let edited = self
            .store
            .edit_message(message.id, draft.body, mentions, self.now())
            .await?;
        self.live.nudge();
        Ok(edited)
    }

    /// M4: `deleter` deletes `message` (with its thread's replies, X7).
    pub async fn delete(&self, deleter: &User, message: &Message) -> AppResult<()> {
        let (_, facts) = self.room_for(deleter, message.room).await?;
        authorize(
            &actor(deleter),
            &Action::DeleteMessage {
                room: facts,
                author: message.author,
            },
        )?;
        // The thread's files, read before its replies go with it.
        let mut files: Vec<Attachment> = message.attachment.iter().cloned().collect();
        if message.replies.count > 0 {
            let mut after = None;
            loop {
                let page = self
                    .store
                    .replies(message.id, after, crate::MAX_PAGE)
                    .await?;
                let Some(last) = page.last() else { break };
                after = Some(last.id);
                files.extend(page.into_iter().filter_map(|m| m.attachment));
            }
        }
        self.store.delete_message(message.id, self.now()).await?;
        self.live.nudge();
        for file in &files {
            self.release(file).await;
        }
        Ok(())
    }

    /// M9: an uploaded file that will not be posted after all (its request was refused): its
    /// bytes go, unless something else uses them.
    pub async fn discard_file(&self, file: &Attachment) {
        self.release(file).await;
    }

    /// Removes a file's bytes and thumbnail from the blob store once nothing uses them.
    async fn release(&self, file: &Attachment) {
        let thumbnail = file.image.as_ref().map(|(_, key)| key);
        self.release_blobs(std::iter::once(&file.blob).chain(thumbnail))
            .await;
    }

    /// Removes blobs from the blob store that nothing uses any more (the same bytes posted
    /// twice, or uploaded as a file and an avatar, are one blob). A failure here is logged, not
    /// returned: what referred to the bytes is gone either way, and they are only left over.
    pub(super) async fn release_blobs(&self, keys: impl Iterator<Item = &BlobKey>) {
        for key in keys {
            let outcome = match self.store.blob_used(key).await {
                Ok(true) => Ok(()),
                Ok(false) => self.blobs.remove(key).await,
                Err(error) => Err(error),
            };
            if let Err(error) = outcome {
                tracing::warn!(%error, "a file's bytes were not removed");
            }
        }
    }

    /// M6: `booster` boosts `message`.
    pub async fn boost(
        &self,
        booster: &User,
        message: &Message,
        content: BoostContent,
    ) -> AppResult<Boost> {
        let (_, facts) = self.room_for(booster, message.room).await?;
        authorize(&actor(booster), &Action::AddBoost(facts))?;
        let boost = self
            .store
            .add_boost(message.id, booster.id, content, self.now())
            .await?;
        self.live.nudge();
        Ok(boost)
    }

    /// M6: `user` takes back `boost` (only its booster may).
    pub async fn unboost(&self, user: &User, boost: &Boost) -> AppResult<()> {
        let message = self.store.message(boost.message).await?;
        let (_, facts) = self.room_for(user, message.room).await?;
        authorize(
            &actor(user),
            &Action::RemoveBoost {
                room: facts,
                booster: boost.booster,
            },
        )?;
        self.store.remove_boost(boost.id, self.now()).await?;
        self.live.nudge();
        Ok(())
    }

    /// The room's members and their clients, from live delivery, or from the store once live
    /// delivery has stopped (a post accepted while the server shuts down is still stored).
    async fn presence(
        &self,
        room: RoomId,
        asker: UserId,
        members: bool,
    ) -> AppResult<RoomPresence> {
        match self.live.presence(room, asker, members).await? {
            Some(presence) => Ok(presence),
            None => Ok(super::live::stored_presence(self.store.as_ref(), room, asker).await?),
        }
    }

    /// Who a message mentions: its chips and `@Name`s, kept to the room's `members` (M5); and
    /// the members as users when a mention or a bot could be involved ([`may_mention`]):
    /// otherwise no user is loaded. (Loading every user of the account
    /// per post, and matching them to the members pairwise, was the largest cost of a post in a
    /// big room: BENCHMARKS.md.)
    async fn mentions(
        &self,
        room: &Room,
        members: &[UserId],
        draft: &Draft,
    ) -> AppResult<(Vec<UserId>, Vec<User>)> {
        if !may_mention(room, draft) {
            return Ok((Vec::new(), Vec::new()));
        }
        let member_set: HashSet<UserId> = members.iter().copied().collect();
        let users: Vec<User> = self
            .store
            .users()
            .await?
            .into_iter()
            .filter(|u| member_set.contains(&u.id))
            .collect();
        let names: Vec<(UserId, &str)> = users.iter().map(|u| (u.id, u.name.as_str())).collect();
        let mut found = extract_mentions(draft.body.plain(), &names);
        found.extend(draft.chips.iter().filter(|id| member_set.contains(id)));
        found.sort_unstable();
        found.dedup();
        Ok((found, users))
    }
}

/// Whether a message could concern anyone by name: only an `@` or a chip can mention, and only
/// a direct room's bots hear a message they are not mentioned in.
fn may_mention(room: &Room, draft: &Draft) -> bool {
    room.kind == RoomKind::Direct || !draft.chips.is_empty() || draft.body.plain().contains('@')
}
