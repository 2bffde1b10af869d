//! Saving and loading (INT-4): round trips, format versions, tampered
//! files.
#![cfg(feature = "serde")]

mod common;
use common::lms::*;
use common::outline;
use coursecopy::*;
use serde_json::{Value, json};

fn save(ws: &Workspace) -> Value {
    serde_json::to_value(ws).unwrap()
}

fn load(v: &Value) -> Result<Workspace, String> {
    serde_json::from_value::<Workspace>(v.clone()).map_err(|e| e.to_string())
}

/// A workspace with a bit of everything, two tasks in flight, one of them
/// holding saved pages in its copy-on-write overlay.
fn busy_world() -> (Lms, TaskKey, TaskKey) {
    let mut w = lms_world(3);
    w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let t1 = w.ws.request_copy(w.author, w.course, &to_new("T1")).unwrap();
    let t2 = w.ws.request_copy(w.author, w.course, &to_new("T2").mode(CopyMode::Share)).unwrap();
    w.ws.run_tasks(5);
    let page = w.ws.learning_object(w.los[1]).unwrap().pages().next().unwrap();
    w.ws.edit_page(w.author, w.course, page, PageEdit::new().body("after the request")).unwrap();
    (w, t1, t2)
}

/// INT-4: save, load, equal; handles valid; a running task carries on where
/// it stopped and ends as it would have.
#[test]
fn int4_round_trip_is_equal_and_tasks_carry_on() {
    let (mut w, t1, t2) = busy_world();
    let text = serde_json::to_string(&w.ws).unwrap();
    let mut loaded: Workspace = serde_json::from_str(&text).unwrap();
    assert_eq!(loaded, w.ws);
    assert_eq!(serde_json::to_string(&loaded).unwrap(), text, "saving is deterministic");
    assert_eq!(loaded.course(w.course).unwrap().title(), "Biology");
    assert!(matches!(loaded.task_status(t1).unwrap().state, TaskState::Running { .. }));
    // Edits after loading work with the old handles.
    let page = w.ws.learning_object(w.los[0]).unwrap().pages().next().unwrap();
    loaded.edit_page(w.author, w.course, page, PageEdit::new().title("x")).unwrap();
    w.ws.edit_page(w.author, w.course, page, PageEdit::new().title("x")).unwrap();
    w.ws.run_all_tasks();
    loaded.run_all_tasks();
    assert_eq!(loaded, w.ws);
    for t in [t1, t2] {
        let (a, _) = finished(&w.ws, t);
        let (b, _) = finished(&loaded, t);
        assert_eq!(outline(&w.ws, a), outline(&loaded, b));
    }
    let (copy, _) = finished(&loaded, t1);
    let bodies: Vec<_> = common::titles(&loaded, copy);
    assert_eq!(bodies.len(), 2);
    assert!(outline(&loaded, copy)[1].1.iter().all(|p| p.1 != "after the request"), "point in time survives a reload");
    loaded.check_integrity().unwrap();
}

/// INT-4: the saved form carries a format version; newer or unknown ones are
/// refused with a clear error.
#[test]
fn int4_format_version_is_checked() {
    let (w, _, _) = busy_world();
    let saved = save(&w.ws);
    assert_eq!(saved["format"], SAVE_FORMAT);
    let mut newer = saved.clone();
    newer["format"] = json!(SAVE_FORMAT + 1);
    assert!(load(&newer).unwrap_err().contains("newer coursecopy"));
    let mut unknown = saved.clone();
    unknown["format"] = json!(0);
    assert!(load(&unknown).unwrap_err().contains("unknown saved format"));
    let mut missing = saved.clone();
    missing.as_object_mut().unwrap().remove("format");
    assert!(load(&missing).unwrap_err().contains("format"));
    // `format` is written first, but read wherever it is: a JSON value
    // keeps its keys sorted, so `format` comes after `entities` here.
    assert!(load(&saved).is_ok());
    assert!(load(&json!({"something": "else"})).is_err());
    assert!(load(&json!([1, 2, 3])).unwrap_err().contains("saved coursecopy workspace"));
}

/// Applies `tamper` to a saved workspace; the load must fail with an error
/// that says `needle`: for an invariant, `integrity violation` (the
/// variant `Error::Integrity`), the entity at fault by its handle, and what
/// is wrong with it.
fn refused(tamper: impl Fn(&mut Value), needle: &str) {
    let (w, _, _) = busy_world();
    let mut saved = save(&w.ws);
    tamper(&mut saved);
    match load(&saved) {
        Ok(_) => panic!("a tampered file ({needle}) was loaded"),
        Err(e) => assert!(e.contains(needle), "{e:?} should mention {needle:?}"),
    }
}

/// The `n`th live record of an entity kind (`entities.<kind>`, or the
/// tasks), in format 2: `live` holds `[handle, record]` pairs.
fn with_live<'a>(v: &'a mut Value, kind: &str, n: usize) -> &'a mut Value {
    let arena = if kind == "tasks" { &mut v["copy_tasks"]["tasks"] } else { &mut v["entities"][kind] };
    &mut arena["live"][n][1]
}

/// INT-4: loading checks INT-1 and refuses broken or tampered files, saying
/// what is wrong and where.
#[test]
fn int4_tampered_files_are_refused_with_what_is_wrong() {
    // A dangling handle: a page names a learning object that does not exist.
    refused(
        |v| with_live(v, "pages", 0)["lo"] = json!([999, 1]),
        "integrity violation: page#1v1 is not listed by exactly its learning object lo#999v1",
    );
    // A page listed by two learning objects.
    refused(
        |v| {
            let page = with_live(v, "learning_objects", 0)["pages"][0].clone();
            with_live(v, "learning_objects", 1)["pages"].as_array_mut().unwrap().push(page);
        },
        "integrity violation: page#1v1 is listed twice",
    );
    // A learning object twice in a course's list.
    refused(
        |v| {
            let lo = with_live(v, "courses", 0)["learning_objects"][0].clone();
            with_live(v, "courses", 0)["learning_objects"].as_array_mut().unwrap().push(lo);
        },
        "integrity violation: course#1v1 includes lo#1v1 twice",
    );
    // Two courses with one course_id.
    refused(
        |v| with_live(v, "courses", 1)["course_id"] = json!("BIO-101"),
        "integrity violation: course#2v1: course_id \"BIO-101\" is held by two courses",
    );
    // A course_id over the limit, or with a space.
    refused(
        |v| with_live(v, "courses", 0)["course_id"] = json!("x".repeat(101)),
        "integrity violation: course#1v1: invalid course_id: is 101",
    );
    refused(
        |v| with_live(v, "courses", 0)["course_id"] = json!("BIO 101"),
        "integrity violation: course#1v1: invalid course_id: must not contain white space",
    );
    // A title over the limit, a blank page title.
    refused(
        |v| with_live(v, "courses", 0)["title"] = json!("t".repeat(334)),
        "integrity violation: course#1v1: invalid title: is 334",
    );
    refused(
        |v| {
            let title = with_live(v, "pages", 0)["content"].as_u64().unwrap() as usize;
            let text = v["shared"]["contents"][title][0].as_u64().unwrap() as usize;
            v["shared"]["texts"][text] = json!("  ");
        },
        "integrity violation: page#1v1: invalid name: must not be blank",
    );
    // A task that points at a missing course.
    refused(
        |v| with_live(v, "tasks", 0)["target"] = json!([999, 1]),
        "integrity violation: task#1v1: its target is missing",
    );
    // A task cursor past its snapshot.
    refused(
        |v| with_live(v, "tasks", 0)["job"]["step"] = json!({"tool": 999}),
        "integrity violation: task#1v1: the copy job of course#4v1 is inconsistent",
    );
    // Tool links of the wrong kind.
    refused(
        |v| {
            let items = with_live(v, "courses", 0)["tools"]["items"].as_array_mut().unwrap();
            let gradebook = items.iter_mut().find(|i| i["category"] == "Gradebook").unwrap();
            gradebook["link"] = json!({"tool": 999});
        },
        "integrity violation: tool item #3 of course#1v1 has a dangling or ill-typed link",
    );
    // An odd salt.
    refused(|v| v["salt"] = json!(v["salt"].as_u64().unwrap() | 1), "salt: must be even");
    // A repeated LMS id.
    refused(
        |v| with_live(v, "courses", 1)["pk"] = json!(1),
        "integrity violation: course#2v1: its LMS id 1 is repeated",
    );
    // Counters at the edge of overflow.
    refused(|v| v["next_course_pk"] = json!(u64::MAX), "integrity violation: next_course_pk: out of range");
    refused(|v| v["next_page_id"] = json!(u64::MAX), "integrity violation: next_page_id: out of range");
    // Numeric ids (CNV-2): past the counter, zero, or held twice.
    refused(|v| v["next_page_id"] = json!(1), "is out of range (the last given is 1)");
    refused(|v| with_live(v, "learning_objects", 0)["pk"] = json!(0), "its numeric id 0 is out of range");
    refused(
        |v| with_live(v, "learning_objects", 1)["pk"] = json!(1),
        "two of the learning objects hold the numeric id 1",
    );
    refused(
        |v| drop(v.as_object_mut().unwrap().remove("next_learning_object_id")),
        "missing field `next_learning_object_id`",
    );
    refused(|v| v["format"] = json!(7), "fields of format 8 in a file of format 7");
    refused(
        |v| with_live(v, "courses", 0)["tools"]["next_id"] = json!(u32::MAX),
        "integrity violation: course#1v1 has given out more tool item ids than a course can",
    );
    // A field of the wrong type, named with its path.
    refused(|v| v["entities"]["pages"] = json!("pages"), "entities.pages");
    refused(|v| with_live(v, "pages", 0)["content"] = json!("x"), "entities.pages.live[0][1].content");
}

/// INT-5: the shared tables of format 2 are checked like every record: an
/// entry no page uses, a page that points past the table, two records under
/// one handle and a repeated uuid are refused, naming what is wrong.
#[test]
fn int5_shared_records_and_keys_are_checked() {
    // A text, an item list or a content entry no one uses.
    refused(|v| v["shared"]["texts"].as_array_mut().unwrap().push(json!("orphan")), "no page content uses it");
    refused(|v| v["shared"]["item_lists"].as_array_mut().unwrap().push(json!([])), "no page content uses it");
    refused(
        |v| {
            let first = v["shared"]["contents"][0].clone();
            v["shared"]["contents"].as_array_mut().unwrap().push(first);
        },
        "no page uses it",
    );
    // A page that points past the contents, a content past the texts.
    refused(|v| with_live(v, "pages", 0)["content"] = json!(1_000_000), "content 1000000 does not exist");
    refused(|v| v["shared"]["contents"][0][1] = json!(1_000_000), "no text 1000000");
    // Two records under one handle.
    refused(
        |v| {
            let twin = v["entities"]["pages"]["live"][0].clone();
            v["entities"]["pages"]["live"].as_array_mut().unwrap().push(twin);
        },
        "used twice",
    );
    // A handle with an even version, which names nothing.
    refused(|v| with_live(v, "pages", 0)["lo"] = json!([1, 2]), "version is even");
    // A repeated uuid, a malformed one.
    refused(
        |v| {
            let uuid = with_live(v, "courses", 0)["uuid"].clone();
            with_live(v, "courses", 1)["uuid"] = uuid;
        },
        "uuid",
    );
    refused(|v| with_live(v, "courses", 0)["uuid"] = json!("ABC"), "uuid");
    // A field of format 1 in a file of format 2.
    refused(|v| v["users"] = json!([]), "a field of format 1");
}

/// INT-4: truncated or garbled text is an error, never a panic.
#[test]
fn int4_truncated_files_are_errors() {
    let (w, _, _) = busy_world();
    let text = serde_json::to_string(&w.ws).unwrap();
    for cut in (0..text.len()).step_by(97) {
        assert!(serde_json::from_str::<Workspace>(&text[..cut]).is_err());
    }
}

/// INT-5: a course that has given out every tool item id loads, but takes no
/// more items, through the API or a copy; one past the limit is refused.
#[test]
fn int5_tool_ids_never_run_past_their_limit() {
    let (w, _, _) = busy_world();
    let mut saved = save(&w.ws);
    // The second course no pending copy (T1, T2) writes into.
    let courses = saved["entities"]["courses"]["live"].as_array().unwrap();
    let at =
        (0..courses.len()).filter(|n| !["T1", "T2"].contains(&courses[*n][1]["course_id"].as_str().unwrap())).nth(1);
    let at = at.unwrap();
    let course_id = courses[at][1]["course_id"].as_str().unwrap().to_string();
    saved["entities"]["courses"]["live"][at][1]["tools"]["next_id"] = json!(u32::MAX / 2);
    let mut ws = load(&saved).unwrap();
    let full = ws.find_course(&course_id).unwrap();
    let err = ws.add_tool(w.author, full, ToolDraft::new(Category::Blogs, "One more")).unwrap_err();
    assert!(matches!(err, Error::Invalid { field: coursecopy::Field::Tools, .. }), "{err}");
    let into_full = CopyRequest::new(CopyTarget::Existing(full.into()));
    let err = ws.request_copy(w.author, w.course, &into_full).unwrap_err();
    assert!(matches!(err, Error::Invalid { field: coursecopy::Field::Target, .. }), "{err}");
    ws.check_integrity().unwrap();

    saved["entities"]["courses"]["live"][at][1]["tools"]["next_id"] = json!(u32::MAX / 2 + 1);
    assert!(load(&saved).unwrap_err().contains("tool item ids"));
}

/// LNK-1, INT-4: a page's link lives with its learning object's link, so a
/// saved page link whose learning object is no linked copy has nowhere to
/// go: the file is refused, naming the page and its learning object.
#[test]
fn lnk1_a_page_link_without_its_learning_objects_link_is_refused() {
    let mut w = lms_world(2);
    w.ws.link_course(w.author, w.course, &CopyOptions::new().course_id("SECTION")).unwrap();
    let mut saved = save(&w.ws);
    assert!(load(&saved).is_ok());
    let los = saved["linked"]["learning_objects"].as_array_mut().unwrap();
    let linked = los.iter_mut().find(|entry| !entry[1]["link"].is_null()).expect("a linked learning object");
    linked[1]["link"] = Value::Null;
    let error = load(&saved).expect_err("a page link with no learning object link");
    assert!(error.contains("has a link, but its learning object lo#"), "{error}");
    assert!(error.contains("is not a linked copy"), "{error}");
}
