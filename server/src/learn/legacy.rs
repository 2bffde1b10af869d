//! Learn's ops as journal records of versions 1 and 2 kept them: the
//! client's JSON body as sent, courses by Learn id (`_12_1`), and, in
//! version 1, the app key the request came through. Replay reads each
//! through the Learn parser ([`super::plan`]) into the op a server writes
//! now, against the model as it is at that point of the journal, so it
//! reads what it read when it was answered. The server of 0.4 also kept a
//! migration's categories and date shift in Learn's JSON:
//! [`copy_spec_of_0_4`] reads them, for journal records and snapshots
//! alike.

use super::plan;
use crate::model::{CopySpec, CoreError, Model, Op};
use coursecopy::{CopyRequest, CourseRef, LearnCopyRequest, Timestamp};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Who asked: the workspace user (version 2), or the app key they came
/// through (version 1), read through the app keys the server starts with.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The workspace user, by name.
    User(String),
    /// The app key.
    Key(String),
}

/// One of Learn's ops of a version-1 or version-2 record.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum LearnOp {
    /// `POST /courses`.
    CreateCourse {
        /// Who asked.
        #[serde(flatten)]
        by: Actor,
        /// The body as sent.
        body: Value,
        /// When.
        at: Timestamp,
    },
    /// `PATCH /courses/{id}`.
    UpdateCourse {
        /// Who asked.
        #[serde(flatten)]
        by: Actor,
        /// The course, `_<n>_1`.
        course: String,
        /// The body as sent.
        body: Value,
        /// When.
        at: Timestamp,
    },
    /// `DELETE /courses/{id}`.
    DeleteCourse {
        /// Who asked.
        #[serde(flatten)]
        by: Actor,
        /// The course, `_<n>_1`.
        course: String,
    },
    /// `POST /courses/{id}/copy`.
    RequestCopy {
        /// Who asked.
        #[serde(flatten)]
        by: Actor,
        /// The source course, `_<n>_1`.
        source: String,
        /// The body as sent.
        body: Value,
        /// When.
        at: Timestamp,
        /// An injected fault.
        fail: bool,
    },
}

impl LearnOp {
    fn by(&self) -> &Actor {
        match self {
            LearnOp::CreateCourse { by, .. }
            | LearnOp::UpdateCourse { by, .. }
            | LearnOp::DeleteCourse { by, .. }
            | LearnOp::RequestCopy { by, .. } => by,
        }
    }

    /// Whether it names an app key, which only version 1 may.
    pub fn names_app_key(&self) -> bool {
        matches!(self.by(), Actor::Key(_))
    }

    /// The op it is now, read against `model` as it stands before it.
    ///
    /// # Errors
    /// An app key that acts as no user; a course id that is not
    /// `_<n>_1`; a body the Learn parser refuses (never in a record a
    /// server wrote: it refused those before journaling).
    pub fn to_op(&self, model: &Model) -> Result<Op, CoreError> {
        let user = match self.by() {
            Actor::User(name) => name.clone(),
            Actor::Key(key) => {
                let user = model.actors.get(key).ok_or_else(|| CoreError::Actor(key.clone()))?;
                model.ws.user(*user)?.name().to_string()
            }
        };
        match self {
            LearnOp::CreateCourse { body, at, .. } => plan::create_course(&user, body, *at),
            LearnOp::UpdateCourse { course, body, at, .. } => plan::update_course(&user, numeric(course)?, body, *at),
            LearnOp::DeleteCourse { course, .. } => Ok(Op::RemoveCourse { user, course: numeric(course)? }),
            LearnOp::RequestCopy { source, body, at, fail, .. } => {
                plan::request_copy(&model.ws, &user, numeric(source)?, body, *at, *fail)
            }
        }
    }
}

/// The numeric id of a Learn primary id, `_<n>_1`.
fn numeric(id: &str) -> Result<u64, CoreError> {
    match id.parse::<CourseRef>()? {
        CourseRef::PrimaryId(n) => Ok(n),
        other => Err(CoreError::Body(format!("{other} is no primary id (_<n>_1)"))),
    }
}

/// A migration's [`CopySpec`] as the server of 0.4 kept it: the
/// categories and the date shift in the JSON of Learn's copy body
/// (`copy`, `dateShift`, each optional), with `los` and `pages` as now;
/// read through the Learn parser.
///
/// # Errors
/// What the Learn parser refuses, naming the key path.
pub fn copy_spec_of_0_4(mut form: Map<String, Value>) -> Result<CopySpec, String> {
    let ids = |value: Option<Value>| serde_json::from_value(value.unwrap_or(Value::Null)).map_err(|e| e.to_string());
    let los: Option<Vec<u64>> = ids(form.remove("los"))?;
    let pages: Option<Vec<u64>> = ids(form.remove("pages"))?;
    let mut body = json!({ "targetCourse": { "courseId": "-" } });
    if let Some(copy) = form.remove("copy") {
        body["copy"] = copy;
    }
    if let Some(shift) = form.remove("date_shift") {
        body["dateShift"] = shift;
    }
    if let Some(key) = form.keys().next() {
        return Err(format!("{key}: not a key of a copy spec"));
    }
    let request: CopyRequest = serde_json::from_value::<LearnCopyRequest>(body).map_err(|e| e.to_string())?.into();
    let pages = pages.unwrap_or_default();
    Ok(CopySpec { selection: request.selection, date_shift: request.date_shift, los, pages })
}
