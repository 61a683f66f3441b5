//! Topic naming rules the broker applies (Java's `MixAll` and `TopicValidator`). The topic table itself is the
//! store's [`TopicConfigManager`](crate::store::config_files::TopicConfigManager) (`config/topics.json`).

pub use crate::store::config_files::topics::{
    AUTO_CREATE_TOPIC_KEY_TOPIC, REPLY_TOPIC_POSTFIX, RMQ_SYS_BENCHMARK_TOPIC, RMQ_SYS_OFFSET_MOVED_EVENT,
    RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_SELF_TEST_TOPIC,
};

/// `MixAll.RETRY_GROUP_TOPIC_PREFIX`.
pub const RETRY_GROUP_TOPIC_PREFIX: &str = "%RETRY%";
/// `MixAll.DLQ_GROUP_TOPIC_PREFIX`.
pub const DLQ_GROUP_TOPIC_PREFIX: &str = "%DLQ%";

/// `MixAll.getRetryTopic`.
pub fn retry_topic(group: &str) -> String {
    format!("{RETRY_GROUP_TOPIC_PREFIX}{group}")
}

/// `MixAll.getDLQTopic`.
pub fn dlq_topic(group: &str) -> String {
    format!("{DLQ_GROUP_TOPIC_PREFIX}{group}")
}
