//! The complete `RequestCode` and `ResponseCode` tables of RocketMQ 4.9.8 and 5.3.3.
//!
//! Mirrors `RemotingSysResponseCode`, `ResponseCode` and `RequestCode` (4.9.8:
//! `org.apache.rocketmq.common.protocol`, 5.3.3: `org.apache.rocketmq.remoting.protocol`).
//! Generated once from `remoting-and-namesrv.md` §3.1/§3.2; names are the Java constant names.
//! Where a value has a different name per tag, both names are defined.

/// Request codes (`RequestCode`).
#[allow(missing_docs)]
pub mod request {
    /// 10; handled by: Broker.
    pub const SEND_MESSAGE: i32 = 10;
    /// 11; handled by: Broker.
    pub const PULL_MESSAGE: i32 = 11;
    /// 12; handled by: Broker.
    pub const QUERY_MESSAGE: i32 = 12;
    /// 13; handled by: — (no handler).
    pub const QUERY_BROKER_OFFSET: i32 = 13;
    /// 14; handled by: Broker.
    pub const QUERY_CONSUMER_OFFSET: i32 = 14;
    /// 15; handled by: Broker.
    pub const UPDATE_CONSUMER_OFFSET: i32 = 15;
    /// 17; handled by: Broker.
    pub const UPDATE_AND_CREATE_TOPIC: i32 = 17;
    /// 18 (5.3.3 only); handled by: Broker (5.3.3).
    pub const UPDATE_AND_CREATE_TOPIC_LIST: i32 = 18;
    /// 21; handled by: Broker.
    pub const GET_ALL_TOPIC_CONFIG: i32 = 21;
    /// 22; handled by: — (no handler).
    pub const GET_TOPIC_CONFIG_LIST: i32 = 22;
    /// 23; handled by: — (no handler).
    pub const GET_TOPIC_NAME_LIST: i32 = 23;
    /// 25; handled by: Broker.
    pub const UPDATE_BROKER_CONFIG: i32 = 25;
    /// 26; handled by: Broker.
    pub const GET_BROKER_CONFIG: i32 = 26;
    /// 27; handled by: — (no handler).
    pub const TRIGGER_DELETE_FILES: i32 = 27;
    /// 28; handled by: Broker.
    pub const GET_BROKER_RUNTIME_INFO: i32 = 28;
    /// 29; handled by: Broker.
    pub const SEARCH_OFFSET_BY_TIMESTAMP: i32 = 29;
    /// 30; handled by: Broker.
    pub const GET_MAX_OFFSET: i32 = 30;
    /// 31; handled by: Broker.
    pub const GET_MIN_OFFSET: i32 = 31;
    /// 32; handled by: Broker.
    pub const GET_EARLIEST_MSG_STORETIME: i32 = 32;
    /// 33; handled by: Broker.
    pub const VIEW_MESSAGE_BY_ID: i32 = 33;
    /// 34; handled by: Broker.
    pub const HEART_BEAT: i32 = 34;
    /// 35; handled by: Broker.
    pub const UNREGISTER_CLIENT: i32 = 35;
    /// 36; handled by: Broker.
    pub const CONSUMER_SEND_MSG_BACK: i32 = 36;
    /// 37; handled by: Broker.
    pub const END_TRANSACTION: i32 = 37;
    /// 38; handled by: Broker.
    pub const GET_CONSUMER_LIST_BY_GROUP: i32 = 38;
    /// 39; handled by: Client.
    pub const CHECK_TRANSACTION_STATE: i32 = 39;
    /// 40; handled by: Client.
    pub const NOTIFY_CONSUMER_IDS_CHANGED: i32 = 40;
    /// 41; handled by: Broker.
    pub const LOCK_BATCH_MQ: i32 = 41;
    /// 42; handled by: Broker.
    pub const UNLOCK_BATCH_MQ: i32 = 42;
    /// 43; handled by: Broker.
    pub const GET_ALL_CONSUMER_OFFSET: i32 = 43;
    /// 45; handled by: Broker.
    pub const GET_ALL_DELAY_OFFSET: i32 = 45;
    /// 46; handled by: Broker.
    pub const CHECK_CLIENT_CONFIG: i32 = 46;
    /// 47 (5.3.3 only); handled by: — (no handler).
    pub const GET_CLIENT_CONFIG: i32 = 47;
    /// 50 (4.9.8 only); handled by: Broker (4.9.8).
    pub const UPDATE_AND_CREATE_ACL_CONFIG: i32 = 50;
    /// 51 (4.9.8 only); handled by: Broker (4.9.8).
    pub const DELETE_ACL_CONFIG: i32 = 51;
    /// 52 (4.9.8 only); handled by: Broker (4.9.8).
    pub const GET_BROKER_CLUSTER_ACL_INFO: i32 = 52;
    /// 53 (4.9.8 only); handled by: Broker (4.9.8).
    pub const UPDATE_GLOBAL_WHITE_ADDRS_CONFIG: i32 = 53;
    /// 60 (5.3.3 only); handled by: Broker (5.3.3).
    pub const GET_TIMER_CHECK_POINT: i32 = 60;
    /// 61 (5.3.3 only); handled by: Broker (5.3.3).
    pub const GET_TIMER_METRICS: i32 = 61;
    /// 100; handled by: NS.
    pub const PUT_KV_CONFIG: i32 = 100;
    /// 101; handled by: NS.
    pub const GET_KV_CONFIG: i32 = 101;
    /// 102; handled by: NS.
    pub const DELETE_KV_CONFIG: i32 = 102;
    /// 103; handled by: NS.
    pub const REGISTER_BROKER: i32 = 103;
    /// 104; handled by: NS.
    pub const UNREGISTER_BROKER: i32 = 104;
    /// 105; handled by: NS.
    pub const GET_ROUTEINFO_BY_TOPIC: i32 = 105;
    /// 106; handled by: NS.
    pub const GET_BROKER_CLUSTER_INFO: i32 = 106;
    /// 200; handled by: Broker.
    pub const UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: i32 = 200;
    /// 201; handled by: Broker.
    pub const GET_ALL_SUBSCRIPTIONGROUP_CONFIG: i32 = 201;
    /// 202; handled by: Broker.
    pub const GET_TOPIC_STATS_INFO: i32 = 202;
    /// 203; handled by: Broker.
    pub const GET_CONSUMER_CONNECTION_LIST: i32 = 203;
    /// 204; handled by: Broker.
    pub const GET_PRODUCER_CONNECTION_LIST: i32 = 204;
    /// 205; handled by: NS.
    pub const WIPE_WRITE_PERM_OF_BROKER: i32 = 205;
    /// 206; handled by: NS.
    pub const GET_ALL_TOPIC_LIST_FROM_NAMESERVER: i32 = 206;
    /// 207; handled by: Broker.
    pub const DELETE_SUBSCRIPTIONGROUP: i32 = 207;
    /// 208; handled by: Broker.
    pub const GET_CONSUME_STATS: i32 = 208;
    /// 209; handled by: — (no handler).
    pub const SUSPEND_CONSUMER: i32 = 209;
    /// 210; handled by: — (no handler).
    pub const RESUME_CONSUMER: i32 = 210;
    /// 211; handled by: — (no handler).
    pub const RESET_CONSUMER_OFFSET_IN_CONSUMER: i32 = 211;
    /// 212; handled by: — (no handler).
    pub const RESET_CONSUMER_OFFSET_IN_BROKER: i32 = 212;
    /// 213; handled by: — (no handler).
    pub const ADJUST_CONSUMER_THREAD_POOL: i32 = 213;
    /// 214; handled by: — (no handler).
    pub const WHO_CONSUME_THE_MESSAGE: i32 = 214;
    /// 215; handled by: Broker.
    pub const DELETE_TOPIC_IN_BROKER: i32 = 215;
    /// 216; handled by: NS.
    pub const DELETE_TOPIC_IN_NAMESRV: i32 = 216;
    /// 217 (5.3.3 only); handled by: NS (5.3.3).
    pub const REGISTER_TOPIC_IN_NAMESRV: i32 = 217;
    /// 219; handled by: NS.
    pub const GET_KVLIST_BY_NAMESPACE: i32 = 219;
    /// 220; handled by: Client.
    pub const RESET_CONSUMER_CLIENT_OFFSET: i32 = 220;
    /// 221; handled by: Client.
    pub const GET_CONSUMER_STATUS_FROM_CLIENT: i32 = 221;
    /// 222; handled by: Broker.
    pub const INVOKE_BROKER_TO_RESET_OFFSET: i32 = 222;
    /// 223; handled by: Broker.
    pub const INVOKE_BROKER_TO_GET_CONSUMER_STATUS: i32 = 223;
    /// 224; handled by: NS.
    pub const GET_TOPICS_BY_CLUSTER: i32 = 224;
    /// 225 (5.3.3 only); handled by: Broker (5.3.3).
    pub const UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST: i32 = 225;
    /// 300; handled by: Broker.
    pub const QUERY_TOPIC_CONSUME_BY_WHO: i32 = 300;
    /// 301; handled by: — (no handler).
    pub const REGISTER_FILTER_SERVER: i32 = 301;
    /// 302; handled by: — (no handler).
    pub const REGISTER_MESSAGE_FILTER_CLASS: i32 = 302;
    /// 303; handled by: Broker.
    pub const QUERY_CONSUME_TIME_SPAN: i32 = 303;
    /// 304; handled by: NS.
    pub const GET_SYSTEM_TOPIC_LIST_FROM_NS: i32 = 304;
    /// 305; handled by: Broker.
    pub const GET_SYSTEM_TOPIC_LIST_FROM_BROKER: i32 = 305;
    /// 306; handled by: Broker.
    pub const CLEAN_EXPIRED_CONSUMEQUEUE: i32 = 306;
    /// 307; handled by: Broker, Client.
    pub const GET_CONSUMER_RUNNING_INFO: i32 = 307;
    /// 308; handled by: Broker.
    pub const QUERY_CORRECTION_OFFSET: i32 = 308;
    /// 309; handled by: Broker, Client.
    pub const CONSUME_MESSAGE_DIRECTLY: i32 = 309;
    /// 310; handled by: Broker.
    pub const SEND_MESSAGE_V2: i32 = 310;
    /// 311; handled by: NS.
    pub const GET_UNIT_TOPIC_LIST: i32 = 311;
    /// 312; handled by: NS.
    pub const GET_HAS_UNIT_SUB_TOPIC_LIST: i32 = 312;
    /// 313; handled by: NS.
    pub const GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST: i32 = 313;
    /// 314; handled by: Broker.
    pub const CLONE_GROUP_OFFSET: i32 = 314;
    /// 315; handled by: Broker.
    pub const VIEW_BROKER_STATS_DATA: i32 = 315;
    /// 316; handled by: Broker.
    pub const CLEAN_UNUSED_TOPIC: i32 = 316;
    /// 317; handled by: Broker.
    pub const GET_BROKER_CONSUME_STATS: i32 = 317;
    /// 318; handled by: NS.
    pub const UPDATE_NAMESRV_CONFIG: i32 = 318;
    /// 319; handled by: NS.
    pub const GET_NAMESRV_CONFIG: i32 = 319;
    /// 320; handled by: Broker.
    pub const SEND_BATCH_MESSAGE: i32 = 320;
    /// 321; handled by: Broker.
    pub const QUERY_CONSUME_QUEUE: i32 = 321;
    /// 322; handled by: NS.
    pub const QUERY_DATA_VERSION: i32 = 322;
    /// 323; handled by: Broker.
    pub const RESUME_CHECK_HALF_MESSAGE: i32 = 323;
    /// 324; handled by: Broker.
    pub const SEND_REPLY_MESSAGE: i32 = 324;
    /// 325; handled by: Broker.
    pub const SEND_REPLY_MESSAGE_V2: i32 = 325;
    /// 326; handled by: Client.
    pub const PUSH_REPLY_MESSAGE_TO_CLIENT: i32 = 326;
    /// 327; handled by: NS.
    pub const ADD_WRITE_PERM_OF_BROKER: i32 = 327;
    /// 328; handled by: Broker.
    pub const GET_ALL_PRODUCER_INFO: i32 = 328;
    /// 329; handled by: Broker.
    pub const DELETE_EXPIRED_COMMITLOG: i32 = 329;
    /// 343 (5.3.3 only); handled by: Broker (5.3.3).
    pub const QUERY_TOPICS_BY_CONSUMER: i32 = 343;
    /// 345 (5.3.3 only); handled by: Broker (5.3.3).
    pub const QUERY_SUBSCRIPTION_BY_CONSUMER: i32 = 345;
    /// 351 (5.3.3 only); handled by: Broker (5.3.3).
    pub const GET_TOPIC_CONFIG: i32 = 351;
    /// 352 (5.3.3 only); handled by: Broker (5.3.3).
    pub const GET_SUBSCRIPTIONGROUP_CONFIG: i32 = 352;
    /// 353 (5.3.3 only); handled by: Broker (5.3.3).
    pub const UPDATE_AND_GET_GROUP_FORBIDDEN: i32 = 353;
    /// 354 (5.3.3 only); handled by: Broker (5.3.3).
    pub const CHECK_ROCKSDB_CQ_WRITE_PROGRESS: i32 = 354;
    /// 355 (5.3.3 only); handled by: Broker (5.3.3).
    pub const EXPORT_ROCKSDB_CONFIG_TO_JSON: i32 = 355;
    /// 361 (5.3.3 only); handled by: Broker (5.3.3).
    pub const LITE_PULL_MESSAGE: i32 = 361;
    /// 370 (5.3.3 only); handled by: Broker (5.3.3).
    pub const RECALL_MESSAGE: i32 = 370;
    /// 400 (5.3.3 only); handled by: Broker (5.3.3).
    pub const QUERY_ASSIGNMENT: i32 = 400;
    /// 401 (5.3.3 only); handled by: Broker (5.3.3).
    pub const SET_MESSAGE_REQUEST_MODE: i32 = 401;
    /// 402 (5.3.3 only); handled by: Broker (5.3.3).
    pub const GET_ALL_MESSAGE_REQUEST_MODE: i32 = 402;
    /// 513 (5.3.3 only); handled by: Broker (5.3.3).
    pub const UPDATE_AND_CREATE_STATIC_TOPIC: i32 = 513;
    /// 901 (5.3.3 only); handled by: NS (5.3.3).
    pub const GET_BROKER_MEMBER_GROUP: i32 = 901;
    /// 902 (5.3.3 only); handled by: — (no handler).
    pub const ADD_BROKER: i32 = 902;
    /// 903 (5.3.3 only); handled by: — (no handler).
    pub const REMOVE_BROKER: i32 = 903;
    /// 904 (5.3.3 only); handled by: NS (5.3.3), Controller.
    pub const BROKER_HEARTBEAT: i32 = 904;
    /// 905 (5.3.3 only); handled by: Broker (5.3.3).
    pub const NOTIFY_MIN_BROKER_ID_CHANGE: i32 = 905;
    /// 906 (5.3.3 only); handled by: Broker (5.3.3).
    pub const EXCHANGE_BROKER_HA_INFO: i32 = 906;
    /// 907 (5.3.3 only); handled by: Broker (5.3.3).
    pub const GET_BROKER_HA_STATUS: i32 = 907;
    /// 908 (5.3.3 only); handled by: Broker (5.3.3).
    pub const RESET_MASTER_FLUSH_OFFSET: i32 = 908;
    /// 1001 (5.3.3 only); handled by: Controller.
    pub const CONTROLLER_ALTER_SYNC_STATE_SET: i32 = 1001;
    /// 1002 (5.3.3 only); handled by: Controller.
    pub const CONTROLLER_ELECT_MASTER: i32 = 1002;
    /// 1003 (5.3.3 only); handled by: Controller.
    pub const CONTROLLER_REGISTER_BROKER: i32 = 1003;
    /// 1004 (5.3.3 only); handled by: Controller.
    pub const CONTROLLER_GET_REPLICA_INFO: i32 = 1004;
    /// 1005 (5.3.3 only); handled by: Controller.
    pub const CONTROLLER_GET_METADATA_INFO: i32 = 1005;
    /// 1006 (5.3.3 only); handled by: Controller.
    pub const CONTROLLER_GET_SYNC_STATE_DATA: i32 = 1006;
    /// 1007 (5.3.3 only); handled by: Broker (5.3.3).
    pub const GET_BROKER_EPOCH_CACHE: i32 = 1007;
    /// 1008 (5.3.3 only); handled by: Broker (5.3.3).
    pub const NOTIFY_BROKER_ROLE_CHANGED: i32 = 1008;
    /// 1009 (5.3.3 only); handled by: Controller.
    pub const UPDATE_CONTROLLER_CONFIG: i32 = 1009;
    /// 1010 (5.3.3 only); handled by: Controller.
    pub const GET_CONTROLLER_CONFIG: i32 = 1010;
    /// 1011 (5.3.3 only); handled by: Controller.
    pub const CLEAN_BROKER_DATA: i32 = 1011;
    /// 1012 (5.3.3 only); handled by: Controller.
    pub const CONTROLLER_GET_NEXT_BROKER_ID: i32 = 1012;
    /// 1013 (5.3.3 only); handled by: Controller.
    pub const CONTROLLER_APPLY_BROKER_ID: i32 = 1013;
    /// 1014 (5.3.3 only); handled by: — (no handler).
    pub const BROKER_CLOSE_CHANNEL_REQUEST: i32 = 1014;
    /// 1015 (5.3.3 only); handled by: — (no handler).
    pub const CHECK_NOT_ACTIVE_BROKER_REQUEST: i32 = 1015;
    /// 1016 (5.3.3 only); handled by: — (no handler).
    pub const GET_BROKER_LIVE_INFO_REQUEST: i32 = 1016;
    /// 1017 (5.3.3 only); handled by: — (no handler).
    pub const GET_SYNC_STATE_DATA_REQUEST: i32 = 1017;
    /// 1018 (5.3.3 only); handled by: — (no handler).
    pub const RAFT_BROKER_HEART_BEAT_EVENT_REQUEST: i32 = 1018;
    /// 2001 (5.3.3 only); handled by: Broker (5.3.3).
    pub const UPDATE_COLD_DATA_FLOW_CTR_CONFIG: i32 = 2001;
    /// 2002 (5.3.3 only); handled by: Broker (5.3.3).
    pub const REMOVE_COLD_DATA_FLOW_CTR_CONFIG: i32 = 2002;
    /// 2003 (5.3.3 only); handled by: Broker (5.3.3).
    pub const GET_COLD_DATA_FLOW_CTR_INFO: i32 = 2003;
    /// 2004 (5.3.3 only); handled by: Broker (5.3.3).
    pub const SET_COMMITLOG_READ_MODE: i32 = 2004;
    /// 3001 (5.3.3 only); handled by: Broker (5.3.3).
    pub const AUTH_CREATE_USER: i32 = 3001;
    /// 3002 (5.3.3 only); handled by: Broker (5.3.3).
    pub const AUTH_UPDATE_USER: i32 = 3002;
    /// 3003 (5.3.3 only); handled by: Broker (5.3.3).
    pub const AUTH_DELETE_USER: i32 = 3003;
    /// 3004 (5.3.3 only); handled by: Broker (5.3.3).
    pub const AUTH_GET_USER: i32 = 3004;
    /// 3005 (5.3.3 only); handled by: Broker (5.3.3).
    pub const AUTH_LIST_USER: i32 = 3005;
    /// 3006 (5.3.3 only); handled by: Broker (5.3.3).
    pub const AUTH_CREATE_ACL: i32 = 3006;
    /// 3007 (5.3.3 only); handled by: Broker (5.3.3).
    pub const AUTH_UPDATE_ACL: i32 = 3007;
    /// 3008 (5.3.3 only); handled by: Broker (5.3.3).
    pub const AUTH_DELETE_ACL: i32 = 3008;
    /// 3009 (5.3.3 only); handled by: Broker (5.3.3).
    pub const AUTH_GET_ACL: i32 = 3009;
    /// 3010 (5.3.3 only); handled by: Broker (5.3.3).
    pub const AUTH_LIST_ACL: i32 = 3010;
    /// 200050 (5.3.3 only); handled by: Broker (5.3.3).
    pub const POP_MESSAGE: i32 = 200050;
    /// 200051 (5.3.3 only); handled by: Broker (5.3.3).
    pub const ACK_MESSAGE: i32 = 200051;
    /// 200052 (5.3.3 only); handled by: Broker (5.3.3).
    pub const PEEK_MESSAGE: i32 = 200052;
    /// 200053 (5.3.3 only); handled by: Broker (5.3.3).
    pub const CHANGE_MESSAGE_INVISIBLETIME: i32 = 200053;
    /// 200054 (5.3.3 only); handled by: Broker (5.3.3).
    pub const NOTIFICATION: i32 = 200054;
    /// 200055 (5.3.3 only); handled by: Broker (5.3.3).
    pub const POLLING_INFO: i32 = 200055;
    /// 200056 (5.3.3 only); handled by: Broker (5.3.3).
    pub const POP_ROLLBACK: i32 = 200056;
    /// 200151 (5.3.3 only); handled by: Broker (5.3.3).
    pub const BATCH_ACK_MESSAGE: i32 = 200151;
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
    Some(match code {
        10 => "SEND_MESSAGE",
        11 => "PULL_MESSAGE",
        12 => "QUERY_MESSAGE",
        13 => "QUERY_BROKER_OFFSET",
        14 => "QUERY_CONSUMER_OFFSET",
        15 => "UPDATE_CONSUMER_OFFSET",
        17 => "UPDATE_AND_CREATE_TOPIC",
        18 => "UPDATE_AND_CREATE_TOPIC_LIST",
        21 => "GET_ALL_TOPIC_CONFIG",
        22 => "GET_TOPIC_CONFIG_LIST",
        23 => "GET_TOPIC_NAME_LIST",
        25 => "UPDATE_BROKER_CONFIG",
        26 => "GET_BROKER_CONFIG",
        27 => "TRIGGER_DELETE_FILES",
        28 => "GET_BROKER_RUNTIME_INFO",
        29 => "SEARCH_OFFSET_BY_TIMESTAMP",
        30 => "GET_MAX_OFFSET",
        31 => "GET_MIN_OFFSET",
        32 => "GET_EARLIEST_MSG_STORETIME",
        33 => "VIEW_MESSAGE_BY_ID",
        34 => "HEART_BEAT",
        35 => "UNREGISTER_CLIENT",
        36 => "CONSUMER_SEND_MSG_BACK",
        37 => "END_TRANSACTION",
        38 => "GET_CONSUMER_LIST_BY_GROUP",
        39 => "CHECK_TRANSACTION_STATE",
        40 => "NOTIFY_CONSUMER_IDS_CHANGED",
        41 => "LOCK_BATCH_MQ",
        42 => "UNLOCK_BATCH_MQ",
        43 => "GET_ALL_CONSUMER_OFFSET",
        45 => "GET_ALL_DELAY_OFFSET",
        46 => "CHECK_CLIENT_CONFIG",
        47 => "GET_CLIENT_CONFIG",
        50 => "UPDATE_AND_CREATE_ACL_CONFIG",
        51 => "DELETE_ACL_CONFIG",
        52 => "GET_BROKER_CLUSTER_ACL_INFO",
        53 => "UPDATE_GLOBAL_WHITE_ADDRS_CONFIG",
        60 => "GET_TIMER_CHECK_POINT",
        61 => "GET_TIMER_METRICS",
        100 => "PUT_KV_CONFIG",
        101 => "GET_KV_CONFIG",
        102 => "DELETE_KV_CONFIG",
        103 => "REGISTER_BROKER",
        104 => "UNREGISTER_BROKER",
        105 => "GET_ROUTEINFO_BY_TOPIC",
        106 => "GET_BROKER_CLUSTER_INFO",
        200 => "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP",
        201 => "GET_ALL_SUBSCRIPTIONGROUP_CONFIG",
        202 => "GET_TOPIC_STATS_INFO",
        203 => "GET_CONSUMER_CONNECTION_LIST",
        204 => "GET_PRODUCER_CONNECTION_LIST",
        205 => "WIPE_WRITE_PERM_OF_BROKER",
        206 => "GET_ALL_TOPIC_LIST_FROM_NAMESERVER",
        207 => "DELETE_SUBSCRIPTIONGROUP",
        208 => "GET_CONSUME_STATS",
        209 => "SUSPEND_CONSUMER",
        210 => "RESUME_CONSUMER",
        211 => "RESET_CONSUMER_OFFSET_IN_CONSUMER",
        212 => "RESET_CONSUMER_OFFSET_IN_BROKER",
        213 => "ADJUST_CONSUMER_THREAD_POOL",
        214 => "WHO_CONSUME_THE_MESSAGE",
        215 => "DELETE_TOPIC_IN_BROKER",
        216 => "DELETE_TOPIC_IN_NAMESRV",
        217 => "REGISTER_TOPIC_IN_NAMESRV",
        219 => "GET_KVLIST_BY_NAMESPACE",
        220 => "RESET_CONSUMER_CLIENT_OFFSET",
        221 => "GET_CONSUMER_STATUS_FROM_CLIENT",
        222 => "INVOKE_BROKER_TO_RESET_OFFSET",
        223 => "INVOKE_BROKER_TO_GET_CONSUMER_STATUS",
        224 => "GET_TOPICS_BY_CLUSTER",
        225 => "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST",
        300 => "QUERY_TOPIC_CONSUME_BY_WHO",
        301 => "REGISTER_FILTER_SERVER",
        302 => "REGISTER_MESSAGE_FILTER_CLASS",
        303 => "QUERY_CONSUME_TIME_SPAN",
        304 => "GET_SYSTEM_TOPIC_LIST_FROM_NS",
        305 => "GET_SYSTEM_TOPIC_LIST_FROM_BROKER",
        306 => "CLEAN_EXPIRED_CONSUMEQUEUE",
        307 => "GET_CONSUMER_RUNNING_INFO",
        308 => "QUERY_CORRECTION_OFFSET",
        309 => "CONSUME_MESSAGE_DIRECTLY",
        310 => "SEND_MESSAGE_V2",
        311 => "GET_UNIT_TOPIC_LIST",
        312 => "GET_HAS_UNIT_SUB_TOPIC_LIST",
        313 => "GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST",
        314 => "CLONE_GROUP_OFFSET",
        315 => "VIEW_BROKER_STATS_DATA",
        316 => "CLEAN_UNUSED_TOPIC",
        317 => "GET_BROKER_CONSUME_STATS",
        318 => "UPDATE_NAMESRV_CONFIG",
        319 => "GET_NAMESRV_CONFIG",
        320 => "SEND_BATCH_MESSAGE",
        321 => "QUERY_CONSUME_QUEUE",
        322 => "QUERY_DATA_VERSION",
        323 => "RESUME_CHECK_HALF_MESSAGE",
        324 => "SEND_REPLY_MESSAGE",
        325 => "SEND_REPLY_MESSAGE_V2",
        326 => "PUSH_REPLY_MESSAGE_TO_CLIENT",
        327 => "ADD_WRITE_PERM_OF_BROKER",
        328 => "GET_ALL_PRODUCER_INFO",
        329 => "DELETE_EXPIRED_COMMITLOG",
        343 => "QUERY_TOPICS_BY_CONSUMER",
        345 => "QUERY_SUBSCRIPTION_BY_CONSUMER",
        351 => "GET_TOPIC_CONFIG",
        352 => "GET_SUBSCRIPTIONGROUP_CONFIG",
        353 => "UPDATE_AND_GET_GROUP_FORBIDDEN",
        354 => "CHECK_ROCKSDB_CQ_WRITE_PROGRESS",
        355 => "EXPORT_ROCKSDB_CONFIG_TO_JSON",
        361 => "LITE_PULL_MESSAGE",
        370 => "RECALL_MESSAGE",
        400 => "QUERY_ASSIGNMENT",
        401 => "SET_MESSAGE_REQUEST_MODE",
        402 => "GET_ALL_MESSAGE_REQUEST_MODE",
        513 => "UPDATE_AND_CREATE_STATIC_TOPIC",
        901 => "GET_BROKER_MEMBER_GROUP",
        902 => "ADD_BROKER",
        903 => "REMOVE_BROKER",
        904 => "BROKER_HEARTBEAT",
        905 => "NOTIFY_MIN_BROKER_ID_CHANGE",
        906 => "EXCHANGE_BROKER_HA_INFO",
        907 => "GET_BROKER_HA_STATUS",
        908 => "RESET_MASTER_FLUSH_OFFSET",
        1001 => "CONTROLLER_ALTER_SYNC_STATE_SET",
        1002 => "CONTROLLER_ELECT_MASTER",
        1003 => "CONTROLLER_REGISTER_BROKER",
        1004 => "CONTROLLER_GET_REPLICA_INFO",
        1005 => "CONTROLLER_GET_METADATA_INFO",
        1006 => "CONTROLLER_GET_SYNC_STATE_DATA",
        1007 => "GET_BROKER_EPOCH_CACHE",
        1008 => "NOTIFY_BROKER_ROLE_CHANGED",
        1009 => "UPDATE_CONTROLLER_CONFIG",
        1010 => "GET_CONTROLLER_CONFIG",
        1011 => "CLEAN_BROKER_DATA",
        1012 => "CONTROLLER_GET_NEXT_BROKER_ID",
        1013 => "CONTROLLER_APPLY_BROKER_ID",
        1014 => "BROKER_CLOSE_CHANNEL_REQUEST",
        1015 => "CHECK_NOT_ACTIVE_BROKER_REQUEST",
        1016 => "GET_BROKER_LIVE_INFO_REQUEST",
        1017 => "GET_SYNC_STATE_DATA_REQUEST",
        1018 => "RAFT_BROKER_HEART_BEAT_EVENT_REQUEST",
        2001 => "UPDATE_COLD_DATA_FLOW_CTR_CONFIG",
        2002 => "REMOVE_COLD_DATA_FLOW_CTR_CONFIG",
        2003 => "GET_COLD_DATA_FLOW_CTR_INFO",
        2004 => "SET_COMMITLOG_READ_MODE",
        3001 => "AUTH_CREATE_USER",
        3002 => "AUTH_UPDATE_USER",
        3003 => "AUTH_DELETE_USER",
        3004 => "AUTH_GET_USER",
        3005 => "AUTH_LIST_USER",
        3006 => "AUTH_CREATE_ACL",
        3007 => "AUTH_UPDATE_ACL",
        3008 => "AUTH_DELETE_ACL",
        3009 => "AUTH_GET_ACL",
        3010 => "AUTH_LIST_ACL",
        200050 => "POP_MESSAGE",
        200051 => "ACK_MESSAGE",
        200052 => "PEEK_MESSAGE",
        200053 => "CHANGE_MESSAGE_INVISIBLETIME",
        200054 => "NOTIFICATION",
        200055 => "POLLING_INFO",
        200056 => "POP_ROLLBACK",
        200151 => "BATCH_ACK_MESSAGE",
        _ => return None,
    })
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
