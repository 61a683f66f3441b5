//! Processor tests over fake channels (no sockets).

use std::sync::Arc;

use crate::broker::client::testing::FakeChannel;
use crate::broker::client::ClientChannel;
use crate::broker::processor::{client, consumer, Refusal};
use crate::broker::testing::TestBroker;
use crate::broker::{Broker, BrokerConfig};
use crate::protocol::heartbeat::{
    CheckClientRequestBody, ConsumeType, ConsumerData, GetConsumerListByGroupRequestHeader,
    GetConsumerListByGroupResponseBody, HeartbeatData, MessageModel, ProducerData, SubscriptionData,
    UnregisterClientRequestHeader,
};
use crate::remoting::fastjson::{from_slice, to_vec_plain};
use crate::remoting::{RemotingCommand, RequestCode, ResponseCode, SERVER_VERSION};

const NOTIFY: i32 = RequestCode::NOTIFY_CONSUMER_IDS_CHANGED;

fn broker_with(config: BrokerConfig) -> TestBroker {
    TestBroker::open(config)
}

fn broker() -> TestBroker {
    broker_with(BrokerConfig { broker_name: "broker-a".into(), ..BrokerConfig::default() })
}

fn consumer_data(group: &str, topics: &[&str]) -> ConsumerData {
    ConsumerData {
        consume_from_where: None,
        consume_type: Some(ConsumeType::ConsumePassively),
        group_name: group.into(),
        message_model: Some(MessageModel::Clustering),
        subscription_data_set: topics.iter().map(|t| SubscriptionData::new(*t, "*", 1)).collect(),
        unit_mode: false,
    }
}

fn heartbeat(client: &str, consumers: Vec<ConsumerData>) -> HeartbeatData {
    HeartbeatData {
        client_id: client.into(),
        consumer_data_set: consumers,
        producer_data_set: vec![ProducerData { group_name: "CLIENT_INNER_PRODUCER".into() }],
        ..Default::default()
    }
}

fn hb_request(data: &HeartbeatData) -> RemotingCommand {
    RemotingCommand::request(RequestCode::HEART_BEAT).with_body(to_vec_plain(data))
}

fn beat(broker: &Broker, ch: &Arc<FakeChannel>, data: &HeartbeatData) -> RemotingCommand {
    let channel: Arc<dyn ClientChannel> = ch.clone();
    client::heart_beat(broker, channel, &hb_request(data))
}

#[test]
fn heartbeat_registers_groups_and_creates_the_retry_topic() {
    let b = broker();
    let ch = FakeChannel::new(1);
    let response = beat(&b, &ch, &heartbeat("c1", vec![consumer_data("cg", &["T"])]));
    assert_eq!(response.code, ResponseCode::SUCCESS);
    assert_eq!(response.version, SERVER_VERSION);
    assert!(response.version >= 232);
    assert_eq!(response.ext("IS_SUPPORT_HEART_BEAT_V2"), Some("true"));
    assert_eq!(response.ext("IS_SUB_CHANGE"), Some("true"));
    assert_eq!(ch.take_codes(), [NOTIFY]);
    assert_eq!(b.consumers().client_ids("cg").unwrap(), ["c1"]);
    assert_eq!(b.producers().groups(), ["CLIENT_INNER_PRODUCER"]);
    let retry = b.topics().select_topic_config("%RETRY%cg").unwrap();
    assert_eq!((retry.read_queue_nums, retry.perm), (1, 6));
    let info = b.consumers().find_channel("cg", "c1").unwrap();
    assert_eq!(info.version, SERVER_VERSION, "the request's version is recorded");
}

#[test]
fn bad_heartbeat_bodies_are_system_errors() {
    let b = broker();
    let ch: Arc<dyn ClientChannel> = FakeChannel::new(1);
    let req = RemotingCommand::request(RequestCode::HEART_BEAT).with_body(&b"{nope"[..]);
    assert_eq!(client::heart_beat(&b, ch.clone(), &req).code, ResponseCode::SYSTEM_ERROR);
    let req = RemotingCommand::request(RequestCode::HEART_BEAT);
    assert_eq!(client::heart_beat(&b, ch, &req).code, ResponseCode::SYSTEM_ERROR);
}

#[test]
fn heartbeat_v2_without_subscriptions() {
    let b = broker();
    let ch = FakeChannel::new(1);
    let mut data = heartbeat("c1", vec![consumer_data("cg", &["T"])]);
    data.heartbeat_fingerprint = 11;
    assert_eq!(beat(&b, &ch, &data).ext("IS_SUB_CHANGE"), Some("false"), "first v2 heartbeat");
    data.without_sub = true;
    data.consumer_data_set[0].subscription_data_set.clear();
    assert_eq!(beat(&b, &ch, &data).ext("IS_SUB_CHANGE"), Some("false"));
    assert!(b.consumers().find_subscription_data("cg", "T").is_some(), "light heartbeats keep subscriptions");
    data.heartbeat_fingerprint = 12;
    assert_eq!(beat(&b, &ch, &data).ext("IS_SUB_CHANGE"), Some("true"));
}

#[test]
fn groups_that_cannot_be_created_or_are_rejected_are_skipped() {
    let b = broker_with(BrokerConfig {
        auto_create_subscription_group: false,
        reject_pull_consumer_enable: true,
        ..BrokerConfig::default()
    });
    let ch = FakeChannel::new(1);
    let mut pull = consumer_data("CID_RMQ_SYS_x", &["T"]);
    pull.consume_type = Some(ConsumeType::ConsumeActively);
    let response = beat(&b, &ch, &heartbeat("c1", vec![consumer_data("cg", &["T"]), pull]));
    assert_eq!(response.code, ResponseCode::SUCCESS);
    assert!(b.consumers().groups().is_empty());
    assert!(b.topics().select_topic_config("%RETRY%cg").is_none());
    assert_eq!(b.producers().groups(), ["CLIENT_INNER_PRODUCER"], "producers are still registered");
}

#[test]
fn unregister_client_removes_the_channel_and_notifies() {
    let b = broker();
    let (a, c) = (FakeChannel::new(1), FakeChannel::new(2));
    beat(&b, &a, &heartbeat("c1", vec![consumer_data("cg", &["T"])]));
    beat(&b, &c, &heartbeat("c2", vec![consumer_data("cg", &["T"])]));
    a.take_codes();
    c.take_codes();
    let header = UnregisterClientRequestHeader {
        client_id: Some("c2".into()),
        producer_group: Some("CLIENT_INNER_PRODUCER".into()),
        consumer_group: Some("cg".into()),
    };
    let req = RemotingCommand::request(RequestCode::UNREGISTER_CLIENT).with_header(&header);
    let response = client::unregister_client(&b, 2, &req);
    assert_eq!(response.code, ResponseCode::SUCCESS);
    assert_eq!(response.ext_fields.as_ref().map(|e| e.len()), Some(0));
    assert_eq!(a.take_codes(), [NOTIFY]);
    assert!(c.take_codes().is_empty());
    assert_eq!(b.consumers().client_ids("cg").unwrap(), ["c1"]);
    assert_eq!(b.producers().group_channels("CLIENT_INNER_PRODUCER").len(), 1);
}

#[test]
fn consumer_list_by_group() {
    let b = broker();
    let ch = FakeChannel::new(1);
    let req = |group: &str| {
        let header = GetConsumerListByGroupRequestHeader { consumer_group: Some(group.into()) };
        RemotingCommand::request(RequestCode::GET_CONSUMER_LIST_BY_GROUP).with_header(&header)
    };
    let response = consumer::get_consumer_list_by_group(&b, &req("cg"));
    assert_eq!(response.code, ResponseCode::SYSTEM_ERROR);
    assert_eq!(response.remark.as_deref(), Some("no consumer for this group, cg"));
    beat(&b, &ch, &heartbeat("10.0.0.5@4711#1", vec![consumer_data("cg", &["T"])]));
    let response = consumer::get_consumer_list_by_group(&b, &req("cg"));
    assert_eq!(response.code, ResponseCode::SUCCESS);
    let body: GetConsumerListByGroupResponseBody = from_slice(response.body.as_deref().unwrap()).unwrap();
    assert_eq!(body.consumer_id_list, ["10.0.0.5@4711#1"]);
}

#[test]
fn check_client_config_rules() {
    let check = |b: &Broker, expression_type: Option<&str>, text: &str| {
        let mut sub = SubscriptionData::new("T", text, 1);
        sub.expression_type = expression_type.map(str::to_owned);
        let body = CheckClientRequestBody { subscription_data: Some(sub), ..Default::default() };
        let req = RemotingCommand::request(RequestCode::CHECK_CLIENT_CONFIG).with_body(to_vec_plain(&body));
        client::check_client_config(b, &req)
    };
    let off = broker();
    assert_eq!(check(&off, Some("TAG"), "a || b").code, ResponseCode::SUCCESS);
    assert_eq!(check(&off, None, "*").code, ResponseCode::SUCCESS);
    let r = check(&off, Some("SQL92"), "a > 1");
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR);
    assert_eq!(r.remark.as_deref(), Some("The broker does not support consumer to filter message by SQL92"));

    let on = broker_with(BrokerConfig { enable_property_filter: true, ..BrokerConfig::default() });
    assert_eq!(check(&on, Some("SQL92"), "a > 1").code, ResponseCode::SUCCESS);
    assert_eq!(check(&on, Some("SQL92"), " ").code, ResponseCode::SUBSCRIPTION_PARSE_FAILED);
    assert_eq!(check(&on, Some("GROOVY"), "x").code, ResponseCode::SUBSCRIPTION_PARSE_FAILED);
    let empty = RemotingCommand::request(RequestCode::CHECK_CLIENT_CONFIG).with_body(&b"{}"[..]);
    assert_eq!(client::check_client_config(&on, &empty).code, ResponseCode::SUCCESS);
}

#[test]
fn unknown_codes_get_javas_remark() {
    let req = RemotingCommand::request(RequestCode::SEND_MESSAGE_V2);
    let response = Refusal::not_supported(req.code).into_response(&req);
    assert_eq!(response.code, ResponseCode::REQUEST_CODE_NOT_SUPPORTED);
    assert_eq!(response.remark.as_deref(), Some(" request type 310 not supported"));
}
