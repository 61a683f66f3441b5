//! [5.3.3] Topic and subscription-group attributes: how an update request's `+key`/`-key` entries are
//! applied to the stored map (`AttributeUtil.alterCurrentAttributes`, `TopicAttributes`,
//! `SubscriptionGroupAttributes`).
//!
//! Stored maps never carry the `+`/`-` prefixes. The result is ordered as the Java `HashMap` it replaces
//! would iterate, so a Thruster-written file matches Java's for the same update.

use indexmap::IndexMap;

use super::java_order;

/// Mirrors `org.apache.rocketmq.common.attribute.Attribute` and its subclasses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    /// `EnumAttribute`: the value must be one of `values`.
    Enum {
        /// Key as stored (`queue.type`).
        name: &'static str,
        /// May be changed after creation.
        changeable: bool,
        /// Allowed values.
        values: &'static [&'static str],
        /// Value when absent.
        default: &'static str,
    },
    /// `LongRangeAttribute`: the value must parse as a long in `min..=max`.
    LongRange {
        /// Key as stored (`reserve.time`).
        name: &'static str,
        /// May be changed after creation.
        changeable: bool,
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
        /// Value when absent.
        default: i64,
    },
}

impl Attribute {
    /// The stored key.
    pub fn name(&self) -> &'static str {
        match self {
            Attribute::Enum { name, .. } | Attribute::LongRange { name, .. } => name,
        }
    }

    fn changeable(&self) -> bool {
        match self {
            Attribute::Enum { changeable, .. } | Attribute::LongRange { changeable, .. } => *changeable,
        }
    }

    fn verify(&self, value: &str) -> Result<(), AttributeError> {
        match self {
            Attribute::Enum { values, .. } => {
                if values.contains(&value) {
                    Ok(())
                } else {
                    Err(AttributeError(format!("value is not in set: {values:?}")))
                }
            }
            Attribute::LongRange { min, max, .. } => match value.parse::<i64>() {
                Ok(v) if (*min..=*max).contains(&v) => Ok(()),
                Ok(_) => Err(AttributeError(format!("value is not in range({min}, {max})"))),
                Err(_) => Err(AttributeError(format!("For input string: \"{value}\""))),
            },
        }
    }
}

/// `TopicAttributes.QUEUE_TYPE_ATTRIBUTE`.
pub const QUEUE_TYPE: Attribute =
    Attribute::Enum { name: "queue.type", changeable: false, values: &["BatchCQ", "SimpleCQ"], default: "SimpleCQ" };
/// `TopicAttributes.CLEANUP_POLICY_ATTRIBUTE`.
pub const CLEANUP_POLICY: Attribute =
    Attribute::Enum { name: "cleanup.policy", changeable: false, values: &["DELETE", "COMPACTION"], default: "DELETE" };
/// `TopicAttributes.TOPIC_MESSAGE_TYPE_ATTRIBUTE`.
pub const MESSAGE_TYPE: Attribute = Attribute::Enum {
    name: "message.type",
    changeable: true,
    values: &["UNSPECIFIED", "NORMAL", "FIFO", "DELAY", "TRANSACTION", "MIXED"],
    default: "NORMAL",
};
/// `TopicAttributes.TOPIC_RESERVE_TIME_ATTRIBUTE`.
pub const RESERVE_TIME: Attribute =
    Attribute::LongRange { name: "reserve.time", changeable: true, min: -1, max: i64::MAX, default: -1 };

/// `TopicAttributes.ALL`.
pub const TOPIC_ATTRIBUTES: &[Attribute] = &[QUEUE_TYPE, CLEANUP_POLICY, MESSAGE_TYPE, RESERVE_TIME];
/// `SubscriptionGroupAttributes.ALL` (empty in 5.3.3).
pub const SUBSCRIPTION_GROUP_ATTRIBUTES: &[Attribute] = &[];

/// An attribute update was refused; the text is Java's exception message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AttributeError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, AttributeError> {
    Err(AttributeError(msg.into()))
}

/// `AttributeUtil.alterCurrentAttributes`: applies `requested` (`+key` = add or update, `-key` = delete; only
/// `+` when `create`) to `current`.
pub fn alter_current_attributes(
    create: bool,
    all: &[Attribute],
    current: &IndexMap<String, String>,
    requested: &IndexMap<String, String>,
) -> Result<IndexMap<String, String>, AttributeError> {
    let mut put: Vec<(String, String, bool)> = Vec::new(); // (key, value, is_init)
    let mut delete: Vec<String> = Vec::new();
    for (key, value) in requested {
        let real = key.get(1..).unwrap_or_default();
        if real.is_empty() || real.contains('+') || real.contains('-') {
            return err("kv string format wrong.");
        }
        if put.iter().any(|(k, _, _)| k == real) || delete.iter().any(|k| k == real) {
            return err(format!("alter duplication key. key: {real}"));
        }
        if create {
            if key.starts_with('+') {
                put.push((real.to_owned(), value.clone(), true));
            } else {
                return err(format!("only add attribute is supported while creating topic. key: {real}"));
            }
        } else if key.starts_with('+') {
            put.push((real.to_owned(), value.clone(), false));
        } else if key.starts_with('-') {
            if !current.contains_key(real) {
                return err(format!("attempt to delete a nonexistent key: {real}"));
            }
            delete.push(real.to_owned());
        } else {
            return err(format!("wrong format key: {real}"));
        }
    }
    let find = |key: &str| all.iter().find(|a| a.name() == key);
    for (key, value, init) in &put {
        let Some(attribute) = find(key) else {
            return err(format!("unsupported key: {key}"));
        };
        if !init && !attribute.changeable() {
            return err(format!("attempt to update an unchangeable attribute. key: {key}"));
        }
        attribute.verify(value)?;
    }
    for key in &delete {
        let Some(attribute) = find(key) else {
            return err(format!("unsupported key: {key}"));
        };
        if !attribute.changeable() {
            return err(format!("attempt to update an unchangeable attribute. key: {key}"));
        }
    }

    // `new HashMap<>(current)`, then the puts, then the removals: simulate the capacity to get Java's order.
    let mut capacity = if current.is_empty() { 16 } else { table_size_for(current.len() as f32 / 0.75 + 1.0) };
    let mut result: Vec<(String, String)> = current.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    for (key, value, _) in put {
        match result.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => {
                result.push((key, value));
                capacity = java_order::hash_map_capacity(capacity, result.len());
            }
        }
    }
    result.retain(|(k, _)| !delete.contains(k));
    java_order::hash_map_order(&mut result, capacity, |(k, _)| k);
    Ok(result.into_iter().collect())
}

/// `HashMap.tableSizeFor((int) ft)` as `putMapEntries` computes it.
fn table_size_for(ft: f32) -> usize {
    (ft as usize).max(1).next_power_of_two()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn create_with_plus_keys_orders_like_java() {
        let out = alter_current_attributes(
            true,
            TOPIC_ATTRIBUTES,
            &IndexMap::new(),
            &map(&[("+queue.type", "BatchCQ"), ("+cleanup.policy", "COMPACTION"), ("+message.type", "NORMAL")]),
        )
        .unwrap();
        // The order Java wrote in fixtures/config/v5.3.3/broker-a/config/topics.json (BatchTopic).
        assert_eq!(out.keys().collect::<Vec<_>>(), ["cleanup.policy", "message.type", "queue.type"]);
    }

    #[test]
    fn java_errors() {
        let current = map(&[("queue.type", "SimpleCQ"), ("message.type", "FIFO")]);
        let alter = |create, req: &[(&str, &str)]| {
            alter_current_attributes(create, TOPIC_ATTRIBUTES, &current, &map(req)).map_err(|e| e.0)
        };
        assert_eq!(
            alter(true, &[("-message.type", "")]).unwrap_err(),
            "only add attribute is supported while creating topic. key: message.type"
        );
        assert_eq!(
            alter(false, &[("+queue.type", "BatchCQ")]).unwrap_err(),
            "attempt to update an unchangeable attribute. key: queue.type"
        );
        assert_eq!(alter(false, &[("+nope", "1")]).unwrap_err(), "unsupported key: nope");
        assert_eq!(alter(false, &[("message.type", "FIFO")]).unwrap_err(), "wrong format key: essage.type");
        assert_eq!(
            alter(false, &[("-reserve.time", "")]).unwrap_err(),
            "attempt to delete a nonexistent key: reserve.time"
        );
        assert!(alter(false, &[("+message.type", "BOGUS")]).unwrap_err().starts_with("value is not in set"));
        assert!(alter(false, &[("+reserve.time", "-2")]).unwrap_err().starts_with("value is not in range"));
        let ok = alter(false, &[("-message.type", ""), ("+reserve.time", "100")]).unwrap();
        assert_eq!(ok.get("reserve.time").map(String::as_str), Some("100"));
        assert!(!ok.contains_key("message.type"));
    }
}
