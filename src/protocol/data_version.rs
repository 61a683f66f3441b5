//! `DataVersion`: the version stamp of a broker's topic table (and of other config tables).

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Mirrors `org.apache.rocketmq.common.DataVersion` (4.9.8) / `org.apache.rocketmq.remoting.protocol.DataVersion`
/// (5.3.3).
///
/// 4.9.8 writes `{"counter":12,"timestamp":1700000000000}`; 5.3.3 adds `stateVersion`
/// (`{"counter":12,"stateVersion":0,"timestamp":…}`). `state_version` is `None` when the 4.9.8 shape was read
/// (or should be written).
///
/// Equality is Java's (`DataVersion.equals`): same `timestamp`, same `counter` and same `stateVersion`, an
/// absent `stateVersion` counting as 0 (5.3.3 reads the 4.9.8 shape that way).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataVersion {
    /// Bumped on every change.
    #[serde(default)]
    pub counter: i64,
    /// [5.3.3] Controller-mode state version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_version: Option<i64>,
    /// Milliseconds since the epoch of the last change.
    #[serde(default)]
    pub timestamp: i64,
}

impl PartialEq for DataVersion {
    fn eq(&self, other: &Self) -> bool {
        self.timestamp == other.timestamp
            && self.counter == other.counter
            && self.state_version.unwrap_or(0) == other.state_version.unwrap_or(0)
    }
}

impl Eq for DataVersion {}

impl DataVersion {
    /// A fresh 5.3.3-shaped version stamped now, like `new DataVersion()` in Java.
    pub fn now() -> Self {
        DataVersion { counter: 0, state_version: Some(0), timestamp: now_millis() }
    }

    /// `nextVersion()`: a new timestamp and the counter bumped (state version reset to 0 if present).
    pub fn next_version(&mut self) {
        self.timestamp = now_millis();
        self.counter += 1;
        if self.state_version.is_some() {
            self.state_version = Some(0);
        }
    }

    /// The state version, absent counting as 0.
    pub fn state_version(&self) -> i64 {
        self.state_version.unwrap_or(0)
    }

    /// The same version in the 5.3.3 shape (`stateVersion` always written).
    pub fn with_state_version(self) -> Self {
        DataVersion { state_version: Some(self.state_version()), ..self }
    }
}

fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::remoting::fastjson::{from_slice, to_vec_plain};

    #[test]
    fn both_shapes_round_trip() {
        let v4: DataVersion = from_slice(br#"{"counter":12,"timestamp":1700000000000}"#).unwrap();
        assert_eq!(v4.state_version, None);
        assert_eq!(to_vec_plain(&v4), br#"{"counter":12,"timestamp":1700000000000}"#);
        let v5: DataVersion = from_slice(br#"{"counter":12,"stateVersion":0,"timestamp":1700000000000}"#).unwrap();
        assert_eq!(to_vec_plain(&v5), br#"{"counter":12,"stateVersion":0,"timestamp":1700000000000}"#);
        assert_eq!(to_vec_plain(&v4.with_state_version()), to_vec_plain(&v5));
    }

    #[test]
    fn equality_is_javas() {
        let a = DataVersion { counter: 3, state_version: None, timestamp: 10 };
        assert_eq!(a, DataVersion { counter: 3, state_version: Some(0), timestamp: 10 });
        assert_ne!(a, DataVersion { counter: 3, state_version: Some(1), timestamp: 10 });
        assert_ne!(a, DataVersion { counter: 4, state_version: None, timestamp: 10 });
        assert_ne!(a, DataVersion { counter: 3, state_version: None, timestamp: 11 });
    }

    #[test]
    fn next_version_bumps() {
        let mut v = DataVersion { counter: 1, state_version: Some(5), timestamp: 0 };
        v.next_version();
        assert_eq!(v.counter, 2);
        assert_eq!(v.state_version, Some(0));
        assert!(v.timestamp > 0);
    }
}
