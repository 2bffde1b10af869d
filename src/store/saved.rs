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
    pub(crate) queue: VecDeque<TaskKey>,
    pub(crate) running: Vec<TaskKey>,
    pub(crate) task_limit: usize,
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
    pub(crate) queue: &'a VecDeque<TaskKey>,
    pub(crate) running: &'a [TaskKey],
    pub(crate) task_limit: usize,
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
            queue: &self.queue,
            running: &self.running,
            task_limit: self.task_limit,
        }
    }

    /// Builds a store from saved parts, rebuilds the indexes, and checks
    /// every invariant (INT-1), including what pending tasks will write.
    /// Refuses with an error that names the record at fault.
    pub(crate) fn from_parts(p: StoreParts) -> Result<Store, Error> {
        let fail = |detail: String| Error::Integrity { detail };
        if p.task_limit == 0 {
            return Err(fail("task_limit: must be at least 1".into()));
        }
        if p.next_course_pk > u64::MAX / 2 || p.next_task_pk > u64::MAX / 2 {
            return Err(fail("next_course_pk, next_task_pk: out of range".into()));
        }
        let salt = p.users.salt();
        let salts = [p.courses.salt(), p.los.salt(), p.pages.salt(), p.styles.salt(), p.media.salt()];
        if !salt.is_multiple_of(2)
            || salts.iter().chain([p.resources.salt(), p.terms.salt(), p.tasks.salt()].iter()).any(|s| *s != salt)
        {
            return Err(fail("salt: every arena carries the workspace's one even salt".into()));
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
            queue: p.queue,
            running: p.running,
            task_limit: p.task_limit,
            busy: HashMap::new(),
            library_index: LibraryIndex::default(),
            downstreams: Default::default(),
            lent: None,
        };
        let mut uuids = HashSet::new();
        for (key, c) in ws.courses.iter() {
            if ws.course_ids.insert(c.course_id.clone(), key).is_some() {
                return Err(fail(format!("{key}: course_id {:?} is held by two courses", c.course_id)));
            }
            if ws.external_ids.insert(c.external_id.clone(), key).is_some() {
                return Err(fail(format!("{key}: external_id {:?} is held by two courses", c.external_id)));
            }
            if c.pk == 0 || c.pk > ws.next_pk || ws.pks.insert(c.pk, key).is_some() {
                return Err(fail(format!("{key}: its LMS id {} is repeated or out of range", c.pk)));
            }
            if !uuids.insert(c.uuid) {
                return Err(fail(format!("{key}: its uuid {:032x} is held by two courses", c.uuid)));
            }
        }
        // "Used in" is an index: rebuilt from the courses' lists.
        for (_, lo) in ws.los.iter_mut() {
            lo.used_in = Default::default();
        }
        let lists: Vec<(CourseKey, Vec<LoKey>)> =
            ws.courses.iter().map(|(k, c)| (k, c.los.iter().copied().collect())).collect();
        for (course, los) in lists {
            for lo in los {
                match ws.los.get_mut(lo) {
                    Some(record) => drop(record.used_in.insert(course)),
                    None => return Err(fail(format!("{course}: lists {lo}, which does not exist"))),
                }
            }
        }
        let mut task_pks = HashSet::new();
        for (key, t) in ws.tasks.iter() {
            if t.pk == 0 || t.pk > ws.next_task_pk || !task_pks.insert(t.pk) || t.percent > 100 {
                return Err(fail(format!("{key}: its LMS id or percent is out of range")));
            }
            match (&t.phase, &t.job) {
                (Phase::Finished(_), None) => {}
                (Phase::Queued | Phase::Running, Some(job)) => {
                    let target =
                        ws.courses.get(t.target).ok_or_else(|| fail(format!("{key}: its target is missing")))?;
                    job.check(t.target, target).map_err(|e| fail(format!("{key}: {e}")))?;
                    // What a cancel puts back is checked as live data; a
                    // banner image deleted meanwhile is dropped then.
                    if let Some(before) = &job.target_before {
                        let mut before = before.clone();
                        before.settings.banner_image = None;
                        ws.check_course_data(t.target, &before)
                            .map_err(|e| fail(format!("{key}: the course its cancel would restore: {e}")))?;
                    }
                    if ws.busy.insert(t.target, key).is_some() {
                        return Err(fail(format!("{key}: another task copies into the same course")));
                    }
                }
                _ => return Err(fail(format!("{key}: its state and its work disagree"))),
            }
        }
        ws.rebuild_downstreams();
        ws.check_integrity()?;
        Ok(ws)
    }
}
