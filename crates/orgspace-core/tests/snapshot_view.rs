//! Members' views (`Engine::snapshot_for`): a snapshot of what one member may see, which an
//! engine loads to answer that member's queries (the npm package, the edge worker).
//!
//! - Hand-made organizations: a member's view holds none of the workspaces, members, assets,
//!   folders, groups, grants and rules they may not see; an admin's view is the whole org; a
//!   view round-trips through JSON, loads, refuses commands and is still validated.
//! - Fidelity and leakage, for every member of every state reached by random command sequences
//!   (the differential test's generator plus data, custom role and attribute commands) and by
//!   the conformance scenarios: the view loads; for its member it answers `check` (every
//!   operation on every asset it holds), `visible_assets`, `visible_folders`, `filter`,
//!   `check_create` and `data_scope` as the whole engine, now and later; every asset, folder,
//!   workspace, member, group, grant and rule in it is there for a reason the view rules list
//!   (`snapshot/view.rs`, docs/decisions.md).
//!
//! `ORGSPACE_VIEW_CASES` sets the number of random sequences (300 by default).

#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the test that calls them, on purpose"
)]

mod common;
#[allow(dead_code, reason = "the differential test uses more of the generator")]
#[path = "differential/gen.rs"]
mod gen_;
mod paged;

use common::{ALICE, Fixture, MAIN, cmd, personal, strings};
use orgspace_core::data::{
    Allow, Audience, ColumnAction, ColumnDef, ColumnRule, ColumnType, Predicate, RowRule, TableDef,
};
use orgspace_core::snapshot::{AssetDoc, WorkspacePart};
use orgspace_core::{
    Command, Engine, Kind, Level, Mode, Operation, OrgPoint, Point, Reason, Refusal, Rule,
    Snapshot, SnapshotError, Target,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------------------------
// What a view must be: fidelity and leakage, checked against the whole engine.
// ---------------------------------------------------------------------------------------------

/// A decision as hosts see it: allowed, rule, reason.
type Seen = Result<(bool, Rule, String), Refusal>;

fn answer(engine: &Engine, user: &str, op: Operation, asset: &str, now: u64) -> Seen {
    engine
        .check(user, op, asset, now)
        .map(|d| (d.allowed, d.rule, engine.explain(&d)))
}

fn answer_create(engine: &Engine, user: &str, ws: &str, kind: Kind) -> Seen {
    engine
        .check_create(user, ws, kind)
        .map(|d| (d.allowed, d.rule, engine.explain(&d)))
}

fn owned(r: Result<Vec<&str>, Refusal>) -> Result<Vec<String>, Refusal> {
    r.map(|v| v.into_iter().map(String::from).collect())
}

fn asset_ids(s: &Snapshot) -> BTreeSet<String> {
    s.workspaces
        .iter()
        .flat_map(|p| p.assets.iter().map(|a| a.id.clone()))
        .collect()
}

fn part<'a>(s: &'a Snapshot, ws: &str) -> Option<&'a WorkspacePart> {
    s.workspaces.iter().find(|p| p.id == ws)
}

/// A member's groups and every group they nest in, from a snapshot (P2).
fn effective_groups(s: &Snapshot, user: &str) -> BTreeSet<String> {
    let parents: BTreeMap<&str, Option<&str>> = s
        .org
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.parent.as_deref()))
        .collect();
    let mut out = BTreeSet::new();
    for g in s
        .org
        .groups
        .iter()
        .filter(|g| g.members.iter().any(|m| m == user))
    {
        let mut at = Some(g.id.as_str());
        while let Some(cur) = at {
            if !out.insert(cur.to_string()) {
                break;
            }
            at = parents.get(cur).copied().flatten();
        }
    }
    out
}

/// Whether the member gets the whole organization: org admins and central authorizers.
fn sees_everything(s: &Snapshot, user: &str) -> bool {
    let Some(m) = s.org.members.iter().find(|m| m.user == user) else {
        return false;
    };
    m.roles.iter().any(|r| {
        r == "org_admin"
            || r == "permission_admin"
            || s.org
                .org_roles
                .iter()
                .any(|x| x.id == *r && x.points.contains(&OrgPoint::AuthorizeCentrally))
    })
}

/// Whether the member administers a workspace of the whole snapshot.
fn administers(s: &Snapshot, user: &str, ws: &str) -> bool {
    let owner = s
        .org
        .workspaces
        .iter()
        .any(|h| h.id == ws && h.owner.as_deref() == Some(user));
    owner
        || part(s, ws).is_some_and(|p| {
            p.members
                .iter()
                .any(|m| m.user == user && m.roles.iter().any(|r| r == "admin"))
        })
}

/// Every check of the view of `user` at `now` against the whole engine, at `now` and at each
/// of `later`. `live` is the engine the commands ran on.
fn verify_view(live: &Engine, user: &str, now: u64, later: &[u64]) -> Result<(), String> {
    let whole_snapshot = live.snapshot().ok_or("no organization")?;
    // Decisions name the first grant that matches, and a snapshot lists grants sorted: the
    // engine reloaded from its own snapshot is the one a view must agree with to the word.
    let full = Engine::from_snapshot(&whole_snapshot).map_err(|e| e.to_string())?;
    let view = live
        .snapshot_for(user, now)
        .map_err(|e| format!("snapshot_for {user}: {e}"))?;
    if view.view_of.as_deref() != Some(user) {
        return Err(format!("view_of is {:?}", view.view_of));
    }
    let json = serde_json::to_string(&view).map_err(|e| e.to_string())?;
    let engine = Engine::from_json(&json)
        .map_err(|e| format!("view of {user} does not load: {e}\n{json}"))?;
    if engine.snapshot().as_ref() != Some(&view) {
        return Err(format!("view of {user} does not round-trip"));
    }
    if engine.snapshot_for(user, now).as_ref().ok() != Some(&view) {
        return Err(format!("the view of {user}'s view is not the same view"));
    }
    if !engine.invariant_problems().is_empty() {
        return Err(format!("view of {user}: {:?}", engine.invariant_problems()));
    }
    if sees_everything(&whole_snapshot, user) {
        let mut expected = whole_snapshot.clone();
        expected.audit.clear();
        expected.view_of = Some(user.into());
        if view != expected {
            return Err(format!(
                "{user} sees everything but the view is not the whole org"
            ));
        }
    } else {
        leakage(&full, &whole_snapshot, &view, user, now)?;
    }
    paged::verify_paged(live, &full, &view, user, now)?;
    paged::verify_unseen(live, &view, user, now)?;
    paged::verify_pages(live, &view, user, now)?;
    paged::verify_partial(live, user, now)?;
    // A view holds what its member sees at `now`; grants only expire, so it holds for later.
    for t in std::iter::once(now).chain(later.iter().copied().filter(|t| *t > now)) {
        fidelity(&full, &engine, &whole_snapshot, &view, user, t)
            .map_err(|e| format!("view of {user} taken at {now}, asked at {t}: {e}"))?;
    }
    Ok(())
}

/// For the view's member, the view's engine answers as the whole one.
fn fidelity(
    full: &Engine,
    engine: &Engine,
    whole: &Snapshot,
    view: &Snapshot,
    user: &str,
    t: u64,
) -> Result<(), String> {
    let in_view = asset_ids(view);
    let all = asset_ids(whole);
    for a in &all {
        if in_view.contains(a) {
            for &op in Operation::ALL {
                let (got, want) = (answer(engine, user, op, a, t), answer(full, user, op, a, t));
                if got != want {
                    return Err(format!("check {op} {a}: view {got:?}, whole {want:?}"));
                }
            }
        } else {
            if answer(full, user, Operation::View, a, t).is_ok_and(|d| d.0) {
                return Err(format!("{a} is left out but {user} may view it"));
            }
            if !matches!(
                engine.check(user, Operation::View, a, t),
                Err(Refusal::NotFound { .. })
            ) {
                return Err(format!("{a} is left out but the view knows it"));
            }
        }
    }
    let ids: Vec<&str> = all.iter().map(String::as_str).collect();
    for &op in Operation::ALL {
        let got = engine
            .filter(user, op, &ids, t)
            .map_err(|e| e.to_string())?;
        let want: Vec<&str> = full
            .filter(user, op, &ids, t)
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|a| in_view.contains(*a))
            .collect();
        if got != want {
            return Err(format!("filter {op}: view {got:?}, whole {want:?}"));
        }
        // Assets left out are ones the member may do nothing with. (`create` asks about the
        // asset's workspace and kind, not the asset.) The one exception: a custom role that
        // permits an operation on a kind but not `view` (see `w7_view_leaves_out_...`).
        let outside: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|a| !in_view.contains(*a))
            .collect();
        for a in full
            .filter(user, op, &outside, t)
            .map_err(|e| e.to_string())?
        {
            let unviewable = full.check(user, Operation::View, a, t).is_ok_and(|d| {
                matches!(
                    d.reason,
                    Reason::RoleLacks {
                        op: Operation::View,
                        ..
                    }
                )
            });
            if op != Operation::Create && !unviewable {
                return Err(format!("{op} is allowed on {a}, which the view leaves out"));
            }
        }
    }
    for h in &whole.org.workspaces {
        let ws = h.id.as_str();
        let (ga, wa) = (
            owned(engine.visible_assets(user, ws, t)),
            owned(full.visible_assets(user, ws, t)),
        );
        let (gf, wf) = (
            owned(engine.visible_folders(user, ws, t)),
            owned(full.visible_folders(user, ws, t)),
        );
        if part(view, ws).is_some() || view.org.workspaces.iter().any(|x| x.id == ws) {
            if ga != wa {
                return Err(format!("visible_assets {ws}: view {ga:?}, whole {wa:?}"));
            }
            if gf != wf {
                return Err(format!("visible_folders {ws}: view {gf:?}, whole {wf:?}"));
            }
        } else if wa.as_ref().is_ok_and(|v| !v.is_empty()) {
            return Err(format!("{ws} is left out but {user} sees {wa:?} in it"));
        }
    }
    for p in &view.workspaces {
        for &kind in Kind::ALL {
            let (got, want) = (
                answer_create(engine, user, &p.id, kind),
                answer_create(full, user, &p.id, kind),
            );
            if got != want {
                return Err(format!(
                    "check_create {kind} in {}: view {got:?}, whole {want:?}",
                    p.id
                ));
            }
        }
        for a in p.assets.iter().filter(|a| a.kind == Kind::Dataset) {
            let (got, want) = (
                engine.data_scope(user, &a.id, t),
                full.data_scope(user, &a.id, t),
            );
            if got != want {
                return Err(format!("data_scope {}: view {got:?}, whole {want:?}", a.id));
            }
        }
    }
    Ok(())
}

/// Everything in a (non-admin) view is there for a reason the view rules list.
fn leakage(
    full: &Engine,
    whole: &Snapshot,
    view: &Snapshot,
    user: &str,
    now: u64,
) -> Result<(), String> {
    let groups = effective_groups(whole, user);
    let mut reasons: BTreeSet<String> = BTreeSet::new();
    reasons.insert(user.into());
    for p in &view.workspaces {
        let ws = p.id.as_str();
        let sees = owned(full.visible_assets(user, ws, now)).unwrap_or_default();
        let header = whole
            .org
            .workspaces
            .iter()
            .find(|h| h.id == ws)
            .ok_or("unknown part")?;
        let member_of = part(whole, ws).is_some_and(|w| w.members.iter().any(|m| m.user == user));
        if ws == whole.org.default_workspace && !member_of {
            let empty = p.members.is_empty()
                && p.roles.is_empty()
                && p.folders.is_empty()
                && p.assets.is_empty()
                && p.table_grants.is_empty();
            if !empty {
                return Err(format!(
                    "{user} is not in the default workspace but sees into it"
                ));
            }
            continue;
        }
        if !member_of && header.owner.as_deref() != Some(user) && sees.is_empty() {
            return Err(format!(
                "{ws} is in the view but {user} is not in it and sees nothing"
            ));
        }
        if let Some(o) = &header.owner {
            reasons.insert(o.clone());
        }
        if administers(whole, user, ws) {
            if Some(p) != part(whole, ws) {
                return Err(format!("{user} administers {ws} but its part is cut"));
            }
        } else {
            let folders = owned(full.visible_folders(user, ws, now)).unwrap_or_default();
            if let Some(a) = p.assets.iter().find(|a| !sees.contains(&a.id)) {
                return Err(format!(
                    "{} is in the view but {user} does not see it",
                    a.id
                ));
            }
            if let Some(f) = p.folders.iter().find(|f| !folders.contains(&f.id)) {
                return Err(format!(
                    "folder {} is in the view but {user} does not see it",
                    f.id
                ));
            }
            if p.assets.len() != sees.len() || p.folders.len() != folders.len() {
                return Err(format!(
                    "{ws}: the view misses assets or folders {user} sees"
                ));
            }
            let held: Vec<&String> = part(whole, ws)
                .and_then(|w| w.members.iter().find(|m| m.user == user))
                .map(|m| m.roles.iter().collect())
                .unwrap_or_default();
            if let Some(r) = p.roles.iter().find(|r| !held.contains(&&r.id)) {
                return Err(format!(
                    "{ws}: custom role {} that {user} does not hold",
                    r.id
                ));
            }
            for a in &p.assets {
                narrow_asset(a, user, &groups).map_err(|e| format!("{ws}/{}: {e}", a.id))?;
            }
        }
        reasons.extend(p.members.iter().map(|m| m.user.clone()));
        reasons.extend(p.folders.iter().map(|f| f.created_by.clone()));
        for a in &p.assets {
            reasons.insert(a.owner.clone());
            for g in &a.grants {
                if let Target::User(u) = &g.to {
                    reasons.insert(u.clone());
                }
            }
            if let Some(sec) = &a.security {
                let targets = sec.row_rules.iter().map(|r| &r.targets);
                for t in targets.chain(sec.column_rules.iter().map(|r| &r.targets)) {
                    reasons.extend(t.users.iter().cloned());
                }
            }
        }
    }
    let parts: Vec<&str> = view.workspaces.iter().map(|p| p.id.as_str()).collect();
    let headers: Vec<&str> = view.org.workspaces.iter().map(|h| h.id.as_str()).collect();
    if parts != headers {
        return Err(format!("parts {parts:?} but headers {headers:?}"));
    }
    for m in &view.org.members {
        if !reasons.contains(&m.user) {
            return Err(format!("member {} is in the view for no reason", m.user));
        }
        if m.user == user {
            let mine = whole.org.members.iter().find(|x| x.user == user);
            if Some(m) != mine {
                return Err(format!("{user}'s own roles or attributes are cut"));
            }
        } else if !m.roles.is_empty() || !m.attributes.is_empty() {
            return Err(format!(
                "{}'s roles or attributes are in {user}'s view",
                m.user
            ));
        }
    }
    let mine: Vec<&String> = view
        .org
        .members
        .iter()
        .filter(|m| m.user == user)
        .flat_map(|m| m.roles.iter())
        .collect();
    if let Some(r) = view.org.org_roles.iter().find(|r| !mine.contains(&&r.id)) {
        return Err(format!("org role {} that {user} does not hold", r.id));
    }
    // Groups: the member's own, those kept grants and rules name, and the groups they nest in.
    let mut named: BTreeSet<String> = groups.clone();
    for a in view.workspaces.iter().flat_map(|p| p.assets.iter()) {
        for g in &a.grants {
            if let Target::Group(x) = &g.to {
                named.insert(x.clone());
            }
        }
        if let Some(sec) = &a.security {
            let targets = sec.row_rules.iter().map(|r| &r.targets);
            for t in targets.chain(sec.column_rules.iter().map(|r| &r.targets)) {
                named.extend(t.groups.iter().cloned());
            }
        }
    }
    for g in &view.org.groups {
        let nests = view
            .org
            .groups
            .iter()
            .any(|c| c.parent.as_ref() == Some(&g.id));
        if !named.contains(&g.id) && !nests {
            return Err(format!("group {} is in the view for no reason", g.id));
        }
        if let Some(m) = g.members.iter().find(|m| !reasons.contains(*m)) {
            return Err(format!("group {} lists {m}, who is not in the view", g.id));
        }
    }
    let mut sources: BTreeSet<&str> = BTreeSet::new();
    for p in &view.workspaces {
        sources.extend(p.table_grants.iter().map(|g| g.source.as_str()));
        for a in &p.assets {
            if let Some(t) = a.security.as_ref().and_then(|s| s.table.as_ref()) {
                sources.insert(&t.source);
            }
        }
    }
    if let Some(s) = view
        .org
        .data_sources
        .iter()
        .find(|s| !sources.contains(s.id.as_str()))
    {
        return Err(format!("data source {} is in the view for no reason", s.id));
    }
    Ok(())
}

/// An asset of a workspace the member does not administer: grants and rules for them only.
fn narrow_asset(a: &AssetDoc, user: &str, groups: &BTreeSet<String>) -> Result<(), String> {
    for g in &a.grants {
        let mine = match &g.to {
            Target::User(u) => u == user,
            Target::Group(x) => groups.contains(x),
        };
        if !mine {
            return Err(format!("a grant to {:?}", g.to));
        }
    }
    if let Some(sec) = &a.security {
        let targets = sec.row_rules.iter().map(|r| &r.targets);
        for t in targets.chain(sec.column_rules.iter().map(|r| &r.targets)) {
            let mine =
                t.users.iter().all(|u| u == user) && t.groups.iter().all(|g| groups.contains(g));
            if !mine || t.is_empty() {
                return Err(format!("a rule for {t:?}"));
            }
        }
    }
    Ok(())
}

fn members_of(engine: &Engine) -> Vec<String> {
    engine
        .snapshot()
        .map(|s| s.org.members.into_iter().map(|m| m.user).collect())
        .unwrap_or_default()
}

fn verify_all(engine: &Engine, now: u64, later: &[u64]) -> Result<(), String> {
    for user in members_of(engine) {
        verify_view(engine, &user, now, later)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Hand-made organizations.
// ---------------------------------------------------------------------------------------------

/// `main` (private): alice (org admin), bob (developer), carol (analyst, in group `east`
/// nested in `sales`); `ops` (private): dave (visitor); `hidden` (collaboration): zed only.
fn private_org() -> Fixture {
    let mut f = Fixture::with_mode(Mode::Private);
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", MAIN, &["analyst"]);
    f.workspace("ops", Mode::Private);
    f.member("dave", "ops", &["visitor"]);
    f.workspace("hidden", Mode::Collaboration);
    f.member("zed", "hidden", &["developer"]);
    f.ok(ALICE, cmd::create_group("sales", None));
    f.ok(ALICE, cmd::create_group("east", Some("sales")));
    f.ok(ALICE, cmd::create_group("ops_team", None));
    f.ok(ALICE, cmd::add_to_group("east", "carol"));
    f.ok(ALICE, cmd::add_to_group("ops_team", "dave"));
    f.ok(ALICE, cmd::add_to_group("sales", "zed"));

    f.folder(ALICE, "fa", MAIN, None);
    f.folder("bob", "fb", MAIN, Some("fa"));
    f.folder(ALICE, "fc", MAIN, None);
    f.asset_in("bob", "shared", MAIN, Kind::Dashboard, "fb");
    f.asset_in("bob", "secret", MAIN, Kind::Dashboard, "fc");
    f.asset("bob", "for_sales", MAIN, Kind::Workbook);
    f.asset("bob", "open", MAIN, Kind::Dashboard);
    f.asset("carol", "own", MAIN, Kind::Workbook);
    f.asset(ALICE, "ops_only", "ops", Kind::Dashboard);
    f.asset("zed", "hidden_dash", "hidden", Kind::Dashboard);
    f.asset("bob", "notes", &personal("bob"), Kind::Workbook);
    f.asset("dave", "diary", &personal("dave"), Kind::Workbook);

    f.ok("bob", cmd::share("shared", &["carol", "alice"], None));
    f.ok("bob", cmd::grant("shared", cmd::user("alice"), Level::Edit));
    f.ok(
        "bob",
        cmd::grant("for_sales", cmd::group("sales"), Level::View),
    );
    f.ok(
        "bob",
        cmd::grant("secret", cmd::group("ops_team"), Level::View),
    );
    f.ok("bob", cmd::set_public("open", true));
    f.ok("bob", cmd::grant("notes", cmd::user("carol"), Level::View));
    f.ok("bob", cmd::grant("notes", cmd::user("alice"), Level::View));
    f
}

fn view_of(f: &Fixture, user: &str) -> Snapshot {
    f.engine.snapshot_for(user, f.now).unwrap()
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|x| id(x).to_string()).collect()
}

#[test]
fn w7_view_holds_only_what_the_member_sees() {
    let f = private_org();
    let v = view_of(&f, "carol");
    assert_eq!(v.view_of.as_deref(), Some("carol"));
    assert!(v.audit.is_empty());
    // Workspaces: hers, and bob's personal one, which a grant opens to her (W4).
    assert_eq!(
        ids(&v.workspaces, |p| &p.id),
        ["main", "personal:bob", "personal:carol"]
    );
    assert_eq!(
        ids(&v.org.workspaces, |h| &h.id),
        ["main", "personal:bob", "personal:carol"]
    );
    let main = part(&v, MAIN).unwrap();
    assert_eq!(
        ids(&main.assets, |a| &a.id),
        ["for_sales", "open", "own", "shared"]
    );
    // fb holds what she sees and fa holds fb (W7); fc holds only `secret`.
    assert_eq!(ids(&main.folders, |f| &f.id), ["fa", "fb"]);
    assert_eq!(
        ids(&part(&v, "personal:bob").unwrap().assets, |a| &a.id),
        ["notes"]
    );
    // Grants: hers and her groups', not alice's.
    let shared = main.assets.iter().find(|a| a.id == "shared").unwrap();
    assert_eq!(shared.grants.len(), 1);
    assert_eq!(shared.grants[0].to, Target::User("carol".into()));
    let notes = &part(&v, "personal:bob").unwrap().assets[0];
    assert_eq!(notes.grants.len(), 1);
    // Members: her co-workers in main (alice, bob) and herself; not dave or zed.
    assert_eq!(ids(&v.org.members, |m| &m.user), ["alice", "bob", "carol"]);
    let alice = &v.org.members[0];
    assert!(
        alice.roles.is_empty(),
        "other members' org roles are left out"
    );
    // Groups: hers (east) and the one it nests in (sales), listing only members in the view.
    assert_eq!(ids(&v.org.groups, |g| &g.id), ["east", "sales"]);
    let sales = v.org.groups.iter().find(|g| g.id == "sales").unwrap();
    assert!(sales.members.is_empty(), "zed is not in carol's view");
    // It loads, without an org admin (O5) or anyone's personal workspace but hers (W3).
    let e = Engine::from_snapshot(&v).unwrap();
    assert_eq!(
        e.visible_assets("carol", MAIN, f.now).unwrap(),
        f.visible_assets("carol", MAIN)
    );
    assert_eq!(
        e.visible_folders("carol", MAIN, f.now).unwrap(),
        ["fa", "fb"]
    );
    assert!(matches!(
        e.check("carol", Operation::View, "secret", f.now),
        Err(Refusal::NotFound { .. })
    ));
    assert_eq!(
        e.filter(
            "carol",
            Operation::View,
            &["secret", "shared", "diary"],
            f.now
        )
        .unwrap(),
        ["shared"]
    );
    verify_all(&f.engine, f.now, &[f.now + 1]).unwrap();
}

#[test]
fn w5_view_of_a_visitor_holds_only_their_workspace() {
    let f = private_org();
    let v = view_of(&f, "dave");
    // The org part names the default workspace (W2): it is there, with nothing in it.
    assert_eq!(
        ids(&v.org.workspaces, |h| &h.id),
        ["main", "ops", "personal:dave"]
    );
    assert_eq!(
        ids(&v.workspaces, |p| &p.id),
        ["main", "ops", "personal:dave"]
    );
    let main = part(&v, MAIN).unwrap();
    assert!(main.members.is_empty() && main.assets.is_empty() && main.table_grants.is_empty());
    assert!(
        part(&v, "ops").unwrap().assets.is_empty(),
        "private: ops_only is not shared"
    );
    assert_eq!(ids(&v.org.members, |m| &m.user), ["alice", "dave"]);
    let e = Engine::from_snapshot(&v).unwrap();
    assert_eq!(
        e.visible_assets("dave", MAIN, f.now).unwrap_err(),
        f.engine.visible_assets("dave", MAIN, f.now).unwrap_err()
    );
    // `secret` is granted to dave's group but in a workspace he is not in (W5).
    assert!(!f.check("dave", Operation::View, "secret").allowed);
    assert!(!asset_ids(&v).contains("secret"));
    verify_all(&f.engine, f.now, &[]).unwrap();
}

/// A custom role may permit `use` on datasets without `view` (R5): the member then uses a
/// public dataset of a private workspace without seeing it in the list (W7 asks for a role that
/// views the kind). The view holds what the list shows, so it leaves that dataset out.
#[test]
fn w7_view_leaves_out_assets_whose_kind_no_role_of_theirs_views() {
    let mut f = Fixture::with_mode(Mode::Private);
    f.ok(
        ALICE,
        Command::DefineWorkspaceRole {
            workspace: MAIN.into(),
            role: "use_only".into(),
            name: "Use only".into(),
            points: vec![Point {
                kind: Kind::Dataset,
                operation: Operation::Use,
            }],
        },
    );
    f.member("carol", MAIN, &["use_only"]);
    f.asset(ALICE, "pub", MAIN, Kind::Dataset);
    f.ok(ALICE, cmd::set_public("pub", true));
    assert!(f.visible_assets("carol", MAIN).is_empty());
    let v = view_of(&f, "carol");
    assert!(part(&v, MAIN).unwrap().assets.is_empty());
    let e = Engine::from_snapshot(&v).unwrap();
    assert!(
        e.filter("carol", Operation::Use, &["pub"], f.now)
            .unwrap()
            .is_empty()
    );
    verify_all(&f.engine, f.now, &[]).unwrap();
}

#[test]
fn w4_view_holds_a_personal_workspace_only_while_a_grant_opens_it() {
    let mut f = private_org();
    f.ok(
        "dave",
        cmd::grant_until("diary", cmd::user("carol"), Level::View, f.now + 10),
    );
    let v = view_of(&f, "carol");
    assert!(part(&v, "personal:dave").is_some());
    assert!(
        v.org.members.iter().any(|m| m.user == "dave"),
        "the owner of a personal workspace"
    );
    // Later, the grant has expired: the view taken then leaves the workspace out, and the one
    // taken before answers as the whole engine does.
    verify_view(&f.engine, "carol", f.now, &[f.now + 10, f.now + 20]).unwrap();
    let later = f.engine.snapshot_for("carol", f.now + 10).unwrap();
    assert!(part(&later, "personal:dave").is_none());
    assert!(!later.org.members.iter().any(|m| m.user == "dave"));
}

#[test]
fn o6_view_of_an_org_admin_is_the_whole_org() {
    let mut f = private_org();
    f.org_member("erin", &["permission_admin"]);
    f.ok(
        ALICE,
        Command::DefineOrgRole {
            role: "central".into(),
            name: "Central".into(),
            points: vec![OrgPoint::AuthorizeCentrally],
        },
    );
    f.org_member("gus", &["central"]);
    let mut whole = f.snapshot();
    assert!(!whole.audit.is_empty());
    whole.audit.clear();
    // Org admins (O6) and central authorizers (O4), who may share every asset.
    for user in ["alice", "erin", "gus"] {
        let v = view_of(&f, user);
        whole.view_of = Some(user.into());
        assert_eq!(v, whole, "{user}");
        verify_view(&f.engine, user, f.now, &[]).unwrap();
    }
}

#[test]
fn r1_view_of_a_workspace_admin_holds_the_whole_workspace() {
    let mut f = private_org();
    f.join("ops", "bob", &["admin"]);
    let v = view_of(&f, "bob");
    let whole = f.snapshot();
    assert_eq!(part(&v, "ops"), part(&whole, "ops"));
    assert_eq!(part(&v, "personal:bob"), part(&whole, "personal:bob"));
    // main, where bob is a developer, is cut: `secret`'s group grant is not his.
    let secret = part(&v, MAIN)
        .unwrap()
        .assets
        .iter()
        .find(|a| a.id == "secret");
    assert!(secret.unwrap().grants.is_empty());
    assert!(
        v.org.members.iter().any(|m| m.user == "dave"),
        "a member of ops"
    );
    // ops_team is named by a grant in main, which bob does not administer: left out.
    assert!(!v.org.groups.iter().any(|g| g.id == "ops_team"));
    verify_all(&f.engine, f.now, &[]).unwrap();
}

#[test]
fn w6_view_shows_coworkers_without_the_custom_roles_the_member_lacks() {
    let mut f = private_org();
    for role in ["ds_viewer", "dash_viewer"] {
        f.ok(
            ALICE,
            Command::DefineWorkspaceRole {
                workspace: MAIN.into(),
                role: role.into(),
                name: role.into(),
                points: vec![Point {
                    kind: if role == "ds_viewer" {
                        Kind::Dataset
                    } else {
                        Kind::Dashboard
                    },
                    operation: Operation::View,
                }],
            },
        );
    }
    f.ok(
        ALICE,
        cmd::set_roles(MAIN, "carol", &["analyst", "ds_viewer"]),
    );
    f.member("hal", MAIN, &["dash_viewer"]);
    let v = view_of(&f, "carol");
    let main = part(&v, MAIN).unwrap();
    assert_eq!(ids(&main.roles, |r| &r.id), ["ds_viewer"]);
    let roles_of = |u: &str| {
        main.members
            .iter()
            .find(|m| m.user == u)
            .unwrap()
            .roles
            .clone()
    };
    assert_eq!(roles_of("carol"), ["analyst", "ds_viewer"]);
    assert_eq!(roles_of("bob"), ["developer"]);
    // hal holds only a role carol does not: he is listed with none, which a view allows.
    assert!(roles_of("hal").is_empty());
    Engine::from_snapshot(&v).unwrap();
    verify_all(&f.engine, f.now, &[]).unwrap();
}

fn data_org() -> Fixture {
    let mut f = private_org();
    f.ok(
        ALICE,
        Command::CreateDataSource {
            source: "wh".into(),
            name: "Warehouse".into(),
            tables: vec![TableDef {
                name: "sales".into(),
                columns: vec![
                    ColumnDef {
                        name: "region".into(),
                        ty: ColumnType::String,
                    },
                    ColumnDef {
                        name: "amount".into(),
                        ty: ColumnType::Number,
                    },
                    ColumnDef {
                        name: "cost".into(),
                        ty: ColumnType::Number,
                    },
                ],
            }],
        },
    );
    f.ok(
        ALICE,
        Command::CreateDataSource {
            source: "hr".into(),
            name: "HR".into(),
            tables: vec![TableDef {
                name: "pay".into(),
                columns: vec![ColumnDef {
                    name: "who".into(),
                    ty: ColumnType::String,
                }],
            }],
        },
    );
    f.ok(
        ALICE,
        Command::GrantTable {
            workspace: MAIN.into(),
            source: "wh".into(),
            table: "sales".into(),
            columns: None,
            rows: Some(Predicate::In {
                column: "amount".into(),
                values: vec![json!(1), json!(2)],
            }),
        },
    );
    f.ok(
        ALICE,
        Command::GrantTable {
            workspace: "ops".into(),
            source: "hr".into(),
            table: "pay".into(),
            columns: None,
            rows: None,
        },
    );
    f.asset("bob", "dset", MAIN, Kind::Dataset);
    f.ok(
        "bob",
        Command::SetDatasetTable {
            asset: "dset".into(),
            source: "wh".into(),
            table: "sales".into(),
        },
    );
    let mut attributes = BTreeMap::new();
    attributes.insert("region".to_string(), strings(&["east"]));
    f.ok(
        ALICE,
        Command::SetAttributes {
            user: "carol".into(),
            attributes: attributes.clone(),
        },
    );
    f.ok(
        ALICE,
        Command::SetAttributes {
            user: "bob".into(),
            attributes,
        },
    );
    let audience = |all: bool, users: &[&str], groups: &[&str]| Audience {
        all,
        users: strings(users),
        groups: strings(groups),
    };
    f.ok(
        ALICE,
        Command::SetRowRules {
            asset: "dset".into(),
            enabled: true,
            exempt_owner_and_admins: false,
            rules: vec![
                RowRule {
                    targets: audience(false, &["bob", "carol"], &[]),
                    column: "region".into(),
                    allow: Allow::Attribute("region".into()),
                },
                RowRule {
                    targets: audience(false, &["zed"], &["ops_team"]),
                    column: "region".into(),
                    allow: Allow::Values(vec![json!("west")]),
                },
                RowRule {
                    targets: audience(true, &["bob"], &["sales"]),
                    column: "amount".into(),
                    allow: Allow::Values(vec![json!(2)]),
                },
            ],
        },
    );
    f.ok(
        ALICE,
        Command::SetColumnRules {
            asset: "dset".into(),
            rules: vec![
                ColumnRule {
                    targets: audience(false, &["bob"], &["east"]),
                    column: "cost".into(),
                    action: ColumnAction::Mask,
                },
                ColumnRule {
                    targets: audience(false, &["dave"], &[]),
                    column: "amount".into(),
                    action: ColumnAction::Hide,
                },
            ],
        },
    );
    f.ok(ALICE, cmd::share("dset", &["carol"], None));
    f
}

#[test]
fn d2_view_keeps_only_the_rules_that_target_the_member() {
    let f = data_org();
    let v = view_of(&f, "carol");
    let dset = part(&v, MAIN)
        .unwrap()
        .assets
        .iter()
        .find(|a| a.id == "dset")
        .unwrap();
    let sec = dset.security.as_ref().unwrap();
    let targets: Vec<&Audience> = sec.row_rules.iter().map(|r| &r.targets).collect();
    assert_eq!(
        targets.len(),
        2,
        "the rule for zed and ops_team is not hers"
    );
    assert_eq!(targets[0].users, ["carol"]);
    assert!(targets[1].all && targets[1].users.is_empty() && targets[1].groups == ["sales"]);
    assert_eq!(sec.column_rules.len(), 1);
    assert_eq!(sec.column_rules[0].targets.groups, ["east"]);
    assert!(sec.column_rules[0].targets.users.is_empty());
    // D1: main's table grants and the data source they name; not HR's.
    assert_eq!(ids(&v.org.data_sources, |s| &s.id), ["wh"]);
    let carol = v.org.members.iter().find(|m| m.user == "carol").unwrap();
    assert!(!carol.attributes.is_empty());
    let bob = v.org.members.iter().find(|m| m.user == "bob").unwrap();
    assert!(bob.attributes.is_empty(), "bob's attributes are his");
    // D4: the same scope from the view as from the whole engine.
    let e = Engine::from_snapshot(&v).unwrap();
    assert_eq!(
        e.data_scope("carol", "dset", f.now).unwrap(),
        f.engine.data_scope("carol", "dset", f.now).unwrap()
    );
    verify_all(&f.engine, f.now, &[]).unwrap();
}

#[test]
fn x5_view_round_trips_through_json_and_loads() {
    let f = data_org();
    for user in members_of(&f.engine) {
        let v = view_of(&f, &user);
        let json = serde_json::to_string(&v).unwrap();
        assert!(json.contains("\"view_of\""));
        let e = Engine::from_json(&json).unwrap();
        assert_eq!(e.to_json(), json, "{user}");
        assert!(e.invariant_problems().is_empty());
    }
    // A whole snapshot says nothing of views: byte for byte what it was.
    assert!(!f.engine.to_json().contains("view_of"));
}

#[test]
fn x2_view_refuses_commands() {
    let f = private_org();
    for user in ["alice", "carol"] {
        let mut e = Engine::from_snapshot(&view_of(&f, user)).unwrap();
        let before = e.to_json();
        let r = e
            .execute(
                user,
                &cmd::create_asset("new", MAIN, Kind::Workbook, None, &[]),
                f.now,
            )
            .unwrap_err();
        assert_eq!(r.code(), "invalid");
        assert_eq!(e.to_json(), before);
    }
}

#[test]
fn p1_view_of_a_non_member_is_refused() {
    let f = private_org();
    let r = f.engine.snapshot_for("nobody", f.now).unwrap_err();
    assert!(r.is_denied());
    assert_eq!(r.rule(), Some(Rule::P1));
    let r = Engine::new().snapshot_for("alice", 0).unwrap_err();
    assert_eq!(r.code(), "not_found");
}

fn view_problems(view: &Snapshot, mutate: impl FnOnce(&mut Value)) -> Vec<orgspace_core::Problem> {
    let mut v = serde_json::to_value(view).unwrap();
    mutate(&mut v);
    match Engine::from_json(&v.to_string()) {
        Err(SnapshotError::Problems(p)) => p,
        other => panic!("a broken view loaded or failed otherwise: {other:?}"),
    }
}

#[test]
fn x5_view_is_still_validated() {
    let f = private_org();
    let v = view_of(&f, "carol");
    // Whose view it is must be a member.
    let p = view_problems(&v, |v| v["view_of"] = json!("nobody"));
    assert!(p.iter().any(|p| p.rule == Some(Rule::P1)), "{p:?}");
    // The member's own personal workspace must be there (W3).
    let p = view_problems(&v, |v| {
        v["org"]["workspaces"]
            .as_array_mut()
            .unwrap()
            .retain(|h| h["id"] != "personal:carol");
        v["workspaces"]
            .as_array_mut()
            .unwrap()
            .retain(|p| p["id"] != "personal:carol");
    });
    assert!(p.iter().any(|p| p.rule == Some(Rule::W3)), "{p:?}");
    // An asset owned by someone the view does not hold (R6).
    let p = view_problems(&v, |v| {
        let main = v["workspaces"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|p| p["id"] == MAIN);
        main.unwrap()["assets"][0]["owner"] = json!("zed");
    });
    assert!(p.iter().any(|p| p.rule == Some(Rule::R6)), "{p:?}");
    // A grant to a group the view does not hold (A1).
    let p = view_problems(&v, |v| {
        let main = v["workspaces"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|p| p["id"] == MAIN);
        main.unwrap()["assets"][0]["grants"] =
            json!([{"to": {"group": "ops_team"}, "level": "view"}]);
    });
    assert!(p.iter().any(|p| p.rule == Some(Rule::A1)), "{p:?}");
    // The member's own role in a workspace (W6).
    let p = view_problems(&v, |v| {
        let main = v["workspaces"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|p| p["id"] == MAIN);
        let main = main.unwrap();
        let carol = main["members"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|m| m["user"] == "carol");
        carol.unwrap()["roles"] = json!([]);
    });
    assert!(p.iter().any(|p| p.rule == Some(Rule::W6)), "{p:?}");
}

// ---------------------------------------------------------------------------------------------
// Random command sequences.
// ---------------------------------------------------------------------------------------------

const EXTRA_USERS: &[&str] = &["alice", "bob", "carol", "dave", "erin"];
const EXTRA_GROUPS: &[&str] = &["g1", "g2", "g3"];
const WS_ROLE_SETS: &[&[&str]] = &[&["custom"], &["custom", "visitor"], &["analyst"]];
const ORG_ROLE_SETS: &[&[&str]] = &[&["central"], &["hr"], &[]];

fn audience() -> impl Strategy<Value = Audience> + Clone {
    (
        prop::bool::weighted(0.2),
        prop::collection::vec(select(EXTRA_USERS), 0..=2),
        prop::collection::vec(select(EXTRA_GROUPS), 0..=2),
    )
        .prop_map(|(all, users, groups)| {
            let mut users: Vec<String> = users.into_iter().map(String::from).collect();
            users.sort();
            users.dedup();
            let mut groups: Vec<String> = groups.into_iter().map(String::from).collect();
            groups.sort();
            groups.dedup();
            Audience {
                all: all || (users.is_empty() && groups.is_empty()),
                users,
                groups,
            }
        })
}

fn row_rule() -> impl Strategy<Value = RowRule> + Clone {
    (audience(), prop::bool::ANY, select(&["east", "west"][..])).prop_map(
        |(targets, by_attribute, value)| RowRule {
            targets,
            column: "region".into(),
            allow: if by_attribute {
                Allow::Attribute("region".into())
            } else {
                Allow::Values(vec![json!(value)])
            },
        },
    )
}

fn column_rule() -> impl Strategy<Value = ColumnRule> + Clone {
    (
        audience(),
        select(&["amount", "region"][..]),
        prop::bool::ANY,
    )
        .prop_map(|(targets, column, hide)| ColumnRule {
            targets,
            column: column.into(),
            action: if hide {
                ColumnAction::Hide
            } else {
                ColumnAction::Mask
            },
        })
}

fn target() -> impl Strategy<Value = Target> + Clone {
    prop_oneof![
        select(EXTRA_USERS).prop_map(|u| Target::User(u.into())),
        select(EXTRA_GROUPS).prop_map(|g| Target::Group(g.into())),
    ]
}

/// After the differential steps: groups with members, a dataset on the granted table with
/// rules, attributes, shared personal work and a custom role, each with random parameters
/// (any step may be refused, e.g. when its actor is not a member).
fn data_tail() -> impl Strategy<Value = Vec<(String, Command)>> {
    let dataset = (
        select(&["alice", "bob"][..]),
        select(&["main", "ws1"][..]),
        (prop::bool::weighted(0.8), prop::bool::weighted(0.2)),
        prop::collection::vec(row_rule(), 0..=3),
        prop::collection::vec(column_rule(), 0..=2),
        target(),
    );
    let people = (
        prop::collection::vec((select(EXTRA_USERS), select(EXTRA_GROUPS)), 1..=3),
        prop::collection::vec(
            (select(EXTRA_USERS), select(&["east", "west", "1"][..])),
            1..=3,
        ),
        select(&["bob", "carol", "dave"][..]),
        target(),
        prop::option::of(select(&[350u64, 500][..])),
    );
    let role = (
        prop::collection::vec((select(Kind::ALL), select(Operation::ALL)), 1..=4),
        select(EXTRA_USERS),
        select(WS_ROLE_SETS),
    );
    (dataset, people, role).prop_map(|(dataset, people, role)| {
        let (maker, ws, (enabled, exempt), rows, columns, share_to) = dataset;
        let (in_groups, attributes, author, note_to, expires_at) = people;
        let (points, custom_user, custom_roles) = role;
        let alice = |c: Command| (ALICE.to_string(), c);
        let mut out = vec![
            alice(cmd::create_group("g1", None)),
            alice(cmd::create_group("g2", Some("g1"))),
            alice(cmd::create_group("g3", None)),
        ];
        out.extend(
            in_groups
                .into_iter()
                .map(|(u, g)| alice(cmd::add_to_group(g, u))),
        );
        out.extend(attributes.into_iter().map(|(u, v)| {
            let mut a = BTreeMap::new();
            a.insert("region".to_string(), vec![v.to_string()]);
            alice(Command::SetAttributes {
                user: u.into(),
                attributes: a,
            })
        }));
        out.push(alice(Command::GrantTable {
            workspace: ws.into(),
            source: "src".into(),
            table: "t".into(),
            columns: Some(strings(&["region", "amount"])),
            rows: Some(Predicate::In {
                column: "region".into(),
                values: vec![json!("east")],
            }),
        }));
        out.push((
            maker.into(),
            cmd::create_asset("dset", ws, Kind::Dataset, None, &[]),
        ));
        out.push(alice(Command::SetDatasetTable {
            asset: "dset".into(),
            source: "src".into(),
            table: "t".into(),
        }));
        out.push(alice(Command::SetRowRules {
            asset: "dset".into(),
            enabled,
            exempt_owner_and_admins: exempt,
            rules: rows,
        }));
        out.push(alice(Command::SetColumnRules {
            asset: "dset".into(),
            rules: columns,
        }));
        out.push(alice(Command::Share {
            asset: "dset".into(),
            with: vec![share_to],
            level: None,
            expires_at: None,
        }));
        out.push((
            author.into(),
            cmd::create_asset("note", &personal(author), Kind::Workbook, None, &[]),
        ));
        out.push((
            author.into(),
            Command::Grant {
                asset: "note".into(),
                target: note_to,
                level: Level::View,
                expires_at,
            },
        ));
        out.push(alice(Command::DefineWorkspaceRole {
            workspace: ws.into(),
            role: "custom".into(),
            name: "Custom".into(),
            points: points
                .into_iter()
                .map(|(kind, operation)| Point { kind, operation })
                .collect(),
        }));
        out.push(alice(Command::SetWorkspaceRoles {
            workspace: ws.into(),
            user: custom_user.into(),
            roles: strings(custom_roles),
        }));
        out
    })
}

/// Data permissions, custom roles and attributes: what the differential generator leaves out.
fn extra_command() -> impl Strategy<Value = (String, Command)> {
    let ws = select(&["main", "ws1"][..]).prop_map(String::from);
    let ds = select(&["a1", "a2", "dset"][..]).prop_map(String::from);
    let row_rule = row_rule();
    let column_rule = column_rule();
    let alice = |c: Command| (ALICE.to_string(), c);
    prop_oneof![
        ws.clone()
            .prop_map(move |workspace| alice(Command::GrantTable {
                workspace,
                source: "src".into(),
                table: "t".into(),
                columns: None,
                rows: Some(Predicate::In {
                    column: "region".into(),
                    values: vec![json!("east"), json!("west")]
                }),
            })),
        (
            select(&["alice", "bob"][..]),
            ws.clone(),
            select(&["dset", "a2"][..])
        )
            .prop_map(|(who, workspace, asset)| (
                who.to_string(),
                Command::CreateAsset {
                    asset: asset.into(),
                    workspace,
                    kind: Kind::Dataset,
                    name: "Dataset".into(),
                    folder: None,
                    references: vec![],
                }
            )),
        ds.clone()
            .prop_map(move |asset| alice(Command::SetDatasetTable {
                asset,
                source: "src".into(),
                table: "t".into()
            })),
        (
            ds.clone(),
            prop::bool::weighted(0.8),
            prop::bool::weighted(0.3),
            prop::collection::vec(row_rule, 0..=3)
        )
            .prop_map(
                move |(asset, enabled, exempt, rules)| alice(Command::SetRowRules {
                    asset,
                    enabled,
                    exempt_owner_and_admins: exempt,
                    rules
                })
            ),
        (ds, prop::collection::vec(column_rule, 0..=2))
            .prop_map(move |(asset, rules)| alice(Command::SetColumnRules { asset, rules })),
        (select(EXTRA_USERS), select(&["east", "west"][..])).prop_map(move |(user, region)| {
            let mut attributes = BTreeMap::new();
            attributes.insert("region".to_string(), vec![region.to_string()]);
            alice(Command::SetAttributes {
                user: user.into(),
                attributes,
            })
        }),
        (
            ws.clone(),
            prop::collection::vec((select(Kind::ALL), select(Operation::ALL)), 1..=4)
        )
            .prop_map(
                move |(workspace, points)| alice(Command::DefineWorkspaceRole {
                    workspace,
                    role: "custom".into(),
                    name: "Custom".into(),
                    points: points
                        .into_iter()
                        .map(|(kind, operation)| Point { kind, operation })
                        .collect(),
                })
            ),
        (ws, select(EXTRA_USERS), select(WS_ROLE_SETS)).prop_map(
            move |(workspace, user, roles)| alice(Command::SetWorkspaceRoles {
                workspace,
                user: user.into(),
                roles: strings(roles),
            })
        ),
        (select(EXTRA_USERS), select(ORG_ROLE_SETS)).prop_map(move |(user, roles)| alice(
            Command::SetOrgRoles {
                user: user.into(),
                roles: strings(roles)
            }
        )),
        (
            select(&["bob", "carol", "alice"][..]),
            select(&["dset", "a2"][..]),
            select(EXTRA_USERS)
        )
            .prop_map(|(who, asset, to)| (
                who.to_string(),
                Command::Share {
                    asset: asset.into(),
                    with: vec![Target::User(to.into())],
                    level: None,
                    expires_at: None,
                }
            )),
    ]
}

/// The fixed start of the extra commands: a data source and the custom org roles they use.
fn data_setup() -> Vec<Command> {
    vec![
        Command::CreateDataSource {
            source: "src".into(),
            name: "Source".into(),
            tables: vec![TableDef {
                name: "t".into(),
                columns: vec![
                    ColumnDef {
                        name: "region".into(),
                        ty: ColumnType::String,
                    },
                    ColumnDef {
                        name: "amount".into(),
                        ty: ColumnType::Number,
                    },
                ],
            }],
        },
        Command::GrantTable {
            workspace: gen_::DEFAULT_WS.into(),
            source: "src".into(),
            table: "t".into(),
            columns: None,
            rows: None,
        },
        Command::DefineOrgRole {
            role: "central".into(),
            name: "Central".into(),
            points: vec![OrgPoint::AuthorizeCentrally],
        },
        Command::DefineOrgRole {
            role: "hr".into(),
            name: "HR".into(),
            points: vec![OrgPoint::ManageMembers],
        },
    ]
}

#[derive(Clone, Debug)]
struct ViewCase {
    base: gen_::Case,
    extras: Vec<(String, Command)>,
}

fn view_case() -> impl Strategy<Value = ViewCase> {
    (
        gen_::case(12),
        prop::option::weighted(0.8, data_tail()),
        prop::collection::vec(extra_command(), 0..=8),
    )
        .prop_map(|(base, tail, more)| ViewCase {
            base,
            extras: tail.into_iter().flatten().chain(more).collect(),
        })
}

const LATER: &[u64] = &[250, 450];

fn run_case(case: &ViewCase) -> Result<(), String> {
    let mut engine = case.base.new_engine()?;
    for c in data_setup() {
        engine.execute(ALICE, &c, 0).map_err(|e| e.to_string())?;
    }
    let steps = case
        .base
        .steps
        .iter()
        .map(|s| (s.actor.clone(), s.at, s.command.clone()))
        .chain(case.extras.iter().map(|(a, c)| (a.clone(), 400, c.clone())));
    for (i, (actor, at, command)) in steps.enumerate() {
        if engine.execute(&actor, &command, at).is_err() {
            continue;
        }
        verify_all(&engine, at, LATER)
            .map_err(|e| format!("after step {i} ({actor}: {}): {e}", command.name()))?;
    }
    Ok(())
}

#[test]
fn x5_views_are_faithful_and_leak_nothing_after_random_commands() {
    let cases = std::env::var("ORGSPACE_VIEW_CASES")
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    match runner.run(&view_case(), |case| {
        run_case(&case).map_err(TestCaseError::fail)
    }) {
        Ok(()) => {}
        Err(TestError::Fail(reason, case)) => panic!("{reason}\nminimal failing case: {case:#?}"),
        Err(e) => panic!("{e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The conformance scenarios.
// ---------------------------------------------------------------------------------------------

fn scenario_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            scenario_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

/// Every state the conformance scenarios reach, and every member's view of it.
#[test]
fn x5_views_are_faithful_and_leak_nothing_in_the_conformance_scenarios() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let mut files = Vec::new();
    scenario_files(&dir, &mut files);
    files.sort();
    let mut states = 0;
    for file in files {
        let value: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let scenarios = match value {
            Value::Array(items) => items,
            other => vec![other],
        };
        for s in scenarios {
            let mut engine = match s.get("snapshot") {
                Some(snapshot) => match serde_json::from_value::<Snapshot>(snapshot.clone())
                    .ok()
                    .and_then(|s| Engine::from_snapshot(&s).ok())
                {
                    Some(e) => e,
                    None => continue,
                },
                None => Engine::new(),
            };
            let mut now = 0;
            for (i, step) in s["steps"].as_array().unwrap().iter().enumerate() {
                now = step.get("at").and_then(Value::as_u64).unwrap_or(now);
                let Some(command) = step.get("command") else {
                    continue;
                };
                // A command the format does not read (`publish`) is refused by every host.
                let Ok(command) = serde_json::from_value::<Command>(command.clone()) else {
                    continue;
                };
                let actor = step["as"].as_str().unwrap();
                if engine.execute(actor, &command, now).is_err() {
                    continue;
                }
                states += 1;
                if let Err(e) = verify_all(&engine, now, &[now + 1, now + 86_400_000]) {
                    panic!(
                        "{} — {}, after step {}: {e}",
                        file.display(),
                        s["name"],
                        i + 1
                    );
                }
            }
        }
    }
    assert!(states > 500, "only {states} states reached");
}
