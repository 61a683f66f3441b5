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

/// Thruster's NameServer on a free port of 127.0.0.1, KV config in a temporary directory.
pub(crate) struct TestNamesrv {
    pub(crate) handle: thruster::namesrv::NamesrvHandle,
    shutdown: thruster::net::Shutdown,
    _dir: tempfile::TempDir,
}

impl TestNamesrv {
    pub(crate) async fn start() -> TestNamesrv {
        let dir = tempfile::tempdir().unwrap();
        let config = thruster::namesrv::NamesrvConfig {
            kv_config_path: dir.path().join("kvConfig.json").display().to_string(),
            config_store_path: dir.path().join("namesrv.properties").display().to_string(),
            ..Default::default()
        };
        let shutdown = thruster::net::Shutdown::new();
        let handle = thruster::namesrv::start_on(config, local(), shutdown.clone()).await.unwrap();
        TestNamesrv { handle, shutdown, _dir: dir }
    }

    pub(crate) fn addr(&self) -> String {
        self.handle.local_addr().to_string()
    }

    pub(crate) async fn stop(self) {
        self.shutdown.trigger();
        tokio::time::timeout(Duration::from_secs(10), self.handle.join()).await.unwrap();
    }
}

/// `127.0.0.1:0`.
pub(crate) fn local() -> std::net::SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// A broker on free ports of 127.0.0.1 over a store in a temporary directory (small commit-log files).
pub(crate) struct TestBroker {
    pub(crate) handle: thruster::broker::BrokerHandle,
    pub(crate) dir: tempfile::TempDir,
}

impl TestBroker {
    /// Starts a broker for `config` with its store in a fresh temporary directory.
    pub(crate) async fn start(
        config: thruster::broker::BrokerConfig,
        shutdown: &thruster::net::Shutdown,
    ) -> TestBroker {
        let dir = tempfile::tempdir().unwrap();
        TestBroker::start_in(config, shutdown, dir).await
    }

    /// Starts a broker for `config` with its store in `dir` (e.g. to restart over the same store).
    pub(crate) async fn start_in(
        mut config: thruster::broker::BrokerConfig,
        shutdown: &thruster::net::Shutdown,
        dir: tempfile::TempDir,
    ) -> TestBroker {
        config.store_path_root_dir = dir.path().display().to_string();
        config.extra.entry("mappedFileSizeCommitLog".into()).or_insert_with(|| (4 << 20).to_string());
        config.extra.entry("mappedFileSizeConsumeQueue".into()).or_insert_with(|| (1000 * 20).to_string());
        let handle = thruster::broker::start_on(config, local(), local(), shutdown.clone()).await.unwrap();
        TestBroker { handle, dir }
    }

    /// Waits (≤ 10 s) for the broker to stop after its shutdown signal; returns the store directory.
    pub(crate) async fn join(self) -> tempfile::TempDir {
        tokio::time::timeout(Duration::from_secs(10), self.handle.join()).await.unwrap();
        self.dir
    }
}

impl std::ops::Deref for TestBroker {
    type Target = thruster::broker::BrokerHandle;

    fn deref(&self) -> &thruster::broker::BrokerHandle {
        &self.handle
    }
}
