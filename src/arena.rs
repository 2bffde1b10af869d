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

use slotmap::{Key, KeyData, SecondaryMap};
use std::hash::BuildHasher;
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
    KeyData::from_ffi((1 << 32) | n).into()
}

fn flip<K: Key>(key: K, salt: u32) -> K {
    KeyData::from_ffi(key.data().as_ffi() ^ (u64::from(salt) << 32)).into()
}

/// A slot's number and its version in the arena, without the salt: the
/// parts a handle is saved as. Live entities have odd versions, free slots
/// even ones.
pub(crate) type RawKey = (u32, u32);

/// An arena of values under salted generational handles.
///
/// The values live in a `slotmap` [`SecondaryMap`], which checks every
/// handle's version on each read; the arena hands out the handles itself
/// (a new slot, or the free slot removed last, one version on), so that a
/// saved arena rebuilds with exactly the same handles and the same order of
/// reuse ([`Arena::from_raw`]). A slot map can only be rebuilt through its
/// own serde layout, which is why the arena does not wrap one.
#[derive(Clone)]
pub(crate) struct Arena<K: Key, V> {
    map: SecondaryMap<K, V>,
    /// Free slots and their (even) versions; the last is reused first.
    free: Vec<RawKey>,
    /// The first slot never used: slot 0 is never used, as in a slot map.
    next_slot: u32,
    salt: u32,
}

fn raw_key<K: Key>((slot, version): RawKey) -> K {
    KeyData::from_ffi(u64::from(version) << 32 | u64::from(slot)).into()
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

impl<K: Key, V> Arena<K, V> {
    pub(crate) fn new(salt: u32) -> Self {
        Arena { map: SecondaryMap::new(), free: Vec::new(), next_slot: 1, salt: salt & !1 }
    }

    pub(crate) fn get(&self, key: K) -> Option<&V> {
        self.map.get(flip(key, self.salt))
    }

    pub(crate) fn get_mut(&mut self, key: K) -> Option<&mut V> {
        self.map.get_mut(flip(key, self.salt))
    }

    pub(crate) fn contains(&self, key: K) -> bool {
        self.map.contains_key(flip(key, self.salt))
    }

    /// Stores `value` under a new handle. Slots are `u32`s, as in a slot
    /// map: the memory of four billion entities runs out long before they do.
    pub(crate) fn insert(&mut self, value: V) -> K {
        let raw = match self.free.pop() {
            Some((slot, version)) => (slot, version.wrapping_add(1)),
            None => {
                let slot = self.next_slot;
                self.next_slot = self.next_slot.saturating_add(1).min(u32::MAX - 1);
                (slot, 1)
            }
        };
        let key = raw_key(raw);
        self.map.insert(key, value);
        flip(key, self.salt)
    }

    pub(crate) fn remove(&mut self, key: K) -> Option<V> {
        let raw = flip(key, self.salt);
        let value = self.map.remove(raw)?;
        let (slot, version) = split(raw);
        self.free.push((slot, version.wrapping_add(1)));
        Some(value)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (K, &V)> + '_ {
        let salt = self.salt;
        self.map.iter().map(move |(k, v)| (flip(k, salt), v))
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (K, &mut V)> + '_ {
        let salt = self.salt;
        self.map.iter_mut().map(move |(k, v)| (flip(k, salt), v))
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    pub(crate) fn reserve(&mut self, additional: usize) {
        let wanted = self.next_slot as usize + additional.saturating_sub(self.free.len());
        self.map.set_capacity(wanted);
    }

    /// The workspace salt the handles carry.
    pub(crate) fn salt(&self) -> u32 {
        self.salt
    }

    #[cfg(feature = "serde")]
    /// The free slots, the last to be reused first.
    pub(crate) fn free_slots(&self) -> &[RawKey] {
        &self.free
    }

    #[cfg(feature = "serde")]
    /// An arena rebuilt from saved parts: `live` values under their raw
    /// handles, and the free slots in reuse order (last first). Refuses a
    /// slot used twice, slot 0 or the top slot, a live version that is even
    /// or a free one that is odd.
    pub(crate) fn from_raw(salt: u32, live: Vec<(RawKey, V)>, free: Vec<RawKey>) -> Result<Self, String> {
        let mut arena = Arena::new(salt);
        let mut used = std::collections::HashSet::with_capacity(live.len() + free.len());
        let slots = live.iter().map(|(raw, _)| (*raw, true)).chain(free.iter().map(|raw| (*raw, false)));
        for ((slot, version), is_live) in slots {
            if slot == 0 || slot >= u32::MAX - 1 {
                return Err(format!("slot {slot} is out of range"));
            }
            if version % 2 != u32::from(is_live) {
                let kind = if is_live { "a live" } else { "a free" };
                return Err(format!("slot {slot}: version {version} cannot be {kind} one"));
            }
            if !used.insert(slot) {
                return Err(format!("slot {slot} is used twice"));
            }
            arena.next_slot = arena.next_slot.max(slot + 1);
        }
        arena.map.set_capacity(arena.next_slot as usize);
        for (raw, value) in live {
            arena.map.insert(raw_key(raw), value);
        }
        arena.free = free;
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
        self.salt == other.salt
            && self.map.len() == other.map.len()
            && self.map.iter().zip(other.map.iter()).all(|(a, b)| a == b)
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
        keys.push(KeyData::from_ffi(u64::MAX).into());
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
}
