//! Canvas's access tokens (CNV-1): fixed, documented demo tokens, one per
//! demo user, and more from `--canvas-token TOKEN:USER`; a token from
//! `Authorization: Bearer`, or else the `access_token` parameter of the
//! query, or else of a form body. The gate in front of every `/api/v1/`
//! route hands the handler the caller, or answers Canvas's 401.

use super::errors::CanvasError;
use super::params::ParamsError;
use crate::app::SharedApp;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use coursecopy::{UserKey, Workspace};

/// A Canvas access token and the workspace user it acts as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanvasToken {
    /// The token, as a client sends it.
    pub token: String,
    /// The name of the workspace user it acts as.
    pub user: String,
}

/// The demo's Canvas tokens, one per demo user: documented strings that
/// stay the same across restarts, so scripts keep working.
pub fn demo_tokens() -> Vec<CanvasToken> {
    [("admin-canvas-token", "Administrator"), ("author-canvas-token", "Author"), ("reviewer-canvas-token", "Reviewer")]
        .into_iter()
        .map(|(token, user)| CanvasToken { token: token.into(), user: user.into() })
        .collect()
}

/// The tokens a start serves: those of `--canvas-token TOKEN:USER`, each
/// of whose users must be in `ws`; without any, the demo tokens of the
/// demo users `ws` has.
///
/// # Errors
/// A spec without `:`, an empty token, a token given twice, or a user the
/// workspace does not have.
pub fn canvas_tokens(specs: &[String], ws: &Workspace) -> Result<Vec<CanvasToken>, String> {
    let has = |name: &str| ws.users().any(|(_, u)| u.name() == name);
    if specs.is_empty() {
        return Ok(demo_tokens().into_iter().filter(|t| has(&t.user)).collect());
    }
    let mut tokens: Vec<CanvasToken> = Vec::new();
    for spec in specs {
        let Some((token, user)) = spec.split_once(':').filter(|(t, _)| !t.is_empty()) else {
            return Err(format!("--canvas-token {spec:?}: expected TOKEN:USER"));
        };
        if tokens.iter().any(|t| t.token == token) {
            return Err(format!("--canvas-token: {token:?} is given twice"));
        }
        if !has(user) {
            return Err(format!("--canvas-token {token:?}: the workspace has no user named {user:?}"));
        }
        tokens.push(CanvasToken { token: token.into(), user: user.into() });
    }
    Ok(tokens)
}

/// The caller of a Canvas route, as the gate found it.
#[derive(Clone, Copy, Debug)]
pub struct CanvasCaller {
    /// The workspace user the token acts as.
    pub user: UserKey,
}

/// The token a request carries: `Authorization: Bearer` wins over the
/// query's `access_token`. `Some("")` for a header that says `Bearer` and
/// no more.
///
/// # Errors
/// A query Rails would refuse, when the token would be read from it.
pub(crate) fn token_of(headers: &HeaderMap, query: Option<&str>) -> Result<Option<String>, ParamsError> {
    if let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
        && let Some((scheme, token)) = value.split_once(' ')
        && scheme.eq_ignore_ascii_case("bearer")
    {
        return Ok(Some(token.trim().to_string()));
    }
    let Some(query) = query else { return Ok(None) };
    let params = super::params::parse_nested(query)?;
    Ok(params.get("access_token").and_then(|v| v.as_str()).map(str::to_string))
}

/// The gate of the `/api/v1/` routes: a known token's user goes to the
/// handler; an unknown one, or none, is Canvas's 401 with
/// `WWW-Authenticate`; a query that does not parse is a 400.
pub async fn gate(State(app): State<SharedApp>, req: Request, next: Next) -> Response {
    let (mut req, token) = match token_of(req.headers(), req.uri().query()) {
        Ok(Some(token)) => (req, token),
        Ok(None) => match token_in_form(req).await {
            (req, Ok(Some(token))) => (req, token),
            (_, Ok(None)) => return CanvasError::Unauthenticated.into_response(),
            (_, Err(e)) => return bad_request(&e),
        },
        Err(e) => return bad_request(&e),
    };
    let user = app.canvas_tokens.iter().find(|t| t.token == token).and_then(|t| {
        let state = app.lock();
        state.model.ws.users().find(|(_, u)| u.name() == t.user).map(|(key, _)| key)
    });
    match user {
        Some(user) => {
            req.extensions_mut().insert(CanvasCaller { user });
            let answer = next.run(req).await;
            if app.config.canvas_403_for_rights { super::errors::rights_as_403(answer) } else { answer }
        }
        None => CanvasError::InvalidToken.into_response(),
    }
}

fn bad_request(e: &ParamsError) -> Response {
    CanvasError::Other(axum::http::StatusCode::BAD_REQUEST, e.to_string()).into_response()
}

/// The `access_token` of a form body (`application/x-www-form-urlencoded`),
/// and the request with its body put back. The body is in memory already:
/// the body layer read it whole, within `--max-body`.
async fn token_in_form(req: Request) -> (Request, Result<Option<String>, ParamsError>) {
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return (req, Ok(None));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let token = super::params::parse_nested(&String::from_utf8_lossy(&bytes))
        .map(|params| params.get("access_token").and_then(|v| v.as_str()).map(str::to_string));
    (Request::from_parts(parts, axum::body::Body::from(bytes)), token)
}
