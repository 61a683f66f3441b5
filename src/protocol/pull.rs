//! PULL-family headers and bodies (4.9.8 `common.protocol.header`/`body`, 5.3.3 `remoting.protocol.header`/
//! `body`), with their exact Java field names: PULL_MESSAGE (11) / LITE_PULL_MESSAGE (361), the consumer-offset
//! requests (14, 15), the queue-offset requests (29–32), LOCK_BATCH_MQ (41) / UNLOCK_BATCH_MQ (42),
//! QUERY_ASSIGNMENT (400) and SET_MESSAGE_REQUEST_MODE (401).
//!
//! Fields Java declares `@CFNotNull` are `Option`s where the processor must tell "absent" from a value; the
//! 5.3.3 `RpcRequestHeader` fields (`ns`, `nsd`, `bname`, `oway`, `lo`) are ignored.

use serde::{Deserialize, Serialize};

use crate::custom_header;

/// `PullSysFlag` bits of `PullMessageRequestHeader.sysFlag` (broker-client-protocol.md §5.1).
pub mod pull_sys_flag {
    /// FLAG_COMMIT_OFFSET: store `commitOffset` for the group.
    pub const COMMIT_OFFSET: i32 = 0x1;
    /// FLAG_SUSPEND: the broker may hold the request (long polling).
    pub const SUSPEND: i32 = 0x2;
    /// FLAG_SUBSCRIPTION: use the header's `subscription` / `expressionType`.
    pub const SUBSCRIPTION: i32 = 0x4;
    /// FLAG_CLASS_FILTER: legacy filter-server mode.
    pub const CLASS_FILTER: i32 = 0x8;
    /// FLAG_LITE_PULL_MESSAGE: sent by `DefaultLitePullConsumer`.
    pub const LITE_PULL_MESSAGE: i32 = 0x10;

    /// `PullSysFlag.buildSysFlag`.
    pub fn build(commit_offset: bool, suspend: bool, subscription: bool, class_filter: bool) -> i32 {
        let mut flag = 0;
        if commit_offset {
            flag |= COMMIT_OFFSET;
        }
        if suspend {
            flag |= SUSPEND;
        }
        if subscription {
            flag |= SUBSCRIPTION;
        }
        if class_filter {
            flag |= CLASS_FILTER;
        }
        flag
    }
}

custom_header! {
    /// Mirrors `PullMessageRequestHeader` (PULL_MESSAGE 11, LITE_PULL_MESSAGE 361).
    pub struct PullMessageRequestHeader {
        consumer_group: Option<String> => "consumerGroup",
        topic: Option<String> => "topic",
        queue_id: Option<i32> => "queueId",
        queue_offset: Option<i64> => "queueOffset",
        max_msg_nums: Option<i32> => "maxMsgNums",
        sys_flag: Option<i32> => "sysFlag",
        commit_offset: Option<i64> => "commitOffset",
        suspend_timeout_millis: Option<i64> => "suspendTimeoutMillis",
        subscription: Option<String> => "subscription",
        sub_version: Option<i64> => "subVersion",
        expression_type: Option<String> => "expressionType",
        max_msg_bytes: Option<i32> => "maxMsgBytes",
        request_source: Option<i32> => "requestSource",
        proxy_forward_client_id: Option<String> => "proxyFrowardClientId",
        broker_name: Option<String> => "bname",
    }
}

custom_header! {
    /// Mirrors `PullMessageResponseHeader`: the four required fields (codes 0/19/20/21) and the 5.3.3
    /// `topicSysFlag` / `groupSysFlag` (`offsetDelta` and `forbiddenType` are left absent).
    pub struct PullMessageResponseHeader {
        suggest_which_broker_id: Option<i64> => "suggestWhichBrokerId",
        next_begin_offset: Option<i64> => "nextBeginOffset",
        min_offset: Option<i64> => "minOffset",
        max_offset: Option<i64> => "maxOffset",
        topic_sys_flag: Option<i32> => "topicSysFlag",
        group_sys_flag: Option<i32> => "groupSysFlag",
    }
}

custom_header! {
    /// Mirrors `QueryConsumerOffsetRequestHeader` (14).
    pub struct QueryConsumerOffsetRequestHeader {
        consumer_group: Option<String> => "consumerGroup",
        topic: Option<String> => "topic",
        queue_id: Option<i32> => "queueId",
        set_zero_if_not_found: Option<bool> => "setZeroIfNotFound",
    }
}

custom_header! {
    /// Mirrors `UpdateConsumerOffsetRequestHeader` (15).
    pub struct UpdateConsumerOffsetRequestHeader {
        consumer_group: Option<String> => "consumerGroup",
        topic: Option<String> => "topic",
        queue_id: Option<i32> => "queueId",
        commit_offset: Option<i64> => "commitOffset",
    }
}

custom_header! {
    /// Mirrors `GetMaxOffsetRequestHeader` (30), `GetMinOffsetRequestHeader` (31) and
    /// `GetEarliestMsgStoretimeRequestHeader` (32): `topic` and `queueId` (5.3.3 adds `committed`, ignored).
    pub struct QueueRequestHeader {
        topic: Option<String> => "topic",
        queue_id: Option<i32> => "queueId",
        committed: Option<bool> => "committed",
    }
}

custom_header! {
    /// Mirrors `SearchOffsetRequestHeader` (29); `boundaryType` is 5.3.3 (`LOWER`/`UPPER`).
    pub struct SearchOffsetRequestHeader {
        topic: Option<String> => "topic",
        queue_id: Option<i32> => "queueId",
        timestamp: Option<i64> => "timestamp",
        boundary_type: Option<String> => "boundaryType",
    }
}

custom_header! {
    /// Mirrors `QueryConsumerOffsetResponseHeader`, `GetMaxOffsetResponseHeader`, `GetMinOffsetResponseHeader`
    /// and `SearchOffsetResponseHeader`: one `offset`.
    pub struct OffsetResponseHeader {
        offset: Option<i64> => "offset",
    }
}

custom_header! {
    /// Mirrors `GetEarliestMsgStoretimeResponseHeader`.
    pub struct GetEarliestMsgStoretimeResponseHeader {
        timestamp: Option<i64> => "timestamp",
    }
}

/// Mirrors `common.message.MessageQueue` (`{"brokerName":…,"queueId":…,"topic":…}`, fastjson's alphabetical
/// order). Ordered as Java's `compareTo`: topic, then broker name, then queue id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageQueue {
    /// The broker name.
    #[serde(default)]
    pub broker_name: String,
    /// The queue id.
    #[serde(default)]
    pub queue_id: i32,
    /// The topic.
    #[serde(default)]
    pub topic: String,
}

impl MessageQueue {
    /// A queue.
    pub fn new(topic: impl Into<String>, broker_name: impl Into<String>, queue_id: i32) -> Self {
        MessageQueue { broker_name: broker_name.into(), queue_id, topic: topic.into() }
    }
}

impl Ord for MessageQueue {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.topic, &self.broker_name, self.queue_id).cmp(&(&other.topic, &other.broker_name, other.queue_id))
    }
}

impl PartialOrd for MessageQueue {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Mirrors `body.LockBatchRequestBody` (LOCK_BATCH_MQ) — also the shape of `UnlockBatchRequestBody`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockBatchRequestBody {
    /// The lock owner.
    #[serde(default, rename = "clientId")]
    pub client_id: Option<String>,
    /// The consumer group.
    #[serde(default)]
    pub consumer_group: Option<String>,
    /// The queues (of this broker).
    #[serde(default)]
    pub mq_set: Vec<MessageQueue>,
    /// [5.3.3] Do not forward to replicas.
    #[serde(default)]
    pub only_this_broker: bool,
}

/// Mirrors `body.LockBatchResponseBody`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockBatchResponseBody {
    /// The queues now held by the requesting client.
    #[serde(default, rename = "lockOKMQSet")]
    pub lock_ok_mq_set: Vec<MessageQueue>,
}

/// Mirrors [5.3.3] `body.QueryAssignmentRequestBody`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryAssignmentRequestBody {
    /// The topic.
    #[serde(default)]
    pub topic: String,
    /// The consumer group.
    #[serde(default)]
    pub consumer_group: String,
    /// The client asking.
    #[serde(default)]
    pub client_id: String,
    /// Allocation strategy name (`AVG`, `AVG_BY_CIRCLE`, …).
    #[serde(default)]
    pub strategy_name: String,
    /// `CLUSTERING` / `BROADCASTING`.
    #[serde(default)]
    pub message_model: Option<String>,
}

/// Mirrors [5.3.3] `MessageQueueAssignment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageQueueAssignment {
    /// Always `null` here (Java's default).
    #[serde(default)]
    pub attachments: Option<std::collections::BTreeMap<String, String>>,
    /// The queue.
    pub message_queue: MessageQueue,
    /// `PULL` or `POP`.
    pub mode: String,
}

/// Mirrors [5.3.3] `QueryAssignmentResponseBody`; `None` means "no valid result, keep the current one".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryAssignmentResponseBody {
    /// The assignments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_queue_assignments: Option<Vec<MessageQueueAssignment>>,
}

/// Mirrors [5.3.3] `body.SetMessageRequestModeRequestBody`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetMessageRequestModeRequestBody {
    /// The consumer group.
    #[serde(default)]
    pub consumer_group: String,
    /// `PULL` (default) or `POP`.
    #[serde(default = "pull_mode")]
    pub mode: String,
    /// POP share count.
    #[serde(default)]
    pub pop_share_queue_num: i32,
    /// The topic.
    #[serde(default)]
    pub topic: String,
}

fn pull_mode() -> String {
    "PULL".to_owned()
}

/// Mirrors `OffsetMovedEvent`: the body of a message in `OFFSET_MOVED_EVENT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OffsetMovedEvent<'a> {
    /// The pulling group.
    pub consumer_group: &'a str,
    /// The queue.
    pub message_queue: MessageQueue,
    /// The offset the broker answered with.
    pub offset_new: i64,
    /// The offset the client asked for.
    pub offset_request: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::fastjson::{from_slice, to_vec_plain};
    use crate::remoting::{CustomHeader, ExtFields};

    #[test]
    fn pull_header_from_java_keys() {
        let ext: ExtFields = [
            ("consumerGroup", "g"),
            ("topic", "t"),
            ("queueId", "3"),
            ("queueOffset", "10"),
            ("maxMsgNums", "32"),
            ("sysFlag", "3"),
            ("commitOffset", "7"),
            ("suspendTimeoutMillis", "15000"),
            ("subVersion", "0"),
            ("expressionType", "TAG"),
        ]
        .into_iter()
        .collect();
        let h = PullMessageRequestHeader::decode(&ext);
        assert_eq!(h.queue_id, Some(3));
        assert_eq!(h.sys_flag, Some(pull_sys_flag::COMMIT_OFFSET | pull_sys_flag::SUSPEND));
        assert_eq!(h.subscription, None);
        assert_eq!(pull_sys_flag::build(false, true, true, false) | pull_sys_flag::LITE_PULL_MESSAGE, 22);
    }

    #[test]
    fn lock_bodies_as_fastjson() {
        let body: LockBatchRequestBody = from_slice(
            br#"{"clientId":"c1","consumerGroup":"g","mqSet":[{"brokerName":"b","queueId":1,"topic":"t"}],"onlyThisBroker":false}"#,
        )
        .unwrap();
        assert_eq!(body.mq_set, vec![MessageQueue::new("t", "b", 1)]);
        let resp = LockBatchResponseBody { lock_ok_mq_set: body.mq_set };
        assert_eq!(to_vec_plain(&resp), br#"{"lockOKMQSet":[{"brokerName":"b","queueId":1,"topic":"t"}]}"#);
    }

    #[test]
    fn offset_moved_event_json() {
        let e = OffsetMovedEvent {
            consumer_group: "g",
            message_queue: MessageQueue::new("t", "b", 0),
            offset_new: 5,
            offset_request: 9,
        };
        assert_eq!(
            to_vec_plain(&e),
            br#"{"consumerGroup":"g","messageQueue":{"brokerName":"b","queueId":0,"topic":"t"},"offsetNew":5,"offsetRequest":9}"#
        );
    }
}
