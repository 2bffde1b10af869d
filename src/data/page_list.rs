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

/// The pages of a learning object, in order. An empty list holds no
/// allocation; a list built whole (a Duplicate's) holds one, and becomes a
/// growable vector on its first change.
#[derive(Clone, Debug, Default)]
pub(crate) struct PageList(Pages);

#[derive(Clone, Debug, Default)]
enum Pages {
    #[default]
    Empty,
    Whole(Arc<[PageKey]>),
    Growing(Arc<Vec<PageKey>>),
}

impl PageList {
    pub(crate) fn as_slice(&self) -> &[PageKey] {
        match &self.0 {
            Pages::Empty => &[],
            Pages::Whole(pages) => pages,
            Pages::Growing(pages) => pages,
        }
    }

    /// Changes the list with `f`: copied first if a clone shares it, or if
    /// it was built whole.
    pub(crate) fn change<R>(&mut self, f: impl FnOnce(&mut Vec<PageKey>) -> R) -> R {
        let mut pages = match std::mem::take(&mut self.0) {
            Pages::Growing(pages) => pages,
            Pages::Whole(pages) => Arc::new(pages.to_vec()),
            Pages::Empty => Arc::new(Vec::new()),
        };
        let out = f(Arc::make_mut(&mut pages));
        self.0 = Pages::Growing(pages);
        out
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, PageKey> {
        self.as_slice().iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    pub(crate) fn get(&self, at: usize) -> Option<PageKey> {
        self.as_slice().get(at).copied()
    }

    pub(crate) fn index_of(&self, page: PageKey) -> Option<usize> {
        self.iter().position(|p| *p == page)
    }

    pub(crate) fn push_back(&mut self, page: PageKey) {
        self.change(|list| list.push(page));
    }

    /// Inserts `page` at `at`, or at the end when `at` is past it.
    pub(crate) fn insert(&mut self, at: usize, page: PageKey) {
        self.change(|list| list.insert(at.min(list.len()), page));
    }

    /// Removes the page at `at`, if there is one.
    pub(crate) fn remove(&mut self, at: usize) -> Option<PageKey> {
        if at >= self.len() {
            return None;
        }
        Some(self.change(|list| list.remove(at)))
    }
}

impl PartialEq for PageList {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for PageList {}

/// A list built whole, in one allocation when the iterator knows its exact
/// length.
impl FromIterator<PageKey> for PageList {
    fn from_iter<I: IntoIterator<Item = PageKey>>(iter: I) -> Self {
        let pages: Arc<[PageKey]> = iter.into_iter().collect();
        if pages.is_empty() { PageList(Pages::Empty) } else { PageList(Pages::Whole(pages)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arena::test_key as key;

    #[test]
    fn a_change_to_a_shared_list_leaves_the_other_clone_as_it_was() {
        let mut a: PageList = (1..=3).map(key).collect();
        let before = a.clone();
        a.insert(1, key(9));
        assert_eq!(a.remove(0), Some(key(1)));
        a.push_back(key(7));
        assert_eq!(a.iter().copied().collect::<Vec<_>>(), [key(9), key(2), key(3), key(7)]);
        assert_eq!(before.iter().copied().collect::<Vec<_>>(), [key(1), key(2), key(3)]);
        assert_eq!(a.index_of(key(3)), Some(2));
        assert_eq!(a.remove(4), None);
        a.insert(usize::MAX, key(8));
        assert_eq!(a.get(4), Some(key(8)));
        assert_eq!(PageList::default(), PageList::from_iter([]));
        assert_eq!(PageList::default().len(), 0);
    }
}
