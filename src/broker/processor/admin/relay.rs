//! Requests the broker relays to a client over the client's own connection: GET_CONSUMER_RUNNING_INFO (307),
//! CONSUME_MESSAGE_DIRECTLY (309, with the stored message as the body) and INVOKE_BROKER_TO_GET_CONSUMER_STATUS
//! (223, fanned out as GET_CONSUMER_STATUS_FROM_CLIENT 221).
//!
//! Mirrors `AdminBrokerProcessor.callConsumer` and `Broker2Client` (mqadmin.md §2.4): the client's answer
//! (code, remark, ext fields, body) is the tool's answer; a client that does not answer within 10 s is
//! CONSUME_MSG_TIMEOUT.

use std::time::Duration;

use crate::broker::processor::{Refusal, Reply, RequestCtx};
use crate::protocol::admin::{
    ConsumeMessageDirectlyResultRequestHeader, GetConsumerRunningInfoRequestHeader, GetConsumerStatusRequestHeader,
};
use crate::protocol::admin_body::{mq_map, object, MessageQueue, MqMap};
use crate::remoting::command::{VERSION_3_0_7_SNAPSHOT, VERSION_3_1_8_SNAPSHOT};
use crate::remoting::{fastjson, RemotingCommand, RequestCode, ResponseCode};
use crate::store::message::decode_message_id;

/// `Broker2Client.callClient`'s wait.
const CALL_CLIENT_TIMEOUT: Duration = Duration::from_secs(10);
/// `getConsumeStatus`'s wait per client.
const CONSUMER_STATUS_TIMEOUT: Duration = Duration::from_secs(5);

/// `callConsumer`: sends `code` with the request's ext fields and `body` to the consumer `client_id` of `group`.
async fn call_consumer(
    ctx: &RequestCtx<'_>,
    code: i32,
    group: &str,
    client_id: &str,
    ext: Option<crate::remoting::ExtFields>,
    body: Option<bytes::Bytes>,
) -> Reply {
    let Some(info) = ctx.broker.consumers().find_channel(group, client_id) else {
        return Err(Refusal::system_error(format!("The Consumer <{group}> <{client_id}> not online")));
    };
    if info.version < VERSION_3_1_8_SNAPSHOT {
        return Err(Refusal::system_error(format!(
            "The Consumer <{client_id}> Version <{}> too low to finish, please upgrade it to V3_1_8_SNAPSHOT",
            info.version
        )));
    }
    let mut request = RemotingCommand::request(code);
    request.ext_fields = ext;
    request.body = body;
    match info.channel.request(request, CALL_CLIENT_TIMEOUT).await {
        Some(response) => Ok(response),
        None => Err(Refusal::new(
            ResponseCode::CONSUME_MSG_TIMEOUT,
            format!(
                "consumer <{group}> <{client_id}> Timeout: org.apache.rocketmq.remoting.exception.RemotingTimeoutException"
            ),
        )),
    }
}

/// GET_CONSUMER_RUNNING_INFO: relayed to the named consumer.
pub(crate) async fn get_consumer_running_info(ctx: &RequestCtx<'_>) -> Reply {
    let h: GetConsumerRunningInfoRequestHeader = ctx.header();
    let (group, client) = (h.consumer_group.unwrap_or_default(), h.client_id.unwrap_or_default());
    call_consumer(
        ctx,
        RequestCode::GET_CONSUMER_RUNNING_INFO,
        &group,
        &client,
        ctx.req.ext_fields.clone(),
        ctx.req.body.clone(),
    )
    .await
}

/// CONSUME_MESSAGE_DIRECTLY: the broker adds its name (and [5.3.3] the topic's and group's sys flags), reads
/// the message of the offset id `msgId`, and relays it to the named consumer.
pub(crate) async fn consume_message_directly(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let h: ConsumeMessageDirectlyResultRequestHeader = ctx.header();
    let (group, client) = (h.consumer_group.clone().unwrap_or_default(), h.client_id.clone().unwrap_or_default());
    let mut ext = ctx.req.ext_fields.clone().unwrap_or_default();
    ext.insert("brokerName", broker.config().broker_name.clone());
    if broker.flavor().is_v5() {
        if let Some(config) =
            h.topic.as_deref().filter(|t| !t.is_empty()).and_then(|t| broker.topics().select_topic_config(t))
        {
            ext.insert("topicSysFlag", config.topic_sys_flag.to_string());
        }
        if let Some(config) =
            h.consumer_group.as_deref().filter(|g| !g.is_empty()).and_then(|g| broker.subscription_groups().get(g))
        {
            ext.insert("groupSysFlag", config.group_sys_flag.to_string());
        }
    }
    let body = h
        .msg_id
        .as_deref()
        .and_then(decode_message_id)
        .and_then(|(_, offset)| broker.store().select_one_message_by_offset(offset));
    call_consumer(ctx, RequestCode::CONSUME_MESSAGE_DIRECTLY, &group, &client, Some(ext), body).await
}

/// INVOKE_BROKER_TO_GET_CONSUMER_STATUS: asks every consumer of the group (or the one at `clientAddr`) for its
/// offsets (221) and answers `GetConsumerStatusBody {consumerTable: {clientId: {mq: offset}}}`.
pub(crate) async fn get_consumer_status(ctx: &RequestCtx<'_>) -> Reply {
    let h: GetConsumerStatusRequestHeader = ctx.header();
    let topic = h.topic.unwrap_or_default();
    let group = h.group.unwrap_or_default();
    let origin = h.client_addr.unwrap_or_default();
    let channels = ctx.broker.consumers().consumer_group_info(&group).map(|g| g.channel_info_table).unwrap_or_default();
    if channels.is_empty() {
        return Err(Refusal::system_error(format!("No Any Consumer online in the consumer group: [{group}]")));
    }
    let notice = GetConsumerStatusRequestHeader { topic: Some(topic), group: Some(group), client_addr: None };
    let mut table: Vec<(String, Vec<u8>)> = Vec::new();
    for info in channels.values() {
        if info.version < VERSION_3_0_7_SNAPSHOT {
            return Err(Refusal::system_error(format!(
                "the client does not support this feature. version={}",
                info.version
            )));
        }
        if !origin.trim().is_empty() && origin != info.client_id {
            continue;
        }
        let request = RemotingCommand::request(RequestCode::GET_CONSUMER_STATUS_FROM_CLIENT).with_header(&notice);
        if let Some(response) = info.channel.request(request, CONSUMER_STATUS_TIMEOUT).await {
            if response.code == ResponseCode::SUCCESS {
                if let Some(queues) = response.body.as_deref().and_then(message_queue_table) {
                    table.push((info.client_id.clone(), queues));
                }
            }
        }
        if !origin.trim().is_empty() {
            break;
        }
    }
    let body = object(&[("consumerTable", object(&table)), ("messageQueueTable", b"{}".to_vec())]);
    Ok(ctx.success().with_body(body))
}

/// The `messageQueueTable` of a client's `GetConsumerStatusBody`, re-written as an object-keyed map.
fn message_queue_table(body: &[u8]) -> Option<Vec<u8>> {
    let value = fastjson::parse_lenient(body).ok()?;
    let table = value.get("messageQueueTable")?.as_object()?;
    let mut map = MqMap::default();
    for (key, offset) in table {
        let mq: MessageQueue = serde_json::from_str(key).ok()?;
        map.0.push((mq, offset.as_i64()?));
    }
    Some(mq_map(&map))
}
