//! Retention (spec §8): delete expired commit-log files, then the consume-queue and index files that only
//! reference deleted data; watch disk usage.
//!
//! ```text
//!  run: delete commit-log files (all but the newest, oldest first, <= deleteFileBatchMax) when
//!         the hour is in deleteWhen ("04;16") | disk > diskMaxUsedSpaceRatio (75 %) | manual (20 runs)
//!       a file goes if mtime + fileReservedTime (72 h) <= now, or unconditionally when cleaning
//!       immediately (disk > clean-forcibly ratio 85 %, cleanFileForciblyEnable)
//!       disk > warning ratio (90 %) marks the store full: puts answer SERVICE_NOT_AVAILABLE until
//!       commit-log and consume-queue usage are both <= the clean-forcibly ratio again
//!     then, if the commit-log min offset grew: consume-queue files whose last entry is below it,
//!       index files whose endPhyOffset is below it (never a queue's or the index's newest file)
//! ```

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::RwLock;

use super::commitlog::{now_ms, CommitLog};
use super::config::MessageStoreConfig;
use super::consume_queue::ConsumeQueueStore;
use super::index_file::IndexService;
use super::mapped_file::os;

/// Runs a manual deletion request this many times (Java `MAX_MANUAL_DELETE_FILE_TIMES`).
const MAX_MANUAL_DELETE_FILE_TIMES: i32 = 20;

/// Disk state as seen by the last check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskStatus {
    /// Below the warning ratio.
    Ok,
    /// Above the warning ratio: the store refuses puts.
    Full,
}

/// Probe of the used fraction of the partition holding a path (−1 if unknown).
pub type DiskUsageProbe = Arc<dyn Fn(&Path) -> f64 + Send + Sync>;

/// Java `CleanCommitLogService` + `CleanConsumeQueueService`.
pub struct CleanupService {
    commit_log: Arc<CommitLog>,
    consume_queues: Arc<ConsumeQueueStore>,
    index: Option<Arc<IndexService>>,
    commit_log_dir: PathBuf,
    consume_queue_dir: PathBuf,
    delete_when: String,
    file_reserved: Duration,
    delete_commit_log_interval: Duration,
    delete_consume_queue_interval: Duration,
    batch_max: usize,
    max_used_ratio: f64,
    warning_ratio: f64,
    clean_forcibly_ratio: f64,
    clean_file_forcibly_enable: bool,
    manual_remaining: AtomicI32,
    disk_full: AtomicBool,
    clean_immediately: AtomicBool,
    last_min_phy: AtomicI64,
    probe: RwLock<DiskUsageProbe>,
}

impl std::fmt::Debug for CleanupService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CleanupService")
            .field("delete_when", &self.delete_when)
            .field("file_reserved", &self.file_reserved)
            .field("disk_full", &self.disk_full.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl CleanupService {
    /// A clean-up service for these components.
    pub fn new(
        config: &MessageStoreConfig,
        commit_log: Arc<CommitLog>,
        consume_queues: Arc<ConsumeQueueStore>,
        index: Option<Arc<IndexService>>,
    ) -> Self {
        CleanupService {
            commit_log,
            consume_queues,
            index,
            commit_log_dir: config.commit_log_dir(),
            consume_queue_dir: config.consume_queue_dir(),
            delete_when: config.delete_when.clone(),
            file_reserved: Duration::from_secs(u64::try_from(config.file_reserved_time).unwrap_or(0) * 3600),
            delete_commit_log_interval: Duration::from_millis(config.delete_commit_log_files_interval),
            delete_consume_queue_interval: Duration::from_millis(config.delete_consume_queue_files_interval),
            batch_max: config.delete_file_batch_max.max(1),
            max_used_ratio: f64::from(config.disk_max_used_space_ratio()) / 100.0,
            warning_ratio: f64::from(config.disk_space_warning_level_ratio()) / 100.0,
            clean_forcibly_ratio: f64::from(config.disk_space_clean_forcibly_ratio()) / 100.0,
            clean_file_forcibly_enable: config.clean_file_forcibly_enable,
            manual_remaining: AtomicI32::new(0),
            disk_full: AtomicBool::new(false),
            clean_immediately: AtomicBool::new(false),
            last_min_phy: AtomicI64::new(0),
            probe: RwLock::new(Arc::new(os::disk_used_ratio)),
        }
    }

    /// Replaces how disk usage is measured (tests, or a smarter probe).
    pub fn set_disk_usage_probe(&self, probe: DiskUsageProbe) {
        *self.probe.write() = probe;
    }

    /// Current disk status.
    pub fn disk_status(&self) -> DiskStatus {
        if self.disk_full.load(Ordering::Acquire) {
            DiskStatus::Full
        } else {
            DiskStatus::Ok
        }
    }

    /// Arms manual deletion for the next 20 runs.
    pub fn execute_delete_files_manually(&self) {
        self.manual_remaining.store(MAX_MANUAL_DELETE_FILE_TIMES, Ordering::Release);
        tracing::info!("executeDeleteFilesManually was invoked");
    }

    /// Java `UtilAll.isItTimeToDo`: the current local hour is one of `when` (`;`-separated).
    pub fn is_time_to_delete(when: &str, now_ms: i64) -> bool {
        let hour = os::local_time(now_ms).hour;
        when.split(';').filter_map(|h| h.trim().parse::<u32>().ok()).any(|h| h == hour)
    }

    /// Evaluates disk usage, updating the full / clean-immediately flags; true if usage asks for deletion.
    fn is_space_to_delete(&self) -> bool {
        let probe = Arc::clone(&*self.probe.read());
        let physic = probe(&self.commit_log_dir);
        let logics = probe(&self.consume_queue_dir);
        let mut clean_immediately = false;
        let mut full = false;
        for ratio in [physic, logics] {
            if ratio > self.warning_ratio {
                full = true;
                clean_immediately = true;
            } else if ratio > self.clean_forcibly_ratio {
                clean_immediately = true;
            }
        }
        let was_full = self.disk_full.load(Ordering::Acquire);
        if full && !was_full {
            tracing::error!(physic, logics, "disk maybe full soon, so disable put message");
            self.disk_full.store(true, Ordering::Release);
        } else if !full && was_full && physic <= self.clean_forcibly_ratio && logics <= self.clean_forcibly_ratio {
            tracing::info!(physic, logics, "disk space recovered, enable put message");
            self.disk_full.store(false, Ordering::Release);
        }
        self.clean_immediately.store(clean_immediately, Ordering::Release);
        [physic, logics].iter().any(|r| *r < 0.0 || *r > self.max_used_ratio)
    }

    /// One clean-up pass: commit log, then consume queues and index.
    pub fn run(&self) {
        self.delete_expired_commit_log();
        self.delete_expired_queues();
    }

    fn delete_expired_commit_log(&self) {
        let time_up = Self::is_time_to_delete(&self.delete_when, now_ms());
        let space = self.is_space_to_delete();
        let manual = self.manual_remaining.load(Ordering::Acquire) > 0;
        if !(time_up || space || manual) {
            return;
        }
        if manual {
            self.manual_remaining.fetch_sub(1, Ordering::AcqRel);
        }
        let clean_at_once = self.clean_file_forcibly_enable && self.clean_immediately.load(Ordering::Acquire);
        tracing::info!(time_up, space, manual, clean_at_once, "begin to delete expired commit-log files");
        match self.commit_log.queue().delete_expired_by_time(
            self.file_reserved,
            self.delete_commit_log_interval,
            clean_at_once,
            self.batch_max,
        ) {
            Ok(n) if n > 0 => tracing::info!(deleted = n, "deleted commit-log files"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "commit-log clean-up failed"),
        }
    }

    fn delete_expired_queues(&self) {
        let min_phy = self.commit_log.min_offset();
        let last = self.last_min_phy.load(Ordering::Acquire);
        if min_phy <= last {
            return;
        }
        self.last_min_phy.store(min_phy, Ordering::Release);
        for cq in self.consume_queues.all() {
            match cq.delete_expired_file(min_phy) {
                Ok(n) if n > 0 && !self.delete_consume_queue_interval.is_zero() => {
                    std::thread::sleep(self.delete_consume_queue_interval);
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(topic = cq.topic(), queue = cq.queue_id(), error = %e, "consume queue clean-up failed")
                }
            }
        }
        if let Some(index) = &self.index {
            if let Err(e) = index.delete_expired_file(min_phy) {
                tracing::error!(error = %e, "index clean-up failed");
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::store::message::MessageExtBrokerInner;

    #[test]
    fn delete_when_hours() {
        let now = now_ms();
        let hour = os::local_time(now).hour;
        assert!(CleanupService::is_time_to_delete(&format!("{:02}", hour), now));
        assert!(CleanupService::is_time_to_delete(&format!("99;{hour}"), now));
        assert!(!CleanupService::is_time_to_delete(&format!("{}", (hour + 1) % 24), now));
    }

    #[test]
    fn disk_ratios_drive_deletion_and_the_full_flag() {
        let dir = tempfile::tempdir().unwrap();
        let config = MessageStoreConfig {
            store_path_root_dir: dir.path().to_path_buf(),
            mapped_file_size_commit_log: 4096,
            delete_when: "99".into(),
            delete_commit_log_files_interval: 0,
            delete_consume_queue_files_interval: 0,
            ..Default::default()
        };
        let cl = Arc::new(CommitLog::new(&config));
        cl.load().unwrap();
        for _ in 0..12 {
            let m = MessageExtBrokerInner {
                topic: "T".into(),
                body: Bytes::from_static(&[0u8; 1000]),
                born_host: "127.0.0.1:1".parse().unwrap(),
                store_host: "127.0.0.1:2".parse().unwrap(),
                ..Default::default()
            };
            assert!(cl.put_message(&m).is_ok());
        }
        assert_eq!(cl.queue().len(), 4);
        let cqs = Arc::new(ConsumeQueueStore::new(config.consume_queue_dir(), 6000));
        let svc = CleanupService::new(&config, Arc::clone(&cl), cqs, None);
        let usage = Arc::new(parking_lot::Mutex::new(0.5f64));
        let u = Arc::clone(&usage);
        svc.set_disk_usage_probe(Arc::new(move |_p: &Path| *u.lock()));

        // 50 %: nothing to do (files are younger than 72 h anyway)
        svc.run();
        assert_eq!(cl.queue().len(), 4);
        // 80 %: above diskMaxUsedSpaceRatio, but files are not expired and not forced
        *usage.lock() = 0.80;
        svc.run();
        assert_eq!(cl.queue().len(), 4);
        // 88 %: clean immediately (forcibly), oldest first, never the newest
        *usage.lock() = 0.88;
        svc.run();
        assert_eq!(cl.queue().len(), 1);
        assert_eq!(cl.min_offset(), 3 * 4096);
        assert_eq!(svc.disk_status(), DiskStatus::Ok);
        // 95 %: full, puts refused until usage drops to the clean-forcibly ratio
        *usage.lock() = 0.95;
        svc.run();
        assert_eq!(svc.disk_status(), DiskStatus::Full);
        *usage.lock() = 0.87;
        svc.run();
        assert_eq!(svc.disk_status(), DiskStatus::Full);
        *usage.lock() = 0.50;
        svc.run();
        assert_eq!(svc.disk_status(), DiskStatus::Ok);
    }
}
