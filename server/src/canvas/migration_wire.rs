//! ContentMigration, MigrationIssue and Progress as Canvas writes them
//! (`canvas/API.md` §5.1, §5.3, §6), from a migration and its task.
//!
//! | migration | `workflow_state` | progress |
//! | --- | --- | --- |
//! | waiting for its selection | `waiting_for_select` | `queued`, 0 |
//! | waiting for its target, or its task queued | `queued` | `queued`, 0 |
//! | task running | `running` | `running`, the task's percent |
//! | task complete, with or without errors | `completed` | `completed`, 100 |
//! | task incomplete or cancelled, refused at start, injected failure | `failed` | `failed`, with the reason as `message` |

use super::wire::time;
use crate::migrations::{MigrationState, MigrationStatus};
use coursecopy::{Category, CopyIssue, CourseKey, TaskState, Workspace};
use serde_json::{Value, json};

/// What Canvas calls the copy importer.
pub const COPY_TITLE: &str = "Copy a Canvas Course";

/// A user's numeric id: their place among the workspace's users, from 1.
/// Users are never removed, so the place is never reused.
pub fn user_id(ws: &Workspace, name: &str) -> Option<usize> {
    ws.users().position(|(_, u)| u.name() == name).map(|i| i + 1)
}

/// The migration's state in Canvas's words, its progress's state, its
/// completion, and the failure's reason.
fn states(status: &MigrationStatus<'_>) -> (&'static str, &'static str, u8, Option<String>) {
    match (&status.migration.state, &status.task) {
        (MigrationState::WaitingForSelect, _) => ("waiting_for_select", "queued", 0, None),
        (MigrationState::Failed { reason, .. }, _) => ("failed", "failed", 0, Some(reason.clone())),
        (MigrationState::Task { .. }, Some((_, task))) => match &task.state {
            TaskState::Queued { .. } => ("queued", "queued", 0, None),
            TaskState::Running { percent } => ("running", "running", *percent, None),
            TaskState::Complete { .. } | TaskState::CompleteWithErrors { .. } => ("completed", "completed", 100, None),
            TaskState::Incomplete { reason } => ("failed", "failed", task.percent_complete, Some(reason.clone())),
            _ => {
                let message = status.migration.cancelled.clone().unwrap_or_else(|| "the copy was cancelled".into());
                ("failed", "failed", task.percent_complete, Some(message))
            }
        },
        _ => ("queued", "queued", 0, None),
    }
}

/// When it started and ended, as far as it has.
fn times(status: &MigrationStatus<'_>) -> (Option<String>, Option<String>) {
    match (&status.migration.state, &status.task) {
        (MigrationState::Failed { at, .. }, _) => (None, Some(time(*at))),
        (_, Some((accepted, task))) => (task.started.map(time), accepted.ended.map(time)),
        _ => (None, None),
    }
}

/// The migration's issues (LMS-9's dropped references, DAT-5's date
/// warnings), in words, once its copy has ended.
pub fn issues(ws: &Workspace, status: &MigrationStatus<'_>) -> Vec<String> {
    let Some((_, task)) = &status.task else { return Vec::new() };
    let mut out: Vec<String> = match &task.state {
        TaskState::CompleteWithErrors { issues, .. } => issues.iter().map(|i| issue_text(ws, i)).collect(),
        _ => Vec::new(),
    };
    if let Some(report) = &task.date_shift {
        out.extend(report.warnings.iter().map(ToString::to_string));
    }
    out
}

/// One issue of a copy, in words.
pub fn issue_text(ws: &Workspace, issue: &CopyIssue) -> String {
    let lo_title =
        |lo| ws.learning_object(lo).map(|l| l.title().to_string()).unwrap_or_else(|_| "a deleted module".into());
    match issue {
        CopyIssue::DroppedLink { category, source_item, .. } => {
            format!("{category:?} item {source_item}: what it refers to was not copied, so the copy refers to nothing")
        }
        CopyIssue::DroppedLibraryItem { .. } => "a page refers to a file deleted since the copy began".into(),
        CopyIssue::DroppedBannerImage { .. } => "the banner image was deleted since the copy began".into(),
        CopyIssue::MissingContent { learning_object } => {
            format!("the module {:?} was deleted since the copy began", lo_title(*learning_object))
        }
        other => format!("{other:?}"),
    }
}

/// A ContentMigration (§5.1). `base` is the server's own URL.
pub fn content_migration(ws: &Workspace, status: &MigrationStatus<'_>, base: &str) -> Value {
    let m = status.migration;
    let (state, _, _, _) = states(status);
    let (started, finished) = times(status);
    let url = format!("{base}/api/v1/courses/{}/content_migrations/{}", m.target, m.id);
    let source_name = ws
        .resolve_course(&coursecopy::CourseRef::PrimaryId(m.source))
        .ok()
        .and_then(|k| ws.course(k).ok())
        .map(|c| c.title().to_string());
    json!({
        "id": m.id,
        "migration_type": "course_copy_importer",
        "migration_type_title": COPY_TITLE,
        "migration_issues_url": format!("{url}/migration_issues"),
        "migration_issues_count": issues(ws, status).len(),
        "progress_url": format!("{base}/api/v1/progress/{}", m.id),
        "user_id": user_id(ws, &m.user),
        "workflow_state": state,
        "started_at": started,
        "finished_at": finished,
        "created_at": time(m.created),
        "settings": {
            "source_course_id": m.source,
            "source_course_name": source_name,
            "source_course_html_url": format!("{base}/courses/{}", m.source),
        },
    })
}

/// Issue `number` (from 1) of a migration (§5.3): a `warning` the copy
/// completed with, `active` until a user marks it `resolved`.
pub fn migration_issue(status: &MigrationStatus<'_>, number: usize, text: &str, base: &str) -> Value {
    let m = status.migration;
    let at = times(status).1.unwrap_or_else(|| time(m.created));
    json!({
        "id": number,
        "content_migration_url": format!("{base}/api/v1/courses/{}/content_migrations/{}", m.target, m.id),
        "description": text,
        "workflow_state": if m.resolved.contains(&(number as u64)) { "resolved" } else { "active" },
        "fix_issue_html_url": null,
        "issue_type": "warning",
        "created_at": at,
        "updated_at": at,
    })
}

/// The Progress of a migration (§6): its id is the migration's.
pub fn progress(ws: &Workspace, status: &MigrationStatus<'_>, base: &str) -> Value {
    let m = status.migration;
    let (_, state, completion, message) = states(status);
    let (started, finished) = times(status);
    let updated = finished.or(started).unwrap_or_else(|| time(m.created));
    json!({
        "id": m.id,
        "context_id": m.id,
        "context_type": "ContentMigration",
        "user_id": user_id(ws, &m.user),
        "tag": "content_migration",
        "completion": completion,
        "workflow_state": state,
        "created_at": time(m.created),
        "updated_at": updated,
        "message": message,
        "url": format!("{base}/api/v1/progress/{}", m.id),
    })
}

/// The sections a selective import offers (`canvas/API.md` §5.2), each as
/// its `type`, its title, and the library category its items are (`None`:
/// learning objects or pages).
const SECTIONS: [(&str, &str, Option<Category>); 7] = [
    ("context_modules", "Modules", None),
    ("wiki_pages", "Pages", None),
    ("assignments", "Assignments", Some(Category::Assessments)),
    ("discussion_topics", "Discussion Topics", Some(Category::Discussions)),
    ("announcements", "Announcements", Some(Category::Announcements)),
    ("calendar_events", "Calendar Events", Some(Category::Calendar)),
    ("rubrics", "Rubrics", Some(Category::Rubrics)),
];

/// What `selective_data` lists of `source` (`canvas/API.md` §5.2):
/// without `kind`, one node per section the source has (its count, and
/// for modules and pages the URL of their items; tool sections are
/// selected whole) and the course settings; with `kind` `context_modules`
/// or `wiki_pages`, one node per learning object or page, whose
/// `property` a `PUT` sends back with `1` to select it. `items_url` is the
/// route's own absolute URL, without its query.
pub fn selective_data(ws: &Workspace, source: CourseKey, kind: Option<&str>, items_url: &str) -> Vec<Value> {
    let Ok(course) = ws.course(source) else { return Vec::new() };
    let los: Vec<_> = course.learning_objects().filter_map(|lo| ws.learning_object(lo).ok()).collect();
    let pages: Vec<_> = los.iter().flat_map(|lo| lo.pages()).filter_map(|p| ws.page(p).ok()).collect();
    let node = |kind: &str, id: u64, title: &str| json!({"type": kind, "property": format!("copy[{kind}][id_{id}]"), "title": title});
    match kind {
        Some("context_modules") => los.iter().map(|lo| node("context_modules", lo.numeric_id(), lo.title())).collect(),
        Some("wiki_pages") => pages.iter().map(|p| node("wiki_pages", p.numeric_id(), p.title())).collect(),
        Some(_) => Vec::new(),
        None => {
            let mut out = vec![json!({
                "type": "course_settings",
                "property": "copy[all_course_settings]",
                "title": "Course Settings",
            })];
            for (kind, title, category) in SECTIONS {
                let count = match category {
                    None if kind == "context_modules" => los.len(),
                    None => pages.len(),
                    Some(category) => course.tools().of(category).count(),
                };
                if count == 0 {
                    continue;
                }
                let mut section =
                    json!({"type": kind, "property": format!("copy[all_{kind}]"), "title": title, "count": count});
                if category.is_none() {
                    section["sub_items_url"] = json!(format!("{items_url}?type={kind}"));
                }
                out.push(section);
            }
            out
        }
    }
}
