//! Scheduling class of the store's background helpers.
#![allow(unsafe_code)]

/// Moves the calling thread to `SCHED_IDLE`: it runs only when its CPU has nothing else to do. For work that
/// only saves the request path time later (pre-faulting commit-log pages): on a busy core it must not take
/// the CPU from the request path, whose latency it would otherwise add to (a 4 MiB pre-fault is ~8 ms of
/// kernel page zeroing on a VM). If it never runs, appends take the page faults themselves, as Java's do.
pub fn lower_to_idle() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: pid 0 is the calling thread; `param` is a valid sched_param that lives across the call.
        let rc = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) };
        if rc != 0 {
            tracing::debug!(error = %std::io::Error::last_os_error(), "SCHED_IDLE refused; warmer keeps its priority");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lowering_a_thread_does_not_fail_or_affect_others() {
        let t = std::thread::spawn(|| {
            super::lower_to_idle();
            #[cfg(target_os = "linux")]
            {
                // SAFETY: pid 0 is the calling thread.
                let policy = unsafe { libc::sched_getscheduler(0) };
                assert_eq!(policy, libc::SCHED_IDLE);
            }
        });
        t.join().unwrap();
        #[cfg(target_os = "linux")]
        {
            // SAFETY: pid 0 is the calling thread.
            let policy = unsafe { libc::sched_getscheduler(0) };
            assert_ne!(policy, libc::SCHED_IDLE);
        }
    }
}
