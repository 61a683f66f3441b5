//! Who is connected: GET_CONSUMER_CONNECTION_LIST (203), GET_PRODUCER_CONNECTION_LIST (204),
//! GET_ALL_PRODUCER_INFO (328), QUERY_TOPIC_CONSUME_BY_WHO (300), [5.3.3] QUERY_TOPICS_BY_CONSUMER (343),
//! QUERY_SUBSCRIPTION_BY_CONSUMER (345) and GET_ALL_MESSAGE_REQUEST_MODE (402).
//!
//! Mirrors Java's `AdminBrokerProcessor` (mqadmin.md §2.3, §2.4): the answers come from the heartbeats the
//! client managers hold and from the committed offsets.

use std::collections::BTreeMap;

use crate::broker::client::ClientChannelInfo;
use crate::broker::processor::{Refusal, Reply, RequestCtx};
use crate::protocol::admin::{
    ConsumerGroupRequestHeader, GetProducerConnectionListRequestHeader, QueryByConsumerRequestHeader,
    TopicRequestHeader,
};
use crate::protocol::admin_body::{
    Connection, ConsumerConnection, GroupList, ProducerConnection, ProducerInfo, ProducerTableInfo,
    QuerySubscriptionResponseBody,
};
use crate::protocol::body::TopicList;
use crate::remoting::{fastjson, LanguageCode, ResponseCode};

fn language(info: &ClientChannelInfo) -> String {
    info.language.unwrap_or(LanguageCode::Java).name().to_owned()
}

fn connection(info: &ClientChannelInfo) -> Connection {
    Connection {
        client_addr: info.channel.remote_addr().to_string(),
        client_id: info.client_id.clone(),
        language: language(info),
        version: info.version,
    }
}

/// GET_CONSUMER_CONNECTION_LIST: the group's connections and subscriptions; CONSUMER_NOT_ONLINE if none.
pub(crate) fn get_consumer_connection_list(ctx: &RequestCtx<'_>) -> Reply {
    let h: ConsumerGroupRequestHeader = ctx.header();
    let group = h.consumer_group.unwrap_or_default();
    let Some(info) = ctx.broker.consumers().consumer_group_info(&group) else {
        return Err(Refusal::new(ResponseCode::CONSUMER_NOT_ONLINE, format!("the consumer group[{group}] not online")));
    };
    let body = ConsumerConnection {
        connection_set: info.channel_info_table.values().map(connection).collect(),
        consume_from_where: info.consume_from_where,
        consume_type: info.consume_type,
        message_model: info.message_model,
        subscription_table: info.subscription_table,
    };
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&body)))
}

/// GET_PRODUCER_CONNECTION_LIST: the group's connections; SYSTEM_ERROR if the group has none.
pub(crate) fn get_producer_connection_list(ctx: &RequestCtx<'_>) -> Reply {
    let h: GetProducerConnectionListRequestHeader = ctx.header();
    let group = h.producer_group.unwrap_or_default();
    let channels = ctx.broker.producers().group_channels(&group);
    if channels.is_empty() {
        return Err(Refusal::system_error(format!("the producer group[{group}] not exist")));
    }
    let body = ProducerConnection { connection_set: channels.iter().map(connection).collect() };
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&body)))
}

/// GET_ALL_PRODUCER_INFO: every producer group with its clients.
pub(crate) fn get_all_producer_info(ctx: &RequestCtx<'_>) -> Reply {
    let producers = ctx.broker.producers();
    let mut data = BTreeMap::new();
    for group in producers.groups() {
        let infos = producers
            .group_channels(&group)
            .iter()
            .map(|info| ProducerInfo {
                client_id: info.client_id.clone(),
                language: language(info),
                last_update_timestamp: info.last_update_timestamp,
                remote_ip: info.channel.remote_addr().to_string(),
                version: info.version,
            })
            .collect();
        data.insert(group, infos);
    }
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&ProducerTableInfo { data })))
}

/// QUERY_TOPIC_CONSUME_BY_WHO: groups subscribed to the topic (heartbeats; [5.3.3] the topic's own name, as
/// Java 5.3.3 fills its table) ∪ groups with offsets for it.
pub(crate) fn query_topic_consume_by_who(ctx: &RequestCtx<'_>) -> Reply {
    let h: TopicRequestHeader = ctx.header();
    let topic = h.topic.unwrap_or_default();
    let consumers = ctx.broker.consumers();
    let mut groups = if ctx.broker.flavor().is_v5() {
        // Java 5.3.3's `topicGroupTable` holds the topic itself where it means the group (see ConsumerManager).
        consumers.ever_subscribed(&topic).then(|| topic.clone()).into_iter().collect()
    } else {
        consumers.query_topic_consume_by_who(&topic)
    };
    groups.extend(ctx.broker.offsets().which_group_by_topic(&topic));
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&GroupList { group_list: groups })))
}

/// [5.3.3] QUERY_TOPICS_BY_CONSUMER: the topics the group has offsets for, with this broker's address.
pub(crate) fn query_topics_by_consumer(ctx: &RequestCtx<'_>) -> Reply {
    let h: QueryByConsumerRequestHeader = ctx.header();
    let group = h.group.unwrap_or_default();
    let list = TopicList {
        broker_addr: Some(ctx.broker.broker_addr()),
        topic_list: ctx.broker.offsets().which_topic_by_consumer(&group).into_iter().collect(),
    };
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&list)))
}

/// [5.3.3] QUERY_SUBSCRIPTION_BY_CONSUMER: the group's subscription of the topic (absent if none).
pub(crate) fn query_subscription_by_consumer(ctx: &RequestCtx<'_>) -> Reply {
    let h: QueryByConsumerRequestHeader = ctx.header();
    let (group, topic) = (h.group.unwrap_or_default(), h.topic.unwrap_or_default());
    let subscription_data = ctx.broker.consumers().find_subscription_data(&group, &topic);
    let body = QuerySubscriptionResponseBody { group, subscription_data, topic };
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&body)))
}

/// [5.3.3] GET_ALL_MESSAGE_REQUEST_MODE: `MessageRequestModeManager.encode()`:
/// `{"messageRequestModeMap":{topic:{group:SetMessageRequestModeRequestBody}}}`.
pub(crate) fn get_all_message_request_mode(ctx: &RequestCtx<'_>) -> Reply {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Wrapper {
        message_request_mode_map:
            BTreeMap<String, BTreeMap<String, crate::protocol::pull::SetMessageRequestModeRequestBody>>,
    }
    let mut map: BTreeMap<String, BTreeMap<String, _>> = BTreeMap::new();
    for entry in ctx.broker.message_request_modes.iter() {
        let (topic, group) = entry.key();
        map.entry(topic.clone()).or_default().insert(group.clone(), entry.value().clone());
    }
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&Wrapper { message_request_mode_map: map })))
}
