//! Consumption statistics: GET_CONSUME_STATS (208), GET_BROKER_CONSUME_STATS (317), VIEW_BROKER_STATS_DATA
//! (315) and QUERY_CONSUME_TIME_SPAN (303).
//!
//! Mirrors Java's `AdminBrokerProcessor` (mqadmin.md §2.3): offsets from the store and the committed offsets,
//! rates from the broker's `BrokerStatsManager` items ([`crate::broker::stats`]).

use crate::broker::processor::{Refusal, Reply, RequestCtx};
use crate::broker::Broker;
use crate::protocol::admin::{
    GetConsumeStatsInBrokerHeader, GetConsumeStatsRequestHeader, QueryConsumeTimeSpanRequestHeader,
    ViewBrokerStatsDataRequestHeader,
};
use crate::protocol::admin_body::{array, consume_stats, object, MessageQueue, MqMap, OffsetWrapper};
use crate::remoting::{fastjson, ResponseCode};
use crate::store::mapped_file::os::local_time;

/// Which queues a consume-stats table covers (208 reads the read queues, 317 the write queues).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Queues {
    Read,
    Write,
}

/// The `ConsumeStats` of `group` on one topic: per queue the max offset, the committed offset (−1 → 0), the
/// store time of the last consumed message, and [5.3.3] the pull offset; plus the group's get TPS.
fn topic_consume_stats(
    broker: &Broker,
    group: &str,
    topic: &str,
    queues: Queues,
    pull: bool,
) -> Option<(MqMap<OffsetWrapper>, f64)> {
    let config = broker.topics().select_topic_config(topic)?;
    let count = match queues {
        Queues::Read => config.read_queue_nums,
        Queues::Write => config.write_queue_nums,
    };
    let broker_name = broker.config().broker_name.clone();
    let store = broker.store();
    let v5 = broker.flavor().is_v5();
    let mut table = MqMap::default();
    for q in 0..count.max(0) {
        let broker_offset = store.max_offset_in_queue(topic, q).max(0);
        let consumer_offset = broker.offsets().query_offset(group, topic, q).max(0);
        let last_timestamp =
            if consumer_offset > 0 { store.message_store_timestamp(topic, q, consumer_offset - 1).max(0) } else { 0 };
        let pull_offset =
            v5.then(|| if pull { consumer_offset.max(broker.offsets().query_pull_offset(group, topic, q)) } else { 0 });
        table.0.push((
            MessageQueue::new(topic, &broker_name, q),
            OffsetWrapper { broker_offset, consumer_offset, last_timestamp, pull_offset },
        ));
    }
    Some((table, broker.stats().consume_tps(group, topic)))
}

/// GET_CONSUME_STATS: the group's stats over the header's topic, [5.3.3] `topicList`, or every topic it has
/// offsets for.
pub(crate) fn get_consume_stats(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let h: GetConsumeStatsRequestHeader = ctx.header();
    let group = h.consumer_group.unwrap_or_default();
    let listed: Vec<String> = if broker.flavor().is_v5() {
        h.topic_list.unwrap_or_default().split(';').filter(|t| !t.is_empty()).map(str::to_owned).collect()
    } else {
        Vec::new()
    };
    let topics: Vec<String> = if !listed.is_empty() {
        listed
    } else {
        let candidates: Vec<String> = match h.topic.filter(|t| !t.trim().is_empty()) {
            Some(topic) => vec![topic],
            None => broker.offsets().which_topic_by_consumer(&group).into_iter().collect(),
        };
        candidates.into_iter().filter(|t| broker.consumers().consumes_topic(&group, t)).collect()
    };
    let mut table = MqMap::default();
    let mut tps = 0.0;
    for topic in topics {
        if let Some((mut t, topic_tps)) = topic_consume_stats(broker, &group, &topic, Queues::Read, true) {
            table.0.append(&mut t.0);
            tps += topic_tps;
        }
    }
    Ok(ctx.success().with_body(consume_stats(&table, tps)))
}

/// GET_BROKER_CONSUME_STATS: every subscription group's stats per topic (only order topics with `isOrder`),
/// with the total lag (`totalDiff`, [5.3.3] `totalInflightDiff`).
pub(crate) fn get_broker_consume_stats(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let h: GetConsumeStatsInBrokerHeader = ctx.header();
    let is_order = h.is_order.unwrap_or(false);
    let v5 = broker.flavor().is_v5();
    let (mut total_diff, mut inflight_diff) = (0i64, 0i64);
    let mut groups = Vec::new();
    for group in broker.subscription_groups().subscription_group_table().into_keys() {
        let mut stats_of_group = Vec::new();
        for topic in broker.offsets().which_topic_by_consumer(&group) {
            let Some(config) = broker.topics().select_topic_config(&topic) else { continue };
            if is_order && !config.order || !broker.consumers().consumes_topic(&group, &topic) {
                continue;
            }
            let Some((table, tps)) = topic_consume_stats(broker, &group, &topic, Queues::Write, false) else {
                continue;
            };
            for (_, w) in &table.0 {
                total_diff += w.broker_offset - w.consumer_offset;
                inflight_diff += w.pull_offset.unwrap_or(0) - w.consumer_offset;
            }
            stats_of_group.push(consume_stats(&table, tps));
        }
        groups.push(object(&[(group.as_str(), array(&stats_of_group))]));
    }
    let list = array(&groups);
    let mut props = vec![
        ("brokerAddr", fastjson::to_vec_plain(&broker.broker_addr())),
        ("consumeStatsList", list),
        ("totalDiff", total_diff.to_string().into_bytes()),
    ];
    if v5 {
        props.push(("totalInflightDiff", inflight_diff.to_string().into_bytes()));
    }
    Ok(ctx.success().with_body(object(&props)))
}

/// VIEW_BROKER_STATS_DATA: one `BrokerStatsManager` item's minute/hour/day figures.
pub(crate) fn view_broker_stats_data(ctx: &RequestCtx<'_>) -> Reply {
    let h: ViewBrokerStatsDataRequestHeader = ctx.header();
    let (name, key) = (h.stats_name.unwrap_or_default(), h.stats_key.unwrap_or_default());
    match ctx.broker.stats().broker_stats_data(&name, &key) {
        Some(data) => Ok(ctx.success().with_body(fastjson::to_vec_plain(&data))),
        None => Err(Refusal::system_error(crate::broker::stats::stats_not_exist_remark(&name, &key))),
    }
}

/// `UtilAll.formatDate(new Date(ms), "yyyy-MM-dd HH:mm:ss,SSS")` in the process's time zone.
fn format_date(ms: i64) -> String {
    let t = local_time(ms);
    format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02},{:03}", t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis)
}

/// QUERY_CONSUME_TIME_SPAN: per write queue the store times of the first, last and last consumed message and
/// the consume delay (`QueueTimeSpan`, with the formatted `…Str` properties fastjson writes from its getters).
pub(crate) fn query_consume_time_span(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let h: QueryConsumeTimeSpanRequestHeader = ctx.header();
    let (topic, group) = (h.topic.unwrap_or_default(), h.group.unwrap_or_default());
    let Some(config) = broker.topics().select_topic_config(&topic) else {
        return Err(Refusal::new(ResponseCode::TOPIC_NOT_EXIST, format!("topic[{topic}] not exist")));
    };
    let store = broker.store();
    let broker_name = broker.config().broker_name.clone();
    let now = crate::store::commitlog::now_ms();
    let mut spans = Vec::new();
    for q in 0..config.write_queue_nums.max(0) {
        let min_time = store.earliest_message_time(&topic, q);
        let max = store.max_offset_in_queue(&topic, q);
        let max_time = store.message_store_timestamp(&topic, q, max - 1);
        let consumer_offset = broker.offsets().query_offset(&group, &topic, q);
        let consume_time =
            if consumer_offset > 0 { store.message_store_timestamp(&topic, q, consumer_offset - 1) } else { min_time };
        let delay =
            if consumer_offset < max { now - store.message_store_timestamp(&topic, q, consumer_offset) } else { 0 };
        let mq = fastjson::to_vec_plain(&MessageQueue::new(&topic, &broker_name, q));
        spans.push(object(&[
            ("consumeTimeStamp", consume_time.to_string().into_bytes()),
            ("consumeTimeStampStr", fastjson::to_vec_plain(&format_date(consume_time))),
            ("delayTime", delay.to_string().into_bytes()),
            ("maxTimeStamp", max_time.to_string().into_bytes()),
            ("maxTimeStampStr", fastjson::to_vec_plain(&format_date(max_time))),
            ("messageQueue", mq),
            ("minTimeStamp", min_time.to_string().into_bytes()),
            ("minTimeStampStr", fastjson::to_vec_plain(&format_date(min_time))),
        ]));
    }
    Ok(ctx.success().with_body(object(&[("consumeTimeSpanSet", array(&spans))])))
}
