//! Request extractors that answer in Learn's error form: the JSON body
//! (content type, size limit, line and column of a syntax error), path
//! and query parameters, and the caller a bearer token stands for.

use crate::app::SharedApp;
use crate::learn::wire::Failure;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use coursecopy::UserKey;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A JSON request body, parsed but not yet typed.
pub struct JsonBody(pub Value);

impl FromRequest<SharedApp> for JsonBody {
    type Rejection = Failure;

    async fn from_request(req: Request, app: &SharedApp) -> Result<Self, Failure> {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if media != "application/json" && !media.ends_with("+json") {
            return Err(Failure::bad_request(format!(
                "Content-Type: expected application/json, got {:?}",
                if content_type.is_empty() { "nothing" } else { content_type }
            )));
        }
        let limit = app.config.max_body;
        let bytes = axum::body::to_bytes(req.into_body(), limit).await.map_err(|_| {
            Failure::new(StatusCode::PAYLOAD_TOO_LARGE, format!("the request body is larger than {limit} bytes"))
        })?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            Failure::bad_request(format!("malformed JSON at line {} column {}: {e}", e.line(), e.column()))
        })?;
        Ok(JsonBody(value))
    }
}

/// Who is calling: the app key of the bearer token, and its user. The
/// auth middleware puts it in the request.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The workspace user its app key acts as.
    pub user: UserKey,
}

impl Caller {
    /// Who the caller is in an op: the workspace user, by name (ops name
    /// users, not app keys).
    ///
    /// # Errors
    /// A user no longer in the workspace: Learn's 401.
    pub fn user_name(&self, ws: &coursecopy::Workspace) -> Result<String, Failure> {
        ws.user(self.user).map(|u| u.name().to_string()).map_err(|_| Failure::unauthorized("the token's user is gone"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Failure> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| Failure::unauthorized("a bearer token is required"))
    }
}

/// Path parameters, decoded; a segment that is not UTF-8 once
/// percent-decoded is refused in Learn's form (SRV-13).
pub struct PathParams<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParams<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(PathParams(value)),
            Err(rejection) => Err(Failure::new(rejection.status(), format!("the path: {}", rejection.body_text()))),
        }
    }
}

/// Query parameters; a query that does not parse into `T` is refused in
/// Learn's form, naming what was wrong (SRV-13).
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(QueryParams(value)),
            Err(rejection) => Err(Failure::new(rejection.status(), format!("the query: {}", rejection.body_text()))),
        }
    }
}
