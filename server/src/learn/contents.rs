//! The read-only views of a course (SRV-4): its contents (learning objects
//! as folders, pages as documents) and its memberships, paged and
//! filtered as Learn's lists are.

use crate::app::SharedApp;
use crate::extract::Caller;
use crate::learn::courses::readable;
use crate::learn::paging::ListQuery;
use crate::learn::wire::Failure;
use axum::Json;
use coursecopy::{LoKey, Workspace};
use serde_json::{Value, json};

/// The content handler of a folder (a learning object).
const FOLDER: &str = "resource/x-bb-folder";
/// The content handler of a document (a page).
const DOCUMENT: &str = "resource/x-bb-document";

/// The id of a learning object or page in the contents view:
/// `lo-<slot>-<generation>`, `page-<slot>-<generation>`.
pub fn content_id(handle: &impl std::fmt::Display) -> String {
    handle.to_string().replace(['#', 'v'], "-")
}

/// The `links` of a linked learning object or page (LNK-1, LNK-10): one
/// `alternate` link to its upstream's content URL, titled `linked
/// upstream`; `linked upstream (deleted)`, with no `href`, once the
/// upstream is gone. Content that is not a linked copy has no `links`.
fn upstream_links(upstream: Option<Option<(String, String)>>) -> Option<Value> {
    let link = match upstream? {
        Some((course, content)) => json!({
            "href": format!("/learn/api/public/v1/courses/{course}/contents/{content}"),
            "rel": "alternate",
            "title": "linked upstream",
            "type": "application/json",
        }),
        None => json!({ "rel": "alternate", "title": "linked upstream (deleted)" }),
    };
    Some(json!([link]))
}

/// Where the upstream of linked LO `lo` lives: its course's LMS id and its
/// content id. `None` when `lo` is not linked; `Some(None)` when the link
/// is broken.
fn lo_upstream(ws: &Workspace, lo: LoKey) -> Option<Option<(String, String)>> {
    let link = ws.learning_object(lo).ok()?.link()?;
    let place = link.upstream.and_then(|up| {
        let course = link.upstream_course.or_else(|| ws.learning_object(up).ok()?.parent())?;
        Some((ws.course(course).ok()?.lms_id(), content_id(&up)))
    });
    Some(place)
}

/// Learning object `lo` as a folder at `position`.
fn folder(ws: &Workspace, lo: LoKey, position: usize) -> Result<Value, Failure> {
    let record = ws.learning_object(lo)?;
    let mut item = json!({
        "id": content_id(&lo),
        "title": record.title(),
        "description": record.description(),
        "position": position,
        "hasChildren": record.pages().len() > 0,
        "contentHandler": { "id": FOLDER },
        "availability": { "available": "Yes" },
    });
    if let Some(links) = upstream_links(lo_upstream(ws, lo)) {
        item["links"] = links;
    }
    Ok(item)
}

/// The pages of learning object `lo` as documents.
fn documents(ws: &Workspace, lo: LoKey) -> Result<Vec<Value>, Failure> {
    let record = ws.learning_object(lo)?;
    let course_of_upstream = lo_upstream(ws, lo).flatten().map(|(course, _)| course);
    let mut items = Vec::new();
    for (position, page) in record.pages().enumerate() {
        let p = ws.page(page)?;
        let upstream = record
            .page_link(page)
            .map(|l| l.upstream.and_then(|up| course_of_upstream.clone().map(|course| (course, content_id(&up)))));
        let mut item = json!({
            "id": content_id(&page),
            "parentId": content_id(&lo),
            "title": p.title(),
            "body": p.body(),
            "position": position,
            "hasChildren": false,
            "contentHandler": { "id": DOCUMENT },
            "availability": { "available": "Yes" },
        });
        if let Some(links) = upstream_links(upstream) {
            item["links"] = links;
        }
        items.push(item);
    }
    Ok(items)
}

/// The contents filters Learn defines that the server applies: `title`
/// (contains, any case) and `contentHandler` (the handler's id). Those it
/// cannot apply (the dates, `reviewable`) are refused rather than
/// ignored.
fn content_filter(query: &ListQuery) -> Result<impl Fn(&Value) -> bool + '_, Failure> {
    query.refuse(&["created", "createdCompare", "modified", "modifiedCompare", "reviewable"])?;
    let title = query.params.get("title").map(|t| t.to_lowercase());
    let handler = query.params.get("contentHandler");
    Ok(move |item: &Value| {
        title.as_ref().is_none_or(|t| item["title"].as_str().is_some_and(|s| s.to_lowercase().contains(t.as_str())))
            && handler.is_none_or(|h| item["contentHandler"]["id"] == h.as_str())
    })
}

/// Learn's `recursive`: `true` or `false`.
fn recursive(query: &ListQuery) -> Result<bool, Failure> {
    match query.params.get("recursive").map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(Failure::bad_request(format!("recursive: {other:?} is neither true nor false"))),
    }
}

/// `GET /v1/courses/{courseId}/contents`: the course's learning objects as
/// folders (with `recursive=true`, each followed by its pages); a linked
/// copy carries a `links` entry to its upstream. Filtered and paged.
pub async fn contents(app: SharedApp, caller: Caller, id: String, query: ListQuery) -> Result<Json<Value>, Failure> {
    let keep = content_filter(&query)?;
    let recursive = recursive(&query)?;
    let state = app.lock();
    let ws = &state.model.ws;
    let key = readable(ws, &caller, &id)?;
    let mut rows = Vec::new();
    for (position, lo) in ws.course(key)?.learning_objects().enumerate() {
        rows.push(folder(ws, lo, position)?);
        if recursive {
            rows.extend(documents(ws, lo)?);
        }
    }
    rows.retain(|row| keep(row));
    Ok(query.answer(rows))
}

/// `GET /v1/courses/{courseId}/contents/{contentId}/children`: a learning
/// object's pages as documents, a linked page with a `links` entry to its
/// upstream page; a page has none. Filtered and paged.
pub async fn children(
    app: SharedApp,
    caller: Caller,
    id: String,
    content: String,
    query: ListQuery,
) -> Result<Json<Value>, Failure> {
    let keep = content_filter(&query)?;
    recursive(&query)?;
    let state = app.lock();
    let ws = &state.model.ws;
    let key = readable(ws, &caller, &id)?;
    let course = ws.course(key)?;
    if let Some(lo) = course.learning_objects().find(|lo| content_id(lo) == content) {
        let mut rows = documents(ws, lo)?;
        rows.retain(|row| keep(row));
        return Ok(query.answer(rows));
    }
    let is_page = course
        .learning_objects()
        .filter_map(|lo| ws.learning_object(lo).ok())
        .any(|lo| lo.pages().any(|p| content_id(&p) == content));
    if is_page {
        return Ok(query.answer(Vec::new()));
    }
    Err(Failure::not_found(format!("course {id} has no content {content}")))
}

/// The memberships of course `key`, each with its course role:
/// Administrators and Authors as `Instructor`, Reviewers as `Student`;
/// every membership is available.
fn memberships(ws: &coursecopy::Workspace, key: coursecopy::CourseKey) -> Result<Vec<(&'static str, Value)>, Failure> {
    let course = ws.course(key)?;
    let mut rows = Vec::new();
    for user in course.assigned_users() {
        let u = ws.user(user)?;
        let course_role = match u.role() {
            coursecopy::Role::Reviewer => "Student",
            _ => "Instructor",
        };
        let row = json!({
            "userId": content_id(&user),
            "courseId": course.lms_id(),
            "courseRoleId": course_role,
            "availability": { "available": "Yes" },
            "user": { "id": content_id(&user), "userName": u.name() },
        });
        rows.push((course_role, row));
    }
    Ok(rows)
}

/// `GET /v1/courses/{courseId}/users`: the users assigned to the course,
/// as memberships: Administrators and Authors as `Instructor`, Reviewers
/// as `Student`. Filtered by `role` and `availability.available` (every
/// membership is available); the date and data-source filters, which the
/// server cannot apply, are refused. Paged.
pub async fn users(app: SharedApp, caller: Caller, id: String, query: ListQuery) -> Result<Json<Value>, Failure> {
    query.refuse(&[
        "created",
        "createdCompare",
        "modified",
        "modifiedCompare",
        "lastAccessed",
        "lastAccessedCompare",
        "dataSourceId",
    ])?;
    let available = match query.params.get("availability.available").map(String::as_str) {
        None => None,
        Some(v @ ("Yes" | "No" | "Disabled")) => Some(v),
        Some(other) => {
            return Err(Failure::bad_request(format!(
                "availability.available: {other:?} is none of Yes, No, Disabled"
            )));
        }
    };
    let role = query.params.get("role").map(String::as_str);
    let state = app.lock();
    let key = readable(&state.model.ws, &caller, &id)?;
    let rows = memberships(&state.model.ws, key)?
        .into_iter()
        .filter(|(course_role, _)| role.is_none_or(|r| r == *course_role) && available.is_none_or(|a| a == "Yes"))
        .map(|(_, row)| row)
        .collect();
    Ok(query.answer(rows))
}
