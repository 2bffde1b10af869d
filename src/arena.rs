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
//! This is the only module that touches raw slot map keys.

use slotmap::{Key, KeyData, SlotMap};
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh, random, even salt.
pub(crate) fn fresh_salt() -> u32 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let hash = std::collections::hash_map::RandomState::new().hash_one(n);
    ((hash >> 32) as u32) & !1
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
