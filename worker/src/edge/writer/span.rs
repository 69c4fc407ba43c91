//! A command spanning workspaces at the writer, in rounds within a memory budget (issue 13): a
//! group deletion naming hundreds of parts would not fit a Durable Object's 128 MB loaded at
//! once. The core's `SpanRun` runs the command on the org part, the index and one batch of parts
//! at a time (`orgspace_core::span`); each batch's changed parts are written to storage as
//! chunks of the commit's new version and dropped, and the commit then names them in `meta`
//! with the org part and the index (`store.rs`): a failure or refusal part way leaves only
//! chunks no `meta` names. Those of a refused or failed round are deleted here; those of a
//! failed commit stay (the commit may have landed though storage said it failed: deleting
//! them could lose parts `meta` names), unreachable, and the next commit at that version
//! overwrites them.

use super::OrgWriter;
use super::store::{BATCH_KEYS, Stored, chunk_key, put_values};
use crate::api_error::ApiError;
use orgspace_core::{Command, Span, SpanDone, SpanRun};

/// Stored part bytes (the binary encoding, about a third of the JSON) one round reads at most
/// (past one part larger): with the org part and the index (16.8 MB at the full benchmark org)
/// a round stays under 64 MB (`bench/writer-mem.mjs`). Less when the writer's part budget
/// (`ORGSPACE_WRITER_CACHE_BYTES`) is smaller: the tests' budget of 1 byte makes every part a
/// round of its own.
const ROUND_BYTES: usize = 3 << 19;

/// Parts staged for a commit: stored name (`ws/{id}`) and chunk count, at the new version.
pub type Staged = Vec<(String, usize)>;

impl OrgWriter {
    /// Runs `command` in rounds when it spans workspaces (`Engine::span`); `None` for any
    /// other command. On success the engine is the one after the command (the
    /// org part and the index, no part) and the changed parts are staged; on a refusal or a
    /// failure the engine is unloaded (the next call reloads the last commit).
    pub(super) async fn run_spanning(
        &self,
        actor: &str,
        command: &Command,
        at: u64,
    ) -> Result<Option<(SpanDone, Staged)>, ApiError> {
        let (run, span, version) = {
            let guard = self.engine.borrow();
            let engine = guard
                .as_ref()
                .ok_or_else(|| ApiError::internal("the engine is not loaded"))?;
            let Some(span) = engine.span(actor, command) else {
                return Ok(None);
            };
            let Some(run) = SpanRun::new(engine, actor, command, at) else {
                return Ok(None);
            };
            (run, span, engine.version() + 1)
        };
        // The run holds the org part and the index; the engine and its parts go, so that a
        // round holds only what it needs.
        *self.engine.borrow_mut() = None;
        self.held.borrow_mut().set(Vec::new());
        let mut staged: Staged = Vec::new();
        let result = self.rounds(run, &span, version, &mut staged).await;
        if result.is_err() {
            self.unstage(&staged, version).await;
        }
        result.map(|done| Some((done, staged)))
    }

    /// Every round: the `every` parts and a batch of the spread ones, up to [`ROUND_BYTES`].
    async fn rounds(
        &self,
        mut run: SpanRun,
        span: &Span,
        version: u64,
        staged: &mut Staged,
    ) -> Result<SpanDone, ApiError> {
        let every = self.parts_of(&span.every).await?;
        let names: Vec<String> = span.spread.iter().map(|w| format!("ws/{w}")).collect();
        let mut start = 0;
        // One round at least, with no spread part when none is spread. Parts are read as they
        // are stored (the binary encoding) straight into the round's tables.
        loop {
            let mut batch: Vec<Vec<u8>> = Vec::new();
            if let Some(rest) = names.get(start..).filter(|r| !r.is_empty()) {
                let (read, consumed) = self
                    .stored_bytes(rest, ROUND_BYTES.min(self.budget), usize::MAX)
                    .await?;
                start += consumed.max(1);
                batch.extend(read.into_iter().map(|(_, _, bytes)| bytes));
            }
            let changed = run.round_bytes(every.iter().chain(&batch).map(Vec::as_slice))?;
            drop(batch);
            for (ws, bytes) in changed {
                let name = format!("ws/{ws}");
                let pieces = Stored::Bytes(bytes).pieces();
                let writes: Vec<(String, Stored)> = pieces
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| (chunk_key(&name, version, i), p))
                    .collect();
                staged.push((name, writes.len()));
                for batch in writes.chunks(BATCH_KEYS) {
                    put_values(&self.state.storage(), batch).await?;
                }
            }
            if start >= names.len() {
                break;
            }
        }
        Ok(run.finish()?)
    }

    /// The stored bytes of the parts of `workspaces`.
    async fn parts_of(&self, workspaces: &[String]) -> Result<Vec<Vec<u8>>, ApiError> {
        let names: Vec<String> = workspaces.iter().map(|w| format!("ws/{w}")).collect();
        let mut out = Vec::new();
        let mut start = 0;
        while let Some(rest) = names.get(start..).filter(|r| !r.is_empty()) {
            let (read, consumed) = self.stored_bytes(rest, usize::MAX, usize::MAX).await?;
            start += consumed.max(1);
            out.extend(read.into_iter().map(|(_, _, bytes)| bytes));
        }
        Ok(out)
    }

    /// Deletes staged chunks no commit names (losing them loses nothing: `meta` never named
    /// them).
    async fn unstage(&self, staged: &Staged, version: u64) {
        let keys: Vec<String> = staged
            .iter()
            .flat_map(|(name, n)| (0..*n).map(move |i| chunk_key(name, version, i)))
            .collect();
        for batch in keys.chunks(BATCH_KEYS) {
            let _ = self.state.storage().delete_multiple(batch.to_vec()).await;
        }
    }
}
