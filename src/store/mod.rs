//! The store: the one owner of every entity and index of a workspace.
//!
//! Its fields are private. Other modules read through the accessors below
//! and change the state only through the primitives, each of which keeps
//! every index and the copy tasks' write barrier correct by construction:
//!
//! | index or rule | kept by |
//! | --- | --- |
//! | `course_id`, `external_id`, LMS id lookups | [`Store::insert_course`], [`Store::set_external_id`], [`Store::remove_course`] |
//! | an LO's where-used set = the courses whose list holds it | the LO-list primitives: [`Store::include_lo`], [`Store::exclude_lo_at`], [`Store::replace_lo_at`], [`Store::share_los`], [`Store::truncate_los`], [`Store::remove_lo`], [`Store::remove_course`] |
//! | a page is listed by exactly its LO, once | [`Store::insert_page`], [`Store::push_duplicate_pages`], [`Store::remove_page`], [`Store::move_page`] |
//! | a style is listed by exactly its course | [`Store::insert_style`], [`Store::remove_course`] |
//! | write barrier: a pending copy keeps a page as it was at its request | every page primitive, through one private function, `save_for_tasks` |
//! | numeric ids of LOs and pages: each new record takes the next of its counter; none is given twice | [`Store::insert_lo`], [`Store::push_duplicate_lo`], [`Store::insert_page`], [`Store::push_duplicate_pages`], [`Store::push_duplicates_of`] |
//! | versions: an LO's grows with every change to it or its pages; a page's is its LO's at its last content change; the LO's `edited` map holds each changed page once | every LO and page primitive |
//! | customisation flags and `reordered` of linked copies: set by the edit primitives, never by the sync primitives | [`Store::set_lo_text`], [`Store::set_page_text`], [`Store::set_page_items`], [`Store::move_page`] |
//! | the downstreams index (upstream LO → its linked copies); links of deleted upstreams become "upstream deleted" markers | [`Store::set_lo_link`], [`Store::remove_lo`], [`Store::remove_page`], [`Store::remove_course`] |
//! | which pages use a library item (lazy) | dropped by every primitive that changes page items |
//! | a pending task is queued or running once, and marks its target busy | the task primitives; a job runs only inside [`Store::with_job`], which always puts it back and keeps its write barrier while it is out |
//! | a course names only what lives: its creator, assigned users and lock holder, its banner image | [`Store::insert_course`], [`Store::set_course_settings`], [`Store::set_assigned`], [`Store::set_course_lock`], [`Store::restore_course_fields`]; its plain text and times change in place through [`Store::update_course_text`] |
//! | tool items: unique ids below the limit; links to an item of the course of the right category, a live LO or term; posts, groups and grades by live users; names the API takes | [`Store::push_tool`], [`Store::remove_tool`], [`Store::set_tool_dates`], [`Store::relink_tools`]; whole lists through [`Store::insert_course`] (checked) and [`Store::restore_course_fields`] (references gone since dropped) |
//! | nothing references a deleted LO or library item | [`Store::remove_lo`], [`Store::remove_los`] and [`Store::remove_library_item`] refuse (or keep) while something does |
//!
//! Primitives do not check rights: the layers above check, then call them.
//! Every reference between records is the store's to keep: a primitive
//! that would leave one dangling refuses with an error and changes
//! nothing, whatever its caller checked. Names are checked where they come
//! in (`Text`, in the edit layer) and again here where a whole record or a
//! course's text comes in ([`Store::insert_course`], [`Store::push_tool`],
//! [`Store::update_course_text`]); whether a course is busy or locked is
//! the access layer's question. None panics. The reads hand out shared
//! references only; the two ways to a `&mut` are
//! [`Store::update_course_text`], whose changes to copies are checked
//! before they are written back, and the job inside [`Store::with_job`].

mod content;
mod course_fields;
mod courses;
mod integrity;
mod item_locks;
mod library;
mod library_index;
mod links;
#[cfg(feature = "serde")]
mod saved;
mod tasks;
mod tools;

pub(crate) use content::PagesOf;

#[cfg(feature = "serde")]
pub(crate) use saved::{StoreParts, StorePartsRef};

use crate::arena::{Arena, fresh_salt};
use crate::data::{Ancestry, Page, PageLink, PageSource};
use crate::data::{
    CopyJob, Counts, Course, CourseSet, CourseStyle, DEFAULT_TASK_LIMIT, Ending, LearningObject, LibraryEntry,
    PageContent, Phase, Reach, Role, Task, Timestamp, User,
};
use crate::data::{Text, ToolLink, limits};
use crate::error::Error;
use crate::handles::{
    CourseKey, Entity, LibraryItem, LoKey, MediaKey, PageKey, ResourceKey, StyleKey, TaskKey, TermKey, UserKey,
};
use imbl::Vector;
use library_index::LibraryIndex;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

/// Every entity and index of a workspace. See the module docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Store {
    users: Arena<UserKey, User>,
    courses: Arena<CourseKey, Course>,
    los: Arena<LoKey, LearningObject>,
    pages: Arena<PageKey, Page>,
    styles: Arena<StyleKey, CourseStyle>,
    media: Arena<MediaKey, LibraryEntry>,
    resources: Arena<ResourceKey, LibraryEntry>,
    terms: Arena<TermKey, LibraryEntry>,
    course_ids: HashMap<Arc<str>, CourseKey>,
    external_ids: HashMap<Arc<str>, CourseKey>,
    /// LMS primary ids (`_<pk>_1`) of courses.
    pks: HashMap<u64, CourseKey>,
    next_pk: u64,
    /// The last numeric id given to a learning object, and to a page
    /// (CNV-2): ids are never given twice.
    next_lo_pk: u64,
    next_page_pk: u64,
    tasks: Arena<TaskKey, Task>,
    next_task_pk: u64,
    /// Tasks waiting to run, in request order.
    queue: VecDeque<TaskKey>,
    /// Tasks running, in start order.
    running: Vec<TaskKey>,
    task_limit: usize,
    /// Courses a task is copying into.
    busy: HashMap<CourseKey, TaskKey>,
    /// Which pages use each library item, built on demand.
    library_index: LibraryIndex,
    /// Upstream LO → its linked copies (LNK-8). Derived from the LOs'
    /// links; rebuilt on load, never saved.
    downstreams: BTreeSet<(LoKey, LoKey)>,
    /// Item locks (LNK-13), see `item_locks.rs`.
    item_locks: item_locks::ItemLocks,
    /// The linked copies courses took out (LNK-14), see `item_locks.rs`.
    removed_copies: item_locks::RemovedCopies,
    /// The jobs [`Store::with_job`] has out of their tasks, innermost
    /// last, for the write barrier; empty between steps.
    lent: Vec<Lent>,
}

/// A job out of its task while it runs: its task, and every page the run
/// changed, as it was before its first change. Which of them the job
/// reads is sorted out when it is back.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Lent {
    task: TaskKey,
    saved: HashMap<PageKey, Page>,
}

impl Store {
    /// An empty store with one Administrator, named `admin_name`.
    pub(crate) fn with_admin(admin_name: Arc<str>) -> (Store, UserKey) {
        let salt = fresh_salt();
        let mut store = Store {
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
            next_lo_pk: 0,
            next_page_pk: 0,
            tasks: Arena::new(salt),
            next_task_pk: 0,
            queue: VecDeque::new(),
            running: Vec::new(),
            task_limit: DEFAULT_TASK_LIMIT,
            busy: HashMap::new(),
            library_index: LibraryIndex::default(),
            downstreams: BTreeSet::new(),
            item_locks: Default::default(),
            removed_copies: Default::default(),
            lent: Vec::new(),
        };
        let admin = store.users.insert(User { name: admin_name, role: Role::Administrator });
        (store, admin)
    }

    // ---- Reads ------------------------------------------------------------

    pub(crate) fn user(&self, key: UserKey) -> Result<&User, Error> {
        self.users.get(key).ok_or_else(|| Error::not_found(key))
    }

    pub(crate) fn course(&self, key: CourseKey) -> Result<&Course, Error> {
        self.courses.get(key).ok_or_else(|| Error::not_found(key))
    }

    pub(crate) fn learning_object(&self, key: LoKey) -> Result<&LearningObject, Error> {
        self.los.get(key).ok_or_else(|| Error::not_found(key))
    }

    pub(crate) fn page(&self, key: PageKey) -> Result<&Page, Error> {
        self.pages.get(key).ok_or_else(|| Error::not_found(key))
    }

    pub(crate) fn style(&self, key: StyleKey) -> Result<&CourseStyle, Error> {
        self.styles.get(key).ok_or_else(|| Error::not_found(key))
    }

    pub(crate) fn library_entry(&self, item: LibraryItem) -> Result<&LibraryEntry, Error> {
        let found = match item {
            LibraryItem::Media(k) => self.media.get(k),
            LibraryItem::Resource(k) => self.resources.get(k),
            LibraryItem::Term(k) => self.terms.get(k),
        };
        found.ok_or_else(|| Error::not_found(item))
    }

    pub(crate) fn task(&self, key: TaskKey) -> Result<&Task, Error> {
        self.tasks.get(key).ok_or_else(|| Error::not_found(key))
    }

    pub(crate) fn has_user(&self, key: UserKey) -> bool {
        self.users.contains(key)
    }

    pub(crate) fn has_media(&self, key: MediaKey) -> bool {
        self.media.contains(key)
    }

    pub(crate) fn has_term(&self, key: TermKey) -> bool {
        self.terms.contains(key)
    }

    pub(crate) fn course_by_id(&self, course_id: &str) -> Option<CourseKey> {
        self.course_ids.get(course_id).copied()
    }

    pub(crate) fn course_by_external_id(&self, external_id: &str) -> Option<CourseKey> {
        self.external_ids.get(external_id).copied()
    }

    pub(crate) fn course_by_pk(&self, pk: u64) -> Option<CourseKey> {
        self.pks.get(&pk).copied()
    }

    /// The course whose uuid is `uuid` (32 hex digits, any case). A uuid
    /// is a bijection of the LMS id, so this inverts it: O(1).
    pub(crate) fn course_by_uuid(&self, uuid: &str) -> Option<CourseKey> {
        if uuid.len() != 32 {
            return None;
        }
        let value = u128::from_str_radix(uuid, 16).ok()?;
        let pk = crate::data::course_pk_of_uuid(self.users.salt(), value)?;
        self.course_by_pk(pk)
    }

    pub(crate) fn users(&self) -> impl Iterator<Item = (UserKey, &User)> + '_ {
        self.users.iter()
    }

    pub(crate) fn courses(&self) -> impl Iterator<Item = (CourseKey, &Course)> + '_ {
        self.courses.iter()
    }

    pub(crate) fn learning_objects(&self) -> impl Iterator<Item = (LoKey, &LearningObject)> + '_ {
        self.los.iter()
    }

    pub(crate) fn pages(&self) -> impl Iterator<Item = (PageKey, &Page)> + '_ {
        self.pages.iter()
    }

    pub(crate) fn styles(&self) -> impl Iterator<Item = (StyleKey, &CourseStyle)> + '_ {
        self.styles.iter()
    }

    pub(crate) fn library(&self) -> impl Iterator<Item = (LibraryItem, &LibraryEntry)> + '_ {
        let media = self.media.iter().map(|(k, v)| (LibraryItem::Media(k), v));
        let resources = self.resources.iter().map(|(k, v)| (LibraryItem::Resource(k), v));
        let terms = self.terms.iter().map(|(k, v)| (LibraryItem::Term(k), v));
        media.chain(resources).chain(terms)
    }

    pub(crate) fn counts(&self) -> Counts {
        Counts {
            users: self.users.len(),
            courses: self.courses.len(),
            learning_objects: self.los.len(),
            pages: self.pages.len(),
            styles: self.styles.len(),
            library_items: self.media.len() + self.resources.len() + self.terms.len(),
        }
    }

    /// The pages that reference `item`, in handle order. O(result) once the
    /// lazy index is built; O(pages) to build it.
    pub(crate) fn pages_using(&self, item: LibraryItem) -> Vec<PageKey> {
        self.library_index.pages(self.pages.iter(), item)
    }

    /// The task copying into `course`, if any.
    pub(crate) fn busy_task(&self, course: CourseKey) -> Option<TaskKey> {
        self.busy.get(&course).copied()
    }

    pub(crate) fn tasks(&self) -> impl Iterator<Item = TaskKey> + '_ {
        self.tasks.iter().map(|(k, _)| k)
    }

    /// A queued task's place in the queue, from 1.
    pub(crate) fn queue_position(&self, task: TaskKey) -> Option<usize> {
        self.queue.iter().position(|k| *k == task).map(|p| p + 1)
    }

    pub(crate) fn task_limit(&self) -> usize {
        self.task_limit
    }

    /// The running tasks, in start order.
    pub(crate) fn running(&self) -> &[TaskKey] {
        &self.running
    }

    // ---- Users ------------------------------------------------------------

    pub(crate) fn insert_user(&mut self, user: User) -> UserKey {
        self.users.insert(user)
    }

    pub(crate) fn set_user_name(&mut self, user: UserKey, name: Arc<str>) {
        if let Some(u) = self.users.get_mut(user) {
            u.name = name;
        }
    }

    pub(crate) fn set_user_role(&mut self, user: UserKey, role: Role) {
        if let Some(u) = self.users.get_mut(user) {
            u.role = role;
        }
    }
}

#[cfg(test)]
mod tests;
