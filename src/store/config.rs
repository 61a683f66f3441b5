//! `MessageStoreConfig`: the store's settings, `Default` = Java's defaults, settable from `broker.conf` keys
//! (spec §10) with Java's conversion rules (numbers that do not parse, e.g. with trailing spaces, are ignored;
//! booleans are true only for `true` in any case; enums must be exact upper case; unknown keys are ignored).

use std::path::{Path, PathBuf};

use super::message::{DelayLevelTable, PropertiesFormat};
use crate::config::{java_config, ConfigValue};

/// Flush policy (`flushDiskType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlushDiskType {
    /// Periodic flush thread; a put is answered once it is in the mapping.
    #[default]
    AsyncFlush,
    /// Group commit; a put is answered once it is on disk.
    SyncFlush,
}

/// Broker role (`brokerRole`); a SLAVE refuses puts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BrokerRole {
    /// Asynchronous master.
    #[default]
    AsyncMaster,
    /// Synchronous master.
    SyncMaster,
    /// Slave.
    Slave,
}

impl FlushDiskType {
    /// The Java constant name.
    pub fn name(self) -> &'static str {
        match self {
            FlushDiskType::AsyncFlush => "ASYNC_FLUSH",
            FlushDiskType::SyncFlush => "SYNC_FLUSH",
        }
    }

    /// `FlushDiskType.valueOf`: exact names only.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "ASYNC_FLUSH" => Some(FlushDiskType::AsyncFlush),
            "SYNC_FLUSH" => Some(FlushDiskType::SyncFlush),
            _ => None,
        }
    }
}

impl BrokerRole {
    /// The Java constant name.
    pub fn name(self) -> &'static str {
        match self {
            BrokerRole::AsyncMaster => "ASYNC_MASTER",
            BrokerRole::SyncMaster => "SYNC_MASTER",
            BrokerRole::Slave => "SLAVE",
        }
    }

    /// `BrokerRole.valueOf`: exact names only.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "ASYNC_MASTER" => Some(BrokerRole::AsyncMaster),
            "SYNC_MASTER" => Some(BrokerRole::SyncMaster),
            "SLAVE" => Some(BrokerRole::Slave),
            _ => None,
        }
    }
}

/// Which Java release's store-side writing conventions to follow where the two differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StoreCompat {
    /// 4.9.8: never write V2 records (long topics are refused), properties without a trailing separator.
    V4_9_8,
    /// 5.3.3: V2 records for topics longer than 127 bytes, properties with a trailing separator.
    #[default]
    V5_3_3,
}

java_config! {
    /// The store's configuration (Java `MessageStoreConfig`, the keys the Rust store uses).
    pub struct MessageStoreConfig {
        /// `storePathRootDir`, default `$HOME/store`.
        store_path_root_dir: PathBuf = home_dir().join("store") => "storePathRootDir",
        /// `storePathCommitLog`, default `<root>/commitlog` (one path; `,`-lists are refused at open).
        store_path_commit_log: Option<PathBuf> = None => "storePathCommitLog",
        /// `mappedFileSizeCommitLog`.
        mapped_file_size_commit_log: usize = 1024 * 1024 * 1024 => "mappedFileSizeCommitLog",
        /// `mappedFileSizeConsumeQueue` (use [`Self::consume_queue_file_size`], rounded up to 20).
        mapped_file_size_consume_queue: usize = 300_000 * 20 => "mappedFileSizeConsumeQueue",
        /// `enableConsumeQueueExt` (ext files are not written; ext addresses in CQ entries are tolerated).
        enable_consume_queue_ext: bool = false => "enableConsumeQueueExt",
        /// `flushIntervalCommitLog` ms.
        flush_interval_commit_log: u64 = 500 => "flushIntervalCommitLog",
        /// `flushCommitLogTimed`.
        flush_commit_log_timed: bool = true => "flushCommitLogTimed",
        /// `flushCommitLogLeastPages`.
        flush_commit_log_least_pages: usize = 4 => "flushCommitLogLeastPages",
        /// `flushCommitLogThoroughInterval` ms.
        flush_commit_log_thorough_interval: u64 = 10_000 => "flushCommitLogThoroughInterval",
        /// `flushIntervalConsumeQueue` ms.
        flush_interval_consume_queue: u64 = 1000 => "flushIntervalConsumeQueue",
        /// `flushConsumeQueueLeastPages`.
        flush_consume_queue_least_pages: usize = 2 => "flushConsumeQueueLeastPages",
        /// `flushConsumeQueueThoroughInterval` ms.
        flush_consume_queue_thorough_interval: u64 = 60_000 => "flushConsumeQueueThoroughInterval",
        /// `cleanResourceInterval` ms.
        clean_resource_interval: u64 = 10_000 => "cleanResourceInterval",
        /// `deleteCommitLogFilesInterval` ms.
        delete_commit_log_files_interval: u64 = 100 => "deleteCommitLogFilesInterval",
        /// `deleteConsumeQueueFilesInterval` ms.
        delete_consume_queue_files_interval: u64 = 100 => "deleteConsumeQueueFilesInterval",
        /// `destroyMapedFileIntervalForcibly` ms.
        destroy_mapped_file_interval_forcibly: u64 = 120_000 => "destroyMapedFileIntervalForcibly",
        /// `redeleteHangedFileInterval` ms.
        redelete_hanged_file_interval: u64 = 120_000 => "redeleteHangedFileInterval",
        /// `deleteWhen`: hours, `;`-separated.
        delete_when: String = "04".to_string() => "deleteWhen",
        /// `diskMaxUsedSpaceRatio` percent (use [`Self::disk_max_used_space_ratio`]: clamped 10–95).
        disk_max_used_space_ratio: i32 = 75 => "diskMaxUsedSpaceRatio",
        /// `fileReservedTime` hours.
        file_reserved_time: i32 = 72 => "fileReservedTime",
        /// `diskSpaceWarningLevelRatio` percent (clamped 35–90).
        disk_space_warning_level_ratio: i32 = 90 => "diskSpaceWarningLevelRatio",
        /// `diskSpaceCleanForciblyRatio` percent (clamped 30–85).
        disk_space_clean_forcibly_ratio: i32 = 85 => "diskSpaceCleanForciblyRatio",
        /// `cleanFileForciblyEnable`.
        clean_file_forcibly_enable: bool = true => "cleanFileForciblyEnable",
        /// `deleteFileBatchMax`.
        delete_file_batch_max: usize = 10 => "deleteFileBatchMax",
        /// `maxMessageSize`: body limit in bytes.
        max_message_size: usize = 1024 * 1024 * 4 => "maxMessageSize",
        /// `checkCRCOnRecover`.
        check_crc_on_recover: bool = true => "checkCRCOnRecover",
        /// `warmMapedFileEnable` (Java's spelling; off by default as in Java): keep the commit-log pages ahead of
        /// the write position pre-faulted by a background thread, so appends take no page faults. It pays off
        /// with a spare core; on a busy one its non-preemptible pre-fault calls delay requests by milliseconds.
        warm_maped_file_enable: bool = false => "warmMapedFileEnable",
        /// `maxTransferBytesOnMessageInMemory`.
        max_transfer_bytes_on_message_in_memory: usize = 1024 * 256 => "maxTransferBytesOnMessageInMemory",
        /// `maxTransferCountOnMessageInMemory`.
        max_transfer_count_on_message_in_memory: usize = 32 => "maxTransferCountOnMessageInMemory",
        /// `maxTransferBytesOnMessageInDisk`.
        max_transfer_bytes_on_message_in_disk: usize = 1024 * 64 => "maxTransferBytesOnMessageInDisk",
        /// `maxTransferCountOnMessageInDisk`.
        max_transfer_count_on_message_in_disk: usize = 8 => "maxTransferCountOnMessageInDisk",
        /// `accessMessageInMemoryMaxRatio` percent of physical memory.
        access_message_in_memory_max_ratio: i32 = 40 => "accessMessageInMemoryMaxRatio",
        /// `messageIndexEnable`.
        message_index_enable: bool = true => "messageIndexEnable",
        /// `maxHashSlotNum`.
        max_hash_slot_num: usize = 5_000_000 => "maxHashSlotNum",
        /// `maxIndexNum`.
        max_index_num: usize = 5_000_000 * 4 => "maxIndexNum",
        /// `maxMsgsNumBatch`: cap of an index query.
        max_msgs_num_batch: usize = 64 => "maxMsgsNumBatch",
        /// `messageIndexSafe`.
        message_index_safe: bool = false => "messageIndexSafe",
        /// `brokerRole`.
        broker_role: BrokerRole = BrokerRole::AsyncMaster => "brokerRole",
        /// `flushDiskType`.
        flush_disk_type: FlushDiskType = FlushDiskType::AsyncFlush => "flushDiskType",
        /// `syncFlushTimeout` ms.
        sync_flush_timeout: u64 = 5000 => "syncFlushTimeout",
        /// `messageDelayLevel`.
        message_delay_level: String = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h".to_string() => "messageDelayLevel",
        /// `duplicationEnable` (accepted, not implemented: refused at open when true).
        duplication_enable: bool = false => "duplicationEnable",
        /// `osPageCacheBusyTimeOutMills`.
        os_page_cache_busy_time_out_mills: u64 = 1000 => "osPageCacheBusyTimeOutMills",
        /// `defaultQueryMaxNum`.
        default_query_max_num: usize = 32 => "defaultQueryMaxNum",
        /// `autoMessageVersionOnTopicLen` [5.3.3].
        auto_message_version_on_topic_len: bool = true => "autoMessageVersionOnTopicLen",
        /// `enabledAppendPropCRC` [5.3.3].
        enabled_append_prop_crc: bool = false => "enabledAppendPropCRC",
        /// `forceVerifyPropCRC` [5.3.3].
        force_verify_prop_crc: bool = false => "forceVerifyPropCRC",
        /// `readUnCommitted` [5.3.3]: dispatch up to the max offset even under SYNC_FLUSH.
        read_uncommitted: bool = false => "readUnCommitted",
        /// `offsetCheckInSlave`.
        offset_check_in_slave: bool = false => "offsetCheckInSlave",
        /// `thrusterStoreCompat` (`4.9.8` | `5.3.3`, Thruster only): writing conventions where the tags differ.
        store_compat: StoreCompat = StoreCompat::V5_3_3 => "thrusterStoreCompat",
    }
    extra {}
}

fn home_dir() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."))
}

impl ConfigValue for BrokerRole {
    fn parse(s: &str) -> Option<Self> {
        BrokerRole::from_name(s)
    }
    fn show(&self) -> Option<String> {
        Some(self.name().to_owned())
    }
}

impl ConfigValue for FlushDiskType {
    fn parse(s: &str) -> Option<Self> {
        FlushDiskType::from_name(s)
    }
    fn show(&self) -> Option<String> {
        Some(self.name().to_owned())
    }
}

impl ConfigValue for StoreCompat {
    fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "4.9.8" => Some(StoreCompat::V4_9_8),
            "5.3.3" => Some(StoreCompat::V5_3_3),
            _ => None,
        }
    }
    fn show(&self) -> Option<String> {
        Some(match self {
            StoreCompat::V4_9_8 => "4.9.8".to_owned(),
            StoreCompat::V5_3_3 => "5.3.3".to_owned(),
        })
    }
}

impl MessageStoreConfig {
    /// Defaults with `pairs` (e.g. [`crate::config::parse_properties`] of `broker.conf`) applied in order.
    pub fn from_properties(pairs: &[(String, String)]) -> Self {
        let mut c = Self::default();
        c.apply_properties(pairs);
        c
    }

    /// Applies `pairs` in order (later keys win).
    pub fn apply_properties(&mut self, pairs: &[(String, String)]) {
        for (k, v) in pairs {
            self.set(k, v);
        }
    }

    /// Commit-log directory.
    pub fn commit_log_dir(&self) -> PathBuf {
        self.store_path_commit_log.clone().unwrap_or_else(|| self.store_path_root_dir.join("commitlog"))
    }

    /// `consumequeue/` directory.
    pub fn consume_queue_dir(&self) -> PathBuf {
        self.store_path_root_dir.join("consumequeue")
    }

    /// `index/` directory.
    pub fn index_dir(&self) -> PathBuf {
        self.store_path_root_dir.join("index")
    }

    /// `checkpoint` file.
    pub fn checkpoint_path(&self) -> PathBuf {
        self.store_path_root_dir.join("checkpoint")
    }

    /// `abort` file.
    pub fn abort_path(&self) -> PathBuf {
        self.store_path_root_dir.join("abort")
    }

    /// `lock` file.
    pub fn lock_path(&self) -> PathBuf {
        self.store_path_root_dir.join("lock")
    }

    /// `config/` directory (the broker's JSON files).
    pub fn config_dir(&self) -> PathBuf {
        self.store_path_root_dir.join("config")
    }

    /// Root directory.
    pub fn root(&self) -> &Path {
        &self.store_path_root_dir
    }

    /// Consume-queue file size rounded up to a multiple of 20 (Java getter).
    pub fn consume_queue_file_size(&self) -> usize {
        self.mapped_file_size_consume_queue.div_ceil(20).max(1) * 20
    }

    /// Index file size: 40 + 4·slots + 20·entries.
    pub fn index_file_size(&self) -> usize {
        40 + self.max_hash_slot_num * 4 + self.max_index_num * 20
    }

    /// `diskMaxUsedSpaceRatio` clamped to 10–95.
    pub fn disk_max_used_space_ratio(&self) -> i32 {
        self.disk_max_used_space_ratio.clamp(10, 95)
    }

    /// Warning ratio clamped to 35–90 (5.3.3).
    pub fn disk_space_warning_level_ratio(&self) -> i32 {
        self.disk_space_warning_level_ratio.clamp(35, 90)
    }

    /// Clean-forcibly ratio clamped to 30–85 (5.3.3).
    pub fn disk_space_clean_forcibly_ratio(&self) -> i32 {
        self.disk_space_clean_forcibly_ratio.clamp(30, 85)
    }

    /// The parsed delay-level table (the default table if `messageDelayLevel` does not parse).
    pub fn delay_levels(&self) -> DelayLevelTable {
        DelayLevelTable::parse(&self.message_delay_level).unwrap_or_default()
    }

    /// Properties string form for strings the store builds.
    pub fn properties_format(&self) -> PropertiesFormat {
        match self.store_compat {
            StoreCompat::V4_9_8 => PropertiesFormat::NoTrailingSeparator,
            StoreCompat::V5_3_3 => PropertiesFormat::TrailingSeparator,
        }
    }

    /// True if V2 records may be written for long topics.
    pub fn allow_v2_records(&self) -> bool {
        self.store_compat == StoreCompat::V5_3_3 && self.auto_message_version_on_topic_len
    }

    /// Checks settings the store cannot honour.
    pub fn validate(&self) -> Result<(), String> {
        let cl = self.commit_log_dir();
        if cl.to_string_lossy().contains(',') {
            return Err(format!("multi-path storePathCommitLog is not supported: {}", cl.display()));
        }
        if self.duplication_enable {
            return Err("duplicationEnable=true is not supported".into());
        }
        if self.mapped_file_size_commit_log < 4096 || self.mapped_file_size_commit_log > i32::MAX as usize {
            return Err(format!("mappedFileSizeCommitLog {} out of range", self.mapped_file_size_commit_log));
        }
        if self.max_hash_slot_num == 0 || self.max_index_num < 2 {
            return Err("maxHashSlotNum must be > 0 and maxIndexNum > 1".into());
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_java() {
        let c = MessageStoreConfig::default();
        assert_eq!(c.mapped_file_size_commit_log, 1_073_741_824);
        assert_eq!(c.consume_queue_file_size(), 6_000_000);
        assert_eq!(c.index_file_size(), 420_000_040);
        assert_eq!(c.flush_disk_type, FlushDiskType::AsyncFlush);
        assert_eq!(c.delete_when, "04");
        assert_eq!(c.file_reserved_time, 72);
        assert_eq!(c.disk_max_used_space_ratio(), 75);
        assert_eq!(c.max_message_size, 4_194_304);
        assert_eq!(c.sync_flush_timeout, 5000);
        assert_eq!(c.delay_levels().max_level(), 18);
        assert!(c.store_path_root_dir.ends_with("store"));
        assert_eq!(c.commit_log_dir(), c.store_path_root_dir.join("commitlog"));
    }

    #[test]
    fn broker_conf_keys_apply_like_java() {
        let text = "storePathRootDir=/data/store\nmappedFileSizeCommitLog=134217728\nmappedFileSizeConsumeQueue=1000\n\
                    maxHashSlotNum = 50000\nmaxIndexNum=200000\nflushDiskType=SYNC_FLUSH\ndeleteWhen=04;16\n\
                    fileReservedTime=48 \ndiskMaxUsedSpaceRatio=99\nmaxMessageSize=1024\nsyncFlushTimeout=abc\n\
                    checkCRCOnRecover=yes\nbrokerRole=slave\nunknownKey=1\n";
        let c = MessageStoreConfig::from_properties(&crate::config::parse_properties(text));
        assert_eq!(c.store_path_root_dir, PathBuf::from("/data/store"));
        assert_eq!(c.mapped_file_size_commit_log, 134_217_728);
        assert_eq!(c.consume_queue_file_size(), 1000);
        assert_eq!(c.max_hash_slot_num, 50_000);
        assert_eq!(c.max_index_num, 200_000);
        assert_eq!(c.flush_disk_type, FlushDiskType::SyncFlush);
        assert_eq!(c.delete_when, "04;16");
        assert_eq!(c.file_reserved_time, 72, "trailing space: Java's parseInt fails, default kept");
        assert_eq!(c.disk_max_used_space_ratio(), 95);
        assert_eq!(c.max_message_size, 1024);
        assert_eq!(c.sync_flush_timeout, 5000);
        assert!(!c.check_crc_on_recover, "Boolean.parseBoolean(\"yes\") is false");
        assert_eq!(c.broker_role, BrokerRole::AsyncMaster, "enum values are exact upper case");
        let c = MessageStoreConfig { mapped_file_size_consume_queue: 1001, ..Default::default() };
        assert_eq!(c.consume_queue_file_size(), 1020);
    }

    #[test]
    fn unsupported_settings_are_refused() {
        let mut c = MessageStoreConfig::default();
        assert!(c.validate().is_ok());
        c.store_path_commit_log = Some(PathBuf::from("/a,/b"));
        assert!(c.validate().is_err());
    }
}
