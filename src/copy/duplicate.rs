//! The Duplicate primitives: a new learning object duplicated from another,
//! and its pages, under the Duplicate rules (DUP-1..6). The copy job,
//! linked copies (LNK-1) and detach (REU-4) all build duplicates with these.

use crate::data::{Ancestry, LearningObject, LoLink, LoParts, LoSnapshot, PageSource};
use crate::handles::{CourseKey, LoKey, PageKey};
use crate::store::{PagesOf, Store};
use std::sync::Arc;

/// A learning object about to be duplicated: what its record takes from
/// the source, owned, so that the source can be read where it is (a
/// snapshot, or the live record) and the store changed after.
pub(crate) struct NewDuplicate {
    title: Arc<str>,
    description: Arc<str>,
    origin: LoKey,
    ancestors: Ancestry,
    link: Option<LoLink>,
}

impl NewDuplicate {
    /// The duplicate of `src` (handle `src_key`): same title and
    /// description, its origin and ancestry (DUP-5). With `linked`, a
    /// linked copy (LNK-1) of `src` as read here, under the field locks of
    /// course `linked`; the pages then added to it are linked too.
    pub(crate) fn of(store: &Store, src_key: LoKey, src: LoParts<'_>, linked: Option<CourseKey>) -> Self {
        let link = linked.map(|course| {
            let live = store.learning_object(src_key).is_ok();
            LoLink {
                upstream: Some(src_key).filter(|_| live),
                course: Some(course).filter(|_| live),
                synced: src.version,
                declined: 0,
                base_title: src.title.clone(),
                base_description: src.description.clone(),
                base_pages: src.pages.clone(),
                copies: Default::default(),
                customised: Default::default(),
                reordered: false,
                pages: Default::default(),
            }
        });
        NewDuplicate {
            title: src.title.clone(),
            description: src.description.clone(),
            origin: src_key,
            ancestors: src.ancestors.then(src_key),
            link,
        }
    }

    /// Inserts the duplicate at the end of course `into`, its parent
    /// (DUP-6), without pages yet.
    pub(crate) fn insert(self, store: &mut Store, into: CourseKey) -> LoKey {
        let lo = store.insert_lo(self.title, self.description, Some(into), Some(self.origin), self.ancestors);
        if let Some(link) = self.link {
            store.set_lo_link(lo, Some(link));
        }
        let end = store.course(into).map_or(0, |c| c.los.len());
        store.include_lo(into, lo, end);
        lo
    }

    /// Inserts the duplicate with every live page of `from` duplicated
    /// into it, at the end of course `into` (DUP-1..6), linked as
    /// [`of`](Self::of) made it: what [`insert`](Self::insert) and then
    /// [`Store::push_duplicates_of`] do, in one store primitive that
    /// writes the record once.
    pub(crate) fn insert_whole(self, store: &mut Store, into: CourseKey, from: PagesOf<'_>) -> LoKey {
        let mut record =
            LearningObject::new_record(self.title, self.description, None, Some(self.origin), self.ancestors);
        record.link = self.link.map(Box::new);
        store.push_duplicate_lo(record, into, from)
    }
}

/// Duplicates, into `lo`, each of `pages` that is live: the content shared,
/// not copied (DUP-1, DUP-4), the style dropped (DUP-3), the origin kept
/// (DUP-5); linked to its source when `lo` is a linked copy.
pub(crate) fn duplicate_pages(store: &mut Store, lo: LoKey, pages: impl Iterator<Item = PageKey>) {
    let mut sources: Vec<PageSource> = pages
        .filter_map(|key| {
            store.page(key).ok().map(|p| PageSource { key, content: p.content.clone(), version: p.version, live: true })
        })
        .collect();
    store.push_duplicate_pages(lo, &mut sources, 0);
    store.set_link_copies(lo);
}

/// A duplicate of `src_key` with all its pages, `parent` as its parent,
/// included in no course yet: detach puts it in place of its source. A
/// linked source's duplicate keeps its link, synced version and
/// customisations (LNK-11).
pub(crate) fn duplicate_lo_with_pages(store: &mut Store, src_key: LoKey, parent: CourseKey) -> Option<LoKey> {
    let src = LoSnapshot::of(store.learning_object(src_key).ok()?);
    let ancestors = src.ancestors.then(src_key);
    let lo = store.insert_lo(src.title.clone(), src.description.clone(), Some(parent), Some(src_key), ancestors);
    duplicate_pages(store, lo, src.pages.iter().copied());
    store.carry_links(src_key, lo);
    Some(lo)
}
