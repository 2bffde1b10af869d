//! Properties of the dashboard's views, against small reference models:
//! the course list's pages, and the jobs as the runner moves them.

use super::view;
use crate::demo::{demo_keys, demo_workspace};
use crate::model::{CopyInto, CopySpec, Model, Op};
use coursecopy::{CopyMode, NewCourse, Timestamp};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;

fn cases() -> u32 {
    std::env::var("COURSECOPY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(32)
}

fn at(n: u64) -> Timestamp {
    Timestamp::from_unix_millis(1_800_000_000_000 + n as i64 * 1000)
}

/// Text with markup, quotes, case and non-ASCII letters, not blank (a
/// course's title may not be).
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[aAbBéÉ<>&\"'/x][aAbBéÉ<>&\"' /x]{0,7}").unwrap()
}

/// What one job looks like at one moment: its state and percent.
type Seen = BTreeMap<String, (String, u64)>;

#[derive(Clone, Debug)]
enum Action {
    Copy { source: u64, mode: u8, fail: bool },
    Migrate { source: u64, target: u64, fail: bool },
    Cancel { migration: u64 },
    Sync { fail: bool },
    Step { budget: u64 },
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => (1u64..6, 0u8..3, proptest::bool::weighted(0.15))
            .prop_map(|(source, mode, fail)| Action::Copy { source, mode, fail }),
        2 => (1u64..4, 1u64..4, proptest::bool::weighted(0.15))
            .prop_map(|(source, target, fail)| Action::Migrate { source, target, fail }),
        1 => (1u64..6).prop_map(|migration| Action::Cancel { migration }),
        1 => proptest::bool::weighted(0.2).prop_map(|fail| Action::Sync { fail }),
        4 => (1u64..30).prop_map(|budget| Action::Step { budget }),
    ]
}

fn op_of(action: &Action, n: u64) -> Op {
    let user = "Author".to_string();
    match *action {
        Action::Copy { source, mode, fail } => Op::RequestCopy {
            user,
            source,
            target: CopyInto::NewCourse(format!("PROP-{n}")),
            mode: [CopyMode::Share, CopyMode::Duplicate, CopyMode::Linked][usize::from(mode)],
            spec: CopySpec::default(),
            at: at(n),
            fail,
        },
        Action::Migrate { source, target, fail } => {
            Op::StartMigration { user, source, target, spec: CopySpec::default(), select: false, at: at(n), fail }
        }
        Action::Cancel { migration } => Op::CancelMigration { user, migration, message: None, at: at(n) },
        Action::Sync { fail } => Op::StartSync { user, course: 1, comment: None, at: at(n), fail },
        Action::Step { budget } => Op::Step { budget, at: at(n) },
    }
}

fn seen(jobs: &[Value]) -> Seen {
    jobs.iter()
        .map(|j| {
            let key = format!("{}:{}", j["kind"].as_str().unwrap_or("?"), j["id"].as_str().unwrap_or("?"));
            (key, (j["state"].as_str().unwrap_or("?").to_string(), j["percent"].as_u64().unwrap_or(u64::MAX)))
        })
        .collect()
}

const ENDED: [&str; 2] = ["completed", "failed"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// The course list's pages, read in turn, hold every course whose
    /// title, `course_id` or external id holds the search (any case) once,
    /// in numeric id order, whatever the page size; past the last page
    /// they are empty; each course's details name its learning objects.
    #[test]
    fn course_pages_hold_each_match_once_in_order(
        titles in proptest::collection::vec(text(), 0..12),
        query in prop_oneof![text(), Just(String::new()), Just("bio".to_string())],
        per_page in 0usize..130,
    ) {
        let mut ws = demo_workspace().unwrap();
        let author = ws.users().find(|(_, u)| u.name() == "Author").map(|(k, _)| k).unwrap();
        for (n, title) in titles.iter().enumerate() {
            let course = NewCourse::new(format!("P{n}"), title.clone()).at(at(0));
            prop_assert!(ws.create_course(author, course).is_ok());
        }
        let model = Model::new(ws, &demo_keys()).unwrap();
        let q = query.trim().to_lowercase();
        let mut want: Vec<u64> = model
            .ws
            .courses()
            .filter(|(_, c)| [c.title(), c.course_id(), c.external_id()].iter().any(|t| t.to_lowercase().contains(&q)))
            .map(|(_, c)| c.numeric_id())
            .collect();
        want.sort_unstable();
        let mut got = Vec::new();
        let size = per_page.clamp(1, view::MAX_PER_PAGE);
        for page in 0..=(want.len() / size + 1) {
            let shown = view::courses(&model, &query, page, per_page);
            prop_assert_eq!(shown["total"].as_u64(), Some(want.len() as u64));
            let rows = shown["courses"].as_array().unwrap();
            prop_assert!(rows.len() <= size);
            got.extend(rows.iter().filter_map(|r| r["id"].as_u64()));
        }
        prop_assert_eq!(&got, &want);
        for id in &want {
            let detail = view::course(&model, *id).unwrap();
            let key = model.ws.resolve_course(&coursecopy::CourseRef::PrimaryId(*id)).unwrap();
            let los = model.ws.course(key).unwrap().learning_objects().len();
            prop_assert_eq!(detail["learningObjects"].as_array().map(Vec::len), Some(los));
        }
        prop_assert!(view::course(&model, u64::MAX).is_none());
    }

    /// Whatever copies, migrations, cancels, syncs and steps happen, the
    /// job list names each job once, unfinished ones first, and as many
    /// unfinished ones as the queue counts; a job's percent stays within
    /// 0..=100 and never goes down, `completed` is 100 %, and a job that
    /// ended stays as it ended.
    #[test]
    fn jobs_are_listed_once_and_never_go_back(actions in proptest::collection::vec(action(), 1..40)) {
        let mut model = Model::new(demo_workspace().unwrap(), &demo_keys()).unwrap();
        let blueprint = Op::SetBlueprint { user: "Author".into(), course: 1, on: true, lock_content: None };
        prop_assert!(model.apply(&blueprint).is_ok());
        let associate = Op::Associate { user: "Author".into(), course: 1, add: vec![3], remove: vec![] };
        prop_assert!(model.apply(&associate).is_ok());
        let mut before = Seen::new();
        for (n, action) in actions.iter().enumerate() {
            let _ = model.apply(&op_of(action, n as u64));
            let jobs = view::jobs(&model);
            let now = seen(&jobs);
            prop_assert_eq!(now.len(), jobs.len(), "each job once: {:?}", jobs);
            let ended: Vec<bool> = jobs.iter().map(|j| ENDED.contains(&j["state"].as_str().unwrap_or("?"))).collect();
            prop_assert!(ended.windows(2).all(|w| w[0] <= w[1]), "unfinished first: {:?}", jobs);
            prop_assert_eq!(ended.iter().filter(|e| !**e).count(), model.unfinished() + waiting_for_select(&model));
            for (job, (state, percent)) in &now {
                prop_assert!(*percent <= 100, "{}: {}", job, percent);
                prop_assert!(state != "completed" || *percent == 100, "{} completed at {}", job, percent);
                if let Some((old_state, old_percent)) = before.get(job) {
                    prop_assert!(percent >= old_percent, "{}: {} then {}", job, old_percent, percent);
                    if ENDED.contains(&old_state.as_str()) {
                        prop_assert_eq!(state, old_state, "{} ended, then changed", job);
                    }
                }
            }
            before.extend(now);
        }
    }
}

/// Migrations waiting for a selection are unfinished jobs the queue does
/// not count (they hold no place in it).
fn waiting_for_select(model: &Model) -> usize {
    let waiting = crate::migrations::MigrationState::WaitingForSelect;
    model.migrations.values().filter(|m| m.state == waiting).count()
}
