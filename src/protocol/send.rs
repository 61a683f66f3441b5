//! SEND-family headers (4.9.8 `common.protocol.header`, 5.3.3 `remoting.protocol.header`), with their exact
//! Java field names: SEND_MESSAGE (10) / SEND_MESSAGE_V2 (310) / SEND_BATCH_MESSAGE (320), their response,
//! CONSUMER_SEND_MSG_BACK (36), QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33).
//!
//! Fields Java declares `@CFNotNull` are still `Option`s here: Java's decoder does not enforce them on the
//! fast V2 path, and the processors answer a missing one as Java's reflective decoder does (SYSTEM_ERROR).
//! The 5.3.3 `RpcRequestHeader` fields (`ns`, `nsd`, `bname`, `oway`, `lo`) are ignored.

use crate::custom_header;
use crate::remoting::RemotingCommand;
use crate::remoting::RequestCode;

custom_header! {
    /// Mirrors `SendMessageRequestHeader`: the long-key header of SEND_MESSAGE (10) and SEND_REPLY_MESSAGE (324).
    pub struct SendMessageRequestHeader {
        producer_group: Option<String> => "producerGroup",
        topic: Option<String> => "topic",
        default_topic: Option<String> => "defaultTopic",
        default_topic_queue_nums: Option<i32> => "defaultTopicQueueNums",
        queue_id: Option<i32> => "queueId",
        sys_flag: Option<i32> => "sysFlag",
        born_timestamp: Option<i64> => "bornTimestamp",
        flag: Option<i32> => "flag",
        properties: Option<String> => "properties",
        reconsume_times: Option<i32> => "reconsumeTimes",
        unit_mode: bool => "unitMode",
        batch: bool => "batch",
        max_reconsume_times: Option<i32> => "maxReconsumeTimes",
        broker_name: Option<String> => "bname",
    }
}

custom_header! {
    /// Mirrors `SendMessageRequestHeaderV2`: the one-letter header of SEND_MESSAGE_V2 (310),
    /// SEND_BATCH_MESSAGE (320) and SEND_REPLY_MESSAGE_V2 (325).
    pub struct SendMessageRequestHeaderV2 {
        a: Option<String> => "a",
        b: Option<String> => "b",
        c: Option<String> => "c",
        d: Option<i32> => "d",
        e: Option<i32> => "e",
        f: Option<i32> => "f",
        g: Option<i64> => "g",
        h: Option<i32> => "h",
        i: Option<String> => "i",
        j: Option<i32> => "j",
        k: bool => "k",
        l: Option<i32> => "l",
        m: bool => "m",
        n: Option<String> => "n",
    }
}

impl SendMessageRequestHeaderV2 {
    /// `createSendMessageRequestHeaderV1`.
    pub fn into_v1(self) -> SendMessageRequestHeader {
        SendMessageRequestHeader {
            producer_group: self.a,
            topic: self.b,
            default_topic: self.c,
            default_topic_queue_nums: self.d,
            queue_id: self.e,
            sys_flag: self.f,
            born_timestamp: self.g,
            flag: self.h,
            properties: self.i,
            reconsume_times: self.j,
            unit_mode: self.k,
            max_reconsume_times: self.l,
            batch: self.m,
            broker_name: self.n,
        }
    }

    /// `createSendMessageRequestHeaderV2`.
    pub fn from_v1(v1: SendMessageRequestHeader) -> Self {
        SendMessageRequestHeaderV2 {
            a: v1.producer_group,
            b: v1.topic,
            c: v1.default_topic,
            d: v1.default_topic_queue_nums,
            e: v1.queue_id,
            f: v1.sys_flag,
            g: v1.born_timestamp,
            h: v1.flag,
            i: v1.properties,
            j: v1.reconsume_times,
            k: v1.unit_mode,
            l: v1.max_reconsume_times,
            m: v1.batch,
            n: v1.broker_name,
        }
    }
}

impl SendMessageRequestHeader {
    /// `SendMessageRequestHeader.parseRequestHeader`: the V2 keys for 310, 320 and 325, the long keys otherwise.
    pub fn parse(request: &RemotingCommand) -> Self {
        match request.code {
            RequestCode::SEND_MESSAGE_V2 | RequestCode::SEND_BATCH_MESSAGE | RequestCode::SEND_REPLY_MESSAGE_V2 => {
                request.decode_header::<SendMessageRequestHeaderV2>().into_v1()
            }
            _ => request.decode_header(),
        }
    }

    /// The first `@CFNotNull` field that is missing, by its Java name.
    pub fn missing_required(&self) -> Option<&'static str> {
        [
            (self.producer_group.is_none(), "producerGroup"),
            (self.topic.is_none(), "topic"),
            (self.default_topic.is_none(), "defaultTopic"),
            (self.default_topic_queue_nums.is_none(), "defaultTopicQueueNums"),
            (self.queue_id.is_none(), "queueId"),
            (self.sys_flag.is_none(), "sysFlag"),
            (self.born_timestamp.is_none(), "bornTimestamp"),
            (self.flag.is_none(), "flag"),
        ]
        .into_iter()
        .find_map(|(missing, name)| missing.then_some(name))
    }
}

custom_header! {
    /// Mirrors `SendMessageResponseHeader` (`batchUniqId` and `recallHandle` are 5.3.3-only).
    pub struct SendMessageResponseHeader {
        msg_id: Option<String> => "msgId",
        queue_id: Option<i32> => "queueId",
        queue_offset: Option<i64> => "queueOffset",
        transaction_id: Option<String> => "transactionId",
        batch_uniq_id: Option<String> => "batchUniqId",
        recall_handle: Option<String> => "recallHandle",
    }
}

custom_header! {
    /// Mirrors `ConsumerSendMsgBackRequestHeader` (CONSUMER_SEND_MSG_BACK, 36).
    pub struct ConsumerSendMsgBackRequestHeader {
        offset: Option<i64> => "offset",
        group: Option<String> => "group",
        delay_level: Option<i32> => "delayLevel",
        origin_msg_id: Option<String> => "originMsgId",
        origin_topic: Option<String> => "originTopic",
        unit_mode: bool => "unitMode",
        max_reconsume_times: Option<i32> => "maxReconsumeTimes",
    }
}

custom_header! {
    /// Mirrors `QueryMessageRequestHeader` (QUERY_MESSAGE, 12).
    pub struct QueryMessageRequestHeader {
        topic: Option<String> => "topic",
        key: Option<String> => "key",
        max_num: Option<i32> => "maxNum",
        begin_timestamp: Option<i64> => "beginTimestamp",
        end_timestamp: Option<i64> => "endTimestamp",
    }
}

custom_header! {
    /// Mirrors `QueryMessageResponseHeader`.
    pub struct QueryMessageResponseHeader {
        index_last_update_timestamp: Option<i64> => "indexLastUpdateTimestamp",
        index_last_update_phyoffset: Option<i64> => "indexLastUpdatePhyoffset",
    }
}

custom_header! {
    /// Mirrors `ViewMessageRequestHeader` (VIEW_MESSAGE_BY_ID, 33; `topic` is 5.3.3-only).
    pub struct ViewMessageRequestHeader {
        topic: Option<String> => "topic",
        offset: Option<i64> => "offset",
    }
}

/// `MixAll.UNIQUE_MSG_QUERY_FLAG`: the QUERY_MESSAGE ext field marking a UNIQ_KEY lookup.
pub const UNIQUE_MSG_QUERY_FLAG: &str = "_UNIQUE_KEY_QUERY";
/// `MessageConst.PROPERTY_MSG_REGION`: SEND response ext field.
pub const MSG_REGION: &str = "MSG_REGION";
/// `MessageConst.PROPERTY_TRACE_SWITCH`: SEND response ext field.
pub const TRACE_ON: &str = "TRACE_ON";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::{CustomHeader, ExtFields};

    #[test]
    fn v2_keys_map_to_v1_fields() {
        let ext: ExtFields = [
            ("a", "pg"),
            ("b", "T"),
            ("c", "TBW102"),
            ("d", "4"),
            ("e", "2"),
            ("f", "0"),
            ("g", "1700000000000"),
            ("h", "0"),
            ("i", "TAGS\u{1}A\u{2}"),
            ("j", "0"),
            ("k", "false"),
            ("m", "true"),
        ]
        .into_iter()
        .collect();
        let mut req = RemotingCommand::request(RequestCode::SEND_BATCH_MESSAGE);
        req.ext_fields = Some(ext);
        let h = SendMessageRequestHeader::parse(&req);
        assert_eq!(h.topic.as_deref(), Some("T"));
        assert_eq!(h.queue_id, Some(2));
        assert_eq!(h.default_topic_queue_nums, Some(4));
        assert!(h.batch && !h.unit_mode);
        assert_eq!(h.max_reconsume_times, None);
        assert_eq!(h.missing_required(), None);
        let mut back = ExtFields::new();
        SendMessageRequestHeaderV2::from_v1(h.clone()).encode(&mut back);
        assert_eq!(SendMessageRequestHeaderV2::decode(&back).into_v1(), h);
    }

    #[test]
    fn v1_keys_for_send_message() {
        let h = SendMessageRequestHeader {
            producer_group: Some("pg".into()),
            topic: Some("T".into()),
            queue_id: Some(1),
            ..Default::default()
        };
        let req = RemotingCommand::request(RequestCode::SEND_MESSAGE).with_header(&h);
        let parsed = SendMessageRequestHeader::parse(&req);
        assert_eq!(parsed, h);
        assert_eq!(parsed.missing_required(), Some("defaultTopic"));
        // The V1 request decoded with the V2 keys finds nothing.
        let mut v2 = req.clone();
        v2.code = RequestCode::SEND_MESSAGE_V2;
        assert_eq!(SendMessageRequestHeader::parse(&v2).topic, None);
    }
}
