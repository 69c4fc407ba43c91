//! `filter` over ids in any order: the core decides them in its own index order.
//!
//! The core reads each asset it decides; in index order those reads walk its memory forward,
//! in any other order each is a cache miss (100,000 shuffled ids: several milliseconds of
//! misses against a fraction of one in order). So a list that is not in index order is
//! decided as the set of indexes it asks about, in ascending order, and each position keeps
//! the answer of its index. Both sets are bitmaps over the indexes (12.5 KB for 100,000
//! assets), so every random access lands in a small, hot block of memory. The answer is the
//! one of deciding the list as it came: each position is decided on its own index.

/// The index `filter` writes for an id the engine does not know.
const UNKNOWN: u32 = u32::MAX;

/// The positions in `ixs` (asset indexes, [`UNKNOWN`] for unknown ids) that `decide` keeps,
/// ascending. `decide` gets indexes in ascending order and answers the positions in its own
/// list that it keeps; unknown ids are never handed to it out of order.
pub(crate) fn kept_in_any_order<E>(
    ixs: &[u32],
    decide: impl FnOnce(&[u32]) -> Result<Vec<u32>, E>,
) -> Result<Vec<u32>, E> {
    if ixs.is_sorted() {
        // The engine's own order (or a list sorted like it): the positions are the caller's.
        return decide(ixs);
    }
    let bound = ixs
        .iter()
        .filter(|&&ix| ix != UNKNOWN)
        .max()
        .map_or(0, |&m| m as usize + 1);
    let mut asked = Bits::new(bound);
    for &ix in ixs {
        asked.set(ix);
    }
    let sorted = asked.ones();
    let kept = decide(&sorted)?;
    let mut allowed = Bits::new(bound);
    for k in kept {
        if let Some(&ix) = sorted.get(k as usize) {
            allowed.set(ix);
        }
    }
    Ok((0u32..)
        .zip(ixs)
        .filter(|&(_, &ix)| allowed.has(ix))
        .map(|(k, _)| k)
        .collect())
}

/// A set of indexes below a bound; indexes at or above it are never in it.
struct Bits(Vec<u32>);

impl Bits {
    fn new(bound: usize) -> Bits {
        Bits(vec![0; bound.div_ceil(32)])
    }

    fn set(&mut self, ix: u32) {
        if let Some(w) = self.0.get_mut((ix / 32) as usize) {
            *w |= 1 << (ix % 32);
        }
    }

    fn has(&self, ix: u32) -> bool {
        self.0
            .get((ix / 32) as usize)
            .is_some_and(|w| w & (1 << (ix % 32)) != 0)
    }

    /// The indexes in the set, ascending.
    fn ones(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.0.iter().map(|w| w.count_ones() as usize).sum());
        for (w, &word) in (0u32..).zip(&self.0) {
            let mut word = word;
            while word != 0 {
                out.push(w * 32 + word.trailing_zeros());
                word &= word - 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answer of deciding each position where it stands: what `filter` promises.
    fn direct(ixs: &[u32], allowed: impl Fn(u32) -> bool) -> Vec<u32> {
        (0u32..)
            .zip(ixs)
            .filter(|&(_, &ix)| ix != UNKNOWN && allowed(ix))
            .map(|(pos, _)| pos)
            .collect()
    }

    fn sorted_decide(allowed: impl Fn(u32) -> bool) -> impl FnOnce(&[u32]) -> Result<Vec<u32>, ()> {
        move |ixs: &[u32]| {
            assert!(ixs.is_sorted(), "decided in index order");
            Ok(direct(ixs, &allowed))
        }
    }

    /// A deterministic permutation-ish list: `count` indexes below `bound`, with repeats and
    /// unknown ids.
    fn scrambled(count: u32, bound: u32, seed: u32) -> Vec<u32> {
        let mut x = seed | 1;
        (0..count)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                if x % 29 == 0 { UNKNOWN } else { x % bound }
            })
            .collect()
    }

    // SPEC X1 via `filter` = `check`: the order of a list changes no answer.
    #[test]
    fn any_order_keeps_what_deciding_in_place_keeps() {
        let allowed = |ix: u32| ix % 3 == 0 || ix % 7 == 1;
        for (count, bound, seed) in [
            (0, 1, 1),
            (1, 1, 2),
            (5, 3, 3),
            (1000, 100_000, 4),
            (20_000, 20_000, 5),
            (3000, 5_000_000, 6),
            (4000, u32::MAX - 1, 7),
        ] {
            let ixs = scrambled(count, bound, seed);
            let got = kept_in_any_order(&ixs, sorted_decide(allowed)).unwrap_or_default();
            assert_eq!(got, direct(&ixs, allowed), "{count} ids below {bound}");
        }
    }

    #[test]
    fn a_list_in_index_order_is_decided_as_it_is() {
        let ixs = [0, 1, 1, 4, 9, UNKNOWN];
        let got = kept_in_any_order(&ixs, |seen: &[u32]| -> Result<Vec<u32>, ()> {
            assert_eq!(seen, ixs, "no copy, no sort");
            Ok(vec![1, 3])
        });
        assert_eq!(got, Ok(vec![1, 3]));
    }

    #[test]
    fn a_shuffled_list_is_decided_once_per_index_in_ascending_order() {
        let got = kept_in_any_order(
            &[70_000, 5, UNKNOWN, 5, 31, 32, 0],
            |seen: &[u32]| -> Result<Vec<u32>, ()> {
                assert_eq!(seen, [0, 5, 31, 32, 70_000]);
                Ok(vec![1, 3, 4])
            },
        );
        assert_eq!(got, Ok(vec![0, 1, 3, 5]));
    }

    #[test]
    fn a_refusal_passes_through() {
        assert_eq!(
            kept_in_any_order(&[3, 1], |_: &[u32]| Err("denied")),
            Err("denied")
        );
    }
}
