//! The read-only check of an existing data file (SRV-12): everything the
//! server needs to know before it writes a byte, found without writing
//! one. `Journal::open` uses a file only after this passes; `coursecopy-server
//! check` prints what it found.
//!
//! First the file is locked against a server (a shared lock, see
//! [`super::lock`]): a file a server runs on is not checked, since it is
//! being written. Then, in order, each step stopping at the first problem:
//!
//! 1. the file: a regular file, not empty, SQLite's header, and, when no
//!    `-wal` file holds pages for it, not shorter than its header says;
//! 2. its `-wal` file, if any: no transaction committed after a damaged
//!    one (SQLite would drop it without a word, see [`super::wal`]);
//! 3. opened read-only: SQLite's `integrity_check`;
//! 4. the schema: a coursecopy data file of a known version
//!    ([`super::schema::identify`]);
//! 5. the snapshot: present, its checksum (version 2), and it loads;
//! 6. the journal records after it, in order: none missing, each whole
//!    (its checksum, version 2), each parses, applies and assigns what it
//!    assigned when written. The first that fails is named by its
//!    sequence number.
//!
//! A read-only connection to a database in WAL mode may create the `-shm`
//! file (and an empty `-wal`) beside it, which SQLite needs to read one;
//! the check removes those it created (an empty `-wal` only), while it
//! still holds the lock, so that no server can have started on them. The
//! main file is never opened for writing.

use super::schema::{self, Version};
use super::snapshot::SnapshotParts;
use super::wal::{self, WalState};
use super::{StoredOp, read_record, sidecar};
use crate::demo::AppKey;
use crate::model::{CoreError, Model};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::fmt;
use std::path::{Path, PathBuf};

/// What the check found: enough to print, whether or not the file can be
/// used.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The file.
    pub path: PathBuf,
    /// Its schema version, once known.
    pub version: Option<i64>,
    /// The snapshot, once read.
    pub snapshot: Option<SnapshotSummary>,
    /// Journal records in the file, once counted.
    pub records: Option<u64>,
    /// The sequence number of the last record replayed (the snapshot's
    /// when there are none).
    pub last_seq: i64,
    /// Frames of committed transactions SQLite reads from the `-wal`
    /// file.
    pub wal_frames: u64,
    /// Why the file cannot be used; `None` when it can.
    pub problem: Option<Problem>,
}

/// The snapshot of a data file, counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotSummary {
    /// The sequence number it was taken at.
    pub seq: i64,
    /// Its workspace's counts.
    pub counts: coursecopy::Counts,
    /// Copy tasks in its task book.
    pub tasks: usize,
}

/// Why a data file cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Whether the file is damaged, or could not be checked at all.
    pub kind: ProblemKind,
    /// The journal record at fault, if it is one.
    pub record: Option<i64>,
    /// What is wrong, for a person.
    pub what: String,
}

/// The two ways a check fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not a whole coursecopy data file.
    Damaged,
    /// The file could not be checked: it is missing or unreadable, or a
    /// server holds it.
    NotChecked,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.record {
            Some(seq) => write!(f, "journal record {seq}: {}", self.what),
            None => f.write_str(&self.what),
        }
    }
}

impl fmt::Display for Report {
    /// What `coursecopy-server check` prints: what was read, then `ok`,
    /// `refused` (a start would refuse the file) or `not checked`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "data file: {}", self.path.display())?;
        if let Some(v) = self.version {
            writeln!(f, "schema version: {v}")?;
        }
        if let Some(s) = &self.snapshot {
            let c = &s.counts;
            writeln!(
                f,
                "snapshot: at record {}: {}, {}, {}, {}, {}",
                s.seq,
                counted(c.courses, "course"),
                counted(c.learning_objects, "learning object"),
                counted(c.pages, "page"),
                counted(c.users, "user"),
                counted(s.tasks, "copy task")
            )?;
        }
        if let Some(n) = self.records {
            writeln!(f, "journal records after the snapshot: {n}")?;
        }
        if self.wal_frames > 0 {
            writeln!(f, "-wal frames SQLite reads: {}", self.wal_frames)?;
        }
        match &self.problem {
            Some(p) => {
                if let Some(seq) = p.record {
                    writeln!(f, "first bad record: {seq}")?;
                }
                match p.kind {
                    ProblemKind::Damaged => write!(f, "refused: {p}"),
                    ProblemKind::NotChecked => write!(f, "not checked: {p}"),
                }
            }
            None => write!(f, "ok: a start would use it; the last record is {}", self.last_seq),
        }
    }
}

/// `n` things, in the singular or the plural.
fn counted(n: usize, thing: &str) -> String {
    if n == 1 { format!("1 {thing}") } else { format!("{n} {thing}s") }
}

/// A checked file: the report, and the model it holds when it is sound.
pub struct Checked {
    /// What was found.
    pub report: Report,
    /// The snapshot with every record replayed; `Some` exactly when the
    /// report has no problem.
    pub model: Option<Model>,
    /// The schema version, when the file is sound.
    pub version: Option<Version>,
}

/// Checks the existing data file at `path`, reading only, under a shared
/// lock (refused while a server holds the file). `keys` are the app keys
/// the records were written under (replay acts as their users).
pub fn inspect(path: &Path, keys: &[AppKey]) -> Checked {
    match super::lock(path, super::Lock::Shared) {
        Ok(_held) => inspect_locked(path, keys),
        Err(why) => {
            let report = Report { path: path.to_path_buf(), problem: Some(not_checked(why)), ..Report::default() };
            Checked { report, model: None, version: None }
        }
    }
}

/// [`inspect`], for a caller that holds the file's lock already.
pub fn inspect_locked(path: &Path, keys: &[AppKey]) -> Checked {
    let mut report = Report { path: path.to_path_buf(), ..Report::default() };
    match check(path, keys, &mut report) {
        Ok((model, version)) => Checked { report, model: Some(model), version: Some(version) },
        Err(problem) => {
            report.problem = Some(problem);
            Checked { report, model: None, version: None }
        }
    }
}

fn problem(what: impl Into<String>) -> Problem {
    Problem { kind: ProblemKind::Damaged, record: None, what: what.into() }
}

fn not_checked(what: impl Into<String>) -> Problem {
    Problem { kind: ProblemKind::NotChecked, record: None, what: what.into() }
}

fn at_record(seq: i64, what: impl Into<String>) -> Problem {
    Problem { kind: ProblemKind::Damaged, record: Some(seq), what: what.into() }
}

fn check(path: &Path, keys: &[AppKey], report: &mut Report) -> Result<(Model, Version), Problem> {
    let wal_path = sidecar(path, "-wal");
    let wal_holds_pages = std::fs::metadata(&wal_path).is_ok_and(|m| m.len() > 0);
    check_file(path, wal_holds_pages)?;
    report.wal_frames = check_wal(&wal_path)?;
    let made = [(wal_path, true), (sidecar(path, "-shm"), false)].map(|(p, empty_only)| (!p.exists(), p, empty_only));
    let result = check_database(path, keys, report);
    // Leave no file the read-only connection made (it is closed by now,
    // and the lock keeps servers out).
    for (absent_before, made, empty_only) in made {
        let empty = std::fs::metadata(&made).is_ok_and(|m| m.len() == 0);
        if absent_before && (empty || !empty_only) {
            let _ = std::fs::remove_file(made);
        }
    }
    result
}

/// Step 1: a regular, non-empty SQLite file, as long as its header says
/// unless a `-wal` file holds pages for it (a checkpoint cut by a crash
/// leaves the main file short, and the `-wal` whole).
fn check_file(path: &Path, wal_holds_pages: bool) -> Result<(), Problem> {
    let meta = std::fs::metadata(path).map_err(|e| not_checked(format!("cannot be read: {e}")))?;
    if !meta.is_file() {
        return Err(not_checked("is not a regular file"));
    }
    if meta.len() == 0 {
        return Err(problem(
            "is empty (0 bytes), not a coursecopy data file; a new data file is made only where no file exists",
        ));
    }
    let mut header = [0u8; 100];
    let read = {
        use std::io::Read;
        let mut file = std::fs::File::open(path).map_err(|e| not_checked(format!("cannot be read: {e}")))?;
        file.read(&mut header).map_err(|e| not_checked(format!("cannot be read: {e}")))?
    };
    if read < 100 || &header[..16] != b"SQLite format 3\0" {
        return Err(problem("is not an SQLite database (it does not start with SQLite's header)"));
    }
    // The page size (1 stands for 65,536) and, when the header's change
    // counters agree, the size in pages.
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let word = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let pages = u64::from(word(28));
    if !wal_holds_pages && word(24) == word(92) && pages * page_size > meta.len() {
        return Err(problem(format!(
            "is cut short: its header says {pages} pages of {page_size} bytes ({} bytes), and the file holds {}",
            pages * page_size,
            meta.len()
        )));
    }
    Ok(())
}

/// Step 2: the `-wal` file SQLite would read, if there is one.
fn check_wal(wal_path: &Path) -> Result<u64, Problem> {
    let bytes = match std::fs::read(wal_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => {
            return Err(not_checked(format!("its write-ahead log {} cannot be read: {e}", wal_path.display())));
        }
    };
    match wal::scan(&bytes) {
        WalState::Sound { frames } => Ok(frames),
        WalState::Damaged { at_frame, lost_transactions } => {
            let at = if at_frame == 0 { "its header".to_string() } else { format!("frame {at_frame}") };
            Err(problem(format!(
                "its write-ahead log {} is damaged at {at}: SQLite would drop, without a word, the transaction \
                 there and {lost_transactions} committed after it. Restore both files from a backup; moving the \
                 -wal file away starts from what the main file holds, without any transaction the -wal holds",
                wal_path.display()
            )))
        }
    }
}

/// Steps 3 to 6, on a read-only connection.
fn check_database(path: &Path, keys: &[AppKey], report: &mut Report) -> Result<(Model, Version), Problem> {
    let sql = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            not_checked(format!("SQLite cannot read it: {e} (another program holds it)"))
        }
        _ => problem(format!("SQLite cannot read it: {e}")),
    };
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(sql)?;
    let lines: Vec<String> = {
        let mut stmt = db.prepare("PRAGMA integrity_check(5)").map_err(sql)?;
        stmt.query_map([], |r| r.get(0)).map_err(sql)?.collect::<Result<_, _>>().map_err(sql)?
    };
    if lines != ["ok"] {
        return Err(problem(format!("fails SQLite's integrity check: {}", lines.join("; "))));
    }
    let version = schema::identify(&db).map_err(problem)?;
    report.version = Some(version.number());

    let mut model = read_snapshot(&db, version, keys, report)?;
    let records = db.query_row("SELECT count(*) FROM journal", [], |r| r.get::<_, i64>(0)).map_err(sql)?;
    report.records = Some(records.unsigned_abs());
    replay(&db, version, &mut model, report)?;
    Ok((model, version))
}

/// The snapshot row: its sequence number, its two texts' bytes, and its
/// stored checksum (version 2).
type SnapshotRow = (i64, Vec<u8>, Vec<u8>, Option<i64>);

/// Step 5: the snapshot, checked and loaded.
fn read_snapshot(db: &Connection, version: Version, keys: &[AppKey], report: &mut Report) -> Result<Model, Problem> {
    let sql = |e: rusqlite::Error| problem(format!("SQLite cannot read its snapshot: {e}"));
    let checksum = if version.has_checksums() { "checksum" } else { "NULL" };
    let row: Option<SnapshotRow> = db
        .query_row(
            &format!("SELECT seq, CAST(workspace AS BLOB), CAST(tasks AS BLOB), {checksum} FROM snapshot WHERE id = 1"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .map_err(sql)?;
    let Some((seq, workspace, tasks, stored)) = row else {
        return Err(problem("holds no snapshot, so there is nothing its journal records could replay on"));
    };
    report.last_seq = seq;
    if let Some(stored) = stored
        && stored != schema::snapshot_checksum(seq, &workspace, &tasks)
    {
        return Err(problem(format!("its snapshot (at record {seq}) is damaged: its checksum does not match")));
    }
    let text = |bytes: Vec<u8>, part: &str| {
        String::from_utf8(bytes).map_err(|e| problem(format!("its snapshot's {part} is not UTF-8: {e}")))
    };
    let (workspace, tasks) = (text(workspace, "workspace")?, text(tasks, "task book")?);
    let parts =
        SnapshotParts::read(&workspace, &tasks).map_err(|e| problem(format!("its snapshot does not load: {e}")))?;
    let task_count = parts.task_count();
    let model = parts.into_model(keys).map_err(|e| problem(format!("its snapshot does not load: {e}")))?;
    report.snapshot = Some(SnapshotSummary { seq, counts: model.ws.counts(), tasks: task_count });
    Ok(model)
}

/// Step 6: every record after the snapshot, in order, onto `model`.
fn replay(db: &Connection, version: Version, model: &mut Model, report: &mut Report) -> Result<(), Problem> {
    let sql = |e: rusqlite::Error| problem(format!("SQLite cannot read its journal: {e}"));
    let checksum = if version.has_checksums() { "checksum" } else { "NULL" };
    let mut stmt =
        db.prepare(&format!("SELECT seq, CAST(record AS BLOB), {checksum} FROM journal ORDER BY seq")).map_err(sql)?;
    let mut rows = stmt.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let seq: i64 = row.get(0).map_err(sql)?;
        let bytes: Vec<u8> = row.get(1).map_err(sql)?;
        let stored: Option<i64> = row.get(2).map_err(sql)?;
        let expected = report.last_seq + 1;
        if seq < expected {
            return Err(at_record(seq, format!("is not after the snapshot (at record {})", report.last_seq)));
        }
        if seq > expected {
            return Err(at_record(expected, format!("is missing (the next record in the file is {seq})")));
        }
        if let Some(stored) = stored
            && stored != schema::record_checksum(seq, &bytes)
        {
            return Err(at_record(seq, "is damaged: its checksum does not match"));
        }
        let text = String::from_utf8(bytes).map_err(|e| at_record(seq, format!("is not UTF-8: {e}")))?;
        let (op, written_gave) = read_record(&text).map_err(|why| at_record(seq, why))?;
        let op = match op {
            StoredOp::Op(op) => Ok(op),
            StoredOp::Learn(op) => op.to_op(model),
        };
        let outcome = op.and_then(|op| model.apply(&op)).map_err(|e| {
            let hint = match e {
                CoreError::Actor(_) => {
                    " (a record of version 1 replays as the user of the app key it was written under: give the \
                     --app-key flags the server ran with)"
                }
                _ => "",
            };
            at_record(seq, format!("does not replay: {e}{hint}"))
        })?;
        let gave = model.describe(&outcome);
        if gave != written_gave {
            return Err(at_record(seq, format!("gave {written_gave:?} when it was written and {gave:?} on replay")));
        }
        report.last_seq = seq;
    }
    Ok(())
}
