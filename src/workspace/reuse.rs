//! Re-use: where things are used, what a change reaches, how courses relate, the sharing graph.

use super::*;

impl Workspace {
    /// Detaches a shared learning object from one course (REU-4): the course
    /// gets a Duplicate of it in the same place, with the Duplicate rules
    /// (new pages, no styles, provenance), and its tools that linked to the
    /// LO link to the duplicate; every other course keeps the original.
    /// Returns the duplicate.
    ///
    /// Needs edit rights on the course; the LO's own parent lock does not
    /// matter, as the LO itself does not change.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any edit of `course`; [`Error::NotIn`] when the course does not include the LO.
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids."))?;
    /// let regional = ws.share_course(admin, course, &CopyOptions::new())?;
    ///
    /// let own = ws.detach_learning_object(admin, regional, lo)?;
    /// assert_eq!(ws.course(regional)?.learning_objects().next(), Some(own));
    /// assert_eq!(ws.learning_object(own)?.origin(), Some(lo));
    /// assert_eq!(ws.learning_object(lo)?.used_in().len(), 1);
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn detach_learning_object(&mut self, actor: UserKey, course: CourseKey, lo: LoKey) -> Result<LoKey, Error> {
        crate::reuse::detach_learning_object(&mut self.store, actor, course, lo)
    }

    /// The pages that reference a library item, in handle order (REU-1).
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let image = ws.add_media(admin, "cell.png", "files/cell.png")?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// let page = ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids.").item(image))?.page;
    /// let copy = ws.duplicate_course(admin, course, &CopyOptions::new())?;
    ///
    /// let used = ws.pages_using(image);
    /// assert_eq!(used.len(), 2, "the page and its duplicate");
    /// assert!(used.contains(&page));
    /// assert_eq!(ws.learning_object(lo)?.used_in().len(), 1, "where the LO is used: one course");
    /// # let _ = copy;
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    #[must_use]
    pub fn pages_using(&self, item: impl Into<LibraryItem>) -> Vec<PageKey> {
        self.store.pages_using(item.into())
    }

    /// Everything that references a library item: pages, then courses whose
    /// banner image it is or whose glossary lists it (REU-1).
    #[must_use]
    pub fn users_of(&self, item: impl Into<LibraryItem>) -> Vec<Entity> {
        edit::library::users_of(&self.store, item.into())
    }

    /// The courses a change would reach, before it is made (REU-2): the same
    /// courses the change reports when it is made.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing page, LO, course or library item; [`Error::NotIn`] for an LO the course
    /// does not include; [`Error::NotLinked`] to sync an LO that is not a linked copy.
    ///
    /// ```
    /// use coursecopy::{Change, CopyOptions, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// let page = ws.add_page(admin, course, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    /// ws.share_course(admin, course, &CopyOptions::new())?;
    ///
    /// let preview = ws.impact(Change::EditPage(page))?;
    /// assert_eq!(preview.len(), 2);
    /// let reach = ws.edit_page(admin, course, page, PageEdit::new().body("Bilayers."))?;
    /// assert_eq!(reach, preview);
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn impact(&self, change: Change) -> Result<Reach, Error> {
        crate::reuse::impact(&self.store, change)
    }

    /// How two courses relate (REU-5): the LOs they share, the pairs related
    /// by duplication (across generations, by provenance), and the LOs
    /// unique to each.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when either course is not found.
    pub fn compare_courses(&self, first: CourseKey, second: CourseKey) -> Result<Comparison, Error> {
        crate::reuse::compare_courses(&self.store, first, second)
    }

    /// The sharing graph in Graphviz DOT (REU-6): courses, the LOs they
    /// include (shared ones filled, with their use count), linked copies
    /// with an edge to their upstream, and, as `options` ask, the library
    /// items the LOs' pages use.
    ///
    /// ```
    /// use coursecopy::{GraphOptions, NewCourse, Workspace};
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let dot = ws.sharing_graph(GraphOptions::new().library(true));
    /// assert!(dot.starts_with("digraph sharing {") && dot.contains("BIO-101"));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    #[must_use]
    pub fn sharing_graph(&self, options: GraphOptions) -> String {
        crate::reuse::sharing_graph(&self.store, options.library)
    }
}
