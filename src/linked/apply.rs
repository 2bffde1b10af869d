//! A checked sync plan, applied through the store's primitives: it cannot
//! fail, so a sync that passed its checks changes everything it planned.

use super::plan::{Layout, PagePlan, SyncPlan};
use super::types::{Customisations, Outcome, PendingChange, SyncReport};
use crate::data::{LinkedField, PageList, UpstreamState, Version};
use crate::handles::{LoKey, PageKey};
use crate::store::Store;
use std::collections::{HashMap, HashSet};

/// Applies a checked plan through the store's primitives. Cannot fail.
pub(super) fn apply_sync(store: &mut Store, plan: SyncPlan, overwrite: bool) -> SyncReport {
    let lo = plan.preview.learning_object;
    let customisations = if overwrite { Customisations::Overwrite } else { Customisations::Keep };
    let takes = |outcome: Outcome| outcome.taken(customisations);
    let (applied, kept): (Vec<PendingChange>, Vec<PendingChange>) =
        plan.preview.changes.iter().cloned().partition(|c| takes(c.outcome()));
    let mut report = SyncReport {
        learning_object: lo,
        courses: store.lo_reach(lo),
        applied,
        kept,
        version: Version::of(plan.preview.synced),
        upstream_deleted: plan.preview.upstream.is_none(),
    };
    // The plan holds the upstream's state only when it moved past the
    // synced version: otherwise there is nothing to apply.
    let Some(upstream) = &plan.upstream else { return report };
    let version = plan.preview.upstream_version;
    report.version = Version::of(version);
    let changes = &plan.preview.changes;
    apply_lo_fields(store, lo, changes, upstream, &takes);
    for p in &plan.pages {
        apply_page(store, p, &takes);
    }
    let copies = plan.layout.map(|mut layout| {
        apply_deletions(store, changes, &takes);
        let moved = changes.iter().any(|c| matches!(c, PendingChange::PagesMoved { outcome } if takes(*outcome)));
        if moved {
            apply_order(store, lo, &layout.upstream_pages);
        }
        apply_additions(store, lo, changes, &mut layout);
        layout
            .upstream_pages
            .iter()
            .map(|u| layout.copies.get(u).copied().unwrap_or_else(crate::handles::Handle::null))
            .collect::<PageList>()
    });
    store.finish_sync(lo, version, upstream, copies);
    report
}

/// The LO's own fields the sync takes, from the upstream.
fn apply_lo_fields(
    store: &mut Store,
    lo: LoKey,
    changes: &[PendingChange],
    upstream: &UpstreamState,
    takes: &impl Fn(Outcome) -> bool,
) {
    let (mut title, mut description) = (None, None);
    for change in changes {
        if let PendingChange::LoField { field, outcome } = change
            && takes(*outcome)
        {
            match field {
                LinkedField::Title => title = Some(upstream.title.clone()),
                LinkedField::Description => description = Some(upstream.description.clone()),
                // An LO has no page fields: its plan never lists them.
                LinkedField::Body | LinkedField::Items => {}
            }
        }
    }
    if title.is_some() || description.is_some() {
        store.take_lo_fields(lo, title, description);
    }
}

/// One planned page: the fields the sync takes, or, when it takes none,
/// only the new diff base.
fn apply_page(store: &mut Store, p: &PagePlan, takes: &impl Fn(Outcome) -> bool) {
    let fields: Vec<LinkedField> = p.fields.iter().filter(|(_, o)| takes(*o)).map(|(f, _)| *f).collect();
    if fields.is_empty() {
        store.rebase_page(p.page, p.upstream.clone(), p.upstream_version);
    } else {
        store.take_page_fields(p.page, &p.upstream.clone(), &fields, Some((p.upstream.clone(), p.upstream_version)));
    }
}

/// The copies of pages deleted upstream that the sync takes.
fn apply_deletions(store: &mut Store, changes: &[PendingChange], takes: &impl Fn(Outcome) -> bool) {
    for change in changes {
        if let PendingChange::PageDeleted { page, outcome } = change
            && takes(*outcome)
        {
            drop(store.remove_page(*page));
        }
    }
}

/// The upstream's new order: the slots of the linked pages whose upstream
/// lives take them in the upstream's order; pages of this side keep their
/// places.
fn apply_order(store: &mut Store, lo: LoKey, upstream_pages: &[PageKey]) {
    let rank: HashMap<PageKey, usize> = upstream_pages.iter().enumerate().map(|(i, u)| (*u, i)).collect();
    let current: Vec<PageKey> =
        store.learning_object(lo).map(|l| l.pages.iter().copied().collect()).unwrap_or_default();
    let upstream_of = |d: &PageKey| store.page_link(*d).and_then(|l| l.upstream);
    let mut linked: Vec<(usize, PageKey)> =
        current.iter().filter_map(|d| Some((*rank.get(&upstream_of(d)?)?, *d))).collect();
    linked.sort_unstable_by_key(|(r, _)| *r);
    let mut sorted = linked.into_iter().map(|(_, d)| d);
    let order: Vec<PageKey> = current
        .iter()
        .map(|d| if upstream_of(d).is_some_and(|u| rank.contains_key(&u)) { sorted.next().unwrap_or(*d) } else { *d })
        .collect();
    store.set_page_order(lo, order);
}

/// Pages added upstream, and locked pages deleted here (re-created): each
/// after the copy of its nearest upstream predecessor that has one here,
/// or first.
fn apply_additions(store: &mut Store, lo: LoKey, changes: &[PendingChange], layout: &mut Layout) {
    let added: HashSet<PageKey> = changes
        .iter()
        .filter_map(|c| match c {
            PendingChange::PageAdded { upstream_page } | PendingChange::PageRecreated { upstream_page } => {
                Some(*upstream_page)
            }
            _ => None,
        })
        .collect();
    for (i, u) in layout.upstream_pages.iter().enumerate() {
        if layout.copies.contains_key(u) || !added.contains(u) {
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
}
