//! Blueprint courses over real HTTP (CNV-7, CNV-8, and CNV-9's controls),
//! sent as canvasapi sends them: `Course.update(course={"blueprint":
//! True})`, `BlueprintTemplate.update_associated_courses(
//! course_ids_to_add=[…])` (form-encoded `course_ids_to_add[]`),
//! `.create_blueprint_migration()`, `.get_unsynced_changes()`,
//! `.change_blueprint_restrictions("wiki_page", id, True)`, and the
//! associated side's `get_blueprint_subscriptions()`. Every answer is
//! checked against the closed schemas of `tests/canvas/schemas.json`.

mod common;

use common::{conforms, start};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const AUTHOR: &str = "author-canvas-token";
const REVIEWER: &str = "reviewer-canvas-token";

/// A course made over Canvas; its id.
async fn new_course(s: &common::Server, name: &str) -> u64 {
    let (status, course) =
        s.form(Method::POST, "/api/v1/accounts/self/courses", AUTHOR, &[("course[name]", name.into())]).await;
    assert_eq!(status, StatusCode::OK, "{course}");
    course["id"].as_u64().unwrap()
}

async fn bio(s: &common::Server) -> u64 {
    let (_, courses) = s.get("/api/v1/courses?per_page=100", AUTHOR).await;
    courses.as_array().unwrap().iter().find(|c| c["course_code"] == "BIO-101").unwrap()["id"].as_u64().unwrap()
}

async fn module_names(s: &common::Server, course: u64) -> Vec<String> {
    let (_, list) = s.get(&format!("/api/v1/courses/{course}/modules?per_page=100"), AUTHOR).await;
    list.as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_string()).collect()
}

/// The id and body of the page titled `title` in `course`.
async fn page(s: &common::Server, course: u64, title: &str) -> (u64, String) {
    let (_, pages) = s.get(&format!("/api/v1/courses/{course}/pages?per_page=100"), AUTHOR).await;
    let found =
        pages.as_array().unwrap().iter().find(|p| p["title"] == title).unwrap_or_else(|| panic!("{title} in {pages}"));
    let id = found["page_id"].as_u64().unwrap();
    let (_, one) = s.get(&format!("/api/v1/courses/{course}/pages/{id}"), AUTHOR).await;
    (id, one["body"].as_str().unwrap_or_default().to_string())
}

async fn edit_page(s: &common::Server, course: u64, page: u64, body: &str) -> (StatusCode, Value) {
    s.form(Method::PUT, &format!("/api/v1/courses/{course}/pages/{page}"), AUTHOR, &[("wiki_page[body]", body.into())])
        .await
}

/// Starts a sync and polls it (as canvasapi polls a BlueprintMigration)
/// until it ends; checks its Progress on the way. Gives the sync.
async fn sync(s: &common::Server, template: &str) -> Value {
    let (status, started) =
        s.form(Method::POST, &format!("{template}/migrations"), AUTHOR, &[("comment", "sync".into())]).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    conforms("BlueprintMigration", &started);
    let id = started["id"].as_u64().unwrap();
    for _ in 0..2000 {
        let (_, now) = s.get(&format!("{template}/migrations/{id}"), AUTHOR).await;
        conforms("BlueprintMigration", &now);
        let (status, progress) = s.get(&format!("/api/v1/progress/{id}"), AUTHOR).await;
        assert_eq!(status, StatusCode::OK, "{progress}");
        conforms("Progress", &progress);
        if now["workflow_state"] == "completed" || now["workflow_state"] == "imports_failed" {
            // A sync's progress is not cancelled (CNV-6): Canvas's 400.
            let (status, body) = s.form(Method::POST, &format!("/api/v1/progress/{id}/cancel"), AUTHOR, &[]).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            conforms("Message", &body);
            return now;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("sync {id} never ended");
}

/// CNV-7: `course[blueprint]=true` makes a template (`default` or its id);
/// before any sync, `unsynced_changes` is Canvas's one `initial_sync`
/// record; associated courses sync (the first a linked copy of every
/// module, with progress), the associated side sees its subscription and
/// syncs; an upstream edit is an unsynced change, and the next sync takes
/// it where the course did not customise the page and reports an
/// exception (`content`) where it did; the rules of associations and
/// syncs answer Canvas's 400s.
#[tokio::test]
async fn cnv7_a_blueprint_syncs_its_associated_courses() {
    let s = start(&[]).await;
    let bio = bio(&s).await;
    let (a, b) = (new_course(&s, "Section A").await, new_course(&s, "Section B").await);
    let (status, course) =
        s.form(Method::PUT, &format!("/api/v1/courses/{bio}"), AUTHOR, &[("course[blueprint]", "true".into())]).await;
    assert_eq!((status, course["blueprint"].as_bool()), (StatusCode::OK, Some(true)), "{course}");
    let template = format!("/api/v1/courses/{bio}/blueprint_templates/default");
    let (status, shown) = s.get(&template, AUTHOR).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    conforms("BlueprintTemplate", &shown);
    let by_id = format!("/api/v1/courses/{bio}/blueprint_templates/{}", shown["id"]);
    assert_eq!(s.get(&by_id, AUTHOR).await.1, shown);
    let (_, unsynced) = s.get(&format!("{template}/unsynced_changes"), AUTHOR).await;
    assert_eq!(unsynced, json!([{"asset_name": "Introduction to Biology", "change_type": "initial_sync"}]));
    conforms("ChangeRecord", &unsynced[0]);
    let (status, body) = s.form(Method::POST, &format!("{template}/migrations"), AUTHOR, &[]).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::BAD_REQUEST, Some("No associated courses to migrate to")),
        "{body}"
    );

    let add = [("course_ids_to_add[]", a.to_string()), ("course_ids_to_add[]", b.to_string())];
    let (status, ok) = s.form(Method::PUT, &format!("{template}/update_associations"), AUTHOR, &add).await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    conforms("Success", &ok);
    let (_, associated) = s.get(&format!("{template}/associated_courses"), AUTHOR).await;
    let ids: Vec<u64> = associated.as_array().unwrap().iter().map(|c| c["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [a, b]);
    conforms("CourseSummary", &associated[0]);

    let first = sync(&s, &template).await;
    assert_eq!(first["workflow_state"], "completed", "{first}");
    for section in [a, b] {
        assert_eq!(module_names(&s, section).await, ["Cells", "Genetics", "Ecology"]);
    }
    let (_, details) = s.get(&format!("{template}/migrations/{}/details", first["id"]), AUTHOR).await;
    assert_eq!(details, json!([]), "a full initial sync lists nothing");

    // Section A customises Organelles; the blueprint edits it and Genes.
    let (organelles_a, _) = page(&s, a, "Organelles").await;
    assert_eq!(edit_page(&s, a, organelles_a, "<p>Ours.</p>").await.0, StatusCode::OK);
    let (organelles, _) = page(&s, bio, "Organelles").await;
    let (genes, _) = page(&s, bio, "Genes").await;
    edit_page(&s, bio, organelles, "<p>Organelles, revised.</p>").await;
    edit_page(&s, bio, genes, "<p>Genes, revised.</p>").await;
    let (_, unsynced) = s.get(&format!("{template}/unsynced_changes"), AUTHOR).await;
    let mut named: Vec<(&str, &str)> = unsynced
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["asset_name"].as_str().unwrap(), r["change_type"].as_str().unwrap()))
        .collect();
    named.sort();
    assert_eq!(named, [("Genes", "updated"), ("Organelles", "updated")], "{unsynced}");
    for record in unsynced.as_array().unwrap() {
        conforms("ChangeRecord", record);
        assert!(record.get("exceptions").is_none());
    }

    let second = sync(&s, &template).await;
    assert_eq!(second["workflow_state"], "completed");
    assert_eq!(page(&s, a, "Organelles").await.1, "<p>Ours.</p>", "A's customisation is kept");
    assert_eq!(page(&s, b, "Organelles").await.1, "<p>Organelles, revised.</p>");
    assert_eq!(page(&s, a, "Genes").await.1, "<p>Genes, revised.</p>");
    let (_, details) = s.get(&format!("{template}/migrations/{}/details", second["id"]), AUTHOR).await;
    let organelles_record = details.as_array().unwrap().iter().find(|r| r["asset_name"] == "Organelles").unwrap();
    assert_eq!(organelles_record["exceptions"], json!([{"course_id": a, "conflicting_changes": ["content"]}]));
    for record in details.as_array().unwrap() {
        conforms("ChangeRecord", record);
    }
    let (_, unsynced) = s.get(&format!("{template}/unsynced_changes"), AUTHOR).await;
    assert_eq!(unsynced, json!([]), "nothing left but what A keeps: {unsynced}");

    // The associated side.
    let (_, subscriptions) = s.get(&format!("/api/v1/courses/{a}/blueprint_subscriptions"), AUTHOR).await;
    assert_eq!(subscriptions.as_array().unwrap().len(), 1);
    conforms("BlueprintSubscription", &subscriptions[0]);
    assert_eq!(subscriptions[0]["blueprint_course"]["id"], bio);
    let sub = format!("/api/v1/courses/{a}/blueprint_subscriptions/default");
    let (_, imports) = s.get(&format!("{sub}/migrations"), AUTHOR).await;
    let ids: Vec<&Value> = imports.as_array().unwrap().iter().map(|m| &m["id"]).collect();
    assert_eq!(ids, [&second["id"], &first["id"]], "newest first");
    conforms("BlueprintMigration", &imports[0]);
    let (_, mine) = s.get(&format!("{sub}/migrations/{}/details", second["id"]), AUTHOR).await;
    let kept: Vec<&Value> = mine.as_array().unwrap().iter().filter(|r| r["exceptions"] != json!([])).collect();
    assert_eq!(kept.len(), 1);
    let (_, none) = s
        .get(
            &format!("/api/v1/courses/{b}/blueprint_subscriptions/default/migrations/{}/details", second["id"]),
            AUTHOR,
        )
        .await;
    assert!(none.as_array().unwrap().iter().all(|r| r["exceptions"] == json!([])), "B kept nothing: {none}");

    // Canvas's rules.
    let other = new_course(&s, "Other blueprint").await;
    s.form(Method::PUT, &format!("/api/v1/courses/{other}"), AUTHOR, &[("course[blueprint]", "1".into())]).await;
    let other_template = format!("/api/v1/courses/{other}/blueprint_templates/default");
    let cases = [
        (
            format!("{other_template}/update_associations"),
            vec![("course_ids_to_add[]", a.to_string())],
            "cannot add courses already associated with other templates",
        ),
        (
            format!("{template}/update_associations"),
            vec![("course_ids_to_add[]", other.to_string())],
            "invalid courses to add",
        ),
        (
            format!("{template}/update_associations"),
            vec![("course_ids_to_add[]", a.to_string()), ("course_ids_to_remove[]", a.to_string())],
            "cannot add and remove a course at the same time",
        ),
    ];
    for (path, fields, want) in cases {
        let (status, body) = s.form(Method::PUT, &path, AUTHOR, &fields).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        conforms("Message", &body);
        assert!(body["message"].as_str().unwrap().starts_with(want), "{body}");
    }
    let (status, body) =
        s.form(Method::PUT, &format!("/api/v1/courses/{a}"), AUTHOR, &[("course[blueprint]", "true".into())]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["master_course"].is_array(), "{body}");
    assert_eq!(
        s.get(&format!("/api/v1/courses/{a}/blueprint_templates/default"), AUTHOR).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(s.get(&template, REVIEWER).await.0, StatusCode::UNAUTHORIZED);
    s.stop().await;
}

/// CNV-8: `restrict_item` on a page locks its content in every
/// associated course (LNK-13): an edit there is Canvas's `locked by
/// Master Course` error, the next sync writes the blueprint's text over
/// a customisation; `restricted=false` lifts it. Canvas's other content
/// types are content it cannot find; a bad type or no `restricted` is
/// its 400.
#[tokio::test]
async fn cnv8_restrict_item_locks_a_page_downstream() {
    let s = start(&[]).await;
    let bio = bio(&s).await;
    let a = new_course(&s, "Section A").await;
    s.form(Method::PUT, &format!("/api/v1/courses/{bio}"), AUTHOR, &[("course[blueprint]", "true".into())]).await;
    let template = format!("/api/v1/courses/{bio}/blueprint_templates/default");
    s.form(Method::PUT, &format!("{template}/update_associations"), AUTHOR, &[("course_ids_to_add[]", a.to_string())])
        .await;
    sync(&s, &template).await;
    let (genes, _) = page(&s, bio, "Genes").await;
    let (genes_a, _) = page(&s, a, "Genes").await;
    assert_eq!(edit_page(&s, a, genes_a, "<p>Local.</p>").await.0, StatusCode::OK);

    let restrict = |fields: Vec<(&'static str, String)>| {
        let s = &s;
        let path = format!("{template}/restrict_item");
        async move { s.form(Method::PUT, &path, AUTHOR, &fields).await }
    };
    let (status, ok) = restrict(vec![
        ("content_type", "wiki_page".into()),
        ("content_id", genes.to_string()),
        ("restricted", "true".into()),
    ])
    .await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    conforms("Success", &ok);
    let (status, body) = edit_page(&s, a, genes_a, "<p>Again.</p>").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["base"][0]["message"].as_str().unwrap().contains("locked by Master Course"), "{body}");
    let (_, unsynced) = s.get(&format!("{template}/unsynced_changes"), AUTHOR).await;
    assert!(
        unsynced.as_array().unwrap().iter().any(|r| r["locked"] == true),
        "the lock is a change to sync: {unsynced}"
    );
    sync(&s, &template).await;
    assert_eq!(page(&s, a, "Genes").await.1, "<p>Genes.</p>", "the locked content overwrites A's");

    let (status, _) = restrict(vec![
        ("content_type", "wiki_page".into()),
        ("content_id", genes.to_string()),
        ("restricted", "false".into()),
    ])
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(edit_page(&s, a, genes_a, "<p>Free again.</p>").await.0, StatusCode::OK);

    let (status, body) =
        restrict(vec![("content_type", "quiz".into()), ("content_id", "7".into()), ("restricted", "true".into())])
            .await;
    assert_eq!((status, body["message"].as_str()), (StatusCode::NOT_FOUND, Some("Could not find content: quiz 7")));
    let (status, body) = restrict(vec![
        ("content_type", "wiki_page".into()),
        ("content_id", "999999".into()),
        ("restricted", "true".into()),
    ])
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = restrict(vec![
        ("content_type", "page".into()),
        ("content_id", genes.to_string()),
        ("restricted", "true".into()),
    ])
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().starts_with("Must be a valid content type"));
    let (status, body) = restrict(vec![("content_type", "wiki_page".into()), ("content_id", genes.to_string())]).await;
    assert_eq!((status, body["message"].as_str()), (StatusCode::BAD_REQUEST, Some("Must set 'restricted'")));
    s.stop().await;
}

/// CNV-7, CNV-9: an injected failure ends a sync `imports_failed` with
/// every course as it was; a sync is one at a time per blueprint; the
/// template, its associations and its syncs outlive a restart with
/// `--data`, and a sync after it takes the changes.
#[tokio::test]
async fn cnv9_blueprint_syncs_obey_the_controls_and_last() {
    let data = common::temp_path("canvas-blueprints.db");
    common::remove_data_file(&data);
    let s = start(&["--data", data.to_str().unwrap()]).await;
    let bio = bio(&s).await;
    let a = new_course(&s, "Section A").await;
    s.form(Method::PUT, &format!("/api/v1/courses/{bio}"), AUTHOR, &[("course[blueprint]", "true".into())]).await;
    let template = format!("/api/v1/courses/{bio}/blueprint_templates/default");
    s.form(Method::PUT, &format!("{template}/update_associations"), AUTHOR, &[("course_ids_to_add[]", a.to_string())])
        .await;
    s.control(Method::POST, "/_coursecopy/faults", Some(json!({"failCopies": 1}))).await;
    let failed = sync(&s, &template).await;
    assert_eq!(failed["workflow_state"], "imports_failed");
    assert_eq!(module_names(&s, a).await, Vec::<String>::new(), "A as it was");
    s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    let (_, queued) = s.form(Method::POST, &format!("{template}/migrations"), AUTHOR, &[]).await;
    assert_eq!(queued["workflow_state"], "queued");
    let (status, body) = s.form(Method::POST, &format!("{template}/migrations"), AUTHOR, &[]).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Cannot queue a migration while one is currently running"))
    );
    s.control(Method::POST, "/_coursecopy/runner/resume", None).await;
    for _ in 0..2000 {
        if s.get(&format!("{template}/migrations/{}", queued["id"]), AUTHOR).await.1["workflow_state"] == "completed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(module_names(&s, a).await, ["Cells", "Genetics", "Ecology"]);
    s.stop().await;

    let s = start(&["--data", data.to_str().unwrap()]).await;
    let (_, syncs) = s.get(&format!("{template}/migrations"), AUTHOR).await;
    let states: Vec<&str> = syncs.as_array().unwrap().iter().map(|m| m["workflow_state"].as_str().unwrap()).collect();
    assert_eq!(states, ["completed", "imports_failed"]);
    let (genes, _) = page(&s, bio, "Genes").await;
    edit_page(&s, bio, genes, "<p>After the restart.</p>").await;
    assert_eq!(sync(&s, &template).await["workflow_state"], "completed");
    assert_eq!(page(&s, a, "Genes").await.1, "<p>After the restart.</p>");
    s.stop().await;
    common::remove_data_file(&data);
}

/// CNV-7: a deleted associated course leaves the blueprint's list, and
/// the next sync goes on with the others; a course to remove may be gone
/// already; a blueprint whose sync waits cannot be deleted, and a deleted
/// blueprint frees its courses to join another.
#[tokio::test]
async fn cnv7_deleted_courses_leave_their_blueprint() {
    let s = start(&[]).await;
    let bio = bio(&s).await;
    let (a, b) = (new_course(&s, "Section A").await, new_course(&s, "Section B").await);
    s.form(Method::PUT, &format!("/api/v1/courses/{bio}"), AUTHOR, &[("course[blueprint]", "true".into())]).await;
    let template = format!("/api/v1/courses/{bio}/blueprint_templates/default");
    let add = [("course_ids_to_add[]", a.to_string()), ("course_ids_to_add[]", b.to_string())];
    s.form(Method::PUT, &format!("{template}/update_associations"), AUTHOR, &add).await;
    let delete = |course: u64| {
        s.client.delete(s.url(&format!("/api/v1/courses/{course}?event=delete"))).bearer_auth(AUTHOR).send()
    };
    assert_eq!(delete(a).await.unwrap().status(), StatusCode::OK);
    let (_, associated) = s.get(&format!("{template}/associated_courses"), AUTHOR).await;
    assert_eq!(associated.as_array().unwrap().iter().map(|c| c["id"].as_u64().unwrap()).collect::<Vec<_>>(), [b]);
    let (status, _) = s
        .form(
            Method::PUT,
            &format!("{template}/update_associations"),
            AUTHOR,
            &[("course_ids_to_remove[]", a.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "removing a course that is gone is no error");
    assert_eq!(sync(&s, &template).await["workflow_state"], "completed");

    s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    let (_, queued) = s.form(Method::POST, &format!("{template}/migrations"), AUTHOR, &[]).await;
    assert_eq!(queued["workflow_state"], "queued");
    let r = delete(bio).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "a blueprint whose sync waits stays");
    s.control(Method::POST, "/_coursecopy/runner/resume", None).await;
    for _ in 0..2000 {
        if s.get(&format!("{template}/migrations/{}", queued["id"]), AUTHOR).await.1["workflow_state"] == "completed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(delete(bio).await.unwrap().status(), StatusCode::OK);
    let (_, subscriptions) = s.get(&format!("/api/v1/courses/{b}/blueprint_subscriptions"), AUTHOR).await;
    assert_eq!(subscriptions, json!([]), "B is free again");
    let (status, course) =
        s.form(Method::PUT, &format!("/api/v1/courses/{b}"), AUTHOR, &[("course[blueprint]", "true".into())]).await;
    assert_eq!((status, course["blueprint"].as_bool()), (StatusCode::OK, Some(true)));
    s.stop().await;
}
