//! Which pages use each library item: a lazy index.

use crate::data::Page;
use crate::handles::{LibraryItem, PageKey};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Which pages use each library item, built on first demand and dropped by
/// any change to page items, so that Duplicate, which adds pages by the
/// thousand, pays nothing for it.
#[derive(Default)]
pub(crate) struct LibraryIndex(OnceLock<HashMap<LibraryItem, Vec<PageKey>>>);

impl LibraryIndex {
    pub(crate) fn invalidate(&mut self) {
        if self.0.get().is_some() {
            self.0 = OnceLock::new();
        }
    }

    /// The pages that use `item`, from the index, built from `pages` if
    /// it is not built yet.
    pub(crate) fn pages<'a>(
        &self,
        pages: impl Iterator<Item = (PageKey, &'a Page)>,
        item: LibraryItem,
    ) -> Vec<PageKey> {
        let index = self.0.get_or_init(|| {
            let mut index: HashMap<LibraryItem, Vec<PageKey>> = HashMap::new();
            for (key, page) in pages {
                for item in page.items() {
                    index.entry(*item).or_default().push(key);
                }
            }
            index
        });
        index.get(&item).cloned().unwrap_or_default()
    }
}

/// A cache: a clone starts empty, and it takes no part in equality.
impl Clone for LibraryIndex {
    fn clone(&self) -> Self {
        LibraryIndex::default()
    }
}

impl PartialEq for LibraryIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for LibraryIndex {}

impl std::fmt::Debug for LibraryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() { "LibraryIndex(built)" } else { "LibraryIndex(empty)" })
    }
}
