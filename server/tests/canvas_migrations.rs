//! Content migrations and progress over real HTTP (CNV-5, CNV-6, and
//! CNV-9's controls), sent as canvasapi sends them: `Course.
//! create_content_migration(migration_type, **kwargs)` form-encodes its
//! nested keyword arguments (`settings[source_course_id]=…`,
//! `date_shift_options[shift_dates]=true`, `select[modules][]=…`), and
//! `Progress.query()` follows the absolute `progress_url`. Every answer
//! is checked against the closed schemas of `tests/canvas/schemas.json`.

mod common;

use common::{conforms, start};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const AUTHOR: &str = "author-canvas-token";
const REVIEWER: &str = "reviewer-canvas-token";

/// The numeric id of the demo course whose `course_code` is `code`.
async fn course_id(s: &common::Server, code: &str) -> u64 {
    let (_, courses) = s.get("/api/v1/courses?per_page=100", AUTHOR).await;
    let found = courses.as_array().unwrap().iter().find(|c| c["course_code"] == code);
    found.unwrap_or_else(|| panic!("{code} in {courses}"))["id"].as_u64().unwrap()
}

/// Module names of a course, and their ids.
async fn modules(s: &common::Server, course: u64) -> Vec<(String, u64)> {
    let (_, list) = s.get(&format!("/api/v1/courses/{course}/modules?per_page=100&include[]=items"), AUTHOR).await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| (m["name"].as_str().unwrap().to_string(), m["id"].as_u64().unwrap()))
        .collect()
}

/// The titles of a module's items.
async fn item_titles(s: &common::Server, course: u64, module: u64) -> Vec<String> {
    let (_, items) = s.get(&format!("/api/v1/courses/{course}/modules/{module}/items?per_page=100"), AUTHOR).await;
    items.as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_string()).collect()
}

/// Polls a progress URL as canvasapi's `Progress.query()` does until it
/// ends; checks each answer's shape and that completion never goes down.
async fn until_done(s: &common::Server, progress_url: &str) -> Value {
    let mut last = 0.0;
    for _ in 0..2000 {
        let (status, progress) = s.get(progress_url, AUTHOR).await;
        assert_eq!(status, StatusCode::OK, "{progress}");
        conforms("Progress", &progress);
        let completion = progress["completion"].as_f64().unwrap();
        assert!(completion >= last, "completion went down: {last} then {progress}");
        last = completion;
        if progress["workflow_state"] == "completed" || progress["workflow_state"] == "failed" {
            return progress;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("{progress_url} never ended");
}

/// A form's fields.
type Fields = Vec<(&'static str, String)>;

fn copy_from(source: u64) -> Fields {
    vec![("migration_type", "course_copy_importer".into()), ("settings[source_course_id]", source.to_string())]
}

/// CNV-5, CNV-6: a course copy into an existing course, with a date
/// shift: 200 with the ContentMigration, its absolute `progress_url`
/// ending in the Progress id; the Progress goes to `completed` at 100,
/// never down; the target then holds the source's modules after its own;
/// the migration reads back, in its course's list, with its issues.
#[tokio::test]
async fn cnv5_cnv6_a_course_copy_with_a_date_shift_runs_and_reports_progress() {
    let s = start(&[]).await;
    let (bio, chem) = (course_id(&s, "BIO-101").await, course_id(&s, "CHEM-101").await);
    let mut fields = copy_from(bio);
    fields.extend([
        ("date_shift_options[shift_dates]", "true".to_string()),
        ("date_shift_options[old_start_date]", "2027-09-06".into()),
        ("date_shift_options[old_end_date]", "2027-12-17".into()),
        ("date_shift_options[new_start_date]", "2028-09-04".into()),
        ("date_shift_options[day_substitutions][5]", "4".into()),
    ]);
    let path = format!("/api/v1/courses/{chem}/content_migrations");
    let (status, migration) = s.form(Method::POST, &path, AUTHOR, &fields).await;
    assert_eq!(status, StatusCode::OK, "{migration}");
    conforms("ContentMigration", &migration);
    let id = migration["id"].as_u64().unwrap();
    assert_eq!(migration["settings"]["source_course_id"], bio);
    assert_eq!(migration["migration_type_title"], "Copy a Canvas Course");
    let progress_url = migration["progress_url"].as_str().unwrap();
    assert!(progress_url.starts_with(&s.base) && progress_url.ends_with(&format!("/api/v1/progress/{id}")));
    let progress = until_done(&s, progress_url).await;
    assert_eq!(
        (progress["workflow_state"].as_str(), progress["completion"].as_f64()),
        (Some("completed"), Some(100.0))
    );
    assert_eq!(
        (progress["context_type"].as_str(), progress["tag"].as_str()),
        (Some("ContentMigration"), Some("content_migration"))
    );
    let names: Vec<String> = modules(&s, chem).await.into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Atoms", "Cells", "Cells", "Genetics", "Ecology"], "the copy after what was there");
    let (status, shown) = s.get(&format!("{path}/{id}"), AUTHOR).await;
    assert_eq!((status, shown["workflow_state"].as_str()), (StatusCode::OK, Some("completed")));
    conforms("ContentMigration", &shown);
    assert!(shown["finished_at"].is_string() && shown["started_at"].is_string());
    let (_, list) = s.get(&path, AUTHOR).await;
    assert_eq!(list.as_array().unwrap().iter().map(|m| m["id"].clone()).collect::<Vec<_>>(), [json!(id)]);
    let (status, issues) = s.get(shown["migration_issues_url"].as_str().unwrap(), AUTHOR).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(issues.as_array().unwrap().len() as u64, shown["migration_issues_count"].as_u64().unwrap());
    for issue in issues.as_array().unwrap() {
        conforms("MigrationIssue", issue);
    }
    let (status, migrators) = s.get(&format!("{path}/migrators"), AUTHOR).await;
    assert_eq!(status, StatusCode::OK);
    conforms("Migrator", &migrators[0]);

    // What the copy made of what: each source module and page, and the
    // one made of it, the ids as strings.
    let (status, mapping) = s.get(&format!("{path}/{id}/asset_id_mapping"), AUTHOR).await;
    assert_eq!(status, StatusCode::OK, "{mapping}");
    conforms("AssetIdMapping", &mapping);
    let (source, target) = (modules(&s, bio).await, modules(&s, chem).await);
    let made: Vec<(String, String)> = source
        .iter()
        .map(|(name, id)| (name.clone(), mapping["modules"][id.to_string()].as_str().unwrap().to_string()))
        .collect();
    let copied: Vec<(String, String)> = target[2..].iter().map(|(n, id)| (n.clone(), id.to_string())).collect();
    assert_eq!(made, copied, "every source module maps to the module made of it");
    let (_, source_pages) = s.get(&format!("/api/v1/courses/{bio}/pages?per_page=100"), AUTHOR).await;
    let (_, target_pages) = s.get(&format!("/api/v1/courses/{chem}/pages?per_page=100"), AUTHOR).await;
    for page in source_pages.as_array().unwrap() {
        let made = mapping["pages"][page["page_id"].to_string()].as_str().unwrap();
        let found = target_pages
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["page_id"].as_u64().map(|n| n.to_string()).as_deref() == Some(made))
            .unwrap();
        assert_eq!(found["title"], page["title"]);
        assert_eq!(mapping["module_items"][page["page_id"].to_string()], made);
    }
    s.stop().await;
}

/// CNV-5: `select[modules][]` copies modules whole, `select[pages][]` a
/// page with its module holding it alone; `selective_import` waits in
/// `waiting_for_select` while `selective_data` lists what it offers,
/// until a PUT with a node's `copy[...]` property; the refusals are
/// Canvas's: an unknown type, no source, an unknown source, both date
/// flags, a caller without rights on the target.
#[tokio::test]
async fn cnv5_selective_copies_and_refusals() {
    let s = start(&[]).await;
    let (bio, chem) = (course_id(&s, "BIO-101").await, course_id(&s, "CHEM-101").await);
    let path = format!("/api/v1/courses/{chem}/content_migrations");
    let bio_modules = modules(&s, bio).await;
    let (_, pages) = s.get(&format!("/api/v1/courses/{bio}/pages?per_page=100"), AUTHOR).await;
    let page_id =
        |title: &str| pages.as_array().unwrap().iter().find(|p| p["title"] == title).unwrap()["page_id"].clone();
    let mut fields = copy_from(bio);
    fields.push(("select[modules][]", bio_modules[1].1.to_string()));
    fields.push(("select[pages][]", page_id("Organelles").to_string()));
    let (status, migration) = s.form(Method::POST, &path, AUTHOR, &fields).await;
    assert_eq!(status, StatusCode::OK, "{migration}");
    let progress = until_done(&s, migration["progress_url"].as_str().unwrap()).await;
    assert_eq!(progress["workflow_state"], "completed", "{progress}");
    let after = modules(&s, chem).await;
    let names: Vec<&str> = after.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Atoms", "Cells", "Cells", "Genetics"]);
    assert_eq!(item_titles(&s, chem, after[2].1).await, ["Organelles"], "the picked page alone");
    assert_eq!(item_titles(&s, chem, after[3].1).await, ["Genes", "Inheritance"], "the module whole");

    let mut fields = copy_from(bio);
    fields.push(("selective_import", "true".into()));
    let (_, waiting) = s.form(Method::POST, &path, AUTHOR, &fields).await;
    assert_eq!(waiting["workflow_state"], "waiting_for_select", "{waiting}");
    let (_, progress) = s.get(waiting["progress_url"].as_str().unwrap(), AUTHOR).await;
    assert_eq!((progress["workflow_state"].as_str(), progress["completion"].as_f64()), (Some("queued"), Some(0.0)));
    let one = format!("{path}/{}", waiting["id"]);
    // What to select, as a client finds it: the sections, then the
    // modules' nodes, whose `property` goes back with `1`.
    let (status, sections) = s.get(&format!("{one}/selective_data"), AUTHOR).await;
    assert_eq!(status, StatusCode::OK, "{sections}");
    for node in sections.as_array().unwrap() {
        conforms("ContentMigrationSelectionNode", node);
    }
    let section = |kind: &str| sections.as_array().unwrap().iter().find(|n| n["type"] == kind).cloned();
    let modules_node = section("context_modules").unwrap();
    assert_eq!(modules_node["count"], bio_modules.len(), "{sections}");
    assert_eq!(section("wiki_pages").unwrap()["property"], "copy[all_wiki_pages]");
    assert_eq!(section("course_settings").unwrap()["property"], "copy[all_course_settings]");
    let (_, nodes) = s.get(modules_node["sub_items_url"].as_str().unwrap(), AUTHOR).await;
    let titles: Vec<&str> = nodes.as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
    let names: Vec<&str> = bio_modules.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(titles, names);
    conforms("ContentMigrationSelectionNode", &nodes[2]);
    let ecology = nodes[2]["property"].as_str().unwrap().to_string();
    // The Reviewer reads Biology, not the Author's new Physics: a
    // selective import from Physics into Biology lists nothing to them.
    let (_, physics) =
        s.form(Method::POST, "/api/v1/accounts/self/courses", AUTHOR, &[("course[name]", "Physics".into())]).await;
    let mut from_physics = copy_from(physics["id"].as_u64().unwrap());
    from_physics.push(("selective_import", "true".into()));
    let into_bio = format!("/api/v1/courses/{bio}/content_migrations");
    let (_, other) = s.form(Method::POST, &into_bio, AUTHOR, &from_physics).await;
    let (status, _) = s.get(&format!("{into_bio}/{}/selective_data", other["id"]), REVIEWER).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the source's titles are not the Reviewer's to read");
    assert_eq!(s.get(&format!("{into_bio}/{}", other["id"]), REVIEWER).await.0, StatusCode::OK);
    assert_eq!(ecology, format!("copy[context_modules][id_{}]", bio_modules[2].1));
    let (status, running) = s.form(Method::PUT, &one, AUTHOR, &[(ecology.as_str(), "1".into())]).await;
    assert_eq!(status, StatusCode::OK, "{running}");
    conforms("ContentMigration", &running);
    until_done(&s, running["progress_url"].as_str().unwrap()).await;
    assert_eq!(modules(&s, chem).await.last().unwrap().0, "Ecology");
    let (status, again) = s.form(Method::PUT, &one, AUTHOR, &[(ecology.as_str(), "1".into())]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no longer waiting: {again}");

    let refusals: [(Fields, &str, StatusCode); 5] = [
        (vec![("migration_type", "nonsense".into())], AUTHOR, StatusCode::BAD_REQUEST),
        (vec![("migration_type", "course_copy_importer".into())], AUTHOR, StatusCode::BAD_REQUEST),
        (copy_from(999_999), AUTHOR, StatusCode::NOT_FOUND),
        (
            [
                copy_from(bio),
                vec![("date_shift_options[shift_dates]", "1".into()), ("date_shift_options[remove_dates]", "1".into())],
            ]
            .concat(),
            AUTHOR,
            StatusCode::BAD_REQUEST,
        ),
        (copy_from(bio), REVIEWER, StatusCode::UNAUTHORIZED),
    ];
    let (_, before) = s.get(&path, AUTHOR).await;
    for (fields, token, want) in refusals {
        let (status, body) = s.form(Method::POST, &path, token, &fields).await;
        assert_eq!(status, want, "{fields:?}: {body}");
        assert!(body.is_object(), "{body}");
    }
    let (_, invalid) = s.form(Method::POST, &path, AUTHOR, &[("migration_type", "nonsense".into())]).await;
    conforms("Message", &invalid);
    assert_eq!(invalid["message"], "Invalid migration_type");
    let both = [
        copy_from(bio),
        vec![("date_shift_options[shift_dates]", "1".into()), ("date_shift_options[remove_dates]", "1".into())],
    ]
    .concat();
    let (_, body) = s.form(Method::POST, &path, AUTHOR, &both).await;
    conforms("ValidationErrors", &body);
    assert!(body["errors"]["date_shift_options"].is_array(), "{body}");
    let (_, after) = s.get(&path, AUTHOR).await;
    assert_eq!(after, before, "a refused migration is not listed");
    // An injected failure fails a migration that would wait for its
    // selection, too: the fault is not spent on nothing.
    s.control(Method::POST, "/_coursecopy/faults", Some(json!({"failCopies": 1}))).await;
    let mut fields = copy_from(bio);
    fields.push(("selective_import", "true".into()));
    let (_, failed) = s.form(Method::POST, &path, AUTHOR, &fields).await;
    assert_eq!(failed["workflow_state"], "failed", "{failed}");
    s.stop().await;
}

/// CNV-5, CNV-9: with the runner paused, a second migration into the same
/// course waits `queued` behind the first and runs once it is free, both
/// driven by the runner's step control; an injected failure ends a
/// migration `failed` with its target as it was; injected 503s and 429s
/// reach Canvas's routes; migrations and their progress outlive a
/// restart with `--data`.
#[tokio::test]
async fn cnv5_cnv9_a_busy_target_queues_and_the_controls_reach_migrations() {
    let data = common::temp_path("canvas-migrations.db");
    common::remove_data_file(&data);
    let s = start(&["--data", data.to_str().unwrap()]).await;
    let (bio, chem) = (course_id(&s, "BIO-101").await, course_id(&s, "CHEM-101").await);
    let path = format!("/api/v1/courses/{chem}/content_migrations");
    s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    let (_, first) = s.form(Method::POST, &path, AUTHOR, &copy_from(bio)).await;
    let (_, second) = s.form(Method::POST, &path, AUTHOR, &copy_from(bio)).await;
    assert_eq!((first["workflow_state"].as_str(), second["workflow_state"].as_str()), (Some("queued"), Some("queued")));
    let state = |m: &Value| {
        let url = format!("{path}/{}", m["id"]);
        let s = &s;
        async move { s.get(&url, AUTHOR).await.1["workflow_state"].as_str().unwrap().to_string() }
    };
    s.control(Method::POST, "/_coursecopy/runner/step?units=3", None).await;
    assert_eq!((state(&first).await, state(&second).await), ("running".to_string(), "queued".to_string()));
    for _ in 0..20 {
        s.control(Method::POST, "/_coursecopy/runner/step?units=5", None).await;
    }
    assert_eq!((state(&first).await, state(&second).await), ("completed".to_string(), "completed".to_string()));
    let before = modules(&s, chem).await;
    assert_eq!(before.len(), 2 + 3 + 3);

    s.control(Method::POST, "/_coursecopy/faults", Some(json!({"failCopies": 1}))).await;
    let (_, failed) = s.form(Method::POST, &path, AUTHOR, &copy_from(bio)).await;
    let progress = until_done(&s, failed["progress_url"].as_str().unwrap()).await;
    assert_eq!(progress["workflow_state"], "failed");
    assert!(progress["message"].is_string(), "{progress}");
    assert_eq!(modules(&s, chem).await, before, "the target as it was");
    // Injected 503s and 429s reach Canvas's routes, in Canvas's shapes.
    s.control(Method::POST, "/_coursecopy/faults", Some(json!({"unavailable": 1, "throttled": 1}))).await;
    let (status, body) = s.get(&path, AUTHOR).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    conforms("ErrorList", &body);
    let r = s.client.get(s.url(&path)).bearer_auth(AUTHOR).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().get("retry-after").is_some());
    assert_eq!(s.get(&path, AUTHOR).await.0, StatusCode::OK);
    s.stop().await;

    let s = start(&["--data", data.to_str().unwrap()]).await;
    let (_, list) = s.get(&path, AUTHOR).await;
    let states: Vec<&str> = list.as_array().unwrap().iter().map(|m| m["workflow_state"].as_str().unwrap()).collect();
    assert_eq!(states, ["failed", "completed", "completed"], "newest first, after a restart");
    let (status, progress) = s.get(&format!("/api/v1/progress/{}", first["id"]), AUTHOR).await;
    assert_eq!((status, progress["workflow_state"].as_str()), (StatusCode::OK, Some("completed")));
    let (_, fresh) = s.form(Method::POST, &path, AUTHOR, &copy_from(bio)).await;
    assert!(fresh["id"].as_u64().unwrap() > failed["id"].as_u64().unwrap(), "ids are never reused");
    s.stop().await;
    common::remove_data_file(&data);
}

/// CNV-5 (migration issues): a copy of the quizzes alone, its dates
/// shifted past the end of the target's own dates, completes with DAT-5's
/// warnings as `warning` issues; canvasapi's `MigrationIssue.update`
/// (`workflow_state=resolved`) resolves one, and `active` brings it back;
/// another state is a 400, an issue past the last a 404, a Reviewer 401.
#[tokio::test]
async fn cnv5_date_warnings_are_issues_a_user_resolves() {
    let s = start(&[]).await;
    let bio = course_id(&s, "BIO-101").await;
    let make = [
        ("course[name]", "Short term".to_string()),
        ("course[start_at]", "2028-09-04T12:00:00Z".into()),
        ("course[end_at]", "2028-09-08T23:00:00Z".into()),
    ];
    let (_, target) = s.form(Method::POST, "/api/v1/accounts/self/courses", AUTHOR, &make).await;
    let target = target["id"].as_u64().unwrap();
    let mut fields = copy_from(bio);
    fields.extend([
        ("select[quizzes][]", "1".to_string()),
        ("date_shift_options[shift_dates]", "true".into()),
        ("date_shift_options[old_start_date]", "2027-09-06".into()),
        ("date_shift_options[old_end_date]", "2027-12-17".into()),
        ("date_shift_options[new_start_date]", "2028-09-04".into()),
        ("date_shift_options[new_end_date]", "2028-12-15".into()),
    ]);
    let path = format!("/api/v1/courses/{target}/content_migrations");
    let (_, migration) = s.form(Method::POST, &path, AUTHOR, &fields).await;
    assert_eq!(until_done(&s, migration["progress_url"].as_str().unwrap()).await["workflow_state"], "completed");
    let (_, shown) = s.get(&format!("{path}/{}", migration["id"]), AUTHOR).await;
    let count = shown["migration_issues_count"].as_u64().unwrap();
    assert!(count >= 1, "Quiz 1's dates fall after the target's end: {shown}");
    // canvasapi asks for the list with a trailing `/`.
    let issues_url = format!("{}/", shown["migration_issues_url"].as_str().unwrap());
    let (status, issues) = s.get(&issues_url, AUTHOR).await;
    assert_eq!((status, issues.as_array().unwrap().len() as u64), (StatusCode::OK, count));
    let first = &issues[0];
    conforms("MigrationIssue", first);
    assert_eq!((first["issue_type"].as_str(), first["workflow_state"].as_str()), (Some("warning"), Some("active")));
    assert!(first["description"].as_str().unwrap().contains("is outside the course"), "{first}");
    let one = format!("{path}/{}/migration_issues/1", migration["id"]);
    let (status, resolved) = s.form(Method::PUT, &one, AUTHOR, &[("workflow_state", "resolved".into())]).await;
    assert_eq!((status, resolved["workflow_state"].as_str()), (StatusCode::OK, Some("resolved")), "{resolved}");
    conforms("MigrationIssue", &resolved);
    assert_eq!(s.get(&one, AUTHOR).await.1["workflow_state"], "resolved");
    let (_, active) = s.form(Method::PUT, &one, AUTHOR, &[("workflow_state", "active".into())]).await;
    assert_eq!(active["workflow_state"], "active");
    let (status, _) = s.form(Method::PUT, &one, AUTHOR, &[("workflow_state", "closed".into())]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let past = format!("{path}/{}/migration_issues/{}", migration["id"], count + 1);
    assert_eq!(
        s.form(Method::PUT, &past, AUTHOR, &[("workflow_state", "resolved".into())]).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.form(Method::PUT, &one, REVIEWER, &[("workflow_state", "resolved".into())]).await.0,
        StatusCode::UNAUTHORIZED
    );
    s.stop().await;
}

/// CNV-6 (cancel): `POST /api/v1/progress/:id/cancel` with a `message`
/// fails a migration that waits, and stops one whose copy runs, its
/// target left as it was, both `failed` with the message; one that ended
/// is answered unchanged; a blueprint sync's progress is not cancelled
/// (400), an unknown one is 404, a Reviewer's cancel 401.
#[tokio::test]
async fn cnv6_a_progress_cancel_stops_a_migration() {
    let s = start(&[]).await;
    let (bio, chem) = (course_id(&s, "BIO-101").await, course_id(&s, "CHEM-101").await);
    let path = format!("/api/v1/courses/{chem}/content_migrations");
    let before = modules(&s, chem).await;
    s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    let (_, running) = s.form(Method::POST, &path, AUTHOR, &copy_from(bio)).await;
    let (_, waiting) = s.form(Method::POST, &path, AUTHOR, &copy_from(bio)).await;
    s.control(Method::POST, "/_coursecopy/runner/step?units=3", None).await;
    let (_, progress) = s.get(running["progress_url"].as_str().unwrap(), AUTHOR).await;
    assert_eq!(progress["workflow_state"], "running", "{progress}");
    let cancel = |id: &Value, token: &'static str| {
        let url = format!("/api/v1/progress/{id}/cancel");
        let s = &s;
        async move { s.form(Method::POST, &url, token, &[("message", "wrong term".to_string())]).await }
    };
    let (status, _) = cancel(&running["id"], REVIEWER).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for migration in [&waiting, &running] {
        let (status, progress) = cancel(&migration["id"], AUTHOR).await;
        assert_eq!(status, StatusCode::OK, "{progress}");
        conforms("Progress", &progress);
        assert_eq!((&progress["workflow_state"], &progress["message"]), (&json!("failed"), &json!("wrong term")));
    }
    s.control(Method::POST, "/_coursecopy/runner/resume", None).await;
    let (_, again) = s.get(&format!("{path}/{}", running["id"]), AUTHOR).await;
    assert_eq!(again["workflow_state"], "failed", "{again}");
    let (status, body) = s.get(&format!("{path}/{}/asset_id_mapping", running["id"]), AUTHOR).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a copy that did not complete made nothing: {body}");

    let (_, done) = s.form(Method::POST, &path, AUTHOR, &copy_from(bio)).await;
    let finished = until_done(&s, done["progress_url"].as_str().unwrap()).await;
    // The runner ran on after the cancels: the copy that completed is the
    // only one in the target, so nothing of the cancelled ones landed.
    let after: Vec<String> = modules(&s, chem).await.into_iter().map(|(n, _)| n).collect();
    let expected: Vec<String> = before.iter().chain(modules(&s, bio).await.iter()).map(|(n, _)| n.clone()).collect();
    assert_eq!(after, expected, "the cancelled copies' work is undone");
    let (status, unchanged) = cancel(&done["id"], AUTHOR).await;
    assert_eq!((status, &unchanged), (StatusCode::OK, &finished), "an ended migration is answered as it is");
    let (status, _) = cancel(&json!(999_999), AUTHOR).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    s.stop().await;
}
