//! The public types of linked copies: what a sync would take (LNK-4), what
//! it did (LNK-6), and how it treats customisations (LNK-5).

use crate::data::{LinkedField, Reach, Version};
use crate::error::Error;
use crate::handles::{LoKey, PageKey};
use std::fmt;

/// Whether a sync would take an upstream change (LNK-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Outcome {
    /// Changed upstream and not customised here (or customised to the
    /// upstream's new value already): a sync takes it.
    WillApply,
    /// Changed upstream and customised here: a sync keeps the local value
    /// unless asked to overwrite customisations.
    Conflict,
    /// Customised here and locked upstream (LNK-9): a sync replaces the
    /// local value with the upstream's whatever the caller asks, so the
    /// local work is lost.
    OverwritesCustomisation,
}

impl Outcome {
    /// Whether a sync takes the change, given how it treats
    /// customisations.
    pub fn taken(self, customisations: Customisations) -> bool {
        match self {
            Outcome::WillApply | Outcome::OverwritesCustomisation => true,
            Outcome::Conflict => customisations == Customisations::Overwrite,
        }
    }
}

/// One pending upstream change of a linked learning object (LNK-4).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum PendingChange {
    /// A field of the learning object itself (title or description).
    LoField {
        /// The field.
        field: LinkedField,
        /// Whether a sync takes it.
        outcome: Outcome,
    },
    /// A field of a page.
    PageField {
        /// The downstream page.
        page: PageKey,
        /// The upstream page it is linked to.
        upstream_page: PageKey,
        /// The field.
        field: LinkedField,
        /// Whether a sync takes it.
        outcome: Outcome,
    },
    /// A page added upstream; a sync adds a linked copy of it after the
    /// copy of its nearest upstream predecessor (LNK-6).
    PageAdded {
        /// The upstream page.
        upstream_page: PageKey,
    },
    /// A page deleted upstream: a sync deletes its copy here, unless the
    /// copy was customised ([`Outcome::Conflict`]: kept).
    PageDeleted {
        /// The downstream page.
        page: PageKey,
        /// Whether a sync deletes it.
        outcome: Outcome,
    },
    /// Pages moved upstream: a sync puts the linked pages in the
    /// upstream's order, unless this LO was reordered here
    /// ([`Outcome::Conflict`]: the local order is kept).
    PagesMoved {
        /// Whether a sync applies the upstream order.
        outcome: Outcome,
    },
    /// The upstream learning object was deleted, and the sync follows it
    /// ([`DeletedUpstream::FollowUpstream`], LNK-14): applied, the copy
    /// left the course the sync went through; kept
    /// ([`Outcome::Conflict`]), the copy holds local work and stays. Only
    /// in a [`SyncReport`]: a preview of a copy whose upstream is gone
    /// lists nothing, whatever a sync's policy will be.
    LoDeleted {
        /// Whether the sync took the copy out of the course.
        outcome: Outcome,
    },
    /// A page whose linked copy was deleted here, and which the upstream
    /// has locked since (LNK-13, LNK-14): a sync re-creates it, as a new
    /// linked page, where an added page goes (LNK-6). A page deleted here
    /// and not locked stays deleted.
    PageRecreated {
        /// The upstream page.
        upstream_page: PageKey,
    },
    /// A learning object whose linked copy this course took out, and
    /// which the upstream has locked since (LNK-13, LNK-14): a course sync
    /// re-creates it, as a new linked copy at the end of the course. Only
    /// in the [`SyncReport`] of the new copy.
    LoRecreated {
        /// The upstream learning object.
        upstream: LoKey,
    },
}

impl PendingChange {
    /// Whether a sync takes this change.
    pub fn outcome(&self) -> Outcome {
        match self {
            PendingChange::PageAdded { .. }
            | PendingChange::PageRecreated { .. }
            | PendingChange::LoRecreated { .. } => Outcome::WillApply,
            PendingChange::LoField { outcome, .. }
            | PendingChange::PageField { outcome, .. }
            | PendingChange::PageDeleted { outcome, .. }
            | PendingChange::PagesMoved { outcome }
            | PendingChange::LoDeleted { outcome } => *outcome,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::WillApply => "will apply",
            Outcome::Conflict => "conflict",
            Outcome::OverwritesCustomisation => "overwrites customisation",
        })
    }
}

impl fmt::Display for PendingChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PendingChange::LoField { field, outcome } => write!(f, "{outcome}: {field} of the learning object"),
            PendingChange::PageField { page, field, outcome, .. } => write!(f, "{outcome}: {field} of {page}"),
            PendingChange::PageAdded { upstream_page } => write!(f, "will apply: {upstream_page} added upstream"),
            PendingChange::PageRecreated { upstream_page } => {
                write!(f, "will apply: {upstream_page}, deleted here, locked upstream since (re-created)")
            }
            PendingChange::LoRecreated { upstream } => {
                write!(f, "applied: {upstream}, taken out here, locked upstream since (re-created)")
            }
            PendingChange::PageDeleted { page, outcome: Outcome::Conflict } => {
                write!(f, "conflict: {page} deleted upstream, customised here (kept)")
            }
            PendingChange::PageDeleted { page, outcome } => write!(f, "{outcome}: {page} deleted upstream"),
            PendingChange::PagesMoved { outcome: Outcome::Conflict } => {
                write!(f, "conflict: pages moved upstream, reordered here (local order kept)")
            }
            PendingChange::PagesMoved { outcome } => write!(f, "{outcome}: pages moved upstream"),
            PendingChange::LoDeleted { outcome: Outcome::Conflict } => {
                write!(f, "conflict: learning object deleted upstream, customised here (kept)")
            }
            PendingChange::LoDeleted { outcome } => {
                write!(f, "{outcome}: learning object deleted upstream, taken out of the course")
            }
        }
    }
}

/// What a sync of one linked learning object would do (LNK-4): every
/// pending upstream change, field by field and page by page. A customised
/// field that did not change upstream is listed only when an upstream lock
/// will overwrite it. Prints as a list; with titles, through
/// [`display_with`](Self::display_with).
///
/// ```
/// use coursecopy::{CopyOptions, NewCourse, PageDraft, PageEdit, Workspace};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
/// let lo = ws.create_learning_object(admin, master, "Cells", "")?;
/// let page = ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?.page;
/// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
///
/// ws.edit_page(admin, master, page, PageEdit::new().body("Bilayers."))?;
/// let copy = ws.course(section)?.learning_objects().next().unwrap();
/// let preview = ws.preview_sync(copy)?;
/// assert_eq!(preview.changes().len(), 1);
/// assert!(preview.to_string().contains("will apply: body"));
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkPreview {
    pub(super) learning_object: LoKey,
    pub(super) upstream: Option<LoKey>,
    pub(super) synced: u64,
    pub(super) upstream_version: u64,
    pub(super) changes: Vec<PendingChange>,
}

impl LinkPreview {
    /// The linked learning object.
    pub fn learning_object(&self) -> LoKey {
        self.learning_object
    }

    /// Its upstream, or `None` when the upstream was deleted: the link is
    /// broken and nothing is pending (LNK-10).
    pub fn upstream(&self) -> Option<LoKey> {
        self.upstream
    }

    /// The upstream version the copy is synced to.
    pub fn synced(&self) -> Version {
        Version::of(self.synced)
    }

    /// The upstream's version now; a sync moves `synced` to it.
    pub fn upstream_version(&self) -> Version {
        Version::of(self.upstream_version)
    }

    /// The pending changes: the LO's fields, then page fields in upstream
    /// order, then pages deleted, moved and added.
    pub fn changes(&self) -> &[PendingChange] {
        &self.changes
    }

    /// The pending changes that a sync keeps out unless it overwrites
    /// customisations.
    pub fn conflicts(&self) -> impl Iterator<Item = &PendingChange> + '_ {
        self.changes.iter().filter(|c| c.outcome() == Outcome::Conflict)
    }

    /// The pending changes that replace a local customisation whatever a
    /// sync is asked, because the upstream locked the field (LNK-4, LNK-9).
    pub fn overwrites(&self) -> impl Iterator<Item = &PendingChange> + '_ {
        self.changes.iter().filter(|c| c.outcome() == Outcome::OverwritesCustomisation)
    }
}

impl fmt::Display for LinkPreview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(upstream) = self.upstream else {
            return writeln!(f, "{}: upstream deleted, link broken", self.learning_object);
        };
        writeln!(
            f,
            "{} <- {upstream}: synced at version {}, upstream at {}",
            self.learning_object, self.synced, self.upstream_version
        )?;
        if self.changes.is_empty() {
            writeln!(f, "  no pending change")?;
        }
        for change in &self.changes {
            writeln!(f, "  {change}")?;
        }
        Ok(())
    }
}

/// What a sync of one linked learning object did (LNK-6).
///
/// ```
/// use coursecopy::{CopyOptions, Customisations, NewCourse, PageDraft, PageEdit, Workspace};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
/// let lo = ws.create_learning_object(admin, master, "Cells", "")?;
/// let page = ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?.page;
/// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
/// let copy = ws.course(section)?.learning_objects().next().unwrap();
/// ws.edit_page(admin, master, page, PageEdit::new().body("Bilayers."))?;
/// let report = ws.sync_learning_object(admin, section, copy, Customisations::Keep)?;
/// assert_eq!((report.applied.len(), report.kept.len()), (1, 0));
/// assert!(report.courses.contains(section) && !report.upstream_deleted);
/// # Ok::<(), coursecopy::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncReport {
    /// The linked learning object.
    pub learning_object: LoKey,
    /// Every course that includes it and so sees the sync (ACC-3).
    pub courses: Reach,
    /// The changes it took.
    pub applied: Vec<PendingChange>,
    /// The conflicts it kept out: customised here, not overwritten.
    pub kept: Vec<PendingChange>,
    /// The upstream version the copy is now synced to.
    pub version: Version,
    /// The upstream was deleted: the link is broken, nothing was synced.
    /// Under [`DeletedUpstream::FollowUpstream`], `applied` or `kept`
    /// says what became of the copy ([`PendingChange::LoDeleted`]).
    pub upstream_deleted: bool,
}

/// One line a change, as the preview prints them: `applied:` or `kept:`
/// then the change.
impl fmt::Display for SyncReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.upstream_deleted {
            writeln!(f, "{}: upstream deleted, link broken, nothing synced", self.learning_object)?;
            for change in &self.applied {
                writeln!(f, "  applied: {change}")?;
            }
            for change in &self.kept {
                writeln!(f, "  kept: {change}")?;
            }
            return Ok(());
        }
        writeln!(f, "{} synced to version {}, seen by {}", self.learning_object, self.version, self.courses)?;
        if self.applied.is_empty() && self.kept.is_empty() {
            writeln!(f, "  no change")?;
        }
        for change in &self.applied {
            writeln!(f, "  applied: {change}")?;
        }
        for change in &self.kept {
            writeln!(f, "  kept: {change}")?;
        }
        Ok(())
    }
}

/// The outcome of one downstream's sync in
/// [`Workspace::push_updates`](crate::Workspace::push_updates) (LNK-8).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownstreamSync {
    /// The linked copy.
    pub learning_object: LoKey,
    /// Its sync's report, or why it was refused (rights, locks).
    pub result: Result<SyncReport, Error>,
}

/// What a sync does with fields customised downstream that also changed
/// upstream (LNK-5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Customisations {
    /// Keep them, and report them as kept conflicts.
    #[default]
    Keep,
    /// Overwrite them with the upstream's values.
    Overwrite,
}

/// What a sync does with a linked learning object whose upstream learning
/// object was deleted (LNK-14).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DeletedUpstream {
    /// Keep it where it is, its link marked "upstream deleted" (LNK-10).
    #[default]
    Keep,
    /// Take it out of the course the sync goes through, as a Canvas
    /// blueprint sync deletes what the blueprint deleted; other courses
    /// that include it keep it, and it lives on, as after
    /// [`remove_learning_object`](crate::Workspace::remove_learning_object).
    /// A copy that holds local work stays and is reported as kept: a
    /// title or description customised, its pages reordered, a page added
    /// or deleted here, or a linked page customised.
    FollowUpstream,
}

/// How a sync treats local work: customisations (LNK-5) and copies whose
/// upstream was deleted (LNK-14). A [`Customisations`] value converts into
/// one with the default policy for deletions, [`DeletedUpstream::Keep`].
///
/// ```
/// use coursecopy::{Customisations, DeletedUpstream, SyncOptions};
///
/// let options = SyncOptions::new().deleted_upstream(DeletedUpstream::FollowUpstream);
/// assert_eq!(options.customisations, Customisations::Keep);
/// assert_eq!(SyncOptions::from(Customisations::Overwrite).deleted_upstream, DeletedUpstream::Keep);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SyncOptions {
    /// Fields customised downstream that also changed upstream.
    pub customisations: Customisations,
    /// Copies whose upstream learning object was deleted.
    pub deleted_upstream: DeletedUpstream,
}

impl SyncOptions {
    /// Keep customisations, keep copies whose upstream was deleted.
    pub fn new() -> Self {
        SyncOptions::default()
    }

    /// Sets how customisations are treated.
    pub fn customisations(self, customisations: Customisations) -> Self {
        SyncOptions { customisations, ..self }
    }

    /// Sets what becomes of copies whose upstream was deleted.
    pub fn deleted_upstream(self, deleted_upstream: DeletedUpstream) -> Self {
        SyncOptions { deleted_upstream, ..self }
    }
}

impl From<Customisations> for SyncOptions {
    fn from(customisations: Customisations) -> Self {
        SyncOptions::new().customisations(customisations)
    }
}

/// Which record a field belongs to, for
/// [`Workspace::revert_field`](crate::Workspace::revert_field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkedRecord {
    /// A linked learning object's own field (title, description).
    LearningObject(LoKey),
    /// A linked page's field (title, body, items).
    Page(PageKey),
}
