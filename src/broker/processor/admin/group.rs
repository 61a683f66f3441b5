//! Subscription-group administration: UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), [5.3.3] …_LIST (225),
//! GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201), DELETE_SUBSCRIPTIONGROUP (207), [5.3.3]
//! GET_SUBSCRIPTIONGROUP_CONFIG (352) and UPDATE_AND_GET_GROUP_FORBIDDEN (353).
//!
//! Mirrors the group part of Java's `AdminBrokerProcessor` (mqadmin.md §2.2). The table is the store's
//! `SubscriptionGroupManager` (`config/subscriptionGroup.json`, written as the Java broker of the flavor writes
//! it).

use serde_json::Value;

use super::{is_slave_refusal, off_task};
use crate::broker::processor::{Refusal, Reply, RequestCtx};
use crate::protocol::admin::{
    DeleteSubscriptionGroupRequestHeader, GetSubscriptionGroupConfigRequestHeader, UpdateGroupForbiddenRequestHeader,
};
use crate::remoting::{fastjson, ResponseCode};
use crate::store::config_files::SubscriptionGroupConfig;

/// `PermName.INDEX_PERM_READ`: the forbidden-table bit for reading.
const INDEX_PERM_READ: u32 = 2;

fn parse_group(value: Value, flavor: crate::store::config_files::Flavor) -> Result<SubscriptionGroupConfig, Refusal> {
    SubscriptionGroupConfig::from_value(value, "body", "", flavor).map_err(|e| Refusal::system_error(e.to_string()))
}

fn body_value(ctx: &RequestCtx<'_>) -> Result<Option<Value>, Refusal> {
    let body = ctx.body();
    if body.is_empty() {
        return Ok(None);
    }
    fastjson::parse_lenient(body).map(Some).map_err(|e| Refusal::system_error(e.to_string()))
}

/// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: stores the `SubscriptionGroupConfig` body (4.9.8 refuses on a slave).
pub(crate) async fn update_and_create_subscription_group(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    if !broker.flavor().is_v5() {
        is_slave_refusal(ctx)?;
    }
    tracing::info!(caller = %ctx.peer(), "updateAndCreateSubscriptionGroup");
    if let Some(value) = body_value(ctx)?.filter(|v| !v.is_null()) {
        let config = parse_group(value, broker.flavor())?;
        off_task(broker, move |b| b.subscription_groups().update_subscription_group_config(config))
            .await?
            .map_err(|e| Refusal::system_error(e.to_string()))?;
    }
    Ok(ctx.success())
}

/// [5.3.3] UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST: `{"groupConfigList":[…]}`.
pub(crate) async fn update_and_create_group_list(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let mut configs = Vec::new();
    if let Some(Value::Object(mut body)) = body_value(ctx)? {
        if let Some(Value::Array(items)) = body.remove("groupConfigList") {
            for item in items {
                configs.push(parse_group(item, broker.flavor())?);
            }
        }
    }
    off_task(broker, move |b| b.subscription_groups().update_subscription_group_config_list(configs))
        .await?
        .map_err(|e| Refusal::system_error(e.to_string()))?;
    Ok(ctx.success())
}

/// GET_ALL_SUBSCRIPTIONGROUP_CONFIG: the manager's document (`SubscriptionGroupWrapper`, [5.3.3] with
/// `forbiddenTable`), compact.
pub(crate) fn get_all_subscription_group(ctx: &RequestCtx<'_>) -> Reply {
    Ok(ctx.success().with_body(ctx.broker.subscription_groups().encode_compact()))
}

/// DELETE_SUBSCRIPTIONGROUP: removes the group and, when asked (`removeOffset` 4.9.8 / `cleanOffset` 5.3.3),
/// its consumer offsets.
pub(crate) async fn delete_subscription_group(ctx: &RequestCtx<'_>) -> Reply {
    let broker = ctx.broker;
    let v5 = broker.flavor().is_v5();
    if !v5 {
        is_slave_refusal(ctx)?;
    }
    let h: DeleteSubscriptionGroupRequestHeader = ctx.header();
    let group = h.group_name.unwrap_or_default();
    tracing::info!(group, caller = %ctx.peer(), "deleteSubscriptionGroup");
    let clean = if v5 { h.clean_offset } else { h.remove_offset };
    off_task(broker, move |b| {
        b.subscription_groups().delete_subscription_group_config(&group);
        b.stats().on_group_deleted(&group);
        if clean.unwrap_or(false) {
            b.offsets().remove_offset(&group);
        }
    })
    .await?;
    Ok(ctx.success())
}

/// [5.3.3] GET_SUBSCRIPTIONGROUP_CONFIG: one group's config, SUBSCRIPTION_GROUP_NOT_EXIST if absent.
pub(crate) fn get_subscription_group_config(ctx: &RequestCtx<'_>) -> Reply {
    let h: GetSubscriptionGroupConfigRequestHeader = ctx.header();
    let group = h.group.unwrap_or_default();
    let Some(config) = ctx.broker.subscription_groups().find_subscription_group_config(&group) else {
        return Err(Refusal::new(ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST, "No group in this broker"));
    };
    Ok(ctx.success().with_body(config.to_node(ctx.broker.flavor()).to_compact()))
}

/// [5.3.3] UPDATE_AND_GET_GROUP_FORBIDDEN: sets (when `readable` is given) and returns `GroupForbidden`.
pub(crate) fn update_and_get_group_forbidden(ctx: &RequestCtx<'_>) -> Reply {
    #[derive(serde::Serialize)]
    struct GroupForbidden<'a> {
        group: &'a str,
        readable: bool,
        topic: &'a str,
    }
    let h: UpdateGroupForbiddenRequestHeader = ctx.header();
    let (group, topic) = (h.group.unwrap_or_default(), h.topic.unwrap_or_default());
    let groups = ctx.broker.subscription_groups();
    if let Some(readable) = h.readable {
        groups.update_forbidden(&group, &topic, INDEX_PERM_READ, !readable);
    }
    let body = GroupForbidden {
        group: &group,
        readable: !groups.is_forbidden(&group, &topic, INDEX_PERM_READ),
        topic: &topic,
    };
    Ok(ctx.success().with_remark("").with_body(fastjson::to_vec_plain(&body)))
}
