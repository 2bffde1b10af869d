//! The store's side of saving and loading: its parts as they are saved,
//! and a store rebuilt from them, indexes and all, then checked.

use super::{LibraryIndex, Store};
use crate::arena::Arena;
use crate::data::{Course, CourseStyle, LearningObject, LibraryEntry, Page, Phase, Task, User};
use crate::handles::{CourseKey, LoKey, MediaKey, PageKey, ResourceKey, StyleKey, TaskKey, TermKey, UserKey};
use serde::ser::SerializeStruct;
use slotmap::SlotMap;
use std::collections::{HashMap, VecDeque};

/// The saved parts, as they are read.
#[derive(Default)]
pub(crate) struct SavedParts {
    pub(crate) format: Option<u32>,
    pub(crate) salt: Option<u32>,
    pub(crate) users: Option<SlotMap<UserKey, User>>,
    pub(crate) courses: Option<SlotMap<CourseKey, Course>>,
    pub(crate) los: Option<SlotMap<LoKey, LearningObject>>,
    pub(crate) pages: Option<SlotMap<PageKey, Page>>,
    pub(crate) styles: Option<SlotMap<StyleKey, CourseStyle>>,
    pub(crate) media: Option<SlotMap<MediaKey, LibraryEntry>>,
    pub(crate) resources: Option<SlotMap<ResourceKey, LibraryEntry>>,
    pub(crate) terms: Option<SlotMap<TermKey, LibraryEntry>>,
    pub(crate) tasks: Option<SlotMap<TaskKey, Task>>,
    pub(crate) next_pk: Option<u64>,
    pub(crate) next_task_pk: Option<u64>,
    pub(crate) queue: Option<VecDeque<TaskKey>>,
    pub(crate) running: Option<Vec<TaskKey>>,
    pub(crate) task_limit: Option<usize>,
}

impl Store {
    /// Writes every saved field but `format`, in the saved order.
    pub(crate) fn write_saved<S: SerializeStruct>(&self, st: &mut S) -> Result<(), S::Error> {
        st.serialize_field("salt", &self.salt())?;
        st.serialize_field("users", self.users.raw())?;
        st.serialize_field("courses", self.courses.raw())?;
        st.serialize_field("learning_objects", self.los.raw())?;
        st.serialize_field("pages", self.pages.raw())?;
        st.serialize_field("styles", self.styles.raw())?;
        st.serialize_field("media", self.media.raw())?;
        st.serialize_field("resources", self.resources.raw())?;
        st.serialize_field("terms", self.terms.raw())?;
        st.serialize_field("tasks", self.tasks.raw())?;
        st.serialize_field("next_course_pk", &self.next_pk)?;
        st.serialize_field("next_task_pk", &self.next_task_pk)?;
        st.serialize_field("queue", &self.queue)?;
        st.serialize_field("running", &self.running)?;
        st.serialize_field("task_limit", &self.task_limit)?;
        Ok(())
    }

    /// Builds a workspace from its saved parts, rebuilds the indexes, and
    /// checks every invariant.
    pub(crate) fn from_saved(p: SavedParts) -> Result<Store, String> {
        fn need<T>(part: Option<T>, name: &str) -> Result<T, String> {
            part.ok_or_else(|| format!("the saved workspace has no `{name}`"))
        }
        need(p.format, "format")?;
        let salt = need(p.salt, "salt")?;
        if salt % 2 != 0 {
            return Err("salt: must be even".into());
        }
        let task_limit = need(p.task_limit, "task_limit")?;
        let (next_pk, next_task_pk) = (need(p.next_pk, "next_course_pk")?, need(p.next_task_pk, "next_task_pk")?);
        if next_pk > u64::MAX / 2 || next_task_pk > u64::MAX / 2 {
            return Err("next_course_pk, next_task_pk: out of range".into());
        }
        if task_limit == 0 {
            return Err("task_limit: must be at least 1".into());
        }
        let mut ws = Store {
            users: Arena::from_raw(need(p.users, "users")?, salt),
            courses: Arena::from_raw(need(p.courses, "courses")?, salt),
            los: Arena::from_raw(need(p.los, "learning_objects")?, salt),
            pages: Arena::from_raw(need(p.pages, "pages")?, salt),
            styles: Arena::from_raw(need(p.styles, "styles")?, salt),
            media: Arena::from_raw(need(p.media, "media")?, salt),
            resources: Arena::from_raw(need(p.resources, "resources")?, salt),
            terms: Arena::from_raw(need(p.terms, "terms")?, salt),
            tasks: Arena::from_raw(need(p.tasks, "tasks")?, salt),
            course_ids: HashMap::new(),
            external_ids: HashMap::new(),
            pks: HashMap::new(),
            next_pk,
            next_task_pk,
            queue: need(p.queue, "queue")?,
            running: need(p.running, "running")?,
            task_limit,
            busy: HashMap::new(),
            library_index: LibraryIndex::default(),
        };
        for (key, c) in ws.courses.iter() {
            let at = format!("{key}");
            if ws.course_ids.insert(c.course_id.clone(), key).is_some() {
                return Err(format!("{at}: course_id {:?} is held by two courses", c.course_id));
            }
            if ws.external_ids.insert(c.external_id.clone(), key).is_some() {
                return Err(format!("{at}: external_id {:?} is held by two courses", c.external_id));
            }
            if c.pk == 0 || c.pk > ws.next_pk || ws.pks.insert(c.pk, key).is_some() {
                return Err(format!("{at}: its LMS id {} is repeated or out of range", c.pk));
            }
        }
        let mut task_pks = std::collections::HashSet::new();
        for (key, t) in ws.tasks.iter() {
            let at = format!("{key}");
            if t.pk == 0 || t.pk > ws.next_task_pk || !task_pks.insert(t.pk) || t.percent > 100 {
                return Err(format!("{at}: its LMS id or percent is out of range"));
            }
            match (&t.phase, &t.job) {
                (Phase::Finished(_), None) => {}
                (Phase::Queued | Phase::Running, Some(job)) => {
                    let target = ws.courses.get(t.target).ok_or_else(|| format!("{at}: its target is missing"))?;
                    job.check(t.target, target).map_err(|e| format!("{at}: {e}"))?;
                    if ws.busy.insert(t.target, key).is_some() {
                        return Err(format!("{at}: another task copies into the same course"));
                    }
                }
                _ => return Err(format!("{at}: its state and its work disagree")),
            }
        }
        ws.check_integrity().map_err(|e| e.to_string())?;
        Ok(ws)
    }
}
