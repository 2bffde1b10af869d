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

pub use crate::data::Reach;

/// Checks that `at` is a valid position in a list of `len` items (`len`
/// itself too when `append_ok`, to insert at the end).
pub(crate) fn check_position(at: usize, len: usize, append_ok: bool) -> Result<(), crate::Error> {
    let last = if append_ok { len } else { len.saturating_sub(1) };
    if at > last || (!append_ok && len == 0) {
        return Err(crate::Error::invalid("position", format!("{at} is out of range for a list of {len}")));
    }
    Ok(())
}
