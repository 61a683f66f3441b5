//! Errors of the store family. Business outcomes of a put or a get are not errors: they are
//! [`crate::store::commitlog::PutMessageStatus`] / [`crate::store::store::GetMessageStatus`] values.

use std::path::PathBuf;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An I/O call failed; `what` names the operation and the path.
    #[error("{what}: {source}")]
    Io {
        /// Operation and path, e.g. `open /store/commitlog/00000000000000000000`.
        what: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A mapped file does not have the configured length (Java refuses to start in this case too).
    #[error("file {path} has length {actual}, expected {expected} (check mappedFileSize* settings)")]
    FileSize {
        /// The file.
        path: PathBuf,
        /// Its length on disk.
        actual: u64,
        /// The configured length.
        expected: u64,
    },
    /// A file name in a mapped-file directory is not a 20-digit offset, or offsets are not contiguous.
    #[error("bad mapped file layout in {dir}: {detail}")]
    Layout {
        /// The directory.
        dir: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The store directory is locked by another process (`lock` file, fcntl write lock on byte 0).
    #[error("Lock failed,MQ already started ({0})")]
    Locked(PathBuf),
    /// A configuration value is unusable.
    #[error("bad store configuration: {0}")]
    Config(String),
    /// A file that must be changed in place is still referenced by readers.
    #[error("mapped file {0} is still in use")]
    Busy(PathBuf),
    /// The store is shut down.
    #[error("message store is shut down")]
    Shutdown,
}

impl StoreError {
    /// Wraps an I/O error with the operation and path it came from.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        StoreError::Io { what: what.into(), source }
    }
}

/// Result alias of the store family.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Adds context to `std::io::Result`.
pub(crate) trait IoContext<T> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| StoreError::io(what(), e))
    }
}
