//! A slot map whose handles are salted per workspace.
//!
//! `slotmap` already makes handles generational: a deleted entity's handle
//! never matches a later entity in the same slot. Two workspaces built the
//! same way would still hand out identical handles, though, so a handle
//! carried over by mistake would name the wrong entity. Every arena therefore
//! XORs the version half of its handles with the workspace's salt (an even
//! number, so the slot map's "occupied versions are odd" rule holds). A handle
//! from another workspace maps to a version no live slot has.
//!
//! A workspace's salt sets only the upper 20 bits of the version, so the
//! lower bits still count the slot's generations, and a handle prints as
//! `course#2v1` with no salt in sight. Files saved by 0.1.0 carry salts
//! with lower bits set: they load and work as before, and only their
//! printed generations start elsewhere than 1.
//!
//! This is the only module that touches raw slot map keys.

mod segments;

use crate::handles::Handle as Key;
use segments::Segments;
use slotmap::KeyData;
use std::hash::BuildHasher;
use std::marker::PhantomData;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// How many low bits of a handle's version the salt leaves alone: they
/// hold the slot's generation, which [`slot_and_generation`] shows.
const GENERATION_BITS: u32 = 12;

/// A fresh salt: 20 bits above the generation bits, so that a handle's
/// printed generation is its own. Salts are handed out as a permutation of
/// their 2^20 values from a random start, so that no two of the next
/// 1,048,576 workspaces a process makes share a salt; two workspaces made
/// in different processes share one with a chance of one in 2^20.
pub(crate) fn fresh_salt() -> u32 {
    static START: OnceLock<u32> = OnceLock::new();
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let start = *START.get_or_init(|| {
        let hash = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
        (hash >> 32) as u32
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    // An odd step makes `start + n * step` a permutation modulo 2^20.
    let permuted = start.wrapping_add(n.wrapping_mul(0x9_E379)) & ((1 << (32 - GENERATION_BITS)) - 1);
    permuted << GENERATION_BITS
}

/// A handle's slot and generation, as [`Display`](std::fmt::Display) shows
/// them: the generation counts from 1 for the slot's first entity. For a
/// workspace made by this crate the salt never touches the generation bits;
/// in a file saved by 0.1.0, whose salts did, the number is still one per
/// entity of the slot, only not counted from 1.
pub(crate) fn slot_and_generation<K: Key>(key: K) -> (u32, u32) {
    let ffi = key.data().as_ffi();
    let (slot, version) = (ffi as u32, (ffi >> 32) as u32);
    (slot, ((version & ((1 << GENERATION_BITS) - 1)) >> 1) + 1)
}

/// A handle as one integer in handle order (slot, then version), for
/// searches that compare one integer a step. The test
/// `rank_is_handle_order` holds it to `Ord` on handles.
pub(crate) fn rank<K: Key>(key: K) -> u64 {
    key.data().as_ffi().rotate_left(32)
}

/// A made-up handle at slot `n`, for unit tests of containers of handles.
#[cfg(test)]
pub(crate) fn test_key<K: Key>(n: u64) -> K {
    K::from_data(KeyData::from_ffi((1 << 32) | n))
}

fn flip<K: Key>(key: K, salt: u32) -> K {
    K::from_data(KeyData::from_ffi(key.data().as_ffi() ^ (u64::from(salt) << 32)))
}

/// A slot's number and its version in the arena, without the salt: the
/// parts a handle is saved as. Live entities have odd versions, free slots
/// even ones.
pub(crate) type RawKey = (u32, u32);

/// An arena of values under salted generational handles.
///
/// A plain vector of slots, each a version and maybe a value: a handle's
/// slot number indexes it and its version must match, so a stale or
/// foreign handle finds nothing. A new value takes the free slot freed
/// last (one version on), or a new slot at the end. The arena hands out its
/// own handles so that a saved arena rebuilds with exactly the same handles
/// and the same order of reuse ([`Arena::from_raw`]), which a `slotmap`
/// container can only do through its own serde layout; and so that
/// [`Arena::extend`] can append many values at the cost of a vector's
/// `extend`. The handles hold `slotmap` key data, privately.
#[derive(Clone)]
pub(crate) struct Arena<K: Key, V> {
    /// Slot 0 is never used, as in a slot map. In segments, so that the
    /// arena grows without moving what it holds.
    slots: Segments<Slot<V>>,
    /// Free slots; the last is reused first.
    free: Vec<u32>,
    len: usize,
    salt: u32,
    key: PhantomData<fn() -> K>,
}

#[derive(Clone)]
struct Slot<V> {
    /// Odd while the slot holds a value, even while it is free.
    version: u32,
    value: Option<V>,
}

/// The bytes one slot of an arena of `V` takes: the record, its version,
/// and padding. What each record of a kind costs in memory, before
/// anything it points to.
pub(crate) const fn slot_size<V>() -> usize {
    std::mem::size_of::<Slot<V>>()
}

fn raw_key<K: Key>((slot, version): RawKey) -> K {
    K::from_data(KeyData::from_ffi(u64::from(version) << 32 | u64::from(slot)))
}

fn split<K: Key>(key: K) -> RawKey {
    let ffi = key.data().as_ffi();
    (ffi as u32, (ffi >> 32) as u32)
}

#[cfg(feature = "serde")]
/// A handle's saved parts, in a workspace with this salt: its slot and
/// its version without the salt.
pub(crate) fn to_raw<K: Key>(key: K, salt: u32) -> RawKey {
    split(flip(key, salt & !1))
}

#[cfg(feature = "serde")]
/// The handle of saved parts, in a workspace with this salt. `None` for an
/// even version, which no handle has.
pub(crate) fn from_raw<K: Key>(raw: RawKey, salt: u32) -> Option<K> {
    (raw.1 % 2 == 1).then(|| flip(raw_key(raw), salt & !1))
}

/// The most slots an arena has, as in a slot map: memory runs out long
/// before four billion entities.
const MAX_SLOTS: usize = (u32::MAX - 1) as usize;

impl<K: Key, V> Arena<K, V> {
    pub(crate) fn new(salt: u32) -> Self {
        let mut slots = Segments::new();
        slots.push(Slot { version: 0, value: None });
        Arena { slots, free: Vec::new(), len: 0, salt: salt & !1, key: PhantomData }
    }

    fn slot(&self, key: K) -> Option<&Slot<V>> {
        let (slot, version) = split(flip(key, self.salt));
        self.slots.get(slot as usize).filter(|s| s.version == version)
    }

    pub(crate) fn get(&self, key: K) -> Option<&V> {
        self.slot(key)?.value.as_ref()
    }

    pub(crate) fn get_mut(&mut self, key: K) -> Option<&mut V> {
        let (slot, version) = split(flip(key, self.salt));
        self.slots.get_mut(slot as usize).filter(|s| s.version == version)?.value.as_mut()
    }

    pub(crate) fn contains(&self, key: K) -> bool {
        self.get(key).is_some()
    }

    /// Stores `value` under a new handle.
    #[inline]
    pub(crate) fn insert(&mut self, value: V) -> K {
        let reused = self.free.pop().and_then(|slot| Some(slot).zip(self.slots.get_mut(slot as usize)));
        let raw = match reused {
            Some((slot, s)) => {
                s.version = s.version.wrapping_add(1);
                s.value = Some(value);
                (slot, s.version)
            }
            None => {
                let slot = self.slots.len().min(MAX_SLOTS) as u32;
                self.slots.push(Slot { version: 1, value: Some(value) });
                (slot, 1)
            }
        };
        self.len += 1;
        flip(raw_key(raw), self.salt)
    }

    /// Stores `f` of the handle it gets under that handle: a value that
    /// must know its own handle (an LO, which its pages name), built in
    /// place with no second lookup.
    #[inline]
    pub(crate) fn insert_with(&mut self, f: impl FnOnce(K) -> V) -> K {
        let raw = match self.free.last().and_then(|slot| self.slots.get(*slot as usize).map(|s| (*slot, s.version))) {
            Some((slot, version)) => (slot, version.wrapping_add(1)),
            None => (self.slots.len().min(MAX_SLOTS) as u32, 1),
        };
        let key = flip(raw_key(raw), self.salt);
        let inserted = self.insert(f(key));
        debug_assert!(inserted == key, "the handle foretold is the handle given");
        inserted
    }

    /// Stores each value under a new handle, in new slots at the end (free
    /// slots stay free), and returns the handles in order: one vector
    /// `extend`, for the pages of a Duplicate.
    pub(crate) fn extend<I: Iterator<Item = V>>(
        &mut self,
        values: I,
    ) -> impl ExactSizeIterator<Item = K> + Clone + use<K, V, I> {
        let (salt, first) = (self.salt, self.slots.len());
        self.slots.extend(values.map(|value| Slot { version: 1, value: Some(value) }));
        self.len += self.slots.len() - first;
        (first..self.slots.len()).map(move |slot| flip(raw_key((slot as u32, 1)), salt))
    }

    /// Appends, after the last slot, `f` of each of `keys` that is live and
    /// its value, in order, and returns how many: a Duplicate of values the
    /// arena holds, with no batch of them built first. Their handles are
    /// the first of [`next_keys`](Self::next_keys) asked before.
    pub(crate) fn extend_from_within(&mut self, keys: &[K], mut f: impl FnMut(K, &V) -> V) -> usize {
        let salt = self.salt;
        self.slots.reserve(keys.len());
        let sources = keys.iter().map(|key| {
            let (slot, version) = split(flip(*key, salt));
            (slot as usize, (*key, version))
        });
        let added = self.slots.extend_within(sources, |s, (key, version)| {
            s.value.as_ref().filter(|_| s.version == version).map(|v| Slot { version: 1, value: Some(f(key, v)) })
        });
        self.len += added;
        added
    }

    /// The keys the next [`extend`](Self::extend) of `n` values will
    /// hand out, in order.
    pub(crate) fn next_keys(&self, n: usize) -> impl ExactSizeIterator<Item = K> + Clone + use<K, V> {
        let (salt, first) = (self.salt, self.slots.len());
        (first..first.saturating_add(n)).map(move |slot| flip(raw_key((slot as u32, 1)), salt))
    }

    pub(crate) fn remove(&mut self, key: K) -> Option<V> {
        let (slot, version) = split(flip(key, self.salt));
        let s = self.slots.get_mut(slot as usize).filter(|s| s.version == version)?;
        let value = s.value.take()?;
        s.version = s.version.wrapping_add(1);
        self.free.push(slot);
        self.len -= 1;
        Some(value)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (K, &V)> + '_ {
        let salt = self.salt;
        self.slots
            .iter()
            .enumerate()
            .filter_map(move |(slot, s)| s.value.as_ref().map(|v| (flip(raw_key((slot as u32, s.version)), salt), v)))
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (K, &mut V)> + '_ {
        let salt = self.salt;
        self.slots
            .iter_mut()
            .enumerate()
            .filter_map(move |(slot, s)| s.value.as_mut().map(|v| (flip(raw_key((slot as u32, s.version)), salt), v)))
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The slot of a live `key`: a dense index below
    /// [`slot_count`](Self::slot_count), for tables by slot.
    pub(crate) fn slot_of(&self, key: K) -> Option<usize> {
        let (slot, _) = split(flip(key, self.salt));
        self.get(key).map(|_| slot as usize)
    }

    /// How many slots the arena has, live, free or unused.
    pub(crate) fn slot_count(&self) -> usize {
        self.slots.len()
    }

    pub(crate) fn reserve(&mut self, additional: usize) {
        let room = MAX_SLOTS.saturating_sub(self.slots.len());
        self.slots.reserve(additional.saturating_sub(self.free.len()).min(room));
    }

    /// Makes room for `additional` values appended by [`extend`](Self::extend),
    /// which does not fill free slots: in whole segments, moving nothing.
    /// Never past the most slots an arena has; where memory runs out, it
    /// stops without error (room is only ever a hint).
    pub(crate) fn reserve_appended(&mut self, additional: usize) {
        self.slots.reserve(additional.min(MAX_SLOTS.saturating_sub(self.slots.len())));
    }

    /// The workspace salt the handles carry.
    pub(crate) fn salt(&self) -> u32 {
        self.salt
    }

    #[cfg(feature = "serde")]
    /// The free slots and their versions, the last to be reused first.
    pub(crate) fn free_slots(&self) -> impl Iterator<Item = RawKey> + '_ {
        self.free.iter().map(|slot| (*slot, self.slots.get(*slot as usize).map_or(0, |s| s.version)))
    }

    #[cfg(feature = "serde")]
    /// An arena rebuilt from saved parts: `live` values under their raw
    /// handles, and the free slots in reuse order (last first). Refuses a
    /// slot used twice, slot 0 or one past the limit, a live version that
    /// is even or a free one that is odd. A slot below the highest that is
    /// neither live nor free stays unused.
    pub(crate) fn from_raw(salt: u32, live: Vec<(RawKey, V)>, free: Vec<RawKey>) -> Result<Self, String> {
        let top = live.iter().map(|(raw, _)| raw.0).max().unwrap_or(0);
        let count = live.len();
        Self::from_raw_parts(salt, top, count, live.into_iter(), free)
    }

    #[cfg(feature = "serde")]
    /// As [`from_raw`](Self::from_raw), with the live values given as they
    /// come, `count` of them, none past slot `top`: no vector of them is
    /// built first. Refuses a value past `top`, or a count that is not
    /// `count`.
    pub(crate) fn from_raw_parts(
        salt: u32,
        top: u32,
        count: usize,
        live: impl Iterator<Item = (RawKey, V)>,
        free: Vec<RawKey>,
    ) -> Result<Self, String> {
        let top = free.iter().map(|raw| raw.0).fold(top, u32::max);
        if top as usize >= MAX_SLOTS {
            return Err(format!("slot {top} is out of range"));
        }
        if top as usize > 2 * (count + free.len()) + 1024 {
            return Err(format!("slot {top} is far beyond the {} slots the file holds", count + free.len()));
        }
        let mut arena = Arena::new(salt);
        let unused = (top as usize + 1).saturating_sub(arena.slots.len());
        arena.slots.reserve(unused);
        arena.slots.extend(std::iter::repeat_with(|| Slot { version: 0, value: None }).take(unused));
        let mut used = vec![false; top as usize + 1];
        let slots = live.map(|(raw, v)| (raw, Some(v))).chain(free.iter().map(|raw| (*raw, None)));
        for ((slot, version), value) in slots {
            let is_live = value.is_some();
            if slot == 0 {
                return Err("slot 0 is never used".into());
            }
            if version % 2 != u32::from(is_live) {
                let kind = if is_live { "a live" } else { "a free" };
                return Err(format!("slot {slot}: version {version} cannot be {kind} one"));
            }
            let Some(seen) = used.get_mut(slot as usize) else { return Err(format!("slot {slot} is out of range")) };
            if std::mem::replace(seen, true) {
                return Err(format!("slot {slot} is used twice"));
            }
            arena.len += usize::from(is_live);
            if let Some(s) = arena.slots.get_mut(slot as usize) {
                *s = Slot { version, value };
            }
        }
        if arena.len != count {
            return Err(format!("{} live records where {count} were read", arena.len));
        }
        arena.free = free.into_iter().map(|(slot, _)| slot).collect();
        Ok(arena)
    }
}

/// Shown as a map from handle to value.
impl<K: Key + std::fmt::Debug, V: std::fmt::Debug> std::fmt::Debug for Arena<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Two arenas are equal when they hold equal values under equal handles.
impl<K: Key, V: PartialEq> PartialEq for Arena<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.salt == other.salt && self.len == other.len && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl<K: Key, V: Eq> Eq for Arena<K, V> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CourseKey;

    #[test]
    fn int2_foreign_handle_is_not_found() {
        let mut a: Arena<CourseKey, u8> = Arena::new(2);
        let mut b: Arena<CourseKey, u8> = Arena::new(4);
        let ka = a.insert(1);
        let kb = b.insert(2);
        assert_ne!(ka, kb);
        assert_eq!(a.get(ka), Some(&1));
        assert_eq!(a.get(kb), None);
        assert_eq!(b.get(ka), None);
    }

    #[test]
    fn rank_is_handle_order() {
        let mut arena: Arena<CourseKey, ()> = Arena::new(fresh_salt());
        let mut keys: Vec<CourseKey> = (0..50).map(|_| arena.insert(())).collect();
        for k in keys.clone().iter().step_by(3) {
            arena.remove(*k);
        }
        keys.extend((0..20).map(|_| arena.insert(())));
        keys.push(CourseKey::from_data(KeyData::from_ffi(u64::MAX)));
        for a in &keys {
            for b in &keys {
                assert_eq!(a.cmp(b), rank(*a).cmp(&rank(*b)), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn consecutive_salts_differ_and_leave_the_generation_bits_alone() {
        let salts: Vec<u32> = (0..4096).map(|_| fresh_salt()).collect();
        let distinct: std::collections::HashSet<u32> = salts.iter().copied().collect();
        assert_eq!(distinct.len(), salts.len());
        assert!(salts.iter().all(|s| s & ((1 << GENERATION_BITS) - 1) == 0));
    }

    #[test]
    fn a_handle_shows_its_slot_and_generation_without_the_salt() {
        let mut arena: Arena<CourseKey, ()> = Arena::new(fresh_salt());
        let first = arena.insert(());
        let second = arena.insert(());
        assert_eq!(slot_and_generation(first), (1, 1));
        assert_eq!(slot_and_generation(second), (2, 1));
        arena.remove(first);
        let reused = arena.insert(());
        assert_eq!(slot_and_generation(reused), (1, 2));
        assert_eq!(first.to_string(), "course#1v1");
        assert_eq!(reused.to_string(), "course#1v2");
    }

    #[test]
    fn int2_stale_handle_is_not_found_after_reuse() {
        let mut a: Arena<CourseKey, u8> = Arena::new(fresh_salt());
        let old = a.insert(1);
        a.remove(old);
        let new = a.insert(2);
        assert_eq!(a.get(old), None);
        assert_eq!(a.get(new), Some(&2));
        assert!(fresh_salt().is_multiple_of(2));
    }

    #[test]
    fn next_keys_are_the_keys_extend_hands_out() {
        let mut a: Arena<CourseKey, u32> = Arena::new(fresh_salt());
        let first = a.insert(1);
        a.insert(2);
        a.remove(first);
        let expected: Vec<CourseKey> = a.next_keys(3).collect();
        let keys: Vec<CourseKey> = a.extend(10..13).collect();
        assert_eq!(expected, keys);
        assert_eq!(a.next_keys(0).len(), 0);
    }

    #[test]
    fn extend_appends_in_order_and_leaves_free_slots_free() {
        let mut a: Arena<CourseKey, u32> = Arena::new(fresh_salt());
        let first = a.insert(1);
        let second = a.insert(2);
        a.remove(first);
        let keys: Vec<CourseKey> = a.extend(10..13).collect();
        assert_eq!(keys.iter().map(|k| a.get(*k).copied()).collect::<Vec<_>>(), [Some(10), Some(11), Some(12)]);
        assert_eq!(slot_and_generation(keys[0]), (3, 1), "after the last slot, not in the free one");
        assert_eq!(a.len(), 4);
        let reused = a.insert(9);
        assert_eq!(slot_and_generation(reused), (1, 2));
        assert_eq!(a.get(second), Some(&2));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn int4_an_arena_rebuilt_from_its_parts_has_the_same_handles_and_reuse_order() {
        let salt = fresh_salt();
        let mut a: Arena<CourseKey, u32> = Arena::new(salt);
        let keys: Vec<CourseKey> = (0..6).map(|n| a.insert(n)).collect();
        for k in [keys[1], keys[4], keys[2]] {
            a.remove(k);
        }
        let live: Vec<(RawKey, u32)> = a.iter().map(|(k, v)| (to_raw(k, salt), *v)).collect();
        let free: Vec<RawKey> = a.free_slots().collect();
        let mut b = Arena::from_raw(salt, live, free).unwrap();
        assert!(a == b);
        for k in &keys {
            assert_eq!(a.get(*k), b.get(*k));
        }
        let next: Vec<CourseKey> = (0..4).map(|n| a.insert(n)).collect();
        let again: Vec<CourseKey> = (0..4).map(|n| b.insert(n)).collect();
        assert_eq!(next, again, "the same handles, in the same order");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn int5_arena_parts_that_cannot_be_are_refused() {
        let live = |slots: &[(u32, u32)]| slots.iter().map(|raw| (*raw, 0u8)).collect::<Vec<_>>();
        let build = |l: Vec<(RawKey, u8)>, f: Vec<RawKey>| Arena::<CourseKey, u8>::from_raw(0, l, f).map(|_| ());
        assert!(build(live(&[(1, 1), (1, 3)]), vec![]).unwrap_err().contains("used twice"));
        assert!(build(live(&[(1, 1)]), vec![(1, 2)]).unwrap_err().contains("used twice"));
        assert!(build(live(&[(0, 1)]), vec![]).unwrap_err().contains("slot 0"));
        assert!(build(live(&[(2, 2)]), vec![]).unwrap_err().contains("cannot be a live"));
        assert!(build(vec![], vec![(2, 3)]).unwrap_err().contains("cannot be a free"));
        assert!(build(live(&[(u32::MAX - 1, 1)]), vec![]).unwrap_err().contains("out of range"));
        assert!(build(live(&[(1_000_000, 1)]), vec![]).unwrap_err().contains("far beyond"));
        assert!(build(live(&[(1, 1), (3, 5)]), vec![(2, 2)]).is_ok());
    }
}
