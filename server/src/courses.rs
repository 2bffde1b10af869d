//! Course routes (SRV-4): list, get, create, PATCH, delete in v1, v2 and
//! v3 shapes.

use crate::app::SharedApp;
use crate::extract::Caller;
use crate::learn::plan;
use crate::model::{Op, Outcome};
use crate::paging::ListQuery;
use crate::wire::{CourseVersion, Failure, course_json, project};
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
    let p = &query.params;
    let created = match p.get("created") {
        None => None,
        Some(v) => Some(v.parse::<Timestamp>().map_err(|_| {
            Failure::bad_request(format!("created: {v:?} is not an RFC 3339 date-time (2030-01-01T00:00:00Z)"))
        })?),
    };
    // Learn's two comparisons: `lessThan` is strictly before.
    let before = match p.get("createdCompare").map(String::as_str) {
        None | Some("greaterOrEqual") => false,
        Some("lessThan") => true,
        Some(other) => {
            return Err(Failure::bad_request(format!("createdCompare: {other:?} is none of lessThan, greaterOrEqual")));
        }
    };
    let available = match p.get("availability.available") {
        None => None,
        Some(v) => Some(availability(v).ok_or_else(|| {
            Failure::bad_request(format!("availability.available: {v:?} is none of Yes, No, Disabled, Term"))
        })?),
    };
    let contains = |name: &str, value: &str| {
        p.get(name).is_none_or(|needle| value.to_lowercase().contains(&needle.to_lowercase()))
    };
    let sort = sort_order(p.get("sort").map(String::as_str))?;

    let state = app.lock();
    let ws = &state.model.ws;
    let mut found: Vec<(CourseKey, &coursecopy::Course)> = ws
        .courses()
        .filter(|(k, _)| ws.can_read(caller.user, *k))
        .filter(|(_, c)| contains("courseId", c.course_id()) && contains("externalId", c.external_id()))
        .filter(|(_, c)| contains("name", c.title()) && contains("description", c.description()))
        .filter(|(_, c)| available.is_none_or(|a| c.settings().availability() == a))
        .filter(|(_, c)| created.is_none_or(|t| if before { c.created() < t } else { c.created() >= t }))
        .collect();
    found.sort_by(|(_, a), (_, b)| {
        let mut ord = std::cmp::Ordering::Equal;
        for (field, desc) in &sort {
            let o = match field.as_str() {
                "courseId" => a.course_id().cmp(b.course_id()),
                "externalId" => a.external_id().cmp(b.external_id()),
                "name" => a.title().cmp(b.title()),
                "created" => a.created().cmp(&b.created()),
                "modified" => a.modified().cmp(&b.modified()),
                _ => a.lms_id().len().cmp(&b.lms_id().len()).then_with(|| a.lms_id().cmp(&b.lms_id())),
            };
            ord = ord.then(if *desc { o.reverse() } else { o });
        }
        ord
    });
    let fields = p.get("fields").map(String::as_str);
    let results = query
        .paging
        .rows(&found)
        .iter()
        .map(|(k, _)| course_json(ws, *k, version).map(|v| project(&v, fields)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(query.paging.answer(&query.path, p, results, found.len()))
}

/// A course availability as Learn's filter names it (any case).
fn availability(name: &str) -> Option<Availability> {
    [Availability::Yes, Availability::No, Availability::Disabled, Availability::Term]
        .into_iter()
        .find(|a| format!("{a:?}").eq_ignore_ascii_case(name))
}

fn sort_order(sort: Option<&str>) -> Result<Vec<(String, bool)>, Failure> {
    let Some(sort) = sort.filter(|s| !s.is_empty()) else { return Ok(vec![("id".into(), false)]) };
    sort.split(',')
        .map(|part| {
            let part = part.trim();
            let (field, desc) = match part.strip_suffix("(desc)") {
                Some(f) => (f, true),
                None => (part.strip_suffix("(asc)").unwrap_or(part), false),
            };
            match field {
                "id" | "courseId" | "externalId" | "name" | "created" | "modified" => Ok((field.to_string(), desc)),
                other => Err(Failure::bad_request(format!(
                    "sort: {other:?} is none of id, courseId, externalId, name, created, modified"
                ))),
            }
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
