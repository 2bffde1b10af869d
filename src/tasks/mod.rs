//! Tasks: LMS copy requests queued, run in bounded steps, polled for
//! progress (LMS-4..7).
//!
//! A request is checked and accepted at once, and returns a [`TaskKey`].
//! The host then drives the queue with [`Workspace::run_tasks`], giving each
//! call a budget of work units, so that it bounds how long a call takes. At
//! most [`Workspace::task_limit`] tasks run at a time (4 unless set); the
//! others wait in request order.
//!
//! While a task copies into a course, the course can be read but not edited
//! ([`Error::Busy`]). Edits to the *source* go on as usual: the task copies
//! the source as it was when the request was accepted (LMS-7). Pages the
//! copy still has to read are saved just before they change (copy on
//! write), so accepting a request costs O(learning objects), not O(pages).

pub use crate::data::{DEFAULT_TASK_LIMIT, TaskState, TaskStatus};
use crate::data::{Phase, Task};

use crate::copy::{CopyJob, CopyRequest, CourseRef};
use crate::data::Timestamp;
use crate::{Action, Error, Page, PageKey, TaskKey, UserKey, Workspace};

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
        let plan = self.plan_request(actor, &source.into(), request)?;
        let job = CopyJob::start(self, plan);
        let target = job.target;
        self.next_task_pk = self.next_task_pk.saturating_add(1);
        let task = self.tasks.insert(Task {
            pk: self.next_task_pk,
            requested_by: actor,
            phase: Phase::Queued,
            started: None,
            job: Some(job),
            target,
            percent: 0,
        });
        self.busy.insert(target, task);
        self.queue.push_back(task);
        Ok(task)
    }

    /// The status of a task, as an integration polls it.
    pub fn task_status(&self, task: TaskKey) -> Result<TaskStatus, Error> {
        let t = self.tasks.get(task).ok_or_else(|| Error::not_found(task))?;
        let state = match &t.phase {
            Phase::Queued => {
                TaskState::Queued { position: self.queue.iter().position(|k| *k == task).map_or(0, |p| p + 1) }
            }
            Phase::Running => TaskState::Running { percent: t.percent },
            Phase::Finished(state) => state.clone(),
        };
        Ok(TaskStatus {
            id: format!("_{}_1", t.pk),
            percent_complete: t.percent,
            started: t.started,
            target: t.target,
            state,
        })
    }

    /// Every task, finished or not, in handle order.
    pub fn tasks(&self) -> impl Iterator<Item = TaskKey> + '_ {
        self.tasks.iter().map(|(k, _)| k)
    }

    /// How many tasks may run at a time.
    pub fn task_limit(&self) -> usize {
        self.task_limit
    }

    /// Sets how many tasks may run at a time (at least 1). Administrators
    /// only. Tasks already running go on; the limit applies to the next to
    /// start.
    pub fn set_task_limit(&mut self, actor: UserKey, limit: usize) -> Result<(), Error> {
        self.require(actor, Action::ManageUsers)?;
        if limit == 0 {
            return Err(Error::invalid("limit", "at least one task must be able to run"));
        }
        self.task_limit = limit;
        Ok(())
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
    /// still do it; if not, it ends [`Incomplete`](TaskState::Incomplete) and
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
        let mut left = budget;
        self.start_queued(now);
        while left > 0 && !self.running.is_empty() {
            let slice = (left / self.running.len() as u64).max(1);
            for task in self.running.clone() {
                if left == 0 {
                    break;
                }
                left -= self.step_task(task, slice.min(left));
            }
            self.running.retain(|t| matches!(self.tasks.get(*t).map(|t| &t.phase), Some(Phase::Running)));
            self.start_queued(now);
        }
        budget - left
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
    pub fn cancel_task(&mut self, actor: UserKey, task: TaskKey) -> Result<(), Error> {
        let t = self.tasks.get(task).ok_or_else(|| Error::not_found(task))?;
        self.user(actor)?;
        if t.requested_by != actor && self.require(actor, Action::ManageUsers).is_err() {
            return Err(Error::Forbidden { user: actor, action: Action::CancelTask(task) });
        }
        if matches!(t.phase, Phase::Finished(_)) {
            return Err(Error::TaskEnded { task });
        }
        self.end_task(task, TaskState::Cancelled);
        Ok(())
    }

    /// Moves queued tasks to running while places are free.
    fn start_queued(&mut self, now: Timestamp) {
        while self.running.len() < self.task_limit {
            let Some(task) = self.queue.pop_front() else {
                break;
            };
            if let Some(t) = self.tasks.get_mut(task) {
                t.phase = Phase::Running;
                t.started = Some(now);
                self.running.push(task);
            }
        }
    }

    /// Runs one task for at most `budget` units; returns the units done.
    fn step_task(&mut self, task: TaskKey, budget: u64) -> u64 {
        let Some(mut job) = self.tasks.get_mut(task).and_then(|t| t.job.take()) else {
            return 0;
        };
        let right = if job.new_target { Action::CreateCourse } else { Action::EditCourse(job.target) };
        if let Err(refused) = self.require_ignoring_busy(job.requester, right) {
            self.put_job(task, job);
            self.end_task(task, TaskState::Incomplete { reason: refused.to_string() });
            return 0;
        }
        let used = job.run(self, budget);
        let done = job.is_done();
        let percent = job.percent();
        let outcome = (job.target, job.issues.clone());
        self.put_job(task, job);
        if let Some(t) = self.tasks.get_mut(task) {
            t.percent = t.percent.max(percent);
        }
        if done {
            let (course, issues) = outcome;
            let state = if issues.is_empty() {
                TaskState::Complete { course }
            } else {
                TaskState::CompleteWithErrors { course, issues }
            };
            self.end_task(task, state);
        }
        used
    }

    fn put_job(&mut self, task: TaskKey, job: CopyJob) {
        if let Some(t) = self.tasks.get_mut(task) {
            t.job = Some(job);
        }
    }

    /// Ends a task: undoes its work unless it completed, frees its target,
    /// drops its snapshot.
    fn end_task(&mut self, task: TaskKey, state: TaskState) {
        let Some(t) = self.tasks.get_mut(task) else {
            return;
        };
        let job = t.job.take();
        let completed = matches!(state, TaskState::Complete { .. } | TaskState::CompleteWithErrors { .. });
        if completed {
            t.percent = 100;
        }
        t.phase = Phase::Finished(state);
        self.queue.retain(|k| *k != task);
        self.running.retain(|k| *k != task);
        self.busy.retain(|_, k| *k != task);
        if let (Some(job), false) = (job, completed) {
            job.rollback(self);
        }
    }

    /// Saves a page as it is into the overlay of every task that will still
    /// read it, before the page changes. O(1) when no task is pending;
    /// otherwise O(log LOs) a pending task.
    pub(crate) fn save_for_tasks(&mut self, page: PageKey) {
        if self.queue.is_empty() && self.running.is_empty() {
            return;
        }
        let Some(record) = self.pages.get(page) else {
            return;
        };
        for task in self.queue.iter().chain(&self.running) {
            if let Some(job) = self.tasks.get_mut(*task).and_then(|t| t.job.as_mut())
                && job.reads(record.lo)
            {
                job.overlay.entry(page).or_insert_with(|| record.clone());
            }
        }
    }

    /// A page, for changing it. Every change to a page goes through here or
    /// [`remove_page`](Self::remove_page), so that pending copies keep the
    /// page as it was.
    pub(crate) fn page_mut(&mut self, page: PageKey) -> Option<&mut Page> {
        self.save_for_tasks(page);
        self.pages.get_mut(page)
    }

    /// Removes a page (see [`page_mut`](Self::page_mut)).
    pub(crate) fn remove_page(&mut self, page: PageKey) -> Option<Page> {
        self.save_for_tasks(page);
        let removed = self.pages.remove(page);
        if removed.as_ref().is_some_and(|p| !p.items().is_empty()) {
            self.library_index.invalidate();
        }
        removed
    }
}
