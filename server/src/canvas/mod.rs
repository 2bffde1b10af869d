//! Canvas's API, under `/api/v1/` (SPEC §13), beside the Learn routes and
//! over the same model (`docs/canvas.md` maps it; the design is in
//! `docs/design/canvas-api.md`):
//!
//! | file | holds |
//! | --- | --- |
//! | `params.rs` | request parameters as Rails reads them (CNV-2) |
//! | `auth.rs` | access tokens and the gate of every `/api/v1/` route (CNV-1) |
//! | `errors.rs` | Canvas's error answers, by kind |
//! | `paging.rs` | `page`, `per_page` and the `Link` header (CNV-2) |
//! | `wire.rs` | Canvas's objects, from the model |
//! | `courses.rs` | courses: list, show, update, events, delete (CNV-3) |
//! | `accounts.rs` | the one account, its courses, course creation (CNV-3) |
//! | `content.rs` | modules, module items and pages (CNV-4) |
//! | `request.rs` | what every handler reads: parameters, the course and the right to read it, the caller, a paged answer |
//! | `migrations.rs` | content migrations and progress (CNV-5, CNV-6) |
//! | `migration_params.rs` | a migration's `select`, `copy` and `date_shift_options`, as the core's copy spec |
//! | `migration_wire.rs` | ContentMigration, MigrationIssue and Progress |
//! | `blueprints.rs` | blueprint templates, associations, syncs, restrictions, subscriptions (CNV-7, CNV-8) |
//! | `blueprint_wire.rs` | BlueprintTemplate, BlueprintMigration, ChangeRecord, BlueprintSubscription |
//!
//! Handlers translate the request into a read of the model, or into an
//! API-neutral op committed as every change is (journaled first), and
//! back. The ops name the workspace user, not a token, and courses and
//! pages by numeric id: page edits, course creates, changes and deletes,
//! content migrations and their selections. Blueprints come next
//! (`docs/canvas.md`, "Not served yet").

mod accounts;
mod auth;
mod blueprint_wire;
mod blueprints;
mod content;
mod courses;
pub mod errors;
mod migration_params;
mod migration_wire;
mod migrations;
mod paging;
pub mod params;
mod request;
mod wire;

pub(crate) use auth::token_of;
pub use auth::{CanvasToken, canvas_tokens, demo_tokens};
pub(crate) use blueprint_wire::sync_progress;
pub(crate) use migration_wire::{issue_text, issues as migration_issues, progress as migration_progress};

use crate::app::SharedApp;
use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{MethodRouter, get};

/// Whether `path` is one of Canvas's (under `/api/v1/`).
pub(crate) fn is_canvas_path(path: &str) -> bool {
    path == "/api/v1" || path.starts_with("/api/v1/")
}

/// Every Canvas route, behind its token gate, each also with a trailing
/// `/` (Rails routes both; canvasapi asks for some with it); an unknown
/// path under `/api/v1/` is Canvas's 404.
pub(crate) fn routes(app: SharedApp) -> Router<SharedApp> {
    const MIGRATIONS: &str = "/courses/{id}/content_migrations";
    const TEMPLATE: &str = "/courses/{id}/blueprint_templates/{template}";
    const SUBSCRIPTION: &str = "/courses/{id}/blueprint_subscriptions/{subscription}";
    let routes: Vec<(String, MethodRouter<SharedApp>)> = [
        ("/courses", get(courses::list)),
        ("/courses/{id}", get(courses::show).put(courses::update).delete(courses::delete)),
        ("/courses/{id}/modules", get(content::modules)),
        ("/courses/{id}/modules/{module}", get(content::module)),
        ("/courses/{id}/modules/{module}/items", get(content::items)),
        ("/courses/{id}/modules/{module}/items/{item}", get(content::item)),
        ("/courses/{id}/pages", get(content::pages)),
        ("/courses/{id}/pages/{page}", get(content::page).put(content::update_page)),
        ("/accounts/{id}", get(accounts::show)),
        ("/accounts/{id}/courses", get(accounts::courses).post(accounts::create_course)),
        ("/accounts/{id}/courses/{course_id}", get(accounts::course)),
        (MIGRATIONS, get(migrations::list).post(migrations::create)),
        ("/courses/{id}/content_migrations/migrators", get(migrations::migrators)),
        ("/courses/{id}/content_migrations/{migration}", get(migrations::show).put(migrations::update)),
        ("/courses/{id}/content_migrations/{migration}/migration_issues", get(migrations::issue_list)),
        ("/courses/{id}/content_migrations/{migration}/selective_data", get(migrations::selective_data)),
        ("/courses/{id}/content_migrations/{migration}/asset_id_mapping", get(migrations::asset_id_mapping)),
        (
            "/courses/{id}/content_migrations/{migration}/migration_issues/{issue}",
            get(migrations::issue).put(migrations::update_issue),
        ),
        ("/progress/{id}", get(migrations::show_progress)),
        ("/progress/{id}/cancel", axum::routing::post(migrations::cancel_progress)),
        (TEMPLATE, get(blueprints::show)),
        ("/courses/{id}/blueprint_subscriptions", get(blueprints::subscriptions)),
    ]
    .into_iter()
    .map(|(path, route)| (path.to_string(), route))
    .chain(
        [
            ("/associated_courses", get(blueprints::associated)),
            ("/update_associations", axum::routing::put(blueprints::update_associations)),
            ("/migrations", get(blueprints::syncs).post(blueprints::start_sync)),
            ("/migrations/{sync}", get(blueprints::show_sync)),
            ("/migrations/{sync}/details", get(blueprints::sync_details)),
            ("/unsynced_changes", get(blueprints::unsynced_changes)),
            ("/restrict_item", axum::routing::put(blueprints::restrict_item)),
        ]
        .into_iter()
        .map(|(tail, route)| (format!("{TEMPLATE}{tail}"), route)),
    )
    .chain(
        [
            ("/migrations", get(blueprints::subscription_syncs)),
            ("/migrations/{sync}", get(blueprints::subscription_sync)),
            ("/migrations/{sync}/details", get(blueprints::subscription_details)),
        ]
        .into_iter()
        .map(|(tail, route)| (format!("{SUBSCRIPTION}{tail}"), route)),
    )
    .collect();
    let api = routes
        .into_iter()
        .fold(Router::new(), |api, (path, route)| api.route(&path, route.clone()).route(&format!("{path}/"), route))
        .fallback(|| async { errors::CanvasError::NotFound })
        .method_not_allowed_fallback(|| async {
            errors::CanvasError::Other(StatusCode::METHOD_NOT_ALLOWED, "the route does not take this method".into())
        })
        .layer(middleware::from_fn_with_state(app, auth::gate));
    Router::new().nest("/api/v1", api)
}
