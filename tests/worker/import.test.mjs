// Imports larger than one request body: a snapshot's text in chunks (PUT .../imports/{upload}/
// chunks/{n}), resumable (GET .../imports/{upload}), committed in one step (POST .../commit)
// that imports as PUT /snapshot does. The port is ORGSPACE_TEST_PORT + 8 (8799 by default).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { startWorker } from "./dev.mjs";
import { mint } from "./tokens.mjs";

const PORT = Number(process.env.ORGSPACE_TEST_PORT ?? 8791) + 8;
const CHUNK = 1 << 20;
let worker;
const persistTo = mkdtempSync("/tmp/orgspace-import-");

before(async () => {
  worker = await startWorker({ port: PORT, persistTo });
});
after(async () => {
  await worker?.stop();
  // workerd may still be writing (the alarm's flush of many parts) as it exits: retried.
  for (let i = 0; ; i++) {
    try {
      rmSync(persistTo, { recursive: true, force: true });
      break;
    } catch (e) {
      if (i === 20) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
});

async function call(user, method, path, body, type = "application/json") {
  // Provisioners: imports create organizations (docs/api.md, "Provisioning").
  const headers = { authorization: `Bearer ${mint(user, { provision: true })}` };
  if (body !== undefined) headers["content-type"] = type;
  const response = await fetch(worker.base + path, { method, headers, body });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) };
}

/** A whole snapshot of `org` of about 2.5 MB: alice (org admin), bob, 6,000 assets. */
function snapshot(org) {
  const assets = [];
  for (let i = 0; i < 6000; i++) {
    const id = `a${String(i).padStart(5, "0")}`;
    assets.push({ id, kind: "dashboard", name: `Dashboard ${i} ${"é".repeat(150)}`, owner: i % 2 ? "bob" : "alice", created_at: 1 });
  }
  return {
    format: 1,
    org: {
      id: org, name: "Big", version: 1, default_workspace: "main",
      members: [{ user: "alice", roles: ["org_admin"] }, { user: "bob", roles: [] }],
      workspaces: [
        { id: "main", kind: "group", name: "Main", mode: "private" },
        { id: "personal:alice", kind: "personal", name: "alice", mode: "private", owner: "alice" },
        { id: "personal:bob", kind: "personal", name: "bob", mode: "private", owner: "bob" },
      ],
    },
    workspaces: [
      { id: "main", members: [{ user: "alice", roles: ["admin"] }, { user: "bob", roles: ["analyst"] }], assets },
      { id: "personal:alice" },
      { id: "personal:bob" },
    ],
  };
}

/** Cuts text into chunks of at most CHUNK UTF-8 bytes, never inside a character. */
function cut(text) {
  const bytes = Buffer.from(text, "utf8");
  const out = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + CHUNK, bytes.length);
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
    out.push(bytes.subarray(start, end).toString("utf8"));
    start = end;
  }
  return out;
}

test("chunked import: an organization larger than one request body comes in, resumably", async (t) => {
  const org = `big${Date.now().toString(36)}`;
  const text = JSON.stringify(snapshot(org));
  const chunks = cut(text);
  assert.ok(chunks.length >= 3, `${text.length} bytes in ${chunks.length} chunks`);
  const base = `/v1/orgs/${org}/imports/up-1`;

  await t.test("one body is too small for it (413)", async () => {
    const r = await call("alice", "PUT", `/v1/orgs/${org}/snapshot`, text);
    assert.equal(r.status, 413);
  });

  await t.test("chunks are stored, listed, and sent again without harm", async () => {
    for (const [n, piece] of chunks.entries()) {
      if (n === 1) continue; // lost on the way
      const r = await call("alice", "PUT", `${base}/chunks/${n}`, piece, "text/plain");
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.bytes, Buffer.byteLength(piece));
    }
    const status = await call("alice", "GET", base);
    assert.deepEqual(status.json.chunks, chunks.map((_, n) => n).filter((n) => n !== 1));
    // Committing with a chunk missing imports nothing.
    const early = await call("alice", "POST", `${base}/commit`, JSON.stringify({ chunks: chunks.length }));
    assert.equal(early.status, 400);
    assert.match(early.json.error.message, /chunk 000001/);
    // Still no organization: the outsider's answer (docs/api.md, "Outsiders").
    assert.equal((await call("alice", "GET", `/v1/orgs/${org}`)).status, 403);
    // Resume: send the missing one, and one again.
    for (const n of [1, 0]) {
      assert.equal((await call("alice", "PUT", `${base}/chunks/${n}`, chunks[n], "text/plain")).status, 200);
    }
  });

  await t.test("an upload is its starter's alone", async () => {
    assert.equal((await call("bob", "GET", base)).status, 404);
    assert.equal((await call("bob", "PUT", `${base}/chunks/0`, "{}", "text/plain")).status, 404);
    assert.equal((await call("bob", "POST", `${base}/commit`, JSON.stringify({ chunks: chunks.length }))).status, 404);
  });

  await t.test("bad uploads are 4xx", async () => {
    assert.equal((await call("alice", "PUT", `/v1/orgs/${org}/imports/bad%20id/chunks/0`, "x", "text/plain")).status, 400);
    assert.equal((await call("alice", "PUT", `${base}/chunks/1024`, "x", "text/plain")).status, 400);
    assert.equal((await call("alice", "PUT", `${base}/chunks/x`, "x", "text/plain")).status, 400);
    assert.equal((await call("alice", "PUT", `${base}/chunks/9`, "x".repeat(CHUNK + 1), "text/plain")).status, 413);
    assert.equal((await call("alice", "POST", `${base}/commit`, JSON.stringify({ chunks: 0 }))).status, 400);
    assert.equal((await call("alice", "POST", `${base}/commit`, '{"chunks": 1.5}')).status, 400);
  });

  await t.test("the commit imports it: the edge answers from it", async () => {
    // A whole number written as a float is that integer (JSON Schema's `integer`).
    const r = await call("alice", "POST", `${base}/commit`, `{"chunks": ${chunks.length}.0}`);
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const check = await call("bob", "GET", `/v1/orgs/${org}/check?operation=view&asset=a00001`);
    assert.equal(check.json.allowed, true); // bob owns it
    const list = await call("bob", "GET", `/v1/orgs/${org}/workspaces/main/assets`);
    assert.equal(list.json.ids.length, 3000);
    // Once imported, the upload is gone and the organization exists.
    assert.equal((await call("alice", "GET", base)).status, 409);
    assert.equal((await call("alice", "POST", `${base}/commit`, JSON.stringify({ chunks: chunks.length }))).status, 409);
  });
});

/** A snapshot of `org` with `n` group workspaces of `each` assets (about 2.5 MB per 6,000). */
function wide(org, n, each) {
  const groups = [];
  const parts = [];
  for (let w = 0; w < n; w++) {
    const id = `g${w}`;
    groups.push({ id, kind: "group", name: `G${w}`, mode: "private" });
    const assets = [];
    for (let i = 0; i < each; i++) {
      assets.push({ id: `${id}-a${i}`, kind: "dashboard", name: `Dashboard ${i} ${"é".repeat(150)}`, owner: "alice", created_at: 1 });
    }
    parts.push({ id, members: [{ user: "alice", roles: ["admin"] }, { user: "bob", roles: ["admin"] }], assets });
  }
  return {
    format: 1,
    org: {
      id: org, name: "Wide", version: 7, default_workspace: "g0",
      members: [{ user: "alice", roles: ["org_admin"] }, { user: "bob", roles: [] }],
      workspaces: [...groups,
        { id: "personal:alice", kind: "personal", name: "alice", mode: "private", owner: "alice" },
        { id: "personal:bob", kind: "personal", name: "bob", mode: "private", owner: "bob" }],
    },
    workspaces: [...parts, { id: "personal:alice" }, { id: "personal:bob" }],
  };
}

async function upload(base, chunks) {
  for (const [n, piece] of chunks.entries()) {
    const r = await call("alice", "PUT", `${base}/chunks/${n}`, piece, "text/plain");
    assert.equal(r.status, 200, JSON.stringify(r.json));
  }
}

test("issue 13: an import is checked and stored part by part; a refused part leaves no organization, and the import resumes once fixed", async () => {
  const org = `wide${Date.now().toString(36)}`;
  // Four parts of 2.5 MB: more than one batch (8 MiB) of parts, and parts spanning chunks.
  const good = wide(org, 4, 6000);
  // The same with an asset id of g0 used again in g3 (ids are unique in the organization).
  const bad = structuredClone(good);
  bad.workspaces[3].assets[5999].id = "g0-a17";
  const base = `/v1/orgs/${org}/imports/parts-1`;
  const badChunks = cut(JSON.stringify(bad));
  assert.ok(badChunks.length >= 9, `${badChunks.length} chunks`);
  await upload(base, badChunks);
  const refused = await call("alice", "POST", `${base}/commit`, JSON.stringify({ chunks: badChunks.length }));
  assert.equal(refused.status, 400, JSON.stringify(refused.json));
  assert.match(refused.json.error.message, /appears twice/);
  // Nothing was made: the outsider's answer, and the upload is still there to fix.
  assert.equal((await call("alice", "GET", `/v1/orgs/${org}`)).status, 403);
  assert.equal((await call("alice", "GET", base)).json.chunks.length, badChunks.length);
  // Resume: only the chunks that differ are sent again, then the commit.
  const goodChunks = cut(JSON.stringify(good));
  assert.equal(goodChunks.length, badChunks.length);
  let resent = 0;
  for (const [n, piece] of goodChunks.entries()) {
    if (piece === badChunks[n]) continue;
    resent++;
    assert.equal((await call("alice", "PUT", `${base}/chunks/${n}`, piece, "text/plain")).status, 200);
  }
  assert.ok(resent >= 1 && resent < goodChunks.length, `${resent} chunks sent again`);
  const done = await call("alice", "POST", `${base}/commit`, JSON.stringify({ chunks: goodChunks.length }));
  assert.equal(done.status, 201, JSON.stringify(done.json));
  assert.equal(done.json.version, 7);
  // Every part is there, located by asset id (the locators merged from every batch).
  for (const asset of ["g0-a17", "g1-a0", "g2-a5999", "g3-a5999"]) {
    const check = await call("bob", "GET", `/v1/orgs/${org}/check?operation=view&asset=${asset}&min_version=7`);
    assert.equal(check.status, 200, JSON.stringify(check.json));
    assert.equal(check.json.allowed, true, asset);
  }
  const list = await call("bob", "GET", `/v1/orgs/${org}/workspaces/g3/assets?min_version=7`);
  assert.equal(list.json.ids.length, 6000);
  // Audited as one entry, by the importer; the organization takes commands.
  const audit = await call("alice", "GET", `/v1/orgs/${org}/audit`);
  assert.equal(audit.json.entries.length, 1, JSON.stringify(audit.json));
  assert.equal(audit.json.entries[0].actor, "alice");
  assert.equal(audit.json.entries[0].command.type, "import_snapshot");
  const grant = await call("alice", "PUT", `/v1/orgs/${org}/assets/g3-a0/grants/users/bob`, JSON.stringify({ level: "edit" }));
  assert.equal(grant.status, 200, JSON.stringify(grant.json));
  assert.equal(grant.json.version, 8);
});

test("issue 13: an import refuses what the whole import refuses across parts (a missing part, a member in no group workspace), with nothing left", async () => {
  const org = `cross${Date.now().toString(36)}`;
  const missing = wide(org, 2, 10);
  missing.workspaces.splice(1, 1);
  const r1 = await call("alice", "PUT", `/v1/orgs/${org}/snapshot`, JSON.stringify(missing));
  assert.equal(r1.status, 400, JSON.stringify(r1.json));
  assert.match(r1.json.error.message, /part is missing/);
  const lonely = wide(org, 2, 10);
  for (const p of lonely.workspaces) p.members = (p.members ?? []).filter((m) => m.user !== "bob");
  const r2 = await call("alice", "PUT", `/v1/orgs/${org}/snapshot`, JSON.stringify(lonely));
  assert.equal(r2.status, 400, JSON.stringify(r2.json));
  assert.match(r2.json.error.message, /O7/);
  assert.equal((await call("alice", "GET", `/v1/orgs/${org}`)).status, 403);
  // Fields in any order, and the whole one goes in.
  const ok = wide(org, 2, 10);
  const text = `{"workspaces":${JSON.stringify(ok.workspaces)},"org":${JSON.stringify(ok.org)},"format":1}`;
  const r3 = await call("alice", "PUT", `/v1/orgs/${org}/snapshot`, text);
  assert.equal(r3.status, 201, JSON.stringify(r3.json));
});
