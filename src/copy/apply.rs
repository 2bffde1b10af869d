//! Applying a checked copy. Cannot fail.

use super::CopyMode;
use super::plan::CopyPlan;
use crate::{CourseKey, CourseStyle, LearningObject, LoKey, Page, Workspace};
use imbl::{OrdSet, Vector};

impl Workspace {
    pub(crate) fn apply_copy(&mut self, plan: CopyPlan) -> CourseKey {
        let source = self.courses.get(plan.source).cloned();
        let key = self.insert_course(plan.course);
        let Some(source) = source else { return key };
        let styles = self.copy_styles(&source.styles, key);
        let los = match plan.mode {
            CopyMode::Share => {
                for lo in source.los.iter() {
                    if let Some(record) = self.los.get_mut(*lo) {
                        record.used_in.insert(key);
                    }
                }
                source.los.clone()
            }
            CopyMode::Duplicate => {
                let pages: usize = source
                    .los
                    .iter()
                    .filter_map(|lo| self.los.get(*lo))
                    .map(|lo| lo.pages.len())
                    .sum();
                self.pages.reserve(pages);
                self.los.reserve(source.los.len());
                source
                    .los
                    .iter()
                    .filter_map(|lo| self.duplicate_lo(*lo, key))
                    .collect()
            }
        };
        if let Some(course) = self.courses.get_mut(key) {
            course.styles = styles;
            course.los = los;
        }
        key
    }

    /// New styles for `into`, equal to `styles`.
    fn copy_styles(
        &mut self,
        styles: &Vector<crate::StyleKey>,
        into: CourseKey,
    ) -> Vector<crate::StyleKey> {
        let copies: Vec<CourseStyle> = styles
            .iter()
            .filter_map(|s| self.styles.get(*s))
            .cloned()
            .collect();
        copies
            .into_iter()
            .map(|s| self.styles.insert(CourseStyle { course: into, ..s }))
            .collect()
    }

    /// A new learning object for course `into`, with new pages equal to
    /// `lo`'s (DUP-1), no styles (DUP-3), the same library items (DUP-4),
    /// and provenance (DUP-5). `None` when `lo` does not exist. Bodies and titles are shared in memory, not
    /// copied, until one side is edited.
    pub(crate) fn duplicate_lo(&mut self, lo: LoKey, into: CourseKey) -> Option<LoKey> {
        let source = self.los.get(lo).cloned()?;
        let copy = self.los.insert(LearningObject {
            title: source.title,
            description: source.description,
            parent: Some(into),
            pages: Vector::new(),
            used_in: OrdSet::unit(into),
            origin: Some(lo),
        });
        let mut pages = Vector::new();
        for page in source.pages.iter() {
            let Some(p) = self.pages.get(*page) else {
                continue;
            };
            let duplicate = Page {
                title: p.title.clone(),
                body: p.body.clone(),
                style: None,
                items: p.items.clone(),
                lo: copy,
                origin: Some(*page),
            };
            pages.push_back(self.pages.insert(duplicate));
        }
        if let Some(record) = self.los.get_mut(copy) {
            record.pages = pages;
        }
        Some(copy)
    }
}
