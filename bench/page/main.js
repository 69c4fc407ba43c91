// The benchmark page: builds the workload, runs the five contestants of GitHub issue 4 (and
// `filter` on shuffled ids, rows 6 and 7) in this one page, and hands timings and answers back to run.mjs through `window.runBench`.
//
// Bundled by esbuild (with @casl/ability); the two WebAssembly packages are left as imports of
// the paths the local server serves them at, so each fetches its own `.wasm` as a page would.

import { AbilityBuilder, createMongoAbility, subject } from "@casl/ability";
import { Engine } from "/orgspace/index.js";
import initCedar, { preparsePolicySet, statefulIsAuthorized } from "/cedar/cedar_wasm.js";
import { KINDS, generate, rng } from "../workload.js";

await initCedar({ module_or_path: "/cedar/cedar_wasm_bg.wasm" });

const CEDAR_POLICIES = `
permit (principal, action == Action::"view", resource is Asset)
when { resource.public || resource.owner == principal || principal in resource.viewers };
`;

/**
 * Times `fn` `runs` times after untimed warm-up calls: at least `warmup` of them and at least
 * `warmupMs` of calling (at most 1,000 calls), so that V8 has tiered the JavaScript and the
 * WebAssembly up to optimized code before anything is timed. Returns the times and the last
 * answer.
 */
function measure(fn, runs, warmup, warmupMs) {
  let answer;
  const start = performance.now();
  for (let i = 0; i < 1000 && (i < warmup || performance.now() - start < warmupMs); i++) answer = fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    answer = fn();
    times.push(performance.now() - t0);
  }
  return { times, answer };
}

/** Cedar entities: the user with their groups as parents, the groups, and each asset. */
function cedarEntities(w) {
  const uid = (type, id) => ({ __entity: { type, id } });
  const user = {
    uid: { type: "User", id: w.user },
    attrs: { role: "analyst" },
    parents: w.groups.map((g) => ({ type: "Group", id: g })),
  };
  const groups = w.groups.map((g) => ({ uid: { type: "Group", id: g }, attrs: {}, parents: [] }));
  // One entity list per request, built once before anything is timed: the principal's part is
  // shared, the resource's is the asset's own.
  return w.assets.map((a) => [
    user,
    ...groups,
    {
      uid: { type: "Asset", id: a.id },
      attrs: {
        kind: a.kind,
        public: a.public,
        owner: uid("User", a.owner),
        viewers: a.grants.map((g) => (g.user ? uid("User", g.user) : uid("Group", g.group))),
      },
      parents: [],
    },
  ]);
}

window.runBench = async function runBench(opts) {
  const log = [];
  const runs = opts.runs;
  const warmup = opts.warmup;

  let t0 = performance.now();
  const w = generate({ assets: opts.assets });
  log.push(`workload: ${w.assets.length} assets, ${w.snapshot.org.members.length} members, ${w.snapshot.org.groups.length} groups, built in ${(performance.now() - t0).toFixed(0)} ms`);

  t0 = performance.now();
  const engine = Engine.fromSnapshot(w.snapshot);
  log.push(`orgspace: Engine.fromSnapshot in ${(performance.now() - t0).toFixed(0)} ms`);
  const ids = w.ids.slice(); // the plain JS array of ids given to `filter`
  // (6) the same ids in a random order (Fisher-Yates, seeded): `filter` finds ids in the
  // engine's own order by position, others through a dictionary.
  const shuffle = (seed) => {
    const out = ids.slice();
    const r = rng(seed);
    for (let i = out.length - 1; i > 0; i--) {
      const j = r.below(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  const shuffled = shuffle(6);
  // (7) two other orders of the same ids, taken in turn: each call meets an order the last
  // call did not have, so `filter` finds every id through its dictionary.
  const orders = [shuffle(7), shuffle(8)];
  let turn = 0;
  const { user, workspace, now } = w;

  // (3) a hand-written loop over plain objects: own, public, or granted to the user or one of
  // their (flat) groups. No grant expires and every kind is one an analyst views (R3).
  const groupSet = new Set(w.groups);
  const handLoop = () => {
    const out = [];
    const assets = w.assets;
    for (let i = 0; i < assets.length; i++) {
      const a = assets[i];
      if (a.owner === user || a.public) {
        out.push(a.id);
        continue;
      }
      const grants = a.grants;
      for (let j = 0; j < grants.length; j++) {
        const g = grants[j];
        if (g.user === user || (g.group !== undefined && groupSet.has(g.group))) {
          out.push(a.id);
          break;
        }
      }
    }
    return out;
  };

  // (4) CASL, idiomatic: a mongo-query ability and `ability.can` per subject.
  const caslAssets = w.assets.map((a) => ({
    id: a.id,
    kind: a.kind,
    owner: a.owner,
    public: a.public,
    grantees: a.grants.map((g) => g.user ?? g.group),
  }));
  const { can, build } = new AbilityBuilder(createMongoAbility);
  can("view", "Asset", { public: true });
  can("view", "Asset", { owner: user });
  can("view", "Asset", { grantees: { $in: [user, ...w.groups] } });
  const ability = build();
  const casl = () => caslAssets.filter((a) => ability.can("view", subject("Asset", a))).map((a) => a.id);

  // (5) cedar-wasm: policies preparsed once, one statefulIsAuthorized call per asset on a slice
  // spread evenly over the workspace (every `step`-th asset), scaled to the whole.
  const parsed = preparsePolicySet("bench", { staticPolicies: CEDAR_POLICIES });
  if (parsed.type !== "success") throw new Error(`cedar: ${JSON.stringify(parsed.errors)}`);
  t0 = performance.now();
  const entities = cedarEntities(w);
  log.push(`cedar-wasm: entities for ${entities.length} requests built in ${(performance.now() - t0).toFixed(0)} ms`);
  const principal = { type: "User", id: user };
  const action = { type: "Action", id: "view" };
  const cedarAllows = (i) => {
    const r = statefulIsAuthorized({
      principal,
      action,
      resource: { type: "Asset", id: w.ids[i] },
      context: {},
      preparsedPolicySetId: "bench",
      entities: entities[i],
    });
    if (r.type !== "success") throw new Error(`cedar: ${JSON.stringify(r.errors)}`);
    return r.response.decision === "allow";
  };
  const sliceSize = Math.min(opts.cedarSlice, w.assets.length);
  const step = w.assets.length / sliceSize;
  const slice = Array.from({ length: sliceSize }, (_, k) => Math.floor(k * step));
  const cedarSlice = () => {
    const out = [];
    for (const i of slice) if (cedarAllows(i)) out.push(w.ids[i]);
    return out;
  };

  const results = [];
  const run = (name, fn, note, scale = 1) => {
    const m = measure(fn, runs, warmup, opts.warmupMs);
    results.push({ name, note, scale, times: m.times.map((t) => t * scale), answer: m.answer });
  };
  run("(1) orgspace `visibleAssets` (engine-held state)", () => engine.visibleAssets(user, workspace, now));
  run("(2) orgspace `filter` (JS array of ids)", () => engine.filter(user, "view", ids, now));
  run("(3) hand-written JS loop", handLoop);
  run("(4) @casl/ability", casl);
  run(
    "(5) @cedar-policy/cedar-wasm",
    cedarSlice,
    `${sliceSize} of ${w.assets.length} assets timed, scaled x${+step.toFixed(2)}`,
    w.assets.length / sliceSize,
  );

  run("(6) orgspace `filter`, the same ids shuffled", () => engine.filter(user, "view", shuffled, now));
  run("(7) orgspace `filter`, shuffled, a new order on every call", () => engine.filter(user, "view", orders[turn++ % 2], now));

  // Agreement: cedar also answers for every asset once, untimed, when asked.
  let cedarFull = null;
  if (opts.cedarFull) {
    t0 = performance.now();
    cedarFull = [];
    for (let i = 0; i < w.assets.length; i++) if (cedarAllows(i)) cedarFull.push(w.ids[i]);
    log.push(`cedar-wasm: full pass over ${w.assets.length} assets (agreement only) in ${(performance.now() - t0).toFixed(0)} ms`);
  }
  engine.free();

  return {
    log,
    assets: w.assets.length,
    kinds: KINDS.map(([k]) => k),
    slice: slice.map((i) => w.ids[i]),
    cedarFull,
    results,
    crossOriginIsolated: self.crossOriginIsolated,
    userAgent: navigator.userAgent,
  };
};
window.benchReady = true;
