//! KV values cut into shards. Workers KV takes at most 25 MiB per value; a workspace of a few
//! hundred thousand assets, or an org part with large member attributes, is larger. Each shard
//! carries the version of the whole and its place, so a reader that meets shards of two
//! different writes (KV replicates keys independently) notices and asks the writer instead of
//! gluing them together.
//!
//! A value is `{version} {index} {count}\n{piece}`; shard 0 lives under the key itself, shard
//! `i > 0` under `{key}/shard/{i}` (ids in keys never hold a raw `/`, so no id reaches these).
//!
//! A workspace part is stored in the core's binary encoding (`orgspace_core::snapshot::binary`),
//! and the org envelope in its own (`envelope_codec.rs`), as
//! `{version} {index} {count} bin1\n{bytes}`: the fourth field tags the encoding, so a reader
//! of an older build, which knows three fields, takes such a shard for damage and asks the
//! writer (a mixed deploy answers, never misreads), and this build still reads the JSON text
//! an older writer left in KV ([`join_bytes`] gives the bytes either way; the core and
//! `envelope_codec` tell them apart by the binary encodings' own tags).

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

/// The encoding tag of a binary shard (the header's fourth field).
pub const BINARY_TAG: &str = "bin1";

/// `bytes` (a binary workspace part) at `version` as shard values of at most `max` bytes of it
/// each, tagged [`BINARY_TAG`]. Empty bytes are one empty shard.
#[must_use]
pub fn encode_binary(version: u64, bytes: &[u8], max: usize) -> Vec<Vec<u8>> {
    let pieces: Vec<&[u8]> = if bytes.is_empty() {
        vec![bytes]
    } else {
        bytes.chunks(max.max(1)).collect()
    };
    let count = pieces.len();
    pieces
        .iter()
        .enumerate()
        .map(|(i, piece)| {
            let mut value = format!("{version} {i} {count} {BINARY_TAG}\n").into_bytes();
            value.extend_from_slice(piece);
            value
        })
        .collect()
}

/// One shard's header as read from bytes, and where its piece starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteShard {
    /// The version of the whole value this shard belongs to.
    pub version: u64,
    /// Its place, from 0.
    pub index: usize,
    /// How many shards the whole has.
    pub count: usize,
    /// Whether it is tagged binary (else its piece is text).
    pub binary: bool,
    /// The offset of its piece in the value.
    pub start: usize,
}

/// Reads one shard value's header from its bytes, text or binary; `None` if it is not one.
#[must_use]
pub fn decode_bytes(value: &[u8]) -> Option<ByteShard> {
    let end = value.iter().position(|&b| b == b'\n')?;
    let header = core::str::from_utf8(value.get(..end)?).ok()?;
    let mut fields = header.split(' ');
    let version = fields.next()?.parse().ok()?;
    let index = fields.next()?.parse().ok()?;
    let count: usize = fields.next()?.parse().ok()?;
    let binary = match fields.next() {
        None => false,
        Some(BINARY_TAG) => true,
        Some(_) => return None,
    };
    if fields.next().is_some() || index >= count {
        return None;
    }
    Some(ByteShard {
        version,
        index,
        count,
        binary,
        start: end + 1,
    })
}

/// The whole value from its shards as bytes (JSON text's or a binary part's), when every one
/// of them belongs to `version`, is in its place and has the same encoding; `None` otherwise.
/// Each shard's bytes are freed as they are copied (the first is reused).
#[must_use]
pub fn join_bytes(version: u64, values: Vec<Vec<u8>>) -> Option<Vec<u8>> {
    let count = values.len();
    let mut whole: Option<(bool, Vec<u8>)> = None;
    for (i, mut value) in values.into_iter().enumerate() {
        let shard = decode_bytes(&value)?;
        if shard.version != version || shard.index != i || shard.count != count {
            return None;
        }
        match &mut whole {
            None => {
                value.drain(..shard.start);
                whole = Some((shard.binary, value));
            }
            Some((binary, bytes)) => {
                if *binary != shard.binary {
                    return None;
                }
                bytes.extend_from_slice(value.get(shard.start..)?);
            }
        }
    }
    whole.map(|(_, bytes)| bytes)
}

#[cfg(test)]
#[path = "kv_shards_tests.rs"]
mod tests;
