//! What a copy costs, in a few seconds: Share, Duplicate, the floor any deep
//! copy pays, the backup-and-restore approach (JSON out and back), the
//! stepped LMS copy, an edit of a widely shared page; the ratios against the
//! crate's targets; and the memory a copy allocates.
//!
//! Run with `cargo run --release --example copy_cost --features serde`.
//! The criterion benchmark (`cargo bench --bench copy_cost`) measures the
//! same things with statistics.

#[path = "../benches/fixture/mod.rs"]
mod fixture;

use coursecopy::{CopyOptions, CopyRequest, CopyTarget, PageEdit, Workspace};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts the bytes allocated and freed.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static FREED: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        FREED.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        FREED.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes allocated (gross) and kept (net) while `f` runs.
fn allocation<T>(f: impl FnOnce() -> T) -> (usize, isize, T) {
    let (a, d) = (ALLOCATED.load(Ordering::Relaxed), FREED.load(Ordering::Relaxed));
    let out = f();
    let (a2, d2) = (ALLOCATED.load(Ordering::Relaxed), FREED.load(Ordering::Relaxed));
    (a2 - a, (a2 - a) as isize - (d2 - d) as isize, out)
}

/// One run of `f` on a fresh `setup()`, timed without the setup and
/// without the drop of the result.
fn once<S, T>(setup: impl FnOnce() -> S, f: impl FnOnce(&mut S) -> T) -> Duration {
    let mut s = setup();
    let start = Instant::now();
    let out = f(&mut s);
    let t = start.elapsed();
    drop(out);
    drop(s);
    t
}

/// The median time of `runs` runs (see [`once`]).
fn median<S, T>(runs: usize, mut setup: impl FnMut() -> S, mut f: impl FnMut(&mut S) -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| once(&mut setup, &mut f)).collect();
    times.sort();
    times[runs / 2]
}

/// The median times of several measurements taken side by side: round
/// after round, each measurement once a round, after one untimed round.
/// All of them see the machine in the same state, which a ratio between
/// them needs. Each round starts with the next measurement, so that none
/// always follows the same one: a run leaves the allocator's thresholds and
/// free memory changed, and a Duplicate that follows a large free may have
/// to copy its page arena where it would otherwise only remap it.
fn side_by_side<const N: usize>(rounds: usize, runs: [&mut dyn FnMut() -> Duration; N]) -> [Duration; N] {
    let mut times: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::with_capacity(rounds));
    for round in 0..=rounds {
        for k in 0..N {
            let i = (round + k) % N;
            let t = runs[i]();
            if round > 0 {
                times[i].push(t);
            }
        }
    }
    times.map(|mut t| {
        t.sort();
        t[t.len() / 2]
    })
}

fn fmt(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

/// One Share of `course`, from the course as it was: the copy is deleted
/// after it, outside the timing.
fn share_once(ws: &mut Workspace, author: coursecopy::UserKey, course: coursecopy::CourseKey) -> Duration {
    let start = Instant::now();
    let copy = ws.share_course(author, course, &CopyOptions::new().course_id("SHARED")).unwrap();
    let t = start.elapsed();
    ws.delete_course(author, copy).unwrap();
    t
}

/// The median time of 51 Shares (see [`share_once`]).
fn share_time(ws: &mut Workspace, author: coursecopy::UserKey, course: coursecopy::CourseKey) -> Duration {
    let mut times: Vec<Duration> = (0..51).map(|_| share_once(ws, author, course)).collect();
    times.sort();
    times[25]
}

struct Check {
    what: String,
    value: f64,
    target: String,
    met: bool,
}

fn check(checks: &mut Vec<Check>, what: impl Into<String>, value: f64, target: impl Into<String>, met: bool) {
    checks.push(Check { what: what.into(), value, target: target.into(), met });
}

fn main() {
    let mut checks = Vec::new();
    let mut dup = std::collections::BTreeMap::new();
    let mut share = std::collections::BTreeMap::new();

    println!("Copy cost on courses of 100 learning objects, ~2 KB bodies, 3 library items a page.\n");
    println!(
        "{:>8} {:>11} {:>11} {:>11} {:>13} {:>11} {:>10} {:>10}",
        "pages", "share", "duplicate", "floor", "serde trip", "stepped", "dup ns/pg", "floor ns/pg"
    );
    for per_lo in [10, 100, 1000] {
        let pages = 100 * per_lo;
        let (ws, author, course) = fixture::course(100, per_lo, 2000);
        let runs = if pages >= 100_000 { 9 } else { 15 };

        // Share into one workspace, a new id each time: what Share costs
        // without a clone of the workspace around it.
        let mut shared = ws.clone();
        let t_share = share_time(&mut shared, author, course);
        drop(shared);
        let plain = fixture::plain_pages(&ws);
        let [t_dup, t_floor, t_step] = side_by_side(
            runs,
            [
                &mut || once(|| ws.clone(), |w| w.duplicate_course(author, course, &CopyOptions::new()).unwrap()),
                &mut || once(|| (), |_| plain.clone()),
                &mut || {
                    once(
                        || ws.clone(),
                        |w| {
                            let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "STEP".into() });
                            w.request_copy(author, course, &request).unwrap();
                            while w.run_tasks(1000) > 0 {}
                        },
                    )
                },
            ],
        );
        let t_serde = median(
            if pages >= 100_000 { 1 } else { 3 },
            || (),
            |_| {
                let text = serde_json::to_string(&ws).unwrap();
                serde_json::from_str::<Workspace>(&text).unwrap()
            },
        );
        let per = |d: Duration| d.as_nanos() as f64 / pages as f64;
        println!(
            "{pages:>8} {:>11} {:>11} {:>11} {:>13} {:>11} {:>10.1} {:>10.1}",
            fmt(t_share),
            fmt(t_dup),
            fmt(t_floor),
            fmt(t_serde),
            fmt(t_step),
            per(t_dup),
            per(t_floor)
        );
        let r = t_dup.as_secs_f64() / t_floor.as_secs_f64();
        check(&mut checks, format!("duplicate/{pages} ÷ floor/{pages}"), r, "≤ 3", r <= 3.0);
        let r = t_serde.as_secs_f64() / t_dup.as_secs_f64();
        check(&mut checks, format!("serde_roundtrip/{pages} ÷ duplicate/{pages}"), r, "≥ 20", r >= 20.0);
        let r = t_step.as_secs_f64() / t_dup.as_secs_f64();
        check(&mut checks, format!("stepped_duplicate/{pages} ÷ duplicate/{pages}"), r, "≤ 1.25", r <= 1.25);
        dup.insert(pages, t_dup);
        share.insert(pages, t_share);
    }
    let r = share[&100_000].as_secs_f64() / share[&1000].as_secs_f64();
    check(&mut checks, "share/100000 ÷ share/1000", r, "≤ 1.5", r <= 1.5);
    let r = share[&100_000].as_secs_f64() / dup[&100_000].as_secs_f64() * 100.0;
    check(&mut checks, "share/100000 as % of duplicate/100000", r, "≤ 1 %", r <= 1.0);

    println!("\nShare per learning object (courses of 10 pages a learning object):\n");
    println!("{:>6} {:>11} {:>11} {:>8}", "LOs", "share", "duplicate", "share %");
    for los in [10, 100, 1000] {
        let (ws, author, course) = fixture::course(los, 10, 2000);
        let [t_share, t_dup] = side_by_side(
            15,
            [
                &mut || once(|| ws.clone(), |w| w.share_course(author, course, &CopyOptions::new()).unwrap()),
                &mut || once(|| ws.clone(), |w| w.duplicate_course(author, course, &CopyOptions::new()).unwrap()),
            ],
        );
        let pct = t_share.as_secs_f64() / t_dup.as_secs_f64() * 100.0;
        println!("{los:>6} {:>11} {:>11} {:>7.2}%", fmt(t_share), fmt(t_dup), pct);
        if los == 1000 {
            check(&mut checks, "share_los/1000 as % of its duplicate", pct, "≤ 2 %", pct <= 2.0);
        }
    }

    println!("\nEditing one page of a learning object shared by N courses:\n");
    // Through the LO's own course, as the benchmark does; and, for 10,000
    // courses, through the newest course that shares it, which searches the
    // where-used set.
    let mut shared: Vec<_> = [1, 100, 10_000, 10_000].into_iter().map(fixture::shared_lo).collect();
    if let Some((ws, _, via, page)) = shared.last_mut() {
        let lo = ws.page(*page).unwrap().learning_object();
        *via = ws.learning_object(lo).unwrap().used_in().iter().last().unwrap();
    }
    // 1,000 edits a timing: one edit is too short for the clock.
    let mut edits: Vec<_> = shared
        .iter_mut()
        .map(|(ws, author, via, page)| {
            move || {
                let start = Instant::now();
                for _ in 0..1000 {
                    black_box(ws.edit_page(*author, *via, *page, PageEdit::new().body("edited")).unwrap());
                }
                start.elapsed() / 1000
            }
        })
        .collect();
    let [e1, e100, e10000, e_other] = &mut edits[..] else { unreachable!() };
    let edit = side_by_side(21, [e1, e100, e10000, e_other]);
    let labels = ["1 course", "100 courses", "10000 courses", "10000 courses, through another course"];
    for (label, t) in labels.iter().zip(edit) {
        println!("  {label:<40} {:>4} ns", t.as_nanos());
    }
    let r = edit[2].as_secs_f64() / edit[0].as_secs_f64();
    check(&mut checks, "edit_shared_page/10000 ÷ edit_shared_page/1", r, "≤ 1.5", r <= 1.5);

    println!("\nMemory, counted by a global allocator, on a course of 100,000 pages:\n");
    let (mut ws, author, course) = fixture::course(100, 1000, 2000);
    let (gross, net, _) = allocation(|| ws.share_course(author, course, &CopyOptions::new()).unwrap());
    println!("  Share allocates {gross} bytes ({net} kept)");
    check(&mut checks, "Share of 100,000 pages, bytes allocated", gross as f64, "≤ 4096", gross <= 4096);
    let (gross, net, _) = allocation(|| ws.duplicate_course(author, course, &CopyOptions::new()).unwrap());
    let per_page = net as f64 / 100_000.0;
    println!("  Duplicate allocates {gross} bytes, keeps {net}: {per_page:.1} bytes a page kept");
    check(&mut checks, "Duplicate, bytes kept a page", per_page, "≤ 128", per_page <= 128.0);
    let (mut big, author, course) = fixture::course(100, 1000, 20_000);
    let (_, net_big, _) = allocation(|| big.duplicate_course(author, course, &CopyOptions::new()).unwrap());
    let ratio = net_big as f64 / net as f64;
    println!("  with 20 KB bodies instead of 2 KB: {net_big} bytes kept ({ratio:.2}×): no body text is copied");
    check(
        &mut checks,
        "Duplicate, bytes kept with 10× longer bodies ÷ with 2 KB",
        ratio,
        "≈ 1 (no text copied)",
        ratio < 1.1,
    );

    println!("\nTargets:\n");
    for c in &checks {
        println!("  [{}] {:<58} {:>10.2}   target {}", if c.met { "met" } else { "MISSED" }, c.what, c.value, c.target);
    }
    let missed = checks.iter().filter(|c| !c.met).count();
    println!("\n{} of {} targets met.", checks.len() - missed, checks.len());
}
