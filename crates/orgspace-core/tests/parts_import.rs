//! X5 for imports of any size (issue 13): importing a snapshot part by part (`PartsImport`:
//! the org part, then the workspace parts in batches, never the whole engine) accepts exactly
//! the snapshots a whole import (`Engine::from_snapshot`) accepts, and yields the same
//! organization: the same org part (reaches recomputed), the same index, and each part's stored
//! bytes those the whole engine encodes. Snapshots come from random command streams (the
//! differential generator's), some broken across parts: an asset or a folder id used in two
//! parts, a part missing or given twice, a member left in no group workspace (O7), a member's
//! reach that the roles do not give (a whole load recomputes it: accepted).
//!
//! `ORGSPACE_IMPORT_CASES` sets the number of sequences (default 150).

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code"
)]

#[path = "differential/agree.rs"]
mod agree;
#[path = "differential/gen.rs"]
#[expect(dead_code, reason = "the generator serves the differential test too")]
mod gen_;

use orgspace_core::snapshot::{PartsImport, Snapshot};
use orgspace_core::{Engine, SnapshotError};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const DEFAULT_CASES: u32 = 150;

/// How a valid snapshot is broken (or not) before both imports see it.
#[derive(Clone, Copy, Debug)]
enum Damage {
    None,
    /// An asset of one part copied into another part.
    AssetTwice,
    /// A folder of one part copied into another part.
    FolderTwice,
    /// A part left out.
    PartMissing,
    /// A part given twice.
    PartTwice,
    /// A member taken out of every workspace they belong to.
    MemberInNoWorkspace,
    /// A member's reach changed in the org part.
    WrongReach,
}

fn damage() -> impl Strategy<Value = (Damage, usize, usize)> {
    (
        prop_oneof![
            3 => Just(Damage::None),
            1 => Just(Damage::AssetTwice),
            1 => Just(Damage::FolderTwice),
            1 => Just(Damage::PartMissing),
            1 => Just(Damage::PartTwice),
            1 => Just(Damage::MemberInNoWorkspace),
            1 => Just(Damage::WrongReach),
        ],
        0..64usize,
        0..64usize,
    )
}

fn apply(s: &mut Snapshot, damage: Damage, a: usize, b: usize) {
    let n = s.workspaces.len();
    if n == 0 {
        return;
    }
    let (i, j) = (a % n, b % n);
    match damage {
        Damage::None => {}
        Damage::AssetTwice => {
            // From a part that has assets to another part.
            let from = (0..n)
                .map(|k| (i + k) % n)
                .find(|k| !s.workspaces[*k].assets.is_empty());
            if let (Some(from), true) = (from, n > 1) {
                let to = (from + 1 + j % (n - 1)) % n;
                let mut asset = s.workspaces[from].assets[0].clone();
                asset.folder = None;
                asset.references.clear();
                s.workspaces[to].assets.push(asset);
            }
        }
        Damage::FolderTwice => {
            let from = (0..n)
                .map(|k| (i + k) % n)
                .find(|k| !s.workspaces[*k].folders.is_empty());
            if let (Some(from), true) = (from, n > 1) {
                let to = (from + 1 + j % (n - 1)) % n;
                let mut folder = s.workspaces[from].folders[0].clone();
                folder.parent = None;
                s.workspaces[to].folders.push(folder);
            }
        }
        Damage::PartMissing => {
            s.workspaces.remove(i);
        }
        Damage::PartTwice => {
            let part = s.workspaces[i].clone();
            s.workspaces.push(part);
        }
        Damage::MemberInNoWorkspace => {
            let members = &s.org.members;
            if let Some(m) = members.get(a % members.len().max(1)) {
                let user = m.user.clone();
                for p in &mut s.workspaces {
                    p.members.retain(|x| x.user != user);
                }
            }
        }
        Damage::WrongReach => {
            let len = s.org.members.len().max(1);
            if let Some(m) = s.org.members.get_mut(a % len) {
                m.reach ^= 1 + (b as u64 % 7);
            }
        }
    }
}

/// Each stored part: its workspace id and bytes.
type Stored = Vec<(String, Vec<u8>)>;

/// The import part by part, in batches of `batch` parts, as the edge writer runs it.
fn by_parts(s: &Snapshot, batch: usize) -> Result<(Engine, Stored), SnapshotError> {
    let mut import = PartsImport::new(&s.org)?;
    let mut stored = Vec::new();
    for chunk in s.workspaces.chunks(batch.max(1)) {
        for part in chunk {
            import.add_bytes(serde_json::to_string(part).unwrap().as_bytes())?;
        }
        stored.extend(import.finish_batch()?.into_iter().map(|p| (p.id, p.bytes)));
    }
    Ok((import.finish()?, stored))
}

fn run(
    case: &gen_::Case,
    damage: Damage,
    a: usize,
    b: usize,
    batch: usize,
) -> Result<(), TestCaseError> {
    let mut engine = case.new_engine().map_err(TestCaseError::fail)?;
    for step in &case.steps {
        let _ = engine.execute(&step.actor, &step.command, step.at);
    }
    let mut snapshot = engine
        .snapshot()
        .ok_or_else(|| TestCaseError::fail("no org"))?;
    snapshot.audit.clear();
    apply(&mut snapshot, damage, a, b);
    let whole = Engine::from_snapshot(&snapshot);
    let parts = by_parts(&snapshot, batch);
    match (whole, parts) {
        (Err(_), Err(_)) => Ok(()),
        (Ok(_), Err(e)) => Err(TestCaseError::fail(format!(
            "{damage:?}: only the whole import accepts: {e}"
        ))),
        (Err(e), Ok(_)) => Err(TestCaseError::fail(format!(
            "{damage:?}: only the import by parts accepts (whole: {e})"
        ))),
        (Ok(whole), Ok((imported, stored))) => {
            if whole.org_part() != imported.org_part() {
                return Err(TestCaseError::fail(format!(
                    "{damage:?}: the org parts differ"
                )));
            }
            if whole.index() != imported.index() {
                return Err(TestCaseError::fail(format!(
                    "{damage:?}: the indexes differ"
                )));
            }
            if stored.len() != snapshot.workspaces.len() {
                return Err(TestCaseError::fail("not every part was stored"));
            }
            for (id, bytes) in &stored {
                let want = whole.workspace_part_binary(id).unwrap().unwrap();
                if &want != bytes {
                    return Err(TestCaseError::fail(format!(
                        "{damage:?}: part {id} differs"
                    )));
                }
            }
            // The imported organization runs: may its admins import it (the host's check)?
            let admin = snapshot
                .org
                .members
                .iter()
                .find(|m| m.roles.iter().any(|r| r == "org_admin"));
            if let Some(admin) = admin {
                if whole.may_import(&admin.user).ok().map(|d| d.allowed)
                    != imported.may_import(&admin.user).ok().map(|d| d.allowed)
                {
                    return Err(TestCaseError::fail("may_import differs"));
                }
            }
            Ok(())
        }
    }
}

#[test]
fn x5_an_import_by_parts_accepts_what_the_whole_import_accepts_and_loads_the_same() {
    let mut runner = agree::runner("ORGSPACE_IMPORT_CASES", DEFAULT_CASES);
    let strategy = (gen_::case(20), damage(), 1..4usize);
    if let Err(e) = runner.run(&strategy, |(case, (damage, a, b), batch)| {
        run(&case, damage, a, b, batch)
    }) {
        panic!("{e}");
    }
}
