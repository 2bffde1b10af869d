//! Integrity: the invariants of INT-1, checked from scratch.
//!
//! Operations keep these true by construction; [`Workspace::check_integrity`]
//! proves it after the fact (property tests call it after every step, and
//! loading a saved workspace calls it before handing the workspace out).

use crate::data::limits;
use crate::{Error, Workspace};
use std::collections::{HashMap, HashSet};

impl Workspace {
    /// Checks every invariant of the workspace (INT-1):
    ///
    /// - every stored handle names a live entity (provenance links, which
    ///   are history, excepted);
    /// - every page belongs to exactly one learning object, the one it
    ///   names, and appears once in its list;
    /// - a course's LO list has no repeats, and each LO's "used in" set is
    ///   exactly the courses whose list holds it;
    /// - each style belongs to exactly the course that lists it;
    /// - `course_id`s and `external_id`s are unique and within their limits,
    ///   and the lookup indexes match the courses.
    ///
    /// O(size of the workspace). Returns the first violation found.
    pub fn check_integrity(&self) -> Result<(), Error> {
        let fail = |detail: String| Err(Error::Integrity { detail });

        // Courses: ids, authors, styles, LO lists.
        let mut lo_users: HashMap<_, HashSet<_>> = HashMap::new();
        for (ck, c) in self.courses.iter() {
            if c.course_id.is_empty() || c.course_id.chars().count() > limits::COURSE_ID {
                return fail(format!("course {ck:?} has an invalid course_id"));
            }
            if c.external_id.is_empty() || c.external_id.chars().count() > limits::EXTERNAL_ID {
                return fail(format!("course {ck:?} has an invalid external_id"));
            }
            if self.course_ids.get(&c.course_id) != Some(&ck) {
                return fail(format!(
                    "course_id {:?} is not indexed to course {ck:?}",
                    c.course_id
                ));
            }
            if self.external_ids.get(&c.external_id) != Some(&ck) {
                return fail(format!(
                    "external_id {:?} is not indexed to course {ck:?}",
                    c.external_id
                ));
            }
            if !self.users.contains(c.created_by) {
                return fail(format!(
                    "course {ck:?} names a missing creator {:?}",
                    c.created_by
                ));
            }
            if let Some(u) = c.assigned.iter().find(|u| !self.users.contains(**u)) {
                return fail(format!("course {ck:?} assigns a missing user {u:?}"));
            }
            for sk in c.styles.iter() {
                match self.styles.get(*sk) {
                    Some(s) if s.course == ck => {}
                    _ => {
                        return fail(format!(
                            "course {ck:?} lists style {sk:?} that is not its own"
                        ));
                    }
                }
            }
            for lk in c.los.iter() {
                if !self.los.contains(*lk) {
                    return fail(format!(
                        "course {ck:?} includes a missing learning object {lk:?}"
                    ));
                }
                if !lo_users.entry(*lk).or_default().insert(ck) {
                    return fail(format!(
                        "course {ck:?} includes learning object {lk:?} twice"
                    ));
                }
            }
        }
        if self.course_ids.len() != self.courses.len()
            || self.external_ids.len() != self.courses.len()
        {
            return fail("the course id indexes hold entries for missing courses".into());
        }

        // Styles belong to a live course that lists them.
        for (sk, s) in self.styles.iter() {
            if !self
                .courses
                .get(s.course)
                .is_some_and(|c| c.styles.contains(&sk))
            {
                return fail(format!(
                    "style {sk:?} is not listed by its course {:?}",
                    s.course
                ));
            }
        }

        // Learning objects: parent, where-used, page lists.
        let mut page_owner = HashMap::new();
        for (lk, lo) in self.los.iter() {
            if let Some(p) = lo.parent.filter(|p| !self.courses.contains(*p)) {
                return fail(format!(
                    "learning object {lk:?} names a missing parent course {p:?}"
                ));
            }
            let expected = lo_users.remove(&lk).unwrap_or_default();
            if lo.used_in.len() != expected.len()
                || !lo.used_in.iter().all(|c| expected.contains(c))
            {
                return fail(format!("learning object {lk:?} has a wrong where-used set"));
            }
            for pk in lo.pages.iter() {
                if page_owner.insert(*pk, lk).is_some() {
                    return fail(format!("page {pk:?} is listed twice"));
                }
            }
        }

        // Pages: owner, style, library items.
        for (pk, p) in self.pages.iter() {
            if page_owner.remove(&pk) != Some(p.lo) {
                return fail(format!(
                    "page {pk:?} is not listed by exactly its learning object {:?}",
                    p.lo
                ));
            }
            if let Some(s) = p.style.filter(|s| !self.styles.contains(*s)) {
                return fail(format!("page {pk:?} applies a missing style {s:?}"));
            }
            let mut seen = HashSet::new();
            for item in p.items.iter() {
                if self.library_entry(*item).is_err() {
                    return fail(format!(
                        "page {pk:?} references a missing library item {item:?}"
                    ));
                }
                if !seen.insert(*item) {
                    return fail(format!(
                        "page {pk:?} references library item {item:?} twice"
                    ));
                }
            }
        }
        if let Some(pk) = page_owner.keys().next() {
            return fail(format!("a learning object lists a missing page {pk:?}"));
        }
        Ok(())
    }
}
