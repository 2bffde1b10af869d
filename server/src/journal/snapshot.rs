//! The snapshot's two parts: the saved workspace (the library's current
//! format) and the book of copy tasks the server accepted.

use crate::blueprints::{Sync, Template};
use crate::demo::AppKey;
use crate::migrations::Migration;
use crate::model::{Accepted, Model};
use serde::{Deserialize, Serialize};

/// A model in its saved parts: the saved workspace and the task book.
pub struct SnapshotParts {
    ws: coursecopy::Workspace,
    tasks: Vec<SavedTask>,
    migrations: Vec<Migration>,
    next_job_id: u64,
    templates: Vec<Template>,
    syncs: Vec<Sync>,
}

/// The task book as a snapshot keeps it, with the migrations and the job
/// counter (both absent from a snapshot written before migrations).
#[derive(Serialize, Deserialize)]
struct SavedBook {
    tasks: Vec<SavedTask>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    migrations: Vec<Migration>,
    #[serde(default = "first_job_id")]
    next_job_id: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    templates: Vec<Template>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    syncs: Vec<Sync>,
}

fn first_job_id() -> u64 {
    1
}

/// One accepted task, as a snapshot keeps it.
#[derive(Serialize, Deserialize)]
struct SavedTask {
    id: String,
    target: String,
    ended: Option<coursecopy::Timestamp>,
}

impl SnapshotParts {
    /// Reads the two texts; the workspace must pass its integrity check,
    /// which loading it runs (a saved workspace that breaks an invariant
    /// does not load), so it is not run twice.
    ///
    /// # Errors
    /// Either text does not parse; the workspace is not sound.
    pub fn read(workspace: &str, tasks: &str) -> Result<SnapshotParts, String> {
        let ws: coursecopy::Workspace = serde_json::from_str(workspace).map_err(|e| e.to_string())?;
        let saved: SavedBook = serde_json::from_str(tasks).map_err(|e| format!("tasks: {e}"))?;
        Ok(SnapshotParts {
            ws,
            tasks: saved.tasks,
            migrations: saved.migrations,
            next_job_id: saved.next_job_id,
            templates: saved.templates,
            syncs: saved.syncs,
        })
    }

    /// The two texts of `model`.
    ///
    /// # Errors
    /// The workspace does not serialise.
    pub fn write(model: &Model) -> Result<(String, String), String> {
        let workspace = serde_json::to_string(&model.ws).map_err(|e| e.to_string())?;
        let tasks = model
            .tasks
            .iter()
            .map(|(id, t)| SavedTask { id: id.clone(), target: t.target.clone(), ended: t.ended })
            .collect();
        let migrations = model.migrations.values().cloned().collect();
        let book = SavedBook {
            tasks,
            migrations,
            next_job_id: model.next_job_id,
            templates: model.templates.values().cloned().collect(),
            syncs: model.syncs.values().cloned().collect(),
        };
        Ok((workspace, serde_json::to_string(&book).map_err(|e| e.to_string())?))
    }

    /// How many tasks the book holds.
    pub fn task_count(&self) -> usize {
        self.tasks.len()
    }

    /// The model, its app keys resolved to users.
    ///
    /// # Errors
    /// A book entry for a task the workspace does not hold; a key whose
    /// user the workspace does not have.
    pub fn into_model(self, keys: &[AppKey]) -> Result<Model, String> {
        let ids: std::collections::BTreeMap<String, coursecopy::TaskKey> =
            self.ws.tasks().filter_map(|k| self.ws.task_status(k).ok().map(|s| (s.id, k))).collect();
        let mut tasks = std::collections::BTreeMap::new();
        for t in self.tasks {
            let key = *ids.get(&t.id).ok_or_else(|| format!("tasks: {} is not in the workspace", t.id))?;
            tasks.insert(t.id, Accepted { key, target: t.target, ended: t.ended });
        }
        let mut model = Model::new(self.ws, keys)?;
        model.tasks.extend(tasks);
        let migrations = self.migrations.len();
        for m in self.migrations {
            if let crate::migrations::MigrationState::Task { task } = &m.state
                && !model.tasks.contains_key(task)
            {
                return Err(format!("migrations: {} names task {task}, which the book lacks", m.id));
            }
            if m.id >= self.next_job_id {
                return Err(format!("migrations: {} is not below the next job id {}", m.id, self.next_job_id));
            }
            model.migrations.insert(m.id, m);
        }
        let templates = self.templates.len();
        model.templates.extend(self.templates.into_iter().map(|t| (t.id, t)));
        let syncs = self.syncs.len();
        for s in self.syncs {
            if let Some(task) = s.parts.iter().filter_map(|p| p.task.as_ref()).find(|t| !model.tasks.contains_key(*t)) {
                return Err(format!("syncs: {} names task {task}, which the book lacks", s.id));
            }
            model.syncs.insert(s.id, s);
        }
        if model.migrations.len() != migrations || model.templates.len() != templates || model.syncs.len() != syncs {
            return Err("jobs: an id is held twice".into());
        }
        model.next_job_id = self.next_job_id.max(1);
        match model.jobs_problem() {
            Some(problem) => Err(format!("jobs: {problem}")),
            None => Ok(model),
        }
    }
}
