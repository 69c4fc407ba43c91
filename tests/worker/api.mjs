// A small client of the orgspace edge API for tests, the benchmark and the demo loader: maps a
// core command (docs/conformance.md) to its resource route, and throws API errors as
// `{code, rule, message, status}`.

import { mint } from "./tokens.mjs";

const enc = encodeURIComponent;

/** The route of each command: method, path (from the command's fields) and the fields the path holds. */
const ROUTES = {
  create_org: (c) => ["PUT", `/v1/orgs/${enc(c.org)}`, ["org"]],
  rename_org: () => ["PATCH", "", []],
  upgrade_org: () => ["POST", "/upgrade", ["org"]],
  add_member: (c) => ["PUT", `/members/${enc(c.user)}`, ["user"]],
  // Without `new_owner` the request names none, and the engine refuses it (O8).
  remove_member: (c) => ["DELETE", `/members/${enc(c.user)}` + (c.new_owner == null ? "" : `?new_owner=${enc(c.new_owner)}`), ["user", "new_owner"]],
  set_org_roles: (c) => ["PUT", `/members/${enc(c.user)}/roles`, ["user"]],
  set_attributes: (c) => ["PUT", `/members/${enc(c.user)}/attributes`, ["user"]],
  define_org_role: (c) => ["PUT", `/roles/${enc(c.role)}`, ["role"]],
  delete_org_role: (c) => ["DELETE", `/roles/${enc(c.role)}`, ["role"]],
  create_group: (c) => ["PUT", `/groups/${enc(c.group)}`, ["group"]],
  delete_group: (c) => ["DELETE", `/groups/${enc(c.group)}`, ["group"]],
  add_group_member: (c) => ["PUT", `/groups/${enc(c.group)}/members/${enc(c.user)}`, ["group", "user"]],
  remove_group_member: (c) => ["DELETE", `/groups/${enc(c.group)}/members/${enc(c.user)}`, ["group", "user"]],
  create_workspace: (c) => ["PUT", `/workspaces/${enc(c.workspace)}`, ["workspace"]],
  modify_workspace: (c) => ["PATCH", `/workspaces/${enc(c.workspace)}`, ["workspace"]],
  delete_workspace: (c) => ["DELETE", `/workspaces/${enc(c.workspace)}`, ["workspace"]],
  set_default_workspace: () => ["PUT", "/default-workspace", []],
  set_workspace_mode: (c) => ["PUT", `/workspaces/${enc(c.workspace)}/mode`, ["workspace"]],
  add_workspace_member: (c) => ["PUT", `/workspaces/${enc(c.workspace)}/members/${enc(c.user)}`, ["workspace", "user"]],
  set_workspace_roles: (c) => ["PUT", `/workspaces/${enc(c.workspace)}/members/${enc(c.user)}/roles`, ["workspace", "user"]],
  remove_workspace_member: (c) => ["DELETE", `/workspaces/${enc(c.workspace)}/members/${enc(c.user)}`, ["workspace", "user"]],
  define_workspace_role: (c) => ["PUT", `/workspaces/${enc(c.workspace)}/roles/${enc(c.role)}`, ["workspace", "role"]],
  delete_workspace_role: (c) => ["DELETE", `/workspaces/${enc(c.workspace)}/roles/${enc(c.role)}`, ["workspace", "role"]],
  grant_table: (c) => ["PUT", `/workspaces/${enc(c.workspace)}/tables/${enc(c.source)}/${enc(c.table)}`, ["workspace", "source", "table"]],
  revoke_table: (c) => ["DELETE", `/workspaces/${enc(c.workspace)}/tables/${enc(c.source)}/${enc(c.table)}`, ["workspace", "source", "table"]],
  create_folder: (c) => ["PUT", `/folders/${enc(c.folder)}`, ["folder"]],
  rename_folder: (c) => ["PATCH", `/folders/${enc(c.folder)}`, ["folder"]],
  move_folder: (c) => ["PUT", `/folders/${enc(c.folder)}/parent`, ["folder"]],
  delete_folder: (c) => ["DELETE", `/folders/${enc(c.folder)}`, ["folder"]],
  create_asset: (c) => ["PUT", `/assets/${enc(c.asset)}`, ["asset"]],
  modify_asset: (c) => ["PATCH", `/assets/${enc(c.asset)}`, ["asset"]],
  move_asset: (c) => ["PUT", `/assets/${enc(c.asset)}/folder`, ["asset"]],
  delete_asset: (c) => ["DELETE", `/assets/${enc(c.asset)}`, ["asset"]],
  grant: (c) => ["PUT", `/assets/${enc(c.asset)}/grants/${grantee(c.target)}`, ["asset", "target"]],
  revoke: (c) => ["DELETE", `/assets/${enc(c.asset)}/grants/${grantee(c.target)}`, ["asset", "target"]],
  share: (c) => ["POST", `/assets/${enc(c.asset)}/share`, ["asset"]],
  set_public: (c) => ["PUT", `/assets/${enc(c.asset)}/public`, ["asset"]],
  transfer_ownership: (c) => ["POST", `/assets/${enc(c.asset)}/transfer`, ["asset"]],
  create_data_source: (c) => ["PUT", `/data-sources/${enc(c.source)}`, ["source"]],
  delete_data_source: (c) => ["DELETE", `/data-sources/${enc(c.source)}`, ["source"]],
  set_dataset_table: (c) => ["PUT", `/assets/${enc(c.asset)}/table`, ["asset"]],
  set_row_rules: (c) => ["PUT", `/assets/${enc(c.asset)}/row-rules`, ["asset"]],
  set_column_rules: (c) => ["PUT", `/assets/${enc(c.asset)}/column-rules`, ["asset"]],
};

function grantee(target) {
  if (target && typeof target.user === "string") return `users/${enc(target.user)}`;
  if (target && typeof target.group === "string") return `groups/${enc(target.group)}`;
  return "users/%00invalid";
}

/** An error answer of the API. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? "internal";
    this.rule = body?.error?.rule;
  }
}

export class Client {
  constructor(base, { tokens = new Map(), clock = false } = {}) {
    this.base = base;
    this.tokens = tokens;
    this.clock = clock;
    this.version = 0;
  }

  token(user) {
    if (!this.tokens.has(user)) this.tokens.set(user, mint(user));
    return this.tokens.get(user);
  }

  /** A token of `user` that also carries the provisioning scope (create, upgrade, import). */
  provisionToken(user) {
    const key = `provision:${user}`;
    if (!this.tokens.has(key)) this.tokens.set(key, mint(user, { provision: true }));
    return this.tokens.get(key);
  }

  /** Sends a request as `user`; answers the JSON body or throws an ApiError. */
  async request(user, method, path, body, { now, headers = {}, provision = false } = {}) {
    const h = { ...headers };
    if (user !== null) h.authorization = `Bearer ${provision ? this.provisionToken(user) : this.token(user)}`;
    if (body !== undefined) h["content-type"] = "application/json";
    if (this.clock && now !== undefined) h["x-orgspace-time"] = String(now);
    const response = await fetch(this.base + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, { error: { code: "internal", message: `not JSON: ${text.slice(0, 200)}` } });
    }
    if (!response.ok) throw new ApiError(response.status, json);
    if (typeof json?.version === "number") this.version = Math.max(this.version, json.version);
    return json;
  }

  /** Runs a core command through its resource route in organization `org`. */
  /** Runs `command`; `seen`, the version the caller has seen, goes as `min_version` (an edge
   * that refused the caller a moment ago asks about them again once they name a newer one). */
  async execute(org, user, command, now, seen) {
    const route = ROUTES[command?.type];
    if (!route) throw new ApiError(400, { error: { code: "invalid", message: `unknown command type ${command?.type}` } });
    const [method, suffix, pathFields] = route(command);
    const at = command.type === "create_org" ? suffix : `/v1/orgs/${enc(org)}${suffix}`;
    const path = seen ? `${at}${at.includes("?") ? "&" : "?"}min_version=${seen}` : at;
    const body = Object.fromEntries(Object.entries(command).filter(([k]) => k !== "type" && !pathFields.includes(k)));
    // Creating or upgrading an organization is for provisioners: the client's users are.
    const provision = command.type === "create_org" || command.type === "upgrade_org";
    return this.request(user, method, path, method === "DELETE" && Object.keys(body).length === 0 ? undefined : body, { now, provision });
  }
}
