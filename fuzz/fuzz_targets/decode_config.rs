//! Every `config/*.json` decoder, both flavors: arbitrary bytes give `Ok` or `Err`, never a panic, and what
//! decodes re-encodes and decodes again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thruster::store::config_files::{
    ConsumerOffsetFile, DelayOffsetFile, Flavor, SubscriptionGroupFile, TopicConfigSerializeWrapper,
};

fuzz_target!(|data: &[u8]| {
    for f in [Flavor::V4_9_8, Flavor::V5_3_3] {
        if let Ok(Some(t)) = TopicConfigSerializeWrapper::decode(data, f) {
            let again = TopicConfigSerializeWrapper::decode(&t.encode(f), f);
            assert!(matches!(again, Ok(Some(_))));
        }
        if let Ok(Some(o)) = ConsumerOffsetFile::decode(data, f) {
            assert!(matches!(
                ConsumerOffsetFile::decode(&o.encode(f), f),
                Ok(Some(_))
            ));
        }
        if let Ok(Some(s)) = SubscriptionGroupFile::decode(data, f) {
            assert!(matches!(
                SubscriptionGroupFile::decode(&s.encode(f), f),
                Ok(Some(_))
            ));
        }
        if let Ok(Some(d)) = DelayOffsetFile::decode(data, f) {
            assert!(matches!(
                DelayOffsetFile::decode(&d.encode(f), f),
                Ok(Some(_))
            ));
        }
    }
});
