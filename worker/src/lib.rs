//! The orgspace edge API: a Cloudflare Worker that stores organizations in Workers KV, puts
//! every write for an organization through one Durable Object, authenticates callers with JWTs
//! and answers every question with `orgspace-core`.
//!
//! The modules outside `edge` are plain Rust (tested natively): the error shape, token
//! verification, the route table, the queries and the storage layout. `edge` binds them to the
//! Workers runtime and exists only in the wasm32 build.

pub mod api_error;
pub mod auth;
pub mod envelope_codec;
pub mod flush_plan;
pub mod kv_shards;
pub mod locators;
pub mod outsiders;
pub mod part_cache;
pub mod queries;
pub mod query_rounds;
pub mod read_batches;
pub mod routes;
pub mod snapshot_scan;
pub mod staleness;
pub mod storage_layout;

#[cfg(target_arch = "wasm32")]
mod edge;
