// Actions the engine would deny are not offered: each asset command's button asks the engine
// (`check`) about the operation the command's handler requires first, which the engine itself
// names (`commandOperation`, from the core's `Command::asset_operation`), and a denied one is
// disabled with the rule and the reason beside it and on hover. Forms and buttons about no one
// asset (members, roles, groups, workspaces, folders, the mode switch) ask `mayRun` for the
// command they would send, as filled in so far (`gateForm`). The console decides nothing
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
  control.dataset.gate = name;
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

/** The engine's answer to whether the signed-in user may run `command` (`mayRun`: what its
 * handler requires of their standing). Null when the engine cannot say for this input (a
 * field not filled in yet): the control stays enabled and the API answers when it is sent. */
export function mayRun(command: Command): Verdict | null {
  try {
    return engine().mayRun(state.me, command, now());
  } catch {
    return null;
  }
}

/** Gates `control` with the engine's answer to `command` (`mayRun`), with the reason beside. */
export function gateCommand(control: HTMLButtonElement, command: Command, name: string): HTMLElement | null {
  const d = mayRun(command);
  return d ? gate(control, d, name) : null;
}

/** `control` gated with the engine's answer to `command`, and the reason beside it when refused. */
export function gated(control: HTMLButtonElement, command: Command, name: string): (HTMLElement | string)[] {
  const why = gateCommand(control, command, name);
  return why ? [control, " ", why] : [control];
}

/**
 * Gates a form's buttons, each with the command it would send (`[button, name, command]`):
 * a refused one is disabled with `rule: reason` on hover and beside the buttons
 * (`why-{name}`), asked again whenever the form changes (a chosen member or workspace changes
 * the answer). Returns the form.
 */
export function gateForm(form: HTMLFormElement, buttons: [HTMLButtonElement, string, (f: HTMLFormElement) => Command][]): HTMLFormElement {
  const whys = h("div", { class: "whys" });
  form.append(whys);
  const ask = () => {
    const lines: HTMLElement[] = [];
    for (const [button, name, command] of buttons) {
      button.disabled = false;
      button.removeAttribute("title");
      delete button.dataset.denied;
      const line = gateCommand(button, command(form), name);
      if (line) lines.push(line);
    }
    whys.replaceChildren(...lines);
  };
  form.addEventListener("change", ask);
  form.addEventListener("input", ask);
  ask();
  return form;
}
