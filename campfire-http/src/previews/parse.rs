//! What a page says about itself: its OpenGraph tags, else its `<title>` and description, read
//! with html5ever's tokenizer (a real HTML parser: entities decoded, attributes in any quoting,
//! and `<script>`, `<style>` and `<title>` read as text the way a browser reads them, so a tag
//! written inside a script is never taken for one).

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, EndTag, StartTag, TagToken, Token, TokenSink, TokenSinkResult,
    Tokenizer, TokenizerOpts,
};

/// What was found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Card {
    pub title: String,
    pub description: String,
    pub image: Option<String>,
    pub site: String,
}

#[derive(Default)]
struct Found {
    og_title: Option<String>,
    og_description: Option<String>,
    og_image: Option<String>,
    og_site: Option<String>,
    title: Option<String>,
    description: Option<String>,
    in_title: bool,
    title_text: String,
}

struct Sink(RefCell<Found>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut found = self.0.borrow_mut();
        match token {
            TagToken(tag) if tag.kind == StartTag => {
                let name = &*tag.name;
                let attr = |wanted: &str| {
                    tag.attrs
                        .iter()
                        .find(|a| (*a.name.local).eq_ignore_ascii_case(wanted))
                        .map(|a| a.value.to_string())
                };
                match name {
                    "meta" => {
                        let key = attr("property")
                            .or_else(|| attr("name"))
                            .unwrap_or_default()
                            .to_ascii_lowercase();
                        if let Some(content) = attr("content") {
                            let slot = match key.as_str() {
                                "og:title" => &mut found.og_title,
                                "og:description" => &mut found.og_description,
                                "og:image" | "og:image:url" | "og:image:secure_url" => {
                                    &mut found.og_image
                                }
                                "og:site_name" => &mut found.og_site,
                                "description" => &mut found.description,
                                _ => return TokenSinkResult::Continue,
                            };
                            slot.get_or_insert(content);
                        }
                    }
                    "title" => {
                        found.in_title = true;
                        return TokenSinkResult::RawData(RawKind::Rcdata);
                    }
                    "textarea" => return TokenSinkResult::RawData(RawKind::Rcdata),
                    "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                        return TokenSinkResult::RawData(RawKind::Rawtext);
                    }
                    "plaintext" => return TokenSinkResult::Plaintext,
                    _ => {}
                }
            }
            TagToken(tag) if tag.kind == EndTag && &*tag.name == "title" => {
                if found.in_title && found.title.is_none() {
                    found.title = Some(std::mem::take(&mut found.title_text));
                }
                found.in_title = false;
            }
            CharacterTokens(text) if found.in_title => found.title_text.push_str(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Reads `html` (already cut to what was fetched).
pub fn card(html: &str) -> Card {
    let sink = Sink(RefCell::new(Found::default()));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let found = tokenizer.sink.0.into_inner();
    Card {
        title: found.og_title.or(found.title).unwrap_or_default(),
        description: found
            .og_description
            .or(found.description)
            .unwrap_or_default(),
        image: found.og_image,
        site: found.og_site.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_graph_comes_first_then_the_title() {
        let html = r#"<!doctype html><html><head>
            <title>Plain &amp; simple</title>
            <meta name=description content='A page about things'>
            <meta property="og:title" content="The &quot;Real&quot; Title">
            <meta property="og:image" content="/img/card.png">
            <meta property="og:site_name" content="Example News">
            </head><body>hi</body></html>"#;
        let card = card(html);
        assert_eq!(card.title, "The \"Real\" Title");
        assert_eq!(card.description, "A page about things");
        assert_eq!(card.image.as_deref(), Some("/img/card.png"));
        assert_eq!(card.site, "Example News");
        assert_eq!(
            super::card("<title>Only &lt;this&gt;</title>").title,
            "Only <this>"
        );
    }

    #[test]
    fn tags_inside_scripts_and_comments_are_not_read() {
        let html = r#"<head><script>document.write('<meta property="og:title" content="fake">')</script>
            <!-- <meta property="og:title" content="commented"> -->
            <title>Real</title></head>"#;
        assert_eq!(card(html).title, "Real");
    }
}
