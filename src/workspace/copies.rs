//! Copying a course at once: Share, Duplicate, Linked, with options.

use super::*;

impl Workspace {
    /// Copies a course in the given mode, at once. Needs a user who may
    /// create courses and read `source` (ACC-2). Returns the new course.
    ///
    /// Fails, creating nothing, with [`Error::Conflict`] when the requested
    /// `course_id` or `external_id` is taken (OPT-3), or [`Error::Invalid`]
    /// when an option breaks its limits.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`] unless the actor may read the source
    /// and create courses (ACC-2); [`Error::Conflict`] when the asked `course_id` or `external_id` is taken
    /// (OPT-3); [`Error::Invalid`], naming the field, when an option breaks its limits.
    ///
    /// ```
    /// use coursecopy::{CopyMode, CopyOptions, NewCourse, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let copy = ws.copy_course(admin, course, CopyMode::Share, &CopyOptions::new().title("Biology, spring"))?;
    /// assert_eq!(ws.course(copy)?.course_id(), "BIO-101-copy");
    /// assert_eq!(ws.course(copy)?.title(), "Biology, spring");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn copy_course(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        mode: CopyMode,
        options: &CopyOptions,
    ) -> Result<CourseKey, Error> {
        self.copy_course_with_report(actor, source, mode, options).map(|r| r.course)
    }

    /// As [`copy_course`](Self::copy_course), and says what the copy did:
    /// the references it dropped (LMS-9) and, when the options shift dates
    /// ([`CopyOptions::date_shift`]), every shifted item with its old and
    /// new dates and warnings for dates outside the copy's duration (DAT-5).
    ///
    /// # Errors
    ///
    /// As [`copy_course`](Self::copy_course); and [`Error::Invalid`] ([`Field::DateShift`](crate::Field::DateShift)) when the shift
    /// would move a date outside the years -9999 to 9999.
    ///
    /// ```
    /// use coursecopy::{Category, CopyMode, CopyOptions, DateShift, NewCourse, ToolDates, ToolDraft, Workspace};
    /// use coursecopy::jiff::civil::date;
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let due = "2027-01-08T17:00:00Z".parse()?; // a Friday
    /// ws.add_tool(admin, course, ToolDraft::new(Category::Tasks, "Read ch. 1").dates(ToolDates::new().due(due)))?;
    ///
    /// let shift = DateShift::by_range_dates(date(2027, 1, 4), date(2027, 5, 1), date(2028, 1, 10), date(2028, 5, 6));
    /// let options = CopyOptions::new().course_id("BIO-101-2028").date_shift(shift);
    /// let report = ws.copy_course_with_report(admin, course, CopyMode::Duplicate, &options)?;
    /// let moved = &report.date_shift.unwrap().shifted[0];
    /// assert_eq!(moved.old.due_date(), Some(due));
    /// assert_eq!(moved.new.due_date(), Some("2028-01-14T17:00:00Z".parse()?), "still a Friday");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn copy_course_with_report(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        mode: CopyMode,
        options: &CopyOptions,
    ) -> Result<CopyReport, Error> {
        copy::copy_course(&mut self.store, actor, source, mode, options, options.fields.time_or_clock())
    }

    /// Shares a course: the copy includes the *same* learning objects, so
    /// page edits, page deletions and page additions show in both courses
    /// (SHR-1..7). Same as [`copy_course`](Self::copy_course) with
    /// [`CopyMode::Share`].
    ///
    /// # Errors
    ///
    /// As [`copy_course`](Self::copy_course).
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// let page = ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    ///
    /// let evening = ws.share_course(admin, course, &CopyOptions::new().course_id("BIO-101-EVE"))?;
    /// assert_eq!(ws.course(evening)?.learning_objects().next(), Some(lo), "the same LO");
    /// let reach = ws.edit_page(admin, evening, page, PageEdit::new().body("Bilayers."))?;
    /// assert!(reach.contains(course) && reach.contains(evening));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn share_course(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        options: &CopyOptions,
    ) -> Result<CourseKey, Error> {
        self.copy_course(actor, source, CopyMode::Share, options)
    }

    /// Duplicates a course: the copy gets new, independent learning objects
    /// and pages; duplicated pages lose their style (DUP-1..6). Same as
    /// [`copy_course`](Self::copy_course) with [`CopyMode::Duplicate`].
    ///
    /// # Errors
    ///
    /// As [`copy_course`](Self::copy_course).
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// let page = ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    ///
    /// let copy = ws.duplicate_course(admin, course, &CopyOptions::new())?;
    /// let new_lo = ws.course(copy)?.learning_objects().next().unwrap();
    /// assert_ne!(new_lo, lo);
    /// let new_page = ws.learning_object(new_lo)?.pages().next().unwrap();
    /// assert_eq!(ws.page(new_page)?.origin(), Some(page));
    /// assert!(ws.page(new_page)?.shares_body_with(ws.page(page)?), "text shared until edited");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn duplicate_course(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        options: &CopyOptions,
    ) -> Result<CourseKey, Error> {
        self.copy_course(actor, source, CopyMode::Duplicate, options)
    }
}
