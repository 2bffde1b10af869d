//! Copy tasks: the record the queue keeps, and what a task reports.

use super::{CopyIssue, CopyJob, Timestamp};
use crate::{CourseKey, UserKey};

/// The default number of tasks that run at a time.
pub const DEFAULT_TASK_LIMIT: usize = 4;

/// Where a task stands, internally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Queued,
    Running,
    Finished(Ending),
}

/// How a task ended: only the end states, so that a finished task cannot
/// hold a queued or running state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    Complete { course: CourseKey },
    CompleteWithErrors { course: CourseKey, issues: Vec<CopyIssue> },
    Incomplete { reason: String },
    Cancelled,
}

impl Ending {
    /// Whether the copy was kept (complete, with or without errors).
    pub(crate) fn completed(&self) -> bool {
        matches!(self, Ending::Complete { .. } | Ending::CompleteWithErrors { .. })
    }

    /// The public state.
    pub(crate) fn state(&self) -> TaskState {
        match self {
            Ending::Complete { course } => TaskState::Complete { course: *course },
            Ending::CompleteWithErrors { course, issues } => {
                TaskState::CompleteWithErrors { course: *course, issues: issues.clone() }
            }
            Ending::Incomplete { reason } => TaskState::Incomplete { reason: reason.clone() },
            Ending::Cancelled => TaskState::Cancelled,
        }
    }
}

/// A copy task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Task {
    pub(crate) pk: u64,
    pub(crate) requested_by: UserKey,
    pub(crate) phase: Phase,
    pub(crate) started: Option<Timestamp>,
    /// `None` once finished.
    pub(crate) job: Option<CopyJob>,
    pub(crate) target: CourseKey,
    pub(crate) percent: u8,
    /// What the copy did to the dates, once finished, if it shifted any.
    pub(crate) dates: Option<super::DateShiftReport>,
}

/// The state of a copy task (LMS-4).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum TaskState {
    /// Waiting to run; `position` 1 runs next.
    Queued {
        /// The place in the queue, from 1.
        position: usize,
    },
    /// Running; `percent` never decreases.
    Running {
        /// Percent complete, 0 to 99.
        percent: u8,
    },
    /// Done: the target course holds the copy.
    Complete {
        /// The target course.
        course: CourseKey,
    },
    /// Done, but some references could not be carried over and were
    /// dropped (LMS-9).
    CompleteWithErrors {
        /// The target course.
        course: CourseKey,
        /// Every dropped reference.
        issues: Vec<CopyIssue>,
    },
    /// Failed: the work was undone; a new target course was removed, an
    /// existing one is exactly as before.
    Incomplete {
        /// Why.
        reason: String,
    },
    /// Cancelled: the work was undone, as for `Incomplete`.
    Cancelled,
}

impl TaskState {
    /// The state's name as the LMS spells it: `Queued`, `Running`,
    /// `Complete`, `CompleteWithErrors`, `Incomplete`, `Cancelled`.
    pub fn name(&self) -> &'static str {
        match self {
            TaskState::Queued { .. } => "Queued",
            TaskState::Running { .. } => "Running",
            TaskState::Complete { .. } => "Complete",
            TaskState::CompleteWithErrors { .. } => "CompleteWithErrors",
            TaskState::Incomplete { .. } => "Incomplete",
            TaskState::Cancelled => "Cancelled",
        }
    }

    /// Whether the task has ended, one way or another.
    pub fn is_finished(&self) -> bool {
        !matches!(self, TaskState::Queued { .. } | TaskState::Running { .. })
    }
}

/// A task's status, as [`Workspace::task_status`](crate::Workspace::task_status)
/// returns it. With the `serde` feature it serialises like the LMS's task
/// object: `id`, `status`, `percentComplete`, `started` (LMS-11).
///
/// ```
/// use coursecopy::{CopyRequest, CopyTarget, NewCourse, TaskState, Workspace};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let bio = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
/// let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "BIO-101-B".into() });
/// let task = ws.request_copy(admin, bio, &request)?;
/// assert!(matches!(ws.task_status(task)?.state, TaskState::Queued { position: 1 }));
/// ws.run_all_tasks();
/// let status = ws.task_status(task)?;
/// assert_eq!(status.percent_complete, 100);
/// assert!(matches!(status.state, TaskState::Complete { course } if course == status.target));
/// assert!(status.id.starts_with('_') && status.date_shift.is_none());
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskStatus {
    /// The task's LMS id, `_<n>_1`.
    pub id: String,
    /// The state.
    pub state: TaskState,
    /// Percent complete: never decreases; 100 once complete.
    pub percent_complete: u8,
    /// When the task started running.
    pub started: Option<Timestamp>,
    /// The course the task copies into.
    pub target: CourseKey,
    /// What the copy did to the dates (DAT-5), once it is complete, if
    /// the request shifted them: every shifted item with its old and new
    /// dates, and warnings, which leave the task complete.
    pub date_shift: Option<super::DateShiftReport>,
}
