//! Courses: create, update, delete, author assignments, styles, and the
//! course's list of learning objects.

use super::{CourseChange, NewCourse, check_position};
use crate::access::{require, require_parent_unlocked};
use crate::data::{Reach, Text, Timestamp};
use crate::error::{Action, Error};
use crate::handles::{CourseKey, Entity, LoKey, StyleKey, UserKey};
use crate::store::Store;

pub(crate) fn create_course(
    store: &mut Store,
    actor: UserKey,
    spec: NewCourse,
    now: Timestamp,
) -> Result<CourseKey, Error> {
    require(store, actor, Action::CreateCourse)?;
    let record = spec.into_record(store, actor, now)?;
    store.insert_course(record)
}

pub(crate) fn update_course(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    change: CourseChange,
    now: Timestamp,
) -> Result<(), Error> {
    editable(store, actor, course)?;
    let checked = change.fields.check(store, Some(course))?;
    checked.apply(store, course, now)
}

pub(crate) fn delete_course(store: &mut Store, actor: UserKey, course: CourseKey) -> Result<(), Error> {
    editable(store, actor, course)?;
    store.remove_course(course);
    Ok(())
}

/// Assigns (`assign`) or unassigns a user.
pub(crate) fn set_assigned(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    user: UserKey,
    assign: bool,
) -> Result<(), Error> {
    let assigned = editable(store, actor, course)?.is_assigned(user);
    store.user(user)?;
    match (assign, assigned) {
        (true, true) => return Err(Error::already_in(user, course)),
        (false, false) => return Err(Error::not_in(user, course)),
        _ => {}
    }
    let mut users = store.course(course)?.assigned.clone();
    if assign {
        users.insert(user);
    } else {
        users.remove(&user);
    }
    store.set_assigned(course, users)
}

pub(crate) fn create_style(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    name: &str,
    css: &str,
) -> Result<StyleKey, Error> {
    editable(store, actor, course)?;
    let name = Text::name(crate::Field::Name, name)?;
    store.insert_style(course, name, Text::free(css)).ok_or_else(|| Error::not_found(course))
}

/// Creates a learning object in a course: its parent, at the end of its
/// list (SHR-5).
pub(crate) fn create_learning_object(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    title: &str,
    description: &str,
) -> Result<LoKey, Error> {
    let len = editable(store, actor, course)?.los.len();
    let title = Text::name(crate::Field::Title, title)?;
    let lo = store.insert_lo(title, Text::free(description), Some(course), None, Default::default());
    store.include_lo(course, lo, len);
    Ok(lo)
}

/// Adds an existing LO to a course (REU-3).
pub(crate) fn add_learning_object(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    lo: LoKey,
    at: Option<usize>,
) -> Result<(), Error> {
    let len = editable(store, actor, course)?.los.len();
    let record = store.learning_object(lo)?;
    if let Some(parent) = record.parent {
        require(store, actor, Action::ReadCourse(parent))?;
    }
    if record.used_in.contains(&course) {
        return Err(Error::already_in(lo, course));
    }
    let at = at.unwrap_or(len);
    check_position(at, len, true)?;
    store.include_lo(course, lo, at);
    Ok(())
}

/// Takes an LO out of one course (SHR-4); returns that course (REU-2).
pub(crate) fn remove_learning_object(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    lo: LoKey,
) -> Result<Reach, Error> {
    let at = lo_position(store, actor, course, lo)?;
    crate::access::require_deletable(store, lo, None)?;
    store.exclude_lo_at(course, at);
    Ok(Reach::of([course]))
}

pub(crate) fn move_learning_object(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    lo: LoKey,
    to: usize,
) -> Result<(), Error> {
    let at = lo_position(store, actor, course, lo)?;
    check_position(to, store.course(course)?.los.len(), false)?;
    store.move_lo(course, at, to);
    Ok(())
}

/// Deletes an LO no course includes and no tool links to.
pub(crate) fn delete_learning_object(store: &mut Store, actor: UserKey, lo: LoKey) -> Result<(), Error> {
    let record = store.learning_object(lo)?;
    require(store, actor, Action::DeleteLearningObject(lo))?;
    let mut used_by: Vec<Entity> = record.used_in.iter().map(|c| Entity::Course(*c)).collect();
    let linked = store.courses_linking_to(lo).into_iter().map(Entity::Course).filter(|e| !used_by.contains(e));
    used_by.extend(linked.collect::<Vec<_>>());
    if !used_by.is_empty() {
        return Err(Error::InUse { entity: lo.into(), used_by });
    }
    crate::access::require_deletable(store, lo, None)?;
    store.remove_lo(lo)
}

/// Locks (`lock`) or unlocks a course (ACC-4).
pub(crate) fn set_lock(store: &mut Store, actor: UserKey, course: CourseKey, lock: bool) -> Result<(), Error> {
    let locked = store.course(course)?.lock.is_some();
    let action = if lock { Action::LockCourse(course) } else { Action::UnlockCourse(course) };
    require(store, actor, action)?;
    if !lock && !locked {
        return Err(Error::invalid(crate::Field::Lock, "the course is not locked"));
    }
    store.set_course_lock(course, lock.then_some(actor))
}

/// The course, after checking that it exists and that `actor` may edit it
/// now: the check every change to a course's own data makes first.
pub(crate) fn editable(store: &Store, actor: UserKey, course: CourseKey) -> Result<&crate::data::Course, Error> {
    let record = store.course(course)?;
    require(store, actor, Action::EditCourse(course))?;
    Ok(record)
}

/// Where `lo` stands in `course`, after checking that `actor` may edit
/// the course.
pub(crate) fn lo_position(store: &Store, actor: UserKey, course: CourseKey, lo: LoKey) -> Result<usize, Error> {
    let record = store.course(course)?;
    store.learning_object(lo)?;
    require(store, actor, Action::EditCourse(course))?;
    record.position_of(lo).ok_or_else(|| Error::not_in(lo, course))
}

/// Checks that `actor` may change `lo` through `via`: edit rights in `via`,
/// the LO included in it (or `via` its parent), the LO's parent unlocked.
/// `named` is what a refusal names as not in `via`: the LO itself, or the
/// page reached through it.
pub(crate) fn reach_lo(store: &Store, actor: UserKey, via: CourseKey, lo: LoKey, named: Entity) -> Result<(), Error> {
    store.course(via)?;
    let record = store.learning_object(lo)?;
    require(store, actor, Action::EditCourse(via))?;
    // The LO's own course first: O(1), and where most edits come from.
    if !(record.parent == Some(via) || record.used_in.contains(&via)) {
        return Err(Error::NotIn { entity: named, container: via.into() });
    }
    require_parent_unlocked(store, lo)
}
