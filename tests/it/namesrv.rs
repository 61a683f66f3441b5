//! The NameServer over real TCP: registration (JSON and ROCKETMQ headers), routes, liveness tied to the
//! registering connection, KV requests, config requests, unknown codes.

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::time::Duration;

use thruster::namesrv::{self, NamesrvConfig, NamesrvHandle};
use thruster::net::{RemotingClient, Shutdown};
use thruster::protocol::body::{ClusterInfo, KVTable};
use thruster::protocol::data_version::DataVersion;
use thruster::protocol::namesrv::*;
use thruster::protocol::route::TopicRouteData;
use thruster::protocol::topic::{RegisterBrokerBody, TopicConfig};
use thruster::remoting::fastjson::from_slice;
use thruster::remoting::{RemotingCommand, RequestCode, ResponseCode, SerializeType};

use crate::support::RawConn;

const TIMEOUT: Duration = Duration::from_secs(3);

struct TestNamesrv {
    handle: NamesrvHandle,
    shutdown: Shutdown,
    _dir: tempfile::TempDir,
}

impl TestNamesrv {
    async fn start() -> TestNamesrv {
        let dir = tempfile::tempdir().unwrap();
        let config = NamesrvConfig {
            kv_config_path: dir.path().join("kvConfig.json").display().to_string(),
            config_store_path: dir.path().join("namesrv.properties").display().to_string(),
            ..Default::default()
        };
        let shutdown = Shutdown::new();
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let handle = namesrv::start_on(config, addr, shutdown.clone()).await.unwrap();
        TestNamesrv { handle, shutdown, _dir: dir }
    }

    fn addr(&self) -> SocketAddr {
        self.handle.local_addr()
    }

    async fn stop(self) {
        self.shutdown.trigger();
        tokio::time::timeout(Duration::from_secs(10), self.handle.join()).await.unwrap();
    }
}

fn register_request(name: &str, addr: &str, topics: &[&str], opaque: i32) -> RemotingCommand {
    let mut body = RegisterBrokerBody::default();
    let wrapper = &mut body.topic_config_serialize_wrapper;
    wrapper.data_version = DataVersion { counter: 1, state_version: Some(0), timestamp: 1_700_000_000_000 };
    for topic in topics {
        wrapper.topic_config_table.insert((*topic).to_owned(), TopicConfig::new(*topic, 4, 4, 6));
    }
    let body = body.encode();
    let header = RegisterBrokerRequestHeader {
        broker_name: Some(name.into()),
        broker_addr: Some(addr.into()),
        cluster_name: Some("DefaultCluster".into()),
        ha_server_addr: Some("127.0.0.1:10912".into()),
        broker_id: Some(0),
        enable_acting_master: Some(false),
        compressed: false,
        body_crc32: (crc32fast::hash(&body) & 0x7FFF_FFFF) as i32,
        ..Default::default()
    };
    let mut req = RemotingCommand::request(RequestCode::REGISTER_BROKER).with_header(&header).with_body(body);
    req.opaque = opaque;
    req
}

fn route_request(topic: &str, opaque: i32) -> RemotingCommand {
    let header = GetRouteInfoRequestHeader { topic: Some(topic.into()), ..Default::default() };
    let mut req = RemotingCommand::request(RequestCode::GET_ROUTEINFO_BY_TOPIC).with_header(&header);
    req.opaque = opaque;
    req
}

async fn route(client: &RemotingClient, ns: &str, topic: &str) -> RemotingCommand {
    client.invoke(ns, route_request(topic, 0), TIMEOUT).await.unwrap()
}

#[tokio::test]
async fn register_route_and_close_the_broker_connection() {
    let ns = TestNamesrv::start().await;
    let ns_addr = ns.addr().to_string();
    let client = RemotingClient::new();

    // broker-a registers with a JSON header, broker-b with a ROCKETMQ (binary) one.
    let mut broker_a = RawConn::connect(ns.addr()).await;
    let resp = broker_a.call(&register_request("broker-a", "127.0.0.1:10911", &["TopicTest", "TBW102"], 1)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS, "{:?}", resp.remark);
    assert_eq!(resp.serialize_type, SerializeType::Json);
    let mut broker_b = RawConn::connect(ns.addr()).await;
    let mut req = register_request("broker-b", "127.0.0.1:20911", &["TopicTest", "Other"], 2);
    req.serialize_type = SerializeType::RocketMq;
    let resp = broker_b.call(&req).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS, "{:?}", resp.remark);
    assert_eq!(resp.serialize_type, SerializeType::RocketMq, "the response mirrors the request");

    // A 5.3.3 client (version 479) gets the standard form with quoted numeric keys.
    let resp = route(&client, &ns_addr, "TopicTest").await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    let text = String::from_utf8(resp.body.clone().unwrap().to_vec()).unwrap();
    assert!(text.contains(r#""brokerAddrs":{"0":"127.0.0.1:10911"}"#), "{text}");
    let data: TopicRouteData = from_slice(&resp.body.unwrap()).unwrap();
    assert_eq!(data.queue_datas.len(), 2);
    assert_eq!(data.broker_datas.len(), 2);

    // A ROCKETMQ-typed route request is answered in kind.
    let mut raw_client = RawConn::connect(ns.addr()).await;
    let mut req = route_request("Other", 9);
    req.serialize_type = SerializeType::RocketMq;
    let resp = raw_client.call(&req).await;
    assert_eq!((resp.code, resp.serialize_type), (ResponseCode::SUCCESS, SerializeType::RocketMq));

    let info =
        client.invoke(&ns_addr, RemotingCommand::request(RequestCode::GET_BROKER_CLUSTER_INFO), TIMEOUT).await.unwrap();
    let info: ClusterInfo = from_slice(&info.body.unwrap()).unwrap();
    assert_eq!(info.cluster_addr_table["DefaultCluster"].len(), 2);

    // Closing broker-a's registering connection removes it at once.
    drop(broker_a);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    loop {
        let data: TopicRouteData = from_slice(&route(&client, &ns_addr, "TopicTest").await.body.unwrap()).unwrap();
        if data.broker_datas.len() == 1 {
            assert_eq!(data.broker_datas[0].broker_name, "broker-b");
            assert_eq!(data.queue_datas.len(), 1);
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "broker-a still routed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let gone = route(&client, &ns_addr, "TBW102").await;
    assert_eq!(gone.code, ResponseCode::TOPIC_NOT_EXIST);
    assert!(gone.remark.unwrap().starts_with("No topic route info in name server for the topic: TBW102"));

    drop(broker_b);
    client.close_all();
    ns.stop().await;
}

#[tokio::test]
async fn oneway_registration_is_processed_without_answer() {
    let ns = TestNamesrv::start().await;
    let mut broker = RawConn::connect(ns.addr()).await;
    let mut req = register_request("broker-a", "127.0.0.1:10911", &["A", "B"], 5);
    req.mark_oneway();
    broker.send(&req).await;
    // The next answer on this connection is for the next request, not the oneway one.
    let resp = broker.call(&route_request("A", 6)).await;
    assert_eq!((resp.opaque, resp.code), (6, ResponseCode::SUCCESS));
    ns.stop().await;
}

#[tokio::test]
async fn kv_config_requests() {
    let ns = TestNamesrv::start().await;
    let ns_addr = ns.addr().to_string();
    let client = RemotingClient::new();
    let call = |req: RemotingCommand| {
        let client = &client;
        let ns_addr = &ns_addr;
        async move { client.invoke(ns_addr, req, TIMEOUT).await.unwrap() }
    };
    let put = PutKVConfigRequestHeader {
        namespace: Some("ORDER_TOPIC_CONFIG".into()),
        key: Some("TopicA".into()),
        value: Some("broker-a:8;broker-b:8".into()),
    };
    let resp = call(RemotingCommand::request(RequestCode::PUT_KV_CONFIG).with_header(&put)).await;
    assert_eq!(resp.code, ResponseCode::SUCCESS);

    let get = GetKVConfigRequestHeader { namespace: put.namespace.clone(), key: put.key.clone() };
    let resp = call(RemotingCommand::request(RequestCode::GET_KV_CONFIG).with_header(&get)).await;
    assert_eq!(resp.ext("value"), Some("broker-a:8;broker-b:8"));

    let list = GetKVListByNamespaceRequestHeader { namespace: put.namespace.clone() };
    let resp = call(RemotingCommand::request(RequestCode::GET_KVLIST_BY_NAMESPACE).with_header(&list)).await;
    let table: KVTable = from_slice(&resp.body.unwrap()).unwrap();
    assert_eq!(table.table["TopicA"], "broker-a:8;broker-b:8");

    let del = DeleteKVConfigRequestHeader { namespace: put.namespace.clone(), key: put.key.clone() };
    assert_eq!(
        call(RemotingCommand::request(RequestCode::DELETE_KV_CONFIG).with_header(&del)).await.code,
        ResponseCode::SUCCESS
    );
    let resp = call(RemotingCommand::request(RequestCode::GET_KV_CONFIG).with_header(&get)).await;
    assert_eq!(resp.code, ResponseCode::QUERY_NOT_FOUND);
    assert_eq!(resp.remark.as_deref(), Some("No config item, Namespace: ORDER_TOPIC_CONFIG Key: TopicA"));
    let resp = call(RemotingCommand::request(RequestCode::GET_KVLIST_BY_NAMESPACE).with_header(&list)).await;
    assert_eq!(resp.body.as_deref(), Some(&br#"{"table":{}}"#[..]));

    client.close_all();
    ns.stop().await;
}

#[tokio::test]
async fn config_requests_and_unknown_codes() {
    let ns = TestNamesrv::start().await;
    let ns_addr = ns.addr().to_string();
    let client = RemotingClient::new();

    let resp =
        client.invoke(&ns_addr, RemotingCommand::request(RequestCode::GET_NAMESRV_CONFIG), TIMEOUT).await.unwrap();
    let text = String::from_utf8(resp.body.unwrap().to_vec()).unwrap();
    assert!(text.contains("listenPort=9876\n") && text.contains("orderMessageEnable=false\n"), "{text}");

    let update =
        RemotingCommand::request(RequestCode::UPDATE_NAMESRV_CONFIG).with_body(&b"orderMessageEnable=true\n"[..]);
    assert_eq!(client.invoke(&ns_addr, update, TIMEOUT).await.unwrap().code, ResponseCode::SUCCESS);
    assert!(ns.handle.processor().config().order_message_enable);

    let resp = client.invoke(&ns_addr, RemotingCommand::request(12345), TIMEOUT).await.unwrap();
    assert_eq!(resp.code, ResponseCode::REQUEST_CODE_NOT_SUPPORTED);
    assert_eq!(resp.remark.as_deref(), Some(" request type 12345 not supported"));

    client.close_all();
    ns.stop().await;
}
