//! Message lookups: QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33). Mirrors Java's `QueryMessageProcessor`
//! (broker-client-protocol.md §2.13, §2.14): the answers carry stored records exactly as they are in the
//! commit log (§3.4), concatenated.

use bytes::BytesMut;

use crate::broker::Broker;
use crate::protocol::send::{
    QueryMessageRequestHeader, QueryMessageResponseHeader, ViewMessageRequestHeader, UNIQUE_MSG_QUERY_FLAG,
};
use crate::remoting::{RemotingCommand, ResponseCode};

use super::missing_field;

/// QUERY_MESSAGE: the records whose `KEYS` entry or `UNIQ_KEY` hashes to `topic#key` within the time range
/// (the client re-checks the key), concatenated; QUERY_NOT_FOUND when none. With `_UNIQUE_KEY_QUERY=true`
/// `maxNum` becomes `defaultQueryMaxNum`. The index returns at most `maxMsgsNumBatch` (64) records.
pub(crate) fn query_message(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let header: QueryMessageRequestHeader = req.decode_header();
    let fields = (header.topic, header.key, header.max_num, header.begin_timestamp, header.end_timestamp);
    let (Some(topic), Some(key), Some(mut max_num), Some(begin), Some(end)) = fields else {
        let field = match fields {
            (None, ..) => "topic",
            (_, None, ..) => "key",
            (_, _, None, ..) => "maxNum",
            (_, _, _, None, _) => "beginTimestamp",
            _ => "endTimestamp",
        };
        return missing_field(req, field);
    };
    let store = broker.store();
    if req.ext(UNIQUE_MSG_QUERY_FLAG) == Some("true") {
        max_num = i32::try_from(store.config().default_query_max_num).unwrap_or(i32::MAX);
    }
    let result = store.query_message(&topic, &key, usize::try_from(max_num).unwrap_or(0), begin, end);
    let header = QueryMessageResponseHeader {
        index_last_update_timestamp: Some(result.index_last_update_timestamp),
        index_last_update_phyoffset: Some(result.index_last_update_phyoffset),
    };
    if result.buffer_total_size == 0 {
        return req
            .response(ResponseCode::QUERY_NOT_FOUND)
            .with_header(&header)
            .with_remark("can not find message, maybe time range not correct");
    }
    let mut body = BytesMut::with_capacity(result.buffer_total_size);
    for record in &result.messages {
        body.extend_from_slice(record);
    }
    req.response(ResponseCode::SUCCESS).with_header(&header).with_body(body.freeze())
}

/// VIEW_MESSAGE_BY_ID: the one record at a commit-log offset (taken from an offset message id).
pub(crate) fn view_message_by_id(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let header: ViewMessageRequestHeader = req.decode_header();
    let Some(offset) = header.offset else { return missing_field(req, "offset") };
    match broker.store().select_one_message_by_offset(offset) {
        Some(record) => req.response(ResponseCode::SUCCESS).with_body(record),
        None => req.error_response(ResponseCode::SYSTEM_ERROR, format!("can not find message by the offset, {offset}")),
    }
}
