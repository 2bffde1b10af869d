//! Course tools: add and remove the light records of SPEC section 6.

use super::courses::editable;
use crate::data::{Category, DateField, LinkKind, Post, Text, ToolDates, ToolId, ToolItem, ToolLink};
use crate::error::Error;
use crate::handles::{CourseKey, Entity, UserKey};
use crate::store::Store;
use imbl::{OrdMap, OrdSet, Vector};

/// A tool item to add with [`Workspace::add_tool`](crate::Workspace::add_tool).
///
/// ```
/// use coursecopy::{Category, ToolDraft};
/// let quiz = ToolDraft::new(Category::Assessments, "Quiz 1");
/// let forum = ToolDraft::new(Category::Discussions, "Questions").body("Ask here");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a draft does nothing until it is passed to Workspace::add_tool"]
pub struct ToolDraft {
    category: Category,
    title: String,
    body: String,
    link: Option<ToolLink>,
    posts: Vec<(UserKey, String, bool)>,
    groups: Vec<(String, Vec<UserKey>)>,
    grades: Vec<(UserKey, String)>,
    dates: ToolDates,
}

impl ToolDraft {
    /// An item of `category` with this title.
    pub fn new(category: Category, title: impl Into<String>) -> Self {
        ToolDraft {
            category,
            title: title.into(),
            body: String::new(),
            link: None,
            posts: Vec::new(),
            groups: Vec::new(),
            grades: Vec::new(),
            dates: ToolDates::new(),
        }
    }

    /// Sets the item's dates (SPEC section 12): only those its category
    /// takes ([`Category::takes_date`]), no end before the start.
    pub fn dates(mut self, dates: ToolDates) -> Self {
        self.dates = dates;
        self
    }

    /// Sets the text.
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = body.into();
        self
    }

    /// Links the item: a gradebook column to an assessment, a rubric to a
    /// column, a release rule or an alignment to a learning object, a
    /// glossary entry to a term ([`Category::link_kind`]).
    pub fn link(mut self, link: ToolLink) -> Self {
        self.link = Some(link);
        self
    }

    /// Adds a starter post to a forum.
    pub fn post(mut self, author: UserKey, body: impl Into<String>) -> Self {
        self.posts.push((author, body.into(), false));
        self
    }

    /// Adds a reply to a forum.
    pub fn reply(mut self, author: UserKey, body: impl Into<String>) -> Self {
        self.posts.push((author, body.into(), true));
        self
    }

    /// Adds a group, with its members, to a group set.
    pub fn group(mut self, name: impl Into<String>, members: impl IntoIterator<Item = UserKey>) -> Self {
        self.groups.push((name.into(), members.into_iter().collect()));
        self
    }

    /// Records a user's grade in a gradebook column.
    pub fn grade(mut self, user: UserKey, grade: impl Into<String>) -> Self {
        self.grades.push((user, grade.into()));
        self
    }
}

/// Adds a tool item to a course; returns its id.
pub(crate) fn add_tool(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    draft: ToolDraft,
) -> Result<ToolId, Error> {
    let record = editable(store, actor, course)?;
    let title = Text::name(crate::Field::Title, &draft.title)?;
    if let Some(link) = draft.link {
        match (link, draft.category.link_kind()) {
            (ToolLink::Tool(t), Some(LinkKind::Tool(cat))) => {
                if record.tools.get(t).is_none_or(|i| i.category != cat) {
                    return Err(Error::not_in(Entity::Tool(course, t), course));
                }
            }
            (ToolLink::Content(lo), Some(LinkKind::Content)) => {
                store.learning_object(lo)?;
                if !record.los.contains(&lo) {
                    return Err(Error::not_in(lo, course));
                }
            }
            (ToolLink::Term(t), Some(LinkKind::Term)) => {
                store.library_entry(t.into())?;
            }
            _ => {
                return Err(Error::invalid(
                    crate::Field::Link,
                    format!("a {:?} item cannot link to {link:?}", draft.category),
                ));
            }
        }
    }
    let only = |field: crate::Field, given: bool, category: Category| {
        if given && draft.category != category {
            Err(Error::invalid(field, format!("only {category:?} items have {field}")))
        } else {
            Ok(())
        }
    };
    only(crate::Field::Posts, !draft.posts.is_empty(), Category::Discussions)?;
    only(crate::Field::Groups, !draft.groups.is_empty(), Category::GroupSettings)?;
    only(crate::Field::Grades, !draft.grades.is_empty(), Category::Gradebook)?;
    let dates = check_dates(draft.category, draft.dates)?;
    let users = draft
        .posts
        .iter()
        .map(|p| p.0)
        .chain(draft.groups.iter().flat_map(|g| g.1.iter().copied()))
        .chain(draft.grades.iter().map(|g| g.0));
    for user in users {
        store.user(user)?;
    }
    let mut groups = OrdMap::new();
    for (name, members) in &draft.groups {
        groups.insert(Text::name(crate::Field::Group, name)?, members.iter().copied().collect::<OrdSet<_>>());
    }
    let item = |id| ToolItem {
        id,
        category: draft.category,
        title,
        body: Text::free(&draft.body),
        link: draft.link,
        posts: draft
            .posts
            .iter()
            .map(|(author, body, reply)| Post { author: *author, body: Text::free(body), reply: *reply })
            .collect::<Vector<_>>(),
        groups,
        grades: draft.grades.iter().map(|(u, g)| (*u, Text::free(g))).collect(),
        dates,
    };
    store.push_tool(course, item)
}

/// Removes a tool item from a course; items that linked to it lose the
/// link.
pub(crate) fn remove_tool(store: &mut Store, actor: UserKey, course: CourseKey, tool: ToolId) -> Result<(), Error> {
    editable(store, actor, course)?;
    store.remove_tool(course, tool).map(drop)
}

/// Checks an item's dates: only the fields its category takes, no end
/// before its start.
pub(crate) fn check_dates(category: Category, dates: ToolDates) -> Result<ToolDates, Error> {
    if let Some((field, _)) = dates.iter().find(|(f, _)| !category.takes_date(*f)) {
        return Err(Error::invalid(field.into(), format!("{category:?} items have no {} date", field.name())));
    }
    if !dates.in_order() {
        let (start, end) = (dates.get(DateField::Start), dates.get(DateField::End));
        let show = |t: Option<crate::data::Timestamp>| t.map(|t| t.to_string()).unwrap_or_default();
        return Err(Error::invalid(crate::Field::End, format!("{} is before its start {}", show(end), show(start))));
    }
    Ok(dates)
}

/// Sets the dates of a tool item.
pub(crate) fn set_tool_dates(
    store: &mut Store,
    actor: UserKey,
    course: CourseKey,
    tool: ToolId,
    dates: ToolDates,
) -> Result<(), Error> {
    let record = editable(store, actor, course)?;
    let item = record.tools.get(tool).ok_or_else(|| Error::not_in(Entity::Tool(course, tool), course))?;
    let dates = check_dates(item.category, dates)?;
    store.set_tool_dates(course, tool, dates)
}
