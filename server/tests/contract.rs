//! The contract (SRV-3, SRV-5, SRV-6, SRV-7, SRV-11): every response body
//! of a session that touches every route validates against a JSON schema:
//! the Learn 3900.123 swagger's own definitions (course, error, token,
//! version, SystemTask; `tests/swagger/` holds them, copied unchanged), and,
//! where the swagger has only a placeholder, schemas written from its
//! field descriptions (the course task, the course list, `copyHistory`).

mod common;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const DEFINITIONS: &str = include_str!("swagger/learn-3900.123-definitions.json");
const COURSE: &str = "blackboard.webapps.blackboard.publicapi.v2.courses.CourseV2";
const ERROR: &str = "blackboard.platform.restspring.exception.RestException";
const TOKEN: &str = "blackboard.plugins.apigateway.b2.rest.OAuth2AccessToken";
const VERSION: &str = "blackboard.webapps.blackboard.publicapi.v1.system.VersionInfo";
const SYSTEM_TASK: &str = "blackboard.webapps.blackboard.publicapi.v1.system.SystemTask";

/// The swagger's definitions, with its placeholder for `copyHistory` (an
/// object with a required `empty`, Java's `List` leaking through) replaced
/// by what the description says: a list of source courses by uuid. Every
/// object also refuses keys its definition does not list, so that the
/// server writes nothing Learn does not.
fn definitions() -> Value {
    let mut doc: Value = serde_json::from_str(DEFINITIONS).unwrap();
    let defs = doc["definitions"].as_object_mut().unwrap();
    let history = json!({"type": "array", "items": {"type": "object", "required": ["uuid"], "properties": {"uuid": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}, "additionalProperties": false}});
    defs[COURSE]["properties"]["copyHistory"] = history;
    // SRV-11: live Learn writes the duration type `Term` where this
    // swagger lists `UseTerm`; live behaviour wins.
    let kind = &mut defs[COURSE]["properties"]["availability"]["properties"]["duration"]["properties"]["type"]["enum"];
    let listed: Vec<Value> = kind.as_array().unwrap().clone();
    assert!(listed.contains(&json!("UseTerm")), "the swagger changed: {listed:?}");
    *kind = Value::Array(listed.into_iter().map(|v| if v == "UseTerm" { json!("Term") } else { v }).collect());
    // v1 writes readOnly, as Learn's v1 course does.
    defs[COURSE]["properties"]["readOnly"] = json!({"type": "boolean"});
    defs.insert(
        "CourseTask".into(),
        json!({
            "type": "object",
            "required": ["id", "status", "percentComplete"],
            "additionalProperties": false,
            "properties": {
                "id": {"type": "string", "pattern": "^_[0-9]+_1$"},
                "status": {"enum": ["Queued", "Running", "Complete", "CompleteWithErrors", "Incomplete"]},
                "percentComplete": {"type": "integer", "minimum": 0, "maximum": 100},
                "started": {"type": "string", "format": "date-time"},
                // DAT-7: the one extension key, there only when the request
                // shifted dates (Learn's clients send no `dateShift`).
                "dateShift": {"type": "object", "required": ["timeZone", "shifted", "warnings"]}
            }
        }),
    );
    defs.insert(
        "CourseList".into(),
        json!({
            "type": "object",
            "required": ["results"],
            "additionalProperties": false,
            "properties": {
                "results": {"type": "array", "items": {"$ref": format!("#/definitions/{COURSE}")}},
                "paging": {"type": "object", "required": ["nextPage"], "additionalProperties": false,
                           "properties": {"nextPage": {"type": "string", "pattern": "^/learn/api/public/v[123]/courses\\?"}}}
            }
        }),
    );
    close_objects(&mut doc);
    doc
}

/// Adds `additionalProperties: false` to every object schema that lists
/// properties and says nothing of others.
fn close_objects(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), json!(false));
            }
            for child in map.values_mut() {
                close_objects(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

struct Contract {
    defs: Value,
    checked: Vec<String>,
}

impl Contract {
    fn check(&mut self, definition: &str, body: &Value, what: &str) {
        let schema = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "definitions": self.defs["definitions"],
            "$ref": format!("#/definitions/{definition}"),
        });
        let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{what} does not match {definition}: {errors:?}\n{body}");
        self.checked.push(format!("{what}: {definition}"));
    }

    /// A Learn error of `status`.
    fn error(&mut self, (status, body): (StatusCode, Value), want: StatusCode, what: &str) {
        assert_eq!(status, want, "{what}: {body}");
        self.check(ERROR, &body, what);
    }
}

/// SRV-3, SRV-5, SRV-6, SRV-7, SRV-11: every body of every route, and of
/// every error status, validates.
#[tokio::test]
async fn srv7_every_response_body_matches_its_schema() {
    let s = start(&["--max-body", "4096", "--max-queued", "3"]).await;
    let mut c = Contract { defs: definitions(), checked: Vec::new() };

    // The token, and its errors.
    let r = s
        .client
        .post(s.url(&format!("{V1}/oauth2/token")))
        .basic_auth("author-key", Some("author-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let (status, token) = read(r).await;
    assert_eq!(status, StatusCode::OK);
    c.check(TOKEN, &token, "token");
    let t = token["access_token"].as_str().unwrap().to_string();
    let r = s
        .client
        .post(s.url(&format!("{V1}/oauth2/token")))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    c.error(read(r).await, StatusCode::UNAUTHORIZED, "token without credentials");

    let (status, version) = s.get(&format!("{V1}/system/version"), &t).await;
    assert_eq!(status, StatusCode::OK);
    c.check(VERSION, &version, "version");

    // Courses in every version: list, get, create, PATCH.
    for v in ["v1", "v2", "v3"] {
        let base = format!("/learn/api/public/{v}/courses");
        let (status, list) = s.get(&format!("{base}?limit=1"), &t).await;
        assert_eq!(status, StatusCode::OK);
        assert!(list["paging"]["nextPage"].is_string());
        c.check("CourseList", &list, &format!("{v} list"));
        let (_, one) = s.get(&format!("{base}/courseId:BIO-101"), &t).await;
        c.check(COURSE, &one, &format!("{v} get"));
        let (status, made) =
            read(s.call(Method::POST, &base, &t, Some(json!({"courseId": format!("C-{v}"), "name": "C"}))).await).await;
        assert_eq!(status, StatusCode::CREATED);
        c.check(COURSE, &made, &format!("{v} create"));
        let patch = json!({"availability": {"available": "Term", "duration": {"type": "UseTerm"}}, "enrollment": {"type": "SelfEnrollment", "accessCode": "abc"}, "locale": {"id": "en_GB"}});
        let (status, patched) =
            read(s.call(Method::PATCH, &format!("{base}/courseId:C-{v}"), &t, Some(patch)).await).await;
        assert_eq!(status, StatusCode::OK, "{patched}");
        c.check(COURSE, &patched, &format!("{v} PATCH"));
    }

    // A copy: 202 {}, the task while queued and running, the 303, the
    // system task in each state, the course it made.
    s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    let copy = "/learn/api/public/v2/courses/courseId:BIO-101/copy";
    let r = s.call(Method::POST, copy, &t, Some(json!({"targetCourse": {"courseId": "CONTRACT"}}))).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let location = location(&r);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({}));
    let system = format!("{V1}/system/tasks/{}", location.rsplit('/').next().unwrap());
    let (_, queued) = s.get(&location, &t).await;
    c.check("CourseTask", &queued, "queued task");
    c.check(SYSTEM_TASK, &s.get(&system, &t).await.1, "queued system task");
    s.control(Method::POST, "/_coursecopy/runner/step?units=1", None).await;
    let (_, running) = s.get(&location, &t).await;
    assert_eq!(running["status"], "Running");
    c.check("CourseTask", &running, "running task");
    c.check(SYSTEM_TASK, &s.get(&system, &t).await.1, "running system task");
    c.error(
        read(s.call(Method::PATCH, &format!("{V3}/courses/courseId:CONTRACT"), &t, Some(json!({"name": "x"}))).await)
            .await,
        StatusCode::CONFLICT,
        "busy PATCH",
    );
    s.control(Method::POST, "/_coursecopy/runner/resume", None).await;
    let done = s.poll(&location, &t).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let (_, done_body) = read(done).await;
    c.check("CourseTask", &done_body, "complete task (303 body)");
    let (_, finished) = s.get(&system, &t).await;
    assert!(finished["ended"].is_string());
    c.check(SYSTEM_TASK, &finished, "complete system task");
    let (_, copied) = s.get(&format!("{V3}/courses/courseId:CONTRACT"), &t).await;
    assert_eq!(copied["copyHistory"].as_array().map(Vec::len), Some(1));
    c.check(COURSE, &copied, "copied course");
    // An Incomplete task.
    s.control(Method::POST, "/_coursecopy/faults", Some(json!({"failCopies": 1}))).await;
    let r = s.call(Method::POST, copy, &t, Some(json!({"targetCourse": {"courseId": "DOOMED"}}))).await;
    let doomed = common::location(&r);
    let (_, incomplete) = s.get(&doomed, &t).await;
    assert_eq!(incomplete["status"], "Incomplete");
    c.check("CourseTask", &incomplete, "incomplete task");

    // Every error status.
    let bio = format!("{V3}/courses/courseId:BIO-101");
    c.error(
        read(s.call(Method::PATCH, &bio, &t, Some(json!({"name": ""}))).await).await,
        StatusCode::BAD_REQUEST,
        "400 field",
    );
    c.error(s.raw(Method::PATCH, &bio, &t, "application/json", "{").await, StatusCode::BAD_REQUEST, "400 syntax");
    c.error(s.get(&format!("{V3}/courses"), "nope").await, StatusCode::UNAUTHORIZED, "401");
    let reviewer = s.token("reviewer-key").await;
    c.error(s.get(&format!("{V3}/courses/courseId:CHEM-101"), &reviewer).await, StatusCode::FORBIDDEN, "403");
    c.error(s.get(&format!("{V3}/courses/_404_1"), &t).await, StatusCode::NOT_FOUND, "404 course");
    c.error(s.get("/learn/api/public/v9/nothing", &t).await, StatusCode::NOT_FOUND, "404 route");
    c.error(read(s.call(Method::PUT, &bio, &t, None).await).await, StatusCode::METHOD_NOT_ALLOWED, "405");
    c.error(
        read(
            s.call(Method::POST, &format!("{V3}/courses"), &t, Some(json!({"courseId": "BIO-101", "name": "x"}))).await,
        )
        .await,
        StatusCode::CONFLICT,
        "409",
    );
    c.error(
        read(s.call(Method::PATCH, &bio, &t, Some(json!({"description": "x".repeat(5000)}))).await).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "413",
    );
    s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    for id in ["F1", "F2", "F3"] {
        s.call(Method::POST, copy, &t, Some(json!({"targetCourse": {"courseId": id}}))).await;
    }
    c.error(
        read(s.call(Method::POST, copy, &t, Some(json!({"targetCourse": {"courseId": "F4"}}))).await).await,
        StatusCode::TOO_MANY_REQUESTS,
        "429 queue",
    );
    s.control(Method::POST, "/_coursecopy/faults", Some(json!({"unavailable": 1}))).await;
    c.error(s.get(&bio, &t).await, StatusCode::SERVICE_UNAVAILABLE, "503");
    assert!(c.checked.len() >= 30, "{:?}", c.checked);
    s.stop().await;
}
