//! The container files (`docker/Dockerfile`, `docker/docker-compose.yml`), checked for what can
//! be checked without a Docker engine: the binary they run exists and takes every flag and
//! `CAMPFIRE_*` variable they set, the data directory is the volume, the user is not root, and
//! the health check's address answers on a server started the way the image starts it.

use std::path::PathBuf;
use std::process::Command;

use crate::common::Server;

fn read(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../docker")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `campfire-server --help`, which lists every flag with its environment variable.
fn server_help() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_campfire-server"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

/// Every `CAMPFIRE_*` name in `text`.
fn variables(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("CAMPFIRE_") && w.len() > "CAMPFIRE_".len())
        .map(str::to_owned)
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The value an `ENV` line of the Dockerfile gives `name`.
fn env_value(dockerfile: &str, name: &str) -> String {
    dockerfile
        .split_whitespace()
        .find_map(|w| w.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("the Dockerfile sets no {name}"))
        .trim_end_matches('\\')
        .to_owned()
}

#[test]
fn the_container_runs_the_server_with_flags_it_has() {
    let dockerfile = read("Dockerfile");
    let compose = read("docker-compose.yml");
    let help = server_help();

    assert!(
        dockerfile.contains("ENTRYPOINT [\"campfire-server\"]"),
        "the image runs campfire-server"
    );
    assert!(dockerfile.contains("target/release/campfire-server"));
    assert!(dockerfile.contains("-p campfire-server"));
    // CAMPFIRE_COMMIT is read by the build (`--version`), not by the running server.
    for name in variables(&dockerfile)
        .into_iter()
        .chain(variables(&compose))
        .filter(|n| n != "CAMPFIRE_COMMIT")
    {
        assert!(
            help.contains(&format!("[env: {name}=")),
            "{name} is set by the container files but the server has no such setting"
        );
    }

    // The data directory is the volume, in both files, and the user is not root.
    assert_eq!(env_value(&dockerfile, "CAMPFIRE_DATA_DIR"), "/data");
    assert!(dockerfile.contains("VOLUME /data"));
    assert!(compose.contains("CAMPFIRE_DATA_DIR: /data"));
    assert!(compose.contains("campfire-data:/data"));
    let user = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("a USER line");
    assert!(!["root", "0"].contains(&user.trim()), "runs as {user}");
    assert!(compose.contains("dockerfile: docker/Dockerfile"));
}

#[tokio::test]
async fn the_health_check_answers_on_a_server_started_as_the_image_starts_it() {
    let dockerfile = read("Dockerfile");
    let bind = env_value(&dockerfile, "CAMPFIRE_BIND");
    let health = env_value(&dockerfile, "HEALTH_URL");
    let port = bind.rsplit(':').next().unwrap();
    let path = health
        .strip_prefix(&format!("http://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("the health check ({health}) is not on the bound port {port}"));
    assert!(
        dockerfile.contains("\"$HEALTH_URL\""),
        "the HEALTHCHECK uses HEALTH_URL"
    );
    let compose = read("docker-compose.yml");
    assert!(
        compose.contains(&format!("\"{port}:{port}\"")),
        "the compose file publishes the bound port"
    );

    // The image's bind address, on loopback and a free port.
    let server = Server::start(&[]).await;
    let response = reqwest::get(format!("{}{path}", server.base()))
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
}
