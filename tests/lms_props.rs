//! Property tests of the LMS flow: LMS-1 (content picks), LMS-4, LMS-5, LMS-7 and LMS-9 on random
//! courses, budgets, edits and selections. `COURSECOPY_CASES` sets the
//! number of cases (default 48).

mod common;
use common::lms::*;
use coursecopy::*;
use proptest::prelude::*;
use std::collections::HashMap;

fn cases() -> u32 {
    std::env::var("COURSECOPY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
            "proptest-regressions/lms_props.txt",
        ))),
        ..ProptestConfig::default()
    }
}

fn selection() -> impl Strategy<Value = CopySelection> {
    (proptest::collection::vec(any::<bool>(), 25), 0..3u8).prop_map(|(b, d)| {
        let mut s = CopySelection::nothing();
        s.content_areas = b[0];
        s.glossary = b[1];
        s.announcements = b[2];
        s.assessments = b[3];
        s.blogs = b[4];
        s.calendar = b[5];
        s.contacts = b[6];
        s.gradebook = b[7];
        s.group_settings = b[8];
        s.journals = b[9];
        s.rubrics = b[10];
        s.tasks = b[11];
        s.wikis = b[12];
        s.adaptive_release_rules = b[13];
        s.content_alignments = b[14];
        s.retention_rules = b[15];
        s.settings.availability = b[16];
        s.settings.banner_image = b[17];
        s.settings.duration = b[18];
        s.settings.enrollment_options = b[19];
        s.settings.guest_access = b[20];
        s.settings.language_pack = b[21];
        s.settings.navigation_settings = b[22];
        s.settings.observer_access = b[23];
        s.discussions = [Discussions::None, Discussions::ForumsOnly, Discussions::ForumsAndStarterPosts][d as usize];
        s
    })
}

/// What the copy of a course holds, in handles and values both courses
/// share: settings, LO titles, pages (title, body, style, items), tools.
/// For Share, the LOs themselves (handles): their pages are shared with the
/// source by definition (SHR-2), so later page edits show in the copy.
fn view(ws: &Workspace, course: CourseKey, mode: CopyMode) -> String {
    let c = ws.course(course).unwrap();
    if mode == CopyMode::Share {
        let los: Vec<_> = c.learning_objects().collect();
        return format!("{} {:?} {los:?} {:?}", c.title(), c.settings(), tool_view(ws, course));
    }
    let los: Vec<_> = c
        .learning_objects()
        .map(|lo| {
            let lo = ws.learning_object(lo).unwrap();
            let pages: Vec<_> = lo
                .pages()
                .map(|p| {
                    // A linked page: the upstream version it was taken at.
                    let link = ws.page_link(p).unwrap().map(|l| l.synced);
                    let p = ws.page(p).unwrap();
                    (p.title().to_string(), p.body().to_string(), p.style(), p.items().to_vec(), link)
                })
                .collect();
            // A linked LO: the upstream version at acceptance (LNK-1).
            (lo.title().to_string(), pages, lo.link().map(|l| l.synced))
        })
        .collect();
    format!(
        "{} {:?} {:?} {los:?} {:?}",
        c.title(),
        c.settings(),
        c.assigned_users().collect::<Vec<_>>(),
        tool_view(ws, course)
    )
}

proptest! {
    #![proptest_config(config())]

    /// LMS-4 and LMS-5: no call does more than its budget, and fewer only
    /// when nothing is left to run; at most N tasks run; tasks start in
    /// request order; percent never decreases and ends at 100.
    #[test]
    fn lms4_lms5_budget_order_limit_and_progress(
        pages in 0usize..6,
        requests in 1usize..7,
        limit in 1usize..5,
        budgets in proptest::collection::vec(0u64..25, 1..40),
    ) {
        let mut w = lms_world(pages);
        w.ws.set_task_limit(w.admin, limit).unwrap();
        let tasks: Vec<_> = (0..requests)
            .map(|i| w.ws.request_copy(w.author, w.course, &to_new(&format!("P{i}"))).unwrap())
            .collect();
        let mut last: HashMap<TaskKey, u8> = HashMap::new();
        for budget in budgets.into_iter().chain(std::iter::repeat_n(1000, 50)) {
            let done = w.ws.run_tasks(budget);
            prop_assert!(done <= budget);
            let states: Vec<_> = tasks.iter().map(|t| w.ws.task_status(*t).unwrap()).collect();
            let left = states.iter().filter(|s| !s.state.is_finished()).count();
            if done < budget {
                prop_assert_eq!(left, 0, "a call stopped short with tasks left");
            }
            let running = states.iter().filter(|s| matches!(s.state, TaskState::Running { .. })).count();
            prop_assert!(running <= limit);
            // Started tasks are a prefix of the request order.
            let started: Vec<bool> = states.iter().map(|s| !matches!(s.state, TaskState::Queued { .. })).collect();
            prop_assert!(started.windows(2).all(|w| w[0] || !w[1]), "{:?}", started);
            for (t, s) in tasks.iter().zip(&states) {
                let before = last.insert(*t, s.percent_complete).unwrap_or(0);
                prop_assert!(s.percent_complete >= before, "percent went down");
                if let TaskState::Queued { position } = s.state {
                    prop_assert!(position >= 1);
                }
            }
            w.ws.check_integrity().unwrap();
            if left == 0 {
                break;
            }
        }
        for t in &tasks {
            let s = w.ws.task_status(*t).unwrap();
            prop_assert!(matches!(s.state, TaskState::Complete { .. }), "{:?}", s.state);
            prop_assert_eq!(s.percent_complete, 100);
        }
    }

    /// LMS-7, LNK-1: whatever edits the source receives while the task
    /// waits or runs, the finished copy equals the same request run
    /// undisturbed: for Duplicate and Linked, down to every page, and for
    /// Linked the upstream versions at acceptance; for Share, the LO list,
    /// course data and tools (shared pages show later edits by definition).
    #[test]
    fn lms7_point_in_time_under_random_edits(
        pages in 1usize..6,
        mode in 0u8..3,
        steps in proptest::collection::vec((0u64..6, 0u8..9, any::<proptest::sample::Index>()), 1..30),
    ) {
        let mut w = lms_world(pages);
        let mode = [CopyMode::Share, CopyMode::Duplicate, CopyMode::Linked][usize::from(mode)];
        let task = w.ws.request_copy(w.author, w.course, &to_new("PIT").mode(mode)).unwrap();
        let mut undisturbed = w.ws.clone();
        undisturbed.run_all_tasks();
        let (expected_course, _) = finished(&undisturbed, task);
        let style = w.ws.course(w.course).unwrap().styles().next();
        for (budget, edit, pick) in steps {
            w.ws.run_tasks(budget);
            let pages: Vec<_> = w.ws.pages().map(|(k, _)| k).filter(|p| {
                w.ws.page(*p).is_ok_and(|p| w.ws.course(w.course).unwrap().position_of(p.learning_object()).is_some())
            }).collect();
            let los: Vec<_> = w.ws.course(w.course).unwrap().learning_objects().collect();
            let (a, c) = (w.author, w.course);
            let _ = match edit {
                0 if !pages.is_empty() => w.ws.edit_page(a, c, *pick.get(&pages), PageEdit::new().body("later")).map(|_| ()),
                1 if !pages.is_empty() => w.ws.delete_page(a, c, *pick.get(&pages)).map(|_| ()),
                2 if !los.is_empty() => w.ws.add_page(a, c, *pick.get(&los), PageDraft::new("Later", "x")).map(|_| ()),
                3 if !pages.is_empty() => w.ws.move_page(a, c, *pick.get(&pages), 0).map(|_| ()),
                4 if !pages.is_empty() => w.ws.set_page_style(a, c, *pick.get(&pages), style).map(|_| ()),
                5 if !los.is_empty() => w.ws.remove_learning_object(a, c, *pick.get(&los)).map(drop),
                6 => w.ws.update_course(a, c, CourseChange::new().title("Later").guest_access(false)),
                7 => w.ws.add_tool(a, c, ToolDraft::new(Category::Tasks, "Later")).map(|_| ()),
                _ => {
                    let first = w.ws.course(c).unwrap().tools().iter().next().map(|i| i.id());
                    first.map_or(Ok(()), |t| w.ws.remove_tool(a, c, t))
                }
            };
            w.ws.check_integrity().unwrap();
        }
        w.ws.run_all_tasks();
        let (copy, issues) = finished(&w.ws, task);
        prop_assert!(issues.is_empty(), "{:?}", issues);
        prop_assert_eq!(view(&w.ws, copy, mode), view(&undisturbed, expected_course, mode));
    }

    /// LMS-9: a random partial copy never holds a dangling handle, and
    /// reports exactly the links it dropped: an item kept whose link points
    /// into a category, or content, left out.
    #[test]
    fn lms9_partial_copies_report_exactly_the_dropped_links(
        pages in 0usize..3,
        sel in selection(),
        mode_share in any::<bool>(),
    ) {
        let mut w = lms_world(pages);
        let mode = if mode_share { CopyMode::Share } else { CopyMode::Duplicate };
        let task = w.ws.request_copy(w.author, w.course, &to_new("PART").mode(mode).selection(sel)).unwrap();
        w.ws.run_all_tasks();
        w.ws.check_integrity().unwrap();
        let source = w.ws.course(w.course).unwrap().tools().clone();
        let expected: Vec<(Category, ToolId, ToolLink)> = Category::ALL
            .iter()
            .filter(|c| sel.includes(**c))
            .flat_map(|c| source.of(*c).cloned().collect::<Vec<_>>())
            .filter_map(|item| {
                let link = item.link()?;
                let kept = match link {
                    ToolLink::Tool(t) => sel.includes(source.get(t).unwrap().category()),
                    ToolLink::Content(_) => sel.content_areas,
                    ToolLink::Term(_) => true,
                };
                (!kept).then_some((item.category(), item.id(), link))
            })
            .collect();
        let status = w.ws.task_status(task).unwrap();
        let (copy, issues) = match status.state {
            TaskState::Complete { course } => (course, vec![]),
            TaskState::CompleteWithErrors { course, issues } => (course, issues),
            other => panic!("{other:?}"),
        };
        let reported: Vec<_> = issues
            .iter()
            .map(|i| match i {
                CopyIssue::DroppedLink { category, source_item, link, .. } => (*category, *source_item, *link),
                other => panic!("{other:?}"),
            })
            .collect();
        prop_assert_eq!(&reported, &expected);
        let copied = w.ws.course(copy).unwrap().tools();
        let kept_links = copied.iter().filter(|i| i.link().is_some()).count();
        let source_links = Category::ALL
            .iter()
            .filter(|c| sel.includes(**c))
            .flat_map(|c| source.of(*c))
            .filter(|i| i.link().is_some())
            .count();
        prop_assert_eq!(kept_links + expected.len(), source_links);
    }

    /// LMS-1's content pick: a random pick of whole LOs and single pages,
    /// run in random budgets, copies exactly the picked LOs, each whole or
    /// with its picked pages in the source's order, and reports the content
    /// links to LOs left out as dropped (LMS-9).
    #[test]
    fn lms1_a_random_content_pick_copies_exactly_what_it_picks(
        pages in 0usize..4,
        whole in proptest::collection::vec(any::<bool>(), 2),
        single in proptest::collection::vec(any::<bool>(), 8),
        budget in 1u64..6,
    ) {
        let mut w = lms_world(pages);
        let mut pick = ContentPick::only();
        let mut expected = Vec::new();
        let mut kept_los = Vec::new();
        for (l, lo) in w.los.clone().into_iter().enumerate() {
            let all: Vec<PageKey> = w.ws.learning_object(lo).unwrap().pages().collect();
            let picked: Vec<PageKey> = all.iter().enumerate().filter(|(p, _)| single[l * 4 + p]).map(|(_, k)| *k).collect();
            for page in &picked {
                pick = pick.page(*page);
            }
            let carried = if whole[l] { pick = pick.learning_object(lo); all } else { picked };
            if whole[l] || !carried.is_empty() {
                kept_los.push(lo);
                expected.push(carried.iter().map(|p| w.ws.page(*p).unwrap().title().to_string()).collect::<Vec<_>>());
            }
        }
        let request = to_new("PICK").content(pick);
        let requested = w.ws.request_copy(w.author, w.course, &request);
        if kept_los.is_empty() {
            let refused = matches!(requested, Err(Error::Invalid { field: Field::Selection, .. }));
            prop_assert!(refused, "{:?}", requested);
            return Ok(());
        }
        let task = requested.unwrap();
        while w.ws.run_tasks(budget) > 0 {}
        w.ws.check_integrity().unwrap();
        let (copy, issues) = match w.ws.task_status(task).unwrap().state {
            TaskState::Complete { course } => (course, vec![]),
            TaskState::CompleteWithErrors { course, issues } => (course, issues),
            other => panic!("{other:?}"),
        };
        let copied: Vec<Vec<String>> = w.ws.course(copy).unwrap().learning_objects()
            .map(|lo| w.ws.learning_object(lo).unwrap().pages().map(|p| w.ws.page(p).unwrap().title().to_string()).collect())
            .collect();
        prop_assert_eq!(copied, expected);
        let source = w.ws.course(w.course).unwrap().tools().clone();
        let dropped: Vec<LoKey> = issues.iter().filter_map(|i| match i {
            CopyIssue::DroppedLink { link: ToolLink::Content(lo), .. } => Some(*lo),
            _ => None,
        }).collect();
        let expected_dropped: Vec<LoKey> = source.iter().filter_map(|i| match i.link() {
            Some(ToolLink::Content(lo)) if !kept_los.contains(&lo) => Some(lo),
            _ => None,
        }).collect();
        prop_assert_eq!(dropped, expected_dropped);
    }
}
