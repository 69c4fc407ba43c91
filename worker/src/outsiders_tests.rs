//! The bound on writer calls for callers the envelope does not admit (issue 14, P1).

use super::*;

/// One caller's request at `now` as the gate runs it: the writer's answer is `member`.
fn ask(m: &mut Memo, f: &mut Flights<(String, String)>, actor: &str, now: u64) -> (bool, bool) {
    if let Some(known) = m.known("acme", actor, now, now, 0) {
        return (known, false);
    }
    let key = ("acme".to_string(), actor.to_string());
    assert_eq!(f.turn(&key, now), Turn::Go);
    let asked = m.may_ask("acme", actor, now, false);
    if asked {
        m.answered("acme", actor, false, now, 0);
    }
    f.land(&key);
    (false, asked)
}

#[test]
fn p1_a_refused_caller_is_not_asked_about_again_within_the_recheck_interval() {
    let mut m = Memo::default();
    m.answered("acme", "mallory", false, 10_050, 0);
    for t in [10_050, 10_500, 11_049] {
        assert_eq!(m.known("acme", "mallory", t, t, 0), Some(false), "at {t}");
    }
    // After the interval the writer is asked again: a member added meanwhile gets in.
    assert_eq!(m.known("acme", "mallory", 11_050, 11_050, 0), None);
    m.answered("acme", "mallory", true, 11_060, 0);
    // A member's answer serves only requests that arrived before it was given.
    assert_eq!(m.known("acme", "mallory", 11_055, 11_070, 0), Some(true));
    assert_eq!(m.known("acme", "mallory", 11_065, 11_070, 0), None);
    // Another organization is asked about on its own.
    assert_eq!(m.known("other", "mallory", 10_100, 10_100, 0), None);
}

#[test]
fn p1_one_caller_flooding_is_asked_about_once_a_recheck_interval() {
    let (mut m, mut f) = (Memo::default(), Flights::default());
    let asked = (0..30_000u64)
        .filter(|i| ask(&mut m, &mut f, "mallory", 5_000 + i).1)
        .count();
    assert_eq!(u64::try_from(asked).unwrap_or(0), 30_000 / RECHECK_MS);
}

#[test]
fn p1_a_flood_of_callers_costs_an_org_at_most_its_probes_a_second() {
    let (mut m, mut f) = (Memo::default(), Flights::default());
    // 1,000 different callers within 3 seconds: at most PROBES_PER_SECOND asks in each second.
    let asked = (0..1_000u64)
        .filter(|i| ask(&mut m, &mut f, &format!("user{i}"), 20_000 + i * 3).1)
        .count();
    assert_eq!(asked, usize::try_from(3 * PROBES_PER_SECOND).unwrap_or(0));
}

#[test]
fn p1_requests_during_an_ask_wait_for_it_unless_it_hangs() {
    let mut f = Flights::default();
    let key = ("acme".to_string(), "mallory".to_string());
    assert_eq!(f.turn(&key, 1_000), Turn::Go);
    assert_eq!(f.turn(&key, 1_010), Turn::Wait);
    assert_eq!(f.turn(&key, 1_000 + FLIGHT_MS - 1), Turn::Wait);
    assert_eq!(f.turn(&key, 1_000 + FLIGHT_MS), Turn::Go);
    f.land(&key);
    assert_eq!(f.turn(&key, 1_000 + FLIGHT_MS + 1), Turn::Go);
}

#[test]
fn p1_known_members_are_asked_about_beyond_the_organizations_cap() {
    let mut m = Memo::default();
    m.answered("acme", "bob", true, 1_000, 0);
    for i in 0..PROBES_PER_SECOND {
        assert!(m.may_ask("acme", &format!("x{i}"), 2_000, false));
    }
    assert!(!m.may_ask("acme", "mallory", 2_001, false));
    // While KV lags, every request of a member asks: the cap of outsiders does not stop them.
    for t in 2_002..2_100 {
        assert!(m.may_ask("acme", "bob", t, false));
    }
}

#[test]
fn p1_a_refusal_does_not_stand_for_a_caller_who_names_the_write_that_added_them() {
    let mut m = Memo::default();
    // bob asked at version 5 and was refused; the write that adds him is version 6.
    m.answered("acme", "bob", false, 10_000, 5);
    assert_eq!(m.known("acme", "bob", 10_100, 10_100, 5), Some(false));
    assert_eq!(m.known("acme", "bob", 10_100, 10_100, 0), Some(false));
    // A request naming version 6 (read your writes) asks the writer again, within the second.
    assert_eq!(m.known("acme", "bob", 10_200, 10_200, 6), None);
    // An outsider naming ever larger versions: each refusal raises the version it stands for,
    // so one naming no more than the largest yet is answered from memory.
    m.answered("acme", "mallory", false, 10_000, u64::MAX >> 11);
    m.answered("acme", "mallory", false, 10_010, 3);
    assert_eq!(
        m.known("acme", "mallory", 10_020, 10_020, u64::MAX >> 11),
        Some(false)
    );
}

#[test]
fn p1_members_the_last_envelope_lists_are_asked_about_beyond_the_cap() {
    // After an upgrade KV lags behind the version asked for: every member of the org asks the
    // writer in the same second, and none of them is an outsider to cap.
    let mut m = Memo::default();
    for i in 0..PROBES_PER_SECOND {
        assert!(m.may_ask("acme", &format!("x{i}"), 2_000, false));
    }
    assert!(!m.may_ask("acme", "mallory", 2_001, false));
    for i in 0..50 {
        assert!(m.may_ask("acme", &format!("member{i}"), 2_002, true));
    }
}
