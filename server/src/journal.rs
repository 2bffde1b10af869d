//! The durable store: one SQLite database (WAL, `synchronous=FULL`) with
//! the last snapshot (the saved workspace, format 2, and the task book)
//! and the journal of ops applied since (SRV-9).
//!
//! A change is committed as a journal record before it is answered. The
//! runner's steps are kept in memory and written in the same transaction
//! as the next change, or by [`Journal::flush`] before a task's end is
//! reported: a crash loses only steps nobody was told about, and the copy
//! they belonged to resumes from the last written one.

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
    steps: Vec<Op>,
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
            let op: Op = serde_json::from_str(&text).map_err(|e| journal.err(format!("journal record {seq}: {e}")))?;
            model.apply(&op).map_err(|e| journal.err(format!("journal record {seq} does not apply: {e:?}")))?;
            journal.seq = seq;
            journal.since_snapshot += 1;
        }
        Ok((journal, model))
    }

    fn load_snapshot(&self, workspace: &str, tasks: &str, keys: &[AppKey]) -> Result<Model, JournalError> {
        let snapshot = SnapshotParts::read(workspace, tasks).map_err(|e| self.err(format!("snapshot: {e}")))?;
        snapshot.into_model(keys).map_err(|e| self.err(format!("snapshot: {e}")))
    }

    /// Writes the buffered steps and `op` in one transaction.
    ///
    /// # Errors
    /// SQLite's.
    pub fn commit(&mut self, op: Option<&Op>) -> Result<(), JournalError> {
        if op.is_none() && self.steps.is_empty() {
            return Ok(());
        }
        let mut records = Vec::with_capacity(self.steps.len() + 1);
        for step in self.steps.iter().chain(op) {
            records.push(serde_json::to_string(step).map_err(|e| self.err(e))?);
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

    /// Keeps a step to write with the next commit.
    pub fn buffer_step(&mut self, op: Op) {
        self.steps.push(op);
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

/// A model in its saved parts: the workspace (format 2) and the task book.
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
