//! Test controls under `/_coursecopy/` (SRV-10), behind the admin token
//! (checked by the access gate, `auth::gate`):
//! health, reset, the saved workspace, the runner's pause, step and
//! resume, fault injection, the sharing graph.

use crate::app::SharedApp;
use crate::extract::JsonBody;
use crate::extract::QueryParams;
use crate::learn::wire::Failure;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use coursecopy::{Timestamp, Workspace};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;

/// `GET /_coursecopy/health`.
pub async fn health(State(app): State<SharedApp>) -> Json<Value> {
    let state = app.lock();
    let counts = state.model.ws.counts();
    let integrity = match state.model.ws.check_integrity() {
        Ok(()) => "ok".to_string(),
        Err(e) => e.to_string(),
    };
    Json(json!({
        "status": if state.broken.is_some() { "broken" } else { "ok" },
        "integrity": integrity,
        "durable": state.journal.is_some(),
        "courses": counts.courses,
        "tasksUnfinished": state.model.unfinished(),
        "runnerPaused": state.runner.paused,
    }))
}

/// `POST /_coursecopy/reset`: back to the demo, or, with a body, to the
/// saved workspace it holds. The answer says which, and how many courses
/// the server now holds, so that an upload that went missing (an empty
/// body) cannot pass for one that loaded.
pub async fn reset(State(app): State<SharedApp>, body: axum::body::Bytes) -> Result<Json<Value>, Failure> {
    let (ws, from) = if body.iter().all(u8::is_ascii_whitespace) {
        (crate::demo::demo_workspace()?, "demo")
    } else {
        let ws: Workspace =
            serde_json::from_slice(&body).map_err(|e| Failure::bad_request(format!("saved workspace: {e}")))?;
        ws.check_integrity()?;
        (ws, "saved workspace")
    };
    let courses = ws.counts().courses;
    app.reset(ws)?;
    Ok(Json(json!({ "reset": from, "courses": courses })))
}

/// `GET /_coursecopy/workspace`: the saved workspace (the library's current format).
pub async fn download(State(app): State<SharedApp>) -> Result<Response, Failure> {
    let state = app.lock();
    let text = serde_json::to_string(&state.model.ws)
        .map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
}

/// `POST /_coursecopy/runner/pause`.
pub async fn pause(State(app): State<SharedApp>) -> Json<Value> {
    let mut state = app.lock();
    state.runner.paused = true;
    state.touch();
    Json(json!({ "paused": true }))
}

/// `POST /_coursecopy/runner/resume`.
pub async fn resume(State(app): State<SharedApp>) -> Json<Value> {
    let mut state = app.lock();
    state.runner.paused = false;
    state.touch();
    drop(state);
    app.wake.notify_all();
    Json(json!({ "paused": false }))
}

/// How many units a step runs.
#[derive(Deserialize)]
pub struct StepQuery {
    units: Option<u64>,
}

/// `POST /_coursecopy/runner/step?units=N`: one step of N units (default
/// 1), paused or not.
pub async fn step(State(app): State<SharedApp>, QueryParams(q): QueryParams<StepQuery>) -> Json<Value> {
    let units = q.units.unwrap_or(1);
    let worked = app.lock().step(units, Timestamp::now());
    Json(json!({ "units": worked }))
}

/// `GET /_coursecopy/faults`: the faults armed now.
pub async fn armed_faults(State(app): State<SharedApp>) -> Json<Value> {
    Json(faults_json(&app.lock().faults))
}

/// The faults as the controls write them.
pub(crate) fn faults_json(f: &crate::app::Faults) -> Value {
    json!({
        "failCopies": f.fail_copies,
        "unavailable": f.unavailable,
        "throttled": f.throttled,
        "latencyMs": f.latency.as_millis() as u64,
    })
}

/// What to inject; each field left out keeps its value.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRequest {
    fail_copies: Option<u64>,
    unavailable: Option<u64>,
    throttled: Option<u64>,
    latency_ms: Option<u64>,
}

/// `POST /_coursecopy/faults` with `{"failCopies", "unavailable",
/// "throttled", "latencyMs"}`: the next N copies (Learn copies, Canvas
/// content migrations and blueprint syncs) fail, the next N requests to
/// Learn's or Canvas's routes answer 503 or 429 (each in its API's
/// shape), every such request waits so long.
pub async fn faults(State(app): State<SharedApp>, JsonBody(body): JsonBody) -> Result<Json<Value>, Failure> {
    let request: FaultRequest = serde_json::from_value(body).map_err(|e| Failure::bad_request(e.to_string()))?;
    let mut state = app.lock();
    let f = &mut state.faults;
    f.fail_copies = request.fail_copies.unwrap_or(f.fail_copies);
    f.unavailable = request.unavailable.unwrap_or(f.unavailable);
    f.throttled = request.throttled.unwrap_or(f.throttled);
    if let Some(ms) = request.latency_ms {
        f.latency = Duration::from_millis(ms.min(60_000));
    }
    let armed = faults_json(f);
    state.touch();
    Ok(Json(armed))
}

/// The graph's form.
#[derive(Deserialize)]
pub struct GraphQuery {
    format: Option<String>,
}

/// `GET /_coursecopy/graph[?format=dot|svg]`: the sharing graph in DOT, or
/// laid out as SVG in-process (no Graphviz needed; see `graph_svg` for
/// the cost), off the lock. The SVG is served with a policy of its own:
/// no script, no loads, whatever opens it. A graph past the layout's cap
/// is a 422 (its DOT is still there); a failed layout a 500.
pub async fn graph(State(app): State<SharedApp>, QueryParams(q): QueryParams<GraphQuery>) -> Result<Response, Failure> {
    match q.format.as_deref() {
        None | Some("dot") => {
            let dot = app.lock().model.ws.sharing_graph(coursecopy::GraphOptions::new().library(true));
            Ok(([(header::CONTENT_TYPE, "text/vnd.graphviz")], dot).into_response())
        }
        Some("svg") => {
            let svg = app.layouts.sharing_graph(&app).await.map_err(|e| {
                let status = match e {
                    crate::graph_svg::LayoutError::TooLarge { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                    crate::graph_svg::LayoutError::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
                };
                Failure::new(status, e.to_string())
            })?;
            let headers = [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (header::CONTENT_DISPOSITION, "inline; filename=\"sharing.svg\""),
            ];
            Ok((headers, svg.as_str().to_owned()).into_response())
        }
        Some(other) => Err(Failure::bad_request(format!("format: {other:?} is neither dot nor svg"))),
    }
}
