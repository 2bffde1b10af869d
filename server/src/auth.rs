//! OAuth2 client credentials (SRV-2) and the gate every request passes:
//! the rate window, the bearer token, injected faults, and the rate
//! headers on every answer (SRV-7).

use crate::app::{SharedApp, Window};
use crate::extract::Caller;
use crate::wire::Failure;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;
use std::time::{Duration, Instant};

/// The path of the token route.
pub const TOKEN_PATH: &str = "/learn/api/public/v1/oauth2/token";

/// `POST /learn/api/public/v1/oauth2/token`: HTTP Basic `key:secret`,
/// `grant_type=client_credentials` in the form body or the query.
pub async fn token(State(app): State<SharedApp>, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let grant = form_value(uri.query().unwrap_or(""), "grant_type")
        .or_else(|| form_value(std::str::from_utf8(&body).unwrap_or(""), "grant_type"));
    let Some((key, secret)) = basic_credentials(&headers) else {
        return Failure::unauthorized("HTTP Basic credentials (key:secret) are required").into_response();
    };
    let known = app.keys.iter().any(|k| k.key == key && k.secret == secret);
    if !known {
        return Failure::unauthorized("unknown app key or wrong secret").into_response();
    }
    match grant.as_deref() {
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

/// One value of an `application/x-www-form-urlencoded` string.
fn form_value(form: &str, name: &str) -> Option<String> {
    form.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| decode(v))
}

/// Percent-decoding, with `+` as a space.
fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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

/// The gate: rate window, bearer token (Learn routes but the token route),
/// injected faults and latency (Learn routes), and the rate headers on
/// every answer.
pub async fn gate(State(app): State<SharedApp>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let learn = path.starts_with("/learn/");
    let (bucket, caller, latency, fault) = {
        let mut state = app.lock();
        let caller = bearer(req.headers()).and_then(|t| state.session(t));
        // Unknown keys share one window, so that made-up keys cannot grow
        // the table.
        let bucket = match (&caller, basic_credentials(req.headers())) {
            (Some((key, _)), _) => key.clone(),
            (None, Some((key, _))) if app.keys.iter().any(|k| k.key == key) => key,
            _ => "anonymous".to_string(),
        };
        let mut fault = None;
        if learn {
            if state.faults.unavailable > 0 {
                state.faults.unavailable -= 1;
                fault = Some(Failure::new(StatusCode::SERVICE_UNAVAILABLE, "injected fault: service unavailable"));
            } else if state.faults.throttled > 0 {
                state.faults.throttled -= 1;
                fault = Some(Failure::too_many("injected fault: too many requests", 1));
            }
        }
        (bucket, caller, state.faults.latency, fault)
    };
    let (limit, remaining, reset) = count(&app, &bucket);
    let answer = if remaining.is_none() {
        Failure::too_many(format!("the rate limit of {limit} requests per window is used up"), reset).into_response()
    } else if let Some(fault) = fault {
        fault.into_response()
    } else if learn && path != TOKEN_PATH && caller.is_none() {
        let why = if bearer(req.headers()).is_some() {
            "the token is unknown or expired"
        } else {
            "a bearer token is required"
        };
        Failure::unauthorized(why).into_response()
    } else {
        if learn && !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        if let Some((key, user)) = caller {
            req.extensions_mut().insert(Caller { key, user });
        }
        next.run(req).await
    };
    with_rate_headers(answer, limit, remaining.unwrap_or(0), reset)
}

/// Counts a request against `bucket`'s window: the limit, what remains
/// (`None` when none did), and seconds until the window resets.
fn count(app: &SharedApp, bucket: &str) -> (u64, Option<u64>, u64) {
    let limit = app.config.rate_limit;
    let window = Duration::from_secs(app.config.rate_window.max(1));
    let now = Instant::now();
    let mut state = app.lock();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_decode() {
        assert_eq!(
            form_value("a=1&grant_type=client_credentials", "grant_type").as_deref(),
            Some("client_credentials")
        );
        assert_eq!(form_value("x=a%20b+c", "x").as_deref(), Some("a b c"));
        assert_eq!(form_value("x=%", "x").as_deref(), Some("%"));
        assert_eq!(form_value("x=%4", "x").as_deref(), Some("%4"));
        assert_eq!(form_value("", "x"), None);
    }
}
