//! The content records: [`LearningObject`] (an ordered list of pages any
//! number of courses can include) and [`Page`] (a title, a body, library
//! items, a style), with the crate's own parts of them: the page content
//! several pages may share until one is edited, and an LO's log of edited
//! pages by version.

use super::link::{LoLink, PageLink};
use super::{CourseSet, LoLinkInfo, PageLinkInfo, PageList};
use crate::{CourseKey, LibraryItem, LoKey, PageKey, StyleKey};
use imbl::OrdMap;
use std::sync::Arc;

/// A learning object (LO): an ordered list of pages with a title and a
/// description. An LO exists on its own; any number of courses can include
/// it, and every one of them sees the same pages (Share).
///
/// ```
/// use coursecopy::{NewCourse, PageDraft, Workspace};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let bio = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
/// let chem = ws.create_course(admin, NewCourse::new("CHEM-101", "Chemistry"))?;
/// let cells = ws.create_learning_object(admin, bio, "Cells", "The unit of life")?;
/// ws.add_page(admin, bio, cells, PageDraft::new("Membranes", "<p>Lipids.</p>"))?;
/// // Chemistry includes the same LO: both courses see its pages.
/// ws.add_learning_object(admin, chem, cells, None)?;
/// let lo = ws.learning_object(cells)?;
/// assert_eq!((lo.title(), lo.pages().len()), ("Cells", 1));
/// assert_eq!(lo.used_in().len(), 2);
/// assert_eq!(lo.parent(), Some(bio));
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearningObject {
    pub(crate) title: Arc<str>,
    pub(crate) description: Arc<str>,
    pub(crate) parent: Option<CourseKey>,
    pub(crate) pages: PageList,
    pub(crate) used_in: CourseSet,
    pub(crate) origin: Option<LoKey>,
    /// Every LO this one descends from by duplication, oldest first; the
    /// last is `origin`. Kept whole so that provenance survives the deletion
    /// of a middle generation (REU-5).
    pub(crate) ancestors: Ancestry,
    /// Grows by one with each change to the LO or its pages (LNK-3).
    pub(crate) version: u64,
    /// The version of the last change to the page list (a page added,
    /// deleted or moved).
    pub(crate) layout_version: u64,
    /// The pages whose content changed since they were added, under the
    /// version of their last change, with their position then. A sync
    /// reads the range past its synced version: O(what changed), not
    /// O(pages) (LNK-12).
    pub(crate) edited: Edited,
    /// Set on a linked copy (LNK-1), with its pages' links: behind one
    /// pointer, so that a plain LO pays 8 bytes for it.
    pub(crate) link: Option<Box<LoLink>>,
    /// Its numeric id, from the store's counter (CNV-2); 0 only on a
    /// record not yet in the store.
    pub(crate) pk: u64,
}

/// The pages of an LO whose content changed since they were added: each
/// under the version of its last change, with its position then (a hint,
/// checked before use). It can be rebuilt from the pages' versions, so
/// equality ignores the hints.
#[derive(Clone, Debug, Default)]
pub(crate) struct Edited(pub(crate) OrdMap<u64, (PageKey, u32)>);

impl PartialEq for Edited {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(other.0.iter()).all(|(a, b)| a.0 == b.0 && a.1.0 == b.1.0)
    }
}

impl Eq for Edited {}

/// Every learning object one descends from by duplication, oldest first.
/// Up to two ancestors live in the record itself, so duplicating an
/// original or its duplicate allocates nothing for them; longer lineages
/// share one allocation.
#[derive(Clone, Debug)]
pub(crate) enum Ancestry {
    Inline { len: u8, keys: [LoKey; 2] },
    Shared(Arc<[LoKey]>),
}

impl Default for Ancestry {
    fn default() -> Self {
        Ancestry::Inline { len: 0, keys: [crate::handles::Handle::null(); 2] }
    }
}

impl Ancestry {
    pub(crate) fn as_slice(&self) -> &[LoKey] {
        match self {
            Ancestry::Inline { len, keys } => &keys[..usize::from(*len).min(2)],
            Ancestry::Shared(keys) => keys,
        }
    }

    /// This lineage, then `lo`: the lineage of a duplicate of `lo`.
    pub(crate) fn then(&self, lo: LoKey) -> Ancestry {
        match *self.as_slice() {
            [] => Ancestry::Inline { len: 1, keys: [lo, crate::handles::Handle::null()] },
            [first] => Ancestry::Inline { len: 2, keys: [first, lo] },
            ref longer => Ancestry::Shared(longer.iter().copied().chain([lo]).collect()),
        }
    }
}

impl FromIterator<LoKey> for Ancestry {
    fn from_iter<I: IntoIterator<Item = LoKey>>(iter: I) -> Self {
        let keys: Vec<LoKey> = iter.into_iter().collect();
        match keys[..] {
            [] => Ancestry::default(),
            [a] => Ancestry::Inline { len: 1, keys: [a, crate::handles::Handle::null()] },
            [a, b] => Ancestry::Inline { len: 2, keys: [a, b] },
            _ => Ancestry::Shared(keys.into()),
        }
    }
}

impl PartialEq for Ancestry {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Ancestry {}

impl LearningObject {
    /// A new record: no pages, in no course, version 0, not linked.
    pub(crate) fn new_record(
        title: Arc<str>,
        description: Arc<str>,
        parent: Option<CourseKey>,
        origin: Option<LoKey>,
        ancestors: Ancestry,
    ) -> Self {
        LearningObject {
            title,
            description,
            parent,
            pages: PageList::default(),
            used_in: CourseSet::default(),
            origin,
            ancestors,
            version: 0,
            layout_version: 0,
            edited: Default::default(),
            link: None,
            pk: 0,
        }
    }

    /// The learning object's numeric id: given when it is created, from a
    /// counter of the workspace, never given again in it (a copy gets its
    /// own), and kept by save and load. Not a handle: a slot's index is
    /// reused, this is not. What an API that speaks in integers (Canvas's
    /// module ids) names the LO by.
    pub fn numeric_id(&self) -> u64 {
        self.pk
    }

    /// The LO's title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The LO's description.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The course the LO was created in (for a duplicate, the course it was
    /// duplicated into, DUP-6). `None` once that course has been deleted.
    pub fn parent(&self) -> Option<CourseKey> {
        self.parent
    }

    /// The LO's pages, in order.
    pub fn pages(&self) -> impl ExactSizeIterator<Item = PageKey> + '_ {
        self.pages.iter().copied()
    }

    /// The position of a page in the LO, if it belongs to it.
    pub fn position_of(&self, page: PageKey) -> Option<usize> {
        self.pages.index_of(page)
    }

    /// The courses that include this LO, in handle order ("where used").
    /// More than one means the LO is shared.
    pub fn used_in(&self) -> crate::Reach {
        self.used_in.to_reach()
    }

    /// The LO this one was duplicated from (DUP-5), if any. The handle may
    /// be stale if that LO was deleted since: provenance is history.
    pub fn origin(&self) -> Option<LoKey> {
        self.origin
    }

    /// Every LO this one descends from by duplication, oldest first (the
    /// last is [`origin`](Self::origin)). Handles may be stale: provenance
    /// is history.
    pub fn ancestors(&self) -> &[LoKey] {
        self.ancestors.as_slice()
    }

    /// The LO's version: it grows with every change to the LO's fields and
    /// to its pages (a page edited, added, deleted or moved), LNK-3.
    pub fn version(&self) -> super::Version {
        super::Version::of(self.version)
    }

    /// The link record, for the crate: the one way it is read outside the
    /// store, so that where links live can change behind it.
    pub(crate) fn link_data(&self) -> Option<&LoLink> {
        self.link.as_deref()
    }

    /// The link of a linked copy to its upstream, if this is one (LNK-1).
    pub fn link(&self) -> Option<LoLinkInfo> {
        self.link.as_ref().map(|l| l.info())
    }

    /// The link record of one of this LO's pages, for the crate.
    pub(crate) fn page_link_data(&self, page: PageKey) -> Option<PageLink> {
        self.link.as_ref()?.pages.get(page)
    }

    /// The link of one of this LO's pages to its upstream page, if the LO
    /// is a linked copy and the page came from upstream (LNK-1). A page
    /// added downstream has none; so has a page of another LO. O(1).
    /// [`Workspace::page_link`](crate::Workspace::page_link) finds the LO
    /// for you.
    pub fn page_link(&self, page: PageKey) -> Option<PageLinkInfo> {
        self.page_link_data(page).map(|l| l.info())
    }
}

/// A page: content, an optional applied course style, and references to
/// global library items. A page belongs to exactly one learning object.
///
/// ```
/// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let bio = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
/// let cells = ws.create_learning_object(admin, bio, "Cells", "")?;
/// let page = ws.add_page(admin, bio, cells, PageDraft::new("Membranes", "<p>Lipids.</p>"))?.page;
/// let copy = ws.duplicate_course(admin, bio, &CopyOptions::new().course_id("BIO-101-B"))?;
/// let copy_lo = ws.course(copy)?.learning_objects().next().unwrap();
/// let copy_page = ws.learning_object(copy_lo)?.pages().next().unwrap();
/// let (original, duplicate) = (ws.page(page)?, ws.page(copy_page)?);
/// assert_eq!((duplicate.title(), duplicate.body()), (original.title(), original.body()));
/// // A Duplicate's text is shared in memory until one side is edited.
/// assert!(duplicate.shares_body_with(original));
/// assert_eq!(duplicate.origin(), Some(page));
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub(crate) content: Arc<PageContent>,
    pub(crate) style: Option<StyleKey>,
    pub(crate) lo: LoKey,
    pub(crate) origin: Option<PageKey>,
    /// Its LO's version at the page's last content change; 0 until the
    /// first. It is also the page's key in its LO's `edited` map.
    pub(crate) version: u64,
    /// Its numeric id, from the store's counter (CNV-2).
    pub(crate) pk: u64,
}

/// What a page costs in its arena: 56 bytes on 64-bit targets, its
/// numeric id included. A plain page pays nothing for links, which live
/// with its learning object's link.
const _: () = assert!(crate::arena::slot_size::<Page>() <= 56, "a page's arena slot grew past 56 bytes");

/// What a page says, shared between a page and its duplicates until one of
/// them is edited (copy on write).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PageContent {
    pub(crate) title: Arc<str>,
    pub(crate) body: Arc<str>,
    pub(crate) items: Arc<[LibraryItem]>,
}

impl Page {
    /// The page's content, for changing it: copied first if a duplicate
    /// still shares it (the text itself is never copied).
    pub(crate) fn content_mut(&mut self) -> &mut PageContent {
        Arc::make_mut(&mut self.content)
    }

    /// The page title.
    pub fn title(&self) -> &str {
        &self.content.title
    }

    /// The page body.
    pub fn body(&self) -> &str {
        &self.content.body
    }

    /// The course style applied to the page, if any.
    pub fn style(&self) -> Option<StyleKey> {
        self.style
    }

    /// The library items the page references, in order, without repeats.
    pub fn items(&self) -> &[LibraryItem] {
        &self.content.items
    }

    /// The learning object the page belongs to.
    pub fn learning_object(&self) -> LoKey {
        self.lo
    }

    /// The page this one was duplicated from (DUP-5), if any. The handle may
    /// be stale if that page was deleted since: provenance is history.
    pub fn origin(&self) -> Option<PageKey> {
        self.origin
    }

    /// The page's numeric id: given when it is created (a duplicate gets
    /// its own), from a counter of the workspace, never given again in it,
    /// and kept by save and load. Not a handle: a slot's index is reused,
    /// this is not. What an API that speaks in integers (Canvas's page and
    /// module item ids) names the page by.
    pub fn numeric_id(&self) -> u64 {
        self.pk
    }

    /// The page's version: its learning object's version at the page's
    /// last change of title, body or items, or 0 if it never changed since
    /// it was added (LNK-3).
    pub fn version(&self) -> super::Version {
        super::Version::of(self.version)
    }

    /// A library item the page lists twice, if any: the API never lets one
    /// in, so the loader refuses it wherever a saved page is found.
    pub(crate) fn repeated_item(&self) -> Option<LibraryItem> {
        let items = self.items();
        items.iter().enumerate().find(|(i, item)| items[..*i].contains(item)).map(|(_, item)| *item)
    }

    /// Whether this page and `other` hold the same body text in memory, not
    /// merely equal text. A duplicated page shares its body with its source
    /// until one of them is edited.
    pub fn shares_body_with(&self, other: &Page) -> bool {
        Arc::ptr_eq(&self.content.body, &other.content.body)
    }

    /// Whether this page and `other` hold the same title in memory; see
    /// [`shares_body_with`](Self::shares_body_with).
    pub fn shares_title_with(&self, other: &Page) -> bool {
        Arc::ptr_eq(&self.content.title, &other.content.title)
    }

    /// Whether this page and `other` hold the same list of library items
    /// in memory; see [`shares_body_with`](Self::shares_body_with).
    pub fn shares_items_with(&self, other: &Page) -> bool {
        Arc::ptr_eq(&self.content.items, &other.content.items)
    }
}

#[cfg(test)]
mod tests {
    use super::Ancestry;
    use crate::LoKey;
    use crate::arena::test_key as key;

    #[test]
    fn reu5_a_lineage_grows_by_one_a_generation_inline_then_shared() {
        let mut lineage = Ancestry::default();
        let keys: Vec<LoKey> = (1..=5).map(key).collect();
        for (n, k) in keys.iter().enumerate() {
            lineage = lineage.then(*k);
            assert_eq!(lineage.as_slice(), &keys[..=n]);
            assert_eq!(matches!(lineage, Ancestry::Inline { .. }), n < 2);
        }
        assert_eq!(lineage, keys.iter().copied().collect::<Ancestry>());
        assert_eq!(Ancestry::default(), [].into_iter().collect::<Ancestry>());
    }

    /// What plain records cost, on the 64-bit targets the figures in the
    /// docs are for: links add nothing to a page, 8 bytes to an LO; a
    /// page's numeric id is its 8 bytes past 40.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_plain_page_pays_nothing_for_links() {
        use crate::arena::slot_size;
        assert_eq!(std::mem::size_of::<super::Page>(), 48);
        assert_eq!(slot_size::<super::Page>(), 56);
        assert_eq!(std::mem::size_of::<Option<Box<crate::data::LoLink>>>(), 8);
    }
}
