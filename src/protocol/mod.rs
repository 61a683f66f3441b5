//! Typed custom headers and bodies, grouped by request family. Each type names the Java class it mirrors.
//!
//! - [`namesrv`]: the NameServer request/response headers (`…RequestHeader`, `…ResponseHeader`);
//! - [`route`]: `TopicRouteData`, `QueueData`, `BrokerData`, `PermName`, `TopicSysFlag`;
//! - [`data_version`]: `DataVersion` (4.9.8 and 5.3.3 shapes);
//! - [`topic`]: `TopicConfig`, `TopicConfigSerializeWrapper`, `RegisterBrokerBody` (JSON and zlib forms);
//! - [`send`]: the SEND family (`SendMessageRequestHeader`/`V2`, `SendMessageResponseHeader`,
//!   `ConsumerSendMsgBackRequestHeader`, `QueryMessageRequestHeader`, `ViewMessageRequestHeader`);
//! - [`pull`]: the PULL family, consumer offsets, queue offsets, batch locks, assignments;
//! - [`heartbeat`]: the client-management family (`HeartbeatData`, `ConsumerData`, `SubscriptionData`, …);
//! - [`admin`], [`admin_body`]: the admin plane's headers and bodies;
//! - [`body`]: `ClusterInfo`, `TopicList`, `KVTable`, `BrokerMemberGroup`, `GetBrokerMemberGroupResponseBody`.
//!
//! Bodies serialise with [`crate::remoting::fastjson`]: fields are declared in fastjson's (alphabetical)
//! property order and `None`s are skipped, so `to_vec_plain` reproduces Java's bytes.

pub mod admin;
pub mod admin_body;
pub mod body;
pub mod data_version;
pub mod heartbeat;
pub mod namesrv;
pub mod pull;
pub mod route;
pub mod send;
pub mod topic;

/// A body could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The JSON was not what the Java class looks like.
    #[error(transparent)]
    Json(#[from] crate::remoting::fastjson::JsonError),
    /// A binary (e.g. zlib-compressed) body was malformed.
    #[error("{0}")]
    Malformed(String),
}
