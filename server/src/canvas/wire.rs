//! Canvas's objects as the routes write them (`canvas/API.md` §2.1), from
//! the model. Each field without a counterpart in the model says so here;
//! `docs/canvas.md`'s mapping table lists them all.

use coursecopy::{Availability, CourseKey, Duration, Timestamp, Workspace};
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
/// `Term`), `unpublished` otherwise. A `DateRange` duration gives
/// `start_at` and `end_at`, and `restrict_enrollments_to_course_dates`.
/// `None` for a missing course.
pub fn course(ws: &Workspace, key: CourseKey) -> Option<Value> {
    let c = ws.course(key).ok()?;
    let (start, end, restricted) = match c.settings().duration() {
        Duration::DateRange { start, end } => (Some(time(start)), Some(time(end)), true),
        _ => (None, None, false),
    };
    let available = matches!(c.settings().availability(), Availability::Yes | Availability::Term);
    Some(json!({
        "id": c.numeric_id(),
        "uuid": c.uuid(),
        "name": c.title(),
        "course_code": c.detail("course_code").unwrap_or(c.course_id()),
        "sis_course_id": c.external_id(),
        "workflow_state": if available { "available" } else { "unpublished" },
        "account_id": ACCOUNT_ID,
        "root_account_id": ACCOUNT_ID,
        "enrollment_term_id": TERM_ID,
        "created_at": time(c.created()),
        "start_at": start,
        "end_at": end,
        "default_view": "modules",
        "time_zone": c.time_zone().to_string(),
        "blueprint": false,
        "restrict_enrollments_to_course_dates": restricted,
        "locale": c.settings().locale(),
    }))
}
