//! The property that holds a writer that loads only what a command needs (issue 13): for random
//! command streams (the differential generator's), running each command on an engine built from
//! the org part, the org index and exactly the parts [`Engine::needs`] asks for gives the same
//! outcome as the whole engine (same acceptance, or the same refusal), the same org part, the
//! same changed parts (every part whose JSON changed, and none but those the command's events
//! name), and an index equal to
//! the whole engine's. Also, after every command, a reader built from the org part and one
//! workspace's part decides as the whole engine does (A2 in personal workspaces: the member's
//! reach travels in the org part).
//!
//! `ORGSPACE_PARTS_CASES` sets the number of sequences (default 300).

#[path = "differential/agree.rs"]
mod agree;
#[path = "differential/gen.rs"]
#[expect(dead_code, reason = "the generator serves the differential test too")]
mod gen_;

use gen_::{Case, USERS};
use orgspace_core::snapshot::WorkspacePart;
use orgspace_core::{Engine, Executed, Operation, SpanDone, SpanRun};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use std::collections::{BTreeMap, BTreeSet};

const DEFAULT_CASES: u32 = 300;

/// Accepted and refused commands by type, printed with `ORGSPACE_PARTS_STATS=1 --nocapture`
/// to see that the spanning commands are reached.
static STATS: std::sync::Mutex<BTreeMap<&'static str, (u32, u32)>> =
    std::sync::Mutex::new(BTreeMap::new());

fn count(command: &orgspace_core::Command, accepted: bool) {
    if let Ok(mut stats) = STATS.lock() {
        let e = stats.entry(command.name()).or_default();
        if accepted {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
}

fn print_stats() {
    if std::env::var("ORGSPACE_PARTS_STATS").is_ok() {
        if let Ok(stats) = STATS.lock() {
            for (name, (ok, no)) in stats.iter() {
                println!("{name:>24}: {ok:>6} accepted {no:>6} refused");
            }
        }
    }
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

/// Which workspace holds each asset: what the edge's locators say.
fn locator(parts: &BTreeMap<String, WorkspacePart>) -> BTreeMap<String, String> {
    parts
        .values()
        .flat_map(|p| p.assets.iter().map(|a| (a.id.clone(), p.id.clone())))
        .collect()
}

/// The partial engine a host would build for `command`: ask, load, ask again.
fn partial_for(
    full: &Engine,
    parts: &BTreeMap<String, WorkspacePart>,
    command: &orgspace_core::Command,
) -> Result<(Engine, BTreeSet<String>), TestCaseError> {
    let org = full
        .org_part()
        .ok_or_else(|| TestCaseError::fail("no org"))?;
    let index = full
        .index()
        .ok_or_else(|| TestCaseError::fail("no index"))?;
    let located = locator(parts);
    let mut loaded: BTreeSet<String> = BTreeSet::new();
    for _ in 0..8 {
        let chosen: Vec<WorkspacePart> = loaded
            .iter()
            .filter_map(|w| parts.get(w).cloned())
            .collect();
        let engine = Engine::from_parts_indexed(&org, &index, &chosen)
            .map_err(|e| TestCaseError::fail(format!("partial load: {e}")))?;
        let needs = engine.needs(command);
        let mut more: BTreeSet<String> = needs.workspaces.into_iter().collect();
        more.extend(needs.assets.iter().filter_map(|a| located.get(a).cloned()));
        more.retain(|w| !loaded.contains(w));
        if more.is_empty() {
            return Ok((engine, loaded));
        }
        loaded.extend(more);
    }
    Err(TestCaseError::fail("needs did not settle"))
}

/// Every decision a reader of one workspace gives, next to the whole engine's.
fn readers_agree(
    full: &Engine,
    parts: &BTreeMap<String, WorkspacePart>,
) -> Result<(), TestCaseError> {
    let Some(org) = full.org_part() else {
        return Ok(());
    };
    for part in parts.values() {
        let reader = Engine::from_parts(&org, std::slice::from_ref(part))
            .map_err(|e| TestCaseError::fail(format!("reader of {}: {e}", part.id)))?;
        let ops: Vec<Operation> = Operation::ALL
            .iter()
            .copied()
            .filter(|op| *op != Operation::Create)
            .collect();
        agree::same_answers((full, &reader), USERS, part, &ops, false)
            .map_err(|e| TestCaseError::fail(format!("reader (against the whole engine): {e}")))?;
    }
    Ok(())
}

/// Every member's view (`snapshot_for`) from an engine holding the org part, the index and
/// exactly the parts `view_needs` names is the whole engine's (what the edge's writer answers
/// `GET /snapshot` with, issue 13).
fn views_agree(
    full: &Engine,
    parts: &BTreeMap<String, WorkspacePart>,
) -> Result<(), TestCaseError> {
    let (Some(org), Some(index)) = (full.org_part(), full.index()) else {
        return Ok(());
    };
    let bare = Engine::from_parts_indexed(&org, &index, &[])
        .map_err(|e| TestCaseError::fail(format!("partial load: {e}")))?;
    for user in USERS {
        let needs = bare.view_needs(user);
        let chosen: Vec<WorkspacePart> = needs
            .workspaces
            .iter()
            .filter_map(|w| parts.get(w).cloned())
            .collect();
        let partial = Engine::from_parts_indexed(&org, &index, &chosen)
            .map_err(|e| TestCaseError::fail(format!("partial load: {e}")))?;
        if !partial.view_needs(user).workspaces.is_empty() {
            return Err(TestCaseError::fail(format!(
                "{user}: view_needs did not settle"
            )));
        }
        let whole = full.snapshot_for(user, 500).map_err(|e| e.to_string());
        let part = partial.snapshot_for(user, 500).map_err(|e| e.to_string());
        if whole != part {
            return Err(TestCaseError::fail(format!(
                "{user}'s view differs (loaded {:?}):\n  whole: {whole:?}\n  parts: {part:?}",
                needs.workspaces
            )));
        }
    }
    Ok(())
}

/// A command spanning workspaces run part by part (`SpanRun`, what the edge's writer does):
/// from the org part and the index, the `every` parts in each round and the spread ones in
/// batches of `batch`. Gives the outcome, the engine after it and the parts staged.
type Spanned = (
    Result<SpanDone, orgspace_core::Refusal>,
    BTreeMap<String, WorkspacePart>,
);

fn span_run(
    full: &Engine,
    parts: &BTreeMap<String, WorkspacePart>,
    step: &gen_::Step,
    batch: usize,
) -> Result<Option<Spanned>, TestCaseError> {
    let (Some(org), Some(index)) = (full.org_part(), full.index()) else {
        return Ok(None);
    };
    let bare = Engine::from_parts_indexed(&org, &index, &[])
        .map_err(|e| TestCaseError::fail(format!("partial load: {e}")))?;
    let Some(span) = bare.span(&step.actor, &step.command) else {
        return Ok(None);
    };
    let Some(mut run) = SpanRun::new(&bare, &step.actor, &step.command, step.at) else {
        return Err(TestCaseError::fail("a spanning command gave no run"));
    };
    let every: Vec<WorkspacePart> = span
        .every
        .iter()
        .filter_map(|w| parts.get(w).cloned())
        .collect();
    let mut staged = BTreeMap::new();
    let batches: Vec<&[String]> = if span.spread.is_empty() {
        vec![&[]]
    } else {
        span.spread.chunks(batch.max(1)).collect()
    };
    for ids in batches {
        let mut held = every.clone();
        held.extend(ids.iter().filter_map(|w| parts.get(w).cloned()));
        match run.round(&held) {
            Ok(changed) => {
                for p in changed {
                    if staged.insert(p.id.clone(), p).is_some() {
                        return Err(TestCaseError::fail("a part was staged twice"));
                    }
                }
            }
            Err(e) => return Ok(Some((Err(e), staged))),
        }
    }
    Ok(Some((run.finish(), staged)))
}

/// The part-by-part run gives what the whole engine gave: the same refusal, or the same
/// events, changed parts, org part, index and audit entry, and the staged parts are the whole
/// engine's changed parts.
fn span_agrees(
    full: &Engine,
    whole: &Result<Executed, orgspace_core::Refusal>,
    spanned: Option<Spanned>,
    step: &gen_::Step,
) -> Result<(), TestCaseError> {
    let Some((outcome, staged)) = spanned else {
        return Ok(());
    };
    match (whole, outcome) {
        (Err(a), Err(b)) if a == &b => Ok(()),
        (Ok(a), Ok(done)) => {
            let (engine, b) = (&done.engine, &done.executed);
            let fail = |what: &str| Err(TestCaseError::fail(format!("{step:?}\nspan: {what}")));
            if a != b {
                return fail(&format!("executed differs:\n  whole: {a:?}\n  span: {b:?}"));
            }
            let told = full
                .events_for(&step.actor, &a.applied.events, step.at)
                .unwrap_or_default();
            if told != done.told {
                return fail(&format!("told {:?}, whole told {told:?}", done.told));
            }
            if engine.org_part() != full.org_part() {
                return fail("org part differs");
            }
            if engine.index() != full.index() {
                return fail("index differs");
            }
            if engine.audit().last() != full.audit().last() {
                return fail("audit entry differs");
            }
            let names: Vec<&String> = staged.keys().collect();
            let changed: Vec<&String> = a.changed.workspaces.iter().collect();
            if names != changed {
                return fail(&format!("staged {names:?}, changed {changed:?}"));
            }
            for (id, part) in &staged {
                if full.workspace_part(id).as_ref() != Some(part) {
                    return fail(&format!("part {id} differs"));
                }
            }
            Ok(())
        }
        (w, s) => Err(TestCaseError::fail(format!(
            "{step:?}\nspan outcome differs:\n  whole: {w:?}\n  span: {:?}",
            s.map(|d| d.executed)
        ))),
    }
}

fn run_case(case: &Case) -> Result<(), TestCaseError> {
    let mut full = case.new_engine().map_err(TestCaseError::fail)?;
    for (n, step) in case.steps.iter().enumerate() {
        let before = parts_of(&full);
        let (mut partial, loaded) = partial_for(&full, &before, &step.command)?;
        let spanned = span_run(&full, &before, step, 1 + n % 3)?;
        let whole = full.execute_tracked(&step.actor, &step.command, step.at);
        span_agrees(&full, &whole, spanned, step)?;
        let part = partial.execute_tracked(&step.actor, &step.command, step.at);
        count(&step.command, whole.is_ok());
        match (&whole, &part) {
            (Err(a), Err(b)) => {
                if a.to_string() != b.to_string() {
                    return Err(TestCaseError::fail(format!(
                        "{step:?}\nrefused differently (loaded {loaded:?}):\n  whole: {a}\n  parts: {b}"
                    )));
                }
                continue;
            }
            (Ok(a), Ok(b)) => {
                if a != b {
                    return Err(TestCaseError::fail(format!(
                        "{step:?}\ndiffer (loaded {loaded:?}):\n  whole: {a:?}\n  parts: {b:?}"
                    )));
                }
            }
            _ => {
                return Err(TestCaseError::fail(format!(
                    "{step:?}\none accepted (loaded {loaded:?}):\n  whole: {whole:?}\n  parts: {part:?}"
                )));
            }
        }
        let Ok(done) = whole else { continue };
        if full.org_part() != partial.org_part() {
            return Err(TestCaseError::fail(format!("{step:?}\norg parts differ")));
        }
        if full.index() != partial.index() {
            return Err(TestCaseError::fail(format!(
                "{step:?}\nindexes differ:\n  whole: {:?}\n  parts: {:?}",
                full.index(),
                partial.index()
            )));
        }
        // Exactly the parts whose JSON changed.
        let after = parts_of(&full);
        let ids: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        let mut rewritten = Vec::new();
        let mut gone = Vec::new();
        for id in ids {
            match (before.get(id), after.get(id)) {
                (Some(a), Some(b)) if a == b => {}
                (_, Some(_)) => rewritten.push(id.clone()),
                (Some(_), None) => gone.push(id.clone()),
                (None, None) => {}
            }
        }
        // Every part that changed is named; a command that changed nothing it names (a move
        // to where the asset is) may name a part it rewrites with the same bytes.
        let named: BTreeSet<&String> = done.changed.workspaces.iter().collect();
        if !rewritten.iter().all(|w| named.contains(w)) || done.changed.deleted != gone {
            return Err(TestCaseError::fail(format!(
                "{step:?}\nchanged {:?} deleted {:?}, but the parts that changed are {rewritten:?}, gone {gone:?}",
                done.changed.workspaces, done.changed.deleted
            )));
        }
        for id in &rewritten {
            if full.workspace_part(id) != partial.workspace_part(id) {
                return Err(TestCaseError::fail(format!("{step:?}\npart {id} differs")));
            }
        }
        readers_agree(&full, &after)?;
    }
    views_agree(&full, &parts_of(&full))
}

#[test]
fn x5_a_partial_engine_runs_commands_as_the_whole_engine() {
    let mut runner = agree::runner("ORGSPACE_PARTS_CASES", DEFAULT_CASES);
    let result = runner.run(&gen_::case(25), |case| run_case(&case));
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Commands spanning workspaces that the differential generator does not make: group
/// deletion, data source creation, deletion and re-creation with other columns, table grants,
/// datasets on a source, and row rules naming members and groups.
fn spanning_step() -> impl Strategy<Value = gen_::Step> {
    use orgspace_core::Command;
    use orgspace_core::data::{Allow, Audience, ColumnDef, ColumnType, RowRule, TableDef};
    let col = |name: &str, ty| ColumnDef {
        name: name.into(),
        ty,
    };
    let wide = vec![TableDef {
        name: "orders".into(),
        columns: vec![
            col("region", ColumnType::String),
            col("amount", ColumnType::Number),
        ],
    }];
    let narrow = vec![TableDef {
        name: "orders".into(),
        columns: vec![col("amount", ColumnType::Number)],
    }];
    let ws = || select(&["main", "ws1", "ws2", "personal:alice", "personal:bob"][..]);
    let asset = || select(&["a1", "a2", "a3", "a4"][..]);
    let group = || select(&["g1", "g2", "g3"][..]);
    let user = || select(&["bob", "carol", "dave"][..]);
    let command = prop_oneof![
        2 => group().prop_map(|g| Command::DeleteGroup { group: g.into() }),
        2 => prop_oneof![Just(wide), Just(narrow)].prop_map(|tables| Command::CreateDataSource {
            source: "crm".into(),
            name: "CRM".into(),
            tables,
        }),
        1 => Just(Command::DeleteDataSource { source: "crm".into() }),
        2 => ws().prop_map(|w| Command::GrantTable {
            workspace: w.into(),
            source: "crm".into(),
            table: "orders".into(),
            columns: None,
            rows: None,
        }),
        1 => ws().prop_map(|w| Command::RevokeTable {
            workspace: w.into(),
            source: "crm".into(),
            table: "orders".into(),
        }),
        2 => asset().prop_map(|a| Command::SetDatasetTable {
            asset: a.into(),
            source: "crm".into(),
            table: "orders".into(),
        }),
        2 => (asset(), user(), group()).prop_map(|(a, u, g)| Command::SetRowRules {
            asset: a.into(),
            enabled: true,
            exempt_owner_and_admins: false,
            rules: vec![RowRule {
                targets: Audience {
                    all: false,
                    users: vec![u.into()],
                    groups: vec![g.into()],
                },
                column: "amount".into(),
                allow: Allow::Values(vec![serde_json::json!(1)]),
            }],
        }),
        2 => (user(), user()).prop_map(|(u, heir)| Command::RemoveMember {
            user: u.into(),
            new_owner: Some(heir.into()),
        }),
    ];
    command.prop_map(|command| gen_::Step {
        actor: "alice".into(),
        at: 300,
        command,
        queries: Vec::new(),
    })
}

/// A data source, a dataset on it in the default workspace, its table granted there and row
/// rules naming `bob` and group `g1`.
fn data_bundle() -> Vec<gen_::Step> {
    use orgspace_core::data::{Allow, Audience, ColumnDef, ColumnType, RowRule, TableDef};
    use orgspace_core::{Command, Kind};
    let step = |command| gen_::Step {
        actor: "alice".into(),
        at: 300,
        command,
        queries: Vec::new(),
    };
    vec![
        step(Command::CreateGroup {
            group: "g1".into(),
            name: "G1".into(),
            parent: None,
        }),
        step(Command::CreateDataSource {
            source: "crm".into(),
            name: "CRM".into(),
            tables: vec![TableDef {
                name: "orders".into(),
                columns: vec![ColumnDef {
                    name: "amount".into(),
                    ty: ColumnType::Number,
                }],
            }],
        }),
        step(Command::CreateAsset {
            asset: "d1".into(),
            workspace: "main".into(),
            kind: Kind::Dataset,
            name: "D1".into(),
            folder: None,
            references: Vec::new(),
        }),
        step(Command::GrantTable {
            workspace: "main".into(),
            source: "crm".into(),
            table: "orders".into(),
            columns: None,
            rows: None,
        }),
        step(Command::SetDatasetTable {
            asset: "d1".into(),
            source: "crm".into(),
            table: "orders".into(),
        }),
        step(Command::SetRowRules {
            asset: "d1".into(),
            enabled: true,
            exempt_owner_and_admins: false,
            rules: vec![RowRule {
                targets: Audience {
                    all: false,
                    users: vec!["bob".into()],
                    groups: vec!["g1".into()],
                },
                column: "amount".into(),
                allow: Allow::Values(vec![serde_json::json!(1)]),
            }],
        }),
    ]
}

#[test]
fn x5_a_partial_engine_runs_spanning_commands_as_the_whole_engine() {
    let mut runner = agree::runner("ORGSPACE_PARTS_CASES", DEFAULT_CASES);
    let strategy = (
        gen_::case(20),
        proptest::collection::vec((any::<prop::sample::Index>(), spanning_step()), 1..12),
        any::<bool>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(mut case, extra, bundle, where_)| {
            for (at, step) in extra {
                let i = at.index(case.steps.len() + 1);
                case.steps.insert(i, step);
            }
            if bundle {
                // A dataset with row rules naming members and groups, in one go, so that the
                // spanning commands after it meet rule audiences.
                let at = where_.index(case.steps.len() + 1);
                for (k, step) in data_bundle().into_iter().enumerate() {
                    case.steps.insert(at + k, step);
                }
            }
            case
        });
    let result = runner.run(&strategy, |case| run_case(&case));
    print_stats();
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn o7_a_demoted_org_admin_in_no_group_workspace_joins_the_default_through_a_partial_engine() {
    use orgspace_core::Command;
    let step = |command| gen_::Step {
        actor: "alice".into(),
        at: 100,
        command,
        queries: Vec::new(),
    };
    let case = Case {
        mode: orgspace_core::Mode::Private,
        steps: vec![
            step(Command::AddMember {
                user: "bob".into(),
                org_roles: vec!["org_admin".into()],
                workspace: None,
                workspace_roles: Vec::new(),
                attributes: Default::default(),
            }),
            step(Command::RemoveWorkspaceMember {
                workspace: "main".into(),
                user: "bob".into(),
            }),
            step(Command::SetOrgRoles {
                user: "bob".into(),
                roles: Vec::new(),
            }),
        ],
    };
    let mut full = case.new_engine().unwrap_or_default();
    for s in &case.steps[..2] {
        let _ = full.execute(&s.actor, &s.command, s.at);
    }
    // Bob is in no group workspace: his demotion needs the default workspace's part (O7).
    let (partial, loaded) = partial_for(&full, &parts_of(&full), &case.steps[2].command)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.contains("main"), "loaded {loaded:?}");
    drop(partial);
    if let Err(e) = run_case(&case) {
        panic!("{e}");
    }
}
