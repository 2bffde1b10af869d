//! Load: 32 concurrent clients against the server, in memory and again
//! with `--data`, mixing copies, polls, GETs and PATCHes. Prints requests
//! per second and the p50/p99 latency of `GET /v3/courses/{id}` with no
//! copy running and with 4 copies of a 10,000-page course running, side
//! by side; then checks that no answer was a 5xx, that the workspace is
//! sound, and that every answered PATCH is visible.
//!
//! ```sh
//! cargo run --release -p coursecopy-server --example load            # 20 s a phase
//! COURSECOPY_LOAD_SECONDS=5 cargo run --release -p coursecopy-server --example load
//! ```
//!
//! `COURSECOPY_LOAD_PAGES` sets the size of the copied course (default
//! 10,000); CI runs 1,000 pages for 1 s a phase. `COURSECOPY_LOAD_EXTRA`
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
        ws.create_course(author, NewCourse::new(format!("C-{c}"), "start")).expect("client course");
    }
    ws
}

struct Stats {
    requests: AtomicU64,
    server_errors: AtomicU64,
    copies_done: AtomicU64,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// One phase: every client GETs its course in a loop (and, with `mixed`,
/// PATCHes it, and polls copies); returns the GET latencies and the
/// requests per second.
async fn phase(
    base: &str,
    token: &str,
    seconds: f64,
    copies: usize,
    stats: &Arc<Stats>,
) -> (Vec<Duration>, f64, Vec<String>) {
    let stop = Arc::new(AtomicBool::new(false));
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    // Keep `copies` copies of BIG-1 running.
    let copier = {
        let (client, base, token, stop, stats) =
            (client.clone(), base.to_string(), token.to_string(), stop.clone(), stats.clone());
        tokio::spawn(async move {
            let mut running: Vec<String> = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) && copies > 0 {
                while running.len() < copies {
                    n += 1;
                    let body = json!({"targetCourse": {"courseId": format!("COPY-{}-{n}", std::process::id())}});
                    let r = client
                        .post(format!("{base}/learn/api/public/v2/courses/courseId:BIG-1/copy"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    stats.requests.fetch_add(1, Ordering::Relaxed);
                    match r {
                        Ok(r) if r.status() == StatusCode::ACCEPTED => {
                            running.push(r.headers()["location"].to_str().unwrap_or_default().to_string());
                        }
                        Ok(r) if r.status().is_server_error() => {
                            stats.server_errors.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {}
                    }
                }
                let mut still = Vec::new();
                for location in running.drain(..) {
                    let r = client.get(format!("{base}{location}")).bearer_auth(&token).send().await;
                    stats.requests.fetch_add(1, Ordering::Relaxed);
                    if let Ok(r) = r {
                        if r.status().is_server_error() {
                            stats.server_errors.fetch_add(1, Ordering::Relaxed);
                        }
                        if r.status() == StatusCode::OK {
                            still.push(location);
                        } else if r.status() == StatusCode::SEE_OTHER {
                            stats.copies_done.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                running = still;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let start = Instant::now();
    let mut workers = Vec::new();
    for c in 0..CLIENTS {
        let (client, base, token, stop, stats) =
            (client.clone(), base.to_string(), token.to_string(), stop.clone(), stats.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut last_name = None;
            let mut i = 0u64;
            let course = format!("{base}{V3}/courses/courseId:C-{c}");
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                if i.is_multiple_of(10) {
                    let name = format!("name {c}.{i}");
                    let r = client.patch(&course).bearer_auth(&token).json(&json!({"name": name})).send().await;
                    stats.requests.fetch_add(1, Ordering::Relaxed);
                    if let Ok(r) = r {
                        if r.status() == StatusCode::OK {
                            last_name = Some(name);
                        } else if r.status().is_server_error() {
                            stats.server_errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    continue;
                }
                let t = Instant::now();
                let r = client.get(&course).bearer_auth(&token).send().await;
                stats.requests.fetch_add(1, Ordering::Relaxed);
                if let Ok(r) = r {
                    if r.status().is_server_error() {
                        stats.server_errors.fetch_add(1, Ordering::Relaxed);
                    }
                    let _ = r.bytes().await;
                    latencies.push(t.elapsed());
                }
            }
            (latencies, last_name)
        }));
    }
    let before = stats.requests.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut names = Vec::new();
    for w in workers {
        let (l, name) = w.await.expect("worker");
        latencies.extend(l);
        names.push(name.unwrap_or_default());
    }
    let _ = copier.await;
    let rps = (stats.requests.load(Ordering::Relaxed) - before) as f64 / start.elapsed().as_secs_f64();
    latencies.sort();
    (latencies, rps, names)
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
    });

    let (quiet, quiet_rps, _) = phase(&base, &token, seconds, 0, &stats).await;
    let (busy, busy_rps, names) = phase(&base, &token, seconds, 4, &stats).await;
    println!("\n{label}: {CLIENTS} clients, {seconds} s a phase");
    println!("  {:<28} {:>10} {:>10} {:>10}", "", "req/s", "GET p50", "GET p99");
    let row = |what: &str, rps: f64, l: &[Duration]| {
        println!("  {what:<28} {rps:>10.0} {:>8.2}ms {:>8.2}ms", ms(percentile(l, 0.5)), ms(percentile(l, 0.99)));
    };
    row("no copy running", quiet_rps, &quiet);
    row(&format!("4 copies of {} pages", 100 * per_lo), busy_rps, &busy);
    let ratio = ms(percentile(&busy, 0.99)) / ms(percentile(&quiet, 0.99)).max(1e-9);
    println!("  p99 with copies ÷ without: {ratio:.2} (goal ≤ 2)");
    println!("  copies of {} pages finished meanwhile: {}", 100 * per_lo, stats.copies_done.load(Ordering::Relaxed));

    // Checks: no 5xx, a sound workspace, every answered PATCH visible.
    let errors = stats.server_errors.load(Ordering::Relaxed);
    let health = get_json(&client, &format!("{base}/_coursecopy/health"), "load").await?;
    let mut lost = 0;
    for (c, name) in names.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
        let course = get_json(&client, &format!("{base}{V3}/courses/courseId:C-{c}"), &token).await?;
        if course["name"] != name.as_str() {
            lost += 1;
        }
    }
    println!("  5xx answers: {errors}; integrity: {}; answered PATCHes not visible: {lost}", health["integrity"]);
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
