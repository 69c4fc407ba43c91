//! Reading many stored parts in few Durable Object storage calls (issue 13).
//!
//! After an import the flush reads back every part (10,200 at full scale); one `get` per
//! part made the edge wait over a minute for KV. Storage takes up to [`MAX_KEYS`] keys per call,
//! but reports no value's size before it is read: a one-chunk part may be as large as a chunk.
//! So a call asks for no more chunks than the bytes still allowed hold at a chunk each, which
//! keeps what one call reads within its byte bound, while small parts still come many a call.

/// Durable Object storage takes at most 128 keys per batch call.
pub const MAX_KEYS: usize = 128;

/// Chunk keys one call may ask for with `bytes_left` still allowed (at least one: a part
/// larger than what is left still goes, alone).
#[must_use]
pub fn room(bytes_left: usize, chunk_bytes: usize) -> usize {
    (bytes_left / chunk_bytes.max(1)).clamp(1, MAX_KEYS)
}

/// The end (exclusive) of the next call's parts from `start`: `chunks` has each part's chunk
/// count (`None`: not stored, skipped at no cost). Whole parts only, at most `room` chunk keys
/// (the first stored part always goes, however many chunks it has) and `parts_left` stored
/// parts.
#[must_use]
pub fn batch_end(chunks: &[Option<usize>], start: usize, room: usize, parts_left: usize) -> usize {
    let mut keys = 0usize;
    let mut parts = 0usize;
    let mut end = start;
    for n in chunks.iter().skip(start) {
        if let Some(n) = n {
            if parts > 0 && (keys.saturating_add(*n) > room || parts >= parts_left) {
                break;
            }
            if parts == 0 && parts_left == 0 {
                break;
            }
            keys = keys.saturating_add(*n);
            parts += 1;
        }
        end += 1;
    }
    end
}

/// At most how many bytes parts of `chunks` chunk counts hold, plus `more` bytes: saturating,
/// since an org admin's view names 10,200 parts, more MiB than a wasm32 `usize` counts (the
/// writer's plain sum overflowed and panicked there).
#[must_use]
pub fn upper_bound(
    chunks: impl Iterator<Item = usize>,
    chunk_bytes: usize,
    more: impl Iterator<Item = usize>,
) -> usize {
    chunks
        .map(|n| n.saturating_mul(chunk_bytes))
        .chain(more)
        .fold(0, usize::saturating_add)
}

#[cfg(test)]
#[path = "read_batches_tests.rs"]
mod tests;
