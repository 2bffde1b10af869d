//! The durable store: one SQLite database (WAL, `synchronous=FULL`,
//! exclusive locking) with the last snapshot (the saved workspace, in the
//! library's format, and the task book) and the journal of ops applied
//! since (SRV-9), each with its checksum (SRV-12).
//!
//! A change is committed as a journal record before it is answered. The
//! runner's steps are kept in memory and written in the same transaction
//! as the next change, or by [`Journal::flush`] before a task's end is
//! reported: a crash loses only steps nobody was told about, and the copy
//! they belonged to resumes from the last written one. A copy's end is
//! not a record of its own: it is the step that ended it, written (and
//! flushed) before the end is reported, and replay finds it there again.
//!
//! Nothing about a file is guessed (SRV-12). A path where no file exists
//! gets a new database, built beside it and linked into place only once
//! complete. An existing file is first locked against other servers
//! ([`lock`]) and checked read-only ([`check`]); it is opened for writing,
//! and migrated from an older schema version ([`schema`]), only once it
//! passed. A journal record is deleted only in the transaction that writes
//! the snapshot replacing it.

mod check;
mod schema;
mod snapshot;
mod wal;

pub use check::{ProblemKind, inspect};

use crate::demo::AppKey;
use crate::learn::legacy::LearnOp;
use crate::model::{Model, Op};
use rusqlite::{Connection, OpenFlags, params};
use serde::{Deserialize, Serialize};
use snapshot::SnapshotParts;
use std::path::{Path, PathBuf};

/// The journal of one database file.
pub struct Journal {
    path: PathBuf,
    db: Connection,
    /// The exclusive lock on the file, held as long as the journal lives.
    _lock: Option<std::fs::File>,
    /// The sequence number of the last written record.
    seq: i64,
    /// Records since the snapshot.
    since_snapshot: u64,
    /// What replaying the records since the snapshot would cost, in units
    /// of copy work ([`replay_work`]).
    work_since_snapshot: u64,
    /// The size of the last snapshot, in pages: what writing the next one
    /// costs, roughly.
    snapshot_pages: u64,
    /// Steps applied but not written yet.
    steps: Vec<(Op, u64)>,
    /// Their units of work.
    steps_work: u64,
}

/// What replaying a journal record costs, in units of copy work (about a
/// page each): a step's own units; any other record (a request, a
/// PATCH), as much as [`RECORD_WORK`] units, for reading and checking it.
const RECORD_WORK: u64 = 64;

// How much replay work a snapshot's pages buy is the server's
// `--snapshot-work-per-page` (8 by default). Writing or loading a page
// costs about as much as 30 to 80 units of copy work (a microsecond or two
// against some 30 ns), so at 8 a reopen replays in a fraction of the time
// it takes to load the snapshot, and the snapshots written over a run
// cost a bounded share of the work they follow.

/// A journal record: an op, and what it assigned when it was applied
/// (ids, uuids, units), which replay must assign again; with its version.
///
/// - Version 1 (no `v`): Learn's ops keep the client's body as sent and
///   name the app key they came through (`"key"`), read through the app
///   keys the server starts with.
/// - Version 2: as 1, but every op names the workspace user (`"user"`);
///   a version-2 record that names a key is refused.
/// - Version 3: every op is typed and API-neutral ([`Op`]): Learn's carry
///   the library's request types, not the body.
///
/// Learn's ops of versions 1 and 2 are read through the Learn parser
/// ([`crate::learn::legacy`]).
#[derive(Serialize)]
struct Record<'a> {
    v: u32,
    #[serde(flatten)]
    op: &'a Op,
    #[serde(skip_serializing_if = "Option::is_none")]
    gave: Option<String>,
}

/// The version records are written in.
const RECORD_VERSION: u32 = 3;

/// A record of the current version, as read.
#[derive(Deserialize)]
struct CurrentRecord {
    v: u32,
    #[serde(flatten)]
    op: Op,
    #[serde(default)]
    gave: Option<String>,
}

/// A record's version alone.
#[derive(Deserialize)]
struct Version {
    #[serde(default = "first_version")]
    v: u32,
}

/// A record of version 1 or 2, as read.
#[derive(Deserialize)]
struct OldRecord {
    #[serde(flatten)]
    op: OldOp,
    #[serde(default)]
    gave: Option<String>,
}

/// An op of version 1 or 2: one of Learn's, or one that is written the
/// same way now.
#[derive(Deserialize)]
#[serde(untagged)]
enum OldOp {
    Learn(LearnOp),
    Same(Op),
}

fn first_version() -> u32 {
    1
}

/// An op as a record keeps it.
pub(crate) enum StoredOp {
    /// Of the current form.
    Op(Op),
    /// One of Learn's, of version 1 or 2: read it against the model it
    /// replays onto ([`LearnOp::to_op`]).
    Learn(LearnOp),
}

/// Reads a record's text: its op and what it gave; what is wrong
/// otherwise (it does not parse, or its version is unknown or does not
/// allow what it holds).
pub(crate) fn read_record(text: &str) -> Result<(StoredOp, Option<String>), String> {
    let current = match serde_json::from_str::<CurrentRecord>(text) {
        Ok(record) if record.v == RECORD_VERSION => return Ok((StoredOp::Op(record.op), record.gave)),
        other => other.err(),
    };
    let version = serde_json::from_str::<Version>(text).map_err(|e| format!("does not parse: {e}"))?.v;
    if version == RECORD_VERSION {
        return Err(format!("does not parse: {}", current.map(|e| e.to_string()).unwrap_or_default()));
    }
    if !(1..RECORD_VERSION).contains(&version) {
        return Err(format!(
            "is of version {version}, which this server does not know (it reads 1 to {RECORD_VERSION})"
        ));
    }
    let old = serde_json::from_str::<OldRecord>(text).map_err(|e| format!("does not parse: {e}"))?;
    let op = match old.op {
        OldOp::Learn(op) if version == 2 && op.names_app_key() => {
            return Err("is of version 2 and names an app key, which only version 1 may".into());
        }
        OldOp::Learn(op) => StoredOp::Learn(op),
        OldOp::Same(op) => StoredOp::Op(op),
    };
    Ok((op, old.gave))
}

/// Why the database cannot be used. Names the file and, for a record that
/// is missing, damaged or does not replay, its sequence number.
#[derive(Debug)]
pub struct JournalError(pub String);

impl std::fmt::Display for JournalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JournalError {}

/// How a data file is locked: a server holds it exclusively, `check`
/// shares it with other checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lock {
    /// A server's: no other server or check while it runs.
    Exclusive,
    /// A check's: no server starts meanwhile.
    Shared,
}

/// Locks the file at `path` (an advisory lock of the operating system,
/// released when the handle closes or the process ends, SIGKILL
/// included), so that a server is alone on its file and a check never
/// reads a file being written. Gives the handle that holds the lock; on a
/// platform without such locks (not Unix), none is taken.
///
/// # Errors
/// The file is held in a way that excludes this lock, or cannot be
/// opened; the message says which.
pub fn lock(path: &Path, how: Lock) -> Result<Option<std::fs::File>, String> {
    #[cfg(unix)]
    {
        let file = std::fs::File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
        let taken = match how {
            Lock::Exclusive => file.try_lock(),
            Lock::Shared => file.try_lock_shared(),
        };
        match taken {
            Ok(()) => Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => Err(match how {
                Lock::Exclusive => "is held by another coursecopy-server, or a check of it is running".into(),
                Lock::Shared => "is held by a running coursecopy-server: stop it first".into(),
            }),
            Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot be locked: {e}")),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (path, how);
        Ok(None)
    }
}

/// The file beside `path` with `suffix` added to its name (`-wal`, `-shm`).
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl Journal {
    fn err(&self, what: impl std::fmt::Display) -> JournalError {
        named(&self.path, what)
    }

    /// Opens the data file at `path` and gives the model it holds: the
    /// last snapshot with the journal replayed on it. Where no file
    /// exists, a new one is made from `fresh()`.
    ///
    /// # Errors
    /// Anything the read-only check finds (the file is then left as it
    /// was), SQLite's errors; each names the file and, where there is one,
    /// the record.
    pub fn open(
        path: &Path,
        keys: &[AppKey],
        fresh: impl FnOnce() -> Result<Model, String>,
    ) -> Result<(Journal, Model), JournalError> {
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let model = fresh().map_err(|e| named(path, e))?;
                let journal = Journal::create(path, &model)?;
                Ok((journal, model))
            }
            Err(e) => Err(named(path, e)),
            Ok(_) => {
                let held = lock(path, Lock::Exclusive).map_err(|why| named(path, why))?;
                let checked = check::inspect_locked(path, keys);
                let (Some(model), Some(version)) = (checked.model, checked.version) else {
                    let problem = checked.report.problem.map_or_else(|| "cannot be used".into(), |p| p.to_string());
                    return Err(named(path, problem));
                };
                let mut db = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
                if version == schema::Version::V1 {
                    schema::migrate_v1(&mut db)
                        .map_err(|e| named(path, format!("migrating to schema version 2: {e}")))?;
                    tracing::info!(path = %path.display(), "data file migrated to schema version 2");
                }
                let journal = Journal {
                    path: path.to_path_buf(),
                    db,
                    _lock: held,
                    seq: checked.report.last_seq,
                    since_snapshot: checked.report.records.unwrap_or(0),
                    // The work the records since the snapshot stand for is
                    // not counted on open: with any, the next snapshot is
                    // due as soon as `--snapshot-every` records are there.
                    work_since_snapshot: if checked.report.records.unwrap_or(0) > 0 { u64::MAX } else { 0 },
                    snapshot_pages: model.ws.counts().pages as u64,
                    steps: Vec::new(),
                    steps_work: 0,
                };
                Ok((journal, model))
            }
        }
    }

    /// A new data file at `path` holding `model`: built complete under
    /// another name in the same folder, then linked into place, so that a
    /// crash never leaves a half-made file at `path`.
    fn create(path: &Path, model: &Model) -> Result<Journal, JournalError> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let building = sidecar(path, &format!(".new-{}-{nanos}", std::process::id()));
        let built = (|| -> Result<Option<std::fs::File>, String> {
            let mut db = Connection::open_with_flags(
                &building,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| e.to_string())?;
            db.execute_batch("PRAGMA synchronous=FULL;").map_err(|e| e.to_string())?;
            let (workspace, tasks) = SnapshotParts::write(model)?;
            let tx = db.transaction().map_err(|e| e.to_string())?;
            tx.execute_batch(&format!(
                "{} PRAGMA application_id = {}; PRAGMA user_version = {};",
                schema::CREATE_TABLES,
                schema::APPLICATION_ID,
                schema::CURRENT
            ))
            .map_err(|e| e.to_string())?;
            insert_snapshot(&tx, 0, &workspace, &tasks).map_err(|e| e.to_string())?;
            tx.commit().map_err(|e| e.to_string())?;
            db.close().map_err(|(_, e)| e.to_string())?;
            // Locked before it is in place (the lock is the file's, under
            // either name), so no other server gets it first.
            let held = lock(&building, Lock::Exclusive)?;
            place(&building, path)?;
            Ok(held)
        })();
        let _ = std::fs::remove_file(&building);
        let held = built.map_err(|e| named(path, format!("creating the data file: {e}")))?;
        let db = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        Ok(Journal {
            path: path.to_path_buf(),
            db,
            _lock: held,
            seq: 0,
            since_snapshot: 0,
            work_since_snapshot: 0,
            snapshot_pages: model.ws.counts().pages as u64,
            steps: Vec::new(),
            steps_work: 0,
        })
    }

    /// Writes the buffered steps and `op` (with what it assigned) in one
    /// transaction.
    ///
    /// # Errors
    /// SQLite's.
    pub fn commit(&mut self, op: Option<(&Op, Option<String>)>) -> Result<(), JournalError> {
        let record = match op {
            Some((op, gave)) => {
                Some(serde_json::to_string(&Record { v: RECORD_VERSION, op, gave }).map_err(|e| self.err(e))?)
            }
            None => None,
        };
        self.write(record)
    }

    /// Writes the buffered steps and `record`, a record's text, in one
    /// transaction.
    fn write(&mut self, record: Option<String>) -> Result<(), JournalError> {
        if record.is_none() && self.steps.is_empty() {
            return Ok(());
        }
        let mut records = Vec::with_capacity(self.steps.len() + 1);
        for (op, units) in &self.steps {
            let record = Record { v: RECORD_VERSION, op, gave: Some(units.to_string()) };
            records.push(serde_json::to_string(&record).map_err(|e| self.err(e))?);
        }
        records.extend(record);
        let tx = self.db.transaction().map_err(|e| named(&self.path, e))?;
        let mut seq = self.seq;
        for record in &records {
            seq += 1;
            tx.execute(
                "INSERT INTO journal (seq, record, checksum) VALUES (?1, ?2, ?3)",
                params![seq, record, schema::record_checksum(seq, record.as_bytes())],
            )
            .map_err(|e| named(&self.path, e))?;
        }
        tx.commit().map_err(|e| named(&self.path, e))?;
        self.since_snapshot += (seq - self.seq).unsigned_abs();
        let others = records.len().saturating_sub(self.steps.len()) as u64;
        self.work_since_snapshot =
            self.work_since_snapshot.saturating_add(self.steps_work).saturating_add(others * RECORD_WORK);
        self.seq = seq;
        self.steps.clear();
        self.steps_work = 0;
        Ok(())
    }

    /// Keeps a step, and the units it did, to write with the next commit.
    pub fn buffer_step(&mut self, op: Op, units: u64) {
        self.steps.push((op, units));
        self.steps_work = self.steps_work.saturating_add(units);
    }

    /// Writes the buffered steps.
    ///
    /// # Errors
    /// SQLite's.
    pub fn flush(&mut self) -> Result<(), JournalError> {
        self.commit(None)
    }

    /// Whether a snapshot is due: `every` records since the last one at
    /// least, and enough replay work to pay for writing one
    /// (`work_per_page` units a page of the last snapshot). A snapshot
    /// costs as much as the workspace is large, so a cadence in records
    /// alone would write a growing workspace ever more often for the same
    /// work, its total cost growing as the square of the work; held to the
    /// work, it grows with the work.
    pub fn snapshot_due(&self, every: u64, work_per_page: u64) -> bool {
        every > 0
            && self.since_snapshot >= every
            && self.work_since_snapshot >= self.snapshot_pages.saturating_mul(work_per_page)
    }

    /// Replaces the snapshot with `model` and empties the journal, in one
    /// transaction: a record is gone only once the snapshot that holds it
    /// is durable. Buffered steps are part of `model`, so they are dropped.
    ///
    /// # Errors
    /// SQLite's, or a workspace that does not serialise.
    pub fn snapshot(&mut self, model: &Model) -> Result<(), JournalError> {
        let (workspace, tasks) = SnapshotParts::write(model).map_err(|e| self.err(e))?;
        let seq = self.seq + self.steps.len() as i64;
        let tx = self.db.transaction().map_err(|e| named(&self.path, e))?;
        insert_snapshot(&tx, seq, &workspace, &tasks).map_err(|e| named(&self.path, e))?;
        tx.execute("DELETE FROM journal", []).map_err(|e| named(&self.path, e))?;
        tx.commit().map_err(|e| named(&self.path, e))?;
        self.seq = seq;
        self.steps.clear();
        self.steps_work = 0;
        self.since_snapshot = 0;
        self.work_since_snapshot = 0;
        self.snapshot_pages = model.ws.counts().pages as u64;
        Ok(())
    }
}

/// Puts the complete file `built` at `path`, never over a file there: a
/// hard link (which fails if `path` exists), or, where the file system
/// has none, a rename once `path` is seen free. Then makes the folder's
/// new entry durable.
fn place(built: &Path, path: &Path) -> Result<(), String> {
    match std::fs::hard_link(built, path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e.to_string()),
        Err(_) if std::fs::symlink_metadata(path).is_err() => {
            std::fs::rename(built, path).map_err(|e| e.to_string())?
        }
        Err(e) => return Err(e.to_string()),
    }
    #[cfg(unix)]
    {
        let folder = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::File::open(folder).and_then(|d| d.sync_all()).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// `what`, naming the file.
fn named(path: &Path, what: impl std::fmt::Display) -> JournalError {
    JournalError(format!("{}: {what}", path.display()))
}

/// A read-write connection to the existing file at `path`, as the server
/// keeps it: WAL, `synchronous=FULL`, and exclusive locking, so that a
/// second server (or `check`) on the same file is refused while this one
/// runs instead of writing beside it.
fn connect(path: &Path, flags: OpenFlags) -> Result<Connection, JournalError> {
    let db = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(|e| named(path, e))?;
    db.execute_batch("PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        .map_err(|e| named(path, e))?;
    Ok(db)
}

/// Writes the snapshot row, with its checksum.
fn insert_snapshot(tx: &rusqlite::Transaction<'_>, seq: i64, workspace: &str, tasks: &str) -> rusqlite::Result<()> {
    let checksum = schema::snapshot_checksum(seq, workspace.as_bytes(), tasks.as_bytes());
    tx.execute(
        "INSERT OR REPLACE INTO snapshot (id, seq, workspace, tasks, checksum) VALUES (1, ?1, ?2, ?3, ?4)",
        params![seq, workspace, tasks, checksum],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
