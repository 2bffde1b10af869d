//! LMS-11: the JSON integrations send and read.
#![cfg(feature = "serde")]

mod common;
use common::lms::*;
use coursecopy::*;
use serde_json::json;

fn request(body: serde_json::Value) -> Result<CopyRequest, String> {
    serde_json::from_value::<LearnCopyRequest>(body).map(Into::into).map_err(|e| e.to_string())
}

/// LMS-11: the LMS's own copy body, booleans written as strings, as
/// integrations send it.
#[test]
fn lms11_copy_body_as_integrations_send_it() {
    let body = r#"{
        "targetCourse": { "courseId": "mbk-original-target2" },
        "copy": {
            "adaptiveReleaseRules": "true", "announcements": "true", "assessments": "true",
            "blogs": "true", "calendar": "true", "contacts": "true", "contentAlignments": "true",
            "contentAreas": "true", "discussions": "ForumsAndStarterPosts", "glossary": "true",
            "gradebook": "true", "groupSettings": "true", "journals": "true", "retentionRules": "true",
            "rubrics": "true",
            "settings": {
                "availability": "true", "bannerImage": "true", "duration": "true",
                "enrollmentOptions": "true", "guestAccess": "true", "languagePack": "true",
                "navigationSettings": "true", "observerAccess": "true"
            },
            "tasks": "true", "wikis": "true"
        }
    }"#;
    let parsed: CopyRequest = serde_json::from_str::<LearnCopyRequest>(body).unwrap().into();
    assert_eq!(parsed, CopyRequest::new(CopyTarget::NewCourse { course_id: "mbk-original-target2".into() }));

    // And it copies.
    let mut w = lms_world(2);
    let task = w.ws.request_copy(w.author, "courseId:BIO-101".parse::<CourseRef>().unwrap(), &parsed).unwrap();
    w.ws.run_all_tasks();
    let (copy, issues) = finished(&w.ws, task);
    assert!(issues.is_empty());
    assert_eq!(w.ws.course(copy).unwrap().course_id(), "mbk-original-target2");
}

/// LMS-11: booleans or strings; left-out entries are not copied; no `copy`
/// (or `null`) is an exact copy; `targetCourse.id` in every id form; `mode`.
#[test]
fn lms11_copy_body_variants() {
    let all = request(json!({"targetCourse": {"courseId": "x"}})).unwrap();
    assert_eq!(all.selection, CopySelection::everything());
    assert_eq!(all.mode, CopyMode::Duplicate);
    assert_eq!(
        request(json!({"targetCourse": {"courseId": "x"}, "copy": null})).unwrap().selection,
        CopySelection::everything()
    );

    let some = request(json!({
        "targetCourse": {"courseId": "x"},
        "copy": {"contentAreas": true, "gradebook": "FALSE", "discussions": "ForumsOnly", "settings": {"guestAccess": "True"}, "futureOption": 7}
    }))
    .unwrap();
    let mut expected = CopySelection::nothing();
    expected.content_areas = true;
    expected.discussions = Discussions::ForumsOnly;
    expected.settings.guest_access = true;
    assert_eq!(some.selection, expected);

    for (id, r) in [
        ("_12_1", CourseRef::PrimaryId(12)),
        ("courseId:BIO", CourseRef::CourseId("BIO".into())),
        ("externalId:e-1", CourseRef::ExternalId("e-1".into())),
    ] {
        let parsed = request(json!({"targetCourse": {"id": id}})).unwrap();
        assert_eq!(parsed.target, CopyTarget::Existing(r));
    }
    // The generated Java client's `{}` beside a courseId is no id.
    let java = request(json!({"targetCourse": {"courseId": "x", "id": {}}})).unwrap();
    assert_eq!(java.target, CopyTarget::NewCourse { course_id: "x".into() });
    let share = request(json!({"targetCourse": {"courseId": "x"}, "mode": "share"})).unwrap();
    assert_eq!(share.mode, CopyMode::Share);
}

/// LMS-11: malformed input gives an error naming the field, never a panic.
#[test]
fn lms11_malformed_copy_bodies_name_the_field() {
    let cases = [
        (json!({}), "targetCourse: missing"),
        (json!({"targetCourse": {}}), "targetCourse: needs courseId"),
        (json!({"targetCourse": {"courseId": "a", "id": "_1_1"}}), "not both"),
        (json!({"targetCourse": {"id": "BIO"}}), "targetCourse.id:"),
        // A generated Java client writes an unset id as `{}`: with no
        // courseId beside it, the error names the key it wrote.
        (json!({"targetCourse": {"id": {}}}), "targetCourse.id: is empty"),
        (json!({"targetCourse": {"id": null}}), "targetCourse.id: is empty"),
        (json!({"targetCourse": {"courseId": 5}}), "targetCourse.courseId:"),
        (json!({"targetCourse": {"courseId": "x"}, "copy": {"gradebook": "yes"}}), "copy.gradebook:"),
        (json!({"targetCourse": {"courseId": "x"}, "copy": {"discussions": "Some"}}), "copy.discussions:"),
        (json!({"targetCourse": {"courseId": "x"}, "copy": {"settings": {"duration": 1}}}), "copy.settings.duration:"),
        (json!({"targetCourse": {"courseId": "x"}, "copy": []}), "copy options"),
        (json!({"targetCourse": {"courseId": "x"}, "mode": "clone"}), "mode:"),
        (json!([1, 2]), "copy request body"),
        (json!("text"), "copy request body"),
    ];
    for (body, needle) in cases {
        let err = request(body.clone()).unwrap_err();
        assert!(err.contains(needle), "{body}: {err:?} should mention {needle:?}");
    }
    assert!(serde_json::from_str::<LearnCopyRequest>("{\"targetCourse\": {\"courseId\": \"x\"").is_err());
}

/// LMS-11 and LMS-10: the v3 PATCH body deserialises into a course change,
/// and is refused whole when a value is wrong.
#[test]
fn lms11_patch_body_applies_as_an_update() {
    let mut w = lms_world(1);
    let body = r#"{
        "externalId": "mbk-original-target2",
        "name": "mbk-original-target2",
        "description": "my copied course",
        "availability": {"available": "Yes", "duration": {"type": "DateRange", "start": "2027-01-01T00:00:00.000Z", "end": "2027-05-01T00:00:00.000Z"}},
        "enrollment": {"type": "SelfEnrollment", "accessCode": "abc"},
        "locale": {"id": "es_ES", "force": false},
        "allowGuests": "false",
        "allowObservers": true,
        "someNewField": {"x": 1}
    }"#;
    let change: CourseChange = serde_json::from_str::<LearnCourseChange>(body).unwrap().into();
    w.ws.update_course(w.author, w.course, change).unwrap();
    let c = w.ws.course(w.course).unwrap();
    assert_eq!(
        (c.external_id(), c.title(), c.description()),
        ("mbk-original-target2", "mbk-original-target2", "my copied course")
    );
    assert_eq!(c.settings().availability(), Availability::Yes);
    assert!(matches!(c.settings().duration(), Duration::DateRange { .. }));
    assert!(
        matches!(c.settings().enrollment(), Enrollment::SelfEnrollment { access_code: Some(code), .. } if &**code == "abc")
    );
    assert_eq!(c.settings().locale(), Some("es_ES"));
    assert!(!c.settings().guest_access());
    assert!(c.settings().observer_access());

    // course_id cannot change; the update is refused whole.
    let before = w.ws.clone();
    let change: CourseChange =
        serde_json::from_str::<LearnCourseChange>(r#"{"name": "New", "courseId": "OTHER"}"#).unwrap().into();
    assert!(matches!(
        w.ws.update_course(w.author, w.course, change),
        Err(Error::Invalid { field: coursecopy::Field::CourseId, .. })
    ));
    let body = r#"{"name": "New", "availability": {"duration": {"type": "DateRange", "start": "2027-05-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"}}}"#;
    let change: CourseChange = serde_json::from_str::<LearnCourseChange>(body).unwrap().into();
    assert!(matches!(
        w.ws.update_course(w.author, w.course, change),
        Err(Error::Invalid { field: coursecopy::Field::Duration, .. })
    ));
    assert_eq!(w.ws, before);
}

/// LMS-11: malformed PATCH bodies name the field.
#[test]
fn lms11_malformed_patch_bodies_name_the_field() {
    let cases = [
        (r#"{"name": 3}"#, "name:"),
        (r#"{"availability": {"available": "Maybe"}}"#, "availability.available:"),
        (
            r#"{"availability": {"duration": {"type": "DateRange", "start": "2027-01-01T00:00:00Z"}}}"#,
            "availability.duration.end: missing",
        ),
        (r#"{"availability": {"duration": {"type": "FixedNumDays"}}}"#, "availability.duration.daysOfUse: missing"),
        (
            r#"{"availability": {"duration": {"type": "FixedNumDays", "daysOfUse": -2}}}"#,
            "availability.duration.daysOfUse:",
        ),
        (r#"{"availability": {"duration": {"start": "2027-01-01T00:00:00Z"}}}"#, "availability.duration.type: missing"),
        (
            r#"{"availability": {"duration": {"type": "DateRange", "start": "yesterday", "end": "2027-01-01T00:00:00Z"}}}"#,
            "availability.duration.start:",
        ),
        (r#"{"enrollment": {"type": "Lottery"}}"#, "enrollment.type:"),
        (r#"{"allowGuests": "perhaps"}"#, "allowGuests:"),
        (r#"{"locale": {"id": 7}}"#, "locale.id:"),
    ];
    for (body, needle) in cases {
        let err = serde_json::from_str::<LearnCourseChange>(body).unwrap_err().to_string();
        assert!(err.contains(needle), "{body}: {err:?} should mention {needle:?}");
    }
}

/// LMS-11: a task status serialises like the LMS's task object.
#[test]
fn lms11_task_status_serialises_like_the_lms() {
    let mut w = lms_world(2);
    let task = w.ws.request_copy(w.author, w.course, &to_new("J")).unwrap();
    let queued = serde_json::to_value(w.ws.task_status(task).unwrap()).unwrap();
    assert_eq!(queued["status"], "Queued");
    assert_eq!(queued["percentComplete"], 0);
    assert_eq!(queued["queuePosition"], 1);
    assert!(queued["id"].as_str().unwrap().starts_with('_'));
    assert!(queued.get("started").is_none());
    w.ws.run_tasks(3);
    let running = serde_json::to_value(w.ws.task_status(task).unwrap()).unwrap();
    assert_eq!(running["status"], "Running");
    let started = running["started"].as_str().unwrap();
    assert!(started.parse::<Timestamp>().is_ok(), "{started}");
    w.ws.run_all_tasks();
    let done = serde_json::to_value(w.ws.task_status(task).unwrap()).unwrap();
    assert_eq!((done["status"].as_str(), done["percentComplete"].as_u64()), (Some("Complete"), Some(100)));
    let mut sel = CopySelection::everything();
    sel.assessments = false;
    let partial = w.ws.request_copy(w.author, w.course, &to_new("K").selection(sel)).unwrap();
    w.ws.run_all_tasks();
    let with_errors = serde_json::to_value(w.ws.task_status(partial).unwrap()).unwrap();
    assert_eq!(with_errors["status"], "CompleteWithErrors");
    assert_eq!(with_errors["errors"].as_array().unwrap().len(), 1);
}
