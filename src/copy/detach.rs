//! Duplicating one learning object: the records Duplicate and detach both
//! make, and detach itself (REU-4).

use crate::data::LoSnapshot;
use crate::data::{CourseSet, PageContent, PageList, ToolLink};
use crate::{CourseKey, Error, LearningObject, LoKey, Page, PageKey, UserKey, Workspace};
use std::sync::Arc;

impl Workspace {
    /// A new learning object duplicated from `src` (handle `src_key`) for
    /// course `into`, without pages yet: same title and description, the
    /// course as parent (DUP-6), its origin and ancestry (DUP-5). Its pages
    /// will bring library references, so the library index is dropped here,
    /// once, rather than page by page.
    pub(crate) fn new_duplicate_lo(&mut self, src_key: LoKey, src: &LoSnapshot, into: CourseKey) -> LoKey {
        self.library_index.invalidate();
        let ancestors: Arc<[LoKey]> = src.ancestors.iter().copied().chain([src_key]).collect();
        self.los.insert(LearningObject {
            title: src.title.clone(),
            description: src.description.clone(),
            parent: Some(into),
            pages: PageList::default(),
            used_in: CourseSet::unit(into),
            origin: Some(src_key),
            ancestors,
        })
    }

    /// Appends to `lo` a duplicate of each source page, given as its
    /// handle and the content to give the duplicate, and empties `sources`:
    /// the content is shared, not copied (DUP-1, DUP-4), the style dropped
    /// (DUP-3), the origin kept (DUP-5). Returns the position in `lo` of the
    /// first new page. `more` is how many pages are still to come after
    /// these, for which the list makes room now.
    ///
    /// Call after [`new_duplicate_lo`](Self::new_duplicate_lo), which has
    /// dropped the library index: this reads nothing of the content. The
    /// pages come as a batch so that the LO's list grows once, not page by
    /// page, and the content counters are all taken before the first insert.
    pub(crate) fn push_duplicate_pages(
        &mut self,
        lo: LoKey,
        sources: &mut Vec<(PageKey, Arc<PageContent>)>,
        more: usize,
    ) -> usize {
        let Some(record) = self.los.get_mut(lo) else {
            sources.clear();
            return 0;
        };
        let list = record.pages.to_mut();
        let first = list.len();
        list.reserve(sources.len().saturating_add(more));
        for (src_key, content) in sources.drain(..) {
            list.push(self.pages.insert(Page { content, style: None, lo, origin: Some(src_key) }));
        }
        first
    }

    /// Detaches a shared learning object from one course (REU-4): the course
    /// gets a Duplicate of it in the same place, with the Duplicate rules
    /// (new pages, no styles, provenance), and its tools that linked to the
    /// LO link to the duplicate; every other course keeps the original.
    /// Returns the duplicate.
    ///
    /// Needs edit rights on the course; the LO's own parent lock does not
    /// matter, as the LO itself does not change.
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
        let at = self.lo_position(actor, course, lo)?;
        let src = LoSnapshot::of(self.learning_object(lo)?);
        let copy = self.new_duplicate_lo(lo, &src, course);
        let mut sources =
            src.pages.iter().filter_map(|k| self.pages.get(*k).map(|p| (*k, p.content.clone()))).collect();
        self.push_duplicate_pages(copy, &mut sources, 0);
        if let Some(c) = self.courses.get_mut(course) {
            c.los.set(at, copy);
            for item in c.tools.items.iter_mut().filter(|i| i.link == Some(ToolLink::Content(lo))) {
                item.link = Some(ToolLink::Content(copy));
            }
        }
        if let Some(record) = self.los.get_mut(lo) {
            record.used_in.remove(&course);
        }
        Ok(copy)
    }
}
