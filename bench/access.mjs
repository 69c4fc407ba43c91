// The access questions of issue 15 in the npm package (Node entry), on the workload of
// bench/workload.js: one private workspace of 100,000 assets, 1,000 members, 50 user groups.
// Prints medians of:
//
// - `whoHasAccess` for one asset with a group grant (view), first page of 100 and every page,
//   asked by the org admin `u0000`;
// - `accessDiff` of a group membership change (the probe `u0007` joins a group it is not in);
// - `accessDiff` of a grant (edit on a dashboard of the big workspace to the probe), of the
//   probe's role change (analyst to visitor) and of a mode switch (of `small`, a collaboration
//   workspace of 20 members and 200 assets made here), bounded (the parts the diff reads) next
//   to `accessDiffWhole` (a copy of the whole engine, what every other command took before).
//
// The native figures are `cargo bench -p orgspace-core --bench access` (the 1,000,000-asset
// organization of crates/orgspace-core/benches/workload).
//
//   bash scripts/build-npm.sh && node bench/access.mjs [runs]

import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { NOW, PROBE, PROBE_GROUPS, generate } from "./workload.js";

const root = resolve(import.meta.dirname, "..");
const { Engine } = await import(pathToFileURL(join(root, "target/npm/orgspace/node.js")).href);
const RUNS = Number(process.argv[2] ?? 200);
const ADMIN = "u0000";

const w = generate();
const engine = Engine.fromSnapshot(JSON.stringify(w.snapshot));
const part = w.snapshot.workspaces.find((p) => p.id === w.workspace);
const asset = part.assets.find((a) => (a.grants ?? []).some((g) => g.to.group)).id;
const group = w.snapshot.org.groups.map((g) => g.id).find((g) => !PROBE_GROUPS.includes(g));
const join_ = { type: "add_group_member", group, user: PROBE };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(label, runs, f) {
  for (let i = 0; i < Math.min(runs, 10); i++) f();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  const m = median(times);
  console.log(`npm ${label}: median ${m >= 1000 ? `${(m / 1000).toFixed(2)} ms` : `${m.toFixed(1)} us`} (${runs} runs)`);
}

function allPages() {
  let cursor = null;
  let n = 0;
  for (;;) {
    const page = engine.whoHasAccess(ADMIN, asset, "view", cursor, null, NOW);
    n += page.members.length;
    if (page.next === undefined) return n;
    cursor = page.next;
  }
}

const members = allPages();
const diff = engine.accessDiff(ADMIN, join_, NOW);
console.log(
  `workload: ${part.assets.length} assets, ${w.snapshot.org.members.length} members, ${w.snapshot.org.groups.length} groups; ` +
    `${members} members may view ${asset}; ${PROBE} joining ${group}: ${diff.gains.length} gains, ${diff.lists.length} lists change`,
);
time("whoHasAccess, first page of 100", RUNS, () => engine.whoHasAccess(ADMIN, asset, "view", null, null, NOW));
time("whoHasAccess, every page", RUNS, allPages);
time("accessDiff, a group membership change", Math.max(5, Math.floor(RUNS / 20)), () => engine.accessDiff(ADMIN, join_, NOW));

// A small collaboration workspace for the mode switch (the big one's diff decides 100,000 assets
// for each of its 1,000 members).
engine.execute(ADMIN, { type: "create_workspace", workspace: "small", name: "Small", mode: "collaboration" }, NOW);
for (let u = 1; u <= 20; u++) {
  engine.execute(ADMIN, { type: "add_workspace_member", workspace: "small", user: `u${String(u).padStart(4, "0")}`, roles: ["analyst"] }, NOW);
}
for (let i = 0; i < 200; i++) {
  engine.execute(ADMIN, { type: "create_asset", asset: `small-${i}`, workspace: "small", kind: "dashboard", name: `Small ${i}` }, NOW);
}
const dashboard = part.assets.find((a) => a.kind === "dashboard").id;
const commands = [
  ["a grant", { type: "grant", asset: dashboard, target: { user: PROBE }, level: "edit" }],
  ["a member's role change", { type: "set_workspace_roles", workspace: w.workspace, user: PROBE, roles: ["visitor"] }],
  ["a mode switch", { type: "set_workspace_mode", workspace: "small", mode: "private" }],
];
const runs = Math.max(5, Math.floor(RUNS / 20));
for (const [label, command] of commands) {
  const d = engine.accessDiff(ADMIN, command, NOW);
  const whole = engine.accessDiffWhole(ADMIN, command, NOW);
  if (JSON.stringify(d) !== JSON.stringify(whole)) throw new Error(`${label}: the bounded diff differs from the whole copy's`);
  console.log(`${label}: ${d.gains.length} gains, ${d.loses.length} losses, ${d.lists.length} lists change`);
  time(`accessDiff, ${label} (the parts it reads, or a whole copy where that costs less)`, runs, () => engine.accessDiff(ADMIN, command, NOW));
  time(`accessDiffWhole, ${label} (a copy of the whole engine)`, runs, () => engine.accessDiffWhole(ADMIN, command, NOW));
}
engine.free();
