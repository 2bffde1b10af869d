//! The dashboard over HTTP: its files and their policy, the admin token on
//! its data, the live stream, its views of courses, links and jobs, and
//! the graph as SVG. `dashboard_browser.rs` drives the page itself.

mod common;

use common::{V3, start};
use coursecopy::{Category, CopyOptions, PageEdit, ToolDraft, ToolLink, Workspace};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

const FILES: [(&str, &str); 3] = [
    ("/_coursecopy/ui/", "text/html"),
    ("/_coursecopy/ui/dashboard.js", "text/javascript"),
    ("/_coursecopy/ui/dashboard.css", "text/css"),
];

const DATA: [&str; 4] = [
    "/_coursecopy/ui/api/courses",
    "/_coursecopy/ui/api/courses/1",
    "/_coursecopy/ui/api/jobs",
    "/_coursecopy/ui/api/events",
];

fn policy(r: &Response) -> String {
    r.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// The page's files need no token and hold no data; everything they load
/// does. Every answer carries a policy of this origin only, without inline
/// script; the page has no inline script, style or handler, and names no
/// other origin.
#[tokio::test]
async fn the_files_are_public_and_the_data_needs_the_admin_token() {
    let s = start(&[]).await;
    for (path, kind) in FILES {
        let r = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let csp = policy(&r);
        assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self';"), "{path}: {csp}");
        assert!(!csp.contains("unsafe") && !csp.contains("http"), "{path}: {csp}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with(kind), "{path}");
        let text = r.text().await.unwrap();
        assert!(!text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"), "{path}");
        if kind == "text/html" {
            assert_eq!(text.matches("<script").count(), text.matches("<script src=").count(), "no inline script");
            assert!(!text.contains(" style=") && !text.contains(" onclick=") && !text.contains(" onload="), "inline");
        }
    }
    let r = s.client.get(s.url("/_coursecopy/ui")).send().await.unwrap();
    assert_eq!(
        (r.status(), r.headers()["location"].to_str().unwrap()),
        (StatusCode::PERMANENT_REDIRECT, "/_coursecopy/ui/")
    );
    for path in DATA {
        for token in [None, Some("wrong"), Some(s.admin.as_str())] {
            let mut request = s.client.get(s.url(path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let r = request.send().await.unwrap();
            let want = if token == Some(s.admin.as_str()) { StatusCode::OK } else { StatusCode::UNAUTHORIZED };
            assert_eq!(r.status(), want, "{path} with {token:?}");
            assert!(policy(&r).contains("connect-src 'self'"), "{path}");
        }
    }
    // Only the page's own files are public, under any name.
    let r = s.client.get(s.url("/_coursecopy/ui/other.js")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (status, body) = s.control(Method::GET, "/_coursecopy/ui/other.js", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // The page's data may not be written through these routes.
    let (status, _) = s.control(Method::POST, "/_coursecopy/ui/api/courses", Some(json!({}))).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    s.stop().await;
}

/// The next `state` event of a stream, skipping keep-alive comments.
async fn next_event(r: &mut Response, buffer: &mut String) -> Value {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let data: Vec<&str> = block.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
            if block.lines().any(|l| l == "event: state") {
                return serde_json::from_str(&data.join("\n")).unwrap();
            }
            continue;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(10), r.chunk()).await.expect("an event within 10 s");
        let chunk = chunk.unwrap().expect("the stream goes on");
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

/// The stream sends the state on connecting, then after each change (a
/// control, a copy accepted, a step); a graceful stop ends it rather than
/// waiting for it.
#[tokio::test]
async fn the_stream_follows_changes_and_ends_when_the_server_stops() {
    let s = start(&["--units-per-second", "0"]).await;
    let mut r = s.client.get(s.url("/_coursecopy/ui/api/events")).bearer_auth(&s.admin).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let mut buffer = String::new();
    let first = next_event(&mut r, &mut buffer).await;
    assert_eq!((first["runnerPaused"].as_bool(), first["courses"].as_u64()), (Some(false), Some(3)));
    assert_eq!(first["jobs"], json!([]));

    s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    let paused = next_event(&mut r, &mut buffer).await;
    assert_eq!(paused["runnerPaused"], true);
    assert!(paused["changes"].as_u64() > first["changes"].as_u64());

    // An armed fault, and the request that uses it up, both show.
    let t = s.token("author-key").await;
    s.control(Method::POST, "/_coursecopy/faults", Some(json!({"unavailable": 1}))).await;
    assert_eq!(next_event(&mut r, &mut buffer).await["faults"]["unavailable"], 1);
    let refused = s.call(Method::GET, &format!("{V3}/courses/courseId:BIO-101"), &t, None).await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(next_event(&mut r, &mut buffer).await["faults"]["unavailable"], 0);

    let body = json!({"targetCourse": {"courseId": "BIO-101-LIVE"}, "copy": {"contentAreas": "true"}});
    let copy = s.call(Method::POST, "/learn/api/public/v2/courses/courseId:BIO-101/copy", &t, Some(body)).await;
    assert_eq!(copy.status(), StatusCode::ACCEPTED);
    let queued = next_event(&mut r, &mut buffer).await;
    let job = &queued["jobs"][0];
    assert_eq!((job["kind"].as_str(), job["state"].as_str()), (Some("copy"), Some("queued")), "{queued}");
    assert_eq!((job["percent"].as_u64(), job["queuePlace"].as_u64()), (Some(0), Some(1)));
    assert!(job["label"].as_str().unwrap().contains("[BIO-101-LIVE]"));

    s.control(Method::POST, "/_coursecopy/runner/resume", None).await;
    let mut last = queued;
    for _ in 0..100 {
        last = next_event(&mut r, &mut buffer).await;
        if last["jobs"][0]["state"] == "completed" {
            break;
        }
    }
    assert_eq!(
        (last["jobs"][0]["state"].as_str(), last["jobs"][0]["percent"].as_u64()),
        (Some("completed"), Some(100))
    );

    tokio::time::timeout(Duration::from_secs(10), s.stop()).await.expect("the stop does not wait for the stream");
    let end = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match r.chunk().await {
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return,
            }
        }
    });
    end.await.expect("the stream ended");
}

/// A workspace with a linked copy of Biology (one of its pages edited
/// since) and a release rule in Biology pointing at its first learning
/// object.
fn linked_workspace() -> Workspace {
    let mut ws = coursecopy_server::demo::demo_workspace().unwrap();
    let author = ws.users().find(|(_, u)| u.name() == "Author").map(|(k, _)| k).unwrap();
    let bio = ws.find_course("BIO-101").unwrap();
    ws.link_course(author, bio, &CopyOptions::new().course_id("BIO-LINKED")).unwrap();
    let cells = ws.course(bio).unwrap().learning_objects().next().unwrap();
    let page = ws.learning_object(cells).unwrap().pages().next().unwrap();
    ws.edit_page(author, bio, page, PageEdit::new().body("<p>Edited upstream.</p>")).unwrap();
    let rule = ToolDraft::new(Category::AdaptiveReleaseRules, "Release Cells").link(ToolLink::Content(cells));
    ws.add_tool(author, bio, rule).unwrap();
    // The linked copy of Genetics is shared into Chemistry too.
    let linked = ws.find_course("BIO-LINKED").unwrap();
    let genetics = ws.course(linked).unwrap().learning_objects().nth(1).unwrap();
    let chem = ws.find_course("CHEM-101").unwrap();
    ws.add_learning_object(author, chem, genetics, None).unwrap();
    ws
}

/// The course list: ids in both APIs, reuse counts, search and pages; one
/// course: each learning object's kind, where it is used, its upstream
/// and downstreams, and whether an update waits.
#[tokio::test]
async fn courses_show_their_ids_and_how_their_learning_objects_are_reused() {
    let s = start(&[]).await;
    s.reset_to(&linked_workspace()).await;
    let (status, list) = s.control(Method::GET, "/_coursecopy/ui/api/courses", None).await;
    assert_eq!((status, list["total"].as_u64()), (StatusCode::OK, Some(4)));
    let row = |id: &str| list["courses"].as_array().unwrap().iter().find(|c| c["courseId"] == id).unwrap().clone();
    let bio = row("BIO-101");
    assert_eq!((bio["learnId"].as_str(), bio["canvasId"].as_u64()), (Some("_1_1"), Some(1)));
    assert_eq!((bio["shared"].as_u64(), bio["linked"].as_u64()), (Some(1), Some(0)), "Cells is shared with CHEM");
    assert_eq!(row("BIO-101-2025")["duplicated"], 3);
    let linked = row("BIO-LINKED");
    assert_eq!((linked["linked"].as_u64(), linked["updatesAvailable"].as_u64()), (Some(3), Some(1)));
    assert_eq!(linked["shared"], 1, "a linked copy shared into Chemistry counts as both");

    let (_, found) = s.control(Method::GET, "/_coursecopy/ui/api/courses?q=linked", None).await;
    assert_eq!(found["total"], 1);
    let (_, second) = s.control(Method::GET, "/_coursecopy/ui/api/courses?page=1&perPage=3", None).await;
    assert_eq!((second["total"].as_u64(), second["courses"].as_array().unwrap().len()), (Some(4), 1));
    let (_, beyond) = s.control(Method::GET, "/_coursecopy/ui/api/courses?page=99", None).await;
    assert_eq!(beyond["courses"], json!([]));
    let (status, _) = s.control(Method::GET, "/_coursecopy/ui/api/courses?page=-1", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let id = linked["id"].as_u64().unwrap();
    let (_, detail) = s.control(Method::GET, &format!("/_coursecopy/ui/api/courses/{id}"), None).await;
    let cells = &detail["learningObjects"][0];
    assert_eq!((cells["kind"].as_str(), cells["updateAvailable"].as_bool()), (Some("linked"), Some(true)));
    assert_eq!(cells["upstream"]["course"]["courseId"], "BIO-101");
    assert_eq!(detail["learningObjects"][1]["updateAvailable"], false);
    let genetics = &detail["learningObjects"][1];
    assert_eq!((genetics["kind"].as_str(), genetics["shared"].as_bool()), (Some("linked"), Some(true)));
    let page = &cells["pages"][0];
    assert_eq!((page["linked"].as_bool(), page["upstream"].as_str()), (Some(true), Some("What is a cell")));
    let (_, bio) = s.control(Method::GET, "/_coursecopy/ui/api/courses/1", None).await;
    let cells = &bio["learningObjects"][0];
    assert_eq!(cells["kind"], "shared");
    let used_in: Vec<&str> =
        cells["usedIn"].as_array().unwrap().iter().filter_map(|c| c["courseId"].as_str()).collect();
    assert_eq!(used_in, ["BIO-101", "CHEM-101"]);
    assert_eq!(cells["downstreams"][0]["courses"][0]["courseId"], "BIO-LINKED");
    let pages = cells["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(|p| p["downstreams"] == 1), "each page has its one linked copy: {cells}");
    for bad in ["999", "x"] {
        let (status, _) = s.control(Method::GET, &format!("/_coursecopy/ui/api/courses/{bad}"), None).await;
        assert!(status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST, "{bad}: {status}");
    }
    s.stop().await;
}

/// A partial copy lists the references it dropped; an injected failure
/// shows failed, with its reason.
#[tokio::test]
async fn jobs_show_dropped_references_and_failures() {
    let s = start(&["--units-per-second", "0"]).await;
    s.reset_to(&linked_workspace()).await;
    let t = s.token("author-key").await;
    let copy = "/learn/api/public/v2/courses/courseId:BIO-101/copy";
    let body = json!({"targetCourse": {"courseId": "RULES-ONLY"}, "copy": {"adaptiveReleaseRules": "true"}});
    let r = s.call(Method::POST, copy, &t, Some(body)).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    s.poll(&common::location(&r), &t).await;
    s.control(Method::POST, "/_coursecopy/faults", Some(json!({"failCopies": 1}))).await;
    let body = json!({"targetCourse": {"courseId": "FAILS"}, "copy": {"contentAreas": "true"}});
    let r = s.call(Method::POST, copy, &t, Some(body)).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let (_, state) = s.control(Method::GET, "/_coursecopy/ui/api/jobs", None).await;
    let jobs = state["jobs"].as_array().unwrap();
    let partial =
        jobs.iter().find(|j| j["label"].as_str().unwrap().contains("RULES-ONLY")).unwrap_or_else(|| panic!("{state}"));
    assert_eq!(partial["state"], "completed");
    let issue = partial["issues"][0].as_str().unwrap();
    assert!(issue.contains("AdaptiveReleaseRules") && issue.contains("not copied"), "{issue}");
    let failed = jobs.iter().find(|j| j["state"] == "failed").unwrap_or_else(|| panic!("{state}"));
    assert!(failed["message"].as_str().unwrap().contains("injected failure"), "{failed}");
    assert!(failed["label"].as_str().unwrap().contains("since removed"), "an injected failure removes its new course");
    s.stop().await;
}

/// The graph control writes DOT, or SVG laid out in-process with one box
/// per course; names are escaped in both; another format is refused.
#[tokio::test]
async fn the_graph_comes_as_dot_or_svg_with_names_escaped() {
    let s = start(&[]).await;
    let t = s.token("author-key").await;
    let name = "<img src=x onerror=alert(1)> \"quoted\" \\ back";
    let r = s.call(Method::POST, &format!("{V3}/courses"), &t, Some(json!({"courseId": "XSS", "name": name}))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let get = |format: &'static str| {
        let url = s.url(&format!("/_coursecopy/graph{format}"));
        let request = s.client.get(url).bearer_auth(&s.admin);
        async move { request.send().await.unwrap() }
    };
    let dot = get("").await;
    assert_eq!(dot.headers()["content-type"], "text/vnd.graphviz");
    assert!(dot.text().await.unwrap().starts_with("digraph sharing {"));
    let svg = get("?format=svg").await;
    assert_eq!((svg.status(), svg.headers()["content-type"].to_str().unwrap()), (StatusCode::OK, "image/svg+xml"));
    let policy = policy(&svg);
    assert!(policy.starts_with("default-src 'none'") && !policy.contains("script"), "{policy}");
    assert_eq!(svg.headers()["x-content-type-options"], "nosniff");
    let svg = svg.text().await.unwrap();
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(!svg.contains("<img") && svg.contains("&lt;img src=x onerror=alert(1)&gt;"), "the name is text");
    let boxes = svg.matches("<rect").count();
    assert_eq!(boxes, 4, "one box per course (the library items are notes)");
    let bad = get("?format=png").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    s.stop().await;
}

/// A blueprint sync is a job too: queued while the runner waits, then
/// completed at 100 %, named by its blueprint.
#[tokio::test]
async fn a_blueprint_sync_shows_in_the_jobs() {
    let s = start(&["--units-per-second", "0"]).await;
    let author = "author-canvas-token";
    let (status, _) = s.form(Method::PUT, "/api/v1/courses/1", author, &[("course[blueprint]", "true".into())]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, section) =
        s.form(Method::POST, "/api/v1/accounts/1/courses", author, &[("course[name]", "Section".into())]).await;
    assert_eq!(status, StatusCode::OK, "{section}");
    let template = "/api/v1/courses/1/blueprint_templates/default";
    let add = [("course_ids_to_add[]", section["id"].to_string())];
    let (status, _) = s.form(Method::PUT, &format!("{template}/update_associations"), author, &add).await;
    assert_eq!(status, StatusCode::OK);
    s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    let (status, sync) = s.form(Method::POST, &format!("{template}/migrations"), author, &[]).await;
    assert_eq!(status, StatusCode::OK, "{sync}");
    let id = sync["id"].to_string();
    let find = |state: &Value| {
        let jobs = state["jobs"].as_array().unwrap();
        jobs.iter().find(|j| j["kind"] == "sync" && j["id"] == id.as_str()).cloned().unwrap()
    };
    let (_, waiting) = s.control(Method::GET, "/_coursecopy/ui/api/jobs", None).await;
    let job = find(&waiting);
    assert_eq!((job["state"].as_str(), job["percent"].as_u64()), (Some("queued"), Some(0)), "{job}");
    assert_eq!(job["label"], "blueprint sync of Introduction to Biology [BIO-101]");
    s.control(Method::POST, "/_coursecopy/runner/resume", None).await;
    for _ in 0..500 {
        let (_, now) = s.control(Method::GET, "/_coursecopy/ui/api/jobs", None).await;
        if find(&now)["state"] == "completed" {
            assert_eq!(find(&now)["percent"], 100);
            return s.stop().await;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the sync never completed");
}
