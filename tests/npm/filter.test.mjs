// `filter` in any order (issue 15) answers exactly what `can` answers id by id: SPEC X1 (one
// decision per asset, whatever the list around it), V1 (what a member sees of a private
// workspace) and R3 (what a role may do), through the package's real entries. The workload is
// the benchmark's (bench/workload.js) at 3,000 assets; the lists are random orders of its ids
// with unknown ids, duplicates and empty lists mixed in, filtered again, changed in place, and
// in a new order on every call, so each path of src/lists.rs (the engine's order, the last
// list, the dictionary) meets them.
//
//   node --test tests/npm/filter.test.mjs     (needs `bash scripts/build-npm.sh` first)

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { generate, rng } from "../../bench/workload.js";

const pkg = resolve(process.env.ORGSPACE_NPM ?? join(import.meta.dirname, "../../target/npm/orgspace"));
const node = await import(pathToFileURL(join(pkg, "node.js")).href);
const cjs = createRequire(import.meta.url)(join(pkg, "index.cjs"));

const w = generate({ assets: 3000 });
const OPS = ["view", "export", "modify", "delete", "share"];
// The org admin, the probe analyst (in three groups), and members of each role by the seed.
const USERS = ["u0000", "u0007", "u0001", "u0002", "u0003", "u0004", "u0005", "nobody"];

/** What `filter` promises: the ids `can` allows, in the list's order, duplicates kept. */
const expected = (engine, user, op, list, now) => list.filter((id) => engine.can(user, op, id, now));

function shuffled(list, r) {
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.below(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A random list: some of the ids (or all), unknown ids and repeats, in a random order. */
function randomList(r) {
  const out = [];
  const take = r.below(4) === 0 ? w.ids.length : r.below(w.ids.length);
  for (let k = 0; k < take; k++) out.push(w.ids[r.below(w.ids.length)]);
  const unknown = r.below(20);
  // Unknown ids: one a suffix off a real id, one a prefix of it, and a fresh one.
  for (let k = 0; k < unknown; k++) out.push([`${w.ids[k]}x`, w.ids[k].slice(0, -1), `zz${k}`][k % 3]);
  return shuffled(out, r);
}

for (const [entry, pkgApi] of [["import", node], ["require", cjs]]) {
  test(`X1 V1 R3 (${entry}): filter of random orders equals can id by id`, () => {
    const engine = pkgApi.Engine.fromSnapshot(w.snapshot);
    const r = rng(15);
    for (let round = 0; round < 40; round++) {
      const user = USERS[r.below(USERS.length)];
      const op = OPS[r.below(OPS.length)];
      const list = randomList(r);
      const want = expected(engine, user, op, list, w.now);
      assert.deepEqual(engine.filter(user, op, list, w.now), want, `${user} ${op} round ${round}`);
      // The same list again (the last list's memo), and in a new order (the dictionary).
      assert.deepEqual(engine.filter(user, op, list, w.now), want, `${user} ${op} again`);
      const other = shuffled(list, r);
      assert.deepEqual(engine.filter(user, op, other, w.now), expected(engine, user, op, other, w.now));
    }
  });

  test(`X1 (${entry}): the whole list in the engine's order, reversed, and a fresh order per call`, () => {
    const engine = pkgApi.Engine.fromSnapshot(w.snapshot);
    const r = rng(16);
    for (const user of ["u0000", "u0007"]) {
      const inOrder = w.ids.slice();
      const want = expected(engine, user, "view", inOrder, w.now);
      assert.deepEqual(engine.filter(user, "view", inOrder, w.now), want);
      const reversed = inOrder.slice().reverse();
      assert.deepEqual(engine.filter(user, "view", reversed, w.now), want.slice().reverse());
      for (let call = 0; call < 5; call++) {
        const list = shuffled(inOrder, r);
        const allowed = new Set(want);
        assert.deepEqual(engine.filter(user, "view", list, w.now), list.filter((id) => allowed.has(id)));
      }
    }
  });

  test(`X1 (${entry}): empty lists, only unknown ids, one id repeated, a list changed in place`, () => {
    const engine = pkgApi.Engine.fromSnapshot(w.snapshot);
    const user = "u0007";
    assert.deepEqual(engine.filter(user, "view", [], w.now), []);
    assert.deepEqual(engine.filter(user, "view", ["nope", "", "a", "a00000000"], w.now), []);
    const allowed = w.ids.find((id) => engine.can(user, "view", id, w.now));
    const denied = w.ids.find((id) => !engine.can(user, "view", id, w.now));
    assert.ok(allowed !== undefined && denied !== undefined, "the workload has both");
    const repeated = [allowed, denied, allowed, "nope", allowed];
    assert.deepEqual(engine.filter(user, "view", repeated, w.now), [allowed, allowed, allowed]);
    // The memo compares by reference: a list changed in place answers for what it holds now.
    const list = shuffled(w.ids, rng(17));
    assert.deepEqual(engine.filter(user, "view", list, w.now), expected(engine, user, "view", list, w.now));
    list[0] = denied;
    list[1] = allowed;
    list[2] = "nope";
    assert.deepEqual(engine.filter(user, "view", list, w.now), expected(engine, user, "view", list, w.now));
    list.length = 10;
    assert.deepEqual(engine.filter(user, "view", list, w.now), expected(engine, user, "view", list, w.now));
  });
}

// The allowed ids `filter` keeps for a whole list out of order (src/lists.rs: per engine, user
// and operation, for one version and while no grant expires) never outlive what they were
// decided from: each call below is held to `can` id by id (X1, A1: an expiring grant, V1).
for (const [entry, pkgApi] of [["import", node], ["require", cjs]]) {
  test(`X1 A1 V1 (${entry}): kept answers follow commands, expiry, engines, users and operations`, () => {
    const engine = pkgApi.Engine.fromSnapshot(w.snapshot);
    const r = rng(18);
    const list = shuffled(w.ids, r);
    const same = (e, user, op, l, now) => {
      const got = e.filter(user, op, l, now);
      assert.deepEqual(got, expected(e, user, op, l, now), `${user} ${op} at ${now}`);
      return got;
    };
    const user = "u0007";
    const before = same(engine, user, "view", list, w.now);
    // Again, in a new order, with duplicates and unknown ids (one off a real id by a character).
    const messy = shuffled([...list, list[0], list[0], "nope", `${list[1]}x`, list[2].slice(0, -1), ""], r);
    same(engine, user, "view", messy, w.now);
    same(engine, user, "view", shuffled(list, r), w.now + 1);
    // Another operation, another user (the org admin, who sees every id), a stranger.
    same(engine, user, "export", messy, w.now);
    same(engine, "u0000", "view", messy, w.now);
    same(engine, "u0000", "delete", shuffled(list, r), w.now);
    assert.deepEqual(engine.filter("nobody", "view", messy, w.now), []);
    // A command between two calls: a grant that expires, then the answers around its expiry.
    const denied = list.find((id) => !engine.can(user, "view", id, w.now));
    assert.ok(denied !== undefined && !before.includes(denied));
    const until = w.now + 1000;
    engine.execute("u0000", { type: "grant", asset: denied, target: { user }, level: "view", expires_at: until }, w.now);
    assert.ok(same(engine, user, "view", shuffled(list, r), w.now).includes(denied), "granted");
    assert.ok(same(engine, user, "view", shuffled(list, r), until - 1).includes(denied), "still granted");
    assert.ok(!same(engine, user, "view", shuffled(list, r), until).includes(denied), "expired");
    assert.ok(same(engine, user, "view", shuffled(list, r), w.now).includes(denied), "granted again before");
    // A second engine from the same snapshot holds none of this one's changes.
    const other = pkgApi.Engine.fromSnapshot(w.snapshot);
    assert.ok(!same(other, user, "view", shuffled(list, r), w.now).includes(denied), "other engine");
    // A command that takes access away: the grant revoked.
    engine.execute("u0000", { type: "revoke", asset: denied, target: { user } }, w.now);
    assert.ok(!same(engine, user, "view", shuffled(list, r), w.now).includes(denied), "revoked");
    // A list with an element that is not a string is still refused.
    assert.throws(() => engine.filter(user, "view", [...shuffled(list, r), 7], w.now), /array of strings/);
    other.free();
    engine.free();
  });
}

// A whole list in the engine's order, or the same list again, is answered from the kept
// decisions by each id's index (src/lists.rs, `keepAt`): held to `can` id by id around
// everything the kept decisions are keyed on (user, operation, version, the span without an
// expiry, the engine), for a user who sees few ids (a set of them) and one who sees all (X1, A1).
for (const [entry, pkgApi] of [["import", node], ["require", cjs]]) {
  test(`X1 A1 V1 (${entry}): kept answers by index follow users, operations, commands, expiry and engines`, () => {
    const engine = pkgApi.Engine.fromSnapshot(w.snapshot);
    const r = rng(19);
    const inOrder = w.ids.slice();
    const again = shuffled(w.ids, r);
    const same = (e, user, op, l, now) => {
      const got = e.filter(user, op, l, now);
      assert.deepEqual(got, expected(e, user, op, l, now), `${user} ${op} at ${now}`);
      return got;
    };
    // Each list three times: deciding, then the memo's first pass, then the memo alone.
    const thrice = (e, user, op, l, now) => {
      const got = same(e, user, op, l, now);
      same(e, user, op, l, now);
      assert.deepEqual(same(e, user, op, l, now), got);
      return got;
    };
    const user = "u0007";
    const mine = thrice(engine, user, "view", inOrder, w.now);
    // Another user (who sees every id) and other operations, on the same lists.
    assert.equal(thrice(engine, "u0000", "view", inOrder, w.now).length, w.ids.length);
    thrice(engine, "u0000", "view", again, w.now);
    thrice(engine, user, "view", again, w.now);
    thrice(engine, user, "export", inOrder, w.now);
    thrice(engine, user, "delete", again, w.now);
    assert.deepEqual(engine.filter("nobody", "view", inOrder, w.now), []);
    // A command between two calls, then the answers around the granted access's expiry.
    const denied = inOrder.find((id) => !mine.includes(id));
    assert.ok(denied !== undefined);
    const until = w.now + 1000;
    engine.execute("u0000", { type: "grant", asset: denied, target: { user }, level: "view", expires_at: until }, w.now);
    for (const l of [inOrder, again]) {
      assert.ok(thrice(engine, user, "view", l, w.now).includes(denied), "granted");
      assert.ok(thrice(engine, user, "view", l, until - 1).includes(denied), "still granted");
      assert.ok(!thrice(engine, user, "view", l, until).includes(denied), "expired");
      assert.ok(thrice(engine, user, "view", l, w.now).includes(denied), "granted again before");
    }
    // A second engine from the same snapshot holds none of this one's changes, side by side.
    const other = pkgApi.Engine.fromSnapshot(w.snapshot);
    assert.ok(!thrice(other, user, "view", inOrder, w.now).includes(denied), "other engine");
    assert.ok(thrice(engine, user, "view", inOrder, w.now).includes(denied), "this engine");
    // A list changed in place between two calls answers for what it holds now.
    const changed = inOrder.slice();
    same(engine, user, "view", changed, w.now);
    changed[5] = denied;
    changed[6] = "nope";
    changed.reverse();
    same(engine, user, "view", changed, w.now);
    // The same list out of order, kept with its answers, then changed in place away from its
    // ends and middle: each changed position is answered for what it holds now.
    for (const who of [user, "u0000"]) {
      const list = shuffled(w.ids, r);
      thrice(engine, who, "view", list, w.now);
      const [yes, no] = [mine[0], inOrder.find((id) => !mine.includes(id) && id !== denied)];
      list[3] = yes;
      list[4] = no;
      list[5] = "nope";
      list[6] = `${list[6]}x`;
      list[list.length - 2] = list[1];
      thrice(engine, who, "view", list, w.now);
      list[7] = 7;
      assert.throws(() => engine.filter(who, "view", list, w.now), /array of strings/);
      list[7] = no;
      thrice(engine, who, "view", list, w.now);
    }
    // A list in a new order with an element that is not a string, through the Set and the
    // dictionary.
    for (const who of [user, "u0000"]) {
      assert.throws(() => engine.filter(who, "view", [...shuffled(w.ids, r), 7], w.now), /array of strings/);
    }
    // The engine freed: a new one from the snapshot decides anew.
    engine.free();
    const fresh = pkgApi.Engine.fromSnapshot(w.snapshot);
    assert.ok(!thrice(fresh, user, "view", inOrder, w.now).includes(denied), "fresh engine");
    other.free();
    fresh.free();
  });
}

// A user allowed more than one in eight of the listed ids but not all of them: the kept
// decisions are read through the dictionary and the bitmap of allowed indexes, never a `Set`
// (src/lists.rs, `keepIn`), for a new order, the same list again, and lists changed in place (X1).
for (const [entry, pkgApi] of [["import", node], ["require", cjs]]) {
  test(`X1 A1 V1 (${entry}): many allowed but not all, through the dictionary to the bitmap`, () => {
    const engine = pkgApi.Engine.fromSnapshot(w.snapshot);
    const user = "u0007";
    const r = rng(20);
    for (const asset of w.ids.filter((id, k) => k % 3 === 0 && !engine.can(user, "view", id, w.now))) {
      engine.execute("u0000", { type: "grant", asset, target: { user }, level: "view" }, w.now);
    }
    const allowed = w.ids.filter((id) => engine.can(user, "view", id, w.now)).length;
    assert.ok(allowed * 8 > w.ids.length && allowed < w.ids.length, `${allowed} of ${w.ids.length}`);
    const same = (l) => assert.deepEqual(engine.filter(user, "view", l, w.now), expected(engine, user, "view", l, w.now));
    for (let call = 0; call < 4; call++) same(shuffled(w.ids, r));
    const list = shuffled([...w.ids, "nope", w.ids[0], `${w.ids[1]}x`], r);
    for (let call = 0; call < 3; call++) same(list);
    list[2] = w.ids[1];
    list[3] = "nope";
    same(list);
    same(w.ids);
    engine.free();
  });
}
