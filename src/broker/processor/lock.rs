//! Rebalance support: LOCK_BATCH_MQ (41), UNLOCK_BATCH_MQ (42) (Java's `AdminBrokerProcessor.lockBatchMQ` /
//! `unlockBatchMQ`, broker-client-protocol.md §2.11) and the 5.3.3 QUERY_ASSIGNMENT (400) /
//! SET_MESSAGE_REQUEST_MODE (401) (`QueryAssignmentProcessor`, §2.15).
//!
//! Thruster is a single broker without replicas (`lockInStrictMode` has nothing to forward to) and without POP
//! consumption: QUERY_ASSIGNMENT always assigns in PULL mode (a stored POP mode is kept but not applied).

use crate::broker::topic::RETRY_GROUP_TOPIC_PREFIX;
use crate::broker::Broker;
use crate::protocol::pull::{
    LockBatchRequestBody, LockBatchResponseBody, MessageQueue, MessageQueueAssignment, QueryAssignmentRequestBody,
    QueryAssignmentResponseBody, SetMessageRequestModeRequestBody,
};
use crate::protocol::route::perm;
use crate::remoting::fastjson::{from_slice, to_vec_plain};
use crate::remoting::{RemotingCommand, ResponseCode};

use super::Refusal;

fn body<T: serde::de::DeserializeOwned>(req: &RemotingCommand, name: &str) -> Result<T, Refusal> {
    match req.body.as_deref().map(from_slice) {
        Some(Ok(body)) => Ok(body),
        Some(Err(e)) => Err(Refusal::system_error(format!("bad {name}: {e}"))),
        None => Err(Refusal::system_error(format!("{name} body is missing"))),
    }
}

/// LOCK_BATCH_MQ: `lockOKMQSet` = the requested queues `clientId` now holds.
pub(crate) fn lock_batch_mq(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let request: LockBatchRequestBody = match body(req, "LockBatchRequestBody") {
        Ok(b) => b,
        Err(r) => return r.into_response(req),
    };
    let group = request.consumer_group.unwrap_or_default();
    let client_id = request.client_id.unwrap_or_default();
    let locked = broker.rebalance_locks().try_lock_batch(&group, &request.mq_set, &client_id);
    let response = LockBatchResponseBody { lock_ok_mq_set: locked };
    req.response(ResponseCode::SUCCESS).with_body(to_vec_plain(&response))
}

/// UNLOCK_BATCH_MQ: releases the queues `clientId` holds (often oneway).
pub(crate) fn unlock_batch_mq(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let request: LockBatchRequestBody = match body(req, "UnlockBatchRequestBody") {
        Ok(b) => b,
        Err(r) => return r.into_response(req),
    };
    let group = request.consumer_group.unwrap_or_default();
    broker.rebalance_locks().unlock_batch(&group, &request.mq_set, request.client_id.as_deref().unwrap_or(""));
    req.response(ResponseCode::SUCCESS)
}

/// QUERY_ASSIGNMENT: this broker's readable queues of the topic, all of them (broadcasting) or this client's
/// share by `strategyName` (`AVG`, `AVG_BY_CIRCLE`) among the group's live clients. No assignment (`null`: the
/// client keeps its current one) when the topic or the group is unknown or the strategy is not supported.
pub(crate) fn query_assignment(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let request: QueryAssignmentRequestBody = match body(req, "QueryAssignmentRequestBody") {
        Ok(b) => b,
        Err(r) => return r.into_response(req),
    };
    let queues = assign(broker, &request);
    let response = QueryAssignmentResponseBody {
        message_queue_assignments: queues.map(|qs| {
            qs.into_iter()
                .map(|mq| MessageQueueAssignment { attachments: None, message_queue: mq, mode: "PULL".to_owned() })
                .collect()
        }),
    };
    req.response(ResponseCode::SUCCESS).with_body(to_vec_plain(&response))
}

fn assign(broker: &Broker, request: &QueryAssignmentRequestBody) -> Option<Vec<MessageQueue>> {
    let topic_config = broker.topics().select_topic_config(&request.topic)?;
    if !perm::is_readable(topic_config.perm) {
        return None;
    }
    let broker_name = broker.config().broker_name.clone();
    let mq_all: Vec<MessageQueue> = (0..topic_config.read_queue_nums)
        .map(|q| MessageQueue::new(request.topic.clone(), broker_name.clone(), q))
        .collect();
    if request.message_model.as_deref() == Some("BROADCASTING") {
        return Some(mq_all);
    }
    let mut cid_all = broker.consumers().client_ids(&request.consumer_group)?;
    cid_all.sort();
    allocate(&request.strategy_name, &request.client_id, &mq_all, &cid_all)
}

/// `AllocateMessageQueueAveragely` (`AVG`) and `AllocateMessageQueueAveragelyByCircle` (`AVG_BY_CIRCLE`) over
/// sorted inputs; `None` for another strategy.
fn allocate(strategy: &str, client_id: &str, mq_all: &[MessageQueue], cid_all: &[String]) -> Option<Vec<MessageQueue>> {
    let Some(index) = cid_all.iter().position(|c| c == client_id) else { return Some(Vec::new()) };
    let (n, c) = (mq_all.len(), cid_all.len());
    match strategy {
        "AVG" => {
            let m = n % c;
            let average = if n <= c {
                1
            } else if m > 0 && index < m {
                n / c + 1
            } else {
                n / c
            };
            let start = if m > 0 && index < m { index * average } else { index * average + m };
            let range = average.min(n.saturating_sub(start));
            Some((0..range).filter_map(|i| mq_all.get((start + i) % n.max(1)).cloned()).collect())
        }
        "AVG_BY_CIRCLE" => Some(mq_all.iter().skip(index).step_by(c).cloned().collect()),
        _ => None,
    }
}

/// SET_MESSAGE_REQUEST_MODE: records the mode for (topic, group); refused for `%RETRY%` topics.
pub(crate) fn set_message_request_mode(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let request: SetMessageRequestModeRequestBody = match body(req, "SetMessageRequestModeRequestBody") {
        Ok(b) => b,
        Err(r) => return r.into_response(req),
    };
    if request.topic.starts_with(RETRY_GROUP_TOPIC_PREFIX) {
        return req.error_response(ResponseCode::NO_PERMISSION, "retry topic is not allowed to set mode");
    }
    if broker.topics().select_topic_config(&request.topic).is_none() {
        return req.error_response(ResponseCode::TOPIC_NOT_EXIST, format!("topic[{}] not exist", request.topic));
    }
    // `findSubscriptionGroupConfig`: an unknown group is created (autoCreateSubscriptionGroup) as in Java.
    if broker.subscription_groups().find_subscription_group_config(&request.consumer_group).is_none() {
        return req.error_response(ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST, "subscription group does not exist");
    }
    broker.message_request_modes.insert((request.topic.clone(), request.consumer_group.clone()), request);
    req.response(ResponseCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mqs(n: i32) -> Vec<MessageQueue> {
        (0..n).map(|q| MessageQueue::new("t", "b", q)).collect()
    }

    fn ids(v: &[i32]) -> Vec<i32> {
        v.to_vec()
    }

    #[test]
    fn averagely_like_java() {
        let cids: Vec<String> = vec!["a".into(), "b".into(), "c".into()];
        let got = |s: &str, c: &str, n: i32| -> Vec<i32> {
            allocate(s, c, &mqs(n), &cids).unwrap().iter().map(|m| m.queue_id).collect()
        };
        assert_eq!(got("AVG", "a", 8), ids(&[0, 1, 2]));
        assert_eq!(got("AVG", "b", 8), ids(&[3, 4, 5]));
        assert_eq!(got("AVG", "c", 8), ids(&[6, 7]));
        assert_eq!(got("AVG", "c", 2), Vec::<i32>::new());
        assert_eq!(got("AVG_BY_CIRCLE", "b", 8), ids(&[1, 4, 7]));
        assert_eq!(got("AVG", "zzz", 8), Vec::<i32>::new());
        assert!(allocate("CONSISTENT_HASH", "a", &mqs(4), &cids).is_none());
    }
}
