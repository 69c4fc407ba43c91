//! Shared fixture builders for the rule tests: an organization created by `alice` (its first
//! org admin, admin of the default workspace `main`), members with workspace roles, folders
//! and assets, and assertions that name the deciding rule.

#![allow(dead_code, reason = "each test file uses a subset of the builders")]

pub mod cmd;
pub mod rich;

use orgspace_core::{
    Applied, Command, Decision, Engine, Kind, Mode, Operation, Refusal, Rule, WorkspaceKind,
};

/// The time every fixture starts at, in milliseconds since the epoch.
pub const T0: u64 = 1_700_000_000_000;

/// The creator and first org admin of every fixture.
pub const ALICE: &str = "alice";
/// The default workspace of every fixture.
pub const MAIN: &str = "main";

/// An engine with one organization and a clock the tests move by hand.
pub struct Fixture {
    /// The engine under test.
    pub engine: Engine,
    /// The time commands and checks run at.
    pub now: u64,
}

impl Fixture {
    /// `alice` creates `acme` with the default workspace `main` in collaboration mode.
    pub fn new() -> Fixture {
        Fixture::with_mode(Mode::Collaboration)
    }

    /// `alice` creates `acme` with the default workspace `main` in `mode`.
    pub fn with_mode(mode: Mode) -> Fixture {
        let mut f = Fixture {
            engine: Engine::new(),
            now: T0,
        };
        f.ok(
            ALICE,
            Command::CreateOrg {
                org: "acme".into(),
                name: "Acme".into(),
                default_workspace: MAIN.into(),
                default_workspace_name: None,
                mode: Some(mode),
            },
        );
        f
    }

    /// Runs a command at `now`.
    pub fn run(&mut self, actor: &str, command: Command) -> Result<Applied, Refusal> {
        self.engine.execute(actor, &command, self.now)
    }

    /// Runs a command that must be accepted.
    pub fn ok(&mut self, actor: &str, command: Command) -> Applied {
        let name = command.name();
        match self.run(actor, command) {
            Ok(applied) => applied,
            Err(r) => panic!("`{actor}` {name} was refused: {r}"),
        }
    }

    /// Runs a command that must be refused, and checks that it changed nothing (X2).
    pub fn refuse(&mut self, actor: &str, command: Command) -> Refusal {
        let before = self.engine.to_json();
        let version = self.engine.version();
        let name = command.name();
        let refusal = match self.run(actor, command) {
            Ok(applied) => panic!("`{actor}` {name} was accepted: {applied:?}"),
            Err(r) => r,
        };
        assert_eq!(self.engine.version(), version, "X2: version moved");
        assert!(
            self.engine.to_json() == before,
            "X2: state changed after {refusal}"
        );
        refusal
    }

    /// Runs a command that must be denied by `rule`.
    pub fn denied(&mut self, actor: &str, command: Command, rule: Rule) -> Refusal {
        let r = self.refuse(actor, command);
        assert!(r.is_denied(), "expected a denial by {rule}, got {r}");
        assert_eq!(r.rule(), Some(rule), "wrong rule in {r}");
        r
    }

    /// Runs a command that must be refused as invalid input naming `rule`.
    pub fn invalid(&mut self, actor: &str, command: Command, rule: Rule) -> Refusal {
        let r = self.refuse(actor, command);
        assert_eq!(r.code(), "invalid", "expected invalid by {rule}, got {r}");
        assert_eq!(r.rule(), Some(rule), "wrong rule in {r}");
        r
    }

    /// Runs a command that must be refused with `code` (`invalid`, `not_found`, `conflict`).
    pub fn refused_as(&mut self, actor: &str, command: Command, code: &str) -> Refusal {
        let r = self.refuse(actor, command);
        assert_eq!(r.code(), code, "expected {code}, got {r}");
        r
    }

    /// `alice` adds `user` to the organization, joining `workspace` with `roles`.
    pub fn member(&mut self, user: &str, workspace: &str, roles: &[&str]) {
        self.ok(ALICE, cmd::add_member(user, Some(workspace), roles));
    }

    /// `alice` adds `user` with organization roles and no named workspace.
    pub fn org_member(&mut self, user: &str, org_roles: &[&str]) {
        self.ok(
            ALICE,
            Command::AddMember {
                user: user.into(),
                org_roles: strings(org_roles),
                workspace: None,
                workspace_roles: vec![],
                attributes: Default::default(),
            },
        );
    }

    /// `alice` creates a group workspace she administers.
    pub fn workspace(&mut self, id: &str, mode: Mode) {
        self.ok(ALICE, cmd::create_workspace(id, mode, None));
    }

    /// `alice` adds an existing member to a workspace.
    pub fn join(&mut self, workspace: &str, user: &str, roles: &[&str]) {
        self.ok(
            ALICE,
            Command::AddWorkspaceMember {
                workspace: workspace.into(),
                user: user.into(),
                roles: strings(roles),
            },
        );
    }

    /// `owner` creates an asset at the top of a workspace.
    pub fn asset(&mut self, owner: &str, id: &str, workspace: &str, kind: Kind) {
        self.ok(owner, cmd::create_asset(id, workspace, kind, None, &[]));
    }

    /// `owner` creates an asset in a folder.
    pub fn asset_in(&mut self, owner: &str, id: &str, workspace: &str, kind: Kind, folder: &str) {
        self.ok(
            owner,
            cmd::create_asset(id, workspace, kind, Some(folder), &[]),
        );
    }

    /// `actor` creates a folder.
    pub fn folder(&mut self, actor: &str, id: &str, workspace: &str, parent: Option<&str>) {
        self.ok(actor, cmd::create_folder(id, workspace, parent));
    }

    /// The decision on an existing asset.
    pub fn check(&self, user: &str, op: Operation, asset: &str) -> Decision {
        match self.engine.check(user, op, asset, self.now) {
            Ok(d) => d,
            Err(r) => panic!("check {user} {op} {asset} was refused: {r}"),
        }
    }

    /// Asserts that `user` may `op` on `asset`, decided by `rule`.
    pub fn allows(&self, user: &str, op: Operation, asset: &str, rule: Rule) {
        let d = self.check(user, op, asset);
        let why = self.engine.explain(&d);
        assert!(
            d.allowed,
            "{user} {op} {asset}: expected allow, got deny ({}): {why}",
            d.rule
        );
        assert_eq!(d.rule, rule, "{user} {op} {asset}: allowed because {why}");
    }

    /// Asserts that `user` may not `op` on `asset`, refused by `rule`.
    pub fn denies(&self, user: &str, op: Operation, asset: &str, rule: Rule) {
        let d = self.check(user, op, asset);
        let why = self.engine.explain(&d);
        assert!(
            !d.allowed,
            "{user} {op} {asset}: expected deny, got allow ({}): {why}",
            d.rule
        );
        assert_eq!(d.rule, rule, "{user} {op} {asset}: denied because {why}");
    }

    /// The decision on creating `kind` in `workspace`.
    pub fn check_create(&self, user: &str, workspace: &str, kind: Kind) -> Decision {
        match self.engine.check_create(user, workspace, kind) {
            Ok(d) => d,
            Err(r) => panic!("check create {kind} in {workspace} as {user} was refused: {r}"),
        }
    }

    /// The asset ids `user` sees in `workspace`, sorted.
    pub fn visible_assets(&self, user: &str, workspace: &str) -> Vec<String> {
        let mut ids: Vec<String> = match self.engine.visible_assets(user, workspace, self.now) {
            Ok(ids) => ids.into_iter().map(String::from).collect(),
            Err(r) => panic!("visible_assets {workspace} as {user} was refused: {r}"),
        };
        ids.sort();
        ids
    }

    /// The folder ids `user` sees in `workspace`, sorted.
    pub fn visible_folders(&self, user: &str, workspace: &str) -> Vec<String> {
        let mut ids: Vec<String> = match self.engine.visible_folders(user, workspace, self.now) {
            Ok(ids) => ids.into_iter().map(String::from).collect(),
            Err(r) => panic!("visible_folders {workspace} as {user} was refused: {r}"),
        };
        ids.sort();
        ids
    }

    /// The snapshot, which every fixture has.
    pub fn snapshot(&self) -> orgspace_core::Snapshot {
        self.engine
            .snapshot()
            .expect("the fixture has an organization")
    }

    /// A member's organization roles as the snapshot lists them.
    pub fn org_roles_of(&self, user: &str) -> Option<Vec<String>> {
        self.snapshot()
            .org
            .members
            .into_iter()
            .find(|m| m.user == user)
            .map(|m| m.roles)
    }

    /// A member's roles in a workspace as the snapshot lists them.
    pub fn ws_roles_of(&self, workspace: &str, user: &str) -> Option<Vec<String>> {
        self.engine
            .workspace_part(workspace)?
            .members
            .into_iter()
            .find(|m| m.user == user)
            .map(|m| m.roles)
    }

    /// An asset's owner and workspace, from the snapshot.
    pub fn owner_of(&self, asset: &str) -> Option<(String, String)> {
        self.snapshot().workspaces.into_iter().find_map(|w| {
            w.assets
                .iter()
                .find(|a| a.id == asset)
                .map(|a| (a.owner.clone(), w.id.clone()))
        })
    }

    /// Whether `user` is a member of the organization.
    pub fn is_member(&self, user: &str) -> bool {
        self.engine.user_handle(user).is_some()
    }

    /// The personal workspace ids the snapshot lists, with their owners.
    pub fn personal_workspaces(&self) -> Vec<(String, String)> {
        self.snapshot()
            .org
            .workspaces
            .into_iter()
            .filter(|h| h.kind == WorkspaceKind::Personal)
            .map(|h| (h.id, h.owner.unwrap_or_default()))
            .collect()
    }

    /// Asserts that the state breaks no invariant (X5).
    pub fn assert_invariants(&self) {
        let problems = self.engine.invariant_problems();
        assert!(problems.is_empty(), "X5 broken: {problems:?}");
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture::new()
    }
}

/// Owned strings from string slices.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

/// The id of a member's personal workspace.
pub fn personal(user: &str) -> String {
    format!("{}{user}", orgspace_core::PERSONAL_PREFIX)
}
