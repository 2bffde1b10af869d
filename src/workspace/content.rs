//! A course's content: learning objects and pages, and the library items pages use.

use super::*;

impl Workspace {
    /// Creates a learning object in a course: the course becomes its parent
    /// and it is appended to the course's list. No other course sees it
    /// (SHR-5).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::Invalid`] (`title`) for a blank or too long title.
    pub fn create_learning_object(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        title: &str,
        description: &str,
    ) -> Result<LoKey, Error> {
        edit::courses::create_learning_object(&mut self.store, actor, course, title, description)
    }

    /// Adds an existing learning object to a course, at `at` (the end when
    /// `None`). The LO is then shared: its pages are the same in every
    /// course that includes it (REU-3).
    ///
    /// Needs edit rights on `course` and read rights on the LO's parent
    /// course. A course includes an LO at most once.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`] when the actor may not edit the
    /// course or read the LO's parent; [`Error::Busy`] or [`Error::Locked`] as for any course edit;
    /// [`Error::AlreadyIn`] when the course includes the LO; [`Error::Invalid`] (`position`) for `at` past the end.
    pub fn add_learning_object(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        lo: LoKey,
        at: Option<usize>,
    ) -> Result<(), Error> {
        edit::courses::add_learning_object(&mut self.store, actor, course, lo, at)
    }

    /// Removes a learning object from one course. Every other course that
    /// includes it keeps it, with all its pages (SHR-4); the LO itself lives
    /// on and can be added again.
    ///
    /// Returns the reach: that one course (REU-2).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the course does not include the LO.
    pub fn remove_learning_object(&mut self, actor: UserKey, course: CourseKey, lo: LoKey) -> Result<Reach, Error> {
        edit::courses::remove_learning_object(&mut self.store, actor, course, lo)
    }

    /// Moves a learning object to position `to` in one course's list. Other
    /// courses keep their own order (SHR-5).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any course edit; [`Error::NotIn`] when the course does not include the LO;
    /// [`Error::Invalid`] (`position`) for `to` out of range.
    pub fn move_learning_object(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        lo: LoKey,
        to: usize,
    ) -> Result<(), Error> {
        edit::courses::move_learning_object(&mut self.store, actor, course, lo, to)
    }

    /// Deletes a learning object and its pages. Refused while any course
    /// includes it, or a course's tool (a release rule, an alignment) links
    /// to it: [`Error::InUse`] names the courses. Needs edit rights on its
    /// parent course (an Administrator for an LO without one).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing LO or actor; [`Error::Forbidden`] when the actor may not edit its parent
    /// course (an Administrator is needed for an LO without one); [`Error::Locked`] when the parent is locked;
    /// [`Error::InUse`], naming every course, while a course includes it or a tool links to it.
    pub fn delete_learning_object(&mut self, actor: UserKey, lo: LoKey) -> Result<(), Error> {
        edit::courses::delete_learning_object(&mut self.store, actor, lo)
    }

    /// Changes a learning object's title and description: those the edit
    /// sets. Every course that includes the LO sees it (SHR-2).
    ///
    /// ```
    /// use coursecopy::{LoEdit, NewCourse, Workspace};
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// ws.edit_learning_object(admin, course, lo, LoEdit::new().description("What cells are"))?;
    /// assert_eq!(ws.learning_object(lo)?.description(), "What cells are");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any edit through `via`, or when the LO's parent course is locked; [`Error::NotIn`]
    /// when `via` does not include the LO; [`Error::Invalid`] (`title`) for a blank or too long title.
    pub fn edit_learning_object(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        lo: LoKey,
        edit: LoEdit,
    ) -> Result<Reach, Error> {
        edit::content::edit_learning_object(&mut self.store, actor, via, lo, edit)
    }

    /// Adds a page at the end of a learning object. Every course that
    /// includes the LO sees it (SHR-3).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO, actor, style or library item; [`Error::Forbidden`],
    /// [`Error::Busy`] or [`Error::Locked`] as for any edit through `via`, or when the LO's parent course is
    /// locked; [`Error::NotIn`] when `via` does not include the LO or the style is another course's;
    /// [`Error::Invalid`] (`title`, `items`) for a bad title or an item listed twice.
    pub fn add_page(&mut self, actor: UserKey, via: CourseKey, lo: LoKey, draft: PageDraft) -> Result<NewPage, Error> {
        edit::content::add_page(&mut self.store, actor, via, lo, draft)
    }

    /// Changes a page's title or body. Every course that includes its LO
    /// sees the change (SHR-2).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, page or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any edit through `via`, or when the LO's parent course is locked; [`Error::NotIn`]
    /// when `via` does not include the page's LO; [`Error::Invalid`] (`title`) for a blank or too long title.
    pub fn edit_page(&mut self, actor: UserKey, via: CourseKey, page: PageKey, edit: PageEdit) -> Result<Reach, Error> {
        edit::content::edit_page(&mut self.store, actor, via, page, edit)
    }

    /// Deletes a page. Every course that includes its LO loses it (SHR-3).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, page or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any edit through `via`, or when the LO's parent course is locked; [`Error::NotIn`]
    /// when `via` does not include the page's LO.
    pub fn delete_page(&mut self, actor: UserKey, via: CourseKey, page: PageKey) -> Result<Reach, Error> {
        edit::content::delete_page(&mut self.store, actor, via, page)
    }

    /// Moves a page to position `to` in its learning object. Every course
    /// that includes the LO sees the new order (SHR-3).
    ///
    /// # Errors
    ///
    /// As [`delete_page`](Self::delete_page), and [`Error::Invalid`] (`position`) for `to` out of range.
    pub fn move_page(&mut self, actor: UserKey, via: CourseKey, page: PageKey, to: usize) -> Result<Reach, Error> {
        edit::content::move_page(&mut self.store, actor, via, page, to)
    }

    /// Applies a style of the course `via` to a page, or clears it (`None`).
    ///
    /// # Errors
    ///
    /// As [`delete_page`](Self::delete_page), and [`Error::NotFound`] for a missing style, [`Error::NotIn`] for a
    /// style of another course.
    pub fn set_page_style(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        style: Option<StyleKey>,
    ) -> Result<Reach, Error> {
        edit::content::set_page_style(&mut self.store, actor, via, page, style)
    }

    /// Makes a page reference a library item, after the ones it has.
    ///
    /// # Errors
    ///
    /// As [`delete_page`](Self::delete_page), and [`Error::NotFound`] for a missing item, [`Error::AlreadyIn`] when
    /// the page references it already.
    pub fn attach_item(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        item: impl Into<LibraryItem>,
    ) -> Result<Reach, Error> {
        edit::content::change_items(&mut self.store, actor, via, page, ItemChange::Attach(item.into()))
    }

    /// Makes a page reference `new` where it referenced `old`, in the same
    /// place ("replace this image with that one"). Every course that
    /// includes the page's LO sees the new item (SHR-7).
    ///
    /// # Errors
    ///
    /// As [`delete_page`](Self::delete_page), and [`Error::NotIn`] when the page does not reference `old`,
    /// [`Error::NotFound`] for a missing `new`, [`Error::AlreadyIn`] when the page references `new` already.
    pub fn replace_item(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        old: impl Into<LibraryItem>,
        new: impl Into<LibraryItem>,
    ) -> Result<Reach, Error> {
        edit::content::change_items(&mut self.store, actor, via, page, ItemChange::Replace(old.into(), new.into()))
    }

    /// Makes a page stop referencing a library item. The item itself stays
    /// in the library.
    ///
    /// # Errors
    ///
    /// As [`delete_page`](Self::delete_page), and [`Error::NotIn`] when the page does not reference the item.
    pub fn detach_item(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        item: impl Into<LibraryItem>,
    ) -> Result<Reach, Error> {
        edit::content::change_items(&mut self.store, actor, via, page, ItemChange::Detach(item.into()))
    }
}
