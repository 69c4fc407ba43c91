//! Every accepted command leaves a state that loads (X5, issue 16): the runner reloads the
//! engine from its own snapshot after each one and asks both the same questions.

use orgspace_core::{Engine, Operation, Snapshot};

/// What goes wrong when `engine`'s state is saved and loaded again: whole (the snapshot
/// round-trips byte for byte and the reloaded engine answers every check as the live one,
/// reasons included) and by parts (the org part with each workspace part, as the edge loads
/// them, answering every check on that workspace's assets alike). Empty when nothing does.
#[must_use]
pub fn reload_problems(engine: &Engine, now: u64) -> Vec<String> {
    let Some(snapshot) = engine.snapshot() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let json = engine.to_json();
    match Engine::from_json(&json) {
        Ok(again) if again.to_json() == json => {
            out.extend(different_answers(engine, &again, &snapshot, None, now));
        }
        Ok(_) => out.push("the snapshot does not round-trip".to_string()),
        Err(e) => out.push(format!("the snapshot does not load: {e}")),
    }
    let org_json = serde_json::to_string(&snapshot.org).unwrap_or_default();
    for part in &snapshot.workspaces {
        match Engine::from_parts(&snapshot.org, std::slice::from_ref(part)) {
            Ok(parts) => {
                out.extend(different_answers(
                    engine,
                    &parts,
                    &snapshot,
                    Some(&part.id),
                    now,
                ));
                out.extend(read_from_text(&parts, &org_json, part));
            }
            Err(e) => out.push(format!("the parts of `{}` do not load: {e}", part.id)),
        }
    }
    out
}

/// The same parts read straight from their JSON text (`Engine::from_parts_json`, what the edge
/// reader and the npm package's `fromParts` do) load the same state.
fn read_from_text(
    parsed: &Engine,
    org_json: &str,
    part: &orgspace_core::snapshot::WorkspacePart,
) -> Option<String> {
    let text = serde_json::to_string(part).unwrap_or_default();
    match Engine::from_parts_json(org_json, &[&text]) {
        Ok(read)
            if read.org_part() == parsed.org_part()
                && read.workspace_part(&part.id) == parsed.workspace_part(&part.id) =>
        {
            None
        }
        Ok(_) => Some(format!(
            "the parts of `{}` read from text differ from the parsed parts",
            part.id
        )),
        Err(e) => Some(format!(
            "the parts of `{}` do not load from text: {e}",
            part.id
        )),
    }
}

/// Every (member, operation, asset) the two engines answer differently, over the assets of
/// one workspace or of all.
fn different_answers(
    live: &Engine,
    reloaded: &Engine,
    snapshot: &Snapshot,
    only: Option<&str>,
    now: u64,
) -> Vec<String> {
    let mut out = Vec::new();
    let parts = snapshot
        .workspaces
        .iter()
        .filter(|p| only.is_none_or(|id| p.id == id));
    for part in parts {
        for asset in &part.assets {
            for member in &snapshot.org.members {
                for &op in Operation::ALL {
                    let a = live.check(&member.user, op, &asset.id, now);
                    let b = reloaded.check(&member.user, op, &asset.id, now);
                    let (a, b) = (a.map(|d| live.answer(&d)), b.map(|d| reloaded.answer(&d)));
                    if a != b {
                        let whole = only.map_or("whole".to_string(), |w| format!("parts of `{w}`"));
                        out.push(format!(
                            "{} {op} {} ({whole}): live {a:?}, reloaded {b:?}",
                            member.user, asset.id
                        ));
                    }
                }
            }
        }
    }
    out
}
