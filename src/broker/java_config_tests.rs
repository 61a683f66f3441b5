//! Thruster's `Configuration` against the text the real Java classes wrote (`fixtures/broker-config/`).

use super::*;
use crate::broker::config::ConfigFile;

/// Values that depend on the machine (addresses, home directories, processor count): compared by key only.
const MACHINE_KEYS: &[&str] = &[
    "brokerIP1",
    "brokerIP2",
    "storePathRootDir",
    "rocketmqHome",
    "sendMessageThreadPoolNums",
    "putMessageFutureThreadPoolNums",
    "pullMessageThreadPoolNums",
    "litePullMessageThreadPoolNums",
    "processReplyMessageThreadPoolNums",
    "queryMessageThreadPoolNums",
    "heartbeatThreadPoolNums",
    "endTransactionThreadPoolNums",
    "clientCallbackExecutorThreads",
];

/// Keys whose value Thruster runs with differs from Java's default for that flavor (Thruster has one
/// `BrokerConfig` default for both flavors: 5.3.3's).
const V4_THRUSTER_VALUES: &[&str] = &["registerBrokerTimeoutMills", "transactionCheckInterval"];

fn fixture(version: &str, name: &str) -> String {
    let path = format!("{}/fixtures/broker-config/v{version}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn masked(text: &str, extra: &[&str]) -> Vec<String> {
    text.lines()
        .map(|line| match line.split_once('=') {
            Some((k, _)) if MACHINE_KEYS.contains(&k) || extra.contains(&k) => format!("{k}=<masked>"),
            _ => line.to_owned(),
        })
        .collect()
}

/// The broker `thruster broker -c <dir>/broker.conf` would run with (`ROCKETMQ_HOME` set, as Java requires).
fn started_with(conf: &std::path::Path) -> BrokerConfig {
    let properties = crate::config::read_properties_file(conf).unwrap();
    let mut config = BrokerConfig::from_properties(properties.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    config.config_file = Some(ConfigFile { path: conf.to_path_buf(), properties });
    config.rocketmq_home = Some("/opt/rocketmq".to_owned());
    config.finish().unwrap();
    config
}

fn copy_conf(version: &str, dir: &std::path::Path) -> PathBuf {
    let conf = dir.join("broker.conf");
    std::fs::write(&conf, fixture(version, "broker.conf")).unwrap();
    conf
}

fn assert_same(version: &str, rust: &str, java: &str, extra: &[&str]) {
    let keys = |t: &str| t.lines().map(|l| l.split('=').next().unwrap_or_default().to_owned()).collect::<Vec<_>>();
    assert_eq!(keys(rust), keys(java), "{version}: key set and order");
    let (rust, java) = (masked(rust, extra), masked(java, extra));
    for (r, j) in rust.iter().zip(&java) {
        assert_eq!(r, j, "{version}: value");
    }
}

fn get_text_matches_java(version: &str, flavor: Flavor, extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let config = started_with(&copy_conf(version, dir.path()));
    let mut java = JavaConfiguration::new(flavor, &config);
    assert_same(version, &java.text(&config), &fixture(version, "get-broker-config.txt"), extra);
    assert_eq!(java.persist_path(), dir.path().join("broker.conf"), "persist() rewrites the -c file");
}

#[test]
fn get_broker_config_matches_java_4_9_8() {
    get_text_matches_java("4.9.8", Flavor::V4_9_8, V4_THRUSTER_VALUES);
}

#[test]
fn get_broker_config_matches_java_5_3_3() {
    get_text_matches_java("5.3.3", Flavor::V5_3_3, &[]);
}

fn update_persists_like_java(version: &str, flavor: Flavor, extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let conf = copy_conf(version, dir.path());
    let mut config = started_with(&conf);
    let mut java = JavaConfiguration::new(flavor, &config);
    let body = crate::config::parse_properties(&fixture(version, "update.properties"));
    java.update(&body, &mut config).unwrap();
    assert_eq!(config.broker_permission, 4, "applied live");
    assert_eq!(java.version().counter, 1);
    let written = std::fs::read_to_string(&conf).unwrap();
    assert_same(version, &written, &fixture(version, "persisted-after-update.txt"), extra);
    assert_eq!(std::fs::read_to_string(dir.path().join("broker.conf.bak")).unwrap(), fixture(version, "broker.conf"));
    assert!(!written.contains("noSuchKey"), "a key Java does not know is dropped (mergeIfExist)");

    // A broker restarted from the persisted file runs with the updated values.
    let reopened = started_with(&conf);
    assert_eq!(reopened.broker_permission, 4);
    let text = JavaConfiguration::new(flavor, &reopened).text(&reopened);
    assert!(text.contains("\nfileReservedTime=72\n") && text.contains("\nbrokerPermission=4\n"), "{text}");
    assert!(text.contains(&format!("thrusterStoreCompat={version}\n")));
}

#[test]
fn update_broker_config_persists_like_java_4_9_8() {
    update_persists_like_java("4.9.8", Flavor::V4_9_8, V4_THRUSTER_VALUES);
}

#[test]
fn update_broker_config_persists_like_java_5_3_3() {
    update_persists_like_java("5.3.3", Flavor::V5_3_3, &[]);
}

#[test]
fn without_a_config_file_persist_goes_to_the_home_store() {
    let config = BrokerConfig::default();
    let java = JavaConfiguration::new(Flavor::V4_9_8, &config);
    assert!(java.persist_path().ends_with("store/config/broker.properties"));
    let mut with_path = BrokerConfig::from_properties([("brokerConfigPath", "/tmp/x/b.properties")]);
    assert!(JavaConfiguration::new(Flavor::V4_9_8, &with_path).persist_path().ends_with("broker.properties"));
    with_path.config_file = None;
    assert_eq!(
        JavaConfiguration::new(Flavor::V5_3_3, &with_path).persist_path(),
        std::path::Path::new("/tmp/x/b.properties"),
        "5.3.3's BrokerController prefers brokerConfigPath"
    );
}

#[test]
fn black_list_is_init_config_black_list() {
    let config = BrokerConfig::default();
    let list = config_black_list(&config);
    for key in ["brokerConfigPath", "rocketmqHome", "configBlackList"] {
        assert!(list.iter().any(|k| k == key), "{key}");
    }
    let custom = BrokerConfig::from_properties([("configBlackList", "listenPort; brokerName;")]);
    let list = config_black_list(&custom);
    assert!(list.iter().any(|k| k == "listenPort"));
    assert!(list.iter().any(|k| k == " brokerName"), "Java does not trim the entries");
    assert!(!list.iter().any(|k| k == "brokerName"));
}

#[test]
fn data_version_json_per_flavor() {
    let config = BrokerConfig::default();
    let json = |flavor| {
        let v = JavaConfiguration::new(flavor, &config).version();
        let text = String::from_utf8(crate::remoting::fastjson::to_vec_plain(&v)).unwrap();
        let cut = text.find("\"timestamp\":").map_or(text.len(), |i| i + 12);
        format!("{}0}}", &text[..cut])
    };
    assert_eq!(json(Flavor::V4_9_8), fixture("4.9.8", "data-version.json"));
    assert_eq!(json(Flavor::V5_3_3), fixture("5.3.3", "data-version.json"));
}
