//! The broker's request handler: one exhaustive `match` on [`Request`], routing each code to its processor in
//! `processor/<family>.rs` (or `processor/admin/<family>.rs`).
//!
//! Every request code of 4.9.8 and 5.3.3 has an arm, so adding a code to the table in `remoting/code.rs` does
//! not compile until it is routed here and placed in [`room`]. Codes without a processor get
//! REQUEST_CODE_NOT_SUPPORTED with Java's remark (an explicit arm says why: not a broker code, no handler in Java
//! either, or not built yet), never a dropped connection; a value no tag defines gets the same.
//!
//! The same handler serves both listeners. On the fast ("VIP") port `listenPort - 2`, PULL_MESSAGE and
//! LITE_PULL_MESSAGE are not registered in Java and fall through to REQUEST_CODE_NOT_SUPPORTED; every other
//! code behaves as on the main port.

use std::sync::Arc;

use super::processor::admin;
use super::processor::{client, consumer, lock, offset, pull, query, send, Refusal, Reply, RequestCtx};
use super::Broker;
use crate::net::{Connection, RequestHandler};
use crate::remoting::{RemotingCommand, Request};

/// Which listener a request arrived on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Port {
    /// `listenPort`: every request.
    Main,
    /// `listenPort - 2`: no pulls.
    Fast,
}

/// The [`RequestHandler`] of one listener.
#[derive(Debug)]
pub(crate) struct BrokerRequestHandler {
    broker: Arc<Broker>,
    port: Port,
}

impl BrokerRequestHandler {
    pub(crate) fn new(broker: Arc<Broker>, port: Port) -> Self {
        BrokerRequestHandler { broker, port }
    }
}

impl RequestHandler for BrokerRequestHandler {
    async fn handle(&self, conn: &Connection, request: RemotingCommand) -> Option<RemotingCommand> {
        dispatch(&self.broker, self.port, conn, &request).await
    }

    fn on_close(&self, conn: &Connection) {
        self.broker.on_channel_close(conn.id());
    }
}

/// Where a request code is served: the processor file, or why the broker answers REQUEST_CODE_NOT_SUPPORTED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Room {
    /// Served by this processor file (relative to `src/broker/processor/`).
    Processor(&'static str),
    /// A NameServer, client or controller code: no Java broker registers it either.
    NotBroker,
    /// A broker-side constant no Java processor handles.
    NoJavaHandler,
    /// A broker code Java serves that Thruster does not yet; the string names the issue that builds it.
    NotYet(&'static str),
}

const TRANSACTIONS: &str = "issue 11 (transactions, request-reply, timers)";
const POP: &str = "5.x POP consumption (not scheduled)";
const SECURITY: &str = "issue 13 (security)";
const HA: &str = "issue 14 (replication)";
const ROCKSDB: &str = "RocksDB consume queues (not scheduled)";

/// The room of every request code (the compatibility matrix is tested against this table).
pub fn room(code: Request) -> Room {
    use Request as R;
    match code {
        R::HEART_BEAT | R::UNREGISTER_CLIENT | R::CHECK_CLIENT_CONFIG => Room::Processor("client.rs"),
        R::GET_CONSUMER_LIST_BY_GROUP => Room::Processor("consumer.rs"),
        R::SEND_MESSAGE | R::SEND_MESSAGE_V2 | R::SEND_BATCH_MESSAGE | R::CONSUMER_SEND_MSG_BACK => {
            Room::Processor("send.rs")
        }
        R::QUERY_MESSAGE | R::VIEW_MESSAGE_BY_ID => Room::Processor("query.rs"),
        R::PULL_MESSAGE | R::LITE_PULL_MESSAGE => Room::Processor("pull.rs"),
        R::QUERY_CONSUMER_OFFSET
        | R::UPDATE_CONSUMER_OFFSET
        | R::GET_MAX_OFFSET
        | R::GET_MIN_OFFSET
        | R::GET_EARLIEST_MSG_STORETIME
        | R::SEARCH_OFFSET_BY_TIMESTAMP => Room::Processor("offset.rs"),
        R::LOCK_BATCH_MQ | R::UNLOCK_BATCH_MQ | R::QUERY_ASSIGNMENT | R::SET_MESSAGE_REQUEST_MODE => {
            Room::Processor("lock.rs")
        }
        R::UPDATE_AND_CREATE_TOPIC
        | R::UPDATE_AND_CREATE_TOPIC_LIST
        | R::GET_ALL_TOPIC_CONFIG
        | R::DELETE_TOPIC_IN_BROKER
        | R::GET_TOPIC_CONFIG
        | R::GET_SYSTEM_TOPIC_LIST_FROM_BROKER
        | R::GET_TOPIC_STATS_INFO => Room::Processor("admin/topic.rs"),
        R::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP
        | R::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST
        | R::GET_ALL_SUBSCRIPTIONGROUP_CONFIG
        | R::DELETE_SUBSCRIPTIONGROUP
        | R::GET_SUBSCRIPTIONGROUP_CONFIG
        | R::UPDATE_AND_GET_GROUP_FORBIDDEN => Room::Processor("admin/group.rs"),
        R::UPDATE_BROKER_CONFIG | R::GET_BROKER_CONFIG | R::GET_BROKER_RUNTIME_INFO => {
            Room::Processor("admin/broker.rs")
        }
        R::GET_CONSUME_STATS | R::GET_BROKER_CONSUME_STATS | R::VIEW_BROKER_STATS_DATA | R::QUERY_CONSUME_TIME_SPAN => {
            Room::Processor("admin/stats.rs")
        }
        R::GET_CONSUMER_CONNECTION_LIST
        | R::GET_PRODUCER_CONNECTION_LIST
        | R::GET_ALL_PRODUCER_INFO
        | R::QUERY_TOPIC_CONSUME_BY_WHO
        | R::QUERY_TOPICS_BY_CONSUMER
        | R::QUERY_SUBSCRIPTION_BY_CONSUMER
        | R::GET_ALL_MESSAGE_REQUEST_MODE => Room::Processor("admin/connection.rs"),
        R::GET_ALL_CONSUMER_OFFSET
        | R::GET_ALL_DELAY_OFFSET
        | R::CLONE_GROUP_OFFSET
        | R::QUERY_CORRECTION_OFFSET
        | R::INVOKE_BROKER_TO_RESET_OFFSET => Room::Processor("admin/offsets.rs"),
        R::INVOKE_BROKER_TO_GET_CONSUMER_STATUS | R::GET_CONSUMER_RUNNING_INFO | R::CONSUME_MESSAGE_DIRECTLY => {
            Room::Processor("admin/relay.rs")
        }
        R::CLEAN_EXPIRED_CONSUMEQUEUE
        | R::CLEAN_UNUSED_TOPIC
        | R::DELETE_EXPIRED_COMMITLOG
        | R::QUERY_CONSUME_QUEUE
        | R::RESET_MASTER_FLUSH_OFFSET => Room::Processor("admin/store.rs"),
        R::UPDATE_AND_CREATE_ACL_CONFIG
        | R::DELETE_ACL_CONFIG
        | R::GET_BROKER_CLUSTER_ACL_INFO
        | R::UPDATE_GLOBAL_WHITE_ADDRS_CONFIG => Room::Processor("admin/acl.rs"),

        R::END_TRANSACTION
        | R::RESUME_CHECK_HALF_MESSAGE
        | R::SEND_REPLY_MESSAGE
        | R::SEND_REPLY_MESSAGE_V2
        | R::GET_TIMER_CHECK_POINT
        | R::GET_TIMER_METRICS
        | R::RECALL_MESSAGE => Room::NotYet(TRANSACTIONS),
        R::POP_MESSAGE
        | R::ACK_MESSAGE
        | R::PEEK_MESSAGE
        | R::CHANGE_MESSAGE_INVISIBLETIME
        | R::NOTIFICATION
        | R::POLLING_INFO
        | R::POP_ROLLBACK
        | R::BATCH_ACK_MESSAGE
        | R::UPDATE_COLD_DATA_FLOW_CTR_CONFIG
        | R::REMOVE_COLD_DATA_FLOW_CTR_CONFIG
        | R::GET_COLD_DATA_FLOW_CTR_INFO
        | R::SET_COMMITLOG_READ_MODE
        | R::UPDATE_AND_CREATE_STATIC_TOPIC => Room::NotYet(POP),
        R::AUTH_CREATE_USER
        | R::AUTH_UPDATE_USER
        | R::AUTH_DELETE_USER
        | R::AUTH_GET_USER
        | R::AUTH_LIST_USER
        | R::AUTH_CREATE_ACL
        | R::AUTH_UPDATE_ACL
        | R::AUTH_DELETE_ACL
        | R::AUTH_GET_ACL
        | R::AUTH_LIST_ACL => Room::NotYet(SECURITY),
        R::NOTIFY_MIN_BROKER_ID_CHANGE
        | R::EXCHANGE_BROKER_HA_INFO
        | R::GET_BROKER_HA_STATUS
        | R::GET_BROKER_EPOCH_CACHE
        | R::NOTIFY_BROKER_ROLE_CHANGED => Room::NotYet(HA),
        R::CHECK_ROCKSDB_CQ_WRITE_PROGRESS | R::EXPORT_ROCKSDB_CONFIG_TO_JSON => Room::NotYet(ROCKSDB),

        R::QUERY_BROKER_OFFSET
        | R::GET_TOPIC_CONFIG_LIST
        | R::GET_TOPIC_NAME_LIST
        | R::TRIGGER_DELETE_FILES
        | R::GET_CLIENT_CONFIG
        | R::SUSPEND_CONSUMER
        | R::RESUME_CONSUMER
        | R::RESET_CONSUMER_OFFSET_IN_CONSUMER
        | R::RESET_CONSUMER_OFFSET_IN_BROKER
        | R::ADJUST_CONSUMER_THREAD_POOL
        | R::WHO_CONSUME_THE_MESSAGE
        | R::REGISTER_FILTER_SERVER
        | R::REGISTER_MESSAGE_FILTER_CLASS
        | R::ADD_BROKER
        | R::REMOVE_BROKER
        | R::BROKER_CLOSE_CHANNEL_REQUEST
        | R::CHECK_NOT_ACTIVE_BROKER_REQUEST
        | R::GET_BROKER_LIVE_INFO_REQUEST
        | R::GET_SYNC_STATE_DATA_REQUEST
        | R::RAFT_BROKER_HEART_BEAT_EVENT_REQUEST => Room::NoJavaHandler,

        // Codes served by the NameServer, sent to clients, or served by the controller.
        R::PUT_KV_CONFIG
        | R::GET_KV_CONFIG
        | R::DELETE_KV_CONFIG
        | R::REGISTER_BROKER
        | R::UNREGISTER_BROKER
        | R::GET_ROUTEINFO_BY_TOPIC
        | R::GET_BROKER_CLUSTER_INFO
        | R::WIPE_WRITE_PERM_OF_BROKER
        | R::ADD_WRITE_PERM_OF_BROKER
        | R::GET_ALL_TOPIC_LIST_FROM_NAMESERVER
        | R::DELETE_TOPIC_IN_NAMESRV
        | R::REGISTER_TOPIC_IN_NAMESRV
        | R::GET_KVLIST_BY_NAMESPACE
        | R::GET_TOPICS_BY_CLUSTER
        | R::GET_SYSTEM_TOPIC_LIST_FROM_NS
        | R::GET_UNIT_TOPIC_LIST
        | R::GET_HAS_UNIT_SUB_TOPIC_LIST
        | R::GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST
        | R::UPDATE_NAMESRV_CONFIG
        | R::GET_NAMESRV_CONFIG
        | R::QUERY_DATA_VERSION
        | R::GET_BROKER_MEMBER_GROUP
        | R::BROKER_HEARTBEAT
        | R::CHECK_TRANSACTION_STATE
        | R::NOTIFY_CONSUMER_IDS_CHANGED
        | R::RESET_CONSUMER_CLIENT_OFFSET
        | R::GET_CONSUMER_STATUS_FROM_CLIENT
        | R::PUSH_REPLY_MESSAGE_TO_CLIENT
        | R::CONTROLLER_ALTER_SYNC_STATE_SET
        | R::CONTROLLER_ELECT_MASTER
        | R::CONTROLLER_REGISTER_BROKER
        | R::CONTROLLER_GET_REPLICA_INFO
        | R::CONTROLLER_GET_METADATA_INFO
        | R::CONTROLLER_GET_SYNC_STATE_DATA
        | R::UPDATE_CONTROLLER_CONFIG
        | R::GET_CONTROLLER_CONFIG
        | R::CLEAN_BROKER_DATA
        | R::CONTROLLER_GET_NEXT_BROKER_ID
        | R::CONTROLLER_APPLY_BROKER_ID => Room::NotBroker,
    }
}

/// Routes one request to its processor; `None` only for a request that must not be answered (Java writes no
/// response for some ACL codes with ACL off). Processors that wait (for a flush, a long poll, a client) are
/// `async` and awaited here. A [`Refusal`] becomes the response and is logged once with the client's address.
pub(crate) async fn dispatch(
    broker: &Arc<Broker>,
    port: Port,
    conn: &Connection,
    req: &RemotingCommand,
) -> Option<RemotingCommand> {
    tracing::trace!(code = req.code, ?port, conn = conn.id(), "receive request");
    let ctx = RequestCtx { broker, conn, port, req };
    let reply = match Request::from_code(req.code) {
        Some(code) => route(&ctx, code).await,
        None => Err(Refusal::not_supported(req.code)),
    };
    match reply {
        Ok(Some(response)) => Some(response),
        Ok(None) => None,
        Err(refusal) => {
            tracing::info!(
                peer = %conn.peer(),
                request = req.code,
                code = refusal.code,
                remark = refusal.remark.as_deref().unwrap_or(""),
                "request refused"
            );
            Some(refusal.into_response(req))
        }
    }
}

fn done(response: RemotingCommand) -> Result<Option<RemotingCommand>, Refusal> {
    Ok(Some(response))
}

fn answer(reply: Reply) -> Result<Option<RemotingCommand>, Refusal> {
    reply.map(Some)
}

async fn route(ctx: &RequestCtx<'_>, code: Request) -> Result<Option<RemotingCommand>, Refusal> {
    use Request as R;
    let (broker, req) = (ctx.broker, ctx.req);
    match code {
        R::HEART_BEAT => done(client::heart_beat(broker, Arc::new(ctx.conn.clone()), req)),
        R::UNREGISTER_CLIENT => done(client::unregister_client(broker, ctx.conn.id(), req)),
        R::CHECK_CLIENT_CONFIG => done(client::check_client_config(broker, req)),
        R::GET_CONSUMER_LIST_BY_GROUP => done(consumer::get_consumer_list_by_group(broker, req)),
        R::SEND_MESSAGE | R::SEND_MESSAGE_V2 | R::SEND_BATCH_MESSAGE => {
            done(send::send_message(broker, ctx.peer(), req).await)
        }
        R::CONSUMER_SEND_MSG_BACK => done(send::consumer_send_msg_back(broker, req).await),
        R::QUERY_MESSAGE => done(query::query_message(broker, req)),
        R::VIEW_MESSAGE_BY_ID => done(query::view_message_by_id(broker, req)),
        // Java registers no pull processor on the fast port.
        R::PULL_MESSAGE | R::LITE_PULL_MESSAGE if ctx.port == Port::Fast => Err(Refusal::not_supported(req.code)),
        R::PULL_MESSAGE | R::LITE_PULL_MESSAGE => done(pull::pull_message(broker, &ctx.peer().to_string(), req).await),
        R::QUERY_CONSUMER_OFFSET => done(offset::query_consumer_offset(broker, req)),
        R::UPDATE_CONSUMER_OFFSET => done(offset::update_consumer_offset(broker, &ctx.peer().to_string(), req)),
        R::GET_MAX_OFFSET => done(offset::get_max_offset(broker, req)),
        R::GET_MIN_OFFSET => done(offset::get_min_offset(broker, req)),
        R::GET_EARLIEST_MSG_STORETIME => done(offset::get_earliest_msg_storetime(broker, req)),
        R::SEARCH_OFFSET_BY_TIMESTAMP => done(offset::search_offset_by_timestamp(broker, req)),
        R::LOCK_BATCH_MQ => done(lock::lock_batch_mq(broker, req)),
        R::UNLOCK_BATCH_MQ => done(lock::unlock_batch_mq(broker, req)),
        R::QUERY_ASSIGNMENT => done(lock::query_assignment(broker, req)),
        R::SET_MESSAGE_REQUEST_MODE => done(lock::set_message_request_mode(broker, req)),

        // admin/topic.rs
        R::UPDATE_AND_CREATE_TOPIC => answer(admin::topic::update_and_create_topic(ctx).await),
        R::UPDATE_AND_CREATE_TOPIC_LIST => answer(admin::topic::update_and_create_topic_list(ctx).await),
        R::GET_ALL_TOPIC_CONFIG => answer(admin::topic::get_all_topic_config(ctx)),
        R::DELETE_TOPIC_IN_BROKER => answer(admin::topic::delete_topic(ctx).await),
        R::GET_TOPIC_CONFIG => answer(admin::topic::get_topic_config(ctx)),
        R::GET_SYSTEM_TOPIC_LIST_FROM_BROKER => answer(admin::topic::get_system_topic_list(ctx)),
        R::GET_TOPIC_STATS_INFO => answer(admin::topic::get_topic_stats_info(ctx)),
        // admin/group.rs
        R::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP => answer(admin::group::update_and_create_subscription_group(ctx).await),
        R::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST => answer(admin::group::update_and_create_group_list(ctx).await),
        R::GET_ALL_SUBSCRIPTIONGROUP_CONFIG => answer(admin::group::get_all_subscription_group(ctx)),
        R::DELETE_SUBSCRIPTIONGROUP => answer(admin::group::delete_subscription_group(ctx).await),
        R::GET_SUBSCRIPTIONGROUP_CONFIG => answer(admin::group::get_subscription_group_config(ctx)),
        R::UPDATE_AND_GET_GROUP_FORBIDDEN => answer(admin::group::update_and_get_group_forbidden(ctx)),
        // admin/broker.rs
        R::UPDATE_BROKER_CONFIG => answer(admin::broker::update_broker_config(ctx).await),
        R::GET_BROKER_CONFIG => answer(admin::broker::get_broker_config(ctx)),
        R::GET_BROKER_RUNTIME_INFO => answer(admin::broker::get_broker_runtime_info(ctx)),
        // admin/stats.rs
        R::GET_CONSUME_STATS => answer(admin::stats::get_consume_stats(ctx)),
        R::GET_BROKER_CONSUME_STATS => answer(admin::stats::get_broker_consume_stats(ctx)),
        R::VIEW_BROKER_STATS_DATA => answer(admin::stats::view_broker_stats_data(ctx)),
        R::QUERY_CONSUME_TIME_SPAN => answer(admin::stats::query_consume_time_span(ctx)),
        // admin/connection.rs
        R::GET_CONSUMER_CONNECTION_LIST => answer(admin::connection::get_consumer_connection_list(ctx)),
        R::GET_PRODUCER_CONNECTION_LIST => answer(admin::connection::get_producer_connection_list(ctx)),
        R::GET_ALL_PRODUCER_INFO => answer(admin::connection::get_all_producer_info(ctx)),
        R::QUERY_TOPIC_CONSUME_BY_WHO => answer(admin::connection::query_topic_consume_by_who(ctx)),
        R::QUERY_TOPICS_BY_CONSUMER => answer(admin::connection::query_topics_by_consumer(ctx)),
        R::QUERY_SUBSCRIPTION_BY_CONSUMER => answer(admin::connection::query_subscription_by_consumer(ctx)),
        R::GET_ALL_MESSAGE_REQUEST_MODE => answer(admin::connection::get_all_message_request_mode(ctx)),
        // admin/offsets.rs
        R::GET_ALL_CONSUMER_OFFSET => answer(admin::offsets::get_all_consumer_offset(ctx)),
        R::GET_ALL_DELAY_OFFSET => answer(admin::offsets::get_all_delay_offset(ctx)),
        R::CLONE_GROUP_OFFSET => answer(admin::offsets::clone_group_offset(ctx)),
        R::QUERY_CORRECTION_OFFSET => answer(admin::offsets::query_correction_offset(ctx)),
        R::INVOKE_BROKER_TO_RESET_OFFSET => answer(admin::offsets::reset_offset(ctx).await),
        // admin/relay.rs
        R::INVOKE_BROKER_TO_GET_CONSUMER_STATUS => answer(admin::relay::get_consumer_status(ctx).await),
        R::GET_CONSUMER_RUNNING_INFO => answer(admin::relay::get_consumer_running_info(ctx).await),
        R::CONSUME_MESSAGE_DIRECTLY => answer(admin::relay::consume_message_directly(ctx).await),
        // admin/store.rs
        R::CLEAN_EXPIRED_CONSUMEQUEUE => answer(admin::store::clean_expired_consume_queue(ctx).await),
        R::CLEAN_UNUSED_TOPIC => answer(admin::store::clean_unused_topic(ctx).await),
        R::DELETE_EXPIRED_COMMITLOG => answer(admin::store::delete_expired_commit_log(ctx)),
        R::QUERY_CONSUME_QUEUE => answer(admin::store::query_consume_queue(ctx)),
        R::RESET_MASTER_FLUSH_OFFSET => answer(admin::store::reset_master_flush_offset(ctx)),
        // admin/acl.rs
        R::UPDATE_AND_CREATE_ACL_CONFIG
        | R::DELETE_ACL_CONFIG
        | R::GET_BROKER_CLUSTER_ACL_INFO
        | R::UPDATE_GLOBAL_WHITE_ADDRS_CONFIG => answer(admin::acl::acl_disabled(ctx, code)),

        // Not served (see `room` for why): Java's REQUEST_CODE_NOT_SUPPORTED.
        R::END_TRANSACTION
        | R::RESUME_CHECK_HALF_MESSAGE
        | R::SEND_REPLY_MESSAGE
        | R::SEND_REPLY_MESSAGE_V2
        | R::GET_TIMER_CHECK_POINT
        | R::GET_TIMER_METRICS
        | R::RECALL_MESSAGE
        | R::POP_MESSAGE
        | R::ACK_MESSAGE
        | R::PEEK_MESSAGE
        | R::CHANGE_MESSAGE_INVISIBLETIME
        | R::NOTIFICATION
        | R::POLLING_INFO
        | R::POP_ROLLBACK
        | R::BATCH_ACK_MESSAGE
        | R::UPDATE_COLD_DATA_FLOW_CTR_CONFIG
        | R::REMOVE_COLD_DATA_FLOW_CTR_CONFIG
        | R::GET_COLD_DATA_FLOW_CTR_INFO
        | R::SET_COMMITLOG_READ_MODE
        | R::UPDATE_AND_CREATE_STATIC_TOPIC
        | R::AUTH_CREATE_USER
        | R::AUTH_UPDATE_USER
        | R::AUTH_DELETE_USER
        | R::AUTH_GET_USER
        | R::AUTH_LIST_USER
        | R::AUTH_CREATE_ACL
        | R::AUTH_UPDATE_ACL
        | R::AUTH_DELETE_ACL
        | R::AUTH_GET_ACL
        | R::AUTH_LIST_ACL
        | R::NOTIFY_MIN_BROKER_ID_CHANGE
        | R::EXCHANGE_BROKER_HA_INFO
        | R::GET_BROKER_HA_STATUS
        | R::GET_BROKER_EPOCH_CACHE
        | R::NOTIFY_BROKER_ROLE_CHANGED
        | R::CHECK_ROCKSDB_CQ_WRITE_PROGRESS
        | R::EXPORT_ROCKSDB_CONFIG_TO_JSON => Err(Refusal::not_supported(req.code)),
        R::QUERY_BROKER_OFFSET
        | R::GET_TOPIC_CONFIG_LIST
        | R::GET_TOPIC_NAME_LIST
        | R::TRIGGER_DELETE_FILES
        | R::GET_CLIENT_CONFIG
        | R::SUSPEND_CONSUMER
        | R::RESUME_CONSUMER
        | R::RESET_CONSUMER_OFFSET_IN_CONSUMER
        | R::RESET_CONSUMER_OFFSET_IN_BROKER
        | R::ADJUST_CONSUMER_THREAD_POOL
        | R::WHO_CONSUME_THE_MESSAGE
        | R::REGISTER_FILTER_SERVER
        | R::REGISTER_MESSAGE_FILTER_CLASS
        | R::ADD_BROKER
        | R::REMOVE_BROKER
        | R::BROKER_CLOSE_CHANNEL_REQUEST
        | R::CHECK_NOT_ACTIVE_BROKER_REQUEST
        | R::GET_BROKER_LIVE_INFO_REQUEST
        | R::GET_SYNC_STATE_DATA_REQUEST
        | R::RAFT_BROKER_HEART_BEAT_EVENT_REQUEST => Err(Refusal::not_supported(req.code)),
        R::PUT_KV_CONFIG
        | R::GET_KV_CONFIG
        | R::DELETE_KV_CONFIG
        | R::REGISTER_BROKER
        | R::UNREGISTER_BROKER
        | R::GET_ROUTEINFO_BY_TOPIC
        | R::GET_BROKER_CLUSTER_INFO
        | R::WIPE_WRITE_PERM_OF_BROKER
        | R::ADD_WRITE_PERM_OF_BROKER
        | R::GET_ALL_TOPIC_LIST_FROM_NAMESERVER
        | R::DELETE_TOPIC_IN_NAMESRV
        | R::REGISTER_TOPIC_IN_NAMESRV
        | R::GET_KVLIST_BY_NAMESPACE
        | R::GET_TOPICS_BY_CLUSTER
        | R::GET_SYSTEM_TOPIC_LIST_FROM_NS
        | R::GET_UNIT_TOPIC_LIST
        | R::GET_HAS_UNIT_SUB_TOPIC_LIST
        | R::GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST
        | R::UPDATE_NAMESRV_CONFIG
        | R::GET_NAMESRV_CONFIG
        | R::QUERY_DATA_VERSION
        | R::GET_BROKER_MEMBER_GROUP
        | R::BROKER_HEARTBEAT
        | R::CHECK_TRANSACTION_STATE
        | R::NOTIFY_CONSUMER_IDS_CHANGED
        | R::RESET_CONSUMER_CLIENT_OFFSET
        | R::GET_CONSUMER_STATUS_FROM_CLIENT
        | R::PUSH_REPLY_MESSAGE_TO_CLIENT
        | R::CONTROLLER_ALTER_SYNC_STATE_SET
        | R::CONTROLLER_ELECT_MASTER
        | R::CONTROLLER_REGISTER_BROKER
        | R::CONTROLLER_GET_REPLICA_INFO
        | R::CONTROLLER_GET_METADATA_INFO
        | R::CONTROLLER_GET_SYNC_STATE_DATA
        | R::UPDATE_CONTROLLER_CONFIG
        | R::GET_CONTROLLER_CONFIG
        | R::CLEAN_BROKER_DATA
        | R::CONTROLLER_GET_NEXT_BROKER_ID
        | R::CONTROLLER_APPLY_BROKER_ID => Err(Refusal::not_supported(req.code)),
    }
}
