//! A table of entities keyed by string id and stored densely by a small integer index.
//!
//! Ids arrive as strings at every boundary; inside, each is interned once so that lookups in
//! hot paths compare integers. A removed entity leaves an empty slot: its index is reused if
//! the same id is inserted again, so indexes held elsewhere never point at another entity.

use alloc::string::String;
use alloc::vec::Vec;
use core::hash::BuildHasher;
use core::marker::PhantomData;
use hashbrown::hash_table::Entry;
use hashbrown::{DefaultHashBuilder, HashTable};

/// A typed dense index into a [`Table`].
pub trait Index: Copy + Eq + Ord + core::hash::Hash + core::fmt::Debug {
    /// Wraps a raw slot number.
    fn from_raw(raw: u32) -> Self;
    /// The raw slot number.
    fn raw(self) -> u32;
}

macro_rules! index_type {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub(crate) u32);

        impl Index for $name {
            #[inline]
            fn from_raw(raw: u32) -> Self { $name(raw) }
            #[inline]
            fn raw(self) -> u32 { self.0 }
        }
    )+};
}

index_type! {
    /// A member of the organization.
    UserIx,
    /// A user group.
    GroupIx,
    /// A workspace, group or personal.
    WorkspaceIx,
    /// A folder.
    FolderIx,
    /// An asset.
    AssetIx,
    /// A custom organization role.
    OrgRoleIx,
    /// A custom workspace role, within its workspace.
    RoleIx,
}

/// Entities of one type, by id and by dense index.
///
/// The ids live once, end to end in one string (`text`, cut by `ends`), and the index by id
/// holds only slot numbers, hashed by the id they name: no allocation per id, and no second copy
/// of it as a map key. At 100,000 assets that is some 3 MB less in WebAssembly and one
/// allocation fewer per entity on load (`bench/wasm-load.mjs --parts`).
#[derive(Clone)]
pub struct Table<I: Index, T> {
    text: String,
    /// Where each index's id ends in `text`; it starts where the previous one ends.
    ends: Vec<u32>,
    by_id: HashTable<u32>,
    hasher: DefaultHashBuilder,
    slots: Vec<Option<T>>,
    live: usize,
    _index: PhantomData<I>,
}

impl<I: Index, T: core::fmt::Debug> core::fmt::Debug for Table<I, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(ix, v)| (self.id(ix), v)))
            .finish()
    }
}

impl<I: Index, T> Default for Table<I, T> {
    fn default() -> Self {
        Table {
            text: String::new(),
            ends: Vec::new(),
            by_id: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            slots: Vec::new(),
            live: 0,
            _index: PhantomData,
        }
    }
}

/// The id of slot `raw` in an arena (free function, so it borrows only the arena).
#[inline]
fn id_in<'a>(text: &'a str, ends: &[u32], raw: u32) -> &'a str {
    let end = ends.get(raw as usize).copied().unwrap_or(0) as usize;
    let start = match raw.checked_sub(1) {
        Some(prev) => ends.get(prev as usize).copied().unwrap_or(0) as usize,
        None => 0,
    };
    text.get(start..end).unwrap_or("")
}

impl<I: Index, T> Table<I, T> {
    /// Room for `n` more entities whose ids take about `bytes` bytes, so a load grows each
    /// vector once.
    pub(crate) fn reserve(&mut self, n: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(n);
        self.slots.reserve(n);
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        self.by_id
            .reserve(n, |&raw| hasher.hash_one(id_in(text, ends, raw)));
    }

    #[inline]
    fn slot_of(&self, id: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(id);
        let (text, ends) = (&self.text, &self.ends);
        self.by_id
            .find(hash, |&raw| id_in(text, ends, raw) == id)
            .copied()
    }

    /// The index of a live entity with this id.
    #[inline]
    pub fn find(&self, id: &str) -> Option<I> {
        let raw = self.slot_of(id)?;
        self.slots
            .get(raw as usize)?
            .as_ref()
            .map(|_| I::from_raw(raw))
    }

    /// Like [`Table::find`], trying the index after `prev` first: lists that come in the
    /// table's own order (a snapshot's, an earlier answer's) then cost a string comparison per
    /// id instead of a hash lookup.
    #[inline]
    pub fn find_next(&self, id: &str, prev: Option<I>) -> Option<I> {
        let next = prev.map_or(0, |p| p.raw().wrapping_add(1));
        let hit = (next as usize) < self.ends.len()
            && id_in(&self.text, &self.ends, next) == id
            && self.slots.get(next as usize).is_some_and(Option::is_some);
        if hit {
            Some(I::from_raw(next))
        } else {
            self.find(id)
        }
    }

    /// The id of every index ever given, live or not, by index.
    pub(crate) fn ids(&self) -> Ids<'_> {
        Ids {
            text: &self.text,
            ends: &self.ends,
            next: 0,
        }
    }

    /// The live entity at this index.
    #[inline]
    pub fn get(&self, ix: I) -> Option<&T> {
        self.slots.get(ix.raw() as usize)?.as_ref()
    }

    /// The live entity at this index, mutably.
    #[inline]
    pub fn get_mut(&mut self, ix: I) -> Option<&mut T> {
        self.slots.get_mut(ix.raw() as usize)?.as_mut()
    }

    /// The id of an index, live or not (an index always had an id).
    #[inline]
    pub fn id(&self, ix: I) -> &str {
        id_in(&self.text, &self.ends, ix.raw())
    }

    /// Whether an entity with this id is live.
    #[must_use]
    pub fn contains(&self, id: &str) -> bool {
        self.find(id).is_some()
    }

    /// Inserts an entity under a new id, or revives the slot of a removed one. Callers check
    /// that the id is not live first; a live entity is replaced.
    pub fn insert(&mut self, id: &str, value: T) -> I {
        // One hash and one probe, found or not (loads insert every id once).
        let Table {
            text,
            ends,
            by_id,
            hasher,
            slots,
            live,
            ..
        } = self;
        let hash = hasher.hash_one(id);
        let entry = {
            let (t, e) = (&*text, &*ends);
            by_id.entry(
                hash,
                |&r| id_in(t, e, r) == id,
                |&r| hasher.hash_one(id_in(t, e, r)),
            )
        };
        match entry {
            Entry::Occupied(found) => {
                let raw = *found.get();
                if let Some(slot) = slots.get_mut(raw as usize) {
                    if slot.is_none() {
                        *live += 1;
                    }
                    *slot = Some(value);
                }
                I::from_raw(raw)
            }
            Entry::Vacant(vacant) => {
                let raw = u32::try_from(slots.len()).unwrap_or(u32::MAX);
                vacant.insert(raw);
                text.push_str(id);
                ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
                slots.push(Some(value));
                *live += 1;
                I::from_raw(raw)
            }
        }
    }

    /// Removes the entity at this index and returns it.
    pub fn remove(&mut self, ix: I) -> Option<T> {
        let taken = self.slots.get_mut(ix.raw() as usize)?.take();
        if taken.is_some() {
            self.live -= 1;
        }
        taken
    }

    /// Number of live entities.
    #[must_use]
    pub fn len(&self) -> usize {
        self.live
    }

    /// One more than the highest index ever given: the size of a bitmap over indexes.
    #[must_use]
    pub fn index_bound(&self) -> usize {
        self.slots.len()
    }

    /// Live entities with their indexes, in index order.
    pub fn iter(&self) -> impl Iterator<Item = (I, &T)> {
        self.slots.iter().enumerate().filter_map(|(raw, slot)| {
            slot.as_ref()
                .map(|v| (I::from_raw(u32::try_from(raw).unwrap_or(u32::MAX)), v))
        })
    }

    /// Live entities mutably, in index order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (I, &mut T)> {
        self.slots.iter_mut().enumerate().filter_map(|(raw, slot)| {
            slot.as_mut()
                .map(|v| (I::from_raw(u32::try_from(raw).unwrap_or(u32::MAX)), v))
        })
    }

    /// Live indexes sorted by id: the canonical order of snapshots.
    #[must_use]
    pub fn sorted(&self) -> Vec<I> {
        let mut ixs: Vec<I> = self.iter().map(|(ix, _)| ix).collect();
        crate::sort::sort_unstable_by(&mut ixs, |a, b| self.id(*a).cmp(self.id(*b)));
        ixs
    }
}

/// The ids of a table by index ([`Table::ids`]).
#[derive(Clone, Debug, Default)]
pub struct Ids<'a> {
    text: &'a str,
    ends: &'a [u32],
    next: u32,
}

impl<'a> Iterator for Ids<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.next as usize >= self.ends.len() {
            return None;
        }
        let id = id_in(self.text, self.ends, self.next);
        self.next += 1;
        Some(id)
    }

    /// Skips without reading the ids skipped: a host that holds the first ids asks for the rest.
    fn nth(&mut self, n: usize) -> Option<&'a str> {
        self.next = u32::try_from(n)
            .ok()
            .and_then(|n| self.next.checked_add(n))
            .unwrap_or(u32::MAX);
        self.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.ends.len().saturating_sub(self.next as usize);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Ids<'_> {}
