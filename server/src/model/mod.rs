//! The durable part of the server: the workspace, the book of copy tasks
//! the server accepted, and the operations that change them.
//!
//! Every change, live or replayed from the journal, goes through
//! [`Model::apply`]: an [`Op`] carries all its inputs, the time included,
//! so that applying the same ops to the same snapshot reaches the same
//! state without reading the clock. The runner's steps are ops too.

use coursecopy::{
    CopyMode, CourseChange, CourseKey, CourseRef, NewCourse, TaskKey, TaskStatus, Timestamp, UserKey, Workspace,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod copy_order;
mod course_query;
mod neutral;

pub use copy_order::{CopyInto, CopySpec};
pub use course_query::{CourseOrder, CourseQuery, CourseScope, CourseText};
pub use neutral::CourseFields;

/// One change, with everything needed to apply it again, whichever API
/// asked: every op names the workspace user by name, and courses, pages
/// and jobs by numeric id, and carries requests in the library's own
/// types (no app key, no wire body), so it replays whatever keys the
/// server starts with. Journal records before version 3 held Learn's
/// bodies; [`crate::learn::legacy`] reads them through the Learn parser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// A course made with the `course_id` it names (Learn's `POST
    /// /courses`), in the library's own form.
    CreateCourse {
        /// The workspace user who asked.
        user: String,
        /// The course.
        course: Box<NewCourse>,
        /// When: the course's creation time, whatever `course` says.
        at: Timestamp,
    },
    /// A course's fields changed (Learn's `PATCH /courses/{id}`), in the
    /// library's own form.
    UpdateCourse {
        /// The workspace user who asked.
        user: String,
        /// The course, by numeric id.
        course: u64,
        /// The change.
        change: Box<CourseChange>,
        /// When: the change's time, whatever `change` says.
        at: Timestamp,
    },
    /// A copy accepted and queued (Learn's `POST /courses/{id}/copy`).
    RequestCopy {
        /// The workspace user who asked.
        user: String,
        /// The source course, by numeric id.
        source: u64,
        /// Where it goes.
        target: CopyInto,
        /// Share, Duplicate or Linked.
        #[serde(default)]
        mode: CopyMode,
        /// What it carries.
        #[serde(default)]
        spec: CopySpec,
        /// When.
        at: Timestamp,
        /// An injected fault: the copy ends Incomplete at once.
        #[serde(default)]
        fail: bool,
    },
    /// A page's title or body changed.
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
        /// The new start of its `DateRange`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start: Option<Timestamp>,
        /// The new end of its `DateRange`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end: Option<Timestamp>,
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
        spec: CopySpec,
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
        spec: CopySpec,
        /// When.
        at: Timestamp,
        /// An injected fault: it ends failed at once.
        #[serde(default)]
        fail: bool,
    },
    /// A migration cancelled (Canvas's progress cancel).
    CancelMigration {
        /// The workspace user who asked.
        user: String,
        /// The migration's id.
        migration: u64,
        /// The cancel's message, if given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        /// When.
        at: Timestamp,
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
    /// The op with an injected failure armed or not, if it starts a job
    /// the runner runs (a copy, a migration, a sync); any other as it is.
    pub fn with_fault(mut self, armed: bool) -> Op {
        if let Op::RequestCopy { fail, .. }
        | Op::StartMigration { fail, .. }
        | Op::SelectMigration { fail, .. }
        | Op::StartSync { fail, .. } = &mut self
        {
            *fail = armed;
        }
        self
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

/// Why the core refused a change, whichever API asked: the model's
/// refusal of an op, or a data file that failed. Each API renders it in
/// its own shape (Learn's `Failure`, Canvas's `CanvasError`); the core
/// knows no status code or wire body.
#[derive(Debug)]
pub enum CoreError {
    /// The data file failed: no change is taken from now on, since what
    /// is answered could no longer be kept.
    Unavailable(String),
    /// The model refused it.
    Model(coursecopy::Error),
    /// A request's value is not one the server takes: a body the Learn
    /// parser refuses (the message names the key path), an availability
    /// name, a migration not waiting for a selection.
    Body(String),
    /// The app key of a version-1 journal record names no user among the
    /// app keys the server started with.
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

impl std::fmt::Display for CoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CoreError::Unavailable(why) => write!(f, "the data file failed: {why}"),
            CoreError::Model(e) => write!(f, "{e}"),
            CoreError::Body(message) => f.write_str(message),
            CoreError::Actor(key) => write!(f, "app key {key:?} acts as no user"),
            CoreError::User(name) => write!(f, "no user is named {name:?}"),
            CoreError::NoPage { page } => write!(f, "the course has no page {page}"),
            CoreError::NoMigration { migration } => write!(f, "no migration {migration}"),
            CoreError::NoTemplate { course } => write!(f, "course {course} is no blueprint"),
            CoreError::NoIssue { migration, issue } => write!(f, "migration {migration} has no issue {issue}"),
            CoreError::Rule(message) => f.write_str(message),
        }
    }
}

impl From<coursecopy::Error> for CoreError {
    fn from(e: coursecopy::Error) -> Self {
        CoreError::Model(e)
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
    pub(crate) fn user(&self, name: &str) -> Result<UserKey, CoreError> {
        self.ws.users().find(|(_, u)| u.name() == name).map(|(k, _)| k).ok_or_else(|| CoreError::User(name.into()))
    }

    /// The page of `course` with numeric id `id`.
    ///
    /// # Errors
    /// None such in the course.
    pub fn page_in(&self, course: CourseKey, id: u64) -> Result<coursecopy::PageKey, CoreError> {
        let mut pages = self.ws.course_pages(course)?;
        pages.find(|(_, p)| p.numeric_id() == id).map(|(k, _)| k).ok_or(CoreError::NoPage { page: id })
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
    /// What the library or a rule of the server's data refused; an unknown
    /// user, course, page, migration, issue or template.
    pub fn apply(&mut self, op: &Op) -> Result<Outcome, CoreError> {
        match op {
            Op::CreateCourse { user, course, at } => {
                let actor = self.user(user)?;
                Ok(Outcome::Course(self.ws.create_course(actor, NewCourse::clone(course).at(*at))?))
            }
            Op::UpdateCourse { user, course, change, at } => {
                let actor = self.user(user)?;
                let course = self.ws.resolve_course(&CourseRef::PrimaryId(*course))?;
                self.ws.update_course(actor, course, CourseChange::clone(change).at(*at))?;
                Ok(Outcome::Done)
            }
            Op::RequestCopy { user, source, target, mode, spec, at, fail } => {
                self.request_copy(user, *source, target, *mode, spec, *at, *fail)
            }
            Op::EditPage { user, course, page, title, body } => {
                self.edit_page(user, *course, *page, title.as_deref(), body.as_deref())
            }
            Op::ChangeCourse {
                user,
                course,
                title,
                course_code,
                external_id,
                time_zone,
                availability,
                start,
                end,
                at,
            } => {
                let fields = [title, course_code, external_id, time_zone, availability].map(Option::as_deref);
                self.change_course(user, *course, fields, [*start, *end], *at)
            }
            Op::NewCourse { user, prefix, fields, at } => self.new_course(user, prefix, fields, *at),
            Op::RemoveCourse { user, course } => self.remove_course(user, *course),
            Op::StartMigration { user, source, target, spec, select, at, fail } => {
                self.start_migration(user, [*source, *target], spec, *select, *at, *fail)
            }
            Op::SelectMigration { user, migration, spec, at, fail } => {
                self.select_migration(user, *migration, spec, *at, *fail)
            }
            Op::CancelMigration { user, migration, message, at } => {
                self.cancel_migration(user, *migration, message.as_deref(), *at)
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
    /// [`Op::RequestCopy`]: the library's copy task, in the book; an
    /// injected failure ends it Incomplete before it starts, its new
    /// target removed.
    #[allow(clippy::too_many_arguments)]
    fn request_copy(
        &mut self,
        user: &str,
        source: u64,
        target: &CopyInto,
        mode: CopyMode,
        spec: &CopySpec,
        at: Timestamp,
        fail: bool,
    ) -> Result<Outcome, CoreError> {
        let actor = self.user(user)?;
        let source = self.ws.resolve_course(&CourseRef::PrimaryId(source))?;
        let request = self.copy_request(source, target, mode, spec)?;
        let task = self.ws.request_copy_at(actor, source, &request, at)?;
        let status = self.ws.task_status(task)?;
        let target = self.ws.course(status.target)?.lms_id();
        let mut ended = None;
        if fail {
            self.ws.cancel_task(actor, task)?;
            ended = Some(at);
        }
        self.tasks.insert(status.id.clone(), Accepted { key: task, target: target.clone(), ended });
        Ok(Outcome::Copy { task: status.id, target })
    }

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
        // Syncs whose copy tasks ended in this step end with it; the
        // migrations whose copies ended record what they made.
        changed |= self.advance_syncs(at) > 0;
        changed |= self.map_ended_migrations();
        Outcome::Worked { units, changed }
    }
}
