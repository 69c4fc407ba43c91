//! The audit log (X4), kept in the writer's storage under `audit/{version}` and read in pages.

use super::store::storage_error;
use super::{OrgWriter, exists};
use crate::api_error::ApiError;
use serde_json::{Value, json};
use worker::ListOptions;

impl OrgWriter {
    pub(super) async fn audit(
        &self,
        org: &str,
        actor: &str,
        after: u64,
        limit: u32,
    ) -> Result<(u16, Value), ApiError> {
        self.ensure_loaded().await?;
        let version = {
            let guard = self.engine.borrow();
            let engine = exists(guard.as_ref(), org)?;
            engine.may_view_audit_log(actor)?;
            engine.version()
        };
        let start = format!("audit/{:020}", after.saturating_add(1));
        let limit = limit.clamp(1, 1000);
        let options = ListOptions::new()
            .prefix("audit/")
            .start(&start)
            .limit(usize::try_from(limit).unwrap_or(1000));
        let map = self
            .state
            .storage()
            .list_with_options(options)
            .await
            .map_err(storage_error)?;
        let mut entries: Vec<Value> = Vec::new();
        for value in map.values().into_iter().flatten() {
            if let Some(text) = value.as_string() {
                if let Ok(entry) = serde_json::from_str::<Value>(&text) {
                    entries.push(entry);
                }
            }
        }
        let next = entries
            .last()
            .and_then(|e| e.get("version"))
            .and_then(Value::as_u64);
        let full = entries.len() == usize::try_from(limit).unwrap_or(usize::MAX);
        Ok((
            200,
            json!({ "entries": entries, "next_after": if full { next } else { None },
                    "version": version }),
        ))
    }
}
