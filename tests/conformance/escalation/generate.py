#!/usr/bin/env python3
"""Generates the escalation-matrix conformance scenarios (tests/conformance/escalation/*.json).

The matrix (GitHub issue 7): every actor role

    organization: org admin (oadm), permission admin (padm), plain member (mem),
                  a custom organization role (cust: `people` = manage_members + manage_user_groups)
    workspace ws: admin (wadm), developer (dev), analyst (ana), visitor (vis),
                  a custom workspace role (wcust: `curator`, dashboards only)

x every command that changes members, organization roles, groups, workspaces, workspace
members and roles, grants, ownership or a workspace's mode. Each row of EXPECTED below is one
command with a fixed subject; each column one actor. A cell is `ok`, the ID of the rule (docs/rules.md)
that refuses it, or `-` (not applicable: the row acts on the actor's own asset and the actor
owns none). The cells come from docs/rules.md and docs/decisions.md, written out by hand with the rule
that decides them; they are never copied from the engine.

Every cell starts from the same state, START (a snapshot, built below). A row becomes:
  * one scenario running every denied cell of the row, one after the other: the runner checks
    X2 on each refusal (the snapshot after it is byte-identical to the one before), so every
    denied cell runs against exactly START; the scenario then runs the row's first allowed
    cell and the follow-up steps that show its effect;
  * one more scenario per further allowed cell: START, the command, the follow-up steps.

attacks.json holds the classic attacks of issue 7 as named scenarios (ATTACKS below).

Run:  python3 tests/conformance/escalation/generate.py
Then: cargo run -q -p orgspace-cli --locked -- conformance tests/conformance/escalation
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = 1000  # the time of every matrix step

# --------------------------------------------------------------------------------------------
# The starting state.
#
#   main   the default group workspace, collaboration mode: root and oadm admins (so that
#          either may take over the other's assets there, W4); padm, mem, cust, bob, carl
#          visitors (O7: every member who is not an org admin is in a group workspace).
#          m_dash: root's dashboard.
#   ws     the group workspace of the matrix, PRIVATE mode, so that a grant or a public flag
#          shows in what members see (W7): wadm admin, dev/olga/bob developer, ana analyst,
#          vis visitor, wcust curator (custom). Assets, all dashboards:
#            d_olga   olga's, no grants: the subject of grant/share/public/transfer rows
#            g_olga   olga's, bob holds a view grant: the subject of revoke
#            t_olga   olga's, group `team` holds a view grant
#            d_wadm, d_dev, d_ana, d_wcust: each actor's own (the "own asset" rows)
#          Custom roles: curator (held by wcust), unused (held by nobody).
#   spare  an empty group workspace, collaboration mode, root admin: the one to delete.
#   Org roles: people (held by cust), spare_role (held by nobody).
#   Groups: team (bob), old (nobody).
#   oadm and root are org admins and belong to no workspace but main (O6 covers them).
# --------------------------------------------------------------------------------------------
ORG_MEMBERS = {
    "root": ["org_admin"], "oadm": ["org_admin"], "padm": ["permission_admin"], "mem": [],
    "cust": ["people"], "wadm": [], "dev": [], "ana": [], "vis": [], "wcust": [], "olga": [],
    "bob": [], "carl": [],
}
CURATOR_POINTS = [{"kind": "dashboard", "operation": op} for op in
                  ["create", "view", "modify", "delete", "share", "authorize", "transfer"]]
WS_PARTS = {
    "main": {
        "members": {"root": ["admin"], "oadm": ["admin"], "padm": ["visitor"], "mem": ["visitor"],
                    "cust": ["visitor"], "bob": ["visitor"], "carl": ["visitor"]},
        "assets": [("m_dash", "root", [])],
    },
    "ws": {
        "members": {"wadm": ["admin"], "dev": ["developer"], "ana": ["analyst"],
                    "vis": ["visitor"], "wcust": ["curator"], "olga": ["developer"],
                    "bob": ["developer"]},
        "roles": [
            {"id": "curator", "name": "Curator", "points": CURATOR_POINTS},
            {"id": "unused", "name": "Unused",
             "points": [{"kind": "workbook", "operation": "view"}]},
        ],
        "assets": [
            ("d_ana", "ana", []), ("d_dev", "dev", []), ("d_olga", "olga", []),
            ("d_wadm", "wadm", []), ("d_wcust", "wcust", []),
            ("g_olga", "olga", [{"to": {"user": "bob"}, "level": "view"}]),
            ("t_olga", "olga", [{"to": {"group": "team"}, "level": "view"}]),
        ],
    },
    "spare": {"members": {"root": ["admin"]}, "assets": []},
}
WS_MODES = {"main": "collaboration", "ws": "private", "spare": "collaboration"}


def start_snapshot():
    members = sorted(ORG_MEMBERS)
    headers = [{"id": w, "kind": "group", "name": w.capitalize(), "mode": WS_MODES[w]}
               for w in WS_PARTS]
    headers += [{"id": f"personal:{u}", "kind": "personal", "name": f"{u}'s workspace",
                 "mode": "private", "owner": u} for u in members]
    parts = []
    for w, p in WS_PARTS.items():
        part = {"id": w,
                "members": [{"user": u, "roles": r} for u, r in sorted(p["members"].items())]}
        if p.get("roles"):
            part["roles"] = p["roles"]
        part["assets"] = [{"id": a, "kind": "dashboard", "name": a, "owner": o,
                           "created_at": 0, **({"grants": g} if g else {})}
                          for a, o, g in sorted(p["assets"])]
        parts.append(part)
    parts += [{"id": f"personal:{u}"} for u in members]
    return {
        "format": 1,
        "org": {
            "id": "acme", "name": "Acme", "version": 1, "default_workspace": "main",
            "members": [{"user": u, "roles": ORG_MEMBERS[u]} for u in members],
            "org_roles": [
                {"id": "people", "name": "People",
                 "points": ["manage_members", "manage_user_groups"]},
                {"id": "spare_role", "name": "Spare", "points": ["view_audit_log"]},
            ],
            "groups": [{"id": "old", "name": "Old", "members": []},
                       {"id": "team", "name": "Team", "members": ["bob"]}],
            "workspaces": sorted(headers, key=lambda h: h["id"]),
        },
        "workspaces": sorted(parts, key=lambda p: p["id"]),
    }


START = start_snapshot()

# --------------------------------------------------------------------------------------------
# Step helpers (the style of tests/conformance/data/scenario_json.py).
# --------------------------------------------------------------------------------------------


def step(actor, expect="ok", note=None, at=None, **action):
    assert len(action) == 1, action
    s = {"as": actor}
    if at is not None:
        s["at"] = at
    if note is not None:
        s["note"] = note
    s.update(action)
    s["expect"] = expect
    return s


def cmd(actor, command, expect="ok", note=None, at=None):
    return step(actor, expect, note, at, command=command)


def check(actor, op, asset, allowed, rule, note=None, at=None):
    return step(actor, {"allowed": allowed, "rule": rule}, note, at,
                check={"operation": op, "asset": asset})


def check_create(actor, ws, kind, allowed, rule, note=None):
    return step(actor, {"allowed": allowed, "rule": rule}, note,
                check={"operation": "create", "workspace": ws, "kind": kind})


def C(type_, **fields):
    return {"type": type_, **fields}


# --------------------------------------------------------------------------------------------
# The matrix.
# --------------------------------------------------------------------------------------------
ACTORS = ["oadm", "padm", "mem", "cust", "wadm", "dev", "ana", "vis", "wcust"]
ACTOR_ROLE = {
    "oadm": "org admin", "padm": "permission admin", "mem": "member (common user)",
    "cust": "custom org role `people` (manage_members, manage_user_groups)",
    "wadm": "workspace admin", "dev": "developer", "ana": "analyst", "vis": "visitor",
    "wcust": "custom workspace role `curator` (dashboards: create, view, modify, delete, "
             "share, authorize, transfer)",
}

# Why each refusal names its rule (the reading of docs/rules.md the table follows):
#   O3  only org admins and holders of manage_members add/remove members and set org roles;
#       O4 repeats it for permission admins ("does not manage members or workspaces").
#   X3  a member manager hands out only points they hold, only org admins make org admins,
#       nobody changes a member holding points they lack (docs/decisions.md, Organization).
#   O2  org roles are defined by org admins; user groups need the manage_user_groups point.
#   W1  group workspaces are created, modified, deleted (and the default chosen) by org admins,
#       not by workspace admins.
#   W9  a workspace's mode is switched by its admins (and org admins, O6).
#   R1  a workspace's members and roles are managed by its admins (W1: they make admins).
#   R5  custom workspace roles are defined and deleted by a workspace admin or an org admin.
#   W5  an actor who is no member of ws has nothing on its assets (also the permission
#       admin, whose central authorization covers grant, revoke, share, public only: O4).
#   A3  grant, revoke, share, public: owner, admins, permission admins; nobody else.
#   A6  transfer: the owner or an admin.
#   R4  a visitor never shares (and, as the seed matrix reads R4, never authorizes or
#       transfers): the role refuses before ownership is asked.
# The custom roles: `curator` holds share/authorize/transfer on dashboards, so on olga's
# dashboard it is refused for not owning it (A3, A6) like a developer.
COLUMNS = "  oadm padm mem  cust wadm dev  ana  vis  wcust"
EXPECTED = {
    # -- members and organization roles ------------------------------------------------------
    "add_member":                 "ok   O3   O3   ok   O3   O3   O3   O3   O3",
    "add_member_org_admin":       "ok   O3   O3   X3   O3   O3   O3   O3   O3",
    "add_member_permission_admin": "ok   O3   O3   X3   O3   O3   O3   O3   O3",
    "add_member_custom_role":     "ok   O3   O3   ok   O3   O3   O3   O3   O3",
    "add_member_as_ws_admin":     "ok   O3   O3   R1   O3   O3   O3   O3   O3",
    "remove_member":              "ok   O3   O3   ok   O3   O3   O3   O3   O3",
    "remove_org_admin":           "ok   O3   O3   X3   O3   O3   O3   O3   O3",
    "set_org_roles_custom":       "ok   O3   O3   ok   O3   O3   O3   O3   O3",
    "set_org_roles_org_admin":    "ok   O3   O3   X3   O3   O3   O3   O3   O3",
    "set_org_roles_permission_admin": "ok O3 O3   X3   O3   O3   O3   O3   O3",
    "demote_org_admin":           "ok   O3   O3   X3   O3   O3   O3   O3   O3",
    "demote_permission_admin":    "ok   O3   O3   X3   O3   O3   O3   O3   O3",
    "define_org_role":            "ok   O2   O2   O2   O2   O2   O2   O2   O2",
    "delete_org_role":            "ok   O2   O2   O2   O2   O2   O2   O2   O2",
    # -- user groups ---------------------------------------------------------------------------
    "create_group":               "ok   O2   O2   ok   O2   O2   O2   O2   O2",
    "delete_group":               "ok   O2   O2   ok   O2   O2   O2   O2   O2",
    "add_group_member":           "ok   O2   O2   X3   O2   O2   O2   O2   O2",
    "remove_group_member":        "ok   O2   O2   ok   O2   O2   O2   O2   O2",
    # -- workspaces ----------------------------------------------------------------------------
    "create_workspace":           "ok   W1   W1   W1   W1   W1   W1   W1   W1",
    "modify_workspace":           "ok   W1   W1   W1   W1   W1   W1   W1   W1",
    "delete_workspace":           "ok   W1   W1   W1   W1   W1   W1   W1   W1",
    "set_default_workspace":      "ok   W1   W1   W1   W1   W1   W1   W1   W1",
    "set_workspace_mode":         "ok   W9   W9   W9   ok   W9   W9   W9   W9",
    # -- workspace members and roles -----------------------------------------------------------
    "add_workspace_member":       "ok   R1   R1   R1   ok   R1   R1   R1   R1",
    "add_workspace_admin":        "ok   R1   R1   R1   ok   R1   R1   R1   R1",
    "remove_workspace_member":    "ok   R1   R1   R1   ok   R1   R1   R1   R1",
    "set_workspace_roles":        "ok   R1   R1   R1   ok   R1   R1   R1   R1",
    "set_workspace_roles_admin":  "ok   R1   R1   R1   ok   R1   R1   R1   R1",
    "define_workspace_role":      "ok   R5   R5   R5   ok   R5   R5   R5   R5",
    "delete_workspace_role":      "ok   R5   R5   R5   ok   R5   R5   R5   R5",
    # -- grants and ownership on another member's asset (olga's) -------------------------------
    "grant_view":                 "ok   ok   W5   W5   ok   A3   A3   R4   A3",
    "grant_edit":                 "ok   ok   W5   W5   ok   A3   A3   R4   A3",
    "grant_group":                "ok   ok   W5   W5   ok   A3   A3   R4   A3",
    "revoke":                     "ok   ok   W5   W5   ok   A3   A3   R4   A3",
    "share":                      "ok   ok   W5   W5   ok   A3   A3   R4   A3",
    "set_public":                 "ok   ok   W5   W5   ok   A3   A3   R4   A3",
    "transfer_ownership":         "ok   W5   W5   W5   ok   A6   A6   R4   A6",
    # -- the same on the actor's own asset -----------------------------------------------------
    "grant_own":                  "-    -    -    -    ok   ok   ok   -    ok",
    "share_own":                  "-    -    -    -    ok   ok   ok   -    ok",
    "set_public_own":             "-    -    -    -    ok   ok   ok   -    ok",
    "transfer_own":               "-    -    -    -    ok   ok   ok   -    ok",
}

# The rule that lets the allowed cells through, for each row (listed in `rules`).
ALLOWING = {
    "add_member": ["O3", "O7"], "add_member_org_admin": ["O3", "O6"],
    "add_member_permission_admin": ["O3", "O4"], "add_member_custom_role": ["O2", "O3"],
    "add_member_as_ws_admin": ["O3", "R1"], "remove_member": ["O3", "O8"],
    "remove_org_admin": ["O3", "O5", "O8"], "set_org_roles_custom": ["O2", "O3"],
    "set_org_roles_org_admin": ["O3", "O6"], "set_org_roles_permission_admin": ["O3", "O4"],
    "demote_org_admin": ["O3", "O5", "O7"], "demote_permission_admin": ["O3", "O4"],
    "define_org_role": ["O2"], "delete_org_role": ["O2"],
    "create_group": ["O2", "P2"], "delete_group": ["O2", "P2"],
    "add_group_member": ["O2", "P2", "A1"], "remove_group_member": ["O2", "P2", "W7"],
    "create_workspace": ["W1", "O6"], "modify_workspace": ["W1"], "delete_workspace": ["W1"],
    "set_default_workspace": ["W1", "W2", "O7"], "set_workspace_mode": ["W9", "O6", "W7"],
    "add_workspace_member": ["R1", "W6", "R2"], "add_workspace_admin": ["R1", "W1"],
    "remove_workspace_member": ["R1", "W5"], "set_workspace_roles": ["R1", "W6", "R3"],
    "set_workspace_roles_admin": ["R1", "W1"], "define_workspace_role": ["R5"],
    "delete_workspace_role": ["R5"],
    "grant_view": ["A1", "A3", "O4", "O6", "R1"], "grant_edit": ["A1", "A2", "A3", "O4", "O6"],
    "grant_group": ["A1", "A3", "P2"], "revoke": ["A1", "A3", "W7"],
    "share": ["A1", "A3", "O4"], "set_public": ["A3", "A4", "O4"],
    "transfer_ownership": ["A6", "R1", "R6", "O6"],
    "grant_own": ["A1", "A3", "R6"], "share_own": ["A3", "R6"], "set_public_own": ["A3", "A4"],
    "transfer_own": ["A6", "R6"],
}

NEW_ADMIN_NOTE = "the new org admin holds every permission in ws (O6)"


def row_command(row, actor):
    """The command of a row; `actor` matters only for the own-asset rows."""
    own = f"d_{actor}"
    return {
        "add_member": C("add_member", user="newbie"),
        "add_member_org_admin": C("add_member", user="newbie", org_roles=["org_admin"]),
        "add_member_permission_admin": C("add_member", user="newbie",
                                         org_roles=["permission_admin"]),
        "add_member_custom_role": C("add_member", user="newbie", org_roles=["people"]),
        "add_member_as_ws_admin": C("add_member", user="newbie", workspace="ws",
                                    workspace_roles=["admin"]),
        "remove_member": C("remove_member", user="carl", new_owner="olga"),
        "remove_org_admin": C("remove_member", user="root", new_owner="oadm"),
        "set_org_roles_custom": C("set_org_roles", user="carl", roles=["people"]),
        "set_org_roles_org_admin": C("set_org_roles", user="carl", roles=["org_admin"]),
        "set_org_roles_permission_admin": C("set_org_roles", user="carl",
                                            roles=["permission_admin"]),
        "demote_org_admin": C("set_org_roles", user="root", roles=[]),
        "demote_permission_admin": C("set_org_roles", user="padm", roles=[]),
        "define_org_role": C("define_org_role", role="auditor", name="Auditor",
                             points=["view_audit_log"]),
        "delete_org_role": C("delete_org_role", role="spare_role"),
        "create_group": C("create_group", group="g_new", name="New group"),
        "delete_group": C("delete_group", group="old"),
        "add_group_member": C("add_group_member", group="team", user="vis"),
        "remove_group_member": C("remove_group_member", group="team", user="bob"),
        "create_workspace": C("create_workspace", workspace="w_new", name="New",
                              mode="collaboration"),
        "modify_workspace": C("modify_workspace", workspace="ws", name="Renamed"),
        "delete_workspace": C("delete_workspace", workspace="spare"),
        "set_default_workspace": C("set_default_workspace", workspace="ws"),
        "set_workspace_mode": C("set_workspace_mode", workspace="ws", mode="collaboration"),
        "add_workspace_member": C("add_workspace_member", workspace="ws", user="carl",
                                  roles=["developer"]),
        "add_workspace_admin": C("add_workspace_member", workspace="ws", user="carl",
                                 roles=["admin"]),
        "remove_workspace_member": C("remove_workspace_member", workspace="ws", user="bob"),
        "set_workspace_roles": C("set_workspace_roles", workspace="ws", user="bob",
                                 roles=["analyst"]),
        "set_workspace_roles_admin": C("set_workspace_roles", workspace="ws", user="bob",
                                       roles=["admin"]),
        "define_workspace_role": C("define_workspace_role", workspace="ws", role="r_new",
                                   name="New role",
                                   points=[{"kind": "dashboard", "operation": "view"}]),
        "delete_workspace_role": C("delete_workspace_role", workspace="ws", role="unused"),
        "grant_view": C("grant", asset="d_olga", target={"user": "bob"}, level="view"),
        "grant_edit": C("grant", asset="d_olga", target={"user": "bob"}, level="edit"),
        "grant_group": C("grant", asset="d_olga", target={"group": "team"}, level="view"),
        "revoke": C("revoke", asset="g_olga", target={"user": "bob"}),
        "share": C("share", asset="d_olga", **{"with": [{"user": "bob"}]}),
        "set_public": C("set_public", asset="d_olga", public=True),
        "transfer_ownership": C("transfer_ownership", asset="d_olga", to="bob"),
        "grant_own": C("grant", asset=own, target={"user": "bob"}, level="edit"),
        "share_own": C("share", asset=own, **{"with": [{"user": "bob"}]}),
        "set_public_own": C("set_public", asset=own, public=True),
        "transfer_own": C("transfer_ownership", asset=own, to="bob"),
    }[row]


def follow_up(row, actor):
    """Steps after an allowed cell that show its effect (expectations from docs/rules.md)."""
    own = f"d_{actor}"
    f = {
        "add_member": [check("newbie", "view", "m_dash", True, "R4",
                             "newbie joined the default workspace as visitor (O7)")],
        "add_member_org_admin": [check("newbie", "delete", "d_olga", True, "O6", NEW_ADMIN_NOTE)],
        "add_member_permission_admin": [
            cmd("newbie", C("share", asset="d_olga", **{"with": [{"user": "bob"}]}),
                note="the new permission admin authorizes centrally (O4)"),
            check("newbie", "view", "d_olga", False, "W5",
                  "but sees nothing through it: not a member of ws"),
        ],
        "add_member_custom_role": [cmd("newbie", C("add_member", user="n2"),
                                       note="the new member holds manage_members")],
        "add_member_as_ws_admin": [check("newbie", "delete", "d_olga", True, "R1")],
        "remove_member": [cmd("root", C("add_member", user="carl"),
                              note="carl is gone: the id is free again")],
        "remove_org_admin": [cmd("oadm", C("add_member", user="root"),
                                 note="root is gone: the id is free again"),
                             check("oadm", "delete", "m_dash", True, "O6")],
        "set_org_roles_custom": [cmd("carl", C("add_member", user="n2"),
                                     note="carl now holds manage_members")],
        "set_org_roles_org_admin": [check("carl", "delete", "d_olga", True, "O6",
                                          NEW_ADMIN_NOTE)],
        "set_org_roles_permission_admin": [
            cmd("carl", C("share", asset="d_olga", **{"with": [{"user": "bob"}]}),
                note="carl now authorizes centrally (O4)")],
        "demote_org_admin": [check("root", "view", "d_olga", False, "W5",
                                   "root is no org admin any more and no member of ws")],
        "demote_permission_admin": [cmd("padm", C("share", asset="d_olga",
                                                  **{"with": [{"user": "bob"}]}),
                                        {"denied": "W5"},
                                        "padm no longer authorizes centrally")],
        "define_org_role": [cmd("root", C("set_org_roles", user="carl", roles=["auditor"]))],
        "delete_org_role": [cmd("root", C("set_org_roles", user="carl", roles=["spare_role"]),
                                "not_found", "the role is gone")],
        "create_group": [cmd("root", C("add_group_member", group="g_new", user="carl"))],
        "delete_group": [cmd("root", C("add_group_member", group="old", user="carl"),
                             "not_found", "the group is gone")],
        "add_group_member": [check("vis", "view", "t_olga", True, "A1",
                                   "team's view grant on t_olga now reaches vis (P2)")],
        "remove_group_member": [check("bob", "view", "t_olga", False, "W7",
                                      "team's grant no longer reaches bob")],
        "create_workspace": [check_create(actor, "w_new", "dashboard", True, "O6")],
        "modify_workspace": [],   # a workspace's name shows in no query of the format
        "delete_workspace": [cmd("root", C("modify_workspace", workspace="spare", name="X"),
                                 "not_found", "the workspace is gone")],
        "set_default_workspace": [cmd("root", C("add_member", user="newbie")),
                                  check("newbie", "view", "d_olga", False, "W7",
                                        "newbie joined ws, the new default (O7): a member "
                                        "who does not see olga's private asset, not W5")],
        "set_workspace_mode": [check("vis", "view", "d_olga", True, "R4",
                                     "collaboration mode: every member sees every asset")],
        "add_workspace_member": [check_create("carl", "ws", "dashboard", True, "R2")],
        "add_workspace_admin": [check("carl", "delete", "d_olga", True, "R1")],
        "remove_workspace_member": [check("bob", "view", "g_olga", False, "W5",
                                          "bob is no member of ws any more")],
        "set_workspace_roles": [check_create("bob", "ws", "data_source", False, "R3",
                                             "bob is an analyst now")],
        "set_workspace_roles_admin": [check("bob", "delete", "d_olga", True, "R1")],
        "define_workspace_role": [cmd("root", C("add_workspace_member", workspace="ws",
                                                user="carl", roles=["r_new"]))],
        "delete_workspace_role": [cmd("root", C("add_workspace_member", workspace="ws",
                                                user="carl", roles=["unused"]),
                                      "not_found", "the role is gone")],
        "grant_view": [check("bob", "view", "d_olga", True, "A1")],
        "grant_edit": [check("bob", "modify", "d_olga", True, "A1")],
        "grant_group": [check("bob", "view", "d_olga", True, "A1", "through group team")],
        "revoke": [check("bob", "view", "g_olga", False, "W7")],
        "share": [check("bob", "view", "d_olga", True, "A1")],
        "set_public": [check("vis", "view", "d_olga", True, "A4")],
        "transfer_ownership": [check("bob", "delete", "d_olga", True, "R6"),
                               check("olga", "delete", "d_olga", False, "A5",
                                     "the previous owner keeps no special right (A6)")],
        "grant_own": [check("bob", "modify", own, True, "A1")],
        "share_own": [check("bob", "view", own, True, "A1")],
        "set_public_own": [check("vis", "view", own, True, "A4")],
        "transfer_own": [check("bob", "delete", own, True, "R6")],
    }[row]
    return f


FAMILIES = [
    ("members_org_roles", "members and organization roles",
     ["add_member", "add_member_org_admin", "add_member_permission_admin",
      "add_member_custom_role", "add_member_as_ws_admin", "remove_member", "remove_org_admin",
      "set_org_roles_custom", "set_org_roles_org_admin", "set_org_roles_permission_admin",
      "demote_org_admin", "demote_permission_admin", "define_org_role", "delete_org_role"]),
    ("groups", "user groups",
     ["create_group", "delete_group", "add_group_member", "remove_group_member"]),
    ("workspaces", "workspaces, workspace members, workspace roles and modes",
     ["create_workspace", "modify_workspace", "delete_workspace", "set_default_workspace",
      "set_workspace_mode", "add_workspace_member", "add_workspace_admin",
      "remove_workspace_member", "set_workspace_roles", "set_workspace_roles_admin",
      "define_workspace_role", "delete_workspace_role"]),
    ("grants_ownership", "grants, sharing, public flags and ownership",
     ["grant_view", "grant_edit", "grant_group", "revoke", "share", "set_public",
      "transfer_ownership", "grant_own", "share_own", "set_public_own", "transfer_own"]),
]

RULE_ORDER = "PROWAXDU"


def sort_rules(rules):
    return sorted(set(rules), key=lambda r: (RULE_ORDER.index(r[0]), int(r[1:])))


def cells(row):
    tokens = EXPECTED[row].split()
    assert len(tokens) == len(ACTORS), row
    return dict(zip(ACTORS, tokens))


def describe_cmd(c):
    fields = ", ".join(f"{k}={json.dumps(v)}" for k, v in c.items() if k != "type")
    return f"{c['type']}({fields})"


def row_scenarios(row):
    table = cells(row)
    denied = [(a, r) for a, r in table.items() if r not in ("ok", "-")]
    allowed = [a for a, r in table.items() if r == "ok"]
    assert allowed, row
    out = []
    subject = describe_cmd(row_command(row, allowed[0]))
    first = allowed[0]
    steps = [cmd(a, row_command(row, a), {"denied": r},
                 f"{ACTOR_ROLE[a]}: denied by {r}, state unchanged (X2)")
             for a, r in denied]
    steps.append(cmd(first, row_command(row, first), "ok", f"{ACTOR_ROLE[first]}: allowed"))
    steps += follow_up(row, first)
    rules = sort_rules(ALLOWING[row] + [r for _, r in denied] + (["X2"] if denied else []))
    na = [a for a, r in table.items() if r == "-"]
    desc = (f"Row `{row}` of the escalation matrix: {subject}. Denied for "
            + (", ".join(f"{a} ({r})" for a, r in denied) or "nobody")
            + "; each refusal must leave the state byte-identical (X2), so every denied cell "
            f"runs against the starting snapshot. Allowed for {', '.join(allowed)}"
            + (f"; not applicable to {', '.join(na)} (they own no asset in ws)" if na else "")
            + ". This scenario ends with the first allowed cell and its effect.")
    out.append({"name": f"escalation {row}: denied cells, then {first}", "rules": rules,
                "description": desc, "snapshot": START, "steps": steps})
    for a in allowed[1:]:
        steps = [cmd(a, row_command(row, a), "ok", f"{ACTOR_ROLE[a]}: allowed")]
        steps += follow_up(row, a)
        out.append({"name": f"escalation {row}: {a}", "rules": sort_rules(ALLOWING[row]),
                    "description": f"Row `{row}`, allowed cell {a} ({ACTOR_ROLE[a]}): "
                                   f"{describe_cmd(row_command(row, a))} and its effect.",
                    "snapshot": START, "steps": steps})
    for sc in out:
        sc["steps"][0]["at"] = T0
    return out


# --------------------------------------------------------------------------------------------
# The classic attacks (attacks.json). Every expectation is written out with its rule.
# --------------------------------------------------------------------------------------------


def attacks():
    out = []

    def add(name, rules, steps, description, snapshot=True):
        sc = {"name": name, "rules": sort_rules(rules), "description": description}
        if snapshot:
            sc["snapshot"] = START
        steps[0] = dict(steps[0])
        steps[0].setdefault("at", T0)
        # keep "at" right after "as" for readability
        steps[0] = {"as": steps[0]["as"], "at": steps[0]["at"],
                    **{k: v for k, v in steps[0].items() if k not in ("as", "at")}}
        sc["steps"] = steps
        out.append(sc)

    D = lambda r: {"denied": r}  # noqa: E731

    add("attack: raising one's own organization role", ["O2", "O3", "O4", "X3", "X2"], [
        cmd("dev", C("set_org_roles", user="dev", roles=["org_admin"]), D("O3"),
            "a developer makes himself org admin"),
        cmd("vis", C("set_org_roles", user="vis", roles=["permission_admin"]), D("O3")),
        cmd("mem", C("set_org_roles", user="mem", roles=["people"]), D("O3"),
            "a common user takes the member manager's custom role"),
        cmd("padm", C("set_org_roles", user="padm", roles=["permission_admin", "org_admin"]),
            D("O3"), "a permission admin does not manage members (O4)"),
        cmd("cust", C("set_org_roles", user="cust", roles=["people", "org_admin"]), D("X3"),
            "manage_members does not let its holder raise their own roles"),
        cmd("cust", C("set_org_roles", user="cust", roles=["people", "permission_admin"]),
            D("X3"), "nor take points they lack (authorize_centrally)"),
        cmd("cust", C("define_org_role", role="people", name="People",
                      points=["manage_members", "manage_user_groups", "manage_workspaces",
                              "authorize_centrally"]), D("O2"),
            "nor widen their own custom role: only org admins define org roles"),
        cmd("cust", C("add_member", user="sock", org_roles=["org_admin"]), D("X3"),
            "nor create a sock puppet org admin"),
        cmd("cust", C("add_member", user="sock", org_roles=["permission_admin"]), D("X3")),
        cmd("cust", C("set_org_roles", user="root", roles=["people"]), D("X3"),
            "nor change or remove a member who holds more"),
        cmd("cust", C("remove_member", user="root", new_owner="cust"), D("X3")),
        cmd("cust", C("set_org_roles", user="padm", roles=[]), D("X3")),
        cmd("cust", C("remove_member", user="padm", new_owner="cust"), D("X3")),
        check("cust", "view", "d_olga", False, "W5", "cust still holds nothing in ws"),
        cmd("cust", C("set_org_roles", user="carl", roles=["people"]), "ok",
            "what cust holds they may hand out (X3)"),
    ], "Members of every kind try to raise their own organization roles, directly or through "
       "a custom role or a new member. O3: only org admins and manage_members holders set "
       "roles; X3: those holders hand out only what they hold and touch nobody who holds "
       "more; O2: only org admins define roles.")

    add("attack: a workspace admin making themselves org admin", ["O2", "O3", "W1", "R1", "W5",
                                                                 "X2", "X3"], [
        cmd("wadm", C("set_org_roles", user="wadm", roles=["org_admin"]), D("O3")),
        cmd("wadm", C("add_member", user="wadm2", org_roles=["org_admin"]), D("O3"),
            "an org-admin accomplice"),
        cmd("wadm", C("add_member", user="wadm2", workspace="ws", workspace_roles=["admin"]),
            D("O3"), "even a plain new member of her own workspace: adding members is O3"),
        cmd("wadm", C("define_org_role", role="boss", name="Boss",
                      points=["manage_members"]), D("O2")),
        cmd("wadm", C("create_workspace", workspace="mine", name="Mine", mode="private"),
            D("W1")),
        cmd("wadm", C("modify_workspace", workspace="ws", name="Mine"), D("W1"),
            "group workspaces are modified by org admins, not their admins"),
        cmd("wadm", C("delete_workspace", workspace="spare"), D("W1")),
        cmd("wadm", C("set_default_workspace", workspace="ws"), D("W1")),
        cmd("wadm", C("add_workspace_member", workspace="main", user="wadm", roles=["admin"]),
            D("R1"), "nor admin of another workspace"),
        cmd("wadm", C("grant", asset="m_dash", target={"user": "wadm"}, level="edit"), D("W5"),
            "nor anything on another workspace's asset"),
        check("wadm", "view", "m_dash", False, "W5"),
        cmd("wadm", C("add_workspace_member", workspace="ws", user="carl", roles=["admin"]),
            "ok", "inside ws she may make other members admins (W1, R1)"),
    ], "A workspace admin administers her workspace (R1) and nothing above it: organization "
       "roles (O3, O2), group workspaces themselves (W1), other workspaces (R1, W5).")

    add("attack: raising one's own workspace role", ["R1", "R5", "O2", "W1", "W5", "X2", "X3",
                                                    "A5", "W7"], [
        cmd("dev", C("set_workspace_roles", workspace="ws", user="dev", roles=["admin"]),
            D("R1")),
        cmd("vis", C("set_workspace_roles", workspace="ws", user="vis",
                     roles=["visitor", "developer"]), D("R1")),
        cmd("wcust", C("set_workspace_roles", workspace="ws", user="wcust",
                       roles=["curator", "admin"]), D("R1")),
        cmd("wcust", C("define_workspace_role", workspace="ws", role="curator",
                       name="Curator", points=[{"kind": k, "operation": "modify"} for k in
                                               ["dashboard", "dataset", "data_source"]]),
            D("R5"), "nor widen the custom role she holds"),
        cmd("dev", C("define_workspace_role", workspace="ws", role="mine", name="Mine",
                     points=[{"kind": "dashboard", "operation": "delete"}]), D("R5")),
        cmd("ana", C("add_workspace_member", workspace="spare", user="ana", roles=["admin"]),
            D("R1"), "nor join another workspace as its admin"),
        cmd("mem", C("add_workspace_member", workspace="ws", user="mem", roles=["admin"]),
            D("R1")),
        cmd("cust", C("add_workspace_member", workspace="ws", user="cust", roles=["admin"]),
            D("R1"), "manage_members is no workspace administration"),
        cmd("vis", C("add_group_member", group="team", user="vis"), D("O2"),
            "nor join a group that holds a grant (team sees t_olga)"),
        check("vis", "view", "t_olga", False, "W7"),
        check("dev", "delete", "d_olga", False, "A5"),
        cmd("wadm", C("set_workspace_roles", workspace="ws", user="dev", roles=["admin"]),
            "ok", "the workspace admin may (W1: admins make other members admins)"),
        check("dev", "delete", "d_olga", True, "R1"),
        cmd("root", C("define_org_role", role="keeper", name="Workspace keeper",
                      points=["manage_workspaces"])),
        cmd("root", C("set_org_roles", user="mem", roles=["keeper"])),
        cmd("mem", C("add_workspace_member", workspace="ws", user="mem", roles=["admin"]),
            D("X3"), "manage_workspaces does not let its holder make themselves admin of a "
            "workspace full of others' assets"),
        cmd("mem", C("set_workspace_roles", workspace="main", user="mem", roles=["admin"]),
            D("X3"), "nor raise their own role where they are a visitor"),
        check("mem", "view", "d_olga", False, "W5"),
        cmd("wadm", C("set_workspace_roles", workspace="ws", user="wadm", roles=["visitor"]),
            "ok", "an admin may step down"),
        cmd("wadm", C("set_workspace_roles", workspace="ws", user="wadm", roles=["admin"]),
            D("R1"), "and cannot climb back"),
    ], "Workspace members try to raise their own workspace roles or reach a grant through "
       "a group. R1: workspace members and roles are managed by its admins; R5: custom roles "
       "by workspace or org admins; O2: groups by manage_user_groups holders; X3: nobody "
       "raises their own roles, not even a holder of manage_workspaces.")

    add("attack: granting more than one holds (A2, X3)", ["A1", "A2", "A3", "P2", "R2", "R3",
                                                          "R4", "R5", "X2", "X3", "O4", "O6"], [
        cmd("dev", C("grant", asset="d_dev", target={"user": "vis"}, level="edit"), D("A2"),
            "a visitor is never given edit"),
        cmd("dev", C("share", asset="d_dev", **{"with": [{"user": "ana"}, {"user": "vis"}]},
                     level="edit"), D("A2"), "not even in a share that names others too"),
        check("ana", "modify", "d_dev", False, "A5", "the refused share gave ana nothing"),
        cmd("dev", C("create_asset", asset="set_dev", workspace="ws", kind="dataset",
                     name="Set")),
        cmd("dev", C("grant", asset="set_dev", target={"user": "ana"}, level="edit"), D("A2"),
            "an analyst is never given edit on a dataset"),
        cmd("dev", C("grant", asset="set_dev", target={"user": "vis"}, level="use"), D("A2"),
            "nor a visitor use (R4: nothing on datasets)"),
        cmd("dev", C("grant", asset="set_dev", target={"user": "ana"}, level="use"), "ok",
            "use is within the analyst's role (R3)"),
        cmd("dev", C("grant", asset="d_dev", target={"user": "ana"}, level="use"),
            {"invalid": "A1"}, "use grants exist only on data sources and datasets"),
        cmd("dev", C("create_asset", asset="src_dev", workspace="ws", kind="data_source",
                     name="Source")),
        cmd("dev", C("grant", asset="src_dev", target={"user": "ana"}, level="use"), D("A2"),
            "an analyst never uses a data source (R3, decided)"),
        cmd("dev", C("grant", asset="src_dev", target={"user": "ana"}, level="view"), "ok"),
        cmd("dev", C("create_asset", asset="form_dev", workspace="ws", kind="data_entry_form",
                     name="Form")),
        cmd("dev", C("grant", asset="form_dev", target={"user": "ana"}, level="edit"),
            D("A2"), "analysts only view data entry forms (R3)"),
        cmd("padm", C("grant", asset="d_olga", target={"user": "vis"}, level="edit"), D("A2"),
            "A2 binds the permission admin too"),
        cmd("padm", C("grant", asset="t_olga", target={"group": "team"}, level="edit"), "ok",
            "a group grant is allowed whatever the group holds (decisions)"),
        cmd("root", C("add_group_member", group="team", user="vis")),
        check("vis", "view", "t_olga", True, "A1"),
        check("vis", "modify", "t_olga", False, "R4",
              "but it lifts no member above their role: the visitor still may not modify"),
        cmd("oadm", C("grant", asset="d_olga", target={"user": "vis"}, level="export"), "ok",
            "export is within a visitor's role (decisions: visitors export with a grant)"),
        cmd("oadm", C("grant", asset="d_olga", target={"user": "vis"}, level="edit"), D("A2"),
            "and the org admin"),
        cmd("olga", C("grant", asset="d_olga", target={"user": "bob"}, level="edit"), "ok"),
        cmd("bob", C("grant", asset="d_olga", target={"user": "dev"}, level="edit"), D("A3"),
            "an edit grant does not let bob pass it on: only the owner and admins grant"),
        cmd("bob", C("share", asset="d_olga", **{"with": [{"user": "dev"}]}), D("A3")),
        cmd("bob", C("grant", asset="d_olga", target={"user": "bob"}, level="view"), D("A3")),
        cmd("root", C("define_workspace_role", workspace="ws", role="sharer", name="Sharer",
                      points=[{"kind": "dashboard", "operation": op}
                              for op in ["create", "view", "share", "authorize"]])),
        cmd("root", C("add_workspace_member", workspace="ws", user="carl", roles=["sharer"])),
        cmd("carl", C("create_asset", asset="d_carl", workspace="ws", kind="dashboard",
                      name="Carl's")),
        cmd("carl", C("grant", asset="d_carl", target={"user": "bob"}, level="edit"), D("X3"),
            "carl may authorize his own dashboard but holds no modify on it: he cannot "
            "grant edit"),
        cmd("carl", C("grant", asset="d_carl", target={"user": "bob"}, level="export"),
            D("X3"), "nor export, which his role lacks too"),
        cmd("carl", C("share", asset="d_carl", **{"with": [{"user": "bob"}]}, level="edit"),
            D("X3")),
        cmd("carl", C("grant", asset="d_carl", target={"user": "bob"}, level="view"), "ok",
            "view he holds (R6: his own)"),
        check("bob", "view", "d_carl", True, "A1"),
        check("bob", "modify", "d_carl", False, "A5"),
    ], "A2: a grant never lifts a member above their role; X3: nobody grants a level they do "
       "not hold themselves (a custom role that may authorize but not modify); A3: a grantee "
       "is not a granter. Permission and org admins are bound by A2 as well.")

    add("attack: granting into a group workspace to a non-member (W4)",
        ["W4", "W3", "W5", "A1", "A6", "P2", "O4", "O6", "X2"], [
            cmd("olga", C("grant", asset="d_olga", target={"user": "carl"}, level="view"),
                D("W4"), "carl is a member of the organization, not of ws"),
            cmd("wadm", C("grant", asset="d_olga", target={"user": "carl"}, level="view"),
                D("W4")),
            cmd("oadm", C("grant", asset="d_olga", target={"user": "carl"}, level="view"),
                D("W4"), "not even an org admin"),
            cmd("padm", C("share", asset="d_olga", **{"with": [{"user": "carl"}]}), D("W4"),
                "nor the permission admin"),
            cmd("padm", C("grant", asset="d_olga", target={"user": "padm"}, level="view"),
                D("W4"), "who cannot grant herself into ws either (O4: sees nothing)"),
            cmd("olga", C("share", asset="d_olga", **{"with": [{"user": "bob"},
                                                              {"user": "carl"}]}),
                D("W4"), "one non-member refuses the whole share"),
            check("bob", "view", "d_olga", False, "W7", "so bob got nothing either"),
            cmd("olga", C("transfer_ownership", asset="d_olga", to="carl"), D("W4")),
            cmd("root", C("add_group_member", group="team", user="carl")),
            cmd("olga", C("grant", asset="d_olga", target={"group": "team"}, level="view"),
                "ok", "a group grant is allowed whatever the group holds (decisions)"),
            check("carl", "view", "d_olga", False, "W5",
                  "but it gives carl, no member of ws, nothing"),
            check("bob", "view", "d_olga", True, "A1", "while bob, a member, sees it"),
            cmd("dev", C("create_asset", asset="p_dev", workspace="personal:dev",
                         kind="dashboard", name="Mine")),
            cmd("dev", C("share", asset="p_dev", **{"with": [{"user": "carl"}]}), "ok",
                "a personal workspace's asset may be shared with any member (W4)"),
            check("carl", "view", "p_dev", True, "A1"),
        ], "W4: an asset of a group workspace is shared or transferred only to members of that "
           "workspace, whoever shares it; a personal workspace's asset to anyone.")

    add("attack: removing or demoting the last org admin (O5)", ["O1", "O3", "O5", "X2", "X3"],
        [
            cmd("alice", C("create_org", org="acme", name="Acme", default_workspace="main"),
                note="alice creates the organization and is its only org admin (O1)"),
            cmd("alice", C("define_org_role", role="hr", name="HR", points=["manage_members"])),
            cmd("alice", C("add_member", user="hal", org_roles=["hr"])),
            cmd("alice", C("add_member", user="bob")),
            cmd("alice", C("set_org_roles", user="alice", roles=[]), D("O5")),
            cmd("alice", C("set_org_roles", user="alice", roles=["permission_admin"]), D("O5")),
            cmd("alice", C("remove_member", user="alice", new_owner="bob"), D("O5"),
                "the creator cannot be removed while the last org admin"),
            cmd("hal", C("set_org_roles", user="alice", roles=[]), D("X3"),
                "a member manager cannot touch an org admin"),
            cmd("hal", C("remove_member", user="alice", new_owner="hal"), D("X3")),
            cmd("alice", C("set_org_roles", user="bob", roles=["org_admin"])),
            cmd("bob", C("set_org_roles", user="alice", roles=[]), "ok",
                "with two org admins one may demote the other"),
            cmd("bob", C("set_org_roles", user="bob", roles=["permission_admin"]), D("O5"),
                "bob is now the last one"),
            cmd("bob", C("remove_member", user="bob", new_owner="alice"), D("O5")),
            cmd("alice", C("set_org_roles", user="alice", roles=["org_admin"]), D("O3"),
                "and alice cannot raise herself back"),
            cmd("bob", C("remove_member", user="alice", new_owner="bob"), "ok"),
            cmd("bob", C("set_org_roles", user="bob", roles=[]), D("O5")),
        ], "O5: the organization always keeps an org admin, whoever asks.", snapshot=False)

    add("attack: the last org admin of the matrix state", ["O5", "O3", "X2"], [
        cmd("oadm", C("set_org_roles", user="root", roles=[]), "ok"),
        cmd("oadm", C("set_org_roles", user="oadm", roles=[]), D("O5")),
        cmd("oadm", C("remove_member", user="oadm", new_owner="root"), D("O5")),
        cmd("root", C("set_org_roles", user="root", roles=["org_admin"]), D("O3"),
            "a demoted org admin cannot raise himself back"),
        cmd("oadm", C("remove_member", user="root", new_owner="oadm"), "ok"),
        cmd("oadm", C("set_org_roles", user="oadm", roles=["permission_admin"]), D("O5")),
    ], "The matrix's starting state has two org admins (root, oadm): one may demote the "
       "other, never the last.")

    add("attack: deleting a folder to hide an asset (A7)", ["A7", "A5", "A3", "R6", "W7",
                                                            "X2"], [
        cmd("dev", C("create_folder", folder="fd", workspace="ws", name="Dev's folder")),
        cmd("dev", C("create_folder", folder="fd_in", workspace="ws", name="Inner",
                     parent="fd")),
        cmd("olga", C("move_asset", asset="d_olga", folder="fd_in"),
            note="olga files her dashboard in dev's inner folder"),
        cmd("dev", C("delete_folder", folder="fd"), D("A7"),
            "dev made the folder but may not delete it while it holds an asset at any depth"),
        cmd("dev", C("delete_folder", folder="fd_in"), D("A7")),
        cmd("wadm", C("delete_folder", folder="fd"), D("A7"), "not even an admin"),
        cmd("oadm", C("delete_folder", folder="fd_in"), D("A7")),
        cmd("dev", C("move_asset", asset="d_olga"), D("A5"),
            "nor move her asset out first: moving is modifying"),
        cmd("dev", C("delete_asset", asset="d_olga"), D("A5")),
        cmd("dev", C("set_public", asset="d_olga", public=False), D("A3")),
        check("olga", "view", "d_olga", True, "R6"),
        step("olga", ["fd", "fd_in"], visible_folders="ws"),
        step("dev", [], visible_folders="ws",
             note="dev sees neither folder: they hold no asset he sees (W7)"),
        cmd("olga", C("move_asset", asset="d_olga")),
        cmd("dev", C("delete_folder", folder="fd"), "ok", "empty now: dev may delete it"),
        check("olga", "view", "d_olga", True, "R6"),
    ], "A7: deleting a folder that still holds assets is refused, whoever asks, so nobody "
       "hides or destroys another member's asset through a folder.")

    add("attack: reading an asset through a reference (A8)", ["A8", "A1", "W7", "R4", "X2"], [
        cmd("olga", C("create_asset", asset="set_olga", workspace="ws", kind="dataset",
                      name="Set")),
        cmd("olga", C("modify_asset", asset="d_olga", references=["set_olga"])),
        cmd("olga", C("create_asset", asset="p_olga", workspace="ws", kind="portal",
                      name="Portal", references=["d_olga"])),
        cmd("olga", C("share", asset="p_olga", **{"with": [{"user": "vis"}, {"user": "ana"}]})),
        check("vis", "view", "p_olga", True, "A1"),
        check("vis", "view", "d_olga", False, "W7", "the embedded dashboard stays closed"),
        check("vis", "view", "set_olga", False, "R4", "and the dataset behind it"),
        check("ana", "view", "d_olga", False, "W7"),
        check("ana", "reference", "d_olga", False, "W7"),
        check("ana", "use", "set_olga", False, "W7"),
        cmd("ana", C("create_asset", asset="p_ana", workspace="ws", kind="portal",
                     name="Mine", references=["d_olga"]), D("W7"),
            "embedding the hidden dashboard in her own portal is refused"),
        cmd("ana", C("modify_asset", asset="d_ana", references=["set_olga"]), D("W7"),
            "and so is building on the hidden dataset"),
        step("ana", ["d_ana", "p_olga"], visible_assets="ws"),
        cmd("olga", C("share", asset="d_olga", **{"with": [{"user": "ana"}]})),
        check("ana", "reference", "d_olga", True, "A1"),
        check("ana", "view", "set_olga", False, "W7",
              "seeing the dashboard opens nothing of the dataset behind it"),
        cmd("ana", C("create_asset", asset="p_ana", workspace="ws", kind="portal",
                     name="Mine", references=["d_olga"]), "ok"),
    ], "A8: viewing an outer asset (a portal, a dashboard) never opens the inner one (a "
       "dashboard, a dataset) beyond viewing it through the outer one.")

    add("attack: an expired grant (A1)", ["A1", "A5", "W7", "X2"], [
        cmd("olga", C("grant", asset="d_olga", target={"user": "bob"}, level="view",
                      expires_at=5000), at=1000),
        cmd("olga", C("grant", asset="d_olga", target={"user": "dev"}, level="edit",
                      expires_at=5000)),
        check("bob", "view", "d_olga", True, "A1", at=4999),
        check("dev", "modify", "d_olga", True, "A1"),
        check("bob", "view", "d_olga", False, "A1", "expired at 5000", at=5000),
        check("dev", "modify", "d_olga", False, "A1"),
        check("dev", "view", "d_olga", False, "A1", "edit implies view, and expires with it"),
        cmd("dev", C("modify_asset", asset="d_olga", name="Mine now"), D("A1"), at=6000),
        cmd("dev", C("move_asset", asset="d_olga"), D("A1")),
        step("bob", ["g_olga", "t_olga"], visible_assets="ws",
             note="bob sees only what his active grants give him"),
        cmd("olga", C("grant", asset="d_olga", target={"user": "bob"}, level="view",
                      expires_at=5500), {"invalid": "A1"},
            "a grant that would expire before it starts"),
        cmd("olga", C("grant", asset="d_olga", target={"group": "team"}, level="view",
                      expires_at=7000)),
        check("bob", "view", "d_olga", True, "A1", "an active group grant", at=6500),
        check("bob", "view", "d_olga", False, "A1", at=7000),
        cmd("olga", C("grant", asset="d_olga", target={"user": "bob"}, level="view")),
        check("bob", "view", "d_olga", True, "A1", "renewed without expiry"),
    ], "A1: a grant may carry an expiry time; an expired grant grants nothing.")

    add("attack: taking another member's asset", ["A3", "A5", "A6", "R4", "W4", "X2"], [
        cmd("dev", C("transfer_ownership", asset="d_olga", to="dev"), D("A6")),
        cmd("dev", C("grant", asset="d_olga", target={"user": "dev"}, level="edit"), D("A3")),
        cmd("dev", C("share", asset="d_olga", **{"with": [{"user": "dev"}]}), D("A3")),
        cmd("dev", C("set_public", asset="d_olga", public=True), D("A3")),
        cmd("dev", C("modify_asset", asset="d_olga", name="Mine"), D("A5")),
        cmd("dev", C("delete_asset", asset="d_olga"), D("A5")),
        cmd("vis", C("set_public", asset="d_olga", public=True), D("R4")),
        cmd("olga", C("transfer_ownership", asset="d_olga", to="vis"), D("A6"),
            "nor may olga hand it to a visitor, whose role may not create dashboards"),
        cmd("olga", C("transfer_ownership", asset="d_olga", to="ana"), "ok"),
        cmd("olga", C("transfer_ownership", asset="d_olga", to="olga"), D("A6"),
            "the previous owner keeps no special right"),
        check("olga", "modify", "d_olga", False, "A5"),
    ], "Ownership moves only by the owner or an admin (A6), to a member whose role may own "
       "the kind; nobody grants themselves someone else's asset (A3).")

    add("attack: a permission admin granting to herself (X3)",
        ["X3", "A2", "O4", "A1", "A3", "A4", "P2", "R1", "R6", "W3", "W7", "X2"], [
            cmd("wadm", C("add_workspace_member", workspace="ws", user="padm",
                          roles=["visitor"]), note="padm joins ws (private mode) as a visitor"),
            check("padm", "view", "d_olga", False, "W7"),
            cmd("padm", C("grant", asset="d_olga", target={"user": "padm"}, level="view"),
                D("X3"), "central authorization covers grants to others, not to herself"),
            cmd("padm", C("share", asset="d_olga", **{"with": [{"user": "padm"}]}), D("X3")),
            cmd("padm", C("share", asset="d_olga", **{"with": [{"user": "bob"},
                                                               {"user": "padm"}]}),
                D("X3"), "one target reaching herself refuses the whole share"),
            cmd("root", C("add_group_member", group="team", user="padm")),
            cmd("padm", C("grant", asset="d_olga", target={"group": "team"}, level="view"),
                D("X3"), "nor to a group she is in"),
            cmd("root", C("create_group", group="inner", name="Inner", parent="old")),
            cmd("root", C("add_group_member", group="inner", user="padm")),
            cmd("padm", C("grant", asset="d_olga", target={"group": "old"}, level="view"),
                D("X3"), "nor to a group she is in through nesting (P2)"),
            cmd("padm", C("grant", asset="d_olga", target={"user": "bob"}, level="view"), "ok",
                "to others she grants what she does not hold (O4)"),
            check("padm", "view", "d_olga", False, "W7", "and sees nothing through it"),
            check("padm", "view", "t_olga", True, "A1", "team's view grant reaches her"),
            cmd("padm", C("grant", asset="t_olga", target={"user": "padm"}, level="view"), "ok",
                "view on t_olga she holds already (through team), without expiry"),
            cmd("padm", C("grant", asset="t_olga", target={"group": "team"}, level="export"),
                D("X3"), "export she does not hold"),
            cmd("olga", C("grant", asset="d_olga", target={"user": "padm"}, level="view",
                          expires_at=5000), note="olga shares d_olga with padm until 5000"),
            check("padm", "view", "d_olga", True, "A1"),
            cmd("padm", C("grant", asset="d_olga", target={"user": "padm"}, level="view"),
                D("X3"), "she holds view until 5000 only: she cannot make it last"),
            cmd("padm", C("grant", asset="d_olga", target={"user": "padm"}, level="view",
                          expires_at=8000), D("X3")),
            cmd("padm", C("grant", asset="d_olga", target={"user": "padm"}, level="view",
                          expires_at=5000), "ok", "for as long as she holds it, she may"),
            cmd("dev", C("create_asset", asset="p_dev", workspace="personal:dev",
                         kind="dashboard", name="Mine")),
            cmd("padm", C("grant", asset="p_dev", target={"user": "padm"}, level="edit"),
                D("A2"), "a visitor everywhere is never given edit, in a personal workspace "
                "too (A2, issue 16)"),
            cmd("padm", C("grant", asset="p_dev", target={"user": "padm"}, level="view"),
                D("X3"), "nothing in another member's personal workspace is hers (W3)"),
            cmd("padm", C("share", asset="p_dev", **{"with": [{"user": "bob"}]}), "ok"),
            check("padm", "view", "p_dev", False, "W3"),
            cmd("root", C("add_group_member", group="team", user="wadm")),
            cmd("wadm", C("grant", asset="d_olga", target={"group": "team"}, level="edit"),
                "ok", "wadm is in team, but holds everything in ws already (R1)"),
            check("bob", "modify", "d_olga", True, "A1"),
            cmd("root", C("add_group_member", group="team", user="ana")),
            cmd("ana", C("share", asset="d_ana", **{"with": [{"group": "team"}]}), "ok",
                "ana is in team, but owns d_ana (R6)"),
            check("bob", "view", "d_ana", True, "A1"),
            cmd("padm", C("set_public", asset="d_olga", public=True), "ok",
                "set_public stays as A3 and A4 say: it opens d_olga to all of ws, not to padm "
                "(docs/decisions.md)"),
            check("vis", "view", "d_olga", True, "A4"),
        ], "X3: nobody grants what they do not hold. A permission admin (O4) grants and shares "
           "to others without holding anything, but a grant that reaches herself (to her, or "
           "to a group she is in at any depth) needs a level she holds already, for as long "
           "as the grant would last. Workspace admins and owners hold everything already.")

    add("attack: a group manager changing her own groups (X3)",
        ["X3", "O2", "O6", "P2", "A1", "D3", "X2"], [
            cmd("root", C("grant", asset="m_dash", target={"group": "team"}, level="export"),
                note="team carries an export grant on root's dashboard in main"),
            check("cust", "export", "m_dash", False, "A1",
                  "cust, a visitor of main, may export only what she is granted"),
            cmd("cust", C("add_group_member", group="team", user="cust"), D("X3"),
                "manage_user_groups does not let her join team and its grants"),
            cmd("root", C("create_group", group="sub", name="Sub", parent="team")),
            cmd("cust", C("add_group_member", group="sub", user="cust"), D("X3"),
                "nor a group nested in it (P2)"),
            cmd("cust", C("add_group_member", group="team", user="carl"), D("X3"),
                "nor carl: team carries grants she could not make (issue 16)"),
            check("carl", "export", "m_dash", False, "A1"),
            cmd("cust", C("add_group_member", group="old", user="carl"), "ok",
                "others she puts in groups that carry nothing she could not give (O2)"),
            cmd("root", C("add_group_member", group="old", user="cust"),
                note="an org admin puts cust in old"),
            cmd("cust", C("remove_group_member", group="old", user="cust"), D("X3"),
                "leaving a group could lift a column rule that targets it (D3)"),
            cmd("cust", C("delete_group", group="old"), D("X3"),
                "and so could deleting a group she is in"),
            cmd("oadm", C("add_group_member", group="team", user="oadm"), "ok",
                "org admins hold everything already (O6)"),
            cmd("cust", C("remove_group_member", group="team", user="bob"), "ok",
                "a removal takes grants away; no rule targets team"),
            cmd("root", C("remove_group_member", group="old", user="cust")),
            cmd("cust", C("delete_group", group="old"), "ok", "a group she is not in"),
        ], "X3: nobody raises their own roles. Groups carry grants (A1) and row and column "
           "rules (D2, D3): a holder of manage_user_groups who is not an org admin changes "
           "the groups of others, never her own.")

    add("attack: a group manager handing an accomplice a group's grants (X3, issue 16)",
        ["X3", "O2", "O4", "O6", "P2", "A1", "A3", "X2"], [
            check("carl", "view", "t_olga", False, "W5", "carl is no member of ws"),
            cmd("root", C("add_workspace_member", workspace="ws", user="carl",
                          roles=["visitor"])),
            check("carl", "view", "t_olga", False, "W7",
                  "ws is private: carl sees only what he is granted"),
            cmd("cust", C("add_group_member", group="team", user="carl"), D("X3"),
                "cust administers no asset: team's view grant on olga's t_olga is one she "
                "could not make, so she cannot hand it to carl through team"),
            check("carl", "view", "t_olga", False, "W7"),
            cmd("root", C("create_group", group="inner", name="Inner", parent="team")),
            cmd("cust", C("add_group_member", group="inner", user="carl"), D("X3"),
                "nor through a group nested in team (P2)"),
            cmd("root", C("set_org_roles", user="padm", roles=["permission_admin", "people"])),
            cmd("padm", C("add_group_member", group="team", user="carl"), "ok",
                "a permission admin could grant view on t_olga himself (O4), so he may"),
            check("carl", "view", "t_olga", True, "A1"),
            cmd("olga", C("grant", asset="d_olga", target={"group": "old"}, level="view"),
                note="olga, the owner, grants old a view on d_olga"),
            cmd("cust", C("add_group_member", group="old", user="vis"), D("X3")),
            cmd("olga", C("revoke", asset="d_olga", target={"group": "old"})),
            cmd("cust", C("add_group_member", group="old", user="vis"), "ok",
                "old carries nothing now: staffing groups stays hers (O2)"),
        ], "X3: nobody grants what they do not hold, also through a group. Joining a group "
           "hands the newcomer every grant the group and the groups it is nested in carry "
           "(P2); a holder of manage_user_groups who is not an org admin adds someone to a "
           "group only while she could make each of those grants herself (A3, O4), and "
           "changes a group's members only while she could configure each row and column "
           "rule that targets it (D2, D3).")

    add("attack: a workspace manager appointing an accomplice (X3, W1, issue 16)",
        ["X3", "W1", "R1", "O2", "W5", "X2"], [
            cmd("root", C("define_org_role", role="keeper", name="Workspace keeper",
                          points=["manage_workspaces"])),
            cmd("root", C("set_org_roles", user="mem", roles=["keeper"])),
            cmd("mem", C("add_workspace_member", workspace="ws", user="carl", roles=["admin"]),
                D("X3"), "W1: only org admins and ws's admins appoint its admins"),
            cmd("mem", C("add_workspace_member", workspace="ws", user="carl",
                         roles=["developer"]),
                D("X3"), "mem holds no role in ws: he gives none there"),
            check("carl", "view", "d_olga", False, "W5"),
            cmd("mem", C("set_workspace_roles", workspace="main", user="carl",
                         roles=["developer"]),
                D("X3"), "a visitor of main does not make others developers there"),
            cmd("mem", C("set_workspace_roles", workspace="main", user="carl",
                         roles=["admin"]), D("X3")),
            check("carl", "delete", "m_dash", False, "R4"),
            cmd("mem", C("set_workspace_roles", workspace="main", user="carl",
                         roles=["visitor"]), "ok", "roles within his own he may give"),
            cmd("mem", C("remove_workspace_member", workspace="ws", user="bob"), "ok",
                "and he removes members (R1 through manage_workspaces)"),
            cmd("wadm", C("add_workspace_member", workspace="ws", user="carl",
                          roles=["admin"]), "ok", "ws's admin appoints admins (W1)"),
        ], "X3: nobody grants what they do not hold. Workspace roles carry rights: a holder "
           "of manage_workspaces who is neither an org admin nor an admin of the workspace "
           "gives there only roles whose every permission he holds there himself, never the "
           "admin role (W1: the org admin who creates a workspace and its admins appoint "
           "its admins).")

    add("attack: a member manager setting her own attributes (X3)",
        ["X3", "O3", "O6", "D2", "X2"], [
            cmd("cust", C("set_attributes", user="cust", attributes={"region": ["east", "west"]}),
                D("X3"), "attributes drive row rules (D2): manage_members sets others' only"),
            cmd("cust", C("set_attributes", user="carl", attributes={"region": ["east"]}), "ok"),
            cmd("oadm", C("set_attributes", user="oadm", attributes={"region": ["east"]}), "ok",
                "org admins hold everything already (O6)"),
        ], "X3: nobody raises their own roles. Row rules match user attributes (D2), so a "
           "holder of manage_members who is not an org admin sets the attributes of others, "
           "never her own.")

    return out


# --------------------------------------------------------------------------------------------
# Output: one step per line, the snapshot on one line.
# --------------------------------------------------------------------------------------------


def dumps_scenarios(scenarios):
    out = ["["]
    for i, sc in enumerate(scenarios):
        out.append("  {")
        for k in [k for k in sc if k != "steps"]:
            out.append(f"    {json.dumps(k)}: {json.dumps(sc[k], ensure_ascii=False)},")
        out.append('    "steps": [')
        for j, st in enumerate(sc["steps"]):
            comma = "," if j + 1 < len(sc["steps"]) else ""
            out.append("      " + json.dumps(st, ensure_ascii=False) + comma)
        out.append("    ]")
        out.append("  }" + ("," if i + 1 < len(scenarios) else ""))
    out.append("]")
    return "\n".join(out) + "\n"


def write(filename, scenarios):
    path = os.path.join(HERE, filename)
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps_scenarios(scenarios))
    n = sum(len(s["steps"]) for s in scenarios)
    print(f"wrote {os.path.relpath(path)}: {len(scenarios)} scenarios, {n} steps")
    return len(scenarios), n


def main():
    total_cells = 0
    for stem, _title, rows in FAMILIES:
        scenarios = []
        for row in rows:
            total_cells += sum(1 for r in cells(row).values() if r != "-")
            scenarios += row_scenarios(row)
        write(f"matrix_{stem}.json", scenarios)
    assert set(EXPECTED) == {r for _, _, rows in FAMILIES for r in rows}
    write("attacks.json", attacks())
    print(f"{total_cells} matrix cells ({len(EXPECTED)} commands x {len(ACTORS)} actors, "
          f"not-applicable cells left out)")


if __name__ == "__main__":
    main()
