//! The access diff of a command: what it would grant and revoke, and which list entries and
//! folders would appear or disappear for whom, before it runs (issue 15; W9's dry run is the
//! case of `set_workspace_mode`).
//!
//! The command runs on a copy of the engine, through `Engine::execute`, so its own
//! authorization and validation come first and the diff is of exactly what it would do. The
//! two states are then compared where they differ: the members, roles, workspaces, folders and
//! assets whose state changed name the (member, asset) pairs whose decisions may have changed,
//! and only those are decided again. A group membership change compares only the assets granted
//! to the groups the member enters or leaves; a grant, one asset for every member. Copying the
//! engine costs time in proportion to the organization (README, performance), so a group
//! membership change, the most common change an administrator previews, is run on a copy of
//! the members and groups alone (`group_membership_diff`).

use crate::command::Command;
use crate::engine::Engine;
use crate::error::Refusal;
use crate::event::Event;
use crate::model::{Grantee, Member, Org};
use crate::table::{AssetIx, FolderIx, Index, UserIx, WorkspaceIx};
use crate::vocab::Operation;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// One (member, asset, operation) a command would allow or stop allowing.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccessTriple {
    /// The member.
    pub user: String,
    /// The asset.
    pub asset: String,
    /// The operation.
    pub operation: Operation,
}

/// How one member's lists of one workspace would change (W7, W8).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListChange {
    /// The member.
    pub user: String,
    /// The workspace.
    pub workspace: String,
    /// Assets that would enter their list, by id.
    pub gains: Vec<String>,
    /// Assets that would leave it, by id.
    pub loses: Vec<String>,
    /// Folders that would appear, by id.
    pub appear: Vec<String>,
    /// Folders that would disappear, by id.
    pub disappear: Vec<String>,
}

/// What a command would do to access, without doing it.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessDiff {
    /// The events it would record. (No version: hosts answer with the version the diff was
    /// computed at; the command would make it one more.)
    pub events: Vec<Event>,
    /// What it would allow that is denied now, by user, asset and operation.
    pub gains: Vec<AccessTriple>,
    /// What it would deny that is allowed now, in the same order.
    pub loses: Vec<AccessTriple>,
    /// The lists that would change, by user and workspace.
    pub lists: Vec<ListChange>,
}

/// Where two states differ, as the pairs whose decisions may differ.
#[derive(Default)]
struct Scope {
    /// Members whose every decision may differ.
    all_users: BTreeSet<UserIx>,
    /// Assets on which every member's decisions may differ.
    all_assets: BTreeSet<AssetIx>,
    /// Assets that appeared, disappeared or moved (their folder lists may differ).
    moved: BTreeSet<AssetIx>,
    /// Workspaces in which every member's decisions and lists may differ.
    ws_all: BTreeSet<WorkspaceIx>,
    /// A member's standing in one workspace changed.
    user_ws: BTreeSet<(UserIx, WorkspaceIx)>,
    /// Single pairs.
    pairs: BTreeSet<(UserIx, AssetIx)>,
    /// Workspaces whose folder tree changed.
    folder_ws: BTreeSet<WorkspaceIx>,
}

fn member_standing_differs(x: &Member, y: &Member) -> bool {
    x.org_admin != y.org_admin
        || x.permission_admin != y.permission_admin
        || x.custom_roles != y.custom_roles
        || x.personal != y.personal
}

/// Raw indexes below either state's bound.
pub(super) fn raws(b: usize, a: usize) -> impl Iterator<Item = u32> {
    (0..b.max(a)).filter_map(|r| u32::try_from(r).ok())
}

fn scope(b: &Org, a: &Org) -> Scope {
    let mut s = Scope::default();
    for r in raws(b.members.index_bound(), a.members.index_bound()) {
        let u = UserIx::from_raw(r);
        match (b.members.get(u), a.members.get(u)) {
            (None, None) => {}
            // A2: a changed role reach changes what grants give in personal workspaces.
            (Some(x), Some(y))
                if !member_standing_differs(x, y) && b.role_reach(u) == a.role_reach(u) =>
            {
                if x.effective_groups != y.effective_groups {
                    let changed = x
                        .effective_groups
                        .iter()
                        .filter(|g| y.effective_groups.binary_search(g).is_err())
                        .chain(
                            y.effective_groups
                                .iter()
                                .filter(|g| x.effective_groups.binary_search(g).is_err()),
                        );
                    for &g in changed {
                        for org in [b, a] {
                            for (_, ws) in org.workspaces.iter() {
                                for e in
                                    ws.grant_index.get(&Grantee::Group(g)).into_iter().flatten()
                                {
                                    s.pairs.insert((u, e.asset));
                                }
                            }
                        }
                    }
                }
            }
            _ => {
                s.all_users.insert(u);
            }
        }
    }
    for r in raws(b.org_roles.index_bound(), a.org_roles.index_bound()) {
        let role = crate::table::OrgRoleIx::from_raw(r);
        let same = match (b.org_roles.get(role), a.org_roles.get(role)) {
            (Some(x), Some(y)) => x.points == y.points,
            (x, y) => x.is_none() && y.is_none(),
        };
        if !same {
            for org in [b, a] {
                for (u, m) in org.members.iter() {
                    if m.custom_roles.contains(&role) {
                        s.all_users.insert(u);
                    }
                }
            }
        }
    }
    for r in raws(b.workspaces.index_bound(), a.workspaces.index_bound()) {
        let w = WorkspaceIx::from_raw(r);
        match (b.workspaces.get(w), a.workspaces.get(w)) {
            (None, None) => {}
            (Some(x), Some(y))
                if x.kind == y.kind
                    && x.mode == y.mode
                    && x.owner == y.owner
                    && x.roles.len() == y.roles.len()
                    && x.roles.iter().all(|(ix, role)| {
                        y.roles.get(ix).is_some_and(|o| o.table == role.table)
                    }) =>
            {
                for u in x.members.keys().chain(y.members.keys()) {
                    let same = match (x.members.get(u), y.members.get(u)) {
                        (Some(p), Some(q)) => {
                            p.presets == q.presets && p.custom == q.custom && p.table == q.table
                        }
                        _ => false,
                    };
                    if !same {
                        s.user_ws.insert((*u, w));
                    }
                }
                if x.folders != y.folders {
                    s.folder_ws.insert(w);
                }
            }
            _ => {
                s.ws_all.insert(w);
                s.folder_ws.insert(w);
            }
        }
    }
    for r in raws(b.folders.index_bound(), a.folders.index_bound()) {
        let f = FolderIx::from_raw(r);
        let (x, y) = (b.folders.get(f), a.folders.get(f));
        let same = match (x, y) {
            (Some(x), Some(y)) => x.parent == y.parent && x.workspace == y.workspace,
            (x, y) => x.is_none() && y.is_none(),
        };
        if !same {
            s.folder_ws.extend(x.map(|x| x.workspace));
            s.folder_ws.extend(y.map(|y| y.workspace));
        }
    }
    for r in raws(b.assets.index_bound(), a.assets.index_bound()) {
        let ix = AssetIx::from_raw(r);
        match (b.assets.get(ix), a.assets.get(ix)) {
            (None, None) => {}
            (Some(x), Some(y))
                if x.workspace == y.workspace
                    && x.folder == y.folder
                    && x.kind == y.kind
                    && x.owner == y.owner
                    && x.public == y.public
                    && x.grants == y.grants => {}
            (Some(x), Some(y)) if x.workspace == y.workspace && x.folder == y.folder => {
                s.all_assets.insert(ix);
            }
            _ => {
                s.all_assets.insert(ix);
                s.moved.insert(ix);
            }
        }
    }
    s
}

/// The asset's workspace in either state.
fn ws_of(org: &Org, asset: AssetIx) -> Option<WorkspaceIx> {
    org.assets.get(asset).map(|a| a.workspace)
}

/// Every asset of a workspace in either state.
fn ws_assets(b: &Org, a: &Org, w: WorkspaceIx, out: &mut Vec<AssetIx>) {
    for org in [b, a] {
        if let Some(ws) = org.workspaces.get(w) {
            out.extend(ws.assets.iter().copied());
        }
    }
}

/// Who may be decided differently on the assets and folders of `touched` (workspaces changed
/// whole, or holding a changed asset or folder): the members of a group workspace in either
/// state and whoever reaches every workspace (org admins, O6; central authorizers, O4); anyone
/// else is outside it (W5) in both states. `None` for everyone: a personal workspace is
/// reached through grants to anyone (W4).
fn audience(b: &Org, a: &Org, touched: &BTreeSet<WorkspaceIx>) -> Option<BTreeSet<UserIx>> {
    let mut out = BTreeSet::new();
    if touched.is_empty() {
        return Some(out);
    }
    for &w in touched {
        for org in [b, a] {
            if let Some(ws) = org.workspaces.get(w) {
                if ws.kind == crate::vocab::WorkspaceKind::Personal {
                    return None;
                }
                out.extend(ws.members.keys().copied());
            }
        }
    }
    for org in [b, a] {
        for (u, m) in org.members.iter() {
            if m.org_admin || org.authorizes_centrally(m) {
                out.insert(u);
            }
        }
    }
    Some(out)
}

/// Compares two states where `scope` says they may differ.
pub(super) fn compare(
    b: &Org,
    a: &Org,
    now: u64,
) -> (Vec<AccessTriple>, Vec<AccessTriple>, Vec<ListChange>) {
    let s = scope(b, a);
    let users_bound = b.members.index_bound().max(a.members.index_bound());
    let assets_bound = b.assets.index_bound().max(a.assets.index_bound());
    let mut touched: BTreeSet<WorkspaceIx> = s.ws_all.union(&s.folder_ws).copied().collect();
    for &x in &s.all_assets {
        touched.extend(ws_of(b, x));
        touched.extend(ws_of(a, x));
    }
    let users: Vec<UserIx> = match audience(b, a, &touched) {
        None => raws(users_bound, 0).map(UserIx::from_raw).collect(),
        Some(mut u) => {
            u.extend(s.all_users.iter().copied());
            u.extend(s.user_ws.iter().map(|p| p.0));
            u.extend(s.pairs.iter().map(|p| p.0));
            u.into_iter().collect()
        }
    };
    let all_workspaces: Vec<WorkspaceIx> =
        raws(b.workspaces.index_bound(), a.workspaces.index_bound())
            .map(WorkspaceIx::from_raw)
            .collect();
    let mut gains = Vec::new();
    let mut loses = Vec::new();
    let mut lists: BTreeMap<(UserIx, WorkspaceIx), (BTreeSet<AssetIx>, BTreeSet<AssetIx>)> =
        BTreeMap::new();
    let mut folder_pairs: BTreeSet<(UserIx, WorkspaceIx)> = BTreeSet::new();
    for &u in &users {
        let exists = b.members.get(u).is_some() || a.members.get(u).is_some();
        if !exists {
            continue;
        }
        let mut assets: Vec<AssetIx> = Vec::new();
        if s.all_users.contains(&u) {
            assets.extend(raws(assets_bound, 0).map(AssetIx::from_raw));
            folder_pairs.extend(all_workspaces.iter().map(|w| (u, *w)));
        } else {
            assets.extend(s.all_assets.iter().copied());
            for &w in &s.ws_all {
                ws_assets(b, a, w, &mut assets);
                folder_pairs.insert((u, w));
            }
            for &(_, w) in s
                .user_ws
                .range((u, WorkspaceIx::from_raw(0))..=(u, WorkspaceIx::from_raw(u32::MAX)))
            {
                ws_assets(b, a, w, &mut assets);
                folder_pairs.insert((u, w));
            }
            assets.extend(
                s.pairs
                    .range((u, AssetIx::from_raw(0))..=(u, AssetIx::from_raw(u32::MAX)))
                    .map(|p| p.1),
            );
            folder_pairs.extend(s.folder_ws.iter().map(|w| (u, *w)));
        }
        crate::sort::sort_unstable(&mut assets);
        assets.dedup();
        for ix in assets {
            let (wb, wa) = (ws_of(b, ix), ws_of(a, ix));
            if wb.is_none() && wa.is_none() {
                continue;
            }
            for &op in Operation::ALL {
                if op == Operation::Create {
                    continue;
                }
                let before = b.assets.get(ix).is_some() && b.decide(u, op, ix, now).allowed;
                let after = a.assets.get(ix).is_some() && a.decide(u, op, ix, now).allowed;
                if before != after {
                    let org = if after { a } else { b };
                    let t = AccessTriple {
                        user: org.members.id(u).into(),
                        asset: org.assets.id(ix).into(),
                        operation: op,
                    };
                    if after { gains.push(t) } else { loses.push(t) }
                }
            }
            let lb = b.lists_asset(u, ix, now);
            let la = a.lists_asset(u, ix, now);
            if lb != la || (s.moved.contains(&ix) && (lb || la)) {
                for w in [wb, wa].into_iter().flatten() {
                    folder_pairs.insert((u, w));
                }
            }
            if lb && (!la || wb != wa) {
                if let Some(w) = wb {
                    lists.entry((u, w)).or_default().1.insert(ix);
                }
            }
            if la && (!lb || wb != wa) {
                if let Some(w) = wa {
                    lists.entry((u, w)).or_default().0.insert(ix);
                }
            }
        }
    }
    let mut out: BTreeMap<(String, String), ListChange> = BTreeMap::new();
    let name = |u: UserIx, w: WorkspaceIx| -> (String, String) {
        let org = if a.members.get(u).is_some() { a } else { b };
        let wo = if a.workspaces.get(w).is_some() { a } else { b };
        (org.members.id(u).into(), wo.workspaces.id(w).into())
    };
    for ((u, w), (g, l)) in lists {
        let key = name(u, w);
        let e = out.entry(key.clone()).or_default();
        e.gains = g
            .into_iter()
            .map(|x| String::from(a.assets.id(x)))
            .collect();
        e.loses = l
            .into_iter()
            .map(|x| String::from(b.assets.id(x)))
            .collect();
    }
    for (u, w) in folder_pairs {
        let fb = b.visible_folders_in(u, w, now).unwrap_or_default();
        let fa = a.visible_folders_in(u, w, now).unwrap_or_default();
        if fb == fa {
            continue;
        }
        let appear: Vec<String> = fa
            .iter()
            .filter(|f| !fb.contains(f))
            .map(|f| String::from(a.folders.id(*f)))
            .collect();
        let disappear: Vec<String> = fb
            .iter()
            .filter(|f| !fa.contains(f))
            .map(|f| String::from(b.folders.id(*f)))
            .collect();
        if appear.is_empty() && disappear.is_empty() {
            continue;
        }
        let e = out.entry(name(u, w)).or_default();
        e.appear = appear;
        e.disappear = disappear;
    }
    let lists = out
        .into_iter()
        .map(|((user, workspace), mut c)| {
            c.user = user;
            c.workspace = workspace;
            crate::sort::sort_unstable(&mut c.gains);
            crate::sort::sort_unstable(&mut c.loses);
            crate::sort::sort_unstable(&mut c.appear);
            crate::sort::sort_unstable(&mut c.disappear);
            c
        })
        .collect();
    crate::sort::sort_unstable(&mut gains);
    crate::sort::sort_unstable(&mut loses);
    (gains, loses, lists)
}

/// The diff of a group membership change (P2), in proportion to what it touches: the command
/// runs on a copy of the organization's members, groups and roles only (its handler reads and
/// changes nothing else), and the member's decisions are taken again, with their groups as the
/// command leaves them, on the assets granted to the groups they enter or leave. `None` for
/// every other command, and for an actor who is not a member (the general path refuses it as
/// `execute` does).
fn group_membership_diff(
    org: &Org,
    actor: &str,
    command: &Command,
    at: u64,
) -> Result<Option<AccessDiff>, Refusal> {
    let (Command::AddGroupMember { user, .. } | Command::RemoveGroupMember { user, .. }) = command
    else {
        return Ok(None);
    };
    let Some(actor_ix) = org.members.find(actor) else {
        return Ok(None);
    };
    // A group manager who is not an org admin changes a group's reach only if they could make
    // its grants and rules (X3), which the copy without workspaces cannot tell: such a change
    // takes the whole copy, so that it is refused exactly as the command would be.
    if org.members.get(actor_ix).is_none_or(|m| !m.org_admin) {
        return Ok(None);
    }
    let mut light = Org {
        id: org.id.clone(),
        name: org.name.clone(),
        version: org.version,
        default_workspace: org.default_workspace,
        members: org.members.clone(),
        org_roles: org.org_roles.clone(),
        groups: org.groups.clone(),
        view_of: org.view_of,
        ..Org::default()
    };
    let events = crate::apply::execute(&mut light, actor_ix, command, at)?;
    let u = org.user(user)?;
    let (Some(before), Some(after)) = (org.members.get(u), light.members.get(u)) else {
        return Ok(None);
    };
    let changed: Vec<crate::table::GroupIx> = before
        .effective_groups
        .iter()
        .filter(|g| after.effective_groups.binary_search(g).is_err())
        .chain(
            after
                .effective_groups
                .iter()
                .filter(|g| before.effective_groups.binary_search(g).is_err()),
        )
        .copied()
        .collect();
    let mut assets: Vec<AssetIx> = Vec::new();
    for &g in &changed {
        for (_, ws) in org.workspaces.iter() {
            let granted = ws.grant_index.get(&Grantee::Group(g)).into_iter().flatten();
            assets.extend(granted.map(|e| e.asset));
        }
    }
    crate::sort::sort_unstable(&mut assets);
    assets.dedup();
    let name = String::from(org.members.id(u));
    let mut gains = Vec::new();
    let mut loses = Vec::new();
    let mut lists: BTreeMap<WorkspaceIx, (BTreeSet<AssetIx>, BTreeSet<AssetIx>)> = BTreeMap::new();
    for &a in &assets {
        let Some(w) = ws_of(org, a) else {
            continue;
        };
        for &op in Operation::ALL {
            if op == Operation::Create {
                continue;
            }
            let was = org.decide(u, op, a, at).allowed;
            let will = org.decide_as(after, u, op, a, at).allowed;
            if was != will {
                let t = AccessTriple {
                    user: name.clone(),
                    asset: org.assets.id(a).into(),
                    operation: op,
                };
                if will { gains.push(t) } else { loses.push(t) }
            }
        }
        let (lb, la) = (
            org.lists_asset_as(before, u, a, at),
            org.lists_asset_as(after, u, a, at),
        );
        if lb != la {
            let e = lists.entry(w).or_default();
            if la {
                e.0.insert(a)
            } else {
                e.1.insert(a)
            };
        }
    }
    let mut out = Vec::new();
    for (w, (g, l)) in lists {
        let Some(ws) = org.workspaces.get(w) else {
            continue;
        };
        let mut change = ListChange {
            user: name.clone(),
            workspace: org.workspaces.id(w).into(),
            gains: g.iter().map(|x| String::from(org.assets.id(*x))).collect(),
            loses: l.iter().map(|x| String::from(org.assets.id(*x))).collect(),
            ..ListChange::default()
        };
        // Whoever sees every folder sees them all before and after (their standing is the same).
        if !org.sees_all_folders(u, w)
            && let Ok(seen) = org.visible_assets_in(u, w, ws.mode, at)
        {
            let fb = org.folders_holding(ws, seen.iter().copied());
            let seen_after = seen
                .iter()
                .copied()
                .filter(|x| !l.contains(x))
                .chain(g.iter().copied());
            let fa = org.folders_holding(ws, seen_after);
            change.appear = fa
                .iter()
                .filter(|f| !fb.contains(f))
                .map(|f| String::from(org.folders.id(*f)))
                .collect();
            change.disappear = fb
                .iter()
                .filter(|f| !fa.contains(f))
                .map(|f| String::from(org.folders.id(*f)))
                .collect();
        }
        out.push(change);
    }
    out.sort_by(|x, y| x.workspace.cmp(&y.workspace));
    for c in &mut out {
        crate::sort::sort_unstable(&mut c.gains);
        crate::sort::sort_unstable(&mut c.loses);
        crate::sort::sort_unstable(&mut c.appear);
        crate::sort::sort_unstable(&mut c.disappear);
    }
    crate::sort::sort_unstable(&mut gains);
    crate::sort::sort_unstable(&mut loses);
    Ok(Some(AccessDiff {
        events,
        gains,
        loses,
        lists: out,
    }))
}

impl Engine {
    /// What `command`, run by `actor` at `at`, would change in access, without running it: the
    /// (member, asset, operation) triples it would allow and deny, and the list entries and
    /// folders that would appear or disappear for whom. Only what the actor could run is
    /// dry-run: the command's own authorization and validation come first. The diff holds
    /// only what the actor may learn (`redact.rs`): another member's access to an asset the
    /// actor does not administer is left out.
    ///
    /// On a reader's engine (some workspace parts, queries only), the diff covers those
    /// workspaces. An engine that runs commands on some parts (`from_parts_indexed`, the edge
    /// writer's) must hold what `Engine::diff_needs` names.
    ///
    /// # Errors
    ///
    /// Every refusal `execute` would give for the command; [`Refusal::WrongView`] on another
    /// member's view; `invalid` on a writer's engine that lacks a part the diff reads.
    pub fn access_diff(
        &self,
        actor: &str,
        command: &Command,
        at: u64,
    ) -> Result<AccessDiff, Refusal> {
        let (org, user) = self.asked_by_member(actor)?;
        if let Some(diff) = group_membership_diff(org, actor, command, at)? {
            return Ok(org.diff_seen_by(user, diff, at));
        }
        // In proportion to what the command touches: a copy of the parts the diff reads
        // (`bounded.rs`), where the engine can hold some parts and that costs less than a copy
        // of the whole engine.
        #[cfg(feature = "parts")]
        if let Some(diff) = self.bounded_diff(actor, command, at, true)? {
            return Ok(diff);
        }
        self.access_diff_whole(actor, command, at)
    }

    /// [`Engine::access_diff`] on a copy of the whole engine: what the browser's module (a
    /// member's view, small) and a change reaching the whole organization take, and what the
    /// bounded diff is tested against.
    #[doc(hidden)]
    pub fn access_diff_whole(
        &self,
        actor: &str,
        command: &Command,
        at: u64,
    ) -> Result<AccessDiff, Refusal> {
        let (org, user) = self.asked_by_member(actor)?;
        // The copy runs the command even on an engine that holds some workspaces only (the
        // edge's readers): it is thrown away, and the diff covers the workspaces it holds.
        let mut after = self.clone();
        after.allow_commands();
        let applied = after.execute(actor, command, at)?;
        Ok(org.diff_seen_by(user, diff_of(org, after.org()?, applied.events, at), at))
    }
}

/// The diff between two states, with the events that led from one to the other.
pub(super) fn diff_of(b: &Org, a: &Org, events: Vec<Event>, at: u64) -> AccessDiff {
    let (gains, loses, lists) = compare(b, a, at);
    AccessDiff {
        events,
        gains,
        loses,
        lists,
    }
}
