//! Golden bodies written by the real Java classes (fastjson 1.2.69 in 4.9.8, 1.2.83 in 5.3.3): our types
//! read each one, and write the same bytes back wherever Java's output does not depend on `HashMap`
//! iteration order (which no reader relies on; those bodies are compared by content instead).

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use thruster::protocol::body::{ClusterInfo, GetBrokerMemberGroupResponseBody, KVTable, TopicList};
use thruster::protocol::data_version::DataVersion;
use thruster::protocol::route::TopicRouteData;
use thruster::protocol::topic::RegisterBrokerBody;
use thruster::remoting::fastjson::{from_slice, to_vec_plain, to_vec_standard};

fn body(version: &str, name: &str) -> Vec<u8> {
    let path: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/remoting").join(version).join("bodies").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Reads `name`, re-encodes it, and checks bytes (when `exact`) or content.
fn check<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    version: &str,
    name: &str,
    standard: bool,
    exact: bool,
) {
    let java = body(version, name);
    let ours: T = from_slice(&java).unwrap_or_else(|e| panic!("{version}/{name}: {e}"));
    let again = if standard { to_vec_standard(&ours) } else { to_vec_plain(&ours) };
    if exact {
        assert_eq!(String::from_utf8_lossy(&again), String::from_utf8_lossy(&java), "{version}/{name}: bytes");
    }
    let back: T = from_slice(&again).unwrap();
    assert_eq!(back, ours, "{version}/{name}: content survives our encoding");
}

#[test]
fn topic_route_bodies() {
    for version in ["v4.9.8", "v5.3.3"] {
        // 4.9.8's BrokerData has no `enableActingMaster`; Thruster always writes it (5.3.3 form, ignored by
        // 4.9.8 readers), so only 5.3.3's bytes can match exactly.
        let exact = version == "v5.3.3";
        for name in ["topic-route", "topic-route-utf8", "topic-route-escapes"] {
            check::<TopicRouteData>(version, &format!("{name}.plain.json"), false, exact);
            check::<TopicRouteData>(version, &format!("{name}.standard.json"), true, exact);
        }
    }
}

#[test]
fn name_server_bodies() {
    for version in ["v4.9.8", "v5.3.3"] {
        check::<ClusterInfo>(version, "cluster-info.json", false, false);
        check::<KVTable>(version, "kv-table.json", false, false);
        check::<TopicList>(version, "topic-list.json", false, false);
        check::<TopicList>(version, "topic-list-with-broker-addr.json", false, false);
        check::<DataVersion>(version, "data-version.json", false, true);
    }
    check::<GetBrokerMemberGroupResponseBody>("v5.3.3", "get-broker-member-group-response-body.json", false, true);
}

#[test]
fn register_broker_bodies_plain_and_compressed() {
    for (version, ordinal) in [("v4.9.8", 409), ("v5.3.3", 479)] {
        let plain = RegisterBrokerBody::decode(&body(version, "register-broker-body.json"), false, ordinal).unwrap();
        let zlib = RegisterBrokerBody::decode(&body(version, "register-broker-body.zlib"), true, ordinal).unwrap();
        let table = &plain.topic_config_serialize_wrapper.topic_config_table;
        assert!(table.contains_key("TopicTest"), "{version}: topics {:?}", table.keys().collect::<Vec<_>>());
        // The compressed form carries no topicSysFlag/order; everything else must agree.
        assert_eq!(
            zlib.topic_config_serialize_wrapper.topic_config_table.keys().collect::<Vec<_>>(),
            table.keys().collect::<Vec<_>>(),
            "{version}"
        );
        assert_eq!(zlib.topic_config_serialize_wrapper.data_version, plain.topic_config_serialize_wrapper.data_version);
        // Our compressed encoding reads back to the same content (topic order is HashMap order in Java).
        let ours = zlib.encode_compressed(version == "v5.3.3");
        let back = RegisterBrokerBody::decode(&ours, true, ordinal).unwrap();
        assert_eq!(back, zlib, "{version}: compressed round trip");
    }
}

#[test]
fn object_keyed_maps_are_read() {
    for version in ["v4.9.8", "v5.3.3"] {
        for name in ["reset-offset-body.json", "consume-stats.json"] {
            let v = thruster::remoting::fastjson::parse_lenient(&body(version, name)).unwrap();
            let text = v.to_string();
            assert!(text.contains("queueId"), "{version}/{name}: object keys kept as text: {text}");
        }
    }
}
