//! A course's own fields, each changed through a primitive that keeps
//! what it names alive: its text and times in place
//! ([`Store::update_course_text`]), its settings (a banner image), its
//! assigned users and its lock holder, checked as they are set, and all
//! of them put back at once after a cancelled copy
//! ([`Store::restore_course_fields`]). Its tool items have primitives of
//! their own (`tools.rs`).

use super::Store;
use crate::data::{Course, CourseSettings, Text, Timestamp, ToolLink};
use crate::error::Error;
use crate::handles::{CourseKey, UserKey};
use imbl::{OrdMap, OrdSet};
use std::sync::Arc;

/// The fields of a course that name no other entity, to change in place
/// with [`Store::update_course_text`].
pub(crate) struct CourseText<'a> {
    pub(crate) title: &'a mut Arc<str>,
    pub(crate) description: &'a mut Arc<str>,
    pub(crate) player_layout: &'a mut Arc<str>,
    pub(crate) details: &'a mut OrdMap<Arc<str>, Arc<str>>,
    pub(crate) modified: &'a mut Timestamp,
    pub(crate) time_zone: &'a mut crate::data::Zone,
}

impl Store {
    /// Changes the fields of a course that name no other entity: `change`
    /// works on copies of them, which are written back only if the title,
    /// the player layout and every detail key are names the API takes.
    ///
    /// # Errors
    /// The course is gone, or a changed field is no such name; nothing
    /// changed.
    pub(crate) fn update_course_text<R>(
        &mut self,
        course: CourseKey,
        change: impl FnOnce(CourseText<'_>) -> R,
    ) -> Result<R, Error> {
        let c = self.courses.get(course).ok_or_else(|| Error::not_found(course))?;
        let (mut title, mut description, mut player_layout) =
            (c.title.clone(), c.description.clone(), c.player_layout.clone());
        let (mut details, mut modified, mut time_zone) = (c.details.clone(), c.modified, c.time_zone.clone());
        let result = change(CourseText {
            title: &mut title,
            description: &mut description,
            player_layout: &mut player_layout,
            details: &mut details,
            modified: &mut modified,
            time_zone: &mut time_zone,
        });
        Text::name(crate::Field::Title, &title)?;
        Text::name(crate::Field::PlayerLayout, &player_layout)?;
        if let Some(Err(e)) = details.keys().map(|k| Text::name(crate::Field::Details, k)).find(Result::is_err) {
            return Err(e);
        }
        if let Some(c) = self.courses.get_mut(course) {
            (c.title, c.description, c.player_layout) = (title, description, player_layout);
            (c.details, c.modified, c.time_zone) = (details, modified, time_zone);
        }
        Ok(result)
    }

    /// Sets a course's settings.
    ///
    /// # Errors
    /// The course is gone, or the banner image is no live media asset;
    /// nothing changed.
    pub(crate) fn set_course_settings(&mut self, course: CourseKey, settings: CourseSettings) -> Result<(), Error> {
        self.check_course_settings(&settings)?;
        let c = self.courses.get_mut(course).ok_or_else(|| Error::not_found(course))?;
        c.settings = settings;
        Ok(())
    }

    /// Whether `settings` name only what lives: their banner image.
    ///
    /// # Errors
    /// The banner image is no live media asset.
    pub(crate) fn check_course_settings(&self, settings: &CourseSettings) -> Result<(), Error> {
        match settings.banner_image.filter(|m| !self.media.contains(*m)) {
            Some(media) => Err(Error::not_found(media)),
            None => Ok(()),
        }
    }

    /// Sets the users assigned to a course.
    ///
    /// # Errors
    /// The course is gone, or one of `users` is; nothing changed.
    pub(crate) fn set_assigned(&mut self, course: CourseKey, users: OrdSet<UserKey>) -> Result<(), Error> {
        if let Some(user) = users.iter().find(|u| !self.users.contains(**u)) {
            return Err(Error::not_found(*user));
        }
        let c = self.courses.get_mut(course).ok_or_else(|| Error::not_found(course))?;
        c.assigned = users;
        Ok(())
    }

    /// Locks a course for `by`, or unlocks it (`None`).
    ///
    /// # Errors
    /// The course or the user is gone; nothing changed.
    pub(crate) fn set_course_lock(&mut self, course: CourseKey, by: Option<UserKey>) -> Result<(), Error> {
        if let Some(user) = by.filter(|u| !self.users.contains(*u)) {
            return Err(Error::not_found(user));
        }
        let c = self.courses.get_mut(course).ok_or_else(|| Error::not_found(course))?;
        c.lock = by;
        Ok(())
    }

    /// Puts back a course's own fields as `before`, a record this course
    /// held, has them (a copy into it was cancelled): text, times,
    /// settings, assigned users, lock and tool items, not its ids, learning
    /// objects or styles. What `before` names that is gone since (a banner
    /// image, a user, a linked learning object or term) is left out, so
    /// that nothing dangles. The course is as it was, tool id counter
    /// included: the cancelled copy's items are gone with it (LMS-4).
    pub(crate) fn restore_course_fields(&mut self, course: CourseKey, before: &Course) {
        let users = &self.users;
        let live_link = |link: Option<ToolLink>| match link {
            Some(ToolLink::Content(lo)) => self.los.contains(lo),
            Some(ToolLink::Term(term)) => self.terms.contains(term),
            Some(ToolLink::Tool(_)) | None => true,
        };
        let mut tools = before.tools.clone();
        for item in tools.items.iter_mut() {
            if !live_link(item.link) {
                item.link = None;
            }
            item.posts = item.posts.iter().filter(|p| users.contains(p.author)).cloned().collect();
            item.groups = item
                .groups
                .iter()
                .map(|(name, members)| {
                    (name.clone(), members.iter().copied().filter(|u| users.contains(*u)).collect::<OrdSet<_>>())
                })
                .collect();
            item.grades =
                item.grades.iter().filter(|(u, _)| users.contains(**u)).map(|(u, g)| (*u, g.clone())).collect();
        }
        let mut settings = before.settings.clone();
        settings.banner_image = settings.banner_image.filter(|m| self.media.contains(*m));
        let assigned: OrdSet<UserKey> = before.assigned.iter().copied().filter(|u| users.contains(*u)).collect();
        let lock = before.lock.filter(|u| users.contains(*u));
        let Some(c) = self.courses.get_mut(course) else { return };
        c.title = before.title.clone();
        c.description = before.description.clone();
        c.player_layout = before.player_layout.clone();
        c.details = before.details.clone();
        c.modified = before.modified;
        c.time_zone = before.time_zone.clone();
        c.settings = settings;
        c.assigned = assigned;
        c.lock = lock;
        c.tools = tools;
    }
}
