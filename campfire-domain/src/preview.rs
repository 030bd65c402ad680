//! Link previews (M10): which messages get one, and what a preview may hold.

use crate::BlobKey;

/// The URL a message is, when its whole text is one http(s) link: only such a message gets a
/// preview card (a link within a sentence does not).
pub fn lone_url(plain: &str) -> Option<&str> {
    let text = plain.trim();
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    let one_word = !text.chars().any(char::is_whitespace);
    (web && one_word && text.len() <= LinkPreview::MAX_URL).then_some(text)
}

/// What a page says about itself (its OpenGraph tags, or its title), kept with the message.
/// The picture is ours: fetched by the server, re-encoded and served from our origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPreview {
    /// The page, as linked.
    pub url: String,
    /// Its title.
    pub title: String,
    /// Its description (may be empty).
    pub description: String,
    /// The site's name, or the host.
    pub site: String,
    /// The picture, in our blob store.
    pub image: Option<BlobKey>,
}

impl LinkPreview {
    /// The longest URL previewed.
    pub const MAX_URL: usize = 2_048;
    /// The longest title kept, in characters.
    pub const MAX_TITLE: usize = 200;
    /// The longest description kept, in characters.
    pub const MAX_DESCRIPTION: usize = 500;
    /// The longest site name kept, in characters.
    pub const MAX_SITE: usize = 100;

    /// A preview from what a page said: white space collapsed and each part cut to its
    /// length. `None` when the page gave no title: a card without one says nothing.
    pub fn new(
        url: &str,
        title: &str,
        description: &str,
        site: &str,
        image: Option<BlobKey>,
    ) -> Option<LinkPreview> {
        let title = tidy(title, Self::MAX_TITLE);
        if title.is_empty() || url.len() > Self::MAX_URL {
            return None;
        }
        Some(LinkPreview {
            url: url.to_owned(),
            title,
            description: tidy(description, Self::MAX_DESCRIPTION),
            site: tidy(site, Self::MAX_SITE),
            image,
        })
    }
}

/// White space collapsed to single spaces, control characters dropped, cut to `max`
/// characters (with "…" when cut).
fn tidy(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined: String = words
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if joined.chars().count() <= max {
        return joined;
    }
    let mut cut: String = joined.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lone_link_is_previewed() {
        assert_eq!(
            lone_url("  https://example.com/a?b=c \n"),
            Some("https://example.com/a?b=c")
        );
        assert_eq!(lone_url("HTTP://EXAMPLE.COM"), Some("HTTP://EXAMPLE.COM"));
        assert_eq!(lone_url("see https://example.com"), None);
        assert_eq!(lone_url("https://example.com and more"), None);
        assert_eq!(lone_url("ftp://example.com/file"), None);
        assert_eq!(lone_url("javascript:alert(1)"), None);
        assert_eq!(
            lone_url(&format!("https://e.com/{}", "a".repeat(3_000))),
            None
        );
    }

    #[test]
    fn a_preview_is_tidy_and_needs_a_title() {
        let p = LinkPreview::new("https://e.com", "  The\n  Story\t", "", "e.com", None).unwrap();
        assert_eq!(p.title, "The Story");
        assert!(LinkPreview::new("https://e.com", " \n ", "desc", "e.com", None).is_none());
        let long = LinkPreview::new("https://e.com", &"x".repeat(500), "", "", None).unwrap();
        assert_eq!(long.title.chars().count(), LinkPreview::MAX_TITLE);
        assert!(long.title.ends_with('…'));
    }
}
