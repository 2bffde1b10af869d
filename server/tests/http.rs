//! The server over real HTTP (SRV-1..8, SRV-10, SRV-11): each test starts
//! its own server on an ephemeral port and drives it with reqwest.

mod common;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// SRV-1, SRV-3: the demo workspace answers, and the version is one at
/// least as new as the 3900.123 swagger.
#[tokio::test]
async fn srv1_srv3_demo_starts_and_reports_a_learn_version() {
    let s = start(&[]).await;
    let t = s.token("admin-key").await;
    let (status, v) = s.get(&format!("{V1}/system/version"), &t).await;
    assert_eq!(status, StatusCode::OK);
    let learn = &v["learn"];
    let version = (learn["major"].as_u64().unwrap(), learn["minor"].as_u64().unwrap());
    assert!(version >= (3900, 123), "{v}");
    assert!(learn["patch"].is_u64() && learn["build"].is_string());
    let (_, list) = s.get(&format!("{V3}/courses"), &t).await;
    let ids: Vec<&str> = list["results"].as_array().unwrap().iter().map(|c| c["courseId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["BIO-101", "CHEM-101", "BIO-101-2025"]);
    s.stop().await;
}

/// SRV-2: client credentials by HTTP Basic, `grant_type` in the form body
/// or the query; every other Learn route needs a valid bearer token.
#[tokio::test]
async fn srv2_tokens_by_client_credentials_guard_every_route() {
    let s = start(&["--token-ttl", "1"]).await;
    let token_url = s.url(&format!("{V1}/oauth2/token"));
    // In the query, no body.
    let r = s
        .client
        .post(format!("{token_url}?grant_type=client_credentials"))
        .basic_auth("author-key", Some("author-secret"))
        .send()
        .await
        .unwrap();
    let (status, body) = read(r).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 1);
    assert!(body["access_token"].as_str().is_some_and(|t| t.len() >= 32));

    // Wrong secret, no credentials: 401; a wrong grant type: 400.
    let wrong =
        s.client.post(&token_url).basic_auth("author-key", Some("nope")).form(&[("grant_type", "client_credentials")]);
    let (status, body) = read(wrong.send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED);
    let (status, body) =
        read(s.client.post(&token_url).form(&[("grant_type", "client_credentials")]).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED);
    let bad =
        s.client.post(&token_url).basic_auth("author-key", Some("author-secret")).form(&[("grant_type", "password")]);
    let (status, body) = read(bad.send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("grant_type"));

    // No token, an unknown token, an expired token: 401.
    let (status, body) = read(s.client.get(s.url(&format!("{V3}/courses"))).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED);
    let (status, body) = s.get(&format!("{V3}/courses"), "not-a-token").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED);
    let t = s.token("author-key").await;
    assert_eq!(s.get(&format!("{V3}/courses"), &t).await.0, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, body) = s.get(&format!("{V3}/courses"), &t).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED);
    s.stop().await;
}

/// SRV-2, ACC-1: each app key acts as its user; the role decides (403).
#[tokio::test]
async fn srv2_roles_decide_what_a_key_may_do() {
    let s = start(&[]).await;
    let reviewer = s.token("reviewer-key").await;
    let body = json!({"courseId": "NEW-1", "name": "New"});
    let (status, err) = read(s.call(Method::POST, &format!("{V3}/courses"), &reviewer, Some(body.clone())).await).await;
    assert_error(status, &err, StatusCode::FORBIDDEN);
    // The reviewer reads BIO-101 (assigned), not CHEM-101.
    assert_eq!(s.get(&format!("{V3}/courses/courseId:BIO-101"), &reviewer).await.0, StatusCode::OK);
    let (status, err) = s.get(&format!("{V3}/courses/courseId:CHEM-101"), &reviewer).await;
    assert_error(status, &err, StatusCode::FORBIDDEN);
    let copy = json!({"targetCourse": {"courseId": "REV-COPY"}});
    let r = s.call(Method::POST, "/learn/api/public/v2/courses/courseId:BIO-101/copy", &reviewer, Some(copy)).await;
    let (status, err) = read(r).await;
    assert_error(status, &err, StatusCode::FORBIDDEN);
    let author = s.token("author-key").await;
    let r = s.call(Method::POST, &format!("{V3}/courses"), &author, Some(body)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    s.stop().await;
}

/// SRV-4: every id form names the same course: `_12_1`, `courseId:X`,
/// `externalId:X`, `uuid:X`; an unknown one is 404.
#[tokio::test]
async fn srv4_every_id_form_names_the_course() {
    let s = start(&[]).await;
    let t = s.token("admin-key").await;
    let (_, bio) = s.get(&format!("{V3}/courses/courseId:BIO-101"), &t).await;
    let forms = [
        bio["id"].as_str().unwrap().to_string(),
        "courseId:BIO-101".to_string(),
        format!("externalId:{}", bio["externalId"].as_str().unwrap()),
        format!("uuid:{}", bio["uuid"].as_str().unwrap()),
    ];
    for form in &forms {
        let (status, v) = s.get(&format!("{V3}/courses/{form}"), &t).await;
        assert_eq!(status, StatusCode::OK, "{form}");
        assert_eq!(v["id"], bio["id"], "{form}");
    }
    for missing in ["_999_1", "courseId:NOPE", "uuid:0123456789abcdef0123456789abcdef", "BIO-101"] {
        let (status, v) = s.get(&format!("{V3}/courses/{missing}"), &t).await;
        assert_error(status, &v, StatusCode::NOT_FOUND);
    }
    assert_eq!(bio["uuid"].as_str().unwrap().len(), 32);
    s.stop().await;
}

/// SRV-4: the v3 list pages with `offset`/`limit` and a host-relative
/// `paging.nextPage`; filters contain-match; `sort` and `fields` work.
#[tokio::test]
async fn srv4_course_list_pages_filters_sorts_and_projects() {
    let s = start(&[]).await;
    let t = s.token("admin-key").await;
    for i in 0..5 {
        let r = s
            .call(
                Method::POST,
                &format!("{V3}/courses"),
                &t,
                Some(json!({"courseId": format!("HIST-{i}"), "name": format!("History {i}")})),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    // Paging through everything, two at a time, following nextPage.
    let mut next = Some(format!("{V3}/courses?limit=2"));
    let mut seen = Vec::new();
    while let Some(path) = next {
        assert!(path.starts_with("/learn/api/public/v3/courses?"), "{path}");
        let (status, page) = s.get(&path, &t).await;
        assert_eq!(status, StatusCode::OK);
        let results = page["results"].as_array().unwrap();
        assert!(results.len() <= 2);
        seen.extend(results.iter().map(|c| c["courseId"].as_str().unwrap().to_string()));
        next = page["paging"]["nextPage"].as_str().map(str::to_string);
    }
    assert_eq!(seen.len(), 8);

    let ids = |v: &Value| -> Vec<String> {
        v["results"].as_array().unwrap().iter().map(|c| c["courseId"].as_str().unwrap().to_string()).collect()
    };
    let (_, v) = s.get(&format!("{V3}/courses?courseId=hist&sort=courseId(desc)"), &t).await;
    assert_eq!(ids(&v), ["HIST-4", "HIST-3", "HIST-2", "HIST-1", "HIST-0"]);
    let (_, v) = s.get(&format!("{V3}/courses?name=Biology"), &t).await;
    assert_eq!(ids(&v), ["BIO-101", "BIO-101-2025"]);
    let (_, v) = s.get(&format!("{V3}/courses?externalId=CHEM"), &t).await;
    assert_eq!(ids(&v), ["CHEM-101"]);
    let (_, v) = s.get(&format!("{V3}/courses?availability.available=No"), &t).await;
    assert!(ids(&v).is_empty());
    let (_, v) = s.get(&format!("{V3}/courses?availability.available=Yes&courseId=CHEM"), &t).await;
    assert_eq!(ids(&v), ["CHEM-101"]);
    // Learn's two comparisons, `lessThan` strictly before; a date-time
    // with a UTC offset is the instant it names.
    let (_, v) = s.get(&format!("{V3}/courses?created=2026-10-01T00:00:00.000Z&createdCompare=lessThan"), &t).await;
    assert_eq!(ids(&v), ["BIO-101", "CHEM-101", "BIO-101-2025"]);
    let (_, v) = s.get(&format!("{V3}/courses?created=2026-09-01T00:00:00Z&createdCompare=lessThan"), &t).await;
    assert!(ids(&v).is_empty(), "the demo's courses were made at exactly 2026-09-01: {v}");
    let (_, v) =
        s.get(&format!("{V3}/courses?created=2026-09-01T02:00:00%2B02:00&createdCompare=greaterOrEqual"), &t).await;
    assert_eq!(ids(&v).len(), 8);
    let (_, v) = s.get(&format!("{V3}/courses?created=2026-10-01T00:00:00.000Z"), &t).await;
    assert_eq!(ids(&v).len(), 5);
    // The widest page and offset the errors name are taken.
    let (status, v) = s.get(&format!("{V3}/courses?limit=1000&offset=2147483647"), &t).await;
    assert_eq!((status, ids(&v).len()), (StatusCode::OK, 0));
    let (_, v) =
        s.get(&format!("{V3}/courses?courseId=BIO-101-2025&fields=id,name,availability.duration.type"), &t).await;
    let only = &v["results"][0];
    let mut keys: Vec<&str> = only.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["availability", "id", "name"]);
    assert_eq!(only["availability"], json!({"duration": {"type": "Continuous"}}));

    for bad in [
        "limit=x",
        "limit=0",
        "limit=1001",
        "offset=-1",
        "offset=2147483648",
        "sort=color",
        "createdCompare=before",
        "createdCompare=lessOrEqual",
        "created=yesterday",
        "availability.available=Maybe",
    ] {
        let (status, v) = s.get(&format!("{V3}/courses?{bad}"), &t).await;
        assert_error(status, &v, StatusCode::BAD_REQUEST);
        let name = bad.split('=').next().unwrap();
        assert!(v["message"].as_str().unwrap().starts_with(name), "{v}");
    }
    s.stop().await;
}

/// SRV-4: create, get, PATCH, delete in v3 (delete 202), v2 and v1
/// (delete 204), each answering in its version's shape.
#[tokio::test]
async fn srv4_course_routes_answer_in_their_versions_shapes() {
    let s = start(&[]).await;
    let t = s.token("author-key").await;
    for (version, delete_status) in
        [("v3", StatusCode::ACCEPTED), ("v2", StatusCode::NO_CONTENT), ("v1", StatusCode::NO_CONTENT)]
    {
        let base = format!("/learn/api/public/{version}/courses");
        let id = format!("MATH-{version}");
        let (status, made) = read(
            s.call(Method::POST, &base, &t, Some(json!({"courseId": id, "name": "Maths", "description": "Numbers"})))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        assert_eq!((made["courseId"].as_str(), made["externalId"].as_str()), (Some(id.as_str()), Some(id.as_str())));
        assert_eq!(made.get("copyHistory").is_some(), version == "v3", "{version}: {made}");
        assert_eq!(made.get("modified").is_some(), version != "v1", "{version}: {made}");
        let path = format!("{base}/courseId:{id}");
        let (status, patched) = read(
            s.call(Method::PATCH, &path, &t, Some(json!({"name": "Mathematics", "availability": {"available": "No"}})))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{patched}");
        assert_eq!(
            (patched["name"].as_str(), patched["availability"]["available"].as_str()),
            (Some("Mathematics"), Some("No"))
        );
        assert_eq!(s.get(&path, &t).await.1["name"], "Mathematics");
        // A taken id is a conflict.
        let (status, err) =
            read(s.call(Method::POST, &base, &t, Some(json!({"courseId": id, "name": "Again"}))).await).await;
        assert_error(status, &err, StatusCode::CONFLICT);
        assert!(err["message"].as_str().unwrap().contains("courseId"), "{err}");
        let r = s.call(Method::DELETE, &path, &t, None).await;
        assert_eq!(r.status(), delete_status);
        assert_eq!(s.get(&path, &t).await.0, StatusCode::NOT_FOUND);
    }
    s.stop().await;
}

/// SRV-7: errors use Learn's body; a 400 names the key path as the client
/// wrote it; malformed JSON and a wrong content type are 400 naming what
/// is wrong; too large a body is 413; an unknown route 404.
#[tokio::test]
async fn srv7_errors_name_what_the_client_wrote() {
    let s = start(&["--max-body", "2048"]).await;
    let t = s.token("author-key").await;
    let bio = format!("{V3}/courses/courseId:BIO-101");
    let cases = [
        (json!({"availability": {"duration": {"type": "Forever"}}}), "availability.duration.type"),
        (
            json!({"availability": {"duration": {"type": "DateRange", "start": "2027-05-01T00:00:00.000Z", "end": "2027-01-01T00:00:00.000Z"}}}),
            "availability.duration",
        ),
        (json!({"name": ""}), "name"),
        (json!({"courseId": "BIO-101"}), "courseId"),
        (json!({"enrollment": {"type": "SelfEnrollment", "accessCode": "x".repeat(51)}}), "enrollment.accessCode"),
        (json!({"locale": {"id": "l".repeat(21)}}), "locale.id"),
        (json!({"allowGuests": "maybe"}), "allowGuests"),
    ];
    for (body, field) in cases {
        let (status, err) = read(s.call(Method::PATCH, &bio, &t, Some(body.clone())).await).await;
        assert_error(status, &err, StatusCode::BAD_REQUEST);
        assert!(err["message"].as_str().unwrap().starts_with(field), "{body} → {err}");
    }
    let copy = "/learn/api/public/v2/courses/courseId:BIO-101/copy";
    let (status, err) =
        read(s.call(Method::POST, copy, &t, Some(json!({"targetCourse": {"id": "nonsense"}}))).await).await;
    assert_error(status, &err, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().starts_with("targetCourse.id"), "{err}");
    let (status, err) = read(s.call(Method::POST, copy, &t, Some(json!({"copy": {}}))).await).await;
    assert_error(status, &err, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().starts_with("targetCourse"), "{err}");
    // The generated Java client's empty id, with no courseId beside it.
    let (status, err) = read(s.call(Method::POST, copy, &t, Some(json!({"targetCourse": {"id": {}}}))).await).await;
    assert_error(status, &err, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().starts_with("targetCourse.id"), "{err}");

    // Malformed JSON: line and column.
    let (status, err) = s.raw(Method::PATCH, &bio, &t, "application/json", "{\n  \"name\": }").await;
    assert_error(status, &err, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().contains("line 2 column"), "{err}");
    // A wrong content type.
    let (status, err) = s.raw(Method::PATCH, &bio, &t, "text/plain", "{}").await;
    assert_error(status, &err, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().contains("Content-Type"), "{err}");
    // Too large.
    let big = json!({"description": "x".repeat(4096)});
    let (status, err) = read(s.call(Method::PATCH, &bio, &t, Some(big)).await).await;
    assert_error(status, &err, StatusCode::PAYLOAD_TOO_LARGE);
    // Unknown routes, tasks and courses.
    for path in
        ["/learn/api/public/v1/nothing", "/learn/api/public/v1/system/tasks/_99_1", &format!("{V3}/courses/_77_1")]
    {
        let (status, err) = s.get(path, &t).await;
        assert_error(status, &err, StatusCode::NOT_FOUND);
    }
    s.stop().await;
}

/// SRV-7: every answer carries the rate headers; past the limit, 429 with
/// `Retry-After`.
#[tokio::test]
async fn srv7_rate_limit_headers_and_429() {
    let s = start(&["--rate-limit", "5", "--rate-window", "60"]).await;
    let t = s.token("author-key").await;
    let mut remaining = Vec::new();
    for _ in 0..4 {
        let r = s.call(Method::GET, &format!("{V3}/courses"), &t, None).await;
        assert_eq!(r.status(), StatusCode::OK);
        for h in ["x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"] {
            assert!(r.headers().contains_key(h), "{h}");
        }
        assert_eq!(r.headers()["x-rate-limit-limit"], "5");
        remaining.push(r.headers()["x-rate-limit-remaining"].to_str().unwrap().parse::<u64>().unwrap());
    }
    // The token request was the first of the key's five.
    assert_eq!(remaining, [3, 2, 1, 0]);
    let r = s.call(Method::GET, &format!("{V3}/courses"), &t, None).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(r.headers()["x-rate-limit-remaining"], "0");
    let (status, err) = read(r).await;
    assert_error(status, &err, StatusCode::TOO_MANY_REQUESTS);
    // An unknown route still carries the headers.
    let r = s.client.get(s.url("/nowhere")).send().await.unwrap();
    assert!(r.headers().contains_key("x-rate-limit-limit"));
    s.stop().await;
}

/// SRV-2: app keys from flags and from a file replace the demo keys; a key
/// naming no user stops the start.
#[tokio::test]
async fn srv2_app_keys_from_flags_and_a_file() {
    let file = std::env::temp_dir().join(format!("coursecopy-keys-{}.txt", std::process::id()));
    std::fs::write(&file, "# keys for CI\nci-key:ci-secret:Reviewer\n\n").unwrap();
    let file_arg = file.display().to_string();
    let s = start(&["--app-key", "mine:s3cret:Author", "--app-keys-file", &file_arg]).await;
    let url = s.url(&format!("{V1}/oauth2/token"));
    for (key, secret, want) in [
        ("mine", "s3cret", StatusCode::OK),
        ("ci-key", "ci-secret", StatusCode::OK),
        ("author-key", "author-secret", StatusCode::UNAUTHORIZED),
    ] {
        let r = s
            .client
            .post(&url)
            .basic_auth(key, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), want, "{key}");
    }
    s.stop().await;
    use clap::Parser;
    let config = coursecopy_server::config::Config::parse_from(["x", "--app-key", "k:s:Nobody"]);
    let err = coursecopy_server::app::App::new(config).err().unwrap();
    assert!(err.contains("Nobody"), "{err}");
    let _ = std::fs::remove_file(&file);
}

/// SRV-4: the contents, children and users lists page as the course list
/// does, with the same checks of `offset` and `limit`, and `fields`; they
/// apply Learn's filters the server can (`title`, `contentHandler`,
/// `recursive`; `role`, `availability.available`) and refuse the others.
#[tokio::test]
async fn srv4_every_list_pages_with_learns_offset_and_limit() {
    let s = start(&[]).await;
    let t = s.token("author-key").await;
    let contents = format!("{V1}/courses/courseId:BIO-101/contents");
    let (_, all) = s.get(&contents, &t).await;
    let folders = all["results"].as_array().unwrap().clone();
    assert_eq!(folders.len(), 3);
    assert!(all.get("paging").is_none());
    let (_, page) = s.get(&format!("{contents}?limit=1&offset=1&fields=id,title"), &t).await;
    assert_eq!(page["results"], json!([{"id": folders[1]["id"], "title": folders[1]["title"]}]));
    let next = page["paging"]["nextPage"].as_str().unwrap();
    assert!(next.starts_with(&format!("{contents}?offset=2&limit=1")) && next.contains("fields=id%2Ctitle"), "{next}");
    let (_, last) = s.get(next, &t).await;
    assert_eq!(last["results"][0]["id"], folders[2]["id"]);
    assert!(last.get("paging").is_none());

    let first = folders[0]["id"].as_str().unwrap();
    let children = format!("{contents}/{first}/children");
    let (_, page) = s.get(&format!("{children}?limit=2"), &t).await;
    assert_eq!(page["results"].as_array().unwrap().len(), 2);
    assert!(page["paging"]["nextPage"].as_str().unwrap().contains("offset=2"), "{page}");
    let users = format!("{V1}/courses/courseId:BIO-101/users");
    let (_, page) = s.get(&format!("{users}?offset=5"), &t).await;
    assert_eq!(page["results"], json!([]));

    // Learn's filters the server applies, and those it refuses rather than
    // ignore.
    let (_, genetics) = s.get(&format!("{contents}?title=GENET"), &t).await;
    assert_eq!(genetics["results"].as_array().unwrap().len(), 1, "{genetics}");
    assert_eq!(genetics["results"][0]["title"], "Genetics");
    let (_, all) = s.get(&format!("{contents}?recursive=true"), &t).await;
    assert_eq!(all["results"].as_array().unwrap().len(), 3 + 7, "three folders and their seven pages");
    let (_, pages) = s.get(&format!("{contents}?recursive=true&contentHandler=resource/x-bb-document"), &t).await;
    assert_eq!(pages["results"].as_array().unwrap().len(), 7);
    let (_, students) = s.get(&format!("{users}?role=Student"), &t).await;
    assert_eq!(students["results"].as_array().unwrap().len(), 1, "the Reviewer: {students}");
    let (_, none) = s.get(&format!("{users}?availability.available=No"), &t).await;
    assert_eq!(none["results"], json!([]));
    for (list, bad, name) in [
        (&contents, "created=2027-01-01T00:00:00Z", "created"),
        (&contents, "recursive=maybe", "recursive"),
        (&children, "reviewable=true", "reviewable"),
        (&users, "lastAccessed=2027-01-01T00:00:00Z", "lastAccessed"),
        (&users, "availability.available=Maybe", "availability.available"),
    ] {
        let (status, err) = s.get(&format!("{list}?{bad}"), &t).await;
        assert_error(status, &err, StatusCode::BAD_REQUEST);
        assert!(err["message"].as_str().unwrap().starts_with(name), "{list}?{bad}: {err}");
    }

    for list in [&contents, &children, &users] {
        for (bad, name) in
            [("limit=1&offset=-5", "offset"), ("limit=0", "limit"), ("limit=1001", "limit"), ("offset=x", "offset")]
        {
            let (status, err) = s.get(&format!("{list}?{bad}"), &t).await;
            assert_error(status, &err, StatusCode::BAD_REQUEST);
            assert!(err["message"].as_str().unwrap().starts_with(name), "{list}?{bad}: {err}");
        }
    }
    s.stop().await;
}

/// SRV-11: a date-time with a UTC offset, valid RFC 3339, is read as the
/// instant it names in a body, and written back in the `Z` form.
#[tokio::test]
async fn srv11_offsets_in_bodies_are_read_and_written_as_z() {
    let s = start(&[]).await;
    let t = s.token("author-key").await;
    let body = json!({"availability": {"duration": {"type": "DateRange",
        "start": "2030-01-01T00:00:00+01:00", "end": "2030-06-30T18:30:00.5-05:30"}}});
    let (status, course) =
        read(s.call(Method::PATCH, &format!("{V3}/courses/courseId:BIO-101"), &t, Some(body)).await).await;
    assert_eq!(status, StatusCode::OK, "{course}");
    let duration = &course["availability"]["duration"];
    assert_eq!(duration["start"], "2029-12-31T23:00:00.000Z");
    assert_eq!(duration["end"], "2030-07-01T00:00:00.500Z");
    s.stop().await;
}
