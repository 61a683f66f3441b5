//! Consumer offsets and queue offsets: QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15),
//! SEARCH_OFFSET_BY_TIMESTAMP (29), GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32).
//!
//! Mirrors Java's `ConsumerManageProcessor` (14, 15) and the matching parts of `AdminBrokerProcessor` (29–32),
//! broker-client-protocol.md §2.7–§2.9. Committed offsets live in the store's `ConsumerOffsetManager`
//! (`config/consumerOffset.json`, persisted every `flushConsumerOffsetInterval` and at shutdown).

use crate::broker::Broker;
use crate::protocol::pull::{
    GetEarliestMsgStoretimeResponseHeader, OffsetResponseHeader, QueryConsumerOffsetRequestHeader, QueueRequestHeader,
    SearchOffsetRequestHeader, UpdateConsumerOffsetRequestHeader,
};
use crate::remoting::{ExtFields, RemotingCommand, ResponseCode};
use crate::store::consume_queue::BoundaryType;

fn offset_response(req: &RemotingCommand, offset: i64) -> RemotingCommand {
    req.response(ResponseCode::SUCCESS).with_header(&OffsetResponseHeader { offset: Some(offset) })
}

/// QUERY_CONSUMER_OFFSET: the committed offset; else ([5.3.3] unless `setZeroIfNotFound=false`) 0 when the queue
/// still starts at 0 and its first message is hot; else QUERY_NOT_FOUND.
pub(crate) fn query_consumer_offset(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let h: QueryConsumerOffsetRequestHeader = req.decode_header();
    let (group, topic, queue_id) =
        (h.consumer_group.unwrap_or_default(), h.topic.unwrap_or_default(), h.queue_id.unwrap_or(0));
    let offset = broker.offsets().query_offset(&group, &topic, queue_id);
    if offset >= 0 {
        return offset_response(req, offset);
    }
    let store = broker.store();
    let v5 = broker.flavor().is_v5();
    if v5 && h.set_zero_if_not_found == Some(false) {
        return req.error_response(
            ResponseCode::QUERY_NOT_FOUND,
            "Not found, do not set to zero, maybe this group boot first",
        );
    }
    let min = store.min_offset_in_queue(&topic, queue_id).max(0);
    if min <= 0 && store.check_in_mem_by_consume_offset(&topic, queue_id, 0) {
        return offset_response(req, 0);
    }
    req.error_response(ResponseCode::QUERY_NOT_FOUND, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first")
}

/// UPDATE_CONSUMER_OFFSET: stores `commitOffset`. [5.3.3] Unknown group/topic and missing fields are refused;
/// a pending server-side reset makes the update a no-op that still succeeds. [4.9.8] Always stores.
pub(crate) fn update_consumer_offset(broker: &Broker, client_host: &str, req: &RemotingCommand) -> RemotingCommand {
    let h: UpdateConsumerOffsetRequestHeader = req.decode_header();
    let group = h.consumer_group.unwrap_or_default();
    let topic = h.topic.unwrap_or_default();
    let success = || {
        let mut r = req.response(ResponseCode::SUCCESS);
        r.ext_fields = Some(ExtFields::new());
        r
    };
    if !broker.flavor().is_v5() {
        broker.offsets().commit_offset(
            client_host,
            &group,
            &topic,
            h.queue_id.unwrap_or(0),
            h.commit_offset.unwrap_or(0),
        );
        return success();
    }
    if !broker.subscription_groups().contains_subscription_group(&group) {
        return req.error_response(ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST, format!("Group {group} not exist!"));
    }
    if broker.topics().select_topic_config(&topic).is_none() {
        return req.error_response(ResponseCode::TOPIC_NOT_EXIST, format!("Topic {topic} not exist!"));
    }
    let Some(queue_id) = h.queue_id else {
        return req.error_response(ResponseCode::INVALID_PARAMETER, format!("QueueId is null, topic is {topic}"));
    };
    let Some(offset) = h.commit_offset else {
        return req.error_response(ResponseCode::INVALID_PARAMETER, format!("Offset is null, topic is {topic}"));
    };
    if broker.offsets().has_offset_reset(&topic, &group, queue_id) {
        tracing::info!(
            group,
            topic,
            queue_id,
            offset,
            "Update consumer offset is rejected because of previous offset-reset"
        );
        return success().with_remark("Offset has been previously reset");
    }
    broker.offsets().commit_offset(client_host, &group, &topic, queue_id, offset);
    success()
}

/// GET_MAX_OFFSET: the offset the next message of the queue gets (0 for an unknown queue).
pub(crate) fn get_max_offset(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let h: QueueRequestHeader = req.decode_header();
    let offset = broker.store().max_offset_in_queue(h.topic.as_deref().unwrap_or(""), h.queue_id.unwrap_or(0));
    offset_response(req, offset)
}

/// GET_MIN_OFFSET: the smallest readable offset (0 for an unknown queue: Java creates it on the fly).
pub(crate) fn get_min_offset(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let h: QueueRequestHeader = req.decode_header();
    let offset = broker.store().min_offset_in_queue(h.topic.as_deref().unwrap_or(""), h.queue_id.unwrap_or(0));
    offset_response(req, offset.max(0))
}

/// GET_EARLIEST_MSG_STORETIME: the store time of the message at the min offset, −1 if none.
pub(crate) fn get_earliest_msg_storetime(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let h: QueueRequestHeader = req.decode_header();
    let timestamp = broker.store().earliest_message_time(h.topic.as_deref().unwrap_or(""), h.queue_id.unwrap_or(0));
    req.response(ResponseCode::SUCCESS)
        .with_header(&GetEarliestMsgStoretimeResponseHeader { timestamp: Some(timestamp) })
}

/// SEARCH_OFFSET_BY_TIMESTAMP: [5.3.3] `boundaryType` LOWER (default) / UPPER; [4.9.8] the nearest message.
pub(crate) fn search_offset_by_timestamp(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let h: SearchOffsetRequestHeader = req.decode_header();
    let topic = h.topic.unwrap_or_default();
    let queue_id = h.queue_id.unwrap_or(0);
    let timestamp = h.timestamp.unwrap_or(0);
    let boundary = match h.boundary_type.as_deref() {
        Some(b) if b.eq_ignore_ascii_case("upper") => BoundaryType::Upper,
        _ => BoundaryType::Lower,
    };
    let offset = offset_by_time(broker, &topic, queue_id, timestamp, boundary);
    offset_response(req, offset)
}

/// `getOffsetInQueueByTime` of the broker's flavor: [5.3.3] the first offset at or after `timestamp`
/// (`boundary` UPPER: the last at or before); [4.9.8] the nearest message ([`nearest_offset`]).
pub(crate) fn offset_by_time(
    broker: &Broker,
    topic: &str,
    queue_id: i32,
    timestamp: i64,
    boundary: BoundaryType,
) -> i64 {
    let store = broker.store();
    if broker.flavor().is_v5() {
        store.get_offset_in_queue_by_time_with_boundary(topic, queue_id, timestamp, boundary)
    } else {
        nearest_offset(
            store.max_offset_in_queue(topic, queue_id),
            store.get_offset_in_queue_by_time_with_boundary(topic, queue_id, timestamp, BoundaryType::Lower),
            store.get_offset_in_queue_by_time_with_boundary(topic, queue_id, timestamp, BoundaryType::Upper),
            timestamp,
            |o| store.message_store_timestamp(topic, queue_id, o),
        )
    }
}

/// 4.9.8 `ConsumeQueue.getOffsetInQueueByTime`: an exact match (the first one) if any, else the nearer of the
/// last message before and the first after (ties to the earlier), else whichever exists.
fn nearest_offset(max: i64, lower: i64, upper: i64, timestamp: i64, store_time: impl Fn(i64) -> i64) -> i64 {
    if max <= 0 {
        return 0;
    }
    let after = (lower < max).then(|| (lower, store_time(lower)));
    let before = Some((upper, store_time(upper))).filter(|(_, t)| *t >= 0 && *t <= timestamp);
    match (before, after) {
        (_, Some((o, t))) if t == timestamp => o,
        (Some((b, tb)), Some((a, ta))) => {
            if timestamp - tb > ta - timestamp {
                a
            } else {
                b
            }
        }
        (Some((b, _)), None) => b,
        (None, Some((a, _))) => a,
        (None, None) => lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_like_4_9_8() {
        // store times 100, 200, 300 at offsets 0, 1, 2
        let times = |o: i64| [100, 200, 300].get(o as usize).copied().unwrap_or(-1);
        assert_eq!(nearest_offset(3, 1, 1, 200, times), 1); // exact
        assert_eq!(nearest_offset(3, 1, 0, 140, times), 0); // nearer to 100
        assert_eq!(nearest_offset(3, 1, 0, 160, times), 1); // nearer to 200
        assert_eq!(nearest_offset(3, 1, 0, 150, times), 0); // tie → earlier
        assert_eq!(nearest_offset(3, 0, 0, 50, times), 0); // before all
        assert_eq!(nearest_offset(3, 3, 2, 900, times), 2); // after all: the last message
        assert_eq!(nearest_offset(0, 0, 0, 900, times), 0);
    }
}
