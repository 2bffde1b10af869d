//! The copy engine: Share, Duplicate and Linked, direct or through an LMS
//! request.
//!
//! A copy runs in stages. The plan stage checks everything (rights, ids,
//! options) and takes a point-in-time snapshot of the source, without
//! touching the workspace. The job then applies the plan in units of work
//! and cannot fail. A direct copy ([`Workspace::copy_course`](crate::Workspace::copy_course)) runs the job
//! to the end at once; an LMS request ([`Workspace::request_copy`](crate::Workspace::request_copy)) hands it
//! to the task queue, which runs it in bounded steps. One engine, two ways
//! to drive it.
//!
//! | | Share | Duplicate | Linked |
//! | --- | --- | --- | --- |
//! | course record, settings, styles | new, equal content | new, equal content | new, equal content |
//! | LO list | the *same* LO handles (SHR-1) | a new LO per source LO (DUP-1) | as Duplicate, each LO linked to its source (LNK-1) |
//! | pages | not touched | new pages, equal title, body and items, no style (DUP-3) | as Duplicate, each page linked |
//! | library items | referenced, never cloned (GLB-1) | referenced, never cloned (DUP-4) | referenced, never cloned |
//! | tools | new items, links to the same LOs | new items, links to the new LOs | as Duplicate |
//! | cost | O(LOs + tools): no page is read | O(LOs + pages + tools): copies handles, never text | as Duplicate |
//!
//! Grades, group members and forum replies are user data: no copy carries
//! them.

pub(crate) mod duplicate;
mod job;
mod options;
pub(crate) mod plan;
mod request;

pub use options::CopyOptions;
pub(crate) use request::resolve_course;
pub use request::{ContentPick, CopyRequest, CopyTarget, CourseRef};

use crate::data::{CopyJob, CopyMode, CopyReport, Timestamp};
use crate::error::Error;
use crate::handles::{CourseKey, UserKey};

use crate::store::Store;

/// Copies a course in the given mode, at once: plan (every check), then
/// the job run to its end. Returns the new course and what the copy
/// reports.
pub(crate) fn copy_course(
    store: &mut Store,
    actor: UserKey,
    source: CourseKey,
    mode: CopyMode,
    options: &CopyOptions,
    now: Timestamp,
) -> Result<CopyReport, Error> {
    let plan = plan::plan_copy(store, actor, source, mode, options, now)?;
    let mut job = CopyJob::start(store, plan)?;
    job.run(store, u64::MAX);
    let date_shift = job.date_report(store);
    Ok(CopyReport { course: job.target, issues: job.issues, date_shift })
}
