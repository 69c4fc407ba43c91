//! Shards: what is cut is glued back whole, and shards of different writes never glue.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;

#[test]
fn a_value_round_trips_through_its_shards() {
    for text in ["", "a", "abcdefghij", "ü€😀 mixed ascii", &"x".repeat(1000)] {
        for max in [1, 3, 4, 7, 64, 10_000] {
            let shards = encode(42, text, max);
            assert!(!shards.is_empty());
            for s in &shards {
                let d = decode(s).unwrap();
                assert!(d.piece.len() <= max.max(4), "{max}: {}", d.piece.len());
                assert_eq!(d.count, shards.len());
            }
            assert_eq!(
                join(42, &shards).as_deref(),
                Some(text),
                "{text:?} at {max}"
            );
        }
    }
}

#[test]
fn shards_of_another_version_or_out_of_place_are_refused() {
    let old = encode(1, "abcdefgh", 4);
    let new = encode(2, "ABCDEFGH", 4);
    assert_eq!(join(2, &new).as_deref(), Some("ABCDEFGH"));
    // KV replicated shard 0 of the new write but not yet shard 1.
    assert_eq!(join(2, &[new[0].clone(), old[1].clone()]), None);
    assert_eq!(join(1, &new), None);
    // Missing, swapped or extra shards.
    assert_eq!(join(2, &new[..1]), None);
    assert_eq!(join(2, &[new[1].clone(), new[0].clone()]), None);
    let mut extra = new.clone();
    extra.push(new[1].clone());
    assert_eq!(join(2, &extra), None);
    assert_eq!(join(2, &[]), None);
}

#[test]
fn damaged_headers_are_not_shards() {
    for bad in [
        "",
        "no header",
        "1 0\nx",
        "1 0 1 9\nx",
        "a 0 1\nx",
        "1 1 1\nx",
        "-1 0 1\nx",
        "{\"version\":1}",
    ] {
        assert_eq!(decode(bad), None, "{bad:?}");
    }
    assert_eq!(decode("7 0 1\n").unwrap().piece, "");
}

#[test]
fn shard_keys_stay_apart_from_every_id_key() {
    // Ids in keys have `/` encoded, so `{key}/shard/{i}` is no workspace's or asset's key.
    let key = crate::storage_layout::workspace_key("acme", "sales");
    assert_eq!(shard_key(&key, 0), key);
    assert_eq!(shard_key(&key, 2), "org/acme/ws/sales/shard/2");
    assert_ne!(
        shard_key(&key, 1),
        crate::storage_layout::workspace_key("acme", "sales/shard/1")
    );
}

#[test]
fn binary_parts_round_trip_through_tagged_shards() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    for max in [1, 7, 64, 999, 1000, 10_000] {
        let shards = encode_binary(9, &bytes, max);
        for s in &shards {
            let d = decode_bytes(s).unwrap();
            assert!(d.binary);
            assert_eq!(d.count, shards.len());
            assert!(s.len() - d.start <= max);
        }
        assert_eq!(join_bytes(9, shards.clone()).as_deref(), Some(&bytes[..]));
        assert_eq!(join_bytes(8, shards), None);
    }
    assert_eq!(join_bytes(1, encode_binary(1, &[], 8)), Some(Vec::new()));
}

#[test]
fn a_text_value_of_an_older_writer_is_read_as_bytes() {
    // A mixed deploy: JSON text written by a build without binary parts still loads.
    let text = "{\"id\":\"sales\"} ü€";
    let shards: Vec<Vec<u8>> = encode(3, text, 5)
        .into_iter()
        .map(String::into_bytes)
        .collect();
    assert_eq!(join_bytes(3, shards).as_deref(), Some(text.as_bytes()));
}

#[test]
fn a_binary_shard_is_damage_to_a_reader_of_three_fields() {
    // What a reader of an older build meets: it asks the writer instead of misreading.
    let shard = &encode_binary(3, b"OSP\x01\xff\x00", 100)[0];
    assert_eq!(decode(&String::from_utf8_lossy(shard)), None);
}

#[test]
fn mixed_encodings_or_damaged_binary_headers_do_not_join() {
    let text: Vec<Vec<u8>> = encode(4, "abcdefgh", 4)
        .into_iter()
        .map(String::into_bytes)
        .collect();
    let binary = encode_binary(4, b"abcdefgh", 4);
    assert_eq!(
        join_bytes(4, vec![text[0].clone(), binary[1].clone()]),
        None
    );
    assert_eq!(
        join_bytes(4, vec![binary[0].clone(), text[1].clone()]),
        None
    );
    for bad in [
        &b"1 0 1 bin2\nx"[..],
        b"1 0 1 bin1 x\nx",
        b"1 1 1 bin1\nx",
        b"\xff 0 1\nx",
        b"1 0 1 bin1",
    ] {
        assert_eq!(decode_bytes(bad), None, "{bad:?}");
    }
    assert_eq!(join_bytes(4, Vec::new()), None);
}

/// What the reader does with a part's stored shards (`edge/reader.rs`: `read_part`, then
/// `PartsLoader::add_bytes`): the binary shards this writer stores and the JSON text shards a
/// writer of an older build left (a mixed deploy) load the same engine; damaged bytes are an
/// error, never a panic.
#[test]
fn x5_a_part_stored_as_binary_or_as_older_json_loads_alike() {
    use orgspace_core::snapshot::binary::part_to_binary;
    use orgspace_core::{Command, Engine, PartsLoader};
    let mut engine = Engine::new();
    let commands = serde_json::json!([
        {"type": "create_org", "org": "acme", "name": "Acme", "default_workspace": "main", "mode": "private"},
        {"type": "create_asset", "asset": "d1", "workspace": "main", "kind": "dashboard", "name": "One"},
        {"type": "create_asset", "asset": "d2", "workspace": "main", "kind": "dataset", "name": "Two \"2\""},
        {"type": "create_asset", "asset": "d3", "workspace": "main", "kind": "workbook", "name": "Three", "references": ["d2"]},
        {"type": "add_member", "user": "bob", "org_roles": [], "workspace": "main", "workspace_roles": ["analyst"]},
        {"type": "grant", "asset": "d1", "target": {"user": "bob"}, "level": "edit"}
    ]);
    let commands: Vec<Command> = serde_json::from_value(commands).unwrap();
    for command in &commands {
        engine.execute("alice", command, 2).unwrap();
    }
    let org = engine.org_part().unwrap();
    let part = engine.workspace_part("main").unwrap();
    let load = |shards: Vec<Vec<u8>>| {
        let bytes = join_bytes(5, shards).unwrap();
        let mut loader = PartsLoader::new(&org).unwrap();
        loader.add_bytes(&bytes).and_then(|()| loader.finish())
    };
    let binary = encode_binary(5, &part_to_binary(&part).unwrap(), 16);
    assert!(binary.len() > 1, "cut into shards");
    let json = encode(5, &serde_json::to_string(&part).unwrap(), 16)
        .into_iter()
        .map(String::into_bytes)
        .collect();
    let (from_binary, from_json) = (load(binary.clone()).unwrap(), load(json).unwrap());
    assert_eq!(from_binary.workspace_part("main"), Some(part.clone()));
    assert_eq!(from_json.workspace_part("main"), Some(part));
    // A shard whose bytes were damaged after its header: refused whole.
    let mut damaged = binary;
    let last = damaged.last_mut().unwrap();
    let n = last.len();
    last.truncate(n - 1);
    assert!(load(damaged).is_err());
}
