//! Put outcomes (Java `PutMessageStatus`, `AppendMessageStatus`, `AppendMessageResult`, `PutMessageResult`).

use std::net::SocketAddr;

use crate::store::message::create_message_id;

/// Store verdict on a put (Java `PutMessageStatus`, union of 4.9.8 and 5.3.3 variants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PutMessageStatus {
    /// Appended (and flushed / replicated when required).
    PutOk,
    /// SYNC_FLUSH: appended, but not confirmed on disk within `syncFlushTimeout`.
    FlushDiskTimeout,
    /// SYNC_MASTER: appended, slave did not acknowledge in time.
    FlushSlaveTimeout,
    /// [4.9.8] SYNC_MASTER: appended, no usable slave.
    SlaveNotAvailable,
    /// Not stored: shut down, slave, or not writeable (disk full, CQ/index error).
    ServiceNotAvailable,
    /// Not stored: a commit-log file could not be created (4.9.8 `CREATE_MAPEDFILE_FAILED`).
    CreateMappedFileFailed,
    /// Not stored: size / topic limits.
    MessageIllegal,
    /// Not stored: properties longer than 32,767 bytes.
    PropertiesSizeExceeded,
    /// Not stored: the put lock has been held longer than `osPageCacheBusyTimeOutMills`.
    OsPageCacheBusy,
    /// Not stored: unexpected failure.
    UnknownError,
    /// [5.3.3] not enough in-sync replicas.
    InSyncReplicasNotEnough,
    /// [5.3.3] escape-bridge put to a remote broker failed.
    PutToRemoteBrokerFail,
    /// LMQ consume-queue limit.
    LmqConsumeQueueNumExceeded,
    /// [5.3.3] timer flow control.
    WheelTimerFlowControl,
    /// [5.3.3] illegal timer message.
    WheelTimerMsgIllegal,
    /// [5.3.3] timer not enabled.
    WheelTimerNotEnable,
}

impl PutMessageStatus {
    /// The Java enum constant name (5.3.3 spelling).
    pub fn java_name(self) -> &'static str {
        use PutMessageStatus::*;
        match self {
            PutOk => "PUT_OK",
            FlushDiskTimeout => "FLUSH_DISK_TIMEOUT",
            FlushSlaveTimeout => "FLUSH_SLAVE_TIMEOUT",
            SlaveNotAvailable => "SLAVE_NOT_AVAILABLE",
            ServiceNotAvailable => "SERVICE_NOT_AVAILABLE",
            CreateMappedFileFailed => "CREATE_MAPPED_FILE_FAILED",
            MessageIllegal => "MESSAGE_ILLEGAL",
            PropertiesSizeExceeded => "PROPERTIES_SIZE_EXCEEDED",
            OsPageCacheBusy => "OS_PAGE_CACHE_BUSY",
            UnknownError => "UNKNOWN_ERROR",
            InSyncReplicasNotEnough => "IN_SYNC_REPLICAS_NOT_ENOUGH",
            PutToRemoteBrokerFail => "PUT_TO_REMOTE_BROKER_FAIL",
            LmqConsumeQueueNumExceeded => "LMQ_CONSUME_QUEUE_NUM_EXCEEDED",
            WheelTimerFlowControl => "WHEEL_TIMER_FLOW_CONTROL",
            WheelTimerMsgIllegal => "WHEEL_TIMER_MSG_ILLEGAL",
            WheelTimerNotEnable => "WHEEL_TIMER_NOT_ENABLE",
        }
    }

    /// True when the message is in the commit log with a queue offset (the first four statuses, spec §7.6).
    pub fn is_stored(self) -> bool {
        matches!(
            self,
            PutMessageStatus::PutOk
                | PutMessageStatus::FlushDiskTimeout
                | PutMessageStatus::FlushSlaveTimeout
                | PutMessageStatus::SlaveNotAvailable
        )
    }
}

/// Result of writing into the mapped file (Java `AppendMessageStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendMessageStatus {
    /// Written.
    PutOk,
    /// Did not fit; a blank record ends the file.
    EndOfFile,
    /// Record too large.
    MessageSizeExceeded,
    /// Properties too large.
    PropertiesSizeExceeded,
    /// Unexpected failure.
    UnknownError,
}

/// Where and how a put was written (Java `AppendMessageResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendMessageResult {
    /// Append status.
    pub status: AppendMessageStatus,
    /// Physical offset of the (first) record.
    pub wrote_offset: i64,
    /// Bytes written (all records of a batch).
    pub wrote_bytes: i32,
    /// Store timestamp given to the record(s).
    pub store_timestamp: i64,
    /// Queue offset of the (first) message.
    pub logics_offset: i64,
    /// Number of messages.
    pub msg_num: i32,
    /// Milliseconds spent inside the put lock.
    pub page_cache_rt: i64,
    /// Store host used for the message id(s).
    pub store_host: SocketAddr,
    /// Physical offsets of every record of a batch (empty for a single message).
    pub batch_offsets: Vec<i64>,
}

impl AppendMessageResult {
    /// Offset message id; for a batch the ids of all records joined with `,` (as Java answers).
    pub fn msg_id(&self) -> String {
        if self.batch_offsets.is_empty() {
            return create_message_id(&self.store_host, self.wrote_offset);
        }
        let ids: Vec<String> = self.batch_offsets.iter().map(|o| create_message_id(&self.store_host, *o)).collect();
        ids.join(",")
    }

    /// Physical offset just past the last record written (what SYNC_FLUSH waits for).
    pub fn end_offset(&self) -> i64 {
        self.wrote_offset + i64::from(self.wrote_bytes)
    }
}

/// The outcome of a put (Java `PutMessageResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutMessageResult {
    /// Verdict.
    pub status: PutMessageStatus,
    /// Write details when the message was stored.
    pub append: Option<AppendMessageResult>,
}

impl PutMessageResult {
    /// A result without write details.
    pub fn of(status: PutMessageStatus) -> Self {
        PutMessageResult { status, append: None }
    }

    /// True if the put stored the message (see [`PutMessageStatus::is_stored`]).
    pub fn is_ok(&self) -> bool {
        self.status.is_stored() && self.append.is_some()
    }
}
