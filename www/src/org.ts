// The organization page: members, organization roles, groups, workspaces, and the commands that
// change them.

import type { ColumnDef, Command, GroupDoc, Mode, OrgPoint } from "orgspace";
import { engine, now, state, view } from "./app";
import { actAfterDiff } from "./diff";
import { checkboxes, checked, field, h, labelled, select, setChecked } from "./dom";
import { gated, gateForm } from "./gate";

const ORG_POINTS: [OrgPoint, string][] = [
  ["manage_members", "manage members"],
  ["manage_workspaces", "manage workspaces"],
  ["manage_user_groups", "manage user groups"],
  ["manage_data_sources", "manage data sources"],
  ["authorize_centrally", "authorize centrally"],
  ["view_audit_log", "view audit log"],
];

export const PRESET_WS_ROLES: [string, string][] = [
  ["admin", "admin"],
  ["developer", "developer"],
  ["analyst", "analyst"],
  ["visitor", "visitor"],
];

/** Display names of organization roles, preset and custom. */
export function orgRoleName(id: string): string {
  if (id === "org_admin") return "org admin";
  if (id === "permission_admin") return "permission admin";
  return view().org.org_roles?.find((r) => r.id === id)?.name ?? id;
}

export function groupName(id: string): string {
  return view().org.groups?.find((g) => g.id === id)?.name ?? id;
}

function groupsOf(user: string): string[] {
  return (view().org.groups ?? []).filter((g) => g.members?.includes(user)).map((g) => g.id);
}

function groupTree(groups: GroupDoc[], parent: string | undefined): HTMLElement | null {
  const here = groups.filter((g) => g.parent === parent || (parent === undefined && g.parent !== undefined && !groups.some((p) => p.id === g.parent)));
  if (here.length === 0) return null;
  return h("ul", { class: "tree" }, here.map((g) =>
    h("li", { "data-group": g.id },
      h("strong", {}, g.name), " ", h("code", {}, g.id),
      h("span", { class: "muted" }, ` — ${g.members?.length ?? 0} direct member(s)${g.members?.length ? `: ${g.members.join(", ")}` : ""}`),
      groupTree(groups, g.id))));
}

export function orgPage(): HTMLElement {
  const v = view();
  const org = v.org;
  const me = state.me;
  const members = org.members;
  // Whether the view is the whole organization (org admins, central authorizers): the engine's.
  const whole = engine().orgSummary(me).you.whole_view;
  const groupWorkspaces = org.workspaces.filter((w) => w.kind === "group");
  const users = members.map((m) => m.user);
  const customRoles = org.org_roles ?? [];
  const groups = org.groups ?? [];
  const t = now();

  const workspaces = h("table", { "data-testid": "workspaces" },
    h("thead", {}, h("tr", {}, h("th", {}, "Workspace"), h("th", {}, "Kind"), h("th", {}, "Mode"), h("th", {}, "Default"), h("th", {}, "Members"), h("th", {}, "Assets you see"))),
    h("tbody", {}, org.workspaces.map((w) => {
      const p = v.workspaces.find((x) => x.id === w.id);
      let seen = "—";
      try {
        seen = String(engine().visibleAssets(me, w.id, t).length);
      } catch (err) {
        // A workspace of the first view not opened yet (issue 13): the engine does not guess.
        seen = (err as { code?: string }).code === "invalid" ? "not loaded" : "none";
      }
      return h("tr", { "data-workspace": w.id },
        h("td", {}, h("a", { href: `#/ws/${encodeURIComponent(w.id)}`, "data-testid": `ws-link-${w.id}` }, w.name), " ", h("code", {}, w.id)),
        h("td", {}, w.kind === "personal" ? `personal (${w.owner})` : "group"),
        h("td", {}, h("span", { class: `mode ${w.mode}` }, w.mode)),
        h("td", {}, w.id === org.default_workspace ? h("span", { class: "badge", "data-testid": "default-flag" }, "default") : ""),
        h("td", {}, w.kind === "personal" ? "1" : String(p?.members?.length ?? "—")),
        h("td", { "data-testid": "seen-count" }, seen));
    })));

  const memberRows = h("table", { "data-testid": "members" },
    h("thead", {}, h("tr", {}, h("th", {}, "Member"), h("th", {}, "Organization roles"), h("th", {}, "Groups"), h("th", {}, "Group workspaces"), h("th", {}, "Attributes"))),
    h("tbody", {}, members.map((m) => h("tr", { "data-member": m.user },
      h("td", {}, m.user === me ? h("strong", {}, `${m.user} (you)`) : m.user),
      h("td", {}, (m.roles ?? []).length ? (m.roles ?? []).map(orgRoleName).join(", ") : whole || m.user === me ? "member" : h("span", { class: "muted" }, "—")),
      h("td", {}, groupsOf(m.user).map(groupName).join(", ")),
      h("td", {}, v.workspaces.filter((p) => p.members?.some((x) => x.user === m.user)).map((p) => p.id).join(", ")),
      h("td", {}, Object.entries(m.attributes ?? {}).map(([k, vals]) => `${k}: ${vals.join(", ")}`).join("; "))))));

  const presetHolders = (role: string) => members.filter((m) => m.roles?.includes(role)).map((m) => m.user);
  const roles = h("table", { "data-testid": "org-roles" },
    h("thead", {}, h("tr", {}, h("th", {}, "Role"), h("th", {}, "Permission points"), h("th", {}, "Held by"))),
    h("tbody", {},
      h("tr", {}, h("td", {}, "org admin ", h("span", { class: "muted" }, "(preset)")), h("td", {}, "every permission in every workspace (O6)"), h("td", {}, presetHolders("org_admin").join(", "))),
      h("tr", {}, h("td", {}, "permission admin ", h("span", { class: "muted" }, "(preset)")), h("td", {}, "grants on any asset (O4)"), h("td", {}, presetHolders("permission_admin").join(", "))),
      h("tr", {}, h("td", {}, "member ", h("span", { class: "muted" }, "(preset)")), h("td", {}, "what their workspace roles permit"), h("td", {}, "everyone")),
      customRoles.map((r) => h("tr", { "data-role": r.id },
        h("td", {}, r.name, " ", h("code", {}, r.id), " ",
          gated(h("button", { type: "button", class: "link", "data-testid": `delete-org-role-${r.id}`,
            onclick: () => void actAfterDiff(`Delete role ${r.name}`, { type: "delete_org_role", role: r.id }) }, "delete"),
          { type: "delete_org_role", role: r.id }, `delete-org-role-${r.id}`)),
        h("td", {}, r.points.map((p) => p.replace(/_/g, " ")).join(", ")),
        h("td", {}, presetHolders(r.id).join(", "))))));

  const roleOptions: [string, string][] = [["org_admin", "org admin"], ["permission_admin", "permission admin"], ...customRoles.map((r): [string, string] => [r.id, r.name])];

  const addCommand = (f: HTMLFormElement): Command => {
    const workspace = field(f, "workspace");
    return {
      type: "add_member", user: field(f, "user"), org_roles: checked(f, "org_roles"),
      ...(workspace ? { workspace, workspace_roles: checked(f, "workspace_roles") } : {}),
    };
  };
  const addButton = h("button", { type: "submit" }, "Add member");
  const addMember = gateForm(h("form", {
    class: "card action", "data-testid": "add-member-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      void actAfterDiff(`Add member ${field(f, "user")}`, addCommand(f));
    },
  },
  h("h3", {}, "Add a member"),
  labelled("User id", h("input", { name: "user", required: true, autocomplete: "off" })),
  labelled("Organization roles", checkboxes("org_roles", roleOptions)),
  labelled("Joins workspace", select("workspace", [["", `default (${org.default_workspace}), as visitor`], ...groupWorkspaces.map((w): [string, string] => [w.id, w.name])])),
  labelled("Workspace roles", checkboxes("workspace_roles", PRESET_WS_ROLES, ["visitor"])),
  addButton), [[addButton, "add-member", addCommand]]);

  const rolesCommand = (f: HTMLFormElement): Command => ({ type: "set_org_roles", user: field(f, "user"), roles: checked(f, "roles") });
  const rolesButton = h("button", { type: "submit" }, "Set roles");
  const setRoles = gateForm(h("form", {
    class: "card action", "data-testid": "org-roles-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      void actAfterDiff(`Set organization roles of ${field(f, "user")}`, rolesCommand(f));
    },
  },
  h("h3", {}, "Set organization roles"),
  labelled("Member", select("user", users.map((u): [string, string] => [u, u]), {
    // The boxes start from the member's roles (as far as the view shows them): the command replaces them.
    onchange: (ev: Event) => {
      const sel = ev.target as HTMLSelectElement;
      if (sel.form) setChecked(sel.form, "roles", members.find((m) => m.user === sel.value)?.roles ?? []);
    },
  })),
  labelled("Roles", checkboxes("roles", roleOptions, members[0]?.roles ?? [])),
  h("p", { class: "muted" }, "No role checked: a common member."),
  rolesButton), [[rolesButton, "org-roles", rolesCommand]]);

  const defineCommand = (f: HTMLFormElement): Command => ({ type: "define_org_role", role: field(f, "role"), name: field(f, "name"), points: checked(f, "points") as OrgPoint[] });
  const defineButton = h("button", { type: "submit" }, "Define role");
  const defineRole = gateForm(h("form", {
    class: "card action", "data-testid": "define-org-role-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      void actAfterDiff(`Define role ${field(f, "name")}`, defineCommand(f));
    },
  },
  h("h3", {}, "Define a custom organization role"),
  labelled("Role id", h("input", { name: "role", required: true, autocomplete: "off", placeholder: "auditors" })),
  labelled("Name", h("input", { name: "name", required: true, autocomplete: "off", placeholder: "Auditors" })),
  labelled("Points", checkboxes("points", ORG_POINTS)),
  defineButton), [[defineButton, "define-org-role", defineCommand]]);

  const groupCommand = (f: HTMLFormElement): Command => {
    const parent = field(f, "parent");
    return { type: "create_group", group: field(f, "group"), name: field(f, "name"), ...(parent ? { parent } : {}) };
  };
  const groupButton = h("button", { type: "submit" }, "Create group");
  const createGroup = gateForm(h("form", {
    class: "card action", "data-testid": "create-group-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      void actAfterDiff(`Create group ${field(f, "name")}`, groupCommand(f));
    },
  },
  h("h3", {}, "Create a group"),
  labelled("Group id", h("input", { name: "group", required: true, autocomplete: "off" })),
  labelled("Name", h("input", { name: "name", required: true, autocomplete: "off" })),
  labelled("Nested in", select("parent", [["", "(top level)"], ...groups.map((g): [string, string] => [g.id, g.name])])),
  groupButton), [[groupButton, "create-group", groupCommand]]);

  const membership = (type: "add_group_member" | "remove_group_member") => (f: HTMLFormElement): Command => ({ type, group: field(f, "group"), user: field(f, "user") });
  const toGroup = h("button", { type: "submit", "data-op": "add", "data-testid": "add-to-group" }, "Add to group");
  const fromGroup = h("button", { type: "submit", "data-op": "remove", "data-testid": "remove-from-group" }, "Remove from group");
  const addToGroup = gateForm(h("form", {
    class: "card action", "data-testid": "group-member-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      const [group, user] = [field(f, "group"), field(f, "user")];
      // Both buttons send the group membership change through its access diff first.
      if ((e as SubmitEvent).submitter?.dataset.op === "remove") void actAfterDiff(`Remove ${user} from ${group}`, membership("remove_group_member")(f));
      else void actAfterDiff(`Add ${user} to ${group}`, membership("add_group_member")(f));
    },
  },
  h("h3", {}, "Group membership"),
  labelled("Group", select("group", groups.map((g): [string, string] => [g.id, g.name]))),
  labelled("Member", select("user", users.map((u): [string, string] => [u, u]))),
  toGroup, " ", fromGroup), [[toGroup, "add-to-group", membership("add_group_member")], [fromGroup, "remove-from-group", membership("remove_group_member")]]);

  const removeCommand = (f: HTMLFormElement): Command => {
    const [user, to] = [field(f, "user"), field(f, "new_owner")];
    return { type: "remove_member", user, ...(to ? { new_owner: to } : {}) };
  };
  const removeButton = h("button", { type: "submit" }, "Remove member");
  const removeMember = gateForm(h("form", {
    class: "card action", "data-testid": "remove-member-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      void actAfterDiff(`Remove ${field(f, "user")} from the organization`, removeCommand(f));
    },
  },
  h("h3", {}, "Remove a member"),
  labelled("Member", select("user", users.map((u): [string, string] => [u, u]))),
  labelled("Their assets go to", select("new_owner", [["", "(they own none)"], ...users.map((u): [string, string] => [u, u])])),
  h("p", { class: "muted" }, "A removed member's assets need a new owner (O8); the access diff shows what everyone loses first."),
  removeButton), [[removeButton, "remove-member", removeCommand]]);

  return h("section", { class: "page", "data-testid": "org-page" },
    h("h1", {}, org.name, " ", h("code", {}, org.id)),
    h("p", { class: "muted" }, whole
      ? "You see the whole organization."
      : "You see your view of the organization: your workspaces, the members they name, your groups. Other members' roles are not part of it."),
    h("h2", {}, "Workspaces"), workspaces,
    h("h2", {}, "Members"), memberRows,
    h("h2", {}, "Organization roles"), roles,
    h("h2", {}, "Groups"), groupTree(groups, undefined) ?? h("p", { class: "muted" }, "No groups in your view."),
    h("h2", {}, "Change the organization"),
    h("p", { class: "muted" }, "Every form sends one command to the API, which decides (O3: org admins and roles with manage members; O2: manage user groups; W1: manage workspaces; D1: manage data sources). A form the engine would refuse you is disabled, with its rule and reason."),
    h("div", { class: "actions" }, addMember, setRoles, defineRole, createGroup, addToGroup, removeMember,
      attributesForm(users), workspaceForms(groupWorkspaces.map((w): [string, string] => [w.id, w.name])), dataSourceForms()));
}

/** Sets a member's attributes (D2's row rules read them): one `name: value, value` per line. */
function attributesForm(users: string[]): HTMLFormElement {
  const command = (f: HTMLFormElement): Command => {
    const attributes: Record<string, string[]> = {};
    for (const line of field(f, "attributes").split("\n")) {
      const at = line.indexOf(":");
      if (at < 0) continue;
      attributes[line.slice(0, at).trim()] = line.slice(at + 1).split(",").map((v) => v.trim()).filter((v) => v !== "");
    }
    return { type: "set_attributes", user: field(f, "user"), attributes };
  };
  const button = h("button", { type: "submit" }, "Set attributes");
  return gateForm(h("form", {
    class: "card action", "data-testid": "attributes-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      void actAfterDiff(`Set attributes of ${field(f, "user")}`, command(f));
    },
  },
  h("h3", {}, "Set a member's attributes"),
  labelled("Member", select("user", users.map((u): [string, string] => [u, u]))),
  labelled("Attributes", h("textarea", { name: "attributes", rows: 2, placeholder: "region: east, west" })),
  h("p", { class: "muted" }, "They replace the member's attributes; row rules read them (D2)."),
  button), [[button, "attributes", command]]);
}

/** Creating a workspace, and renaming, deleting or making default a group workspace (W1, W2). */
function workspaceForms(workspaces: [string, string][]): HTMLFormElement[] {
  const create = (f: HTMLFormElement): Command => ({ type: "create_workspace", workspace: field(f, "workspace"), name: field(f, "name"), mode: field(f, "mode") as Mode });
  const createButton = h("button", { type: "submit" }, "Create workspace");
  const createForm = gateForm(h("form", {
    class: "card action", "data-testid": "create-workspace-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      void actAfterDiff(`Create workspace ${field(f, "name")}`, create(f));
    },
  },
  h("h3", {}, "Create a workspace"),
  labelled("Workspace id", h("input", { name: "workspace", required: true, autocomplete: "off" })),
  labelled("Name", h("input", { name: "name", required: true, autocomplete: "off" })),
  labelled("Mode", select("mode", [["private", "private"], ["collaboration", "collaboration"]])),
  createButton), [[createButton, "create-workspace", create]]);

  const rename = (f: HTMLFormElement): Command => ({ type: "modify_workspace", workspace: field(f, "workspace"), name: field(f, "name") });
  const remove = (f: HTMLFormElement): Command => ({ type: "delete_workspace", workspace: field(f, "workspace") });
  const makeDefault = (f: HTMLFormElement): Command => ({ type: "set_default_workspace", workspace: field(f, "workspace") });
  const ops: Record<string, [string, (f: HTMLFormElement) => Command]> = { rename: ["Rename", rename], delete: ["Delete", remove], default: ["Make default", makeDefault] };
  const buttons = Object.entries(ops).map(([op, [label]]) => h("button", { type: "submit", "data-op": op, "data-testid": `workspace-${op}` }, label));
  const changeForm = gateForm(h("form", {
    class: "card action", "data-testid": "workspace-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      const op = (e as SubmitEvent).submitter?.dataset.op ?? "rename";
      const [label, command] = ops[op] ?? ops.rename;
      void actAfterDiff(`${label}: ${field(f, "workspace")}`, command(f));
    },
  },
  h("h3", {}, "Change a workspace"),
  labelled("Workspace", select("workspace", workspaces)),
  labelled("New name", h("input", { name: "name", autocomplete: "off" })),
  h("p", { class: "muted" }, "Only an empty workspace that is not the default can be deleted (W2)."),
  buttons.flatMap((b) => [b, " "])), buttons.map((b): [HTMLButtonElement, string, (f: HTMLFormElement) => Command] => [b, `workspace-${b.dataset.op}`, ops[b.dataset.op ?? "rename"][1]]));
  return [createForm, changeForm];
}

/** Creating an organization data source (one table; columns as `name:type`) and deleting one (D1). */
function dataSourceForms(): HTMLFormElement[] {
  const create = (f: HTMLFormElement): Command => {
    const columns = field(f, "columns").split(",").map((c) => c.trim()).filter((c) => c !== "").map((c) => {
      const [name, type] = c.split(":").map((x) => x.trim());
      return { name, type: (type || "string") as ColumnDef["type"] };
    });
    return { type: "create_data_source", source: field(f, "source"), name: field(f, "name"), tables: [{ name: field(f, "table"), columns }] };
  };
  const createButton = h("button", { type: "submit" }, "Create data source");
  const createForm = gateForm(h("form", {
    class: "card action", "data-testid": "create-data-source-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      void actAfterDiff(`Create data source ${field(f, "name")}`, create(f));
    },
  },
  h("h3", {}, "Create a data source"),
  labelled("Source id", h("input", { name: "source", required: true, autocomplete: "off" })),
  labelled("Name", h("input", { name: "name", required: true, autocomplete: "off" })),
  labelled("Table", h("input", { name: "table", required: true, autocomplete: "off" })),
  labelled("Columns", h("input", { name: "columns", required: true, autocomplete: "off", placeholder: "region:string, amount:number" })),
  createButton), [[createButton, "create-data-source", create]]);

  const remove = (f: HTMLFormElement): Command => ({ type: "delete_data_source", source: field(f, "source") });
  const removeButton = h("button", { type: "submit" }, "Delete data source");
  const sources = view().org.data_sources ?? [];
  const removeForm = gateForm(h("form", {
    class: "card action", "data-testid": "delete-data-source-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      void actAfterDiff(`Delete data source ${field(f, "source")}`, remove(f));
    },
  },
  h("h3", {}, "Delete a data source"),
  labelled("Data source", select("source", sources.map((d): [string, string] => [d.id, d.name]))),
  h("p", { class: "muted" }, "Only one no workspace is granted a table of (D1)."),
  removeButton), [[removeButton, "delete-data-source", remove]]);
  return [createForm, removeForm];
}
