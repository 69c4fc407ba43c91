#!/usr/bin/env python3
"""Generates the seed-matrix conformance scenarios (tests/conformance/matrix/*.json).

Seed 004 (/work/shared/seeds/004_*.txt) has five permission tables. For each table this
script writes one file holding the same matrix twice, once in a collaboration-mode workspace
(visibility never masks a role rule) and once in a private-mode workspace (W7):

    every workspace role (admin, developer, analyst, visitor)
  x every operation of docs/rules.md R
  x every kind the table is about
  x three targets: (own) the actor's own asset,
                   (other) another member's asset,
                   (granted) another member's asset on which the actor holds an `edit` grant.

The expected answers come from docs/rules.md R1-R6, A1-A6, W7 and docs/decisions.md, written out in
EXPECTED below; where they differ from seed 004 the scenario description says so. The
expectations never come from the engine.

Run:  python3 tests/conformance/matrix/generate.py
Then: cargo run -q -p orgspace-cli -- conformance tests/conformance/matrix
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

OPERATIONS = ["create", "view", "use", "modify", "delete", "share",
              "reference", "publish", "transfer", "authorize", "export"]

# --------------------------------------------------------------------------------------------
# The expected table: for each preset role and kind, how far each operation reaches.
#
#   any  every asset of the kind the member sees (in private mode: own, public or granted, W7)
#   grt  owned assets, or assets with a grant at the operation's level (edit for modify,
#        export or edit for export; A1, A5)
#   own  owned assets only (R6; A3 for share/authorize, A5 for delete, A6 for transfer)
#   -    not permitted by the role (R2/R3/R4)
#
# Sources: docs/rules.md R2 (developer), R3 (analyst, incl. the decided "analysts view data sources"),
# R4 (visitor), A3 (owner shares/authorizes), A5 (modify: own or edit grant; delete: own),
# A6 (owner transfers), and docs/decisions.md "Roles and operations": developers modify only
# their own data sources; `reference` is content-only (data needs `use`); `publish` exists only
# for dashboards; `export` reaches owned or export/edit-granted content; `use` exists only on
# data sources and datasets. R1: a workspace admin may do everything (not tabulated; always R1).
# --------------------------------------------------------------------------------------------
COLUMNS = "create view use modify delete share reference publish transfer authorize export"

EXPECTED = {
    "developer": {                 # create view use  modify delete share reference publish transfer authorize export
        "data_source":             "any    any  any  own    own    own   -         -       own      own       -",
        "dataset":                 "any    any  any  grt    own    own   -         -       own      own       -",
        "workbook":                "any    any  -    grt    own    own   any       -       own      own       grt",
        "dashboard":               "any    any  -    grt    own    own   any       own     own      own       grt",
        "portal":                  "any    any  -    grt    own    own   any       -       own      own       grt",
        "ad_hoc_analysis":         "any    any  -    grt    own    own   any       -       own      own       grt",
        "self_service_query":      "any    any  -    grt    own    own   any       -       own      own       grt",
        "data_entry_form":         "any    any  -    grt    own    own   any       -       own      own       grt",
    },
    "analyst": {                   # create view use  modify delete share reference publish transfer authorize export
        "data_source":             "-      any  -    -      -      -     -         -       -        -         -",
        "dataset":                 "-      any  any  -      -      -     -         -       -        -         -",
        "workbook":                "any    any  -    grt    own    own   any       -       own      own       grt",
        "dashboard":               "any    any  -    grt    own    own   any       own     own      own       grt",
        "portal":                  "any    any  -    grt    own    own   any       -       own      own       grt",
        "ad_hoc_analysis":         "any    any  -    grt    own    own   any       -       own      own       grt",
        "self_service_query":      "any    any  -    grt    own    own   any       -       own      own       grt",
        "data_entry_form":         "-      any  -    -      -      -     -         -       -        -         grt",
    },
    "visitor": {                   # create view use  modify delete share reference publish transfer authorize export
        "data_source":             "-      -    -    -      -      -     -         -       -        -         -",
        "dataset":                 "-      -    -    -      -      -     -         -       -        -         -",
        "workbook":                "-      any  -    -      -      -     -         -       -        -         grt",
        "dashboard":               "-      any  -    -      -      -     -         -       -        -         grt",
        "portal":                  "-      any  -    -      -      -     -         -       -        -         grt",
        "ad_hoc_analysis":         "-      any  -    -      -      -     -         -       -        -         grt",
        "self_service_query":      "-      any  -    -      -      -     -         -       -        -         grt",
        "data_entry_form":         "-      any  -    -      -      -     -         -       -        -         grt",
    },
}

ROLE_RULE = {"admin": "R1", "developer": "R2", "analyst": "R3", "visitor": "R4"}
# The rule that refuses a non-owner an owner-only operation.
NOT_OWNER_RULE = {"modify": "A5", "delete": "A5", "share": "A3", "authorize": "A3",
                  "transfer": "A6", "publish": "R6"}

ROLES = ["admin", "developer", "analyst", "visitor"]
ACTOR = {"admin": "wadmin", "developer": "dev", "analyst": "ana", "visitor": "vis"}
ROOT = "root"    # creates the organization: org admin (O1, O6)
OWNER = "olga"   # a developer: owns every "other" and "granted" asset and grants edit on them
WS = "ws"
TARGETS = ["own", "other", "granted"]


def scope(role, kind, op):
    """The scope the expected table gives (None for '-'); admins reach everything (R1)."""
    if role == "admin":
        return "any"
    cell = dict(zip(COLUMNS.split(), EXPECTED[role][kind].split()))[op]
    return None if cell == "-" else cell


def can_own(role, kind):
    """A6/R6: a member owns a kind only if a role of theirs may create it."""
    return scope(role, kind, "create") is not None


def can_be_granted_edit(role, kind):
    """A2: edit is given only to a member whose role may modify the kind."""
    return scope(role, kind, "modify") is not None


def expect_create(role, kind):
    s = scope(role, kind, "create")
    return {"allowed": s is not None, "rule": ROLE_RULE[role]}


def expect_cell(role, kind, op, target, mode):
    """The decision for `role` doing `op` on a `kind` asset in the given target and mode."""
    if role == "admin":
        return {"allowed": True, "rule": "R1"}
    s = scope(role, kind, op)
    if s is None:
        return {"allowed": False, "rule": ROLE_RULE[role]}
    if s == "any":
        if mode == "collaboration":       # W7: every member sees every asset
            return {"allowed": True, "rule": ROLE_RULE[role]}
        if target == "own":
            return {"allowed": True, "rule": "R6"}
        if target == "granted":           # edit implies view (A1)
            return {"allowed": True, "rule": "A1"}
        return {"allowed": False, "rule": "W7"}  # private: another's asset is not visible
    if s == "grt":
        if target == "own":
            return {"allowed": True, "rule": "R6"}
        if target == "granted":           # edit covers modify and export (A1)
            return {"allowed": True, "rule": "A1"}
        return {"allowed": False, "rule": "A5" if op == "modify" else "A1"}
    assert s == "own"
    if target == "own":
        return {"allowed": True, "rule": "R6"}
    return {"allowed": False, "rule": NOT_OWNER_RULE[op]}


def asset_id(kind, target, role=None):
    if target == "own":
        return f"{kind}.own.{role}"
    return f"{kind}.{target}"       # other, granted, spare


def cmd(actor, command, expect="ok", note=None):
    step = {"as": actor, "command": command, "expect": expect}
    if note:
        step["note"] = note
    return step


def build(kinds, mode):
    steps = [
        cmd(ROOT, {"type": "create_org", "org": "acme", "name": "Acme", "default_workspace": WS,
                   "default_workspace_name": "Matrix", "mode": mode}),
        cmd(ROOT, {"type": "add_member", "user": OWNER, "workspace": WS,
                   "workspace_roles": ["developer"]}),
    ]
    for role in ROLES:
        steps.append(cmd(ROOT, {"type": "add_member", "user": ACTOR[role], "workspace": WS,
                                "workspace_roles": [role]}))

    all_assets = []
    owned = {role: [] for role in ROLES}
    granted = {role: [] for role in ROLES}

    def create(actor, asset, kind):
        all_assets.append(asset)
        return cmd(actor, {"type": "create_asset", "asset": asset, "workspace": WS,
                           "kind": kind, "name": asset})

    for kind in kinds:
        # (other) and (granted): another member's assets.
        steps.append(create(OWNER, asset_id(kind, "other"), kind))
        steps.append(create(OWNER, asset_id(kind, "granted"), kind))
        # A root-owned spare, to show the transfers A6 refuses.
        steps.append(create(ROOT, asset_id(kind, "spare"), kind))
        # (own): in collaboration mode the actor creates it (R6: ownership starts with the
        # creator); in private mode root creates it and transfers it (A6). A role that may not
        # create the kind can never own one: the transfer is refused and the cell is N/A.
        for role in ROLES:
            actor = ACTOR[role]
            if can_own(role, kind):
                aid = asset_id(kind, "own", role)
                owned[role].append(aid)
                if mode == "collaboration":
                    steps.append(create(actor, aid, kind))
                else:
                    steps.append(create(ROOT, aid, kind))
                    steps.append(cmd(ROOT, {"type": "transfer_ownership", "asset": aid, "to": actor}))
            else:
                steps.append(cmd(ROOT, {"type": "transfer_ownership",
                                        "asset": asset_id(kind, "spare"), "to": actor},
                                 {"denied": "A6"},
                                 f"{role} may not create a {kind}, so cannot own one (A6): own-asset cells N/A"))
        # (granted): the owner grants edit; A2 refuses it to a role that may not modify the kind.
        for role in ROLES:
            ok = can_be_granted_edit(role, kind)
            if ok:
                granted[role].append(asset_id(kind, "granted"))
            steps.append(cmd(OWNER, {"type": "grant", "asset": asset_id(kind, "granted"),
                                      "target": {"user": ACTOR[role]}, "level": "edit"},
                             "ok" if ok else {"denied": "A2"},
                             None if ok else f"{role} may not modify a {kind} (A2): granted cells N/A"))

    # What each member sees (W7).
    for role in ROLES:
        if mode == "collaboration" or role == "admin":
            seen = all_assets
        else:
            seen = owned[role] + [a for a in granted[role]
                                  if scope(role, a.split(".")[0], "view") is not None]
        steps.append({"as": ACTOR[role], "visible_assets": WS, "expect": sorted(seen)})

    # The matrix.
    for role in ROLES:
        actor = ACTOR[role]
        for kind in kinds:
            steps.append({"as": actor, "check": {"operation": "create", "workspace": WS, "kind": kind},
                          "expect": expect_create(role, kind), "note": f"{role} create {kind}"})
            for op in OPERATIONS[1:]:
                for target in TARGETS:
                    if target == "own" and not can_own(role, kind):
                        continue
                    if target == "granted" and not can_be_granted_edit(role, kind):
                        continue
                    steps.append({"as": actor,
                                  "check": {"operation": op, "asset": asset_id(kind, target, role)},
                                  "expect": expect_cell(role, kind, op, target, mode),
                                  "note": f"{role} {op} {kind} ({target})"})

    rules = set()
    for s in steps:
        e = s["expect"]
        if isinstance(e, dict):
            rules.add(e.get("rule") or e.get("denied"))
    rules.add("W7")
    rules.discard(None)
    order = "PROWAXDU"
    return steps, sorted(rules, key=lambda r: (order.index(r[0]), int(r[1:])))


COMMON = (
    "Cells: every workspace role (admin=wadmin, developer=dev, analyst=ana, visitor=vis) x every "
    "operation of SPEC R x {kinds} x three targets: the actor's own asset (<kind>.own.<role>), "
    "another member's asset (<kind>.other, owned by the developer olga) and another member's asset "
    "on which the actor holds an edit grant (<kind>.granted). Expectations follow SPEC R1-R6, A1-A6, "
    "W7 and docs/decisions.md (generated by generate.py from its EXPECTED table). "
    "Not applicable: a role that may not create a kind never owns one (A6 refuses the transfer, "
    "shown as a step), so its own-asset cells are skipped ({no_own}). A2 refuses an edit grant "
    "to a role that may not modify the kind (shown as a step), so its granted cells are skipped "
    "({no_grant}). R1 lets a workspace admin do everything, including "
    "operations the kind has no use for (use on content, publish on non-dashboards, reference "
    "on data); SPEC is silent on those and the engine allows them. "
)
MODE_NOTE = {
    "collaboration": "Collaboration mode: every member sees every asset (W7), so role scopes "
                     "decide alone; an allowed 'every visible asset' operation names the role (R2-R4). ",
    "private": "Private mode: own assets come from root creating and transferring them (A6); "
               "another member's asset without a grant is invisible, so operations that reach "
               "'every visible asset' (view, use, reference) are denied by W7, while owner-only "
               "operations still name A3/A5/A6/R6; the edit grant makes the asset visible (A1). ",
}

TABLES = [
    ("table1_data_object_types", "seed 004 table 1 (per data object type)",
     ["data_source", "dataset", "workbook", "dashboard", "portal"],
     "Seed vs SPEC: table 1 says analysts 'can only use datasets' and cannot access data sources; "
     "SPEC R3 (decided, 001 over 004) lets analysts view data sources and use and view datasets. "
     "The BI portals row says visitors 'can only preview workbooks', an evident slip: SPEC R4 lets "
     "visitors view portals. 'Manage only self-created' is read as: delete, share, authorize, "
     "transfer and publish only their own (A3, A5, A6, R6), modify their own or those granted edit "
     "(A5), except data sources, which developers modify only when they own them (R2, decisions). "
     "Export, authorize, transfer and use are not in the seed: from decisions.md."),
    ("table2_data_sources_datasets", "seed 004 table 2 (data sources and datasets)",
     ["data_source", "dataset"],
     "Seed vs SPEC: table 2 denies analysts every data-source operation; SPEC R3 (decided) lets them "
     "view data sources (still no use). Table 2 has no view rows: SPEC R2/R3 give developers view on "
     "both kinds and analysts view on datasets. Developers modify only their own data sources even "
     "with an edit grant (R2, table 2, decisions), while A2 still accepts that grant (their role may "
     "modify data sources); it gives them use and view only. No role of R2-R4 exports a data source "
     "or dataset, and reference is content-only (decisions: building on data needs use); the owner "
     "shares, authorizes (A3) and transfers (A6) their own."),
    ("table3_workbooks", "seed 004 table 3 (workbooks)",
     ["workbook"],
     "Seed vs SPEC: table 3 agrees with SPEC R2-R4 on create, modify, delete, preview (view), share and "
     "reference. Not in the seed: export (decisions: owned or export/edit-granted; visitors only with a "
     "grant), authorize and transfer (owner only, A3, A6), publish (dashboards only, R2: denied for "
     "workbooks) and use (data sources and datasets only: denied)."),
    ("table4_dashboards", "seed 004 table 4 (dashboards)",
     ["dashboard"],
     "Seed vs SPEC: table 4 agrees with SPEC R2-R4, including publish only their own dashboards. Not "
     "in the seed: export (decisions: owned or export/edit-granted; visitors only with a grant), "
     "authorize and transfer (owner only, A3, A6) and use (data sources and datasets only: denied)."),
    ("table5_portals", "seed 004 table 5 (BI portals)",
     ["portal"],
     "Seed vs SPEC: table 5 has no reference row; SPEC R2/R3 let developers and analysts reference "
     "portals, R4 forbids visitors. Table 1's portal row says visitors 'preview workbooks' (a slip); "
     "SPEC R4 and table 5 let them preview portals. Not in the seed: export (decisions), authorize and "
     "transfer (A3, A6), publish (dashboards only: denied) and use (data only: denied)."),
    ("spec_other_kinds", "SPEC R kinds not in seed 004 (ad hoc analyses, self-service queries, data entry forms)",
     ["ad_hoc_analysis", "self_service_query", "data_entry_form"],
     "Beyond seed 004: SPEC R2-R4 treat ad hoc analyses and self-service queries like workbooks for "
     "every role; data entry forms are built by developers only, analysts and visitors view them (R3, "
     "R4) and export only with a grant (decisions)."),
]


def not_applicable(kinds, possible):
    """'analyst: data_source, dataset; visitor: ...' for the (role, kind) pairs that fail `possible`."""
    parts = []
    for role in ROLES:
        missing = [k for k in kinds if not possible(role, k)]
        if missing:
            parts.append(f"{role}: {', '.join(missing)}")
    return "; ".join(parts) or "none"


def write_step_list(f, steps):
    f.write('  "steps": [\n')
    for i, s in enumerate(steps):
        f.write("    " + json.dumps(s) + (",\n" if i + 1 < len(steps) else "\n"))
    f.write("  ]\n")


def main():
    for stem, title, kinds, seed_note in TABLES:
        scenarios = []
        for mode in ["collaboration", "private"]:
            steps, rules = build(kinds, mode)
            description = (seed_note + " " + COMMON.format(kinds=", ".join(kinds),
                                                          no_own=not_applicable(kinds, can_own),
                                                          no_grant=not_applicable(kinds, can_be_granted_edit))
                           + MODE_NOTE[mode])
            scenarios.append((f"{title}: full role x operation x target matrix, {mode} mode",
                              rules, description.strip(), steps))
        path = os.path.join(HERE, stem + ".json")
        with open(path, "w", encoding="utf-8") as f:
            f.write("[\n")
            for i, (name, rules, description, steps) in enumerate(scenarios):
                f.write("{\n")
                f.write(f'  "name": {json.dumps(name)},\n')
                f.write(f'  "rules": {json.dumps(rules)},\n')
                f.write(f'  "description": {json.dumps(description)},\n')
                write_step_list(f, steps)
                f.write("}" + (",\n" if i + 1 < len(scenarios) else "\n"))
            f.write("]\n")
        n = sum(len(s[3]) for s in scenarios)
        print(f"wrote {os.path.relpath(path)} ({n} steps)")


if __name__ == "__main__":
    main()
