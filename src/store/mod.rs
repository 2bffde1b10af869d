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

mod course_fields;
mod integrity;
mod library_index;
mod links;
#[cfg(feature = "serde")]
mod saved;
mod tools;

#[cfg(feature = "serde")]
pub(crate) use saved::{StoreParts, StorePartsRef};

use crate::arena::{Arena, fresh_salt};
use crate::data::{Ancestry, Page, PageLink, PageSource};
use crate::data::{
    CopyJob, Counts, Course, CourseSet, CourseStyle, DEFAULT_TASK_LIMIT, Ending, LearningObject, LibraryEntry,
    PageContent, PageList, Phase, Reach, Role, Task, Timestamp, User,
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
            tasks: Arena::new(salt),
            next_task_pk: 0,
            queue: VecDeque::new(),
            running: Vec::new(),
            task_limit: DEFAULT_TASK_LIMIT,
            busy: HashMap::new(),
            library_index: LibraryIndex::default(),
            downstreams: BTreeSet::new(),
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

    // ---- Courses ----------------------------------------------------------

    /// Inserts a course record and indexes its ids; gives it the next LMS
    /// id. The record comes without learning objects or styles: those are
    /// added through their own primitives, which keep their indexes.
    ///
    /// # Errors
    /// The record names what is not there: a creator, an assigned user or
    /// a lock holder that is gone, a banner image that is no live media
    /// asset, a tool item that links to nothing; or its `course_id` or
    /// `external_id` is taken. Nothing changed.
    pub(crate) fn insert_course(&mut self, mut course: Course) -> Result<CourseKey, Error> {
        self.course_record_problem(&course)?;
        self.next_pk = self.next_pk.saturating_add(1);
        course.pk = self.next_pk;
        course.uuid = crate::data::course_uuid(self.users.salt(), self.next_pk);
        course.los = Vector::new();
        course.styles = Vector::new();
        let (id, ext) = (course.course_id.clone(), course.external_id.clone());
        let key = self.courses.insert(course);
        self.course_ids.insert(id, key);
        self.external_ids.insert(ext, key);
        self.pks.insert(self.next_pk, key);
        Ok(key)
    }

    /// What a course record about to be inserted breaks: an id taken or
    /// not of an id's form, a creator, assigned user or lock holder that
    /// is gone, a banner image that is no live media asset, a name the API
    /// would refuse, tool items that link to nothing or whose ids are not
    /// its own (integrity's checks of a course's fields, run before the
    /// record goes in).
    fn course_record_problem(&self, course: &Course) -> Result<(), Error> {
        for (field, id, index) in [
            ("course_id", &course.course_id, &self.course_ids),
            ("external_id", &course.external_id, &self.external_ids),
        ] {
            if let Some(holder) = index.get(id) {
                return Err(Error::Conflict { field, value: id.to_string(), holder: *holder });
            }
        }
        Text::identifier("course_id", &course.course_id, limits::COURSE_ID)?;
        Text::identifier("external_id", &course.external_id, limits::EXTERNAL_ID)?;
        if !self.users.contains(course.created_by) {
            return Err(Error::not_found(course.created_by));
        }
        let at = format!("the new course {:?}", course.course_id);
        self.check_course_data(&at, course).map_err(|detail| Error::Integrity { detail })
    }

    /// Whether `course` may take `external_id`: of an id's form, and held
    /// by no other course.
    ///
    /// # Errors
    /// The id is not of an id's form, or another course holds it.
    pub(crate) fn check_external_id(&self, course: CourseKey, external_id: &str) -> Result<(), Error> {
        Text::identifier("external_id", external_id, limits::EXTERNAL_ID)?;
        match self.external_ids.get(external_id).filter(|k| **k != course) {
            Some(holder) => {
                Err(Error::Conflict { field: "external_id", value: external_id.to_string(), holder: *holder })
            }
            None => Ok(()),
        }
    }

    /// Changes a course's `external_id` and its index entry.
    ///
    /// # Errors
    /// The course is gone, `external_id` is not of an id's form, or another
    /// course holds it; nothing changed.
    pub(crate) fn set_external_id(&mut self, course: CourseKey, external_id: Arc<str>) -> Result<(), Error> {
        self.check_external_id(course, &external_id)?;
        let record = self.courses.get_mut(course).ok_or_else(|| Error::not_found(course))?;
        self.external_ids.remove(&record.external_id);
        self.external_ids.insert(external_id.clone(), course);
        record.external_id = external_id;
        Ok(())
    }

    /// Removes a course with everything that hangs on it: its id index
    /// entries, its styles (pages that applied one lose it), its place in
    /// the where-used sets of the LOs it included, and its parenthood of
    /// LOs, which keep living without a parent. O(LOs of the course + LOs),
    /// plus O(pages) if the course had styles.
    pub(crate) fn remove_course(&mut self, course: CourseKey) -> Option<Course> {
        let record = self.courses.remove(course)?;
        self.course_ids.remove(&record.course_id);
        self.external_ids.remove(&record.external_id);
        self.pks.remove(&record.pk);
        for lo in record.los.iter() {
            if let Some(lo) = self.los.get_mut(*lo) {
                lo.used_in.remove(&course);
            }
        }
        for (_, lo) in self.los.iter_mut() {
            if lo.parent == Some(course) {
                lo.parent = None;
            }
            if let Some(link) = lo.link.as_mut().filter(|l| l.course == Some(course)) {
                link.course = None;
            }
        }
        if !record.styles.is_empty() {
            for style in record.styles.iter() {
                self.styles.remove(*style);
            }
            let styled: Vec<PageKey> = self
                .pages
                .iter()
                .filter(|(_, p)| p.style.is_some_and(|s| record.styles.contains(&s)))
                .map(|(k, _)| k)
                .collect();
            for page in styled {
                self.save_for_tasks(page);
                if let Some(p) = self.pages.get_mut(page) {
                    p.style = None;
                }
            }
        }
        Some(record)
    }

    /// Creates a style of `course`, at the end of its list.
    pub(crate) fn insert_style(&mut self, course: CourseKey, name: Arc<str>, css: Arc<str>) -> Option<StyleKey> {
        self.courses.get(course)?;
        let key = self.styles.insert(CourseStyle { course, name, css });
        if let Some(c) = self.courses.get_mut(course) {
            c.styles.push_back(key);
        }
        Some(key)
    }

    // ---- A course's list of learning objects --------------------------------

    /// Includes `lo` in `course` at `at` (clamped to the end). False, with
    /// nothing changed, if either is missing or the course includes it.
    pub(crate) fn include_lo(&mut self, course: CourseKey, lo: LoKey, at: usize) -> bool {
        let (Some(c), Some(l)) = (self.courses.get_mut(course), self.los.get_mut(lo)) else { return false };
        if !l.used_in.insert(course) {
            return false;
        }
        let at = at.min(c.los.len());
        if at == c.los.len() {
            c.los.push_back(lo);
        } else {
            c.los.insert(at, lo);
        }
        true
    }

    /// Takes the LO at `at` out of `course`'s list; the LO lives on.
    pub(crate) fn exclude_lo_at(&mut self, course: CourseKey, at: usize) -> Option<LoKey> {
        let c = self.courses.get_mut(course)?;
        if at >= c.los.len() {
            return None;
        }
        let lo = c.los.remove(at);
        if let Some(l) = self.los.get_mut(lo) {
            l.used_in.remove(&course);
        }
        Some(lo)
    }

    /// Moves the LO at `from` to `to` in one course's list.
    pub(crate) fn move_lo(&mut self, course: CourseKey, from: usize, to: usize) {
        let Some(c) = self.courses.get_mut(course) else { return };
        if from < c.los.len() && to < c.los.len() {
            let lo = c.los.remove(from);
            c.los.insert(to, lo);
        }
    }

    /// Puts `new` where the LO at `at` stands in `course`'s list.
    pub(crate) fn replace_lo_at(&mut self, course: CourseKey, at: usize, new: LoKey) {
        let Some(old) = self.courses.get(course).and_then(|c| c.los.get(at)).copied() else { return };
        if old == new || self.los.get(new).is_none_or(|l| l.used_in.contains(&course)) {
            return;
        }
        if let Some(c) = self.courses.get_mut(course) {
            c.los.set(at, new);
        }
        if let Some(l) = self.los.get_mut(old) {
            l.used_in.remove(&course);
        }
        if let Some(l) = self.los.get_mut(new) {
            l.used_in.insert(course);
        }
    }

    /// Includes every live LO of `list` that `course` does not include yet,
    /// at the end of its list, in order; returns the LOs of `list` that are
    /// gone. A course with no LOs that takes all of them takes the list as
    /// it is, in O(1): the two lists share their structure until one
    /// changes.
    pub(crate) fn share_los(&mut self, course: CourseKey, list: &Vector<LoKey>) -> Vec<LoKey> {
        let Some(was_empty) = self.courses.get(course).map(|c| c.los.is_empty()) else { return Vec::new() };
        // An empty course takes what it is given; a course with LOs only
        // those it does not hold yet, so only then is the list kept.
        let mut added = Vec::new();
        let mut missing = Vec::new();
        for &lo in list.leaves().flatten() {
            match self.los.get_mut(lo) {
                Some(record) => {
                    if record.used_in.insert(course) && !was_empty {
                        added.push(lo);
                    }
                }
                None => missing.push(lo),
            }
        }
        let los = match (was_empty, missing.is_empty()) {
            (true, true) => list.clone(),
            (true, false) => list.iter().copied().filter(|lo| self.los.contains(*lo)).collect(),
            (false, _) => added.into_iter().collect(),
        };
        if let Some(c) = self.courses.get_mut(course) {
            c.los.append(los);
        }
        missing
    }

    /// Takes every LO after the first `len` out of `course`'s list; returns
    /// them. The LOs live on.
    pub(crate) fn truncate_los(&mut self, course: CourseKey, len: usize) -> Vec<LoKey> {
        let Some(c) = self.courses.get_mut(course) else { return Vec::new() };
        if len >= c.los.len() {
            return Vec::new();
        }
        let removed: Vec<LoKey> = c.los.slice(len..).into_iter().collect();
        for lo in &removed {
            if let Some(l) = self.los.get_mut(*lo) {
                l.used_in.remove(&course);
            }
        }
        removed
    }

    // ---- Learning objects -------------------------------------------------

    /// Inserts a learning object with no pages, included in no course yet.
    pub(crate) fn insert_lo(
        &mut self,
        title: Arc<str>,
        description: Arc<str>,
        parent: Option<CourseKey>,
        origin: Option<LoKey>,
        ancestors: Ancestry,
    ) -> LoKey {
        self.los.insert(LearningObject {
            title,
            description,
            parent: parent.filter(|p| self.courses.contains(*p)),
            pages: PageList::default(),
            used_in: CourseSet::default(),
            origin,
            ancestors,
            version: 0,
            layout_version: 0,
            edited: Default::default(),
            link: None,
        })
    }

    /// Changes an LO's title and description (`None` keeps one).
    pub(crate) fn set_lo_text(&mut self, lo: LoKey, title: Option<Arc<str>>, description: Option<Arc<str>>) -> Reach {
        let Some(record) = self.los.get_mut(lo) else { return Reach::default() };
        if let Some(link) = record.link.as_mut() {
            link.customised.title |= title.is_some();
            link.customised.description |= description.is_some();
        }
        if let Some(t) = title {
            record.title = t;
        }
        if let Some(d) = description {
            record.description = d;
        }
        record.version = record.version.saturating_add(1);
        record.used_in.reach()
    }

    /// Deletes a learning object and its pages, taking it out of every
    /// course that includes it first. Its linked copies keep their content
    /// and hold "upstream deleted" markers (LNK-10); its own link leaves
    /// the downstreams index.
    ///
    /// # Errors
    /// The LO is gone, or a course's tool items link to it (they would
    /// dangle); nothing changed.
    pub(crate) fn remove_lo(&mut self, lo: LoKey) -> Result<(), Error> {
        if !self.los.contains(lo) {
            return Err(Error::not_found(lo));
        }
        let linking = self.courses_linking_to(lo);
        if !linking.is_empty() {
            return Err(Error::InUse { entity: lo.into(), used_by: linking.into_iter().map(Into::into).collect() });
        }
        self.forget_upstream_lo(lo);
        self.set_lo_link(lo, None);
        let courses = self.los.get(lo).map(|l| l.used_in.iter().copied().collect::<Vec<_>>()).unwrap_or_default();
        for course in courses {
            if let Some(at) = self.courses.get(course).and_then(|c| c.position_of(lo)) {
                self.exclude_lo_at(course, at);
            }
        }
        if let Some(record) = self.los.remove(lo) {
            for page in record.pages.iter() {
                self.remove_page_record(*page);
            }
        }
        Ok(())
    }

    /// Deletes every learning object of `los` that no course includes and
    /// no tool item links to (with its pages, as [`remove_lo`](Self::remove_lo)
    /// does); gives back those it kept. One pass over the tool items for
    /// them all.
    pub(crate) fn remove_los(&mut self, los: &[LoKey]) -> Vec<LoKey> {
        let linked: std::collections::HashSet<LoKey> = self
            .courses
            .iter()
            .flat_map(|(_, c)| c.tools.iter())
            .filter_map(|i| match i.link {
                Some(ToolLink::Content(lo)) => Some(lo),
                _ => None,
            })
            .collect();
        let mut kept = Vec::new();
        for &lo in los {
            let unused = self.los.get(lo).is_some_and(|l| l.used_in.is_empty());
            if !unused || linked.contains(&lo) {
                kept.push(lo);
                continue;
            }
            self.forget_upstream_lo(lo);
            self.set_lo_link(lo, None);
            if let Some(record) = self.los.remove(lo) {
                for page in record.pages.iter() {
                    self.remove_page_record(*page);
                }
            }
        }
        kept
    }

    /// The courses that include `lo`, cached in the LO for widely shared
    /// ones.
    pub(crate) fn lo_reach(&mut self, lo: LoKey) -> Reach {
        self.los.get_mut(lo).map(|l| l.used_in.reach()).unwrap_or_default()
    }

    // ---- Pages --------------------------------------------------------------

    /// Adds a page to `lo`, at `at` or at the end.
    pub(crate) fn insert_page(
        &mut self,
        lo: LoKey,
        content: Arc<PageContent>,
        style: Option<StyleKey>,
        at: Option<usize>,
    ) -> Option<PageKey> {
        self.bump_layout(lo)?;
        if !content.items.is_empty() {
            self.library_index.invalidate();
        }
        let page = self.pages.insert(Page { content, style, lo, origin: None, version: 0, link: None });
        if let Some(record) = self.los.get_mut(lo) {
            match at {
                Some(at) => record.pages.insert(at, page),
                None => record.pages.push_back(page),
            }
        }
        Some(page)
    }

    /// Appends to `lo` a duplicate of each source page, given as its handle
    /// and the content to give the duplicate, and empties `sources`: the
    /// content is shared, not copied, the style dropped, the origin kept.
    /// Returns the position in `lo` of the first new page. `more` is how
    /// many pages are still to come after these, for which the list makes
    /// room now. The pages come as a batch so that the LO's list grows
    /// once, not page by page.
    pub(crate) fn push_duplicate_pages(&mut self, lo: LoKey, sources: &mut Vec<PageSource>, more: usize) -> usize {
        let Some(record) = self.los.get_mut(lo) else {
            sources.clear();
            return 0;
        };
        self.library_index.invalidate();
        record.version = record.version.saturating_add(1);
        record.layout_version = record.version;
        let (first, linked) = (record.pages.len(), record.link.is_some());
        // A linked page of a source deleted since the request (a page a
        // pending copy saved) starts with an "upstream deleted" marker.
        let pages = sources.drain(..).map(|src| Page {
            link: linked.then(|| PageLink {
                upstream: Some(src.key).filter(|_| src.live),
                synced: src.version,
                base: None,
                customised: Default::default(),
            }),
            content: src.content,
            style: None,
            lo,
            origin: Some(src.key),
            version: 0,
        });
        let keys = self.pages.extend(pages);
        if first == 0 && more == 0 {
            // The whole list at once: one allocation.
            record.pages = keys.collect();
        } else {
            record.pages.change(|list| {
                list.reserve(keys.len().saturating_add(more));
                list.extend(keys);
            });
        }
        first
    }

    /// Sets a page's title and body (`None` keeps one); on a linked page,
    /// marks them customised (LNK-5).
    pub(crate) fn set_page_text(&mut self, page: PageKey, title: Option<Arc<str>>, body: Option<Arc<str>>) -> Reach {
        self.change_content(page, |p| {
            if let Some(link) = p.link.as_mut() {
                link.customised.title |= title.is_some();
                link.customised.body |= body.is_some();
            }
            let content = p.content_mut();
            if let Some(t) = title {
                content.title = t;
            }
            if let Some(b) = body {
                content.body = b;
            }
        })
    }

    /// Applies a style to a page, or clears it.
    /// A style is a page field, so the LO's version grows (LNK-3); it is
    /// not content, so the page's own version does not: style never syncs.
    pub(crate) fn set_page_style(&mut self, page: PageKey, style: Option<StyleKey>) -> Reach {
        let lo = self.pages.get(page).map(|p| p.lo);
        if let Some(record) = lo.and_then(|lo| self.los.get_mut(lo)) {
            record.version = record.version.saturating_add(1);
        }
        self.change_page(page, |p| p.style = style)
    }

    /// Sets a page's library items: the one place they change. On a
    /// linked page, marks them customised (LNK-5).
    pub(crate) fn set_page_items(&mut self, page: PageKey, items: Arc<[crate::handles::LibraryItem]>) -> Reach {
        self.library_index.invalidate();
        self.change_content(page, |p| {
            if let Some(link) = p.link.as_mut() {
                link.customised.items = true;
            }
            p.content_mut().items = items;
        })
    }

    /// Deletes a page from its LO. The linked copies of the page keep
    /// theirs, with an "upstream deleted" marker (LNK-10).
    pub(crate) fn remove_page(&mut self, page: PageKey) -> Reach {
        let Some((lo, version)) = self.pages.get(page).map(|p| (p.lo, p.version)) else { return Reach::default() };
        let at = self.los.get(lo).and_then(|l| l.pages.index_of(page));
        self.forget_upstream_page(lo, page, at);
        self.remove_page_record(page);
        if self.bump_layout(lo).is_none() {
            return Reach::default();
        }
        let Some(record) = self.los.get_mut(lo) else { return Reach::default() };
        if record.edited.0.get(&version).is_some_and(|(p, _)| *p == page) {
            record.edited.0.remove(&version);
        }
        if let Some(at) = at {
            record.pages.remove(at);
        }
        record.used_in.reach()
    }

    /// Moves a page to position `to` in its LO; in a linked copy, marks
    /// the LO reordered (LNK-6).
    pub(crate) fn move_page(&mut self, page: PageKey, to: usize) -> Reach {
        let Some(lo) = self.pages.get(page).map(|p| p.lo) else { return Reach::default() };
        let Some(at) = self.los.get(lo).and_then(|l| l.pages.index_of(page)) else { return Reach::default() };
        if self.los.get(lo).is_none_or(|l| to >= l.pages.len()) {
            return self.lo_reach(lo);
        }
        self.bump_layout(lo);
        let Some(record) = self.los.get_mut(lo) else { return Reach::default() };
        if let Some(link) = record.link.as_mut() {
            link.reordered = true;
        }
        if let Some(page) = record.pages.remove(at) {
            record.pages.insert(to, page);
        }
        record.used_in.reach()
    }

    /// Raises an LO's version for a change to its page list; returns the
    /// new version.
    fn bump_layout(&mut self, lo: LoKey) -> Option<u64> {
        let record = self.los.get_mut(lo)?;
        record.version = record.version.saturating_add(1);
        record.layout_version = record.version;
        Some(record.version)
    }

    /// Changes a page's content: saves it for pending tasks, raises its
    /// LO's version, and stamps the page with it in the LO's `edited` map.
    fn change_content(&mut self, page: PageKey, apply: impl FnOnce(&mut Page)) -> Reach {
        self.save_for_tasks(page);
        let Some((lo, old)) = self.pages.get(page).map(|p| (p.lo, p.version)) else { return Reach::default() };
        let Some(record) = self.los.get_mut(lo) else { return Reach::default() };
        let at = record.pages.index_of(page).unwrap_or(0);
        record.version = record.version.saturating_add(1);
        let version = record.version;
        if record.edited.0.get(&old).is_some_and(|(p, _)| *p == page) {
            record.edited.0.remove(&old);
        }
        record.edited.0.insert(version, (page, u32::try_from(at).unwrap_or(u32::MAX)));
        let reach = record.used_in.reach();
        if let Some(p) = self.pages.get_mut(page) {
            // A linked page's base that is its own content is held as
            // `None`: pin it before the content changes, and let go of it
            // again if the change leaves the two the same.
            if let Some(link) = p.link.as_mut()
                && link.base.is_none()
            {
                link.base = Some(p.content.clone());
            }
            apply(p);
            p.version = version;
            if let Some(link) = p.link.as_mut()
                && link.base.as_ref().is_some_and(|b| Arc::ptr_eq(b, &p.content))
            {
                link.base = None;
            }
        }
        reach
    }

    fn change_page(&mut self, page: PageKey, apply: impl FnOnce(&mut Page)) -> Reach {
        self.save_for_tasks(page);
        let Some(p) = self.pages.get_mut(page) else { return Reach::default() };
        apply(p);
        let lo = p.lo;
        self.lo_reach(lo)
    }

    /// Removes a page record (not its place in its LO's list).
    fn remove_page_record(&mut self, page: PageKey) {
        self.save_for_tasks(page);
        let removed = self.pages.remove(page);
        if removed.as_ref().is_some_and(|p| !p.items().is_empty()) {
            self.library_index.invalidate();
        }
    }

    /// The write barrier: saves a page as it is into the overlay of every
    /// task that will still read it, before the page changes. O(1) when no
    /// task is pending; otherwise O(log LOs) a pending task.
    fn save_for_tasks(&mut self, page: PageKey) {
        if self.queue.is_empty() && self.running.is_empty() {
            return;
        }
        let Some(record) = self.pages.get(page) else { return };
        for lent in &mut self.lent {
            lent.saved.entry(page).or_insert_with(|| Page { link: None, ..record.clone() });
        }
        for task in self.queue.iter().chain(&self.running) {
            if let Some(job) = self.tasks.get_mut(*task).and_then(|t| t.job.as_mut())
                && job.reads(record.lo)
            {
                // The job reads content and version only; links are not
                // history it needs.
                job.overlay.entry(page).or_insert_with(|| Page { link: None, ..record.clone() });
            }
        }
    }

    // ---- The library ------------------------------------------------------

    pub(crate) fn insert_media(&mut self, entry: LibraryEntry) -> MediaKey {
        self.media.insert(entry)
    }

    pub(crate) fn insert_resource(&mut self, entry: LibraryEntry) -> ResourceKey {
        self.resources.insert(entry)
    }

    pub(crate) fn insert_term(&mut self, entry: LibraryEntry) -> TermKey {
        self.terms.insert(entry)
    }

    /// Changes a library item's name or content (`None` keeps one).
    pub(crate) fn set_library_entry(&mut self, item: LibraryItem, name: Option<Arc<str>>, content: Option<Arc<str>>) {
        let entry = match item {
            LibraryItem::Media(k) => self.media.get_mut(k),
            LibraryItem::Resource(k) => self.resources.get_mut(k),
            LibraryItem::Term(k) => self.terms.get_mut(k),
        };
        if let Some(entry) = entry {
            if let Some(n) = name {
                entry.name = n;
            }
            if let Some(c) = content {
                entry.content = c;
            }
        }
    }

    /// Everything that references a library item: the pages that use it,
    /// then the courses whose banner image it is or whose tool items link
    /// to it.
    pub(crate) fn library_item_users(&self, item: LibraryItem) -> Vec<Entity> {
        let courses = self.courses.iter().filter(|(_, c)| {
            matches!(item, LibraryItem::Media(m) if c.settings.banner_image == Some(m))
                || matches!(item, LibraryItem::Term(t) if c.tools.iter().any(|i| i.link == Some(ToolLink::Term(t))))
        });
        let pages = self.pages_using(item).into_iter().map(Entity::Page);
        pages.chain(courses.map(|(k, _)| Entity::Course(k))).collect()
    }

    /// Deletes a library item.
    ///
    /// # Errors
    /// The item is gone, or something references it (it would dangle);
    /// nothing changed.
    pub(crate) fn remove_library_item(&mut self, item: LibraryItem) -> Result<(), Error> {
        self.library_entry(item)?;
        let used_by = self.library_item_users(item);
        if !used_by.is_empty() {
            return Err(Error::InUse { entity: item.into(), used_by });
        }
        match item {
            LibraryItem::Media(k) => drop(self.media.remove(k)),
            LibraryItem::Resource(k) => drop(self.resources.remove(k)),
            LibraryItem::Term(k) => drop(self.terms.remove(k)),
        }
        Ok(())
    }

    // ---- Tasks --------------------------------------------------------------

    /// Queues a task for `job`, which copies into `target`; marks the
    /// target busy.
    pub(crate) fn insert_task(&mut self, requested_by: UserKey, job: CopyJob) -> TaskKey {
        self.next_task_pk = self.next_task_pk.saturating_add(1);
        let target = job.target;
        let task = self.tasks.insert(Task {
            pk: self.next_task_pk,
            requested_by,
            phase: Phase::Queued,
            started: None,
            job: Some(job),
            target,
            percent: 0,
            dates: None,
        });
        self.busy.insert(target, task);
        self.queue.push_back(task);
        task
    }

    pub(crate) fn set_task_limit(&mut self, limit: usize) {
        self.task_limit = limit.max(1);
    }

    /// Moves queued tasks to running while places are free; they start at
    /// `now`.
    pub(crate) fn start_queued(&mut self, now: Timestamp) {
        while self.running.len() < self.task_limit {
            let Some(task) = self.queue.pop_front() else { break };
            if let Some(t) = self.tasks.get_mut(task) {
                t.phase = Phase::Running;
                t.started = Some(now);
                self.running.push(task);
            }
        }
    }

    /// Runs `work` on a pending task's job and the store, and puts the job
    /// back, raising the task's percent to the job's (it never decreases).
    /// `None`, without running `work`, when the task has no job (it ended).
    ///
    /// While `work` runs the job is out of its task, and the write barrier
    /// keeps its pages all the same: every page `work` changes is saved as
    /// it was, and those the job reads go into its overlay when it is
    /// back. The task cannot be ended meanwhile
    /// ([`finish_task`](Self::finish_task) refuses): it is ended after.
    pub(crate) fn with_job<R>(&mut self, task: TaskKey, work: impl FnOnce(&mut CopyJob, &mut Store) -> R) -> Option<R> {
        let mut job = self.tasks.get_mut(task)?.job.take()?;
        self.lent.push(Lent { task, saved: HashMap::new() });
        let result = work(&mut job, self);
        let at = self.lent.iter().rposition(|l| l.task == task);
        let saved = at.map(|at| self.lent.remove(at).saved).unwrap_or_default();
        for (page, record) in saved {
            if job.reads(record.lo) {
                job.overlay.entry(page).or_insert(record);
            }
        }
        if let Some(t) = self.tasks.get_mut(task) {
            t.percent = t.percent.max(job.percent());
            t.job = Some(job);
        }
        Some(result)
    }

    /// Ends a task: records its state, frees its target and its place in
    /// the queue, and hands back its job (to undo it unless it completed).
    pub(crate) fn finish_task(
        &mut self,
        task: TaskKey,
        ending: Ending,
        dates: Option<crate::data::DateShiftReport>,
    ) -> Option<CopyJob> {
        // A task whose job is out in `with_job` ends once the job is back.
        if self.lent.iter().any(|l| l.task == task) {
            return None;
        }
        let t = self.tasks.get_mut(task)?;
        let job = t.job.take();
        if ending.completed() {
            t.percent = 100;
            t.dates = dates;
        }
        t.phase = Phase::Finished(ending);
        self.queue.retain(|k| *k != task);
        self.running.retain(|k| *k != task);
        self.busy.retain(|_, k| *k != task);
        job
    }

    /// Makes room for `los` more learning objects and `pages` more pages,
    /// ahead of a Duplicate.
    pub(crate) fn reserve(&mut self, los: usize, pages: usize) {
        self.los.reserve(los);
        self.pages.reserve(pages);
    }
}

#[cfg(test)]
mod tests;
