#!/usr/bin/env python3
"""Writes the U1 conformance scenarios of this folder:

- u1_upgrade_refusals.json: who may upgrade, and inconsistent legacy organizations;
- u1_upgrade_realistic.json: the upgrade of a realistic organization without workspaces
  (3 administrators, 10 users, nested groups, 3 data sources with 6 tables, folders, 52 assets
  of every kind) and the queries that prove what U1 promises.

Deterministic, python3 stdlib only:  python3 tests/conformance/data/generate_upgrade.py

Expectations come from docs/rules.md U1 (with O6, W3, W7, R1-R6, A1-A5, D1-D4) and docs/decisions.md
("Data permissions and the upgrade"); they are computed here from the legacy organization with
the rules, never read from the engine.
"""

import sys

sys.dont_write_bytecode = True

from scenario_json import cmd, scenario, step, write  # noqa: E402

AT = 10_000  # every step runs at this time (no grant below expires before it)

# ---------------------------------------------------------------------------------------------
# The legacy organization.

ADMINS = ["root", "ada", "amir"]
USERS = [  # (id, roles, attributes)
    ("dev_li", ["developer"], {}),
    ("dev_wang", ["developer"], {}),
    ("dev_zhao", ["developer"], {"region": ["north"]}),
    ("ana_chen", ["analyst"], {"region": ["east"]}),
    ("ana_liu", ["analyst"], {"region": ["north", "west"]}),
    ("ana_sun", ["analyst"], {}),
    ("ana_zhou", ["analyst"], {"region": ["south"]}),
    ("vis_he", ["visitor"], {}),
    ("vis_ma", ["visitor"], {}),
    ("newbie", [], {}),  # no role before: a visitor after (decisions)
]
ROLE = {u: (r[0] if r else "visitor") for u, r, _ in USERS}
DEVELOPERS = [u for u, _ in ROLE.items() if _ == "developer"]

GROUPS = [  # (id, name, parent, members)  bi > bi_east > bi_east_hz: three levels (P2)
    ("bi", "BI", None, ["dev_wang"]),
    ("bi_east", "BI east", "bi", ["vis_he"]),
    ("bi_east_hz", "BI Hangzhou", "bi_east", ["ana_chen"]),
    ("finance", "Finance", None, ["ana_sun", "dev_zhao"]),
    ("ops", "Operations", None, ["newbie", "vis_ma"]),
]
PARENT = {g: p for g, _, p, _ in GROUPS}
DIRECT = {g: m for g, _, _, m in GROUPS}


def groups_of(user):
    """Every group the user is in, directly or through a group nested inside it (P2)."""
    out = set()
    for g, members in DIRECT.items():
        if user in members:
            x = g
            while x is not None:
                out.add(x)
                x = PARENT[x]
    return out


def col(name, ty):
    return {"name": name, "type": ty}


DATA_SOURCES = [
    {"id": "mysql_sales", "name": "MySQL sales", "tables": [
        {"name": "orders", "columns": [
            col("order_id", "number"), col("region", "string"), col("city", "string"),
            col("channel", "string"), col("store_id", "number"), col("amount", "number"),
            col("paid", "boolean"), col("email", "string")]},
        {"name": "customers", "columns": [
            col("customer_id", "number"), col("name", "string"), col("city", "string"),
            col("vip", "boolean"), col("region", "string")]},
        {"name": "products", "columns": [
            col("sku", "string"), col("title", "string"), col("price", "number"),
            col("active", "boolean")]},
    ]},
    {"id": "hive_events", "name": "Hive events", "tables": [
        {"name": "page_views", "columns": [
            col("event_id", "number"), col("user_id", "number"), col("page", "string"),
            col("region", "string"), col("ts", "number")]},
        {"name": "clicks", "columns": [
            col("event_id", "number"), col("target", "string"), col("region", "string"),
            col("mobile", "boolean")]},
    ]},
    {"id": "pg_finance", "name": "PostgreSQL finance", "tables": [
        {"name": "ledger", "columns": [
            col("entry_id", "number"), col("account", "string"), col("amount", "number"),
            col("currency", "string"), col("region", "string"), col("posted", "boolean")]},
    ]},
]
TABLES = [(s["id"], t["name"], [c["name"] for c in t["columns"]])
          for s in DATA_SOURCES for t in s["tables"]]

FOLDERS = [  # (id, name, parent, created_by); f_empty holds nothing
    ("f_sales", "Sales", None, "dev_li"),
    ("f_sales_q1", "Q1", "f_sales", "dev_li"),
    ("f_sales_q2", "Q2", "f_sales", "ana_liu"),
    ("f_fin", "Finance", None, "dev_zhao"),
    ("f_ops", "Operations", None, "root"),
    ("f_ops_daily", "Daily", "f_ops", "amir"),
    ("f_empty", "Archive", None, "ana_chen"),
]
FOLDER_PARENT = {f: p for f, _, p, _ in FOLDERS}
PLACES = [None, "f_sales", "f_sales_q1", "f_sales_q2", "f_fin", "f_ops", "f_ops_daily"]

BUILDERS = ["dev_li", "dev_wang", "dev_zhao", "root", "amir", "ada"]  # create anything
CONTENT = ["dev_li", "ana_chen", "dev_wang", "ana_liu", "dev_zhao", "ana_sun", "root",
           "ana_zhou", "amir", "ada"]  # create workbooks, dashboards, ... (R2, R3)
KINDS = [  # (kind, prefix, count, who may own it)
    ("data_source", "src", 3, BUILDERS),
    ("dataset", "ds", 8, BUILDERS),
    ("workbook", "wb", 8, CONTENT),
    ("dashboard", "db", 12, CONTENT),
    ("portal", "portal", 4, CONTENT),
    ("ad_hoc_analysis", "adhoc", 6, CONTENT),
    ("self_service_query", "ssq", 6, CONTENT),
    ("data_entry_form", "form", 5, BUILDERS),
]
CONTENT_KINDS = {"workbook", "dashboard", "portal", "ad_hoc_analysis", "self_service_query",
                 "data_entry_form"}

# Grants from before the upgrade: (asset, target, level).
GRANTS = [
    ("db_02", {"group": "bi"}, "edit"),        # reaches bi_east_hz (ana_chen), bi_east (vis_he)
    ("db_08", {"group": "finance"}, "view"),
    ("db_05", {"group": "ops"}, "export"),
    ("wb_03", {"user": "ana_sun"}, "edit"),
    ("db_03", {"user": "vis_ma"}, "export"),
    ("ssq_02", {"group": "bi_east"}, "view"),
    ("ds_03", {"user": "ana_zhou"}, "use"),
    ("portal_02", {"user": "vis_he"}, "view", ),
    ("adhoc_04", {"user": "vis_ma"}, "view", 5_000),   # expired before AT: grants nothing
    ("form_02", {"group": "ops"}, "view"),
]
PUBLIC = {"db_04", "wb_06", "portal_03", "form_04", "ds_06"}

# ds_01's row and column rules from before the upgrade (D2, D3): they keep working.
DS01_SECURITY_RULES = {
    "row_rules_enabled": True,
    "row_rules": [
        {"targets": {"groups": ["bi"]}, "column": "region", "allow": {"attribute": "region"}},
        {"targets": {"users": ["ana_liu"]}, "column": "channel", "allow": {"values": ["online"]}},
    ],
    "column_rules": [{"targets": {"all": True}, "column": "email", "action": "mask"}],
}


def build_assets():
    assets = []
    n = 0
    for kind, prefix, count, owners in KINDS:
        for i in range(1, count + 1):
            aid = f"{prefix}_{i:02d}"
            a = {"id": aid, "kind": kind, "name": f"{kind.replace('_', ' ').title()} {i}",
                 "owner": owners[(i - 1 + n) % len(owners)]}
            place = PLACES[(i + n) % len(PLACES)]
            if place:
                a["folder"] = place
            a["created_at"] = 1_000 + 10 * len(assets)
            if aid in PUBLIC:
                a["public"] = True
            if kind == "dataset":
                src, table, _ = TABLES[(i - 1) % len(TABLES)]
                a["security"] = {"table": {"source": src, "table": table}}
                if aid == "ds_01":
                    a["security"].update(DS01_SECURITY_RULES)
            if kind in ("dashboard", "workbook"):
                a["references"] = [f"ds_{(i - 1) % 8 + 1:02d}"]
            if kind == "portal":
                a["references"] = sorted({f"db_{i:02d}", f"db_{i + 4:02d}"})
            grants = []
            for g in GRANTS:
                if g[0] == aid:
                    doc = {"to": g[1], "level": g[2]}
                    if len(g) > 3:
                        doc["expires_at"] = g[3]
                    grants.append(doc)
            if grants:
                a["grants"] = grants
            assets.append(a)
        n += 1
    return assets


ASSETS = build_assets()
BY_ID = {a["id"]: a for a in ASSETS}
ALL_IDS = [a["id"] for a in ASSETS]
ALL_FOLDERS = [f for f, _, _, _ in FOLDERS]
assert len(ASSETS) >= 50


def legacy(**over):
    doc = {
        "type": "upgrade_org",
        "org": "legacy",
        "name": "Legacy Retail",
        "default_workspace": "default",
        "default_workspace_name": "Default",
        "users": [{"user": u, "admin": True} for u in ADMINS]
        + [dict({"user": u}, **({"roles": r} if r else {}),
                **({"attributes": at} if at else {})) for u, r, at in USERS],
        "groups": [dict({"id": g, "name": name}, **({"parent": p} if p else {}),
                        members=sorted(m)) for g, name, p, m in GROUPS],
        "data_sources": DATA_SOURCES,
        "folders": [dict({"id": f, "name": name}, **({"parent": p} if p else {}),
                         created_by=by) for f, name, p, by in FOLDERS],
        "assets": ASSETS,
    }
    doc.update(over)
    return doc


# ---------------------------------------------------------------------------------------------
# What the rules say users see and may do after the upgrade.

VIEWS = {  # kinds a role may view (R2, R3 decided, R4)
    "developer": set(k for k, _, _, _ in KINDS),
    "analyst": set(k for k, _, _, _ in KINDS),
    "visitor": CONTENT_KINDS,
}


def active_grants(asset, user):
    """Grants reaching the user (directly or through a group, nested ones too) still active."""
    mine = groups_of(user)
    out = []
    for g in asset.get("grants", []):
        if g.get("expires_at") is not None and g["expires_at"] <= AT:
            continue
        t = g["to"]
        if t.get("user") == user or t.get("group") in mine:
            out.append(g["level"])
    return out


def sees_private(user, asset):
    """W7 private mode: a role of theirs views the kind, and they own it, it is public, or an
    active grant covers view (every level does)."""
    if asset["kind"] not in VIEWS[ROLE[user]]:
        return False
    return asset["owner"] == user or asset.get("public", False) or bool(active_grants(asset, user))


def folders_holding(asset_ids):
    out = set()
    for aid in asset_ids:
        f = BY_ID[aid].get("folder")
        while f is not None:
            out.add(f)
            f = FOLDER_PARENT[f]
    return sorted(out)


def check(actor, expect, note=None, **q):
    return step(actor, expect, note, check=q)


def create_check(actor, workspace, kind, expect, note=None):
    return check(actor, expect, note, operation="create", workspace=workspace, kind=kind)


def allowed(rule=None):
    return {"allowed": True, **({"rule": rule} if rule else {})}


def refused(rule=None):
    return {"allowed": False, **({"rule": rule} if rule else {})}


def realistic():
    steps = []
    s = steps.append
    s(cmd("dev_li", legacy(), {"denied": "U1"}, "a developer of the old organization", at=AT))
    s(cmd("ada", legacy(), "ok", "an administrator upgrades it"))

    # Administrators are org admins: they hold everything (O6) and create workspaces (W1).
    for adm in ADMINS:
        s(step(adm, ALL_IDS, "every asset moved into the default workspace",
               visible_assets="default"))
        s(step(adm, ALL_FOLDERS, visible_folders="default"))
        s(create_check(adm, "default", "dataset", allowed()))
        s(create_check(adm, "default", "data_source", allowed()))
        s(check(adm, allowed(), operation="delete", asset="db_01"))
        s(check(adm, allowed(), operation="modify", asset="ds_02"))
    for adm in ADMINS:
        s(cmd(adm, {"type": "create_workspace", "workspace": f"ws_{adm}",
                    "name": f"Team of {adm}", "mode": "private"}, "ok",
              "an org admin creates a workspace"))
    s(cmd("ada", {"type": "set_org_roles", "user": "root", "roles": []}, "ok",
          "an org admin demotes another: they were real org admins"))
    s(cmd("root", {"type": "create_workspace", "workspace": "ws_root2", "name": "Again",
                   "mode": "private"}, {"denied": "W1"}, "no longer an org admin"))
    s(cmd("amir", {"type": "set_org_roles", "user": "root", "roles": ["org_admin"]}))

    # Every other user is in the default workspace with their old roles (visitor if none).
    for u, _, _ in USERS:
        role = ROLE[u]
        s(step(u, ALL_IDS, "collaboration mode: every member sees every asset in the list",
               visible_assets="default"))
        s(step(u, ALL_FOLDERS, visible_folders="default"))
        s(create_check(u, f"personal:{u}", "dashboard", allowed(),
                       "their personal workspace (W3)"))
        if role == "developer":
            s(create_check(u, "default", "dataset", allowed()))
            s(create_check(u, "default", "data_source", allowed()))
            s(create_check(u, "default", "data_entry_form", allowed()))
            s(check(u, allowed(), operation="use", asset="ds_05"))
        elif role == "analyst":
            s(create_check(u, "default", "dashboard", allowed()))
            s(create_check(u, "default", "dataset", refused("R3")))
            s(create_check(u, "default", "data_entry_form", refused("R3")))
            s(check(u, allowed(), operation="view", asset="src_02"))
            s(check(u, allowed(), operation="use", asset="ds_05"))
            s(check(u, refused("R3"), operation="use", asset="src_02"))
        else:
            s(create_check(u, "default", "dashboard", refused("R4")))
            s(check(u, allowed(), operation="view", asset="db_07"))
            s(check(u, refused("R4"), operation="view", asset="ds_05"))
            s(check(u, refused("R4"), operation="modify", asset="db_04"))

    # Owners are unchanged: the owner may modify and delete, another developer may not delete.
    for a in ASSETS:
        owner = a["owner"]
        other = "dev_wang" if owner != "dev_wang" else "dev_li"
        s(check(owner, allowed(), f"{owner} owns {a['id']}", operation="delete", asset=a["id"]))
        s(check(other, refused(), operation="delete", asset=a["id"]))
    for a in ASSETS:
        if a["kind"] not in CONTENT_KINDS or a["owner"] in ADMINS:
            continue
        s(check(a["owner"], allowed(), operation="modify", asset=a["id"]))

    # Grants and groups from before the upgrade still work.
    assert BY_ID["db_02"]["owner"] not in ("ana_chen", "ana_liu", "vis_he")
    s(check("ana_chen", allowed(), "edit to bi reaches bi_east_hz (P2)", operation="modify",
            asset="db_02"))
    s(check("ana_liu", refused(), "not in bi", operation="modify", asset="db_02"))
    s(check("vis_he", refused("R4"), "a visitor in bi_east: the edit grant is capped (A2)",
            operation="modify", asset="db_02"))
    assert BY_ID["wb_03"]["owner"] not in ("ana_sun", "ana_zhou")
    s(check("ana_sun", allowed(), operation="modify", asset="wb_03"))
    s(check("ana_zhou", refused(), operation="modify", asset="wb_03"))
    s(check("vis_ma", allowed(), "an export grant (user)", operation="export", asset="db_03"))
    s(check("vis_he", refused(), operation="export", asset="db_03"))
    s(check("newbie", allowed(), "an export grant to ops", operation="export", asset="db_05"))
    s(check("vis_he", refused(), operation="export", asset="db_05"))

    # References are unchanged: a referenced dataset cannot be deleted (conflict).
    s(cmd(BY_ID["ds_01"]["owner"], {"type": "delete_asset", "asset": "ds_01"}, "conflict",
          "dashboards and workbooks still reference it"))

    # Data: every table of every data source is granted to the default workspace (U1, D1).
    for i, (src, table, cols) in enumerate(TABLES):
        dsid = f"new_{src}_{table}"
        s(cmd("dev_li", {"type": "create_asset", "asset": dsid, "workspace": "default",
                         "kind": "dataset", "name": f"{src}.{table}"}))
        s(cmd("dev_li", {"type": "set_dataset_table", "asset": dsid, "source": src,
                         "table": table}, "ok", "granted by the upgrade"))
        full = {"columns": [{"name": c} for c in cols], "rows": {"all": []}}
        s(step("dev_li", full, "every column and every row", data_scope=dsid))
        s(step("ana_liu", full, data_scope=dsid))
    # Datasets from before keep their table, rules, groups and attributes.
    for a in ASSETS:
        if a["kind"] != "dataset" or a["id"] == "ds_01":
            continue
        cols = next(c for s_, t, c in TABLES if (s_, t) == (a["security"]["table"]["source"],
                                                          a["security"]["table"]["table"]))
        s(step("ana_zhou", {"columns": [{"name": c} for c in cols], "rows": {"all": []}},
               data_scope=a["id"]))
    orders = TABLES[0][2]
    masked = [{"name": c, "masked": True} if c == "email" else {"name": c} for c in orders]

    def in_(column, values):
        return {"in": {"column": column, "values": values}}

    s(step("ana_chen", {"columns": masked, "rows": {"any": [in_("region", ["east"])]}},
           "the bi rule reaches her through bi_east_hz, with her region attribute",
           data_scope="ds_01"))
    s(step("ana_liu", {"columns": masked, "rows": {"any": [in_("channel", ["online"])]}},
           data_scope="ds_01"))
    s(step("dev_wang", {"columns": masked, "rows": {"any": [in_("region", [])]}},
           "in bi, with no region attribute", data_scope="ds_01"))
    s(step("ana_sun", {"columns": masked, "rows": {"any": []}}, "no rule targets her",
           data_scope="ds_01"))
    s(step("ada", {"columns": masked, "rows": {"any": []}}, "admins are not exempt",
           data_scope="ds_01"))
    rows_in = [
        {"order_id": 1, "region": "east", "city": "Hangzhou", "channel": "online", "store_id": 3,
         "amount": 10.5, "paid": True, "email": "a@x.cn"},
        {"order_id": 2, "region": "west", "city": "Chengdu", "channel": "store", "store_id": 4,
         "amount": 20, "paid": False, "email": "b@x.cn"},
        {"order_id": 3, "region": None, "city": "Wuhan", "channel": "online", "store_id": 5,
         "amount": None, "paid": None, "email": None},
    ]
    s(step("ana_chen", [dict(rows_in[0], email="***")],
           preview={"dataset": "ds_01", "rows": rows_in}))
    s(step("ana_liu", [dict(rows_in[0], email="***"), dict(rows_in[2], email="***")],
           preview={"dataset": "ds_01", "rows": rows_in}))
    s(step("vis_he", {"denied": "R4"}, "visitors see no dataset data", data_scope="ds_02"))

    # Switch the default workspace to private: what each user still sees is exactly what
    # ownership, public flags and the grants from before give (W7), so none was lost.
    s(cmd("ada", {"type": "set_workspace_mode", "workspace": "default", "mode": "private"}))
    new_ids = [f"new_{src}_{table}" for src, table, _ in TABLES]
    for u, _, _ in USERS:
        mine = [a["id"] for a in ASSETS if sees_private(u, a)]
        if u == "dev_li":
            mine += new_ids
        s(step(u, sorted(mine), visible_assets="default"))
        s(step(u, folders_holding([m for m in mine if m in BY_ID]), visible_folders="default"))
    for adm in ADMINS:
        s(step(adm, ALL_IDS + new_ids, visible_assets="default"))
        s(step(adm, ALL_FOLDERS, "admins see even the empty folder", visible_folders="default"))
    assert BY_ID["db_08"]["owner"] not in ("ana_sun", "ana_liu") and "db_08" not in PUBLIC
    s(check("ana_sun", allowed(), "a view grant to finance from before the upgrade",
            operation="view", asset="db_08"))
    s(check("ana_liu", refused("W7"), operation="view", asset="db_08"))
    s(check("vis_he", allowed(), "view on ssq_02 granted to bi_east", operation="view",
            asset="ssq_02"))
    s(check("vis_ma", refused(), "an expired grant grants nothing (A1)", operation="view",
            asset="adhoc_04"))
    s(cmd("ada", legacy(), "invalid", "the engine is no longer empty"))

    return scenario(
        "U1: the upgrade of a realistic organization keeps every admin, user, role, group, "
        "grant, data source and asset",
        ["U1", "O6", "W1", "W3", "W7", "R2", "R3", "R4", "R6", "A1", "A2", "A5", "P2", "D1",
         "D2", "D3", "D4"],
        steps,
        "Generated by generate_upgrade.py. 3 administrators, 10 users, 5 groups nested up to "
        "three levels, 3 data sources with 6 tables, 7 folders and "
        f"{len(ASSETS)} assets of every kind.")


def refusals():
    sc = []
    small = dict(
        users=[{"user": "root", "admin": True}, {"user": "kim", "roles": ["developer"]},
               {"user": "lee", "roles": ["analyst"]}],
        groups=[{"id": "g", "name": "G", "members": ["lee"]}],
        data_sources=[DATA_SOURCES[2]],
        folders=[{"id": "f", "name": "F", "created_by": "kim"}],
        assets=[{"id": "ds", "kind": "dataset", "name": "Ledger", "owner": "kim", "folder": "f"},
                {"id": "db", "kind": "dashboard", "name": "Board", "owner": "lee",
                 "references": ["ds"], "grants": [{"to": {"group": "g"}, "level": "view"}]}],
    )
    s = [
        cmd("kim", legacy(**small), {"denied": "U1"}, "a developer of the old organization",
            at=AT),
        cmd("lee", legacy(**small), {"denied": "U1"}, "an analyst"),
        cmd("nobody", legacy(**small), {"denied": "U1"}, "not a user of it at all"),
        cmd("root", legacy(**small), "ok"),
        step("root", ["db", "ds"], visible_assets="default"),
        step("kim", ["db", "ds"], visible_assets="default"),
        check("kim", allowed(), operation="delete", asset="ds"),
        check("lee", allowed(), operation="delete", asset="db"),
        check("lee", refused("R3"), operation="delete", asset="ds"),
    ]
    sc.append(scenario("U1: only an administrator of the old organization upgrades it",
                       ["U1", "X2"], s))

    def broken(note, **changes):
        doc = dict(small)
        doc.update(changes)
        return cmd("root", legacy(**doc), {"invalid": "U1"}, note)

    ok_assets = small["assets"]
    s = [
        broken("an asset owned by an unknown user",
               assets=ok_assets + [{"id": "x", "kind": "workbook", "name": "X",
                                    "owner": "ghost"}]),
        broken("a folder made by nobody known",
               folders=[{"id": "f", "name": "F", "created_by": "ghost"}]),
        broken("an asset in an unknown folder",
               assets=ok_assets + [{"id": "x", "kind": "workbook", "name": "X", "owner": "kim",
                                    "folder": "nowhere"}]),
        broken("a folder nested in an unknown folder",
               folders=small["folders"] + [{"id": "f2", "name": "F2", "parent": "nowhere",
                                            "created_by": "kim"}]),
        broken("a group with an unknown member",
               groups=[{"id": "g", "name": "G", "members": ["lee", "ghost"]}]),
        broken("a group nested in an unknown group",
               groups=small["groups"] + [{"id": "g2", "name": "G2", "parent": "nowhere"}]),
        broken("a grant to an unknown user",
               assets=[ok_assets[0], dict(ok_assets[1], grants=[
                   {"to": {"user": "ghost"}, "level": "view"}])]),
        broken("a reference to an unknown asset",
               assets=[ok_assets[0], dict(ok_assets[1], references=["ds", "gone"])]),
        broken("two assets with one id", assets=ok_assets + [dict(ok_assets[0], name="Copy")]),
        cmd("root", legacy(**dict(small, users=small["users"] + [
            {"user": "pat", "roles": ["superuser"]}])), "invalid", "an unknown role"),
        cmd("root", legacy(**dict(small, default_workspace="personal:x")), "invalid",
            "personal: starts only personal workspace ids"),
        cmd("root", legacy(**small), "ok", "the refused upgrades left the engine empty"),
        step("root", ["db", "ds"], visible_assets="default"),
        step("lee", ["f"], visible_folders="default"),
        cmd("root", legacy(**small), "invalid", "an upgrade runs on an empty engine"),
    ]
    sc.append(scenario("U1: an inconsistent legacy organization is refused, and nothing changes",
                       ["U1", "X2", "X5"], s))
    return sc


def main():
    write("u1_upgrade_refusals.json", refusals())
    write("u1_upgrade_realistic.json", [realistic()])


if __name__ == "__main__":
    main()
