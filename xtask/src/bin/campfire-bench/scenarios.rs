//! quality.md's scenarios, each against a fresh server and, where there is one, its limit
//! baseline measured in the same run.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use crate::Ctx;
use crate::http::Http;
use crate::process::{self, Proc};
use crate::report::{Row, Status};
use crate::seed::{self, RoomSeed, Seed};
use crate::stats::{median, percentile};
use crate::ws::{self, Client, Tally};

const MIB: f64 = 1024.0 * 1024.0;

/// Handshakes in flight at once, per generator (the listen backlog is 1,024).
const GATE: usize = 512;

/// A seeded data directory and the log's head.
struct Seeded {
    dir: PathBuf,
    head: u64,
}

async fn seeded(ctx: &Ctx, name: &str, seed: &Seed) -> Result<Seeded> {
    let dir = process::fresh_dir(&ctx.work, name)?;
    let started = Instant::now();
    seed::seed(&dir, seed).await?;
    let head = head_of(&dir).await?;
    let secs = started.elapsed().as_secs_f64();
    if secs > 1.0 {
        println!("  ({name}: seeded in {secs:.1} s)");
    }
    Ok(Seeded { dir, head })
}

async fn head_of(dir: &Path) -> Result<u64> {
    use campfire_store::Store;
    let store = campfire_store::SqliteStore::open(
        &campfire_store::DataDir::new(dir).database(),
        campfire_store::StoreOptions::default(),
    )
    .await?;
    let head = store.last_event_seq().await?;
    store.close().await?;
    Ok(u64::try_from(head.0).unwrap_or(0))
}

async fn start(ctx: &Ctx, seeded: &Seeded) -> Result<Proc> {
    let addr = process::free_addr()?;
    let mut server = process::spawn_server(&ctx.server, &seeded.dir, addr)?;
    server.wait_up(true, Duration::from_secs(120)).await?;
    Ok(server)
}

/// Connected clients and how to stop them.
struct Crowd {
    tally: Arc<Tally>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    n: u32,
}

impl Crowd {
    /// Users `1..=n` connect (tokens for the server; none for the broadcaster).
    fn spawn(
        addr: SocketAddr,
        n: u32,
        server: bool,
        since: u64,
        reconnect: bool,
        markers: usize,
    ) -> Crowd {
        let tally = Tally::new(markers);
        let (stop, stopped) = watch::channel(false);
        let gate = Arc::new(Semaphore::new(GATE));
        let source = ws::fresh_source();
        let tasks = (1..=n)
            .map(|user| {
                let client = Client {
                    addr,
                    token: server.then(|| seed::token(user)),
                    since,
                    reconnect,
                    check_gaps: true,
                    source,
                };
                tokio::spawn(ws::run(
                    client,
                    tally.clone(),
                    gate.clone(),
                    stopped.clone(),
                ))
            })
            .collect();
        Crowd {
            tally,
            stop,
            tasks,
            n,
        }
    }

    /// Waits until all are connected; the time it took from `since`.
    async fn connected(&self, since: Instant, limit: Duration) -> Result<Duration> {
        loop {
            let open = self.tally.open.load(Ordering::Relaxed);
            if open >= u64::from(self.n) {
                let last = self.tally.last_handshake_ns.load(Ordering::Relaxed);
                return Ok(self.tally.instant(last).saturating_duration_since(since));
            }
            let failures = self.tally.failures.load(Ordering::Relaxed);
            if failures > 0 {
                bail!("{failures} of {} clients could not connect", self.n);
            }
            if since.elapsed() > limit {
                bail!(
                    "only {open} of {} clients connected after {limit:?}",
                    self.n
                );
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Stops every client and waits for them.
    async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }

    /// Violations of exactly-once, in-order delivery so far.
    fn violations(&self) -> Option<String> {
        let t = &self.tally;
        let dups = t.duplicates.load(Ordering::Relaxed);
        let gaps = t.gaps.load(Ordering::Relaxed);
        let failures = t.failures.load(Ordering::Relaxed);
        (dups + gaps + failures > 0).then(|| {
            format!("{dups} duplicates, {gaps} out-of-sequence events, {failures} clients failed")
        })
    }
}

/// idle: RSS after start with one user and an empty room.
pub async fn idle(ctx: &Ctx) -> Result<Row> {
    let mut row = Row::new("idle", "1 user, 1 empty room".into());
    let data = seeded(
        ctx,
        "idle",
        &Seed {
            users: 1,
            rooms: vec![RoomSeed {
                open: true,
                members: 1,
                messages: 0,
            }],
        },
    )
    .await?;
    let server = start(ctx, &data).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    row.figure("RSS", server.rss()? as f64 / MIB, "MiB", None);
    row.server_cpu = Some(server.cpu()?);
    server.kill()?;
    Ok(row)
}

/// idle connections and connect storm: n signed-in clients connect at once (handshakes bounded
/// to 512 in flight), resume from the current seq, and stay idle; the same against the bare
/// broadcaster.
pub async fn connections(ctx: &Ctx) -> Result<Vec<Row>> {
    let n = ctx.size(10_000u32, 300);
    let rounds = 3;
    let data = seeded(
        ctx,
        "connections",
        &Seed {
            users: n,
            rooms: vec![RoomSeed {
                open: true,
                members: n,
                messages: 0,
            }],
        },
    )
    .await?;
    let mut rss_row = Row::new("idle connections", format!("{n} signed-in WebSockets"));
    let mut storm_row = Row::new("connect storm", format!("{n} clients, {rounds} rounds"));

    // The server.
    let server = start(ctx, &data).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cpu0 = server.cpu()?;
    let mut storms = Vec::new();
    let mut per_thousand = 0.0;
    for round in 0..rounds {
        let rss0 = server.rss()?;
        let started = Instant::now();
        let crowd = Crowd::spawn(server.addr, n, true, data.head, false, 0);
        let took = crowd.connected(started, Duration::from_secs(60)).await?;
        storms.push(took.as_secs_f64());
        if round == 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let rss1 = server.rss()?;
            per_thousand = (rss1.saturating_sub(rss0)) as f64 / MIB * 1000.0 / f64::from(n);
            rss_row.notes.push(format!(
                "server RSS {:.1} MiB before, {:.1} MiB with {n} connections",
                rss0 as f64 / MIB,
                rss1 as f64 / MIB
            ));
        }
        if let Some(why) = crowd.violations() {
            storm_row.fail(why);
        }
        crowd.stop().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let server_cpu = server.cpu()? - cpu0;
    server.kill()?;

    // The bare broadcaster, same clients.
    let addr = process::free_addr()?;
    let mut bare = process::spawn_broadcaster(addr)?;
    bare.wait_up(false, Duration::from_secs(10)).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let bcpu0 = bare.cpu()?;
    let mut bare_storms = Vec::new();
    let mut bare_per_thousand = 0.0;
    for round in 0..rounds {
        let rss0 = bare.rss()?;
        let started = Instant::now();
        let crowd = Crowd::spawn(addr, n, false, 0, false, 0);
        let took = crowd.connected(started, Duration::from_secs(60)).await?;
        bare_storms.push(took.as_secs_f64());
        if round == 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let rss1 = bare.rss()?;
            bare_per_thousand = (rss1.saturating_sub(rss0)) as f64 / MIB * 1000.0 / f64::from(n);
        }
        crowd.stop().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let bare_cpu = bare.cpu()? - bcpu0;
    bare.kill()?;

    rss_row.figure(
        "extra RSS per 1,000",
        per_thousand,
        "MiB",
        Some(bare_per_thousand),
    );
    storm_row.figure(
        "all connected (median)",
        median(&storms),
        "s",
        Some(median(&bare_storms)),
    );
    storm_row
        .notes
        .push(format!("rounds: {storms:.3?} s; bare {bare_storms:.3?} s"));
    storm_row.server_cpu = Some(server_cpu);
    storm_row.baseline_cpu = Some(bare_cpu);
    Ok(vec![rss_row, storm_row])
}

/// Posts marked messages to the server as user 1 over HTTP.
struct Poster {
    http: Http,
    room: i64,
}

impl Poster {
    async fn post(&mut self, k: usize) -> Result<()> {
        let body =
            format!("{{\"client_message_id\":\"bench-{k}\",\"body_html\":\"<p>fan-out {k}</p>\"}}");
        let (status, answer) = self
            .http
            .post_json(&format!("/api/rooms/{}/messages", self.room), &body)
            .await?;
        if status != 201 {
            bail!(
                "posting answered {status}: {}",
                String::from_utf8_lossy(&answer)
            );
        }
        Ok(())
    }
}

/// Where fan-out frames come from: the server (HTTP posts) or the broadcaster (a publisher socket).
enum Source {
    Server(Vec<Poster>),
    Bare(
        futures_util::stream::SplitSink<
            tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
            Message,
        >,
    ),
}

impl Source {
    async fn send(&mut self, k: usize) -> Result<()> {
        match self {
            Source::Server(posters) => match posters.first_mut() {
                Some(poster) => poster.post(k).await,
                None => bail!("no poster"),
            },
            Source::Bare(sink) => {
                let seq = u64::try_from(k).unwrap_or(0) + 1;
                sink.send(Message::Text(ws::fake_event(seq, k))).await?;
                Ok(())
            }
        }
    }

    /// Sends markers `from..to` as fast as possible (4 concurrent posters for the server).
    async fn burst(&mut self, from: usize, to: usize) -> Result<()> {
        match self {
            Source::Server(posters) => {
                let next = AtomicUsize::new(from);
                let jobs = posters.iter_mut().map(|poster| {
                    let next = &next;
                    async move {
                        loop {
                            let k = next.fetch_add(1, Ordering::Relaxed);
                            if k >= to {
                                return anyhow::Ok(());
                            }
                            poster.post(k).await?;
                        }
                    }
                });
                for result in futures_util::future::join_all(jobs).await {
                    result?;
                }
                Ok(())
            }
            Source::Bare(_) => {
                for k in from..to {
                    self.send(k).await?;
                }
                Ok(())
            }
        }
    }
}

/// Fan-out figures of one target.
struct FanOut {
    p50: f64,
    p99: f64,
    deliveries: f64,
    cpu: f64,
    violations: Option<String>,
}

async fn fan_out_run(
    crowd: &Crowd,
    source: &mut Source,
    warmup: usize,
    posts: usize,
    burst: usize,
    target: &Proc,
) -> Result<FanOut> {
    let n = crowd.n;
    let tally = &crowd.tally;
    let limit = Duration::from_secs(60);
    for k in 0..warmup {
        source.send(k).await?;
    }
    if !tally.wait_all(0, warmup, n, limit).await {
        bail!("the warm-up messages did not reach every client");
    }
    let cpu0 = target.cpu()?;
    // Latency: 5 posts per second, each timed from the start of its post to the moment the
    // last of the n clients has it.
    let mut sent = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    for k in warmup..warmup + posts {
        tick.tick().await;
        sent.push((k, Instant::now()));
        source.send(k).await?;
    }
    if !tally.wait_all(warmup, warmup + posts, n, limit).await {
        bail!("some timed messages did not reach every client");
    }
    let mut latencies: Vec<Duration> = sent
        .iter()
        .map(|(k, at)| tally.last(*k).saturating_duration_since(*at))
        .collect();
    // Throughput: a burst, from its first post to the last client's last message.
    let from = warmup + posts;
    let started = Instant::now();
    source.burst(from, from + burst).await?;
    if !tally.wait_all(from, from + burst, n, limit).await {
        bail!("some burst messages did not reach every client");
    }
    let end = (from..from + burst)
        .map(|k| tally.last(k))
        .max()
        .unwrap_or(started);
    let secs = end
        .saturating_duration_since(started)
        .as_secs_f64()
        .max(1e-6);
    Ok(FanOut {
        p50: percentile(&mut latencies, 0.5),
        p99: percentile(&mut latencies, 0.99),
        deliveries: f64::from(n) * burst as f64 / secs,
        cpu: target.cpu()? - cpu0,
        violations: crowd.violations(),
    })
}

/// fan-out to n members: p50/p99 of post → received by all, deliveries per second in a burst.
pub async fn fanout(ctx: &Ctx, n: u32, name: &'static str) -> Result<Row> {
    let warmup = 5;
    let posts = ctx.size(50, 10);
    let burst = ctx.size(if n > 5_000 { 100 } else { 300 }, 20);
    let markers = warmup + posts + burst;
    let mut row = Row::new(
        name,
        format!("{n} members; {posts} posts at 5/s; burst of {burst}"),
    );
    let data = seeded(
        ctx,
        "fanout",
        &Seed {
            users: n,
            rooms: vec![RoomSeed {
                open: true,
                members: n,
                messages: 0,
            }],
        },
    )
    .await?;
    let server = start(ctx, &data).await?;
    let crowd = Crowd::spawn(server.addr, n, true, data.head, false, markers);
    crowd
        .connected(Instant::now(), Duration::from_secs(60))
        .await?;
    let mut posters = Vec::new();
    for _ in 0..4 {
        posters.push(Poster {
            http: Http::connect(server.addr, Some(&seed::token(1))).await?,
            room: 1,
        });
    }
    let mut source = Source::Server(posters);
    let ours = fan_out_run(&crowd, &mut source, warmup, posts, burst, &server).await;
    crowd.stop().await;
    server.kill()?;
    let ours = ours?;

    let addr = process::free_addr()?;
    let mut bare = process::spawn_broadcaster(addr)?;
    bare.wait_up(false, Duration::from_secs(10)).await?;
    let crowd = Crowd::spawn(addr, n, false, 0, false, markers);
    crowd
        .connected(Instant::now(), Duration::from_secs(60))
        .await?;
    let (sink, mut stream) = ws::publisher(addr).await?.split();
    // The publisher hears its own frames too: drain them.
    let drain = tokio::spawn(async move { while stream.next().await.is_some() {} });
    let mut source = Source::Bare(sink);
    let theirs = fan_out_run(&crowd, &mut source, warmup, posts, burst, &bare).await;
    crowd.stop().await;
    drain.abort();
    bare.kill()?;
    let theirs = theirs?;

    row.figure("p50 all-received", ours.p50, "ms", Some(theirs.p50));
    row.figure("p99 all-received", ours.p99, "ms", Some(theirs.p99));
    row.figure(
        "deliveries/s (burst)",
        ours.deliveries,
        "/s",
        Some(theirs.deliveries),
    );
    row.server_cpu = Some(ours.cpu);
    row.baseline_cpu = Some(theirs.cpu);
    if let Some(why) = ours.violations {
        row.fail(why);
    }
    if let Some(why) = theirs.violations {
        row.notes
            .push(format!("the bare broadcaster's clients: {why}"));
    }
    Ok(row)
}

/// durable posts: c clients post as fast as they are acknowledged; a listener checks that every
/// acknowledged message is delivered exactly once.
pub async fn durable(ctx: &Ctx) -> Result<Vec<Row>> {
    let clients = ctx.size(64u32, 8);
    let users = ctx.size(1_000u32, 100);
    let rounds = 3;
    let duration = Duration::from_secs(ctx.size(5, 1));
    let size = format!(
        "{clients} clients, room of {users}, {rounds} rounds of {}s",
        duration.as_secs()
    );
    let mut row = Row::new("durable posts", size.clone());
    let mut bot_row = Row::new(
        "durable bot posts",
        format!("{size}, POST /rooms/1/<key>/messages"),
    );
    let data = seeded(
        ctx,
        "durable",
        &Seed {
            users,
            rooms: vec![RoomSeed {
                open: true,
                members: users,
                messages: 0,
            }],
        },
    )
    .await?;
    let server = start(ctx, &data).await?;
    let cap = 400_000;
    let listener = Crowd::spawn(server.addr, 1, true, data.head, false, cap);
    listener
        .connected(Instant::now(), Duration::from_secs(10))
        .await?;
    let mut https = Vec::new();
    for c in 0..clients {
        https.push(Http::connect(server.addr, Some(&seed::token(c + 2))).await?);
    }
    let next = Arc::new(AtomicUsize::new(0));
    let cpu0 = server.cpu()?;
    let app = post_rounds(&mut https, rounds, duration, &next, cap, |http, k| {
        Box::pin(async move {
            let body = format!(
                "{{\"client_message_id\":\"bench-{k}\",\"body_html\":\"<p>a durable message {k}</p>\"}}"
            );
            matches!(http.post_json("/api/rooms/1/messages", &body).await, Ok((201, _)))
        })
    })
    .await;
    let cpu = server.cpu()? - cpu0;
    // The same load through the bot API: one bot (a bot posts under its own key; the listener
    // receives these too).
    let key = seed::bot_key(users);
    let path = format!("/rooms/1/{key}/messages");
    let cpu0 = server.cpu()?;
    let bot = post_rounds(&mut https, rounds, duration, &next, cap, |http, k| {
        let path = path.clone();
        Box::pin(async move {
            let body = format!("bench-{k} a durable bot message");
            matches!(http.post_text(&path, &body).await, Ok((201, _)))
        })
    })
    .await;
    let bot_cpu = server.cpu()? - cpu0;
    let posted = next.load(Ordering::Relaxed).min(cap);
    let delivered = listener
        .tally
        .wait_all(0, posted, 1, Duration::from_secs(30))
        .await;
    let violations = listener.violations();
    listener.stop().await;
    server.kill()?;
    for (row, run) in [(&mut row, &app), (&mut bot_row, &bot)] {
        if run.errors > 0 {
            row.fail(format!(
                "{} posts were not acknowledged with 201",
                run.errors
            ));
        }
        if !delivered {
            row.fail("some acknowledged messages never reached the listening socket".into());
        }
        if let Some(why) = &violations {
            row.fail(why.clone());
        }
    }
    let (bare_rate, bare_p99) = crate::baseline::inserts(&data.dir, 1, duration).await?;
    let (group_rate, group_p99) = crate::baseline::inserts(&data.dir, 64, duration).await?;
    let mut app_latencies = app.latencies;
    row.figure(
        "posts/s (median)",
        median(&app.rates),
        "/s",
        Some(bare_rate),
    );
    row.figure("p50 ack", percentile(&mut app_latencies, 0.5), "ms", None);
    row.figure(
        "p99 ack",
        percentile(&mut app_latencies, 0.99),
        "ms",
        Some(bare_p99),
    );
    row.server_cpu = Some(cpu);
    row.notes.push(format!(
        "rounds {:.0?}/s; bare SQLite (WAL, synchronous=FULL): 1 row per commit {bare_rate:.0}/s \
         (p99 commit {bare_p99:.2} ms), 64 rows per commit {group_rate:.0} rows/s (p99 commit {group_p99:.2} ms)",
        app.rates
    ));
    let app_rate = median(&app.rates);
    let mut bot_latencies = bot.latencies;
    bot_row.figure("posts/s (median)", median(&bot.rates), "/s", Some(app_rate));
    bot_row.figure("p99 ack", percentile(&mut bot_latencies, 0.99), "ms", None);
    bot_row.server_cpu = Some(bot_cpu);
    bot_row.notes.push(format!(
        "rounds {:.0?}/s; the limit beside it is the JSON API's durable posts in the same run",
        bot.rates
    ));
    Ok(vec![row, bot_row])
}

/// What rounds of concurrent posts measured.
struct Posting {
    rates: Vec<f64>,
    latencies: Vec<Duration>,
    errors: u64,
}

type PostFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send + 'a>>;

/// `rounds` rounds of `duration`, each client posting back to back with `post(client, k)`
/// (`k` numbering the posts of the whole run, at most `cap`); a post counts when it says `true`.
async fn post_rounds<F>(
    https: &mut [Http],
    rounds: u32,
    duration: Duration,
    next: &Arc<AtomicUsize>,
    cap: usize,
    post: F,
) -> Posting
where
    F: for<'a> Fn(&'a mut Http, usize) -> PostFuture<'a> + Sync,
{
    let mut rates = Vec::new();
    let mut latencies = Vec::new();
    let mut errors = 0u64;
    for _ in 0..rounds {
        let started = Instant::now();
        let jobs = https.iter_mut().map(|http| {
            let post = &post;
            async move {
                let mut lat = Vec::new();
                let mut errors = 0u64;
                while started.elapsed() < duration {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= cap {
                        break;
                    }
                    let at = Instant::now();
                    if post(http, k).await {
                        lat.push(at.elapsed());
                    } else {
                        errors += 1;
                    }
                }
                (lat, errors)
            }
        });
        let mut acked = 0usize;
        for (lat, e) in futures_util::future::join_all(jobs).await {
            acked += lat.len();
            latencies.extend(lat);
            errors += e;
        }
        rates.push(acked as f64 / started.elapsed().as_secs_f64());
    }
    Posting {
        rates,
        latencies,
        errors,
    }
}

/// The big store: cold start, history reads and search over m messages.
pub async fn big_store(ctx: &Ctx) -> Result<Vec<Row>> {
    let m = ctx.size(1_000_000u64, 20_000);
    let readers = 16u32;
    let duration = Duration::from_secs(ctx.size(5, 1));
    let rounds = 3;
    let data = seeded(
        ctx,
        "store",
        &Seed {
            users: 100,
            rooms: vec![RoomSeed {
                open: true,
                members: 100,
                messages: m,
            }],
        },
    )
    .await?;
    let db = campfire_store::DataDir::new(&data.dir).database();

    // The first start opens the freshly seeded database and builds the search index from the
    // log: wait until the index has caught up (the last seeded message's word is found).
    let mut search = Row::new("search", format!("one word over {m} messages"));
    let addr = process::free_addr()?;
    let spawned = Instant::now();
    let mut first = process::spawn_server(&ctx.server, &data.dir, addr)?;
    let first_up = first.wait_up(true, Duration::from_secs(300)).await?;
    let mut http = Http::connect(addr, Some(&seed::token(1))).await?;
    let mut available = true;
    let caught_up = loop {
        let (status, body) = http
            .get(&format!("/api/search?q={}", seed::LAST_WORD))
            .await?;
        if status == 404 || status == 405 {
            available = false;
            break None;
        }
        // `complete` says the index has read the log up to its head; the word must be found.
        if status == 200 && search_found(&body) == Some((true, true)) {
            break Some(spawned.elapsed());
        }
        if spawned.elapsed() > Duration::from_secs(ctx.size(900, 60)) {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let index_cpu = first.cpu()?;
    first.kill()?;

    // Cold start: process start → /up answers, with the index up to date.
    let mut cold = Row::new(
        "cold start",
        format!("{m} messages, {} starts", ctx.size(5, 2)),
    );
    let mut starts = Vec::new();
    let mut server = None;
    for _ in 0..ctx.size(5, 2) {
        if let Some(s) = server.take() {
            Proc::kill(s)?;
        }
        let addr = process::free_addr()?;
        let mut s = process::spawn_server(&ctx.server, &data.dir, addr)?;
        starts.push(
            s.wait_up(true, Duration::from_secs(300))
                .await?
                .as_secs_f64()
                * 1000.0,
        );
        server = Some(s);
    }
    let server = server.context("no server")?;
    cold.figure("start → /up (median)", median(&starts), "ms", None);
    cold.notes.push(format!(
        "starts {starts:.0?} ms; the very first start after seeding (empty search index) took {:.0} ms",
        first_up.as_secs_f64() * 1000.0
    ));
    cold.server_cpu = Some(server.cpu()?);

    // History reads: the app's JSON API, then the bot API's listing of the same page.
    let mut history = Row::new(
        "history read",
        format!("latest 40 of {m}, {readers} clients, {rounds} rounds"),
    );
    let cpu0 = server.cpu()?;
    let (rates, mut lat_all, bad) = read_history(&server, readers, rounds, duration, |_| {
        "/api/rooms/1/messages".to_owned()
    })
    .await?;
    history.server_cpu = Some(server.cpu()? - cpu0);
    if bad > 0 {
        history.fail(format!("{bad} reads failed"));
    }
    let mut bot_history = Row::new(
        "bot history read",
        format!(
            "GET /rooms/1/<key>/messages, latest 40 of {m}, {readers} clients, {rounds} rounds"
        ),
    );
    let key = seed::bot_key(100);
    let cpu0 = server.cpu()?;
    let (bot_rates, mut bot_lat, bot_bad) =
        read_history(&server, readers, rounds, duration, |_| {
            format!("/rooms/1/{key}/messages")
        })
        .await?;
    bot_history.server_cpu = Some(server.cpu()? - cpu0);
    if bot_bad > 0 {
        bot_history.fail(format!("{bot_bad} reads failed"));
    }

    // Search p99 (after catch-up), on a connection opened now: one opened before the history
    // reads would have sat idle through them, and the server closes idle keep-alive
    // connections after its header deadline (30 s).
    let mut http = Http::connect(server.addr, Some(&seed::token(1))).await?;
    if !available {
        search.status = Status::NotAvailable("GET /api/search is not on this server".into());
    } else if let Some(took) = caught_up {
        let cpu0 = server.cpu()?;
        let mut lat = Vec::new();
        let mut bad = 0u64;
        let mut empty = 0u64;
        let started = Instant::now();
        let mut i = 0u64;
        while started.elapsed() < duration * 2 {
            i += 1;
            let word = format!("ipsum{}", (i * 7919) % 9973);
            let at = Instant::now();
            match http.get(&format!("/api/search?q={word}")).await {
                Ok((200, body)) => {
                    lat.push(at.elapsed());
                    match search_found(&body) {
                        Some((_, true)) => {}
                        Some((_, false)) => empty += 1,
                        None => bad += 1,
                    }
                }
                _ => bad += 1,
            }
        }
        search.server_cpu = Some(server.cpu()? - cpu0);
        search.figure(
            "index catch-up after first start",
            took.as_secs_f64(),
            "s",
            None,
        );
        search
            .notes
            .push(format!("server CPU during the catch-up {index_cpu:.1} s"));
        search.figure("p50", percentile(&mut lat, 0.5), "ms", None);
        search.figure("p99", percentile(&mut lat, 0.99), "ms", None);
        search
            .notes
            .push(format!("{} searches, {empty} found nothing", lat.len()));
        if bad > 0 {
            search.fail(format!("{bad} searches failed"));
        }
    } else {
        search.fail("the index did not catch up with the seeded messages in time".into());
    }
    server.kill()?;

    let bare = crate::baseline::history(&db, 1, 2, duration).await?;
    history.figure("reads/s (median)", median(&rates), "/s", Some(bare));
    history.figure("p99", percentile(&mut lat_all, 0.99), "ms", None);
    history.notes.push(format!(
        "rounds {rates:.0?}/s; bare SQLite query, 2 connections (the server's reader pool) with mmap: {bare:.0}/s"
    ));
    let json_rate = median(&rates);
    bot_history.figure(
        "reads/s (median)",
        median(&bot_rates),
        "/s",
        Some(json_rate),
    );
    bot_history.figure("p99", percentile(&mut bot_lat, 0.99), "ms", None);
    bot_history.notes.push(format!(
        "rounds {bot_rates:.0?}/s; the limit beside it is the JSON API's history read in the same run ({json_rate:.0}/s)"
    ));
    Ok(vec![cold, history, bot_history, search])
}

/// `readers` clients reading `path(client)` for `rounds` rounds of `duration`: the rate of
/// each round, every latency, and how many reads failed (not 200 with a page in the body).
async fn read_history(
    server: &Proc,
    readers: u32,
    rounds: u32,
    duration: Duration,
    path: impl Fn(u32) -> String,
) -> Result<(Vec<f64>, Vec<Duration>, u64)> {
    let mut rates = Vec::new();
    let mut lat_all = Vec::new();
    let mut bad = 0u64;
    let mut clients = Vec::new();
    for c in 0..readers {
        let http = Http::connect(server.addr, Some(&seed::token(c + 1))).await?;
        clients.push((http, path(c)));
    }
    for _ in 0..rounds {
        let started = Instant::now();
        let jobs = clients.iter_mut().map(|(http, path)| async move {
            let mut lat = Vec::new();
            let mut bad = 0u64;
            while started.elapsed() < duration {
                let at = Instant::now();
                match http.get(path).await {
                    Ok((200, body)) if body.len() > 100 => lat.push(at.elapsed()),
                    _ => bad += 1,
                }
            }
            (lat, bad)
        });
        let mut done = 0;
        for (lat, b) in futures_util::future::join_all(jobs).await {
            done += lat.len();
            lat_all.extend(lat);
            bad += b;
        }
        rates.push(done as f64 / started.elapsed().as_secs_f64());
    }
    Ok((rates, lat_all, bad))
}

/// restart: n clients connected; messages posted and the server SIGKILLed right after their
/// acknowledgement, restarted; every client must resume and hold every message exactly once,
/// with no gap in the sequence.
pub async fn restart(ctx: &Ctx) -> Result<Row> {
    let n = ctx.size(10_000u32, 300);
    let mut row = Row::new("restart", format!("{n} clients, SIGKILL + restart"));
    let data = seeded(
        ctx,
        "restart",
        &Seed {
            users: n,
            rooms: vec![RoomSeed {
                open: true,
                members: n,
                messages: 0,
            }],
        },
    )
    .await?;
    let server = start(ctx, &data).await?;
    let addr = server.addr;
    let crowd = Crowd::spawn(addr, n, true, data.head, true, 15);
    crowd
        .connected(Instant::now(), Duration::from_secs(60))
        .await?;
    let mut poster = Poster {
        http: Http::connect(addr, Some(&seed::token(1))).await?,
        room: 1,
    };
    for k in 0..5 {
        poster.post(k).await?;
    }
    if !crowd.tally.wait_all(0, 5, n, Duration::from_secs(60)).await {
        bail!("the first messages did not reach every client");
    }
    for k in 5..10 {
        poster.post(k).await?;
    }
    let cpu_before = server.cpu()?;
    let handshakes = crowd.tally.handshakes.load(Ordering::Relaxed);
    let killed = Instant::now();
    server.kill()?;
    let mut again = process::spawn_server(&ctx.server, &data.dir, addr)?;
    let up = again.wait_up(true, Duration::from_secs(120)).await?;
    let all_back = crowd
        .tally
        .wait_all(0, 10, n, Duration::from_secs(120))
        .await;
    let resumed_at = Instant::now();
    let mut reconnected = crowd.tally.handshakes.load(Ordering::Relaxed) - handshakes;
    while reconnected < u64::from(n) && killed.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(5)).await;
        reconnected = crowd.tally.handshakes.load(Ordering::Relaxed) - handshakes;
    }
    let resumed = crowd
        .tally
        .instant(crowd.tally.last_handshake_ns.load(Ordering::Relaxed));
    let done = resumed.max(resumed_at.min(resumed.max(killed)));
    // Delivery after the restart too.
    let mut poster = Poster {
        http: Http::connect(addr, Some(&seed::token(1))).await?,
        room: 1,
    };
    for k in 10..15 {
        poster.post(k).await?;
    }
    let after = crowd
        .tally
        .wait_all(10, 15, n, Duration::from_secs(60))
        .await;
    row.server_cpu = Some(cpu_before + again.cpu()?);
    let violations = crowd.violations();
    crowd.stop().await;
    again.kill()?;
    if !all_back {
        row.fail("not every client got every message after the restart".into());
    }
    if !after {
        row.fail("messages after the restart did not reach every client".into());
    }
    if reconnected < u64::from(n) {
        row.fail(format!("only {reconnected} of {n} clients reconnected"));
    }
    if let Some(why) = violations {
        row.fail(why);
    }
    row.figure(
        "kill → all resumed, 0 gaps",
        done.saturating_duration_since(killed).as_secs_f64(),
        "s",
        None,
    );
    row.figure("restart → /up", up.as_secs_f64() * 1000.0, "ms", None);
    Ok(row)
}

/// A search answer's `complete` flag and whether it has any results; `None` if it is not one.
fn search_found(body: &[u8]) -> Option<(bool, bool)> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let complete = value.get("complete")?.as_bool()?;
    let found = !value.get("results")?.as_array()?.is_empty();
    Some((complete, found))
}
