//! Linked copies: make them, see and take upstream changes, decline, revert, unlink, lock.

use super::*;

impl Workspace {
    /// Makes a linked copy of a course (LNK-1): a Duplicate whose learning
    /// objects and pages remember their upstream and the upstream version
    /// they were taken at, so that later upstream changes can be previewed
    /// and synced. Same as [`copy_course`](Self::copy_course) with
    /// [`CopyMode::Linked`].
    ///
    /// # Errors
    ///
    /// As [`copy_course`](Self::copy_course).
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, master, "Cells", "")?;
    /// ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?;
    ///
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    /// let copy = ws.course(section)?.learning_objects().next().unwrap();
    /// assert_ne!(copy, lo, "new learning objects, as a Duplicate");
    /// assert_eq!(ws.learning_object(copy)?.link().unwrap().upstream, Some(lo));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn link_course(
        &mut self,
        actor: UserKey,
        source: CourseKey,
        options: &CopyOptions,
    ) -> Result<CourseKey, Error> {
        self.copy_course(actor, source, CopyMode::Linked, options)
    }

    /// Adds to course `into`, at its end, a linked copy of learning object
    /// `lo`, which `from` includes (LNK-1). The copy's upstream course, whose
    /// field locks apply (LNK-9), is `from`. Returns the copy.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, LO or actor; [`Error::Forbidden`] without read rights in
    /// `from` or edit rights in `into` ([`Error::Busy`], [`Error::Locked`] as for any edit of it);
    /// [`Error::NotIn`] when `from` does not include `lo`.
    pub fn link_learning_object(
        &mut self,
        actor: UserKey,
        from: CourseKey,
        lo: LoKey,
        into: CourseKey,
    ) -> Result<LoKey, Error> {
        crate::linked::link_learning_object(&mut self.store, actor, from, lo, into)
    }

    /// The linked learning objects of `course` whose upstream changed since
    /// they were synced and was not declined (LNK-3). O(LOs of the course).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course.
    pub fn updates_available(&self, course: CourseKey) -> Result<Vec<LoKey>, Error> {
        crate::linked::updates_available(&self.store, course)
    }

    /// What a sync of linked learning object `lo` would do (LNK-4): every
    /// pending upstream change, marked *will apply*, *conflict* or
    /// *overwrites customisation*.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing LO; [`Error::NotLinked`] when it is not a linked copy.
    pub fn preview_sync(&self, lo: LoKey) -> Result<LinkPreview, Error> {
        crate::linked::preview(&self.store, lo)
    }

    /// The previews of every linked learning object of `course`, in its
    /// order.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course.
    pub fn preview_course_sync(&self, course: CourseKey) -> Result<Vec<LinkPreview>, Error> {
        crate::linked::preview_course(&self.store, course)
    }

    /// Takes the pending upstream changes of linked learning object `lo`,
    /// reached through `via`, atomically (LNK-6): what
    /// [`preview_sync`](Self::preview_sync) marks *will apply* or
    /// *overwrites customisation*, and the conflicts too with
    /// [`Customisations::Overwrite`]. A shared linked LO
    /// syncs for every course that includes it; the report names them.
    ///
    /// `options` is a [`Customisations`] or, to say also what becomes of a
    /// copy whose upstream learning object was deleted, [`SyncOptions`]:
    /// by default it stays, marked "upstream deleted" (LNK-10); with
    /// [`DeletedUpstream::FollowUpstream`](crate::DeletedUpstream::FollowUpstream) it leaves `via` unless it holds
    /// local work (LNK-14).
    ///
    /// # Errors
    ///
    /// As an edit of `lo` through `via` ([`Error::NotFound`], [`Error::Forbidden`], [`Error::NotIn`],
    /// [`Error::Busy`], [`Error::Locked`]); [`Error::NotLinked`] when it is not a linked copy.
    ///
    /// # Examples
    ///
    /// ```
    /// use coursecopy::{CopyOptions, Customisations, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, master, "Cells", "")?;
    /// let page = ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    /// let copy = ws.course(section)?.learning_objects().next().unwrap();
    /// let copy_page = ws.learning_object(copy)?.pages().next().unwrap();
    /// ws.edit_page(admin, master, page, PageEdit::new().body("Bilayers."))?;
    /// ws.sync_learning_object(admin, section, copy, Customisations::Keep)?;
    /// assert_eq!(ws.page(copy_page)?.body(), "Bilayers.");
    /// // The section customises the page; the master edits it again: a conflict,
    /// // which a Keep sync keeps out and an Overwrite sync takes.
    /// ws.edit_page(admin, section, copy_page, PageEdit::new().body("Our own."))?;
    /// ws.edit_page(admin, master, page, PageEdit::new().body("Phospholipids."))?;
    /// let kept = ws.sync_learning_object(admin, section, copy, Customisations::Keep)?;
    /// assert_eq!((kept.kept.len(), ws.page(copy_page)?.body()), (1, "Our own."));
    /// ws.edit_page(admin, master, page, PageEdit::new().body("Phospholipid bilayers."))?;
    /// ws.sync_learning_object(admin, section, copy, Customisations::Overwrite)?;
    /// assert_eq!(ws.page(copy_page)?.body(), "Phospholipid bilayers.");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn sync_learning_object(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        lo: LoKey,
        options: impl Into<SyncOptions>,
    ) -> Result<SyncReport, Error> {
        crate::linked::sync(&mut self.store, actor, via, lo, options.into())
    }

    /// Syncs every linked learning object of `course`, all or none (LNK-6).
    ///
    /// The reports come in the course's order. After them, one report for
    /// each linked copy the course took out while its upstream lived, and
    /// whose upstream learning object has locked itself since
    /// ([`set_item_lock`](Self::set_item_lock)): the sync re-creates it at
    /// the end of the course, as a new linked copy, and reports
    /// [`PendingChange::LoRecreated`](crate::PendingChange::LoRecreated)
    /// (LNK-14). A copy taken out and not locked stays out.
    ///
    /// # Errors
    ///
    /// As [`sync_learning_object`](Self::sync_learning_object) for any of them: then none is synced.
    ///
    /// # Examples
    ///
    /// ```
    /// use coursecopy::{CopyOptions, Customisations, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, master, "Cells", "")?;
    /// let page = ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    /// let copy = ws.course(section)?.learning_objects().next().unwrap();
    /// let copy_page = ws.learning_object(copy)?.pages().next().unwrap();
    /// ws.edit_page(admin, master, page, PageEdit::new().body("Bilayers."))?;
    /// let reports = ws.sync_course(admin, section, Customisations::Keep)?;
    /// assert_eq!(reports.len(), 1);
    /// assert!(ws.updates_available(section)?.is_empty());
    /// # let _ = copy_page;
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn sync_course(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        options: impl Into<SyncOptions>,
    ) -> Result<Vec<SyncReport>, Error> {
        crate::linked::sync_course(&mut self.store, actor, course, options.into())
    }

    /// The linked copies of learning object `lo`, in handle order (LNK-8).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing LO.
    pub fn downstreams(&self, lo: LoKey) -> Result<Vec<LoKey>, Error> {
        crate::linked::downstreams(&self.store, lo)
    }

    /// The linked copy of upstream learning object `upstream` that
    /// `course` includes, if it holds one (the first in the course's
    /// order, should it hold several). O(LOs of the course).
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let cells = ws.create_learning_object(admin, master, "Cells", "")?;
    /// let membranes = ws.add_page(admin, master, cells, PageDraft::new("Membranes", "Lipids."))?.page;
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    ///
    /// let copy = ws.linked_copy_in(section, cells)?.expect("the section holds a linked copy");
    /// assert_eq!(ws.learning_object(copy)?.link().unwrap().upstream, Some(cells));
    /// let page = ws.linked_page_copy_in(section, membranes)?.unwrap();
    /// assert_eq!(ws.page(page)?.learning_object(), copy);
    /// assert_eq!(ws.downstreams_in(section, cells)?, vec![copy]);
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course.
    pub fn linked_copy_in(&self, course: CourseKey, upstream: LoKey) -> Result<Option<LoKey>, Error> {
        let record = self.store.course(course)?;
        Ok(record.learning_objects().find(|lo| {
            self.store.learning_object(*lo).ok().and_then(|l| l.link()).is_some_and(|l| l.upstream == Some(upstream))
        }))
    }

    /// The link of a page to its upstream page (LNK-1): `Some` for a page
    /// of a linked copy that came from upstream, `None` for any other page
    /// (a page added downstream, a page of a plain LO). The link lives in
    /// the page's learning object, which
    /// [`LearningObject::page_link`] reads too. O(1).
    ///
    /// ```
    /// use coursecopy::{CopyOptions, NewCourse, PageDraft, Workspace};
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let cells = ws.create_learning_object(admin, master, "Cells", "")?;
    /// let membranes = ws.add_page(admin, master, cells, PageDraft::new("Membranes", "Lipids."))?.page;
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    /// let copy = ws.linked_page_copy_in(section, membranes)?.unwrap();
    /// assert_eq!(ws.page_link(copy)?.unwrap().upstream, Some(membranes));
    /// assert_eq!(ws.page_link(membranes)?, None, "the master's page is no copy");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing page.
    pub fn page_link(&self, page: PageKey) -> Result<Option<crate::PageLinkInfo>, Error> {
        self.store.page(page)?;
        Ok(self.store.page_link(page).map(|l| l.info()))
    }

    /// The linked copy of upstream page `upstream` in `course`, if the
    /// course holds one. O(pages of the course).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course.
    pub fn linked_page_copy_in(&self, course: CourseKey, upstream: PageKey) -> Result<Option<PageKey>, Error> {
        Ok(self
            .course_pages(course)?
            .map(|(key, _)| key)
            .find(|page| self.store.page_link(*page).is_some_and(|l| l.upstream == Some(upstream))))
    }

    /// The linked copies of `lo` that `course` includes, in handle order
    /// (the course first, as in [`linked_copy_in`](Self::linked_copy_in)):
    /// [`downstreams`](Self::downstreams) for one course.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing LO or course.
    pub fn downstreams_in(&self, course: CourseKey, lo: LoKey) -> Result<Vec<LoKey>, Error> {
        let record = self.store.course(course)?;
        let mut copies = self.downstreams(lo)?;
        copies.retain(|copy| record.learning_objects().any(|lo| lo == *copy));
        Ok(copies)
    }

    /// From the upstream side: syncs every linked copy of `lo` (LNK-8).
    /// Each sync is atomic by itself; one the actor may not do (rights,
    /// locks) is reported with its error while the others proceed.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing LO or actor.
    ///
    /// # Examples
    ///
    /// ```
    /// use coursecopy::{CopyOptions, Customisations, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, master, "Cells", "")?;
    /// let page = ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    /// let copy = ws.course(section)?.learning_objects().next().unwrap();
    /// let copy_page = ws.learning_object(copy)?.pages().next().unwrap();
    /// let other = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-B"))?;
    /// ws.edit_page(admin, master, page, PageEdit::new().body("Bilayers."))?;
    /// // From the master's side: every linked copy of the LO takes the change.
    /// let pushed = ws.push_updates(admin, lo, Customisations::Keep)?;
    /// assert_eq!(pushed.len(), 2);
    /// assert!(pushed.iter().all(|d| d.result.is_ok()));
    /// assert!(ws.updates_available(section)?.is_empty() && ws.updates_available(other)?.is_empty());
    /// # let _ = (copy, copy_page);
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn push_updates(
        &mut self,
        actor: UserKey,
        lo: LoKey,
        customisations: Customisations,
    ) -> Result<Vec<DownstreamSync>, Error> {
        crate::linked::push_updates(&mut self.store, actor, lo, customisations)
    }

    /// The linked copies of every learning object of `course`, as
    /// (upstream, copy) pairs in the course's order (LNK-8).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course.
    pub fn course_downstreams(&self, course: CourseKey) -> Result<Vec<(LoKey, LoKey)>, Error> {
        crate::linked::course_downstreams(&self.store, course)
    }

    /// From the upstream side: syncs the linked copies of every learning
    /// object of `course` (LNK-8), each by itself, as
    /// [`push_updates`](Self::push_updates) does for one.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course or actor.
    ///
    /// # Examples
    ///
    /// ```
    /// use coursecopy::{CopyOptions, Customisations, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, master, "Cells", "")?;
    /// let page = ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    /// let copy = ws.course(section)?.learning_objects().next().unwrap();
    /// let copy_page = ws.learning_object(copy)?.pages().next().unwrap();
    /// ws.edit_page(admin, master, page, PageEdit::new().body("Bilayers."))?;
    /// let pushed = ws.push_course_updates(admin, master, Customisations::Keep)?;
    /// assert_eq!(pushed.len(), 1);
    /// assert_eq!(ws.page(copy_page)?.body(), "Bilayers.");
    /// # let _ = copy;
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn push_course_updates(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        customisations: Customisations,
    ) -> Result<Vec<DownstreamSync>, Error> {
        crate::linked::push_course_updates(&mut self.store, actor, course, customisations)
    }

    /// Declines the pending upstream version of linked learning object
    /// `lo` (LNK-7): it leaves [`updates_available`](Self::updates_available)
    /// until the upstream changes again, and the next sync still takes it.
    /// Returns the declined version.
    ///
    /// # Errors
    ///
    /// As [`sync_learning_object`](Self::sync_learning_object).
    ///
    /// # Examples
    ///
    /// ```
    /// use coursecopy::{CopyOptions, Customisations, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, master, "Cells", "")?;
    /// let page = ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    /// let copy = ws.course(section)?.learning_objects().next().unwrap();
    /// let copy_page = ws.learning_object(copy)?.pages().next().unwrap();
    /// ws.edit_page(admin, master, page, PageEdit::new().body("Bilayers."))?;
    /// assert_eq!(ws.updates_available(section)?, vec![copy]);
    /// ws.decline_update(admin, section, copy)?;
    /// // Hidden until the master changes again; the copy keeps its text.
    /// assert!(ws.updates_available(section)?.is_empty());
    /// assert_eq!(ws.page(copy_page)?.body(), "Lipids.");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn decline_update(&mut self, actor: UserKey, via: CourseKey, lo: LoKey) -> Result<Version, Error> {
        crate::linked::decline(&mut self.store, actor, via, lo).map(Version::of)
    }

    /// Puts one field of a linked learning object or page back to its
    /// upstream's value at the synced version and clears its
    /// customisation (LNK-5); the next sync then takes upstream changes to
    /// it.
    ///
    /// # Errors
    ///
    /// As an edit through `via`; [`Error::NotLinked`] for a record that is not linked; [`Error::Invalid`]
    /// (`field`) for a field the record does not have.
    ///
    /// # Examples
    ///
    /// ```
    /// use coursecopy::{CopyOptions, LinkedField, LinkedRecord, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, master, "Cells", "")?;
    /// let page = ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    /// let copy = ws.course(section)?.learning_objects().next().unwrap();
    /// let copy_page = ws.learning_object(copy)?.pages().next().unwrap();
    /// ws.edit_page(admin, section, copy_page, PageEdit::new().body("Our own."))?;
    /// assert!(ws.page_link(copy_page)?.is_some_and(|l| l.body_customised));
    /// ws.revert_field(admin, section, LinkedRecord::Page(copy_page), LinkedField::Body)?;
    /// assert_eq!(ws.page(copy_page)?.body(), "Lipids.");
    /// assert!(ws.page_link(copy_page)?.is_some_and(|l| !l.body_customised));
    /// # let _ = page;
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn revert_field(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        record: LinkedRecord,
        field: LinkedField,
    ) -> Result<Reach, Error> {
        crate::linked::revert(&mut self.store, actor, via, record, field)
    }

    /// Unlinks learning object `lo`: a plain duplicate from now on, its
    /// content as it is (LNK-10).
    ///
    /// # Errors
    ///
    /// As [`sync_learning_object`](Self::sync_learning_object).
    pub fn unlink_learning_object(&mut self, actor: UserKey, via: CourseKey, lo: LoKey) -> Result<(), Error> {
        crate::linked::unlink(&mut self.store, actor, via, lo)
    }

    /// Sets the fields that `course` locks for the linked copies of its
    /// learning objects (LNK-9). Edits to a locked field downstream are
    /// refused with [`Error::FieldLocked`]; every sync writes it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], [`Error::Forbidden`], [`Error::Busy`], [`Error::Locked`] as for any edit of
    /// `course`.
    pub fn set_field_locks(&mut self, actor: UserKey, course: CourseKey, locks: FieldLocks) -> Result<(), Error> {
        crate::linked::set_field_locks(&mut self.store, actor, course, locks)
    }

    /// Locks (`locked`) or unlocks one item for its linked copies (LNK-13):
    /// a learning object's title and description, or a page's content
    /// (title, body, library items). The item is reached through `via`,
    /// as an edit there; unlocking an item that is not locked changes
    /// nothing.
    ///
    /// While the lock holds, in every linked copy of the item:
    /// - an edit of a locked field is refused with [`Error::ItemLocked`],
    ///   naming the field;
    /// - deleting the copy is refused with [`Error::ItemLocked`] (field
    ///   `None`): a locked page cannot be deleted; a locked learning object,
    ///   or one holding a copy of a locked page, cannot be taken out of a
    ///   course or deleted. Deleting the whole course is not refused;
    /// - every sync writes the upstream's value over a customisation, as
    ///   under a course's [`FieldLocks`], and a preview marks it
    ///   [`Outcome::OverwritesCustomisation`](crate::Outcome::OverwritesCustomisation);
    /// - a copy the downstream deleted before the lock is re-created by the
    ///   next sync (LNK-14): a page by a sync of its learning object, a
    ///   learning object by a sync of the course that took it out.
    ///
    /// Turning a lock on is an upstream change: the item's learning object
    /// gets a new version, so its copies show an update. Turning it off
    /// leaves every copy's value as it is. Unlinking a copy is not refused:
    /// a plain duplicate has no upstream to be locked by.
    ///
    /// ```
    /// use coursecopy::{CopyOptions, Customisations, Error, LinkedRecord, NewCourse, PageDraft, PageEdit, Workspace};
    ///
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let lo = ws.create_learning_object(admin, master, "Cells", "")?;
    /// let page = ws.add_page(admin, master, lo, PageDraft::new("Membranes", "Lipids."))?.page;
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    /// let copy = ws.course(section)?.learning_objects().next().unwrap();
    /// let copy_page = ws.learning_object(copy)?.pages().next().unwrap();
    /// ws.edit_page(admin, section, copy_page, PageEdit::new().body("Our own."))?;
    ///
    /// ws.set_item_lock(admin, master, LinkedRecord::Page(page), true)?;
    /// let refused = ws.edit_page(admin, section, copy_page, PageEdit::new().body("Again."));
    /// assert!(matches!(refused, Err(Error::ItemLocked { .. })));
    /// assert!(matches!(ws.delete_page(admin, section, copy_page), Err(Error::ItemLocked { field: None, .. })));
    /// ws.sync_course(admin, section, Customisations::Keep)?;
    /// assert_eq!(ws.page(copy_page)?.body(), "Lipids.", "the lock wins over the customisation");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing course, item or actor; [`Error::Forbidden`], [`Error::Busy`] or
    /// [`Error::Locked`] as for any edit through `via`, or when the item's parent course is locked;
    /// [`Error::NotIn`] when `via` does not include the item's learning object.
    pub fn set_item_lock(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        item: LinkedRecord,
        locked: bool,
    ) -> Result<(), Error> {
        crate::linked::set_item_lock(&mut self.store, actor, via, item, locked)
    }

    /// Whether `item` locks its linked copies (LNK-13), as
    /// [`set_item_lock`](Self::set_item_lock) set it. O(log locks).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a missing learning object or page.
    pub fn item_locked(&self, item: LinkedRecord) -> Result<bool, Error> {
        crate::linked::item_locked(&self.store, item)
    }
}
