//! Courses: create, update, delete, author assignments, styles, and the
//! course's list of learning objects.

use super::{CourseChange, NewCourse, Reach, check_position};
use crate::data::Text;
use crate::data::{CourseSet, PageList};
use crate::{
    Action, Course, CourseKey, CourseStyle, Entity, Error, LearningObject, LoKey, StyleKey, UserKey, Workspace,
};
use std::sync::Arc;

impl Workspace {
    /// Creates a course. Needs an Administrator or an Author; the creator is
    /// assigned to it.
    ///
    /// Fails with [`Error::Conflict`] when the `course_id` or `external_id`
    /// is taken (OPT-3) and [`Error::Invalid`] when a field breaks its limits
    /// (LMS-12).
    pub fn create_course(&mut self, actor: UserKey, spec: NewCourse) -> Result<CourseKey, Error> {
        self.require(actor, Action::CreateCourse)?;
        let record = spec.into_record(self, actor)?;
        Ok(self.insert_course(record))
    }

    /// Inserts a checked course record and indexes its ids.
    pub(crate) fn insert_course(&mut self, mut course: Course) -> CourseKey {
        self.next_pk = self.next_pk.saturating_add(1);
        course.pk = self.next_pk;
        let (id, ext) = (course.course_id.clone(), course.external_id.clone());
        let key = self.courses.insert(course);
        self.course_ids.insert(id, key);
        self.external_ids.insert(ext, key);
        self.pks.insert(self.next_pk, key);
        key
    }

    /// Removes a course record, its indexes and its styles. The caller has
    /// taken care of its learning objects.
    pub(crate) fn remove_course_record(&mut self, course: CourseKey) -> Option<Course> {
        let record = self.courses.remove(course)?;
        self.course_ids.remove(&record.course_id);
        self.external_ids.remove(&record.external_id);
        self.pks.remove(&record.pk);
        for style in record.styles.iter() {
            self.styles.remove(*style);
        }
        Some(record)
    }

    /// Changes a course's own data: title, description, player layout,
    /// details, `external_id` (SHR-6: the change stays in this course).
    pub fn update_course(&mut self, actor: UserKey, course: CourseKey, change: CourseChange) -> Result<(), Error> {
        self.course(course)?;
        self.require(actor, Action::EditCourse(course))?;
        let checked = change.fields.check(self, Some(course))?;
        let Some(record) = self.courses.get_mut(course) else {
            return Ok(());
        };
        if let Some(ext) = &checked.external_id {
            self.external_ids.remove(&record.external_id);
            self.external_ids.insert(ext.clone(), course);
        }
        checked.apply(record);
        Ok(())
    }

    /// Deletes a course.
    ///
    /// The learning objects it includes stay (another course may include
    /// them, and [`add_learning_object`](Self::add_learning_object) can
    /// re-use them); those it was the parent of lose their parent. Its styles
    /// are deleted, and pages that applied one of them lose that style.
    /// O(LOs + pages) when the course had styles.
    pub fn delete_course(&mut self, actor: UserKey, course: CourseKey) -> Result<(), Error> {
        self.course(course)?;
        self.require(actor, Action::EditCourse(course))?;
        let Some(record) = self.remove_course_record(course) else {
            return Ok(());
        };
        for lo in record.los.iter() {
            if let Some(lo) = self.los.get_mut(*lo) {
                lo.used_in.remove(&course);
            }
        }
        for (_, lo) in self.los.iter_mut().filter(|(_, lo)| lo.parent == Some(course)) {
            lo.parent = None;
        }
        if !record.styles.is_empty() {
            let styled: Vec<_> = self
                .pages
                .iter()
                .filter(|(_, p)| p.style.is_some_and(|s| record.styles.contains(&s)))
                .map(|(k, _)| k)
                .collect();
            for page in styled {
                if let Some(p) = self.page_mut(page) {
                    p.style = None;
                }
            }
        }
        Ok(())
    }

    /// Assigns a user to a course: an Author may then edit it, a Reviewer
    /// read it.
    pub fn assign_user(&mut self, actor: UserKey, course: CourseKey, user: UserKey) -> Result<(), Error> {
        self.course(course)?;
        self.require(actor, Action::EditCourse(course))?;
        self.user(user)?;
        if self.course(course)?.is_assigned(user) {
            return Err(Error::already_in(user, course));
        }
        if let Some(c) = self.courses.get_mut(course) {
            c.assigned.insert(user);
        }
        Ok(())
    }

    /// Takes a user's assignment to a course away.
    pub fn unassign_user(&mut self, actor: UserKey, course: CourseKey, user: UserKey) -> Result<(), Error> {
        self.course(course)?;
        self.require(actor, Action::EditCourse(course))?;
        self.user(user)?;
        if !self.course(course)?.is_assigned(user) {
            return Err(Error::not_in(user, course));
        }
        if let Some(c) = self.courses.get_mut(course) {
            c.assigned.remove(&user);
        }
        Ok(())
    }

    /// Creates a style in a course; pages reached through the course can
    /// then apply it.
    pub fn create_style(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        name: &str,
        css: &str,
    ) -> Result<StyleKey, Error> {
        self.course(course)?;
        self.require(actor, Action::EditCourse(course))?;
        let style = CourseStyle { course, name: Text::name("name", name)?, css: Text::free(css) };
        let key = self.styles.insert(style);
        if let Some(c) = self.courses.get_mut(course) {
            c.styles.push_back(key);
        }
        Ok(key)
    }

    /// Creates a learning object in a course: the course becomes its parent
    /// and it is appended to the course's list. No other course sees it
    /// (SHR-5).
    pub fn create_learning_object(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        title: &str,
        description: &str,
    ) -> Result<LoKey, Error> {
        self.course(course)?;
        self.require(actor, Action::EditCourse(course))?;
        let lo = LearningObject {
            title: Text::name("title", title)?,
            description: Text::free(description),
            parent: Some(course),
            pages: PageList::default(),
            used_in: CourseSet::unit(course),
            origin: None,
            ancestors: Arc::from(Vec::new()),
        };
        let key = self.los.insert(lo);
        if let Some(c) = self.courses.get_mut(course) {
            c.los.push_back(key);
        }
        Ok(key)
    }

    /// Adds an existing learning object to a course, at `at` (the end when
    /// `None`). The LO is then shared: its pages are the same in every
    /// course that includes it (REU-3).
    ///
    /// Needs edit rights on `course` and read rights on the LO's parent
    /// course. A course includes an LO at most once.
    pub fn add_learning_object(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        lo: LoKey,
        at: Option<usize>,
    ) -> Result<(), Error> {
        let len = self.course(course)?.los.len();
        self.require(actor, Action::EditCourse(course))?;
        let record = self.learning_object(lo)?;
        if let Some(parent) = record.parent {
            self.require(actor, Action::ReadCourse(parent))?;
        }
        if record.used_in.contains(&course) {
            return Err(Error::already_in(lo, course));
        }
        let at = at.unwrap_or(len);
        check_position(at, len, true)?;
        if let Some(c) = self.courses.get_mut(course) {
            c.los.insert(at, lo);
        }
        if let Some(l) = self.los.get_mut(lo) {
            l.used_in.insert(course);
        }
        Ok(())
    }

    /// Removes a learning object from one course. Every other course that
    /// includes it keeps it, with all its pages (SHR-4); the LO itself lives
    /// on and can be added again.
    ///
    /// Returns the reach: that one course (REU-2).
    pub fn remove_learning_object(&mut self, actor: UserKey, course: CourseKey, lo: LoKey) -> Result<Reach, Error> {
        let at = self.lo_position(actor, course, lo)?;
        if let Some(c) = self.courses.get_mut(course) {
            c.los.remove(at);
        }
        if let Some(l) = self.los.get_mut(lo) {
            l.used_in.remove(&course);
        }
        Ok(Reach::of([course]))
    }

    /// Moves a learning object to position `to` in one course's list. Other
    /// courses keep their own order (SHR-5).
    pub fn move_learning_object(
        &mut self,
        actor: UserKey,
        course: CourseKey,
        lo: LoKey,
        to: usize,
    ) -> Result<(), Error> {
        let at = self.lo_position(actor, course, lo)?;
        let len = self.course(course)?.los.len();
        check_position(to, len, false)?;
        if let Some(c) = self.courses.get_mut(course) {
            let lo = c.los.remove(at);
            c.los.insert(to, lo);
        }
        Ok(())
    }

    /// Deletes a learning object and its pages. Refused while any course
    /// includes it, or a course's tool (a release rule, an alignment) links
    /// to it: [`Error::InUse`] names the courses. Needs edit rights on its
    /// parent course (an Administrator for an LO without one).
    pub fn delete_learning_object(&mut self, actor: UserKey, lo: LoKey) -> Result<(), Error> {
        let record = self.learning_object(lo)?;
        self.require(actor, Action::DeleteLearningObject(lo))?;
        let linked =
            self.courses.iter().filter(|(_, c)| c.tools.iter().any(|i| i.link == Some(crate::ToolLink::Content(lo))));
        let mut used_by: Vec<Entity> = record.used_in.iter().map(|c| Entity::Course(*c)).collect();
        let linked: Vec<Entity> = linked.map(|(k, _)| Entity::Course(k)).filter(|e| !used_by.contains(e)).collect();
        used_by.extend(linked);
        if !used_by.is_empty() {
            return Err(Error::InUse { entity: lo.into(), used_by });
        }
        self.drop_learning_object(lo);
        Ok(())
    }

    /// Removes a learning object record and its pages, with no check: the
    /// apply step of deleting an LO, and of undoing a Duplicate.
    pub(crate) fn drop_learning_object(&mut self, lo: LoKey) {
        if let Some(record) = self.los.remove(lo) {
            for page in record.pages.iter() {
                self.remove_page(*page);
            }
        }
    }

    /// Where `lo` stands in `course`, after checking that `actor` may edit
    /// the course.
    pub(crate) fn lo_position(&self, actor: UserKey, course: CourseKey, lo: LoKey) -> Result<usize, Error> {
        let record = self.course(course)?;
        self.learning_object(lo)?;
        self.require(actor, Action::EditCourse(course))?;
        record.position_of(lo).ok_or_else(|| Error::not_in(lo, course))
    }
}
