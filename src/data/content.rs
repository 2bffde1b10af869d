use super::PageList;
use crate::{CourseKey, LibraryItem, LoKey, PageKey, StyleKey};
use std::sync::Arc;

/// A sorted set of courses: the where-used set of a learning object.
///
/// Adding a course with a newer handle appends, with no atomic operation and
/// no search; lookups are binary searches. The [`Reach`](crate::Reach) an
/// edit returns is a shared copy made on first demand and kept until the
/// set changes, so repeated edits of a widely shared LO get it in O(1).
#[derive(Clone, Debug, Default)]
pub(crate) struct CourseSet {
    courses: Vec<CourseKey>,
    shared: Option<Arc<[CourseKey]>>,
}

impl PartialEq for CourseSet {
    fn eq(&self, other: &Self) -> bool {
        self.courses == other.courses
    }
}

impl Eq for CourseSet {}

impl CourseSet {
    /// A set of one course, with room for a few more, so that the first
    /// Shares of a learning object do not allocate.
    pub(crate) fn unit(course: CourseKey) -> Self {
        let mut courses = Vec::with_capacity(4);
        courses.push(course);
        CourseSet { courses, shared: None }
    }

    pub(crate) fn contains(&self, course: &CourseKey) -> bool {
        self.courses.binary_search(course).is_ok()
    }

    pub(crate) fn insert(&mut self, course: CourseKey) -> bool {
        // A course newer than all the others goes at the end: no search.
        let at = match self.courses.last() {
            Some(last) if *last >= course => match self.courses.binary_search(&course) {
                Ok(_) => return false,
                Err(at) => at,
            },
            _ => self.courses.len(),
        };
        self.courses.insert(at, course);
        self.shared = None;
        true
    }

    pub(crate) fn remove(&mut self, course: &CourseKey) -> bool {
        match self.courses.binary_search(course) {
            Ok(at) => {
                self.courses.remove(at);
                self.shared = None;
                true
            }
            Err(_) => false,
        }
    }

    /// The set as a shared slice, made once and kept until the set changes.
    pub(crate) fn shared(&mut self) -> Arc<[CourseKey]> {
        self.shared.get_or_insert_with(|| Arc::from(&self.courses[..])).clone()
    }

    /// The set as a shared slice, without keeping it.
    pub(crate) fn to_shared(&self) -> Arc<[CourseKey]> {
        self.shared.clone().unwrap_or_else(|| Arc::from(&self.courses[..]))
    }

    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = &CourseKey> + '_ {
        self.courses.iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.courses.len()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for CourseSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.courses.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for CourseSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut courses = Vec::<CourseKey>::deserialize(d)?;
        courses.sort();
        courses.dedup();
        Ok(CourseSet { courses, shared: None })
    }
}

/// A learning object (LO): an ordered list of pages with a title and a
/// description. An LO exists on its own; any number of courses can include
/// it, and every one of them sees the same pages (Share).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
        crate::Reach::new(self.used_in.to_shared())
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Page {
    pub(crate) content: Arc<PageContent>,
    pub(crate) style: Option<StyleKey>,
    pub(crate) lo: LoKey,
    pub(crate) origin: Option<PageKey>,
}

/// What a page says, shared between a page and its duplicates until one of
/// them is edited (copy on write).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

    /// Whether this page and `other` hold the same body text in memory, not
    /// merely equal text. A duplicated page shares its body with its source
    /// until one of them is edited.
    pub fn shares_body_with(&self, other: &Page) -> bool {
        Arc::ptr_eq(&self.content.body, &other.content.body)
    }
}
