//! Limits a hostile or broken client cannot get around (F5): a deadline for each request's
//! headers and for a connection's first request (a silent or dribbling connection is closed),
//! at most `max_connections` connections at once (the rest are closed as they are accepted, so
//! the process always has file descriptors left for its database, index and outbound calls),
//! and the open-files limit raised to what the system allows.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum_server::accept::{Accept, DefaultAcceptor};
use futures_util::future::BoxFuture;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// File descriptors kept back from client connections: the database's connections and WAL,
/// the search index's segments, logs, outbound webhook and push connections.
const RESERVED_FILES: u64 = 128;

/// Raises the soft open-files limit to the hard one, and says what it is now.
pub fn raise_open_files() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!(%error, "could not raise the open-files limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft)
        }
    }
}

/// The connections allowed at once by default: what the open-files limit leaves after the
/// reserve (at least 16).
pub fn default_max_connections(open_files: u64) -> usize {
    usize::try_from(open_files.saturating_sub(RESERVED_FILES).max(16)).unwrap_or(usize::MAX)
}

/// An acceptor that lets at most a fixed number of connections be open at once.
#[derive(Clone, Debug)]
pub struct Capped {
    slots: Arc<Semaphore>,
}

impl Capped {
    pub fn new(max_connections: usize) -> Self {
        Capped {
            slots: Arc::new(Semaphore::new(max_connections.max(1))),
        }
    }
}

impl<I, S> Accept<I, S> for Capped
where
    I: Send + 'static,
    S: Send + 'static,
{
    type Stream = Counted<I>;
    type Service = S;
    type Future = BoxFuture<'static, io::Result<(Counted<I>, S)>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        let slot = self.slots.clone().try_acquire_owned();
        let inner = DefaultAcceptor.accept(stream, service);
        Box::pin(async move {
            // Refused: the stream is dropped, which closes the connection at once.
            let slot = slot.map_err(|_| io::Error::other("too many connections"))?;
            let (stream, service) = inner.await?;
            Ok((
                Counted {
                    inner: stream,
                    _slot: slot,
                },
                service,
            ))
        })
    }
}

/// A connection holding one of [`Capped`]'s slots until it is dropped.
#[derive(Debug)]
pub struct Counted<S> {
    inner: S,
    _slot: OwnedSemaphorePermit,
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_cap_leaves_the_reserve() {
        assert_eq!(default_max_connections(1024), 896);
        assert_eq!(default_max_connections(20_000), 19_872);
        assert_eq!(default_max_connections(100), 16, "never below 16");
    }

    #[tokio::test]
    async fn connections_past_the_cap_are_refused_until_one_closes() {
        let capped = Capped::new(2);
        let first = capped.accept((), ()).await.unwrap();
        let second = capped.accept((), ()).await.unwrap();
        assert!(capped.accept((), ()).await.is_err(), "a third is refused");
        drop(first);
        let third = capped.accept((), ()).await;
        assert!(third.is_ok(), "a slot came free");
        drop((second, third));
    }
}
