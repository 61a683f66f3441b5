//! `UNIQ_KEY` generation (Java's `MessageClientIDSetter`), for messages a 5.3.3 broker stores without one.
//!
//! ```text
//!  +------------+-------+-------------+------------------------------+---------+
//!  | IP (4/16)  | pid 2 | loader id 4 | ms since the month began (4) | count 2 |   → 32 (56) upper-case hex
//!  +------------+-------+-------------+------------------------------+---------+
//! ```
//!
//! The first three parts are fixed per process (Java's class-loader hash is a random number here); the month
//! is the local one, as in Java (`getNearlyTimeFromID` reads it back, to bound UNIQ_KEY queries).

use std::net::IpAddr;
use std::sync::atomic::{AtomicU16, Ordering};

use parking_lot::Mutex;

use crate::store::commitlog::now_ms;
use crate::store::mapped_file::os::local_time;

/// Generates `UNIQ_KEY`s for one broker.
#[derive(Debug)]
pub struct UniqIdGenerator {
    prefix: String,
    counter: AtomicU16,
    /// (year, month, its first millisecond) of the last id, local time.
    month: Mutex<(i32, u32, i64)>,
}

impl UniqIdGenerator {
    /// A generator whose ids carry `ip` (Java: the host's first public address).
    pub fn new(ip: IpAddr) -> Self {
        let mut fixed: Vec<u8> = match ip {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => v6.octets().to_vec(),
        };
        fixed.extend_from_slice(&(std::process::id() as u16).to_be_bytes());
        fixed.extend_from_slice(&random_u32().to_be_bytes());
        UniqIdGenerator { prefix: hex(&fixed), counter: AtomicU16::new(0), month: Mutex::new((0, 0, 0)) }
    }

    /// `MessageClientIDSetter.createUniqID`.
    pub fn create(&self) -> String {
        let now = now_ms();
        let start = {
            let mut month = self.month.lock();
            let t = local_time(now);
            if month.0 != t.year || month.1 != t.month {
                *month = (t.year, t.month, month_start(now));
            }
            month.2
        };
        let mut tail = [0u8; 6];
        tail[..4].copy_from_slice(&((now - start) as i32).to_be_bytes());
        tail[4..].copy_from_slice(&self.counter.fetch_add(1, Ordering::Relaxed).to_be_bytes());
        let mut id = String::with_capacity(self.prefix.len() + 12);
        id.push_str(&self.prefix);
        id.push_str(&hex(&tail));
        id
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    crate::store::message::push_hex_upper(&mut s, bytes);
    s
}

fn random_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    h.finish() as u32
}

/// The first millisecond of the local month holding `now_ms` (Java's `setStartTime`, without its DST care).
fn month_start(now_ms: i64) -> i64 {
    let t = local_time(now_ms);
    now_ms
        - i64::from(t.day - 1) * 86_400_000
        - i64::from(t.hour) * 3_600_000
        - i64::from(t.minute) * 60_000
        - i64::from(t.second) * 1000
        - i64::from(t.millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_hex_digits_and_distinct() {
        let g = UniqIdGenerator::new("10.0.0.5".parse().unwrap());
        let a = g.create();
        let b = g.create();
        assert_eq!(a.len(), 32);
        assert!(a.starts_with("0A000005"));
        assert!(a.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
        assert_ne!(a, b);
        assert_eq!(a[..20], b[..20], "the prefix is fixed per process");
    }

    #[test]
    fn month_start_is_the_first_of_the_month() {
        let now = now_ms();
        let start = month_start(now);
        let t = local_time(start);
        // (an hour off when a DST change happened since the 1st, as the calculation ignores it)
        assert!((t.day == 1 && t.hour <= 1) || t.hour == 23, "{t:?}");
        assert_eq!((t.minute, t.second, t.millis), (0, 0, 0));
        assert!(now - start < 32 * 86_400_000);
    }
}
