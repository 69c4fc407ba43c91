// The list of members an access question answers (who has access to an asset, who sees a
// folder), shared by the asset's page (`access.ts`) and the folder's (`folder.ts`): each member
// with what the engine named as the reason, the API's refusal with its rule, and "more" for the
// next page. It shows the API's answers and decides nothing.

import type { Rule } from "orgspace";
import type { Access } from "./api";
import { ruleBadge } from "./app";
import { h } from "./dom";
import { groupName } from "./org";

/** One page's worth of an access answer as a panel holds it. */
export interface MembersState {
  members: Access[];
  next?: string;
  refused?: { rule?: Rule; message: string };
  loading: boolean;
}

/** The basis of one member's access in words: role, level, group, through what. */
export function basisText(m: Access): string {
  const parts = [m.basis === "role" && m.role ? `role ${m.role}` : m.basis.replace(/_/g, " ")];
  if (m.level) parts.push(`level ${m.level}`);
  if (m.group) parts.push(`through group ${groupName(m.group)}`);
  if (m.role && m.basis !== "role") parts.push(`with role ${m.role}`);
  if (m.through) parts.push(`through ${m.through}`);
  return parts.join(", ");
}

/** The panel's body: the refusal, or the members table, "asking", and "more". `testid` prefixes
 * the test ids (`{testid}-members`, `-refused`, `-more`); `question` names what is refused. */
export function membersBody(current: MembersState | null, testid: string, question: string, more: () => void): HTMLElement | (HTMLElement | null)[] {
  if (current?.refused) {
    return h("p", { class: "denied", "data-testid": `${testid}-refused`, "data-rule": current.refused.rule ?? "" },
      `The API does not show you ${question}: `, ruleBadge(current.refused.rule), " ", current.refused.message);
  }
  return [
    current && current.members.length
      ? h("table", { "data-testid": `${testid}-members` },
        h("thead", {}, h("tr", {}, h("th", {}, "Member"), h("th", {}, "Because of"), h("th", {}, "Rule"), h("th", {}, "Why"))),
        h("tbody", {}, current.members.map((m) => h("tr", { "data-user": m.user, "data-basis": m.basis, "data-rule": m.rule },
          h("td", {}, m.user), h("td", {}, basisText(m)), h("td", {}, ruleBadge(m.rule)), h("td", { class: "reason" }, m.reason)))))
      : current && !current.loading ? h("p", { class: "muted" }, "Nobody.") : null,
    current?.loading ? h("p", { class: "muted" }, "Asking the API…") : null,
    current && !current.loading && current.next !== undefined
      ? h("button", { type: "button", class: "link", "data-testid": `${testid}-more`, onclick: more }, `More (after ${current.next})`)
      : null,
  ];
}
