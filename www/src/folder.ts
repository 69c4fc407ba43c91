// A folder's page (issue 15): its path, what the signed-in user sees in it (the engine's lists,
// `seen`), and who sees it and why, as the API answers `GET /folders/{id}/access` a page at a
// time (its workspace's administrators only; anyone else sees the refusal, rule and reason).
// Reached from the folder rows of the workspace tree. The page decides nothing itself.

import { ApiError } from "./api";
import { state } from "./app";
import { h } from "./dom";
import { membersBody, type MembersState } from "./members";
import { seen } from "./workspace";

/** Members per request; "more" asks for the next page from the cursor. */
export const PAGE = 20;

interface Loaded extends MembersState {
  user: string;
  folder: string;
  version: number;
}

let shown: Loaded | null = null;

const wsHref = (workspace: string, rest = "") => `#/ws/${encodeURIComponent(workspace)}${rest}`;
export const folderHref = (workspace: string, folder: string) =>
  `#/folder/${encodeURIComponent(workspace)}/${encodeURIComponent(folder)}`;

function redraw(folder: string): void {
  document.querySelector("[data-testid=who-sees-folder]")?.replaceWith(whoSeesPanel(folder));
}

async function load(folder: string, more: boolean): Promise<void> {
  if (!state.api) return;
  const { version, me: user } = state;
  const prior = more && shown && shown.user === user && shown.folder === folder ? shown : null;
  const cursor = prior?.next;
  shown = { user, folder, version, members: prior?.members ?? [], next: cursor, loading: true };
  redraw(folder);
  let next: Loaded;
  try {
    const page = await state.api.whoSeesFolder(folder, cursor, PAGE, version);
    next = { user, folder, version, members: [...(prior?.members ?? []), ...page.members], next: page.next, loading: false };
  } catch (err) {
    const e = err instanceof ApiError ? err : new ApiError(0, "error", String(err));
    next = { user, folder, version, members: [], refused: { rule: e.rule, message: e.message }, loading: false };
  }
  if (shown?.user !== user || shown.folder !== folder || shown.version !== version) return;
  shown = next;
  redraw(folder);
}

/** "Who sees this folder, and why": asks the API when it has no answer for this version. */
export function whoSeesPanel(folder: string): HTMLElement {
  const current = shown && shown.user === state.me && shown.folder === folder && shown.version === state.version ? shown : null;
  if (!current) queueMicrotask(() => void load(folder, false));
  const status = !current || current.loading ? "loading" : current.refused ? "refused" : "loaded";
  return h("div", { class: "card", "data-testid": "who-sees-folder", "data-state": status },
    h("h3", {}, "Who sees this folder, and why"),
    h("p", { class: "muted" }, "The members whose folder list shows it (W7), as the engine decides."),
    membersBody(current, "folder-access", "who sees it", () => void load(folder, true)));
}

/** The folder's page: path, its subfolders and assets as the user sees them, who sees it. */
export function folderPage(workspace: string, folder: string): HTMLElement {
  const tree = seen(workspace);
  const byId = new Map(tree.folders.map((f) => [f.id, f]));
  const here = byId.get(folder);
  if (!here) {
    return h("section", { "data-testid": "folder-page", "data-state": "unseen" },
      h("p", { class: "denied" }, `You do not see folder ${folder} in this workspace (W7).`),
      h("a", { href: wsHref(workspace) }, "Back to the workspace"));
  }
  const path = [];
  const onPath = new Set<string>();
  for (let f: typeof here | undefined = here; f && !onPath.has(f.id); f = f.parent ? byId.get(f.parent) : undefined) {
    onPath.add(f.id);
    path.unshift(f);
  }
  const subfolders = tree.folders.filter((f) => f.parent === folder);
  const assets = tree.assets.filter((a) => a.folder === folder);
  return h("section", { "data-testid": "folder-page", "data-folder": folder },
    h("p", { class: "path", "data-testid": "folder-path" },
      h("a", { href: wsHref(workspace) }, workspace),
      path.map((f) => [" / ", f.id === folder ? h("strong", {}, f.name) : h("a", { href: folderHref(workspace, f.id) }, f.name)])),
    h("h2", {}, here.name),
    h("div", { class: "card", "data-testid": "folder-contents" },
      h("h3", {}, "In this folder"),
      subfolders.length || assets.length
        ? h("ul", {},
          subfolders.map((f) => h("li", { class: "folder", "data-folder": f.id }, h("a", { href: folderHref(workspace, f.id) }, f.name))),
          assets.map((a) => h("li", { "data-asset": a.id }, h("a", { href: wsHref(workspace, `/${encodeURIComponent(a.id)}`) }, a.name))))
        : h("p", { class: "muted" }, "Nothing you see.")),
    whoSeesPanel(folder));
}
