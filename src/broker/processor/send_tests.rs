//! SEND-family and lookup processor tests over a broker with a temporary store (no sockets).

use std::net::SocketAddr;
use std::time::Duration;

use crate::broker::processor::query::{query_message, view_message_by_id};
use crate::broker::processor::send::{consumer_send_msg_back, edit_properties, send_message, stored_properties};
use crate::broker::testing::TestBroker;
use crate::broker::{Broker, BrokerConfig};
use crate::protocol::send::{
    ConsumerSendMsgBackRequestHeader, QueryMessageRequestHeader, SendMessageRequestHeader, SendMessageRequestHeaderV2,
    SendMessageResponseHeader, ViewMessageRequestHeader,
};
use crate::remoting::command::{VERSION_4_9_8, VERSION_5_3_3};
use crate::remoting::{RemotingCommand, RequestCode, ResponseCode};
use crate::store::commitlog::record::{decode_message, MessageExt};
use crate::store::message::{decode_message_id, encode_batch_body, get_property, PropertiesFormat, SCHEDULE_TOPIC};

const PRODUCER: &str = "127.0.0.1:50000";

fn born() -> SocketAddr {
    PRODUCER.parse().unwrap()
}

fn broker_with(extra: &[(&str, &str)]) -> TestBroker {
    let mut config = BrokerConfig {
        broker_name: "broker-a".into(),
        broker_ip1: "127.0.0.1".into(),
        listen_port: 10911,
        ..BrokerConfig::default()
    };
    for (k, v) in extra {
        config.extra.insert((*k).into(), (*v).into());
    }
    TestBroker::open(config)
}

fn broker() -> TestBroker {
    broker_with(&[])
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

fn v2(h: SendMessageRequestHeader, body: &[u8], version: i32) -> RemotingCommand {
    let code = if h.batch { RequestCode::SEND_BATCH_MESSAGE } else { RequestCode::SEND_MESSAGE_V2 };
    let mut req =
        RemotingCommand::request(code).with_header(&SendMessageRequestHeaderV2::from_v1(h)).with_body(body.to_vec());
    req.version = version;
    req
}

async fn send(b: &Broker, topic: &str, props: &str) -> RemotingCommand {
    send_message(b, born(), &v2(header(topic, 0, props), b"hello", VERSION_5_3_3)).await
}

fn stored(b: &Broker, resp: &RemotingCommand) -> MessageExt {
    let h: SendMessageResponseHeader = resp.decode_header();
    let (host, offset) = decode_message_id(h.msg_id.as_deref().unwrap()).unwrap();
    assert_eq!(host, b.store_host());
    b.store().look_message_by_offset(offset).unwrap()
}

async fn wait_dispatched(b: &Broker) {
    for _ in 0..200 {
        if b.store().dispatch_behind_bytes() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("dispatch did not catch up");
}

#[test]
fn properties_are_edited_in_place_or_appended() {
    let f = PropertiesFormat::TrailingSeparator;
    let set = |k: &'static str, v: &str| (k, Some(v.to_owned()));
    assert_eq!(edit_properties("", &[set("CLUSTER", "C")], f), "CLUSTER\u{1}C\u{2}");
    assert_eq!(edit_properties("A\u{1}1", &[set("B", "2")], f), "A\u{1}1\u{2}B\u{1}2\u{2}");
    assert_eq!(
        edit_properties("A\u{1}1\u{2}", &[set("B", "2")], PropertiesFormat::NoTrailingSeparator),
        "A\u{1}1\u{2}B\u{1}2"
    );
    assert_eq!(
        edit_properties("A\u{1}1\u{2}B\u{1}x\u{2}C\u{1}3", &[set("B", "2"), ("C", None)], f),
        "A\u{1}1\u{2}B\u{1}2\u{2}"
    );
    assert_eq!(edit_properties("A\u{1}1", &[("Z", None)], f), "A\u{1}1\u{2}");
}

#[tokio::test]
async fn send_v2_auto_creates_and_stores_the_record() {
    let b = broker();
    let resp = send(&b, "NewTopic", "TAGS\u{1}TagA\u{2}KEYS\u{1}k1\u{2}WAIT\u{1}true\u{2}").await;
    assert_eq!(resp.code, ResponseCode::SUCCESS, "{:?}", resp.remark);
    assert_eq!(resp.ext("MSG_REGION"), Some("DefaultRegion"));
    assert_eq!(resp.ext("TRACE_ON"), Some("true"));
    let h: SendMessageResponseHeader = resp.decode_header();
    assert_eq!((h.queue_id, h.queue_offset), (Some(0), Some(0)));
    let created = b.topics().select_topic_config("NewTopic").unwrap();
    assert_eq!((created.read_queue_nums, created.write_queue_nums, created.perm), (4, 4, 6));

    let msg = stored(&b, &resp);
    assert_eq!(msg.topic, "NewTopic");
    assert_eq!(&msg.body[..], b"hello");
    assert_eq!(msg.born_host, born());
    assert_eq!(msg.born_timestamp, 1_700_000_000_000);
    assert_eq!(msg.property("TAGS"), Some("TagA"));
    assert_eq!(msg.property("CLUSTER"), Some("DefaultCluster"));
    let uniq = msg.property("UNIQ_KEY").expect("a 5.3.3 broker adds a UNIQ_KEY");
    assert_eq!(uniq.len(), 32);
    assert_eq!(h.transaction_id.as_deref(), Some(uniq));
    assert!(msg.properties.ends_with('\u{2}'), "5.3.3 writes a trailing separator");

    // The second message in the same queue gets the next offset; a V1 request works the same way.
    let mut v1 = RemotingCommand::request(RequestCode::SEND_MESSAGE)
        .with_header(&header("NewTopic", 0, "UNIQ_KEY\u{1}ABC\u{2}"))
        .with_body(&b"second"[..]);
    v1.version = VERSION_4_9_8;
    let resp = send_message(&b, born(), &v1).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    let h: SendMessageResponseHeader = resp.decode_header();
    assert_eq!(h.queue_offset, Some(1));
    assert_eq!(stored(&b, &resp).property("UNIQ_KEY"), Some("ABC"));
}

#[tokio::test]
async fn a_4_9_8_broker_keeps_messages_without_uniq_key_and_trailing_separator() {
    let b = broker_with(&[("thrusterStoreCompat", "4.9.8")]);
    let resp = send(&b, "T498", "TAGS\u{1}A\u{2}WAIT\u{1}true").await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    let msg = stored(&b, &resp);
    assert_eq!(msg.property("UNIQ_KEY"), None);
    // Java re-encodes its HashMap (16 buckets): CLUSTER's bucket (12) comes before TAGS' (14).
    assert_eq!(msg.properties, "CLUSTER\u{1}DefaultCluster\u{2}TAGS\u{1}A");
}

#[test]
fn stored_properties_follow_javas_hash_map_order() {
    use crate::store::config_files::Flavor;
    let client = "KEYS\u{1}k\u{2}TAGS\u{1}a\u{2}UNIQ_KEY\u{1}u\u{2}WAIT\u{1}true\u{2}";
    let edits = [("MSG_REGION", Some("R".into())), ("TRACE_ON", Some("true".into())), ("CLUSTER", Some("C".into()))];
    // 5.3.3: `new HashMap<>(128)`; buckets MSG_REGION 23, UNIQ_KEY 28 (first in), CLUSTER 28, TAGS 62, KEYS 87,
    // WAIT 93, TRACE_ON 100 (so MSG_REGION is stored before KEYS, as the Java reference transcripts show).
    assert_eq!(
        stored_properties(client, &edits, Flavor::V5_3_3, PropertiesFormat::TrailingSeparator),
        "MSG_REGION\u{1}R\u{2}UNIQ_KEY\u{1}u\u{2}CLUSTER\u{1}C\u{2}TAGS\u{1}a\u{2}KEYS\u{1}k\u{2}WAIT\u{1}true\u{2}TRACE_ON\u{1}true\u{2}"
    );
    // 4.9.8 (16 buckets): a removed key goes, an edited key keeps its place (HashMap.put), a key given twice keeps
    // its first place and its last value.
    let edits = [("WAIT", None), ("TAGS", Some("b".into()))];
    assert_eq!(
        stored_properties(
            "TAGS\u{1}a\u{2}WAIT\u{1}true\u{2}KEYS\u{1}1\u{2}KEYS\u{1}2",
            &edits,
            Flavor::V4_9_8,
            PropertiesFormat::NoTrailingSeparator
        ),
        "KEYS\u{1}2\u{2}TAGS\u{1}b"
    );
    assert_eq!(stored_properties("", &[], Flavor::V4_9_8, PropertiesFormat::NoTrailingSeparator), "");
}

#[tokio::test]
async fn validation_codes_follow_the_client_version() {
    let b = broker();
    for (version, code) in
        [(VERSION_5_3_3, ResponseCode::INVALID_PARAMETER), (VERSION_4_9_8, ResponseCode::SYSTEM_ERROR)]
    {
        let resp = send_message(&b, born(), &v2(header("bad topic", 0, ""), b"x", version)).await;
        assert_eq!(resp.code, code);
        assert_eq!(
            resp.remark.as_deref(),
            Some("The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$")
        );
        let resp = send_message(&b, born(), &v2(header(&"t".repeat(128), 0, ""), b"x", version)).await;
        assert_eq!(
            (resp.code, resp.remark.as_deref()),
            (code, Some("The specified topic is longer than topic max length."))
        );

        let resp = send_message(&b, born(), &v2(header("BenchmarkTest", 1024, ""), b"x", version)).await;
        assert_eq!(resp.code, code);
        let remark = resp.remark.unwrap();
        assert!(
            remark.starts_with("request queueId[1024] is illegal, TopicConfig [topicName=BenchmarkTest, readQueueNums=1024, writeQueueNums=1024, perm=RW-"),
            "{remark}"
        );
        assert!(remark.ends_with(&format!(" Producer: {PRODUCER}")));
        assert_eq!(remark.contains("attributes={}"), version == VERSION_5_3_3);
    }
    let resp = send(&b, "SCHEDULE_TOPIC_XXXX", "").await;
    assert_eq!(resp.code, ResponseCode::NO_PERMISSION);
    assert_eq!(resp.remark.as_deref(), Some("Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden."));

    let mut no_default = header("Other", 0, "");
    no_default.default_topic = Some("NoSuchDefault".into());
    let resp = send_message(&b, born(), &v2(no_default, b"x", VERSION_5_3_3)).await;
    assert_eq!(resp.code, ResponseCode::TOPIC_NOT_EXIST);
    assert!(resp.remark.unwrap().starts_with("topic[Other] not exist, apply first please!\nSee https://"));

    let mut missing = header("T", 0, "");
    missing.born_timestamp = None;
    let resp = send_message(&b, born(), &v2(missing, b"x", VERSION_5_3_3)).await;
    assert_eq!(resp.code, ResponseCode::SYSTEM_ERROR);
    assert!(resp.remark.unwrap().ends_with("the custom field <bornTimestamp> is null"));
}

#[tokio::test]
async fn auto_creation_off_means_topic_not_exist() {
    let b = TestBroker::open(BrokerConfig { auto_create_topic_enable: false, ..BrokerConfig::default() });
    assert!(b.topics().select_topic_config("TBW102").is_none());
    let resp = send(&b, "Unknown", "").await;
    assert_eq!(resp.code, ResponseCode::TOPIC_NOT_EXIST);
    // %RETRY% topics are still created, with one queue.
    let resp = send(&b, "%RETRY%cg", "").await;
    assert_eq!(resp.code, ResponseCode::SUCCESS, "{:?}", resp.remark);
    let retry = b.topics().select_topic_config("%RETRY%cg").unwrap();
    assert_eq!((retry.read_queue_nums, retry.write_queue_nums, retry.perm), (1, 1, 6));
}

#[tokio::test]
async fn oversized_bodies_are_illegal() {
    let b = broker_with(&[("maxMessageSize", "1024")]);
    let resp = send_message(&b, born(), &v2(header("Big", 0, ""), &[7u8; 2048], VERSION_5_3_3)).await;
    assert_eq!(resp.code, ResponseCode::MESSAGE_ILLEGAL);
    assert_eq!(
        resp.remark.as_deref(),
        Some("the message is illegal, maybe msg body or properties length not matched. msg body length limit 1024B, msg properties length limit 32KB.")
    );
    assert_eq!(resp.ext("MSG_REGION"), Some("DefaultRegion"));
}

#[tokio::test]
async fn delayed_messages_are_parked_in_the_schedule_topic() {
    let b = broker();
    let resp = send(&b, "Delayed", "DELAY\u{1}3\u{2}").await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    let h: SendMessageResponseHeader = resp.decode_header();
    assert_eq!(h.queue_id, Some(0), "the queue the client asked for");
    let msg = stored(&b, &resp);
    assert_eq!((msg.topic.as_str(), msg.queue_id), (SCHEDULE_TOPIC, 2));
    assert_eq!(msg.property("REAL_TOPIC"), Some("Delayed"));
    assert_eq!(msg.property("REAL_QID"), Some("0"));
}

#[tokio::test]
async fn batches_store_one_record_per_message() {
    let b = broker();
    let body = encode_batch_body([
        (0, &b"one"[..], "UNIQ_KEY\u{1}U1\u{2}TAGS\u{1}A"),
        (1, &b"two"[..], "UNIQ_KEY\u{1}U2\u{2}TAGS\u{1}B"),
    ]);
    let mut h = header("BatchTopic", 1, "WAIT\u{1}true\u{2}UNIQ_KEY\u{1}BATCH\u{2}");
    h.batch = true;
    let resp = send_message(&b, born(), &v2(h, &body, VERSION_5_3_3)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS, "{:?}", resp.remark);
    let rh: SendMessageResponseHeader = resp.decode_header();
    assert_eq!((rh.queue_id, rh.queue_offset), (Some(1), Some(0)));
    let ids: Vec<&str> = rh.msg_id.as_deref().unwrap().split(',').collect();
    assert_eq!(ids.len(), 2);
    for (i, id) in ids.iter().enumerate() {
        let (_, offset) = decode_message_id(id).unwrap();
        let m = b.store().look_message_by_offset(offset).unwrap();
        assert_eq!((m.queue_id, m.queue_offset, m.flag), (1, i as i64, i as i32));
        assert_eq!(m.property("UNIQ_KEY"), Some(["U1", "U2"][i]), "each message keeps its own id");
        assert_eq!(m.property("CLUSTER"), Some("DefaultCluster"));
    }

    let mut retry = header("%RETRY%cg", 0, "");
    retry.batch = true;
    let resp = send_message(&b, born(), &v2(retry, &body, VERSION_5_3_3)).await;
    assert_eq!(resp.code, ResponseCode::MESSAGE_ILLEGAL);
    assert_eq!(resp.remark.as_deref(), Some("batch request does not support retry group %RETRY%cg"));
}

fn send_back(offset: i64, group: &str, delay_level: i32, max: Option<i32>) -> RemotingCommand {
    let h = ConsumerSendMsgBackRequestHeader {
        offset: Some(offset),
        group: Some(group.into()),
        delay_level: Some(delay_level),
        origin_msg_id: Some("X".into()),
        origin_topic: Some("T".into()),
        unit_mode: false,
        max_reconsume_times: max,
    };
    RemotingCommand::request(RequestCode::CONSUMER_SEND_MSG_BACK).with_header(&h)
}

/// The newest record of a queue.
fn last_in_queue(b: &Broker, topic: &str, queue_id: i32) -> MessageExt {
    let cq = b.store().consume_queues().find(topic, queue_id).expect("queue exists");
    let entry = cq.entry(cq.max_offset_in_queue() - 1).unwrap();
    b.store().look_message_by_offset(entry.phy_offset).unwrap()
}

#[tokio::test]
async fn send_back_retries_with_a_delay_then_goes_to_the_dlq() {
    let b = broker();
    let resp = send(&b, "Orders", "TAGS\u{1}A\u{2}UNIQ_KEY\u{1}U1\u{2}").await;
    let first = stored(&b, &resp);

    let resp = consumer_send_msg_back(&b, &send_back(first.commit_log_offset, "cg", 0, Some(2))).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS, "{:?}", resp.remark);
    let retry = b.topics().select_topic_config("%RETRY%cg").unwrap();
    assert_eq!((retry.read_queue_nums, retry.perm), (1, 6));
    wait_dispatched(&b).await;
    // Delay level 3 + reconsumeTimes(0) → schedule queue 2.
    let parked = last_in_queue(&b, SCHEDULE_TOPIC, 2);
    assert_eq!(parked.reconsume_times, 1);
    assert_eq!(parked.property("REAL_TOPIC"), Some("%RETRY%cg"));
    assert_eq!(parked.property("RETRY_TOPIC"), Some("Orders"));
    assert_eq!(parked.property("ORIGIN_MESSAGE_ID"), Some(first.msg_id().as_str()));
    assert_eq!(parked.property("UNIQ_KEY"), Some("U1"));
    assert_eq!(parked.property("DELAY"), Some("3"));
    assert_eq!(&parked.body[..], b"hello");

    // Sent back again from a record retried twice already (max 2): the DLQ, no delay.
    let resp = consumer_send_msg_back(&b, &send_back(parked.commit_log_offset, "cg", 0, Some(1))).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    wait_dispatched(&b).await;
    let dlq = last_in_queue(&b, "%DLQ%cg", 0);
    assert_eq!(dlq.reconsume_times, 2);
    assert_eq!(dlq.property("RETRY_TOPIC"), Some("Orders"), "kept");
    assert_eq!(dlq.property("ORIGIN_MESSAGE_ID"), Some(first.msg_id().as_str()), "kept");
    let dlq_config = b.topics().select_topic_config("%DLQ%cg").unwrap();
    assert_eq!((dlq_config.read_queue_nums, dlq_config.perm), (1, 6));

    // An explicit negative level goes straight to the DLQ; an unknown offset is a SYSTEM_ERROR.
    let resp = consumer_send_msg_back(&b, &send_back(first.commit_log_offset, "cg", -1, None)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    let resp = consumer_send_msg_back(&b, &send_back(1 << 40, "cg", 0, None)).await;
    assert_eq!(
        (resp.code, resp.remark.as_deref()),
        (ResponseCode::SYSTEM_ERROR, Some("look message by offset failed, 1099511627776"))
    );
    let off = TestBroker::open(BrokerConfig { auto_create_subscription_group: false, ..BrokerConfig::default() });
    let resp = consumer_send_msg_back(&off, &send_back(0, "nogroup", 0, None)).await;
    assert_eq!(resp.code, ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST);
}

#[tokio::test]
async fn send_to_a_retry_topic_goes_to_the_dlq_past_the_maximum() {
    let b = broker();
    let retry_send = |reconsume: i32, version: i32| {
        let mut h = header("%RETRY%cg", 0, "DELAY\u{1}3\u{2}RETRY_TOPIC\u{1}T\u{2}");
        h.reconsume_times = Some(reconsume);
        h.max_reconsume_times = Some(2);
        v2(h, b"r", version)
    };
    // 5.3.3 rule: DLQ only when reconsumeTimes > max.
    let resp = send_message(&b, born(), &retry_send(2, VERSION_5_3_3)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    assert_eq!(stored(&b, &resp).topic, SCHEDULE_TOPIC, "retried with its delay");
    let resp = send_message(&b, born(), &retry_send(3, VERSION_5_3_3)).await;
    let m = stored(&b, &resp);
    assert_eq!((m.topic.as_str(), m.reconsume_times), ("%DLQ%cg", 3));
    assert_eq!(m.property("DELAY"), Some("-1"));
    // 4.9.8 rule: reconsumeTimes ≥ max.
    let resp = send_message(&b, born(), &retry_send(2, VERSION_4_9_8)).await;
    assert_eq!(stored(&b, &resp).topic, "%DLQ%cg");
}

#[tokio::test]
async fn view_by_id_and_query_by_key() {
    let b = broker();
    let resp = send(&b, "Q", "KEYS\u{1}order-1 order-2\u{2}UNIQ_KEY\u{1}UQ1\u{2}").await;
    let msg = stored(&b, &resp);

    let view = RemotingCommand::request(RequestCode::VIEW_MESSAGE_BY_ID)
        .with_header(&ViewMessageRequestHeader { topic: None, offset: Some(msg.commit_log_offset) });
    let resp = view_message_by_id(&b, &view);
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    let decoded = decode_message(resp.body.as_ref().unwrap()).unwrap();
    assert_eq!(decoded.commit_log_offset, msg.commit_log_offset);
    assert_eq!(resp.body.as_ref().unwrap().len(), msg.store_size as usize);
    let missing = RemotingCommand::request(RequestCode::VIEW_MESSAGE_BY_ID)
        .with_header(&ViewMessageRequestHeader { topic: None, offset: Some(1 << 40) });
    let resp = view_message_by_id(&b, &missing);
    assert_eq!(resp.code, ResponseCode::SYSTEM_ERROR);
    assert_eq!(resp.remark.as_deref(), Some("can not find message by the offset, 1099511627776"));

    let resp2 = send(&b, "Q", "KEYS\u{1}order-2\u{2}").await;
    let second = stored(&b, &resp2);
    wait_dispatched(&b).await;
    let query = |key: &str| {
        RemotingCommand::request(RequestCode::QUERY_MESSAGE).with_header(&QueryMessageRequestHeader {
            topic: Some("Q".into()),
            key: Some(key.into()),
            max_num: Some(32),
            begin_timestamp: Some(0),
            end_timestamp: Some(i64::MAX),
        })
    };
    let resp = query_message(&b, &query("order-2"));
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    let body = resp.body.clone().unwrap();
    assert_eq!(body.len(), (msg.store_size + second.store_size) as usize, "both records, concatenated");
    assert!(resp.ext("indexLastUpdatePhyoffset").is_some());
    let resp = query_message(&b, &query("UQ1"));
    assert_eq!(get_property(&decode_message(resp.body.as_ref().unwrap()).unwrap().properties, "UNIQ_KEY"), Some("UQ1"));
    let resp = query_message(&b, &query("nothing"));
    assert_eq!(resp.code, ResponseCode::QUERY_NOT_FOUND);
    assert_eq!(resp.remark.as_deref(), Some("can not find message, maybe time range not correct"));
}
