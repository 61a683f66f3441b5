#![allow(clippy::unwrap_used)]

use super::*;
use crate::protocol::body::{KVTable, TopicList};
use crate::protocol::topic::TopicConfig;
use crate::remoting::CustomHeader;

fn processor(dir: &tempfile::TempDir) -> NamesrvProcessor {
    NamesrvProcessor::new(NamesrvConfig {
        kv_config_path: dir.path().join("kvConfig.json").display().to_string(),
        config_store_path: dir.path().join("namesrv.properties").display().to_string(),
        ..Default::default()
    })
}

fn request<H: CustomHeader>(code: i32, header: &H) -> RemotingCommand {
    let mut req = RemotingCommand::request(code).with_header(header);
    req.version = 479;
    req.opaque = 7;
    req
}

fn body_of(body: RegisterBrokerBody) -> Vec<u8> {
    body.encode()
}

fn broker_body(counter: i64, topics: &[&str]) -> RegisterBrokerBody {
    let mut body = RegisterBrokerBody::default();
    let w = &mut body.topic_config_serialize_wrapper;
    w.data_version = DataVersion { counter, state_version: Some(0), timestamp: 1_700_000_000_000 };
    for t in topics {
        w.topic_config_table.insert((*t).to_owned(), TopicConfig::new(*t, 4, 4, 6));
    }
    body
}

fn register(name: &str, id: i64, addr: &str, body: Vec<u8>, crc: bool) -> RemotingCommand {
    let header = RegisterBrokerRequestHeader {
        broker_name: Some(name.into()),
        broker_addr: Some(addr.into()),
        cluster_name: Some("DefaultCluster".into()),
        ha_server_addr: Some(format!("{addr}:ha")),
        broker_id: Some(id),
        enable_acting_master: Some(false),
        body_crc32: if crc { (crc32fast::hash(&body) & 0x7FFF_FFFF) as i32 } else { 0 },
        ..Default::default()
    };
    request(RequestCode::REGISTER_BROKER, &header).with_body(body)
}

fn route_request(topic: &str, version: i32) -> RemotingCommand {
    let mut req = request(
        RequestCode::GET_ROUTEINFO_BY_TOPIC,
        &GetRouteInfoRequestHeader { topic: Some(topic.into()), ..Default::default() },
    );
    req.version = version;
    req
}

fn body_text(resp: &RemotingCommand) -> String {
    String::from_utf8(resp.body.clone().unwrap_or_default().to_vec()).unwrap()
}

#[test]
fn unknown_code_is_not_supported() {
    let dir = tempfile::tempdir().unwrap();
    let p = processor(&dir);
    let resp = p.process(1, &RemotingCommand::request(RequestCode::SEND_MESSAGE));
    assert_eq!(resp.code, ResponseCode::REQUEST_CODE_NOT_SUPPORTED);
    assert_eq!(resp.remark.as_deref(), Some(" request type 10 not supported"));
}

#[test]
fn register_then_route_in_both_encodings() {
    let dir = tempfile::tempdir().unwrap();
    let p = processor(&dir);
    let resp = p.process(
        1,
        &register("broker-a", 0, "10.0.0.1:10911", body_of(broker_body(1, &["TopicTest", "TBW102"])), true),
    );
    assert_eq!(resp.code, ResponseCode::SUCCESS);
    assert_eq!(resp.ext_fields.as_ref().map(|e| e.len()), Some(0), "a master gets extFields {{}}");
    assert!(resp.body.is_none(), "no ORDER_TOPIC_CONFIG namespace yet");

    let standard = p.process(2, &route_request("TopicTest", 409));
    assert_eq!(standard.code, ResponseCode::SUCCESS);
    assert!(body_text(&standard).contains(r#""brokerAddrs":{"0":"10.0.0.1:10911"}"#), "{}", body_text(&standard));
    let plain = p.process(2, &route_request("TopicTest", 400));
    assert!(body_text(&plain).contains(r#""brokerAddrs":{0:"10.0.0.1:10911"}"#));
    let mut forced = route_request("TopicTest", 400);
    forced.ext_fields.get_or_insert_with(Default::default).insert("acceptStandardJsonOnly", "true");
    assert!(body_text(&p.process(2, &forced)).contains(r#"{"0":"#));

    let missing = p.process(2, &route_request("Nope", 479));
    assert_eq!(missing.code, ResponseCode::TOPIC_NOT_EXIST);
    assert_eq!(
        missing.remark.as_deref(),
        Some("No topic route info in name server for the topic: Nope\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.")
    );
}

#[test]
fn slave_registration_answers_master_and_order_config() {
    let dir = tempfile::tempdir().unwrap();
    let p = processor(&dir);
    p.kv().put(NAMESPACE_ORDER_TOPIC_CONFIG, "TopicTest", Some("broker-a:4"));
    let master =
        p.process(1, &register("broker-a", 0, "10.0.0.1:10911", body_of(broker_body(1, &["TopicTest", "X"])), true));
    assert_eq!(body_text(&master), r#"{"table":{"TopicTest":"broker-a:4"}}"#);
    let slave =
        p.process(2, &register("broker-a", 1, "10.0.0.2:10911", body_of(broker_body(1, &["TopicTest", "X"])), false));
    let h: RegisterBrokerResponseHeader = slave.decode_header();
    assert_eq!(h.master_addr.as_deref(), Some("10.0.0.1:10911"));
    assert_eq!(h.ha_server_addr.as_deref(), Some("10.0.0.1:10911:ha"));

    // orderTopicConf only with orderMessageEnable=true.
    assert!(!body_text(&p.process(3, &route_request("TopicTest", 479))).contains("orderTopicConf"));
    p.config.write().order_message_enable = true;
    assert!(body_text(&p.process(3, &route_request("TopicTest", 479))).contains(r#""orderTopicConf":"broker-a:4""#));
}

#[test]
fn register_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = processor(&dir);
    let mut bad_crc = register("broker-a", 0, "10.0.0.1:10911", body_of(broker_body(1, &["A", "B"])), true);
    bad_crc.ext_fields.get_or_insert_with(Default::default).insert("bodyCrc32", "12345");
    let resp = p.process(1, &bad_crc);
    assert_eq!((resp.code, resp.remark.as_deref()), (ResponseCode::SYSTEM_ERROR, Some("crc32 not match")));
    let garbage = register("broker-a", 0, "10.0.0.1:10911", b"{nope".to_vec(), true);
    let resp = p.process(1, &garbage);
    assert_eq!(resp.code, ResponseCode::SYSTEM_ERROR);
    assert!(resp.remark.unwrap().starts_with("Failed to decode RegisterBrokerBody"));
    let single = p.process(1, &register("broker-a", 0, "10.0.0.1:10911", body_of(broker_body(1, &["A"])), true));
    assert_eq!((single.code, single.remark.as_deref()), (ResponseCode::SYSTEM_ERROR, Some("register broker failed")));
}

#[test]
fn compressed_and_bodyless_registrations() {
    let dir = tempfile::tempdir().unwrap();
    let p = processor(&dir);
    let zipped = broker_body(1, &["Zipped", "TBW102"]).encode_compressed(false);
    let mut req = register("broker-a", 0, "10.0.0.1:10911", zipped, true);
    req.ext_fields.get_or_insert_with(Default::default).insert("compressed", "true");
    req.version = 409;
    assert_eq!(p.process(1, &req).code, ResponseCode::SUCCESS);
    assert_eq!(p.process(1, &route_request("Zipped", 409)).code, ResponseCode::SUCCESS);

    let mut bare = register("broker-b", 0, "10.0.0.3:10911", Vec::new(), false);
    bare.body = None;
    assert_eq!(p.process(2, &bare).code, ResponseCode::SUCCESS);
    assert!(p.route().is_broker_alive("DefaultCluster", "10.0.0.3:10911"));
    assert_eq!(p.route().query_broker_topic_config("DefaultCluster", "10.0.0.3:10911").unwrap().timestamp, 0);
}

#[test]
fn query_data_version() {
    let dir = tempfile::tempdir().unwrap();
    let p = processor(&dir);
    let header = QueryDataVersionRequestHeader {
        broker_name: Some("broker-a".into()),
        broker_addr: Some("10.0.0.1:10911".into()),
        cluster_name: Some("DefaultCluster".into()),
        broker_id: Some(0),
    };
    let dv = DataVersion { counter: 1, state_version: None, timestamp: 1_700_000_000_000 };
    let query = || request(RequestCode::QUERY_DATA_VERSION, &header).with_body(to_vec_plain(&dv));
    let unknown = p.process(1, &query());
    assert_eq!(unknown.ext("changed"), Some("true"));
    assert!(unknown.body.is_none());
    p.process(1, &register("broker-a", 0, "10.0.0.1:10911", body_of(broker_body(1, &["A", "B"])), true));
    let known = p.process(1, &query());
    assert_eq!(known.ext("changed"), Some("false"), "4.9.8 shape equals the stored 5.3.3 one");
    assert_eq!(body_text(&known), r#"{"counter":1,"stateVersion":0,"timestamp":1700000000000}"#);
}

#[test]
fn kv_requests() {
    let dir = tempfile::tempdir().unwrap();
    let p = processor(&dir);
    let put = |ns: Option<&str>, k: &str, v: &str| {
        let h = PutKVConfigRequestHeader { namespace: ns.map(Into::into), key: Some(k.into()), value: Some(v.into()) };
        p.process(1, &request(RequestCode::PUT_KV_CONFIG, &h))
    };
    assert_eq!(put(None, "k", "v").remark.as_deref(), Some("namespace or key is null"));
    assert_eq!(put(Some("ns"), "k", "v").code, ResponseCode::SUCCESS);
    let get = |k: &str| {
        let h = GetKVConfigRequestHeader { namespace: Some("ns".into()), key: Some(k.into()) };
        p.process(1, &request(RequestCode::GET_KV_CONFIG, &h))
    };
    assert_eq!(get("k").ext("value"), Some("v"));
    let missing = get("zz");
    assert_eq!(missing.code, ResponseCode::QUERY_NOT_FOUND);
    assert_eq!(missing.remark.as_deref(), Some("No config item, Namespace: ns Key: zz"));
    let list = |ns: &str| {
        let h = GetKVListByNamespaceRequestHeader { namespace: Some(ns.into()) };
        p.process(1, &request(RequestCode::GET_KVLIST_BY_NAMESPACE, &h))
    };
    assert_eq!(from_slice::<KVTable>(&list("ns").body.unwrap()).unwrap().table["k"], "v");
    assert_eq!(list("other").remark.as_deref(), Some("No config item, Namespace: other"));
    let del = DeleteKVConfigRequestHeader { namespace: Some("ns".into()), key: Some("k".into()) };
    assert_eq!(p.process(1, &request(RequestCode::DELETE_KV_CONFIG, &del)).code, ResponseCode::SUCCESS);
    assert_eq!(get("k").code, ResponseCode::QUERY_NOT_FOUND);
    assert_eq!(body_text(&list("ns")), r#"{"table":{}}"#);
}

#[test]
fn namesrv_config_get_and_update() {
    let dir = tempfile::tempdir().unwrap();
    let p = processor(&dir);
    let get = p.process(1, &RemotingCommand::request(RequestCode::GET_NAMESRV_CONFIG));
    assert!(body_text(&get).contains("orderMessageEnable=false\n"));
    let update = |text: &str| {
        p.process(1, &RemotingCommand::request(RequestCode::UPDATE_NAMESRV_CONFIG).with_body(text.as_bytes().to_vec()))
    };
    assert_eq!(update("orderMessageEnable=true\n").code, ResponseCode::SUCCESS);
    assert!(p.config().order_message_enable);
    let stored = std::fs::read_to_string(dir.path().join("namesrv.properties")).unwrap();
    assert!(stored.contains("orderMessageEnable=true\n"));
    let refused = update("kvConfigPath=/tmp/x\n");
    assert_eq!(
        (refused.code, refused.remark.as_deref()),
        (ResponseCode::NO_PERMISSION, Some("Can not update config in black list."))
    );
    assert_eq!(update("rocketmqHome=/x\n").code, ResponseCode::NO_PERMISSION);
    assert_eq!(update("a=\\uZZ\n").remark.as_deref(), Some("string2Properties error"));
    assert_eq!(p.process(1, &RemotingCommand::request(RequestCode::UPDATE_NAMESRV_CONFIG)).code, ResponseCode::SUCCESS);
}

#[test]
fn listings_and_perms() {
    let dir = tempfile::tempdir().unwrap();
    let p = processor(&dir);
    p.process(1, &register("broker-a", 0, "10.0.0.1:10911", body_of(broker_body(1, &["A", "B"])), true));
    let all = p.process(1, &RemotingCommand::request(RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER));
    assert_eq!(body_text(&all), r#"{"topicList":["A","B"]}"#);
    let sys = p.process(1, &RemotingCommand::request(RequestCode::GET_SYSTEM_TOPIC_LIST_FROM_NS));
    assert_eq!(from_slice::<TopicList>(&sys.body.unwrap()).unwrap().broker_addr.as_deref(), Some("10.0.0.1:10911"));
    let by_cluster = GetTopicsByClusterRequestHeader { cluster: Some("DefaultCluster".into()) };
    assert_eq!(
        body_text(&p.process(1, &request(RequestCode::GET_TOPICS_BY_CLUSTER, &by_cluster))),
        r#"{"topicList":["A","B"]}"#
    );
    let info = p.process(1, &RemotingCommand::request(RequestCode::GET_BROKER_CLUSTER_INFO));
    assert!(body_text(&info).contains(r#""brokerAddrs":{0:"10.0.0.1:10911"}"#));

    let wipe = WipeWritePermOfBrokerRequestHeader { broker_name: Some("broker-a".into()) };
    assert_eq!(p.process(1, &request(RequestCode::WIPE_WRITE_PERM_OF_BROKER, &wipe)).ext("wipeTopicCount"), Some("2"));
    let add = AddWritePermOfBrokerRequestHeader { broker_name: Some("nobody".into()) };
    assert_eq!(p.process(1, &request(RequestCode::ADD_WRITE_PERM_OF_BROKER, &add)).ext("addTopicCount"), Some("0"));

    p.config.write().enable_all_topic_list = false;
    p.config.write().enable_topic_list = false;
    let disabled = p.process(1, &RemotingCommand::request(RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER));
    assert_eq!((disabled.code, disabled.remark.as_deref()), (ResponseCode::SYSTEM_ERROR, Some("disable")));
    assert_eq!(
        p.process(1, &RemotingCommand::request(RequestCode::GET_UNIT_TOPIC_LIST)).remark.as_deref(),
        Some("disable")
    );

    let member =
        GetBrokerMemberGroupRequestHeader { cluster_name: Some("c".into()), broker_name: Some("broker-a".into()) };
    let group = p.process(1, &request(RequestCode::GET_BROKER_MEMBER_GROUP, &member));
    assert_eq!(
        body_text(&group),
        r#"{"brokerMemberGroup":{"brokerAddrs":{0:"10.0.0.1:10911"},"brokerName":"broker-a","cluster":"c"}}"#
    );
}

#[test]
fn zone_mode_filters_routes() {
    let dir = tempfile::tempdir().unwrap();
    let p = processor(&dir);
    for (name, addr, zone, ch) in [("broker-a", "10.0.0.1:10911", "z1", 1), ("broker-b", "10.0.0.2:10911", "z2", 2)] {
        let mut req = register(name, 0, addr, body_of(broker_body(1, &["T", "U"])), true);
        req.ext_fields.get_or_insert_with(Default::default).insert(ZONE_NAME, zone);
        p.process(ch, &req);
    }
    let mut req = route_request("T", 479);
    let ext = req.ext_fields.get_or_insert_with(Default::default);
    ext.insert(ZONE_MODE, "true");
    ext.insert(ZONE_NAME, "Z1");
    let route: TopicRouteData = from_slice(&p.process(3, &req).body.unwrap()).unwrap();
    assert_eq!(route.broker_datas.len(), 1);
    assert_eq!(route.broker_datas[0].zone_name.as_deref(), Some("z1"));
    assert_eq!(route.queue_datas.len(), 1);
}
