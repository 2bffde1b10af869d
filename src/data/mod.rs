//! The data: what a workspace holds. Plain records with read-only accessors.
//!
//! Records hold their text as `Arc<str>` and their lists as persistent
//! (structurally shared) collections, so that cloning a record, as Duplicate
//! does for every page, copies handles and counters, never text.
//!
//! Nothing here changes the workspace: changes live in [`crate::edit`] and
//! [`crate::copy`].

mod content;
mod copy;
mod counts;
mod course;
mod course_set;
mod dates;
mod library;
pub mod limits;
mod link;
mod page_list;
mod reach;
mod settings;
mod shift;
mod task;
mod time;
mod tools;
mod user;
mod zone;

pub(crate) use content::{Ancestry, PageContent};
pub use content::{LearningObject, Page};
pub use copy::{CopyIssue, CopyMode, CopyReport, CopySelection, Discussions, SettingsSelection};
pub(crate) use copy::{CopyJob, LoParts, LoSnapshot, PageSource, ReadIndex, Snapshot, Step};
pub use counts::Counts;
pub use course::{Course, CourseStyle};
pub(crate) use course::{course_pk_of_uuid, course_uuid};
pub(crate) use course_set::CourseSet;
#[cfg(feature = "serde")]
pub(crate) use dates::NewDates;
pub use dates::{DateField, DateShiftReport, DateWarning, DatedItem, ShiftedItem, ToolDates};
pub(crate) use dates::{DatePlan, OwnDates};
pub use library::LibraryEntry;
#[cfg(feature = "serde")]
pub(crate) use link::Customised;
pub use link::{FieldLocks, LinkedField, LoLinkInfo, PageLinkInfo, Version};
pub(crate) use link::{LoLink, PageLink, PageLinks, UpstreamState, field_differs};
pub(crate) use page_list::PageList;
pub use reach::Reach;
pub use settings::{Availability, CourseSettings, Duration, Enrollment};
pub use shift::DateShift;
pub(crate) use shift::Moved;
#[cfg(feature = "serde")]
pub(crate) use shift::{RangeDay, calendar_date};
pub use task::{DEFAULT_TASK_LIMIT, TaskState, TaskStatus};
pub(crate) use task::{Ending, Phase, Task};
pub use time::Timestamp;
pub(crate) use tools::MAX_TOOL_ID;
pub use tools::{Category, CourseTools, LinkKind, Post, ToolId, ToolItem, ToolLink};
pub use user::{Role, User};
pub use zone::Zone;

pub(crate) use limits::Text;
