//! The store-wide figures of GET_BROKER_RUNTIME_INFO (Java `StoreStatsService`) and the midnight counters
//! (Java `BrokerStats`).
//!
//! [`StoreStatsService`] counts puts, failed puts, found/missed gets and delivered messages with relaxed
//! atomics, and every put's duration into two histograms (Java's 13 distribution ranges and the 76 latency
//! buckets behind `putLatency99`/`putLatency999`). Its sampler ([`StoreStatsService::sample`], every
//! [`STORE_SAMPLE_PERIOD_MS`]) keeps the last 601 snapshots of the counters, from which the three TPS windows
//! of 10, 60 and 600 samples are computed, and — like Java's `printTps` — once more than 60 s have passed
//! since the last rotation (or boot) it swaps the histograms: the runtime info always shows the **previous**
//! full minute, and `putMessageDistributeTime` reads `null` until the first rotation, as in Java.
//!
//! Histograms are two banks of atomics with an index: a put increments the current bank, the rotation zeroes
//! the other bank and flips the index (an increment racing with the flip lands in the bank just retired, as
//! Java's increments racing with its array swap do).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};

use parking_lot::Mutex;

use super::java_fmt::{double_to_string, format_2f, grouped};

/// How often [`StoreStatsService::sample`] must run (`FREQUENCY_OF_SAMPLING`, 1 s): the TPS windows are
/// counted in samples.
pub const STORE_SAMPLE_PERIOD_MS: i64 = 1000;
/// `MAX_RECORDS_OF_SAMPLING`: 600 intervals are kept (601 snapshots).
const MAX_RECORDS_OF_SAMPLING: usize = 600;
/// `printTPSInterval`: the histograms rotate when more than this has passed since the last rotation.
const PRINT_TPS_INTERVAL_MS: i64 = 60_000;
/// The TPS windows, in samples.
const TPS_WINDOWS: [usize; 3] = [10, 60, 600];

/// `PUT_MESSAGE_ENTIRE_TIME_MAX_DESC`.
const DISTRIBUTE_LABELS: [&str; 13] = [
    "[<=0ms]",
    "[0~10ms]",
    "[10~50ms]",
    "[50~100ms]",
    "[100~200ms]",
    "[200~500ms]",
    "[500ms~1s]",
    "[1~2s]",
    "[2~3s]",
    "[3~4s]",
    "[4~5s]",
    "[5~10s]",
    "[10s~]",
];

const LATENCY_BUCKET_COUNT: usize = 76;

/// Upper bounds (ms, inclusive) of the latency buckets: Java's `PUT_MESSAGE_ENTIRE_TIME_BUCKETS` rule — steps
/// of 1 ms ×20, 2 ×15, 5 ×10, 10 ×10, 50 ×6, 100 ×5, 1000 ×9 — and a last bucket up to `Long.MAX_VALUE`.
const LATENCY_BOUNDS: [i64; LATENCY_BUCKET_COUNT] = latency_bounds();

const fn latency_bounds() -> [i64; LATENCY_BUCKET_COUNT] {
    const RULE: [(i64, usize); 7] = [(1, 20), (2, 15), (5, 10), (10, 10), (50, 6), (100, 5), (1000, 9)];
    let mut out = [0i64; LATENCY_BUCKET_COUNT];
    let (mut i, mut bound, mut r) = (0, 0, 0);
    while r < RULE.len() {
        let (step, n) = RULE[r];
        let mut k = 0;
        while k < n {
            bound += step;
            out[i] = bound;
            i += 1;
            k += 1;
        }
        r += 1;
    }
    out[i] = i64::MAX;
    out
}

/// The 13-range index of a put duration (`setPutMessageEntireTimeMax`).
fn distribute_index(ms: i64) -> usize {
    const UPPER: [i64; 12] = [1, 10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10_000];
    // `<= 0` is the first range; then each range is `[previous, upper)`.
    if ms <= 0 {
        return 0;
    }
    UPPER[1..].iter().position(|u| ms < *u).map_or(12, |p| p + 1)
}

/// The latency bucket of a put duration: the first bound `>= ms` (`TreeMap.ceilingEntry`).
fn latency_index(ms: i64) -> usize {
    LATENCY_BOUNDS.partition_point(|b| *b < ms).min(LATENCY_BUCKET_COUNT - 1)
}

#[derive(Debug)]
struct Bank {
    distribute: [AtomicI64; 13],
    latency: [AtomicI64; LATENCY_BUCKET_COUNT],
}

impl Bank {
    fn new() -> Self {
        Bank {
            distribute: std::array::from_fn(|_| AtomicI64::new(0)),
            latency: std::array::from_fn(|_| AtomicI64::new(0)),
        }
    }

    fn clear(&self) {
        self.distribute.iter().chain(self.latency.iter()).for_each(|c| c.store(0, Ordering::Relaxed));
    }
}

/// One sampling of the cumulative counters (Java keeps one `CallSnapshot` list per counter; they are always
/// sampled together).
#[derive(Debug, Clone, Copy)]
struct Snapshot {
    timestamp: i64,
    put: i64,
    found: i64,
    miss: i64,
    transferred: i64,
}

#[derive(Debug)]
struct Sampling {
    snapshots: VecDeque<Snapshot>,
    last_rotation_ms: i64,
}

/// Mirrors `StoreStatsService`: store-wide put/get counters, their TPS windows and the put-time histograms.
#[derive(Debug)]
pub struct StoreStatsService {
    boot_ms: i64,
    /// Σ `putMessageTopicTimesTotal`: messages put (a batch counts its messages).
    put_times_total: AtomicI64,
    /// Σ `putMessageTopicSizeTotal`: bytes written.
    put_size_total: AtomicI64,
    put_failed_times: AtomicI64,
    get_found: AtomicI64,
    get_miss: AtomicI64,
    get_transferred: AtomicI64,
    put_time_max: AtomicI64,
    get_time_max: AtomicI64,
    banks: [Bank; 2],
    /// The bank being filled; the other holds the previous minute.
    current: AtomicUsize,
    /// Whether a previous minute exists (Java's `lastPutMessageDistributeTime != null`).
    rotated: AtomicBool,
    sampling: Mutex<Sampling>,
}

impl StoreStatsService {
    /// A service whose boot time (`bootTimestamp`, the `runtime` origin, the first rotation's origin) is
    /// `boot_ms`.
    pub fn new(boot_ms: i64) -> Self {
        StoreStatsService {
            boot_ms,
            put_times_total: AtomicI64::new(0),
            put_size_total: AtomicI64::new(0),
            put_failed_times: AtomicI64::new(0),
            get_found: AtomicI64::new(0),
            get_miss: AtomicI64::new(0),
            get_transferred: AtomicI64::new(0),
            put_time_max: AtomicI64::new(0),
            get_time_max: AtomicI64::new(0),
            banks: [Bank::new(), Bank::new()],
            current: AtomicUsize::new(0),
            rotated: AtomicBool::new(false),
            sampling: Mutex::new(Sampling {
                snapshots: VecDeque::with_capacity(MAX_RECORDS_OF_SAMPLING + 2),
                last_rotation_ms: boot_ms,
            }),
        }
    }

    /// A successful store put of `msgs` messages and `bytes` bytes that took `elapsed_ms` (Java: the commit
    /// log's per-topic totals plus `setPutMessageEntireTimeMax`). Relaxed atomics only.
    #[inline]
    pub fn on_put(&self, msgs: i64, bytes: i64, elapsed_ms: i64) {
        self.put_times_total.fetch_add(msgs, Ordering::Relaxed);
        self.put_size_total.fetch_add(bytes, Ordering::Relaxed);
        self.record_put_time(elapsed_ms);
    }

    /// A store put that ran and failed after `elapsed_ms` (`putMessageFailedTimes`).
    pub fn on_put_failed(&self, elapsed_ms: i64) {
        self.put_failed_times.fetch_add(1, Ordering::Relaxed);
        self.record_put_time(elapsed_ms);
    }

    #[inline]
    fn record_put_time(&self, ms: i64) {
        let bank = &self.banks[self.current.load(Ordering::Acquire) & 1];
        bank.latency[latency_index(ms)].fetch_add(1, Ordering::Relaxed);
        bank.distribute[distribute_index(ms)].fetch_add(1, Ordering::Relaxed);
        self.put_time_max.fetch_max(ms, Ordering::Relaxed);
    }

    /// A store get that found messages: `getMessageTimesTotalFound` + 1, `msgs` delivered
    /// (`getMessageTransferedMsgCount`), `getMessageEntireTimeMax`.
    #[inline]
    pub fn on_get_found(&self, msgs: i64, elapsed_ms: i64) {
        self.get_found.fetch_add(1, Ordering::Relaxed);
        self.get_transferred.fetch_add(msgs, Ordering::Relaxed);
        self.get_time_max.fetch_max(elapsed_ms, Ordering::Relaxed);
    }

    /// A store get that found nothing (any status but FOUND): `getMessageTimesTotalMiss` + 1.
    #[inline]
    pub fn on_get_miss(&self, elapsed_ms: i64) {
        self.get_miss.fetch_add(1, Ordering::Relaxed);
        self.get_time_max.fetch_max(elapsed_ms, Ordering::Relaxed);
    }

    /// `getPutMessageTimesTotal()`: messages put since boot.
    pub fn put_message_times_total(&self) -> i64 {
        self.put_times_total.load(Ordering::Relaxed)
    }

    /// `getGetMessageTransferedMsgCount()`: messages delivered since boot.
    pub fn get_transferred_msg_count(&self) -> i64 {
        self.get_transferred.load(Ordering::Relaxed)
    }

    /// The sampler (Java's service thread: `sampling()` then `printTps()`), every
    /// [`STORE_SAMPLE_PERIOD_MS`].
    pub fn sample(&self, now_ms: i64) {
        let mut s = self.sampling.lock();
        s.snapshots.push_back(Snapshot {
            timestamp: now_ms,
            put: self.put_times_total.load(Ordering::Relaxed),
            found: self.get_found.load(Ordering::Relaxed),
            miss: self.get_miss.load(Ordering::Relaxed),
            transferred: self.get_transferred.load(Ordering::Relaxed),
        });
        if s.snapshots.len() > MAX_RECORDS_OF_SAMPLING + 1 {
            s.snapshots.pop_front();
        }
        if now_ms > s.last_rotation_ms + PRINT_TPS_INTERVAL_MS {
            s.last_rotation_ms = now_ms;
            let next = (self.current.load(Ordering::Acquire) & 1) ^ 1;
            self.banks[next].clear();
            self.current.store(next, Ordering::Release);
            self.rotated.store(true, Ordering::Release);
        }
    }

    /// The bank holding the previous minute, if a rotation happened.
    fn last_bank(&self) -> Option<&Bank> {
        self.rotated.load(Ordering::Acquire).then(|| &self.banks[(self.current.load(Ordering::Acquire) & 1) ^ 1])
    }

    /// `putMessageDistributeTimeToString()`: the previous minute's ranges, `"null"` before the first rotation.
    fn distribute_time_string(&self) -> String {
        let Some(bank) = self.last_bank() else {
            return "null".to_owned();
        };
        let mut out = String::with_capacity(200);
        for (label, count) in DISTRIBUTE_LABELS.iter().zip(&bank.distribute) {
            out.push_str(label);
            out.push(':');
            out.push_str(&count.load(Ordering::Relaxed).to_string());
            out.push(' ');
        }
        out
    }

    /// `findPutMessageEntireTimePX(px)` over the previous minute's buckets, interpolating linearly inside the
    /// bucket that holds the `(long)(total × px)`-th put; Java's long arithmetic (wrapping) is kept.
    fn put_latency_px(&self, px: f64) -> f64 {
        let Some(bank) = self.last_bank() else {
            return 0.0;
        };
        let counts: Vec<i64> = bank.latency.iter().map(|c| c.load(Ordering::Relaxed)).collect();
        let total: i64 = counts.iter().sum();
        let px_index = (total as f64 * px) as i64;
        let mut passed = 0i64;
        for (i, (&count, &bound)) in counts.iter().zip(LATENCY_BOUNDS.iter()).enumerate() {
            if px_index <= passed + count {
                let relative = px_index - passed;
                let lower = if i == 0 { 0 } else { LATENCY_BOUNDS[i - 1] };
                let inside = if count == 0 {
                    0.0
                } else {
                    bound.wrapping_sub(lower).wrapping_mul(relative) as f64 / count as f64
                };
                return lower as f64 + inside;
            }
            passed += count;
        }
        0.0
    }

    /// The three TPS windows of one counter: each `Double.toString(tps)`, or empty while fewer than
    /// `window + 1` snapshots exist (`"  "` right after boot); joined by single spaces.
    fn tps_string(&self, field: fn(&Snapshot) -> i64) -> String {
        let s = self.sampling.lock();
        let parts: Vec<String> = TPS_WINDOWS
            .iter()
            .map(|w| window_tps(&s.snapshots, *w, field).map(double_to_string).unwrap_or_default())
            .collect();
        parts.join(" ")
    }

    /// `getGetTotalTps()`: found + miss per window, a missing window counting 0 (so never empty).
    fn total_tps_string(&self) -> String {
        let s = self.sampling.lock();
        let parts: Vec<String> = TPS_WINDOWS
            .iter()
            .map(|w| {
                let found = window_tps(&s.snapshots, *w, |x| x.found).unwrap_or(0.0);
                let miss = window_tps(&s.snapshots, *w, |x| x.miss).unwrap_or(0.0);
                double_to_string(found + miss)
            })
            .collect();
        parts.join(" ")
    }

    /// `getRuntimeInfo()` at `now_ms`: `bootTimestamp`, `runtime`, `putMessageEntireTimeMax`,
    /// `putMessageTimesTotal` (at least 1), `putMessageFailedTimes`, `putMessageSizeTotal`,
    /// `putMessageDistributeTime`, `putMessageAverageSize`, `dispatchMaxBuffer`, `getMessageEntireTimeMax`,
    /// `putTps`, `getFoundTps`, `getMissTps`, `getTotalTps`, both `getTransferedTps` (4.9.8) and
    /// `getTransferredTps` (5.3.3), `putLatency99`, `putLatency999`.
    ///
    /// Right after boot (no sample yet) Java throws from `LinkedList.getLast()` and the request fails; here
    /// the TPS values read as empty windows instead.
    pub fn runtime_info(&self, now_ms: i64) -> Vec<(String, String)> {
        let total = self.put_message_times_total().max(1);
        let size = self.put_size_total.load(Ordering::Relaxed);
        let transferred = self.tps_string(|x| x.transferred);
        let kv = |k: &str, v: String| (k.to_owned(), v);
        vec![
            kv("bootTimestamp", self.boot_ms.to_string()),
            kv("runtime", format_runtime(now_ms - self.boot_ms)),
            kv("putMessageEntireTimeMax", self.put_time_max.load(Ordering::Relaxed).to_string()),
            kv("putMessageTimesTotal", total.to_string()),
            kv("putMessageFailedTimes", self.put_failed_times.load(Ordering::Relaxed).to_string()),
            kv("putMessageSizeTotal", size.to_string()),
            kv("putMessageDistributeTime", self.distribute_time_string()),
            kv("putMessageAverageSize", double_to_string(size as f64 / total as f64)),
            // Java's setter for it is never called.
            kv("dispatchMaxBuffer", "0".to_owned()),
            kv("getMessageEntireTimeMax", self.get_time_max.load(Ordering::Relaxed).to_string()),
            kv("putTps", self.tps_string(|x| x.put)),
            kv("getFoundTps", self.tps_string(|x| x.found)),
            kv("getMissTps", self.tps_string(|x| x.miss)),
            kv("getTotalTps", self.total_tps_string()),
            kv("getTransferedTps", transferred.clone()),
            kv("getTransferredTps", transferred),
            kv("putLatency99", format_2f(self.put_latency_px(0.99))),
            kv("putLatency999", format_2f(self.put_latency_px(0.999))),
        ]
    }
}

/// `CallSnapshot.getTPS(list[len − 1 − window], last)`: `(Δcount / Δms) × 1000`, if the list is long enough.
fn window_tps(list: &VecDeque<Snapshot>, window: usize, field: fn(&Snapshot) -> i64) -> Option<f64> {
    if list.len() <= window {
        return None;
    }
    let last = list.back()?;
    let before = list.get(list.len() - 1 - window)?;
    let count = field(last) - field(before);
    let span = last.timestamp - before.timestamp;
    Some(count as f64 / span as f64 * 1000.0)
}

/// `getFormatRuntime()`: `[ D days, H hours, M minutes, S seconds ]` for an uptime of `ms`.
pub fn format_runtime(ms: i64) -> String {
    const SECOND: i64 = 1000;
    const MINUTE: i64 = 60 * SECOND;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    format!(
        "[ {} days, {} hours, {} minutes, {} seconds ]",
        grouped(ms / DAY),
        grouped((ms % DAY) / HOUR),
        grouped((ms % HOUR) / MINUTE),
        grouped((ms % MINUTE) / SECOND)
    )
}

/// Mirrors `BrokerStats`: the put/get totals as they were at the last two local midnights.
#[derive(Debug, Default)]
pub struct BrokerStats {
    put_yesterday_morning: AtomicI64,
    put_today_morning: AtomicI64,
    get_yesterday_morning: AtomicI64,
    get_today_morning: AtomicI64,
}

impl BrokerStats {
    /// `record()`, run at every local midnight: today's morning values become yesterday's, `put_now` and
    /// `get_now` today's.
    pub fn record(&self, put_now: i64, get_now: i64) {
        let put_today = self.put_today_morning.swap(put_now, Ordering::Relaxed);
        self.put_yesterday_morning.store(put_today, Ordering::Relaxed);
        let get_today = self.get_today_morning.swap(get_now, Ordering::Relaxed);
        self.get_yesterday_morning.store(get_today, Ordering::Relaxed);
    }

    /// The six `msgPutTotal*` / `msgGetTotal*` runtime-info entries, given the current totals.
    pub fn runtime_info(&self, put_now: i64, get_now: i64) -> Vec<(String, String)> {
        let v = |a: &AtomicI64| a.load(Ordering::Relaxed).to_string();
        vec![
            ("msgPutTotalYesterdayMorning".to_owned(), v(&self.put_yesterday_morning)),
            ("msgPutTotalTodayMorning".to_owned(), v(&self.put_today_morning)),
            ("msgPutTotalTodayNow".to_owned(), put_now.to_string()),
            ("msgGetTotalYesterdayMorning".to_owned(), v(&self.get_yesterday_morning)),
            ("msgGetTotalTodayMorning".to_owned(), v(&self.get_today_morning)),
            ("msgGetTotalTodayNow".to_owned(), get_now.to_string()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(s: &StoreStatsService, now: i64) -> std::collections::BTreeMap<String, String> {
        s.runtime_info(now).into_iter().collect()
    }

    #[test]
    fn bucket_layout() {
        assert_eq!(&LATENCY_BOUNDS[..3], &[1, 2, 3]);
        assert_eq!(LATENCY_BOUNDS[19], 20);
        assert_eq!(LATENCY_BOUNDS[20], 22);
        assert_eq!(LATENCY_BOUNDS[34], 50);
        assert_eq!(LATENCY_BOUNDS[35], 55);
        assert_eq!(LATENCY_BOUNDS[74], 10_000);
        assert_eq!(LATENCY_BOUNDS[75], i64::MAX);
        assert_eq!(latency_index(0), 0);
        assert_eq!(latency_index(1), 0);
        assert_eq!(latency_index(21), 20);
        assert_eq!(latency_index(22), 20);
        assert_eq!(latency_index(60_000), 75);
        let expect = [(0, 0), (-3, 0), (1, 1), (9, 1), (10, 2), (49, 2), (50, 3), (99, 3), (100, 4), (499, 5)];
        for (ms, i) in expect {
            assert_eq!(distribute_index(ms), i, "{ms} ms");
        }
        let expect = [(500, 6), (999, 6), (1000, 7), (2000, 8), (3999, 9), (4000, 10), (9999, 11), (10_000, 12)];
        for (ms, i) in expect {
            assert_eq!(distribute_index(ms), i, "{ms} ms");
        }
    }

    #[test]
    fn right_after_boot() {
        let s = StoreStatsService::new(1_000_000);
        let m = info(&s, 1_000_500);
        assert_eq!(m["bootTimestamp"], "1000000");
        assert_eq!(m["runtime"], "[ 0 days, 0 hours, 0 minutes, 0 seconds ]");
        assert_eq!(m["putTps"], "  ");
        assert_eq!(m["getTransferedTps"], "  ");
        assert_eq!(m["getTransferredTps"], "  ");
        assert_eq!(m["getTotalTps"], "0.0 0.0 0.0");
        assert_eq!(m["putMessageTimesTotal"], "1");
        assert_eq!(m["putMessageSizeTotal"], "0");
        assert_eq!(m["putMessageAverageSize"], "0.0");
        assert_eq!(m["putMessageDistributeTime"], "null");
        assert_eq!(m["putLatency99"], "0.00");
        assert_eq!(m["putLatency999"], "0.00");
        assert_eq!(m["dispatchMaxBuffer"], "0");
        assert_eq!(m.len(), 18);
    }

    #[test]
    fn tps_windows_fill_up() {
        let s = StoreStatsService::new(0);
        // One message per second, sampled every second from t=1 s.
        for t in 1..=11 {
            s.on_put(1, 100, 2);
            s.sample(t * 1000);
        }
        // 11 snapshots: the 10-sample window exists, the others not yet.
        assert_eq!(info(&s, 11_000)["putTps"], "1.0  ");
        for t in 12..=601 {
            s.on_put(1, 100, 2);
            s.sample(t * 1000);
        }
        let m = info(&s, 601_000);
        assert_eq!(m["putTps"], "1.0 1.0 1.0");
        assert_eq!(m["getFoundTps"], "0.0 0.0 0.0");
        assert_eq!(m["putMessageTimesTotal"], "601");
        assert_eq!(m["putMessageSizeTotal"], "60100");
        assert_eq!(m["putMessageAverageSize"], "100.0");
        assert_eq!(m["runtime"], "[ 0 days, 0 hours, 10 minutes, 1 seconds ]");
    }

    #[test]
    fn spec_example_rate() {
        // 250 puts within the last 600 samples and none in the last 60: "0.0 0.0 0.4166666666666667".
        let s = StoreStatsService::new(0);
        s.sample(1000);
        s.on_put(250, 58_750, 1);
        for t in 2..=601 {
            s.sample(t * 1000);
        }
        let m = info(&s, 601_000);
        assert_eq!(m["putTps"], "0.0 0.0 0.4166666666666667");
        assert_eq!(m["putMessageAverageSize"], "235.0");
    }

    #[test]
    fn gets_found_miss_total_transferred() {
        let s = StoreStatsService::new(0);
        s.sample(1000);
        for _ in 0..20 {
            s.on_get_found(3, 1);
        }
        for _ in 0..10 {
            s.on_get_miss(7);
        }
        for t in 2..=11 {
            s.sample(t * 1000);
        }
        let m = info(&s, 11_000);
        assert_eq!(m["getFoundTps"], "2.0  ");
        assert_eq!(m["getMissTps"], "1.0  ");
        assert_eq!(m["getTotalTps"], "3.0 0.0 0.0");
        assert_eq!(m["getTransferedTps"], "6.0  ");
        assert_eq!(m["getMessageEntireTimeMax"], "7");
        assert_eq!(s.get_transferred_msg_count(), 60);
    }

    #[test]
    fn histograms_show_the_previous_minute() {
        let s = StoreStatsService::new(0);
        for _ in 0..100 {
            s.on_put(1, 10, 5);
        }
        s.on_put_failed(12_000);
        // 60 s exactly is not "more than 60 s": no rotation yet.
        s.sample(60_000);
        assert_eq!(info(&s, 60_000)["putMessageDistributeTime"], "null");
        s.sample(61_000);
        let m = info(&s, 61_000);
        assert_eq!(
            m["putMessageDistributeTime"],
            "[<=0ms]:0 [0~10ms]:100 [10~50ms]:0 [50~100ms]:0 [100~200ms]:0 [200~500ms]:0 [500ms~1s]:0 \
             [1~2s]:0 [2~3s]:0 [3~4s]:0 [4~5s]:0 [5~10s]:0 [10s~]:1 "
        );
        // 101 puts: p99 index (long)(99.99) = 99 falls in bucket (4, 5] holding 100: 4 + 1 × 99 / 100.
        assert_eq!(m["putLatency99"], "4.99");
        // p999 index (long)(100.899) = 100: still that bucket, 4 + 100 / 100.
        assert_eq!(m["putLatency999"], "5.00");
        assert_eq!(m["putMessageEntireTimeMax"], "12000");
        assert_eq!(m["putMessageFailedTimes"], "1");
        // Puts of the new minute are not shown until the next rotation, which empties the shown minute.
        s.on_put(1, 10, 0);
        assert!(info(&s, 62_000)["putMessageDistributeTime"].starts_with("[<=0ms]:0 [0~10ms]:100 "));
        s.sample(121_001);
        let m = info(&s, 121_001);
        assert!(m["putMessageDistributeTime"].starts_with("[<=0ms]:1 [0~10ms]:0 "));
        // One put of 0 ms: index (long)(0.99) = 0 <= 0 + 1 in the first bucket: 1 × 0 / 1.
        assert_eq!(m["putLatency99"], "0.00");
    }

    #[test]
    fn runtime_format() {
        assert_eq!(format_runtime(0), "[ 0 days, 0 hours, 0 minutes, 0 seconds ]");
        let ms = ((2 * 24 + 2) * 3600 + 13 * 60 + 5) * 1000 + 999;
        assert_eq!(format_runtime(ms), "[ 2 days, 2 hours, 13 minutes, 5 seconds ]");
        assert_eq!(format_runtime(1234 * 86_400_000), "[ 1,234 days, 0 hours, 0 minutes, 0 seconds ]");
    }

    #[test]
    fn midnight_record() {
        let b = BrokerStats::default();
        let keys =
            |b: &BrokerStats, p, g| -> Vec<String> { b.runtime_info(p, g).into_iter().map(|(_, v)| v).collect() };
        assert_eq!(keys(&b, 5, 3), ["0", "0", "5", "0", "0", "3"]);
        b.record(100, 40);
        assert_eq!(keys(&b, 150, 60), ["0", "100", "150", "0", "40", "60"]);
        b.record(300, 90);
        assert_eq!(keys(&b, 300, 90), ["100", "300", "300", "40", "90", "90"]);
    }
}
