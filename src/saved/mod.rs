//! Saving and loading a workspace (INT-4, INT-5, INT-6), with the `serde`
//! feature.
//!
//! [`Workspace`] implements `Serialize` and `Deserialize`, so it saves to
//! any self-describing serde format (JSON, say). The saved form has its own
//! schema, independent of the in-memory records, documented field by field
//! in [`docs/saved-format.md`](crate::architecture::saved_format):
//!
//! - `format`: the version of the schema, [`SAVE_FORMAT`], written first.
//!   Loading refuses a form from a newer crate, or an unknown one. Format 1
//!   (coursecopy 0.1 and 0.2) and formats 2 to 5 load through explicit
//!   migrations. Fields
//!   may come in any order (a JSON store that sorts keys is fine).
//! - Every entity, under its handle, and each arena's free slots in reuse
//!   order, so every handle stays valid and a loaded workspace hands out
//!   the same handles as the one saved.
//! - Page text once per allocation (INT-6): a Duplicate's pages share their
//!   title, body and item list with their source until edited, and the
//!   saved form stores each shared allocation once, in tables that pages
//!   refer to by index. Loading restores exactly that sharing, no more (it
//!   never merges equal text) and no less. Saving an unedited Duplicate
//!   therefore adds only its records, not its text.
//! - The LMS id counters, and the copy tasks with their pending work: a
//!   loaded running task carries on where it stopped.
//! - Format 3's `linked` part: versions, links, customisations, declined
//!   versions and field locks of linked copies (LNK-12).
//! - Format 4's `dates` part: course time zones, the dates of tool items,
//!   and the date shifts of copy tasks (SPEC section 12).
//! - Format 6's `page_runs` part: the pages of a Duplicate nobody edited
//!   since, a run of consecutive slots in one record (an unedited copy of
//!   a 100-page LO is one record, not 100), so that a workspace of many
//!   copies saves and loads in a fraction of the time.
//!
//! Loading converts the schema back into records, lets the store rebuild
//! its indexes, then checks every invariant, including what the pending
//! tasks will write. It refuses a broken or tampered file with an error
//! that names the field or the record at fault, never returns a
//! half-loaded workspace, and never panics.
//!
//! ```
//! use coursecopy::{NewCourse, PageDraft, Workspace, CopyOptions};
//!
//! let (mut ws, admin) = Workspace::with_admin("Ada")?;
//! let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
//! let lo = ws.create_learning_object(admin, course, "Cells", "")?;
//! let page = ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids."))?.page;
//! let copy = ws.duplicate_course(admin, course, &CopyOptions::new())?;
//!
//! let saved = serde_json::to_string(&ws).unwrap();
//! let loaded: Workspace = serde_json::from_str(&saved).unwrap();
//! assert_eq!(loaded, ws);
//! // The duplicate's page still shares its body with its source.
//! let dup_lo = loaded.course(copy)?.learning_objects().next().unwrap();
//! let dup_page = loaded.learning_object(dup_lo)?.pages().next().unwrap();
//! assert!(loaded.page(dup_page)?.shares_body_with(loaded.page(page)?));
//!
//! let tampered = saved.replace(&format!("\"format\":{}", coursecopy::SAVE_FORMAT), "\"format\":99");
//! let err = serde_json::from_str::<Workspace>(&tampered).unwrap_err();
//! assert!(err.to_string().contains("newer"));
//! # Ok::<(), coursecopy::Error>(())
//! ```

mod current;
mod older;

use crate::store::Store;
use crate::workspace::Workspace;
use current::{body, dates, linked, read, runs, write};
use older::format1;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::fmt;

/// The version of the saved form this crate writes. It reads this one and
/// every earlier one.
pub const SAVE_FORMAT: u32 = 8;

impl Serialize for Workspace {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (w, linked, dates, page_runs) = write::write(&self.store().parts());
        let mut st = s.serialize_struct("Workspace", 11)?;
        st.serialize_field("format", &SAVE_FORMAT)?;
        st.serialize_field("salt", &w.salt)?;
        st.serialize_field("next_course_pk", &w.next_course_pk)?;
        let ids = w.next_ids.unwrap_or(body::NextIds { learning_object: 0, page: 0 });
        st.serialize_field("next_learning_object_id", &ids.learning_object)?;
        st.serialize_field("next_page_id", &ids.page)?;
        st.serialize_field("shared", &w.shared)?;
        st.serialize_field("entities", &w.entities)?;
        st.serialize_field("copy_tasks", &w.copy_tasks)?;
        st.serialize_field("linked", &linked)?;
        st.serialize_field("dates", &dates)?;
        st.serialize_field("page_runs", &page_runs)?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for Workspace {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let body = serde_path_to_error::deserialize(d).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." { inner } else { de::Error::custom(format_args!("{path}: {inner}")) }
        })?;
        let loaded = match body {
            Body::V1(w) => format1::migrate(*w)
                .and_then(|w| read::read(w, linked::Linked::default(), dates::Dates::default(), Vec::new())),
            Body::Later(w, linked, dates, page_runs) => read::read(*w, *linked, dates, page_runs),
        };
        loaded
            .and_then(|parts| Store::from_parts(parts).map_err(|e| e.to_string()))
            .map(Workspace::from_store)
            .map_err(de::Error::custom)
    }
}

/// A saved body, by format.
enum Body {
    /// Format 1.
    V1(Box<format1::Workspace>),
    /// Format 2 or later: today's body and parts, those a format before
    /// today's lacks made empty (see [`older`]).
    Later(Box<body::Workspace>, Box<linked::Linked>, dates::Dates, Vec<runs::PageRun>),
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(BodyVisitor)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = Body;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a saved coursecopy workspace")
    }

    /// Reads the fields in any order: no field of format 2 has the name of
    /// a field of format 1 of another type. A known `format` read early
    /// stops a file of a newer or unknown format at once.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
        let (mut format, mut salt, mut next_course_pk) = (None, None, None);
        let (mut shared, mut entities, mut copy_tasks, mut linked, mut dates) = (None, None, None, None, None);
        let (mut page_runs, mut next_lo_id, mut next_page_id) = (None, None, None);
        let mut v1 = format1::Parts::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let f: u32 = map.next_value()?;
                    if f > SAVE_FORMAT {
                        return Err(de::Error::custom(format_args!(
                            "saved by a newer coursecopy (format {f}); this build reads formats 1 to {SAVE_FORMAT}"
                        )));
                    }
                    if f == 0 {
                        return Err(de::Error::custom(format_args!("unknown saved format {f}")));
                    }
                    format = Some(f);
                }
                "salt" => salt = Some(map.next_value()?),
                "next_course_pk" => next_course_pk = Some(map.next_value()?),
                "shared" => shared = Some(map.next_value()?),
                "entities" => entities = Some(map.next_value()?),
                "copy_tasks" => copy_tasks = Some(map.next_value()?),
                "linked" => linked = Some(map.next_value()?),
                "dates" => dates = Some(map.next_value()?),
                "page_runs" => page_runs = Some(map.next_value()?),
                "next_learning_object_id" => next_lo_id = Some(map.next_value()?),
                "next_page_id" => next_page_id = Some(map.next_value()?),
                other => {
                    if !v1.read(other, &mut map)? {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
            }
        }
        let format = format.ok_or_else(|| de::Error::missing_field("format"))?;
        let salt = salt.ok_or_else(|| de::Error::missing_field("salt"))?;
        let next_course_pk = next_course_pk.ok_or_else(|| de::Error::missing_field("next_course_pk"))?;
        if format == 1 {
            // A part of a later format in a file of format 1 is refused,
            // not ignored: nothing is guessed at.
            let later = [
                ("shared", shared.is_some()),
                ("entities", entities.is_some()),
                ("copy_tasks", copy_tasks.is_some()),
                ("linked", linked.is_some()),
                ("dates", dates.is_some()),
                ("page_runs", page_runs.is_some()),
                ("next_learning_object_id", next_lo_id.is_some()),
                ("next_page_id", next_page_id.is_some()),
            ];
            if let Some((field, _)) = later.iter().find(|(_, present)| *present) {
                return Err(de::Error::custom(format_args!(
                    "{field}: a field of a later format in a file of format 1"
                )));
            }
            return v1.finish(salt, next_course_pk).map(|w| Body::V1(Box::new(w))).map_err(de::Error::missing_field);
        }
        if let Some(field) = v1.any() {
            return Err(de::Error::custom(format_args!("{field}: a field of format 1 in a file of format {format}")));
        }
        let linked = older::linked_part(format, linked)?;
        let dates = older::dates_part(format, dates)?;
        let page_runs = older::runs_part(format, page_runs)?;
        let next_ids = older::next_ids(format, next_lo_id, next_page_id)?;
        Ok(Body::Later(
            Box::new(body::Workspace {
                salt,
                next_course_pk,
                next_ids,
                shared: shared.ok_or_else(|| de::Error::missing_field("shared"))?,
                entities: entities.ok_or_else(|| de::Error::missing_field("entities"))?,
                copy_tasks: copy_tasks.ok_or_else(|| de::Error::missing_field("copy_tasks"))?,
            }),
            Box::new(linked),
            dates,
            page_runs,
        ))
    }
}
