//! The access diff in proportion to what the command touches (issues 13 and 15): the command
//! runs on a sub-engine holding only the parts the diff reads, with the rest outside as in the
//! edge writer's partial engine (`parts.rs`), not on a copy of the whole organization.
//!
//! Which parts a diff reads ([`Engine::diff_parts`]):
//! - the parts the command itself reads or writes (`needs.rs`): every decision and list entry
//!   it changes directly lives there;
//! - then, from the organization-level change the command makes (run first on those parts):
//!   every part, for a member whose standing over every workspace changes (an org admin, O6, or
//!   a central authorizer, O4, made, unmade, added or removed); the parts granting a group whose
//!   membership changes for some member (P2); the personal workspaces granting a member, or a
//!   group they are in, whose role reach changes (A2, R3: the reach caps grants there); a
//!   workspace whose mode, kind or owner changes.
//!
//! Nothing else can change a decision or a list (the property test `tests/access_bounded.rs`
//! holds the bounded diff to the whole copy's, and shows a part left out is missed). A change
//! that reaches every part is run on a copy of the whole engine, which is then cheaper than
//! copying it part by part; a partial engine (the writer) must hold every part for it.

use super::diff::{AccessDiff, diff_of, raws};
use crate::authz::RoleReach;
use crate::command::Command;
use crate::engine::{Applied, Engine};
use crate::error::{Refusal, invalid};
use crate::index::{OrgIndex, Outside, WorkspaceRefs};
use crate::model::{Grantee, Member, Org};
use crate::needs::Needs;
use crate::snapshot::WorkspacePart;
use crate::table::{GroupIx, Index, UserIx, WorkspaceIx};
use crate::vocab::WorkspaceKind;
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// What an organization-level change reaches beyond the command's own parts.
#[derive(Default)]
struct Spread {
    /// Some member's standing over every workspace changed: every part.
    all: bool,
    /// Groups whose membership changed for some member: the parts granting them.
    groups: BTreeSet<String>,
    /// Members whose role reach changed, with the groups they are in before or after: the
    /// personal workspaces granting either.
    guests: BTreeMap<String, BTreeSet<String>>,
    /// Workspaces whose mode, kind or owner changed.
    workspaces: BTreeSet<String>,
}

/// How many times a whole engine's copy costs, per asset, less than a part copied into a
/// sub-engine (saved and loaded: 100 ms for a 100,000-asset part against 15 ms to clone the
/// whole engine holding it, `bench/access.mjs`).
const PART_COST: usize = 8;

/// How far the diff's planning got.
enum Plan {
    /// The command's own parts (and asset ids to locate), some not held.
    Missing(crate::needs::Scope),
    /// A whole engine whose copy costs less than a sub-engine of the parts.
    Whole,
    /// The command's parts were held and it ran on them.
    Ran {
        /// The command's own parts.
        own: BTreeSet<String>,
        /// Every part the diff reads; `None` for every part.
        parts: Option<BTreeSet<String>>,
        /// Asset ids the command names that no held part holds.
        assets: BTreeSet<String>,
        /// The sub-engine before, and after the command, with what it did.
        before: Box<Engine>,
        after: Box<Engine>,
        applied: Applied,
    },
}

/// The member's standing over every workspace: org admin (O6), central authorizer (O4).
fn wide(org: &Org, member: Option<&Member>) -> (bool, bool) {
    member.map_or((false, false), |m| {
        (m.org_admin, org.authorizes_centrally(m))
    })
}

fn group_ids(org: &Org, groups: &[GroupIx]) -> impl Iterator<Item = String> {
    groups.iter().map(|g| String::from(org.groups.id(*g)))
}

/// What the change from `b` to `a` (a sub-engine before and after a command) reaches.
fn spread(b: &Org, a: &Org) -> Spread {
    let mut s = Spread::default();
    for r in raws(b.members.index_bound(), a.members.index_bound()) {
        let u = UserIx::from_raw(r);
        let (x, y) = (b.members.get(u), a.members.get(u));
        if x.is_none() && y.is_none() {
            continue;
        }
        let (wb, wa) = (wide(b, x), wide(a, y));
        if wb != wa {
            s.all = true;
            return s;
        }
        let none: &[GroupIx] = &[];
        let gb = x.map_or(none, |m| m.effective_groups.as_slice());
        let ga = y.map_or(none, |m| m.effective_groups.as_slice());
        if gb != ga {
            s.groups.extend(group_ids(
                b,
                &gb.iter()
                    .filter(|g| ga.binary_search(g).is_err())
                    .copied()
                    .collect::<Vec<_>>(),
            ));
            s.groups.extend(group_ids(
                a,
                &ga.iter()
                    .filter(|g| gb.binary_search(g).is_err())
                    .copied()
                    .collect::<Vec<_>>(),
            ));
        }
        let reach_of = |org: &Org, m: Option<&Member>| m.map(|_| org.role_reach(u));
        if reach_of(b, x) != reach_of(a, y) || x.is_some() != y.is_some() {
            let id = String::from(if x.is_some() { b } else { a }.members.id(u));
            let groups = s.guests.entry(id).or_default();
            groups.extend(group_ids(b, gb));
            groups.extend(group_ids(a, ga));
        }
    }
    for r in raws(b.workspaces.index_bound(), a.workspaces.index_bound()) {
        let w = WorkspaceIx::from_raw(r);
        let same = match (b.workspaces.get(w), a.workspaces.get(w)) {
            (Some(x), Some(y)) => x.kind == y.kind && x.mode == y.mode && x.owner == y.owner,
            (None, None) => true,
            _ => false,
        };
        if !same && b.workspaces.get(w).is_some() {
            s.workspaces.insert(b.workspaces.id(w).into());
        }
    }
    s
}

impl Org {
    /// The index a sub-engine of a whole organization needs for the parts it does not hold:
    /// what commands ask of them (members and their reach: O7 and the reach, A2; folder ids:
    /// their uniqueness). The parts a command spans were found on the whole organization.
    fn sub_index(&self) -> OrgIndex {
        if self.outside.is_some() {
            return self.index();
        }
        let workspaces = self
            .workspaces
            .iter()
            .map(|(w, ws)| {
                let refs = WorkspaceRefs {
                    members: ws
                        .members
                        .iter()
                        .map(|(u, roles)| {
                            (
                                String::from(self.members.id(*u)),
                                RoleReach::of_roles(roles).0,
                            )
                        })
                        .collect(),
                    folders: ws
                        .folders
                        .iter()
                        .map(|f| String::from(self.folders.id(*f)))
                        .collect(),
                    ..WorkspaceRefs::default()
                };
                (String::from(self.workspaces.id(w)), refs)
            })
            .collect();
        OrgIndex { workspaces }
    }

    /// Whether a sub-engine of `parts` costs less than a copy of this organization: always on an
    /// engine holding some parts (it has no whole to copy); on a whole one, when the parts hold
    /// a small share of its assets.
    fn sub_engine_pays(&self, parts: &BTreeSet<String>) -> bool {
        if self.outside.is_some() {
            return true;
        }
        let held: usize = parts
            .iter()
            .filter_map(|w| self.workspaces.get(self.workspaces.find(w)?))
            .map(|ws| ws.assets.len())
            .sum();
        held.saturating_mul(PART_COST) < self.assets.len()
    }

    /// An engine holding the org part and `parts` of this organization, the rest outside.
    fn sub_engine(&self, parts: &BTreeSet<String>) -> Result<Engine, Refusal> {
        let lacking: Vec<&str> = parts
            .iter()
            .filter(|w| !self.holds_part(w))
            .map(String::as_str)
            .collect();
        if !lacking.is_empty() {
            return Err(invalid(format!(
                "this engine does not hold the parts the access diff reads: {}",
                lacking.join(", ")
            )));
        }
        let held: Vec<WorkspacePart> = parts
            .iter()
            .filter_map(|w| self.workspace_part(self.workspaces.find(w)?))
            .collect();
        let mut org = Org::load_parts(&self.org_part(), &held).map_err(|p| {
            invalid(format!(
                "the parts of the access diff do not load: {:?}",
                p.first()
            ))
        })?;
        org.outside = Some(Box::new(Outside {
            index: self.sub_index(),
            loaded: held.into_iter().map(|p| p.id).collect(),
            // Every part the command spans is held (`diff_parts` names them): run it whole.
            round: false,
        }));
        Ok(Engine::writable(org))
    }

    /// The parts granting a group of `groups`, or, in a personal workspace, a member of
    /// `guests` or a group they are in: from the grant index where the part is held, from the
    /// org index elsewhere.
    fn parts_spread(&self, s: &Spread, out: &mut BTreeSet<String>) {
        let groups: Vec<GroupIx> = s
            .groups
            .iter()
            .filter_map(|g| self.groups.find(g))
            .collect();
        let guests: Vec<(Option<UserIx>, Vec<GroupIx>)> = s
            .guests
            .iter()
            .map(|(u, gs)| {
                (
                    self.members.find(u),
                    gs.iter().filter_map(|g| self.groups.find(g)).collect(),
                )
            })
            .collect();
        let outside = self.outside.as_ref();
        for (w, ws) in self.workspaces.iter() {
            let id = self.workspaces.id(w);
            let personal = ws.kind == WorkspaceKind::Personal;
            let hit = match outside.filter(|o| !o.loaded.contains(id)) {
                None => {
                    let grants =
                        |to: Grantee| ws.grant_index.get(&to).is_some_and(|v| !v.is_empty());
                    groups.iter().any(|g| grants(Grantee::Group(*g)))
                        || (personal
                            && guests.iter().any(|(u, gs)| {
                                u.is_some_and(|u| grants(Grantee::User(u)))
                                    || gs.iter().any(|g| grants(Grantee::Group(*g)))
                            }))
                }
                Some(o) => {
                    let refs = o.index.workspaces.get(id);
                    let names_group = |g: &str| refs.is_some_and(|r| r.names_group(g));
                    s.groups.iter().any(|g| names_group(g))
                        || (personal
                            && s.guests.iter().any(|(u, gs)| {
                                refs.is_some_and(|r| r.names_user(u))
                                    || gs.iter().any(|g| names_group(g))
                            }))
                }
            };
            if hit {
                out.insert(id.into());
            }
        }
    }
}

impl Engine {
    /// Runs `command` on the parts it reads, and works out from what it changed which other
    /// parts the diff reads.
    fn plan_diff(
        &self,
        actor: &str,
        command: &Command,
        at: u64,
        weigh: bool,
    ) -> Result<Plan, Refusal> {
        let org = self.org()?;
        let scope = org.command_scope(command);
        if scope.workspaces.iter().any(|w| !org.holds_part(w)) {
            return Ok(Plan::Missing(scope));
        }
        if weigh && !org.sub_engine_pays(&scope.workspaces) {
            return Ok(Plan::Whole);
        }
        let before = org.sub_engine(&scope.workspaces)?;
        let mut after = before.clone();
        let applied = after.execute(actor, command, at)?;
        let s = spread(before.org()?, after.org()?);
        let parts = if s.all {
            None
        } else {
            let mut parts = scope.workspaces.clone();
            parts.extend(s.workspaces.iter().cloned());
            org.parts_spread(&s, &mut parts);
            Some(parts)
        };
        Ok(Plan::Ran {
            own: scope.workspaces,
            parts,
            assets: scope.assets,
            before: Box::new(before),
            after: Box::new(after),
            applied,
        })
    }

    /// Every part the access diff of `command` reads (see `bounded.rs`), with the asset ids
    /// it names that no held part holds (a host locates them: load the part holding each). On
    /// an engine holding some parts, as far as they tell: a host loads what is listed and asks
    /// [`Engine::diff_needs`] again until nothing is missing. A command the actor may not run
    /// reads the parts the command reads.
    #[must_use]
    pub fn diff_parts(&self, actor: &str, command: &Command, at: u64) -> Needs {
        let Ok(org) = self.org() else {
            return Needs::default();
        };
        let every = || -> Vec<String> {
            org.workspaces
                .iter()
                .map(|(w, _)| String::from(org.workspaces.id(w)))
                .collect()
        };
        match self.plan_diff(actor, command, at, false) {
            Ok(Plan::Whole) => Needs::default(),
            Ok(Plan::Missing(scope)) => Needs {
                workspaces: scope.workspaces.into_iter().collect(),
                assets: scope.assets.into_iter().collect(),
            },
            Ok(Plan::Ran { parts, assets, .. }) => Needs {
                workspaces: parts.map_or_else(every, |p| p.into_iter().collect()),
                assets: assets.into_iter().collect(),
            },
            Err(_) => {
                let scope = org.command_scope(command);
                Needs {
                    workspaces: scope.workspaces.into_iter().collect(),
                    assets: scope.assets.into_iter().collect(),
                }
            }
        }
    }

    /// What this engine lacks to answer the access diff of `command`: the parts of
    /// [`Engine::diff_parts`] it does not hold, and the asset ids to locate. Nothing for a
    /// whole engine.
    #[must_use]
    pub fn diff_needs(&self, actor: &str, command: &Command, at: u64) -> Needs {
        let Ok(org) = self.org() else {
            return Needs::default();
        };
        if org.outside.is_none() {
            return Needs::default();
        }
        let mut needs = self.diff_parts(actor, command, at);
        needs.workspaces.retain(|w| !org.holds_part(w));
        needs
    }

    /// [`Engine::access_diff`] always on the parts it reads, even where a copy of the whole
    /// engine would cost less: for the tests that hold it to the whole copy.
    #[doc(hidden)]
    pub fn access_diff_bounded(
        &self,
        actor: &str,
        command: &Command,
        at: u64,
    ) -> Result<AccessDiff, Refusal> {
        match self.bounded_diff(actor, command, at, false)? {
            Some(diff) => Ok(diff),
            None => self.access_diff_whole(actor, command, at),
        }
    }

    /// The access diff computed on a sub-engine holding exactly `parts`: for tests that show a
    /// part [`Engine::diff_parts`] names is needed.
    #[doc(hidden)]
    pub fn access_diff_in(
        &self,
        actor: &str,
        command: &Command,
        at: u64,
        parts: &[String],
    ) -> Result<AccessDiff, Refusal> {
        let (org, _) = self.asked_by_member(actor)?;
        let before = org.sub_engine(&parts.iter().cloned().collect())?;
        before.diff_on(actor, command, at)
    }

    /// The diff of `command` on this engine's copy, cut to what the actor may learn.
    fn diff_on(&self, actor: &str, command: &Command, at: u64) -> Result<AccessDiff, Refusal> {
        let mut after = self.clone();
        let applied = after.execute(actor, command, at)?;
        self.diff_after(actor, &after, applied, at)
    }

    fn diff_after(
        &self,
        actor: &str,
        after: &Engine,
        applied: Applied,
        at: u64,
    ) -> Result<AccessDiff, Refusal> {
        let (b, user) = self.asked_by_member(actor)?;
        Ok(b.diff_seen_by(user, diff_of(b, after.org()?, applied.events, at), at))
    }

    /// The access diff on the parts it reads; `None` where a copy of the whole engine is the
    /// way: an engine that answers queries only (a reader's, a member's view) or a change
    /// reaching every part of a whole engine.
    pub(super) fn bounded_diff(
        &self,
        actor: &str,
        command: &Command,
        at: u64,
        weigh: bool,
    ) -> Result<Option<AccessDiff>, Refusal> {
        let org = self.org()?;
        if self.answers_only() || org.view_of.is_some() || !org.unloaded.is_empty() {
            return Ok(None);
        }
        match self.plan_diff(actor, command, at, weigh)? {
            Plan::Whole => Ok(None),
            Plan::Missing(scope) => Err(invalid(format!(
                "this engine does not hold the parts the access diff reads: {}",
                scope
                    .workspaces
                    .iter()
                    .filter(|w| !org.holds_part(w))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
            Plan::Ran {
                own,
                parts,
                before,
                after,
                applied,
                ..
            } => match parts {
                None if org.outside.is_none() => Ok(None),
                None => {
                    let every: BTreeSet<String> = org
                        .workspaces
                        .iter()
                        .map(|(w, _)| String::from(org.workspaces.id(w)))
                        .collect();
                    org.sub_engine(&every)?
                        .diff_on(actor, command, at)
                        .map(Some)
                }
                Some(parts) if parts.is_subset(&own) => {
                    before.diff_after(actor, &after, applied, at).map(Some)
                }
                Some(parts) if weigh && !org.sub_engine_pays(&parts) => Ok(None),
                Some(parts) => org
                    .sub_engine(&parts)?
                    .diff_on(actor, command, at)
                    .map(Some),
            },
        }
    }
}
