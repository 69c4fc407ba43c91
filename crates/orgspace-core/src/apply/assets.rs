//! Asset commands: create, change, move, delete, grant, revoke, share, make public, transfer
//! (R6, A1-A6, A8, W4).

use super::{Outcome, check_id, check_name};
use crate::command::Target;
use crate::error::{Refusal, conflict, denied, invalid, invalid_by};
use crate::event::Event;
use crate::model::{Asset, Grant, Grantee, Org};
use crate::rule::Rule;
use crate::table::{AssetIx, UserIx, WorkspaceIx};
use crate::vocab::{Kind, Level, Operation, WorkspaceKind};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The fields of `create_asset`.
pub(crate) struct NewAsset<'a> {
    pub id: &'a str,
    pub workspace: &'a str,
    pub kind: Kind,
    pub name: &'a str,
    pub folder: Option<&'a str>,
    pub references: &'a [String],
}

impl Org {
    /// Resolves the references of an asset in `ws` and checks the actor may build on each:
    /// `use` for data sources and datasets, `reference` for the rest (A8).
    pub(crate) fn resolve_references(
        &self,
        actor: UserIx,
        ws: WorkspaceIx,
        ids: &[String],
        now: u64,
    ) -> Result<Vec<AssetIx>, Refusal> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let r = self.asset(id)?;
            let Some(inner) = self.assets.get(r) else {
                continue;
            };
            if inner.workspace != ws {
                return Err(invalid_by(
                    Rule::W5,
                    format!("`{id}` is in another workspace; references stay within one workspace"),
                ));
            }
            let op = if inner.kind.is_data() {
                Operation::Use
            } else {
                Operation::Reference
            };
            self.require(actor, op, r, now)?;
            crate::model::insert_sorted(&mut out, r);
        }
        Ok(out)
    }

    /// Whether `from` reaches `to` through references.
    fn reaches(&self, from: &[AssetIx], to: AssetIx) -> bool {
        let mut stack: Vec<AssetIx> = from.to_vec();
        let mut seen = hashbrown::HashSet::new();
        while let Some(a) = stack.pop() {
            if a == to {
                return true;
            }
            if seen.insert(a) {
                if let Some(asset) = self.assets.get(a) {
                    stack.extend(asset.references.iter().copied());
                }
            }
        }
        false
    }

    fn referenced_by(&self, asset: AssetIx) -> Option<AssetIx> {
        let ws = self.assets.get(asset)?.workspace;
        self.workspaces.get(ws)?.assets.iter().copied().find(|a| {
            self.assets
                .get(*a)
                .is_some_and(|x| x.references.contains(&asset))
        })
    }

    /// Gives an asset a new owner and, between personal workspaces, a new workspace (O8, A6).
    pub(crate) fn change_owner(
        &mut self,
        ix: AssetIx,
        to: UserIx,
        to_ws: WorkspaceIx,
        events: &mut Vec<Event>,
    ) {
        let Some(asset) = self.assets.get(ix) else {
            return;
        };
        let from = asset.owner;
        let from_ws = asset.workspace;
        // The owner holds everything a grant could give them.
        self.change_grants(ix, |grants| grants.retain(|g| g.to != Grantee::User(to)));
        if from_ws != to_ws {
            self.ws_remove_asset(ix);
        }
        if let Some(asset) = self.assets.get_mut(ix) {
            asset.owner = to;
            if from_ws != to_ws {
                asset.workspace = to_ws;
                asset.folder = None;
            }
        }
        if from_ws == to_ws {
            self.refresh_hot(ix);
        } else {
            self.ws_add_asset(ix);
        }
        events.push(Event::OwnerChanged {
            asset: self.assets.id(ix).into(),
            from: self.members.id(from).into(),
            to: self.members.id(to).into(),
            from_workspace: self.workspaces.id(from_ws).into(),
            workspace: self.workspaces.id(to_ws).into(),
        });
    }

    fn asset_ws_id(&self, ix: AssetIx) -> String {
        self.assets
            .get(ix)
            .map(|a| self.workspaces.id(a.workspace).into())
            .unwrap_or_default()
    }
}

pub(super) fn create_asset(org: &mut Org, actor: UserIx, new: &NewAsset<'_>, at: u64) -> Outcome {
    check_id("asset", new.id)?;
    check_name("asset", new.name)?;
    let ws = org.workspace(new.workspace)?;
    org.require_create(actor, ws, new.kind)?;
    if org.assets.contains(new.id) {
        return Err(conflict(format!("asset `{}` already exists", new.id)));
    }
    let folder = org.folder_in(new.folder, ws)?;
    let references = org.resolve_references(actor, ws, new.references, at)?;
    let ix = org.assets.insert(
        new.id,
        Asset {
            workspace: ws,
            folder,
            kind: new.kind,
            owner: actor,
            public: false,
            grants: Vec::new(),
            references,
            name: new.name.into(),
            created_at: at,
            security: None,
        },
    );
    org.ws_add_asset(ix);
    Ok(alloc::vec![Event::AssetCreated {
        workspace: new.workspace.into(),
        asset: new.id.into()
    }])
}

pub(super) fn modify_asset(
    org: &mut Org,
    actor: UserIx,
    asset: &str,
    name: Option<&str>,
    references: Option<&[String]>,
    at: u64,
) -> Outcome {
    let ix = org.asset(asset)?;
    org.require(actor, Operation::Modify, ix, at)?;
    if name.is_none() && references.is_none() {
        return Err(invalid(
            "modify_asset changes nothing: give a name or references",
        ));
    }
    if let Some(name) = name {
        check_name("asset", name)?;
    }
    let ws = org
        .assets
        .get(ix)
        .map(|a| a.workspace)
        .ok_or_else(|| invalid("unknown asset"))?;
    let refs = references
        .map(|r| org.resolve_references(actor, ws, r, at))
        .transpose()?;
    if let Some(refs) = &refs {
        if org.reaches(refs, ix) {
            return Err(invalid(format!(
                "asset `{asset}` cannot reference itself, directly or through others"
            )));
        }
    }
    if let Some(a) = org.assets.get_mut(ix) {
        if let Some(name) = name {
            a.name = name.into();
        }
        if let Some(refs) = refs {
            a.references = refs;
        }
    }
    Ok(alloc::vec![Event::AssetChanged {
        workspace: org.asset_ws_id(ix),
        asset: asset.into()
    }])
}

pub(super) fn move_asset(
    org: &mut Org,
    actor: UserIx,
    asset: &str,
    folder: Option<&str>,
    at: u64,
) -> Outcome {
    let ix = org.asset(asset)?;
    org.require(actor, Operation::Modify, ix, at)?;
    let ws = org
        .assets
        .get(ix)
        .map(|a| a.workspace)
        .ok_or_else(|| invalid("unknown asset"))?;
    let folder = org.folder_in(folder, ws)?;
    if let Some(a) = org.assets.get_mut(ix) {
        a.folder = folder;
    }
    Ok(alloc::vec![Event::AssetChanged {
        workspace: org.asset_ws_id(ix),
        asset: asset.into()
    }])
}

pub(super) fn delete_asset(org: &mut Org, actor: UserIx, asset: &str, at: u64) -> Outcome {
    let ix = org.asset(asset)?;
    org.require(actor, Operation::Delete, ix, at)?;
    if let Some(user) = org.referenced_by(ix) {
        return Err(conflict(format!(
            "asset `{asset}` is referenced by `{}`",
            org.assets.id(user)
        )));
    }
    let workspace = org.asset_ws_id(ix);
    org.ws_remove_asset(ix);
    org.assets.remove(ix);
    Ok(alloc::vec![Event::AssetDeleted {
        workspace,
        asset: asset.into()
    }])
}

#[expect(
    clippy::too_many_arguments,
    reason = "grant and share are one command with two entry points"
)]
pub(super) fn grant(
    org: &mut Org,
    actor: UserIx,
    asset: &str,
    targets: &[Target],
    level: Level,
    expires_at: Option<u64>,
    at: u64,
    via_share: bool,
) -> Outcome {
    let ix = org.asset(asset)?;
    let op = if via_share {
        Operation::Share
    } else {
        Operation::Authorize
    };
    org.require(actor, op, ix, at)?;
    let a = org.assets.get(ix).ok_or_else(|| invalid("unknown asset"))?;
    let (kind, ws_ix, owner) = (a.kind, a.workspace, a.owner);
    if targets.is_empty() {
        return Err(invalid("nobody to share with"));
    }
    if level == Level::Use && !kind.is_data() {
        return Err(invalid_by(
            Rule::A1,
            format!("`use` grants exist only on data sources and datasets, not on a {kind}"),
        ));
    }
    if expires_at.is_some_and(|t| t <= at) {
        return Err(invalid_by(
            Rule::A1,
            "the grant would expire before it starts",
        ));
    }
    // X3: nobody grants what they do not hold (see below for grants that reach themselves).
    org.require_holds_level(actor, ix, level, at)?;
    let me = org.member(actor)?;
    let ws = org
        .workspaces
        .get(ws_ix)
        .ok_or_else(|| invalid("unknown workspace"))?;
    let mut grantees = Vec::with_capacity(targets.len());
    for target in targets {
        let grantee = org.grantee(target)?;
        if let Grantee::User(u) = grantee {
            let uid = org.members.id(u);
            if u == owner {
                return Err(invalid(format!("`{uid}` owns `{asset}` already")));
            }
            // W4: in a group workspace only its members, org admins included (they hold
            // everything through O6 without a grant, and own nothing where they are not in).
            if ws.kind == WorkspaceKind::Group && !ws.members.contains_key(&u) {
                return Err(denied(
                    Rule::W4,
                    format!(
                        "`{uid}` is not a member of workspace `{}`",
                        org.workspaces.id(ws_ix)
                    ),
                ));
            }
            // A2: in a group workspace the grantee's roles there cap the grant; in a personal
            // workspace, where they hold no role, the strongest role they hold in any group
            // workspace does (R3, R4 hold there too).
            let permitted = match ws.kind {
                WorkspaceKind::Group => org.role_permits(u, ws_ix, kind, level.operation()),
                WorkspaceKind::Personal => {
                    org.members.get(u).is_some_and(|m| m.org_admin)
                        || org.role_reach(u).permits(kind, level.operation())
                }
            };
            if !permitted {
                return Err(denied(
                    Rule::A2,
                    format!(
                        "no role of `{uid}` may {} a {kind}, so `{level}` would lift them above it",
                        level.operation()
                    ),
                ));
            }
        }
        if !grantees.contains(&grantee) {
            grantees.push(grantee);
        }
    }
    // X3: central authorizers are exempt only for grants to others (O4: they see nothing
    // through it). A grant that reaches the granter, to them or to a group they are in at any
    // depth (P2), needs a level they hold already, for as long as the grant would last.
    let to_self = grantees.iter().any(|grantee| match *grantee {
        Grantee::User(u) => u == actor,
        Grantee::Group(g) => Org::in_group(me, g),
    });
    let last = expires_at.map_or(u64::MAX, |t| t.saturating_sub(1));
    if to_self && !org.decide(actor, level.operation(), ix, last).allowed {
        return Err(denied(
            Rule::X3,
            format!(
                "`{}` cannot grant `{level}` on `{asset}` to themselves or a group they are in: they do not hold it for as long as the grant would last",
                org.members.id(actor)
            ),
        ));
    }
    let workspace: String = org.workspaces.id(ws_ix).into();
    let mut events = Vec::new();
    for grantee in grantees {
        let target = org.target_of(grantee);
        let grant = Grant {
            to: grantee,
            level,
            expires_at,
        };
        org.change_grants(ix, |grants| {
            match grants.iter_mut().find(|g| g.to == grantee) {
                Some(existing) => *existing = grant,
                None => grants.push(grant),
            }
        });
        events.push(Event::GrantSet {
            workspace: workspace.clone(),
            asset: asset.into(),
            target,
            level,
            expires_at,
        });
    }
    Ok(events)
}

pub(super) fn revoke(
    org: &mut Org,
    actor: UserIx,
    asset: &str,
    target: &Target,
    at: u64,
) -> Outcome {
    let ix = org.asset(asset)?;
    org.require(actor, Operation::Authorize, ix, at)?;
    let grantee = org.grantee(target)?;
    let has = org
        .assets
        .get(ix)
        .is_some_and(|a| a.grants.iter().any(|g| g.to == grantee));
    if !has {
        return Err(crate::error::not_found(format!(
            "`{asset}` has no grant for that {}",
            match target {
                Target::User(_) => "user",
                Target::Group(_) => "group",
            }
        )));
    }
    org.change_grants(ix, |grants| grants.retain(|g| g.to != grantee));
    Ok(alloc::vec![Event::GrantRemoved {
        workspace: org.asset_ws_id(ix),
        asset: asset.into(),
        target: target.clone()
    }])
}

pub(super) fn set_public(
    org: &mut Org,
    actor: UserIx,
    asset: &str,
    public: bool,
    at: u64,
) -> Outcome {
    let ix = org.asset(asset)?;
    org.require(actor, Operation::Share, ix, at)?;
    let a = org
        .assets
        .get_mut(ix)
        .ok_or_else(|| invalid("unknown asset"))?;
    if a.public == public {
        return Err(conflict(format!(
            "`{asset}` is already {}",
            if public { "public" } else { "not public" }
        )));
    }
    a.public = public;
    org.refresh_hot(ix);
    Ok(alloc::vec![Event::PublicSet {
        workspace: org.asset_ws_id(ix),
        asset: asset.into(),
        public
    }])
}

pub(super) fn transfer(org: &mut Org, actor: UserIx, asset: &str, to: &str, at: u64) -> Outcome {
    let ix = org.asset(asset)?;
    org.require(actor, Operation::Transfer, ix, at)?;
    let new_owner = org.user(to)?;
    let a = org.assets.get(ix).ok_or_else(|| invalid("unknown asset"))?;
    let (kind, ws_ix) = (a.kind, a.workspace);
    if a.owner == new_owner {
        return Err(conflict(format!("`{to}` already owns `{asset}`")));
    }
    let ws = org
        .workspaces
        .get(ws_ix)
        .ok_or_else(|| invalid("unknown workspace"))?;
    let to_ws = match ws.kind {
        // W4: from a personal workspace to anyone; the asset follows its owner (decided).
        WorkspaceKind::Personal => {
            if !a.references.is_empty() || org.referenced_by(ix).is_some() {
                return Err(conflict(format!(
                    "`{asset}` references or is referenced by other assets of the personal workspace; transfer cannot split them"
                )));
            }
            org.member(new_owner)?.personal
        }
        WorkspaceKind::Group => {
            // W4, org admins included (see `grant`).
            if !ws.members.contains_key(&new_owner) {
                return Err(denied(
                    Rule::W4,
                    format!(
                        "`{to}` is not a member of workspace `{}`",
                        org.workspaces.id(ws_ix)
                    ),
                ));
            }
            if !org.role_permits(new_owner, ws_ix, kind, Operation::Create) {
                return Err(denied(
                    Rule::A6,
                    format!("no role of `{to}` may create a {kind}"),
                ));
            }
            ws_ix
        }
    };
    let mut events = Vec::new();
    org.change_owner(ix, new_owner, to_ws, &mut events);
    Ok(events)
}
