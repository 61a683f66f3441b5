//! The commit log.

pub mod record;
#[cfg(test)]
mod record_tests;
