//! KV values cut into shards. Workers KV takes at most 25 MiB per value; a workspace of a few
//! hundred thousand assets, or an org part with large member attributes, is larger. Each shard
//! carries the version of the whole and its place, so a reader that meets shards of two
//! different writes (KV replicates keys independently) notices and asks the writer instead of
//! gluing them together.
//!
//! A value is `{version} {index} {count}\n{piece}`; shard 0 lives under the key itself, shard
//! `i > 0` under `{key}/shard/{i}` (ids in keys never hold a raw `/`, so no id reaches these).

/// The largest piece of one shard: well under KV's 25 MiB, and small enough that a reader
/// holds one workspace's text and its parse at once within an isolate's memory.
pub const SHARD_BYTES: usize = 8 << 20;

/// The key of shard `index` of the value stored under `key`.
#[must_use]
pub fn shard_key(key: &str, index: usize) -> String {
    if index == 0 {
        key.to_string()
    } else {
        format!("{key}/shard/{index}")
    }
}

/// `text` at `version` as shard values of at most `max` bytes of text each (cut on character
/// boundaries). An empty text is one empty shard.
#[must_use]
pub fn encode(version: u64, text: &str, max: usize) -> Vec<String> {
    let pieces = crate::storage_layout::chunks(text, max);
    let count = pieces.len();
    pieces
        .iter()
        .enumerate()
        .map(|(i, piece)| format!("{version} {i} {count}\n{piece}"))
        .collect()
}

/// One shard as read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard<'a> {
    /// The version of the whole value this shard belongs to.
    pub version: u64,
    /// Its place, from 0.
    pub index: usize,
    /// How many shards the whole has.
    pub count: usize,
    /// Its text.
    pub piece: &'a str,
}

/// Reads one shard value; `None` if it is not one (an older layout, or damage).
#[must_use]
pub fn decode(value: &str) -> Option<Shard<'_>> {
    let (header, piece) = value.split_once('\n')?;
    let mut fields = header.split(' ');
    let version = fields.next()?.parse().ok()?;
    let index = fields.next()?.parse().ok()?;
    let count: usize = fields.next()?.parse().ok()?;
    if fields.next().is_some() || index >= count {
        return None;
    }
    Some(Shard {
        version,
        index,
        count,
        piece,
    })
}

/// The whole text from its shards, in order, when every one of them belongs to `version`;
/// `None` when any is missing, of another version or out of place.
#[must_use]
pub fn join(version: u64, values: &[String]) -> Option<String> {
    let mut text = String::new();
    for (i, value) in values.iter().enumerate() {
        let shard = decode(value)?;
        if shard.version != version || shard.index != i || shard.count != values.len() {
            return None;
        }
        text.push_str(shard.piece);
    }
    (!values.is_empty()).then_some(text)
}

#[cfg(test)]
#[path = "kv_shards_tests.rs"]
mod tests;
