//! HTTP hygiene (SRV-13): a request's body is read whole before anything
//! answers, so that no answer leaves unread bytes on a keep-alive
//! connection; the server's own URI limit; and every error answer in
//! Learn's JSON form, whatever layer made it.
//!
//! A body past `--max-body` is read on and dropped, up to
//! [`DRAIN_BYTES`], before the 413 goes out: a client that is still
//! sending then reads the answer, where closing on unread bytes would
//! have the system reset the connection under it. Only a body longer
//! than that, one that does not arrive within [`BODY_TIME`], or one whose
//! framing is broken gets an answer that closes the connection.
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
use crate::learn::wire::Failure;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use std::time::Duration;

/// The longest URI (path and query, as sent) the server takes; a longer
/// one answers 414 in Learn's form.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// How much of a body past `--max-body` is read and dropped before the
/// 413, so that the client reads the answer instead of a reset
/// connection; past this, the answer closes the connection.
pub const DRAIN_BYTES: usize = 64 << 20;

/// How long a body may take to arrive, whole.
pub const BODY_TIME: Duration = Duration::from_secs(30);

/// The longest message an error answer made from another layer's plain
/// text keeps.
const MAX_MESSAGE_BYTES: usize = 512;

/// Why a body could not be read whole.
pub enum BodyError {
    /// It is longer than the limit. `drained`: the rest was read and
    /// dropped, and the connection can carry another request.
    TooLarge {
        /// Whether the whole body was read.
        drained: bool,
    },
    /// It did not arrive within [`BODY_TIME`].
    TimedOut,
    /// The connection or its framing failed.
    Unreadable(String),
}

/// Reads `body` whole, keeping at most `limit` bytes: past the limit it
/// reads on and drops what comes, up to [`DRAIN_BYTES`], so that the
/// connection stays usable; all within [`BODY_TIME`].
///
/// # Errors
/// [`BodyError::TooLarge`] past the limit, [`BodyError::TimedOut`],
/// [`BodyError::Unreadable`] when the client's framing or connection
/// fails.
pub async fn read_whole(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    match tokio::time::timeout(BODY_TIME, read_frames(body, limit)).await {
        Ok(result) => result,
        Err(_) => Err(BodyError::TimedOut),
    }
}

async fn read_frames(mut body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let mut kept = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Unreadable(e.to_string()))?;
        if let Ok(data) = frame.into_data() {
            total = total.saturating_add(data.len());
            if total <= limit {
                kept.extend_from_slice(&data);
            } else if total > DRAIN_BYTES.max(limit) {
                return Err(BodyError::TooLarge { drained: false });
            }
        }
    }
    if total > limit { Err(BodyError::TooLarge { drained: true }) } else { Ok(Bytes::from(kept)) }
}

/// Reads and drops `body` (keeping nothing): whether the connection can
/// carry another request after the answer.
pub async fn drain(body: Body) -> bool {
    matches!(read_whole(body, 0).await, Ok(_) | Err(BodyError::TooLarge { drained: true }))
}

/// Marks `response` as the last on its connection.
pub fn close(mut response: Response) -> Response {
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// `failure` as an answer, after the body was drained: the last on its
/// connection if the body could not be read to its end.
async fn refuse_after(body: Body, refusal: Response) -> Response {
    if drain(body).await { refusal } else { close(refusal) }
}

/// A refusal of this layer in the shape of the API the path belongs to:
/// Canvas's error body under `/api/v1/`, Learn's everywhere else.
fn shaped(canvas: bool, failure: Failure) -> Response {
    if canvas {
        crate::canvas::errors::CanvasError::Other(failure.status, failure.message).into_response()
    } else {
        failure.into_response()
    }
}

/// Refuses a URI over [`MAX_URI_BYTES`] (414), then reads the body whole
/// (up to `--max-body`) and hands it on. A body past the limit is a 413,
/// one that does not arrive in time a 408, one that cannot be read a 400;
/// each answer closes the connection when bytes of the body are left
/// unread.
pub async fn whole_body(State(app): State<SharedApp>, req: Request, next: Next) -> Response {
    let canvas = crate::canvas::is_canvas_path(req.uri().path());
    let uri_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if uri_len > MAX_URI_BYTES {
        let failure = Failure::new(
            StatusCode::URI_TOO_LONG,
            format!("the URI is {uri_len} bytes long; the server takes at most {MAX_URI_BYTES}"),
        );
        return refuse_after(req.into_body(), shaped(canvas, failure)).await;
    }
    let limit = app.config.max_body;
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > DRAIN_BYTES.max(limit)) {
        return close(shaped(canvas, too_large(limit)));
    }
    let (parts, body) = req.into_parts();
    match read_whole(body, limit).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(BodyError::TooLarge { drained: true }) => shaped(canvas, too_large(limit)),
        Err(BodyError::TooLarge { drained: false }) => close(shaped(canvas, too_large(limit))),
        Err(BodyError::TimedOut) => close(shaped(
            canvas,
            Failure::new(
                StatusCode::REQUEST_TIMEOUT,
                format!("the request body did not arrive within {} seconds", BODY_TIME.as_secs()),
            ),
        )),
        Err(BodyError::Unreadable(why)) => {
            close(shaped(canvas, Failure::bad_request(format!("the request body could not be read: {why}"))))
        }
    }
}

/// The 413 of a body over `limit` bytes.
pub fn too_large(limit: usize) -> Failure {
    Failure::new(StatusCode::PAYLOAD_TOO_LARGE, format!("the request body is larger than {limit} bytes"))
}

/// Turns an error answer that is not JSON (an extractor's or the HTTP
/// layer's plain-text rejection) into the API's error body with the same
/// status, its text as the message, and its other headers kept: Learn's
/// on Learn's routes and the controls, Canvas's under `/api/v1/`.
pub async fn learn_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let canvas = crate::canvas::is_canvas_path(path);
    let ours = canvas || path.starts_with("/learn/") || path.starts_with("/_coursecopy/");
    let response = next.run(req).await;
    if !ours {
        return response;
    }
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
    let learn = if canvas {
        crate::canvas::errors::CanvasError::Other(status, message).into_response()
    } else {
        Failure::new(status, message).into_response()
    };
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
