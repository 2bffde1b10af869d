//! A course's tool items: add, remove, date.

use super::*;

impl Workspace {
    /// Adds a tool item to a course; returns its id.
    ///
    /// Fails with [`Error::Invalid`] when the link does not fit the
    /// category, or posts, groups or grades are given to a category that has
    /// none; with [`Error::NotIn`] when the link names an item of another
    /// category or course, or a learning object the course does not include;
    /// with [`Error::NotFound`] for a missing term or user.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, actor, LO, term or user; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the link names an item of another category
    /// or course, or an LO the course does not include; [`Error::Invalid`], naming the field (`title`, `link`,
    /// `posts`, `groups`, `grades`, `group`), for a value that does not fit the category.
    pub fn add_tool(&mut self, actor: UserKey, course: CourseKey, draft: ToolDraft) -> Result<ToolId, Error> {
        edit::tools::add_tool(&mut self.store, actor, course, draft)
    }

    /// Removes a tool item from a course. Items of the course that linked
    /// to it lose that link.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the course has no such item.
    pub fn remove_tool(&mut self, actor: UserKey, course: CourseKey, tool: ToolId) -> Result<(), Error> {
        edit::tools::remove_tool(&mut self.store, actor, course, tool)
    }

    /// Sets the dates of a tool item (SPEC section 12), replacing the
    /// ones it had.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the course has no such item;
    /// [`Error::Invalid`] naming the field (`start`, `end`, `due`) for a date the item's category does
    /// not take, or an end before the start.
    ///
    /// ```
    /// use coursecopy::{Category, NewCourse, ToolDates, ToolDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let quiz = ws.add_tool(admin, course, ToolDraft::new(Category::Assessments, "Quiz 1"))?;
    /// let due = "2027-02-01T22:59:00Z".parse()?;
    /// ws.set_tool_dates(admin, course, quiz, ToolDates::new().due(due))?;
    /// assert_eq!(ws.course(course)?.tools().get(quiz).unwrap().dates().due_date(), Some(due));
    ///
    /// let backwards = ToolDates::new().start(due).end("2027-01-01T00:00:00Z".parse()?);
    /// let err = ws.set_tool_dates(admin, course, quiz, backwards).unwrap_err();
    /// assert!(matches!(err, coursecopy::Error::Invalid { field: coursecopy::Field::End, .. }));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn set_tool_dates(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        tool: ToolId,
        dates: ToolDates,
    ) -> Result<(), Error> {
        edit::tools::set_tool_dates(&mut self.store, actor, course, tool, dates)
    }
}
