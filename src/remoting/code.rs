//! The complete `RequestCode` and `ResponseCode` tables of RocketMQ 4.9.8 and 5.3.3.
//!
//! Mirrors `RemotingSysResponseCode`, `ResponseCode` and `RequestCode` (4.9.8:
//! `org.apache.rocketmq.common.protocol`, 5.3.3: `org.apache.rocketmq.remoting.protocol`).
//! Generated once from `remoting-and-namesrv.md` §3.1/§3.2; names are the Java constant names.
//! Where a response value has a different name per tag, both names are defined.
//!
//! The request codes are one table ([`request_codes!`]): each row gives the constant, the tags that define it
//! and which Java side handles it. The table generates the `i32` constants ([`request`]), the [`Request`] enum
//! (so a `match` over it is checked for exhaustiveness: the broker's dispatch lists every code), the names and
//! the metadata `docs/COMPATIBILITY.md` is tested against.

/// Which RocketMQ tags define a request code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versions {
    /// 4.9.8 and 5.3.3.
    Both,
    /// 4.9.8 only.
    V4,
    /// 5.3.3 only.
    V5,
}

/// Which Java component registers a processor for a request code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JavaHandler {
    /// The broker.
    Broker,
    /// The broker, and the client (the broker relays it to a client).
    BrokerAndClient,
    /// The client (the broker or NameServer sends it to a client).
    Client,
    /// The controller (5.3.3).
    Controller,
    /// The NameServer.
    Namesrv,
    /// The NameServer (5.3.3) and the controller.
    NamesrvAndController,
    /// No Java component registers it: Java answers REQUEST_CODE_NOT_SUPPORTED.
    Nobody,
}

macro_rules! request_codes {
    ($($name:ident = $value:literal, $versions:ident, $handler:ident;)*) => {
        /// Request codes (`RequestCode`) as `i32` constants, one per row of the table.
        #[allow(missing_docs)]
        pub mod request {
            $(
                #[doc = concat!(stringify!($value), " (", stringify!($versions), "); Java handler: ", stringify!($handler), ".")]
                pub const $name: i32 = $value;
            )*
        }

        /// Every request code of 4.9.8 and 5.3.3, named as in Java.
        #[allow(non_camel_case_types, missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Request {
            $($name,)*
        }

        impl Request {
            /// Every request code, in table order.
            pub const ALL: &'static [Request] = &[$(Request::$name,)*];

            /// The code for a wire value, `None` for a value neither tag defines.
            pub fn from_code(code: i32) -> Option<Request> {
                match code {
                    $($value => Some(Request::$name),)*
                    _ => None,
                }
            }

            /// The wire value.
            pub fn code(self) -> i32 {
                match self {
                    $(Request::$name => $value,)*
                }
            }

            /// The Java constant name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Request::$name => stringify!($name),)*
                }
            }

            /// Which tags define it.
            pub fn versions(self) -> Versions {
                match self {
                    $(Request::$name => Versions::$versions,)*
                }
            }

            /// Which Java component handles it.
            pub fn java_handler(self) -> JavaHandler {
                match self {
                    $(Request::$name => JavaHandler::$handler,)*
                }
            }
        }
    };
}

request_codes! {
    SEND_MESSAGE = 10, Both, Broker;
    PULL_MESSAGE = 11, Both, Broker;
    QUERY_MESSAGE = 12, Both, Broker;
    QUERY_BROKER_OFFSET = 13, Both, Nobody;
    QUERY_CONSUMER_OFFSET = 14, Both, Broker;
    UPDATE_CONSUMER_OFFSET = 15, Both, Broker;
    UPDATE_AND_CREATE_TOPIC = 17, Both, Broker;
    UPDATE_AND_CREATE_TOPIC_LIST = 18, V5, Broker;
    GET_ALL_TOPIC_CONFIG = 21, Both, Broker;
    GET_TOPIC_CONFIG_LIST = 22, Both, Nobody;
    GET_TOPIC_NAME_LIST = 23, Both, Nobody;
    UPDATE_BROKER_CONFIG = 25, Both, Broker;
    GET_BROKER_CONFIG = 26, Both, Broker;
    TRIGGER_DELETE_FILES = 27, Both, Nobody;
    GET_BROKER_RUNTIME_INFO = 28, Both, Broker;
    SEARCH_OFFSET_BY_TIMESTAMP = 29, Both, Broker;
    GET_MAX_OFFSET = 30, Both, Broker;
    GET_MIN_OFFSET = 31, Both, Broker;
    GET_EARLIEST_MSG_STORETIME = 32, Both, Broker;
    VIEW_MESSAGE_BY_ID = 33, Both, Broker;
    HEART_BEAT = 34, Both, Broker;
    UNREGISTER_CLIENT = 35, Both, Broker;
    CONSUMER_SEND_MSG_BACK = 36, Both, Broker;
    END_TRANSACTION = 37, Both, Broker;
    GET_CONSUMER_LIST_BY_GROUP = 38, Both, Broker;
    CHECK_TRANSACTION_STATE = 39, Both, Client;
    NOTIFY_CONSUMER_IDS_CHANGED = 40, Both, Client;
    LOCK_BATCH_MQ = 41, Both, Broker;
    UNLOCK_BATCH_MQ = 42, Both, Broker;
    GET_ALL_CONSUMER_OFFSET = 43, Both, Broker;
    GET_ALL_DELAY_OFFSET = 45, Both, Broker;
    CHECK_CLIENT_CONFIG = 46, Both, Broker;
    GET_CLIENT_CONFIG = 47, V5, Nobody;
    UPDATE_AND_CREATE_ACL_CONFIG = 50, V4, Broker;
    DELETE_ACL_CONFIG = 51, V4, Broker;
    GET_BROKER_CLUSTER_ACL_INFO = 52, V4, Broker;
    UPDATE_GLOBAL_WHITE_ADDRS_CONFIG = 53, V4, Broker;
    GET_TIMER_CHECK_POINT = 60, V5, Broker;
    GET_TIMER_METRICS = 61, V5, Broker;
    PUT_KV_CONFIG = 100, Both, Namesrv;
    GET_KV_CONFIG = 101, Both, Namesrv;
    DELETE_KV_CONFIG = 102, Both, Namesrv;
    REGISTER_BROKER = 103, Both, Namesrv;
    UNREGISTER_BROKER = 104, Both, Namesrv;
    GET_ROUTEINFO_BY_TOPIC = 105, Both, Namesrv;
    GET_BROKER_CLUSTER_INFO = 106, Both, Namesrv;
    UPDATE_AND_CREATE_SUBSCRIPTIONGROUP = 200, Both, Broker;
    GET_ALL_SUBSCRIPTIONGROUP_CONFIG = 201, Both, Broker;
    GET_TOPIC_STATS_INFO = 202, Both, Broker;
    GET_CONSUMER_CONNECTION_LIST = 203, Both, Broker;
    GET_PRODUCER_CONNECTION_LIST = 204, Both, Broker;
    WIPE_WRITE_PERM_OF_BROKER = 205, Both, Namesrv;
    GET_ALL_TOPIC_LIST_FROM_NAMESERVER = 206, Both, Namesrv;
    DELETE_SUBSCRIPTIONGROUP = 207, Both, Broker;
    GET_CONSUME_STATS = 208, Both, Broker;
    SUSPEND_CONSUMER = 209, Both, Nobody;
    RESUME_CONSUMER = 210, Both, Nobody;
    RESET_CONSUMER_OFFSET_IN_CONSUMER = 211, Both, Nobody;
    RESET_CONSUMER_OFFSET_IN_BROKER = 212, Both, Nobody;
    ADJUST_CONSUMER_THREAD_POOL = 213, Both, Nobody;
    WHO_CONSUME_THE_MESSAGE = 214, Both, Nobody;
    DELETE_TOPIC_IN_BROKER = 215, Both, Broker;
    DELETE_TOPIC_IN_NAMESRV = 216, Both, Namesrv;
    REGISTER_TOPIC_IN_NAMESRV = 217, V5, Namesrv;
    GET_KVLIST_BY_NAMESPACE = 219, Both, Namesrv;
    RESET_CONSUMER_CLIENT_OFFSET = 220, Both, Client;
    GET_CONSUMER_STATUS_FROM_CLIENT = 221, Both, Client;
    INVOKE_BROKER_TO_RESET_OFFSET = 222, Both, Broker;
    INVOKE_BROKER_TO_GET_CONSUMER_STATUS = 223, Both, Broker;
    GET_TOPICS_BY_CLUSTER = 224, Both, Namesrv;
    UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST = 225, V5, Broker;
    QUERY_TOPIC_CONSUME_BY_WHO = 300, Both, Broker;
    REGISTER_FILTER_SERVER = 301, Both, Nobody;
    REGISTER_MESSAGE_FILTER_CLASS = 302, Both, Nobody;
    QUERY_CONSUME_TIME_SPAN = 303, Both, Broker;
    GET_SYSTEM_TOPIC_LIST_FROM_NS = 304, Both, Namesrv;
    GET_SYSTEM_TOPIC_LIST_FROM_BROKER = 305, Both, Broker;
    CLEAN_EXPIRED_CONSUMEQUEUE = 306, Both, Broker;
    GET_CONSUMER_RUNNING_INFO = 307, Both, BrokerAndClient;
    QUERY_CORRECTION_OFFSET = 308, Both, Broker;
    CONSUME_MESSAGE_DIRECTLY = 309, Both, BrokerAndClient;
    SEND_MESSAGE_V2 = 310, Both, Broker;
    GET_UNIT_TOPIC_LIST = 311, Both, Namesrv;
    GET_HAS_UNIT_SUB_TOPIC_LIST = 312, Both, Namesrv;
    GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST = 313, Both, Namesrv;
    CLONE_GROUP_OFFSET = 314, Both, Broker;
    VIEW_BROKER_STATS_DATA = 315, Both, Broker;
    CLEAN_UNUSED_TOPIC = 316, Both, Broker;
    GET_BROKER_CONSUME_STATS = 317, Both, Broker;
    UPDATE_NAMESRV_CONFIG = 318, Both, Namesrv;
    GET_NAMESRV_CONFIG = 319, Both, Namesrv;
    SEND_BATCH_MESSAGE = 320, Both, Broker;
    QUERY_CONSUME_QUEUE = 321, Both, Broker;
    QUERY_DATA_VERSION = 322, Both, Namesrv;
    RESUME_CHECK_HALF_MESSAGE = 323, Both, Broker;
    SEND_REPLY_MESSAGE = 324, Both, Broker;
    SEND_REPLY_MESSAGE_V2 = 325, Both, Broker;
    PUSH_REPLY_MESSAGE_TO_CLIENT = 326, Both, Client;
    ADD_WRITE_PERM_OF_BROKER = 327, Both, Namesrv;
    GET_ALL_PRODUCER_INFO = 328, Both, Broker;
    DELETE_EXPIRED_COMMITLOG = 329, Both, Broker;
    QUERY_TOPICS_BY_CONSUMER = 343, V5, Broker;
    QUERY_SUBSCRIPTION_BY_CONSUMER = 345, V5, Broker;
    GET_TOPIC_CONFIG = 351, V5, Broker;
    GET_SUBSCRIPTIONGROUP_CONFIG = 352, V5, Broker;
    UPDATE_AND_GET_GROUP_FORBIDDEN = 353, V5, Broker;
    CHECK_ROCKSDB_CQ_WRITE_PROGRESS = 354, V5, Broker;
    EXPORT_ROCKSDB_CONFIG_TO_JSON = 355, V5, Broker;
    LITE_PULL_MESSAGE = 361, V5, Broker;
    RECALL_MESSAGE = 370, V5, Broker;
    QUERY_ASSIGNMENT = 400, V5, Broker;
    SET_MESSAGE_REQUEST_MODE = 401, V5, Broker;
    GET_ALL_MESSAGE_REQUEST_MODE = 402, V5, Broker;
    UPDATE_AND_CREATE_STATIC_TOPIC = 513, V5, Broker;
    GET_BROKER_MEMBER_GROUP = 901, V5, Namesrv;
    ADD_BROKER = 902, V5, Nobody;
    REMOVE_BROKER = 903, V5, Nobody;
    BROKER_HEARTBEAT = 904, V5, NamesrvAndController;
    NOTIFY_MIN_BROKER_ID_CHANGE = 905, V5, Broker;
    EXCHANGE_BROKER_HA_INFO = 906, V5, Broker;
    GET_BROKER_HA_STATUS = 907, V5, Broker;
    RESET_MASTER_FLUSH_OFFSET = 908, V5, Broker;
    CONTROLLER_ALTER_SYNC_STATE_SET = 1001, V5, Controller;
    CONTROLLER_ELECT_MASTER = 1002, V5, Controller;
    CONTROLLER_REGISTER_BROKER = 1003, V5, Controller;
    CONTROLLER_GET_REPLICA_INFO = 1004, V5, Controller;
    CONTROLLER_GET_METADATA_INFO = 1005, V5, Controller;
    CONTROLLER_GET_SYNC_STATE_DATA = 1006, V5, Controller;
    GET_BROKER_EPOCH_CACHE = 1007, V5, Broker;
    NOTIFY_BROKER_ROLE_CHANGED = 1008, V5, Broker;
    UPDATE_CONTROLLER_CONFIG = 1009, V5, Controller;
    GET_CONTROLLER_CONFIG = 1010, V5, Controller;
    CLEAN_BROKER_DATA = 1011, V5, Controller;
    CONTROLLER_GET_NEXT_BROKER_ID = 1012, V5, Controller;
    CONTROLLER_APPLY_BROKER_ID = 1013, V5, Controller;
    BROKER_CLOSE_CHANNEL_REQUEST = 1014, V5, Nobody;
    CHECK_NOT_ACTIVE_BROKER_REQUEST = 1015, V5, Nobody;
    GET_BROKER_LIVE_INFO_REQUEST = 1016, V5, Nobody;
    GET_SYNC_STATE_DATA_REQUEST = 1017, V5, Nobody;
    RAFT_BROKER_HEART_BEAT_EVENT_REQUEST = 1018, V5, Nobody;
    UPDATE_COLD_DATA_FLOW_CTR_CONFIG = 2001, V5, Broker;
    REMOVE_COLD_DATA_FLOW_CTR_CONFIG = 2002, V5, Broker;
    GET_COLD_DATA_FLOW_CTR_INFO = 2003, V5, Broker;
    SET_COMMITLOG_READ_MODE = 2004, V5, Broker;
    AUTH_CREATE_USER = 3001, V5, Broker;
    AUTH_UPDATE_USER = 3002, V5, Broker;
    AUTH_DELETE_USER = 3003, V5, Broker;
    AUTH_GET_USER = 3004, V5, Broker;
    AUTH_LIST_USER = 3005, V5, Broker;
    AUTH_CREATE_ACL = 3006, V5, Broker;
    AUTH_UPDATE_ACL = 3007, V5, Broker;
    AUTH_DELETE_ACL = 3008, V5, Broker;
    AUTH_GET_ACL = 3009, V5, Broker;
    AUTH_LIST_ACL = 3010, V5, Broker;
    POP_MESSAGE = 200050, V5, Broker;
    ACK_MESSAGE = 200051, V5, Broker;
    PEEK_MESSAGE = 200052, V5, Broker;
    CHANGE_MESSAGE_INVISIBLETIME = 200053, V5, Broker;
    NOTIFICATION = 200054, V5, Broker;
    POLLING_INFO = 200055, V5, Broker;
    POP_ROLLBACK = 200056, V5, Broker;
    BATCH_ACK_MESSAGE = 200151, V5, Broker;
}

/// Response codes (`RemotingSysResponseCode` + `ResponseCode`).
#[allow(missing_docs)]
pub mod response {
    /// -1000 (5.3.3, local only).
    pub const RPC_UNKNOWN: i32 = -1000;
    /// -1002 (5.3.3, local only).
    pub const RPC_ADDR_IS_NULL: i32 = -1002;
    /// -1004 (5.3.3, local only).
    pub const RPC_SEND_TO_CHANNEL_FAILED: i32 = -1004;
    /// -1006 (5.3.3, local only).
    pub const RPC_TIME_OUT: i32 = -1006;
    /// 0.
    pub const SUCCESS: i32 = 0;
    /// 1.
    pub const SYSTEM_ERROR: i32 = 1;
    /// 2.
    pub const SYSTEM_BUSY: i32 = 2;
    /// 3.
    pub const REQUEST_CODE_NOT_SUPPORTED: i32 = 3;
    /// 4.
    pub const TRANSACTION_FAILED: i32 = 4;
    /// 10.
    pub const FLUSH_DISK_TIMEOUT: i32 = 10;
    /// 11.
    pub const SLAVE_NOT_AVAILABLE: i32 = 11;
    /// 12.
    pub const FLUSH_SLAVE_TIMEOUT: i32 = 12;
    /// 13.
    pub const MESSAGE_ILLEGAL: i32 = 13;
    /// 14.
    pub const SERVICE_NOT_AVAILABLE: i32 = 14;
    /// 15.
    pub const VERSION_NOT_SUPPORTED: i32 = 15;
    /// 16.
    pub const NO_PERMISSION: i32 = 16;
    /// 17.
    pub const TOPIC_NOT_EXIST: i32 = 17;
    /// 18.
    pub const TOPIC_EXIST_ALREADY: i32 = 18;
    /// 19.
    pub const PULL_NOT_FOUND: i32 = 19;
    /// 20.
    pub const PULL_RETRY_IMMEDIATELY: i32 = 20;
    /// 21.
    pub const PULL_OFFSET_MOVED: i32 = 21;
    /// 22.
    pub const QUERY_NOT_FOUND: i32 = 22;
    /// 23.
    pub const SUBSCRIPTION_PARSE_FAILED: i32 = 23;
    /// 24.
    pub const SUBSCRIPTION_NOT_EXIST: i32 = 24;
    /// 25.
    pub const SUBSCRIPTION_NOT_LATEST: i32 = 25;
    /// 26.
    pub const SUBSCRIPTION_GROUP_NOT_EXIST: i32 = 26;
    /// 27.
    pub const FILTER_DATA_NOT_EXIST: i32 = 27;
    /// 28.
    pub const FILTER_DATA_NOT_LATEST: i32 = 28;
    /// 29 (5.3.3 name).
    pub const INVALID_PARAMETER: i32 = 29;
    /// 200.
    pub const TRANSACTION_SHOULD_COMMIT: i32 = 200;
    /// 201.
    pub const TRANSACTION_SHOULD_ROLLBACK: i32 = 201;
    /// 202.
    pub const TRANSACTION_STATE_UNKNOW: i32 = 202;
    /// 203.
    pub const TRANSACTION_STATE_GROUP_WRONG: i32 = 203;
    /// 204.
    pub const NO_BUYER_ID: i32 = 204;
    /// 205.
    pub const NOT_IN_CURRENT_UNIT: i32 = 205;
    /// 206.
    pub const CONSUMER_NOT_ONLINE: i32 = 206;
    /// 207.
    pub const CONSUME_MSG_TIMEOUT: i32 = 207;
    /// 208.
    pub const NO_MESSAGE: i32 = 208;
    /// 209 (4.9.8 name).
    pub const UPDATE_AND_CREATE_ACL_CONFIG_FAILED: i32 = 209;
    /// 209 (5.3.3 name).
    pub const POLLING_FULL: i32 = 209;
    /// 210 (4.9.8 name).
    pub const DELETE_ACL_CONFIG_FAILED: i32 = 210;
    /// 210 (5.3.3 name).
    pub const POLLING_TIMEOUT: i32 = 210;
    /// 211 (4.9.8 name).
    pub const UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED: i32 = 211;
    /// 211 (5.3.3 name).
    pub const BROKER_NOT_EXIST: i32 = 211;
    /// 212 (5.3.3 name).
    pub const BROKER_DISPATCH_NOT_COMPLETE: i32 = 212;
    /// 213 (5.3.3 name).
    pub const BROADCAST_CONSUMPTION: i32 = 213;
    /// 215.
    pub const FLOW_CONTROL: i32 = 215;
    /// 501 (5.3.3 name).
    pub const NOT_LEADER_FOR_QUEUE: i32 = 501;
    /// 604 (5.3.3 name).
    pub const ILLEGAL_OPERATION: i32 = 604;
    /// 1500 (5.3.3 name).
    pub const GO_AWAY: i32 = 1500;
    /// 2000 (5.3.3 name).
    pub const CONTROLLER_FENCED_MASTER_EPOCH: i32 = 2000;
    /// 2001 (5.3.3 name).
    pub const CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH: i32 = 2001;
    /// 2002 (5.3.3 name).
    pub const CONTROLLER_INVALID_MASTER: i32 = 2002;
    /// 2003 (5.3.3 name).
    pub const CONTROLLER_INVALID_REPLICAS: i32 = 2003;
    /// 2004 (5.3.3 name).
    pub const CONTROLLER_MASTER_NOT_AVAILABLE: i32 = 2004;
    /// 2005 (5.3.3 name).
    pub const CONTROLLER_INVALID_REQUEST: i32 = 2005;
    /// 2006 (5.3.3 name).
    pub const CONTROLLER_BROKER_NOT_ALIVE: i32 = 2006;
    /// 2007 (5.3.3 name).
    pub const CONTROLLER_NOT_LEADER: i32 = 2007;
    /// 2008 (5.3.3 name).
    pub const CONTROLLER_BROKER_METADATA_NOT_EXIST: i32 = 2008;
    /// 2009 (5.3.3 name).
    pub const CONTROLLER_INVALID_CLEAN_BROKER_METADATA: i32 = 2009;
    /// 2010 (5.3.3 name).
    pub const CONTROLLER_BROKER_NEED_TO_BE_REGISTERED: i32 = 2010;
    /// 2011 (5.3.3 name).
    pub const CONTROLLER_MASTER_STILL_EXIST: i32 = 2011;
    /// 2012 (5.3.3 name).
    pub const CONTROLLER_ELECT_MASTER_FAILED: i32 = 2012;
    /// 2013 (5.3.3 name).
    pub const CONTROLLER_ALTER_SYNC_STATE_SET_FAILED: i32 = 2013;
    /// 2014 (5.3.3 name).
    pub const CONTROLLER_BROKER_ID_INVALID: i32 = 2014;
    /// 2015 (5.3.3 name).
    pub const CONTROLLER_JRAFT_INTERNAL_ERROR: i32 = 2015;
    /// 2016 (5.3.3 name).
    pub const CONTROLLER_BROKER_LIVE_INFO_NOT_EXISTS: i32 = 2016;
    /// 3001 (5.3.3 name).
    pub const USER_NOT_EXIST: i32 = 3001;
    /// 3002 (5.3.3 name).
    pub const POLICY_NOT_EXIST: i32 = 3002;
}

/// The Java constant name of a request code, for logs and listings.
pub fn request_name(code: i32) -> Option<&'static str> {
    Request::from_code(code).map(Request::name)
}

/// The Java constant name of a response code (5.3.3 name where the tags differ).
pub fn response_name(code: i32) -> Option<&'static str> {
    Some(match code {
        0 => "SUCCESS",
        1 => "SYSTEM_ERROR",
        2 => "SYSTEM_BUSY",
        3 => "REQUEST_CODE_NOT_SUPPORTED",
        4 => "TRANSACTION_FAILED",
        10 => "FLUSH_DISK_TIMEOUT",
        11 => "SLAVE_NOT_AVAILABLE",
        12 => "FLUSH_SLAVE_TIMEOUT",
        13 => "MESSAGE_ILLEGAL",
        14 => "SERVICE_NOT_AVAILABLE",
        15 => "VERSION_NOT_SUPPORTED",
        16 => "NO_PERMISSION",
        17 => "TOPIC_NOT_EXIST",
        18 => "TOPIC_EXIST_ALREADY",
        19 => "PULL_NOT_FOUND",
        20 => "PULL_RETRY_IMMEDIATELY",
        21 => "PULL_OFFSET_MOVED",
        22 => "QUERY_NOT_FOUND",
        23 => "SUBSCRIPTION_PARSE_FAILED",
        24 => "SUBSCRIPTION_NOT_EXIST",
        25 => "SUBSCRIPTION_NOT_LATEST",
        26 => "SUBSCRIPTION_GROUP_NOT_EXIST",
        27 => "FILTER_DATA_NOT_EXIST",
        28 => "FILTER_DATA_NOT_LATEST",
        29 => "INVALID_PARAMETER",
        200 => "TRANSACTION_SHOULD_COMMIT",
        201 => "TRANSACTION_SHOULD_ROLLBACK",
        202 => "TRANSACTION_STATE_UNKNOW",
        203 => "TRANSACTION_STATE_GROUP_WRONG",
        204 => "NO_BUYER_ID",
        205 => "NOT_IN_CURRENT_UNIT",
        206 => "CONSUMER_NOT_ONLINE",
        207 => "CONSUME_MSG_TIMEOUT",
        208 => "NO_MESSAGE",
        209 => "POLLING_FULL",
        210 => "POLLING_TIMEOUT",
        211 => "BROKER_NOT_EXIST",
        212 => "BROKER_DISPATCH_NOT_COMPLETE",
        213 => "BROADCAST_CONSUMPTION",
        215 => "FLOW_CONTROL",
        501 => "NOT_LEADER_FOR_QUEUE",
        604 => "ILLEGAL_OPERATION",
        1500 => "GO_AWAY",
        2000 => "CONTROLLER_FENCED_MASTER_EPOCH",
        2001 => "CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH",
        2002 => "CONTROLLER_INVALID_MASTER",
        2003 => "CONTROLLER_INVALID_REPLICAS",
        2004 => "CONTROLLER_MASTER_NOT_AVAILABLE",
        2005 => "CONTROLLER_INVALID_REQUEST",
        2006 => "CONTROLLER_BROKER_NOT_ALIVE",
        2007 => "CONTROLLER_NOT_LEADER",
        2008 => "CONTROLLER_BROKER_METADATA_NOT_EXIST",
        2009 => "CONTROLLER_INVALID_CLEAN_BROKER_METADATA",
        2010 => "CONTROLLER_BROKER_NEED_TO_BE_REGISTERED",
        2011 => "CONTROLLER_MASTER_STILL_EXIST",
        2012 => "CONTROLLER_ELECT_MASTER_FAILED",
        2013 => "CONTROLLER_ALTER_SYNC_STATE_SET_FAILED",
        2014 => "CONTROLLER_BROKER_ID_INVALID",
        2015 => "CONTROLLER_JRAFT_INTERNAL_ERROR",
        2016 => "CONTROLLER_BROKER_LIVE_INFO_NOT_EXISTS",
        3001 => "USER_NOT_EXIST",
        3002 => "POLICY_NOT_EXIST",
        -1000 => "RPC_UNKNOWN",
        -1002 => "RPC_ADDR_IS_NULL",
        -1004 => "RPC_SEND_TO_CHANNEL_FAILED",
        -1006 => "RPC_TIME_OUT",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_complete() {
        let req = (0..=200_200).filter(|c| request_name(*c).is_some()).count();
        assert_eq!(req, 162, "95 codes in 4.9.8 + 5.3.3-only codes");
        assert_eq!(request_name(request::GET_ROUTEINFO_BY_TOPIC), Some("GET_ROUTEINFO_BY_TOPIC"));
        assert_eq!(response::TOPIC_NOT_EXIST, 17);
        assert_eq!(response::POLLING_FULL, response::UPDATE_AND_CREATE_ACL_CONFIG_FAILED);
        assert_eq!(response_name(-1006), Some("RPC_TIME_OUT"));
    }
}
