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
//! - [`lock`]: LOCK_BATCH_MQ, UNLOCK_BATCH_MQ, QUERY_ASSIGNMENT, SET_MESSAGE_REQUEST_MODE;
//! - [`admin`]: the admin plane (`AdminBrokerProcessor`), one file per family.
//!
//! A processor takes the broker state and the request and returns the response; business failures are
//! response codes with a remark, never a closed connection. Newer processors take a [`RequestCtx`] and return
//! a [`Reply`]: a [`Refusal`] (`?`) carries the response code and Java's remark, and the dispatcher turns it into
//! the response and logs it once.

pub(crate) mod admin;
pub(crate) mod client;
pub(crate) mod consumer;
pub(crate) mod lock;
pub(crate) mod offset;
pub(crate) mod pull;
pub(crate) mod query;
pub(crate) mod send;

use std::net::SocketAddr;
use std::sync::Arc;

use super::dispatch::Port;
use super::Broker;
use crate::net::Connection;
use crate::remoting::{CustomHeader, RemotingCommand, ResponseCode};

/// Java's `RemotingCommandException` text for a `@CFNotNull` header field that is missing.
pub(crate) fn missing_field(req: &RemotingCommand, field: &str) -> RemotingCommand {
    Refusal::missing_field(field).into_response(req)
}

/// A request the broker refuses: the response code and the Java broker's remark for the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The response code (`ResponseCode`).
    pub(crate) code: i32,
    /// Java's remark (clients and scripts match on it).
    pub(crate) remark: Option<String>,
}

impl Refusal {
    /// A refusal with `code` and `remark`.
    pub(crate) fn new(code: i32, remark: impl Into<String>) -> Self {
        Refusal { code, remark: Some(remark.into()) }
    }

    /// A refusal without a remark (Java answers some failures with a null remark).
    pub(crate) fn bare(code: i32) -> Self {
        Refusal { code, remark: None }
    }

    /// SYSTEM_ERROR with `remark`.
    pub(crate) fn system_error(remark: impl Into<String>) -> Self {
        Refusal::new(ResponseCode::SYSTEM_ERROR, remark)
    }

    /// REQUEST_CODE_NOT_SUPPORTED (`getUnknownCmdResponse`).
    pub(crate) fn not_supported(code: i32) -> Self {
        Refusal::new(ResponseCode::REQUEST_CODE_NOT_SUPPORTED, format!(" request type {code} not supported"))
    }

    /// A `@CFNotNull` header field is absent: Java fails decoding the header with `RemotingCommandException`,
    /// which the remoting layer answers as SYSTEM_ERROR with the exception's text.
    pub(crate) fn missing_field(field: &str) -> Self {
        Refusal::system_error(format!(
            "org.apache.rocketmq.remoting.exception.RemotingCommandException: the custom field <{field}> is null"
        ))
    }

    /// The response to `req` carrying this refusal.
    pub(crate) fn into_response(self, req: &RemotingCommand) -> RemotingCommand {
        let mut r = req.response(self.code);
        r.remark = self.remark;
        r
    }
}

/// What a processor returns: the response, or a refusal the dispatcher answers with.
pub(crate) type Reply = Result<RemotingCommand, Refusal>;

/// One request and where it came from, as the processors see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestCtx<'a> {
    pub(crate) broker: &'a Arc<Broker>,
    pub(crate) conn: &'a Connection,
    pub(crate) port: Port,
    pub(crate) req: &'a RemotingCommand,
}

impl RequestCtx<'_> {
    /// The client's socket address (`RemotingHelper.parseChannelRemoteAddr`).
    pub(crate) fn peer(&self) -> SocketAddr {
        self.conn.peer()
    }

    /// The typed header, decoded leniently (absent fields stay `None`).
    pub(crate) fn header<H: CustomHeader>(&self) -> H {
        self.req.decode_header()
    }

    /// A SUCCESS response to the request.
    pub(crate) fn success(&self) -> RemotingCommand {
        self.req.response(ResponseCode::SUCCESS)
    }

    /// The request body, empty if none.
    pub(crate) fn body(&self) -> &[u8] {
        self.req.body.as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod send_tests;
#[cfg(test)]
mod tests;
