#![allow(clippy::unwrap_used)]
//! In-process integration tests: servers bound to 127.0.0.1:0, driven over real TCP.

mod bad_input;
mod broker;
mod broker_admin;
mod broker_pull;
mod broker_send;
mod compat_doc;
mod golden;
mod golden_bodies;
mod namesrv;
mod store;
mod store_fixtures;
mod support;
