//! The account routes (CNV-3): the model has one account, Canvas's root
//! account, which holds every course. `self`, `default` and `1` name it.

use super::courses::{listed, show_course};
use super::errors::CanvasError;
use super::request::CanvasRequest;
use super::request::{caller_name, text};
use crate::model::CourseScope;
use axum::Json;
use axum::extract::Path;
use axum::response::Response;
use coursecopy::{Role, Timestamp, UserKey, Workspace};
use serde_json::{Value, json};

/// Whether `id` names the one account.
fn is_the_account(id: &str) -> bool {
    matches!(id, "self" | "default") || id == super::wire::ACCOUNT_ID.to_string()
}

/// The caller's role, for the account's rights: an Administrator manages
/// the account (reads every course of it); an Author may read it, as the
/// one who creates courses in it (ACC-1); a Reviewer may not.
fn role(ws: &Workspace, user: UserKey) -> Option<Role> {
    ws.user(user).ok().map(|u| u.role())
}

/// `GET /api/v1/accounts/:id`: the account, for a caller who may create
/// courses in it.
pub async fn show(Path(id): Path<String>, req: CanvasRequest) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, .. } = req;
    if !is_the_account(&id) {
        return Err(CanvasError::NotFound);
    }
    let state = app.lock();
    match role(&state.model.ws, caller.user) {
        Some(Role::Administrator | Role::Author) => Ok(Json(json!({
            "id": super::wire::ACCOUNT_ID,
            "name": "coursecopy",
            "parent_account_id": null,
            "root_account_id": null,
            "workflow_state": "active",
            "default_time_zone": "Etc/UTC",
        }))),
        _ => Err(CanvasError::Unauthorized),
    }
}

/// `GET /api/v1/accounts/:id/courses`: every course of the account, for
/// an Administrator, by numeric id, paged; `search_term` keeps the courses
/// whose name, course code or SIS id holds it (any case).
pub async fn courses(Path(id): Path<String>, req: CanvasRequest) -> Result<Response, CanvasError> {
    let CanvasRequest { app, caller, headers, uri, .. } = req;
    if !is_the_account(&id) {
        return Err(CanvasError::NotFound);
    }
    let state = app.lock();
    if role(&state.model.ws, caller.user) != Some(Role::Administrator) {
        return Err(CanvasError::Unauthorized);
    }
    listed(&state.model, caller.user, &headers, &uri, CourseScope::Readable, true)
}

/// `GET /api/v1/accounts/:id/courses/:course_id`: the course, as
/// `GET /api/v1/courses/:id` answers.
pub async fn course(
    Path((account, id)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, .. } = req;
    if !is_the_account(&account) {
        return Err(CanvasError::NotFound);
    }
    let state = app.lock();
    show_course(&state.model, caller.user, &id)
}

/// A `course[start_at]`-style time of `params`.
fn time_of(params: &Value, name: &str) -> Option<Timestamp> {
    super::courses::time(text(params, "course", name))
}

/// `POST /api/v1/accounts/:id/courses` (CNV-3): a course made by a caller
/// who may create courses, with `course[name]` ("Unnamed Course" when
/// absent), `course[course_code]`, `course[sis_course_id]`,
/// `course[time_zone]`, `course[start_at]` with `course[end_at]` (a
/// `DateRange` when both are given), unpublished unless `offer=true`. Its
/// `courseId` is `canvas-<id>`. 200 with the course, as Canvas answers.
pub async fn create_course(Path(id): Path<String>, req: CanvasRequest) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, params, .. } = req;
    if !is_the_account(&id) {
        return Err(CanvasError::NotFound);
    }
    let field = |name: &str| text(&params, "course", name);
    let fields = crate::model::CourseFields {
        title: field("name").unwrap_or_else(|| "Unnamed Course".into()),
        course_code: field("course_code"),
        external_id: field("sis_course_id"),
        time_zone: field("time_zone"),
        start: time_of(&params, "start_at"),
        end: time_of(&params, "end_at"),
        available: params.get("offer").is_some_and(super::migration_params::flag),
    };
    let mut state = app.lock();
    let user = caller_name(&state.model.ws, &caller)?;
    let op = crate::model::Op::NewCourse { user, prefix: "canvas".into(), fields, at: Timestamp::now() };
    let crate::model::Outcome::Course(key) = state.commit(op).map_err(CanvasError::of_course_refusal)? else {
        return Err(CanvasError::NotFound);
    };
    super::wire::course(&state.model, key).map(Json).ok_or(CanvasError::NotFound)
}
