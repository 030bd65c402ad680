//! The browser app reaches a phone compressed: every text file of the build goes out as brotli
//! or gzip, whichever the browser accepts, made when the server was built (not per request),
//! and as it is to a client that accepts neither. Source maps are not in the binary.

use std::io::Read;

use reqwest::Method;

use crate::common::{Client, Resp, Server};

async fn fetch(client: &Client, path: &str, accept: &str) -> Resp {
    let resp = client
        .send(
            client
                .request(Method::GET, path)
                .header("accept-encoding", accept),
        )
        .await;
    assert_eq!(resp.status, 200, "{path} with {accept}");
    resp
}

fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut plain)
        .expect("a gzip body");
    plain
}

#[tokio::test]
async fn the_app_is_sent_precompressed_to_browsers_that_take_it() {
    let server = Server::start(&[]).await;
    let client = Client::anonymous(server.addr);

    let page = fetch(&client, "/", "identity").await;
    assert_eq!(page.header("content-encoding"), None);
    assert_eq!(page.header("vary").as_deref(), Some("Accept-Encoding"));
    let html = page.text();
    assert!(html.starts_with("<!doctype html>"), "{html}");

    // Chromium's header: brotli wins.
    let packed = fetch(&client, "/", "gzip, deflate, br, zstd").await;
    assert_eq!(packed.header("content-encoding").as_deref(), Some("br"));
    assert_eq!(packed.header("vary").as_deref(), Some("Accept-Encoding"));
    assert!(
        packed
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(packed.body.len() < page.body.len());

    // Without brotli, gzip, which unpacks to the very page.
    let gzipped = fetch(&client, "/rooms/1", "gzip;q=1, br;q=0").await;
    assert_eq!(gzipped.header("content-encoding").as_deref(), Some("gzip"));
    assert_eq!(gunzip(&gzipped.body), page.body);

    // The entry script: cached for good, a third of its size or less either way.
    let script = html
        .split("src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the entry script in the page");
    assert!(
        script.starts_with("/static/") && script.ends_with(".js"),
        "{script}"
    );
    let plain = fetch(&client, script, "identity").await;
    let brotli = fetch(&client, script, "br").await;
    let gzip = fetch(&client, script, "gzip").await;
    for resp in [&plain, &brotli, &gzip] {
        assert!(resp.header("content-type").unwrap().contains("javascript"));
        assert_eq!(
            resp.header("cache-control").as_deref(),
            Some("public, max-age=31536000, immutable")
        );
    }
    assert_eq!(brotli.header("content-encoding").as_deref(), Some("br"));
    assert!(brotli.body.len() * 3 < plain.body.len());
    assert_eq!(gunzip(&gzip.body), plain.body);
    assert!(gzip.body.len() * 3 < plain.body.len());
    let source = String::from_utf8_lossy(&plain.body);
    assert!(!source.contains("sourceMappingURL"), "a map is referenced");
    let map = client.get(&format!("{script}.map")).await;
    assert_eq!(map.status, 404);
}
