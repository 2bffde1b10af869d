//! Checking a copy and building its plan. Reads the workspace, never
//! changes it.

use super::{CopyMode, CopyOptions};
use crate::data::limits;
use crate::{Action, Course, CourseKey, Error, UserKey, Workspace};
use imbl::{OrdSet, Vector};
use std::sync::Arc;

/// A checked copy, ready to apply.
#[derive(Clone, Debug)]
pub(crate) struct CopyPlan {
    pub(crate) source: CourseKey,
    pub(crate) mode: CopyMode,
    /// The new course record, without styles and LOs (apply adds them).
    pub(crate) course: Course,
}

impl Workspace {
    pub(crate) fn plan_copy(
        &self,
        actor: UserKey,
        source: CourseKey,
        mode: CopyMode,
        options: &CopyOptions,
    ) -> Result<CopyPlan, Error> {
        let src = self.course(source)?;
        self.require(actor, Action::ReadCourse(source))?;
        self.require(actor, Action::CreateCourse)?;
        let mut fields = options.fields.clone();
        let course_id = match &options.course_id {
            Some(id) => self.free_course_id(id)?,
            None => self.derive_course_id(&src.course_id, fields.external_id.is_none()),
        };
        fields
            .external_id
            .get_or_insert_with(|| course_id.to_string());
        let checked = fields.check(self, None)?;
        let mut course = Course {
            course_id,
            created_by: actor,
            assigned: if options.keep_authors {
                src.assigned.clone()
            } else {
                OrdSet::unit(actor)
            },
            styles: Vector::new(),
            los: Vector::new(),
            copied_from: Some(source),
            ..src.clone()
        };
        checked.apply(&mut course);
        Ok(CopyPlan {
            source,
            mode,
            course,
        })
    }

    /// The first free id among `<base>-copy`, `<base>-copy-2`, ..., with
    /// `base` cut to fit the limit. With `as_external`, the id must be free
    /// as an `external_id` too.
    fn derive_course_id(&self, base: &str, as_external: bool) -> Arc<str> {
        (1usize..)
            .map(|n| {
                let suffix = if n == 1 {
                    "-copy".to_string()
                } else {
                    format!("-copy-{n}")
                };
                let keep = limits::COURSE_ID.saturating_sub(suffix.chars().count());
                let stem: String = base.chars().take(keep).collect();
                stem + &suffix
            })
            .find(|id| {
                let taken_as_external = as_external && self.external_ids.contains_key(id.as_str());
                !self.course_ids.contains_key(id.as_str()) && !taken_as_external
            })
            .map(Arc::from)
            .unwrap_or_else(|| Arc::from(base))
    }
}
