//! Course tools: the light records a course holds beside its learning
//! objects (SPEC section 6). One record type, [`ToolItem`], serves every
//! category; the category says which fields matter.

pub use crate::handles::ToolId;
use crate::handles::{LoKey, TermKey, UserKey};
use imbl::{OrdMap, OrdSet, Vector};
use std::sync::Arc;

/// The categories of course tools, as an LMS copy selects them (LMS-8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Category {
    /// Announcements.
    Announcements,
    /// Tests and assignments.
    Assessments,
    /// Blog entries.
    Blogs,
    /// Calendar events.
    Calendar,
    /// Contacts.
    Contacts,
    /// Discussion forums, with starter posts and replies.
    Discussions,
    /// The course's glossary list: links to global glossary terms.
    Glossary,
    /// Gradebook columns, optionally linked to an assessment; grades are
    /// user data and never copied.
    Gradebook,
    /// Group sets; their members are user data and never copied.
    GroupSettings,
    /// Journals.
    Journals,
    /// Rubrics, optionally linked to a gradebook column.
    Rubrics,
    /// Tasks.
    Tasks,
    /// Wikis.
    Wikis,
    /// Adaptive release rules, linked to content (a learning object).
    AdaptiveReleaseRules,
    /// Content alignments, linked to content (a learning object).
    ContentAlignments,
    /// Retention rules.
    RetentionRules,
}

impl Category {
    /// Every category, in copy order: the targets of links come before the
    /// items that link to them.
    pub const ALL: [Category; 16] = [
        Category::Assessments,
        Category::Gradebook,
        Category::Rubrics,
        Category::Announcements,
        Category::Blogs,
        Category::Calendar,
        Category::Contacts,
        Category::Discussions,
        Category::Glossary,
        Category::GroupSettings,
        Category::Journals,
        Category::Tasks,
        Category::Wikis,
        Category::AdaptiveReleaseRules,
        Category::ContentAlignments,
        Category::RetentionRules,
    ];

    /// The kind of link an item of this category may hold, if any.
    pub fn link_kind(self) -> Option<LinkKind> {
        match self {
            Category::Gradebook => Some(LinkKind::Tool(Category::Assessments)),
            Category::Rubrics => Some(LinkKind::Tool(Category::Gradebook)),
            Category::Glossary => Some(LinkKind::Term),
            Category::AdaptiveReleaseRules | Category::ContentAlignments => Some(LinkKind::Content),
            _ => None,
        }
    }
}

/// What a tool item's link may point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// Another tool item of the same course, of this category.
    Tool(Category),
    /// A learning object the course includes.
    Content,
    /// A glossary term of the library.
    Term,
}

/// A link from a tool item to something else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ToolLink {
    /// Another tool item of the same course.
    Tool(ToolId),
    /// A learning object.
    Content(LoKey),
    /// A glossary term.
    Term(TermKey),
}

/// A post in a discussion forum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    pub(crate) author: UserKey,
    pub(crate) body: Arc<str>,
    pub(crate) reply: bool,
}

impl Post {
    /// Who wrote it.
    pub fn author(&self) -> UserKey {
        self.author
    }

    /// What it says.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Whether it is a reply (`false`: a starter post).
    pub fn is_reply(&self) -> bool {
        self.reply
    }
}

/// One tool item of a course.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolItem {
    pub(crate) id: ToolId,
    pub(crate) category: Category,
    pub(crate) title: Arc<str>,
    pub(crate) body: Arc<str>,
    pub(crate) link: Option<ToolLink>,
    pub(crate) posts: Vector<Post>,
    pub(crate) groups: OrdMap<Arc<str>, OrdSet<UserKey>>,
    pub(crate) grades: OrdMap<UserKey, Arc<str>>,
    /// Its dates; only the fields its category takes are ever set.
    pub(crate) dates: super::ToolDates,
}

impl ToolItem {
    /// The item's id in its course.
    pub fn id(&self) -> ToolId {
        self.id
    }

    /// The item's category.
    pub fn category(&self) -> Category {
        self.category
    }

    /// The item's title (for a glossary entry, a label).
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The item's text.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// What the item links to, if anything.
    pub fn link(&self) -> Option<ToolLink> {
        self.link
    }

    /// The item's dates (SPEC section 12): none unless set.
    pub fn dates(&self) -> super::ToolDates {
        self.dates
    }

    /// A forum's posts, starter posts and replies, in order.
    pub fn posts(&self) -> impl ExactSizeIterator<Item = &Post> + '_ {
        self.posts.iter()
    }

    /// A group set's groups, by name, with their members.
    pub fn groups(&self) -> impl ExactSizeIterator<Item = (&str, Vec<UserKey>)> + '_ {
        self.groups.iter().map(|(name, members)| (&**name, members.iter().copied().collect()))
    }

    /// A gradebook column's grades, by user.
    pub fn grades(&self) -> impl ExactSizeIterator<Item = (UserKey, &str)> + '_ {
        self.grades.iter().map(|(u, g)| (*u, &**g))
    }
}

/// A course's tool items, in the order they were added.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CourseTools {
    pub(crate) items: Vector<ToolItem>,
    pub(crate) next_id: u32,
}

/// The highest tool item id a course gives out: ids are `u32`s, and half
/// their range is room enough for any course (an id is never reused).
pub(crate) const MAX_TOOL_ID: u32 = u32::MAX / 2;

impl CourseTools {
    /// Every item, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &ToolItem> + '_ {
        self.items.iter()
    }

    /// The items of one category, in order.
    pub fn of(&self, category: Category) -> impl Iterator<Item = &ToolItem> + '_ {
        self.items.iter().filter(move |i| i.category == category)
    }

    /// An item, by id.
    pub fn get(&self, id: ToolId) -> Option<&ToolItem> {
        self.items.iter().find(|i| i.id == id)
    }

    /// How many items the course holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the course holds no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether `item`'s link has the kind its category allows, and a link
    /// to another item names one of this set, of the category the link
    /// kind asks for. Whether a linked learning object or term is live is
    /// the caller's question: a copy's snapshot is history.
    pub(crate) fn link_fits(&self, item: &ToolItem) -> bool {
        match (item.link, item.category.link_kind()) {
            (None, _) => true,
            (Some(ToolLink::Tool(t)), Some(LinkKind::Tool(cat))) => self.get(t).is_some_and(|i| i.category == cat),
            (Some(ToolLink::Content(_)), Some(LinkKind::Content)) | (Some(ToolLink::Term(_)), Some(LinkKind::Term)) => {
                true
            }
            _ => false,
        }
    }

    /// The items a copy with `selection` carries, in copy order: category
    /// by category, in [`Category::ALL`] order, so that the targets of
    /// links are copied before the items that link to them.
    /// A course with no items costs no walk of the categories.
    pub(crate) fn selected(&self, selection: &super::CopySelection) -> Vec<ToolItem> {
        if self.items.is_empty() {
            return Vec::new();
        }
        Category::ALL.iter().filter(|c| selection.includes(**c)).flat_map(|c| self.of(*c).cloned()).collect()
    }

    pub(crate) fn allocate(&mut self) -> Option<ToolId> {
        (self.next_id < MAX_TOOL_ID).then(|| {
            self.next_id += 1;
            ToolId(self.next_id)
        })
    }

    /// How many more ids the course can give out.
    pub(crate) fn ids_left(&self) -> u32 {
        MAX_TOOL_ID.saturating_sub(self.next_id)
    }
}
