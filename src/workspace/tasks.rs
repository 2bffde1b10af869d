//! The LMS copy flow: requests, tasks, their budgeted steps, their status and cancel.

use super::*;

impl Workspace {
    /// Accepts an LMS copy request for `source` (LMS-1): checks it at once
    /// and queues a task to carry it out. Returns the task.
    ///
    /// Refused, with nothing created, when the actor may not read the
    /// source, may not create courses (new target) or edit the target
    /// (existing target), when the new `course_id` or `external_id` is
    /// taken (LMS-2, [`Error::Conflict`]) or too long (LMS-12), or when the
    /// existing target is already being copied into ([`Error::Busy`]).
    ///
    /// A new target course exists from the start, with the source's record
    /// and no content; it can be read, not edited, until the task ends.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] (a stale handle) or [`Error::UnknownCourse`] when the source or an existing target is
    /// not found;
    /// [`Error::Forbidden`] unless the actor may read the source and create courses (new target) or edit the
    /// target; [`Error::Busy`] or [`Error::Locked`] for an existing target being copied into or locked;
    /// [`Error::Conflict`] when the new `course_id` or `external_id` is taken (LMS-2); [`Error::Invalid`] for an id
    /// out of its limits (LMS-12) or a course copied into itself (`target`).
    ///
    /// ```
    /// use coursecopy::{CopyRequest, CopyTarget, CourseRef, NewCourse, TaskState, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "BIO-102".into() });
    /// let source: CourseRef = "courseId:BIO-101".parse()?;
    /// let task = ws.request_copy(admin, source, &request)?;
    /// assert!(matches!(ws.task_status(task)?.state, TaskState::Queued { position: 1 }));
    /// ws.run_all_tasks();
    /// assert!(matches!(ws.task_status(task)?.state, TaskState::Complete { .. }));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn request_copy(
        &mut self,
        actor: UserKey,
        source: impl Into<CourseRef>,
        request: &CopyRequest,
    ) -> Result<TaskKey, Error> {
        self.request_copy_at(actor, source, request, Timestamp::now())
    }

    /// [`request_copy`](Self::request_copy) at a time the caller gives
    /// rather than the system clock's: a new target's `created` and
    /// `modified`, an existing target's `modified`.
    ///
    /// # Errors
    ///
    /// As [`request_copy`](Self::request_copy).
    pub fn request_copy_at(
        &mut self,
        actor: UserKey,
        source: impl Into<CourseRef>,
        request: &CopyRequest,
        now: Timestamp,
    ) -> Result<TaskKey, Error> {
        crate::tasks::request_copy(&mut self.store, actor, &source.into(), request, now)
    }

    /// The status of a task, as an integration polls it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the task is not found.
    pub fn task_status(&self, task: TaskKey) -> Result<TaskStatus, Error> {
        crate::tasks::task_status(&self.store, task)
    }

    /// Every task, finished or not, in handle order.
    pub fn tasks(&self) -> impl Iterator<Item = TaskKey> + '_ {
        self.store.tasks()
    }

    /// How many tasks may run at a time.
    #[must_use]
    pub fn task_limit(&self) -> usize {
        self.store.task_limit()
    }

    /// Sets how many tasks may run at a time (at least 1). Administrators
    /// only. Tasks already running go on; the limit applies to the next to
    /// start.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing actor; [`Error::Forbidden`] unless the actor is an Administrator;
    /// [`Error::Invalid`] (`limit`) for 0.
    pub fn set_task_limit(&mut self, actor: UserKey, limit: usize) -> Result<(), Error> {
        crate::tasks::set_task_limit(&mut self.store, actor, limit)
    }

    /// Does at most `budget` units of work (one unit: the settings, the
    /// memberships, one learning object, one page or one tool item), shared
    /// among the running tasks, starting queued tasks as places free up.
    /// Returns the units done: fewer than `budget` only when no task is left
    /// to run.
    ///
    /// Tasks that start in this call record `now` as their start time: the
    /// clock is an input, so a run can be replayed exactly. See
    /// [`run_tasks`](Self::run_tasks) for the form that reads the system
    /// clock.
    ///
    /// Before each step a task checks that the user who requested it may
    /// still do it; if not, it ends [`Incomplete`](crate::TaskState::Incomplete) and
    /// undoes its work.
    ///
    /// ```
    /// use coursecopy::{CopyRequest, CopyTarget, NewCourse, Timestamp, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "BIO-102".into() });
    /// let task = ws.request_copy(admin, course, &request)?;
    ///
    /// let now: Timestamp = "2027-01-31T09:30:00.000Z".parse()?;
    /// ws.run_tasks_at(1, now);
    /// assert_eq!(ws.task_status(task)?.started, Some(now));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn run_tasks_at(&mut self, budget: u64, now: Timestamp) -> u64 {
        crate::tasks::run_tasks(&mut self.store, budget, now)
    }

    /// [`run_tasks_at`](Self::run_tasks_at) with the system clock, read
    /// once: the convenience for hosts that do not replay runs.
    pub fn run_tasks(&mut self, budget: u64) -> u64 {
        self.run_tasks_at(budget, Timestamp::now())
    }

    /// Runs every queued and running task to its end, with `now` as the
    /// start time of the tasks that start. Returns the units done.
    pub fn run_all_tasks_at(&mut self, now: Timestamp) -> u64 {
        self.run_tasks_at(u64::MAX, now)
    }

    /// [`run_all_tasks_at`](Self::run_all_tasks_at) with the system clock,
    /// read once (through [`run_tasks`](Self::run_tasks)).
    pub fn run_all_tasks(&mut self) -> u64 {
        self.run_tasks(u64::MAX)
    }

    /// Cancels a queued or running task: its work is undone, a new target
    /// course removed, an existing one left exactly as before (LMS-4). The
    /// user who requested it, or an Administrator, may cancel it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing task or actor; [`Error::Forbidden`] unless the actor requested the task or
    /// is an Administrator; [`Error::TaskEnded`] when it has ended already.
    pub fn cancel_task(&mut self, actor: UserKey, task: TaskKey) -> Result<(), Error> {
        crate::tasks::cancel_task(&mut self.store, actor, task)
    }
}
