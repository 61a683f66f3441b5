//! Tests of the manager: keys, windows driven through `sample`, runtime info, concurrency, no allocation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::remoting::fastjson;

const CLUSTER: &str = "DefaultCluster";

fn manager(flavor: Flavor) -> BrokerStatsManager {
    BrokerStatsManager::new(CLUSTER, "broker-a", flavor, 0)
}

/// Calls `sample` every second from `from_s + 1` to `to_s` inclusive, running `each_second` before each call.
fn run(m: &BrokerStatsManager, from_s: i64, to_s: i64, mut each_second: impl FnMut(i64)) {
    for s in from_s + 1..=to_s {
        each_second(s);
        m.sample(s * 1000);
    }
}

fn runtime(m: &BrokerStatsManager, now: i64) -> BTreeMap<String, String> {
    m.runtime_info(now).into_iter().collect()
}

#[test]
fn unknown_items_do_not_exist() {
    let m = manager(Flavor::V5_3_3);
    assert_eq!(m.broker_stats_data(TOPIC_PUT_NUMS, "TopicTest"), None);
    assert_eq!(m.broker_stats_data(GROUP_GET_NUMS, "TopicTest@g"), None);
    assert_eq!(m.broker_stats_data(GROUP_GET_NUMS, "no-separator"), None);
    assert_eq!(m.broker_stats_data(BROKER_PUT_NUMS, CLUSTER), None);
    assert_eq!(m.broker_stats_data("NO_SUCH_STATS", "x"), None);
    assert_eq!(stats_not_exist_remark(TOPIC_PUT_NUMS, "TopicTest"), "The stats <TOPIC_PUT_NUMS> <TopicTest> not exist");
    // A group's send-back creates its SNDBCK item only.
    m.on_send_back("g", "TopicTest");
    assert!(m.broker_stats_data(SNDBCK_PUT_NUMS, "TopicTest@g").is_some());
    assert_eq!(m.broker_stats_data(GROUP_GET_NUMS, "TopicTest@g"), None);
    assert_eq!(m.broker_stats_data(TOPIC_PUT_NUMS, "TopicTest"), None);
    // An existing item answers before its first sampling, with zero windows.
    m.on_put("TopicTest", 1, 100, 1);
    assert_eq!(m.broker_stats_data(TOPIC_PUT_NUMS, "TopicTest"), Some(BrokerStatsData::default()));
}

#[test]
fn sixty_puts_in_sixty_seconds() {
    let m = manager(Flavor::V5_3_3);
    run(&m, 0, 60, |_| m.on_put("TopicTest", 1, 200, 1));
    let d = m.broker_stats_data(TOPIC_PUT_NUMS, "TopicTest").expect("exists");
    // Samplings at 10 … 60 s; the first added the seed (0 s, 0, 0): 60 messages over 60 s in 60 sends.
    assert_eq!(d.stats_minute, BrokerStatsItem { sum: 60, tps: 1.0, avgpt: 1.0 });
    // The hour and day windows are first due at 10 min and 1 h.
    assert_eq!(d.stats_hour, BrokerStatsItem::default());
    assert_eq!(d.stats_day, BrokerStatsItem::default());
    let size = m.broker_stats_data(TOPIC_PUT_SIZE, "TopicTest").expect("exists");
    assert_eq!(size.stats_minute, BrokerStatsItem { sum: 12_000, tps: 200.0, avgpt: 200.0 });
    // BROKER_PUT_NUMS: key = cluster name, value only (avgpt 0).
    let b = m.broker_stats_data(BROKER_PUT_NUMS, CLUSTER).expect("exists");
    assert_eq!(b.stats_minute, BrokerStatsItem { sum: 60, tps: 1.0, avgpt: 0.0 });
    assert_eq!(m.broker_stats_data(BROKER_PUT_NUMS, "OtherCluster"), None);
    assert_eq!(m.topic_put_tps("TopicTest"), 1.0);

    // Idle until the 10-min hour sampling: [(0, 0, 0), (600 s, 60, 60)].
    run(&m, 60, 600, |_| {});
    let d = m.broker_stats_data(TOPIC_PUT_NUMS, "TopicTest").expect("exists");
    assert_eq!(d.stats_minute, BrokerStatsItem { sum: 0, tps: 0.0, avgpt: 0.0 });
    assert_eq!(d.stats_hour, BrokerStatsItem { sum: 60, tps: 0.1, avgpt: 1.0 });
    assert_eq!(d.stats_day, BrokerStatsItem::default());
    // The first hourly sampling: [(0, 0, 0), (3600 s, 60, 60)].
    run(&m, 600, 3600, |_| {});
    let d = m.broker_stats_data(TOPIC_PUT_NUMS, "TopicTest").expect("exists");
    assert_eq!(d.stats_day.sum, 60);
    assert_eq!(d.stats_day.tps, 60.0 * 1000.0 / 3_600_000.0);
    // The hour window holds 7 snapshots, [0 … 60 min]: the seed at 0 is still its first.
    assert_eq!(d.stats_hour.sum, 60);
    run(&m, 3600, 4200, |_| {});
    let d = m.broker_stats_data(TOPIC_PUT_NUMS, "TopicTest").expect("exists");
    assert_eq!(d.stats_hour.sum, 0);
    assert_eq!(d.stats_day.sum, 60);
}

#[test]
fn item_born_between_samplings_gets_a_seed() {
    let m = manager(Flavor::V5_3_3);
    run(&m, 0, 25, |_| {});
    // Five puts at 25 s, sampled at 30 s: [(20 s, 0, 0), (30 s, 1, 5)].
    m.on_put("T", 5, 50, 1);
    run(&m, 25, 30, |_| {});
    let s = m.stats_in_minute(TOPIC_PUT_NUMS, "T").expect("exists");
    assert_eq!((s.sum, s.tps, s.avgpt, s.times), (5, 0.5, 5.0, 1));
}

#[test]
fn group_keys_and_consume_tps() {
    let m = manager(Flavor::V5_3_3);
    run(&m, 0, 60, |s| {
        if s % 2 == 0 {
            m.on_get("GID_A", "TopicTest", 4, 4000, 3);
        } else {
            m.on_get_miss(1);
        }
    });
    // 30 pulls of 4 messages over 60 s.
    let d = m.broker_stats_data(GROUP_GET_NUMS, "TopicTest@GID_A").expect("exists");
    assert_eq!(d.stats_minute, BrokerStatsItem { sum: 120, tps: 2.0, avgpt: 4.0 });
    assert_eq!(m.consume_tps("GID_A", "TopicTest"), 2.0);
    assert_eq!(m.consume_tps("GID_B", "TopicTest"), 0.0);
    assert_eq!(m.consume_tps("GID_A", "Other"), 0.0);
    let size = m.broker_stats_data(GROUP_GET_SIZE, "TopicTest@GID_A").expect("exists");
    assert_eq!(size.stats_minute.sum, 120_000);
    let latency = m.broker_stats_data(GROUP_GET_LATENCY, "TopicTest@GID_A").expect("exists");
    assert_eq!(latency.stats_minute.avgpt, 3.0);
    let b = m.broker_stats_data(BROKER_GET_NUMS, CLUSTER).expect("exists");
    assert_eq!(b.stats_minute.sum, 120);
    let info = runtime(&m, 60_000);
    // Store: 5 found and 5 missed gets in the last 10 samples; 60 samples are one short of the 60-s window.
    assert_eq!(info["getFoundTps"], "0.5  ");
    assert_eq!(info["getMissTps"], "0.5  ");
    assert_eq!(info["getTotalTps"], "1.0 0.0 0.0");
    assert_eq!(info["getTransferredTps"], "2.0  ");
    assert_eq!(info["msgGetTotalTodayNow"], "120");
}

#[test]
fn serialised_like_fastjson() {
    let m = manager(Flavor::V5_3_3);
    run(&m, 0, 60, |s| {
        if s <= 3 {
            m.on_put("TopicTest", 1, 10, 0);
        }
    });
    let d = m.broker_stats_data(TOPIC_PUT_NUMS, "TopicTest").expect("exists");
    assert_eq!(
        String::from_utf8(fastjson::to_vec_plain(&d)).expect("utf-8"),
        r#"{"statsDay":{"avgpt":0.0,"sum":0,"tps":0.0},"statsHour":{"avgpt":0.0,"sum":0,"tps":0.0},"statsMinute":{"avgpt":1.0,"sum":3,"tps":0.05}}"#
    );
    let back: BrokerStatsData = fastjson::from_slice(&fastjson::to_vec_plain(&d)).expect("reads back");
    assert_eq!(back, d);
}

#[test]
fn deleting_topics_and_groups() {
    let m = manager(Flavor::V5_3_3);
    m.on_put("T1", 1, 1, 0);
    m.on_get("G1", "T1", 1, 1, 0);
    m.on_get("G2", "T1", 1, 1, 0);
    m.on_get("G1", "T2", 1, 1, 0);
    m.on_group_deleted("G1");
    assert!(m.broker_stats_data(GROUP_GET_NUMS, "T1@G1").is_none());
    assert!(m.broker_stats_data(GROUP_GET_NUMS, "T2@G1").is_none());
    assert!(m.broker_stats_data(GROUP_GET_NUMS, "T1@G2").is_some());
    m.on_topic_deleted("T1");
    assert!(m.broker_stats_data(TOPIC_PUT_NUMS, "T1").is_none());
    assert!(m.broker_stats_data(GROUP_GET_NUMS, "T1@G2").is_none());
    // Broker-wide items are not per topic.
    assert!(m.broker_stats_data(BROKER_PUT_NUMS, CLUSTER).is_some());
}

#[test]
fn runtime_info_keys_and_day_totals() {
    for flavor in [Flavor::V4_9_8, Flavor::V5_3_3] {
        let m = manager(flavor);
        m.on_put("TopicTest", 2, 400, 3);
        m.on_put(RMQ_SYS_SCHEDULE_TOPIC, 1, 200, 1);
        m.on_put("rmq_sys_wheel_timer", 1, 200, 1);
        m.on_put(CLUSTER, 1, 200, 1);
        m.on_put_failed(20);
        m.on_get("G", "TopicTest", 3, 300, 1);
        m.on_get("G", RMQ_SYS_SCHEDULE_TOPIC, 1, 100, 1);
        let info = runtime(&m, 3_723_000);
        let keys: Vec<&str> = info.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "bootTimestamp",
                "dispatchMaxBuffer",
                "getFoundTps",
                "getMessageEntireTimeMax",
                "getMissTps",
                "getTotalTps",
                "getTransferedTps",
                "getTransferredTps",
                "msgGetTotalTodayMorning",
                "msgGetTotalTodayNow",
                "msgGetTotalYesterdayMorning",
                "msgPutTotalTodayMorning",
                "msgPutTotalTodayNow",
                "msgPutTotalYesterdayMorning",
                "putLatency99",
                "putLatency999",
                "putMessageAverageSize",
                "putMessageDistributeTime",
                "putMessageEntireTimeMax",
                "putMessageFailedTimes",
                "putMessageSizeTotal",
                "putMessageTimesTotal",
                "putTps",
                "runtime",
            ]
        );
        assert_eq!(info["runtime"], "[ 0 days, 1 hours, 2 minutes, 3 seconds ]");
        assert_eq!(info["putMessageTimesTotal"], "5");
        assert_eq!(info["putMessageSizeTotal"], "1000");
        assert_eq!(info["putMessageAverageSize"], "200.0");
        assert_eq!(info["putMessageFailedTimes"], "1");
        assert_eq!(info["putMessageEntireTimeMax"], "20");
        // 4.9.8 counts every stored and delivered message; 5.3.3 leaves out system topics (the fixed ones,
        // `rmq_sys_*`, and the broker's own: its cluster name).
        let (put_now, get_now) = if flavor == Flavor::V4_9_8 { ("5", "4") } else { ("2", "3") };
        assert_eq!(info["msgPutTotalTodayNow"], put_now);
        assert_eq!(info["msgGetTotalTodayNow"], get_now);
        assert_eq!(info["msgPutTotalTodayMorning"], "0");
        m.on_midnight();
        m.on_put("TopicTest", 1, 100, 1);
        let info = runtime(&m, 3_724_000);
        assert_eq!(info["msgPutTotalTodayMorning"], put_now);
        assert_eq!(info["msgGetTotalTodayMorning"], get_now);
        assert_eq!(info["msgPutTotalYesterdayMorning"], "0");
        m.on_midnight();
        let info = runtime(&m, 3_725_000);
        assert_eq!(info["msgPutTotalYesterdayMorning"], put_now);
        let expect = if flavor == Flavor::V4_9_8 { "6" } else { "3" };
        assert_eq!(info["msgPutTotalTodayMorning"], expect);
    }
}

#[test]
fn next_morning_is_a_local_midnight() {
    let now = 1_700_000_123_456;
    let next = next_morning_ms(now);
    assert!(next > now && next <= now + 86_400_000);
    let t = crate::store::mapped_file::os::local_time(next);
    assert_eq!((t.hour, t.minute, t.second, t.millis), (0, 0, 0, 0));
}

#[test]
fn concurrent_recording_is_exact() {
    const THREADS: i64 = 4;
    const PER_THREAD: i64 = 20_000;
    let m = Arc::new(manager(Flavor::V5_3_3));
    let handles: Vec<_> = (0..THREADS)
        .map(|n| {
            let m = Arc::clone(&m);
            std::thread::spawn(move || {
                let topics = ["A", "B", "C"];
                for i in 0..PER_THREAD {
                    let topic = topics[(i % 3) as usize];
                    m.on_put(topic, 2, 10, i % 7);
                    m.on_get("G", topic, 1, 5, 0);
                    if i % 100 == 0 {
                        m.on_send_back("G", topic);
                    }
                    // A sampler racing with the recorders must not lose counts.
                    if n == 0 && i % 1000 == 0 {
                        m.sample(i);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("no panic");
    }
    let total_puts = THREADS * PER_THREAD;
    let topic_value = |name: &str, key: &str| m.with_item(name, key, |i| (i.value(), i.times())).expect("exists");
    let mut put_msgs = 0;
    let mut put_calls = 0;
    let mut get_msgs = 0;
    let mut send_backs = 0;
    for t in ["A", "B", "C"] {
        let (v, n) = topic_value(TOPIC_PUT_NUMS, t);
        put_msgs += v;
        put_calls += n;
        get_msgs += topic_value(GROUP_GET_NUMS, &format!("{t}@G")).0;
        send_backs += topic_value(SNDBCK_PUT_NUMS, &format!("{t}@G")).0;
    }
    assert_eq!((put_msgs, put_calls), (2 * total_puts, total_puts));
    assert_eq!(get_msgs, total_puts);
    assert_eq!(send_backs, THREADS * PER_THREAD / 100);
    assert_eq!(topic_value(BROKER_PUT_NUMS, CLUSTER).0, 2 * total_puts);
    assert_eq!(topic_value(BROKER_GET_NUMS, CLUSTER).0, total_puts);
    assert_eq!(m.store().put_message_times_total(), 2 * total_puts);
    assert_eq!(m.store().get_transferred_msg_count(), total_puts);
    let info = runtime(&m, 1000);
    assert_eq!(info["putMessageSizeTotal"], (10 * total_puts).to_string());
    assert_eq!(info["putMessageEntireTimeMax"], "6");
}

/// Counts the allocations of the current thread (the lib test binary's allocator; it only forwards).
struct CountingAlloc;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; the counter is a const-initialised
// thread-local without destructor, so touching it never allocates or fails.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn steady_state_recording_does_not_allocate() {
    let m = manager(Flavor::V5_3_3);
    // First sight of each key allocates its counters (and registers this thread with the map's collector).
    m.on_put("TopicTest", 1, 100, 1);
    m.on_get("GID", "TopicTest", 1, 100, 1);
    m.on_send_back("GID", "TopicTest");
    let before = allocations();
    for i in 0..10_000 {
        m.on_put("TopicTest", 1, 100, i % 50);
        m.on_put_failed(3);
        m.on_get("GID", "TopicTest", 32, 3200, 2);
        m.on_get_miss(1);
        m.on_send_back("GID", "TopicTest");
    }
    assert_eq!(allocations() - before, 0);
}
