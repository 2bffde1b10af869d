//! Canvas's error answers (`canvas/API.md` §1.3, §1.4): each refusal of a
//! Canvas route in the shape Canvas gives it, so that a client tells an
//! invalid token (401 with `WWW-Authenticate`) from a missing right (401
//! without it) and reads every error body as JSON.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What `WWW-Authenticate` says on a token problem.
pub const REALM: &str = "Bearer realm=\"canvas-lms\"";

/// A refused Canvas request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CanvasError {
    /// The token is unknown or malformed: 401, `WWW-Authenticate`.
    InvalidToken,
    /// No token on a route that needs a user: 401, `WWW-Authenticate`.
    Unauthenticated,
    /// A user who may not do this: 401 without `WWW-Authenticate`.
    Unauthorized,
    /// The resource does not exist (or is not the caller's to see as
    /// existing): 404.
    NotFound,
    /// A model validation error (400), in Canvas's shape keyed by
    /// attribute: `{"errors":{"<attribute>":[{attribute, type, message}]}}`.
    Invalid {
        /// The attribute: `title`, `body`, or `base` for the whole record.
        attribute: String,
        /// What is wrong.
        message: String,
    },
    /// Any other refusal, with its status and message, in the generic
    /// `errors` shape.
    Other(StatusCode, String),
    /// A refusal some controllers give as a bare `{"message": …}` (a
    /// content migration's type or source, `API.md` §5.2).
    Message(StatusCode, String),
    /// A refusal whose body is a given JSON value (`{"delete": false}`).
    Json(StatusCode, serde_json::Value),
}

impl From<crate::model::CoreError> for CanvasError {
    fn from(e: crate::model::CoreError) -> Self {
        CanvasError::of_refusal(e)
    }
}

impl CanvasError {
    /// The model's refusal of a change, in Canvas's terms: a missing right
    /// or a locked course (ACC-1, ACC-4) as a missing right; a field a
    /// lock keeps (LNK-9, LNK-13) as Canvas's `locked by Master Course`
    /// validation error on `base`; a bad value as a validation error on
    /// its attribute; a course a copy is filling as a 409.
    pub fn of_refusal(e: crate::model::CoreError) -> CanvasError {
        use coursecopy::Error;
        match e {
            crate::model::CoreError::Unavailable(why) => {
                CanvasError::Other(StatusCode::SERVICE_UNAVAILABLE, format!("the data file failed: {why}"))
            }
            crate::model::CoreError::Model(e) => match e {
                Error::Forbidden { .. } | Error::Locked { .. } => CanvasError::Unauthorized,
                Error::NotFound { .. } | Error::NotIn { .. } => CanvasError::NotFound,
                Error::FieldLocked { field, .. } | Error::ItemLocked { field: Some(field), .. } => {
                    CanvasError::Invalid {
                        attribute: "base".into(),
                        message: format!("cannot change column(s): {field} - locked by Master Course"),
                    }
                }
                Error::Invalid { field, reason, .. } => {
                    CanvasError::Invalid { attribute: field.to_string(), message: reason.to_string() }
                }
                Error::Busy { .. } => CanvasError::Other(StatusCode::CONFLICT, e.to_string()),
                other => CanvasError::Other(StatusCode::BAD_REQUEST, other.to_string()),
            },
            crate::model::CoreError::NoPage { .. }
            | crate::model::CoreError::NoMigration { .. }
            | crate::model::CoreError::NoTemplate { .. }
            | crate::model::CoreError::NoIssue { .. } => CanvasError::NotFound,
            crate::model::CoreError::Rule(message) => CanvasError::Message(StatusCode::BAD_REQUEST, message),
            other => CanvasError::Other(StatusCode::BAD_REQUEST, other.to_string()),
        }
    }
}

impl IntoResponse for CanvasError {
    fn into_response(self) -> Response {
        let (status, body, challenge) = match self {
            CanvasError::InvalidToken => {
                (StatusCode::UNAUTHORIZED, json!({"errors": [{"message": "Invalid access token."}]}), true)
            }
            CanvasError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                json!({"status": "unauthenticated", "errors": [{"message": "user authorization required"}]}),
                true,
            ),
            CanvasError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                json!({"status": "unauthorized", "errors": [{"message": "user not authorized to perform that action"}]}),
                false,
            ),
            CanvasError::NotFound => (
                StatusCode::NOT_FOUND,
                json!({"errors": [{"message": "The specified resource does not exist."}]}),
                false,
            ),
            CanvasError::Invalid { attribute, message } => (
                StatusCode::BAD_REQUEST,
                json!({"errors": {attribute.clone(): [{"attribute": attribute, "type": "invalid", "message": message}]}}),
                false,
            ),
            CanvasError::Other(status, message) => (status, json!({"errors": [{"message": message}]}), false),
            CanvasError::Message(status, message) => (status, json!({ "message": message }), false),
            CanvasError::Json(status, body) => (status, body, false),
        };
        let mut response = (status, Json(body)).into_response();
        if challenge {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(REALM));
        }
        response
    }
}

/// Canvas's answer to a throttled request (`canvas/API.md` §1.6): 429,
/// `Retry-After` in seconds, and Canvas's plain-text body (current Canvas;
/// canvasapi 3.6 reads the 429); with `classic`, the 403 of older Canvas,
/// which canvasapi 3.4 reads.
pub fn throttled(retry_after: u64, classic: bool) -> Response {
    let answer = if classic {
        (StatusCode::FORBIDDEN, "403 Forbidden (Rate Limit Exceeded)\n")
    } else {
        (StatusCode::TOO_MANY_REQUESTS, "429 Too Many Requests (Rate Limit Exceeded)\n")
    };
    let mut response = answer.into_response();
    let h = response.headers_mut();
    h.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

/// Canvas's rate headers on an answer of `/api/v1/` (`canvas/API.md`
/// §1.6): `X-Request-Cost` (one request of the window) and
/// `X-Rate-Limit-Remaining` as the floats Canvas writes; on an answered
/// request never below 0.1, which a Java client treats as throttled.
pub fn with_canvas_rate_headers(mut response: Response, remaining: Option<u64>) -> Response {
    let left = match remaining {
        Some(n) => (n as f64).max(0.1),
        None => 0.0,
    };
    let h = response.headers_mut();
    h.insert("x-request-cost", HeaderValue::from_static("1.0"));
    if let Ok(value) = HeaderValue::from_str(&format!("{left:.1}")) {
        h.insert("x-rate-limit-remaining", value);
    }
    response
}

/// With `--canvas-403-for-rights`, a missing right is a 403, as newer
/// Canvas answers it (the body stays the same); a 401 that carries
/// `WWW-Authenticate` (a token problem) stays a 401.
pub fn rights_as_403(mut response: Response) -> Response {
    if response.status() == StatusCode::UNAUTHORIZED && !response.headers().contains_key(header::WWW_AUTHENTICATE) {
        *response.status_mut() = StatusCode::FORBIDDEN;
    }
    response
}

impl CanvasError {
    /// [`of_refusal`](Self::of_refusal) for a blueprint change of a
    /// course: a rule's refusal is Canvas's validation error on
    /// `master_course`.
    pub fn of_blueprint_refusal(e: crate::model::CoreError) -> CanvasError {
        match e {
            crate::model::CoreError::Rule(message) => {
                CanvasError::Invalid { attribute: "master_course".into(), message }
            }
            other => CanvasError::of_refusal(other),
        }
    }

    /// [`of_refusal`](Self::of_refusal) for a change of a course: a bad
    /// value names the course attribute Canvas has for the model's field
    /// (`name` for the title, `sis_course_id` for the external id).
    pub fn of_course_refusal(e: crate::model::CoreError) -> CanvasError {
        match CanvasError::of_refusal(e) {
            CanvasError::Invalid { attribute, message } => {
                let attribute = match attribute.as_str() {
                    "title" => "name".to_string(),
                    "duration" => "conclude_at".to_string(),
                    "external_id" => "sis_course_id".to_string(),
                    _ => attribute,
                };
                CanvasError::Invalid { attribute, message }
            }
            other => other,
        }
    }
}
