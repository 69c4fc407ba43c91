// "Who has access, and why" on an asset's page (issue 15): the members the API lists for an
// operation, each with the rule, basis and reason the engine gives, a page at a time with the
// API's cursor. The API answers only the asset's administrators (A3); anyone else sees its
// refusal, rule and reason, instead of the list. The page decides nothing itself.

import type { Operation } from "orgspace";
import { ApiError } from "./api";
import { state } from "./app";
import { h, labelled, select } from "./dom";
import { membersBody, type MembersState } from "./members";

const OPERATIONS: Operation[] = ["view", "use", "modify", "delete", "share", "authorize", "export", "transfer", "reference", "publish"];

/** Members per request; "more" asks for the next page from the cursor. */
export const PAGE = 20;

interface Loaded extends MembersState {
  /** Who asked: another sign-in asks again (the answer is theirs). */
  user: string;
  asset: string;
  operation: Operation;
  version: number;
}

/** The panel's last answer; kept across redraws of the same asset, operation and version. */
let shown: Loaded | null = null;

function redraw(asset: string): void {
  document.querySelector("[data-testid=who-has-access]")?.replaceWith(accessPanel(asset));
}

async function load(asset: string, operation: Operation, more: boolean): Promise<void> {
  if (!state.api) return;
  const version = state.version;
  const user = state.me;
  const prior = more && shown && shown.user === user && shown.asset === asset && shown.operation === operation ? shown : null;
  const cursor = prior?.next;
  shown = { user, asset, operation, version, members: prior?.members ?? [], next: cursor, loading: true };
  redraw(asset);
  let next: Loaded;
  try {
    const page = await state.api.whoHasAccess(asset, operation, cursor, PAGE, version);
    next = { user, asset, operation, version, members: [...(prior?.members ?? []), ...page.members], next: page.next, loading: false };
  } catch (err) {
    const e = err instanceof ApiError ? err : new ApiError(0, "error", String(err));
    next = { user, asset, operation, version, members: [], refused: { rule: e.rule, message: e.message }, loading: false };
  }
  // A newer question (another operation or asset) may have been asked meanwhile.
  if (shown?.user !== user || shown.asset !== asset || shown.operation !== operation || shown.version !== version) return;
  shown = next;
  redraw(asset);
}

/** The panel for `asset`: asks the API when it has no answer for this view's version. */
export function accessPanel(asset: string): HTMLElement {
  const current = shown && shown.user === state.me && shown.asset === asset && shown.version === state.version ? shown : null;
  const operation = current?.operation ?? "view";
  if (!current) queueMicrotask(() => void load(asset, operation, false));
  const picker = select("operation", OPERATIONS.map((o): [string, string] => [o, o]), {
    "data-testid": "access-operation", "aria-label": "Operation",
    onchange: (ev: Event) => void load(asset, (ev.target as HTMLSelectElement).value as Operation, false),
  }, operation);
  const status = !current || current.loading ? "loading" : current.refused ? "refused" : "loaded";
  return h("div", { class: "card", "data-testid": "who-has-access", "data-state": status, "data-operation": operation },
    h("h3", {}, "Who has access, and why"),
    labelled("Operation", picker),
    h("p", { class: "muted" }, "The members who may perform it, and why, as the engine decides (X1)."),
    membersBody(current, "access", "who has access", () => void load(asset, operation, true)));
}
