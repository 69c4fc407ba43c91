//! The flush plan: parts before the envelope that names them, the head after it, deletions
//! last, no key twice a second, and never more than the budget.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;

fn due(workspaces: &[&str], buckets: &[u32], deleted: &[&str]) -> Due {
    Due {
        org: true,
        workspaces: workspaces.iter().map(|w| (*w).to_string()).collect(),
        deleted: deleted.iter().map(|w| (*w).to_string()).collect(),
        buckets: buckets.iter().copied().collect(),
        failures: 0,
    }
}

fn ws(id: &str) -> Unit {
    Unit::Workspace(id.into())
}

#[test]
fn parts_then_envelope_then_head_then_deletions() {
    let p = plan(
        &due(&["b", "a"], &[3], &["gone"]),
        &BTreeMap::new(),
        10_000,
        100,
        |_| 1,
    );
    assert_eq!(
        p.units,
        vec![
            ws("a"),
            ws("b"),
            Unit::Bucket(3),
            Unit::OrgEnvelope,
            Unit::Head,
            Unit::Delete("gone".into())
        ]
    );
    assert_eq!(p.again_at, None);
}

#[test]
fn nothing_due_writes_nothing() {
    let p = plan(&Due::default(), &BTreeMap::new(), 10_000, 100, |_| 1);
    assert_eq!(p, Plan::default());
    assert!(Due::default().is_empty());
}

#[test]
fn a_key_written_within_a_second_waits_and_so_does_the_envelope() {
    let mut written = BTreeMap::new();
    written.insert(ws("a"), 9_500);
    let p = plan(
        &due(&["a", "b"], &[], &["gone"]),
        &written,
        10_000,
        100,
        |_| 1,
    );
    // `b` goes now; `a` at 10,500; the envelope names `a`'s version, so it waits with it, and
    // the deletion waits for the envelope.
    assert_eq!(p.units, vec![ws("b")]);
    assert_eq!(p.again_at, Some(10_500));

    // Only the envelope is hot: the parts go, the envelope waits.
    let mut written = BTreeMap::new();
    written.insert(Unit::OrgEnvelope, 9_200);
    let p = plan(&due(&["a"], &[], &[]), &written, 10_000, 100, |_| 1);
    assert_eq!(p.units, vec![ws("a")]);
    assert_eq!(p.again_at, Some(10_200));
}

#[test]
fn the_budget_is_never_exceeded_and_what_is_left_goes_next_time() {
    let names: Vec<String> = (0..1_500).map(|i| format!("w{i:04}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut d = due(&refs, &[1, 2, 3], &[]);
    let mut rounds = 0;
    let now = 50_000;
    loop {
        rounds += 1;
        let p = plan(&d, &BTreeMap::new(), now, FLUSH_BUDGET, |u| match u {
            Unit::Workspace(_) => 2,
            _ => 1,
        });
        let spent: usize = p
            .units
            .iter()
            .map(|u| {
                if matches!(u, Unit::Workspace(_)) {
                    2
                } else {
                    1
                }
            })
            .sum();
        assert!(spent <= FLUSH_BUDGET, "round {rounds} spent {spent}");
        for u in &p.units {
            match u {
                Unit::Workspace(w) => {
                    d.workspaces.remove(w);
                }
                Unit::Bucket(b) => {
                    d.buckets.remove(b);
                }
                Unit::OrgEnvelope => d.org = false,
                _ => {}
            }
        }
        if d.is_empty() {
            assert!(p.units.ends_with(&[Unit::OrgEnvelope, Unit::Head]));
            break;
        }
        assert!(
            !p.units.contains(&Unit::OrgEnvelope),
            "envelope before its parts"
        );
        assert_eq!(p.again_at, Some(now), "more to do: flush again at once");
        assert!(rounds < 20);
    }
    // 3,000 part writes + 3 buckets + envelope + head at 500 a round.
    assert_eq!(rounds, 7);
}

#[test]
fn a_unit_larger_than_the_budget_still_goes_alone() {
    let p = plan(
        &due(&["huge", "small"], &[], &[]),
        &BTreeMap::new(),
        1,
        10,
        |u| {
            if *u == ws("huge") { 40 } else { 1 }
        },
    );
    assert_eq!(p.units, vec![ws("huge")]);
    assert_eq!(p.again_at, Some(1));
}

#[test]
fn backoff_doubles_up_to_a_minute() {
    assert_eq!(backoff(0, 1), 1_000);
    assert_eq!(backoff(0, 2), 2_000);
    assert_eq!(backoff(0, 5), 16_000);
    assert_eq!(backoff(0, 7), 60_000);
    assert_eq!(backoff(0, u32::MAX), 60_000);
    assert_eq!(backoff(u64::MAX, 3), u64::MAX);
}

#[test]
fn merged_debts_drop_parts_of_deleted_workspaces() {
    let mut a = due(&["x", "y"], &[1], &[]);
    a.merge(due(&[], &[2], &["x"]));
    assert_eq!(a.workspaces.len(), 1);
    assert!(a.deleted.contains("x") && a.buckets.contains(&2) && a.org);
}
