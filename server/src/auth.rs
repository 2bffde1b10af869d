//! OAuth2 client credentials (SRV-2) and the two layers every request
//! passes: the rate window, with the rate headers on every answer (SRV-7),
//! and the access gate (injected faults, the bearer token).

use crate::app::{SharedApp, State as AppState, Window};
use crate::config::Config;
use crate::extract::Caller;
use crate::hygiene::{close, drain};
use crate::learn::wire::Failure;
use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;
use std::time::{Duration, Instant};

/// The path of the token route.
pub const TOKEN_PATH: &str = "/learn/api/public/v1/oauth2/token";

type FormFields = std::collections::HashMap<String, String>;

/// `POST /learn/api/public/v1/oauth2/token`: HTTP Basic `key:secret`,
/// `grant_type=client_credentials` in the query or the form body.
pub async fn token(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Query(query): Query<FormFields>,
    body: Result<Form<FormFields>, FormRejection>,
) -> Response {
    let grant = query.get("grant_type").or_else(|| body.as_ref().ok().and_then(|Form(f)| f.get("grant_type")));
    let Some((key, secret)) = basic_credentials(&headers) else {
        return Failure::unauthorized("HTTP Basic credentials (key:secret) are required").into_response();
    };
    let known = app.keys.iter().any(|k| k.key == key && k.secret == secret);
    if !known {
        return Failure::unauthorized("unknown app key or wrong secret").into_response();
    }
    match grant.map(String::as_str) {
        Some("client_credentials") => {}
        Some(other) => {
            return Failure::bad_request(format!("grant_type: {other:?} is not supported; use client_credentials"))
                .into_response();
        }
        None => return Failure::bad_request("grant_type: missing").into_response(),
    }
    let ttl = app.config.token_ttl;
    let token = app.lock().issue_token(&key, Duration::from_secs(ttl));
    let body = json!({ "access_token": token, "token_type": "bearer", "expires_in": ttl, "scope": "read write" });
    let mut response = Json(body).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (key, secret) = text.split_once(':')?;
    Some((key.to_string(), secret.to_string()))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Whether the request carries the admin token of the test controls.
pub fn is_admin(app: &SharedApp, headers: &HeaderMap) -> bool {
    bearer(headers) == Some(app.admin_token.as_str())
}

/// The rate window: counts the request against its app key's window (or
/// the one all unknown callers share), answers 429 with `Retry-After` once
/// the window is used up (after reading the body, SRV-13), and puts the
/// rate headers on every answer, whatever layer made it (SRV-7).
pub async fn rate(State(app): State<SharedApp>, req: Request, next: Next) -> Response {
    let canvas = crate::canvas::is_canvas_path(req.uri().path());
    let (limit, remaining, reset) = {
        let mut state = app.lock();
        // Unknown keys share one window, so that made-up keys cannot grow
        // the table. A Canvas token's window is its own.
        let session = bearer(req.headers()).and_then(|t| state.session(t));
        let canvas_token =
            if canvas { crate::canvas::token_of(req.headers(), req.uri().query()).ok().flatten() } else { None };
        let bucket = match (session, basic_credentials(req.headers()), canvas_token) {
            (Some((key, _)), _, _) => key,
            (None, Some((key, _)), _) if app.keys.iter().any(|k| k.key == key) => key,
            (None, _, Some(token)) if app.canvas_tokens.iter().any(|t| t.token == token) => format!("canvas:{token}"),
            // The controls and the dashboard do not use up the window
            // unknown callers share.
            _ if is_admin(&app, req.headers()) => "admin".to_string(),
            _ => "anonymous".to_string(),
        };
        count(&app.config, &mut state, &bucket)
    };
    let answer = match remaining {
        Some(_) => next.run(req).await,
        None => {
            let whole = drain(req.into_body()).await;
            let refused = if canvas {
                crate::canvas::errors::throttled(reset, app.config.canvas_403_for_throttling)
            } else {
                Failure::too_many(format!("the rate limit of {limit} requests per window is used up"), reset)
                    .into_response()
            };
            if whole { refused } else { close(refused) }
        }
    };
    let answer = with_rate_headers(answer, limit, remaining.unwrap_or(0), reset);
    if canvas { crate::canvas::errors::with_canvas_rate_headers(answer, remaining) } else { answer }
}

/// The access gate, after the rate window and with the body read: the
/// admin token (everything under `/_coursecopy/`), injected faults and
/// latency (Learn's routes and Canvas's, each answering in its own
/// shape), and the bearer token (Learn routes but the token route), whose
/// caller it hands to the handler. Canvas's tokens are its own gate's.
pub async fn gate(State(app): State<SharedApp>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let learn = path.starts_with("/learn/");
    let canvas = crate::canvas::is_canvas_path(path);
    let needs_token = learn && path != TOKEN_PATH;
    // Everything under /_coursecopy/ (known routes or not) is the admin's.
    let public = req.method() == axum::http::Method::GET && crate::dashboard::is_public_asset(path);
    if path.starts_with("/_coursecopy/") && !public && !is_admin(&app, req.headers()) {
        return Failure::unauthorized("the admin token is required").into_response();
    }
    let (caller, latency, fault) = {
        let mut state = app.lock();
        let caller = bearer(req.headers()).and_then(|t| state.session(t));
        let mut fault = None;
        if learn || canvas {
            if state.faults.unavailable > 0 {
                state.faults.unavailable -= 1;
                fault = Some(StatusCode::SERVICE_UNAVAILABLE);
            } else if state.faults.throttled > 0 {
                state.faults.throttled -= 1;
                fault = Some(StatusCode::TOO_MANY_REQUESTS);
            }
            if fault.is_some() {
                // The armed faults an open dashboard shows changed.
                state.touch();
            }
        }
        (caller, state.faults.latency, fault)
    };
    if let Some(fault) = fault {
        return injected(fault, canvas, app.config.canvas_403_for_throttling);
    }
    if needs_token && caller.is_none() {
        let why = if bearer(req.headers()).is_some() {
            "the token is unknown or expired"
        } else {
            "a bearer token is required"
        };
        return Failure::unauthorized(why).into_response();
    }
    if (learn || canvas) && !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some((_, user)) = caller {
        req.extensions_mut().insert(Caller { user });
    }
    next.run(req).await
}

/// An injected fault's answer: 503, or the API's throttled answer, in
/// Learn's shape or Canvas's.
fn injected(status: StatusCode, canvas: bool, canvas_classic: bool) -> Response {
    match (status, canvas) {
        (StatusCode::TOO_MANY_REQUESTS, true) => crate::canvas::errors::throttled(1, canvas_classic),
        (StatusCode::TOO_MANY_REQUESTS, false) => {
            Failure::too_many("injected fault: too many requests", 1).into_response()
        }
        (_, true) => crate::canvas::errors::CanvasError::Other(status, "injected fault: service unavailable".into())
            .into_response(),
        (_, false) => Failure::new(status, "injected fault: service unavailable").into_response(),
    }
}

/// Counts a request against `bucket`'s window: the limit, what remains
/// (`None` when none did), and seconds until the window resets.
fn count(config: &Config, state: &mut AppState, bucket: &str) -> (u64, Option<u64>, u64) {
    let limit = config.rate_limit;
    let window = Duration::from_secs(config.rate_window.max(1));
    let now = Instant::now();
    let w = state.windows.entry(bucket.to_string()).or_insert(Window { start: now, used: 0 });
    if now.duration_since(w.start) >= window {
        *w = Window { start: now, used: 0 };
    }
    let reset = window.saturating_sub(now.duration_since(w.start)).as_secs().max(1);
    if w.used >= limit {
        return (limit, None, reset);
    }
    w.used += 1;
    (limit, Some(limit - w.used), reset)
}

fn with_rate_headers(mut response: Response, limit: u64, remaining: u64, reset: u64) -> Response {
    let h = response.headers_mut();
    h.insert("x-rate-limit-limit", HeaderValue::from(limit));
    h.insert("x-rate-limit-remaining", HeaderValue::from(remaining));
    h.insert("x-rate-limit-reset", HeaderValue::from(reset));
    response
}
