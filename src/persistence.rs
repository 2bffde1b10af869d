//! Saving and loading a workspace (INT-4), with the `serde` feature.
//!
//! [`Workspace`] implements `Serialize` and `Deserialize`, so it saves to any
//! format serde supports. The saved form holds:
//!
//! - `format`: the version of the saved form, [`FORMAT`]. Loading a form
//!   from a newer crate, or an unknown one, is refused. The writer puts it
//!   first, so a reader meets it before anything else.
//! - `salt` and every entity, slot by slot, so every handle stays valid;
//! - the counters of LMS ids, and the copy tasks, queued or running, with
//!   their snapshots: a loaded running task carries on where it stopped.
//!
//! Loading rebuilds the lookup indexes, then checks every invariant
//! ([`Workspace::check_integrity`]), and refuses a broken or tampered file
//! with an error that says what is wrong and where. It never returns a
//! half-loaded workspace, and never panics.
//!
//! ```
//! use coursecopy::{NewCourse, Workspace};
//!
//! let (mut ws, admin) = Workspace::with_admin("Ada")?;
//! let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
//! let saved = serde_json::to_string(&ws).unwrap();
//! let loaded: Workspace = serde_json::from_str(&saved).unwrap();
//! assert_eq!(loaded, ws);
//! assert_eq!(loaded.course(course)?.title(), "Biology");
//!
//! let tampered = saved.replace("\"format\":1", "\"format\":99");
//! let err = serde_json::from_str::<Workspace>(&tampered).unwrap_err();
//! assert!(err.to_string().contains("newer"));
//! # Ok::<(), coursecopy::Error>(())
//! ```

use crate::arena::Arena;
use crate::data::{Phase, Task};
use crate::{
    Course, CourseKey, CourseStyle, LearningObject, LibraryEntry, LoKey, MediaKey, Page, PageKey, ResourceKey,
    StyleKey, TaskKey, TermKey, User, UserKey, Workspace,
};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use slotmap::SlotMap;
use std::collections::{HashMap, VecDeque};
use std::fmt;

/// The version of the saved form this crate writes and reads.
pub const FORMAT: u32 = 1;

const FIELDS: &[&str] = &[
    "format",
    "salt",
    "users",
    "courses",
    "learning_objects",
    "pages",
    "styles",
    "media",
    "resources",
    "terms",
    "tasks",
    "next_course_pk",
    "next_task_pk",
    "queue",
    "running",
    "task_limit",
];

impl Serialize for Workspace {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Workspace", FIELDS.len())?;
        st.serialize_field("format", &FORMAT)?;
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
        st.end()
    }
}

/// The saved parts, as they are read.
#[derive(Default)]
struct Parts {
    format: Option<u32>,
    salt: Option<u32>,
    users: Option<SlotMap<UserKey, User>>,
    courses: Option<SlotMap<CourseKey, Course>>,
    los: Option<SlotMap<LoKey, LearningObject>>,
    pages: Option<SlotMap<PageKey, Page>>,
    styles: Option<SlotMap<StyleKey, CourseStyle>>,
    media: Option<SlotMap<MediaKey, LibraryEntry>>,
    resources: Option<SlotMap<ResourceKey, LibraryEntry>>,
    terms: Option<SlotMap<TermKey, LibraryEntry>>,
    tasks: Option<SlotMap<TaskKey, Task>>,
    next_pk: Option<u64>,
    next_task_pk: Option<u64>,
    queue: Option<VecDeque<TaskKey>>,
    running: Option<Vec<TaskKey>>,
    task_limit: Option<usize>,
}

impl<'de> Deserialize<'de> for Workspace {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_struct("Workspace", FIELDS, WorkspaceVisitor)
    }
}

struct WorkspaceVisitor;

impl<'de> Visitor<'de> for WorkspaceVisitor {
    type Value = Workspace;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a saved coursecopy workspace")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Workspace, A::Error> {
        fn read<'de, T: Deserialize<'de>, A: MapAccess<'de>>(map: &mut A, key: &str) -> Result<Option<T>, A::Error> {
            map.next_value::<T>().map(Some).map_err(|e| de::Error::custom(format_args!("{key}: {e}")))
        }
        let mut p = Parts::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let format: u32 = read(&mut map, "format")?.unwrap_or(0);
                    if format > FORMAT {
                        return Err(de::Error::custom(format_args!(
                            "saved by a newer coursecopy (format {format}); this build reads format {FORMAT}"
                        )));
                    }
                    if format != FORMAT {
                        return Err(de::Error::custom(format_args!("unknown saved format {format}")));
                    }
                    p.format = Some(format);
                }
                "salt" => p.salt = read(&mut map, "salt")?,
                "users" => p.users = read(&mut map, "users")?,
                "courses" => p.courses = read(&mut map, "courses")?,
                "learning_objects" => p.los = read(&mut map, "learning_objects")?,
                "pages" => p.pages = read(&mut map, "pages")?,
                "styles" => p.styles = read(&mut map, "styles")?,
                "media" => p.media = read(&mut map, "media")?,
                "resources" => p.resources = read(&mut map, "resources")?,
                "terms" => p.terms = read(&mut map, "terms")?,
                "tasks" => p.tasks = read(&mut map, "tasks")?,
                "next_course_pk" => p.next_pk = read(&mut map, "next_course_pk")?,
                "next_task_pk" => p.next_task_pk = read(&mut map, "next_task_pk")?,
                "queue" => p.queue = read(&mut map, "queue")?,
                "running" => p.running = read(&mut map, "running")?,
                "task_limit" => p.task_limit = read(&mut map, "task_limit")?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        assemble(p).map_err(de::Error::custom)
    }
}

/// Builds a workspace from its saved parts, rebuilds the indexes, and
/// checks every invariant.
fn assemble(p: Parts) -> Result<Workspace, String> {
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
    let mut ws = Workspace {
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
        library_index: Default::default(),
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
                job.check(t.target).map_err(|e| format!("{at}: {e}"))?;
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
