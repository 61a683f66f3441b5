//! The broker itself: UPDATE_BROKER_CONFIG (25), GET_BROKER_CONFIG (26) and GET_BROKER_RUNTIME_INFO (28).
//!
//! Mirrors Java's `AdminBrokerProcessor` (mqadmin.md §2.2): the configuration as `key=value` lines, updated
//! live (black-listed keys refused with NO_PERMISSION), and the runtime figures `brokerStatus` and
//! `clusterList` print.

use std::collections::BTreeMap;

use crate::broker::processor::{Refusal, Reply, RequestCtx};
use crate::protocol::admin::GetBrokerConfigResponseHeader;
use crate::protocol::body::KVTable;
use crate::protocol::data_version::DataVersion;
use crate::remoting::{fastjson, ResponseCode};

/// Keys `UPDATE_BROKER_CONFIG` never changes (`initConfigBlackList`), besides those of `configBlackList`.
const FIXED_BLACK_LIST: &[&str] = &["brokerConfigPath", "rocketmqHome", "configBlackList"];
/// `configBlackList`'s default.
const DEFAULT_CONFIG_BLACK_LIST: &str = "configBlackList;brokerConfigPath";

fn black_listed(ctx: &RequestCtx<'_>, key: &str) -> bool {
    let configured = ctx.broker.config().extra.get("configBlackList").cloned();
    FIXED_BLACK_LIST.contains(&key)
        || configured.as_deref().unwrap_or(DEFAULT_CONFIG_BLACK_LIST).split(';').any(|k| k.trim() == key)
}

/// UPDATE_BROKER_CONFIG: applies the body's `key=value` lines to the live configuration; a changed
/// `brokerPermission` bumps the topic table's version and registers with the NameServers at once.
pub(crate) async fn update_broker_config(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    tracing::info!(caller = %ctx.peer(), "Broker receive request to update config");
    let Some(body) = ctx.req.body.as_deref() else {
        return Ok(ctx.success());
    };
    let properties = crate::config::parse_properties(&String::from_utf8_lossy(body));
    if properties.iter().any(|(k, _)| black_listed(ctx, k)) {
        return Err(Refusal::new(ResponseCode::NO_PERMISSION, "Can not update config in black list."));
    }
    tracing::info!(?properties, "updateBrokerConfig, new config");
    let permission_changed = properties.iter().any(|(k, _)| k == "brokerPermission");
    {
        let mut config = broker.config_mut();
        config.apply_properties(properties.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    broker.config_version_bump();
    if permission_changed {
        let permission = broker.config().broker_permission;
        broker.registry().set_broker_permission(permission);
        broker.topics().update_data_version();
        broker.registry().register_broker_all(true).await;
    }
    Ok(ctx.success())
}

/// GET_BROKER_CONFIG: every configuration property as `key=value` lines; the header's `version` is the
/// configuration's DataVersion.
pub(crate) fn get_broker_config(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let mut text = String::new();
    for (k, v) in broker.config().to_properties() {
        text.push_str(&k);
        text.push('=');
        text.push_str(&v);
        text.push('\n');
    }
    let version: DataVersion = broker.config_version();
    let header = GetBrokerConfigResponseHeader {
        version: Some(String::from_utf8_lossy(&fastjson::to_vec_plain(&version)).into_owned()),
    };
    Ok(ctx.success().with_header(&header).with_body(text.into_bytes()))
}

/// GET_BROKER_RUNTIME_INFO: the runtime figures as a `KVTable` of strings.
pub(crate) fn get_broker_runtime_info(ctx: &RequestCtx<'_>) -> Reply {
    let table: BTreeMap<String, String> = crate::broker::runtime_info::collect(ctx.broker);
    Ok(ctx.success().with_body(fastjson::to_vec_plain(&KVTable { table })))
}
