//! The `dates` part of the saved form (since format 4), with what dated
//! items add
//! (SPEC section 12): each course's time zone and its tool items' dates,
//! and for copy tasks the same of the courses they hold (the snapshot, an
//! existing target as it was), the new dates a pending copy will write,
//! and the shift report of a finished one. Each list holds only what
//! carries something: a workspace without dates or zones writes two empty
//! lists.
//!
//! Nothing here may change once released: a change to saved data is a new
//! format (see ARCHITECTURE.md).

use super::body::Key;
use crate::data::{Category, Timestamp};
use serde::{Deserialize, Serialize};

/// The `dates` part.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Dates {
    /// Courses with a zone other than `UTC` or a dated tool item.
    pub(crate) courses: Vec<(Key, CourseDates)>,
    /// Copy tasks with dates to keep.
    pub(crate) tasks: Vec<(Key, TaskDates)>,
}

impl Dates {
    /// Whether a report says an item's dates kept their distances (a field
    /// of format 5).
    pub(crate) fn keeps_distances(&self) -> bool {
        let report =
            |r: &Report| r.shifted.iter().any(|s| s.kept_distances) || r.warnings.iter().any(|w| w.kept_distances);
        self.tasks.iter().flat_map(|(_, t)| [&t.shift, &t.report]).flatten().any(report)
    }
}

/// A course's time zone and the dates of its dated tool items, by item id.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CourseDates {
    pub(crate) time_zone: String,
    pub(crate) tools: Vec<(u32, ItemDates)>,
}

/// One item's dates.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemDates {
    pub(crate) start: Option<Timestamp>,
    pub(crate) end: Option<Timestamp>,
    pub(crate) due: Option<Timestamp>,
}

/// A copy task's dates: for a pending one, those of its snapshot and of
/// its target as it was, and the shift it will apply; for a finished one,
/// its report.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TaskDates {
    pub(crate) snapshot: Option<CourseDates>,
    pub(crate) target_before: Option<CourseDates>,
    /// The new dates the pending copy writes (its plan: no warnings yet).
    pub(crate) shift: Option<Report>,
    /// What the finished copy did.
    pub(crate) report: Option<Report>,
}

/// A shift report.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Report {
    pub(crate) time_zone: String,
    pub(crate) shifted: Vec<Shifted>,
    pub(crate) warnings: Vec<Warning>,
}

/// A dated item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Item {
    Tool { category: Category, source_item: u32, item: u32 },
    Duration,
    EnrollmentWindow,
}

/// One shifted item.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Shifted {
    pub(crate) item: Item,
    pub(crate) title: String,
    pub(crate) old: ItemDates,
    pub(crate) new: ItemDates,
    /// Since format 5: the dates kept their distances (DAT-5).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) kept_distances: bool,
}

/// A warning: a date outside the course's duration (every field), or,
/// since format 5, an item whose dates kept their distances
/// (`kept_distances` and no other field).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Warning {
    pub(crate) item: Item,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) kept_distances: bool,
    /// `start`, `end` or `due`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) date: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) course_start: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) course_end: Option<Timestamp>,
}
