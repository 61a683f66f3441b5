//! The broker's request handler: one `match` on the request code, routing to `processor/<family>.rs`.
//!
//! The same handler serves both listeners. On the fast ("VIP") port `listenPort - 2`, PULL_MESSAGE and
//! LITE_PULL_MESSAGE are not registered in Java and fall through to REQUEST_CODE_NOT_SUPPORTED; every other
//! code behaves as on the main port. Codes without a processor yet get REQUEST_CODE_NOT_SUPPORTED with Java's
//! remark, never a dropped connection.

use std::sync::Arc;

use super::processor::{client, consumer, lock, not_supported, offset, pull, query, send};
use super::Broker;
use crate::net::{Connection, RequestHandler};
use crate::remoting::{RemotingCommand, RequestCode};

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
        Some(dispatch(&self.broker, self.port, conn, &request).await)
    }

    fn on_close(&self, conn: &Connection) {
        self.broker.on_channel_close(conn.id());
    }
}

/// Routes one request to its processor. Processors that wait (for a flush, a long poll) are `async` and
/// awaited here; the others are plain functions. Each request runs in its own task, so a waiting request never
/// holds up the next one on the connection.
pub(crate) async fn dispatch(
    broker: &Arc<Broker>,
    port: Port,
    conn: &Connection,
    req: &RemotingCommand,
) -> RemotingCommand {
    tracing::trace!(code = req.code, ?port, conn = conn.id(), "receive request");
    match req.code {
        RequestCode::HEART_BEAT => client::heart_beat(broker, Arc::new(conn.clone()), req),
        RequestCode::UNREGISTER_CLIENT => client::unregister_client(broker, conn.id(), req),
        RequestCode::CHECK_CLIENT_CONFIG => client::check_client_config(broker, req),
        RequestCode::GET_CONSUMER_LIST_BY_GROUP => consumer::get_consumer_list_by_group(broker, req),
        RequestCode::SEND_MESSAGE | RequestCode::SEND_MESSAGE_V2 | RequestCode::SEND_BATCH_MESSAGE => {
            send::send_message(broker, conn.peer(), req).await
        }
        RequestCode::CONSUMER_SEND_MSG_BACK => send::consumer_send_msg_back(broker, req).await,
        RequestCode::QUERY_MESSAGE => query::query_message(broker, req),
        RequestCode::VIEW_MESSAGE_BY_ID => query::view_message_by_id(broker, req),
        // Java registers no pull processor on the fast port.
        RequestCode::PULL_MESSAGE | RequestCode::LITE_PULL_MESSAGE if port == Port::Fast => not_supported(req),
        RequestCode::PULL_MESSAGE | RequestCode::LITE_PULL_MESSAGE => {
            pull::pull_message(broker, &conn.peer().to_string(), req).await
        }
        RequestCode::QUERY_CONSUMER_OFFSET => offset::query_consumer_offset(broker, req),
        RequestCode::UPDATE_CONSUMER_OFFSET => offset::update_consumer_offset(broker, &conn.peer().to_string(), req),
        RequestCode::GET_MAX_OFFSET => offset::get_max_offset(broker, req),
        RequestCode::GET_MIN_OFFSET => offset::get_min_offset(broker, req),
        RequestCode::GET_EARLIEST_MSG_STORETIME => offset::get_earliest_msg_storetime(broker, req),
        RequestCode::SEARCH_OFFSET_BY_TIMESTAMP => offset::search_offset_by_timestamp(broker, req),
        RequestCode::LOCK_BATCH_MQ => lock::lock_batch_mq(broker, req),
        RequestCode::UNLOCK_BATCH_MQ => lock::unlock_batch_mq(broker, req),
        RequestCode::QUERY_ASSIGNMENT => lock::query_assignment(broker, req),
        RequestCode::SET_MESSAGE_REQUEST_MODE => lock::set_message_request_mode(broker, req),
        _ => not_supported(req),
    }
}
