//! The SEND family: SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320) and
//! CONSUMER_SEND_MSG_BACK (36). Mirrors Java's `SendMessageProcessor` / `AbstractSendMessageProcessor`
//! (broker-client-protocol.md §2.1, §2.10, §6, §8).
//!
//! A SEND is: reject when the store is busy → decode the header (V2 keys for 310/320) → `msgCheck` (order-topic
//! permission, topic name, forbidden system topics, topic lookup or auto-creation through `defaultTopic`,
//! queue id) → build the record (`CLUSTER`, `UNIQ_KEY` when missing, retry/DLQ routing, half messages) →
//! [`MessageStore::put_message`](crate::store::store::MessageStore::put_message), whose handle is awaited: it
//! completes at once under ASYNC_FLUSH and once the record is on disk under SYNC_FLUSH. No broker lock is
//! held across the await; the only lock on the path is the commit log's append lock.
//!
//! Codes follow the caller: a client older than 5.0 (`version` < 413) gets the 4.9.8 broker's codes
//! (SYSTEM_ERROR for a bad topic or queue id and for a busy page cache), which it retries; a 5.x client gets
//! 5.3.3's (INVALID_PARAMETER, SYSTEM_BUSY). What is stored follows the broker flavor
//! (`thrusterStoreCompat`): a 5.3.3 broker adds a `UNIQ_KEY` when the producer sent none and stamps its own
//! store host on sent-back messages, a 4.9.8 broker keeps the original one.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;

use crate::broker::topic::{self, retry_group, validate_topic, RETRY_GROUP_TOPIC_PREFIX, RMQ_SYS_TRANS_HALF_TOPIC};
use crate::broker::Broker;
use crate::protocol::route::{perm, topic_sys_flag};
use crate::protocol::send::{
    ConsumerSendMsgBackRequestHeader, SendMessageRequestHeader, SendMessageResponseHeader, MSG_REGION, TRACE_ON,
};
use crate::remoting::{CustomHeader, ExtFields, RemotingCommand, ResponseCode};
use crate::store::commitlog::{now_ms, PutMessageResult, PutMessageStatus};
use crate::store::config_files::topics::{TopicConfig, TopicFilterType};
use crate::store::config_files::Flavor;
use crate::store::mapped_file::os::{disk_used_ratio, local_time};
use crate::store::message::{
    get_property, property, property_pairs, sys_flag, MessageExtBatch, MessageExtBrokerInner, PropertiesFormat,
    NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR,
};

/// `MQVersion.Version.V3_4_9`: from this client version on, a header `maxReconsumeTimes` is honoured.
const V3_4_9: i32 = 121;
/// `MQVersion.Version.V5_0_0`: clients from here on know INVALID_PARAMETER and retry SYSTEM_BUSY.
const V5_0_0: i32 = 413;
/// `AbstractSendMessageProcessor.DLQ_NUMS_PER_GROUP`.
const DLQ_NUMS_PER_GROUP: i32 = 1;
/// `MessageConst.PROPERTY_RETRY_TOPIC`.
const RETRY_TOPIC: &str = "RETRY_TOPIC";
/// `MessageConst.PROPERTY_ORIGIN_MESSAGE_ID`.
const ORIGIN_MESSAGE_ID: &str = "ORIGIN_MESSAGE_ID";
/// `MessageConst.PROPERTY_TRANSACTION_PREPARED`.
const TRAN_MSG: &str = "TRAN_MSG";
/// [5.3.3] `MessageConst.PROPERTY_POP_CK`: stripped from incoming sends.
const POP_CK: &str = "POP_CK";
/// [5.3.3] `TransactionalMessageUtil.TRANSACTION_ID`.
const TRANSACTION_ID: &str = "__transactionId__";

/// The response-code dialect of the requesting client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dialect {
    v5: bool,
}

impl Dialect {
    pub(crate) fn of(req: &RemotingCommand) -> Self {
        Dialect { v5: req.version >= V5_0_0 }
    }

    /// INVALID_PARAMETER for 5.x clients, SYSTEM_ERROR (4.9.8's code) for older ones.
    fn invalid_parameter(self) -> i32 {
        if self.v5 {
            ResponseCode::INVALID_PARAMETER
        } else {
            ResponseCode::SYSTEM_ERROR
        }
    }

    /// `FAQUrl.suggestTodo(…)` of the tag the client speaks.
    fn faq(self) -> &'static str {
        if self.v5 {
            "\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details."
        } else {
            "\nSee http://rocketmq.apache.org/docs/faq/ for further details."
        }
    }
}

use super::Refusal;

/// `[REJECTREQUEST]`: what Java's remoting layer answers when the processor rejects work (page cache busy;
/// [5.3.3] a slave without acting-master).
pub(crate) fn reject_request(broker: &Broker, req: &RemotingCommand) -> Option<RemotingCommand> {
    let slave = broker.store().config().broker_role == crate::store::config::BrokerRole::Slave;
    if broker.store().is_os_page_cache_busy() || slave {
        return Some(
            req.error_response(ResponseCode::SYSTEM_BUSY, "[REJECTREQUEST]system busy, start flow control for a while"),
        );
    }
    None
}

use super::missing_field;

/// SEND_MESSAGE / SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE (the `batch` flag decides, not the code).
pub(crate) async fn send_message(broker: &Broker, born_host: SocketAddr, req: &RemotingCommand) -> RemotingCommand {
    if let Some(busy) = reject_request(broker, req) {
        return busy;
    }
    let header = SendMessageRequestHeader::parse(req);
    if let Some(field) = header.missing_required() {
        return missing_field(req, field);
    }
    let dialect = Dialect::of(req);
    let reply = SendReply { broker, req };
    let start = broker.config().start_accept_send_request_time_stamp;
    if now_ms() < start {
        return reply
            .error(ResponseCode::SYSTEM_ERROR, format!("broker unable to service, until {}", human_time(start)));
    }
    let topic_config = match msg_check(broker, &header, born_host, dialect) {
        Ok(config) => config,
        Err(refusal) => return reply.refuse(refusal),
    };
    let queue_id = match header.queue_id.unwrap_or(0) {
        q if q >= 0 => q,
        _ if topic_config.write_queue_nums <= 0 => {
            return reply.error(ResponseCode::SYSTEM_ERROR, "java.lang.ArithmeticException: / by zero".into())
        }
        _ => random_below(topic_config.write_queue_nums),
    };
    if header.batch {
        send_batch(broker, &reply, header, &topic_config, queue_id, born_host).await
    } else {
        send_single(broker, &reply, header, &topic_config, queue_id, born_host, dialect).await
    }
}

/// `msgCheck`: returns the topic's config (auto-creating the topic if allowed), or the refusal.
fn msg_check(
    broker: &Broker,
    header: &SendMessageRequestHeader,
    born_host: SocketAddr,
    dialect: Dialect,
) -> Result<TopicConfig, Refusal> {
    let topic = header.topic.as_deref().unwrap_or_default();
    let topics = broker.topics();
    if !perm::is_writeable(broker.registry().broker_permission()) && topics.is_order_topic(topic) {
        return Err(Refusal::new(
            ResponseCode::NO_PERMISSION,
            format!("the broker[{}] sending message is forbidden", broker.config().broker_ip1),
        ));
    }
    validate_topic(topic).map_err(|remark| Refusal::new(dialect.invalid_parameter(), remark))?;
    if topic::is_not_allowed_send_topic(topic) {
        return Err(Refusal::new(
            ResponseCode::NO_PERMISSION,
            format!("Sending message to topic[{topic}] is forbidden."),
        ));
    }
    let config = match topics.select_topic_config(topic) {
        Some(config) => config,
        None => create_topic_for_send(broker, header, topic, born_host).ok_or_else(|| {
            Refusal::new(
                ResponseCode::TOPIC_NOT_EXIST,
                format!("topic[{topic}] not exist, apply first please!{}", dialect.faq()),
            )
        })?,
    };
    let queue_id = header.queue_id.unwrap_or(0);
    if queue_id >= config.write_queue_nums.max(config.read_queue_nums) {
        let remark = format!(
            "request queueId[{queue_id}] is illegal, {} Producer: {born_host}",
            topic_config_to_string(&config, dialect)
        );
        tracing::warn!("{remark}");
        return Err(Refusal::new(dialect.invalid_parameter(), remark));
    }
    Ok(config)
}

/// An unknown topic: `createTopicInSendMessageMethod` from `defaultTopic`, else a `%RETRY%` topic with one
/// queue; a new topic is registered with the NameServers at once.
fn create_topic_for_send(
    broker: &Broker,
    header: &SendMessageRequestHeader,
    topic: &str,
    born_host: SocketAddr,
) -> Option<TopicConfig> {
    let retry = topic.starts_with(RETRY_GROUP_TOPIC_PREFIX);
    let sys_flag = match (header.unit_mode, retry) {
        (false, _) => 0,
        (true, true) => topic_sys_flag::build(false, true),
        (true, false) => topic_sys_flag::build(true, false),
    };
    tracing::warn!("the topic {topic} not exist, producer: {born_host}");
    let topics = broker.topics();
    let mut created = topics.create_topic_in_send_message_method(
        topic,
        header.default_topic.as_deref().unwrap_or_default(),
        &born_host.to_string(),
        header.default_topic_queue_nums.unwrap_or(0),
        sys_flag,
    );
    if created.config.is_none() && retry {
        created = topics.create_topic_in_send_message_back_method(
            topic,
            1,
            perm::PERM_WRITE | perm::PERM_READ,
            false,
            sys_flag,
        );
    }
    if created.created {
        broker.registry().notify_changed();
    }
    created.config
}

/// `TopicConfig.toString()` as the tag the client speaks prints it (in queue-id remarks).
fn topic_config_to_string(c: &TopicConfig, dialect: Dialect) -> String {
    let mut perm_str = *b"---";
    if perm::is_readable(c.perm) {
        perm_str[0] = b'R';
    }
    if perm::is_writeable(c.perm) {
        perm_str[1] = b'W';
    }
    if perm::is_inherited(c.perm) {
        perm_str[2] = b'X';
    }
    let mut s = format!(
        "TopicConfig [topicName={}, readQueueNums={}, writeQueueNums={}, perm={}, topicFilterType={}, topicSysFlag={}, order={}",
        c.topic_name,
        c.read_queue_nums,
        c.write_queue_nums,
        String::from_utf8_lossy(&perm_str),
        c.topic_filter_type.name(),
        c.topic_sys_flag,
        c.order
    );
    if dialect.v5 {
        let attrs: Vec<String> = c.attributes().iter().map(|(k, v)| format!("{k}={v}")).collect();
        s.push_str(&format!(", attributes={{{}}}", attrs.join(", ")));
    }
    s.push(']');
    s
}

/// One message: retry/DLQ routing, properties, half messages, put, answer.
async fn send_single(
    broker: &Broker,
    reply: &SendReply<'_>,
    header: SendMessageRequestHeader,
    topic_config: &TopicConfig,
    queue_id: i32,
    born_host: SocketAddr,
    dialect: Dialect,
) -> RemotingCommand {
    let req = reply.req;
    let flavor = broker.flavor();
    let format = broker.store().config().properties_format();
    let raw = header.properties.as_deref().unwrap_or_default();
    let mut topic = header.topic.clone().unwrap_or_default();
    let mut target_queue = queue_id;
    let reconsume_times = header.reconsume_times.unwrap_or(0);
    let mut edits: Vec<(&str, Option<String>)> = Vec::with_capacity(6);
    if flavor.is_v5() {
        edits.push((POP_CK, None));
        // 5.3.3 stores the region and trace switch it answers with (they then travel with retries and delays).
        let config = broker.config();
        edits.push((MSG_REGION, Some(config.region_id.clone())));
        edits.push((TRACE_ON, Some(config.trace_on.to_string())));
    } else if get_property(raw, property::WAIT).is_some_and(|w| w.eq_ignore_ascii_case("true"))
        && !get_property(raw, property::DELAY).and_then(|d| d.parse::<i32>().ok()).is_some_and(|level| level > 0)
        && !get_property(raw, TRAN_MSG).is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        // 4.9.8 does not store WAIT for a plain send (it keeps it in memory for the flush decision); delayed and
        // half messages keep it. The store decides from the property string, where a missing WAIT means true,
        // so only WAIT=false has to stay.
        edits.push((property::WAIT, None));
    }

    // handleRetryAndDLQ
    if let Some(group) = retry_group(&topic) {
        let Some(group_config) = broker.subscription_groups().find_subscription_group_config(group) else {
            return reply.error(
                ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
                format!("subscription group not exist, {group} {}", dialect.faq()),
            );
        };
        let mut max = group_config.retry_max_times;
        if req.version >= V3_4_9 {
            if let Some(m) = header.max_reconsume_times {
                max = m;
            }
        }
        let to_dlq = if dialect.v5 { reconsume_times > max } else { reconsume_times >= max };
        if to_dlq {
            let dlq = topic::dlq_topic(group);
            if !ensure_dlq_topic(broker, &dlq) {
                return reply.error(ResponseCode::SYSTEM_ERROR, format!("topic[{dlq}] not exist"));
            }
            tracing::info!(group, reconsume_times, max, "send a retried message to the DLQ {dlq}");
            edits.push((property::DELAY, Some("-1".into())));
            topic = dlq;
            target_queue = random_below(DLQ_NUMS_PER_GROUP);
        }
    }
    let mut msg_sys_flag = header.sys_flag.unwrap_or(0);
    if topic_config.topic_filter_type == TopicFilterType::MultiTag {
        msg_sys_flag |= sys_flag::MULTI_TAGS;
    }
    let mut uniq = get_property(raw, property::UNIQ_KEY).map(str::to_owned);
    if uniq.is_none() && flavor.is_v5() {
        let id = broker.create_uniq_id();
        edits.push((property::UNIQ_KEY, Some(id.clone())));
        uniq = Some(id);
    }
    edits.push((property::CLUSTER, Some(broker.config().broker_cluster_name.clone())));

    // Half (prepared) transaction messages: parked in RMQ_SYS_TRANS_HALF_TOPIC queue 0.
    let delay_level = get_property(raw, property::DELAY).and_then(|d| d.parse::<i32>().ok()).unwrap_or(0);
    let prepared = get_property(raw, TRAN_MSG).is_some_and(|v| v.eq_ignore_ascii_case("true"))
        && !(reconsume_times > 0 && delay_level > 0);
    if prepared {
        if broker.config().reject_transaction_message {
            return reply.error(
                ResponseCode::NO_PERMISSION,
                format!("the broker[{}] sending transaction message is forbidden", broker.config().broker_ip1),
            );
        }
        edits.push((property::REAL_TOPIC, Some(topic.clone())));
        edits.push((property::REAL_QID, Some(target_queue.to_string())));
        if flavor.is_v5() {
            if let Some(id) = &uniq {
                edits.push((TRANSACTION_ID, Some(id.clone())));
            }
        }
        topic = RMQ_SYS_TRANS_HALF_TOPIC.to_owned();
        target_queue = 0;
        msg_sys_flag = sys_flag::reset_transaction_value(msg_sys_flag, sys_flag::TRANSACTION_NOT_TYPE);
    }

    let msg = MessageExtBrokerInner {
        topic,
        queue_id: target_queue,
        flag: header.flag.unwrap_or(0),
        body: req.body.clone().unwrap_or_default(),
        properties: stored_properties(raw, &edits, flavor, format),
        sys_flag: msg_sys_flag,
        born_timestamp: header.born_timestamp.unwrap_or(0),
        born_host,
        store_host: broker.store_host(),
        reconsume_times,
        prepared_transaction_offset: 0,
    };
    let started = std::time::Instant::now();
    let result = broker.store().put_message(msg).await;
    record_put(broker, &topic_config.topic_name, &result, started);
    reply.put_result(broker, &result, queue_id, uniq, dialect)
}

/// A batch: one record per inner message in one queue, consecutive offsets.
async fn send_batch(
    broker: &Broker,
    reply: &SendReply<'_>,
    header: SendMessageRequestHeader,
    topic_config: &TopicConfig,
    queue_id: i32,
    born_host: SocketAddr,
) -> RemotingCommand {
    let topic = header.topic.clone().unwrap_or_default();
    if topic.chars().count() > topic::TOPIC_MAX_LENGTH {
        return reply.error(ResponseCode::MESSAGE_ILLEGAL, format!("message topic length too long {}", topic.len()));
    }
    if topic.starts_with(RETRY_GROUP_TOPIC_PREFIX) {
        return reply
            .error(ResponseCode::MESSAGE_ILLEGAL, format!("batch request does not support retry group {topic}"));
    }
    let mut msg_sys_flag = header.sys_flag.unwrap_or(0);
    if topic_config.topic_filter_type == TopicFilterType::MultiTag {
        msg_sys_flag |= sys_flag::MULTI_TAGS;
    }
    let format = broker.store().config().properties_format();
    // The store appends these to every inner message's own properties. Java also appends the batch's own
    // UNIQ_KEY, which then hides each message's (apache/rocketmq#9416): leave it out.
    let mut edits = vec![
        (property::UNIQ_KEY, None),
        (POP_CK, None),
        (property::CLUSTER, Some(broker.config().broker_cluster_name.clone())),
    ];
    if broker.flavor().is_v5() {
        let config = broker.config();
        edits.push((MSG_REGION, Some(config.region_id.clone())));
        edits.push((TRACE_ON, Some(config.trace_on.to_string())));
    }
    let batch = MessageExtBatch {
        topic,
        queue_id,
        body: reply.req.body.clone().unwrap_or_default(),
        properties: edit_properties(header.properties.as_deref().unwrap_or_default(), &edits, format),
        sys_flag: msg_sys_flag,
        born_timestamp: header.born_timestamp.unwrap_or(0),
        born_host,
        store_host: broker.store_host(),
        reconsume_times: header.reconsume_times.unwrap_or(0),
    };
    let started = std::time::Instant::now();
    let result = broker.store().put_messages(&batch).await;
    record_put(broker, &topic_config.topic_name, &result, started);
    reply.put_result(broker, &result, queue_id, None, Dialect::of(reply.req))
}

/// Counts a client SEND in the broker's statistics (`TOPIC_PUT_NUMS`/`SIZE`, the store's put figures).
fn record_put(broker: &Broker, topic: &str, result: &PutMessageResult, started: std::time::Instant) {
    let elapsed = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    match (&result.append, result.status.is_stored()) {
        (Some(append), true) => {
            broker.stats().on_put(topic, append.msg_num.max(1), i64::from(append.wrote_bytes), elapsed);
        }
        _ => broker.stats().on_put_failed(elapsed),
    }
}

/// Builds SEND responses: every one carries `MSG_REGION` and `TRACE_ON`, as Java's `preSend` adds them.
struct SendReply<'a> {
    broker: &'a Broker,
    req: &'a RemotingCommand,
}

impl SendReply<'_> {
    fn respond(
        &self,
        code: i32,
        remark: Option<String>,
        header: Option<&SendMessageResponseHeader>,
    ) -> RemotingCommand {
        let mut response = self.req.response(code);
        response.remark = remark;
        let mut ext = ExtFields::new();
        if let Some(h) = header {
            h.encode(&mut ext);
        }
        let config = self.broker.config();
        ext.insert(MSG_REGION, config.region_id.clone());
        ext.insert(TRACE_ON, config.trace_on.to_string());
        response.ext_fields = Some(ext);
        response
    }

    fn error(&self, code: i32, remark: String) -> RemotingCommand {
        self.respond(code, Some(remark), None)
    }

    fn refuse(&self, refusal: Refusal) -> RemotingCommand {
        self.respond(refusal.code, refusal.remark, None)
    }

    /// `handlePutMessageResult`.
    fn put_result(
        &self,
        broker: &Broker,
        result: &PutMessageResult,
        queue_id: i32,
        uniq: Option<String>,
        dialect: Dialect,
    ) -> RemotingCommand {
        match (result.status.is_stored(), &result.append) {
            (true, Some(append)) => {
                let header = SendMessageResponseHeader {
                    msg_id: Some(append.msg_id()),
                    queue_id: Some(queue_id),
                    queue_offset: Some(append.logics_offset),
                    transaction_id: uniq,
                    ..Default::default()
                };
                self.respond(stored_code(result.status), None, Some(&header))
            }
            _ => self.refuse(put_failure(broker, result.status, dialect)),
        }
    }
}

/// The SEND response code of a put that stored the message (the one place store statuses become response
/// codes, with [`put_failure`]; `handlePutMessageResult`).
fn stored_code(status: PutMessageStatus) -> i32 {
    match status {
        PutMessageStatus::FlushDiskTimeout => ResponseCode::FLUSH_DISK_TIMEOUT,
        PutMessageStatus::FlushSlaveTimeout => ResponseCode::FLUSH_SLAVE_TIMEOUT,
        PutMessageStatus::SlaveNotAvailable => ResponseCode::SLAVE_NOT_AVAILABLE,
        _ => ResponseCode::SUCCESS,
    }
}

/// The code and remark of a put that stored nothing.
fn put_failure(broker: &Broker, status: PutMessageStatus, dialect: Dialect) -> Refusal {
    use PutMessageStatus::*;
    let store_config = broker.store().config();
    match status {
        InSyncReplicasNotEnough => Refusal::new(
            ResponseCode::SYSTEM_ERROR, "in-sync replicas not enough"),
        CreateMappedFileFailed => {
            Refusal::new(ResponseCode::SYSTEM_ERROR, "create mapped file failed, server is busy or broken.")
        }
        MessageIllegal | PropertiesSizeExceeded => Refusal::new(
            ResponseCode::MESSAGE_ILLEGAL,
            format!(
                "the message is illegal, maybe msg body or properties length not matched. msg body length limit {}B, msg properties length limit 32KB.",
                store_config.max_message_size
            ),
        ),
        ServiceNotAvailable => Refusal::new(
            ResponseCode::SERVICE_NOT_AVAILABLE,
            format!(
                "service not available now. It may be caused by one of the following reasons: the broker's disk is full [{}], messages are put to the slave, message store has been shut down, etc.",
                disk_util(broker)
            ),
        ),
        OsPageCacheBusy => Refusal::new(
            if dialect.v5 { ResponseCode::SYSTEM_BUSY } else { ResponseCode::SYSTEM_ERROR },
            "[PC_SYNCHRONIZED]broker busy, start flow control for a while",
        ),
        LmqConsumeQueueNumExceeded => Refusal::new(
            ResponseCode::SYSTEM_ERROR,
            "[LMQ_CONSUME_QUEUE_NUM_EXCEEDED]broker config enableLmq and enableMultiDispatch, lmq consumeQueue num exceed maxLmqConsumeQueueNum config num, default limit 2w.",
        ),
        UnknownError => Refusal::new(
            ResponseCode::SYSTEM_ERROR, "UNKNOWN_ERROR"),
        _ => Refusal::new(
            ResponseCode::SYSTEM_ERROR, "UNKNOWN_ERROR DEFAULT"),
    }
}

/// `diskUtil()`: used ratio of the commit-log, consume-queue and index partitions.
fn disk_util(broker: &Broker) -> String {
    let c = broker.store().config();
    format!(
        "CL: {:5.2} CQ: {:5.2} INDEX: {:5.2}",
        disk_used_ratio(&c.commit_log_dir()),
        disk_used_ratio(&c.consume_queue_dir()),
        disk_used_ratio(&c.index_dir())
    )
}

/// `UtilAll.timeMillisToHumanString2`: `yyyy-MM-dd HH:mm:ss,SSS`, local time.
fn human_time(ms: i64) -> String {
    let t = local_time(ms);
    format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02},{:03}", t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis)
}

/// A uniformly spread number in `0..n` (`n` > 0), for Java's random queue choices.
pub(crate) fn random_below(n: i32) -> i32 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    if x == 0 {
        x = now_ms() as u64;
    }
    // splitmix64
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % u64::from(n.max(1).unsigned_abs())) as i32
}

/// The properties string with `edits` applied: `(key, Some(v))` sets, `(key, None)` removes. Entries keep the
/// client's order (set keys that were absent go last); the result ends as `format` says. When no edited key is
/// present (the usual case) the client's string is copied and extended rather than re-parsed.
pub(crate) fn edit_properties(raw: &str, edits: &[(&str, Option<String>)], format: PropertiesFormat) -> String {
    let touches_existing = edits.iter().any(|(k, _)| get_property(raw, k).is_some());
    let extra: usize = edits.iter().map(|(k, v)| v.as_ref().map_or(0, |v| k.len() + v.len() + 2)).sum();
    let mut out = String::with_capacity(raw.len() + extra + 1);
    if touches_existing {
        for (k, v) in property_pairs(raw) {
            if edits.iter().all(|(e, _)| *e != k) {
                push_pair(&mut out, k, v);
            }
        }
    } else {
        out.push_str(raw.trim_end_matches(PROPERTY_SEPARATOR));
        if !out.is_empty() {
            out.push(PROPERTY_SEPARATOR);
        }
    }
    for (k, v) in edits {
        if let Some(v) = v {
            push_pair(&mut out, k, v);
        }
    }
    if format == PropertiesFormat::NoTrailingSeparator {
        while out.ends_with(PROPERTY_SEPARATOR) {
            out.pop();
        }
    }
    out
}

/// The properties string as the Java broker stores it: Java parses the client's string into a `HashMap`
/// (5.3.3: `new HashMap<>(128)`, re-encoded once more after adding `MSG_REGION`/`TRACE_ON`; 4.9.8: the default
/// capacity, growing), applies its edits (`put` keeps a key's place, a new key goes last in its bucket) and
/// writes the map back (`messageProperties2String`), so the stored order is the map's iteration order: keys by
/// bucket of their `String.hashCode()`, a bucket's keys in insertion order. `edits` as for [`edit_properties`].
/// One pass over the client's string and one allocation: this runs for every SEND.
pub(crate) fn stored_properties(
    raw: &str,
    edits: &[(&str, Option<String>)],
    flavor: Flavor,
    format: PropertiesFormat,
) -> String {
    let mut pairs: Vec<(u32, &str, &str)> = Vec::with_capacity(16);
    let mut extra = 0;
    for (k, v) in property_pairs(raw) {
        let v = match edits.iter().find(|(e, _)| *e == k) {
            Some((_, None)) => continue,
            Some((_, Some(new))) => new.as_str(),
            None => v,
        };
        match pairs.iter_mut().find(|(_, pk, _)| *pk == k) {
            Some(slot) => slot.2 = v,
            None => pairs.push((0, k, v)),
        }
    }
    for (k, v) in edits {
        if let Some(v) = v {
            if !pairs.iter().any(|(_, pk, _)| pk == k) {
                pairs.push((0, k, v.as_str()));
                extra += k.len() + v.len() + 2;
            }
        }
    }
    let initial = if flavor.is_v5() { 128 } else { 16 };
    let capacity = crate::store::config_files::java_order::hash_map_capacity(initial, pairs.len());
    let mask = u32::try_from(capacity - 1).unwrap_or(u32::MAX);
    for pair in &mut pairs {
        pair.0 = crate::store::config_files::java_order::bucket_of(pair.1) & mask;
    }
    // Stable: keys of one bucket keep their insertion order.
    pairs.sort_by_key(|p| p.0);
    let mut out = String::with_capacity(raw.len() + extra + 1);
    for (_, k, v) in pairs {
        push_pair(&mut out, k, v);
    }
    if format == PropertiesFormat::NoTrailingSeparator {
        out.pop();
    }
    out
}

fn push_pair(out: &mut String, k: &str, v: &str) {
    out.push_str(k);
    out.push(NAME_VALUE_SEPARATOR);
    out.push_str(v);
    out.push(PROPERTY_SEPARATOR);
}

/// Finds or creates a `%DLQ%<group>` topic (Java `createTopicInSendMessageBackMethod`, writable and readable,
/// `DLQ_NUMS_PER_GROUP` queues), re-registering with the NameServers when it was created; false if it could not
/// be had.
fn ensure_dlq_topic(broker: &Broker, dlq: &str) -> bool {
    let created = broker.topics().create_topic_in_send_message_back_method(
        dlq,
        DLQ_NUMS_PER_GROUP,
        perm::PERM_WRITE | perm::PERM_READ,
        false,
        0,
    );
    if created.created {
        broker.registry().notify_changed();
    }
    created.config.is_some()
}

/// CONSUMER_SEND_MSG_BACK (36): re-stores a consumed message in `%RETRY%<group>` with a delay level, or in
/// `%DLQ%<group>` once it was retried `maxReconsumeTimes` times (broker-client-protocol.md §6.2).
pub(crate) async fn consumer_send_msg_back(broker: &Broker, req: &RemotingCommand) -> RemotingCommand {
    let header: ConsumerSendMsgBackRequestHeader = req.decode_header();
    let (Some(offset), Some(group), Some(mut delay_level)) = (header.offset, header.group.clone(), header.delay_level)
    else {
        let field = match (&header.offset, &header.group) {
            (None, _) => "offset",
            (_, None) => "group",
            _ => "delayLevel",
        };
        return missing_field(req, field);
    };
    let dialect = Dialect::of(req);
    let Some(group_config) = broker.subscription_groups().find_subscription_group_config(&group) else {
        return req.error_response(
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            format!("subscription group not exist, {group} {}", dialect.faq()),
        );
    };
    if !perm::is_writeable(broker.registry().broker_permission()) {
        return req.error_response(
            ResponseCode::NO_PERMISSION,
            format!("the broker[{}] sending message is forbidden", broker.config().broker_ip1),
        );
    }
    if group_config.retry_queue_nums <= 0 {
        return req.response(ResponseCode::SUCCESS);
    }
    let mut new_topic = topic::retry_topic(&group);
    let mut queue_id = random_below(group_config.retry_queue_nums);
    let topic_sys_flag = if header.unit_mode { topic_sys_flag::build(false, true) } else { 0 };
    let created = broker.topics().create_topic_in_send_message_back_method(
        &new_topic,
        group_config.retry_queue_nums,
        perm::PERM_WRITE | perm::PERM_READ,
        false,
        topic_sys_flag,
    );
    if created.created {
        broker.registry().notify_changed();
    }
    let Some(retry_config) = created.config else {
        return req.error_response(ResponseCode::SYSTEM_ERROR, format!("topic[{new_topic}] not exist"));
    };
    if !perm::is_writeable(retry_config.perm) {
        return req.error_response(
            ResponseCode::NO_PERMISSION,
            format!("the topic[{new_topic}] sending message is forbidden"),
        );
    }
    let Some(old) = broker.store().look_message_by_offset(offset) else {
        return req.error_response(ResponseCode::SYSTEM_ERROR, format!("look message by offset failed, {offset}"));
    };

    let mut max = group_config.retry_max_times;
    if req.version >= V3_4_9 {
        if let Some(m) = header.max_reconsume_times {
            max = m;
        }
    }
    let format = broker.store().config().properties_format();
    let mut edits: Vec<(&str, Option<String>)> = Vec::with_capacity(4);
    if old.property(RETRY_TOPIC).is_none() {
        edits.push((RETRY_TOPIC, Some(old.topic.clone())));
    }
    edits.push((property::WAIT, Some("false".into())));
    if old.reconsume_times >= max || delay_level < 0 {
        new_topic = topic::dlq_topic(&group);
        queue_id = random_below(DLQ_NUMS_PER_GROUP);
        if !ensure_dlq_topic(broker, &new_topic) {
            return req.error_response(ResponseCode::SYSTEM_ERROR, format!("topic[{new_topic}] not exist"));
        }
        edits.push((property::DELAY, Some("0".into())));
        tracing::info!(group, topic = %old.topic, reconsume_times = old.reconsume_times, "send msg to DLQ {new_topic}");
    } else {
        if delay_level == 0 {
            delay_level = 3 + old.reconsume_times;
        }
        edits.push((property::DELAY, Some(delay_level.to_string())));
    }
    if old.property(ORIGIN_MESSAGE_ID).map_or(true, |id| id.trim().is_empty()) {
        edits.push((ORIGIN_MESSAGE_ID, Some(old.msg_id())));
    }
    let store_host = if broker.flavor() == Flavor::V4_9_8 { old.store_host } else { broker.store_host() };
    let msg = MessageExtBrokerInner {
        topic: new_topic,
        queue_id,
        flag: old.flag,
        body: Bytes::clone(&old.body),
        properties: edit_properties(&old.properties, &edits, format),
        sys_flag: old.sys_flag,
        born_timestamp: old.born_timestamp,
        born_host: old.born_host,
        store_host,
        reconsume_times: old.reconsume_times + 1,
        prepared_transaction_offset: 0,
    };
    let started = std::time::Instant::now();
    let result = broker.store().put_message(msg).await;
    let elapsed = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    if result.status == PutMessageStatus::PutOk {
        let stats = broker.stats();
        if let Some(append) = &result.append {
            stats.store().on_put(1, i64::from(append.wrote_bytes), elapsed);
        }
        stats.on_send_back(&group, &old.topic);
        req.response(ResponseCode::SUCCESS)
    } else {
        req.error_response(ResponseCode::SYSTEM_ERROR, result.status.java_name())
    }
}
