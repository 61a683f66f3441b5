//! The SEND path over real TCP: Thruster's NameServer and a broker in-process on 127.0.0.1:0 with a temporary
//! store. SEND_MESSAGE / SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE in JSON and ROCKETMQ headers, auto-creation and
//! route registration, validation errors, CONSUMER_SEND_MSG_BACK to the retry topic and the DLQ, delay-level
//! delivery, VIEW_MESSAGE_BY_ID, QUERY_MESSAGE, SYNC_FLUSH, oneway sends, restart over the same store.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use thruster::broker::BrokerConfig;
use thruster::net::{RemotingClient, Shutdown};
use thruster::protocol::namesrv::GetRouteInfoRequestHeader;
use thruster::protocol::route::TopicRouteData;
use thruster::protocol::send::{
    ConsumerSendMsgBackRequestHeader, QueryMessageRequestHeader, SendMessageRequestHeader, SendMessageRequestHeaderV2,
    SendMessageResponseHeader, ViewMessageRequestHeader,
};
use thruster::remoting::fastjson::from_slice;
use thruster::remoting::{RemotingCommand, RequestCode, ResponseCode, SerializeType};
use thruster::store::commitlog::record::{decode_message, MessageExt};
use thruster::store::message::{decode_message_id, encode_batch_body};

use crate::support::{RawConn, TestBroker, TestNamesrv};

/// Five one-second levels, so delay delivery is quick.
const FAST_LEVELS: &str = "1s 1s 1s 1s 1s";

fn config(namesrv: &str) -> BrokerConfig {
    let mut c = BrokerConfig {
        broker_name: "broker-a".into(),
        broker_ip1: "127.0.0.1".into(),
        broker_ip2: "127.0.0.1".into(),
        namesrv_addr: Some(namesrv.into()),
        ..BrokerConfig::default()
    };
    c.extra.insert("messageDelayLevel".into(), FAST_LEVELS.into());
    c
}

struct Cluster {
    ns: TestNamesrv,
    broker: TestBroker,
    shutdown: Shutdown,
}

impl Cluster {
    async fn start(extra: &[(&str, &str)]) -> Cluster {
        let ns = TestNamesrv::start().await;
        let mut c = config(&ns.addr());
        c.apply_properties(extra.iter().copied());
        let shutdown = Shutdown::new();
        let broker = TestBroker::start(c, &shutdown).await;
        Cluster { ns, broker, shutdown }
    }

    async fn conn(&self) -> RawConn {
        RawConn::connect(self.broker.local_addr()).await
    }

    async fn stop(self) -> tempfile::TempDir {
        self.shutdown.trigger();
        let dir = self.broker.join().await;
        self.ns.stop().await;
        dir
    }
}

fn header(topic: &str, queue_id: i32, props: &str) -> SendMessageRequestHeader {
    SendMessageRequestHeader {
        producer_group: Some("pg".into()),
        topic: Some(topic.into()),
        default_topic: Some("TBW102".into()),
        default_topic_queue_nums: Some(4),
        queue_id: Some(queue_id),
        sys_flag: Some(0),
        born_timestamp: Some(1_700_000_000_000),
        flag: Some(0),
        properties: Some(props.into()),
        reconsume_times: Some(0),
        ..Default::default()
    }
}

/// SEND_MESSAGE (long keys) or SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE (one-letter keys).
fn send_request(h: SendMessageRequestHeader, body: &[u8], v2: bool, st: SerializeType, opaque: i32) -> RemotingCommand {
    let mut req = if v2 {
        let code = if h.batch { RequestCode::SEND_BATCH_MESSAGE } else { RequestCode::SEND_MESSAGE_V2 };
        RemotingCommand::request(code).with_header(&SendMessageRequestHeaderV2::from_v1(h))
    } else {
        RemotingCommand::request(RequestCode::SEND_MESSAGE).with_header(&h)
    };
    req = req.with_body(body.to_vec());
    req.serialize_type = st;
    req.opaque = opaque;
    req
}

async fn view(conn: &mut RawConn, offset: i64, opaque: i32) -> RemotingCommand {
    let mut req = RemotingCommand::request(RequestCode::VIEW_MESSAGE_BY_ID)
        .with_header(&ViewMessageRequestHeader { topic: None, offset: Some(offset) });
    req.opaque = opaque;
    conn.call(&req).await
}

/// The stored record behind a SEND response, read back with VIEW_MESSAGE_BY_ID.
async fn stored(conn: &mut RawConn, resp: &RemotingCommand) -> MessageExt {
    let h: SendMessageResponseHeader = resp.decode_header();
    let (_, offset) = decode_message_id(h.msg_id.as_deref().unwrap()).unwrap();
    let viewed = view(conn, offset, 9000 + resp.opaque).await;
    assert_eq!(viewed.code, ResponseCode::SUCCESS);
    decode_message(viewed.body.as_ref().unwrap()).unwrap()
}

async fn route(ns: &str, topic: &str) -> Option<TopicRouteData> {
    let header = GetRouteInfoRequestHeader { topic: Some(topic.into()), ..Default::default() };
    let req = RemotingCommand::request(RequestCode::GET_ROUTEINFO_BY_TOPIC).with_header(&header);
    let resp = RemotingClient::new().invoke(ns, req, Duration::from_secs(3)).await.unwrap();
    (resp.code == ResponseCode::SUCCESS).then(|| from_slice(&resp.body.unwrap()).unwrap())
}

async fn wait_for_route(ns: &str, topic: &str) -> TopicRouteData {
    for _ in 0..250 {
        if let Some(r) = route(ns, topic).await {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no route for {topic}");
}

#[tokio::test]
async fn sends_in_both_header_forms_and_auto_creates_with_a_route() {
    let c = Cluster::start(&[]).await;
    let mut conn = c.conn().await;
    let mut opaque = 0;
    for (v2, st) in [
        (false, SerializeType::Json),
        (true, SerializeType::Json),
        (false, SerializeType::RocketMq),
        (true, SerializeType::RocketMq),
    ] {
        opaque += 1;
        let req = send_request(header("AutoTopic", 1, "TAGS\u{1}A\u{2}UNIQ_KEY\u{1}ID1\u{2}"), b"body", v2, st, opaque);
        let resp = conn.call(&req).await;
        assert_eq!(resp.code, ResponseCode::SUCCESS, "{:?}", resp.remark);
        assert_eq!(resp.serialize_type, st, "the response mirrors the request's header form");
        assert_eq!(resp.ext("MSG_REGION"), Some("DefaultRegion"));
        let h: SendMessageResponseHeader = resp.decode_header();
        assert_eq!((h.queue_id, h.queue_offset), (Some(1), Some(i64::from(opaque) - 1)));
        assert_eq!(h.transaction_id.as_deref(), Some("ID1"));
        let (host, _) = decode_message_id(h.msg_id.as_deref().unwrap()).unwrap();
        assert_eq!(host, c.broker.local_addr(), "store host = brokerIP1:listenPort");
        let m = stored(&mut conn, &resp).await;
        assert_eq!((m.topic.as_str(), m.queue_id, &m.body[..]), ("AutoTopic", 1, &b"body"[..]));
        assert_eq!(m.born_host.ip(), conn.stream.local_addr().unwrap().ip());
    }
    // Auto-created from TBW102 with min(4, 8) queues, registered with the NameServer at once.
    let r = wait_for_route(&c.ns.addr(), "AutoTopic").await;
    assert_eq!(r.queue_datas.len(), 1);
    assert_eq!((r.queue_datas[0].read_queue_nums, r.queue_datas[0].write_queue_nums), (4, 4));

    // Batch in both forms.
    let body = encode_batch_body([(0, &b"a"[..], "UNIQ_KEY\u{1}B1\u{2}"), (0, &b"b"[..], "UNIQ_KEY\u{1}B2\u{2}")]);
    for st in [SerializeType::Json, SerializeType::RocketMq] {
        opaque += 1;
        let mut h = header("AutoTopic", 2, "WAIT\u{1}true\u{2}");
        h.batch = true;
        let resp = conn.call(&send_request(h, &body, true, st, opaque)).await;
        assert_eq!(resp.code, ResponseCode::SUCCESS, "{:?}", resp.remark);
        let h: SendMessageResponseHeader = resp.decode_header();
        assert_eq!(h.msg_id.unwrap().split(',').count(), 2);
    }
    c.stop().await;
}

#[tokio::test]
async fn validation_errors_over_the_wire() {
    let c = Cluster::start(&[("maxMessageSize", "1000")]).await;
    let mut conn = c.conn().await;
    let cases: [(SendMessageRequestHeader, usize, i32, i32, &str); 4] = [
        (header("bad/topic", 0, ""), 1, 479, ResponseCode::INVALID_PARAMETER, "The specified topic contains illegal"),
        (header("bad/topic", 0, ""), 1, 409, ResponseCode::SYSTEM_ERROR, "The specified topic contains illegal"),
        (
            header("SELF_TEST_TOPIC", 0, ""),
            1,
            479,
            ResponseCode::NO_PERMISSION,
            "Sending message to topic[SELF_TEST_TOPIC]",
        ),
        (header("Sized", 0, ""), 2000, 479, ResponseCode::MESSAGE_ILLEGAL, "the message is illegal"),
    ];
    for (i, (h, body_len, version, code, remark)) in cases.into_iter().enumerate() {
        let mut req = send_request(h, &vec![1u8; body_len], true, SerializeType::Json, i as i32 + 1);
        req.version = version;
        let resp = conn.call(&req).await;
        assert_eq!(resp.code, code, "case {i}: {:?}", resp.remark);
        assert!(resp.remark.as_deref().unwrap().starts_with(remark), "case {i}: {:?}", resp.remark);
    }
    // The topic now exists with 4 queues: queue 4 is out of range.
    let mut ok = send_request(header("Sized", 3, ""), b"x", true, SerializeType::Json, 10);
    ok.version = 479;
    assert_eq!(conn.call(&ok).await.code, ResponseCode::SUCCESS);
    let mut bad = send_request(header("Sized", 4, ""), b"x", true, SerializeType::Json, 11);
    bad.version = 479;
    let resp = conn.call(&bad).await;
    assert_eq!(resp.code, ResponseCode::INVALID_PARAMETER);
    assert!(resp.remark.unwrap().starts_with("request queueId[4] is illegal, TopicConfig [topicName=Sized"));
    c.stop().await;
}

fn send_back(offset: i64, group: &str, opaque: i32) -> RemotingCommand {
    let h = ConsumerSendMsgBackRequestHeader {
        offset: Some(offset),
        group: Some(group.into()),
        delay_level: Some(0),
        origin_msg_id: None,
        origin_topic: Some("Orders".into()),
        unit_mode: false,
        max_reconsume_times: Some(1),
    };
    let mut req = RemotingCommand::request(RequestCode::CONSUMER_SEND_MSG_BACK).with_header(&h);
    req.opaque = opaque;
    req
}

/// Polls the broker's store until `topic`/`queue_id` holds `n` messages (≤ 10 s); returns the last one.
async fn wait_for_messages(c: &Cluster, topic: &str, queue_id: i32, n: i64) -> MessageExt {
    let store = c.broker.broker().store();
    for _ in 0..500 {
        if let Some(cq) = store.consume_queues().find(topic, queue_id) {
            if cq.max_offset_in_queue() >= n {
                let e = cq.entry(n - 1).unwrap();
                return store.look_message_by_offset(e.phy_offset).unwrap();
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{topic}/{queue_id} never held {n} messages");
}

#[tokio::test]
async fn send_back_to_retry_then_dlq_and_delay_delivery() {
    let c = Cluster::start(&[]).await;
    let mut conn = c.conn().await;
    let resp =
        conn.call(&send_request(header("Orders", 0, "TAGS\u{1}A\u{2}"), b"m", true, SerializeType::Json, 1)).await;
    let original = stored(&mut conn, &resp).await;

    // First send-back: %RETRY%cg (registered with the NameServer), parked at level 3 (of 5 one-second levels)…
    let resp = conn.call(&send_back(original.commit_log_offset, "cg", 2)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS, "{:?}", resp.remark);
    wait_for_route(&c.ns.addr(), "%RETRY%cg").await;
    // …then delivered to the retry topic by the schedule service about a second later.
    let retried = wait_for_messages(&c, "%RETRY%cg", 0, 1).await;
    assert_eq!(retried.reconsume_times, 1);
    assert_eq!(retried.property("RETRY_TOPIC"), Some("Orders"));
    assert_eq!(retried.property("DELAY"), Some("3"), "Java keeps DELAY in the delivered properties");
    assert_eq!(retried.property("ORIGIN_MESSAGE_ID"), Some(original.msg_id().as_str()));
    assert_eq!(&retried.body[..], b"m");

    // Second send-back of the retried copy: reconsumeTimes 1 ≥ max 1 → %DLQ%cg, no delay.
    let resp = conn.call(&send_back(retried.commit_log_offset, "cg", 3)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    let dead = wait_for_messages(&c, "%DLQ%cg", 0, 1).await;
    assert_eq!(dead.reconsume_times, 2);
    wait_for_route(&c.ns.addr(), "%DLQ%cg").await;

    // A plain delayed SEND is delivered to its real topic and queue.
    let resp =
        conn.call(&send_request(header("Later", 2, "DELAY\u{1}1\u{2}"), b"d", true, SerializeType::Json, 4)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    let h: SendMessageResponseHeader = resp.decode_header();
    assert_eq!(h.queue_id, Some(2));
    let delivered = wait_for_messages(&c, "Later", 2, 1).await;
    assert_eq!(delivered.property("REAL_TOPIC"), Some("Later"));
    assert_eq!(c.broker.broker().delay_offsets().offset(1), Some(1));

    let dir = c.stop().await;
    let delay = std::fs::read_to_string(dir.path().join("config/delayOffset.json")).unwrap();
    assert!(delay.contains("1:1") && delay.contains("3:1"), "{delay}");
    assert!(!dir.path().join("abort").exists(), "a clean shutdown deletes abort");
}

#[tokio::test]
async fn view_and_query_over_the_wire() {
    let c = Cluster::start(&[]).await;
    let mut conn = c.conn().await;
    let resp = conn
        .call(&send_request(
            header("Q", 0, "KEYS\u{1}k-1\u{2}UNIQ_KEY\u{1}UQ\u{2}"),
            b"q",
            true,
            SerializeType::Json,
            1,
        ))
        .await;
    let m = stored(&mut conn, &resp).await;
    assert_eq!(m.property("KEYS"), Some("k-1"));
    let store = c.broker.broker().store();
    for _ in 0..500 {
        if store.dispatch_behind_bytes() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for (opaque, key) in [(2, "k-1"), (3, "UQ")] {
        let mut req = RemotingCommand::request(RequestCode::QUERY_MESSAGE).with_header(&QueryMessageRequestHeader {
            topic: Some("Q".into()),
            key: Some(key.into()),
            max_num: Some(32),
            begin_timestamp: Some(0),
            end_timestamp: Some(i64::MAX),
        });
        req.opaque = opaque;
        let mut ext = req.ext_fields.take().unwrap();
        ext.insert("_UNIQUE_KEY_QUERY", (key == "UQ").to_string());
        req.ext_fields = Some(ext);
        let resp = conn.call(&req).await;
        assert_eq!(resp.code, ResponseCode::SUCCESS);
        let found = decode_message(resp.body.as_ref().unwrap()).unwrap();
        assert_eq!(found.commit_log_offset, m.commit_log_offset);
    }
    let resp = view(&mut conn, 1 << 40, 4).await;
    assert_eq!(resp.code, ResponseCode::SYSTEM_ERROR);
    c.stop().await;
}

#[tokio::test]
async fn sync_flush_answers_once_on_disk_and_oneway_sends_are_stored() {
    let c = Cluster::start(&[("flushDiskType", "SYNC_FLUSH")]).await;
    let mut conn = c.conn().await;
    let resp =
        conn.call(&send_request(header("Synced", 0, "WAIT\u{1}true\u{2}"), b"s", true, SerializeType::Json, 1)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    let h: SendMessageResponseHeader = resp.decode_header();
    let (_, offset) = decode_message_id(h.msg_id.as_deref().unwrap()).unwrap();
    let store = c.broker.broker().store();
    assert!(store.commit_log().flushed_where() > offset, "answered only after the flush");

    let mut oneway = send_request(header("Synced", 0, ""), b"o", true, SerializeType::Json, 2);
    oneway.mark_oneway();
    conn.send(&oneway).await;
    let resp = conn.call(&send_request(header("Synced", 0, ""), b"n", true, SerializeType::Json, 3)).await;
    assert_eq!(resp.opaque, 3, "the oneway send got no answer");
    let h: SendMessageResponseHeader = resp.decode_header();
    assert_eq!(h.queue_offset, Some(2), "the oneway message was stored in between");
    c.stop().await;
}

#[tokio::test]
async fn restart_keeps_topics_and_messages() {
    let c = Cluster::start(&[]).await;
    let mut conn = c.conn().await;
    let resp = conn.call(&send_request(header("Durable", 0, ""), b"1", true, SerializeType::Json, 1)).await;
    let first = stored(&mut conn, &resp).await;
    let ns = c.ns;
    c.shutdown.trigger();
    let dir = c.broker.join().await;
    let topics = std::fs::read_to_string(dir.path().join("config/topics.json")).unwrap();
    assert!(topics.contains("\"Durable\""));

    let shutdown = Shutdown::new();
    let broker = TestBroker::start_in(config(&ns.addr()), &shutdown, dir).await;
    assert!(broker.broker().topics().select_topic_config("Durable").is_some());
    let mut conn = RawConn::connect(broker.local_addr()).await;
    let again = view(&mut conn, first.commit_log_offset, 2).await;
    assert_eq!(again.code, ResponseCode::SUCCESS);
    let resp = conn.call(&send_request(header("Durable", 0, ""), b"2", true, SerializeType::Json, 3)).await;
    let h: SendMessageResponseHeader = resp.decode_header();
    assert_eq!(h.queue_offset, Some(1), "queue offsets continue after the restart");
    shutdown.trigger();
    broker.join().await;
    ns.stop().await;
}
