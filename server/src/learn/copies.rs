//! Copy routes (SRV-5) and task routes (SRV-6).

use crate::app::SharedApp;
use crate::extract::Caller;
use crate::learn::courses::resolve;
use crate::learn::plan;
use crate::learn::wire::Failure;
use crate::model::Outcome;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use coursecopy::{LearnCourseTask, LearnTaskStatus, Timestamp};
use serde_json::{Value, json};

/// `POST /v2/courses/{courseId}/copy` with the LMS-11 body: 202, `{}`, and
/// `Location: /learn/api/public/v1/courses/{target}/tasks/{task}`. 429 with
/// `Retry-After` when `--max-queued` tasks wait or run.
pub async fn copy_v2(app: SharedApp, caller: Caller, id: String, body: Value) -> Result<Response, Failure> {
    let mut state = app.lock();
    let source = resolve(&state.model.ws, &id)?;
    let source = state.model.ws.course(source)?.numeric_id();
    if !app.queue_has_room(&state) {
        return Err(Failure::too_many(
            format!("the copy queue is full ({} tasks wait or run)", app.config.max_queued),
            5,
        ));
    }
    let user = caller.user_name(&state.model.ws)?;
    let op = plan::request_copy(&state.model.ws, &user, source, &body, Timestamp::now(), false)?;
    let Outcome::Copy { task, target } = state.commit_job(op)? else {
        return Err(Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "the copy gave no task"));
    };
    drop(state);
    app.wake.notify_all();
    let location = format!("/learn/api/public/v1/courses/{target}/tasks/{task}");
    let mut response = (StatusCode::ACCEPTED, Json(json!({}))).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// `POST /v1/courses/{courseId}/copy` (deprecated) with `{"courseId": X}`:
/// an exact copy into a new course.
pub async fn copy_v1(app: SharedApp, caller: Caller, id: String, body: Value) -> Result<Response, Failure> {
    let course_id = match body.get("courseId") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(Failure::bad_request("courseId: expected a string")),
        None => return Err(Failure::bad_request("courseId: missing")),
    };
    copy_v2(app, caller, id, json!({ "targetCourse": { "courseId": course_id } })).await
}

/// `GET /v1/courses/{courseId}/tasks/{taskId}`: 200 with the task while it
/// waits or runs, or when it ended Incomplete; 303 to the target course
/// once complete, after the end is durable.
pub async fn course_task(app: SharedApp, caller: Caller, course: String, task: String) -> Result<Response, Failure> {
    let mut state = app.lock();
    let Some((accepted, status)) = state.model.task(&task) else {
        return Err(Failure::not_found(format!("task {task} not found for course {course}")));
    };
    let target = accepted.target.clone();
    let matches = course == target || resolve(&state.model.ws, &course).ok() == Some(status.target);
    if !matches {
        return Err(Failure::not_found(format!("task {task} not found for course {course}")));
    }
    if !state.model.may_see_task(caller.user, &status) {
        return Err(Failure::new(StatusCode::FORBIDDEN, format!("the caller may not view task {task}")));
    }
    let learn = LearnCourseTask::from(&status);
    let body = task_view(&learn, &status)?;
    match learn.status {
        LearnTaskStatus::Complete | LearnTaskStatus::CompleteWithErrors => {
            state.flush()?;
            let location = format!("/learn/api/public/v3/courses/{target}");
            let mut response = (StatusCode::SEE_OTHER, Json(body)).into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            Ok(response)
        }
        _ => Ok(Json(body).into_response()),
    }
}

/// The course task as Learn writes it, plus `dateShift`, the copy's date
/// shift report (DAT-7), once a copy that shifted dates is complete:
/// an extension key, which Learn's clients ignore.
fn task_view(learn: &LearnCourseTask, status: &coursecopy::TaskStatus) -> Result<Value, Failure> {
    let internal = |e: serde_json::Error| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    let mut body = serde_json::to_value(learn).map_err(internal)?;
    if let (Some(report), Some(object)) = (&status.date_shift, body.as_object_mut()) {
        object.insert("dateShift".into(), serde_json::to_value(report).map_err(internal)?);
    }
    Ok(body)
}

/// `GET /v1/system/tasks/{taskId}`: the task in SystemTask form.
pub async fn system_task(app: SharedApp, caller: Caller, task: String) -> Result<Json<Value>, Failure> {
    let mut state = app.lock();
    let Some((accepted, status)) = state.model.task(&task) else {
        return Err(Failure::not_found(format!("task {task} not found")));
    };
    let ended = accepted.ended;
    if !state.model.may_see_task(caller.user, &status) {
        return Err(Failure::new(StatusCode::FORBIDDEN, format!("the caller may not view task {task}")));
    }
    let learn = LearnCourseTask::from(&status);
    if learn.status.is_finished() {
        state.flush()?;
    }
    let mut body = json!({
        "id": learn.id,
        "type": "CourseCopy",
        "status": learn.status.system_task_name(),
        "percentComplete": learn.percent_complete,
    });
    if let Some(started) = learn.started {
        body["started"] = json!(started);
    }
    if let Some(ended) = ended.filter(|_| learn.status.is_finished()) {
        body["ended"] = json!(ended);
    }
    Ok(Json(body))
}
