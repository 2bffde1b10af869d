//! The operations on linked copies the workspace calls, each request →
//! check → plan → apply.

use super::apply::apply_sync;
use super::plan::{linked, plan_sync};
use super::types::{
    Customisations, DeletedUpstream, DownstreamSync, LinkPreview, LinkedRecord, Outcome, PendingChange, SyncOptions,
    SyncReport,
};
use crate::access::require;
use crate::copy::duplicate::{NewDuplicate, duplicate_pages};
use crate::data::{LinkedField, LoParts, Reach};
use crate::edit::courses::reach_lo;
use crate::error::{Action, Error};
use crate::handles::{CourseKey, Entity, LoKey, PageKey, UserKey};
use crate::store::Store;

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

pub(crate) fn sync(
    store: &mut Store,
    actor: UserKey,
    via: CourseKey,
    lo: LoKey,
    options: SyncOptions,
) -> Result<SyncReport, Error> {
    let overwrite = options.customisations == Customisations::Overwrite;
    check_sync(store, actor, via, lo)?;
    let plan = plan_sync(store, lo)?;
    let mut report = apply_sync(store, plan, overwrite);
    follow_deletion(store, via, &mut report, options.deleted_upstream);
    Ok(report)
}

/// Under [`DeletedUpstream::FollowUpstream`], a copy whose upstream was
/// deleted leaves `via`, the course the sync went through, unless it holds
/// local work there; the report says which (LNK-14). The sync's checks
/// covered the edit of `via`: this cannot fail.
fn follow_deletion(store: &mut Store, via: CourseKey, report: &mut SyncReport, policy: DeletedUpstream) {
    if policy == DeletedUpstream::Keep || !report.upstream_deleted {
        return;
    }
    let lo = report.learning_object;
    // A copy reached through its parent, which no longer lists it, has
    // nothing to leave.
    let Some(at) = store.course(via).ok().and_then(|c| c.los.index_of(&lo)) else { return };
    if holds_local_work(store, lo) {
        report.kept.push(PendingChange::LoDeleted { outcome: Outcome::Conflict });
    } else {
        store.exclude_lo_at(via, at);
        report.applied.push(PendingChange::LoDeleted { outcome: Outcome::WillApply });
    }
}

/// Whether linked copy `lo` holds work done here (LNK-14): its title or
/// description customised, its pages reordered, a page added here (no
/// link) or a linked page customised, or a page of the diff base whose
/// copy is gone (deleted here). A copy whose page copies are not recorded
/// position by position counts as holding work: kept, not guessed at.
/// O(pages).
fn holds_local_work(store: &Store, lo: LoKey) -> bool {
    let Ok(record) = store.learning_object(lo) else { return false };
    let Some(link) = record.link_data() else { return false };
    if link.customised.any() || link.reordered || link.copies.len() != link.base_pages.len() {
        return true;
    }
    let local = record.pages.iter().any(|p| store.page_link(*p).is_none_or(|l| l.customised.any()));
    let pages: std::collections::HashSet<PageKey> = record.pages.iter().copied().collect();
    local || link.copies.iter().any(|copy| !pages.contains(copy))
}

/// Syncs every linked LO of `course`, all or none (LNK-6).
pub(crate) fn sync_course(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    options: SyncOptions,
) -> Result<Vec<SyncReport>, Error> {
    let overwrite = options.customisations == Customisations::Overwrite;
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
        let mut report = apply_sync(store, plan, overwrite);
        follow_deletion(store, course, &mut report, options.deleted_upstream);
        reports.push(report);
    }
    reports.extend(recreate_locked_los(store, course));
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
            Ok(via) => sync(store, actor, via, lo, customisations.into()),
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
            let (title, description) = match field {
                LinkedField::Title => (Some(link.base_title.clone()), None),
                LinkedField::Description => (None, Some(link.base_description.clone())),
                LinkedField::Body | LinkedField::Items => {
                    return Err(Error::invalid(
                        crate::Field::LinkedField,
                        format!("a learning object has no {field} to revert"),
                    ));
                }
            };
            store.take_lo_fields(lo, title, description);
            Ok(store.lo_reach(lo))
        }
        LinkedRecord::Page(page) => {
            let lo = store.page(page)?.lo;
            reach_lo(store, actor, via, lo, page.into())?;
            let record = store.page(page)?;
            let link = store.page_link(page).ok_or(Error::NotLinked { entity: page.into() })?;
            let base = link.base(&record.content).clone();
            match field {
                LinkedField::Title | LinkedField::Body | LinkedField::Items => {}
                LinkedField::Description => {
                    return Err(Error::invalid(crate::Field::LinkedField, "a page has no description to revert"));
                }
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
    insert_linked_copy(store, from, lo, into)
}

/// Adds to `into` a linked copy of `lo` under the field locks of `from`:
/// a new LO and its pages. Checked by the caller; `lo` missing gives
/// `NotFound`, with nothing changed.
fn insert_linked_copy(store: &mut Store, from: CourseKey, lo: LoKey, into: CourseKey) -> Result<LoKey, Error> {
    let record = store.learning_object(lo)?;
    let (copy, pages) = (NewDuplicate::of(store, lo, LoParts::of(record), Some(from)), record.pages.clone());
    let copy = copy.insert(store, into);
    duplicate_pages(store, copy, pages.iter().copied());
    Ok(copy)
}

/// Re-creates, at the end of `course`, a linked copy of each LO whose
/// copy the course took out while the upstream lived, and which the
/// upstream has locked since (LNK-13, LNK-14); one report each. The copy
/// is linked under the field locks of the course the removed one was
/// (its upstream's parent if that course is gone; none is re-created when
/// both are). A course that holds a linked copy of the LO again needs
/// none. They come in the order of their upstream courses (by numeric
/// id), then of each course's list, then of the upstream LOs' numeric ids
/// (for one no longer in that list). The caller checked the edit of
/// `course`: this cannot fail.
fn recreate_locked_los(store: &mut Store, course: CourseKey) -> Vec<SyncReport> {
    let mut due: Vec<((u64, usize, u64), LoKey, CourseKey)> = Vec::new();
    for (upstream, from) in store.removed_copies_of(course) {
        let Ok(up) = store.learning_object(upstream) else { continue };
        let held =
            store.downstreams_of(upstream).any(|d| store.learning_object(d).is_ok_and(|l| l.used_in.contains(&course)));
        let alive = |c: &CourseKey| store.course(*c).is_ok();
        let from = from.filter(alive).or(up.parent.filter(alive));
        let (Some(from), false, true) = (from, held, store.item_locked(upstream, None)) else { continue };
        let Ok(from_course) = store.course(from) else { continue };
        let at = from_course.los.index_of(&upstream).unwrap_or(usize::MAX);
        due.push(((from_course.pk, at, up.pk), upstream, from));
    }
    due.sort_unstable_by_key(|(order, _, _)| *order);
    let mut reports = Vec::new();
    for (_, upstream, from) in due {
        let version = store.learning_object(upstream).map_or(0, |l| l.version);
        let Ok(copy) = insert_linked_copy(store, from, upstream, course) else { continue };
        store.forget_removed_copy(upstream, course);
        reports.push(SyncReport {
            learning_object: copy,
            courses: store.lo_reach(copy),
            applied: vec![PendingChange::LoRecreated { upstream }],
            kept: Vec::new(),
            version: crate::Version::of(version),
            upstream_deleted: false,
        });
    }
    reports
}

/// Locks or unlocks, for its linked copies, the title and description of
/// a learning object or the content of a page (LNK-13), reached through
/// `via`, as an edit there.
pub(crate) fn set_item_lock(
    store: &mut Store,
    actor: UserKey,
    via: CourseKey,
    item: LinkedRecord,
    locked: bool,
) -> Result<(), Error> {
    let (lo, page) = match item {
        LinkedRecord::LearningObject(lo) => (lo, None),
        LinkedRecord::Page(page) => (store.page(page)?.lo, Some(page)),
    };
    reach_lo(store, actor, via, lo, page.map_or(lo.into(), Entity::from))?;
    store.set_item_lock(lo, page, locked);
    Ok(())
}

/// Whether the item locks its linked copies (LNK-13).
pub(crate) fn item_locked(store: &Store, item: LinkedRecord) -> Result<bool, Error> {
    Ok(match item {
        LinkedRecord::LearningObject(lo) => store.learning_object(lo).map(|_| store.item_locked(lo, None))?,
        LinkedRecord::Page(page) => store.page(page).map(|p| store.item_locked(p.lo, Some(page)))?,
    })
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
