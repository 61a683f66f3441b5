//! What Java's `ConfigManager` does for every JSON file under `<storePathRootDir>/config/`: load with a
//! `.bak` fallback, and persist keeping the previous content in `.bak`.
//!
//! Mirrors `org.apache.rocketmq.common.ConfigManager` (`load`, `loadBak`, `persist`) and `MixAll`
//! (`string2File`, `file2String`) of 4.9.8 and 5.3.3.
//!
//! ## Load (same in both Java versions)
//!
//! ```text
//! read <name> ──missing / empty / I/O error / undecodable──▶ read <name>.bak
//!    │ decoded                                                │ missing or empty ──▶ Ok(Nothing): start empty
//!    ▼                                                        │ decoded ──────────▶ Ok(Backup)
//! Ok(Main)                                                    │ I/O error / undecodable ──▶ Err: Java refuses to start
//! ```
//!
//! The decoders ([`crate::store::config_files`]) read the text as Java does: see
//! [`crate::store::config_files::bean::parse_document`].
//!
//! ## Persist
//!
//! Java: 4.9.8 writes `<name>.tmp`, copies the old `<name>` to `<name>.bak`, deletes `<name>` and renames the
//! tmp file (a window with no `<name>`); 5.3.3 copies the old content to `.bak` and overwrites `<name>` in
//! place. Neither fsyncs. Thruster keeps the same files but makes each step durable:
//!
//! ```text
//! 1. <name>.tmp  ← new content            (create/truncate, write, fsync)
//! 2. <name>.bak  ← old <name>, if it exists (create/truncate, write, fsync)
//! 3. rename <name>.tmp → <name>           (atomic replace: there is always a complete <name>)
//! 4. fsync the directory
//! ```
//!
//! A `<name>.tmp` left by a crash (of either implementation) is ignored on load and overwritten by the next
//! persist.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::remoting::fastjson::JsonError;

/// A config file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    /// Reading or writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The `.bak` file (the last resort) could not be decoded; Java refuses to start the broker then.
    #[error("{}: {source}", path.display())]
    Decode {
        /// The file concerned.
        path: PathBuf,
        /// What was wrong with it.
        #[source]
        source: DecodeError,
    },
}

/// The content of a config file is not what the Java class looks like.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Not (fastjson-flavoured) JSON.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// A property has the wrong type or an impossible value.
    #[error("`{property}`: {what}")]
    Property {
        /// Dotted path of the property, e.g. `topicConfigTable.TopicTest.perm`.
        property: String,
        /// What was wrong.
        what: String,
    },
}

impl DecodeError {
    /// A property error.
    pub fn property(property: impl Into<String>, what: impl Into<String>) -> Self {
        DecodeError::Property { property: property.into(), what: what.into() }
    }
}

/// Which file a load used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadSource {
    /// `<name>` itself.
    Main,
    /// `<name>` was missing, empty or undecodable; `<name>.bak` was used.
    Backup,
    /// Neither file had content: the tables keep their initial content (Java's load still succeeds).
    Nothing,
}

/// The result of [`load`].
#[derive(Debug)]
pub struct Loaded<T> {
    /// Where the content came from.
    pub source: LoadSource,
    /// The decoded content (`None` for [`LoadSource::Nothing`]).
    pub value: Option<T>,
}

/// `<path>` with `suffix` appended to the file name (`topics.json` → `topics.json.bak`).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

/// Reads `path` like `MixAll.file2String`: `Ok(None)` if it does not exist.
fn read_if_exists(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Loads `path` as `ConfigManager.load()` does, falling back to `<path>.bak` (see the module docs).
pub fn load<T>(path: &Path, decode: impl Fn(&[u8]) -> Result<T, DecodeError>) -> Result<Loaded<T>, ConfigFileError> {
    match read_if_exists(path) {
        Ok(Some(bytes)) if !bytes.is_empty() => match decode(&bytes) {
            Ok(value) => return Ok(Loaded { source: LoadSource::Main, value: Some(value) }),
            Err(e) => tracing::error!("load {} failed, and try to load backup file: {e}", path.display()),
        },
        Ok(_) => {}
        Err(e) => tracing::error!("load {} failed, and try to load backup file: {e}", path.display()),
    }
    let bak = sibling(path, ".bak");
    let bytes = match read_if_exists(&bak) {
        Ok(Some(bytes)) if !bytes.is_empty() => bytes,
        Ok(_) => return Ok(Loaded { source: LoadSource::Nothing, value: None }),
        Err(source) => return Err(ConfigFileError::Io { path: bak, source }),
    };
    match decode(&bytes) {
        Ok(value) => {
            tracing::warn!("loaded {} from its backup {}", path.display(), bak.display());
            Ok(Loaded { source: LoadSource::Backup, value: Some(value) })
        }
        Err(source) => Err(ConfigFileError::Decode { path: bak, source }),
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ConfigFileError + '_ {
    move |source| ConfigFileError::Io { path: path.to_path_buf(), source }
}

fn write_synced(path: &Path, content: &[u8]) -> Result<(), ConfigFileError> {
    let mut file = OpenOptions::new().write(true).create(true).truncate(true).open(path).map_err(io_err(path))?;
    file.write_all(content).map_err(io_err(path))?;
    file.sync_all().map_err(io_err(path))
}

/// Writes `content` to `path` durably, keeping the previous content in `<path>.bak` (see the module docs).
pub fn persist(path: &Path, content: &[u8]) -> Result<(), ConfigFileError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    let tmp = sibling(path, ".tmp");
    write_synced(&tmp, content)?;
    if let Some(previous) = read_if_exists(path).map_err(io_err(path))? {
        write_synced(&sibling(path, ".bak"), &previous)?;
    }
    fs::rename(&tmp, path).map_err(io_err(path))?;
    File::open(&dir).and_then(|d| d.sync_all()).map_err(io_err(&dir))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn decode_json(bytes: &[u8]) -> Result<Value, DecodeError> {
        serde_json::from_slice(bytes).map_err(|e| DecodeError::property("", e.to_string()))
    }

    #[test]
    fn persist_keeps_previous_content_in_bak() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config").join("x.json");
        persist(&path, b"{\"a\":1}").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{\"a\":1}");
        assert!(!sibling(&path, ".bak").exists(), "no .bak before a previous version exists");
        persist(&path, b"{\"a\":2}").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{\"a\":2}");
        assert_eq!(fs::read(sibling(&path, ".bak")).unwrap(), b"{\"a\":1}");
        assert!(!sibling(&path, ".tmp").exists());
    }

    #[test]
    fn load_prefers_main_then_bak() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        let bak = sibling(&path, ".bak");

        let l = load(&path, decode_json).unwrap();
        assert_eq!(l.source, LoadSource::Nothing);
        assert!(l.value.is_none());

        fs::write(&bak, b"{\"v\":\"bak\"}").unwrap();
        let l = load(&path, decode_json).unwrap();
        assert_eq!(l.source, LoadSource::Backup, "missing main");
        assert_eq!(l.value.unwrap()["v"], "bak");

        fs::write(&path, b"").unwrap();
        assert_eq!(load(&path, decode_json).unwrap().source, LoadSource::Backup, "empty main");

        fs::write(&path, b"{\"v\":").unwrap();
        assert_eq!(load(&path, decode_json).unwrap().source, LoadSource::Backup, "torn main");

        fs::write(&path, b"{\"v\":\"main\"}").unwrap();
        let l = load(&path, decode_json).unwrap();
        assert_eq!(l.source, LoadSource::Main);
        assert_eq!(l.value.unwrap()["v"], "main");
    }

    #[test]
    fn undecodable_bak_is_an_error_and_empty_bak_is_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        fs::write(&path, b"garbage{").unwrap();
        fs::write(sibling(&path, ".bak"), b"").unwrap();
        assert_eq!(load(&path, decode_json).unwrap().source, LoadSource::Nothing);
        fs::write(sibling(&path, ".bak"), b"garbage{").unwrap();
        assert!(matches!(load(&path, decode_json), Err(ConfigFileError::Decode { .. })));
    }

    #[test]
    fn stale_tmp_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        fs::write(sibling(&path, ".tmp"), b"half-writ").unwrap();
        fs::write(&path, b"{\"v\":1}").unwrap();
        assert_eq!(load(&path, decode_json).unwrap().source, LoadSource::Main);
        persist(&path, b"{\"v\":2}").unwrap();
        assert!(!sibling(&path, ".tmp").exists());
        assert_eq!(fs::read(sibling(&path, ".bak")).unwrap(), b"{\"v\":1}");
    }
}
