// The orgspace console: boots the engine (WebAssembly), restores the session, and routes
// `#/org`, `#/ws/{workspace}`, `#/ws/{workspace}/{asset}` and `#/folder/{workspace}/{folder}`.

import init from "orgspace";
import { activity, loadView, notice, openWorkspace, savedSession, setRender, showNotice, signIn, signOut, state, unloaded, view } from "./app";
import type { DevUsers } from "./app";
import { h, replace } from "./dom";
import { orgPage, orgRoleName } from "./org";
import { signInAs, signinPage } from "./signin";
import { closeDiff } from "./diff";
import { clearViewAs } from "./viewas";
import { workspacePage } from "./workspace";
import { folderPage } from "./folder";

const app = document.getElementById("app") as HTMLElement;

function route(): string[] {
  return location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
}

function nav(current: string[]): HTMLElement {
  const v = view();
  const link = (hash: string, label: string | Node[], active: boolean, attrs: Record<string, string> = {}) =>
    h("a", { href: hash, class: active ? "active" : "", ...attrs }, label);
  const groupWs = v.org.workspaces.filter((w) => w.kind === "group");
  const personal = v.org.workspaces.filter((w) => w.kind === "personal");
  const wsLink = (w: (typeof groupWs)[number]) =>
    h("li", {}, link(`#/ws/${encodeURIComponent(w.id)}`, [document.createTextNode(w.kind === "personal" ? (w.owner === state.me ? "My workspace" : `${w.owner}'s workspace`) : w.name), h("span", { class: `dot ${w.mode}`, title: w.mode })], (current[0] === "ws" || current[0] === "folder") && current[1] === w.id, { "data-testid": `nav-${w.id}` }));
  return h("nav", {},
    h("ul", {}, h("li", {}, link("#/org", "Organization", current[0] === "org", { "data-testid": "nav-org" }))),
    h("h4", {}, "Workspaces"),
    h("ul", {}, groupWs.map(wsLink)),
    personal.length ? [h("h4", {}, "Personal"), h("ul", {}, personal.map(wsLink))] : null,
    h("h4", {}, "Activity"),
    activity());
}

function userSwitch(): HTMLElement | null {
  const dev = state.devUsers;
  if (!dev) return null;
  return h("select", {
    "data-testid": "switch-user", "aria-label": "Sign in as",
    onchange: (e: Event) => void signInAs((e.target as HTMLSelectElement).value),
  }, dev.users.map((u) => h("option", { value: u.user, selected: u.user === state.me }, `${u.user} — ${u.role}`)));
}

function topbar(): HTMLElement {
  const v = state.view;
  const me = v?.org.members.find((m) => m.user === state.me);
  return h("header", { class: "top" },
    h("a", { href: v ? "#/org" : "#/", class: "brand" }, "orgspace"),
    v ? h("span", { class: "org" }, v.org.name) : null,
    h("span", { class: "spacer" }),
    v ? [
      h("span", { class: "who", "data-testid": "who" }, "Signed in as ", h("strong", {}, state.me), (me?.roles ?? []).length ? ` (${(me?.roles ?? []).map(orgRoleName).join(", ")})` : ""),
      userSwitch(),
      h("button", { type: "button", class: "link", "data-testid": "reload", title: "Fetch your view again", onclick: () => void reload() }, "Reload"),
      h("button", { type: "button", class: "link", "data-testid": "signout", onclick: () => { signOut(); location.hash = "#/"; render(); } }, "Sign out"),
    ] : null);
}

async function reload(): Promise<void> {
  try {
    await loadView(state.version);
    render();
    notice("info", "View reloaded", `version ${state.version}, ${state.loadMs.toFixed(0)} ms`);
  } catch (err) {
    notice("error", "Reload failed", (err as Error).message);
  }
}

function render(): void {
  const r = route();
  let page: HTMLElement;
  if (!state.view) {
    page = signinPage();
  } else if ((r[0] === "ws" || r[0] === "folder") && r[1] && unloaded(r[1])) {
    // Views that page (issue 13): the workspace's view is fetched as it, or a folder of it, is
    // opened.
    const ws = r[1];
    page = h("p", { class: "loading", "data-testid": "ws-loading" }, "Loading the workspace…");
    void openWorkspace(ws).then(render, (err: Error) => notice("error", "The workspace did not load", err.message));
  } else if (r[0] === "ws" && r[1]) {
    page = workspacePage(r[1], r[2]);
  } else if (r[0] === "folder" && r[1] && r[2]) {
    page = folderPage(r[1], r[2]);
  } else {
    page = orgPage();
  }
  const scrollY = window.scrollY;
  replace(app,
    topbar(),
    h("div", { id: "notice", class: "notice", hidden: true, role: "status", "data-testid": "notice" }),
    h("div", { class: state.view ? "body" : "body bare" }, state.view ? nav(r) : null, h("main", {}, page)),
    h("footer", {}, state.view ? `View version ${state.version}, loaded and filtered in ${state.loadMs.toFixed(0)} ms. ` : "", "All decisions in this page come from the orgspace engine; the API decides again on every change."));
  showNotice();
  const loading = (r[0] === "ws" || r[0] === "folder") && !!r[1] && unloaded(r[1]);
  if (loading) delete document.body.dataset.ready;
  else document.body.dataset.ready = state.view ? `${state.me}@${state.version}` : "signin";
  if (r[0] === "ws" && r[2]) window.scrollTo({ top: Math.min(scrollY, 0) });
}

setRender(render);
window.addEventListener("hashchange", () => {
  state.dryRun = null;
  closeDiff();
  clearViewAs();
  render();
});

async function boot(): Promise<void> {
  replace(app, h("p", { class: "loading" }, "Loading the engine…"));
  const wasm = init({ module_or_path: new URL("./orgspace_bg.wasm", import.meta.url) });
  try {
    const r = await fetch("./dev-users.json", { cache: "no-store" });
    if (r.ok && (r.headers.get("content-type") ?? "").includes("json")) state.devUsers = (await r.json()) as DevUsers;
  } catch {
    // No dev users: a deployment.
  }
  await wasm;
  const session = savedSession();
  if (session) {
    try {
      await signIn(session.org, session.token);
    } catch (err) {
      signOut();
      notice("error", "Your session ended", (err as Error).message);
    }
  }
  if (!state.view && location.hash !== "" && location.hash !== "#/") location.hash = "#/";
  render();
}

void boot().catch((err) => {
  replace(app, h("p", { class: "denied" }, `The console could not start: ${(err as Error).message}`));
});
