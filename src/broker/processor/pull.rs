//! PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361). Mirrors Java's `PullMessageProcessor` and (5.3.3)
//! `DefaultPullMessageResultHandler`, broker-client-protocol.md §2.2 and §5.
//!
//! ```text
//!  validate (§5.2) ─► subscription → TagsFilter ─► MessageStore::get_message ─► status → code (§5.3)
//!      │                                                   │
//!      └─ errors: code + remark                            ├─ FLAG_COMMIT_OFFSET → ConsumerOffsetManager (once)
//!                                                          ├─ PULL_OFFSET_MOVED on a 4.9.8 master → OFFSET_MOVED_EVENT
//!                                                          └─ PULL_NOT_FOUND + FLAG_SUSPEND → hold (long_polling.rs):
//!                                                               woken per (topic, queue), re-read with own filter,
//!                                                               at the deadline re-read and answer whatever it is
//! ```
//!
//! The response body is the stored records exactly as they are in the commit log (§3.4), as one list of
//! [`Bytes`] views of the mapped files ([`RemotingCommand::body_parts`]): the server's writer sends them with
//! vectored writes, so message bodies never pass through a heap buffer on their way to the socket.

use std::sync::Arc;

use bytes::Bytes;
use tokio::time::Instant;

use crate::broker::Broker;
use crate::protocol::heartbeat::{MessageModel, SubscriptionData, EXPRESSION_TAG};
use crate::protocol::pull::{
    pull_sys_flag, MessageQueue, OffsetMovedEvent, PullMessageRequestHeader, PullMessageResponseHeader,
};
use crate::protocol::route::perm;
use crate::remoting::fastjson::to_vec_plain;
use crate::remoting::{RemotingCommand, RequestCode, ResponseCode};
use crate::store::commitlog::now_ms;
use crate::store::config::BrokerRole;
use crate::store::config_files::subscription_group::SubscriptionGroupConfig;
use crate::store::config_files::topics::RMQ_SYS_OFFSET_MOVED_EVENT;
use crate::store::message::{properties_to_string, property, MessageExtBrokerInner};
use crate::store::store::{GetMessageResult, GetMessageStatus, TagsFilter};

use super::Refusal;

/// `MQVersion.Version.V5_0_0.ordinal()`: from here on clients expect INVALID_PARAMETER for a bad queue id.
const V5_0_0: i32 = 413;
/// `FAQUrl.suggestTodo` text.
const FAQ: &str = "\nSee http://rocketmq.apache.org/docs/faq/ for further details.";

/// A validated pull: everything the read and the answer need, kept for the long-poll re-runs.
#[derive(Debug)]
struct Pull {
    group: String,
    topic: String,
    queue_id: i32,
    offset: i64,
    max_msgs: usize,
    sys_flag: i32,
    filter: TagsFilter,
    topic_sys_flag: i32,
    group_config: SubscriptionGroupConfig,
}

/// PULL_MESSAGE / LITE_PULL_MESSAGE on the main port.
pub(crate) async fn pull_message(broker: &Arc<Broker>, client_host: &str, req: &RemotingCommand) -> RemotingCommand {
    let header: PullMessageRequestHeader = req.decode_header();
    let pull = match validate(broker, client_host, req, &header) {
        Ok(pull) => pull,
        Err(refusal) => return refusal.into_response(req),
    };
    let first = read(broker, &pull);
    let response = compose(broker, req, &pull, first.as_ref());
    try_commit_offset(broker, client_host, &header, &pull);
    if response.code != ResponseCode::PULL_NOT_FOUND || pull.sys_flag & pull_sys_flag::SUSPEND == 0 {
        return finish(broker, &pull, first, response);
    }
    drop(first);
    let hold_ms = {
        let config = broker.config();
        if config.long_polling_enable {
            header.suspend_timeout_millis.unwrap_or(0)
        } else {
            config.short_polling_time_mills
        }
    };
    let deadline = Instant::now() + std::time::Duration::from_millis(u64::try_from(hold_ms).unwrap_or(0));
    // Woken by a match, or timed out: either way the request is processed again without suspension.
    let again = match hold(broker, &pull, deadline).await {
        Some(read) => Some(read),
        None => read(broker, &pull),
    };
    let response = compose(broker, req, &pull, again.as_ref());
    finish(broker, &pull, again, response)
}

/// Waits until a message matching the pull's filter is stored at or after its offset (returning that read),
/// or until `deadline` (`None`). With `longPollingEnable=false` nothing wakes it early (Java's short polling
/// is a 1 s periodic re-check).
async fn hold(broker: &Broker, pull: &Pull, deadline: Instant) -> Option<Read> {
    if !broker.config().long_polling_enable {
        tokio::time::sleep_until(deadline).await;
        return None;
    }
    let mut rx = broker.pull_hold().subscribe(&pull.topic, pull.queue_id);
    let mut checked_up_to = pull.offset;
    loop {
        // Re-check after subscribing too: a message may have arrived between the first read and now.
        let max = broker.store().max_offset_in_queue(&pull.topic, pull.queue_id);
        if max > checked_up_to {
            let again = read(broker, pull)?;
            match again.result.status {
                GetMessageStatus::OffsetOverflowOne if !again.reset => {}
                // Nothing matched, but the scan covered everything up to `max`: keep waiting for a match.
                GetMessageStatus::NoMatchedMessage if again.result.next_begin_offset >= max => checked_up_to = max,
                _ => return Some(again),
            }
        }
        tokio::select! {
            changed = rx.changed() => if changed.is_err() { return None },
            _ = tokio::time::sleep_until(deadline) => return None,
        }
    }
}

/// §5.2 in Java's order; the error response, or the pull to run.
fn validate(
    broker: &Broker,
    client_host: &str,
    req: &RemotingCommand,
    header: &PullMessageRequestHeader,
) -> Result<Pull, Refusal> {
    let (broker_permission, broker_ip, lite_pull_enable, enable_property_filter) = {
        let c = broker.config();
        (c.broker_permission, c.broker_ip1.clone(), c.lite_pull_message_enable, c.enable_property_filter)
    };
    if !perm::is_readable(broker_permission) {
        return Err(Refusal::new(
            ResponseCode::NO_PERMISSION,
            format!("the broker[{broker_ip}] pulling message is forbidden"),
        ));
    }
    if req.code == RequestCode::LITE_PULL_MESSAGE && !lite_pull_enable {
        return Err(Refusal::new(
            ResponseCode::NO_PERMISSION,
            format!("the broker[{broker_ip}] for lite pull consumer is forbidden"),
        ));
    }
    let group = header.consumer_group.clone().unwrap_or_default();
    let topic = header.topic.clone().unwrap_or_default();
    let queue_id = header.queue_id.unwrap_or(0);
    let Some(group_config) = broker.subscription_groups().find_subscription_group_config(&group) else {
        return Err(Refusal::new(
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            format!("subscription group [{group}] does not exist, {FAQ}"),
        ));
    };
    if !group_config.consume_enable {
        return Err(Refusal::new(ResponseCode::NO_PERMISSION, format!("subscription group no permission, {group}")));
    }
    let Some(topic_config) = broker.topics().select_topic_config(&topic) else {
        tracing::error!(topic, consumer = client_host, "the topic not exist");
        return Err(Refusal::new(
            ResponseCode::TOPIC_NOT_EXIST,
            format!("topic[{topic}] not exist, apply first please! {FAQ}"),
        ));
    };
    if !perm::is_readable(topic_config.perm) {
        return Err(Refusal::new(
            ResponseCode::NO_PERMISSION,
            format!("the topic[{topic}] pulling message is forbidden"),
        ));
    }
    if queue_id < 0 || queue_id >= topic_config.read_queue_nums {
        let info = format!(
            "queueId[{queue_id}] is illegal, topic:[{topic}] topicConfig.readQueueNums:[{}] consumer:[/{client_host}]",
            topic_config.read_queue_nums
        );
        tracing::warn!("{info}");
        let code = if req.version >= V5_0_0 { ResponseCode::INVALID_PARAMETER } else { ResponseCode::SYSTEM_ERROR };
        return Err(Refusal::new(code, info));
    }
    let sys_flag = header.sys_flag.unwrap_or(0);
    let subscription = if sys_flag & pull_sys_flag::SUBSCRIPTION != 0 {
        let expression_type = header.expression_type.clone().unwrap_or_else(|| EXPRESSION_TAG.to_owned());
        let sub_string = header.subscription.clone().unwrap_or_default();
        if is_tag(&expression_type) && !tag_expression_parses(&sub_string) {
            tracing::warn!(subscription = sub_string, group, "Parse the consumer's subscription failed");
            return Err(Refusal::new(
                ResponseCode::SUBSCRIPTION_PARSE_FAILED,
                "parse the consumer's subscription failed",
            ));
        }
        let mut sub = SubscriptionData::new(topic.clone(), sub_string, header.sub_version.unwrap_or(0));
        sub.expression_type = Some(expression_type);
        sub
    } else {
        let Some((model, sub)) = broker.consumers().pull_subscription(&group, &topic) else {
            tracing::warn!(group, "the consumer's group info not exist");
            return Err(Refusal::new(
                ResponseCode::SUBSCRIPTION_NOT_EXIST,
                format!("the consumer's group info not exist{FAQ}"),
            ));
        };
        if !group_config.consume_broadcast_enable && model == Some(MessageModel::Broadcasting) {
            return Err(Refusal::new(
                ResponseCode::NO_PERMISSION,
                format!("the consumer group[{group}] can not consume by broadcast way"),
            ));
        }
        let Some(sub) = sub else {
            tracing::warn!(group, topic, "the consumer's subscription not exist");
            return Err(Refusal::new(
                ResponseCode::SUBSCRIPTION_NOT_EXIST,
                format!("the consumer's subscription not exist{FAQ}"),
            ));
        };
        if sub.sub_version < header.sub_version.unwrap_or(0) {
            tracing::warn!(group, sub = ?sub.sub_string, "The broker's subscription is not latest");
            return Err(Refusal::new(ResponseCode::SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest"));
        }
        sub
    };
    if !subscription.is_tag_type() {
        // TODO(sql92): Thruster has no SQL92 evaluator yet, so a non-TAG subscription is refused whether or not
        // `enablePropertyFilter` is on (Java refuses it with this answer when the flag is off).
        let kind = subscription.expression_type.clone().unwrap_or_default();
        let remark = if enable_property_filter {
            format!("The broker does not support consumer to filter message by {kind} (not implemented by Thruster)")
        } else {
            format!("The broker does not support consumer to filter message by {kind}")
        };
        return Err(Refusal::new(ResponseCode::SYSTEM_ERROR, remark));
    }
    let filter = TagsFilter::from_expression(subscription.sub_string.as_deref().unwrap_or("*"));
    Ok(Pull {
        group,
        topic,
        queue_id,
        offset: header.queue_offset.unwrap_or(0),
        max_msgs: usize::try_from(header.max_msg_nums.unwrap_or(0)).unwrap_or(0),
        sys_flag,
        filter,
        topic_sys_flag: topic_config.topic_sys_flag,
        group_config,
    })
}

fn is_tag(expression_type: &str) -> bool {
    expression_type.is_empty() || expression_type == EXPRESSION_TAG
}

/// `FilterAPI.buildSubscriptionData`: a tag expression fails only when Java's `split("\\|\\|")` yields no
/// parts at all (the expression is nothing but `||` separators).
fn tag_expression_parses(sub_string: &str) -> bool {
    if sub_string.is_empty() || sub_string == "*" {
        return true;
    }
    sub_string.split("||").any(|part| !part.is_empty())
}

/// One read of the queue, as the answer needs it.
#[derive(Debug)]
struct Read {
    result: GetMessageResult,
    /// [5.3.3] OFFSET_RESET: a pending server-side reset, answered PULL_OFFSET_MOVED to `next_begin_offset`.
    reset: bool,
}

/// Reads the queue (`None` when the store is shut down); [5.3.3] a pending server-side offset reset answers
/// OFFSET_MOVED to it first.
fn read(broker: &Broker, pull: &Pull) -> Option<Read> {
    let store = broker.store();
    if broker.flavor().is_v5() && broker.offsets().has_offset_reset(&pull.topic, &pull.group, pull.queue_id) {
        if let Some(reset) = broker.offsets().query_then_erase_reset_offset(&pull.topic, &pull.group, pull.queue_id) {
            let result = GetMessageResult {
                status: GetMessageStatus::NoMatchedLogicQueue,
                next_begin_offset: reset,
                min_offset: store.min_offset_in_queue(&pull.topic, pull.queue_id),
                max_offset: store.max_offset_in_queue(&pull.topic, pull.queue_id),
                messages: Vec::new(),
                message_queue_offsets: Vec::new(),
                buffer_total_size: 0,
                suggest_pulling_from_slave: false,
            };
            return Some(Read { result, reset: true });
        }
    }
    let started = std::time::Instant::now();
    let result =
        store.get_message(&pull.group, &pull.topic, pull.queue_id, pull.offset, pull.max_msgs, Some(&pull.filter))?;
    let elapsed = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    if result.status == GetMessageStatus::Found {
        let count = i32::try_from(result.messages.len()).unwrap_or(i32::MAX);
        let bytes = i64::try_from(result.buffer_total_size).unwrap_or(i64::MAX);
        broker.stats().on_get(&pull.group, &pull.topic, count, bytes, elapsed);
    } else {
        broker.stats().on_get_miss(elapsed);
    }
    Some(Read { result, reset: false })
}

/// `composeResponseHeader`: the code, remark (the store status name) and header of §5.3 / §5.6.
fn compose(broker: &Broker, req: &RemotingCommand, pull: &Pull, read: Option<&Read>) -> RemotingCommand {
    let Some(Read { result: r, reset }) = read else {
        return req.error_response(ResponseCode::SYSTEM_ERROR, "store getMessage return null");
    };
    let reset = *reset;
    let code = if reset {
        ResponseCode::PULL_OFFSET_MOVED
    } else {
        match r.status {
            GetMessageStatus::Found => ResponseCode::SUCCESS,
            GetMessageStatus::MessageWasRemoving | GetMessageStatus::NoMatchedMessage => {
                ResponseCode::PULL_RETRY_IMMEDIATELY
            }
            GetMessageStatus::NoMatchedLogicQueue | GetMessageStatus::NoMessageInQueue => {
                if pull.offset != 0 {
                    ResponseCode::PULL_OFFSET_MOVED
                } else {
                    ResponseCode::PULL_NOT_FOUND
                }
            }
            GetMessageStatus::OffsetFoundNull | GetMessageStatus::OffsetOverflowOne => ResponseCode::PULL_NOT_FOUND,
            GetMessageStatus::OffsetOverflowBadly | GetMessageStatus::OffsetTooSmall => ResponseCode::PULL_OFFSET_MOVED,
        }
    };
    let (slave_read_enable, broker_id) = {
        let c = broker.config();
        (c.slave_read_enable, c.broker_id)
    };
    let mut suggest = if slave_read_enable {
        if r.suggest_pulling_from_slave && !reset {
            pull.group_config.which_broker_when_consume_slowly
        } else {
            pull.group_config.broker_id
        }
    } else {
        0
    };
    let mut code = code;
    if broker_id != 0 && (reset || !r.suggest_pulling_from_slave) {
        // A slave sends the client back to the master for anything but messages.
        suggest = 0;
        if r.status != GetMessageStatus::Found {
            code = ResponseCode::PULL_RETRY_IMMEDIATELY;
        }
    }
    let store_config = broker.store().config();
    if code == ResponseCode::PULL_OFFSET_MOVED
        && store_config.broker_role == BrokerRole::Slave
        && !store_config.offset_check_in_slave
    {
        // ERRATA §5.3: a slave without offsetCheckInSlave does not correct offsets.
        suggest = pull.group_config.broker_id;
        code = ResponseCode::PULL_RETRY_IMMEDIATELY;
    }
    let v5 = broker.flavor().is_v5();
    let header = PullMessageResponseHeader {
        suggest_which_broker_id: Some(suggest),
        next_begin_offset: Some(r.next_begin_offset),
        min_offset: Some(r.min_offset),
        max_offset: Some(r.max_offset),
        topic_sys_flag: v5.then_some(pull.topic_sys_flag),
        group_sys_flag: v5.then_some(pull.group_config.group_sys_flag),
    };
    let remark = if reset { "OFFSET_RESET" } else { r.status.java_name() };
    req.response(code).with_header(&header).with_remark(remark)
}

/// `tryCommitOffset`: FLAG_COMMIT_OFFSET stores `commitOffset` (first processing only; [4.9.8] masters only).
fn try_commit_offset(broker: &Broker, client_host: &str, header: &PullMessageRequestHeader, pull: &Pull) {
    if pull.sys_flag & pull_sys_flag::COMMIT_OFFSET == 0 {
        return;
    }
    if !broker.flavor().is_v5() && broker.store().config().broker_role == BrokerRole::Slave {
        return;
    }
    let offset = header.commit_offset.unwrap_or(0);
    broker.offsets().commit_offset(client_host, &pull.group, &pull.topic, pull.queue_id, offset);
}

/// Attaches the records to a SUCCESS answer; writes the OFFSET_MOVED_EVENT for a moved offset.
fn finish(broker: &Broker, pull: &Pull, read: Option<Read>, mut response: RemotingCommand) -> RemotingCommand {
    let Some(Read { result, .. }) = read else { return response };
    match response.code {
        ResponseCode::SUCCESS => {
            response.set_body_parts(result.messages);
        }
        ResponseCode::PULL_OFFSET_MOVED => {
            tracing::warn!(
                topic = pull.topic,
                group = pull.group,
                request_offset = pull.offset,
                new_offset = result.next_begin_offset,
                "PULL_OFFSET_MOVED:correction offset"
            );
            // 4.9.8 stores the event; 5.3.3 builds it but only logs it (DefaultPullMessageResultHandler).
            if !broker.flavor().is_v5() {
                generate_offset_moved_event(broker, pull, result.next_begin_offset);
            }
        }
        _ => {}
    }
    response
}

/// `generateOffsetMovedEvent`: one message in `OFFSET_MOVED_EVENT` queue 0, tags = keys = group.
fn generate_offset_moved_event(broker: &Broker, pull: &Pull, offset_new: i64) {
    let broker_name = broker.config().broker_name.clone();
    let event = OffsetMovedEvent {
        consumer_group: &pull.group,
        message_queue: MessageQueue::new(pull.topic.clone(), broker_name, pull.queue_id),
        offset_new,
        offset_request: pull.offset,
    };
    let format = broker.store().config().properties_format();
    let properties =
        properties_to_string([(property::TAGS, pull.group.as_str()), (property::KEYS, pull.group.as_str())], format);
    let host = broker.store_host();
    let msg = MessageExtBrokerInner {
        topic: RMQ_SYS_OFFSET_MOVED_EVENT.to_owned(),
        queue_id: 0,
        body: Bytes::from(to_vec_plain(&event)),
        properties,
        born_timestamp: now_ms(),
        born_host: host,
        store_host: host,
        ..MessageExtBrokerInner::default()
    };
    // Stored like Java's synchronous putMessage, without waiting for a SYNC_FLUSH.
    let result = broker.store().put_message(msg);
    if let Some(r) = result.provisional() {
        if !r.is_ok() {
            tracing::warn!(status = r.status.java_name(), "generateOffsetMovedEvent failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_expressions_as_filter_api() {
        assert!(tag_expression_parses("*"));
        assert!(tag_expression_parses(""));
        assert!(tag_expression_parses("TagA || TagB"));
        assert!(!tag_expression_parses("||"));
        assert!(!tag_expression_parses("||||"));
    }
}
