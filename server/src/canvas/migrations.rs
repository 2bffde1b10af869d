//! Content migrations and progress (CNV-5, CNV-6): a course copy into an
//! existing course, as Canvas's `course_copy_importer`, run by the same
//! runner as a Learn copy (`migrations.rs` in the core keeps them).

use super::auth::CanvasCaller;
use super::courses::resolve;
use super::errors::CanvasError;
use super::migration_params::{CourseDates, date_shift, flag, selection};
use super::migration_wire::{
    content_migration, issues, migration_issue, progress, selective_data as wire_selective_data,
};
use super::paging::base_of;
use super::request::CanvasRequest;
use super::request::{caller_name, paged, readable};
use crate::app::State as AppState;
use crate::migrations::MigrationStatus;
use crate::model::CopySpec;
use crate::model::{Op, Outcome};
use axum::Json;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use coursecopy::{CourseKey, Duration, Timestamp, Workspace};
use serde_json::{Value, json};

/// The migration types Canvas has; only the copy is served.
const OTHER_TYPES: [&str; 5] = [
    "canvas_cartridge_importer",
    "common_cartridge_importer",
    "zip_file_importer",
    "qti_converter",
    "moodle_converter",
];

fn message(status: StatusCode, text: &str) -> CanvasError {
    CanvasError::Message(status, text.into())
}

/// A course's `DateRange` as calendar dates in its own zone.
fn dates_of(ws: &Workspace, course: CourseKey) -> CourseDates {
    let Ok(c) = ws.course(course) else { return CourseDates::default() };
    let day = |t: Timestamp| Some(c.time_zone().civil(t).date());
    match c.settings().duration() {
        Duration::DateRange { start, end } => CourseDates { start: day(start), end: day(end) },
        _ => CourseDates::default(),
    }
}

/// The migration `id` of course `course`, as the caller may read it.
fn find<'a>(
    state: &'a AppState,
    caller: &CanvasCaller,
    course: &str,
    id: &str,
) -> Result<MigrationStatus<'a>, CanvasError> {
    let key = readable(&state.model.ws, caller.user, course)?;
    let target = state.model.ws.course(key).map_err(|_| CanvasError::NotFound)?.numeric_id();
    let id: u64 = id.parse().map_err(|_| CanvasError::NotFound)?;
    state.model.migration(id).filter(|m| m.migration.target == target).ok_or(CanvasError::NotFound)
}

/// The spec and the source of a create request, checked as Canvas checks
/// them: the type, the source, the date options.
fn create_spec(ws: &Workspace, target: CourseKey, params: &Value) -> Result<(u64, CopySpec), CanvasError> {
    match params.get("migration_type").and_then(Value::as_str) {
        Some("course_copy_importer") => {}
        Some(t) if OTHER_TYPES.contains(&t) => {
            return Err(message(StatusCode::BAD_REQUEST, "Unsupported migration_type for context"));
        }
        _ => return Err(message(StatusCode::BAD_REQUEST, "Invalid migration_type")),
    }
    let source = match &params["settings"]["source_course_id"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return Err(message(StatusCode::BAD_REQUEST, "A course copy requires a source course.")),
    };
    let source = resolve(ws, &source).ok_or(CanvasError::NotFound)?;
    let mut spec = selection(params).unwrap_or_default();
    spec.date_shift = date_shift(params, &dates_of(ws, source), &dates_of(ws, target))?;
    let source = ws.course(source).map_err(|_| CanvasError::NotFound)?.numeric_id();
    Ok((source, spec))
}

/// `POST /api/v1/courses/:course_id/content_migrations` (CNV-5): 200 with
/// the ContentMigration; its copy runs in the background.
pub async fn create(Path(course): Path<String>, req: CanvasRequest) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, params, .. } = req;
    let mut state = app.lock();
    let ws = &state.model.ws;
    let target = readable(ws, caller.user, &course)?;
    let (source, spec) = create_spec(ws, target, &params)?;
    let user = caller_name(ws, &caller)?;
    let target = ws.course(target).map_err(|_| CanvasError::NotFound)?.numeric_id();
    if !app.queue_has_room(&state) {
        return Err(message(StatusCode::TOO_MANY_REQUESTS, "the copy queue is full"));
    }
    let select = params.get("selective_import").is_some_and(flag);
    let op = Op::StartMigration { user, source, target, spec, select, at: Timestamp::now(), fail: false };
    let Outcome::Migration(id) = state.commit_job(op)? else {
        return Err(message(StatusCode::INTERNAL_SERVER_ERROR, "the migration gave no id"));
    };
    app.wake.notify_all();
    answer(&state, id, &headers)
}

fn answer(state: &AppState, id: u64, headers: &HeaderMap) -> Result<Json<Value>, CanvasError> {
    let status = state.model.migration(id).ok_or(CanvasError::NotFound)?;
    Ok(Json(content_migration(&state.model.ws, &status, &base_of(headers))))
}

/// `PUT /api/v1/courses/:course_id/content_migrations/:id` with
/// `copy[...]` (or `select[...]`): what a migration waiting for its
/// selection copies; it then runs. 400 for one not waiting.
pub async fn update(
    Path((course, id)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, params, .. } = req;
    let mut state = app.lock();
    let migration = find(&state, &caller, &course, &id)?.migration.id;
    let Some(spec) = selection(&params) else { return answer(&state, migration, &headers) };
    if !app.queue_has_room(&state) {
        return Err(message(StatusCode::TOO_MANY_REQUESTS, "the copy queue is full"));
    }
    let user = caller_name(&state.model.ws, &caller)?;
    let op = Op::SelectMigration { user, migration, spec, at: Timestamp::now(), fail: false };
    state.commit_job(op)?;
    app.wake.notify_all();
    answer(&state, migration, &headers)
}

/// `GET /api/v1/courses/:course_id/content_migrations`: newest first, paged.
pub async fn list(Path(course): Path<String>, req: CanvasRequest) -> Result<Response, CanvasError> {
    let CanvasRequest { app, caller, headers, uri, params } = req;
    let state = app.lock();
    let ws = &state.model.ws;
    let key = readable(ws, caller.user, &course)?;
    let target = ws.course(key).map_err(|_| CanvasError::NotFound)?.numeric_id();
    let base = base_of(&headers);
    let all: Vec<Value> = state.model.migrations_into(target).map(|m| content_migration(ws, &m, &base)).collect();
    Ok(paged(all, &params, &headers, &uri))
}

/// `GET /api/v1/courses/:course_id/content_migrations/:id`.
pub async fn show(Path((course, id)): Path<(String, String)>, req: CanvasRequest) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, .. } = req;
    let state = app.lock();
    let status = find(&state, &caller, &course, &id)?;
    Ok(Json(content_migration(&state.model.ws, &status, &base_of(&headers))))
}

/// `GET …/content_migrations/migrators`: the one migrator served.
pub async fn migrators(Path(course): Path<String>, req: CanvasRequest) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, .. } = req;
    readable(&app.lock().model.ws, caller.user, &course)?;
    Ok(Json(json!([{
        "type": "course_copy_importer",
        "requires_file_upload": false,
        "name": super::migration_wire::COPY_TITLE,
        "required_settings": ["source_course_id"],
    }])))
}

/// `GET …/content_migrations/:id/migration_issues`: paged.
pub async fn issue_list(
    Path((course, id)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Response, CanvasError> {
    let CanvasRequest { app, caller, headers, uri, params } = req;
    let state = app.lock();
    let status = find(&state, &caller, &course, &id)?;
    let base = base_of(&headers);
    let texts = issues(&state.model.ws, &status);
    let all = texts.iter().enumerate().map(|(i, text)| migration_issue(&status, i + 1, text, &base)).collect();
    Ok(paged(all, &params, &headers, &uri))
}

/// `GET …/content_migrations/:id/selective_data` (optional `type`): what
/// the migration's source offers to a selective import, paged, to a
/// caller who may read the source too (Canvas's 401 otherwise); a `PUT`
/// with `copy[...]` selects from it.
pub async fn selective_data(
    Path((course, id)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Response, CanvasError> {
    let CanvasRequest { app, caller, headers, uri, params } = req;
    let state = app.lock();
    let status = find(&state, &caller, &course, &id)?;
    let ws = &state.model.ws;
    let source = readable(ws, caller.user, &status.migration.source.to_string())?;
    let items_url = format!("{}{}", base_of(&headers), uri.path());
    let kind = params.get("type").and_then(Value::as_str);
    Ok(paged(wire_selective_data(ws, source, kind, &items_url), &params, &headers, &uri))
}

/// `GET …/content_migrations/:id/migration_issues/:issue_id`.
pub async fn issue(
    Path((course, id, issue)): Path<(String, String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, .. } = req;
    let state = app.lock();
    let status = find(&state, &caller, &course, &id)?;
    let number: usize = issue.parse().map_err(|_| CanvasError::NotFound)?;
    let texts = issues(&state.model.ws, &status);
    let text = number.checked_sub(1).and_then(|i| texts.get(i)).ok_or(CanvasError::NotFound)?;
    Ok(Json(migration_issue(&status, number, text, &base_of(&headers))))
}

/// `PUT …/content_migrations/:id/migration_issues/:issue_id` with
/// `workflow_state` (`active` or `resolved`): the issue as it is now,
/// journaled; another state is Canvas's 400.
pub async fn update_issue(
    Path((course, id, issue)): Path<(String, String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, params, .. } = req;
    let resolved = match params.get("workflow_state").and_then(Value::as_str) {
        Some("resolved") => true,
        Some("active") => false,
        _ => {
            return Err(CanvasError::Invalid {
                attribute: "workflow_state".into(),
                message: "is not active or resolved".into(),
            });
        }
    };
    let mut state = app.lock();
    let migration = find(&state, &caller, &course, &id)?.migration.id;
    let number: u64 = issue.parse().map_err(|_| CanvasError::NotFound)?;
    let user = caller_name(&state.model.ws, &caller)?;
    state.commit(Op::SetIssueState { user, migration, issue: number, resolved })?;
    let status = state.model.migration(migration).ok_or(CanvasError::NotFound)?;
    let at = usize::try_from(number).map_err(|_| CanvasError::NotFound)?;
    let texts = issues(&state.model.ws, &status);
    let text = at.checked_sub(1).and_then(|i| texts.get(i)).ok_or(CanvasError::NotFound)?;
    Ok(Json(migration_issue(&status, at, text, &base_of(&headers))))
}

/// `GET /api/v1/progress/:id` (CNV-6): a migration's or a blueprint
/// sync's progress, for a caller who may read its course; 404 otherwise.
/// A finished one is durable before it is reported.
pub async fn show_progress(Path(id): Path<String>, req: CanvasRequest) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, .. } = req;
    let mut state = app.lock();
    let id: u64 = id.parse().map_err(|_| CanvasError::NotFound)?;
    let (model, base) = (&state.model, base_of(&headers));
    let (course, body) = if let Some(m) = model.migration(id) {
        (m.migration.target, progress(&model.ws, &m, &base))
    } else {
        let sync = model.syncs.get(&id).ok_or(CanvasError::NotFound)?;
        let blueprint = model.templates.get(&sync.template).map(|t| t.course).ok_or(CanvasError::NotFound)?;
        (blueprint, super::blueprint_wire::sync_progress(model, sync, blueprint, &base))
    };
    readable(&model.ws, caller.user, &course.to_string())?;
    if body["workflow_state"] == "completed" || body["workflow_state"] == "failed" {
        state.flush()?;
    }
    Ok(Json(body))
}

/// `POST /api/v1/progress/:id/cancel` (optional `message`, query, form or
/// JSON): a migration's progress is cancelled (`Model::cancel_migration`)
/// and answered as it is then, `failed` with the message; one that ended
/// is answered unchanged. A blueprint sync's progress is not cancelled
/// here: 400 `{"message": …}`.
pub async fn cancel_progress(Path(id): Path<String>, req: CanvasRequest) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, params, .. } = req;
    let mut state = app.lock();
    let id: u64 = id.parse().map_err(|_| CanvasError::NotFound)?;
    let Some(found) = state.model.migration(id) else {
        let sync = state.model.syncs.contains_key(&id);
        return Err(if sync {
            message(StatusCode::BAD_REQUEST, "a blueprint sync cannot be cancelled")
        } else {
            CanvasError::NotFound
        });
    };
    readable(&state.model.ws, caller.user, &found.migration.target.to_string())?;
    let now = progress(&state.model.ws, &found, &base_of(&headers));
    if now["workflow_state"] == "completed" || now["workflow_state"] == "failed" {
        // Ended: nothing to cancel, and nothing to journal.
        state.flush()?;
        return Ok(Json(now));
    }
    let user = caller_name(&state.model.ws, &caller)?;
    let text = params.get("message").and_then(Value::as_str).map(str::to_string);
    state.commit(Op::CancelMigration { user, migration: id, message: text, at: Timestamp::now() })?;
    let found = state.model.migration(id).ok_or(CanvasError::NotFound)?;
    Ok(Json(progress(&state.model.ws, &found, &base_of(&headers))))
}

/// `GET …/content_migrations/:id/asset_id_mapping`: for a completed copy,
/// the source's ids and the ids of what the copy made of them, as strings:
/// `modules` (learning objects), `pages` and `module_items` (a module
/// item's id is its page's), durable before it is answered. 400
/// `{"message": …}` for a migration that did not complete, or one that
/// completed under a server that did not record what it made (0.4).
pub async fn asset_id_mapping(
    Path((course, id)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, .. } = req;
    let mut state = app.lock();
    state.flush()?;
    let status = find(&state, &caller, &course, &id)?;
    if !status.completed() {
        return Err(message(StatusCode::BAD_REQUEST, "the migration has not completed"));
    }
    let Some(assets) = status.migration.assets.as_ref() else {
        return Err(message(StatusCode::BAD_REQUEST, "the migration completed before its assets were recorded"));
    };
    let strings = |map: &std::collections::BTreeMap<u64, u64>| -> Value {
        map.iter().map(|(from, to)| (from.to_string(), json!(to.to_string()))).collect::<serde_json::Map<_, _>>().into()
    };
    Ok(Json(json!({
        "modules": strings(&assets.los),
        "pages": strings(&assets.pages),
        "module_items": strings(&assets.pages),
    })))
}
