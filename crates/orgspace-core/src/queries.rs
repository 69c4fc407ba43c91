//! The questions hosts ask, so that no host decides anything itself. Every one of them is
//! answered by the decision procedure (`authz`), and all of them treat two askers alike:
//!
//! - **A non-member is denied (P1), before any id in the question is looked at.** A question
//!   answered by a [`Decision`] (`check`, `check_create`, [`Engine::decide`], `may_import`,
//!   `audit_access`) answers `allowed: false` by P1; a question answered by anything else (lists,
//!   metadata, summaries, scopes, views, dry runs) refuses with `denied` by P1; `filter`, a
//!   decision per asset, keeps no asset. So a non-member learns nothing, not even which ids exist.
//! - **An engine loaded from a member's view answers only that member.** Asked about anyone
//!   else, every question refuses with [`Refusal::WrongView`]: the view lacks what the answer
//!   needs, so an answer would be wrong.
//!
//! Before an organization exists, every question is `not_found`, but `filter`, which keeps
//! nothing (nobody is a member yet).

use crate::authz::{GrantMatch, grant_for};
use crate::decision::{Decision, Reason};
use crate::engine::Engine;
use crate::error::{Refusal, denied, invalid, not_found};
use crate::model::{Org, point_bit};
use crate::rule::Rule;
use crate::table::{AssetIx, UserIx};
use crate::vocab::{Kind, Operation, OrgPoint};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// One permission question: an operation on an asset, or creating a kind of asset in a
/// workspace. The same shape on every host (the edge's `/check`, the npm package's `decide`,
/// the conformance scenarios' `check`).
///
/// - `create`: `workspace` and `kind`; or `asset` alone, which asks about its workspace and kind.
/// - Every other operation: `asset`; `workspace`, if given, must be the asset's (a hint that lets
///   a host load only that workspace); `kind` is refused.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The operation.
    pub operation: Operation,
    /// The asset asked about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// For `create`: the workspace. For others: the asset's workspace, as a hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// For `create`: the kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
}

impl CheckRequest {
    /// May the actor do `op` on `asset`?
    #[must_use]
    pub fn asset(op: Operation, asset: &str) -> CheckRequest {
        CheckRequest {
            operation: op,
            asset: Some(asset.into()),
            workspace: None,
            kind: None,
        }
    }

    /// May the actor create an asset of `kind` in `workspace`?
    #[must_use]
    pub fn create(workspace: &str, kind: Kind) -> CheckRequest {
        CheckRequest {
            operation: Operation::Create,
            asset: None,
            workspace: Some(workspace.into()),
            kind: Some(kind),
        }
    }
}

/// An asset's metadata as the caller may see it: only for callers who may view it.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetInfo {
    /// The asset.
    pub id: String,
    /// Its workspace.
    pub workspace: String,
    /// Its kind.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// Its folder, if any.
    pub folder: Option<String>,
    /// Its owner.
    pub owner: String,
    /// Whether it is public in its workspace (A4).
    pub public: bool,
    /// When it was created, in milliseconds since the epoch.
    pub created_at: u64,
    /// The assets it builds on or embeds (A8) that the caller may view too.
    pub references: Vec<String>,
    /// Whether the caller holds an active grant on it, directly or through a group (A1).
    pub granted: bool,
}

/// The organization as a member sees it, with what the member holds in it.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSummary {
    /// The organization's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: u64,
    /// Its default workspace (W2).
    pub default_workspace: String,
    /// The caller's standing.
    pub you: Standing,
}

/// What a member holds in the organization.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// The member.
    pub user: String,
    /// Whether they are an org admin (O6).
    pub org_admin: bool,
    /// The organization points their roles give them (O2), in the vocabulary's order.
    pub points: Vec<OrgPoint>,
    /// Whether their view (`Engine::snapshot_for`) is the whole organization: org admins and
    /// central authorizers (O4).
    pub whole_view: bool,
}

impl Engine {
    /// The organization and the actor's handle (`None` for a non-member), refusing a question
    /// about another member of the view this engine was loaded from.
    #[inline]
    pub(crate) fn asked(&self, actor: &str) -> Result<(&Org, Option<UserIx>), Refusal> {
        let org = self.org()?;
        if let Some(v) = org.view_of {
            let view_of = org.members.id(v);
            if view_of != actor {
                return Err(Refusal::WrongView {
                    view_of: view_of.into(),
                    actor: actor.into(),
                });
            }
        }
        Ok((org, org.members.find(actor)))
    }

    /// As [`Engine::asked`], refusing a non-member (P1).
    pub(crate) fn asked_by_member(&self, actor: &str) -> Result<(&Org, UserIx), Refusal> {
        match self.asked(actor)? {
            (org, Some(user)) => Ok((org, user)),
            (_, None) => Err(not_member(actor)),
        }
    }

    /// Decides one [`CheckRequest`] for `actor` at `now`.
    ///
    /// # Errors
    ///
    /// `invalid` for a request of the wrong shape, `not_found` for an unknown asset or
    /// workspace, [`Refusal::WrongView`] on another member's view.
    pub fn decide(
        &self,
        actor: &str,
        request: &CheckRequest,
        now: u64,
    ) -> Result<Decision, Refusal> {
        self.decide_parts(
            actor,
            request.operation,
            request.asset.as_deref(),
            request.workspace.as_deref(),
            request.kind,
            now,
        )
    }

    /// [`Engine::decide`] on borrowed parts: what `check` and `check_create` call, allocating
    /// nothing.
    #[inline]
    pub(crate) fn decide_parts(
        &self,
        actor: &str,
        op: Operation,
        asset: Option<&str>,
        workspace: Option<&str>,
        kind: Option<Kind>,
        now: u64,
    ) -> Result<Decision, Refusal> {
        let org = self.org()?;
        // The asset is looked up before the member, as the hot path of `check` always did (it
        // reads the asset next), but a non-member is answered first (P1).
        let found = asset.map(|a| org.asset(a));
        let (org, user) = self.asked(actor)?;
        let Some(user) = user else {
            return Ok(Decision::deny(Rule::P1, Reason::NotOrgMember));
        };
        match (op, asset, workspace, kind) {
            (Operation::Create, None, Some(ws), Some(kind)) => {
                Ok(org.decide_create(user, org.workspace(ws)?, kind))
            }
            (Operation::Create, Some(asset), None, None) => {
                let a = org.asset(asset)?;
                let (ws, kind) = org
                    .assets
                    .get(a)
                    .map(|a| (a.workspace, a.kind))
                    .ok_or_else(|| not_found(format!("unknown asset `{asset}`")))?;
                Ok(org.decide_create(user, ws, kind))
            }
            (Operation::Create, ..) => Err(invalid(
                "a create check names `workspace` and `kind`, or an `asset` alone",
            )),
            (_, Some(asset), hint, None) => {
                let a = match found {
                    Some(found) => found?,
                    None => org.asset(asset)?,
                };
                if let Some(hint) = hint {
                    let ws = org.workspace(hint)?;
                    if org.assets.get(a).is_none_or(|x| x.workspace != ws) {
                        return Err(not_found(format!(
                            "asset `{asset}` is not in workspace `{hint}`"
                        )));
                    }
                }
                Ok(org.decide(user, op, a, now))
            }
            (_, None, ..) => Err(invalid(format!("a {op} check names `asset`"))),
            (_, Some(_), _, Some(_)) => Err(invalid(format!(
                "a {op} check names no `kind`: the asset has one"
            ))),
        }
    }

    /// An asset's metadata for `actor`, who must be allowed to view it.
    ///
    /// # Errors
    ///
    /// `denied` (with the view decision's rule) for a caller who may not view it, `not_found`
    /// for an unknown asset.
    pub fn asset_info(&self, actor: &str, asset: &str, now: u64) -> Result<AssetInfo, Refusal> {
        let (org, user) = self.asked_by_member(actor)?;
        let ix = org.asset(asset)?;
        let may_view = |a: AssetIx| org.decide(user, Operation::View, a, now);
        let d = may_view(ix);
        if !d.allowed {
            return Err(denied(
                d.rule,
                format!("`{actor}` may not view `{asset}`: {}", org.explain(&d)),
            ));
        }
        let (Some(a), Some(member)) = (org.assets.get(ix), org.members.get(user)) else {
            return Err(not_found(format!("unknown asset `{asset}`")));
        };
        Ok(AssetInfo {
            id: asset.into(),
            workspace: org.workspaces.id(a.workspace).into(),
            kind: a.kind,
            name: a.name.clone(),
            folder: a.folder.map(|f| org.folders.id(f).into()),
            owner: org.members.id(a.owner).into(),
            public: a.public,
            created_at: a.created_at,
            references: a
                .references
                .iter()
                .filter(|r| may_view(**r).allowed)
                .map(|r| org.assets.id(*r).into())
                .collect(),
            granted: matches!(
                grant_for(member, user, a, crate::vocab::Level::View, now),
                GrantMatch::Active(..)
            ),
        })
    }

    /// The organization's summary and the caller's standing in it.
    ///
    /// # Errors
    ///
    /// `denied` by P1 for a non-member.
    pub fn org_summary(&self, actor: &str) -> Result<OrgSummary, Refusal> {
        let (org, user) = self.asked_by_member(actor)?;
        let member = org.member(user)?;
        let held = org.org_points(member);
        Ok(OrgSummary {
            id: org.id.clone(),
            name: org.name.clone(),
            version: org.version,
            default_workspace: org
                .default_workspace
                .map(|w| org.workspaces.id(w).into())
                .unwrap_or_default(),
            you: Standing {
                user: actor.into(),
                org_admin: member.org_admin,
                points: OrgPoint::ALL
                    .iter()
                    .copied()
                    .filter(|p| held & point_bit(*p) != 0)
                    .collect(),
                whole_view: org.sees_whole_org(member),
            },
        })
    }

    /// May `actor` import this organization (the engine loaded from the snapshot to import)?
    /// Only its org admins, who hold everything in it (O1, O6).
    ///
    /// # Errors
    ///
    /// `not_found` before an organization exists.
    pub fn may_import(&self, actor: &str) -> Result<Decision, Refusal> {
        let (org, user) = self.asked(actor)?;
        Ok(match user.and_then(|u| org.members.get(u)) {
            None => Decision::deny(Rule::P1, Reason::NotOrgMember),
            Some(member) => Org::import_decision(member),
        })
    }

    /// May `actor` read the audit log (X4)? Org admins and members whose roles hold
    /// `view_audit_log` (permission admins do).
    ///
    /// # Errors
    ///
    /// `not_found` before an organization exists.
    pub fn audit_access(&self, actor: &str) -> Result<Decision, Refusal> {
        let (org, user) = self.asked(actor)?;
        let Some(member) = user.and_then(|u| org.members.get(u)) else {
            return Ok(Decision::deny(Rule::P1, Reason::NotOrgMember));
        };
        Ok(org.audit_decision(member))
    }
}

/// The denial of a question asked by a non-member (P1).
pub(crate) fn not_member(actor: &str) -> Refusal {
    denied(
        Rule::P1,
        format!("`{actor}` is not a member of the organization"),
    )
}
