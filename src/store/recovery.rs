//! Start-up recovery (spec §6): find the real end of the commit log, cut torn or dirty tails, bring consume
//! queues and index in line, and say where dispatch must resume.
//!
//! ```text
//!  abort file absent -> normal:   scan from min(third-to-last file, file holding the CQ max) to the first
//!                                 invalid record; dispatch resumes at the CQ max (4.9.8 rule, also covers 5.3.3)
//!  abort file present -> abnormal: newest file whose first record is older than checkpoint min timestamp
//!                                 (physic/logics - 3 s), scan from there, re-dispatch everything (idempotent)
//!  then: truncate commit log at processOffset (zeroed tail, fsync), cut consume queues pointing beyond it,
//!        drop index files that reference it, rebuild queue-offset counters and min offsets
//! ```

use std::sync::Arc;

use super::checkpoint::StoreCheckpoint;
use super::commitlog::record::{check_message_and_return_size, store_timestamp_pos, Scan, ScanOptions, SYSFLAG_POS};
use super::commitlog::record::{MESSAGE_MAGIC_CODE, MESSAGE_MAGIC_CODE_V2};
use super::commitlog::CommitLog;
use super::config::MessageStoreConfig;
use super::consume_queue::ConsumeQueueStore;
use super::error::Result;
use super::index_file::IndexService;
use super::mapped_file::{sync_dir, MappedFile};
use super::message::sys_flag;

/// What recovery found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryOutcome {
    /// The abnormal path ran (the `abort` file existed).
    pub abnormal: bool,
    /// Recovered end of the commit log (first byte after the last valid record).
    pub process_offset: i64,
    /// Start offset of the last valid record (−1 if none): the 5.3.3 confirm offset.
    pub last_valid_offset: i64,
    /// Max physical offset over all consume queues before truncation (−1 if none).
    pub max_cq_phy_offset: i64,
    /// Where dispatch must resume.
    pub dispatch_from: i64,
    /// Valid records scanned.
    pub records_scanned: u64,
    /// A consume queue lacked entries for records it should hold; everything is re-dispatched.
    pub rebuilt_consume_queues: bool,
}

/// The components recovery works on.
#[derive(Debug)]
pub struct RecoveryContext<'a> {
    /// Store settings.
    pub config: &'a MessageStoreConfig,
    /// The commit log, loaded (files marked fully written).
    pub commit_log: &'a CommitLog,
    /// Consume queues, loaded.
    pub consume_queues: &'a ConsumeQueueStore,
    /// Index service, loaded (and pruned after a crash), if indexing is on.
    pub index: Option<&'a Arc<IndexService>>,
    /// Checkpoint.
    pub checkpoint: &'a StoreCheckpoint,
    /// `abort` was absent.
    pub last_exit_ok: bool,
    /// Consume queues that had to be deleted at load (they are rebuilt from the commit log's start).
    pub repaired_queues: &'a [String],
}

/// Runs recovery; on return the commit log, consume queues and index are consistent up to `process_offset`
/// and everything from `dispatch_from` on must be (re-)dispatched.
pub fn recover(ctx: &RecoveryContext<'_>) -> Result<RecoveryOutcome> {
    let max_cq_phy = ctx.consume_queues.recover()?;
    let files = ctx.commit_log.queue().files();
    let delay_levels = ctx.config.delay_levels();
    let opts = ScanOptions {
        check_crc: ctx.config.check_crc_on_recover,
        force_verify_prop_crc: ctx.config.force_verify_prop_crc,
        delay_levels: &delay_levels,
    };

    if files.is_empty() {
        tracing::info!("commit log is empty; destroying consume queues");
        ctx.commit_log.queue().set_flushed_where(0);
        ctx.consume_queues.destroy_all()?;
        if let Some(index) = ctx.index {
            index.destroy()?;
        }
        ctx.commit_log.refresh_max_offset();
        return Ok(RecoveryOutcome {
            abnormal: !ctx.last_exit_ok,
            process_offset: 0,
            last_valid_offset: -1,
            max_cq_phy_offset: max_cq_phy,
            dispatch_from: 0,
            records_scanned: 0,
            rebuilt_consume_queues: false,
        });
    }

    let start_index = if ctx.last_exit_ok {
        let third_last = files.len().saturating_sub(3);
        let holding_cq_max = files.iter().rposition(|f| f.from_offset() <= max_cq_phy).unwrap_or(0);
        third_last.min(holding_cq_max)
    } else {
        let min_ts = if ctx.config.message_index_enable && ctx.config.message_index_safe {
            ctx.checkpoint.min_timestamp_index()
        } else {
            ctx.checkpoint.min_timestamp()
        };
        files.iter().rposition(|f| is_mapped_file_matched_recover(f, min_ts)).unwrap_or(0)
    };
    let scan_start = files.get(start_index).map_or(0, |f| f.from_offset());
    tracing::info!(
        abnormal = !ctx.last_exit_ok,
        start_file = %files.get(start_index).map(|f| f.file_name()).unwrap_or_default(),
        files = files.len(),
        "recovering commit log"
    );

    let mut process_offset = scan_start;
    let mut last_valid = -1i64;
    let mut scanned = 0u64;
    // Records the consume queues should already hold but do not (a queue file or directory went missing):
    // Java would never rebuild them; we re-dispatch from the commit log's start instead.
    let mut lagging: Option<(String, i32, i64)> = None;
    let mut index = start_index;
    'files: while let Some(mf) = files.get(index) {
        let from = mf.from_offset();
        let mut pos = 0usize;
        let wrote = mf.wrote_position();
        let next_file = mf
            .with_bytes(0, wrote, |bytes| loop {
                let rest = bytes.get(pos..).unwrap_or_default();
                match check_message_and_return_size(rest, &opts) {
                    Scan::Message(req) if req.msg_size > 0 => {
                        if lagging.is_none() && req.commit_log_offset < max_cq_phy && goes_to_queue(req.sys_flag) {
                            let held = ctx
                                .consume_queues
                                .find(&req.topic, req.queue_id)
                                .map_or(0, |cq| cq.max_offset_in_queue());
                            if held <= req.consume_queue_offset {
                                lagging = Some((req.topic.to_string(), req.queue_id, req.consume_queue_offset));
                            }
                        }
                        last_valid = from + pos as i64;
                        pos += req.msg_size as usize;
                        scanned += 1;
                    }
                    Scan::Blank => return true,
                    _ => return false,
                }
            })
            .unwrap_or(false);
        process_offset = from + pos as i64;
        if !next_file {
            break 'files;
        }
        if index + 1 >= files.len() {
            tracing::info!(file = %mf.file_name(), "recovered up to the blank record of the last file");
            break;
        }
        index += 1;
        if let Some(next) = files.get(index) {
            tracing::info!(file = %next.file_name(), scanned, "recover next physics file");
        }
    }
    drop(files);
    tracing::info!(process_offset, scanned, "commit log recovered");

    // Truncation (spec §6.7).
    ctx.commit_log.queue().set_flushed_where(process_offset);
    ctx.commit_log.queue().truncate_dirty(process_offset)?;
    sync_dir(ctx.commit_log.queue().dir())?;
    ctx.commit_log.refresh_max_offset();
    if max_cq_phy >= process_offset {
        tracing::warn!(max_cq_phy, process_offset, "consume queues point beyond the commit log; truncating");
        ctx.consume_queues.truncate_dirty(process_offset)?;
    }

    // Normal: resume after what the consume queues already hold (Java 4.9.8 `start`); abnormal: re-dispatch
    // everything from the scan start (the builders skip what they already have).
    let mut dispatch_from = if ctx.last_exit_ok { max_cq_phy.max(0) } else { scan_start };
    let rebuild = lagging.is_some() || !ctx.repaired_queues.is_empty();
    if rebuild {
        tracing::warn!(?lagging, repaired = ?ctx.repaired_queues, "consume queues miss entries; re-dispatching the whole commit log");
        dispatch_from = ctx.commit_log.min_offset();
    }
    if let Some(index) = ctx.index {
        dispatch_from = dispatch_from.min(prune_index(index, process_offset)?);
        if !ctx.last_exit_ok {
            // After a crash the index files newer than indexMsgTimestamp were deleted at load; Java only
            // re-indexes from the checkpoint-based scan start and loses the keys in between. Rebuild them from
            // the end of the newest surviving index file (at most about one index file's worth of records).
            let from = index.files().last().map_or(ctx.commit_log.min_offset(), |f| f.end_phy_offset());
            if from < dispatch_from {
                tracing::info!(from, dispatch_from, "re-dispatching to rebuild the index after a crash");
                dispatch_from = from;
            }
        }
    }
    dispatch_from = dispatch_from.max(ctx.commit_log.min_offset()).min(process_offset);
    ctx.checkpoint.set_confirm_phy_offset(last_valid);

    Ok(RecoveryOutcome {
        abnormal: !ctx.last_exit_ok,
        process_offset,
        last_valid_offset: last_valid,
        max_cq_phy_offset: max_cq_phy,
        dispatch_from,
        records_scanned: scanned,
        rebuilt_consume_queues: rebuild,
    })
}

fn goes_to_queue(flag: i32) -> bool {
    let t = sys_flag::transaction_value(flag);
    t == sys_flag::TRANSACTION_NOT_TYPE || t == sys_flag::TRANSACTION_COMMIT_TYPE
}

/// Deletes index files that reference offsets at or beyond the recovered end (Java keeps them, which would
/// make the index builder skip new messages written there); returns the offset dispatch must restart from to
/// rebuild what they held (`i64::MAX` if none was deleted).
fn prune_index(index: &IndexService, process_offset: i64) -> Result<i64> {
    let mut restart = i64::MAX;
    let files = index.files();
    let dirty: Vec<_> = files.iter().rev().take_while(|f| f.end_phy_offset() >= process_offset).cloned().collect();
    if dirty.is_empty() {
        return Ok(restart);
    }
    for f in &dirty {
        tracing::warn!(file = %f.file_name(), end = f.end_phy_offset(), process_offset, "index file points beyond the commit log; rebuilding it");
        restart = restart.min(f.begin_phy_offset());
    }
    index.remove_newest(dirty.len())?;
    Ok(restart)
}

/// Java `isMappedFileMatchedRecover`: the file's first record has a message magic and a non-zero store
/// timestamp not newer than `min_timestamp`.
fn is_mapped_file_matched_recover(file: &MappedFile, min_timestamp: i64) -> bool {
    file.with_bytes(0, 80.min(file.wrote_position()), |b| {
        let magic = b.get(4..8).and_then(|x| x.try_into().ok()).map(i32::from_be_bytes);
        if magic != Some(MESSAGE_MAGIC_CODE) && magic != Some(MESSAGE_MAGIC_CODE_V2) {
            return false;
        }
        let Some(flag) = b.get(SYSFLAG_POS..SYSFLAG_POS + 4).and_then(|x| x.try_into().ok()).map(i32::from_be_bytes)
        else {
            return false;
        };
        let pos = store_timestamp_pos(flag);
        match b.get(pos..pos + 8).and_then(|x| x.try_into().ok()).map(i64::from_be_bytes) {
            Some(ts) if ts != 0 => ts <= min_timestamp,
            _ => false,
        }
    })
    .unwrap_or(false)
}

#[cfg(test)]
#[path = "recovery_tests.rs"]
mod tests;
