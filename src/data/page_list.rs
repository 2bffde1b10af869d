//! The page list of a learning object: a flat list behind one shared
//! pointer, copied on write.
//!
//! Cloning a list, as a copy snapshot or a workspace clone does, is O(1).
//! The first change to a list whose pointer is shared copies that one list
//! (8 bytes a page); later changes are in place. Duplicate builds each new
//! list in one go, with no per-page pointer work, which is why this is not
//! an `imbl::Vector`: there, every append pays a tree walk and an atomic
//! check, a third of Duplicate's cost a page. Learning objects hold tens to
//! a few thousand pages, so the O(pages) insert and remove of a flat list
//! are a short `memmove`.

use crate::PageKey;
use std::sync::Arc;

/// The pages of a learning object, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PageList(Arc<Vec<PageKey>>);

impl PageList {
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, PageKey> {
        self.0.iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn get(&self, at: usize) -> Option<PageKey> {
        self.0.get(at).copied()
    }

    pub(crate) fn index_of(&self, page: PageKey) -> Option<usize> {
        self.0.iter().position(|p| *p == page)
    }

    pub(crate) fn push_back(&mut self, page: PageKey) {
        Arc::make_mut(&mut self.0).push(page);
    }

    /// Inserts `page` at `at`, or at the end when `at` is past it.
    pub(crate) fn insert(&mut self, at: usize, page: PageKey) {
        let list = Arc::make_mut(&mut self.0);
        list.insert(at.min(list.len()), page);
    }

    /// Removes the page at `at`, if there is one.
    pub(crate) fn remove(&mut self, at: usize) -> Option<PageKey> {
        if at >= self.0.len() {
            return None;
        }
        Some(Arc::make_mut(&mut self.0).remove(at))
    }

    /// Appends `pages`; an empty list takes them over without copying.
    pub(crate) fn append(&mut self, pages: Vec<PageKey>) {
        if self.0.is_empty() {
            self.0 = Arc::new(pages);
        } else {
            Arc::make_mut(&mut self.0).extend(pages);
        }
    }
}

impl FromIterator<PageKey> for PageList {
    fn from_iter<I: IntoIterator<Item = PageKey>>(iter: I) -> Self {
        PageList(Arc::new(iter.into_iter().collect()))
    }
}

/// Saved as a plain sequence of handles, as before the list was flat.
#[cfg(feature = "serde")]
impl serde::Serialize for PageList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for PageList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<PageKey>::deserialize(d).map(|pages| PageList(Arc::new(pages)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slotmap::KeyData;

    fn key(n: u64) -> PageKey {
        KeyData::from_ffi((1 << 32) | n).into()
    }

    #[test]
    fn a_change_to_a_shared_list_leaves_the_other_clone_as_it_was() {
        let mut a: PageList = (1..=3).map(key).collect();
        let before = a.clone();
        a.insert(1, key(9));
        assert_eq!(a.remove(0), Some(key(1)));
        a.append(vec![key(7)]);
        assert_eq!(a.iter().copied().collect::<Vec<_>>(), [key(9), key(2), key(3), key(7)]);
        assert_eq!(before.iter().copied().collect::<Vec<_>>(), [key(1), key(2), key(3)]);
        assert_eq!(a.index_of(key(3)), Some(2));
        assert_eq!(a.remove(4), None);
        a.insert(usize::MAX, key(8));
        assert_eq!(a.get(4), Some(key(8)));
    }
}
