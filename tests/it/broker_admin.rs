//! The admin plane over real TCP: Thruster's NameServer and a broker in-process. Every request code is
//! answered as `broker::dispatch::room` says (a processor, or REQUEST_CODE_NOT_SUPPORTED); topics created with
//! UPDATE_AND_CREATE_TOPIC are in the route before the answer; groups, configuration, runtime figures,
//! connections and offsets as the Java broker answers them (codes and remarks of each flavor).

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use serde_json::Value;
use thruster::broker::dispatch::{room, Room};
use thruster::broker::BrokerConfig;
use thruster::net::{RemotingClient, Shutdown};
use thruster::protocol::admin::{
    ConsumerGroupRequestHeader, CreateTopicRequestHeader, DeleteSubscriptionGroupRequestHeader,
    GetSubscriptionGroupConfigRequestHeader, GetTopicConfigRequestHeader, TopicRequestHeader,
};
use thruster::protocol::namesrv::GetRouteInfoRequestHeader;
use thruster::protocol::route::TopicRouteData;
use thruster::remoting::fastjson::{from_slice, parse_lenient};
use thruster::remoting::{RemotingCommand, Request, RequestCode, ResponseCode};

use crate::support::{RawConn, TestBroker, TestNamesrv};

struct Cluster {
    ns: TestNamesrv,
    broker: TestBroker,
    shutdown: Shutdown,
}

impl Cluster {
    async fn start(compat: &str) -> Cluster {
        let ns = TestNamesrv::start().await;
        let mut c = BrokerConfig {
            broker_name: "broker-a".into(),
            broker_ip1: "127.0.0.1".into(),
            broker_ip2: "127.0.0.1".into(),
            namesrv_addr: Some(ns.addr()),
            ..BrokerConfig::default()
        };
        c.apply_properties([("thrusterStoreCompat", compat)]);
        let shutdown = Shutdown::new();
        let broker = TestBroker::start(c, &shutdown).await;
        Cluster { ns, broker, shutdown }
    }

    async fn conn(&self) -> RawConn {
        RawConn::connect(self.broker.local_addr()).await
    }

    async fn stop(self) {
        self.shutdown.trigger();
        self.broker.join().await;
        self.ns.stop().await;
    }
}

fn req(code: i32, opaque: i32) -> RemotingCommand {
    let mut r = RemotingCommand::request(code);
    r.opaque = opaque;
    r
}

async fn route(ns: &str, topic: &str) -> Option<TopicRouteData> {
    let header = GetRouteInfoRequestHeader { topic: Some(topic.into()), ..Default::default() };
    let req = RemotingCommand::request(RequestCode::GET_ROUTEINFO_BY_TOPIC).with_header(&header);
    let resp = RemotingClient::new().invoke(ns, req, Duration::from_secs(3)).await.unwrap();
    (resp.code == ResponseCode::SUCCESS).then(|| from_slice(&resp.body.unwrap()).unwrap())
}

fn create_topic(topic: &str, queues: i32, opaque: i32) -> RemotingCommand {
    let h = CreateTopicRequestHeader {
        topic: Some(topic.into()),
        default_topic: Some("TBW102".into()),
        read_queue_nums: Some(queues),
        write_queue_nums: Some(queues),
        perm: Some(6),
        topic_filter_type: Some("SINGLE_TAG".into()),
        topic_sys_flag: Some(0),
        order: Some(false),
        attributes: Some(String::new()),
        force: Some(false),
    };
    let mut r = RemotingCommand::request(RequestCode::UPDATE_AND_CREATE_TOPIC).with_header(&h);
    r.opaque = opaque;
    r
}

fn json(resp: &RemotingCommand) -> Value {
    parse_lenient(resp.body.as_deref().expect("a body")).unwrap()
}

/// Every code of the table, sent bare: answered REQUEST_CODE_NOT_SUPPORTED exactly when its room is not a
/// processor (and, on the 4.9.8 flavor, the ACL codes fail like a Java broker without ACL).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_code_is_answered_as_its_room_says() {
    for compat in ["5.3.3", "4.9.8"] {
        let cluster = Cluster::start(compat).await;
        let mut conn = cluster.conn().await;
        for (i, code) in Request::ALL.iter().enumerate() {
            let resp = conn.call(&req(code.code(), 1000 + i as i32)).await;
            let unsupported = resp.code == ResponseCode::REQUEST_CODE_NOT_SUPPORTED;
            let acl_on_v5 = compat == "5.3.3" && (50..=53).contains(&code.code());
            match room(*code) {
                Room::Processor(file) if !acl_on_v5 => {
                    assert!(!unsupported, "{} ({compat}) is routed to {file} but answered 3", code.name())
                }
                _ => {
                    assert!(unsupported, "{} ({compat}) answered {} but is not routed", code.name(), resp.code);
                    assert_eq!(
                        resp.remark.as_deref(),
                        Some(format!(" request type {} not supported", code.code()).as_str())
                    );
                }
            }
        }
        if compat == "4.9.8" {
            let version = conn.call(&req(RequestCode::GET_BROKER_CLUSTER_ACL_INFO, 7)).await;
            assert_eq!(version.code, ResponseCode::SYSTEM_ERROR);
            let created = conn.call(&req(RequestCode::UPDATE_AND_CREATE_ACL_CONFIG, 8)).await;
            assert_eq!((created.code, created.remark), (ResponseCode::UPDATE_AND_CREATE_ACL_CONFIG_FAILED, None));
        }
        let unknown = conn.call(&req(4242, 9)).await;
        assert_eq!(unknown.code, ResponseCode::REQUEST_CODE_NOT_SUPPORTED);
        cluster.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_are_created_registered_described_and_deleted() {
    let cluster = Cluster::start("5.3.3").await;
    let mut conn = cluster.conn().await;
    let created = conn.call(&create_topic("AdminTopic", 8, 1)).await;
    assert_eq!(created.code, ResponseCode::SUCCESS, "{:?}", created.remark);
    // Registered before the answer: the route has the 8 queues at once.
    let r = route(&cluster.ns.addr(), "AdminTopic").await.expect("route right after the answer");
    assert_eq!((r.queue_datas[0].read_queue_nums, r.queue_datas[0].write_queue_nums), (8, 8));

    let get = |topic: &str, opaque| {
        let h = GetTopicConfigRequestHeader { topic: Some(topic.into()), lo: Some(true) };
        let mut r = RemotingCommand::request(RequestCode::GET_TOPIC_CONFIG).with_header(&h);
        r.opaque = opaque;
        r
    };
    let config = conn.call(&get("AdminTopic", 2)).await;
    assert_eq!(json(&config)["readQueueNums"], 8);
    assert_eq!(json(&config)["attributes"], serde_json::json!({}));
    let all = conn.call(&req(RequestCode::GET_ALL_TOPIC_CONFIG, 3)).await;
    let all = json(&all);
    assert_eq!(all["topicConfigTable"]["AdminTopic"]["writeQueueNums"], 8);
    assert!(all["mappingDataVersion"].is_object());

    let stats_req = |opaque| {
        let mut r = RemotingCommand::request(RequestCode::GET_TOPIC_STATS_INFO)
            .with_header(&TopicRequestHeader { topic: Some("AdminTopic".into()) });
        r.opaque = opaque;
        r
    };
    let stats = conn.call(&stats_req(4)).await;
    let stats = json(&stats);
    assert_eq!(stats["offsetTable"].as_object().unwrap().len(), 8);
    assert_eq!(stats["topicPutTps"], 0.0);

    // Bad names and system topics: 5.3.3's INVALID_PARAMETER with Java's remarks.
    let bad = conn.call(&create_topic("bad topic", 4, 5)).await;
    assert_eq!(bad.code, ResponseCode::INVALID_PARAMETER);
    assert_eq!(
        bad.remark.as_deref(),
        Some("The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$")
    );
    let system = conn.call(&create_topic("SCHEDULE_TOPIC_XXXX", 4, 6)).await;
    assert_eq!(system.code, ResponseCode::INVALID_PARAMETER);
    assert_eq!(system.remark.as_deref(), Some("The topic[SCHEDULE_TOPIC_XXXX] is conflict with system topic."));
    let systems = conn.call(&req(RequestCode::GET_SYSTEM_TOPIC_LIST_FROM_BROKER, 7)).await;
    let systems = json(&systems)["topicList"].clone();
    assert!(systems.as_array().unwrap().iter().any(|t| t == "TBW102"));
    assert!(systems.as_array().unwrap().iter().any(|t| t == "broker-a"));

    let mut delete = RemotingCommand::request(RequestCode::DELETE_TOPIC_IN_BROKER)
        .with_header(&TopicRequestHeader { topic: Some("AdminTopic".into()) });
    delete.opaque = 8;
    assert_eq!(conn.call(&delete).await.code, ResponseCode::SUCCESS);
    let gone = conn.call(&get("AdminTopic", 9)).await;
    assert_eq!(gone.code, ResponseCode::TOPIC_NOT_EXIST);
    assert_eq!(gone.remark.as_deref(), Some("No topic in this broker. topic: AdminTopic"));
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_configuration_runtime_and_connections() {
    let cluster = Cluster::start("4.9.8").await;
    let mut conn = cluster.conn().await;
    let body = br#"{"brokerId":0,"consumeBroadcastEnable":false,"consumeEnable":true,"consumeFromMinEnable":false,"groupName":"GID_ADMIN","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":5,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}"#;
    let mut create = req(RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, 1).with_body(&body[..]);
    create.opaque = 1;
    assert_eq!(conn.call(&create).await.code, ResponseCode::SUCCESS);
    let all = conn.call(&req(RequestCode::GET_ALL_SUBSCRIPTIONGROUP_CONFIG, 2)).await;
    let all = json(&all);
    assert_eq!(all["subscriptionGroupTable"]["GID_ADMIN"]["retryMaxTimes"], 5);
    assert!(all["subscriptionGroupTable"]["TOOLS_CONSUMER"].is_object(), "system groups are listed");
    assert!(!String::from_utf8_lossy(
        &conn.call(&req(RequestCode::GET_ALL_SUBSCRIPTIONGROUP_CONFIG, 3)).await.body.unwrap()
    )
    .contains('\n'));

    let mut delete = RemotingCommand::request(RequestCode::DELETE_SUBSCRIPTIONGROUP).with_header(
        &DeleteSubscriptionGroupRequestHeader {
            group_name: Some("GID_ADMIN".into()),
            remove_offset: Some(true),
            clean_offset: None,
        },
    );
    delete.opaque = 4;
    assert_eq!(conn.call(&delete).await.code, ResponseCode::SUCCESS);
    let all = conn.call(&req(RequestCode::GET_ALL_SUBSCRIPTIONGROUP_CONFIG, 5)).await;
    assert!(json(&all)["subscriptionGroupTable"]["GID_ADMIN"].is_null());
    // 352 is 5.3.3's (the 4.9.8 flavor serves it from the same table): like Java's
    // `findSubscriptionGroupConfig` it auto-creates an unknown group (autoCreateSubscriptionGroup=true).
    let mut one = RemotingCommand::request(RequestCode::GET_SUBSCRIPTIONGROUP_CONFIG)
        .with_header(&GetSubscriptionGroupConfigRequestHeader { group: Some("GID_ADMIN".into()) });
    one.opaque = 6;
    let recreated = conn.call(&one).await;
    assert_eq!(recreated.code, ResponseCode::SUCCESS);
    assert_eq!(json(&recreated)["retryMaxTimes"], 16);

    // Configuration: read, a black-listed key refused, a live update visible.
    let config = conn.call(&req(RequestCode::GET_BROKER_CONFIG, 7)).await;
    let text = String::from_utf8(config.body.unwrap().to_vec()).unwrap();
    assert!(text.lines().any(|l| l == "brokerName=broker-a"), "{text}");
    assert!(config.ext_fields.unwrap().get("version").unwrap().contains("counter"));
    let refused =
        conn.call(&req(RequestCode::UPDATE_BROKER_CONFIG, 8).with_body(&b"brokerConfigPath=/tmp/x\n"[..])).await;
    assert_eq!(
        (refused.code, refused.remark.as_deref()),
        (ResponseCode::NO_PERMISSION, Some("Can not update config in black list."))
    );
    let updated = conn.call(&req(RequestCode::UPDATE_BROKER_CONFIG, 9).with_body(&b"slaveReadEnable=true\n"[..])).await;
    assert_eq!(updated.code, ResponseCode::SUCCESS);
    let text =
        String::from_utf8(conn.call(&req(RequestCode::GET_BROKER_CONFIG, 10)).await.body.unwrap().to_vec()).unwrap();
    assert!(text.lines().any(|l| l == "slaveReadEnable=true"), "{text}");

    let runtime = conn.call(&req(RequestCode::GET_BROKER_RUNTIME_INFO, 11)).await;
    let table = json(&runtime)["table"].clone();
    assert_eq!(table["brokerVersionDesc"], "V4_9_8");
    for key in [
        "putTps",
        "getTransferedTps",
        "msgPutTotalTodayNow",
        "commitLogDiskRatio",
        "earliestMessageTimeStamp",
        "runtime",
    ] {
        assert!(table[key].is_string(), "missing {key}: {table}");
    }

    let mut consumers = RemotingCommand::request(RequestCode::GET_CONSUMER_CONNECTION_LIST)
        .with_header(&ConsumerGroupRequestHeader { consumer_group: Some("nobody".into()) });
    consumers.opaque = 12;
    let offline = conn.call(&consumers).await;
    assert_eq!(
        (offline.code, offline.remark.as_deref()),
        (ResponseCode::CONSUMER_NOT_ONLINE, Some("the consumer group[nobody] not online"))
    );
    let offsets = conn.call(&req(RequestCode::GET_ALL_CONSUMER_OFFSET, 13)).await;
    assert!(json(&offsets)["offsetTable"].is_object());
    cluster.stop().await;
}
