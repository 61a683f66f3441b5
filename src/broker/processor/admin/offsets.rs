//! Offsets of whole groups: GET_ALL_CONSUMER_OFFSET (43), GET_ALL_DELAY_OFFSET (45), CLONE_GROUP_OFFSET (314),
//! QUERY_CORRECTION_OFFSET (308) and INVOKE_BROKER_TO_RESET_OFFSET (222).
//!
//! Mirrors Java's `AdminBrokerProcessor` and `Broker2Client.resetOffset` (mqadmin.md §2.3). A reset is done
//! the 5.3.3 way (`useServerSideResetOffset`, its default) by the 5.3.3 flavor: the committed offsets are
//! rewritten in the broker and no client has to be online. The 4.9.8 flavor computes the table and pushes
//! RESET_CONSUMER_CLIENT_OFFSET (220) to every online consumer of the group, or answers CONSUMER_NOT_ONLINE so
//! that the tool falls back to updating the offsets one queue at a time.

use std::collections::BTreeMap;

use crate::broker::processor::{Refusal, Reply, RequestCtx};
use crate::broker::BrokerRole;
use crate::protocol::admin::{CloneGroupOffsetRequestHeader, QueryCorrectionOffsetHeader, ResetOffsetRequestHeader};
use crate::protocol::admin_body::{query_correction_offset_body, reset_offset_body, MessageQueue, MqMap};
use crate::remoting::command::VERSION_3_0_7_SNAPSHOT;
use crate::remoting::{RemotingCommand, RequestCode, ResponseCode};
use crate::store::config_files::consumer_offset::split_topic_at_group;
use crate::store::consume_queue::BoundaryType;

/// GET_ALL_CONSUMER_OFFSET: the `consumerOffset.json` document, compact.
pub(crate) fn get_all_consumer_offset(ctx: &RequestCtx<'_>) -> Reply {
    let body = ctx.broker.offsets().snapshot().to_node(ctx.broker.flavor()).to_compact();
    Ok(ctx.success().with_body(body))
}

/// GET_ALL_DELAY_OFFSET: the `delayOffset.json` document, compact.
pub(crate) fn get_all_delay_offset(ctx: &RequestCtx<'_>) -> Reply {
    let body = ctx.broker.delay_offsets().snapshot().to_node(ctx.broker.flavor()).to_compact();
    Ok(ctx.success().with_body(body))
}

/// CLONE_GROUP_OFFSET: copies the source group's offsets of the topic to the destination group. As in Java,
/// topics the online source group does not subscribe are skipped, and the copy uses the header's topic (a blank
/// topic copies nothing).
pub(crate) fn clone_group_offset(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let h: CloneGroupOffsetRequestHeader = ctx.header();
    let src = h.src_group.unwrap_or_default();
    let dest = h.dest_group.unwrap_or_default();
    let header_topic = h.topic.unwrap_or_default();
    let topics: Vec<String> = if header_topic.trim().is_empty() {
        broker.offsets().which_topic_by_consumer(&src).into_iter().collect()
    } else {
        vec![header_topic.clone()]
    };
    for topic in topics {
        if broker.topics().select_topic_config(&topic).is_none() {
            tracing::warn!("[cloneGroupOffset], topic config not exist, {topic}");
            continue;
        }
        if !h.offline.unwrap_or(false) && !broker.consumers().consumes_topic(&src, &topic) {
            continue;
        }
        broker.offsets().clone_offset(&src, &dest, &header_topic);
    }
    Ok(ctx.success())
}

/// QUERY_CORRECTION_OFFSET: per queue the minimum committed offset (at or above the queue's min offset) over the
/// topic's groups except the filtered ones, `Long.MAX_VALUE` where the compare group is behind it. Java also
/// deletes the filtered groups' offsets from its live table while computing this (a query that loses data);
/// Thruster only leaves them out (deliberate, compat-tests/FINDINGS.md).
pub(crate) fn query_correction_offset(ctx: &RequestCtx<'_>) -> Reply {
    let h: QueryCorrectionOffsetHeader = ctx.header();
    let topic = h.topic.unwrap_or_default();
    let filter: Vec<String> =
        h.filter_groups.unwrap_or_default().split(',').map(|g| g.trim().to_owned()).filter(|g| !g.is_empty()).collect();
    let mut correction: BTreeMap<i32, i64> = BTreeMap::new();
    for (key, queues) in ctx.broker.offsets().offset_table() {
        let Some((t, group)) = split_topic_at_group(&key) else { continue };
        if t != topic || filter.iter().any(|f| f == group) {
            continue;
        }
        for (queue_id, offset) in queues {
            // Offsets below the queue's first message do not count.
            if offset < ctx.broker.store().min_offset_in_queue(&topic, queue_id) {
                continue;
            }
            let slot = correction.entry(queue_id).or_insert(offset);
            *slot = (*slot).min(offset);
        }
    }
    let compare = h.compare_group.unwrap_or_default();
    if let Some(compare_offsets) = ctx.broker.offsets().query_offsets(&compare, &topic) {
        for (queue_id, offset) in compare_offsets {
            let min = correction.get(&queue_id).copied().unwrap_or(0);
            correction.insert(queue_id, if min > offset { i64::MAX } else { min });
        }
    }
    Ok(ctx.success().with_body(query_correction_offset_body(&correction)))
}

/// INVOKE_BROKER_TO_RESET_OFFSET (see the module docs for the two behaviours).
pub(crate) async fn reset_offset(ctx: &RequestCtx<'_>) -> Reply {
    let h: ResetOffsetRequestHeader = ctx.header();
    let topic = h.topic.clone().unwrap_or_default();
    let group = h.group.clone().unwrap_or_default();
    tracing::info!(topic, group, timestamp = h.timestamp, caller = %ctx.peer(), "[reset-offset] reset offset started");
    if ctx.broker.flavor().is_v5() {
        server_side_reset(ctx, &topic, &group, &h)
    } else {
        reset_through_clients(ctx, &topic, &group, &h).await
    }
}

/// The reset's target: the max offset for "now" ([5.3.3] a negative timestamp, [4.9.8] exactly −1), else the
/// flavor's `getOffsetInQueueByTime`.
fn offset_by_time(ctx: &RequestCtx<'_>, topic: &str, queue_id: i32, timestamp: i64) -> i64 {
    let now = if ctx.broker.flavor().is_v5() { timestamp < 0 } else { timestamp == -1 };
    if now {
        ctx.broker.store().max_offset_in_queue(topic, queue_id)
    } else {
        crate::broker::processor::offset::offset_by_time(ctx.broker, topic, queue_id, timestamp, BoundaryType::Lower)
    }
}

/// [5.3.3] `resetOffsetInner`.
fn server_side_reset(ctx: &RequestCtx<'_>, topic: &str, group: &str, h: &ResetOffsetRequestHeader) -> Reply {
    let broker = ctx.broker;
    if broker.config().broker_role == BrokerRole::Slave {
        return Err(Refusal::system_error("Can not reset offset in slave broker"));
    }
    let Some(config) = broker.topics().select_topic_config(topic) else {
        return Err(Refusal::new(ResponseCode::TOPIC_NOT_EXIST, format!("Topic {topic} does not exist")));
    };
    if !broker.subscription_groups().contains_subscription_group(group) {
        return Err(Refusal::new(ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST, format!("Group {group} does not exist")));
    }
    let timestamp = h.timestamp.unwrap_or(0);
    let queue_id = h.queue_id.unwrap_or(-1);
    let mut targets: Vec<(i32, i64)> = Vec::new();
    if queue_id >= 0 {
        let offset = match h.offset.filter(|o| *o != -1) {
            Some(offset) => {
                let store = broker.store();
                let (min, max) =
                    (store.min_offset_in_queue(topic, queue_id), store.max_offset_in_queue(topic, queue_id));
                if min >= 0 && offset < min || offset > max + 1 {
                    return Err(Refusal::system_error(format!(
                        "Target offset {offset} not in consume queue range [{min}-{max}]"
                    )));
                }
                offset
            }
            None => offset_by_time(ctx, topic, queue_id, timestamp),
        };
        targets.push((queue_id, offset));
    } else {
        for q in 0..config.read_queue_nums.max(0) {
            targets.push((q, offset_by_time(ctx, topic, q, timestamp)));
        }
    }
    if targets.is_empty() {
        return Err(Refusal::system_error("No queues to reset."));
    }
    let broker_name = broker.config().broker_name.clone();
    let mut table = MqMap::default();
    for (q, offset) in targets {
        broker.offsets().assign_reset_offset(topic, group, q, offset);
        table.0.push((MessageQueue::new(topic, &broker_name, q), offset));
    }
    Ok(ctx.success().with_body(reset_offset_body(&table)))
}

/// [4.9.8] `Broker2Client.resetOffset`.
async fn reset_through_clients(ctx: &RequestCtx<'_>, topic: &str, group: &str, h: &ResetOffsetRequestHeader) -> Reply {
    let broker = ctx.broker;
    let Some(config) = broker.topics().select_topic_config(topic) else {
        return Err(Refusal::system_error(format!(
            "[reset-offset] reset offset failed, no topic in this broker. topic={topic}"
        )));
    };
    let timestamp = h.timestamp.unwrap_or(0);
    let force = h.is_force.unwrap_or(false);
    let broker_name = broker.config().broker_name.clone();
    let mut table = MqMap::default();
    for q in 0..config.write_queue_nums.max(0) {
        let consumer_offset = broker.offsets().query_offset(group, topic, q);
        if consumer_offset == -1 {
            return Err(Refusal::system_error(format!("THe consumer group <{group}> not exist")));
        }
        let by_time = offset_by_time(ctx, topic, q, timestamp).max(0);
        let target = if force || by_time < consumer_offset { by_time } else { consumer_offset };
        table.0.push((MessageQueue::new(topic, &broker_name, q), target));
    }
    let body = reset_offset_body(&table);
    let channels = broker.consumers().consumer_group_info(group).map(|g| g.channel_info_table).unwrap_or_default();
    if channels.is_empty() {
        return Err(Refusal::new(
            ResponseCode::CONSUMER_NOT_ONLINE,
            format!(
                "Consumer not online, so can not reset offset, Group: {group} Topic: {topic} Timestamp: {timestamp}"
            ),
        ));
    }
    let notice = ResetOffsetRequestHeader {
        topic: Some(topic.to_owned()),
        group: Some(group.to_owned()),
        timestamp: Some(timestamp),
        is_force: Some(false),
        ..Default::default()
    };
    for info in channels.values() {
        if info.version < VERSION_3_0_7_SNAPSHOT {
            // (Java prints the version's enum name; clients this old do not exist in practice.)
            return Err(Refusal::system_error(format!(
                "the client does not support this feature. version={}",
                info.version
            )));
        }
        let request = RemotingCommand::request(RequestCode::RESET_CONSUMER_CLIENT_OFFSET)
            .with_header(&notice)
            .with_body(body.clone());
        if !info.channel.send_oneway(request) {
            tracing::error!(topic, group, client = info.client_id, "[reset-offset] reset offset exception");
        } else {
            tracing::info!(topic, group, client = info.client_id, "[reset-offset] reset offset success");
        }
    }
    Ok(ctx.success().with_body(body))
}
