//! GET_BROKER_RUNTIME_INFO's figures (Java's `DefaultMessageStore.getRuntimeInfo` + `StoreStatsService` +
//! `AdminBrokerProcessor.prepareRuntimeInfo`), as the `KVTable` of strings `brokerStatus` and `clusterList`
//! print. Key sets per flavor are mqadmin.md §2.2's table.

use std::collections::BTreeMap;

use super::Broker;
use crate::remoting::command::{VERSION_4_9_8, VERSION_5_3_3};
use crate::store::commitlog::now_ms;
use crate::store::mapped_file::os::disk_used_ratio;

/// Java's `MQVersion.CURRENT_VERSION` of each flavor: (ordinal, name).
fn version(v5: bool) -> (i32, &'static str) {
    if v5 {
        (VERSION_5_3_3, "V5_3_3")
    } else {
        (VERSION_4_9_8, "V4_9_8")
    }
}

/// `UtilAll.humanReadableByteCount(bytes, false)`: `0 B`, `1.5 KiB`, `2.0 MiB` …
pub fn human_bytes(bytes: i64) -> String {
    const UNIT: f64 = 1024.0;
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let b = bytes as f64;
    let exp = (b.ln() / UNIT.ln()) as i32;
    let prefix = ["K", "M", "G", "T", "P", "E"].get((exp - 1) as usize).copied().unwrap_or("E");
    format!("{:.1} {prefix}iB", b / UNIT.powi(exp))
}

/// `Total : 98.3 GiB, Free : 51.2 GiB.` of the partition holding `path`, if it can be read.
fn dir_capacity(path: &std::path::Path) -> Option<String> {
    let (total, free) = crate::store::mapped_file::os::disk_space(path)?;
    Some(format!(
        "Total : {}, Free : {}.",
        human_bytes(i64::try_from(total).unwrap_or(i64::MAX)),
        human_bytes(i64::try_from(free).unwrap_or(i64::MAX))
    ))
}

/// Every key of the runtime table for `broker`.
pub fn collect(broker: &Broker) -> BTreeMap<String, String> {
    let v5 = broker.flavor().is_v5();
    let store = broker.store();
    let config = store.config();
    let now = now_ms();
    let mut t = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        t.insert(k.to_owned(), v);
    };
    let (ordinal, name) = version(v5);
    put("brokerVersionDesc", name.to_owned());
    put("brokerVersion", ordinal.to_string());
    if v5 {
        put("brokerActive", (config.broker_role != crate::broker::BrokerRole::Slave).to_string());
    }
    for (k, v) in broker.stats().runtime_info(now) {
        put(&k, v);
    }
    let commit_log = store.commit_log();
    put("commitLogMinOffset", commit_log.min_offset().to_string());
    put("commitLogMaxOffset", commit_log.max_offset().to_string());
    let cl_dir = config.commit_log_dir();
    let cl_ratio = disk_used_ratio(&cl_dir);
    put("commitLogDiskRatio", cl_ratio.to_string());
    put(&format!("commitLogDiskRatio_{}", cl_dir.display()), cl_ratio.to_string());
    put("consumeQueueDiskRatio", disk_used_ratio(&config.consume_queue_dir()).to_string());
    put("dispatchBehindBytes", store.dispatch_behind_bytes().to_string());
    put("pageCacheLockTimeMills", commit_log.lock_time_mills().to_string());
    put("earliestMessageTimeStamp", store.earliest_message_time_global().to_string());
    put("startAcceptSendRequestTimeStamp", broker.config().start_accept_send_request_time_stamp.to_string());
    put("remainTransientStoreBufferNumbs", i32::MAX.to_string());
    put("remainHowManyDataToFlush", human_bytes((commit_log.max_offset() - commit_log.flushed_where()).max(0)));
    if let Some(capacity) = dir_capacity(config.root()) {
        put("commitLogDirCapacity", capacity);
    }
    // Thruster answers on the connection's own task: nothing ever waits in a queue.
    let pools: &[(&str, &str, i64)] = &[
        ("sendThreadPoolQueue", "send", 10_000),
        ("pullThreadPoolQueue", "pull", 100_000),
        ("queryThreadPoolQueue", "query", 20_000),
    ];
    for (prefix, _, capacity) in pools {
        put(&format!("{prefix}Size"), "0".to_owned());
        put(&format!("{prefix}Capacity"), capacity.to_string());
        put(&format!("{prefix}HeadWaitTimeMills"), "0".to_owned());
    }
    put("EndTransactionQueueSize", "0".to_owned());
    put("EndTransactionThreadPoolQueueCapacity", "100000".to_owned());
    if v5 {
        for prefix in ["litePullThreadPoolQueue", "ackThreadPoolQueue"] {
            put(&format!("{prefix}Size"), "0".to_owned());
            put(&format!("{prefix}Capacity"), "100000".to_owned());
            put(&format!("{prefix}HeadWaitTimeMills"), "0".to_owned());
        }
        for key in ["timerReadBehind", "timerOffsetBehind", "timerCongestNum"] {
            put(key, "0".to_owned());
        }
        put("timerEnqueueTps", "0.0".to_owned());
        put("timerDequeueTps", "0.0".to_owned());
    }
    for (level, offset) in broker.delay_offsets().offset_table() {
        let queue_id = crate::store::config_files::delay_offset::delay_level_to_queue_id(level);
        let max = store.max_offset_in_queue(crate::store::message::SCHEDULE_TOPIC, queue_id);
        put(&format!("scheduleMessageOffset_{level}"), format!("{offset},{max}"));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_like_java() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
