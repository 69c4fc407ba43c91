//! Commands spanning workspaces, run part by part (issue 13): a group deletion or a member
//! removal may name hundreds of parts, more than a writer's memory holds at once.
//!
//! A host asks [`Engine::span`] which parts every round holds (`every`: a removed member's
//! personal workspace and their heir's, between which assets move) and which it may spread over
//! rounds (`spread`, in any batches), starts a [`SpanRun`] from its engine (the org part and the
//! index), hands it each batch with [`SpanRun::round`] (which gives the parts the batch changed,
//! to stage) and ends with [`SpanRun::finish`]: the engine to keep (the org part and the index
//! after the command, no part) and what the command did, or the refusal.
//!
//! Why the result is the whole engine's (`tests/parts_prop.rs` holds it): each round runs the
//! command itself on an engine holding the org part as it was, the index and the round's parts;
//! what a spanning command does to a part depends only on the org part and that part, so each
//! round leaves its parts as the whole engine would. Every check that reads parts comes after
//! the checks of the org part and gives its refusal with its place in the command's order
//! (`error::Keyed`): a refusal of the org part is the same in every round and ends the run;
//! otherwise the run keeps the first keyed refusal of all rounds, which is the whole engine's.
//! Events are merged into the whole engine's order (asset ids, workspace order), and the audit
//! entry carries them.

use crate::audit::AuditEntry;
use crate::command::Command;
use crate::engine::{Applied, Engine};
use crate::error::{Keyed, Refusal, invalid, not_found};
use crate::event::Event;
use crate::index::{OrgIndex, WorkspaceRefs};
use crate::model::Org;
use crate::parts::{Changed, Executed};
use crate::snapshot::{OrgPart, WorkspacePart};
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// How a command spanning workspaces splits into rounds.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Parts every round holds, sorted.
    pub every: Vec<String>,
    /// Parts to spread over rounds, in batches of any size, sorted.
    pub spread: Vec<String>,
}

/// Whether a command spans workspaces: it reads or writes every part naming a group, a member
/// or a data source.
fn spans(command: &Command) -> bool {
    matches!(
        command,
        Command::DeleteGroup { .. }
            | Command::AddGroupMember { .. }
            | Command::RemoveGroupMember { .. }
            | Command::RemoveMember { .. }
            | Command::CreateDataSource { .. }
            | Command::DeleteDataSource { .. }
    )
}

impl Engine {
    /// How `command`, run by `actor`, spans workspaces, or `None` for a command that does not
    /// (run it on the parts [`Engine::needs`] names, at once). A group membership change by an
    /// org admin reads no part (X3 holds nothing back from them, O6) and writes none.
    #[must_use]
    pub fn span(&self, actor: &str, command: &Command) -> Option<Span> {
        let org = self.org().ok()?;
        if !spans(command) {
            return None;
        }
        let admin = org
            .members
            .find(actor)
            .and_then(|u| org.members.get(u))
            .is_some_and(|m| m.org_admin);
        if admin
            && matches!(
                command,
                Command::AddGroupMember { .. } | Command::RemoveGroupMember { .. }
            )
        {
            return Some(Span::default());
        }
        let scope = org.command_scope(command);
        let mut every = BTreeSet::new();
        if let Command::RemoveMember { user, new_owner } = command {
            every.insert(crate::apply::members::personal_id(user));
            if let Some(heir) = new_owner {
                every.insert(crate::apply::members::personal_id(heir));
            }
        }
        every.retain(|w| scope.workspaces.contains(w));
        let spread = scope
            .workspaces
            .into_iter()
            .filter(|w| !every.contains(w))
            .collect();
        Some(Span {
            every: every.into_iter().collect(),
            spread,
        })
    }
}

/// The checks of a spanning command that read workspace parts, on the parts loaded, with the
/// place of a refusal (those of the org part are left to the command itself).
fn part_checks(org: &Org, actor: &str, command: &Command, at: u64) -> Option<Keyed> {
    let me = org.members.find(actor)?;
    let reach = |group: &str, grants: bool| {
        let g = org.groups.find(group)?;
        org.require_may_change_group_reach(me, g, grants, at)
            .err()
            .map(|r| Keyed::at(0, "", r))
    };
    match command {
        Command::DeleteGroup { group } | Command::RemoveGroupMember { group, .. } => {
            reach(group, false)
        }
        Command::AddGroupMember { group, .. } => reach(group, true),
        Command::RemoveMember { user, new_owner } => {
            let target = org.members.find(user)?;
            let heir = org.members.find(new_owner.as_deref()?)?;
            let personal = org.members.get(target)?.personal;
            org.hand_over_checks(me, target, heir, personal, at).err()
        }
        Command::CreateDataSource {
            source,
            name,
            tables,
        } => org
            .require_source_fits(&crate::data::DataSourceDef {
                id: source.clone(),
                name: name.clone(),
                tables: tables.clone(),
            })
            .err(),
        Command::DeleteDataSource { source } => org.require_source_unused(source).err(),
        _ => None,
    }
}

/// The workspace whose part an event of a spanning command is about; `None` for the org part.
fn event_workspace(event: &Event) -> Option<&str> {
    match event {
        Event::GrantRemoved { workspace, .. } | Event::WorkspaceMemberRemoved { workspace, .. } => {
            Some(workspace)
        }
        Event::OwnerChanged { from_workspace, .. } => Some(from_workspace),
        _ => None,
    }
}

/// A command spanning workspaces, part way through its rounds.
pub struct SpanRun {
    actor: String,
    command: Command,
    at: u64,
    /// The org part and the index before the command: every round starts from them.
    org: OrgPart,
    index: OrgIndex,
    every: BTreeSet<String>,
    rounds: usize,
    /// The first refusal of a check reading parts, so far.
    refused: Option<Keyed>,
    /// The org part after the command (the first round's: the same in every round).
    after: Option<OrgPart>,
    events: Vec<Event>,
    /// The events the actor may learn of (`Engine::events_for`, asked in each round).
    told: Vec<Event>,
    changed: BTreeSet<String>,
    deleted: BTreeSet<String>,
    /// Index entries of the parts the rounds held, after the command.
    refs: BTreeMap<String, WorkspaceRefs>,
}

impl SpanRun {
    /// Starts `command` from `engine` (the org part and the index; the parts it holds are not
    /// used), or `None` when the command does not span workspaces or there is no organization.
    #[must_use]
    pub fn new(engine: &Engine, actor: &str, command: &Command, at: u64) -> Option<SpanRun> {
        let span = engine.span(actor, command)?;
        Some(SpanRun {
            actor: actor.into(),
            command: command.clone(),
            at,
            org: engine.org_part()?,
            index: engine.index()?,
            every: span.every.into_iter().collect(),
            rounds: 0,
            refused: None,
            after: None,
            events: Vec::new(),
            told: Vec::new(),
            changed: BTreeSet::new(),
            deleted: BTreeSet::new(),
            refs: BTreeMap::new(),
        })
    }

    /// Runs one round on `parts`: the `every` parts of [`Engine::span`] and a batch of the
    /// spread ones (at least one round, with no batch if none are spread). Gives the parts of
    /// the batch (and, in the first round, of `every`) that the command changed, to stage; none
    /// once a refusal is known. An error is a refusal the org part decides (the same in every
    /// round: stop) or parts that do not load.
    pub fn round(&mut self, parts: &[WorkspacePart]) -> Result<Vec<WorkspacePart>, Refusal> {
        let engine = Engine::from_parts_indexed(&self.org, &self.index, parts)
            .map_err(|e| invalid(format!("the parts of a round do not load: {e}")))?;
        let (engine, changed) = self.round_on(engine)?;
        Ok(changed
            .iter()
            .filter_map(|w| engine.workspace_part(w))
            .collect())
    }

    /// [`SpanRun::round`] on parts as a writer stores them (the binary encoding, or JSON text
    /// an older build left), read straight into the tables (`IndexedLoader`); the changed parts
    /// come back as their ids and binary encodings, encoded from the tables (no
    /// `WorkspacePart` of a large part is ever built).
    ///
    /// # Errors
    ///
    /// As [`SpanRun::round`].
    pub fn round_bytes<'a>(
        &mut self,
        parts: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Vec<(String, Vec<u8>)>, Refusal> {
        let load =
            |e: crate::SnapshotError| invalid(format!("the parts of a round do not load: {e}"));
        let mut loader =
            crate::snapshot::IndexedLoader::new(&self.org, &self.index).map_err(load)?;
        for bytes in parts {
            loader.add_bytes(bytes).map_err(load)?;
        }
        let (engine, changed) = self.round_on(loader.finish().map_err(load)?)?;
        changed
            .into_iter()
            .filter_map(|w| {
                let bytes = engine.workspace_part_binary(&w)?;
                Some(bytes.map(|b| (w, b)).map_err(|e| invalid(format!("{e}"))))
            })
            .collect()
    }

    /// One round on `engine`: the engine after it and the ids of the parts to stage.
    fn round_on(&mut self, mut engine: Engine) -> Result<(Engine, Vec<String>), Refusal> {
        let loaded: Vec<String> = engine
            .org()?
            .outside
            .as_ref()
            .map(|o| o.loaded.iter().cloned().collect())
            .unwrap_or_default();
        let first = self.rounds == 0;
        self.rounds += 1;
        let org = engine
            .org_mut()
            .ok_or_else(|| not_found("no organization has been created"))?;
        if let Some(o) = org.outside.as_mut() {
            o.round = true;
        }
        let keyed = part_checks(org, &self.actor, &self.command, self.at);
        if keyed.is_none() && self.refused.is_some() {
            // Refused already: only an earlier refusal in this round would matter.
            return Ok((engine, Vec::new()));
        }
        let applied = match (keyed, engine.execute(&self.actor, &self.command, self.at)) {
            (Some(k), Err(r)) if k.refusal == r => {
                if self.refused.as_ref().is_none_or(|f| k.key < f.key) {
                    self.refused = Some(k);
                }
                return Ok((engine, Vec::new()));
            }
            (_, Err(r)) => return Err(r),
            (Some(k), Ok(_)) => {
                return Err(invalid(format!(
                    "a round accepted a command its checks refuse: {}",
                    k.refusal
                )));
            }
            (None, Ok(applied)) => applied,
        };
        if self.refused.is_some() {
            return Ok((engine, Vec::new()));
        }
        let own: BTreeSet<String> = loaded
            .into_iter()
            .filter(|w| first || !self.every.contains(w))
            .collect();
        let org = engine.org()?;
        let changed = org.changed_parts(&applied.events, own.clone());
        if first {
            self.deleted.extend(changed.deleted);
            self.after = engine.org_part();
        }
        let mut out = Vec::new();
        for w in changed.workspaces.into_iter().filter(|w| own.contains(w)) {
            out.push(w.clone());
            self.changed.insert(w);
        }
        for w in &own {
            if let Some(ix) = org.workspaces.find(w) {
                self.refs.insert(w.clone(), org.workspace_refs(ix));
            }
        }
        let mine: Vec<Event> = applied
            .events
            .into_iter()
            .filter(|e| event_workspace(e).map_or(first, |w| own.contains(w)))
            .collect();
        // What the actor may learn of an event depends on the part it names, held here.
        self.told.extend(
            engine
                .events_for(&self.actor, &mine, self.at)
                .unwrap_or_default(),
        );
        self.events.extend(mine);
        Ok((engine, out))
    }

    /// After every round: the engine to keep (the org part and the index after the command, no
    /// workspace part, its audit log the command's entry) and what the command did; or the
    /// refusal the whole organization gives.
    pub fn finish(self) -> Result<SpanDone, Refusal> {
        if let Some(k) = self.refused {
            return Err(k.refusal);
        }
        let after = self
            .after
            .ok_or_else(|| invalid("a command spanning workspaces ran no round"))?;
        let mut index = self.index;
        index.workspaces.extend(self.refs);
        let present: BTreeSet<&str> = after.workspaces.iter().map(|h| h.id.as_str()).collect();
        index
            .workspaces
            .retain(|id, _| present.contains(id.as_str()));
        let mut engine = Engine::from_parts_indexed(&after, &index, &[])
            .map_err(|e| invalid(format!("the org part after the command does not load: {e}")))?;
        // The whole engine's order: hand-overs and dropped grants by asset id, workspace
        // memberships by workspace id, then the org part's events.
        let key = |e: &Event| match e {
            Event::OwnerChanged { asset, .. } => (0, asset.clone()),
            Event::GrantRemoved { asset, .. } => (1, asset.clone()),
            Event::WorkspaceMemberRemoved { workspace, .. } => (2, workspace.clone()),
            _ => (3, String::new()),
        };
        let mut events = self.events;
        crate::sort::sort_by(&mut events, |a, b| key(a).cmp(&key(b)));
        let mut told = self.told;
        crate::sort::sort_by(&mut told, |a, b| key(a).cmp(&key(b)));
        let version = after.version;
        if let Some(org) = engine.org_mut() {
            org.audit.push(AuditEntry {
                version,
                actor: self.actor,
                at: self.at,
                command: self.command,
                events: events.clone(),
            });
        }
        Ok(SpanDone {
            engine,
            executed: Executed {
                applied: Applied { version, events },
                changed: Changed {
                    workspaces: self.changed.into_iter().collect(),
                    deleted: self.deleted.into_iter().collect(),
                },
            },
            told,
        })
    }
}

/// A command spanning workspaces, run.
pub struct SpanDone {
    /// The org part and the index after the command (no workspace part), its audit log the
    /// command's entry.
    pub engine: Engine,
    /// What the command did, as [`Engine::execute_tracked`] says it.
    pub executed: Executed,
    /// Its events cut to those the actor may learn of, as [`Engine::events_for`] on the whole
    /// organization after it gives them (none for an actor who removed themselves).
    pub told: Vec<Event>,
}
