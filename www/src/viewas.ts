// "View as" (issue 15): an administrator sees a workspace as one of its members does, from
// `POST .../view-as/{user}`, which the API allows org admins and the workspace's admins (R1) and
// records in the audit log before it answers. Read-only: the panel offers no action. A refusal
// is shown with its rule and reason; the page decides nothing itself.

import type { Kind } from "orgspace";
import type { ViewAs } from "./api";
import { refusal, render, ruleBadge, setBusy, state, view } from "./app";
import { h } from "./dom";

/** The member's view on screen, until closed or another workspace is opened. */
let current: (ViewAs & { asker: string }) | null = null;

const assetDoc = (workspace: string, id: string) => view().workspaces.find((w) => w.id === workspace)?.assets?.find((a) => a.id === id);
const folderDoc = (workspace: string, id: string) => view().workspaces.find((w) => w.id === workspace)?.folders?.find((f) => f.id === id);

/** Asks the API for `workspace` as `user` sees it, and shows it. */
export async function startViewAs(workspace: string, user: string): Promise<void> {
  if (state.busy || !state.api) return;
  setBusy(true);
  try {
    current = { ...(await state.api.viewAs(workspace, user, state.version)), asker: state.me };
  } catch (err) {
    setBusy(false);
    refusal(`View ${workspace} as ${user}`, err);
    return;
  }
  setBusy(false);
  render();
  document.querySelector("[data-testid=view-as]")?.scrollIntoView({ block: "start" });
}

const kinds = (list: Kind[]): string => (list.length ? list.map((k) => k.replace(/_/g, " ")).join(", ") : "nothing");

/** The panel, when a view of `workspace` is on screen. */
export function viewAsPanel(workspace: string): HTMLElement | null {
  const v = current;
  if (!v || v.workspace !== workspace || v.asker !== state.me) return null;
  return h("div", { class: "card view-as", "data-testid": "view-as", "data-user": v.user },
    h("h3", {}, `Viewing as ${v.user} — read only`),
    h("p", { class: "muted" }, `This is ${workspace} (${v.mode}) exactly as ${v.user} sees it, at version ${v.version}. Nothing here can be changed; this look was recorded in the audit log.`),
    v.refused
      ? h("p", { class: "denied", "data-testid": "view-as-refused" }, `${v.user} sees nothing in this workspace: `, ruleBadge(v.refused.rule), " ", v.refused.reason)
      : null,
    h("p", { "data-testid": "view-as-creates" }, `May create: ${kinds(v.creates)}.`),
    h("p", {}, `Folders (${v.folders.length}): `,
      h("span", { "data-testid": "view-as-folders" }, v.folders.length ? v.folders.map((f) => folderDoc(workspace, f)?.name ?? f).join(", ") : "none")),
    v.assets.length
      ? h("table", { "data-testid": "view-as-assets" },
        h("thead", {}, h("tr", {}, h("th", {}, "Asset"), h("th", {}, "Kind"), h("th", {}, "May"))),
        h("tbody", {}, v.assets.map((a) => {
          const doc = assetDoc(workspace, a.id);
          return h("tr", { "data-asset": a.id, "data-operations": a.operations.join(" ") },
            h("td", {}, doc?.name ?? a.id, " ", h("code", {}, a.id)), h("td", {}, doc?.kind.replace(/_/g, " ") ?? ""), h("td", {}, a.operations.join(", ")));
        })))
      : h("p", { class: "muted" }, "No assets."),
    h("button", { type: "button", "data-testid": "view-as-close", onclick: () => { current = null; render(); } }, `Stop viewing as ${v.user}`));
}

/** A "View as" button for a member of `workspace`. */
export function viewAsButton(workspace: string, user: string): HTMLElement {
  return h("button", { type: "button", class: "link", "data-testid": `view-as-${user}`, onclick: () => void startViewAs(workspace, user) }, "view as");
}

/** Forgets the view (sign-in as someone else). */
export function clearViewAs(): void {
  current = null;
}
