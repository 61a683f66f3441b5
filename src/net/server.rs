//! The remoting server: one task per connection, each request handled on its own task.
//!
//! Per connection: a reader task decodes frames and spawns one task per request (so a slow request never
//! blocks the next one on the same connection), a writer task drains responses into the socket, and an idle
//! timer closes the connection after 120 s without traffic in either direction, as Java's
//! `serverChannelMaxIdleTimeSeconds` does. Malformed frames close only their own connection. A synchronous
//! request is always answered: if the handler produces nothing or panics, the peer gets `SYSTEM_ERROR`.
//! Responses from the peer (to requests the server sent it, e.g. broker → consumer) are matched by opaque.

use std::future::Future;
use std::io::IoSlice;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes, BytesMut};
use dashmap::DashMap;
use futures::{FutureExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio::task::JoinHandle;
use tokio_util::codec::FramedRead;

use super::codec::RemotingCodec;
use super::shutdown::Shutdown;
use crate::remoting::{frame, RemotingCommand, ResponseCode};

/// Java's `serverChannelMaxIdleTimeSeconds`.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Requests in flight on one connection before the reader stops reading (back-pressure).
const MAX_IN_FLIGHT: u32 = 4096;
/// Responses queued for the writer of one connection.
const WRITE_QUEUE: usize = 4096;
/// Bodies at least this long are written from their own buffers (vectored), not copied into the write buffer.
const ZERO_COPY_MIN_BODY: usize = 4096;
/// Segments gathered for one vectored write (Linux `IOV_MAX` is 1024).
const MAX_WRITE_CHUNKS: usize = 512;

/// What a server does with requests.
pub trait RequestHandler: Send + Sync + 'static {
    /// Handles one request. The returned command is the response (its opaque and RESPONSE flag are set by the
    /// caller of `handle` from the request); for a oneway request it is discarded.
    fn handle(
        &self,
        conn: &Connection,
        request: RemotingCommand,
    ) -> impl Future<Output = Option<RemotingCommand>> + Send;

    /// Called once when a connection has closed, for whatever reason.
    fn on_close(&self, _conn: &Connection) {}
}

/// A handle on one accepted connection: who it is, and a way to send it requests of our own.
#[derive(Debug, Clone)]
pub struct Connection {
    inner: Arc<ConnInner>,
}

#[derive(Debug)]
struct ConnInner {
    id: u64,
    peer: SocketAddr,
    local: SocketAddr,
    tx: mpsc::Sender<RemotingCommand>,
    pending: DashMap<i32, oneshot::Sender<RemotingCommand>>,
    last_activity_ms: AtomicU64,
    started: Instant,
    closed: tokio_util::sync::CancellationToken,
}

static NEXT_CONN_ID: AtomicU64 = AtomicU64::new(1);

impl Connection {
    /// A process-unique id.
    pub fn id(&self) -> u64 {
        self.inner.id
    }

    /// The peer's socket address.
    pub fn peer(&self) -> SocketAddr {
        self.inner.peer
    }

    /// Our end's socket address (tells which listener accepted it).
    pub fn local(&self) -> SocketAddr {
        self.inner.local
    }

    /// Closes the connection (as Java's `RemotingUtil.closeChannel`): reading stops, requests already taken
    /// are answered, then the socket closes and the handler's `on_close` runs.
    pub fn close(&self) {
        self.inner.closed.cancel();
    }

    fn touch(&self) {
        let ms = self.inner.started.elapsed().as_millis() as u64;
        self.inner.last_activity_ms.store(ms, Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        let now = self.inner.started.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.inner.last_activity_ms.load(Ordering::Relaxed)))
    }

    /// Sends a oneway request to the peer (e.g. `NOTIFY_CONSUMER_IDS_CHANGED`). Fails if the connection is gone
    /// or its write queue is full.
    pub fn send_oneway(&self, mut request: RemotingCommand) -> bool {
        request.opaque = super::next_opaque();
        request.mark_oneway();
        self.inner.tx.try_send(request).is_ok()
    }

    /// Sends a request to the peer and waits for its response.
    pub async fn request(&self, mut request: RemotingCommand, timeout: Duration) -> Option<RemotingCommand> {
        let opaque = super::next_opaque();
        request.opaque = opaque;
        let (tx, rx) = oneshot::channel();
        self.inner.pending.insert(opaque, tx);
        let sent = self.inner.tx.send(request).await.is_ok();
        let answer = if sent { tokio::time::timeout(timeout, rx).await.ok().and_then(Result::ok) } else { None };
        self.inner.pending.remove(&opaque);
        answer
    }
}

/// A listening server.
#[derive(Debug)]
pub struct Server {
    local_addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Server {
    /// Binds `addr` and starts accepting; stops accepting and drains connections when `shutdown` fires.
    pub async fn bind<H: RequestHandler>(
        addr: SocketAddr,
        handler: Arc<H>,
        shutdown: Shutdown,
    ) -> std::io::Result<Server> {
        let listener = TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let task = tokio::spawn(accept_loop(listener, handler, shutdown));
        Ok(Server { local_addr, task })
    }

    /// The bound address (with the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Waits until the accept loop has stopped.
    pub async fn join(self) {
        let _ = self.task.await;
    }
}

async fn accept_loop<H: RequestHandler>(listener: TcpListener, handler: Arc<H>, shutdown: Shutdown) {
    loop {
        tokio::select! {
            _ = shutdown.wait() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve_connection(stream, peer, handler.clone(), shutdown.clone()));
                }
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
}

async fn serve_connection<H: RequestHandler>(stream: TcpStream, peer: SocketAddr, handler: Arc<H>, shutdown: Shutdown) {
    let local = match stream.local_addr() {
        Ok(a) => a,
        Err(_) => return,
    };
    let (read_half, write_half) = stream.into_split();
    let (tx, rx) = mpsc::channel(WRITE_QUEUE);
    let conn = Connection {
        inner: Arc::new(ConnInner {
            id: NEXT_CONN_ID.fetch_add(1, Ordering::Relaxed),
            peer,
            local,
            tx,
            pending: DashMap::new(),
            last_activity_ms: AtomicU64::new(0),
            started: Instant::now(),
            closed: tokio_util::sync::CancellationToken::new(),
        }),
    };
    tracing::debug!(conn = conn.id(), %peer, "connection opened");
    let (close_tx, close_rx) = oneshot::channel();
    let writer = tokio::spawn(write_loop(write_half, rx, close_rx, conn.clone()));
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT as usize));
    let mut frames = FramedRead::new(read_half, RemotingCodec);

    // One timer, shutdown and close future for the connection's life (not one per frame).
    let idle = tokio::time::sleep(IDLE_TIMEOUT);
    let stopping = shutdown.wait();
    let closed = conn.inner.closed.cancelled();
    tokio::pin!(idle, stopping, closed);
    loop {
        let next = tokio::select! {
            _ = &mut stopping => break,
            _ = &mut closed => break,
            _ = &mut idle => {
                if conn.idle_for() >= IDLE_TIMEOUT {
                    tracing::info!(conn = conn.id(), %peer, "closing idle connection");
                    break;
                }
                let left = IDLE_TIMEOUT.saturating_sub(conn.idle_for());
                idle.as_mut().reset(tokio::time::Instant::now() + left);
                continue;
            }
            next = frames.next() => next,
        };
        let cmd = match next {
            Some(Ok(cmd)) => cmd,
            Some(Err(e)) => {
                tracing::warn!(conn = conn.id(), %peer, "closing connection: {e}");
                break;
            }
            None => break,
        };
        conn.touch();
        if cmd.is_response() {
            if let Some((_, waiter)) = conn.inner.pending.remove(&cmd.opaque) {
                let _ = waiter.send(cmd);
            }
            continue;
        }
        let Ok(permit) = in_flight.clone().acquire_owned().await else { break };
        let handler = handler.clone();
        let conn2 = conn.clone();
        let mut task = Box::pin(async move {
            let _permit = permit;
            dispatch(&*handler, &conn2, cmd).await;
        });
        // Most requests (a send under ASYNC_FLUSH, an offset query) complete in their first poll: run them here,
        // so the answers of all the requests of one read queue up and leave in one write; only those that
        // wait (long polling, SYNC_FLUSH, a full write queue) become tasks of their own.
        if futures::poll!(task.as_mut()).is_pending() {
            tokio::spawn(task);
        }
    }

    // Let requests already taken finish and be answered, then close.
    let _ = tokio::time::timeout(Duration::from_secs(3), in_flight.acquire_many(MAX_IN_FLIGHT)).await;
    handler.on_close(&conn);
    drop(frames);
    let _ = close_tx.send(());
    let _ = tokio::time::timeout(Duration::from_secs(3), writer).await;
    tracing::debug!(conn = conn.id(), %peer, "connection closed");
}

/// Runs the handler for one request and queues its answer (unless oneway).
async fn dispatch<H: RequestHandler>(handler: &H, conn: &Connection, request: RemotingCommand) {
    let oneway = request.is_oneway();
    let opaque = request.opaque;
    let serialize_type = request.serialize_type;
    let code = request.code;
    let outcome = AssertUnwindSafe(handler.handle(conn, request)).catch_unwind().await;
    if oneway {
        return;
    }
    let mut response = match outcome {
        Ok(Some(response)) => response,
        Ok(None) => RemotingCommand::request(ResponseCode::SYSTEM_ERROR)
            .with_remark(format!("request {code} produced no response")),
        Err(_) => {
            tracing::error!(code, "handler panicked");
            RemotingCommand::request(ResponseCode::SYSTEM_ERROR)
                .with_remark(format!("internal error handling request {code}"))
        }
    };
    response.opaque = opaque;
    response.flag |= crate::remoting::FLAG_RESPONSE;
    response.serialize_type = serialize_type;
    let _ = conn.inner.tx.send(response).await;
}

async fn write_loop(
    mut socket: tokio::net::tcp::OwnedWriteHalf,
    mut rx: mpsc::Receiver<RemotingCommand>,
    mut close: oneshot::Receiver<()>,
    conn: Connection,
) {
    let mut buf = BytesMut::with_capacity(64 * 1024);
    let mut chunks: Vec<Bytes> = Vec::with_capacity(64);
    let mut closing = false;
    loop {
        let first = if closing {
            match rx.try_recv() {
                Ok(cmd) => cmd,
                Err(_) => break,
            }
        } else {
            tokio::select! {
                biased;
                cmd = rx.recv() => match cmd {
                    Some(cmd) => cmd,
                    None => break,
                },
                _ = &mut close => {
                    closing = true;
                    continue;
                }
            }
        };
        buf.clear();
        chunks.clear();
        let mut next = Some(first);
        let mut queued = 0usize;
        // Batch whatever is queued into one (vectored) write. Small frames are copied into `buf`; a large body
        // or a segmented one (PULL records, views of the mapped files) is written from where it lies.
        while let Some(cmd) = next.take() {
            let body_len = cmd.body_len();
            let encoded = if body_len >= ZERO_COPY_MIN_BODY || !cmd.body_parts.is_empty() {
                frame::encode_head(&cmd, &mut buf).map(|()| {
                    chunks.push(buf.split().freeze());
                    chunks.extend(cmd.body_segments().cloned());
                })
            } else {
                frame::encode(&cmd, &mut buf)
            };
            match encoded {
                Ok(()) => queued += body_len,
                Err(e) => tracing::error!(code = cmd.code, "dropping unencodable response: {e}"),
            }
            if buf.len() + queued < 256 * 1024 && chunks.len() < MAX_WRITE_CHUNKS {
                next = rx.try_recv().ok();
            }
        }
        if !buf.is_empty() {
            chunks.push(buf.split().freeze());
        }
        if write_all_vectored(&mut socket, &mut chunks).await.is_err() {
            break;
        }
        conn.touch();
        if buf.capacity() > 4 * 1024 * 1024 {
            buf = BytesMut::with_capacity(64 * 1024);
        }
    }
    let _ = socket.shutdown().await;
}

/// Writes every chunk, in order, with as few `writev` calls as the socket allows; `chunks` is consumed.
async fn write_all_vectored(
    socket: &mut tokio::net::tcp::OwnedWriteHalf,
    chunks: &mut Vec<Bytes>,
) -> std::io::Result<()> {
    let mut first = 0;
    while first < chunks.len() {
        let written = {
            let slices: Vec<IoSlice<'_>> =
                chunks[first..].iter().take(MAX_WRITE_CHUNKS).map(|c| IoSlice::new(c)).collect();
            socket.write_vectored(&slices).await?
        };
        if written == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        let mut left = written;
        while left > 0 {
            let Some(chunk) = chunks.get_mut(first) else { break };
            let n = left.min(chunk.len());
            chunk.advance(n);
            left -= n;
            if chunk.is_empty() {
                first += 1;
            }
        }
        while chunks.get(first).is_some_and(Bytes::is_empty) {
            first += 1;
        }
    }
    chunks.clear();
    Ok(())
}
