//! Route bodies: what GET_ROUTEINFO_BY_TOPIC answers, and the permission / system-flag bits in them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The id of a master in `BrokerData.brokerAddrs` (`MixAll.MASTER_ID`).
pub const MASTER_ID: i64 = 0;

/// Mirrors `org.apache.rocketmq.common.constant.PermName`.
pub mod perm {
    /// Not used in routing.
    pub const PERM_PRIORITY: i32 = 0x1 << 3;
    /// Consumers may read.
    pub const PERM_READ: i32 = 0x1 << 2;
    /// Producers may write.
    pub const PERM_WRITE: i32 = 0x1 << 1;
    /// New topics may be auto-created from this one (TBW102).
    pub const PERM_INHERIT: i32 = 0x1;

    /// `PermName.isReadable`.
    pub fn is_readable(perm: i32) -> bool {
        perm & PERM_READ == PERM_READ
    }

    /// `PermName.isWriteable`.
    pub fn is_writeable(perm: i32) -> bool {
        perm & PERM_WRITE == PERM_WRITE
    }

    /// `PermName.isInherited`.
    pub fn is_inherited(perm: i32) -> bool {
        perm & PERM_INHERIT == PERM_INHERIT
    }

    /// `PermName.perm2String`: `RWX` letters, `-` where a bit is clear.
    pub fn to_string(perm: i32) -> String {
        let mut s = String::with_capacity(3);
        s.push(if is_readable(perm) { 'R' } else { '-' });
        s.push(if is_writeable(perm) { 'W' } else { '-' });
        s.push(if is_inherited(perm) { 'X' } else { '-' });
        s
    }
}

/// Mirrors `org.apache.rocketmq.common.sysflag.TopicSysFlag`.
pub mod topic_sys_flag {
    /// Bit 0: a unit topic.
    pub const FLAG_UNIT: i32 = 0x1;
    /// Bit 1: a topic with unit subscriptions.
    pub const FLAG_UNIT_SUB: i32 = 0x1 << 1;

    /// `TopicSysFlag.hasUnitFlag`.
    pub fn has_unit_flag(flag: i32) -> bool {
        flag & FLAG_UNIT == FLAG_UNIT
    }

    /// `TopicSysFlag.hasUnitSubFlag`.
    pub fn has_unit_sub_flag(flag: i32) -> bool {
        flag & FLAG_UNIT_SUB == FLAG_UNIT_SUB
    }

    /// `TopicSysFlag.buildSysFlag`.
    pub fn build(unit: bool, has_unit_sub: bool) -> i32 {
        (if unit { FLAG_UNIT } else { 0 }) | (if has_unit_sub { FLAG_UNIT_SUB } else { 0 })
    }
}

/// Mirrors `route.QueueData`: one broker name's queues of a topic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueData {
    /// The broker name (not an address).
    #[serde(default)]
    pub broker_name: String,
    /// [`perm`] bits.
    #[serde(default)]
    pub perm: i32,
    /// Readable queues `0..readQueueNums`.
    #[serde(default)]
    pub read_queue_nums: i32,
    /// [`topic_sys_flag`] bits (spelled `topicSynFlag` before 4.9.0).
    #[serde(default)]
    pub topic_sys_flag: i32,
    /// Writable queues `0..writeQueueNums`.
    #[serde(default)]
    pub write_queue_nums: i32,
}

/// Mirrors `route.BrokerData`: every address registered under one broker name.
///
/// `brokerAddrs` keys are numbers: fastjson writes them bare (`{0:"…"}`) in the plain form and quoted in the
/// browser-compatible one; [`crate::remoting::fastjson`] does both. `enableActingMaster` is a 5.3.3 property
/// that 5.3.3 always writes; 4.9.8 readers ignore it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerData {
    /// Broker id (0 = master) → `ip:port`.
    #[serde(default)]
    pub broker_addrs: BTreeMap<i64, String>,
    /// The broker name.
    #[serde(default)]
    pub broker_name: String,
    /// The cluster it registered in first.
    #[serde(default)]
    pub cluster: String,
    /// [5.3.3] The broker asked for slave-acting-master.
    #[serde(default)]
    pub enable_acting_master: bool,
    /// [5.3.3] From the `__ZONE_NAME` ext field of the registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_name: Option<String>,
}

impl BrokerData {
    /// An empty broker data for `cluster` / `broker_name`.
    pub fn new(cluster: impl Into<String>, broker_name: impl Into<String>) -> Self {
        BrokerData { cluster: cluster.into(), broker_name: broker_name.into(), ..Default::default() }
    }

    /// The master's address (id 0), if registered.
    pub fn master_addr(&self) -> Option<&str> {
        self.broker_addrs.get(&MASTER_ID).map(String::as_str)
    }
}

/// Mirrors `route.TopicRouteData`, the GET_ROUTEINFO_BY_TOPIC body.
///
/// `queueDatas`, `brokerDatas` and `filterServerTable` are always written (clients iterate them without null
/// checks); `orderTopicConf` and [5.3.3] `topicQueueMappingByBroker` only when set. The static-topic mapping
/// values (`TopicQueueMappingInfo`) are kept as opaque JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicRouteData {
    /// One entry per broker name serving the topic.
    #[serde(default)]
    pub broker_datas: Vec<BrokerData>,
    /// Broker address → filter-server addresses (always empty with 4.9.8/5.3.3 brokers).
    #[serde(default)]
    pub filter_server_table: BTreeMap<String, Vec<String>>,
    /// `brokerName:queueCount;…` from the `ORDER_TOPIC_CONFIG` KV namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_topic_conf: Option<String>,
    /// One entry per broker name serving the topic.
    #[serde(default)]
    pub queue_datas: Vec<QueueData>,
    /// [5.3.3] Static topics: broker name → `TopicQueueMappingInfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_queue_mapping_by_broker: Option<BTreeMap<String, Value>>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::remoting::fastjson::{from_slice, to_vec_plain, to_vec_standard};

    fn sample() -> TopicRouteData {
        TopicRouteData {
            broker_datas: vec![BrokerData {
                broker_addrs: [(0, "192.168.0.10:10911".to_owned()), (1, "192.168.0.11:10911".to_owned())].into(),
                broker_name: "broker-a".into(),
                cluster: "DefaultCluster".into(),
                enable_acting_master: false,
                zone_name: None,
            }],
            filter_server_table: BTreeMap::new(),
            order_topic_conf: None,
            queue_datas: vec![QueueData {
                broker_name: "broker-a".into(),
                perm: 6,
                read_queue_nums: 4,
                topic_sys_flag: 0,
                write_queue_nums: 4,
            }],
            topic_queue_mapping_by_broker: None,
        }
    }

    #[test]
    fn standard_form_matches_java_5() {
        let expected = r#"{"brokerDatas":[{"brokerAddrs":{"0":"192.168.0.10:10911","1":"192.168.0.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}"#;
        assert_eq!(String::from_utf8(to_vec_standard(&sample())).unwrap(), expected);
    }

    #[test]
    fn plain_form_has_bare_numeric_keys() {
        let expected = r#"{"brokerDatas":[{"brokerAddrs":{0:"192.168.0.10:10911",1:"192.168.0.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"orderTopicConf":"broker-a:4","queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}"#;
        let mut route = sample();
        route.order_topic_conf = Some("broker-a:4".into());
        assert_eq!(String::from_utf8(to_vec_plain(&route)).unwrap(), expected);
    }

    #[test]
    fn both_forms_decode() {
        let plain = to_vec_plain(&sample());
        let standard = to_vec_standard(&sample());
        assert_eq!(from_slice::<TopicRouteData>(&plain).unwrap(), sample());
        assert_eq!(from_slice::<TopicRouteData>(&standard).unwrap(), sample());
        // The 4.9.8 shape (no enableActingMaster) and the pre-4.9.0 spelling decode too.
        let old = br#"{"brokerDatas":[{"brokerAddrs":{0:"x:1"},"brokerName":"b","cluster":"c"}],"filterServerTable":{},"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":4,"topicSynFlag":0,"writeQueueNums":4}]}"#;
        let r: TopicRouteData = from_slice(old).unwrap();
        assert_eq!(r.broker_datas[0].master_addr(), Some("x:1"));
    }

    #[test]
    fn perm_helpers() {
        assert_eq!(perm::to_string(6), "RW-");
        assert_eq!(perm::to_string(7), "RWX");
        assert!(!perm::is_writeable(4));
        assert_eq!(topic_sys_flag::build(true, true), 3);
    }
}
