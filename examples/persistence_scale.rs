//! Saving and loading at scale: builds a workspace of N pages (counting
//! duplicates: half in a source course, half in a Duplicate of it, one in
//! ten of those edited after the copy), then times the integrity check,
//! a compact JSON save, a load and a clone, and prints the saved size.
//!
//! ```sh
//! cargo run --release --example persistence_scale --features serde -- 500000
//! ```
//!
//! The default, 10,000 pages, keeps CI's run of every example quick.

use coursecopy::{CopyOptions, NewCourse, PageDraft, PageEdit, PageKey, Workspace};
use std::time::Instant;

const PAGES_PER_LO: usize = 100;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pages: usize = match std::env::args().nth(1) {
        Some(arg) => arg.parse().map_err(|_| format!("pages: expected a number, got {arg:?}"))?,
        None => 10_000,
    };
    let source_pages = (pages / 2).max(1);
    let los = source_pages.div_ceil(PAGES_PER_LO);

    let start = Instant::now();
    let (mut ws, admin) = Workspace::with_admin("Ada")?;
    let course = ws.create_course(admin, NewCourse::new("BIO-101", "Biology"))?;
    let mut left = source_pages;
    for l in 0..los {
        let lo = ws.create_learning_object(admin, course, &format!("Unit {l}"), "")?;
        for p in 0..PAGES_PER_LO.min(left) {
            let body = format!("Unit {l}, page {p}: some text of a typical length for a page body.");
            ws.add_page(admin, course, lo, PageDraft::new(format!("Page {p}"), body))?;
        }
        left = left.saturating_sub(PAGES_PER_LO);
    }
    let copy = ws.duplicate_course(admin, course, &CopyOptions::new())?;
    let copied: Vec<PageKey> = ws
        .course(copy)?
        .learning_objects()
        .flat_map(|lo| ws.learning_object(lo).map(|r| r.pages().collect::<Vec<_>>()).unwrap_or_default())
        .collect();
    for page in copied.iter().step_by(10) {
        ws.edit_page(admin, copy, *page, PageEdit::new().body("Edited in the duplicate."))?;
    }
    let build = start.elapsed();
    let total = ws.counts().pages;

    let start = Instant::now();
    ws.check_integrity()?;
    let check = start.elapsed();

    let start = Instant::now();
    let saved = serde_json::to_vec(&ws)?;
    let save = start.elapsed();

    let start = Instant::now();
    let loaded: Workspace = serde_json::from_slice(&saved)?;
    let load = start.elapsed();

    let start = Instant::now();
    let cloned = loaded.clone();
    let clone = start.elapsed();
    assert!(cloned == ws, "the loaded workspace equals the saved one");

    let per_page = |d: std::time::Duration| d.as_nanos() as f64 / total as f64;
    println!("pages (counting the duplicate): {total}");
    println!("{:<16}{:>12}{:>16}", "", "total", "per page");
    for (name, d) in [("build", build), ("integrity check", check), ("save", save), ("load", load), ("clone", clone)] {
        println!("{name:<16}{:>10.1} ms{:>13.0} ns", d.as_secs_f64() * 1e3, per_page(d));
    }
    println!(
        "saved size      {:>10.1} MiB{:>12.0} B",
        saved.len() as f64 / (1024.0 * 1024.0),
        saved.len() as f64 / total as f64
    );
    Ok(())
}
