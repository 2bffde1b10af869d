//! The workspace: one value that owns every entity, and the read API.
//!
//! Reads are not access-checked: the host application decides what it shows
//! to whom, and can ask [`Workspace::can_read`]. Every operation that changes
//! the workspace takes the acting user and is checked (ACC-2).

use crate::TaskKey;
use crate::arena::{Arena, fresh_salt};
use crate::data::{DEFAULT_TASK_LIMIT, Task};
use crate::data::{Role, Text};
use crate::{
    Course, CourseKey, CourseStyle, Error, LearningObject, LibraryEntry, LibraryItem, LoKey, MediaKey, Page, PageKey,
    ResourceKey, StyleKey, TermKey, User, UserKey,
};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// The whole in-memory world: users, courses, learning objects, pages,
/// course styles and the global library.
///
/// Every entity is reached through a typed handle ([`CourseKey`],
/// [`PageKey`], ...). Cloning a workspace is O(number of entities), and the
/// clone hands out the same handles: it is a snapshot, handy for "what if"
/// previews and tests.
///
/// ```
/// use coursecopy::{Workspace, Role};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let author = ws.create_user(admin, "Grace", Role::Author)?;
/// assert_eq!(ws.user(author)?.role(), Role::Author);
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workspace {
    pub(crate) users: Arena<UserKey, User>,
    pub(crate) courses: Arena<CourseKey, Course>,
    pub(crate) los: Arena<LoKey, LearningObject>,
    pub(crate) pages: Arena<PageKey, Page>,
    pub(crate) styles: Arena<StyleKey, CourseStyle>,
    pub(crate) media: Arena<MediaKey, LibraryEntry>,
    pub(crate) resources: Arena<ResourceKey, LibraryEntry>,
    pub(crate) terms: Arena<TermKey, LibraryEntry>,
    pub(crate) course_ids: HashMap<Arc<str>, CourseKey>,
    pub(crate) external_ids: HashMap<Arc<str>, CourseKey>,
    /// LMS primary ids (`_<pk>_1`) of courses.
    pub(crate) pks: HashMap<u64, CourseKey>,
    pub(crate) next_pk: u64,
    pub(crate) tasks: Arena<TaskKey, Task>,
    pub(crate) next_task_pk: u64,
    /// Tasks waiting to run, in request order.
    pub(crate) queue: VecDeque<TaskKey>,
    /// Tasks running, in start order.
    pub(crate) running: Vec<TaskKey>,
    pub(crate) task_limit: usize,
    /// Courses a task is copying into.
    pub(crate) busy: HashMap<CourseKey, TaskKey>,
    /// Which pages use each library item, built on demand.
    pub(crate) library_index: crate::reuse::LibraryIndex,
}

impl Workspace {
    /// A new, empty workspace with one Administrator, who can then create
    /// every other user.
    ///
    /// Fails with [`Error::Invalid`] when `admin_name` is blank or too long.
    pub fn with_admin(admin_name: &str) -> Result<(Workspace, UserKey), Error> {
        let name = Text::name("name", admin_name)?;
        let salt = fresh_salt();
        let mut ws = Workspace {
            users: Arena::new(salt),
            courses: Arena::new(salt),
            los: Arena::new(salt),
            pages: Arena::new(salt),
            styles: Arena::new(salt),
            media: Arena::new(salt),
            resources: Arena::new(salt),
            terms: Arena::new(salt),
            course_ids: HashMap::new(),
            external_ids: HashMap::new(),
            pks: HashMap::new(),
            next_pk: 0,
            tasks: Arena::new(salt),
            next_task_pk: 0,
            queue: VecDeque::new(),
            running: Vec::new(),
            task_limit: DEFAULT_TASK_LIMIT,
            busy: HashMap::new(),
            library_index: Default::default(),
        };
        let admin = ws.users.insert(User { name, role: Role::Administrator });
        Ok((ws, admin))
    }

    /// The salt of this workspace's handles.
    #[cfg(feature = "serde")]
    pub(crate) fn salt(&self) -> u32 {
        self.users.salt()
    }

    /// A user, by handle.
    pub fn user(&self, key: UserKey) -> Result<&User, Error> {
        self.users.get(key).ok_or_else(|| Error::not_found(key))
    }

    /// A course, by handle.
    pub fn course(&self, key: CourseKey) -> Result<&Course, Error> {
        self.courses.get(key).ok_or_else(|| Error::not_found(key))
    }

    /// A learning object, by handle.
    pub fn learning_object(&self, key: LoKey) -> Result<&LearningObject, Error> {
        self.los.get(key).ok_or_else(|| Error::not_found(key))
    }

    /// A page, by handle.
    pub fn page(&self, key: PageKey) -> Result<&Page, Error> {
        self.pages.get(key).ok_or_else(|| Error::not_found(key))
    }

    /// A course style, by handle.
    pub fn style(&self, key: StyleKey) -> Result<&CourseStyle, Error> {
        self.styles.get(key).ok_or_else(|| Error::not_found(key))
    }

    /// A library item, by handle of any kind.
    pub fn library_entry(&self, item: impl Into<LibraryItem>) -> Result<&LibraryEntry, Error> {
        let item = item.into();
        let found = match item {
            LibraryItem::Media(k) => self.media.get(k),
            LibraryItem::Resource(k) => self.resources.get(k),
            LibraryItem::Term(k) => self.terms.get(k),
        };
        found.ok_or_else(|| Error::not_found(item))
    }

    /// The library items a page references, resolved, in the page's order.
    pub fn page_items(&self, page: PageKey) -> Result<Vec<(LibraryItem, &LibraryEntry)>, Error> {
        let page = self.page(page)?;
        page.items().iter().map(|&item| Ok((item, self.library_entry(item)?))).collect()
    }

    /// The course with this `course_id`, if any. O(1).
    pub fn find_course(&self, course_id: &str) -> Option<CourseKey> {
        self.course_ids.get(course_id).copied()
    }

    /// The course with this `external_id`, if any. O(1).
    pub fn find_course_by_external_id(&self, external_id: &str) -> Option<CourseKey> {
        self.external_ids.get(external_id).copied()
    }

    /// Every user, in handle order.
    pub fn users(&self) -> impl Iterator<Item = (UserKey, &User)> + '_ {
        self.users.iter()
    }

    /// Every course, in handle order.
    pub fn courses(&self) -> impl Iterator<Item = (CourseKey, &Course)> + '_ {
        self.courses.iter()
    }

    /// Every learning object, included in a course or not, in handle order.
    pub fn learning_objects(&self) -> impl Iterator<Item = (LoKey, &LearningObject)> + '_ {
        self.los.iter()
    }

    /// Every page, in handle order.
    pub fn pages(&self) -> impl Iterator<Item = (PageKey, &Page)> + '_ {
        self.pages.iter()
    }

    /// Every course style, in handle order.
    pub fn styles(&self) -> impl Iterator<Item = (StyleKey, &CourseStyle)> + '_ {
        self.styles.iter()
    }

    /// Every library item, media first, then resources, then glossary terms.
    pub fn library(&self) -> impl Iterator<Item = (LibraryItem, &LibraryEntry)> + '_ {
        let media = self.media.iter().map(|(k, v)| (LibraryItem::Media(k), v));
        let resources = self.resources.iter().map(|(k, v)| (LibraryItem::Resource(k), v));
        let terms = self.terms.iter().map(|(k, v)| (LibraryItem::Term(k), v));
        media.chain(resources).chain(terms)
    }

    /// How many entities of each kind the workspace holds.
    pub fn counts(&self) -> Counts {
        Counts {
            users: self.users.len(),
            courses: self.courses.len(),
            learning_objects: self.los.len(),
            pages: self.pages.len(),
            styles: self.styles.len(),
            library_items: self.media.len() + self.resources.len() + self.terms.len(),
        }
    }
}

/// Entity counts, from [`Workspace::counts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Counts {
    /// Users.
    pub users: usize,
    /// Courses.
    pub courses: usize,
    /// Learning objects, included in a course or not.
    pub learning_objects: usize,
    /// Pages.
    pub pages: usize,
    /// Course styles.
    pub styles: usize,
    /// Media assets, resources and glossary terms together.
    pub library_items: usize,
}
