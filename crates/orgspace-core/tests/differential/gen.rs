//! Random command sequences over small id pools, so that ids collide and refer to each other:
//! the same few users, workspaces, groups, folders and assets come back again and again.

use orgspace_core::{Command, Engine, Kind, Level, Mode, Operation, Target};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Union;
use std::fmt;

/// The creator of every organization, its first org admin.
pub(crate) const CREATOR: &str = "alice";
/// The default workspace created with the organization.
pub(crate) const DEFAULT_WS: &str = "main";

/// Every user id that appears; `alice` is a member from the start, the others once added.
pub(crate) const USERS: &[&str] = &["alice", "bob", "carol", "dave", "erin"];
/// Workspace ids: the default, two group workspaces once created, and personal workspaces.
pub(crate) const WORKSPACES: &[&str] = &[
    "main",
    "ws1",
    "ws2",
    "personal:alice",
    "personal:bob",
    "personal:carol",
    "personal:dave",
];
pub(crate) const GROUPS: &[&str] = &["g1", "g2", "g3", "g4", "g5", "g6"];
pub(crate) const FOLDERS: &[&str] = &["f1", "f2", "f3"];
pub(crate) const ASSETS: &[&str] = &["a1", "a2", "a3", "a4"];
/// Times commands run at and queries ask about; grant expiries fall between them.
pub(crate) const TIMES: &[u64] = &[100, 200, 300, 400];
pub(crate) const QUERY_TIMES: &[u64] = &[100, 200, 300, 400, 500];
const EXPIRIES: &[u64] = &[150, 250, 350, 450];

/// One command, run as `actor` at `at`, then some queries compared after it.
#[derive(Clone)]
pub(crate) struct Step {
    pub actor: String,
    pub at: u64,
    pub command: Command,
    pub queries: Vec<Query>,
}

/// A query both implementations answer.
#[derive(Clone, Debug)]
pub(crate) enum Query {
    Check {
        actor: String,
        op: Operation,
        asset: String,
        now: u64,
    },
    CheckCreate {
        actor: String,
        workspace: String,
        kind: Kind,
    },
    VisibleAssets {
        actor: String,
        workspace: String,
        now: u64,
    },
    VisibleFolders {
        actor: String,
        workspace: String,
        now: u64,
    },
}

/// A whole test case: the default workspace's mode and the steps after `create_org`.
#[derive(Clone, Debug)]
pub(crate) struct Case {
    pub mode: Mode,
    pub steps: Vec<Step>,
}

impl Case {
    /// The engine the case's steps run on: `acme`, created by [`CREATOR`] at time 0 with the
    /// default workspace in the case's mode.
    pub(crate) fn new_engine(&self) -> Result<Engine, String> {
        let mut engine = Engine::new();
        let create = Command::CreateOrg {
            org: "acme".into(),
            name: "Acme".into(),
            default_workspace: DEFAULT_WS.into(),
            default_workspace_name: None,
            mode: Some(self.mode),
        };
        engine
            .execute(CREATOR, &create, 0)
            .map_err(|e| format!("create_org refused: {e}"))?;
        Ok(engine)
    }
}

impl fmt::Debug for Step {
    /// The command as the JSON of the conformance format, so a failure reads like a scenario.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let json = serde_json::to_string(&self.command).unwrap_or_default();
        write!(f, "as {} at {}: {json}", self.actor, self.at)?;
        for q in &self.queries {
            write!(f, "\n        then {q:?}")?;
        }
        Ok(())
    }
}

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    select(pool).prop_map(String::from)
}

/// Users; the ones the skeleton adds come up more often than `erin`, who is rarely a member.
fn user() -> impl Strategy<Value = String> + Clone {
    pick(&[
        "alice", "alice", "bob", "bob", "carol", "carol", "dave", "erin",
    ])
}

/// Assets; the ones the skeleton makes come up more often.
fn asset() -> impl Strategy<Value = String> + Clone {
    pick(&["a1", "a1", "a1", "a2", "a2", "a3", "a4"])
}

/// Groups as grant targets and homes of members; `g1` and `g2` exist most often.
fn group() -> impl Strategy<Value = String> + Clone {
    pick(&["g1", "g1", "g2", "g2", "g3", "g5"])
}

/// The creator acts more often than the others, so that state gets built.
fn actor() -> impl Strategy<Value = String> + Clone {
    pick(&[
        "alice", "alice", "alice", "alice", "bob", "bob", "bob", "carol", "carol", "carol", "dave",
        "dave", "erin",
    ])
}

fn mode() -> impl Strategy<Value = Mode> + Clone {
    prop_oneof![Just(Mode::Collaboration), Just(Mode::Private)]
}

fn kind() -> impl Strategy<Value = Kind> + Clone {
    select(Kind::ALL)
}

fn level() -> impl Strategy<Value = Level> + Clone {
    select(Level::ALL)
}

fn operation() -> impl Strategy<Value = Operation> + Clone {
    select(Operation::ALL)
}

fn target() -> impl Strategy<Value = Target> + Clone {
    prop_oneof![
        3 => user().prop_map(Target::User),
        1 => group().prop_map(Target::Group),
    ]
}

fn expiry() -> impl Strategy<Value = Option<u64>> + Clone {
    prop_oneof![3 => Just(None), 2 => select(EXPIRIES).prop_map(Some)]
}

/// Workspace role lists: single presets mostly, combinations, now and then none or an
/// unknown one.
fn ws_roles() -> impl Strategy<Value = Vec<String>> + Clone {
    let one = select(&["admin", "developer", "analyst", "visitor"][..]).prop_map(String::from);
    prop_oneof![
        6 => one.clone().prop_map(|r| vec![r]),
        2 => proptest::collection::vec(one, 2..=3),
        1 => Just(Vec::new()),
        1 => Just(vec!["owner".to_string()]),
    ]
}

fn org_roles() -> impl Strategy<Value = Vec<String>> + Clone {
    prop_oneof![
        6 => Just(Vec::new()),
        2 => Just(vec!["org_admin".to_string()]),
        2 => Just(vec!["permission_admin".to_string()]),
        1 => Just(vec!["org_admin".to_string(), "permission_admin".to_string()]),
        1 => Just(vec!["member".to_string()]),
        1 => Just(vec!["auditor".to_string()]),
    ]
}

fn group_ws() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        8 => pick(&["main", "ws1", "ws2"]),
        1 => pick(&["personal:alice", "personal:bob"]),
    ]
}

/// A folder, or (more often) the top.
fn folder() -> impl Strategy<Value = Option<String>> + Clone {
    prop_oneof![2 => Just(None), 1 => pick(FOLDERS).prop_map(Some)]
}

fn opt<T: fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + Clone + 'static,
) -> impl Strategy<Value = Option<T>> + Clone {
    prop_oneof![1 => Just(None), 2 => s.prop_map(Some)]
}

/// One command of the subset under test.
pub(crate) fn command() -> impl Strategy<Value = Command> {
    let arms: Vec<(u32, BoxedStrategy<Command>)> = vec![
        (
            12,
            (user(), org_roles(), opt(group_ws()), ws_roles())
                .prop_map(
                    |(user, org_roles, workspace, workspace_roles)| Command::AddMember {
                        user,
                        org_roles,
                        workspace,
                        workspace_roles,
                        attributes: Default::default(),
                    },
                )
                .boxed(),
        ),
        (
            3,
            (user(), user())
                .prop_map(|(user, new_owner)| Command::RemoveMember {
                    user,
                    new_owner: Some(new_owner),
                })
                .boxed(),
        ),
        (
            3,
            (user(), org_roles())
                .prop_map(|(user, roles)| Command::SetOrgRoles { user, roles })
                .boxed(),
        ),
        (
            4,
            (
                prop_oneof![9 => pick(&["ws1", "ws2"]), 1 => pick(&["main", "personal:bob"])],
                mode(),
                prop_oneof![
                    4 => Just(None),
                    3 => proptest::collection::vec(user(), 1..=2).prop_map(Some),
                    1 => Just(Some(Vec::new())),
                ],
            )
                .prop_map(|(workspace, mode, admins)| Command::CreateWorkspace {
                    name: format!("Workspace {workspace}"),
                    workspace,
                    mode,
                    admins,
                })
                .boxed(),
        ),
        (
            6,
            (group_ws(), user(), ws_roles())
                .prop_map(|(workspace, user, roles)| Command::AddWorkspaceMember {
                    workspace,
                    user,
                    roles,
                })
                .boxed(),
        ),
        (
            3,
            (group_ws(), user())
                .prop_map(|(workspace, user)| Command::RemoveWorkspaceMember { workspace, user })
                .boxed(),
        ),
        (
            4,
            (group_ws(), user(), ws_roles())
                .prop_map(|(workspace, user, roles)| Command::SetWorkspaceRoles {
                    workspace,
                    user,
                    roles,
                })
                .boxed(),
        ),
        (
            3,
            (group_ws(), mode())
                .prop_map(|(workspace, mode)| Command::SetWorkspaceMode { workspace, mode })
                .boxed(),
        ),
        (
            3,
            (pick(GROUPS), opt(group()))
                .prop_map(|(group, parent)| Command::CreateGroup {
                    name: format!("Group {group}"),
                    group,
                    parent,
                })
                .boxed(),
        ),
        (
            4,
            (group(), user())
                .prop_map(|(group, user)| Command::AddGroupMember { group, user })
                .boxed(),
        ),
        (
            5,
            (pick(FOLDERS), pick(WORKSPACES), opt(pick(FOLDERS)))
                .prop_map(|(folder, workspace, parent)| Command::CreateFolder {
                    name: format!("Folder {folder}"),
                    folder,
                    workspace,
                    parent,
                })
                .boxed(),
        ),
        (
            2,
            pick(FOLDERS)
                .prop_map(|folder| Command::DeleteFolder { folder })
                .boxed(),
        ),
        (
            12,
            (asset(), pick(WORKSPACES), kind(), folder())
                .prop_map(|(asset, workspace, kind, folder)| Command::CreateAsset {
                    name: format!("Asset {asset}"),
                    asset,
                    workspace,
                    kind,
                    folder,
                    references: Vec::new(),
                })
                .boxed(),
        ),
        (
            3,
            asset()
                .prop_map(|asset| Command::DeleteAsset { asset })
                .boxed(),
        ),
        (
            3,
            (asset(), folder())
                .prop_map(|(asset, folder)| Command::MoveAsset { asset, folder })
                .boxed(),
        ),
        (
            10,
            (asset(), target(), level(), expiry())
                .prop_map(|(asset, target, level, expires_at)| Command::Grant {
                    asset,
                    target,
                    level,
                    expires_at,
                })
                .boxed(),
        ),
        (
            3,
            (asset(), target())
                .prop_map(|(asset, target)| Command::Revoke { asset, target })
                .boxed(),
        ),
        (
            6,
            (
                asset(),
                proptest::collection::vec(target(), 0..=2),
                opt(level()),
                expiry(),
            )
                .prop_map(|(asset, with, level, expires_at)| Command::Share {
                    asset,
                    with,
                    level,
                    expires_at,
                })
                .boxed(),
        ),
        (
            4,
            (asset(), any::<bool>())
                .prop_map(|(asset, public)| Command::SetPublic { asset, public })
                .boxed(),
        ),
        (
            4,
            (asset(), user())
                .prop_map(|(asset, to)| Command::TransferOwnership { asset, to })
                .boxed(),
        ),
    ];
    Union::new_weighted(arms)
}

fn query() -> impl Strategy<Value = Query> {
    prop_oneof![
        4 => (user(), operation(), asset(), select(QUERY_TIMES))
            .prop_map(|(actor, op, asset, now)| Query::Check { actor, op, asset, now }),
        1 => (user(), pick(WORKSPACES), kind())
            .prop_map(|(actor, workspace, kind)| Query::CheckCreate { actor, workspace, kind }),
        2 => (user(), pick(WORKSPACES), select(QUERY_TIMES))
            .prop_map(|(actor, workspace, now)| Query::VisibleAssets { actor, workspace, now }),
        1 => (user(), pick(WORKSPACES), select(QUERY_TIMES))
            .prop_map(|(actor, workspace, now)| Query::VisibleFolders { actor, workspace, now }),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    (
        actor(),
        select(TIMES),
        command(),
        proptest::collection::vec(query(), 0..=3),
    )
        .prop_map(|(actor, at, command, queries)| Step {
            actor,
            at,
            command,
            queries,
        })
}

fn alice(command: Command) -> Step {
    Step {
        actor: CREATOR.into(),
        at: 100,
        command,
        queries: Vec::new(),
    }
}

/// A step that happens with probability `p`; `None` is what shrinking aims for.
fn maybe(p: f64, s: impl Strategy<Value = Step> + 'static) -> BoxedStrategy<Vec<Step>> {
    proptest::option::weighted(p, s)
        .prop_map(|o| o.into_iter().collect())
        .boxed()
}

fn new_member(user: &'static str, p: f64) -> BoxedStrategy<Vec<Step>> {
    let org = prop_oneof![
        8 => Just(Vec::new()),
        1 => Just(vec!["org_admin".to_string()]),
        1 => Just(vec!["permission_admin".to_string()]),
    ];
    let ws = prop_oneof![
        3 => Just(None),
        1 => Just(Some("main".to_string())),
        1 => Just(Some("ws1".to_string())),
    ];
    let roles = prop_oneof![
        1 => Just(Vec::new()),
        4 => select(&["admin", "developer", "developer", "analyst", "analyst", "visitor"][..])
            .prop_map(|r| vec![r.to_string()]),
        1 => Just(vec!["analyst".to_string(), "visitor".to_string()]),
    ];
    maybe(
        p,
        (org, ws, roles).prop_map(move |(org_roles, workspace, workspace_roles)| {
            alice(Command::AddMember {
                user: user.into(),
                org_roles,
                workspace,
                workspace_roles,
                attributes: Default::default(),
            })
        }),
    )
}

/// An asset made by one of the first members, in a workspace they are likely to create in.
fn new_asset(asset: &'static str, p: f64) -> BoxedStrategy<Vec<Step>> {
    let maker = select(&["alice", "alice", "alice", "bob", "carol", "dave"][..]);
    let place = prop_oneof![4 => Just("main"), 1 => Just("ws1"), 1 => Just("personal")];
    let folder = prop_oneof![3 => Just(None), 1 => Just(Some("f1".to_string()))];
    maybe(
        p,
        (maker, place, kind(), folder).prop_map(move |(maker, place, kind, folder)| Step {
            actor: maker.into(),
            at: 100,
            command: Command::CreateAsset {
                asset: asset.into(),
                workspace: if place == "personal" {
                    format!("personal:{maker}")
                } else {
                    place.into()
                },
                kind,
                name: format!("Asset {asset}"),
                folder,
                references: Vec::new(),
            },
            queries: Vec::new(),
        }),
    )
}

/// A grant, mostly by the creator, who may grant anything (O6), else by a member who may
/// own the asset.
fn grant_step(p: f64) -> BoxedStrategy<Vec<Step>> {
    maybe(
        p,
        (
            pick(&["alice", "alice", "bob", "carol"]),
            pick(&["a1", "a1", "a2", "a3"]),
            target(),
            level(),
            expiry(),
        )
            .prop_map(|(actor, asset, target, level, expires_at)| Step {
                actor,
                at: 100,
                command: Command::Grant {
                    asset,
                    target,
                    level,
                    expires_at,
                },
                queries: Vec::new(),
            }),
    )
}

/// A likely start: a second workspace, three members, groups, a folder, assets and grants,
/// each step present or not. Every step is compared like any other.
fn skeleton() -> impl Strategy<Value = Vec<Step>> {
    let parts: Vec<BoxedStrategy<Vec<Step>>> = vec![
        maybe(
            0.7,
            mode().prop_map(|mode| {
                alice(Command::CreateWorkspace {
                    workspace: "ws1".into(),
                    name: "Workspace ws1".into(),
                    mode,
                    admins: None,
                })
            }),
        ),
        new_member("bob", 0.95),
        new_member("carol", 0.9),
        new_member("dave", 0.7),
        maybe(
            0.5,
            Just(alice(Command::CreateGroup {
                group: "g1".into(),
                name: "Group g1".into(),
                parent: None,
            })),
        ),
        maybe(
            0.3,
            Just(alice(Command::CreateGroup {
                group: "g2".into(),
                name: "Group g2".into(),
                parent: Some("g1".into()),
            })),
        ),
        maybe(
            0.5,
            (pick(&["g1", "g2"]), pick(&["bob", "carol", "dave"]))
                .prop_map(|(group, user)| alice(Command::AddGroupMember { group, user })),
        ),
        maybe(
            0.5,
            pick(&["main", "ws1", "personal:alice"]).prop_map(|workspace| {
                alice(Command::CreateFolder {
                    folder: "f1".into(),
                    workspace,
                    name: "Folder f1".into(),
                    parent: None,
                })
            }),
        ),
        // Groups g1 to g6, each nested in the one before: g5 is five levels deep, so g6 may
        // not nest in it (P2).
        proptest::option::weighted(0.2, Just(()))
            .prop_map(|o| {
                let mut steps = Vec::new();
                if o.is_some() {
                    let chain = [
                        ("g1", None),
                        ("g2", Some("g1")),
                        ("g3", Some("g2")),
                        ("g4", Some("g3")),
                        ("g5", Some("g4")),
                        ("g6", Some("g5")),
                    ];
                    for (g, parent) in chain {
                        steps.push(alice(Command::CreateGroup {
                            group: g.into(),
                            name: format!("Group {g}"),
                            parent: parent.map(Into::into),
                        }));
                    }
                }
                steps
            })
            .boxed(),
        new_asset("a1", 0.85),
        new_asset("a2", 0.75),
        new_asset("a3", 0.6),
        grant_step(0.6),
        grant_step(0.4),
        // A developer's own data, and a grant of what developers do not hold on it (X3).
        maybe(
            0.3,
            select(&[Kind::DataSource, Kind::Dataset][..]).prop_map(|kind| Step {
                actor: "bob".into(),
                at: 100,
                command: Command::CreateAsset {
                    asset: "a4".into(),
                    workspace: "main".into(),
                    kind,
                    name: "Asset a4".into(),
                    folder: None,
                    references: Vec::new(),
                },
                queries: Vec::new(),
            }),
        ),
        maybe(
            0.3,
            (
                target(),
                select(&[Level::Export, Level::Edit, Level::Use][..]),
            )
                .prop_map(|(target, level)| Step {
                    actor: "bob".into(),
                    at: 100,
                    command: Command::Grant {
                        asset: "a4".into(),
                        target,
                        level,
                        expires_at: None,
                    },
                    queries: Vec::new(),
                }),
        ),
    ];
    parts.prop_map(|steps| steps.into_iter().flatten().collect())
}

/// A case: a skeleton of likely commands, then 1 to `max_steps` random ones.
pub(crate) fn case(max_steps: usize) -> impl Strategy<Value = Case> {
    (
        mode(),
        skeleton(),
        proptest::collection::vec(step(), 1..=max_steps),
    )
        .prop_map(|(mode, mut steps, more)| {
            steps.extend(more);
            Case { mode, steps }
        })
}
