//! The store's primitives for linked copies (LNK-1..12): links set and
//! dropped with the downstreams index, "upstream deleted" markers, and the
//! writes of a sync, decline and revert. Like every primitive, they do not
//! check rights or input; `crate::linked` checks, then calls them.

use super::Store;
use crate::data::{FieldLocks, LinkedField, LoLink, PageContent, PageLink, PageLinks, PageList, UpstreamState};
use crate::handles::{CourseKey, LoKey, PageKey};
use std::collections::BTreeSet;
use std::sync::Arc;

impl Store {
    /// The linked copies of `lo`, in handle order (LNK-8).
    pub(crate) fn downstreams_of(&self, lo: LoKey) -> impl Iterator<Item = LoKey> + '_ {
        // The least handle there is: slot 0, version 1.
        let least = <LoKey as crate::handles::Handle>::from_data(slotmap::KeyData::from_ffi(0));
        self.downstreams.range((lo, least)..).take_while(move |(up, _)| *up == lo).map(|(_, d)| *d)
    }

    /// A page's link, which its LO's link holds: O(1).
    pub(crate) fn page_link(&self, page: PageKey) -> Option<PageLink> {
        self.los.get(self.pages.get(page)?.lo)?.page_link_data(page)
    }

    /// Sets or drops an LO's link, with its pages' links, keeping the
    /// downstreams index.
    pub(crate) fn set_lo_link(&mut self, lo: LoKey, link: Option<LoLink>) {
        let Some(record) = self.los.get_mut(lo) else { return };
        if let Some(up) = record.link.as_ref().and_then(|l| l.upstream) {
            self.downstreams.remove(&(up, lo));
        }
        if let Some(up) = link.as_ref().and_then(|l| l.upstream) {
            self.downstreams.insert((up, lo));
        }
        record.link = link.map(Box::new);
    }

    /// Rebuilds the downstreams index from the LOs' links (after a load).
    #[cfg(feature = "serde")]
    pub(crate) fn rebuild_downstreams(&mut self) {
        self.downstreams.clear();
        for (key, lo) in self.los.iter() {
            if let Some(up) = lo.link.as_ref().and_then(|l| l.upstream) {
                self.downstreams.insert((up, key));
            }
        }
    }

    /// Unlinks `lo` and its pages: a plain duplicate (LNK-10). O(pages),
    /// to free their links.
    pub(crate) fn unlink(&mut self, lo: LoKey) {
        self.set_lo_link(lo, None);
    }

    /// `lo` is about to be deleted: its linked copies, and their linked
    /// pages, get "upstream deleted" markers. O(pages of its copies).
    pub(super) fn forget_upstream_lo(&mut self, lo: LoKey) {
        let copies: Vec<LoKey> = self.downstreams_of(lo).collect();
        for copy in copies {
            self.downstreams.remove(&(lo, copy));
            let Some(record) = self.los.get_mut(copy) else { continue };
            if let Some(link) = record.link.as_mut() {
                link.upstream = None;
                link.course = None;
                for page in link.pages.values_mut() {
                    page.upstream = None;
                }
            }
        }
    }

    /// `page` of `lo`, at `at`, is about to be deleted: the copy of it in
    /// each linked copy of `lo` gets an "upstream deleted" marker. O(linked
    /// copies of `lo`) when the copy stands where the diff base says, which
    /// it does unless the page list changed since the copy's last sync.
    pub(super) fn forget_upstream_page(&mut self, lo: LoKey, page: PageKey, at: Option<usize>) {
        let copies: Vec<LoKey> = self.downstreams_of(lo).collect();
        for copy in &copies {
            let Some(record) = self.los.get(*copy) else { continue };
            let Some(link) = record.link.as_ref() else { continue };
            let hinted = at
                .filter(|i| link.base_pages.get(*i) == Some(page))
                .and_then(|i| link.copies.get(i))
                .filter(|d| self.pages.get(*d).is_some_and(|p| p.lo == *copy));
            let found = hinted.or_else(|| link.pages.iter().find(|(_, l)| l.upstream == Some(page)).map(|(d, _)| d));
            if let Some(d) = found
                && let Some(link) = self.los.get_mut(*copy).and_then(|l| l.link.as_mut())
                && let Some(page_link) = link.pages.get_mut(d).filter(|l| l.upstream == Some(page))
            {
                page_link.upstream = None;
            }
        }
    }

    /// Sets a course's field locks (LNK-9). A lock turned on is an
    /// upstream change: each LO that has a linked copy under this course's
    /// locks gets a new version, so that the copies show an update, and
    /// their next sync writes the locked fields over their
    /// customisations. O(links).
    pub(crate) fn set_field_locks(&mut self, course: CourseKey, locks: FieldLocks) {
        let Some(c) = self.courses.get_mut(course) else { return };
        let before = std::mem::replace(&mut c.field_locks, locks);
        let tightened = (locks.content && !before.content) || (locks.title_description && !before.title_description);
        if !tightened {
            return;
        }
        let upstreams: BTreeSet<LoKey> = self
            .downstreams
            .iter()
            .filter(|(_, d)| self.los.get(*d).and_then(|l| l.link.as_ref()).is_some_and(|l| l.course == Some(course)))
            .map(|(up, _)| *up)
            .collect();
        for up in upstreams {
            if let Some(lo) = self.los.get_mut(up) {
                lo.version = lo.version.saturating_add(1);
            }
        }
    }

    /// Hides upstream versions up to `version` from "updates available"
    /// (LNK-7).
    pub(crate) fn decline(&mut self, lo: LoKey, version: u64) {
        if let Some(link) = self.los.get_mut(lo).and_then(|l| l.link.as_mut()) {
            link.declined = version;
        }
    }

    /// Writes upstream values into a linked LO's own fields (`None` keeps
    /// one) and clears their flags: a sync or a revert, never a
    /// customisation.
    pub(crate) fn take_lo_fields(&mut self, lo: LoKey, title: Option<Arc<str>>, description: Option<Arc<str>>) {
        let Some(record) = self.los.get_mut(lo) else { return };
        if let Some(link) = record.link.as_mut() {
            link.customised.title &= title.is_none();
            link.customised.description &= description.is_none();
        }
        if let Some(t) = title {
            record.title = t;
        }
        if let Some(d) = description {
            record.description = d;
        }
        record.version = record.version.saturating_add(1);
    }

    /// Writes upstream content into fields of a linked page and clears
    /// their flags; with `base`, also moves its diff base to that content
    /// at upstream version `synced` (a sync). A revert gives no base.
    pub(crate) fn take_page_fields(
        &mut self,
        page: PageKey,
        from: &Arc<PageContent>,
        fields: &[LinkedField],
        base: Option<(Arc<PageContent>, u64)>,
    ) {
        if fields.contains(&LinkedField::Items) {
            self.library_index.invalidate();
        }
        self.change_content(page, |p, link| {
            let untouched = link.as_ref().is_some_and(|l| !l.customised.any()) && base.is_some();
            if untouched && fields.len() == 3 {
                // The whole content as upstream has it: shared, not copied.
                p.content = from.clone();
            } else {
                let content = p.content_mut();
                for field in fields {
                    match field {
                        LinkedField::Title => content.title = from.title.clone(),
                        LinkedField::Body => content.body = from.body.clone(),
                        LinkedField::Items => content.items = from.items.clone(),
                        LinkedField::Description => {}
                    }
                }
            }
            if let Some(link) = link {
                for field in fields {
                    link.customised.set(*field, false);
                }
                if let Some((base, synced)) = base {
                    link.base = Some(base);
                    link.synced = synced;
                }
            }
        });
    }

    /// Moves a linked page's diff base without touching its content: the
    /// upstream change was kept out as a customisation (a sync's conflict).
    pub(crate) fn rebase_page(&mut self, page: PageKey, base: Arc<PageContent>, synced: u64) {
        let Some(p) = self.pages.get(page) else { return };
        if let Some(link) = self.los.get_mut(p.lo).and_then(|l| l.link.as_mut()).and_then(|l| l.pages.get_mut(page)) {
            link.base = (!Arc::ptr_eq(&base, &p.content)).then_some(base);
            link.synced = synced;
        }
    }

    /// Adds a page copied from upstream page `upstream` at `at`, linked to
    /// it: a sync's added page.
    pub(crate) fn insert_linked_page(
        &mut self,
        lo: LoKey,
        at: usize,
        upstream: PageKey,
        content: Arc<PageContent>,
        synced: u64,
    ) -> Option<PageKey> {
        let page = self.insert_page(lo, content.clone(), None, Some(at))?;
        if let Some(p) = self.pages.get_mut(page) {
            p.origin = Some(upstream);
        }
        if let Some(link) = self.los.get_mut(lo).and_then(|l| l.link.as_mut()) {
            let page_link = PageLink { upstream: Some(upstream), synced, base: None, customised: Default::default() };
            link.pages.insert(page, page_link);
        }
        Some(page)
    }

    /// Puts an LO's pages in the order given, which holds the same pages:
    /// a sync applying upstream moves. Does not mark the LO reordered.
    pub(crate) fn set_page_order(&mut self, lo: LoKey, order: Vec<PageKey>) {
        let same = self.los.get(lo).is_some_and(|l| {
            let mut a: Vec<PageKey> = l.pages.iter().copied().collect();
            let mut b = order.clone();
            a.sort_unstable();
            b.sort_unstable();
            a == b
        });
        if same
            && self.bump_layout(lo).is_some()
            && let Some(record) = self.los.get_mut(lo)
        {
            record.pages = order.into_iter().collect();
        }
    }

    /// Ends a sync of a linked LO: the base is the upstream as the sync
    /// read it, at `synced`; nothing is declined; with a new page list,
    /// `copies` lists the downstream copy of each upstream page, position
    /// by position.
    pub(crate) fn finish_sync(&mut self, lo: LoKey, synced: u64, upstream: &UpstreamState, copies: Option<PageList>) {
        if let Some(link) = self.los.get_mut(lo).and_then(|l| l.link.as_mut()) {
            link.synced = synced;
            link.declined = 0;
            link.base_title = upstream.title.clone();
            link.base_description = upstream.description.clone();
            if let Some(copies) = copies {
                link.base_pages = upstream.pages.clone();
                link.copies = copies;
                link.reordered = false;
            }
        }
    }

    /// Sets the `copies` list of a new linked LO once its pages are in:
    /// its pages, position by position, when each base page was copied.
    pub(crate) fn set_link_copies(&mut self, lo: LoKey) {
        let Some(record) = self.los.get_mut(lo) else { return };
        if let Some(link) = record.link.as_mut() {
            link.match_copies(&record.pages);
        }
    }
}

impl Store {
    /// Gives `to`, a fresh duplicate of `from` with its pages in the same
    /// order, the links of `from` and of its pages (detach, LNK-11).
    pub(crate) fn carry_links(&mut self, from: LoKey, to: LoKey) {
        let (Some(src), Some(dst)) = (self.los.get(from), self.los.get(to)) else { return };
        let Some(mut link) = src.link.clone() else { return };
        let pairs: Vec<(PageKey, PageKey)> = src.pages.iter().copied().zip(dst.pages.iter().copied()).collect();
        let map: std::collections::HashMap<PageKey, PageKey> = pairs.iter().copied().collect();
        link.copies =
            link.copies.iter().map(|c| map.get(c).copied().unwrap_or_else(crate::handles::Handle::null)).collect();
        let mut pages = PageLinks::default();
        for (old, page_link) in link.pages.iter() {
            if let Some(new) = map.get(&old) {
                pages.insert(*new, page_link.clone());
            }
        }
        link.pages = pages;
        self.set_lo_link(to, Some(*link));
    }
}
