//! Copy courses the way authoring tools and LMSs do, correctly and cheaply.
//!
//! A [`Workspace`] holds courses, the learning objects (LOs) they include,
//! the pages of those LOs, the global library (media assets, resources,
//! glossary terms) and the users who act on all of it. A course can be
//! copied in three modes:
//!
//! - **Share**: the copy includes the *same* LOs. A page edited, added or
//!   deleted through one course shows in the other; an LO removed from one
//!   course stays in the other.
//! - **Duplicate**: the copy gets new LOs and new pages, independent from
//!   then on. Duplicated pages lose their applied course style.
//! - **Linked**: a Duplicate that remembers its upstream. Upstream changes
//!   show as "updates available"; a preview lists them field by field; a
//!   sync takes them and keeps what was customised downstream; an update
//!   can be declined; the upstream course can lock fields.
//!
//! In every mode the library items pages reference stay global: shared,
//! never cloned.
//!
//! # A first example
//!
//! ```
//! use coursecopy::{CopyOptions, NewCourse, PageDraft, PageEdit, Role, Workspace};
//!
//! let (mut ws, admin) = Workspace::with_admin("Ada")?;
//! let author = ws.create_user(admin, "Grace", Role::Author)?;
//! let course = ws.create_course(author, NewCourse::new("CHEM-1", "Chemistry"))?;
//! let lo = ws.create_learning_object(author, course, "Atoms", "")?;
//! let page = ws.add_page(author, course, lo, PageDraft::new("Protons", "Positive."))?.page;
//!
//! let shared = ws.share_course(author, course, &CopyOptions::new())?;
//! let duplicate = ws.duplicate_course(author, course, &CopyOptions::new())?;
//!
//! // An edit through the shared copy reaches both courses that include the LO...
//! let reach = ws.edit_page(author, shared, page, PageEdit::new().body("Positive charge."))?;
//! assert!(reach.contains(course) && reach.contains(shared) && reach.len() == 2);
//!
//! // ...and not the duplicate, whose page is its own.
//! let dup_lo = ws.course(duplicate)?.learning_objects().next().unwrap();
//! let dup_page = ws.learning_object(dup_lo)?.pages().next().unwrap();
//! assert_eq!(ws.page(dup_page)?.body(), "Positive.");
//! assert_eq!(ws.page(dup_page)?.origin(), Some(page));
//! # Ok::<(), coursecopy::Error>(())
//! ```
//!
//! # When is data copied?
//!
//! | data | Share | Duplicate |
//! | --- | --- | --- |
//! | course record: ids, title, description, layout, details, authors | new record (SHR-6) | new record |
//! | course styles | new styles, equal content | new styles, equal content |
//! | the course's LO list | new list, same LO handles (SHR-1) | new list, new LOs (DUP-1) |
//! | learning objects | **not copied**: the same LOs | new LOs, pointing back to their origin (DUP-5) |
//! | pages | **not copied**: the same pages | new pages; title, body and items equal, style dropped (DUP-3) |
//! | page text | not copied | **not copied either**: a duplicated page shares its text with the source until one is edited, then they differ |
//! | media assets, resources, glossary terms | never copied (GLB-1) | never copied (DUP-4) |
//!
//! "Not copied" is observable: [`Page::shares_body_with`] tells whether two
//! pages hold the very same text in memory. A linked copy is copied as a
//! Duplicate is; what it adds is a link in each new LO and page record.
//!
//! # Linked copies
//!
//! ```
//! use coursecopy::{CopyOptions, Customisations, NewCourse, Outcome, PageDraft, PageEdit, Workspace};
//!
//! let (mut ws, admin) = Workspace::with_admin("Ada")?;
//! let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
//! let lo = ws.create_learning_object(admin, master, "Cells", "")?;
//! let intro = ws.add_page(admin, master, lo, PageDraft::new("Intro", "Cells."))?.page;
//! let membranes = ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?.page;
//! let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
//! let copy = ws.course(section)?.learning_objects().next().unwrap();
//! let own_intro = ws.learning_object(copy)?.pages().next().unwrap();
//!
//! // The section customises its intro; the master fixes both pages.
//! ws.edit_page(admin, section, own_intro, PageEdit::new().body("Our cells."))?;
//! ws.edit_page(admin, master, intro, PageEdit::new().body("Cells, the unit of life."))?;
//! ws.edit_page(admin, master, membranes, PageEdit::new().body("Lipid bilayers."))?;
//!
//! assert_eq!(ws.updates_available(section)?, [copy]);
//! let preview = ws.preview_sync(copy)?;
//! assert_eq!(preview.conflicts().count(), 1, "{preview}");
//! let report = ws.sync_learning_object(admin, section, copy, Customisations::Keep)?;
//! assert_eq!((report.applied.len(), report.kept.len()), (1, 1));
//! assert_eq!(ws.page(own_intro)?.body(), "Our cells.", "the customisation is kept");
//! assert!(report.kept.iter().all(|c| c.outcome() == Outcome::Conflict));
//! # Ok::<(), coursecopy::Error>(())
//! ```
//!
//! # Cost of each operation
//!
//! *n* is the number of courses, *l* the LOs of the course copied or
//! changed, *p* its pages, *P* every page of the workspace, *i* the library
//! items of one page, *t* the course's tool items.
//!
//! | operation | time | notes |
//! | --- | --- | --- |
//! | any lookup by handle | O(1) | generational: a stale handle is not found |
//! | [`Workspace::find_course`] | O(1) | hashed |
//! | [`Workspace::share_course`] | O(*l*), O(*l* log *n*) at worst | no page is read or written; the LO list itself is shared in O(1); an LO in one or two courses is updated in its own record |
//! | [`Workspace::duplicate_course`] | O(*l* + *p*) | one counter and a 72-byte record a page, each new LO's page list built in one go; never text |
//! | page edit | O(log *n* + *i*) | returns the [`Reach`] in O(1) |
//! | page add, delete, move | O(pages of the LO) | a `memmove` of 8 bytes a page; the first change after a copy snapshot copies that one list |
//! | add, remove, move an LO in a course | O(log *l* + log *n*) | |
//! | [`Workspace::pages_using`], [`Workspace::delete_library_item`] | O(result) | from an index rebuilt in O(*P*) after page items change |
//! | [`Workspace::impact`] | O(1) for pages and LOs | O(result) for library items |
//! | [`Workspace::detach_learning_object`] | O(pages of the LO) | |
//! | [`Workspace::compare_courses`] | O(*l*₁ × *l*₂ × ancestry) | |
//! | [`Workspace::delete_course`] | O(*l* + LOs), plus O(*P*) if it had styles | |
//! | [`Workspace::check_integrity`] | O(size) | |
//! | [`Workspace::link_course`] | as Duplicate | plus one link record an LO; a page's link holds no new allocation |
//! | [`Workspace::updates_available`] | O(*l*) | a version comparison a linked LO |
//! | [`Workspace::preview_sync`], [`Workspace::sync_learning_object`] | O(log pages + pages changed upstream) | O(pages of the LO) when pages were added, deleted or moved upstream, or content is locked |
//! | [`Workspace::decline_update`], [`Workspace::revert_field`] | O(1), O(pages of the LO) to place a page | |
//! | [`Workspace::downstreams`] | O(log links + result) | |
//! | [`Workspace::request_copy`] | O(*l* + tools) | snapshot: course record, and what Duplicate reads of each LO; no page is read, nothing allocated per LO |
//! | [`Workspace::run_tasks`] | O(budget) | one unit: a page, a tool item, an LO, the settings, the memberships; an LO's pages run as one batch |
//! | page change while tasks are pending | O(log *l*) a pending task | saves the old page once per task that still reads it; a task's first such check sorts its LOs |
//! | a copy with a [`DateShift`] | plus O(*t*) at the request | every new date worked out when the copy is planned, about 100 ns a dated item; the report is built once, when the copy ends |
//! | [`Workspace::shift_course_dates`], [`Workspace::preview_date_shift`] | O(*t*) | one write for the whole course |
//!
//! # Rights
//!
//! Every operation that changes the workspace takes the acting user first
//! and checks that user's rights. Reads are not checked: the host decides
//! what it shows, and can ask [`Workspace::can_read`].
//!
//! | role | read a course | edit a course | create courses, edit library | manage users |
//! | --- | --- | --- | --- | --- |
//! | Administrator | every course | every course | yes | yes |
//! | Author | created by or assigned to them | created by or assigned to them | yes | no |
//! | Reviewer | assigned to them | none | no | no |
//!
//! A locked course ([`Workspace::lock_course`]) is edited by nobody, and a
//! course a copy task fills can be read, not edited, until the task ends.
//!
//! # Rules
//!
//! The specification names each rule with an ID; the test that proves a
//! rule carries its ID in its name or doc comment (`grep -rn SHR-2 tests/`).
//!
//! | IDs | what they cover | tests |
//! | --- | --- | --- |
//! | SHR-1..7 | Share: same LOs, edits and page changes seen by every course | `tests/share_mode.rs`, `tests/model.rs` |
//! | DUP-1..6 | Duplicate: new LOs and pages, text shared until edited, no style, provenance | `tests/duplicate.rs` |
//! | GLB-1..3 | the global library: never copied, changes seen everywhere, no delete while used | `tests/library.rs` |
//! | OPT-1..4 | copy options: ids, authors, exact copy by default | `tests/copy_options.rs` |
//! | ACC-1..4 | roles, checks on every change, reach, locks | `tests/access.rs`, `tests/locks.rs` |
//! | INT-1..5 | invariants, stale and foreign handles, failed operations change nothing, save and load, no panics | `tests/integrity.rs`, `tests/persistence.rs`, `tests/golden.rs`, `tests/hardening.rs` |
//! | INT-6 | saving keeps sharing; its own versioned schema, migrations | `tests/saving_keeps_sharing.rs`, `tests/golden.rs`, `tests/persistence.rs` |
//! | LMS-1..12 | the LMS copy flow: requests, tasks, budgets, point in time, selection, JSON | `tests/lms.rs`, `tests/lms_props.rs`, `tests/lms_json.rs` |
//! | SRV-11 | Learn's wire in the library: `uuid:` ids, `UseTerm`, limits, PATCH `courseId`, the Learn task form | `tests/learn_wire.rs` |
//! | SRV-1..10 | the Learn-compatible server (`coursecopy-server`) | `server/tests/` |
//! | REU-1..6 | re-use: where used, impact, re-use, detach, compare, picture | `tests/reuse.rs` |
//! | LNK-1..12 | linked copies: links, versions, preview, customisation, sync, decline, push, locks, unlink, markers, chains, saving | `tests/linked.rs`, `tests/linked_model.rs`, `tests/golden.rs` |
//! | LNK-13 | item locks: one page's content or one LO's title and description, for its linked copies | `tests/linked.rs`, `tests/linked_model.rs`, `tests/golden.rs` |
//! | LNK-14 | a sync's policy for copies whose upstream was deleted (`SyncOptions`); copies deleted downstream re-created once locked | `tests/linked.rs`, `tests/linked_model.rs`, `tests/golden.rs` |
//! | CNV-2 (the library's part) | numeric ids of courses, learning objects and pages | `tests/ids.rs`, `tests/golden.rs`, `tests/persistence.rs` |
//! | DAT-1..7 | dates: time zones, dated tool items, shifting by days or range with weekday rules, removing dates, at copy time and in place, JSON | `src/data/shift.rs` (the rule), `tests/dates.rs`, `tests/model.rs`, `tests/golden.rs`, `server/tests/copy_flow.rs` |
//!
//! # Errors
//!
//! Every operation returns [`Result<_, Error>`](Error). A failed operation
//! changes nothing. No public function panics.
//!
//! # Design
//!
//! The crate's architecture, its invariants and what it leaves out on
//! purpose are in [`architecture`].

#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(clippy::missing_errors_doc)]

// Layers, lowest first; a module may use only the layers at or below its
// own (`tests/layers.rs` holds the code to that):
// 0 error, handles, arena · 1 data · 2 store · 3 access · 4 edit
// · 5 copy · 6 tasks · 7 reuse, linked · 8 workspace, json, learn, saved.
mod access;
mod arena;
mod copy;
mod data;
mod edit;
mod error;
mod handles;
#[cfg(feature = "serde")]
mod json;
#[cfg(feature = "serde")]
mod learn;
mod linked;
mod reuse;
#[cfg(feature = "serde")]
mod saved;
mod store;
mod tasks;
mod workspace;

/// The configuration of the crate's own property tests: `COURSECOPY_CASES`
/// cases a property (default 256), as every suite under `tests/`.
#[cfg(test)]
pub(crate) fn property_config() -> proptest::test_runner::Config {
    let cases = std::env::var("COURSECOPY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    proptest::test_runner::Config::with_cases(cases)
}

pub use copy::{ContentPick, CopyOptions, CopyRequest, CopyTarget, CourseRef};
pub use data::limits;
pub use data::{
    Availability, Category, CopyIssue, CopyMode, CopyReport, CopySelection, Counts, Course, CourseSettings,
    CourseStyle, CourseTools, DEFAULT_TASK_LIMIT, DateField, DateShift, DateShiftReport, DateWarning, DatedItem,
    Discussions, Duration, Enrollment, FieldLocks, LearningObject, LibraryEntry, LinkKind, LinkedField, LoLinkInfo,
    Page, PageLinkInfo, Post, Reach, Role, SettingsSelection, ShiftedItem, TaskState, TaskStatus, Timestamp, ToolDates,
    ToolId, ToolItem, ToolLink, User, Version, Zone,
};
pub use edit::{CourseChange, LoEdit, NewCourse, NewPage, PageDraft, PageEdit, ToolDraft};
pub use error::{Action, Error, Field};
pub use handles::{
    CourseKey, Entity, LibraryItem, LoKey, MediaKey, PageKey, ResourceKey, StyleKey, TaskKey, TermKey, UserKey,
};
/// The date and time crate this one is built on, re-exported so that its
/// types in this API (`civil::Date`, `civil::Weekday`, `civil::DateTime`,
/// `Timestamp`) need no dependency of your own.
pub use jiff;
#[cfg(feature = "serde")]
pub use learn::{
    LearnAvailability, LearnCopyRequest, LearnCourse, LearnCourseChange, LearnCourseTask, LearnDuration,
    LearnEnrollment, LearnLocale, LearnNewCourse, LearnSourceCourse, LearnTaskStatus,
};
pub use linked::{
    Customisations, DeletedUpstream, DownstreamSync, LinkPreview, LinkedRecord, Outcome, PendingChange, SyncOptions,
    SyncReport,
};
pub use reuse::{Change, Comparison, GraphOptions};
#[cfg(feature = "serde")]
pub use saved::SAVE_FORMAT;
pub use workspace::{WithTitles, Workspace};

pub mod architecture {
    #![doc = include_str!("../ARCHITECTURE.md")]

    /// The saved form, field by field, in the format `SAVE_FORMAT` names.
    pub mod saved_format {
        #![doc = include_str!("../docs/saved-format.md")]
    }
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
