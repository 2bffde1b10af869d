//! The one shared handle every handler and the runner hold: the model
//! behind one lock, the journal, and what lives in memory only (tokens,
//! rate windows, faults, the runner's controls).
//!
//! Handlers lock, translate, commit an op or read, and unlock;
//! they never wait behind a copy, because a runner step holds the lock for
//! a bounded budget of work.

use crate::config::Config;
use crate::demo::{AppKey, demo_keys, demo_workspace};
use crate::journal::{Journal, JournalError};
use crate::learn::wire::Failure;
use crate::model::{CoreError, Model, Op, Outcome};
use axum::http::StatusCode;
use coursecopy::{UserKey, Workspace};
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The shared handle.
pub type SharedApp = Arc<App>;

/// The server.
pub struct App {
    /// Its settings.
    pub config: Config,
    /// The token of the test controls.
    pub admin_token: String,
    /// The app keys.
    pub keys: Vec<AppKey>,
    /// The Canvas access tokens (CNV-1).
    pub canvas_tokens: Vec<crate::canvas::CanvasToken>,
    /// Whether this start made a new data file (`--data` named a path
    /// where no file existed).
    pub created_data_file: bool,
    state: Mutex<State>,
    /// Wakes the runner when there is work or its controls changed.
    pub wake: Condvar,
    /// The sharing graph's last SVG layout (one layout at a time).
    pub(crate) layouts: crate::graph_svg::Layouts,
}

/// A bearer token's session.
#[derive(Clone, Debug)]
pub struct Session {
    /// The app key it was issued to.
    pub key: String,
    /// When it stops being valid.
    pub expires: Instant,
}

/// A rate window of one app key (or of unauthenticated callers).
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// When the window started.
    pub start: Instant,
    /// Requests made in it.
    pub used: u64,
}

/// Injected faults (SRV-10).
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Copies still to end Incomplete.
    pub fail_copies: u64,
    /// Requests still to answer 503.
    pub unavailable: u64,
    /// Requests still to answer 429.
    pub throttled: u64,
    /// Latency added to every Learn request.
    pub latency: Duration,
}

/// What the dashboard's live stream follows: how many changes the server
/// has seen (commits, runner steps that worked, controls), and whether it
/// is stopping, which ends every stream so that a graceful shutdown does
/// not wait for open dashboards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pulse {
    /// Changes so far.
    pub changes: u64,
    /// The server is stopping.
    pub closing: bool,
}

/// The runner's controls.
#[derive(Clone, Debug, Default)]
pub struct RunnerControl {
    /// Paused: no step runs unless asked.
    pub paused: bool,
}

/// Everything behind the lock.
pub(crate) struct State {
    /// The durable part.
    pub model: Model,
    /// The journal, with `--data`.
    pub journal: Option<Journal>,
    /// Bearer tokens.
    pub sessions: HashMap<String, Session>,
    /// Rate windows by app key.
    pub windows: HashMap<String, Window>,
    /// Injected faults.
    pub faults: Faults,
    /// The runner's controls.
    pub runner: RunnerControl,
    /// Set when the journal failed: the server then refuses changes.
    pub broken: Option<String>,
    /// Told of every change; the dashboard's streams subscribe to it.
    /// Telling it costs the same whether or not a dashboard is open.
    pulse: tokio::sync::watch::Sender<Pulse>,
    /// Journal records between snapshots (`--snapshot-every`).
    snapshot_every: u64,
    snapshot_work_per_page: u64,
    tokens_made: u64,
}

impl App {
    /// The server for `config`: its model from the database, an import or
    /// the demo.
    ///
    /// # Errors
    /// A database or import that cannot be used, app keys naming unknown
    /// users; each message names the file and what is wrong.
    pub fn new(config: Config) -> Result<SharedApp, String> {
        let keys = app_keys(&config)?;
        let import = config.import.clone();
        let fresh = || -> Result<Model, String> {
            let ws = match &import {
                Some(path) => load_saved(path)?,
                None => demo_workspace().map_err(|e| format!("the demo workspace: {e}"))?,
            };
            let mut model = Model::new(ws, &keys)?;
            set_task_limit(&mut model, config.max_running);
            Ok(model)
        };
        let created_data_file = config.data.as_ref().is_some_and(|p| std::fs::symlink_metadata(p).is_err());
        let (model, journal) = match &config.data {
            Some(path) => {
                let (journal, model) = Journal::open(path, &keys, fresh).map_err(|e: JournalError| e.0)?;
                (model, Some(journal))
            }
            None => (fresh()?, None),
        };
        let admin_token = config.admin_token.clone().unwrap_or_else(|| random_hex(16));
        let canvas_tokens = crate::canvas::canvas_tokens(&config.canvas_tokens, &model.ws)?;
        let state = State {
            model,
            journal,
            sessions: HashMap::new(),
            windows: HashMap::new(),
            faults: Faults::default(),
            runner: RunnerControl::default(),
            broken: None,
            pulse: tokio::sync::watch::Sender::new(Pulse::default()),
            snapshot_every: config.snapshot_every,
            snapshot_work_per_page: config.snapshot_work_per_page,
            tokens_made: 0,
        };
        Ok(Arc::new(App {
            config,
            admin_token,
            keys,
            canvas_tokens,
            created_data_file,
            state: Mutex::new(state),
            wake: Condvar::new(),
            layouts: crate::graph_svg::Layouts::default(),
        }))
    }

    /// Whether the runner's queue has room for another job: at most
    /// `--max-queued` copies, migrations and syncs wait or run, whichever
    /// API asked. Each API answers a full queue in its own shape.
    pub(crate) fn queue_has_room(&self, state: &State) -> bool {
        state.model.unfinished() < self.config.max_queued
    }

    /// Locks the state. A panic while it was held leaves it usable: every
    /// change is all-or-nothing in the model.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Replaces the model (reset to the demo or to an uploaded workspace),
    /// snapshotting it when there is a journal. Tokens and injected faults
    /// are cleared with it: a reset starts a test from a known state.
    ///
    /// # Errors
    /// App keys the workspace has no users for; the journal's errors.
    pub(crate) fn reset(&self, ws: Workspace) -> Result<(), Failure> {
        let mut model = Model::new(ws, &self.keys).map_err(Failure::bad_request)?;
        set_task_limit(&mut model, self.config.max_running);
        let mut state = self.lock();
        // Job ids (migrations) are never reused in one data file's life.
        model.next_job_id = state.model.next_job_id;
        if let Some(journal) = state.journal.as_mut() {
            journal.snapshot(&model).map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e.0))?;
        }
        state.model = model;
        state.sessions.clear();
        state.faults = Faults::default();
        state.touch();
        drop(state);
        self.wake.notify_all();
        Ok(())
    }
}

impl App {
    /// A receiver of the server's [`Pulse`], for a live stream.
    pub(crate) fn subscribe(&self) -> tokio::sync::watch::Receiver<Pulse> {
        self.lock().pulse.subscribe()
    }

    /// Ends every live stream (`true`, the server is stopping), or lets
    /// them run again (`false`, it serves again).
    pub(crate) fn close_streams(&self, closing: bool) {
        self.lock().pulse.send_modify(|p| p.closing = closing);
    }
}

impl State {
    /// The pulse as it is now.
    pub(crate) fn pulse_now(&self) -> Pulse {
        *self.pulse.borrow()
    }

    /// Tells the live streams that something changed.
    pub(crate) fn touch(&self) {
        self.pulse.send_modify(|p| p.changes += 1);
    }

    /// Applies `op` and, with a journal, commits it before returning:
    /// what this returns `Ok` for survives a crash.
    ///
    /// # Errors
    /// The model's refusal; [`CoreError::Unavailable`] once the journal
    /// failed. Each API renders it in its own shape.
    pub fn commit(&mut self, op: Op) -> Result<Outcome, CoreError> {
        if let Some(why) = &self.broken {
            return Err(CoreError::Unavailable(why.clone()));
        }
        let outcome = self.model.apply(&op)?;
        let gave = self.model.describe(&outcome);
        if let Some(journal) = self.journal.as_mut() {
            if let Err(e) = journal.commit(Some((&op, gave))) {
                return Err(self.journal_failed(e));
            }
            if journal.snapshot_due(self.snapshot_every, self.snapshot_work_per_page)
                && let Err(e) = journal.snapshot(&self.model)
            {
                tracing::warn!(error = %e, "snapshot failed; the journal keeps growing");
            }
        }
        self.touch();
        Ok(outcome)
    }

    /// Commits the op of a job the runner will run (a Learn copy, a
    /// content migration, a blueprint sync), with an injected failure
    /// (`failCopies`) if one is armed, which the job then uses up once it
    /// is committed. One home for the fault bookkeeping of every API.
    ///
    /// # Errors
    /// As [`commit`](Self::commit).
    pub fn commit_job(&mut self, op: Op) -> Result<Outcome, CoreError> {
        let fail = self.faults.fail_copies > 0;
        let outcome = self.commit(op.with_fault(fail))?;
        self.faults.fail_copies = self.faults.fail_copies.saturating_sub(u64::from(fail));
        Ok(outcome)
    }

    /// Runs one runner step of `budget` units at `at`; one that worked or
    /// changed anything is written with the next commit or flush.
    pub fn step(&mut self, budget: u64, at: coursecopy::Timestamp) -> u64 {
        let op = Op::Step { budget, at };
        let (worked, changed) = match self.model.apply(&op) {
            Ok(Outcome::Worked { units, changed }) => (units, changed),
            _ => (0, false),
        };
        if worked > 0 || changed {
            if let Some(journal) = self.journal.as_mut() {
                journal.buffer_step(op, worked);
            }
            self.touch();
        }
        worked
    }

    /// Makes every step so far durable, before telling a client a task has
    /// ended.
    ///
    /// # Errors
    /// [`CoreError::Unavailable`] when the journal fails.
    pub fn flush(&mut self) -> Result<(), CoreError> {
        if let Some(journal) = self.journal.as_mut()
            && let Err(e) = journal.flush()
        {
            return Err(self.journal_failed(e));
        }
        Ok(())
    }

    /// Marks the server broken after a journal failure: it refuses every
    /// later change, since what it answers could no longer be kept.
    fn journal_failed(&mut self, e: JournalError) -> CoreError {
        tracing::error!(error = %e, "the journal failed; refusing changes from now on");
        self.broken = Some(e.0.clone());
        self.touch();
        CoreError::Unavailable(e.0)
    }

    /// A new bearer token for `key`; expired ones are forgotten.
    pub fn issue_token(&mut self, key: &str, ttl: Duration) -> String {
        let now = Instant::now();
        self.sessions.retain(|_, s| s.expires > now);
        self.tokens_made += 1;
        let token = format!("{}{:x}", random_hex(16), self.tokens_made);
        self.sessions.insert(token.clone(), Session { key: key.to_string(), expires: Instant::now() + ttl });
        token
    }

    /// The app key and user a bearer token acts for.
    pub fn session(&self, token: &str) -> Option<(String, UserKey)> {
        let session = self.sessions.get(token).filter(|s| s.expires > Instant::now())?;
        let user = self.model.actors.get(&session.key)?;
        Some((session.key.clone(), *user))
    }
}

fn set_task_limit(model: &mut Model, limit: usize) {
    let admin = model.ws.users().find(|(_, u)| u.role() == coursecopy::Role::Administrator).map(|(k, _)| k);
    if let Some(admin) = admin {
        // A limit of 0 is refused by the model; the flag's value is then
        // ignored and the workspace keeps its own.
        let _ = model.ws.set_task_limit(admin, limit);
    }
}

/// The app keys `config` names (`--app-key`, `--app-keys-file`), or the
/// demo's when it names none.
///
/// # Errors
/// A key file that cannot be read; a key not of the form
/// `KEY:SECRET:USER NAME`.
pub fn app_keys(config: &Config) -> Result<Vec<AppKey>, String> {
    let mut specs = config.app_keys.clone();
    if let Some(path) = &config.app_keys_file {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        specs.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string));
    }
    if specs.is_empty() { Ok(demo_keys()) } else { parse_keys(&specs) }
}

fn parse_keys(specs: &[String]) -> Result<Vec<AppKey>, String> {
    specs
        .iter()
        .map(|spec| {
            let mut parts = spec.splitn(3, ':');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(key), Some(secret), Some(user)) if !key.is_empty() && !secret.is_empty() && !user.is_empty() => {
                    Ok(AppKey { key: key.into(), secret: secret.into(), user: user.into() })
                }
                _ => Err(format!("--app-key {spec:?}: expected KEY:SECRET:USER NAME")),
            }
        })
        .collect()
}

fn load_saved(path: &std::path::Path) -> Result<Workspace, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let ws: Workspace = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    ws.check_integrity().map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(ws)
}

/// `bytes` random bytes as hex, from the standard library's randomly
/// seeded hasher: tokens only need to be unguessable on a test machine.
pub fn random_hex(bytes: usize) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::with_capacity(bytes * 2);
    while out.len() < bytes * 2 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(out.len());
        h.write_u128(Instant::now().elapsed().as_nanos());
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(bytes * 2);
    out
}
