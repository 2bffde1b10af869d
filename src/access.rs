//! Access: who may do what (ACC-1, ACC-2, ACC-4). Every rights decision
//! of the crate is a call to [`require`] (or [`require_for_task`], for the
//! task that fills a busy course), and the rules are the one `match` in
//! `allowed`.
//!
//! | role | read a course | edit a course | create courses, edit library | manage users |
//! | --- | --- | --- | --- | --- |
//! | Administrator | every course | every course | yes | yes |
//! | Author | created by or assigned to them | created by or assigned to them | yes | no |
//! | Reviewer | assigned to them | none | no | no |
//!
//! Locks (ACC-4) come on top: an Administrator may lock any course, an
//! Author the courses assigned to them (or created by them); only the user
//! who locked a course, or an Administrator, unlocks it. While a course is
//! locked nobody, Administrators included, edits it, its LO list, or the
//! learning objects it is the parent of, through whichever course they are
//! reached. Library items are never locked. A copy task's requester, or an
//! Administrator, may cancel it.

use crate::data::{Course, Role};
use crate::error::{Action, Error};
use crate::handles::{CourseKey, LoKey, UserKey};
use crate::store::Store;

/// Checks that `actor` exists, that the entity `action` names exists, and
/// that the actor may do it now: the rights of their role, the locks, and
/// busy courses (a course a copy task is filling can be read, not edited:
/// [`Error::Busy`]).
pub(crate) fn require(store: &Store, actor: UserKey, action: Action) -> Result<(), Error> {
    decide(store, actor, action, true)
}

/// [`require`], for the copy task that makes the course busy: it re-checks
/// its requester's rights before each step.
pub(crate) fn require_for_task(store: &Store, actor: UserKey, action: Action) -> Result<(), Error> {
    decide(store, actor, action, false)
}

/// Whether [`require`] would accept. False for unknown handles.
pub(crate) fn can(store: &Store, actor: UserKey, action: Action) -> bool {
    require(store, actor, action).is_ok()
}

/// Fails with [`Error::Locked`] if the parent course of `lo` is locked: an
/// LO changes only while its parent is unlocked, through whichever course
/// it is reached.
pub(crate) fn require_parent_unlocked(store: &Store, lo: LoKey) -> Result<(), Error> {
    match store.learning_object(lo).ok().and_then(|l| l.parent) {
        Some(parent) => unlocked(store, parent),
        None => Ok(()),
    }
}

/// Fails with [`Error::FieldLocked`] if `field` of the linked LO `lo`
/// (`page` for a page field) is locked by the upstream course (LNK-9), and
/// with [`Error::ItemLocked`] if the upstream LO or page locks it (LNK-13).
/// Records that are not linked copies, or whose upstream is deleted, have
/// no locked field.
pub(crate) fn require_field_unlocked(
    store: &Store,
    lo: LoKey,
    page: Option<crate::PageKey>,
    field: crate::LinkedField,
) -> Result<(), Error> {
    let Some(link) = store.learning_object(lo).ok().and_then(|l| l.link_data()) else { return Ok(()) };
    let Some(upstream_lo) = link.upstream else { return Ok(()) };
    let page_link = page.map(|p| link.pages.get(p));
    let entity = page.map_or(crate::Entity::from(lo), crate::Entity::from);
    if let Some(upstream) = link.course.filter(|_| page_link.as_ref().is_none_or(Option::is_some)) {
        let locks = store.course(upstream).map(|c| c.field_locks).unwrap_or_default();
        if field.covered_by(locks, page.is_some()) {
            return Err(Error::FieldLocked { field: field.into(), entity, upstream });
        }
    }
    let upstream_page = page_link.map(|l| l.and_then(|l| l.upstream));
    match upstream_page {
        Some(None) => Ok(()),
        Some(Some(up)) if store.item_locked(upstream_lo, Some(up)) => {
            Err(Error::ItemLocked { field: Some(field.into()), entity, upstream: up.into() })
        }
        None if store.item_locked(upstream_lo, None) => {
            Err(Error::ItemLocked { field: Some(field.into()), entity, upstream: upstream_lo.into() })
        }
        _ => Ok(()),
    }
}

/// Fails with [`Error::ItemLocked`] if deleting the page `page` of `lo`,
/// or `lo` itself (`None`), would delete a linked copy its upstream locks
/// (LNK-13): a locked page, or a locked LO, or an LO holding a copy of a
/// locked page. O(log locks), plus O(pages) for an LO whose upstream locks
/// pages.
pub(crate) fn require_deletable(store: &Store, lo: LoKey, page: Option<crate::PageKey>) -> Result<(), Error> {
    let Some(link) = store.learning_object(lo).ok().and_then(|l| l.link_data()) else { return Ok(()) };
    let Some(upstream_lo) = link.upstream else { return Ok(()) };
    let refused =
        |entity: crate::Entity, upstream: crate::Entity| Err(Error::ItemLocked { field: None, entity, upstream });
    if let Some(page) = page {
        return match link.pages.get(page).and_then(|l| l.upstream) {
            Some(up) if store.item_locked(upstream_lo, Some(up)) => refused(page.into(), up.into()),
            _ => Ok(()),
        };
    }
    if store.item_locked(upstream_lo, None) {
        return refused(lo.into(), upstream_lo.into());
    }
    let locked: std::collections::HashSet<crate::PageKey> = store.locked_pages_of(upstream_lo).collect();
    if locked.is_empty() {
        return Ok(());
    }
    match link.pages.iter().find(|(_, l)| l.upstream.is_some_and(|u| locked.contains(&u))) {
        Some((copy, l)) => refused(copy.into(), l.upstream.map_or(upstream_lo.into(), Into::into)),
        None => Ok(()),
    }
}

fn decide(store: &Store, actor: UserKey, action: Action, busy_blocks: bool) -> Result<(), Error> {
    let user = store.user(actor)?;
    let ok = match action {
        Action::ReadCourse(c) | Action::EditCourse(c) => allowed(actor, user.role, action, Some(store.course(c)?)),
        Action::DeleteLearningObject(lo) => match store.learning_object(lo)?.parent {
            Some(p) => allowed(actor, user.role, Action::EditCourse(p), store.course(p).ok()),
            None => user.role == Role::Administrator,
        },
        Action::LockCourse(c) => allowed(actor, user.role, Action::EditCourse(c), Some(store.course(c)?)),
        Action::UnlockCourse(c) => {
            let locker = store.course(c)?.lock;
            user.role == Role::Administrator || locker.is_none_or(|by| by == actor)
        }
        Action::CancelTask(task) => user.role == Role::Administrator || store.task(task)?.requested_by == actor,
        Action::ManageUsers | Action::CreateCourse | Action::EditLibrary => allowed(actor, user.role, action, None),
    };
    if !ok {
        return Err(Error::Forbidden { user: actor, action });
    }
    if busy_blocks
        && let Action::EditCourse(course) | Action::LockCourse(course) = action
        && let Some(task) = store.busy_task(course)
    {
        return Err(Error::Busy { course, task });
    }
    match action {
        Action::EditCourse(course) | Action::LockCourse(course) => unlocked(store, course),
        Action::DeleteLearningObject(lo) => require_parent_unlocked(store, lo),
        _ => Ok(()),
    }
}

/// Fails with [`Error::Locked`] if `course` is locked.
fn unlocked(store: &Store, course: CourseKey) -> Result<(), Error> {
    match store.course(course).ok().and_then(|c| c.lock) {
        Some(by) => Err(Error::Locked { course, by }),
        None => Ok(()),
    }
}

/// The rules of ACC-1, in one place.
fn allowed(actor: UserKey, role: Role, action: Action, course: Option<&Course>) -> bool {
    let member = course.is_some_and(|c| c.created_by == actor || c.assigned.contains(&actor));
    match (role, action) {
        (Role::Administrator, _) => true,
        (Role::Author, Action::ReadCourse(_) | Action::EditCourse(_)) => member,
        (Role::Author, Action::CreateCourse | Action::EditLibrary) => true,
        (Role::Reviewer, Action::ReadCourse(_)) => member,
        _ => false,
    }
}
