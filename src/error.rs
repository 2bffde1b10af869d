//! The one error type of the crate.

use crate::{CourseKey, Entity, LoKey, TaskKey, UserKey};
use std::fmt;

/// What went wrong.
///
/// Every failing operation returns an `Error` and leaves the workspace
/// exactly as it was (INT-3). Each variant names the entity or field that was
/// wrong, so a caller can match on it and show a precise message.
///
/// Checks run in a fixed order, so the error you get is predictable:
/// 1. the entities the operation acts on exist: the course, learning object,
///    page, library item or user it changes, and the course it goes through
///    ([`Error::NotFound`]);
/// 2. the acting user exists and has the right ([`Error::NotFound`],
///    [`Error::Forbidden`]);
/// 3. those entities fit together, e.g. the page is reached through a course
///    that includes its learning object ([`Error::NotIn`],
///    [`Error::AlreadyIn`]);
/// 4. the other arguments, in order: the entities they name exist and fit,
///    the values are valid ([`Error::Invalid`], [`Error::Conflict`],
///    [`Error::InUse`]).
///
/// ```
/// use coursecopy::{Entity, Error, Field, NewCourse, Workspace};
///
/// let (mut ws, admin) = Workspace::with_admin("Ada")?;
/// let err = ws.create_course(admin, NewCourse::new("has space", "Title")).unwrap_err();
/// assert!(matches!(err, Error::Invalid { field: Field::CourseId, .. }));
/// assert_eq!(
///     err.to_string(),
///     "invalid course_id: must not contain white space or control characters (found ' ')"
/// );
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The handle names no live entity in this workspace: the entity was
    /// deleted (a stale handle), the handle comes from another workspace, or it
    /// was never handed out (INT-2).
    #[error("{entity} not found (deleted, or a handle from another workspace)")]
    NotFound {
        /// The handle that was looked up.
        entity: Entity,
    },

    /// No course matches a course reference (`_12_1`, `courseId:X`,
    /// `externalId:X`, `uuid:X`).
    #[error("no course matches {course}")]
    UnknownCourse {
        /// The reference, as written.
        course: String,
    },

    /// The user may not do this (ACC-1, ACC-2).
    #[error("{user} may not {action}")]
    Forbidden {
        /// Who tried.
        user: UserKey,
        /// What they tried.
        action: Action,
    },

    /// A unique value is already taken (OPT-3, LMS-2).
    #[error("{field} {value:?} is already taken by {holder}; choose another")]
    Conflict {
        /// [`Field::CourseId`] or [`Field::ExternalId`].
        field: Field,
        /// The value that was asked for.
        value: String,
        /// The course that holds it.
        holder: CourseKey,
    },

    /// The entity is still used, so it cannot be deleted (GLB-3). Nothing
    /// was changed. The message says what to do first: replace or detach
    /// a library item on the pages that use it, take a learning object out
    /// of the courses (or tool items) that use it.
    #[error("{entity} is still used by {}; {}", list(used_by), in_use_remedy(entity))]
    InUse {
        /// What was to be deleted.
        entity: Entity,
        /// Every entity that still uses it: pages for a library item,
        /// courses for a learning object.
        used_by: Vec<Entity>,
    },

    /// The entity is not part of the container the operation names: a page
    /// edited through a course that does not include its learning object, a
    /// learning object removed from a course it is not in, a library item
    /// detached from a page that does not reference it.
    #[error("{entity} is not in {container}")]
    NotIn {
        /// The entity that was named.
        entity: Entity,
        /// The container it was expected in.
        container: Entity,
    },

    /// The entity is already part of the container, and may appear there only
    /// once (INT-1: a course's LO list has no repeats).
    #[error("{entity} is already in {container}")]
    AlreadyIn {
        /// The entity that was named.
        entity: Entity,
        /// The container that already holds it.
        container: Entity,
    },

    /// An input value is not acceptable.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field.
        field: Field,
        /// Why, in words.
        reason: String,
    },

    /// A copy task is copying into the course: it can be read, not edited,
    /// until the task ends (LMS-6, LMS-10).
    #[error("{course} is busy: {task} is copying into it")]
    Busy {
        /// The course.
        course: CourseKey,
        /// The task copying into it.
        task: TaskKey,
    },

    /// The course is locked (ACC-4): nobody, Administrators included, edits
    /// it or the learning objects it is the parent of until it is unlocked.
    #[error("{course} is locked by {by}")]
    Locked {
        /// The locked course.
        course: CourseKey,
        /// Who locked it.
        by: UserKey,
    },

    /// The field of a linked copy is locked by its upstream course (LNK-9):
    /// it takes the upstream's value on every sync and cannot be edited
    /// downstream.
    #[error("{field} of {entity} is locked by its upstream, {upstream}")]
    FieldLocked {
        /// The field: [`Field::Title`], [`Field::Description`],
        /// [`Field::Body`] or [`Field::Items`].
        field: Field,
        /// The linked learning object or page whose field it is.
        entity: Entity,
        /// The upstream course that locks it.
        upstream: CourseKey,
    },

    /// The upstream item of a linked copy locks it (LNK-13): an upstream
    /// learning object locks its linked copies' title and description, an
    /// upstream page its linked copies' content. A locked field cannot be
    /// edited downstream, and a locked copy cannot be deleted there (nor
    /// taken out of a course, nor its LO deleted with it).
    #[error("{entity} is locked by its upstream, {upstream}: {}", what_is_refused(*.field))]
    ItemLocked {
        /// The field an edit tried to change; `None` for a deletion.
        field: Option<Field>,
        /// The linked learning object or page.
        entity: Entity,
        /// The upstream learning object or page that locks it.
        upstream: Entity,
    },

    /// The learning object or page is not a linked copy, so it has no
    /// upstream to sync from, decline, revert to or unlink from.
    #[error("{entity} is not a linked copy")]
    NotLinked {
        /// The learning object or page.
        entity: Entity,
    },

    /// The task has ended already (complete, failed or cancelled).
    #[error("{task} has ended already")]
    TaskEnded {
        /// The task.
        task: TaskKey,
    },

    /// The workspace breaks one of its invariants (INT-1). Only returned by
    /// [`Workspace::check_integrity`](crate::Workspace::check_integrity) and
    /// by loading: no operation can create such a workspace.
    #[error("integrity violation: {detail}")]
    Integrity {
        /// What is wrong, and with which entity.
        detail: String,
    },
}

/// What to do before deleting `entity` again.
fn in_use_remedy(entity: &Entity) -> &'static str {
    match entity {
        Entity::Media(_) | Entity::Resource(_) | Entity::Term(_) => {
            "replace it (replace_item) or detach it (detach_item) on those pages first"
        }
        Entity::LearningObject(_) => "remove it from those courses, or unlink the tool items that link to it, first",
        _ => "remove those uses first",
    }
}

fn list(entities: &[Entity]) -> String {
    const SHOWN: usize = 5;
    let mut out: Vec<String> = entities.iter().take(SHOWN).map(|e| e.to_string()).collect();
    if entities.len() > SHOWN {
        out.push(format!("and {} more", entities.len() - SHOWN));
    }
    out.join(", ")
}

impl Error {
    pub(crate) fn not_found(entity: impl Into<Entity>) -> Self {
        Error::NotFound { entity: entity.into() }
    }

    pub(crate) fn invalid(field: Field, reason: impl Into<String>) -> Self {
        Error::Invalid { field, reason: reason.into() }
    }

    pub(crate) fn not_in(entity: impl Into<Entity>, container: impl Into<Entity>) -> Self {
        Error::NotIn { entity: entity.into(), container: container.into() }
    }

    pub(crate) fn already_in(entity: impl Into<Entity>, container: impl Into<Entity>) -> Self {
        Error::AlreadyIn { entity: entity.into(), container: container.into() }
    }
}

/// A field of the API that an [`Error::Invalid`] or an
/// [`Error::Conflict`] names. It prints as the field's name in snake case
/// (`course_id`, `time_zone`), as the Rust API spells it; a server
/// translates it to its own wire names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Field {
    /// A course's LMS-visible id.
    CourseId,
    /// A course's id in an outside system.
    ExternalId,
    /// A title: of a course, a learning object, a page, a tool item.
    Title,
    /// A name: of a user, a style, a library item.
    Name,
    /// A learning object's description.
    Description,
    /// A page's body.
    Body,
    /// A course's player layout.
    PlayerLayout,
    /// A key of a course's details.
    Details,
    /// A course's navigation setting.
    Navigation,
    /// A self-enrollment access code.
    AccessCode,
    /// A course's locale.
    Locale,
    /// A course's duration.
    Duration,
    /// A course's enrollment.
    Enrollment,
    /// A tool item's start date.
    Start,
    /// A tool item's end date.
    End,
    /// A tool item's due date.
    Due,
    /// A date moved by a shift.
    Date,
    /// A time given as text.
    Timestamp,
    /// A time zone.
    TimeZone,
    /// The date shift of a copy.
    DateShift,
    /// The target of a copy.
    Target,
    /// The learning objects and pages a copy picks ([`ContentPick`](crate::ContentPick)).
    Selection,
    /// A course reference (`_12_1`, `courseId:X`, ...).
    Course,
    /// A tool item's link.
    Link,
    /// A course's tool items.
    Tools,
    /// A group of a tool item.
    Group,
    /// A discussion's posts.
    Posts,
    /// A group set's groups.
    Groups,
    /// A gradebook column's grades.
    Grades,
    /// A page's library items.
    Items,
    /// A user's role.
    Role,
    /// A position in a list.
    Position,
    /// A course's lock.
    Lock,
    /// The number of tasks that may run at a time.
    Limit,
    /// The field of a linked copy to revert.
    #[cfg_attr(feature = "serde", serde(rename = "field"))]
    LinkedField,
}

impl Field {
    /// The field's name, snake case: `course_id`, `time_zone`.
    pub fn name(self) -> &'static str {
        match self {
            Field::CourseId => "course_id",
            Field::ExternalId => "external_id",
            Field::Title => "title",
            Field::Name => "name",
            Field::Description => "description",
            Field::Body => "body",
            Field::PlayerLayout => "player_layout",
            Field::Details => "details",
            Field::Navigation => "navigation",
            Field::AccessCode => "access_code",
            Field::Locale => "locale",
            Field::Duration => "duration",
            Field::Enrollment => "enrollment",
            Field::Start => "start",
            Field::End => "end",
            Field::Due => "due",
            Field::Date => "date",
            Field::Timestamp => "timestamp",
            Field::TimeZone => "time_zone",
            Field::DateShift => "date_shift",
            Field::Target => "target",
            Field::Selection => "selection",
            Field::Course => "course",
            Field::Link => "link",
            Field::Tools => "tools",
            Field::Group => "group",
            Field::Posts => "posts",
            Field::Groups => "groups",
            Field::Grades => "grades",
            Field::Items => "items",
            Field::Role => "role",
            Field::Position => "position",
            Field::Lock => "lock",
            Field::Limit => "limit",
            Field::LinkedField => "field",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An action a user may or may not be allowed, as reported by
/// [`Error::Forbidden`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Action {
    /// Create or change users (Administrators only).
    ManageUsers,
    /// Create a course, by hand or as a copy (Administrators and Authors).
    CreateCourse,
    /// Read a course, which copying it needs.
    ReadCourse(CourseKey),
    /// Change a course: its data, its LO list, or the LOs and pages reached
    /// through it.
    EditCourse(CourseKey),
    /// Create, change or delete global library items (Administrators and
    /// Authors).
    EditLibrary,
    /// Delete a learning object that no course includes.
    DeleteLearningObject(LoKey),
    /// Cancel a copy task (the user who requested it, or an Administrator).
    CancelTask(TaskKey),
    /// Lock a course (Administrators any; Authors those assigned to them).
    LockCourse(CourseKey),
    /// Unlock a course (the user who locked it, or an Administrator).
    UnlockCourse(CourseKey),
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::ManageUsers => write!(f, "manage users"),
            Action::CreateCourse => write!(f, "create courses"),
            Action::ReadCourse(c) => write!(f, "read {c}"),
            Action::EditCourse(c) => write!(f, "edit {c}"),
            Action::EditLibrary => write!(f, "edit the global library"),
            Action::DeleteLearningObject(lo) => write!(f, "delete {lo}"),
            Action::CancelTask(task) => write!(f, "cancel {task}"),
            Action::LockCourse(c) => write!(f, "lock {c}"),
            Action::UnlockCourse(c) => write!(f, "unlock {c}"),
        }
    }
}

/// What [`Error::ItemLocked`] refused, for its message.
fn what_is_refused(field: Option<Field>) -> String {
    match field {
        Some(field) => format!("its {field} cannot be edited"),
        None => "it cannot be deleted".to_string(),
    }
}
