//! The broker's `config/*.json` files, byte-compatible with what the Java broker (4.9.8 / 5.3.3) writes and
//! reads, and the managers that own them.
//!
//! | File | Java class | Module |
//! |---|---|---|
//! | `topics.json` | `TopicConfigManager` / `TopicConfigSerializeWrapper` | [`topics`] |
//! | `consumerOffset.json` | `ConsumerOffsetManager` | [`consumer_offset`] |
//! | `subscriptionGroup.json` | `SubscriptionGroupManager` / `SubscriptionGroupConfig` | [`subscription_group`] |
//! | `delayOffset.json` | `ScheduleMessageService` / `DelayOffsetSerializeWrapper` | [`delay_offset`] |
//!
//! Every other file under `config/` (`consumerFilter.json`, `consumerOrderInfo.json`, `timercheck`,
//! `timermetrics`, `topicQueueMapping.json`, `messageRequestMode.json`, …) is never opened, so it is carried
//! over untouched.
//!
//! How the files are read and written is in [`crate::store::config_file`] (the `.bak` mechanism) and
//! [`pretty`] (fastjson's pretty layout). The shape written depends on the [`Flavor`]: a 4.9.8 broker writes
//! neither `attributes` nor `stateVersion`, a 5.3.3 broker writes more properties. Properties a flavor does
//! not know (unknown keys, or 5.3.3 properties read by a 4.9.8-flavoured Thruster) are kept and written back.
//!
//! Map order. Java writes hash maps in iteration order, which depends on the history of the map. To write
//! the bytes Java would write:
//! - the document types ([`TopicConfigSerializeWrapper`], [`ConsumerOffsetFile`], …) keep string-keyed maps in
//!   the order they were read or built, so decoding and re-encoding a file gives its bytes back;
//! - the managers replay Java's `ConcurrentHashMap` for their tables ([`java_order::ChmOrder`]: the broker's
//!   `new ConcurrentHashMap<>(1024)` / `(512)` plus the map fastjson fills on load), so opening a Java store
//!   and persisting writes what the Java broker writes after loading the same store, and the same operations
//!   on a fresh store give the same file;
//! - integer-keyed maps (queue id → offset, delay level → offset) are written in ascending key order, which is
//!   Java's order for the small non-negative keys they hold;
//! - maps Java rebuilds on each write (`groupTopicMap`) or after an attribute change follow `HashMap` order.
//!
//! All of this is checked against files written by the real Java classes (`fixtures/config/`, see its
//! README), in both directions.

pub mod attributes;
pub mod bean;
pub mod consumer_offset;
pub mod delay_offset;
pub mod document;
pub mod java_order;
pub mod pretty;
pub mod subscription_group;
pub mod topics;

use std::path::{Path, PathBuf};

pub use consumer_offset::{ConsumerOffsetFile, ConsumerOffsetManager};
pub use delay_offset::{DelayOffsetFile, DelayOffsetManager};
pub use subscription_group::{SubscriptionGroupConfig, SubscriptionGroupFile, SubscriptionGroupManager};
pub use topics::{TopicConfig, TopicConfigManager, TopicConfigSerializeWrapper};

/// Which Java broker's file shapes to read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Flavor {
    /// Apache RocketMQ 4.9.8.
    V4_9_8,
    /// Apache RocketMQ 5.3.3.
    #[default]
    V5_3_3,
}

impl Flavor {
    /// Whether this is the 5.x shape.
    pub fn is_v5(self) -> bool {
        self == Flavor::V5_3_3
    }
}

/// `topics.json`.
pub const TOPICS_JSON: &str = "topics.json";
/// `consumerOffset.json`.
pub const CONSUMER_OFFSET_JSON: &str = "consumerOffset.json";
/// `subscriptionGroup.json`.
pub const SUBSCRIPTION_GROUP_JSON: &str = "subscriptionGroup.json";
/// `delayOffset.json`.
pub const DELAY_OFFSET_JSON: &str = "delayOffset.json";

/// `<storePathRootDir>/config/<name>` (`BrokerPathConfigHelper` / `StorePathConfigHelper`).
pub fn config_path(store_root: &Path, name: &str) -> PathBuf {
    store_root.join("config").join(name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod fixture_tests;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod proptests;
