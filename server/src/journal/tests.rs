//! The journal's own tests: replay, records that do not apply, and the
//! replay property.

use super::*;
use crate::demo::{demo_keys, demo_workspace};
use crate::learn::plan;
use crate::model::Outcome;
use coursecopy::Timestamp;
use serde_json::{Value, json};

impl Journal {
    /// Writes a record's text as it is, as a server of an older version
    /// wrote it.
    fn commit_text(&mut self, text: &Value) {
        self.write(Some(text.to_string())).unwrap();
    }
}

fn temp(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    std::env::temp_dir().join(format!("coursecopy-journal-{name}-{}-{nanos}.db", std::process::id()))
}

fn fresh() -> Result<Model, String> {
    Model::new(demo_workspace().map_err(|e| e.to_string())?, &demo_keys())
}

fn at(s: u64) -> Timestamp {
    Timestamp::from_unix_millis(1_800_000_000_000 + 1000 * s as i64)
}

/// Ends `journal` as a crash would: its connection closes without the
/// checkpoint a clean close makes, so the `-wal` file keeps what it holds
/// and the next open recovers from it.
fn crash(journal: Journal) {
    journal.db.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true).unwrap();
    drop(journal);
}

/// SRV-9: replaying the journal on the snapshot reaches the state the
/// live model reached, steps and their times included, without the
/// clock; records written after a snapshot replay on it.
#[test]
fn srv9_replay_reaches_the_same_state() {
    let path = temp("replay");
    let (mut journal, mut live) = Journal::open(&path, &demo_keys(), fresh).unwrap();
    let ops = [
        plan::create_course("Author", &json!({"courseId": "R-1", "name": "One"}), at(1)).unwrap(),
        plan::request_copy(&live.ws, "Author", 1, &json!({"targetCourse": {"courseId": "R-2"}}), at(2), false).unwrap(),
        plan::update_course("Author", 4, &json!({"name": "Uno"}), at(3)).unwrap(),
        plan::request_copy(&live.ws, "Author", 2, &json!({"targetCourse": {"courseId": "R-3"}}), at(4), true).unwrap(),
    ];
    for (i, op) in ops.iter().enumerate() {
        let outcome = live.apply(op).unwrap();
        journal.commit(Some((op, live.describe(&outcome)))).unwrap();
        let step = Op::Step { budget: 3, at: at(10 + i as u64) };
        let Outcome::Worked { units, .. } = live.apply(&step).unwrap() else { panic!() };
        journal.buffer_step(step, units);
        if i == 1 {
            journal.snapshot(&live).unwrap();
        }
    }
    journal.flush().unwrap();
    crash(journal);
    let wal = std::fs::metadata(sidecar(&path, "-wal")).map(|m| m.len()).unwrap_or(0);
    assert!(wal > 0, "the crash left the records in the -wal file");
    let (_, replayed) = Journal::open(&path, &demo_keys(), || Err("not fresh".into())).unwrap();
    assert_eq!(replayed.ws, live.ws);
    assert_eq!(replayed.tasks, live.tasks);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Removes a data file and its sidecars.
fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// SRV-9, CNV-9: records of version 3 are typed and name workspace
/// users, so they replay whatever app keys the server starts with, none
/// at all included. Records of versions 1 and 2, which kept Learn's
/// bodies, still replay through the Learn parser: a version-2 record
/// names its user; a version-1 record (no `v`) its app key, read through
/// the server's app keys and named when they are missing; a version-2
/// record that names an app key is refused, as is a version not known.
#[test]
fn records_are_typed_and_old_versions_still_replay() {
    let path = temp("versions");
    let (mut journal, mut live) = Journal::open(&path, &demo_keys(), fresh).unwrap();
    let create = plan::create_course("Author", &json!({"courseId": "V-3", "name": "Three"}), at(1)).unwrap();
    let outcome = live.apply(&create).unwrap();
    journal.commit(Some((&create, live.describe(&outcome)))).unwrap();
    crash(journal);
    let (_, replayed) = Journal::open(&path, &[], || Err("not fresh".into())).unwrap();
    assert_eq!(replayed.ws, live.ws, "a version-3 record replays with no app key at all");

    // Records of versions 2 and 1 after it, as older servers wrote them.
    let (mut journal, mut live) = Journal::open(&path, &demo_keys(), || Err("not fresh".into())).unwrap();
    let body = json!({"targetCourse": {"courseId": "V-2"}, "mode": "Share", "copy": {"contentAreas": "true"}});
    let copy = plan::request_copy(&live.ws, "Author", 1, &body, at(2), false).unwrap();
    let outcome = live.apply(&copy).unwrap();
    let gave = live.describe(&outcome);
    journal.commit_text(&json!({"v": 2, "op": "request_copy", "user": "Author", "source": "_1_1", "body": body,
        "at": at(2), "fail": false, "gave": gave}));
    let body = json!({"courseId": "V-1", "name": "One", "availability": {"available": "No"}});
    let create = plan::create_course("Author", &body, at(3)).unwrap();
    let outcome = live.apply(&create).unwrap();
    let gave = live.describe(&outcome);
    journal.commit_text(&json!({"op": "create_course", "key": "author-key", "body": body, "at": at(3), "gave": gave}));
    crash(journal);
    let (_, replayed) = Journal::open(&path, &demo_keys(), || Err("not fresh".into())).unwrap();
    assert_eq!(replayed.ws, live.ws, "versions 2 and 1 replay through the Learn parser");
    assert_eq!(replayed.tasks, live.tasks);
    let err = Journal::open(&path, &[], || Err("not fresh".into())).err().unwrap().0;
    assert!(err.contains("journal record 3") && err.contains("version 1") && err.contains("--app-key"), "{err}");
    remove(&path);

    // A version-2 record may not name an app key; no server wrote a
    // version 9.
    for (record, why) in [
        (json!({"v": 2, "op": "delete_course", "key": "author-key", "course": "_1_1"}), "names an app key"),
        (json!({"v": 9, "op": "step", "budget": 1, "at": at(1)}), "version 9"),
    ] {
        let (mut journal, _) = Journal::open(&path, &demo_keys(), fresh).unwrap();
        journal.commit_text(&record);
        crash(journal);
        let err = Journal::open(&path, &demo_keys(), || Err("not fresh".into())).err().unwrap().0;
        assert!(err.contains("journal record 1") && err.contains(why), "{err}");
        remove(&path);
    }
}

/// A snapshot is due after `every` records and once the work they did
/// pays for writing one: records of small ops alone do not make a large
/// workspace snapshot each `every` records; copy work in proportion to its
/// size does. Snapshot costs then grow with the work, not its square.
#[test]
fn snapshots_are_due_in_proportion_to_the_workspace() {
    let path = temp("cadence");
    let (mut journal, live) = Journal::open(&path, &demo_keys(), fresh).unwrap();
    let pages = live.ws.counts().pages as u64;
    assert!(pages > 0);
    let rename = plan::update_course("Author", 1, &json!({"name": "N"}), at(1)).unwrap();
    // The demo's few pages are paid for by a few records' work.
    let needed = (pages * 8).div_ceil(RECORD_WORK);
    for n in 1..=needed {
        assert!(!journal.snapshot_due(1, 8), "{n} records: not enough work yet");
        journal.commit(Some((&rename, None))).unwrap();
    }
    assert!(journal.snapshot_due(needed, 8), "records and work enough");
    assert!(!journal.snapshot_due(needed + 1, 8), "fewer records than asked");
    // As if the last snapshot had been a thousand times larger.
    journal.snapshot_pages = pages * 1000;
    for _ in 0..3 {
        journal.commit(Some((&rename, None))).unwrap();
    }
    assert!(!journal.snapshot_due(2, 8), "records enough, but too little work for so large a snapshot");
    journal.buffer_step(Op::Step { budget: 1, at: at(2) }, pages * 1000 * 8);
    journal.flush().unwrap();
    assert!(journal.snapshot_due(2, 8), "work in proportion to the snapshot");
    assert!(journal.snapshot_due(2, 0), "with no work a page asked, records alone");
    journal.snapshot(&live).unwrap();
    assert!(!journal.snapshot_due(1, 8) && journal.snapshot_pages == pages, "a snapshot starts the count again");
    drop(journal);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// SRV-9: a record that does not apply stops the start, naming the
/// file and the record.
#[test]
fn srv9_a_record_that_does_not_apply_is_named() {
    let path = temp("bad-record");
    let (mut journal, _) = Journal::open(&path, &demo_keys(), fresh).unwrap();
    let bad = plan::update_course("Author", 99, &json!({}), at(1)).unwrap();
    journal.commit(Some((&bad, None))).unwrap();
    crash(journal);
    let err = Journal::open(&path, &demo_keys(), fresh).err().unwrap().0;
    assert!(err.contains(&path.display().to_string()) && err.contains("journal record 1"), "{err}");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }

    // A record that applies but assigns other ids than when written.
    let (mut journal, _) = Journal::open(&path, &demo_keys(), fresh).unwrap();
    let create = plan::create_course("Author", &json!({"courseId": "X", "name": "X"}), at(1)).unwrap();
    journal.commit(Some((&create, Some("_99_1 00".into())))).unwrap();
    crash(journal);
    let err = Journal::open(&path, &demo_keys(), fresh).err().unwrap().0;
    assert!(err.contains("journal record 1: gave"), "{err}");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// SRV-9 as a property: random sequences of ops, steps, snapshots, flushes
/// and a crash; replay always reaches the state of the last durable write.
mod replay_property {
    use super::*;
    use crate::demo::{demo_keys, demo_workspace};
    use crate::model::{CopySpec, Outcome};
    use coursecopy::Timestamp;
    use coursecopy::{CopySelection, DateShift, jiff::civil::date};
    use proptest::prelude::*;
    use serde_json::json;

    #[derive(Clone, Debug)]
    enum Action {
        Create(u8),
        Rename(u8, bool),
        Delete(u8),
        Copy {
            source: u8,
            target: u8,
            existing: bool,
            fail: bool,
            mode: u8,
        },
        Step(u8),
        /// A page edit by the Author, as the Canvas routes commit it: course
        /// and page by numeric id (some of them missing), a title (blank
        /// ones refused) and a body.
        EditPage {
            course: u8,
            page: u8,
            blank: bool,
        },
        /// A course change as the Canvas routes commit it (some zones
        /// unknown, some names blank: refused).
        ChangeCourse {
            course: u8,
            valid: bool,
        },
        /// A content migration as the Canvas routes commit it: some pick
        /// LOs or pages by numeric id, some shift dates, some wait for a
        /// selection, some fail by injection; some name missing courses.
        Migrate {
            source: u8,
            target: u8,
            pick: u8,
            shift: bool,
            select: bool,
            fail: bool,
        },
        /// The selection of a migration, by id (some not waiting, some
        /// missing).
        Select {
            migration: u8,
            pick: u8,
        },
        /// A migration cancelled by its progress (some waiting, some
        /// running, some ended, some missing).
        Cancel(u8),
        /// A course made or deleted as the Canvas routes commit them.
        NewCourse(bool),
        RemoveCourse(u8),
        /// Blueprint ops as the Canvas routes commit them, on courses 1
        /// to 4 mostly, so that templates, associations and syncs meet.
        Blueprint {
            course: u8,
            on: bool,
        },
        Associate {
            course: u8,
            add: u8,
            remove: bool,
        },
        Sync {
            course: u8,
            fail: bool,
        },
        Restrict {
            course: u8,
            page: u8,
            restricted: bool,
        },
        /// A migration issue resolved or made active (most migrations have
        /// none: refused).
        Issue {
            migration: u8,
            issue: u8,
            resolved: bool,
        },
        Flush,
        Snapshot,
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            2 => (0u8..6).prop_map(Action::Create),
            2 => (1u8..10, any::<bool>()).prop_map(|(c, valid)| Action::Rename(c, valid)),
            1 => (1u8..10).prop_map(Action::Delete),
            3 => (1u8..10, 0u8..8, any::<bool>(), proptest::bool::weighted(0.2), 0u8..3)
                .prop_map(|(source, target, existing, fail, mode)| Action::Copy { source, target, existing, fail, mode }),
            4 => (1u8..20).prop_map(Action::Step),
            2 => (1u8..10, 1u8..40, proptest::bool::weighted(0.2))
                .prop_map(|(course, page, blank)| Action::EditPage { course, page, blank }),
            1 => (1u8..10, proptest::bool::weighted(0.8)).prop_map(|(course, valid)| Action::ChangeCourse { course, valid }),
            2 => (1u8..10, 1u8..10, 0u8..4, any::<bool>(), proptest::bool::weighted(0.3), proptest::bool::weighted(0.1))
                .prop_map(|(source, target, pick, shift, select, fail)| Action::Migrate { source, target, pick, shift, select, fail }),
            1 => (1u8..8, 0u8..4).prop_map(|(migration, pick)| Action::Select { migration, pick }),
            1 => (1u8..8).prop_map(Action::Cancel),
            1 => any::<bool>().prop_map(Action::NewCourse),
            2 => (1u8..5, proptest::bool::weighted(0.8)).prop_map(|(course, on)| Action::Blueprint { course, on }),
            2 => (1u8..5, 1u8..8, proptest::bool::weighted(0.2))
                .prop_map(|(course, add, remove)| Action::Associate { course, add, remove }),
            2 => (1u8..5, proptest::bool::weighted(0.1)).prop_map(|(course, fail)| Action::Sync { course, fail }),
            1 => (1u8..5, 1u8..12, any::<bool>())
                .prop_map(|(course, page, restricted)| Action::Restrict { course, page, restricted }),
            1 => (1u8..12).prop_map(Action::RemoveCourse),
            1 => (1u8..8, 0u8..3, any::<bool>()).prop_map(|(migration, issue, resolved)| Action::Issue { migration, issue, resolved }),
            1 => Just(Action::Flush),
            1 => Just(Action::Snapshot),
        ]
    }

    /// What a migration copies: everything, some LOs, some pages, or a
    /// category selection without content.
    fn spec(pick: u8, shift: bool) -> CopySpec {
        let mut spec = match pick {
            0 => CopySpec::default(),
            1 => CopySpec { los: Some(vec![1, 3, 5]), ..CopySpec::default() },
            2 => CopySpec { los: Some(vec![2]), pages: vec![2, 5, 9, 40], ..CopySpec::default() },
            _ => {
                let mut selection = CopySelection::nothing();
                selection.assessments = true;
                CopySpec { selection, ..CopySpec::default() }
            }
        };
        if shift {
            let [a, b, c, d] = [date(2027, 9, 6), date(2027, 12, 17), date(2028, 9, 4), date(2028, 12, 15)];
            spec.date_shift = DateShift::by_range_dates(a, b, c, d);
        }
        spec
    }

    /// The ops of migrations and blueprints.
    fn canvas_op(action: &Action, at: Timestamp) -> Option<Op> {
        Some(match action {
            Action::Blueprint { course, on } => {
                Op::SetBlueprint { user: "Author".into(), course: u64::from(*course), on: *on, lock_content: None }
            }
            Action::Associate { course, add, remove } => {
                let (add, remove) =
                    if *remove { (vec![], vec![u64::from(*add)]) } else { (vec![u64::from(*add)], vec![]) };
                Op::Associate { user: "Author".into(), course: u64::from(*course), add, remove }
            }
            Action::Sync { course, fail } => {
                Op::StartSync { user: "Author".into(), course: u64::from(*course), comment: None, at, fail: *fail }
            }
            Action::Issue { migration, issue, resolved } => Op::SetIssueState {
                user: "Author".into(),
                migration: u64::from(*migration),
                issue: u64::from(*issue),
                resolved: *resolved,
            },
            Action::Restrict { course, page, restricted } => Op::RestrictPage {
                user: "Author".into(),
                course: u64::from(*course),
                page: u64::from(*page),
                restricted: *restricted,
                content: None,
            },
            Action::Migrate { source, target, pick, shift, select, fail } => Op::StartMigration {
                user: "Author".into(),
                source: u64::from(*source),
                target: u64::from(*target),
                spec: spec(*pick, *shift),
                select: *select,
                at,
                fail: *fail,
            },
            Action::Cancel(migration) => Op::CancelMigration {
                user: "Author".into(),
                migration: u64::from(*migration),
                message: (migration % 2 == 0).then(|| "cancelled in the property".into()),
                at,
            },
            Action::Select { migration, pick } => Op::SelectMigration {
                user: "Author".into(),
                migration: u64::from(*migration),
                spec: spec(*pick, false),
                at,
                fail: false,
            },
            _ => return None,
        })
    }

    /// Learn's ops as its handlers plan them, with the body they send;
    /// `None` when the plan refuses it (nothing changes then).
    fn learn_op(action: &Action, at: Timestamp, model: &Model) -> Option<(Op, Value)> {
        let (op, body) = match action {
            Action::Create(n) => {
                let body = json!({"courseId": format!("P-{n}"), "name": "P"});
                (plan::create_course("Author", &body, at), body)
            }
            Action::Rename(c, valid) => {
                let body = json!({"name": if *valid { format!("name {at}") } else { String::new() }});
                (plan::update_course("Author", u64::from(*c), &body, at), body)
            }
            Action::Delete(c) => (Ok(Op::RemoveCourse { user: "Author".into(), course: u64::from(*c) }), Value::Null),
            Action::Copy { source, target, existing, fail, mode } => {
                let target = if *existing {
                    json!({"id": format!("_{target}_1")})
                } else {
                    json!({"courseId": format!("T-{target}")})
                };
                let mode = ["Share", "Duplicate", "Linked"][usize::from(*mode % 3)];
                let body = json!({"targetCourse": target, "mode": mode});
                (plan::request_copy(&model.ws, "Author", u64::from(*source), &body, at, *fail), body)
            }
            _ => return None,
        };
        Some((op.ok()?, body))
    }

    /// The text of `op` as a version-2 record kept it: Learn's body as
    /// sent, courses by Learn id.
    fn version_2_text(op: &Op, body: Value, at: Timestamp, gave: Option<String>) -> Value {
        let mut text = match op {
            Op::CreateCourse { .. } => json!({"op": "create_course", "body": body, "at": at}),
            Op::UpdateCourse { course, .. } => {
                json!({"op": "update_course", "course": format!("_{course}_1"), "body": body, "at": at})
            }
            Op::RemoveCourse { course, .. } => json!({"op": "delete_course", "course": format!("_{course}_1")}),
            Op::RequestCopy { source, fail, .. } => {
                json!({"op": "request_copy", "source": format!("_{source}_1"), "body": body, "at": at, "fail": fail})
            }
            other => serde_json::to_value(other).unwrap(),
        };
        text["v"] = json!(2);
        text["user"] = json!("Author");
        if let Some(gave) = gave {
            text["gave"] = json!(gave);
        }
        text
    }

    fn op(action: &Action, t: i64) -> Option<Op> {
        let at = Timestamp::from_unix_millis(1_800_000_000_000 + t * 1000);
        Some(match action {
            Action::Step(budget) => Op::Step { budget: u64::from(*budget), at },
            Action::EditPage { course, page, blank } => Op::EditPage {
                user: "Author".into(),
                course: u64::from(*course),
                page: u64::from(*page),
                title: Some(if *blank { " ".into() } else { format!("title {t}") }),
                body: Some(format!("body {t}")),
            },
            Action::ChangeCourse { course, valid } => Op::ChangeCourse {
                user: "Author".into(),
                course: u64::from(*course),
                title: Some(if *valid { format!("course {t}") } else { String::new() }),
                course_code: Some(format!("C{t}")),
                external_id: None,
                time_zone: Some(if *valid { "Europe/Berlin" } else { "Mars/Olympus" }.into()),
                availability: (t % 3 == 0).then(|| "Disabled".into()),
                // Some move the start alone, some set a range (a few
                // ending before they start: refused).
                start: (t % 2 == 0).then(|| Timestamp::from_unix_millis(1_800_000_000_000 + t * 7_000_000)),
                end: (t % 4 == 1).then(|| Timestamp::from_unix_millis(1_805_000_000_000 - t * 9_000_000)),
                at,
            },
            Action::NewCourse(dated) => Op::NewCourse {
                user: "Author".into(),
                prefix: "canvas".into(),
                fields: crate::model::CourseFields {
                    title: format!("new {t}"),
                    course_code: Some(format!("N{t}")),
                    start: dated.then(|| Timestamp::from_unix_millis(1_800_000_000_000)),
                    end: dated.then(|| Timestamp::from_unix_millis(1_810_000_000_000)),
                    ..Default::default()
                },
                at,
            },
            Action::RemoveCourse(c) => Op::RemoveCourse { user: "Author".into(), course: u64::from(*c) },
            Action::Create(_) | Action::Rename(..) | Action::Delete(_) | Action::Copy { .. } => return None,
            Action::Blueprint { .. }
            | Action::Associate { .. }
            | Action::Sync { .. }
            | Action::Restrict { .. }
            | Action::Migrate { .. }
            | Action::Select { .. }
            | Action::Cancel(_)
            | Action::Issue { .. } => canvas_op(action, at)?,
            Action::Flush | Action::Snapshot => return None,
        })
    }

    /// Everything of a model an op may change.
    type State = (
        coursecopy::Workspace,
        std::collections::BTreeMap<String, crate::model::Accepted>,
        std::collections::BTreeMap<u64, crate::migrations::Migration>,
        u64,
        std::collections::BTreeMap<u64, crate::blueprints::Template>,
        std::collections::BTreeMap<u64, crate::blueprints::Sync>,
    );

    fn state_of(model: &Model) -> State {
        let m = model.clone();
        (m.ws, m.tasks, m.migrations, m.next_job_id, m.templates, m.syncs)
    }

    fn db(n: u64) -> PathBuf {
        let dir = if Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        dir.join(format!("coursecopy-prop-{}-{n}-{nanos}.db", std::process::id()))
    }

    fn cases() -> u32 {
        std::env::var("COURSECOPY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases()))]

        /// SRV-9, CNV-9: after any sequence, a restart (a crash: buffered
        /// steps unwritten) replays to exactly the model as of its last
        /// durable write, sound; no record fails to apply. The sequences
        /// hold Learn's ops and the Canvas routes' page edits, course
        /// changes, course creates and deletes, content migrations and
        /// their selections, blueprints, associations, syncs and
        /// restrictions.
        #[test]
        fn srv9_replay_reaches_the_last_durable_state(actions in proptest::collection::vec(action(), 1..40)) {
            static RUN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let path = db(RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
            let fresh = || Model::new(demo_workspace().map_err(|e| e.to_string())?, &demo_keys());
            let (mut journal, mut live) = Journal::open(&path, &demo_keys(), fresh).unwrap();
            let mut durable = live.clone();
            for (t, action) in actions.iter().enumerate() {
                let at = Timestamp::from_unix_millis(1_800_000_000_000 + t as i64 * 1000);
                if let Some((op, body)) = learn_op(action, at, &live) {
                    // Every other one written as a version-2 record (Learn's
                    // body), as an older server wrote it.
                    let before = state_of(&live);
                    match live.apply(&op) {
                        Ok(outcome) if t % 2 == 0 => {
                            journal.commit_text(&version_2_text(&op, body, at, live.describe(&outcome)));
                            durable = live.clone();
                        }
                        Ok(outcome) => {
                            journal.commit(Some((&op, live.describe(&outcome)))).unwrap();
                            durable = live.clone();
                        }
                        Err(_) => prop_assert!(state_of(&live) == before, "a refused Learn op changed the model"),
                    }
                    continue;
                }
                match (action, op(action, t as i64)) {
                    (Action::Flush, _) => {
                        journal.flush().unwrap();
                        durable = live.clone();
                    }
                    (Action::Snapshot, _) => {
                        journal.snapshot(&live).unwrap();
                        durable = live.clone();
                    }
                    (_, Some(step @ Op::Step { .. })) => {
                        if let Ok(Outcome::Worked { units, changed }) = live.apply(&step)
                            && (units > 0 || changed)
                        {
                            journal.buffer_step(step, units);
                        }
                    }
                    (_, Some(op)) => {
                        // A refused op changes nothing and is not written.
                        let before = state_of(&live);
                        match live.apply(&op) {
                            Ok(outcome) => {
                                journal.commit(Some((&op, live.describe(&outcome)))).unwrap();
                                durable = live.clone();
                            }
                            Err(_) => prop_assert!(state_of(&live) == before, "a refused op changed the model: {:?}", op),
                        }
                    }
                    (_, None) => {}
                }
            }
            super::crash(journal);
            let (_, replayed) = Journal::open(&path, &demo_keys(), || Err("the file exists".into())).unwrap();
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            prop_assert_eq!(&replayed.ws, &durable.ws);
            prop_assert_eq!(&replayed.tasks, &durable.tasks);
            prop_assert_eq!(&replayed.migrations, &durable.migrations);
            prop_assert_eq!(replayed.next_job_id, durable.next_job_id);
            prop_assert_eq!(&replayed.templates, &durable.templates);
            prop_assert_eq!(&replayed.syncs, &durable.syncs);
            prop_assert!(replayed.ws.check_integrity().is_ok());
        }
    }
}
