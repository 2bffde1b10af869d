//! SRV-9, CNV-9: the server binary, killed with SIGKILL in the middle of a
//! stream of writes and copies, over the Learn routes and Canvas's,
//! restarts from its data file with every answered change and every
//! completed copy; a copy that was running resumes or ends Incomplete with
//! its new target removed, never half-applied; a Canvas content migration
//! ends completed or failed, never half-applied; a blueprint's answered
//! associations stay and its answered syncs end; courses made and renamed
//! over Canvas keep their names; a page restricted over Canvas stays
//! restricted in the associated courses.

mod common;
use common::{Process, V1, V3, author_token as token, read, remove_data_file, spawn_binary, temp_path as temp_db};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Starts the binary on `data`; waits for its address line.
fn spawn(data: &Path, extra: &[&str]) -> Process {
    let data = data.display().to_string();
    let mut args = vec!["--admin-token", "kill-admin", "--log", "warn", "--data", &data];
    args.extend_from_slice(extra);
    spawn_binary(&args)
}

/// A GET's JSON body.
async fn get_json(client: &Client, url: &str, t: &str) -> Value {
    client.get(url).bearer_auth(t).send().await.unwrap().json().await.unwrap()
}

/// The number of pages of a course, through the contents views.
async fn pages_of(client: &Client, base: &str, t: &str, course: &str) -> usize {
    let contents = get_json(client, &format!("{base}{V1}/courses/{course}/contents"), t).await;
    let mut n = 0;
    for folder in contents["results"].as_array().unwrap() {
        let id = folder["id"].as_str().unwrap();
        let children = get_json(client, &format!("{base}{V1}/courses/{course}/contents/{id}/children"), t).await;
        n += children["results"].as_array().unwrap().len();
    }
    n
}

/// The demo's users, and BIO-101 of 20 learning objects of 50 pages.
fn big_workspace() -> coursecopy::Workspace {
    use coursecopy::{NewCourse, PageDraft, Role, Workspace};
    let (mut ws, admin) = Workspace::with_admin("Administrator").unwrap();
    let author = ws.create_user(admin, "Author", Role::Author).unwrap();
    ws.create_user(admin, "Reviewer", Role::Reviewer).unwrap();
    let course = ws.create_course(author, NewCourse::new("BIO-101", "Biology")).unwrap();
    for l in 0..20 {
        let lo = ws.create_learning_object(author, course, &format!("LO {l}"), "").unwrap();
        for p in 0..50 {
            ws.add_page(author, course, lo, PageDraft::new(format!("Page {l}.{p}"), "<p>text</p>")).unwrap();
        }
    }
    ws
}

/// SRV-9: SIGKILL mid-stream, restart, find everything answered.
#[tokio::test]
async fn srv9_sigkill_loses_nothing_answered() {
    let data = temp_db("kill");
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    // A 1,000-page source and slow copies, so that some run when the
    // process dies; frequent snapshots (every 7 records, whatever the work
    // since), so that replay starts from one.
    let import = data.with_extension("json");
    std::fs::write(&import, serde_json::to_string(&big_workspace()).unwrap()).unwrap();
    let import_arg = import.display().to_string();
    let mut server = spawn(
        &data,
        &[
            "--units-per-second",
            "1500",
            "--snapshot-every",
            "7",
            "--snapshot-work-per-page",
            "0",
            "--import",
            &import_arg,
        ],
    );
    let base = server.base.clone();
    let t = token(&client, &base).await;
    let source_pages = pages_of(&client, &base, &t, "courseId:BIO-101").await;

    let mut courses = Vec::new(); // (courseId, name) answered
    let mut copies = Vec::new(); // (location, target courseId) answered
    let mut completed = Vec::new(); // copies seen complete before the kill
    let mut edits = Vec::new(); // (page id, body) answered over Canvas
    let mut migrations = Vec::new(); // (migration id, target courseId) answered over Canvas
    let mut associated = Vec::new(); // numeric ids answered as BIO-101's associated courses
    let mut syncs = Vec::new(); // blueprint sync ids answered
    let mut canvas_courses = Vec::new(); // (numeric id, name) made and renamed over Canvas
    let mut restricted = None; // the title of a blueprint page answered as restricted
    let canvas = |method: reqwest::Method, path: &str| {
        client.request(method, format!("{base}/api/v1/courses/1{path}")).bearer_auth("author-canvas-token")
    };
    let r = canvas(reqwest::Method::PUT, "").form(&[("course[blueprint]", "true")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    for i in 0..24 {
        let id = format!("K-{i}");
        let r = client
            .post(format!("{base}{V3}/courses"))
            .bearer_auth(&t)
            .json(&json!({"courseId": id, "name": "draft"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let created: Value = r.json().await.unwrap();
        let name = format!("final {i}");
        let r = client
            .patch(format!("{base}{V3}/courses/courseId:{id}"))
            .bearer_auth(&t)
            .json(&json!({"name": name}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        if i % 6 == 3 {
            // A Canvas content migration of BIO-101 into the new course,
            // by its numeric id (the `12` of `_12_1`).
            let numeric = created["id"].as_str().unwrap().trim_start_matches('_').trim_end_matches("_1").to_string();
            let r = client
                .post(format!("{base}/api/v1/courses/{numeric}/content_migrations"))
                .bearer_auth("author-canvas-token")
                .form(&[("migration_type", "course_copy_importer"), ("settings[source_course_id]", "1")])
                .send()
                .await
                .unwrap();
            let (status, migration) = read(r).await;
            assert_eq!(status, StatusCode::OK, "{migration}");
            migrations.push((migration["id"].as_u64().unwrap(), id.clone()));
        }
        if i % 6 == 1 {
            // BIO-101 is a blueprint: the new course joins it, and a sync
            // is asked for (refused while one runs).
            let numeric = created["id"].as_str().unwrap().trim_start_matches('_').trim_end_matches("_1").to_string();
            let template = "/blueprint_templates/default";
            let r = canvas(reqwest::Method::PUT, &format!("{template}/update_associations"))
                .form(&[("course_ids_to_add[]", numeric.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            associated.push(numeric.parse::<u64>().unwrap());
            let (status, sync) =
                read(canvas(reqwest::Method::POST, &format!("{template}/migrations")).send().await.unwrap()).await;
            match status {
                StatusCode::OK => syncs.push(sync["id"].as_u64().unwrap()),
                StatusCode::BAD_REQUEST => {
                    assert_eq!(sync["message"], "Cannot queue a migration while one is currently running")
                }
                other => panic!("a sync answered {other}: {sync}"),
            }
        }
        courses.push((id, name));
        if i % 6 == 5 {
            // A course made, then renamed, over Canvas.
            let r = client
                .post(format!("{base}/api/v1/accounts/self/courses"))
                .bearer_auth("author-canvas-token")
                .form(&[("course[name]", "canvas draft")])
                .send()
                .await
                .unwrap();
            let (status, made) = read(r).await;
            assert_eq!(status, StatusCode::OK, "{made}");
            let numeric = made["id"].as_u64().unwrap();
            let name = format!("canvas final {i}");
            let r = client
                .put(format!("{base}/api/v1/courses/{numeric}"))
                .bearer_auth("author-canvas-token")
                .form(&[("course[name]", name.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            canvas_courses.push((numeric, name));
        }
        if i == 8 {
            // BIO-101's page 1 restricted for its associated courses.
            let page =
                get_json(&client, &format!("{base}/api/v1/courses/1/pages/page_id:1"), "author-canvas-token").await;
            let r = canvas(reqwest::Method::PUT, "/blueprint_templates/default/restrict_item")
                .form(&[("content_type", "wiki_page"), ("content_id", "1"), ("restricted", "true")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            restricted = page["title"].as_str().map(str::to_string);
        }
        // A Canvas page edit of BIO-101 (numeric id 1), its page i + 1.
        let body = format!("<p>killed {i}</p>");
        let r = client
            .put(format!("{base}/api/v1/courses/1/pages/page_id:{}", i + 1))
            .bearer_auth("author-canvas-token")
            .form(&[("wiki_page[body]", body.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        edits.push((i + 1, body));
        if i % 4 == 0 {
            let target = format!("KC-{i}");
            let r = client
                .post(format!("{base}/learn/api/public/v2/courses/courseId:BIO-101/copy"))
                .bearer_auth(&t)
                .json(&json!({"targetCourse": {"courseId": target}}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::ACCEPTED);
            copies.push((r.headers()["location"].to_str().unwrap().to_string(), target));
        }
        // The first copy is waited for, so that one completed before the
        // kill; the later ones run when it comes.
        let wait = if i == 0 { 2000 } else { 1 };
        for _ in 0..wait {
            for (location, target) in &copies {
                let r = client.get(format!("{base}{location}")).bearer_auth(&t).send().await.unwrap();
                if r.status() == StatusCode::SEE_OTHER && !completed.contains(target) {
                    completed.push(target.clone());
                }
            }
            if !completed.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    assert!(!completed.is_empty() && completed.len() < copies.len(), "one copy complete, some running: {completed:?}");

    let mut server = spawn(&data, &["--units-per-second", "0"]);
    let base = server.base.clone();
    let t = token(&client, &base).await;
    for (id, name) in &courses {
        let r = client.get(format!("{base}{V3}/courses/courseId:{id}")).bearer_auth(&t).send().await.unwrap();
        let (status, course) = read(r).await;
        assert_eq!(status, StatusCode::OK, "{id} was answered 201 and is gone");
        assert_eq!(course["name"], name.as_str(), "{id}'s answered PATCH is lost");
    }
    for (page, body) in &edits {
        let r = client
            .get(format!("{base}/api/v1/courses/1/pages/page_id:{page}"))
            .bearer_auth("author-canvas-token")
            .send()
            .await
            .unwrap();
        let (status, got) = read(r).await;
        assert_eq!(
            (status, got["body"].as_str()),
            (StatusCode::OK, Some(body.as_str())),
            "page {page}'s answered edit"
        );
    }
    for (location, target) in &copies {
        // Every copy ends: Complete with all its pages, or Incomplete with
        // its target removed.
        let mut ended = None;
        for _ in 0..2000 {
            let r = client.get(format!("{base}{location}")).bearer_auth(&t).send().await.unwrap();
            let (status, body) = read(r).await;
            if status == StatusCode::SEE_OTHER || body["status"] == "Incomplete" {
                ended = Some(status);
                break;
            }
            assert_eq!(status, StatusCode::OK, "{location}: {body}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let target_status =
            client.get(format!("{base}{V3}/courses/courseId:{target}")).bearer_auth(&t).send().await.unwrap().status();
        match ended {
            Some(StatusCode::SEE_OTHER) => {
                assert_eq!(target_status, StatusCode::OK);
                assert_eq!(
                    pages_of(&client, &base, &t, &format!("courseId:{target}")).await,
                    source_pages,
                    "{target} is half-applied"
                );
            }
            Some(_) => {
                assert!(!completed.contains(target), "{target} was complete before the kill");
                assert_eq!(target_status, StatusCode::NOT_FOUND);
            }
            None => panic!("{location} never ended after the restart"),
        }
    }
    for (migration, target) in &migrations {
        // Every migration ends: completed with all the source's pages
        // after the target's own (none), or failed with the target as it
        // was (empty).
        let mut state = Value::Null;
        for _ in 0..2000 {
            let progress =
                get_json(&client, &format!("{base}/api/v1/progress/{migration}"), "author-canvas-token").await;
            state = progress["workflow_state"].clone();
            if state == "completed" || state == "failed" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let pages = pages_of(&client, &base, &t, &format!("courseId:{target}")).await;
        match state.as_str() {
            Some("completed") => assert_eq!(pages, source_pages, "migration {migration} is half-applied"),
            Some("failed") => assert_eq!(pages, 0, "failed migration {migration} left pages"),
            other => panic!("migration {migration} never ended after the restart: {other:?}"),
        }
    }
    let template = format!("{base}/api/v1/courses/1/blueprint_templates/default");
    let listed = get_json(&client, &format!("{template}/associated_courses?per_page=100"), "author-canvas-token").await;
    let ids: Vec<u64> = listed.as_array().unwrap().iter().map(|c| c["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, associated, "every answered association");
    assert!(!syncs.is_empty(), "a sync was answered before the kill");
    for sync in &syncs {
        let mut state = Value::Null;
        for _ in 0..2000 {
            let now = get_json(&client, &format!("{template}/migrations/{sync}"), "author-canvas-token").await;
            state = now["workflow_state"].clone();
            if state == "completed" || state == "imports_failed" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(state == "completed" || state == "imports_failed", "sync {sync} never ended: {state}");
    }
    for (numeric, name) in &canvas_courses {
        let course = get_json(&client, &format!("{base}/api/v1/courses/{numeric}"), "author-canvas-token").await;
        assert_eq!(course["name"], name.as_str(), "course {numeric}'s answered rename");
    }
    // The restriction lasts: the restricted page's linked copies refuse
    // an edit in every associated course that holds one.
    let title = restricted.expect("a page was restricted");
    let mut locked = 0;
    for course in &associated {
        let pages =
            get_json(&client, &format!("{base}/api/v1/courses/{course}/pages?per_page=100"), "author-canvas-token")
                .await;
        for page in pages.as_array().unwrap().iter().filter(|p| p["title"] == title.as_str()) {
            let r = client
                .put(format!("{base}/api/v1/courses/{course}/pages/page_id:{}", page["page_id"]))
                .bearer_auth("author-canvas-token")
                .form(&[("wiki_page[body]", "<p>local</p>")])
                .send()
                .await
                .unwrap();
            let (status, body) = read(r).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "course {course}: {body}");
            locked += 1;
        }
    }
    assert!(locked > 0, "an associated course holds a linked copy of the restricted page");
    let health: Value = client
        .get(format!("{base}/_coursecopy/health"))
        .bearer_auth("kill-admin")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((health["integrity"].as_str(), health["durable"].as_bool()), (Some("ok"), Some(true)));

    // A graceful stop snapshots; a third start finds the same.
    #[cfg(unix)]
    {
        let _ = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status();
        let status = server.child.wait().unwrap();
        assert!(status.success(), "{status:?}");
        let mut third = spawn(&data, &[]);
        let t = token(&client, &third.base).await;
        let r = client.get(format!("{}{V3}/courses/courseId:K-23", third.base)).bearer_auth(&t).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        third.child.kill().unwrap();
        third.child.wait().unwrap();
    }
    #[cfg(not(unix))]
    {
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    }
    let _ = std::fs::remove_file(&import);
    remove_data_file(&data);
}

/// SRV-1: one command starts the binary on a local address with the demo
/// workspace in memory, and it prints the address, the demo app keys and
/// secrets, the admin token and a curl line to start from.
#[test]
fn srv1_binary_prints_what_a_client_needs() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coursecopy-server"))
        .args(["--listen", "127.0.0.1:0", "--log", "warn"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // The banner ends with the curl line.
    let mut banner = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let last = line.trim_start().starts_with("curl ");
        banner.push(line);
        if last || banner.len() > 20 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let text = banner.join("\n");
    assert!(banner[0].starts_with("coursecopy-server listening on http://127.0.0.1:"), "{text}");
    assert!(text.contains("in memory"), "{text}");
    for key in [
        "admin-key / admin-secret -> Administrator",
        "author-key / author-secret -> Author",
        "reviewer-key / reviewer-secret -> Reviewer",
    ] {
        assert!(text.contains(key), "{key}: {text}");
    }
    let token = text.lines().find_map(|l| l.strip_prefix("admin token (for /_coursecopy/): ")).unwrap();
    assert_eq!(token.len(), 32);
    assert!(
        text.contains("curl -s -u admin-key:admin-secret -d grant_type=client_credentials http://127.0.0.1:"),
        "{text}"
    );
}
