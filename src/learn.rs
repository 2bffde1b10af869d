//! Learn's wire forms, as live Learn writes and reads them (SRV-11), with
//! the `serde` feature.
//!
//! - [`LearnCourse`]: a course in the shape of Learn's v3 course object
//!   (`id`, `uuid`, `externalId`, `courseId`, `name`, `availability`,
//!   `enrollment`, `locale`, `copyHistory`, ...). A `Term` duration is
//!   written `Term`, as live Learn writes it, although the 3900.12x swagger
//!   names it `UseTerm`; both are read (see [`CourseChange`](crate::CourseChange)).
//! - [`LearnCourseTask`]: Learn's course task, exactly `id`, `status`,
//!   `percentComplete` (an integer) and `started` (absent while queued),
//!   both ways.
//! - [`LearnCopyRequest`], [`LearnNewCourse`], [`LearnCourseChange`]:
//!   the bodies of Learn's copy request, course POST and course PATCH
//!   (LMS-11), read into the core's [`CopyRequest`](crate::CopyRequest),
//!   [`NewCourse`](crate::NewCourse) and [`CourseChange`](crate::CourseChange),
//!   which keep no wire shape of their own. The keys each reads are
//!   listed in the crate's JSON notes (`src/json.rs`).
//!
//! The library's own [`TaskStatus`] JSON (LMS-11) is richer: it writes
//! `Cancelled`, a queue position, the reason of an `Incomplete` task and
//! the issues of a `CompleteWithErrors` one. A client that reads Learn's
//! form and nothing else gets [`LearnCourseTask`].
//!
//! ```
//! use coursecopy::{LearnCourseTask, LearnTaskStatus};
//! let task: LearnCourseTask = serde_json::from_str(r#"{"id":"_7_1","status":"Waiting","percentComplete":0}"#)?;
//! assert_eq!(task.status, LearnTaskStatus::Queued);
//! assert_eq!(serde_json::to_string(&task)?, r#"{"id":"_7_1","status":"Queued","percentComplete":0}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

use crate::data::{Availability, Duration, Enrollment, TaskState, TaskStatus, Timestamp};
use crate::{CourseKey, Error, Workspace};
use serde::{Deserialize, Serialize};

/// A course task's status on Learn's wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LearnTaskStatus {
    /// Waiting to run. `Waiting` and `Assigned` (SystemTask names) read as
    /// this.
    #[serde(alias = "Waiting", alias = "Assigned")]
    Queued,
    /// Running.
    Running,
    /// Done.
    Complete,
    /// Done, with references dropped. `CompleteErrors` (the SystemTask
    /// name) reads as this.
    #[serde(alias = "CompleteErrors")]
    CompleteWithErrors,
    /// Failed or cancelled: nothing of the copy remains.
    Incomplete,
}

impl LearnTaskStatus {
    /// The status of a task in `state`: a cancelled task is `Incomplete`.
    pub fn of(state: &TaskState) -> Self {
        match state {
            TaskState::Queued { .. } => LearnTaskStatus::Queued,
            TaskState::Running { .. } => LearnTaskStatus::Running,
            TaskState::Complete { .. } => LearnTaskStatus::Complete,
            TaskState::CompleteWithErrors { .. } => LearnTaskStatus::CompleteWithErrors,
            TaskState::Incomplete { .. } | TaskState::Cancelled => LearnTaskStatus::Incomplete,
        }
    }

    /// The name a Learn SystemTask uses: `Waiting`, `Running`, `Complete`,
    /// `CompleteErrors`, `Incomplete`.
    pub fn system_task_name(self) -> &'static str {
        match self {
            LearnTaskStatus::Queued => "Waiting",
            LearnTaskStatus::Running => "Running",
            LearnTaskStatus::Complete => "Complete",
            LearnTaskStatus::CompleteWithErrors => "CompleteErrors",
            LearnTaskStatus::Incomplete => "Incomplete",
        }
    }

    /// Whether the task has ended.
    pub fn is_finished(self) -> bool {
        !matches!(self, LearnTaskStatus::Queued | LearnTaskStatus::Running)
    }
}

/// Learn's course task object: exactly `id`, `status`, `percentComplete`
/// and `started`, which is absent while the task is queued (SRV-11).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LearnCourseTask {
    /// The task's id, `_<n>_1`.
    pub id: String,
    /// Its status.
    pub status: LearnTaskStatus,
    /// Percent complete, 0 to 100.
    pub percent_complete: u8,
    /// When it started running; absent while queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<Timestamp>,
}

impl From<&TaskStatus> for LearnCourseTask {
    fn from(status: &TaskStatus) -> Self {
        let learn = LearnTaskStatus::of(&status.state);
        LearnCourseTask {
            id: status.id.clone(),
            status: learn,
            percent_complete: status.percent_complete,
            started: if learn == LearnTaskStatus::Queued { None } else { status.started },
        }
    }
}

/// A course as Learn's v3 course object writes it. Build it with
/// [`LearnCourse::of`]; it serialises with Learn's key names.
///
/// ```
/// use coursecopy::{LearnCourse, NewCourse, Role, Workspace};
/// let (mut ws, admin) = Workspace::with_admin("admin")?;
/// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
/// let json = serde_json::to_value(LearnCourse::of(&ws, course)?).unwrap();
/// assert_eq!(json["courseId"], "BIO-101");
/// assert_eq!(json["externalId"], "BIO-101");
/// assert_eq!(json["availability"]["duration"]["type"], "Continuous");
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LearnCourse {
    /// The primary id, `_<n>_1`.
    pub id: String,
    /// 32 lowercase hex digits.
    pub uuid: String,
    /// The external id.
    pub external_id: String,
    /// The course id.
    pub course_id: String,
    /// The course's name (its title).
    pub name: String,
    /// Its description.
    pub description: String,
    /// When it was created.
    pub created: Timestamp,
    /// When its own data last changed.
    pub modified: Timestamp,
    /// Always `false`: the model has no organizations.
    pub organization: bool,
    /// Always `"Classic"`.
    pub ultra_status: &'static str,
    /// Guest access.
    pub allow_guests: bool,
    /// Observer access.
    pub allow_observers: bool,
    /// Always `false`.
    pub closed_complete: bool,
    /// Availability and duration.
    pub availability: LearnAvailability,
    /// Enrollment.
    pub enrollment: LearnEnrollment,
    /// Locale.
    pub locale: LearnLocale,
    /// Always `false`: the model has no child courses.
    pub has_children: bool,
    /// Where a browser opens the course.
    pub external_access_url: String,
    /// The uuids of the courses this one was copied from, nearest first.
    pub copy_history: Vec<LearnSourceCourse>,
}

/// `availability` of a [`LearnCourse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LearnAvailability {
    /// `Yes`, `No`, `Disabled` or `Term`.
    pub available: &'static str,
    /// The duration.
    pub duration: LearnDuration,
}

/// `availability.duration` of a [`LearnCourse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LearnDuration {
    /// `Continuous`, `DateRange`, `FixedNumDays` or `Term`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The start of a `DateRange`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Timestamp>,
    /// The end of a `DateRange`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Timestamp>,
    /// The days of a `FixedNumDays`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_of_use: Option<u32>,
}

/// `enrollment` of a [`LearnCourse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LearnEnrollment {
    /// `InstructorLed`, `SelfEnrollment` or `EmailEnrollment`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// When self-enrollment opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Timestamp>,
    /// When it closes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Timestamp>,
    /// The access code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_code: Option<String>,
}

/// `locale` of a [`LearnCourse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LearnLocale {
    /// The locale id, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Always `false`.
    pub force: bool,
}

/// One entry of `copyHistory`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LearnSourceCourse {
    /// The source course's uuid.
    pub uuid: String,
}

impl LearnCourse {
    /// Course `key` of `ws` in Learn's form.
    ///
    /// # Errors
    /// [`Error::NotFound`] if `key` names no live course.
    pub fn of(ws: &Workspace, key: CourseKey) -> Result<LearnCourse, Error> {
        let course = ws.course(key)?;
        let settings = course.settings();
        let available = match settings.availability() {
            Availability::Yes => "Yes",
            Availability::No => "No",
            Availability::Disabled => "Disabled",
            Availability::Term => "Term",
        };
        let none = LearnDuration { kind: "", start: None, end: None, days_of_use: None };
        let duration = match settings.duration() {
            Duration::Continuous => LearnDuration { kind: "Continuous", ..none },
            Duration::DateRange { start, end } => {
                LearnDuration { kind: "DateRange", start: Some(start), end: Some(end), ..none }
            }
            Duration::FixedNumDays { days } => LearnDuration { kind: "FixedNumDays", days_of_use: Some(days), ..none },
            Duration::Term => LearnDuration { kind: "Term", ..none },
        };
        let enrollment = match settings.enrollment() {
            Enrollment::InstructorLed => {
                LearnEnrollment { kind: "InstructorLed", start: None, end: None, access_code: None }
            }
            Enrollment::EmailEnrollment => {
                LearnEnrollment { kind: "EmailEnrollment", start: None, end: None, access_code: None }
            }
            Enrollment::SelfEnrollment { start, end, access_code } => LearnEnrollment {
                kind: "SelfEnrollment",
                start: *start,
                end: *end,
                access_code: access_code.as_deref().map(str::to_string),
            },
        };
        // The chain of sources, nearest first, while they live.
        let mut copy_history = Vec::new();
        let mut from = course.copied_from();
        while let Some(source) = from.and_then(|k| ws.course(k).ok()) {
            if copy_history.len() >= 64 {
                break;
            }
            copy_history.push(LearnSourceCourse { uuid: source.uuid() });
            from = source.copied_from();
        }
        let id = course.lms_id();
        Ok(LearnCourse {
            external_access_url: format!("/ultra/courses/{id}/outline"),
            id,
            uuid: course.uuid(),
            external_id: course.external_id().to_string(),
            course_id: course.course_id().to_string(),
            name: course.title().to_string(),
            description: course.description().to_string(),
            created: course.created(),
            modified: course.modified(),
            organization: false,
            ultra_status: "Classic",
            allow_guests: settings.guest_access(),
            allow_observers: settings.observer_access(),
            closed_complete: false,
            availability: LearnAvailability { available, duration },
            enrollment,
            locale: LearnLocale { id: settings.locale().map(str::to_string), force: false },
            has_children: false,
            copy_history,
        })
    }
}

/// The body of Learn's v2 copy request (LMS-11), read into a
/// [`CopyRequest`](crate::CopyRequest): `targetCourse`, `copy`, and the
/// extensions `mode` and `dateShift`. A malformed value is an error naming
/// its key path.
///
/// ```
/// use coursecopy::{CopyMode, CopyRequest, CopyTarget, LearnCopyRequest};
/// let body = r#"{"targetCourse": {"courseId": "BIO-102"}, "mode": "Share"}"#;
/// let request: CopyRequest = serde_json::from_str::<LearnCopyRequest>(body)?.into();
/// assert_eq!(request.target, CopyTarget::NewCourse { course_id: "BIO-102".into() });
/// assert_eq!(request.mode, CopyMode::Share);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearnCopyRequest(pub crate::CopyRequest);

impl From<LearnCopyRequest> for crate::CopyRequest {
    fn from(body: LearnCopyRequest) -> Self {
        body.0
    }
}

/// The body of Learn's v3 course POST, read into a
/// [`NewCourse`](crate::NewCourse): the keys of a PATCH, with `courseId`
/// and `name` required.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearnNewCourse(pub crate::NewCourse);

impl From<LearnNewCourse> for crate::NewCourse {
    fn from(body: LearnNewCourse) -> Self {
        body.0
    }
}

/// The body of Learn's v3 course PATCH, read into a
/// [`CourseChange`](crate::CourseChange).
///
/// ```
/// use coursecopy::{CourseChange, LearnCourseChange};
/// let change: CourseChange = serde_json::from_str::<LearnCourseChange>(r#"{"name": "Biology II"}"#)?.into();
/// assert_eq!(change, CourseChange::new().title("Biology II"));
/// assert!(serde_json::from_str::<LearnCourseChange>(r#"{"name": 7}"#).unwrap_err().to_string().contains("name"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearnCourseChange(pub crate::CourseChange);

impl From<LearnCourseChange> for crate::CourseChange {
    fn from(body: LearnCourseChange) -> Self {
        body.0
    }
}
