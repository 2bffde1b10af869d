//! What a copy asks for, typed and API-neutral: the categories and date
//! shift in the library's own types, courses, learning objects and pages
//! by numeric id. A Learn copy request and a Canvas content migration both
//! come down to it, and the journal keeps it as it is.

use super::{CoreError, Model};
use coursecopy::{ContentPick, CopyMode, CopyRequest, CopySelection, CopyTarget, CourseKey, CourseRef, DateShift};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
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
/// A migration journaled or snapshotted by the server of 0.4 kept the
/// categories and the shift in the JSON of Learn's copy body (`copy`,
/// `dateShift`), with no `selection` key: that form is still read, through
/// the Learn parser ([`crate::learn::legacy::copy_spec_of_0_4`]), and
/// written no more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CopySpec {
    /// The categories (LMS-8).
    pub selection: CopySelection,
    /// The date shift (DAT-1..5).
    #[serde(skip_serializing_if = "is_no_shift")]
    pub date_shift: DateShift,
    /// Learning objects picked whole, by numeric id; with `pages`, `None`
    /// for every one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub los: Option<Vec<u64>>,
    /// Single pages picked, by numeric id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
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

/// The typed form, as read: every key known.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TypedSpec {
    selection: CopySelection,
    #[serde(default)]
    date_shift: DateShift,
    #[serde(default)]
    los: Option<Vec<u64>>,
    #[serde(default)]
    pages: Vec<u64>,
}

/// Reads the typed form when the spec has a `selection` key, naming what
/// is wrong with it; else the form of 0.4.
impl<'de> Deserialize<'de> for CopySpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let form = Map::<String, Value>::deserialize(d)?;
        if !form.contains_key("selection") {
            return crate::learn::legacy::copy_spec_of_0_4(form).map_err(D::Error::custom);
        }
        let TypedSpec { selection, date_shift, los, pages } =
            serde_json::from_value(Value::Object(form)).map_err(D::Error::custom)?;
        Ok(CopySpec { selection, date_shift, los, pages })
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

    /// A spec reads back equal in its typed form; one of 0.4, as its
    /// Canvas routes wrote it (Learn's `copy` and `dateShift` with
    /// `shiftDates`, four dates, `daySubstitutions`), reads as what it
    /// meant, in a migration as a snapshot keeps it; a typed spec with a
    /// wrong key is refused, naming it, not read as 0.4's.
    #[test]
    fn specs_of_both_forms_read() {
        use coursecopy::jiff::civil::{Weekday, date};
        let mut selection = CopySelection::nothing();
        (selection.content_areas, selection.assessments) = (true, true);
        let shift =
            DateShift::by_range_dates(date(2027, 9, 6), date(2027, 12, 17), date(2028, 9, 4), date(2028, 12, 15))
                .substitute(Weekday::Friday, Weekday::Thursday);
        let spec = CopySpec { selection, date_shift: shift, los: Some(vec![3]), pages: vec![9] };
        let text = serde_json::to_string(&spec).unwrap();
        assert_eq!(serde_json::from_str::<CopySpec>(&text).unwrap(), spec);
        assert_eq!(serde_json::from_str::<CopySpec>("{}").unwrap(), CopySpec::default());
        let old = r#"{"id": 4, "user": "Author", "source": 1, "target": 2, "created": "2027-01-01T00:00:00Z",
            "spec": {"copy": {"contentAreas": true, "assessments": true},
                "date_shift": {"shiftDates": true, "oldStartDate": "2027-09-06", "oldEndDate": "2027-12-17",
                    "newStartDate": "2028-09-04", "newEndDate": "2028-12-15", "daySubstitutions": {"5": 4}},
                "los": [3], "pages": [9]},
            "state": "queued"}"#;
        let migration: crate::migrations::Migration = serde_json::from_str(old).unwrap();
        assert_eq!(migration.spec, spec);
        assert!(serde_json::from_str::<CopySpec>(r#"{"copy": {"contentAreas": "maybe"}}"#).is_err());
        let wrong = text.replace("\"los\"", "\"lo\"");
        let err = serde_json::from_str::<CopySpec>(&wrong).unwrap_err().to_string();
        assert!(err.contains("lo"), "{err}");
    }
}
