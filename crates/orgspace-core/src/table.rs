//! A table of entities keyed by string id and stored densely by a small integer index.
//!
//! Ids arrive as strings at every boundary; inside, each is interned once so that lookups in
//! hot paths compare integers. A removed entity leaves an empty slot: its index is reused if
//! the same id is inserted again, so indexes held elsewhere never point at another entity.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::marker::PhantomData;
use hashbrown::HashMap;

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
#[derive(Clone, Debug)]
pub struct Table<I: Index, T> {
    ids: Vec<Box<str>>,
    by_id: HashMap<Box<str>, u32>,
    slots: Vec<Option<T>>,
    live: usize,
    _index: PhantomData<I>,
}

impl<I: Index, T> Default for Table<I, T> {
    fn default() -> Self {
        Table {
            ids: Vec::new(),
            by_id: HashMap::new(),
            slots: Vec::new(),
            live: 0,
            _index: PhantomData,
        }
    }
}

impl<I: Index, T> Table<I, T> {
    /// The index of a live entity with this id.
    #[inline]
    pub fn find(&self, id: &str) -> Option<I> {
        let raw = *self.by_id.get(id)?;
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
        let hit = self.ids.get(next as usize).is_some_and(|x| **x == *id)
            && self.slots.get(next as usize).is_some_and(Option::is_some);
        if hit {
            Some(I::from_raw(next))
        } else {
            self.find(id)
        }
    }

    /// The id of every index ever given, live or not, by index.
    pub(crate) fn ids(&self) -> &[Box<str>] {
        &self.ids
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
        self.ids.get(ix.raw() as usize).map_or("", |id| id)
    }

    /// Whether an entity with this id is live.
    #[must_use]
    pub fn contains(&self, id: &str) -> bool {
        self.find(id).is_some()
    }

    /// Inserts an entity under a new id, or revives the slot of a removed one. Callers check
    /// that the id is not live first; a live entity is replaced.
    pub fn insert(&mut self, id: &str, value: T) -> I {
        if let Some(&raw) = self.by_id.get(id) {
            if let Some(slot) = self.slots.get_mut(raw as usize) {
                if slot.is_none() {
                    self.live += 1;
                }
                *slot = Some(value);
                return I::from_raw(raw);
            }
        }
        let raw = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
        self.ids.push(Box::from(id));
        self.by_id.insert(Box::from(id), raw);
        self.slots.push(Some(value));
        self.live += 1;
        I::from_raw(raw)
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
