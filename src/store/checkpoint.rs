//! The `checkpoint` file (spec §5.1): one 4096-byte page, the first 40 bytes used.
//!
//! ```text
//!  0                 8                  16                 24                   32                  40      4096
//!  +-----------------+------------------+------------------+--------------------+-------------------+-------+
//!  | physicMsgTs i64 | logicsMsgTs i64  | indexMsgTs i64   | masterFlushed i64  | confirmPhyOff i64 | zeros |
//!  +-----------------+------------------+------------------+--------------------+-------------------+-------+
//!                                                            [5.3.3 only; 4.9.8 ignores bytes 24..]
//! ```
//!
//! Timestamps must never run ahead of what is durably on disk: Java's abnormal recovery starts from the newest
//! commit-log file older than `min(physic, logics) - 3 s`.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};

use super::error::{IoContext, Result};

/// Length of the file.
pub const CHECKPOINT_FILE_SIZE: u64 = 4096;

/// The store checkpoint, cached in memory and written by [`flush`](StoreCheckpoint::flush).
#[derive(Debug)]
pub struct StoreCheckpoint {
    path: PathBuf,
    file: File,
    physic_msg_timestamp: AtomicI64,
    logics_msg_timestamp: AtomicI64,
    index_msg_timestamp: AtomicI64,
    master_flushed_offset: AtomicI64,
    confirm_phy_offset: AtomicI64,
}

fn read_i64(buf: &[u8; 40], at: usize) -> i64 {
    buf.get(at..at + 8).and_then(|b| b.try_into().ok()).map_or(0, i64::from_be_bytes)
}

impl StoreCheckpoint {
    /// Opens `path`, creating it zero-filled (and extending a short file) to 4096 bytes.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).ctx(|| format!("create dir {}", dir.display()))?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .ctx(|| format!("open {}", path.display()))?;
        let len = file.metadata().ctx(|| format!("stat {}", path.display()))?.len();
        if len < CHECKPOINT_FILE_SIZE {
            file.set_len(CHECKPOINT_FILE_SIZE).ctx(|| format!("set_len {}", path.display()))?;
        }
        let mut buf = [0u8; 40];
        file.read_exact_at(&mut buf, 0).ctx(|| format!("read {}", path.display()))?;
        Ok(StoreCheckpoint {
            path: path.to_path_buf(),
            file,
            physic_msg_timestamp: AtomicI64::new(read_i64(&buf, 0)),
            logics_msg_timestamp: AtomicI64::new(read_i64(&buf, 8)),
            index_msg_timestamp: AtomicI64::new(read_i64(&buf, 16)),
            master_flushed_offset: AtomicI64::new(read_i64(&buf, 24)),
            confirm_phy_offset: AtomicI64::new(read_i64(&buf, 32)),
        })
    }

    /// Writes the five fields and forces them to disk.
    pub fn flush(&self) -> Result<()> {
        self.flush_with_logics(self.logics_msg_timestamp())
    }

    /// Like [`flush`](Self::flush) but persists `logics` as `logicsMsgTimestamp` (a value captured before the
    /// consume queues were flushed, so the file never runs ahead of them); the in-memory value is kept.
    pub fn flush_with_logics(&self, logics: i64) -> Result<()> {
        let mut buf = [0u8; 40];
        let fields = [
            self.physic_msg_timestamp(),
            logics,
            self.index_msg_timestamp(),
            self.master_flushed_offset.load(Ordering::Acquire),
            self.confirm_phy_offset(),
        ];
        for (chunk, v) in buf.chunks_exact_mut(8).zip(fields) {
            chunk.copy_from_slice(&v.to_be_bytes());
        }
        self.file.write_all_at(&buf, 0).ctx(|| format!("write {}", self.path.display()))?;
        self.file.sync_data().ctx(|| format!("fsync {}", self.path.display()))
    }

    /// Store time of the newest flushed commit-log message.
    pub fn physic_msg_timestamp(&self) -> i64 {
        self.physic_msg_timestamp.load(Ordering::Acquire)
    }

    /// Sets `physicMsgTimestamp`.
    pub fn set_physic_msg_timestamp(&self, v: i64) {
        self.physic_msg_timestamp.store(v, Ordering::Release);
    }

    /// Store time of the newest message dispatched to a consume queue.
    pub fn logics_msg_timestamp(&self) -> i64 {
        self.logics_msg_timestamp.load(Ordering::Acquire)
    }

    /// Sets `logicsMsgTimestamp`.
    pub fn set_logics_msg_timestamp(&self, v: i64) {
        self.logics_msg_timestamp.store(v, Ordering::Release);
    }

    /// End timestamp of the last full, flushed index file.
    pub fn index_msg_timestamp(&self) -> i64 {
        self.index_msg_timestamp.load(Ordering::Acquire)
    }

    /// Sets `indexMsgTimestamp`.
    pub fn set_index_msg_timestamp(&self, v: i64) {
        self.index_msg_timestamp.store(v, Ordering::Release);
    }

    /// [5.3.3] confirm offset.
    pub fn confirm_phy_offset(&self) -> i64 {
        self.confirm_phy_offset.load(Ordering::Acquire)
    }

    /// Sets the [5.3.3] confirm offset.
    pub fn set_confirm_phy_offset(&self, v: i64) {
        self.confirm_phy_offset.store(v, Ordering::Release);
    }

    /// `max(0, min(physic, logics) - 3000)`: abnormal recovery starts before this time.
    pub fn min_timestamp(&self) -> i64 {
        (self.physic_msg_timestamp().min(self.logics_msg_timestamp()) - 3000).max(0)
    }

    /// `min(min_timestamp, indexMsgTimestamp)` (used with `messageIndexEnable && messageIndexSafe`).
    pub fn min_timestamp_index(&self) -> i64 {
        self.min_timestamp().min(self.index_msg_timestamp())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("checkpoint");
        let c = StoreCheckpoint::open(&p).unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().len(), 4096);
        assert_eq!(c.min_timestamp(), 0);
        c.set_physic_msg_timestamp(10_000);
        c.set_logics_msg_timestamp(9_000);
        c.set_index_msg_timestamp(5_000);
        c.set_confirm_phy_offset(77);
        c.flush().unwrap();
        let raw = std::fs::read(&p).unwrap();
        assert_eq!(raw.len(), 4096);
        assert_eq!(&raw[0..8], &10_000i64.to_be_bytes());
        assert_eq!(&raw[8..16], &9_000i64.to_be_bytes());
        assert_eq!(&raw[16..24], &5_000i64.to_be_bytes());
        assert_eq!(&raw[24..32], &[0u8; 8]);
        assert_eq!(&raw[32..40], &77i64.to_be_bytes());
        assert!(raw[40..].iter().all(|b| *b == 0));
        let c2 = StoreCheckpoint::open(&p).unwrap();
        assert_eq!(c2.min_timestamp(), 6_000);
        assert_eq!(c2.min_timestamp_index(), 5_000);
        assert_eq!(c2.confirm_phy_offset(), 77);
    }

    #[test]
    fn a_4_9_8_checkpoint_reads_with_zero_5_3_3_fields() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("checkpoint");
        let mut raw = vec![0u8; 4096];
        raw[..8].copy_from_slice(&1i64.to_be_bytes());
        std::fs::write(&p, &raw).unwrap();
        let c = StoreCheckpoint::open(&p).unwrap();
        assert_eq!(c.physic_msg_timestamp(), 1);
        assert_eq!(c.confirm_phy_offset(), 0);
    }
}
