//! The plan of one linked LO's sync, read from the store and never
//! written: its LO fields, its pages edited upstream, and, when the
//! upstream's page list changed or a locked page is to be re-created, its
//! layout (pages deleted, moved, added, re-created).

use super::types::{LinkPreview, Outcome, PendingChange};
use crate::data::{FieldLocks, LearningObject, LinkedField, LoLink, PageContent, UpstreamState, field_differs};
use crate::error::Error;
use crate::handles::{LoKey, PageKey};
use crate::store::Store;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The planned sync of one linked LO: the preview, and what the apply
/// step needs that the preview does not show.
pub(super) struct SyncPlan {
    pub(super) preview: LinkPreview,
    /// The upstream as the plan read it: what the base becomes.
    pub(super) upstream: Option<UpstreamState>,
    /// The upstream page and its content for each `PageField` group.
    pub(super) pages: Vec<PagePlan>,
    /// Set when the upstream's page list changed since the last sync.
    pub(super) layout: Option<Layout>,
}

pub(super) struct PagePlan {
    pub(super) page: PageKey,
    pub(super) upstream: Arc<PageContent>,
    pub(super) upstream_version: u64,
    pub(super) fields: Vec<(LinkedField, Outcome)>,
}

pub(super) struct Layout {
    /// Upstream page → its linked copy here.
    pub(super) copies: HashMap<PageKey, PageKey>,
    pub(super) upstream_pages: Vec<PageKey>,
    /// The pages added upstream, with their content and version.
    pub(super) added: HashMap<PageKey, (Arc<PageContent>, u64)>,
}

/// Checks that `lo` is a linked copy; returns its link's upstream.
pub(super) fn linked(store: &Store, lo: LoKey) -> Result<&crate::data::LoLink, Error> {
    store.learning_object(lo)?.link_data().ok_or(Error::NotLinked { entity: lo.into() })
}

/// Works out what a sync of `lo` would do. Reads only; O(pages changed)
/// when only page content changed upstream.
pub(super) fn plan_sync(store: &Store, lo: LoKey) -> Result<SyncPlan, Error> {
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
    let locked_pages: HashSet<PageKey> = store.locked_pages_of(up_key).collect();
    let lo_locked = store.item_locked(up_key, None);
    let sides = Sides { store, lo, link, here: store.learning_object(lo)?, up, locks, lo_locked, locked_pages };
    plan.preview.changes.extend(sides.lo_field_changes());
    let layout_changed = up.layout_version > link.synced || sides.recreates_pages();
    let copies =
        if layout_changed { Some(sides.plan_all_pages(&mut plan)) } else { sides.plan_edited_pages(&mut plan) };
    if locks.content || !sides.locked_pages.is_empty() {
        sides.plan_locked_pages(&mut plan);
    }
    plan.preview.changes.extend(sides.page_field_changes(&plan.pages));
    if layout_changed {
        sides.plan_layout(&mut plan, copies.unwrap_or_default());
    }
    Ok(plan)
}

/// Both sides of a link, as a plan reads them.
struct Sides<'a> {
    store: &'a Store,
    /// The linked copy.
    lo: LoKey,
    link: &'a LoLink,
    here: &'a LearningObject,
    /// Its upstream.
    up: &'a LearningObject,
    /// The upstream course's field locks.
    locks: FieldLocks,
    /// Whether the upstream LO locks its title and description (LNK-13).
    lo_locked: bool,
    /// The upstream's pages that lock their content (LNK-13).
    locked_pages: HashSet<PageKey>,
}

impl Sides<'_> {
    /// The LO's own fields: a field changed upstream is pending; so is a
    /// customised field that the upstream course has locked since, whose
    /// value differs (LNK-9: a sync always writes locked fields, LNK-4:
    /// the preview says it overwrites the customisation).
    fn lo_field_changes(&self) -> Vec<PendingChange> {
        let (link, up, here) = (self.link, self.up, self.here);
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
        let locked = self.locks.title_description || self.lo_locked;
        let mut changes = Vec::new();
        for (field, now, base, own, customised) in lo_fields {
            let overwritten = customised && locked && own != now;
            if now != base || overwritten {
                changes.push(PendingChange::LoField { field, outcome: outcome(customised, locked, overwritten) });
            }
        }
        changes
    }

    /// What syncing the linked page `page` from `upstream_page` would do,
    /// if anything: each field that changed upstream, or that a lock now
    /// overrides.
    fn page_plan(&self, page: PageKey, upstream_page: PageKey) -> Option<PagePlan> {
        let p = self.store.page(page).ok()?;
        let plink = self.store.page_link(page)?;
        let u = self.store.page(upstream_page).ok()?;
        let locked = self.locks.content || self.locked_pages.contains(&upstream_page);
        if u.version <= plink.synced && !(locked && plink.customised.any()) {
            return None;
        }
        let fields: Vec<(LinkedField, Outcome)> = [LinkedField::Title, LinkedField::Body, LinkedField::Items]
            .into_iter()
            .filter_map(|f| {
                let customised = plink.customised.get(f);
                let overwritten = customised && locked && field_differs(&p.content, &u.content, f);
                let changed = field_differs(plink.base(&p.content), &u.content, f);
                (changed || overwritten).then(|| (f, outcome(customised, locked, overwritten)))
            })
            .collect();
        (!fields.is_empty() || u.version > plink.synced).then(|| PagePlan {
            page,
            upstream: u.content.clone(),
            upstream_version: u.version,
            fields,
        })
    }

    /// Upstream page → its linked copy here. O(pages of the LO).
    fn copies_here(&self) -> HashMap<PageKey, PageKey> {
        let upstream_of = |d: &PageKey| self.store.page_link(*d)?.upstream;
        self.here.pages.iter().filter_map(|d| Some((upstream_of(d)?, *d))).collect()
    }

    /// The page list changed upstream: every upstream page that has a copy
    /// here is planned. Gives the copies.
    fn plan_all_pages(&self, plan: &mut SyncPlan) -> HashMap<PageKey, PageKey> {
        let copies = self.copies_here();
        for u in self.up.pages.iter() {
            if let Some(p) = copies.get(u).and_then(|d| self.page_plan(*d, *u)) {
                plan.pages.push(p);
            }
        }
        copies
    }

    /// Only content changed upstream: the upstream's pages edited since the
    /// sync, each found here through the diff base, position by position,
    /// or, failing that, through the copies (built once, if needed).
    fn plan_edited_pages(&self, plan: &mut SyncPlan) -> Option<HashMap<PageKey, PageKey>> {
        let (store, link, lo) = (self.store, self.link, self.lo);
        let mut copies: Option<HashMap<PageKey, PageKey>> = None;
        for (_, (u, at)) in self.up.edited.0.range(link.synced.saturating_add(1)..) {
            let at = *at as usize;
            let hinted = (link.base_pages.get(at) == Some(*u)).then(|| link.copies.get(at)).flatten().filter(|d| {
                store.page(*d).is_ok_and(|p| p.lo == lo && store.page_link(*d).and_then(|l| l.upstream) == Some(*u))
            });
            let found = hinted.or_else(|| copies.get_or_insert_with(|| self.copies_here()).get(u).copied());
            if let Some(p) = found.and_then(|d| self.page_plan(d, *u)) {
                plan.pages.push(p);
            }
        }
        copies
    }

    /// Under a content lock, of the course or of pages: customised pages
    /// the lock now overrides, though their upstream did not change.
    /// O(pages of the LO).
    fn plan_locked_pages(&self, plan: &mut SyncPlan) {
        let planned: HashSet<PageKey> = plan.pages.iter().map(|p| p.page).collect();
        for d in self.here.pages.iter().filter(|d| !planned.contains(d)) {
            let upstream = self.store.page_link(*d).and_then(|l| l.upstream);
            let upstream = upstream.filter(|u| self.locks.content || self.locked_pages.contains(u));
            if let Some(p) = upstream.and_then(|u| self.page_plan(*d, u)).filter(|p| !p.fields.is_empty()) {
                plan.pages.push(p);
            }
        }
    }

    /// Whether a page locked upstream has no copy here, though the diff
    /// base holds it: its copy was deleted here before the lock, and the
    /// sync re-creates it (LNK-14). O(pages of the LO) when the upstream
    /// locks pages; O(1) otherwise.
    fn recreates_pages(&self) -> bool {
        if self.locked_pages.is_empty() {
            return false;
        }
        let copied: HashSet<PageKey> = self.copies_here().into_keys().collect();
        let base: HashSet<PageKey> = self.link.base_pages.iter().copied().collect();
        self.locked_pages.iter().any(|u| base.contains(u) && !copied.contains(u))
    }

    /// The pending changes of the planned pages, field by field.
    fn page_field_changes(&self, pages: &[PagePlan]) -> Vec<PendingChange> {
        let mut changes = Vec::new();
        for p in pages {
            // A planned page is linked to a live upstream page.
            let upstream = self.store.page_link(p.page).and_then(|l| l.upstream);
            let Some(upstream_page) = upstream else { continue };
            for (field, outcome) in &p.fields {
                changes.push(PendingChange::PageField {
                    page: p.page,
                    upstream_page,
                    field: *field,
                    outcome: *outcome,
                });
            }
        }
        changes
    }

    /// The upstream's page list changed: pages deleted, moved and added
    /// upstream, and the layout the apply step needs.
    fn plan_layout(&self, plan: &mut SyncPlan, copies: HashMap<PageKey, PageKey>) {
        let (store, link, up, lo) = (self.store, self.link, self.up, self.lo);
        let now: HashSet<PageKey> = up.pages.iter().copied().collect();
        let base: HashSet<PageKey> = link.base_pages.iter().copied().collect();
        // Deleted upstream: copies whose upstream page is gone.
        for (i, b) in link.base_pages.iter().enumerate() {
            if now.contains(b) {
                continue;
            }
            let Some(d) = link.copies.get(i) else { continue };
            let Ok(p) = store.page(d) else { continue };
            let page_link = store.page_link(d);
            if p.lo != lo || page_link.as_ref().is_none_or(|l| l.upstream.is_some_and(|u| u != *b)) {
                continue;
            }
            let customised = page_link.is_some_and(|l| l.customised.any());
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
        for u in up.pages.iter().filter(|u| !copies.contains_key(u)) {
            let change = if !base.contains(u) {
                PendingChange::PageAdded { upstream_page: *u }
            } else if self.locked_pages.contains(u) {
                PendingChange::PageRecreated { upstream_page: *u }
            } else {
                continue;
            };
            plan.preview.changes.push(change);
            if let Ok(page) = store.page(*u) {
                added.insert(*u, (page.content.clone(), page.version));
            }
        }
        plan.layout = Some(Layout { copies, upstream_pages: up.pages.iter().copied().collect(), added });
    }
}

/// The outcome of a pending field (LNK-4): a customised field whose value a
/// lock will replace is overwritten whatever the caller asks; one not
/// locked is a conflict; anything else applies.
fn outcome(customised: bool, locked: bool, overwritten: bool) -> Outcome {
    match (customised, locked) {
        (true, false) => Outcome::Conflict,
        (true, true) if overwritten => Outcome::OverwritesCustomisation,
        _ => Outcome::WillApply,
    }
}
