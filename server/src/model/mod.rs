//! The durable part of the server: the workspace, the book of copy tasks
//! the server accepted, and the operations that change them.
//!
//! Every change, live or replayed from the journal, goes through
//! [`Model::apply`]: an [`Op`] carries all its inputs, the time included,
//! so that applying the same ops to the same snapshot reaches the same
//! state without reading the clock. The runner's steps are ops too.

use coursecopy::{
    CopyRequest, CourseChange, CourseKey, CourseRef, NewCourse, TaskKey, TaskStatus, Timestamp, UserKey, Workspace,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

mod neutral;

pub use neutral::CourseFields;

/// Who asked for one of Learn's ops: the workspace user, as every op of
/// a version-2 journal record names them, or, in a record of version 1,
/// the app key they came through (read through the app keys the server
/// starts with).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The workspace user, by name.
    User(String),
    /// The app key (version-1 records only).
    Key(String),
}

/// One change, with everything needed to apply it again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// `POST /courses`: the body as the client sent it.
    CreateCourse {
        /// Who asked.
        #[serde(flatten)]
        by: Actor,
        /// The course body.
        body: Value,
        /// When.
        at: Timestamp,
    },
    /// `PATCH /courses/{id}`.
    UpdateCourse {
        /// Who asked.
        #[serde(flatten)]
        by: Actor,
        /// The course, `_<n>_1`.
        course: String,
        /// The PATCH body.
        body: Value,
        /// When.
        at: Timestamp,
    },
    /// `DELETE /courses/{id}`.
    DeleteCourse {
        /// Who asked.
        #[serde(flatten)]
        by: Actor,
        /// The course, `_<n>_1`.
        course: String,
    },
    /// `POST /courses/{id}/copy`: accepted, queued.
    RequestCopy {
        /// Who asked.
        #[serde(flatten)]
        by: Actor,
        /// The source course, `_<n>_1`.
        source: String,
        /// The copy request body (LMS-11).
        body: Value,
        /// When.
        at: Timestamp,
        /// An injected fault: the copy ends Incomplete at once.
        fail: bool,
    },
    /// A page's title or body changed. The first op of the API-neutral
    /// kind (`docs/design/canvas-api.md`): it names the workspace user by
    /// name, and the course and page by their numeric ids, not an app key
    /// or a wire body, so it replays whichever API sent it and whatever
    /// keys the server starts with.
    EditPage {
        /// The workspace user who asked.
        user: String,
        /// The course it was reached through, by numeric id.
        course: u64,
        /// The page, by numeric id.
        page: u64,
        /// The new title, if it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// The new body, if it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
    },
    /// A course's own fields changed, API-neutral as [`Op::EditPage`]:
    /// the fields Canvas's `course[...]` carries that the model has.
    ChangeCourse {
        /// The workspace user who asked.
        user: String,
        /// The course, by numeric id.
        course: u64,
        /// The new title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// The new `course_code` detail.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        course_code: Option<String>,
        /// The new external id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external_id: Option<String>,
        /// The new time zone, an IANA name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time_zone: Option<String>,
        /// The new availability: `Yes`, `No`, `Disabled` or `Term`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        availability: Option<String>,
        /// When.
        at: Timestamp,
    },
    /// A course made with a `course_id` of its numeric id (`canvas-12`),
    /// API-neutral as [`Op::EditPage`].
    NewCourse {
        /// The workspace user who asked.
        user: String,
        /// What goes before the numeric id in its `course_id`.
        prefix: String,
        /// Its fields.
        #[serde(flatten)]
        fields: neutral::CourseFields,
        /// When.
        at: Timestamp,
    },
    /// A course deleted, API-neutral as [`Op::EditPage`].
    RemoveCourse {
        /// The workspace user who asked.
        user: String,
        /// The course, by numeric id.
        course: u64,
    },
    /// A copy into an existing course, numbered by the server (Canvas's
    /// content migration, CNV-5), API-neutral as [`Op::EditPage`].
    StartMigration {
        /// The workspace user who asked.
        user: String,
        /// The source course, by numeric id.
        source: u64,
        /// The target course, by numeric id.
        target: u64,
        /// What it copies.
        spec: crate::migrations::CopySpec,
        /// Whether it waits for a selection first.
        #[serde(default)]
        select: bool,
        /// When.
        at: Timestamp,
        /// An injected fault: it ends failed at once.
        #[serde(default)]
        fail: bool,
    },
    /// What a migration waiting for a selection copies; it then starts.
    SelectMigration {
        /// The workspace user who asked.
        user: String,
        /// The migration's id.
        migration: u64,
        /// What it copies.
        spec: crate::migrations::CopySpec,
        /// When.
        at: Timestamp,
        /// An injected fault: it ends failed at once.
        #[serde(default)]
        fail: bool,
    },
    /// A migration issue marked resolved, or active again.
    SetIssueState {
        /// The workspace user who asked.
        user: String,
        /// The migration's id.
        migration: u64,
        /// The issue's number in it, from 1.
        issue: u64,
        /// Resolved, or active.
        resolved: bool,
    },
    /// A course made a blueprint, or no longer one (CNV-7), API-neutral
    /// as [`Op::EditPage`].
    SetBlueprint {
        /// The workspace user who asked.
        user: String,
        /// The course, by numeric id.
        course: u64,
        /// A blueprint, or not.
        on: bool,
        /// The default restriction of its items' content, if given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lock_content: Option<bool>,
    },
    /// Courses associated with a blueprint, or no longer.
    Associate {
        /// The workspace user who asked.
        user: String,
        /// The blueprint course, by numeric id.
        course: u64,
        /// Courses to add, by numeric id.
        #[serde(default)]
        add: Vec<u64>,
        /// Courses to remove, by numeric id.
        #[serde(default)]
        remove: Vec<u64>,
    },
    /// A blueprint sync, queued.
    StartSync {
        /// The workspace user who asked.
        user: String,
        /// The blueprint course, by numeric id.
        course: u64,
        /// Its comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
        /// When.
        at: Timestamp,
        /// An injected fault: it ends failed at once.
        #[serde(default)]
        fail: bool,
    },
    /// A blueprint page restricted for the associated courses, or no
    /// longer (CNV-8).
    RestrictPage {
        /// The workspace user who asked.
        user: String,
        /// The blueprint course, by numeric id.
        course: u64,
        /// The page, by numeric id.
        page: u64,
        /// Restricted, or not.
        restricted: bool,
        /// Its `content` restriction, when given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content: Option<bool>,
    },
    /// The runner ran the task queue for `budget` units at `at`.
    Step {
        /// Work units.
        budget: u64,
        /// When.
        at: Timestamp,
    },
}

impl Op {
    /// Whether it names an app key (a Learn op of a version-1 record).
    pub fn names_app_key(&self) -> bool {
        match self {
            Op::CreateCourse { by, .. }
            | Op::UpdateCourse { by, .. }
            | Op::DeleteCourse { by, .. }
            | Op::RequestCopy { by, .. } => matches!(by, Actor::Key(_)),
            _ => false,
        }
    }
}

/// What an applied op gives back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A course was made.
    Course(CourseKey),
    /// A copy was accepted: its task id and target course id.
    Copy {
        /// `_<n>_1`.
        task: String,
        /// The target course's `_<n>_1`.
        target: String,
    },
    /// Done; nothing to report.
    Done,
    /// What a runner step did: the library's units of work (what its
    /// journal record keeps, as it always has), and whether it changed
    /// anything besides (a migration or sync started or ended, a task
    /// ended): a step that did either is journaled.
    Worked {
        /// Units of copy work.
        units: u64,
        /// Something changed besides.
        changed: bool,
    },
    /// A migration was accepted or given its selection: its id.
    Migration(u64),
    /// A blueprint sync was queued: its id.
    Sync(u64),
}

/// A copy task the server accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// Its handle.
    pub key: TaskKey,
    /// The target course's id at acceptance, `_<n>_1`: it stays the task's
    /// course even when an Incomplete copy removed it.
    pub target: String,
    /// When the task ended, as the step that ended it says.
    pub ended: Option<Timestamp>,
}

/// Why an op could not be applied.
#[derive(Debug)]
pub enum ApplyError {
    /// The model refused it.
    Model(coursecopy::Error),
    /// The body did not parse; the message names the key path.
    Body(String),
    /// The app key names no user.
    Actor(String),
    /// No workspace user has this name.
    User(String),
    /// The course has no page of this numeric id.
    NoPage {
        /// The page's numeric id.
        page: u64,
    },
    /// No migration has this id.
    NoMigration {
        /// The id asked for.
        migration: u64,
    },
    /// The migration has no issue of this number.
    NoIssue {
        /// The migration's id.
        migration: u64,
        /// The number asked for.
        issue: u64,
    },
    /// The course is no blueprint.
    NoTemplate {
        /// The course, by numeric id.
        course: u64,
    },
    /// A rule of the server's own data refused it (a blueprint's
    /// associations or syncs), in words.
    Rule(String),
}

impl std::fmt::Display for ApplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApplyError::Model(e) => write!(f, "{e}"),
            ApplyError::Body(message) => f.write_str(message),
            ApplyError::Actor(key) => write!(f, "app key {key:?} acts as no user"),
            ApplyError::User(name) => write!(f, "no user is named {name:?}"),
            ApplyError::NoPage { page } => write!(f, "the course has no page {page}"),
            ApplyError::NoMigration { migration } => write!(f, "no migration {migration}"),
            ApplyError::NoTemplate { course } => write!(f, "course {course} is no blueprint"),
            ApplyError::NoIssue { migration, issue } => write!(f, "migration {migration} has no issue {issue}"),
            ApplyError::Rule(message) => f.write_str(message),
        }
    }
}

impl From<coursecopy::Error> for ApplyError {
    fn from(e: coursecopy::Error) -> Self {
        ApplyError::Model(e)
    }
}

/// The workspace and the accepted tasks.
#[derive(Clone, Debug)]
pub struct Model {
    /// The workspace.
    pub ws: Workspace,
    /// App key → the user it acts as.
    pub actors: BTreeMap<String, UserKey>,
    /// Task id → the accepted task.
    pub tasks: BTreeMap<String, Accepted>,
    /// Migration id → the migration (CNV-5).
    pub migrations: BTreeMap<u64, crate::migrations::Migration>,
    /// The next id of a job the server numbers (a migration, a blueprint
    /// template or sync).
    pub next_job_id: u64,
    /// Template id → a blueprint's template (CNV-7).
    pub templates: BTreeMap<u64, crate::blueprints::Template>,
    /// Sync id → a blueprint sync.
    pub syncs: BTreeMap<u64, crate::blueprints::Sync>,
}

impl Model {
    /// A model over `ws`, its app keys resolved to users by name.
    ///
    /// # Errors
    /// A key whose user the workspace does not have.
    pub fn new(ws: Workspace, keys: &[crate::demo::AppKey]) -> Result<Model, String> {
        let mut actors = BTreeMap::new();
        for k in keys {
            let user = ws
                .users()
                .find(|(_, u)| u.name() == k.user)
                .map(|(key, _)| key)
                .ok_or_else(|| format!("app key {:?}: the workspace has no user named {:?}", k.key, k.user))?;
            actors.insert(k.key.clone(), user);
        }
        let mut model = Model {
            ws,
            actors,
            tasks: BTreeMap::new(),
            migrations: BTreeMap::new(),
            next_job_id: 1,
            templates: BTreeMap::new(),
            syncs: BTreeMap::new(),
        };
        model.adopt_tasks();
        Ok(model)
    }

    /// Takes into the book the tasks the workspace holds that it has not
    /// accepted itself (a loaded snapshot's).
    fn adopt_tasks(&mut self) {
        let tasks: Vec<TaskKey> = self.ws.tasks().collect();
        for key in tasks {
            if let Ok(status) = self.ws.task_status(key)
                && let Ok(course) = self.ws.course(status.target)
            {
                let ended = status.state.is_finished().then_some(status.started).flatten();
                self.tasks.entry(status.id.clone()).or_insert(Accepted { key, target: course.lms_id(), ended });
            }
        }
    }

    /// The workspace user named `name`.
    pub(crate) fn user(&self, name: &str) -> Result<UserKey, ApplyError> {
        self.ws.users().find(|(_, u)| u.name() == name).map(|(k, _)| k).ok_or_else(|| ApplyError::User(name.into()))
    }

    /// The page of `course` with numeric id `id`.
    ///
    /// # Errors
    /// None such in the course.
    pub fn page_in(&self, course: CourseKey, id: u64) -> Result<coursecopy::PageKey, ApplyError> {
        let mut pages = self.ws.course_pages(course)?;
        pages.find(|(_, p)| p.numeric_id() == id).map(|(k, _)| k).ok_or(ApplyError::NoPage { page: id })
    }

    fn actor(&self, by: &Actor) -> Result<UserKey, ApplyError> {
        match by {
            Actor::User(name) => self.user(name),
            Actor::Key(key) => self.actors.get(key).copied().ok_or_else(|| ApplyError::Actor(key.to_string())),
        }
    }

    fn course(&self, id: &str) -> Result<CourseKey, ApplyError> {
        let r: CourseRef = id.parse()?;
        Ok(self.ws.resolve_course(&r)?)
    }

    /// How many accepted tasks are queued or running, and migrations wait
    /// for their target.
    pub fn unfinished(&self) -> usize {
        let waiting = self.migrations.values().filter(|m| m.state == crate::migrations::MigrationState::Queued);
        self.tasks.values().filter(|t| t.ended.is_none()).count() + waiting.count() + self.syncs_unfinished()
    }

    /// Who may see a task, whichever API asks: an Administrator, or anyone
    /// who can read its target (its requester could when they asked), or
    /// anyone once an Incomplete copy removed its new target.
    pub fn may_see_task(&self, user: UserKey, status: &TaskStatus) -> bool {
        let admin = self.ws.user(user).map(|u| u.role() == coursecopy::Role::Administrator).unwrap_or(false);
        admin || self.ws.can_read(user, status.target) || self.ws.course(status.target).is_err()
    }

    /// A task's status, by id.
    pub fn task(&self, id: &str) -> Option<(&Accepted, TaskStatus)> {
        let accepted = self.tasks.get(id)?;
        let status = self.ws.task_status(accepted.key).ok()?;
        Some((accepted, status))
    }

    /// What an outcome assigned, as a journal record keeps it to check
    /// replay against: a new course's id, a copy's task and target, the
    /// units a step did.
    pub fn describe(&self, outcome: &Outcome) -> Option<String> {
        match outcome {
            Outcome::Course(key) => self.ws.course(*key).ok().map(|c| format!("{} {}", c.lms_id(), c.uuid())),
            Outcome::Copy { task, target } => Some(format!("{task} {target}")),
            Outcome::Worked { units, .. } => Some(units.to_string()),
            Outcome::Migration(id) | Outcome::Sync(id) => Some(id.to_string()),
            Outcome::Done => None,
        }
    }

    /// Applies `op`; on an error nothing changed.
    ///
    /// # Errors
    /// What the model refused, a body that does not parse, an unknown key.
    pub fn apply(&mut self, op: &Op) -> Result<Outcome, ApplyError> {
        match op {
            Op::CreateCourse { by, body, at } => {
                let actor = self.actor(by)?;
                let spec: NewCourse = parse::<coursecopy::LearnNewCourse>(body)?.into();
                Ok(Outcome::Course(self.ws.create_course(actor, spec.at(*at))?))
            }
            Op::UpdateCourse { by, course, body, at } => {
                let actor = self.actor(by)?;
                let course = self.course(course)?;
                let change: CourseChange = parse::<coursecopy::LearnCourseChange>(body)?.into();
                self.ws.update_course(actor, course, change.at(*at))?;
                Ok(Outcome::Done)
            }
            Op::DeleteCourse { by, course } => {
                let actor = self.actor(by)?;
                let course = self.course(course)?;
                self.delete_course(actor, course)
            }
            Op::RequestCopy { by, source, body, at, fail } => {
                let actor = self.actor(by)?;
                let source = self.course(source)?;
                let request: CopyRequest = parse::<coursecopy::LearnCopyRequest>(body)?.into();
                let task = self.ws.request_copy_at(actor, source, &request, *at)?;
                let status = self.ws.task_status(task)?;
                let target = self.ws.course(status.target)?.lms_id();
                let mut ended = None;
                if *fail {
                    // An injected failure: the copy ends Incomplete before
                    // it starts, its new target removed.
                    self.ws.cancel_task(actor, task)?;
                    ended = Some(*at);
                }
                self.tasks.insert(status.id.clone(), Accepted { key: task, target: target.clone(), ended });
                Ok(Outcome::Copy { task: status.id, target })
            }
            Op::EditPage { user, course, page, title, body } => {
                self.edit_page(user, *course, *page, title.as_deref(), body.as_deref())
            }
            Op::ChangeCourse { user, course, title, course_code, external_id, time_zone, availability, at } => {
                let fields = [title, course_code, external_id, time_zone, availability].map(Option::as_deref);
                self.change_course(user, *course, fields, *at)
            }
            Op::NewCourse { user, prefix, fields, at } => self.new_course(user, prefix, fields, *at),
            Op::RemoveCourse { user, course } => self.remove_course(user, *course),
            Op::StartMigration { user, source, target, spec, select, at, fail } => {
                self.start_migration(user, [*source, *target], spec, *select, *at, *fail)
            }
            Op::SelectMigration { user, migration, spec, at, fail } => {
                self.select_migration(user, *migration, spec, *at, *fail)
            }
            Op::SetIssueState { user, migration, issue, resolved } => {
                self.set_issue_state(user, *migration, *issue, *resolved)
            }
            Op::SetBlueprint { user, course, on, lock_content } => {
                self.set_blueprint(user, *course, *on, *lock_content)
            }
            Op::Associate { user, course, add, remove } => self.associate(user, *course, add, remove),
            Op::StartSync { user, course, comment, at, fail } => {
                self.start_sync(user, *course, comment.as_deref(), *at, *fail)
            }
            Op::RestrictPage { user, course, page, restricted, content } => {
                self.restrict_page(user, *course, *page, *restricted, *content)
            }
            Op::Step { budget, at } => Ok(self.step(*budget, *at)),
        }
    }
}

impl Model {
    /// [`Op::Step`]: starts the migrations and syncs whose turn came, runs
    /// the library's tasks for `budget` units, marks the tasks that ended,
    /// and ends the syncs whose tasks ended.
    fn step(&mut self, budget: u64, at: Timestamp) -> Outcome {
        let mut changed = self.start_queued_migrations(at) + self.advance_syncs(at) > 0;
        let units = self.ws.run_tasks_at(budget, at);
        for accepted in self.tasks.values_mut().filter(|t| t.ended.is_none()) {
            let finished = self.ws.task_status(accepted.key).map(|s| s.state.is_finished()).unwrap_or(true);
            if finished {
                // A task can end without work (one refused as its
                // requester lost a right): the step still changed.
                accepted.ended = Some(at);
                changed = true;
            }
        }
        // Syncs whose copy tasks ended in this step end with it.
        changed |= self.advance_syncs(at) > 0;
        Outcome::Worked { units, changed }
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &Value) -> Result<T, ApplyError> {
    serde_json::from_value(body.clone()).map_err(|e| ApplyError::Body(e.to_string()))
}

/// Untrusted bodies: whatever JSON a client sends to a course or copy
/// route, applying it never panics, and a refused body changes nothing.
#[cfg(test)]
mod untrusted_bodies {
    use super::*;
    use crate::demo::{demo_keys, demo_workspace};
    use proptest::prelude::*;
    use serde_json::json;

    /// JSON values, biased towards the keys and shapes the routes read.
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            "[a-zA-Z0-9_:\\-. ]{0,12}".prop_map(Value::from),
            prop_oneof![
                Just("true"),
                Just("false"),
                Just("Term"),
                Just("UseTerm"),
                Just("DateRange"),
                Just("SelfEnrollment"),
                Just("2027-01-01T00:00:00.000Z"),
                Just("_1_1"),
                Just("courseId:BIO-101"),
                Just("uuid:zz"),
                Just("Share"),
                Just("Duplicate"),
                Just("Linked"),
                Just("2027-03-01"),
                Just("Europe/Berlin"),
                Just("Mars/Olympus"),
                Just("1")
            ]
            .prop_map(Value::from),
        ];
        let keys = prop_oneof![
            Just("courseId"),
            Just("externalId"),
            Just("name"),
            Just("description"),
            Just("availability"),
            Just("available"),
            Just("duration"),
            Just("type"),
            Just("start"),
            Just("end"),
            Just("daysOfUse"),
            Just("enrollment"),
            Just("accessCode"),
            Just("locale"),
            Just("id"),
            Just("allowGuests"),
            Just("targetCourse"),
            Just("copy"),
            Just("settings"),
            Just("mode"),
            Just("discussions"),
            Just("contentAreas"),
            Just("timeZone"),
            Just("dateShift"),
            Just("shiftDates"),
            Just("shiftDays"),
            Just("removeDates"),
            Just("oldStartDate"),
            Just("oldEndDate"),
            Just("newStartDate"),
            Just("newEndDate"),
            Just("daySubstitutions"),
            Just("1"),
            Just("x"),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(keys.clone().prop_map(str::to_string), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn cases() -> u32 {
        std::env::var("COURSECOPY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases()))]

        /// SRV-7: no body panics; a refused one changes nothing.
        #[test]
        fn srv7_any_body_is_applied_or_refused_whole(body in value(), route in 0u8..3, course in 1u8..5) {
            let mut model = Model::new(demo_workspace().unwrap(), &demo_keys()).unwrap();
            let at = Timestamp::from_unix_millis(1_800_000_000_000);
            let by = Actor::User("Author".into());
            let op = match route {
                0 => Op::CreateCourse { by, body, at },
                1 => Op::UpdateCourse { by, course: format!("_{course}_1"), body, at },
                _ => Op::RequestCopy { by, source: format!("_{course}_1"), body, at, fail: false },
            };
            let before = model.ws.clone();
            if model.apply(&op).is_err() {
                prop_assert_eq!(&model.ws, &before);
            }
            prop_assert!(model.ws.check_integrity().is_ok());
        }
    }
}
