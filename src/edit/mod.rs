//! Edits: every operation that changes users, courses, learning objects,
//! pages and the library. The copy operations live in [`crate::copy`].
//!
//! Each operation runs the same way: resolve the handles, [check the
//! rights](crate::Workspace::can_edit), validate the input into a plan, and
//! only then apply the plan, which cannot fail. So a failing operation has
//! changed nothing (INT-3).

pub(crate) mod content;
mod course_fields;
pub(crate) mod courses;
pub(crate) mod dates;
pub(crate) mod library;
pub(crate) mod tools;
pub(crate) mod users;

pub use content::{LoEdit, NewPage, PageDraft, PageEdit};
pub use course_fields::{CourseChange, NewCourse};
pub(crate) use course_fields::{CourseFields, course_field_setters, free_course_id, free_external_id};
pub use tools::ToolDraft;

/// Checks that `at` is a valid position in a list of `len` items (`len`
/// itself too when `append_ok`, to insert at the end).
pub(crate) fn check_position(at: usize, len: usize, append_ok: bool) -> Result<(), crate::error::Error> {
    let last = if append_ok { len } else { len.saturating_sub(1) };
    if at > last || (!append_ok && len == 0) {
        return Err(crate::error::Error::invalid(
            crate::Field::Position,
            format!("{at} is out of range for a list of {len}"),
        ));
    }
    Ok(())
}
