//! Modules, module items and pages (CNV-4, the reads so far): a course's
//! modules are its learning objects in order, each module's items its
//! pages (type `Page`); pages by `url` or numeric id.

use super::errors::CanvasError;
use super::paging::base_of;
use super::request::CanvasRequest;
use super::request::{caller_name, paged, readable, text};
use super::wire;
use crate::app::SharedApp;
use axum::Json;
use axum::extract::Path;
use axum::response::Response;
use coursecopy::{CourseKey, LoKey, PageKey, UserKey, Workspace};
use serde_json::Value;

/// The module (LO) of `course` with numeric id `id`, and its position
/// from 1.
fn module_of(ws: &Workspace, course: CourseKey, id: &str) -> Result<(LoKey, usize), CanvasError> {
    let id: u64 = id.parse().map_err(|_| CanvasError::NotFound)?;
    let c = ws.course(course).map_err(|_| CanvasError::NotFound)?;
    c.learning_objects()
        .enumerate()
        .find(|(_, lo)| ws.learning_object(*lo).is_ok_and(|l| l.numeric_id() == id))
        .map(|(at, lo)| (lo, at + 1))
        .ok_or(CanvasError::NotFound)
}

/// The items of module `lo`: its pages, in order.
fn items_of(ws: &Workspace, base: &str, course: CourseKey, lo: LoKey) -> Vec<Value> {
    let urls: std::collections::HashMap<PageKey, String> = wire::page_urls(ws, course).into_iter().collect();
    let pages: Vec<PageKey> = ws.learning_object(lo).map(|l| l.pages().collect()).unwrap_or_default();
    pages
        .iter()
        .enumerate()
        .filter_map(|(at, p)| wire::module_item(ws, base, course, lo, *p, at + 1, urls.get(p)?))
        .collect()
}

/// Reads course `id`, which `user` must be allowed to read, under the
/// lock.
fn read_course<T>(
    app: &SharedApp,
    user: UserKey,
    id: &str,
    read: impl FnOnce(&Workspace, CourseKey) -> Result<T, CanvasError>,
) -> Result<T, CanvasError> {
    let state = app.lock();
    let ws = &state.model.ws;
    read(ws, readable(ws, user, id)?)
}

/// Whether `include[]=items` was asked for.
fn wants_items(params: &Value) -> bool {
    params["include"].as_array().is_some_and(|i| i.iter().any(|v| v == "items"))
}

/// `GET /api/v1/courses/:course_id/modules`, paged; `include[]=items`
/// puts each module's items in it.
pub async fn modules(Path(id): Path<String>, req: CanvasRequest) -> Result<Response, CanvasError> {
    let CanvasRequest { app, caller, headers, uri, params } = req;
    let base = base_of(&headers);
    let modules = read_course(&app, caller.user, &id, |ws, course| {
        let los: Vec<LoKey> = ws.course(course).map(|c| c.learning_objects().collect()).unwrap_or_default();
        let items = |lo: LoKey| wants_items(&params).then(|| items_of(ws, &base, course, lo));
        Ok(los
            .iter()
            .enumerate()
            .filter_map(|(at, lo)| wire::module(ws, &base, course, *lo, at + 1, items(*lo)))
            .collect())
    })?;
    Ok(paged(modules, &params, &headers, &uri))
}

/// `GET /api/v1/courses/:course_id/modules/:id`.
pub async fn module(
    Path((id, module)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, params, .. } = req;
    let base = base_of(&headers);
    read_course(&app, caller.user, &id, |ws, course| {
        let (lo, position) = module_of(ws, course, &module)?;
        let items = wants_items(&params).then(|| items_of(ws, &base, course, lo));
        wire::module(ws, &base, course, lo, position, items).map(Json).ok_or(CanvasError::NotFound)
    })
}

/// `GET /api/v1/courses/:course_id/modules/:module_id/items`, paged.
pub async fn items(Path((id, module)): Path<(String, String)>, req: CanvasRequest) -> Result<Response, CanvasError> {
    let CanvasRequest { app, caller, headers, uri, params } = req;
    let items = read_course(&app, caller.user, &id, |ws, course| {
        let (lo, _) = module_of(ws, course, &module)?;
        Ok(items_of(ws, &base_of(&headers), course, lo))
    })?;
    Ok(paged(items, &params, &headers, &uri))
}

/// `GET /api/v1/courses/:course_id/modules/:module_id/items/:id`.
pub async fn item(
    Path((id, module, item)): Path<(String, String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, headers, .. } = req;
    read_course(&app, caller.user, &id, |ws, course| {
        let (lo, _) = module_of(ws, course, &module)?;
        let items = items_of(ws, &base_of(&headers), course, lo);
        let found = items.into_iter().find(|i| i["id"].as_u64().is_some_and(|n| n.to_string() == item));
        found.map(Json).ok_or(CanvasError::NotFound)
    })
}

/// `GET /api/v1/courses/:course_id/pages`: the course's pages, in module
/// order, without bodies, paged; `search_term` keeps those whose title
/// holds it (any case).
pub async fn pages(Path(id): Path<String>, req: CanvasRequest) -> Result<Response, CanvasError> {
    let CanvasRequest { app, caller, headers, uri, params } = req;
    let term = params["search_term"].as_str().map(str::to_lowercase);
    let pages = read_course(&app, caller.user, &id, |ws, course| {
        let titled = |p: &PageKey| {
            term.as_deref().is_none_or(|t| ws.page(*p).is_ok_and(|page| page.title().to_lowercase().contains(t)))
        };
        let urls = wire::page_urls(ws, course);
        Ok(urls
            .iter()
            .filter(|(p, _)| titled(p))
            .filter_map(|(p, url)| wire::page(ws, course, *p, url, false))
            .collect())
    })?;
    Ok(paged(pages, &params, &headers, &uri))
}

/// `GET /api/v1/courses/:course_id/pages/:url_or_id`: by `url` first, then
/// by numeric id (`page_id:7` forces the id); with its body.
pub async fn page(Path((id, page)): Path<(String, String)>, req: CanvasRequest) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, .. } = req;
    read_course(&app, caller.user, &id, |ws, course| {
        let (key, url) = find_page(ws, course, &page).ok_or(CanvasError::NotFound)?;
        wire::page(ws, course, key, &url, true).map(Json).ok_or(CanvasError::NotFound)
    })
}

/// `PUT /api/v1/courses/:course_id/pages/:url_or_id` (CNV-4): changes the
/// page's title (`wiki_page[title]`) or body (`wiki_page[body]`), from a
/// form or JSON body, as an edit through the course, journaled before the
/// answer; answers the page as it is now (its `url` follows a new
/// title). The model's rules hold: through a shared LO the change shows
/// in every course that includes it (SHR-2); on a linked page it is a
/// customisation (LNK-5); on a locked one it is refused (LNK-9, LNK-13)
/// with Canvas's `locked by Master Course` error. An unknown page is 404:
/// Canvas would create it, and page creation is not served yet.
pub async fn update_page(
    Path((id, page)): Path<(String, String)>,
    req: CanvasRequest,
) -> Result<Json<Value>, CanvasError> {
    let CanvasRequest { app, caller, params, .. } = req;
    let (title, body) = (text(&params, "wiki_page", "title"), text(&params, "wiki_page", "body"));
    let mut state = app.lock();
    let ws = &state.model.ws;
    let course = readable(ws, caller.user, &id)?;
    let (key, _) = find_page(ws, course, &page).ok_or(CanvasError::NotFound)?;
    let user = caller_name(ws, &caller)?;
    let (course_id, page_id) = (
        ws.course(course).map_err(|_| CanvasError::NotFound)?.numeric_id(),
        ws.page(key).map_err(|_| CanvasError::NotFound)?.numeric_id(),
    );
    let op = crate::model::Op::EditPage { user, course: course_id, page: page_id, title, body };
    state.commit(op)?;
    let ws = &state.model.ws;
    let urls = wire::page_urls(ws, course);
    let url = urls.iter().find(|(p, _)| *p == key).map(|(_, url)| url.clone()).ok_or(CanvasError::NotFound)?;
    wire::page(ws, course, key, &url, true).map(Json).ok_or(CanvasError::NotFound)
}

/// The page `locator` names in `course`: a `url` first, then a numeric id
/// (`page_id:7` forces the id); with its url.
fn find_page(ws: &Workspace, course: CourseKey, locator: &str) -> Option<(PageKey, String)> {
    let urls = wire::page_urls(ws, course);
    let by_id = |n: &str| {
        let n: u64 = n.parse().ok()?;
        urls.iter().find(|(p, _)| ws.page(*p).is_ok_and(|page| page.numeric_id() == n))
    };
    let found = match locator.strip_prefix("page_id:") {
        Some(n) => by_id(n),
        None => urls.iter().find(|(_, url)| *url == locator).or_else(|| by_id(locator)),
    };
    found.cloned()
}
