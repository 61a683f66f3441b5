//! One statistics counter with its minute, hour and day sample windows (Java `StatsItem`, `CallSnapshot`,
//! `StatsSnapshot`).
//!
//! A [`StatsItem`] counts a cumulative `value` and a cumulative call count (`times`) with relaxed atomics: the
//! recording side never locks and never allocates. The sampler copies both into three bounded windows:
//!
//! | window | sampled every | kept snapshots | seed added before the first snapshot |
//! |---|---|---|---|
//! | minute | 10 s | 7 (60 s) | `(now − 10 s, 0, 0)` |
//! | hour | 10 min | 7 (60 min) | `(now − 10 min, 0, 0)` |
//! | day | 1 h | 25 (24 h) | `(now − 1 h, 0, 0)` |
//!
//! and a window's [`StatsSnapshot`] is computed from its oldest and newest snapshot as Java computes it:
//! `sum = last.value − first.value`, `tps = sum × 1000.0 / (last.ts − first.ts)`,
//! `avgpt = sum / (last.times − first.times)` (0 when no call happened). An empty window (before the item's
//! first sampling of that window) reads as all zeros. Because of the seed, the first sampling after an item
//! appears already gives a full-period rate: 5 puts before the first 10-s sampling read as `sum 5, tps 0.5`.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use parking_lot::Mutex;

/// Period of the minute window's sampling (`StatsItemSet.samplingInSeconds`, every 10 s).
pub const MINUTE_SAMPLE_PERIOD_MS: i64 = 10_000;
/// Period of the hour window's sampling (`samplingInMinutes`, every 10 min).
pub const HOUR_SAMPLE_PERIOD_MS: i64 = 10 * 60_000;
/// Period of the day window's sampling (`samplingInHour`, every hour).
pub const DAY_SAMPLE_PERIOD_MS: i64 = 60 * 60_000;

const MINUTE_WINDOW_LEN: usize = 7;
const HOUR_WINDOW_LEN: usize = 7;
const DAY_WINDOW_LEN: usize = 25;

/// Mirrors `StatsSnapshot`: what one window says.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StatsSnapshot {
    /// Value added within the window.
    pub sum: i64,
    /// `sum` per second over the window's time span.
    pub tps: f64,
    /// Average value per call (`sum / times`), 0 without calls.
    pub avgpt: f64,
    /// Calls within the window.
    pub times: i64,
}

/// Mirrors `CallSnapshot` (of `StatsItem`): the cumulative counters at one sampling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CallSnapshot {
    timestamp: i64,
    times: i64,
    value: i64,
}

/// One bounded list of snapshots (Java's `csListMinute` / `csListHour` / `csListDay`).
#[derive(Debug)]
struct Window {
    snapshots: VecDeque<CallSnapshot>,
    /// The seed's distance before the first real snapshot.
    seed_back_ms: i64,
    /// At most this many snapshots are kept.
    cap: usize,
}

impl Window {
    fn new(seed_back_ms: i64, cap: usize) -> Self {
        // Allocated on the first sampling, so items that are never live cost no window storage.
        Window { snapshots: VecDeque::new(), seed_back_ms, cap }
    }

    fn push(&mut self, now_ms: i64, times: i64, value: i64) {
        if self.snapshots.is_empty() {
            self.snapshots.push_back(CallSnapshot { timestamp: now_ms - self.seed_back_ms, times: 0, value: 0 });
        }
        self.snapshots.push_back(CallSnapshot { timestamp: now_ms, times, value });
        if self.snapshots.len() > self.cap {
            self.snapshots.pop_front();
        }
    }

    fn compute(&self) -> StatsSnapshot {
        let (Some(first), Some(last)) = (self.snapshots.front(), self.snapshots.back()) else {
            return StatsSnapshot::default();
        };
        let sum = last.value - first.value;
        // Java divides a double by a long span: a zero span gives NaN or infinity, as there.
        let tps = (sum as f64 * 1000.0) / (last.timestamp - first.timestamp) as f64;
        let times = last.times - first.times;
        let avgpt = if times > 0 { sum as f64 / times as f64 } else { 0.0 };
        StatsSnapshot { sum, tps, avgpt, times }
    }
}

#[derive(Debug)]
struct Windows {
    minute: Window,
    hour: Window,
    day: Window,
}

/// Mirrors `StatsItem` (and `RTStatsItem`, which differs only in its log line): one key of one statistic.
#[derive(Debug)]
pub struct StatsItem {
    value: AtomicI64,
    times: AtomicI64,
    /// Set by the first [`add`](Self::add): Java creates an item on its first `addValue`, so an item that was
    /// never added to neither exists for queries nor is sampled.
    live: AtomicBool,
    windows: Mutex<Windows>,
}

impl Default for StatsItem {
    fn default() -> Self {
        Self::new()
    }
}

impl StatsItem {
    /// A fresh item, not yet [live](Self::is_live).
    pub fn new() -> Self {
        StatsItem {
            value: AtomicI64::new(0),
            times: AtomicI64::new(0),
            live: AtomicBool::new(false),
            windows: Mutex::new(Windows {
                minute: Window::new(MINUTE_SAMPLE_PERIOD_MS, MINUTE_WINDOW_LEN),
                hour: Window::new(HOUR_SAMPLE_PERIOD_MS, HOUR_WINDOW_LEN),
                day: Window::new(DAY_SAMPLE_PERIOD_MS, DAY_WINDOW_LEN),
            }),
        }
    }

    /// `StatsItemSet.addValue`: adds `value` and `times` calls. Two relaxed atomic adds, no lock.
    #[inline]
    pub fn add(&self, value: i64, times: i64) {
        self.value.fetch_add(value, Ordering::Relaxed);
        if times != 0 {
            self.times.fetch_add(times, Ordering::Relaxed);
        }
        if !self.live.load(Ordering::Relaxed) {
            self.live.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the item has been added to (Java: whether it exists in its `StatsItemSet`).
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Relaxed)
    }

    /// Cumulative value (`getValue().sum()`).
    pub fn value(&self) -> i64 {
        self.value.load(Ordering::Relaxed)
    }

    /// Cumulative calls (`getTimes().sum()`).
    pub fn times(&self) -> i64 {
        self.times.load(Ordering::Relaxed)
    }

    /// `samplingInSeconds`: a snapshot for the minute window.
    pub fn sample_minute_window(&self, now_ms: i64) {
        let (times, value) = (self.times(), self.value());
        self.windows.lock().minute.push(now_ms, times, value);
    }

    /// `samplingInMinutes`: a snapshot for the hour window.
    pub fn sample_hour_window(&self, now_ms: i64) {
        let (times, value) = (self.times(), self.value());
        self.windows.lock().hour.push(now_ms, times, value);
    }

    /// `samplingInHour`: a snapshot for the day window.
    pub fn sample_day_window(&self, now_ms: i64) {
        let (times, value) = (self.times(), self.value());
        self.windows.lock().day.push(now_ms, times, value);
    }

    /// `getStatsDataInMinute`.
    pub fn stats_in_minute(&self) -> StatsSnapshot {
        self.windows.lock().minute.compute()
    }

    /// `getStatsDataInHour`.
    pub fn stats_in_hour(&self) -> StatsSnapshot {
        self.windows.lock().hour.compute()
    }

    /// `getStatsDataInDay`.
    pub fn stats_in_day(&self) -> StatsSnapshot {
        self.windows.lock().day.compute()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One put of one message per second for `secs` seconds starting at `from_s`, with the minute window
    /// sampled at every multiple of 10 s as the broker's sampler would.
    fn one_per_second(item: &StatsItem, from_s: i64, secs: i64) {
        for s in from_s..from_s + secs {
            item.add(1, 1);
            let now = (s + 1) * 1000;
            if now % MINUTE_SAMPLE_PERIOD_MS == 0 {
                item.sample_minute_window(now);
            }
        }
    }

    #[test]
    fn empty_window_reads_zero() {
        let item = StatsItem::new();
        assert!(!item.is_live());
        assert_eq!(item.stats_in_minute(), StatsSnapshot::default());
        assert_eq!(item.stats_in_hour(), StatsSnapshot::default());
        assert_eq!(item.stats_in_day(), StatsSnapshot::default());
    }

    #[test]
    fn first_sampling_uses_the_seed() {
        // 5 puts, then the first 10-s sampling at t=10 s: list = [(0,0,0), (10000,5,5)].
        let item = StatsItem::new();
        for _ in 0..5 {
            item.add(1, 1);
        }
        assert!(item.is_live());
        item.sample_minute_window(10_000);
        let s = item.stats_in_minute();
        assert_eq!(s.sum, 5);
        assert_eq!(s.tps, 0.5);
        assert_eq!(s.avgpt, 1.0);
        assert_eq!(s.times, 5);
    }

    #[test]
    fn sixty_puts_over_sixty_seconds() {
        let item = StatsItem::new();
        one_per_second(&item, 0, 60);
        // [(0,0,0), 10 s … 60 s]: 7 snapshots, nothing dropped yet.
        let s = item.stats_in_minute();
        assert_eq!((s.sum, s.tps, s.avgpt, s.times), (60, 1.0, 1.0, 60));
        // Ten idle seconds: the seed falls out, first = (10 s, 10, 10), last = (70 s, 60, 60).
        item.sample_minute_window(70_000);
        let s = item.stats_in_minute();
        assert_eq!(s.sum, 50);
        assert_eq!(s.tps, 50.0 * 1000.0 / 60_000.0);
        assert_eq!(s.tps, 0.8333333333333334);
        assert_eq!(s.avgpt, 1.0);
    }

    #[test]
    fn batches_give_messages_per_call() {
        // incTopicPutNums(topic, msgNum, 1): 4 sends of 3 messages.
        let item = StatsItem::new();
        for _ in 0..4 {
            item.add(3, 1);
        }
        item.sample_minute_window(10_000);
        let s = item.stats_in_minute();
        assert_eq!((s.sum, s.avgpt), (12, 3.0));
        assert_eq!(s.tps, 1.2);
    }

    #[test]
    fn value_only_items_have_zero_avgpt() {
        // incBrokerPutNums adds to the value only.
        let item = StatsItem::new();
        item.add(7, 0);
        item.sample_minute_window(10_000);
        let s = item.stats_in_minute();
        assert_eq!((s.sum, s.times, s.avgpt), (7, 0, 0.0));
        assert_eq!(s.tps, 0.7);
    }

    #[test]
    fn hour_and_day_windows() {
        let item = StatsItem::new();
        one_per_second(&item, 0, 60);
        // First 10-min sampling at t=10 min: [(0,0,0), (600 s,60,60)].
        item.sample_hour_window(600_000);
        let h = item.stats_in_hour();
        assert_eq!((h.sum, h.tps, h.avgpt), (60, 0.1, 1.0));
        // First hourly sampling at t=1 h: [(0,0,0), (3600 s,60,60)].
        item.sample_day_window(3_600_000);
        let d = item.stats_in_day();
        assert_eq!(d.sum, 60);
        assert_eq!(d.tps, 60_000.0 / 3_600_000.0);
        // The hour window keeps 7 snapshots: after 7 more samplings the 60 early puts are gone.
        for k in 2..=8 {
            item.sample_hour_window(k * 600_000);
        }
        assert_eq!(item.stats_in_hour().sum, 0);
        // The day window keeps 25: 24 more hourly samplings push the seed out as well.
        for k in 2..=25 {
            item.sample_day_window(k * 3_600_000);
        }
        assert_eq!(item.stats_in_day().sum, 0);
    }

    #[test]
    fn day_window_spans_24_hours() {
        let item = StatsItem::new();
        // 100 per hour for 30 hours, sampled hourly.
        for h in 1..=30 {
            item.add(100, 1);
            item.sample_day_window(h * 3_600_000);
        }
        let d = item.stats_in_day();
        // 25 snapshots = 24 hourly intervals.
        assert_eq!(d.sum, 2400);
        assert_eq!(d.tps, 2400.0 * 1000.0 / (24.0 * 3_600_000.0));
        assert_eq!(d.avgpt, 100.0);
    }
}
