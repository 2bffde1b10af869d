//! The copy engine: Share and Duplicate, direct or through an LMS request.
//!
//! A copy runs in stages. The plan stage checks everything (rights, ids,
//! options) and takes a point-in-time snapshot of the source, without
//! touching the workspace. The job then applies the plan in units of work
//! and cannot fail. A direct copy ([`Workspace::copy_course`]) runs the job
//! to the end at once; an LMS request ([`Workspace::request_copy`]) hands it
//! to the task queue, which runs it in bounded steps. One engine, two ways
//! to drive it.
//!
//! | | Share | Duplicate |
//! | --- | --- | --- |
//! | course record, settings, styles | new, equal content | new, equal content |
//! | LO list | the *same* LO handles (SHR-1) | a new LO per source LO (DUP-1) |
//! | pages | not touched | new pages, equal title, body and items, no style (DUP-3) |
//! | library items | referenced, never cloned (GLB-1) | referenced, never cloned (DUP-4) |
//! | tools | new items, links to the same LOs | new items, links to the new LOs |
//! | cost | O(LOs + tools): no page is read | O(LOs + pages + tools): copies handles, never text |
//!
//! Grades, group members and forum replies are user data: no copy carries
//! them.

mod detach;
mod job;
mod options;
mod plan;
mod request;

pub(crate) use crate::data::CopyJob;
pub use crate::data::{CopyIssue, CopyMode, CopySelection, Discussions, SettingsSelection};
pub use options::CopyOptions;
pub use request::{CopyRequest, CopyTarget, CourseRef};

use crate::{CourseKey, Error, UserKey, Workspace};

impl Workspace {
    /// Copies a course in the given mode, at once. Needs a user who may
    /// create courses and read `source` (ACC-2). Returns the new course.
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
        let mut job = CopyJob::start(self, plan);
        job.run(self, u64::MAX);
        Ok(job.target)
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
