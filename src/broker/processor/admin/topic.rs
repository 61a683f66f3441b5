//! Topic administration: UPDATE_AND_CREATE_TOPIC (17), [5.3.3] UPDATE_AND_CREATE_TOPIC_LIST (18),
//! GET_ALL_TOPIC_CONFIG (21), DELETE_TOPIC_IN_BROKER (215), [5.3.3] GET_TOPIC_CONFIG (351),
//! GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305), GET_TOPIC_STATS_INFO (202).
//!
//! Mirrors the topic part of Java's `AdminBrokerProcessor` (mqadmin.md §2.2, §2.3). The table is the store's
//! `TopicConfigManager` (`config/topics.json`); a created or changed topic is registered with every NameServer
//! before the answer, so the route is there when the tool reads it back.

use indexmap::IndexMap;

use super::{flavor_code, is_slave_refusal, off_task};
use crate::broker::processor::{Refusal, Reply, RequestCtx};
use crate::broker::topic::validate_topic;
use crate::protocol::admin::{CreateTopicRequestHeader, GetTopicConfigRequestHeader, TopicRequestHeader};
use crate::protocol::admin_body::{topic_stats_table, MessageQueue, MqMap, TopicOffset};
use crate::protocol::body::TopicList;
use crate::protocol::topic::TopicConfig as WireTopicConfig;
use crate::remoting::fastjson;
use crate::remoting::ResponseCode;
use crate::store::config_files::topics::{TopicConfig, TopicFilterType};

/// `AttributeParser.parseToMap`: `+key=value,-key` into a map keeping the signs; Java's exception texts.
pub(crate) fn parse_attributes(text: Option<&str>) -> Result<IndexMap<String, String>, String> {
    let mut map = IndexMap::new();
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(map);
    };
    for kv in text.split(',') {
        let (key, value) = match kv.split_once('=') {
            Some((k, v)) => {
                if !k.contains('+') {
                    return Err(format!("add/alter attribute format is wrong: {k}"));
                }
                (k, v.split('=').next().unwrap_or_default())
            }
            None => {
                if !kv.contains('-') {
                    return Err(format!("delete attribute format is wrong: {kv}"));
                }
                (kv, "")
            }
        };
        if map.insert(key.to_owned(), value.to_owned()).is_some() {
            return Err(format!("key duplication: {key}"));
        }
    }
    Ok(map)
}

/// Validates a topic name for an admin change: `TopicValidator.validateTopic` and, unless the broker allows
/// it, `isSystemTopic` (4.9.8: SYSTEM_ERROR; 5.3.3: INVALID_PARAMETER).
fn check_topic_name(ctx: &RequestCtx<'_>, topic: &str) -> Result<(), Refusal> {
    let code = flavor_code(ctx, ResponseCode::INVALID_PARAMETER);
    validate_topic(topic).map_err(|remark| Refusal::new(code, remark))?;
    if ctx.broker.topics().is_system_topic(topic) {
        return Err(Refusal::new(code, format!("The topic[{topic}] is conflict with system topic.")));
    }
    Ok(())
}

/// The MIXED message type is refused unless `enableMixedMessageType` (5.3.3).
fn check_mixed(attributes: &IndexMap<String, String>) -> Result<(), Refusal> {
    if attributes.get("+message.type").map(String::as_str) == Some("MIXED") {
        return Err(Refusal::new(ResponseCode::INVALID_PARAMETER, "MIXED message type is not supported."));
    }
    Ok(())
}

/// UPDATE_AND_CREATE_TOPIC: stores the topic, then registers with the NameServers before answering.
pub(crate) async fn update_and_create_topic(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let v5 = broker.flavor().is_v5();
    if !v5 {
        is_slave_refusal(ctx)?;
    }
    let h: CreateTopicRequestHeader = ctx.header();
    let topic = h.topic.clone().unwrap_or_default();
    tracing::info!(topic, caller = %ctx.peer(), "updateAndCreateTopic");
    check_topic_name(ctx, &topic)?;
    let (Some(read), Some(write), Some(perm)) = (h.read_queue_nums, h.write_queue_nums, h.perm) else {
        return Err(Refusal::system_error("java.lang.NullPointerException"));
    };
    let mut config = TopicConfig::with_queues(topic.as_str(), read, write, perm);
    config.topic_filter_type =
        h.topic_filter_type.as_deref().and_then(TopicFilterType::from_name).unwrap_or(TopicFilterType::SingleTag);
    config.topic_sys_flag = h.topic_sys_flag.unwrap_or(0);
    if v5 {
        config.order = h.order.unwrap_or(false);
        let attributes = parse_attributes(h.attributes.as_deref()).map_err(Refusal::system_error)?;
        check_mixed(&attributes)?;
        config.attributes = Some(attributes);
        if broker.topics().select_topic_config(&topic).as_ref() == Some(&config) {
            return Ok(ctx.success());
        }
    }
    off_task(broker, move |b| b.topics().update_topic_config(config))
        .await?
        .map_err(|e| Refusal::system_error(e.to_string()))?;
    broker.registry().register_broker_all(true).await;
    Ok(ctx.success())
}

/// [5.3.3] UPDATE_AND_CREATE_TOPIC_LIST: every topic of `CreateTopicListRequestBody`, one registration.
pub(crate) async fn update_and_create_topic_list(ctx: &RequestCtx<'_>) -> Reply {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        #[serde(default)]
        topic_config_list: Vec<WireTopicConfig>,
    }
    let body: Body = fastjson::from_slice(ctx.body()).map_err(|e| Refusal::system_error(e.to_string()))?;
    let broker = ctx.broker;
    let mut configs = Vec::with_capacity(body.topic_config_list.len());
    for wire in &body.topic_config_list {
        check_topic_name(ctx, &wire.topic_name)?;
        let config = TopicConfig::from_protocol(wire);
        check_mixed(&config.attributes())?;
        if broker.topics().select_topic_config(&wire.topic_name).as_ref() == Some(&config) {
            return Ok(ctx.success());
        }
        configs.push(config);
    }
    off_task(broker, move |b| b.topics().update_topic_config_list(configs))
        .await?
        .map_err(|e| Refusal::system_error(e.to_string()))?;
    broker.registry().register_broker_all(true).await;
    Ok(ctx.success())
}

/// GET_ALL_TOPIC_CONFIG: `TopicConfigSerializeWrapper` ([5.3.3] `TopicConfigAndMappingSerializeWrapper`).
pub(crate) fn get_all_topic_config(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let mut wrapper = broker.topics().build_topic_config_serialize_wrapper();
    if broker.flavor().is_v5() {
        wrapper.mapping_data_version = Some(broker.registry().mapping_data_version());
        wrapper.topic_queue_mapping_detail_map = Some(Default::default());
        wrapper.topic_queue_mapping_info_map = Some(Default::default());
    }
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&wrapper)))
}

/// DELETE_TOPIC_IN_BROKER: drops the config and the queues ([4.9.8] of every topic without a config), [5.3.3]
/// and the topic's consumer offsets.
pub(crate) async fn delete_topic(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let v5 = broker.flavor().is_v5();
    if !v5 {
        is_slave_refusal(ctx)?;
    }
    let h: TopicRequestHeader = ctx.header();
    let topic = h.topic.unwrap_or_default();
    tracing::info!(topic, caller = %ctx.peer(), "deleteTopic");
    if v5 {
        if topic.trim().is_empty() {
            return Err(Refusal::new(ResponseCode::INVALID_PARAMETER, "The specified topic is blank."));
        }
        if broker.topics().is_system_topic(&topic) {
            return Err(Refusal::new(
                ResponseCode::INVALID_PARAMETER,
                format!("The topic[{topic}] is conflict with system topic."),
            ));
        }
    } else {
        check_topic_name(ctx, &topic)?;
    }
    off_task(broker, move |b| {
        b.topics().delete_topic_config(&topic);
        b.stats().on_topic_deleted(&topic);
        if v5 {
            b.offsets().clean_offset_by_topic(&topic);
            b.store().delete_topic_queues(&topic)
        } else {
            // 4.9.8 `cleanUnusedTopic(topicConfigTable.keySet())`: every queue without a topic config goes.
            let keep: std::collections::HashSet<String> = b.topics().topic_config_table().into_keys().collect();
            b.store().clean_unused_topic(&keep).map(|_| ())
        }
    })
    .await?
    .map_err(|e| Refusal::system_error(e.to_string()))?;
    Ok(ctx.success())
}

/// [5.3.3] GET_TOPIC_CONFIG: `TopicConfigAndQueueMapping` (no static-topic mapping), TOPIC_NOT_EXIST if absent.
pub(crate) fn get_topic_config(ctx: &RequestCtx<'_>) -> Reply {
    let h: GetTopicConfigRequestHeader = ctx.header();
    let topic = h.topic.unwrap_or_default();
    let Some(config) = ctx.broker.topics().select_topic_config(&topic) else {
        return Err(Refusal::new(ResponseCode::TOPIC_NOT_EXIST, format!("No topic in this broker. topic: {topic}")));
    };
    let wire = config.to_protocol(ctx.broker.flavor());
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&wire)))
}

/// GET_SYSTEM_TOPIC_LIST_FROM_BROKER: `TopicValidator.getSystemTopicSet()`.
pub(crate) fn get_system_topic_list(ctx: &RequestCtx<'_>) -> Reply {
    let list = TopicList { broker_addr: None, topic_list: ctx.broker.topics().system_topic_set().clone() };
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&list)))
}

/// GET_TOPIC_STATS_INFO: per queue min/max offset and the store time of the last message; 4.9.8 lists the
/// write queues, 5.3.3 max(read, write) queues and adds `topicPutTps`.
pub(crate) fn get_topic_stats_info(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let h: TopicRequestHeader = ctx.header();
    let topic = h.topic.unwrap_or_default();
    let Some(config) = broker.topics().select_topic_config(&topic) else {
        return Err(Refusal::new(ResponseCode::TOPIC_NOT_EXIST, format!("topic[{topic}] not exist")));
    };
    let v5 = broker.flavor().is_v5();
    let queues = if v5 { config.write_queue_nums.max(config.read_queue_nums) } else { config.write_queue_nums };
    let broker_name = broker.config().broker_name.clone();
    let store = broker.store();
    let mut table = MqMap::default();
    for queue_id in 0..queues.max(0) {
        let min = store.min_offset_in_queue(&topic, queue_id).max(0);
        let max = store.max_offset_in_queue(&topic, queue_id).max(0);
        let last = if max > 0 { store.message_store_timestamp(&topic, queue_id, max - 1) } else { 0 };
        table.0.push((
            MessageQueue::new(&topic, &broker_name, queue_id),
            TopicOffset { last_update_timestamp: last, max_offset: max, min_offset: min },
        ));
    }
    let tps = v5.then(|| broker.stats().topic_put_tps(&topic));
    Ok(ctx.success().with_body(topic_stats_table(&table, tps)))
}

#[cfg(test)]
mod tests {
    use super::parse_attributes;

    #[test]
    fn attributes_parse_like_attribute_parser() {
        let m = parse_attributes(Some("+message.type=FIFO,-queue.type")).unwrap();
        assert_eq!(m.get("+message.type").map(String::as_str), Some("FIFO"));
        assert_eq!(m.get("-queue.type").map(String::as_str), Some(""));
        assert!(parse_attributes(Some("")).unwrap().is_empty());
        assert_eq!(parse_attributes(Some("a=b")).unwrap_err(), "add/alter attribute format is wrong: a");
        assert_eq!(parse_attributes(Some("+a=1,+a=2")).unwrap_err(), "key duplication: +a");
        assert_eq!(parse_attributes(Some("x")).unwrap_err(), "delete attribute format is wrong: x");
    }
}
