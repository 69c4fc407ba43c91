//! Criterion benchmarks of the core on a large generated organization (see `workload`):
//! `check` latency, asset lists in a big private workspace, `filter`, and snapshot
//! encode/decode.
//!
//! `cargo bench -p orgspace-core --bench engine` runs them on the full shape (10,000 members,
//! 1,000,000 assets). Without `--bench` (as under `cargo test --benches`) the workload is a
//! hundredth of that, so the test run stays quick. With `ORGSPACE_BENCH_SNAPSHOT=<path>` the
//! binary writes the full workload's snapshot JSON to `<path>` and exits (for other hosts'
//! benchmarks); `ORGSPACE_BENCH_SCALE=hundredth|tenth|full` picks another size for it. With
//! `ORGSPACE_BENCH_PARTS=<absolute dir>` (cargo bench runs in the crate's directory) it writes the
//! organization as a host stores it in parts instead:
//! `<dir>/org.json` (the org part), `<dir>/index.json` (the org index) and `<dir>/ws/<id>.json`
//! per workspace, and prints their sizes (for `bench/writer-mem.mjs`).

mod workload;

use criterion::{Criterion, SamplingMode, Throughput};
use orgspace_core::snapshot::Snapshot;
use orgspace_core::{AssetIx, Engine, Operation, UserIx};
use std::hint::black_box;
use std::time::{Duration, Instant};
use workload::{Rng, Shape, Workload};

/// Triples drawn up front and cycled through: spread over the whole organization, so most
/// checks miss the CPU caches.
const TRIPLES: usize = 1 << 16;
/// Triples of the `hot` variants: few enough to stay in the data caches, what a host checking
/// the same assets again and again sees. `members_hot` spreads them over the whole
/// organization (so over many pages: TLB misses remain), `one_ws_hot` keeps them in one
/// collaboration workspace.
const HOT_TRIPLES: usize = 256;

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let named = std::env::var("ORGSPACE_BENCH_SCALE").ok();
    let shape = match named.as_deref().map(Shape::named) {
        Some(Some(shape)) => shape,
        Some(None) => {
            eprintln!("ORGSPACE_BENCH_SCALE is hundredth, tenth or full");
            std::process::exit(2);
        }
        None if bench_mode || std::env::var_os("ORGSPACE_BENCH_SNAPSHOT").is_some() => {
            Shape::full()
        }
        None => Shape::small(),
    };

    let started = Instant::now();
    let w = workload::generate(shape);
    let generated = started.elapsed();

    if let Some(path) = std::env::var_os("ORGSPACE_BENCH_SNAPSHOT") {
        let written = serde_json::to_string(&w.snapshot)
            .map_err(|e| e.to_string())
            .and_then(|json| std::fs::write(&path, json).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("cannot write the snapshot: {e}");
            std::process::exit(1);
        }
        println!("wrote {}", path.to_string_lossy());
        return;
    }

    if let Some(dir) = std::env::var_os("ORGSPACE_BENCH_PARTS") {
        if let Err(e) = write_parts(&w.snapshot, std::path::Path::new(&dir)) {
            eprintln!("cannot write the parts: {e}");
            std::process::exit(1);
        }
        return;
    }

    let started = Instant::now();
    let engine = match Engine::from_snapshot(&w.snapshot) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("the generated snapshot does not load: {e}");
            std::process::exit(1);
        }
    };
    let loaded = started.elapsed();
    let s = &w.snapshot;
    let assets: usize = s.workspaces.iter().map(|p| p.assets.len()).sum();
    let folders: usize = s.workspaces.iter().map(|p| p.folders.len()).sum();
    let grants: usize = s
        .workspaces
        .iter()
        .flat_map(|p| &p.assets)
        .map(|a| a.grants.len())
        .sum();
    println!(
        "workload: {} members, {} groups, {} workspaces, {folders} folders, {assets} assets, \
         {grants} grants",
        s.org.members.len(),
        s.org.groups.len(),
        s.org.workspaces.len(),
    );
    println!("workload: generated in {generated:.2?}, loaded (from_snapshot) in {loaded:.2?}");

    let mut c = Criterion::default().configure_from_args();
    bench_check(&mut c, &engine, &w);
    bench_lists(&mut c, &engine, &w);
    bench_snapshot(&mut c, &engine, &w);
    c.final_summary();
}

/// Every operation `check` decides on an existing asset.
fn operations() -> Vec<Operation> {
    Operation::ALL
        .iter()
        .copied()
        .filter(|op| *op != Operation::Create)
        .collect()
}

/// Where the triples of one benchmark come from.
#[derive(Clone, Copy)]
enum Draw<'a> {
    /// Any asset; the user from the asset's workspace (its members, or for a personal
    /// workspace its owner half the time and anyone the other half).
    Members,
    /// Any asset and any user (most are not in the asset's workspace).
    Random,
    /// Assets and members of one workspace.
    In(&'a str),
}

/// `count` `(user, operation, asset)` triples.
fn triples<'a>(
    s: &'a Snapshot,
    rng: &mut Rng,
    draw: Draw<'_>,
    count: usize,
) -> Vec<(&'a str, Operation, &'a str)> {
    let ops = operations();
    let users: Vec<&str> = s.org.members.iter().map(|m| m.user.as_str()).collect();
    let mut crews: Vec<Vec<&str>> = Vec::with_capacity(s.workspaces.len());
    let mut assets: Vec<(&str, usize)> = Vec::new();
    for (w, part) in s.workspaces.iter().enumerate() {
        if matches!(draw, Draw::In(only) if only != part.id) {
            crews.push(Vec::new());
            continue;
        }
        let crew = match part.id.strip_prefix(orgspace_core::PERSONAL_PREFIX) {
            Some(owner) => vec![owner],
            None => part.members.iter().map(|m| m.user.as_str()).collect(),
        };
        crews.push(crew);
        assets.extend(part.assets.iter().map(|a| (a.id.as_str(), w)));
    }
    let random = matches!(draw, Draw::Random);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let (Some(&(asset, w)), Some(&op)) = (rng.pick(&assets), rng.pick(&ops)) else {
            break;
        };
        let crew = crews.get(w).map_or(&[][..], Vec::as_slice);
        let pool = if random || (crew.len() == 1 && rng.chance(500)) {
            &users
        } else {
            crew
        };
        if let Some(&user) = rng.pick(pool) {
            out.push((user, op, asset));
        }
    }
    out
}

fn bench_check(c: &mut Criterion, engine: &Engine, w: &Workload) {
    let now = w.now;
    let mut rng = Rng::new(0xc0ff_ee00);
    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Elements(1));
    for (name, draw, count) in [
        ("members", Draw::Members, TRIPLES),
        ("members_hot", Draw::Members, HOT_TRIPLES),
        ("one_ws_hot", Draw::In(&w.collab_ws), HOT_TRIPLES),
        ("random", Draw::Random, TRIPLES),
    ] {
        let by_id = triples(&w.snapshot, &mut rng, draw, count);
        let handles: Vec<(UserIx, Operation, AssetIx)> = by_id
            .iter()
            .filter_map(|&(u, op, a)| Some((engine.user_handle(u)?, op, engine.asset_handle(a)?)))
            .collect();
        let allowed = handles
            .iter()
            .filter(|&&(u, op, a)| engine.check_handles(u, op, a, now).allowed)
            .count();
        println!(
            "check/{name}: {allowed} of {} triples allowed",
            handles.len()
        );

        group.bench_function(format!("str/{name}"), |b| {
            let mut cycle = by_id.iter().cycle();
            b.iter(|| {
                cycle
                    .next()
                    .map(|&(u, op, a)| engine.check(black_box(u), op, black_box(a), now))
            });
        });
        group.bench_function(format!("handles/{name}"), |b| {
            let mut cycle = handles.iter().cycle();
            b.iter(|| {
                cycle
                    .next()
                    .map(|&(u, op, a)| engine.check_handles(black_box(u), op, black_box(a), now))
            });
        });
    }
    group.finish();
}

fn bench_lists(c: &mut Criterion, engine: &Engine, w: &Workload) {
    let now = w.now;
    let ids: Vec<&str> = w
        .snapshot
        .workspaces
        .iter()
        .find(|p| p.id == w.private_ws)
        .map(|p| p.assets.iter().map(|a| a.id.as_str()).collect())
        .unwrap_or_default();
    let seen = engine
        .visible_assets(&w.private_analyst, &w.private_ws, now)
        .map_or(0, |v| v.len());
    let folders = engine
        .visible_folders(&w.private_analyst, &w.private_ws, now)
        .map_or(0, |v| v.len());
    let collab = engine
        .visible_assets(&w.collab_member, &w.collab_ws, now)
        .map_or(0, |v| v.len());
    let kept = engine
        .filter(&w.private_analyst, Operation::View, &ids, now)
        .map_or(0, |v| v.len());
    println!(
        "lists: {} sees {seen} of {} assets and {folders} folders in {}; filter keeps {kept}; \
         {} sees {collab} assets in {}",
        w.private_analyst,
        ids.len(),
        w.private_ws,
        w.collab_member,
        w.collab_ws,
    );

    let mut group = c.benchmark_group("lists");
    group.sample_size(50);
    group.bench_function("visible_assets/private_analyst", |b| {
        b.iter(|| {
            black_box(engine.visible_assets(black_box(&w.private_analyst), &w.private_ws, now))
        });
    });
    group.bench_function("visible_folders/private_analyst", |b| {
        b.iter(|| {
            black_box(engine.visible_folders(black_box(&w.private_analyst), &w.private_ws, now))
        });
    });
    group.bench_function("visible_assets/collab_member", |b| {
        b.iter(|| black_box(engine.visible_assets(black_box(&w.collab_member), &w.collab_ws, now)));
    });
    group.throughput(Throughput::Elements(ids.len() as u64));
    group.bench_function("filter_view/private_analyst", |b| {
        b.iter(|| {
            black_box(engine.filter(black_box(&w.private_analyst), Operation::View, &ids, now))
        });
    });
    group.finish();
}

fn bench_snapshot(c: &mut Criterion, engine: &Engine, w: &Workload) {
    let json = engine.to_json();
    let org_part = engine
        .org_part()
        .and_then(|p| serde_json::to_string(&p).ok())
        .map_or(0, |s| s.len());
    let part_size = |id: &str| {
        engine
            .workspace_part(id)
            .and_then(|p| serde_json::to_string(&p).ok())
            .map_or(0, |s| s.len())
    };
    println!(
        "snapshot: whole org {} bytes; org part {org_part} bytes; workspace part {} {} bytes; \
         {} {} bytes",
        json.len(),
        w.private_ws,
        part_size(&w.private_ws),
        w.collab_ws,
        part_size(&w.collab_ws),
    );

    let mut group = c.benchmark_group("snapshot");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("to_json", |b| {
        b.iter_with_large_drop(|| engine.to_json());
    });
    // Ten samples of one iteration each, however long they take.
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("from_json", |b| {
        b.iter_with_large_drop(|| Engine::from_json(black_box(&json)));
    });
    group.bench_function("from_snapshot", |b| {
        b.iter_with_large_drop(|| Engine::from_snapshot(black_box(&w.snapshot)));
    });
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("workspace_part_json/private_ws", |b| {
        b.iter_with_large_drop(|| {
            engine
                .workspace_part(&w.private_ws)
                .and_then(|p| serde_json::to_string(&p).ok())
        });
    });
    group.finish();
}

/// The organization as a host stores it in parts: org part, org index, one file per workspace.
fn write_parts(snapshot: &Snapshot, dir: &std::path::Path) -> Result<(), String> {
    let engine = Engine::from_snapshot(snapshot).map_err(|e| e.to_string())?;
    let ws_dir = dir.join("ws");
    std::fs::create_dir_all(&ws_dir).map_err(|e| e.to_string())?;
    let write = |path: std::path::PathBuf, value: &dyn erased::Json| -> Result<usize, String> {
        let text = value.json()?;
        std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(text.len())
    };
    let org = engine.org_part().ok_or("no org part")?;
    let started = Instant::now();
    let index = engine.index().ok_or("no index")?;
    let indexed = started.elapsed();
    let org_bytes = write(dir.join("org.json"), &org)?;
    let index_bytes = write(dir.join("index.json"), &index)?;
    let mut part_bytes = 0;
    for part in &snapshot.workspaces {
        let own = engine.workspace_part(&part.id).ok_or("a part is missing")?;
        part_bytes += write(ws_dir.join(format!("{}.json", part.id)), &own)?;
    }
    println!(
        "org part {:.1} MB, index {:.1} MB (computed in {indexed:.1?}), {} parts {:.1} MB, in {}",
        org_bytes as f64 / 1e6,
        index_bytes as f64 / 1e6,
        snapshot.workspaces.len(),
        part_bytes as f64 / 1e6,
        dir.display()
    );
    Ok(())
}

/// JSON text of any serializable value, behind one object-safe trait.
mod erased {
    pub trait Json {
        fn json(&self) -> Result<String, String>;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> Result<String, String> {
            serde_json::to_string(self).map_err(|e| e.to_string())
        }
    }
}
