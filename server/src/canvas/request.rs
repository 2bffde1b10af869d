//! What every Canvas handler reads from a request, in one place: its
//! parameters (query, then body), the course it names with the right to
//! read it, the caller's name for an op, and a paged answer.

use super::auth::CanvasCaller;
use super::courses::resolve;
use super::errors::CanvasError;
use super::paging::{Page, base_of};
use super::params::{Body, merged};
use crate::app::SharedApp;
use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use coursecopy::{CourseKey, UserKey, Workspace};
use serde_json::Value;

fn bad(message: String) -> CanvasError {
    CanvasError::Other(StatusCode::BAD_REQUEST, message)
}

/// The query's parameters, or Canvas's 400.
pub(super) fn query_params(uri: &Uri) -> Result<Value, CanvasError> {
    merged(uri.query(), Body::None).map_err(|e| bad(e.to_string()))
}

/// The request's parameters with its body: a form's or a JSON object's,
/// the query's over them; or Canvas's 400.
pub(super) fn params_with_body(uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<Value, CanvasError> {
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let text = std::str::from_utf8(body).map_err(|_| bad("the body is not UTF-8".into()))?;
    let body = if body.is_empty() {
        Body::None
    } else if kind.starts_with("application/json") {
        Body::Json(serde_json::from_slice(body).map_err(|e| bad(format!("the JSON body does not parse: {e}")))?)
    } else {
        Body::Form(text)
    };
    merged(uri.query(), body).map_err(|e| bad(e.to_string()))
}

/// The value of `group[name]` as text: a form's string, or a JSON value
/// written out; `None` when absent.
pub(super) fn text(params: &Value, group: &str, name: &str) -> Option<String> {
    match &params[group][name] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The course `id` names, if `user` may read it: 404 for an unknown one,
/// Canvas's 401 (no `WWW-Authenticate`) for one they may not.
pub(super) fn readable(ws: &Workspace, user: UserKey, id: &str) -> Result<CourseKey, CanvasError> {
    let key = resolve(ws, id).ok_or(CanvasError::NotFound)?;
    if !ws.can_read(user, key) {
        return Err(CanvasError::Unauthorized);
    }
    Ok(key)
}

/// The caller's name, which the API-neutral ops carry.
pub(super) fn caller_name(ws: &Workspace, caller: &CanvasCaller) -> Result<String, CanvasError> {
    ws.user(caller.user).map(|u| u.name().to_string()).map_err(|_| CanvasError::Unauthorized)
}

/// A page of `items`, with its `Link` header.
pub(super) fn paged(items: Vec<Value>, params: &Value, headers: &HeaderMap, uri: &Uri) -> Response {
    let page = Page::of(params);
    let link = page.link(&base_of(headers), uri.path(), uri.query(), items.len());
    let mut response = Json(page.slice(&items).to_vec()).into_response();
    response.headers_mut().insert(header::LINK, link);
    response
}

/// What a Canvas handler reads of its request, in one extractor: the
/// app, the caller its token stands for (the gate put it there), the
/// headers and the URI (for the `Link` header and absolute URLs), and the
/// parameters merged as Rails merges them: the query's over a form's or a
/// JSON object's body. The body was read whole, and limited, by the
/// server's hygiene layer.
pub(super) struct CanvasRequest {
    /// The app.
    pub app: SharedApp,
    /// Who calls.
    pub caller: CanvasCaller,
    /// The request's headers.
    pub headers: HeaderMap,
    /// The URI the client asked for.
    pub uri: Uri,
    /// The merged parameters.
    pub params: Value,
}

impl FromRequest<SharedApp> for CanvasRequest {
    type Rejection = CanvasError;

    async fn from_request(req: Request, app: &SharedApp) -> Result<Self, CanvasError> {
        let (mut parts, body) = req.into_parts();
        let caller = parts.extensions.get::<CanvasCaller>().copied().ok_or(CanvasError::Unauthenticated)?;
        let Ok(OriginalUri(uri)) = OriginalUri::from_request_parts(&mut parts, app).await;
        let bytes = axum::body::to_bytes(body, usize::MAX).await.map_err(|e| bad(format!("the body: {e}")))?;
        let params = params_with_body(&uri, &parts.headers, &bytes)?;
        Ok(CanvasRequest { app: app.clone(), caller, headers: parts.headers, uri, params })
    }
}
