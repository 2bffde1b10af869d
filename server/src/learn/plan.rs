//! Learn's change requests as the core's ops. The library's Learn wire
//! types read the body (LMS-11), and the op carries what they read in the
//! library's own types, courses by numeric id. One home for it: the
//! handlers plan each new request here, and the journal reads its records
//! of versions 1 and 2 (which kept Learn's bodies) through the same code.

use crate::model::{CopyInto, CopySpec, CoreError, Op};
use coursecopy::{
    CopyRequest, CopyTarget, CourseChange, LearnCopyRequest, LearnCourseChange, LearnNewCourse, NewCourse, Timestamp,
    Workspace,
};
use serde_json::Value;

/// Reads a body with one of the library's Learn wire types; the error
/// names the key path (`availability.duration.end: ...`).
fn read<T: serde::de::DeserializeOwned>(body: &Value) -> Result<T, CoreError> {
    T::deserialize(body).map_err(|e| CoreError::Body(e.to_string()))
}

/// `POST /courses`: the course the body describes, made at `at`.
///
/// # Errors
/// A body the Learn parser refuses, naming the key path.
pub(crate) fn create_course(user: &str, body: &Value, at: Timestamp) -> Result<Op, CoreError> {
    let course = NewCourse::from(read::<LearnNewCourse>(body)?);
    Ok(Op::CreateCourse { user: user.into(), course: Box::new(course), at })
}

/// `PATCH /courses/{id}`: the change the body describes, at `at`.
///
/// # Errors
/// As [`create_course`].
pub(crate) fn update_course(user: &str, course: u64, body: &Value, at: Timestamp) -> Result<Op, CoreError> {
    let change = CourseChange::from(read::<LearnCourseChange>(body)?);
    Ok(Op::UpdateCourse { user: user.into(), course, change: Box::new(change), at })
}

/// `POST /courses/{id}/copy`: the copy the body asks for (LMS-11), its
/// existing target resolved to its numeric id in `ws` as it is now.
///
/// # Errors
/// As [`create_course`]; a target course `ws` does not have.
pub(crate) fn request_copy(
    ws: &Workspace,
    user: &str,
    source: u64,
    body: &Value,
    at: Timestamp,
    fail: bool,
) -> Result<Op, CoreError> {
    let request = CopyRequest::from(read::<LearnCopyRequest>(body)?);
    let target = match &request.target {
        CopyTarget::NewCourse { course_id } => CopyInto::NewCourse(course_id.clone()),
        CopyTarget::Existing(course) => CopyInto::Course(ws.course(ws.resolve_course(course)?)?.numeric_id()),
    };
    // Learn's body picks categories, never single learning objects or
    // pages: its content pick is every one.
    let spec = CopySpec { selection: request.selection, date_shift: request.date_shift, los: None, pages: Vec::new() };
    Ok(Op::RequestCopy { user: user.into(), source, target, mode: request.mode, spec, at, fail })
}

/// Untrusted bodies: whatever JSON a client sends to a course or copy
/// route, applying it never panics, and a refused body changes nothing.
#[cfg(test)]
mod untrusted_bodies {
    use super::*;
    use crate::demo::{demo_keys, demo_workspace};
    use crate::model::Model;
    use proptest::prelude::*;
    use serde_json::json;

    /// JSON values, biased towards the keys and shapes the routes read.
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            "[a-zA-Z0-9_:\\-. ]{0,12}".prop_map(Value::from),
            prop_oneof![
                Just("true"),
                Just("false"),
                Just("Term"),
                Just("UseTerm"),
                Just("DateRange"),
                Just("SelfEnrollment"),
                Just("2027-01-01T00:00:00.000Z"),
                Just("_1_1"),
                Just("courseId:BIO-101"),
                Just("uuid:zz"),
                Just("Share"),
                Just("Duplicate"),
                Just("Linked"),
                Just("2027-03-01"),
                Just("Europe/Berlin"),
                Just("Mars/Olympus"),
                Just("1")
            ]
            .prop_map(Value::from),
        ];
        let keys = prop_oneof![
            Just("courseId"),
            Just("externalId"),
            Just("name"),
            Just("description"),
            Just("availability"),
            Just("available"),
            Just("duration"),
            Just("type"),
            Just("start"),
            Just("end"),
            Just("daysOfUse"),
            Just("enrollment"),
            Just("accessCode"),
            Just("locale"),
            Just("id"),
            Just("allowGuests"),
            Just("targetCourse"),
            Just("copy"),
            Just("settings"),
            Just("mode"),
            Just("discussions"),
            Just("contentAreas"),
            Just("timeZone"),
            Just("dateShift"),
            Just("shiftDates"),
            Just("shiftDays"),
            Just("removeDates"),
            Just("oldStartDate"),
            Just("oldEndDate"),
            Just("newStartDate"),
            Just("newEndDate"),
            Just("daySubstitutions"),
            Just("1"),
            Just("x"),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(keys.clone().prop_map(str::to_string), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn cases() -> u32 {
        std::env::var("COURSECOPY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases()))]

        /// SRV-7: no body panics, planned or applied; a refused one
        /// changes nothing.
        #[test]
        fn srv7_any_body_is_applied_or_refused_whole(body in value(), route in 0u8..3, course in 1u8..5) {
            let mut model = Model::new(demo_workspace().unwrap(), &demo_keys()).unwrap();
            let at = Timestamp::from_unix_millis(1_800_000_000_000);
            let course = u64::from(course);
            let planned = match route {
                0 => create_course("Author", &body, at),
                1 => update_course("Author", course, &body, at),
                _ => request_copy(&model.ws, "Author", course, &body, at, false),
            };
            let before = model.ws.clone();
            if planned.and_then(|op| model.apply(&op)).is_err() {
                prop_assert_eq!(&model.ws, &before);
            }
            prop_assert!(model.ws.check_integrity().is_ok());
        }
    }
}
