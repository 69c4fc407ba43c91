"""Shared helpers of the data-permission scenario generators (python3, stdlib only).

Scenario files are written one step per line so that a diff shows what changed. Nothing here
evaluates predicates: which rows a user sees is always listed by hand in the generators, from
docs/rules.md D1-D4 and docs/decisions.md; `seen` only projects those rows (hidden columns left out,
masked ones "***", a missing cell shown as null).
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def step(actor, expect="ok", note=None, at=None, **action):
    """One step: `action` is exactly one of command, check, visible_assets, visible_folders,
    filter, dry_run, data_scope, preview."""
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


def scenario(name, rules, steps, description=None):
    s = {"name": name, "rules": rules}
    if description:
        s["description"] = description
    s["steps"] = steps
    return s


def dumps_scenarios(scenarios):
    """An array of scenarios, one step per line."""
    out = ["["]
    for i, sc in enumerate(scenarios):
        out.append("  {")
        keys = [k for k in sc if k != "steps"]
        for k in keys:
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
    print(f"wrote {path}: {len(scenarios)} scenarios, "
          f"{sum(len(s['steps']) for s in scenarios)} steps")
