//! [`CopyOptions`]: the fields a copy sets on its new course (OPT-1..4),
//! and its date shift; everything left out is taken from the source.

use crate::data::DateShift;
use crate::edit::CourseFields;
use crate::edit::course_field_setters;

/// Options of a copy (OPT-1..3). Whatever is not set is taken from the
/// source, so `CopyOptions::new()` asks for an exact copy (OPT-4).
///
/// ```
/// use coursecopy::CopyOptions;
/// let options = CopyOptions::new()
///     .course_id("BIO-101-2027")
///     .title("Biology 101 (2027)")
///     .player_layout("compact")
///     .keep_authors(false);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "options do nothing until they are passed to a copy"]
pub struct CopyOptions {
    pub(crate) course_id: Option<String>,
    pub(crate) fields: CourseFields,
    pub(crate) keep_authors: bool,
    pub(crate) date_shift: DateShift,
}

impl Default for CopyOptions {
    fn default() -> Self {
        CopyOptions {
            course_id: None,
            fields: CourseFields::default(),
            keep_authors: true,
            date_shift: DateShift::new(),
        }
    }
}

impl CopyOptions {
    /// An exact copy: every field from the source, a derived `course_id`,
    /// author assignments kept.
    pub fn new() -> Self {
        CopyOptions::default()
    }

    /// Names the new course's `course_id`. Unset, the copy gets
    /// `<source id>-copy`, or `<source id>-copy-2`, `-3`, ..., the first that
    /// is free (OPT-3). The `external_id`, unless set, is the `course_id`.
    pub fn course_id(mut self, course_id: impl Into<String>) -> Self {
        self.course_id = Some(course_id.into());
        self
    }

    /// Keep the source's author assignments (`true`, the default), or assign
    /// only the user who makes the copy (`false`) (OPT-2).
    pub fn keep_authors(mut self, keep: bool) -> Self {
        self.keep_authors = keep;
        self
    }

    /// Moves the copy's dates to a new term (DAT-1..5): its tool items'
    /// dates, its duration and its enrollment window, in the source's time
    /// zone. [`Workspace::copy_course_with_report`](crate::Workspace::copy_course_with_report)
    /// says what moved.
    pub fn date_shift(mut self, shift: DateShift) -> Self {
        self.date_shift = shift;
        self
    }
}

course_field_setters!(CopyOptions);
