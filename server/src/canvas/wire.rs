//! Canvas's objects as the routes write them (`canvas/API.md` §2.1), from
//! the model. Each field without a counterpart in the model says so here;
//! `docs/canvas.md`'s mapping table lists them all.

use coursecopy::{Availability, CourseKey, Duration, LoKey, PageKey, Timestamp, Workspace};
use serde_json::{Value, json};

/// A time as Canvas writes it: UTC, `Z`, whole seconds.
pub fn time(t: Timestamp) -> String {
    let text = t.to_string();
    // `…:SS.mmmZ`: the fraction dropped.
    match text.rsplit_once('.') {
        Some((whole, _)) => format!("{whole}Z"),
        None => text,
    }
}

/// The demo's one account, which every course is in.
pub const ACCOUNT_ID: u64 = 1;
/// The one enrollment term, Canvas's default term.
pub const TERM_ID: u64 = 1;

/// A course (`@model Course`): `id` is the course's numeric id, `name`
/// its title, `course_code` the course detail of that name if it has one
/// (a course made over Canvas keeps it there) and its `courseId`
/// otherwise, `sis_course_id` its `externalId`. `workflow_state` is
/// `available` while students can see it (Learn's availability `Yes`, or
/// `Term`), `completed` once concluded (`Disabled`), `unpublished`
/// otherwise. A `DateRange` duration gives
/// `start_at` and `end_at`, and `restrict_enrollments_to_course_dates`.
/// `None` for a missing course.
pub fn course(model: &crate::model::Model, key: CourseKey) -> Option<Value> {
    let c = model.ws.course(key).ok()?;
    let (start, end, restricted) = match c.settings().duration() {
        Duration::DateRange { start, end } => (Some(time(start)), Some(time(end)), true),
        _ => (None, None, false),
    };
    let state = match c.settings().availability() {
        Availability::Yes | Availability::Term => "available",
        Availability::Disabled => "completed",
        _ => "unpublished",
    };
    Some(json!({
        "id": c.numeric_id(),
        "uuid": c.uuid(),
        "name": c.title(),
        "course_code": c.detail("course_code").unwrap_or(c.course_id()),
        "sis_course_id": c.external_id(),
        "workflow_state": state,
        "account_id": ACCOUNT_ID,
        "root_account_id": ACCOUNT_ID,
        "enrollment_term_id": TERM_ID,
        "created_at": time(c.created()),
        "start_at": start,
        "end_at": end,
        "default_view": "modules",
        "time_zone": c.time_zone().to_string(),
        "blueprint": model.template_of(c.numeric_id()).is_some(),
        "restrict_enrollments_to_course_dates": restricted,
        "locale": c.settings().locale(),
    }))
}

/// A page's `url` in `course`: the slug of its title (lowercase letters
/// and digits, other runs a `-`; `page` when none is left), unique in the
/// course: the page of the lowest numeric id with a slug has it bare, the
/// others `slug-<id>`. It changes with the title, as Canvas's does, and
/// with nothing else.
pub fn page_urls(ws: &Workspace, course: CourseKey) -> Vec<(PageKey, String)> {
    let Ok(pages) = ws.course_pages(course) else { return Vec::new() };
    let mut slugged: Vec<(u64, PageKey, String)> = pages.map(|(k, p)| (p.numeric_id(), k, slug(p.title()))).collect();
    let mut by_id: Vec<usize> = (0..slugged.len()).collect();
    by_id.sort_unstable_by_key(|i| slugged[*i].0);
    let mut taken = std::collections::HashSet::new();
    for i in by_id {
        let (id, _, slug) = &mut slugged[i];
        if !taken.insert(slug.clone()) {
            *slug = format!("{slug}-{id}");
        }
    }
    slugged.into_iter().map(|(_, k, url)| (k, url)).collect()
}

fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "page".to_string() } else { out }
}

/// A page (`@model Page`), `body` only when asked (single-page answers).
/// The model keeps no page times: `created_at` and `updated_at` are the
/// course's.
pub fn page(ws: &Workspace, course: CourseKey, key: PageKey, url: &str, with_body: bool) -> Option<Value> {
    let (c, p) = (ws.course(course).ok()?, ws.page(key).ok()?);
    let mut value = json!({
        "page_id": p.numeric_id(),
        "url": url,
        "title": p.title(),
        "created_at": time(c.created()),
        "updated_at": time(c.modified()),
        "editing_roles": "teachers",
        "published": true,
        "hide_from_students": false,
        "front_page": false,
        "locked_for_user": false,
    });
    if with_body {
        value["body"] = Value::String(p.body().to_string());
    }
    Some(value)
}

/// A module item (`@model ModuleItem`) for the page at `position` (from 1)
/// of module `lo`: its id is the page's numeric id, its type `Page`.
pub fn module_item(
    ws: &Workspace,
    base: &str,
    course: CourseKey,
    lo: LoKey,
    page: PageKey,
    position: usize,
    url: &str,
) -> Option<Value> {
    let (c, l, p) = (ws.course(course).ok()?, ws.learning_object(lo).ok()?, ws.page(page).ok()?);
    let course_id = c.numeric_id();
    Some(json!({
        "id": p.numeric_id(),
        "module_id": l.numeric_id(),
        "position": position,
        "title": p.title(),
        "indent": 0,
        "type": "Page",
        "page_url": url,
        "html_url": format!("{base}/courses/{course_id}/pages/{url}"),
        "url": format!("{base}/api/v1/courses/{course_id}/pages/{url}"),
        "published": true,
    }))
}

/// A module (`@model Module`) for the LO at `position` (from 1) of
/// `course`: its id is the LO's numeric id, its name the LO's title;
/// with `items`, its pages as module items.
pub fn module(
    ws: &Workspace,
    base: &str,
    course: CourseKey,
    lo: LoKey,
    position: usize,
    items: Option<Vec<Value>>,
) -> Option<Value> {
    let (c, l) = (ws.course(course).ok()?, ws.learning_object(lo).ok()?);
    let mut value = json!({
        "id": l.numeric_id(),
        "workflow_state": "active",
        "position": position,
        "name": l.title(),
        "unlock_at": null,
        "require_sequential_progress": false,
        "requirement_type": "all",
        "prerequisite_module_ids": [],
        "items_count": l.pages().count(),
        "items_url": format!("{base}/api/v1/courses/{}/modules/{}/items", c.numeric_id(), l.numeric_id()),
        "publish_final_grade": false,
        "published": true,
    });
    if let Some(items) = items {
        value["items"] = Value::Array(items);
    }
    Some(value)
}
