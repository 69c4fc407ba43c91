// The organization page: members, organization roles, groups, workspaces, and the commands that
// change them.

import type { GroupDoc, OrgPoint } from "orgspace";
import { act, engine, now, state, view } from "./app";
import { actAfterDiff } from "./diff";
import { checkboxes, checked, field, h, labelled, select, setChecked } from "./dom";

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
        h("td", {}, r.name, " ", h("code", {}, r.id)),
        h("td", {}, r.points.map((p) => p.replace(/_/g, " ")).join(", ")),
        h("td", {}, presetHolders(r.id).join(", "))))));

  const roleOptions: [string, string][] = [["org_admin", "org admin"], ["permission_admin", "permission admin"], ...customRoles.map((r): [string, string] => [r.id, r.name])];

  const addMember = h("form", {
    class: "card action", "data-testid": "add-member-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      const workspace = field(f, "workspace");
      void act(`Add member ${field(f, "user")}`, {
        type: "add_member", user: field(f, "user"), org_roles: checked(f, "org_roles"),
        ...(workspace ? { workspace, workspace_roles: checked(f, "workspace_roles") } : {}),
      });
    },
  },
  h("h3", {}, "Add a member"),
  labelled("User id", h("input", { name: "user", required: true, autocomplete: "off" })),
  labelled("Organization roles", checkboxes("org_roles", roleOptions)),
  labelled("Joins workspace", select("workspace", [["", `default (${org.default_workspace}), as visitor`], ...groupWorkspaces.map((w): [string, string] => [w.id, w.name])])),
  labelled("Workspace roles", checkboxes("workspace_roles", PRESET_WS_ROLES, ["visitor"])),
  h("button", { type: "submit" }, "Add member"));

  const setRoles = h("form", {
    class: "card action", "data-testid": "org-roles-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      void act(`Set organization roles of ${field(f, "user")}`, { type: "set_org_roles", user: field(f, "user"), roles: checked(f, "roles") });
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
  h("button", { type: "submit" }, "Set roles"));

  const defineRole = h("form", {
    class: "card action", "data-testid": "define-org-role-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      void act(`Define role ${field(f, "name")}`, { type: "define_org_role", role: field(f, "role"), name: field(f, "name"), points: checked(f, "points") as OrgPoint[] });
    },
  },
  h("h3", {}, "Define a custom organization role"),
  labelled("Role id", h("input", { name: "role", required: true, autocomplete: "off", placeholder: "auditors" })),
  labelled("Name", h("input", { name: "name", required: true, autocomplete: "off", placeholder: "Auditors" })),
  labelled("Points", checkboxes("points", ORG_POINTS)),
  h("button", { type: "submit" }, "Define role"));

  const createGroup = h("form", {
    class: "card action", "data-testid": "create-group-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      const parent = field(f, "parent");
      void act(`Create group ${field(f, "name")}`, { type: "create_group", group: field(f, "group"), name: field(f, "name"), ...(parent ? { parent } : {}) });
    },
  },
  h("h3", {}, "Create a group"),
  labelled("Group id", h("input", { name: "group", required: true, autocomplete: "off" })),
  labelled("Name", h("input", { name: "name", required: true, autocomplete: "off" })),
  labelled("Nested in", select("parent", [["", "(top level)"], ...groups.map((g): [string, string] => [g.id, g.name])])),
  h("button", { type: "submit" }, "Create group"));

  const addToGroup = h("form", {
    class: "card action", "data-testid": "group-member-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      const [group, user] = [field(f, "group"), field(f, "user")];
      // Both buttons send the group membership change through its access diff first.
      if ((e as SubmitEvent).submitter?.dataset.op === "remove") void actAfterDiff(`Remove ${user} from ${group}`, { type: "remove_group_member", group, user });
      else void actAfterDiff(`Add ${user} to ${group}`, { type: "add_group_member", group, user });
    },
  },
  h("h3", {}, "Group membership"),
  labelled("Group", select("group", groups.map((g): [string, string] => [g.id, g.name]))),
  labelled("Member", select("user", users.map((u): [string, string] => [u, u]))),
  h("button", { type: "submit", "data-op": "add" }, "Add to group"), " ",
  h("button", { type: "submit", "data-op": "remove", "data-testid": "remove-from-group" }, "Remove from group"));

  const removeMember = h("form", {
    class: "card action", "data-testid": "remove-member-form",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      const [user, to] = [field(f, "user"), field(f, "new_owner")];
      void actAfterDiff(`Remove ${user} from the organization`, { type: "remove_member", user, ...(to ? { new_owner: to } : {}) });
    },
  },
  h("h3", {}, "Remove a member"),
  labelled("Member", select("user", users.map((u): [string, string] => [u, u]))),
  labelled("Their assets go to", select("new_owner", [["", "(they own none)"], ...users.map((u): [string, string] => [u, u])])),
  h("p", { class: "muted" }, "A removed member's assets need a new owner (O8); the access diff shows what everyone loses first."),
  h("button", { type: "submit" }, "Remove member"));

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
    h("p", { class: "muted" }, "Every form sends one command to the API, which decides (O3: org admins and roles with manage members; P2: manage user groups)."),
    h("div", { class: "actions" }, addMember, setRoles, defineRole, createGroup, addToGroup, removeMember));
}
