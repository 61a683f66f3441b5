//! Shared helpers for the integration tests.

use std::time::Duration;

use bytes::BytesMut;
use thruster::remoting::{frame, RemotingCommand};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A raw connection that speaks frames, for tests that also need to send bad bytes.
pub(crate) struct RawConn {
    pub(crate) stream: TcpStream,
    buf: BytesMut,
}

impl RawConn {
    pub(crate) async fn connect(addr: std::net::SocketAddr) -> RawConn {
        RawConn { stream: TcpStream::connect(addr).await.unwrap(), buf: BytesMut::new() }
    }

    pub(crate) async fn send(&mut self, cmd: &RemotingCommand) {
        let bytes = frame::encode_to_bytes(cmd).unwrap();
        self.stream.write_all(&bytes).await.unwrap();
    }

    /// Reads one frame, `None` on EOF or after 5 s.
    pub(crate) async fn recv(&mut self) -> Option<RemotingCommand> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            if let Ok(Some(cmd)) = frame::decode(&mut self.buf) {
                return Some(cmd);
            }
            let read = tokio::time::timeout_at(deadline, self.stream.read_buf(&mut self.buf)).await;
            match read {
                Ok(Ok(n)) if n > 0 => {}
                _ => return None,
            }
        }
    }

    /// Sends `cmd` and waits for the response with its opaque.
    pub(crate) async fn call(&mut self, cmd: &RemotingCommand) -> RemotingCommand {
        self.send(cmd).await;
        loop {
            let got = self.recv().await.expect("response");
            if got.opaque == cmd.opaque && got.is_response() {
                return got;
            }
        }
    }

    /// True when the server closed the connection (EOF within 5 s).
    pub(crate) async fn is_closed_by_peer(&mut self) -> bool {
        let mut scratch = [0u8; 1024];
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            match tokio::time::timeout_at(deadline, self.stream.read(&mut scratch)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => continue,
                Err(_) => return false,
            }
        }
    }
}
