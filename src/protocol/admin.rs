//! The admin plane's headers (4.9.8 `common.protocol.header`, 5.3.3 `remoting.protocol.header`), with their
//! exact Java field names: topics (17, 215, 351, 202), groups (207, 352, 353), statistics (208, 315, 317, 303),
//! connections (203, 204, 300, 343, 345), offsets (222, 314, 308), relays to clients (220, 221, 223, 307,
//! 309), the store (321, 908) and ACL 1.0 (52). Bodies are in [`super::admin_body`].
//!
//! Every field is an `Option` so that the processors tell "absent" from a value; the 5.3.3 `RpcRequestHeader`
//! fields (`ns`, `nsd`, `bname`, `oway`, `lo`) are ignored unless named.

use crate::custom_header;

custom_header! {
    /// Mirrors `CreateTopicRequestHeader` (UPDATE_AND_CREATE_TOPIC 17).
    pub struct CreateTopicRequestHeader {
        topic: Option<String> => "topic",
        default_topic: Option<String> => "defaultTopic",
        read_queue_nums: Option<i32> => "readQueueNums",
        write_queue_nums: Option<i32> => "writeQueueNums",
        perm: Option<i32> => "perm",
        topic_filter_type: Option<String> => "topicFilterType",
        topic_sys_flag: Option<i32> => "topicSysFlag",
        order: Option<bool> => "order",
        attributes: Option<String> => "attributes",
        force: Option<bool> => "force",
    }
}

custom_header! {
    /// Mirrors `DeleteTopicRequestHeader` (215), `GetTopicStatsInfoRequestHeader` (202),
    /// `QueryTopicConsumeByWhoRequestHeader` (300): one `topic`.
    pub struct TopicRequestHeader {
        topic: Option<String> => "topic",
    }
}

custom_header! {
    /// Mirrors [5.3.3] `GetTopicConfigRequestHeader` (351).
    pub struct GetTopicConfigRequestHeader {
        topic: Option<String> => "topic",
        lo: Option<bool> => "lo",
    }
}

custom_header! {
    /// Mirrors `DeleteSubscriptionGroupRequestHeader` (207): 4.9.8 sends `removeOffset`, 5.3.3 `cleanOffset`.
    pub struct DeleteSubscriptionGroupRequestHeader {
        group_name: Option<String> => "groupName",
        remove_offset: Option<bool> => "removeOffset",
        clean_offset: Option<bool> => "cleanOffset",
    }
}

custom_header! {
    /// Mirrors [5.3.3] `GetSubscriptionGroupConfigRequestHeader` (352).
    pub struct GetSubscriptionGroupConfigRequestHeader {
        group: Option<String> => "group",
    }
}

custom_header! {
    /// Mirrors [5.3.3] `UpdateGroupForbiddenRequestHeader` (353).
    pub struct UpdateGroupForbiddenRequestHeader {
        group: Option<String> => "group",
        topic: Option<String> => "topic",
        readable: Option<bool> => "readable",
    }
}

custom_header! {
    /// Mirrors `GetConsumerConnectionListRequestHeader` (203) and `GetConsumerListByGroupRequestHeader`.
    pub struct ConsumerGroupRequestHeader {
        consumer_group: Option<String> => "consumerGroup",
    }
}

custom_header! {
    /// Mirrors `GetProducerConnectionListRequestHeader` (204).
    pub struct GetProducerConnectionListRequestHeader {
        producer_group: Option<String> => "producerGroup",
    }
}

custom_header! {
    /// Mirrors `GetConsumeStatsRequestHeader` (208).
    pub struct GetConsumeStatsRequestHeader {
        consumer_group: Option<String> => "consumerGroup",
        topic: Option<String> => "topic",
        topic_list: Option<String> => "topicList",
    }
}

custom_header! {
    /// Mirrors `GetConsumeStatsInBrokerHeader` (317).
    pub struct GetConsumeStatsInBrokerHeader {
        is_order: Option<bool> => "isOrder",
    }
}

custom_header! {
    /// Mirrors `ViewBrokerStatsDataRequestHeader` (315).
    pub struct ViewBrokerStatsDataRequestHeader {
        stats_name: Option<String> => "statsName",
        stats_key: Option<String> => "statsKey",
    }
}

custom_header! {
    /// Mirrors `QueryConsumeTimeSpanRequestHeader` (303).
    pub struct QueryConsumeTimeSpanRequestHeader {
        topic: Option<String> => "topic",
        group: Option<String> => "group",
    }
}

custom_header! {
    /// Mirrors [5.3.3] `QueryTopicsByConsumerRequestHeader` (343) and `QuerySubscriptionByConsumerRequestHeader`
    /// (345, with `topic`).
    pub struct QueryByConsumerRequestHeader {
        group: Option<String> => "group",
        topic: Option<String> => "topic",
    }
}

custom_header! {
    /// Mirrors `CloneGroupOffsetRequestHeader` (314).
    pub struct CloneGroupOffsetRequestHeader {
        src_group: Option<String> => "srcGroup",
        dest_group: Option<String> => "destGroup",
        topic: Option<String> => "topic",
        offline: Option<bool> => "offline",
    }
}

custom_header! {
    /// Mirrors `QueryCorrectionOffsetHeader` (308).
    pub struct QueryCorrectionOffsetHeader {
        filter_groups: Option<String> => "filterGroups",
        compare_group: Option<String> => "compareGroup",
        topic: Option<String> => "topic",
    }
}

custom_header! {
    /// Mirrors `ResetOffsetRequestHeader` (INVOKE_BROKER_TO_RESET_OFFSET 222, and RESET_CONSUMER_CLIENT_OFFSET 220
    /// relayed to the clients).
    pub struct ResetOffsetRequestHeader {
        topic: Option<String> => "topic",
        group: Option<String> => "group",
        queue_id: Option<i32> => "queueId",
        offset: Option<i64> => "offset",
        timestamp: Option<i64> => "timestamp",
        is_force: Option<bool> => "isForce",
    }
}

custom_header! {
    /// Mirrors `GetConsumerStatusRequestHeader` (INVOKE_BROKER_TO_GET_CONSUMER_STATUS 223, relayed as 221).
    pub struct GetConsumerStatusRequestHeader {
        topic: Option<String> => "topic",
        group: Option<String> => "group",
        client_addr: Option<String> => "clientAddr",
    }
}

custom_header! {
    /// Mirrors `GetConsumerRunningInfoRequestHeader` (307).
    pub struct GetConsumerRunningInfoRequestHeader {
        consumer_group: Option<String> => "consumerGroup",
        client_id: Option<String> => "clientId",
        jstack_enable: Option<bool> => "jstackEnable",
    }
}

custom_header! {
    /// Mirrors `ConsumeMessageDirectlyResultRequestHeader` (309).
    pub struct ConsumeMessageDirectlyResultRequestHeader {
        consumer_group: Option<String> => "consumerGroup",
        client_id: Option<String> => "clientId",
        msg_id: Option<String> => "msgId",
        broker_name: Option<String> => "brokerName",
        topic: Option<String> => "topic",
        topic_sys_flag: Option<i32> => "topicSysFlag",
        group_sys_flag: Option<i32> => "groupSysFlag",
    }
}

custom_header! {
    /// Mirrors `QueryConsumeQueueRequestHeader` (321).
    pub struct QueryConsumeQueueRequestHeader {
        topic: Option<String> => "topic",
        queue_id: Option<i32> => "queueId",
        index: Option<i64> => "index",
        count: Option<i32> => "count",
        consumer_group: Option<String> => "consumerGroup",
    }
}

custom_header! {
    /// Mirrors [5.3.3] `ResetMasterFlushOffsetHeader` (908).
    pub struct ResetMasterFlushOffsetHeader {
        master_flush_offset: Option<i64> => "masterFlushOffset",
    }
}

custom_header! {
    /// Mirrors `GetBrokerConfigResponseHeader` (26): the configuration's DataVersion as JSON.
    pub struct GetBrokerConfigResponseHeader {
        version: Option<String> => "version",
    }
}
