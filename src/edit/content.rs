//! The content of learning objects: their title and description, and their
//! pages (add, edit, delete, reorder, style, library items).
//!
//! Every operation here names the course the content is reached through
//! (`via`): the acting user needs edit rights in that course, and the
//! learning object must be included in it (or have it as parent). Every
//! operation returns the [`Reach`]: the courses that see the change (ACC-3).
//! With Share, that is every course that includes the learning object
//! (SHR-2, SHR-3, SHR-7).

use super::{Reach, check_position};
use crate::data::{PageContent, Text};
use crate::{
    Action, CourseKey, Entity, Error, LearningObject, LibraryItem, LoKey, Page, PageKey, StyleKey, UserKey, Workspace,
};
use std::sync::Arc;

/// A page to add with [`Workspace::add_page`].
///
/// ```
/// use coursecopy::PageDraft;
/// let draft = PageDraft::new("Welcome", "<p>Hello</p>");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageDraft {
    title: String,
    body: String,
    style: Option<StyleKey>,
    items: Vec<LibraryItem>,
}

impl PageDraft {
    /// A page with this title and body, no style and no library items.
    pub fn new(title: impl Into<String>, body: impl Into<String>) -> Self {
        PageDraft { title: title.into(), body: body.into(), style: None, items: Vec::new() }
    }

    /// Applies a style of the course the page is added through.
    pub fn style(mut self, style: StyleKey) -> Self {
        self.style = Some(style);
        self
    }

    /// References a library item (appended; each item at most once).
    pub fn item(mut self, item: impl Into<LibraryItem>) -> Self {
        self.items.push(item.into());
        self
    }
}

/// What [`Workspace::add_page`] returns: the new page and the courses that
/// see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPage {
    /// The new page.
    pub page: PageKey,
    /// The courses that see it (SHR-3).
    pub reach: Reach,
}

/// A change to a page's text, for [`Workspace::edit_page`]. Fields not set
/// keep their value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageEdit {
    title: Option<String>,
    body: Option<String>,
}

impl PageEdit {
    /// An edit that changes nothing yet.
    pub fn new() -> Self {
        PageEdit::default()
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }
}

impl Workspace {
    /// Changes a learning object's title and description (`None` keeps
    /// one as it is).
    pub fn edit_learning_object(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        lo: LoKey,
        title: Option<&str>,
        description: Option<&str>,
    ) -> Result<Reach, Error> {
        self.reach_lo(actor, via, lo, lo.into())?;
        let title = title.map(|t| Text::name("title", t)).transpose()?;
        Ok(self.change_lo(lo, |record| {
            if let Some(t) = title {
                record.title = t;
            }
            if let Some(d) = description {
                record.description = Text::free(d);
            }
        }))
    }

    /// Adds a page at the end of a learning object. Every course that
    /// includes the LO sees it (SHR-3).
    pub fn add_page(&mut self, actor: UserKey, via: CourseKey, lo: LoKey, draft: PageDraft) -> Result<NewPage, Error> {
        self.reach_lo(actor, via, lo, lo.into())?;
        let title = Text::name("title", &draft.title)?;
        if let Some(style) = draft.style {
            self.check_style(style, via)?;
        }
        let items = self.check_items(draft.items, None)?;
        if !items.is_empty() {
            self.library_index.invalidate();
        }
        let content = Arc::new(PageContent { title, body: Text::free(&draft.body), items });
        let page = self.pages.insert(Page { content, style: draft.style, lo, origin: None });
        let reach = self.change_lo(lo, |record| record.pages.push_back(page));
        Ok(NewPage { page, reach })
    }

    /// Changes a page's title or body. Every course that includes its LO
    /// sees the change (SHR-2).
    pub fn edit_page(&mut self, actor: UserKey, via: CourseKey, page: PageKey, edit: PageEdit) -> Result<Reach, Error> {
        self.reach_page(actor, via, page)?;
        let title = edit.title.as_deref().map(|t| Text::name("title", t)).transpose()?;
        Ok(self.change_page(page, |p| {
            let content = p.content_mut();
            if let Some(t) = title {
                content.title = t;
            }
            if let Some(b) = edit.body {
                content.body = Text::free(&b);
            }
        }))
    }

    /// Deletes a page. Every course that includes its LO loses it (SHR-3).
    pub fn delete_page(&mut self, actor: UserKey, via: CourseKey, page: PageKey) -> Result<Reach, Error> {
        let (lo, at) = self.reach_page(actor, via, page)?;
        self.remove_page(page);
        Ok(self.change_lo(lo, |record| {
            record.pages.remove(at);
        }))
    }

    /// Moves a page to position `to` in its learning object. Every course
    /// that includes the LO sees the new order (SHR-3).
    pub fn move_page(&mut self, actor: UserKey, via: CourseKey, page: PageKey, to: usize) -> Result<Reach, Error> {
        let (lo, at) = self.reach_page(actor, via, page)?;
        check_position(to, self.learning_object(lo)?.pages.len(), false)?;
        Ok(self.change_lo(lo, |record| {
            if let Some(page) = record.pages.remove(at) {
                record.pages.insert(to, page);
            }
        }))
    }

    /// Applies a style of the course `via` to a page, or clears it (`None`).
    pub fn set_page_style(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        style: Option<StyleKey>,
    ) -> Result<Reach, Error> {
        self.reach_page(actor, via, page)?;
        if let Some(style) = style {
            self.check_style(style, via)?;
        }
        Ok(self.change_page(page, |p| p.style = style))
    }

    /// Makes a page reference a library item, after the ones it has.
    pub fn attach_item(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        item: impl Into<LibraryItem>,
    ) -> Result<Reach, Error> {
        let item = item.into();
        self.reach_page(actor, via, page)?;
        let mut items = self.page(page)?.items().to_vec();
        items.push(item);
        let items = self.check_items(items, Some(page))?;
        Ok(self.change_items(page, items))
    }

    /// Makes a page reference `new` where it referenced `old`, in the same
    /// place ("replace this image with that one"). Every course that
    /// includes the page's LO sees the new item (SHR-7).
    pub fn replace_item(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        old: impl Into<LibraryItem>,
        new: impl Into<LibraryItem>,
    ) -> Result<Reach, Error> {
        let (old, new) = (old.into(), new.into());
        self.reach_page(actor, via, page)?;
        let mut items = self.page(page)?.items().to_vec();
        let at = items.iter().position(|i| *i == old).ok_or_else(|| Error::not_in(old, page))?;
        items[at] = new;
        let items = self.check_items(items, Some(page))?;
        Ok(self.change_items(page, items))
    }

    /// Makes a page stop referencing a library item. The item itself stays
    /// in the library.
    pub fn detach_item(
        &mut self,
        actor: UserKey,
        via: CourseKey,
        page: PageKey,
        item: impl Into<LibraryItem>,
    ) -> Result<Reach, Error> {
        let item = item.into();
        self.reach_page(actor, via, page)?;
        let items = self.page(page)?.items().to_vec();
        if !items.contains(&item) {
            return Err(Error::not_in(item, page));
        }
        let items: Arc<[LibraryItem]> = items.into_iter().filter(|i| *i != item).collect();
        Ok(self.change_items(page, items))
    }

    /// Checks that `actor` may change `lo` through `via`.
    /// `named` is what a refusal names as not in `via`: the LO itself, or the
    /// page reached through it.
    fn reach_lo(&self, actor: UserKey, via: CourseKey, lo: LoKey, named: Entity) -> Result<&LearningObject, Error> {
        self.course(via)?;
        let record = self.learning_object(lo)?;
        self.require(actor, Action::EditCourse(via))?;
        // The LO's own course first: O(1), and where most edits come from.
        if !(record.parent == Some(via) || record.used_in.contains(&via)) {
            return Err(Error::NotIn { entity: named, container: via.into() });
        }
        self.parent_unlocked(lo)?;
        Ok(record)
    }

    /// Checks that `actor` may change `page` through `via`; returns its LO
    /// and its position there.
    fn reach_page(&self, actor: UserKey, via: CourseKey, page: PageKey) -> Result<(LoKey, usize), Error> {
        self.course(via)?;
        let lo = self.page(page)?.lo;
        let record = self.reach_lo(actor, via, lo, page.into())?;
        let at = record.position_of(page).ok_or_else(|| Error::not_in(page, lo))?;
        Ok((lo, at))
    }

    /// Checks that `style` exists and belongs to `course`.
    fn check_style(&self, style: StyleKey, course: CourseKey) -> Result<(), Error> {
        if self.style(style)?.course != course {
            return Err(Error::not_in(style, course));
        }
        Ok(())
    }

    /// Checks that every item exists and none repeats. `page` is the page
    /// the items are for, when it exists already.
    fn check_items(&self, items: Vec<LibraryItem>, page: Option<PageKey>) -> Result<Arc<[LibraryItem]>, Error> {
        for (i, item) in items.iter().enumerate() {
            self.library_entry(*item)?;
            if items[..i].contains(item) {
                return Err(match page {
                    Some(page) => Error::already_in(*item, page),
                    None => Error::invalid("items", format!("{} is listed twice", crate::Entity::from(*item))),
                });
            }
        }
        Ok(items.into())
    }

    fn change_lo(&mut self, lo: LoKey, apply: impl FnOnce(&mut LearningObject)) -> Reach {
        match self.los.get_mut(lo) {
            Some(record) => {
                apply(record);
                record.used_in.reach()
            }
            None => Reach::default(),
        }
    }

    /// Sets a page's library items: the one place they change.
    fn change_items(&mut self, page: PageKey, items: Arc<[LibraryItem]>) -> Reach {
        self.library_index.invalidate();
        self.change_page(page, |p| p.content_mut().items = items)
    }

    fn change_page(&mut self, page: PageKey, apply: impl FnOnce(&mut Page)) -> Reach {
        let lo = match self.page_mut(page) {
            Some(p) => {
                apply(p);
                p.lo
            }
            None => return Reach::default(),
        };
        self.change_lo(lo, |_| {})
    }
}
