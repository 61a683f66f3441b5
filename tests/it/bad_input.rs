//! Bad bytes close only their own connection; the server never panics and other clients carry on.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use thruster::net::{Connection, RequestHandler, Server, Shutdown};
use thruster::remoting::{RemotingCommand, ResponseCode, SerializeType};
use tokio::io::AsyncWriteExt;

use crate::support::RawConn;

/// Answers every request with SUCCESS and echoes the body; code 999 sleeps first.
struct Echo;

impl RequestHandler for Echo {
    async fn handle(&self, conn: &Connection, req: RemotingCommand) -> Option<RemotingCommand> {
        if req.code == 999 {
            tokio::time::sleep(Duration::from_millis(1500)).await;
        }
        if req.code == 998 {
            conn.close();
        }
        let mut resp = req.response(ResponseCode::SUCCESS);
        resp.body = req.body.clone();
        Some(resp)
    }
}

async fn echo_server() -> (Server, Shutdown) {
    let shutdown = Shutdown::new();
    let server =
        Server::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap(), Arc::new(Echo), shutdown.clone()).await.unwrap();
    (server, shutdown)
}

fn bad_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let mut v: Vec<(&'static str, Vec<u8>)> = vec![
        ("negative length", vec![0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 0, 0]),
        ("oversized length", vec![0x7F, 0xFF, 0xFF, 0xFF]),
        ("16 MiB + 1", ((16 * 1024 * 1024 - 3) as u32).to_be_bytes().to_vec()),
        ("length below header word", vec![0, 0, 0, 2, 0, 0]),
        ("header beyond frame", vec![0, 0, 0, 8, 0, 0, 0, 100, b'{', b'}', 0, 0]),
        ("unknown serialize type", vec![0, 0, 0, 6, 5, 0, 0, 2, b'{', b'}']),
        ("broken JSON", b"\0\0\0\x0a\0\0\0\x06{\"code".to_vec()),
        ("truncated binary header", vec![0, 0, 0, 9, 1, 0, 0, 5, 0, 10, 0, 1, 0]),
        ("binary string longer than header", {
            let mut h = vec![0, 10, 0, 1, 0x99, 0, 0, 0, 1, 0, 0, 0, 0];
            h.extend_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
            let mut f = ((4 + h.len()) as u32).to_be_bytes().to_vec();
            f.extend_from_slice(&((1u32 << 24) | h.len() as u32).to_be_bytes());
            f.extend_from_slice(&h);
            f
        }),
    ];
    v.push(("garbage", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()));
    v
}

#[tokio::test]
async fn bad_frames_close_only_their_connection() {
    let (server, shutdown) = echo_server().await;
    let addr = server.local_addr();
    let mut good = RawConn::connect(addr).await;

    for (name, bytes) in bad_inputs() {
        let mut bad = RawConn::connect(addr).await;
        bad.stream.write_all(&bytes).await.unwrap();
        assert!(bad.is_closed_by_peer().await, "{name}: connection should be closed");

        let mut req = RemotingCommand::request(105).with_body(name.as_bytes().to_vec());
        req.opaque = 7;
        let resp = good.call(&req).await;
        assert_eq!(resp.code, ResponseCode::SUCCESS, "{name}: good client still served");
        assert_eq!(resp.body.as_deref(), Some(name.as_bytes()));
    }
    shutdown.trigger();
}

#[tokio::test]
async fn a_slow_request_does_not_block_the_next_and_responses_mirror_type() {
    let (server, shutdown) = echo_server().await;
    let mut conn = RawConn::connect(server.local_addr()).await;
    let mut slow = RemotingCommand::request(999);
    slow.opaque = 1;
    conn.send(&slow).await;
    let mut fast = RemotingCommand::request(105);
    fast.opaque = 2;
    fast.serialize_type = SerializeType::RocketMq;
    conn.send(&fast).await;
    let first = conn.recv().await.unwrap();
    assert_eq!(first.opaque, 2, "the fast request is answered first");
    assert_eq!(first.serialize_type, SerializeType::RocketMq);
    assert!(first.is_response());
    assert_ne!(first.version, 0);
    let second = conn.recv().await.unwrap();
    assert_eq!(second.opaque, 1);
    shutdown.trigger();
}

#[tokio::test]
async fn oneway_requests_get_no_answer() {
    let (server, shutdown) = echo_server().await;
    let mut conn = RawConn::connect(server.local_addr()).await;
    let mut oneway = RemotingCommand::request(105);
    oneway.opaque = 10;
    oneway.mark_oneway();
    conn.send(&oneway).await;
    let mut sync = RemotingCommand::request(105);
    sync.opaque = 11;
    let resp = conn.call(&sync).await;
    assert_eq!(resp.opaque, 11);
    shutdown.trigger();
}

#[tokio::test]
async fn remoting_client_matches_opaques_and_times_out() {
    let (server, shutdown) = echo_server().await;
    let client = thruster::net::RemotingClient::new();
    let addr = server.local_addr().to_string();
    let calls = (0..20).map(|i| {
        let client = &client;
        let addr = addr.clone();
        async move {
            let req = RemotingCommand::request(105).with_body(format!("m{i}").into_bytes());
            let resp = client.invoke(&addr, req, Duration::from_secs(3)).await.unwrap();
            assert_eq!(resp.body.as_deref(), Some(format!("m{i}").as_bytes()));
        }
    });
    futures::future::join_all(calls).await;
    let err = client.invoke(&addr, RemotingCommand::request(999), Duration::from_millis(200)).await.unwrap_err();
    assert!(matches!(err, thruster::net::ClientError::Timeout { .. }), "{err}");
    client.invoke_oneway(&addr, RemotingCommand::request(105)).await.unwrap();
    let resp = client.invoke(&addr, RemotingCommand::request(105), Duration::from_secs(3)).await.unwrap();
    assert_eq!(resp.code, 0);
    shutdown.trigger();
}

#[tokio::test]
async fn the_server_can_close_a_connection_after_answering() {
    let (server, shutdown) = echo_server().await;
    let mut conn = RawConn::connect(server.local_addr()).await;
    let mut req = RemotingCommand::request(998);
    req.opaque = 5;
    let resp = conn.call(&req).await;
    assert_eq!(resp.opaque, 5, "the request in flight is still answered");
    assert!(conn.is_closed_by_peer().await);
    shutdown.trigger();
}
