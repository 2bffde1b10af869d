//! The durable store: one SQLite database (WAL, `synchronous=FULL`) with
//! the last snapshot (the saved workspace, in the library's format, and the task book)
//! and the journal of ops applied since (SRV-9).
//!
//! A change is committed as a journal record before it is answered. The
//! runner's steps are kept in memory and written in the same transaction
//! as the next change, or by [`Journal::flush`] before a task's end is
//! reported: a crash loses only steps nobody was told about, and the copy
//! they belonged to resumes from the last written one. A copy's end is
//! not a record of its own: it is the step that ended it, written (and
//! flushed) before the end is reported, and replay finds it there again.

use crate::demo::AppKey;
use crate::model::{Accepted, Model, Op};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The journal of one database file.
pub struct Journal {
    path: PathBuf,
    db: Connection,
    /// The sequence number of the last written record.
    seq: i64,
    /// Records since the snapshot.
    since_snapshot: u64,
    /// Steps applied but not written yet.
    steps: Vec<Record>,
}

/// A journal record: an op, and what it assigned when it was applied
/// (ids, uuids, units), which replay must assign again.
#[derive(Serialize, Deserialize)]
struct Record {
    #[serde(flatten)]
    op: Op,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gave: Option<String>,
}

/// The task book as a snapshot keeps it.
#[derive(Serialize, Deserialize)]
struct SavedTask {
    id: String,
    target: String,
    ended: Option<coursecopy::Timestamp>,
}

/// Why the database cannot be used. Names the file and, for a record that
/// does not apply, its sequence number.
#[derive(Debug)]
pub struct JournalError(pub String);

impl std::fmt::Display for JournalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JournalError {}

impl Journal {
    fn err(&self, what: impl std::fmt::Display) -> JournalError {
        JournalError(format!("{}: {what}", self.path.display()))
    }

    /// Opens `path`, checks it, and gives the model it holds: the last
    /// snapshot with the journal replayed on it. A new file is started
    /// from `fresh()`.
    ///
    /// # Errors
    /// A file SQLite cannot open or that fails its integrity check, a
    /// snapshot that does not load, a record that does not apply.
    pub fn open(
        path: &Path,
        keys: &[AppKey],
        fresh: impl FnOnce() -> Result<Model, String>,
    ) -> Result<(Journal, Model), JournalError> {
        let named = |e: &dyn std::fmt::Display| JournalError(format!("{}: {e}", path.display()));
        let db = Connection::open(path).map_err(|e| named(&e))?;
        let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| named(&e))?;
        if check != "ok" {
            return Err(named(&format!("fails SQLite's integrity check: {check}")));
        }
        db.execute_batch(
            "PRAGMA journal_mode=WAL;
             PRAGMA synchronous=FULL;
             CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, workspace TEXT NOT NULL, tasks TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, record TEXT NOT NULL);",
        )
        .map_err(|e| named(&e))?;
        let mut journal = Journal { path: path.to_path_buf(), db, seq: 0, since_snapshot: 0, steps: Vec::new() };
        let row: Option<(i64, String, String)> = journal
            .db
            .query_row("SELECT seq, workspace, tasks FROM snapshot WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(|e| journal.err(e))?;
        let Some((seq, workspace, tasks)) = row else {
            let model = fresh().map_err(|e| journal.err(e))?;
            journal.snapshot(&model)?;
            return Ok((journal, model));
        };
        let mut model = journal.load_snapshot(&workspace, &tasks, keys)?;
        journal.seq = seq;
        let records: Vec<(i64, String)> = {
            let mut stmt = journal
                .db
                .prepare("SELECT seq, record FROM journal WHERE seq > ?1 ORDER BY seq")
                .map_err(|e| journal.err(e))?;
            let rows = stmt.query_map([seq], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| journal.err(e))?;
            rows.collect::<Result<_, _>>().map_err(|e| journal.err(e))?
        };
        for (seq, text) in records {
            let record: Record =
                serde_json::from_str(&text).map_err(|e| journal.err(format!("journal record {seq}: {e}")))?;
            let outcome = model
                .apply(&record.op)
                .map_err(|e| journal.err(format!("journal record {seq} does not apply: {e:?}")))?;
            let gave = model.describe(&outcome);
            if gave != record.gave {
                return Err(journal.err(format!(
                    "journal record {seq} gave {:?} when it was written and {gave:?} on replay",
                    record.gave
                )));
            }
            journal.seq = seq;
            journal.since_snapshot += 1;
        }
        Ok((journal, model))
    }

    fn load_snapshot(&self, workspace: &str, tasks: &str, keys: &[AppKey]) -> Result<Model, JournalError> {
        let snapshot = SnapshotParts::read(workspace, tasks).map_err(|e| self.err(format!("snapshot: {e}")))?;
        snapshot.into_model(keys).map_err(|e| self.err(format!("snapshot: {e}")))
    }

    /// Writes the buffered steps and `op` (with what it assigned) in one
    /// transaction.
    ///
    /// # Errors
    /// SQLite's.
    pub fn commit(&mut self, op: Option<(&Op, Option<String>)>) -> Result<(), JournalError> {
        if op.is_none() && self.steps.is_empty() {
            return Ok(());
        }
        let mut records = Vec::with_capacity(self.steps.len() + 1);
        for step in &self.steps {
            records.push(serde_json::to_string(step).map_err(|e| self.err(e))?);
        }
        if let Some((op, gave)) = op {
            let record = Record { op: op.clone(), gave };
            records.push(serde_json::to_string(&record).map_err(|e| self.err(e))?);
        }
        let tx = self.db.transaction().map_err(|e| JournalError(e.to_string()))?;
        let mut seq = self.seq;
        for record in &records {
            seq += 1;
            tx.execute("INSERT INTO journal (seq, record) VALUES (?1, ?2)", params![seq, record])
                .map_err(|e| JournalError(e.to_string()))?;
        }
        tx.commit().map_err(|e| self.err(e))?;
        self.since_snapshot += (seq - self.seq).unsigned_abs();
        self.seq = seq;
        self.steps.clear();
        Ok(())
    }

    /// Keeps a step, and the units it did, to write with the next commit.
    pub fn buffer_step(&mut self, op: Op, units: u64) {
        self.steps.push(Record { op, gave: Some(units.to_string()) });
    }

    /// Writes the buffered steps.
    ///
    /// # Errors
    /// SQLite's.
    pub fn flush(&mut self) -> Result<(), JournalError> {
        self.commit(None)
    }

    /// Whether a snapshot is due.
    pub fn snapshot_due(&self, every: u64) -> bool {
        every > 0 && self.since_snapshot >= every
    }

    /// Replaces the snapshot with `model` and empties the journal, in one
    /// transaction. Buffered steps are part of `model`, so they are dropped.
    ///
    /// # Errors
    /// SQLite's, or a workspace that does not serialise.
    pub fn snapshot(&mut self, model: &Model) -> Result<(), JournalError> {
        let (workspace, tasks) = SnapshotParts::write(model).map_err(|e| self.err(e))?;
        let tx = self.db.transaction().map_err(|e| JournalError(e.to_string()))?;
        tx.execute(
            "INSERT OR REPLACE INTO snapshot (id, seq, workspace, tasks) VALUES (1, ?1, ?2, ?3)",
            params![self.seq + self.steps.len() as i64, workspace, tasks],
        )
        .map_err(|e| JournalError(e.to_string()))?;
        tx.execute("DELETE FROM journal", []).map_err(|e| JournalError(e.to_string()))?;
        tx.commit().map_err(|e| self.err(e))?;
        self.seq += self.steps.len() as i64;
        self.steps.clear();
        self.since_snapshot = 0;
        Ok(())
    }
}

/// A model in its saved parts: the saved workspace and the task book.
pub struct SnapshotParts {
    ws: coursecopy::Workspace,
    tasks: Vec<SavedTask>,
}

impl SnapshotParts {
    fn read(workspace: &str, tasks: &str) -> Result<SnapshotParts, String> {
        let ws: coursecopy::Workspace = serde_json::from_str(workspace).map_err(|e| e.to_string())?;
        ws.check_integrity().map_err(|e| e.to_string())?;
        let saved: SavedBook = serde_json::from_str(tasks).map_err(|e| format!("tasks: {e}"))?;
        Ok(SnapshotParts { ws, tasks: saved.tasks })
    }

    fn write(model: &Model) -> Result<(String, String), String> {
        let workspace = serde_json::to_string(&model.ws).map_err(|e| e.to_string())?;
        let tasks = model
            .tasks
            .iter()
            .map(|(id, t)| SavedTask { id: id.clone(), target: t.target.clone(), ended: t.ended })
            .collect();
        let book = SavedBook { tasks };
        Ok((workspace, serde_json::to_string(&book).map_err(|e| e.to_string())?))
    }

    fn into_model(self, keys: &[AppKey]) -> Result<Model, String> {
        let ids: std::collections::BTreeMap<String, coursecopy::TaskKey> =
            self.ws.tasks().filter_map(|k| self.ws.task_status(k).ok().map(|s| (s.id, k))).collect();
        let mut tasks = std::collections::BTreeMap::new();
        for t in self.tasks {
            let key = *ids.get(&t.id).ok_or_else(|| format!("tasks: {} is not in the workspace", t.id))?;
            tasks.insert(t.id, Accepted { key, target: t.target, ended: t.ended });
        }
        let mut model = Model::new(self.ws, keys)?;
        model.tasks.extend(tasks);
        Ok(model)
    }
}

#[derive(Serialize, Deserialize)]
struct SavedBook {
    tasks: Vec<SavedTask>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{demo_keys, demo_workspace};
    use crate::model::Outcome;
    use coursecopy::Timestamp;
    use serde_json::json;

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

    /// SRV-9: replaying the journal on the snapshot reaches the state the
    /// live model reached, steps and their times included, without the
    /// clock; records written after a snapshot replay on it.
    #[test]
    fn srv9_replay_reaches_the_same_state() {
        let path = temp("replay");
        let (mut journal, mut live) = Journal::open(&path, &demo_keys(), fresh).unwrap();
        let key = "author-key".to_string();
        let ops = [
            Op::CreateCourse { key: key.clone(), body: json!({"courseId": "R-1", "name": "One"}), at: at(1) },
            Op::RequestCopy {
                key: key.clone(),
                source: "_1_1".into(),
                body: json!({"targetCourse": {"courseId": "R-2"}}),
                at: at(2),
                fail: false,
            },
            Op::UpdateCourse { key: key.clone(), course: "_4_1".into(), body: json!({"name": "Uno"}), at: at(3) },
            Op::RequestCopy {
                key: key.clone(),
                source: "_2_1".into(),
                body: json!({"targetCourse": {"courseId": "R-3"}}),
                at: at(4),
                fail: true,
            },
        ];
        for (i, op) in ops.iter().enumerate() {
            let outcome = live.apply(op).unwrap();
            journal.commit(Some((op, live.describe(&outcome)))).unwrap();
            let step = Op::Step { budget: 3, at: at(10 + i as u64) };
            let Outcome::Worked(units) = live.apply(&step).unwrap() else { panic!() };
            journal.buffer_step(step, units);
            if i == 1 {
                journal.snapshot(&live).unwrap();
            }
        }
        journal.flush().unwrap();
        drop(journal);
        let (_, replayed) = Journal::open(&path, &demo_keys(), || Err("not fresh".into())).unwrap();
        assert_eq!(replayed.ws, live.ws);
        assert_eq!(replayed.tasks, live.tasks);
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
        let bad = Op::UpdateCourse { key: "author-key".into(), course: "_99_1".into(), body: json!({}), at: at(1) };
        journal.commit(Some((&bad, None))).unwrap();
        drop(journal);
        let err = Journal::open(&path, &demo_keys(), fresh).err().unwrap().0;
        assert!(err.contains(&path.display().to_string()) && err.contains("journal record 1"), "{err}");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }

        // A record that applies but assigns other ids than when written.
        let (mut journal, _) = Journal::open(&path, &demo_keys(), fresh).unwrap();
        let create =
            Op::CreateCourse { key: "author-key".into(), body: json!({"courseId": "X", "name": "X"}), at: at(1) };
        journal.commit(Some((&create, Some("_99_1 00".into())))).unwrap();
        drop(journal);
        let err = Journal::open(&path, &demo_keys(), fresh).err().unwrap().0;
        assert!(err.contains("journal record 1 gave"), "{err}");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

/// SRV-9 as a property: random sequences of ops, steps, snapshots, flushes
/// and a crash; replay always reaches the state of the last durable write.
#[cfg(test)]
mod replay_property {
    use super::*;
    use crate::demo::{demo_keys, demo_workspace};
    use crate::model::Outcome;
    use coursecopy::Timestamp;
    use proptest::prelude::*;
    use serde_json::json;

    #[derive(Clone, Debug)]
    enum Action {
        Create(u8),
        Rename(u8, bool),
        Delete(u8),
        Copy { source: u8, target: u8, existing: bool, fail: bool, mode: u8 },
        Step(u8),
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
            1 => Just(Action::Flush),
            1 => Just(Action::Snapshot),
        ]
    }

    fn op(action: &Action, t: i64) -> Option<Op> {
        let at = Timestamp::from_unix_millis(1_800_000_000_000 + t * 1000);
        let key = "author-key".to_string();
        Some(match action {
            Action::Create(n) => Op::CreateCourse { key, body: json!({"courseId": format!("P-{n}"), "name": "P"}), at },
            Action::Rename(c, valid) => {
                let name = if *valid { json!(format!("name {t}")) } else { json!("") };
                Op::UpdateCourse { key, course: format!("_{c}_1"), body: json!({"name": name}), at }
            }
            Action::Delete(c) => Op::DeleteCourse { key, course: format!("_{c}_1") },
            Action::Copy { source, target, existing, fail, mode } => {
                let target = if *existing {
                    json!({"id": format!("_{target}_1")})
                } else {
                    json!({"courseId": format!("T-{target}")})
                };
                let mode = ["Share", "Duplicate", "Linked"][usize::from(*mode % 3)];
                Op::RequestCopy {
                    key,
                    source: format!("_{source}_1"),
                    body: json!({"targetCourse": target, "mode": mode}),
                    at,
                    fail: *fail,
                }
            }
            Action::Step(budget) => Op::Step { budget: u64::from(*budget), at },
            Action::Flush | Action::Snapshot => return None,
        })
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

        /// SRV-9: after any sequence, a restart (a crash: buffered steps
        /// unwritten) replays to exactly the model as of its last durable
        /// write, sound; no record fails to apply.
        #[test]
        fn srv9_replay_reaches_the_last_durable_state(actions in proptest::collection::vec(action(), 1..40)) {
            static RUN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let path = db(RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
            let fresh = || Model::new(demo_workspace().map_err(|e| e.to_string())?, &demo_keys());
            let (mut journal, mut live) = Journal::open(&path, &demo_keys(), fresh).unwrap();
            let mut durable = live.clone();
            for (t, action) in actions.iter().enumerate() {
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
                        if let Ok(Outcome::Worked(units)) = live.apply(&step)
                            && units > 0
                        {
                            journal.buffer_step(step, units);
                        }
                    }
                    (_, Some(op)) => {
                        // A refused op changes nothing and is not written.
                        let before = live.ws.clone();
                        match live.apply(&op) {
                            Ok(outcome) => {
                                journal.commit(Some((&op, live.describe(&outcome)))).unwrap();
                                durable = live.clone();
                            }
                            Err(_) => prop_assert_eq!(&live.ws, &before),
                        }
                    }
                    (_, None) => {}
                }
            }
            drop(journal);
            let (_, replayed) = Journal::open(&path, &demo_keys(), || Err("the file exists".into())).unwrap();
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            prop_assert_eq!(&replayed.ws, &durable.ws);
            prop_assert_eq!(&replayed.tasks, &durable.tasks);
            prop_assert!(replayed.ws.check_integrity().is_ok());
        }
    }
}
