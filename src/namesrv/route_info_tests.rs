#![allow(clippy::unwrap_used)]

use super::*;
use crate::protocol::topic::TopicConfig;

const CLUSTER: &str = "DefaultCluster";

fn dv(counter: i64) -> DataVersion {
    DataVersion { counter, state_version: Some(0), timestamp: 1_700_000_000_000 }
}

fn wrapper(version: DataVersion, topics: &[(&str, i32, i32)]) -> TopicConfigSerializeWrapper {
    TopicConfigSerializeWrapper {
        data_version: version,
        topic_config_table: topics
            .iter()
            .map(|(name, queues, perm)| ((*name).to_owned(), TopicConfig::new(*name, *queues, *queues, *perm)))
            .collect(),
        ..Default::default()
    }
}

fn reg(name: &str, id: i64, addr: &str, w: TopicConfigSerializeWrapper, channel: u64) -> BrokerRegistration {
    BrokerRegistration {
        cluster_name: CLUSTER.into(),
        broker_addr: addr.into(),
        broker_name: name.into(),
        broker_id: id,
        ha_server_addr: Some(format!("{addr}-ha")),
        enable_acting_master: Some(false),
        topic_config_wrapper: w,
        filter_server_list: Some(Vec::new()),
        channel: Some(channel),
        ..Default::default()
    }
}

fn master_a(w: TopicConfigSerializeWrapper) -> BrokerRegistration {
    reg("broker-a", 0, "10.0.0.1:10911", w, 1)
}

const TOPICS: &[(&str, i32, i32)] = &[("TBW102", 8, 7), ("TopicTest", 4, 6)];

fn perm_of(m: &RouteInfoManager, topic: &str, broker: &str) -> Option<i32> {
    let route = m.pickup_topic_route_data(topic, RouteOptions::default())?;
    route.queue_datas.iter().find(|q| q.broker_name == broker).map(|q| q.perm)
}

#[test]
fn data_version_gate_keeps_namesrv_side_perm_changes() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    assert_eq!(perm_of(&m, "TopicTest", "broker-a"), Some(6));

    assert_eq!(m.wipe_write_perm_of_broker("broker-a"), 2);
    assert_eq!(perm_of(&m, "TopicTest", "broker-a"), Some(4));
    assert_eq!(perm_of(&m, "TBW102", "broker-a"), Some(5));
    // A periodic re-registration with the same DataVersion does not undo it.
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    assert_eq!(perm_of(&m, "TopicTest", "broker-a"), Some(4));

    assert_eq!(m.add_write_perm_of_broker("broker-a"), 2);
    assert_eq!(perm_of(&m, "TBW102", "broker-a"), Some(6), "ADD sets exactly RW, dropping inherit");
    m.wipe_write_perm_of_broker("broker-a");
    // A new DataVersion rewrites the queue data from the broker's table.
    m.register_broker(master_a(wrapper(dv(2), TOPICS)), RouteOptions::default(), now).unwrap();
    assert_eq!(perm_of(&m, "TopicTest", "broker-a"), Some(6));
    assert_eq!(perm_of(&m, "TBW102", "broker-a"), Some(7));
    assert_eq!(m.wipe_write_perm_of_broker("unknown"), 0);
}

#[test]
fn deleted_topic_returns_at_next_registration() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    m.delete_topic("TopicTest", None);
    assert!(m.pickup_topic_route_data("TopicTest", RouteOptions::default()).is_none());
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    assert_eq!(perm_of(&m, "TopicTest", "broker-a"), Some(6));
}

#[test]
fn registration_merges_and_slaves_do_not_define_topics() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    // Incremental registration of one new topic keeps the others.
    m.register_broker(master_a(wrapper(dv(2), &[("New", 2, 6)])), RouteOptions::default(), now).unwrap();
    assert!(m.pickup_topic_route_data("TopicTest", RouteOptions::default()).is_some());
    assert!(m.pickup_topic_route_data("New", RouteOptions::default()).is_some());
    // A slave's own topics are ignored.
    let slave = reg("broker-a", 1, "10.0.0.2:10911", wrapper(dv(9), &[("SlaveOnly", 4, 6), ("X", 1, 6)]), 2);
    m.register_broker(slave, RouteOptions::default(), now).unwrap();
    assert!(m.pickup_topic_route_data("SlaveOnly", RouteOptions::default()).is_none());
    let route = m.pickup_topic_route_data("TopicTest", RouteOptions::default()).unwrap();
    assert_eq!(route.broker_datas[0].broker_addrs.len(), 2);
}

#[test]
fn first_registration_with_a_single_topic_is_refused() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    let err = m.register_broker(master_a(wrapper(dv(1), &[("Only", 4, 6)])), RouteOptions::default(), now);
    assert_eq!(err, Err(RegisterError::NotYetRegistered));
    assert_eq!(m.get_all_cluster_info(), ClusterInfo::default(), "nothing left behind");
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    m.register_broker(master_a(wrapper(dv(2), &[("Only", 4, 6)])), RouteOptions::default(), now).unwrap();
    assert!(m.pickup_topic_route_data("Only", RouteOptions::default()).is_some());
}

#[test]
fn slave_registration_answers_the_live_master() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    let slave = || reg("broker-a", 1, "10.0.0.2:10911", wrapper(dv(1), TOPICS), 2);
    assert_eq!(m.register_broker(slave(), RouteOptions::default(), now).unwrap(), RegisterBrokerResult::default());
    let r = m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    assert_eq!(r, RegisterBrokerResult::default(), "a master gets nothing");
    let r = m.register_broker(slave(), RouteOptions::default(), now).unwrap();
    assert_eq!(r.master_addr.as_deref(), Some("10.0.0.1:10911"));
    assert_eq!(r.ha_server_addr.as_deref(), Some("10.0.0.1:10911-ha"));
    // Master's connection closes: the slave keeps the queue data, without id 0.
    m.on_channel_destroy(1);
    assert_eq!(m.register_broker(slave(), RouteOptions::default(), now).unwrap(), RegisterBrokerResult::default());
    let route = m.pickup_topic_route_data("TopicTest", RouteOptions::default()).unwrap();
    assert_eq!(route.broker_datas[0].broker_addrs, [(1, "10.0.0.2:10911".to_owned())].into());
}

#[test]
fn slave_promoted_to_master_keeps_one_entry_per_address() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    m.register_broker(reg("broker-a", 1, "10.0.0.2:10911", wrapper(dv(1), TOPICS), 2), RouteOptions::default(), now)
        .unwrap();
    m.register_broker(reg("broker-a", 0, "10.0.0.2:10911", wrapper(dv(1), TOPICS), 2), RouteOptions::default(), now)
        .unwrap();
    let group = m.get_broker_member_group("c", "broker-a");
    assert_eq!(group.broker_addrs, [(0, "10.0.0.2:10911".to_owned())].into());
    assert_eq!(group.cluster, "c");
}

#[test]
fn route_needs_both_halves() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    // Queue data pointing at a broker name with no broker data.
    m.tables.write().topic_queue_table.insert(
        "Orphan".into(),
        [("ghost".to_owned(), QueueData { broker_name: "ghost".into(), perm: 6, ..Default::default() })].into(),
    );
    assert!(m.pickup_topic_route_data("Orphan", RouteOptions::default()).is_none());
    m.tables.write().topic_queue_table.insert("Empty".into(), BTreeMap::new());
    assert!(m.pickup_topic_route_data("Empty", RouteOptions::default()).is_none());
    assert!(m.pickup_topic_route_data("Nope", RouteOptions::default()).is_none());
    let route = m.pickup_topic_route_data("TopicTest", RouteOptions::default()).unwrap();
    assert_eq!(route.queue_datas.len(), 1);
    assert_eq!(route.broker_datas[0].cluster, CLUSTER);
    assert!(route.filter_server_table.is_empty());
}

#[test]
fn closing_the_registering_connection_removes_the_broker() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    m.register_broker(reg("broker-b", 0, "10.0.0.3:10911", wrapper(dv(1), TOPICS), 3), RouteOptions::default(), now)
        .unwrap();
    assert!(m.on_channel_destroy(99).is_empty());
    let removed = m.on_channel_destroy(1);
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].broker_name.as_deref(), Some("broker-a"));
    assert!(!m.is_broker_alive(CLUSTER, "10.0.0.1:10911"));
    let route = m.pickup_topic_route_data("TopicTest", RouteOptions::default()).unwrap();
    assert_eq!(route.queue_datas.iter().map(|q| q.broker_name.as_str()).collect::<Vec<_>>(), ["broker-b"]);
    m.on_channel_destroy(3);
    assert!(m.pickup_topic_route_data("TopicTest", RouteOptions::default()).is_none());
    assert_eq!(m.get_all_cluster_info(), ClusterInfo::default());
    assert!(m.get_all_topic_list().topic_list.is_empty());
}

#[test]
fn expiry_scan_uses_the_per_broker_timeout() {
    let m = RouteInfoManager::new();
    let t0 = Instant::now();
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), t0).unwrap();
    let mut b = reg("broker-b", 0, "10.0.0.3:10911", wrapper(dv(1), TOPICS), 3);
    b.heartbeat_timeout_millis = Some(10_000);
    m.register_broker(b, RouteOptions::default(), t0).unwrap();
    assert!(m.scan_not_active_broker(t0 + Duration::from_secs(10)).is_empty());
    let gone = m.scan_not_active_broker(t0 + Duration::from_secs(11));
    assert_eq!(gone.iter().map(|r| r.addr.broker_addr.as_str()).collect::<Vec<_>>(), ["10.0.0.3:10911"]);
    // A heartbeat refreshes broker-a.
    m.update_broker_info_update_timestamp(CLUSTER, "10.0.0.1:10911", t0 + Duration::from_secs(100));
    assert!(m.scan_not_active_broker(t0 + Duration::from_secs(200)).is_empty());
    assert_eq!(m.scan_not_active_broker(t0 + Duration::from_secs(221)).len(), 1);
    assert_eq!(m.get_all_cluster_info(), ClusterInfo::default());
}

#[test]
fn unregister_removes_the_address_under_any_id() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    m.register_broker(reg("broker-a", 1, "10.0.0.2:10911", wrapper(dv(1), TOPICS), 2), RouteOptions::default(), now)
        .unwrap();
    m.unregister_broker(CLUSTER, "10.0.0.2:10911", "broker-a");
    assert_eq!(m.get_broker_member_group(CLUSTER, "broker-a").broker_addrs.len(), 1);
    m.unregister_broker(CLUSTER, "10.0.0.1:10911", "broker-a");
    assert!(m.get_all_topic_list().topic_list.is_empty());
    assert_eq!(m.get_all_cluster_info(), ClusterInfo::default());
}

#[test]
fn delete_topic_by_cluster() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    let mut b = reg("broker-b", 0, "10.0.0.3:10911", wrapper(dv(1), TOPICS), 3);
    b.cluster_name = "Other".into();
    m.register_broker(b, RouteOptions::default(), now).unwrap();
    m.delete_topic("TopicTest", Some("Nope"));
    assert_eq!(m.pickup_topic_route_data("TopicTest", RouteOptions::default()).unwrap().queue_datas.len(), 2);
    m.delete_topic("TopicTest", Some(CLUSTER));
    let route = m.pickup_topic_route_data("TopicTest", RouteOptions::default()).unwrap();
    assert_eq!(route.queue_datas[0].broker_name, "broker-b");
    m.delete_topic("TopicTest", Some("Other"));
    assert!(!m.get_all_topic_list().topic_list.contains("TopicTest"));
    assert_eq!(m.get_topics_by_cluster("Other").topic_list, ["TBW102".to_owned()].into());
    assert!(m.get_topics_by_cluster("Nope").topic_list.is_empty());
}

#[test]
fn topic_lists() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    let mut w = wrapper(dv(1), TOPICS);
    for (name, flag) in [("Unit", 1), ("UnitSub", 2), ("Both", 3)] {
        let mut c = TopicConfig::new(name, 4, 4, 6);
        c.topic_sys_flag = flag;
        w.topic_config_table.insert(name.into(), c);
    }
    m.register_broker(master_a(w), RouteOptions::default(), now).unwrap();
    let names = |l: TopicList| l.topic_list.into_iter().collect::<Vec<_>>();
    assert_eq!(names(m.get_unit_topics()), ["Both", "Unit"]);
    assert_eq!(names(m.get_has_unit_sub_topic_list()), ["Both", "UnitSub"]);
    assert_eq!(names(m.get_has_unit_sub_un_unit_topic_list()), ["UnitSub"]);
    let sys = m.get_system_topic_list();
    assert_eq!(names(sys.clone()), [CLUSTER, "broker-a"]);
    assert_eq!(sys.broker_addr.as_deref(), Some("10.0.0.1:10911"));
    assert_eq!(RouteInfoManager::new().get_system_topic_list(), TopicList::default());
}

#[test]
fn register_topic_needs_known_brokers() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    m.register_broker(master_a(wrapper(dv(1), TOPICS)), RouteOptions::default(), now).unwrap();
    let qd = |name: &str| QueueData {
        broker_name: name.into(),
        perm: 6,
        read_queue_nums: 8,
        write_queue_nums: 8,
        ..Default::default()
    };
    m.register_topic("T", &[qd("broker-a"), qd("ghost")]);
    assert!(m.pickup_topic_route_data("T", RouteOptions::default()).is_none());
    m.register_topic("T", &[qd("broker-a")]);
    assert_eq!(m.pickup_topic_route_data("T", RouteOptions::default()).unwrap().queue_datas[0].read_queue_nums, 8);
}

#[test]
fn stale_state_version_is_ignored() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    let mut newer = wrapper(dv(1), TOPICS);
    newer.data_version.state_version = Some(5);
    m.register_broker(master_a(newer), RouteOptions::default(), now).unwrap();
    let other = reg("broker-a", 0, "10.0.0.9:10911", wrapper(dv(1), TOPICS), 9);
    assert_eq!(m.register_broker(other, RouteOptions::default(), now).unwrap(), RegisterBrokerResult::default());
    assert!(!m.is_broker_alive(CLUSTER, "10.0.0.9:10911"));
    assert_eq!(m.get_broker_member_group(CLUSTER, "broker-a").broker_addrs[&0], "10.0.0.1:10911");
}

#[test]
fn delete_topic_with_broker_registration() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    let opts = RouteOptions { delete_topic_with_broker_registration: true, ..Default::default() };
    m.register_broker(master_a(wrapper(dv(1), &[("A", 1, 6), ("B", 1, 6)])), opts, now).unwrap();
    m.register_broker(master_a(wrapper(dv(2), &[("A", 1, 6), ("C", 1, 6)])), opts, now).unwrap();
    assert_eq!(m.get_all_topic_list().topic_list, ["A".to_owned(), "C".to_owned()].into());
}

#[test]
fn acting_master_routes() {
    let m = RouteInfoManager::new();
    let now = Instant::now();
    let mut master = master_a(wrapper(dv(1), TOPICS));
    master.enable_acting_master = Some(true);
    m.register_broker(master, RouteOptions::default(), now).unwrap();
    let mut slave = reg("broker-a", 1, "10.0.0.2:10911", wrapper(dv(1), TOPICS), 2);
    slave.enable_acting_master = Some(true);
    m.register_broker(slave.clone(), RouteOptions::default(), now).unwrap();
    m.on_channel_destroy(1);
    // The master left an acting-master group: its queues lost the write bit.
    assert_eq!(perm_of(&m, "TopicTest", "broker-a"), Some(4));
    let opts = RouteOptions { support_acting_master: true, ..Default::default() };
    let route = m.pickup_topic_route_data("TopicTest", opts).unwrap();
    assert_eq!(route.broker_datas[0].broker_addrs, [(0, "10.0.0.2:10911".to_owned())].into());
    let plain = m.pickup_topic_route_data("TopicTest", RouteOptions::default()).unwrap();
    assert_eq!(plain.broker_datas[0].broker_addrs, [(1, "10.0.0.2:10911".to_owned())].into());
    let sync = format!("{SYNC_BROKER_MEMBER_GROUP_PREFIX}broker-a");
    m.register_broker(
        {
            let mut s = slave;
            s.topic_config_wrapper = wrapper(dv(2), &[(sync.as_str(), 1, 6), ("Z", 1, 6)]);
            s
        },
        RouteOptions::default(),
        now,
    )
    .unwrap();
    let route = m.pickup_topic_route_data(&sync, opts).unwrap();
    assert!(route.broker_datas[0].broker_addrs.contains_key(&1));
    assert_eq!(route.queue_datas[0].perm, 4, "the prime slave registers read-only");
}
