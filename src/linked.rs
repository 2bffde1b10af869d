//! Linked copies (LNK-1..12): a Duplicate that remembers its upstream and
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

use crate::access::require;
use crate::copy::duplicate::{duplicate_pages, new_duplicate_lo};
use crate::data::{LinkedField, LoSnapshot, PageContent, PageList, Reach, UpstreamState, field_differs};
use crate::edit::courses::reach_lo;
use crate::error::{Action, Error};
use crate::handles::{CourseKey, Entity, LoKey, PageKey, UserKey};
use crate::store::Store;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

/// Whether a sync would take an upstream change (LNK-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Outcome {
    /// Changed upstream and not customised here (or locked upstream): a
    /// sync takes it.
    WillApply,
    /// Changed upstream and customised here: a sync keeps the local value
    /// unless asked to overwrite customisations.
    Conflict,
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
}

impl PendingChange {
    /// Whether a sync takes this change.
    pub fn outcome(&self) -> Outcome {
        match self {
            PendingChange::PageAdded { .. } => Outcome::WillApply,
            PendingChange::LoField { outcome, .. }
            | PendingChange::PageField { outcome, .. }
            | PendingChange::PageDeleted { outcome, .. }
            | PendingChange::PagesMoved { outcome } => *outcome,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::WillApply => "will apply",
            Outcome::Conflict => "conflict",
        })
    }
}

impl fmt::Display for PendingChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PendingChange::LoField { field, outcome } => write!(f, "{outcome}: {field} of the learning object"),
            PendingChange::PageField { page, field, outcome, .. } => write!(f, "{outcome}: {field} of {page}"),
            PendingChange::PageAdded { upstream_page } => write!(f, "will apply: {upstream_page} added upstream"),
            PendingChange::PageDeleted { page, outcome: Outcome::WillApply } => {
                write!(f, "will apply: {page} deleted upstream")
            }
            PendingChange::PageDeleted { page, outcome: Outcome::Conflict } => {
                write!(f, "conflict: {page} deleted upstream, customised here (kept)")
            }
            PendingChange::PagesMoved { outcome: Outcome::WillApply } => write!(f, "will apply: pages moved upstream"),
            PendingChange::PagesMoved { outcome: Outcome::Conflict } => {
                write!(f, "conflict: pages moved upstream, reordered here (local order kept)")
            }
        }
    }
}

/// What a sync of one linked learning object would do (LNK-4): every
/// pending upstream change, field by field and page by page. A customised
/// field that did not change upstream is not listed. Prints as a list.
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
    learning_object: LoKey,
    upstream: Option<LoKey>,
    synced: u64,
    upstream_version: u64,
    changes: Vec<PendingChange>,
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
    pub fn synced(&self) -> u64 {
        self.synced
    }

    /// The upstream's version now; a sync moves `synced` to it.
    pub fn upstream_version(&self) -> u64 {
        self.upstream_version
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
#[derive(Clone, Debug, PartialEq, Eq)]
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
    pub version: u64,
    /// The upstream was deleted: the link is broken, nothing was synced.
    pub upstream_deleted: bool,
}

/// The outcome of one downstream's sync in
/// [`Workspace::push_updates`](crate::Workspace::push_updates) (LNK-8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownstreamSync {
    /// The linked copy.
    pub learning_object: LoKey,
    /// Its sync's report, or why it was refused (rights, locks).
    pub result: Result<SyncReport, Error>,
}

/// The planned sync of one linked LO: the preview, and what the apply
/// step needs that the preview does not show.
struct SyncPlan {
    preview: LinkPreview,
    /// The upstream as the plan read it: what the base becomes.
    upstream: Option<UpstreamState>,
    /// The upstream page and its content for each `PageField` group.
    pages: Vec<PagePlan>,
    /// Set when the upstream's page list changed since the last sync.
    layout: Option<Layout>,
}

struct PagePlan {
    page: PageKey,
    upstream: Arc<PageContent>,
    upstream_version: u64,
    fields: Vec<(LinkedField, Outcome)>,
}

struct Layout {
    /// Upstream page → its linked copy here.
    copies: HashMap<PageKey, PageKey>,
    upstream_pages: Vec<PageKey>,
    /// The pages added upstream, with their content and version.
    added: HashMap<PageKey, (Arc<PageContent>, u64)>,
}

/// Checks that `lo` is a linked copy; returns its link's upstream.
fn linked(store: &Store, lo: LoKey) -> Result<&crate::data::LoLink, Error> {
    store.learning_object(lo)?.link_data().ok_or(Error::NotLinked { entity: lo.into() })
}

/// Works out what a sync of `lo` would do. Reads only; O(pages changed)
/// when only page content changed upstream.
fn plan_sync(store: &Store, lo: LoKey) -> Result<SyncPlan, Error> {
    let link = linked(store, lo)?;
    let mut plan = SyncPlan {
        preview: LinkPreview {
            learning_object: lo,
            upstream: link.upstream,
            synced: link.synced,
            upstream_version: link.synced,
            changes: Vec::new(),
        },
        pages: Vec::new(),
        layout: None,
        upstream: None,
    };
    let Some(up_key) = link.upstream else { return Ok(plan) };
    let up = store.learning_object(up_key)?;
    plan.preview.upstream_version = up.version;
    if up.version <= link.synced {
        return Ok(plan);
    }
    plan.upstream =
        Some(UpstreamState { title: up.title.clone(), description: up.description.clone(), pages: up.pages.clone() });
    let locks = link.course.and_then(|c| store.course(c).ok()).map(|c| c.field_locks).unwrap_or_default();
    let here = store.learning_object(lo)?;
    let lo_outcome = |customised: bool| {
        if customised && !locks.title_description { Outcome::Conflict } else { Outcome::WillApply }
    };
    // A field changed upstream is pending; so is a customised field that
    // the upstream course has locked since, whose value differs (LNK-9:
    // a sync always writes locked fields).
    let lo_fields = [
        (LinkedField::Title, &up.title, &link.base_title, &here.title, link.customised.title),
        (
            LinkedField::Description,
            &up.description,
            &link.base_description,
            &here.description,
            link.customised.description,
        ),
    ];
    for (field, now, base, own, customised) in lo_fields {
        if now != base {
            plan.preview.changes.push(PendingChange::LoField { field, outcome: lo_outcome(customised) });
        } else if customised && locks.title_description && own != now {
            plan.preview.changes.push(PendingChange::LoField { field, outcome: Outcome::WillApply });
        }
    }
    let page_plan = |page: PageKey, upstream_page: PageKey| -> Option<PagePlan> {
        let p = store.page(page).ok()?;
        let plink = p.link_data()?;
        let u = store.page(upstream_page).ok()?;
        let locked_customised = locks.content && plink.customised.any();
        if u.version <= plink.synced && !locked_customised {
            return None;
        }
        let fields: Vec<(LinkedField, Outcome)> = [LinkedField::Title, LinkedField::Body, LinkedField::Items]
            .into_iter()
            .filter_map(|f| {
                if field_differs(plink.base(&p.content), &u.content, f) {
                    let conflict = plink.customised.get(f) && !locks.content;
                    Some((f, if conflict { Outcome::Conflict } else { Outcome::WillApply }))
                } else {
                    let relock = locks.content && plink.customised.get(f) && field_differs(&p.content, &u.content, f);
                    relock.then_some((f, Outcome::WillApply))
                }
            })
            .collect();
        (!fields.is_empty() || u.version > plink.synced).then(|| PagePlan {
            page,
            upstream: u.content.clone(),
            upstream_version: u.version,
            fields,
        })
    };
    let layout_changed = up.layout_version > link.synced;
    let mut by_upstream: Option<HashMap<PageKey, PageKey>> = None;
    let copies_here = |store: &Store| -> HashMap<PageKey, PageKey> {
        here.pages.iter().filter_map(|d| Some((store.page(*d).ok()?.link_data()?.upstream?, *d))).collect()
    };
    if layout_changed {
        let copies = copies_here(store);
        for u in up.pages.iter() {
            if let Some(d) = copies.get(u)
                && let Some(p) = page_plan(*d, *u)
            {
                plan.pages.push(p);
            }
        }
        by_upstream = Some(copies);
    } else {
        // Only content changed: the upstream's edited pages since the sync,
        // each found here through the diff base, position by position.
        for (_, (u, at)) in up.edited.0.range(link.synced.saturating_add(1)..) {
            let at = *at as usize;
            let hinted = (link.base_pages.get(at) == Some(*u)).then(|| link.copies.get(at)).flatten().filter(|d| {
                store.page(*d).is_ok_and(|p| p.lo == lo && p.link_data().and_then(|l| l.upstream) == Some(*u))
            });
            let found = hinted.or_else(|| by_upstream.get_or_insert_with(|| copies_here(store)).get(u).copied());
            if let Some(p) = found.and_then(|d| page_plan(d, *u)) {
                plan.pages.push(p);
            }
        }
    }
    if locks.content {
        // Customised pages that the lock now overrides, though their
        // upstream did not change: O(pages of the LO), only under a lock.
        let planned: HashSet<PageKey> = plan.pages.iter().map(|p| p.page).collect();
        for d in here.pages.iter().filter(|d| !planned.contains(d)) {
            let upstream = store.page(*d).ok().and_then(|p| p.link_data()).and_then(|l| l.upstream);
            if let Some(p) = upstream.and_then(|u| page_plan(*d, u)).filter(|p| !p.fields.is_empty()) {
                plan.pages.push(p);
            }
        }
    }
    for p in &plan.pages {
        let upstream_page = store.page(p.page).ok().and_then(|d| d.link_data()).and_then(|l| l.upstream);
        for (field, outcome) in &p.fields {
            plan.preview.changes.push(PendingChange::PageField {
                page: p.page,
                upstream_page: upstream_page.unwrap_or_default(),
                field: *field,
                outcome: *outcome,
            });
        }
    }
    if layout_changed {
        let copies = by_upstream.unwrap_or_default();
        let now: HashSet<PageKey> = up.pages.iter().copied().collect();
        let base: HashSet<PageKey> = link.base_pages.iter().copied().collect();
        // Deleted upstream: copies whose upstream page is gone.
        for (i, b) in link.base_pages.iter().enumerate() {
            if now.contains(b) {
                continue;
            }
            let Some(d) = link.copies.get(i) else { continue };
            let Ok(p) = store.page(d) else { continue };
            if p.lo != lo || p.link_data().is_none_or(|l| l.upstream.is_some_and(|u| u != *b)) {
                continue;
            }
            let customised = p.link_data().is_some_and(|l| l.customised.any());
            let outcome = if customised { Outcome::Conflict } else { Outcome::WillApply };
            plan.preview.changes.push(PendingChange::PageDeleted { page: d, outcome });
        }
        let before: Vec<PageKey> = link.base_pages.iter().copied().filter(|p| now.contains(p)).collect();
        let after: Vec<PageKey> = up.pages.iter().copied().filter(|p| base.contains(p)).collect();
        if before != after {
            let outcome = if link.reordered { Outcome::Conflict } else { Outcome::WillApply };
            plan.preview.changes.push(PendingChange::PagesMoved { outcome });
        }
        let mut added = HashMap::new();
        for u in up.pages.iter().filter(|u| !base.contains(u) && !copies.contains_key(u)) {
            plan.preview.changes.push(PendingChange::PageAdded { upstream_page: *u });
            if let Ok(page) = store.page(*u) {
                added.insert(*u, (page.content.clone(), page.version));
            }
        }
        plan.layout = Some(Layout { copies, upstream_pages: up.pages.iter().copied().collect(), added });
    }
    Ok(plan)
}

/// Applies a checked plan through the store's primitives. Cannot fail.
fn apply_sync(store: &mut Store, plan: SyncPlan, overwrite: bool) -> SyncReport {
    let lo = plan.preview.learning_object;
    let takes = |outcome: Outcome| outcome == Outcome::WillApply || overwrite;
    let (applied, kept): (Vec<PendingChange>, Vec<PendingChange>) =
        plan.preview.changes.iter().cloned().partition(|c| takes(c.outcome()));
    let mut report = SyncReport {
        learning_object: lo,
        courses: store.lo_reach(lo),
        applied,
        kept,
        version: plan.preview.synced,
        upstream_deleted: plan.preview.upstream.is_none(),
    };
    // The plan holds the upstream's state only when it moved past the
    // synced version: otherwise there is nothing to apply.
    let Some(upstream) = plan.upstream else { return report };
    let version = plan.preview.upstream_version;
    report.version = version;
    let (up_title, up_description) = (upstream.title.clone(), upstream.description.clone());
    let mut title = None;
    let mut description = None;
    for change in &plan.preview.changes {
        if let PendingChange::LoField { field, outcome } = change
            && takes(*outcome)
        {
            match field {
                LinkedField::Title => title = Some(up_title.clone()),
                _ => description = Some(up_description.clone()),
            }
        }
    }
    if title.is_some() || description.is_some() {
        store.take_lo_fields(lo, title, description);
    }
    for p in plan.pages {
        let fields: Vec<LinkedField> = p.fields.iter().filter(|(_, o)| takes(*o)).map(|(f, _)| *f).collect();
        if fields.is_empty() {
            store.rebase_page(p.page, p.upstream, p.upstream_version);
        } else {
            store.take_page_fields(p.page, &p.upstream.clone(), &fields, Some((p.upstream, p.upstream_version)));
        }
    }
    let Some(mut layout) = plan.layout else {
        store.finish_sync(lo, version, &upstream, None);
        return report;
    };
    for change in &plan.preview.changes {
        match change {
            PendingChange::PageDeleted { page, outcome } if takes(*outcome) => drop(store.remove_page(*page)),
            _ => {}
        }
    }
    let moved = plan.preview.changes.iter().find_map(|c| match c {
        PendingChange::PagesMoved { outcome } => Some(takes(*outcome)),
        _ => None,
    });
    if moved == Some(true) {
        // The slots of the linked pages whose upstream lives take them in
        // the upstream's order; pages of this side keep their places.
        let rank: HashMap<PageKey, usize> = layout.upstream_pages.iter().enumerate().map(|(i, u)| (*u, i)).collect();
        let current: Vec<PageKey> =
            store.learning_object(lo).map(|l| l.pages.iter().copied().collect()).unwrap_or_default();
        let upstream_of = |d: &PageKey| store.page(*d).ok().and_then(|p| p.link_data()).and_then(|l| l.upstream);
        let mut linked: Vec<(usize, PageKey)> =
            current.iter().filter_map(|d| Some((*rank.get(&upstream_of(d)?)?, *d))).collect();
        linked.sort_unstable_by_key(|(r, _)| *r);
        let mut sorted = linked.into_iter().map(|(_, d)| d);
        let order: Vec<PageKey> =
            current
                .iter()
                .map(|d| {
                    if upstream_of(d).is_some_and(|u| rank.contains_key(&u)) { sorted.next().unwrap_or(*d) } else { *d }
                })
                .collect();
        store.set_page_order(lo, order);
    }
    // Added upstream: after the copy of the nearest upstream predecessor
    // that has one here, or first.
    for (i, u) in layout.upstream_pages.iter().enumerate() {
        if layout.copies.contains_key(u)
            || !plan
                .preview
                .changes
                .iter()
                .any(|c| matches!(c, PendingChange::PageAdded { upstream_page } if upstream_page == u))
        {
            continue;
        }
        let Some((content, src_version)) = layout.added.get(u).cloned() else { continue };
        let pages = store.learning_object(lo).map(|l| l.pages.clone()).unwrap_or_default();
        let at = layout.upstream_pages[..i]
            .iter()
            .rev()
            .find_map(|prev| layout.copies.get(prev).and_then(|d| pages.index_of(*d)))
            .map_or(0, |at| at + 1);
        if let Some(page) = store.insert_linked_page(lo, at, *u, content, src_version) {
            layout.copies.insert(*u, page);
        }
    }
    let copies: PageList =
        layout.upstream_pages.iter().map(|u| layout.copies.get(u).copied().unwrap_or_default()).collect();
    store.finish_sync(lo, version, &upstream, Some(copies));
    report
}

/// Checks that `actor` may sync `lo` through `via` (LNK-6): as an edit of
/// the LO there, rights and locks.
fn check_sync(store: &Store, actor: UserKey, via: CourseKey, lo: LoKey) -> Result<(), Error> {
    reach_lo(store, actor, via, lo, lo.into())?;
    linked(store, lo).map(|_| ())
}

pub(crate) fn preview(store: &Store, lo: LoKey) -> Result<LinkPreview, Error> {
    plan_sync(store, lo).map(|p| p.preview)
}

pub(crate) fn preview_course(store: &Store, course: CourseKey) -> Result<Vec<LinkPreview>, Error> {
    linked_los(store, course)?.into_iter().map(|lo| preview(store, lo)).collect()
}

/// The linked LOs of a course, in its order.
fn linked_los(store: &Store, course: CourseKey) -> Result<Vec<LoKey>, Error> {
    let c = store.course(course)?;
    Ok(c.los.iter().copied().filter(|lo| store.learning_object(*lo).is_ok_and(|l| l.link_data().is_some())).collect())
}

/// The linked LOs of `course` whose upstream moved past the synced version
/// and was not declined (LNK-3). O(LOs of the course).
pub(crate) fn updates_available(store: &Store, course: CourseKey) -> Result<Vec<LoKey>, Error> {
    let c = store.course(course)?;
    Ok(c.los
        .iter()
        .copied()
        .filter(|lo| {
            let Some(link) = store.learning_object(*lo).ok().and_then(|l| l.link_data()) else { return false };
            let up = link.upstream.and_then(|u| store.learning_object(u).ok());
            up.is_some_and(|up| up.version > link.synced.max(link.declined))
        })
        .collect())
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

pub(crate) fn sync(
    store: &mut Store,
    actor: UserKey,
    via: CourseKey,
    lo: LoKey,
    customisations: Customisations,
) -> Result<SyncReport, Error> {
    let overwrite = customisations == Customisations::Overwrite;
    check_sync(store, actor, via, lo)?;
    let plan = plan_sync(store, lo)?;
    Ok(apply_sync(store, plan, overwrite))
}

/// Syncs every linked LO of `course`, all or none (LNK-6).
pub(crate) fn sync_course(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    customisations: Customisations,
) -> Result<Vec<SyncReport>, Error> {
    let overwrite = customisations == Customisations::Overwrite;
    let los = linked_los(store, course)?;
    require(store, actor, Action::EditCourse(course))?;
    for lo in &los {
        check_sync(store, actor, course, *lo)?;
    }
    // Every check passed, and no sync changes what they read (rights,
    // locks, links), so none can fail now: all or nothing. Each LO is
    // planned when its turn comes, so a copy of a copy in the same course
    // takes what its upstream's sync just brought in.
    let mut reports = Vec::with_capacity(los.len());
    for lo in los {
        let plan = plan_sync(store, lo)?;
        reports.push(apply_sync(store, plan, overwrite));
    }
    Ok(reports)
}

/// The linked copies of `lo`, in handle order (LNK-8).
pub(crate) fn downstreams(store: &Store, lo: LoKey) -> Result<Vec<LoKey>, Error> {
    store.learning_object(lo)?;
    Ok(store.downstreams_of(lo).collect())
}

/// Syncs every linked copy of `upstream` (LNK-8), each by itself, through
/// the first course that includes it (or its parent) where `actor` may
/// edit it; a copy refused everywhere is reported with the first refusal.
pub(crate) fn push_updates(
    store: &mut Store,
    actor: UserKey,
    upstream: LoKey,
    customisations: Customisations,
) -> Result<Vec<DownstreamSync>, Error> {
    let copies = downstreams(store, upstream)?;
    store.user(actor)?;
    let mut out = Vec::with_capacity(copies.len());
    for lo in copies {
        let result = match via_for(store, actor, lo) {
            Ok(via) => sync(store, actor, via, lo, customisations),
            Err(e) => Err(e),
        };
        out.push(DownstreamSync { learning_object: lo, result });
    }
    Ok(out)
}

/// The linked copies of every LO of `course`, as (upstream, copy) pairs
/// in the course's order (LNK-8).
pub(crate) fn course_downstreams(store: &Store, course: CourseKey) -> Result<Vec<(LoKey, LoKey)>, Error> {
    let c = store.course(course)?;
    Ok(c.los.iter().flat_map(|up| store.downstreams_of(*up).map(move |d| (*up, d))).collect())
}

/// Syncs the linked copies of every LO of `course` (LNK-8), each by
/// itself, as [`push_updates`] does for one LO.
pub(crate) fn push_course_updates(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    customisations: Customisations,
) -> Result<Vec<DownstreamSync>, Error> {
    let los: Vec<LoKey> = store.course(course)?.los.iter().copied().collect();
    store.user(actor)?;
    let mut out = Vec::new();
    for lo in los {
        out.extend(push_updates(store, actor, lo, customisations)?);
    }
    Ok(out)
}

/// A course through which `actor` may sync `lo`.
fn via_for(store: &Store, actor: UserKey, lo: LoKey) -> Result<CourseKey, Error> {
    let record = store.learning_object(lo)?;
    let candidates: Vec<CourseKey> = record.used_in.iter().copied().chain(record.parent).collect();
    let mut first = None;
    for via in candidates {
        match check_sync(store, actor, via, lo) {
            Ok(()) => return Ok(via),
            Err(e) => drop(first.get_or_insert(e)),
        }
    }
    Err(first.unwrap_or(Error::NotIn { entity: lo.into(), container: Entity::User(actor) }))
}

/// Declines the pending upstream version of `lo` (LNK-7); returns it.
pub(crate) fn decline(store: &mut Store, actor: UserKey, via: CourseKey, lo: LoKey) -> Result<u64, Error> {
    check_sync(store, actor, via, lo)?;
    let link = linked(store, lo)?;
    let version = link.upstream.and_then(|u| store.learning_object(u).ok()).map_or(link.declined, |u| u.version);
    store.decline(lo, version);
    Ok(version)
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

/// Puts a field of a linked record back to its upstream's value at the
/// synced version, and clears its customisation (LNK-5).
pub(crate) fn revert(
    store: &mut Store,
    actor: UserKey,
    via: CourseKey,
    record: LinkedRecord,
    field: LinkedField,
) -> Result<Reach, Error> {
    match record {
        LinkedRecord::LearningObject(lo) => {
            check_sync(store, actor, via, lo)?;
            let link = linked(store, lo)?;
            let value = match field {
                LinkedField::Title => link.base_title.clone(),
                LinkedField::Description => link.base_description.clone(),
                _ => return Err(Error::invalid("field", format!("a learning object has no {field} to revert"))),
            };
            let (title, description) = match field {
                LinkedField::Title => (Some(value), None),
                _ => (None, Some(value)),
            };
            store.take_lo_fields(lo, title, description);
            Ok(store.lo_reach(lo))
        }
        LinkedRecord::Page(page) => {
            let lo = store.page(page)?.lo;
            reach_lo(store, actor, via, lo, page.into())?;
            let record = store.page(page)?;
            let link = record.link_data().ok_or(Error::NotLinked { entity: page.into() })?;
            let base = link.base(&record.content).clone();
            if field == LinkedField::Description {
                return Err(Error::invalid("field", "a page has no description to revert"));
            }
            store.take_page_fields(page, &base, &[field], None);
            Ok(store.lo_reach(lo))
        }
    }
}

/// Unlinks `lo`: a plain duplicate from now on (LNK-10).
pub(crate) fn unlink(store: &mut Store, actor: UserKey, via: CourseKey, lo: LoKey) -> Result<(), Error> {
    check_sync(store, actor, via, lo)?;
    store.unlink(lo);
    Ok(())
}

/// Adds to `into` a linked copy of `lo`, read through `from` (LNK-1).
pub(crate) fn link_learning_object(
    store: &mut Store,
    actor: UserKey,
    from: CourseKey,
    lo: LoKey,
    into: CourseKey,
) -> Result<LoKey, Error> {
    store.course(from)?;
    let record = store.learning_object(lo)?;
    store.course(into)?;
    require(store, actor, Action::ReadCourse(from))?;
    require(store, actor, Action::EditCourse(into))?;
    if !(record.parent == Some(from) || record.used_in.contains(&from)) {
        return Err(Error::not_in(lo, from));
    }
    let snapshot = LoSnapshot::of(record);
    let copy = new_duplicate_lo(store, lo, &snapshot, into, Some(from));
    duplicate_pages(store, copy, snapshot.pages.iter().copied());
    Ok(copy)
}

/// Sets the field locks of `course` (LNK-9).
pub(crate) fn set_field_locks(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    locks: crate::data::FieldLocks,
) -> Result<(), Error> {
    store.course(course)?;
    require(store, actor, Action::EditCourse(course))?;
    store.set_field_locks(course, locks);
    Ok(())
}
