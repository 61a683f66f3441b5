//! One memory-mapped store file (commit log, consume queue or index), the only place with `unsafe`.
//!
//! ```text
//!  file name = 20-digit decimal start offset (index files: yyyyMMddHHmmssSSS)
//!  0                               wrote                 flushed <= wrote          size
//!  +-------------------------------+---------------------------------------------+
//!  | immutable, readable bytes     | bytes not yet written (zero in a new file)  |
//!  +-------------------------------+---------------------------------------------+
//! ```
//!
//! The file is created at its full configured length (sparse `set_len`, as Java maps the full length) and mapped
//! shared. Two access disciplines, fixed per file at open time:
//!
//! * **append-only** ([`Access::Append`], commit log and consume queues): one writer at a time (an internal
//!   mutex) fills bytes at and after the write position and then publishes the new position with `Release`.
//!   Readers only see `[0, wrote)` (loaded with `Acquire`), bytes that are never written again while the file
//!   is shared, so handing them out as `&[u8]` or as [`Bytes`] views (kept alive by an `Arc` of this file,
//!   no copy) is sound. Lowering the write position ([`MappedFile::truncate`]) needs `&mut self`, i.e. no
//!   reader.
//! * **in place** ([`Access::InPlace`], index files): header, slots and entries are rewritten while readers
//!   query them, so every access is an aligned 32-bit atomic load/store; no slices are handed out.
//!
//! Also here: the few OS calls that need `unsafe` (`fcntl` record lock, local time, `statvfs`), in [`os`].
#![allow(unsafe_code)]

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use memmap2::{MmapOptions, MmapRaw};
use parking_lot::Mutex;

use super::error::{IoContext, Result, StoreError};

/// Page size used for "least pages" flush decisions (Java `OS_PAGE_SIZE`).
pub const OS_PAGE_SIZE: usize = 4096;

/// `UtilAll.offset2FileName`: the offset as 20 decimal digits, zero padded.
pub fn offset_to_file_name(offset: i64) -> String {
    format!("{offset:020}")
}

/// How a file's bytes may be accessed (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Written once, front to back; readable below the write position.
    Append,
    /// Updated in place with aligned 32-bit atomics (index files).
    InPlace,
}

/// A store file mapped at its full length.
#[derive(Debug)]
pub struct MappedFile {
    path: PathBuf,
    file: File,
    from_offset: i64,
    size: usize,
    access: Access,
    map: MmapRaw,
    wrote: AtomicUsize,
    flushed: AtomicUsize,
    /// Store timestamp of the last message appended (commit log only; feeds the checkpoint).
    store_timestamp: AtomicI64,
    /// Created by this process as the first file of an empty queue (consume-queue pre-fill rule).
    first_in_queue: AtomicBool,
    /// Created by this process: the directory entry must be synced before the first flush counts.
    dir_sync_pending: AtomicBool,
    writer: Mutex<()>,
}

impl MappedFile {
    /// Creates `dir/<20-digit from_offset>` at `size` bytes (or reopens it if it already has exactly that size).
    pub fn create(dir: &Path, from_offset: i64, size: usize, access: Access) -> Result<Self> {
        Self::create_named(&dir.join(offset_to_file_name(from_offset)), from_offset, size, access)
    }

    /// Creates the file at `path` with `size` bytes; `from_offset` is its start in the queue's address space.
    pub fn create_named(path: &Path, from_offset: i64, size: usize, access: Access) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).ctx(|| format!("create dir {}", dir.display()))?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .ctx(|| format!("create {}", path.display()))?;
        let len = file.metadata().ctx(|| format!("stat {}", path.display()))?.len();
        if len == 0 {
            file.set_len(size as u64).ctx(|| format!("set_len {}", path.display()))?;
        } else if len != size as u64 {
            return Err(StoreError::FileSize { path: path.to_path_buf(), actual: len, expected: size as u64 });
        }
        let mf = Self::map(path, file, from_offset, size, access, 0)?;
        mf.dir_sync_pending.store(true, Ordering::Relaxed);
        mf.expect_writes_from(0);
        Ok(mf)
    }

    /// Opens an existing file that must be exactly `size` bytes long. The write position is set to
    /// `wrote` (Java marks every loaded file as fully written and lets recovery find the real end).
    pub fn open(path: &Path, from_offset: i64, size: usize, access: Access, wrote: usize) -> Result<Self> {
        let file = OpenOptions::new().read(true).write(true).open(path).ctx(|| format!("open {}", path.display()))?;
        let len = file.metadata().ctx(|| format!("stat {}", path.display()))?.len();
        if len != size as u64 {
            return Err(StoreError::FileSize { path: path.to_path_buf(), actual: len, expected: size as u64 });
        }
        Self::map(path, file, from_offset, size, access, wrote.min(size))
    }

    fn map(path: &Path, file: File, from_offset: i64, size: usize, access: Access, wrote: usize) -> Result<Self> {
        if size == 0 {
            return Err(StoreError::Config(format!("zero-length mapped file {}", path.display())));
        }
        let map = MmapOptions::new().len(size).map_raw(&file).ctx(|| format!("mmap {}", path.display()))?;
        Ok(MappedFile {
            path: path.to_path_buf(),
            file,
            from_offset,
            size,
            access,
            map,
            wrote: AtomicUsize::new(wrote),
            flushed: AtomicUsize::new(wrote),
            store_timestamp: AtomicI64::new(0),
            first_in_queue: AtomicBool::new(false),
            dir_sync_pending: AtomicBool::new(false),
            writer: Mutex::new(()),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file name (last path component).
    pub fn file_name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// Offset of the file's first byte in its queue's address space.
    pub fn from_offset(&self) -> i64 {
        self.from_offset
    }

    /// Configured (and actual) file length.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Write position: bytes `[0, wrote)` are written and readable.
    pub fn wrote_position(&self) -> usize {
        self.wrote.load(Ordering::Acquire)
    }

    /// Flushed position: bytes `[0, flushed)` are on disk.
    pub fn flushed_position(&self) -> usize {
        self.flushed.load(Ordering::Acquire)
    }

    /// True once the write position reached the end.
    pub fn is_full(&self) -> bool {
        self.wrote_position() >= self.size
    }

    /// Store timestamp of the last appended message (0 if none).
    pub fn store_timestamp(&self) -> i64 {
        self.store_timestamp.load(Ordering::Acquire)
    }

    /// Records the store timestamp of the message just appended.
    pub fn set_store_timestamp(&self, ts: i64) {
        self.store_timestamp.store(ts, Ordering::Release);
    }

    /// True if this process created the file as the first one of an empty queue.
    pub fn is_first_in_queue(&self) -> bool {
        self.first_in_queue.load(Ordering::Relaxed)
    }

    /// Marks the file as the first one created for an empty queue.
    pub fn set_first_in_queue(&self) {
        self.first_in_queue.store(true, Ordering::Relaxed);
    }

    /// File-system modification time (what Java's retention compares with `fileReservedTime`).
    pub fn last_modified(&self) -> SystemTime {
        self.file.metadata().and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH)
    }

    /// Appends `data` at the write position; false if it does not fit (nothing written).
    pub fn append(&self, data: &[u8]) -> bool {
        self.append_with(data.len(), |buf| buf.copy_from_slice(data)).is_some()
    }

    /// Lets `fill` write exactly `len` bytes at the write position, then publishes them. `None` (and nothing
    /// written) if they do not fit or the file is not append-only.
    pub fn append_with<R>(&self, len: usize, fill: impl FnOnce(&mut [u8]) -> R) -> Option<R> {
        if self.access != Access::Append {
            return None;
        }
        let _writer = self.writer.lock();
        let pos = self.wrote.load(Ordering::Acquire);
        if len > self.size.saturating_sub(pos) {
            return None;
        }
        // SAFETY: `pos + len <= size`, so the range lies inside the live mapping (owned by `self.map`, unmapped
        // only on drop). It is at or after the published write position, so no reader has been handed any of
        // these bytes, and the `writer` mutex excludes every other writer: this `&mut` is unique. The mapping
        // is shared (MAP_SHARED) memory of our own file; the lock file keeps other processes out.
        let buf = unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr().add(pos), len) };
        let r = fill(buf);
        self.wrote.store(pos + len, Ordering::Release);
        if pos + len == self.size {
            self.expect_reads();
        }
        Some(r)
    }

    /// Turns off readahead for faults in `[from, size)`: that part of the file is holes being written, not data
    /// on disk. With readahead on, the first write fault in a fresh region "reads ahead" up to `read_ahead_kb`
    /// (8 MiB on our VMs), i.e. zeroes megabytes of page cache inside one fault: the put path stalled ~18 ms
    /// every 8 MB of appends (`perf sched timehist`), and every fresh region of an index file paid the same.
    /// Best effort (an `madvise` hint).
    fn expect_writes_from(&self, from: usize) {
        let start = from - from % OS_PAGE_SIZE;
        if start < self.size {
            let _ = self.map.advise_range(memmap2::Advice::Random, start, self.size - start);
        }
    }

    /// Normal readahead again once an append-only file is full: from now on it is only read, sequentially
    /// (consumers that fall behind, recovery).
    fn expect_reads(&self) {
        if self.access == Access::Append {
            let _ = self.map.advise(memmap2::Advice::Normal);
        }
    }

    /// Pre-faults `[pos, pos + len)` writable (`MADV_POPULATE_WRITE`, Linux 5.14+), so that appends there take
    /// no page fault: the kernel allocates and zeroes the page-cache pages now, on the caller's thread, instead
    /// of inside the put lock. The bytes are not changed (zeros stay zeros; written bytes stay); the pages
    /// become dirty, so pages pre-faulted but never written may be written back as zeros. Append-only files
    /// only. Fails on older kernels and other systems, or when the file system cannot reserve the blocks.
    pub fn prefault(&self, pos: usize, len: usize) -> std::io::Result<()> {
        if self.access != Access::Append || pos.checked_add(len).map_or(true, |end| end > self.size) {
            return Err(std::io::ErrorKind::InvalidInput.into());
        }
        #[cfg(target_os = "linux")]
        {
            self.map.advise_range(memmap2::Advice::PopulateWrite, pos, len)
        }
        #[cfg(not(target_os = "linux"))]
        {
            Err(std::io::ErrorKind::Unsupported.into())
        }
    }

    /// Moves the write position to the end without writing (after an end-of-file blank record).
    pub fn mark_full(&self) {
        let _writer = self.writer.lock();
        self.wrote.store(self.size, Ordering::Release);
        self.expect_reads();
    }

    /// Calls `read` with the written bytes `[pos, pos + len)`; `None` if that range is not readable.
    pub fn with_bytes<R>(&self, pos: usize, len: usize, read: impl FnOnce(&[u8]) -> R) -> Option<R> {
        if self.access != Access::Append || pos.checked_add(len)? > self.wrote_position() {
            return None;
        }
        // SAFETY: the range is below the published write position (Acquire), so it is inside the mapping and
        // no longer written to while the file is shared (see module docs); the borrow cannot outlive `self`.
        let slice = unsafe { std::slice::from_raw_parts(self.map.as_ptr().add(pos), len) };
        Some(read(slice))
    }

    /// A zero-copy view of the written bytes `[pos, pos + len)`, keeping the mapping alive.
    pub fn view(self: &Arc<Self>, pos: usize, len: usize) -> Option<Bytes> {
        if self.access != Access::Append || pos.checked_add(len)? > self.wrote_position() {
            return None;
        }
        Some(Bytes::from_owner(MappedView { file: Arc::clone(self), pos, len }))
    }

    /// A zero-copy view of everything written from `pos` on.
    pub fn view_from(self: &Arc<Self>, pos: usize) -> Option<Bytes> {
        let wrote = self.wrote_position();
        self.view(pos, wrote.checked_sub(pos)?)
    }

    /// Aligned atomic 32-bit big-endian load (in-place files only).
    pub fn load_u32(&self, pos: usize) -> Option<u32> {
        self.word(pos).map(|w| u32::from_be(w.load(Ordering::Acquire)))
    }

    /// Aligned atomic 32-bit big-endian store (in-place files only).
    pub fn store_u32(&self, pos: usize, value: u32) -> bool {
        match self.word(pos) {
            Some(w) => {
                w.store(value.to_be(), Ordering::Release);
                true
            }
            None => false,
        }
    }

    /// Big-endian i64 as two aligned 32-bit words (high word first), in-place files only.
    pub fn load_i64(&self, pos: usize) -> Option<i64> {
        let hi = self.load_u32(pos)?;
        let lo = self.load_u32(pos + 4)?;
        Some(((u64::from(hi) << 32) | u64::from(lo)) as i64)
    }

    /// Stores a big-endian i64 as two aligned 32-bit words (high word first), in-place files only.
    pub fn store_i64(&self, pos: usize, value: i64) -> bool {
        let v = value as u64;
        self.store_u32(pos, (v >> 32) as u32) && self.store_u32(pos + 4, v as u32)
    }

    fn word(&self, pos: usize) -> Option<&AtomicU32> {
        if self.access != Access::InPlace || pos % 4 != 0 || pos.checked_add(4)? > self.size {
            return None;
        }
        // SAFETY: `pos + 4 <= size` keeps the word inside the mapping; the mapping is page aligned and `pos` is a
        // multiple of 4, so the address is aligned for `AtomicU32`. In-place files are only ever accessed through
        // these atomics (never as slices), so all concurrent accesses are atomic. The reference borrows `self`,
        // which owns the mapping.
        Some(unsafe { &*(self.map.as_ptr().add(pos) as *const AtomicU32) })
    }

    /// True if a flush with `least_pages` would write something (Java `isAbleToFlush`).
    pub fn is_able_to_flush(&self, least_pages: usize) -> bool {
        let flushed = self.flushed_position();
        let wrote = self.wrote_position();
        if self.is_full() {
            return wrote > flushed || self.dir_sync_pending.load(Ordering::Relaxed);
        }
        if least_pages > 0 {
            return wrote / OS_PAGE_SIZE >= flushed / OS_PAGE_SIZE + least_pages;
        }
        wrote > flushed
    }

    /// Forces written bytes to disk if [`is_able_to_flush`](Self::is_able_to_flush); returns the flushed position.
    pub fn flush(&self, least_pages: usize) -> Result<usize> {
        if self.is_able_to_flush(least_pages) {
            let wrote = self.wrote_position();
            let flushed = self.flushed_position();
            if self.dir_sync_pending.swap(false, Ordering::AcqRel) {
                if let Some(dir) = self.path.parent() {
                    sync_dir(dir)?;
                }
            }
            match self.access {
                Access::Append if wrote > flushed => {
                    self.map.flush_range(flushed, wrote - flushed).ctx(|| format!("msync {}", self.path.display()))?;
                }
                Access::Append => {}
                Access::InPlace => self.map.flush().ctx(|| format!("msync {}", self.path.display()))?,
            }
            self.flushed.fetch_max(wrote, Ordering::AcqRel);
        }
        Ok(self.flushed_position())
    }

    /// Sets write and flushed positions to `pos` and zeroes everything after it (the partial page by hand, whole
    /// pages by punching a hole, falling back to writing zeros), so a later scan cannot mistake stale bytes for
    /// records. Needs exclusive access (recovery).
    pub fn truncate(&mut self, pos: usize) -> Result<()> {
        let pos = pos.min(self.size);
        if self.access == Access::Append && pos < self.size {
            let page_end = pos.next_multiple_of(OS_PAGE_SIZE).min(self.size);
            // SAFETY: `&mut self` proves no other reference to this file (and so no view of its bytes) exists;
            // the range `[pos, size)` is inside the mapping.
            let tail = unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr().add(pos), self.size - pos) };
            let (partial, rest) = tail.split_at_mut(page_end - pos);
            partial.fill(0);
            if !rest.is_empty() && !os::punch_hole(&self.file, page_end as u64, rest.len() as u64) {
                for chunk in rest.chunks_mut(64 * 1024) {
                    if chunk.iter().any(|b| *b != 0) {
                        chunk.fill(0);
                    }
                }
            }
            self.map.flush_range(pos, self.size - pos).ctx(|| format!("msync {}", self.path.display()))?;
        }
        self.wrote.store(pos, Ordering::Release);
        self.flushed.store(pos, Ordering::Release);
        self.file.sync_all().ctx(|| format!("fsync {}", self.path.display()))?;
        if self.access == Access::Append {
            // the recovered end of the newest file: appends resume here
            self.expect_writes_from(pos);
        }
        Ok(())
    }

    /// Sets the write and flushed positions of a file that was just loaded (exclusive access).
    pub fn set_positions(&mut self, wrote: usize) {
        let wrote = wrote.min(self.size);
        self.wrote.store(wrote, Ordering::Release);
        self.flushed.store(wrote, Ordering::Release);
    }

    /// Deletes the file from disk; the mapping stays valid until the last `Arc` (and view) is dropped.
    pub fn delete(&self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::io(format!("delete {}", self.path.display()), e)),
        }
    }
}

/// Owner of a [`Bytes`] view: keeps the mapping alive and exposes the immutable range.
struct MappedView {
    file: Arc<MappedFile>,
    pos: usize,
    len: usize,
}

impl AsRef<[u8]> for MappedView {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `view` checked `pos + len <= wrote` at creation on an append-only file; bytes below the write
        // position are never rewritten while the file is shared (truncation needs `&mut MappedFile`, impossible
        // while this `Arc` exists), and the mapping lives as long as `self.file`.
        unsafe { std::slice::from_raw_parts(self.file.map.as_ptr().add(self.pos), self.len) }
    }
}

/// `fsync` of a directory, so created, renamed or deleted entries are durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).ctx(|| format!("fsync dir {}", dir.display()))
}

/// OS calls that need `unsafe`, kept in this file with the mmap code.
pub mod os {
    use std::fs::File;
    use std::os::fd::AsRawFd;
    use std::path::Path;

    /// Takes Java's store lock: a non-blocking POSIX record write lock (`fcntl(F_SETLK)`, `F_WRLCK`) on byte
    /// range `[0, 1)`, the lock `FileChannel.tryLock(0, 1, false)` takes. `Ok(false)` if someone else holds it.
    /// The lock lives as long as the process keeps `file` (any descriptor of it) open.
    pub fn try_lock_byte0(file: &File) -> std::io::Result<bool> {
        // SAFETY: `flock` is a plain C struct for which all-zero bytes are a valid value.
        let mut fl: libc::flock = unsafe { std::mem::zeroed() };
        fl.l_type = libc::F_WRLCK as libc::c_short;
        fl.l_whence = libc::SEEK_SET as libc::c_short;
        fl.l_start = 0;
        fl.l_len = 1;
        // SAFETY: the descriptor is open for the duration of the call (borrowed from `file`) and `fl` is a valid,
        // initialised `flock` that outlives the call.
        let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &fl) };
        if rc == 0 {
            return Ok(true);
        }
        let err = std::io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EAGAIN) | Some(libc::EACCES) => Ok(false),
            _ => Err(err),
        }
    }

    /// Deallocates `[offset, offset + len)` of `file` (`fallocate` PUNCH_HOLE | KEEP_SIZE): the range reads as
    /// zeros afterwards, also through existing shared mappings. False if the file system does not support it.
    pub fn punch_hole(file: &File, offset: u64, len: u64) -> bool {
        let (Ok(off), Ok(len)) = (libc::off_t::try_from(offset), libc::off_t::try_from(len)) else {
            return false;
        };
        // SAFETY: plain system call on a descriptor borrowed from `file`, open for the duration of the call.
        let rc = unsafe {
            libc::fallocate(file.as_raw_fd(), libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE, off, len)
        };
        rc == 0
    }

    /// Broken-down local time of `epoch_ms` (JVM default time zone = the process's `TZ`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct LocalTime {
        /// Year, e.g. 2024.
        pub year: i32,
        /// Month 1..=12.
        pub month: u32,
        /// Day 1..=31.
        pub day: u32,
        /// Hour 0..=23.
        pub hour: u32,
        /// Minute.
        pub minute: u32,
        /// Second.
        pub second: u32,
        /// Millisecond.
        pub millis: u32,
    }

    /// Converts epoch milliseconds to local time (`localtime_r`); UTC if the conversion fails.
    pub fn local_time(epoch_ms: i64) -> LocalTime {
        let secs = epoch_ms.div_euclid(1000);
        let millis = epoch_ms.rem_euclid(1000) as u32;
        let t: libc::time_t = secs as libc::time_t;
        // SAFETY: `tm` is a plain C struct; all-zero is a valid value.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers refer to live, properly aligned locals for the duration of the call;
        // `localtime_r` is the re-entrant variant and writes only into `tm`.
        let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
        if !ok {
            let days = secs.div_euclid(86_400);
            let rem = secs.rem_euclid(86_400);
            let (y, m, d) = civil_from_days(days);
            return LocalTime {
                year: y,
                month: m,
                day: d,
                hour: (rem / 3600) as u32,
                minute: (rem % 3600 / 60) as u32,
                second: (rem % 60) as u32,
                millis,
            };
        }
        LocalTime {
            year: tm.tm_year + 1900,
            month: (tm.tm_mon + 1) as u32,
            day: tm.tm_mday as u32,
            hour: tm.tm_hour as u32,
            minute: tm.tm_min as u32,
            second: tm.tm_sec as u32,
            millis,
        }
    }

    /// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
    fn civil_from_days(z: i64) -> (i32, u32, u32) {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
    }

    /// `UtilAll.timeMillisToHumanString`: `yyyyMMddHHmmssSSS` in local time (index file names).
    pub fn time_millis_to_human_string(epoch_ms: i64) -> String {
        let t = local_time(epoch_ms);
        format!("{:04}{:02}{:02}{:02}{:02}{:02}{:03}", t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis)
    }

    /// `statvfs(2)` of the filesystem holding `path`; `None` if it cannot be queried.
    fn statvfs(path: &Path) -> Option<libc::statvfs> {
        use std::os::unix::ffi::OsStrExt;
        let cpath = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        // SAFETY: `statvfs` is a plain C struct; all-zero is a valid value.
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: `cpath` is a NUL-terminated string and `st` a live local, both valid for the call.
        let rc = unsafe { libc::statvfs(cpath.as_ptr(), &mut st) };
        (rc == 0).then_some(st)
    }

    /// `(total, free)` bytes of the partition holding `path` (Java `File.getTotalSpace` / `getFreeSpace`).
    pub fn disk_space(path: &Path) -> Option<(u64, u64)> {
        let st = statvfs(path)?;
        let frsize = st.f_frsize as u128;
        let bytes = |blocks: u128| u64::try_from(blocks * frsize).ok();
        Some((bytes(st.f_blocks as u128)?, bytes(st.f_bfree as u128)?))
    }

    /// Fraction of the partition holding `path` that is used, rounded up to whole percent (Java 5.3.3
    /// `getDiskPartitionSpaceUsedPercent`: used / (used + usable)); −1 if the path cannot be queried.
    pub fn disk_used_ratio(path: &Path) -> f64 {
        let Some(st) = statvfs(path) else {
            return -1.0;
        };
        let frsize = st.f_frsize as u128;
        let total = st.f_blocks as u128 * frsize;
        if total == 0 {
            return -1.0;
        }
        let used = total.saturating_sub(st.f_bfree as u128 * frsize);
        let usable = st.f_bavail as u128 * frsize;
        let entire = used + usable;
        if entire == 0 {
            return -1.0;
        }
        let round = u128::from((used * 100) % entire != 0);
        ((used * 100) / entire + round) as f64 / 100.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_20_digits() {
        assert_eq!(offset_to_file_name(6_000_000), "00000000000006000000");
        assert_eq!(offset_to_file_name(0), "00000000000000000000");
        assert_eq!(offset_to_file_name(2_147_483_648), "00000000002147483648");
    }

    #[test]
    fn append_view_flush_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mf = Arc::new(MappedFile::create(dir.path(), 4096, 4096, Access::Append).unwrap());
        assert_eq!(mf.file_name(), "00000000000000004096");
        assert_eq!(std::fs::metadata(mf.path()).unwrap().len(), 4096);
        assert!(mf.append(b"hello"));
        assert!(mf.append(b" world"));
        assert_eq!(mf.wrote_position(), 11);
        let v = mf.view(0, 11).unwrap();
        assert_eq!(&v[..], b"hello world");
        assert!(mf.view(0, 12).is_none());
        assert!(!mf.append(&[0u8; 4090]));
        assert_eq!(mf.flush(0).unwrap(), 11);
        mf.mark_full();
        assert!(mf.is_full());
        drop(mf);
        // the view kept the mapping alive after the file handle was dropped
        assert_eq!(&v[6..], b"world");
        let reopened =
            MappedFile::open(&dir.path().join("00000000000000004096"), 4096, 4096, Access::Append, 4096).unwrap();
        assert_eq!(reopened.with_bytes(0, 5, |b| b.to_vec()).unwrap(), b"hello");
    }

    #[test]
    fn wrong_length_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(offset_to_file_name(0));
        std::fs::write(&p, b"short").unwrap();
        assert!(matches!(MappedFile::open(&p, 0, 4096, Access::Append, 0), Err(StoreError::FileSize { .. })));
        assert!(matches!(MappedFile::create(dir.path(), 0, 4096, Access::Append), Err(StoreError::FileSize { .. })));
    }

    #[test]
    fn truncate_zeroes_the_tail() {
        let dir = tempfile::tempdir().unwrap();
        let mut mf = MappedFile::create(dir.path(), 0, 8192, Access::Append).unwrap();
        assert!(mf.append(&[7u8; 5000]));
        mf.truncate(100).unwrap();
        assert_eq!(mf.wrote_position(), 100);
        mf.set_positions(8192);
        assert!(mf.with_bytes(100, 8092, |b| b.iter().all(|x| *x == 0)).unwrap());
        assert!(mf.with_bytes(0, 100, |b| b.iter().all(|x| *x == 7)).unwrap());
    }

    #[test]
    fn in_place_words() {
        let dir = tempfile::tempdir().unwrap();
        let mf = MappedFile::create_named(&dir.path().join("idx"), 0, 64, Access::InPlace).unwrap();
        assert!(mf.store_i64(8, -2));
        assert!(mf.store_u32(16, 0xDEADBEEF));
        assert_eq!(mf.load_i64(8), Some(-2));
        assert_eq!(mf.load_u32(16), Some(0xDEADBEEF));
        assert_eq!(mf.load_u32(18), None);
        assert_eq!(mf.load_u32(64), None);
        assert!(!mf.append(b"x"));
        mf.flush(0).unwrap();
        drop(mf);
        let raw = std::fs::read(dir.path().join("idx")).unwrap();
        assert_eq!(&raw[8..16], &(-2i64).to_be_bytes());
        assert_eq!(&raw[16..20], &[0xDE, 0xAD, 0xBE, 0xEF]);
    }

    #[test]
    fn human_time_and_lock() {
        let s = os::time_millis_to_human_string(1_700_000_000_123);
        assert_eq!(s.len(), 17);
        assert!(s.ends_with("123"));
        let dir = tempfile::tempdir().unwrap();
        let f = File::create(dir.path().join("lock")).unwrap();
        assert!(os::try_lock_byte0(&f).unwrap());
        let r = os::disk_used_ratio(dir.path());
        assert!((0.0..=1.0).contains(&r));
    }
}
