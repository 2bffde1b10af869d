//! Copy cost, side by side in one run:
//!
//! - `share/<pages>` and `duplicate/<pages>` on courses of 100 learning
//!   objects of 10, 100 and 1,000 pages (bodies of ~2 KB, three library
//!   references a page);
//! - `floor/<pages>`: cloning a plain `Vec` of page records with the same
//!   fields (text and items behind one shared pointer, as in a page), the
//!   least any deep copy pays;
//! - `plain_duplicate/<pages>`: a hand-written Duplicate over plain
//!   records (new LO records, page lists and page records, no rules kept),
//!   the reference the Duplicate targets of `copy_cost` are ratios to;
//! - `serde_roundtrip/<pages>`: the workspace to JSON and back, the
//!   backup-and-restore approach;
//! - `stepped_duplicate/<pages>`: the same Duplicate through the LMS task
//!   queue, 1,000 units a call;
//! - `edit_shared_page/<courses>`: editing one page of a learning object
//!   shared by 1, 100 and 10,000 courses;
//! - `share_los/<los>` and `duplicate_los/<los>`: courses of 10, 100 and
//!   1,000 learning objects of 10 pages;
//! - `linked/<pages>`: a linked copy (LNK-1) of the same courses as
//!   `duplicate/<pages>`;
//! - `sync/<k>`: syncing a linked copy of 100 learning objects of 1,000
//!   pages after `k` page edits upstream, spread over them (LNK-12);
//! - `date_shift/plain/<pages>` and `date_shift/shifted/<pages>`: a
//!   Duplicate of a dated course (one dated assessment a learning object,
//!   one calendar event per 10 pages) without and with a date shift by
//!   range (DAT-5).
//!
//! Every copy is timed one a batch and dropped outside the timing, so that
//! each one works on reused memory, as a long-running service does. Run with `cargo bench --bench
//! copy_cost`; criterion writes its report to
//! `target/criterion/report/index.html`.

#[path = "fixture/mod.rs"]
mod fixture;

use coursecopy::{
    CopyMode, CopyOptions, CopyRequest, CopyTarget, CourseKey, Customisations, PageEdit, UserKey, Workspace,
};
use criterion::{BatchSize, Bencher, BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Times `iters` Shares of `course`, each from the course as it was: the
/// copy is deleted after each one, outside the timing, so that every Share
/// sees learning objects included by one course, as a first Share does.
fn share_from_pristine(ws: &mut Workspace, author: UserKey, course: CourseKey, iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        let copy = black_box(ws.share_course(author, course, &CopyOptions::new().course_id("SHARED")).unwrap());
        total += start.elapsed();
        ws.delete_course(author, copy).unwrap();
    }
    total
}

/// Times Duplicates of `course`, each on a fresh clone of `ws` made, and
/// dropped, outside the timing.
fn duplicate_from_clone(b: &mut Bencher, ws: &Workspace, author: UserKey, course: CourseKey) {
    b.iter_batched(
        || ws.clone(),
        |mut ws| {
            black_box(ws.duplicate_course(author, course, &CopyOptions::new()).unwrap());
            ws
        },
        BatchSize::PerIteration,
    )
}

fn copy(c: &mut Criterion) {
    let mut g = c.benchmark_group("copy");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    for per_lo in [10, 100, 1000] {
        let pages = 100 * per_lo;
        let (ws, author, course) = fixture::course(100, per_lo, 2000);

        let mut shared = ws.clone();
        g.bench_with_input(BenchmarkId::new("share", pages), &pages, |b, _| {
            b.iter_custom(|iters| share_from_pristine(&mut shared, author, course, iters))
        });
        drop(shared);

        let plain = fixture::plain_pages(&ws);
        // Timed like Duplicate: one copy a batch, with a clone of the
        // workspace alive, dropped outside the timing, so that both allocate
        // into the same heap. `cargo run --release --example copy_cost`
        // gives the ratios as medians of alternating rounds.
        g.bench_with_input(BenchmarkId::new("floor", pages), &pages, |b, _| {
            b.iter_batched(|| ws.clone(), |ws| (black_box(plain.clone()), ws), BatchSize::PerIteration)
        });

        // The yardstick of the Duplicate targets: a hand-written Duplicate
        // over plain records, timed the same way.
        let plain_los = fixture::plain_los(&ws, course);
        g.bench_with_input(BenchmarkId::new("plain_duplicate", pages), &pages, |b, _| {
            b.iter_batched(
                || ws.clone(),
                |ws| (black_box(fixture::plain_duplicate(&plain, &plain_los)), ws),
                BatchSize::PerIteration,
            )
        });
        drop((plain, plain_los));

        g.bench_with_input(BenchmarkId::new("duplicate", pages), &pages, |b, _| {
            duplicate_from_clone(b, &ws, author, course)
        });

        g.bench_with_input(BenchmarkId::new("linked", pages), &pages, |b, _| {
            b.iter_batched(
                || ws.clone(),
                |mut ws| {
                    black_box(ws.link_course(author, course, &CopyOptions::new()).unwrap());
                    ws
                },
                BatchSize::PerIteration,
            )
        });

        g.bench_with_input(BenchmarkId::new("stepped_duplicate", pages), &pages, |b, _| {
            b.iter_batched(
                || ws.clone(),
                |mut ws| {
                    let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "STEP".into() });
                    ws.request_copy(author, course, &request).unwrap();
                    while ws.run_tasks(1000) > 0 {}
                    ws
                },
                BatchSize::PerIteration,
            )
        });

        g.bench_with_input(BenchmarkId::new("serde_roundtrip", pages), &pages, |b, _| {
            b.iter_batched(
                || (),
                |_| {
                    let text = serde_json::to_string(&ws).unwrap();
                    serde_json::from_str::<Workspace>(&text).unwrap()
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

fn edit_shared_page(c: &mut Criterion) {
    let mut g = c.benchmark_group("edit_shared_page");
    for courses in [1, 100, 10_000] {
        let (mut ws, author, via, page) = fixture::shared_lo(courses);
        g.bench_with_input(BenchmarkId::from_parameter(courses), &courses, |b, _| {
            b.iter(|| black_box(ws.edit_page(author, via, page, PageEdit::new().body("edited")).unwrap()))
        });
    }
    g.finish();
}

fn share_los(c: &mut Criterion) {
    let mut g = c.benchmark_group("share_los");
    g.sample_size(20);
    for los in [10, 100, 1000] {
        let (ws, author, course) = fixture::course(los, 10, 2000);
        let mut shared = ws.clone();
        g.bench_with_input(BenchmarkId::new("share", los), &los, |b, _| {
            b.iter_custom(|iters| share_from_pristine(&mut shared, author, course, iters))
        });
        g.bench_with_input(BenchmarkId::new("duplicate", los), &los, |b, _| {
            duplicate_from_clone(b, &ws, author, course)
        });
    }
    g.finish();
}

fn sync(c: &mut Criterion) {
    let mut g = c.benchmark_group("sync");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    let (base, author, master, section) = fixture::linked_with_changes(100, 1000, 0);
    for k in [10, 100, 1000, 10_000] {
        let mut ws = base.clone();
        fixture::edit_spread(&mut ws, author, master, k);
        g.bench_with_input(BenchmarkId::from_parameter(k), &k, |b, _| {
            b.iter_batched(
                || ws.clone(),
                |mut ws| {
                    black_box(ws.sync_course(author, section, Customisations::Keep).unwrap());
                    ws
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

/// A Duplicate of a dated course, without and with shifting its dates.
fn date_shift(c: &mut Criterion) {
    let mut group = c.benchmark_group("date_shift");
    group.sample_size(20);
    for per_lo in [10, 100] {
        let (ws, author, course, _) = fixture::dated_course(100, per_lo, 2000);
        let pages = 100 * per_lo;
        let shifting = CopyOptions::new().date_shift(fixture::next_spring());
        for (name, options) in [("plain", CopyOptions::new()), ("shifted", shifting)] {
            group.bench_function(BenchmarkId::new(name, pages), |b| {
                b.iter_batched(
                    || ws.clone(),
                    |mut ws| {
                        black_box(ws.copy_course_with_report(author, course, CopyMode::Duplicate, &options).unwrap());
                        ws
                    },
                    BatchSize::PerIteration,
                )
            });
        }
    }
    group.finish();
}

criterion_group!(benches, copy, edit_shared_page, share_los, sync, date_shift);
criterion_main!(benches);
