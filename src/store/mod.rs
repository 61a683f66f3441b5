//! The message store: commit log, consume queues, index, checkpoint, recovery, flush, retention.
//! Byte-compatible with the store of Apache RocketMQ 4.9.8 / 5.3.3 (`/work/shared/spec/store-format.md`).
//! No networking; a synchronous API the broker maps request codes onto.

pub mod checkpoint;
pub mod cleanup;
pub mod commitlog;
pub mod config;
pub mod config_file;
pub mod config_files;
pub mod consume_queue;
pub mod dispatch;
pub mod error;
pub mod flush;
pub mod get_message;
pub mod index_file;
pub mod lock;
pub mod mapped_file;
pub mod mapped_file_queue;
pub mod message;
pub mod recovery;
#[allow(clippy::module_inception)]
pub mod store;
pub mod thread_priority;
