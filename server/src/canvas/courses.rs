//! `GET /api/v1/courses`, `GET` and `PUT /api/v1/courses/:id` (CNV-3):
//! the caller's courses, paged, one course by any of the path id forms
//! Canvas takes, and the change of its fields the model has.

use super::auth::CanvasCaller;
use super::errors::CanvasError;
use super::request::{caller_name, paged, params_with_body, query_params, readable, text};
use super::wire;
use crate::app::SharedApp;
use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, Uri};
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
pub async fn list(
    State(app): State<SharedApp>,
    caller: axum::Extension<CanvasCaller>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, CanvasError> {
    let state = app.lock();
    let user = caller.user;
    listed(&state.model.ws, &headers, &uri, |c| c.created_by() == user || c.is_assigned(user), false)
}

/// A page of the courses `keep` keeps, by numeric id, with its `Link`
/// header; with `search`, only those whose name, course code or SIS id
/// holds the `search_term` parameter (any case).
pub(super) fn listed(
    ws: &Workspace,
    headers: &HeaderMap,
    uri: &Uri,
    keep: impl Fn(&coursecopy::Course) -> bool,
    search: bool,
) -> Result<Response, CanvasError> {
    let params = query_params(uri)?;
    let term = params.get("search_term").and_then(|v| v.as_str()).filter(|_| search).map(str::to_lowercase);
    let found = |c: &coursecopy::Course| {
        term.as_deref().is_none_or(|t| {
            let code = c.detail("course_code").unwrap_or(c.course_id());
            [c.title(), code, c.external_id()].iter().any(|field| field.to_lowercase().contains(t))
        })
    };
    let mut kept: Vec<(u64, CourseKey)> =
        ws.courses().filter(|(_, c)| keep(c) && found(c)).map(|(key, c)| (c.numeric_id(), key)).collect();
    kept.sort_unstable();
    let courses: Vec<serde_json::Value> = kept.iter().filter_map(|(_, key)| wire::course(ws, *key)).collect();
    Ok(paged(courses, &params, headers, uri))
}

/// `GET /api/v1/courses/:id`: 404 for an unknown course, Canvas's 401
/// (no `WWW-Authenticate`) for one the caller may not read.
pub async fn show(
    State(app): State<SharedApp>,
    caller: axum::Extension<CanvasCaller>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, CanvasError> {
    let state = app.lock();
    show_course(&state.model.ws, caller.user, &id)
}

/// The course `id` names, for `user`.
pub(super) fn show_course(ws: &Workspace, user: UserKey, id: &str) -> Result<Json<serde_json::Value>, CanvasError> {
    let key = readable(ws, user, id)?;
    wire::course(ws, key).map(Json).ok_or(CanvasError::NotFound)
}

/// `PUT /api/v1/courses/:id` (CNV-3): changes the fields of `course[...]`
/// the model has (`name`, `course_code`, `sis_course_id`, `time_zone`),
/// from a form or JSON body, as an edit of the course (ACC-1, ACC-4),
/// journaled before the answer; answers the course as it is now. Other
/// `course[...]` keys, and `course[event]`, are not served yet and are
/// ignored, as Canvas ignores keys it does not know.
pub async fn update(
    State(app): State<SharedApp>,
    caller: axum::Extension<CanvasCaller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    body: axum::body::Bytes,
) -> Result<Json<serde_json::Value>, CanvasError> {
    let params = params_with_body(&uri, &headers, &body)?;
    let field = |name: &str| text(&params, "course", name);
    let mut state = app.lock();
    let ws = &state.model.ws;
    let key = readable(ws, caller.user, &id)?;
    let user = caller_name(ws, &caller)?;
    let course = ws.course(key).map_err(|_| CanvasError::NotFound)?.numeric_id();
    let op = crate::model::Op::ChangeCourse {
        user,
        course,
        title: field("name"),
        course_code: field("course_code"),
        external_id: field("sis_course_id"),
        time_zone: field("time_zone"),
        at: coursecopy::Timestamp::now(),
    };
    state.commit_as(op, CanvasError::of_course_refusal)?;
    wire::course(&state.model.ws, key).map(Json).ok_or(CanvasError::NotFound)
}
