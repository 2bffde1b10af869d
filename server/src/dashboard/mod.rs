//! The dashboard at `/_coursecopy/ui/`: courses, copies and links, live,
//! in a browser, served by the same process.
//!
//! - The page, its script and its styles are embedded in the binary
//!   ([`assets`]): no build step, no other origin; it works offline.
//! - The page itself is public, since it holds no data; it asks once for
//!   the admin token and sends it as an `Authorization` header with every
//!   call it makes. The token is never put in a URL or a cookie, so a page
//!   of another site cannot make the browser use it.
//! - Its data comes from read-only views ([`view`]) under
//!   `/_coursecopy/ui/api/`, and live from one server-sent event stream
//!   ([`events`]), which the page reads with `fetch()` (an `EventSource`
//!   cannot send a header).
//! - Its buttons call the test controls (pause, step, resume, faults,
//!   reset, download): nothing else writes through the dashboard.
//! - Every answer under `/_coursecopy/ui/` carries a Content-Security-Policy
//!   that allows scripts, styles and connections from this origin only and
//!   no inline script; the script writes every name and title as text.

mod assets;
mod events;
#[cfg(test)]
mod tests;
mod view;

use crate::app::SharedApp;
use crate::extract::QueryParams;
use crate::learn::wire::Failure;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use serde::Deserialize;
use serde_json::Value;

/// Where the dashboard lives.
pub const ROOT: &str = "/_coursecopy/ui/";

/// The policy every dashboard answer carries: this origin's scripts,
/// styles and connections only, images from this origin or made by the
/// page (the graph), nothing inline, no frames, no forms sent anywhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Whether `path` is one of the page's own files, which anyone may fetch
/// (they hold no data); everything else under `/_coursecopy/` needs the
/// admin token.
pub fn is_public_asset(path: &str) -> bool {
    path == "/_coursecopy/ui" || assets::find(path.strip_prefix(ROOT).unwrap_or("-")).is_some()
}

/// The dashboard's routes: its files, its views and its event stream.
pub fn routes() -> Router<SharedApp> {
    Router::new()
        .route("/_coursecopy/ui", get(|| async { Redirect::permanent(ROOT) }))
        .route(ROOT, get(|| asset(Path(String::new()))))
        .route("/_coursecopy/ui/{file}", get(asset))
        .route("/_coursecopy/ui/api/courses", get(courses))
        .route("/_coursecopy/ui/api/courses/{id}", get(course))
        .route("/_coursecopy/ui/api/jobs", get(jobs))
        .route("/_coursecopy/ui/api/events", get(events::stream))
}

/// Puts the dashboard's security headers on every answer under
/// `/_coursecopy/ui`, whichever layer made it (the access gate's refusals
/// included).
pub async fn policy(req: axum::extract::Request, next: middleware::Next) -> Response {
    let ours = req.uri().path().starts_with("/_coursecopy/ui");
    let mut response = next.run(req).await;
    if !ours {
        return response;
    }
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// `GET /_coursecopy/ui/` and its files.
async fn asset(Path(file): Path<String>) -> Response {
    match assets::find(&file) {
        Some((content_type, body)) => {
            ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
        }
        None => Failure::not_found(format!("the dashboard has no file {file:?}")).into_response(),
    }
}

/// The course list's search and page.
#[derive(Deserialize)]
struct CoursesQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: usize,
    #[serde(default, rename = "perPage")]
    per_page: Option<usize>,
}

/// `GET /_coursecopy/ui/api/courses?q=&page=&perPage=`.
async fn courses(State(app): State<SharedApp>, QueryParams(q): QueryParams<CoursesQuery>) -> Json<Value> {
    let per_page = q.per_page.unwrap_or(25);
    Json(view::courses(&app.lock().model, &q.q, q.page, per_page))
}

/// `GET /_coursecopy/ui/api/courses/{id}`: one course, by numeric id.
async fn course(State(app): State<SharedApp>, Path(id): Path<String>) -> Result<Json<Value>, Failure> {
    let id: u64 = id.parse().map_err(|_| Failure::bad_request(format!("course: {id:?} is no numeric id")))?;
    view::course(&app.lock().model, id).map(Json).ok_or_else(|| Failure::not_found(format!("no course {id}")))
}

/// `GET /_coursecopy/ui/api/jobs`: what the live stream sends, once.
async fn jobs(State(app): State<SharedApp>) -> Json<Value> {
    Json(events::snapshot(&app))
}
