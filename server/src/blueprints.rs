//! Blueprint courses (CNV-7, CNV-8), kept API-neutral: a course made an
//! upstream with one template, the courses the template syncs into, and
//! the syncs, numbered from the model's job counter as migrations are.
//!
//! A sync waits in the runner while another sync of its blueprint runs.
//! When its turn comes, in one runner step, each associated course takes
//! its part, atomic by itself: a course synced before takes every
//! upstream change (LNK-8, deletion policy `FollowUpstream`, LNK-14) and
//! a linked copy of each learning object added upstream since; a course
//! never synced takes the changes of the linked copies it already holds,
//! then a stepped linked copy (a library task, LNK-1, LMS-5) of every
//! learning object it holds no linked copy of. The sync ends when its
//! copy tasks end.

use crate::model::{Accepted, CoreError, Model, Outcome};
use coursecopy::{
    ContentPick, CopyMode, CopyRequest, CopySelection, CopyTarget, CourseKey, CourseRef, Customisations,
    DeletedUpstream, LinkPreview, LinkedRecord, LoKey, Outcome as LinkOutcome, PendingChange, SyncOptions, SyncReport,
    Timestamp, UserKey, Workspace,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A blueprint course's template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// Its id.
    pub id: u64,
    /// The blueprint course, by numeric id.
    pub course: u64,
    /// The associated courses, by numeric id.
    pub associated: BTreeSet<u64>,
    /// For each course synced at least once, the blueprint's learning
    /// objects (numeric ids) as of its last sync: those added since are
    /// linked by the next.
    pub known: BTreeMap<u64, BTreeSet<u64>>,
    /// Whether an item restricted without restrictions of its own has its
    /// content locked (Canvas's default restrictions, `content` alone
    /// having a counterpart).
    pub lock_content_by_default: bool,
}

/// What a sync did to an item, as a change record reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Made downstream.
    Created,
    /// Changed downstream.
    Updated,
    /// Removed downstream.
    Deleted,
}

/// The kind of item a change record names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Asset {
    /// A learning object (Canvas's module).
    Module,
    /// A page.
    Page,
}

/// One item a sync changed, or kept out where the course customised it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// What kind of item.
    pub asset: Asset,
    /// The blueprint's item, by numeric id (for an item gone upstream, the
    /// course's copy).
    pub id: u64,
    /// Its title.
    pub name: String,
    /// What changed.
    pub change: ChangeKind,
    /// The course kept its own version (a customisation, LNK-5).
    pub kept: bool,
}

/// One associated course's part of a sync.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncPart {
    /// The course, by numeric id.
    pub course: u64,
    /// Its first sync.
    pub initial: bool,
    /// The linked copy task of its first sync, if it had LOs to take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// What it took, or kept out.
    pub records: Vec<ChangeRecord>,
    /// Why it failed; `records` holds what it took before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    /// The blueprint's learning objects (numeric ids) when the part
    /// began: the course's known set once the part succeeds.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub modules: BTreeSet<u64>,
}

/// Where a sync is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Waiting for its turn.
    Queued,
    /// Its copy tasks run.
    ImportsQueued,
    /// Every part took its changes.
    Completed,
    /// A part was refused or failed, or a fault was injected.
    ImportsFailed,
}

/// A blueprint sync.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sync {
    /// Its id, also its progress's.
    pub id: u64,
    /// The template.
    pub template: u64,
    /// Who asked.
    pub user: String,
    /// The comment given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When it was asked for.
    pub created: Timestamp,
    /// When its turn came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<Timestamp>,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<Timestamp>,
    /// Where it is.
    pub state: SyncState,
    /// The courses' parts, once started.
    pub parts: Vec<SyncPart>,
}

/// A refusal by a blueprint rule, in words.
fn rule(message: impl Into<String>) -> CoreError {
    CoreError::Rule(message.into())
}

impl Model {
    fn course_key(&self, id: u64) -> Result<CourseKey, CoreError> {
        Ok(self.ws.resolve_course(&CourseRef::PrimaryId(id))?)
    }

    fn require_edit(&self, actor: UserKey, course: CourseKey) -> Result<(), CoreError> {
        if self.ws.can_edit(actor, course) {
            return Ok(());
        }
        Err(CoreError::Model(coursecopy::Error::Forbidden {
            user: actor,
            action: coursecopy::Action::EditCourse(course),
        }))
    }

    /// The template of blueprint course `course`.
    pub fn template_of(&self, course: u64) -> Option<&Template> {
        self.templates.values().find(|t| t.course == course)
    }

    /// The template `course` is associated with.
    pub fn subscription_of(&self, course: u64) -> Option<&Template> {
        self.templates.values().find(|t| t.associated.contains(&course))
    }

    /// Makes `course` a blueprint (a template with a new id) or not (its
    /// template and associations gone); sets its default restriction.
    ///
    /// # Errors
    /// A missing right; a course associated with a blueprint.
    pub(crate) fn set_blueprint(
        &mut self,
        user: &str,
        course: u64,
        on: bool,
        lock_content: Option<bool>,
    ) -> Result<Outcome, CoreError> {
        self.check_blueprint_change(user, course, on)?;
        match (on, self.template_of(course).map(|t| t.id)) {
            (true, None) => {
                let id = self.take_job_id()?;
                let template = Template {
                    id,
                    course,
                    associated: BTreeSet::new(),
                    known: BTreeMap::new(),
                    lock_content_by_default: lock_content.unwrap_or(true),
                };
                self.templates.insert(id, template);
            }
            (true, Some(id)) => {
                if let (Some(t), Some(lock)) = (self.templates.get_mut(&id), lock_content) {
                    t.lock_content_by_default = lock;
                }
            }
            (false, Some(id)) => {
                self.templates.remove(&id);
            }
            (false, None) => {}
        }
        Ok(Outcome::Done)
    }

    /// What [`set_blueprint`](Self::set_blueprint) checks, without
    /// changing anything: the right to edit the course; a course
    /// associated with a blueprint cannot be one; a blueprint whose sync
    /// is unfinished cannot stop being one.
    ///
    /// # Errors
    /// As `set_blueprint`.
    pub(crate) fn check_blueprint_change(&self, user: &str, course: u64, on: bool) -> Result<(), CoreError> {
        let actor = self.user(user)?;
        self.require_edit(actor, self.course_key(course)?)?;
        match (on, self.template_of(course)) {
            (true, None) if self.subscription_of(course).is_some() => {
                Err(rule("Course is already associated with a blueprint"))
            }
            (false, Some(t)) if self.syncs.values().any(|s| s.template == t.id && !s.is_finished()) => {
                Err(rule("cannot remove a blueprint while a sync is ongoing"))
            }
            _ => Ok(()),
        }
    }

    /// Whether course `course` may be deleted as far as blueprints go: not
    /// a blueprint whose sync waits or runs.
    ///
    /// # Errors
    /// Such a sync.
    pub(crate) fn check_course_removal(&self, course: u64) -> Result<(), CoreError> {
        let Some(template) = self.template_of(course) else { return Ok(()) };
        if self.syncs.values().any(|s| s.template == template.id && !s.is_finished()) {
            return Err(rule("cannot delete a blueprint while a sync is ongoing"));
        }
        Ok(())
    }

    /// Drops what the blueprint data holds of a deleted course: its
    /// template (its syncs stay, as history), its associations.
    pub(crate) fn forget_course(&mut self, course: u64) {
        self.templates.retain(|_, t| t.course != course);
        for template in self.templates.values_mut() {
            template.associated.remove(&course);
            template.known.remove(&course);
        }
    }

    /// What the server's job data breaks, if anything (a snapshot is
    /// untrusted): an id held twice across migrations, templates and
    /// syncs, or not below the counter; two templates of one course; a
    /// course associated with two templates, or with its own; two
    /// unfinished syncs of one template.
    pub(crate) fn jobs_problem(&self) -> Option<String> {
        let ids: Vec<u64> =
            self.migrations.keys().chain(self.templates.keys()).chain(self.syncs.keys()).copied().collect();
        let distinct: BTreeSet<u64> = ids.iter().copied().collect();
        if distinct.len() != ids.len() {
            return Some("a job id is held twice".into());
        }
        if let Some(id) = ids.iter().find(|id| **id >= self.next_job_id) {
            return Some(format!("job {id} is not below the next job id {}", self.next_job_id));
        }
        let mut blueprints = BTreeSet::new();
        let mut associated = BTreeSet::new();
        for t in self.templates.values() {
            if !blueprints.insert(t.course) {
                return Some(format!("course {} has two templates", t.course));
            }
            if t.associated.contains(&t.course) || t.associated.iter().any(|c| !associated.insert(*c)) {
                return Some(format!("template {} holds a course associated twice, or its own", t.id));
            }
        }
        let mut running = BTreeSet::new();
        for sync in self.syncs.values().filter(|s| !s.is_finished()) {
            if !running.insert(sync.template) || !self.templates.contains_key(&sync.template) {
                return Some(format!("sync {} is a second unfinished sync of its template, or has none", sync.id));
            }
        }
        None
    }

    /// The next job id (a migration, a template, a sync), taken.
    ///
    /// # Errors
    /// None left: a counter at its end (only a tampered snapshot holds one).
    pub(crate) fn take_job_id(&mut self) -> Result<u64, CoreError> {
        let id = self.next_job_id;
        self.next_job_id = id.checked_add(1).ok_or_else(|| rule("no job ids are left"))?;
        Ok(id)
    }

    /// Adds and removes associated courses of blueprint `course` (CNV-7):
    /// edit rights on it and on each course added; a course joins one
    /// blueprint at a time and is no blueprint itself; an associated
    /// course added again is ignored, as Canvas ignores it.
    ///
    /// # Errors
    /// Canvas's rules, in its words; a missing right.
    pub(crate) fn associate(
        &mut self,
        user: &str,
        course: u64,
        add: &[u64],
        remove: &[u64],
    ) -> Result<Outcome, CoreError> {
        let actor = self.user(user)?;
        self.require_edit(actor, self.course_key(course)?)?;
        let template = self.template_of(course).ok_or(CoreError::NoTemplate { course })?;
        let id = template.id;
        if add.iter().any(|c| remove.contains(c)) {
            return Err(rule("cannot add and remove a course at the same time"));
        }
        let removing = remove.iter().any(|c| template.associated.contains(c));
        if removing && self.syncs.values().any(|s| s.template == id && !s.is_finished()) {
            return Err(rule("cannot remove courses while a sync is ongoing"));
        }
        let invalid: Vec<String> = add
            .iter()
            .filter(|c| **c == course || self.template_of(**c).is_some() || self.course_key(**c).is_err())
            .map(u64::to_string)
            .collect();
        if !invalid.is_empty() {
            return Err(rule(format!("invalid courses to add ({})", invalid.join(","))));
        }
        let taken: Vec<String> =
            add.iter().filter(|c| self.subscription_of(**c).is_some_and(|t| t.id != id)).map(u64::to_string).collect();
        if !taken.is_empty() {
            return Err(rule(format!(
                "cannot add courses already associated with other templates ({})",
                taken.join(",")
            )));
        }
        for c in add {
            self.require_edit(actor, self.course_key(*c)?)?;
        }
        if let Some(t) = self.templates.get_mut(&id) {
            t.associated.extend(add.iter().copied());
            for c in remove {
                t.associated.remove(c);
                t.known.remove(c);
            }
        }
        Ok(Outcome::Done)
    }

    /// Queues a sync of blueprint `course` (CNV-7); an injected fault ends
    /// it `imports_failed` at once, nothing changed.
    ///
    /// # Errors
    /// A sync of it already waiting or running; no associated course; a
    /// missing right.
    pub(crate) fn start_sync(
        &mut self,
        user: &str,
        course: u64,
        comment: Option<&str>,
        at: Timestamp,
        fail: bool,
    ) -> Result<Outcome, CoreError> {
        let actor = self.user(user)?;
        self.require_edit(actor, self.course_key(course)?)?;
        let template = self.template_of(course).ok_or(CoreError::NoTemplate { course })?;
        let template_id = template.id;
        if self.syncs.values().any(|s| s.template == template_id && !s.is_finished()) {
            return Err(rule("Cannot queue a migration while one is currently running"));
        }
        if template.associated.is_empty() {
            return Err(rule("No associated courses to migrate to"));
        }
        let id = self.take_job_id()?;
        let (state, finished) = if fail { (SyncState::ImportsFailed, Some(at)) } else { (SyncState::Queued, None) };
        let sync = Sync {
            id,
            template: template_id,
            user: user.into(),
            comment: comment.map(str::to_string),
            created: at,
            started: fail.then_some(at),
            finished,
            state,
            parts: Vec::new(),
        };
        self.syncs.insert(id, sync);
        Ok(Outcome::Sync(id))
    }

    /// Locks or unlocks a page of blueprint `course` for its associated
    /// courses (CNV-8, LNK-13): `restricted` with `content` (the template's
    /// default when `None`) locks it; anything else unlocks it.
    ///
    /// # Errors
    /// A missing right; no such page in the blueprint; not a blueprint.
    pub(crate) fn restrict_page(
        &mut self,
        user: &str,
        course: u64,
        page: u64,
        restricted: bool,
        content: Option<bool>,
    ) -> Result<Outcome, CoreError> {
        let actor = self.user(user)?;
        let key = self.course_key(course)?;
        let template = self.template_of(course).ok_or(CoreError::NoTemplate { course })?;
        let lock = restricted && content.unwrap_or(template.lock_content_by_default);
        let page = self.page_in(key, page)?;
        self.ws.set_item_lock(actor, key, LinkedRecord::Page(page), lock)?;
        Ok(Outcome::Done)
    }

    /// Starts the queued syncs whose turn has come and ends those whose
    /// copy tasks ended. Returns how many changed state.
    pub(crate) fn advance_syncs(&mut self, at: Timestamp) -> u64 {
        let mut changed = 0;
        let ids: Vec<u64> = self.syncs.keys().copied().collect();
        for id in ids {
            let Some(state) = self.syncs.get(&id).map(|s| s.state) else { continue };
            match state {
                SyncState::Queued => {
                    self.run_sync(id, at);
                    changed += 1;
                }
                SyncState::ImportsQueued if self.sync_tasks_ended(id) => {
                    self.finish_sync(id, at);
                    changed += 1;
                }
                _ => {}
            }
        }
        changed
    }

    /// Whether syncs wait or run.
    pub fn syncs_unfinished(&self) -> usize {
        self.syncs.values().filter(|s| s.state == SyncState::Queued).count()
    }

    fn sync_tasks_ended(&self, id: u64) -> bool {
        let Some(sync) = self.syncs.get(&id) else { return true };
        sync.parts.iter().filter_map(|p| p.task.as_ref()).all(|t| self.tasks.get(t).is_none_or(|a| a.ended.is_some()))
    }

    /// Ends a sync whose tasks ended: completed, or `imports_failed` when
    /// a part failed or its copy did not complete.
    fn finish_sync(&mut self, id: u64, at: Timestamp) {
        let Some(sync) = self.syncs.get(&id) else { return };
        let mut failures = Vec::new();
        for (i, part) in sync.parts.iter().enumerate() {
            let Some(task) = &part.task else { continue };
            if let Some((_, status)) = self.task(task)
                && !matches!(
                    status.state,
                    coursecopy::TaskState::Complete { .. } | coursecopy::TaskState::CompleteWithErrors { .. }
                )
            {
                failures.push((i, format!("its copy ended {}", status.state.name())));
            }
        }
        let Some(sync) = self.syncs.get_mut(&id) else { return };
        for (i, why) in failures {
            if let Some(part) = sync.parts.get_mut(i) {
                part.failed = Some(why);
            }
        }
        let failed = sync.parts.iter().any(|p| p.failed.is_some());
        sync.state = if failed { SyncState::ImportsFailed } else { SyncState::Completed };
        sync.finished = Some(at);
        // A course's modules are known once its part took them: a part
        // that failed (its copy rolled back) is a first sync again.
        let taken: Vec<(u64, BTreeSet<u64>)> =
            sync.parts.iter().filter(|p| p.failed.is_none()).map(|p| (p.course, p.modules.clone())).collect();
        if let Some(template) = self.templates.get_mut(&sync.template) {
            for (course, modules) in taken {
                if template.associated.contains(&course) {
                    template.known.insert(course, modules);
                }
            }
        }
    }

    /// Runs a queued sync's parts, one course at a time.
    fn run_sync(&mut self, id: u64, at: Timestamp) {
        let Some(sync) = self.syncs.get(&id).cloned() else { return };
        let Some(template) = self.templates.get(&sync.template).cloned() else {
            self.end_sync(id, at, Vec::new());
            return;
        };
        let parts = template
            .associated
            .iter()
            .map(|course| self.sync_part(&sync.user, &template, *course, !template.known.contains_key(course), at))
            .collect();
        if let Some(s) = self.syncs.get_mut(&id) {
            s.started = Some(at);
        }
        self.end_sync(id, at, parts);
    }

    /// Puts the parts in; the sync waits for its tasks, or ends.
    fn end_sync(&mut self, id: u64, at: Timestamp, parts: Vec<SyncPart>) {
        let waits = parts.iter().any(|p| p.task.is_some());
        if let Some(s) = self.syncs.get_mut(&id) {
            s.parts = parts;
            s.state = SyncState::ImportsQueued;
        }
        if !waits || self.sync_tasks_ended(id) {
            self.finish_sync(id, at);
        }
    }

    /// One course's part: its linked copies synced (atomic, LNK-8), then
    /// the learning objects it lacks linked (stepped, by a copy task, on
    /// its first sync; each by itself on a later one). A failure after
    /// the sync keeps the records of what it took.
    fn sync_part(&mut self, user: &str, template: &Template, course: u64, initial: bool, at: Timestamp) -> SyncPart {
        let mut part =
            SyncPart { course, initial, task: None, records: Vec::new(), failed: None, modules: BTreeSet::new() };
        if let Err(e) = self.take_part(user, template, &mut part, at) {
            part.failed = Some(e.to_string());
        }
        part
    }

    fn take_part(
        &mut self,
        user: &str,
        template: &Template,
        part: &mut SyncPart,
        at: Timestamp,
    ) -> Result<(), CoreError> {
        let actor = self.user(user)?;
        let (blueprint, target) = (self.course_key(template.course)?, self.course_key(part.course)?);
        self.require_edit(actor, target)?;
        let previews = self.ws.preview_course_sync(target)?;
        let before = records_of_previews(&self.ws, &previews);
        let options =
            SyncOptions::new().customisations(Customisations::Keep).deleted_upstream(DeletedUpstream::FollowUpstream);
        let reports = self.ws.sync_course(actor, target, options)?;
        if !part.initial {
            part.records = before;
        }
        part.records.extend(records_of_reports(&self.ws, &reports));
        let upstream: Vec<LoKey> = self.ws.course(blueprint)?.learning_objects().collect();
        let known = template.known.get(&part.course).cloned().unwrap_or_default();
        let mut missing = Vec::new();
        for lo in &upstream {
            let id = self.ws.learning_object(*lo)?.numeric_id();
            part.modules.insert(id);
            if self.ws.linked_copy_in(target, *lo)?.is_none() && (part.initial || !known.contains(&id)) {
                missing.push(*lo);
            }
        }
        if part.initial {
            part.task = self.initial_copy(actor, blueprint, target, &missing, at)?;
            return Ok(());
        }
        for lo in &missing {
            let copy = self.ws.link_learning_object(actor, blueprint, *lo, target)?;
            let (id, name) =
                (self.ws.learning_object(*lo)?.numeric_id(), self.ws.learning_object(copy)?.title().to_string());
            part.records.push(ChangeRecord {
                asset: Asset::Module,
                id,
                name,
                change: ChangeKind::Created,
                kept: false,
            });
        }
        Ok(())
    }

    /// The stepped linked copy of `los` into `target`: a library task.
    fn initial_copy(
        &mut self,
        actor: UserKey,
        blueprint: CourseKey,
        target: CourseKey,
        los: &[LoKey],
        at: Timestamp,
    ) -> Result<Option<String>, CoreError> {
        if los.is_empty() {
            return Ok(None);
        }
        let pick = los.iter().fold(ContentPick::only(), |pick, lo| pick.learning_object(*lo));
        let mut selection = CopySelection::nothing();
        selection.content_areas = true;
        let request = CopyRequest::new(CopyTarget::Existing(CourseRef::Key(target)))
            .mode(CopyMode::Linked)
            .selection(selection)
            .content(pick);
        let task = self.ws.request_copy_at(actor, blueprint, &request, at)?;
        let status = self.ws.task_status(task)?;
        let target_id = self.ws.course(status.target)?.lms_id();
        self.tasks.insert(status.id.clone(), Accepted { key: task, target: target_id, ended: None });
        Ok(Some(status.id))
    }

    /// What a sync of blueprint `course` would take now, across its
    /// associated courses synced before (LNK-3), deduplicated by item:
    /// `None` before its first sync.
    pub fn unsynced_changes(&self, course: u64) -> Option<Vec<ChangeRecord>> {
        let template = self.template_of(course)?;
        if template.known.is_empty() {
            return None;
        }
        let mut all = BTreeMap::new();
        for (c, known) in &template.known {
            let Ok(target) = self.course_key(*c) else { continue };
            let previews = self.ws.preview_course_sync(target).unwrap_or_default();
            for mut record in records_of_previews(&self.ws, &previews) {
                record.kept = false;
                all.entry((record.asset, record.id)).or_insert(record);
            }
            let Ok(blueprint) = self.course_key(course) else { continue };
            for lo in self.ws.course(blueprint).map(|b| b.learning_objects().collect::<Vec<_>>()).unwrap_or_default() {
                let Ok(record) = self.ws.learning_object(lo) else { continue };
                if !known.contains(&record.numeric_id()) {
                    let (id, name) = (record.numeric_id(), record.title().to_string());
                    all.entry((Asset::Module, id)).or_insert(ChangeRecord {
                        asset: Asset::Module,
                        id,
                        name,
                        change: ChangeKind::Created,
                        kept: false,
                    });
                }
            }
        }
        Some(all.into_values().collect())
    }
}

impl Sync {
    /// Whether it ended.
    pub fn is_finished(&self) -> bool {
        matches!(self.state, SyncState::Completed | SyncState::ImportsFailed)
    }
}

/// The change records of the previews of a course's linked copies, taken
/// before a sync: one per item, `kept` where the course's customisation
/// keeps the change out.
fn records_of_previews(ws: &Workspace, previews: &[LinkPreview]) -> Vec<ChangeRecord> {
    let mut out: BTreeMap<(Asset, u64), ChangeRecord> = BTreeMap::new();
    for preview in previews {
        let Some(upstream) = preview.upstream() else { continue };
        let Ok(lo) = ws.learning_object(upstream) else { continue };
        for change in preview.changes() {
            let kept = change.outcome() == LinkOutcome::Conflict;
            let page =
                |key, kind| ws.page(key).ok().map(|p| (Asset::Page, p.numeric_id(), p.title().to_string(), kind));
            let item = match change {
                PendingChange::PageField { upstream_page, .. } => page(*upstream_page, ChangeKind::Updated),
                PendingChange::PageAdded { upstream_page } | PendingChange::PageRecreated { upstream_page } => {
                    page(*upstream_page, ChangeKind::Created)
                }
                PendingChange::PageDeleted { page: copy, .. } => page(*copy, ChangeKind::Deleted),
                _ => Some((Asset::Module, lo.numeric_id(), lo.title().to_string(), ChangeKind::Updated)),
            };
            let Some((asset, id, name, change)) = item else { continue };
            let record = out.entry((asset, id)).or_insert(ChangeRecord { asset, id, name, change, kept: false });
            record.kept |= kept;
        }
    }
    out.into_values().collect()
}

/// The records only a sync's reports hold: copies taken out because their
/// upstream was deleted (or kept for their local work), and copies
/// re-created because the upstream locked them.
fn records_of_reports(ws: &Workspace, reports: &[SyncReport]) -> Vec<ChangeRecord> {
    let mut out = Vec::new();
    for report in reports {
        let copy = ws.learning_object(report.learning_object).ok();
        let name = copy.map(|c| c.title().to_string()).unwrap_or_default();
        let copy_id = copy.map_or(0, |c| c.numeric_id());
        for (list, kept) in [(&report.applied, false), (&report.kept, true)] {
            for change in list {
                match change {
                    PendingChange::LoDeleted { .. } => out.push(ChangeRecord {
                        asset: Asset::Module,
                        id: copy_id,
                        name: name.clone(),
                        change: ChangeKind::Deleted,
                        kept,
                    }),
                    PendingChange::LoRecreated { upstream } => {
                        let id = ws.learning_object(*upstream).map_or(copy_id, |l| l.numeric_id());
                        out.push(ChangeRecord {
                            asset: Asset::Module,
                            id,
                            name: name.clone(),
                            change: ChangeKind::Created,
                            kept,
                        });
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{demo_keys, demo_workspace};

    fn template(id: u64, course: u64, associated: &[u64]) -> Template {
        Template {
            id,
            course,
            associated: associated.iter().copied().collect(),
            known: BTreeMap::new(),
            lock_content_by_default: true,
        }
    }

    /// A snapshot's job data is untrusted: ids held twice or past the
    /// counter, a course with two templates or in two, a template holding
    /// its own course, two unfinished syncs of one template are each found.
    #[test]
    fn cnv7_job_data_that_breaks_a_rule_is_found() {
        let model = || {
            let mut m = Model::new(demo_workspace().unwrap(), &demo_keys()).unwrap();
            m.next_job_id = 10;
            m
        };
        let sync = |id, template, state| Sync {
            id,
            template,
            user: "Author".into(),
            comment: None,
            created: Timestamp::from_unix_millis(0),
            started: None,
            finished: None,
            state,
            parts: Vec::new(),
        };
        let mut sound = model();
        sound.templates.insert(1, template(1, 1, &[2, 3]));
        sound.syncs.insert(2, sync(2, 1, SyncState::Queued));
        sound.syncs.insert(3, sync(3, 1, SyncState::Completed));
        assert_eq!(sound.jobs_problem(), None);
        type Breaks<'a> = Box<dyn Fn(&mut Model) + 'a>;
        let broken: [Breaks<'_>; 6] = [
            Box::new(|m| m.next_job_id = 3),
            Box::new(|m| drop(m.templates.insert(4, template(4, 1, &[])))),
            Box::new(|m| drop(m.templates.insert(4, template(4, 5, &[3])))),
            Box::new(|m| drop(m.templates.insert(4, template(4, 5, &[5])))),
            Box::new(|m| drop(m.syncs.insert(4, sync(4, 1, SyncState::ImportsQueued)))),
            Box::new(|m| drop(m.syncs.insert(1, sync(1, 1, SyncState::Completed)))),
        ];
        for (i, breaks) in broken.iter().enumerate() {
            let mut m = sound.clone();
            breaks(&mut m);
            assert!(m.jobs_problem().is_some(), "case {i}");
        }
    }
}
