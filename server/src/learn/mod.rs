//! Learn's REST API: its wire types and errors ([`wire`]), its handlers
//! (courses, contents, copies and tasks), its row paging, and how its
//! change requests become the core's ops ([`plan`], and [`legacy`] for
//! journal records of versions 1 and 2), over the server's shared core
//! (model, journal, runner, auth, controls).
//!
//! | file | serves |
//! | --- | --- |
//! | `courses.rs` | `/v1`, `/v2`, `/v3/courses` and one course: list, read, create, PATCH, DELETE |
//! | `contents.rs` | a course's contents, their children, its users |
//! | `copies.rs` | `POST /v1` and `/v2/courses/{id}/copy`; the course and system task routes |
//! | `paging.rs` | `offset`, `limit`, `fields` and `paging.nextPage` for every list |
//! | `wire.rs` | Learn's error body (`Failure`), the course shapes, the rendering of the core's errors |
//! | `plan.rs` | a change request's body as the core's op |
//! | `legacy.rs` | Learn's ops of journal records of versions 1 and 2 |

pub(crate) mod contents;
pub(crate) mod copies;
pub(crate) mod courses;
pub(crate) mod legacy;
pub(crate) mod paging;
pub(crate) mod plan;
pub(crate) mod wire;

use crate::app::SharedApp;
use crate::auth;
use crate::extract::{Caller, JsonBody, PathParams, QueryParams};
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use paging::ListQuery;
use std::collections::BTreeMap;
use wire::CourseVersion;

/// The Learn version the server reports: newer than the 3900.123 swagger,
/// so clients pick the v3 and v2 routes.
pub const LEARN_VERSION: (u32, u32, u32) = (3900, 123, 0);

type Params = QueryParams<BTreeMap<String, String>>;

/// The routes of one version of the course collection.
fn course_routes(version: CourseVersion) -> Router<SharedApp> {
    let base = courses::courses_path(version);
    Router::new()
        .route(
            base,
            get(move |State(app): State<SharedApp>, caller: Caller, q: ListQuery| {
                courses::list(version, app, caller, q)
            })
            .post(move |State(app): State<SharedApp>, caller: Caller, JsonBody(body): JsonBody| {
                courses::create(version, app, caller, body)
            }),
        )
        .route(
            &format!("{base}/{{course_id}}"),
            get(move |State(app): State<SharedApp>, caller: Caller, PathParams(id): PathParams<String>, q: Params| {
                courses::get(version, app, caller, id, q.0)
            })
            .patch(
                move |State(app): State<SharedApp>,
                      caller: Caller,
                      PathParams(id): PathParams<String>,
                      JsonBody(body): JsonBody| { courses::patch(version, app, caller, id, body) },
            )
            .delete(
                move |State(app): State<SharedApp>, caller: Caller, PathParams(id): PathParams<String>| {
                    courses::delete(version, app, caller, id)
                },
            ),
        )
}

/// The Learn routes.
pub(crate) fn routes() -> Router<SharedApp> {
    const V1: &str = "/learn/api/public/v1";
    type Ids = PathParams<(String, String)>;
    Router::new()
        .route(auth::TOKEN_PATH, post(auth::token))
        .route(&format!("{V1}/system/version"), get(version))
        .merge(course_routes(CourseVersion::V1))
        .merge(course_routes(CourseVersion::V2))
        .merge(course_routes(CourseVersion::V3))
        .route(
            "/learn/api/public/v2/courses/{course_id}/copy",
            post(
                |State(app): State<SharedApp>,
                 caller: Caller,
                 PathParams(id): PathParams<String>,
                 JsonBody(body): JsonBody| { copies::copy_v2(app, caller, id, body) },
            ),
        )
        .route(
            &format!("{V1}/courses/{{course_id}}/copy"),
            post(
                |State(app): State<SharedApp>,
                 caller: Caller,
                 PathParams(id): PathParams<String>,
                 JsonBody(body): JsonBody| { copies::copy_v1(app, caller, id, body) },
            ),
        )
        .route(
            &format!("{V1}/courses/{{course_id}}/tasks/{{task_id}}"),
            get(|State(app): State<SharedApp>, caller: Caller, PathParams((id, task)): Ids| {
                copies::course_task(app, caller, id, task)
            }),
        )
        .route(
            &format!("{V1}/system/tasks/{{task_id}}"),
            get(|State(app): State<SharedApp>, caller: Caller, PathParams(task): PathParams<String>| {
                copies::system_task(app, caller, task)
            }),
        )
        .route(
            &format!("{V1}/courses/{{course_id}}/contents"),
            get(|State(app): State<SharedApp>, caller: Caller, PathParams(id): PathParams<String>, q: ListQuery| {
                contents::contents(app, caller, id, q)
            }),
        )
        .route(
            &format!("{V1}/courses/{{course_id}}/contents/{{content_id}}/children"),
            get(|State(app): State<SharedApp>, caller: Caller, PathParams((id, content)): Ids, q: ListQuery| {
                contents::children(app, caller, id, content, q)
            }),
        )
        .route(
            &format!("{V1}/courses/{{course_id}}/users"),
            get(|State(app): State<SharedApp>, caller: Caller, PathParams(id): PathParams<String>, q: ListQuery| {
                contents::users(app, caller, id, q)
            }),
        )
}

/// `GET /v1/system/version`.
async fn version() -> axum::Json<serde_json::Value> {
    let (major, minor, patch) = LEARN_VERSION;
    axum::Json(serde_json::json!({
        "learn": { "major": major, "minor": minor, "patch": patch, "build": format!("coursecopy-server {}", env!("CARGO_PKG_VERSION")) }
    }))
}
