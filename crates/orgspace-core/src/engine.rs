//! The public face of the core: one organization's state, its commands and its queries.

use crate::apply::{self, check_id, check_name};
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::data::{DataScope, DataSourceDef};
use crate::decision::{Decision, Reason};
use crate::error::{Refusal, conflict, denied, invalid, not_found};
use crate::event::Event;
use crate::model::{Org, PERSONAL_PREFIX, Workspace};
use crate::queries::not_member;
use crate::roles::PresetRole;
use crate::rule::Rule;
use crate::snapshot::{OrgPart, Problem, Snapshot, WorkspacePart};
use crate::sql::{Dialect, SqlQuery};
use crate::table::{AssetIx, Index, Table, UserIx};
use crate::vocab::{Kind, Mode, Operation, WorkspaceKind};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

/// The permission engine for one organization.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    org: Option<Org>,
    /// Loaded from some workspace parts only: answers queries on them, refuses commands.
    partial: bool,
    /// Loaded from a view that lists workspaces it holds no part of (a first view,
    /// `snapshot/paged.rs`): the view, to add workspace views to.
    pub(crate) paged: crate::snapshot::Paged,
}

/// What an accepted command did.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    /// The organization's version after the command.
    pub version: u64,
    /// The changes it made.
    pub events: Vec<Event>,
}

/// A decision with its reason as a sentence: what hosts send over the wire (X1).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Whether the operation is allowed.
    pub allowed: bool,
    /// The rule that decided it.
    pub rule: Rule,
    /// Why.
    pub reason: String,
}

/// Who would gain or lose sight of what if a workspace switched mode (W9).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DryRun {
    /// The workspace.
    pub workspace: String,
    /// Its mode now.
    pub from: Mode,
    /// The mode it would switch to.
    pub to: Mode,
    /// One entry per member whose asset list would change, sorted by user id.
    pub changes: Vec<SightChange>,
}

/// How one member's asset list would change.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SightChange {
    /// The member.
    pub user: String,
    /// Assets they would start seeing.
    pub gains: Vec<String>,
    /// Assets they would stop seeing.
    pub loses: Vec<String>,
}

/// A snapshot that could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// The text is not JSON of the snapshot's shape.
    #[error("snapshot is not valid: {0}")]
    Malformed(String),
    /// The snapshot breaks invariants (X5) or refers to things it does not hold.
    #[error("snapshot breaks {} invariant(s): {}", .0.len(), join(.0))]
    Problems(Vec<Problem>),
}

fn join(problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&format!("{p}"));
    }
    out
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.allowed { "allow" } else { "deny" };
        write!(f, "{verdict} ({}): {}", self.rule, self.reason)
    }
}

impl Engine {
    /// An engine with no organization yet: it accepts only `create_org`.
    #[must_use]
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Loads a whole organization, refusing a snapshot that breaks any invariant.
    pub fn from_snapshot(snapshot: &Snapshot) -> Result<Engine, SnapshotError> {
        // A member's view may list workspaces it holds no part of (a first view); queries
        // about them are refused (`Org::not_loaded`).
        let org =
            Org::load(snapshot, snapshot.view_of.is_some()).map_err(SnapshotError::Problems)?;
        Ok(Engine {
            // A member's view answers that member's queries only.
            partial: org.view_of.is_some(),
            paged: crate::snapshot::Paged::default(),
            org: Some(org),
        })
    }

    /// [`Engine::from_snapshot`], keeping a first view (`snapshot/paged.rs`) to add workspace
    /// views to ([`Engine::add_view`]).
    pub fn from_view(snapshot: Snapshot) -> Result<Engine, SnapshotError> {
        let mut engine = Engine::from_snapshot(&snapshot)?;
        if crate::snapshot::is_paged(&snapshot) {
            engine.paged = crate::snapshot::Paged(Some(alloc::boxed::Box::new(snapshot)));
        }
        Ok(engine)
    }

    /// Loads the org part and some workspace parts, for answering queries about those
    /// workspaces. The engine refuses commands.
    pub fn from_parts(
        org: &OrgPart,
        workspaces: &[WorkspacePart],
    ) -> Result<Engine, SnapshotError> {
        let org = Org::load_parts(org, workspaces).map_err(SnapshotError::Problems)?;
        Ok(Engine::of_parts(org))
    }

    /// An engine over an organization loaded from some parts: it answers queries only.
    pub(crate) fn of_parts(org: Org) -> Engine {
        Engine {
            org: Some(org),
            partial: true,
            paged: crate::snapshot::Paged::default(),
        }
    }

    /// The organization of an engine loaded from parts (not a member's view), to load more
    /// parts into; any other engine comes back as it was.
    pub(crate) fn into_parts_org(self) -> Result<Org, alloc::boxed::Box<Engine>> {
        match self.org {
            Some(org) if self.partial && org.view_of.is_none() => Ok(org),
            org => Err(alloc::boxed::Box::new(Engine {
                org,
                partial: self.partial,
                paged: self.paged,
            })),
        }
    }

    /// Loads a whole organization from snapshot JSON.
    pub fn from_json(json: &str) -> Result<Engine, SnapshotError> {
        let snapshot: Snapshot =
            serde_json::from_str(json).map_err(|e| SnapshotError::Malformed(format!("{e}")))?;
        Engine::from_snapshot(&snapshot)
    }

    /// The whole state, or `None` before `create_org`.
    #[must_use]
    pub fn snapshot(&self) -> Option<Snapshot> {
        self.org.as_ref().map(Org::snapshot)
    }

    /// The whole state as JSON (`null` before `create_org`).
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.snapshot()).unwrap_or_default()
    }

    /// What `user` may see of the organization, as a snapshot (a "view") that
    /// [`Engine::from_snapshot`] loads to answer `user`'s queries as this engine would at `now`
    /// and later, and that holds no workspace, member, asset or folder they may not see. Org
    /// admins and central authorizers get everything but the audit log; what others get is
    /// listed in `snapshot/view.rs` and docs/decisions.md. A non-member is denied (P1).
    pub fn snapshot_for(&self, user: &str, now: u64) -> Result<Snapshot, Refusal> {
        let (org, u) = self.asked_by_member(user)?;
        let member = org.member(u)?;
        org.refuse_missing(match org.sees_whole_org(member) {
            true => org
                .workspaces
                .iter()
                .map(|(w, _)| org.workspaces.id(w).into())
                .collect(),
            false => org.first_view_scope(u, None),
        })?;
        org.view_for(u, now).ok_or_else(|| not_member(user))
    }

    /// The organization-wide part of the snapshot.
    #[must_use]
    pub fn org_part(&self) -> Option<OrgPart> {
        self.org.as_ref().map(Org::org_part)
    }

    /// One workspace's part of the snapshot.
    #[must_use]
    pub fn workspace_part(&self, workspace: &str) -> Option<WorkspacePart> {
        let org = self.org.as_ref()?;
        org.workspace_part(org.workspaces.find(workspace)?)
    }

    /// The organization's id, once created.
    #[must_use]
    pub fn org_id(&self) -> Option<&str> {
        self.org.as_ref().map(|o| o.id.as_str())
    }

    /// The state's version: 0 before `create_org`, then one more per accepted command.
    #[must_use]
    pub fn version(&self) -> u64 {
        self.org.as_ref().map_or(0, |o| o.version)
    }

    /// The audit log, oldest first (X4).
    #[must_use]
    pub fn audit(&self) -> &[AuditEntry] {
        self.org.as_ref().map_or(&[], |o| o.audit.as_slice())
    }

    /// Whether `actor` may read the audit log (X4), as a refusal: [`Engine::audit_access`]'s
    /// denial, for hosts that keep the log elsewhere.
    pub fn may_view_audit_log(&self, actor: &str) -> Result<(), Refusal> {
        let d = self.audit_access(actor)?;
        if d.allowed {
            return Ok(());
        }
        Err(denied(
            d.rule,
            format!("`{actor}` may not read the audit log: {}", self.explain(&d)),
        ))
    }

    /// Every invariant the state breaks (X5); empty for any state reached by commands.
    #[must_use]
    pub fn invariant_problems(&self) -> Vec<Problem> {
        self.org
            .as_ref()
            .map(|o| o.invariant_problems(self.partial || o.writes_parts()))
            .unwrap_or_default()
    }

    /// Lets a copy made for a dry run (`access_diff`) run commands even if it holds only some
    /// workspaces. Never on an engine that is kept.
    pub(crate) fn allow_commands(&mut self) {
        self.partial = false;
    }

    /// Whether this engine was loaded from some parts to answer queries only (a reader's).
    #[cfg(feature = "parts")]
    pub(crate) fn answers_only(&self) -> bool {
        self.partial
    }

    /// A writable engine over an organization loaded from some parts (`parts.rs`).
    #[cfg(feature = "parts")]
    pub(crate) fn writable(org: Org) -> Engine {
        Engine {
            org: Some(org),
            partial: false,
            paged: crate::snapshot::Paged::default(),
        }
    }

    /// The organization and what it holds of a writable engine over parts, to load more
    /// parts into (`snapshot/indexed.rs`); any other engine comes back as it was.
    #[cfg(feature = "parts")]
    pub(crate) fn into_writable_org(
        self,
    ) -> Result<(Org, crate::index::Outside), alloc::boxed::Box<Engine>> {
        match self.org {
            Some(mut org) if !self.partial && org.outside.is_some() => match org.outside.take() {
                Some(outside) => Ok((org, *outside)),
                None => Err(alloc::boxed::Box::new(Engine::writable(org))),
            },
            org => Err(alloc::boxed::Box::new(Engine {
                org,
                partial: self.partial,
                paged: self.paged,
            })),
        }
    }

    /// The organization, to change outside a command: a round of one (`span.rs`), the end of an
    /// import part by part (`snapshot/import.rs`).
    #[cfg(feature = "parts")]
    pub(crate) fn org_mut(&mut self) -> Option<&mut Org> {
        self.org.as_mut()
    }

    pub(crate) fn org(&self) -> Result<&Org, Refusal> {
        self.org
            .as_ref()
            .ok_or_else(|| not_found("no organization has been created"))
    }

    /// Runs a command as `actor` at time `at` (milliseconds since the epoch). On success the
    /// version goes up by one and the change is in the audit log; on refusal nothing changed.
    pub fn execute(&mut self, actor: &str, command: &Command, at: u64) -> Result<Applied, Refusal> {
        if self.partial {
            return Err(invalid(
                "this engine holds part of an organization (some workspaces, or a member's view) and answers queries only",
            ));
        }
        let events = match (&mut self.org, command) {
            (
                None,
                Command::CreateOrg {
                    org,
                    name,
                    default_workspace,
                    default_workspace_name,
                    mode,
                },
            ) => {
                let created = create_org(
                    actor,
                    org,
                    name,
                    default_workspace,
                    default_workspace_name.as_deref(),
                    *mode,
                )?;
                self.org = Some(created);
                alloc::vec![Event::OrgCreated { org: org.clone() }]
            }
            (None, Command::UpgradeOrg(legacy)) => {
                let upgraded = crate::upgrade::upgrade(actor, legacy)?;
                self.org = Some(upgraded);
                alloc::vec![Event::OrgUpgraded {
                    org: legacy.org.clone(),
                    default_workspace: legacy.default_workspace.clone()
                }]
            }
            (None, _) => return Err(not_found("no organization has been created")),
            (Some(org), command) => {
                let Some(user) = org.members.find(actor) else {
                    return Err(denied(
                        Rule::P1,
                        format!("`{actor}` is not a member of the organization"),
                    ));
                };
                #[cfg(feature = "parts")]
                if org.writes_parts() {
                    org.require_needs(command)?;
                }
                apply::execute(org, user, command, at)?
            }
        };
        let org = self
            .org
            .as_mut()
            .ok_or_else(|| not_found("no organization"))?;
        if crate::authz::changes_reach(&events) {
            org.recompute_reaches();
        }
        #[cfg(feature = "parts")]
        org.settle_outside();
        org.version += 1;
        org.audit.push(AuditEntry {
            version: org.version,
            actor: actor.into(),
            at,
            command: command.clone(),
            events: events.clone(),
        });
        Ok(Applied {
            version: org.version,
            events,
        })
    }

    /// The dense handle of a member, for repeated checks without hashing ids. An engine
    /// loaded from a member's view gives a handle for that member only: it answers no one else.
    #[must_use]
    pub fn user_handle(&self, user: &str) -> Option<UserIx> {
        self.asked(user).ok()?.1
    }

    /// The dense handle of an asset.
    #[must_use]
    pub fn asset_handle(&self, asset: &str) -> Option<AssetIx> {
        self.org.as_ref()?.assets.find(asset)
    }

    /// Decides an operation on an asset by handles. `create` is decided by [`Engine::check_create`].
    pub fn check_handles(&self, user: UserIx, op: Operation, asset: AssetIx, now: u64) -> Decision {
        match &self.org {
            Some(org) => org.decide(user, op, asset, now),
            None => Decision::deny(Rule::P1, Reason::NotOrgMember),
        }
    }

    /// May `actor` perform `op` on `asset` at `now`? For `create`, the asset's workspace and
    /// kind are asked about. [`Engine::decide`] with
    /// [`CheckRequest::asset`](crate::CheckRequest::asset); a non-member is denied (P1) whether
    /// or not the asset exists, an unknown asset is `not_found`.
    #[inline]
    pub fn check(
        &self,
        actor: &str,
        op: Operation,
        asset: &str,
        now: u64,
    ) -> Result<Decision, Refusal> {
        self.decide_parts(actor, op, Some(asset), None, None, now)
    }

    /// May `actor` create an asset of `kind` in `workspace`? [`Engine::decide`] with
    /// [`CheckRequest::create`](crate::CheckRequest::create).
    pub fn check_create(
        &self,
        actor: &str,
        workspace: &str,
        kind: Kind,
    ) -> Result<Decision, Refusal> {
        self.decide_parts(
            actor,
            Operation::Create,
            None,
            Some(workspace),
            Some(kind),
            0,
        )
    }

    /// The reason of a decision as a sentence.
    #[must_use]
    pub fn explain(&self, decision: &Decision) -> String {
        self.org
            .as_ref()
            .map(|o| o.explain(decision))
            .unwrap_or_default()
    }

    /// A decision with its sentence, ready to serialize.
    #[must_use]
    pub fn answer(&self, decision: &Decision) -> Answer {
        Answer {
            allowed: decision.allowed,
            rule: decision.rule,
            reason: self.explain(decision),
        }
    }

    /// The ids of the assets `actor` sees in `workspace`'s asset list (W7, W8), by asset id.
    pub fn visible_assets(
        &self,
        actor: &str,
        workspace: &str,
        now: u64,
    ) -> Result<Vec<&str>, Refusal> {
        let (org, user) = self.asked_by_member(actor)?;
        let ws = org.workspace(workspace)?;
        let mode = org.workspaces.get(ws).map_or(Mode::Private, |w| w.mode);
        let ixs = org
            .visible_assets_in(user, ws, mode, now)
            .map_err(|d| self.refusal(actor, workspace, &d))?;
        Ok(ixs.into_iter().map(|a| org.assets.id(a)).collect())
    }

    /// The ids of the folders `actor` sees in `workspace` (W7, W8), by folder id.
    pub fn visible_folders(
        &self,
        actor: &str,
        workspace: &str,
        now: u64,
    ) -> Result<Vec<&str>, Refusal> {
        let (org, user) = self.asked_by_member(actor)?;
        let ws = org.workspace(workspace)?;
        let ixs = org
            .visible_folders_in(user, ws, now)
            .map_err(|d| self.refusal(actor, workspace, &d))?;
        Ok(ixs.into_iter().map(|f| org.folders.id(f)).collect())
    }

    /// The ids among `assets` on which `actor` may perform `op`, in their order; unknown ids
    /// are left out, and a non-member keeps none (P1). One call for a whole list:
    /// [`Engine::filter_indexes`] on the ids' indexes.
    ///
    /// # Errors
    ///
    /// [`Refusal::WrongView`] on another member's view. Before the organization exists, nothing
    /// is kept.
    pub fn filter<'a>(
        &self,
        actor: &str,
        op: Operation,
        assets: &[&'a str],
        now: u64,
    ) -> Result<Vec<&'a str>, Refusal> {
        let Some(org) = self.org.as_ref() else {
            return Ok(Vec::new());
        };
        self.asked(actor)?;
        let mut prev = None;
        let ixs: Vec<u32> = assets
            .iter()
            .map(|id| {
                let found = org.assets.find_next(id, prev);
                prev = found.or(prev);
                found.map_or(u32::MAX, Index::raw)
            })
            .collect();
        Ok(self
            .filter_indexes(actor, op, &ixs, now)?
            .into_iter()
            .filter_map(|k| assets.get(k as usize).copied())
            .collect())
    }

    /// Every asset id the engine has known, at its index: `asset_ids().nth(i)` names the asset
    /// of index `i`. The list only grows: an index, once given, names the same id for the
    /// engine's life (a removed asset keeps its slot, and gets it back if created again), so a
    /// host may keep a map from id to index and only add the ids past its end.
    pub fn asset_ids(&self) -> impl ExactSizeIterator<Item = &str> {
        self.org
            .as_ref()
            .map_or_else(crate::table::Ids::default, |o| o.assets.ids())
    }

    /// Whether every part of the organization this engine knows of is loaded: false for a
    /// first view (`snapshot/paged.rs`) that lists workspaces it does not hold, whose unknown
    /// ids may be in them. Hosts that skip the per-id lookup for speed ask it first.
    pub fn holds_every_part(&self) -> bool {
        self.org
            .as_ref()
            .is_none_or(|o| o.unloaded.is_empty() && !o.unlisted)
    }

    /// The span `(from, until)` around `now` in which no grant expires: `filter` answers at
    /// any `t` with `from <= t < until` as at `now` while the state (its version) stays the
    /// same, since an expiry is the only clock it reads (A1). The npm package keeps `filter`'s
    /// decisions for that span (`crates/orgspace-wasm/src/lists.rs`).
    #[must_use]
    pub fn filter_steady(&self, now: u64) -> (u64, u64) {
        let mut span = (0, u64::MAX);
        let grants = self.org.iter().flat_map(|o| o.assets.iter());
        for t in grants.flat_map(|(_, a)| a.grants.iter().filter_map(|g| g.expires_at)) {
            if t <= now {
                span.0 = span.0.max(t);
            } else {
                span.1 = span.1.min(t);
            }
        }
        span
    }

    /// [`Engine::filter`] by index: the positions in `assets` (indexes into
    /// [`Engine::asset_ids`]; any other number, `u32::MAX` say, is an unknown asset) of the
    /// assets on which `actor` may perform `op` at `now`, ascending. Removed and unknown
    /// assets, and any asset for a non-member, give nothing. Each answer is `check`'s.
    ///
    /// # Errors
    ///
    /// As [`Engine::filter`].
    pub fn filter_indexes(
        &self,
        actor: &str,
        op: Operation,
        assets: &[u32],
        now: u64,
    ) -> Result<Vec<u32>, Refusal> {
        if self.org.is_none() {
            // No organization, no member: nothing is kept (as for a non-member).
            return Ok(Vec::new());
        }
        Ok(match self.asked(actor)? {
            (org, Some(user)) => {
                // In a first view an id no loaded part holds may be in a workspace not loaded:
                // leaving it out would be a wrong deny.
                let unknown = || {
                    assets
                        .iter()
                        .any(|&a| org.assets.get(AssetIx::from_raw(a)).is_none())
                };
                if let Some(r) = org.not_loaded("an asset asked about").filter(|_| unknown()) {
                    return Err(r);
                }
                org.allowed_positions(user, op, assets, now)
            }
            (_, None) => Vec::new(),
        })
    }

    /// Who would gain or lose sight of what if `workspace` switched to `to` (W9). Asked by
    /// those who may switch it.
    pub fn mode_switch_dry_run(
        &self,
        actor: &str,
        workspace: &str,
        to: Mode,
        now: u64,
    ) -> Result<DryRun, Refusal> {
        let (org, user) = self.asked_by_member(actor)?;
        let ws = org.group_workspace(workspace)?;
        org.require_ws_manager_by(user, ws, Rule::W9)?;
        let from = org
            .workspaces
            .get(ws)
            .map_or(Mode::Collaboration, |w| w.mode);
        // The asset lists of the switch's access diff (`access_diff` of `set_workspace_mode`,
        // issue 15), computed from the lists alone: the browser module carries this and not the
        // diff (README of the package). `tests/access.rs` and `access_prop.rs` hold the two equal.
        let changes = org
            .mode_switch_changes(ws, to, now)
            .into_iter()
            .map(|(u, gains, loses)| SightChange {
                user: org.members.id(u).into(),
                gains: gains.into_iter().map(|a| org.assets.id(a).into()).collect(),
                loses: loses.into_iter().map(|a| org.assets.id(a).into()).collect(),
            })
            .collect();
        Ok(DryRun {
            workspace: workspace.into(),
            from,
            to,
            changes,
        })
    }

    /// What `actor` may see of a dataset's data (D4): columns (hidden ones left out, masked
    /// ones marked) and a row predicate, ready to apply to rows with [`DataScope::apply`].
    pub fn data_scope(&self, actor: &str, dataset: &str, now: u64) -> Result<DataScope, Refusal> {
        let (org, user) = self.asked_by_member(actor)?;
        let asset = org.asset(dataset)?;
        org.data_scope(user, asset, now)
    }

    // --- SQL and data through an asset (issue 18) ---

    /// A dataset's data as `actor` sees it through an asset built on it (A8 with D4): a
    /// dashboard viewer gets their own scope on the dataset behind it, without any right on
    /// the dataset itself. Refused (A8) when the dataset is not behind `through`.
    pub fn data_scope_through(
        &self,
        actor: &str,
        dataset: &str,
        through: &str,
        now: u64,
    ) -> Result<DataScope, Refusal> {
        let org = self.org()?;
        let asset = org.asset(dataset)?;
        let outer = org.asset(through)?;
        let user = org.members.find(actor).ok_or_else(|| not_member(actor))?;
        org.data_scope_through(user, asset, outer, now)
    }

    /// `actor`'s scope on a dataset (directly, or through an asset built on it) as one
    /// parameterized SQL statement for `dialect` (see [`crate::sql`]).
    pub fn sql(
        &self,
        actor: &str,
        dataset: &str,
        through: Option<&str>,
        dialect: Dialect,
        now: u64,
    ) -> Result<SqlQuery, Refusal> {
        let scope = match through {
            Some(t) => self.data_scope_through(actor, dataset, t, now)?,
            None => self.data_scope(actor, dataset, now)?,
        };
        let org = self.org()?;
        let table = scope
            .table
            .as_ref()
            .and_then(|t| org.table_def(&t.source, &t.table).ok());
        crate::sql::to_sql(&scope, table, dialect)
    }

    /// The organization's data sources (D1).
    #[must_use]
    pub fn data_sources(&self) -> Vec<&DataSourceDef> {
        self.org
            .as_ref()
            .map(|o| o.data_sources.values().collect())
            .unwrap_or_default()
    }

    fn refusal(&self, actor: &str, workspace: &str, d: &Decision) -> Refusal {
        denied(
            d.rule,
            format!(
                "`{actor}` may not see into `{workspace}`: {}",
                self.explain(d)
            ),
        )
    }
}

/// O1: a new organization with its creator as org admin, their personal workspace and the
/// default workspace they administer (W2).
fn create_org(
    actor: &str,
    id: &str,
    name: &str,
    default_ws: &str,
    default_name: Option<&str>,
    mode: Option<Mode>,
) -> Result<Org, Refusal> {
    crate::membership::check_org_id(id)?;
    check_name("organization", name)?;
    check_id("user", actor)?;
    check_id("workspace", default_ws)?;
    if default_ws.starts_with(PERSONAL_PREFIX) {
        return Err(invalid(format!(
            "`{PERSONAL_PREFIX}` starts only personal workspace ids"
        )));
    }
    let default_name = default_name.unwrap_or("Default");
    check_name("workspace", default_name)?;
    let mut org = Org {
        id: id.into(),
        name: name.into(),
        ..Org::default()
    };
    if org.workspaces.contains(default_ws) {
        return Err(conflict(format!("workspace `{default_ws}` already exists")));
    }
    let creator = org.insert_member(
        actor,
        apply::members::OrgRoles {
            admin: true,
            permission_admin: false,
            custom: Vec::new(),
        },
        BTreeMap::new(),
    );
    let ws = org.workspaces.insert(
        default_ws,
        Workspace {
            kind: WorkspaceKind::Group,
            name: default_name.into(),
            mode: mode.unwrap_or(Mode::Collaboration),
            owner: None,
            members: HashMap::new(),
            roles: Table::default(),
            assets: Vec::new(),
            folders: Vec::new(),
            table_grants: BTreeMap::new(),
            hot: Vec::new(),
            grant_index: HashMap::new(),
        },
    );
    org.insert_ws_member(ws, creator, PresetRole::Admin.bit(), Vec::new());
    org.default_workspace = Some(ws);
    Ok(org)
}
