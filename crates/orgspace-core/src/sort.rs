//! The crate's sorts, which are small in WebAssembly.
//!
//! `slice::sort_by` and `sort_unstable_by` are compiled anew for every element type and
//! comparison, about 4 KB of WebAssembly each; the engine sorts some twenty kinds of lists
//! (ids, docs, points), which made sorting an eighth of the npm package. On `wasm` targets
//! these functions sort the positions of the elements with one merge sort, then move the
//! elements into place: per element type only the small permutation loop is compiled; each
//! comparison goes through a `dyn` call (about 1.7 times the standard sort's time on ids).
//! Elsewhere they are the standard sorts. The merge sort is stable, so both give the same
//! order wherever the standard stable sort is asked for; where an unstable sort is, the
//! elements that compare equal are equal (full `Ord`, or unique ids).

use alloc::vec::Vec;
use core::cmp::Ordering;

/// `slice::sort_by`: sorts `v` by `cmp`, stably.
pub(crate) fn sort_by<T>(v: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    if cfg!(target_family = "wasm") {
        small_sort_by(v, cmp);
    } else {
        v.sort_by(cmp);
    }
}

/// `slice::sort_unstable_by`: sorts `v` by `cmp`.
pub(crate) fn sort_unstable_by<T>(v: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    if cfg!(target_family = "wasm") {
        small_sort_by(v, cmp);
    } else {
        v.sort_unstable_by(cmp);
    }
}

/// `slice::sort`: sorts `v` by its order, stably.
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// `slice::sort_unstable`: sorts `v` by its order.
pub(crate) fn sort_unstable<T: Ord>(v: &mut [T]) {
    sort_unstable_by(v, T::cmp);
}

/// The sort for `wasm`: positions sorted by one merge sort, then the elements moved.
fn small_sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let mut order = sorted_positions(v.len(), &mut |a, b| match (v.get(a), v.get(b)) {
        (Some(x), Some(y)) => cmp(x, y),
        // Positions are below `v.len()`.
        _ => Ordering::Equal,
    });
    permute(v, &mut order);
}

/// The positions `0..n` ordered by `cmp` of the elements there: a bottom-up merge sort that
/// takes the left element on ties, so equal elements keep their order.
#[inline(never)]
fn sorted_positions(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged: Vec<usize> = Vec::with_capacity(n);
    let mut width: usize = 1;
    while width < n {
        merged.clear();
        for run in order.chunks(width.saturating_mul(2)) {
            let (left, right) = run.split_at(width.min(run.len()));
            let (mut left, mut right) = (left.iter().peekable(), right.iter().peekable());
            loop {
                let next = match (left.peek(), right.peek()) {
                    (Some(&&a), Some(&&b)) if cmp(b, a) == Ordering::Less => right.next(),
                    (Some(_), _) => left.next(),
                    (None, Some(_)) => right.next(),
                    (None, None) => break,
                };
                merged.extend(next);
            }
        }
        core::mem::swap(&mut order, &mut merged);
        width = width.saturating_mul(2);
    }
    order
}

/// Moves each element to its place: the element at `order[i]` goes to `i`. Follows each
/// cycle of the permutation with swaps, marking placed positions in `order` as it goes.
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        while let Some(&from) = order.get(at) {
            if from == start {
                break;
            }
            // `at` takes its element from `from`; the element `start` began with moves on
            // to `from`, whose own target is next.
            v.swap(at, from);
            if let Some(placed) = order.get_mut(at) {
                *placed = at;
            }
            at = from;
        }
        if let Some(placed) = order.get_mut(at) {
            *placed = at;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut seed: u32 = 7;
        for len in 0..200 {
            let mut v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ((seed >> 16) as u8 % 8, i)
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_by_key(|a| a.0);
            small_sort_by(&mut v, |a, b| a.0.cmp(&b.0));
            assert_eq!(v, expected, "length {len}");
        }
    }

    #[test]
    fn sorts_by_order() {
        let mut v = vec!["b", "c", "a", "b"];
        small_sort_by(&mut v, Ord::cmp);
        assert_eq!(v, ["a", "b", "b", "c"]);
        sort_unstable(&mut v);
        assert_eq!(v, ["a", "b", "b", "c"]);
    }
}
