//! The broker itself: UPDATE_BROKER_CONFIG (25), GET_BROKER_CONFIG (26) and GET_BROKER_RUNTIME_INFO (28).
//!
//! Mirrors Java's `AdminBrokerProcessor` (mqadmin.md §2.2): the configuration as `key=value` lines, updated
//! live (black-listed keys refused with NO_PERMISSION), and the runtime figures `brokerStatus` and
//! `clusterList` print.

use std::collections::BTreeMap;

use crate::broker::java_config::config_black_list;
use crate::broker::processor::{Refusal, Reply, RequestCtx};
use crate::protocol::admin::GetBrokerConfigResponseHeader;
use crate::protocol::body::KVTable;
use crate::protocol::data_version::DataVersion;
use crate::remoting::{fastjson, ResponseCode};

/// UPDATE_BROKER_CONFIG: the body parsed as `MixAll.string2Properties` (a malformed `\uXXXX` escape is
/// SYSTEM_ERROR "string2Properties error"), refused with NO_PERMISSION when it names a key of
/// `initConfigBlackList`, else `Configuration.update` ([`crate::broker::java_config`]: applied live and
/// persisted); a `brokerPermission` key bumps the topic table's version and registers at once.
pub(crate) async fn update_broker_config(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    tracing::info!(caller = %ctx.peer(), "Broker receive request to update config");
    let Some(body) = ctx.req.body.as_deref() else {
        return Ok(ctx.success());
    };
    let text = String::from_utf8_lossy(body);
    if has_malformed_unicode_escape(&text) {
        return Err(Refusal::new(ResponseCode::SYSTEM_ERROR, "string2Properties error"));
    }
    let properties = crate::config::parse_properties(&text);
    let black_list = config_black_list(&broker.config());
    if properties.iter().any(|(k, _)| black_list.contains(k)) {
        return Err(Refusal::new(ResponseCode::NO_PERMISSION, "Can not update config in black list."));
    }
    tracing::info!(?properties, "updateBrokerConfig, new config");
    let update = properties.clone();
    if let Err(e) = super::off_task(broker, move |b| b.update_config(&update)).await? {
        // Java logs "persist string2File error" and still answers SUCCESS: the change is live.
        tracing::error!("persist string2File error, {e}");
    }
    if properties.iter().any(|(k, _)| k == "brokerPermission") {
        let permission = broker.config().broker_permission;
        broker.registry().set_broker_permission(permission);
        broker.topics().update_data_version();
        broker.registry().register_broker_all(true).await;
    }
    Ok(ctx.success())
}

/// `Properties.load` throws "Malformed \\uxxxx encoding" for a `\u` not followed by four hex digits.
fn has_malformed_unicode_escape(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'u') {
                let hex = bytes.get(i + 2..i + 6);
                if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                    return true;
                }
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// GET_BROKER_CONFIG: `Configuration.getAllConfigsFormatString()` as the body; the header's `version` is the
/// configuration's DataVersion as fastjson writes it.
pub(crate) fn get_broker_config(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    // Thruster's own keys (`thrusterStoreCompat`, …) stay in the persisted file but are not Java's: tools and
    // scripts see exactly the Java broker's key set.
    let text: String =
        broker.config_text().lines().filter(|l| !l.starts_with("thruster")).flat_map(|l| [l, "\n"]).collect();
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
