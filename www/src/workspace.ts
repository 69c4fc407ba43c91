// The workspace page: the folder tree and asset list as this user sees them (W7, W8), filtered
// by the engine from the user's view; members, custom roles, creating folders and assets, and the
// mode switch with its dry run (W9).

import type { AssetDoc, Command, FolderDoc, Kind, Mode, Operation, Point, Rule } from "orgspace";
import { act, engine, header, notice, now, part, render, ruleBadge, state, view } from "./app";
import { ApiError } from "./api";
import { assetPanel, KINDS, kindLabel } from "./asset";
import { actAfterDiff } from "./diff";
import { viewAsButton, viewAsPanel } from "./viewas";
import { checkboxes, checked, field, h, idFrom, labelled, select, setChecked } from "./dom";
import { gated, gateForm } from "./gate";
import { PRESET_WS_ROLES } from "./org";
import { folderHref } from "./folder";
import { indent, layout, shown, virtualList } from "./tree";
import type { Layout } from "./tree";

const OPERATIONS: Operation[] = ["create", "view", "use", "modify", "delete", "share", "reference", "publish", "transfer", "authorize", "export"];

interface Tree {
  folders: FolderDoc[];
  assets: AssetDoc[];
  /** Milliseconds the engine took to filter. */
  ms: number;
}

/** What this user sees of a workspace, straight from the engine: worked out once per view
 * (a reload brings a new view), so redrawing the page after a click costs nothing here. */
const seenCache = new WeakMap<object, Map<string, Tree & { layout: Layout }>>();

export function seen(workspace: string): Tree & { layout: Layout } {
  const v = view();
  let byWs = seenCache.get(v);
  if (!byWs) seenCache.set(v, (byWs = new Map()));
  const hit = byWs.get(workspace);
  if (hit) return hit;
  const t0 = performance.now();
  const e = engine();
  const ids = new Set(e.visibleAssets(state.me, workspace, now()));
  const folderIds = new Set(e.visibleFolders(state.me, workspace, now()));
  const ms = performance.now() - t0;
  const p = part(workspace);
  const folders = (p?.folders ?? []).filter((f) => folderIds.has(f.id));
  const assets = (p?.assets ?? []).filter((a) => ids.has(a.id));
  const tree = { folders, assets, ms, layout: layout(folders, assets) };
  byWs.set(workspace, tree);
  return tree;
}

/** Whether the user holds an active grant on the asset, directly or through a group (A1, P2):
 * the engine's answer, never worked out here. */
export function grantedToMe(asset: string): boolean {
  try {
    return engine().assetInfo(state.me, asset, now()).granted;
  } catch {
    return false;
  }
}

function assetRow(a: AssetDoc, parent: string, depth: number, workspace: string, selected: string | undefined): HTMLElement {
  const me = state.me;
  const mine = a.owner === me;
  const granted = grantedToMe(a.id);
  return indent(h("li", { class: "asset", "data-asset": a.id, "data-parent": parent },
    h("a", { href: `#/ws/${encodeURIComponent(workspace)}/${encodeURIComponent(a.id)}`, class: a.id === selected ? "selected" : "" },
      h("span", { class: `kind k-${a.kind}` }, kindLabel(a.kind)),
      h("span", { class: "name" }, a.name),
      mine ? h("span", { class: "tag own" }, "yours") : h("span", { class: "owner" }, a.owner),
      a.public ? h("span", { class: "tag public" }, "public") : null,
      granted ? h("span", { class: "tag granted" }, "shared with you") : null)), depth);
}

/** What the list shows across redraws of one workspace: the filter and the folded folders. */
const ui = { workspace: "", query: "", folded: new Set<string>(), scrollTop: 0 };

/** The search box and the virtualized tree, redrawn on their own when either changes. */
function treePanel(workspace: string, tree: Tree & { layout: Layout }, selected: string | undefined): HTMLElement[] {
  if (ui.workspace !== workspace) Object.assign(ui, { workspace, query: "", folded: new Set<string>(), scrollTop: 0 });
  const l = tree.layout;
  const holder = h("div", { class: "tree-holder" });
  const summary = h("p", { class: "muted small", "data-testid": "tree-summary" });
  const draw = (keepScroll: boolean) => {
    const t0 = performance.now();
    const rows = shown(l, ui.query, ui.folded);
    let assets = 0;
    // While filtering, a folder counts the matches beneath it.
    const matches = ui.query ? new Int32Array(l.rows.length) : null;
    for (const i of rows) {
      if (l.rows[i].kind !== "asset") continue;
      assets++;
      if (matches) for (let p = l.up[i]; p >= 0; p = l.up[p]) matches[p]++;
    }
    const box = virtualList(rows.length, (k) => {
      const row = rows[k];
      const r = l.rows[row];
      if (r.kind === "asset") return assetRow(r.asset, r.parent, r.depth, workspace, selected);
      const open = ui.query !== "" || !ui.folded.has(r.folder.id);
      return indent(h("li", { class: "folder", "data-folder": r.folder.id },
        h("button", {
          type: "button", class: "fold", "aria-expanded": String(open),
          onclick: () => {
            if (ui.query !== "") return;
            if (ui.folded.has(r.folder.id)) ui.folded.delete(r.folder.id);
            else ui.folded.add(r.folder.id);
            draw(true);
          },
        }, h("span", { class: "icon" }, open ? "▾" : "▸"), r.folder.name, h("span", { class: "count" }, String(matches ? matches[row] : r.count))),
        h("a", { href: folderHref(workspace, r.folder.id), class: "open", "data-testid": `open-folder-${r.folder.id}`, title: "The folder's page: contents, who sees it" }, "open")), r.depth);
    }, { "data-testid": "tree", "data-assets": String(assets), "data-query": ui.query });
    box.addEventListener("scroll", () => (ui.scrollTop = box.scrollTop), { passive: true });
    holder.replaceChildren(box);
    if (keepScroll) box.scrollTop = ui.scrollTop;
    else ui.scrollTop = 0;
    summary.textContent = ui.query
      ? `${assets} of ${tree.assets.length} asset(s) match, in ${(performance.now() - t0).toFixed(1)} ms.`
      : `${tree.assets.length} asset(s) in ${tree.folders.length} folder(s).`;
  };
  const search = h("input", {
    type: "search", placeholder: "Filter by name", "data-testid": "search", value: ui.query,
    oninput: (ev: Event) => {
      ui.query = (ev.target as HTMLInputElement).value;
      draw(false);
    },
  });
  draw(true);
  // The scroll position comes back once the box is in the document.
  requestAnimationFrame(() => {
    const box = holder.firstElementChild as HTMLElement | null;
    if (box && box.scrollTop !== ui.scrollTop) box.scrollTop = ui.scrollTop;
  });
  return [search, summary, holder];
}

export function myRoles(workspace: string): string[] {
  return part(workspace)?.members?.find((m) => m.user === state.me)?.roles ?? [];
}

function roleName(workspace: string, id: string): string {
  return part(workspace)?.roles?.find((r) => r.id === id)?.name ?? id;
}

/** Names of assets by id, once per view: for the dry run, which may name thousands. */
const names = new WeakMap<object, Map<string, string>>();

function assetName(id: string): string {
  const v = view();
  let byId = names.get(v);
  if (!byId) {
    byId = new Map();
    for (const p of v.workspaces) for (const a of p.assets ?? []) byId.set(a.id, a.name);
    names.set(v, byId);
  }
  return byId.get(id) ?? id;
}

async function startDryRun(workspace: string, mode: Mode): Promise<void> {
  if (!state.api) return;
  try {
    const run = await state.api.dryRun(workspace, mode, state.version);
    state.dryRun = { workspace, mode, changes: run.changes };
    render();
  } catch (err) {
    const e = err as ApiError;
    notice(e.code === "denied" ? "denied" : "error", `Dry run of the switch to ${mode}: ${e.code}`, e.message, e.rule);
  }
}

function modeSection(workspace: string): HTMLElement | null {
  const w = header(workspace);
  if (!w || w.kind !== "group") return null;
  const other: Mode = w.mode === "private" ? "collaboration" : "private";
  const run = state.dryRun?.workspace === workspace ? state.dryRun : null;
  const gains = run?.changes.reduce((n, c) => n + c.gains.length, 0) ?? 0;
  const loses = run?.changes.reduce((n, c) => n + c.loses.length, 0) ?? 0;
  return h("div", { class: "card", "data-testid": "mode-section" },
    h("h3", {}, "Mode"),
    h("p", {}, "This workspace is ", h("span", { class: `mode ${w.mode}`, "data-testid": "mode" }, w.mode), ". ",
      w.mode === "private" ? "Members see only the assets they may view, and the folders that hold them (W7)." : "Every member sees every asset and folder (W7)."),
    run
      ? h("div", { class: "dryrun", "data-testid": "dry-run" },
        h("h4", {}, `Dry run: switching to ${run.mode}`),
        h("p", { "data-testid": "dry-run-summary" }, run.changes.length === 0
          ? "Nobody would gain or lose sight of anything."
          : `${run.changes.length} member(s) affected: ${gains} asset sighting(s) gained, ${loses} lost. Nothing has changed yet.`),
        run.changes.length
          ? h("table", {},
            h("thead", {}, h("tr", {}, h("th", {}, "Member"), h("th", {}, "Would start seeing"), h("th", {}, "Would stop seeing"))),
            h("tbody", {}, run.changes.map((c) => h("tr", { "data-user": c.user },
              h("td", {}, c.user),
              h("td", { "data-testid": "gains" }, listOf(c.gains)),
              h("td", { "data-testid": "loses" }, listOf(c.loses))))))
          : null,
        h("div", { class: "buttons" },
          gated(h("button", {
            type: "button", class: "primary", "data-testid": "mode-apply",
            onclick: () => void act(`Switch ${w.name} to ${run.mode}`, { type: "set_workspace_mode", workspace, mode: run.mode as Mode }, () => (state.dryRun = null)),
          }, `Apply: switch to ${run.mode}`), { type: "set_workspace_mode", workspace, mode: run.mode as Mode }, "mode-apply"),
          h("button", { type: "button", class: "link", "data-testid": "mode-cancel", onclick: () => { state.dryRun = null; render(); } }, "Cancel")))
      : gated(h("button", { type: "button", "data-testid": "mode-dry-run", onclick: () => void startDryRun(workspace, other) }, `Switch to ${other}…`),
        { type: "set_workspace_mode", workspace, mode: other }, "mode-switch"),
  );
}

function listOf(ids: string[]): HTMLElement | string {
  if (ids.length === 0) return "—";
  const names = ids.map(assetName);
  if (ids.length <= 4) return names.join(", ");
  return h("details", {}, h("summary", {}, `${ids.length} assets`), names.join(", "));
}

function workspacePanel(workspace: string, tree: Tree): HTMLElement {
  const p = part(workspace);
  const w = header(workspace);
  const e = engine();
  const t = now();
  const isGroup = w?.kind === "group";
  const members = p?.members ?? [];
  const customRoles = p?.roles ?? [];
  const roleOptions: [string, string][] = [...PRESET_WS_ROLES, ...customRoles.map((r): [string, string] => [r.id, r.name])];
  const orgUsers = view().org.members.map((m) => m.user);
  const folderOptions: [string, string][] = [["", "(top level)"], ...tree.folders.map((f): [string, string] => [f.id, f.name])];

  const createCheck = (kind: Kind) => {
    try {
      return e.checkCreate(state.me, workspace, kind);
    } catch {
      return null;
    }
  };
  const hint = h("p", { class: "hint", "data-testid": "create-hint" });
  const createButton = h("button", { type: "submit", "data-testid": "create-asset" }, "Create asset");
  const showHint = (kind: Kind) => {
    const d = createCheck(kind);
    hint.replaceChildren(d ? h("span", { class: d.allowed ? "yes" : "no" }, d.allowed ? "The engine allows it" : "The engine refuses it") : "", " ", d ? ruleBadge(d.rule) ?? "" : "", d ? ` ${d.reason}` : "");
    // The engine's answer for the chosen kind enables the button, or disables it (gate.ts).
    createButton.disabled = !d?.allowed;
    if (d && !d.allowed) {
      createButton.dataset.denied = d.rule;
      createButton.title = `${d.rule}: ${d.reason}`;
    } else {
      delete createButton.dataset.denied;
      createButton.title = "";
    }
  };
  const kindSelect = select("kind", KINDS.map((k): [string, string] => [k, kindLabel(k)]), { onchange: (ev: Event) => showHint((ev.target as HTMLSelectElement).value as Kind) }, "dashboard");
  showHint("dashboard");

  const createAsset = h("form", {
    class: "card action", "data-testid": "create-asset-form",
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      const f = ev.target as HTMLFormElement;
      const name = field(f, "name");
      const folder = field(f, "folder");
      void actAfterDiff(`Create ${kindLabel(field(f, "kind") as Kind)} "${name}"`, {
        type: "create_asset", asset: idFrom(name), workspace, kind: field(f, "kind") as Kind, name, ...(folder ? { folder } : {}),
      });
    },
  },
  h("h3", {}, "Create an asset"),
  labelled("Kind", kindSelect),
  labelled("Name", h("input", { name: "name", required: true, autocomplete: "off" })),
  labelled("Folder", select("folder", folderOptions)),
  hint,
  createButton);

  const folderCommand = (f: HTMLFormElement): Command => {
    const [name, parent] = [field(f, "name"), field(f, "parent")];
    return { type: "create_folder", folder: idFrom(name), workspace, name, ...(parent ? { parent } : {}) };
  };
  const folderButton = h("button", { type: "submit" }, "Create folder");
  const createFolder = gateForm(h("form", {
    class: "card action", "data-testid": "create-folder-form",
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      const f = ev.target as HTMLFormElement;
      void actAfterDiff(`Create folder "${field(f, "name")}"`, folderCommand(f));
    },
  },
  h("h3", {}, "Create a folder"),
  labelled("Name", h("input", { name: "name", required: true, autocomplete: "off" })),
  labelled("Inside", select("parent", folderOptions)),
  w?.mode === "private" ? h("p", { class: "muted" }, "Private mode: a new folder is seen only by admins until it holds an asset others see (W8).") : null,
  folderButton), [[folderButton, "create-folder", folderCommand]]);

  const removeButton = (user: string) => {
    const command: Command = { type: "remove_workspace_member", workspace, user };
    const button = h("button", {
      type: "button", class: "link", "data-testid": `remove-${user}`,
      onclick: () => void actAfterDiff(`Remove ${user} from ${w?.name}`, command),
    }, "remove");
    return gated(button, command, `remove-${user}`);
  };
  const memberTable = isGroup
    ? h("table", { "data-testid": "ws-members" },
      h("thead", {}, h("tr", {}, h("th", {}, "Member"), h("th", {}, "Roles"), h("th", {}, ""))),
      h("tbody", {}, members.map((m) => h("tr", { "data-member": m.user },
        h("td", {}, m.user === state.me ? h("strong", {}, `${m.user} (you)`) : m.user),
        h("td", {}, m.roles.length ? m.roles.map((r) => roleName(workspace, r)).join(", ") : h("span", { class: "muted" }, "a custom role you do not hold")),
        // The API decides both (R1 for view as, W6 and O3 for removal); the diff comes first.
        h("td", {}, viewAsButton(workspace, m.user), " ", removeButton(m.user))))))
    : h("p", { class: "muted" }, `A personal workspace holds only its owner, ${w?.owner} (W3).`);

  const addCommand = (f: HTMLFormElement): Command => ({ type: "add_workspace_member", workspace, user: field(f, "user"), roles: checked(f, "roles") });
  const addButton = h("button", { type: "submit" }, "Add member");
  const addMember = isGroup ? gateForm(h("form", {
    class: "card action", "data-testid": "ws-add-member-form",
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      const f = ev.target as HTMLFormElement;
      void actAfterDiff(`Add ${field(f, "user")} to ${w?.name}`, addCommand(f));
    },
  },
  h("h3", {}, "Add a member"),
  labelled("Member of the organization", select("user", orgUsers.filter((u) => !members.some((m) => m.user === u)).map((u): [string, string] => [u, u]))),
  labelled("Roles", checkboxes("roles", roleOptions, ["visitor"])),
  addButton), [[addButton, "ws-add-member", addCommand]]) : null;

  const rolesCommand = (f: HTMLFormElement): Command => ({ type: "set_workspace_roles", workspace, user: field(f, "user"), roles: checked(f, "roles") });
  const rolesButton = h("button", { type: "submit" }, "Set roles");
  const setRoles = isGroup && members.length ? gateForm(h("form", {
    class: "card action", "data-testid": "ws-roles-form",
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      const f = ev.target as HTMLFormElement;
      void actAfterDiff(`Set roles of ${field(f, "user")} in ${w?.name}`, rolesCommand(f));
    },
  },
  h("h3", {}, "Set a member's roles"),
  labelled("Member", select("user", members.map((m): [string, string] => [m.user, `${m.user} (${m.roles.join(", ")})`]), {
    // The boxes start from the member's roles: the command replaces them.
    onchange: (ev: Event) => {
      const sel = ev.target as HTMLSelectElement;
      if (sel.form) setChecked(sel.form, "roles", members.find((m) => m.user === sel.value)?.roles ?? []);
    },
  })),
  labelled("Roles", checkboxes("roles", roleOptions, members[0]?.roles ?? [])),
  rolesButton), [[rolesButton, "ws-roles", rolesCommand]]) : null;

  const deleteRoleButton = (role: string, name: string) => {
    const command: Command = { type: "delete_workspace_role", workspace, role };
    const button = h("button", {
      type: "button", class: "link", "data-testid": `delete-ws-role-${role}`,
      onclick: () => void actAfterDiff(`Delete role ${name} in ${w?.name}`, command),
    }, "delete");
    return gated(button, command, `delete-ws-role-${role}`);
  };
  const defineCommand = (f: HTMLFormElement): Command => {
    const points: Point[] = checked(f, "points").map((v) => {
      const [kind, operation] = v.split(":");
      return { kind: kind as Kind, operation: operation as Operation };
    });
    return { type: "define_workspace_role", workspace, role: field(f, "role"), name: field(f, "name"), points };
  };
  const defineButton = h("button", { type: "submit" }, "Define role");
  const roles = isGroup ? h("div", {},
    customRoles.length
      ? h("table", { "data-testid": "ws-roles" },
        h("thead", {}, h("tr", {}, h("th", {}, "Custom role"), h("th", {}, "Points"))),
        h("tbody", {}, customRoles.map((r) => h("tr", { "data-role": r.id }, h("td", {}, r.name, " ", h("code", {}, r.id)), h("td", {}, r.points.map((pt) => `${pt.operation} ${kindLabel(pt.kind)}`).join(", ")),
          h("td", {}, deleteRoleButton(r.id, r.name))))))
      : h("p", { class: "muted" }, "No custom roles in your view of this workspace."),
    gateForm(h("form", {
      class: "card action", "data-testid": "define-ws-role-form",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const f = ev.target as HTMLFormElement;
        void actAfterDiff(`Define role ${field(f, "name")} in ${w?.name}`, defineCommand(f));
      },
    },
    h("h3", {}, "Define a custom role"),
    labelled("Role id", h("input", { name: "role", required: true, autocomplete: "off" })),
    labelled("Name", h("input", { name: "name", required: true, autocomplete: "off" })),
    h("table", { class: "points" },
      h("thead", {}, h("tr", {}, h("th", {}, ""), OPERATIONS.map((o) => h("th", {}, o)))),
      h("tbody", {}, KINDS.map((k) => h("tr", {}, h("th", {}, kindLabel(k)),
        OPERATIONS.map((o) => h("td", {}, h("input", { type: "checkbox", name: "points", value: `${k}:${o}`, title: `${o} ${kindLabel(k)}` }))))))),
    defineButton), [[defineButton, "define-ws-role", defineCommand]])) : null;

  const grants = p?.table_grants ?? [];
  return h("div", { class: "ws-panel" },
    viewAsPanel(workspace),
    modeSection(workspace),
    h("div", { class: "actions" }, createFolder, createAsset),
    h("h3", {}, "Members"), memberTable,
    h("div", { class: "actions" }, addMember, setRoles),
    isGroup ? h("h3", {}, "Custom roles") : null, roles,
    grants.length ? [h("h3", {}, "Tables granted to this workspace (D1)"),
      h("ul", {}, grants.map((g) => h("li", {}, `${g.source}.${g.table}`, g.columns ? ` — columns ${g.columns.join(", ")}` : "", g.rows ? " — some rows" : "")))] : null,
    h("p", { class: "muted" }, `Your view holds ${tree.assets.length} asset(s) of this workspace at ${new Date(t).toLocaleTimeString()}.`));
}

export function workspacePage(workspace: string, selected?: string): HTMLElement {
  const w = header(workspace);
  if (!w) {
    return h("section", { class: "page" }, h("h1", {}, "Not in your view"),
      h("p", {}, `Workspace "${workspace}" is not part of your view of the organization.`), h("a", { href: "#/org" }, "Back to the organization"));
  }
  let tree: Tree & { layout: Layout };
  try {
    tree = seen(workspace);
  } catch (err) {
    const e = err as { code?: string; rule?: Rule; message?: string };
    return h("section", { class: "page ws", "data-testid": "ws-page", "data-workspace": workspace },
      h("h1", {}, w.name, " ", h("code", {}, w.id), " ", h("span", { class: `mode ${w.mode}` }, w.mode)),
      h("p", { class: "denied", "data-testid": "list-refused" }, "The engine shows you no list here: ", ruleBadge(e.rule), " ", e.message ?? String(err)),
      h("p", { class: "muted" }, "Asset lists are for the workspace's members (W7); a permission admin still grants on its assets through the API (O4)."));
  }
  const isDefault = view().org.default_workspace === workspace;
  const roles = myRoles(workspace);
  const orgAdmin = engine().orgSummary(state.me).you.org_admin;
  const right = selected && tree.assets.some((a) => a.id === selected)
    ? assetPanel(workspace, selected)
    : selected
      ? h("div", { class: "card denied", "data-testid": "asset-missing" }, `Asset "${selected}" is not in your list of this workspace.`)
      : workspacePanel(workspace, tree);
  return h("section", { class: "page ws", "data-testid": "ws-page", "data-workspace": workspace },
    h("h1", {}, w.name, " ", h("code", {}, w.id), " ",
      h("span", { class: `mode ${w.mode}` }, w.mode),
      isDefault ? h("span", { class: "badge" }, "default") : null,
      w.kind === "personal" ? h("span", { class: "badge" }, `personal: ${w.owner}`) : null),
    h("p", { class: "muted" },
      w.kind === "personal" ? (w.owner === state.me ? "Your personal workspace." : `${w.owner}'s personal workspace: you see what they shared with you (W4).`)
        : roles.length ? `Your roles here: ${roles.map((r) => roleName(workspace, r)).join(", ")}.` : orgAdmin ? "You are an org admin: every permission here (O6)." : "You hold no role here.",
      " ",
      h("span", { "data-testid": "seen-summary" }, `You see ${tree.assets.length} asset(s) in ${tree.folders.length} folder(s)`),
      `, filtered by the engine in ${tree.ms.toFixed(1)} ms.`),
    h("div", { class: "split" },
      h("div", { class: "left" }, tree.assets.length || tree.folders.length ? treePanel(workspace, tree, selected) : h("p", { class: "muted", "data-testid": "tree" }, "Nothing here that you see.")),
      h("div", { class: "right" }, selected ? h("p", {}, h("a", { href: `#/ws/${encodeURIComponent(workspace)}`, "data-testid": "back-to-ws" }, `← ${w.name}: members, roles, mode, create`)) : null, right)));
}
