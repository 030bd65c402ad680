//! `GET /api/live?since=N`: the WebSocket. One task per socket writes what the driver queues
//! and reads client frames; everything else is the driver's.

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::http::header::ORIGIN;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use crate::AppState;
use crate::auth::{Authed, origin_matches_host};
use crate::error::{ApiError, ApiResult};
use crate::extract::QueryParams;
use crate::live::throttle::Throttle;
use crate::live::{Closing, ConnectionPorts, Input, Outgoing};
use crate::wire::ClientFrame;

/// `?since=`.
#[derive(Debug, Deserialize)]
pub struct Since {
    since: u64,
}

/// Bytes of queued frames gathered into one write.
const WRITE_BATCH: usize = 4 * 1024;

/// Frames gathered into one flush at most.
const MAX_BATCH_FRAMES: usize = 64;

/// The largest frame a client may send.
const MAX_CLIENT_FRAME: usize = 16 * 1024;

/// Upgrades after checking the session (the extractor) and the Origin.
pub async fn upgrade(
    State(state): State<AppState>,
    authed: Authed,
    headers: HeaderMap,
    QueryParams(Since { since }): QueryParams<Since>,
    ws: WebSocketUpgrade,
) -> ApiResult<Response> {
    if let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok())
        && !origin_matches_host(origin, &headers)
    {
        return Err(ApiError::forbidden());
    }
    // A small read buffer: the default 128 KiB per socket made 10,000 idle sockets cost 1.3 GB.
    // Frames queued together are written together (see the writer below) up to a small buffer:
    // a burst costs one write per few kilobytes, not one per frame.
    Ok(ws
        .read_buffer_size(4 * 1024)
        .write_buffer_size(WRITE_BATCH)
        .max_message_size(MAX_CLIENT_FRAME)
        .max_frame_size(MAX_CLIENT_FRAME)
        .on_upgrade(move |socket| run(socket, state, authed, since)))
}

async fn run(socket: WebSocket, state: AppState, authed: Authed, since: u64) {
    let _counted = crate::metrics::OpenConnection::opened();
    let live = state.live.clone();
    let conn = live.next_conn();
    let (frames_tx, mut frames) = mpsc::channel(live.config().queue_bound);
    let queued = Arc::new(AtomicUsize::new(0));
    let (close_tx, mut close) = oneshot::channel();
    live.send(Input::Connect {
        conn,
        user: authed.user.id,
        session: authed.session.id,
        since,
        ports: ConnectionPorts {
            frames: frames_tx,
            queued: queued.clone(),
            close: close_tx,
        },
    });
    let (mut sink, mut stream) = socket.split();
    let ping_every = live.config().ping_interval;
    // F4: a client that stops reading blocks writes to it. One that cannot take a write for as
    // long as the server waits to hear from a client is as good as gone: it is dropped rather
    // than held forever (with its queue and buffers) while close requests go unheard.
    let stall = live.config().heartbeat_timeout;
    // The reader refuses bad frames through the writer, which owns the sink.
    let (refuse_tx, mut refuse) = oneshot::channel::<(u16, &'static str)>();

    let writer = async move {
        let mut ping = tokio::time::interval(ping_every);
        ping.tick().await;
        loop {
            tokio::select! {
                biased;
                closing = &mut close => {
                    let (code, reason) = closing.unwrap_or(Closing::GoingAway).code();
                    let bye = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() })));
                    let _ = tokio::time::timeout(stall, bye).await;
                    return;
                }
                Ok((code, reason)) = &mut refuse => {
                    let bye = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() })));
                    let _ = tokio::time::timeout(stall, bye).await;
                    return;
                }
                frame = frames.recv() => match frame {
                    Some(outgoing) => {
                        // Everything else already queued goes out with it, flushed once.
                        // (At most a batch's worth, so close requests are looked at again soon.)
                        let batch = async {
                            let mut next = Some(outgoing);
                            let mut fed = 0;
                            while let Some(outgoing) = next.take() {
                                let count = outgoing.len();
                                feed(&mut sink, outgoing).await?;
                                queued.fetch_sub(count, Ordering::Relaxed);
                                fed += count;
                                if fed < MAX_BATCH_FRAMES
                                    && let Ok(more) = frames.try_recv()
                                {
                                    next = Some(more);
                                }
                            }
                            sink.flush().await
                        };
                        if !matches!(tokio::time::timeout(stall, batch).await, Ok(Ok(()))) {
                            return;
                        }
                    }
                    None => return,
                },
                _ = ping.tick() => {
                    let ping = sink.send(Message::Ping(Default::default()));
                    if !matches!(tokio::time::timeout(stall, ping).await, Ok(Ok(()))) {
                        return;
                    }
                }
            }
        }
    };

    let reader_live = live.clone();
    let reader = async move {
        let mut throttle = Throttle::new(Instant::now());
        loop {
            let due = throttle.due();
            let message = tokio::select! {
                message = stream.next() => message,
                () = sleep_until(due), if due.is_some() => {
                    if let Some(frame) = throttle.release(Instant::now()) {
                        reader_live.send(Input::Frame { conn, frame });
                    }
                    continue;
                }
            };
            // The stream's end is the socket's.
            let message = message?;
            // A frame that can't be read (text that isn't UTF-8, over the size limit, a
            // protocol error) is malformed too: say so, rather than just dropping the
            // connection. If the connection itself failed, the close frame goes nowhere.
            let Ok(message) = message else {
                return Some((1008, "malformed frame"));
            };
            match message {
                Message::Text(text) => match serde_json::from_str::<ClientFrame>(text.as_str()) {
                    Ok(frame) => {
                        if let Some(frame) = throttle.admit(frame, Instant::now()) {
                            reader_live.send(Input::Frame { conn, frame });
                        }
                    }
                    // A malformed frame closes only this connection.
                    Err(_) => return Some((1008, "malformed frame")),
                },
                Message::Binary(_) => return Some((1003, "text frames only")),
                Message::Ping(_) | Message::Pong(_) => reader_live.send(Input::Heartbeat { conn }),
                Message::Close(_) => return None,
            }
        }
    };

    tokio::pin!(writer);
    tokio::select! {
        () = &mut writer => {}
        refused = reader => {
            if let Some(refusal) = refused {
                let _ = refuse_tx.send(refusal);
                writer.await;
            }
        }
    }
    live.send(Input::Disconnect { conn });
}

/// Buffers `outgoing`'s frames in the sink, in order, without flushing.
async fn feed<S>(sink: &mut S, outgoing: Outgoing) -> Result<(), S::Error>
where
    S: futures_util::Sink<Message> + Unpin,
{
    match outgoing {
        Outgoing::Text(text) => sink.feed(Message::Text(text)).await,
        Outgoing::Frames(frames) => {
            for text in frames {
                sink.feed(Message::Text(text)).await?;
            }
            Ok(())
        }
    }
}

/// Sleeps until `at` (`due` is only polled when there is something held).
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
