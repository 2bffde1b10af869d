//! What the dashboard shows, read from the model: a page of courses, one
//! course's learning objects and pages, and the jobs (Learn copy tasks,
//! Canvas content migrations, blueprint syncs). Read-only: nothing here
//! changes the model.
//!
//! Each view is JSON for the page's script, which writes every string
//! into the page as text, never as markup.

use crate::blueprints::SyncState;
use crate::migrations::MigrationState;
use crate::model::{CourseQuery, CourseText, Model};
use coursecopy::{CourseKey, LoKey, PageKey, Role, TaskState, Timestamp, Workspace};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

/// The most courses one page of the list holds.
pub const MAX_PER_PAGE: usize = 100;

/// How many ended jobs the job list keeps, newest first, after every
/// unfinished one.
pub const ENDED_JOBS_SHOWN: usize = 50;

/// A page of courses whose title, `course_id` or external id holds `q`
/// (any case), in numeric id order: `page` counts from 0.
pub fn courses(model: &Model, q: &str, page: usize, per_page: usize) -> Value {
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let keys = matching_courses(model, q);
    let total = keys.len();
    let rows: Vec<Value> =
        keys.iter().skip(page.saturating_mul(per_page)).take(per_page).map(|k| course_row(model, *k)).collect();
    json!({ "total": total, "page": page, "perPage": per_page, "courses": rows })
}

/// Every course matching `q`, as an administrator sees them.
fn matching_courses(model: &Model, q: &str) -> Vec<CourseKey> {
    let Some(admin) = model.ws.users().find(|(_, u)| u.role() == Role::Administrator).map(|(k, _)| k) else {
        return Vec::new();
    };
    let q = q.trim();
    let query = CourseQuery {
        any: (!q.is_empty())
            .then(|| (vec![CourseText::Title, CourseText::CourseId, CourseText::ExternalId], q.to_string())),
        ..CourseQuery::default()
    };
    model.courses(admin, &query)
}

/// How a learning object is reused: in more than one course (shared), a
/// linked copy (with an upstream), a plain duplicate (with an origin, no
/// upstream). An LO can be shared and linked at once.
#[derive(Clone, Copy, Default)]
struct Reuse {
    shared: bool,
    linked: bool,
    duplicated: bool,
}

impl Reuse {
    fn of(ws: &Workspace, lo: LoKey) -> Reuse {
        let Ok(record) = ws.learning_object(lo) else { return Reuse::default() };
        let linked = record.link().is_some_and(|l| l.upstream.is_some());
        Reuse { shared: record.used_in().len() > 1, linked, duplicated: !linked && record.origin().is_some() }
    }

    /// The one word the page's badge shows first.
    fn kind(self) -> &'static str {
        match self {
            Reuse { linked: true, .. } => "linked",
            Reuse { shared: true, .. } => "shared",
            Reuse { duplicated: true, .. } => "duplicated",
            _ => "own",
        }
    }
}

/// One course of the list: its ids in both APIs and how many of its
/// learning objects are shared, linked or duplicated (an LO shared and
/// linked counts in both).
fn course_row(model: &Model, key: CourseKey) -> Value {
    let ws = &model.ws;
    let Ok(c) = ws.course(key) else { return Value::Null };
    let reuse: Vec<Reuse> = c.learning_objects().map(|lo| Reuse::of(ws, lo)).collect();
    let count = |f: fn(&Reuse) -> bool| reuse.iter().filter(|r| f(r)).count();
    let updates = ws.updates_available(key).map(|v| v.len()).unwrap_or(0);
    json!({
        "id": c.numeric_id(),
        "title": c.title(),
        "courseId": c.course_id(),
        "learnId": c.lms_id(),
        "canvasId": c.numeric_id(),
        "learningObjects": reuse.len(),
        "shared": count(|r| r.shared),
        "duplicated": count(|r| r.duplicated),
        "linked": count(|r| r.linked),
        "updatesAvailable": updates,
        "blueprint": model.template_of(c.numeric_id()).is_some(),
        "locked": c.locked_by().is_some(),
    })
}

/// A course named by numeric id, with its learning objects (their kind,
/// where used, upstream and downstreams) and pages; `None` if there is
/// none.
pub fn course(model: &Model, id: u64) -> Option<Value> {
    let ws = &model.ws;
    let key = ws.resolve_course(&coursecopy::CourseRef::PrimaryId(id)).ok()?;
    let c = ws.course(key).ok()?;
    let pending: BTreeSet<LoKey> = ws.updates_available(key).map(|v| v.into_iter().collect()).unwrap_or_default();
    let los: Vec<Value> = c.learning_objects().map(|lo| learning_object(ws, lo, pending.contains(&lo))).collect();
    Some(json!({ "course": course_row(model, key), "learningObjects": los }))
}

/// A course as the views name it elsewhere: numeric id, title, `course_id`.
fn course_ref(ws: &Workspace, key: Option<CourseKey>) -> Value {
    match key.and_then(|k| ws.course(k).ok()) {
        Some(c) => json!({ "id": c.numeric_id(), "title": c.title(), "courseId": c.course_id() }),
        None => Value::Null,
    }
}

fn learning_object(ws: &Workspace, lo: LoKey, update_available: bool) -> Value {
    let Ok(record) = ws.learning_object(lo) else { return Value::Null };
    let upstream = record.link().and_then(|l| l.upstream.map(|up| (up, l.upstream_course)));
    let upstream = upstream.map(|(up, course)| {
        let title = ws.learning_object(up).map(|u| u.title().to_string()).unwrap_or_default();
        json!({ "title": title, "course": course_ref(ws, course) })
    });
    let mut downstreams: Vec<Value> = Vec::new();
    // Each downstream page counted once, under the page it is a copy of.
    let mut copies: HashMap<PageKey, usize> = HashMap::new();
    for d in ws.downstreams(lo).unwrap_or_default().iter().filter_map(|d| ws.learning_object(*d).ok()) {
        let courses: Vec<Value> = d.used_in().iter().map(|k| course_ref(ws, Some(k))).collect();
        downstreams.push(json!({ "title": d.title(), "courses": courses }));
        for q in d.pages() {
            if let Some(up) = ws.page_link(q).ok().flatten().and_then(|l| l.upstream) {
                *copies.entry(up).or_default() += 1;
            }
        }
    }
    let pages: Vec<Value> = record.pages().filter_map(|p| page(ws, p, copies.get(&p).copied().unwrap_or(0))).collect();
    let reuse = Reuse::of(ws, lo);
    json!({
        "id": record.numeric_id(),
        "title": record.title(),
        "kind": reuse.kind(),
        "shared": reuse.shared,
        "linked": reuse.linked,
        "duplicated": reuse.duplicated,
        "usedIn": record.used_in().iter().map(|k| course_ref(ws, Some(k))).collect::<Vec<_>>(),
        "upstream": upstream,
        "downstreams": downstreams,
        "updateAvailable": update_available,
        "pages": pages,
    })
}

/// A page: its upstream page's title, and how many linked copies of it
/// the downstream learning objects hold.
fn page(ws: &Workspace, p: PageKey, downstreams: usize) -> Option<Value> {
    let page = ws.page(p).ok()?;
    let upstream = ws.page_link(p).ok().flatten().and_then(|l| l.upstream);
    let upstream_title = upstream.map(|u| ws.page(u).map(|up| up.title().to_string()).unwrap_or_default());
    Some(json!({
        "id": page.numeric_id(),
        "title": page.title(),
        "linked": upstream.is_some(),
        "upstream": upstream_title,
        "downstreams": downstreams,
    }))
}

/// A job, before it is rendered: which, where it sorts, and when it
/// ended. Listing every job costs a walk without lookups; only the jobs
/// shown are rendered (their status read, their labels and issues
/// written), so a server that ran thousands of copies pays the costly
/// part for the few it lists.
struct JobRef<'a> {
    which: Which<'a>,
    /// Kind (migrations, syncs, copies), then number.
    order: (u8, u64),
    ended: Option<Timestamp>,
}

enum Which<'a> {
    Migration(u64),
    Sync(&'a crate::blueprints::Sync),
    Copy(&'a str, &'a crate::model::Accepted),
}

/// The jobs: every unfinished one (migrations, syncs, then Learn copies,
/// each in the order they were asked for), then up to
/// [`ENDED_JOBS_SHOWN`] ended ones, the last to end first; each with its
/// kind, state, percent, queue place and issues (a partial copy's dropped
/// references).
pub fn jobs(model: &Model) -> Vec<Value> {
    let mut refs: Vec<JobRef<'_>> = Vec::new();
    let mut owned: BTreeSet<&str> = BTreeSet::new();
    for m in model.migrations.values() {
        let ended = match &m.state {
            MigrationState::Failed { at, .. } => Some(*at),
            MigrationState::Task { task } => {
                owned.insert(task);
                model.tasks.get(task).and_then(|t| t.ended)
            }
            _ => None,
        };
        refs.push(JobRef { which: Which::Migration(m.id), order: (0, m.id), ended });
    }
    for sync in model.syncs.values() {
        owned.extend(sync.parts.iter().filter_map(|p| p.task.as_deref()));
        let ended = matches!(sync.state, SyncState::Completed | SyncState::ImportsFailed)
            .then(|| sync.finished.unwrap_or(sync.created));
        refs.push(JobRef { which: Which::Sync(sync), order: (1, sync.id), ended });
    }
    for (id, accepted) in model.tasks.iter().filter(|(id, _)| !owned.contains(id.as_str())) {
        let number = id.trim_start_matches('_').split('_').next().and_then(|n| n.parse().ok()).unwrap_or(u64::MAX);
        refs.push(JobRef { which: Which::Copy(id, accepted), order: (2, number), ended: accepted.ended });
    }
    let (mut ended, mut unfinished): (Vec<_>, Vec<_>) = refs.into_iter().partition(|r| r.ended.is_some());
    unfinished.sort_by_key(|r| r.order);
    ended.sort_by_key(|r| std::cmp::Reverse((r.ended, r.order)));
    unfinished.iter().chain(ended.iter().take(ENDED_JOBS_SHOWN)).filter_map(|r| render(model, r)).collect()
}

fn render(model: &Model, job: &JobRef<'_>) -> Option<Value> {
    match job.which {
        Which::Migration(id) => model.migration(id).map(|status| migration_job(model, &status)),
        Which::Sync(sync) => {
            let template = model.templates.get(&sync.template)?;
            let progress = crate::canvas::sync_progress(model, sync, template.course, "");
            let label = format!("blueprint sync of {}", course_title(&model.ws, template.course));
            // Its place: that of its first copy task still queued.
            let place = sync
                .parts
                .iter()
                .filter_map(|p| model.task(p.task.as_deref()?))
                .filter_map(|(_, t)| match t.state {
                    TaskState::Queued { position } => Some(position),
                    _ => None,
                })
                .min();
            Some(job_json("sync", sync.id.to_string(), label, &progress, place, Vec::new()))
        }
        Which::Copy(id, accepted) => model.ws.task_status(accepted.key).ok().map(|s| copy_job(model, id, &s)),
    }
}

/// A course named by numeric id, as a job's label names it.
fn course_title(ws: &Workspace, id: u64) -> String {
    let key = ws.resolve_course(&coursecopy::CourseRef::PrimaryId(id)).ok();
    key.and_then(|k| course_label(ws, k)).unwrap_or_else(|| format!("course {id} (deleted)"))
}

/// "Title [course_id]"; `None` for a course no longer there.
fn course_label(ws: &Workspace, key: CourseKey) -> Option<String> {
    ws.course(key).ok().map(|c| format!("{} [{}]", c.title(), c.course_id()))
}

fn job_json(
    kind: &str,
    id: String,
    label: String,
    progress: &Value,
    place: Option<usize>,
    issues: Vec<String>,
) -> Value {
    json!({
        "kind": kind,
        "id": id,
        "label": label,
        "state": progress["workflow_state"],
        "percent": progress["completion"],
        "message": progress["message"],
        "queuePlace": place,
        "issues": issues,
    })
}

fn migration_job(model: &Model, status: &crate::migrations::MigrationStatus<'_>) -> Value {
    let m = status.migration;
    let progress = crate::canvas::migration_progress(&model.ws, status, "");
    let place = status.task.as_ref().and_then(|(_, t)| match t.state {
        TaskState::Queued { position } => Some(position),
        _ => None,
    });
    let label = format!("{} → {}", course_title(&model.ws, m.source), course_title(&model.ws, m.target));
    let issues = crate::canvas::migration_issues(&model.ws, status);
    job_json("migration", m.id.to_string(), label, &progress, place, issues)
}

fn copy_job(model: &Model, id: &str, status: &coursecopy::TaskStatus) -> Value {
    let (state, place, message) = match &status.state {
        TaskState::Queued { position } => ("queued", Some(*position), None),
        TaskState::Running { .. } => ("running", None, None),
        TaskState::Complete { .. } | TaskState::CompleteWithErrors { .. } => ("completed", None, None),
        TaskState::Incomplete { reason } => ("failed", None, Some(reason.clone())),
        // A Learn copy is cancelled only by an injected failure (Learn
        // has no cancel; migrations and syncs cancel their own tasks, and
        // are shown as such): Learn's clients read it as Incomplete.
        _ => ("failed", None, Some("injected failure: the copy was cancelled before it ran".to_string())),
    };
    let percent = if state == "completed" { 100 } else { status.percent_complete };
    let issues = match &status.state {
        TaskState::CompleteWithErrors { issues, .. } => {
            issues.iter().map(|i| crate::canvas::issue_text(&model.ws, i)).collect()
        }
        _ => Vec::new(),
    };
    let target = course_label(&model.ws, status.target);
    let label = format!("copy into {}", target.unwrap_or_else(|| "a course since removed".into()));
    let progress = json!({ "workflow_state": state, "completion": percent, "message": message });
    job_json("copy", id.to_string(), label, &progress, place, issues)
}
