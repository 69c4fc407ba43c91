//! The writer's part cache: least recently used parts go first, within the byte budget.

use super::*;

fn held(parts: &[(&str, usize)]) -> Held {
    let mut h = Held::default();
    for (w, b) in parts {
        h.touch(w, *b);
    }
    h
}

#[test]
fn keeps_the_most_recent_parts_that_fit() {
    let h = held(&[("a", 4), ("b", 3), ("c", 2)]);
    assert_eq!(h.bytes(), 9);
    // 10 bytes of budget, 4 wanted: c (2) and b (3) fit, a (4) does not.
    assert_eq!(
        h.keep(4, 10),
        vec![("b".to_string(), 3), ("c".to_string(), 2)]
    );
    // Everything fits.
    assert_eq!(h.keep(0, 9).len(), 3);
}

#[test]
fn stops_at_the_first_part_that_does_not_fit() {
    // Recency order is kept: an older small part is not kept over a newer one dropped.
    let h = held(&[("small", 1), ("big", 8), ("new", 1)]);
    assert_eq!(h.keep(0, 5), vec![("new".to_string(), 1)]);
}

#[test]
fn a_call_larger_than_the_budget_keeps_nothing_else() {
    let h = held(&[("a", 1)]);
    assert!(h.keep(100, 10).is_empty());
    assert!(h.keep(0, 0).is_empty());
}

#[test]
fn touch_moves_a_part_to_the_most_recent_end_and_forget_drops_it() {
    let mut h = held(&[("a", 1), ("b", 1)]);
    h.touch("a", 2);
    assert_eq!(h.ids().collect::<Vec<_>>(), vec!["b", "a"]);
    assert_eq!(h.bytes(), 3);
    h.forget("b");
    assert!(!h.holds("b"));
    assert!(h.holds("a"));
}
