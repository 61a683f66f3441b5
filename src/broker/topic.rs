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

/// `TopicValidator.TOPIC_MAX_LENGTH`.
pub const TOPIC_MAX_LENGTH: usize = 127;

pub use crate::store::config_files::topics::{
    RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC,
};

/// `TopicValidator.validateTopic`: `Err(remark)` for a blank topic, a character outside `[%|a-zA-Z0-9_-]`,
/// or more than 127 characters (Java's remarks).
pub fn validate_topic(topic: &str) -> Result<(), &'static str> {
    if topic.trim().is_empty() {
        return Err("The specified topic is blank.");
    }
    if crate::store::config_files::subscription_group::is_topic_or_group_illegal(topic) {
        return Err("The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$");
    }
    if topic.chars().count() > TOPIC_MAX_LENGTH {
        return Err("The specified topic is longer than topic max length.");
    }
    Ok(())
}

/// `TopicValidator.isNotAllowedSendTopic`: the system topics producers may not send to.
pub fn is_not_allowed_send_topic(topic: &str) -> bool {
    matches!(
        topic,
        RMQ_SYS_SCHEDULE_TOPIC
            | RMQ_SYS_TRANS_HALF_TOPIC
            | RMQ_SYS_TRANS_OP_HALF_TOPIC
            | RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC
            | RMQ_SYS_SELF_TEST_TOPIC
            | RMQ_SYS_OFFSET_MOVED_EVENT
    )
}

/// The group of a `%RETRY%<group>` topic (`KeyBuilder.parseGroup`: the rest of the name).
pub fn retry_group(topic: &str) -> Option<&str> {
    topic.strip_prefix(RETRY_GROUP_TOPIC_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_like_topic_validator() {
        assert_eq!(validate_topic("TopicTest_1-%|"), Ok(()));
        assert_eq!(validate_topic(" "), Err("The specified topic is blank."));
        assert!(validate_topic("a b").unwrap_err().contains("illegal characters"));
        assert!(validate_topic("Topic.Test").unwrap_err().contains("illegal characters"));
        assert!(validate_topic(&"t".repeat(128)).unwrap_err().contains("max length"));
        assert_eq!(validate_topic(&"t".repeat(127)), Ok(()));
        assert!(is_not_allowed_send_topic("SCHEDULE_TOPIC_XXXX"));
        assert!(is_not_allowed_send_topic("OFFSET_MOVED_EVENT"));
        assert!(!is_not_allowed_send_topic("TBW102"));
        assert_eq!(retry_group("%RETRY%cg"), Some("cg"));
        assert_eq!(retry_group("T"), None);
        assert_eq!(dlq_topic("cg"), "%DLQ%cg");
    }
}
