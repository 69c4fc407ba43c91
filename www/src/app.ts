// The console's state: who is signed in, their view of the organization, the engine loaded from
// it, and `act`, which sends a command to the API and reloads the view when it is accepted.
// Nothing is changed in the page before the API accepts a change (X2 holds on the server: a
// refused command changed nothing there either).

import { Engine } from "orgspace";
// Adds `addWorkspaceView` and `loadedView` to Engine (npm/api.js; views that page, issue 13).
import "orgspace-views";
import type { Command, Event, Rule, Snapshot, WorkspaceHeader, WorkspacePart } from "orgspace";
import { Api, ApiError } from "./api";
import { h, replace } from "./dom";

/** A dev user offered on the sign-in page (dev-users.json, written by the local run only). */
export interface DevUser {
  user: string;
  role: string;
  note: string;
  token: string;
}

export interface DevUsers {
  org: string;
  users: DevUser[];
}

interface Session {
  org: string;
  token: string;
}

/** One sentence per rule of the SPEC, shown next to a rule ID. */
export const RULES: Partial<Record<Rule, string>> = {
  P1: "users are identified by their token",
  P2: "groups nest; a group grant reaches nested members",
  O1: "the creator is the first org admin",
  O2: "org roles: org admin, permission admin, member, custom roles",
  O3: "only org admins (or manage members) manage members and org roles",
  O4: "permission admins grant on every asset, manage nothing else",
  O5: "the last org admin stays",
  O6: "org admins hold every permission",
  O7: "every member is in a group workspace",
  O8: "a removed member's assets get a new owner",
  W1: "org admins manage group workspaces",
  W2: "exactly one default group workspace",
  W3: "one personal workspace per member",
  W4: "sharing stays inside the workspace (personal: the organization)",
  W5: "an asset belongs to one workspace",
  W6: "every workspace member holds a role",
  W7: "collaboration: everyone sees everything; private: only what they may view",
  W8: "in private mode new assets are seen by their creator and admins",
  W9: "workspace admins switch the mode, after a dry run",
  R1: "admin: everything in the workspace",
  R2: "developer: creates; modifies and deletes their own",
  R3: "analyst: analyses; views data",
  R4: "visitor: views, never changes anything",
  R5: "custom workspace roles: a set of (kind, operation) points",
  R6: "own means the owner",
  A1: "grants: view, export, use, edit, with expiry",
  A2: "a grant never lifts anyone above their role",
  A3: "owner or admins grant, share and make public",
  A4: "public assets are seen by every member of the workspace",
  A5: "modify needs ownership or edit; delete needs ownership",
  A6: "ownership moves by transfer",
  A7: "folders carry no permissions",
  A8: "references never open the inner asset",
  D1: "workspaces see the tables they are granted",
  D2: "row rules",
  D3: "column rules",
  D4: "data = table grant and dataset rules",
  X1: "every decision has a reason",
  X2: "a refused command changes nothing",
  X3: "nobody grants what they do not hold",
  X5: "invariants hold",
};

export const state = {
  session: null as Session | null,
  api: null as Api | null,
  view: null as Snapshot | null,
  engine: null as Engine | null,
  me: "",
  version: 0,
  devUsers: null as DevUsers | null,
  /** A dry run on screen, until applied or cancelled. */
  dryRun: null as { workspace: string; mode: string; changes: { user: string; gains: string[]; loses: string[] }[] } | null,
  /** Milliseconds the last view took to load (fetch + engine). */
  loadMs: 0,
  busy: false,
};

/** Redraws the current page; set by main. */
export let render: () => void = () => {};
export function setRender(fn: () => void): void {
  render = fn;
}

const SESSION_KEY = "orgspace-console-session";

export function savedSession(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null");
    return s && typeof s.org === "string" && typeof s.token === "string" ? s : null;
  } catch {
    return null;
  }
}

/** Signs in with a token: loads the caller's view; throws the API's refusal. */
export async function signIn(org: string, token: string): Promise<void> {
  const api = new Api(org, token);
  const previous = { session: state.session, api: state.api };
  state.session = { org, token };
  state.api = api;
  try {
    await loadView(0);
  } catch (err) {
    state.session = previous.session;
    state.api = previous.api;
    throw err;
  }
  state.dryRun = null;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ org, token }));
}

export function signOut(): void {
  sessionStorage.removeItem(SESSION_KEY);
  state.session = null;
  state.api = null;
  state.view = null;
  state.engine?.free();
  state.engine = null;
  state.me = "";
  state.dryRun = null;
}

const VERSION_KEY = "orgspace-console-version";

/** The highest version of `org` this tab has seen: a new sign-in reads at least that (read-your-writes). */
function seenVersion(org: string): number {
  try {
    const v = JSON.parse(sessionStorage.getItem(VERSION_KEY) ?? "{}")[org];
    return typeof v === "number" ? v : 0;
  } catch {
    return 0;
  }
}

function rememberVersion(org: string, version: number): void {
  try {
    const all = JSON.parse(sessionStorage.getItem(VERSION_KEY) ?? "{}");
    all[org] = Math.max(version, all[org] ?? 0);
    sessionStorage.setItem(VERSION_KEY, JSON.stringify(all));
  } catch {
    // Storage full or off: reads fall back to version 0.
  }
}

/** An engine loaded from a first view, with what npm/api.js adds to it (npm/types.d.ts). */
type Paged = Engine & { addWorkspaceView(view: Snapshot | Snapshot[]): void; loadedView(): Snapshot | undefined };

/** The workspace the page shows, if any (`#/ws/<id>`): the current one of a first view. */
function shownWorkspace(): string | undefined {
  const r = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  return r[0] === "ws" && r[1] ? r[1] : undefined;
}

/**
 * Fetches the caller's first view (at least `minVersion`; issue 13: every workspace they see and
 * the shown one's part) into a new engine; a part too large for the first view comes next.
 */
export async function loadView(minVersion: number): Promise<void> {
  if (!state.api) throw new ApiError(401, "unauthenticated", "not signed in");
  const started = performance.now();
  const min = Math.max(minVersion, seenVersion(state.api.org));
  const shown = shownWorkspace();
  let first;
  try {
    first = await state.api.firstView(min, shown);
  } catch (err) {
    // A workspace in the address that the caller does not see: the first view without it.
    if (!(err instanceof ApiError && err.code === "not_found" && shown !== undefined)) throw err;
    first = await state.api.firstView(min);
  }
  const view = first.view;
  rememberVersion(state.api.org, view.org.version);
  const engine = Engine.fromSnapshot(view) as Paged;
  if (first.current && !view.workspaces.some((p) => p.id === first.current)) {
    engine.addWorkspaceView(await state.api.workspaceView(first.current, view.org.version));
  }
  state.engine?.free();
  state.engine = engine;
  state.view = engine.loadedView() ?? view;
  state.me = view.view_of ?? "";
  state.version = view.org.version;
  state.loadMs = performance.now() - started;
  document.body.dataset.listed = view.listing ? "part" : "all";
  // A first view lists a page of a large organization's workspaces (and, for an org admin, its
  // members): the page renders now, and the rest comes in behind it.
  if (view.listing) {
    void loadLists(engine).then(
      (joined) => joined && render(),
      (err: Error) => notice("error", "The rest of the lists did not load", err.message),
    );
  }
}

/**
 * Fetches every page of the lists `engine`'s first view lists part of, and joins them at once;
 * false when the engine was replaced meanwhile or the organization moved on (a reload follows).
 */
async function loadLists(engine: Paged): Promise<boolean> {
  const api = state.api;
  const listing = state.view?.listing;
  if (!api || !listing) return false;
  const version = state.version;
  const pages: Snapshot[] = [];
  for (const list of listing.members === undefined ? (["workspaces"] as const) : (["workspaces", "members"] as const)) {
    let after: string | undefined;
    do {
      const page = await api.viewPage(list, after, version);
      if (page.view.org.version !== version) return false;
      pages.push(page.view);
      after = page.next;
    } while (after !== undefined);
  }
  if (state.engine !== engine) return false;
  engine.addWorkspaceView(pages);
  state.view = engine.loadedView() ?? state.view;
  document.body.dataset.listed = "all";
  return true;
}

/** Whether a workspace the caller sees has not been loaded yet. */
export function unloaded(workspace: string): boolean {
  return !!state.view && !!header(workspace) && !part(workspace);
}

/** Loads a workspace's view as the user opens it (issue 13); a newer organization reloads all. */
export async function openWorkspace(workspace: string): Promise<void> {
  if (!state.api || !state.engine || !unloaded(workspace)) return;
  const started = performance.now();
  const piece = await state.api.workspaceView(workspace, state.version);
  if (piece.org.version !== state.version) {
    await loadView(piece.org.version);
  } else {
    const engine = state.engine as Paged;
    engine.addWorkspaceView(piece);
    state.view = engine.loadedView() ?? state.view;
    state.loadMs = performance.now() - started;
  }
}

/** Now, in milliseconds: the time every decision is asked at. */
export const now = (): number => Date.now();

export function engine(): Engine {
  if (!state.engine) throw new Error("no engine");
  return state.engine;
}

export function view(): Snapshot {
  if (!state.view) throw new Error("no view");
  return state.view;
}

export function part(workspace: string): WorkspacePart | undefined {
  return view().workspaces.find((w) => w.id === workspace);
}

export function header(workspace: string): WorkspaceHeader | undefined {
  return view().org.workspaces.find((w) => w.id === workspace);
}

/** The rule ID and its sentence, as a badge. */
export function ruleBadge(rule: Rule | undefined): HTMLElement | null {
  if (!rule) return null;
  return h("span", { class: "rule", title: RULES[rule] ?? "", "data-rule": rule }, rule);
}

interface Note {
  kind: "ok" | "denied" | "error" | "info";
  title: string;
  detail: string;
  rule?: Rule;
  at: number;
}

const log: Note[] = [];
let notices = 0;

/** Shows a result at the top of the page and in the activity list. */
export function notice(kind: Note["kind"], title: string, detail = "", rule?: Rule): void {
  log.unshift({ kind, title, detail, rule, at: Date.now() });
  log.length = Math.min(log.length, 12);
  // How many results were shown so far: lets a test wait for the next one.
  document.body.dataset.notices = String(++notices);
  showNotice();
  document.querySelector("[data-testid=activity]")?.replaceWith(activity());
}

export function showNotice(): void {
  const el = document.getElementById("notice");
  if (!el) return;
  // Sign-ins and reloads go to the activity list only; results of changes take the bar.
  const last = log[0];
  if (!last || last.kind === "info") {
    el.hidden = true;
    return;
  }
  el.hidden = false;
  el.dataset.kind = last.kind;
  replace(
    el,
    h("strong", { "data-testid": "notice-title" }, last.title),
    ruleBadge(last.rule),
    last.rule && RULES[last.rule] ? h("span", { class: "rule-text" }, `(${RULES[last.rule]})`) : null,
    last.detail ? h("div", { class: "detail", "data-testid": "notice-detail" }, last.detail) : null,
    h("button", { type: "button", class: "link close", onclick: () => (el.hidden = true) }, "×"),
  );
}

export function activity(): HTMLElement {
  return h("ol", { class: "activity", "data-testid": "activity" },
    log.map((n) => h("li", { "data-kind": n.kind }, h("time", {}, new Date(n.at).toLocaleTimeString()), " ", n.title, n.rule ? [" ", ruleBadge(n.rule)] : null)));
}

function describe(events: Event[]): string {
  return events.map((e) => e.type.replace(/_/g, " ")).join(", ");
}

/** Shows the API's refusal of `label` (its rule and reason), or the failure to reach it. */
export function refusal(label: string, err: unknown): void {
  const e = err instanceof ApiError ? err : new ApiError(0, "error", String(err));
  const what = e.code === "denied" ? "denied" : e.code === "unauthenticated" ? "not signed in" : `refused (${e.code})`;
  notice(e.code === "denied" ? "denied" : "error", `${label}: ${what}`, e.message, e.rule);
}

export function setBusy(busy: boolean): void {
  state.busy = busy;
  document.body.classList.toggle("busy", busy);
  // A button the engine denied (gate.ts) stays disabled.
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>("main button"))) b.disabled = busy || b.dataset.denied !== undefined;
}

/**
 * Sends `command` to the API. Accepted: reloads the view at the new version and redraws, then
 * shows what changed. Refused: shows the rule and reason, and leaves the page as it was.
 * Answers whether it was accepted.
 */
export async function act(label: string, command: Command, after?: () => void): Promise<boolean> {
  if (state.busy || !state.api) return false;
  setBusy(true);
  let applied;
  try {
    applied = await state.api.execute(command);
  } catch (err) {
    setBusy(false);
    refusal(label, err);
    return false;
  }
  try {
    await loadView(applied.version);
  } catch (err) {
    setBusy(false);
    notice("error", `${label}: accepted (version ${applied.version}), but the view did not reload; press Reload`, (err as Error).message);
    return true;
  }
  setBusy(false);
  after?.();
  render();
  notice("ok", `${label}: done`, `${describe(applied.events)} — version ${applied.version}`);
  return true;
}
