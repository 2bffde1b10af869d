//! The Canvas routes over real HTTP, called as canvasapi calls them
//! (`canvas/CLIENTS.md`): its `Authorization: Bearer` header (or an
//! `access_token` parameter), its paging by the `Link` header's absolute
//! URLs, and its error handling, which tells an invalid token (401 with
//! `WWW-Authenticate`) from a missing right (401 without). Every answer
//! is checked against the closed schemas of `tests/canvas/schemas.json`.

mod common;

use common::{conforms, start};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

async fn read(r: Response) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let (status, headers) = (r.status(), r.headers().clone());
    let text = r.text().await.unwrap();
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::Null))
}

const AUTHOR: &str = "author-canvas-token";
const REVIEWER: &str = "reviewer-canvas-token";

/// CNV-1: a token from `Authorization: Bearer` or the `access_token`
/// parameter (the header wins); no token, or an unknown one, is 401 with
/// `WWW-Authenticate: Bearer realm="canvas-lms"` and Canvas's body, on
/// every path under `/api/v1/`, known or not; a user without the right is
/// 401 without the header; an unknown path with a good token is Canvas's
/// 404; `--canvas-token` adds tokens and replaces the demo's.
#[tokio::test]
async fn cnv1_tokens_and_canvas_401s() {
    let s = start(&[]).await;
    let get = |path: &str, token: Option<&str>| {
        let mut r = s.client.get(s.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let realm = Some("Bearer realm=\"canvas-lms\"");
    for path in ["/api/v1/courses", "/api/v1/no/such/route"] {
        let (status, headers, body) = read(get(path, None).await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(headers.get("www-authenticate").and_then(|v| v.to_str().ok()), realm);
        assert_eq!(body, json!({"status": "unauthenticated", "errors": [{"message": "user authorization required"}]}));
        conforms("ErrorList", &body);
        let (status, headers, body) = read(get(path, Some("wrong")).await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(headers.get("www-authenticate").and_then(|v| v.to_str().ok()), realm);
        assert_eq!(body, json!({"errors": [{"message": "Invalid access token."}]}));
    }
    let (status, _, body) = read(get("/api/v1/courses", Some(AUTHOR)).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let by_param = s.client.get(s.url(&format!("/api/v1/courses?access_token={AUTHOR}"))).send().await.unwrap();
    assert_eq!(by_param.status(), StatusCode::OK);
    let header_wins =
        s.client.get(s.url(&format!("/api/v1/courses?access_token={AUTHOR}"))).bearer_auth("wrong").send().await;
    assert_eq!(header_wins.unwrap().status(), StatusCode::UNAUTHORIZED);
    let (status, headers, body) = read(get("/api/v1/no/such/route", Some(AUTHOR)).await.unwrap()).await;
    assert_eq!((status, headers.get("www-authenticate")), (StatusCode::NOT_FOUND, None));
    assert_eq!(body, json!({"errors": [{"message": "The specified resource does not exist."}]}));

    // The reviewer is assigned to BIO-101 only: CHEM-101 is refused as a missing right.
    let chem = course_id(&s, AUTHOR, "CHEM-101").await;
    let (status, headers, body) = read(get(&format!("/api/v1/courses/{chem}"), Some(REVIEWER)).await.unwrap()).await;
    assert_eq!((status, headers.get("www-authenticate")), (StatusCode::UNAUTHORIZED, None));
    assert_eq!(body["status"], "unauthorized");
    conforms("ErrorList", &body);
    // Errors of the HTTP layer are Canvas's JSON too: a method the route
    // does not take, a body over `--max-body` (before the gate), a query
    // Rails would refuse.
    let r = s.client.delete(s.url("/api/v1/courses")).bearer_auth(AUTHOR).send().await.unwrap();
    let (status, _, body) = read(r).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    conforms("ErrorList", &body);
    let big = "x".repeat(2 << 20);
    let r = s.client.post(s.url("/api/v1/courses")).bearer_auth(AUTHOR).body(big).send().await.unwrap();
    let (status, _, body) = read(r).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    conforms("ErrorList", &body);
    let r = s.client.get(s.url("/api/v1/courses?a=1&a[]=2")).send().await.unwrap();
    let (status, _, body) = read(r).await;
    assert_eq!(
        (status, body["errors"][0]["message"].as_str()),
        (StatusCode::BAD_REQUEST, Some("expected Array (got String) for param `a'"))
    );
    s.stop().await;

    let s = start(&["--canvas-token", "t0k3n:Reviewer"]).await;
    let r = s.client.get(s.url("/api/v1/courses")).bearer_auth("t0k3n").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = s.client.get(s.url("/api/v1/courses")).bearer_auth(AUTHOR).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "flags replace the demo's tokens");
    s.stop().await;
}

/// The numeric id of the course whose `course_code` is `code`, from the
/// caller's list.
async fn course_id(s: &common::Server, token: &str, code: &str) -> u64 {
    let r = s.client.get(s.url("/api/v1/courses?per_page=100")).bearer_auth(token).send().await.unwrap();
    let courses: Value = r.json().await.unwrap();
    let found = courses.as_array().unwrap().iter().find(|c| c["course_code"] == code);
    found.unwrap_or_else(|| panic!("{code} in {courses}"))["id"].as_u64().unwrap()
}

/// CNV-2, CNV-3: a course by its numeric id, `sis_course_id:` or `uuid:`
/// (a trailing `/` too), the same object each way, in Canvas's shape;
/// an unknown one is 404. The caller's courses page by `per_page`, and
/// canvasapi's way of paging (follow `rel="next"` until there is none)
/// reads them all once.
#[tokio::test]
async fn cnv2_cnv3_courses_by_any_id_and_paged_by_link() {
    let s = start(&[]).await;
    let bio = course_id(&s, AUTHOR, "BIO-101").await;
    let get = |path: String| s.client.get(s.url(&path)).bearer_auth(AUTHOR).send();
    let (status, _, course) = read(get(format!("/api/v1/courses/{bio}")).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{course}");
    conforms("Course", &course);
    assert_eq!(
        (course["name"].as_str(), course["time_zone"].as_str()),
        (Some("Introduction to Biology"), Some("America/New_York"))
    );
    let sis = course["sis_course_id"].as_str().unwrap().to_string();
    let uuid = course["uuid"].as_str().unwrap().to_string();
    for path in [
        format!("/api/v1/courses/sis_course_id:{sis}"),
        format!("/api/v1/courses/uuid:{uuid}"),
        format!("/api/v1/courses/{bio}/"),
    ] {
        let (status, _, again) = read(get(path.clone()).await.unwrap()).await;
        assert_eq!((status, &again), (StatusCode::OK, &course), "{path}");
    }
    for path in
        ["/api/v1/courses/999", "/api/v1/courses/sis_course_id:nope", "/api/v1/courses/uuid:00", "/api/v1/courses/_1_1"]
    {
        let (status, _, body) = read(get(path.to_string()).await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        conforms("ErrorList", &body);
    }

    // canvasapi's PaginatedList: the first page, then each `next` link as given.
    let mut url = s.url("/api/v1/courses?per_page=2");
    let (mut seen, mut pages) = (Vec::new(), 0);
    loop {
        let r = s.client.get(&url).bearer_auth(AUTHOR).send().await.unwrap();
        let link = r.headers().get("link").unwrap().to_str().unwrap().to_string();
        let page: Value = r.json().await.unwrap();
        for course in page.as_array().unwrap() {
            conforms("Course", course);
            seen.push(course["id"].as_u64().unwrap());
        }
        pages += 1;
        let entries: Vec<&str> = link.split(',').collect();
        assert!(
            entries[0].ends_with("; rel=\"current\"") && entries.last().unwrap().ends_with("; rel=\"last\""),
            "{link}"
        );
        assert!(entries.iter().all(|e| e.starts_with(&format!("<{}/api/v1/courses?", s.base))), "absolute: {link}");
        match entries.iter().find(|e| e.ends_with("rel=\"next\"")) {
            Some(next) => url = next.trim_start_matches('<').split('>').next().unwrap().to_string(),
            None => break,
        }
    }
    assert_eq!((pages, seen.len()), (2, 3), "three courses, two a page");
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, seen, "by id, each once");
    let (_, _, admin) =
        read(s.client.get(s.url("/api/v1/courses")).bearer_auth("admin-canvas-token").send().await.unwrap()).await;
    assert_eq!(admin, json!([]), "the administrator made and teaches none");
    s.stop().await;
}

/// CNV-2: every Canvas answer carries `X-Request-Cost` and
/// `X-Rate-Limit-Remaining` as floats, the latter never below 0.1 on an
/// answered request (the last one of the window included); past the
/// window, 429 with `Retry-After` and Canvas's plain-text body, which
/// canvasapi 3.6 turns into `RateLimitExceeded`.
#[tokio::test]
async fn cnv2_rate_headers_and_429() {
    let s = start(&["--rate-limit", "2", "--rate-window", "3600"]).await;
    let get = || s.client.get(s.url("/api/v1/courses")).bearer_auth(AUTHOR).send();
    for _ in 0..2 {
        let r = get().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let header = |name: &str| r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap().to_string();
        let remaining: f64 = header("x-rate-limit-remaining").parse().unwrap();
        assert!(remaining >= 0.1, "{remaining}");
        assert!(header("x-rate-limit-remaining").contains('.'), "a float");
        assert_eq!(header("x-request-cost").parse::<f64>().unwrap(), 1.0);
    }
    let r = get().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().get("retry-after").is_some());
    assert_eq!(r.headers().get("content-type").unwrap(), "text/plain; charset=utf-8");
    assert_eq!(r.text().await.unwrap(), "429 Too Many Requests (Rate Limit Exceeded)\n");
    s.stop().await;
}

/// CNV-3: the one account, as `self`, `default` or `1` (canvasapi reaches
/// course creation through `get_account`): readable by those who create
/// courses, not by a Reviewer; its courses are every course, for an
/// Administrator, with `search_term`; another account is 404.
#[tokio::test]
async fn cnv3_the_account_and_its_courses() {
    let s = start(&[]).await;
    let get = |path: &str, token: &str| s.client.get(s.url(path)).bearer_auth(token.to_string()).send();
    for id in ["self", "default", "1"] {
        let (status, _, account) = read(get(&format!("/api/v1/accounts/{id}"), AUTHOR).await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{id}: {account}");
        conforms("Account", &account);
        assert_eq!(account["id"], 1);
    }
    let (status, headers, body) = read(get("/api/v1/accounts/self", REVIEWER).await.unwrap()).await;
    assert_eq!((status, headers.get("www-authenticate")), (StatusCode::UNAUTHORIZED, None));
    conforms("ErrorList", &body);
    assert_eq!(get("/api/v1/accounts/2", AUTHOR).await.unwrap().status(), StatusCode::NOT_FOUND);

    let admin = "admin-canvas-token";
    let (status, headers, all) = read(get("/api/v1/accounts/self/courses?per_page=100", admin).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert!(headers.get("link").is_some());
    let codes: Vec<&str> = all.as_array().unwrap().iter().map(|c| c["course_code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["BIO-101", "CHEM-101", "BIO-101-2025"], "every course, by id");
    let (_, _, found) = read(get("/api/v1/accounts/1/courses?search_term=cHeM", admin).await.unwrap()).await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["course_code"], "CHEM-101");
    let (status, _, _) = read(get("/api/v1/accounts/self/courses", AUTHOR).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "an Author does not manage the account");
    let bio = course_id(&s, AUTHOR, "BIO-101").await;
    let (status, _, course) = read(get(&format!("/api/v1/accounts/self/courses/{bio}"), AUTHOR).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    conforms("Course", &course);
    s.stop().await;
}

/// CNV-4 (the reads): a course's modules are its learning objects in
/// order, each module's items its pages (type `Page`), with `page_url`
/// naming a page that answers by that url, by its id, and by `page_id:`;
/// a list of pages has no bodies, one page has its body; a shared LO is
/// the same module in every course that includes it; unknown ids are 404.
#[tokio::test]
async fn cnv4_modules_items_and_pages_read() {
    let s = start(&[]).await;
    let bio = course_id(&s, AUTHOR, "BIO-101").await;
    let chem = course_id(&s, AUTHOR, "CHEM-101").await;
    let get = |path: String| s.client.get(s.url(&path)).bearer_auth(AUTHOR).send();
    let (status, headers, modules) = read(get(format!("/api/v1/courses/{bio}/modules")).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{modules}");
    assert!(headers.get("link").is_some());
    let names: Vec<&str> = modules.as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Cells", "Genetics", "Ecology"]);
    for (at, m) in modules.as_array().unwrap().iter().enumerate() {
        conforms("Module", m);
        assert_eq!(m["position"], at + 1);
        assert!(m.get("items").is_none(), "items only when asked");
    }
    let cells = modules[0]["id"].as_u64().unwrap();
    let (_, _, with_items) = read(get(format!("/api/v1/courses/{bio}/modules?include[]=items")).await.unwrap()).await;
    let items = with_items[0]["items"].as_array().unwrap().clone();
    let titles: Vec<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["What is a cell", "Organelles", "Cell division"]);
    assert_eq!(with_items[0]["items_count"], 3);
    // canvasapi follows `items_url` as given.
    let (status, _, listed) =
        read(s.client.get(modules[0]["items_url"].as_str().unwrap()).bearer_auth(AUTHOR).send().await.unwrap()).await;
    assert_eq!((status, &listed), (StatusCode::OK, &Value::Array(items.clone())));
    for item in &items {
        conforms("ModuleItem", item);
        assert_eq!((item["type"].as_str(), item["module_id"].as_u64()), (Some("Page"), Some(cells)));
    }
    let first = &items[0];
    assert_eq!(first["page_url"], "what-is-a-cell");
    let (_, _, one) =
        read(get(format!("/api/v1/courses/{bio}/modules/{cells}/items/{}", first["id"])).await.unwrap()).await;
    assert_eq!(&one, first);
    let (_, _, module) = read(get(format!("/api/v1/courses/{bio}/modules/{cells}")).await.unwrap()).await;
    assert_eq!(module, modules[0]);
    // The shared Cells is the same module in Chemistry.
    let (_, _, chem_modules) = read(get(format!("/api/v1/courses/{chem}/modules")).await.unwrap()).await;
    assert!(chem_modules.as_array().unwrap().iter().any(|m| m["id"] == cells));

    let (status, _, pages) = read(get(format!("/api/v1/courses/{bio}/pages?per_page=100")).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pages.as_array().unwrap().len(), 7);
    for p in pages.as_array().unwrap() {
        conforms("Page", p);
        assert!(p.get("body").is_none(), "no body in a list");
    }
    let page_id = first["id"].as_u64().unwrap();
    for locator in ["what-is-a-cell".to_string(), page_id.to_string(), format!("page_id:{page_id}")] {
        let (status, _, page) = read(get(format!("/api/v1/courses/{bio}/pages/{locator}")).await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{locator}");
        conforms("Page", &page);
        assert_eq!((page["page_id"].as_u64(), page["body"].as_str()), (Some(page_id), Some("<p>What is a cell.</p>")));
    }
    let (_, _, found) = read(get(format!("/api/v1/courses/{bio}/pages?search_term=CELL")).await.unwrap()).await;
    assert_eq!(found.as_array().unwrap().len(), 2, "What is a cell, Cell division");
    for path in [
        format!("/api/v1/courses/{bio}/pages/no-such-page"),
        format!("/api/v1/courses/{bio}/modules/999999"),
        format!("/api/v1/courses/{bio}/modules/{cells}/items/999999"),
        "/api/v1/courses/999/modules".to_string(),
    ] {
        let (status, _, body) = read(get(path.clone()).await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        conforms("ErrorList", &body);
    }
    let r = s.client.get(s.url(&format!("/api/v1/courses/{chem}/pages"))).bearer_auth(REVIEWER).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "the Reviewer is not in Chemistry");
    s.stop().await;
}

/// CNV-1, CNV-2: the answers of other Canvas versions, behind flags: a
/// missing right as newer Canvas's 403 (a token problem stays a 401 with
/// `WWW-Authenticate`), throttling as classic Canvas's plain-text 403
/// (canvasapi 3.4 reads it); and a token in a form body, as a client that
/// puts `access_token` with its other form parameters sends it.
#[tokio::test]
async fn cnv1_cnv2_other_canvas_versions_and_a_token_in_the_body() {
    let s = start(&["--canvas-403-for-rights", "--canvas-403-for-throttling", "--rate-limit", "4"]).await;
    let chem = course_id(&s, AUTHOR, "CHEM-101").await;
    let r = s.client.get(s.url(&format!("/api/v1/courses/{chem}"))).bearer_auth(REVIEWER).send().await.unwrap();
    let (status, headers, body) = read(r).await;
    assert_eq!((status, headers.get("www-authenticate")), (StatusCode::FORBIDDEN, None));
    assert_eq!(body["status"], "unauthorized");
    let r = s.client.get(s.url("/api/v1/courses")).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "a token problem stays a 401");
    assert!(r.headers().get("www-authenticate").is_some());
    let r = s
        .client
        .get(s.url("/api/v1/courses"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("per_page=1&access_token={AUTHOR}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "a token in a form body");
    // Past the Author's window (4 requests), the classic 403.
    let mut r = s.client.get(s.url("/api/v1/courses")).bearer_auth(AUTHOR).send().await.unwrap();
    for _ in 0..4 {
        if r.status() != StatusCode::OK {
            break;
        }
        r = s.client.get(s.url("/api/v1/courses")).bearer_auth(AUTHOR).send().await.unwrap();
    }
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.text().await.unwrap(), "403 Forbidden (Rate Limit Exceeded)\n");
    s.stop().await;
}

/// CNV-4 (the page update): `wiki_page[title]` and `wiki_page[body]`, as a
/// form (canvasapi) or JSON; through a shared LO the change shows in every
/// course that includes it (SHR-2); a new title gives a new `url`; a blank
/// title is Canvas's validation error on `title`; a Reviewer may not edit;
/// an unknown page is 404; with `--data` the change survives a restart.
#[tokio::test]
async fn cnv4_a_page_update_follows_the_model_and_lasts() {
    let dir = std::env::temp_dir().join(format!("coursecopy-canvas-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data.db");
    let _ = std::fs::remove_file(&data);
    let s = start(&["--data", data.to_str().unwrap()]).await;
    let bio = course_id(&s, AUTHOR, "BIO-101").await;
    let chem = course_id(&s, AUTHOR, "CHEM-101").await;
    let put = |path: String, token: &str| s.client.put(s.url(&path)).bearer_auth(token.to_string());
    let r = put(format!("/api/v1/courses/{bio}/pages/what-is-a-cell"), AUTHOR)
        .form(&[("wiki_page[body]", "<p>Cells are small.</p>")])
        .send()
        .await
        .unwrap();
    let (status, _, page) = read(r).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    conforms("Page", &page);
    assert_eq!(page["body"], "<p>Cells are small.</p>");
    let id = page["page_id"].as_u64().unwrap();
    let (_, _, in_chem) = read(
        s.client.get(s.url(&format!("/api/v1/courses/{chem}/pages/{id}"))).bearer_auth(AUTHOR).send().await.unwrap(),
    )
    .await;
    assert_eq!(in_chem["body"], "<p>Cells are small.</p>", "the shared LO's page, seen in Chemistry");
    let r = put(format!("/api/v1/courses/{bio}/pages/{id}"), AUTHOR)
        .json(&json!({"wiki_page": {"title": "What a cell is"}}))
        .send()
        .await
        .unwrap();
    let (status, _, page) = read(r).await;
    assert_eq!((status, page["url"].as_str()), (StatusCode::OK, Some("what-a-cell-is")));
    let r = put(format!("/api/v1/courses/{bio}/pages/{id}"), AUTHOR)
        .form(&[("wiki_page[title]", " ")])
        .send()
        .await
        .unwrap();
    let (status, _, body) = read(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"]["title"][0]["attribute"], "title", "{body}");
    let r = put(format!("/api/v1/courses/{bio}/pages/{id}"), REVIEWER)
        .form(&[("wiki_page[body]", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = put(format!("/api/v1/courses/{bio}/pages/no-such-page"), AUTHOR)
        .form(&[("wiki_page[body]", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    s.stop().await;

    let s = start(&["--data", data.to_str().unwrap()]).await;
    let (_, _, again) = read(
        s.client.get(s.url(&format!("/api/v1/courses/{bio}/pages/{id}"))).bearer_auth(AUTHOR).send().await.unwrap(),
    )
    .await;
    assert_eq!(
        (again["title"].as_str(), again["body"].as_str()),
        (Some("What a cell is"), Some("<p>Cells are small.</p>"))
    );
    s.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// CNV-3 (the course update): `course[name]`, `course[course_code]`,
/// `course[sis_course_id]`, `course[time_zone]`, `course[start_at]` and
/// `course[end_at]`, as canvasapi's
/// `Course.update` sends them; the change shows over Learn's routes too;
/// a bad value is Canvas's validation error on its attribute; a Reviewer
/// may not; an unknown key is ignored.
#[tokio::test]
async fn cnv3_a_course_update_over_canvas_shows_over_learn() {
    let s = start(&[]).await;
    let bio = course_id(&s, AUTHOR, "BIO-101").await;
    let put = |token: &str| s.client.put(s.url(&format!("/api/v1/courses/{bio}"))).bearer_auth(token.to_string());
    let form = [
        ("course[name]", "Biology, revised"),
        ("course[course_code]", "BIO-R"),
        ("course[sis_course_id]", "bio-r"),
        ("course[time_zone]", "Europe/Berlin"),
        ("course[no_such_field]", "x"),
    ];
    let (status, _, course) = read(put(AUTHOR).form(&form).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{course}");
    conforms("Course", &course);
    let got = (&course["name"], &course["course_code"], &course["sis_course_id"], &course["time_zone"]);
    assert_eq!(got, (&json!("Biology, revised"), &json!("BIO-R"), &json!("bio-r"), &json!("Europe/Berlin")));
    let learn = s.token("author-key").await;
    let (status, over_learn) = s.get("/learn/api/public/v3/courses/externalId:bio-r", &learn).await;
    assert_eq!((status, over_learn["name"].as_str()), (StatusCode::OK, Some("Biology, revised")));
    let (status, _, body) =
        read(put(AUTHOR).json(&json!({"course": {"time_zone": "Mars/Olympus"}})).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"]["time_zone"][0]["attribute"], "time_zone", "{body}");
    let (status, _, body) = read(put(AUTHOR).form(&[("course[name]", "")]).send().await.unwrap()).await;
    assert_eq!((status, &body["errors"]["name"][0]["attribute"]), (StatusCode::BAD_REQUEST, &json!("name")), "{body}");
    let r = put(REVIEWER).form(&[("course[name]", "x")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Term dates: both set a range; one alone moves its bound; an end
    // before the start is Canvas's error on `conclude_at`, and nothing
    // changes.
    let dates = [("course[start_at]", "2028-01-10T08:00:00Z"), ("course[end_at]", "2028-05-06T20:00:00Z")];
    let (status, _, course) = read(put(AUTHOR).form(&dates).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{course}");
    assert_eq!(
        (&course["start_at"], &course["end_at"]),
        (&json!("2028-01-10T08:00:00Z"), &json!("2028-05-06T20:00:00Z"))
    );
    let later = [("course[end_at]", "2028-06-01T00:00:00+02:00")];
    let (_, _, course) = read(put(AUTHOR).form(&later).send().await.unwrap()).await;
    assert_eq!(
        (&course["start_at"], &course["end_at"]),
        (&json!("2028-01-10T08:00:00Z"), &json!("2028-05-31T22:00:00Z"))
    );
    let (status, _, body) =
        read(put(AUTHOR).form(&[("course[end_at]", "2027-01-01T00:00:00Z")]).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"]["conclude_at"][0]["attribute"], "conclude_at", "{body}");
    let (_, _, course) =
        read(s.client.get(s.url(&format!("/api/v1/courses/{bio}"))).bearer_auth(AUTHOR).send().await.unwrap()).await;
    assert_eq!(course["end_at"], "2028-05-31T22:00:00Z", "the refused change changed nothing");
    s.stop().await;
}

/// CNV-3 (create, events, delete): canvasapi's `Account.create_course(
/// course={...})` form-encodes `course[...]` to the account's courses;
/// the course is 200 in Canvas's shape, `canvas-<id>` over Learn,
/// unpublished unless `offer`; `course[event]` publishes and concludes;
/// `DELETE` with `event=conclude` or `event=delete` (query or body)
/// answers `{"conclude":true}` / `{"delete":true}`, another event is
/// Canvas's 400, and a deleted course is then 404. A course made over
/// Learn is read over Canvas, and one made over Canvas is copied over
/// Learn.
#[tokio::test]
async fn cnv3_create_publish_conclude_and_delete_a_course() {
    let s = start(&[]).await;
    let form = [
        ("course[name]", "Botany"),
        ("course[course_code]", "BOT-1"),
        ("course[sis_course_id]", "bot-1"),
        ("course[start_at]", "2028-01-10T00:00:00Z"),
        ("course[end_at]", "2028-05-01T00:00:00Z"),
    ];
    let post = |token: &str| s.client.post(s.url("/api/v1/accounts/self/courses")).bearer_auth(token.to_string());
    let (status, _, course) = read(post(AUTHOR).form(&form).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{course}");
    conforms("Course", &course);
    assert_eq!((course["name"].as_str(), course["workflow_state"].as_str()), (Some("Botany"), Some("unpublished")));
    assert_eq!(course["start_at"], "2028-01-10T00:00:00Z");
    let id = course["id"].as_u64().unwrap();
    let learn = s.token("author-key").await;
    let (status, over_learn) = s.get(&format!("/learn/api/public/v3/courses/courseId:canvas-{id}"), &learn).await;
    assert_eq!((status, over_learn["externalId"].as_str()), (StatusCode::OK, Some("bot-1")), "{over_learn}");
    // A Learn client (its course is the next id) took the courseId the
    // Canvas course after it would get: that course gets the next free one.
    let learn_course = json!({"courseId": format!("canvas-{}", id + 2), "name": "Taken"});
    let r = s.call(reqwest::Method::POST, "/learn/api/public/v3/courses", &learn, Some(learn_course)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (status, _, next) = read(post(AUTHOR).form(&[("course[name]", "Next")]).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{next}");
    let next_id = next["id"].as_u64().unwrap();
    let (_, over_learn) = s.get(&format!("/learn/api/public/v3/courses/_{next_id}_1"), &learn).await;
    assert_eq!(over_learn["courseId"], format!("canvas-{next_id}-2"), "{over_learn}");
    let (_, _, unnamed) = read(post(AUTHOR).form(&[("offer", "true")]).send().await.unwrap()).await;
    assert_eq!(
        (unnamed["name"].as_str(), unnamed["workflow_state"].as_str()),
        (Some("Unnamed Course"), Some("available"))
    );
    let r = post(REVIEWER).form(&[("course[name]", "x")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "a Reviewer may not create courses");

    let put = s.client.put(s.url(&format!("/api/v1/courses/{id}"))).bearer_auth(AUTHOR);
    let (_, _, offered) = read(put.form(&[("course[event]", "offer")]).send().await.unwrap()).await;
    assert_eq!(offered["workflow_state"], "available");
    let delete = |query: &str| s.client.delete(s.url(&format!("/api/v1/courses/{id}{query}"))).bearer_auth(AUTHOR);
    let (status, _, body) = read(delete("?event=explode").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], r#"Only "delete" and "conclude" events are allowed."#);
    let (status, _, body) = read(delete("?event=conclude").send().await.unwrap()).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"conclude": true})));
    let (_, _, concluded) =
        read(s.client.get(s.url(&format!("/api/v1/courses/{id}"))).bearer_auth(AUTHOR).send().await.unwrap()).await;
    assert_eq!(concluded["workflow_state"], "completed");

    // Copied over Learn, then deleted over Canvas, `event` in the body.
    let r = s
        .call(
            reqwest::Method::POST,
            &format!("/learn/api/public/v2/courses/courseId:canvas-{id}/copy"),
            &learn,
            Some(json!({"targetCourse": {"courseId": "BOT-COPY"}})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let done = s.poll(&common::location(&r), &learn).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let (status, _, body) = read(delete("").form(&[("event", "delete")]).send().await.unwrap()).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"delete": true})));
    let r = s.client.get(s.url(&format!("/api/v1/courses/{id}"))).bearer_auth(AUTHOR).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (status, _) = s.get("/learn/api/public/v3/courses/courseId:BOT-COPY", &learn).await;
    assert_eq!(status, StatusCode::OK, "the copy stays");
    s.stop().await;
}
