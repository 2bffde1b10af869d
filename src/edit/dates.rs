//! Shifting the dates of a course in place (DAT-6), with a preview. The
//! plan ([`DatePlan`](crate::data::DatePlan)) is the one a copy uses.

use super::courses::editable;
use crate::data::{Course, DatePlan, DateShift, DateShiftReport, OwnDates};
use crate::error::Error;
use crate::handles::{CourseKey, UserKey};
use crate::store::Store;

/// What shifting the dates of `course` would do, without doing it (DAT-6).
pub(crate) fn preview_date_shift(
    store: &Store,
    course: CourseKey,
    shift: &DateShift,
) -> Result<DateShiftReport, Error> {
    planned(store.course(course)?, shift).map(|(_, report)| report)
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
    let (plan, report) = planned(record, shift)?;
    let mut settings = record.settings.clone();
    if let Some(d) = plan.duration() {
        settings.duration = d;
    }
    if let Some(e) = plan.enrollment(&record.settings.enrollment) {
        settings.enrollment = e;
    }
    // The plan was made for the items in this order.
    let items: Vec<_> = record.tools.iter().map(|i| i.id).zip(plan.tools.iter().map(|n| n.map(|n| n.dates))).collect();
    // Checked before the first write; the items are the course's own.
    store.check_course_settings(&settings)?;
    store.set_course_settings(course, settings)?;
    for (tool, new) in items {
        if let Some(dates) = new {
            store.set_tool_dates(course, tool, dates)?;
        }
    }
    Ok(report)
}

/// The plan for shifting every date of `record` in place, and its report,
/// warnings against the duration the course will have.
fn planned(record: &Course, shift: &DateShift) -> Result<(DatePlan, DateShiftReport), Error> {
    let every = OwnDates { duration: true, enrollment: true };
    let plan = DatePlan::of(record, record.tools.iter(), every, shift)?;
    let report = plan.report(record.tools.iter(), |id| id, plan.duration().unwrap_or(record.settings.duration));
    Ok((plan, report))
}
