//! The admin plane's bodies (4.9.8 `common.protocol.body` / `common.admin`, 5.3.3 `remoting.protocol.body` /
//! `admin`), declared in fastjson's (alphabetical) property order.
//!
//! Several Java bodies are maps keyed by a `MessageQueue` object, which fastjson writes as an object key
//! (`{{"brokerName":"b","queueId":0,"topic":"t"}:{…}}`); serde cannot, so those bodies are written by
//! [`MqMap::write`] into a hand-assembled envelope. The tools read them back with fastjson.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::remoting::fastjson;

/// Mirrors `common.message.MessageQueue`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageQueue {
    /// The broker name.
    pub broker_name: String,
    /// The queue id.
    pub queue_id: i32,
    /// The topic.
    pub topic: String,
}

impl MessageQueue {
    /// A queue of `topic` on `broker_name`.
    pub fn new(topic: &str, broker_name: &str, queue_id: i32) -> Self {
        MessageQueue { broker_name: broker_name.to_owned(), queue_id, topic: topic.to_owned() }
    }
}

/// A map keyed by `MessageQueue`, written as fastjson writes a `Map<MessageQueue, V>`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MqMap<V>(pub Vec<(MessageQueue, V)>);

impl<V: Serialize> MqMap<V> {
    /// Appends `{k:v,…}` to `out` (object keys, plain fastjson form).
    pub fn write(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        for (i, (mq, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&fastjson::to_vec_plain(mq));
            out.push(b':');
            out.extend_from_slice(&fastjson::to_vec_plain(v));
        }
        out.push(b'}');
    }
}

/// Writes a JSON object whose properties are given as `(name, raw JSON value)` in order.
pub fn object<K: AsRef<str>>(props: &[(K, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.push(b'{');
    for (i, (name, value)) in props.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        fastjson::write_string(&mut out, name.as_ref());
        out.push(b':');
        out.extend_from_slice(value);
    }
    out.push(b'}');
    out
}

/// Writes a JSON array of raw JSON values.
pub fn array(items: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + items.iter().map(Vec::len).sum::<usize>() + items.len());
    out.push(b'[');
    out.extend_from_slice(&items.join(&b","[..]));
    out.push(b']');
    out
}

/// [`MqMap::write`] into a fresh buffer.
pub fn mq_map<V: Serialize>(map: &MqMap<V>) -> Vec<u8> {
    let mut out = Vec::new();
    map.write(&mut out);
    out
}

/// A JSON number as fastjson writes a `double` (`1.0`, `0.5`, never `1`).
pub fn double(v: f64) -> Vec<u8> {
    fastjson::to_vec_plain(&v)
}

/// Mirrors `admin.TopicOffset`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicOffset {
    /// Store time of the last message, 0 if none.
    pub last_update_timestamp: i64,
    /// Next offset to be written.
    pub max_offset: i64,
    /// Smallest readable offset.
    pub min_offset: i64,
}

/// Mirrors `admin.OffsetWrapper`; `pullOffset` is 5.3.3's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OffsetWrapper {
    /// Max offset of the queue.
    pub broker_offset: i64,
    /// The group's committed offset (0 if none).
    pub consumer_offset: i64,
    /// Store time of the last consumed message.
    pub last_timestamp: i64,
    /// [5.3.3] max(committed, last pulled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_offset: Option<i64>,
}

/// Mirrors `body.Connection`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// The client's `ip:port`.
    pub client_addr: String,
    /// The heartbeat's client id.
    pub client_id: String,
    /// `LanguageCode` name.
    pub language: String,
    /// The client's version ordinal.
    pub version: i32,
}

/// Mirrors `body.ProducerConnection`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProducerConnection {
    /// One entry per connection.
    pub connection_set: Vec<Connection>,
}

/// Mirrors `body.ConsumerConnection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerConnection {
    /// One entry per connection.
    pub connection_set: Vec<Connection>,
    /// From the heartbeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consume_from_where: Option<crate::protocol::heartbeat::ConsumeFromWhere>,
    /// From the heartbeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consume_type: Option<crate::protocol::heartbeat::ConsumeType>,
    /// From the heartbeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_model: Option<crate::protocol::heartbeat::MessageModel>,
    /// Topic → subscription.
    pub subscription_table: BTreeMap<String, crate::protocol::heartbeat::SubscriptionData>,
}

/// Mirrors `body.ProducerInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProducerInfo {
    /// The heartbeat's client id.
    pub client_id: String,
    /// `LanguageCode` name.
    pub language: String,
    /// Last heartbeat, ms since the epoch.
    pub last_update_timestamp: i64,
    /// The client's `ip:port`.
    #[serde(rename = "remoteIP")]
    pub remote_ip: String,
    /// The client's version ordinal.
    pub version: i32,
}

/// Mirrors `body.ProducerTableInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerTableInfo {
    /// Group → producers.
    pub data: BTreeMap<String, Vec<ProducerInfo>>,
}

/// Mirrors `body.GroupList`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupList {
    /// The groups.
    pub group_list: BTreeSet<String>,
}

/// Mirrors [5.3.3] `body.QuerySubscriptionResponseBody`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuerySubscriptionResponseBody {
    /// The group.
    pub group: String,
    /// Its subscription of the topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_data: Option<crate::protocol::heartbeat::SubscriptionData>,
    /// The topic.
    pub topic: String,
}

/// Mirrors `body.ConsumeQueueData`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumeQueueData {
    /// Whether the group's filter accepts it (false without a group).
    pub eval: bool,
    /// The stored message, when looked up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
    /// Commit-log offset.
    pub physic_offset: i64,
    /// Record size.
    pub physic_size: i32,
    /// Tag hash (or delivery time).
    pub tags_code: i64,
}

/// Mirrors `body.QueryConsumeQueueResponseBody`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryConsumeQueueResponseBody {
    /// The group's filter state (or "<g>@<t> is not online!").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_data: Option<String>,
    /// Max index (exclusive).
    pub max_queue_index: i64,
    /// Min index.
    pub min_queue_index: i64,
    /// The entries.
    pub queue_data: Vec<ConsumeQueueData>,
    /// The group's subscription of the topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_data: Option<crate::protocol::heartbeat::SubscriptionData>,
}

/// Mirrors `admin.TopicStatsTable`: the GET_TOPIC_STATS_INFO body (`topicPutTps` is 5.3.3's).
pub fn topic_stats_table(offsets: &MqMap<TopicOffset>, put_tps: Option<f64>) -> Vec<u8> {
    let mut props = vec![("offsetTable", mq_map(offsets))];
    if let Some(tps) = put_tps {
        props.push(("topicPutTps", double(tps)));
    }
    object(&props)
}

/// Mirrors `admin.ConsumeStats`: `{"consumeTps":…,"offsetTable":{…}}`.
pub fn consume_stats(offsets: &MqMap<OffsetWrapper>, consume_tps: f64) -> Vec<u8> {
    object(&[("consumeTps", double(consume_tps)), ("offsetTable", mq_map(offsets))])
}

/// Mirrors `body.ResetOffsetBody`: `{"offsetTable":{mq:offset,…}}`.
pub fn reset_offset_body(offsets: &MqMap<i64>) -> Vec<u8> {
    object(&[("offsetTable", mq_map(offsets))])
}

/// Mirrors `body.QueryCorrectionOffsetBody`: `{"correctionOffsets":{0:100,…}}` (bare integer keys).
pub fn query_correction_offset_body(offsets: &BTreeMap<i32, i64>) -> Vec<u8> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Body<'a> {
        correction_offsets: &'a BTreeMap<i32, i64>,
    }
    fastjson::to_vec_plain(&Body { correction_offsets: offsets })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_queue_keys_are_objects() {
        let map = MqMap(vec![(
            MessageQueue::new("TopicTest", "broker-a", 0),
            TopicOffset { last_update_timestamp: 7, max_offset: 250, min_offset: 0 },
        )]);
        assert_eq!(
            String::from_utf8(topic_stats_table(&map, Some(0.5))).unwrap(),
            r#"{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:{"lastUpdateTimestamp":7,"maxOffset":250,"minOffset":0}},"topicPutTps":0.5}"#
        );
        let parsed = fastjson::parse_lenient(&topic_stats_table(&map, None)).unwrap();
        assert!(parsed["offsetTable"].as_object().unwrap().len() == 1);
    }

    #[test]
    fn doubles_keep_a_fraction() {
        assert_eq!(double(1.0), b"1.0");
        assert_eq!(
            String::from_utf8(consume_stats(&MqMap(vec![]), 0.0)).unwrap(),
            r#"{"consumeTps":0.0,"offsetTable":{}}"#
        );
    }
}
