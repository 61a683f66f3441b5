//! Store maintenance: CLEAN_EXPIRED_CONSUMEQUEUE (306), CLEAN_UNUSED_TOPIC (316), DELETE_EXPIRED_COMMITLOG
//! (329), QUERY_CONSUME_QUEUE (321) and [5.3.3] RESET_MASTER_FLUSH_OFFSET (908).
//!
//! Mirrors Java's `AdminBrokerProcessor` (mqadmin.md §2.2, §2.3) over the store's own clean-up.

use std::collections::HashSet;

use super::off_task;
use crate::broker::processor::{Refusal, Reply, RequestCtx};
use crate::protocol::admin::{QueryConsumeQueueRequestHeader, ResetMasterFlushOffsetHeader};
use crate::protocol::admin_body::{ConsumeQueueData, QueryConsumeQueueResponseBody};
use crate::remoting::fastjson;

/// CLEAN_EXPIRED_CONSUMEQUEUE: drops consume queues that only index deleted commit-log files.
pub(crate) async fn clean_expired_consume_queue(ctx: &RequestCtx<'_>) -> Reply {
    tracing::info!(caller = %ctx.peer(), "cleanExpiredConsumeQueue: start.");
    off_task(ctx.broker, |b| b.store().clean_expired_consume_queue())
        .await?
        .map_err(|e| Refusal::system_error(e.to_string()))?;
    Ok(ctx.success())
}

/// CLEAN_UNUSED_TOPIC: drops the consume queues of topics that have no config.
pub(crate) async fn clean_unused_topic(ctx: &RequestCtx<'_>) -> Reply {
    tracing::warn!(caller = %ctx.peer(), "invoke cleanUnusedTopic start.");
    let keep: HashSet<String> = ctx.broker.topics().topic_config_table().into_keys().collect();
    off_task(ctx.broker, move |b| b.store().clean_unused_topic(&keep))
        .await?
        .map_err(|e| Refusal::system_error(e.to_string()))?;
    Ok(ctx.success())
}

/// DELETE_EXPIRED_COMMITLOG: arms the manual deletion of expired commit-log files and runs a clean-up pass.
pub(crate) fn delete_expired_commit_log(ctx: &RequestCtx<'_>) -> Reply {
    tracing::warn!(caller = %ctx.peer(), "invoke deleteExpiredCommitLog start.");
    ctx.broker.store().execute_delete_files_manually();
    Ok(ctx.success())
}

/// QUERY_CONSUME_QUEUE: up to `count` entries from `index`, with the group's subscription when given.
/// An index outside the queue answers SUCCESS with a remark and no body, as Java does.
pub(crate) fn query_consume_queue(ctx: &RequestCtx<'_>) -> Reply {
    let h: QueryConsumeQueueRequestHeader = ctx.header();
    let topic = h.topic.unwrap_or_default();
    let queue_id = h.queue_id.unwrap_or(0);
    let Some(cq) = ctx.broker.store().consume_queues().find(&topic, queue_id) else {
        return Err(Refusal::system_error(format!("{queue_id}@{topic} is not exist!")));
    };
    let index = h.index.unwrap_or(0);
    let count = i64::from(h.count.unwrap_or(0));
    let mut body = QueryConsumeQueueResponseBody {
        filter_data: None,
        max_queue_index: cq.max_offset_in_queue(),
        min_queue_index: cq.min_offset_in_queue(),
        queue_data: Vec::new(),
        subscription_data: None,
    };
    if let Some(group) = h.consumer_group {
        body.subscription_data = ctx.broker.consumers().find_subscription_data(&group, &topic);
        if body.subscription_data.is_none() {
            body.filter_data = Some(format!("{group}@{topic} is not online!"));
        }
    }
    if index < cq.min_offset_in_queue() || index >= cq.max_offset_in_queue() {
        return Ok(ctx.success().with_remark(format!("Index {index} of {queue_id}@{topic} is not exist!")));
    }
    let end = cq.max_offset_in_queue().min(index.saturating_add(count.max(0)));
    for i in index..end {
        let Some(entry) = cq.entry(i) else { break };
        body.queue_data.push(ConsumeQueueData {
            eval: false,
            msg: None,
            physic_offset: entry.phy_offset,
            physic_size: entry.size,
            tags_code: entry.tags_code,
        });
    }
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&body)))
}

/// [5.3.3] RESET_MASTER_FLUSH_OFFSET: only a slave keeps a master flush offset, and Thruster's slaves do not
/// replicate yet, so this is the master's no-op SUCCESS (a slave logs the value it was given).
pub(crate) fn reset_master_flush_offset(ctx: &RequestCtx<'_>) -> Reply {
    let h: ResetMasterFlushOffsetHeader = ctx.header();
    if ctx.broker.config().broker_id != 0 {
        tracing::info!(offset = h.master_flush_offset, "resetMasterFlushOffset on a slave (no replication yet)");
    }
    Ok(ctx.success())
}
