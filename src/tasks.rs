//! Tasks: LMS copy requests queued, run in bounded steps, polled for
//! progress (LMS-4..7).
//!
//! A request is checked and accepted at once, and becomes a task. The host
//! drives the queue with a budget of work units a call, so that it bounds
//! how long a call takes. At most the task limit run at a time (4 unless
//! set); the others wait in request order.
//!
//! While a task copies into a course, the course can be read but not edited
//! ([`Error::Busy`]). Edits to the *source* go on as usual: the task copies
//! the source as it was when the request was accepted (LMS-7), through the
//! store's write barrier.

use crate::access::{require, require_for_task};
use crate::copy::{CopyRequest, CourseRef, plan};
use crate::data::{CopyJob, DateShiftReport, Ending, Phase, TaskState, TaskStatus, Timestamp};
use crate::error::{Action, Error};
use crate::handles::{TaskKey, UserKey};
use crate::store::Store;

/// Accepts an LMS copy request (LMS-1): checks it at once and queues a task.
pub(crate) fn request_copy(
    store: &mut Store,
    actor: UserKey,
    source: &CourseRef,
    request: &CopyRequest,
    now: Timestamp,
) -> Result<TaskKey, Error> {
    let plan = plan::plan_request(store, actor, source, request, now)?;
    let job = CopyJob::start(store, plan)?;
    Ok(store.insert_task(actor, job))
}

/// The status of a task, as an integration polls it.
pub(crate) fn task_status(store: &Store, task: TaskKey) -> Result<TaskStatus, Error> {
    let t = store.task(task)?;
    let state = match &t.phase {
        Phase::Queued => TaskState::Queued { position: store.queue_position(task).unwrap_or(0) },
        Phase::Running => TaskState::Running { percent: t.percent },
        Phase::Finished(ending) => ending.state(),
    };
    Ok(TaskStatus {
        id: format!("_{}_1", t.pk),
        percent_complete: t.percent,
        started: t.started,
        target: t.target,
        date_shift: t.dates.clone(),
        state,
    })
}

/// Sets how many tasks may run at a time (at least 1).
pub(crate) fn set_task_limit(store: &mut Store, actor: UserKey, limit: usize) -> Result<(), Error> {
    require(store, actor, Action::ManageUsers)?;
    if limit == 0 {
        return Err(Error::invalid(crate::Field::Limit, "at least one task must be able to run"));
    }
    store.set_task_limit(limit);
    Ok(())
}

/// Does at most `budget` units of work, shared among the running tasks,
/// starting queued tasks (at `now`) as places free up. Returns the units
/// done.
pub(crate) fn run_tasks(store: &mut Store, budget: u64, now: Timestamp) -> u64 {
    let mut left = budget;
    store.start_queued(now);
    while left > 0 && !store.running().is_empty() {
        let running = store.running().to_vec();
        let slice = (left / running.len() as u64).max(1);
        let before = left;
        for task in &running {
            if left == 0 {
                break;
            }
            left -= step_task(store, *task, slice.min(left));
        }
        store.start_queued(now);
        // Every running task works or ends each pass; a pass that did
        // neither would come round again the same: stop rather than spin.
        if left == before && store.running() == running.as_slice() {
            break;
        }
    }
    budget - left
}

/// Cancels a queued or running task and undoes its work (LMS-4).
pub(crate) fn cancel_task(store: &mut Store, actor: UserKey, task: TaskKey) -> Result<(), Error> {
    let finished = matches!(store.task(task)?.phase, Phase::Finished(_));
    require(store, actor, Action::CancelTask(task))?;
    if finished {
        return Err(Error::TaskEnded { task });
    }
    end_task(store, task, Ending::Cancelled, None);
    Ok(())
}

/// Runs one task for at most `budget` units; returns the units done.
fn step_task(store: &mut Store, task: TaskKey, budget: u64) -> u64 {
    let ran = store.with_job(task, |job, store| {
        let right = if job.new_target { Action::CreateCourse } else { Action::EditCourse(job.target) };
        if let Err(refused) = require_for_task(store, job.requester, right) {
            return (0, Some((Ending::Incomplete { reason: refused.to_string() }, None)));
        }
        let used = job.run(store, budget);
        let ending = job.is_done().then(|| {
            let (course, issues) = (job.target, job.issues.clone());
            let ending = if issues.is_empty() {
                Ending::Complete { course }
            } else {
                Ending::CompleteWithErrors { course, issues }
            };
            (ending, job.date_report(store))
        });
        (used, ending)
    });
    let Some((used, ending)) = ran else { return 0 };
    if let Some((ending, dates)) = ending {
        end_task(store, task, ending, dates);
    }
    used
}

/// Ends a task: undoes its work unless it completed, frees its target,
/// drops its snapshot.
fn end_task(store: &mut Store, task: TaskKey, ending: Ending, dates: Option<DateShiftReport>) {
    let completed = ending.completed();
    if let (Some(job), false) = (store.finish_task(task, ending, dates), completed) {
        job.rollback(store);
    }
}
