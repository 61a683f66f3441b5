//! The remoting client: one multiplexed connection per address, requests matched to responses by opaque.
//!
//! Mirrors the behaviour of Java's `NettyRemotingClient` that peers rely on: connect timeout 3 s, a
//! synchronous call that times out closes its connection (`closeSocketIfTimeout=true`), oneway requests
//! create no pending entry, and requests the peer sends us on the same connection are ignored.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use dashmap::DashMap;
use futures::StreamExt;
use parking_lot::Mutex;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio_util::codec::FramedRead;

use super::codec::RemotingCodec;
use super::next_opaque;
use crate::remoting::{frame, RemotingCommand};

/// Java's `connectTimeoutMillis`.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Could not connect.
    #[error("connect to {addr} failed: {reason}")]
    Connect {
        /// The address.
        addr: String,
        /// Why.
        reason: String,
    },
    /// No response within the timeout (the connection has been closed).
    #[error("request {code} to {addr} timed out after {millis} ms")]
    Timeout {
        /// The address.
        addr: String,
        /// The request code.
        code: i32,
        /// The timeout.
        millis: u128,
    },
    /// The connection closed before the response arrived.
    #[error("connection to {0} closed")]
    Closed(String),
}

/// A remoting client; cheap to share (`Arc`) between tasks.
#[derive(Debug, Default)]
pub struct RemotingClient {
    conns: Mutex<HashMap<String, Arc<ClientConn>>>,
}

#[derive(Debug)]
struct ClientConn {
    tx: mpsc::Sender<RemotingCommand>,
    pending: Arc<DashMap<i32, oneshot::Sender<RemotingCommand>>>,
    closed: tokio_util::sync::CancellationToken,
}

impl ClientConn {
    fn close(&self) {
        self.closed.cancel();
    }
}

impl RemotingClient {
    /// A client with no connections yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `request` to `addr` (`host:port`) and waits up to `timeout` for the response.
    pub async fn invoke(
        &self,
        addr: &str,
        mut request: RemotingCommand,
        timeout: Duration,
    ) -> Result<RemotingCommand, ClientError> {
        let conn = self.connection(addr).await?;
        let opaque = next_opaque();
        request.opaque = opaque;
        request.flag &= !crate::remoting::FLAG_ONEWAY;
        let code = request.code;
        let (tx, rx) = oneshot::channel();
        conn.pending.insert(opaque, tx);
        if conn.tx.send(request).await.is_err() {
            conn.pending.remove(&opaque);
            self.forget(addr, &conn);
            return Err(ClientError::Closed(addr.to_owned()));
        }
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(_)) => {
                self.forget(addr, &conn);
                Err(ClientError::Closed(addr.to_owned()))
            }
            Err(_) => {
                conn.pending.remove(&opaque);
                conn.close();
                self.forget(addr, &conn);
                Err(ClientError::Timeout { addr: addr.to_owned(), code, millis: timeout.as_millis() })
            }
        }
    }

    /// Sends `request` to `addr` as a oneway request (no response expected).
    pub async fn invoke_oneway(&self, addr: &str, mut request: RemotingCommand) -> Result<(), ClientError> {
        let conn = self.connection(addr).await?;
        request.opaque = next_opaque();
        request.mark_oneway();
        if conn.tx.send(request).await.is_err() {
            self.forget(addr, &conn);
            return Err(ClientError::Closed(addr.to_owned()));
        }
        Ok(())
    }

    /// Closes the connection to `addr`, if any.
    pub fn close(&self, addr: &str) {
        if let Some(conn) = self.conns.lock().remove(addr) {
            conn.close();
        }
    }

    /// Closes every connection.
    pub fn close_all(&self) {
        for (_, conn) in self.conns.lock().drain() {
            conn.close();
        }
    }

    fn forget(&self, addr: &str, conn: &Arc<ClientConn>) {
        let mut conns = self.conns.lock();
        if conns.get(addr).is_some_and(|c| Arc::ptr_eq(c, conn)) {
            conns.remove(addr);
        }
    }

    async fn connection(&self, addr: &str) -> Result<Arc<ClientConn>, ClientError> {
        if let Some(conn) = self.conns.lock().get(addr) {
            if !conn.closed.is_cancelled() {
                return Ok(conn.clone());
            }
        }
        let stream = match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Err(ClientError::Connect { addr: addr.to_owned(), reason: e.to_string() }),
            Err(_) => return Err(ClientError::Connect { addr: addr.to_owned(), reason: "timed out".into() }),
        };
        let _ = stream.set_nodelay(true);
        let conn = Arc::new(spawn_connection(stream));
        let mut conns = self.conns.lock();
        // Another task may have connected meanwhile: keep one.
        if let Some(existing) = conns.get(addr) {
            if !existing.closed.is_cancelled() {
                conn.close();
                return Ok(existing.clone());
            }
        }
        conns.insert(addr.to_owned(), conn.clone());
        Ok(conn)
    }
}

impl Drop for RemotingClient {
    fn drop(&mut self) {
        self.close_all();
    }
}

/// The writer appends queued requests to one buffer up to about this many bytes before writing it.
const COALESCE_BYTES: usize = 64 * 1024;

/// Appends `cmd`'s frame to `buf`; a command that cannot be encoded (too large) is logged and dropped, its
/// caller then times out as in Java.
fn encode_request(cmd: &RemotingCommand, buf: &mut BytesMut) {
    if let Err(e) = frame::encode(cmd, buf) {
        tracing::error!(code = cmd.code, "cannot encode request: {e}");
    }
}

fn spawn_connection(stream: TcpStream) -> ClientConn {
    let (read_half, mut write_half) = stream.into_split();
    let (tx, mut rx) = mpsc::channel::<RemotingCommand>(1024);
    let pending: Arc<DashMap<i32, oneshot::Sender<RemotingCommand>>> = Arc::new(DashMap::new());
    let closed = tokio_util::sync::CancellationToken::new();

    let reader_pending = pending.clone();
    let reader_closed = closed.clone();
    tokio::spawn(async move {
        let mut frames = FramedRead::new(read_half, RemotingCodec);
        loop {
            let next = tokio::select! {
                _ = reader_closed.cancelled() => break,
                next = frames.next() => next,
            };
            match next {
                Some(Ok(cmd)) if cmd.is_response() => {
                    if let Some((_, waiter)) = reader_pending.remove(&cmd.opaque) {
                        let _ = waiter.send(cmd);
                    }
                }
                Some(Ok(cmd)) => tracing::debug!(code = cmd.code, "ignoring request from server"),
                Some(Err(e)) => {
                    tracing::warn!("client connection closed: {e}");
                    break;
                }
                None => break,
            }
        }
        reader_closed.cancel();
        // Dropping the senders wakes every waiter with "closed".
        reader_pending.clear();
    });

    let writer_closed = closed.clone();
    tokio::spawn(async move {
        let mut buf = BytesMut::with_capacity(4096);
        loop {
            let cmd = tokio::select! {
                _ = writer_closed.cancelled() => break,
                cmd = rx.recv() => match cmd {
                    Some(cmd) => cmd,
                    None => break,
                },
            };
            buf.clear();
            encode_request(&cmd, &mut buf);
            // Pipelined requests already queued go out in the same write (one syscall for many frames).
            while buf.len() < COALESCE_BYTES {
                match rx.try_recv() {
                    Ok(cmd) => encode_request(&cmd, &mut buf),
                    Err(_) => break,
                }
            }
            if buf.is_empty() {
                continue;
            }
            if write_half.write_all(&buf).await.is_err() {
                break;
            }
            if buf.capacity() > 4 * COALESCE_BYTES {
                buf = BytesMut::with_capacity(4096);
            }
        }
        writer_closed.cancel();
        let _ = write_half.shutdown().await;
    });

    ClientConn { tx, pending, closed }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use futures::SinkExt;
    use tokio::net::TcpListener;
    use tokio_util::codec::Framed;

    use super::*;
    use crate::remoting::SerializeType;

    /// A peer that answers every request with its code as the response code and its serialize type in the remark.
    async fn echo_server() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let mut framed = Framed::new(stream, RemotingCodec);
            while let Some(Ok(req)) = framed.next().await {
                let resp = req.response(req.code).with_remark(req.serialize_type.name());
                framed.send(resp).await.unwrap();
            }
        });
        addr
    }

    #[tokio::test]
    async fn pipelined_requests_are_all_answered_in_their_serialize_type() {
        let addr = echo_server().await;
        let client = Arc::new(RemotingClient::new());
        // One connection first (concurrent first calls would each dial), then 500 calls pipelined on it.
        client.invoke(&addr, RemotingCommand::request(1), Duration::from_secs(5)).await.unwrap();
        let mut calls = futures::stream::FuturesUnordered::new();
        for i in 0..500 {
            let client = client.clone();
            let addr = addr.clone();
            calls.push(async move {
                let mut req = RemotingCommand::request(1000 + i).with_body(vec![7u8; 100 + i as usize * 10]);
                req.serialize_type = if i % 2 == 0 { SerializeType::RocketMq } else { SerializeType::Json };
                let expected = req.serialize_type.name();
                let resp = client.invoke(&addr, req, Duration::from_secs(5)).await.unwrap();
                assert_eq!(resp.code, 1000 + i);
                assert_eq!(resp.remark.as_deref(), Some(expected));
            });
        }
        let mut answered = 0;
        while calls.next().await.is_some() {
            answered += 1;
        }
        assert_eq!(answered, 500);
    }
}
