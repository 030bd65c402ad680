//! Files (M9) against the real server: who can fetch them, what hostile files become, images
//! and their thumbnails, video ranges, the size limit, deletion, backups, and a bot posting a
//! file with `curl -F` as it does to the original.

use std::path::{Path, PathBuf};

use crate::common;

use super::cli_changes::run;
use common::{Client, Resp, Server, client_id, first_run, join};
use reqwest::Method;
use serde_json::{Value, json};

/// A multipart form, written out as a browser or curl would.
struct Form {
    boundary: &'static str,
    body: Vec<u8>,
}

impl Form {
    fn new() -> Form {
        Form {
            boundary: "----campfire-test-boundary-7MA4YWxk",
            body: Vec::new(),
        }
    }

    fn text(mut self, name: &str, value: &str) -> Form {
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self
    }

    fn file(mut self, name: &str, filename: &str, content_type: &str, bytes: &[u8]) -> Form {
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    fn finish(mut self) -> (String, Vec<u8>) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            self.body,
        )
    }
}

/// Uploads `bytes` as `filename` to `room`, with an optional caption.
pub(crate) async fn upload(
    client: &Client,
    room: i64,
    filename: &str,
    bytes: &[u8],
    caption: Option<&str>,
) -> Resp {
    let mut form = Form::new().text("client_message_id", &client_id()).file(
        "file",
        filename,
        "application/octet-stream",
        bytes,
    );
    if let Some(caption) = caption {
        form = form.text("caption", caption);
    }
    let (content_type, body) = form.finish();
    client
        .raw(
            Method::POST,
            &format!("/api/rooms/{room}/attachments"),
            &content_type,
            body,
        )
        .await
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A valid PNG whose header claims 60,000 × 60,000 pixels: a decompression bomb.
fn bomb_png() -> Vec<u8> {
    let mut bomb = png(1, 1);
    let ihdr = bomb.windows(4).position(|w| w == b"IHDR").unwrap();
    bomb[ihdr + 4..ihdr + 8].copy_from_slice(&60_000u32.to_be_bytes());
    bomb[ihdr + 8..ihdr + 12].copy_from_slice(&60_000u32.to_be_bytes());
    let crc = crc32fast::hash(&bomb[ihdr..ihdr + 17]);
    bomb[ihdr + 17..ihdr + 21].copy_from_slice(&crc.to_be_bytes());
    bomb
}

/// Every blob file under the server's files directory (temporary files included).
fn files_on_disk(data: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&data.join("files"), &mut found);
    found
}

/// A PDF-looking file of `len` bytes.
fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..len.saturating_sub(9)).map(|i| (i * 31 % 251) as u8));
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_members_fetch_a_file_even_after_they_leave() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let code = ada.join_code().await;
    let bob = join(&server, &code, "Bob Member", "bob@example.com").await;
    let cy = join(&server, &code, "Cy Outsider", "cy@example.com").await;
    let room = ada
        .post(
            "/api/rooms",
            &json!({ "name": "Plans", "kind": "closed", "member_ids": [bob.id()] }),
        )
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();
    let mut bob_live = bob.ws(bob.seq().await).await;

    let bytes = pdf(300_000);
    let posted = upload(&ada, room, "Q3 plan.pdf", &bytes, None)
        .await
        .expect(201)["message"]
        .clone();
    let file = &posted["attachment"];
    assert_eq!(file["name"], "Q3 plan.pdf");
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(file["byte_size"], 300_000);
    assert_eq!(file["kind"], "file");
    // The original's way: no caption, no HTML; the name is the plain text search and
    // webhooks see.
    assert_eq!(posted["body_html"], "");
    assert_eq!(posted["body_plain"], "Q3 plan.pdf");

    // Bob sees it arrive live, file and all.
    let event = loop {
        let event = bob_live.next_event().await;
        if event["kind"] == "message_created" {
            break event;
        }
    };
    assert_eq!(event["message"]["attachment"], *file);

    let url = file["url"].as_str().unwrap();
    let got = bob.get(url).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, bytes, "the same bytes come back");
    assert_eq!(got.header("content-type").unwrap(), "application/pdf");
    assert_eq!(got.header("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(
        got.header("content-disposition").unwrap(),
        "attachment; filename=\"Q3 plan.pdf\"; filename*=UTF-8''Q3%20plan.pdf"
    );
    assert!(
        got.header("content-security-policy")
            .unwrap()
            .contains("sandbox")
    );

    // Someone outside the room, and nobody at all, learn nothing: not even that it exists.
    let missing = format!(
        "/api/messages/{}/file",
        posted["id"].as_i64().unwrap() + 1000
    );
    assert_eq!(cy.get(url).await.status, 404, "someone outside the room");
    assert_eq!(
        cy.get(&missing).await.status,
        404,
        "a file that does not exist"
    );
    Client::anonymous(server.addr)
        .get(url)
        .await
        .expect_error(401, "unauthorized");

    // Bob leaves the room: the file is gone for him too.
    ada.patch(
        &format!("/api/rooms/{room}"),
        &json!({ "member_ids": [ada.id()] }),
    )
    .await
    .expect(200);
    assert_eq!(bob.get(url).await.status, 404, "Bob, who left the room");
    assert_eq!(ada.get(url).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_files_are_stored_but_never_run() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let room = ada.room_named("All Talk").await;

    // An SVG with script: a download, typed, sandboxed, never inline.
    let svg =
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>"#;
    let posted = upload(&ada, room, "logo.svg", svg, None).await.expect(201)["message"].clone();
    assert_eq!(posted["attachment"]["kind"], "file");
    assert!(posted["attachment"]["thumbnail_url"].is_null());
    let got = ada.get(posted["attachment"]["url"].as_str().unwrap()).await;
    assert_eq!(got.status, 200);
    assert!(
        got.header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(got.header("x-content-type-options").unwrap(), "nosniff");
    assert!(
        got.header("content-security-policy")
            .unwrap()
            .contains("sandbox")
    );

    // HTML named .png: not an image (it does not decode as one), so a download of unknown type.
    let html = b"<html><body><script>alert(1)</script></body></html>";
    let posted = upload(&ada, room, "cat.png", html, None).await.expect(201)["message"].clone();
    assert_eq!(
        posted["attachment"]["content_type"],
        "application/octet-stream"
    );
    assert_eq!(posted["attachment"]["kind"], "file");
    let got = ada.get(posted["attachment"]["url"].as_str().unwrap()).await;
    assert_eq!(
        got.header("content-type").unwrap(),
        "application/octet-stream"
    );
    assert!(
        got.header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );

    // An HTML file as such: a download too.
    let posted = upload(&ada, room, "page.html", html, None)
        .await
        .expect(201)["message"]
        .clone();
    let got = ada.get(posted["attachment"]["url"].as_str().unwrap()).await;
    assert!(
        got.header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );

    // A 0-byte file is a file.
    let posted = upload(&ada, room, "empty.txt", b"", None).await.expect(201)["message"].clone();
    assert_eq!(posted["attachment"]["byte_size"], 0);
    let got = ada.get(posted["attachment"]["url"].as_str().unwrap()).await;
    assert_eq!(got.status, 200);
    assert!(got.body.is_empty());

    // A name with path separators, controls and a right-to-left override loses them.
    let posted = upload(
        &ada,
        room,
        "../../etc/\u{202E}gnp.exe",
        b"MZ not really",
        None,
    )
    .await
    .expect(201)["message"]
        .clone();
    assert_eq!(posted["attachment"]["name"], "gnp.exe");

    // A PNG bomb: a header claiming 60,000 × 60,000 pixels in a few bytes. Refused before
    // decoding, with a reason, and nothing kept.
    let bomb = bomb_png();
    let before = files_on_disk(&server.data_dir()).len();
    let refused = upload(&ada, room, "bomb.png", &bomb, None).await;
    refused.expect_error(422, "unprocessable");
    assert!(
        refused.text().contains("60000 × 60000"),
        "{}",
        refused.text()
    );
    assert_eq!(files_on_disk(&server.data_dir()).len(), before);

    // Forms that are not uploads: clear 400s.
    let (content_type, body) = Form::new().text("client_message_id", &client_id()).finish();
    let resp = ada
        .raw(
            Method::POST,
            &format!("/api/rooms/{room}/attachments"),
            &content_type,
            body,
        )
        .await;
    resp.expect_error(400, "bad_request");
    assert!(resp.text().contains("\\\"file\\\""), "{}", resp.text());
    let (content_type, body) = Form::new()
        .text("client_message_id", &client_id())
        .file("file", "a.txt", "text/plain", b"a")
        .file("file", "b.txt", "text/plain", b"b")
        .finish();
    ada.raw(
        Method::POST,
        &format!("/api/rooms/{room}/attachments"),
        &content_type,
        body,
    )
    .await
    .expect_error(400, "bad_request");
    ada.post(&format!("/api/rooms/{room}/attachments"), &json!({}))
        .await
        .expect_error(400, "bad_request");
    let (content_type, mut body) = Form::new()
        .text("client_message_id", &client_id())
        .file("file", "a.txt", "text/plain", b"cut short")
        .finish();
    body.truncate(body.len() - 20);
    ada.raw(
        Method::POST,
        &format!("/api/rooms/{room}/attachments"),
        &content_type,
        body,
    )
    .await
    .expect_error(400, "bad_request");
    assert!(
        files_on_disk(&server.data_dir())
            .iter()
            .all(|p| !p.starts_with(server.data_dir().join("files/tmp"))),
        "no half-written file is left behind"
    );
    assert!(!server.logs().contains("panicked"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_gets_a_thumbnail_and_a_video_seeks() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let room = ada.room_named("All Talk").await;

    let photo = png(2400, 1600);
    let posted = upload(
        &ada,
        room,
        "sunset.png",
        &photo,
        Some("<p>Look at <strong>this</strong></p>"),
    )
    .await
    .expect(201)["message"]
        .clone();
    let file = &posted["attachment"];
    assert_eq!(file["kind"], "image");
    assert_eq!(file["content_type"], "image/png");
    assert_eq!(
        (file["width"].clone(), file["height"].clone()),
        (json!(2400), json!(1600))
    );
    assert_eq!(
        posted["body_plain"], "Look at this",
        "the caption is the body"
    );

    let thumb = ada.get(file["thumbnail_url"].as_str().unwrap()).await;
    assert_eq!(thumb.status, 200);
    assert_eq!(thumb.header("content-type").unwrap(), "image/jpeg");
    let decoded = image::load_from_memory(&thumb.body).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1200, 800));
    // The original is served inline, as uploaded.
    let original = ada.get(file["url"].as_str().unwrap()).await;
    assert_eq!(original.body, photo);
    assert!(
        original
            .header("content-disposition")
            .unwrap()
            .starts_with("inline;")
    );
    let download = ada.get(file["download_url"].as_str().unwrap()).await;
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    // Cached copies are revalidated by the blob's hash.
    let etag = original.header("etag").unwrap();
    let again = ada
        .send(
            ada.request(Method::GET, file["url"].as_str().unwrap())
                .header("if-none-match", &etag),
        )
        .await;
    assert_eq!(again.status, 304);

    // Video is served in ranges, as a <video> element seeks.
    let video: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    let posted = upload(&ada, room, "demo.mp4", &video, None)
        .await
        .expect(201)["message"]
        .clone();
    assert_eq!(posted["attachment"]["kind"], "video");
    let url = posted["attachment"]["url"].as_str().unwrap().to_owned();
    let part = ada
        .send(
            ada.request(Method::GET, &url)
                .header("range", "bytes=1000-1999"),
        )
        .await;
    assert_eq!(part.status, 206);
    assert_eq!(
        part.header("content-range").unwrap(),
        "bytes 1000-1999/100000"
    );
    assert_eq!(part.body, video[1000..2000]);
    let tail = ada
        .send(ada.request(Method::GET, &url).header("range", "bytes=-100"))
        .await;
    assert_eq!(tail.body, video[99_900..]);
    let beyond = ada
        .send(
            ada.request(Method::GET, &url)
                .header("range", "bytes=200000-"),
        )
        .await;
    assert_eq!(beyond.status, 416);
    assert_eq!(beyond.header("content-range").unwrap(), "bytes */100000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_limit_is_refused_and_deleting_removes_the_file() {
    let server = Server::start(&["--max-file-size", "50000"]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let room = ada.room_named("All Talk").await;

    let refused = upload(&ada, room, "big.pdf", &pdf(200_000), None).await;
    refused.expect_error(413, "payload_too_large");
    assert!(refused.text().contains("50 KB"), "{}", refused.text());
    assert!(files_on_disk(&server.data_dir()).is_empty(), "nothing kept");

    // The same bytes twice are one blob; deleting one message keeps it for the other.
    let bytes = pdf(40_000);
    let first = upload(&ada, room, "a.pdf", &bytes, None).await.expect(201)["message"].clone();
    let second = upload(&ada, room, "b.pdf", &bytes, None).await.expect(201)["message"].clone();
    assert_eq!(files_on_disk(&server.data_dir()).len(), 1);
    ada.delete(&format!("/api/messages/{}", first["id"]))
        .await
        .expect(204);
    ada.get(first["attachment"]["url"].as_str().unwrap())
        .await
        .expect_error(404, "not_found");
    assert_eq!(
        ada.get(second["attachment"]["url"].as_str().unwrap())
            .await
            .body,
        bytes
    );
    ada.delete(&format!("/api/messages/{}", second["id"]))
        .await
        .expect(204);
    assert!(
        files_on_disk(&server.data_dir()).is_empty(),
        "the last message using the bytes took them with it"
    );

    // An image's thumbnail goes with it too.
    let photo = upload(&ada, room, "p.png", &png(300, 200), None)
        .await
        .expect(201)["message"]
        .clone();
    assert_eq!(files_on_disk(&server.data_dir()).len(), 2);
    ada.delete(&format!("/api/messages/{}", photo["id"]))
        .await
        .expect(204);
    assert!(files_on_disk(&server.data_dir()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_posts_a_file_with_curl_like_to_the_original() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let room = ada.room_named("All Talk").await;
    let created = ada
        .post("/api/bots", &json!({ "name": "Chart Bot" }))
        .await
        .expect(201);
    let key = created["bot"]["key"].as_str().unwrap().to_owned();

    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart.png");
    let bytes = png(640, 480);
    std::fs::write(&chart, &bytes).unwrap();
    let url = format!("{}/rooms/{room}/{key}/messages", server.base());
    let output = tokio::process::Command::new("curl")
        .args(["-sS", "-i", "-F"])
        .arg(format!("attachment=@{}", chart.display()))
        .arg(&url)
        .output()
        .await
        .expect("curl runs");
    let answer = String::from_utf8_lossy(&output.stdout);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("\r\nlocation: "),
        "{answer}"
    );

    let messages = ada.all_messages(room).await;
    let posted = messages.last().unwrap();
    assert_eq!(posted["attachment"]["name"], "chart.png");
    assert_eq!(posted["attachment"]["kind"], "image");
    assert_eq!(
        ada.get(posted["attachment"]["url"].as_str().unwrap())
            .await
            .body,
        bytes
    );
    // Through the bot API it reads as in the original: the name as plain text, no HTML.
    let listed: Value = ada
        .get(&format!("/rooms/{room}/{key}/messages"))
        .await
        .expect(200);
    let last = listed.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["body"]["plain_text"], "chart.png");
    assert_eq!(last["body"]["html"], "");

    // A form without `attachment` says what it wants.
    let output = tokio::process::Command::new("curl")
        .args(["-sS", "-F", "file=@/dev/null"])
        .arg(&url)
        .output()
        .await
        .expect("curl runs");
    let answer = String::from_utf8_lossy(&output.stdout);
    assert!(answer.contains("attachment"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_carry_the_files_and_stats_count_them() {
    let mut server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let room = ada.room_named("All Talk").await;
    let bytes = pdf(12_345);
    let posted = upload(&ada, room, "notes.pdf", &bytes, None)
        .await
        .expect(201)["message"]
        .clone();

    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("campfire.backup");
    let backup = backup.to_str().unwrap();
    let out = run(&server, &["backup", backup]);
    assert!(out.contains("1 files (12345 bytes)"), "{out}");
    let stats = run(&server, &["stats"]);
    assert!(stats.contains("files     1"), "{stats}");

    // Everything is lost; the backup brings the message and its file back.
    server.terminate(std::time::Duration::from_secs(10)).await;
    std::fs::remove_dir_all(server.data_dir().join("files")).unwrap();
    let out = run(&server, &["restore", backup]);
    assert!(out.contains("1 files"), "{out}");
    server.restart().await;
    let ada = common::sign_in(&server, "ada@example.com").await;
    assert_eq!(
        ada.get(posted["attachment"]["url"].as_str().unwrap())
            .await
            .body,
        bytes
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_files_switched_off_an_upload_is_refused_plainly() {
    let server = Server::start(&["--files", "false"]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let room = ada.room_named("All Talk").await;
    let resp = upload(&ada, room, "a.pdf", &pdf(100), None).await;
    resp.expect_error(422, "unprocessable");
    assert!(resp.text().contains("not enabled"), "{}", resp.text());
    let bootstrap = ada.get("/api/bootstrap").await.expect(200);
    assert_eq!(bootstrap["features"]["files"], false);
}

/// Uploads `bytes` as a picture to `path` (PUT, multipart `picture`).
async fn put_picture(client: &Client, path: &str, bytes: &[u8]) -> Resp {
    let (content_type, body) = Form::new()
        .file("picture", "me.png", "image/png", bytes)
        .finish();
    client.raw(Method::PUT, path, &content_type, body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avatars_and_the_logo_are_made_square_and_served() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let code = ada.join_code().await;
    let bob = join(&server, &code, "Bob Member", "bob@example.com").await;

    // A10: Bob's wide photo becomes a 512-pixel square, at a URL that changes with it.
    let me = put_picture(&bob, "/api/me/avatar", &png(1600, 900))
        .await
        .expect(200)["me"]
        .clone();
    let url = me["avatar_url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("/api/users/{}/avatar?v=", bob.id())),
        "{url}"
    );
    let picture = ada.get(&url).await;
    assert_eq!(picture.status, 200);
    let decoded = image::load_from_memory(&picture.body).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (512, 512));
    let seen = ada
        .get(&format!("/api/users/{}", bob.id()))
        .await
        .expect(200);
    assert_eq!(seen["user"]["avatar_url"], url.as_str(), "{seen}");
    Client::anonymous(server.addr)
        .get(&url)
        .await
        .expect_error(401, "unauthorized");

    // Not a picture, and a bomb: refused with a reason, nothing kept.
    let before = files_on_disk(&server.data_dir()).len();
    put_picture(&bob, "/api/me/avatar", b"<svg onload=alert(1)/>")
        .await
        .expect_error(422, "unprocessable");
    let bomb = bomb_png();
    put_picture(&bob, "/api/me/avatar", &bomb)
        .await
        .expect_error(422, "unprocessable");
    assert_eq!(files_on_disk(&server.data_dir()).len(), before);

    // Removing it goes back to initials and frees the bytes.
    let me = bob.delete("/api/me/avatar").await.expect(200)["me"].clone();
    assert!(me["avatar_url"].is_null());
    assert_eq!(files_on_disk(&server.data_dir()).len(), before - 1);
    ada.get(&url).await.expect_error(404, "not_found");

    // A bot's picture is set by an administrator, and the bot API's avatar_url serves it.
    let created = ada
        .post("/api/bots", &json!({ "name": "Deploy Bot" }))
        .await
        .expect(201);
    let bot_id = created["bot"]["user"]["id"].as_i64().unwrap();
    let key = created["bot"]["key"].as_str().unwrap().to_owned();
    let path = format!("/api/bots/{bot_id}/avatar");
    assert_eq!(put_picture(&bob, &path, &png(64, 64)).await.status, 403);
    put_picture(&ada, &path, &png(300, 300)).await.expect(200);
    let room = ada.room_named("All Talk").await;
    let curl = Client::anonymous(server.addr);
    let posted = curl
        .raw(
            Method::POST,
            &format!("/rooms/{room}/{key}/messages"),
            "text/plain",
            "deployed",
        )
        .await
        .expect(201);
    let avatar_url = posted["creator"]["avatar_url"].as_str().unwrap();
    let path = avatar_url.split_once(&server.base()).unwrap().1;
    let served = curl.get(path).await;
    assert_eq!(served.status, 200);
    let decoded = image::load_from_memory(&served.body).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (300, 300));

    // A11: the logo becomes the app's icons (favicon, installed app, pushes).
    let default_icon = curl.get("/icons/icon-192.png").await.body;
    assert_eq!(
        put_picture(&bob, "/api/account/logo", &png(600, 600))
            .await
            .status,
        403
    );
    let account = put_picture(&ada, "/api/account/logo", &png(600, 600))
        .await
        .expect(200)["account"]
        .clone();
    let logo_url = account["logo_url"].as_str().unwrap();
    assert!(logo_url.starts_with("/icons/icon-512.png?v="), "{logo_url}");
    let icon = curl.get("/icons/icon-192.png").await;
    assert_eq!(icon.header("content-type").unwrap(), "image/png");
    assert_ne!(icon.body, default_icon);
    let decoded = image::load_from_memory(&icon.body).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (192, 192));
    let manifest = curl.get("/manifest.webmanifest").await;
    let manifest: Value = serde_json::from_slice(&manifest.body).unwrap();
    assert!(
        manifest["icons"][0]["src"]
            .as_str()
            .unwrap()
            .starts_with("/icons/icon-192.png?v="),
        "{manifest}"
    );
    ada.delete("/api/account/logo").await.expect(200);
    assert_eq!(curl.get("/icons/icon-192.png").await.body, default_icon);
}

/// X7: a file can be a thread reply (`thread_id` in the form); a `thread_id` of another room or
/// of nothing is refused and keeps no bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_posted_in_a_thread_and_a_wrong_thread_keeps_nothing() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let room = ada.room_named("All Talk").await;
    let root = ada.post_message(room, "<p>The plan, please</p>").await;
    let elsewhere = ada
        .post(
            "/api/rooms",
            &json!({ "name": "Plans", "kind": "closed", "member_ids": [] }),
        )
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();

    let send = |room: i64, thread: &str, bytes: Vec<u8>| {
        let (content_type, body) = Form::new()
            .text("client_message_id", &client_id())
            .text("thread_id", thread)
            .file("file", "plan.pdf", "application/pdf", &bytes)
            .finish();
        let ada = &ada;
        async move {
            ada.raw(
                Method::POST,
                &format!("/api/rooms/{room}/attachments"),
                &content_type,
                body,
            )
            .await
        }
    };
    let reply = send(room, &root["id"].to_string(), pdf(20_000))
        .await
        .expect(201)["message"]
        .clone();
    assert_eq!(reply["thread_id"], root["id"], "{reply}");
    assert_eq!(reply["attachment"]["name"], "plan.pdf");
    let thread = ada
        .get(&format!("/api/messages/{}/thread", root["id"]))
        .await
        .expect(200);
    assert_eq!(thread["replies"][0]["id"], reply["id"]);
    assert_eq!(thread["root"]["reply_count"], 1);

    let before = files_on_disk(&server.data_dir()).len();
    send(elsewhere, &root["id"].to_string(), pdf(30_000))
        .await
        .expect_error(404, "not_found");
    send(room, "first", pdf(40_000))
        .await
        .expect_error(400, "bad_request");
    assert_eq!(
        files_on_disk(&server.data_dir()).len(),
        before,
        "a refused upload keeps no bytes"
    );
}
