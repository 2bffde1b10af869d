//! The body of the saved form, type by type: everything but its parts
//! (unchanged since format 2). `docs/saved-format.md` documents every
//! field; these types are that document in Rust. They are plain data,
//! written and read by serde's derives; `write` and `read` convert them
//! from and to the store.
//!
//! Nothing here may change once released: a change to saved data is a new
//! format, with its own module, a migration from this one, and a new golden
//! file (see ARCHITECTURE.md).

use crate::data::{Availability, Category, CopyMode, CopySelection, Duration, Enrollment, Role, Timestamp};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A handle: `[slot, version]`, the version without the workspace salt.
/// Live entities have odd versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct Key(pub(crate) u32, pub(crate) u32);

/// Index into one of the shared tables (`texts`, `item_lists`, `contents`).
pub(crate) type Index = u32;

/// Everything but `format`. Format 2 names its parts so that none shares
/// a name with a part of format 1 of another type: a file's parts can then
/// be read in any order, whatever its format.
#[derive(Debug)]
pub(crate) struct Workspace {
    pub(crate) salt: u32,
    pub(crate) next_course_pk: u64,
    /// Since format 8: the last numeric ids given to an LO and a page;
    /// `None` in an older file, whose records are numbered on load.
    pub(crate) next_ids: Option<NextIds>,
    pub(crate) shared: Shared,
    pub(crate) entities: Entities,
    pub(crate) copy_tasks: CopyTasks,
}

/// The counters of numeric ids of format 8 (CNV-2).
#[derive(Clone, Copy, Debug)]
pub(crate) struct NextIds {
    pub(crate) learning_object: u64,
    pub(crate) page: u64,
}

/// The page content that pages share, each allocation once (INT-6).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Shared {
    pub(crate) texts: Vec<Arc<str>>,
    pub(crate) item_lists: Vec<Vec<Item>>,
    pub(crate) contents: Vec<Content>,
}

/// Every entity but the copy tasks.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Entities {
    pub(crate) users: Arena<User>,
    pub(crate) courses: Arena<Course>,
    pub(crate) learning_objects: Arena<LearningObject>,
    pub(crate) pages: Arena<Page>,
    pub(crate) styles: Arena<Style>,
    pub(crate) media: Arena<Entry>,
    pub(crate) resources: Arena<Entry>,
    pub(crate) terms: Arena<Entry>,
}

/// The copy tasks and their queue.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CopyTasks {
    pub(crate) next_pk: u64,
    pub(crate) limit: usize,
    pub(crate) queue: Vec<Key>,
    pub(crate) running: Vec<Key>,
    pub(crate) tasks: Arena<Task>,
}

/// One kind of entity: the live ones under their handles, and the free
/// slots in the order they will be reused (last first).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Arena<T> {
    pub(crate) free: Vec<Key>,
    pub(crate) live: Vec<(Key, T)>,
}

/// What pages share: `[title, body, items]`, indexes into `texts`,
/// `texts` and `item_lists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Content(pub(crate) Index, pub(crate) Index, pub(crate) Index);

/// A library item a page uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Item {
    Media(Key),
    Resource(Key),
    Term(Key),
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct User {
    pub(crate) name: Arc<str>,
    pub(crate) role: Role,
}

/// A media asset, resource or glossary term.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub(crate) name: Arc<str>,
    pub(crate) content: Arc<str>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Style {
    pub(crate) course: Key,
    pub(crate) name: Arc<str>,
    pub(crate) css: Arc<str>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Course {
    pub(crate) pk: u64,
    pub(crate) uuid: String,
    pub(crate) created: Timestamp,
    pub(crate) modified: Timestamp,
    pub(crate) course_id: Arc<str>,
    pub(crate) external_id: Arc<str>,
    pub(crate) title: Arc<str>,
    pub(crate) description: Arc<str>,
    pub(crate) player_layout: Arc<str>,
    pub(crate) details: Vec<(Arc<str>, Arc<str>)>,
    pub(crate) created_by: Key,
    pub(crate) assigned: Vec<Key>,
    pub(crate) styles: Vec<Key>,
    pub(crate) learning_objects: Vec<Key>,
    pub(crate) copied_from: Option<Key>,
    pub(crate) settings: Settings,
    pub(crate) tools: Tools,
    pub(crate) locked_by: Option<Key>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Settings {
    pub(crate) availability: Availability,
    pub(crate) duration: Duration,
    pub(crate) enrollment: Enrollment,
    pub(crate) locale: Option<Arc<str>>,
    pub(crate) guest_access: bool,
    pub(crate) observer_access: bool,
    pub(crate) banner_image: Option<Key>,
    pub(crate) navigation: Option<Arc<str>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Tools {
    pub(crate) next_id: u32,
    pub(crate) items: Vec<Tool>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Tool {
    pub(crate) id: u32,
    pub(crate) category: Category,
    pub(crate) title: Arc<str>,
    pub(crate) body: Arc<str>,
    pub(crate) link: Option<Link>,
    pub(crate) posts: Vec<Post>,
    pub(crate) groups: Vec<(Arc<str>, Vec<Key>)>,
    pub(crate) grades: Vec<(Key, Arc<str>)>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Link {
    Tool(u32),
    Content(Key),
    Term(Key),
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Post {
    pub(crate) author: Key,
    pub(crate) body: Arc<str>,
    pub(crate) reply: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct LearningObject {
    /// Since format 8: its numeric id; absent (0) before.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) pk: u64,
    pub(crate) title: Arc<str>,
    pub(crate) description: Arc<str>,
    pub(crate) parent: Option<Key>,
    pub(crate) pages: Vec<Key>,
    pub(crate) origin: Option<Key>,
    pub(crate) ancestors: Vec<Key>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Page {
    /// Since format 8: its numeric id; absent (0) before.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) pk: u64,
    pub(crate) content: Index,
    pub(crate) style: Option<Key>,
    pub(crate) lo: Key,
    pub(crate) origin: Option<Key>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Task {
    pub(crate) pk: u64,
    pub(crate) requested_by: Key,
    pub(crate) state: State,
    pub(crate) started: Option<Timestamp>,
    pub(crate) target: Key,
    pub(crate) percent: u8,
    pub(crate) job: Option<Job>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum State {
    Queued,
    Running,
    Complete { course: Key },
    CompleteWithErrors { course: Key, issues: Vec<Issue> },
    Incomplete { reason: String },
    Cancelled,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Issue {
    DroppedLink { category: Category, source_item: u32, item: u32, link: Link },
    DroppedLibraryItem { source_page: Key, page: Key, item: Item },
    DroppedBannerImage { media: Key },
    MissingContent { learning_object: Key },
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Job {
    pub(crate) requester: Key,
    pub(crate) mode: CopyMode,
    pub(crate) selection: CopySelection,
    pub(crate) keep_authors: bool,
    pub(crate) target: Key,
    pub(crate) target_before: Option<Course>,
    pub(crate) snapshot: Snapshot,
    pub(crate) step: Step,
    pub(crate) done: u64,
    pub(crate) total: u64,
    pub(crate) tool_map: Vec<(u32, u32)>,
    pub(crate) current_lo: Option<Key>,
    pub(crate) issues: Vec<Issue>,
    pub(crate) overlay: Vec<(Key, Page)>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Snapshot {
    pub(crate) course: Course,
    pub(crate) styles: Vec<Style>,
    pub(crate) learning_objects: Vec<(Key, LoSnapshot)>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct LoSnapshot {
    pub(crate) title: Arc<str>,
    pub(crate) description: Arc<str>,
    pub(crate) pages: Vec<Key>,
    pub(crate) ancestors: Vec<Key>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Step {
    Settings,
    Memberships,
    Lo(usize),
    Page(usize, usize),
    Tool(usize),
    Done,
}

/// A job's cursor, saved and read back as it is.
impl From<crate::data::Step> for Step {
    fn from(step: crate::data::Step) -> Step {
        use crate::data::Step as S;
        match step {
            S::Settings => Step::Settings,
            S::Memberships => Step::Memberships,
            S::Lo(i) => Step::Lo(i),
            S::Page(i, p) => Step::Page(i, p),
            S::Tool(i) => Step::Tool(i),
            S::Done => Step::Done,
        }
    }
}

impl From<Step> for crate::data::Step {
    fn from(step: Step) -> crate::data::Step {
        use crate::data::Step as S;
        match step {
            Step::Settings => S::Settings,
            Step::Memberships => S::Memberships,
            Step::Lo(i) => S::Lo(i),
            Step::Page(i, p) => S::Page(i, p),
            Step::Tool(i) => S::Tool(i),
            Step::Done => S::Done,
        }
    }
}

/// Whether a numeric id is absent, as in a file before format 8.
fn is_zero(n: &u64) -> bool {
    *n == 0
}
