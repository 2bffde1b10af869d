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

use slotmap::{Key, KeyData, SlotMap};
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

#[derive(Clone)]
pub(crate) struct Arena<K: Key, V> {
    map: SlotMap<K, V>,
    salt: u32,
}

impl<K: Key, V> Arena<K, V> {
    pub(crate) fn new(salt: u32) -> Self {
        Arena { map: SlotMap::with_key(), salt: salt & !1 }
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

    pub(crate) fn insert(&mut self, value: V) -> K {
        flip(self.map.insert(value), self.salt)
    }

    pub(crate) fn remove(&mut self, key: K) -> Option<V> {
        self.map.remove(flip(key, self.salt))
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

    /// The slot map inside, for saving.
    #[cfg(feature = "serde")]
    pub(crate) fn raw(&self) -> &SlotMap<K, V> {
        &self.map
    }

    /// An arena from a saved slot map and salt.
    #[cfg(feature = "serde")]
    pub(crate) fn from_raw(map: SlotMap<K, V>, salt: u32) -> Self {
        Arena { map, salt: salt & !1 }
    }

    #[cfg(feature = "serde")]
    pub(crate) fn salt(&self) -> u32 {
        self.salt
    }

    pub(crate) fn reserve(&mut self, additional: usize) {
        self.map.reserve(additional);
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
