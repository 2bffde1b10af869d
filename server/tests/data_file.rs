//! SRV-12: a data file is checked read-only before anything writes to it,
//! and used only when it is whole. Each damaged file below stops the start
//! of the real binary, and `coursecopy-server check` reports it, naming
//! the file (and the record); the file is byte for byte as it was.
//!
//! The files are made by the binary itself: a start on a new path, 40
//! course creations (journal records 1 to 40 on the demo's snapshot), and
//! a SIGKILL, which leaves them in the `-wal` file. The cases on the main
//! file work on a copy checkpointed into it.

mod common;
use common::{author_token, remove_data_file, run_at_most, sidecar, spawn_binary, temp_path};
use reqwest::{Client, StatusCode};
use rusqlite::Connection;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const RECORDS: usize = 40;

/// A data file with the demo's snapshot and `RECORDS` journal records,
/// left in its `-wal` file by a SIGKILL.
async fn killed_with_records() -> PathBuf {
    let path = temp_path("datafile-base");
    let data = path.display().to_string();
    let mut server = spawn_binary(&["--log", "warn", "--snapshot-every", "0", "--data", &data]);
    let client = Client::new();
    let t = author_token(&client, &server.base).await;
    for i in 1..=RECORDS {
        let body = json!({"courseId": format!("DF-{i:02}"), "name": format!("Data file course {i:02}")});
        let r = client.post(format!("{}/learn/api/public/v3/courses", server.base)).bearer_auth(&t).json(&body);
        assert_eq!(r.send().await.unwrap().status(), StatusCode::CREATED);
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    assert!(std::fs::metadata(sidecar(&path, "-wal")).map(|m| m.len() > 0).unwrap_or(false), "records in the -wal");
    path
}

/// A copy of `base` (and its `-wal` and `-shm`) under a new name.
fn copy_of(base: &Path, name: &str) -> PathBuf {
    let path = temp_path(name);
    for suffix in ["", "-wal", "-shm"] {
        if sidecar(base, suffix).exists() {
            std::fs::copy(sidecar(base, suffix), sidecar(&path, suffix)).unwrap();
        }
    }
    path
}

/// A copy of `base` with everything checkpointed into the main file, after
/// `change` (SQL) if any.
fn checkpointed(base: &Path, name: &str, change: &str) -> PathBuf {
    let path = copy_of(base, name);
    let db = Connection::open(&path).unwrap();
    db.execute_batch(change).unwrap();
    // VACUUM with secure_delete leaves no stale copy of a record in free
    // space, so that each text is found once in the file.
    db.execute_batch("PRAGMA secure_delete = ON; VACUUM; PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    db.close().unwrap();
    assert!(!sidecar(&path, "-wal").exists());
    path
}

/// The bytes of `path` and of its `-wal`, and whether a `-shm` exists
/// (SQLite's shared-memory index: any reader may rebuild its content, and
/// it holds no data).
fn files(path: &Path) -> (Option<Vec<u8>>, Option<Vec<u8>>, bool) {
    let read = |suffix| std::fs::read(sidecar(path, suffix)).ok();
    (read(""), read("-wal"), sidecar(path, "-shm").exists())
}

/// Runs the binary with `args` until it exits (at most 30 s).
fn run(args: &[&str]) -> Output {
    run_at_most(Command::new(env!("CARGO_BIN_EXE_coursecopy-server")).args(args), Duration::from_secs(30))
}

/// Asserts that a start on `path` is refused, and `check` reports the
/// damage, each naming the file and saying each of `needles`, and that
/// neither changed a byte (or left a file beside it). Gives `check`'s
/// report.
fn refused(path: &Path, needles: &[&str]) -> String {
    let before = files(path);
    let data = path.display().to_string();
    let start = run(&["--listen", "127.0.0.1:0", "--log", "warn", "--data", &data]);
    let err = String::from_utf8_lossy(&start.stderr).to_string();
    assert!(!start.status.success(), "the start was not refused: {err}");
    assert!(err.contains(&format!("cannot start: {data}: ")), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in {err}");
    }
    assert!(files(path) == before, "the refused start changed {data} or a file beside it");
    let check = run(&["check", "--data", &data]);
    let report = String::from_utf8_lossy(&check.stdout).to_string();
    assert_eq!(check.status.code(), Some(1), "{report}");
    assert!(report.contains(&format!("data file: {data}")), "{report}");
    for needle in needles {
        assert!(report.contains(needle), "{needle:?} not in {report}");
    }
    assert!(files(path) == before, "check changed {data} or a file beside it");
    remove_data_file(path);
    report
}

/// `check` on a file a start would use: its schema version and its number
/// of journal records, from the report; the report must end `ok`.
fn sound(path: &Path) -> (u32, usize) {
    let out = run(&["check", "--data", &path.display().to_string()]);
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{report}");
    let field = |name: &str| -> usize {
        let value = report.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.parse().ok());
        value.unwrap_or_else(|| panic!("{name} in {report}"))
    };
    let last = report.lines().last().unwrap_or_default();
    assert!(last.starts_with("ok: a start would use it; the last record is "), "{report}");
    (field("schema version: ") as u32, field("journal records after the snapshot: "))
}

/// The one offset of `needle` in `bytes`.
fn only_offset(bytes: &[u8], needle: &[u8]) -> usize {
    let found: Vec<usize> =
        bytes.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i).collect();
    assert_eq!(found.len(), 1, "{:?} found at {found:?}", String::from_utf8_lossy(needle));
    found[0]
}

/// Flips bits of the byte at `offset` of `path`.
fn flip(path: &Path, offset: usize, mask: u8) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[offset] ^= mask;
    std::fs::write(path, bytes).unwrap();
}

/// SRV-12: files that are no coursecopy data file: empty, another
/// program's SQLite database (with or without its own application id), an
/// SQLite database with no tables, an unknown schema version, text.
#[test]
fn srv12_files_that_are_no_data_file_are_refused_untouched() {
    let empty = temp_path("datafile-empty");
    std::fs::write(&empty, b"").unwrap();
    refused(&empty, &["is empty (0 bytes)"]);

    let text = temp_path("datafile-text");
    std::fs::write(&text, b"this is not an SQLite database, not even close; it is text.").unwrap();
    refused(&text, &["is not an SQLite database"]);

    let other = temp_path("datafile-other");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi');")
        .unwrap();
    refused(&other, &["not a coursecopy data file: it has tables notes"]);

    let labelled = temp_path("datafile-labelled");
    Connection::open(&labelled).unwrap().execute_batch("PRAGMA application_id = 1234; CREATE TABLE t (x);").unwrap();
    refused(&labelled, &["another program's SQLite database (application_id 0x000004d2)"]);

    let bare = temp_path("datafile-bare");
    Connection::open(&bare).unwrap().execute_batch("CREATE TABLE t (x); DROP TABLE t;").unwrap();
    refused(&bare, &["it has no tables"]);

    let newer = temp_path("datafile-newer");
    let db = Connection::open(&newer).unwrap();
    db.execute_batch("PRAGMA application_id = 1667461241; PRAGMA user_version = 3; CREATE TABLE t (x);").unwrap();
    drop(db);
    refused(&newer, &["schema version 3, which this server does not know"]);
}

/// SRV-12: damage inside a data file the server wrote: no snapshot (the
/// 40 records stay), a flipped byte in a record and in the snapshot, a
/// record removed in the middle, a file cut short. Each is named, the
/// record by its sequence number.
#[tokio::test]
async fn srv12_damage_is_named_and_the_file_left_as_it_was() {
    let base = killed_with_records().await;

    let no_snapshot = checkpointed(&base, "datafile-nosnap", "DELETE FROM snapshot;");
    refused(&no_snapshot, &["holds no snapshot"]);

    let record = checkpointed(&base, "datafile-record", "");
    let at = only_offset(&std::fs::read(&record).unwrap(), b"Data file course 17");
    flip(&record, at + 5, 0x01); // "file" -> "gile": still UTF-8, still JSON
    let report = refused(&record, &["journal record 17: is damaged: its checksum does not match"]);
    assert!(
        report.contains("first bad record: 17") && report.contains("journal records after the snapshot: 40"),
        "{report}"
    );

    let invalid_utf8 = checkpointed(&base, "datafile-utf8", "");
    let at = only_offset(&std::fs::read(&invalid_utf8).unwrap(), b"Data file course 03");
    flip(&invalid_utf8, at, 0xff);
    refused(&invalid_utf8, &["journal record 3: is damaged"]);

    let snapshot = checkpointed(&base, "datafile-snapshot", "");
    let at = only_offset(&std::fs::read(&snapshot).unwrap(), b"Introduction to Chemistry");
    flip(&snapshot, at + 3, 0x01);
    refused(&snapshot, &["its snapshot (at record 0) is damaged: its checksum does not match"]);

    let gap = checkpointed(&base, "datafile-gap", "DELETE FROM journal WHERE seq = 20;");
    let report = refused(&gap, &["journal record 20: is missing (the next record in the file is 21)"]);
    assert!(
        report.contains("journal records after the snapshot: 39")
            && report.contains("snapshot: at record 0: 3 courses"),
        "{report}"
    );

    let cut = checkpointed(&base, "datafile-cut", "");
    let len = std::fs::metadata(&cut).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&cut).unwrap().set_len(len / 2).unwrap();
    refused(&cut, &["is cut short"]);

    // The undamaged file starts, with every record.
    let whole = checkpointed(&base, "datafile-whole", "");
    assert_eq!(sound(&whole), (2, RECORDS));
    remove_data_file(&whole);
    remove_data_file(&base);
}

/// SRV-12: the `-wal` file. SQLite stops reading it at the first frame
/// that does not check out and drops the rest without a word; the server
/// finds whole, committed frames after a bad one and refuses. What cannot
/// be told from a crash's torn tail is not detected, and the test shows
/// exactly that: damage in the last transaction's frames, a `-wal` cut at
/// a frame boundary, a `-wal` deleted. Each then starts with the
/// transactions before it.
#[tokio::test]
async fn srv12_the_write_ahead_log_what_is_and_is_not_detected() {
    let base = killed_with_records().await;
    let wal_len = std::fs::metadata(sidecar(&base, "-wal")).unwrap().len() as usize;
    let frame = 24 + 4096;
    let frames = (wal_len - 32) / frame;
    assert!(frames > 40, "one or more frames a record: {frames}");

    // Detected: a byte flipped in a frame in the middle.
    let middle = copy_of(&base, "datafile-wal-middle");
    flip(&sidecar(&middle, "-wal"), 32 + (frames / 2) * frame + 24 + 100, 0x01);
    let report =
        refused(&middle, &["its write-ahead log", "-wal is damaged at frame", "SQLite would drop, without a word"]);
    assert!(!report.contains("schema version"), "stopped before SQLite read the file: {report}");

    // Detected: a byte flipped in the -wal's header (SQLite would ignore
    // every frame).
    let header = copy_of(&base, "datafile-wal-header");
    flip(&sidecar(&header, "-wal"), 12, 0x01);
    refused(&header, &["-wal is damaged at its header"]);

    // Not detected: the last frame damaged reads as the torn tail of a
    // write a crash cut; the last transaction is dropped.
    let last = copy_of(&base, "datafile-wal-last");
    flip(&sidecar(&last, "-wal"), wal_len - 100, 0x01);
    assert_eq!(records_on_start(&last), RECORDS - 1);

    // Not detected: a -wal cut at a frame boundary, or deleted.
    let short = copy_of(&base, "datafile-wal-short");
    std::fs::OpenOptions::new()
        .write(true)
        .open(sidecar(&short, "-wal"))
        .unwrap()
        .set_len((32 + frame * (frames / 2)) as u64)
        .unwrap();
    let kept = records_on_start(&short);
    assert!(kept < RECORDS, "{kept}");
    let gone = copy_of(&base, "datafile-wal-gone");
    std::fs::remove_file(sidecar(&gone, "-wal")).unwrap();
    assert_eq!(records_on_start(&gone), 0);
    remove_data_file(&base);
}

/// How many journal records a start on `path` would replay: what `check`
/// finds (the check a start makes), the file being sound.
fn records_on_start(path: &Path) -> usize {
    let (_, records) = sound(path);
    remove_data_file(path);
    records
}

/// A golden file of schema version 1, as the server before checksums
/// wrote it (`tests/golden/README.md` says how).
fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

/// SRV-12: a file of schema version 1 (written before records had
/// checksums) is checked as before, then migrated on start: the same
/// snapshot and records, now with checksums, and the state they held. Both
/// as an old server left it after a crash (records in its `-wal` file) and
/// checkpointed into the main file.
#[tokio::test]
async fn srv12_a_version_1_file_is_checked_then_migrated() {
    for golden_file in ["data-v1.db", "data-v1-crashed.db"] {
        let path = copy_of(&golden(golden_file), "datafile-v1");
        let data = path.display().to_string();
        let before = files(&path);
        assert_eq!(sound(&path), (1, 6), "{golden_file}");
        assert!(files(&path) == before, "check changed {golden_file}");

        let mut server = spawn_binary(&["--log", "warn", "--data", &data]);
        let client = Client::new();
        let t = author_token(&client, &server.base).await;
        let course = |id: &str| format!("{}/learn/api/public/v3/courses/courseId:{id}", server.base);
        let renamed: serde_json::Value =
            client.get(course("V1-2")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
        assert_eq!(renamed["name"], "Renamed under schema version 1", "{golden_file}");
        assert_eq!(client.get(course("V1-COPY")).bearer_auth(&t).send().await.unwrap().status(), StatusCode::OK);
        server.child.kill().unwrap(); // no snapshot at shutdown: the records stay
        server.child.wait().unwrap();

        assert_eq!(sound(&path), (2, 6), "{golden_file}: migrated, the records kept");
        remove_data_file(&path);
    }

    // A version 1 record that is not UTF-8 is refused by its number.
    let damaged = copy_of(&golden("data-v1.db"), "datafile-v1-damaged");
    let at = only_offset(&std::fs::read(&damaged).unwrap(), b"Written by schema version 1, course 3");
    flip(&damaged, at, 0xff);
    refused(&damaged, &["journal record 3: is not UTF-8"]);
}

/// SRV-9, SRV-12, CNV-9: a data file of 0.4 (`tests/golden/README.md`
/// says how it was written): its snapshot holds a migration in 0.4's form
/// (Learn's JSON for its categories and date shift), and its journal
/// records of version 2 hold Learn's bodies (a course created, a copy
/// into an existing course by `courseId:`, a PATCH, a DELETE) and two
/// more migrations, one waiting for its selection. It checks sound,
/// opens, and replays to what 0.4 answered; the waiting migration takes
/// its selection and runs; a migration that ended under 0.4 has no
/// recorded assets (400), a new one has; what is written now (records of
/// version 3) replays after the old records, and again after a restart.
#[tokio::test]
async fn a_file_of_0_4_replays_and_takes_new_records() {
    let path = copy_of(&golden("data-0.4.db"), "datafile-0.4");
    let data = path.display().to_string();
    assert_eq!(sound(&path), (2, 8));
    let mut server = spawn_binary(&["--log", "warn", "--data", &data, "--units-per-second", "0"]);
    let client = Client::new();
    let t = author_token(&client, &server.base).await;
    let learn = |id: &str| format!("{}/learn/api/public/v3/courses/courseId:{id}", server.base);
    let get = |url: String, token: &str| client.get(url).bearer_auth(token.to_string()).send();
    let copy: serde_json::Value = get(learn("G-COPY"), &t).await.unwrap().json().await.unwrap();
    assert_eq!(copy["name"], "Copy renamed under 0.4");
    assert_eq!(get(learn("G-1"), &t).await.unwrap().status(), StatusCode::NOT_FOUND, "deleted under 0.4");
    let g2: serde_json::Value = get(learn("G-2"), &t).await.unwrap().json().await.unwrap();
    assert_eq!(g2["name"], "Written by 0.4, course 2");

    let canvas = |path: &str| format!("{}/api/v1{path}", server.base);
    let json = |r: reqwest::Response| async move { r.json::<serde_json::Value>().await.unwrap() };
    const CANVAS: &str = "author-canvas-token";
    let names = |modules: &serde_json::Value| -> Vec<String> {
        modules.as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_string()).collect()
    };
    let ids_and_names = |modules: &serde_json::Value| -> Vec<(u64, String)> {
        let all = modules.as_array().unwrap().iter();
        all.map(|m| (m["id"].as_u64().unwrap(), m["name"].as_str().unwrap().to_string())).collect()
    };
    let bio = names(&json(get(canvas("/courses/1/modules?per_page=100"), CANVAS).await.unwrap()).await);
    let g2_modules = json(
        get(
            canvas(&format!(
                "/courses/{}/modules?per_page=100",
                g2["id"].as_str().unwrap().trim_matches('_').trim_end_matches("_1")
            )),
            CANVAS,
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(names(&g2_modules), bio, "the copy into G-2 by courseId: replayed");
    let list = json(get(canvas("/courses/2/content_migrations"), CANVAS).await.unwrap()).await;
    let states: Vec<(u64, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["id"].as_u64().unwrap(), m["workflow_state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, [(3, "completed"), (2, "waiting_for_select"), (1, "completed")]);
    let mapping = get(canvas("/courses/2/content_migrations/1/asset_id_mapping"), CANVAS).await.unwrap();
    assert_eq!(mapping.status(), StatusCode::BAD_REQUEST, "assets of a copy that ended under 0.4 are unknown");

    let selected = client
        .put(canvas("/courses/2/content_migrations/2"))
        .bearer_auth(CANVAS)
        .form(&[("copy[all_context_modules]", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(selected.status(), StatusCode::OK);
    let mut state = String::new();
    for _ in 0..200 {
        let progress = json(get(canvas("/progress/2"), CANVAS).await.unwrap()).await;
        state = progress["workflow_state"].as_str().unwrap().to_string();
        if state == "completed" || state == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(state, "completed");
    let mapping = json(get(canvas("/courses/2/content_migrations/2/asset_id_mapping"), CANVAS).await.unwrap()).await;
    assert_eq!(mapping["modules"].as_object().map(|m| m.len()), Some(bio.len()), "{mapping}");
    let chem = ids_and_names(&json(get(canvas("/courses/2/modules?per_page=100"), CANVAS).await.unwrap()).await);
    assert_eq!(chem.len(), 2 + 1 + bio.len(), "Chemistry's own, migration 1's module, migration 2's");
    server.child.kill().unwrap(); // no snapshot at shutdown: the records stay
    server.child.wait().unwrap();

    let (version, records) = sound(&path);
    assert!(version == 2 && records > 8, "the new records after the old: {records}");
    let server = spawn_binary(&["--log", "warn", "--data", &data]);
    let get = |url: String| client.get(url).bearer_auth(CANVAS).send();
    let again = get(format!("{}/api/v1/courses/2/modules?per_page=100", server.base)).await.unwrap();
    assert_eq!(ids_and_names(&json(again).await), chem, "versions 2 and 3 replay together");
    let again = get(format!("{}/api/v1/courses/2/content_migrations/2/asset_id_mapping", server.base)).await.unwrap();
    assert_eq!(json(again).await, mapping);
    drop(server);
    remove_data_file(&path);
}

/// SRV-12: a server holds its data file: `check` says so (exit 3, not
/// "damaged"), and a second server on the same file is refused, until the
/// first is gone.
#[tokio::test]
async fn srv12_a_running_servers_file_is_neither_checked_nor_shared() {
    let path = temp_path("datafile-held");
    let data = path.display().to_string();
    let mut first = spawn_binary(&["--log", "warn", "--data", &data]);
    let out = run(&["check", "--data", &data]);
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(3), "{report}");
    assert!(report.contains("not checked: is held by a running coursecopy-server"), "{report}");
    let second = run(&["--listen", "127.0.0.1:0", "--log", "warn", "--data", &data]);
    let err = String::from_utf8_lossy(&second.stderr).to_string();
    assert!(!second.status.success(), "{err}");
    assert!(err.contains("is held by another coursecopy-server"), "{err}");
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert_eq!(sound(&path), (2, 0), "free again once the server is gone");
    assert_eq!(run(&["check", "--data", "/nonexistent/coursecopy.db"]).status.code(), Some(3), "missing: not checked");
    remove_data_file(&path);
}
