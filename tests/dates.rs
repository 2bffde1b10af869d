//! Dates (SPEC section 12): course time zones, dated tool items, and
//! shifting them when a course is copied (DAT-5) or in place (DAT-6).
//! The rule itself (DAT-1..4) has its fixed cases and properties next to
//! it, in `src/data/shift.rs`; `tests/model.rs` runs shifts among random
//! operations.

use coursecopy::*;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// The instant of a local time (`2027-03-22T09:00`) in `zone`.
fn at(zone: &str, local: &str) -> Timestamp {
    let dt: DateTime = local.parse().unwrap();
    let z = dt.to_zoned(TimeZone::get(zone).unwrap()).unwrap();
    Timestamp::from_unix_millis(z.timestamp().as_millisecond())
}

/// The local time of an instant in `zone`.
fn local(zone: &str, t: Timestamp) -> DateTime {
    jiff::Timestamp::from_millisecond(t.unix_millis()).unwrap().to_zoned(TimeZone::get(zone).unwrap()).datetime()
}

const BERLIN: &str = "Europe/Berlin";

struct Term {
    ws: Workspace,
    admin: UserKey,
    author: UserKey,
    reviewer: UserKey,
    course: CourseKey,
    quiz: ToolId,
    event: ToolId,
    task: ToolId,
    blog: ToolId,
}

/// A spring 2027 course in Berlin (daylight saving starts on March 28):
/// a duration, an enrollment window, and a dated item of every dated
/// category; the quiz is open across the change; the event lies after
/// the course's end; a blog entry has no dates.
fn term() -> Term {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let author = ws.create_user(admin, "Grace", Role::Author).unwrap();
    let reviewer = ws.create_user(admin, "Rita", Role::Reviewer).unwrap();
    let b = |s: &str| at(BERLIN, s);
    let spec = NewCourse::new("HIST-200", "History")
        .time_zone(coursecopy::Zone::get(BERLIN).unwrap())
        .duration(Duration::DateRange { start: b("2027-03-01T00:00"), end: b("2027-07-31T23:59") })
        .enrollment(Enrollment::SelfEnrollment {
            start: Some(b("2027-02-15T08:00")),
            end: Some(b("2027-03-12T18:00")),
            access_code: Some("past".into()),
        });
    let course = ws.create_course(author, spec).unwrap();
    ws.assign_user(author, course, reviewer).unwrap();
    let lo = ws.create_learning_object(author, course, "Rome", "").unwrap();
    let mut add = |category, title: &str, dates| {
        ws.add_tool(author, course, ToolDraft::new(category, title).dates(dates)).unwrap()
    };
    let quiz = add(
        Category::Assessments,
        "Quiz 1",
        ToolDates::new().start(b("2027-03-22T09:00")).end(b("2027-03-29T23:59")).due(b("2027-03-26T23:59")),
    );
    add(Category::Announcements, "Welcome", ToolDates::new().start(b("2027-03-01T07:00")).end(b("2027-03-08T07:00")));
    let event =
        add(Category::Calendar, "Excursion", ToolDates::new().start(b("2027-08-06T10:00")).end(b("2027-08-06T16:00")));
    let task = add(Category::Tasks, "Read Livy", ToolDates::new().due(b("2027-04-09T12:00")));
    add(Category::Discussions, "Questions", ToolDates::new().start(b("2027-03-01T00:00")));
    add(Category::Gradebook, "Essay", ToolDates::new().due(b("2027-05-14T23:59")));
    let release = ToolDraft::new(Category::AdaptiveReleaseRules, "After the quiz")
        .link(ToolLink::Content(lo))
        .dates(ToolDates::new().start(b("2027-03-30T00:00")));
    ws.add_tool(author, course, release).unwrap();
    let blog = ws.add_tool(author, course, ToolDraft::new(Category::Blogs, "Diary")).unwrap();
    Term { ws, admin, author, reviewer, course, quiz, event, task, blog }
}

/// Spring 2027 to spring 2028, by range: both start on a Monday.
fn next_spring() -> DateShift {
    DateShift::by_range_dates(
        coursecopy::jiff::civil::date(2027, 3, 1),
        coursecopy::jiff::civil::date(2027, 7, 31),
        coursecopy::jiff::civil::date(2028, 2, 28),
        coursecopy::jiff::civil::date(2028, 7, 29),
    )
}

/// Each tool item's title and dates, by title (a copy carries tools in
/// category order).
fn dated(ws: &Workspace, course: CourseKey) -> Vec<(String, ToolDates)> {
    let mut items: Vec<_> =
        ws.course(course).unwrap().tools().iter().map(|i| (i.title().to_string(), i.dates())).collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items
}

/// DAT-5: a copy through the LMS flow moves every dated item, each date by
/// itself on its weekday by DAT-1 and DAT-3 (here the ranges are 52 weeks
/// apart and as long: every date moves 364 days), each at its own local
/// time of day across the daylight-saving change (DAT-2). The report lists every
/// shifted item with old and new dates, names the copy's items, and warns
/// for the event outside the new duration; the task is still Complete.
#[test]
fn dat5_copy_moves_every_date_and_reports_it() {
    let Term { mut ws, author, course, quiz, event, .. } = term();
    let request =
        CopyRequest::new(CopyTarget::NewCourse { course_id: "HIST-200-2028".into() }).date_shift(next_spring());
    let task = ws.request_copy(author, course, &request).unwrap();
    ws.run_all_tasks();
    let status = ws.task_status(task).unwrap();
    let TaskState::Complete { course: copy } = status.state else { panic!("{:?}", status.state) };
    let report = status.date_shift.expect("a report");
    assert_eq!(report.time_zone, BERLIN);

    let (before, after) = (dated(&ws, course), dated(&ws, copy));
    assert_eq!(before.len(), after.len());
    for ((title, old), (copy_title, new)) in before.iter().zip(&after) {
        assert_eq!(title, copy_title);
        assert_eq!(old.is_empty(), new.is_empty(), "{title}");
        let Some(first) = old.earliest() else { continue };
        let moved = new.earliest().unwrap();
        assert_eq!(local(BERLIN, first).date().weekday(), local(BERLIN, moved).date().weekday(), "{title}");
        let days = local(BERLIN, moved).date().since(local(BERLIN, first).date()).unwrap().get_days();
        for ((f, o), (g, n)) in old.iter().zip(new.iter()) {
            assert_eq!(f, g);
            assert_eq!(local(BERLIN, o).time(), local(BERLIN, n).time(), "{title} {f:?}: local time of day kept");
            let moved_by = local(BERLIN, n).date().since(local(BERLIN, o).date()).unwrap().get_days();
            assert_eq!(moved_by, days, "{title} {f:?}: moved together");
        }
        if let (Some(start), Some(end)) = (new.start_date(), new.end_date()) {
            assert!(end >= start, "{title} ends before it starts");
        }
        // The report says the same, naming the copy's item.
        let entry = report.shifted.iter().find(|s| &*s.title == title.as_str()).unwrap();
        assert_eq!((entry.old, entry.new), (*old, *new));
    }
    // The quiz opens on Monday 2028-03-20 at 09:00 and closes a week later
    // at 23:59, across 2028's change (March 26): both in local time.
    let new_quiz = ws.course(copy).unwrap().tools().iter().find(|i| i.title() == "Quiz 1").unwrap().dates();
    assert_eq!(new_quiz.start_date(), Some(at(BERLIN, "2028-03-20T09:00")));
    assert_eq!(new_quiz.end_date(), Some(at(BERLIN, "2028-03-27T23:59")));
    assert_eq!(new_quiz.due_date(), Some(at(BERLIN, "2028-03-24T23:59")));
    // Every dated item is listed, with the course's own dates; not the blog.
    assert_eq!(report.shifted.len(), 7 + 2);
    assert!(report.shifted.iter().all(|s| &*s.title != "Diary"));
    let quiz_entry = report.shifted.iter().find(|s| &*s.title == "Quiz 1").unwrap();
    let copy_quiz = ws.course(copy).unwrap().tools().iter().find(|i| i.title() == "Quiz 1").unwrap().id();
    assert_eq!(
        quiz_entry.item,
        DatedItem::Tool { category: Category::Assessments, source_item: quiz, item: copy_quiz }
    );
    let Duration::DateRange { start, end } = ws.course(copy).unwrap().settings().duration() else { panic!() };
    assert_eq!(
        (local(BERLIN, start).date(), local(BERLIN, end).date()),
        ("2028-02-28".parse().unwrap(), "2028-07-29".parse().unwrap())
    );
    // The excursion stays after the course: two warnings (start and end),
    // nothing else.
    assert_eq!(report.warnings.len(), 2);
    assert!(
        report.warnings.iter().all(|w| matches!(w.item(), DatedItem::Tool { source_item, .. } if source_item == event))
    );
    assert!(ws.course(copy).unwrap().tools().iter().any(|i| i.title() == "Diary" && i.dates().is_empty()));
    // The copy keeps the source's zone.
    assert_eq!(ws.course(copy).unwrap().time_zone(), BERLIN);
}

/// DAT-5, as a term roll-over meets it: with Monday → Tuesday, an
/// assessment open Monday and due Friday 23:59 opens on a Tuesday and is
/// still due Friday 23:59 (each date by itself); the copy's duration is
/// exactly the range asked for; an event from Monday 09:00, the term's
/// first day, to Tuesday 08:00 would end before it starts (its Monday
/// cannot go back a week before the new start, so it moves to Tuesday
/// 09:00), so it keeps its length, from its start, and the report warns
/// about it; the task still completes.
#[test]
fn dat5_a_weekday_substitution_leaves_deadlines_on_their_day() {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let chicago = "America/Chicago";
    let c = |s: &str| at(chicago, s);
    let spec = NewCourse::new("BIO-200", "Biology")
        .time_zone(coursecopy::Zone::get(chicago).unwrap())
        .duration(Duration::DateRange { start: c("2027-04-05T00:00"), end: c("2027-06-25T23:59") });
    let course = ws.create_course(admin, spec).unwrap();
    let dates = ToolDates::new().start(c("2027-04-12T08:00")).end(c("2027-04-16T23:59")).due(c("2027-04-16T23:59"));
    ws.add_tool(admin, course, ToolDraft::new(Category::Assessments, "Quiz").dates(dates)).unwrap();
    let trip = ToolDates::new().start(c("2027-04-05T09:00")).end(c("2027-04-06T08:00"));
    let event = ws.add_tool(admin, course, ToolDraft::new(Category::Calendar, "Field trip").dates(trip)).unwrap();
    let shift = DateShift::by_range_dates(
        coursecopy::jiff::civil::date(2027, 4, 5),
        coursecopy::jiff::civil::date(2027, 6, 25),
        coursecopy::jiff::civil::date(2028, 4, 10),
        coursecopy::jiff::civil::date(2028, 6, 30),
    )
    .substitute(coursecopy::jiff::civil::Weekday::Monday, coursecopy::jiff::civil::Weekday::Tuesday);
    let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "BIO-200-2028".into() }).date_shift(shift);
    let task = ws.request_copy(admin, course, &request).unwrap();
    ws.run_all_tasks();
    let status = ws.task_status(task).unwrap();
    let TaskState::Complete { course: copy } = status.state else { panic!("{:?}", status.state) };
    let new = |title: &str| ws.course(copy).unwrap().tools().iter().find(|i| i.title() == title).unwrap().dates();
    // 2027-04-12 is 7 days in: 2028-04-17, a Monday; Tuesday 04-18, back a
    // week to 04-11 (not before the new start). Friday 04-16 → Friday 2028-04-21.
    assert_eq!(new("Quiz").start_date(), Some(c("2028-04-11T08:00")));
    assert_eq!(new("Quiz").end_date(), Some(c("2028-04-21T23:59")));
    assert_eq!(new("Quiz").due_date(), Some(c("2028-04-21T23:59")), "still Friday 23:59");
    // Monday 04-05 → Monday 2028-04-10 → Tuesday 04-11 (a week back is
    // before the new start); Tuesday 04-06 → Tuesday 2028-04-11 08:00, an
    // hour before: the end keeps its 23 hours from the start instead.
    assert_eq!(new("Field trip").start_date(), Some(c("2028-04-11T09:00")));
    assert_eq!(new("Field trip").end_date(), Some(c("2028-04-12T08:00")));
    assert_eq!(
        ws.course(copy).unwrap().settings().duration(),
        Duration::DateRange { start: c("2028-04-10T00:00"), end: c("2028-06-30T23:59") },
        "exactly the new range"
    );
    let report = status.date_shift.unwrap();
    let item = |source| {
        report
            .shifted
            .iter()
            .find(|s| matches!(s.item, DatedItem::Tool { source_item, .. } if source_item == source))
            .unwrap()
    };
    assert!(item(event).kept_distances);
    assert_eq!(report.shifted.iter().filter(|s| s.kept_distances).count(), 1);
    assert!(matches!(
        report.warnings.as_slice(),
        [DateWarning::KeptDistances { item: DatedItem::Tool { source_item, .. } }] if *source_item == event
    ));
    // Printed, the report names items by their titles.
    let printed = report.to_string();
    assert!(printed.starts_with("dates shifted in America/Chicago\n"), "{printed}");
    assert!(printed.contains("  Field trip: start 2027-04-05T14:00:00.000Z -> 2028-04-11T14:00:00.000Z"), "{printed}");
    assert!(printed.contains("(kept its distances)\nwarning: \"Field trip\""), "{printed}");
}

/// DAT-5 with LMS-8 and LMS-7: shifted are exactly the items the copy
/// carries, as they were when the request was accepted; a later edit of
/// the source changes neither the copy nor its report.
#[test]
fn dat5_selection_and_point_in_time_hold() {
    let Term { mut ws, author, course, quiz, task, .. } = term();
    let mut selection = CopySelection::everything();
    selection.tasks = false;
    selection.settings.duration = false;
    let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "HIST-SEL".into() })
        .selection(selection)
        .date_shift(DateShift::by_days(7));
    let job = ws.request_copy(author, course, &request).unwrap();
    let quiz_then = ws.course(course).unwrap().tools().get(quiz).unwrap().dates();
    // After acceptance, the source's quiz moves a month.
    let later = ToolDates::new().due(at(BERLIN, "2027-04-30T23:59"));
    ws.set_tool_dates(author, course, quiz, later).unwrap();
    ws.run_all_tasks();
    let status = ws.task_status(job).unwrap();
    let TaskState::Complete { course: copy } = status.state else { panic!() };
    let report = status.date_shift.unwrap();
    let copied_quiz = ws.course(copy).unwrap().tools().iter().find(|i| i.title() == "Quiz 1").unwrap().dates();
    assert_eq!(copied_quiz.start_date(), Some(at(BERLIN, "2027-03-29T09:00")), "the quiz as accepted, a week on");
    assert_eq!(report.shifted.iter().find(|s| &*s.title == "Quiz 1").unwrap().old, quiz_then);
    assert!(
        report.shifted.iter().all(|s| !matches!(s.item, DatedItem::Tool { source_item, .. } if source_item == task))
    );
    assert!(report.shifted.iter().all(|s| s.item != DatedItem::Duration), "the duration was not copied");
    assert!(ws.course(copy).unwrap().tools().iter().all(|i| i.category() != Category::Tasks));
    assert!(report.shifted.iter().any(|s| s.item == DatedItem::EnrollmentWindow));
    assert!(report.warnings.is_empty(), "the copy has no date range");
}

/// DAT-2: a copy into an existing course in another zone shifts in the
/// source's zone; the target keeps its own zone and shows the instants.
#[test]
fn dat2_copy_into_a_course_in_another_zone_shifts_in_the_source_zone() {
    let Term { mut ws, author, course, quiz, .. } = term();
    let target = ws
        .create_course(
            author,
            NewCourse::new("HIST-NY", "History, New York")
                .time_zone(coursecopy::Zone::get("America/New_York").unwrap()),
        )
        .unwrap();
    let mut selection = CopySelection::nothing();
    selection.assessments = true;
    let request =
        CopyRequest::new(CopyTarget::Existing(target.into())).selection(selection).date_shift(DateShift::by_days(7));
    let job = ws.request_copy(author, course, &request).unwrap();
    ws.run_all_tasks();
    assert_eq!(ws.task_status(job).unwrap().state.name(), "Complete");
    let old = ws.course(course).unwrap().tools().get(quiz).unwrap().dates();
    let new = ws.course(target).unwrap().tools().iter().next().unwrap().dates();
    // 23:59 in Berlin before and after (the quiz's end crosses March 28).
    assert_eq!(local(BERLIN, new.end_date().unwrap()).time(), local(BERLIN, old.end_date().unwrap()).time());
    assert_eq!(new.end_date(), Some(at(BERLIN, "2027-04-05T23:59")));
    assert_eq!(ws.course(target).unwrap().time_zone(), "America/New_York");
}

/// DAT-4: removing dates leaves the copy's dated items with none; its
/// duration runs on without end; its enrollment window is open.
#[test]
fn dat4_remove_dates_leaves_the_copy_without_dates() {
    let Term { mut ws, author, course, .. } = term();
    let options = CopyOptions::new().course_id("HIST-UNDATED").date_shift(DateShift::remove_dates());
    let report = ws.copy_course_with_report(author, course, CopyMode::Duplicate, &options).unwrap();
    let copy = report.course;
    assert!(ws.course(copy).unwrap().tools().iter().all(|i| i.dates().is_empty()));
    assert_eq!(ws.course(copy).unwrap().settings().duration(), Duration::Continuous);
    assert!(matches!(
        ws.course(copy).unwrap().settings().enrollment(),
        Enrollment::SelfEnrollment { start: None, end: None, access_code: Some(_) }
    ));
    let shifted = report.date_shift.unwrap().shifted;
    assert_eq!(shifted.len(), 9);
    assert!(shifted.iter().all(|s| s.new.is_empty() && !s.old.is_empty()));
    assert!(!dated(&ws, course).iter().all(|(_, d)| d.is_empty()), "the source keeps its dates");
}

/// DAT-5: without a shift, a copy carries the dates as they are, and
/// reports no shift.
#[test]
fn dat5_a_copy_without_a_shift_keeps_dates_and_reports_none() {
    let Term { mut ws, author, course, .. } = term();
    for mode in [CopyMode::Share, CopyMode::Duplicate, CopyMode::Linked] {
        let report = ws.copy_course_with_report(author, course, mode, &CopyOptions::new()).unwrap();
        assert_eq!(dated(&ws, report.course), dated(&ws, course), "{mode:?}");
        assert_eq!(report.date_shift, None);
    }
}

/// DAT-6: a shift in place, with a preview that says exactly what it
/// does; refused without edit rights, on a locked course, on a course a
/// copy is filling; a failing shift changes nothing.
#[test]
fn dat6_shift_in_place_with_preview_atomic_and_checked() {
    let Term { mut ws, admin, author, reviewer, course, .. } = term();
    let before = ws.course(course).unwrap().clone();
    let preview = ws.preview_date_shift(course, &next_spring()).unwrap();
    assert_eq!(ws.course(course).unwrap(), &before, "a preview changes nothing");
    assert!(matches!(ws.shift_course_dates(reviewer, course, &next_spring()), Err(Error::Forbidden { .. })));
    // Far out of range: every check before any write.
    let err = ws.shift_course_dates(author, course, &DateShift::by_days(4_000_000)).unwrap_err();
    assert!(matches!(err, Error::Invalid { field: coursecopy::Field::Date, .. }), "{err}");
    assert_eq!(ws.course(course).unwrap(), &before, "a failing shift changes nothing");
    ws.lock_course(admin, course).unwrap();
    assert!(matches!(ws.shift_course_dates(author, course, &next_spring()), Err(Error::Locked { .. })));
    ws.unlock_course(admin, course).unwrap();
    let target = ws.create_course(author, NewCourse::new("HIST-T", "t")).unwrap();
    let job = ws.request_copy(author, course, &CopyRequest::new(CopyTarget::Existing(target.into()))).unwrap();
    assert!(matches!(ws.shift_course_dates(author, target, &next_spring()), Err(Error::Busy { .. })));
    ws.cancel_task(author, job).unwrap();

    let done = ws.shift_course_dates(author, course, &next_spring()).unwrap();
    assert_eq!(done, preview);
    for s in &done.shifted {
        if let DatedItem::Tool { item, .. } = s.item {
            assert_eq!(ws.course(course).unwrap().tools().get(item).unwrap().dates(), s.new);
        }
    }
    let Duration::DateRange { start, .. } = ws.course(course).unwrap().settings().duration() else { panic!() };
    assert_eq!(local(BERLIN, start).date(), "2028-02-28".parse().unwrap());
    assert_eq!(done.warnings.len(), 2, "the excursion is still after the course");
    ws.check_integrity().unwrap();
}

/// A course's time zone: UTC unless set, set at creation and by an update,
/// an unknown zone refused naming `timeZone`.
#[test]
fn dat_course_time_zone_is_set_at_creation_and_by_update() {
    let (mut ws, admin) = Workspace::with_admin("Ada").unwrap();
    let plain = ws.create_course(admin, NewCourse::new("A", "A")).unwrap();
    assert_eq!(ws.course(plain).unwrap().time_zone(), "UTC");
    let sydney = ws
        .create_course(admin, NewCourse::new("B", "B").time_zone(coursecopy::Zone::get("Australia/Sydney").unwrap()))
        .unwrap();
    assert_eq!(ws.course(sydney).unwrap().time_zone(), "Australia/Sydney");
    ws.update_course(admin, plain, CourseChange::new().time_zone(coursecopy::Zone::get("America/New_York").unwrap()))
        .unwrap();
    assert_eq!(ws.course(plain).unwrap().time_zone(), "America/New_York");
    // A zone the bundled database does not know is refused where it is made.
    for unknown in ["Europe/Atlantis", ""] {
        let err = Zone::get(unknown).unwrap_err();
        assert!(matches!(err, Error::Invalid { field: coursecopy::Field::TimeZone, .. }), "{err}");
    }
    let copy = ws
        .copy_course(
            admin,
            sydney,
            CopyMode::Duplicate,
            &CopyOptions::new().time_zone(coursecopy::Zone::get("Asia/Tokyo").unwrap()),
        )
        .unwrap();
    assert_eq!(ws.course(copy).unwrap().time_zone(), "Asia/Tokyo");
}

/// Dated items: only the dates a category takes, no end before its start,
/// each refused naming the field; a refused change changes nothing.
#[test]
fn dat_dated_items_are_validated_naming_the_field() {
    let Term { mut ws, author, reviewer, course, quiz, task, blog, .. } = term();
    let before = ws.course(course).unwrap().clone();
    let backwards = ToolDates::new().start(t("2027-05-01T00:00:00Z")).end(t("2027-04-01T00:00:00Z"));
    let field = |r: Result<(), Error>| match r {
        Err(Error::Invalid { field, .. }) => field.name(),
        other => panic!("{other:?}"),
    };
    assert_eq!(field(ws.set_tool_dates(author, course, quiz, backwards)), "end");
    assert_eq!(
        field(ws.set_tool_dates(author, course, task, ToolDates::new().start(t("2027-05-01T00:00:00Z")))),
        "start"
    );
    assert_eq!(field(ws.set_tool_dates(author, course, blog, ToolDates::new().due(t("2027-05-01T00:00:00Z")))), "due");
    let draft = ToolDraft::new(Category::Calendar, "Backwards").dates(backwards);
    assert!(matches!(ws.add_tool(author, course, draft), Err(Error::Invalid { field: coursecopy::Field::End, .. })));
    assert!(matches!(ws.set_tool_dates(reviewer, course, quiz, ToolDates::new()), Err(Error::Forbidden { .. })));
    assert_eq!(ws.course(course).unwrap(), &before);
    // Equal start and end is fine; clearing dates too.
    let instant = ToolDates::new().start(t("2027-05-01T00:00:00Z")).end(t("2027-05-01T00:00:00Z"));
    ws.set_tool_dates(author, course, quiz, instant).unwrap();
    ws.set_tool_dates(author, course, quiz, ToolDates::new()).unwrap();
    assert!(ws.course(course).unwrap().tools().get(quiz).unwrap().dates().is_empty());
}

/// DAT-7: the JSON copy request takes `dateShift` as Canvas's
/// content-migration options in camelCase; create and PATCH take
/// `timeZone`; the task's JSON shows the report as `dateShift`.
#[cfg(feature = "serde")]
#[test]
fn dat7_json_date_shift_and_time_zone() {
    let Term { mut ws, author, course, .. } = term();
    let body = serde_json::json!({
        "targetCourse": {"courseId": "HIST-JSON"},
        "copy": null,
        "dateShift": {
            "shiftDates": true,
            "oldStartDate": "2027-03-01", "oldEndDate": "2027-07-31",
            "newStartDate": "2028-02-28T00:00:00Z", "newEndDate": "2028-07-29",
            "daySubstitutions": {"1": "2", "5": 4}
        }
    });
    let request: CopyRequest = serde_json::from_value::<LearnCopyRequest>(body).unwrap().into();
    let expected = next_spring()
        .substitute(coursecopy::jiff::civil::Weekday::Monday, coursecopy::jiff::civil::Weekday::Tuesday)
        .substitute(coursecopy::jiff::civil::Weekday::Friday, coursecopy::jiff::civil::Weekday::Thursday);
    // The new start given as a timestamp counts by the date written.
    let job = ws.request_copy(author, course, &request).unwrap();
    ws.run_all_tasks();
    let status = ws.task_status(job).unwrap();
    let TaskState::Complete { course: copy } = status.state else { panic!() };
    let with_api = ws.preview_date_shift(course, &expected).unwrap();
    let by_title = |shifted: &[ShiftedItem]| {
        let mut out: Vec<_> = shifted.iter().map(|s| (s.title.clone(), s.old, s.new)).collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    };
    assert_eq!(by_title(&status.date_shift.as_ref().unwrap().shifted), by_title(&with_api.shifted));
    // Monday items moved to Tuesday.
    let quiz = ws.course(copy).unwrap().tools().iter().find(|i| i.title() == "Quiz 1").unwrap().dates();
    assert_eq!(local(BERLIN, quiz.start_date().unwrap()).date().weekday(), jiff::civil::Weekday::Tuesday);
    let json = serde_json::to_value(&status).unwrap();
    assert_eq!(json["status"], "Complete");
    assert_eq!(json["dateShift"]["timeZone"], BERLIN);
    assert_eq!(json["dateShift"]["shifted"].as_array().unwrap().len(), 9);
    assert_eq!(json["dateShift"]["warnings"][0]["field"], "start");

    // Precedence and shapes: remove beats days beats range; shiftDates
    // false turns days and range off; no key, no change.
    let parse = |v: serde_json::Value| {
        serde_json::from_value::<LearnCopyRequest>(
            serde_json::json!({"targetCourse": {"courseId": "X"}, "dateShift": v}),
        )
    };
    let shift = |v| parse(v).unwrap().0.date_shift;
    assert_eq!(shift(serde_json::json!({"removeDates": true, "shiftDays": 7})), DateShift::remove_dates());
    assert_eq!(
        shift(
            serde_json::json!({"shiftDays": 7, "oldStartDate": "2027-03-01", "oldEndDate": "2027-07-31", "newStartDate": "2028-02-28", "newEndDate": "2028-07-29"})
        ),
        DateShift::by_days(7)
    );
    assert_eq!(shift(serde_json::json!({"shiftDates": false, "shiftDays": 7})), DateShift::new());
    // Timestamps count by the date written at their start, whatever their
    // offset, as Canvas reads them.
    assert_eq!(
        shift(serde_json::json!({"oldStartDate": "2027-03-01T23:30:00-05:00", "oldEndDate": "2027-07-31T00:00:00Z",
                                 "newStartDate": "2028-02-28T00:00:00.000Z", "newEndDate": "2028-07-29"})),
        next_spring()
    );
    assert_eq!(
        shift(serde_json::json!({"oldStartDate": "2027-03-01"})),
        DateShift::new(),
        "a range needs all four dates"
    );
    assert_eq!(shift(serde_json::Value::Null), DateShift::new());
    // A date of the right form that does not exist says what is wrong
    // with it, not that its form is wrong.
    let month = parse(serde_json::json!({"oldStartDate": "2027-13-01"})).unwrap_err().to_string();
    assert!(month.contains("dateShift.oldStartDate") && month.contains("month"), "{month}");
    assert!(!month.contains("form"), "{month}");
    let plain: CopyRequest =
        serde_json::from_value::<LearnCopyRequest>(serde_json::json!({"targetCourse": {"courseId": "X"}}))
            .unwrap()
            .into();
    assert_eq!(plain.date_shift, DateShift::new());
    for (bad, field) in [
        (serde_json::json!({"daySubstitutions": {"7": "1"}}), "dateShift.daySubstitutions.7"),
        (serde_json::json!({"daySubstitutions": {"1": "9"}}), "dateShift.daySubstitutions.1"),
        (serde_json::json!({"oldStartDate": "spring"}), "dateShift.oldStartDate"),
        (serde_json::json!({"shiftDays": "a week"}), "dateShift.shiftDays"),
        (serde_json::json!({"removeDates": "maybe"}), "dateShift.removeDates"),
    ] {
        let err = parse(bad.clone()).unwrap_err().to_string();
        assert!(err.contains(field), "{bad}: {err}");
    }

    let created: NewCourse = serde_json::from_value::<LearnNewCourse>(
        serde_json::json!({"courseId": "TZ-1", "name": "Zones", "timeZone": "Asia/Tokyo"}),
    )
    .unwrap()
    .into();
    let tz = ws.create_course(author, created).unwrap();
    assert_eq!(ws.course(tz).unwrap().time_zone(), "Asia/Tokyo");
    // An unknown zone is refused as the JSON is read, naming its key.
    let patch = serde_json::from_value::<LearnCourseChange>(serde_json::json!({"timeZone": "Nowhere/Special"}));
    let err = patch.unwrap_err().to_string();
    assert!(
        err.starts_with("timeZone: ") && err.contains("\"Nowhere/Special\" is not a known IANA time zone"),
        "{err}"
    );
}

/// Saving and loading keeps zones, dates, a pending copy's shift and a
/// finished copy's report; the pending copy ends as it would have.
#[cfg(feature = "serde")]
#[test]
fn dat_saved_workspace_keeps_dates_and_pending_shifts() {
    let Term { mut ws, author, course, .. } = term();
    let request = CopyRequest::new(CopyTarget::NewCourse { course_id: "HIST-DONE".into() }).date_shift(next_spring());
    let done = ws.request_copy(author, course, &request).unwrap();
    ws.run_all_tasks();
    let target = ws
        .create_course(
            author,
            NewCourse::new("HIST-OLD", "t").time_zone(coursecopy::Zone::get("America/New_York").unwrap()),
        )
        .unwrap();
    ws.add_tool(
        author,
        target,
        ToolDraft::new(Category::Tasks, "Own").dates(ToolDates::new().due(t("2027-01-01T00:00:00Z"))),
    )
    .unwrap();
    let request = CopyRequest::new(CopyTarget::Existing(target.into())).date_shift(DateShift::by_days(-3));
    let pending = ws.request_copy(author, course, &request).unwrap();
    ws.run_tasks(3);
    let saved = serde_json::to_string(&ws).unwrap();
    let mut loaded: Workspace = serde_json::from_str(&saved).unwrap();
    assert_eq!(loaded, ws);
    assert_eq!(loaded.task_status(done).unwrap().date_shift, ws.task_status(done).unwrap().date_shift);
    ws.run_all_tasks();
    loaded.run_all_tasks();
    assert_eq!(loaded, ws);
    assert_eq!(loaded.task_status(pending).unwrap().date_shift, ws.task_status(pending).unwrap().date_shift);
    assert!(ws.task_status(pending).unwrap().date_shift.is_some());

    // A tampered date is refused, naming where.
    let backwards = saved.replacen("\"end\":\"2027-03-29", "\"end\":\"2026-03-29", 1);
    assert_ne!(backwards, saved);
    let err = serde_json::from_str::<Workspace>(&backwards).unwrap_err().to_string();
    assert!(err.contains("dates.") && err.contains("end"), "{err}");
    let zone = saved.replacen(BERLIN, "Europe/Nowhere", 1);
    let err = serde_json::from_str::<Workspace>(&zone).unwrap_err().to_string();
    assert!(err.contains("time_zone"), "{err}");
}
