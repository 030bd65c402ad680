//! B2 to the letter: every route and error of the bot API against a table of the original
//! Campfire's answers (status, the headers bots read, the JSON's keys), read from its
//! controllers, views and controller tests (basecamp/once-campfire, `Messages::ByBotsController`,
//! `Messages::Boosts::ByBotsController`, their jbuilder views).
//!
//! Where ours deliberately answers otherwise the row says why, and the reason must be listed in
//! docs/api.md's side-by-side table, so a difference is never silent.

use crate::common;

use common::{Client, Resp, Server, first_run};
use reqwest::Method;
use serde_json::{Value, json};

use super::once_fixture::{mention, sgid_legacy, sgid_modern};

/// What curl sends with `-d`.
const FORM: &str = "application/x-www-form-urlencoded";

/// The original's JSON shapes, as sorted keys (nested objects in braces, arrays by their first
/// element).
const MESSAGE: &str =
    "{body:{html,plain_text},created_at,creator:{avatar_url,id,name,role},id,room:{id},url}";
const BOOST: &str = "{booster:{avatar_url,id,name,role},content,created_at,id,message:{id,url}}";

/// The keys of `value`, recursively, in the notation above.
fn shape(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<String> = map
                .iter()
                .map(|(key, inner)| match inner {
                    Value::Object(_) => format!("{key}:{}", shape(inner)),
                    _ => key.clone(),
                })
                .collect();
            keys.sort();
            format!("{{{}}}", keys.join(","))
        }
        Value::Array(items) => format!("[{}]", items.first().map(shape).unwrap_or_default()),
        _ => "scalar".to_owned(),
    }
}

/// A header a row expects: its exact value, or absent.
enum Header {
    Is(&'static str, String),
    Absent(&'static str),
}

/// One request and what the original answers to it.
struct Row {
    what: &'static str,
    method: Method,
    path: String,
    body: String,
    /// The original's status.
    original: u16,
    /// Ours, when deliberately different, with the reason docs/api.md lists.
    ours: Option<(u16, &'static str)>,
    headers: Vec<Header>,
    /// The JSON body's shape (the original answers these with JSON; other answers have no body
    /// worth reading).
    json: Option<String>,
}

fn row(what: &'static str, method: Method, path: String, body: &str, original: u16) -> Row {
    Row {
        what,
        method,
        path,
        body: body.to_owned(),
        original,
        ours: None,
        headers: Vec::new(),
        json: None,
    }
}

impl Row {
    fn ours(mut self, status: u16, why: &'static str) -> Row {
        self.ours = Some((status, why));
        self
    }
    fn header(mut self, header: Header) -> Row {
        self.headers.push(header);
        self
    }
    fn json(mut self, shape: &str) -> Row {
        self.json = Some(shape.to_owned());
        self
    }
}

async fn send(curl: &Client, row: &Row) -> Resp {
    curl.raw(row.method.clone(), &row.path, FORM, row.body.clone())
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_and_error_answers_as_the_original() {
    let server = Server::start(&[]).await;
    let base = format!("http://{}", server.addr);
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let created = ada
        .post("/api/bots", &json!({ "name": "Deploy Bot" }))
        .await
        .expect(201);
    let key = created["bot"]["key"].as_str().unwrap().to_owned();
    let bot_id = created["bot"]["user"]["id"].as_i64().unwrap();
    let room = ada.room_named("All Talk").await;
    let ops = ada
        .post("/api/rooms", &json!({ "name": "Ops", "kind": "open" }))
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();
    let quiet = ada
        .post("/api/rooms", &json!({ "name": "Quiet", "kind": "open" }))
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();
    let closed = ada
        .post(
            "/api/rooms",
            &json!({ "name": "Admins", "kind": "closed", "member_ids": [] }),
        )
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();
    let curl = Client::anonymous(server.addr);
    let messages = |room: i64| format!("/rooms/{room}/{key}/messages");
    let wrong_key = format!("/rooms/{room}/{bot_id}-/messages");
    let not_a_bot = format!("/rooms/{room}/{}-abcdefghijkl/messages", ada.id());

    // 45 of the bot's, one of Ada's, one in another room, one in the closed room.
    let mut ids = Vec::new();
    for n in 0..45 {
        let posted = curl
            .raw(Method::POST, &messages(room), FORM, format!("line {n}"))
            .await
            .expect(201);
        ids.push(posted["id"].as_i64().unwrap());
    }
    let adas = ada.post_message(room, "a person's words").await["id"]
        .as_i64()
        .unwrap();
    ids.push(adas);
    let in_ops = ada.post_message(ops, "elsewhere").await["id"]
        .as_i64()
        .unwrap();
    let in_closed = ada.post_message(closed, "private").await["id"]
        .as_i64()
        .unwrap();
    let adas_boost = ada
        .post(
            &format!("/api/messages/{adas}/boosts"),
            &json!({ "content": "👀" }),
        )
        .await
        .expect(201)["boost"]["id"]
        .as_i64()
        .unwrap();
    let own = ids[44];
    let total = "46".to_owned();
    let json_type = || Header::Is("content-type", "application/json".to_owned());
    let next = |query: String| {
        Header::Is(
            "link",
            format!("<{base}/rooms/{room}/{key}/messages?{query}>; rel=\"next\""),
        )
    };
    let unknown_key = "an unknown key is 404, not the sign-in redirect";

    let table = vec![
        // index
        row("the latest page", Method::GET, messages(room), "", 200)
            .header(Header::Is("x-total-count", total.clone()))
            .header(next(format!("before={}", ids[6])))
            .header(json_type())
            .json(&format!("[{MESSAGE}]")),
        row(
            "an older page, the last one",
            Method::GET,
            format!("{}?before={}", messages(room), ids[6]),
            "",
            200,
        )
        .header(Header::Is("x-total-count", total.clone()))
        .header(Header::Absent("link"))
        .json(&format!("[{MESSAGE}]")),
        row(
            "a newer page with more after it",
            Method::GET,
            format!("{}?after={}", messages(room), ids[0]),
            "",
            200,
        )
        .header(next(format!("after={}", ids[40])))
        .json(&format!("[{MESSAGE}]")),
        row(
            "a newer page, the last one",
            Method::GET,
            format!("{}?after={}", messages(room), ids[40]),
            "",
            200,
        )
        .header(Header::Absent("link")),
        row(
            "paging from a message of another room",
            Method::GET,
            format!("{}?before={in_ops}", messages(room)),
            "",
            404,
        ),
        row(
            "paging from no message",
            Method::GET,
            format!("{}?after=999999", messages(room)),
            "",
            404,
        ),
        row(
            "a room without messages",
            Method::GET,
            messages(quiet),
            "",
            200,
        )
        .header(Header::Is("x-total-count", "0".to_owned()))
        .header(Header::Absent("link"))
        .json("[]"),
        row(
            "a room the bot is not in",
            Method::GET,
            messages(closed),
            "",
            404,
        ),
        row("an unknown key", Method::GET, wrong_key.clone(), "", 302).ours(404, unknown_key),
        row(
            "a person's id as a key",
            Method::GET,
            not_a_bot.clone(),
            "",
            302,
        )
        .ours(404, unknown_key),
        // create
        row("posting", Method::POST, messages(room), "Deployed 🚀", 201)
            .header(Header::Is("location", format!("{base}/messages/{{new}}"))),
        row("posting nothing", Method::POST, messages(room), "", 422),
        row("posting blanks", Method::POST, messages(room), "   ", 422),
        row(
            "posting in a room the bot is not in",
            Method::POST,
            messages(closed),
            "hi",
            404,
        ),
        row(
            "posting in no room",
            Method::POST,
            messages(999_999),
            "hi",
            404,
        ),
        row(
            "posting with an unknown key",
            Method::POST,
            wrong_key.clone(),
            "hi",
            302,
        )
        .ours(404, unknown_key),
        // update
        row(
            "editing its own",
            Method::PATCH,
            format!("{}/{own}", messages(room)),
            "Deployed.",
            200,
        )
        .json(MESSAGE),
        row(
            "editing its own with PUT",
            Method::PUT,
            format!("{}/{own}", messages(room)),
            "Deployed!",
            200,
        )
        .json(MESSAGE),
        row(
            "editing a person's",
            Method::PATCH,
            format!("{}/{adas}", messages(room)),
            "Hijacked!",
            403,
        ),
        row(
            "editing in a room the bot is not in",
            Method::PATCH,
            format!("{}/{in_closed}", messages(closed)),
            "Hijacked!",
            404,
        ),
        row(
            "editing a message of another room",
            Method::PATCH,
            format!("{}/{in_ops}", messages(room)),
            "Hijacked!",
            404,
        ),
        row(
            "editing with an unknown key",
            Method::PATCH,
            format!("{}/{own}", wrong_key),
            "Hijacked!",
            302,
        )
        .ours(404, unknown_key),
        // boosts
        row(
            "boosting",
            Method::POST,
            format!("{}/{adas}/boosts", messages(room)),
            "👀",
            201,
        )
        .header(json_type())
        .json(BOOST),
        row(
            "boosting with longer text",
            Method::POST,
            format!("{}/{adas}/boosts", messages(room)),
            "Deployed to production",
            201,
        )
        .json(BOOST),
        row(
            "boosting with nothing",
            Method::POST,
            format!("{}/{adas}/boosts", messages(room)),
            "  ",
            422,
        ),
        row(
            "boosting a message of another room",
            Method::POST,
            format!("{}/{in_ops}/boosts", messages(room)),
            "👀",
            404,
        ),
        row(
            "boosting in a room the bot is not in",
            Method::POST,
            format!("{}/{in_closed}/boosts", messages(closed)),
            "👀",
            404,
        ),
        row(
            "boosting with an unknown key",
            Method::POST,
            format!("{}/{adas}/boosts", wrong_key),
            "👀",
            302,
        )
        .ours(404, unknown_key),
        row(
            "removing a person's boost",
            Method::DELETE,
            format!("{}/{adas}/boosts/{adas_boost}", messages(room)),
            "",
            404,
        ),
        row(
            "removing a boost with an unknown key",
            Method::DELETE,
            format!("{}/{adas}/boosts/{adas_boost}", wrong_key),
            "",
            302,
        )
        .ours(404, unknown_key),
        // destroy
        row(
            "deleting a person's",
            Method::DELETE,
            format!("{}/{adas}", messages(room)),
            "",
            403,
        ),
        row(
            "deleting with an unknown key",
            Method::DELETE,
            format!("{}/{own}", wrong_key),
            "",
            302,
        )
        .ours(404, unknown_key),
        row(
            "deleting its own",
            Method::DELETE,
            format!("{}/{own}", messages(room)),
            "",
            204,
        ),
        row(
            "deleting it again",
            Method::DELETE,
            format!("{}/{own}", messages(room)),
            "",
            404,
        ),
    ];

    let api_doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/api.md"))
        .expect("docs/api.md");
    let mut failures = Vec::new();
    let mut bot_boost = None;
    for row in &table {
        let resp = send(&curl, row).await;
        let expected = match row.ours {
            Some((status, why)) => {
                assert!(
                    api_doc.contains(why),
                    "docs/api.md does not list the difference \"{why}\""
                );
                status
            }
            None => row.original,
        };
        if resp.status != expected {
            failures.push(format!(
                "{}: {} {} answered {}, expected {expected}: {}",
                row.what,
                row.method,
                row.path,
                resp.status,
                resp.text()
            ));
            continue;
        }
        if resp.status == 201 && row.json.is_none() {
            let id = resp.json()["id"].as_i64().unwrap();
            for header in &row.headers {
                if let Header::Is(name, value) = header {
                    let value = value.replace("{new}", &id.to_string());
                    if resp.header(name).as_deref() != Some(value.as_str()) {
                        failures.push(format!(
                            "{}: {name} {:?}, expected {value}",
                            row.what,
                            resp.header(name)
                        ));
                    }
                }
            }
            continue;
        }
        for header in &row.headers {
            let (name, wanted) = match header {
                Header::Is(name, value) => (*name, Some(value.as_str())),
                Header::Absent(name) => (*name, None),
            };
            let got = resp.header(name);
            let matches = match wanted {
                // `application/json` may carry a charset.
                Some(value) if name == "content-type" => {
                    got.as_deref().is_some_and(|g| g.starts_with(value))
                }
                _ => got.as_deref() == wanted,
            };
            if !matches {
                failures.push(format!("{}: {name} {got:?}, expected {wanted:?}", row.what));
            }
        }
        if let Some(expected) = &row.json {
            let got = shape(&resp.json());
            if &got != expected {
                failures.push(format!("{}: JSON {got}, expected {expected}", row.what));
            }
            if row.what == "boosting" {
                bot_boost = Some(resp.json());
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The values behind the keys, as the original's views fill them.
    let boost = bot_boost.expect("the bot boosted");
    assert_eq!(boost["content"], "👀");
    assert_eq!(boost["booster"]["id"], bot_id);
    assert_eq!(boost["booster"]["name"], "Deploy Bot");
    assert_eq!(boost["booster"]["role"], "bot");
    assert_eq!(boost["message"]["id"], adas);
    assert_eq!(
        boost["message"]["url"],
        format!("{base}/rooms/{room}/messages/{adas}")
    );
    assert!(boost["created_at"].as_str().unwrap().ends_with('Z'));
    let boosts = ada.all_messages(room).await;
    let on_adas = boosts.iter().find(|m| m["id"] == adas).unwrap();
    let contents: Vec<&Value> = on_adas["boosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| &b["content"])
        .collect();
    assert_eq!(
        contents,
        [&json!("👀"), &json!("👀"), &json!("Deployed to pro…")],
        "a longer boost is kept, cut to 16 characters"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_urls_in_answers_lead_to_the_message_and_avatars_are_pictures() {
    let server = Server::start(&[]).await;
    let base = format!("http://{}", server.addr);
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let key = ada
        .post("/api/bots", &json!({ "name": "Deploy Bot" }))
        .await
        .expect(201)["bot"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let room = ada.room_named("All Talk").await;
    let curl = Client::anonymous(server.addr);
    let posted = curl
        .raw(
            Method::POST,
            &format!("/rooms/{room}/{key}/messages"),
            FORM,
            "Hello",
        )
        .await;
    let id = posted.json()["id"].as_i64().unwrap();
    let permalink = format!("/rooms/{room}/@{id}");

    // `url` (the original's /rooms/<room>/messages/<id>) and `Location` (/messages/<id>) both
    // lead to the permalink; the latter only for someone who may read the room.
    let url = posted.json()["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("{base}/rooms/{room}/messages/{id}"));
    let to_permalink = ada
        .not_following_redirects()
        .get(url.trim_start_matches(&base))
        .await;
    assert_eq!(to_permalink.status, 303);
    assert_eq!(to_permalink.header("location"), Some(permalink.clone()));
    let location = posted.header("location").unwrap();
    assert_eq!(location, format!("{base}/messages/{id}"));
    let path = location.trim_start_matches(&base);
    let followed = ada.not_following_redirects().get(path).await;
    assert_eq!(followed.status, 303, "{}", followed.text());
    assert_eq!(followed.header("location"), Some(permalink));
    curl.not_following_redirects()
        .get(path)
        .await
        .expect_error(401, "unauthorized");

    // `avatar_url` is always a URL, and it is a picture: the initials, as the app draws them.
    let avatar = posted.json()["creator"]["avatar_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(avatar.starts_with(&format!("{base}/users/")), "{avatar}");
    let picture = curl.get(avatar.trim_start_matches(&base)).await;
    assert_eq!(picture.status, 200);
    assert_eq!(
        picture.header("content-type").as_deref(),
        Some("image/svg+xml")
    );
    assert!(picture.text().contains(">DB</text>"), "{}", picture.text());
    assert!(
        picture
            .header("content-security-policy")
            .is_some_and(|csp| csp.contains("default-src 'none'")),
        "an SVG opened on its own runs nothing"
    );
    // Its address cannot be guessed from an id.
    let path = avatar.trim_start_matches(&base).split('?').next().unwrap();
    let mark_end = path.len() - "/avatar".len();
    let last = &path[mark_end - 1..mark_end];
    let guessed = format!(
        "{}{}/avatar",
        &path[..mark_end - 1],
        if last == "0" { "1" } else { "0" }
    );
    curl.get(&guessed).await.expect_error(404, "not_found");
    let people = curl
        .get(&format!("/rooms/{room}/{key}/messages"))
        .await
        .json();
    assert!(people[0]["creator"]["avatar_url"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_mentions_people_with_the_originals_markup_or_ours() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let key = ada
        .post("/api/bots", &json!({ "name": "Deploy Bot" }))
        .await
        .expect(201)["bot"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let room = ada.room_named("All Talk").await;
    let curl = Client::anonymous(server.addr);
    let ada_id = ada.id();
    let bodies = [
        format!(
            "<div>Deployed, {}!</div>",
            mention(&sgid_modern(ada_id), "Ada")
        ),
        format!(
            "<div>Rolled back, {}.</div>",
            mention(&sgid_legacy(ada_id), "Ada")
        ),
        format!(r#"<p>Done, <span data-mention-id="{ada_id}">@Ada Admin</span></p>"#),
    ];
    for body in &bodies {
        let posted = curl
            .raw(
                Method::POST,
                &format!("/rooms/{room}/{key}/messages"),
                FORM,
                body.clone(),
            )
            .await
            .expect(201);
        assert!(
            posted["body"]["plain_text"]
                .as_str()
                .unwrap()
                .contains("@Ada Admin"),
            "{posted}"
        );
    }
    let stored = ada.all_messages(room).await;
    assert_eq!(stored.len(), 3);
    for message in &stored {
        assert_eq!(message["mentions"], json!([ada_id]), "{message}");
        assert!(
            message["body_html"]
                .as_str()
                .unwrap()
                .contains(&format!(r#"data-mention-id="{ada_id}""#)),
            "{message}"
        );
    }

    // Plain text keeps its lines, as a CI log needs, and a long one is one message (the
    // original has no limit; ours is a mebibyte of text).
    let log: String = (0..60_000).map(|n| format!("step {n}: ok\n")).collect();
    assert!(log.len() > 768 * 1024);
    let posted = curl
        .raw(
            Method::POST,
            &format!("/rooms/{room}/{key}/messages"),
            FORM,
            log.clone(),
        )
        .await
        .expect(201);
    assert_eq!(posted["body"]["plain_text"], log.trim());
    let too_much = "x".repeat(3 * 1024 * 1024);
    curl.raw(
        Method::POST,
        &format!("/rooms/{room}/{key}/messages"),
        FORM,
        too_much,
    )
    .await
    .expect_error(413, "payload_too_large");
}
