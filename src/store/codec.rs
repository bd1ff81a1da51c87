//! How the store's values are kept in SQLite: records, audit entries and
//! the phase as JSON, and reading them back, where a value that does not
//! decode is a damaged store, said as such.

use super::error::StoreError;
use super::schema::{self, meta};
use crate::domain::record::{Phase, Record};
use rusqlite::Connection;

/// A value as stored.
#[allow(clippy::expect_used, reason = "the store's types are plain data with string keys")]
pub(super) fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("store types serialise")
}

/// [`json`] as text, for metadata read back as text.
pub(super) fn json_text<T: serde::Serialize>(v: &T) -> String {
    String::from_utf8_lossy(&json(v)).into_owned()
}

/// A signature record as stored.
pub(super) fn decode_record(bytes: &[u8]) -> Result<Record, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::corrupt("a signature record", e))
}

/// The letter's phase as stored.
pub(super) fn read_phase(c: &Connection) -> Result<Phase, StoreError> {
    match schema::meta_text(c, meta::PHASE)? {
        Some(text) => serde_json::from_str(&text).map_err(|e| StoreError::corrupt("the letter's phase", e)),
        None => Ok(Phase::default()),
    }
}
