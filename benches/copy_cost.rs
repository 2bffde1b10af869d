//! Copy cost, side by side: Share, Duplicate, and the floor any deep copy
//! pays (cloning a plain `Vec` of page records with the same fields).
//!
//! Run with `cargo bench --bench copy_cost`; the HTML report lands in
//! `target/criterion/report/index.html`.

use coursecopy::{CopyOptions, CourseKey, NewCourse, PageDraft, Role, UserKey, Workspace};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;

/// A course of `los` learning objects of `per_lo` pages, bodies of ~2 KB,
/// two library items per page.
fn course(los: usize, per_lo: usize) -> (Workspace, UserKey, CourseKey) {
    let (mut ws, admin) = Workspace::with_admin("bench").unwrap();
    let author = ws.create_user(admin, "author", Role::Author).unwrap();
    let course = ws.create_course(author, NewCourse::new("BENCH", "Bench")).unwrap();
    let image = ws.add_media(author, "image", "image.png").unwrap();
    let term = ws.add_glossary_term(author, "term", "definition").unwrap();
    let body = "lorem ipsum ".repeat(170);
    for l in 0..los {
        let lo = ws.create_learning_object(author, course, &format!("LO {l}"), "").unwrap();
        for p in 0..per_lo {
            let draft = PageDraft::new(format!("Page {p}"), body.as_str()).item(image).item(term);
            ws.add_page(author, course, lo, draft).unwrap();
        }
    }
    (ws, author, course)
}

/// The same fields as a page record, in a plain struct.
#[derive(Clone)]
#[allow(dead_code)]
struct PlainPage {
    title: Arc<str>,
    body: Arc<str>,
    style: Option<u64>,
    items: Arc<[u64]>,
    lo: u64,
    origin: Option<u64>,
}

fn copy_cost(c: &mut Criterion) {
    let mut group = c.benchmark_group("copy");
    for per_lo in [10, 100] {
        let pages = 100 * per_lo;
        let (ws, author, course) = course(100, per_lo);
        group.bench_with_input(BenchmarkId::new("share", pages), &pages, |b, _| {
            b.iter_batched(
                || ws.clone(),
                |mut ws| {
                    black_box(ws.share_course(author, course, &CopyOptions::new()).unwrap());
                    ws
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("duplicate", pages), &pages, |b, _| {
            b.iter_batched(
                || ws.clone(),
                |mut ws| {
                    black_box(ws.duplicate_course(author, course, &CopyOptions::new()).unwrap());
                    ws
                },
                BatchSize::LargeInput,
            )
        });
        let plain: Vec<PlainPage> = ws
            .pages()
            .map(|(_, p)| PlainPage {
                title: Arc::from(p.title()),
                body: Arc::from(p.body()),
                style: None,
                items: Arc::from(vec![1, 2]),
                lo: 1,
                origin: None,
            })
            .collect();
        group.bench_with_input(BenchmarkId::new("floor", pages), &pages, |b, _| {
            b.iter_with_large_drop(|| black_box(plain.clone()))
        });
    }
    group.finish();
}

criterion_group!(benches, copy_cost);
criterion_main!(benches);
