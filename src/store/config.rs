//! `MessageStoreConfig`: the store's settings, `Default` = Java's defaults, settable from `broker.conf` keys
//! (spec §10) with Java's conversion rules (numbers that do not parse, e.g. with trailing spaces, are ignored;
//! booleans are true only for `true` in any case; enums must be exact upper case; unknown keys are ignored).

use std::path::{Path, PathBuf};

use super::message::{DelayLevelTable, PropertiesFormat};

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

/// The store's configuration (Java `MessageStoreConfig`, the keys the Rust store uses).
#[derive(Debug, Clone, PartialEq)]
pub struct MessageStoreConfig {
    /// `storePathRootDir`, default `$HOME/store`.
    pub store_path_root_dir: PathBuf,
    /// `storePathCommitLog`, default `<root>/commitlog` (one path; `,`-lists are refused at open).
    pub store_path_commit_log: Option<PathBuf>,
    /// `mappedFileSizeCommitLog`.
    pub mapped_file_size_commit_log: usize,
    /// `mappedFileSizeConsumeQueue` (use [`Self::consume_queue_file_size`], rounded up to 20).
    pub mapped_file_size_consume_queue: usize,
    /// `enableConsumeQueueExt` (ext files are not written; ext addresses in CQ entries are tolerated).
    pub enable_consume_queue_ext: bool,
    /// `flushIntervalCommitLog` ms.
    pub flush_interval_commit_log: u64,
    /// `flushCommitLogTimed`.
    pub flush_commit_log_timed: bool,
    /// `flushCommitLogLeastPages`.
    pub flush_commit_log_least_pages: usize,
    /// `flushCommitLogThoroughInterval` ms.
    pub flush_commit_log_thorough_interval: u64,
    /// `flushIntervalConsumeQueue` ms.
    pub flush_interval_consume_queue: u64,
    /// `flushConsumeQueueLeastPages`.
    pub flush_consume_queue_least_pages: usize,
    /// `flushConsumeQueueThoroughInterval` ms.
    pub flush_consume_queue_thorough_interval: u64,
    /// `cleanResourceInterval` ms.
    pub clean_resource_interval: u64,
    /// `deleteCommitLogFilesInterval` ms.
    pub delete_commit_log_files_interval: u64,
    /// `deleteConsumeQueueFilesInterval` ms.
    pub delete_consume_queue_files_interval: u64,
    /// `destroyMapedFileIntervalForcibly` ms.
    pub destroy_mapped_file_interval_forcibly: u64,
    /// `redeleteHangedFileInterval` ms.
    pub redelete_hanged_file_interval: u64,
    /// `deleteWhen`: hours, `;`-separated.
    pub delete_when: String,
    /// `diskMaxUsedSpaceRatio` percent (use [`Self::disk_max_used_space_ratio`]: clamped 10–95).
    pub disk_max_used_space_ratio: i32,
    /// `fileReservedTime` hours.
    pub file_reserved_time: i32,
    /// `diskSpaceWarningLevelRatio` percent (clamped 35–90).
    pub disk_space_warning_level_ratio: i32,
    /// `diskSpaceCleanForciblyRatio` percent (clamped 30–85).
    pub disk_space_clean_forcibly_ratio: i32,
    /// `cleanFileForciblyEnable`.
    pub clean_file_forcibly_enable: bool,
    /// `deleteFileBatchMax`.
    pub delete_file_batch_max: usize,
    /// `maxMessageSize`: body limit in bytes.
    pub max_message_size: usize,
    /// `checkCRCOnRecover`.
    pub check_crc_on_recover: bool,
    /// `warmMapedFileEnable` (Java's spelling; off by default as in Java): keep the commit-log pages ahead of
    /// the write position pre-faulted by a background thread, so appends take no page faults. It pays off
    /// with a spare core; on a busy one its non-preemptible pre-fault calls delay requests by milliseconds.
    pub warm_maped_file_enable: bool,
    /// `maxTransferBytesOnMessageInMemory`.
    pub max_transfer_bytes_on_message_in_memory: usize,
    /// `maxTransferCountOnMessageInMemory`.
    pub max_transfer_count_on_message_in_memory: usize,
    /// `maxTransferBytesOnMessageInDisk`.
    pub max_transfer_bytes_on_message_in_disk: usize,
    /// `maxTransferCountOnMessageInDisk`.
    pub max_transfer_count_on_message_in_disk: usize,
    /// `accessMessageInMemoryMaxRatio` percent of physical memory.
    pub access_message_in_memory_max_ratio: i32,
    /// `messageIndexEnable`.
    pub message_index_enable: bool,
    /// `maxHashSlotNum`.
    pub max_hash_slot_num: usize,
    /// `maxIndexNum`.
    pub max_index_num: usize,
    /// `maxMsgsNumBatch`: cap of an index query.
    pub max_msgs_num_batch: usize,
    /// `messageIndexSafe`.
    pub message_index_safe: bool,
    /// `brokerRole`.
    pub broker_role: BrokerRole,
    /// `flushDiskType`.
    pub flush_disk_type: FlushDiskType,
    /// `syncFlushTimeout` ms.
    pub sync_flush_timeout: u64,
    /// `messageDelayLevel`.
    pub message_delay_level: String,
    /// `duplicationEnable` (accepted, not implemented: refused at open when true).
    pub duplication_enable: bool,
    /// `osPageCacheBusyTimeOutMills`.
    pub os_page_cache_busy_time_out_mills: u64,
    /// `defaultQueryMaxNum`.
    pub default_query_max_num: usize,
    /// `autoMessageVersionOnTopicLen` [5.3.3].
    pub auto_message_version_on_topic_len: bool,
    /// `enabledAppendPropCRC` [5.3.3].
    pub enabled_append_prop_crc: bool,
    /// `forceVerifyPropCRC` [5.3.3].
    pub force_verify_prop_crc: bool,
    /// `readUnCommitted` [5.3.3]: dispatch up to the max offset even under SYNC_FLUSH.
    pub read_uncommitted: bool,
    /// `offsetCheckInSlave`.
    pub offset_check_in_slave: bool,
    /// `thrusterStoreCompat` (`4.9.8` | `5.3.3`, Thruster only): writing conventions where the tags differ.
    pub store_compat: StoreCompat,
}

impl Default for MessageStoreConfig {
    fn default() -> Self {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
        MessageStoreConfig {
            store_path_root_dir: home.join("store"),
            store_path_commit_log: None,
            mapped_file_size_commit_log: 1024 * 1024 * 1024,
            mapped_file_size_consume_queue: 300_000 * 20,
            enable_consume_queue_ext: false,
            flush_interval_commit_log: 500,
            flush_commit_log_timed: true,
            flush_commit_log_least_pages: 4,
            flush_commit_log_thorough_interval: 10_000,
            flush_interval_consume_queue: 1000,
            flush_consume_queue_least_pages: 2,
            flush_consume_queue_thorough_interval: 60_000,
            clean_resource_interval: 10_000,
            delete_commit_log_files_interval: 100,
            delete_consume_queue_files_interval: 100,
            destroy_mapped_file_interval_forcibly: 120_000,
            redelete_hanged_file_interval: 120_000,
            delete_when: "04".to_string(),
            disk_max_used_space_ratio: 75,
            file_reserved_time: 72,
            disk_space_warning_level_ratio: 90,
            disk_space_clean_forcibly_ratio: 85,
            clean_file_forcibly_enable: true,
            delete_file_batch_max: 10,
            max_message_size: 1024 * 1024 * 4,
            check_crc_on_recover: true,
            warm_maped_file_enable: false,
            max_transfer_bytes_on_message_in_memory: 1024 * 256,
            max_transfer_count_on_message_in_memory: 32,
            max_transfer_bytes_on_message_in_disk: 1024 * 64,
            max_transfer_count_on_message_in_disk: 8,
            access_message_in_memory_max_ratio: 40,
            message_index_enable: true,
            max_hash_slot_num: 5_000_000,
            max_index_num: 5_000_000 * 4,
            max_msgs_num_batch: 64,
            message_index_safe: false,
            broker_role: BrokerRole::AsyncMaster,
            flush_disk_type: FlushDiskType::AsyncFlush,
            sync_flush_timeout: 5000,
            message_delay_level: "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h".to_string(),
            duplication_enable: false,
            os_page_cache_busy_time_out_mills: 1000,
            default_query_max_num: 32,
            auto_message_version_on_topic_len: true,
            enabled_append_prop_crc: false,
            force_verify_prop_crc: false,
            read_uncommitted: false,
            offset_check_in_slave: false,
            store_compat: StoreCompat::V5_3_3,
        }
    }
}

fn java_bool(v: &str) -> bool {
    v.eq_ignore_ascii_case("true")
}

fn set_num<T: std::str::FromStr>(slot: &mut T, v: &str) -> bool {
    // Java's Integer/Long.parseLong: no surrounding whitespace, optional sign.
    match v.parse() {
        Ok(n) => {
            *slot = n;
            true
        }
        Err(_) => false,
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

    /// Applies one key; false if the key is unknown or the value did not convert (then nothing changes).
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let v = value;
        match key {
            "storePathRootDir" => self.store_path_root_dir = PathBuf::from(v.trim()),
            "storePathCommitLog" => self.store_path_commit_log = Some(PathBuf::from(v.trim())),
            "mappedFileSizeCommitLog" => return set_num(&mut self.mapped_file_size_commit_log, v),
            "mappedFileSizeConsumeQueue" => return set_num(&mut self.mapped_file_size_consume_queue, v),
            "enableConsumeQueueExt" => self.enable_consume_queue_ext = java_bool(v),
            "flushIntervalCommitLog" => return set_num(&mut self.flush_interval_commit_log, v),
            "flushCommitLogTimed" => self.flush_commit_log_timed = java_bool(v),
            "flushCommitLogLeastPages" => return set_num(&mut self.flush_commit_log_least_pages, v),
            "flushCommitLogThoroughInterval" => return set_num(&mut self.flush_commit_log_thorough_interval, v),
            "flushIntervalConsumeQueue" => return set_num(&mut self.flush_interval_consume_queue, v),
            "flushConsumeQueueLeastPages" => return set_num(&mut self.flush_consume_queue_least_pages, v),
            "flushConsumeQueueThoroughInterval" => return set_num(&mut self.flush_consume_queue_thorough_interval, v),
            "cleanResourceInterval" => return set_num(&mut self.clean_resource_interval, v),
            "deleteCommitLogFilesInterval" => return set_num(&mut self.delete_commit_log_files_interval, v),
            "deleteConsumeQueueFilesInterval" => return set_num(&mut self.delete_consume_queue_files_interval, v),
            "destroyMapedFileIntervalForcibly" => return set_num(&mut self.destroy_mapped_file_interval_forcibly, v),
            "redeleteHangedFileInterval" => return set_num(&mut self.redelete_hanged_file_interval, v),
            "deleteWhen" => self.delete_when = v.trim().to_string(),
            "diskMaxUsedSpaceRatio" => return set_num(&mut self.disk_max_used_space_ratio, v),
            "fileReservedTime" => return set_num(&mut self.file_reserved_time, v),
            "diskSpaceWarningLevelRatio" => return set_num(&mut self.disk_space_warning_level_ratio, v),
            "diskSpaceCleanForciblyRatio" => return set_num(&mut self.disk_space_clean_forcibly_ratio, v),
            "cleanFileForciblyEnable" => self.clean_file_forcibly_enable = java_bool(v),
            "deleteFileBatchMax" => return set_num(&mut self.delete_file_batch_max, v),
            "maxMessageSize" => return set_num(&mut self.max_message_size, v),
            "checkCRCOnRecover" => self.check_crc_on_recover = java_bool(v),
            "warmMapedFileEnable" => self.warm_maped_file_enable = java_bool(v),
            "maxTransferBytesOnMessageInMemory" => {
                return set_num(&mut self.max_transfer_bytes_on_message_in_memory, v)
            }
            "maxTransferCountOnMessageInMemory" => {
                return set_num(&mut self.max_transfer_count_on_message_in_memory, v)
            }
            "maxTransferBytesOnMessageInDisk" => return set_num(&mut self.max_transfer_bytes_on_message_in_disk, v),
            "maxTransferCountOnMessageInDisk" => return set_num(&mut self.max_transfer_count_on_message_in_disk, v),
            "accessMessageInMemoryMaxRatio" => return set_num(&mut self.access_message_in_memory_max_ratio, v),
            "messageIndexEnable" => self.message_index_enable = java_bool(v),
            "maxHashSlotNum" => return set_num(&mut self.max_hash_slot_num, v),
            "maxIndexNum" => return set_num(&mut self.max_index_num, v),
            "maxMsgsNumBatch" => return set_num(&mut self.max_msgs_num_batch, v),
            "messageIndexSafe" => self.message_index_safe = java_bool(v),
            "brokerRole" => match BrokerRole::from_name(v) {
                Some(role) => self.broker_role = role,
                None => return false,
            },
            "flushDiskType" => match FlushDiskType::from_name(v) {
                Some(ty) => self.flush_disk_type = ty,
                None => return false,
            },
            "syncFlushTimeout" => return set_num(&mut self.sync_flush_timeout, v),
            "messageDelayLevel" => self.message_delay_level = v.trim().to_string(),
            "duplicationEnable" => self.duplication_enable = java_bool(v),
            "osPageCacheBusyTimeOutMills" => return set_num(&mut self.os_page_cache_busy_time_out_mills, v),
            "defaultQueryMaxNum" => return set_num(&mut self.default_query_max_num, v),
            "autoMessageVersionOnTopicLen" => self.auto_message_version_on_topic_len = java_bool(v),
            "enabledAppendPropCRC" => self.enabled_append_prop_crc = java_bool(v),
            "forceVerifyPropCRC" => self.force_verify_prop_crc = java_bool(v),
            "readUnCommitted" => self.read_uncommitted = java_bool(v),
            "offsetCheckInSlave" => self.offset_check_in_slave = java_bool(v),
            "thrusterStoreCompat" => {
                self.store_compat = match v.trim() {
                    "4.9.8" => StoreCompat::V4_9_8,
                    "5.3.3" => StoreCompat::V5_3_3,
                    _ => return false,
                }
            }
            _ => return false,
        }
        true
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
