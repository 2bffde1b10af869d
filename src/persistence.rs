//! Saving and loading a workspace (INT-4), with the `serde` feature.
//!
//! [`Workspace`] implements `Serialize` and `Deserialize`, so it saves to any
//! format serde supports. The saved form holds:
//!
//! - `format`: the version of the saved form, [`SAVE_FORMAT`]. Loading a form
//!   from a newer crate, or an unknown one, is refused. The writer puts it
//!   first, so a reader meets it before anything else.
//! - `salt` and every entity, slot by slot, so every handle stays valid;
//! - the counters of LMS ids, and the copy tasks, queued or running, with
//!   their snapshots: a loaded running task carries on where it stopped.
//!
//! Loading rebuilds the lookup indexes, then checks every invariant
//! ([`Workspace::check_integrity`](crate::Workspace::check_integrity)), and refuses a broken or tampered file
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

use crate::store::{SavedParts, Store};
use crate::workspace::Workspace;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::fmt;

/// The version of the saved form this crate writes and reads.
pub const SAVE_FORMAT: u32 = 1;

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
        st.serialize_field("format", &SAVE_FORMAT)?;
        self.store().write_saved(&mut st)?;
        st.end()
    }
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
        let mut p = SavedParts::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let format: u32 = read(&mut map, "format")?.unwrap_or(0);
                    if format > SAVE_FORMAT {
                        return Err(de::Error::custom(format_args!(
                            "saved by a newer coursecopy (format {format}); this build reads format {SAVE_FORMAT}"
                        )));
                    }
                    if format != SAVE_FORMAT {
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
        Store::from_saved(p).map(Workspace::from_store).map_err(de::Error::custom)
    }
}
