//! INT-5: no input through the public API panics. Property tests feed the
//! loader mutated and random files, and every operation arbitrary handles
//! (live, stale, foreign, made up) and arbitrary strings and numbers.
//! `COURSECOPY_CASES` sets the number of cases (default 64).

mod common;
use common::lms::*;
use coursecopy::*;
use proptest::prelude::*;
use proptest::sample::Index;

fn config() -> ProptestConfig {
    let cases = std::env::var("COURSECOPY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
            "proptest-regressions/hardening.txt",
        ))),
        ..ProptestConfig::default()
    }
}

/// A workspace with a bit of everything: copies, tasks queued and running,
/// a lock, deleted entities (so stale handles exist), time zones, dated
/// items, and copies that shift dates, finished and pending.
fn busy() -> (Lms, Vec<TaskKey>, Vec<PageKey>, Vec<CourseKey>) {
    let mut w = lms_world(2);
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let dup = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let gone = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let deleted_page = w.ws.learning_object(w.los[0]).unwrap().pages().next().unwrap();
    w.ws.delete_page(w.author, w.course, deleted_page).unwrap();
    w.ws.delete_course(w.author, gone).unwrap();
    // Linked copies: customised, pending, locked, and a page deleted
    // upstream (LNK-12).
    let linked = w.ws.link_course(w.author, w.course, &CopyOptions::new().course_id("LINKED")).unwrap();
    let copy = w.ws.course(linked).unwrap().learning_objects().nth(1).unwrap();
    let down = w.ws.learning_object(copy).unwrap().pages().next().unwrap();
    w.ws.edit_page(w.author, linked, down, PageEdit::new().body("local")).unwrap();
    w.ws.set_field_locks(w.author, w.course, FieldLocks::new().content(false).title_description(true)).unwrap();
    // Dates (SPEC section 12): zones, dated items, a finished shifted copy.
    let at = |s: &str| s.parse::<Timestamp>().unwrap();
    w.ws.update_course(
        w.author,
        w.course,
        CourseChange::new().time_zone(coursecopy::Zone::get("Europe/Berlin").unwrap()),
    )
    .unwrap();
    let quiz = ToolDates::new()
        .start(at("2027-03-22T08:00:00Z"))
        .end(at("2027-03-29T21:59:00Z"))
        .due(at("2027-03-26T22:59:00Z"));
    w.ws.set_tool_dates(w.author, w.course, w.tools.quiz, quiz).unwrap();
    w.ws.set_tool_dates(w.author, w.course, w.tools.release, ToolDates::new().start(at("2027-04-01T00:00:00Z")))
        .unwrap();
    w.ws.update_course(w.author, shared, CourseChange::new().time_zone(coursecopy::Zone::get("Asia/Tokyo").unwrap()))
        .unwrap();
    let own = ToolDraft::new(Category::Tasks, "Own").dates(ToolDates::new().due(at("2027-05-01T00:00:00Z")));
    w.ws.add_tool(w.author, shared, own).unwrap();
    let t0 = w.ws.request_copy(w.author, w.course, &to_new("T0").date_shift(DateShift::remove_dates())).unwrap();
    w.ws.run_all_tasks();
    assert!(w.ws.task_status(t0).unwrap().date_shift.is_some());
    let next_term = DateShift::by_range_dates(
        coursecopy::jiff::civil::date(2027, 1, 10),
        coursecopy::jiff::civil::date(2027, 6, 30),
        coursecopy::jiff::civil::date(2028, 1, 9),
        coursecopy::jiff::civil::date(2028, 6, 28),
    );
    let t1 =
        w.ws.request_copy(
            w.author,
            w.course,
            &to_new("T1").date_shift(
                next_term
                    .substitute(coursecopy::jiff::civil::Weekday::Monday, coursecopy::jiff::civil::Weekday::Tuesday),
            ),
        )
        .unwrap();
    let into_shared = CopyRequest::new(CopyTarget::Existing(shared.into())).date_shift(DateShift::by_days(-3));
    let dup_event = ToolDraft::new(Category::Calendar, "Lab").dates(ToolDates::new().start(at("2027-02-01T09:00:00Z")));
    w.ws.add_tool(w.author, dup, dup_event).unwrap();
    let t2 = w.ws.request_copy(w.author, dup, &into_shared).unwrap();
    let mut linked_request = to_new("T3").date_shift(DateShift::by_days(7));
    linked_request.mode = CopyMode::Linked;
    let t3 = w.ws.request_copy(w.author, w.course, &linked_request).unwrap();
    w.ws.set_task_limit(w.admin, 3).unwrap();
    w.ws.run_tasks(3);
    let page = w.ws.learning_object(w.los[1]).unwrap().pages().next().unwrap();
    w.ws.edit_page(w.author, w.course, page, PageEdit::new().body("after")).unwrap();
    w.ws.lock_course(w.admin, dup).unwrap();
    (w, vec![t1, t2, t3], vec![deleted_page], vec![gone, shared, dup])
}

// ---- the loader -------------------------------------------------------------

#[cfg(feature = "serde")]
mod loader {
    use super::*;
    use serde_json::{Value, json};

    /// How many nodes a JSON tree has.
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Object(m) => m.values().map(count).sum(),
            Value::Array(a) => a.iter().map(count).sum(),
            _ => 0,
        }
    }

    /// The `n`th node of a JSON tree, in preorder (a node, then its
    /// children in order), without listing the paths.
    fn nth(v: &mut Value, mut n: usize) -> &mut Value {
        if n == 0 {
            return v;
        }
        n -= 1;
        let children: Vec<&mut Value> = match v {
            Value::Object(m) => m.values_mut().collect(),
            Value::Array(a) => a.iter_mut().collect(),
            _ => Vec::new(),
        };
        for child in children {
            let size = count(child);
            if n < size {
                return nth(child, n);
            }
            n -= size;
        }
        unreachable!("n is below the tree's count")
    }

    /// One mutation of a saved workspace: the node at `target` (in
    /// preorder) changed by `kind`, maybe to the node at `other`.
    fn mutate(v: &mut Value, target: Index, other: Index, kind: u8, n: i64) {
        let total = count(v);
        let donor = nth(v, other.index(total)).clone();
        let node = nth(v, target.index(total));
        *node = match (kind % 12, node.clone()) {
            (0, _) => Value::Null,
            (1, Value::Bool(b)) => json!(!b),
            (1, Value::Number(x)) => json!(x.as_i64().unwrap_or(0).wrapping_add(n)),
            (2, Value::Number(_)) => json!(n),
            (3, Value::Number(_)) => json!(u64::MAX),
            (4, Value::String(s)) => json!(s.chars().take((n.unsigned_abs() % 4) as usize).collect::<String>()),
            (5, Value::String(_)) => json!("\u{0}\u{7}é\u{202e}".repeat(200)),
            (6, Value::Array(mut a)) if !a.is_empty() => {
                let i = (n.unsigned_abs() as usize) % a.len();
                let copy = a[i].clone();
                a.push(copy);
                Value::Array(a)
            }
            (7, Value::Array(mut a)) if !a.is_empty() => {
                a.remove((n.unsigned_abs() as usize) % a.len());
                Value::Array(a)
            }
            (8, Value::Object(mut m)) if !m.is_empty() => {
                let key = m.keys().nth((n.unsigned_abs() as usize) % m.len()).unwrap().clone();
                m.remove(&key);
                Value::Object(m)
            }
            (9, _) => donor,
            (10, _) => json!({"idx": n.unsigned_abs() % 40, "version": (n.unsigned_abs() % 9) | 1}),
            (11, _) => json!("text"),
            (_, same) => json!([same]),
        };
    }

    /// The busy workspace, saved once per test process (the current format).
    fn busy_file() -> &'static Value {
        static FILE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
        FILE.get_or_init(|| serde_json::to_value(&busy().0.ws).unwrap())
    }

    /// The format-1 golden file, read once per test process.
    fn format1_file() -> &'static Value {
        static FILE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
        FILE.get_or_init(|| serde_json::from_str(include_str!("golden/format1.json")).unwrap())
    }

    /// Runs a loaded workspace's pending tasks to the end, or cancels them
    /// all (as an administrator, if the file has one).
    fn carry_on(ws: &mut Workspace, cancel: bool) {
        let admin = ws.users().find(|(_, u)| u.role() == Role::Administrator).map(|(k, _)| k);
        match (cancel, admin) {
            (true, Some(admin)) => {
                let tasks: Vec<TaskKey> = ws.tasks().collect();
                for task in tasks {
                    let _ = ws.cancel_task(admin, task);
                }
            }
            _ => drop(ws.run_all_tasks()),
        }
    }

    /// A file either is refused, or loads with every invariant true, keeps
    /// them when its tasks run or are cancelled, and saves and loads equal.
    fn loads_valid_or_is_refused(saved: Value, cancel: bool) {
        if let Ok(mut ws) = serde_json::from_value::<Workspace>(saved) {
            assert!(ws.check_integrity().is_ok());
            carry_on(&mut ws, cancel);
            if let Err(e) = ws.check_integrity() {
                panic!("a loaded workspace broke an invariant when its tasks ran or were cancelled: {e}");
            }
            let text = serde_json::to_string(&ws).unwrap();
            assert_eq!(serde_json::from_str::<Workspace>(&text).unwrap(), ws);
        }
    }

    fn mutated(mut saved: Value, mutations: Vec<(Index, Index, u8, i64)>) -> Value {
        for (target, other, kind, n) in mutations {
            mutate(&mut saved, target, other, kind, n);
        }
        saved
    }

    proptest! {
        #![proptest_config(config())]

        /// INT-5 through the migration: a mutated format-1 file either
        /// loads with every invariant true, keeps them when its tasks run,
        /// and saves as format 2; or it is refused. Never a panic.
        #[test]
        fn int5_mutated_format1_files_load_valid_or_are_refused(
            mutations in proptest::collection::vec((any::<Index>(), any::<Index>(), any::<u8>(), any::<i64>()), 1..4),
            cancel in any::<bool>(),
        ) {
            loads_valid_or_is_refused(mutated(format1_file().clone(), mutations), cancel);
        }

        /// INT-5 and INT-4: a mutated saved workspace either loads with every
        /// invariant true and keeps working, or is refused; never a panic.
        #[test]
        fn int5_mutated_files_load_valid_or_are_refused(
            mutations in proptest::collection::vec((any::<Index>(), any::<Index>(), any::<u8>(), any::<i64>()), 1..4),
            cancel in any::<bool>(),
        ) {
            loads_valid_or_is_refused(mutated(busy_file().clone(), mutations), cancel);
        }

        /// INT-5: random bytes and random cuts of a valid file are errors or
        /// valid workspaces; never a panic.
        #[test]
        fn int5_random_bytes_and_cuts_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), cut in any::<Index>()) {
            if let Ok(ws) = serde_json::from_slice::<Workspace>(&bytes) {
                prop_assert!(ws.check_integrity().is_ok());
            }
            let (w, _, _, _) = busy();
            let text = serde_json::to_vec(&w.ws).unwrap();
            let cut = cut.index(text.len());
            prop_assert!(serde_json::from_slice::<Workspace>(&text[..cut]).is_err());
            let mut flipped = text.clone();
            flipped[cut] ^= 0x20;
            if let Ok(ws) = serde_json::from_slice::<Workspace>(&flipped) {
                prop_assert!(ws.check_integrity().is_ok());
            }
        }
    }
}

// ---- the operations ---------------------------------------------------------

const STRINGS: &[&str] = &["", " ", "ok", "x y", "\u{0}", "\n", "é", "\u{202e}rtl", "courseId:BIO-101", "_1_1"];

fn string(i: u8) -> String {
    match i as usize % (STRINGS.len() + 2) {
        n if n < STRINGS.len() => STRINGS[n].to_string(),
        n if n == STRINGS.len() => "L".repeat(10_000),
        _ => "ü".repeat(334),
    }
}

/// A handle made up from `raw` (its slot and version), as a client can
/// send one: through the handles' serde form, the one way to make a handle
/// outside the crate. Without the `serde` feature there is none.
trait Forge: Sized + Copy {
    fn forge(raw: u64) -> Option<Self>;
}

macro_rules! forge {
    ($($key:ty),*) => {$(
        impl Forge for $key {
            #[cfg(feature = "serde")]
            fn forge(raw: u64) -> Option<Self> {
                serde_json::from_value(serde_json::json!({"idx": raw as u32, "version": (raw >> 32) as u32})).ok()
            }
            #[cfg(not(feature = "serde"))]
            fn forge(_raw: u64) -> Option<Self> {
                None
            }
        }
    )*};
}

forge!(UserKey, CourseKey, LoKey, PageKey, StyleKey, MediaKey, TaskKey);

/// A handle of kind `K`: one of `live`, one of `stale`, a foreign one, or
/// made up from `raw`.
fn handle<K: Forge>(live: &[K], stale: &[K], foreign: K, pick: Index, raw: u64) -> K {
    match raw % 5 {
        0 | 1 if !live.is_empty() => *pick.get(live),
        2 if !stale.is_empty() => *pick.get(stale),
        3 => foreign,
        _ => K::forge(raw).unwrap_or(foreign),
    }
}

/// Handles of another workspace: its admin, a course, an LO, a page, a
/// style and a media asset.
type Foreign = (UserKey, CourseKey, LoKey, PageKey, StyleKey, MediaKey);

fn foreign() -> Foreign {
    let (mut ws, admin) = Workspace::with_admin("F").unwrap();
    let course = ws.create_course(admin, NewCourse::new("F-1", "Foreign")).unwrap();
    let lo = ws.create_learning_object(admin, course, "Foreign", "").unwrap();
    let page = ws.add_page(admin, course, lo, PageDraft::new("Foreign", "")).unwrap().page;
    let style = ws.create_style(admin, course, "foreign", "").unwrap();
    let media = ws.add_media(admin, "foreign.png", "").unwrap();
    (admin, course, lo, page, style, media)
}

proptest! {
    #![proptest_config(config())]

    /// INT-5 and INT-3: every public operation, called with arbitrary
    /// handles, strings and numbers, returns a value or an error, never
    /// panics; a failed call leaves the workspace exactly as it was.
    #[test]
    fn int5_operations_with_arbitrary_input_never_panic(
        calls in proptest::collection::vec((0u8..58, any::<Index>(), any::<Index>(), any::<u64>(), any::<u64>(), any::<u8>(), any::<u64>()), 1..40),
    ) {
        let (mut w, tasks, stale_pages, stale_courses) = busy();
        let (fadmin, fcourse, flo, fpage, fstyle, fmedia) = foreign();
        for (op, p1, p2, r1, r2, s, n) in calls {
            let ws = &w.ws;
            let users: Vec<UserKey> = ws.users().map(|(k, _)| k).collect();
            let courses: Vec<CourseKey> = ws.courses().map(|(k, _)| k).collect();
            let los: Vec<LoKey> = ws.learning_objects().map(|(k, _)| k).collect();
            let pages: Vec<PageKey> = ws.pages().map(|(k, _)| k).collect();
            let styles: Vec<StyleKey> = ws.styles().map(|(k, _)| k).collect();
            let items: Vec<LibraryItem> = ws.library().map(|(k, _)| k).collect();
            let tools: Vec<ToolId> = ws.courses().flat_map(|(_, c)| c.tools().iter().map(|i| i.id()).collect::<Vec<_>>()).collect();
            let u = handle(&users, &[], fadmin, p1, r1);
            let c = handle(&courses, &stale_courses, fcourse, p2, r2);
            let c2 = handle(&courses, &stale_courses, fcourse, p1, r2.rotate_left(7));
            let lo = handle(&los, &[], flo, p2, r1.rotate_left(3));
            let page = handle(&pages, &stale_pages, fpage, p1, r2.rotate_left(11));
            let style = handle(&styles, &[], fstyle, p2, r1.rotate_left(5));
            let made_up = if r1 % 3 == 0 { MediaKey::forge(r2).map(LibraryItem::Media) } else { None };
            let item = match made_up {
                Some(item) => item,
                None if items.is_empty() => LibraryItem::Media(MediaKey::forge(r2).unwrap_or(fmedia)),
                None => *p2.get(&items),
            };
            let tool = if tools.is_empty() { None } else { Some(*p1.get(&tools)) };
            let task = match TaskKey::forge(r1) { Some(t) if r2 % 4 == 0 => t, _ => *p1.get(&tasks) };
            let text = string(s);
            let pos = if n % 3 == 0 { usize::MAX } else { (n % 7) as usize };
            let before = w.ws.clone();
            let ws = &mut w.ws;
            let result: Result<(), Error> = match op {
                0 => ws.create_user(u, &text, Role::Author).map(drop),
                1 => ws.rename_user(u, u, &text),
                2 => ws.set_role(u, u, [Role::Reviewer, Role::Author, Role::Administrator][(n % 3) as usize]),
                3 => ws.create_course(u, NewCourse::new(text.clone(), text.clone())).map(drop),
                4 => ws.update_course(u, c, CourseChange::new().title(text.clone()).external_id(text.clone())),
                5 => ws.delete_course(u, c),
                6 => ws.assign_user(u, c, u),
                7 => ws.unassign_user(u, c, u),
                8 => ws.create_style(u, c, &text, &text).map(drop),
                9 => ws.create_learning_object(u, c, &text, &text).map(drop),
                10 => ws.add_learning_object(u, c, lo, Some(pos)),
                11 => ws.remove_learning_object(u, c, lo).map(drop),
                12 => ws.move_learning_object(u, c, lo, pos),
                13 => ws.delete_learning_object(u, lo),
                14 => ws.edit_learning_object(u, c, lo, coursecopy::LoEdit::new().title(&text).description(&text)).map(drop),
                15 => ws.add_page(u, c, lo, PageDraft::new(text.clone(), text.clone()).item(item).style(style)).map(drop),
                16 => ws.edit_page(u, c, page, PageEdit::new().title(text.clone()).body(text.clone())).map(drop),
                17 => ws.delete_page(u, c, page).map(drop),
                18 => ws.move_page(u, c, page, pos).map(drop),
                19 => ws.set_page_style(u, c, page, Some(style)).map(drop),
                20 => ws.attach_item(u, c, page, item).map(drop),
                21 => ws.replace_item(u, c, page, item, item).map(drop),
                22 => ws.detach_item(u, c, page, item).map(drop),
                23 => ws.add_media(u, &text, &text).map(drop),
                24 => ws.update_library_item(u, item, &text).map(drop),
                25 => ws.rename_library_item(u, item, &text).map(drop),
                26 => ws.delete_library_item(u, item),
                27 => ws.copy_course(u, c, if n % 2 == 0 { CopyMode::Share } else { CopyMode::Duplicate }, &CopyOptions::new().course_id(text.clone()).title(text.clone())).map(drop),
                28 => ws.share_course(u, c, &CopyOptions::new().keep_authors(n % 2 == 0)).map(drop),
                29 => ws.request_copy(u, c, &to_new(&text)).map(drop),
                30 => ws.request_copy(u, c, &CopyRequest::new(CopyTarget::Existing(c2.into()))).map(drop),
                31 => match text.parse::<CourseRef>() {
                    Ok(r) => ws.request_copy(u, r, &to_new("R")).map(drop),
                    Err(e) => Err(e),
                },
                32 => { ws.run_tasks(n % 50); Ok(()) }
                33 => ws.cancel_task(u, task),
                34 => ws.set_task_limit(u, (n % 6) as usize),
                35 => ws.lock_course(u, c),
                36 => ws.unlock_course(u, c),
                37 => ws.add_tool(u, c, ToolDraft::new(Category::ALL[(n % 16) as usize], text.clone()).link(ToolLink::Content(lo))).map(drop),
                38 => match tool { Some(t) => ws.remove_tool(u, c, t), None => Ok(()) },
                // Linked copies (LNK-1..12).
                39 => ws.link_course(u, c, &CopyOptions::new().course_id(text.clone())).map(drop),
                40 => ws.link_learning_object(u, c, lo, c2).map(drop),
                41 => ws.sync_learning_object(u, c, lo, if n % 2 == 0 { Customisations::Keep } else { Customisations::Overwrite }).map(drop),
                42 => ws.sync_course(u, c, Customisations::Keep).map(drop),
                43 => ws.push_updates(u, lo, Customisations::Overwrite).map(drop),
                44 => ws.decline_update(u, c, lo).map(drop),
                45 => ws.revert_field(u, c, LinkedRecord::Page(page), [LinkedField::Title, LinkedField::Body, LinkedField::Items, LinkedField::Description][(n % 4) as usize]).map(drop),
                46 => ws.revert_field(u, c, LinkedRecord::LearningObject(lo), [LinkedField::Title, LinkedField::Description, LinkedField::Body][(n % 3) as usize]).map(drop),
                47 => ws.unlink_learning_object(u, c, lo),
                48 => ws.set_field_locks(u, c, FieldLocks::new().content(n % 2 == 0).title_description(n % 3 == 0)),
                49 => ws.preview_sync(lo).map(|p| drop(p.to_string())),
                50 => ws.updates_available(c).and_then(|_| ws.preview_course_sync(c)).map(drop),
                // Dates (DAT-1..7): extreme shifts and dates, unknown zones.
                51..=56 => {
                    let when = |x: u64| Timestamp::from_unix_millis(x as i64);
                    let shift = match n % 4 {
                        0 => DateShift::by_days(r1 as i32),
                        1 => DateShift::by_range(when(r1), when(r2), when(n), when(r1 ^ r2)),
                        2 => DateShift::remove_dates(),
                        _ => {
                            let day = |x: u64| jiff::civil::Weekday::from_sunday_zero_offset((x % 7) as i8).unwrap();
                            DateShift::by_days((r1 % 100) as i32).substitute(day(n), day(r2))
                        }
                    };
                    let dates = ToolDates::new().start(when(r1)).end(when(r2));
                    let dates = if n % 5 == 0 { dates.due(when(n)) } else { dates };
                    match op {
                        51 => match tool { Some(t) => ws.set_tool_dates(u, c, t, dates), None => Ok(()) },
                        52 => ws.shift_course_dates(u, c, &shift).map(drop),
                        53 => ws.preview_date_shift(c, &shift).map(drop),
                        54 => ws.copy_course_with_report(u, c, CopyMode::Duplicate, &CopyOptions::new().date_shift(shift)).map(drop),
                        55 => ws.request_copy(u, c, &to_new(&text).date_shift(shift)).map(drop),
                        _ => Zone::get(&text).and_then(|zone| ws.update_course(u, c, CourseChange::new().time_zone(zone))),
                    }
                }
                _ => ws.task_status(task).map(drop),
            };
            if result.is_err() && op != 32 {
                prop_assert!(w.ws == before, "operation {} failed with {:?} but changed the workspace", op, result);
            }
            if let Err(e) = w.ws.check_integrity() {
                panic!("operation {op} broke an invariant: {e}");
            }
            // Readers never panic either.
            let _ = w.ws.course(c).map(|c| c.lms_id());
            let _ = w.ws.page_items(page);
            let _ = w.ws.resolve_course(&CourseRef::CourseId(text));
            let _ = w.ws.users_of(item);
        }
    }
}
