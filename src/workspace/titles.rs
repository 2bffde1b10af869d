//! Errors, previews and reports printed with the titles of what they name.

use super::*;
use std::fmt;

/// A value printed as its own `Display` does, with every handle it names
/// followed by what it is and its title: `page "Nucleus" (page#5v1)`
/// instead of `page#5v1`. Made by `display_with` on [`Error`],
/// [`LinkPreview`] and [`SyncReport`]. A handle of nothing live prints as
/// it is.
#[derive(Clone, Copy)]
pub struct WithTitles<'a, T> {
    value: &'a T,
    ws: &'a Workspace,
    entities: fn(&T) -> Vec<Entity>,
}

impl<T: fmt::Display> fmt::Display for WithTitles<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut named: Vec<(String, String)> = Vec::new();
        for entity in (self.entities)(self.value) {
            let handle = entity.to_string();
            if !named.iter().any(|(h, _)| *h == handle) {
                named.push((handle, self.ws.describe(entity)));
            }
            // A tool item's course is named too.
            if let Entity::Tool(course, _) = entity {
                let handle = course.to_string();
                if !named.iter().any(|(h, _)| *h == handle) {
                    named.push((handle, self.ws.describe(course)));
                }
            }
        }
        // The longest first: `tool item #3 of course#1v1` before `course#1v1`.
        named.sort_by_key(|(handle, _)| std::cmp::Reverse(handle.len()));
        f.write_str(&replace_handles(&self.value.to_string(), &named))
    }
}

impl<T: fmt::Debug> fmt::Debug for WithTitles<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// `text` with each handle of `named` replaced by its description, where
/// the handle is not part of a longer one (`course#1v1` in `course#1v10`).
fn replace_handles(text: &str, named: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while let Some(c) = rest.chars().next() {
        for (handle, description) in named {
            if let Some(after) = rest.strip_prefix(handle.as_str())
                && !after.starts_with(|c: char| c.is_ascii_digit())
            {
                out.push_str(description);
                rest = after;
                continue 'scan;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

impl Workspace {
    /// What `entity` is, with its title or name and its handle:
    /// `course BIO-101 "Biology" (course#1v1)`, `page "Nucleus" (page#5v1)`,
    /// `media "cell.png" (media#1v1)`. An entity that does not exist (any
    /// more) is its handle alone.
    ///
    /// ```
    /// use coursecopy::{NewCourse, Workspace};
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// assert_eq!(ws.describe(course), format!("course BIO-101 \"Biology\" ({course})"));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn describe(&self, entity: impl Into<Entity>) -> String {
        let entity = entity.into();
        let titled = |kind: &str, title: &str| format!("{kind} {title:?} ({entity})");
        let described = match entity {
            Entity::User(k) => self.user(k).ok().map(|u| titled("user", u.name())),
            Entity::Course(k) => {
                self.course(k).ok().map(|c| format!("course {} {:?} ({entity})", c.course_id(), c.title()))
            }
            Entity::LearningObject(k) => self.learning_object(k).ok().map(|l| titled("learning object", l.title())),
            Entity::Page(k) => self.page(k).ok().map(|p| titled("page", p.title())),
            Entity::Style(k) => self.style(k).ok().map(|s| titled("style", s.name())),
            Entity::Media(k) => self.library_entry(k).ok().map(|e| titled("media", e.name())),
            Entity::Resource(k) => self.library_entry(k).ok().map(|e| titled("resource", e.name())),
            Entity::Term(k) => self.library_entry(k).ok().map(|e| titled("term", e.name())),
            Entity::Tool(course, id) => self.course(course).ok().and_then(|c| {
                let item = c.tools().get(id)?;
                Some(format!("tool item {:?} ({id}) of course {}", item.title(), c.course_id()))
            }),
            Entity::Task(_) => None,
        };
        described.unwrap_or_else(|| entity.to_string())
    }
}

impl Error {
    /// The error's message with the titles of what it names, for people:
    /// `page "Membranes" (page#1v1) is not in course BIO-102 "Biology"
    /// (course#2v1)`.
    ///
    /// ```
    /// use coursecopy::{NewCourse, Workspace};
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let image = ws.add_media(admin, "cell.png", "")?;
    /// let lo = ws.create_learning_object(admin, course, "Cells", "")?;
    /// let page = ws.add_page(admin, course, lo, coursecopy::PageDraft::new("Membranes", "").item(image))?.page;
    /// let err = ws.delete_library_item(admin, image).unwrap_err();
    /// let text = err.display_with(&ws).to_string();
    /// assert!(text.starts_with("media \"cell.png\""), "{text}");
    /// assert!(text.contains("page \"Membranes\""), "{text}");
    /// assert!(text.contains("replace it"), "{text}");
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn display_with<'a>(&'a self, ws: &'a Workspace) -> WithTitles<'a, Error> {
        WithTitles { value: self, ws, entities: error_entities }
    }
}

fn error_entities(e: &Error) -> Vec<Entity> {
    let action = |a: &Action| -> Option<Entity> {
        match *a {
            Action::ReadCourse(c) | Action::EditCourse(c) | Action::LockCourse(c) | Action::UnlockCourse(c) => {
                Some(c.into())
            }
            Action::DeleteLearningObject(lo) => Some(lo.into()),
            Action::CancelTask(t) => Some(t.into()),
            _ => None,
        }
    };
    match e {
        Error::NotFound { entity } | Error::NotLinked { entity } => vec![*entity],
        Error::Forbidden { user, action: a } => [Some((*user).into()), action(a)].into_iter().flatten().collect(),
        Error::Conflict { holder, .. } => vec![(*holder).into()],
        Error::InUse { entity, used_by } => std::iter::once(*entity).chain(used_by.iter().copied()).collect(),
        Error::NotIn { entity, container } | Error::AlreadyIn { entity, container } => vec![*entity, *container],
        Error::Busy { course, task } => vec![(*course).into(), (*task).into()],
        Error::Locked { course, by } => vec![(*course).into(), (*by).into()],
        Error::FieldLocked { entity, upstream, .. } => vec![*entity, (*upstream).into()],
        Error::ItemLocked { entity, upstream, .. } => vec![*entity, *upstream],
        Error::TaskEnded { task } => vec![(*task).into()],
        _ => Vec::new(),
    }
}

impl LinkPreview {
    /// The preview as it prints, with the titles of the learning objects
    /// and pages it names.
    ///
    /// # Example
    ///
    /// See [`SyncReport::display_with`].
    pub fn display_with<'a>(&'a self, ws: &'a Workspace) -> WithTitles<'a, LinkPreview> {
        WithTitles { value: self, ws, entities: preview_entities }
    }
}

fn change_entities(change: &crate::PendingChange) -> Vec<Entity> {
    use crate::PendingChange;
    match change {
        PendingChange::PageField { page, upstream_page, .. } => vec![(*page).into(), (*upstream_page).into()],
        PendingChange::PageAdded { upstream_page } | PendingChange::PageRecreated { upstream_page } => {
            vec![(*upstream_page).into()]
        }
        PendingChange::LoRecreated { upstream } => vec![(*upstream).into()],
        PendingChange::PageDeleted { page, .. } => vec![(*page).into()],
        _ => Vec::new(),
    }
}

fn preview_entities(p: &LinkPreview) -> Vec<Entity> {
    let own = std::iter::once(p.learning_object().into()).chain(p.upstream().map(Entity::from));
    own.chain(p.changes().iter().flat_map(change_entities)).collect()
}

impl SyncReport {
    /// The report as it prints, with the titles of the learning object,
    /// the courses and the pages it names.
    ///
    /// ```
    /// use coursecopy::{CopyOptions, Customisations, NewCourse, PageDraft, PageEdit, Workspace};
    /// let (mut ws, admin) = Workspace::with_admin("Ada")?;
    /// let master = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    /// let cells = ws.create_learning_object(admin, master, "Cells", "")?;
    /// let page = ws.add_page(admin, master, cells, PageDraft::new("Membranes", "Lipids."))?.page;
    /// let section = ws.link_course(admin, master, &CopyOptions::new().course_id("BIO-101-A"))?;
    /// ws.edit_page(admin, master, page, PageEdit::new().body("Bilayers."))?;
    /// let copy = ws.linked_copy_in(section, cells)?.unwrap();
    /// let preview = ws.preview_sync(copy)?;
    /// assert!(preview.display_with(&ws).to_string().contains("will apply: body of page \"Membranes\""));
    /// let report = ws.sync_learning_object(admin, section, copy, Customisations::Keep)?;
    /// assert!(report.display_with(&ws).to_string().contains("course BIO-101-A"));
    /// # Ok::<(), coursecopy::Error>(())
    /// ```
    pub fn display_with<'a>(&'a self, ws: &'a Workspace) -> WithTitles<'a, SyncReport> {
        WithTitles { value: self, ws, entities: report_entities }
    }
}

fn report_entities(r: &SyncReport) -> Vec<Entity> {
    let own = std::iter::once(r.learning_object.into()).chain(r.courses.iter().map(Entity::from));
    own.chain(r.applied.iter().chain(&r.kept).flat_map(change_entities)).collect()
}

#[cfg(test)]
mod tests {
    use super::replace_handles;

    #[test]
    fn tool_items_are_named_whole_and_their_course_too() {
        use crate::{Category, Entity, NewCourse, ToolDraft, Workspace};
        let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
        let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology")).unwrap();
        let quiz = ws.add_tool(admin, course, ToolDraft::new(Category::Assessments, "Quiz")).unwrap();
        let err = crate::Error::not_in(Entity::Tool(course, quiz), course);
        assert_eq!(
            err.display_with(&ws).to_string(),
            format!("tool item \"Quiz\" ({quiz}) of course BIO-101 is not in course BIO-101 \"Biology\" ({course})")
        );
        // A tool item that is gone prints as its handle.
        let gone = crate::handles::Entity::Tool(course, crate::ToolId(9));
        assert_eq!(ws.describe(gone), gone.to_string());
    }

    #[test]
    fn handles_are_replaced_whole() {
        let named = [("course#1v1".to_string(), "BIO".to_string())];
        assert_eq!(replace_handles("course#1v1, course#1v10 and course#1v1.", &named), "BIO, course#1v10 and BIO.");
        assert_eq!(replace_handles("é course#1v1", &named), "é BIO");
    }
}
