//! The copy engine: Share and Duplicate.
//!
//! A copy runs in two stages. The plan stage checks everything (rights,
//! ids, options) and builds the new course record without touching the
//! workspace. The apply stage then writes the plan and cannot fail. So a refused
//! copy creates nothing (OPT-3, INT-3).
//!
//! | | Share | Duplicate |
//! | --- | --- | --- |
//! | course record, settings, styles | new, equal content | new, equal content |
//! | LO list | the *same* LO handles (SHR-1) | a new LO per source LO (DUP-1) |
//! | pages | not touched | new pages, equal title, body and items, no style (DUP-3) |
//! | library items | referenced, never cloned (GLB-1) | referenced, never cloned (DUP-4) |
//! | cost | O(LOs): no page is read | O(LOs + pages): copies handles, never text |

mod apply;
mod options;
mod plan;

pub use options::{CopyMode, CopyOptions};

use crate::{CourseKey, Error, UserKey, Workspace};

impl Workspace {
    /// Copies a course in the given mode. Needs a user who may create courses
    /// and read `source` (ACC-2). Returns the new course.
    ///
    /// Fails, creating nothing, with [`Error::Conflict`] when the requested
    /// `course_id` or `external_id` is taken (OPT-3), or [`Error::Invalid`]
    /// when an option breaks its limits.
    ///
    /// ```
    /// use coursecopy::{CopyMode, CopyOptions, NewCourse, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let copy = ws.copy_course(admin, course, CopyMode::Share, &CopyOptions::new().title("Biology, spring"))?;
    /// assert_eq!(ws.course(copy)?.course_id(), "BIO-101-copy");
    /// assert_eq!(ws.course(copy)?.title(), "Biology, spring");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn copy_course(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        mode: CopyMode,
        options: &CopyOptions,
    ) -> Result<CourseKey, Error> {
        let plan = self.plan_copy(actor, source, mode, options)?;
        Ok(self.apply_copy(plan))
    }

    /// Shares a course: the copy includes the *same* learning objects, so
    /// page edits, page deletions and page additions show in both courses
    /// (SHR-1..7). Same as [`copy_course`](Self::copy_course) with
    /// [`CopyMode::Share`].
    pub fn share_course(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        options: &CopyOptions,
    ) -> Result<CourseKey, Error> {
        self.copy_course(actor, source, CopyMode::Share, options)
    }

    /// Duplicates a course: the copy gets new, independent learning objects
    /// and pages; duplicated pages lose their style (DUP-1..6). Same as
    /// [`copy_course`](Self::copy_course) with [`CopyMode::Duplicate`].
    pub fn duplicate_course(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        options: &CopyOptions,
    ) -> Result<CourseKey, Error> {
        self.copy_course(actor, source, CopyMode::Duplicate, options)
    }
}
