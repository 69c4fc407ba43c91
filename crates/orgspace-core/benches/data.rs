//! Applying a user's effective data scope (D4) to rows, natively: 1,000,000 rows of 8 columns
//! (strings, numbers, booleans) generated with a seeded PRNG, through
//!
//! - (a) the compiled columnar path, `CompiledScope::apply_row` over `Vec<Vec<Value>>`;
//! - (b) the object path, `DataScope::apply` over `serde_json::Map` rows;
//!
//! and, for reference, the compiled filter alone (`CompiledScope::matches`). The scope is a
//! realistic one, built through commands: a table grant with a row filter, three row rules
//! OR-ed for the user (one on a user attribute), one hidden and one masked column.
//!
//! `cargo bench -p orgspace-core --bench data` prints rows per second for each path from its
//! own timing loop, then runs the criterion benchmarks. Without `--bench` (as under
//! `cargo test --benches`) it uses 10,000 rows so that the test run stays quick.

use criterion::{Criterion, SamplingMode, Throughput};
use orgspace_core::data::{
    Allow, Audience, ColumnAction, ColumnDef, ColumnRule, ColumnType, CompiledScope, DataScope,
    Predicate, RowRule, TableDef,
};
use orgspace_core::{Command, Engine, Kind, Mode};
use serde_json::{Map, Value, json};
use std::hint::black_box;
use std::time::{Duration, Instant};

const AT: u64 = 1_700_000_000_000;
const HEADER: [&str; 8] = [
    "region", "city", "email", "amount", "qty", "discount", "paid", "vip",
];
const REGIONS: [&str; 6] = ["east", "west", "north", "south", "central", "overseas"];
const CITIES: [&str; 8] = [
    "berlin", "paris", "madrid", "rome", "vienna", "oslo", "lisbon", "prague",
];
/// Timed runs of each path in the bench's own loop; the best and the median are printed.
const RUNS: usize = 5;

/// SplitMix64: small, fast, and the same rows on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(i).copied().unwrap_or("")
    }
}

/// Rows in `HEADER` order.
fn generate(rows: usize, seed: u64) -> Vec<Vec<Value>> {
    let mut rng = Rng(seed);
    (0..rows)
        .map(|i| {
            vec![
                json!(rng.pick(&REGIONS)),
                json!(rng.pick(&CITIES)),
                json!(format!("user{i}@example.com")),
                json!(rng.below(10) * 100),
                json!(1 + rng.below(20)),
                json!(rng.below(50) as f64 / 100.0),
                json!(rng.below(10) < 7),
                json!(rng.below(10) == 0),
            ]
        })
        .collect()
}

fn to_objects(rows: &[Vec<Value>]) -> Vec<Map<String, Value>> {
    rows.iter()
        .map(|r| {
            HEADER
                .iter()
                .zip(r)
                .map(|(h, v)| ((*h).to_string(), v.clone()))
                .collect()
        })
        .collect()
}

fn audience(all: bool, users: &[&str], groups: &[&str]) -> Audience {
    Audience {
        all,
        users: users.iter().map(|s| (*s).to_string()).collect(),
        groups: groups.iter().map(|s| (*s).to_string()).collect(),
    }
}

fn predicate(v: Value) -> Option<Predicate> {
    serde_json::from_value(v).ok()
}

/// The organization, built through commands, and `ana`'s scope on the dataset `orders_set`.
fn scope() -> Result<DataScope, String> {
    let column = |name: &str, ty| ColumnDef {
        name: name.into(),
        ty,
    };
    let commands: Vec<(&str, Command)> = vec![
        (
            "alice",
            Command::CreateOrg {
                org: "acme".into(),
                name: "Acme".into(),
                default_workspace: "main".into(),
                default_workspace_name: None,
                mode: Some(Mode::Collaboration),
            },
        ),
        (
            "alice",
            Command::CreateGroup {
                group: "sales".into(),
                name: "Sales".into(),
                parent: None,
            },
        ),
        (
            "alice",
            Command::CreateGroup {
                group: "east_team".into(),
                name: "East".into(),
                parent: Some("sales".into()),
            },
        ),
        (
            "alice",
            Command::AddMember {
                user: "ana".into(),
                org_roles: vec![],
                workspace: Some("main".into()),
                workspace_roles: vec!["analyst".into()],
                attributes: [(
                    "region".to_string(),
                    vec!["east".to_string(), "north".to_string()],
                )]
                .into_iter()
                .collect(),
            },
        ),
        (
            "alice",
            Command::AddGroupMember {
                group: "east_team".into(),
                user: "ana".into(),
            },
        ),
        (
            "alice",
            Command::CreateDataSource {
                source: "dw".into(),
                name: "Warehouse".into(),
                tables: vec![TableDef {
                    name: "orders".into(),
                    columns: vec![
                        column("region", ColumnType::String),
                        column("city", ColumnType::String),
                        column("email", ColumnType::String),
                        column("amount", ColumnType::Number),
                        column("qty", ColumnType::Number),
                        column("discount", ColumnType::Number),
                        column("paid", ColumnType::Boolean),
                        column("vip", ColumnType::Boolean),
                    ],
                }],
            },
        ),
        (
            "alice",
            Command::GrantTable {
                workspace: "main".into(),
                source: "dw".into(),
                table: "orders".into(),
                columns: None,
                // The workspace gets paid orders of up to 15 items.
                rows: predicate(json!({"all": [
                    {"in": {"column": "paid", "values": [true]}},
                    {"in": {"column": "qty", "values": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]}}
                ]})),
            },
        ),
        (
            "alice",
            Command::CreateAsset {
                asset: "orders_set".into(),
                workspace: "main".into(),
                kind: Kind::Dataset,
                name: "Orders".into(),
                folder: None,
                references: vec![],
            },
        ),
        (
            "alice",
            Command::SetDatasetTable {
                asset: "orders_set".into(),
                source: "dw".into(),
                table: "orders".into(),
            },
        ),
        (
            "alice",
            Command::SetRowRules {
                asset: "orders_set".into(),
                enabled: true,
                exempt_owner_and_admins: false,
                rules: vec![
                    RowRule {
                        targets: audience(true, &[], &[]),
                        column: "region".into(),
                        allow: Allow::Attribute("region".into()),
                    },
                    RowRule {
                        targets: audience(false, &["ana"], &[]),
                        column: "city".into(),
                        allow: Allow::Values(vec![json!("berlin"), json!("paris")]),
                    },
                    RowRule {
                        targets: audience(false, &[], &["sales"]),
                        column: "amount".into(),
                        allow: Allow::Values(vec![json!(100), json!(200), json!(300)]),
                    },
                ],
            },
        ),
        (
            "alice",
            Command::SetColumnRules {
                asset: "orders_set".into(),
                rules: vec![
                    ColumnRule {
                        targets: audience(true, &[], &[]),
                        column: "email".into(),
                        action: ColumnAction::Hide,
                    },
                    ColumnRule {
                        targets: audience(false, &[], &["sales"]),
                        column: "discount".into(),
                        action: ColumnAction::Mask,
                    },
                ],
            },
        ),
    ];
    let mut engine = Engine::new();
    for (actor, command) in &commands {
        engine
            .execute(actor, command, AT)
            .map_err(|r| format!("{} was refused: {r}", command.name()))?;
    }
    engine
        .data_scope("ana", "orders_set", AT)
        .map_err(|r| format!("data_scope was refused: {r}"))
}

/// Runs `f` `RUNS` times; returns the best and the median duration and `f`'s last result.
fn time<T>(mut f: impl FnMut() -> T) -> (Duration, Duration, Option<T>) {
    let mut times = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let out = black_box(f());
        times.push(started.elapsed());
        last = Some(out);
    }
    times.sort();
    let best = times.first().copied().unwrap_or_default();
    let median = times.get(RUNS / 2).copied().unwrap_or_default();
    (best, median, last)
}

fn per_second(rows: usize, d: Duration) -> f64 {
    rows as f64 / d.as_secs_f64().max(f64::MIN_POSITIVE)
}

fn report(name: &str, rows: usize, best: Duration, median: Duration, kept: usize) {
    println!(
        "{name}: {rows} rows, {kept} in scope; best {best:.2?} ({:.2} M rows/s), median \
         {median:.2?} ({:.2} M rows/s)",
        per_second(rows, best) / 1e6,
        per_second(rows, median) / 1e6,
    );
}

fn apply_compiled(compiled: &CompiledScope, rows: &[Vec<Value>]) -> Vec<Vec<Value>> {
    rows.iter().filter_map(|r| compiled.apply_row(r)).collect()
}

fn count_matches(compiled: &CompiledScope, rows: &[Vec<Value>]) -> usize {
    rows.iter().filter(|r| compiled.matches(r)).count()
}

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let n = if bench_mode { 1_000_000 } else { 10_000 };

    let scope = match scope() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot build the scope: {e}");
            std::process::exit(1);
        }
    };
    let shown: Vec<String> = scope
        .columns
        .iter()
        .map(|c| {
            if c.masked {
                format!("{} (masked)", c.name)
            } else {
                c.name.clone()
            }
        })
        .collect();
    println!("scope: columns {}", shown.join(", "));
    println!(
        "scope: rows {}",
        serde_json::to_string(&scope.rows).unwrap_or_default()
    );

    let started = Instant::now();
    let arrays = generate(n, 0x5eed_da7a);
    println!(
        "generated {n} rows of {} columns in {:.2?}",
        HEADER.len(),
        started.elapsed()
    );
    let compiled = scope.compile(&HEADER);

    // (a) the compiled columnar path.
    let (best, median, out) = time(|| apply_compiled(&compiled, &arrays));
    let kept = out.map_or(0, |v| v.len());
    report("compiled apply_row", n, best, median, kept);
    let (best, median, out) = time(|| count_matches(&compiled, &arrays));
    report("compiled matches", n, best, median, out.unwrap_or(0));

    let mut c = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(16))
        .sample_size(10);
    let mut group = c.benchmark_group("data_scope");
    group.throughput(Throughput::Elements(n as u64));
    // Each iteration is a whole pass over the rows: a few samples of one iteration each.
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("compiled_apply_row", |b| {
        b.iter(|| apply_compiled(black_box(&compiled), black_box(&arrays)))
    });

    // (b) the object path.
    let started = Instant::now();
    let objects = to_objects(&arrays);
    drop(arrays);
    println!("built {n} object rows in {:.2?}", started.elapsed());
    let (best, median, out) = time(|| scope.apply(&objects));
    let kept_objects = out.map_or(0, |v| v.len());
    report("object apply", n, best, median, kept_objects);
    if kept_objects != kept {
        eprintln!("the object path kept {kept_objects} rows, the compiled path {kept}");
        std::process::exit(1);
    }
    group.bench_function("object_apply", |b| {
        b.iter(|| black_box(&scope).apply(black_box(&objects)))
    });
    group.finish();
    c.final_summary();
}
