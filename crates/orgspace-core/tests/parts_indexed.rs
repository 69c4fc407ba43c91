//! X5 through the edge writer's load path (issue 13): a writable engine built part by part
//! from stored bytes (`IndexedLoader`, resumed to add the parts a command needs) runs every
//! command as [`Engine::from_parts_indexed`] on parsed parts does (same outcome, org part,
//! index and changed parts), keeps the changes it made when more parts are added to it, and
//! the binary part encoded straight from the engine's tables (`workspace_part_binary`, what
//! the writer commits) is byte for byte `part_to_binary` of the parsed part.
//!
//! `ORGSPACE_INDEXED_CASES` sets the number of sequences (default 100).

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

use gen_::Case;
use orgspace_core::snapshot::binary::part_to_binary;
use orgspace_core::snapshot::{IndexedLoader, WorkspacePart};
use orgspace_core::{Command, Engine};
use proptest::test_runner::TestCaseError;
use std::collections::{BTreeMap, BTreeSet};

const DEFAULT_CASES: u32 = 100;

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// Every part of a whole engine, by workspace id.
fn parts_of(engine: &Engine) -> BTreeMap<String, WorkspacePart> {
    engine
        .snapshot()
        .map(|s| {
            s.workspaces
                .into_iter()
                .map(|p| (p.id.clone(), p))
                .collect()
        })
        .unwrap_or_default()
}

/// What the writer stores of each part: the binary encoding from the tables.
fn stored_of(
    engine: &Engine,
    parts: &BTreeMap<String, WorkspacePart>,
) -> Result<BTreeMap<String, Vec<u8>>, TestCaseError> {
    let mut out = BTreeMap::new();
    for (id, part) in parts {
        let bytes = engine
            .workspace_part_binary(id)
            .ok_or_else(|| fail("no part"))?
            .map_err(fail)?;
        if bytes != part_to_binary(part).map_err(fail)? {
            return Err(fail(format!(
                "part {id}: the bytes from the tables differ from part_to_binary"
            )));
        }
        out.insert(id.clone(), bytes);
    }
    Ok(out)
}

/// The writer's engine for `command`: the org part and the index, then `needs` asked and the
/// parts it names added to the same engine, round by round; and the parsed-parts engine over
/// the same parts.
fn both_for(
    full: &Engine,
    stored: &BTreeMap<String, Vec<u8>>,
    parts: &BTreeMap<String, WorkspacePart>,
    command: &Command,
) -> Result<(Engine, Engine, BTreeSet<String>), TestCaseError> {
    let org = full.org_part().ok_or_else(|| fail("no org"))?;
    let index = full.index().ok_or_else(|| fail("no index"))?;
    let located: BTreeMap<String, String> = parts
        .values()
        .flat_map(|p| p.assets.iter().map(|a| (a.id.clone(), p.id.clone())))
        .collect();
    let mut engine = IndexedLoader::new(&org, &index)
        .map_err(fail)?
        .finish()
        .map_err(fail)?;
    let mut loaded: BTreeSet<String> = BTreeSet::new();
    for _ in 0..8 {
        let needs = engine.needs(command);
        let mut more: BTreeSet<String> = needs.workspaces.into_iter().collect();
        more.extend(needs.assets.iter().filter_map(|a| located.get(a).cloned()));
        more.retain(|w| !loaded.contains(w));
        if more.is_empty() {
            let chosen: Vec<WorkspacePart> = loaded
                .iter()
                .filter_map(|w| parts.get(w).cloned())
                .collect();
            let parsed = Engine::from_parts_indexed(&org, &index, &chosen).map_err(fail)?;
            return Ok((engine, parsed, loaded));
        }
        let mut loader = IndexedLoader::resume(engine).map_err(|_| fail("not resumable"))?;
        for w in &more {
            loader
                .add_bytes(stored.get(w).ok_or_else(|| fail("no stored part"))?)
                .map_err(fail)?;
        }
        engine = loader.finish().map_err(fail)?;
        loaded.extend(more);
    }
    Err(fail("needs did not settle"))
}

fn run_case(case: &Case) -> Result<(), TestCaseError> {
    let mut full = case.new_engine().map_err(TestCaseError::fail)?;
    for step in &case.steps {
        let before = parts_of(&full);
        let stored = stored_of(&full, &before)?;
        let (mut writer, mut parsed, loaded) = both_for(&full, &stored, &before, &step.command)?;
        let a = writer.execute_tracked(&step.actor, &step.command, step.at);
        let b = parsed.execute_tracked(&step.actor, &step.command, step.at);
        let whole = full.execute_tracked(&step.actor, &step.command, step.at);
        let (a, b) = (a.map_err(|r| r.to_string()), b.map_err(|r| r.to_string()));
        if a != b || a.is_ok() != whole.is_ok() {
            return Err(fail(format!(
                "{step:?}\nloaded {loaded:?}\n  writer: {a:?}\n  parsed: {b:?}"
            )));
        }
        let Ok(done) = a else { continue };
        if writer.org_part() != full.org_part() || writer.index() != full.index() {
            return Err(fail(format!("{step:?}\nthe org part or the index differs")));
        }
        for ws in &done.changed.workspaces {
            let mine = writer
                .workspace_part_binary(ws)
                .ok_or_else(|| fail("no part"))?
                .map_err(fail)?;
            let theirs = full
                .workspace_part_binary(ws)
                .ok_or_else(|| fail("no part"))?
                .map_err(fail)?;
            if mine != theirs {
                return Err(fail(format!("{step:?}\nchanged part {ws} differs")));
            }
        }
        // More parts added after the command: the changes made stay, the index holds.
        let after = parts_of(&full);
        let stored_after = stored_of(&full, &after)?;
        let extra: Vec<&String> = after
            .keys()
            .filter(|w| !loaded.contains(*w) && !done.changed.workspaces.contains(w))
            .take(2)
            .collect();
        let mut loader = IndexedLoader::resume(writer).map_err(|_| fail("not resumable"))?;
        for w in &extra {
            loader.add_bytes(&stored_after[*w]).map_err(fail)?;
        }
        let grown = loader.finish().map_err(fail)?;
        if grown.index() != full.index() || grown.org_part() != full.org_part() {
            return Err(fail(format!(
                "{step:?}\nafter adding {extra:?} the index or org part differs"
            )));
        }
        for w in loaded.iter().chain(extra.iter().copied()) {
            if grown.workspace_part(w) != full.workspace_part(w) {
                return Err(fail(format!(
                    "{step:?}\npart {w} differs after adding {extra:?}"
                )));
            }
        }
    }
    Ok(())
}

#[test]
fn x5_a_writer_loading_stored_bytes_runs_commands_as_parsed_parts() {
    let mut runner = agree::runner("ORGSPACE_INDEXED_CASES", DEFAULT_CASES);
    if let Err(e) = runner.run(&gen_::case(25), |case| run_case(&case)) {
        panic!("{e}");
    }
}

#[test]
fn x5_an_index_of_other_workspaces_is_refused() {
    let mut engine = Engine::new();
    engine
        .execute(
            "alice",
            &Command::CreateOrg {
                org: "acme".into(),
                name: "Acme".into(),
                default_workspace: "main".into(),
                default_workspace_name: Some("Main".into()),
                mode: Default::default(),
            },
            1,
        )
        .unwrap();
    let org = engine.org_part().unwrap();
    let mut index = engine.index().unwrap();
    index.workspaces.clear();
    assert!(IndexedLoader::new(&org, &index).is_err());
    // A whole engine is no writable engine over parts: given back.
    assert!(IndexedLoader::resume(engine).is_err());
}
