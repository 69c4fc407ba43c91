//! A member's view: the part of the organization one member may see, as a snapshot with
//! `view_of` set (`Engine::snapshot_for`). The npm package and the edge worker load it to answer
//! that member's queries without holding anything else.
//!
//! What a view of member `u` at time `now` holds:
//! - Org admins (O6) and central authorizers (O4: permission admins and custom organization
//!   roles with `authorize_centrally`, who may share and authorize every asset): the whole
//!   snapshot, the audit log left out.
//! - Anyone else:
//!   - Workspaces: the group workspaces `u` is a member of, `u`'s personal workspace, and
//!     another member's personal workspace only while `u` sees an asset in it (W4). The org
//!     part lists these; the default workspace, which the org part names (W2), is listed too,
//!     with an empty part when `u` is not in it.
//!   - A workspace `u` administers (an admin of it, or its owner): its whole part.
//!   - Any other included workspace: the assets `u` sees in its list and the folders `u` sees
//!     (W7, W8; the folders include the ancestors of every listed one), its members (co-workers
//!     are visible) with their preset roles and the custom roles `u` holds, the definitions of
//!     those custom roles only, and the workspace's table grants (D1, D4). On the assets kept:
//!     grants only to `u` or to a group `u` is in (directly or through nesting), references
//!     only to assets in the view, row and column rules (D2, D3) only those that target all
//!     members, `u` or `u`'s groups, with other users and groups taken out of their targets.
//!   - The org part: `u` with roles and attributes; every other member the view names (members
//!     of the included group workspaces, owners of kept assets and personal workspaces, creators
//!     of kept folders, users named by kept grants and rules) with no roles and no attributes;
//!     the custom organization roles `u` holds; `u`'s groups and the groups kept grants and rules
//!     name, with their ancestors, each listing only members in the view; the data sources that
//!     kept table grants and datasets name, holding only the tables those name and, of each,
//!     the columns the grants give and their row filters name (every column for a grant
//!     without `columns`, and for the table of a kept dataset: the dataset's schema).
//!
//! For `u`, an engine loaded from the view answers `check`, `check_create`, `visible_assets`,
//! `visible_folders`, `filter` and `data_scope` as the whole engine does, at `now` and later
//! (grants only expire), for every asset and workspace the view holds; assets it does not hold
//! are unknown to it. Questions about other members, and the mode-switch dry run (W9), which
//! asks about every member of a workspace, need the whole organization.

use super::{
    FORMAT, GroupDoc, MemberDoc, OrgPart, OrgRoleDoc, Snapshot, WorkspaceHeader,
    WorkspaceMemberDoc, WorkspacePart, WorkspaceRoleDoc,
};
use crate::command::Target;
use crate::data::{Audience, DataSourceDef, DatasetSecurity, TableDef};
use crate::model::{Grantee, MAX_GROUP_DEPTH, Member, Org};
use crate::roles::PresetRole;
use crate::table::{AssetIx, FolderIx, GroupIx, UserIx, WorkspaceIx};
use crate::vocab::WorkspaceKind;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;

/// What a view keeps of one workspace.
pub(super) enum Keep {
    /// The whole part: the member administers the workspace.
    Whole,
    /// What the member sees in it.
    Seen {
        assets: Vec<AssetIx>,
        folders: Vec<FolderIx>,
    },
    /// Nothing: the default workspace, which the org part names, when the member is not in it.
    Nothing,
}

/// The member a view is for, with the ids a kept grant or rule may name.
pub(super) struct Viewer<'a> {
    ix: UserIx,
    id: &'a str,
    /// The member's groups and every group they nest in (P2).
    groups: BTreeSet<&'a str>,
}

impl Viewer<'_> {
    fn is_target(&self, to: &Target) -> bool {
        match to {
            Target::User(u) => u == self.id,
            Target::Group(g) => self.groups.contains(g.as_str()),
        }
    }

    /// Cuts a rule's targets to the viewer; whether the rule still targets them.
    fn cut(&self, targets: &mut Audience) -> bool {
        targets.users.retain(|u| u == self.id);
        targets.groups.retain(|g| self.groups.contains(g.as_str()));
        !targets.is_empty()
    }

    fn cut_rules(&self, sec: &mut DatasetSecurity) {
        sec.row_rules.retain_mut(|r| self.cut(&mut r.targets));
        sec.column_rules.retain_mut(|r| self.cut(&mut r.targets));
    }
}

impl Org {
    /// The view of `user` at `now`; `None` for a non-member.
    pub(crate) fn view_for(&self, user: UserIx, now: u64) -> Option<Snapshot> {
        let member = self.members.get(user)?;
        let view_of = Some(String::from(self.members.id(user)));
        if self.sees_whole_org(member) {
            return Some(Snapshot {
                format: FORMAT,
                org: self.org_part(),
                workspaces: self
                    .workspaces
                    .sorted()
                    .into_iter()
                    .filter_map(|w| self.workspace_part(w))
                    .collect(),
                audit: Vec::new(),
                view_of,
                listing: None,
            });
        }
        let viewer = self.viewer(user, member);
        let kept = self.kept_with_default(user, member, now);
        let parts: Vec<WorkspacePart> = kept
            .iter()
            .filter_map(|(w, keep)| self.kept_part(&viewer, *w, keep))
            .collect();
        let headers: Vec<WorkspaceIx> = kept.iter().map(|(w, _)| *w).collect();
        let org = self.view_org_part(&viewer, member, &headers, &parts);
        Some(Snapshot {
            format: FORMAT,
            org,
            workspaces: parts,
            audit: Vec::new(),
            view_of,
            listing: None,
        })
    }

    /// The member a view is for, with their groups.
    pub(super) fn viewer<'a>(&'a self, user: UserIx, member: &Member) -> Viewer<'a> {
        Viewer {
            ix: user,
            id: self.members.id(user),
            groups: member
                .effective_groups
                .iter()
                .map(|g| self.groups.id(*g))
                .collect(),
        }
    }

    /// [`Org::kept_workspaces`] with the default workspace, which the org part names (W2),
    /// kept empty when the member is not in it.
    pub(super) fn kept_with_default(
        &self,
        user: UserIx,
        member: &Member,
        now: u64,
    ) -> Vec<(WorkspaceIx, Keep)> {
        let mut kept = self.kept_workspaces(user, member, now);
        self.keep_default(&mut kept);
        kept
    }

    /// Adds the default workspace, which the org part names (W2), to the workspaces a view
    /// keeps, empty when the member is not in it.
    pub(super) fn keep_default(&self, kept: &mut Vec<(WorkspaceIx, Keep)>) {
        if let Some(d) = self.default_workspace {
            if !kept.iter().any(|(w, _)| *w == d) {
                kept.push((d, Keep::Nothing));
                crate::sort::sort_by(kept, |a, b| {
                    self.workspaces.id(a.0).cmp(self.workspaces.id(b.0))
                });
            }
        }
    }

    /// The part of one kept workspace.
    pub(super) fn kept_part(
        &self,
        viewer: &Viewer<'_>,
        w: WorkspaceIx,
        keep: &Keep,
    ) -> Option<WorkspacePart> {
        match keep {
            Keep::Whole => self.workspace_part(w),
            Keep::Seen { assets, folders } => self.seen_part(viewer, w, assets, folders),
            Keep::Nothing => Some(WorkspacePart {
                id: self.workspaces.id(w).into(),
                members: Vec::new(),
                roles: Vec::new(),
                folders: Vec::new(),
                assets: Vec::new(),
                table_grants: Vec::new(),
            }),
        }
    }

    /// The workspaces a (non-admin) member's view holds, sorted by id, and what of each.
    fn kept_workspaces(&self, user: UserIx, member: &Member, now: u64) -> Vec<(WorkspaceIx, Keep)> {
        let grantees = grantees(user, member);
        self.workspaces
            .sorted()
            .into_iter()
            .filter_map(|w| Some((w, self.keep_of(user, &grantees, w, now)?)))
            .collect()
    }

    /// What a (non-admin) member's view keeps of workspace `w`; `None` when it leaves it out.
    /// `grantees` are the member and their effective groups.
    pub(super) fn keep_of(
        &self,
        user: UserIx,
        grantees: &[Grantee],
        w: WorkspaceIx,
        now: u64,
    ) -> Option<Keep> {
        let ws = self.workspaces.get(w)?;
        if self.administers(user, w) {
            return Some(Keep::Whole);
        }
        let member_of = ws.members.contains_key(&user);
        // Another member's personal workspace: only through an active grant (W4). The
        // grant index answers without building the list for each of them.
        let granted = || {
            ws.kind == WorkspaceKind::Personal
                && grantees.iter().any(|g| {
                    ws.grant_index
                        .get(g)
                        .is_some_and(|l| l.iter().any(|e| e.expires_at.is_none_or(|t| now < t)))
                })
        };
        if !member_of && !granted() {
            return None;
        }
        let assets = self
            .visible_assets_in(user, w, ws.mode, now)
            .unwrap_or_default();
        if !member_of && assets.is_empty() {
            return None;
        }
        let folders = self.visible_folders_in(user, w, now).unwrap_or_default();
        Some(Keep::Seen { assets, folders })
    }

    /// What a member who does not administer a workspace sees of it.
    fn seen_part(
        &self,
        viewer: &Viewer<'_>,
        w: WorkspaceIx,
        assets: &[AssetIx],
        folders: &[FolderIx],
    ) -> Option<WorkspacePart> {
        let ws = self.workspaces.get(w)?;
        let held: Vec<&str> = ws
            .members
            .get(&viewer.ix)
            .map(|r| r.custom.iter().map(|c| ws.roles.id(*c)).collect())
            .unwrap_or_default();
        let mut members: Vec<WorkspaceMemberDoc> = ws
            .members
            .iter()
            .map(|(u, roles)| {
                let mut roles = self.ws_role_ids(w, roles);
                roles.retain(|r| PresetRole::parse(r).is_some() || held.contains(&r.as_str()));
                WorkspaceMemberDoc {
                    user: self.members.id(*u).into(),
                    roles,
                }
            })
            .collect();
        crate::sort::sort_by(&mut members, |a, b| a.user.cmp(&b.user));
        let roles = ws
            .roles
            .sorted()
            .into_iter()
            .filter(|r| held.contains(&ws.roles.id(*r)))
            .filter_map(|r| {
                let role = ws.roles.get(r)?;
                Some(WorkspaceRoleDoc {
                    id: ws.roles.id(r).into(),
                    name: role.name.clone(),
                    points: role.points.clone(),
                })
            })
            .collect();
        let kept: BTreeSet<&str> = assets.iter().map(|a| self.assets.id(*a)).collect();
        let assets = assets
            .iter()
            .filter_map(|a| self.asset_doc(*a))
            .map(|mut doc| {
                doc.grants.retain(|g| viewer.is_target(&g.to));
                doc.references.retain(|r| kept.contains(r.as_str()));
                if let Some(sec) = doc.security.as_mut() {
                    viewer.cut_rules(sec);
                }
                doc
            })
            .collect();
        Some(WorkspacePart {
            id: self.workspaces.id(w).into(),
            members,
            roles,
            folders: folders.iter().filter_map(|f| self.folder_doc(*f)).collect(),
            assets,
            table_grants: ws.table_grants.values().cloned().collect(),
        })
    }

    /// The org part of a view: the members, groups, roles and data sources the parts name.
    pub(super) fn view_org_part(
        &self,
        viewer: &Viewer<'_>,
        member: &Member,
        headers: &[WorkspaceIx],
        parts: &[WorkspacePart],
    ) -> OrgPart {
        let mut users: BTreeSet<&str> = BTreeSet::new();
        let mut groups: BTreeSet<&str> = viewer.groups.clone();
        let mut sources: BTreeSet<&str> = BTreeSet::new();
        // The tables the view names, each with the columns it names (`None`: every column).
        let mut tables: BTreeMap<(&str, &str), Option<BTreeSet<&str>>> = BTreeMap::new();
        users.insert(viewer.id);
        for w in headers {
            if let Some(o) = self.workspaces.get(*w).and_then(|ws| ws.owner) {
                users.insert(self.members.id(o));
            }
        }
        for p in parts {
            users.extend(p.members.iter().map(|m| m.user.as_str()));
            users.extend(p.folders.iter().map(|f| f.created_by.as_str()));
            sources.extend(p.table_grants.iter().map(|g| g.source.as_str()));
            for g in &p.table_grants {
                let mut named: Vec<&str> = Vec::new();
                if let Some(rows) = &g.rows {
                    rows.columns(&mut named);
                }
                let columns = g.columns.as_ref().map(|cs| cs.iter().map(String::as_str));
                name_columns(&mut tables, (&g.source, &g.table), columns, named);
            }
            for a in &p.assets {
                users.insert(&a.owner);
                for g in &a.grants {
                    match &g.to {
                        Target::User(u) => users.insert(u),
                        Target::Group(x) => groups.insert(x),
                    };
                }
                let Some(sec) = &a.security else {
                    continue;
                };
                if let Some(t) = &sec.table {
                    sources.insert(&t.source);
                    // A dataset's table is its schema, which its viewers see.
                    let every: Option<core::iter::Empty<&str>> = None;
                    name_columns(&mut tables, (&t.source, &t.table), every, Vec::new());
                }
                let targets = sec.row_rules.iter().map(|r| &r.targets);
                for t in targets.chain(sec.column_rules.iter().map(|r| &r.targets)) {
                    users.extend(t.users.iter().map(String::as_str));
                    groups.extend(t.groups.iter().map(String::as_str));
                }
            }
        }
        // Every group the view names, with the groups it nests in.
        let mut kept_groups: BTreeSet<GroupIx> = BTreeSet::new();
        for g in groups {
            let mut at = self.groups.find(g);
            let mut steps = 0;
            while let Some(cur) = at {
                steps += 1;
                if !kept_groups.insert(cur) || steps > MAX_GROUP_DEPTH {
                    break;
                }
                at = self.groups.get(cur).and_then(|x| x.parent);
            }
        }

        let members = self
            .members
            .sorted()
            .into_iter()
            .filter(|u| users.contains(self.members.id(*u)))
            .map(|u| {
                let mine = u == viewer.ix;
                MemberDoc {
                    user: self.members.id(u).into(),
                    roles: if mine {
                        self.org_role_ids(u)
                    } else {
                        Vec::new()
                    },
                    attributes: if mine {
                        member.attributes.clone()
                    } else {
                        alloc::collections::BTreeMap::new()
                    },
                    // The viewer's own: what their grants in others' personal workspaces give.
                    reach: if mine { self.role_reach(u).0 } else { 0 },
                }
            })
            .collect();
        let org_roles = self
            .org_roles
            .sorted()
            .into_iter()
            .filter(|r| member.custom_roles.contains(r))
            .filter_map(|r| {
                let role = self.org_roles.get(r)?;
                Some(OrgRoleDoc {
                    id: self.org_roles.id(r).into(),
                    name: role.name.clone(),
                    points: role.points.clone(),
                })
            })
            .collect();
        let groups = self
            .groups
            .sorted()
            .into_iter()
            .filter(|g| kept_groups.contains(g))
            .filter_map(|g| {
                let group = self.groups.get(g)?;
                let mut in_view: Vec<String> = group
                    .members
                    .iter()
                    .map(|u| self.members.id(*u))
                    .filter(|u| users.contains(u))
                    .map(String::from)
                    .collect();
                crate::sort::sort(&mut in_view);
                Some(GroupDoc {
                    id: self.groups.id(g).into(),
                    name: group.name.clone(),
                    parent: group.parent.map(|p| self.groups.id(p).into()),
                    members: in_view,
                })
            })
            .collect();
        let headers: Vec<WorkspaceHeader> = headers
            .iter()
            .filter_map(|w| {
                let ws = self.workspaces.get(*w)?;
                Some(WorkspaceHeader {
                    id: self.workspaces.id(*w).into(),
                    kind: ws.kind,
                    name: ws.name.clone(),
                    mode: ws.mode,
                    owner: ws.owner.map(|o| self.members.id(o).into()),
                })
            })
            .collect();
        OrgPart {
            id: self.id.clone(),
            name: self.name.clone(),
            version: self.version,
            default_workspace: self
                .default_workspace
                .map(|w| self.workspaces.id(w).into())
                .unwrap_or_default(),
            members,
            org_roles,
            groups,
            workspaces: headers,
            data_sources: self
                .data_sources
                .values()
                .filter(|s| sources.contains(s.id.as_str()))
                .map(|s| DataSourceDef {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    tables: s
                        .tables
                        .iter()
                        .filter_map(|t| {
                            let named = tables.get(&(s.id.as_str(), t.name.as_str()))?;
                            Some(TableDef {
                                name: t.name.clone(),
                                columns: t
                                    .columns
                                    .iter()
                                    .filter(|c| {
                                        named.as_ref().is_none_or(|n| n.contains(c.name.as_str()))
                                    })
                                    .cloned()
                                    .collect(),
                            })
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The member and their effective groups, as grantees.
pub(super) fn grantees(user: UserIx, member: &Member) -> Vec<Grantee> {
    core::iter::once(Grantee::User(user))
        .chain(member.effective_groups.iter().map(|g| Grantee::Group(*g)))
        .collect()
}

/// Records that the view names `columns` (`None`: every column) and `more` of `table`: only
/// the tables and columns a member's workspaces were granted, or their datasets are built on,
/// reach them.
fn name_columns<'a>(
    tables: &mut BTreeMap<(&'a str, &'a str), Option<BTreeSet<&'a str>>>,
    table: (&'a str, &'a str),
    columns: Option<impl Iterator<Item = &'a str>>,
    more: Vec<&'a str>,
) {
    let entry = tables.entry(table).or_insert_with(|| Some(BTreeSet::new()));
    match (entry.as_mut(), columns) {
        (Some(named), Some(columns)) => {
            named.extend(columns);
            named.extend(more);
        }
        (Some(_), None) => *entry = None,
        (None, _) => {}
    }
}
