//! Access: who may do what (ACC-1, ACC-2). Every check of rights in the
//! crate goes through one private function of this module, and the rules
//! are one `match` there. [`Workspace::can_read`] and
//! [`Workspace::can_edit`] ask the same rules.
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
//! reached. Library items are never locked.

use crate::data::Role;
use crate::{Action, Course, CourseKey, Error, LoKey, UserKey, Workspace};

impl Workspace {
    /// Whether `user` may read `course`. False for unknown handles.
    pub fn can_read(&self, user: UserKey, course: CourseKey) -> bool {
        self.require(user, Action::ReadCourse(course)).is_ok()
    }

    /// Whether `user` may edit `course`: its data, its LO list and the LOs
    /// and pages reached through it. False for unknown handles.
    pub fn can_edit(&self, user: UserKey, course: CourseKey) -> bool {
        self.require(user, Action::EditCourse(course)).is_ok()
    }

    /// Checks that `actor` exists, that the entity `action` names exists,
    /// and that the actor may do it. A course a copy task is filling can be
    /// read, not edited ([`Error::Busy`]).
    pub(crate) fn require(&self, actor: UserKey, action: Action) -> Result<(), Error> {
        self.require_ignoring_busy(actor, action)?;
        if let Action::EditCourse(course) = action
            && let Some(&task) = self.busy.get(&course)
        {
            return Err(Error::Busy { course, task });
        }
        match action {
            Action::EditCourse(course) => self.unlocked(course),
            Action::DeleteLearningObject(lo) => self.parent_unlocked(lo),
            _ => Ok(()),
        }
    }

    /// Fails with [`Error::Locked`] if `course` is locked.
    pub(crate) fn unlocked(&self, course: CourseKey) -> Result<(), Error> {
        match self.courses.get(course).and_then(|c| c.lock) {
            Some(by) => Err(Error::Locked { course, by }),
            None => Ok(()),
        }
    }

    /// Fails with [`Error::Locked`] if the parent course of `lo` is locked.
    pub(crate) fn parent_unlocked(&self, lo: LoKey) -> Result<(), Error> {
        match self.los.get(lo).and_then(|l| l.parent) {
            Some(parent) => self.unlocked(parent),
            None => Ok(()),
        }
    }

    /// Locks a course (ACC-4). Administrators may lock any course, Authors
    /// the courses assigned to them. A course a copy task is filling cannot
    /// be locked ([`Error::Busy`]).
    ///
    /// ```
    /// use coursecopy::{CourseChange, Error, NewCourse, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// ws.lock_course(admin, course)?;
    /// let refused = ws.update_course(admin, course, CourseChange::new().title("x"));
    /// assert_eq!(refused, Err(Error::Locked { course, by: admin }));
    /// ws.unlock_course(admin, course)?;
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn lock_course(&mut self, actor: UserKey, course: CourseKey) -> Result<(), Error> {
        self.course(course)?;
        self.require_ignoring_busy(actor, Action::LockCourse(course))?;
        if let Some(&task) = self.busy.get(&course) {
            return Err(Error::Busy { course, task });
        }
        self.unlocked(course)?;
        if let Some(c) = self.courses.get_mut(course) {
            c.lock = Some(actor);
        }
        Ok(())
    }

    /// Unlocks a course: the user who locked it, or an Administrator.
    pub fn unlock_course(&mut self, actor: UserKey, course: CourseKey) -> Result<(), Error> {
        let lock = self.course(course)?.lock;
        self.require_ignoring_busy(actor, Action::UnlockCourse(course))?;
        if lock.is_none() {
            return Err(Error::invalid("lock", "the course is not locked"));
        }
        if let Some(c) = self.courses.get_mut(course) {
            c.lock = None;
        }
        Ok(())
    }

    /// [`require`](Self::require), for the task that makes the course busy.
    pub(crate) fn require_ignoring_busy(&self, actor: UserKey, action: Action) -> Result<(), Error> {
        let user = self.user(actor)?;
        let ok = match action {
            Action::ReadCourse(c) | Action::EditCourse(c) => allowed(actor, user.role, action, Some(self.course(c)?)),
            Action::DeleteLearningObject(lo) => {
                let parent = self.learning_object(lo)?.parent;
                match parent {
                    Some(p) => allowed(actor, user.role, Action::EditCourse(p), self.courses.get(p)),
                    None => user.role == Role::Administrator,
                }
            }
            Action::LockCourse(c) => allowed(actor, user.role, Action::EditCourse(c), Some(self.course(c)?)),
            Action::UnlockCourse(c) => {
                let locker = self.course(c)?.lock;
                user.role == Role::Administrator || locker.is_none_or(|by| by == actor)
            }
            Action::ManageUsers | Action::CreateCourse | Action::EditLibrary | Action::CancelTask(_) => {
                allowed(actor, user.role, action, None)
            }
        };
        if ok { Ok(()) } else { Err(Error::Forbidden { user: actor, action }) }
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
