//! Rich text from clients and bots: sanitised with an allowlist before anything stores it (M1).
//!
//! ammonia (html5ever) parses like a browser, so what survives here is exactly what a browser
//! would render, minus everything not on the list.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::{MessageBody, UserId, ValueError};

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let tags: HashSet<&str> = [
            "p",
            "br",
            "strong",
            "b",
            "em",
            "i",
            "s",
            "del",
            "a",
            "h1",
            "h2",
            "h3",
            "blockquote",
            "pre",
            "code",
            "ul",
            "ol",
            "li",
            "span",
        ]
        .into_iter()
        .collect();
        let mut attributes: HashMap<&str, HashSet<&str>> = HashMap::new();
        attributes.insert("a", ["href"].into_iter().collect());
        attributes.insert("span", ["data-mention-id"].into_iter().collect());
        attributes.insert("code", ["class"].into_iter().collect());
        let mut builder = ammonia::Builder::default();
        builder
            .tags(tags)
            .tag_attributes(attributes)
            .generic_attributes(HashSet::new())
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("noopener noreferrer nofollow"))
            .set_tag_attribute_value("a", "target", "_blank")
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                // Only digits in mention ids, and only highlighting classes on code.
                ("span", "data-mention-id") => value
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                    .then_some(value.into()),
                ("code", "class") => value
                    .split_whitespace()
                    .all(|c| {
                        c.starts_with("language-")
                            && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    })
                    .then_some(value.into()),
                _ => Some(value.into()),
            });
        builder
    })
}

fn text_only() -> &'static ammonia::Builder<'static> {
    static TEXT: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder.clean_content_tags(["script", "style"].into_iter().collect());
        builder
    })
}

/// Sanitises HTML and derives its plain text. Blank results are refused.
pub fn message_body(html: &str) -> Result<MessageBody, ValueError> {
    // What is over the limit before cleaning is refused unread: cleaning megabytes to find
    // out is the cost a hostile body would impose.
    if html.len() > MessageBody::MAX_HTML_BYTES {
        return Err(ValueError::TooLong {
            what: "message",
            max: MessageBody::MAX_HTML_BYTES,
        });
    }
    let clean = cleaner().clean(html).to_string();
    MessageBody::new(&clean, &plain_text(&clean))
}

/// The text of sanitised HTML, with block boundaries as line breaks.
fn plain_text(clean_html: &str) -> String {
    let mut spaced = clean_html.to_owned();
    for boundary in [
        "</p>",
        "<br>",
        "</li>",
        "</h1>",
        "</h2>",
        "</h3>",
        "</blockquote>",
        "</pre>",
    ] {
        spaced = spaced.replace(boundary, &format!("{boundary}\n"));
    }
    let text = text_only().clean(&spaced).to_string();
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// User ids carried by mention chips (`<span data-mention-id="ID">`) in sanitised HTML.
pub fn mention_chips(clean_html: &str) -> Vec<UserId> {
    const MARK: &str = "data-mention-id=\"";
    clean_html
        .match_indices(MARK)
        .filter_map(|(at, _)| {
            let rest = clean_html.get(at + MARK.len()..)?;
            let digits = rest.split('"').next()?;
            digits.parse().ok().map(UserId)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed_and_formatting_kept() {
        let body = message_body(
            r#"<p onclick="x()">Hi <strong>there</strong><script>alert(1)</script><img src=x onerror=alert(1)></p><a href="javascript:alert(1)">j</a><a href="https://example.com">ok</a>"#,
        )
        .unwrap();
        let html = body.html();
        assert!(
            !html.contains("script")
                && !html.contains("onclick")
                && !html.contains("onerror")
                && !html.contains("javascript"),
            "{html}"
        );
        assert!(html.contains("<strong>there</strong>"));
        assert!(html.contains(r#"<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">ok</a>"#), "{html}");
        assert_eq!(body.plain(), "Hi there\njok");
    }

    #[test]
    fn plain_text_becomes_safe_html() {
        let body = message_body("1 < 2 & 3 > 2").unwrap();
        assert_eq!(body.html(), "1 &lt; 2 &amp; 3 &gt; 2");
        assert_eq!(body.plain(), "1 < 2 & 3 > 2");
        assert!(
            message_body("<p> </p><script>x</script>").is_err(),
            "nothing left to say"
        );
    }

    #[test]
    fn mention_chips_keep_only_numeric_ids() {
        let body = message_body(r#"<p>hi <span data-mention-id="42">@Ada</span> <span data-mention-id="x1">@X</span></p>"#).unwrap();
        assert_eq!(mention_chips(body.html()), vec![UserId(42)]);
        assert_eq!(body.plain(), "hi @Ada @X");
    }

    #[test]
    fn code_classes_are_for_highlighting_only() {
        let body = message_body(r#"<pre><code class="language-rust">fn main() {}</code></pre><code class="evil x">y</code>"#).unwrap();
        assert!(body.html().contains(r#"<code class="language-rust">"#));
        assert!(!body.html().contains("evil"));
    }

    /// Pieces hostile HTML is made of: script and style, event handlers, script URLs in every
    /// attribute that takes a URL, comments and CDATA that hide tags, broken and nested tags.
    const PIECES: &[&str] = &[
        "<script>",
        "</script>",
        "<SCRIPT SRC=//x>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">",
        "<a href=\"JaVaScRiPt:alert(1)\">",
        "<a href=\"java\tscript:x\">",
        "<svg onload=alert(1)>",
        "<math>",
        "<iframe src=x>",
        "<style>",
        "</style>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<p>",
        "</p>",
        "<b>",
        "</b>",
        "<div style=\"x:expression(1)\">",
        "<form action=x>",
        "<input autofocus onfocus=x>",
        "<object data=x>",
        "<embed src=x>",
        "<base href=//x>",
        "<meta http-equiv=refresh>",
        "<span data-mention-id=\"1\">",
        "</span>",
        "<code class=\"language-x\">",
        "\"",
        "'",
        "<",
        ">",
        "&",
        "&lt;",
        "&#x3C;script&#x3E;",
        "\u{0}",
        "\u{202e}",
        "text",
        " ",
        "<a href=\"https://example.com\">",
        "</a>",
        "<blockquote>",
        "<pre>",
        "<br>",
    ];

    proptest::proptest! {
        // 2,000 cases in `cargo test`; `cargo xtask soak` asks for more through PROPTEST_CASES.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2_000)
        ))]

        /// Whatever HTML arrives, sanitising never fails badly, and what is kept runs nothing:
        /// no script, no event handler, no script URL, no frame or plugin.
        #[test]
        fn whatever_arrives_nothing_kept_can_run(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..40),
        ) {
            let html = pieces.concat();
            if let Ok(body) = message_body(&html) {
                let kept = body.html().to_ascii_lowercase();
                // Text `<` comes out as `&lt;`, so every `<` left starts a real tag.
                for tag in kept.split('<').skip(1).map(|t| t.split('>').next().unwrap_or(t)) {
                    let name = tag.trim_start_matches('/').split([' ', '\t', '\n']).next();
                    proptest::prop_assert!(
                        !matches!(
                            name,
                            Some("script" | "style" | "iframe" | "svg" | "math" | "object"
                                | "embed" | "base" | "meta" | "form" | "input")
                        ),
                        "<{tag}> kept in {kept}"
                    );
                    for forbidden in [" on", "javascript:", "expression(", "\ton"] {
                        proptest::prop_assert!(
                            !tag.contains(forbidden),
                            "{forbidden} kept in <{tag}> of {kept}"
                        );
                    }
                }
            }
        }
    }
}
