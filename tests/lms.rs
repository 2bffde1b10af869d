//! The LMS copy flow (LMS-1..10, LMS-12), on chosen cases. The property
//! tests in `lms_props.rs` check LMS-4, 5, 7 and 9 on random ones.

mod common;
use common::lms::*;
use common::{lo_list, outline, page_at, titles};
use coursecopy::*;

/// Everything but tasks: courses, LOs, pages, styles, library, users.
fn content(ws: &Workspace) -> String {
    let courses: Vec<_> = ws.courses().map(|(k, c)| (k, c.clone())).collect();
    let los: Vec<_> = ws.learning_objects().map(|(k, l)| (k, l.clone())).collect();
    let pages: Vec<_> = ws.pages().map(|(k, p)| (k, p.clone())).collect();
    let styles: Vec<_> = ws.styles().map(|(k, s)| (k, s.clone())).collect();
    let library: Vec<_> = ws.library().map(|(k, e)| (k, e.clone())).collect();
    format!("{courses:?}{los:?}{pages:?}{styles:?}{library:?}")
}

/// LMS-1: a request names source, target and mode; with no selective
/// options it is an exact copy, Duplicate by default.
#[test]
fn lms1_request_without_options_is_an_exact_duplicate() {
    let mut w = lms_world(3);
    let task = w.ws.request_copy(w.author, w.course, &to_new("BIO-201")).unwrap();
    w.ws.run_all_tasks();
    let (copy, issues) = finished(&w.ws, task);
    assert!(issues.is_empty(), "{issues:?}");
    let (s, c) = (w.ws.course(w.course).unwrap(), w.ws.course(copy).unwrap());
    assert_eq!((c.course_id(), c.external_id()), ("BIO-201", "BIO-201"));
    assert_eq!((c.title(), c.description()), (s.title(), s.description()));
    assert_eq!(c.settings(), s.settings());
    assert_eq!(c.assigned_users().collect::<Vec<_>>(), s.assigned_users().collect::<Vec<_>>());
    // Duplicate: new LOs with equal pages (styles dropped: none were set).
    assert_eq!(outline(&w.ws, copy), outline(&w.ws, w.course));
    assert!(lo_list(&w.ws, copy).iter().all(|lo| !w.los.contains(lo)));
    // Tools: equal, with links remapped; grades, members, replies left out.
    let (src_tools, copy_tools) = (tool_view(&w.ws, w.course), tool_view(&w.ws, copy));
    assert_eq!(src_tools.len(), copy_tools.len());
    assert!(copy_tools.contains(&"Gradebook Quiz 1 score tool:Quiz 1 [] [] grades=0".to_string()), "{copy_tools:#?}");
    assert!(copy_tools.contains(&"Discussions Questions - [\"Ask here\"] [] grades=0".to_string()));
    assert!(copy_tools.contains(&"GroupSettings Lab pairs - [] [\"Pair 1(0)\"] grades=0".to_string()));
    assert!(copy_tools.contains(&"AdaptiveReleaseRules After unit 0 lo:Unit 0 [] [] grades=0".to_string()));
    let release = c.tools().of(Category::AdaptiveReleaseRules).next().unwrap();
    assert_eq!(release.link(), Some(ToolLink::Content(lo_list(&w.ws, copy)[0])), "remapped to the new LO");
    w.ws.check_integrity().unwrap();
}

/// LMS-1: mode Share through a request shares the LOs.
#[test]
fn lms1_request_in_share_mode_shares_the_los() {
    let mut w = lms_world(2);
    let task = w.ws.request_copy(w.author, w.course, &to_new("BIO-S").mode(CopyMode::Share)).unwrap();
    w.ws.run_all_tasks();
    let (copy, _) = finished(&w.ws, task);
    assert_eq!(lo_list(&w.ws, copy), w.los);
    let release = w.ws.course(copy).unwrap().tools().of(Category::AdaptiveReleaseRules).next().unwrap().link();
    assert_eq!(release, Some(ToolLink::Content(w.los[0])));
}

/// LMS-2: a taken course_id or external_id is refused at request time and
/// nothing is created.
#[test]
fn lms2_conflicts_are_refused_at_request_time() {
    let mut w = lms_world(1);
    let before = w.ws.clone();
    assert_eq!(
        w.ws.request_copy(w.author, w.course, &to_new("BIO-101")),
        Err(Error::Conflict { field: coursecopy::Field::CourseId, value: "BIO-101".into(), holder: w.course })
    );
    assert_eq!(
        w.ws.request_copy(w.author, w.course, &to_new("ext-bio-101")),
        Err(Error::Conflict { field: coursecopy::Field::ExternalId, value: "ext-bio-101".into(), holder: w.course })
    );
    assert_eq!(w.ws, before);
    // A pending request holds its id at once.
    w.ws.request_copy(w.author, w.course, &to_new("BIO-2")).unwrap();
    assert!(matches!(w.ws.request_copy(w.author, w.course, &to_new("BIO-2")), Err(Error::Conflict { .. })));
}

/// LMS-3: copying into an existing course adds after what is there and
/// removes nothing.
#[test]
fn lms3_copy_into_an_existing_course_appends() {
    let mut w = lms_world(2);
    let other = w.ws.create_course(w.author, NewCourse::new("CHEM-1", "Chemistry").guest_access(false)).unwrap();
    let own = w.ws.create_learning_object(w.author, other, "Atoms", "").unwrap();
    let own_tool = w.ws.add_tool(w.author, other, ToolDraft::new(Category::Announcements, "Mine")).unwrap();
    let target = CopyRequest::new(CopyTarget::Existing("courseId:CHEM-1".parse().unwrap()));
    let task = w.ws.request_copy(w.author, w.course, &target).unwrap();
    w.ws.run_all_tasks();
    let (course, _) = finished(&w.ws, task);
    assert_eq!(course, other);
    let los = lo_list(&w.ws, other);
    assert_eq!(los.len(), 3);
    assert_eq!(los[0], own, "what was there stays first");
    let c = w.ws.course(other).unwrap();
    assert_eq!(c.course_id(), "CHEM-1");
    assert_eq!(c.title(), "Chemistry");
    assert!(c.tools().get(own_tool).is_some());
    assert_eq!(c.tools().len(), 1 + w.ws.course(w.course).unwrap().tools().len());
    assert!(c.settings().guest_access(), "selected settings are copied over");
    w.ws.check_integrity().unwrap();
}

/// LMS-4: states Queued (with place) -> Running (percent) -> Complete;
/// cancel and failure undo everything.
#[test]
fn lms4_states_and_clean_up_on_cancel_and_failure() {
    let mut w = lms_world(5);
    let before = content(&w.ws);
    let t1 = w.ws.request_copy(w.author, w.course, &to_new("A1")).unwrap();
    let t2 = w.ws.request_copy(w.author, w.course, &to_new("A2")).unwrap();
    w.ws.set_task_limit(w.admin, 1).unwrap();
    assert_eq!(w.ws.task_status(t1).unwrap().state, TaskState::Queued { position: 1 });
    assert_eq!(w.ws.task_status(t2).unwrap().state, TaskState::Queued { position: 2 });
    assert_eq!(w.ws.run_tasks(3), 3);
    assert!(matches!(w.ws.task_status(t1).unwrap().state, TaskState::Running { percent } if percent > 15));
    assert_eq!(w.ws.task_status(t2).unwrap().state, TaskState::Queued { position: 1 });
    assert!(w.ws.task_status(t1).unwrap().started.is_some());

    // Cancel the running one: its new course is gone, as are its LOs.
    let target = w.ws.task_status(t1).unwrap().target;
    assert!(w.ws.course(target).is_ok());
    w.ws.cancel_task(w.author, t1).unwrap();
    assert_eq!(w.ws.task_status(t1).unwrap().state, TaskState::Cancelled);
    assert!(w.ws.course(target).is_err());
    assert_eq!(w.ws.cancel_task(w.author, t1), Err(Error::TaskEnded { task: t1 }));

    // Fail the other: its requester loses the right to create courses.
    w.ws.run_tasks(4);
    w.ws.set_role(w.admin, w.author, Role::Reviewer).unwrap();
    w.ws.run_all_tasks();
    match w.ws.task_status(t2).unwrap().state {
        TaskState::Incomplete { reason } => assert!(reason.contains("may not create courses"), "{reason}"),
        other => panic!("{other:?}"),
    }
    w.ws.set_role(w.admin, w.author, Role::Author).unwrap();
    assert_eq!(content(&w.ws), before, "cancelled and failed copies leave nothing behind");
    w.ws.check_integrity().unwrap();

    // An existing target is put back exactly as it was.
    let other = w.ws.create_course(w.author, NewCourse::new("X", "x")).unwrap();
    let before = content(&w.ws);
    let t3 = w.ws.request_copy(w.author, w.course, &CopyRequest::new(CopyTarget::Existing(other.into()))).unwrap();
    w.ws.run_tasks(9);
    assert_ne!(content(&w.ws), before);
    w.ws.cancel_task(w.admin, t3).unwrap();
    assert_eq!(content(&w.ws), before);
    // Only the requester or an Administrator may cancel.
    let t4 = w.ws.request_copy(w.admin, w.course, &to_new("A4")).unwrap();
    assert_eq!(
        w.ws.cancel_task(w.author, t4),
        Err(Error::Forbidden { user: w.author, action: Action::CancelTask(t4) })
    );
    w.ws.run_all_tasks();
    assert_eq!(w.ws.task_status(t4).unwrap().percent_complete, 100);
}

/// LMS-4: a copy cancelled after any number of units leaves nothing
/// behind, whatever it had copied: its new LOs and pages, and its tool
/// items that link to them, into a new course or an existing one.
#[test]
fn lms4_a_cancel_after_any_unit_leaves_nothing_behind() {
    let w = lms_world(2);
    let other = {
        let mut ws = w.ws.clone();
        ws.create_course(w.author, NewCourse::new("X", "x")).unwrap()
    };
    for existing in [false, true] {
        let mut base = w.ws.clone();
        if existing {
            base.create_course(w.author, NewCourse::new("X", "x")).unwrap();
        }
        let request = if existing { CopyRequest::new(CopyTarget::Existing(other.into())) } else { to_new("A1") };
        let total = {
            let mut ws = base.clone();
            ws.request_copy(w.author, w.course, &request).unwrap();
            ws.run_all_tasks()
        };
        assert!(total > 4, "{total} units");
        for units in 0..total {
            let mut ws = base.clone();
            let before = content(&ws);
            let task = ws.request_copy(w.author, w.course, &request).unwrap();
            ws.run_tasks(units);
            ws.cancel_task(w.author, task).unwrap();
            assert_eq!(content(&ws), before, "existing target: {existing}; cancelled after {units} of {total} units");
            ws.check_integrity().unwrap();
        }
    }
}

/// LMS-4: cancelling a copy undoes it in its target only. A course that
/// took a learning object from the target while the copy ran (a Share of
/// the target, a re-use) keeps it, pages and all; what nobody else took
/// is deleted.
#[test]
fn lms4_cancel_leaves_other_courses_what_they_took() {
    let mut w = lms_world(3);
    let task = w.ws.request_copy(w.author, w.course, &to_new("A1")).unwrap();
    w.ws.run_tasks(2 + 1 + 3 + 1); // settings, memberships, both LOs, the first one's pages
    let target = w.ws.task_status(task).unwrap().target;
    let copied = lo_list(&w.ws, target);
    assert_eq!(copied.len(), 2);
    let pages: Vec<PageKey> = w.ws.learning_object(copied[0]).unwrap().pages().collect();
    assert_eq!(pages.len(), 3);

    // The target can be read, so it can be shared while the copy runs.
    let shared = w.ws.share_course(w.author, target, &CopyOptions::new().course_id("S")).unwrap();
    assert_eq!(lo_list(&w.ws, shared), copied);
    w.ws.cancel_task(w.author, task).unwrap();

    assert!(w.ws.course(target).is_err());
    assert_eq!(lo_list(&w.ws, shared), copied, "the Share keeps both LOs");
    for lo in &copied {
        let record = w.ws.learning_object(*lo).unwrap();
        assert_eq!(record.used_in().iter().collect::<Vec<_>>(), [shared]);
        assert_eq!(record.parent(), None, "the course it was duplicated into is gone");
    }
    assert_eq!(w.ws.learning_object(copied[0]).unwrap().pages().collect::<Vec<_>>(), pages);
    w.ws.check_integrity().unwrap();

    // Without a Share of the target, the duplicated LOs and pages go.
    let task = w.ws.request_copy(w.author, w.course, &to_new("A2")).unwrap();
    w.ws.run_tasks(7);
    let target = w.ws.task_status(task).unwrap().target;
    let copied = lo_list(&w.ws, target);
    let page = w.ws.learning_object(copied[0]).unwrap().pages().next().unwrap();
    w.ws.cancel_task(w.author, task).unwrap();
    assert!(copied.iter().all(|lo| w.ws.learning_object(*lo).is_err()));
    assert!(w.ws.page(page).is_err());
    w.ws.check_integrity().unwrap();
}

/// LMS-5: a call does at most its budget; at most N tasks run at a time;
/// the rest wait in request order.
#[test]
fn lms5_budget_limit_and_request_order() {
    let mut w = lms_world(4);
    let tasks: Vec<_> =
        (0..6).map(|i| w.ws.request_copy(w.author, w.course, &to_new(&format!("T{i}"))).unwrap()).collect();
    assert_eq!(w.ws.task_limit(), 4);
    assert_eq!(w.ws.run_tasks(8), 8);
    let running = |ws: &Workspace| {
        tasks.iter().filter(|t| matches!(ws.task_status(**t).unwrap().state, TaskState::Running { .. })).count()
    };
    assert_eq!(running(&w.ws), 4);
    for (i, t) in tasks.iter().enumerate() {
        let state = w.ws.task_status(*t).unwrap().state;
        if i < 4 {
            assert!(matches!(state, TaskState::Running { .. }), "task {i}: {state:?}");
        } else {
            assert_eq!(state, TaskState::Queued { position: i - 3 });
        }
    }
    assert_eq!(w.ws.run_tasks(0), 0);
    let mut total = 16;
    loop {
        let done = w.ws.run_tasks(7);
        assert!(done <= 7);
        assert!(running(&w.ws) <= 4);
        total += done;
        if done < 7 {
            break;
        }
    }
    assert!(tasks.iter().all(|t| w.ws.task_status(*t).unwrap().state.is_finished()));
    assert_eq!(w.ws.run_tasks(5), 0, "nothing left to run");
    assert!(total > 0);
    assert!(matches!(w.ws.set_task_limit(w.admin, 0), Err(Error::Invalid { field: coursecopy::Field::Limit, .. })));
    assert!(matches!(w.ws.set_task_limit(w.author, 2), Err(Error::Forbidden { .. })));
}

/// LMS-4, LMS-5: the clock is an input. A task records the time its run
/// started from the caller, and two runs of the same calls with the same
/// times report the same statuses, start times included.
#[test]
fn lms5_run_at_records_the_given_time_and_replays_exactly() {
    let t0: Timestamp = "2027-01-31T09:30:00.000Z".parse().unwrap();
    let t1: Timestamp = "2027-01-31T09:31:00.000Z".parse().unwrap();
    let run = || {
        let mut w = lms_world(3);
        w.ws.set_task_limit(w.admin, 1).unwrap();
        let a = w.ws.request_copy(w.author, w.course, &to_new("A")).unwrap();
        let b = w.ws.request_copy(w.author, w.course, &to_new("B")).unwrap();
        w.ws.run_tasks_at(2, t0);
        assert_eq!(w.ws.task_status(a).unwrap().started, Some(t0));
        assert_eq!(w.ws.task_status(b).unwrap().started, None, "still queued");
        w.ws.run_all_tasks_at(t1);
        let statuses: Vec<TaskStatus> = [a, b].map(|t| w.ws.task_status(t).unwrap()).to_vec();
        assert_eq!(statuses[1].started, Some(t1), "B started when A had finished, in the second call");
        statuses.into_iter().map(|s| (s.state.name(), s.percent_complete, s.started)).collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

/// LMS-6: record and settings first, then memberships, in place by 15 %;
/// the target can be read, not edited, while the copy runs.
#[test]
fn lms6_work_order_memberships_by_15_percent_and_busy_target() {
    let mut w = lms_world(10);
    let task = w.ws.request_copy(w.author, w.course, &to_new("ORD")).unwrap();
    let target = w.ws.task_status(task).unwrap().target;
    // The record exists from the start and can be read.
    assert_eq!(w.ws.course(target).unwrap().title(), "Biology");
    assert_eq!(
        w.ws.update_course(w.author, target, CourseChange::new().title("x")),
        Err(Error::Busy { course: target, task })
    );
    assert!(!w.ws.can_edit(w.author, target));
    w.ws.run_tasks(1);
    let c = w.ws.course(target).unwrap();
    assert_eq!(c.settings(), w.ws.course(w.course).unwrap().settings(), "settings come first");
    assert_eq!(c.assigned_users().count(), 0);
    let pct = w.ws.task_status(task).unwrap().percent_complete;
    assert!(pct < 15, "{pct}");
    w.ws.run_tasks(1);
    assert_eq!(w.ws.course(target).unwrap().assigned_users().count(), 2, "memberships next");
    assert_eq!(w.ws.task_status(task).unwrap().percent_complete, 15);
    assert_eq!(lo_list(&w.ws, target).len(), 0, "content after memberships");
    w.ws.run_tasks(1);
    assert_eq!(lo_list(&w.ws, target).len(), 1);
    let page = w.ws.learning_object(lo_list(&w.ws, target)[0]).unwrap().pages().count();
    assert_eq!(page, 0, "one unit: the LO, then its pages one by one");
    w.ws.run_all_tasks();
    w.ws.update_course(w.author, target, CourseChange::new().title("Now editable")).unwrap();
}

/// LMS-7: the copy equals the source as it was when the request was
/// accepted, whatever edits the source receives meanwhile.
#[test]
fn lms7_copy_is_point_in_time() {
    let mut w = lms_world(4);
    let task = w.ws.request_copy(w.author, w.course, &to_new("PIT")).unwrap();
    let mut expected = w.ws.clone();
    expected.cancel_task(w.author, task).unwrap();
    let reference = expected.request_copy(w.author, w.course, &to_new("PIT")).unwrap();
    expected.run_all_tasks();
    let (ref_course, _) = finished(&expected, reference);

    w.ws.run_tasks(4);
    let pages: Vec<_> = w.ws.learning_object(w.los[0]).unwrap().pages().collect();
    w.ws.edit_page(w.author, w.course, pages[3], PageEdit::new().body("edited later")).unwrap();
    w.ws.delete_page(w.author, w.course, pages[2]).unwrap();
    w.ws.add_page(w.author, w.course, w.los[1], PageDraft::new("Added later", "x")).unwrap();
    let p1 = w.ws.learning_object(w.los[1]).unwrap().pages().next().unwrap();
    let style = w.ws.course(w.course).unwrap().styles().next();
    w.ws.set_page_style(w.author, w.course, p1, style).unwrap();
    w.ws.update_course(w.author, w.course, CourseChange::new().title("Renamed later").guest_access(false)).unwrap();
    w.ws.remove_tool(w.author, w.course, w.tools.quiz).unwrap();
    w.ws.run_tasks(3);
    w.ws.remove_learning_object(w.author, w.course, w.los[1]).unwrap();
    w.ws.delete_learning_object(w.author, w.los[1]).unwrap_err();
    w.ws.run_all_tasks();
    let (copy, issues) = finished(&w.ws, task);
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(outline(&w.ws, copy), outline(&expected, ref_course));
    assert_eq!(tool_view(&w.ws, copy), tool_view(&expected, ref_course));
    assert_eq!(w.ws.course(copy).unwrap().title(), "Biology");
    assert!(w.ws.course(copy).unwrap().settings().guest_access());
    w.ws.check_integrity().unwrap();
}

/// LMS-8: each category is copied only when selected; discussions in
/// three variants; settings one by one.
#[test]
fn lms8_selective_copy_by_category() {
    let mut w = lms_world(2);
    for category in Category::ALL {
        let mut only = CopySelection::nothing();
        match category {
            Category::Announcements => only.announcements = true,
            Category::Assessments => only.assessments = true,
            Category::Blogs => only.blogs = true,
            Category::Calendar => only.calendar = true,
            Category::Contacts => only.contacts = true,
            Category::Discussions => only.discussions = Discussions::ForumsOnly,
            Category::Glossary => only.glossary = true,
            Category::Gradebook => only.gradebook = true,
            Category::GroupSettings => only.group_settings = true,
            Category::Journals => only.journals = true,
            Category::Rubrics => only.rubrics = true,
            Category::Tasks => only.tasks = true,
            Category::Wikis => only.wikis = true,
            Category::AdaptiveReleaseRules => only.adaptive_release_rules = true,
            Category::ContentAlignments => only.content_alignments = true,
            Category::RetentionRules => only.retention_rules = true,
        }
        assert!(only.includes(category));
        let id = format!("ONLY-{category:?}");
        let task = w.ws.request_copy(w.author, w.course, &to_new(&id).selection(only)).unwrap();
        w.ws.run_all_tasks();
        let (copy, _) = finished(&w.ws, task);
        let c = w.ws.course(copy).unwrap();
        assert!(c.tools().iter().all(|i| i.category() == category), "{category:?}");
        assert_eq!(c.tools().len(), w.ws.course(w.course).unwrap().tools().of(category).count());
        assert!(lo_list(&w.ws, copy).is_empty(), "content areas not selected");
        assert_eq!(c.settings(), &CourseSettings::default(), "no setting selected");
        assert_eq!(c.assigned_users().count(), 2, "memberships always");
    }
    // Discussions: forums with starter posts; never replies.
    for (mode, posts) in [(Discussions::ForumsAndStarterPosts, 1), (Discussions::ForumsOnly, 0)] {
        let mut sel = CopySelection::nothing();
        sel.discussions = mode;
        let task = w.ws.request_copy(w.author, w.course, &to_new(&format!("D-{mode:?}")).selection(sel)).unwrap();
        w.ws.run_all_tasks();
        let (copy, _) = finished(&w.ws, task);
        let forum = w.ws.course(copy).unwrap().tools().of(Category::Discussions).next().unwrap().clone();
        assert_eq!(forum.posts().count(), posts);
        assert!(forum.posts().all(|p| !p.is_reply()));
    }
    // Settings one by one.
    let mut sel = CopySelection::nothing();
    sel.settings.guest_access = true;
    sel.settings.language_pack = true;
    let task = w.ws.request_copy(w.author, w.course, &to_new("SET").selection(sel)).unwrap();
    w.ws.run_all_tasks();
    let (copy, _) = finished(&w.ws, task);
    let s = w.ws.course(copy).unwrap().settings().clone();
    assert!(s.guest_access());
    assert_eq!(s.locale(), Some("en_GB"));
    assert!(!s.observer_access());
    assert_eq!(s.availability(), Availability::Yes);
    assert_eq!(s.banner_image(), None);
    // Content only.
    let mut sel = CopySelection::nothing();
    sel.content_areas = true;
    let task = w.ws.request_copy(w.author, w.course, &to_new("CONTENT").selection(sel)).unwrap();
    w.ws.run_all_tasks();
    let (copy, _) = finished(&w.ws, task);
    assert_eq!(outline(&w.ws, copy), outline(&w.ws, w.course));
    assert!(w.ws.course(copy).unwrap().tools().is_empty());
}

/// LMS-9: references to left-out items are dropped in the copy and listed;
/// the task ends CompleteWithErrors; no dangling handle.
#[test]
fn lms9_partial_copy_drops_and_reports_references() {
    let mut w = lms_world(2);
    let mut sel = CopySelection::everything();
    sel.assessments = false;
    sel.content_areas = false;
    let task = w.ws.request_copy(w.author, w.course, &to_new("PART").selection(sel)).unwrap();
    w.ws.run_all_tasks();
    let status = w.ws.task_status(task).unwrap();
    assert_eq!(status.state.name(), "CompleteWithErrors");
    let (copy, issues) = finished(&w.ws, task);
    let dropped: Vec<(Category, ToolId, ToolLink)> = issues
        .iter()
        .map(|i| match i {
            CopyIssue::DroppedLink { category, source_item, link, .. } => (*category, *source_item, *link),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        dropped,
        vec![
            (Category::Gradebook, w.tools.column, ToolLink::Tool(w.tools.quiz)),
            (Category::AdaptiveReleaseRules, w.tools.release, ToolLink::Content(w.los[0])),
            (Category::ContentAlignments, w.tools.alignment, ToolLink::Content(w.los[1])),
        ]
    );
    let c = w.ws.course(copy).unwrap();
    assert!(c.tools().of(Category::Gradebook).all(|i| i.link().is_none()));
    let rubric = c.tools().of(Category::Rubrics).next().unwrap();
    assert!(matches!(rubric.link(), Some(ToolLink::Tool(t)) if c.tools().get(t).is_some()), "rubric keeps its column");
    w.ws.check_integrity().unwrap();

    // A library item deleted after the request is dropped from the pages.
    let mut w = lms_world(1);
    let image = w.ws.page(w.ws.learning_object(w.los[0]).unwrap().pages().next().unwrap()).unwrap().items()[0];
    let task = w.ws.request_copy(w.author, w.course, &to_new("LATE")).unwrap();
    for lo in w.los.clone() {
        let pages: Vec<_> = w.ws.learning_object(lo).unwrap().pages().collect();
        for p in pages {
            w.ws.detach_item(w.author, w.course, p, image).unwrap();
        }
    }
    w.ws.update_course(w.author, w.course, CourseChange::new().banner_image(None)).unwrap();
    w.ws.delete_library_item(w.author, image).unwrap();
    w.ws.delete_library_item(w.author, w.banner).unwrap();
    w.ws.run_all_tasks();
    let (_, issues) = finished(&w.ws, task);
    assert_eq!(issues.len(), 3, "{issues:?}");
    assert!(issues.contains(&CopyIssue::DroppedBannerImage { media: w.banner }));
    w.ws.check_integrity().unwrap();
}

/// LMS-10: a course update, validated whole, naming the field; course_id
/// never changes; busy while a copy runs.
#[test]
fn lms10_course_update_is_validated_and_all_or_nothing() {
    let mut w = lms_world(1);
    let start: Timestamp = "2027-09-01T00:00:00Z".parse().unwrap();
    let end: Timestamp = "2027-12-20T00:00:00Z".parse().unwrap();
    let change = CourseChange::new()
        .external_id("bio-2027")
        .title("Biology 2027")
        .description("Autumn")
        .availability(Availability::Term)
        .duration(Duration::DateRange { start, end })
        .enrollment(Enrollment::EmailEnrollment)
        .locale(Some("fr_FR"))
        .guest_access(false);
    w.ws.update_course(w.author, w.course, change).unwrap();
    let c = w.ws.course(w.course).unwrap();
    assert_eq!((c.external_id(), c.title(), c.description()), ("bio-2027", "Biology 2027", "Autumn"));
    assert_eq!(c.settings().availability(), Availability::Term);
    assert_eq!(c.settings().duration(), Duration::DateRange { start, end });
    assert_eq!(c.settings().enrollment(), &Enrollment::EmailEnrollment);
    assert_eq!(c.settings().locale(), Some("fr_FR"));
    assert_eq!(w.ws.find_course_by_external_id("bio-2027"), Some(w.course));

    let other = w.ws.create_course(w.author, NewCourse::new("OTHER", "Other")).unwrap();
    let before = w.ws.clone();
    let bad = [
        (CourseChange::new().title("x".repeat(334)), "title"),
        (CourseChange::new().title("ok").duration(Duration::DateRange { start: end, end: start }), "duration"),
        (CourseChange::new().duration(Duration::FixedNumDays { days: 0 }), "duration"),
        (
            CourseChange::new().enrollment(Enrollment::SelfEnrollment {
                start: Some(end),
                end: Some(start),
                access_code: None,
            }),
            "enrollment",
        ),
        (CourseChange::new().title("ok").locale(Some("not a locale")), "locale"),
        (CourseChange::new().external_id("e".repeat(257)), "external_id"),
    ];
    for (change, field) in bad {
        match w.ws.update_course(w.author, w.course, change) {
            Err(Error::Invalid { field: f, .. }) => assert_eq!(f.name(), field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(
        w.ws.update_course(w.author, other, CourseChange::new().title("ok").external_id("bio-2027")),
        Err(Error::Conflict { field: coursecopy::Field::ExternalId, value: "bio-2027".into(), holder: w.course })
    );
    assert_eq!(w.ws, before, "refused whole");

    let task = w.ws.request_copy(w.author, w.course, &CopyRequest::new(CopyTarget::Existing(other.into()))).unwrap();
    assert_eq!(
        w.ws.update_course(w.author, other, CourseChange::new().title("busy")),
        Err(Error::Busy { course: other, task })
    );
    w.ws.run_all_tasks();
    w.ws.update_course(w.author, other, CourseChange::new().title("free")).unwrap();
}

/// LMS-12: limits on course_id, external_id and name, at request time too.
#[test]
fn lms12_limits_at_request_time() {
    let mut w = lms_world(1);
    let before = w.ws.clone();
    let long = "c".repeat(101);
    assert!(matches!(
        w.ws.request_copy(w.author, w.course, &to_new(&long)),
        Err(Error::Invalid { field: coursecopy::Field::CourseId, .. })
    ));
    assert!(w.ws.request_copy(w.author, w.course, &to_new(&"c".repeat(100))).is_ok());
    assert_ne!(w.ws, before);
}

/// LMS course ids: `_n_1`, `courseId:X`, `externalId:X`.
#[test]
fn lms_course_references_resolve() {
    let w = lms_world(1);
    let pk = w.ws.course(w.course).unwrap().lms_id();
    for form in [pk.as_str(), "courseId:BIO-101", "externalId:ext-bio-101"] {
        let r: CourseRef = form.parse().unwrap();
        assert_eq!(w.ws.resolve_course(&r), Ok(w.course), "{form}");
    }
    for bad in ["BIO-101", "_x_1", "_12_2", "", "_1"] {
        assert!(bad.parse::<CourseRef>().is_err(), "{bad}");
    }
    assert!(w.ws.resolve_course(&"courseId:NOPE".parse().unwrap()).is_err());
    assert!(w.ws.resolve_course(&"_999_1".parse().unwrap()).is_err());
}

/// SHR-6 and section 6: Share and Duplicate carry settings and tools as
/// course-level data, independent afterwards; links follow the mode.
#[test]
fn course_tools_and_settings_travel_with_share_and_duplicate() {
    let mut w = lms_world(1);
    let shared = w.ws.share_course(w.author, w.course, &CopyOptions::new()).unwrap();
    let dup = w.ws.duplicate_course(w.author, w.course, &CopyOptions::new()).unwrap();
    for copy in [shared, dup] {
        assert_eq!(w.ws.course(copy).unwrap().settings(), w.ws.course(w.course).unwrap().settings());
        assert_eq!(tool_view(&w.ws, copy).len(), tool_view(&w.ws, w.course).len());
    }
    let link =
        |ws: &Workspace, c| ws.course(c).unwrap().tools().of(Category::AdaptiveReleaseRules).next().unwrap().link();
    assert_eq!(link(&w.ws, shared), Some(ToolLink::Content(w.los[0])), "Share: the same LO");
    assert_eq!(link(&w.ws, dup), Some(ToolLink::Content(lo_list(&w.ws, dup)[0])), "Duplicate: the new LO");
    // Independent afterwards (SHR-6).
    w.ws.add_tool(w.author, shared, ToolDraft::new(Category::Wikis, "Only here")).unwrap();
    w.ws.update_course(w.author, shared, CourseChange::new().guest_access(false)).unwrap();
    assert!(w.ws.course(w.course).unwrap().settings().guest_access());
    assert_eq!(tool_view(&w.ws, shared).len(), tool_view(&w.ws, w.course).len() + 1);
    // Tool validation: links must fit the category and the course.
    let other = w.ws.create_course(w.author, NewCourse::new("O", "o")).unwrap();
    assert!(matches!(
        w.ws.add_tool(w.author, other, ToolDraft::new(Category::Blogs, "b").link(ToolLink::Term(w.term))),
        Err(Error::Invalid { field: coursecopy::Field::Link, .. })
    ));
    assert_eq!(
        w.ws.add_tool(
            w.author,
            other,
            ToolDraft::new(Category::AdaptiveReleaseRules, "r").link(ToolLink::Content(w.los[0]))
        ),
        Err(Error::NotIn { entity: w.los[0].into(), container: other.into() })
    );
    assert!(matches!(
        w.ws.add_tool(w.author, other, ToolDraft::new(Category::Blogs, "b").grade(w.student, "A")),
        Err(Error::Invalid { field: coursecopy::Field::Grades, .. })
    ));
    // A linked LO or term cannot be deleted from under a tool.
    w.ws.remove_learning_object(w.author, w.course, w.los[0]).unwrap();
    w.ws.remove_learning_object(w.author, shared, w.los[0]).unwrap();
    assert!(matches!(w.ws.delete_learning_object(w.author, w.los[0]), Err(Error::InUse { .. })));
    assert!(matches!(w.ws.delete_library_item(w.author, w.term), Err(Error::InUse { .. })));
    w.ws.check_integrity().unwrap();
}

/// LMS-4, INT-1: a cancelled copy into an existing course puts back the
/// banner image the copy replaced, even when that image was deleted while
/// the copy ran: the image stays while a pending copy may restore it.
#[test]
fn lms4_cancel_restores_a_banner_that_was_replaced_and_deleted_meanwhile() {
    let mut w = lms_world(2);
    let old = w.ws.add_media(w.author, "old.png", "files/old.png").unwrap();
    let target =
        w.ws.create_course(w.author, NewCourse::new("BIO-OLD", "Old biology").banner_image(Some(old))).unwrap();
    let request = CopyRequest::new(CopyTarget::Existing(target.into()));
    let task = w.ws.request_copy(w.author, w.course, &request).unwrap();
    w.ws.run_tasks(1);
    assert_ne!(w.ws.course(target).unwrap().settings().banner_image(), Some(old), "the copy set the source's banner");
    let deleted = w.ws.delete_library_item(w.author, old);
    w.ws.cancel_task(w.author, task).unwrap();
    w.ws.check_integrity().unwrap();
    match deleted {
        Ok(()) => assert_eq!(w.ws.course(target).unwrap().settings().banner_image(), None),
        Err(_) => assert_eq!(w.ws.course(target).unwrap().settings().banner_image(), Some(old)),
    }
}

/// LMS-10, LMS-4: a course's `created` and `modified` times are the
/// caller's: an update moves `modified` only, a copy requested into the
/// course moves it to the request's time, and cancelling that copy puts
/// the earlier time back.
#[test]
fn lms10_course_times_are_the_callers_and_a_cancel_restores_them() {
    let at = |minutes: i64| Timestamp::from_unix_millis(1_800_000_000_000 + minutes * 60_000);
    let mut w = lms_world(2);
    let target = w.ws.create_course(w.author, NewCourse::new("BIO-OLD", "Old biology").at(at(0))).unwrap();
    w.ws.update_course(w.author, target, CourseChange::new().title("Older biology").at(at(5))).unwrap();
    let c = w.ws.course(target).unwrap();
    assert_eq!((c.created(), c.modified()), (at(0), at(5)));
    let request = CopyRequest::new(CopyTarget::Existing(target.into()));
    let task = w.ws.request_copy_at(w.author, w.course, &request, at(9)).unwrap();
    assert_eq!(w.ws.course(target).unwrap().modified(), at(9));
    w.ws.run_tasks_at(1, at(9));
    w.ws.cancel_task(w.author, task).unwrap();
    let c = w.ws.course(target).unwrap();
    assert_eq!((c.created(), c.modified()), (at(0), at(5)));
    let copy = w.ws.request_copy_at(w.author, w.course, &to_new("BIO-NEW"), at(12)).unwrap();
    w.ws.run_all_tasks_at(at(13));
    let (new, _) = finished(&w.ws, copy);
    let c = w.ws.course(new).unwrap();
    assert_eq!((c.created(), c.modified()), (at(12), at(12)));
    assert_ne!(c.uuid(), w.ws.course(target).unwrap().uuid());
}

/// LMS-1's selective options, per learning object and page
/// ([`ContentPick`]): a picked LO comes whole, a picked page brings its LO
/// with the picked pages alone, in the source's order; tool links to what
/// was not picked are dropped and reported (LMS-9).
#[test]
fn lms1_a_content_pick_copies_the_picked_los_and_pages_only() {
    let mut w = lms_world(3);
    let target = w.ws.create_course(w.author, NewCourse::new("CHEM-1", "Chemistry")).unwrap();
    let unit1_page2 = page_at(&w.ws, w.course, 1, 2);
    let unit1_page0 = page_at(&w.ws, w.course, 1, 0);
    // Unit 0 whole; of Unit 1, pages 2 and 0 (asked out of order).
    let pick = ContentPick::only().page(unit1_page2).learning_object(w.los[0]).page(unit1_page0);
    let request = CopyRequest::new(CopyTarget::Existing(CourseRef::Key(target))).content(pick);
    let task = w.ws.request_copy(w.author, w.course, &request).unwrap();
    w.ws.run_all_tasks();
    let (course, issues) = finished(&w.ws, task);
    assert_eq!(course, target);
    assert_eq!(
        titles(&w.ws, target),
        vec![
            vec!["Page 0.0".to_string(), "Page 0.1".into(), "Page 0.2".into()],
            vec!["Page 1.0".to_string(), "Page 1.2".into()]
        ]
    );
    // Both LOs were copied, so the content links keep their targets.
    assert!(issues.is_empty(), "{issues:?}");
    // Only Unit 1's page: Unit 0 is left out, and the release rule that
    // pointed at it loses its link.
    let other = w.ws.create_course(w.author, NewCourse::new("CHEM-2", "Chemistry 2")).unwrap();
    let request =
        CopyRequest::new(CopyTarget::Existing(CourseRef::Key(other))).content(ContentPick::only().page(unit1_page2));
    let task = w.ws.request_copy(w.author, w.course, &request).unwrap();
    w.ws.run_all_tasks();
    let (_, issues) = finished(&w.ws, task);
    assert_eq!(titles(&w.ws, other), vec![vec!["Page 1.2".to_string()]]);
    assert!(
        issues.iter().any(|i| matches!(i, CopyIssue::DroppedLink { category: Category::AdaptiveReleaseRules, .. })),
        "{issues:?}"
    );
    w.ws.check_integrity().unwrap();
}

/// A content pick is checked at request time, and a refused one creates
/// nothing: an empty pick, an LO or a page of another course, and single
/// pages in a Share or a linked copy.
#[test]
fn lms1_a_content_pick_is_refused_whole_when_it_names_what_the_source_lacks() {
    let mut w = lms_world(2);
    let other = w.ws.create_course(w.author, NewCourse::new("CHEM-1", "Chemistry")).unwrap();
    let foreign_lo = w.ws.create_learning_object(w.author, other, "Atoms", "").unwrap();
    let foreign_page = w.ws.add_page(w.author, other, foreign_lo, PageDraft::new("Bonds", "")).unwrap().page;
    let page = page_at(&w.ws, w.course, 0, 0);
    let before = w.ws.clone();
    let cases = [
        (ContentPick::only(), CopyMode::Duplicate),
        (ContentPick::only().learning_object(foreign_lo), CopyMode::Duplicate),
        (ContentPick::only().page(foreign_page), CopyMode::Duplicate),
        (ContentPick::only().page(page), CopyMode::Share),
        (ContentPick::only().page(page), CopyMode::Linked),
    ];
    for (pick, mode) in cases {
        let request = to_new("BIO-PICK").mode(mode).content(pick.clone());
        let refused = w.ws.request_copy(w.author, w.course, &request);
        assert!(
            matches!(refused, Err(Error::Invalid { field: Field::Selection, .. })),
            "{pick:?} {mode:?}: {refused:?}"
        );
        assert_eq!(w.ws, before);
    }
    // Whole LOs are fine in every mode.
    for mode in [CopyMode::Share, CopyMode::Linked] {
        let id = format!("BIO-{mode:?}");
        let request = to_new(&id).mode(mode).content(ContentPick::only().learning_object(w.los[1]));
        let task = w.ws.request_copy(w.author, w.course, &request).unwrap();
        w.ws.run_all_tasks();
        let (copy, _) = finished(&w.ws, task);
        assert_eq!(titles(&w.ws, copy), vec![vec!["Page 1.0".to_string(), "Page 1.1".into()]], "{mode:?}");
    }
    assert!(ContentPick::all().is_all() && !ContentPick::only().is_all());
}

/// A course a copy fills can be read, not edited ([`Error::Busy`]);
/// `can_edit_when_free` says who may edit it once the copy ends, for
/// hosts that queue work for it: its editors, not its readers.
#[test]
fn lms6_can_edit_when_free_ignores_only_the_busy_rule() {
    let mut w = lms_world(2);
    let target = w.ws.create_course(w.author, NewCourse::new("CHEM-1", "Chemistry")).unwrap();
    w.ws.assign_user(w.author, target, w.student).unwrap();
    let request = CopyRequest::new(CopyTarget::Existing(CourseRef::Key(target)));
    w.ws.request_copy(w.author, w.course, &request).unwrap();
    assert!(!w.ws.can_edit(w.author, target), "busy");
    assert!(w.ws.can_edit_when_free(w.author, target));
    assert!(w.ws.can_read(w.student, target) && !w.ws.can_edit_when_free(w.student, target), "a reader is no editor");
    w.ws.lock_course(w.admin, target).unwrap_err();
    w.ws.run_all_tasks();
    assert!(w.ws.can_edit(w.author, target) && w.ws.can_edit_when_free(w.author, target));
    w.ws.lock_course(w.admin, target).unwrap();
    assert!(!w.ws.can_edit_when_free(w.author, target), "a locked course is not free");
}
