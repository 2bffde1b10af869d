//! The public facade: [`Workspace`], one value that owns a store, and one
//! method a public operation. Each method hands its arguments to the layer
//! that carries the operation out (edits, the copy engine, tasks, re-use)
//! and returns what it returns; none holds logic of its own.
//!
//! Reads are not access-checked: the host application decides what it shows
//! to whom, and can ask [`Workspace::can_read`]. Every operation that changes
//! the workspace takes the acting user and is checked (ACC-2).

use crate::access;
use crate::copy::{self, CopyOptions, CopyRequest, CourseRef};
use crate::data::{
    CopyMode, CopyReport, Counts, Course, CourseStyle, DateShift, DateShiftReport, FieldLocks, LearningObject,
    LibraryEntry, LinkedField, Page, Reach, Role, TaskStatus, Text, Timestamp, ToolDates, ToolId, User,
};
use crate::edit::content::ItemChange;
use crate::edit::{self, CourseChange, NewCourse, NewPage, PageDraft, PageEdit, ToolDraft};
use crate::error::{Action, Error};
use crate::handles::{
    CourseKey, Entity, LibraryItem, LoKey, MediaKey, PageKey, ResourceKey, StyleKey, TaskKey, TermKey, UserKey,
};
use crate::linked::{self, Customisations, DownstreamSync, LinkPreview, LinkedRecord, SyncReport};
use crate::reuse::{self, Change, Comparison};
use crate::store::Store;
use crate::tasks;

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
        let (store, admin) = Store::with_admin(Text::name("name", admin_name)?);
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

    /// Locks a course (ACC-4). Administrators may lock any course, Authors
    /// the courses assigned to them. A course a copy task is filling cannot
    /// be locked ([`Error::Busy`]).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`] when the actor may not edit the
    /// course; [`Error::Busy`] while a copy task fills it; [`Error::Locked`] when it is locked already.
    ///
    /// ```
    /// use coursecopy::{CourseChange, Error, NewCourse, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// ws.lock_course(admin, course)?;
    /// let refused = ws.update_course(admin, course, CourseChange::new().title("x"));
    /// assert_eq!(refused, Err(Error::Locked { course, by: admin }));
    /// ws.unlock_course(admin, course)?;
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn lock_course(&mut self, actor: UserKey, course: CourseKey) -> Result<(), Error> {
        edit::courses::set_lock(&mut self.store, actor, course, true)
    }

    /// Unlocks a course: the user who locked it, or an Administrator.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`] unless the actor locked it or is an
    /// Administrator; [`Error::Invalid`] (`lock`) when it is not locked.
    pub fn unlock_course(&mut self, actor: UserKey, course: CourseKey) -> Result<(), Error> {
        edit::courses::set_lock(&mut self.store, actor, course, false)
    }

    /// Creates a user with a role (ACC-1). Needs an Administrator.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor; [`Error::Forbidden`] unless the actor is an Administrator;
    /// [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn create_user(&mut self, actor: UserKey, name: &str, role: Role) -> Result<UserKey, Error> {
        edit::users::create_user(&mut self.store, actor, name, role)
    }

    /// Renames a user. Needs an Administrator.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing user or actor; [`Error::Forbidden`] unless the actor is an Administrator;
    /// [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn rename_user(&mut self, actor: UserKey, user: UserKey, name: &str) -> Result<(), Error> {
        edit::users::rename_user(&mut self.store, actor, user, name)
    }

    /// Changes a user's role. Needs an Administrator. The workspace keeps at
    /// least one Administrator: demoting the last one is refused.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing user or actor; [`Error::Forbidden`] unless the actor is an Administrator;
    /// [`Error::Invalid`] (`role`) when it would demote the last Administrator.
    pub fn set_role(&mut self, actor: UserKey, user: UserKey, role: Role) -> Result<(), Error> {
        edit::users::set_role(&mut self.store, actor, user, role)
    }

    /// Creates a course. Needs an Administrator or an Author; the creator is
    /// assigned to it.
    ///
    /// Fails with [`Error::Conflict`] when the `course_id` or `external_id`
    /// is taken (OPT-3) and [`Error::Invalid`] when a field breaks its limits
    /// (LMS-12).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor or banner image; [`Error::Forbidden`] unless the actor may create
    /// courses; [`Error::Conflict`] when the `course_id` or `external_id` is taken (OPT-3); [`Error::Invalid`],
    /// naming the field, when a value breaks its limits (LMS-12).
    pub fn create_course(&mut self, actor: UserKey, spec: NewCourse) -> Result<CourseKey, Error> {
        let now = spec.fields.time_or_clock();
        edit::courses::create_course(&mut self.store, actor, spec, now)
    }

    /// Changes a course's own data: title, description, player layout,
    /// details, `external_id` (SHR-6: the change stays in this course).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, actor or banner image; [`Error::Forbidden`] when the actor may not
    /// edit the course; [`Error::Busy`] or [`Error::Locked`] while it is being copied into or locked;
    /// [`Error::Conflict`] when the new `external_id` is taken; [`Error::Invalid`], naming the field, for a value
    /// out of its limits or a `course_id` other than the course's own (LMS-10).
    ///
    /// ```
    /// use coursecopy::{CourseChange, Error, NewCourse, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// ws.update_course(admin, course, CourseChange::new().title("Biology I").external_id("sis-42"))?;
    /// assert_eq!(ws.course(course)?.title(), "Biology I");
    /// assert_eq!(ws.find_course_by_external_id("sis-42"), Some(course));
    /// let blank = ws.update_course(admin, course, CourseChange::new().title(" "));
    /// assert!(matches!(blank, Err(Error::Invalid { field: "title", .. })));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn update_course(&mut self, actor: UserKey, course: CourseKey, change: CourseChange) -> Result<(), Error> {
        let now = change.fields.time_or_clock();
        edit::courses::update_course(&mut self.store, actor, course, change, now)
    }

    /// Deletes a course.
    ///
    /// The learning objects it includes stay (another course may include
    /// them, and [`add_learning_object`](Self::add_learning_object) can
    /// re-use them); those it was the parent of lose their parent. Its styles
    /// are deleted, and pages that applied one of them lose that style.
    /// O(LOs + pages) when the course had styles.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`] when the actor may not edit it;
    /// [`Error::Busy`] or [`Error::Locked`] while it is being copied into or locked.
    pub fn delete_course(&mut self, actor: UserKey, course: CourseKey) -> Result<(), Error> {
        edit::courses::delete_course(&mut self.store, actor, course)
    }

    /// Assigns a user to a course: an Author may then edit it, a Reviewer
    /// read it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, actor or user; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::AlreadyIn`] when the user is assigned already.
    pub fn assign_user(&mut self, actor: UserKey, course: CourseKey, user: UserKey) -> Result<(), Error> {
        edit::courses::set_assigned(&mut self.store, actor, course, user, true)
    }

    /// Takes a user's assignment to a course away.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, actor or user; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the user is not assigned.
    pub fn unassign_user(&mut self, actor: UserKey, course: CourseKey, user: UserKey) -> Result<(), Error> {
        edit::courses::set_assigned(&mut self.store, actor, course, user, false)
    }

    /// Creates a style in a course; pages reached through the course can
    /// then apply it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn create_style(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        name: &str,
        css: &str,
    ) -> Result<StyleKey, Error> {
        edit::courses::create_style(&mut self.store, actor, course, name, css)
    }

    /// Creates a learning object in a course: the course becomes its parent
    /// and it is appended to the course's list. No other course sees it
    /// (SHR-5).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::Invalid`] (`title`) for a blank or too long title.
    pub fn create_learning_object(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        title: &str,
        description: &str,
    ) -> Result<LoKey, Error> {
        edit::courses::create_learning_object(&mut self.store, actor, course, title, description)
    }

    /// Adds an existing learning object to a course, at `at` (the end when
    /// `None`). The LO is then shared: its pages are the same in every
    /// course that includes it (REU-3).
    ///
    /// Needs edit rights on `course` and read rights on the LO's parent
    /// course. A course includes an LO at most once.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`] when the actor may not edit the
    /// course or read the LO's parent; [`Error::Busy`] or [`Error::Locked`] as for any course edit;
    /// [`Error::AlreadyIn`] when the course includes the LO; [`Error::Invalid`] (`position`) for `at` past the end.
    pub fn add_learning_object(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        lo: LoKey,
        at: Option<usize>,
    ) -> Result<(), Error> {
        edit::courses::add_learning_object(&mut self.store, actor, course, lo, at)
    }

    /// Removes a learning object from one course. Every other course that
    /// includes it keeps it, with all its pages (SHR-4); the LO itself lives
    /// on and can be added again.
    ///
    /// Returns the reach: that one course (REU-2).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the course does not include the LO.
    pub fn remove_learning_object(&mut self, actor: UserKey, course: CourseKey, lo: LoKey) -> Result<Reach, Error> {
        edit::courses::remove_learning_object(&mut self.store, actor, course, lo)
    }

    /// Moves a learning object to position `to` in one course's list. Other
    /// courses keep their own order (SHR-5).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the course does not include the LO;
    /// [`Error::Invalid`] (`position`) for `to` out of range.
    pub fn move_learning_object(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        lo: LoKey,
        to: usize,
    ) -> Result<(), Error> {
        edit::courses::move_learning_object(&mut self.store, actor, course, lo, to)
    }

    /// Deletes a learning object and its pages. Refused while any course
    /// includes it, or a course's tool (a release rule, an alignment) links
    /// to it: [`Error::InUse`] names the courses. Needs edit rights on its
    /// parent course (an Administrator for an LO without one).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing LO or actor; [`Error::Forbidden`] when the actor may not edit its parent
    /// course (an Administrator is needed for an LO without one); [`Error::Locked`] when the parent is locked;
    /// [`Error::InUse`], naming every course, while a course includes it or a tool links to it.
    pub fn delete_learning_object(&mut self, actor: UserKey, lo: LoKey) -> Result<(), Error> {
        edit::courses::delete_learning_object(&mut self.store, actor, lo)
    }

    /// Changes a learning object's title and description (`None` keeps
    /// one as it is).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any edit through `via`, or when the LO's parent course is locked; [`Error::NotIn`]
    /// when `via` does not include the LO; [`Error::Invalid`] (`title`) for a blank or too long title.
    pub fn edit_learning_object(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        lo: LoKey,
        title: Option<&str>,
        description: Option<&str>,
    ) -> Result<Reach, Error> {
        edit::content::edit_learning_object(&mut self.store, actor, via, lo, title, description)
    }

    /// Adds a page at the end of a learning object. Every course that
    /// includes the LO sees it (SHR-3).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO, actor, style or library item; [`Error::Forbidden`],
    /// [`Error::Busy`] or [`Error::Locked`] as for any edit through `via`, or when the LO's parent course is
    /// locked; [`Error::NotIn`] when `via` does not include the LO or the style is another course's;
    /// [`Error::Invalid`] (`title`, `items`) for a bad title or an item listed twice.
    pub fn add_page(&mut self, actor: UserKey, via: CourseKey, lo: LoKey, draft: PageDraft) -> Result<NewPage, Error> {
        edit::content::add_page(&mut self.store, actor, via, lo, draft)
    }

    /// Changes a page's title or body. Every course that includes its LO
    /// sees the change (SHR-2).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, page or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any edit through `via`, or when the LO's parent course is locked; [`Error::NotIn`]
    /// when `via` does not include the page's LO; [`Error::Invalid`] (`title`) for a blank or too long title.
    pub fn edit_page(&mut self, actor: UserKey, via: CourseKey, page: PageKey, edit: PageEdit) -> Result<Reach, Error> {
        edit::content::edit_page(&mut self.store, actor, via, page, edit)
    }

    /// Deletes a page. Every course that includes its LO loses it (SHR-3).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, page or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any edit through `via`, or when the LO's parent course is locked; [`Error::NotIn`]
    /// when `via` does not include the page's LO.
    pub fn delete_page(&mut self, actor: UserKey, via: CourseKey, page: PageKey) -> Result<Reach, Error> {
        edit::content::delete_page(&mut self.store, actor, via, page)
    }

    /// Moves a page to position `to` in its learning object. Every course
    /// that includes the LO sees the new order (SHR-3).
    ///
    /// # Errors
    ///
    /// As [`delete_page`](Self::delete_page), and [`Error::Invalid`] (`position`) for `to` out of range.
    pub fn move_page(&mut self, actor: UserKey, via: CourseKey, page: PageKey, to: usize) -> Result<Reach, Error> {
        edit::content::move_page(&mut self.store, actor, via, page, to)
    }

    /// Applies a style of the course `via` to a page, or clears it (`None`).
    ///
    /// # Errors
    ///
    /// As [`delete_page`](Self::delete_page), and [`Error::NotFound`] for a missing style, [`Error::NotIn`] for a
    /// style of another course.
    pub fn set_page_style(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        style: Option<StyleKey>,
    ) -> Result<Reach, Error> {
        edit::content::set_page_style(&mut self.store, actor, via, page, style)
    }

    /// Makes a page reference a library item, after the ones it has.
    ///
    /// # Errors
    ///
    /// As [`delete_page`](Self::delete_page), and [`Error::NotFound`] for a missing item, [`Error::AlreadyIn`] when
    /// the page references it already.
    pub fn attach_item(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        item: impl Into<LibraryItem>,
    ) -> Result<Reach, Error> {
        edit::content::change_items(&mut self.store, actor, via, page, ItemChange::Attach(item.into()))
    }

    /// Makes a page reference `new` where it referenced `old`, in the same
    /// place ("replace this image with that one"). Every course that
    /// includes the page's LO sees the new item (SHR-7).
    ///
    /// # Errors
    ///
    /// As [`delete_page`](Self::delete_page), and [`Error::NotIn`] when the page does not reference `old`,
    /// [`Error::NotFound`] for a missing `new`, [`Error::AlreadyIn`] when the page references `new` already.
    pub fn replace_item(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        old: impl Into<LibraryItem>,
        new: impl Into<LibraryItem>,
    ) -> Result<Reach, Error> {
        edit::content::change_items(&mut self.store, actor, via, page, ItemChange::Replace(old.into(), new.into()))
    }

    /// Makes a page stop referencing a library item. The item itself stays
    /// in the library.
    ///
    /// # Errors
    ///
    /// As [`delete_page`](Self::delete_page), and [`Error::NotIn`] when the page does not reference the item.
    pub fn detach_item(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        item: impl Into<LibraryItem>,
    ) -> Result<Reach, Error> {
        edit::content::change_items(&mut self.store, actor, via, page, ItemChange::Detach(item.into()))
    }

    /// Adds a tool item to a course; returns its id.
    ///
    /// Fails with [`Error::Invalid`] when the link does not fit the
    /// category, or posts, groups or grades are given to a category that has
    /// none; with [`Error::NotIn`] when the link names an item of another
    /// category or course, or a learning object the course does not include;
    /// with [`Error::NotFound`] for a missing term or user.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, actor, LO, term or user; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the link names an item of another category
    /// or course, or an LO the course does not include; [`Error::Invalid`], naming the field (`title`, `link`,
    /// `posts`, `groups`, `grades`, `group`), for a value that does not fit the category.
    pub fn add_tool(&mut self, actor: UserKey, course: CourseKey, draft: ToolDraft) -> Result<ToolId, Error> {
        edit::tools::add_tool(&mut self.store, actor, course, draft)
    }

    /// Removes a tool item from a course. Items of the course that linked
    /// to it lose that link.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the course has no such item.
    pub fn remove_tool(&mut self, actor: UserKey, course: CourseKey, tool: ToolId) -> Result<(), Error> {
        edit::tools::remove_tool(&mut self.store, actor, course, tool)
    }

    /// Sets the dates of a tool item (SPEC section 12), replacing the
    /// ones it had.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the course has no such item;
    /// [`Error::Invalid`] naming the field (`start`, `end`, `due`) for a date the item's category does
    /// not take, or an end before the start.
    ///
    /// ```
    /// use coursecopy::{Category, NewCourse, ToolDates, ToolDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let quiz = ws.add_tool(admin, course, ToolDraft::new(Category::Assessments, "Quiz 1"))?;
    /// let due = "2027-02-01T22:59:00Z".parse()?;
    /// ws.set_tool_dates(admin, course, quiz, ToolDates::new().due(due))?;
    /// assert_eq!(ws.course(course)?.tools().get(quiz).unwrap().dates().due_date(), Some(due));
    ///
    /// let backwards = ToolDates::new().start(due).end("2027-01-01T00:00:00Z".parse()?);
    /// let err = ws.set_tool_dates(admin, course, quiz, backwards).unwrap_err();
    /// assert!(matches!(err, coursecopy::Error::Invalid { field: "end", .. }));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn set_tool_dates(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        tool: ToolId,
        dates: ToolDates,
    ) -> Result<(), Error> {
        edit::tools::set_tool_dates(&mut self.store, actor, course, tool, dates)
    }

    /// What [`shift_course_dates`](Self::shift_course_dates) would do to
    /// `course`, without doing it (DAT-6).
    ///
    /// # Errors
    ///
    /// As [`shift_course_dates`](Self::shift_course_dates), rights aside.
    pub fn preview_date_shift(&self, course: CourseKey, shift: &DateShift) -> Result<DateShiftReport, Error> {
        edit::dates::preview_date_shift(&self.store, course, shift)
    }

    /// Shifts every date of a course in place, at once (DAT-6): its
    /// duration, its self-enrollment window and the dates of its tool
    /// items, in the course's time zone, each item's dates together
    /// (DAT-5). Returns what moved, with warnings for dates outside the
    /// course's duration. Needs edit rights on the course; a failure
    /// changes nothing.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::Invalid`] (`date`) when a date would move
    /// outside the years -9999 to 9999.
    ///
    /// ```
    /// use coursecopy::{Category, DateShift, NewCourse, ToolDates, ToolDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology").time_zone("Europe/Berlin"))?;
    /// let due = "2027-03-26T22:59:00Z".parse()?; // Friday 23:59 in Berlin, winter time
    /// let quiz = ToolDraft::new(Category::Assessments, "Quiz 1").dates(ToolDates::new().due(due));
    /// let quiz = ws.add_tool(admin, course, quiz)?;
    ///
    /// let preview = ws.preview_date_shift(course, &DateShift::by_days(7))?;
    /// assert_eq!(preview.shifted[0].new.due_date(), Some("2027-04-02T21:59:00Z".parse()?));
    /// assert_eq!(ws.course(course)?.tools().get(quiz).unwrap().dates().due_date(), Some(due), "a preview changes nothing");
    ///
    /// ws.shift_course_dates(admin, course, &DateShift::by_days(7))?;
    /// // Still Friday 23:59 in Berlin, now summer time.
    /// assert_eq!(ws.course(course)?.tools().get(quiz).unwrap().dates().due_date(), Some("2027-04-02T21:59:00Z".parse()?));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn shift_course_dates(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        shift: &DateShift,
    ) -> Result<DateShiftReport, Error> {
        edit::dates::shift_course_dates(&mut self.store, actor, course, shift)
    }

    /// Adds a media asset (an image, a video, a sound) to the library.
    /// Needs an Administrator or an Author.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor; [`Error::Forbidden`] unless the actor may edit the library;
    /// [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn add_media(&mut self, actor: UserKey, name: &str, file: &str) -> Result<MediaKey, Error> {
        edit::library::add_media(&mut self.store, actor, name, file)
    }

    /// Adds a resource (a document, a link) to the library.
    /// Needs an Administrator or an Author.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor; [`Error::Forbidden`] unless the actor may edit the library;
    /// [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn add_resource(&mut self, actor: UserKey, name: &str, location: &str) -> Result<ResourceKey, Error> {
        edit::library::add_resource(&mut self.store, actor, name, location)
    }

    /// Adds a glossary term to the library.
    /// Needs an Administrator or an Author.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor; [`Error::Forbidden`] unless the actor may edit the library;
    /// [`Error::Invalid`] (`name`) for a blank or too long term.
    pub fn add_glossary_term(&mut self, actor: UserKey, term: &str, definition: &str) -> Result<TermKey, Error> {
        edit::library::add_glossary_term(&mut self.store, actor, term, definition)
    }

    /// Renames a library item. Every page that references it sees the new
    /// name (GLB-2). Returns the courses that see it (REU-2).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing item or actor; [`Error::Forbidden`] unless the actor may edit the library;
    /// [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn rename_library_item(
        &mut self,
        actor: UserKey,
        item: impl Into<LibraryItem>,
        name: &str,
    ) -> Result<Reach, Error> {
        edit::library::update_item(&mut self.store, actor, item.into(), Some(name), None)
    }

    /// Replaces a library item's content: the file of a media asset, the
    /// location of a resource, the definition of a term. Every page that
    /// references it, in every course, sees the new content (GLB-2).
    /// Returns the courses that see it (REU-2).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing item or actor; [`Error::Forbidden`] unless the actor may edit the library.
    pub fn update_library_item(
        &mut self,
        actor: UserKey,
        item: impl Into<LibraryItem>,
        content: &str,
    ) -> Result<Reach, Error> {
        edit::library::update_item(&mut self.store, actor, item.into(), None, Some(content))
    }

    /// Deletes a library item. Refused while anything references it: a page,
    /// a course's banner image, a course's glossary list. The error names
    /// every such page and course, and nothing changes (GLB-3).
    /// O(pages + courses).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing item or actor; [`Error::Forbidden`] unless the actor may edit the library;
    /// [`Error::InUse`], naming every page and course, while anything references it (GLB-3).
    pub fn delete_library_item(&mut self, actor: UserKey, item: impl Into<LibraryItem>) -> Result<(), Error> {
        edit::library::delete_item(&mut self.store, actor, item.into())
    }

    /// Copies a course in the given mode, at once. Needs a user who may
    /// create courses and read `source` (ACC-2). Returns the new course.
    ///
    /// Fails, creating nothing, with [`Error::Conflict`] when the requested
    /// `course_id` or `external_id` is taken (OPT-3), or [`Error::Invalid`]
    /// when an option breaks its limits.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`] unless the actor may read the source
    /// and create courses (ACC-2); [`Error::Conflict`] when the asked `course_id` or `external_id` is taken
    /// (OPT-3); [`Error::Invalid`], naming the field, when an option breaks its limits.
    ///
    /// ```
    /// use coursecopy::{CopyMode, CopyOptions, NewCourse, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let copy = ws.copy_course(admin, course, CopyMode::Share, &CopyOptions::new().title("Biology, spring"))?;
    /// assert_eq!(ws.course(copy)?.course_id(), "BIO-101-copy");
    /// assert_eq!(ws.course(copy)?.title(), "Biology, spring");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn copy_course(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        mode: CopyMode,
        options: &CopyOptions,
    ) -> Result<CourseKey, Error> {
        self.copy_course_with_report(actor, source, mode, options).map(|r| r.course)
    }

    /// As [`copy_course`](Self::copy_course), and says what the copy did:
    /// the references it dropped (LMS-9) and, when the options shift dates
    /// ([`CopyOptions::date_shift`]), every shifted item with its old and
    /// new dates and warnings for dates outside the copy's duration (DAT-5).
    ///
    /// # Errors
    ///
    /// As [`copy_course`](Self::copy_course); and [`Error::Invalid`] (`dateShift`) when the shift
    /// would move a date outside the years -9999 to 9999.
    ///
    /// ```
    /// use coursecopy::{Category, CopyMode, CopyOptions, DateShift, NewCourse, ToolDates, ToolDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let due = "2027-01-08T17:00:00Z".parse()?; // a Friday
    /// ws.add_tool(admin, course, ToolDraft::new(Category::Tasks, "Read ch. 1").dates(ToolDates::new().due(due)))?;
    ///
    /// let shift = DateShift::by_range_dates("2027-01-04", "2027-05-01", "2028-01-10", "2028-05-06")?;
    /// let options = CopyOptions::new().course_id("BIO-101-2028").date_shift(shift);
    /// let report = ws.copy_course_with_report(admin, course, CopyMode::Duplicate, &options)?;
    /// let moved = &report.date_shift.unwrap().shifted[0];
    /// assert_eq!(moved.old.due_date(), Some(due));
    /// assert_eq!(moved.new.due_date(), Some("2028-01-14T17:00:00Z".parse()?), "still a Friday");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn copy_course_with_report(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        mode: CopyMode,
        options: &CopyOptions,
    ) -> Result<CopyReport, Error> {
        copy::copy_course(&mut self.store, actor, source, mode, options, options.fields.time_or_clock())
    }

    /// Shares a course: the copy includes the *same* learning objects, so
    /// page edits, page deletions and page additions show in both courses
    /// (SHR-1..7). Same as [`copy_course`](Self::copy_course) with
    /// [`CopyMode::Share`].
    ///
    /// # Errors
    ///
    /// As [`copy_course`](Self::copy_course).
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// let page = ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    ///
    /// let evening = ws.share_course(admin, course, &CopyOptions::new().course_id("BIO-101-EVE"))?;
    /// assert_eq!(ws.course(evening)?.learning_objects().next(), Some(lo), "the same LO");
    /// let reach = ws.edit_page(admin, evening, page, PageEdit::new().body("Bilayers."))?;
    /// assert!(reach.contains(course) && reach.contains(evening));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn share_course(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        options: &CopyOptions,
    ) -> Result<CourseKey, Error> {
        self.copy_course(actor, source, CopyMode::Share, options)
    }

    /// Duplicates a course: the copy gets new, independent learning objects
    /// and pages; duplicated pages lose their style (DUP-1..6). Same as
    /// [`copy_course`](Self::copy_course) with [`CopyMode::Duplicate`].
    ///
    /// # Errors
    ///
    /// As [`copy_course`](Self::copy_course).
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// let page = ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    ///
    /// let copy = ws.duplicate_course(admin, course, &CopyOptions::new())?;
    /// let new_lo = ws.course(copy)?.learning_objects().next().unwrap();
    /// assert_ne!(new_lo, lo);
    /// let new_page = ws.learning_object(new_lo)?.pages().next().unwrap();
    /// assert_eq!(ws.page(new_page)?.origin(), Some(page));
    /// assert!(ws.page(new_page)?.shares_body_with(ws.page(page)?), "text shared until edited");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn duplicate_course(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        options: &CopyOptions,
    ) -> Result<CourseKey, Error> {
        self.copy_course(actor, source, CopyMode::Duplicate, options)
    }

    /// Detaches a shared learning object from one course (REU-4): the course
    /// gets a Duplicate of it in the same place, with the Duplicate rules
    /// (new pages, no styles, provenance), and its tools that linked to the
    /// LO link to the duplicate; every other course keeps the original.
    /// Returns the duplicate.
    ///
    /// Needs edit rights on the course; the LO's own parent lock does not
    /// matter, as the LO itself does not change.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any edit of `course`; [`Error::NotIn`] when the course does not include the LO.
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids."))?;
    /// let regional = ws.share_course(admin, course, &CopyOptions::new())?;
    ///
    /// let own = ws.detach_learning_object(admin, regional, lo)?;
    /// assert_eq!(ws.course(regional)?.learning_objects().next(), Some(own));
    /// assert_eq!(ws.learning_object(own)?.origin(), Some(lo));
    /// assert_eq!(ws.learning_object(lo)?.used_in().len(), 1);
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn detach_learning_object(&mut self, actor: UserKey, course: CourseKey, lo: LoKey) -> Result<LoKey, Error> {
        reuse::detach_learning_object(&mut self.store, actor, course, lo)
    }

    /// Makes a linked copy of a course (LNK-1): a Duplicate whose learning
    /// objects and pages remember their upstream and the upstream version
    /// they were taken at, so that later upstream changes can be previewed
    /// and synced. Same as [`copy_course`](Self::copy_course) with
    /// [`CopyMode::Linked`].
    ///
    /// # Errors
    ///
    /// As [`copy_course`](Self::copy_course).
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, master, "Cells", "")?;
    /// ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?;
    ///
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    /// let copy = ws.course(section)?.learning_objects().next().unwrap();
    /// assert_ne!(copy, lo, "new learning objects, as a Duplicate");
    /// assert_eq!(ws.learning_object(copy)?.link().unwrap().upstream, Some(lo));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn link_course(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        options: &CopyOptions,
    ) -> Result<CourseKey, Error> {
        self.copy_course(actor, source, CopyMode::Linked, options)
    }

    /// Adds to course `into`, at its end, a linked copy of learning object
    /// `lo`, which `from` includes (LNK-1). The copy's upstream course, whose
    /// field locks apply (LNK-9), is `from`. Returns the copy.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`] without read rights in
    /// `from` or edit rights in `into` ([`Error::Busy`], [`Error::Locked`] as for any edit of it);
    /// [`Error::NotIn`] when `from` does not include `lo`.
    pub fn link_learning_object(
        &mut self,
        actor: UserKey,
        from: CourseKey,
        lo: LoKey,
        into: CourseKey,
    ) -> Result<LoKey, Error> {
        linked::link_learning_object(&mut self.store, actor, from, lo, into)
    }

    /// The linked learning objects of `course` whose upstream changed since
    /// they were synced and was not declined (LNK-3). O(LOs of the course).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course.
    pub fn updates_available(&self, course: CourseKey) -> Result<Vec<LoKey>, Error> {
        linked::updates_available(&self.store, course)
    }

    /// What a sync of linked learning object `lo` would do (LNK-4): every
    /// pending upstream change, marked *will apply* or *conflict*.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing LO; [`Error::NotLinked`] when it is not a linked copy.
    pub fn preview_sync(&self, lo: LoKey) -> Result<LinkPreview, Error> {
        linked::preview(&self.store, lo)
    }

    /// The previews of every linked learning object of `course`, in its
    /// order.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course.
    pub fn preview_course_sync(&self, course: CourseKey) -> Result<Vec<LinkPreview>, Error> {
        linked::preview_course(&self.store, course)
    }

    /// Takes the pending upstream changes of linked learning object `lo`,
    /// reached through `via`, atomically (LNK-6): what
    /// [`preview_sync`](Self::preview_sync) marks *will apply*, and the
    /// conflicts too with [`Customisations::Overwrite`]. A shared linked LO
    /// syncs for every course that includes it; the report names them.
    ///
    /// # Errors
    ///
    /// As an edit of `lo` through `via` ([`Error::NotFound`], [`Error::Forbidden`], [`Error::NotIn`],
    /// [`Error::Busy`], [`Error::Locked`]); [`Error::NotLinked`] when it is not a linked copy.
    pub fn sync_learning_object(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        lo: LoKey,
        customisations: Customisations,
    ) -> Result<SyncReport, Error> {
        linked::sync(&mut self.store, actor, via, lo, customisations)
    }

    /// Syncs every linked learning object of `course`, all or none (LNK-6).
    ///
    /// # Errors
    ///
    /// As [`sync_learning_object`](Self::sync_learning_object) for any of them: then none is synced.
    pub fn sync_course(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        customisations: Customisations,
    ) -> Result<Vec<SyncReport>, Error> {
        linked::sync_course(&mut self.store, actor, course, customisations)
    }

    /// The linked copies of learning object `lo`, in handle order (LNK-8).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing LO.
    pub fn downstreams(&self, lo: LoKey) -> Result<Vec<LoKey>, Error> {
        linked::downstreams(&self.store, lo)
    }

    /// From the upstream side: syncs every linked copy of `lo` (LNK-8).
    /// Each sync is atomic by itself; one the actor may not do (rights,
    /// locks) is reported with its error while the others proceed.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing LO or actor.
    pub fn push_updates(
        &mut self,
        actor: UserKey,
        lo: LoKey,
        customisations: Customisations,
    ) -> Result<Vec<DownstreamSync>, Error> {
        linked::push_updates(&mut self.store, actor, lo, customisations)
    }

    /// The linked copies of every learning object of `course`, as
    /// (upstream, copy) pairs in the course's order (LNK-8).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course.
    pub fn course_downstreams(&self, course: CourseKey) -> Result<Vec<(LoKey, LoKey)>, Error> {
        linked::course_downstreams(&self.store, course)
    }

    /// From the upstream side: syncs the linked copies of every learning
    /// object of `course` (LNK-8), each by itself, as
    /// [`push_updates`](Self::push_updates) does for one.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor.
    pub fn push_course_updates(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        customisations: Customisations,
    ) -> Result<Vec<DownstreamSync>, Error> {
        linked::push_course_updates(&mut self.store, actor, course, customisations)
    }

    /// Declines the pending upstream version of linked learning object
    /// `lo` (LNK-7): it leaves [`updates_available`](Self::updates_available)
    /// until the upstream changes again, and the next sync still takes it.
    /// Returns the declined version.
    ///
    /// # Errors
    ///
    /// As [`sync_learning_object`](Self::sync_learning_object).
    pub fn decline_update(&mut self, actor: UserKey, via: CourseKey, lo: LoKey) -> Result<u64, Error> {
        linked::decline(&mut self.store, actor, via, lo)
    }

    /// Puts one field of a linked learning object or page back to its
    /// upstream's value at the synced version and clears its
    /// customisation (LNK-5); the next sync then takes upstream changes to
    /// it.
    ///
    /// # Errors
    ///
    /// As an edit through `via`; [`Error::NotLinked`] for a record that is not linked; [`Error::Invalid`]
    /// (`field`) for a field the record does not have.
    pub fn revert_field(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        record: LinkedRecord,
        field: LinkedField,
    ) -> Result<Reach, Error> {
        linked::revert(&mut self.store, actor, via, record, field)
    }

    /// Unlinks learning object `lo`: a plain duplicate from now on, its
    /// content as it is (LNK-10).
    ///
    /// # Errors
    ///
    /// As [`sync_learning_object`](Self::sync_learning_object).
    pub fn unlink_learning_object(&mut self, actor: UserKey, via: CourseKey, lo: LoKey) -> Result<(), Error> {
        linked::unlink(&mut self.store, actor, via, lo)
    }

    /// Sets the fields that `course` locks for the linked copies of its
    /// learning objects (LNK-9). Edits to a locked field downstream are
    /// refused with [`Error::FieldLocked`]; every sync writes it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], [`Error::Forbidden`], [`Error::Busy`], [`Error::Locked`] as for any edit of
    /// `course`.
    pub fn set_field_locks(&mut self, actor: UserKey, course: CourseKey, locks: FieldLocks) -> Result<(), Error> {
        linked::set_field_locks(&mut self.store, actor, course, locks)
    }

    /// The course a [`CourseRef`] names, or [`Error::NotFound`] /
    /// [`Error::Invalid`] naming what was asked for.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a stale handle; [`Error::Invalid`] (`course`) when no course has the id asked for.
    pub fn resolve_course(&self, course: &CourseRef) -> Result<CourseKey, Error> {
        copy::resolve_course(&self.store, course)
    }

    /// Accepts an LMS copy request for `source` (LMS-1): checks it at once
    /// and queues a task to carry it out. Returns the task.
    ///
    /// Refused, with nothing created, when the actor may not read the
    /// source, may not create courses (new target) or edit the target
    /// (existing target), when the new `course_id` or `external_id` is
    /// taken (LMS-2, [`Error::Conflict`]) or too long (LMS-12), or when the
    /// existing target is already being copied into ([`Error::Busy`]).
    ///
    /// A new target course exists from the start, with the source's record
    /// and no content; it can be read, not edited, until the task ends.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] or [`Error::Invalid`] (`course`) when the source or an existing target is not found;
    /// [`Error::Forbidden`] unless the actor may read the source and create courses (new target) or edit the
    /// target; [`Error::Busy`] or [`Error::Locked`] for an existing target being copied into or locked;
    /// [`Error::Conflict`] when the new `course_id` or `external_id` is taken (LMS-2); [`Error::Invalid`] for an id
    /// out of its limits (LMS-12) or a course copied into itself (`target`).
    ///
    /// ```
    /// use coursecopy::{CopyRequest, CopyTarget, CourseRef, NewCourse, TaskState, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "BIO-102".into() });
    /// let source: CourseRef = "courseId:BIO-101".parse()?;
    /// let task = ws.request_copy(admin, source, &request)?;
    /// assert!(matches!(ws.task_status(task)?.state, TaskState::Queued { position: 1 }));
    /// ws.run_all_tasks();
    /// assert!(matches!(ws.task_status(task)?.state, TaskState::Complete { .. }));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn request_copy(
        &mut self,
        actor: UserKey,
        source: impl Into<CourseRef>,
        request: &CopyRequest,
    ) -> Result<TaskKey, Error> {
        self.request_copy_at(actor, source, request, Timestamp::now())
    }

    /// [`request_copy`](Self::request_copy) at a time the caller gives
    /// rather than the system clock's: a new target's `created` and
    /// `modified`, an existing target's `modified`.
    ///
    /// # Errors
    ///
    /// As [`request_copy`](Self::request_copy).
    pub fn request_copy_at(
        &mut self,
        actor: UserKey,
        source: impl Into<CourseRef>,
        request: &CopyRequest,
        now: Timestamp,
    ) -> Result<TaskKey, Error> {
        tasks::request_copy(&mut self.store, actor, &source.into(), request, now)
    }

    /// The status of a task, as an integration polls it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the task is not found.
    pub fn task_status(&self, task: TaskKey) -> Result<TaskStatus, Error> {
        tasks::task_status(&self.store, task)
    }

    /// Every task, finished or not, in handle order.
    pub fn tasks(&self) -> impl Iterator<Item = TaskKey> + '_ {
        self.store.tasks()
    }

    /// How many tasks may run at a time.
    #[must_use]
    pub fn task_limit(&self) -> usize {
        self.store.task_limit()
    }

    /// Sets how many tasks may run at a time (at least 1). Administrators
    /// only. Tasks already running go on; the limit applies to the next to
    /// start.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor; [`Error::Forbidden`] unless the actor is an Administrator;
    /// [`Error::Invalid`] (`limit`) for 0.
    pub fn set_task_limit(&mut self, actor: UserKey, limit: usize) -> Result<(), Error> {
        tasks::set_task_limit(&mut self.store, actor, limit)
    }

    /// Does at most `budget` units of work (one unit: the settings, the
    /// memberships, one learning object, one page or one tool item), shared
    /// among the running tasks, starting queued tasks as places free up.
    /// Returns the units done: fewer than `budget` only when no task is left
    /// to run.
    ///
    /// Tasks that start in this call record `now` as their start time: the
    /// clock is an input, so a run can be replayed exactly. See
    /// [`run_tasks`](Self::run_tasks) for the form that reads the system
    /// clock.
    ///
    /// Before each step a task checks that the user who requested it may
    /// still do it; if not, it ends [`Incomplete`](crate::TaskState::Incomplete) and
    /// undoes its work.
    ///
    /// ```
    /// use coursecopy::{CopyRequest, CopyTarget, NewCourse, Timestamp, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "BIO-102".into() });
    /// let task = ws.request_copy(admin, course, &request)?;
    ///
    /// let now: Timestamp = "2027-01-31T09:30:00.000Z".parse()?;
    /// ws.run_tasks_at(1, now);
    /// assert_eq!(ws.task_status(task)?.started, Some(now));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn run_tasks_at(&mut self, budget: u64, now: Timestamp) -> u64 {
        tasks::run_tasks(&mut self.store, budget, now)
    }

    /// [`run_tasks_at`](Self::run_tasks_at) with the system clock, read
    /// once: the convenience for hosts that do not replay runs.
    pub fn run_tasks(&mut self, budget: u64) -> u64 {
        self.run_tasks_at(budget, Timestamp::now())
    }

    /// Runs every queued and running task to its end, with `now` as the
    /// start time of the tasks that start. Returns the units done.
    pub fn run_all_tasks_at(&mut self, now: Timestamp) -> u64 {
        self.run_tasks_at(u64::MAX, now)
    }

    /// [`run_all_tasks_at`](Self::run_all_tasks_at) with the system clock,
    /// read once (through [`run_tasks`](Self::run_tasks)).
    pub fn run_all_tasks(&mut self) -> u64 {
        self.run_tasks(u64::MAX)
    }

    /// Cancels a queued or running task: its work is undone, a new target
    /// course removed, an existing one left exactly as before (LMS-4). The
    /// user who requested it, or an Administrator, may cancel it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing task or actor; [`Error::Forbidden`] unless the actor requested the task or
    /// is an Administrator; [`Error::TaskEnded`] when it has ended already.
    pub fn cancel_task(&mut self, actor: UserKey, task: TaskKey) -> Result<(), Error> {
        tasks::cancel_task(&mut self.store, actor, task)
    }

    /// The pages that reference a library item, in handle order (REU-1).
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let image = ws.add_media(admin, "cell.png", "files/cell.png")?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// let page = ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids.").item(image))?.page;
    /// let copy = ws.duplicate_course(admin, course, &CopyOptions::new())?;
    ///
    /// let used = ws.pages_using(image);
    /// assert_eq!(used.len(), 2, "the page and its duplicate");
    /// assert!(used.contains(&page));
    /// assert_eq!(ws.learning_object(lo)?.used_in().len(), 1, "where the LO is used: one course");
    /// # let _ = copy;
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    #[must_use]
    pub fn pages_using(&self, item: impl Into<LibraryItem>) -> Vec<PageKey> {
        self.store.pages_using(item.into())
    }

    /// Everything that references a library item: pages, then courses whose
    /// banner image it is or whose glossary lists it (REU-1).
    #[must_use]
    pub fn users_of(&self, item: impl Into<LibraryItem>) -> Vec<Entity> {
        edit::library::users_of(&self.store, item.into())
    }

    /// The courses a change would reach, before it is made (REU-2): the same
    /// courses the change reports when it is made.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing page, LO, course or library item; [`Error::NotIn`] for an LO the course
    /// does not include; [`Error::NotLinked`] to sync an LO that is not a linked copy.
    ///
    /// ```
    /// use coursecopy::{Change, CopyOptions, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// let page = ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    /// ws.share_course(admin, course, &CopyOptions::new())?;
    ///
    /// let preview = ws.impact(Change::EditPage(page))?;
    /// assert_eq!(preview.len(), 2);
    /// let reach = ws.edit_page(admin, course, page, PageEdit::new().body("Bilayers."))?;
    /// assert_eq!(reach, preview);
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn impact(&self, change: Change) -> Result<Reach, Error> {
        reuse::impact(&self.store, change)
    }

    /// How two courses relate (REU-5): the LOs they share, the pairs related
    /// by duplication (across generations, by provenance), and the LOs
    /// unique to each.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when either course is not found.
    pub fn compare_courses(&self, first: CourseKey, second: CourseKey) -> Result<Comparison, Error> {
        reuse::compare_courses(&self.store, first, second)
    }

    /// The sharing graph in Graphviz DOT (REU-6): courses, the LOs they
    /// include (shared ones filled, with their use count), and, with
    /// `library`, the library items the LOs' pages use.
    #[must_use]
    pub fn sharing_graph(&self, library: bool) -> String {
        reuse::sharing_graph(&self.store, library)
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
