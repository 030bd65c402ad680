//! Embedding the hub in a service: a plain loop feeds it inputs with the current time, and
//! prints what it asks the driver to do. A real driver would write `Send`s to sockets, close
//! sockets on `Close`, and sleep until `poll_timeout()` between inputs.
//!
//! Run with `cargo run -p campfire-coord --example embedded`.

use std::sync::Arc;

use campfire_coord::{Audience, Change, Hub, HubConfig, Output, Published};

type Payload = Arc<[u8]>;

fn main() {
    let mut hub: Hub<&str, &str, &str, Payload> = Hub::new(HubConfig::default());

    // At startup: membership and the head of the log, as loaded from the store.
    hub.load_membership("lobby", "alice");
    hub.load_membership("lobby", "bob");
    hub.set_head(41);

    // Both clients loaded their state at seq 41 and connect from there.
    hub.connect(0, 1, "alice", "alice-laptop", 41);
    hub.connect(0, 2, "bob", "bob-phone", 41);
    hub.focus(10, 2, Some("lobby"));
    drain(&mut hub, "bob looks at the lobby");

    hub.publish(20, event(42, "alice: hello bob"));
    drain(&mut hub, "a message to the lobby");

    // Alice's laptop loses its connection; she had applied everything up to 42.
    let alice_since = 42;
    hub.disconnect(30, 1);
    hub.publish(40, event(43, "bob: are you there?"));
    hub.publish(50, event(44, "bob: hello?"));
    drain(&mut hub, "alice drops, bob posts twice");

    // She reconnects with a new connection: what she missed, then live, without a gap.
    hub.connect(60, 3, "alice", "alice-laptop", alice_since);
    hub.publish(70, event(45, "alice: back!"));
    drain(&mut hub, "alice reconnects with since=42");

    println!("next deadline: {:?} ms", hub.poll_timeout());
    let deadline = hub.poll_timeout().unwrap_or_default();
    hub.handle_timeout(deadline);
    drain(&mut hub, "nobody sent a heartbeat");
    println!("connections left: {}", hub.connection_count());
}

fn event(seq: u64, text: &str) -> Published<&'static str, &'static str, Payload> {
    Published {
        seq,
        audience: Audience::Room("lobby"),
        change: Change::None,
        payload: Arc::from(text.as_bytes()),
    }
}

fn drain(hub: &mut Hub<&str, &str, &str, Payload>, what: &str) {
    println!("-- {what}");
    while let Some(output) = hub.poll_output() {
        match output {
            Output::Send { conn, seq, payload } => {
                let text = String::from_utf8_lossy(&payload);
                println!("   send to conn {conn}: #{seq} {text:?}");
            }
            Output::Close { conn, reason } => println!("   close conn {conn}: {reason:?}"),
            Output::Presence { room, users, conns } => {
                println!("   presence in {room}: {users:?} (to conns {conns:?})");
            }
            Output::Typing { room, users, conns } => {
                println!("   typing in {room}: {users:?} (to conns {conns:?})");
            }
        }
    }
}
