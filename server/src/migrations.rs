//! Copies into an existing course that the server numbers itself: what
//! Canvas calls content migrations (CNV-5), kept API-neutral. A migration
//! names its users and courses by name and numeric id, and what it copies
//! in the library's own forms, so the journal replays it whichever API
//! asked.
//!
//! A migration waits for a selection if asked to, then waits while
//! another copy writes into its target (the library refuses a second
//! writer; Canvas queues the migration instead), then runs as a library
//! copy task in the runner, like a Learn copy. Its id comes from the
//! model's job counter, which blueprint syncs will share, so that a
//! progress id (the job's id) names one job.

use crate::model::{Accepted, CopyInto, CopySpec, CoreError, Model, Outcome};
use coursecopy::{Action, CopyMode, CourseKey, CourseRef, TaskStatus, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Where a migration is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MigrationState {
    /// Waiting for its selection.
    WaitingForSelect,
    /// Waiting for its target to be free of another copy.
    Queued,
    /// Running, or ended, as the library task with this id (`_<n>_1`).
    Task {
        /// The task's id.
        task: String,
    },
    /// Refused when it was to start, or failed by an injected fault.
    Failed {
        /// Why.
        reason: String,
        /// When.
        at: Timestamp,
    },
}

/// A copy into an existing course, numbered by the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    /// Its id, also its progress's id.
    pub id: u64,
    /// The workspace user who asked.
    pub user: String,
    /// The source course, by numeric id.
    pub source: u64,
    /// The target course, by numeric id.
    pub target: u64,
    /// When it was asked for.
    pub created: Timestamp,
    /// What it copies (replaced by the selection, for one that waited).
    pub spec: CopySpec,
    /// Where it is.
    #[serde(flatten)]
    pub state: MigrationState,
    /// The numbers of its issues a user marked resolved.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub resolved: BTreeSet<u64>,
    /// The message of a cancel that stopped its running copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<String>,
    /// The largest numeric id of the target's learning objects when its
    /// copy started (0 for none): ids are never reused and nothing else
    /// writes into a course a copy fills, so the copy's learning objects
    /// are those of larger ids. `None` for a migration started before
    /// servers recorded it (0.4), whose assets stay unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_up_to: Option<u64>,
    /// What its copy made of what, once it ended (empty for a copy that
    /// did not complete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<AssetMap>,
}

/// What a completed migration's copy made: each source learning object and
/// page (numeric ids) and the one made of it in the target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetMap {
    /// Learning objects: source id → target id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub los: BTreeMap<u64, u64>,
    /// Pages: source id → target id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pages: BTreeMap<u64, u64>,
}

/// A migration's state as the library reports it, once it runs.
#[derive(Clone, Debug)]
pub struct MigrationStatus<'a> {
    /// The migration.
    pub migration: &'a Migration,
    /// Its task's status, once it has a task.
    pub task: Option<(&'a Accepted, TaskStatus)>,
}

impl MigrationStatus<'_> {
    /// Whether its copy completed (with or without errors).
    pub fn completed(&self) -> bool {
        self.task.as_ref().is_some_and(|(_, t)| {
            matches!(t.state, coursecopy::TaskState::Complete { .. } | coursecopy::TaskState::CompleteWithErrors { .. })
        })
    }
}

impl Model {
    /// Accepts a migration: it waits for a selection (`select`), waits for
    /// its target, or starts. An injected failure (`fail`) ends it failed
    /// at once, its target untouched.
    ///
    /// # Errors
    /// An unknown user or course; a missing right (reading the source,
    /// editing the target): nothing changes.
    pub(crate) fn start_migration(
        &mut self,
        user: &str,
        [source, target]: [u64; 2],
        spec: &CopySpec,
        select: bool,
        at: Timestamp,
        fail: bool,
    ) -> Result<Outcome, CoreError> {
        let actor = self.user(user)?;
        let source_key = self.ws.resolve_course(&CourseRef::PrimaryId(source))?;
        let target_key = self.ws.resolve_course(&CourseRef::PrimaryId(target))?;
        // A target another copy fills is busy, not forbidden: the
        // migration waits for it, and the library checks again at start.
        // The job id is taken last, after every check.
        let forbidden = if !self.ws.can_read(actor, source_key) {
            Some(Action::ReadCourse(source_key))
        } else if !self.ws.can_edit_when_free(actor, target_key) {
            Some(Action::EditCourse(target_key))
        } else {
            None
        };
        if let Some(action) = forbidden {
            return Err(CoreError::Model(coursecopy::Error::Forbidden { user: actor, action }));
        }
        let id = self.take_job_id()?;
        let state = if select { MigrationState::WaitingForSelect } else { MigrationState::Queued };
        let migration = Migration {
            id,
            user: user.into(),
            source,
            target,
            created: at,
            spec: spec.clone(),
            state,
            resolved: BTreeSet::new(),
            cancelled: None,
            held_up_to: None,
            assets: None,
        };
        self.migrations.insert(id, migration);
        // An injected failure fails it at once, even one that would wait
        // for its selection.
        if !select || fail {
            self.advance_migration(id, at, fail);
        }
        Ok(Outcome::Migration(id))
    }

    /// Gives a migration waiting for its selection what to copy; it then
    /// waits for its target or starts.
    ///
    /// # Errors
    /// No such migration, one not waiting for a selection, or one the
    /// user did not start and may not edit the target of.
    pub(crate) fn select_migration(
        &mut self,
        user: &str,
        id: u64,
        spec: &CopySpec,
        at: Timestamp,
        fail: bool,
    ) -> Result<Outcome, CoreError> {
        let migration = self.editable_migration(user, id)?;
        if migration.state != MigrationState::WaitingForSelect {
            return Err(CoreError::Body(format!("migration {id} is not waiting for a selection")));
        }
        if let Some(m) = self.migrations.get_mut(&id) {
            m.spec = spec.clone();
            m.state = MigrationState::Queued;
        }
        self.advance_migration(id, at, fail);
        Ok(Outcome::Migration(id))
    }

    /// Cancels migration `id` (Canvas's progress cancel): one waiting for
    /// its selection or its course fails at once with `message`; one
    /// running has its copy task cancelled (its work undone, the target as
    /// it was, LMS-4) and fails with `message`; one that ended stays as it
    /// is. The user needs edit rights on the target, and, for a copy that
    /// runs, to have asked for it or be an Administrator (the library's
    /// rule for cancelling a task).
    ///
    /// # Errors
    /// No such migration; a missing right.
    pub(crate) fn cancel_migration(
        &mut self,
        user: &str,
        id: u64,
        message: Option<&str>,
        at: Timestamp,
    ) -> Result<Outcome, CoreError> {
        let actor = self.user(user)?;
        let migration = self.editable_migration(user, id)?;
        let reason = message.unwrap_or("cancelled").to_string();
        match migration.state.clone() {
            MigrationState::WaitingForSelect | MigrationState::Queued => {
                self.set_migration_state(id, MigrationState::Failed { reason, at });
            }
            MigrationState::Task { task } => {
                let Some(accepted) = self.tasks.get(&task).filter(|t| t.ended.is_none()) else {
                    return Ok(Outcome::Migration(id));
                };
                let key = accepted.key;
                if self.ws.task_status(key).is_ok_and(|s| s.state.is_finished()) {
                    return Ok(Outcome::Migration(id));
                }
                self.ws.cancel_task(actor, key)?;
                if let Some(accepted) = self.tasks.get_mut(&task) {
                    accepted.ended = Some(at);
                }
                if let Some(m) = self.migrations.get_mut(&id) {
                    // Ended here, not in a step: it made nothing.
                    (m.cancelled, m.assets) = (Some(reason), Some(AssetMap::default()));
                }
            }
            MigrationState::Failed { .. } => {}
        }
        Ok(Outcome::Migration(id))
    }

    /// Starts every queued migration whose target is free, oldest first.
    /// Returns how many changed state.
    pub(crate) fn start_queued_migrations(&mut self, at: Timestamp) -> u64 {
        let queued: Vec<u64> =
            self.migrations.values().filter(|m| m.state == MigrationState::Queued).map(|m| m.id).collect();
        let mut changed = 0;
        for id in queued {
            if self.advance_migration(id, at, false) {
                changed += 1;
            }
        }
        changed
    }

    /// A queued migration starts if its target is free: its task is
    /// accepted, or it fails with the library's refusal. Whether it left
    /// the queue.
    fn advance_migration(&mut self, id: u64, at: Timestamp, fail: bool) -> bool {
        let Some(m) = self.migrations.get(&id).cloned() else { return false };
        if fail {
            let reason = "an injected failure (POST /_coursecopy/faults)".to_string();
            self.set_migration_state(id, MigrationState::Failed { reason, at });
            return true;
        }
        if let Ok(target) = self.ws.resolve_course(&CourseRef::PrimaryId(m.target))
            && self.is_copy_target(target)
        {
            return false;
        }
        let held_up_to = self.largest_lo_id(m.target);
        let state = match self.request_migration_copy(&m, at) {
            Ok(task) => MigrationState::Task { task },
            Err(e) => MigrationState::Failed { reason: e.to_string(), at },
        };
        if let Some(m) = self.migrations.get_mut(&id) {
            m.held_up_to = Some(held_up_to);
        }
        self.set_migration_state(id, state);
        true
    }

    /// The largest numeric id of course `id`'s learning objects; 0 for
    /// none.
    fn largest_lo_id(&self, id: u64) -> u64 {
        let Ok(course) = self.ws.resolve_course(&CourseRef::PrimaryId(id)).and_then(|k| self.ws.course(k)) else {
            return 0;
        };
        let ids = course.learning_objects().filter_map(|lo| self.ws.learning_object(lo).ok()).map(|l| l.numeric_id());
        ids.max().unwrap_or(0)
    }

    /// Records what the copies of migrations that ended made of what
    /// (`Migration::assets`): the target's learning objects of ids past
    /// those it held when the copy started, made from the source's, and
    /// their pages. No other copy or edit writes into a course while one
    /// fills it, so these are the copy's. Run by each runner step, after tasks ended; gives
    /// whether it recorded any (the step is then journaled, so that replay
    /// records them at the same point).
    pub(crate) fn map_ended_migrations(&mut self) -> bool {
        let ended: Vec<u64> = self
            .migrations
            .values()
            .filter(|m| m.assets.is_none() && m.held_up_to.is_some())
            .filter(|m| match &m.state {
                MigrationState::Task { task } => self.tasks.get(task).is_some_and(|t| t.ended.is_some()),
                _ => false,
            })
            .map(|m| m.id)
            .collect();
        for &id in &ended {
            let assets = self.migration(id).map(|status| self.assets_of(&status)).unwrap_or_default();
            if let Some(m) = self.migrations.get_mut(&id) {
                m.assets = Some(assets);
            }
        }
        !ended.is_empty()
    }

    /// What the copy of a migration that completed made; empty otherwise.
    fn assets_of(&self, status: &MigrationStatus<'_>) -> AssetMap {
        let mut map = AssetMap::default();
        let completed = status.completed();
        let m = status.migration;
        let Ok(target) = self.ws.resolve_course(&CourseRef::PrimaryId(m.target)).and_then(|k| self.ws.course(k)) else {
            return map;
        };
        if !completed {
            return map;
        }
        let held_up_to = m.held_up_to.unwrap_or(u64::MAX);
        for lo in target.learning_objects() {
            let Ok(made) = self.ws.learning_object(lo) else { continue };
            let Some(from) = made.origin().and_then(|o| self.ws.learning_object(o).ok()) else { continue };
            if made.numeric_id() <= held_up_to {
                continue;
            }
            map.los.insert(from.numeric_id(), made.numeric_id());
            for page in made.pages() {
                let Ok(p) = self.ws.page(page) else { continue };
                if let Some(origin) = p.origin().and_then(|o| self.ws.page(o).ok()) {
                    map.pages.insert(origin.numeric_id(), p.numeric_id());
                }
            }
        }
        map
    }

    fn set_migration_state(&mut self, id: u64, state: MigrationState) {
        if let Some(m) = self.migrations.get_mut(&id) {
            m.state = state;
        }
    }

    /// Whether an unfinished task copies into `course`.
    fn is_copy_target(&self, course: CourseKey) -> bool {
        self.tasks
            .values()
            .filter(|t| t.ended.is_none())
            .any(|t| self.ws.task_status(t.key).is_ok_and(|s| s.target == course))
    }

    /// The library copy task of `m`, accepted now; its id.
    fn request_migration_copy(&mut self, m: &Migration, at: Timestamp) -> Result<String, CoreError> {
        let actor = self.user(&m.user)?;
        let source = self.ws.resolve_course(&CourseRef::PrimaryId(m.source))?;
        let request = self.copy_request(source, &CopyInto::Course(m.target), CopyMode::Duplicate, &m.spec)?;
        let task = self.ws.request_copy_at(actor, source, &request, at)?;
        let status = self.ws.task_status(task)?;
        let target = self.ws.course(status.target)?.lms_id();
        self.tasks.insert(status.id.clone(), Accepted { key: task, target, ended: None });
        Ok(status.id)
    }

    /// Migration `id`, if `user` may edit its target once no copy fills it
    /// (the right every change of a migration needs).
    fn editable_migration(&self, user: &str, id: u64) -> Result<&Migration, CoreError> {
        let actor = self.user(user)?;
        let migration = self.migrations.get(&id).ok_or(CoreError::NoMigration { migration: id })?;
        let target = self.ws.resolve_course(&CourseRef::PrimaryId(migration.target))?;
        if !self.ws.can_edit_when_free(actor, target) {
            let action = Action::EditCourse(target);
            return Err(CoreError::Model(coursecopy::Error::Forbidden { user: actor, action }));
        }
        Ok(migration)
    }

    /// How many issues migration `id` has: its copy's dropped references
    /// (LMS-9) and date warnings (DAT-5), once it ended.
    pub fn migration_issue_count(&self, id: u64) -> usize {
        let Some(MigrationStatus { task: Some((_, task)), .. }) = self.migration(id) else { return 0 };
        let dropped = match &task.state {
            coursecopy::TaskState::CompleteWithErrors { issues, .. } => issues.len(),
            _ => 0,
        };
        dropped + task.date_shift.as_ref().map_or(0, |r| r.warnings.len())
    }

    /// Marks issue `issue` (from 1) of migration `id` resolved or active
    /// again (`canvas/API.md` §5.3), for a user who may edit its course.
    ///
    /// # Errors
    /// No such migration or issue; a missing right.
    pub(crate) fn set_issue_state(
        &mut self,
        user: &str,
        id: u64,
        issue: u64,
        resolved: bool,
    ) -> Result<Outcome, CoreError> {
        self.editable_migration(user, id)?;
        if issue == 0 || issue > self.migration_issue_count(id) as u64 {
            return Err(CoreError::NoIssue { migration: id, issue });
        }
        if let Some(m) = self.migrations.get_mut(&id) {
            if resolved {
                m.resolved.insert(issue);
            } else {
                m.resolved.remove(&issue);
            }
        }
        Ok(Outcome::Done)
    }

    /// Migration `id` with its task's status.
    pub fn migration(&self, id: u64) -> Option<MigrationStatus<'_>> {
        let migration = self.migrations.get(&id)?;
        let task = match &migration.state {
            MigrationState::Task { task } => self.task(task),
            _ => None,
        };
        Some(MigrationStatus { migration, task })
    }

    /// The migrations into the course of numeric id `target`, newest first.
    pub fn migrations_into(&self, target: u64) -> impl Iterator<Item = MigrationStatus<'_>> + '_ {
        self.migrations.values().rev().filter(move |m| m.target == target).filter_map(|m| self.migration(m.id))
    }
}
