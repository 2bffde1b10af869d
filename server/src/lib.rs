//! A Learn- and Canvas-compatible REST server over the coursecopy model.
//!
//! Point a Learn integration (a script, a generated client, an LMS
//! connector) or a Canvas one (canvasapi and the like) at it on a laptop
//! or in CI: it serves Learn's course-copy routes, and Canvas's courses,
//! content migrations and blueprint courses under `/api/v1/`, each with
//! its own status codes, headers and JSON, over one coursecopy workspace,
//! and adds test controls a live LMS does not have.
//!
//! # Design
//!
//! - Handlers are thin: they translate HTTP into an op (a change with all
//!   its inputs, the time included) or a read, call the model, and
//!   translate back. Every change goes through one `apply`, the same code
//!   the journal replays.
//! - State lives behind one shared handle, [`app::App`], with one lock.
//!   The copy runner is a thread that takes the lock for one
//!   bounded step at a time.
//! - With `--data FILE`, every answered change is committed to an SQLite
//!   journal first; a restart replays it on the last
//!   snapshot without reading the clock. An existing file is checked
//!   read-only before anything writes to it, and used only when whole
//!   (SRV-12; [`check_data_file`] runs the same check on its own).
//! - Every request body is read whole before anything answers (one
//!   declared past 64 MiB is refused unread, closing the connection), and
//!   every error answer is Learn's JSON error body, whichever layer
//!   refused (SRV-13).
//! - Tokens, rate windows, injected faults and the runner's pause live in
//!   memory only: clients log in again after a restart.
//!
//! Start it with [`serve`]; tests bind an ephemeral port and do the same:
//!
//! ```
//! use clap::Parser;
//! use coursecopy_server::{app::App, config::Config};
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = App::new(Config::parse_from(["coursecopy-server", "--listen", "127.0.0.1:0"]))?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let base = format!("http://{}", listener.local_addr()?);
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let server = tokio::spawn(coursecopy_server::serve(app, listener, async {
//!     let _ = stopped.await;
//! }));
//!
//! // A demo app key logs in, as any Learn client does.
//! let token: serde_json::Value = reqwest::Client::new()
//!     .post(format!("{base}/learn/api/public/v1/oauth2/token"))
//!     .basic_auth("author-key", Some("author-secret"))
//!     .form(&[("grant_type", "client_credentials")])
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! assert_eq!(token["token_type"], "bearer");
//!
//! stop.send(()).ok();
//! server.await??;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

pub mod app;
mod auth;
mod blueprints;
pub mod canvas;
pub mod config;
mod controls;
mod dashboard;
pub mod demo;
mod extract;
mod graph_svg;
mod hygiene;
mod journal;
mod learn;
mod migrations;
mod model;
mod runner;

use app::SharedApp;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Request, StatusCode};
use axum::middleware;
use axum::routing::{get, post};
use learn::wire::Failure;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use hygiene::MAX_URI_BYTES;

pub use learn::LEARN_VERSION;

/// Every route, with the layers every request passes (outermost first): a
/// tracing span, the dashboard's security headers, the rate window,
/// errors in Learn's form, the whole body read, the access gate (the admin
/// token for the controls, bearer tokens for Learn's routes).
pub fn router(app: SharedApp) -> Router {
    let controls = Router::new()
        .route("/_coursecopy/health", get(controls::health))
        .route("/_coursecopy/reset", post(controls::reset))
        .route("/_coursecopy/workspace", get(controls::download))
        .route("/_coursecopy/runner/pause", post(controls::pause))
        .route("/_coursecopy/runner/resume", post(controls::resume))
        .route("/_coursecopy/runner/step", post(controls::step))
        .route("/_coursecopy/faults", get(controls::armed_faults).post(controls::faults))
        .route("/_coursecopy/graph", get(controls::graph));
    learn::routes()
        .merge(controls)
        .merge(dashboard::routes())
        .merge(canvas::routes(app.clone()))
        .fallback(|| async { Failure::not_found("no such route") })
        .method_not_allowed_fallback(|| async {
            Failure::new(StatusCode::METHOD_NOT_ALLOWED, "the route does not take this method")
        })
        // The whole body is read (and limited) by `whole_body`; the
        // extractors' own default limit would refuse a larger
        // `--max-body` in plain text.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(app.clone(), auth::gate))
        .layer(middleware::from_fn_with_state(app.clone(), hygiene::whole_body))
        .layer(middleware::from_fn(hygiene::learn_errors))
        .layer(middleware::from_fn_with_state(app.clone(), auth::rate))
        .layer(middleware::from_fn(dashboard::policy))
        .layer(middleware::from_fn(trace))
        .with_state(app)
}

/// What `coursecopy-server check` found of a data file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckVerdict {
    /// The file is whole: a start would use it.
    Whole,
    /// The file is damaged, or no coursecopy data file: a start would
    /// refuse it.
    Damaged,
    /// The file could not be checked: missing, unreadable, or held by a
    /// running server.
    NotChecked,
}

/// `coursecopy-server check --data FILE` (SRV-12): the read-only check of
/// a data file a start makes, without starting and without writing. Gives
/// the report to print and the verdict.
///
/// # Errors
/// App keys that cannot be read.
pub fn check_data_file(config: &config::Config, path: &std::path::Path) -> Result<(String, CheckVerdict), String> {
    let keys = app::app_keys(config)?;
    let checked = journal::inspect(path, &keys);
    let verdict = match checked.report.problem.as_ref().map(|p| p.kind) {
        None => CheckVerdict::Whole,
        Some(journal::ProblemKind::Damaged) => CheckVerdict::Damaged,
        Some(journal::ProblemKind::NotChecked) => CheckVerdict::NotChecked,
    };
    Ok((checked.report.to_string(), verdict))
}

/// One tracing span per request, with its method, path and status.
async fn trace(req: Request<axum::body::Body>, next: middleware::Next) -> axum::response::Response {
    use tracing::Instrument;
    let span = tracing::info_span!("request", method = %req.method(), path = %req.uri().path());
    let start = std::time::Instant::now();
    let response = next.run(req).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(status = response.status().as_u16(), micros = start.elapsed().as_micros() as u64, "answered")
    });
    response
}

/// Serves `app` on `listener` (a `tokio::net::TcpListener`, or any axum
/// listener) until `shutdown` completes, then stops the runner, lets
/// requests in flight finish, and snapshots the journal.
///
/// # Errors
/// The listener's errors; a failed final snapshot.
pub async fn serve<L>(
    app: SharedApp,
    listener: L,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
{
    let stop = Arc::new(AtomicBool::new(false));
    let runner = runner::spawn(app.clone(), stop.clone())?;
    // Open dashboards' streams end first: a graceful shutdown waits for
    // every answer to finish, and theirs never would.
    app.close_streams(false);
    let closing = app.clone();
    let shutdown = async move {
        shutdown.await;
        closing.close_streams(true);
    };
    let result = axum::serve(listener, router(app.clone())).with_graceful_shutdown(shutdown).await;
    stop.store(true, Ordering::Relaxed);
    app.wake.notify_all();
    let _ = tokio::task::spawn_blocking(move || runner.join()).await;
    let mut state = app.lock();
    let state = &mut *state;
    if let Some(journal) = state.journal.as_mut() {
        journal.snapshot(&state.model).map_err(std::io::Error::other)?;
        tracing::info!("snapshot written at shutdown");
    }
    result
}
