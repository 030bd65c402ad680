//! Message bodies in the original Campfire's terms (Action Text HTML, once-campfire.md "Message
//! bodies") into the HTML our sanitiser takes, for the import (X6) and for what bots post (B2:
//! bots written for the original mention people with the same attachment markup): Trix's `div` lines become paragraphs, mention attachments become
//! our mention chips naming the user's current name, link-preview embeds become links, and a
//! bot's plain-text post keeps its lines. The result still goes through the one sanitiser.

use crate::UserId;

pub mod sgid;

use sgid::mentioned_user;

const ATTACHMENT: &str = "action-text-attachment";
const MENTION: &str = "application/vnd.campfire.mention";
const EMBED: &str = "application/vnd.actiontext.opengraph-embed";

/// A body, converted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    /// HTML for the sanitiser.
    pub html: String,
    /// The users mentioned, in order, once each.
    pub mentions: Vec<UserId>,
    /// Mentions whose SGID named no known user (shown as their text).
    pub unresolved: usize,
    /// Other attachments dropped (files are not message text).
    pub dropped: usize,
}

/// Converts `body`; `name_of` gives a user's current name (`None`: no such user).
pub fn convert(body: &str, name_of: impl Fn(UserId) -> Option<String>) -> Converted {
    let mut out = Converted::default();
    let markup = body.match_indices('<').any(|(at, _)| {
        body.get(at + 1..)
            .and_then(|r| r.chars().next())
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
    });
    if !markup {
        // A bot's plain text as sent: its lines kept.
        out.html = body.lines().map(escape).collect::<Vec<_>>().join("<br>");
        return out;
    }
    let mut html = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = find_ignoring_case(rest, &format!("<{ATTACHMENT}")) {
        html.push_str(rest.get(..at).unwrap_or_default());
        let tag_and_after = rest.get(at..).unwrap_or_default();
        let Some(tag_end) = end_of_tag(tag_and_after) else {
            // An unterminated tag: nothing after it is trustworthy markup.
            rest = "";
            break;
        };
        let tag = tag_and_after.get(..tag_end).unwrap_or_default();
        let mut after = tag_and_after.get(tag_end + 1..).unwrap_or_default();
        if !tag.ends_with('/') {
            let close = format!("</{ATTACHMENT}>");
            after = match find_ignoring_case(after, &close) {
                Some(end) => after.get(end + close.len()..).unwrap_or_default(),
                None => after,
            };
        }
        html.push_str(&replacement(tag, &name_of, &mut out));
        rest = after;
    }
    html.push_str(rest);
    out.html = paragraphs(&html);
    out
}

/// What an attachment becomes.
fn replacement(
    tag: &str,
    name_of: &impl Fn(UserId) -> Option<String>,
    out: &mut Converted,
) -> String {
    let attributes = attributes(tag);
    let get = |name: &str| {
        attributes
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    match get("content-type") {
        Some(MENTION) => {
            let user = get("sgid").and_then(|s| mentioned_user(s).ok());
            match user.and_then(|u| name_of(u).map(|name| (u, name))) {
                Some((user, name)) => {
                    if !out.mentions.contains(&user) {
                        out.mentions.push(user);
                    }
                    format!(
                        r#"<span data-mention-id="{}">@{}</span>"#,
                        user.0,
                        escape(&name)
                    )
                }
                None => {
                    out.unresolved += 1;
                    escape(&text_of(get("content").unwrap_or("@someone")))
                }
            }
        }
        Some(EMBED) => match get("href") {
            Some(href) => {
                let title = get("filename")
                    .filter(|t| !t.trim().is_empty())
                    .unwrap_or(href);
                format!(r#"<a href="{}">{}</a>"#, escape(href), escape(title))
            }
            None => String::new(),
        },
        _ => {
            out.dropped += 1;
            String::new()
        }
    }
}

/// Trix writes each line as a `div`; ours are paragraphs.
fn paragraphs(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let tag = rest.get(at..).unwrap_or_default();
        let lower: String = tag.chars().take(5).collect::<String>().to_ascii_lowercase();
        let end = end_of_tag(tag);
        if let (true, Some(end)) = (
            lower.starts_with("<div") && !lower.starts_with("<divx"),
            end,
        ) {
            let name_end = tag.get(4..5).unwrap_or(">");
            if name_end == ">" || name_end.starts_with(char::is_whitespace) || name_end == "/" {
                out.push_str("<p>");
                rest = tag.get(end + 1..).unwrap_or_default();
                continue;
            }
        }
        if let (true, Some(end)) = (lower.starts_with("</div"), end) {
            out.push_str("</p>");
            rest = tag.get(end + 1..).unwrap_or_default();
            continue;
        }
        out.push('<');
        rest = tag.get(1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The byte index of the `>` ending the tag `text` starts with, skipping quoted values.
fn end_of_tag(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// A start tag's attributes, values decoded.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let inner = tag.trim_start_matches('<').trim_end_matches('/');
    let mut chars = inner.char_indices().peekable();
    // Skip the tag name.
    while chars.peek().is_some_and(|(_, c)| !c.is_whitespace()) {
        chars.next();
    }
    loop {
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let mut name = String::new();
        while let Some((_, c)) = chars.peek().copied() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            name.push(c);
            chars.next();
        }
        if name.is_empty() {
            return out;
        }
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '=') {
            chars.next();
            while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                chars.next();
            }
            match chars.peek().copied() {
                Some((_, q @ ('"' | '\''))) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some((_, c)) = chars.peek().copied() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        out.push((name, unescape(&value)));
    }
}

/// The text of an HTML fragment: tags removed, entities decoded.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => in_tag = true,
            (true, '>') => in_tag = false,
            (false, c) => text.push(c),
            _ => {}
        }
    }
    unescape(&text)
}

/// HTML entities decoded (the named ones markup uses, and numeric ones).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 1..).unwrap_or_default();
        let decoded = after.find(';').filter(|end| *end <= 10).and_then(|end| {
            let entity = after.get(..end)?;
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" | "#39" => '\'',
                "nbsp" => '\u{a0}',
                _ => {
                    let number = entity.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = after.get(end + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The first match of `needle` (ASCII) in `haystack`, ignoring ASCII case.
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64ct::{Base64, Encoding};
    use proptest::prelude::*;

    fn sgid(id: i64) -> String {
        let json =
            format!(r#"{{"_rails":{{"data":"gid://campfire/User/{id}","pur":"attachable"}}}}"#);
        format!("{}--sig", Base64::encode_string(json.as_bytes()))
    }

    fn names(user: UserId) -> Option<String> {
        match user.0 {
            7 => Some("Ada <Admin>".into()),
            8 => Some("Bob".into()),
            _ => None,
        }
    }

    #[test]
    fn mentions_become_chips_with_the_current_name() {
        let body = format!(
            r#"<div>Hi <action-text-attachment sgid="{}" content-type="application/vnd.campfire.mention" content="&lt;img src=&quot;x&quot;&gt; Old Name"></action-text-attachment> and <action-text-attachment content-type="application/vnd.campfire.mention" sgid='{}'>Bob</action-text-attachment>!</div>"#,
            sgid(7),
            sgid(8)
        );
        let converted = convert(&body, names);
        assert_eq!(
            converted.html,
            r#"<p>Hi <span data-mention-id="7">@Ada &lt;Admin&gt;</span> and <span data-mention-id="8">@Bob</span>!</p>"#
        );
        assert_eq!(converted.mentions, vec![UserId(7), UserId(8)]);
    }

    #[test]
    fn an_unknown_mention_keeps_its_text() {
        let body = format!(
            r#"<div><action-text-attachment sgid="{}" content-type="application/vnd.campfire.mention" content="&lt;span&gt;Gone Person&lt;/span&gt;"></action-text-attachment></div>"#,
            sgid(99)
        );
        let converted = convert(&body, names);
        assert_eq!(converted.html, "<p>Gone Person</p>");
        assert_eq!((converted.mentions.len(), converted.unresolved), (0, 1));
    }

    #[test]
    fn embeds_become_links_and_files_are_dropped() {
        let body = r#"<div>look</div><action-text-attachment content-type="application/vnd.actiontext.opengraph-embed" url="https://x.test/i.png" href="https://x.test/a?b=1&amp;c=2" filename="A &amp; B" caption="d"></action-text-attachment><action-text-attachment sgid="s" content-type="image/png" filename="p.png"></action-text-attachment>"#;
        let converted = convert(body, names);
        assert_eq!(
            converted.html,
            r#"<p>look</p><a href="https://x.test/a?b=1&amp;c=2">A &amp; B</a>"#
        );
        assert_eq!(converted.dropped, 1);
    }

    #[test]
    fn plain_text_keeps_its_lines() {
        assert_eq!(
            convert("build 12 passed\n3 < 4 & done", names).html,
            "build 12 passed<br>3 &lt; 4 &amp; done"
        );
    }

    proptest! {
        // Fuzzing the import's body parser (battery item 4): anything is converted without a
        // panic, and no attachment element survives.
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2_000)
        ))]
        #[test]
        fn no_attachment_survives(
            parts in proptest::collection::vec(
                prop_oneof![
                    ".{0,20}",
                    Just("<action-text-attachment".to_owned()),
                    Just("</action-text-attachment>".to_owned()),
                    Just(" content-type=\"application/vnd.campfire.mention\"".to_owned()),
                    Just(" sgid=\"".to_owned()),
                    Just("\"".to_owned()),
                    Just(">".to_owned()),
                    Just("<div>".to_owned()),
                    Just("&#x".to_owned()),
                ],
                0..30,
            )
        ) {
            let body: String = parts.concat();
            let converted = convert(&body, names);
            prop_assert!(find_ignoring_case(&converted.html, "<action-text-attachment").is_none(), "{}", converted.html);
        }
    }
}
