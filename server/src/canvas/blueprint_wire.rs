//! BlueprintTemplate, BlueprintMigration, ChangeRecord and
//! BlueprintSubscription as Canvas writes them (`canvas/API.md` §7.1),
//! from the core's templates and syncs.

use super::migration_wire::user_id;
use super::wire::time;
use crate::blueprints::{Asset, ChangeKind, ChangeRecord, Sync, SyncState, Template};
use crate::model::Model;
use coursecopy::{CourseRef, LinkedRecord};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A sync's `workflow_state`; for one course's part, `imports_failed` if
/// that part failed, or the sync failed before any part.
fn sync_state(sync: &Sync, course: Option<u64>) -> &'static str {
    let part_failed = course.is_some_and(|c| sync.parts.iter().any(|p| p.course == c && p.failed.is_some()))
        || (sync.state == SyncState::ImportsFailed && sync.parts.is_empty());
    match sync.state {
        _ if part_failed => "imports_failed",
        SyncState::Queued => "queued",
        SyncState::ImportsQueued => "imports_queued",
        SyncState::Completed => "completed",
        SyncState::ImportsFailed if course.is_some() => "completed",
        SyncState::ImportsFailed => "imports_failed",
    }
}

/// A BlueprintMigration: blueprint side (`template_id`), or one associated
/// course's side (`subscription_id`, its own state).
pub fn migration(model: &Model, sync: &Sync, course: Option<u64>) -> Value {
    let mut out = json!({
        "id": sync.id,
        "user_id": user_id(&model.ws, &sync.user),
        "workflow_state": sync_state(sync, course),
        "created_at": time(sync.created),
        "exports_started_at": sync.started.map(time),
        "imports_queued_at": sync.started.map(time),
        "imports_completed_at": sync.finished.map(time),
        "comment": sync.comment,
    });
    match course {
        Some(_) => out["subscription_id"] = json!(sync.template),
        None => out["template_id"] = json!(sync.template),
    }
    out
}

/// A BlueprintTemplate, with its latest sync once there is one.
pub fn template(model: &Model, template: &Template) -> Value {
    let syncs = model.syncs.values().filter(|s| s.template == template.id);
    let latest = syncs.clone().max_by_key(|s| s.id);
    let last_completed = syncs.filter(|s| s.state == SyncState::Completed).filter_map(|s| s.finished).max();
    let mut out = json!({
        "id": template.id,
        "course_id": template.course,
        "last_export_completed_at": last_completed.map(time),
        "associated_course_count": template.associated.len(),
    });
    if let Some(sync) = latest {
        out["latest_migration"] = migration(model, sync, None);
    }
    out
}

/// Whether the blueprint's item is restricted (an item lock, LNK-13).
fn locked(model: &Model, blueprint: u64, record: &ChangeRecord) -> bool {
    let Ok(course) = model.ws.resolve_course(&CourseRef::PrimaryId(blueprint)) else { return false };
    let item = match record.asset {
        Asset::Page => model.page_in(course, record.id).ok().map(LinkedRecord::Page),
        Asset::Module => model
            .ws
            .course(course)
            .ok()
            .and_then(|c| {
                c.learning_objects().find(|lo| model.ws.learning_object(*lo).is_ok_and(|l| l.numeric_id() == record.id))
            })
            .map(LinkedRecord::LearningObject),
    };
    item.is_some_and(|item| model.ws.item_locked(item).unwrap_or(false))
}

/// A ChangeRecord; `exceptions` (the courses that kept their own
/// version, category `content`) only in a sync's details.
pub fn change_record(
    model: &Model,
    blueprint: u64,
    record: &ChangeRecord,
    kept_by: Option<&[u64]>,
    base: &str,
) -> Value {
    let (asset_type, path) = match record.asset {
        Asset::Page => ("wiki_page", "pages"),
        Asset::Module => ("context_module", "modules"),
    };
    let change_type = match record.change {
        ChangeKind::Created => "created",
        ChangeKind::Updated => "updated",
        ChangeKind::Deleted => "deleted",
    };
    let mut out = json!({
        "asset_id": record.id,
        "asset_type": asset_type,
        "asset_name": record.name,
        "change_type": change_type,
        "html_url": format!("{base}/courses/{blueprint}/{path}/{}", record.id),
        "locked": locked(model, blueprint, record),
    });
    if let Some(courses) = kept_by {
        let exceptions: Vec<Value> =
            courses.iter().map(|c| json!({"course_id": c, "conflicting_changes": ["content"]})).collect();
        out["exceptions"] = Value::Array(exceptions);
    }
    out
}

/// A sync's details: every record of its parts (of `course`'s part
/// alone, for the associated side), merged by item, with the courses
/// that kept their own version as exceptions.
pub fn details(model: &Model, blueprint: u64, sync: &Sync, course: Option<u64>, base: &str) -> Vec<Value> {
    let mut merged: BTreeMap<(Asset, u64), (ChangeRecord, Vec<u64>)> = BTreeMap::new();
    for part in sync.parts.iter().filter(|p| course.is_none_or(|c| c == p.course)) {
        for record in &part.records {
            let entry = merged.entry((record.asset, record.id)).or_insert_with(|| (record.clone(), Vec::new()));
            if record.kept {
                entry.1.push(part.course);
            }
        }
    }
    merged.values().map(|(record, kept)| change_record(model, blueprint, record, Some(kept), base)).collect()
}

/// A BlueprintSubscription of an associated course.
pub fn subscription(model: &Model, template: &Template) -> Value {
    let blueprint =
        model.ws.resolve_course(&CourseRef::PrimaryId(template.course)).ok().and_then(|k| model.ws.course(k).ok());
    json!({
        "id": template.id,
        "template_id": template.id,
        "blueprint_course": {
            "id": template.course,
            "name": blueprint.map(|c| c.title().to_string()),
            "course_code": blueprint.map(|c| c.detail("course_code").unwrap_or(c.course_id()).to_string()),
            "term_name": "Default Term",
        },
    })
}

/// The Progress of a sync (CNV-6): its id is the sync's; `context_type`
/// `Course`, the blueprint; completion the mean of its copy tasks'
/// percents while they run (each never decreases, so neither does it).
pub fn sync_progress(model: &Model, sync: &Sync, blueprint: u64, base: &str) -> Value {
    let percents: Vec<u64> = sync
        .parts
        .iter()
        .filter_map(|p| p.task.as_ref())
        .filter_map(|t| model.task(t))
        .map(|(_, status)| u64::from(status.percent_complete))
        .collect();
    let mean = percents.iter().sum::<u64>() / (percents.len().max(1) as u64);
    let (state, completion) = match sync.state {
        SyncState::Queued => ("queued", 0),
        SyncState::ImportsQueued => ("running", mean),
        SyncState::Completed => ("completed", 100),
        // Where its tasks got to: a failure does not take completion back.
        SyncState::ImportsFailed => ("failed", mean),
    };
    let message =
        sync.parts.iter().find_map(|p| p.failed.clone()).or_else(|| {
            (sync.state == SyncState::ImportsFailed).then(|| "the sync failed before any change".to_string())
        });
    let updated = sync.finished.or(sync.started).unwrap_or(sync.created);
    json!({
        "id": sync.id,
        "context_id": blueprint,
        "context_type": "Course",
        "user_id": user_id(&model.ws, &sync.user),
        "tag": "blueprint_sync",
        "completion": completion,
        "workflow_state": state,
        "created_at": time(sync.created),
        "updated_at": time(updated),
        "message": message,
        "url": format!("{base}/api/v1/progress/{}", sync.id),
    })
}
