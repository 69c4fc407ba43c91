//! Folder commands (A7). Folders carry no permissions: who sees one follows from the assets in
//! it (W7, W8); who changes one is an admin or the member who made it.

use super::{Outcome, check_id, check_name};
use crate::error::{Refusal, conflict, denied, invalid};
use crate::event::Event;
use crate::model::{Folder, Org};
use crate::rule::Rule;
use crate::table::{FolderIx, Index, Table, UserIx, WorkspaceIx};
use alloc::format;
use alloc::vec::Vec;
use hashbrown::HashSet;

/// Inserts an index into a vector kept sorted by the entities' ids.
pub(crate) fn insert_by_id<I: Index, T>(v: &mut Vec<I>, ix: I, table: &Table<I, T>) {
    if let Err(pos) = position_by_id(v, ix, table) {
        v.insert(pos, ix);
    }
}

/// Where an index is, or would go, in a vector kept sorted by the entities' ids (one search
/// shared by the functions here and the invariant check, so each table's costs code once).
pub(crate) fn position_by_id<I: Index, T>(
    v: &[I],
    ix: I,
    table: &Table<I, T>,
) -> Result<usize, usize> {
    let id = table.id(ix);
    v.binary_search_by(|probe| table.id(*probe).cmp(id))
}

/// Removes an index from a vector kept sorted by the entities' ids.
pub(crate) fn remove_by_id<I: Index, T>(v: &mut Vec<I>, ix: I, table: &Table<I, T>) {
    if let Ok(pos) = position_by_id(v, ix, table) {
        v.remove(pos);
    }
}

impl Org {
    /// The folder and every folder nested in it.
    pub(crate) fn folder_subtree(&self, root: FolderIx) -> HashSet<FolderIx> {
        let mut tree = HashSet::new();
        tree.insert(root);
        let Some(ws) = self
            .folders
            .get(root)
            .and_then(|f| self.workspaces.get(f.workspace))
        else {
            return tree;
        };
        // Folder trees are shallow; repeat until no folder joins.
        loop {
            let before = tree.len();
            for &f in &ws.folders {
                if self
                    .folders
                    .get(f)
                    .and_then(|x| x.parent)
                    .is_some_and(|p| tree.contains(&p))
                {
                    tree.insert(f);
                }
            }
            if tree.len() == before {
                return tree;
            }
        }
    }

    /// Resolves an optional folder id within a workspace.
    pub(crate) fn folder_in(
        &self,
        folder: Option<&str>,
        ws: WorkspaceIx,
    ) -> Result<Option<FolderIx>, Refusal> {
        let Some(id) = folder else { return Ok(None) };
        let f = self.folder(id)?;
        if self.folders.get(f).is_some_and(|x| x.workspace != ws) {
            return Err(invalid(format!(
                "folder `{id}` is in another workspace than `{}`",
                self.workspaces.id(ws)
            )));
        }
        Ok(Some(f))
    }
}

pub(super) fn create_folder(
    org: &mut Org,
    actor: UserIx,
    folder: &str,
    workspace: &str,
    name: &str,
    parent: Option<&str>,
) -> Outcome {
    check_id("folder", folder)?;
    check_name("folder", name)?;
    let ws = org.workspace(workspace)?;
    org.may_create_something(actor, ws)?;
    if org.folders.contains(folder) || org.folder_elsewhere(folder).is_some() {
        return Err(conflict(format!("folder `{folder}` already exists")));
    }
    let parent = org.folder_in(parent, ws)?;
    let ix = org.folders.insert(
        folder,
        Folder {
            workspace: ws,
            parent,
            name: name.into(),
            created_by: actor,
        },
    );
    if let Some(w) = org.workspaces.get_mut(ws) {
        insert_by_id(&mut w.folders, ix, &org.folders);
    }
    Ok(alloc::vec![Event::FolderCreated {
        workspace: workspace.into(),
        folder: folder.into()
    }])
}

pub(super) fn rename_folder(org: &mut Org, actor: UserIx, folder: &str, name: &str) -> Outcome {
    let ix = org.folder(folder)?;
    check_name("folder", name)?;
    org.may_change_folder(actor, ix)?;
    let ws = org.folders.get(ix).map(|f| f.workspace);
    if let Some(f) = org.folders.get_mut(ix) {
        f.name = name.into();
    }
    Ok(alloc::vec![Event::FolderChanged {
        workspace: ws.map(|w| org.workspaces.id(w).into()).unwrap_or_default(),
        folder: folder.into()
    }])
}

pub(super) fn move_folder(
    org: &mut Org,
    actor: UserIx,
    folder: &str,
    parent: Option<&str>,
) -> Outcome {
    let ix = org.folder(folder)?;
    org.may_change_folder(actor, ix)?;
    let ws = org
        .folders
        .get(ix)
        .map(|f| f.workspace)
        .ok_or_else(|| invalid("unknown folder"))?;
    let parent = org.folder_in(parent, ws)?;
    if let Some(p) = parent {
        if org.folder_subtree(ix).contains(&p) {
            return Err(invalid(format!(
                "folder `{folder}` cannot move into itself or a folder inside it"
            )));
        }
    }
    if let Some(f) = org.folders.get_mut(ix) {
        f.parent = parent;
    }
    Ok(alloc::vec![Event::FolderChanged {
        workspace: org.workspaces.id(ws).into(),
        folder: folder.into()
    }])
}

pub(super) fn delete_folder(org: &mut Org, actor: UserIx, folder: &str) -> Outcome {
    let ix = org.folder(folder)?;
    org.may_change_folder(actor, ix)?;
    let ws = org
        .folders
        .get(ix)
        .map(|f| f.workspace)
        .ok_or_else(|| invalid("unknown folder"))?;
    let tree = org.folder_subtree(ix);
    let held = org
        .workspaces
        .get(ws)
        .map(|w| {
            w.assets
                .iter()
                .filter(|a| {
                    org.assets
                        .get(**a)
                        .and_then(|x| x.folder)
                        .is_some_and(|f| tree.contains(&f))
                })
                .count()
        })
        .unwrap_or(0);
    if held > 0 {
        return Err(denied(
            Rule::A7,
            format!("folder `{folder}` still holds {held} assets"),
        ));
    }
    let wid: alloc::string::String = org.workspaces.id(ws).into();
    let mut gone: Vec<FolderIx> = tree.into_iter().collect();
    crate::sort::sort_unstable_by(&mut gone, |a, b| org.folders.id(*a).cmp(org.folders.id(*b)));
    let mut events = Vec::new();
    for f in &gone {
        events.push(Event::FolderDeleted {
            workspace: wid.clone(),
            folder: org.folders.id(*f).into(),
        });
    }
    if let Some(w) = org.workspaces.get_mut(ws) {
        w.folders.retain(|f| !gone.contains(f));
    }
    for f in gone {
        org.folders.remove(f);
    }
    Ok(events)
}
