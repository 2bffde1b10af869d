//! The content of learning objects: their title and description, and their
//! pages (add, edit, delete, reorder, style, library items).
//!
//! Every operation here names the course the content is reached through
//! (`via`): the acting user needs edit rights in that course, and the
//! learning object must be included in it (or have it as parent). Every
//! operation returns the [`Reach`]: the courses that see the change (ACC-3).
//! With Share, that is every course that includes the learning object
//! (SHR-2, SHR-3, SHR-7).

use super::check_position;
use super::courses::reach_lo;
use crate::access::require_field_unlocked;
use crate::data::{LinkedField, PageContent, Reach, Text};
use crate::error::Error;
use crate::handles::{CourseKey, LibraryItem, LoKey, PageKey, StyleKey, UserKey};
use crate::store::Store;
use std::sync::Arc;

/// A page to add with [`Workspace::add_page`](crate::Workspace::add_page).
///
/// ```
/// use coursecopy::PageDraft;
/// let draft = PageDraft::new("Welcome", "<p>Hello</p>");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a draft does nothing until it is passed to Workspace::add_page"]
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

/// What [`Workspace::add_page`](crate::Workspace::add_page) returns: the new page and the courses that
/// see it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewPage {
    /// The new page.
    pub page: PageKey,
    /// The courses that see it (SHR-3).
    pub reach: Reach,
}

/// A change to a page's text, for [`Workspace::edit_page`](crate::Workspace::edit_page). Fields not set
/// keep their value; a field set to the value it has is no change (LNK-3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use = "an edit does nothing until it is passed to Workspace::edit_page"]
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

/// A change to a learning object's own fields, for
/// [`Workspace::edit_learning_object`](crate::Workspace::edit_learning_object).
/// Fields not set keep their value; a field set to the value it has is no
/// change (LNK-3).
///
/// ```
/// use coursecopy::LoEdit;
/// let edit = LoEdit::new().title("Cells").description("What cells are");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use = "an edit does nothing until it is passed to Workspace::edit_learning_object"]
pub struct LoEdit {
    title: Option<String>,
    description: Option<String>,
}

impl LoEdit {
    /// An edit that changes nothing yet.
    pub fn new() -> Self {
        LoEdit::default()
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

pub(crate) fn edit_learning_object(
    store: &mut Store,
    actor: UserKey,
    via: CourseKey,
    lo: LoKey,
    edit: LoEdit,
) -> Result<Reach, Error> {
    reach_lo(store, actor, via, lo, lo.into())?;
    // A field set to the value it has is no change (LNK-3): no lock meets it.
    let record = store.learning_object(lo)?;
    let title = edit.title.as_deref().filter(|t| *t != &*record.title);
    let description = edit.description.as_deref().filter(|d| *d != &*record.description);
    for (given, field) in [(title.is_some(), LinkedField::Title), (description.is_some(), LinkedField::Description)] {
        if given {
            require_field_unlocked(store, lo, None, field)?;
        }
    }
    let title = title.map(|t| Text::name(crate::Field::Title, t)).transpose()?;
    Ok(store.set_lo_text(lo, title, description.map(Text::free)))
}

pub(crate) fn add_page(
    store: &mut Store,
    actor: UserKey,
    via: CourseKey,
    lo: LoKey,
    draft: PageDraft,
) -> Result<NewPage, Error> {
    reach_lo(store, actor, via, lo, lo.into())?;
    let title = Text::name(crate::Field::Title, &draft.title)?;
    if let Some(style) = draft.style {
        check_style(store, style, via)?;
    }
    let items = check_items(store, draft.items, None)?;
    let content = Arc::new(PageContent { title, body: Text::free(&draft.body), items });
    let page = store.insert_page(lo, content, draft.style, None).ok_or_else(|| Error::not_found(lo))?;
    Ok(NewPage { page, reach: store.lo_reach(lo) })
}

pub(crate) fn edit_page(
    store: &mut Store,
    actor: UserKey,
    via: CourseKey,
    page: PageKey,
    edit: PageEdit,
) -> Result<Reach, Error> {
    let (lo, _) = reach_page(store, actor, via, page)?;
    // A field set to the value it has is no change (LNK-3): no lock meets it.
    let record = store.page(page)?;
    let edit = PageEdit {
        title: edit.title.filter(|t| t.as_str() != record.title()),
        body: edit.body.filter(|b| b.as_str() != record.body()),
    };
    for (given, field) in [(edit.title.is_some(), LinkedField::Title), (edit.body.is_some(), LinkedField::Body)] {
        if given {
            require_field_unlocked(store, lo, Some(page), field)?;
        }
    }
    let title = edit.title.as_deref().map(|t| Text::name(crate::Field::Title, t)).transpose()?;
    Ok(store.set_page_text(page, title, edit.body.as_deref().map(Text::free)))
}

pub(crate) fn delete_page(store: &mut Store, actor: UserKey, via: CourseKey, page: PageKey) -> Result<Reach, Error> {
    let (lo, _) = reach_page(store, actor, via, page)?;
    crate::access::require_deletable(store, lo, Some(page))?;
    Ok(store.remove_page(page))
}

pub(crate) fn move_page(
    store: &mut Store,
    actor: UserKey,
    via: CourseKey,
    page: PageKey,
    to: usize,
) -> Result<Reach, Error> {
    let (lo, _) = reach_page(store, actor, via, page)?;
    check_position(to, store.learning_object(lo)?.pages.len(), false)?;
    Ok(store.move_page(page, to))
}

pub(crate) fn set_page_style(
    store: &mut Store,
    actor: UserKey,
    via: CourseKey,
    page: PageKey,
    style: Option<StyleKey>,
) -> Result<Reach, Error> {
    reach_page(store, actor, via, page)?;
    if let Some(style) = style {
        check_style(store, style, via)?;
    }
    Ok(store.set_page_style(page, style))
}

/// A change to a page's list of library items.
pub(crate) enum ItemChange {
    Attach(LibraryItem),
    Replace(LibraryItem, LibraryItem),
    Detach(LibraryItem),
}

pub(crate) fn change_items(
    store: &mut Store,
    actor: UserKey,
    via: CourseKey,
    page: PageKey,
    change: ItemChange,
) -> Result<Reach, Error> {
    let (lo, _) = reach_page(store, actor, via, page)?;
    let mut items = store.page(page)?.items().to_vec();
    let items = match change {
        ItemChange::Attach(item) => {
            items.push(item);
            check_items(store, items, Some(page))?
        }
        ItemChange::Replace(old, new) => {
            let at = items.iter().position(|i| *i == old).ok_or_else(|| Error::not_in(old, page))?;
            items[at] = new;
            check_items(store, items, Some(page))?
        }
        ItemChange::Detach(item) => {
            if !items.contains(&item) {
                return Err(Error::not_in(item, page));
            }
            items.into_iter().filter(|i| *i != item).collect()
        }
    };
    // The list the page has already is no change (LNK-3): no lock meets it.
    if *items != *store.page(page)?.items() {
        require_field_unlocked(store, lo, Some(page), LinkedField::Items)?;
    }
    Ok(store.set_page_items(page, items))
}

/// Checks that `actor` may change `page` through `via`; returns its LO
/// and its position there.
fn reach_page(store: &Store, actor: UserKey, via: CourseKey, page: PageKey) -> Result<(LoKey, usize), Error> {
    store.course(via)?;
    let lo = store.page(page)?.lo;
    reach_lo(store, actor, via, lo, page.into())?;
    let at = store.learning_object(lo)?.position_of(page).ok_or_else(|| Error::not_in(page, lo))?;
    Ok((lo, at))
}

/// Checks that `style` exists and belongs to `course`.
fn check_style(store: &Store, style: StyleKey, course: CourseKey) -> Result<(), Error> {
    if store.style(style)?.course != course {
        return Err(Error::not_in(style, course));
    }
    Ok(())
}

/// Checks that every item exists and none repeats. `page` is the page the
/// items are for, when it exists already.
fn check_items(store: &Store, items: Vec<LibraryItem>, page: Option<PageKey>) -> Result<Arc<[LibraryItem]>, Error> {
    for (i, item) in items.iter().enumerate() {
        store.library_entry(*item)?;
        if items[..i].contains(item) {
            return Err(match page {
                Some(page) => Error::already_in(*item, page),
                None => Error::invalid(
                    crate::Field::Items,
                    format!("{} is listed twice", crate::handles::Entity::from(*item)),
                ),
            });
        }
    }
    Ok(items.into())
}
