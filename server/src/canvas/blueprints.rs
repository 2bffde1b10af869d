//! Blueprint courses (CNV-7, CNV-8): the blueprint side (template,
//! associations, syncs, their details, unsynced changes, restrictions)
//! and the associated side (subscription, its syncs). The core's
//! `blueprints.rs` keeps the templates and syncs; handlers translate.

use super::auth::CanvasCaller;
use super::blueprint_wire::{change_record, details, migration, subscription, template};
use super::courses::resolve;
use super::errors::CanvasError;
use super::migration_params::flag;
use super::paging::base_of;
use super::request::CanvasRequest;
use super::request::{caller_name, paged, readable};
use crate::app::State as AppState;
use crate::blueprints::Template;
use crate::model::{Op, Outcome};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use coursecopy::{Role, Timestamp};
use serde_json::{Value, json};

fn message(text: &str) -> CanvasError {
    CanvasError::Message(StatusCode::BAD_REQUEST, text.into())
}

/// The course's numeric id, if the caller may manage it (read it, and
/// not as a Reviewer).
fn managed(state: &AppState, caller: &CanvasCaller, course: &str) -> Result<u64, CanvasError> {
    let ws = &state.model.ws;
    let key = readable(ws, caller.user, course)?;
    if ws.user(caller.user).map(|u| u.role()) == Ok(Role::Reviewer) {
        return Err(CanvasError::Unauthorized);
    }
    ws.course(key).map(|c| c.numeric_id()).map_err(|_| CanvasError::NotFound)
}

/// The blueprint course's template that `id` names (`default` or its
/// number); 404 for a course that is no blueprint.
fn template_of(state: &AppState, caller: &CanvasCaller, course: &str, id: &str) -> Result<Template, CanvasError> {
    let course = managed(state, caller, course)?;
    let found = state.model.template_of(course).ok_or(CanvasError::NotFound)?;
    if id != "default" && id != found.id.to_string() {
        return Err(CanvasError::NotFound);
    }
    Ok(found.clone())
}

/// Course ids from a list parameter (numbers, or the path forms); with
/// `live`, only courses that exist (a course to remove may be gone).
fn course_ids(state: &AppState, params: &Value, name: &str, live: bool) -> Result<Vec<u64>, Vec<String>> {
    let items = match &params[name] {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    };
    let ws = &state.model.ws;
    let (mut ids, mut bad) = (Vec::new(), Vec::new());
    for item in items {
        let text = item.as_str().map(str::to_string).unwrap_or_else(|| item.to_string());
        match resolve(ws, &text).and_then(|k| ws.course(k).ok()) {
            Some(c) => ids.push(c.numeric_id()),
            None => match text.parse::<u64>() {
                Ok(id) if !live => ids.push(id),
                _ => bad.push(text),
            },
        }
    }
    if bad.is_empty() { Ok(ids) } else { Err(bad) }
}

/// `GET /api/v1/courses/:course_id/blueprint_templates/:template_id`.
pub async fn show(Path((course, id)): Path<(String, String)>, req: CanvasRequest) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, .. } = req;
    let state = app.lock();
    let found = template_of(&state, &caller, &course, &id)?;
    Ok(Json(template(&state.model, &found)))
}

/// `GET …/associated_courses`: the associated courses by id, paged.
pub async fn associated(
    Path((course, id)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Response, CanvasError> {
    let CanvasRequest { app, caller, headers, uri, params } = req;
    let state = app.lock();
    let found = template_of(&state, &caller, &course, &id)?;
    let ws = &state.model.ws;
    let summary = |c: &coursecopy::Course| {
        let code = c.detail("course_code").unwrap_or(c.course_id());
        json!({"id": c.numeric_id(), "name": c.title(), "course_code": code, "sis_course_id": c.external_id(), "term_name": "Default Term", "teachers": []})
    };
    let courses = found.associated.iter().filter_map(|c| resolve(ws, &c.to_string()).and_then(|k| ws.course(k).ok()));
    Ok(paged(courses.map(summary).collect(), &params, &headers, &uri))
}

/// `PUT …/update_associations` with `course_ids_to_add[]` and
/// `course_ids_to_remove[]`: `{"success":true}`, journaled.
pub async fn update_associations(
    Path((course, id)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, params, .. } = req;
    let mut state = app.lock();
    let found = template_of(&state, &caller, &course, &id)?;
    let invalid = |bad: Vec<String>| message(&format!("invalid courses to add ({})", bad.join(",")));
    let invalid_remove = |bad: Vec<String>| message(&format!("invalid courses to remove ({})", bad.join(",")));
    let add = course_ids(&state, &params, "course_ids_to_add", true).map_err(invalid)?;
    let remove = course_ids(&state, &params, "course_ids_to_remove", false).map_err(invalid_remove)?;
    let user = caller_name(&state.model.ws, &caller)?;
    state.commit(Op::Associate { user, course: found.course, add, remove })?;
    Ok(Json(json!({"success": true})))
}

/// `POST …/migrations`: a sync, queued in the runner; 200 with the
/// BlueprintMigration.
pub async fn start_sync(
    Path((course, id)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, params, .. } = req;
    let mut state = app.lock();
    let found = template_of(&state, &caller, &course, &id)?;
    let user = caller_name(&state.model.ws, &caller)?;
    let comment = params.get("comment").and_then(Value::as_str).map(str::to_string);
    if !app.queue_has_room(&state) {
        return Err(CanvasError::Message(StatusCode::TOO_MANY_REQUESTS, "the copy queue is full".into()));
    }
    let op = Op::StartSync { user, course: found.course, comment, at: Timestamp::now(), fail: false };
    let Outcome::Sync(sync) = state.commit_job(op)? else { return Err(CanvasError::NotFound) };
    app.wake.notify_all();
    let sync = state.model.syncs.get(&sync).ok_or(CanvasError::NotFound)?;
    Ok(Json(migration(&state.model, sync, None)))
}

/// `GET …/migrations`: the template's syncs, newest first, paged.
pub async fn syncs(Path((course, id)): Path<(String, String)>, req: CanvasRequest) -> Result<Response, CanvasError> {
    let CanvasRequest { app, caller, headers, uri, params } = req;
    let state = app.lock();
    let found = template_of(&state, &caller, &course, &id)?;
    let all = state.model.syncs.values().rev().filter(|s| s.template == found.id);
    Ok(paged(all.map(|s| migration(&state.model, s, None)).collect(), &params, &headers, &uri))
}

/// The sync `sync` of template `template`.
fn sync_of<'a>(state: &'a AppState, template: u64, sync: &str) -> Result<&'a crate::blueprints::Sync, CanvasError> {
    let id: u64 = sync.parse().map_err(|_| CanvasError::NotFound)?;
    state.model.syncs.get(&id).filter(|s| s.template == template).ok_or(CanvasError::NotFound)
}

/// `GET …/migrations/:id`.
pub async fn show_sync(
    Path((course, id, sync)): Path<(String, String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, .. } = req;
    let state = app.lock();
    let found = template_of(&state, &caller, &course, &id)?;
    Ok(Json(migration(&state.model, sync_of(&state, found.id, &sync)?, None)))
}

/// `GET …/migrations/:id/details`: every change with its exceptions.
pub async fn sync_details(
    Path((course, id, sync)): Path<(String, String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, .. } = req;
    let state = app.lock();
    let found = template_of(&state, &caller, &course, &id)?;
    let sync = sync_of(&state, found.id, &sync)?;
    Ok(Json(Value::Array(details(&state.model, found.course, sync, None, &base_of(&headers)))))
}

/// `GET …/unsynced_changes`: LNK-3 as change records; before the first
/// sync, Canvas's one `initial_sync` record.
pub async fn unsynced_changes(
    Path((course, id)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, .. } = req;
    let state = app.lock();
    let found = template_of(&state, &caller, &course, &id)?;
    let Some(changes) = state.model.unsynced_changes(found.course) else {
        let key = resolve(&state.model.ws, &found.course.to_string()).ok_or(CanvasError::NotFound)?;
        let name = state.model.ws.course(key).map(|c| c.title().to_string()).unwrap_or_default();
        return Ok(Json(json!([{"asset_name": name, "change_type": "initial_sync"}])));
    };
    let base = base_of(&headers);
    Ok(Json(changes.iter().map(|r| change_record(&state.model, found.course, r, None, &base)).collect()))
}

/// `PUT …/restrict_item` (CNV-8): `content_type=wiki_page` with the page's
/// id; `restricted` required; `restrictions[content]`, else the template's
/// default. Other Canvas types have no counterpart: Canvas's 404 for
/// content it cannot find.
pub async fn restrict_item(
    Path((course, id)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, params, .. } = req;
    let mut state = app.lock();
    let found = template_of(&state, &caller, &course, &id)?;
    let (kind, page, restricted) = restricted_item(&params)?;
    let content = params.get("restrictions").and_then(|r| r.get("content")).map(flag);
    let user = caller_name(&state.model.ws, &caller)?;
    let op = Op::RestrictPage { user, course: found.course, page, restricted, content };
    state.commit(op).map_err(|e| match CanvasError::of_refusal(e) {
        CanvasError::NotFound => not_found(&kind, &page.to_string()),
        other => other,
    })?;
    Ok(Json(json!({"success": true})))
}

/// Canvas's 404 for content it cannot find.
fn not_found(kind: &str, id: &str) -> CanvasError {
    CanvasError::Message(StatusCode::NOT_FOUND, format!("Could not find content: {kind} {id}"))
}

/// The content type, the page and `restricted` of a `restrict_item`, or
/// Canvas's 400 (a type it does not have, no `restricted`) or 404 (a type
/// with no counterpart in the model, or no page id).
fn restricted_item(params: &Value) -> Result<(String, u64, bool), CanvasError> {
    const TYPES: [&str; 8] = [
        "assignment",
        "attachment",
        "course_pace",
        "discussion_topic",
        "external_tool",
        "lti-quiz",
        "quiz",
        "wiki_page",
    ];
    let kind = params.get("content_type").and_then(Value::as_str).unwrap_or_default().to_string();
    if !TYPES.contains(&kind.as_str()) {
        return Err(message(&format!("Must be a valid content type ({})", TYPES.join(","))));
    }
    let restricted =
        params.get("restricted").filter(|v| !v.is_null()).ok_or_else(|| message("Must set 'restricted'"))?;
    let content_id = match &params["content_id"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let page = content_id.parse::<u64>().ok().filter(|_| kind == "wiki_page");
    let page = page.ok_or_else(|| not_found(&kind, &content_id))?;
    Ok((kind, page, flag(restricted)))
}

/// `GET /api/v1/courses/:course_id/blueprint_subscriptions`: the
/// course's subscription, if it is associated (at most one).
pub async fn subscriptions(Path(course): Path<String>, req: CanvasRequest) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, .. } = req;
    let state = app.lock();
    let course = managed(&state, &caller, &course)?;
    let found = state.model.subscription_of(course);
    Ok(Json(Value::Array(found.map(|t| subscription(&state.model, t)).into_iter().collect())))
}

/// The template `id` (`default` or its number) the course subscribes to.
fn subscribed(state: &AppState, caller: &CanvasCaller, course: &str, id: &str) -> Result<(u64, Template), CanvasError> {
    let course = managed(state, caller, course)?;
    let found = state.model.subscription_of(course).ok_or(CanvasError::NotFound)?;
    if id != "default" && id != found.id.to_string() {
        return Err(CanvasError::NotFound);
    }
    Ok((course, found.clone()))
}

/// `GET …/blueprint_subscriptions/:id/migrations`: the syncs this course
/// took part in, newest first, paged.
pub async fn subscription_syncs(
    Path((course, id)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Response, CanvasError> {
    let CanvasRequest { app, caller, headers, uri, params } = req;
    let state = app.lock();
    let (course, found) = subscribed(&state, &caller, &course, &id)?;
    let took_part = |s: &&crate::blueprints::Sync| s.template == found.id && s.parts.iter().any(|p| p.course == course);
    let all = state.model.syncs.values().rev().filter(took_part).map(|s| migration(&state.model, s, Some(course)));
    Ok(paged(all.collect(), &params, &headers, &uri))
}

/// `GET …/blueprint_subscriptions/:id/migrations/:migration_id`.
pub async fn subscription_sync(
    Path((course, id, sync)): Path<(String, String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, .. } = req;
    let state = app.lock();
    let (course, found) = subscribed(&state, &caller, &course, &id)?;
    let sync = sync_of(&state, found.id, &sync)?;
    Ok(Json(migration(&state.model, sync, Some(course))))
}

/// `GET …/blueprint_subscriptions/:id/migrations/:migration_id/details`:
/// this course's changes and exceptions only.
pub async fn subscription_details(
    Path((course, id, sync)): Path<(String, String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, .. } = req;
    let state = app.lock();
    let (course, found) = subscribed(&state, &caller, &course, &id)?;
    let sync = sync_of(&state, found.id, &sync)?;
    Ok(Json(Value::Array(details(&state.model, found.course, sync, Some(course), &base_of(&headers)))))
}
