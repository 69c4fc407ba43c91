//! Snapshot to state. Loading reports every problem it finds, not just the first, so that
//! `orgspace validate` can list them all; a snapshot with any problem does not load.

use super::{FORMAT, FolderDoc, OrgPart, Snapshot, WorkspacePart};
use crate::apply::folders::insert_by_id;
use crate::audit::AuditEntry;
use crate::model::{
    Asset, CustomOrgRole, CustomRole, Folder, Grant, Grantee, Group, Member, MemberRoles, Org,
    Workspace,
};
use crate::roles::{PointTable, PresetRole};
use crate::rule::Rule;
use crate::table::{Table, WorkspaceIx};
use crate::vocab::WorkspaceKind;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

/// One thing wrong with a snapshot.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The invariant it breaks, where it is a rule of docs/rules.md (X5 lists them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rule {
            Some(rule) => write!(f, "{rule}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

pub(crate) fn problem(rule: Option<Rule>, message: String) -> Problem {
    Problem { rule, message }
}

#[derive(Debug)]
pub(super) struct Loader {
    pub(super) org: Org,
    problems: Vec<Problem>,
    /// Loading a member's view (`view_of`).
    view: bool,
}

impl Loader {
    fn report(&mut self, rule: Option<Rule>, message: String) {
        self.problems.push(problem(rule, message));
    }

    /// Ids and names in a snapshot obey the same shape rules as in commands.
    fn shape(&mut self, what: &str, id: &str, name: Option<&str>) {
        let checked = crate::apply::check_id(what, id).and_then(|()| match name {
            Some(n) => crate::apply::check_name(what, n),
            None => Ok(()),
        });
        if let Err(e) = checked {
            self.report(None, String::from(e.message()));
        }
    }

    /// A dataset's security must name a known table and rules that fit it, as the commands
    /// that set it require (D1-D3).
    fn check_security(
        &mut self,
        asset: &str,
        kind: crate::vocab::Kind,
        sec: &crate::data::DatasetSecurity,
    ) {
        if kind != crate::vocab::Kind::Dataset {
            if !sec.is_empty() {
                self.report(
                    Some(Rule::D2),
                    format!("asset `{asset}` is a {kind}; only datasets carry data rules"),
                );
            }
            return;
        }
        let Some(t) = &sec.table else {
            if !sec.row_rules.is_empty() || !sec.column_rules.is_empty() {
                self.report(
                    Some(Rule::D2),
                    format!("dataset `{asset}` has rules but is built on no table"),
                );
            }
            return;
        };
        // A dataset of a state from before deletion was refused for it may outlive its data
        // source and then shows nothing (D1). A source that exists must hold the table and
        // the columns its rules name, which `create_data_source` and `delete_data_source`
        // keep true.
        let Some(def) = self.org.data_sources.get(&t.source) else {
            return;
        };
        let checked = crate::apply::data::dataset_fits(&self.org, def, sec);
        if let Err(e) = checked {
            self.report(
                Some(Rule::D1),
                format!("dataset `{asset}`: {}", e.message()),
            );
        }
    }
}

impl Org {
    /// Builds an organization from a snapshot. With `partial`, workspaces listed in the org
    /// part may lack their part (a host loaded only the shards it needs). A member's view
    /// (`view_of`) skips the invariants a view cannot meet (see `invariant_problems`).
    pub(crate) fn load(snapshot: &Snapshot, partial: bool) -> Result<Org, Vec<Problem>> {
        let mut l = Loader::begin(
            snapshot.format,
            &snapshot.org,
            &snapshot.audit,
            snapshot.view_of.as_deref(),
        )?;
        let mut loaded: hashbrown::HashSet<WorkspaceIx> = hashbrown::HashSet::new();
        for p in &snapshot.workspaces {
            l.load_workspace(p, &mut loaded);
        }
        for p in &snapshot.workspaces {
            l.link_references(p);
        }
        let mut org = l.finish(&loaded, partial)?;
        // A view carries a listing only while it lists part of its lists (`Listing`).
        org.unlisted = org.view_of.is_some() && snapshot.listing.is_some();
        Ok(org)
    }

    /// [`Org::load`] of a partial snapshot, from the org part and some workspace parts as they
    /// are: nothing is copied into a snapshot first.
    pub(crate) fn load_parts(org: &OrgPart, parts: &[WorkspacePart]) -> Result<Org, Vec<Problem>> {
        let mut l = Loader::begin(FORMAT, org, &[], None)?;
        let mut loaded: hashbrown::HashSet<WorkspaceIx> = hashbrown::HashSet::new();
        for p in parts {
            l.load_workspace(p, &mut loaded);
        }
        for p in parts {
            l.link_references(p);
        }
        let mut org = l.finish(&loaded, true)?;
        org.note_missing(&loaded);
        Ok(org)
    }

    /// Records the listed workspaces whose parts a partial load did not hold
    /// (`Org::refuse_missing`).
    pub(super) fn note_missing(&mut self, loaded: &hashbrown::HashSet<WorkspaceIx>) {
        // In index order, so ascending.
        self.parts_missing = self
            .workspaces
            .iter()
            .map(|(ix, _)| ix)
            .filter(|ix| !loaded.contains(ix))
            .collect();
    }
}

impl Loader {
    /// The org part: members, roles, groups and the workspace headers, before any workspace
    /// part. A format this build does not read is refused at once.
    pub(super) fn begin(
        format: u32,
        part: &OrgPart,
        audit: &[AuditEntry],
        view_of: Option<&str>,
    ) -> Result<Loader, Vec<Problem>> {
        if format != FORMAT {
            return Err(alloc::vec![problem(
                None,
                format!("unknown snapshot format {format}; this build reads format {FORMAT}")
            )]);
        }
        let mut l = Loader {
            org: Org {
                id: part.id.clone(),
                name: part.name.clone(),
                version: part.version,
                audit: audit.to_vec(),
                ..Org::default()
            },
            problems: Vec::new(),
            view: view_of.is_some(),
        };
        if part.id.is_empty() {
            l.report(None, "organization id is empty".into());
        }

        for role in &part.org_roles {
            l.shape("organization role", &role.id, Some(&role.name));
            if l.org.org_roles.contains(&role.id) {
                l.report(
                    None,
                    format!("organization role `{}` appears twice", role.id),
                );
            }
            let mut points = role.points.clone();
            crate::sort::sort_unstable(&mut points);
            points.dedup();
            l.org.org_roles.insert(
                &role.id,
                CustomOrgRole {
                    name: role.name.clone(),
                    points,
                },
            );
        }

        // Each table grows once (a doubled vector holds up to twice what it needs).
        let id_bytes = |ids: &mut dyn Iterator<Item = &String>| ids.map(String::len).sum();
        l.org.members.reserve(
            part.members.len(),
            id_bytes(&mut part.members.iter().map(|m| &m.user)),
        );
        l.org.workspaces.reserve(
            part.workspaces.len(),
            id_bytes(&mut part.workspaces.iter().map(|w| &w.id)),
        );
        for m in &part.members {
            l.shape("user", &m.user, None);
            if let Err(e) = crate::apply::members::check_attributes(&m.attributes) {
                l.report(Some(Rule::D2), format!("member `{}`: {e}", m.user));
            }
            if l.org.members.contains(&m.user) {
                l.report(None, format!("member `{}` appears twice", m.user));
                continue;
            }
            let mut member = Member {
                org_admin: false,
                permission_admin: false,
                custom_roles: Vec::new(),
                personal: WorkspaceIx(u32::MAX),
                groups: Vec::new(),
                effective_groups: Vec::new(),
                attributes: m.attributes.clone(),
            };
            for role in &m.roles {
                match role.as_str() {
                    "org_admin" => member.org_admin = true,
                    "permission_admin" => member.permission_admin = true,
                    "member" => {}
                    other => match l.org.org_roles.find(other) {
                        Some(r) => crate::model::insert_sorted(&mut member.custom_roles, r),
                        None => l.report(
                            Some(Rule::O2),
                            format!("member `{}` holds unknown role `{other}`", m.user),
                        ),
                    },
                }
            }
            let ix = l.org.members.insert(&m.user, member);
            if m.reach != 0 {
                // Kept for a partial load or a view; a whole load recomputes it below.
                l.org.reach.insert(ix, crate::authz::RoleReach(m.reach));
            }
        }
        if let Some(v) = view_of {
            l.org.view_of = l.org.members.find(v);
            if l.org.view_of.is_none() {
                l.report(
                    Some(Rule::P1),
                    format!("the snapshot is the view of `{v}`, who is not a member"),
                );
            }
        }

        for g in &part.groups {
            l.shape("group", &g.id, Some(&g.name));
            if l.org.groups.contains(&g.id) {
                l.report(None, format!("group `{}` appears twice", g.id));
            }
            l.org.groups.insert(
                &g.id,
                Group {
                    name: g.name.clone(),
                    parent: None,
                    members: Vec::new(),
                },
            );
        }
        for g in &part.groups {
            let Some(gix) = l.org.groups.find(&g.id) else {
                continue;
            };
            let parent = match &g.parent {
                Some(p) => match l.org.groups.find(p) {
                    Some(p) => Some(p),
                    None => {
                        l.report(
                            Some(Rule::P2),
                            format!("group `{}` nests in unknown group `{p}`", g.id),
                        );
                        None
                    }
                },
                None => None,
            };
            let mut members = Vec::new();
            for u in &g.members {
                match l.org.members.find(u) {
                    Some(uix) => {
                        crate::model::insert_sorted(&mut members, uix);
                        if let Some(m) = l.org.members.get_mut(uix) {
                            crate::model::insert_sorted(&mut m.groups, gix);
                        }
                    }
                    None => l.report(
                        Some(Rule::P2),
                        format!("group `{}` holds unknown user `{u}`", g.id),
                    ),
                }
            }
            if let Some(group) = l.org.groups.get_mut(gix) {
                group.parent = parent;
                group.members = members;
            }
        }

        for h in &part.workspaces {
            // A personal workspace's id is the prefix and a user id, so it may exceed the id
            // length by the prefix (W3); its user part obeys the id rules.
            let id = match h.kind {
                WorkspaceKind::Personal => {
                    h.id.strip_prefix(crate::model::PERSONAL_PREFIX)
                        .unwrap_or(&h.id)
                }
                WorkspaceKind::Group => &h.id,
            };
            l.shape("workspace", id, Some(&h.name));
            if l.org.workspaces.contains(&h.id) {
                l.report(None, format!("workspace `{}` appears twice", h.id));
                continue;
            }
            let owner = match (&h.kind, &h.owner) {
                (WorkspaceKind::Personal, Some(o)) => match l.org.members.find(o) {
                    Some(o) => Some(o),
                    None => {
                        l.report(
                            Some(Rule::W3),
                            format!(
                                "personal workspace `{}` belongs to unknown user `{o}`",
                                h.id
                            ),
                        );
                        continue;
                    }
                },
                (WorkspaceKind::Personal, None) => {
                    l.report(
                        Some(Rule::W3),
                        format!("personal workspace `{}` names no owner", h.id),
                    );
                    continue;
                }
                (WorkspaceKind::Group, Some(_)) => {
                    l.report(None, format!("group workspace `{}` names an owner", h.id));
                    None
                }
                (WorkspaceKind::Group, None) => None,
            };
            let ix = l.org.workspaces.insert(
                &h.id,
                Workspace {
                    kind: h.kind,
                    name: h.name.clone(),
                    mode: h.mode,
                    owner,
                    members: HashMap::new(),
                    roles: Table::default(),
                    assets: Vec::new(),
                    folders: Vec::new(),
                    table_grants: BTreeMap::new(),
                    hot: Vec::new(),
                    grant_index: HashMap::new(),
                },
            );
            if let Some(o) = owner {
                let already = l
                    .org
                    .members
                    .get(o)
                    .is_some_and(|m| m.personal.0 != u32::MAX);
                if already {
                    l.report(
                        Some(Rule::W3),
                        format!(
                            "`{}` has more than one personal workspace",
                            l.org.members.id(o)
                        ),
                    );
                } else if let Some(m) = l.org.members.get_mut(o) {
                    m.personal = ix;
                }
            }
        }
        for source in &part.data_sources {
            if let Err(e) = crate::apply::data::check_source(source) {
                l.report(
                    Some(Rule::D1),
                    format!("data source `{}`: {}", source.id, e.message()),
                );
            }
            if l.org
                .data_sources
                .insert(source.id.clone(), source.clone())
                .is_some()
            {
                l.report(
                    Some(Rule::D1),
                    format!("data source `{}` appears twice", source.id),
                );
            }
        }
        l.org.default_workspace = l.org.workspaces.find(&part.default_workspace);
        if l.org.default_workspace.is_none() {
            l.report(
                Some(Rule::W2),
                format!(
                    "default workspace `{}` does not exist",
                    part.default_workspace
                ),
            );
        }

        Ok(l)
    }

    /// Goes on loading into an organization loaded from parts; the workspaces that hold
    /// anything count as loaded (an empty part given again adds nothing).
    pub(super) fn resume(org: Org) -> (Loader, hashbrown::HashSet<WorkspaceIx>) {
        let loaded = org
            .workspaces
            .iter()
            .filter(|(_, ws)| {
                !(ws.members.is_empty()
                    && ws.roles.len() == 0
                    && ws.assets.is_empty()
                    && ws.folders.is_empty()
                    && ws.table_grants.is_empty())
            })
            .map(|(ix, _)| ix)
            .collect();
        let l = Loader {
            org,
            problems: Vec::new(),
            view: false,
        };
        (l, loaded)
    }

    /// After the workspace parts: what every part is checked against (the parts a whole
    /// snapshot must hold, the group closure, X5).
    pub(super) fn finish(
        self,
        loaded: &hashbrown::HashSet<WorkspaceIx>,
        partial: bool,
    ) -> Result<Org, Vec<Problem>> {
        let mut l = self;
        if !partial {
            for (ix, _) in l.org.workspaces.iter() {
                if !loaded.contains(&ix) {
                    let id = l.org.workspaces.id(ix);
                    l.problems.push(problem(
                        None,
                        format!("workspace `{id}` is listed but its part is missing"),
                    ));
                }
            }
        } else if l.view {
            // A first view (`paged.rs`): what it does not hold, it must not answer for.
            // In index order, so ascending (no sort: none is in the browser module).
            l.org.unloaded = l
                .org
                .workspaces
                .iter()
                .map(|(ix, _)| ix)
                .filter(|ix| !loaded.contains(ix))
                .collect();
        }
        let users: Vec<_> = l.org.members.iter().map(|(u, _)| u).collect();
        for u in users {
            l.org.refresh_effective_groups(u);
        }
        if !partial && !l.view {
            l.org.recompute_reaches();
        }
        let mut problems = l.problems;
        problems.extend(l.org.invariant_problems(partial || l.view));
        if problems.is_empty() {
            Ok(l.org)
        } else {
            Err(problems)
        }
    }
}

impl Loader {
    fn load_workspace(
        &mut self,
        p: &super::WorkspacePart,
        loaded: &mut hashbrown::HashSet<WorkspaceIx>,
    ) {
        let Some(wix) = self.begin_part(&p.id, loaded) else {
            return;
        };
        self.part_head(wix, p);
        self.folders(wix, &p.id, &p.folders);
        self.reserve_assets(wix, p.assets.len(), 0);
        for a in &p.assets {
            self.asset(wix, &p.id, AssetFields::of(a));
        }
    }

    /// The workspace a part is for, unless it is not listed or was loaded already.
    pub(super) fn begin_part(
        &mut self,
        id: &str,
        loaded: &mut hashbrown::HashSet<WorkspaceIx>,
    ) -> Option<WorkspaceIx> {
        let Some(wix) = self.org.workspaces.find(id) else {
            self.report(
                None,
                format!("workspace part `{id}` is not listed in the organization"),
            );
            return None;
        };
        if !loaded.insert(wix) {
            self.report(None, format!("workspace part `{id}` appears twice"));
            return None;
        }
        Some(wix)
    }

    /// Room for `n` more assets in the asset table.
    pub(super) fn reserve_tables(&mut self, n: usize, bytes: usize) {
        self.org.assets.reserve(n, bytes);
    }

    /// Room for `n` more assets in the tables and in workspace `wix`'s lists (ids of about
    /// `bytes` bytes in all).
    pub(super) fn reserve_assets(&mut self, wix: WorkspaceIx, n: usize, bytes: usize) {
        self.reserve_tables(n, bytes);
        if let Some(ws) = self.org.workspaces.get_mut(wix) {
            ws.assets.reserve(n);
            ws.hot.reserve(n);
        }
    }

    /// A part's table grants, custom roles and members (what its assets do not need).
    pub(super) fn part_head(&mut self, wix: WorkspaceIx, p: &super::WorkspacePart) {
        for g in &p.table_grants {
            if let Err(e) = crate::apply::data::check_table_grant(&self.org, g) {
                self.report(
                    Some(Rule::D1),
                    format!("workspace `{}`: {}", p.id, e.message()),
                );
            }
        }
        let Some(ws) = self.org.workspaces.get_mut(wix) else {
            return;
        };
        for g in &p.table_grants {
            ws.table_grants
                .insert((g.source.clone(), g.table.clone()), g.clone());
        }
        for r in &p.roles {
            if PresetRole::parse(&r.id).is_some() || ws.roles.contains(&r.id) {
                self.problems.push(problem(
                    Some(Rule::R5),
                    format!("role `{}` in `{}` is a preset or appears twice", r.id, p.id),
                ));
            }
            let mut points = r.points.clone();
            crate::sort::sort_unstable(&mut points);
            points.dedup();
            let table = PointTable::from_points(&points);
            ws.roles.insert(
                &r.id,
                CustomRole {
                    name: r.name.clone(),
                    points,
                    table,
                },
            );
        }
        for m in &p.members {
            let Some(uix) = self.org.members.find(&m.user) else {
                self.problems.push(problem(
                    None,
                    format!("workspace `{}` has unknown member `{}`", p.id, m.user),
                ));
                continue;
            };
            let mut presets = 0u8;
            let mut custom = Vec::new();
            for r in &m.roles {
                if let Some(pr) = PresetRole::parse(r) {
                    presets |= pr.bit();
                } else if let Some(rix) = ws.roles.find(r) {
                    crate::model::insert_sorted(&mut custom, rix);
                } else {
                    self.problems.push(problem(
                        Some(Rule::W6),
                        format!("member `{}` of `{}` holds unknown role `{r}`", m.user, p.id),
                    ));
                }
            }
            let table = Org::role_table(ws, presets, &custom);
            if ws
                .members
                .insert(
                    uix,
                    MemberRoles {
                        presets,
                        custom,
                        table,
                    },
                )
                .is_some()
            {
                self.problems.push(problem(
                    None,
                    format!("member `{}` appears twice in `{}`", m.user, p.id),
                ));
            }
        }
    }

    /// A part's folders, then their nesting (a folder may nest in one listed after it).
    pub(super) fn folders(&mut self, wix: WorkspaceIx, ws_id: &str, folders: &[FolderDoc]) {
        for f in folders {
            self.shape("folder", &f.id, Some(&f.name));
            if self.org.folders.contains(&f.id) {
                self.report(None, format!("folder `{}` appears twice", f.id));
                continue;
            }
            let Some(by) = self.org.members.find(&f.created_by) else {
                self.report(
                    Some(Rule::X5),
                    format!(
                        "folder `{}` was made by unknown user `{}`",
                        f.id, f.created_by
                    ),
                );
                continue;
            };
            let fix = self.org.folders.insert(
                &f.id,
                Folder {
                    workspace: wix,
                    parent: None,
                    name: f.name.clone(),
                    created_by: by,
                },
            );
            if let Some(ws) = self.org.workspaces.get_mut(wix) {
                insert_by_id(&mut ws.folders, fix, &self.org.folders);
            }
        }
        for f in folders {
            let (Some(fix), Some(parent)) = (self.org.folders.find(&f.id), &f.parent) else {
                continue;
            };
            match self.org.folders.find(parent) {
                Some(pix)
                    if self
                        .org
                        .folders
                        .get(pix)
                        .is_some_and(|x| x.workspace == wix) =>
                {
                    if let Some(folder) = self.org.folders.get_mut(fix) {
                        folder.parent = Some(pix);
                    }
                }
                _ => self.report(
                    Some(Rule::X5),
                    format!(
                        "folder `{}` nests in `{parent}`, not a folder of `{ws_id}`",
                        f.id
                    ),
                ),
            }
        }
    }

    /// One asset of a part; its references are linked once every part is in.
    pub(super) fn asset(
        &mut self,
        wix: WorkspaceIx,
        ws_id: &str,
        a: AssetFields<'_>,
    ) -> Option<crate::table::AssetIx> {
        {
            self.shape("asset", a.id, Some(a.name));
            if let Some(sec) = a.security {
                self.check_security(a.id, a.kind, sec);
            }
            if self.org.assets.contains(a.id) {
                self.report(None, format!("asset `{}` appears twice", a.id));
                return None;
            }
            let Some(owner) = self.org.members.find(a.owner) else {
                self.report(
                    Some(Rule::R6),
                    format!("asset `{}` is owned by unknown user `{}`", a.id, a.owner),
                );
                return None;
            };
            let folder = match a.folder {
                Some(f) => match self.org.folders.find(f) {
                    Some(fix)
                        if self
                            .org
                            .folders
                            .get(fix)
                            .is_some_and(|x| x.workspace == wix) =>
                    {
                        Some(fix)
                    }
                    _ => {
                        self.report(
                            Some(Rule::X5),
                            format!("asset `{}` is in `{f}`, not a folder of `{ws_id}`", a.id),
                        );
                        None
                    }
                },
                None => None,
            };
            let mut grants: Vec<Grant> = Vec::new();
            for g in a.grants {
                let to = match &g.to {
                    crate::command::Target::User(u) => self.org.members.find(u).map(Grantee::User),
                    crate::command::Target::Group(x) => self.org.groups.find(x).map(Grantee::Group),
                };
                match to {
                    Some(to) if grants.iter().all(|x| x.to != to) => {
                        grants.push(Grant {
                            to,
                            level: g.level,
                            expires_at: g.expires_at,
                        });
                    }
                    Some(_) => self.report(
                        Some(Rule::A1),
                        format!("asset `{}` has two grants for one target", a.id),
                    ),
                    None => self.report(
                        Some(Rule::A1),
                        format!("asset `{}` grants to an unknown user or group", a.id),
                    ),
                }
            }
            let aix = self.org.assets.insert(
                a.id,
                Asset {
                    workspace: wix,
                    folder,
                    kind: a.kind,
                    owner,
                    public: a.public,
                    grants,
                    references: Vec::new(),
                    name: a.name.into(),
                    created_at: a.created_at,
                    security: a
                        .security
                        .filter(|s| !s.is_empty())
                        .cloned()
                        .map(alloc::boxed::Box::new),
                },
            );
            self.org.ws_add_asset(aix);
            Some(aix)
        }
    }

    /// Folder `id` when it is a folder of workspace `wix` (X5).
    #[cfg(feature = "parts")]
    pub(super) fn folder_of(&self, wix: WorkspaceIx, id: &str) -> Option<crate::table::FolderIx> {
        self.org.folders.find(id).filter(|fix| {
            self.org
                .folders
                .get(*fix)
                .is_some_and(|x| x.workspace == wix)
        })
    }

    /// [`Loader::asset`] with the owner, folder and grantees already looked up (`Err` carries
    /// the id that named nothing, for the problem): the binary part looks each id it lists up
    /// once, not once per asset (`binary.rs`). The same checks and problems as `asset`, kept
    /// apart from it so that the browser's module, which reads no binary part, does not grow;
    /// `tests/parts_binary.rs` holds the two to the same engines and problems. The `owner`,
    /// `folder` and `grants` fields of `a` are not read.
    #[cfg(feature = "parts")]
    pub(super) fn asset_resolved(
        &mut self,
        wix: WorkspaceIx,
        ws_id: &str,
        a: &AssetFields<'_>,
        owner: Result<crate::table::UserIx, &str>,
        folder: Option<Result<crate::table::FolderIx, &str>>,
        grants_in: impl Iterator<Item = (Option<Grantee>, crate::vocab::Level, Option<u64>)>,
    ) -> Option<crate::table::AssetIx> {
        self.shape("asset", a.id, Some(a.name));
        if let Some(sec) = a.security {
            self.check_security(a.id, a.kind, sec);
        }
        if self.org.assets.contains(a.id) {
            self.report(None, format!("asset `{}` appears twice", a.id));
            return None;
        }
        let owner = match owner {
            Ok(owner) => owner,
            Err(name) => {
                self.report(
                    Some(Rule::R6),
                    format!("asset `{}` is owned by unknown user `{name}`", a.id),
                );
                return None;
            }
        };
        let folder = match folder {
            Some(Ok(fix)) => Some(fix),
            Some(Err(f)) => {
                self.report(
                    Some(Rule::X5),
                    format!("asset `{}` is in `{f}`, not a folder of `{ws_id}`", a.id),
                );
                None
            }
            None => None,
        };
        let mut grants: Vec<Grant> = Vec::new();
        for (to, level, expires_at) in grants_in {
            match to {
                Some(to) if grants.iter().all(|x| x.to != to) => {
                    grants.push(Grant {
                        to,
                        level,
                        expires_at,
                    });
                }
                Some(_) => self.report(
                    Some(Rule::A1),
                    format!("asset `{}` has two grants for one target", a.id),
                ),
                None => self.report(
                    Some(Rule::A1),
                    format!("asset `{}` grants to an unknown user or group", a.id),
                ),
            }
        }
        let aix = self.org.assets.insert(
            a.id,
            Asset {
                workspace: wix,
                folder,
                kind: a.kind,
                owner,
                public: a.public,
                grants,
                references: Vec::new(),
                name: a.name.into(),
                created_at: a.created_at,
                security: a
                    .security
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .map(alloc::boxed::Box::new),
            },
        );
        self.org.ws_add_asset(aix);
        Some(aix)
    }

    /// Links one asset of a binary part to the assets it references (W5: of its own
    /// workspace), once its part is in: as [`Loader::link`], without copying an id.
    #[cfg(feature = "parts")]
    pub(super) fn link_one(&mut self, aix: crate::table::AssetIx, references: &[&str]) {
        let Some(wix) = self.org.assets.get(aix).map(|x| x.workspace) else {
            return;
        };
        let mut refs = Vec::with_capacity(references.len());
        for r in references {
            match self.org.assets.find(r) {
                Some(rix) if self.org.assets.get(rix).map(|x| x.workspace) == Some(wix) => {
                    crate::model::insert_sorted(&mut refs, rix);
                }
                _ => {
                    let id = self.org.assets.id(aix);
                    let message =
                        format!("asset `{id}` references `{r}`, not an asset of its workspace");
                    self.report(Some(Rule::W5), message);
                }
            }
        }
        if let Some(a) = self.org.assets.get_mut(aix) {
            a.references = refs;
        }
    }

    fn link_references(&mut self, p: &super::WorkspacePart) {
        self.link(
            p.assets
                .iter()
                .map(|a| (a.id.as_str(), a.references.as_slice())),
        );
    }

    /// Links assets to the assets they reference (W5: of their own workspace), by id.
    pub(super) fn link<'x>(&mut self, assets: impl Iterator<Item = (&'x str, &'x [String])>) {
        let mut links: BTreeMap<String, Vec<crate::table::AssetIx>> = BTreeMap::new();
        for (id, references) in assets.filter(|(_, r)| !r.is_empty()) {
            let Some(aix) = self.org.assets.find(id) else {
                continue;
            };
            let wix = self.org.assets.get(aix).map(|x| x.workspace);
            let mut refs = Vec::new();
            for r in references {
                match self.org.assets.find(r) {
                    Some(rix) if self.org.assets.get(rix).map(|x| x.workspace) == wix => {
                        crate::model::insert_sorted(&mut refs, rix);
                    }
                    _ => self.report(
                        Some(Rule::W5),
                        format!("asset `{id}` references `{r}`, not an asset of its workspace"),
                    ),
                }
            }
            links.insert(id.into(), refs);
        }
        for (id, refs) in links {
            if let Some(aix) = self.org.assets.find(&id) {
                if let Some(a) = self.org.assets.get_mut(aix) {
                    a.references = refs;
                }
            }
        }
    }
}

/// What loading one asset reads, borrowed from a parsed [`AssetDoc`](super::AssetDoc) or
/// straight from the JSON text (`stream.rs`).
pub(super) struct AssetFields<'x> {
    pub(super) id: &'x str,
    pub(super) kind: crate::vocab::Kind,
    pub(super) name: &'x str,
    pub(super) folder: Option<&'x str>,
    pub(super) owner: &'x str,
    pub(super) public: bool,
    pub(super) created_at: u64,
    pub(super) grants: &'x [super::GrantDoc],
    pub(super) security: Option<&'x crate::data::DatasetSecurity>,
}

impl<'x> AssetFields<'x> {
    pub(super) fn of(a: &'x super::AssetDoc) -> AssetFields<'x> {
        AssetFields {
            id: &a.id,
            kind: a.kind,
            name: &a.name,
            folder: a.folder.as_deref(),
            owner: &a.owner,
            public: a.public,
            created_at: a.created_at,
            grants: &a.grants,
            security: a.security.as_ref(),
        }
    }
}
