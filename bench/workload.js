// The workload of GitHub issue 4, built deterministically in JavaScript: one private-mode
// group workspace with 100,000 assets (scalable), 1,000 members and 50 flat user groups.
// 5% of the assets carry a direct user grant, 5% a group grant, 2% are public; no grant
// expires. The probe user `u0007` is an analyst of the workspace, directly in three groups.
//
// The random numbers come from mulberry32, ported from
// crates/orgspace-core/benches/workload/mod.rs (a draw below `n` is floor(x * n / 2^32)),
// so the same seed gives the same organization on every run and in every browser.
//
// `generate()` returns the engine's snapshot (the format of orgspace_core::snapshot, built
// directly rather than through 100,000 commands) and a plain list of the same assets for the
// contestants that work on plain objects.

export const NOW = 1_700_000_000_000;
export const WORKSPACE = "bench";
export const PROBE = "u0007";
export const PROBE_GROUPS = ["g05", "g17", "g38"];

/** Kinds an analyst may view (SPEC R3): the workload holds no data sources or datasets. */
export const KINDS = [
  ["dashboard", 400],
  ["workbook", 200],
  ["portal", 80],
  ["ad_hoc_analysis", 120],
  ["self_service_query", 120],
  ["data_entry_form", 80],
];

export const DEFAULT_SHAPE = Object.freeze({
  assets: 100_000,
  members: 1_000,
  groups: 50,
  seed: 0x05eed0c0,
});

/** mulberry32: the same bits as `Rng` of the Rust workload. */
export function rng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    next,
    /** A number in 0..n. */
    below: (n) => Math.floor((next() * n) / 4294967296),
    /** True `perMille` times in a thousand. */
    chance(perMille) {
      return this.below(1000) < perMille;
    },
    pick(items) {
      return items[this.below(items.length)];
    },
  };
}

const pad = (n, width) => String(n).padStart(width, "0");
export const userId = (u) => `u${pad(u, 4)}`;
export const groupId = (g) => `g${pad(g, 2)}`;
export const assetId = (a) => `a${pad(a, 7)}`;

function pickKind(r) {
  let roll = r.below(1000);
  for (const [kind, weight] of KINDS) {
    if (roll < weight) return kind;
    roll -= weight;
  }
  return "dashboard";
}

/**
 * Builds the organization. Returns `{snapshot, assets, ids, now, workspace, user, groups}`
 * where `assets` are plain objects `{id, kind, owner, public, grants: [{user} | {group}]}` in
 * id order and `ids` their ids.
 */
export function generate(shape = {}) {
  const s = { ...DEFAULT_SHAPE, ...shape };
  if (s.members < 10 || s.groups < 50) throw new Error("the shape needs >= 10 members and >= 50 groups");
  const r = rng(s.seed);
  const probe = 7;

  // Members: u0000 is the org admin and a workspace admin; everyone else holds one preset role.
  const roles = [];
  for (let u = 0; u < s.members; u++) {
    const roll = r.below(100);
    roles.push(u === 0 ? "admin" : roll < 20 ? "developer" : roll < 70 ? "analyst" : "visitor");
  }
  roles[probe] = "analyst";
  const creators = [];
  for (let u = 0; u < s.members; u++) if (roles[u] !== "visitor") creators.push(u);

  // Flat groups: each member directly in 0..=3 random groups; the probe in exactly three.
  const groupMembers = Array.from({ length: s.groups }, () => new Set());
  for (let u = 0; u < s.members; u++) {
    const count = u === probe ? 0 : r.below(4);
    for (let i = 0; i < count; i++) groupMembers[r.below(s.groups)].add(u);
  }
  for (const g of PROBE_GROUPS) groupMembers[Number(g.slice(1))].add(probe);

  // Assets.
  const assets = new Array(s.assets);
  const snapAssets = new Array(s.assets);
  for (let n = 0; n < s.assets; n++) {
    const id = assetId(n);
    const kind = pickKind(r);
    const owner = creators[r.below(creators.length)];
    const isPublic = r.chance(20);
    const grants = [];
    if (r.chance(50)) {
      const to = r.below(s.members);
      if (to !== owner) grants.push({ user: userId(to), level: r.chance(500) ? "view" : "export" });
    }
    if (r.chance(50)) {
      grants.push({ group: groupId(r.below(s.groups)), level: r.chance(500) ? "view" : "export" });
    }
    const ownerId = userId(owner);
    const createdAt = NOW - r.below(365 * 86_400) * 1000;
    assets[n] = {
      id,
      kind,
      owner: ownerId,
      public: isPublic,
      grants: grants.map((g) => (g.user ? { user: g.user } : { group: g.group })),
    };
    // Grants sorted by target, as the snapshot format keeps them: {"group"} before {"user"}.
    const docGrants = grants
      .map((g) => ({ to: g.user ? { user: g.user } : { group: g.group }, level: g.level }))
      .sort((a, b) => (a.to.group ? 0 : 1) - (b.to.group ? 0 : 1));
    const doc = { id, kind, name: `${kind} ${n}`, owner: ownerId, public: isPublic, created_at: createdAt };
    if (docGrants.length) doc.grants = docGrants;
    snapAssets[n] = doc;
  }

  // Workspaces sorted by id: "bench" before "personal:...".
  const members = [];
  const headers = [{ id: WORKSPACE, kind: "group", name: "Benchmark", mode: "private" }];
  const parts = [
    {
      id: WORKSPACE,
      members: roles.map((role, u) => ({ user: userId(u), roles: [role] })),
      roles: [],
      folders: [],
      assets: snapAssets,
    },
  ];
  for (let u = 0; u < s.members; u++) {
    const uid = userId(u);
    members.push({ user: uid, roles: u === 0 ? ["org_admin"] : [] });
    headers.push({ id: `personal:${uid}`, kind: "personal", name: `${uid}'s workspace`, mode: "private", owner: uid });
    parts.push({ id: `personal:${uid}`, members: [], roles: [], folders: [], assets: [] });
  }
  const snapshot = {
    format: 1,
    org: {
      id: "bench",
      name: "Benchmark Org",
      version: 1,
      default_workspace: WORKSPACE,
      members,
      org_roles: [],
      groups: groupMembers.map((set, g) => ({
        id: groupId(g),
        name: `Group ${g}`,
        members: [...set].sort((a, b) => a - b).map(userId),
      })),
      workspaces: headers,
    },
    workspaces: parts,
  };
  return {
    snapshot,
    assets,
    ids: assets.map((a) => a.id),
    now: NOW,
    workspace: WORKSPACE,
    user: PROBE,
    groups: PROBE_GROUPS,
  };
}
