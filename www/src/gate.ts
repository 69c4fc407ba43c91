// Actions the engine would deny are not offered: each asset command's button asks the engine
// (`check`) for the operation the command's handler requires, and a denied one is disabled
// with the rule and the reason beside it and on hover. The console decides nothing itself: the
// table below only names, per command, what the core's handler asks (`require(actor, op,
// asset)` in crates/orgspace-core/src/apply/assets.rs), and the API decides again on every
// change.

import type { Operation, Rule } from "orgspace";
import { engine, now, ruleBadge, state } from "./app";
import { h } from "./dom";

/** The operation each asset command requires of its actor on the asset. */
export const REQUIRES = {
  modify_asset: "modify",
  move_asset: "modify",
  delete_asset: "delete",
  share: "share",
  set_public: "share",
  grant: "authorize",
  revoke: "authorize",
  transfer_ownership: "transfer",
} as const satisfies Record<string, Operation>;

/** The engine's answer: allowed or not, the rule and the reason. */
export interface Verdict {
  allowed: boolean;
  rule?: Rule;
  reason: string;
}

/** The engine's decision on `command` for the signed-in user on `asset`; a refusal of the
 * question itself (an asset gone from the view) reads as a denial with its message. */
export function decision(command: keyof typeof REQUIRES, asset: string): Verdict {
  try {
    return engine().check(state.me, REQUIRES[command], asset, now());
  } catch (err) {
    const e = err as { rule?: Rule; message?: string };
    return { allowed: false, rule: e.rule, reason: e.message ?? String(err) };
  }
}

/**
 * Disables `control` when `d` denies, with `rule: reason` as its tooltip, and answers the line
 * to show beside it (`data-testid=why-{name}`), or null when allowed.
 */
export function gate(control: HTMLButtonElement, d: Verdict, name: string): HTMLElement | null {
  control.dataset.allowed = String(d.allowed);
  if (d.allowed) return null;
  control.disabled = true;
  control.dataset.denied = d.rule ?? "";
  control.title = d.rule ? `${d.rule}: ${d.reason}` : d.reason;
  return why(d, name);
}

/** The rule and reason of a denial, as a line beside what it disables. */
export function why(d: Verdict, name: string): HTMLElement {
  return h("span", { class: "why", "data-testid": `why-${name}`, "data-rule": d.rule ?? "" }, ruleBadge(d.rule), " ", d.reason);
}
