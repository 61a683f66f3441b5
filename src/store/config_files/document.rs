//! What every `config/*.json` manager shares (Java's `ConfigManager`): the file's path, the flavor, the
//! in-memory state behind a lock, `load` (the file, else its `.bak`, merged into the state the way the
//! manager's Java `decode` does) and `persist` (tmp → fsync → `.bak` → rename, one writer at a time).
//!
//! A manager names its state type and implements [`DocumentState`] for it; the rest is [`ConfigDocument`].

use std::path::{Path, PathBuf};

use parking_lot::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::{config_path, Flavor};
use crate::store::config_file::{self, ConfigFileError, DecodeError, LoadSource};

/// The in-memory state of one `config/*.json` file.
pub trait DocumentState {
    /// The decoded file.
    type File;
    /// Decodes the file's bytes (`Ok(None)` for a file Java reads as `null`).
    fn decode(bytes: &[u8], flavor: Flavor) -> Result<Option<Self::File>, DecodeError>;
    /// Takes a loaded file into the state (replacing or merging, as the Java manager's `decode` does).
    fn merge(&mut self, file: Self::File, flavor: Flavor);
    /// The file's bytes for the current state.
    fn encode(&self, flavor: Flavor) -> Vec<u8>;
}

/// One `config/*.json` file and its state.
#[derive(Debug)]
pub struct ConfigDocument<S> {
    path: PathBuf,
    flavor: Flavor,
    state: RwLock<S>,
    persist_lock: Mutex<()>,
}

impl<S: DocumentState> ConfigDocument<S> {
    /// The document `<store_root>/config/<name>` starting from `state`.
    pub fn new(store_root: &Path, name: &str, flavor: Flavor, state: S) -> Self {
        ConfigDocument {
            path: config_path(store_root, name),
            flavor,
            state: RwLock::new(state),
            persist_lock: Mutex::new(()),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The flavor the file is read and written in.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// The state, for reading (hold the guard briefly).
    pub fn read(&self) -> RwLockReadGuard<'_, S> {
        self.state.read()
    }

    /// The state, for a change (hold the guard briefly; persist afterwards).
    pub fn write(&self) -> RwLockWriteGuard<'_, S> {
        self.state.write()
    }

    /// `ConfigManager.load`: the file (or its `.bak`) merged into the state.
    pub fn load(&self) -> Result<LoadSource, ConfigFileError> {
        let flavor = self.flavor;
        let loaded = config_file::load(&self.path, |b| S::decode(b, flavor))?;
        if let Some(Some(file)) = loaded.value {
            self.state.write().merge(file, flavor);
        }
        Ok(loaded.source)
    }

    /// The file's bytes for the current state.
    pub fn encode(&self) -> Vec<u8> {
        self.state.read().encode(self.flavor)
    }

    /// Writes the file now (tmp → fsync → `.bak` → rename).
    pub fn persist(&self) -> Result<(), ConfigFileError> {
        let _g = self.persist_lock.lock();
        let bytes = self.encode();
        config_file::persist(&self.path, &bytes)
    }

    /// [`Self::persist`], logging a failure as Java does (the in-memory change stays).
    pub fn persist_logged(&self) {
        if let Err(e) = self.persist() {
            tracing::error!("persist file {} exception: {e}", self.path.display());
        }
    }
}
