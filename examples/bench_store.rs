//! Store benchmark, driven by `scripts/bench-store` (which measures the disk with `dd` first and cleans up).
//!
//! ```text
//! bench_store all DIR [--dd-direct MB/s] [--dd-fdatasync MB/s] [--threads N] [--reps N] [--secs S]
//!                     [--append-mib MiB] [--recovery-mib MiB] [--rss-mib MiB]
//!     append throughput (128 B, 1 KiB, 4 KiB × ASYNC_FLUSH, SYNC_FLUSH), recovery time per GiB (normal and
//!     abnormal, warm and cold page cache), anonymous RSS while the store grows; prints a Markdown table of
//!     medians
//! bench_store append DIR SIZE async|sync [--threads N] [--secs S] [--append-mib MiB]
//!     one append run (for profiling)
//! ```
//!
//! Every store is created under DIR and removed afterwards. Stores use the Java defaults (1 GiB commit-log
//! files, index on) except where noted; messages look like a producer's: a `UNIQ_KEY`, a tag, `WAIT=true`,
//! eight queues of one topic.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use thruster::store::commitlog::PutMessageStatus;
use thruster::store::config::{FlushDiskType, MessageStoreConfig};
use thruster::store::message::MessageExtBrokerInner;
use thruster::store::store::MessageStore;

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

#[derive(Debug, Clone)]
struct Opts {
    dir: PathBuf,
    threads: usize,
    sync_threads: usize,
    reps: usize,
    secs: f64,
    append_bytes: u64,
    recovery_bytes: u64,
    rss_bytes: u64,
    dd_direct: Option<f64>,
    dd_fdatasync: Option<f64>,
    pretouch: bool,
}

fn parse(args: &[String]) -> (Opts, Vec<String>) {
    let mut o = Opts {
        dir: PathBuf::from("."),
        threads: 4,
        sync_threads: 32,
        reps: 3,
        secs: 5.0,
        append_bytes: 1 << 30,
        recovery_bytes: (1 << 30) + (64 << 20),
        rss_bytes: 4 << 30,
        dd_direct: None,
        dd_fdatasync: None,
        pretouch: true,
    };
    let mut pos = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{a} needs a value")).clone();
        match a.as_str() {
            "--threads" => o.threads = val().parse().unwrap(),
            "--sync-threads" => o.sync_threads = val().parse().unwrap(),
            "--reps" => o.reps = val().parse().unwrap(),
            "--secs" => o.secs = val().parse().unwrap(),
            "--append-mib" => o.append_bytes = val().parse::<u64>().unwrap() << 20,
            "--recovery-mib" => o.recovery_bytes = val().parse::<u64>().unwrap() << 20,
            "--rss-mib" => o.rss_bytes = val().parse::<u64>().unwrap() << 20,
            "--dd-direct" => o.dd_direct = val().parse().ok(),
            "--dd-fdatasync" => o.dd_fdatasync = val().parse().ok(),
            "--no-pretouch" => o.pretouch = false,
            _ => pos.push(a.clone()),
        }
    }
    o.dir = PathBuf::from(pos.first().expect("DIR"));
    (o, pos)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first().cloned() else {
        eprintln!("usage: bench_store all|append DIR ... (see the source)");
        std::process::exit(2);
    };
    let (o, pos) = parse(&args[1..]);
    std::fs::create_dir_all(&o.dir).unwrap();
    match cmd.as_str() {
        "append" => {
            let size: usize = pos[1].parse().unwrap();
            let mode = if pos[2] == "sync" { FlushDiskType::SyncFlush } else { FlushDiskType::AsyncFlush };
            let r = append_run(&o, size, mode, o.threads, 0);
            println!("{r:?}");
        }
        "all" => all(&o),
        _ => {
            eprintln!("unknown command {cmd}");
            std::process::exit(2);
        }
    }
}

fn config(root: &Path, mode: FlushDiskType) -> MessageStoreConfig {
    // the store alone with spare cores: pre-faulting ahead of the write position pays off here (the figures in
    // docs/PERFORMANCE.md's store section were taken with it; a broker has it off unless warmMapedFileEnable)
    MessageStoreConfig {
        store_path_root_dir: root.to_path_buf(),
        flush_disk_type: mode,
        warm_maped_file_enable: true,
        ..Default::default()
    }
}

fn message(body: &Bytes, thread: usize, n: u64) -> MessageExtBrokerInner {
    MessageExtBrokerInner {
        topic: "BenchTopic".into(),
        queue_id: ((n + thread as u64) % 8) as i32,
        body: body.clone(),
        properties: format!(
            "UNIQ_KEY\u{1}7F000001{:04X}18B4AAC2{:016X}\u{2}TAGS\u{1}TagA\u{2}WAIT\u{1}true\u{2}",
            thread, n
        ),
        born_timestamp: 1_700_000_000_000,
        born_host: "10.0.0.5:40000".parse().unwrap(),
        store_host: "192.168.0.10:10911".parse().unwrap(),
        ..Default::default()
    }
}

fn body(size: usize) -> Bytes {
    Bytes::from((0..size).map(|i| b'a' + (i % 26) as u8).collect::<Vec<u8>>())
}

/// Writes from `threads` producers until `limit` record bytes or `secs` have passed. Returns
/// (messages, record bytes, seconds appending).
fn produce(store: &Arc<MessageStore>, threads: usize, size: usize, limit: u64, secs: f64) -> (u64, u64, f64) {
    let written = Arc::new(AtomicU64::new(0));
    let msgs = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(secs);
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (store, written, msgs, stop) =
                (Arc::clone(store), Arc::clone(&written), Arc::clone(&msgs), Arc::clone(&stop));
            std::thread::spawn(move || {
                let body = body(size);
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let r = store.put_message(message(&body, t, n)).wait();
                    n += 1;
                    match r.status {
                        PutMessageStatus::PutOk => {}
                        PutMessageStatus::OsPageCacheBusy | PutMessageStatus::FlushDiskTimeout => continue,
                        s => panic!("put failed: {s:?}"),
                    }
                    let w = u64::try_from(r.append.unwrap().wrote_bytes).unwrap();
                    msgs.fetch_add(1, Ordering::Relaxed);
                    if written.fetch_add(w, Ordering::Relaxed) + w >= limit
                        || (n % 64 == 0 && Instant::now() >= deadline)
                    {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    (msgs.load(Ordering::Relaxed), written.load(Ordering::Relaxed), started.elapsed().as_secs_f64())
}

#[derive(Debug, Clone, Copy)]
struct AppendResult {
    msgs: u64,
    bytes: u64,
    /// seconds until the last put returned
    secs: f64,
    /// seconds of the final commit-log flush (ASYNC: what was still only in the page cache)
    flush_secs: f64,
}

impl AppendResult {
    fn msgs_per_sec(&self) -> f64 {
        self.msgs as f64 / self.secs
    }
    fn mb_per_sec(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.secs
    }
    /// Throughput until everything is on disk (append + final flush).
    fn durable_mb_per_sec(&self) -> f64 {
        self.bytes as f64 / 1e6 / (self.secs + self.flush_secs)
    }
}

/// Writes to (and frees) `bytes` of anonymous memory, so the page cache the next run allocates is memory the
/// hypervisor has backed: on a VM that returns free guest memory to the host (balloon, free page reporting,
/// DAMON reclaim), the first touch of such a page costs a host fault, and a run on "cold" guest memory
/// measures that instead of the store (here: 443 vs 4,000 MB/s for the same mmap writes).
fn pretouch(bytes: u64) {
    let mut v = vec![0u8; usize::try_from(bytes).unwrap()];
    for chunk in v.chunks_mut(4096) {
        chunk[0] = 1;
    }
    std::hint::black_box(&v);
}

fn append_run(o: &Opts, size: usize, mode: FlushDiskType, threads: usize, rep: usize) -> AppendResult {
    let root = o.dir.join(format!("append-{size}-{mode:?}-{rep}"));
    let _ = std::fs::remove_dir_all(&root);
    if o.pretouch {
        pretouch(o.append_bytes + (256 << 20));
    }
    let store = Arc::new(MessageStore::open(config(&root, mode)).unwrap());
    let (msgs, bytes, secs) = produce(&store, threads, size, o.append_bytes, o.secs);
    let t = Instant::now();
    store.commit_log().flush(0).unwrap();
    let flush_secs = t.elapsed().as_secs_f64();
    store.shutdown().unwrap();
    drop(store);
    std::fs::remove_dir_all(&root).unwrap();
    AppendResult { msgs, bytes, secs, flush_secs }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    if v.is_empty() {
        return f64::NAN;
    }
    v[v.len() / 2]
}

/// Drops the store's files from the page cache (they are clean after a shutdown), so the next open reads
/// the disk. Only our files are affected.
#[allow(unsafe_code)]
fn evict(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            evict(&p);
        } else if let Ok(f) = std::fs::File::open(&p) {
            use std::os::fd::AsRawFd;
            let _ = f.sync_all();
            // SAFETY: plain syscall on an open descriptor.
            unsafe {
                libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED);
            }
        }
    }
}

#[derive(Debug, Default)]
struct RecoveryResult {
    commit_log_bytes: i64,
    records: u64,
    write_secs: f64,
    /// (label, seconds per run, GiB scanned per run)
    runs: Vec<(&'static str, Vec<f64>, f64)>,
}

fn recovery(o: &Opts) -> RecoveryResult {
    let root = o.dir.join("recovery");
    let _ = std::fs::remove_dir_all(&root);
    let size = 1024;
    let mut res = RecoveryResult::default();
    {
        let store = Arc::new(MessageStore::open(config(&root, FlushDiskType::AsyncFlush)).unwrap());
        let t = Instant::now();
        let (msgs, bytes, _) = produce(&store, 2, size, o.recovery_bytes, 3600.0);
        store.shutdown().unwrap();
        res.write_secs = t.elapsed().as_secs_f64();
        res.records = msgs;
        res.commit_log_bytes = store.max_phy_offset();
        eprintln!(
            "recovery store: {msgs} records, {:.2} GiB, written and flushed in {:.1} s",
            bytes as f64 / GIB,
            res.write_secs
        );
    }
    let record_size = res.commit_log_bytes as f64 / res.records as f64;
    let abort = root.join("abort");
    for (label, abnormal, cold) in [
        ("normal, warm cache", false, false),
        ("normal, cold cache", false, true),
        ("abnormal, warm cache", true, false),
        ("abnormal, cold cache", true, true),
    ] {
        let mut secs = Vec::new();
        let mut scanned = 0.0;
        for _ in 0..o.reps {
            if cold {
                evict(&root);
            }
            if abnormal {
                std::fs::write(&abort, b"").unwrap();
            }
            let t = Instant::now();
            let store = MessageStore::open(config(&root, FlushDiskType::AsyncFlush)).unwrap();
            secs.push(t.elapsed().as_secs_f64());
            let out = store.recovery_outcome().clone();
            assert_eq!(out.abnormal, abnormal);
            assert_eq!(out.process_offset, res.commit_log_bytes);
            scanned = out.records_scanned as f64 * record_size / GIB;
            store.shutdown().unwrap();
        }
        eprintln!("recovery {label}: {secs:.3?} s, {scanned:.2} GiB scanned");
        res.runs.push((label, secs, scanned));
    }
    std::fs::remove_dir_all(&root).unwrap();
    res
}

fn status_kb(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(field).map(|v| v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0)))
        .unwrap_or(0)
}

/// (GiB written, RssAnon MiB, RssFile MiB) samples while writing `rss_bytes` with 4 KiB messages.
fn rss(o: &Opts) -> (f64, Vec<(f64, f64, f64)>) {
    let root = o.dir.join("rss");
    let _ = std::fs::remove_dir_all(&root);
    let before = status_kb("RssAnon:") as f64 / 1024.0;
    let store = Arc::new(MessageStore::open(config(&root, FlushDiskType::AsyncFlush)).unwrap());
    let samples = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (store, samples, done) = (Arc::clone(&store), Arc::clone(&samples), Arc::clone(&done));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let gib = store.max_phy_offset() as f64 / GIB;
                let anon = status_kb("RssAnon:") as f64 / 1024.0;
                let file = status_kb("RssFile:") as f64 / 1024.0;
                samples.lock().unwrap().push((gib, anon, file));
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    produce(&store, o.threads, 4096, o.rss_bytes, 3600.0);
    let (gib, anon, file) = (
        store.max_phy_offset() as f64 / GIB,
        status_kb("RssAnon:") as f64 / 1024.0,
        status_kb("RssFile:") as f64 / 1024.0,
    );
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let mut all = samples.lock().unwrap().clone();
    all.push((gib, anon, file));
    store.shutdown().unwrap();
    drop(store);
    std::fs::remove_dir_all(&root).unwrap();
    // one sample per 0.5 GiB step: the largest RssAnon seen up to that point
    let mut out = Vec::new();
    let mut step = 0.5;
    let mut max_anon: f64 = 0.0;
    let mut last_file = 0.0;
    for (g, a, f) in &all {
        max_anon = max_anon.max(*a);
        last_file = *f;
        if *g >= step {
            out.push((step, max_anon, *f));
            step += 0.5;
        }
    }
    if out.last().map_or(true, |l| gib > l.0 + 0.01) {
        out.push((gib, max_anon, last_file));
    }
    (before, out)
}

fn all(o: &Opts) {
    let started = Instant::now();
    let sizes = [128usize, 1024, 4096];
    let modes = [
        ("ASYNC", FlushDiskType::AsyncFlush, o.threads),
        ("SYNC", FlushDiskType::SyncFlush, o.threads),
        ("SYNC", FlushDiskType::SyncFlush, o.sync_threads),
    ];
    let mut table: HashMap<(usize, &str, usize), Vec<AppendResult>> = HashMap::new();
    // One uncounted run without pre-touched memory: what a first GiB costs on "cold" guest memory.
    let cold = append_run(&Opts { pretouch: false, ..o.clone() }, 4096, FlushDiskType::AsyncFlush, o.threads, 99);
    eprintln!("cold-memory run: {:.1} MB/s", cold.mb_per_sec());
    for &size in &sizes {
        for (label, mode, threads) in modes {
            for rep in 0..o.reps {
                let r = append_run(o, size, mode, threads, rep);
                eprintln!(
                    "append {size} B {label} {threads} threads #{rep}: {:.0} msg/s, {:.1} MB/s, durable {:.1} MB/s ({} msgs in {:.2} s + flush {:.2} s)",
                    r.msgs_per_sec(),
                    r.mb_per_sec(),
                    r.durable_mb_per_sec(),
                    r.msgs,
                    r.secs,
                    r.flush_secs
                );
                table.entry((size, label, threads)).or_default().push(r);
            }
        }
    }
    let rec = recovery(o);
    let (rss_before, rss_samples) = rss(o);

    println!("### Append throughput (median of {} runs)\n", o.reps);
    println!(
        "Each run: a fresh store, up to {} MiB of records or {:.0} s; the runs of one row back to back; before \
         each, {} MiB of anonymous memory is written and freed (see below). \"to disk\" = bytes / (append time + the final \
         commit-log flush): for ASYNC_FLUSH what it takes until the data is durable; SYNC_FLUSH puts are already \
         durable when they return.\n",
        o.append_bytes >> 20,
        o.secs,
        if o.pretouch { (o.append_bytes >> 20) + 256 } else { 0 }
    );
    println!(
        "| size | flush | producers | msg/s | MB/s appended (min–max) | MB/s to disk | % of dd direct | % of dd fdatasync |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    for &size in &sizes {
        for (label, _, threads) in modes {
            let runs = &table[&(size, label, threads)];
            let mps = median(runs.iter().map(AppendResult::msgs_per_sec).collect());
            let mbs = median(runs.iter().map(AppendResult::mb_per_sec).collect());
            let lo = runs.iter().map(AppendResult::mb_per_sec).fold(f64::INFINITY, f64::min);
            let hi = runs.iter().map(AppendResult::mb_per_sec).fold(0.0, f64::max);
            let durable = median(runs.iter().map(AppendResult::durable_mb_per_sec).collect());
            let pct = |d: Option<f64>| d.map_or("–".to_string(), |d| format!("{:.0} %", 100.0 * durable / d));
            println!(
                "| {} | {label} | {threads} | {mps:.0} | {mbs:.1} ({lo:.0}–{hi:.0}) | {durable:.1} | {} | {} |",
                if size >= 1024 { format!("{} KiB", size / 1024) } else { format!("{size} B") },
                pct(o.dd_direct),
                pct(o.dd_fdatasync)
            );
        }
    }
    println!(
        "\nThe same 4 KiB ASYNC run on memory not touched before (first run of the benchmark, not counted above): \
         {:.1} MB/s appended, {:.1} MB/s to disk.",
        cold.mb_per_sec(),
        cold.durable_mb_per_sec()
    );
    if let (Some(d), Some(f)) = (o.dd_direct, o.dd_fdatasync) {
        println!(
            "\nDisk (dd, 1 GiB, bs=1M, same filesystem, median): oflag=direct {d:.0} MB/s, conv=fdatasync {f:.0} MB/s."
        );
    }

    println!(
        "\n### Recovery ({} records of 1 KiB bodies, {:.2} GiB of commit log, median of {} reopenings)\n",
        rec.records,
        rec.commit_log_bytes as f64 / GIB,
        o.reps
    );
    println!("| kind | page cache | open time (s) | GiB scanned | s per GiB |");
    println!("|---|---|---:|---:|---:|");
    for (label, secs, scanned) in &rec.runs {
        let m = median(secs.clone());
        let (kind, cache) = label.split_once(", ").unwrap();
        println!("| {kind} | {cache} | {m:.3} | {scanned:.2} | {:.3} |", m / scanned.max(1e-9));
    }

    println!(
        "\n### Resident memory while writing {:.1} GiB (4 KiB, ASYNC, {} threads)\n",
        o.rss_bytes as f64 / GIB,
        o.threads
    );
    println!("RssAnon before opening the store: {rss_before:.1} MiB.\n");
    println!("| GiB written | RssAnon MiB (max so far) | RssFile MiB (mapped pages, for reference) |");
    println!("|---:|---:|---:|");
    for (g, a, f) in &rss_samples {
        println!("| {g:.1} | {a:.1} | {f:.0} |");
    }
    let first = rss_samples.iter().find(|s| s.0 >= 1.0).or(rss_samples.first()).map_or(0.0, |s| s.1);
    let last = rss_samples.last().map_or(0.0, |s| s.1);
    let verdict = if last - first <= 16.0_f64.max(first * 0.1) { "flat" } else { "growing" };
    println!(
        "\nRssAnon from 1 GiB to the end: {first:.1} → {last:.1} MiB ({verdict}; {:+.1} MiB per GiB).",
        (last - first) / (rss_samples.last().map_or(1.0, |s| s.0) - 1.0).max(1e-9)
    );
    eprintln!("bench_store: done in {:.0} s", started.elapsed().as_secs_f64());
}
