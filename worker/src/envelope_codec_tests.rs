//! The org envelope's stored encodings (issue 13): a binary envelope reads back as written, an
//! older writer's JSON text still reads, and damaged or truncated bytes are refused, never a
//! panic.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;
use orgspace_core::Engine;

/// `acme` with a custom org role, a group, two members and a group workspace besides the
/// default one, and the versions a writer keeps for it.
fn acme() -> OrgEnvelope {
    let mut engine = Engine::new();
    let commands = serde_json::json!([
        {"type": "create_org", "org": "acme", "name": "Acme \"A\" ü", "default_workspace": "main"},
        {"type": "add_member", "user": "bob", "workspace": "main", "workspace_roles": ["analyst"]},
        {"type": "create_group", "group": "team", "name": "Team"},
        {"type": "add_group_member", "group": "team", "user": "bob"},
        {"type": "create_workspace", "workspace": "sales", "name": "Sales", "mode": "private"},
        {"type": "define_org_role", "role": "grouper", "name": "Grouper", "points": ["manage_user_groups"]},
        {"type": "set_org_roles", "user": "bob", "roles": ["grouper"]}
    ]);
    for (i, c) in commands.as_array().unwrap().iter().enumerate() {
        let command = serde_json::from_value(c.clone()).unwrap();
        engine.execute("alice", &command, i as u64 + 1).unwrap();
    }
    OrgEnvelope {
        version: engine.version(),
        org_changed: 6,
        workspaces: [("main".to_string(), 4), ("sales".to_string(), 5)]
            .into_iter()
            .collect(),
        buckets: [(7, 2), (4_000_000, 7)].into_iter().collect(),
        part: engine.org_part().unwrap(),
    }
}

#[test]
fn a_binary_envelope_reads_back_as_written() {
    let envelope = acme();
    let bytes = to_binary(&envelope).unwrap();
    assert!(bytes.starts_with(MAGIC) && is_binary(&bytes));
    assert_eq!(from_bytes(&bytes).unwrap(), envelope);
    let text = serde_json::to_string(&envelope).unwrap();
    assert!(
        bytes.len() < text.len(),
        "{} vs {}",
        bytes.len(),
        text.len()
    );
}

#[test]
fn an_older_writers_json_envelope_still_reads() {
    let envelope = acme();
    let text = serde_json::to_string(&envelope).unwrap();
    assert!(!is_binary(text.as_bytes()));
    assert_eq!(from_bytes(text.as_bytes()).unwrap(), envelope);
}

#[test]
fn damaged_or_truncated_envelopes_are_refused_without_a_panic() {
    let bytes = to_binary(&acme()).unwrap();
    for len in 0..bytes.len() {
        assert!(
            from_bytes(&bytes[..len]).is_err(),
            "a prefix of {len} bytes"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(from_bytes(&longer).is_err(), "trailing bytes");
    let mut newer = bytes.clone();
    newer[3] = 2;
    assert!(from_bytes(&newer).is_err(), "another encoding version");
    // Every byte set to some values: refused, or an envelope (a byte of a name or a version
    // changed) that the reader's loader checks as any other; never a panic.
    for i in 4..bytes.len() {
        for v in [0u8, 1, 0x7f, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[i] = v;
            if let Ok(e) = from_bytes(&damaged) {
                let _checked = orgspace_core::PartsLoader::new(&e.part);
            }
        }
    }
}
