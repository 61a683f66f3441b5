//! Java-style `.properties` files (`broker.conf`, `namesrv.conf`), read as `java.util.Properties` does.
//!
//! Supported: `#` and `!` comment lines, `key=value`, `key:value` and `key value` separators, whitespace
//! around the separator, `\` line continuations, and the escapes `\t \n \r \f \\ \uXXXX`. Later keys win.

/// Parses properties text into `(key, value)` pairs in file order (duplicates kept; the last one wins
/// when applied in order).
pub fn parse_properties(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if logical.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!')) {
            continue;
        }
        if ends_with_continuation(trimmed) {
            logical.push_str(&trimmed[..trimmed.len() - 1]);
            if lines.clone().next().is_some() {
                continue;
            }
        } else {
            logical.push_str(trimmed);
        }
        if let Some(pair) = split_pair(&logical) {
            out.push(pair);
        }
        logical.clear();
    }
    out
}

/// An odd number of trailing backslashes continues the line.
fn ends_with_continuation(line: &str) -> bool {
    line.bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1
}

fn split_pair(line: &str) -> Option<(String, String)> {
    let mut key_end = line.len();
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '=' | ':' | ' ' | '\t' | '\u{c}' => {
                key_end = i;
                break;
            }
            _ => {}
        }
    }
    let key = unescape(&line[..key_end]);
    let mut rest = line[key_end..].trim_start_matches([' ', '\t', '\u{c}']);
    if let Some(r) = rest.strip_prefix(['=', ':']) {
        rest = r.trim_start_matches([' ', '\t', '\u{c}']);
    }
    if key.is_empty() {
        return None;
    }
    Some((key, unescape(rest)))
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push_str(&hex),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Reads a properties file; a missing or unreadable file is an error naming the path.
pub fn read_properties_file(path: &std::path::Path) -> std::io::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot read config file {}: {e}", path.display())))?;
    Ok(parse_properties(&text))
}

/// A value type of a config field, converted like `MixAll.properties2Object` (parse; a value that does not
/// parse leaves the field unchanged) and `Object.toString()` (show; `None` is a null field, not listed).
pub(crate) trait ConfigValue: Sized {
    fn parse(s: &str) -> Option<Self>;
    fn show(&self) -> Option<String>;
}

macro_rules! parsed_value {
    ($($t:ty),*) => {$(
        impl ConfigValue for $t {
            fn parse(s: &str) -> Option<Self> {
                s.parse().ok()
            }
            fn show(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}
parsed_value!(i32, i64, u64, usize);

impl ConfigValue for std::path::PathBuf {
    fn parse(s: &str) -> Option<Self> {
        Some(std::path::PathBuf::from(java_trim(s)))
    }
    fn show(&self) -> Option<String> {
        Some(self.display().to_string())
    }
}

impl ConfigValue for Option<std::path::PathBuf> {
    fn parse(s: &str) -> Option<Self> {
        Some(Some(std::path::PathBuf::from(java_trim(s))))
    }
    fn show(&self) -> Option<String> {
        self.as_ref().map(|p| p.display().to_string())
    }
}

/// Declares a configuration struct whose fields carry Java's property names, as Java's config beans
/// (`BrokerConfig`, `NamesrvConfig` + `NettyServerConfig`, `MessageStoreConfig`) do: the struct, its `Default`
/// (Java's defaults), `KEYS` (the Java names in declaration order), `set(key, value)` (`properties2Object`:
/// a value that does not convert leaves the field unchanged; `false` for an unknown key) and `java_fields()`
/// (`object2Properties`: every non-null field as `(name, toString)`). Fields after `extra` are not Java
/// properties (kept for the owner's own use, with their defaults).
macro_rules! java_config {
    (
        $(#[$smeta:meta])*
        pub struct $name:ident {
            $( $(#[$m:meta])* $field:ident : $ty:ty = $default:expr => $java:literal, )*
        }
        extra {
            $( $(#[$xm:meta])* $xfield:ident : $xty:ty = $xdefault:expr, )*
        }
    ) => {
        $(#[$smeta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $( $(#[$m])* pub $field: $ty, )*
            $( $(#[$xm])* pub $xfield: $xty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $( $field: $default, )* $( $xfield: $xdefault, )* }
            }
        }

        impl $name {
            /// The Java names of every field, in declaration order.
            pub const KEYS: &'static [&'static str] = &[$($java),*];

            /// Applies `value` to the field named `key` (Java's `properties2Object`); `false` if no field has
            /// that name. A value that does not convert leaves the field unchanged, as in Java.
            pub fn set(&mut self, key: &str, value: &str) -> bool {
                match key {
                    $( $java => {
                        if let Some(v) = <$ty as $crate::config::ConfigValue>::parse(value) {
                            self.$field = v;
                        }
                        true
                    } )*
                    _ => false,
                }
            }

            /// Every non-null field as `(java name, value)`, in declaration order (`object2Properties`).
            pub fn java_fields(&self) -> Vec<(&'static str, String)> {
                let mut out = Vec::with_capacity(Self::KEYS.len());
                $( if let Some(v) = $crate::config::ConfigValue::show(&self.$field) { out.push(($java, v)); } )*
                out
            }
        }
    };
}
pub(crate) use java_config;

impl ConfigValue for bool {
    fn parse(s: &str) -> Option<Self> {
        Some(s.eq_ignore_ascii_case("true"))
    }
    fn show(&self) -> Option<String> {
        Some(self.to_string())
    }
}

/// Java's `String.trim()`: strips every character up to and including `' '`.
pub(crate) fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

impl ConfigValue for String {
    fn parse(s: &str) -> Option<Self> {
        Some(java_trim(s).to_owned())
    }
    fn show(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl ConfigValue for Option<String> {
    fn parse(s: &str) -> Option<Self> {
        Some(Some(java_trim(s).to_owned()))
    }
    fn show(&self) -> Option<String> {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_java_properties() {
        let text = "# comment\n! also\nbrokerClusterName = DefaultCluster\nbrokerName:broker-a\nlistenPort 10911\n\
                    namesrvAddr=127.0.0.1:9876;\\\n   127.0.0.2:9876\nempty=\nkey\\=x=1\nu=\\u4e3b\n";
        let p = parse_properties(text);
        let get = |k: &str| p.iter().rev().find(|(kk, _)| kk == k).map(|(_, v)| v.as_str());
        assert_eq!(get("brokerClusterName"), Some("DefaultCluster"));
        assert_eq!(get("brokerName"), Some("broker-a"));
        assert_eq!(get("listenPort"), Some("10911"));
        assert_eq!(get("namesrvAddr"), Some("127.0.0.1:9876;127.0.0.2:9876"));
        assert_eq!(get("empty"), Some(""));
        assert_eq!(get("key=x"), Some("1"));
        assert_eq!(get("u"), Some("主"));
    }
}
