//! Learn's wire: the error body every failure answers with, the mapping of
//! library errors to status codes and to the JSON key paths clients wrote,
//! and the course shapes of the v1, v2 and v3 routes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use coursecopy::{CourseKey, Error as ModelError, Field, LearnCourse, Workspace};
use serde_json::{Value, json};

/// A failed request, answered with Learn's RestException body: `status`
/// (the code as a string), `message`, and `code`, `developerMessage`,
/// `extraInfo` where useful.
#[derive(Debug)]
pub struct Failure {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, for a person.
    pub message: String,
    /// More detail for the developer, if any.
    pub developer_message: Option<String>,
    /// Seconds a client should wait, for 429 and 503.
    pub retry_after: Option<u64>,
}

impl Failure {
    /// A failure with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Failure { status, message: message.into(), developer_message: None, retry_after: None }
    }

    /// 400, naming the JSON key path or parameter at fault.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Failure::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Failure::new(StatusCode::NOT_FOUND, message)
    }

    /// 401.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Failure::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 429 with a `Retry-After`.
    pub fn too_many(message: impl Into<String>, retry_after: u64) -> Self {
        Failure { retry_after: Some(retry_after.max(1)), ..Failure::new(StatusCode::TOO_MANY_REQUESTS, message) }
    }

    /// Adds a developer message.
    pub fn developer(mut self, message: impl Into<String>) -> Self {
        self.developer_message = Some(message.into());
        self
    }
}

/// The RestException body of a status and message.
pub fn error_body(status: StatusCode, message: &str, developer: Option<&str>) -> Value {
    let mut body = json!({ "status": status.as_u16().to_string(), "message": message });
    if let Some(d) = developer {
        body["developerMessage"] = json!(d);
    }
    if let Some(reason) = status.canonical_reason() {
        body["code"] = json!(reason.to_ascii_lowercase().replace(' ', "_"));
    }
    body
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = error_body(self.status, &self.message, self.developer_message.as_deref());
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The JSON key path a client wrote for a library field name, so that a
/// 400 names what the client sent (`availability.duration`, not
/// `duration`).
pub fn client_field(field: Field) -> &'static str {
    match field {
        Field::CourseId => "courseId",
        Field::ExternalId => "externalId",
        Field::Title => "name",
        Field::Duration => "availability.duration",
        Field::Enrollment => "enrollment",
        Field::AccessCode => "enrollment.accessCode",
        Field::Locale => "locale.id",
        Field::Target => "targetCourse",
        Field::TimeZone => "timeZone",
        Field::DateShift => "dateShift",
        other => other.name(),
    }
}

impl From<ModelError> for Failure {
    fn from(e: ModelError) -> Self {
        let developer = e.to_string();
        let (status, message) = match &e {
            ModelError::NotFound { .. } | ModelError::UnknownCourse { .. } => {
                (StatusCode::NOT_FOUND, developer.clone())
            }
            ModelError::Forbidden { .. } => (StatusCode::FORBIDDEN, developer.clone()),
            ModelError::Conflict { field, value, .. } => {
                (StatusCode::CONFLICT, format!("{} {value:?} is already taken", client_field(*field)))
            }
            ModelError::Busy { .. } | ModelError::Locked { .. } | ModelError::TaskEnded { .. } => {
                (StatusCode::CONFLICT, developer.clone())
            }
            ModelError::InUse { .. } | ModelError::NotIn { .. } | ModelError::AlreadyIn { .. } => {
                (StatusCode::CONFLICT, developer.clone())
            }
            ModelError::Invalid { field, reason } => {
                (StatusCode::BAD_REQUEST, format!("{}: {reason}", client_field(*field)))
            }
            _ => (StatusCode::INTERNAL_SERVER_ERROR, developer.clone()),
        };
        Failure::new(status, message).developer(developer)
    }
}

/// Which version of Learn's course routes answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CourseVersion {
    /// `/v1/courses`: no `modified`, `allowObservers`, `closedComplete`,
    /// `hasChildren`, `externalAccessUrl`, `copyHistory`.
    V1,
    /// `/v2/courses`: all but `copyHistory`.
    V2,
    /// `/v3/courses`: everything.
    V3,
}

/// Course `key` in the shape of `version`, with `readOnly` as Learn adds it
/// to v1.
pub fn course_json(ws: &Workspace, key: CourseKey, version: CourseVersion) -> Result<Value, Failure> {
    let mut value = serde_json::to_value(LearnCourse::of(ws, key)?)
        .map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    if let Some(object) = value.as_object_mut() {
        match version {
            CourseVersion::V3 => {}
            CourseVersion::V2 => {
                object.remove("copyHistory");
            }
            CourseVersion::V1 => {
                for k in
                    ["modified", "allowObservers", "closedComplete", "hasChildren", "externalAccessUrl", "copyHistory"]
                {
                    object.remove(k);
                }
                object.insert("readOnly".into(), json!(false));
            }
        }
    }
    Ok(value)
}

/// Keeps only the keys `fields` names (Learn's `fields` projection: a
/// comma-separated list of top-level keys or dotted paths). Keys that do
/// not exist are left out.
pub fn project(value: &Value, fields: Option<&str>) -> Value {
    let Some(fields) = fields.filter(|f| !f.trim().is_empty()) else { return value.clone() };
    let mut out = serde_json::Map::new();
    for path in fields.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut parts = path.split('.');
        let Some(first) = parts.next() else { continue };
        let Some(found) = value.get(first) else { continue };
        let rest: Vec<&str> = parts.collect();
        if rest.is_empty() {
            out.insert(first.to_string(), found.clone());
        } else {
            let nested = project(found, Some(&rest.join(".")));
            let slot = out.entry(first.to_string()).or_insert_with(|| json!({}));
            if let (Some(slot), Some(nested)) = (slot.as_object_mut(), nested.as_object()) {
                slot.extend(nested.clone());
            }
        }
    }
    Value::Object(out)
}

/// The core's refusal as Learn answers it: the model's errors by their
/// kind; a body that does not parse, 400; an unknown user, 401; a missing
/// page, job or issue, 404; a broken data file, 503.
impl From<crate::model::CoreError> for Failure {
    fn from(e: crate::model::CoreError) -> Self {
        use crate::model::CoreError;
        match e {
            CoreError::Unavailable(why) => {
                Failure::new(StatusCode::SERVICE_UNAVAILABLE, format!("the data file failed: {why}"))
            }
            CoreError::Model(e) => Failure::from(e),
            CoreError::Body(message) | CoreError::Rule(message) => Failure::bad_request(message),
            actor @ (CoreError::Actor(_) | CoreError::User(_)) => Failure::unauthorized(actor.to_string()),
            missing @ (CoreError::NoPage { .. }
            | CoreError::NoMigration { .. }
            | CoreError::NoTemplate { .. }
            | CoreError::NoIssue { .. }) => Failure::not_found(missing.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_keeps_named_keys_and_paths() {
        let v = json!({"id": "_1_1", "name": "N", "availability": {"available": "Yes", "duration": {"type": "Term"}}});
        assert_eq!(
            project(&v, Some("id,availability.available")),
            json!({"id": "_1_1", "availability": {"available": "Yes"}})
        );
        assert_eq!(project(&v, Some("nothing")), json!({}));
        assert_eq!(project(&v, None), v);
    }
}
