//! `extFields`: the string map that carries a command's custom header.
//!
//! Kept as an ordered list rather than a hash map: headers have a handful of entries, a linear scan is
//! cheaper than hashing, and the order a peer sent is kept so that re-encoding reproduces its bytes.

/// An ordered `String → String` map with Java `HashMap` put semantics (a repeated key replaces the value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtFields {
    entries: Vec<(String, String)>,
}

impl ExtFields {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Sets `key` to `value`, replacing an earlier value in place.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        // cheap pre-check first: the one-letter keys of SEND_MESSAGE_V2 all have length 1, so the length
        // check alone would call memcmp for every pair
        let first = key.as_bytes().first().copied();
        match self.entries.iter_mut().find(|(k, _)| k.as_bytes().first().copied() == first && *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let at = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(at).1)
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No entries?
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for ExtFields {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut ext = ExtFields::new();
        for (k, v) in iter {
            ext.insert(k, v);
        }
        ext
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_replaces_in_place() {
        let mut e: ExtFields = [("a", "1"), ("b", "2")].into_iter().collect();
        e.insert("a", "3");
        assert_eq!(e.iter().collect::<Vec<_>>(), vec![("a", "3"), ("b", "2")]);
        assert_eq!(e.remove("a").as_deref(), Some("3"));
        assert_eq!(e.get("a"), None);
    }
}
