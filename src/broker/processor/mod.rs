//! Request processors, one file per request family; [`super::dispatch`] routes codes to them.
//!
//! - [`client`]: HEART_BEAT, UNREGISTER_CLIENT, CHECK_CLIENT_CONFIG;
//! - [`consumer`]: GET_CONSUMER_LIST_BY_GROUP (offsets join it with the store);
//! - [`send`]: SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE, CONSUMER_SEND_MSG_BACK (async: they wait for
//!   the store's flush under SYNC_FLUSH);
//! - [`query`]: QUERY_MESSAGE, VIEW_MESSAGE_BY_ID;
//! - [`pull`]: PULL_MESSAGE, LITE_PULL_MESSAGE (async: long polling);
//! - [`offset`]: QUERY_/UPDATE_CONSUMER_OFFSET, GET_MAX/MIN_OFFSET, GET_EARLIEST_MSG_STORETIME,
//!   SEARCH_OFFSET_BY_TIMESTAMP;
//! - [`lock`]: LOCK_BATCH_MQ, UNLOCK_BATCH_MQ, QUERY_ASSIGNMENT, SET_MESSAGE_REQUEST_MODE.
//!
//! A processor takes the broker state and the request and returns the response; business failures are
//! response codes with a remark, never a closed connection.

pub(crate) mod client;
pub(crate) mod consumer;
pub(crate) mod lock;
pub(crate) mod offset;
pub(crate) mod pull;
pub(crate) mod query;
pub(crate) mod send;

use crate::remoting::{RemotingCommand, ResponseCode};

/// REQUEST_CODE_NOT_SUPPORTED with Java's remark (`AdminBrokerProcessor.getUnknownCmdResponse`).
pub(crate) fn not_supported(req: &RemotingCommand) -> RemotingCommand {
    req.error_response(ResponseCode::REQUEST_CODE_NOT_SUPPORTED, format!(" request type {} not supported", req.code))
}

#[cfg(test)]
mod send_tests;
#[cfg(test)]
mod tests;
