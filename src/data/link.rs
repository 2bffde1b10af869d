//! The link records of linked copies (LNK-1..12): what a linked learning
//! object or page remembers of its upstream. They live out of line, so
//! that a plain record pays nothing for them: a linked LO holds its link
//! behind one pointer, and that link holds the links of the LO's pages,
//! one map a linked LO. A page record has no link field at all. The
//! store's primitives keep them.

use super::{PageContent, PageList};
use crate::handles::Handle;
use crate::{CourseKey, LoKey, PageKey};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A field that a linked copy takes from its upstream, or keeps as its own
/// customisation (LNK-4, LNK-5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum LinkedField {
    /// A learning object's or a page's title.
    Title,
    /// A learning object's description.
    Description,
    /// A page's body.
    Body,
    /// A page's list of library items.
    Items,
}

impl From<LinkedField> for crate::Field {
    fn from(field: LinkedField) -> Self {
        match field {
            LinkedField::Title => crate::Field::Title,
            LinkedField::Description => crate::Field::Description,
            LinkedField::Body => crate::Field::Body,
            LinkedField::Items => crate::Field::Items,
        }
    }
}

impl LinkedField {
    /// The field's name, as errors and previews print it.
    pub fn name(self) -> &'static str {
        match self {
            LinkedField::Title => "title",
            LinkedField::Description => "description",
            LinkedField::Body => "body",
            LinkedField::Items => "items",
        }
    }

    /// The lock of the upstream course that covers this field on a page
    /// (`on_page`) or on a learning object (LNK-9): a page's fields are its
    /// content; an LO's own fields are its title and description.
    pub(crate) fn covered_by(self, locks: FieldLocks, on_page: bool) -> bool {
        if on_page { locks.content } else { locks.title_description }
    }
}

impl std::fmt::Display for LinkedField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The fields an upstream course locks for the linked copies of its
/// learning objects (LNK-9). A locked field cannot be edited downstream,
/// and every sync writes it, customised or not.
///
/// ```
/// use coursecopy::FieldLocks;
/// let locks = FieldLocks::new().content(true);
/// assert!(locks.content && !locks.title_description);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[must_use = "locks do nothing until they are passed to Workspace::set_field_locks"]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FieldLocks {
    /// Pages: title, body and library items.
    pub content: bool,
    /// The learning object's own title and description.
    pub title_description: bool,
}

impl FieldLocks {
    /// No field locked.
    pub fn new() -> Self {
        FieldLocks::default()
    }

    /// Locks (or unlocks) pages' content: title, body and library items.
    pub fn content(mut self, locked: bool) -> Self {
        self.content = locked;
        self
    }

    /// Locks (or unlocks) learning objects' own title and description.
    pub fn title_description(mut self, locked: bool) -> Self {
        self.title_description = locked;
        self
    }
}

/// Which fields of a linked record were edited downstream (LNK-5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Customised {
    pub(crate) title: bool,
    pub(crate) description: bool,
    pub(crate) body: bool,
    pub(crate) items: bool,
}

impl Customised {
    pub(crate) fn get(self, field: LinkedField) -> bool {
        match field {
            LinkedField::Title => self.title,
            LinkedField::Description => self.description,
            LinkedField::Body => self.body,
            LinkedField::Items => self.items,
        }
    }

    pub(crate) fn set(&mut self, field: LinkedField, on: bool) {
        match field {
            LinkedField::Title => self.title = on,
            LinkedField::Description => self.description = on,
            LinkedField::Body => self.body = on,
            LinkedField::Items => self.items = on,
        }
    }

    pub(crate) fn any(self) -> bool {
        self.title || self.description || self.body || self.items
    }
}

/// What a linked learning object remembers of its upstream.
///
/// `base_*` are the upstream's values at version `synced`: a field changed
/// upstream when the upstream's value differs from its base. `base_pages`
/// is the upstream's page list at `synced`, and `copies` the downstream
/// page made from each of them, position by position. Both lists are the
/// diff base, history like provenance: a handle there may be stale, and is
/// only used after a check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LoLink {
    /// `None` once the upstream LO is deleted (LNK-10).
    pub(crate) upstream: Option<LoKey>,
    /// The upstream course, whose field locks apply (LNK-9); `None` once
    /// that course is deleted.
    pub(crate) course: Option<CourseKey>,
    pub(crate) synced: u64,
    pub(crate) declined: u64,
    pub(crate) base_title: Arc<str>,
    pub(crate) base_description: Arc<str>,
    pub(crate) base_pages: PageList,
    pub(crate) copies: PageList,
    pub(crate) customised: Customised,
    pub(crate) reordered: bool,
    /// The links of the LO's linked pages, by downstream page. A page of
    /// the LO that is not here has no link (it was added downstream).
    pub(crate) pages: PageLinks,
}

/// The links of a linked LO's pages, by page; none for a plain LO.
///
/// A linked copy's pages start *fresh*: each came from the upstream page
/// at its position in the diff base, its base is its own content, nothing
/// is customised, and the arena gave them consecutive handles. Such a run
/// is kept as the first handle, the upstream page list (shared with the
/// LO link's `base_pages`, not copied) and each page's synced version: 8
/// bytes a page, one allocation an LO. A link that changes leaves the run
/// (a bit marks it gone there) for an ordered map of links by page
/// handle, as do links added later (a loaded file's links all go there).
/// A lookup is O(1) in the run and O(log links changed) in the map, and so
/// is a change, in whatever order changes come.
#[derive(Clone, Debug, Default)]
pub(crate) struct PageLinks {
    /// Links one by one, by the page's rank (handle order), none of them
    /// in the run.
    listed: BTreeMap<u64, (PageKey, PageLink)>,
    fresh: Option<FreshRun>,
}

/// The links of a linked copy's pages as the copy made them.
#[derive(Clone, Debug)]
struct FreshRun {
    /// The first page's handle; page `i` of the run has the slot after it
    /// by `i`, and the same version.
    first: PageKey,
    /// The upstream page of each page of the run.
    upstream: PageList,
    /// The upstream version each page was taken at.
    synced: Box<[u64]>,
    /// A bit a page that left the run (changed, removed), made on the
    /// first; and how many pages are still in it.
    gone: Vec<u64>,
    live: usize,
}

impl FreshRun {
    /// The position in the run of `page`, if it is in it.
    fn position(&self, page: PageKey) -> Option<usize> {
        let offset = page.data().as_ffi().checked_sub(self.first.data().as_ffi())?;
        let at = usize::try_from(offset).ok()?;
        (at < self.synced.len() && !self.is_gone(at)).then_some(at)
    }

    fn is_gone(&self, at: usize) -> bool {
        self.gone.get(at / 64).is_some_and(|w| w & (1 << (at % 64)) != 0)
    }

    /// Takes the page at `at` out of the run, giving its link.
    fn take(&mut self, at: usize) -> Option<PageLink> {
        let link = self.link(at)?;
        if self.gone.is_empty() {
            self.gone = vec![0; self.synced.len().div_ceil(64)];
        }
        self.gone[at / 64] |= 1 << (at % 64);
        self.live -= 1;
        Some(link)
    }

    fn page(&self, at: usize) -> PageKey {
        PageKey::from_data(slotmap::KeyData::from_ffi(self.first.data().as_ffi() + at as u64))
    }

    fn link(&self, at: usize) -> Option<PageLink> {
        let synced = *self.synced.get(at)?;
        Some(PageLink { upstream: self.upstream.get(at), synced, base: None, customised: Customised::default() })
    }

    /// The links still in the run, in handle order.
    fn iter(&self) -> impl Iterator<Item = (PageKey, PageLink)> + '_ {
        (0..self.synced.len()).filter(|at| !self.is_gone(*at)).filter_map(|at| Some((self.page(at), self.link(at)?)))
    }
}

impl PageLinks {
    /// Makes the links of a fresh linked copy's pages: the pages with
    /// consecutive handles from `first`, each taken from the upstream page
    /// at its position in `upstream` at the version at its position in
    /// `synced`. Only on an empty table; gives back `false`, changing
    /// nothing, on any other or when the lists differ in length.
    pub(crate) fn set_fresh(&mut self, first: PageKey, upstream: PageList, synced: Box<[u64]>) -> bool {
        if !self.is_empty() || upstream.len() != synced.len() {
            return false;
        }
        let live = synced.len();
        self.fresh = Some(FreshRun { first, upstream, synced, gone: Vec::new(), live });
        true
    }

    /// Takes `page` out of the run, if it is there, into the map.
    fn unfresh(&mut self, page: PageKey) {
        let Some(run) = self.fresh.as_mut() else { return };
        let Some(link) = run.position(page).and_then(|at| run.take(at)) else { return };
        self.listed.insert(crate::arena::rank(page), (page, link));
    }

    /// The link of `page`, if it has one.
    pub(crate) fn get(&self, page: PageKey) -> Option<PageLink> {
        if let Some(link) = self.fresh.as_ref().and_then(|run| run.link(run.position(page)?)) {
            return Some(link);
        }
        self.listed.get(&crate::arena::rank(page)).map(|(_, l)| l.clone())
    }

    /// The link of `page`, to change it.
    pub(crate) fn get_mut(&mut self, page: PageKey) -> Option<&mut PageLink> {
        self.unfresh(page);
        self.listed.get_mut(&crate::arena::rank(page)).map(|(_, l)| l)
    }

    /// Sets the link of `page`.
    pub(crate) fn insert(&mut self, page: PageKey, link: PageLink) {
        if let Some(run) = self.fresh.as_mut()
            && let Some(at) = run.position(page)
        {
            run.take(at);
        }
        self.listed.insert(crate::arena::rank(page), (page, link));
    }

    pub(crate) fn remove(&mut self, page: PageKey) -> Option<PageLink> {
        if let Some(run) = self.fresh.as_mut()
            && let Some(at) = run.position(page)
        {
            return run.take(at);
        }
        self.listed.remove(&crate::arena::rank(page)).map(|(_, l)| l)
    }

    /// Every link, to change them all: the run is written out, O(links).
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut PageLink> + '_ {
        if let Some(run) = self.fresh.take() {
            self.listed.extend(run.iter().map(|(k, l)| (crate::arena::rank(k), (k, l))));
        }
        self.listed.values_mut().map(|(_, l)| l)
    }

    /// The links in handle order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (PageKey, PageLink)> + '_ {
        let mut run = self.fresh.iter().flat_map(|run| run.iter()).peekable();
        let mut listed = self.listed.values().map(|(k, v)| (*k, v.clone())).peekable();
        std::iter::from_fn(move || match (run.peek(), listed.peek()) {
            (Some((a, _)), Some((b, _))) if crate::arena::rank(*a) < crate::arena::rank(*b) => run.next(),
            (Some(_), None) => run.next(),
            _ => listed.next(),
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.listed.len() + self.fresh.as_ref().map_or(0, |run| run.live)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl PartialEq for PageLinks {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for PageLinks {}

/// What a linked page remembers of its upstream page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PageLink {
    /// `None` once the upstream page is deleted (LNK-10).
    pub(crate) upstream: Option<PageKey>,
    /// The upstream page's version when taken or last synced.
    pub(crate) synced: u64,
    /// The upstream page's content at `synced`, shared, not copied; `None`
    /// while it is the page's own content (as it is on a fresh copy), which
    /// saves a reference count a page. The store keeps it `None` exactly
    /// when it would point at the page's own content.
    pub(crate) base: Option<Arc<PageContent>>,
    pub(crate) customised: Customised,
}

/// Whether two page contents differ in one field. Shared allocations are
/// equal without reading the text.
pub(crate) fn field_differs(a: &PageContent, b: &PageContent, field: LinkedField) -> bool {
    match field {
        LinkedField::Title => !Arc::ptr_eq(&a.title, &b.title) && a.title != b.title,
        LinkedField::Body => !Arc::ptr_eq(&a.body, &b.body) && a.body != b.body,
        LinkedField::Items => !Arc::ptr_eq(&a.items, &b.items) && a.items != b.items,
        LinkedField::Description => false,
    }
}

/// An upstream LO's fields as a sync read them: what the downstream's
/// base becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UpstreamState {
    pub(crate) title: Arc<str>,
    pub(crate) description: Arc<str>,
    pub(crate) pages: PageList,
}

/// The version of a learning object or a page (LNK-3): a counter that
/// grows with each change, compared only with versions of the same LO.
/// Prints as its number.
///
/// ```
/// use coursecopy::{NewCourse, PageDraft, Version, Workspace};
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
/// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
/// assert_eq!(ws.learning_object(lo)?.version(), Version::ZERO);
/// ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids."))?;
/// assert!(ws.learning_object(lo)?.version() > Version::ZERO);
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Version(u64);

impl Version {
    /// A record that never changed.
    pub const ZERO: Version = Version(0);

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }

    pub(crate) fn of(n: u64) -> Version {
        Version(n)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A public view of a learning object's link (LNK-1, LNK-10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoLinkInfo {
    /// The upstream LO, or `None` when it was deleted: the link is broken
    /// and the copy keeps its content.
    pub upstream: Option<LoKey>,
    /// The upstream course whose field locks apply, while it lives.
    pub upstream_course: Option<CourseKey>,
    /// The upstream version the copy was taken at or last synced to.
    pub synced: Version,
    /// The upstream version last declined ([`Version::ZERO`] when none was).
    pub declined: Version,
    /// Whether the downstream moved pages of this LO itself.
    pub reordered: bool,
    /// Whether the title was edited here (LNK-5).
    pub title_customised: bool,
    /// Whether the description was edited here.
    pub description_customised: bool,
}

/// A public view of a page's link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageLinkInfo {
    /// The upstream page, or `None` when it was deleted upstream.
    pub upstream: Option<PageKey>,
    /// The upstream page's version when taken or last synced.
    pub synced: Version,
    /// Whether the title was edited here (LNK-5).
    pub title_customised: bool,
    /// Whether the body was edited here.
    pub body_customised: bool,
    /// Whether the library items were changed here.
    pub items_customised: bool,
}

impl LoLink {
    /// Sets `copies` from the LO's page list `pages` once a new linked
    /// copy's pages are in: the list itself, position by position, when
    /// each base page was copied; else each base page's linked copy, by
    /// its upstream (null for one not copied). O(pages).
    pub(crate) fn match_copies(&mut self, pages: &PageList) {
        if self.base_pages.len() == pages.len() {
            self.copies = pages.clone();
        } else {
            let by_upstream: std::collections::HashMap<PageKey, PageKey> =
                self.pages.iter().filter_map(|(d, l)| Some((l.upstream?, d))).collect();
            self.copies =
                self.base_pages.iter().map(|b| by_upstream.get(b).copied().unwrap_or_else(Handle::null)).collect();
        }
    }

    pub(crate) fn info(&self) -> LoLinkInfo {
        LoLinkInfo {
            upstream: self.upstream,
            upstream_course: self.course,
            synced: Version(self.synced),
            declined: Version(self.declined),
            reordered: self.reordered,
            title_customised: self.customised.title,
            description_customised: self.customised.description,
        }
    }
}

impl PageLink {
    /// The diff base, given the page's own content.
    pub(crate) fn base<'a>(&'a self, own: &'a Arc<PageContent>) -> &'a Arc<PageContent> {
        self.base.as_ref().unwrap_or(own)
    }

    pub(crate) fn info(&self) -> PageLinkInfo {
        PageLinkInfo {
            upstream: self.upstream,
            synced: Version(self.synced),
            title_customised: self.customised.title,
            body_customised: self.customised.body,
            items_customised: self.customised.items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{PageLink, PageLinks};
    use crate::PageKey;
    use crate::arena::test_key as key;

    fn link(synced: u64) -> PageLink {
        PageLink { upstream: None, synced, base: None, customised: Default::default() }
    }

    /// Links come in any order (a sync's added page may take a free slot)
    /// and are found, replaced and removed by page; the list stays in
    /// handle order, so equal tables compare equal.
    #[test]
    fn page_links_are_kept_by_page_in_any_order() {
        let mut links = PageLinks::default();
        for n in [3, 1, 4, 2] {
            links.insert(key(n), link(n));
        }
        links.insert(key(4), link(40));
        assert_eq!(links.len(), 4);
        let order: Vec<PageKey> = links.iter().map(|(k, _)| k).collect();
        assert_eq!(order, [key(1), key(2), key(3), key(4)]);
        assert_eq!(links.get(key(4)).map(|l| l.synced), Some(40));
        assert_eq!(links.remove(key(2)).map(|l| l.synced), Some(2));
        assert!(links.get(key(2)).is_none() && links.remove(key(2)).is_none());
        let mut again = PageLinks::default();
        for n in [4, 3, 1] {
            again.insert(key(n), link(if n == 4 { 40 } else { n }));
        }
        assert_eq!(links, again);
    }

    /// A fresh run reads as the links it stands for, equals them written
    /// out, and is written out by the first change, which then applies.
    #[test]
    fn a_fresh_run_reads_and_changes_as_its_links() {
        use crate::handles::Handle;
        let first: PageKey = key(7);
        let next = |i: u64| PageKey::from_data(slotmap::KeyData::from_ffi(first.data().as_ffi() + i));
        let upstream: crate::data::PageList = (1..=3).map(key).collect();
        let fresh = || {
            let mut links = PageLinks::default();
            assert!(links.set_fresh(first, upstream.clone(), vec![10, 20, 30].into()));
            links
        };
        let mut listed = PageLinks::default();
        for (i, u) in (1..=3).enumerate() {
            listed.insert(next(i as u64), PageLink { upstream: Some(key(u)), ..link(10 * (i as u64 + 1)) });
        }
        let mut links = fresh();
        assert_eq!(links, listed);
        assert_eq!((links.len(), links.get(next(1)).map(|l| (l.upstream, l.synced))), (3, Some((Some(key(2)), 20))));
        assert!(links.get(next(3)).is_none() && links.get(key(1)).is_none(), "past the run, or another page");
        assert!(links.get_mut(next(3)).is_none() && links.remove(key(1)).is_none());
        assert_eq!(links, listed, "a miss changes nothing");
        assert!(!links.set_fresh(first, upstream.clone(), vec![1, 2, 3].into()), "only on an empty table");
        links.get_mut(next(2)).unwrap().synced = 99;
        listed.get_mut(next(2)).unwrap().synced = 99;
        assert_eq!(links, listed);
        let mut removed = fresh();
        assert_eq!(removed.remove(next(0)).map(|l| l.synced), Some(10));
        assert_eq!(removed.iter().map(|(k, _)| k).collect::<Vec<_>>(), [next(1), next(2)]);
        let mut added = fresh();
        added.insert(key(1), link(5));
        assert_eq!(added.len(), 4);
        assert_eq!(added.iter().next().map(|(k, l)| (k, l.synced)), Some((key(1), 5)), "in handle order");
    }
}
