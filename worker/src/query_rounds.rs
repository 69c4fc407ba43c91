//! A list question spread over many workspaces, answered a few parts at a time (issue 13).
//!
//! A filter or a batch of checks may name assets of hundreds of workspaces. Each id's answer
//! depends on the org part and the one part holding it (and, for a check, the part its hint
//! names), so the writer can load a bounded set of parts, answer the ids they hold, drop them
//! and go on: its memory follows the round, not the list. This file plans the rounds and puts
//! the answers back in the caller's order; it decides nothing (the core answers each round).
//! `tests/worker/rounds.test.mjs` holds the answer in rounds equal to the answer in one piece.

use crate::api_error::ApiError;
use crate::queries::Query;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The most workspaces one filter or batch may reach. Past it the caller is asked to split the
/// list: each workspace costs the writer a part load, and at the benchmark's full org a list
/// over every workspace would take it most of a minute.
pub const MAX_QUERY_WORKSPACES: usize = 1_000;

/// One round: the parts to hold and the items (positions in the list) they answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Workspace ids.
    pub parts: BTreeSet<String>,
    /// Positions of the ids (filter) or checks (batch) this round answers, ascending.
    pub items: Vec<usize>,
}

/// The parts each item of a spread list needs, given where each located asset lives; `None`
/// for any other question (it is answered in one piece).
#[must_use]
pub fn item_parts(query: &Query, located: &BTreeMap<String, String>) -> Option<Vec<Vec<String>>> {
    let at = |asset: &str| located.get(asset).cloned();
    match query {
        Query::Filter {
            assets,
            workspace: None,
            ..
        } => Some(assets.iter().map(|a| at(a).into_iter().collect()).collect()),
        Query::Check {
            checks,
            batch: true,
        } => Some(
            checks
                .iter()
                .map(|c| {
                    // A hint may be wrong: the part it names and the part holding the asset.
                    let mut parts: Vec<String> = c.workspace.iter().cloned().collect();
                    parts.extend(c.asset.as_deref().and_then(at));
                    parts.sort();
                    parts.dedup();
                    parts
                })
                .collect(),
        ),
        _ => None,
    }
}

/// The asset ids a spread list names, to locate first.
#[must_use]
pub fn assets_named(query: &Query) -> Vec<&str> {
    match query {
        Query::Filter {
            assets,
            workspace: None,
            ..
        } => assets.iter().map(String::as_str).collect(),
        Query::Check {
            checks,
            batch: true,
        } => checks.iter().filter_map(|c| c.asset.as_deref()).collect(),
        _ => Vec::new(),
    }
}

/// Rounds for `needs` (the parts of each item): items grouped by the parts they need, a round
/// closed when adding the next group would pass `budget` (by `cost`, an upper bound of a part's
/// bytes) or `max_parts`; a group alone larger than the budget is a round of its own. Items
/// needing no part (unknown ids) go in the first round.
///
/// # Errors
///
/// `invalid` when the items reach more than [`MAX_QUERY_WORKSPACES`] workspaces.
pub fn plan(
    needs: &[Vec<String>],
    cost: impl Fn(&str) -> usize,
    budget: usize,
    max_parts: usize,
) -> Result<Vec<Round>, ApiError> {
    let reached: BTreeSet<&String> = needs.iter().flatten().collect();
    if reached.len() > MAX_QUERY_WORKSPACES {
        return Err(ApiError::invalid(format!(
            "the list names assets of {} workspaces; at most {MAX_QUERY_WORKSPACES} per request: split it (a `workspace` per request is answered at the edge)",
            reached.len()
        )));
    }
    let mut groups: BTreeMap<&[String], Vec<usize>> = BTreeMap::new();
    for (i, parts) in needs.iter().enumerate() {
        groups.entry(parts.as_slice()).or_default().push(i);
    }
    let mut rounds: Vec<Round> = Vec::new();
    let mut open = Round::default();
    let mut open_cost = 0usize;
    for (parts, items) in groups {
        let new: Vec<&String> = parts.iter().filter(|p| !open.parts.contains(*p)).collect();
        let add: usize = new.iter().map(|p| cost(p)).sum();
        let too_much =
            open_cost.saturating_add(add) > budget || open.parts.len() + new.len() > max_parts;
        if too_much && !open.parts.is_empty() {
            rounds.push(std::mem::take(&mut open));
            open_cost = 0;
            let add: usize = parts.iter().map(|p| cost(p)).sum();
            open.parts.extend(parts.iter().cloned());
            open_cost += add;
        } else {
            open.parts.extend(new.into_iter().cloned());
            open_cost = open_cost.saturating_add(add);
        }
        open.items.extend(items);
    }
    if !open.items.is_empty() || rounds.is_empty() {
        rounds.push(open);
    }
    for r in &mut rounds {
        r.items.sort_unstable();
    }
    Ok(rounds)
}

/// The question of one round: the same list cut to `items`.
#[must_use]
pub fn sub_query(query: &Query, items: &[usize]) -> Query {
    match query {
        Query::Filter {
            operation,
            assets,
            workspace,
        } => Query::Filter {
            operation: *operation,
            assets: items
                .iter()
                .filter_map(|&i| assets.get(i).cloned())
                .collect(),
            workspace: workspace.clone(),
        },
        Query::Check { checks, batch } => Query::Check {
            checks: items
                .iter()
                .filter_map(|&i| checks.get(i).cloned())
                .collect(),
            batch: *batch,
        },
        other => other.clone(),
    }
}

/// The answer to the whole list from the rounds' answers (each `(items, answer)`), in the
/// caller's order: a filter keeps every id a round kept (an id's answer does not depend on the
/// round it is asked in); a batch puts each result back at its position.
///
/// # Errors
///
/// `internal` when a round's answer is not of the question's shape.
pub fn join(query: &Query, answers: Vec<(Vec<usize>, Value)>) -> Result<Value, ApiError> {
    let shape = || ApiError::internal("a round's answer is not of the question's shape");
    match query {
        Query::Filter { assets, .. } => {
            let mut kept: BTreeSet<String> = BTreeSet::new();
            for (_, answer) in answers {
                let ids = answer
                    .get("assets")
                    .and_then(Value::as_array)
                    .ok_or_else(shape)?;
                kept.extend(ids.iter().filter_map(Value::as_str).map(str::to_string));
            }
            let ids: Vec<&String> = assets.iter().filter(|a| kept.contains(*a)).collect();
            Ok(json!({ "assets": ids }))
        }
        Query::Check { checks, .. } => {
            let mut results: Vec<Value> = vec![Value::Null; checks.len()];
            for (items, answer) in answers {
                let got = answer
                    .get("results")
                    .and_then(Value::as_array)
                    .ok_or_else(shape)?;
                if got.len() != items.len() {
                    return Err(shape());
                }
                for (&i, r) in items.iter().zip(got) {
                    *results.get_mut(i).ok_or_else(shape)? = r.clone();
                }
            }
            if results.iter().any(Value::is_null) {
                return Err(shape());
            }
            Ok(json!({ "results": results }))
        }
        _ => Err(shape()),
    }
}

#[cfg(test)]
#[path = "query_rounds_tests.rs"]
mod tests;
