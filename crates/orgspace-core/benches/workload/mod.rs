//! A deterministic, large organization for benchmarks, built directly as a [`Snapshot`]
//! (much faster than running a million commands).
//!
//! The shape (with [`Shape::full`]):
//!
//! - members `u00000` .. `u09999`; `u00000` is the org admin, `u00001` a permission admin;
//!   a quarter of the members carry a `region` attribute;
//! - 50 user groups `g00` .. `g49`: `g00`..`g09` top level, `g10`..`g29` nested in
//!   `g(i-10)`, `g30`..`g49` nested in `g(i-20)` (three levels); each member is directly in
//!   0 (30%), 1 (40%), 2 (20%) or 3 (10%) groups;
//! - 200 group workspaces `ws000` .. `ws199`, private when the number is even, collaboration
//!   when odd; `ws001` is the default; every group workspace defines a custom role `reviewer`;
//! - each member is in one "home" workspace among `ws001`..`ws199`, 30% in one more, and 10%
//!   (about 1,000) in `ws000`, the big private workspace; roles are admin 2%, developer 18%,
//!   analyst 45%, visitor 30%, `reviewer` + visitor 5%;
//! - each member's personal workspace `personal:<user>` with 0..=40 assets;
//! - 1,000,000 assets in all, ids `a0000000`.. in workspace order: 100,000 in `ws000`, the
//!   personal ones, the rest spread evenly over `ws001`..`ws199`; kinds by fixed weights;
//!   75% in a folder; 5% carry a user grant, 5% a group grant, 2% (group workspaces only) are
//!   public; 15% of grants expire (half of those already expired at [`Workload::now`]);
//!   20% of workbooks, dashboards and portals reference an earlier dataset of their workspace;
//! - folders `f0000000`.. nested up to four levels, about one per 40 assets of a group
//!   workspace, 0..=2 per personal workspace.
//!
//! Probes the benchmarks ask about: `u00007` is an analyst of `ws000` directly in three groups
//! (`g05`, `g17`, `g38`: six with their ancestors); `u00008` is an analyst of `ws003`
//! (collaboration).
//!
//! The random numbers come from mulberry32 (32-bit state, seeded), and a draw below `n` is
//! `floor(x * n / 2^32)`, so the generator can be ported to JavaScript (`Math.imul`) and give
//! the same organization.

use orgspace_core::snapshot::{
    AssetDoc, FORMAT, FolderDoc, GrantDoc, GroupDoc, MemberDoc, OrgPart, Snapshot, WorkspaceHeader,
    WorkspaceMemberDoc, WorkspacePart, WorkspaceRoleDoc,
};
use orgspace_core::{Kind, Level, Mode, Operation, PERSONAL_PREFIX, Point, Target, WorkspaceKind};
use std::collections::{BTreeMap, BTreeSet};

/// The size of the generated organization.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Members of the organization.
    pub members: usize,
    /// Group workspaces (the first is the big private one).
    pub group_workspaces: usize,
    /// User groups (at least 50 for the probe's groups).
    pub groups: usize,
    /// Assets in all.
    pub assets: usize,
    /// Assets in the big private workspace `ws000`.
    pub big_assets: usize,
    /// Per mille of members in `ws000`.
    pub big_members_per_mille: u32,
    /// Largest number of assets in a personal workspace.
    pub max_personal_assets: u32,
    /// The PRNG seed.
    pub seed: u32,
}

impl Shape {
    /// The shape of the brief: 10,000 members, 200 group workspaces, 50 groups,
    /// 1,000,000 assets, 100,000 of them in `ws000` with about 1,000 members.
    pub const fn full() -> Shape {
        Shape {
            members: 10_000,
            group_workspaces: 200,
            groups: 50,
            assets: 1_000_000,
            big_assets: 100_000,
            big_members_per_mille: 100,
            max_personal_assets: 40,
            seed: 0x05ee_d0c0,
        }
    }

    /// A tenth of it: 1,000 members, 100,000 assets, 10,000 in `ws000`.
    pub const fn tenth() -> Shape {
        Shape {
            members: 1_000,
            group_workspaces: 40,
            groups: 50,
            assets: 100_000,
            big_assets: 10_000,
            big_members_per_mille: 100,
            max_personal_assets: 40,
            seed: 0x05ee_d0c0,
        }
    }

    /// The shape named `hundredth`, `tenth` or `full` (what `bench/scale.mjs` asks for).
    pub fn named(name: &str) -> Option<Shape> {
        match name {
            "hundredth" => Some(Shape::small()),
            "tenth" => Some(Shape::tenth()),
            "full" => Some(Shape::full()),
            _ => None,
        }
    }

    /// A hundredth of it, for `cargo test --benches`.
    pub const fn small() -> Shape {
        Shape {
            members: 200,
            group_workspaces: 10,
            groups: 50,
            assets: 10_000,
            big_assets: 1_000,
            big_members_per_mille: 300,
            max_personal_assets: 10,
            seed: 0x05ee_d0c0,
        }
    }
}

/// The generated organization and the ids the benchmarks probe.
pub struct Workload {
    /// The whole organization.
    pub snapshot: Snapshot,
    /// The time the benchmarks ask at, in milliseconds since the epoch.
    pub now: u64,
    /// The big private workspace.
    pub private_ws: String,
    /// An analyst of `private_ws` directly in three groups.
    pub private_analyst: String,
    /// A collaboration workspace.
    pub collab_ws: String,
    /// An analyst of `collab_ws`.
    pub collab_member: String,
}

/// mulberry32: small, fast, and easy to port.
pub struct Rng(u32);

impl Rng {
    /// A generator from a seed.
    pub const fn new(seed: u32) -> Rng {
        Rng(seed)
    }

    /// The next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(0x6D2B_79F5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        t ^ (t >> 14)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        let x = u64::from(self.next_u32());
        usize::try_from((x * n as u64) >> 32).unwrap_or(0)
    }

    /// True `per_mille` times in a thousand.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < per_mille as usize
    }

    /// A random element of a slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

const NOW: u64 = 1_700_000_000_000;
const DAY_MS: u64 = 86_400_000;

/// Kinds and their weights (per mille).
const KIND_WEIGHTS: [(Kind, u32); 8] = [
    (Kind::DataSource, 30),
    (Kind::Dataset, 100),
    (Kind::Workbook, 150),
    (Kind::Dashboard, 350),
    (Kind::Portal, 50),
    (Kind::AdHocAnalysis, 120),
    (Kind::SelfServiceQuery, 120),
    (Kind::DataEntryForm, 80),
];

fn user_id(u: usize) -> String {
    format!("u{u:05}")
}

fn group_id(g: usize) -> String {
    format!("g{g:02}")
}

fn ws_id(w: usize) -> String {
    format!("ws{w:03}")
}

fn pick_kind(rng: &mut Rng) -> Kind {
    let mut roll = rng.below(1000) as u32;
    for (kind, weight) in KIND_WEIGHTS {
        if roll < weight {
            return kind;
        }
        roll -= weight;
    }
    Kind::Dashboard
}

fn pick_level(rng: &mut Rng, kind: Kind) -> Level {
    match rng.below(10) {
        0..=4 => Level::View,
        5 | 6 => Level::Export,
        7 if kind.is_data() => Level::Use,
        _ => Level::Edit,
    }
}

fn roll_roles(rng: &mut Rng) -> Vec<String> {
    let roles: &[&str] = match rng.below(100) {
        0..=1 => &["admin"],
        2..=19 => &["developer"],
        20..=64 => &["analyst"],
        65..=94 => &["visitor"],
        _ => &["reviewer", "visitor"],
    };
    roles.iter().map(|r| (*r).to_owned()).collect()
}

fn reviewer_role() -> WorkspaceRoleDoc {
    let points = [
        (Kind::Dashboard, Operation::View),
        (Kind::Dashboard, Operation::Export),
        (Kind::Workbook, Operation::View),
        (Kind::Portal, Operation::View),
    ]
    .into_iter()
    .map(|(kind, operation)| Point { kind, operation })
    .collect();
    WorkspaceRoleDoc {
        id: "reviewer".into(),
        name: "Reviewer".into(),
        points,
    }
}

/// Who is in one workspace being generated.
struct Crew {
    /// Every member (the owner only, in a personal workspace).
    all: Vec<usize>,
    /// Members who may create content (admin, developer, analyst).
    creators: Vec<usize>,
    /// Members who may create data sources and datasets (admin, developer).
    data_creators: Vec<usize>,
}

impl Crew {
    fn of(members: &BTreeMap<usize, Vec<String>>) -> Crew {
        let mut crew = Crew {
            all: Vec::new(),
            creators: Vec::new(),
            data_creators: Vec::new(),
        };
        for (&u, roles) in members {
            crew.all.push(u);
            if roles
                .iter()
                .any(|r| matches!(r.as_str(), "admin" | "developer" | "analyst"))
            {
                crew.creators.push(u);
            }
            if roles
                .iter()
                .any(|r| matches!(r.as_str(), "admin" | "developer"))
            {
                crew.data_creators.push(u);
            }
        }
        crew
    }

    fn owner_for(&self, rng: &mut Rng, kind: Kind) -> usize {
        let pool = if kind.is_data() {
            &self.data_creators
        } else {
            &self.creators
        };
        let pool = if pool.is_empty() { &self.all } else { pool };
        rng.pick(pool).copied().unwrap_or(0)
    }
}

/// Counters shared by every workspace: ids are global.
struct Ids {
    folder: usize,
    asset: usize,
}

struct Filler<'a> {
    rng: &'a mut Rng,
    ids: &'a mut Ids,
    shape: Shape,
}

impl Filler<'_> {
    /// Folders and assets of one workspace. `personal` workspaces are shared with any member
    /// of the organization (W4) and hold nothing public.
    fn fill(&mut self, part: &mut WorkspacePart, crew: &Crew, assets: usize, personal: bool) {
        let rng = &mut *self.rng;
        let folder_count = if personal {
            rng.below(3)
        } else {
            (assets / 40).max(1)
        };
        let mut folders: Vec<String> = Vec::with_capacity(folder_count);
        let mut depths: Vec<usize> = Vec::with_capacity(folder_count);
        for j in 0..folder_count {
            let id = format!("f{:07}", self.ids.folder);
            self.ids.folder += 1;
            let parent = if j < folder_count.div_ceil(4) {
                None
            } else {
                let p = rng.below(j);
                match depths.get(p) {
                    Some(&d) if d < 4 => Some(p),
                    _ => None,
                }
            };
            let depth = parent.and_then(|p| depths.get(p)).map_or(1, |d| d + 1);
            depths.push(depth);
            part.folders.push(FolderDoc {
                id: id.clone(),
                name: format!("Folder {j}"),
                parent: parent.and_then(|p| folders.get(p).cloned()),
                created_by: user_id(rng.pick(&crew.all).copied().unwrap_or(0)),
            });
            folders.push(id);
        }

        let mut datasets: Vec<String> = Vec::new();
        part.assets.reserve(assets);
        for _ in 0..assets {
            let n = self.ids.asset;
            self.ids.asset += 1;
            let id = format!("a{n:07}");
            let kind = pick_kind(rng);
            let owner = crew.owner_for(rng, kind);
            let folder = if rng.chance(750) {
                rng.pick(&folders).cloned()
            } else {
                None
            };
            let public = !personal && rng.chance(20);
            let mut grants = Vec::new();
            if rng.chance(50) {
                let pool = if personal { None } else { Some(&crew.all) };
                let to = match pool {
                    Some(pool) => rng.pick(pool).copied().unwrap_or(0),
                    None => rng.below(self.shape.members),
                };
                if to != owner {
                    grants.push(grant(rng, Target::User(user_id(to)), kind));
                }
            }
            if rng.chance(50) {
                let g = rng.below(self.shape.groups);
                grants.push(grant(rng, Target::Group(group_id(g)), kind));
            }
            grants.sort_by(|a, b| a.to.cmp(&b.to));
            let mut references = Vec::new();
            if matches!(kind, Kind::Workbook | Kind::Dashboard | Kind::Portal) && rng.chance(200) {
                if let Some(d) = rng.pick(&datasets) {
                    references.push(d.clone());
                }
            }
            if kind == Kind::Dataset {
                datasets.push(id.clone());
            }
            let created_at = NOW - (rng.below(365 * 86_400) as u64) * 1000;
            part.assets.push(AssetDoc {
                id,
                kind,
                name: format!("{} {n}", kind.as_str()),
                folder,
                owner: user_id(owner),
                public,
                created_at,
                references,
                grants,
                security: None,
            });
        }
    }
}

fn grant(rng: &mut Rng, to: Target, kind: Kind) -> GrantDoc {
    let level = pick_level(rng, kind);
    let expires_at = if rng.chance(150) {
        let offset = (rng.below(30) as u64 + 1) * DAY_MS;
        Some(if rng.chance(500) {
            NOW - offset
        } else {
            NOW + offset
        })
    } else {
        None
    };
    GrantDoc {
        to,
        level,
        expires_at,
    }
}

/// Builds the organization of `shape`. Deterministic: equal shapes give equal snapshots.
pub fn generate(shape: Shape) -> Workload {
    let mut rng = Rng::new(shape.seed);
    let n_ws = shape.group_workspaces.max(4);
    let analyst = 7usize;
    let collab_member = 8usize;
    let collab_ws = 3usize;

    // Members.
    let regions = ["east", "west", "north", "south"];
    let mut members = Vec::with_capacity(shape.members);
    for u in 0..shape.members {
        let roles = match u {
            0 => vec!["org_admin".to_owned()],
            1 => vec!["permission_admin".to_owned()],
            _ => Vec::new(),
        };
        let mut attributes = BTreeMap::new();
        if rng.chance(250) {
            let region = rng.pick(&regions).copied().unwrap_or("east");
            attributes.insert("region".to_owned(), vec![region.to_owned()]);
        }
        members.push(MemberDoc {
            user: user_id(u),
            roles,
            attributes,
            // Derived: the whole snapshot's loader computes it.
            reach: 0,
        });
    }

    // Groups.
    let mut group_members: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); shape.groups];
    for u in 0..shape.members {
        let count = match rng.below(10) {
            0..=2 => 0,
            3..=6 => 1,
            7 | 8 => 2,
            _ => 3,
        };
        let count = if u == analyst { 0 } else { count };
        for _ in 0..count {
            let g = rng.below(shape.groups);
            if let Some(set) = group_members.get_mut(g) {
                set.insert(u);
            }
        }
    }
    for g in [5, 17, 38] {
        if let Some(set) = group_members.get_mut(g) {
            set.insert(analyst);
        }
    }
    let groups = group_members
        .iter()
        .enumerate()
        .map(|(g, set)| GroupDoc {
            id: group_id(g),
            name: format!("Group {g}"),
            parent: match g {
                0..10 => None,
                10..30 => Some(group_id(g - 10)),
                _ => Some(group_id(g - 20)),
            },
            members: set.iter().map(|&u| user_id(u)).collect(),
        })
        .collect();

    // Workspace memberships.
    let mut ws_members: Vec<BTreeMap<usize, Vec<String>>> = vec![BTreeMap::new(); n_ws];
    for u in 0..shape.members {
        let home = 1 + rng.below(n_ws - 1);
        let mut joined = vec![home];
        if rng.chance(300) {
            joined.push(1 + rng.below(n_ws - 1));
        }
        if rng.chance(shape.big_members_per_mille) {
            joined.push(0);
        }
        for w in joined {
            let roles = roll_roles(&mut rng);
            if let Some(m) = ws_members.get_mut(w) {
                m.entry(u).or_insert(roles);
            }
        }
    }
    for w in [0, 1] {
        if let Some(m) = ws_members.get_mut(w) {
            m.insert(0, vec!["admin".to_owned()]);
        }
    }
    if let Some(m) = ws_members.get_mut(0) {
        m.insert(analyst, vec!["analyst".to_owned()]);
    }
    if let Some(m) = ws_members.get_mut(collab_ws) {
        m.insert(collab_member, vec!["analyst".to_owned()]);
    }

    // Asset counts: ws000, then personal workspaces, then the rest spread evenly.
    let personal_counts: Vec<usize> = (0..shape.members)
        .map(|_| rng.below(shape.max_personal_assets as usize + 1))
        .collect();
    let personal_total: usize = personal_counts.iter().sum();
    let rest = shape
        .assets
        .saturating_sub(shape.big_assets)
        .saturating_sub(personal_total);
    let per_ws = rest / (n_ws - 1);
    let extra = rest % (n_ws - 1);

    let mut headers = Vec::new();
    let mut parts = Vec::new();
    let mut ids = Ids {
        folder: 0,
        asset: 0,
    };
    let mut filler = Filler {
        rng: &mut rng,
        ids: &mut ids,
        shape,
    };
    for (w, members) in ws_members.iter().enumerate() {
        let id = ws_id(w);
        let mode = if w % 2 == 0 {
            Mode::Private
        } else {
            Mode::Collaboration
        };
        headers.push(WorkspaceHeader {
            id: id.clone(),
            kind: WorkspaceKind::Group,
            name: format!("Workspace {w}"),
            mode,
            owner: None,
        });
        let mut part = WorkspacePart {
            id,
            members: members
                .iter()
                .map(|(&u, roles)| WorkspaceMemberDoc {
                    user: user_id(u),
                    roles: roles.clone(),
                })
                .collect(),
            roles: vec![reviewer_role()],
            folders: Vec::new(),
            assets: Vec::new(),
            table_grants: Vec::new(),
        };
        let count = if w == 0 {
            shape.big_assets
        } else {
            per_ws + usize::from(w <= extra)
        };
        filler.fill(&mut part, &Crew::of(members), count, false);
        parts.push(part);
    }
    for (u, &count) in personal_counts.iter().enumerate() {
        let uid = user_id(u);
        let id = format!("{PERSONAL_PREFIX}{uid}");
        headers.push(WorkspaceHeader {
            id: id.clone(),
            kind: WorkspaceKind::Personal,
            name: format!("{uid}'s workspace"),
            mode: Mode::Private,
            owner: Some(uid),
        });
        let mut part = WorkspacePart {
            id,
            members: Vec::new(),
            roles: Vec::new(),
            folders: Vec::new(),
            assets: Vec::new(),
            table_grants: Vec::new(),
        };
        let crew = Crew {
            all: vec![u],
            creators: vec![u],
            data_creators: vec![u],
        };
        filler.fill(&mut part, &crew, count, true);
        parts.push(part);
    }
    headers.sort_by(|a, b| a.id.cmp(&b.id));
    parts.sort_by(|a, b| a.id.cmp(&b.id));

    Workload {
        snapshot: Snapshot {
            format: FORMAT,
            org: OrgPart {
                id: "bench".into(),
                name: "Benchmark Org".into(),
                version: 1,
                default_workspace: ws_id(1),
                members,
                org_roles: Vec::new(),
                groups,
                workspaces: headers,
                data_sources: Vec::new(),
            },
            workspaces: parts,
            audit: Vec::new(),
            view_of: None,
            listing: None,
        },
        now: NOW,
        private_ws: ws_id(0),
        private_analyst: user_id(analyst),
        collab_ws: ws_id(collab_ws),
        collab_member: user_id(collab_member),
    }
}
