//! Learn's ops as journal records of versions 1 and 2 kept them: the
//! client's JSON body as sent, courses by Learn id (`_12_1`), and, in
//! version 1, the app key the request came through. Replay reads each
//! through the Learn parser ([`super::plan`]) into the op a server writes
//! now, against the model as it is at that point of the journal, so it
//! reads what it read when it was answered.

use super::plan;
use crate::model::{CoreError, Model, Op};
use coursecopy::{CourseRef, Timestamp};
use serde::Deserialize;
use serde_json::Value;

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
