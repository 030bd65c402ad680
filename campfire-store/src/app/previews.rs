//! Link previews (M10): keeping the card a fetch made, and the author removing it. The fetch
//! itself is the edge's (campfire-http, through the SSRF guard); this decides nothing about
//! the network.

use campfire_domain::{Action, LinkPreview, Message, MessageId, User, authorize};

use super::{App, AppResult, actor};
use crate::StoreError;

impl App {
    /// A card made earlier of the same page, if any.
    pub async fn cached_preview(&self, url: &str) -> AppResult<Option<LinkPreview>> {
        Ok(self.store.preview_of_url(url).await?)
    }

    /// Keeps the card fetched for `message`. A message deleted meanwhile keeps nothing, and
    /// the card's picture is released.
    pub async fn keep_preview(&self, message: MessageId, preview: LinkPreview) -> AppResult<()> {
        let image = preview.image.clone();
        match self
            .store
            .set_preview(message, Some(preview), self.now())
            .await
        {
            Ok(_) => {
                self.live.nudge();
                Ok(())
            }
            Err(StoreError::NotFound(_)) => {
                self.release_blobs(image.iter()).await;
                Ok(())
            }
            Err(error) => Err(error.into()),
        }
    }

    /// M10: the author (or an administrator) removes a message's card.
    pub async fn remove_preview(&self, caller: &User, message: &Message) -> AppResult<Message> {
        let (_, facts) = self.room_for(caller, message.room).await?;
        authorize(
            &actor(caller),
            &Action::EditMessage {
                room: facts,
                author: message.author,
            },
        )?;
        let image = message.preview.as_ref().and_then(|p| p.image.clone());
        let changed = self.store.set_preview(message.id, None, self.now()).await?;
        self.live.nudge();
        self.release_blobs(image.iter()).await;
        Ok(changed)
    }
}
