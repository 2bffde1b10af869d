//! What a copy asks for, typed and API-neutral: the categories and date
//! shift in the library's own types, courses, learning objects and pages
//! by numeric id. A Learn copy request and a Canvas content migration both
//! come down to it, and the journal keeps it as it is.

use super::{CoreError, Model};
use coursecopy::{ContentPick, CopyMode, CopyRequest, CopySelection, CopyTarget, CourseKey, CourseRef, DateShift};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Where a copy goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyInto {
    /// A new course with this `course_id`.
    NewCourse(String),
    /// An existing course, by numeric id.
    Course(u64),
}

/// What a copy carries and how its dates move.
///
/// Its serde form is the library's own ([`CopySelection`], [`DateShift`]).
/// A migration journaled or snapshotted before it (by version 0.4 of the
/// server) kept the categories and the shift in the JSON of Learn's copy
/// body (`copy`, `dateShift`); that form is still read, through the Learn
/// parser, and written no more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SpecForm")]
pub struct CopySpec {
    /// The categories (LMS-8).
    pub selection: CopySelection,
    /// The date shift (DAT-1..5).
    #[serde(default, skip_serializing_if = "is_no_shift")]
    pub date_shift: DateShift,
    /// Learning objects picked whole, by numeric id; with `pages`, `None`
    /// for every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub los: Option<Vec<u64>>,
    /// Single pages picked, by numeric id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<u64>,
}

fn is_no_shift(shift: &DateShift) -> bool {
    *shift == DateShift::new()
}

impl Default for CopySpec {
    /// Everything, dates unchanged.
    fn default() -> Self {
        CopySpec { selection: CopySelection::everything(), date_shift: DateShift::new(), los: None, pages: Vec::new() }
    }
}

/// The two forms a spec is read in: the typed one (it has `selection`),
/// and the one of 0.4, Learn's JSON.
#[derive(Deserialize)]
#[serde(untagged)]
enum SpecForm {
    Typed {
        selection: CopySelection,
        #[serde(default)]
        date_shift: DateShift,
        #[serde(default)]
        los: Option<Vec<u64>>,
        #[serde(default)]
        pages: Vec<u64>,
    },
    Learn {
        #[serde(default)]
        copy: Option<Value>,
        #[serde(default)]
        date_shift: Option<Value>,
        #[serde(default)]
        los: Option<Vec<u64>>,
        #[serde(default)]
        pages: Vec<u64>,
    },
}

impl TryFrom<SpecForm> for CopySpec {
    type Error = String;

    fn try_from(form: SpecForm) -> Result<Self, String> {
        match form {
            SpecForm::Typed { selection, date_shift, los, pages } => Ok(CopySpec { selection, date_shift, los, pages }),
            SpecForm::Learn { copy, date_shift, los, pages } => {
                let mut body = json!({ "targetCourse": { "courseId": "-" } });
                if let Some(copy) = copy {
                    body["copy"] = copy;
                }
                if let Some(shift) = date_shift {
                    body["dateShift"] = shift;
                }
                let request: CopyRequest =
                    serde_json::from_value::<coursecopy::LearnCopyRequest>(body).map_err(|e| e.to_string())?.into();
                Ok(CopySpec { selection: request.selection, date_shift: request.date_shift, los, pages })
            }
        }
    }
}

impl Model {
    /// The library's request for a copy of `source` into `into`, in
    /// `mode`, as `spec` asks. Picks that name nothing the source holds
    /// copy no content (Canvas skips ids it does not find).
    ///
    /// # Errors
    /// A source the workspace lacks.
    pub(crate) fn copy_request(
        &self,
        source: CourseKey,
        into: &CopyInto,
        mode: CopyMode,
        spec: &CopySpec,
    ) -> Result<CopyRequest, CoreError> {
        let target = match into {
            CopyInto::NewCourse(course_id) => CopyTarget::NewCourse { course_id: course_id.clone() },
            CopyInto::Course(id) => CopyTarget::Existing(CourseRef::PrimaryId(*id)),
        };
        let mut request =
            CopyRequest::new(target).mode(mode).selection(spec.selection).date_shift(spec.date_shift.clone());
        match self.pick(source, spec)? {
            Some(pick) => request = request.content(pick),
            None => request.selection.content_areas = false,
        }
        Ok(request)
    }

    /// The content pick of `spec` in `source`: every LO when it picks
    /// none; `None` when its ids name nothing the source holds.
    fn pick(&self, source: CourseKey, spec: &CopySpec) -> Result<Option<ContentPick>, CoreError> {
        let Some(los) = &spec.los else {
            if spec.pages.is_empty() {
                return Ok(Some(ContentPick::all()));
            }
            return self.pick(source, &CopySpec { los: Some(Vec::new()), ..spec.clone() });
        };
        let (los, pages): (BTreeSet<u64>, BTreeSet<u64>) =
            (los.iter().copied().collect(), spec.pages.iter().copied().collect());
        let mut pick = ContentPick::only();
        let mut any = false;
        for lo in self.ws.course(source)?.learning_objects() {
            let record = self.ws.learning_object(lo)?;
            if los.contains(&record.numeric_id()) {
                pick = pick.learning_object(lo);
                any = true;
                continue;
            }
            for page in record.pages() {
                if pages.contains(&self.ws.page(page)?.numeric_id()) {
                    pick = pick.page(page);
                    any = true;
                }
            }
        }
        Ok(any.then_some(pick))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec reads back equal in its typed form; one in the JSON of
    /// 0.4 (Learn's `copy` and `dateShift`) reads as what it meant.
    #[test]
    fn specs_of_both_forms_read() {
        let mut selection = CopySelection::nothing();
        selection.content_areas = true;
        let spec = CopySpec { selection, date_shift: DateShift::by_days(7), los: Some(vec![3]), pages: vec![9] };
        let text = serde_json::to_string(&spec).unwrap();
        assert_eq!(serde_json::from_str::<CopySpec>(&text).unwrap(), spec);
        assert_eq!(serde_json::from_str::<CopySpec>("{}").unwrap(), CopySpec::default());
        let old = r#"{"copy": {"contentAreas": true}, "date_shift": {"shiftDays": 7}, "los": [3], "pages": [9]}"#;
        assert_eq!(serde_json::from_str::<CopySpec>(old).unwrap(), spec);
        let bad = r#"{"copy": {"contentAreas": "maybe"}}"#;
        assert!(serde_json::from_str::<CopySpec>(bad).is_err());
    }
}
