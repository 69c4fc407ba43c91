//! `state` steps: fields of the whole state, read from the snapshot JSON the way every host
//! can (the JavaScript runner, `tests/lib/conformance.mjs`, reads them the same way).

use crate::scenario::StateQuery;
use serde_json::{Map, Value, json};

/// The fields an asset's state holds.
const ASSET_FIELDS: [&str; 4] = ["owner", "workspace", "folder", "public"];
/// The fields a member's state holds.
const MEMBER_FIELDS: [&str; 3] = ["org_roles", "workspaces", "groups"];

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

fn sorted_strings<'a>(items: impl Iterator<Item = &'a Value>) -> Value {
    let mut out: Vec<&str> = items.filter_map(Value::as_str).collect();
    out.sort_unstable();
    json!(out)
}

/// The state the query asks for, or `None` when its asset or member does not exist.
/// `Err` for a query that names neither or both.
pub(crate) fn state_of(
    snapshot: &Value,
    q: &StateQuery,
) -> Result<Option<Map<String, Value>>, String> {
    let parts = || list(snapshot, "workspaces");
    let org = snapshot.get("org").unwrap_or(&Value::Null);
    match (&q.asset, &q.member) {
        (Some(id), None) => Ok(parts().find_map(|part| {
            let a =
                list(part, "assets").find(|a| a.get("id").and_then(Value::as_str) == Some(id))?;
            let mut m = Map::new();
            m.insert(
                "owner".into(),
                a.get("owner").cloned().unwrap_or(Value::Null),
            );
            m.insert(
                "workspace".into(),
                part.get("id").cloned().unwrap_or(Value::Null),
            );
            m.insert(
                "folder".into(),
                a.get("folder").cloned().unwrap_or(Value::Null),
            );
            m.insert(
                "public".into(),
                json!(a.get("public").and_then(Value::as_bool).unwrap_or(false)),
            );
            Some(m)
        })),
        (None, Some(user)) => {
            let is = |v: &Value| v.as_str() == Some(user);
            let Some(doc) = list(org, "members").find(|m| m.get("user").is_some_and(is)) else {
                return Ok(None);
            };
            let mut workspaces = Map::new();
            for part in parts() {
                if let (Some(id), Some(w)) = (
                    part.get("id").and_then(Value::as_str),
                    list(part, "members").find(|m| m.get("user").is_some_and(is)),
                ) {
                    workspaces.insert(id.into(), sorted_strings(list(w, "roles")));
                }
            }
            let groups = list(org, "groups")
                .filter(|g| list(g, "members").any(is))
                .filter_map(|g| g.get("id"));
            let mut m = Map::new();
            m.insert("org_roles".into(), sorted_strings(list(doc, "roles")));
            m.insert("workspaces".into(), Value::Object(workspaces));
            m.insert("groups".into(), sorted_strings(groups));
            Ok(Some(m))
        }
        _ => Err("a state step names one `asset` or one `member`".into()),
    }
}

/// A value with every list of strings sorted, at any depth: lists compare as sets.
fn normalized(v: &Value) -> Value {
    match v {
        Value::Array(items) if items.iter().all(Value::is_string) => sorted_strings(items.iter()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), normalized(v))).collect())
        }
        other => other.clone(),
    }
}

/// Compares the expected fields with the state; `Err` says what differs.
pub(crate) fn compare(
    q: &StateQuery,
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
) -> Result<(), String> {
    let known: &[&str] = if q.asset.is_some() {
        &ASSET_FIELDS
    } else {
        &MEMBER_FIELDS
    };
    for (key, want) in expected {
        if !known.contains(&key.as_str()) {
            return Err(format!(
                "unknown state field `{key}` (known: {})",
                known.join(", ")
            ));
        }
        let got = actual.get(key).map(normalized).unwrap_or(Value::Null);
        if normalized(want) != got {
            return Err(format!("{key}: expected {want}, got {got}"));
        }
    }
    Ok(())
}
