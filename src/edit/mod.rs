//! Edits: every operation that changes users, courses, learning objects,
//! pages and the library. The copy operations live in [`crate::copy`].
//!
//! Each operation runs the same way: resolve the handles, [check the
//! rights](crate::Workspace::can_edit), validate the input into a plan, and
//! only then apply the plan, which cannot fail. So a failing operation has
//! changed nothing (INT-3).

mod content;
mod course_fields;
mod courses;
mod library;
mod tools;
mod users;

pub use content::{NewPage, PageDraft, PageEdit};
pub use course_fields::{CourseChange, NewCourse};
pub(crate) use course_fields::{CourseFields, course_field_setters};
pub use tools::ToolDraft;

use crate::CourseKey;
use std::sync::Arc;

/// The courses a change reaches: every course that includes the changed
/// learning object (ACC-3). When it holds more than one course, the change
/// was made to shared content.
///
/// Cloning a `Reach` is O(1), whatever the number of courses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    courses: Arc<[CourseKey]>,
}

impl Default for Reach {
    fn default() -> Self {
        Reach { courses: Arc::from(Vec::new()) }
    }
}

impl Reach {
    /// The reach of a set of courses.
    pub(crate) fn of(courses: impl IntoIterator<Item = CourseKey>) -> Self {
        let mut courses: Vec<CourseKey> = courses.into_iter().collect();
        courses.sort();
        courses.dedup();
        Reach { courses: Arc::from(courses) }
    }

    pub(crate) fn new(courses: Arc<[CourseKey]>) -> Self {
        Reach { courses }
    }

    /// How many courses the change reaches.
    pub fn len(&self) -> usize {
        self.courses.len()
    }

    /// Whether the change reaches no course (the learning object is in no
    /// course's list).
    pub fn is_empty(&self) -> bool {
        self.courses.is_empty()
    }

    /// Whether the change reaches `course`.
    pub fn contains(&self, course: CourseKey) -> bool {
        self.courses.binary_search(&course).is_ok()
    }

    /// The courses reached, in handle order.
    pub fn iter(&self) -> impl Iterator<Item = CourseKey> + '_ {
        self.courses.iter().copied()
    }
}

/// Checks that `at` is a valid position in a list of `len` items (`len`
/// itself too when `append_ok`, to insert at the end).
pub(crate) fn check_position(at: usize, len: usize, append_ok: bool) -> Result<(), crate::Error> {
    let last = if append_ok { len } else { len.saturating_sub(1) };
    if at > last || (!append_ok && len == 0) {
        return Err(crate::Error::invalid("position", format!("{at} is out of range for a list of {len}")));
    }
    Ok(())
}
