//! Courses: create, update, delete, locks, assigned users, styles, and the course a reference names.

use super::*;

impl Workspace {
    /// Locks a course (ACC-4). Administrators may lock any course, Authors
    /// the courses assigned to them. A course a copy task is filling cannot
    /// be locked ([`Error::Busy`]).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`] when the actor may not edit the
    /// course; [`Error::Busy`] while a copy task fills it; [`Error::Locked`] when it is locked already.
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
        edit::courses::set_lock(&mut self.store, actor, course, true)
    }

    /// Unlocks a course: the user who locked it, or an Administrator.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`] unless the actor locked it or is an
    /// Administrator; [`Error::Invalid`] (`lock`) when it is not locked.
    pub fn unlock_course(&mut self, actor: UserKey, course: CourseKey) -> Result<(), Error> {
        edit::courses::set_lock(&mut self.store, actor, course, false)
    }

    /// The numeric id ([`Course::numeric_id`](crate::Course::numeric_id))
    /// the next course inserted gets, by a create or a copy: for hosts
    /// that derive a new course's `course_id` from it (an LMS whose
    /// courses are known by number). O(1).
    ///
    /// ```
    /// use coursecopy::{NewCourse, Workspace};
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let next = ws.next_course_id();
    /// let course = ws.create_course(admin, NewCourse::new(format!("canvas-{next}"), "Biology"))?;
    /// assert_eq!(ws.course(course)?.numeric_id(), next);
    /// assert_eq!(ws.next_course_id(), next + 1);
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    #[must_use]
    pub fn next_course_id(&self) -> u64 {
        self.store.next_course_pk()
    }

    /// Creates a course. Needs an Administrator or an Author; the creator is
    /// assigned to it.
    ///
    /// Fails with [`Error::Conflict`] when the `course_id` or `external_id`
    /// is taken (OPT-3) and [`Error::Invalid`] when a field breaks its limits
    /// (LMS-12).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor or banner image; [`Error::Forbidden`] unless the actor may create
    /// courses; [`Error::Conflict`] when the `course_id` or `external_id` is taken (OPT-3); [`Error::Invalid`],
    /// naming the field, when a value breaks its limits (LMS-12).
    pub fn create_course(&mut self, actor: UserKey, spec: NewCourse) -> Result<CourseKey, Error> {
        let now = spec.fields.time_or_clock();
        edit::courses::create_course(&mut self.store, actor, spec, now)
    }

    /// Changes a course's own data: title, description, player layout,
    /// details, `external_id` (SHR-6: the change stays in this course).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, actor or banner image; [`Error::Forbidden`] when the actor may not
    /// edit the course; [`Error::Busy`] or [`Error::Locked`] while it is being copied into or locked;
    /// [`Error::Conflict`] when the new `external_id` is taken; [`Error::Invalid`], naming the field, for a value
    /// out of its limits or a `course_id` other than the course's own (LMS-10).
    ///
    /// ```
    /// use coursecopy::{CourseChange, Error, NewCourse, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// ws.update_course(admin, course, CourseChange::new().title("Biology I").external_id("sis-42"))?;
    /// assert_eq!(ws.course(course)?.title(), "Biology I");
    /// assert_eq!(ws.find_course_by_external_id("sis-42"), Some(course));
    /// let blank = ws.update_course(admin, course, CourseChange::new().title(" "));
    /// assert!(matches!(blank, Err(Error::Invalid { field: coursecopy::Field::Title, .. })));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn update_course(&mut self, actor: UserKey, course: CourseKey, change: CourseChange) -> Result<(), Error> {
        let now = change.fields.time_or_clock();
        edit::courses::update_course(&mut self.store, actor, course, change, now)
    }

    /// Deletes a course.
    ///
    /// The learning objects it includes stay (another course may include
    /// them, and [`add_learning_object`](Self::add_learning_object) can
    /// re-use them); those it was the parent of lose their parent. Its styles
    /// are deleted, and pages that applied one of them lose that style.
    /// O(LOs + pages) when the course had styles.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`] when the actor may not edit it;
    /// [`Error::Busy`] or [`Error::Locked`] while it is being copied into or locked.
    pub fn delete_course(&mut self, actor: UserKey, course: CourseKey) -> Result<(), Error> {
        edit::courses::delete_course(&mut self.store, actor, course)
    }

    /// Assigns a user to a course: an Author may then edit it, a Reviewer
    /// read it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, actor or user; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::AlreadyIn`] when the user is assigned already.
    pub fn assign_user(&mut self, actor: UserKey, course: CourseKey, user: UserKey) -> Result<(), Error> {
        edit::courses::set_assigned(&mut self.store, actor, course, user, true)
    }

    /// Takes a user's assignment to a course away.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, actor or user; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the user is not assigned.
    pub fn unassign_user(&mut self, actor: UserKey, course: CourseKey, user: UserKey) -> Result<(), Error> {
        edit::courses::set_assigned(&mut self.store, actor, course, user, false)
    }

    /// Creates a style in a course; pages reached through the course can
    /// then apply it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::Invalid`] (`name`) for a blank or too long name.
    pub fn create_style(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        name: &str,
        css: &str,
    ) -> Result<StyleKey, Error> {
        edit::courses::create_style(&mut self.store, actor, course, name, css)
    }

    /// The course a [`CourseRef`] names.
    ///
    /// ```
    /// use coursecopy::{CourseRef, Error, NewCourse, Workspace};
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// assert_eq!(ws.resolve_course(&"courseId:BIO-101".parse()?)?, course);
    /// let missing = ws.resolve_course(&"courseId:CHEM-1".parse()?);
    /// assert_eq!(missing, Err(Error::UnknownCourse { course: "courseId:CHEM-1".into() }));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a stale handle; [`Error::UnknownCourse`], naming the reference as written, when no
    /// course has the id asked for. (Parsing a reference that is none of the forms is
    /// [`Error::Invalid`] ([`Field::Course`](crate::Field::Course)), from `CourseRef`'s `FromStr`.)
    pub fn resolve_course(&self, course: &CourseRef) -> Result<CourseKey, Error> {
        copy::resolve_course(&self.store, course)
    }
}
