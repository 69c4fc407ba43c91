//! Imports larger than one request body (1 MiB): the snapshot's JSON text is sent in numbered
//! chunks, kept in the writer's storage, and committed in one step that imports it as
//! `PUT /snapshot` does: part by part, reading the chunks as it goes (`import.rs`), so an
//! organization of any size comes in without its whole text or engine in memory. A refused
//! commit leaves no organization and keeps the chunks: fix a chunk and commit again. A failed or interrupted upload resumes: a chunk sent again replaces
//! itself, and the upload lists the chunks it holds. Only the caller who started an upload sees
//! or changes it (anyone else is told it does not exist).

use super::OrgWriter;
use super::store::{BATCH_KEYS, put_texts, storage_error};
use crate::api_error::ApiError;
use serde_json::{Value, json};
use worker::ListOptions;

/// Most chunks of one upload (with 1 MiB chunks, 1 GiB of snapshot text).
pub const MAX_CHUNKS: u32 = 1024;

fn prefix(upload: &str) -> String {
    format!("upload/{upload}/")
}

fn chunk_key(upload: &str, n: u32) -> String {
    format!("upload/{upload}/c/{n:06}")
}

/// Upload ids: 1 to 64 ASCII letters, digits, `-` or `_` (they name storage keys).
pub fn check_upload_id(upload: &str) -> Result<(), ApiError> {
    let ok = !upload.is_empty()
        && upload.len() <= 64
        && upload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "an upload id is 1 to 64 ASCII letters, digits, `-` or `_`",
        ))
    }
}

impl OrgWriter {
    async fn no_org_yet(&self, org: &str) -> Result<(), ApiError> {
        self.ensure_loaded().await?;
        if self
            .engine
            .borrow()
            .as_ref()
            .is_some_and(|e| e.org_id().is_some())
        {
            return Err(ApiError::from(orgspace_core::Refusal::Conflict {
                message: format!("organization `{org}` already exists"),
            }));
        }
        Ok(())
    }

    /// Who started `upload`, if anyone.
    async fn uploader(&self, upload: &str) -> Result<Option<String>, ApiError> {
        self.state
            .storage()
            .get::<String>(&format!("{}by", prefix(upload)))
            .await
            .map_err(storage_error)
    }

    /// The upload as `actor` may see it: theirs, or not found.
    async fn own_upload(&self, upload: &str, actor: &str, start: bool) -> Result<(), ApiError> {
        check_upload_id(upload)?;
        match self.uploader(upload).await? {
            Some(by) if by == actor => Ok(()),
            None if start => self
                .state
                .storage()
                .put(&format!("{}by", prefix(upload)), actor)
                .await
                .map_err(storage_error),
            _ => Err(ApiError::not_found(format!("no upload `{upload}`"))),
        }
    }

    pub(super) async fn upload_chunk(
        &self,
        org: &str,
        actor: &str,
        upload: &str,
        n: u32,
        text: &str,
    ) -> Result<(u16, Value), ApiError> {
        if n >= MAX_CHUNKS {
            return Err(ApiError::invalid(format!(
                "chunks are numbered 0 to {}",
                MAX_CHUNKS - 1
            )));
        }
        self.no_org_yet(org).await?;
        self.own_upload(upload, actor, true).await?;
        put_texts(
            &self.state.storage(),
            &[(chunk_key(upload, n), text.to_string())],
        )
        .await?;
        Ok((
            200,
            json!({ "upload": upload, "chunk": n, "bytes": text.len() }),
        ))
    }

    /// The chunk numbers an upload holds, and their bytes in all.
    async fn chunks_held(&self, upload: &str) -> Result<Vec<(u32, usize)>, ApiError> {
        let prefix = format!("{}c/", prefix(upload));
        let map = self
            .state
            .storage()
            .list_with_options(ListOptions::new().prefix(&prefix))
            .await
            .map_err(storage_error)?;
        let mut out = Vec::new();
        for key in map.keys().into_iter().flatten() {
            let bytes = map.get(&key).as_string().map_or(0, |v| v.len());
            if let Some(n) = key
                .as_string()
                .and_then(|k| k.strip_prefix(&prefix).and_then(|n| n.parse().ok()))
            {
                out.push((n, bytes));
            }
        }
        Ok(out)
    }

    pub(super) async fn upload_status(
        &self,
        org: &str,
        actor: &str,
        upload: &str,
    ) -> Result<(u16, Value), ApiError> {
        self.no_org_yet(org).await?;
        self.own_upload(upload, actor, false).await?;
        let held = self.chunks_held(upload).await?;
        let bytes: usize = held.iter().map(|(_, b)| b).sum();
        let chunks: Vec<u32> = held.iter().map(|(n, _)| *n).collect();
        Ok((
            200,
            json!({ "upload": upload, "chunks": chunks, "bytes": bytes }),
        ))
    }

    pub(super) async fn upload_commit(
        &self,
        org: &str,
        actor: &str,
        upload: &str,
        count: u32,
    ) -> Result<(u16, Value), ApiError> {
        self.no_org_yet(org).await?;
        self.own_upload(upload, actor, false).await?;
        if count == 0 || count > MAX_CHUNKS {
            return Err(ApiError::invalid(format!("`chunks` is 1 to {MAX_CHUNKS}")));
        }
        let keys: Vec<String> = (0..count).map(|n| chunk_key(upload, n)).collect();
        // Read chunk by chunk and imported part by part (`import.rs`): never the whole text.
        let source = super::import::Source::Upload(keys);
        let answer = self.import_from(org, actor, &source).await?;
        // The organization exists now; the chunks are of no more use (and a failure to
        // delete them loses nothing: no upload can be committed twice). Those committed
        // first, then any other the upload still lists (listing reads values: few are left).
        let storage = self.state.storage();
        if let super::import::Source::Upload(keys) = source {
            for batch in keys.chunks(BATCH_KEYS) {
                let _ = storage.delete_multiple(batch.to_vec()).await;
            }
        }
        let mut all: Vec<String> = self
            .chunks_held(upload)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|(n, _)| chunk_key(upload, n))
            .collect();
        all.push(format!("{}by", prefix(upload)));
        for batch in all.chunks(BATCH_KEYS) {
            let _ = storage.delete_multiple(batch.to_vec()).await;
        }
        Ok(answer)
    }
}
