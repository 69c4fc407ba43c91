// The decisions every consumer project checks (tests/npm/tools.mjs copies this file into each
// one): carol sees q3, shared with her (W6), not q4 in a private workspace (W7), and may not
// modify q3 (R4: a typed OrgspaceError). Also `engine.as(user)` and a frozen (readonly) list.
// Returns "q3 W7 R4" when all hold.
export function scenario({ Engine, OrgspaceError, isOrgspaceError }) {
  const at = 1767225600000;
  const engine = new Engine();
  const run = (command) => engine.execute("alice", command, at);
  run({ type: "create_org", org: "acme", name: "Acme", default_workspace: "sales", mode: "private" });
  run({ type: "add_member", user: "carol", workspace: "sales", workspace_roles: ["visitor"] });
  run({ type: "create_asset", asset: "q3", workspace: "sales", kind: "dashboard", name: "Q3" });
  run({ type: "create_asset", asset: "q4", workspace: "sales", kind: "dashboard", name: "Q4" });
  run({ type: "share", asset: "q3", with: [{ user: "carol" }] });

  const carol = engine.as("carol");
  const kept = carol.filter("view", Object.freeze(["q3", "q4", "nope"]), at).join(",");
  const hidden = carol.check("view", "q4", at).rule;
  let refused = "not refused";
  try {
    carol.execute({ type: "modify_asset", asset: "q3", name: "x" }, at);
  } catch (err) {
    refused = err instanceof OrgspaceError && isOrgspaceError(err, "denied") ? err.rule : `wrong error: ${err}`;
  }
  return `${kept} ${hidden} ${refused}`;
}
