//! Shifting the dates of a course in place (DAT-6), with a preview. The
//! plan ([`DatePlan`](crate::data::DatePlan)) is the one a copy uses.

use super::courses::editable;
use crate::data::{DatePlan, DateShift, DateShiftReport, Duration, OwnDates};
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
    let plan = DatePlan::of(record, record.tools.iter(), OwnDates { duration: true, enrollment: true }, shift)?;
    Ok(finished_report(plan.report, plan.duration.unwrap_or(record.settings.duration)))
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
    let plan = DatePlan::of(record, record.tools.iter(), OwnDates { duration: true, enrollment: true }, shift)?;
    let duration = plan.duration.unwrap_or(record.settings.duration);
    let DatePlan { tools, duration: new_duration, enrollment, report } = plan;
    store.update_course_data(course, |c| {
        if let Some(d) = new_duration {
            c.settings.duration = d;
        }
        if let Some(e) = enrollment {
            c.settings.enrollment = e;
        }
        for item in c.tools.items.iter_mut() {
            if let Some(dates) = tools.get(&item.id) {
                item.dates = *dates;
            }
        }
    });
    Ok(finished_report(report, duration))
}

/// The report with its warnings against the course's final duration.
pub(crate) fn finished_report(mut report: DateShiftReport, duration: Duration) -> DateShiftReport {
    report.warn_outside(duration);
    report
}
