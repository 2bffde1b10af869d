//! The public facade: [`Workspace`], one value that owns a store, and one
//! method a public operation. Each method hands its arguments to the layer
//! that carries the operation out (edits, the copy engine, tasks, re-use)
//! and returns what it returns; none holds logic of its own.
//!
//! Reads are not access-checked: the host application decides what it shows
//! to whom, and can ask [`Workspace::can_read`]. Every operation that changes
//! the workspace takes the acting user and is checked (ACC-2).

mod content;
mod copies;
mod courses;
mod dates;
mod library;
mod linked;
mod reuse;
mod tasks;
mod titles;
mod tools;
mod users;

pub use titles::WithTitles;

use crate::access;
use crate::copy::{self, CopyOptions, CopyRequest, CourseRef};
use crate::data::{
    CopyMode, CopyReport, Counts, Course, CourseStyle, DateShift, DateShiftReport, FieldLocks, LearningObject,
    LibraryEntry, LinkedField, Page, Reach, Role, TaskStatus, Text, Timestamp, ToolDates, ToolId, User, Version,
};
use crate::edit::content::ItemChange;
use crate::edit::{self, CourseChange, LoEdit, NewCourse, NewPage, PageDraft, PageEdit, ToolDraft};
use crate::error::{Action, Error};
use crate::handles::{
    CourseKey, Entity, LibraryItem, LoKey, MediaKey, PageKey, ResourceKey, StyleKey, TaskKey, TermKey, UserKey,
};
use crate::linked::{Customisations, DownstreamSync, LinkPreview, LinkedRecord, SyncOptions, SyncReport};
use crate::reuse::{Change, Comparison, GraphOptions};
use crate::store::Store;

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
///
/// With the `serde` feature a workspace saves to any serde format and loads
/// back equal, every handle still valid; loading checks the whole file and
/// refuses a broken one with an error that says what is wrong:
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use coursecopy::{NewCourse, Workspace};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
/// let saved = serde_json::to_string(&ws).unwrap();
/// let loaded: Workspace = serde_json::from_str(&saved).unwrap();
/// assert_eq!(loaded, ws);
/// assert_eq!(loaded.course(course)?.title(), "Biology");
/// assert!(serde_json::from_str::<Workspace>("{\"format\":99}").is_err());
/// # }
/// # Ok::<(), coursecopy::Error>(())
/// ```
///
/// Nothing a workspace hands out can change it: records come as shared
/// references with private fields, so every change goes through a method,
/// which checks it.
///
/// ```compile_fail
/// use coursecopy::{NewCourse, Workspace};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
/// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology")).unwrap();
/// ws.course(course).unwrap().title = "Changed behind its back".into();
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct Workspace {
    store: Store,
}

impl Workspace {
    /// A workspace around a store that was loaded and checked.
    #[cfg(feature = "serde")]
    pub(crate) fn from_store(store: Store) -> Workspace {
        Workspace { store }
    }

    /// The store, for saving, and for the store's own tests.
    #[cfg(any(feature = "serde", test))]
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// A new, empty workspace with one Administrator, who can then create
    /// every other user.
    ///
    /// Fails with [`Error::Invalid`] when `admin_name` is blank or too long.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] (`name`) when `admin_name` is blank or longer than [`limits::NAME`](crate::limits::NAME).
    pub fn with_admin(admin_name: &str) -> Result<(Workspace, UserKey), Error> {
        let (store, admin) = Store::with_admin(Text::name(crate::Field::Name, admin_name)?);
        Ok((Workspace { store }, admin))
    }

    /// A user, by handle.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the handle is stale or from another workspace.
    pub fn user(&self, key: UserKey) -> Result<&User, Error> {
        self.store.user(key)
    }

    /// A course, by handle.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the handle is stale or from another workspace.
    pub fn course(&self, key: CourseKey) -> Result<&Course, Error> {
        self.store.course(key)
    }

    /// A learning object, by handle.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the handle is stale or from another workspace.
    pub fn learning_object(&self, key: LoKey) -> Result<&LearningObject, Error> {
        self.store.learning_object(key)
    }

    /// A page, by handle.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the handle is stale or from another workspace.
    pub fn page(&self, key: PageKey) -> Result<&Page, Error> {
        self.store.page(key)
    }

    /// A course style, by handle.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the handle is stale or from another workspace.
    pub fn style(&self, key: StyleKey) -> Result<&CourseStyle, Error> {
        self.store.style(key)
    }

    /// A library item, by handle of any kind.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the handle is stale or from another workspace.
    pub fn library_entry(&self, item: impl Into<LibraryItem>) -> Result<&LibraryEntry, Error> {
        self.store.library_entry(item.into())
    }

    /// The library items a page references, resolved, in the page's order.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the page is not found.
    pub fn page_items(&self, page: PageKey) -> Result<Vec<(LibraryItem, &LibraryEntry)>, Error> {
        let page = self.store.page(page)?;
        page.items().iter().map(|&item| Ok((item, self.store.library_entry(item)?))).collect()
    }

    /// The course with this `course_id`, if any. O(1).
    #[must_use]
    pub fn find_course(&self, course_id: &str) -> Option<CourseKey> {
        self.store.course_by_id(course_id)
    }

    /// The course with this `external_id`, if any. O(1).
    #[must_use]
    pub fn find_course_by_external_id(&self, external_id: &str) -> Option<CourseKey> {
        self.store.course_by_external_id(external_id)
    }

    /// Every page of `course`, in the order a learner meets them: its
    /// learning objects in order, each one's pages in order. Find one by
    /// title with `find`:
    ///
    /// ```
    /// use coursecopy::{NewCourse, PageDraft, Workspace};
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// for title in ["Cells", "Genes"] {
    ///     let lo = ws.create_learning_object(admin, course, title, "")?;
    ///     ws.add_page(admin, course, lo, PageDraft::new(format!("{title}: intro"), ""))?;
    /// }
    /// let titles: Vec<&str> = ws.course_pages(course)?.map(|(_, page)| page.title()).collect();
    /// assert_eq!(titles, ["Cells: intro", "Genes: intro"]);
    /// let genes = ws.course_pages(course)?.find(|(_, page)| page.title() == "Genes: intro");
    /// assert!(genes.is_some());
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course.
    pub fn course_pages(&self, course: CourseKey) -> Result<impl Iterator<Item = (PageKey, &Page)> + '_, Error> {
        let record = self.store.course(course)?;
        let los = record.learning_objects().filter_map(|lo| self.store.learning_object(lo).ok());
        Ok(los.flat_map(|lo| lo.pages()).filter_map(|page| self.store.page(page).ok().map(|p| (page, p))))
    }

    /// Every user, in handle order.
    pub fn users(&self) -> impl Iterator<Item = (UserKey, &User)> + '_ {
        self.store.users()
    }

    /// Every course, in handle order.
    pub fn courses(&self) -> impl Iterator<Item = (CourseKey, &Course)> + '_ {
        self.store.courses()
    }

    /// Every learning object, included in a course or not, in handle order.
    pub fn learning_objects(&self) -> impl Iterator<Item = (LoKey, &LearningObject)> + '_ {
        self.store.learning_objects()
    }

    /// Every page, in handle order.
    pub fn pages(&self) -> impl Iterator<Item = (PageKey, &Page)> + '_ {
        self.store.pages()
    }

    /// Every course style, in handle order.
    pub fn styles(&self) -> impl Iterator<Item = (StyleKey, &CourseStyle)> + '_ {
        self.store.styles()
    }

    /// Every library item, media first, then resources, then glossary terms.
    pub fn library(&self) -> impl Iterator<Item = (LibraryItem, &LibraryEntry)> + '_ {
        self.store.library()
    }

    /// How many entities of each kind the workspace holds.
    #[must_use]
    pub fn counts(&self) -> Counts {
        self.store.counts()
    }

    /// Makes room for `additional` more pages: for an embedder about to
    /// copy a large course who wants the memory taken at once, or a
    /// benchmark that measures a copy without the growth of the page table.
    /// The table grows in fixed segments of a few hundred pages (about
    /// 16 KB each), so the room is taken in whole segments, at most one
    /// segment more than asked; nothing the table holds moves, now or when
    /// it grows later. O(additional ÷ segment) allocations; it changes
    /// nothing a reader sees. Room is a hint: never more than the most
    /// pages a workspace holds (2³² − 2), and it stops where the allocator
    /// refuses memory, without error or panic.
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let bio = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let cells = ws.create_learning_object(admin, bio, "Cells", "")?;
    /// ws.add_page(admin, bio, cells, PageDraft::new("Membranes", "Lipids."))?;
    /// let pages = ws.counts().pages;
    /// ws.reserve_pages(pages);
    /// ws.duplicate_course(admin, bio, &CopyOptions::new())?;
    /// assert_eq!(ws.counts().pages, 2 * pages);
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn reserve_pages(&mut self, additional: usize) {
        self.store.reserve_pages(additional);
    }

    /// Whether `user` may read `course`. False for unknown handles.
    #[must_use]
    pub fn can_read(&self, user: UserKey, course: CourseKey) -> bool {
        access::can(&self.store, user, Action::ReadCourse(course))
    }

    /// Whether `user` may edit `course`: its data, its LO list and the LOs
    /// and pages reached through it. False for unknown handles.
    #[must_use]
    pub fn can_edit(&self, user: UserKey, course: CourseKey) -> bool {
        access::can(&self.store, user, Action::EditCourse(course))
    }

    /// Whether `user` may edit `course` once no copy task fills it: as
    /// [`can_edit`](Self::can_edit), without the busy rule (a course a
    /// copy fills can be read, not edited, until the copy ends). For hosts
    /// that queue work for a busy course rather than refuse it. False for
    /// unknown handles.
    #[must_use]
    pub fn can_edit_when_free(&self, user: UserKey, course: CourseKey) -> bool {
        access::require_for_task(&self.store, user, Action::EditCourse(course)).is_ok()
    }

    /// Checks every invariant of the workspace (INT-1):
    ///
    /// - every stored handle names a live entity (provenance links, which
    ///   are history, excepted);
    /// - every page belongs to exactly one learning object, the one it
    ///   names, and appears once in its list;
    /// - a course's LO list has no repeats, and each LO's "used in" set is
    ///   exactly the courses whose list holds it;
    /// - each style belongs to exactly the course that lists it;
    /// - `course_id`s and `external_id`s are unique and within their limits,
    ///   and the lookup indexes match the courses;
    /// - a course's banner image is a live media asset; its tool items have
    ///   unique ids, and their links point at a live entity of the right
    ///   kind (another item of the same course, a learning object, a
    ///   glossary term), their posts, groups and grades at live users;
    /// - every task that has not ended is queued or running, once, and its
    ///   target course is live and marked busy by it; nothing else is
    ///   marked busy.
    ///
    /// Finished tasks' reports and the snapshots of pending tasks are history
    /// too: they may name deleted entities.
    ///
    /// O(size of the workspace). Returns the first violation found.
    ///
    /// # Errors
    ///
    /// [`Error::Integrity`], naming the first entity that breaks an invariant.
    pub fn check_integrity(&self) -> Result<(), Error> {
        self.store.check_integrity()
    }
}

/// A workspace can move to another thread and be shared behind a lock.
const _: () = {
    const fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Workspace>();
};
