//! Java's broker `Configuration`: what GET_BROKER_CONFIG (26) prints and what UPDATE_BROKER_CONFIG (25)
//! changes and persists, per flavor.
//!
//! Java (`org.apache.rocketmq.common.Configuration` 4.9.8, `org.apache.rocketmq.remoting.Configuration`
//! 5.3.3): `BrokerController` registers `brokerConfig, nettyServerConfig, nettyClientConfig,
//! messageStoreConfig` (each as `MixAll.object2Properties`: every non-static field not named `this…` whose
//! value is not null, `toString()`ed; 5.3.3 also walks the superclasses, so `BrokerIdentity`'s keys come in),
//! then `BrokerStartup` registers the `-c` file's `Properties` ("remember all configs to prevent discard").
//! `getAllConfigsFormatString()` re-merges the four objects and prints `allConfigs` as `key=value\n`:
//! 5.3.3 sorted by key (`properties2String(allConfigs, true)`), 4.9.8 in the `Properties`' own iteration order
//! ([`ChmOrder`], JDK 9+). `update(properties)` changes only keys already in `allConfigs`
//! (`mergeIfExist`), sets every object's field of that name (`properties2Object`), bumps the DataVersion and
//! `persist()`s the whole text with `MixAll.string2File` to the store path: `brokerConfigPath` when set
//! (5.3.3 only), else `BrokerPathConfigHelper.getBrokerConfigPath()` — the `-c` file, or
//! `~/store/config/broker.properties` without one.
//!
//! The key tables (class, field, default) were written by the real Java classes
//! (`java-fixtures/v*/…/BrokerConfigV*.java`, `fixtures/broker-config/`). Values are the ones the broker runs
//! with: Thruster's [`BrokerConfig`] fields, then the file's and updates' values (converted as
//! `properties2Object` would for the field's type), then the machine-dependent defaults Java computes from the
//! processor count, then the tables' defaults.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::OnceLock;

use super::config::BrokerConfig;
use crate::config::java_trim;
use crate::protocol::data_version::DataVersion;
use crate::store::config_file::{persist, ConfigFileError};
use crate::store::config_files::java_order::ChmOrder;
use crate::store::config_files::Flavor;

const V4_FIELDS: &str = include_str!("../../fixtures/broker-config/v4.9.8/fields.tsv");
const V5_FIELDS: &str = include_str!("../../fixtures/broker-config/v5.3.3/fields.tsv");

/// One field of a registered Java config object, in `object2Properties` order.
#[derive(Debug)]
struct JavaField {
    class: &'static str,
    key: &'static str,
    /// The field's Java type (`int`, `long`, `boolean`, `double`, `String`, an enum's simple name).
    ty: &'static str,
    /// `None`: null by default (not printed).
    default: Option<&'static str>,
}

fn parse_table(text: &'static str) -> Vec<JavaField> {
    text.lines()
        .filter_map(|line| {
            let mut cols = line.splitn(4, '\t');
            let (class, key, ty, default) = (cols.next()?, cols.next()?, cols.next()?, cols.next()?);
            Some(JavaField { class, key, ty, default: (default != "\\N").then_some(default) })
        })
        .collect()
}

/// The four registered objects of `flavor`, each as its fields in order.
fn objects(flavor: Flavor) -> &'static [Vec<JavaField>] {
    static V4: OnceLock<Vec<Vec<JavaField>>> = OnceLock::new();
    static V5: OnceLock<Vec<Vec<JavaField>>> = OnceLock::new();
    let (cell, text) = match flavor {
        Flavor::V4_9_8 => (&V4, V4_FIELDS),
        Flavor::V5_3_3 => (&V5, V5_FIELDS),
    };
    cell.get_or_init(|| {
        let mut out: Vec<Vec<JavaField>> = Vec::new();
        for field in parse_table(text) {
            match out.last_mut() {
                Some(object) if object.first().is_some_and(|f| f.class == field.class) => object.push(field),
                _ => out.push(vec![field]),
            }
        }
        out
    })
}

/// Whether any registered object of `flavor` has a field `key` (`properties2Object` would set it).
fn is_field(flavor: Flavor, key: &str) -> bool {
    BrokerConfig::KEYS.contains(&key) || objects(flavor).iter().flatten().any(|f| f.key == key)
}

/// Defaults Java computes from `Runtime.availableProcessors()` (`BrokerConfig`, `NettyClientConfig`).
fn processor_default(key: &str) -> Option<String> {
    let p = std::thread::available_parallelism().map_or(1, |n| n.get()) as i64;
    let send = p.min(4);
    let v = match key {
        "sendMessageThreadPoolNums" | "putMessageFutureThreadPoolNums" => send,
        "pullMessageThreadPoolNums" | "litePullMessageThreadPoolNums" | "processReplyMessageThreadPoolNums" => {
            16 + p * 2
        }
        "queryMessageThreadPoolNums" => 8 + p,
        "heartbeatThreadPoolNums" => p.min(32),
        "endTransactionThreadPoolNums" => (8 + p * 2).max(send * 4),
        "clientCallbackExecutorThreads" => p,
        _ => return None,
    };
    Some(v.to_string())
}

/// `properties2Object` for a field Thruster does not model, by the field's type: `Integer.parseInt` /
/// `Long.parseLong` must parse the whole value (otherwise the field keeps its value), `Boolean.parseBoolean`,
/// `Double.parseDouble` (surrounding blanks allowed), strings trimmed; other types (enums) are not set.
fn convert(raw: &str, ty: &str) -> Option<String> {
    match ty {
        "int" | "Integer" => raw.parse::<i32>().ok().map(|n| n.to_string()),
        "long" | "Long" => raw.parse::<i64>().ok().map(|n| n.to_string()),
        "boolean" | "Boolean" => Some(raw.eq_ignore_ascii_case("true").to_string()),
        "double" | "Double" | "float" | "Float" => {
            let t = java_trim(raw);
            t.parse::<f64>().ok().map(|_| t.to_owned())
        }
        "String" => Some(java_trim(raw).to_owned()),
        _ => None,
    }
}

/// The current properties of one registered object (`object2Properties`), in field order.
fn object_properties(object: &[JavaField], config: &BrokerConfig) -> Vec<(&'static str, String)> {
    let modeled: HashMap<&str, String> = config.fields().into_iter().collect();
    object
        .iter()
        .filter_map(|f| {
            let value = if BrokerConfig::KEYS.contains(&f.key) {
                modeled.get(f.key).cloned()
            } else {
                config
                    .extra
                    .get(f.key)
                    .and_then(|raw| convert(raw, f.ty))
                    .or_else(|| processor_default(f.key))
                    .or_else(|| f.default.map(str::to_owned))
            };
            value.map(|v| (f.key, v))
        })
        .collect()
}

/// The broker's `Configuration` (see the module docs).
#[derive(Debug)]
pub struct JavaConfiguration {
    flavor: Flavor,
    /// `allConfigs`' values.
    all: HashMap<String, String>,
    /// `allConfigs`' iteration order (printed by 4.9.8).
    order: ChmOrder,
    /// Where `persist()` writes.
    store_path: PathBuf,
    version: DataVersion,
}

impl JavaConfiguration {
    /// The configuration of a broker started with `config` (its `-c` file in [`BrokerConfig::config_file`]).
    pub fn new(flavor: Flavor, config: &BrokerConfig) -> Self {
        let version = match flavor {
            Flavor::V4_9_8 => DataVersion { state_version: None, ..DataVersion::now() },
            Flavor::V5_3_3 => DataVersion::now().with_state_version(),
        };
        let mut this = JavaConfiguration {
            flavor,
            all: HashMap::new(),
            order: ChmOrder::new(),
            store_path: Self::store_path(flavor, config),
            version,
        };
        this.merge_objects(config);
        if let Some(file) = &config.config_file {
            // `registerConfig(properties)`: the file's Properties, iterated in its own hash order.
            let mut order = ChmOrder::new();
            let mut values = HashMap::new();
            for (k, v) in &file.properties {
                order.put(k);
                values.insert(k.as_str(), v.as_str());
            }
            for k in order.keys() {
                this.put(k, values.get(k).copied().unwrap_or_default());
            }
        }
        this
    }

    fn store_path(flavor: Flavor, config: &BrokerConfig) -> PathBuf {
        if flavor == Flavor::V5_3_3 {
            if let Some(path) = config.extra.get("brokerConfigPath").map(|p| java_trim(p)).filter(|p| !p.is_empty()) {
                return PathBuf::from(path);
            }
        }
        match &config.config_file {
            Some(file) => file.path.clone(),
            None => {
                let home = std::env::var("HOME").unwrap_or_else(|_| ".".to_owned());
                PathBuf::from(home).join("store").join("config").join("broker.properties")
            }
        }
    }

    fn put(&mut self, key: &str, value: &str) {
        self.order.put(key);
        self.all.insert(key.to_owned(), value.to_owned());
    }

    /// `merge(object2Properties(o), allConfigs)` for each registered object: a fresh `Properties` per object,
    /// filled in field order and iterated in its hash order.
    fn merge_objects(&mut self, config: &BrokerConfig) {
        for object in objects(self.flavor) {
            let props = object_properties(object, config);
            let mut order = ChmOrder::new();
            for (k, _) in &props {
                order.put(k);
            }
            let values: HashMap<&str, &str> = props.iter().map(|(k, v)| (*k, v.as_str())).collect();
            for k in order.keys() {
                let v = values.get(k).copied().unwrap_or_default();
                self.put(k, v);
            }
        }
    }

    /// `getAllConfigsFormatString()`: `key=value\n` for every property, in the flavor's order.
    pub fn text(&mut self, config: &BrokerConfig) -> String {
        self.merge_objects(config);
        let mut out = String::new();
        let mut line = |k: &str, v: &str| {
            out.push_str(k);
            out.push('=');
            out.push_str(v);
            out.push('\n');
        };
        match self.flavor {
            Flavor::V4_9_8 => {
                for k in self.order.keys() {
                    line(k, self.all.get(k).map_or("", String::as_str));
                }
            }
            Flavor::V5_3_3 => {
                let sorted: BTreeMap<&String, &String> = self.all.iter().collect();
                for (k, v) in sorted {
                    line(k, v);
                }
            }
        }
        out
    }

    /// `Configuration.update(properties)` then `persist()`: keys already known change their value, fields are
    /// set (live in `config`), other keys are dropped; the DataVersion moves on and the whole text is written
    /// to the store path (tmp + fsync + rename, the old content kept in `.bak`).
    pub fn update(
        &mut self,
        properties: &[(String, String)],
        config: &mut BrokerConfig,
    ) -> Result<(), ConfigFileError> {
        for (k, v) in properties {
            if let Some(slot) = self.all.get_mut(k) {
                *slot = v.clone();
            }
        }
        let flavor = self.flavor;
        config.apply_properties(
            properties.iter().filter(|(k, _)| is_field(flavor, k)).map(|(k, v)| (k.as_str(), v.as_str())),
        );
        self.version.next_version();
        let text = self.text(config);
        persist(&self.store_path, text.as_bytes())
    }

    /// The configuration's DataVersion (`getDataVersionJson()` is its fastjson text).
    pub fn version(&self) -> DataVersion {
        self.version
    }

    /// The file `persist()` writes.
    pub fn persist_path(&self) -> &std::path::Path {
        &self.store_path
    }
}

/// `initConfigBlackList()`: the fixed keys plus `configBlackList` split on `;` as Java's `String.split` does
/// (no trimming, trailing empty entries dropped). Identical in 4.9.8 and 5.3.3.
pub fn config_black_list(config: &BrokerConfig) -> Vec<String> {
    let configured = config.extra.get("configBlackList").map_or(DEFAULT_CONFIG_BLACK_LIST, |v| java_trim(v));
    let mut list: Vec<String> = FIXED_BLACK_LIST.iter().map(|s| (*s).to_owned()).collect();
    let mut parts: Vec<&str> = configured.split(';').collect();
    while parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    list.extend(parts.into_iter().map(str::to_owned));
    list
}

/// Keys `initConfigBlackList` always refuses.
const FIXED_BLACK_LIST: &[&str] = &["brokerConfigPath", "rocketmqHome", "configBlackList"];
/// `BrokerConfig.configBlackList`'s default (both versions).
const DEFAULT_CONFIG_BLACK_LIST: &str = "configBlackList;brokerConfigPath";

#[cfg(test)]
#[path = "java_config_tests.rs"]
mod tests;
