//! Topic configuration bodies: `TopicConfig`, the broker's topic table wrapper and the REGISTER_BROKER body.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::data_version::DataVersion;
use super::route::perm;
use super::BodyError;
use crate::remoting::fastjson;

/// `MQVersion.Version.V3_0_11.ordinal()`: from here on REGISTER_BROKER carries a `RegisterBrokerBody`.
pub const VERSION_3_0_11: i32 = 37;
/// `MQVersion.Version.V5_0_0.ordinal()`: compressed bodies carry the static-topic mapping section.
pub const VERSION_5_0_0: i32 = 413;
/// The most a compressed REGISTER_BROKER body may inflate to (a guard against zip bombs; Java has none).
pub const MAX_INFLATED_LEN: usize = 256 * 1024 * 1024;

/// Mirrors `org.apache.rocketmq.common.TopicFilterType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TopicFilterType {
    /// The default.
    #[default]
    SingleTag,
    /// Legacy.
    MultiTag,
}

impl TopicFilterType {
    /// The Java constant name.
    pub fn name(self) -> &'static str {
        match self {
            TopicFilterType::SingleTag => "SINGLE_TAG",
            TopicFilterType::MultiTag => "MULTI_TAG",
        }
    }

    /// `TopicFilterType.valueOf`: exact constant names only.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "SINGLE_TAG" => Some(TopicFilterType::SingleTag),
            "MULTI_TAG" => Some(TopicFilterType::MultiTag),
            _ => None,
        }
    }
}

fn default_queue_nums() -> i32 {
    16
}

fn default_perm() -> i32 {
    perm::PERM_READ | perm::PERM_WRITE
}

/// Mirrors `org.apache.rocketmq.common.TopicConfig`.
///
/// Missing JSON properties take Java's field defaults (16 queues, perm 6, `SINGLE_TAG`). `attributes` is a
/// 5.3.3 property: `None` reads and writes the 4.9.8 shape, 5.3.3 writers use `Some` (an empty map is written
/// as `{}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicConfig {
    /// [5.3.3] e.g. `{"message.type":"FIFO"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
    /// An order (FIFO) topic.
    #[serde(default)]
    pub order: bool,
    /// [`perm`] bits.
    #[serde(default = "default_perm")]
    pub perm: i32,
    /// Readable queue count.
    #[serde(default = "default_queue_nums")]
    pub read_queue_nums: i32,
    /// Legacy filter type.
    #[serde(default)]
    pub topic_filter_type: TopicFilterType,
    /// The topic.
    #[serde(default)]
    pub topic_name: String,
    /// `TopicSysFlag` bits.
    #[serde(default)]
    pub topic_sys_flag: i32,
    /// Writable queue count.
    #[serde(default = "default_queue_nums")]
    pub write_queue_nums: i32,
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig {
            attributes: None,
            order: false,
            perm: default_perm(),
            read_queue_nums: default_queue_nums(),
            topic_filter_type: TopicFilterType::SingleTag,
            topic_name: String::new(),
            topic_sys_flag: 0,
            write_queue_nums: default_queue_nums(),
        }
    }
}

impl TopicConfig {
    /// A topic with Java's defaults and `read`/`write` queues.
    pub fn new(topic_name: impl Into<String>, read_queue_nums: i32, write_queue_nums: i32, perm: i32) -> Self {
        TopicConfig { topic_name: topic_name.into(), read_queue_nums, write_queue_nums, perm, ..Default::default() }
    }

    /// `TopicConfig.encode()`: the space-separated line of the compressed registration form,
    /// `name read write perm FILTER_TYPE`, plus [5.3.3] ` {attributes JSON}` when `attributes` is set.
    pub fn encode_line(&self) -> String {
        let mut line = format!(
            "{} {} {} {} {}",
            self.topic_name,
            self.read_queue_nums,
            self.write_queue_nums,
            self.perm,
            self.topic_filter_type.name()
        );
        if let Some(attributes) = &self.attributes {
            line.push(' ');
            line.push_str(&String::from_utf8_lossy(&fastjson::to_vec_plain(attributes)));
        }
        line
    }

    /// `TopicConfig.decode(String)`: at least five space-separated tokens (4.9.8 writes exactly five, 5.3.3 a
    /// sixth with the attributes JSON, ignored here when unparseable, as Java does). `topicSysFlag` and `order`
    /// are not carried and stay 0/false.
    pub fn decode_line(line: &str) -> Option<TopicConfig> {
        let tokens: Vec<&str> = line.split(' ').collect();
        let [name, read, write, perm, filter, rest @ ..] = tokens.as_slice() else {
            return None;
        };
        let attributes =
            rest.first().and_then(|json| fastjson::from_slice::<BTreeMap<String, String>>(json.as_bytes()).ok());
        Some(TopicConfig {
            attributes,
            order: false,
            perm: perm.parse().ok()?,
            read_queue_nums: read.parse().ok()?,
            topic_filter_type: TopicFilterType::from_name(filter)?,
            topic_name: (*name).to_owned(),
            topic_sys_flag: 0,
            write_queue_nums: write.parse().ok()?,
        })
    }
}

/// Mirrors `body.TopicConfigSerializeWrapper` and [5.3.3] its subclass `TopicConfigAndMappingSerializeWrapper`
/// (the three mapping properties, present only in the 5.3.3 shape; mapping values kept as opaque JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicConfigSerializeWrapper {
    /// The topic table's version.
    #[serde(default)]
    pub data_version: DataVersion,
    /// [5.3.3] The static-topic mapping table's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping_data_version: Option<DataVersion>,
    /// Topic → config.
    #[serde(default)]
    pub topic_config_table: BTreeMap<String, TopicConfig>,
    /// [5.3.3] Topic → `TopicQueueMappingDetail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_queue_mapping_detail_map: Option<BTreeMap<String, Value>>,
    /// [5.3.3] Topic → `TopicQueueMappingInfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_queue_mapping_info_map: Option<BTreeMap<String, Value>>,
}

/// Mirrors `body.RegisterBrokerBody`, the REGISTER_BROKER request body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterBrokerBody {
    /// Filter-server addresses (always empty with 4.9.8/5.3.3 brokers).
    #[serde(default)]
    pub filter_server_list: Vec<String>,
    /// The broker's topic table.
    #[serde(default)]
    pub topic_config_serialize_wrapper: TopicConfigSerializeWrapper,
}

impl RegisterBrokerBody {
    /// Decodes a REGISTER_BROKER body sent with the header's `compressed` flag by a broker of `version`.
    ///
    /// The compressed form is a zlib stream of big-endian int32-length-prefixed items:
    ///
    /// ```text
    /// +-----+------------------+-----+---------------------------+-----+------------------+
    /// | len | DataVersion JSON |  N  | N x (len | topic line)    | len | filter list JSON |
    /// +-----+------------------+-----+---------------------------+-----+------------------+
    ///   then, for version >= 413 (5.0.0): M | M x (len | TopicQueueMappingInfo JSON)
    /// ```
    pub fn decode(body: &[u8], compressed: bool, version: i32) -> Result<RegisterBrokerBody, BodyError> {
        if !compressed {
            return Ok(fastjson::from_slice(body)?);
        }
        let mut inflated = Vec::new();
        let mut decoder = ZlibDecoder::new(body).take(MAX_INFLATED_LEN as u64 + 1);
        decoder.read_to_end(&mut inflated).map_err(|e| BodyError::Malformed(format!("bad zlib stream: {e}")))?;
        if inflated.len() > MAX_INFLATED_LEN {
            return Err(BodyError::Malformed("compressed body inflates beyond the limit".into()));
        }
        let mut r = Reader { buf: &inflated, at: 0 };
        let data_version: DataVersion = fastjson::from_slice(r.item()?)?;
        let mut wrapper = TopicConfigSerializeWrapper { data_version, ..Default::default() };
        for _ in 0..r.count()? {
            let line =
                std::str::from_utf8(r.item()?).map_err(|_| BodyError::Malformed("topic line is not UTF-8".into()))?;
            let config = TopicConfig::decode_line(line)
                .ok_or_else(|| BodyError::Malformed(format!("bad topic config line {line:?}")))?;
            wrapper.topic_config_table.insert(config.topic_name.clone(), config);
        }
        // Java logs an unparseable filter list and goes on with an empty one.
        let filter_server_list = fastjson::from_slice(r.item()?).unwrap_or_default();
        if version >= VERSION_5_0_0 {
            let mut infos = BTreeMap::new();
            for _ in 0..r.count()? {
                let info: Value = fastjson::from_slice(r.item()?)?;
                let topic = info.get("topic").and_then(Value::as_str).unwrap_or_default().to_owned();
                infos.insert(topic, info);
            }
            wrapper.topic_queue_mapping_info_map = Some(infos);
        }
        Ok(RegisterBrokerBody { filter_server_list, topic_config_serialize_wrapper: wrapper })
    }

    /// The uncompressed (JSON) form.
    pub fn encode(&self) -> Vec<u8> {
        fastjson::to_vec_plain(self)
    }

    /// The compressed form (`RegisterBrokerBody.encode(true)`, zlib at level 9). With `with_mappings` the 5.0.0+
    /// static-topic mapping section is appended (send it only to peers that read it: request version ≥ 413).
    pub fn encode_compressed(&self, with_mappings: bool) -> Vec<u8> {
        let mut raw = Vec::new();
        let wrapper = &self.topic_config_serialize_wrapper;
        push_item(&mut raw, &fastjson::to_vec_plain(&wrapper.data_version));
        push_count(&mut raw, wrapper.topic_config_table.len());
        for config in wrapper.topic_config_table.values() {
            push_item(&mut raw, config.encode_line().as_bytes());
        }
        push_item(&mut raw, &fastjson::to_vec_plain(&self.filter_server_list));
        if with_mappings {
            let infos = wrapper.topic_queue_mapping_info_map.as_ref();
            push_count(&mut raw, infos.map_or(0, BTreeMap::len));
            for info in infos.into_iter().flat_map(BTreeMap::values) {
                push_item(&mut raw, &fastjson::to_vec_plain(info));
            }
        }
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        // Writing into a Vec cannot fail.
        let _ = encoder.write_all(&raw);
        encoder.finish().unwrap_or_default()
    }
}

fn push_count(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as i32).to_be_bytes());
}

fn push_item(out: &mut Vec<u8>, bytes: &[u8]) {
    push_count(out, bytes.len());
    out.extend_from_slice(bytes);
}

/// Bounds-checked reader over the inflated stream.
struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn int(&mut self) -> Result<i32, BodyError> {
        let bytes: [u8; 4] = self.take(4)?.try_into().map_err(|_| BodyError::Malformed("short int".into()))?;
        Ok(i32::from_be_bytes(bytes))
    }

    fn count(&mut self) -> Result<usize, BodyError> {
        let n = self.int()?;
        usize::try_from(n).map_err(|_| BodyError::Malformed(format!("negative count {n}")))
    }

    fn item(&mut self) -> Result<&'a [u8], BodyError> {
        let len = self.count()?;
        self.take(len)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], BodyError> {
        let slice = self
            .at
            .checked_add(len)
            .and_then(|end| self.buf.get(self.at..end))
            .ok_or_else(|| BodyError::Malformed("End of compressed data has reached".into()))?;
        self.at += len;
        Ok(slice)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const BODY_498: &str = r#"{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,"timestamp":1700000000000},"topicConfigTable":{"TBW102":{"order":false,"perm":7,"readQueueNums":8,"topicFilterType":"SINGLE_TAG","topicName":"TBW102","topicSysFlag":0,"writeQueueNums":8},"TopicTest":{"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}}}}"#;
    const BODY_533: &str = r#"{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,"stateVersion":0,"timestamp":1700000000000},"mappingDataVersion":{"counter":0,"stateVersion":0,"timestamp":1700000000000},"topicConfigTable":{"TopicTest":{"attributes":{},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}},"topicQueueMappingDetailMap":{},"topicQueueMappingInfoMap":{}}}"#;

    #[test]
    fn json_bodies_of_both_tags_round_trip() {
        for text in [BODY_498, BODY_533] {
            let body = RegisterBrokerBody::decode(text.as_bytes(), false, 479).unwrap();
            assert_eq!(String::from_utf8(body.encode()).unwrap(), text);
        }
        let body = RegisterBrokerBody::decode(BODY_498.as_bytes(), false, 409).unwrap();
        let tbw = &body.topic_config_serialize_wrapper.topic_config_table["TBW102"];
        assert_eq!((tbw.perm, tbw.read_queue_nums, tbw.write_queue_nums), (7, 8, 8));
    }

    #[test]
    fn java_defaults_for_missing_properties() {
        let c: TopicConfig = fastjson::from_slice(br#"{"topicName":"T"}"#).unwrap();
        assert_eq!(c, TopicConfig::new("T", 16, 16, 6));
    }

    #[test]
    fn topic_lines_of_both_tags() {
        let c = TopicConfig::decode_line("TopicTest 4 4 6 SINGLE_TAG").unwrap();
        assert_eq!(c, TopicConfig::new("TopicTest", 4, 4, 6));
        let c = TopicConfig::decode_line(r#"TopicTest 4 2 6 SINGLE_TAG {"message.type":"FIFO"}"#).unwrap();
        assert_eq!(c.write_queue_nums, 2);
        assert_eq!(c.attributes.unwrap()["message.type"], "FIFO");
        assert!(TopicConfig::decode_line("TopicTest 4 4 6").is_none());
        assert!(TopicConfig::decode_line("TopicTest x 4 6 SINGLE_TAG").is_none());
        let mut c = TopicConfig::new("T", 1, 2, 6);
        assert_eq!(c.encode_line(), "T 1 2 6 SINGLE_TAG");
        c.attributes = Some(BTreeMap::new());
        assert_eq!(c.encode_line(), "T 1 2 6 SINGLE_TAG {}");
    }

    #[test]
    fn compressed_body_round_trips_for_both_tags() {
        let mut body = RegisterBrokerBody::decode(BODY_498.as_bytes(), false, 409).unwrap();
        let decoded = RegisterBrokerBody::decode(&body.encode_compressed(false), true, 409).unwrap();
        assert_eq!(decoded, body);

        body.topic_config_serialize_wrapper.topic_queue_mapping_info_map =
            Some([("T".to_owned(), serde_json::json!({"bname":"broker-a","topic":"T"}))].into());
        for c in body.topic_config_serialize_wrapper.topic_config_table.values_mut() {
            c.attributes = Some(BTreeMap::new());
        }
        let decoded = RegisterBrokerBody::decode(&body.encode_compressed(true), true, 479).unwrap();
        assert_eq!(decoded, body);
    }

    #[test]
    fn compressed_body_is_zlib_with_java_layout() {
        // Built by hand the way Java's DeflaterOutputStream lays it out.
        let mut raw = Vec::new();
        push_item(&mut raw, br#"{"counter":1,"timestamp":5}"#);
        push_count(&mut raw, 1);
        push_item(&mut raw, b"TopicA 8 8 6 SINGLE_TAG");
        push_item(&mut raw, b"[]");
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&raw).unwrap();
        let zipped = enc.finish().unwrap();
        assert_eq!(zipped[0], 0x78, "zlib header");
        let body = RegisterBrokerBody::decode(&zipped, true, 409).unwrap();
        let w = &body.topic_config_serialize_wrapper;
        assert_eq!(w.data_version.counter, 1);
        assert_eq!(w.topic_config_table["TopicA"], TopicConfig::new("TopicA", 8, 8, 6));
        assert!(body.filter_server_list.is_empty());
    }

    #[test]
    fn malformed_compressed_bodies_are_errors() {
        assert!(RegisterBrokerBody::decode(b"not zlib", true, 409).is_err());
        let mut raw = Vec::new();
        push_item(&mut raw, br#"{"counter":1,"timestamp":5}"#);
        push_count(&mut raw, 1_000_000);
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&raw).unwrap();
        assert!(RegisterBrokerBody::decode(&enc.finish().unwrap(), true, 409).is_err());
        let mut raw = Vec::new();
        raw.extend_from_slice(&(-5i32).to_be_bytes());
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&raw).unwrap();
        assert!(RegisterBrokerBody::decode(&enc.finish().unwrap(), true, 409).is_err());
    }
}
