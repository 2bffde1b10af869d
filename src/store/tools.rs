//! A course's tool items, changed only through primitives that give out
//! their ids and keep their links pointing at something: an item of the
//! same course of the category its own asks for, a live learning object
//! or glossary term; and their posts, groups and grades at live users.

use super::Store;
use crate::data::{CourseTools, Text, ToolDates, ToolItem, ToolLink};
use crate::error::Error;
use crate::handles::{CourseKey, Entity, LoKey, ToolId};

impl Store {
    /// Why `item` cannot stand among `tools`: a title the API would refuse,
    /// a link to nothing, or of a kind its category does not take, or a
    /// user that is gone. The check
    /// [`push_tool`](Self::push_tool) and inserting a course make.
    pub(super) fn tool_item_problem(&self, tools: &CourseTools, item: &ToolItem) -> Option<Error> {
        if let Err(e) = Text::name(crate::Field::Title, &item.title) {
            return Some(e);
        }
        let live = match item.link {
            Some(ToolLink::Content(lo)) => self.los.contains(lo).then_some(()).ok_or(Error::not_found(lo)),
            Some(ToolLink::Term(term)) => self.terms.contains(term).then_some(()).ok_or(Error::not_found(term)),
            Some(ToolLink::Tool(_)) | None => Ok(()),
        };
        if let Err(e) = live {
            return Some(e);
        }
        if !tools.link_fits(item) {
            let link = format!("{:?}", item.link);
            return Some(Error::invalid(
                crate::Field::Link,
                format!("{:?} items cannot link to {link}", item.category),
            ));
        }
        let users = item
            .posts
            .iter()
            .map(|p| p.author)
            .chain(item.groups.values().flat_map(|m| m.iter().copied()))
            .chain(item.grades.keys().copied());
        users.into_iter().find(|u| !self.users.contains(*u)).map(Error::not_found)
    }

    /// Adds the tool item `make` builds, given the course's next id, at the
    /// end of the course's items.
    ///
    /// # Errors
    /// The course is gone or has given out every id, or the item links to
    /// nothing (or to what its category does not take) or names a user
    /// that is gone; nothing changed.
    pub(crate) fn push_tool(
        &mut self,
        course: CourseKey,
        make: impl FnOnce(ToolId) -> ToolItem,
    ) -> Result<ToolId, Error> {
        let record = self.courses.get(course).ok_or_else(|| Error::not_found(course))?;
        let mut tools = record.tools.clone();
        let id = tools
            .allocate()
            .ok_or_else(|| Error::invalid(crate::Field::Tools, format!("{course} has given out every tool item id")))?;
        let item = ToolItem { id, ..make(id) };
        if let Some(problem) = self.tool_item_problem(&tools, &item) {
            return Err(problem);
        }
        tools.items.push_back(item);
        if let Some(c) = self.courses.get_mut(course) {
            c.tools = tools;
        }
        Ok(id)
    }

    /// Removes a tool item; items of the course that linked to it lose
    /// their link.
    ///
    /// # Errors
    /// The course is gone, or holds no such item; nothing changed.
    pub(crate) fn remove_tool(&mut self, course: CourseKey, tool: ToolId) -> Result<ToolItem, Error> {
        let c = self.courses.get_mut(course).ok_or_else(|| Error::not_found(course))?;
        let at = c.tools.items.iter().position(|i| i.id == tool);
        let at = at.ok_or_else(|| Error::not_in(Entity::Tool(course, tool), course))?;
        let removed = c.tools.items.remove(at);
        for item in c.tools.items.iter_mut().filter(|i| i.link == Some(ToolLink::Tool(tool))) {
            item.link = None;
        }
        Ok(removed)
    }

    /// Sets the dates of a tool item. Which dates its category takes is
    /// the caller's check: dates name nothing.
    ///
    /// # Errors
    /// The course is gone, or holds no such item; nothing changed.
    pub(crate) fn set_tool_dates(&mut self, course: CourseKey, tool: ToolId, dates: ToolDates) -> Result<(), Error> {
        let c = self.courses.get_mut(course).ok_or_else(|| Error::not_found(course))?;
        let item = c.tools.items.iter_mut().find(|i| i.id == tool);
        item.ok_or_else(|| Error::not_in(Entity::Tool(course, tool), course))?.dates = dates;
        Ok(())
    }

    /// Points every tool item of `course` that links to learning object
    /// `from` at `to`.
    ///
    /// # Errors
    /// The course or `to` is gone; nothing changed.
    pub(crate) fn relink_tools(&mut self, course: CourseKey, from: LoKey, to: LoKey) -> Result<(), Error> {
        if !self.los.contains(to) {
            return Err(Error::not_found(to));
        }
        let c = self.courses.get_mut(course).ok_or_else(|| Error::not_found(course))?;
        for item in c.tools.items.iter_mut().filter(|i| i.link == Some(ToolLink::Content(from))) {
            item.link = Some(ToolLink::Content(to));
        }
        Ok(())
    }

    /// The courses whose tool items link to learning object `lo`.
    pub(crate) fn courses_linking_to(&self, lo: LoKey) -> Vec<CourseKey> {
        let linking = |c: &crate::data::Course| c.tools.iter().any(|i| i.link == Some(ToolLink::Content(lo)));
        self.courses.iter().filter(|(_, c)| linking(c)).map(|(k, _)| k).collect()
    }
}
