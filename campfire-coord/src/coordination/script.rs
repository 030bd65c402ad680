//! A little language for hub transcripts, and [`check`], which runs one.
//!
//! A transcript is a list of inputs, each followed by the outputs it produced, indented:
//!
//! ```text
//! load r1 alice bob
//! @0 connect c1 alice s1 since 0
//! @5 publish 1 room:r1 hello
//!   send c1 #1 hello
//! ```
//!
//! [`check`] runs the inputs and renders the outputs again; the test passes if the result is the
//! transcript it was given. Inputs (`@T` sets the time, and stays until the next `@T`):
//!
//! - `load ROOM USER…`, `head SEQ`
//! - `publish SEQ AUDIENCE [CHANGE] PAYLOAD`, where AUDIENCE is `everyone`, `user:U` or `room:R`
//!   and CHANGE is `joined:R/U`, `left:R/U`, `room-gone:R` or `user-gone:U`
//! - `connect CONN USER SESSION since SEQ`, `disconnect CONN`, `end-session SESSION`
//! - `heartbeat CONN`, `focus CONN ROOM|none`, `typing CONN ROOM`, `stop-typing CONN ROOM`
//! - `timeout` (handle_timeout); queries answered with `= …`: `deadline`, `looking-at ROOM`,
//!   `connected USER`, `count`
//! - `// comments`

use crate::{Audience, Change, CloseReason, ConnId, Hub, HubConfig, Output, Published};

type TestHub = Hub<String, String, String, String>;

/// Runs `transcript` on a hub with the default configuration.
pub(crate) fn check(transcript: &str) {
    check_with(HubConfig::default(), transcript);
}

/// Runs `transcript` on a hub with `config`.
pub(crate) fn check_with(config: HubConfig, transcript: &str) {
    let expected = dedent(transcript);
    let mut hub = Hub::new(config);
    let mut now = 0;
    let mut actual = String::new();
    for line in expected.lines() {
        if line.starts_with(' ') {
            continue;
        }
        actual.push_str(line);
        actual.push('\n');
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        if let Some(answer) = run(&mut hub, &mut now, line) {
            actual.push_str(&format!("  = {answer}\n"));
        }
        while let Some(output) = hub.poll_output() {
            actual.push_str(&format!("  {}\n", render(&output)));
        }
    }
    assert!(
        actual == expected,
        "the transcript differs.\n--- expected\n{expected}--- actual\n{actual}"
    );
}

/// Applies one input line; returns the answer to a query.
fn run(hub: &mut TestHub, now: &mut u64, line: &str) -> Option<String> {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    if let Some(time) = words.first().and_then(|w| w.strip_prefix('@')) {
        *now = time.parse().unwrap();
        words.remove(0);
    }
    let now = *now;
    let arg = |i: usize| -> String {
        let word = words
            .get(i)
            .unwrap_or_else(|| panic!("{line:?}: argument {i} missing"));
        (*word).to_owned()
    };
    match words[0] {
        "load" => {
            for user in &words[2..] {
                hub.load_membership(arg(1), (*user).to_owned());
            }
        }
        "head" if words.len() == 2 => hub.set_head(arg(1).parse().unwrap()),
        "publish" => {
            let (change, payload) = match words.len() {
                4 => (Change::None, arg(3)),
                5 => (change(&arg(3)), arg(4)),
                _ => panic!("{line:?}: publish SEQ AUDIENCE [CHANGE] PAYLOAD"),
            };
            let event = Published {
                seq: arg(1).parse().unwrap(),
                audience: audience(&arg(2)),
                change,
                payload,
            };
            hub.publish(now, event);
        }
        "connect" => {
            assert_eq!(
                words[4], "since",
                "{line:?}: connect CONN USER SESSION since SEQ"
            );
            let since = arg(5).parse().unwrap();
            hub.connect(now, conn(&arg(1)), arg(2), arg(3), since);
        }
        "disconnect" => hub.disconnect(now, conn(&arg(1))),
        "end-session" => hub.end_session(now, &arg(1)),
        "heartbeat" => hub.heartbeat(now, conn(&arg(1))),
        "focus" => {
            let room = Some(arg(2)).filter(|room| room != "none");
            hub.focus(now, conn(&arg(1)), room);
        }
        "typing" => hub.typing(now, conn(&arg(1)), arg(2)),
        "stop-typing" => hub.stop_typing(now, conn(&arg(1)), &arg(2)),
        "timeout" => hub.handle_timeout(now),
        "deadline" => {
            let deadline = hub.poll_timeout();
            return Some(deadline.map_or("none".to_owned(), |d| d.to_string()));
        }
        "looking-at" => return Some(format!("[{}]", hub.looking_at(&arg(1)).join(", "))),
        "connected" => return Some(hub.is_connected(&arg(1)).to_string()),
        "count" => return Some(hub.connection_count().to_string()),
        "head" => return Some(hub.head().to_string()),
        _ => panic!("{line:?}: unknown input"),
    }
    None
}

fn audience(word: &str) -> Audience<String, String> {
    match word.split_once(':') {
        None if word == "everyone" => Audience::Everyone,
        Some(("user", user)) => Audience::User(user.to_owned()),
        Some(("room", room)) => Audience::Room(room.to_owned()),
        _ => panic!("{word:?}: everyone, user:U or room:R"),
    }
}

fn change(word: &str) -> Change<String, String> {
    let pair = |what: &str| {
        let (room, user) = what.split_once('/').unwrap();
        (room.to_owned(), user.to_owned())
    };
    match word.split_once(':') {
        Some(("joined", what)) => {
            let (room, user) = pair(what);
            Change::Joined { room, user }
        }
        Some(("left", what)) => {
            let (room, user) = pair(what);
            Change::Left { room, user }
        }
        Some(("room-gone", room)) => Change::RoomGone(room.to_owned()),
        Some(("user-gone", user)) => Change::UserGone(user.to_owned()),
        _ => panic!("{word:?}: joined:R/U, left:R/U, room-gone:R or user-gone:U"),
    }
}

fn conn(word: &str) -> ConnId {
    word.strip_prefix('c').unwrap().parse().unwrap()
}

fn render(output: &Output<String, String, String>) -> String {
    let conns = |conns: &[ConnId]| {
        let names: Vec<String> = conns.iter().map(|c| format!("c{c}")).collect();
        names.join(", ")
    };
    match output {
        Output::Send { conn, seq, payload } => format!("send c{conn} #{seq} {payload}"),
        Output::Close { conn, reason } => {
            let reason = match reason {
                CloseReason::Revoked => "revoked",
                CloseReason::SessionEnded => "session-ended",
                CloseReason::Reset => "reset",
                CloseReason::HeartbeatTimeout => "heartbeat-timeout",
            };
            format!("close c{conn} {reason}")
        }
        Output::Presence {
            room,
            users,
            conns: to,
        } => {
            format!("presence {room} [{}] to [{}]", users.join(", "), conns(to))
        }
        Output::Typing {
            room,
            users,
            conns: to,
        } => {
            format!("typing {room} [{}] to [{}]", users.join(", "), conns(to))
        }
    }
}

/// Removes the common indentation and the blank lines around the text.
fn dedent(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let indent = lines
        .iter()
        .filter(|line| !line.is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let body: Vec<&str> = lines
        .iter()
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect();
    let start = body.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let end = body
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    body[start..end]
        .iter()
        .map(|line| format!("{line}\n"))
        .collect()
}
