//! The iteration order of Java's hash maps with `String` keys, so that Thruster writes map entries in the
//! order the Java broker would for the same history of insertions.
//!
//! * `java.util.HashMap`/`HashSet` (5.3.3's derived `groupTopicMap`, attribute maps): iterates bucket by
//!   bucket (bucket = `(h ^ (h >>> 16)) & (capacity - 1)`, `h` = `String.hashCode()`), inside a bucket in
//!   insertion order (a resize splits a bucket without reordering). So the order is a stable sort of the
//!   insertion order by bucket at the final capacity ([`hash_map_order`]; tree bins are not modelled).
//! * `java.util.concurrent.ConcurrentHashMap` (the topic, group and offset tables): a resize *reverses* part
//!   of each bucket (`transfer` prepends the nodes before the bucket's "last run"), bins of nine or more
//!   become trees that prepend new keys, and the table never shrinks. [`ChmOrder`] replays those rules; it
//!   was checked against a JDK 17 `ConcurrentHashMap` (see the tests).

use std::collections::HashMap;

use indexmap::IndexMap;

/// Java's `String.hashCode()`: `h = 31 * h + c` over the UTF-16 code units, wrapping.
pub fn string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// `HashMap.hash(key)` of a `String` key, before masking with the table length; ASCII keys (property names)
/// are hashed byte by byte, others over their UTF-16 code units.
pub fn bucket_of(key: &str) -> u32 {
    let h = if key.is_ascii() {
        key.bytes().fold(0i32, |h, b| h.wrapping_mul(31).wrapping_add(i32::from(b)))
    } else {
        string_hash(key)
    };
    spread(h)
}

/// `HashMap.hash(key)`: the hash with its high half folded into the low half.
fn spread(h: i32) -> u32 {
    let h = h as u32;
    h ^ (h >> 16)
}

/// The capacity of a `HashMap` created with `initial` (a power of two, or 16 for the default constructor)
/// after `len` insertions without removals: it doubles whenever the size exceeds 3/4 of the capacity.
pub fn hash_map_capacity(initial: usize, len: usize) -> usize {
    let mut cap = initial.max(1).next_power_of_two();
    while len > cap * 3 / 4 {
        cap *= 2;
    }
    cap
}

/// Reorders `keys` (given in insertion order) into the iteration order of a `HashMap` of `capacity` buckets.
pub fn hash_map_order<T, F: Fn(&T) -> &str>(keys: &mut [T], capacity: usize, key: F) {
    let mask = capacity.max(1).next_power_of_two() as u32 - 1;
    keys.sort_by_key(|k| spread(string_hash(key(k))) & mask);
}

/// Sorts `map` into `order`'s key order (keys `order` does not know go last, in their current order).
pub fn reorder<V>(map: &mut IndexMap<String, V>, order: &ChmOrder) {
    let positions: HashMap<&str, usize> = order.keys().enumerate().map(|(i, k)| (k, i)).collect();
    let mut ranks: Vec<usize> = map.keys().map(|k| positions.get(k.as_str()).copied().unwrap_or(usize::MAX)).collect();
    if ranks.windows(2).all(|w| w.first() <= w.get(1)) {
        return;
    }
    let mut entries: Vec<(usize, (String, V))> = ranks.drain(..).zip(std::mem::take(map)).collect();
    entries.sort_by_key(|(rank, _)| *rank);
    map.extend(entries.into_iter().map(|(_, kv)| kv));
}

/// The order of a fresh `new ConcurrentHashMap<>()` after `keys` were put in turn (what fastjson builds when
/// it reads a `ConcurrentMap` property, and what Java's `new ConcurrentHashMap<>()` holds after the puts).
pub fn fresh_chm_order<'a>(keys: impl IntoIterator<Item = &'a str>) -> ChmOrder {
    let mut order = ChmOrder::new();
    for k in keys {
        order.put(k);
    }
    order
}

/// `ConcurrentHashMap.spread`: the hash with its high half folded in, sign bit cleared.
fn chm_spread(key: &str) -> u32 {
    spread(string_hash(key)) & 0x7FFF_FFFF
}

/// `tableSizeFor(c)`: the smallest power of two ≥ `c` (at least 1).
fn table_size_for(c: usize) -> usize {
    c.max(1).next_power_of_two()
}

const TREEIFY_THRESHOLD: usize = 8;
const UNTREEIFY_THRESHOLD: usize = 6;
const MIN_TREEIFY_CAPACITY: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Bin {
    /// `(spread hash, key)` in the bin's iteration order.
    keys: Vec<(u32, String)>,
    /// A `TreeBin`: new keys go to the front of its `first` list.
    tree: bool,
}

/// The key order of a `java.util.concurrent.ConcurrentHashMap<String, …>` (JDK 8–17, single-threaded
/// history): the table is created lazily, grows when the count reaches 3/4 of its length, and iterates
/// bins in index order. Only the keys are tracked; values live in the caller's map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChmOrder {
    bins: Vec<Bin>,
    /// Before the table exists: its initial length (0 = default 16); afterwards the resize threshold.
    size_ctl: usize,
    count: usize,
}

impl Default for ChmOrder {
    fn default() -> Self {
        ChmOrder::new()
    }
}

impl ChmOrder {
    /// `new ConcurrentHashMap<>()` (what fastjson creates for a `ConcurrentMap` property).
    pub fn new() -> Self {
        ChmOrder { bins: Vec::new(), size_ctl: 0, count: 0 }
    }

    /// `new ConcurrentHashMap<>(initialCapacity)`: a table of `tableSizeFor(c + c/2 + 1)` bins (JDK 8; JDK 17's
    /// formula gives the same lengths for the capacities the broker uses: 4, 32, 512, 1024).
    pub fn with_initial_capacity(initial_capacity: usize) -> Self {
        ChmOrder {
            bins: Vec::new(),
            size_ctl: table_size_for(initial_capacity + (initial_capacity >> 1) + 1),
            count: 0,
        }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The current table length (0 before the first insertion).
    pub fn table_len(&self) -> usize {
        self.bins.len()
    }

    fn init_table(&mut self, len: usize) {
        self.bins = vec![Bin::default(); len];
        self.size_ctl = len - (len >> 2);
    }

    fn index(&self, hash: u32) -> usize {
        hash as usize & (self.bins.len() - 1)
    }

    /// Whether `key` is present.
    pub fn contains(&self, key: &str) -> bool {
        if self.bins.is_empty() {
            return false;
        }
        let i = self.index(chm_spread(key));
        self.bins.get(i).is_some_and(|b| b.keys.iter().any(|(_, k)| k == key))
    }

    /// `put(key, …)`: a new key goes to the end of its bin (the front in a tree bin); an existing key stays.
    pub fn put(&mut self, key: &str) {
        if self.bins.is_empty() {
            let len = if self.size_ctl > 0 { self.size_ctl } else { 16 };
            self.init_table(len);
        }
        let hash = chm_spread(key);
        let i = self.index(hash);
        let Some(bin) = self.bins.get_mut(i) else {
            return;
        };
        if bin.keys.iter().any(|(_, k)| k == key) {
            return;
        }
        let existing = bin.keys.len();
        if bin.tree {
            bin.keys.insert(0, (hash, key.to_owned()));
        } else {
            bin.keys.push((hash, key.to_owned()));
            if existing >= TREEIFY_THRESHOLD {
                self.treeify_bin(i);
            }
        }
        self.count += 1;
        while self.count >= self.size_ctl && self.bins.len() < (1 << 30) {
            self.transfer();
        }
    }

    /// `putAll(m)`: `tryPresize(m.size())`, then each key in `m`'s iteration order.
    pub fn put_all<'a>(&mut self, keys: impl IntoIterator<Item = &'a str>) {
        let keys: Vec<&str> = keys.into_iter().collect();
        self.try_presize(keys.len());
        for k in keys {
            self.put(k);
        }
    }

    /// `remove(key)`: the other keys keep their order; the table does not shrink.
    pub fn remove(&mut self, key: &str) {
        if self.bins.is_empty() {
            return;
        }
        let i = self.index(chm_spread(key));
        if let Some(bin) = self.bins.get_mut(i) {
            if let Some(pos) = bin.keys.iter().position(|(_, k)| k == key) {
                bin.keys.remove(pos);
                self.count -= 1;
                if bin.tree && bin.keys.len() <= UNTREEIFY_THRESHOLD {
                    bin.tree = false;
                }
            }
        }
    }

    /// The keys in iteration order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.bins.iter().flat_map(|b| b.keys.iter().map(|(_, k)| k.as_str()))
    }

    fn treeify_bin(&mut self, i: usize) {
        let n = self.bins.len();
        if n < MIN_TREEIFY_CAPACITY {
            self.try_presize(n << 1);
        } else if let Some(bin) = self.bins.get_mut(i) {
            bin.tree = true;
        }
    }

    fn try_presize(&mut self, size: usize) {
        let c = table_size_for(size + (size >> 1) + 1);
        loop {
            if self.bins.is_empty() {
                let len = self.size_ctl.max(c);
                self.init_table(len);
            } else if c <= self.size_ctl || self.bins.len() >= (1 << 30) {
                return;
            } else {
                self.transfer();
            }
        }
    }

    /// `transfer`: doubles the table. A list bin keeps its "last run" (the longest tail whose keys all go
    /// to the same half) and prepends the keys before it, one by one, to their half; a tree bin splits in order.
    fn transfer(&mut self) {
        let n = self.bins.len();
        let mut next = vec![Bin::default(); n << 1];
        for (i, bin) in std::mem::take(&mut self.bins).into_iter().enumerate() {
            let high = |h: u32| h as usize & n != 0;
            let (lo, hi, tree) = if bin.tree {
                let (hi, lo): (Vec<_>, Vec<_>) = bin.keys.into_iter().partition(|(h, _)| high(*h));
                (lo, hi, true)
            } else {
                let mut last_run = bin.keys.len();
                if let Some((h, _)) = bin.keys.last() {
                    let bit = high(*h);
                    last_run = bin.keys.iter().rposition(|(h, _)| high(*h) != bit).map_or(0, |p| p + 1);
                }
                let mut keys = bin.keys;
                let tail = keys.split_off(last_run);
                let tail_high = tail.first().is_some_and(|(h, _)| high(*h));
                let (mut lo, mut hi) = if tail_high { (Vec::new(), tail) } else { (tail, Vec::new()) };
                for entry in keys {
                    if high(entry.0) {
                        hi.insert(0, entry);
                    } else {
                        lo.insert(0, entry);
                    }
                }
                (lo, hi, false)
            };
            let as_bin = |keys: Vec<(u32, String)>| Bin { tree: tree && keys.len() > UNTREEIFY_THRESHOLD, keys };
            if let Some(slot) = next.get_mut(i) {
                *slot = as_bin(lo);
            }
            if let Some(slot) = next.get_mut(i + n) {
                *slot = as_bin(hi);
            }
        }
        self.bins = next;
        self.size_ctl = (n << 1) - (n >> 1);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_matches_java() {
        assert_eq!(string_hash(""), 0);
        assert_eq!(string_hash("a"), 97);
        assert_eq!(string_hash("TagA"), 2_598_919);
        assert_eq!(string_hash("TopicTest#KEY1"), -1_656_969_516);
        assert_eq!(string_hash("polygenelubricants"), i32::MIN);
        // A supplementary character counts as two UTF-16 units.
        assert_eq!(string_hash("😀"), 0xD83D * 31 + 0xDE00);
    }

    #[test]
    fn capacity_grows_past_three_quarters() {
        assert_eq!(hash_map_capacity(8, 6), 8);
        assert_eq!(hash_map_capacity(8, 7), 16);
        assert_eq!(hash_map_capacity(16, 12), 16);
        assert_eq!(hash_map_capacity(16, 13), 32);
        assert_eq!(hash_map_capacity(128, 96), 128);
        assert_eq!(hash_map_capacity(128, 97), 256);
        assert_eq!(hash_map_capacity(2, 2), 4);
    }

    /// Orders observed in Java-written files (`fixtures/config/v5.3.3/broker-a/config/consumerOffset.json`,
    /// `topics.json`).
    #[test]
    fn order_matches_java() {
        let mut groups: Vec<String> = ["GroupA", "GroupB", "GroupC"]
            .into_iter()
            .map(String::from)
            .chain((0..14).map(|i| format!("G{i}")))
            .collect();
        hash_map_order(&mut groups, 128, |s| s);
        assert_eq!(
            groups,
            [
                "G11", "G10", "G13", "G12", "G0", "G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9", "GroupA",
                "GroupB", "GroupC"
            ]
        );
        let mut attrs = ["queue.type", "message.type", "cleanup.policy"];
        hash_map_order(&mut attrs, 16, |s| s);
        assert_eq!(attrs, ["cleanup.policy", "message.type", "queue.type"]);
    }

    #[test]
    fn chm_lazy_init_growth_and_presize() {
        let mut m = ChmOrder::with_initial_capacity(1024);
        assert_eq!(m.table_len(), 0);
        m.put("a");
        assert_eq!(m.table_len(), 2048);
        let mut d = ChmOrder::new();
        for i in 0..11 {
            d.put(&format!("k{i}"));
        }
        assert_eq!(d.table_len(), 16);
        d.put("k11");
        assert_eq!(d.table_len(), 32, "the 12th key reaches 3/4 of 16");
        let mut p = ChmOrder::with_initial_capacity(4);
        p.put_all(["a", "b", "c", "d", "e", "f"]);
        // tryPresize compares tableSizeFor(6 + 3 + 1) = 16 with the threshold (12), so Java doubles once more.
        assert_eq!(p.table_len(), 32);
        d.remove("k3");
        assert_eq!((d.len(), d.table_len()), (11, 32));
        assert!(!d.contains("k3") && d.contains("k4"));
    }

    #[test]
    fn chm_transfer_reverses_before_the_last_run() {
        // Keys whose spread hashes are 1, 17, 33, 49 (all in bin 1 of 16; bit 16 alternates 0,1,0,1).
        let keys: Vec<String> = ["\u{1}", "\u{11}", "!", "1"].iter().map(|s| s.to_string()).collect();
        for k in &keys {
            assert_eq!(chm_spread(k) % 16, 1);
        }
        let mut m = ChmOrder::new();
        for k in &keys {
            m.put(k);
        }
        // Grow to 32 by adding unrelated keys in other bins.
        for k in ["B", "C", "D", "E", "F", "G", "H", "I"] {
            m.put(k);
        }
        assert_eq!(m.table_len(), 32);
        let order: Vec<&str> = m.keys().filter(|k| keys.iter().any(|x| x == k)).collect();
        // last run = ["1"] (hi); before it "\u{1}","\u{11}","!" prepended: lo = ["!", "\u{1}"], hi = ["\u{11}", "1"].
        assert_eq!(order, ["!", "\u{1}", "\u{11}", "1"]);
    }

    fn chars(codes: impl IntoIterator<Item = u32>) -> Vec<String> {
        codes.into_iter().filter_map(char::from_u32).map(String::from).collect()
    }

    fn codes<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<u32> {
        keys.filter(|k| k.chars().count() == 1).filter_map(|k| k.chars().next()).map(u32::from).collect()
    }

    /// Orders printed by a real JDK 17 `ConcurrentHashMap` for the same insertions.
    #[test]
    fn chm_tree_bins_match_the_jdk() {
        let mut t = ChmOrder::with_initial_capacity(1024);
        for k in chars((0..12).map(|i| 1 + 2048 * i)) {
            t.put(&k);
        }
        assert_eq!(t.table_len(), 2048);
        assert_eq!(codes(t.keys()), [22529, 20481, 18433, 1, 2049, 4097, 6145, 8193, 10241, 12289, 14337, 16385]);
        for i in 0..2000 {
            t.put(&format!("x{i}"));
        }
        assert_eq!(t.table_len(), 4096);
        assert_eq!(codes(t.keys()), [20481, 1, 4097, 8193, 12289, 16385, 22529, 18433, 2049, 6145, 10241, 14337]);

        let mut s = ChmOrder::new();
        for k in chars((0..10).map(|i| 1 + 32 * i)) {
            s.put(&k);
        }
        assert_eq!(s.table_len(), 128, "treeifying a bin of a small table presizes instead");
        assert_eq!(codes(s.keys()), [129, 1, 257, 161, 33, 289, 65, 193, 97, 225]);
    }
}
