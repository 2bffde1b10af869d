//! `GET /api/v1/courses`, `GET` and `PUT /api/v1/courses/:id` (CNV-3):
//! the caller's courses, paged, one course by any of the path id forms
//! Canvas takes, and the change of its fields the model has.

use super::errors::CanvasError;
use super::migration_params::flag;
use super::request::CanvasRequest;
use super::request::{caller_name, paged, query_params, readable, text};
use super::wire;
use crate::model::{CourseQuery, CourseScope, CourseText};
use crate::model::{Model, Op};
use axum::Json;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use coursecopy::{CourseKey, CourseRef, UserKey, Workspace};

/// A course from a path id: its numeric id, `sis_course_id:X` (the
/// course's `externalId`) or `uuid:X`. Anything else, or no such course,
/// is `None`: Canvas answers 404 for both.
pub fn resolve(ws: &Workspace, id: &str) -> Option<CourseKey> {
    let by = if let Some(sis) = id.strip_prefix("sis_course_id:") {
        CourseRef::ExternalId(sis.to_string())
    } else if let Some(uuid) = id.strip_prefix("uuid:") {
        CourseRef::Uuid(uuid.to_ascii_lowercase())
    } else if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        CourseRef::PrimaryId(id.parse().ok()?)
    } else {
        return None;
    };
    ws.resolve_course(&by).ok()
}

/// `GET /api/v1/courses`: the courses the caller made or is assigned to
/// (what the model has of Canvas's enrollments; an administrator sees
/// theirs, not every course, as in Canvas), by numeric id, paged with a
/// `Link` header.
pub async fn list(req: CanvasRequest) -> Result<Response, CanvasError> {
    let CanvasRequest { app, caller, headers, uri, .. } = req;
    let state = app.lock();
    listed(&state.model, caller.user, &headers, &uri, CourseScope::Own, false)
}

/// A page of `user`'s courses in `scope`, by numeric id, with its `Link`
/// header; with `search`, only those whose name, course code or SIS id
/// holds the `search_term` parameter (any case).
pub(super) fn listed(
    model: &Model,
    user: UserKey,
    headers: &HeaderMap,
    uri: &Uri,
    scope: CourseScope,
    search: bool,
) -> Result<Response, CanvasError> {
    let params = query_params(uri)?;
    let term = params.get("search_term").and_then(|v| v.as_str()).filter(|_| search);
    let fields = vec![CourseText::Title, CourseText::CourseCode, CourseText::ExternalId];
    let query = CourseQuery { scope, any: term.map(|t| (fields, t.to_string())), ..CourseQuery::default() };
    let courses: Vec<serde_json::Value> =
        model.courses(user, &query).into_iter().filter_map(|key| wire::course(model, key)).collect();
    Ok(paged(courses, &params, headers, uri))
}

/// `GET /api/v1/courses/:id`: 404 for an unknown course, Canvas's 401
/// (no `WWW-Authenticate`) for one the caller may not read.
pub async fn show(Path(id): Path<String>, req: CanvasRequest) -> Result<Json<serde_json::Value>, CanvasError> {
    let CanvasRequest { app, caller, .. } = req;
    let state = app.lock();
    show_course(&state.model, caller.user, &id)
}

/// The course `id` names, for `user`.
pub(super) fn show_course(model: &Model, user: UserKey, id: &str) -> Result<Json<serde_json::Value>, CanvasError> {
    let key = readable(&model.ws, user, id)?;
    wire::course(model, key).map(Json).ok_or(CanvasError::NotFound)
}

/// `PUT /api/v1/courses/:id` (CNV-3): changes the fields of `course[...]`
/// the model has (`name`, `course_code`, `sis_course_id`, `time_zone`)
/// and runs `course[event]` (or a top-level `offer`), from a form or JSON
/// body, as an edit of the course (ACC-1, ACC-4), journaled before the
/// answer; answers the course as it is now (`deleted` after
/// `event=delete`). Other `course[...]` keys are ignored, as Canvas
/// ignores keys it does not know.
pub async fn update(Path(id): Path<String>, req: CanvasRequest) -> Result<Json<serde_json::Value>, CanvasError> {
    let CanvasRequest { app, caller, params, .. } = req;
    let mut state = app.lock();
    let key = readable(&state.model.ws, caller.user, &id)?;
    let (user, course) = (caller_name(&state.model.ws, &caller)?, key_id(&state.model.ws, key)?);
    let offer = params.get("offer").filter(|v| flag(v)).map(|_| "offer".to_string());
    let event = text(&params, "course", "event").or(offer);
    let before = wire::course(&state.model, key);
    let blueprint = checked_blueprint_op(&state.model, &params, &user, course, event.as_deref())?;
    let op = match event.as_deref() {
        Some("delete") => Op::RemoveCourse { user, course },
        event => change(user, course, |name| text(&params, "course", name), event.and_then(availability_of)),
    };
    state.commit(op).map_err(CanvasError::of_course_refusal)?;
    if let Some(op) = blueprint {
        state.commit(op).map_err(CanvasError::of_blueprint_refusal)?;
    }
    match wire::course(&state.model, key) {
        Some(now) => Ok(Json(now)),
        None => before.map(|c| Json(deleted(c))).ok_or(CanvasError::NotFound),
    }
}

/// The blueprint change a `PUT` asks for, checked before anything is
/// changed, so that a refused one leaves the other fields unchanged too; a
/// course being deleted takes none.
fn checked_blueprint_op(
    model: &Model,
    params: &serde_json::Value,
    user: &str,
    course: u64,
    event: Option<&str>,
) -> Result<Option<Op>, CanvasError> {
    let blueprint =
        blueprint_op(params, user, course, model.template_of(course).is_some()).filter(|_| event != Some("delete"));
    if let Some(Op::SetBlueprint { on, .. }) = &blueprint {
        model.check_blueprint_change(user, course, *on).map_err(CanvasError::of_blueprint_refusal)?;
    }
    Ok(blueprint)
}

/// The blueprint change of `course[blueprint]` and
/// `course[blueprint_restrictions][content]` (CNV-7), if asked for: the
/// restrictions act only on a course that is (now) a blueprint.
fn blueprint_op(params: &serde_json::Value, user: &str, course: u64, is_blueprint: bool) -> Option<Op> {
    let asked = &params["course"];
    let lock_content = asked["blueprint_restrictions"].get("content").map(flag);
    let on = match asked.get("blueprint") {
        Some(value) => flag(value),
        None if lock_content.is_some() && is_blueprint => true,
        None => return None,
    };
    Some(Op::SetBlueprint { user: user.to_string(), course, on, lock_content })
}

/// A course as Canvas answers it once deleted.
fn deleted(mut course: serde_json::Value) -> serde_json::Value {
    course["workflow_state"] = "deleted".into();
    course
}

/// The course change of `course[...]`'s fields (`field` reads them) and an
/// availability.
fn change(user: String, course: u64, field: impl Fn(&str) -> Option<String>, availability: Option<&str>) -> Op {
    Op::ChangeCourse {
        user,
        course,
        title: field("name"),
        course_code: field("course_code"),
        external_id: field("sis_course_id"),
        time_zone: field("time_zone"),
        availability: availability.map(str::to_string),
        start: time(field("start_at")),
        end: time(field("end_at")),
        at: coursecopy::Timestamp::now(),
    }
}

/// A `course[start_at]`-style time: ISO 8601, `Z` or an offset; `None`
/// when absent or unreadable (Canvas drops a date it cannot read).
pub(super) fn time(text: Option<String>) -> Option<coursecopy::Timestamp> {
    text?.parse::<coursecopy::jiff::Timestamp>().ok().map(coursecopy::Timestamp::from)
}

/// The availability a `course[event]` sets: `offer` publishes, `claim`
/// unpublishes, `conclude` ends the course (`Disabled`, shown
/// `completed`); `undelete` and others change nothing.
fn availability_of(event: &str) -> Option<&'static str> {
    match event {
        "offer" => Some("Yes"),
        "claim" => Some("No"),
        "conclude" => Some("Disabled"),
        _ => None,
    }
}

/// `DELETE /api/v1/courses/:id` with `event=delete` or `event=conclude`
/// (query or body): `{"delete":true}` once the course and what only it
/// held are gone, `{"conclude":true}` once it is concluded; another event
/// is Canvas's 400; a course a copy is filling answers `{"delete":false}`
/// (400), and nothing changes.
pub async fn delete(Path(id): Path<String>, req: CanvasRequest) -> Result<Json<serde_json::Value>, CanvasError> {
    let CanvasRequest { app, caller, params, .. } = req;
    let event = params.get("event").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    if event != "delete" && event != "conclude" {
        let text = r#"Only "delete" and "conclude" events are allowed."#;
        return Err(CanvasError::Message(StatusCode::BAD_REQUEST, text.into()));
    }
    let mut state = app.lock();
    let key = readable(&state.model.ws, caller.user, &id)?;
    let (user, course) = (caller_name(&state.model.ws, &caller)?, key_id(&state.model.ws, key)?);
    let op = match event.as_str() {
        "delete" => Op::RemoveCourse { user, course },
        _ => change(user, course, |_| None, Some("Disabled")),
    };
    match state.commit(op).map_err(CanvasError::of_course_refusal) {
        Ok(_) => Ok(Json(serde_json::json!({ event: true }))),
        Err(CanvasError::Other(StatusCode::CONFLICT, _)) => {
            Err(CanvasError::Json(StatusCode::BAD_REQUEST, serde_json::json!({ event: false })))
        }
        Err(other) => Err(other),
    }
}

fn key_id(ws: &Workspace, key: CourseKey) -> Result<u64, CanvasError> {
    ws.course(key).map(|c| c.numeric_id()).map_err(|_| CanvasError::NotFound)
}
