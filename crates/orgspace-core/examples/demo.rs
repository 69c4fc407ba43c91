//! Builds a small demo organization with commands and prints its snapshot as JSON.
//!
//! `cargo run -p orgspace-core --example demo > demo.json`, then ask the CLI:
//! `orgspace check --snapshot demo.json --as carol view q3-board`.

use orgspace_core::{Command, Engine, Kind, Level, Mode, Refusal, Target};

fn member(user: &str, workspace: &str, role: &str) -> Command {
    Command::AddMember {
        user: user.into(),
        org_roles: vec![],
        workspace: Some(workspace.into()),
        workspace_roles: vec![role.into()],
        attributes: Default::default(),
    }
}

fn asset(id: &str, workspace: &str, kind: Kind, folder: Option<&str>) -> Command {
    Command::CreateAsset {
        asset: id.into(),
        workspace: workspace.into(),
        kind,
        name: id.replace('-', " "),
        folder: folder.map(Into::into),
        references: vec![],
    }
}

fn main() -> Result<(), Refusal> {
    let mut engine = Engine::new();
    let at = 1_767_225_600_000; // 2026-01-01
    let steps: Vec<(&str, Command)> = vec![
        (
            "alice",
            Command::CreateOrg {
                org: "acme".into(),
                name: "Acme Retail".into(),
                default_workspace: "sales".into(),
                default_workspace_name: Some("Sales".into()),
                mode: Some(Mode::Private),
            },
        ),
        ("alice", member("bob", "sales", "developer")),
        ("alice", member("carol", "sales", "analyst")),
        ("alice", member("dave", "sales", "visitor")),
        (
            "alice",
            Command::CreateGroup {
                group: "east".into(),
                name: "East region".into(),
                parent: None,
            },
        ),
        (
            "alice",
            Command::AddGroupMember {
                group: "east".into(),
                user: "dave".into(),
            },
        ),
        (
            "bob",
            Command::CreateFolder {
                folder: "quarterly".into(),
                workspace: "sales".into(),
                name: "Quarterly".into(),
                parent: None,
            },
        ),
        ("bob", asset("orders-db", "sales", Kind::DataSource, None)),
        ("bob", asset("orders", "sales", Kind::Dataset, None)),
        (
            "bob",
            asset("q3-board", "sales", Kind::Dashboard, Some("quarterly")),
        ),
        (
            "bob",
            asset("q4-board", "sales", Kind::Dashboard, Some("quarterly")),
        ),
        (
            "bob",
            Command::Share {
                asset: "q3-board".into(),
                with: vec![Target::Group("east".into())],
                level: Some(Level::View),
                expires_at: None,
            },
        ),
        (
            "bob",
            Command::Grant {
                asset: "q3-board".into(),
                target: Target::User("carol".into()),
                level: Level::Edit,
                expires_at: None,
            },
        ),
    ];
    for (actor, command) in &steps {
        engine.execute(actor, command, at)?;
    }
    println!("{}", engine.to_json());
    Ok(())
}
