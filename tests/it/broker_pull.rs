//! The PULL path over real TCP: Thruster's NameServer and a broker in-process on 127.0.0.1:0 with a temporary
//! store. Messages go in through SEND_MESSAGE; PULL_MESSAGE with tag filters and every "nothing to return"
//! code, long polling woken by a send and timing out, commit offsets via the pull flag and
//! UPDATE_CONSUMER_OFFSET (also across a restart), the queue-offset requests, batch locks, QUERY_ASSIGNMENT.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use bytes::Bytes;
use thruster::broker::BrokerConfig;
use thruster::net::Shutdown;
use thruster::protocol::pull::{
    pull_sys_flag, GetEarliestMsgStoretimeResponseHeader, LockBatchRequestBody, LockBatchResponseBody, MessageQueue,
    OffsetResponseHeader, PullMessageRequestHeader, PullMessageResponseHeader, QueryAssignmentRequestBody,
    QueryAssignmentResponseBody, QueryConsumerOffsetRequestHeader, QueueRequestHeader, SearchOffsetRequestHeader,
    UpdateConsumerOffsetRequestHeader,
};
use thruster::protocol::send::SendMessageRequestHeader;
use thruster::remoting::fastjson::{from_slice, to_vec_plain};
use thruster::remoting::{RemotingCommand, RequestCode, ResponseCode};
use thruster::store::commitlog::record::{decode_message, MessageExt};

use crate::support::{RawConn, TestBroker, TestNamesrv};

fn config(namesrv: &str) -> BrokerConfig {
    BrokerConfig {
        broker_name: "broker-a".into(),
        broker_ip1: "127.0.0.1".into(),
        broker_ip2: "127.0.0.1".into(),
        namesrv_addr: Some(namesrv.into()),
        ..BrokerConfig::default()
    }
}

struct Cluster {
    ns: TestNamesrv,
    broker: TestBroker,
    shutdown: Shutdown,
}

impl Cluster {
    async fn start(extra: &[(&str, &str)]) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        Cluster::start_in(extra, dir).await
    }

    async fn start_in(extra: &[(&str, &str)], dir: tempfile::TempDir) -> Cluster {
        let ns = TestNamesrv::start().await;
        let mut c = config(&ns.addr());
        c.apply_properties(extra.iter().copied());
        let shutdown = Shutdown::new();
        let broker = TestBroker::start_in(c, &shutdown, dir).await;
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

fn with_opaque(mut req: RemotingCommand, opaque: i32) -> RemotingCommand {
    req.opaque = opaque;
    req
}

async fn send(conn: &mut RawConn, topic: &str, queue_id: i32, tag: &str, opaque: i32) {
    let h = SendMessageRequestHeader {
        producer_group: Some("pg".into()),
        topic: Some(topic.into()),
        default_topic: Some("TBW102".into()),
        default_topic_queue_nums: Some(4),
        queue_id: Some(queue_id),
        sys_flag: Some(0),
        born_timestamp: Some(1_700_000_000_000),
        flag: Some(0),
        properties: Some(format!("TAGS\u{1}{tag}\u{2}")),
        reconsume_times: Some(0),
        ..Default::default()
    };
    let req = RemotingCommand::request(RequestCode::SEND_MESSAGE).with_header(&h).with_body(tag.as_bytes().to_vec());
    let resp = conn.call(&with_opaque(req, opaque)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS, "{:?}", resp.remark);
}

fn queue(code: i32, topic: &str, queue_id: i32) -> RemotingCommand {
    RemotingCommand::request(code).with_header(&QueueRequestHeader {
        topic: Some(topic.into()),
        queue_id: Some(queue_id),
        committed: None,
    })
}

async fn offset_of(conn: &mut RawConn, req: RemotingCommand, opaque: i32) -> (i32, Option<i64>) {
    let resp = conn.call(&with_opaque(req, opaque)).await;
    (resp.code, resp.decode_header::<OffsetResponseHeader>().offset)
}

/// Waits until the reput thread has dispatched `(topic, queue)` up to `max`.
async fn wait_max(conn: &mut RawConn, topic: &str, queue_id: i32, max: i64) {
    for i in 0..500 {
        if offset_of(conn, queue(RequestCode::GET_MAX_OFFSET, topic, queue_id), 50_000 + i).await.1 == Some(max) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{topic}:{queue_id} never reached {max}");
}

fn pull_req(
    group: &str,
    topic: &str,
    queue_id: i32,
    offset: i64,
    sys_flag: i32,
    sub: &str,
) -> PullMessageRequestHeader {
    PullMessageRequestHeader {
        consumer_group: Some(group.into()),
        topic: Some(topic.into()),
        queue_id: Some(queue_id),
        queue_offset: Some(offset),
        max_msg_nums: Some(32),
        sys_flag: Some(sys_flag),
        commit_offset: Some(0),
        suspend_timeout_millis: Some(15_000),
        subscription: Some(sub.into()),
        sub_version: Some(0),
        expression_type: Some("TAG".into()),
        ..Default::default()
    }
}

async fn pull(conn: &mut RawConn, h: &PullMessageRequestHeader, opaque: i32) -> RemotingCommand {
    conn.call(&with_opaque(RemotingCommand::request(RequestCode::PULL_MESSAGE).with_header(h), opaque)).await
}

fn records(body: &Option<Bytes>) -> Vec<MessageExt> {
    let mut body = body.clone().unwrap_or_default();
    let mut out = Vec::new();
    while body.len() >= 4 {
        let size = i32::from_be_bytes(body[..4].try_into().unwrap()) as usize;
        out.push(decode_message(&body.split_to(size)).unwrap());
    }
    assert!(body.is_empty());
    out
}

fn offsets(resp: &RemotingCommand) -> (i64, i64, i64, i64) {
    let h: PullMessageResponseHeader = resp.decode_header();
    (h.next_begin_offset.unwrap(), h.min_offset.unwrap(), h.max_offset.unwrap(), h.suggest_which_broker_id.unwrap())
}

const SUB: i32 = pull_sys_flag::SUBSCRIPTION;

#[tokio::test]
async fn pulls_with_tag_filters_and_every_not_found_code() {
    let cluster = Cluster::start(&[]).await;
    let mut conn = cluster.conn().await;
    for (i, tag) in ["TagA", "TagB", "TagA"].iter().enumerate() {
        send(&mut conn, "PullT", 0, tag, i as i32 + 1).await;
    }
    wait_max(&mut conn, "PullT", 0, 3).await;

    let found = pull(&mut conn, &pull_req("g1", "PullT", 0, 0, SUB, "TagA || TagC"), 10).await;
    assert_eq!(found.code, ResponseCode::SUCCESS);
    assert_eq!(found.remark.as_deref(), Some("FOUND"));
    assert_eq!(offsets(&found), (3, 0, 3, 0));
    let msgs = records(&found.body);
    assert_eq!(msgs.iter().map(|m| m.queue_offset).collect::<Vec<_>>(), vec![0, 2]);
    assert_eq!(&msgs[0].body[..], b"TagA");

    let all = pull(&mut conn, &pull_req("g1", "PullT", 0, 1, SUB, "*"), 11).await;
    assert_eq!(records(&all.body).len(), 2);

    let none = pull(&mut conn, &pull_req("g1", "PullT", 0, 0, SUB, "TagZ"), 12).await;
    assert_eq!((none.code, offsets(&none).0), (ResponseCode::PULL_RETRY_IMMEDIATELY, 3));
    assert!(none.body.is_none());

    let at_end = pull(&mut conn, &pull_req("g1", "PullT", 0, 3, SUB, "*"), 13).await;
    assert_eq!((at_end.code, offsets(&at_end)), (ResponseCode::PULL_NOT_FOUND, (3, 0, 3, 0)));
    let beyond = pull(&mut conn, &pull_req("g1", "PullT", 0, 10, SUB, "*"), 14).await;
    assert_eq!((beyond.code, offsets(&beyond).0), (ResponseCode::PULL_OFFSET_MOVED, 3));
    // queue 3 of the topic has no data yet
    let empty = pull(&mut conn, &pull_req("g1", "PullT", 3, 0, SUB, "*"), 15).await;
    assert_eq!((empty.code, offsets(&empty).0), (ResponseCode::PULL_NOT_FOUND, 0));
    let moved = pull(&mut conn, &pull_req("g1", "PullT", 3, 5, SUB, "*"), 16).await;
    assert_eq!((moved.code, offsets(&moved).0), (ResponseCode::PULL_OFFSET_MOVED, 0));

    // validation
    let no_topic = pull(&mut conn, &pull_req("g1", "NoSuchTopic", 0, 0, SUB, "*"), 17).await;
    assert_eq!(no_topic.code, ResponseCode::TOPIC_NOT_EXIST);
    let bad_queue = pull(&mut conn, &pull_req("g1", "PullT", 99, 0, SUB, "*"), 18).await;
    assert_eq!(bad_queue.code, ResponseCode::INVALID_PARAMETER);
    let mut old_client =
        RemotingCommand::request(RequestCode::PULL_MESSAGE).with_header(&pull_req("g1", "PullT", 99, 0, SUB, "*"));
    old_client.version = 409;
    assert_eq!(conn.call(&with_opaque(old_client, 19)).await.code, ResponseCode::SYSTEM_ERROR);
    let no_heartbeat = pull(&mut conn, &pull_req("g1", "PullT", 0, 0, 0, "*"), 20).await;
    assert_eq!(no_heartbeat.code, ResponseCode::SUBSCRIPTION_NOT_EXIST);
    let parse = pull(&mut conn, &pull_req("g1", "PullT", 0, 0, SUB, "||"), 21).await;
    assert_eq!(parse.code, ResponseCode::SUBSCRIPTION_PARSE_FAILED);
    let mut sql = pull_req("g1", "PullT", 0, 0, SUB, "a > 1");
    sql.expression_type = Some("SQL92".into());
    assert_eq!(pull(&mut conn, &sql, 22).await.code, ResponseCode::SYSTEM_ERROR);

    // LITE_PULL_MESSAGE behaves the same on the main port; neither is served on the fast port
    let lite_h = pull_req("g1", "PullT", 0, 0, 22, "TagB");
    let lite = conn
        .call(&with_opaque(RemotingCommand::request(RequestCode::LITE_PULL_MESSAGE).with_header(&lite_h), 23))
        .await;
    assert_eq!((lite.code, records(&lite.body).len()), (ResponseCode::SUCCESS, 1));
    let mut fast = RawConn::connect(cluster.broker.fast_addr()).await;
    let on_fast = pull(&mut fast, &pull_req("g1", "PullT", 0, 0, SUB, "*"), 24).await;
    assert_eq!(on_fast.code, ResponseCode::REQUEST_CODE_NOT_SUPPORTED);
    cluster.stop().await;
}

#[tokio::test]
async fn long_polling_wakes_on_a_matching_send_and_times_out() {
    let cluster = Cluster::start(&[]).await;
    let mut producer = cluster.conn().await;
    send(&mut producer, "LongT", 0, "TagA", 1).await;
    wait_max(&mut producer, "LongT", 0, 1).await;

    let mut consumer = cluster.conn().await;
    let held = pull_req("g2", "LongT", 0, 1, SUB | pull_sys_flag::SUSPEND, "TagA");
    let task = tokio::spawn(async move {
        let resp = pull(&mut consumer, &held, 100).await;
        (resp, Instant::now())
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    send(&mut producer, "LongT", 0, "TagB", 2).await; // does not match: the pull stays held
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!task.is_finished(), "a non-matching message must not answer the held pull");
    let sent = Instant::now();
    send(&mut producer, "LongT", 0, "TagA", 3).await;
    let (resp, answered) = task.await.unwrap();
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    let msgs = records(&resp.body);
    assert_eq!(msgs.iter().map(|m| m.queue_offset).collect::<Vec<_>>(), vec![2]);
    assert_eq!(offsets(&resp).0, 3);
    let latency = answered.duration_since(sent);
    assert!(latency < Duration::from_millis(100), "woken after {latency:?}");

    // nothing arrives: answered PULL_NOT_FOUND once the hold time is over
    let mut timeout_h = pull_req("g2", "LongT", 0, 3, SUB | pull_sys_flag::SUSPEND, "*");
    timeout_h.suspend_timeout_millis = Some(300);
    let started = Instant::now();
    let resp = pull(&mut producer, &timeout_h, 101).await;
    assert_eq!((resp.code, offsets(&resp).0), (ResponseCode::PULL_NOT_FOUND, 3));
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    cluster.stop().await;
}

fn query_offset(group: &str, topic: &str, queue_id: i32) -> RemotingCommand {
    RemotingCommand::request(RequestCode::QUERY_CONSUMER_OFFSET).with_header(&QueryConsumerOffsetRequestHeader {
        consumer_group: Some(group.into()),
        topic: Some(topic.into()),
        queue_id: Some(queue_id),
        set_zero_if_not_found: None,
    })
}

fn update_offset(group: &str, topic: &str, queue_id: i32, offset: i64) -> RemotingCommand {
    RemotingCommand::request(RequestCode::UPDATE_CONSUMER_OFFSET).with_header(&UpdateConsumerOffsetRequestHeader {
        consumer_group: Some(group.into()),
        topic: Some(topic.into()),
        queue_id: Some(queue_id),
        commit_offset: Some(offset),
    })
}

#[tokio::test]
async fn consumer_offsets_via_pull_flag_and_update_survive_a_restart() {
    let cluster = Cluster::start(&[]).await;
    let mut conn = cluster.conn().await;
    for i in 0..3 {
        send(&mut conn, "OffT", 1, "T", i + 1).await;
    }
    wait_max(&mut conn, "OffT", 1, 3).await;

    // a young queue answers 0 for an unknown group; a queue without data answers QUERY_NOT_FOUND
    assert_eq!(offset_of(&mut conn, query_offset("fresh", "OffT", 1), 10).await, (ResponseCode::SUCCESS, Some(0)));
    assert_eq!(offset_of(&mut conn, query_offset("fresh", "OffT", 2), 11).await.0, ResponseCode::QUERY_NOT_FOUND);
    // 5.3.3: an unknown group cannot be updated
    let unknown = conn.call(&with_opaque(update_offset("nobody", "OffT", 1, 1), 12)).await;
    assert_eq!(unknown.code, ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST);

    let mut h = pull_req("g3", "OffT", 1, 0, SUB | pull_sys_flag::COMMIT_OFFSET, "*");
    h.commit_offset = Some(2);
    assert_eq!(pull(&mut conn, &h, 13).await.code, ResponseCode::SUCCESS);
    assert_eq!(offset_of(&mut conn, query_offset("g3", "OffT", 1), 14).await, (ResponseCode::SUCCESS, Some(2)));

    let updated = conn.call(&with_opaque(update_offset("g3", "OffT", 1, 3), 15)).await;
    assert_eq!(updated.code, ResponseCode::SUCCESS);
    assert_eq!(offset_of(&mut conn, query_offset("g3", "OffT", 1), 16).await, (ResponseCode::SUCCESS, Some(3)));
    // oneway updates are applied and not answered
    let mut oneway = with_opaque(update_offset("g3", "OffT", 0, 7), 17);
    oneway.mark_oneway();
    conn.send(&oneway).await;
    assert_eq!(offset_of(&mut conn, query_offset("g3", "OffT", 0), 18).await, (ResponseCode::SUCCESS, Some(7)));

    let dir = cluster.stop().await;
    let json = std::fs::read_to_string(dir.path().join("config/consumerOffset.json")).unwrap();
    assert!(json.contains("OffT@g3"), "{json}");
    let cluster = Cluster::start_in(&[], dir).await;
    let mut conn = cluster.conn().await;
    assert_eq!(offset_of(&mut conn, query_offset("g3", "OffT", 1), 19).await, (ResponseCode::SUCCESS, Some(3)));
    assert_eq!(offset_of(&mut conn, query_offset("g3", "OffT", 0), 20).await, (ResponseCode::SUCCESS, Some(7)));
    cluster.stop().await;
}

#[tokio::test]
async fn queue_offsets_store_times_and_search() {
    let cluster = Cluster::start(&[]).await;
    let mut conn = cluster.conn().await;
    for i in 0..3 {
        send(&mut conn, "TimeT", 0, "T", i + 1).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    wait_max(&mut conn, "TimeT", 0, 3).await;
    assert_eq!(offset_of(&mut conn, queue(RequestCode::GET_MAX_OFFSET, "TimeT", 0), 10).await.1, Some(3));
    assert_eq!(offset_of(&mut conn, queue(RequestCode::GET_MIN_OFFSET, "TimeT", 0), 11).await.1, Some(0));
    assert_eq!(offset_of(&mut conn, queue(RequestCode::GET_MAX_OFFSET, "Nope", 0), 12).await.1, Some(0));
    assert_eq!(offset_of(&mut conn, queue(RequestCode::GET_MIN_OFFSET, "Nope", 0), 13).await.1, Some(0));

    let earliest = conn.call(&with_opaque(queue(RequestCode::GET_EARLIEST_MSG_STORETIME, "TimeT", 0), 14)).await;
    let first = earliest.decode_header::<GetEarliestMsgStoretimeResponseHeader>().timestamp.unwrap();
    assert!(first > 1_700_000_000_000);
    let none = conn.call(&with_opaque(queue(RequestCode::GET_EARLIEST_MSG_STORETIME, "Nope", 0), 15)).await;
    assert_eq!(none.decode_header::<GetEarliestMsgStoretimeResponseHeader>().timestamp, Some(-1));

    let search = |ts: i64, boundary: Option<&str>| {
        RemotingCommand::request(RequestCode::SEARCH_OFFSET_BY_TIMESTAMP).with_header(&SearchOffsetRequestHeader {
            topic: Some("TimeT".into()),
            queue_id: Some(0),
            timestamp: Some(ts),
            boundary_type: boundary.map(str::to_owned),
        })
    };
    assert_eq!(offset_of(&mut conn, search(0, None), 16).await.1, Some(0));
    assert_eq!(offset_of(&mut conn, search(first, None), 17).await.1, Some(0));
    assert_eq!(offset_of(&mut conn, search(i64::MAX / 2, None), 18).await.1, Some(3));
    assert_eq!(offset_of(&mut conn, search(i64::MAX / 2, Some("upper")), 19).await.1, Some(2));
    assert_eq!(offset_of(&mut conn, search(first + 1, Some("LOWER")), 20).await.1, Some(1));
    cluster.stop().await;
}

#[tokio::test]
async fn batch_locks_and_assignments() {
    let cluster = Cluster::start(&[]).await;
    let mut conn = cluster.conn().await;
    let mq = |q| MessageQueue::new("LockT", "broker-a", q);
    let lock = |client: &str, qs: Vec<MessageQueue>, code| {
        let body = LockBatchRequestBody {
            client_id: Some(client.into()),
            consumer_group: Some("og".into()),
            mq_set: qs,
            only_this_broker: false,
        };
        RemotingCommand::request(code).with_body(to_vec_plain(&body))
    };
    let locked = |resp: RemotingCommand| -> Vec<i32> {
        assert_eq!(resp.code, ResponseCode::SUCCESS);
        let mut ids: Vec<i32> = from_slice::<LockBatchResponseBody>(resp.body.as_deref().unwrap())
            .unwrap()
            .lock_ok_mq_set
            .iter()
            .map(|m| m.queue_id)
            .collect();
        ids.sort();
        ids
    };
    let r = conn.call(&with_opaque(lock("c1", vec![mq(0), mq(1)], RequestCode::LOCK_BATCH_MQ), 1)).await;
    assert_eq!(locked(r), vec![0, 1]);
    let r = conn.call(&with_opaque(lock("c2", vec![mq(1), mq(2)], RequestCode::LOCK_BATCH_MQ), 2)).await;
    assert_eq!(locked(r), vec![2]);
    let r = conn.call(&with_opaque(lock("c1", vec![mq(1)], RequestCode::UNLOCK_BATCH_MQ), 3)).await;
    assert_eq!((r.code, r.body), (ResponseCode::SUCCESS, None));
    let r = conn.call(&with_opaque(lock("c2", vec![mq(1), mq(2)], RequestCode::LOCK_BATCH_MQ), 4)).await;
    assert_eq!(locked(r), vec![1, 2]);

    // QUERY_ASSIGNMENT: broadcasting gets every readable queue in PULL mode; unknown topics get no assignment
    send(&mut conn, "LockT", 0, "T", 5).await;
    let assignment = |topic: &str, model: &str| {
        let body = QueryAssignmentRequestBody {
            topic: topic.into(),
            consumer_group: "og".into(),
            client_id: "c1".into(),
            strategy_name: "AVG".into(),
            message_model: Some(model.into()),
        };
        RemotingCommand::request(RequestCode::QUERY_ASSIGNMENT).with_body(to_vec_plain(&body))
    };
    let r = conn.call(&with_opaque(assignment("LockT", "BROADCASTING"), 6)).await;
    let body: QueryAssignmentResponseBody = from_slice(r.body.as_deref().unwrap()).unwrap();
    let assigned = body.message_queue_assignments.unwrap();
    assert_eq!(assigned.len(), 4);
    assert!(assigned.iter().all(|a| a.mode == "PULL" && a.message_queue.broker_name == "broker-a"));
    let r = conn.call(&with_opaque(assignment("Nope", "CLUSTERING"), 7)).await;
    assert_eq!(r.code, ResponseCode::SUCCESS);
    let body: QueryAssignmentResponseBody = from_slice(r.body.as_deref().unwrap()).unwrap();
    assert!(body.message_queue_assignments.is_none());
    cluster.stop().await;
}

#[tokio::test]
async fn offset_moved_event_on_a_4_9_8_master() {
    let cluster = Cluster::start(&[("thrusterStoreCompat", "4.9.8")]).await;
    let mut conn = cluster.conn().await;
    send(&mut conn, "MovedT", 0, "T", 1).await;
    wait_max(&mut conn, "MovedT", 0, 1).await;
    let moved = pull(&mut conn, &pull_req("mg", "MovedT", 0, 9, SUB, "*"), 2).await;
    assert_eq!((moved.code, offsets(&moved).0), (ResponseCode::PULL_OFFSET_MOVED, 1));
    wait_max(&mut conn, "OFFSET_MOVED_EVENT", 0, 1).await;
    let event = pull(&mut conn, &pull_req("monitor", "OFFSET_MOVED_EVENT", 0, 0, SUB, "mg"), 3).await;
    let msgs = records(&event.body);
    assert_eq!(msgs.len(), 1);
    assert_eq!(
        &msgs[0].body[..],
        br#"{"consumerGroup":"mg","messageQueue":{"brokerName":"broker-a","queueId":0,"topic":"MovedT"},"offsetNew":1,"offsetRequest":9}"#
    );
    cluster.stop().await;
}
