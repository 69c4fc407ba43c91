//! `worker/openapi.yaml` against the code, so that the document cannot drift from the API: the
//! same routes (the command table here, the query routes, and the Router of `edge/mod.rs`), the
//! same command per route, and for every command route a request body whose properties are
//! exactly the fields the route accepts (read from the command's own deserializer), required
//! exactly where the deserializer requires them. Adding a route without documenting it, or a
//! field to a command, fails here.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail the calling test on purpose"
)]

use super::tests::{sample_input, sample_param};
use super::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use yaml_rust2::{Yaml, YamlLoader};

const DOCUMENT: &str = include_str!("../openapi.yaml");
const EDGE: &str = include_str!("edge/mod.rs");

fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Real(r) => json!(r.parse::<f64>().unwrap()),
        Yaml::Integer(i) => json!(i),
        Yaml::String(s) => json!(s),
        Yaml::Boolean(b) => json!(b),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Yaml::String(s) => s.clone(),
                        Yaml::Integer(i) => i.to_string(),
                        other => panic!("a key that is not a string: {other:?}"),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Yaml::Null => Value::Null,
        other => panic!("unexpected YAML: {other:?}"),
    }
}

fn document() -> Value {
    let docs = YamlLoader::load_from_str(DOCUMENT).expect("worker/openapi.yaml is YAML");
    to_json(&docs[0])
}

/// `:name` segments as OpenAPI's `{name}`.
fn openapi_path(path: &str) -> String {
    path.split('/')
        .map(|s| match s.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => s.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Follows a `$ref` within the document.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.strip_prefix('#').expect("a local $ref");
            resolve(
                doc,
                doc.pointer(pointer)
                    .unwrap_or_else(|| panic!("{r} resolves")),
            )
        }
        None => v,
    }
}

/// `(METHOD, path)` -> the operation, for every operation of the document.
fn operations(doc: &Value) -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method != "parameters" {
                out.insert((method.to_uppercase(), path.clone()), op.clone());
            }
        }
    }
    out
}

/// The routes the Router of `edge/mod.rs` registers with a literal path (the test-only routes
/// are constants and stay out of the document).
fn edge_routes() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for method in ["get", "post", "put", "patch", "delete"] {
        let call = format!(".{method}_async(");
        for (at, _) in EDGE.match_indices(&call) {
            let rest = EDGE[at + call.len()..].trim_start();
            if let Some(literal) = rest.strip_prefix('"') {
                let path = &literal[..literal.find('"').unwrap()];
                out.insert((method.to_uppercase(), path.to_string()));
            }
        }
    }
    out
}

/// The fields a command route's deserializer accepts, from its refusal of an unknown one.
fn accepted_fields(route: &CommandRoute) -> BTreeSet<String> {
    let e = build_command(route, sample_param, &[], Some(json!({"zz_unknown": true})))
        .expect_err("an unknown field is refused");
    let (_, expected) = e
        .message
        .split_once("expected ")
        .unwrap_or_else(|| panic!("{}: {}", route.command, e.message));
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_document_names_every_route_of_the_code_and_only_those() {
    let doc = document();
    let documented: BTreeMap<(String, String), Option<String>> = operations(&doc)
        .into_iter()
        .map(|(k, op)| {
            (
                k,
                op.get("x-command")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            )
        })
        .collect();
    let mut code: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    for r in COMMAND_ROUTES {
        code.insert(
            (r.method.as_str().to_string(), openapi_path(r.path)),
            Some(r.command.to_string()),
        );
    }
    for (m, p) in QUERY_ROUTES {
        code.insert((m.as_str().to_string(), openapi_path(p)), None);
    }
    assert_eq!(
        documented.keys().collect::<Vec<_>>(),
        code.keys().collect::<Vec<_>>(),
        "worker/openapi.yaml and the route table name different routes"
    );
    for (key, command) in &code {
        assert_eq!(&documented[key], command, "x-command of {key:?}");
    }
    // The Router registers exactly the query routes; the command routes come from the table.
    let registered = edge_routes();
    let queries: BTreeSet<(String, String)> = QUERY_ROUTES
        .iter()
        .map(|(m, p)| (m.as_str().to_string(), (*p).to_string()))
        .collect();
    assert_eq!(
        registered, queries,
        "edge/mod.rs registers other routes than QUERY_ROUTES"
    );
}

#[test]
fn every_command_route_documents_exactly_the_fields_it_accepts() {
    let doc = document();
    let ops = operations(&doc);
    for route in COMMAND_ROUTES {
        let key = (route.method.as_str().to_string(), openapi_path(route.path));
        let op = &ops[&key];
        let what = format!("{} {} ({})", key.0, key.1, route.command);
        // What the path and the query string give is not the body's.
        let mut accepted = accepted_fields(route);
        accepted.remove("type");
        accepted.remove("target");
        for (_, field) in route.params {
            accepted.remove(*field);
        }
        let documented_query: BTreeSet<String> = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| resolve(&doc, p))
            .filter(|p| p["in"] == "query" && p["name"] != "min_version")
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        let query: BTreeSet<String> = route.query.iter().map(|q| (*q).to_string()).collect();
        assert_eq!(documented_query, query, "{what}: query parameters");
        let schema = op
            .pointer("/requestBody/content/application~1json/schema")
            .map(|s| resolve(&doc, s));
        let Some(schema) = schema else {
            let body: BTreeSet<String> = accepted.difference(&query).cloned().collect();
            assert!(
                body.is_empty(),
                "{what}: takes body fields {body:?} the document does not name"
            );
            continue;
        };
        // `null` and no body count as `{}`, which a route without required fields may say.
        assert!(
            schema["type"] == "object" || schema["type"] == json!(["object", "null"]),
            "{what}: {}",
            schema["type"]
        );
        assert_eq!(
            schema["additionalProperties"], false,
            "{what}: unknown fields are refused"
        );
        let properties: BTreeSet<String> = schema["properties"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        let body: BTreeSet<String> = accepted.difference(&query).cloned().collect();
        assert_eq!(properties, body, "{what}: body properties");
        // Required exactly where the deserializer requires: drop each field from a valid body.
        let required: BTreeSet<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let (sample, pairs) = sample_input(route.command);
        let sample = sample.unwrap_or_else(|| json!({}));
        let sample = sample.as_object().unwrap();
        for field in &required {
            assert!(
                sample.contains_key(field),
                "{what}: the sample body lacks required `{field}`"
            );
        }
        for field in sample.keys() {
            let mut without = sample.clone();
            without.remove(field);
            let built = build_command(route, sample_param, &pairs, Some(Value::Object(without)));
            assert_eq!(
                built.is_err(),
                required.contains(field),
                "{what}: `{field}` is {}required by the API",
                if built.is_err() { "" } else { "not " }
            );
        }
    }
}
