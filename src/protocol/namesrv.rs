//! NameServer request and response headers (4.9.8 `common.protocol.header.namesrv`, 5.3.3
//! `remoting.protocol.header.namesrv`), with their exact Java field names.
//!
//! Boxed Java fields (`String`, `Long`, `Integer`, `Boolean`) are `Option`s, written only when set; primitive
//! ones are plain values, always written. [5.3.3] headers extending `TopicRequestHeader` also carry the
//! inherited `RpcRequestHeader` fields `ns`, `nsd`, `bname`, `oway` and `TopicRequestHeader.lo`; they are kept
//! so a request can be re-encoded unchanged, and ignored by the NameServer.

use crate::custom_header;

custom_header! {
    /// Mirrors `PutKVConfigRequestHeader` (PUT_KV_CONFIG, 100).
    pub struct PutKVConfigRequestHeader {
        namespace: Option<String> => "namespace",
        key: Option<String> => "key",
        value: Option<String> => "value",
    }
}

custom_header! {
    /// Mirrors `GetKVConfigRequestHeader` (GET_KV_CONFIG, 101).
    pub struct GetKVConfigRequestHeader {
        namespace: Option<String> => "namespace",
        key: Option<String> => "key",
    }
}

custom_header! {
    /// Mirrors `GetKVConfigResponseHeader`.
    pub struct GetKVConfigResponseHeader {
        value: Option<String> => "value",
    }
}

custom_header! {
    /// Mirrors `DeleteKVConfigRequestHeader` (DELETE_KV_CONFIG, 102).
    pub struct DeleteKVConfigRequestHeader {
        namespace: Option<String> => "namespace",
        key: Option<String> => "key",
    }
}

custom_header! {
    /// Mirrors `GetKVListByNamespaceRequestHeader` (GET_KVLIST_BY_NAMESPACE, 219).
    pub struct GetKVListByNamespaceRequestHeader {
        namespace: Option<String> => "namespace",
    }
}

custom_header! {
    /// Mirrors `RegisterBrokerRequestHeader` (REGISTER_BROKER, 103).
    ///
    /// `compressed` (boolean) and `bodyCrc32` (`Integer`, initialised to 0) are always written;
    /// `heartbeatTimeoutMillis` and `enableActingMaster` are 5.3.3 fields (`enableActingMaster` absent means "a
    /// pre-5 broker").
    pub struct RegisterBrokerRequestHeader {
        broker_name: Option<String> => "brokerName",
        broker_addr: Option<String> => "brokerAddr",
        cluster_name: Option<String> => "clusterName",
        ha_server_addr: Option<String> => "haServerAddr",
        broker_id: Option<i64> => "brokerId",
        heartbeat_timeout_millis: Option<i64> => "heartbeatTimeoutMillis",
        enable_acting_master: Option<bool> => "enableActingMaster",
        compressed: bool => "compressed",
        body_crc32: i32 => "bodyCrc32",
    }
}

custom_header! {
    /// Mirrors `RegisterBrokerResponseHeader`: set only for a slave whose master is alive.
    pub struct RegisterBrokerResponseHeader {
        ha_server_addr: Option<String> => "haServerAddr",
        master_addr: Option<String> => "masterAddr",
    }
}

custom_header! {
    /// Mirrors `UnRegisterBrokerRequestHeader` (UNREGISTER_BROKER, 104).
    pub struct UnRegisterBrokerRequestHeader {
        broker_name: Option<String> => "brokerName",
        broker_addr: Option<String> => "brokerAddr",
        cluster_name: Option<String> => "clusterName",
        broker_id: Option<i64> => "brokerId",
    }
}

custom_header! {
    /// Mirrors [5.3.3] `BrokerHeartbeatRequestHeader` (BROKER_HEARTBEAT, 904). Note `heartbeatTimeoutMills`.
    pub struct BrokerHeartbeatRequestHeader {
        cluster_name: Option<String> => "clusterName",
        broker_addr: Option<String> => "brokerAddr",
        broker_name: Option<String> => "brokerName",
        broker_id: Option<i64> => "brokerId",
        epoch: Option<i32> => "epoch",
        max_offset: Option<i64> => "maxOffset",
        confirm_offset: Option<i64> => "confirmOffset",
        heartbeat_timeout_mills: Option<i64> => "heartbeatTimeoutMills",
        election_priority: Option<i32> => "electionPriority",
    }
}

custom_header! {
    /// Mirrors `QueryDataVersionRequestHeader` (QUERY_DATA_VERSION, 322).
    pub struct QueryDataVersionRequestHeader {
        broker_name: Option<String> => "brokerName",
        broker_addr: Option<String> => "brokerAddr",
        cluster_name: Option<String> => "clusterName",
        broker_id: Option<i64> => "brokerId",
    }
}

custom_header! {
    /// Mirrors `QueryDataVersionResponseHeader`.
    pub struct QueryDataVersionResponseHeader {
        changed: Option<bool> => "changed",
    }
}

custom_header! {
    /// Mirrors `GetRouteInfoRequestHeader` (GET_ROUTEINFO_BY_TOPIC, 105); [5.3.3] a `TopicRequestHeader`.
    pub struct GetRouteInfoRequestHeader {
        topic: Option<String> => "topic",
        accept_standard_json_only: Option<bool> => "acceptStandardJsonOnly",
        lo: Option<bool> => "lo",
        ns: Option<String> => "ns",
        nsd: Option<bool> => "nsd",
        bname: Option<String> => "bname",
        oway: Option<bool> => "oway",
    }
}

custom_header! {
    /// Mirrors `WipeWritePermOfBrokerRequestHeader` (WIPE_WRITE_PERM_OF_BROKER, 205).
    pub struct WipeWritePermOfBrokerRequestHeader {
        broker_name: Option<String> => "brokerName",
    }
}

custom_header! {
    /// Mirrors `WipeWritePermOfBrokerResponseHeader`; the client needs `wipeTopicCount`.
    pub struct WipeWritePermOfBrokerResponseHeader {
        wipe_topic_count: Option<i32> => "wipeTopicCount",
    }
}

custom_header! {
    /// Mirrors `AddWritePermOfBrokerRequestHeader` (ADD_WRITE_PERM_OF_BROKER, 327).
    pub struct AddWritePermOfBrokerRequestHeader {
        broker_name: Option<String> => "brokerName",
    }
}

custom_header! {
    /// Mirrors `AddWritePermOfBrokerResponseHeader`; the client needs `addTopicCount`.
    pub struct AddWritePermOfBrokerResponseHeader {
        add_topic_count: Option<i32> => "addTopicCount",
    }
}

custom_header! {
    /// Mirrors `DeleteTopicFromNamesrvRequestHeader` (DELETE_TOPIC_IN_NAMESRV, 216); [5.3.3] a
    /// `TopicRequestHeader`.
    pub struct DeleteTopicFromNamesrvRequestHeader {
        topic: Option<String> => "topic",
        cluster_name: Option<String> => "clusterName",
        lo: Option<bool> => "lo",
        ns: Option<String> => "ns",
        nsd: Option<bool> => "nsd",
        bname: Option<String> => "bname",
        oway: Option<bool> => "oway",
    }
}

custom_header! {
    /// Mirrors [5.3.3] `RegisterTopicRequestHeader` (REGISTER_TOPIC_IN_NAMESRV, 217), a `TopicRequestHeader`.
    pub struct RegisterTopicRequestHeader {
        topic: Option<String> => "topic",
        lo: Option<bool> => "lo",
        ns: Option<String> => "ns",
        nsd: Option<bool> => "nsd",
        bname: Option<String> => "bname",
        oway: Option<bool> => "oway",
    }
}

custom_header! {
    /// Mirrors `RegisterOrderTopicRequestHeader` (defined in both tags, used by no request code).
    pub struct RegisterOrderTopicRequestHeader {
        topic: Option<String> => "topic",
        order_topic_string: Option<String> => "orderTopicString",
    }
}

custom_header! {
    /// Mirrors `GetTopicsByClusterRequestHeader` (GET_TOPICS_BY_CLUSTER, 224).
    pub struct GetTopicsByClusterRequestHeader {
        cluster: Option<String> => "cluster",
    }
}

custom_header! {
    /// Mirrors [5.3.3] `GetBrokerMemberGroupRequestHeader` (GET_BROKER_MEMBER_GROUP, 901).
    pub struct GetBrokerMemberGroupRequestHeader {
        cluster_name: Option<String> => "clusterName",
        broker_name: Option<String> => "brokerName",
    }
}

custom_header! {
    /// Mirrors [5.3.3] `NotifyMinBrokerIdChangeRequestHeader` (NOTIFY_MIN_BROKER_ID_CHANGE, 905, NameServer →
    /// broker).
    pub struct NotifyMinBrokerIdChangeRequestHeader {
        min_broker_id: Option<i64> => "minBrokerId",
        broker_name: Option<String> => "brokerName",
        min_broker_addr: Option<String> => "minBrokerAddr",
        offline_broker_addr: Option<String> => "offlineBrokerAddr",
        ha_broker_addr: Option<String> => "haBrokerAddr",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::remoting::{CustomHeader, ExtFields};

    #[test]
    fn register_broker_header_from_a_5_3_3_master() {
        let ext: ExtFields = [
            ("brokerId", "0"),
            ("bodyCrc32", "1096785431"),
            ("clusterName", "DefaultCluster"),
            ("brokerAddr", "192.168.0.10:10911"),
            ("haServerAddr", "192.168.0.10:10912"),
            ("enableActingMaster", "false"),
            ("compressed", "false"),
            ("brokerName", "broker-a"),
        ]
        .into_iter()
        .collect();
        let h = RegisterBrokerRequestHeader::decode(&ext);
        assert_eq!(h.broker_id, Some(0));
        assert_eq!(h.body_crc32, 1_096_785_431);
        assert_eq!(h.enable_acting_master, Some(false));
        assert_eq!(h.heartbeat_timeout_millis, None);
        assert!(!h.compressed);
        let mut out = ExtFields::new();
        h.encode(&mut out);
        assert_eq!(out.len(), ext.len());
        for (k, v) in ext.iter() {
            assert_eq!(out.get(k), Some(v), "{k}");
        }
    }

    #[test]
    fn primitives_always_written_boxed_only_when_set() {
        let mut out = ExtFields::new();
        RegisterBrokerRequestHeader::default().encode(&mut out);
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![("compressed", "false"), ("bodyCrc32", "0")]);
        let mut out = ExtFields::new();
        RegisterBrokerResponseHeader::default().encode(&mut out);
        assert!(out.is_empty());
    }
}
