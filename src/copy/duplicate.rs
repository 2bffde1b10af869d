//! The Duplicate primitives: a new learning object duplicated from another,
//! and its pages, under the Duplicate rules (DUP-1..6). The copy job,
//! linked copies (LNK-1) and detach (REU-4) all build duplicates with these.

use crate::data::{LoLink, LoSnapshot, PageSource};
use crate::handles::{CourseKey, LoKey, PageKey};
use crate::store::Store;

/// A new learning object duplicated from `src` (handle `src_key`) at the
/// end of course `into`, without pages yet: same title and description,
/// the course as parent (DUP-6), its origin and ancestry (DUP-5). With
/// `linked`, it is a linked copy (LNK-1) of `src` as the snapshot has it,
/// under the field locks of course `linked`; the pages then added to it
/// are linked too.
pub(crate) fn new_duplicate_lo(
    store: &mut Store,
    src_key: LoKey,
    src: &LoSnapshot,
    into: CourseKey,
    linked: Option<CourseKey>,
) -> LoKey {
    let ancestors = src.ancestors.then(src_key);
    let lo = store.insert_lo(src.title.clone(), src.description.clone(), Some(into), Some(src_key), ancestors);
    if let Some(course) = linked {
        let live = store.learning_object(src_key).is_ok();
        let link = LoLink {
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
        };
        store.set_lo_link(lo, Some(link));
    }
    let end = store.course(into).map_or(0, |c| c.los.len());
    store.include_lo(into, lo, end);
    lo
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
