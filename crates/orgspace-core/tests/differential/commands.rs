//! The reference's commands: for each, every reason to refuse it (from the state before it),
//! and its effect when there is none.

use super::reference::{
    Asset, Code, Folder, Grant, Group, Outcome, PERSONAL, Reference, Role, Why, Workspace, is_data,
    level_operation, personal_id, unknown, why,
};
use orgspace_core::{Command, Level, Operation, Target};
use std::collections::{BTreeMap, BTreeSet};

/// Deepest group nesting (P2).
const MAX_DEPTH: usize = 5;

impl Reference {
    /// Runs a command as `actor` at `at`: on acceptance the state changes; on refusal it does
    /// not, and every reason that applies is returned.
    pub(crate) fn apply(&mut self, actor: &str, cmd: &Command, at: u64) -> Outcome {
        if !self.members.contains_key(actor) {
            // P1: a non-member does nothing (this is about the caller, not an id in the command).
            return Outcome::Refused(vec![why(Code::Denied, &["P1"], "actor is not a member")]);
        }
        let mut no: Vec<Why> = Vec::new();
        match cmd {
            Command::CreateOrg { .. } => {
                no.push(why(Code::Conflict, &[], "organization exists"));
            }
            Command::AddMember {
                user,
                org_roles,
                workspace,
                workspace_roles,
                ..
            } => {
                self.refuse_add_member(
                    &mut no,
                    actor,
                    user,
                    org_roles,
                    workspace.as_deref(),
                    workspace_roles,
                );
                if no.is_empty() {
                    let admin = org_roles.iter().any(|r| r == "org_admin");
                    let padmin = org_roles.iter().any(|r| r == "permission_admin");
                    self.add_member_with_personal(user, admin, padmin);
                    // O7 (decisions: not for org admins added without workspace or roles).
                    let join = match workspace {
                        Some(w) => Some(w.clone()),
                        None if admin && workspace_roles.is_empty() => None,
                        None => Some(self.default_workspace.clone()),
                    };
                    if let Some(w) = join {
                        let roles = parse_roles(workspace_roles).unwrap_or_default();
                        if let Some(ws) = self.workspaces.get_mut(&w) {
                            ws.members.insert(user.clone(), roles);
                        }
                    }
                }
            }
            Command::RemoveMember { user, new_owner } => match new_owner {
                Some(new_owner) => {
                    self.refuse_remove_member(&mut no, actor, user, new_owner);
                    if no.is_empty() {
                        self.remove_member(user, new_owner);
                    }
                }
                None => {
                    if !self.is_org_admin(actor) {
                        no.push(why(Code::Denied, &["O3"], "only org admins remove members"));
                    }
                    no.push(why(Code::Invalid, &["O8"], "no new owner named"));
                }
            },
            Command::SetOrgRoles { user, roles } => {
                if !self.is_org_admin(actor) {
                    no.push(why(Code::Denied, &["O3"], "only org admins set org roles"));
                }
                if !self.members.contains_key(user) {
                    no.push(unknown("user"));
                }
                for r in roles {
                    if !matches!(r.as_str(), "org_admin" | "permission_admin" | "member") {
                        no.push(unknown("org role"));
                    }
                }
                let keeps_admin = roles.iter().any(|r| r == "org_admin");
                if self.is_org_admin(user) && !keeps_admin && self.org_admin_count() <= 1 {
                    no.push(why(Code::Denied, &["O5"], "last org admin"));
                }
                if no.is_empty() {
                    if let Some(m) = self.members.get_mut(user) {
                        m.org_admin = keeps_admin;
                        m.permission_admin = roles.iter().any(|r| r == "permission_admin");
                    }
                    self.keep_in_a_group_workspace(user);
                }
            }
            Command::CreateWorkspace {
                workspace,
                mode,
                admins,
                ..
            } => {
                if !self.is_org_admin(actor) {
                    no.push(why(
                        Code::Denied,
                        &["W1"],
                        "only org admins create workspaces",
                    ));
                }
                if workspace.starts_with(PERSONAL) {
                    no.push(why(Code::Invalid, &[], "personal: prefix"));
                }
                if self.workspaces.contains_key(workspace) {
                    no.push(why(Code::Conflict, &[], "workspace exists"));
                }
                match admins {
                    Some(list) if list.is_empty() => {
                        no.push(why(Code::Invalid, &[], "no admins"));
                    }
                    Some(list) => {
                        for a in list {
                            if !self.members.contains_key(a) {
                                no.push(unknown("admin"));
                            }
                        }
                    }
                    None => {}
                }
                if no.is_empty() {
                    let admins = admins.clone().unwrap_or_else(|| vec![actor.to_string()]);
                    let members = admins
                        .into_iter()
                        .map(|a| (a, BTreeSet::from([Role::Admin])))
                        .collect();
                    self.workspaces.insert(
                        workspace.clone(),
                        Workspace {
                            personal_of: None,
                            mode: *mode,
                            members,
                        },
                    );
                }
            }
            Command::SetWorkspaceMode { workspace, mode } => {
                match self.workspaces.get(workspace) {
                    None => no.push(unknown("workspace")),
                    Some(w) if w.personal_of.is_some() => personal_refusal(&mut no),
                    Some(w) => {
                        if !self.manages(actor, workspace) {
                            no.push(why(
                                Code::Denied,
                                &["W9", "R1", "W1"],
                                "not a workspace admin",
                            ));
                        }
                        if w.mode == *mode {
                            no.push(why(Code::Conflict, &[], "already in that mode"));
                        }
                    }
                }
                if no.is_empty() {
                    if let Some(w) = self.workspaces.get_mut(workspace) {
                        w.mode = *mode;
                    }
                }
            }
            Command::AddWorkspaceMember {
                workspace,
                user,
                roles,
            } => {
                self.refuse_ws_member_change(&mut no, actor, workspace, user);
                if self.roles_in(user, workspace).is_some() {
                    no.push(why(Code::Conflict, &[], "already a member"));
                }
                refuse_roles(&mut no, roles);
                if no.is_empty() {
                    let roles = parse_roles(roles).unwrap_or_default();
                    if let Some(w) = self.workspaces.get_mut(workspace) {
                        w.members.insert(user.clone(), roles);
                    }
                }
            }
            Command::RemoveWorkspaceMember { workspace, user } => {
                self.refuse_ws_member_change(&mut no, actor, workspace, user);
                if self.is_group_ws(workspace) && self.members.contains_key(user) {
                    if self.roles_in(user, workspace).is_none() {
                        no.push(why(Code::NotFound, &[], "not a member of the workspace"));
                    } else if !self.is_org_admin(user) && self.group_workspaces_of(user) <= 1 {
                        no.push(why(Code::Denied, &["O7"], "their only group workspace"));
                    }
                }
                if no.is_empty() {
                    if let Some(w) = self.workspaces.get_mut(workspace) {
                        w.members.remove(user);
                    }
                    // Their grants there go too (decisions: a grant to a non-member is refused).
                    let target = Target::User(user.clone());
                    for a in self.assets.values_mut() {
                        if &a.workspace == workspace {
                            a.grants.remove(&target);
                        }
                    }
                }
            }
            Command::SetWorkspaceRoles {
                workspace,
                user,
                roles,
            } => {
                self.refuse_ws_member_change(&mut no, actor, workspace, user);
                if self.is_group_ws(workspace)
                    && self.members.contains_key(user)
                    && self.roles_in(user, workspace).is_none()
                {
                    no.push(why(Code::NotFound, &[], "not a member of the workspace"));
                }
                refuse_roles(&mut no, roles);
                if no.is_empty() {
                    let roles = parse_roles(roles).unwrap_or_default();
                    if let Some(w) = self.workspaces.get_mut(workspace) {
                        w.members.insert(user.clone(), roles);
                    }
                }
            }
            Command::CreateGroup { group, parent, .. } => {
                if !self.is_org_admin(actor) {
                    no.push(why(Code::Denied, &["O2", "O3"], "manage_user_groups"));
                }
                if self.groups.contains_key(group) {
                    no.push(why(Code::Conflict, &[], "group exists"));
                }
                if let Some(p) = parent {
                    if !self.groups.contains_key(p) {
                        no.push(unknown("parent group"));
                    } else if self.group_depth(p) >= MAX_DEPTH {
                        no.push(why(Code::Denied, &["P2"], "too deep"));
                        no.push(why(Code::Invalid, &[], "too deep"));
                    }
                }
                if no.is_empty() {
                    self.groups.insert(
                        group.clone(),
                        Group {
                            parent: parent.clone(),
                            members: BTreeSet::new(),
                        },
                    );
                }
            }
            Command::AddGroupMember { group, user } => {
                if !self.is_org_admin(actor) {
                    no.push(why(Code::Denied, &["O2", "O3"], "manage_user_groups"));
                }
                if !self.members.contains_key(user) {
                    no.push(unknown("user"));
                }
                match self.groups.get(group) {
                    None => no.push(unknown("group")),
                    Some(g) if g.members.contains(user) => {
                        no.push(why(Code::Conflict, &[], "already in group"));
                    }
                    Some(_) => {}
                }
                if no.is_empty() {
                    if let Some(g) = self.groups.get_mut(group) {
                        g.members.insert(user.clone());
                    }
                }
            }
            Command::CreateFolder {
                folder,
                workspace,
                parent,
                ..
            } => {
                let ws_known = self.workspaces.contains_key(workspace);
                if !ws_known {
                    no.push(unknown("workspace"));
                }
                if let Some(p) = parent {
                    match self.folders.get(p) {
                        None => no.push(unknown("parent folder")),
                        Some(f) if ws_known && &f.workspace != workspace => {
                            no.push(why(Code::Invalid, &[], "parent in another workspace"));
                        }
                        Some(_) => {}
                    }
                }
                if self.folders.contains_key(folder) {
                    no.push(why(Code::Conflict, &[], "folder exists"));
                }
                // Decided by the engine where SPEC is silent: making a folder needs the right
                // to create some kind of asset there.
                if ws_known && !self.may_create_anything(actor, workspace) {
                    let rules = self.create_denial_rules(actor, workspace);
                    no.push(Why {
                        code: Code::Denied,
                        rules,
                        unknown_id: false,
                        note: "may create nothing here".into(),
                    });
                }
                if no.is_empty() {
                    self.folders.insert(
                        folder.clone(),
                        Folder {
                            workspace: workspace.clone(),
                            parent: parent.clone(),
                            creator: actor.into(),
                        },
                    );
                }
            }
            Command::DeleteFolder { folder } => {
                match self.folders.get(folder) {
                    None => no.push(unknown("folder")),
                    Some(f) => {
                        if !self.may_change_folder(actor, folder, f) {
                            no.push(why(Code::Denied, &["A7"], "not an admin or its creator"));
                        }
                        if self.assets.values().any(|a| {
                            a.folder
                                .as_deref()
                                .is_some_and(|x| self.folder_within(x, folder))
                        }) {
                            no.push(why(Code::Denied, &["A7"], "folder holds assets"));
                        }
                    }
                }
                if no.is_empty() {
                    let gone: Vec<String> = self
                        .folders
                        .keys()
                        .filter(|f| self.folder_within(f, folder))
                        .cloned()
                        .collect();
                    for f in gone {
                        self.folders.remove(&f);
                    }
                }
            }
            Command::CreateAsset {
                asset,
                workspace,
                kind,
                folder,
                references,
                ..
            } => {
                let ws_known = self.workspaces.contains_key(workspace);
                if !ws_known {
                    no.push(unknown("workspace"));
                }
                self.refuse_folder_in(
                    &mut no,
                    folder.as_deref(),
                    ws_known.then_some(workspace.as_str()),
                );
                if self.assets.contains_key(asset) {
                    no.push(why(Code::Conflict, &[], "asset exists"));
                }
                if !references.is_empty() {
                    no.push(why(Code::Invalid, &[], "references are outside this model"));
                }
                if ws_known && !self.may_create(actor, workspace, *kind) {
                    let rules = self.create_denial_rules(actor, workspace);
                    no.push(Why {
                        code: Code::Denied,
                        rules,
                        unknown_id: false,
                        note: "may not create that kind here".into(),
                    });
                }
                if no.is_empty() {
                    self.assets.insert(
                        asset.clone(),
                        Asset {
                            workspace: workspace.clone(),
                            folder: folder.clone(),
                            kind: *kind,
                            owner: actor.into(),
                            public: false,
                            grants: BTreeMap::new(),
                        },
                    );
                }
            }
            Command::MoveAsset { asset, folder } => {
                let ws = self.assets.get(asset).map(|a| a.workspace.clone());
                if ws.is_none() {
                    no.push(unknown("asset"));
                }
                self.refuse_folder_in(&mut no, folder.as_deref(), ws.as_deref());
                self.refuse_op(&mut no, actor, Operation::Modify, asset, at);
                if no.is_empty() {
                    if let Some(a) = self.assets.get_mut(asset) {
                        a.folder = folder.clone();
                    }
                }
            }
            Command::DeleteAsset { asset } => {
                if !self.assets.contains_key(asset) {
                    no.push(unknown("asset"));
                }
                self.refuse_op(&mut no, actor, Operation::Delete, asset, at);
                if no.is_empty() {
                    self.assets.remove(asset);
                }
            }
            Command::Grant {
                asset,
                target,
                level,
                expires_at,
            } => {
                let targets = std::slice::from_ref(target);
                self.refuse_grant(
                    &mut no,
                    actor,
                    asset,
                    targets,
                    *level,
                    *expires_at,
                    at,
                    Operation::Authorize,
                );
                if no.is_empty() {
                    self.set_grants(asset, targets, *level, *expires_at);
                }
            }
            Command::Share {
                asset,
                with,
                level,
                expires_at,
            } => {
                let level = level.unwrap_or(Level::View);
                if with.is_empty() {
                    no.push(why(Code::Invalid, &[], "nobody to share with"));
                }
                self.refuse_grant(
                    &mut no,
                    actor,
                    asset,
                    with,
                    level,
                    *expires_at,
                    at,
                    Operation::Share,
                );
                if no.is_empty() {
                    self.set_grants(asset, with, level, *expires_at);
                }
            }
            Command::Revoke { asset, target } => {
                if !self.assets.contains_key(asset) {
                    no.push(unknown("asset"));
                }
                let target_known = self.target_known(target);
                if !target_known {
                    no.push(unknown("target"));
                }
                self.refuse_op(&mut no, actor, Operation::Authorize, asset, at);
                if target_known
                    && self
                        .assets
                        .get(asset)
                        .is_some_and(|a| !a.grants.contains_key(target))
                {
                    no.push(why(Code::NotFound, &[], "no such grant"));
                }
                if no.is_empty() {
                    if let Some(a) = self.assets.get_mut(asset) {
                        a.grants.remove(target);
                    }
                }
            }
            Command::SetPublic { asset, public } => {
                if !self.assets.contains_key(asset) {
                    no.push(unknown("asset"));
                }
                self.refuse_op(&mut no, actor, Operation::Share, asset, at);
                if self.assets.get(asset).is_some_and(|a| a.public == *public) {
                    no.push(why(Code::Conflict, &[], "already so"));
                }
                if no.is_empty() {
                    if let Some(a) = self.assets.get_mut(asset) {
                        a.public = *public;
                    }
                }
            }
            Command::TransferOwnership { asset, to } => {
                if !self.assets.contains_key(asset) {
                    no.push(unknown("asset"));
                }
                if !self.members.contains_key(to) {
                    no.push(unknown("new owner"));
                }
                self.refuse_op(&mut no, actor, Operation::Transfer, asset, at);
                if let (Some(a), true) = (self.assets.get(asset), self.members.contains_key(to)) {
                    if &a.owner == to {
                        no.push(why(Code::Conflict, &[], "already the owner"));
                    }
                    if self.is_group_ws(&a.workspace) {
                        // W4 (org admins included), A6.
                        if self.roles_in(to, &a.workspace).is_none() {
                            no.push(why(Code::Denied, &["W4"], "not a member of the workspace"));
                        }
                        if !self.role_permits(to, &a.workspace, a.kind, Operation::Create) {
                            no.push(why(Code::Denied, &["A6"], "role may not create the kind"));
                        }
                    }
                }
                if no.is_empty() {
                    self.change_owner(asset, to);
                }
            }
            other => {
                no.push(why(
                    Code::Invalid,
                    &[],
                    format!("`{}` is outside this model", other.name()),
                ));
            }
        }
        if no.is_empty() {
            Outcome::Accepted
        } else {
            Outcome::Refused(no)
        }
    }

    fn is_group_ws(&self, ws: &str) -> bool {
        self.workspaces
            .get(ws)
            .is_some_and(|w| w.personal_of.is_none())
    }

    fn target_known(&self, target: &Target) -> bool {
        match target {
            Target::User(u) => self.members.contains_key(u),
            Target::Group(g) => self.groups.contains_key(g),
        }
    }

    /// Requires that the actor may perform `op` on the asset (when it exists).
    fn refuse_op(&self, no: &mut Vec<Why>, actor: &str, op: Operation, asset: &str, at: u64) {
        if self.assets.contains_key(asset) && !self.allows(actor, op, asset, at) {
            no.push(Why {
                code: Code::Denied,
                rules: self.denial_rules(actor, op, asset),
                unknown_id: false,
                note: format!("may not {op}"),
            });
        }
    }

    /// An optional folder must exist and lie in `ws` (when `ws` is known).
    fn refuse_folder_in(&self, no: &mut Vec<Why>, folder: Option<&str>, ws: Option<&str>) {
        let Some(f) = folder else { return };
        match self.folders.get(f) {
            None => no.push(unknown("folder")),
            Some(x) => {
                if ws.is_some_and(|w| w != x.workspace) {
                    no.push(why(Code::Invalid, &[], "folder in another workspace"));
                }
            }
        }
    }

    /// The checks shared by the commands that change a group workspace's members.
    fn refuse_ws_member_change(&self, no: &mut Vec<Why>, actor: &str, ws: &str, user: &str) {
        match self.workspaces.get(ws) {
            None => no.push(unknown("workspace")),
            Some(w) if w.personal_of.is_some() => personal_refusal(no),
            Some(_) => {
                if !self.manages(actor, ws) {
                    no.push(why(Code::Denied, &["R1", "W1"], "not a workspace admin"));
                }
            }
        }
        if !self.members.contains_key(user) {
            no.push(unknown("user"));
        }
    }

    fn refuse_add_member(
        &self,
        no: &mut Vec<Why>,
        actor: &str,
        user: &str,
        org_roles: &[String],
        workspace: Option<&str>,
        workspace_roles: &[String],
    ) {
        if !self.is_org_admin(actor) {
            no.push(why(Code::Denied, &["O3"], "only org admins add members"));
        }
        if self.members.contains_key(user) {
            no.push(why(Code::Conflict, &[], "already a member"));
        }
        for r in org_roles {
            if !matches!(r.as_str(), "org_admin" | "permission_admin" | "member") {
                no.push(unknown("org role"));
            }
        }
        if let Some(w) = workspace {
            match self.workspaces.get(w) {
                None => no.push(unknown("workspace")),
                Some(x) if x.personal_of.is_some() => personal_refusal(no),
                Some(_) => {
                    if !self.manages(actor, w) {
                        no.push(why(Code::Denied, &["R1", "W1"], "not a workspace admin"));
                    }
                }
            }
        }
        for r in workspace_roles {
            if Role::parse(r).is_none() {
                no.push(unknown("workspace role"));
            }
        }
    }

    fn refuse_remove_member(&self, no: &mut Vec<Why>, actor: &str, user: &str, heir: &str) {
        if !self.is_org_admin(actor) {
            no.push(why(Code::Denied, &["O3"], "only org admins remove members"));
        }
        let (known_user, known_heir) = (
            self.members.contains_key(user),
            self.members.contains_key(heir),
        );
        if !known_user {
            no.push(unknown("user"));
        }
        if !known_heir {
            no.push(unknown("new owner"));
        }
        if !(known_user && known_heir) {
            return;
        }
        if user == heir {
            no.push(why(Code::Invalid, &[], "new owner is the member"));
            return;
        }
        if self.is_org_admin(user) && self.org_admin_count() <= 1 {
            no.push(why(Code::Denied, &["O5"], "last org admin"));
        }
        // O8: the new owner must be able to own each asset of a group workspace: a member of
        // it (W4) whose roles create the kind. (Only org admins remove members here, and they
        // may transfer everything, so X3 for the hand-over never refuses in this model.)
        for a in self.assets.values() {
            if a.owner != user || !self.is_group_ws(&a.workspace) {
                continue;
            }
            if self.roles_in(heir, &a.workspace).is_none() {
                no.push(why(Code::Denied, &["W4"], "new owner not in the workspace"));
            }
            if !self.role_permits(heir, &a.workspace, a.kind, Operation::Create) {
                no.push(why(Code::Denied, &["O8"], "new owner may not own an asset"));
            }
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "grant and share share their checks"
    )]
    fn refuse_grant(
        &self,
        no: &mut Vec<Why>,
        actor: &str,
        asset_id: &str,
        targets: &[Target],
        level: Level,
        expires_at: Option<u64>,
        at: u64,
        op: Operation,
    ) {
        for t in targets {
            if !self.target_known(t) {
                no.push(unknown("target"));
            }
        }
        let Some(asset) = self.assets.get(asset_id) else {
            no.push(unknown("asset"));
            return;
        };
        self.refuse_op(no, actor, op, asset_id, at);
        if level == Level::Use && !is_data(asset.kind) {
            no.push(why(Code::Invalid, &[], "use grants only on data"));
        }
        if expires_at.is_some_and(|t| t <= at) {
            no.push(why(Code::Invalid, &[], "expires before it starts"));
        }
        // X3; central authorizers are exempt (decisions "Permission admins").
        if !self.authorizes_centrally(actor)
            && !self.allows(actor, level_operation(level), asset_id, at)
        {
            no.push(why(Code::Denied, &["X3"], "grants what they do not hold"));
        }
        let group_ws = self.is_group_ws(&asset.workspace);
        for t in targets {
            let Target::User(u) = t else { continue };
            if !self.members.contains_key(u) {
                continue;
            }
            if u == &asset.owner {
                no.push(why(Code::Invalid, &[], "grant to the owner"));
                no.push(why(Code::Conflict, &[], "grant to the owner"));
            }
            if group_ws {
                // W4, org admins included.
                if self.roles_in(u, &asset.workspace).is_none() {
                    no.push(why(Code::Denied, &["W4"], "grantee not in the workspace"));
                }
                if !self.role_permits(u, &asset.workspace, asset.kind, level_operation(level)) {
                    no.push(why(Code::Denied, &["A2"], "above the grantee's role"));
                }
            } else if !self.is_org_admin(u)
                && !self
                    .workspaces
                    .iter()
                    .filter(|(_, w)| w.personal_of.is_none())
                    .any(|(w, _)| self.role_permits(u, w, asset.kind, level_operation(level)))
            {
                // A2 in a personal workspace: the strongest role the grantee holds in any
                // group workspace caps the grant.
                no.push(why(Code::Denied, &["A2"], "above the grantee's roles"));
            }
        }
        // X3: the central authorizers' exemption covers grants to others only (decisions "X3
        // for grants to oneself"): a grant reaching the granter, to them or a group they are in,
        // needs what they hold until the grant's last moment.
        if targets.iter().any(|t| self.grant_applies(actor, t)) {
            let last = expires_at.map_or(u64::MAX, |t| t.saturating_sub(1));
            if !self.allows(actor, level_operation(level), asset_id, last) {
                no.push(why(
                    Code::Denied,
                    &["X3"],
                    "grants themselves what they do not hold",
                ));
            }
        }
    }

    fn set_grants(
        &mut self,
        asset: &str,
        targets: &[Target],
        level: Level,
        expires_at: Option<u64>,
    ) {
        if let Some(a) = self.assets.get_mut(asset) {
            for t in targets {
                a.grants.insert(t.clone(), Grant { level, expires_at });
            }
        }
    }

    /// Folders: admins of the workspace, org admins, the personal workspace's owner, and the
    /// folder's creator while they may still create there (the engine's decision; SPEC A7
    /// says only that folders carry no permissions of their own).
    fn may_change_folder(&self, actor: &str, _id: &str, f: &Folder) -> bool {
        let owner = self
            .workspaces
            .get(&f.workspace)
            .and_then(|w| w.personal_of.as_deref())
            == Some(actor);
        self.is_org_admin(actor)
            || owner
            || self.is_ws_admin(actor, &f.workspace)
            || (f.creator == actor && self.may_create_anything(actor, &f.workspace))
    }

    /// R6, A6, O8: a new owner; an asset of a personal workspace follows its owner into
    /// theirs (decisions "Personal workspaces"). The new owner's own grant is dropped: an owner
    /// holds everything a grant could give, and nobody is granted what they own.
    fn change_owner(&mut self, asset: &str, to: &str) {
        let to_personal = personal_id(to);
        let personal: BTreeSet<String> = self
            .workspaces
            .iter()
            .filter(|(_, w)| w.personal_of.is_some())
            .map(|(id, _)| id.clone())
            .collect();
        if let Some(a) = self.assets.get_mut(asset) {
            a.owner = to.into();
            a.grants.remove(&Target::User(to.into()));
            if personal.contains(&a.workspace) {
                a.workspace = to_personal;
                a.folder = None;
            }
        }
    }

    /// O8.
    fn remove_member(&mut self, user: &str, heir: &str) {
        let owned: Vec<String> = self
            .assets
            .iter()
            .filter(|(_, a)| a.owner == user)
            .map(|(id, _)| id.clone())
            .collect();
        for a in owned {
            self.change_owner(&a, heir);
        }
        let target = Target::User(user.into());
        for a in self.assets.values_mut() {
            a.grants.remove(&target);
        }
        for g in self.groups.values_mut() {
            g.members.remove(user);
        }
        let personal = personal_id(user);
        self.folders.retain(|_, f| f.workspace != personal);
        for f in self.folders.values_mut() {
            if f.creator == user {
                f.creator = heir.into();
            }
        }
        for w in self.workspaces.values_mut() {
            w.members.remove(user);
        }
        self.workspaces.remove(&personal);
        self.members.remove(user);
    }

    /// O7 after a demotion: a member who is not an org admin and in no group workspace joins
    /// the default workspace as visitor (decisions "The default workspace").
    fn keep_in_a_group_workspace(&mut self, user: &str) {
        if !self.is_org_admin(user) && self.group_workspaces_of(user) == 0 {
            let default = self.default_workspace.clone();
            if let Some(w) = self.workspaces.get_mut(&default) {
                w.members
                    .insert(user.into(), BTreeSet::from([Role::Visitor]));
            }
        }
    }
}

fn personal_refusal(no: &mut Vec<Why>) {
    // W3: a personal workspace holds no other member; refused as a denial or as bad input.
    no.push(why(Code::Denied, &["W3"], "personal workspace"));
    no.push(why(Code::Invalid, &[], "personal workspace"));
}

fn refuse_roles(no: &mut Vec<Why>, roles: &[String]) {
    if roles.is_empty() {
        no.push(why(Code::Invalid, &[], "no role (W6)"));
    }
    for r in roles {
        if Role::parse(r).is_none() {
            no.push(unknown("workspace role"));
        }
    }
}

/// Workspace roles; `visitor` when none is named (O7).
fn parse_roles(ids: &[String]) -> Option<BTreeSet<Role>> {
    if ids.is_empty() {
        return Some(BTreeSet::from([Role::Visitor]));
    }
    ids.iter().map(|id| Role::parse(id)).collect()
}
