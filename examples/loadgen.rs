//! A native RocketMQ load generator: drives a broker (Thruster or Java's, same wire) harder than a JVM client
//! on two cores can, through Thruster's own remoting client. Build with
//! `cargo build --release --example loadgen`.
//!
//! ```text
//! loadgen send --broker 127.0.0.1:10911 --topic BenchNative --size 1024
//!     [--duration 10 | --total-bytes 1073741824] [--warmup 1] [--connections 4] [--inflight 256]
//!     [--queues 4] [--header rocketmq|json] [--producer-group loadgen_pg] [--timeout-ms 3000]
//!     [--broker-name NAME] [--threads 2]
//! loadgen pull --broker 127.0.0.1:10911 --topic BenchNative [--queues 4] [--group loadgen_cg]
//!     [--duration 10] [--batch 32] [--header rocketmq|json] [--timeout-ms 3000] [--threads 2]
//! ```
//!
//! `send` writes SEND_MESSAGE_V2 (310) requests straight to the broker as a stock 5.3.3 Java producer does
//! (header `a`..`m`, `defaultTopic` TBW102 so that the broker auto-creates the topic, properties `UNIQ_KEY` and
//! `WAIT=true`, queue ids round-robin). It is a closed loop: `--connections` connections, each with up to
//! `--inflight` requests outstanding (per connection: `connections × inflight` in flight in total). The body
//! is `--size` bytes, the first 8 a big-endian sequence number. Before the clock starts one message is sent
//! (and retried for a few seconds) until the broker answers SEND_OK, so that the topic exists.
//!
//! With `--duration`, responses that arrive in the `--warmup` seconds are not counted, then those in the next
//! `--duration` seconds are; requests still outstanding at the end are drained and ignored. With
//! `--total-bytes` (to fill a commit log) there is no warm-up: exactly ⌈total/size⌉ messages are stored
//! (failed sends are re-sent) and `seconds` is the time until the last answer.
//!
//! Answers: SEND_OK (0) counts as `sent`; FLUSH_DISK_TIMEOUT / SLAVE_NOT_AVAILABLE / FLUSH_SLAVE_TIMEOUT
//! (10/11/12), stored but not OK, as `not_ok`; anything else (and timeouts) as `failed`, the first few distinct
//! codes and remarks printed on stderr. Latency is send → answer of the counted answers, in µs.
//!
//! `pull` reads every queue from offset 0 with PULL_MESSAGE (11), one request outstanding per queue (one
//! connection each), until the duration is over or every queue is drained.
//!
//! The result is one line of JSON on stdout; progress goes to stderr once a second. MB are 10^6 body bytes.
//!
//! Runtime: `--threads 2` (default) is a two-worker multi-thread runtime, `--threads 1` a `current_thread` one.
//! On a 2-core box shared with the broker the two did not differ measurably: the generator spends about 6 µs
//! of CPU per 128 B message (≈ 0.3 core at 50 k msgs/s), the broker is the limit. Requests leave through
//! [`RemotingClient`], whose writer puts every request queued on a connection into one write.
#![allow(clippy::unwrap_used)]

use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use clap::{Parser, Subcommand, ValueEnum};
use futures::stream::FuturesUnordered;
use futures::StreamExt;
use hdrhistogram::Histogram;
use parking_lot::Mutex;
use serde_json::json;
use thruster::broker::uniq_id::UniqIdGenerator;
use thruster::net::{ClientError, RemotingClient};
use thruster::protocol::pull::{pull_sys_flag, PullMessageRequestHeader, PullMessageResponseHeader};
use thruster::protocol::send::SendMessageRequestHeaderV2;
use thruster::remoting::{RemotingCommand, RequestCode, ResponseCode, SerializeType};
use thruster::store::commitlog::now_ms;
use thruster::store::commitlog::record::decode_message;
use thruster::store::message::{properties_to_string, property, PropertiesFormat};

#[derive(Debug, Parser)]
#[command(name = "loadgen", about = "RocketMQ load generator (SEND_MESSAGE_V2 / PULL_MESSAGE straight to a broker)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Send messages as fast as the broker answers.
    Send(SendArgs),
    /// Pull a topic from offset 0 as fast as the broker answers.
    Pull(PullArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum HeaderArg {
    /// The ROCKETMQ binary header (what the stock benchmark tools use).
    Rocketmq,
    /// The JSON header (the Java default).
    Json,
}

impl HeaderArg {
    fn serialize_type(self) -> SerializeType {
        match self {
            HeaderArg::Rocketmq => SerializeType::RocketMq,
            HeaderArg::Json => SerializeType::Json,
        }
    }

    fn name(self) -> &'static str {
        match self {
            HeaderArg::Rocketmq => "rocketmq",
            HeaderArg::Json => "json",
        }
    }
}

/// Options both subcommands share.
#[derive(Debug, Clone, clap::Args)]
struct Common {
    /// Broker address, `host:port`.
    #[arg(long, default_value = "127.0.0.1:10911")]
    broker: String,
    /// Topic.
    #[arg(long, default_value = "BenchNative")]
    topic: String,
    /// Number of queues (send: `defaultTopicQueueNums` and the round-robin range; pull: queues read).
    #[arg(long, default_value_t = 4)]
    queues: i32,
    /// Header serialize type of the requests.
    #[arg(long, value_enum, default_value_t = HeaderArg::Rocketmq)]
    header: HeaderArg,
    /// Per-request timeout.
    #[arg(long, default_value_t = 3000)]
    timeout_ms: u64,
    /// tokio worker threads; 1 runs everything on the main thread (`current_thread`).
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

#[derive(Debug, Clone, clap::Args)]
struct SendArgs {
    #[command(flatten)]
    common: Common,
    /// Body size in bytes.
    #[arg(long, default_value_t = 1024)]
    size: usize,
    /// Measured seconds (after the warm-up).
    #[arg(long, default_value_t = 10.0, conflicts_with = "total_bytes")]
    duration: f64,
    /// Instead of a duration: stop once this many body bytes are stored (no warm-up).
    #[arg(long)]
    total_bytes: Option<u64>,
    /// Seconds not counted before the measured ones.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Connections to the broker.
    #[arg(long, default_value_t = 4)]
    connections: usize,
    /// Requests outstanding per connection.
    #[arg(long, default_value_t = 256)]
    inflight: usize,
    /// Producer group (header field `a`).
    #[arg(long, default_value = "loadgen_pg")]
    producer_group: String,
    /// Broker name for the 5.x `bname` field (`n`); not sent when absent.
    #[arg(long)]
    broker_name: Option<String>,
}

#[derive(Debug, Clone, clap::Args)]
struct PullArgs {
    #[command(flatten)]
    common: Common,
    /// Consumer group.
    #[arg(long, default_value = "loadgen_cg")]
    group: String,
    /// Seconds to pull at most.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// `maxMsgNums` per PULL.
    #[arg(long, default_value_t = 32)]
    batch: i32,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let threads = match &cli.command {
        Command::Send(a) => a.common.threads,
        Command::Pull(a) => a.common.threads,
    };
    let runtime = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build()
    };
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("loadgen: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Send(args) => runtime.block_on(run_send(args)),
        Command::Pull(args) => runtime.block_on(run_pull(args)),
    };
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// send

/// Builds SEND_MESSAGE_V2 requests the way a 5.3.3 `DefaultMQProducer` does.
#[derive(Debug)]
struct SendTemplate {
    producer_group: String,
    topic: String,
    queues: i32,
    broker_name: Option<String>,
    serialize_type: SerializeType,
    body: Bytes,
    uniq: UniqIdGenerator,
}

impl SendTemplate {
    fn new(args: &SendArgs) -> Self {
        let filler: Vec<u8> = (0..args.size).map(|i| b'a' + (i % 26) as u8).collect();
        SendTemplate {
            producer_group: args.producer_group.clone(),
            topic: args.common.topic.clone(),
            queues: args.common.queues.max(1),
            broker_name: args.broker_name.clone(),
            serialize_type: args.common.header.serialize_type(),
            body: Bytes::from(filler),
            uniq: UniqIdGenerator::new(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        }
    }

    /// The header of message `seq`: queue `seq % queues`, a fresh `UNIQ_KEY`, born now.
    fn header(&self, seq: u64) -> SendMessageRequestHeaderV2 {
        let uniq_key = self.uniq.create();
        // `MessageDecoder.messageProperties2String` of {UNIQ_KEY, WAIT} (HashMap order), 5.3.3 form.
        let properties = properties_to_string(
            [(property::UNIQ_KEY, uniq_key.as_str()), (property::WAIT, "true")],
            PropertiesFormat::TrailingSeparator,
        );
        SendMessageRequestHeaderV2 {
            a: Some(self.producer_group.clone()),
            b: Some(self.topic.clone()),
            c: Some("TBW102".to_owned()),
            d: Some(self.queues),
            e: Some((seq % self.queues as u64) as i32),
            f: Some(0),
            g: Some(now_ms()),
            h: Some(0),
            i: Some(properties),
            j: Some(0),
            k: false,
            l: None,
            m: false,
            n: self.broker_name.clone(),
        }
    }

    /// The whole request for message `seq`; the body's first 8 bytes carry `seq`.
    fn request(&self, seq: u64) -> RemotingCommand {
        let mut body = BytesMut::from(&self.body[..]);
        let n = body.len().min(8);
        body[..n].copy_from_slice(&seq.to_be_bytes()[..n]);
        let mut request =
            RemotingCommand::request(RequestCode::SEND_MESSAGE_V2).with_header(&self.header(seq)).with_body(body);
        request.serialize_type = self.serialize_type;
        request
    }
}

/// How an answer to a SEND counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// SEND_OK.
    Sent,
    /// Stored, but the flush or the slave did not confirm in time (10, 11, 12).
    NotOk,
    /// Not stored.
    Failed,
}

fn classify(code: i32) -> Outcome {
    match code {
        ResponseCode::SUCCESS => Outcome::Sent,
        ResponseCode::FLUSH_DISK_TIMEOUT | ResponseCode::SLAVE_NOT_AVAILABLE | ResponseCode::FLUSH_SLAVE_TIMEOUT => {
            Outcome::NotOk
        }
        _ => Outcome::Failed,
    }
}

/// Keeps the first few distinct failures, printed on stderr as they come.
#[derive(Debug, Default)]
struct FailureLog {
    seen: Mutex<Vec<String>>,
}

impl FailureLog {
    const MAX: usize = 5;

    fn note(&self, what: String) {
        let mut seen = self.seen.lock();
        if seen.len() < Self::MAX && !seen.contains(&what) {
            eprintln!("loadgen: failure: {what}");
            seen.push(what);
        }
    }
}

fn describe(result: &Result<RemotingCommand, ClientError>) -> String {
    match result {
        Ok(resp) => format!("code {} ({})", resp.code, resp.remark.as_deref().unwrap_or("")),
        Err(e) => e.to_string(),
    }
}

/// State the connection tasks share.
#[derive(Debug)]
struct SendState {
    /// Counted answers are those that arrive from here on …
    window_start: Instant,
    /// … up to here (duration mode); no request is issued after it.
    window_end: Option<Instant>,
    /// Total-bytes mode: messages still to issue (failed ones are added back).
    budget: Option<AtomicI64>,
    next_seq: AtomicU64,
    sent: AtomicU64,
    not_ok: AtomicU64,
    failed: AtomicU64,
    /// Answers of any kind, counted or not (progress).
    answered: AtomicU64,
    abort: AtomicBool,
    failures: FailureLog,
}

/// Total-bytes mode gives up after this many failed sends.
const MAX_FAILURES_TOTAL_BYTES: u64 = 1000;

impl SendState {
    /// May another request be issued? Takes one from the budget in total-bytes mode.
    fn may_issue(&self) -> bool {
        if self.abort.load(Ordering::Relaxed) {
            return false;
        }
        if let Some(end) = self.window_end {
            return Instant::now() < end;
        }
        match &self.budget {
            Some(budget) => {
                if budget.fetch_sub(1, Ordering::Relaxed) > 0 {
                    true
                } else {
                    budget.fetch_add(1, Ordering::Relaxed);
                    false
                }
            }
            None => true,
        }
    }

    fn counts(&self, at: Instant) -> bool {
        at >= self.window_start && self.window_end.map_or(true, |end| at <= end)
    }
}

async fn run_send(args: SendArgs) -> Result<String, String> {
    if args.connections == 0 || args.inflight == 0 {
        return Err("--connections and --inflight must be at least 1".into());
    }
    let template = Arc::new(SendTemplate::new(&args));
    let broker = args.common.broker.clone();
    let timeout = Duration::from_millis(args.common.timeout_ms);
    first_send(&broker, &template, timeout).await?;

    let start = Instant::now();
    let start_epoch_ms = epoch_ms();
    let (window_start, window_end, budget) = match args.total_bytes {
        Some(total) => (start, None, Some(AtomicI64::new(total.div_ceil(args.size.max(1) as u64) as i64))),
        None => {
            let window_start = start + Duration::from_secs_f64(args.warmup.max(0.0));
            (window_start, Some(window_start + Duration::from_secs_f64(args.duration.max(0.0))), None)
        }
    };
    let state = Arc::new(SendState {
        window_start,
        window_end,
        budget,
        next_seq: AtomicU64::new(1),
        sent: AtomicU64::new(0),
        not_ok: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        answered: AtomicU64::new(0),
        abort: AtomicBool::new(false),
        failures: FailureLog::default(),
    });

    let progress = tokio::spawn(progress(state.clone(), args.size));
    let workers: Vec<_> = (0..args.connections)
        .map(|_| tokio::spawn(send_connection(broker.clone(), template.clone(), state.clone(), args.inflight, timeout)))
        .collect();
    let mut histogram = new_histogram();
    for worker in workers {
        let h = worker.await.map_err(|e| format!("connection task failed: {e}"))?;
        histogram.add(h).map_err(|e| format!("histogram: {e}"))?;
    }
    let finished = Instant::now();
    progress.abort();
    if state.abort.load(Ordering::Relaxed) {
        return Err(format!("gave up after {} failed sends", state.failed.load(Ordering::Relaxed)));
    }

    let seconds = match (args.total_bytes, window_end) {
        (None, Some(end)) => end.duration_since(window_start).as_secs_f64(),
        _ => finished.duration_since(start).as_secs_f64(),
    };
    // wall-clock bounds of the counted window, so a caller can attribute broker CPU samples to it
    let measure_start_epoch_ms = start_epoch_ms + window_start.duration_since(start).as_millis() as u64;
    let measure_end_epoch_ms = measure_start_epoch_ms + (seconds * 1000.0) as u64;
    let sent = state.sent.load(Ordering::Relaxed);
    let not_ok = state.not_ok.load(Ordering::Relaxed);
    let failed = state.failed.load(Ordering::Relaxed);
    let per_sec = |n: f64| if seconds > 0.0 { n / seconds } else { 0.0 };
    let line = json!({
        "tool": "loadgen",
        "mode": "send",
        "broker": broker,
        "topic": args.common.topic,
        "size": args.size,
        "header": args.common.header.name(),
        "connections": args.connections,
        "inflight": args.inflight,
        "threads": args.common.threads,
        "seconds": round3(seconds),
        "measure_start_epoch_ms": measure_start_epoch_ms,
        "measure_end_epoch_ms": measure_end_epoch_ms,
        "sent": sent,
        "not_ok": not_ok,
        "failed": failed,
        "msgs_per_sec": round3(per_sec(sent as f64)),
        "mb_per_sec": round3(per_sec((sent * args.size as u64) as f64) / 1e6),
        "p50_us": histogram.value_at_quantile(0.5),
        "p99_us": histogram.value_at_quantile(0.99),
        "p999_us": histogram.value_at_quantile(0.999),
        "max_us": histogram.max(),
    });
    Ok(line.to_string())
}

/// Sends one message until the broker answers SEND_OK (the topic may need creating first), for up to ~5 s.
async fn first_send(broker: &str, template: &SendTemplate, timeout: Duration) -> Result<(), String> {
    let client = RemotingClient::new();
    let mut last = String::new();
    for _ in 0..20 {
        let result = client.invoke(broker, template.request(0), timeout).await;
        if matches!(&result, Ok(resp) if classify(resp.code) != Outcome::Failed) {
            return Ok(());
        }
        last = describe(&result);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Err(format!("the first send to {broker} never succeeded; last answer: {last}"))
}

/// One connection: keeps up to `inflight` requests outstanding until told to stop, then drains them.
async fn send_connection(
    broker: String,
    template: Arc<SendTemplate>,
    state: Arc<SendState>,
    inflight: usize,
    timeout: Duration,
) -> Histogram<u64> {
    let mut histogram = new_histogram();
    let client = RemotingClient::new();
    let client = &client;
    let broker = broker.as_str();
    let mut outstanding = FuturesUnordered::new();
    loop {
        while outstanding.len() < inflight && state.may_issue() {
            let seq = state.next_seq.fetch_add(1, Ordering::Relaxed);
            let request = template.request(seq);
            outstanding.push(async move {
                let issued = Instant::now();
                let result = client.invoke(broker, request, timeout).await;
                (issued, result)
            });
        }
        let Some((issued, result)) = outstanding.next().await else {
            break;
        };
        let now = Instant::now();
        state.answered.fetch_add(1, Ordering::Relaxed);
        let outcome = match &result {
            Ok(resp) => classify(resp.code),
            Err(_) => Outcome::Failed,
        };
        if outcome == Outcome::Failed {
            state.failures.note(describe(&result));
            if let Some(budget) = &state.budget {
                budget.fetch_add(1, Ordering::Relaxed);
                if state.failed.fetch_add(1, Ordering::Relaxed) + 1 >= MAX_FAILURES_TOTAL_BYTES {
                    state.abort.store(true, Ordering::Relaxed);
                }
                continue;
            }
        }
        if !state.counts(now) {
            continue;
        }
        match outcome {
            Outcome::Sent => state.sent.fetch_add(1, Ordering::Relaxed),
            Outcome::NotOk => state.not_ok.fetch_add(1, Ordering::Relaxed),
            Outcome::Failed => state.failed.fetch_add(1, Ordering::Relaxed),
        };
        if outcome == Outcome::Sent {
            histogram.saturating_record(now.duration_since(issued).as_micros() as u64);
        }
    }
    histogram
}

async fn progress(state: Arc<SendState>, size: usize) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    let mut last = 0;
    loop {
        tick.tick().await;
        let answered = state.answered.load(Ordering::Relaxed);
        let rate = answered - last;
        last = answered;
        eprintln!(
            "loadgen: {rate} answers/s ({:.1} MB/s), sent {} failed {}",
            (rate * size as u64) as f64 / 1e6,
            state.sent.load(Ordering::Relaxed),
            state.failed.load(Ordering::Relaxed),
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// pull

/// What the queue readers add up.
#[derive(Debug, Default)]
struct PullCounts {
    msgs: AtomicU64,
    body_bytes: AtomicU64,
    requests: AtomicU64,
    failed: AtomicU64,
}

async fn run_pull(args: PullArgs) -> Result<String, String> {
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(args.duration.max(0.0));
    let counts = Arc::new(PullCounts::default());
    let failures = Arc::new(FailureLog::default());
    let readers: Vec<_> = (0..args.common.queues)
        .map(|queue_id| tokio::spawn(pull_queue(args.clone(), queue_id, end, counts.clone(), failures.clone())))
        .collect();
    let progress = tokio::spawn({
        let counts = counts.clone();
        async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await;
            let mut last = 0;
            loop {
                tick.tick().await;
                let msgs = counts.msgs.load(Ordering::Relaxed);
                eprintln!("loadgen: {} msgs/s, {msgs} pulled", msgs - last);
                last = msgs;
            }
        }
    });
    for reader in readers {
        reader.await.map_err(|e| format!("queue task failed: {e}"))?;
    }
    progress.abort();
    let seconds = start.elapsed().as_secs_f64();
    let msgs = counts.msgs.load(Ordering::Relaxed);
    let bytes = counts.body_bytes.load(Ordering::Relaxed);
    let per_sec = |n: f64| if seconds > 0.0 { n / seconds } else { 0.0 };
    let line = json!({
        "tool": "loadgen",
        "mode": "pull",
        "broker": args.common.broker,
        "topic": args.common.topic,
        "queues": args.common.queues,
        "header": args.common.header.name(),
        "seconds": round3(seconds),
        "msgs": msgs,
        "body_bytes": bytes,
        "requests": counts.requests.load(Ordering::Relaxed),
        "failed": counts.failed.load(Ordering::Relaxed),
        "msgs_per_sec": round3(per_sec(msgs as f64)),
        "mb_per_sec": round3(per_sec(bytes as f64) / 1e6),
    });
    Ok(line.to_string())
}

/// Reads one queue from offset 0 until it is drained, `end` passes, or too many pulls fail.
async fn pull_queue(args: PullArgs, queue_id: i32, end: Instant, counts: Arc<PullCounts>, failures: Arc<FailureLog>) {
    let client = RemotingClient::new();
    let timeout = Duration::from_millis(args.common.timeout_ms);
    let mut offset = 0;
    let mut failed = 0;
    while Instant::now() < end && failed < 10 {
        let header = PullMessageRequestHeader {
            consumer_group: Some(args.group.clone()),
            topic: Some(args.common.topic.clone()),
            queue_id: Some(queue_id),
            queue_offset: Some(offset),
            max_msg_nums: Some(args.batch),
            // A subscription in the request: no heartbeat needed; no suspend, no commit.
            sys_flag: Some(pull_sys_flag::build(false, false, true, false)),
            commit_offset: Some(0),
            suspend_timeout_millis: Some(0),
            subscription: Some("*".to_owned()),
            sub_version: Some(now_ms()),
            expression_type: Some("TAG".to_owned()),
            ..Default::default()
        };
        let mut request = RemotingCommand::request(RequestCode::PULL_MESSAGE).with_header(&header);
        request.serialize_type = args.common.header.serialize_type();
        let result = client.invoke(&args.common.broker, request, timeout).await;
        counts.requests.fetch_add(1, Ordering::Relaxed);
        let resp = match result {
            Ok(resp) => resp,
            Err(e) => {
                failures.note(format!("queue {queue_id}: {e}"));
                counts.failed.fetch_add(1, Ordering::Relaxed);
                failed += 1;
                continue;
            }
        };
        let answer = resp.decode_header::<PullMessageResponseHeader>();
        let next = answer.next_begin_offset.unwrap_or(offset);
        match resp.code {
            ResponseCode::SUCCESS => {
                let (msgs, bytes) = count_records(resp.body.as_ref());
                counts.msgs.fetch_add(msgs, Ordering::Relaxed);
                counts.body_bytes.fetch_add(bytes, Ordering::Relaxed);
                offset = next;
            }
            ResponseCode::PULL_NOT_FOUND | ResponseCode::PULL_RETRY_IMMEDIATELY | ResponseCode::PULL_OFFSET_MOVED => {
                let drained = answer.max_offset.is_some_and(|max| next >= max);
                if drained || next == offset {
                    break;
                }
                offset = next;
            }
            _ => {
                failures.note(format!("queue {queue_id}: {}", describe(&Ok(resp))));
                counts.failed.fetch_add(1, Ordering::Relaxed);
                failed += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Messages and body bytes in a PULL answer body (commit-log records back to back).
fn count_records(body: Option<&Bytes>) -> (u64, u64) {
    let Some(body) = body else {
        return (0, 0);
    };
    let (mut msgs, mut bytes, mut at) = (0, 0, 0);
    while let Some(size) = body.get(at..at + 4) {
        let size = i32::from_be_bytes([size[0], size[1], size[2], size[3]]);
        let Some(end) = usize::try_from(size).ok().filter(|s| *s > 0).map(|s| at + s).filter(|e| *e <= body.len())
        else {
            break;
        };
        if let Some(msg) = decode_message(&body.slice(at..end)) {
            msgs += 1;
            bytes += msg.body.len() as u64;
        }
        at = end;
    }
    (msgs, bytes)
}

// ---------------------------------------------------------------------------------------------------------

/// Latencies in µs, 1 µs … 1 h, 3 significant digits.
fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).unwrap()
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
fn epoch_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use thruster::remoting::frame;

    use super::*;

    fn args(header: &str) -> SendArgs {
        let cli = Cli::parse_from(["loadgen", "send", "--size", "16", "--queues", "3", "--header", header]);
        match cli.command {
            Command::Send(args) => args,
            Command::Pull(_) => unreachable!(),
        }
    }

    #[test]
    fn request_is_a_java_style_send_message_v2() {
        let template = SendTemplate::new(&args("rocketmq"));
        let request = template.request(5);
        assert_eq!(request.code, RequestCode::SEND_MESSAGE_V2);
        assert_eq!(request.serialize_type, SerializeType::RocketMq);
        let ext = request.ext_fields.as_ref().unwrap();
        let keys: Vec<_> = ext.iter().map(|(k, _)| k).collect();
        // The wire order of Java's fast V2 encoder (`l` and `n` are null).
        assert_eq!(keys, ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m"]);
        assert_eq!(ext.get("a"), Some("loadgen_pg"));
        assert_eq!(ext.get("b"), Some("BenchNative"));
        assert_eq!(ext.get("c"), Some("TBW102"));
        assert_eq!(ext.get("d"), Some("3"));
        assert_eq!(ext.get("e"), Some("2"), "queue = seq % queues");
        assert_eq!((ext.get("f"), ext.get("h"), ext.get("j")), (Some("0"), Some("0"), Some("0")));
        assert_eq!((ext.get("k"), ext.get("m")), (Some("false"), Some("false")));
        let props = ext.get("i").unwrap();
        let (uniq, rest) = props.strip_prefix("UNIQ_KEY\u{1}").unwrap().split_at(32);
        assert!(uniq.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(rest, "\u{2}WAIT\u{1}true\u{2}");
        let body = request.body.as_ref().unwrap();
        assert_eq!(body.len(), 16);
        assert_eq!(body[..8], 5u64.to_be_bytes());
    }

    #[test]
    fn frame_uses_the_chosen_header_type() {
        for (arg, ty) in [("rocketmq", SerializeType::RocketMq), ("json", SerializeType::Json)] {
            let request = SendTemplate::new(&args(arg)).request(1);
            let bytes = frame::encode_to_bytes(&request).unwrap();
            assert_eq!(bytes[4], ty.code());
            let decoded = frame::decode(&mut BytesMut::from(&bytes[..])).unwrap().unwrap();
            assert_eq!(decoded.serialize_type, ty);
            assert_eq!(decoded.ext_fields, request.ext_fields);
        }
    }

    #[test]
    fn outcomes() {
        assert_eq!(classify(0), Outcome::Sent);
        for code in [10, 11, 12] {
            assert_eq!(classify(code), Outcome::NotOk);
        }
        assert_eq!(classify(ResponseCode::SYSTEM_BUSY), Outcome::Failed);
    }

    #[test]
    fn tiny_bodies_carry_part_of_the_sequence() {
        let mut a = args("json");
        a.size = 3;
        let body = SendTemplate::new(&a).request(0x0102_0304_0506_0708).body.unwrap();
        assert_eq!(&body[..], &[1, 2, 3]);
    }
}
