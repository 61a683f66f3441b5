//! A native RocketMQ load generator: drives a broker (Thruster or Java's, same wire) harder than a JVM client
//! on two cores can, through Thruster's own remoting client. Build with
//! `cargo build --release --example loadgen`.
//!
//! ```text
//! loadgen send --broker 127.0.0.1:10911 --topic BenchNative --size 1024
//!     [--duration 10 | --total-bytes 1073741824] [--warmup 1] [--connections 4] [--inflight 256]
//!     [--queues 4] [--header rocketmq|json] [--producer-group loadgen_pg] [--timeout-ms 3000]
//!     [--broker-name NAME] [--threads 2]
//! loadgen send --rate 20000 [--duration 10] [--warmup 1] [--connections 4] [--max-outstanding 100000]
//!     [--pacer thread|tokio] [... the other send options]
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
//! With `--rate R` `send` is an open loop instead: message `i` (from 0) is due at `t0 + i/R` and goes out on
//! connection `i % connections` whether or not earlier ones were answered; only `--max-outstanding` (all
//! connections together) bounds what is in flight, and a request due while that many are outstanding is not
//! sent but counted as `failed` (with a note on stderr). The requests that count are those *due* in the
//! window `[t0 + warmup, t0 + warmup + duration)`, whenever they are answered; after the last one is due each
//! connection waits up to `--timeout-ms` for its answers, and counted requests still unanswered then are
//! `failed`. Latency is measured from the due time (`p50_us` … `max_us`, `percentiles`), so a stall of the
//! broker, or of the generator, shows up in every request that should have gone out meanwhile (no coordinated
//! omission); `service_p99_us` / `service_p999_us` measure from when the request was actually handed to the
//! connection, and `max_issue_lag_us` / `issue_lag_p99_us` say how late that hand-over was. Its JSON line has
//! the closed loop's keys (`inflight` is the outstanding cap, `msgs_per_sec` is SEND_OK answers to counted
//! requests over the window) and `"mode":"send-rate"`, `pacer`, `offered_rate`, `requests` (counted),
//! `capped`, `p9999_us`, `service_*`, `issue_lag_*` and `percentiles`: `[percentile, µs]` pairs at 0, 50, 75,
//! 90, 95, 99, 99.5, 99.9, 99.95, 99.99 and 100, for a chart.
//!
//! Pacing (`--pacer`): `thread` (the default) is a plain std thread that sleeps until the next due time
//! (`nanosleep`, ~60 µs late on Linux) and then hands every request due by then to its connection's task
//! through a channel; `tokio` is the same loop as a task on `tokio::time::sleep_until`, whose timer wheel has
//! 1 ms ticks, so requests leave in bursts of `R/1000` up to a millisecond late. The thread does not spin: in
//! the usual set-up (`taskset -c 1`, one core for the generator) a spinning pacer would take that core from
//! the tasks that write the requests. [`run_send_rate`] has the measured comparison: the thread's issue lag was
//! ~90 µs at the median and ~200 µs at p99, tokio's ~750 µs and ~1.5-2 ms.
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
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
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
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

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
    /// Open loop: issue this many messages per second on a fixed schedule (see the module docs).
    #[arg(long, conflicts_with = "total_bytes", value_parser = clap::value_parser!(u64).range(1..))]
    rate: Option<u64>,
    /// Open loop: requests outstanding at most (all connections); a request due beyond it fails.
    #[arg(long, default_value_t = 100_000)]
    max_outstanding: usize,
    /// Open loop: what wakes up at the due times.
    #[arg(long, value_enum, default_value_t = PacerArg::Thread)]
    pacer: PacerArg,
}

/// Open-loop pacing (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PacerArg {
    /// A std thread sleeping until each due time.
    Thread,
    /// A tokio task on the runtime's 1 ms timer.
    Tokio,
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
    /// Fresh counters; sequence numbers start at `first_seq`.
    fn new(window_start: Instant, window_end: Option<Instant>, budget: Option<AtomicI64>, first_seq: u64) -> Self {
        SendState {
            window_start,
            window_end,
            budget,
            next_seq: AtomicU64::new(first_seq),
            sent: AtomicU64::new(0),
            not_ok: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            abort: AtomicBool::new(false),
            failures: FailureLog::default(),
        }
    }

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
    if let Some(rate) = args.rate {
        return run_send_rate(args, rate).await;
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
    let state = Arc::new(SendState::new(window_start, window_end, budget, 1));

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
    let report = SendReport {
        args: &args,
        broker: &broker,
        mode: "send",
        inflight: args.inflight,
        seconds,
        measure_start_epoch_ms: start_epoch_ms + window_start.duration_since(start).as_millis() as u64,
        sent: state.sent.load(Ordering::Relaxed),
        not_ok: state.not_ok.load(Ordering::Relaxed),
        failed: state.failed.load(Ordering::Relaxed),
        latency: &histogram,
    };
    let line = serde_json::Value::Object(report.fields());
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
// send --rate (open loop)

/// Nanoseconds per second.
const NANOS: u128 = 1_000_000_000;

/// When message `i` (from 0) of a schedule of `rate` msgs/s is due, after the schedule's start.
fn due_offset(i: u64, rate: u64) -> Duration {
    Duration::from_nanos((i as u128 * NANOS / rate as u128) as u64)
}

/// How many messages are due in the first `span` of the schedule (those with `due_offset < span`).
fn due_count(span: Duration, rate: u64) -> u64 {
    (span.as_nanos() * rate as u128).div_ceil(NANOS) as u64
}

/// The connection (of `connections`) that carries message `i`.
fn connection_of(i: u64, connections: usize) -> usize {
    (i % connections as u64) as usize
}

/// The open loop's fixed schedule: who is due when, and who counts.
#[derive(Debug, Clone, Copy)]
struct Schedule {
    t0: Instant,
    rate: u64,
    /// The measured window, as offsets from `t0`: `[window.0, window.1)`.
    window: (Duration, Duration),
}

impl Schedule {
    /// Messages in the whole schedule (warm-up and window).
    fn total(&self) -> u64 {
        due_count(self.window.1, self.rate)
    }

    fn due(&self, i: u64) -> Instant {
        self.t0 + due_offset(i, self.rate)
    }

    /// Does message `i` count, i.e. is it due inside the measured window?
    fn counts(&self, i: u64) -> bool {
        let due = due_offset(i, self.rate);
        self.window.0 <= due && due < self.window.1
    }

    /// The messages that count (the same as [`Schedule::counts`], as a range).
    fn counted(&self) -> std::ops::Range<u64> {
        due_count(self.window.0, self.rate)..self.total()
    }
}

/// What the open-loop connection tasks share besides [`SendState`]'s counters.
#[derive(Debug)]
struct RateShared {
    schedule: Schedule,
    max_outstanding: usize,
    /// Requests issued and not answered (all connections).
    outstanding: AtomicUsize,
    /// Counted requests not sent because `max_outstanding` were outstanding.
    capped: AtomicU64,
    /// The largest `issued − due` of a counted request, µs.
    max_issue_lag_us: AtomicU64,
}

/// One connection's latencies, µs: from the due time, from the issue time, and the issue lag.
#[derive(Debug)]
struct RateHistograms {
    intended: Histogram<u64>,
    service: Histogram<u64>,
    issue_lag: Histogram<u64>,
}

impl RateHistograms {
    fn new() -> Self {
        RateHistograms { intended: new_histogram(), service: new_histogram(), issue_lag: new_histogram() }
    }

    fn add(&mut self, other: &RateHistograms) -> Result<(), String> {
        let err = |e| format!("histogram: {e}");
        self.intended.add(&other.intended).map_err(err)?;
        self.service.add(&other.service).map_err(err)?;
        self.issue_lag.add(&other.issue_lag).map_err(err)
    }
}

/// Percentiles of the `"percentiles"` chart array.
const CHART_PERCENTILES: [f64; 11] = [0.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99, 100.0];

/// `[percentile, value]` pairs of `histogram` at [`CHART_PERCENTILES`] (100 is the maximum).
fn chart(histogram: &Histogram<u64>) -> Vec<(f64, u64)> {
    CHART_PERCENTILES
        .iter()
        .map(|&p| (p, if p >= 100.0 { histogram.max() } else { histogram.value_at_percentile(p) }))
        .collect()
}

/// The open loop (`send --rate`).
///
/// Why the `thread` pacer is the default: issue lag (first poll of the request's future on its connection
/// task − due time, µs), 1 KiB, 4 connections, `--threads 2`, broker `taskset -c 0`, loadgen `taskset -c 1`,
/// on a shared 2-core box, 5 s windows:
///
/// ```text
///                   p50        p99          max
/// 2000/s   thread   94-97      175-213      2236-4100   (a third run: p99 3903, max 7902, a neighbour's burst)
/// 2000/s   tokio    737-781    1947-2000    4445-11377
/// 20000/s  thread   80         144          5515
/// 20000/s  tokio    724        1403         2283
/// ```
///
/// The thread's ~90 µs is `nanosleep`'s timer slack plus waking a tokio worker; tokio's ~750 µs is its 1 ms
/// timer wheel (requests due within a tick leave together, up to a tick late). Both are charged to the
/// request, as its latency is taken from the due time.
async fn run_send_rate(args: SendArgs, rate: u64) -> Result<String, String> {
    let template = Arc::new(SendTemplate::new(&args));
    let broker = args.common.broker.clone();
    let timeout = Duration::from_millis(args.common.timeout_ms);
    first_send(&broker, &template, timeout).await?;

    // A little lead so that the pacer and the connection tasks are running when message 0 is due.
    let t0 = Instant::now() + Duration::from_millis(20);
    let start_epoch_ms = epoch_ms() + 20;
    let warmup = Duration::from_secs_f64(args.warmup.max(0.0));
    let window = (warmup, warmup + Duration::from_secs_f64(args.duration.max(0.0)));
    let schedule = Schedule { t0, rate, window };
    let state = Arc::new(SendState::new(t0 + window.0, Some(t0 + window.1), None, 0));
    let shared = Arc::new(RateShared {
        schedule,
        max_outstanding: args.max_outstanding.max(1),
        outstanding: AtomicUsize::new(0),
        capped: AtomicU64::new(0),
        max_issue_lag_us: AtomicU64::new(0),
    });

    let progress = tokio::spawn(progress(state.clone(), args.size));
    let (senders, workers): (Vec<_>, Vec<_>) = (0..args.connections)
        .map(|_| {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            let worker = tokio::spawn(rate_connection(
                broker.clone(),
                template.clone(),
                state.clone(),
                shared.clone(),
                rx,
                timeout,
            ));
            (tx, worker)
        })
        .unzip();
    let pacer = match args.pacer {
        PacerArg::Thread => {
            let thread = std::thread::Builder::new()
                .name("loadgen-pacer".into())
                .spawn(move || pace_thread(schedule, senders))
                .map_err(|e| format!("cannot start the pacer thread: {e}"))?;
            tokio::task::spawn_blocking(move || thread.join().map_err(|_| "the pacer thread panicked".to_owned()))
        }
        PacerArg::Tokio => {
            let task = tokio::spawn(pace_task(schedule, senders));
            tokio::spawn(async move { task.await.map_err(|e| format!("the pacer task failed: {e}")) })
        }
    };
    let mut histograms = RateHistograms::new();
    for worker in workers {
        let h = worker.await.map_err(|e| format!("connection task failed: {e}"))?;
        histograms.add(&h)?;
    }
    pacer.await.map_err(|e| format!("the pacer failed: {e}"))??;
    progress.abort();

    let capped = shared.capped.load(Ordering::Relaxed);
    if capped > 0 {
        eprintln!(
            "loadgen: {capped} counted requests were not sent because {} were outstanding (--max-outstanding); \
             they count as failed",
            shared.max_outstanding
        );
    }
    let seconds = window.1.saturating_sub(window.0).as_secs_f64();
    let h = &histograms.intended;
    let report = SendReport {
        args: &args,
        broker: &broker,
        mode: "send-rate",
        // the open loop has no per-connection window: its only bound is the outstanding cap
        inflight: shared.max_outstanding,
        seconds,
        measure_start_epoch_ms: start_epoch_ms + window.0.as_millis() as u64,
        sent: state.sent.load(Ordering::Relaxed),
        not_ok: state.not_ok.load(Ordering::Relaxed),
        failed: state.failed.load(Ordering::Relaxed),
        latency: h,
    };
    let mut fields = report.fields();
    let extra = json!({
        "pacer": match args.pacer { PacerArg::Thread => "thread", PacerArg::Tokio => "tokio" },
        "offered_rate": rate,
        "requests": schedule.counted().end - schedule.counted().start,
        "capped": capped,
        "p9999_us": h.value_at_quantile(0.9999),
        "service_p50_us": histograms.service.value_at_quantile(0.5),
        "service_p99_us": histograms.service.value_at_quantile(0.99),
        "service_p999_us": histograms.service.value_at_quantile(0.999),
        "service_max_us": histograms.service.max(),
        "issue_lag_p50_us": histograms.issue_lag.value_at_quantile(0.5),
        "issue_lag_p99_us": histograms.issue_lag.value_at_quantile(0.99),
        "max_issue_lag_us": shared.max_issue_lag_us.load(Ordering::Relaxed),
        "percentiles": chart(h),
    });
    if let serde_json::Value::Object(extra) = extra {
        fields.extend(extra);
    }
    let line = serde_json::Value::Object(fields);
    Ok(line.to_string())
}

/// The `thread` pacer: sleeps until the next message is due, then hands over every message due by now.
fn pace_thread(schedule: Schedule, senders: Vec<UnboundedSender<u64>>) {
    let total = schedule.total();
    let mut i = 0;
    while i < total {
        let now = Instant::now();
        let due = schedule.due(i);
        if due > now {
            std::thread::sleep(due - now);
            continue;
        }
        if !hand_over(&schedule, &senders, &mut i, total, now) {
            return;
        }
    }
}

/// The `tokio` pacer: the same loop on the runtime's timer.
async fn pace_task(schedule: Schedule, senders: Vec<UnboundedSender<u64>>) {
    let total = schedule.total();
    let mut i = 0;
    while i < total {
        let now = Instant::now();
        let due = schedule.due(i);
        if due > now {
            tokio::time::sleep_until(due.into()).await;
            continue;
        }
        if !hand_over(&schedule, &senders, &mut i, total, now) {
            return;
        }
    }
}

/// Sends message `*i` and those after it that are due by `now` to their connections; false if one is gone.
fn hand_over(schedule: &Schedule, senders: &[UnboundedSender<u64>], i: &mut u64, total: u64, now: Instant) -> bool {
    while *i < total && schedule.due(*i) <= now {
        if senders[connection_of(*i, senders.len())].send(*i).is_err() {
            return false;
        }
        *i += 1;
    }
    true
}

/// One open-loop connection: issues every message it is handed at once, records the answers; once the pacer is
/// done, waits up to `timeout` for the rest.
async fn rate_connection(
    broker: String,
    template: Arc<SendTemplate>,
    state: Arc<SendState>,
    shared: Arc<RateShared>,
    mut due_rx: UnboundedReceiver<u64>,
    timeout: Duration,
) -> RateHistograms {
    let mut histograms = RateHistograms::new();
    let client = RemotingClient::new();
    let client = &client;
    let broker = broker.as_str();
    let shared_ref = &shared;
    let schedule = shared.schedule;
    let mut outstanding = FuturesUnordered::new();
    // counted requests in `outstanding`: failed if still there at the deadline
    let mut counted_outstanding = 0u64;
    let mut pacer_done = false;
    let mut deadline = None;
    let issue = |i: u64, outstanding: &mut FuturesUnordered<_>, counted_outstanding: &mut u64| {
        let counts = schedule.counts(i);
        if shared.outstanding.fetch_add(1, Ordering::Relaxed) >= shared.max_outstanding {
            shared.outstanding.fetch_sub(1, Ordering::Relaxed);
            if counts {
                shared.capped.fetch_add(1, Ordering::Relaxed);
                state.failed.fetch_add(1, Ordering::Relaxed);
                state.failures.note(format!("{} requests outstanding (--max-outstanding)", shared.max_outstanding));
            }
            return;
        }
        *counted_outstanding += u64::from(counts);
        let request = template.request(i);
        outstanding.push(async move {
            let issued = Instant::now();
            if counts {
                let lag = issued.saturating_duration_since(schedule.due(i)).as_micros() as u64;
                shared_ref.max_issue_lag_us.fetch_max(lag, Ordering::Relaxed);
            }
            let result = client.invoke(broker, request, timeout).await;
            (i, issued, result)
        });
    };
    loop {
        tokio::select! {
            biased;
            next = due_rx.recv(), if !pacer_done => match next {
                Some(i) => {
                    issue(i, &mut outstanding, &mut counted_outstanding);
                    while let Ok(i) = due_rx.try_recv() {
                        issue(i, &mut outstanding, &mut counted_outstanding);
                    }
                }
                None => {
                    pacer_done = true;
                    deadline = Some(tokio::time::Instant::now() + timeout);
                }
            },
            Some((i, issued, result)) = outstanding.next(), if !outstanding.is_empty() => {
                let now = Instant::now();
                shared.outstanding.fetch_sub(1, Ordering::Relaxed);
                state.answered.fetch_add(1, Ordering::Relaxed);
                if !schedule.counts(i) {
                    continue;
                }
                counted_outstanding -= 1;
                let outcome = match &result {
                    Ok(resp) => classify(resp.code),
                    Err(_) => Outcome::Failed,
                };
                match outcome {
                    Outcome::Sent => state.sent.fetch_add(1, Ordering::Relaxed),
                    Outcome::NotOk => state.not_ok.fetch_add(1, Ordering::Relaxed),
                    Outcome::Failed => {
                        state.failures.note(describe(&result));
                        state.failed.fetch_add(1, Ordering::Relaxed)
                    }
                };
                if outcome == Outcome::Sent {
                    let due = schedule.due(i);
                    histograms.intended.saturating_record(now.saturating_duration_since(due).as_micros() as u64);
                    histograms.service.saturating_record(now.duration_since(issued).as_micros() as u64);
                    histograms.issue_lag.saturating_record(issued.saturating_duration_since(due).as_micros() as u64);
                }
            }
            _ = tokio::time::sleep_until(deadline.unwrap_or_else(tokio::time::Instant::now)), if deadline.is_some() => {
                break;
            }
            else => break,
        }
    }
    if counted_outstanding > 0 {
        eprintln!(
            "loadgen: {counted_outstanding} counted requests unanswered {} ms after the last was due",
            timeout.as_millis()
        );
        state.failed.fetch_add(counted_outstanding, Ordering::Relaxed);
    }
    histograms
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

/// The fields every `send` report has: what ran, the counts over the measured window, and latency percentiles.
struct SendReport<'a> {
    args: &'a SendArgs,
    broker: &'a str,
    mode: &'static str,
    inflight: usize,
    seconds: f64,
    /// Wall-clock start of the counted window, so a caller can attribute broker CPU samples to it.
    measure_start_epoch_ms: u64,
    sent: u64,
    not_ok: u64,
    failed: u64,
    latency: &'a Histogram<u64>,
}

impl SendReport<'_> {
    fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        let per_sec = |n: f64| if self.seconds > 0.0 { n / self.seconds } else { 0.0 };
        let h = self.latency;
        let v = json!({
            "tool": "loadgen",
            "mode": self.mode,
            "broker": self.broker,
            "topic": self.args.common.topic,
            "size": self.args.size,
            "header": self.args.common.header.name(),
            "connections": self.args.connections,
            "inflight": self.inflight,
            "threads": self.args.common.threads,
            "seconds": round3(self.seconds),
            "measure_start_epoch_ms": self.measure_start_epoch_ms,
            "measure_end_epoch_ms": self.measure_start_epoch_ms + (self.seconds * 1000.0) as u64,
            "sent": self.sent,
            "not_ok": self.not_ok,
            "failed": self.failed,
            "msgs_per_sec": round3(per_sec(self.sent as f64)),
            "mb_per_sec": round3(per_sec((self.sent * self.args.size as u64) as f64) / 1e6),
            "p50_us": h.value_at_quantile(0.5),
            "p90_us": h.value_at_quantile(0.9),
            "p99_us": h.value_at_quantile(0.99),
            "p999_us": h.value_at_quantile(0.999),
            "max_us": h.max(),
        });
        match v {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        }
    }
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

    fn schedule(rate: u64, warmup_ms: u64, duration_ms: u64) -> Schedule {
        let warmup = Duration::from_millis(warmup_ms);
        Schedule { t0: Instant::now(), rate, window: (warmup, warmup + Duration::from_millis(duration_ms)) }
    }

    #[test]
    fn due_times_are_exact_and_do_not_drift() {
        assert_eq!(due_offset(0, 2000), Duration::ZERO);
        assert_eq!(due_offset(1, 2000), Duration::from_micros(500));
        assert_eq!(due_offset(2000, 2000), Duration::from_secs(1));
        // 3/s: 333_333_333.3 ns apart, floored per message, never accumulated
        assert_eq!(due_offset(1, 3), Duration::from_nanos(333_333_333));
        assert_eq!(due_offset(2, 3), Duration::from_nanos(666_666_666));
        assert_eq!(due_offset(3_000_000, 3), Duration::from_secs(1_000_000));
        assert_eq!(due_offset(7, 1_000_000_000), Duration::from_nanos(7));
        // ten hours at 10 M msgs/s stays exact
        assert_eq!(due_offset(360_000_000_000, 10_000_000), Duration::from_secs(36_000));
    }

    #[test]
    fn due_count_is_the_number_due_strictly_before_the_span() {
        assert_eq!(due_count(Duration::ZERO, 2000), 0);
        assert_eq!(due_count(Duration::from_secs(1), 2000), 2000);
        assert_eq!(due_count(Duration::from_nanos(1), 2000), 1, "message 0 is due at 0");
        assert_eq!(due_count(Duration::from_micros(500), 2000), 1);
        assert_eq!(due_count(Duration::from_nanos(500_001), 2000), 2);
        assert_eq!(due_count(Duration::from_secs(1), 3), 3);
        for rate in [1, 3, 7, 2000, 20_000, 999_983] {
            for span_ns in [0, 1, 999, 333_333_333, 333_333_334, 1_000_000_000, 1_234_567_891] {
                let span = Duration::from_nanos(span_ns);
                let n = due_count(span, rate);
                assert!(n == 0 || due_offset(n - 1, rate) < span, "rate {rate} span {span_ns}");
                assert!(due_offset(n, rate) >= span, "rate {rate} span {span_ns}");
            }
        }
    }

    #[test]
    fn connections_take_messages_round_robin() {
        let spread: Vec<_> = (0..9).map(|i| connection_of(i, 4)).collect();
        assert_eq!(spread, [0, 1, 2, 3, 0, 1, 2, 3, 0]);
        assert!((0..100).all(|i| connection_of(i, 1) == 0));
    }

    #[test]
    fn only_messages_due_inside_the_window_count() {
        let s = schedule(2000, 1000, 5000);
        assert_eq!(s.total(), 12_000);
        assert_eq!(s.counted(), 2000..12_000);
        assert!(!s.counts(0) && !s.counts(1999));
        assert!(s.counts(2000), "due exactly at the window's start");
        assert!(s.counts(11_999));
        assert!(!s.counts(12_000), "due exactly at the window's end");
        // the range and the predicate agree, also with uneven rates and spans
        for s in [schedule(2000, 1000, 5000), schedule(3, 1000, 2000), schedule(7, 333, 1001), schedule(20_000, 0, 10)]
        {
            let range = s.counted();
            for i in 0..s.total() + 5 {
                assert_eq!(s.counts(i), range.contains(&i), "{s:?} message {i}");
            }
        }
        let none = schedule(2000, 1000, 0);
        assert!(none.counted().is_empty());
        assert!((0..3000).all(|i| !none.counts(i)));
    }

    #[test]
    fn chart_has_the_fixed_percentiles_and_the_maximum() {
        let mut h = new_histogram();
        for v in 1..=1000 {
            h.record(v).unwrap();
        }
        let c = chart(&h);
        let ps: Vec<f64> = c.iter().map(|(p, _)| *p).collect();
        assert_eq!(ps, CHART_PERCENTILES);
        assert_eq!(c[0].1, 1);
        assert_eq!(c[1].1, 500);
        assert_eq!(c.last().unwrap().1, h.max());
        assert!(c.windows(2).all(|w| w[0].1 <= w[1].1));
    }

    #[test]
    fn rate_flag_parses_and_excludes_total_bytes() {
        let cli = Cli::parse_from(["loadgen", "send", "--rate", "2000", "--duration", "5", "--warmup", "1"]);
        let Command::Send(a) = cli.command else { unreachable!() };
        assert_eq!((a.rate, a.max_outstanding, a.pacer), (Some(2000), 100_000, PacerArg::Thread));
        assert!(Cli::try_parse_from(["loadgen", "send", "--rate", "0"]).is_err());
        assert!(Cli::try_parse_from(["loadgen", "send", "--rate", "10", "--total-bytes", "100"]).is_err());
        assert_eq!(args("json").rate, None, "closed loop without --rate");
    }

    #[test]
    fn tiny_bodies_carry_part_of_the_sequence() {
        let mut a = args("json");
        a.size = 3;
        let body = SendTemplate::new(&a).request(0x0102_0304_0506_0708).body.unwrap();
        assert_eq!(&body[..], &[1, 2, 3]);
    }
}
