//! Shifting a course's dates in place, with a preview (DAT-6).

use super::*;

impl Workspace {
    /// What [`shift_course_dates`](Self::shift_course_dates) would do to
    /// `course`, without doing it (DAT-6).
    ///
    /// # Errors
    ///
    /// As [`shift_course_dates`](Self::shift_course_dates), rights aside.
    ///
    /// # Examples
    ///
    /// ```
    /// use coursecopy::{Category, DateShift, NewCourse, ToolDates, ToolDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("HIST-200", "History"))?;
    /// let due = ToolDates::new().due("2027-03-26T22:59:00Z".parse()?);
    /// ws.add_tool(admin, course, ToolDraft::new(Category::Assessments, "Quiz 1").dates(due))?;
    /// let report = ws.preview_date_shift(course, &DateShift::by_days(7))?;
    /// assert_eq!(report.shifted[0].new.due_date(), Some("2027-04-02T22:59:00Z".parse()?));
    /// // A preview changes nothing.
    /// let quiz = ws.course(course)?.tools().iter().next().unwrap();
    /// assert_eq!(quiz.dates().due_date(), Some("2027-03-26T22:59:00Z".parse()?));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn preview_date_shift(&self, course: CourseKey, shift: &DateShift) -> Result<DateShiftReport, Error> {
        edit::dates::preview_date_shift(&self.store, course, shift)
    }

    /// Shifts every date of a course in place, at once (DAT-6): its
    /// duration, its self-enrollment window and the dates of its tool
    /// items, in the course's time zone, each item's dates together
    /// (DAT-5). Returns what moved, with warnings for dates outside the
    /// course's duration. Needs edit rights on the course; a failure
    /// changes nothing.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::Invalid`] (`date`) when a date would move
    /// outside the years -9999 to 9999.
    ///
    /// ```
    /// use coursecopy::{Category, DateShift, NewCourse, ToolDates, ToolDraft, Workspace, Zone};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let berlin = Zone::get("Europe/Berlin")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology").time_zone(berlin))?;
    /// let due = "2027-03-26T22:59:00Z".parse()?; // Friday 23:59 in Berlin, winter time
    /// let quiz = ToolDraft::new(Category::Assessments, "Quiz 1").dates(ToolDates::new().due(due));
    /// let quiz = ws.add_tool(admin, course, quiz)?;
    ///
    /// let preview = ws.preview_date_shift(course, &DateShift::by_days(7))?;
    /// assert_eq!(preview.shifted[0].new.due_date(), Some("2027-04-02T21:59:00Z".parse()?));
    /// assert_eq!(ws.course(course)?.tools().get(quiz).unwrap().dates().due_date(), Some(due), "a preview changes nothing");
    ///
    /// ws.shift_course_dates(admin, course, &DateShift::by_days(7))?;
    /// // Still Friday 23:59 in Berlin, now summer time.
    /// assert_eq!(ws.course(course)?.tools().get(quiz).unwrap().dates().due_date(), Some("2027-04-02T21:59:00Z".parse()?));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn shift_course_dates(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        shift: &DateShift,
    ) -> Result<DateShiftReport, Error> {
        edit::dates::shift_course_dates(&mut self.store, actor, course, shift)
    }
}
