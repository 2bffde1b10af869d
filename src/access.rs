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

use crate::data::Role;
use crate::{Action, Course, CourseKey, Error, UserKey, Workspace};

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
