//! Wire types of the client-management family: heartbeat bodies and the headers/bodies of UNREGISTER_CLIENT,
//! CHECK_CLIENT_CONFIG, GET_CONSUMER_LIST_BY_GROUP and NOTIFY_CONSUMER_IDS_CHANGED.
//!
//! They mirror Java's `protocol.heartbeat` package (4.9.8 `common.protocol.heartbeat`, 5.3.3
//! `remoting.protocol.heartbeat`) and a few `protocol.header` / `protocol.body` classes, and belong in
//! `crate::protocol::heartbeat`; they live here only because the broker branch does not touch
//! `src/protocol`. Moving them is a pure `mv` plus import paths.
//!
//! Reading is lenient like fastjson: missing properties take Java's field defaults, unknown properties are
//! ignored, and an enum constant this code does not know reads as `Unknown` rather than failing the body.
//! Fields are declared alphabetically so that writing reproduces fastjson's property order.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::custom_header;

/// `SubscriptionData.SUB_ALL`.
pub const SUB_ALL: &str = "*";
/// `ExpressionType.TAG`.
pub const EXPRESSION_TAG: &str = "TAG";
/// `ExpressionType.SQL92`.
pub const EXPRESSION_SQL92: &str = "SQL92";
/// `MixAll.IS_SUPPORT_HEART_BEAT_V2`: HEART_BEAT response ext field.
pub const IS_SUPPORT_HEART_BEAT_V2: &str = "IS_SUPPORT_HEART_BEAT_V2";
/// `MixAll.IS_SUB_CHANGE`: HEART_BEAT response ext field.
pub const IS_SUB_CHANGE: &str = "IS_SUB_CHANGE";

/// Mirrors `ConsumeType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsumeType {
    /// Pull consumers and lite-pull consumers.
    ConsumeActively,
    /// Push consumers.
    ConsumePassively,
    /// [5.3.3] POP consumers.
    ConsumePop,
    /// A name this code does not know.
    #[serde(other)]
    Unknown,
}

/// Mirrors `MessageModel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageModel {
    /// Every instance gets every message.
    Broadcasting,
    /// Instances share the queues.
    Clustering,
    /// A name this code does not know.
    #[serde(other)]
    Unknown,
}

/// Mirrors `ConsumeFromWhere` (including the three deprecated constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum ConsumeFromWhere {
    ConsumeFromLastOffset,
    ConsumeFromLastOffsetAndFromMinWhenBootFirst,
    ConsumeFromMinOffset,
    ConsumeFromMaxOffset,
    ConsumeFromFirstOffset,
    ConsumeFromTimestamp,
    /// A name this code does not know.
    #[serde(other)]
    Unknown,
}

fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn tag_type() -> Option<String> {
    Some(EXPRESSION_TAG.to_owned())
}

/// Mirrors `heartbeat.SubscriptionData`: one topic subscription of a consumer group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionData {
    /// Legacy filter-server mode.
    #[serde(default)]
    pub class_filter_mode: bool,
    /// Java `String.hashCode()` of each tag.
    #[serde(default)]
    pub code_set: Vec<i32>,
    /// `TAG` (the default) or `SQL92`.
    #[serde(default = "tag_type", skip_serializing_if = "Option::is_none")]
    pub expression_type: Option<String>,
    /// `*`, `tagA || tagB`, or the SQL92 text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_string: Option<String>,
    /// Creation / rebalance time in ms; the broker keeps the highest per topic.
    #[serde(default = "now_millis")]
    pub sub_version: i64,
    /// Trimmed tags (empty for `*` and SQL92).
    #[serde(default)]
    pub tags_set: Vec<String>,
    /// The topic.
    #[serde(default)]
    pub topic: String,
}

impl SubscriptionData {
    /// A TAG subscription with no tags (`*`-like) at `sub_version`.
    pub fn new(topic: impl Into<String>, sub_string: impl Into<String>, sub_version: i64) -> Self {
        SubscriptionData {
            class_filter_mode: false,
            code_set: Vec::new(),
            expression_type: tag_type(),
            sub_string: Some(sub_string.into()),
            sub_version,
            tags_set: Vec::new(),
            topic: topic.into(),
        }
    }

    /// `ExpressionType.isTagType`: absent, empty or `TAG`.
    pub fn is_tag_type(&self) -> bool {
        match self.expression_type.as_deref() {
            None => true,
            Some(t) => t.is_empty() || t == EXPRESSION_TAG,
        }
    }
}

/// Mirrors `heartbeat.ConsumerData`: one consumer group of a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerData {
    /// Where a new group starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consume_from_where: Option<ConsumeFromWhere>,
    /// Push, pull or pop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consume_type: Option<ConsumeType>,
    /// The consumer group.
    #[serde(default)]
    pub group_name: String,
    /// Clustering or broadcasting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_model: Option<MessageModel>,
    /// The subscriptions (a Java `Set`).
    #[serde(default)]
    pub subscription_data_set: Vec<SubscriptionData>,
    /// Unit mode.
    #[serde(default)]
    pub unit_mode: bool,
}

/// Mirrors `heartbeat.ProducerData`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProducerData {
    /// The producer group.
    #[serde(default)]
    pub group_name: String,
}

/// Mirrors `heartbeat.HeartbeatData`, the HEART_BEAT body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeartbeatData {
    /// `clientIP@instanceName[@unitName]`.
    #[serde(default, rename = "clientID")]
    pub client_id: String,
    /// Consumer groups of the client.
    #[serde(default)]
    pub consumer_data_set: Vec<ConsumerData>,
    /// [5.3.3] Non-zero only for heartbeat v2.
    #[serde(default)]
    pub heartbeat_fingerprint: i32,
    /// Producer groups of the client (always `CLIENT_INNER_PRODUCER`).
    #[serde(default)]
    pub producer_data_set: Vec<ProducerData>,
    /// [5.3.3] A v2 "light" heartbeat: every subscription set is empty and must not be applied.
    #[serde(default)]
    pub without_sub: bool,
}

/// Mirrors `body.CheckClientRequestBody`, the CHECK_CLIENT_CONFIG body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckClientRequestBody {
    /// The client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The consumer group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// [5.3.3] The client's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The subscription to check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_data: Option<SubscriptionData>,
}

/// Mirrors `body.GetConsumerListByGroupResponseBody`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetConsumerListByGroupResponseBody {
    /// Client ids, exactly as the clients sent them.
    #[serde(default)]
    pub consumer_id_list: Vec<String>,
}

custom_header! {
    /// Mirrors `UnregisterClientRequestHeader` (UNREGISTER_CLIENT, 35).
    pub struct UnregisterClientRequestHeader {
        client_id: Option<String> => "clientID",
        producer_group: Option<String> => "producerGroup",
        consumer_group: Option<String> => "consumerGroup",
    }
}

custom_header! {
    /// Mirrors `GetConsumerListByGroupRequestHeader` (GET_CONSUMER_LIST_BY_GROUP, 38).
    pub struct GetConsumerListByGroupRequestHeader {
        consumer_group: Option<String> => "consumerGroup",
    }
}

custom_header! {
    /// Mirrors `NotifyConsumerIdsChangedRequestHeader` (NOTIFY_CONSUMER_IDS_CHANGED, 40, broker → client).
    pub struct NotifyConsumerIdsChangedRequestHeader {
        consumer_group: Option<String> => "consumerGroup",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::fastjson::{from_slice, to_vec_plain};

    /// The 4.9.8 push-consumer heartbeat of broker-client-protocol.md §2.3.
    const HEARTBEAT_498: &str = r#"{"clientID":"10.0.0.5@4711#2218931212","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",
 "consumeType":"CONSUME_PASSIVELY","groupName":"cg1","messageModel":"CLUSTERING","subscriptionDataSet":[
 {"classFilterMode":false,"codeSet":[2598919],"expressionType":"TAG","subString":"TagA","subVersion":1700000000000,"tagsSet":["TagA"],"topic":"T1"},
 {"classFilterMode":false,"codeSet":[],"expressionType":"TAG","subString":"*","subVersion":1700000000001,"tagsSet":[],"topic":"%RETRY%cg1"}],
 "unitMode":false}],"producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}]}"#;

    #[test]
    fn reads_a_4_9_8_heartbeat() {
        let hb: HeartbeatData = from_slice(HEARTBEAT_498.as_bytes()).unwrap();
        assert_eq!(hb.client_id, "10.0.0.5@4711#2218931212");
        assert_eq!(hb.heartbeat_fingerprint, 0);
        assert!(!hb.without_sub);
        assert_eq!(hb.producer_data_set[0].group_name, "CLIENT_INNER_PRODUCER");
        let c = &hb.consumer_data_set[0];
        assert_eq!(c.consume_type, Some(ConsumeType::ConsumePassively));
        assert_eq!(c.message_model, Some(MessageModel::Clustering));
        assert_eq!(c.consume_from_where, Some(ConsumeFromWhere::ConsumeFromLastOffset));
        assert_eq!(c.subscription_data_set.len(), 2);
        let s = &c.subscription_data_set[0];
        assert_eq!((s.topic.as_str(), s.sub_version, s.code_set.as_slice()), ("T1", 1_700_000_000_000, &[2598919][..]));
        assert!(s.is_tag_type());
    }

    #[test]
    fn lenient_with_defaults_and_unknown_names() {
        let text = br#"{"clientID":"c","consumerDataSet":[{"groupName":"g","consumeType":"CONSUME_SOMEHOW",
            "subscriptionDataSet":[{"topic":"T","subString":"a > 1","expressionType":"SQL92"}]}],
            "heartbeatFingerprint":7,"withoutSub":true,"newField":1}"#;
        let hb: HeartbeatData = from_slice(text).unwrap();
        assert_eq!(hb.heartbeat_fingerprint, 7);
        assert!(hb.without_sub);
        let c = &hb.consumer_data_set[0];
        assert_eq!(c.consume_type, Some(ConsumeType::Unknown));
        assert_eq!(c.message_model, None);
        assert!(!c.subscription_data_set[0].is_tag_type());
        assert!(c.subscription_data_set[0].sub_version > 0, "Java stamps a missing subVersion with now");
        let sub: SubscriptionData = from_slice(br#"{"topic":"T"}"#).unwrap();
        assert!(sub.is_tag_type());
    }

    #[test]
    fn consumer_list_body_and_headers() {
        let body = GetConsumerListByGroupResponseBody { consumer_id_list: vec!["a@1".into(), "b@2".into()] };
        assert_eq!(to_vec_plain(&body), br#"{"consumerIdList":["a@1","b@2"]}"#);
        use crate::remoting::{CustomHeader, ExtFields};
        let ext: ExtFields = [("clientID", "c@1"), ("consumerGroup", "g"), ("bname", "b")].into_iter().collect();
        let h = UnregisterClientRequestHeader::decode(&ext);
        assert_eq!(h.client_id.as_deref(), Some("c@1"));
        assert_eq!(h.producer_group, None);
        assert_eq!(h.consumer_group.as_deref(), Some("g"));
    }
}
