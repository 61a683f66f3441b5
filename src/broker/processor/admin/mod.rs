//! The broker's admin plane (Java's `AdminBrokerProcessor`): what the stock mqadmin, `DefaultMQAdminExt` and
//! the dashboard send. One file per family:
//!
//! - [`topic`]: create/update/delete topics, the topic table, system topics, per-queue offsets;
//! - [`group`]: subscription groups and [5.3.3] group read-forbidding;
//! - [`broker`]: the broker's configuration (read and update live) and its runtime figures;
//! - [`stats`]: consume statistics per group and broker-wide, `BrokerStatsManager` items;
//! - [`connection`]: who is connected (producers, consumers) and what they subscribe;
//! - [`offsets`]: every group's offsets, delay offsets, cloning and resetting them;
//! - [`relay`]: requests the broker forwards to a client over its connection (307, 309, 221);
//! - [`store`]: store maintenance (clean-up, consume-queue inspection);
//! - [`acl`]: the ACL 1.0 codes as a broker with ACL off answers them.
//!
//! Handlers take a [`RequestCtx`] and return a [`Reply`]; changes that persist a file run through
//! [`off_task`]; refusals carry the Java broker's code and remark for
//! the flavor (`thrusterStoreCompat`) the broker runs as.

pub(crate) mod acl;
pub(crate) mod broker;
pub(crate) mod connection;
pub(crate) mod group;
pub(crate) mod offsets;
pub(crate) mod relay;
pub(crate) mod stats;
pub(crate) mod store;
pub(crate) mod topic;

use std::sync::Arc;

use super::{Refusal, RequestCtx};
use crate::broker::{Broker, BrokerRole};
use crate::remoting::ResponseCode;

/// The response code for a refusal that 5.3.3 answers with `v5_code` and 4.9.8 with SYSTEM_ERROR.
pub(crate) fn flavor_code(ctx: &RequestCtx<'_>, v5_code: i32) -> i32 {
    if ctx.broker.flavor().is_v5() {
        v5_code
    } else {
        ResponseCode::SYSTEM_ERROR
    }
}

/// 4.9.8's `validateSlave`: topic and group changes are refused on a slave.
pub(crate) fn is_slave_refusal(ctx: &RequestCtx<'_>) -> Result<(), Refusal> {
    if ctx.broker.config().broker_role == BrokerRole::Slave {
        return Err(Refusal::system_error(
            "Can't modify topic or subscription group from slave broker, please execute it from master broker.",
        ));
    }
    Ok(())
}

/// Runs `f` (a change that persists a `config/*.json` file, or deletes store files) on the blocking pool, so
/// that no fsync or file deletion happens on the task that answers requests.
pub(crate) async fn off_task<T: Send + 'static>(
    broker: &Arc<Broker>,
    f: impl FnOnce(&Broker) -> T + Send + 'static,
) -> Result<T, Refusal> {
    let broker = broker.clone();
    tokio::task::spawn_blocking(move || f(&broker)).await.map_err(|e| Refusal::system_error(e.to_string()))
}
