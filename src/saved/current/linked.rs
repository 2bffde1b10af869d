//! The `linked` part of the saved form (since format 3), with what linked
//! copies add
//! (LNK-12): versions, links, customisations, declined versions, field
//! locks, and the upstream versions pending copy tasks read; since format
//! 7, item locks and the copies courses took out. Each list holds only the
//! records that carry something: a workspace without linked copies or
//! edits writes four empty lists.
//!
//! Nothing here may change once released: a change to saved data is a new
//! format (see ARCHITECTURE.md).

use super::body::{Index, Key};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The `linked` part.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Linked {
    /// Learning objects with a version past 0 or a link.
    pub(crate) learning_objects: Vec<(Key, LoVersions)>,
    /// Pages with a version past 0 or a link.
    pub(crate) pages: Vec<(Key, PageVersions)>,
    /// Courses with a field locked.
    pub(crate) field_locks: Vec<(Key, FieldLocks)>,
    /// Pending copy tasks: the version of each learning object of the
    /// snapshot, in its order, and of each page saved in the overlay.
    pub(crate) tasks: Vec<(Key, TaskVersions)>,
    /// Since format 7: item locks (LNK-13), each an upstream learning
    /// object and, for a page's content, one of its pages (`null` for the
    /// LO's own title and description). Not written when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) item_locks: Vec<(Key, Option<Key>)>,
    /// Since format 7: the linked copies courses took out while their
    /// upstream lived (LNK-14), each the upstream learning object, the
    /// course, and the upstream course of the copy's link (`null` if
    /// none). Not written when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) removed_copies: Vec<(Key, Key, Option<Key>)>,
}

impl Linked {
    /// The name of a field of format 7 this part carries, if any.
    pub(crate) fn field_of_format7(&self) -> Option<&'static str> {
        if !self.item_locks.is_empty() {
            Some("item_locks")
        } else if !self.removed_copies.is_empty() {
            Some("removed_copies")
        } else {
            None
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct LoVersions {
    pub(crate) version: u64,
    pub(crate) layout_version: u64,
    pub(crate) link: Option<LoLink>,
}

/// A linked LO's link. `upstream` and `course` are `null` once deleted.
/// `base_pages` and `copies` are history: their handles may be stale, and
/// a `null` in `copies` is a base page with no copy here.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct LoLink {
    pub(crate) upstream: Option<Key>,
    pub(crate) course: Option<Key>,
    pub(crate) synced: u64,
    pub(crate) declined: u64,
    pub(crate) base_title: Arc<str>,
    pub(crate) base_description: Arc<str>,
    pub(crate) base_pages: Vec<Key>,
    pub(crate) copies: Vec<Option<Key>>,
    pub(crate) customised: LoCustomised,
    pub(crate) reordered: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct LoCustomised {
    pub(crate) title: bool,
    pub(crate) description: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PageVersions {
    pub(crate) version: u64,
    pub(crate) link: Option<PageLink>,
}

/// A linked page's link: `base` is an index into `shared.contents`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PageLink {
    pub(crate) upstream: Option<Key>,
    pub(crate) synced: u64,
    pub(crate) base: Index,
    pub(crate) customised: PageCustomised,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PageCustomised {
    pub(crate) title: bool,
    pub(crate) body: bool,
    pub(crate) items: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct FieldLocks {
    pub(crate) content: bool,
    pub(crate) title_description: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct TaskVersions {
    pub(crate) learning_objects: Vec<u64>,
    pub(crate) overlay: Vec<(Key, u64)>,
}
