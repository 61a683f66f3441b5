//! Client management: HEART_BEAT (34), UNREGISTER_CLIENT (35), CHECK_CLIENT_CONFIG (46).
//!
//! Mirrors Java's `ClientManageProcessor` (5.3.3, broker-client-protocol.md §2.3–§2.5). Responses carry
//! Thruster's version (479 ≥ 232, so clients send SQL92 pulls to this broker) like every response.

use std::sync::Arc;

use crate::broker::client::consumer_manager::ConsumeMode;
use crate::broker::client::{ClientChannel, ClientChannelInfo};
use crate::broker::topic::retry_topic;
use crate::broker::Broker;
use crate::protocol::heartbeat::{
    CheckClientRequestBody, ConsumeType, HeartbeatData, UnregisterClientRequestHeader, EXPRESSION_SQL92, IS_SUB_CHANGE,
    IS_SUPPORT_HEART_BEAT_V2,
};
use crate::protocol::route::{perm, topic_sys_flag};
use crate::remoting::fastjson::from_slice;
use crate::remoting::{ExtFields, RemotingCommand, ResponseCode};

/// HEART_BEAT: registers the client's consumer and producer groups on this channel.
///
/// For each consumer group (skipping `CONSUME_ACTIVELY` ones when `rejectPullConsumerEnable`): find or
/// auto-create the group config (no config → the group is skipped, as 5.3.3 does), create `%RETRY%<group>`
/// (`retryQueueNums` queues, perm 6, order if any subscribed topic is an order topic) and re-register with the
/// NameServers if it is new, then register the consumer, which notifies the group on a change. A v2 heartbeat
/// (`heartbeatFingerprint` ≠ 0) with `withoutSub` keeps the stored subscriptions; `IS_SUB_CHANGE` then tells
/// whether the group's fingerprint changed.
pub(crate) fn heart_beat(broker: &Broker, channel: Arc<dyn ClientChannel>, req: &RemotingCommand) -> RemotingCommand {
    let data: HeartbeatData = match req.body.as_deref().map(from_slice) {
        Some(Ok(data)) => data,
        Some(Err(e)) => return req.error_response(ResponseCode::SYSTEM_ERROR, format!("bad HeartbeatData: {e}")),
        None => return req.error_response(ResponseCode::SYSTEM_ERROR, "HeartbeatData body is missing"),
    };
    let info = ClientChannelInfo::new(channel, data.client_id.clone(), req.language, req.version);
    let v2 = data.heartbeat_fingerprint != 0;
    let reject_pull_consumers = broker.config().reject_pull_consumer_enable;
    let mut sub_change = !v2;
    for consumer in &data.consumer_data_set {
        if reject_pull_consumers && consumer.consume_type == Some(ConsumeType::ConsumeActively) {
            continue;
        }
        let previous = broker.heartbeat_fingerprints.insert(consumer.group_name.clone(), data.heartbeat_fingerprint);
        if v2 && previous.is_some_and(|fp| fp != data.heartbeat_fingerprint) {
            sub_change = true;
        }
        let has_order_topic_sub =
            consumer.subscription_data_set.iter().any(|s| broker.topics().is_order_topic(&s.topic));
        let Some(group_config) = broker.subscription_groups().find_subscription_group_config(&consumer.group_name)
        else {
            continue;
        };
        let sys_flag = if consumer.unit_mode { topic_sys_flag::build(false, true) } else { 0 };
        let created = broker.topics().create_topic_in_send_message_back_method(
            &retry_topic(&consumer.group_name),
            group_config.retry_queue_nums,
            perm::PERM_WRITE | perm::PERM_READ,
            has_order_topic_sub,
            sys_flag,
        );
        if created.created {
            broker.registry().notify_changed();
        }
        let mode = ConsumeMode {
            consume_type: consumer.consume_type,
            message_model: consumer.message_model,
            consume_from_where: consumer.consume_from_where,
        };
        let subscriptions = (!(v2 && data.without_sub)).then_some(consumer.subscription_data_set.as_slice());
        let changed = broker.consumers().register_consumer(
            &consumer.group_name,
            &info,
            mode,
            subscriptions,
            group_config.notify_consumer_ids_changed_enable,
        );
        if changed {
            tracing::info!(group = %consumer.group_name, addr = %info.channel.remote_addr(), "registerConsumer info changed");
        }
    }
    for producer in &data.producer_data_set {
        broker.producers().register_producer(&producer.group_name, &info);
    }
    let mut response = req.response(ResponseCode::SUCCESS);
    let ext: ExtFields =
        [(IS_SUPPORT_HEART_BEAT_V2, "true".to_owned()), (IS_SUB_CHANGE, sub_change.to_string())].into_iter().collect();
    response.ext_fields = Some(ext);
    response
}

/// UNREGISTER_CLIENT: removes this channel from the named producer and/or consumer group; the consumer
/// group's remaining members are notified unless its config disables it.
pub(crate) fn unregister_client(broker: &Broker, channel_id: u64, req: &RemotingCommand) -> RemotingCommand {
    let header: UnregisterClientRequestHeader = req.decode_header();
    let client_id = header.client_id.unwrap_or_default();
    if let Some(group) = &header.producer_group {
        broker.producers().unregister_producer(group, channel_id, &client_id);
    }
    if let Some(group) = &header.consumer_group {
        let notify = broker
            .subscription_groups()
            .find_subscription_group_config(group)
            .map_or(true, |c| c.notify_consumer_ids_changed_enable);
        broker.consumers().unregister_consumer(group, channel_id, notify);
    }
    let mut response = req.response(ResponseCode::SUCCESS);
    response.ext_fields = Some(ExtFields::new());
    response
}

/// CHECK_CLIENT_CONFIG: TAG subscriptions are always fine; other expression types need
/// `enablePropertyFilter` (SYSTEM_ERROR otherwise) and an expression that compiles (SUBSCRIPTION_PARSE_FAILED).
///
/// Until the SQL92 filter lands, a non-blank SQL92 expression counts as compiling; any other type does not.
pub(crate) fn check_client_config(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let body: CheckClientRequestBody = match req.body.as_deref().map(from_slice) {
        Some(Ok(body)) => body,
        Some(Err(e)) => {
            return req.error_response(ResponseCode::SYSTEM_ERROR, format!("bad CheckClientRequestBody: {e}"))
        }
        None => return req.error_response(ResponseCode::SYSTEM_ERROR, "CheckClientRequestBody body is missing"),
    };
    let Some(sub) = body.subscription_data else { return req.response(ResponseCode::SUCCESS) };
    if sub.is_tag_type() {
        return req.response(ResponseCode::SUCCESS);
    }
    let expression_type = sub.expression_type.unwrap_or_default();
    if !broker.config().enable_property_filter {
        return req.error_response(
            ResponseCode::SYSTEM_ERROR,
            format!("The broker does not support consumer to filter message by {expression_type}"),
        );
    }
    if expression_type != EXPRESSION_SQL92 {
        return req.error_response(
            ResponseCode::SUBSCRIPTION_PARSE_FAILED,
            format!("Filter spi type({expression_type}) not exist"),
        );
    }
    if sub.sub_string.as_deref().map_or(true, |s| s.trim().is_empty()) {
        tracing::warn!(client = ?body.client_id, group = ?body.group, "filter message, but failed to compile expression");
        return req.error_response(ResponseCode::SUBSCRIPTION_PARSE_FAILED, "empty SQL92 expression");
    }
    req.response(ResponseCode::SUCCESS)
}
