//! Linked copies (LNK-1..12, LNK-14): a Duplicate that remembers its upstream and
//! takes the upstream's later changes on demand, keeping its own
//! customisations.
//!
//! Every operation runs request → check → plan → apply: [`plan_sync`]
//! reads the store and works out what a sync of one learning object would
//! do, as a [`LinkPreview`]; a sync checks every LO it will touch first,
//! then applies their plans through the store's primitives, so it changes
//! everything or nothing (INT-3).
//!
//! | operation | cost |
//! | --- | --- |
//! | linked copy of a course or an LO | a Duplicate, plus one reference count a page |
//! | updates available for a course | O(LOs of the course) |
//! | preview or sync, pages edited upstream only | O(log pages + pages changed), not O(pages) |
//! | preview or sync, pages added, deleted or moved upstream | O(pages of the LO) |
//! | decline, revert a field | O(1), plus O(pages) to find a page's LO |
//! | unlink | O(pages of the LO) |
//! | list the downstreams of an LO | O(result) |
//!
//! | file | holds |
//! | --- | --- |
//! | `types.rs` | the public types: outcomes, pending changes, previews, reports |
//! | `plan.rs` | the plan of one LO's sync, read from the store: its LO fields, its pages, its layout |
//! | `apply.rs` | a checked plan applied through the store's primitives |
//! | `ops.rs` | the operations the workspace calls: checks, then plan, then apply |

mod apply;
mod ops;
mod plan;
mod types;

pub(crate) use ops::*;
pub use types::{
    Customisations, DeletedUpstream, DownstreamSync, LinkPreview, LinkedRecord, Outcome, PendingChange, SyncOptions,
    SyncReport,
};
