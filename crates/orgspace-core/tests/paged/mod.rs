//! Views that page (`snapshot/paged.rs`, issue 13), checked against the member's whole view
//! from `snapshot_view.rs`'s states: the first view lists the workspaces of the whole view and
//! holds only the current one's part; an engine loaded from it answers for what it holds as the
//! whole engine does and refuses (`invalid`) every question about what it has not loaded; each
//! workspace view added brings exactly that workspace's part of the whole view, and the pieces
//! together are the whole view (so no piece holds what the member may not see, W7/W8/D2).

use orgspace_core::snapshot::{FirstView, ListOf, WorkspacePart};
use orgspace_core::{Engine, Operation, Refusal, Snapshot};
use std::collections::BTreeSet;

/// A view with every table's columns sorted by name: pieces joined list a table's columns in
/// the order they arrived.
fn normalized(mut s: Snapshot) -> Snapshot {
    for source in &mut s.org.data_sources {
        for t in &mut source.tables {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    s
}

fn assets(s: &Snapshot) -> BTreeSet<String> {
    s.workspaces
        .iter()
        .flat_map(|p| p.assets.iter().map(|a| a.id.clone()))
        .collect()
}

fn not_loaded<T: std::fmt::Debug>(r: Result<T, Refusal>, what: &str) -> Result<(), String> {
    match r {
        Err(Refusal::Invalid { message, .. }) if message.contains("not in the workspaces") => {
            Ok(())
        }
        other => Err(format!("{what}: not refused as not loaded: {other:?}")),
    }
}

/// The paged views of `user` at `now` against `whole_view` (their `snapshot_for`); `full` is
/// the whole engine reloaded from its snapshot.
pub fn verify_paged(
    live: &Engine,
    full: &Engine,
    whole_view: &Snapshot,
    user: &str,
    now: u64,
) -> Result<(), String> {
    let first: FirstView = live
        .first_view(user, None, now)
        .map_err(|e| format!("first_view {user}: {e}"))?;
    let json = serde_json::to_string(&first).map_err(|e| e.to_string())?;
    let first: FirstView = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    if first.view.org.workspaces != whole_view.org.workspaces {
        return Err(format!("first view of {user} lists other workspaces"));
    }
    if first.view.org.version != whole_view.org.version || first.view.view_of != whole_view.view_of
    {
        return Err(format!("first view of {user} is not their view"));
    }
    for p in &first.view.workspaces {
        let whole_part = whole_view.workspaces.iter().find(|w| w.id == p.id);
        if whole_part != Some(p) {
            return Err(format!("first view of {user}: part {} differs", p.id));
        }
    }
    let mut engine = Engine::from_view(first.view.clone())
        .map_err(|e| format!("first view of {user} does not load: {e}"))?;
    let loaded: BTreeSet<&str> = first
        .view
        .workspaces
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    let held = assets(&first.view);
    for a in &held {
        for &op in Operation::ALL {
            let (got, want) = (
                engine.check(user, op, a, now).map(|d| (d.allowed, d.rule)),
                full.check(user, op, a, now).map(|d| (d.allowed, d.rule)),
            );
            if got != want {
                return Err(format!(
                    "first view of {user}: check {op} {a}: {got:?}, whole {want:?}"
                ));
            }
        }
    }
    for a in assets(whole_view).difference(&held) {
        not_loaded(engine.check(user, Operation::View, a, now), a)?;
        not_loaded(engine.filter(user, Operation::View, &[a.as_str()], now), a)?;
    }
    for h in &whole_view.org.workspaces {
        if !loaded.contains(h.id.as_str()) {
            not_loaded(engine.visible_assets(user, &h.id, now), &h.id)?;
            not_loaded(engine.visible_folders(user, &h.id, now), &h.id)?;
        }
    }
    // Every workspace view: that workspace's part of the whole view, and what it names.
    for h in &whole_view.org.workspaces {
        let piece = live
            .workspace_view(user, &h.id, now)
            .map_err(|e| format!("workspace_view {user} {}: {e}", h.id))?;
        let whole_part = whole_view.workspaces.iter().find(|w| w.id == h.id);
        if piece.workspaces.len() != 1 || piece.workspaces.first() != whole_part {
            return Err(format!("workspace view of {} for {user} differs", h.id));
        }
        if !loaded.contains(h.id.as_str()) {
            engine
                .add_view(piece)
                .map_err(|e| format!("add_view {} for {user}: {e}", h.id))?;
        }
        // As a first view naming it, the current part is the same part (when it fits).
        let named = live
            .first_view(user, Some(&h.id), now)
            .map_err(|e| format!("first_view {user} {}: {e}", h.id))?;
        if named.current.as_deref() != Some(h.id.as_str())
            || named
                .view
                .workspaces
                .iter()
                .any(|p| whole_view.workspaces.iter().all(|w| w != p))
        {
            return Err(format!("first view of {user} naming {} differs", h.id));
        }
    }
    let joined = engine.snapshot().ok_or("no organization")?;
    same_as_whole(joined, whole_view, user)
}

/// Workspaces `user` does not see answer as unknown ones.
pub fn verify_unseen(
    live: &Engine,
    whole_view: &Snapshot,
    user: &str,
    now: u64,
) -> Result<(), String> {
    let Some(all) = live.snapshot() else {
        return Ok(());
    };
    for h in &all.org.workspaces {
        if whole_view.org.workspaces.iter().any(|x| x.id == h.id) {
            continue;
        }
        if !matches!(
            live.workspace_view(user, &h.id, now),
            Err(Refusal::NotFound { .. })
        ) {
            return Err(format!(
                "{user} gets a view of {}, which they do not see",
                h.id
            ));
        }
        if !matches!(
            live.first_view(user, Some(&h.id), now),
            Err(Refusal::NotFound { .. })
        ) {
            return Err(format!("{user} gets a first view naming {}", h.id));
        }
    }
    Ok(())
}

/// Every page of `user`'s lists, of at most `limit` entries each, in order.
fn pages(
    live: &Engine,
    user: &str,
    list: ListOf,
    limit: usize,
    now: u64,
) -> Result<Vec<Snapshot>, String> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = live
            .view_page(user, list, after.as_deref(), limit, now)
            .map_err(|e| format!("view_page {list:?} of {user} after {after:?}: {e}"))?;
        let listed = match list {
            ListOf::Workspaces => page.view.org.workspaces.len(),
            ListOf::Members => page.view.org.members.len(),
        };
        if listed > limit || (page.next.is_some() && listed != limit) {
            return Err(format!("a page of {list:?} for {user} lists {listed}"));
        }
        out.push(page.view);
        match page.next {
            Some(n) if Some(&n) != after.as_ref() => after = Some(n),
            Some(n) => return Err(format!("the pages of {user} do not move past {n}")),
            None => return Ok(out),
        }
    }
}

/// A first view listing one workspace (issue 13: small at every size): it lists at most the
/// page and the workspaces it must hold, its engine refuses (`invalid`, never `not_found` or a
/// deny) every question about a workspace, asset or member on a page not loaded, and the first
/// view, every page of its lists and every workspace view, joined, are the whole view. A member
/// who does not see every member is denied the members list (O6).
pub fn verify_pages(
    live: &Engine,
    whole_view: &Snapshot,
    user: &str,
    now: u64,
) -> Result<(), String> {
    let first = live
        .first_view_listing(user, None, 1, now)
        .map_err(|e| format!("first_view_listing {user}: {e}"))?;
    let whole_members = whole_view.org.members.len();
    let sees_all = live.view_page(user, ListOf::Members, None, 1, now).is_ok();
    match first.view.listing {
        None if first.view.org.workspaces != whole_view.org.workspaces
            || (sees_all && first.view.org.members.len() != whole_members) =>
        {
            return Err(format!("{user}'s first view lists part without a listing"));
        }
        None => {}
        Some(l) => {
            let members = sees_all.then_some(whole_members as u32);
            if l.workspaces as usize != whole_view.org.workspaces.len() || l.members != members {
                return Err(format!("{user}'s listing counts other lists: {l:?}"));
            }
            if !l.lists_more(&first.view.org) {
                return Err(format!("{user}'s first view has a listing but lists all"));
            }
        }
    }
    if first.view.org.workspaces.len() > 4 {
        return Err(format!(
            "{user}'s first view of one lists more than 4 workspaces"
        ));
    }
    let mut engine = Engine::from_view(first.view.clone())
        .map_err(|e| format!("paged first view of {user} does not load: {e}"))?;
    let listed: BTreeSet<&str> = first
        .view
        .org
        .workspaces
        .iter()
        .map(|h| h.id.as_str())
        .collect();
    let held = assets(&first.view);
    for h in &whole_view.org.workspaces {
        if !listed.contains(h.id.as_str()) {
            not_loaded(engine.visible_assets(user, &h.id, now), &h.id)?;
            not_loaded(
                engine.check_create(user, &h.id, orgspace_core::Kind::Dashboard),
                &h.id,
            )?;
        }
    }
    for a in assets(whole_view).difference(&held) {
        not_loaded(engine.check(user, Operation::View, a, now), a)?;
    }
    let mut more = pages(live, user, ListOf::Workspaces, 1, now)?;
    match live.view_page(user, ListOf::Members, None, 2, now) {
        Ok(_) if sees_all => more.extend(pages(live, user, ListOf::Members, 2, now)?),
        Err(Refusal::Denied { rule, .. }) if !sees_all && rule == orgspace_core::Rule::O6 => {}
        other => return Err(format!("members page of {user}: {other:?}")),
    }
    for piece in more {
        engine
            .add_view(piece)
            .map_err(|e| format!("add_view of a page for {user}: {e}"))?;
    }
    for h in &whole_view.org.workspaces {
        let piece = live
            .workspace_view(user, &h.id, now)
            .map_err(|e| format!("workspace_view {user} {}: {e}", h.id))?;
        if first.view.workspaces.iter().all(|p| p.id != h.id) {
            engine
                .add_view(piece)
                .map_err(|e| format!("add_view {} for {user}: {e}", h.id))?;
        }
    }
    if !engine.holds_every_part() {
        return Err(format!(
            "{user}'s view, every piece joined, still lacks some"
        ));
    }
    let joined = engine.snapshot().ok_or("no organization")?;
    same_as_whole(joined, whole_view, user)
}

/// A first view made by a partial engine (the edge writer's: the org part, the index and some
/// parts) is refused until the parts `first_view_needs` names are loaded, and then is the whole
/// engine's first view, as is every page of its lists.
pub fn verify_partial(live: &Engine, user: &str, now: u64) -> Result<(), String> {
    let (Some(org), Some(index), Some(all)) = (live.org_part(), live.index(), live.snapshot())
    else {
        return Ok(());
    };
    let want = live
        .first_view(user, None, now)
        .map_err(|e| e.to_string())?;
    let bare = Engine::from_parts_indexed(&org, &index, &[]).map_err(|e| e.to_string())?;
    let needs = bare.first_view_needs(user, None);
    if !needs.workspaces.is_empty() && bare.first_view(user, None, now).is_ok() {
        return Err(format!(
            "a first view of {user} is made without the parts it reads"
        ));
    }
    let chosen: Vec<WorkspacePart> = all
        .workspaces
        .iter()
        .filter(|p| needs.workspaces.contains(&p.id))
        .cloned()
        .collect();
    let partial = Engine::from_parts_indexed(&org, &index, &chosen).map_err(|e| e.to_string())?;
    if !partial.first_view_needs(user, None).workspaces.is_empty() {
        return Err(format!(
            "{user}'s first view needs more after its needs are loaded"
        ));
    }
    let got = partial
        .first_view(user, None, now)
        .map_err(|e| format!("partial first view of {user}: {e}"))?;
    if got != want {
        return Err(format!("the partial engine's first view of {user} differs"));
    }
    let (a, b) = (
        pages(&partial, user, ListOf::Workspaces, 2, now)?,
        pages(live, user, ListOf::Workspaces, 2, now)?,
    );
    if a != b {
        return Err(format!("the partial engine's pages of {user} differ"));
    }
    Ok(())
}

/// The view joined from pieces, against `user`'s whole view: equal but for the lists of group
/// members. A piece lists a group's members among those it names; the whole view, those among
/// all it names. The pieces' lists are within the whole view's, which the rest must equal.
fn same_as_whole(joined: Snapshot, whole_view: &Snapshot, user: &str) -> Result<(), String> {
    let mut joined = joined;
    for g in &mut joined.org.groups {
        let whole = whole_view.org.groups.iter().find(|x| x.id == g.id);
        let whole = whole.ok_or_else(|| format!("group {} is not in {user}'s view", g.id))?;
        if g.members.iter().any(|m| !whole.members.contains(m)) {
            return Err(format!(
                "group {} lists members {user}'s view does not",
                g.id
            ));
        }
        g.members.clone_from(&whole.members);
    }
    let (a, b) = (normalized(joined), normalized(whole_view.clone()));
    if a != b {
        let (a, b) = (
            serde_json::to_string_pretty(&a).unwrap_or_default(),
            serde_json::to_string_pretty(&b).unwrap_or_default(),
        );
        let at = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        let near = |t: &str| {
            t.lines()
                .skip(at.saturating_sub(8))
                .take(16)
                .collect::<Vec<_>>()
                .join("\n")
        };
        return Err(format!(
            "the pieces of {user}'s view are not their whole view:\n{}\n----\n{}",
            near(&a),
            near(&b)
        ));
    }
    Ok(())
}
