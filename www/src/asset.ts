// One asset: why this user can or cannot view, modify, delete, share it (the engine's reasons),
// its grants, the commands on it, and for a dataset its rows as this user sees them (D4).

import type { AssetDoc, Kind, Level, Operation, Predicate, Target } from "orgspace";
import { engine, header, now, part, render, ruleBadge, state, view } from "./app";
import { checked, field, h, labelled, select } from "./dom";
import { accessPanel } from "./access";
import { actAfterDiff } from "./diff";
import { decision, gate, why } from "./gate";
import { groupName } from "./org";
import { SAMPLE_ROWS, sampleRows } from "./samples";

export const KINDS: Kind[] = ["dashboard", "workbook", "portal", "ad_hoc_analysis", "self_service_query", "data_entry_form", "dataset", "data_source"];

const KIND_LABELS: Record<Kind, string> = {
  dashboard: "dashboard",
  workbook: "workbook",
  portal: "portal",
  ad_hoc_analysis: "ad hoc analysis",
  self_service_query: "self-service query",
  data_entry_form: "data entry form",
  dataset: "dataset",
  data_source: "data source",
};

export const kindLabel = (k: Kind): string => KIND_LABELS[k] ?? k;

const LEVELS: [Level, string][] = [["view", "view"], ["export", "export (and view)"], ["edit", "edit (and export)"], ["use", "use (datasets, data sources)"]];

/** Deleting asks for a second click; the asset it was armed for. */
let armedDelete: string | null = null;

function decisions(asset: AssetDoc): HTMLElement {
  const ops: Operation[] = ["view", "modify", "delete", "share", "authorize", "export", "transfer"];
  if (asset.kind === "dataset" || asset.kind === "data_source") ops.splice(1, 0, "use");
  const e = engine();
  const t = now();
  return h("table", { class: "decisions", "data-testid": "decisions" },
    h("thead", {}, h("tr", {}, h("th", {}, "Operation"), h("th", {}, "You"), h("th", {}, "Rule"), h("th", {}, "Why"))),
    h("tbody", {}, ops.map((op) => {
      try {
        const d = e.check(state.me, op, asset.id, t);
        return h("tr", { "data-testid": `decision-${op}`, "data-allowed": String(d.allowed), "data-rule": d.rule },
          h("td", {}, op), h("td", { class: d.allowed ? "yes" : "no" }, d.allowed ? "✓ may" : "✗ may not"), h("td", {}, ruleBadge(d.rule)), h("td", { class: "reason" }, d.reason));
      } catch (err) {
        return h("tr", { "data-testid": `decision-${op}` }, h("td", {}, op), h("td", { colspan: 3 }, (err as Error).message));
      }
    })));
}

function targetLabel(t: Target): string {
  return "user" in t ? t.user : `group ${groupName(t.group)}`;
}

function when(ms: number | undefined): string {
  return ms === undefined ? "" : new Date(ms).toLocaleString();
}

/** The members a grant or transfer may name (W4): the workspace's, or everyone for a personal one. */
function candidates(workspace: string): string[] {
  const w = header(workspace);
  const p = part(workspace);
  if (w?.kind === "personal") return view().org.members.map((m) => m.user);
  return (p?.members ?? []).map((m) => m.user);
}

function predicateText(p: Predicate): string {
  if ("in" in p) return `${p.in.column} in (${p.in.values.join(", ")})`;
  if ("all" in p) return p.all.length === 0 ? "every row" : p.all.map((x) => ("any" in x && x.any.length > 1 ? `(${predicateText(x)})` : predicateText(x))).join(" and ");
  return p.any.length === 0 ? "no row" : p.any.map(predicateText).join(" or ");
}

function preview(asset: AssetDoc): HTMLElement {
  const e = engine();
  const t = now();
  let scope;
  try {
    scope = e.dataScope(state.me, asset.id, t);
  } catch (err) {
    const x = err as { rule?: string; message?: string };
    return h("div", { class: "card", "data-testid": "preview" }, h("h3", {}, "Data preview"),
      h("p", { class: "denied", "data-testid": "preview-denied" }, `You get no data from this dataset: ${x.message}`));
  }
  const table = scope.table;
  const def = table && view().org.data_sources?.find((s) => s.id === table.source)?.tables.find((x) => x.name === table.table);
  if (!table || !def) {
    return h("div", { class: "card", "data-testid": "preview" }, h("h3", {}, "Data preview"), h("p", { class: "muted" }, "This dataset is built on no granted table: no data (D1)."));
  }
  const all = sampleRows(def);
  const rows = e.previewRows(state.me, asset.id, all, t);
  const shown = scope.columns;
  const hidden = def.columns.map((c) => c.name).filter((c) => !shown.some((s) => s.name === c));
  const masked = shown.filter((c) => c.masked).map((c) => c.name);
  return h("div", { class: "card", "data-testid": "preview" },
    h("h3", {}, `Data preview: ${table.source}.${table.table}, as ${state.me} sees it`),
    h("p", { "data-testid": "preview-summary" },
      `${rows.length} of ${SAMPLE_ROWS} sample rows`,
      hidden.length ? `; hidden columns: ${hidden.join(", ")}` : "",
      masked.length ? `; masked: ${masked.join(", ")}` : "",
      ". Rows: ", h("code", {}, predicateText(scope.rows)), " (D1, D2, D3, D4)."),
    h("div", { class: "scroll" },
      h("table", { class: "rows", "data-testid": "preview-rows" },
        h("thead", {}, h("tr", {}, shown.map((c) => h("th", {}, c.name, c.masked ? " (masked)" : "")))),
        h("tbody", {}, rows.map((r) => h("tr", {}, shown.map((c) => h("td", {}, String(r[c.name] ?? "")))))))));
}

export function assetPanel(workspace: string, id: string): HTMLElement {
  const p = part(workspace);
  const a = p?.assets?.find((x) => x.id === id);
  if (!a) return h("p", {}, "Unknown asset.");
  const folderPath: string[] = [];
  for (let f = a.folder; f; ) {
    const doc = p?.folders?.find((x) => x.id === f);
    if (!doc) break;
    folderPath.unshift(doc.name);
    f = doc.parent;
  }
  const people = candidates(workspace).filter((u) => u !== a.owner);
  const groups = view().org.groups ?? [];
  const label = `"${a.name}"`;

  // Each action asks the engine first: a denied one is disabled with the rule and reason.
  const renameButton = h("button", { type: "submit", "data-testid": "rename" }, "Rename");
  const renameWhy = gate(renameButton, decision("modify_asset", id), "rename");
  const rename = h("form", {
    class: "inline", "data-testid": "rename-form",
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      const f = ev.target as HTMLFormElement;
      void actAfterDiff(`Rename ${label}`, { type: "modify_asset", asset: id, name: field(f, "name") });
    },
  }, h("input", { name: "name", required: true, value: a.name, "aria-label": "New name" }), renameButton);

  const expiry = (f: HTMLFormElement): { expires_at?: number } => {
    const v = field(f, "expires");
    return v ? { expires_at: new Date(v).getTime() } : {};
  };

  const shareButton = h("button", { type: "submit" }, "Share");
  const shareWhy = gate(shareButton, decision("share", id), "share");
  const share = h("form", {
    class: "card action", "data-testid": "share-form",
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      const f = ev.target as HTMLFormElement;
      const targets: Target[] = [...checked(f, "users").map((user) => ({ user })), ...checked(f, "groups").map((group) => ({ group }))];
      void actAfterDiff(`Share ${label} with ${targets.map(targetLabel).join(", ") || "nobody"}`, {
        type: "share", asset: id, with: targets, level: field(f, "level") as Level, ...expiry(f),
      });
    },
  },
  h("h3", {}, "Share or grant"),
  labelled("Users", select("users", people.map((u): [string, string] => [u, u]), { multiple: true, size: Math.min(6, Math.max(2, people.length)), "data-testid": "share-users" })),
  groups.length ? labelled("Groups", select("groups", groups.map((g): [string, string] => [g.id, g.name]), { multiple: true, size: Math.min(4, groups.length) })) : null,
  labelled("Level", select("level", LEVELS)),
  labelled("Expires (optional)", h("input", { type: "datetime-local", name: "expires" })),
  h("p", { class: "muted" }, "A grant never lifts anyone above their role (A2); only the owner and admins share (A3)."),
  shareButton, shareWhy);

  const transferButton = h("button", { type: "submit" }, "Transfer");
  const transferWhy = gate(transferButton, decision("transfer_ownership", id), "transfer");
  const transfer = h("form", {
    class: "card action", "data-testid": "transfer-form",
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      const f = ev.target as HTMLFormElement;
      void actAfterDiff(`Transfer ${label} to ${field(f, "to")}`, { type: "transfer_ownership", asset: id, to: field(f, "to") });
    },
  },
  h("h3", {}, "Transfer ownership"),
  labelled("New owner", select("to", people.map((u): [string, string] => [u, u]))),
  h("p", { class: "muted" }, "The new owner's role must let them create this kind (A6)."),
  transferButton, transferWhy);

  const grants = a.grants ?? [];
  const mayRevoke = decision("revoke", id);
  const revokeButton = (g: (typeof grants)[number]) => {
    const b = h("button", {
      type: "button", class: "link", "data-testid": "revoke",
      onclick: () => void actAfterDiff(`Revoke ${targetLabel(g.to)} on ${label}`, { type: "revoke", asset: id, target: g.to }),
    }, "revoke");
    gate(b, mayRevoke, "revoke");
    return b;
  };
  const publicButton = h("button", {
    type: "button", "data-testid": "public-toggle",
    onclick: () => void actAfterDiff(a.public ? `Make ${label} private` : `Make ${label} public`, { type: "set_public", asset: id, public: !a.public }),
  }, a.public ? "Make private" : "Make public");
  const publicWhy = gate(publicButton, decision("set_public", id), "public");
  const deleteButton = h("button", {
    type: "button", class: armedDelete === id ? "danger" : "", "data-testid": "delete",
    onclick: () => {
      if (armedDelete !== id) {
        armedDelete = id;
        render();
        return;
      }
      armedDelete = null;
      void actAfterDiff(`Delete ${label}`, { type: "delete_asset", asset: id }, () => (location.hash = `#/ws/${encodeURIComponent(workspace)}`));
    },
  }, armedDelete === id ? "Click again to delete" : "Delete");
  const deleteWhy = gate(deleteButton, decision("delete_asset", id), "delete");
  return h("div", { class: "asset-panel", "data-testid": "asset-panel", "data-asset": id },
    h("h2", {}, a.name),
    h("dl", { class: "facts" },
      h("dt", {}, "Id"), h("dd", {}, h("code", {}, a.id)),
      h("dt", {}, "Kind"), h("dd", {}, kindLabel(a.kind)),
      h("dt", {}, "Owner"), h("dd", { "data-testid": "owner" }, a.owner === state.me ? `${a.owner} (you)` : a.owner),
      h("dt", {}, "Folder"), h("dd", {}, folderPath.length ? folderPath.join(" / ") : "(top level)"),
      h("dt", {}, "Public"), h("dd", { "data-testid": "public" }, a.public ? "yes: every member of the workspace sees it (A4)" : "no"),
      a.created_at ? [h("dt", {}, "Created"), h("dd", {}, when(a.created_at))] : null),
    h("h3", {}, "What you may do, and why"),
    decisions(a),
    accessPanel(id),
    h("h3", {}, "Grants in your view"),
    grants.length
      ? h("table", { "data-testid": "grants" },
        h("thead", {}, h("tr", {}, h("th", {}, "To"), h("th", {}, "Level"), h("th", {}, "Expires"), h("th", {}, ""))),
        h("tbody", {}, grants.map((g) => h("tr", { "data-target": targetLabel(g.to) },
          h("td", {}, targetLabel(g.to)), h("td", {}, g.level), h("td", {}, when(g.expires_at) || "never"),
          h("td", {}, revokeButton(g))))))
      : h("p", { class: "muted" }, "None that you see."),
    grants.length && !mayRevoke.allowed ? h("p", { class: "why-line" }, "Revoke: ", why(mayRevoke, "revoke")) : null,
    grants.length || a.owner === state.me ? h("p", { class: "muted" }, "Your view holds the grants to you and your groups; admins see all of them.") : null,
    h("h3", {}, "Change it"),
    h("div", { class: "buttons" }, rename, publicButton, deleteButton),
    renameWhy || publicWhy || deleteWhy
      ? h("ul", { class: "why-list" }, [["Rename", renameWhy], [publicButton.textContent, publicWhy], ["Delete", deleteWhy]].map(([what, why]) => (why ? h("li", {}, `${what}: `, why) : null)))
      : null,
    h("div", { class: "actions" }, share, transfer),
    a.kind === "dataset" ? preview(a) : null);
}
