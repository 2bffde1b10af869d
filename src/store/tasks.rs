//! Copy tasks: the queue, the running list, busy targets, and the one way a job runs (`with_job`).

use super::*;

impl Store {
    /// Queues a task for `job`, which copies into `target`; marks the
    /// target busy.
    pub(crate) fn insert_task(&mut self, requested_by: UserKey, job: CopyJob) -> TaskKey {
        self.next_task_pk = self.next_task_pk.saturating_add(1);
        let target = job.target;
        let task = self.tasks.insert(Task {
            pk: self.next_task_pk,
            requested_by,
            phase: Phase::Queued,
            started: None,
            job: Some(job),
            target,
            percent: 0,
            dates: None,
        });
        self.busy.insert(target, task);
        self.queue.push_back(task);
        task
    }

    pub(crate) fn set_task_limit(&mut self, limit: usize) {
        self.task_limit = limit.max(1);
    }

    /// Moves queued tasks to running while places are free; they start at
    /// `now`.
    pub(crate) fn start_queued(&mut self, now: Timestamp) {
        while self.running.len() < self.task_limit {
            let Some(task) = self.queue.pop_front() else { break };
            if let Some(t) = self.tasks.get_mut(task) {
                t.phase = Phase::Running;
                t.started = Some(now);
                self.running.push(task);
            }
        }
    }

    /// Runs `work` on a pending task's job and the store, and puts the job
    /// back, raising the task's percent to the job's (it never decreases).
    /// `None`, without running `work`, when the task has no job (it ended).
    ///
    /// While `work` runs the job is out of its task, and the write barrier
    /// keeps its pages all the same: every page `work` changes is saved as
    /// it was, and those the job reads go into its overlay when it is
    /// back. The task cannot be ended meanwhile
    /// ([`finish_task`](Self::finish_task) refuses): it is ended after.
    pub(crate) fn with_job<R>(&mut self, task: TaskKey, work: impl FnOnce(&mut CopyJob, &mut Store) -> R) -> Option<R> {
        let mut job = self.tasks.get_mut(task)?.job.take()?;
        self.lent.push(Lent { task, saved: HashMap::new() });
        let result = work(&mut job, self);
        let at = self.lent.iter().rposition(|l| l.task == task);
        let saved = at.map(|at| self.lent.remove(at).saved).unwrap_or_default();
        for (page, record) in saved {
            if job.reads(record.lo) {
                job.overlay.entry(page).or_insert(record);
            }
        }
        if let Some(t) = self.tasks.get_mut(task) {
            t.percent = t.percent.max(job.percent());
            t.job = Some(job);
        }
        Some(result)
    }

    /// Ends a task: records its state, frees its target and its place in
    /// the queue, and hands back its job (to undo it unless it completed).
    pub(crate) fn finish_task(
        &mut self,
        task: TaskKey,
        ending: Ending,
        dates: Option<crate::data::DateShiftReport>,
    ) -> Option<CopyJob> {
        // A task whose job is out in `with_job` ends once the job is back.
        if self.lent.iter().any(|l| l.task == task) {
            return None;
        }
        let t = self.tasks.get_mut(task)?;
        let job = t.job.take();
        if ending.completed() {
            t.percent = 100;
            t.dates = dates;
        }
        t.phase = Phase::Finished(ending);
        self.queue.retain(|k| *k != task);
        self.running.retain(|k| *k != task);
        self.busy.retain(|_, k| *k != task);
        job
    }

    /// Makes room for `los` more learning objects and `pages` more pages,
    /// ahead of a Duplicate: pages are appended after the arena's last
    /// slot, so free slots do not count for them.
    pub(crate) fn reserve(&mut self, los: usize, pages: usize) {
        self.los.reserve(los);
        self.pages.reserve_appended(pages);
    }

    /// Makes room for `additional` more appended pages
    /// ([`Workspace::reserve_pages`](crate::Workspace::reserve_pages)).
    pub(crate) fn reserve_pages(&mut self, additional: usize) {
        self.pages.reserve_appended(additional);
    }
}
