//! The iteration order of a `java.util.Properties` on JDK 9+, where a `Properties` keeps its entries in a
//! `ConcurrentHashMap(8)`: 4.9.8's `Configuration` prints its `allConfigs` in that order (mqadmin.md §3.37).
//!
//! Only the keys matter for the order. The emulation follows JDK 17's `ConcurrentHashMap` single-threaded:
//!
//! ```text
//! table: 16 bins at first (initial capacity 8), sizeCtl = 0.75 × bins
//! bin = spread(String.hashCode()) & (bins − 1)      spread(h) = (h ^ (h >>> 16)) & 0x7fffffff
//! put:  list bin → append at the tail; tree bin → insert at the head of its `first` list
//!       a list that had ≥ 8 nodes: tables < 64 grow (tryPresize(2n)), larger ones turn the bin into a tree
//!       count ≥ sizeCtl → transfer to 2n bins
//! transfer of a list bin: the last run of nodes going to the same half stays in order, the nodes before it
//!       are prepended one by one (so they come out reversed); a tree bin splits in order and stays a tree
//!       only above 6 nodes
//! iteration: bins 0 … n−1, each bin in list order
//! ```

/// Keys in the order a JDK 9+ `Properties` (a `ConcurrentHashMap`) iterates them.
#[derive(Debug, Clone)]
pub(crate) struct JavaHashOrder {
    bins: Vec<Bin>,
    count: usize,
    size_ctl: usize,
}

#[derive(Debug, Clone, Default)]
struct Bin {
    nodes: Vec<(u32, String)>,
    tree: bool,
}

const TREEIFY_THRESHOLD: usize = 8;
const UNTREEIFY_THRESHOLD: usize = 6;
const MIN_TREEIFY_CAPACITY: usize = 64;

/// Java's `String.hashCode()` over UTF-16 code units.
pub(crate) fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

fn spread(h: i32) -> u32 {
    let h = h as u32;
    (h ^ (h >> 16)) & 0x7fff_ffff
}

impl JavaHashOrder {
    /// `new Properties()`: a `ConcurrentHashMap(8)`, 16 bins once the first key arrives.
    pub(crate) fn new() -> Self {
        JavaHashOrder { bins: vec![Bin::default(); 16], count: 0, size_ctl: 12 }
    }

    /// `put(key, …)`: a new key takes its place; an existing one keeps it.
    pub(crate) fn put(&mut self, key: &str) {
        let hash = spread(java_string_hash(key));
        let n = self.bins.len();
        let bin = &mut self.bins[(hash as usize) & (n - 1)];
        if bin.nodes.iter().any(|(_, k)| k == key) {
            return;
        }
        let before = bin.nodes.len();
        if bin.tree {
            bin.nodes.insert(0, (hash, key.to_owned()));
        } else {
            bin.nodes.push((hash, key.to_owned()));
            if before >= TREEIFY_THRESHOLD {
                if n < MIN_TREEIFY_CAPACITY {
                    self.try_presize(n << 1);
                } else {
                    bin.tree = true;
                }
            }
        }
        self.count += 1;
        while self.count >= self.size_ctl {
            self.transfer();
        }
    }

    /// Every key, in iteration order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.bins.iter().flat_map(|b| b.nodes.iter().map(|(_, k)| k.as_str()))
    }

    fn try_presize(&mut self, size: usize) {
        let c = (size + (size >> 1) + 1).next_power_of_two();
        while c > self.size_ctl {
            self.transfer();
        }
    }

    fn transfer(&mut self) {
        let n = self.bins.len();
        let mut next = vec![Bin::default(); n << 1];
        for (i, bin) in std::mem::take(&mut self.bins).into_iter().enumerate() {
            let (lo, hi) = if bin.tree { split_tree(bin.nodes, n) } else { split_list(bin.nodes, n) };
            next[i] = lo;
            next[i + n] = hi;
        }
        self.bins = next;
        self.size_ctl = (n << 1) - (n >> 1);
    }
}

fn split_list(nodes: Vec<(u32, String)>, n: usize) -> (Bin, Bin) {
    let bit = |h: u32| (h as usize) & n;
    let Some(first) = nodes.first() else {
        return (Bin::default(), Bin::default());
    };
    let mut run_bit = bit(first.0);
    let mut last_run = 0;
    for (i, (h, _)) in nodes.iter().enumerate().skip(1) {
        if bit(*h) != run_bit {
            run_bit = bit(*h);
            last_run = i;
        }
    }
    let mut lo = Vec::new();
    let mut hi = Vec::new();
    let mut nodes = nodes;
    let run: Vec<_> = nodes.drain(last_run..).collect();
    for node in nodes {
        if bit(node.0) == 0 {
            lo.insert(0, node);
        } else {
            hi.insert(0, node);
        }
    }
    if run_bit == 0 {
        lo.extend(run);
    } else {
        hi.extend(run);
    }
    (Bin { nodes: lo, tree: false }, Bin { nodes: hi, tree: false })
}

fn split_tree(nodes: Vec<(u32, String)>, n: usize) -> (Bin, Bin) {
    let (lo, hi): (Vec<_>, Vec<_>) = nodes.into_iter().partition(|(h, _)| (*h as usize) & n == 0);
    let tree = |v: &Vec<_>| v.len() > UNTREEIFY_THRESHOLD;
    (Bin { tree: tree(&lo), nodes: lo }, Bin { tree: tree(&hi), nodes: hi })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_is_javas() {
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("Aa"), 2112);
        assert_eq!(java_string_hash("BB"), 2112);
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
    }

    #[test]
    fn small_maps_iterate_by_bin() {
        // "b" (98) and "a" (97) land in bins 2 and 1 of 16: bin order, not insertion order.
        let mut m = JavaHashOrder::new();
        m.put("b");
        m.put("a");
        m.put("b");
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b"]);
    }
}
