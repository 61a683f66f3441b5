//! The broker in-process with Thruster's NameServer (and a recording fake NameServer), over real TCP:
//! registration and routes, heartbeats, NOTIFY_CONSUMER_IDS_CHANGED on join and leave, unknown codes, the fast
//! port, and UNREGISTER_BROKER at shutdown.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use thruster::broker::BrokerConfig;
use thruster::net::{Connection, RemotingClient, RequestHandler, Server, Shutdown};
use thruster::protocol::body::ClusterInfo;
use thruster::protocol::heartbeat::{
    ConsumeType, ConsumerData, GetConsumerListByGroupRequestHeader, GetConsumerListByGroupResponseBody, HeartbeatData,
    MessageModel, ProducerData, SubscriptionData, UnregisterClientRequestHeader,
};
use thruster::protocol::namesrv::{
    GetRouteInfoRequestHeader, QueryDataVersionResponseHeader, RegisterBrokerRequestHeader,
};
use thruster::protocol::route::TopicRouteData;
use thruster::protocol::topic::RegisterBrokerBody;
use thruster::remoting::fastjson::{from_slice, to_vec_plain};
use thruster::remoting::{RemotingCommand, RequestCode, ResponseCode, SerializeType};

use crate::support::{local, RawConn, TestBroker, TestNamesrv};

const TIMEOUT: Duration = Duration::from_secs(3);

/// A NameServer that records every request, answers SUCCESS, and hands out an `ORDER_TOPIC_CONFIG` table.
/// QUERY_DATA_VERSION is answered with `changed` = [`RecordingNamesrv::changed`] and the broker's own version.
#[derive(Default)]
struct RecordingNamesrv {
    seen: Mutex<Vec<RemotingCommand>>,
    changed: AtomicBool,
}

impl RequestHandler for RecordingNamesrv {
    async fn handle(&self, _conn: &Connection, request: RemotingCommand) -> Option<RemotingCommand> {
        self.seen.lock().push(request.clone());
        let response = request.response(ResponseCode::SUCCESS);
        match request.code {
            RequestCode::REGISTER_BROKER => {
                Some(response.with_body(&br#"{"table":{"BenchmarkTest":"broker-a:1024"}}"#[..]))
            }
            RequestCode::QUERY_DATA_VERSION => {
                let header = QueryDataVersionResponseHeader { changed: Some(self.changed.load(Ordering::SeqCst)) };
                Some(response.with_header(&header).with_body(request.body.clone().unwrap_or_default()))
            }
            _ => Some(response),
        }
    }
}

impl RecordingNamesrv {
    fn codes(&self) -> Vec<i32> {
        self.seen.lock().iter().map(|c| c.code).collect()
    }
}

fn broker_config(namesrv_addr: &str) -> BrokerConfig {
    BrokerConfig {
        broker_name: "broker-a".into(),
        broker_cluster_name: "DefaultCluster".into(),
        broker_ip1: "127.0.0.1".into(),
        broker_ip2: "127.0.0.1".into(),
        namesrv_addr: Some(namesrv_addr.into()),
        ..BrokerConfig::default()
    }
}

async fn start_broker(namesrv_addr: &str, shutdown: &Shutdown) -> TestBroker {
    TestBroker::start(broker_config(namesrv_addr), shutdown).await
}

async fn ns_call(client: &RemotingClient, ns: &str, req: RemotingCommand) -> RemotingCommand {
    client.invoke(ns, req, TIMEOUT).await.unwrap()
}

fn route_request(topic: &str) -> RemotingCommand {
    let header = GetRouteInfoRequestHeader { topic: Some(topic.into()), ..Default::default() };
    RemotingCommand::request(RequestCode::GET_ROUTEINFO_BY_TOPIC).with_header(&header)
}

async fn cluster_info(client: &RemotingClient, ns: &str) -> ClusterInfo {
    let resp = ns_call(client, ns, RemotingCommand::request(RequestCode::GET_BROKER_CLUSTER_INFO)).await;
    from_slice(&resp.body.unwrap()).unwrap()
}

/// Polls the NameServer until `topic` has a route (≤ 5 s).
async fn wait_for_route(client: &RemotingClient, ns: &str, topic: &str) -> TopicRouteData {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let resp = ns_call(client, ns, route_request(topic)).await;
        if resp.code == ResponseCode::SUCCESS {
            return from_slice(&resp.body.unwrap()).unwrap();
        }
        assert!(tokio::time::Instant::now() < deadline, "no route for {topic}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn heartbeat(client_id: &str, group: &str, opaque: i32) -> RemotingCommand {
    let data = HeartbeatData {
        client_id: client_id.into(),
        consumer_data_set: vec![ConsumerData {
            consume_from_where: None,
            consume_type: Some(ConsumeType::ConsumePassively),
            group_name: group.into(),
            message_model: Some(MessageModel::Clustering),
            subscription_data_set: vec![
                SubscriptionData::new("TopicTest", "*", 1_700_000_000_000),
                SubscriptionData::new(format!("%RETRY%{group}"), "*", 1_700_000_000_001),
            ],
            unit_mode: false,
        }],
        producer_data_set: vec![ProducerData { group_name: "CLIENT_INNER_PRODUCER".into() }],
        ..Default::default()
    };
    let mut req = RemotingCommand::request(RequestCode::HEART_BEAT).with_body(to_vec_plain(&data));
    req.opaque = opaque;
    req
}

fn consumer_list_request(group: &str, opaque: i32) -> RemotingCommand {
    let header = GetConsumerListByGroupRequestHeader { consumer_group: Some(group.into()) };
    let mut req = RemotingCommand::request(RequestCode::GET_CONSUMER_LIST_BY_GROUP).with_header(&header);
    req.opaque = opaque;
    req
}

async fn consumer_list(conn: &mut RawConn, group: &str, opaque: i32) -> Option<Vec<String>> {
    let resp = conn.call(&consumer_list_request(group, opaque)).await;
    if resp.code != ResponseCode::SUCCESS {
        return None;
    }
    let body: GetConsumerListByGroupResponseBody = from_slice(&resp.body.unwrap()).unwrap();
    Some(body.consumer_id_list)
}

/// Reads frames until a NOTIFY_CONSUMER_IDS_CHANGED arrives (≤ 5 s).
async fn expect_notify(conn: &mut RawConn, group: &str) {
    loop {
        let cmd = conn.recv().await.expect("NOTIFY_CONSUMER_IDS_CHANGED");
        if cmd.code == RequestCode::NOTIFY_CONSUMER_IDS_CHANGED && !cmd.is_response() {
            assert!(cmd.is_oneway());
            assert_eq!(cmd.ext("consumerGroup"), Some(group));
            return;
        }
    }
}

#[tokio::test]
async fn registers_serves_consumers_and_unregisters() {
    let ns = TestNamesrv::start().await;
    let fake = Arc::new(RecordingNamesrv::default());
    let fake_shutdown = Shutdown::new();
    let fake_server = Server::bind(local(), fake.clone(), fake_shutdown.clone()).await.unwrap();
    let client = RemotingClient::new();

    // The fake NameServer is first in the list, so its order-topic table is the one applied.
    let shutdown = Shutdown::new();
    let broker = start_broker(&format!("{};{}", fake_server.local_addr(), ns.addr()), &shutdown).await;
    let broker_addr = format!("127.0.0.1:{}", broker.local_addr().port());
    assert_eq!(broker.broker_addr(), broker_addr);

    // Registered once with both NameServers before start returned.
    let info = cluster_info(&client, &ns.addr()).await;
    assert_eq!(info.cluster_addr_table["DefaultCluster"], ["broker-a".to_owned()].into());
    assert_eq!(info.broker_addr_table["broker-a"].broker_addrs[&0], broker_addr);
    let route = wait_for_route(&client, &ns.addr(), "TBW102").await;
    assert_eq!(route.queue_datas.len(), 1);
    let qd = &route.queue_datas[0];
    assert_eq!((qd.broker_name.as_str(), qd.perm, qd.read_queue_nums, qd.write_queue_nums), ("broker-a", 7, 8, 8));
    assert_eq!(route.broker_datas[0].broker_addrs[&0], broker_addr);

    let register = fake.seen.lock().iter().find(|c| c.code == RequestCode::REGISTER_BROKER).cloned().unwrap();
    let header: RegisterBrokerRequestHeader = register.decode_header();
    assert_eq!(header.broker_addr.as_deref(), Some(broker_addr.as_str()));
    assert_eq!(header.ha_server_addr, Some(format!("127.0.0.1:{}", broker.local_addr().port() + 1)));
    assert_eq!((header.broker_id, header.compressed, header.enable_acting_master), (Some(0), false, Some(false)));
    let body = register.body.unwrap();
    assert_eq!(header.body_crc32, (crc32fast::hash(&body) & 0x7FFF_FFFF) as i32);
    let body = RegisterBrokerBody::decode(&body, false, register.version).unwrap();
    assert!(body.topic_config_serialize_wrapper.topic_config_table.contains_key("SCHEDULE_TOPIC_XXXX"));
    assert!(broker.broker().topics().is_order_topic("BenchmarkTest"), "the answer's order-topic table applied");

    // A consumer heartbeats on the main port and is listed.
    let mut c1 = RawConn::connect(broker.local_addr()).await;
    let resp = c1.call(&heartbeat("127.0.0.1@c1", "cg", 1)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS, "{:?}", resp.remark);
    assert!(resp.version >= 232, "clients refuse SQL92 pulls to brokers below V4_1_0");
    assert_eq!(consumer_list(&mut c1, "cg", 2).await.unwrap(), ["127.0.0.1@c1"]);
    // Its new retry topic reaches the NameServer at once.
    let retry = wait_for_route(&client, &ns.addr(), "%RETRY%cg").await;
    assert_eq!((retry.queue_datas[0].read_queue_nums, retry.queue_datas[0].perm), (1, 6));

    // A second consumer joins through the fast port: the first one is told.
    let mut c2 = RawConn::connect(broker.fast_addr()).await;
    let resp = c2.call(&heartbeat("127.0.0.1@c2", "cg", 3)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    expect_notify(&mut c1, "cg").await;
    let mut ids = consumer_list(&mut c1, "cg", 4).await.unwrap();
    ids.sort();
    assert_eq!(ids, ["127.0.0.1@c1", "127.0.0.1@c2"]);

    // Closing the second consumer's connection removes it and tells the first.
    drop(c2);
    expect_notify(&mut c1, "cg").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut opaque = 10;
    while consumer_list(&mut c1, "cg", opaque).await.unwrap() != ["127.0.0.1@c1"] {
        assert!(tokio::time::Instant::now() < deadline, "closed consumer still listed");
        opaque += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // UNREGISTER_CLIENT of the last consumer drops the group.
    let header = UnregisterClientRequestHeader {
        client_id: Some("127.0.0.1@c1".into()),
        producer_group: None,
        consumer_group: Some("cg".into()),
    };
    let mut req = RemotingCommand::request(RequestCode::UNREGISTER_CLIENT).with_header(&header);
    req.opaque = 100;
    assert_eq!(c1.call(&req).await.code, ResponseCode::SUCCESS);
    let resp = c1.call(&consumer_list_request("cg", 101)).await;
    assert_eq!(resp.code, ResponseCode::SYSTEM_ERROR);
    assert_eq!(resp.remark.as_deref(), Some("no consumer for this group, cg"));

    // Shutdown unregisters from every NameServer.
    shutdown.trigger();
    broker.join().await;
    assert_eq!(fake.codes().last(), Some(&RequestCode::UNREGISTER_BROKER));
    let info = cluster_info(&client, &ns.addr()).await;
    assert!(info.broker_addr_table.is_empty(), "{info:?}");
    assert_eq!(ns_call(&client, &ns.addr(), route_request("TBW102")).await.code, ResponseCode::TOPIC_NOT_EXIST);

    client.close_all();
    fake_shutdown.trigger();
    fake_server.join().await;
    ns.stop().await;
}

#[tokio::test]
async fn unknown_codes_and_pulls_on_the_fast_port() {
    let shutdown = Shutdown::new();
    // No NameServer listens there: registration fails, the broker still starts (as Java's does).
    let broker = start_broker("127.0.0.1:1", &shutdown).await;

    for (addr, serialize_type) in
        [(broker.local_addr(), SerializeType::Json), (broker.fast_addr(), SerializeType::RocketMq)]
    {
        let mut conn = RawConn::connect(addr).await;
        let mut req = RemotingCommand::request(9999);
        req.opaque = 7;
        req.serialize_type = serialize_type;
        let resp = conn.call(&req).await;
        assert_eq!(resp.code, ResponseCode::REQUEST_CODE_NOT_SUPPORTED);
        assert_eq!(resp.remark.as_deref(), Some(" request type 9999 not supported"));
        assert_eq!(resp.serialize_type, serialize_type);
        assert!(resp.version >= 232);
    }

    let mut fast = RawConn::connect(broker.fast_addr()).await;
    for (opaque, code) in [(1, RequestCode::PULL_MESSAGE), (2, RequestCode::LITE_PULL_MESSAGE)] {
        let mut req = RemotingCommand::request(code);
        req.opaque = opaque;
        assert_eq!(fast.call(&req).await.code, ResponseCode::REQUEST_CODE_NOT_SUPPORTED);
    }

    // A oneway request is processed and never answered: the next answer is for the next request.
    let mut oneway = heartbeat("127.0.0.1@c9", "cg9", 20);
    oneway.mark_oneway();
    fast.send(&oneway).await;
    let resp = fast.call(&consumer_list_request("cg9", 21)).await;
    assert_eq!((resp.opaque, resp.code), (21, ResponseCode::SUCCESS));

    shutdown.trigger();
    broker.join().await;
}

#[tokio::test]
async fn unforced_registration_asks_query_data_version_first() {
    let fake = Arc::new(RecordingNamesrv::default());
    let fake_shutdown = Shutdown::new();
    let fake_server = Server::bind(local(), fake.clone(), fake_shutdown.clone()).await.unwrap();
    let shutdown = Shutdown::new();
    let broker = start_broker(&fake_server.local_addr().to_string(), &shutdown).await;
    assert_eq!(fake.codes(), [RequestCode::REGISTER_BROKER], "start always registers");
    let registry = broker.broker().registry();

    assert!(registry.register_broker_all(false).await.is_empty());
    assert_eq!(fake.codes().last(), Some(&RequestCode::QUERY_DATA_VERSION), "unchanged: no registration");
    fake.changed.store(true, Ordering::SeqCst);
    assert_eq!(registry.register_broker_all(false).await.len(), 1);
    let codes = fake.codes();
    assert_eq!(codes[codes.len() - 2..], [RequestCode::QUERY_DATA_VERSION, RequestCode::REGISTER_BROKER]);

    // A change notification registers at once, without asking.
    registry.notify_changed();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while fake.codes().iter().filter(|c| **c == RequestCode::REGISTER_BROKER).count() < 3 {
        assert!(tokio::time::Instant::now() < deadline, "no registration after notify_changed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    shutdown.trigger();
    broker.join().await;
    assert_eq!(fake.codes().last(), Some(&RequestCode::UNREGISTER_BROKER));
    fake_shutdown.trigger();
    fake_server.join().await;
}
