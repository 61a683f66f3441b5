//! Typed custom headers, flattened to and from `extFields` by Java field name.
//!
//! Java's `RemotingCommand.decodeCommandCustomHeader` parses each field from its string and, on any
//! failure, logs and keeps the field's default; "required" fields are never enforced at decode time
//! (ERRATA.md). [`HeaderField`] reproduces that: an unparseable value is "absent". Primitive Java fields
//! (`int`, `long`, `boolean`) are plain Rust values, always written; boxed ones are `Option`s, written
//! only when set.

use super::ext_fields::ExtFields;

/// A typed header that maps to `extFields`.
pub trait CustomHeader: Default {
    /// Reads the header; missing or unparseable fields keep their defaults.
    fn decode(ext: &ExtFields) -> Self;
    /// Writes every field that has a value.
    fn encode(&self, ext: &mut ExtFields);
}

/// The header of a command that has none: decodes from anything, writes nothing.
impl CustomHeader for () {
    fn decode(_: &ExtFields) -> Self {}
    fn encode(&self, _: &mut ExtFields) {}
}

/// One field type of a custom header.
pub trait HeaderField: Sized {
    /// Java's parse of the string form; `None` when Java's parse would throw.
    fn parse(s: &str) -> Option<Self>;
    /// The string Java's `toString()` gives; `None` for a null value (not written).
    fn write(&self) -> Option<String>;
}

macro_rules! number_field {
    ($($t:ty),*) => {$(
        impl HeaderField for $t {
            fn parse(s: &str) -> Option<Self> {
                s.parse().ok()
            }
            fn write(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}
number_field!(i32, i64);

/// `Boolean.parseBoolean`: `"true"` in any case is true, anything else false.
impl HeaderField for bool {
    fn parse(s: &str) -> Option<Self> {
        Some(s.eq_ignore_ascii_case("true"))
    }
    fn write(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl HeaderField for String {
    fn parse(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
    fn write(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl<T: HeaderField> HeaderField for Option<T> {
    fn parse(s: &str) -> Option<Self> {
        T::parse(s).map(Some)
    }
    fn write(&self) -> Option<String> {
        self.as_ref().and_then(T::write)
    }
}

/// Declares a custom header struct whose fields map to Java field names.
///
/// ```ignore
/// custom_header! {
///     /// Mirrors `GetRouteInfoRequestHeader`.
///     pub struct GetRouteInfoRequestHeader {
///         topic: Option<String> => "topic",
///         accept_standard_json_only: Option<bool> => "acceptStandardJsonOnly",
///     }
/// }
/// ```
#[macro_export]
macro_rules! custom_header {
    ($(#[$m:meta])* pub struct $name:ident { $( $(#[$fm:meta])* $field:ident : $ty:ty => $java:literal ),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $( $(#[$fm])* pub $field: $ty, )*
        }

        impl $crate::remoting::CustomHeader for $name {
            fn decode(ext: &$crate::remoting::ExtFields) -> Self {
                let mut header = Self::default();
                $(
                    if let Some(parsed) = ext.get($java).and_then(<$ty as $crate::remoting::HeaderField>::parse) {
                        header.$field = parsed;
                    }
                )*
                header
            }

            fn encode(&self, ext: &mut $crate::remoting::ExtFields) {
                $(
                    if let Some(value) = $crate::remoting::HeaderField::write(&self.$field) {
                        ext.insert($java, value);
                    }
                )*
            }
        }
    };
}

#[cfg(test)]
#[allow(unreachable_pub)]
mod tests {
    use crate::remoting::{CustomHeader, ExtFields};

    crate::custom_header! {
        /// A test header.
        pub struct Sample {
            id: i64 => "brokerId",
            name: Option<String> => "brokerName",
            flag: bool => "compressed",
            count: Option<i32> => "count",
        }
    }

    #[test]
    fn lenient_decode_like_java() {
        let ext: ExtFields = [("brokerId", "x12"), ("compressed", "TRUE"), ("count", "7")].into_iter().collect();
        let h = Sample::decode(&ext);
        assert_eq!(h, Sample { id: 0, name: None, flag: true, count: Some(7) });
    }

    #[test]
    fn encode_skips_nulls_and_writes_primitives() {
        let mut ext = ExtFields::new();
        Sample { id: 3, name: None, flag: false, count: None }.encode(&mut ext);
        assert_eq!(ext.iter().collect::<Vec<_>>(), vec![("brokerId", "3"), ("compressed", "false")]);
    }
}
