//! The copy flow over HTTP (SRV-5, SRV-6, SRV-8, SRV-10, SRV-11): copy,
//! poll, follow, PATCH; the task forms; busy targets; the test controls.

mod common;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const COPY: &str = "/learn/api/public/v2/courses/courseId:BIO-101/copy";

/// SRV-5, SRV-6: the whole flow as integrations run it: token, copy (202,
/// `{}`, Location under the target's primary id), poll until 303, follow
/// to the course, PATCH it.
#[tokio::test]
async fn srv5_srv6_copy_poll_follow_patch() {
    let s = start(&["--units-per-second", "0"]).await;
    let t = s.token("author-key").await;
    let body = json!({"targetCourse": {"courseId": "BIO-101-2027"}, "copy": {"contentAreas": "true", "settings": {"availability": "true"}}});
    let r = s.call(Method::POST, COPY, &t, Some(body)).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let location = location(&r);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({}));
    let parts: Vec<&str> = location.split('/').collect();
    assert_eq!(&parts[..6], ["", "learn", "api", "public", "v1", "courses"], "{location}");
    assert_eq!(parts[7], "tasks");

    let done = s.poll(&location, &t).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let course_url = location_of(&done);
    assert_eq!(course_url, format!("{V3}/courses/{}", parts[6]));
    let (status, course) = s.get(&course_url, &t).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (course["courseId"].as_str(), course["externalId"].as_str()),
        (Some("BIO-101-2027"), Some("BIO-101-2027"))
    );
    let (_, source) = s.get(&format!("{V3}/courses/courseId:BIO-101"), &t).await;
    assert_eq!(course["copyHistory"][0]["uuid"], source["uuid"]);

    // The copy brought the learning objects and their pages.
    let (_, contents) = s.get(&format!("{V1}/courses/{}/contents", parts[6]), &t).await;
    let folders = contents["results"].as_array().unwrap();
    let titles: Vec<&str> = folders.iter().map(|f| f["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Cells", "Genetics", "Ecology"]);
    assert!(folders.iter().all(|f| f["contentHandler"]["id"] == "resource/x-bb-folder"));
    let first = folders[0]["id"].as_str().unwrap();
    let (_, pages) = s.get(&format!("{V1}/courses/{}/contents/{first}/children", parts[6]), &t).await;
    let pages = pages["results"].as_array().unwrap();
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().enumerate().all(|(i, p)| p["parentId"] == first
        && p["position"] == i
        && p["contentHandler"]["id"] == "resource/x-bb-document"));
    let (_, users) = s.get(&format!("{V1}/courses/{}/users", parts[6]), &t).await;
    assert!(users["results"].as_array().unwrap().iter().any(|m| m["courseRoleId"] == "Instructor"));

    // The PATCH step, as the copying guide sends it.
    let patch = json!({"externalId": "bio-2027", "name": "Biology 2027", "description": "Copied"});
    let (status, patched) = read(s.call(Method::PATCH, &course_url, &t, Some(patch)).await).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["externalId"], "bio-2027");
    assert_eq!(s.get(&format!("{V3}/courses/externalId:bio-2027"), &t).await.1["name"], "Biology 2027");
    s.stop().await;
}

fn location_of(r: &reqwest::Response) -> String {
    location(r)
}

/// SRV-6: a client that follows redirects (as Go, Python, PowerShell and
/// OkHttp do) ends on the course JSON with 200.
#[tokio::test]
async fn srv6_clients_that_follow_303_see_the_course() {
    let s = start(&["--units-per-second", "0"]).await;
    let t = s.token("author-key").await;
    let r = s.call(Method::POST, COPY, &t, Some(json!({"targetCourse": {"courseId": "FOLLOW"}}))).await;
    let location = location(&r);
    let following = reqwest::Client::new();
    for _ in 0..2000 {
        let r = following.get(s.url(&location)).bearer_auth(&t).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        if body.get("courseId").is_some() {
            assert_eq!(body["courseId"], "FOLLOW");
            s.stop().await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("never redirected");
}

/// SRV-6, SRV-8, SRV-10, LMS-6: paused, a queued task answers 200 with
/// `Queued` and no `started`; stepping it makes it `Running` with an
/// integer percentage; meanwhile the target reads (200) but PATCH and
/// DELETE answer 409. The SystemTask form says `Waiting`, `Running`,
/// `Complete`, with `type` and `ended`.
#[tokio::test]
async fn srv6_srv8_task_forms_and_busy_target() {
    let s = start(&[]).await;
    assert_eq!(s.control(Method::POST, "/_coursecopy/runner/pause", None).await.0, StatusCode::OK);
    let t = s.token("author-key").await;
    let r = s.call(Method::POST, COPY, &t, Some(json!({"targetCourse": {"courseId": "STEPPED"}}))).await;
    let location = location(&r);
    let task_id = location.rsplit('/').next().unwrap().to_string();
    let system = format!("{V1}/system/tasks/{task_id}");

    let (status, task) = s.get(&location, &t).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(task, json!({"id": task_id, "status": "Queued", "percentComplete": 0}));
    let (_, sys) = s.get(&system, &t).await;
    assert_eq!((sys["status"].as_str(), sys["type"].as_str()), (Some("Waiting"), Some("CourseCopy")));
    assert!(sys.get("ended").is_none());

    let (_, stepped) = s.control(Method::POST, "/_coursecopy/runner/step?units=2", None).await;
    assert_eq!(stepped["units"], 2);
    let (_, task) = s.get(&location, &t).await;
    assert_eq!(task["status"], "Running");
    assert!(task["percentComplete"].is_u64() && task["started"].is_string(), "{task}");
    assert_eq!(s.get(&system, &t).await.1["status"], "Running");

    // LMS-6: the target reads while its copy runs; SRV-8: changes are 409.
    let target = format!("{V3}/courses/courseId:STEPPED");
    assert_eq!(s.get(&target, &t).await.0, StatusCode::OK);
    let (status, err) = read(s.call(Method::PATCH, &target, &t, Some(json!({"name": "Early"}))).await).await;
    assert_error(status, &err, StatusCode::CONFLICT);
    let (status, err) = read(s.call(Method::DELETE, &target, &t, None).await).await;
    assert_error(status, &err, StatusCode::CONFLICT);

    s.control(Method::POST, "/_coursecopy/runner/resume", None).await;
    let done = s.poll(&location, &t).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let (_, sys) = s.get(&system, &t).await;
    assert_eq!(sys["status"], "Complete");
    assert_eq!(sys["percentComplete"], 100);
    assert!(sys["ended"].as_str().unwrap() >= sys["started"].as_str().unwrap());
    s.stop().await;
}

/// SRV-5: the deprecated v1 copy route takes `{"courseId": X}`; its
/// Location names the target's primary id; the target exists at once.
#[tokio::test]
async fn srv5_v1_copy_route_takes_its_v1_body() {
    let s = start(&["--units-per-second", "0"]).await;
    let t = s.token("author-key").await;
    let r = s
        .call(Method::POST, &format!("{V1}/courses/courseId:BIO-101/copy"), &t, Some(json!({"courseId": "V1-COPY"})))
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let location = location(&r);
    let (_, target) = s.get(&format!("{V3}/courses/courseId:V1-COPY"), &t).await;
    assert!(location.starts_with(&format!("{V1}/courses/{}/tasks/", target["id"].as_str().unwrap())), "{location}");
    assert_eq!(s.poll(&location, &t).await.status(), StatusCode::SEE_OTHER);
    let (status, err) =
        read(s.call(Method::POST, &format!("{V1}/courses/courseId:BIO-101/copy"), &t, Some(json!({}))).await).await;
    assert_error(status, &err, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().starts_with("courseId"));
    // A task polled under another course is not found.
    let other = location.replace(target["id"].as_str().unwrap(), "_1_1");
    assert_eq!(s.get(&other, &t).await.0, StatusCode::NOT_FOUND);
    s.stop().await;
}

/// SRV-5, SRV-7, SRV-11: a copy into an existing course by `targetCourse.id`
/// in each form; a taken new id is 409 at request time; the Java client's
/// `"id": {}` beside `courseId` is a new course.
#[tokio::test]
async fn srv5_copy_targets_and_conflicts() {
    let s = start(&["--units-per-second", "0"]).await;
    let t = s.token("author-key").await;
    let (_, chem) = s.get(&format!("{V3}/courses/courseId:CHEM-101"), &t).await;
    for id in [
        chem["id"].as_str().unwrap().to_string(),
        "courseId:CHEM-101".into(),
        format!("uuid:{}", chem["uuid"].as_str().unwrap()),
    ] {
        let r = s
            .call(Method::POST, COPY, &t, Some(json!({"targetCourse": {"id": id}, "copy": {"contentAreas": true}})))
            .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "{id}");
        assert!(location(&r).contains(chem["id"].as_str().unwrap()));
        assert_eq!(s.poll(&location(&r), &t).await.status(), StatusCode::SEE_OTHER);
    }
    for taken in ["CHEM-101", "BIO-101-2025"] {
        let (status, err) =
            read(s.call(Method::POST, COPY, &t, Some(json!({"targetCourse": {"courseId": taken}}))).await).await;
        assert_error(status, &err, StatusCode::CONFLICT);
    }
    let java = json!({"targetCourse": {"courseId": "JAVA", "id": {}}, "copy": {"announcements": false, "assessments": false, "contentAreas": true}});
    let r = s.call(Method::POST, COPY, &t, Some(java)).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    s.stop().await;
}

/// SRV-7: the task queue full (`--max-queued`) is 429 with Retry-After.
#[tokio::test]
async fn srv7_full_queue_is_429() {
    let s = start(&["--max-queued", "2"]).await;
    s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    let t = s.token("author-key").await;
    for id in ["Q1", "Q2"] {
        let r = s.call(Method::POST, COPY, &t, Some(json!({"targetCourse": {"courseId": id}}))).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
    }
    let r = s.call(Method::POST, COPY, &t, Some(json!({"targetCourse": {"courseId": "Q3"}}))).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    // Nothing of the refused copy exists.
    assert_eq!(s.get(&format!("{V3}/courses/courseId:Q3"), &t).await.0, StatusCode::NOT_FOUND);
    s.stop().await;
}

/// SRV-10: the controls need the admin token; health, download, reset to
/// the demo and to an uploaded workspace, the sharing graph.
#[tokio::test]
async fn srv10_controls_health_reset_download_graph() {
    let s = start(&[]).await;
    let r = s.client.get(s.url("/_coursecopy/health")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let t = s.token("admin-key").await;
    assert_eq!(s.get("/_coursecopy/health", &t).await.0, StatusCode::UNAUTHORIZED);
    let (status, health) = s.control(Method::GET, "/_coursecopy/health", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (health["status"].as_str(), health["courses"].as_u64(), health["durable"].as_bool()),
        (Some("ok"), Some(3), Some(false))
    );

    // Download, change, upload the download: back as it was.
    let saved =
        s.client.get(s.url("/_coursecopy/workspace")).bearer_auth(&s.admin).send().await.unwrap().text().await.unwrap();
    let r =
        s.call(Method::POST, &format!("{V3}/courses"), &t, Some(json!({"courseId": "EXTRA", "name": "Extra"}))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = s.client.post(s.url("/_coursecopy/reset")).bearer_auth(&s.admin).body(saved).send().await.unwrap();
    // The answer says what was loaded, so that an upload that went
    // missing cannot pass for one that loaded.
    assert_eq!(read(r).await, (StatusCode::OK, json!({"reset": "saved workspace", "courses": 3})));
    // Tokens do not survive a reset.
    assert_eq!(s.get(&format!("{V3}/courses"), &t).await.0, StatusCode::UNAUTHORIZED);
    let t = s.token("admin-key").await;
    assert_eq!(s.get(&format!("{V3}/courses/courseId:EXTRA"), &t).await.0, StatusCode::NOT_FOUND);
    let r =
        s.client.post(s.url("/_coursecopy/reset")).bearer_auth(&s.admin).body("{\"format\": 2").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (status, answer) = s.control(Method::POST, "/_coursecopy/reset", None).await;
    assert_eq!((status, answer), (StatusCode::OK, json!({"reset": "demo", "courses": 3})));

    let r = s.client.get(s.url("/_coursecopy/graph")).bearer_auth(&s.admin).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let dot = r.text().await.unwrap();
    assert!(dot.starts_with("digraph") || dot.starts_with("graph"), "{dot}");
    assert!(dot.contains("Cells"));
    s.stop().await;
}

/// SRV-10: injected faults: the next copy ends Incomplete with its new
/// target removed; the next requests answer 503 and 429; latency; what is
/// armed reads back, and a reset disarms it.
#[tokio::test]
async fn srv10_fault_injection() {
    let s = start(&["--units-per-second", "0"]).await;
    let t = s.token("author-key").await;
    let (status, faults) = s.control(Method::POST, "/_coursecopy/faults", Some(json!({"failCopies": 1}))).await;
    assert_eq!((status, faults["failCopies"].as_u64()), (StatusCode::OK, Some(1)));
    let r = s.call(Method::POST, COPY, &t, Some(json!({"targetCourse": {"courseId": "DOOMED"}}))).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let location = location(&r);
    let (status, task) = s.get(&location, &t).await;
    assert_eq!((status, task["status"].as_str()), (StatusCode::OK, Some("Incomplete")));
    assert_eq!(s.get(&format!("{V3}/courses/courseId:DOOMED"), &t).await.0, StatusCode::NOT_FOUND);
    let (_, sys) = s.get(&format!("{V1}/system/tasks/{}", location.rsplit('/').next().unwrap()), &t).await;
    assert_eq!(sys["status"], "Incomplete");
    // The next copy is fine again.
    let r = s.call(Method::POST, COPY, &t, Some(json!({"targetCourse": {"courseId": "FINE"}}))).await;
    assert_eq!(s.poll(&location_of(&r), &t).await.status(), StatusCode::SEE_OTHER);

    s.control(Method::POST, "/_coursecopy/faults", Some(json!({"unavailable": 1, "throttled": 1}))).await;
    let (status, err) = s.get(&format!("{V3}/courses"), &t).await;
    assert_error(status, &err, StatusCode::SERVICE_UNAVAILABLE);
    let r = s.call(Method::GET, &format!("{V3}/courses"), &t, None).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(s.get(&format!("{V3}/courses"), &t).await.0, StatusCode::OK);

    s.control(Method::POST, "/_coursecopy/faults", Some(json!({"latencyMs": 150}))).await;
    let start = std::time::Instant::now();
    assert_eq!(s.get(&format!("{V3}/courses"), &t).await.0, StatusCode::OK);
    assert!(start.elapsed() >= std::time::Duration::from_millis(150));
    let (status, _) = s.control(Method::POST, "/_coursecopy/faults", Some(json!({"nonsense": 1}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // What is armed can be read; a reset disarms everything.
    s.control(Method::POST, "/_coursecopy/faults", Some(json!({"failCopies": 2}))).await;
    let armed = json!({"failCopies": 2, "latencyMs": 150, "throttled": 0, "unavailable": 0});
    assert_eq!(s.control(Method::GET, "/_coursecopy/faults", None).await, (StatusCode::OK, armed));
    s.control(Method::POST, "/_coursecopy/reset", None).await;
    let none = json!({"failCopies": 0, "latencyMs": 0, "throttled": 0, "unavailable": 0});
    assert_eq!(s.control(Method::GET, "/_coursecopy/faults", None).await, (StatusCode::OK, none));
    s.stop().await;
}

/// SRV-11 over HTTP: `UseTerm` is read and `Term` written; a PowerShell
/// client's PATCH of the whole GET body minus a few keys applies; an old
/// Go client's `0001-01-01` dates on a continuous duration are harmless.
#[tokio::test]
async fn srv11_client_bodies_over_http() {
    let s = start(&[]).await;
    let t = s.token("author-key").await;
    let bio = format!("{V3}/courses/courseId:BIO-101");
    let (status, v) = read(
        s.call(
            Method::PATCH,
            &bio,
            &t,
            Some(json!({"availability": {"available": "Term", "duration": {"type": "UseTerm"}}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["availability"]["duration"]["type"], "Term");

    let (_, mut whole) = s.get(&bio, &t).await;
    for key in ["courseId", "created", "guestAccessUrl", "externalAccessUrl", "readOnly", "hasChildren", "parentId"] {
        whole.as_object_mut().unwrap().remove(key);
    }
    whole["name"] = json!("Biology, as PowerShell wrote it");
    let (status, v) = read(s.call(Method::PATCH, &bio, &t, Some(whole)).await).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "Biology, as PowerShell wrote it");

    let go = json!({"name": "Go", "availability": {"duration": {"type": "Continuous", "start": "0001-01-01T00:00:00Z", "end": "0001-01-01T00:00:00Z"}}});
    let (status, v) = read(s.call(Method::PATCH, &bio, &t, Some(go)).await).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["availability"]["duration"], json!({"type": "Continuous"}));
    // The Java client's PATCH: allowGuests, closedComplete, daysOfUse 0.
    let java = json!({"allowGuests": false, "closedComplete": false, "availability": {"duration": {"type": "Continuous", "daysOfUse": 0}}});
    assert_eq!(s.call(Method::PATCH, &bio, &t, Some(java)).await.status(), StatusCode::OK);
    s.stop().await;
}

/// SRV-8, LMS-5: at most 4 copies run at once by default; the rest wait,
/// in request order, and run as places free up.
#[tokio::test]
async fn srv8_at_most_four_copies_run_at_once() {
    let s = start(&[]).await;
    s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    let t = s.token("author-key").await;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let r = s.call(Method::POST, COPY, &t, Some(json!({"targetCourse": {"courseId": format!("PAR-{i}")}}))).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        tasks.push(location(&r));
    }
    s.control(Method::POST, "/_coursecopy/runner/step?units=4", None).await;
    let mut states = Vec::new();
    for task in &tasks {
        states.push(s.get(task, &t).await.1["status"].as_str().unwrap().to_string());
    }
    assert_eq!(states, ["Running", "Running", "Running", "Running", "Queued", "Queued"]);
    s.control(Method::POST, "/_coursecopy/runner/resume", None).await;
    for task in &tasks {
        assert_eq!(s.poll(task, &t).await.status(), StatusCode::SEE_OTHER);
    }
    s.stop().await;
}

/// LNK-12, LNK-1: a copy request with `"mode": "Linked"` makes a linked
/// copy, and the contents view shows which folders and documents are
/// linked, with a link to their upstream.
#[tokio::test]
async fn lnk12_linked_mode_over_http_and_linked_contents() {
    let s = start(&["--units-per-second", "0"]).await;
    let t = s.token("author-key").await;
    let body = json!({"targetCourse": {"courseId": "BIO-101-LINKED"}, "mode": "Linked"});
    let r = s.call(Method::POST, COPY, &t, Some(body)).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let task = location(&r);
    assert_eq!(s.poll(&task, &t).await.status(), StatusCode::SEE_OTHER);
    let (_, source) = s.get(&format!("{V3}/courses/courseId:BIO-101"), &t).await;
    let source_id = source["id"].as_str().unwrap().to_string();
    let (_, contents) = s.get(&format!("{V1}/courses/courseId:BIO-101-LINKED/contents"), &t).await;
    let folders = contents["results"].as_array().unwrap();
    let (_, upstream) = s.get(&format!("{V1}/courses/courseId:BIO-101/contents"), &t).await;
    for (folder, up) in folders.iter().zip(upstream["results"].as_array().unwrap()) {
        let link = &folder["links"][0];
        assert_eq!(link["rel"], "alternate");
        assert_eq!(
            link["href"],
            format!("/learn/api/public/v1/courses/{source_id}/contents/{}", up["id"].as_str().unwrap())
        );
        assert!(up.get("links").is_none(), "the upstream is not linked");
    }
    let first = folders[0]["id"].as_str().unwrap();
    let (_, pages) = s.get(&format!("{V1}/courses/courseId:BIO-101-LINKED/contents/{first}/children"), &t).await;
    assert!(pages["results"].as_array().unwrap().iter().all(|p| p["links"][0]["title"] == "linked upstream"));
    // A Duplicate is not linked.
    let r = s.call(Method::POST, COPY, &t, Some(json!({"targetCourse": {"courseId": "BIO-101-DUP2"}}))).await;
    assert_eq!(s.poll(&location(&r), &t).await.status(), StatusCode::SEE_OTHER);
    let (_, contents) = s.get(&format!("{V1}/courses/courseId:BIO-101-DUP2/contents"), &t).await;
    assert!(contents["results"].as_array().unwrap().iter().all(|f| f.get("links").is_none()));
    s.stop().await;
}

/// DAT-7: a course made with `timeZone`, its zone changed by PATCH (an
/// unknown one refused, naming the field), then copied with Canvas's
/// `dateShift` options: the copy's duration moves in the course's zone,
/// and the task view shows the shift report as an extra key (clients
/// that follow the 303 see the course, as before).
#[tokio::test]
async fn dat7_time_zone_and_date_shift_over_http() {
    let s = start(&["--units-per-second", "0"]).await;
    let t = s.token("author-key").await;
    let course = json!({
        "courseId": "HIST-200", "name": "History", "timeZone": "Europe/Berlin",
        "availability": {"duration": {"type": "DateRange", "start": "2027-02-28T23:00:00.000Z", "end": "2027-07-31T21:59:00.000Z"}}
    });
    let (status, created) = read(s.call(Method::POST, &format!("{V3}/courses"), &t, Some(course)).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let url = format!("{V3}/courses/courseId:HIST-200");
    let (status, refused) =
        read(s.call(Method::PATCH, &url, &t, Some(json!({"timeZone": "Europe/Atlantis"}))).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(refused["message"].as_str().unwrap().contains("timeZone"), "{refused}");
    let (status, _) = read(s.call(Method::PATCH, &url, &t, Some(json!({"timeZone": "America/New_York"}))).await).await;
    assert_eq!(status, StatusCode::OK);

    // 2027-02-28 18:00 in New York is a Sunday; the new term starts on a
    // Sunday too, a year and a day later.
    let body = json!({
        "targetCourse": {"courseId": "HIST-200-2028"},
        "dateShift": {"shiftDates": true, "oldStartDate": "2027-02-28", "oldEndDate": "2027-07-31",
                      "newStartDate": "2028-02-27", "newEndDate": "2028-07-29"}
    });
    let r = s.call(Method::POST, "/learn/api/public/v2/courses/courseId:HIST-200/copy", &t, Some(body)).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let task = location(&r);
    let (status, view) = read(s.poll(&task, &t).await).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(view["status"], "Complete");
    let report = &view["dateShift"];
    assert_eq!(report["timeZone"], "America/New_York");
    assert_eq!(report["shifted"][0]["item"]["kind"], "duration");
    assert_eq!(report["shifted"][0]["old"]["start"], "2027-02-28T23:00:00.000Z");
    // 18:00 in New York on Sunday 2028-02-27 (winter time, UTC-5).
    assert_eq!(report["shifted"][0]["new"]["start"], "2028-02-27T23:00:00.000Z");
    let (_, copy) = s.get(&format!("{V3}/courses/courseId:HIST-200-2028"), &t).await;
    assert_eq!(copy["availability"]["duration"]["start"], "2028-02-27T23:00:00.000Z");
    assert!(copy.get("timeZone").is_none(), "the course object stays Learn's");

    // Learn's own clients send no dateShift and see no extra key.
    let r = s
        .call(
            Method::POST,
            "/learn/api/public/v2/courses/courseId:HIST-200/copy",
            &t,
            Some(json!({"targetCourse": {"courseId": "HIST-PLAIN"}})),
        )
        .await;
    let (_, plain) = read(s.poll(&location(&r), &t).await).await;
    assert!(plain.get("dateShift").is_none(), "{plain}");
    s.stop().await;
}
