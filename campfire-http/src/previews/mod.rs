//! Link previews (M10): a message whose whole text is one link gets a card with the page's
//! title, description, site and picture. The server fetches the page (and the picture) through
//! the one SSRF guard the webhooks use (`outbox::guard`; `--allow-private-webhooks` is the one
//! switch), parses it with a real HTML parser, re-encodes the picture and serves it from our
//! origin, so readers' browsers never contact the page's site. A page linked before is not
//! fetched again: its card is reused.

mod fetch;
mod parse;

use campfire_domain::{ImageSize, LinkPreview, Message, MessageId, lone_url};
use campfire_store::app::picture::{self, Picture};
use campfire_store::blobs;

use crate::AppState;
use crate::outbox::guard;

/// A card's picture fits this box (the usual OpenGraph proportions).
const PICTURE_BOX: ImageSize = ImageSize {
    width: 1200,
    height: 630,
};

/// Starts making `message`'s card if it is a lone link and previews are on; the card arrives
/// with a `message_edited` event when it is ready. Best effort: a failed fetch is no card.
pub fn spawn(state: &AppState, message: &Message) {
    if !state.config.features.opengraph {
        return;
    }
    let Some(url) = lone_url(message.body.plain()) else {
        return;
    };
    let (state, id, url) = (state.clone(), message.id, url.to_owned());
    tokio::spawn(async move {
        if let Err(why) = make(&state, id, &url).await {
            tracing::info!(%why, "no link preview");
        }
    });
}

async fn make(state: &AppState, id: MessageId, url: &str) -> Result<(), String> {
    if let Some(cached) = state
        .app
        .cached_preview(url)
        .await
        .map_err(|e| e.to_string())?
    {
        return state
            .app
            .keep_preview(id, cached)
            .await
            .map_err(|e| e.to_string());
    }
    let allow_private = state.config.push.allow_private;
    let check = |u: String| async move { guard::check(&u, allow_private).await };
    let page = fetch::fetch(url, fetch::Want::Page, check)
        .await
        .map_err(|e| e.to_string())?;
    let html = String::from_utf8_lossy(&page.bytes);
    let card = parse::card(&html);
    let image = match card.image.as_deref().and_then(|i| page.url.join(i).ok()) {
        Some(address) => picture_of(state, address.as_str(), allow_private).await,
        None => None,
    };
    let site = if card.site.trim().is_empty() {
        page.url.host_str().unwrap_or_default().to_owned()
    } else {
        card.site
    };
    let Some(preview) = LinkPreview::new(url, &card.title, &card.description, &site, image) else {
        return Err("the page has no title".to_owned());
    };
    state
        .app
        .keep_preview(id, preview)
        .await
        .map_err(|e| e.to_string())
}

/// The card's picture: fetched through the guard, decoded under the same limits as uploads,
/// re-encoded to fit [`PICTURE_BOX`] and stored. Anything wrong is no picture.
async fn picture_of(
    state: &AppState,
    address: &str,
    allow_private: bool,
) -> Option<campfire_domain::BlobKey> {
    let check = |u: String| async move { guard::check(&u, allow_private).await };
    let fetched = fetch::fetch(address, fetch::Want::Picture, check)
        .await
        .ok()?;
    let made = tokio::task::spawn_blocking(move || picture::picture(&fetched.bytes, PICTURE_BOX))
        .await
        .ok()?;
    let Picture::Shown(shown) = made else {
        return None;
    };
    let (key, _) = blobs::put(state.app.blobs().as_ref(), &shown.thumbnail)
        .await
        .ok()?;
    Some(key)
}
