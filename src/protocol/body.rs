//! Small NameServer bodies: cluster info, topic lists, KV tables, broker member groups.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::route::BrokerData;

/// Mirrors `body.ClusterInfo`, the GET_BROKER_CLUSTER_INFO body (always written in the plain form).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterInfo {
    /// Broker name → every address registered under it.
    #[serde(default)]
    pub broker_addr_table: BTreeMap<String, BrokerData>,
    /// Cluster name → broker names.
    #[serde(default)]
    pub cluster_addr_table: BTreeMap<String, BTreeSet<String>>,
}

/// Mirrors `body.TopicList`. `brokerAddr` is only set by GET_SYSTEM_TOPIC_LIST_FROM_NS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicList {
    /// One broker address the client may ask for more system topics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker_addr: Option<String>,
    /// The topics (a Java `Set`: unique; written sorted here).
    #[serde(default)]
    pub topic_list: BTreeSet<String>,
}

/// Mirrors `body.KVTable`: one KV namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KVTable {
    /// Key → value.
    #[serde(default)]
    pub table: BTreeMap<String, String>,
}

/// Mirrors [5.3.3] `body.BrokerMemberGroup`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerMemberGroup {
    /// Broker id → address.
    #[serde(default)]
    pub broker_addrs: BTreeMap<i64, String>,
    /// The broker name.
    #[serde(default)]
    pub broker_name: String,
    /// The cluster name (echoed from the request).
    #[serde(default)]
    pub cluster: String,
}

/// Mirrors [5.3.3] `body.GetBrokerMemberGroupResponseBody`, the GET_BROKER_MEMBER_GROUP body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetBrokerMemberGroupResponseBody {
    /// The group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker_member_group: Option<BrokerMemberGroup>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::remoting::fastjson::{from_slice, to_vec_plain};

    #[test]
    fn cluster_info_plain_form() {
        let mut info = ClusterInfo::default();
        let mut bd = BrokerData::new("DefaultCluster", "broker-a");
        bd.broker_addrs.insert(0, "192.168.0.10:10911".into());
        bd.broker_addrs.insert(1, "192.168.0.11:10911".into());
        info.broker_addr_table.insert("broker-a".into(), bd);
        info.cluster_addr_table.insert("DefaultCluster".into(), ["broker-a".to_owned()].into());
        let expected = r#"{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"192.168.0.10:10911",1:"192.168.0.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}"#;
        let bytes = to_vec_plain(&info);
        assert_eq!(String::from_utf8(bytes.clone()).unwrap(), expected);
        assert_eq!(from_slice::<ClusterInfo>(&bytes).unwrap(), info);
        assert_eq!(to_vec_plain(&ClusterInfo::default()), br#"{"brokerAddrTable":{},"clusterAddrTable":{}}"#);
    }

    #[test]
    fn topic_list_and_kv_table() {
        let list = TopicList { broker_addr: None, topic_list: ["TopicTest".to_owned(), "TBW102".to_owned()].into() };
        assert_eq!(to_vec_plain(&list), br#"{"topicList":["TBW102","TopicTest"]}"#);
        let sys = TopicList { broker_addr: Some("1.2.3.4:10911".into()), topic_list: ["c".to_owned()].into() };
        assert_eq!(to_vec_plain(&sys), br#"{"brokerAddr":"1.2.3.4:10911","topicList":["c"]}"#);
        let kv = KVTable { table: [("TopicOrder".to_owned(), "broker-a:8;broker-b:8".to_owned())].into() };
        assert_eq!(to_vec_plain(&kv), br#"{"table":{"TopicOrder":"broker-a:8;broker-b:8"}}"#);
        assert_eq!(to_vec_plain(&KVTable::default()), br#"{"table":{}}"#);
    }

    #[test]
    fn member_group_plain_form() {
        let body = GetBrokerMemberGroupResponseBody {
            broker_member_group: Some(BrokerMemberGroup {
                broker_addrs: [(0, "192.168.0.10:10911".to_owned())].into(),
                broker_name: "broker-a".into(),
                cluster: "DefaultCluster".into(),
            }),
        };
        assert_eq!(
            String::from_utf8(to_vec_plain(&body)).unwrap(),
            r#"{"brokerMemberGroup":{"brokerAddrs":{0:"192.168.0.10:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}}"#
        );
    }
}
