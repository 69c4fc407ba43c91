// Actions the engine would deny are not offered: each asset command's button asks the engine
// (`check`) about the operation the command's handler requires first, which the engine itself
// names (`commandOperation`, from the core's `Command::asset_operation`), and a denied one is
// disabled with the rule and the reason beside it and on hover. The console decides nothing
// itself, and the API decides again on every change.

import { commandOperation } from "orgspace";
import type { Command, Rule } from "orgspace";
import { engine, now, ruleBadge, state } from "./app";
import { h } from "./dom";

/** The asset commands the console offers as buttons. */
export type AssetCommand = Extract<
  Command["type"],
  "modify_asset" | "move_asset" | "delete_asset" | "share" | "set_public" | "grant" | "revoke" | "transfer_ownership"
>;

/** The engine's answer: allowed or not, the rule and the reason. */
export interface Verdict {
  allowed: boolean;
  rule?: Rule;
  reason: string;
}

/** The engine's decision on `command` for the signed-in user on `asset`; a refusal of the
 * question itself (an asset gone from the view) reads as a denial with its message. */
export function decision(command: AssetCommand, asset: string): Verdict {
  try {
    const operation = commandOperation(command);
    if (operation === undefined) throw new Error(`the engine names no asset operation for \`${command}\``);
    return engine().check(state.me, operation, asset, now());
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
