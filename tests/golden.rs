//! Saved files written once and committed under `tests/golden/`: each must
//! keep loading, with the same content, whatever changes inside the crate
//! (INT-4). These files never change once committed; a change to saved
//! data adds a format, a migration and a new file (ARCHITECTURE.md).
//!
//! - `format1.json`, written by coursecopy 0.1.0, loads through the
//!   migration from format 1;
//! - `format2.json`, written by 0.3.0 from the same steps, with a fixed
//!   clock, loads directly, with its sharing and course times;
//! - `format3.json` is `format2.json` loaded, then these steps by Grace,
//!   saved by the build that added linked copies: two pages added to
//!   Genetics in BIO-101 (RNA, Proteins); three courses SEC-A, SEC-B and
//!   SEC-C; Genetics linked into SEC-A and SEC-B, and SEC-A's copy linked
//!   into SEC-C; in SEC-A, the RNA copy's title customised, then a sync
//!   that took an upstream edit of RNA's body; in SEC-B, Proteins moved
//!   first and the pending version declined; upstream, Proteins deleted,
//!   Genetics' description changed and BIO-101's content locked; SEC-C's
//!   description customised.
//! - `format4.json` is `format3.json` loaded, then, with a fixed clock, by
//!   Grace: every task run to its end; BIO-101 put in Europe/Berlin with a
//!   duration of 2027-03-01 to 2027-07-31 and a self-enrollment window;
//!   three dated items added to it (the Midterm assessment, open across the
//!   daylight-saving change, a Field trip after the course's end, a Lab
//!   report task); BIO-NY made in America/New_York with a dated task of its
//!   own; a copy of BIO-101 to BIO-2028 shifted by range to 2028-02-28 …
//!   2028-07-29 with Wednesday → Thursday, run to its end; a copy into
//!   BIO-NY shifted by 7 days, stopped after 3 units; a copy to
//!   BIO-UNDATED removing dates, queued. The program that wrote it ran
//!   once on the commit that added the file and is not kept.
//! - `format5.json` is `format4.json` loaded, then, with a fixed clock, by
//!   Grace: every task run to its end; a Calendar item "Welcome day" added
//!   to BIO-101, Monday 2027-03-01 09:00 to Tuesday 08:00 in Berlin; two
//!   copies of BIO-101 shifted by range to 2029-03-05 … 2029-08-04 with
//!   Monday → Tuesday, where Welcome day keeps its distances: to BIO-2029,
//!   run to its end, and to BIO-2029-B, queued. Written once, like the
//!   others.
//! - `format6.json` is `format5.json` loaded, then, with a fixed clock, by
//!   Grace: every task run to its end; BIO-2029 (itself a copy of BIO-101)
//!   duplicated to BIO-2030, so that some page runs are copies of runs;
//!   the last page of BIO-2030's first learning object edited, so that
//!   it is saved on its own. Written once, like the others; it is the
//!   first file with a `page_runs` part.
//! - `format7.json` is `format6.json` loaded, then, by Grace: SEC-B's
//!   linked copy of Genetics taken out of SEC-B; in BIO-101, Genetics'
//!   page RNA locked for its linked copies; in SEC-A, its copy of Genetics
//!   locked (title and description) for its own linked copy in SEC-C. No
//!   task ran and no clock was read. Written once, like the others; it is
//!   the first file with item locks and a copy a course took out.
//! - `format8.json` is `format7.json` loaded (which numbers its learning
//!   objects and pages in slot order), then, by Grace: a page Ribosomes
//!   added to Genetics in BIO-101 (the next page id), and the last page of
//!   BIO-DUP's first learning object deleted (its id retired). Written
//!   once, like the others; it is the first file with numeric ids.
//!
//! Each file holds every kind of entity: users of each role, courses shared
//! and duplicated, a duplicate edited after the copy, library items of each
//! kind, tools with links, a style, a locked course, and copy tasks that are
//! finished, running (with a page saved in its copy-on-write overlay) and
//! queued. The program that wrote `format1.json` is `write_golden_file` in
//! this file as of commit a1534c2, run once on the code of that commit; the
//! one that wrote `format2.json` is the same program with a fixed clock, in
//! this file as of the commit that added that file. Neither is kept, since
//! the files are never to be written again.
#![cfg(feature = "serde")]

use coursecopy::*;

const FORMAT1: &str = include_str!("golden/format1.json");
const FORMAT2: &str = include_str!("golden/format2.json");
const FORMAT3: &str = include_str!("golden/format3.json");
const FORMAT4: &str = include_str!("golden/format4.json");
const FORMAT5: &str = include_str!("golden/format5.json");
const FORMAT6: &str = include_str!("golden/format6.json");
const FORMAT7: &str = include_str!("golden/format7.json");
const FORMAT8: &str = include_str!("golden/format8.json");

fn load(file: &str) -> Workspace {
    serde_json::from_str(file).expect("the golden file loads")
}

fn course(ws: &Workspace, id: &str) -> CourseKey {
    ws.find_course(id).unwrap_or_else(|| panic!("course {id} is in the golden file"))
}

fn lo_titles(ws: &Workspace, course: CourseKey) -> Vec<String> {
    ws.course(course)
        .unwrap()
        .learning_objects()
        .map(|lo| ws.learning_object(lo).unwrap().title().to_string())
        .collect()
}

fn bodies(ws: &Workspace, lo: LoKey) -> Vec<String> {
    ws.learning_object(lo).unwrap().pages().map(|p| ws.page(p).unwrap().body().to_string()).collect()
}

/// INT-4: a format 1 file loads through the migration, passes the
/// integrity check, and holds what was saved: users, courses, sharing,
/// provenance, library, tools, locks.
#[test]
fn int4_golden_format1_loads_with_its_content() {
    check_content(&load(FORMAT1));
}

/// INT-4: the format 2 file loads and holds the same content.
#[test]
fn int4_golden_format2_loads_with_its_content() {
    check_content(&load(FORMAT2));
}

fn check_content(ws: &Workspace) {
    ws.check_integrity().unwrap();
    let counts = ws.counts();
    // One style in each course that has its own: BIO-101 and the four copies made before the save.
    assert_eq!((counts.users, counts.library_items, counts.styles), (3, 3, 5));

    let roles: Vec<(String, Role)> = ws.users().map(|(_, u)| (u.name().to_string(), u.role())).collect();
    assert_eq!(
        roles,
        [("Ada".into(), Role::Administrator), ("Grace".into(), Role::Author), ("Rita".into(), Role::Reviewer)]
    );
    let grace = ws.users().find(|(_, u)| u.name() == "Grace").unwrap().0;

    let bio = course(ws, "BIO-101");
    let shared = course(ws, "BIO-EVE");
    let dup = course(ws, "BIO-DUP");
    assert_eq!(ws.course(bio).unwrap().title(), "Biology");
    assert_eq!(ws.course(bio).unwrap().detail("language"), Some("en"));
    assert_eq!(ws.course(bio).unwrap().lms_id(), "_1_1");
    assert_eq!(ws.course(bio).unwrap().locked_by(), None);
    assert_eq!(ws.course(shared).unwrap().locked_by(), Some(grace));
    assert_eq!(lo_titles(ws, bio), ["Cells", "Genetics"]);
    assert_eq!(lo_titles(ws, shared), ["Cells", "Genetics"]);
    assert_eq!(lo_titles(ws, dup), ["Cells", "Genetics"]);

    // Share: the same LOs, used in both courses.
    let bio_los: Vec<LoKey> = ws.course(bio).unwrap().learning_objects().collect();
    let shared_los: Vec<LoKey> = ws.course(shared).unwrap().learning_objects().collect();
    assert_eq!(bio_los, shared_los);
    for lo in &bio_los {
        let used_in = ws.learning_object(*lo).unwrap().used_in();
        assert!(used_in.contains(bio) && used_in.contains(shared));
    }
    // Duplicate: new LOs pointing back; one page edited after the copy.
    let dup_los: Vec<LoKey> = ws.course(dup).unwrap().learning_objects().collect();
    for (d, o) in dup_los.iter().zip(&bio_los) {
        assert_ne!(d, o);
        assert_eq!(ws.learning_object(*d).unwrap().origin(), Some(*o));
    }
    assert_eq!(bodies(ws, bio_los[0]), ["Lipids.", "Edited after the request."]);
    assert_eq!(bodies(ws, dup_los[0]), ["Lipid bilayers, edited in the duplicate.", "Respiration."]);
    let dup_pages: Vec<PageKey> = ws.learning_object(dup_los[0]).unwrap().pages().collect();
    let src_pages: Vec<PageKey> = ws.learning_object(bio_los[0]).unwrap().pages().collect();
    assert_eq!(ws.page(dup_pages[1]).unwrap().origin(), Some(src_pages[1]));
    // The style applied in the source is gone from the duplicate (DUP-3).
    assert!(ws.page(src_pages[0]).unwrap().style().is_some());
    assert!(ws.page(dup_pages[0]).unwrap().style().is_none());

    // The library: one item of each kind, referenced by pages.
    let names: Vec<String> = ws.library().map(|(_, e)| e.name().to_string()).collect();
    assert_eq!(names, ["cell.png", "Atlas", "Mitosis"]);
    let (image, _) = ws.library().next().unwrap();
    assert_eq!(ws.pages_using(image).len(), 3, "the source page and its duplicates in BIO-DUP and BIO-DONE");

    // Tools, with a link remapped in the duplicate.
    let tools = ws.course(dup).unwrap().tools();
    let column = tools.of(Category::Gradebook).next().unwrap();
    let quiz = tools.of(Category::Assessments).next().unwrap();
    assert_eq!(column.link(), Some(ToolLink::Tool(quiz.id())));
    assert_eq!(ws.course(bio).unwrap().tools().len(), 4);
}

/// LMS-4, INT-4: the tasks of a format 1 file come back finished, running
/// and queued, and the pending ones carry on to the end, point in time: the
/// page edited after the request is copied as it was.
#[test]
fn lms4_golden_format1_tasks_carry_on() {
    check_tasks(load(FORMAT1));
}

/// LMS-4, INT-4: the same for the format 2 file.
#[test]
fn lms4_golden_format2_tasks_carry_on() {
    check_tasks(load(FORMAT2));
}

fn check_tasks(mut ws: Workspace) {
    let states: Vec<&str> = ws.tasks().map(|t| ws.task_status(t).unwrap().state.name()).collect();
    assert_eq!(states, ["Complete", "Cancelled", "Running", "Queued"]);
    assert_eq!(ws.task_limit(), 1);
    assert!(ws.find_course("BIO-CANCEL").is_none(), "a cancelled copy left nothing");
    ws.run_all_tasks();
    ws.check_integrity().unwrap();
    let states: Vec<&str> = ws.tasks().map(|t| ws.task_status(t).unwrap().state.name()).collect();
    assert_eq!(states, ["Complete", "Cancelled", "Complete", "Complete"]);
    let running = course(&ws, "BIO-RUN");
    let lo = ws.course(running).unwrap().learning_objects().next().unwrap();
    assert_eq!(bodies(&ws, lo), ["Lipids.", "Respiration."], "the copy is of the source as requested");
    let bio = course(&ws, "BIO-101");
    let src = ws.course(bio).unwrap().learning_objects().next().unwrap();
    assert_eq!(bodies(&ws, src)[1], "Edited after the request.");
    assert_eq!(lo_titles(&ws, course(&ws, "BIO-QUEUED")), ["Cells", "Genetics"]);
}

/// INT-6, INT-4: the format 2 file keeps what format 1 could not: the
/// unedited page of the Duplicate shares its text with its source, the
/// edited one does not; and each course has its uuid and times.
#[test]
fn int6_golden_format2_keeps_sharing_and_course_times() {
    let ws = load(FORMAT2);
    let (bio, dup) = (course(&ws, "BIO-101"), course(&ws, "BIO-DUP"));
    let src_lo = ws.course(bio).unwrap().learning_objects().next().unwrap();
    let dup_lo = ws.course(dup).unwrap().learning_objects().next().unwrap();
    let src: Vec<PageKey> = ws.learning_object(src_lo).unwrap().pages().collect();
    let copy: Vec<PageKey> = ws.learning_object(dup_lo).unwrap().pages().collect();
    let page = |k: PageKey| ws.page(k).unwrap();
    assert!(!page(copy[0]).shares_body_with(page(src[0])), "edited in the duplicate");
    assert!(page(copy[0]).title().as_ptr() == page(src[0]).title().as_ptr(), "its title is still shared");
    // The source's second page was edited after BIO-DUP was made.
    assert!(!page(copy[1]).shares_body_with(page(src[1])));
    assert_eq!(page(copy[1]).title().as_ptr(), page(src[1]).title().as_ptr());

    let t0: Timestamp = "2027-01-04T09:00:00Z".parse().unwrap();
    let c = ws.course(bio).unwrap();
    assert_eq!((c.created(), c.modified()), (t0, t0));
    let uuids: std::collections::HashSet<String> = ws.courses().map(|(_, c)| c.uuid()).collect();
    assert_eq!(uuids.len(), ws.courses().count());
    assert!(uuids.iter().all(|u| u.len() == 32 && u.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())));
}

/// INT-4: a format 1 file migrates with uuids derived from its salt and
/// LMS ids, and course times from its tasks or the epoch.
#[test]
fn int4_golden_format1_migrates_uuids_and_times() {
    let ws = load(FORMAT1);
    let again = load(FORMAT1);
    for (key, c) in ws.courses() {
        assert_eq!(c.uuid(), again.course(key).unwrap().uuid(), "derived, not random");
    }
    let uuids: std::collections::HashSet<String> = ws.courses().map(|(_, c)| c.uuid()).collect();
    assert_eq!(uuids.len(), ws.courses().count());
    let bio = ws.course(course(&ws, "BIO-101")).unwrap();
    assert_eq!(bio.created(), Timestamp::from_unix_millis(0), "no task copies into BIO-101");
    let run = ws.course(course(&ws, "BIO-RUN")).unwrap();
    assert!(run.created() > Timestamp::from_unix_millis(0), "the start time of the task copying into it");
    assert_eq!(run.created(), run.modified());
}

/// INT-4: the format 3 file loads and holds the same content as the
/// earlier ones, and its tasks carry on.
#[test]
fn int4_golden_format3_loads_with_its_content() {
    check_content(&load(FORMAT3));
    check_tasks(load(FORMAT3));
}

/// LNK-12, INT-4: the format 3 file keeps links, versions, customisations,
/// a reordered copy, a declined version, upstream-deleted markers, a link
/// of a link and a field lock; syncs carry on from them.
#[test]
fn lnk12_golden_format3_keeps_links() {
    let mut ws = load(FORMAT3);
    let grace = ws.users().find(|(_, u)| u.name() == "Grace").unwrap().0;
    let bio = course(&ws, "BIO-101");
    let (a, b, c) = (course(&ws, "SEC-A"), course(&ws, "SEC-B"), course(&ws, "SEC-C"));
    let genetics = ws.course(bio).unwrap().learning_objects().nth(1).unwrap();
    let first = |ws: &Workspace, c: CourseKey| ws.course(c).unwrap().learning_objects().next().unwrap();
    let (copy_a, copy_b, copy_c) = (first(&ws, a), first(&ws, b), first(&ws, c));
    let titles = |ws: &Workspace, lo: LoKey| -> Vec<String> {
        ws.learning_object(lo).unwrap().pages().map(|p| ws.page(p).unwrap().title().to_string()).collect()
    };
    assert_eq!(ws.course(bio).unwrap().field_locks(), FieldLocks::new().content(true).title_description(false));
    assert_eq!(ws.downstreams(genetics).unwrap().len(), 2);
    assert_eq!(ws.learning_object(copy_c).unwrap().link().unwrap().upstream, Some(copy_a));
    assert!(ws.learning_object(copy_c).unwrap().link().unwrap().description_customised);

    // SEC-A: synced once, one title customised, Proteins' copy marked.
    let a_pages: Vec<PageKey> = ws.learning_object(copy_a).unwrap().pages().collect();
    assert_eq!(titles(&ws, copy_a), ["DNA", "RNA (ours)", "Proteins"]);
    assert_eq!(ws.page(a_pages[1]).unwrap().body(), "Messenger and transfer.");
    assert!(ws.page_link(a_pages[1]).unwrap().unwrap().title_customised);
    assert_eq!(ws.page_link(a_pages[2]).unwrap().unwrap().upstream, None);
    // SEC-B: reordered, declined, then changed upstream again.
    let link_b = ws.learning_object(copy_b).unwrap().link().unwrap();
    assert!(link_b.reordered && link_b.declined > link_b.synced);
    assert_eq!(titles(&ws, copy_b), ["Proteins", "DNA", "RNA"]);
    assert_eq!(ws.updates_available(a).unwrap(), [copy_a]);
    assert_eq!(ws.updates_available(b).unwrap(), [copy_b]);
    assert_eq!(ws.updates_available(c).unwrap(), [copy_c]);

    // The preview and the sync pick up where the file left off.
    let preview = ws.preview_sync(copy_b).unwrap();
    assert!(
        preview
            .changes()
            .contains(&PendingChange::LoField { field: LinkedField::Description, outcome: Outcome::WillApply })
    );
    let b_first = ws.learning_object(copy_b).unwrap().pages().next().unwrap();
    assert!(matches!(
        ws.edit_page(grace, b, b_first, PageEdit::new().body("no")),
        Err(Error::FieldLocked { field: coursecopy::Field::Body, .. })
    ));
    ws.sync_course(grace, b, Customisations::Keep).unwrap();
    assert_eq!(titles(&ws, copy_b), ["DNA", "RNA"], "the marked copy went; nothing moved");
    assert_eq!(ws.learning_object(copy_b).unwrap().description(), "Genes and proteins");
    ws.check_integrity().unwrap();
}

/// DAT-5, DAT-6, INT-4: the format 4 file loads and keeps time zones, item dates, a
/// finished copy's shift report, and the shifts of a running and a queued
/// copy, which carry on to the same dates the API gives.
#[test]
fn dat_golden_format4_keeps_dates_and_pending_shifts() {
    let mut ws = load(FORMAT4);
    let t = |s: &str| s.parse::<Timestamp>().unwrap();
    let bio = course(&ws, "BIO-101");
    assert_eq!(ws.course(bio).unwrap().time_zone(), "Europe/Berlin");
    let midterm = ws.course(bio).unwrap().tools().iter().find(|i| i.title() == "Midterm").unwrap().dates();
    assert_eq!(midterm.due_date(), Some(t("2027-03-26T22:59:00Z")));
    let states: Vec<&str> = ws.tasks().map(|k| ws.task_status(k).unwrap().state.name()).collect();
    assert_eq!(states, ["Complete", "Cancelled", "Complete", "Complete", "Complete", "Running", "Queued"]);
    let tasks: Vec<TaskKey> = ws.tasks().collect();
    let report = ws.task_status(tasks[4]).unwrap().date_shift.unwrap();
    assert_eq!(report.shifted.len(), 5);
    assert_eq!(report.warnings.len(), 2, "the field trip is after the course");
    let new_midterm =
        ws.course(course(&ws, "BIO-2028")).unwrap().tools().iter().find(|i| i.title() == "Midterm").unwrap().dates();
    assert_eq!(new_midterm.start_date(), Some(t("2028-03-20T08:00:00Z")));

    ws.run_all_tasks();
    ws.check_integrity().unwrap();
    // The copy into BIO-NY: its own task kept, BIO-101's a week later at
    // the same Berlin time, in BIO-NY's zone still.
    let ny = course(&ws, "BIO-NY");
    assert_eq!(ws.course(ny).unwrap().time_zone(), "America/New_York");
    let dates = |title: &str| ws.course(ny).unwrap().tools().iter().find(|i| i.title() == title).unwrap().dates();
    assert_eq!(dates("Own task").due_date(), Some(t("2027-05-01T03:59:00Z")));
    assert_eq!(dates("Midterm").end_date(), Some(t("2027-04-05T21:59:00Z")), "23:59 in Berlin, summer time");
    let b = ws.task_status(tasks[5]).unwrap().date_shift.unwrap();
    assert!(b.shifted.iter().any(|s| &*s.title == "Lab report" && s.new.due_date() == Some(t("2027-04-16T10:00:00Z"))));
    let undated = course(&ws, "BIO-UNDATED");
    assert!(ws.course(undated).unwrap().tools().iter().all(|i| i.dates().is_empty()));
    assert_eq!(ws.course(undated).unwrap().settings().duration(), Duration::Continuous);
}

/// DAT-5, INT-4: the format 5 file loads and keeps which items kept their
/// distances, in a finished copy's report (with its warning) and in a
/// queued copy's plan, which runs to the same dates.
#[test]
fn dat5_golden_format5_keeps_items_that_kept_their_distances() {
    let mut ws = load(FORMAT5);
    let t = |s: &str| s.parse::<Timestamp>().unwrap();
    let tasks: Vec<TaskKey> = ws.tasks().collect();
    let [.., done, queued] = tasks[..] else { panic!("{} tasks", tasks.len()) };
    let report = ws.task_status(done).unwrap().date_shift.unwrap();
    let kept: Vec<&str> = report.shifted.iter().filter(|s| s.kept_distances).map(|s| &*s.title).collect();
    assert_eq!(kept, ["Welcome day"]);
    let warned = report.warnings.iter().filter(|w| matches!(w, DateWarning::KeptDistances { .. })).count();
    assert_eq!((warned, report.warnings.len()), (1, 3), "and the field trip's two dates after the course");
    let copy = course(&ws, "BIO-2029");
    assert_eq!(
        ws.course(copy).unwrap().settings().duration(),
        Duration::DateRange { start: t("2029-03-04T23:00:00Z"), end: t("2029-08-04T21:59:00Z") },
        "exactly the new range, 00:00 and 23:59 in Berlin"
    );
    ws.run_all_tasks();
    let again = ws.task_status(queued).unwrap();
    let TaskState::Complete { course: second } = again.state else { panic!("{:?}", again.state) };
    let dates = |c: CourseKey| ws.course(c).unwrap().tools().iter().map(|i| i.dates()).collect::<Vec<_>>();
    assert_eq!(dates(second), dates(copy));
    // A new course numbers its items alike: the same warnings.
    assert_eq!(again.date_shift.unwrap().warnings, report.warnings);
    ws.check_integrity().unwrap();
}

/// INT-4: `kept_distances` is a field of format 5: the format 5 file
/// relabelled format 4 is refused, naming it; a warning that is half a
/// date outside the course and half kept distances is refused too.
#[test]
fn dat5_kept_distances_is_format_5() {
    let mut four: serde_json::Value = serde_json::from_str(FORMAT5).unwrap();
    four["format"] = serde_json::json!(4);
    let err = serde_json::from_value::<Workspace>(four).unwrap_err().to_string();
    assert!(err.contains("kept_distances, a field of format 5, in a file of format 4"), "{err}");
    let mut mixed: serde_json::Value = serde_json::from_str(FORMAT5).unwrap();
    let tasks = mixed["dates"]["tasks"].as_array_mut().unwrap();
    let report = tasks
        .iter_mut()
        .find_map(|t| t[1]["report"].as_object_mut().filter(|r| !r["warnings"].as_array().unwrap().is_empty()))
        .unwrap();
    report["warnings"][0]["kept_distances"] = serde_json::json!(true);
    let err = serde_json::from_value::<Workspace>(mixed).unwrap_err().to_string();
    assert!(err.contains("warnings[0]: neither a date outside the course"), "{err}");
    // A finished report whose kept item has no warning is refused too.
    let mut unwarned: serde_json::Value = serde_json::from_str(FORMAT5).unwrap();
    let tasks = unwarned["dates"]["tasks"].as_array_mut().unwrap();
    let kept = |w: &serde_json::Value| w.get("kept_distances").is_some();
    let warnings = tasks
        .iter_mut()
        .find_map(|t| t[1]["report"]["warnings"].as_array_mut().filter(|w| w.iter().any(kept)))
        .unwrap();
    warnings.retain(|w| !kept(w));
    let err = serde_json::from_value::<Workspace>(unwarned).unwrap_err().to_string();
    assert!(err.contains("its kept_distances warnings are not the items that kept them"), "{err}");
}

/// Every difference between two saved files, one line each: the path of
/// the field (array positions as `[]`) and what differs. A field only
/// `before` has is "dropped", one only `after` has is "added".
fn differences(before: &serde_json::Value, after: &serde_json::Value) -> std::collections::BTreeSet<String> {
    use serde_json::Value;
    fn walk(a: &Value, b: &Value, path: &str, out: &mut std::collections::BTreeSet<String>) {
        match (a, b) {
            (Value::Object(a), Value::Object(b)) => {
                for (k, v) in a {
                    match b.get(k) {
                        Some(w) => walk(v, w, &format!("{path}.{k}"), out),
                        None => drop(out.insert(format!("{path}.{k} dropped"))),
                    }
                }
                for k in b.keys().filter(|k| !a.contains_key(*k)) {
                    out.insert(format!("{path}.{k} added"));
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (v, w) in a.iter().zip(b) {
                    walk(v, w, &format!("{path}[]"), out);
                }
            }
            _ if a == b => {}
            _ => drop(out.insert(format!("{path} differs"))),
        }
    }
    let mut out = std::collections::BTreeSet::new();
    walk(before, after, "", &mut out);
    out
}

/// A golden file loaded and saved again by today's build.
fn resaved(file: &str) -> serde_json::Value {
    serde_json::to_value(load(file)).expect("a loaded workspace saves")
}

/// A saved file with the pages of its `page_runs` part (format 6) put
/// back in `entities.pages` as a file of format 5 saves them, each with
/// its origin's content, and the part dropped: files of either format
/// then compare page by page.
fn runs_expanded(mut file: serde_json::Value) -> serde_json::Value {
    use serde_json::{Value, json};
    let runs = file.as_object_mut().unwrap().remove("page_runs").unwrap_or(json!([]));
    let key = |v: &Value| (v[0].as_u64().unwrap(), v[1].as_u64().unwrap());
    let live = file["entities"]["pages"]["live"].as_array_mut().unwrap();
    let mut content: std::collections::HashMap<(u64, u64), Value> =
        live.iter().map(|p| (key(&p[0]), p[1]["content"].clone())).collect();
    /// A run's page: its handle, LO, origin's handle and numeric id.
    type RunPage = (Value, Value, (u64, u64), Option<u64>);
    let mut pending: Vec<RunPage> = Vec::new();
    for run in runs.as_array().unwrap() {
        let (first, origin) = (key(&run["first"]), key(&run["origin"]));
        for i in 0..run["count"].as_u64().unwrap() {
            // Since format 8, page `i` of a run has the id after the first's by `i`.
            let pk = run["first_pk"].as_u64().map(|pk| pk + i);
            pending.push((json!([first.0 + i, first.1]), run["lo"].clone(), (origin.0 + i, origin.1), pk));
        }
    }
    // Copies of copies: resolved once their origin is.
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|(page, lo, origin, pk)| match content.get(origin).cloned() {
            Some(c) => {
                content.insert(key(page), c.clone());
                let mut record = json!({"content": c, "style": null, "lo": lo, "origin": [origin.0, origin.1]});
                if let Some(pk) = pk {
                    record["pk"] = json!(pk);
                }
                live.push(json!([page, record]));
                false
            }
            None => true,
        });
        assert!(pending.len() < before, "every run page's origin is a page of the file");
    }
    live.sort_by_key(|p| key(&p[0]));
    file
}

/// Content references (`content`: an index into the shared tables)
/// replaced by the title, body and library items they name, and the
/// shared tables dropped: files that share content differently compare
/// by what they say.
fn resolve_contents(mut file: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    let shared = file["shared"].take();
    let resolve = |at: &mut Value| {
        let content = &shared["contents"][at.as_u64().expect("a content index") as usize];
        let text = |n: usize| shared["texts"][content[n].as_u64().unwrap() as usize].clone();
        *at = serde_json::json!([text(0), text(1), shared["item_lists"][content[2].as_u64().unwrap() as usize]]);
    };
    for page in file["entities"]["pages"]["live"].as_array_mut().unwrap() {
        resolve(&mut page[1]["content"]);
    }
    for task in file["copy_tasks"]["tasks"]["live"].as_array_mut().unwrap() {
        for saved in task[1]["job"]["overlay"].as_array_mut().into_iter().flatten() {
            resolve(&mut saved[1]["content"]);
        }
    }
    file
}

/// A file saved by format 8 or later with its numeric ids taken out (the
/// records' `pk`, the runs' `first_pk` and the two counters): what a file
/// of an earlier format, which numbers its records on load, compares with.
fn without_ids(mut file: serde_json::Value) -> serde_json::Value {
    let top = file.as_object_mut().unwrap();
    top.remove("next_learning_object_id");
    top.remove("next_page_id");
    for run in file["page_runs"].as_array_mut().into_iter().flatten() {
        run.as_object_mut().unwrap().remove("first_pk");
    }
    for kind in ["learning_objects", "pages"] {
        for record in file["entities"][kind]["live"].as_array_mut().unwrap() {
            record[1].as_object_mut().unwrap().remove("pk");
        }
    }
    file
}

fn lines(lines: &[&str]) -> std::collections::BTreeSet<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

/// INT-4, INT-6, LNK-12, DAT-5: no field a golden file carries is lost or
/// defaulted on its way to today's format. Each file is loaded and saved
/// again, and the two compared field by field, every course, learning
/// object, page, library item, tool item, link, lock, date and task field:
/// today's format comes back identical; an older one differs exactly in
/// what its migration is documented to change, and a field it drops is
/// shown to be derivable from what is kept.
#[test]
fn int4_golden_files_keep_every_field_on_every_migration_path() {
    let file = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    assert_eq!(differences(&file(FORMAT8), &resaved(FORMAT8)), lines(&[]), "format 8 is today's");
    // Format 8 added numeric ids, numbered on load in slot order for an
    // older file (checked by `cnv2_older_files_number_their_records_in_slot_order`):
    // with them taken out, the files compare as before.
    let resaved = |text: &str| without_ids(resaved(text));
    assert_eq!(differences(&file(FORMAT7), &resaved(FORMAT7)), lines(&[".format differs"]));
    assert_ne!(file(FORMAT7)["linked"]["item_locks"], serde_json::json!(null), "format 7's golden file has locks");
    assert_ne!(file(FORMAT7)["linked"]["removed_copies"], serde_json::json!(null));
    // Format 7 added item locks and removed copies, written only when
    // there are some: format 6 comes back as it was.
    assert_eq!(differences(&file(FORMAT6), &resaved(FORMAT6)), lines(&[".format differs"]));
    // Format 6 saves unedited duplicated pages in runs: with them put
    // back, page by page, nothing else differs.
    assert_ne!(file(FORMAT8)["page_runs"], serde_json::json!([]), "format 8's golden file has runs");
    let today = |text: &str| runs_expanded(serde_json::to_value(load(text)).unwrap());
    assert_eq!(differences(&runs_expanded(file(FORMAT8)), &today(FORMAT8)), lines(&[]));
    let resaved = |text: &str| runs_expanded(resaved(text));
    assert_eq!(differences(&runs_expanded(file(FORMAT7)), &resaved(FORMAT7)), lines(&[".format differs"]));
    assert_eq!(differences(&file(FORMAT5), &resaved(FORMAT5)), lines(&[".format differs"]));
    assert_eq!(differences(&file(FORMAT4), &resaved(FORMAT4)), lines(&[".format differs"]));
    // Format 4 added the dates part.
    assert_eq!(differences(&file(FORMAT3), &resaved(FORMAT3)), lines(&[".dates added", ".format differs"]));
    // Format 3 added the linked part; a job no longer keeps the page list
    // of the LO it fills, which is its snapshot's (checked below).
    let expected =
        [".copy_tasks.tasks.live[][].job.current_pages dropped", ".dates added", ".format differs", ".linked added"];
    assert_eq!(differences(&file(FORMAT2), &resaved(FORMAT2)), lines(&expected));
    for task in file(FORMAT2)["copy_tasks"]["tasks"]["live"].as_array().unwrap() {
        let job = &task[1]["job"];
        if job.is_null() {
            continue;
        }
        let current = match job["step"]["page"][0].as_u64() {
            Some(lo) => job["snapshot"]["learning_objects"][lo as usize][1]["pages"].clone(),
            None => serde_json::json!([]),
        };
        assert_eq!(job["current_pages"], current, "the dropped field is the snapshot's page list");
    }
    // Format 1 was written from the same steps as format 2, before
    // courses had uuids and times (the migration derives them from the
    // salt and the course's id) and before shared content was saved once
    // (INT-6): compared by what the pages say, the two differ in nothing
    // else.
    let from_format1 = resolve_contents(resaved(FORMAT1));
    let expected = [
        ".copy_tasks.tasks.live[][].job.snapshot.course.created differs",
        ".copy_tasks.tasks.live[][].job.snapshot.course.modified differs",
        ".copy_tasks.tasks.live[][].job.snapshot.course.uuid differs",
        ".copy_tasks.tasks.live[][].started differs",
        ".entities.courses.live[][].created differs",
        ".entities.courses.live[][].modified differs",
        ".entities.courses.live[][].uuid differs",
        ".salt differs",
    ];
    assert_eq!(differences(&resolve_contents(resaved(FORMAT2)), &from_format1), lines(&expected));
}

/// Every flag a value: each customisation, reordering and lock flag of
/// the linked part set, which the golden files leave mostly clear.
fn set_every_flag(value: &mut serde_json::Value) -> usize {
    match value {
        serde_json::Value::Bool(b) => {
            *b = true;
            1
        }
        serde_json::Value::Array(items) => items.iter_mut().map(set_every_flag).sum(),
        serde_json::Value::Object(fields) => fields.values_mut().map(set_every_flag).sum(),
        _ => 0,
    }
}

/// INT-4, LNK-12: a flag the golden files leave clear is kept too: with
/// every flag of the linked part set, a load and a save give the file back.
#[test]
fn int4_every_link_flag_survives_a_load_and_a_save() {
    let mut file: serde_json::Value = serde_json::from_str(FORMAT8).unwrap();
    let flags = set_every_flag(&mut file["linked"]);
    assert!(flags >= 20, "the linked part has its flags ({flags})");
    let text = file.to_string();
    assert_eq!(differences(&file, &resaved(&text)), lines(&[]));
}

/// INT-4, INT-6: format 6's page runs load as the pages they stand for:
/// each shares its content with its origin, through a copy of a copy too,
/// and the page edited after the copy keeps its own.
#[test]
fn int6_golden_format6_page_runs_keep_their_sharing() {
    let ws = load(FORMAT6);
    ws.check_integrity().unwrap();
    let file: serde_json::Value = serde_json::from_str(FORMAT6).unwrap();
    let runs = file["page_runs"].as_array().unwrap();
    let mut checked = 0;
    for run in runs {
        for i in 0..run["count"].as_u64().unwrap() as usize {
            let slot = run["first"][0].as_u64().unwrap() as usize + i;
            let (page, record) = ws.pages().find(|(k, _)| k.to_string() == format!("page#{slot}v1")).unwrap();
            let origin = ws.page(record.origin().unwrap()).unwrap();
            assert!(record.shares_body_with(origin), "{page}");
            assert_eq!(record.title(), origin.title());
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} pages in runs");
    // A copy of a copy: a run whose origins are pages of another run.
    let in_runs = |slot: u64| {
        runs.iter()
            .any(|r| (r["first"][0].as_u64().unwrap()..).take(r["count"].as_u64().unwrap() as usize).any(|s| s == slot))
    };
    assert!(runs.iter().any(|r| in_runs(r["origin"][0].as_u64().unwrap())));
    let copy = course(&ws, "BIO-2030");
    let lo = ws.course(copy).unwrap().learning_objects().next().unwrap();
    assert_eq!(bodies(&ws, lo).last().map(String::as_str), Some("Edited in BIO-2030."));
}

/// INT-4: a tampered `page_runs` part is refused, naming what is wrong,
/// before it makes the reader allocate what the file does not hold.
#[test]
fn int4_tampered_page_runs_are_refused() {
    let refused = |tamper: &dyn Fn(&mut serde_json::Value), needle: &str| {
        let mut file: serde_json::Value = serde_json::from_str(FORMAT6).unwrap();
        tamper(&mut file);
        let err = serde_json::from_value::<Workspace>(file).unwrap_err().to_string();
        assert!(err.contains(needle), "{err:?} should say {needle:?}");
    };
    let last = |f: &mut serde_json::Value| f["page_runs"].as_array().unwrap().len() - 1;
    refused(&|f| f["page_runs"][0]["count"] = 0.into(), "page_runs[0]: a run of no page");
    refused(&|f| f["page_runs"][0]["count"] = 4_000_000_000u64.into(), "the learning objects list");
    refused(&|f| f["page_runs"][0]["origin"] = serde_json::json!([900, 1]), "is no page of the file");
    refused(&|f| f["page_runs"][0]["origin"] = serde_json::json!([3, 3]), "is no page of the file");
    refused(&|f| f["page_runs"][0]["first"] = serde_json::json!([6, 2]), "page_runs[0].first: [6, 2] is no handle");
    refused(&|f| f["page_runs"][0]["first"] = serde_json::json!([1, 1]), "slot 1 holds two pages");
    refused(&|f| f["page_runs"][0]["first"] = serde_json::json!([4_294_967_294u64, 1]), "past the last slot");
    refused(
        &|f| {
            let n = last(f);
            let first = f["page_runs"][n]["first"].clone();
            f["page_runs"][n]["origin"] = first;
        },
        "is its own origin",
    );
    refused(&|f| f["page_runs"][0]["lo"] = serde_json::json!([1, 1]), "integrity violation");
    refused(&|f| drop(f.as_object_mut().unwrap().remove("page_runs")), "missing field `page_runs`");
    refused(&|f| f["format"] = 5.into(), "page_runs: a field of format 6 in a file of format 5");
}

/// INT-1, INT-4: an origin is history and may name anything, the page
/// itself included. A page that is its own origin is still checked (its
/// blank title refused), and saving it gives a file that loads: it is
/// saved on its own, never in a run that would be its own origin.
#[test]
fn int4_a_page_that_is_its_own_origin_is_checked_and_saves_to_a_file_that_loads() {
    let mut file: serde_json::Value = serde_json::from_str(FORMAT6).unwrap();
    // A page with no style: one a run could hold, were its origin another.
    let pages = file["entities"]["pages"]["live"].as_array().unwrap();
    let n = pages.iter().position(|p| p[1]["style"].is_null()).unwrap();
    let page = pages[n].clone();
    file["entities"]["pages"]["live"][n][1]["origin"] = page[0].clone();
    let loaded: Workspace = serde_json::from_value(file.clone()).expect("an origin may name the page itself");
    let again: Workspace =
        serde_json::from_value(serde_json::to_value(&loaded).unwrap()).expect("and it saves to a file that loads");
    assert_eq!(again, loaded);
    let title = file["shared"]["contents"][page[1]["content"].as_u64().unwrap() as usize][0].as_u64().unwrap();
    file["shared"]["texts"][title as usize] = "".into();
    let err = serde_json::from_value::<Workspace>(file).unwrap_err().to_string();
    assert!(err.contains("must not be blank"), "{err}");
}

/// LNK-13, LNK-14, INT-4: format 7's item locks and removed copy load and
/// act: the lock of SEC-A's copy refuses SEC-C's title edit and overrides
/// its customised description at the next sync; the lock of RNA refuses
/// the deletion of its copy; SEC-B's removed copy of Genetics stays out
/// at a sync, and is re-created once Genetics locks itself.
#[test]
fn lnk13_golden_format7_item_locks_and_removed_copies_load_and_act() {
    let mut ws = load(FORMAT7);
    ws.check_integrity().unwrap();
    let grace = ws.users().find(|(_, u)| u.name() == "Grace").unwrap().0;
    let (bio, a, b, c) = (course(&ws, "BIO-101"), course(&ws, "SEC-A"), course(&ws, "SEC-B"), course(&ws, "SEC-C"));
    let genetics = ws.course(bio).unwrap().learning_objects().nth(1).unwrap();
    let rna = ws.learning_object(genetics).unwrap().pages().find(|p| ws.page(*p).unwrap().title() == "RNA").unwrap();
    let copy_a = ws.linked_copy_in(a, genetics).unwrap().unwrap();
    let copy_c = ws.linked_copy_in(c, copy_a).unwrap().unwrap();
    assert!(ws.item_locked(LinkedRecord::Page(rna)).unwrap());
    assert!(ws.item_locked(LinkedRecord::LearningObject(copy_a)).unwrap());
    assert!(!ws.item_locked(LinkedRecord::LearningObject(genetics)).unwrap());
    assert_eq!(ws.linked_copy_in(b, genetics).unwrap(), None, "SEC-B took its copy out");

    let refused = ws.edit_learning_object(grace, c, copy_c, LoEdit::new().title("Ours"));
    assert!(matches!(refused, Err(Error::ItemLocked { field: Some(Field::Title), .. })), "{refused:?}");
    let rna_copy = ws.linked_page_copy_in(a, rna).unwrap().unwrap();
    let refused = ws.delete_page(grace, a, rna_copy);
    assert!(matches!(refused, Err(Error::ItemLocked { field: None, .. })), "{refused:?}");

    let preview = ws.preview_sync(copy_c).unwrap();
    let overwrite =
        PendingChange::LoField { field: LinkedField::Description, outcome: Outcome::OverwritesCustomisation };
    assert!(preview.changes().contains(&overwrite), "{preview:?}");
    ws.sync_course(grace, c, Customisations::Keep).unwrap();
    let upstream_description = ws.learning_object(copy_a).unwrap().description().to_string();
    assert_eq!(ws.learning_object(copy_c).unwrap().description(), upstream_description);

    let reports = ws.sync_course(grace, b, Customisations::Keep).unwrap();
    assert!(reports.iter().all(|r| !r.applied.iter().any(|c| matches!(c, PendingChange::LoRecreated { .. }))));
    assert_eq!(ws.linked_copy_in(b, genetics).unwrap(), None, "not locked: it stays out");
    ws.set_item_lock(grace, bio, LinkedRecord::LearningObject(genetics), true).unwrap();
    let reports = ws.sync_course(grace, b, Customisations::Keep).unwrap();
    let last = reports.last().unwrap();
    assert_eq!(last.applied, [PendingChange::LoRecreated { upstream: genetics }]);
    assert_eq!(ws.linked_copy_in(b, genetics).unwrap(), Some(last.learning_object));
    ws.check_integrity().unwrap();
}

/// INT-4: a file of format 6 that carries a field of format 7 is refused.
#[test]
fn int4_a_field_of_format7_in_an_older_file_is_refused() {
    let mut file: serde_json::Value = serde_json::from_str(FORMAT7).unwrap();
    file["format"] = 6.into();
    let err = serde_json::from_value::<Workspace>(file.clone()).unwrap_err().to_string();
    assert!(err.contains("item_locks, a field of format 7, in a file of format 6"), "{err}");
    file["linked"].as_object_mut().unwrap().remove("item_locks");
    let err = serde_json::from_value::<Workspace>(file).unwrap_err().to_string();
    assert!(err.contains("removed_copies, a field of format 7, in a file of format 6"), "{err}");
    // A later format's field in a file of format 1: refused, not ignored.
    let mut file: serde_json::Value = serde_json::from_str(FORMAT1).unwrap();
    file["next_page_id"] = 7.into();
    let err = serde_json::from_value::<Workspace>(file).unwrap_err().to_string();
    assert!(err.contains("next_page_id: a field of a later format in a file of format 1"), "{err}");
    // Format 8's ids in a file of format 7: refused, not renumbered.
    let mut file: serde_json::Value = serde_json::from_str(FORMAT7).unwrap();
    file["entities"]["pages"]["live"][0][1]["pk"] = 7.into();
    let err = serde_json::from_value::<Workspace>(file).unwrap_err().to_string();
    assert!(err.contains("has pk, a field of format 8, in an older file"), "{err}");
    let mut file: serde_json::Value = serde_json::from_str(FORMAT7).unwrap();
    file["next_page_id"] = 7.into();
    let err = serde_json::from_value::<Workspace>(file).unwrap_err().to_string();
    assert!(err.contains("fields of format 8 in a file of format 7"), "{err}");
}

/// INT-4, LNK-13: a lock or removed copy that names a missing record, or
/// repeats, is refused, naming it.
#[test]
fn int4_tampered_item_locks_are_refused() {
    let refused = |tamper: &dyn Fn(&mut serde_json::Value), needle: &str| {
        let mut file: serde_json::Value = serde_json::from_str(FORMAT7).unwrap();
        tamper(&mut file);
        let err = serde_json::from_value::<Workspace>(file).unwrap_err().to_string();
        assert!(err.contains(needle), "{err:?} should say {needle:?}");
    };
    refused(&|f| f["linked"]["item_locks"][0][0] = serde_json::json!([900, 1]), "an item lock names a missing");
    refused(&|f| f["linked"]["item_locks"][0][1] = serde_json::json!([1, 1]), "which is not a page of");
    refused(&|f| f["linked"]["item_locks"][0][0] = serde_json::json!([2, 2]), "item_locks[0]: [2, 2] is no handle");
    refused(
        &|f| {
            let first = f["linked"]["item_locks"][0].clone();
            f["linked"]["item_locks"].as_array_mut().unwrap().push(first);
        },
        "an entry is repeated",
    );
    refused(&|f| f["linked"]["removed_copies"][0][1] = serde_json::json!([900, 1]), "a copy it took out names");
    refused(&|f| f["linked"]["removed_copies"][0][2] = serde_json::json!([900, 1]), "a copy it took out names");
}

/// CNV-2, INT-4: a file before format 8 numbers its learning objects and
/// pages from 1 in slot order on load, and its counters start after them;
/// format 8 keeps its ids and counters as saved, a retired id included:
/// a new record takes the next id, never a freed one.
#[test]
fn cnv2_older_files_number_their_records_in_slot_order() {
    let old = load(FORMAT7);
    let ids = |ws: &Workspace| -> (Vec<u64>, Vec<u64>) {
        (
            ws.learning_objects().map(|(_, lo)| lo.numeric_id()).collect(),
            ws.pages().map(|(_, p)| p.numeric_id()).collect(),
        )
    };
    let (los, pages) = ids(&old);
    assert_eq!(los, (1..=los.len() as u64).collect::<Vec<_>>());
    assert_eq!(pages, (1..=pages.len() as u64).collect::<Vec<_>>());

    let mut ws = load(FORMAT8);
    let file: serde_json::Value = serde_json::from_str(FORMAT8).unwrap();
    let (next_lo, next_page) =
        (file["next_learning_object_id"].as_u64().unwrap(), file["next_page_id"].as_u64().unwrap());
    let (_, pages) = ids(&ws);
    assert_eq!(pages.len() as u64, next_page - 1, "one id retired");
    assert!(!pages.contains(&5), "the deleted page's id is gone");
    let grace = ws.users().find(|(_, u)| u.name() == "Grace").unwrap().0;
    let bio = course(&ws, "BIO-101");
    let lo = ws.create_learning_object(grace, bio, "Ecology", "").unwrap();
    let page = ws.add_page(grace, bio, lo, PageDraft::new("Food webs", "")).unwrap().page;
    assert_eq!(ws.learning_object(lo).unwrap().numeric_id(), next_lo + 1);
    assert_eq!(ws.page(page).unwrap().numeric_id(), next_page + 1, "the next id, not the retired one");
    let ribosomes = ws.pages().find(|(_, p)| p.title() == "Ribosomes").unwrap().1;
    assert_eq!(ribosomes.numeric_id(), next_page, "the last id given before the save");
}
