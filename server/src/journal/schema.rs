//! The data file's schema, its versions, and the checksums that make each
//! record and the snapshot checkable on their own.
//!
//! | version | how it is known | tables |
//! | --- | --- | --- |
//! | 1 | written before records had checksums: `application_id` 0, `user_version` 0, and exactly the two tables below without their `checksum` columns | `snapshot(id, seq, workspace, tasks)`, `journal(seq, record)` |
//! | 2 | `application_id` [`APPLICATION_ID`], `user_version` 2 | `snapshot(id, seq, workspace, tasks, checksum)`, `journal(seq, record, checksum)` |
//!
//! A record's checksum is CRC-32 over its sequence number (8 bytes,
//! little-endian) and its bytes; the snapshot's over its sequence number,
//! the length of its workspace text (8 bytes, little-endian), that text,
//! and the task book's text. The sequence number inside the sum makes a
//! record moved to another place fail its check.

use rusqlite::{Connection, OptionalExtension};

/// The `application_id` of a coursecopy data file: `ccpy` in ASCII.
pub const APPLICATION_ID: i32 = 0x6363_7079;

/// The schema version this server writes.
pub const CURRENT: i64 = 2;

/// The tables of today's version.
pub const CREATE_TABLES: &str = "
    CREATE TABLE snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,
                           workspace TEXT NOT NULL, tasks TEXT NOT NULL, checksum INTEGER NOT NULL);
    CREATE TABLE journal (seq INTEGER PRIMARY KEY, record TEXT NOT NULL, checksum INTEGER NOT NULL);";

/// The schema versions a data file can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// Written before records had checksums.
    V1,
    /// Records and the snapshot carry checksums.
    V2,
}

impl Version {
    /// Its number, as `user_version` holds it and `check` prints it.
    pub fn number(self) -> i64 {
        match self {
            Version::V1 => 1,
            Version::V2 => 2,
        }
    }

    /// Whether records and the snapshot carry checksums.
    pub fn has_checksums(self) -> bool {
        self == Version::V2
    }
}

/// The checksum of record `seq` holding `bytes`.
pub fn record_checksum(seq: i64, bytes: &[u8]) -> i64 {
    let mut h = crc32fast::Hasher::new();
    h.update(&seq.to_le_bytes());
    h.update(bytes);
    i64::from(h.finalize())
}

/// The checksum of the snapshot at `seq`.
pub fn snapshot_checksum(seq: i64, workspace: &[u8], tasks: &[u8]) -> i64 {
    let mut h = crc32fast::Hasher::new();
    h.update(&seq.to_le_bytes());
    h.update(&(workspace.len() as u64).to_le_bytes());
    h.update(workspace);
    h.update(tasks);
    i64::from(h.finalize())
}

/// Which version the database on `db` is, from its header fields and its
/// tables; `Err` says what it is instead.
///
/// # Errors
/// Another program's database, a newer or unknown version, tables that
/// are not this server's; SQLite's errors.
pub fn identify(db: &Connection) -> Result<Version, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let application_id: i32 = db.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(sql)?;
    let user_version: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql)?;
    let mut tables: Vec<String> = {
        let mut stmt = db
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .map_err(sql)?;
        stmt.query_map([], |r| r.get(0)).map_err(sql)?.collect::<Result<_, _>>().map_err(sql)?
    };
    tables.sort();
    let columns = |table: &str| -> Result<Vec<String>, String> {
        let mut stmt = db.prepare(&format!("PRAGMA table_info({table})")).map_err(sql)?;
        stmt.query_map([], |r| r.get::<_, String>(1)).map_err(sql)?.collect::<Result<_, _>>().map_err(sql)
    };
    let (wanted, version) = match (application_id, user_version) {
        (APPLICATION_ID, 2) => {
            ((vec!["id", "seq", "workspace", "tasks", "checksum"], vec!["seq", "record", "checksum"]), Version::V2)
        }
        (APPLICATION_ID, other) => {
            return Err(format!(
                "a coursecopy data file of schema version {other}, which this server does not know (it reads 1 and {CURRENT})"
            ));
        }
        (0, 0) => ((vec!["id", "seq", "workspace", "tasks"], vec!["seq", "record"]), Version::V1),
        (0, other) => {
            return Err(format!(
                "not a coursecopy data file: an SQLite database with user_version {other} and no coursecopy application id"
            ));
        }
        (other, _) => return Err(format!("another program's SQLite database (application_id {other:#010x})")),
    };
    if tables != ["journal", "snapshot"] {
        let found = if tables.is_empty() { "no tables".to_string() } else { format!("tables {}", tables.join(", ")) };
        return Err(format!("not a coursecopy data file: it has {found}, not the tables journal and snapshot"));
    }
    for (table, want) in [("snapshot", wanted.0), ("journal", wanted.1)] {
        let have = columns(table)?;
        if have != want {
            return Err(format!(
                "not a coursecopy data file of schema version {}: table {table} has columns ({}), not ({})",
                version.number(),
                have.join(", "),
                want.join(", ")
            ));
        }
    }
    Ok(version)
}

/// Moves a version 1 database to today's version, in one transaction:
/// the same snapshot and records, each with its checksum. Nothing is
/// dropped or merged: a record replays after the migration exactly as
/// before.
///
/// # Errors
/// SQLite's; on an error nothing changed.
pub fn migrate_v1(db: &mut Connection) -> Result<(), rusqlite::Error> {
    let tx = db.transaction()?;
    tx.execute_batch("ALTER TABLE snapshot RENAME TO snapshot_v1; ALTER TABLE journal RENAME TO journal_v1;")?;
    tx.execute_batch(CREATE_TABLES)?;
    let snapshot: Option<(i64, Vec<u8>, Vec<u8>)> = tx
        .query_row("SELECT seq, CAST(workspace AS BLOB), CAST(tasks AS BLOB) FROM snapshot_v1 WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    if let Some((seq, workspace, tasks)) = snapshot {
        tx.execute(
            "INSERT INTO snapshot (id, seq, workspace, tasks, checksum) SELECT 1, seq, workspace, tasks, ?1 FROM snapshot_v1",
            [snapshot_checksum(seq, &workspace, &tasks)],
        )?;
    }
    {
        let mut read = tx.prepare("SELECT seq, CAST(record AS BLOB) FROM journal_v1 ORDER BY seq")?;
        let mut write = tx.prepare(
            "INSERT INTO journal (seq, record, checksum) SELECT seq, record, ?2 FROM journal_v1 WHERE seq = ?1",
        )?;
        let rows = read.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        for row in rows {
            let (seq, bytes) = row?;
            write.execute(rusqlite::params![seq, record_checksum(seq, &bytes)])?;
        }
    }
    tx.execute_batch(&format!(
        "DROP TABLE snapshot_v1; DROP TABLE journal_v1; PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {CURRENT};"
    ))?;
    tx.commit()
}
