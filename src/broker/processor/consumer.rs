//! Consumer management: GET_CONSUMER_LIST_BY_GROUP (38).
//!
//! Mirrors the part of Java's `ConsumerManageProcessor` that needs no store (broker-client-protocol.md §2.6);
//! QUERY_CONSUMER_OFFSET / UPDATE_CONSUMER_OFFSET join it on top of [`crate::broker::offset`].

use crate::broker::Broker;
use crate::protocol::heartbeat::{GetConsumerListByGroupRequestHeader, GetConsumerListByGroupResponseBody};
use crate::remoting::fastjson::to_vec_plain;
use crate::remoting::{ExtFields, RemotingCommand, ResponseCode};

/// GET_CONSUMER_LIST_BY_GROUP: the client ids of the group's live channels, or SYSTEM_ERROR
/// `no consumer for this group, <group>` when there are none (clients then skip that rebalance round).
pub(crate) fn get_consumer_list_by_group(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let header: GetConsumerListByGroupRequestHeader = req.decode_header();
    let group = header.consumer_group.unwrap_or_default();
    match broker.consumers().client_ids(&group) {
        Some(ids) if !ids.is_empty() => {
            let body = GetConsumerListByGroupResponseBody { consumer_id_list: ids };
            let mut response = req.response(ResponseCode::SUCCESS).with_body(to_vec_plain(&body));
            response.ext_fields = Some(ExtFields::new());
            response
        }
        _ => {
            tracing::warn!(group, "getConsumerGroupInfo failed");
            req.error_response(ResponseCode::SYSTEM_ERROR, format!("no consumer for this group, {group}"))
        }
    }
}
