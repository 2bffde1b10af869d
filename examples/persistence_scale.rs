//! Saving and loading at scale: for each size N, builds a workspace of N
//! pages (counting duplicates: half in a source course, half in a
//! Duplicate of it, one in ten of those edited after the copy), then times
//! the integrity check, a compact JSON save, a load and a clone, and
//! prints the saved size, what an unedited duplicated page adds to it, and
//! the peak memory a load takes beside the workspace it builds.
//!
//! ```sh
//! cargo run --release --example persistence_scale --features serde -- 100000 500000
//! ```
//!
//! With two sizes or more, the last is compared with the first: save and
//! load time a page within 1.5 ×, and every size is held to ≤ 200 saved
//! bytes an unedited duplicated page and a load's peak ≤ 2 × the loaded
//! workspace. The default, 10,000 pages, keeps CI's run of every example
//! quick.

use coursecopy::{CopyOptions, NewCourse, PageDraft, PageEdit, PageKey, Workspace};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const PAGES_PER_LO: usize = 100;

/// Counts the bytes live on the heap, and the most there were since the
/// last [`reset_peak`].
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The old block lives until the new one is filled.
        grew(new_size);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}

/// What one size measured.
struct Run {
    pages: usize,
    build: Duration,
    check: Duration,
    save: Duration,
    load: Duration,
    clone: Duration,
    saved: usize,
    /// Saved bytes the Duplicate added, over the pages it copied, before
    /// any of them was edited.
    per_duplicated_page: f64,
    /// The bytes the loaded workspace keeps, and the most the load had
    /// live beyond what was there before it.
    loaded: usize,
    load_peak: usize,
}

/// A source course of `source_pages` pages in learning objects of 100.
fn source(source_pages: usize) -> Result<(Workspace, coursecopy::UserKey, coursecopy::CourseKey), coursecopy::Error> {
    let (mut ws, admin) = Workspace::with_admin("Ada")?;
    let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    let mut left = source_pages;
    for l in 0..source_pages.div_ceil(PAGES_PER_LO) {
        let lo = ws.create_learning_object(admin, course, &format!("Unit {l}"), "")?;
        for p in 0..PAGES_PER_LO.min(left) {
            let body = format!("Unit {l}, page {p}: some text of a typical length for a page body.");
            ws.add_page(admin, course, lo, PageDraft::new(format!("Page {p}"), body))?;
        }
        left = left.saturating_sub(PAGES_PER_LO);
    }
    Ok((ws, admin, course))
}

fn run(pages: usize) -> Result<Run, Box<dyn std::error::Error>> {
    let source_pages = (pages / 2).max(1);
    let start = Instant::now();
    let (mut ws, admin, course) = source(source_pages)?;
    let before_copy = serde_json::to_vec(&ws)?.len();
    let copy = ws.duplicate_course(admin, course, &CopyOptions::new())?;
    let after_copy = serde_json::to_vec(&ws)?.len();
    let per_duplicated_page = after_copy.saturating_sub(before_copy) as f64 / source_pages as f64;
    let copied: Vec<PageKey> = ws
        .course(copy)?
        .learning_objects()
        .flat_map(|lo| ws.learning_object(lo).map(|r| r.pages().collect::<Vec<_>>()).unwrap_or_default())
        .collect();
    for page in copied.iter().step_by(10) {
        ws.edit_page(admin, copy, *page, PageEdit::new().body("Edited in the duplicate."))?;
    }
    let build = start.elapsed();

    let start = Instant::now();
    ws.check_integrity()?;
    let check = start.elapsed();

    // The median of five saves: one is too short to time alone at 100,000
    // pages on a shared machine.
    let mut saves = Vec::new();
    let mut saved = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        saved = serde_json::to_vec(&ws)?;
        saves.push(start.elapsed());
    }
    saves.sort();
    let save = saves[2];

    let before = LIVE.load(Ordering::Relaxed);
    reset_peak();
    let start = Instant::now();
    let loaded: Workspace = serde_json::from_slice(&saved)?;
    let load = start.elapsed();
    let (load_peak, kept) = (PEAK.load(Ordering::Relaxed) - before, LIVE.load(Ordering::Relaxed) - before);

    let start = Instant::now();
    let cloned = loaded.clone();
    let clone = start.elapsed();
    if cloned != ws {
        return Err("the loaded workspace differs from the saved one".into());
    }
    let pages = ws.counts().pages;
    Ok(Run { pages, build, check, save, load, clone, saved: saved.len(), per_duplicated_page, loaded: kept, load_peak })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|arg| arg.parse().map_err(|_| format!("pages: expected a number, got {arg:?}")))
        .collect::<Result<_, _>>()?;
    let sizes = if sizes.is_empty() { vec![10_000] } else { sizes };
    let runs: Vec<Run> = sizes.iter().map(|n| run(*n)).collect::<Result<_, _>>()?;

    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
    let per = |d: Duration, r: &Run| d.as_nanos() as f64 / r.pages as f64;
    let mib = |b: usize| b as f64 / (1024.0 * 1024.0);
    println!(
        "| pages | build | integrity check | save (compact JSON) | load | clone | saved size | saved B / unedited duplicated page | loaded workspace | load peak |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for r in &runs {
        println!(
            "| {} | {} | {} | {} ({:.0} ns/page) | {} ({:.0} ns/page) | {} | {:.1} MiB ({:.0} B/page) | {:.1} | {:.1} MiB | {:.1} MiB ({:.2} ×) |",
            r.pages,
            ms(r.build),
            ms(r.check),
            ms(r.save),
            per(r.save, r),
            ms(r.load),
            per(r.load, r),
            ms(r.clone),
            mib(r.saved),
            r.saved as f64 / r.pages as f64,
            r.per_duplicated_page,
            mib(r.loaded),
            mib(r.load_peak),
            r.load_peak as f64 / r.loaded.max(1) as f64,
        );
    }

    let mut checks: Vec<(String, f64, f64)> = Vec::new();
    for r in &runs {
        checks.push((
            format!("saved bytes an unedited duplicated page, {} pages", r.pages),
            r.per_duplicated_page,
            200.0,
        ));
        let peak = r.load_peak as f64 / r.loaded.max(1) as f64;
        checks.push((format!("load peak ÷ loaded workspace, {} pages", r.pages), peak, 2.0));
    }
    if let [first, .., last] = &runs[..] {
        let ratio = |f: fn(&Run) -> Duration| per(f(last), last) / per(f(first), first);
        let vs = format!("{} ÷ {} pages", last.pages, first.pages);
        checks.push((format!("save time a page, {vs}"), ratio(|r| r.save), 1.5));
        checks.push((format!("load time a page, {vs}"), ratio(|r| r.load), 1.5));
    }
    println!();
    let mut missed = 0;
    for (what, value, limit) in &checks {
        let met = value <= limit;
        missed += usize::from(!met);
        println!("  [{}] {what:<58} {value:>8.2}  target ≤ {limit}", if met { "met" } else { "MISSED" });
    }
    println!("\n{} of {} targets met.", checks.len() - missed, checks.len());
    Ok(())
}
