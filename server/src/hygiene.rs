//! HTTP hygiene (SRV-13): a request's body is read whole before anything
//! answers, so that no answer leaves unread bytes on a keep-alive
//! connection; the server's own URI limit; and every error answer in
//! Learn's JSON form, whatever layer made it.
//!
//! Layers, outermost first (see [`crate::router`]): `trace`, the rate
//! window ([`crate::auth::rate`]), [`learn_errors`], [`whole_body`], the
//! access gate ([`crate::auth::gate`]), the routes. A layer that refuses
//! before [`whole_body`] has run (the rate window) drains the body itself
//! with [`drain`].
//!
//! What hyper, the HTTP library under axum, refuses before any of this
//! runs is answered by hyper with an empty body and the connection
//! closed: a request line or header block it cannot parse (400), a URI
//! over 65,534 bytes (414), more than 100 headers or a head over about
//! 400 KiB (431). `server/tests/hygiene.rs` pins those statuses.

use crate::app::SharedApp;
use crate::wire::Failure;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// The longest URI (path and query, as sent) the server takes; a longer
/// one answers 414 in Learn's form.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The longest message an error answer made from another layer's plain
/// text keeps.
const MAX_MESSAGE_BYTES: usize = 512;

/// Why a body could not be read whole.
pub enum BodyError {
    /// It is longer than the limit; the rest is unread.
    TooLarge,
    /// The connection or its framing failed.
    Unreadable(String),
}

/// Reads `body` whole, up to `limit` bytes.
///
/// # Errors
/// [`BodyError::TooLarge`] past the limit, [`BodyError::Unreadable`] when
/// the client's framing or connection fails.
pub async fn read_whole(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(BodyError::TooLarge),
        Err(e) => Err(BodyError::Unreadable(e.to_string())),
    }
}

/// Reads and drops `body`, up to `limit` bytes: whether the connection
/// can carry another request after the answer.
pub async fn drain(body: Body, limit: usize) -> bool {
    read_whole(body, limit).await.is_ok()
}

/// Marks `response` as the last on its connection.
pub fn close(mut response: Response) -> Response {
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Refuses a URI over [`MAX_URI_BYTES`], then reads the body whole (up to
/// `--max-body`) and hands it on: 413 past the limit and 400 when it
/// cannot be read, each closing the connection, since the rest of the body
/// is unread.
pub async fn whole_body(State(app): State<SharedApp>, req: Request, next: Next) -> Response {
    let uri_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if uri_len > MAX_URI_BYTES {
        let failure = Failure::new(
            StatusCode::URI_TOO_LONG,
            format!("the URI is {uri_len} bytes long; the server takes at most {MAX_URI_BYTES}"),
        );
        return close(failure.into_response());
    }
    let limit = app.config.max_body;
    let (parts, body) = req.into_parts();
    match read_whole(body, limit).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(BodyError::TooLarge) => close(too_large(limit).into_response()),
        Err(BodyError::Unreadable(why)) => {
            close(Failure::bad_request(format!("the request body could not be read: {why}")).into_response())
        }
    }
}

/// The 413 of a body over `limit` bytes.
pub fn too_large(limit: usize) -> Failure {
    Failure::new(StatusCode::PAYLOAD_TOO_LARGE, format!("the request body is larger than {limit} bytes"))
}

/// Turns an error answer that is not JSON (an extractor's or the HTTP
/// layer's plain-text rejection) into Learn's error body with the same
/// status, its text as the message, and its other headers kept.
pub async fn learn_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = match read_whole(body, MAX_MESSAGE_BYTES * 8).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
        Err(_) => String::new(),
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        truncate(&text, MAX_MESSAGE_BYTES).to_string()
    };
    let learn = Failure::new(status, message).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    let (learn_parts, learn_body) = learn.into_parts();
    parts.headers.extend(learn_parts.headers);
    Response::from_parts(parts, learn_body)
}

/// `text` cut to at most `max` bytes, on a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("héllo", 3), "hé");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
