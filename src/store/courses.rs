//! Courses as records: inserted with their ids indexed, removed with all that hangs on them, their styles, and each course's list of learning objects (the where-used index).

use super::*;

impl Store {
    /// The LMS id the next course inserted gets.
    pub(crate) fn next_course_pk(&self) -> u64 {
        self.next_pk.saturating_add(1)
    }

    /// Inserts a course record and indexes its ids; gives it the next LMS
    /// id. The record comes without learning objects or styles: those are
    /// added through their own primitives, which keep their indexes.
    ///
    /// # Errors
    /// The record names what is not there: a creator, an assigned user or
    /// a lock holder that is gone, a banner image that is no live media
    /// asset, a tool item that links to nothing; or its `course_id` or
    /// `external_id` is taken. Nothing changed.
    pub(crate) fn insert_course(&mut self, mut course: Course) -> Result<CourseKey, Error> {
        self.course_record_problem(&course)?;
        self.next_pk = self.next_pk.saturating_add(1);
        course.pk = self.next_pk;
        course.uuid = crate::data::course_uuid(self.users.salt(), self.next_pk);
        course.los = Vector::new();
        course.styles = Vector::new();
        let (id, ext) = (course.course_id.clone(), course.external_id.clone());
        let key = self.courses.insert(course);
        self.course_ids.insert(id, key);
        self.external_ids.insert(ext, key);
        self.pks.insert(self.next_pk, key);
        Ok(key)
    }

    /// What a course record about to be inserted breaks: an id taken or
    /// not of an id's form, a creator, assigned user or lock holder that
    /// is gone, a banner image that is no live media asset, a name the API
    /// would refuse, tool items that link to nothing or whose ids are not
    /// its own (integrity's checks of a course's fields, run before the
    /// record goes in).
    fn course_record_problem(&self, course: &Course) -> Result<(), Error> {
        for (field, id, index) in [
            (crate::Field::CourseId, &course.course_id, &self.course_ids),
            (crate::Field::ExternalId, &course.external_id, &self.external_ids),
        ] {
            if let Some(holder) = index.get(id) {
                return Err(Error::Conflict { field, value: id.to_string(), holder: *holder });
            }
        }
        Text::identifier(crate::Field::CourseId, &course.course_id, limits::COURSE_ID)?;
        Text::identifier(crate::Field::ExternalId, &course.external_id, limits::EXTERNAL_ID)?;
        if !self.users.contains(course.created_by) {
            return Err(Error::not_found(course.created_by));
        }
        self.check_course_data(&NewCourseName(&course.course_id), course).map_err(|detail| Error::Integrity { detail })
    }

    /// Whether `course` may take `external_id`: of an id's form, and held
    /// by no other course.
    ///
    /// # Errors
    /// The id is not of an id's form, or another course holds it.
    pub(crate) fn check_external_id(&self, course: CourseKey, external_id: &str) -> Result<(), Error> {
        Text::identifier(crate::Field::ExternalId, external_id, limits::EXTERNAL_ID)?;
        match self.external_ids.get(external_id).filter(|k| **k != course) {
            Some(holder) => Err(Error::Conflict {
                field: crate::Field::ExternalId,
                value: external_id.to_string(),
                holder: *holder,
            }),
            None => Ok(()),
        }
    }

    /// Changes a course's `external_id` and its index entry.
    ///
    /// # Errors
    /// The course is gone, `external_id` is not of an id's form, or another
    /// course holds it; nothing changed.
    pub(crate) fn set_external_id(&mut self, course: CourseKey, external_id: Arc<str>) -> Result<(), Error> {
        self.check_external_id(course, &external_id)?;
        let record = self.courses.get_mut(course).ok_or_else(|| Error::not_found(course))?;
        self.external_ids.remove(&record.external_id);
        self.external_ids.insert(external_id.clone(), course);
        record.external_id = external_id;
        Ok(())
    }

    /// Removes a course with everything that hangs on it: its id index
    /// entries, its styles (pages that applied one lose it), its place in
    /// the where-used sets of the LOs it included, and its parenthood of
    /// LOs, which keep living without a parent. O(LOs of the course + LOs),
    /// plus O(pages) if the course had styles.
    pub(crate) fn remove_course(&mut self, course: CourseKey) -> Option<Course> {
        let record = self.courses.remove(course)?;
        self.forget_removed_copies_of(course);
        self.course_ids.remove(&record.course_id);
        self.external_ids.remove(&record.external_id);
        self.pks.remove(&record.pk);
        for lo in record.los.iter() {
            if let Some(lo) = self.los.get_mut(*lo) {
                lo.used_in.remove(&course);
            }
        }
        for (_, lo) in self.los.iter_mut() {
            if lo.parent == Some(course) {
                lo.parent = None;
            }
            if let Some(link) = lo.link.as_mut().filter(|l| l.course == Some(course)) {
                link.course = None;
            }
        }
        if !record.styles.is_empty() {
            for style in record.styles.iter() {
                self.styles.remove(*style);
            }
            let styled: Vec<PageKey> = self
                .pages
                .iter()
                .filter(|(_, p)| p.style.is_some_and(|s| record.styles.contains(&s)))
                .map(|(k, _)| k)
                .collect();
            for page in styled {
                self.save_for_tasks(page);
                if let Some(p) = self.pages.get_mut(page) {
                    p.style = None;
                }
            }
        }
        Some(record)
    }

    /// Creates a style of `course`, at the end of its list.
    pub(crate) fn insert_style(&mut self, course: CourseKey, name: Arc<str>, css: Arc<str>) -> Option<StyleKey> {
        self.courses.get(course)?;
        let key = self.styles.insert(CourseStyle { course, name, css });
        if let Some(c) = self.courses.get_mut(course) {
            c.styles.push_back(key);
        }
        Some(key)
    }

    // ---- A course's list of learning objects --------------------------------

    /// Includes `lo` in `course` at `at` (clamped to the end). False, with
    /// nothing changed, if either is missing or the course includes it.
    pub(crate) fn include_lo(&mut self, course: CourseKey, lo: LoKey, at: usize) -> bool {
        let (Some(c), Some(l)) = (self.courses.get_mut(course), self.los.get_mut(lo)) else { return false };
        if !l.used_in.insert(course) {
            return false;
        }
        let at = at.min(c.los.len());
        if at == c.los.len() {
            c.los.push_back(lo);
        } else {
            c.los.insert(at, lo);
        }
        true
    }

    /// Takes the LO at `at` out of `course`'s list; the LO lives on.
    pub(crate) fn exclude_lo_at(&mut self, course: CourseKey, at: usize) -> Option<LoKey> {
        let c = self.courses.get_mut(course)?;
        if at >= c.los.len() {
            return None;
        }
        let lo = c.los.remove(at);
        if let Some(l) = self.los.get_mut(lo) {
            l.used_in.remove(&course);
        }
        self.note_removed_copy(course, lo);
        Some(lo)
    }

    /// Moves the LO at `from` to `to` in one course's list.
    pub(crate) fn move_lo(&mut self, course: CourseKey, from: usize, to: usize) {
        let Some(c) = self.courses.get_mut(course) else { return };
        if from < c.los.len() && to < c.los.len() {
            let lo = c.los.remove(from);
            c.los.insert(to, lo);
        }
    }

    /// Puts `new` where the LO at `at` stands in `course`'s list.
    pub(crate) fn replace_lo_at(&mut self, course: CourseKey, at: usize, new: LoKey) {
        let Some(old) = self.courses.get(course).and_then(|c| c.los.get(at)).copied() else { return };
        if old == new || self.los.get(new).is_none_or(|l| l.used_in.contains(&course)) {
            return;
        }
        if let Some(c) = self.courses.get_mut(course) {
            c.los.set(at, new);
        }
        if let Some(l) = self.los.get_mut(old) {
            l.used_in.remove(&course);
        }
        if let Some(l) = self.los.get_mut(new) {
            l.used_in.insert(course);
        }
    }

    /// Includes every live LO of `list` that `course` does not include yet,
    /// at the end of its list, in order; returns the LOs of `list` that are
    /// gone. A course with no LOs that takes all of them takes the list as
    /// it is, in O(1): the two lists share their structure until one
    /// changes.
    pub(crate) fn share_los(&mut self, course: CourseKey, list: &Vector<LoKey>) -> Vec<LoKey> {
        let Some(was_empty) = self.courses.get(course).map(|c| c.los.is_empty()) else { return Vec::new() };
        // An empty course takes what it is given; a course with LOs only
        // those it does not hold yet, so only then is the list kept.
        let mut added = Vec::new();
        let mut missing = Vec::new();
        for &lo in list.leaves().flatten() {
            match self.los.get_mut(lo) {
                Some(record) => {
                    if record.used_in.insert(course) && !was_empty {
                        added.push(lo);
                    }
                }
                None => missing.push(lo),
            }
        }
        let los = match (was_empty, missing.is_empty()) {
            (true, true) => list.clone(),
            (true, false) => list.iter().copied().filter(|lo| self.los.contains(*lo)).collect(),
            (false, _) => added.into_iter().collect(),
        };
        if let Some(c) = self.courses.get_mut(course) {
            c.los.append(los);
        }
        missing
    }

    /// Takes every LO after the first `len` out of `course`'s list; returns
    /// them. The LOs live on.
    pub(crate) fn truncate_los(&mut self, course: CourseKey, len: usize) -> Vec<LoKey> {
        let Some(c) = self.courses.get_mut(course) else { return Vec::new() };
        if len >= c.los.len() {
            return Vec::new();
        }
        let removed: Vec<LoKey> = c.los.slice(len..).into_iter().collect();
        for lo in &removed {
            if let Some(l) = self.los.get_mut(*lo) {
                l.used_in.remove(&course);
            }
        }
        removed
    }
}

/// How an integrity problem names a course not inserted yet; written only
/// when there is a problem to tell.
struct NewCourseName<'a>(&'a str);

impl std::fmt::Display for NewCourseName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the new course {:?}", self.0)
    }
}
