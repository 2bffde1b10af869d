//! The Duplicate primitives: a new learning object duplicated from another,
//! and its pages, under the Duplicate rules (DUP-1..6). The copy job and
//! detach (REU-4) both build duplicates with these.

use crate::data::{LoSnapshot, PageContent};
use crate::handles::{CourseKey, LoKey, PageKey};
use crate::store::Store;
use std::sync::Arc;

/// A new learning object duplicated from `src` (handle `src_key`) at the
/// end of course `into`, without pages yet: same title and description,
/// the course as parent (DUP-6), its origin and ancestry (DUP-5).
pub(crate) fn new_duplicate_lo(store: &mut Store, src_key: LoKey, src: &LoSnapshot, into: CourseKey) -> LoKey {
    let ancestors = src.ancestors.then(src_key);
    let lo = store.insert_lo(src.title.clone(), src.description.clone(), Some(into), Some(src_key), ancestors);
    let end = store.course(into).map_or(0, |c| c.los.len());
    store.include_lo(into, lo, end);
    lo
}

/// Duplicates, into `lo`, each of `pages` that is live: the content shared,
/// not copied (DUP-1, DUP-4), the style dropped (DUP-3), the origin kept
/// (DUP-5).
pub(crate) fn duplicate_pages(store: &mut Store, lo: LoKey, pages: impl Iterator<Item = PageKey>) {
    let mut sources: Vec<(PageKey, Arc<PageContent>)> =
        pages.filter_map(|k| store.page(k).ok().map(|p| (k, p.content.clone()))).collect();
    store.push_duplicate_pages(lo, &mut sources, 0);
}

/// A duplicate of `src_key` with all its pages, `parent` as its parent,
/// included in no course yet: detach puts it in place of its source.
pub(crate) fn duplicate_lo_with_pages(store: &mut Store, src_key: LoKey, parent: CourseKey) -> Option<LoKey> {
    let src = LoSnapshot::of(store.learning_object(src_key).ok()?);
    let ancestors = src.ancestors.then(src_key);
    let lo = store.insert_lo(src.title.clone(), src.description.clone(), Some(parent), Some(src_key), ancestors);
    duplicate_pages(store, lo, src.pages.iter().copied());
    Some(lo)
}
