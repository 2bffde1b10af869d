//! Course routes (SRV-4): list, get, create, PATCH, delete in v1, v2 and
//! v3 shapes.

use crate::app::SharedApp;
use crate::extract::Caller;
use crate::learn::paging::ListQuery;
use crate::learn::plan;
use crate::learn::wire::{CourseVersion, Failure, course_json, project};
use crate::model::{CourseOrder, CourseQuery, CourseText, Op, Outcome};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use coursecopy::{Availability, CourseKey, CourseRef, Timestamp, Workspace};
use serde_json::Value;
use std::collections::BTreeMap;

/// The course a `{courseId}` path segment names: `_12_1`, `courseId:X`,
/// `externalId:X` or `uuid:X`.
pub fn resolve(ws: &Workspace, id: &str) -> Result<CourseKey, Failure> {
    let r: CourseRef = id.parse().map_err(|_| Failure::not_found(format!("no course matches {id}")))?;
    Ok(ws.resolve_course(&r)?)
}

/// The course a `{courseId}` names, if the caller may read it.
pub fn readable(ws: &Workspace, caller: &Caller, id: &str) -> Result<CourseKey, Failure> {
    let key = resolve(ws, id)?;
    if !ws.can_read(caller.user, key) {
        return Err(Failure::new(StatusCode::FORBIDDEN, format!("the caller may not read course {id}")));
    }
    Ok(key)
}

/// `GET /vN/courses`: Learn's filters, `sort`, `fields` and paging.
pub async fn list(
    version: CourseVersion,
    app: SharedApp,
    caller: Caller,
    query: ListQuery,
) -> Result<Json<Value>, Failure> {
    let courses = course_query(&query.params)?;
    let state = app.lock();
    let found = state.model.courses(caller.user, &courses);
    let fields = query.params.get("fields").map(String::as_str);
    let results = query
        .paging
        .rows(&found)
        .iter()
        .map(|k| course_json(&state.model.ws, *k, version).map(|v| project(&v, fields)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(query.paging.answer(&query.path, &query.params, results, found.len()))
}

/// Learn's course-list parameters as the core's query: the text filters
/// (`courseId`, `externalId`, `name`, `description`: contains, any
/// case), `availability.available`, `created` with `createdCompare`
/// (`lessThan` is strictly before), `sort`.
fn course_query(p: &BTreeMap<String, String>) -> Result<CourseQuery, Failure> {
    let created = match p.get("created") {
        None => None,
        Some(v) => Some(v.parse::<Timestamp>().map_err(|_| {
            Failure::bad_request(format!("created: {v:?} is not an RFC 3339 date-time (2030-01-01T00:00:00Z)"))
        })?),
    };
    let before = match p.get("createdCompare").map(String::as_str) {
        None | Some("greaterOrEqual") => false,
        Some("lessThan") => true,
        Some(other) => {
            return Err(Failure::bad_request(format!("createdCompare: {other:?} is none of lessThan, greaterOrEqual")));
        }
    };
    let availability = match p.get("availability.available") {
        None => None,
        Some(v) => Some(availability(v).ok_or_else(|| {
            Failure::bad_request(format!("availability.available: {v:?} is none of Yes, No, Disabled, Term"))
        })?),
    };
    let texts = [
        ("courseId", CourseText::CourseId),
        ("externalId", CourseText::ExternalId),
        ("name", CourseText::Title),
        ("description", CourseText::Description),
    ];
    let every = texts.iter().filter_map(|(name, field)| Some((*field, p.get(*name)?.clone()))).collect();
    let order = sort_order(p.get("sort").map(String::as_str))?;
    let created = created.map(|t| (t, before));
    Ok(CourseQuery { every, availability, created, order, ..CourseQuery::default() })
}

/// A course availability as Learn's filter names it (any case).
fn availability(name: &str) -> Option<Availability> {
    [Availability::Yes, Availability::No, Availability::Disabled, Availability::Term]
        .into_iter()
        .find(|a| format!("{a:?}").eq_ignore_ascii_case(name))
}

/// Learn's `sort`: fields with `(asc)` or `(desc)`, by id when not given.
fn sort_order(sort: Option<&str>) -> Result<Vec<(CourseOrder, bool)>, Failure> {
    let Some(sort) = sort.filter(|s| !s.is_empty()) else { return Ok(vec![(CourseOrder::Id, false)]) };
    sort.split(',')
        .map(|part| {
            let part = part.trim();
            let (field, desc) = match part.strip_suffix("(desc)") {
                Some(f) => (f, true),
                None => (part.strip_suffix("(asc)").unwrap_or(part), false),
            };
            let order = match field {
                "id" => CourseOrder::Id,
                "courseId" => CourseOrder::Text(CourseText::CourseId),
                "externalId" => CourseOrder::Text(CourseText::ExternalId),
                "name" => CourseOrder::Text(CourseText::Title),
                "created" => CourseOrder::Created,
                "modified" => CourseOrder::Modified,
                other => {
                    return Err(Failure::bad_request(format!(
                        "sort: {other:?} is none of id, courseId, externalId, name, created, modified"
                    )));
                }
            };
            Ok((order, desc))
        })
        .collect()
}

/// The collection path of a version's course routes.
pub fn courses_path(version: CourseVersion) -> &'static str {
    match version {
        CourseVersion::V1 => "/learn/api/public/v1/courses",
        CourseVersion::V2 => "/learn/api/public/v2/courses",
        CourseVersion::V3 => "/learn/api/public/v3/courses",
    }
}

/// `GET /vN/courses/{courseId}`.
pub async fn get(
    version: CourseVersion,
    app: SharedApp,
    caller: Caller,
    id: String,
    params: BTreeMap<String, String>,
) -> Result<Json<Value>, Failure> {
    let state = app.lock();
    let key = readable(&state.model.ws, &caller, &id)?;
    let value = course_json(&state.model.ws, key, version)?;
    Ok(Json(project(&value, params.get("fields").map(String::as_str))))
}

/// `POST /vN/courses`: 201 with the new course.
pub async fn create(version: CourseVersion, app: SharedApp, caller: Caller, body: Value) -> Result<Response, Failure> {
    let mut state = app.lock();
    let op = plan::create_course(&caller.user_name(&state.model.ws)?, &body, Timestamp::now())?;
    let Outcome::Course(key) = state.commit(op)? else {
        return Err(Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "course creation gave no course"));
    };
    let value = course_json(&state.model.ws, key, version)?;
    Ok((StatusCode::CREATED, Json(value)).into_response())
}

/// `PATCH /vN/courses/{courseId}`: 200 with the course as it is now; 409
/// while a copy runs into it.
pub async fn patch(
    version: CourseVersion,
    app: SharedApp,
    caller: Caller,
    id: String,
    body: Value,
) -> Result<Json<Value>, Failure> {
    let mut state = app.lock();
    let key = readable(&state.model.ws, &caller, &id)?;
    let course = state.model.ws.course(key)?.numeric_id();
    let user = caller.user_name(&state.model.ws)?;
    state.commit(plan::update_course(&user, course, &body, Timestamp::now())?)?;
    Ok(Json(course_json(&state.model.ws, key, version)?))
}

/// `DELETE /vN/courses/{courseId}`: v3 answers 202 (Learn queues the
/// delete; here it is done before the answer), v1 and v2 answer 204.
pub async fn delete(version: CourseVersion, app: SharedApp, caller: Caller, id: String) -> Result<Response, Failure> {
    let mut state = app.lock();
    let key = readable(&state.model.ws, &caller, &id)?;
    let course = state.model.ws.course(key)?.numeric_id();
    let user = caller.user_name(&state.model.ws)?;
    state.commit(Op::RemoveCourse { user, course })?;
    let status = if version == CourseVersion::V3 { StatusCode::ACCEPTED } else { StatusCode::NO_CONTENT };
    Ok(status.into_response())
}
