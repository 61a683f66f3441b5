//! The KV configuration table (`KVConfigManager`): namespace → key → value, persisted on every change.
//!
//! The file at `kvConfigPath` is what Java writes (`KVConfigSerializeWrapper`, fastjson, one line):
//!
//! ```text
//! {"configTable":{"ORDER_TOPIC_CONFIG":{"TopicA":"broker-a:8;broker-b:8"},"<namespace>":{"<key>":"<value>"}}}
//! ```
//!
//! Writes go to `<path>.tmp`, are fsynced, the previous content is kept as `<path>.bak`, then the tmp file is
//! renamed over the real one and the directory fsynced. Loading is lenient: a missing file is an empty table;
//! an unreadable one is logged and replaced by its `.bak` if that one reads (Java would refuse to start).

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};

use crate::protocol::body::KVTable;
use crate::remoting::fastjson;

/// The namespace whose entries the NameServer interprets (`NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG`).
pub const NAMESPACE_ORDER_TOPIC_CONFIG: &str = "ORDER_TOPIC_CONFIG";

type Table = BTreeMap<String, BTreeMap<String, String>>;

/// Mirrors `KVConfigSerializeWrapper`, the file format.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct KVConfigSerializeWrapper {
    #[serde(default)]
    config_table: BTreeMap<String, BTreeMap<String, Option<String>>>,
}

/// The KV table and its file.
#[derive(Debug)]
pub struct KvConfigManager {
    path: PathBuf,
    table: RwLock<Table>,
    /// Serialises writers so the file always ends with the newest snapshot.
    persist_lock: Mutex<()>,
}

impl KvConfigManager {
    /// Loads `path` (see the module docs for the leniency).
    pub fn load(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let table = match read_table(&path) {
            Ok(table) => table,
            Err(e) => {
                let bak = with_suffix(&path, ".bak");
                tracing::error!("load KV config table {} failed: {e}; trying {}", path.display(), bak.display());
                read_table(&bak).unwrap_or_default()
            }
        };
        if !table.is_empty() {
            tracing::info!("load KV config table OK, {} namespaces", table.len());
        }
        KvConfigManager { path, table: RwLock::new(table), persist_lock: Mutex::new(()) }
    }

    /// PUT_KV_CONFIG: creates the namespace if needed and sets the key. A `None` value is Java's null: the
    /// key then reads as absent everywhere.
    pub fn put(&self, namespace: &str, key: &str, value: Option<&str>) {
        {
            let mut table = self.table.write();
            let kv = table.entry(namespace.to_owned()).or_insert_with(|| {
                tracing::info!("putKVConfig create new Namespace {namespace}");
                BTreeMap::new()
            });
            match value {
                Some(value) => {
                    let prev = kv.insert(key.to_owned(), value.to_owned());
                    let what = if prev.is_some() { "update" } else { "create new" };
                    tracing::info!("putKVConfig {what} config item, Namespace: {namespace} Key: {key} Value: {value}");
                }
                None => {
                    kv.remove(key);
                }
            }
        }
        self.persist();
    }

    /// GET_KV_CONFIG.
    pub fn get(&self, namespace: &str, key: &str) -> Option<String> {
        self.table.read().get(namespace).and_then(|kv| kv.get(key)).cloned()
    }

    /// DELETE_KV_CONFIG: removes the key (the namespace stays, even empty) and persists.
    pub fn delete(&self, namespace: &str, key: &str) {
        {
            let mut table = self.table.write();
            if let Some(kv) = table.get_mut(namespace) {
                let value = kv.remove(key);
                tracing::info!(
                    "deleteKVConfig delete a config item, Namespace: {namespace} Key: {key} Value: {value:?}"
                );
            }
        }
        self.persist();
    }

    /// GET_KVLIST_BY_NAMESPACE: the namespace as a `KVTable`, `None` if it does not exist.
    pub fn list(&self, namespace: &str) -> Option<KVTable> {
        self.table.read().get(namespace).map(|kv| KVTable { table: kv.clone() })
    }

    /// Writes the whole table; failures are logged, as in Java (the in-memory change stands).
    fn persist(&self) {
        let _writer = self.persist_lock.lock();
        let content = {
            let table = self.table.read();
            let wrapper = KVConfigSerializeWrapper {
                config_table: table
                    .iter()
                    .map(|(ns, kv)| (ns.clone(), kv.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect()))
                    .collect(),
            };
            fastjson::to_vec_plain(&wrapper)
        };
        if let Err(e) = store_file(&self.path, &content) {
            tracing::error!("persist kvconfig Exception, {}: {e}", self.path.display());
        }
    }
}

fn read_table(path: &Path) -> Result<Table, String> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Table::new()),
        Err(e) => return Err(e.to_string()),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Table::new());
    }
    let wrapper: KVConfigSerializeWrapper = fastjson::from_slice(&bytes).map_err(|e| e.to_string())?;
    Ok(wrapper
        .config_table
        .into_iter()
        .map(|(ns, kv)| (ns, kv.into_iter().filter_map(|(k, v)| Some((k, v?))).collect()))
        .collect())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Replaces the file at `path` with `content` the way Java's `MixAll.string2File` does, made crash-safe:
/// `<path>.tmp` written and fsynced, the previous content copied to `<path>.bak`, the tmp file renamed over
/// `path`, the directory fsynced. Parent directories are created.
pub(crate) fn store_file(path: &Path, content: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir {
        fs::create_dir_all(dir)?;
    }
    let tmp = with_suffix(path, ".tmp");
    {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(content)?;
        file.sync_all()?;
    }
    if path.exists() {
        if let Err(e) = fs::copy(path, with_suffix(path, ".bak")) {
            tracing::warn!("cannot keep a backup of {}: {e}", path.display());
        }
    }
    fs::rename(&tmp, path)?;
    if let Some(dir) = dir {
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn persistence_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("namesrv").join("kvConfig.json");
        let kv = KvConfigManager::load(&path);
        kv.put(NAMESPACE_ORDER_TOPIC_CONFIG, "TopicA", Some("broker-a:8;broker-b:8"));
        kv.put("ns", "k", Some("v1"));
        kv.put("ns", "k", Some("v2"));
        kv.put("ns", "gone", Some("x"));
        kv.delete("ns", "gone");
        kv.put("empty", "nothing", None);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            r#"{"configTable":{"ORDER_TOPIC_CONFIG":{"TopicA":"broker-a:8;broker-b:8"},"empty":{},"ns":{"k":"v2"}}}"#
        );
        assert!(with_suffix(&path, ".bak").exists());
        assert!(!with_suffix(&path, ".tmp").exists());

        let again = KvConfigManager::load(&path);
        assert_eq!(again.get("ns", "k").as_deref(), Some("v2"));
        assert_eq!(again.get("ns", "gone"), None);
        assert_eq!(again.list("empty"), Some(KVTable::default()));
        assert_eq!(again.list("nope"), None);
        assert_eq!(again.get(NAMESPACE_ORDER_TOPIC_CONFIG, "TopicA").as_deref(), Some("broker-a:8;broker-b:8"));
    }

    #[test]
    fn null_value_reads_as_absent() {
        let dir = tempfile::tempdir().unwrap();
        let kv = KvConfigManager::load(dir.path().join("kv.json"));
        kv.put("ns", "k", Some("v"));
        kv.put("ns", "k", None);
        assert_eq!(kv.get("ns", "k"), None);
        assert_eq!(kv.list("ns"), Some(KVTable::default()));
    }

    #[test]
    fn lenient_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kv.json");
        fs::write(&path, r#"{"configTable":{"ns":{"a":"1","b":null},},"other":1}"#).unwrap();
        let kv = KvConfigManager::load(&path);
        assert_eq!(kv.get("ns", "a").as_deref(), Some("1"));
        assert_eq!(kv.get("ns", "b"), None);

        fs::write(&path, "garbage").unwrap();
        fs::write(with_suffix(&path, ".bak"), r#"{"configTable":{"ns":{"a":"old"}}}"#).unwrap();
        assert_eq!(KvConfigManager::load(&path).get("ns", "a").as_deref(), Some("old"));
        fs::remove_file(with_suffix(&path, ".bak")).unwrap();
        assert_eq!(KvConfigManager::load(&path).list("ns"), None);
    }
}
