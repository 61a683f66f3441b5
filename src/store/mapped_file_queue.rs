//! A directory of equally sized, contiguous mapped files forming one address space (Java `MappedFileQueue`).
//!
//! ```text
//!  dir/00000000000000000000  dir/00000000001073741824  dir/00000000002147483648   (file size S = 1 GiB)
//!  +------------------------+------------------------+------------------------+
//!  | offsets [0, S)         | offsets [S, 2S)        | [2S, 2S + wrote)  ...  |
//!  +------------------------+------------------------+------------------------+
//!  min offset = first file's start          max offset = last start + its write position
//! ```
//!
//! Files are named by their start offset (20 digits), all exactly the configured size, without holes; only
//! the head is ever deleted (retention) and only the tail truncated (recovery).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use parking_lot::RwLock;

use super::error::{IoContext, Result, StoreError};
use super::mapped_file::{Access, MappedFile};

/// The files of one queue (commit log, or one consume queue).
#[derive(Debug)]
pub struct MappedFileQueue {
    dir: PathBuf,
    file_size: usize,
    files: RwLock<Vec<Arc<MappedFile>>>,
    flushed_where: AtomicI64,
    /// Store timestamp of the newest message covered by the last thorough flush.
    store_timestamp: AtomicI64,
}

impl MappedFileQueue {
    /// An empty queue over `dir` (nothing is read or created yet).
    pub fn new(dir: impl Into<PathBuf>, file_size: usize) -> Self {
        MappedFileQueue {
            dir: dir.into(),
            file_size,
            files: RwLock::new(Vec::new()),
            flushed_where: AtomicI64::new(0),
            store_timestamp: AtomicI64::new(0),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Size of every file.
    pub fn file_size(&self) -> usize {
        self.file_size
    }

    /// Maps every file of the directory in name order, each marked fully written (recovery finds the real
    /// end). Entries whose name is not a decimal offset are ignored; a zero-length *last* file is deleted (as
    /// 5.3.3 does); any other length mismatch or a hole is an error.
    pub fn load(&self) -> Result<()> {
        let mut found: Vec<(i64, PathBuf, u64)> = Vec::new();
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io(format!("read dir {}", self.dir.display()), e)),
        };
        for entry in rd {
            let entry = entry.ctx(|| format!("read dir {}", self.dir.display()))?;
            let meta = entry.metadata().ctx(|| format!("stat {}", entry.path().display()))?;
            if !meta.is_file() {
                continue;
            }
            let name = entry.file_name();
            let Some(offset) = name.to_str().and_then(parse_offset_name) else {
                tracing::warn!(path = %entry.path().display(), "ignoring non-offset file in store directory");
                continue;
            };
            found.push((offset, entry.path(), meta.len()));
        }
        found.sort_by_key(|(o, _, _)| *o);
        if let Some((_, path, 0)) = found.last() {
            tracing::warn!(path = %path.display(), "deleting zero-length last mapped file");
            std::fs::remove_file(path).ctx(|| format!("delete {}", path.display()))?;
            found.pop();
        }
        let mut files = Vec::with_capacity(found.len());
        let mut expect: Option<i64> = None;
        for (offset, path, _) in found {
            if offset % self.file_size as i64 != 0 {
                return Err(self.layout(format!("{} is not a multiple of the file size {}", offset, self.file_size)));
            }
            if let Some(e) = expect {
                if e != offset {
                    return Err(self.layout(format!("hole: expected {e}, found {offset}")));
                }
            }
            expect = Some(offset + self.file_size as i64);
            let mf = MappedFile::open(&path, offset, self.file_size, Access::Append, self.file_size)?;
            files.push(Arc::new(mf));
        }
        *self.files.write() = files;
        Ok(())
    }

    fn layout(&self, detail: String) -> StoreError {
        StoreError::Layout { dir: self.dir.clone(), detail }
    }

    /// Snapshot of the files, oldest first.
    pub fn files(&self) -> Vec<Arc<MappedFile>> {
        self.files.read().clone()
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.read().len()
    }

    /// True if there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.read().is_empty()
    }

    /// The oldest file.
    pub fn first(&self) -> Option<Arc<MappedFile>> {
        self.files.read().first().cloned()
    }

    /// The newest file.
    pub fn last(&self) -> Option<Arc<MappedFile>> {
        self.files.read().last().cloned()
    }

    /// The newest file if it still has room; otherwise a new file is created: at `start_offset` rounded down to
    /// the file size when the queue is empty, else right after the last file.
    pub fn last_or_create(&self, start_offset: i64) -> Result<Arc<MappedFile>> {
        if let Some(last) = self.last() {
            if !last.is_full() {
                return Ok(last);
            }
        }
        self.create_next(start_offset)
    }

    /// Creates the next file (see [`last_or_create`](Self::last_or_create)) and appends it to the queue.
    pub fn create_next(&self, start_offset: i64) -> Result<Arc<MappedFile>> {
        let mut files = self.files.write();
        let (from, first) = match files.last() {
            Some(last) => (last.from_offset() + self.file_size as i64, false),
            None => (start_offset - start_offset.rem_euclid(self.file_size as i64), true),
        };
        let mf = MappedFile::create(&self.dir, from, self.file_size, Access::Append)?;
        if first {
            mf.set_first_in_queue();
        }
        let mf = Arc::new(mf);
        files.push(Arc::clone(&mf));
        Ok(mf)
    }

    /// The file holding `offset`; with `first_if_missing`, the first file when none does.
    pub fn find_by_offset(&self, offset: i64, first_if_missing: bool) -> Option<Arc<MappedFile>> {
        let files = self.files.read();
        let first = files.first()?;
        let last = files.last()?;
        let size = self.file_size as i64;
        if offset < first.from_offset() || offset >= last.from_offset() + size {
            return if first_if_missing { Some(Arc::clone(first)) } else { None };
        }
        let idx = ((offset / size) - (first.from_offset() / size)) as usize;
        match files.get(idx) {
            Some(f) if f.from_offset() <= offset && offset < f.from_offset() + size => Some(Arc::clone(f)),
            _ => files.iter().find(|f| f.from_offset() <= offset && offset < f.from_offset() + size).cloned(),
        }
    }

    /// Start of the first file, −1 if there is none.
    pub fn min_offset(&self) -> i64 {
        self.first().map_or(-1, |f| f.from_offset())
    }

    /// Start of the last file + its write position, 0 if there is none.
    pub fn max_offset(&self) -> i64 {
        self.last().map_or(0, |f| f.from_offset() + f.wrote_position() as i64)
    }

    /// Everything below this offset is on disk.
    pub fn flushed_where(&self) -> i64 {
        self.flushed_where.load(Ordering::Acquire)
    }

    /// Sets the flushed offset (recovery, consume-queue pre-fill).
    pub fn set_flushed_where(&self, offset: i64) {
        self.flushed_where.store(offset, Ordering::Release);
    }

    /// Store timestamp captured by the last thorough flush.
    pub fn store_timestamp(&self) -> i64 {
        self.store_timestamp.load(Ordering::Acquire)
    }

    /// Flushes from `flushed_where` on (Java `MappedFileQueue.flush`), following into later files when a file
    /// is completed; returns true when `flushed_where` advanced.
    pub fn flush(&self, least_pages: usize) -> Result<bool> {
        let start = self.flushed_where();
        loop {
            let at = self.flushed_where();
            let Some(mf) = self.find_by_offset(at, at == 0) else {
                break;
            };
            let ts = mf.store_timestamp();
            let pos = mf.flush(least_pages)?;
            let where_ = mf.from_offset() + pos as i64;
            if where_ > at {
                self.flushed_where.fetch_max(where_, Ordering::AcqRel);
            }
            if least_pages == 0 && ts > 0 {
                self.store_timestamp.fetch_max(ts, Ordering::AcqRel);
            }
            if pos < mf.size() || where_ <= at {
                break;
            }
        }
        Ok(self.flushed_where() > start)
    }

    /// Cuts the queue at `offset` (recovery): later files are deleted, the file containing it is truncated.
    /// Needs that no reader holds a file of the cut range.
    pub fn truncate_dirty(&self, offset: i64) -> Result<()> {
        let mut files = self.files.write();
        let size = self.file_size as i64;
        let mut keep = Vec::with_capacity(files.len());
        for mut mf in files.drain(..) {
            let tail = mf.from_offset() + size;
            if tail <= offset {
                keep.push(mf);
            } else if offset >= mf.from_offset() {
                let path = mf.path().to_path_buf();
                let pos = (offset - mf.from_offset()) as usize;
                Arc::get_mut(&mut mf).ok_or(StoreError::Busy(path))?.truncate(pos)?;
                keep.push(mf);
            } else {
                tracing::info!(file = %mf.path().display(), "deleting file beyond the recovered end");
                mf.delete()?;
            }
        }
        *files = keep;
        drop(files);
        if self.flushed_where() > offset {
            self.set_flushed_where(offset);
        }
        Ok(())
    }

    /// Sets the write position of the last file after recovery (exclusive access needed).
    pub fn set_last_positions(&self, offset: i64) -> Result<()> {
        let mut files = self.files.write();
        for mf in files.iter_mut() {
            let from = mf.from_offset();
            if offset >= from && offset < from + self.file_size as i64 {
                let path = mf.path().to_path_buf();
                Arc::get_mut(mf).ok_or(StoreError::Busy(path))?.set_positions((offset - from) as usize);
            }
        }
        Ok(())
    }

    /// Deletes all files and the directory.
    pub fn destroy(&self) -> Result<()> {
        let mut files = self.files.write();
        for mf in files.drain(..) {
            mf.delete()?;
        }
        match std::fs::remove_dir(&self.dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => {
                tracing::warn!(dir = %self.dir.display(), error = %e, "could not remove directory");
                Ok(())
            }
        }
    }

    /// Retention by time (commit log, Java `deleteExpiredFileByTime`): deletes files other than the newest, oldest
    /// first, while `mtime + expired <= now` (or unconditionally with `clean_immediately`), at most `batch_max`,
    /// sleeping `interval` between deletions. Returns how many files were deleted.
    pub fn delete_expired_by_time(
        &self,
        expired: Duration,
        interval: Duration,
        clean_immediately: bool,
        batch_max: usize,
    ) -> Result<usize> {
        let candidates = {
            let files = self.files.read();
            files.len().saturating_sub(1)
        };
        let mut deleted = 0;
        for _ in 0..candidates.min(batch_max) {
            let Some(first) = self.first() else { break };
            let expired_now = first.last_modified() + expired <= SystemTime::now();
            if !(expired_now || clean_immediately) || self.len() <= 1 {
                break;
            }
            self.remove_first(&first)?;
            deleted += 1;
            if !interval.is_zero() {
                std::thread::sleep(interval);
            }
        }
        Ok(deleted)
    }

    /// Retention by offset (consume queues, Java `deleteExpiredFileByOffset`): deletes files other than the
    /// newest whose last `unit_size` entry points below `min_phy_offset`. Returns how many were deleted.
    pub fn delete_expired_by_offset(&self, min_phy_offset: i64, unit_size: usize) -> Result<usize> {
        let mut deleted = 0;
        loop {
            if self.len() <= 1 {
                break;
            }
            let Some(first) = self.first() else { break };
            let size = first.size();
            let last_entry = size
                .checked_sub(unit_size)
                .and_then(|pos| first.with_bytes(pos, 8, |b| b.try_into().map(i64::from_be_bytes).unwrap_or(i64::MAX)));
            match last_entry {
                Some(phy) if phy < min_phy_offset => {
                    self.remove_first(&first)?;
                    deleted += 1;
                }
                _ => break,
            }
        }
        Ok(deleted)
    }

    fn remove_first(&self, first: &Arc<MappedFile>) -> Result<()> {
        let mut files = self.files.write();
        if files.first().is_some_and(|f| Arc::ptr_eq(f, first)) {
            files.remove(0);
            drop(files);
            tracing::info!(file = %first.path().display(), "deleting expired file");
            first.delete()?;
        }
        Ok(())
    }

    /// Deletes every file whose start is at or beyond `offset` (used when a whole queue is reset).
    pub fn delete_from(&self, offset: i64) -> Result<()> {
        let mut files = self.files.write();
        while files.last().is_some_and(|f| f.from_offset() >= offset) {
            if let Some(f) = files.pop() {
                f.delete()?;
            }
        }
        let end = files.last().map_or(0, |f| f.from_offset() + f.wrote_position() as i64);
        drop(files);
        if self.flushed_where() > end {
            self.set_flushed_where(end);
        }
        Ok(())
    }
}

/// Parses a mapped-file name (decimal offset; Java writes 20 digits, accepts any `Long.parseLong`).
pub fn parse_offset_name(name: &str) -> Option<i64> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    name.parse().ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn create_find_flush_and_reload() {
        let dir = tempfile::tempdir().unwrap();
        let q = MappedFileQueue::new(dir.path(), 1024);
        q.load().unwrap();
        assert_eq!(q.min_offset(), -1);
        assert_eq!(q.max_offset(), 0);
        let f0 = q.last_or_create(0).unwrap();
        assert!(f0.append(&[1u8; 1000]));
        f0.mark_full();
        let f1 = q.last_or_create(0).unwrap();
        assert_eq!(f1.from_offset(), 1024);
        assert!(f1.append(&[2u8; 10]));
        assert_eq!(q.max_offset(), 1034);
        assert_eq!(q.find_by_offset(1030, false).unwrap().from_offset(), 1024);
        assert_eq!(q.find_by_offset(5, false).unwrap().from_offset(), 0);
        assert!(q.find_by_offset(2048, false).is_none());
        assert!(q.flush(0).unwrap());
        assert_eq!(q.flushed_where(), 1034);
        assert!(!q.flush(0).unwrap());
        drop((f0, f1));

        let q2 = MappedFileQueue::new(dir.path(), 1024);
        q2.load().unwrap();
        assert_eq!(q2.len(), 2);
        assert_eq!(q2.max_offset(), 2048, "loaded files count as fully written");
        q2.truncate_dirty(1030).unwrap();
        assert_eq!(q2.max_offset(), 1030);
        q2.truncate_dirty(500).unwrap();
        assert_eq!(q2.len(), 1);
        assert_eq!(q2.max_offset(), 500);
        assert!(!dir.path().join("00000000000000001024").exists());
    }

    #[test]
    fn first_file_of_an_empty_queue_starts_at_the_rounded_offset() {
        let dir = tempfile::tempdir().unwrap();
        let q = MappedFileQueue::new(dir.path(), 100);
        let f = q.last_or_create(260).unwrap();
        assert_eq!(f.from_offset(), 200);
        assert!(f.is_first_in_queue());
    }

    #[test]
    fn load_rejects_holes_and_bad_sizes_and_drops_empty_last() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("00000000000000000000"), vec![0u8; 100]).unwrap();
        std::fs::write(dir.path().join("00000000000000000200"), vec![0u8; 100]).unwrap();
        let q = MappedFileQueue::new(dir.path(), 100);
        assert!(matches!(q.load(), Err(StoreError::Layout { .. })));

        std::fs::remove_file(dir.path().join("00000000000000000200")).unwrap();
        std::fs::write(dir.path().join("00000000000000000100"), vec![0u8; 0]).unwrap();
        std::fs::write(dir.path().join("README"), b"x").unwrap();
        q.load().unwrap();
        assert_eq!(q.len(), 1);
        assert!(!dir.path().join("00000000000000000100").exists());

        std::fs::write(dir.path().join("00000000000000000100"), vec![0u8; 50]).unwrap();
        assert!(matches!(q.load(), Err(StoreError::FileSize { .. })));
    }

    #[test]
    fn retention_by_offset_keeps_the_last_file() {
        let dir = tempfile::tempdir().unwrap();
        let q = MappedFileQueue::new(dir.path(), 40);
        for i in 0..6i64 {
            let f = q.last_or_create(0).unwrap();
            let mut e = [0u8; 20];
            e[..8].copy_from_slice(&(i * 100).to_be_bytes());
            assert!(f.append(&e));
        }
        assert_eq!(q.len(), 3);
        assert_eq!(q.delete_expired_by_offset(250, 20).unwrap(), 1);
        assert_eq!(q.min_offset(), 40);
        assert_eq!(q.delete_expired_by_offset(10_000, 20).unwrap(), 1);
        assert_eq!(q.len(), 1);
        assert_eq!(q.delete_expired_by_time(Duration::ZERO, Duration::ZERO, true, 10).unwrap(), 0);
    }
}
