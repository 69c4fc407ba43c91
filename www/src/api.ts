// The orgspace edge API, from the page: the caller's view, the dry run, and every command
// through its resource route (the same table as tests/worker/api.mjs). The API enforces every
// command again; the page shows its answer.

import type { Applied, Command, DryRun, Event, FirstView, Kind, Level, Mode, Operation, Rule, Snapshot, ViewPage } from "orgspace";

/** Entries per page of a first view's lists: the most the API gives. */
const PAGE = 1000;

// The answers of the access routes (docs/api.md, issue 15). The browser build of the npm
// package does not carry the access methods (size cap), so their types are spelled here.

/** One member who may perform the operation, and why (X1). */
export interface Access {
  user: string;
  rule: Rule;
  basis: string;
  role?: string;
  level?: Level;
  group?: string;
  through?: string;
  reason: string;
}

/** A page of `GET .../access`: members by user id, `next` while more exist. */
export interface AccessPage {
  members: Access[];
  next?: string;
  version: number;
}

/** A (member, asset, operation) triple of an access diff. */
export interface AccessTriple {
  user: string;
  asset: string;
  operation: Operation;
}

/** A member's list of a workspace, as a command would change it. */
export interface ListChange {
  user: string;
  workspace: string;
  gains: string[];
  loses: string[];
  appear: string[];
  disappear: string[];
}

/** `POST .../access-diff`: what a command would change, without running it. */
export interface AccessDiff {
  events: Event[];
  gains: AccessTriple[];
  loses: AccessTriple[];
  lists: ListChange[];
}

/** `POST .../view-as/{user}`: the workspace as that member sees it. */
export interface ViewAs {
  user: string;
  workspace: string;
  mode: Mode;
  assets: { id: string; operations: Operation[] }[];
  folders: string[];
  creates: Kind[];
  refused?: { allowed: boolean; rule?: Rule; reason: string };
  version: number;
}

const enc = encodeURIComponent;

/** An error answer of the API (`{"error": {code, message, rule?}}`), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly rule?: Rule,
  ) {
    super(message);
  }
}

type Route = [method: string, path: string, pathFields: string[]];

function grantee(target: { user?: string; group?: string } | undefined): string {
  if (target && typeof target.user === "string") return `users/${enc(target.user)}`;
  if (target && typeof target.group === "string") return `groups/${enc(target.group)}`;
  return "users/%00invalid";
}

/** Method, path below `/v1/orgs/{org}` and the fields the path holds, per command type. */
// The command's fields are read loosely here; the API validates them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ROUTES: Record<string, (c: any) => Route> = {
  rename_org: () => ["PATCH", "", []],
  add_member: (c) => ["PUT", `/members/${enc(c.user)}`, ["user"]],
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
};

export class Api {
  constructor(
    readonly org: string,
    private readonly token: string,
  ) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`/v1/orgs/${enc(this.org)}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiError(0, "network", `the API did not answer: ${(err as Error).message}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, "internal", `the API answered ${response.status} without JSON`);
    }
    if (!response.ok) {
      const e = (json as { error?: { code?: string; message?: string; rule?: Rule } }).error ?? {};
      throw new ApiError(response.status, e.code ?? "internal", e.message ?? `HTTP ${response.status}`, e.rule);
    }
    return json as T;
  }

  /** The caller's whole view of the organization (a snapshot with `view_of`), at least at `minVersion`. */
  view(minVersion = 0): Promise<Snapshot> {
    return this.request("GET", `/snapshot?min_version=${minVersion}`);
  }

  /** The caller's first view (issue 13): every workspace they see, the current one's part when small. */
  firstView(minVersion = 0, workspace?: string): Promise<FirstView> {
    const ws = workspace === undefined ? "" : `&workspace=${enc(workspace)}`;
    return this.request("GET", `/views/first?min_version=${minVersion}${ws}`);
  }

  /** A page of the first view's `list` after `after` (issue 13), for `Engine.addWorkspaceView`. */
  viewPage(list: "workspaces" | "members", after: string | undefined, minVersion = 0): Promise<ViewPage> {
    const from = after === undefined ? "" : `&after=${enc(after)}`;
    return this.request("GET", `/views/${list}?min_version=${minVersion}&limit=${PAGE}${from}`);
  }

  /** The caller's view of one workspace, for `Engine.addWorkspaceView`. */
  workspaceView(workspace: string, minVersion = 0): Promise<Snapshot> {
    return this.request("GET", `/views/workspaces/${enc(workspace)}?min_version=${minVersion}`);
  }

  /** Who would gain and lose sight of what if `workspace` switched to `mode` (W9). */
  dryRun(workspace: string, mode: string, minVersion = 0): Promise<DryRun> {
    return this.request("GET", `/workspaces/${enc(workspace)}/mode-dry-run?mode=${enc(mode)}&min_version=${minVersion}`);
  }

  /** Who may perform `operation` on `asset`, one page from `cursor` (A3: administrators only). */
  whoHasAccess(asset: string, operation: Operation, cursor: string | undefined, limit: number, minVersion = 0): Promise<AccessPage> {
    const from = cursor === undefined ? "" : `&cursor=${enc(cursor)}`;
    return this.request("GET", `/assets/${enc(asset)}/access?operation=${enc(operation)}&limit=${limit}${from}&min_version=${minVersion}`);
  }

  /** Who sees `folder` (W7), one page from `cursor` (its workspace's administrators only). */
  whoSeesFolder(folder: string, cursor: string | undefined, limit: number, minVersion = 0): Promise<AccessPage> {
    const from = cursor === undefined ? "" : `&cursor=${enc(cursor)}`;
    return this.request("GET", `/folders/${enc(folder)}/access?limit=${limit}${from}&min_version=${minVersion}`);
  }

  /** What `command` would grant and revoke, without running it; refused as the command would be. */
  accessDiff(command: Command, minVersion = 0): Promise<AccessDiff> {
    return this.request("POST", `/access-diff?min_version=${minVersion}`, command);
  }

  /** The workspace as `user` sees it; the API records it in the audit log first (R1). */
  viewAs(workspace: string, user: string, minVersion = 0): Promise<ViewAs> {
    return this.request("POST", `/workspaces/${enc(workspace)}/view-as/${enc(user)}?min_version=${minVersion}`);
  }

  /** Runs a command through its route; answers `{version, events}` or throws the refusal. */
  execute(command: Command): Promise<Applied> {
    const route = ROUTES[command.type];
    if (!route) return Promise.reject(new ApiError(400, "invalid", `the console does not send ${command.type}`));
    const [method, path, pathFields] = route(command);
    const body = Object.fromEntries(Object.entries(command).filter(([k]) => k !== "type" && !pathFields.includes(k)));
    return this.request(method, path, method === "DELETE" && Object.keys(body).length === 0 ? undefined : body);
  }
}
