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
  rmSync(persistTo, { recursive: true, force: true });
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
