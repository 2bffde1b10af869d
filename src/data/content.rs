use super::{CourseSet, PageList};
use crate::{CourseKey, LibraryItem, LoKey, PageKey, StyleKey};
use std::sync::Arc;

/// A learning object (LO): an ordered list of pages with a title and a
/// description. An LO exists on its own; any number of courses can include
/// it, and every one of them sees the same pages (Share).
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
    pub(crate) ancestors: Arc<[LoKey]>,
}

impl LearningObject {
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
        &self.ancestors
    }
}

/// A page: content, an optional applied course style, and references to
/// global library items. A page belongs to exactly one learning object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub(crate) content: Arc<PageContent>,
    pub(crate) style: Option<StyleKey>,
    pub(crate) lo: LoKey,
    pub(crate) origin: Option<PageKey>,
}

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
}
