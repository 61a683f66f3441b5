//! The `lock` and `abort` files (spec §5.2, §5.3).
//!
//! ```text
//!  lock:  "lock" (4 ASCII bytes), held with an fcntl write lock on byte range [0, 1) while the store runs
//!         (the lock Java's FileChannel.tryLock(0, 1, false) takes, so Java and Rust exclude each other)
//!  abort: exists while a store is running or after a crash; content ignored (we write the PID)
//! ```

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::error::{IoContext, Result, StoreError};
use super::mapped_file::{os, sync_dir};

/// Lock files held by this process. POSIX record locks are per process (a second `fcntl` lock from the same
/// process succeeds, and closing any descriptor of the file drops it), so same-process exclusion is checked here.
static HELD: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Holds the store's `lock` file lock; released when dropped (the descriptor is closed).
#[derive(Debug)]
pub struct StoreLock {
    path: PathBuf,
    _file: File,
}

impl Drop for StoreLock {
    fn drop(&mut self) {
        if let Ok(mut held) = HELD.lock() {
            held.retain(|p| p != &self.path);
        }
    }
}

impl StoreLock {
    /// Creates `path` if needed, takes the lock (error [`StoreError::Locked`] if another process holds it),
    /// then writes `lock` at position 0 and forces it.
    pub fn acquire(path: &Path) -> Result<Self> {
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
        let canonical = std::fs::canonicalize(path).ctx(|| format!("canonicalize {}", path.display()))?;
        let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
        if held.contains(&canonical) {
            return Err(StoreError::Locked(path.to_path_buf()));
        }
        if !os::try_lock_byte0(&file).ctx(|| format!("lock {}", path.display()))? {
            return Err(StoreError::Locked(path.to_path_buf()));
        }
        file.write_all_at(b"lock", 0).ctx(|| format!("write {}", path.display()))?;
        file.sync_data().ctx(|| format!("fsync {}", path.display()))?;
        held.push(canonical.clone());
        Ok(StoreLock { path: canonical, _file: file })
    }

    /// The lock file (canonical path).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// True if the `abort` file exists (the last run did not shut down cleanly).
pub fn abort_file_exists(path: &Path) -> bool {
    path.exists()
}

/// Creates the `abort` file (content: the process id) and makes its directory entry durable.
pub fn create_abort_file(path: &Path) -> Result<()> {
    std::fs::write(path, std::process::id().to_string()).ctx(|| format!("write {}", path.display()))?;
    if let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Deletes the `abort` file (clean shutdown) durably.
pub fn delete_abort_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StoreError::io(format!("delete {}", path.display()), e)),
    }
    if let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn lock_writes_content_and_abort_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let lock = StoreLock::acquire(&dir.path().join("lock")).unwrap();
        assert_eq!(std::fs::read(lock.path()).unwrap(), b"lock");
        let abort = dir.path().join("abort");
        assert!(!abort_file_exists(&abort));
        create_abort_file(&abort).unwrap();
        assert!(abort_file_exists(&abort));
        delete_abort_file(&abort).unwrap();
        delete_abort_file(&abort).unwrap();
        assert!(!abort_file_exists(&abort));
    }

    /// fcntl locks are per process, so the conflict is checked from a forked child (`flock(1)` would not
    /// conflict; this proves the lock is a POSIX record lock like Java's).
    #[test]
    fn a_second_process_cannot_take_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let _lock = StoreLock::acquire(&path).unwrap();
        let script = format!(
            "import fcntl,sys\nf=open('{}','r+')\ntry:\n  fcntl.lockf(f, fcntl.LOCK_EX|fcntl.LOCK_NB, 1, 0)\n  sys.exit(0)\nexcept OSError:\n  sys.exit(3)\n",
            path.display()
        );
        match std::process::Command::new("python3").arg("-c").arg(&script).status() {
            Ok(status) => assert_eq!(status.code(), Some(3), "the other process got the lock"),
            Err(_) => eprintln!("python3 not available; skipped"),
        }
    }
}
