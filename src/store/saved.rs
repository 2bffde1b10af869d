//! The store's side of saving and loading: its arenas and counters as a
//! saved form reads them, and a store rebuilt from them, indexes and all,
//! then checked. The saved schema itself (`crate::saved`) converts to and
//! from these parts; the store knows nothing of any file layout.

use super::{LibraryIndex, Store};
use crate::arena::Arena;
use crate::data::{Course, CourseStyle, LearningObject, LibraryEntry, Page, Phase, Task, User};
use crate::error::Error;
use crate::handles::{CourseKey, LoKey, MediaKey, PageKey, ResourceKey, StyleKey, TaskKey, TermKey, UserKey};
use std::collections::{HashMap, HashSet, VecDeque};

/// What a store is made of, but for its indexes, which are rebuilt. The
/// learning objects' "used in" sets are an index too: [`Store::from_parts`]
/// fills them from the courses' lists, whatever the parts hold.
pub(crate) struct StoreParts {
    pub(crate) users: Arena<UserKey, User>,
    pub(crate) courses: Arena<CourseKey, Course>,
    pub(crate) los: Arena<LoKey, LearningObject>,
    pub(crate) pages: Arena<PageKey, Page>,
    pub(crate) styles: Arena<StyleKey, CourseStyle>,
    pub(crate) media: Arena<MediaKey, LibraryEntry>,
    pub(crate) resources: Arena<ResourceKey, LibraryEntry>,
    pub(crate) terms: Arena<TermKey, LibraryEntry>,
    pub(crate) tasks: Arena<TaskKey, Task>,
    pub(crate) next_course_pk: u64,
    pub(crate) next_task_pk: u64,
    /// The last numeric ids given to an LO and a page.
    pub(crate) next_lo_pk: u64,
    pub(crate) next_page_pk: u64,
    pub(crate) queue: VecDeque<TaskKey>,
    pub(crate) running: Vec<TaskKey>,
    pub(crate) task_limit: usize,
    /// Item locks (LNK-13): (learning object, page or `None`).
    pub(crate) item_locks: Vec<(LoKey, Option<PageKey>)>,
    /// Copies courses took out (LNK-14): (upstream LO, course, upstream
    /// course of the copy's link).
    pub(crate) removed_copies: Vec<(LoKey, CourseKey, Option<CourseKey>)>,
}

/// The same parts, borrowed from a live store, for saving.
pub(crate) struct StorePartsRef<'a> {
    pub(crate) users: &'a Arena<UserKey, User>,
    pub(crate) courses: &'a Arena<CourseKey, Course>,
    pub(crate) los: &'a Arena<LoKey, LearningObject>,
    pub(crate) pages: &'a Arena<PageKey, Page>,
    pub(crate) styles: &'a Arena<StyleKey, CourseStyle>,
    pub(crate) media: &'a Arena<MediaKey, LibraryEntry>,
    pub(crate) resources: &'a Arena<ResourceKey, LibraryEntry>,
    pub(crate) terms: &'a Arena<TermKey, LibraryEntry>,
    pub(crate) tasks: &'a Arena<TaskKey, Task>,
    pub(crate) next_course_pk: u64,
    pub(crate) next_task_pk: u64,
    pub(crate) next_lo_pk: u64,
    pub(crate) next_page_pk: u64,
    pub(crate) queue: &'a VecDeque<TaskKey>,
    pub(crate) running: &'a [TaskKey],
    pub(crate) task_limit: usize,
    pub(crate) item_locks: &'a super::item_locks::ItemLocks,
    pub(crate) removed_copies: &'a super::item_locks::RemovedCopies,
}

impl Store {
    /// The store's parts, for saving.
    pub(crate) fn parts(&self) -> StorePartsRef<'_> {
        StorePartsRef {
            users: &self.users,
            courses: &self.courses,
            los: &self.los,
            pages: &self.pages,
            styles: &self.styles,
            media: &self.media,
            resources: &self.resources,
            terms: &self.terms,
            tasks: &self.tasks,
            next_course_pk: self.next_pk,
            next_task_pk: self.next_task_pk,
            next_lo_pk: self.next_lo_pk,
            next_page_pk: self.next_page_pk,
            queue: &self.queue,
            running: &self.running,
            task_limit: self.task_limit,
            item_locks: &self.item_locks,
            removed_copies: &self.removed_copies,
        }
    }

    /// Builds a store from saved parts, rebuilds the indexes, and checks
    /// every invariant (INT-1), including what pending tasks will write.
    /// Refuses with an error that names the record at fault.
    pub(crate) fn from_parts(p: StoreParts) -> Result<Store, Error> {
        let fail = |detail: String| Error::Integrity { detail };
        check_counters_and_salts(&p).map_err(fail)?;
        let item_locks: super::item_locks::ItemLocks = p.item_locks.iter().copied().collect();
        let removed_copies: super::item_locks::RemovedCopies =
            p.removed_copies.iter().map(|(up, course, from)| ((*up, *course), *from)).collect();
        if item_locks.len() != p.item_locks.len() || removed_copies.len() != p.removed_copies.len() {
            return Err(fail("linked.item_locks, linked.removed_copies: an entry is repeated".into()));
        }
        let mut ws = Store {
            users: p.users,
            courses: p.courses,
            los: p.los,
            pages: p.pages,
            styles: p.styles,
            media: p.media,
            resources: p.resources,
            terms: p.terms,
            tasks: p.tasks,
            course_ids: HashMap::new(),
            external_ids: HashMap::new(),
            pks: HashMap::new(),
            next_pk: p.next_course_pk,
            next_task_pk: p.next_task_pk,
            next_lo_pk: p.next_lo_pk,
            next_page_pk: p.next_page_pk,
            queue: p.queue,
            running: p.running,
            task_limit: p.task_limit,
            busy: HashMap::new(),
            library_index: LibraryIndex::default(),
            downstreams: Default::default(),
            item_locks,
            removed_copies,
            lent: Vec::new(),
        };
        ws.index_loaded_courses().map_err(fail)?;
        ws.rebuild_used_in().map_err(fail)?;
        ws.check_loaded_tasks().map_err(fail)?;
        ws.rebuild_downstreams();
        ws.check_integrity()?;
        Ok(ws)
    }

    /// Rebuilds the course id indexes from the loaded courses; refuses a
    /// repeated id, LMS id or uuid.
    fn index_loaded_courses(&mut self) -> Result<(), String> {
        let mut uuids = HashSet::new();
        for (key, c) in self.courses.iter() {
            if self.course_ids.insert(c.course_id.clone(), key).is_some() {
                return Err(format!("{key}: course_id {:?} is held by two courses", c.course_id));
            }
            if self.external_ids.insert(c.external_id.clone(), key).is_some() {
                return Err(format!("{key}: external_id {:?} is held by two courses", c.external_id));
            }
            if c.pk == 0 || c.pk > self.next_pk || self.pks.insert(c.pk, key).is_some() {
                return Err(format!("{key}: its LMS id {} is repeated or out of range", c.pk));
            }
            if !uuids.insert(c.uuid) {
                return Err(format!("{key}: its uuid {:032x} is held by two courses", c.uuid));
            }
        }
        Ok(())
    }

    /// "Used in" is an index: rebuilt from the courses' lists.
    fn rebuild_used_in(&mut self) -> Result<(), String> {
        for (_, lo) in self.los.iter_mut() {
            lo.used_in = Default::default();
        }
        let lists: Vec<(CourseKey, Vec<LoKey>)> =
            self.courses.iter().map(|(k, c)| (k, c.los.iter().copied().collect())).collect();
        for (course, los) in lists {
            for lo in los {
                match self.los.get_mut(lo) {
                    Some(record) => drop(record.used_in.insert(course)),
                    None => return Err(format!("{course}: lists {lo}, which does not exist")),
                }
            }
        }
        Ok(())
    }

    /// Loaded tasks: ids and percent in range, a job exactly while
    /// pending, each job consistent with its target and what its cancel
    /// would restore; marks the targets busy.
    fn check_loaded_tasks(&mut self) -> Result<(), String> {
        let mut task_pks = HashSet::new();
        for (key, t) in self.tasks.iter() {
            if t.pk == 0 || t.pk > self.next_task_pk || !task_pks.insert(t.pk) || t.percent > 100 {
                return Err(format!("{key}: its LMS id or percent is out of range"));
            }
            match (&t.phase, &t.job) {
                (Phase::Finished(_), None) => {}
                (Phase::Queued | Phase::Running, Some(job)) => {
                    let target = self.courses.get(t.target).ok_or_else(|| format!("{key}: its target is missing"))?;
                    job.check(t.target, target).map_err(|e| format!("{key}: {e}"))?;
                    // What a cancel puts back is checked as live data; a
                    // banner image deleted meanwhile is dropped then.
                    if let Some(before) = &job.target_before {
                        let mut before = before.clone();
                        before.settings.banner_image = None;
                        self.check_course_data(&t.target, &before)
                            .map_err(|e| format!("{key}: the course its cancel would restore: {e}"))?;
                    }
                    if self.busy.insert(t.target, key).is_some() {
                        return Err(format!("{key}: another task copies into the same course"));
                    }
                }
                _ => return Err(format!("{key}: its state and its work disagree")),
            }
        }
        Ok(())
    }
}

/// The counters and salts of saved parts: a task limit of at least 1,
/// counters in range, one even salt for every arena.
fn check_counters_and_salts(p: &StoreParts) -> Result<(), String> {
    if p.task_limit == 0 {
        return Err("task_limit: must be at least 1".into());
    }
    let counters = [
        ("next_course_pk", p.next_course_pk),
        ("copy_tasks.next_pk", p.next_task_pk),
        ("next_learning_object_id", p.next_lo_pk),
        ("next_page_id", p.next_page_pk),
    ];
    if let Some((name, _)) = counters.iter().find(|(_, n)| *n > u64::MAX / 2) {
        return Err(format!("{name}: out of range"));
    }
    let salt = p.users.salt();
    let salts = [p.courses.salt(), p.los.salt(), p.pages.salt(), p.styles.salt(), p.media.salt()];
    if !salt.is_multiple_of(2)
        || salts.iter().chain([p.resources.salt(), p.terms.salt(), p.tasks.salt()].iter()).any(|s| *s != salt)
    {
        return Err("salt: every arena carries the workspace's one even salt".into());
    }
    Ok(())
}
