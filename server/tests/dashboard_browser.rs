//! The dashboard in a real browser: Debian's headless Chromium, driven
//! over WebDriver (ChromeDriver) with fantoccini.
//!
//! The browser is `/usr/bin/chromium` and its driver `/usr/bin/chromedriver`
//! (Debian's `chromium` and `chromium-driver`; `.ci/run` installs them), or
//! those `COURSECOPY_CHROMIUM` and `COURSECOPY_CHROMEDRIVER` name. Where they
//! are missing the tests say so and pass, except under `CI=true`, where a
//! missing browser fails them.
//!
//! `COURSECOPY_SCREENSHOT=1` also writes `docs/dashboard.png` (1280 × 800).

mod common;

use common::{V3, start};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A headless Chromium and its driver, ended on drop.
struct Browser {
    client: Option<Client>,
    driver: Child,
    profile: PathBuf,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A test that failed did not close its session: its Chromium
        // processes (which start sessions of their own, out of the
        // driver's reach) are found by their profile, which is theirs
        // alone, and killed with the shell's own `kill`.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let pids = processes_using(&self.profile);
        if !pids.is_empty() {
            let _ = Command::new("sh").args(["-c", &format!("kill -9 {}", pids.join(" "))]).status();
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The processes whose command line names `path`, from `/proc`.
fn processes_using(path: &std::path::Path) -> Vec<String> {
    let needle = path.display().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(&needle))
        })
        .collect()
}

/// One browser at a time: on 2 cores, Chromiums started side by side
/// slow each other past the tests' waits.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl Browser {
    fn client(&self) -> &Client {
        self.client.as_ref().expect("a session")
    }

    async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }
}

fn executable(var: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| PathBuf::from(default));
    path.is_file().then_some(path)
}

/// Starts Chromium at `width` × `height`, or `None` (with a note) where it
/// is not installed, outside CI.
async fn browser(width: u32, height: u32) -> Option<Browser> {
    let found = (
        executable("COURSECOPY_CHROMIUM", "/usr/bin/chromium"),
        executable("COURSECOPY_CHROMEDRIVER", "/usr/bin/chromedriver"),
    );
    let (Some(chromium), Some(chromedriver)) = found else {
        let why = "Chromium or ChromeDriver is missing: apt-get install chromium chromium-driver";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{why} (CI=true needs the browser test)");
        eprintln!("skipped: {why}");
        return None;
    };
    let turn = ONE_AT_A_TIME.lock().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let driver = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = common::temp_path("chromium-profile");
    let mut browser = Browser { client: None, driver, profile, _turn: turn };
    let args = [
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        format!("--user-data-dir={}", browser.profile.display()),
        format!("--window-size={width},{height}"),
    ];
    let mut capabilities = serde_json::Map::new();
    // Downloads go to the profile, which is removed with the browser.
    let downloads = browser.profile.join("downloads");
    let prefs = json!({ "download.default_directory": downloads, "download.prompt_for_download": false });
    // The viewport is set exactly (the window's size would include its
    // frame, and a window is at least 500 px wide); under 500 px it is a
    // phone's.
    let phone = width < 500;
    let metrics = json!({ "width": width, "height": height, "pixelRatio": 1, "mobile": phone, "touch": phone });
    let options = json!({
        "binary": chromium,
        "args": args,
        "prefs": prefs,
        "mobileEmulation": { "deviceMetrics": metrics },
    });
    capabilities.insert("goog:chromeOptions".into(), options);
    let started = Instant::now();
    loop {
        let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(capabilities.clone());
        match builder.connect(&format!("http://127.0.0.1:{port}")).await {
            Ok(client) => {
                browser.client = Some(client);
                return Some(browser);
            }
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("no WebDriver session with Chromium: {e}"),
        }
    }
}

/// Waits until `expression` (JavaScript) is truthy in the page, for at
/// most `seconds`.
async fn until(client: &Client, expression: &str, seconds: u64) {
    let started = Instant::now();
    loop {
        let value = client.execute(&format!("return Boolean({expression});"), vec![]).await.expect("the script runs");
        if value == json!(true) {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(seconds), "after {seconds} s, still not: {expression}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn eval(client: &Client, expression: &str) -> Value {
    client.execute(&format!("return {expression};"), vec![]).await.expect("the script runs")
}

/// Opens the dashboard and gives it the admin token.
async fn connect(client: &Client, s: &common::Server) {
    client.goto(&s.url("/_coursecopy/ui/")).await.unwrap();
    client.find(Locator::Css("#token")).await.unwrap().send_keys(&s.admin).await.unwrap();
    client.find(Locator::Css("#login-form button")).await.unwrap().click().await.unwrap();
    until(client, "document.getElementById('runner-state').textContent !== '…'", 20).await;
}

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// A job's row's state and percent, as the page shows them.
async fn job_shown(client: &Client, job: &str) -> Value {
    let script = format!(
        "const row = document.querySelector('#jobs tr[data-job=\"{job}\"]'); \
         return row ? [row.dataset.state, row.querySelector('progress').value] : null;"
    );
    client.execute(&script, vec![]).await.unwrap()
}

/// The demo's courses are listed; a Learn copy started while the runner
/// is paused shows queued at 0 %, moves when Step is pressed, and reaches
/// 100 % after Resume, without a reload; a Canvas content migration does
/// the same. With `COURSECOPY_SCREENSHOT=1` it then writes
/// `docs/dashboard.png`.
#[tokio::test]
async fn a_copy_and_a_migration_move_live_and_pause_and_step_change_the_page() {
    let Some(browser) = browser(1280, 800).await else { return };
    let s = start(&["--units-per-second", "0"]).await;
    let c = browser.client();
    connect(c, &s).await;
    until(c, "document.querySelectorAll('#courses tbody tr').length === 3", 10).await;
    let listed =
        eval(c, "[...document.querySelectorAll('#courses tbody tr td:nth-child(2)')].map(td => td.textContent)").await;
    assert_eq!(listed, json!(["BIO-101", "CHEM-101", "BIO-101-2025"]));

    click(c, "#pause").await;
    until(c, "document.getElementById('runner-state').textContent === 'paused'", 10).await;
    let t = s.token("author-key").await;
    let body = json!({"targetCourse": {"courseId": "BIO-101-LIVE"}, "copy": {"contentAreas": "true"}});
    let r = s.call(Method::POST, "/learn/api/public/v2/courses/courseId:BIO-101/copy", &t, Some(body)).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let task = common::location(&r).rsplit('/').next().unwrap().to_string();
    let job = format!("copy:{task}");
    until(c, &format!("document.querySelector('#jobs tr[data-job=\"{job}\"]')"), 10).await;
    assert_eq!(job_shown(c, &job).await, json!(["queued", 0]), "paused: nothing ran");

    c.find(Locator::Css("#step-units")).await.unwrap().clear().await.unwrap();
    c.find(Locator::Css("#step-units")).await.unwrap().send_keys("2").await.unwrap();
    click(c, "#step").await;
    until(c, &format!("document.querySelector('#jobs tr[data-job=\"{job}\"]').dataset.state === 'running'"), 10).await;
    let stepped = job_shown(c, &job).await;
    let percent = stepped[1].as_f64().unwrap();
    assert!(percent > 0.0 && percent < 100.0, "one step of 2 units moved the bar part way: {stepped}");

    click(c, "#resume").await;
    until(c, &format!("document.querySelector('#jobs tr[data-job=\"{job}\"] progress').value === 100"), 20).await;
    assert_eq!(job_shown(c, &job).await, json!(["completed", 100]));
    until(c, "document.querySelectorAll('#courses tbody tr').length === 4", 10).await;

    let fields = [("migration_type", "course_copy_importer".to_string()), ("settings[source_course_id]", "1".into())];
    let (status, migration) =
        s.form(Method::POST, "/api/v1/courses/2/content_migrations", "author-canvas-token", &fields).await;
    assert_eq!(status, StatusCode::OK, "{migration}");
    let job = format!("migration:{}", migration["id"]);
    until(c, &format!("document.querySelector('#jobs tr[data-job=\"{job}\"] progress')?.value === 100"), 20).await;
    assert_eq!(job_shown(c, &job).await, json!(["completed", 100]));
    if std::env::var("COURSECOPY_SCREENSHOT").as_deref() == Ok("1") {
        screenshot(c).await;
    }
    browser.close().await;
    s.stop().await;
}

/// The demo workspace with `extra` courses of one learning object and one
/// page each, given as (course id, name, learning object, page title,
/// page body).
fn demo_with(extra: &[(String, String, &str, &str, &str)]) -> coursecopy::Workspace {
    let mut ws = coursecopy_server::demo::demo_workspace().unwrap();
    let author = ws.users().find(|(_, u)| u.name() == "Author").map(|(k, _)| k).unwrap();
    for (id, name, lo, title, body) in extra {
        let course = ws.create_course(author, coursecopy::NewCourse::new(id, name)).unwrap();
        let lo = ws.create_learning_object(author, course, lo, "").unwrap();
        ws.add_page(author, course, lo, coursecopy::PageDraft::new(*title, *body)).unwrap();
    }
    ws
}

/// A course named with markup shows its name as text, and no script of
/// it runs; the page's policy forbids inline script; the graph, laid out
/// by the server, has one node per course.
#[tokio::test]
async fn hostile_names_show_as_text_and_the_graph_has_one_node_per_course() {
    let Some(browser) = browser(1280, 800).await else { return };
    let s = start(&["--units-per-second", "0"]).await;
    let hostile = |id: &str, name: &str| {
        let (lo, title) = ("<img src=x onerror=window.pwned=2>", "<b onmouseover=window.pwned=3>bold</b>");
        (id.to_string(), name.to_string(), lo, title, "<script>window.pwned=4</script>")
    };
    let ws = demo_with(&[
        hostile("XSS-1", "<img src=x onerror=alert(1)>"),
        hostile("XSS-2", "<script>window.pwned = 1</script>"),
    ]);
    s.reset_to(&ws).await;
    let t = s.token("author-key").await;
    let body = json!({"targetCourse": {"courseId": "XSS-COPY"}, "copy": {"contentAreas": "true"}});
    let r = s.call(Method::POST, "/learn/api/public/v2/courses/courseId:XSS-1/copy", &t, Some(body)).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let c = browser.client();
    connect(c, &s).await;
    until(c, "document.querySelectorAll('#courses tbody tr').length === 6", 10).await;
    let titles =
        eval(c, "[...document.querySelectorAll('#courses tbody tr td:first-child')].map(td => td.textContent)").await;
    let titles: Vec<&str> = titles.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(titles.contains(&"<img src=x onerror=alert(1)>") && titles.contains(&"<script>window.pwned = 1</script>"));
    let label = eval(c, "document.querySelector('#jobs td:nth-child(3)').textContent").await;
    assert_eq!(label, "copy into <img src=x onerror=alert(1)> [XSS-COPY]", "the job's label is text");
    // The detail view writes the course's, its learning object's and its
    // page's names as text too.
    click(c, "#courses tbody tr[data-course=\"4\"] button").await;
    until(c, "document.getElementById('detail-title').textContent.startsWith('<img src=x')", 10).await;
    let detail = eval(c, "document.getElementById('los').textContent").await;
    let detail = detail.as_str().unwrap();
    assert!(
        detail.contains("<img src=x onerror=window.pwned=2>")
            && detail.contains("<b onmouseover=window.pwned=3>bold</b>")
    );
    let markup = "document.querySelectorAll('img[src=\"x\"], main script, main b, #los img').length";
    assert_eq!(eval(c, markup).await, json!(0), "no element was made of a name");
    assert_eq!(eval(c, "window.pwned === undefined").await, json!(true), "no script of a name ran");
    assert!(c.get_alert_text().await.is_err(), "no alert is open");

    // The page's own policy: an inline script added now does not run.
    let injected = "const s = document.createElement('script'); s.textContent = 'window.inline = 1'; \
                    document.body.append(s); return window.inline === undefined;";
    assert_eq!(c.execute(injected, vec![]).await.unwrap(), json!(true), "CSP forbids inline script");

    click(c, "#graph-details summary").await;
    until(c, "document.getElementById('graph').naturalWidth > 0", 60).await;
    let count = format!(
        "const r = await fetch('../graph?format=svg', {{headers: {{Authorization: 'Bearer {}'}}}}); \
         const svg = new DOMParser().parseFromString(await r.text(), 'image/svg+xml'); \
         if (svg.querySelector('parsererror')) return 'unparsable'; \
         const ids = [...svg.querySelectorAll('text')].map(t => t.lastElementChild ? t.lastElementChild.textContent : '') \
             .filter(x => /^\\[.*\\]$/.test(x)).map(x => x.slice(1, -1)); \
         return ids.sort();",
        s.admin
    );
    let script = format!("return (async () => {{ {count} }})().then(arguments[0]);");
    let ids = c.execute_async(&script, vec![]).await.unwrap();
    assert_eq!(
        ids,
        json!(["BIO-101", "BIO-101-2025", "CHEM-101", "XSS-1", "XSS-2", "XSS-COPY"]),
        "one node per course"
    );
    browser.close().await;
    s.stop().await;
}

/// Writes `docs/dashboard.png`: the page at 1280 × 800 with Biology open.
async fn screenshot(c: &Client) {
    // The list has caught up with the migration into Chemistry.
    until(c, "document.querySelector('#courses tr[data-course=\"2\"] td:nth-child(5)').textContent === '5'", 10).await;
    click(c, "#courses tbody tr[data-course=\"1\"] button").await;
    until(c, "!document.getElementById('course-detail').hidden", 10).await;
    c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    let png = c.screenshot().await.unwrap();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/dashboard.png");
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot written to {}", path.display());
}

/// Presses `key` on whatever has the focus.
async fn press(c: &Client, key: Key) {
    let key = char::from(key);
    let actions =
        KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    c.perform_actions(actions).await.unwrap();
}

async fn focused(c: &Client) -> Value {
    let script = "const e = document.activeElement; \
                  return [e.tagName + (e.className ? '.' + e.className : ''), e.id, e.closest('tr')?.dataset.course ?? null];";
    c.execute(script, vec![]).await.unwrap()
}

/// At 400 px wide nothing needs a sideways scroll of the page. From the
/// keyboard alone: the token is sent with Enter, focus goes to the
/// board, Tab reaches Pause and Resume and Enter presses them, and Tab
/// goes on, through controls only, to a course's Details button, which
/// keeps the focus while a copy runs and the list is redrawn, and opens
/// the course with Enter.
#[tokio::test]
async fn narrow_and_keyboard_only_use_work() {
    let Some(browser) = browser(400, 800).await else { return };
    let s = start(&["--units-per-second", "4"]).await;
    let c = browser.client();
    c.goto(&s.url("/_coursecopy/ui/")).await.unwrap();
    let token = c.find(Locator::Css("#token")).await.unwrap();
    token.send_keys(&format!("{}{}", s.admin, char::from(Key::Enter))).await.unwrap();
    until(c, "document.querySelectorAll('#courses tbody tr').length === 3", 20).await;
    let width = eval(c, "[document.documentElement.scrollWidth, window.innerWidth, [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 401 && !e.closest('table')).slice(0, 12).map(e => e.tagName + '#' + e.id + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().right))]").await;
    assert_eq!(width[1], 400, "{width}");
    assert!(width[0].as_u64() <= width[1].as_u64(), "no sideways scroll at 400 px: {width}");
    assert_eq!(focused(c).await[1], "controls-title", "focus moves to the board");

    press(c, Key::Tab).await;
    assert_eq!(focused(c).await[1], "pause");
    press(c, Key::Enter).await;
    until(c, "document.getElementById('runner-state').textContent === 'paused'", 10).await;
    press(c, Key::Tab).await;
    assert_eq!(focused(c).await[1], "resume");
    press(c, Key::Enter).await;
    until(c, "document.getElementById('runner-state').textContent === 'running'", 10).await;

    // A copy waits: it runs once the focus is on a Details button.
    s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    let t = s.token("author-key").await;
    let body = json!({"targetCourse": {"courseId": "BIO-101-KEYS"}, "copy": {"contentAreas": "true"}});
    let r = s.call(Method::POST, "/learn/api/public/v2/courses/courseId:BIO-101/copy", &t, Some(body)).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    until(c, "document.querySelectorAll('#courses tbody tr').length === 4", 10).await;
    let mut path = Vec::new();
    for _ in 0..60 {
        press(c, Key::Tab).await;
        let now = focused(c).await;
        path.push(now[0].as_str().unwrap_or("?").to_string());
        if !now[2].is_null() {
            break;
        }
    }
    // Controls, and the tables' scrolling boxes (Chromium lets the
    // keyboard scroll them).
    let controls = ["BUTTON", "INPUT", "SUMMARY", "A", "DIV.scroll"];
    assert!(path.iter().all(|tag| controls.contains(&tag.as_str())), "Tab stops at controls only: {path:?}");
    let course = focused(c).await[2].clone();
    assert_eq!(course, "1", "Tab reaches the first course's Details: {path:?}");
    let rows = "document.querySelector('#courses tbody tr:last-child td:nth-child(5)').textContent";
    assert_eq!(eval(c, rows).await, "0", "the copy's new course is empty while it waits");
    s.control(Method::POST, "/_coursecopy/runner/resume", None).await;
    until(c, &format!("{rows} === '3'"), 20).await;
    assert_eq!(focused(c).await[2], course, "the focus stays while the copy runs and the list is redrawn");
    press(c, Key::Enter).await;
    until(c, "!document.getElementById('course-detail').hidden && document.activeElement.id === 'detail-title'", 10)
        .await;
    browser.close().await;
    s.stop().await;
}

/// The fault form arms faults; Reset, once confirmed, goes back to the
/// demo, disarms them, and closes the view of a course it removed;
/// Download fetches the saved workspace.
#[tokio::test]
async fn the_fault_reset_and_download_buttons_work() {
    let Some(browser) = browser(1280, 800).await else { return };
    let s = start(&[]).await;
    let t = s.token("author-key").await;
    let r =
        s.call(Method::POST, &format!("{V3}/courses"), &t, Some(json!({"courseId": "EXTRA", "name": "Extra"}))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let c = browser.client();
    connect(c, &s).await;
    until(c, "document.querySelectorAll('#courses tbody tr').length === 4", 10).await;

    let fail_copies = c.find(Locator::Css("#fail-copies")).await.unwrap();
    fail_copies.clear().await.unwrap();
    fail_copies.send_keys("2").await.unwrap();
    click(c, "#fault-form button[type=submit]").await;
    until(c, "document.getElementById('armed').textContent.startsWith('2 failing copies')", 10).await;
    let (_, armed) = s.control(Method::GET, "/_coursecopy/faults", None).await;
    assert_eq!(armed["failCopies"], 2);

    // The course made above is open when the reset removes it.
    click(c, "#courses tbody tr[data-course=\"4\"] button").await;
    until(c, "!document.getElementById('course-detail').hidden", 10).await;
    click(c, "#download").await;
    until(c, "document.getElementById('control-result').textContent === 'Workspace downloaded'", 10).await;
    let file = browser.profile.join("downloads/coursecopy-workspace.json");
    let started = Instant::now();
    while !file.is_file() && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let saved: coursecopy::Workspace = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved.counts().courses, 4, "the download is the saved workspace, EXTRA included");

    click(c, "#reset").await;
    assert!(c.get_alert_text().await.unwrap().contains("Reset the server"));
    c.accept_alert().await.unwrap();
    until(c, "document.getElementById('control-result').textContent === 'Reset to the demo: 3 courses'", 10).await;
    until(c, "document.querySelectorAll('#courses tbody tr').length === 3", 10).await;
    until(c, "document.getElementById('armed').textContent.startsWith('0 failing copies')", 10).await;
    until(c, "document.getElementById('course-detail').hidden", 10).await;
    browser.close().await;
    s.stop().await;
}

/// With 1,000 courses and 100 copy tasks, the time from the token's
/// submission until the page lists the courses and shows every task is
/// printed (not asserted: it is a figure for the notes).
#[tokio::test]
async fn a_large_workspace_gets_ready_and_the_time_is_printed() {
    let Some(browser) = browser(1280, 800).await else { return };
    let s = start(&["--units-per-second", "0"]).await;
    let bulk: Vec<_> =
        (0..897).map(|n| (format!("BULK-{n}"), format!("Bulk {n}"), "Unit", "Page", "<p>Text.</p>")).collect();
    s.reset_to(&demo_with(&bulk)).await;
    let (status, _) = s.control(Method::POST, "/_coursecopy/runner/pause", None).await;
    assert_eq!(status, StatusCode::OK);
    let t = s.token("author-key").await;
    for n in 0..100 {
        let body = json!({"targetCourse": {"courseId": format!("LARGE-COPY-{n}")}, "copy": {"contentAreas": "true"}});
        let r = s.call(Method::POST, "/learn/api/public/v2/courses/courseId:BIO-101/copy", &t, Some(body)).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "copy {n}");
    }
    let c = browser.client();
    let opened = Instant::now();
    c.goto(&s.url("/_coursecopy/ui/")).await.unwrap();
    let loaded = opened.elapsed();
    c.find(Locator::Css("#token")).await.unwrap().send_keys(&s.admin).await.unwrap();
    let submitted = Instant::now();
    click(c, "#login-form button").await;
    until(c, "document.querySelectorAll('#jobs tbody tr').length === 100 && document.querySelectorAll('#courses tbody tr').length === 25", 60).await;
    let ready = submitted.elapsed();
    let info = eval(c, "document.getElementById('page-info').textContent").await;
    assert_eq!(info, json!("Page 1 of 40 (1000 courses)"));
    println!(
        "dashboard with 1,000 courses and 100 tasks: the page loaded in {} ms; ready {} ms after the token was sent",
        loaded.as_millis(),
        ready.as_millis(),
    );
    browser.close().await;
    s.stop().await;
}
