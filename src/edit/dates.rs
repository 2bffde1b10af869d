//! Shifting the dates of a course in place (DAT-6), with a preview. The
//! plan ([`DatePlan`](crate::data::DatePlan)) is the one a copy uses.

use super::courses::editable;
use crate::data::{DatePlan, DateShift, DateShiftReport, OwnDates};
use crate::error::Error;
use crate::handles::{CourseKey, UserKey};
use crate::store::Store;

/// What shifting the dates of `course` would do, without doing it (DAT-6).
pub(crate) fn preview_date_shift(
    store: &Store,
    course: CourseKey,
    shift: &DateShift,
) -> Result<DateShiftReport, Error> {
    let record = store.course(course)?;
    let tools: Vec<_> = record.tools.iter().cloned().collect();
    let plan = DatePlan::of(record, &tools, EVERY, shift)?;
    Ok(plan.report(&tools, |id| id, plan.duration.unwrap_or(record.settings.duration)))
}

/// Shifts every date of `course` at once (DAT-6): its duration, its
/// enrollment window and its tool items.
pub(crate) fn shift_course_dates(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    shift: &DateShift,
) -> Result<DateShiftReport, Error> {
    let record = editable(store, actor, course)?;
    let tools: Vec<_> = record.tools.iter().cloned().collect();
    let plan = DatePlan::of(record, &tools, EVERY, shift)?;
    let report = plan.report(&tools, |id| id, plan.duration.unwrap_or(record.settings.duration));
    store.update_course_data(course, |c| {
        if let Some(d) = plan.duration {
            c.settings.duration = d;
        }
        if let Some(e) = plan.enrollment {
            c.settings.enrollment = e;
        }
        // The plan was made for the items in this order.
        for (item, new) in c.tools.items.iter_mut().zip(&plan.tools) {
            if let Some(dates) = new {
                item.dates = *dates;
            }
        }
    });
    Ok(report)
}

/// A shift in place moves every date of the course.
const EVERY: OwnDates = OwnDates { duration: true, enrollment: true };
