//! The writer's answer to a filter or batch of checks spread over many workspaces, a bounded
//! set of parts at a time (`query_rounds.rs` plans the rounds and joins their answers).

use super::OrgWriter;
use super::store::CHUNK_BYTES;
use crate::api_error::ApiError;
use crate::queries::Query;
use crate::query_rounds::{assets_named, item_parts, join, plan, sub_query};
use serde_json::Value;

/// The most parts one round holds, whatever their size: each round costs a rebuild of the
/// engine around the org part and the index.
const ROUND_PARTS: usize = 64;

/// The most part text (estimated from stored chunks, an upper bound) one round loads.
const ROUND_BYTES: usize = 32 << 20;

impl OrgWriter {
    /// Loads what `query` reads and answers it: in rounds when it is a list reaching more parts
    /// than one round holds, else in one piece. `None` when `query` is not such a list (the
    /// caller answers it in one piece).
    pub(super) async fn answer_spread(
        &self,
        query: &Query,
        answer: impl Fn(&Query) -> Result<Value, ApiError>,
    ) -> Result<Option<Value>, ApiError> {
        let named = assets_named(query);
        if named.is_empty() {
            return Ok(None);
        }
        self.ensure_loaded().await?;
        let located = self.locate_each(&named).await?;
        let Some(needs) = item_parts(query, &located) else {
            return Ok(None);
        };
        let cost = |ws: &str| {
            let chunks = self
                .meta
                .borrow()
                .as_ref()
                .and_then(|m| m.parts.get(&format!("ws/{ws}")).map(|(_, n)| *n));
            chunks.unwrap_or(0).max(1).saturating_mul(CHUNK_BYTES)
        };
        // Rounds follow the writer's part budget (a 1-byte budget makes one round a part, as
        // CI runs the writer), within ROUND_BYTES.
        let budget = self.budget.saturating_mul(4).clamp(1, ROUND_BYTES);
        let rounds = plan(&needs, cost, budget, ROUND_PARTS)?;
        if let [round] = rounds.as_slice() {
            self.hold(&round.parts, false).await?;
            return answer(query).map(Some);
        }
        let version = self.meta.borrow().as_ref().map(|m| m.version);
        let mut answers = Vec::with_capacity(rounds.len());
        for round in rounds {
            self.hold(&round.parts, false).await?;
            let value = answer(&sub_query(query, &round.items))?;
            answers.push((round.items, value));
            self.trim()?;
        }
        // Storage calls do not let another call in (input gates), so the rounds saw one state.
        if self.meta.borrow().as_ref().map(|m| m.version) != version {
            return Err(ApiError::internal(
                "the organization changed while answering",
            ));
        }
        join(query, answers).map(Some)
    }
}
