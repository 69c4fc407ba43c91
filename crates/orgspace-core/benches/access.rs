//! Criterion benchmarks of the access questions (issue 15) on the generated organization of
//! `workload` (10,000 members, 50 nested groups, 1,000,000 assets; `ws000` is the private
//! workspace of about 1,000 members and 100,000 assets):
//!
//! - who has access to one asset of `ws000` (one with a group grant), the first page of 100 and
//!   every page (the complete answer), asked by the org admin;
//! - the access diff of a group membership change (`u00007` joins a group it is not in), asked
//!   by the org admin: copying the engine, running the command, comparing what it reaches;
//!   and, for reference, the copy alone;
//! - the access diff of a grant (edit on a dashboard of the collaboration workspace `ws003` to
//!   its analyst `u00008`), of that member's role change (analyst to visitor: their reach
//!   changes, so the personal workspaces granting them are read too, A2) and of a mode switch
//!   (`ws003` to private), asked by the org admin: bounded (`access_diff`, on the parts
//!   `diff_parts` names) next to the whole copy (`access_diff_whole`, what every command but a
//!   group membership change took before).
//!
//! `cargo bench -p orgspace-core --bench access` runs them on the full shape. Without
//! `--bench` (as under `cargo test --benches`) the workload is a hundredth of that.
//! `ORGSPACE_BENCH_SCALE=hundredth|tenth|full` picks another size.

#[allow(
    dead_code,
    reason = "the workload's other probes serve the engine benchmarks"
)]
mod workload;

use criterion::{Criterion, SamplingMode};
use orgspace_core::{Command, Engine, Operation};
use std::hint::black_box;
use std::time::Duration;
use workload::Shape;

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let shape = match std::env::var("ORGSPACE_BENCH_SCALE").ok().as_deref() {
        Some(name) => Shape::named(name).unwrap_or_else(Shape::small),
        None if bench_mode => Shape::full(),
        None => Shape::small(),
    };
    let w = workload::generate(shape);
    let engine = match Engine::from_snapshot(&w.snapshot) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("the generated snapshot does not load: {e}");
            std::process::exit(1);
        }
    };
    let now = w.now;
    let admin = "u00000";
    let Some(part) = w.snapshot.workspaces.iter().find(|p| p.id == w.private_ws) else {
        eprintln!("no private workspace");
        std::process::exit(1);
    };
    // An asset of the private workspace granted to a group.
    let asset = part
        .assets
        .iter()
        .find(|a| {
            a.grants
                .iter()
                .any(|g| matches!(g.to, orgspace_core::Target::Group(_)))
        })
        .or_else(|| part.assets.first())
        .map(|a| a.id.clone())
        .unwrap_or_default();
    let mut pages = 0;
    let mut members = 0;
    let mut cursor: Option<String> = None;
    loop {
        let Ok(page) =
            engine.who_has_access(admin, &asset, Operation::View, cursor.as_deref(), None, now)
        else {
            eprintln!("who_has_access refused");
            std::process::exit(1);
        };
        pages += 1;
        members += page.members.len();
        match page.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    // A group the probe is not in, with grants in the organization.
    let group = w
        .snapshot
        .org
        .groups
        .iter()
        .find(|g| !g.members.contains(&w.private_analyst))
        .map(|g| g.id.clone())
        .unwrap_or_default();
    let join = Command::AddGroupMember {
        group: group.clone(),
        user: w.private_analyst.clone(),
    };
    let diff = match engine.access_diff(admin, &join, now) {
        Ok(diff) => diff,
        Err(e) => {
            eprintln!("access_diff refused: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "who has access: {members} members may view {asset} in {} ({pages} pages of 100); \
         diff of {} joining {group}: {} gains, {} losses, {} lists change",
        w.private_ws,
        w.private_analyst,
        diff.gains.len(),
        diff.loses.len(),
        diff.lists.len()
    );

    let collab = w
        .snapshot
        .workspaces
        .iter()
        .find(|p| p.id == w.collab_ws)
        .and_then(|p| {
            p.assets
                .iter()
                .find(|a| a.kind == orgspace_core::Kind::Dashboard)
        })
        .map(|a| a.id.clone())
        .unwrap_or_default();
    let commands: Vec<(&str, Command)> = vec![
        (
            "grant",
            Command::Grant {
                asset: collab,
                target: orgspace_core::Target::User(w.collab_member.clone()),
                level: orgspace_core::Level::Edit,
                expires_at: None,
            },
        ),
        (
            "role_change",
            Command::SetWorkspaceRoles {
                workspace: w.collab_ws.clone(),
                user: w.collab_member.clone(),
                roles: vec!["visitor".into()],
            },
        ),
        (
            "mode_switch",
            Command::SetWorkspaceMode {
                workspace: w.collab_ws.clone(),
                mode: orgspace_core::Mode::Private,
            },
        ),
    ];
    for (name, command) in &commands {
        let parts = engine.diff_parts(admin, command, now).workspaces.len();
        match engine.access_diff(admin, command, now) {
            Ok(d) => println!(
                "diff of the {name}: reads {parts} parts; {} gains, {} losses, {} lists change",
                d.gains.len(),
                d.loses.len(),
                d.lists.len()
            ),
            Err(e) => {
                eprintln!("access_diff of the {name} refused: {e}");
                std::process::exit(1);
            }
        }
    }

    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("access");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("who_has_access_first_page", |b| {
        b.iter(|| engine.who_has_access(admin, black_box(&asset), Operation::View, None, None, now))
    });
    g.bench_function("who_has_access_all_pages", |b| {
        b.iter(|| {
            let mut cursor: Option<String> = None;
            let mut n = 0;
            while let Ok(page) = engine.who_has_access(
                admin,
                black_box(&asset),
                Operation::View,
                cursor.as_deref(),
                None,
                now,
            ) {
                n += page.members.len();
                match page.next {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            n
        })
    });
    g.bench_function("access_diff_group_membership", |b| {
        b.iter(|| engine.access_diff(admin, black_box(&join), now))
    });
    for (name, command) in &commands {
        g.bench_function(format!("access_diff_{name}_bounded"), |b| {
            b.iter(|| engine.access_diff(admin, black_box(command), now))
        });
        g.bench_function(format!("access_diff_{name}_whole_copy"), |b| {
            b.iter(|| engine.access_diff_whole(admin, black_box(command), now))
        });
    }
    g.bench_function("engine_clone_reference", |b| {
        b.iter(|| black_box(&engine).clone())
    });
    g.finish();
    c.final_summary();
}
