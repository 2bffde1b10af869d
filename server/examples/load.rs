//! Load: 32 concurrent clients against the server, in memory and again
//! with `--data`, mixing copies, polls, GETs and updates, over Learn's
//! routes and then over Canvas's. Prints requests per second and the
//! p50/p99 latency of the GETs with no copy running and with 4 copies of
//! a 10,000-page course running, side by side: over Learn, `GET
//! /v3/courses/{id}` while Learn copies run; over Canvas, a course, its
//! modules, its pages and a page while content migrations run. Then
//! checks that no answer was a 5xx, that the workspace is sound, and that
//! every answered update is visible.
//!
//! Learn's phases also measure what open dashboards cost. Each is cut into
//! blocks of about a second (half a second at CI's 1 s phases), four at a
//! time in the order without, with, with, without 5 dashboards: a p99 is
//! set by a few rare slow answers, and alternating often gives both
//! conditions the same share of them. A dashboard does what the page
//! does (it follows the live stream and, after an event, at most once a
//! second, reloads its page of courses and its open course), but opens
//! its stream afresh in each of its blocks and so gets its first event
//! and reloads at once: it asks for about twice what a page left open
//! does, which errs on the side of cost. Printed: GET p99 with ÷ without
//! dashboards over the whole phase, its median and range over the groups
//! of four, and what each dashboard received and asked for a second.
//!
//! ```sh
//! cargo run --release -p coursecopy-server --example load            # 20 s a phase
//! COURSECOPY_LOAD_SECONDS=5 cargo run --release -p coursecopy-server --example load
//! ```
//!
//! `COURSECOPY_LOAD_PAGES` sets the size of the copied course (default
//! 10,000); CI runs 1,000 pages for 1 s a phase. `COURSECOPY_LOAD_COURSES`
//! sets how many small courses the workspace holds besides (default
//! 1,000), for the dashboards' course list to go through. `COURSECOPY_LOAD_EXTRA`
//! adds flags to the server with `--data` (e.g. `--snapshot-every 1000000`
//! to see what snapshots cost). After the run, the data file is opened
//! again and the time it took printed, and the copies finished with
//! `--data` are compared with those in memory.

use clap::Parser;
use coursecopy::{NewCourse, PageDraft, Role, Workspace};
use coursecopy_server::app::App;
use coursecopy_server::config::Config;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CLIENTS: usize = 32;
/// Dashboards open in the watched phases.
const DASHBOARDS: usize = 5;
const V3: &str = "/learn/api/public/v3";

/// The demo's users and BIG-1, of 100 learning objects of `per_lo` pages.
fn workspace(per_lo: usize) -> Workspace {
    let (mut ws, admin) = Workspace::with_admin("Administrator").expect("admin");
    let author = ws.create_user(admin, "Author", Role::Author).expect("author");
    ws.create_user(admin, "Reviewer", Role::Reviewer).expect("reviewer");
    let course = ws.create_course(author, NewCourse::new("BIG-1", "Big")).expect("course");
    for l in 0..100 {
        let lo = ws.create_learning_object(author, course, &format!("LO {l}"), "").expect("lo");
        for p in 0..per_lo {
            ws.add_page(author, course, lo, PageDraft::new(format!("Page {l}.{p}"), "<p>text</p>")).expect("page");
        }
    }
    for c in 0..CLIENTS {
        let course = ws.create_course(author, NewCourse::new(format!("C-{c}"), "start")).expect("client course");
        let lo = ws.create_learning_object(author, course, "Notes", "").expect("client lo");
        for p in 0..5 {
            ws.add_page(author, course, lo, PageDraft::new(format!("Note {p}"), "<p>note</p>")).expect("client page");
        }
    }
    // After the clients' courses, whose numeric ids the Canvas phases use.
    let extra: usize = std::env::var("COURSECOPY_LOAD_COURSES").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000);
    for n in 0..extra {
        let course = ws.create_course(author, NewCourse::new(format!("X-{n}"), format!("Extra {n}"))).expect("extra");
        let lo = ws.create_learning_object(author, course, "Unit", "").expect("extra lo");
        ws.add_page(author, course, lo, PageDraft::new("Page", "<p>text</p>")).expect("extra page");
    }
    ws
}

/// Which API a phase speaks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
    Learn,
    Canvas,
}

const CANVAS_TOKEN: &str = "author-canvas-token";

/// One GET of a client's round, or (each tenth) an update of its course's
/// name: whether it was a GET, its status, and the name an answered
/// update set.
async fn request(
    client: &Client,
    base: &str,
    token: &str,
    api: Api,
    c: usize,
    i: u64,
) -> (bool, Option<StatusCode>, Option<String>) {
    // Course C-c is the (c + 2)nd course made: BIG-1 is the first.
    let (course, update) = match api {
        Api::Learn => (format!("{base}{V3}/courses/courseId:C-{c}"), i.is_multiple_of(10)),
        Api::Canvas => (format!("{base}/api/v1/courses/{}", c + 2), i.is_multiple_of(10)),
    };
    if update {
        let name = format!("name {c}.{i}");
        let r = match api {
            Api::Learn => client.patch(&course).bearer_auth(token).json(&json!({"name": name})).send().await,
            Api::Canvas => {
                client.put(&course).bearer_auth(CANVAS_TOKEN).form(&[("course[name]", name.as_str())]).send().await
            }
        };
        let status = r.ok().map(|r| r.status());
        return (false, status, (status == Some(StatusCode::OK)).then_some(name));
    }
    let url = match (api, i % 4) {
        (Api::Learn, _) | (Api::Canvas, 0) => course,
        (Api::Canvas, 1) => format!("{course}/modules?include[]=items"),
        (Api::Canvas, 2) => format!("{course}/pages"),
        (Api::Canvas, _) => format!("{course}/pages/note-{}", i % 5),
    };
    let token = if api == Api::Canvas { CANVAS_TOKEN } else { token };
    let r = client.get(&url).bearer_auth(token).send().await;
    let status = match r {
        Ok(r) => {
            let status = r.status();
            let _ = r.bytes().await;
            Some(status)
        }
        Err(_) => None,
    };
    (true, status, None)
}

/// Starts a copy of BIG-1: a Learn copy into a new course (its task's
/// location), or a Canvas content migration into a course made for it
/// (its progress URL). `None` when refused; counts 5xx answers.
async fn start_copy(client: &Client, base: &str, token: &str, api: Api, n: u64, stats: &Stats) -> Option<String> {
    let id = format!("COPY-{}-{n}", std::process::id());
    let r = match api {
        Api::Learn => client
            .post(format!("{base}/learn/api/public/v2/courses/courseId:BIG-1/copy"))
            .bearer_auth(token)
            .json(&json!({"targetCourse": {"courseId": id}}))
            .send()
            .await
            .ok()?,
        Api::Canvas => {
            let made = client.post(format!("{base}/api/v1/accounts/self/courses")).bearer_auth(CANVAS_TOKEN);
            let made: Value = made.form(&[("course[name]", id.as_str())]).send().await.ok()?.json().await.ok()?;
            stats.requests.fetch_add(1, Ordering::Relaxed);
            let form = [("migration_type", "course_copy_importer"), ("settings[source_course_id]", "1")];
            let url = format!("{base}/api/v1/courses/{}/content_migrations", made["id"]);
            client.post(url).bearer_auth(CANVAS_TOKEN).form(&form).send().await.ok()?
        }
    };
    stats.requests.fetch_add(1, Ordering::Relaxed);
    if r.status().is_server_error() {
        stats.server_errors.fetch_add(1, Ordering::Relaxed);
    }
    match (api, r.status()) {
        (Api::Learn, StatusCode::ACCEPTED) => Some(format!("{base}{}", r.headers()["location"].to_str().ok()?)),
        (Api::Canvas, StatusCode::OK) => {
            let migration: Value = r.json().await.ok()?;
            migration["progress_url"].as_str().map(str::to_string)
        }
        _ => None,
    }
}

/// Polls a copy: whether it still runs; counts 5xx answers and copies
/// done.
async fn still_runs(client: &Client, url: &str, token: &str, api: Api, stats: &Stats) -> bool {
    let token = if api == Api::Canvas { CANVAS_TOKEN } else { token };
    let Ok(r) = client.get(url).bearer_auth(token).send().await else { return false };
    stats.requests.fetch_add(1, Ordering::Relaxed);
    if r.status().is_server_error() {
        stats.server_errors.fetch_add(1, Ordering::Relaxed);
    }
    let done = match api {
        Api::Learn => r.status() == StatusCode::SEE_OTHER,
        Api::Canvas => r.json::<Value>().await.is_ok_and(|p| p["workflow_state"] == "completed"),
    };
    if done {
        stats.copies_done.fetch_add(1, Ordering::Relaxed);
    }
    !done
}

struct Stats {
    requests: AtomicU64,
    server_errors: AtomicU64,
    copies_done: AtomicU64,
    /// The number of the last copy started, for its target's id.
    copies_started: AtomicU64,
    /// The copies a phase left running, for the next to follow.
    running: std::sync::Mutex<Vec<String>>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// An open dashboard, as its page behaves: it opens the live stream and,
/// after an event, at most once a second, loads its page of courses and
/// its open course (C-0, id 2) again. Gives what it received and asked
/// for, and how long it was open.
async fn dashboard(client: Client, base: String, stop: Arc<AtomicBool>) -> Watch {
    let opened = Instant::now();
    let mut watch = Watch { requests: 1, ..Watch::default() };
    let events = client.get(format!("{base}/_coursecopy/ui/api/events")).bearer_auth("load").send().await;
    if let Ok(mut events) = events {
        let (mut last, mut pending): (Option<Instant>, bool) = (None, false);
        while !stop.load(Ordering::Relaxed) {
            match tokio::time::timeout(Duration::from_millis(100), events.chunk()).await {
                Ok(Ok(Some(chunk))) if chunk.windows(12).any(|w| w == b"event: state") => {
                    watch.events += 1;
                    pending = true;
                }
                Ok(Ok(Some(_))) | Err(_) => {}
                Ok(_) => break,
            }
            if pending && last.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                (last, pending) = (Some(Instant::now()), false);
                let courses = format!("{base}/_coursecopy/ui/api/courses?page=0&perPage=25");
                let _ = get_json(&client, &courses, "load").await;
                let open = format!("{base}/_coursecopy/ui/api/courses/2");
                let _ = get_json(&client, &open, "load").await;
                watch.requests += 2;
            }
        }
    }
    watch.open_seconds = opened.elapsed().as_secs_f64();
    watch
}

/// What dashboards received and asked for (the stream's opening counts as
/// a request), and how long they were open, in all.
#[derive(Clone, Copy, Default)]
struct Watch {
    events: u64,
    requests: u64,
    open_seconds: f64,
}

impl Watch {
    fn add(&mut self, other: Watch) {
        self.events += other.events;
        self.requests += other.requests;
        self.open_seconds += other.open_seconds;
    }
}

/// One phase over `api`: every client GETs in a loop (and updates its
/// course each tenth request) while a copier keeps `copies` copies of
/// BIG-1 running and `dashboards` dashboards are open; returns the GET
/// latencies, the requests per second (of the clients and the copier, over
/// the phase's length), each client's last answered name and what the
/// dashboards did.
async fn phase(
    api: Api,
    base: &str,
    token: &str,
    seconds: f64,
    (copies, dashboards): (usize, usize),
    stats: &Arc<Stats>,
) -> (Vec<Duration>, f64, Vec<String>, Watch) {
    let stop = Arc::new(AtomicBool::new(false));
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let viewers: Vec<_> =
        (0..dashboards).map(|_| tokio::spawn(dashboard(Client::new(), base.to_string(), stop.clone()))).collect();
    let copier = {
        let (client, base, token, stop, stats) =
            (client.clone(), base.to_string(), token.to_string(), stop.clone(), stats.clone());
        tokio::spawn(async move {
            let mut running: Vec<String> = std::mem::take(&mut *stats.running.lock().expect("running"));
            while !stop.load(Ordering::Relaxed) && copies > 0 {
                while running.len() < copies {
                    let n = stats.copies_started.fetch_add(1, Ordering::Relaxed) + 1;
                    match start_copy(&client, &base, &token, api, n, &stats).await {
                        Some(url) => running.push(url),
                        None => break,
                    }
                }
                let mut still = Vec::new();
                for url in running.drain(..) {
                    if still_runs(&client, &url, &token, api, &stats).await {
                        still.push(url);
                    }
                }
                running = still;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            *stats.running.lock().expect("running") = running;
        })
    };
    let start = Instant::now();
    let mut workers = Vec::new();
    for c in 0..CLIENTS {
        let (client, base, token, stop, stats) =
            (client.clone(), base.to_string(), token.to_string(), stop.clone(), stats.clone());
        workers.push(tokio::spawn(async move {
            let (mut latencies, mut last_name, mut i) = (Vec::new(), None, 0u64);
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let t = Instant::now();
                let (get, status, name) = request(&client, &base, &token, api, c, i).await;
                stats.requests.fetch_add(1, Ordering::Relaxed);
                if status.is_some_and(|s| s.is_server_error()) {
                    stats.server_errors.fetch_add(1, Ordering::Relaxed);
                }
                if get && status.is_some() {
                    latencies.push(t.elapsed());
                }
                last_name = name.or(last_name);
            }
            (latencies, last_name)
        }));
    }
    let before = stats.requests.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = start.elapsed().as_secs_f64();
    let mut latencies = Vec::new();
    let mut names = Vec::new();
    for w in workers {
        let (l, name) = w.await.expect("worker");
        latencies.extend(l);
        names.push(name.unwrap_or_default());
    }
    let _ = copier.await;
    let mut watch = Watch::default();
    for viewer in viewers {
        watch.add(viewer.await.unwrap_or_default());
    }
    let rps = (stats.requests.load(Ordering::Relaxed) - before) as f64 / elapsed;
    latencies.sort();
    (latencies, rps, names, watch)
}

/// Waits until no copy waits or runs, so that a quiet phase is quiet.
async fn drain(client: &Client, base: &str) -> Result<(), String> {
    for _ in 0..6000 {
        let health = get_json(client, &format!("{base}/_coursecopy/health"), "load").await?;
        if health["tasksUnfinished"] == 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err("the copies never ended".into())
}

/// One row of the table: what ran, requests per second, GET p50 and p99.
fn table_row(what: &str, rps: f64, sorted: &[Duration]) {
    let (p50, p99) = (ms(percentile(sorted, 0.5)), ms(percentile(sorted, 0.99)));
    println!("  {what:<46} {rps:>10.0} {p50:>8.2}ms {p99:>8.2}ms");
}

/// The phases' table rows and ratio, for one API.
fn report(api: &str, copies: &str, quiet: (&[Duration], f64), busy: (&[Duration], f64)) -> f64 {
    table_row(&format!("{api}: no copy running"), quiet.1, quiet.0);
    table_row(&format!("{api}: {copies}"), busy.1, busy.0);
    let ratio = p99(busy.0) / p99(quiet.0);
    println!("  {api}: p99 with copies ÷ without: {ratio:.2} (goal ≤ 2)");
    ratio
}

/// How long one block of a paired phase lasts, about: short, so that
/// the two conditions alternate often.
const BLOCK_SECONDS: f64 = 1.0;

/// A Learn phase with `copies` running, without and with [`DASHBOARDS`]
/// open: `2 × seconds` cut into blocks of about [`BLOCK_SECONDS`], four at
/// a time in the order without, with, with, without. A p99 is set by the
/// rare slow answers (a snapshot of the data file, a long copy step), and
/// the workspace grows as copies end; alternating every second gives both
/// conditions the same share of them. Gives both runs (latencies sorted,
/// requests per second), each group of four's p99 ratio (with ÷ without),
/// and the clients' last answered names.
async fn paired(base: &str, token: &str, seconds: f64, copies: usize, stats: &Arc<Stats>) -> Paired {
    let groups = ((2.0 * seconds / (4.0 * BLOCK_SECONDS)).round() as usize).max(1);
    let block = 2.0 * seconds / (4 * groups) as f64;
    let mut paired = Paired::default();
    for _ in 0..groups {
        let (mut without, mut with) = (Vec::new(), Vec::new());
        for dashboards in [0, DASHBOARDS, DASHBOARDS, 0] {
            let (latencies, rps, last, watch) =
                phase(Api::Learn, base, token, block, (copies, dashboards), stats).await;
            paired.watch.add(watch);
            let (group, run) =
                if dashboards == 0 { (&mut without, &mut paired.without) } else { (&mut with, &mut paired.with) };
            group.extend_from_slice(&latencies);
            run.0.extend(latencies);
            run.1 += rps / (2 * groups) as f64;
            paired.names = last;
        }
        with.sort();
        without.sort();
        paired.group_ratios.push(p99(&with) / p99(&without));
    }
    // The next phase starts its own copies (of its own API).
    stats.running.lock().expect("running").clear();
    paired.without.0.sort();
    paired.with.0.sort();
    paired
}

/// A phase's GET latencies (sorted) and requests per second.
type Run = (Vec<Duration>, f64);

/// What [`paired`] measured.
#[derive(Default)]
struct Paired {
    without: Run,
    with: Run,
    /// Each group of four blocks' GET p99 with ÷ without dashboards.
    group_ratios: Vec<f64>,
    names: Vec<String>,
    /// What the dashboards did, over every block with them.
    watch: Watch,
}

impl Paired {
    /// What one dashboard received and asked for, a second while open,
    /// and all of them beside the other requests of the blocks with them.
    fn dashboards_load(&self) -> String {
        let Watch { events, requests, open_seconds } = self.watch;
        let open_seconds = open_seconds.max(1e-9);
        // All dashboards' requests a second, each open about as long as its block.
        let all = requests as f64 / open_seconds * DASHBOARDS as f64;
        format!(
            "each {:.1} events and {:.1} requests a second, all {:.2} % of the {:.0} other requests a second",
            events as f64 / open_seconds,
            requests as f64 / open_seconds,
            100.0 * all / self.with.1.max(1e-9),
            self.with.1,
        )
    }
}

/// The p99 of sorted latencies, in milliseconds (never 0, to divide by).
fn p99(sorted: &[Duration]) -> f64 {
    ms(percentile(sorted, 0.99)).max(1e-9)
}

/// The median, least and greatest of `ratios`.
fn spread(ratios: &[f64]) -> String {
    let mut sorted = ratios.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match (sorted.first(), sorted.last()) {
        (Some(least), Some(most)) => {
            let median = (sorted[(n - 1) / 2] + sorted[n / 2]) / 2.0;
            format!("{median:.2} [{least:.2} to {most:.2}]")
        }
        _ => "-".to_string(),
    }
}

/// The cost of open dashboards: Learn's GET p99 with [`DASHBOARDS`] open ÷
/// with none, idle and under copies (over all blocks, then the median and
/// range of the groups'), and under copies ÷ idle with them open.
fn dashboards_report(copies: &str, idle: &Paired, busy: &Paired) {
    table_row(&format!("Learn: no copy, {DASHBOARDS} dashboards"), idle.with.1, &idle.with.0);
    table_row(&format!("Learn: {copies}, {DASHBOARDS} dashboards"), busy.with.1, &busy.with.0);
    println!(
        "  Learn: p99 with {DASHBOARDS} dashboards ÷ none: {:.2} idle, {:.2} under copies (goal ≤ 1.2); \
         under copies ÷ idle with them open: {:.2} (goal ≤ 2)",
        p99(&idle.with.0) / p99(&idle.without.0),
        p99(&busy.with.0) / p99(&busy.without.0),
        p99(&busy.with.0) / p99(&idle.with.0),
    );
    println!(
        "  Learn: the same by groups of four blocks, median [range]: {} idle ({} groups), {} under copies",
        spread(&idle.group_ratios),
        idle.group_ratios.len(),
        spread(&busy.group_ratios),
    );
    println!("  the {DASHBOARDS} dashboards: {} idle; {} under copies", idle.dashboards_load(), busy.dashboards_load());
}

/// One server's run; gives the copies finished, and with `--data` how long
/// reopening its data file took once it stopped.
async fn run(label: &str, flags: &[&str], seconds: f64, per_lo: usize) -> Result<(u64, Option<Duration>), String> {
    let saved = std::env::temp_dir().join(format!("coursecopy-load-{}.json", std::process::id()));
    std::fs::write(&saved, serde_json::to_string(&workspace(per_lo)).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let saved_arg = saved.display().to_string();
    let mut args = vec![
        "coursecopy-server",
        "--listen",
        "127.0.0.1:0",
        "--admin-token",
        "load",
        "--rate-limit",
        "100000000",
        "--units-per-second",
        "0",
        "--max-queued",
        "1000",
        "--import",
        &saved_arg,
        "--log",
        "error",
    ];
    args.extend_from_slice(flags);
    let app = App::new(Config::parse_from(&args))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let base = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(coursecopy_server::serve(app, listener, async move {
        let _ = rx.await;
    }));
    let client = Client::new();
    let token: Value = client
        .post(format!("{base}/learn/api/public/v1/oauth2/token"))
        .basic_auth("author-key", Some("author-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let token = token["access_token"].as_str().ok_or("no token")?.to_string();
    let stats = Arc::new(Stats {
        requests: AtomicU64::new(0),
        server_errors: AtomicU64::new(0),
        copies_done: AtomicU64::new(0),
        copies_started: AtomicU64::new(0),
        running: std::sync::Mutex::new(Vec::new()),
    });

    let idle = paired(&base, &token, seconds, 0, &stats).await;
    let busy = paired(&base, &token, seconds, 4, &stats).await;
    let learn_done = stats.copies_done.load(Ordering::Relaxed);
    drain(&client, &base).await?;
    let (canvas_quiet, canvas_quiet_rps, _, _) = phase(Api::Canvas, &base, &token, seconds, (0, 0), &stats).await;
    let (canvas_busy, canvas_busy_rps, canvas_names, _) =
        phase(Api::Canvas, &base, &token, seconds, (4, 0), &stats).await;
    println!("\n{label}: {CLIENTS} clients, {seconds} s a phase");
    println!("  {:<46} {:>10} {:>10} {:>10}", "", "req/s", "GET p50", "GET p99");
    let pages = 100 * per_lo;
    let copies = format!("4 copies of {pages} pages");
    report("Learn", &copies, (&idle.without.0, idle.without.1), (&busy.without.0, busy.without.1));
    dashboards_report(&copies, &idle, &busy);
    report(
        "Canvas",
        &format!("4 migrations of {pages} pages"),
        (&canvas_quiet, canvas_quiet_rps),
        (&canvas_busy, canvas_busy_rps),
    );
    let canvas_done = stats.copies_done.load(Ordering::Relaxed) - learn_done;
    println!("  copies of {pages} pages finished meanwhile: {learn_done} over Learn, {canvas_done} over Canvas");

    // Checks: no 5xx, a sound workspace, every answered update visible
    // (the Canvas phase's last, where it answered one; else the Learn's).
    let errors = stats.server_errors.load(Ordering::Relaxed);
    let health = get_json(&client, &format!("{base}/_coursecopy/health"), "load").await?;
    let mut lost = 0;
    for (c, (learn, canvas)) in busy.names.iter().zip(&canvas_names).enumerate() {
        let name = if canvas.is_empty() { learn } else { canvas };
        if name.is_empty() {
            continue;
        }
        let course = get_json(&client, &format!("{base}{V3}/courses/courseId:C-{c}"), &token).await?;
        if course["name"] != name.as_str() {
            lost += 1;
        }
    }
    println!("  5xx answers: {errors}; integrity: {}; answered updates not visible: {lost}", health["integrity"]);
    let _ = tx.send(());
    server.await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    // Reopening the data file: its snapshot loaded, its journal replayed.
    let reopen = if flags.contains(&"--data") {
        let start = Instant::now();
        let reopened = App::new(Config::parse_from(&args))?;
        let took = start.elapsed();
        drop(reopened);
        println!("  reopening the data file: {:.2} s (goal ≤ 2 s)", took.as_secs_f64());
        Some(took)
    } else {
        None
    };
    let _ = std::fs::remove_file(&saved);
    if errors > 0 || health["integrity"] != "ok" || lost > 0 {
        return Err(format!("{label}: the checks failed"));
    }
    Ok((stats.copies_done.load(Ordering::Relaxed), reopen))
}

/// A GET's JSON body.
async fn get_json(client: &Client, url: &str, token: &str) -> Result<Value, String> {
    let r = client.get(url).bearer_auth(token).send().await.map_err(|e| e.to_string())?;
    r.json().await.map_err(|e| e.to_string())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let seconds: f64 = std::env::var("COURSECOPY_LOAD_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20.0);
    let pages: usize = std::env::var("COURSECOPY_LOAD_PAGES").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let per_lo = (pages / 100).max(1);
    let (in_memory, _) = run("in memory", &[], seconds, per_lo).await?;
    let data = std::env::temp_dir().join(format!("coursecopy-load-{}.db", std::process::id()));
    let data_arg = data.display().to_string();
    let extra: Vec<String> = std::env::var("COURSECOPY_LOAD_EXTRA")
        .map(|s| s.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    let mut flags = vec!["--data", &data_arg];
    flags.extend(extra.iter().map(String::as_str));
    let result = run("with --data", &flags, seconds, per_lo).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", data.display()));
    }
    let (with_data, _) = result?;
    let share = with_data as f64 / in_memory.max(1) as f64;
    println!("\ncopies finished with --data ÷ in memory: {with_data} ÷ {in_memory} = {share:.2} (goal ≥ 0.67)");
    Ok(())
}
