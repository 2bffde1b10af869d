//! SRV-11: Learn's wire as real clients send and read it, in the library.
#![cfg(feature = "serde")]

mod common;
use common::lms::*;
use coursecopy::*;
use serde_json::json;

/// SRV-11: `uuid:X` names a course, as do `_12_1`, `courseId:X` and
/// `externalId:X`; a reference that matches nothing is `UnknownCourse`,
/// naming it.
#[test]
fn srv11_uuid_ids_name_courses() {
    let w = lms_world(1);
    let c = w.ws.course(w.course).unwrap();
    let forms = [
        c.lms_id(),
        format!("courseId:{}", c.course_id()),
        format!("externalId:{}", c.external_id()),
        format!("uuid:{}", c.uuid()),
        format!("uuid:{}", c.uuid().to_uppercase()),
    ];
    for form in &forms {
        let r: CourseRef = form.parse().unwrap();
        assert_eq!(w.ws.resolve_course(&r).unwrap(), w.course, "{form}");
        assert_eq!(r.to_string().to_lowercase(), form.to_lowercase());
    }
    for missing in ["uuid:0123456789abcdef0123456789abcdef", "uuid:xyz", "uuid:", "_999_1", "courseId:NOPE"] {
        let r: CourseRef = missing.parse().unwrap();
        match w.ws.resolve_course(&r) {
            Err(Error::UnknownCourse { course }) => assert_eq!(course, missing),
            other => panic!("{missing}: {other:?}"),
        }
    }
}

/// SRV-11: a duration `UseTerm` (the 3900.12x swagger's name) reads as
/// `Term`, and `Term` is what is written.
#[test]
fn srv11_use_term_reads_as_term_and_term_is_written() {
    let mut w = lms_world(1);
    let change: CourseChange = serde_json::from_value::<LearnCourseChange>(
        json!({"availability": {"available": "Term", "duration": {"type": "UseTerm"}}}),
    )
    .unwrap()
    .into();
    w.ws.update_course(w.author, w.course, change).unwrap();
    assert_eq!(w.ws.course(w.course).unwrap().settings().duration(), Duration::Term);
    let written = serde_json::to_value(LearnCourse::of(&w.ws, w.course).unwrap()).unwrap();
    assert_eq!(written["availability"]["duration"]["type"], "Term");
    assert_eq!(written["availability"]["available"], "Term");
}

/// SRV-11, LMS-12: `enrollment.accessCode` at most 50 characters and
/// `locale.id` at most 20, counted in characters; refused whole.
#[test]
fn srv11_access_code_and_locale_limits_count_characters() {
    let mut w = lms_world(1);
    let before = w.ws.clone();
    let code = |n: usize| json!({"enrollment": {"type": "SelfEnrollment", "accessCode": "é".repeat(n)}});
    let locale = |n: usize| json!({"name": "Renamed", "locale": {"id": "ü".repeat(n)}});
    for (body, field) in [(code(51), "access_code"), (locale(21), "locale")] {
        let change: CourseChange = serde_json::from_value::<LearnCourseChange>(body).unwrap().into();
        match w.ws.update_course(w.author, w.course, change) {
            Err(Error::Invalid { field: f, .. }) => assert_eq!(f.name(), field),
            other => panic!("{other:?}"),
        }
        assert_eq!(w.ws, before);
    }
    for body in [code(50), locale(20)] {
        w.ws.update_course(w.author, w.course, serde_json::from_value::<LearnCourseChange>(body).unwrap().into())
            .unwrap();
    }
    assert_eq!(w.ws.course(w.course).unwrap().settings().locale(), Some("ü".repeat(20).as_str()));
    assert_eq!((limits::ACCESS_CODE, limits::LOCALE), (50, 20));
}

/// SRV-11: a PATCH that names `courseId` is refused naming it, even when
/// it names the stored value; nothing changes.
#[test]
fn srv11_patch_naming_course_id_is_refused_even_unchanged() {
    let mut w = lms_world(1);
    let before = w.ws.clone();
    for id in ["BIO-101", "OTHER"] {
        let change: CourseChange =
            serde_json::from_value::<LearnCourseChange>(json!({"name": "New", "courseId": id})).unwrap().into();
        match w.ws.update_course(w.author, w.course, change) {
            Err(Error::Invalid { field: coursecopy::Field::CourseId, .. }) => {}
            other => panic!("{id}: {other:?}"),
        }
        assert_eq!(w.ws, before);
    }
}

/// SRV-11, LMS-2: a new course made by a copy gets `externalId` = its
/// `courseId`; a collision with another course's external id is a conflict
/// when the copy is requested.
#[test]
fn srv11_copy_target_external_id_is_its_course_id() {
    let mut w = lms_world(1);
    let task = w.ws.request_copy(w.author, w.course, &to_new("BIO-2027")).unwrap();
    w.ws.run_all_tasks();
    let (copy, _) = finished(&w.ws, task);
    let json = serde_json::to_value(LearnCourse::of(&w.ws, copy).unwrap()).unwrap();
    assert_eq!((json["courseId"].as_str(), json["externalId"].as_str()), (Some("BIO-2027"), Some("BIO-2027")));
    // The source's uuid is in the copy's history, as Learn shows it.
    assert_eq!(json["copyHistory"][0]["uuid"], w.ws.course(w.course).unwrap().uuid());

    // A course whose external id is "TAKEN" makes "TAKEN" unusable as a new
    // copy's course id.
    w.ws.create_course(w.author, NewCourse::new("OTHER", "Other").external_id("TAKEN")).unwrap();
    let before = w.ws.clone();
    match w.ws.request_copy(w.author, w.course, &to_new("TAKEN")) {
        Err(Error::Conflict { field: coursecopy::Field::ExternalId, value, .. }) => assert_eq!(value, "TAKEN"),
        other => panic!("{other:?}"),
    }
    assert_eq!(w.ws, before);
}

/// SRV-11: the Learn-wire task holds exactly `id`, `status`,
/// `percentComplete` (an integer) and `started` (absent while queued); a
/// cancelled task is written `Incomplete`; `Assigned` and `Waiting` read as
/// queued, `CompleteErrors` as `CompleteWithErrors`. The library's own
/// task JSON keeps `Cancelled`.
#[test]
fn srv11_learn_course_task_form() {
    let mut w = lms_world(3);
    w.ws.set_task_limit(w.admin, 1).unwrap();
    let first = w.ws.request_copy(w.author, w.course, &to_new("A")).unwrap();
    let second = w.ws.request_copy(w.author, w.course, &to_new("B")).unwrap();
    w.ws.run_tasks(1);
    let queued = LearnCourseTask::from(&w.ws.task_status(second).unwrap());
    let json = serde_json::to_value(&queued).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["id", "percentComplete", "status"]);
    assert_eq!(json["status"], "Queued");
    let running = serde_json::to_value(LearnCourseTask::from(&w.ws.task_status(first).unwrap())).unwrap();
    assert_eq!(running["status"], "Running");
    assert!(running["percentComplete"].is_u64());
    assert!(running["started"].is_string());

    w.ws.cancel_task(w.author, second).unwrap();
    let status = w.ws.task_status(second).unwrap();
    assert_eq!(serde_json::to_value(&status).unwrap()["status"], "Cancelled");
    assert_eq!(serde_json::to_value(LearnCourseTask::from(&status)).unwrap()["status"], "Incomplete");

    for (name, read) in [
        ("Assigned", LearnTaskStatus::Queued),
        ("Waiting", LearnTaskStatus::Queued),
        ("Queued", LearnTaskStatus::Queued),
        ("CompleteErrors", LearnTaskStatus::CompleteWithErrors),
        ("Complete", LearnTaskStatus::Complete),
        ("Incomplete", LearnTaskStatus::Incomplete),
    ] {
        let task: LearnCourseTask =
            serde_json::from_value(json!({"id": "_1_1", "status": name, "percentComplete": 40})).unwrap();
        assert_eq!((task.status, task.percent_complete, task.started), (read, 40, None));
        let back: LearnCourseTask = serde_json::from_value(serde_json::to_value(&task).unwrap()).unwrap();
        assert_eq!(back, task);
    }
    assert!(
        serde_json::from_value::<LearnCourseTask>(json!({"id": "_1_1", "status": "Done", "percentComplete": 1}))
            .is_err()
    );
}

/// SRV-11: the bodies real clients send are read as they mean them: a
/// generated Java client's `targetCourse.id` written `{}` beside a
/// `courseId`; an old Go client's `0001-01-01` duration dates on a
/// continuous duration; a PowerShell client's PATCH made of a whole GET
/// body minus a few keys.
#[test]
fn srv11_client_bodies_are_read_as_meant() {
    let java: CopyRequest = serde_json::from_value::<LearnCopyRequest>(json!({
        "targetCourse": {"courseId": "JAVA-1", "id": {}},
        "copy": {"announcements": true, "assessments": false}
    }))
    .unwrap()
    .into();
    assert_eq!(java.target, CopyTarget::NewCourse { course_id: "JAVA-1".into() });

    let mut w = lms_world(1);
    let go: CourseChange = serde_json::from_value::<LearnCourseChange>(json!({
        "name": "Go", "availability": {"duration": {"type": "Continuous", "start": "0001-01-01T00:00:00Z", "end": "0001-01-01T00:00:00Z"}}
    }))
    .unwrap()
    .into();
    w.ws.update_course(w.author, w.course, go).unwrap();
    assert_eq!(w.ws.course(w.course).unwrap().settings().duration(), Duration::Continuous);

    let mut whole = serde_json::to_value(LearnCourse::of(&w.ws, w.course).unwrap()).unwrap();
    let object = whole.as_object_mut().unwrap();
    for key in ["courseId", "created", "guestAccessUrl", "externalAccessUrl", "readOnly", "hasChildren", "parentId"] {
        object.remove(key);
    }
    object.insert("name".into(), json!("PowerShell"));
    let before = LearnCourse::of(&w.ws, w.course).unwrap();
    let change: CourseChange = serde_json::from_value::<LearnCourseChange>(whole).unwrap().into();
    w.ws.update_course(w.author, w.course, change).unwrap();
    let after = LearnCourse::of(&w.ws, w.course).unwrap();
    assert_eq!(after.name, "PowerShell");
    assert_eq!(
        (after.availability, after.enrollment, after.locale),
        (before.availability, before.enrollment, before.locale)
    );
}
