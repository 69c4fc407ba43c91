// The access diff before a change (issue 15): every change that can move access is first sent
// to `POST access-diff`, which runs it as a dry run on the server, and the page shows who would
// gain and lose which operation on which asset, and whose lists and folders would change, with
// Apply and Cancel. Nothing is sent for real until Apply; a diff the API refuses is shown as the
// command's refusal (it is refused by the same rule). One component for every such change.

import type { Command } from "orgspace";
import type { AccessDiff, AccessTriple, ListChange } from "./api";
import { act, notice, refusal, setBusy, state, view } from "./app";
import { h } from "./dom";

function assetName(id: string): string {
  for (const p of view().workspaces) {
    const a = p.assets?.find((x) => x.id === id);
    if (a) return a.name;
  }
  return id;
}

function folderName(id: string): string {
  for (const p of view().workspaces) {
    const f = p.folders?.find((x) => x.id === id);
    if (f) return f.name;
  }
  return id;
}

function triples(kind: "gains" | "loses", list: AccessTriple[]): HTMLElement {
  if (list.length === 0) return h("p", { class: "muted", "data-testid": `diff-${kind}` }, kind === "gains" ? "Nobody gains anything." : "Nobody loses anything.");
  return h("table", { "data-testid": `diff-${kind}` },
    h("thead", {}, h("tr", {}, h("th", {}, "Member"), h("th", {}, "Asset"), h("th", {}, "Operation"))),
    h("tbody", {}, list.map((t) => h("tr", { "data-user": t.user, "data-asset": t.asset, "data-operation": t.operation },
      h("td", {}, t.user), h("td", {}, assetName(t.asset), " ", h("code", {}, t.asset)), h("td", {}, t.operation)))));
}

const names = (ids: string[], name: (id: string) => string): string => (ids.length ? ids.map(name).join(", ") : "—");

function lists(changes: ListChange[]): HTMLElement | null {
  if (changes.length === 0) return null;
  return h("div", {},
    h("h4", {}, "Lists and folders that would change (W7)"),
    h("table", { "data-testid": "diff-lists" },
      h("thead", {}, h("tr", {}, h("th", {}, "Member"), h("th", {}, "Workspace"), h("th", {}, "Would appear in the list"), h("th", {}, "Would leave it"), h("th", {}, "Folders that appear"), h("th", {}, "Folders that disappear"))),
      h("tbody", {}, changes.map((c) => h("tr", { "data-user": c.user, "data-workspace": c.workspace },
        h("td", {}, c.user), h("td", {}, c.workspace),
        h("td", {}, names(c.gains, assetName)), h("td", {}, names(c.loses, assetName)),
        h("td", {}, names(c.appear, folderName)), h("td", {}, names(c.disappear, folderName)))))));
}

function close(): void {
  document.querySelector("[data-testid=diff]")?.remove();
}

/** The dialog for `diff`: Apply sends `command` (the API decides again), Cancel sends nothing. */
function dialog(label: string, command: Command, diff: AccessDiff, after?: () => void): HTMLElement {
  return h("div", { class: "diff-dialog", role: "dialog", "aria-label": `Access diff: ${label}`, "data-testid": "diff", "data-gains": diff.gains.length, "data-loses": diff.loses.length },
    h("div", { class: "card" },
      h("h3", {}, `Before you apply: ${label}`),
      h("p", { "data-testid": "diff-summary" },
        diff.gains.length + diff.loses.length === 0
          ? "Nobody would gain or lose access. "
          : `${diff.gains.length} permission(s) gained, ${diff.loses.length} lost. `,
        "Nothing has changed yet."),
      diff.events.length ? h("p", { class: "muted" }, "It would record: ", diff.events.map((e) => e.type.replace(/_/g, " ")).join(", "), ".") : null,
      h("h4", {}, "Would gain"), triples("gains", diff.gains),
      h("h4", {}, "Would lose"), triples("loses", diff.loses),
      lists(diff.lists),
      h("div", { class: "buttons" },
        h("button", { type: "button", class: "primary", "data-testid": "diff-apply", onclick: () => { close(); void act(label, command, after); } }, "Apply"),
        h("button", { type: "button", class: "link", "data-testid": "diff-cancel", onclick: () => { close(); notice("info", `${label}: cancelled, nothing sent`); } }, "Cancel"))));
}

/**
 * Asks the API for the access diff of `command` and shows it; the command is sent only when the
 * user presses Apply (then as `act` does). A refused diff shows the refusal and sends nothing.
 */
export async function actAfterDiff(label: string, command: Command, after?: () => void): Promise<void> {
  if (state.busy || !state.api) return;
  close();
  setBusy(true);
  let diff: AccessDiff;
  try {
    diff = await state.api.accessDiff(command, state.version);
  } catch (err) {
    setBusy(false);
    refusal(label, err);
    return;
  }
  setBusy(false);
  document.body.append(dialog(label, command, diff, after));
}

/** Removes a diff left open (on a new page or sign-in). */
export const closeDiff = close;
