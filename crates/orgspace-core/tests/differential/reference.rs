//! A deliberately simple second implementation of the rules (SPEC P, O, W, R, A, X and
//! docs/decisions.md), for the differential test.
//!
//! Everything is a `BTreeMap` keyed by `String`; nothing is indexed or cached; every answer is
//! recomputed from the state. It shares only the vocabulary (commands, kinds, operations,
//! levels, modes) with the engine, never its logic.
//!
//! This file holds the state, the roles and the decisions (`check`, `visible_assets`, ...);
//! `commands.rs` holds the commands. A command is answered with the *set* of reasons that
//! each justify refusing it, computed from the state before the command. SPEC does not order most checks, so an engine that
//! stops at any one of them is right; the one ordering docs/decisions.md fixes ("ids are
//! checked before permissions") is kept by marking unknown-id reasons `unknown_id`.

use orgspace_core::{Kind, Level, Mode, Operation, Target};
use std::collections::{BTreeMap, BTreeSet};

/// The prefix of personal workspace ids (decisions: "`personal:` starts only personal
/// workspace ids").
pub(crate) const PERSONAL: &str = "personal:";

/// A refusal's code, as the engine's `Refusal::code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Code {
    Denied,
    Invalid,
    NotFound,
    Conflict,
}

/// One reason to refuse a command.
#[derive(Clone, Debug)]
pub(crate) struct Why {
    pub code: Code,
    /// For `Denied`: the rule IDs that may be named (any one will do).
    pub rules: Vec<&'static str>,
    /// An id in the command names nothing: this must win over any denial (decisions.md).
    pub unknown_id: bool,
    /// What is wrong, for failure messages.
    pub note: String,
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = match self.code {
            Code::Denied => "denied",
            Code::Invalid => "invalid",
            Code::NotFound => "not_found",
            Code::Conflict => "conflict",
        };
        write!(f, "{code}")?;
        if !self.rules.is_empty() {
            write!(f, " {}", self.rules.join("|"))?;
        }
        write!(
            f,
            " ({}{})",
            self.note,
            if self.unknown_id { ", unknown id" } else { "" }
        )
    }
}

/// What the reference makes of a command.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    Accepted,
    /// Every reason that applies; never empty.
    Refused(Vec<Why>),
}

/// Preset workspace roles (R1-R4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Role {
    Admin,
    Developer,
    Analyst,
    Visitor,
}

impl Role {
    pub(crate) fn parse(id: &str) -> Option<Role> {
        match id {
            "admin" => Some(Role::Admin),
            "developer" => Some(Role::Developer),
            "analyst" => Some(Role::Analyst),
            "visitor" => Some(Role::Visitor),
            _ => None,
        }
    }

    pub(crate) fn rule(self) -> &'static str {
        match self {
            Role::Admin => "R1",
            Role::Developer => "R2",
            Role::Analyst => "R3",
            Role::Visitor => "R4",
        }
    }
}

/// How far one role's permission for a (kind, operation) reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    No,
    /// Only what the user owns (R6).
    Own,
    /// What they own or hold a grant for at the operation's level (A5, decisions "Scopes").
    OwnOrGranted,
    /// Every asset of the kind they see (W7).
    Seen,
}

pub(crate) fn is_data(kind: Kind) -> bool {
    matches!(kind, Kind::DataSource | Kind::Dataset)
}

/// R1-R4 as tables, written out from SPEC and decisions.md ("Scopes", "Analysts").
fn reach(role: Role, kind: Kind, op: Operation) -> Reach {
    use Operation as O;
    use Reach::{No, Own, OwnOrGranted, Seen};
    match role {
        Role::Admin => Seen,
        Role::Developer => match kind {
            Kind::DataSource => match op {
                O::Create | O::Use | O::View => Seen,
                O::Modify | O::Delete | O::Share | O::Authorize | O::Transfer => Own,
                _ => No,
            },
            Kind::Dataset => match op {
                O::Create | O::Use | O::View => Seen,
                O::Modify => OwnOrGranted,
                O::Delete | O::Share | O::Authorize | O::Transfer => Own,
                _ => No,
            },
            _ => content_builder(kind, op),
        },
        Role::Analyst => match kind {
            Kind::DataSource => match op {
                O::View => Seen,
                _ => No,
            },
            Kind::Dataset => match op {
                O::Use | O::View => Seen,
                _ => No,
            },
            Kind::DataEntryForm => viewer(op),
            _ => content_builder(kind, op),
        },
        Role::Visitor => {
            if is_data(kind) {
                No
            } else {
                viewer(op)
            }
        }
    }
}

/// R2's content rights, which R3 gives analysts "as a developer".
fn content_builder(kind: Kind, op: Operation) -> Reach {
    use Operation as O;
    match op {
        O::Create | O::View | O::Reference => Reach::Seen,
        O::Modify | O::Export => Reach::OwnOrGranted,
        O::Delete | O::Share | O::Authorize | O::Transfer => Reach::Own,
        O::Publish if kind == Kind::Dashboard => Reach::Own,
        _ => Reach::No,
    }
}

/// R4 (and analysts on data entry forms): view, and export what is granted (decisions).
fn viewer(op: Operation) -> Reach {
    match op {
        Operation::View => Reach::Seen,
        Operation::Export => Reach::OwnOrGranted,
        _ => Reach::No,
    }
}

/// Whether a grant at `level` lets its holder perform `op` (A1 and decisions "Grant levels").
fn level_allows(level: Level, op: Operation, kind: Kind) -> bool {
    match op {
        Operation::View => true,
        Operation::Export => matches!(level, Level::Export | Level::Edit),
        Operation::Use => level == Level::Use || (level == Level::Edit && is_data(kind)),
        Operation::Modify => level == Level::Edit,
        _ => false,
    }
}

/// The operation a grant level stands for, which the granter must hold (X3) and the
/// grantee's role must permit (A2).
pub(crate) fn level_operation(level: Level) -> Operation {
    match level {
        Level::View => Operation::View,
        Level::Export => Operation::Export,
        Level::Use => Operation::Use,
        Level::Edit => Operation::Modify,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Member {
    pub org_admin: bool,
    pub permission_admin: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Group {
    pub parent: Option<String>,
    pub members: BTreeSet<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Workspace {
    /// Whose personal workspace this is; `None` for a group workspace.
    pub personal_of: Option<String>,
    pub mode: Mode,
    /// Members of a group workspace and their roles.
    pub members: BTreeMap<String, BTreeSet<Role>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Folder {
    pub workspace: String,
    pub parent: Option<String>,
    pub creator: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Grant {
    pub level: Level,
    pub expires_at: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Asset {
    pub workspace: String,
    pub folder: Option<String>,
    pub kind: Kind,
    pub owner: String,
    pub public: bool,
    pub grants: BTreeMap<Target, Grant>,
}

/// The whole state of one organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reference {
    pub members: BTreeMap<String, Member>,
    pub groups: BTreeMap<String, Group>,
    pub workspaces: BTreeMap<String, Workspace>,
    pub default_workspace: String,
    pub folders: BTreeMap<String, Folder>,
    pub assets: BTreeMap<String, Asset>,
}

pub(crate) fn personal_id(user: &str) -> String {
    format!("{PERSONAL}{user}")
}

pub(crate) fn why(code: Code, rules: &[&'static str], note: impl Into<String>) -> Why {
    Why {
        code,
        rules: rules.to_vec(),
        unknown_id: false,
        note: note.into(),
    }
}

pub(crate) fn unknown(note: impl Into<String>) -> Why {
    Why {
        code: Code::NotFound,
        rules: Vec::new(),
        unknown_id: true,
        note: note.into(),
    }
}

impl Reference {
    /// O1: `creator` creates the organization with the default workspace (W2) they administer.
    pub(crate) fn create_org(creator: &str, default_workspace: &str, mode: Mode) -> Reference {
        let mut r = Reference {
            members: BTreeMap::new(),
            groups: BTreeMap::new(),
            workspaces: BTreeMap::new(),
            default_workspace: default_workspace.into(),
            folders: BTreeMap::new(),
            assets: BTreeMap::new(),
        };
        r.add_member_with_personal(creator, true, false);
        let mut members = BTreeMap::new();
        members.insert(creator.to_string(), BTreeSet::from([Role::Admin]));
        r.workspaces.insert(
            default_workspace.into(),
            Workspace {
                personal_of: None,
                mode,
                members,
            },
        );
        r
    }

    pub(crate) fn add_member_with_personal(
        &mut self,
        user: &str,
        org_admin: bool,
        permission_admin: bool,
    ) {
        self.members.insert(
            user.into(),
            Member {
                org_admin,
                permission_admin,
            },
        );
        self.workspaces.insert(
            personal_id(user),
            Workspace {
                personal_of: Some(user.into()),
                mode: Mode::Private,
                members: BTreeMap::new(),
            },
        );
    }

    // ----- who holds what ---------------------------------------------------------------

    pub(crate) fn is_org_admin(&self, user: &str) -> bool {
        self.members.get(user).is_some_and(|m| m.org_admin)
    }

    /// O4: permission admins and org admins authorize centrally.
    pub(crate) fn authorizes_centrally(&self, user: &str) -> bool {
        self.members
            .get(user)
            .is_some_and(|m| m.org_admin || m.permission_admin)
    }

    pub(crate) fn roles_in(&self, user: &str, ws: &str) -> Option<&BTreeSet<Role>> {
        self.workspaces.get(ws)?.members.get(user)
    }

    pub(crate) fn is_ws_admin(&self, user: &str, ws: &str) -> bool {
        self.roles_in(user, ws)
            .is_some_and(|r| r.contains(&Role::Admin))
    }

    /// W1, R1: who manages a group workspace's members and mode.
    pub(crate) fn manages(&self, user: &str, ws: &str) -> bool {
        self.is_org_admin(user) || self.is_ws_admin(user, ws)
    }

    pub(crate) fn group_workspaces_of(&self, user: &str) -> usize {
        self.workspaces
            .values()
            .filter(|w| w.personal_of.is_none() && w.members.contains_key(user))
            .count()
    }

    pub(crate) fn org_admin_count(&self) -> usize {
        self.members.values().filter(|m| m.org_admin).count()
    }

    pub(crate) fn group_depth(&self, group: &str) -> usize {
        let mut depth = 0;
        let mut at = Some(group.to_string());
        while let Some(g) = at {
            depth += 1;
            if depth > 64 {
                break;
            }
            at = self.groups.get(&g).and_then(|x| x.parent.clone());
        }
        depth
    }

    /// P2: whether a grant to `group` reaches `user` (a member of it or of a group nested in
    /// it, at any depth).
    pub(crate) fn in_group(&self, user: &str, group: &str) -> bool {
        self.groups.iter().any(|(id, g)| {
            g.members.contains(user) && {
                // Is `group` this group or one of its ancestors?
                let mut at = Some(id.clone());
                let mut steps = 0;
                let mut found = false;
                while let Some(cur) = at {
                    if cur == group {
                        found = true;
                        break;
                    }
                    steps += 1;
                    if steps > 64 {
                        break;
                    }
                    at = self.groups.get(&cur).and_then(|x| x.parent.clone());
                }
                found
            }
        })
    }

    pub(crate) fn grant_applies(&self, user: &str, target: &Target) -> bool {
        match target {
            Target::User(u) => u == user,
            Target::Group(g) => self.in_group(user, g),
        }
    }

    /// A1: whether an active grant on the asset lets the user perform `op`.
    pub(crate) fn granted(&self, user: &str, asset: &Asset, op: Operation, now: u64) -> bool {
        asset.grants.iter().any(|(target, g)| {
            self.grant_applies(user, target)
                && g.expires_at.is_none_or(|t| now < t)
                && level_allows(g.level, op, asset.kind)
        })
    }

    /// Whether any grant, active or expired, would let the user perform `op`.
    pub(crate) fn granted_ever(&self, user: &str, asset: &Asset, op: Operation) -> bool {
        asset.grants.iter().any(|(target, g)| {
            self.grant_applies(user, target) && level_allows(g.level, op, asset.kind)
        })
    }

    /// What one role lets the user do to the asset.
    pub(crate) fn role_allows(
        &self,
        role: Role,
        user: &str,
        asset: &Asset,
        op: Operation,
        mode: Mode,
        now: u64,
    ) -> bool {
        let owner = asset.owner == user;
        match reach(role, asset.kind, op) {
            Reach::No => false,
            Reach::Own => owner,
            Reach::OwnOrGranted => owner || self.granted(user, asset, op, now),
            Reach::Seen => {
                mode == Mode::Collaboration
                    || owner
                    || asset.public
                    || self.granted(user, asset, Operation::View, now)
            }
        }
    }

    /// May `user` create a `kind` in `ws`? (W3 and decisions: only the owner creates in a
    /// personal workspace; O6; R1-R4.)
    pub(crate) fn may_create(&self, user: &str, ws: &str, kind: Kind) -> bool {
        let (Some(_), Some(w)) = (self.members.get(user), self.workspaces.get(ws)) else {
            return false;
        };
        if let Some(owner) = &w.personal_of {
            return owner == user;
        }
        if self.is_org_admin(user) {
            return true;
        }
        w.members.get(user).is_some_and(|roles| {
            roles
                .iter()
                .any(|r| reach(*r, kind, Operation::Create) != Reach::No)
        })
    }

    pub(crate) fn may_create_anything(&self, user: &str, ws: &str) -> bool {
        Kind::ALL.iter().any(|k| self.may_create(user, ws, *k))
    }

    /// Rules that may be named when `user` may not create a `kind` in `ws`.
    pub(crate) fn create_denial_rules(&self, user: &str, ws: &str) -> Vec<&'static str> {
        let Some(w) = self.workspaces.get(ws) else {
            return vec!["W5"];
        };
        if w.personal_of.is_some() {
            return vec!["W3"];
        }
        match w.members.get(user) {
            None => vec!["W5"],
            Some(roles) => roles.iter().map(|r| r.rule()).collect(),
        }
    }

    /// The decision for an existing asset (`op` other than create): allowed or not.
    pub(crate) fn allows(&self, user: &str, op: Operation, asset_id: &str, now: u64) -> bool {
        let (Some(_), Some(asset)) = (self.members.get(user), self.assets.get(asset_id)) else {
            return false;
        };
        if op == Operation::Create {
            return self.may_create(user, &asset.workspace, asset.kind);
        }
        // O6.
        if self.is_org_admin(user) {
            return true;
        }
        let Some(ws) = self.workspaces.get(&asset.workspace) else {
            return false;
        };
        let central = matches!(op, Operation::Share | Operation::Authorize)
            && self.authorizes_centrally(user);
        if let Some(owner) = &ws.personal_of {
            // W3: the owner holds everything; others act only through grants, at the grant's
            // level (W4, decisions "Personal workspaces").
            // A2 at decision time: no more than the member's roles permit in some group
            // workspace.
            return owner == user
                || central
                || (self.granted(user, asset, op, now)
                    && self.some_group_role_permits(user, asset.kind, op));
        }
        if central {
            return true;
        }
        let Some(roles) = ws.members.get(user) else {
            return false; // W5
        };
        // R1: workspace admins do everything and see everything (W7).
        if roles.contains(&Role::Admin) {
            return true;
        }
        // W6: the union of the member's roles.
        roles
            .iter()
            .any(|r| self.role_allows(*r, user, asset, op, ws.mode, now))
    }

    /// Rules that may be named when `allows` says no.
    pub(crate) fn denial_rules(
        &self,
        user: &str,
        op: Operation,
        asset_id: &str,
    ) -> Vec<&'static str> {
        let Some(asset) = self.assets.get(asset_id) else {
            return vec!["W5"];
        };
        if op == Operation::Create {
            return self.create_denial_rules(user, &asset.workspace);
        }
        let Some(ws) = self.workspaces.get(&asset.workspace) else {
            return vec!["W5"];
        };
        if ws.personal_of.is_some() {
            return vec!["W3", "W4", "A1", "A2"];
        }
        let Some(roles) = ws.members.get(user) else {
            return vec!["W5"];
        };
        let widest = roles
            .iter()
            .map(|r| reach(*r, asset.kind, op))
            .max()
            .unwrap_or(Reach::No);
        let expired =
            self.granted_ever(user, asset, op) || self.granted_ever(user, asset, Operation::View);
        let mut rules = match widest {
            Reach::No => roles.iter().map(|r| r.rule()).collect(),
            Reach::Own => vec![
                "R6",
                match op {
                    Operation::Delete | Operation::Modify => "A5",
                    Operation::Share | Operation::Authorize => "A3",
                    Operation::Transfer => "A6",
                    _ => "R6",
                },
            ],
            Reach::OwnOrGranted => vec!["A5", "A1"],
            Reach::Seen => vec!["W7", "W8"],
        };
        if expired && widest != Reach::No {
            rules.push("A1");
        }
        rules
    }

    /// A2, A6: whether the user's roles in the asset's group workspace permit `op` on `kind`
    /// at all (org admins hold every permission, O6).
    /// A2 in personal workspaces: whether a role the user holds in some group workspace
    /// permits `op` on `kind`.
    pub(crate) fn some_group_role_permits(&self, user: &str, kind: Kind, op: Operation) -> bool {
        self.workspaces
            .iter()
            .filter(|(_, w)| w.personal_of.is_none())
            .any(|(w, _)| self.role_permits(user, w, kind, op))
    }

    pub(crate) fn role_permits(&self, user: &str, ws: &str, kind: Kind, op: Operation) -> bool {
        if self.is_org_admin(user) {
            return true;
        }
        self.roles_in(user, ws)
            .is_some_and(|roles| roles.iter().any(|r| reach(*r, kind, op) != Reach::No))
    }

    // ----- queries -----------------------------------------------------------------------

    /// `check`: a non-member is denied before anything is looked up (P1); `Err` for an
    /// unknown asset.
    pub(crate) fn check(
        &self,
        user: &str,
        op: Operation,
        asset: &str,
        now: u64,
    ) -> Result<bool, Code> {
        if !self.members.contains_key(user) {
            return Ok(false);
        }
        if !self.assets.contains_key(asset) {
            return Err(Code::NotFound);
        }
        Ok(self.allows(user, op, asset, now))
    }

    /// `check_create`: `Err` for an unknown workspace.
    pub(crate) fn check_create(&self, user: &str, ws: &str, kind: Kind) -> Result<bool, Code> {
        if !self.members.contains_key(user) {
            return Ok(false);
        }
        if !self.workspaces.contains_key(ws) {
            return Err(Code::NotFound);
        }
        Ok(self.may_create(user, ws, kind))
    }

    /// Whether the user sees every asset and folder of the workspace (W3, W7, O6), or `Err`
    /// with the rule when they may not look into it.
    pub(crate) fn sees_all(&self, user: &str, ws: &str) -> Result<bool, (Code, &'static str)> {
        // P1 first: a non-member learns nothing, not even which workspaces exist.
        if !self.members.contains_key(user) {
            return Err((Code::Denied, "P1"));
        }
        let Some(w) = self.workspaces.get(ws) else {
            return Err((Code::NotFound, ""));
        };
        if self.is_org_admin(user) {
            return Ok(true);
        }
        if let Some(owner) = &w.personal_of {
            return Ok(owner == user);
        }
        match w.members.get(user) {
            None => Err((Code::Denied, "W5")),
            Some(roles) => Ok(roles.contains(&Role::Admin) || w.mode == Mode::Collaboration),
        }
    }

    /// W7, W8, W4: the assets of `ws` the user sees in the asset list, sorted by id.
    pub(crate) fn visible_assets(
        &self,
        user: &str,
        ws: &str,
        now: u64,
    ) -> Result<Vec<String>, (Code, &'static str)> {
        let all = self.sees_all(user, ws)?;
        let personal = self
            .workspaces
            .get(ws)
            .is_some_and(|w| w.personal_of.is_some());
        let roles = self.roles_in(user, ws).cloned().unwrap_or_default();
        Ok(self
            .assets
            .iter()
            .filter(|(_, a)| a.workspace == ws)
            .filter(|(_, a)| {
                if all {
                    return true;
                }
                if personal {
                    // Others see what was shared with them (W4).
                    return self.granted(user, a, Operation::View, now)
                        && self.some_group_role_permits(user, a.kind, Operation::View);
                }
                // Private mode (W7): a role that views the kind, and ownership, public or a
                // grant (decisions "Private mode").
                roles
                    .iter()
                    .any(|r| reach(*r, a.kind, Operation::View) != Reach::No)
                    && (a.owner == user || a.public || self.granted(user, a, Operation::View, now))
            })
            .map(|(id, _)| id.clone())
            .collect())
    }

    /// W7, W8: the folders of `ws` the user sees, sorted by id: all of them when they see
    /// everything, else those that hold, at any depth, an asset they see.
    pub(crate) fn visible_folders(
        &self,
        user: &str,
        ws: &str,
        now: u64,
    ) -> Result<Vec<String>, (Code, &'static str)> {
        let all = self.sees_all(user, ws)?;
        let seen = self.visible_assets(user, ws, now)?;
        Ok(self
            .folders
            .iter()
            .filter(|(_, f)| f.workspace == ws)
            .filter(|(id, _)| {
                all || seen.iter().any(|a| {
                    self.assets
                        .get(a)
                        .and_then(|x| x.folder.clone())
                        .is_some_and(|f| self.folder_within(&f, id))
                })
            })
            .map(|(id, _)| id.clone())
            .collect())
    }

    /// Whether folder `inner` is `outer` or nested in it at any depth.
    pub(crate) fn folder_within(&self, inner: &str, outer: &str) -> bool {
        let mut at = Some(inner.to_string());
        let mut steps = 0;
        while let Some(f) = at {
            if f == outer {
                return true;
            }
            steps += 1;
            if steps > 64 {
                return false;
            }
            at = self.folders.get(&f).and_then(|x| x.parent.clone());
        }
        false
    }
}
